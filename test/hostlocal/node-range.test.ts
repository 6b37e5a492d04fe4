import fc from "fast-check";
import { Cidr } from "../../src/ip";
import { hostLocalReservedAddresses, hostLocalUsableAddresses, nodeMaskForPods } from "../../src/hostlocal";

describe("host-local hands out every address of a node range but the network, the gateway and the IPv4 broadcast", () => {
  test.each([
    ["10.244.0.0/24", 253n],
    ["10.244.0.0/23", 509n],
    ["10.244.0.0/25", 125n],
    ["10.244.0.0/28", 13n],
    ["10.244.0.0/30", 1n],
    ["10.244.0.0/31", 0n],
    ["10.244.0.0/32", 0n],
    ["fd00:10:244::/64", (1n << 64n) - 2n],
    ["fd00:10:244::/120", 254n],
    ["fd00:10:244::/126", 2n],
    ["fd00:10:244::/127", 0n],
  ])("%s gives %s pod addresses", (range, usable) => {
    expect(hostLocalUsableAddresses(Cidr.parse(range))).toBe(usable);
  });

  test("the addresses kept back are named for IPv4: network, gateway (.1) and broadcast", () => {
    expect(hostLocalReservedAddresses(Cidr.parse("10.244.3.0/24"))).toEqual({ network: "10.244.3.0", gateway: "10.244.3.1", broadcast: "10.244.3.255" });
  });

  test("IPv6 has no broadcast address: only the network address and the gateway are kept back", () => {
    expect(hostLocalReservedAddresses(Cidr.parse("fd00:0:0:3::/64"))).toEqual({ network: "fd00:0:0:3::", gateway: "fd00:0:0:3::1" });
  });

  test("usable addresses are the range size minus 3 (IPv4) or 2 (IPv6), for every range host-local accepts", () => {
    fc.assert(
      fc.property(fc.constantFrom(4 as const, 6 as const), fc.integer({ min: 0, max: 126 }), (family, p) => {
        const prefix = family === 4 ? p % 31 : p;
        const range = Cidr.of(family, 0n, prefix);
        expect(hostLocalUsableAddresses(range)).toBe(range.size - (family === 4 ? 3n : 2n));
      }),
    );
  });
});

describe("the node mask that fits a pod count", () => {
  test.each([
    [4, 110, 25],
    [4, 125, 25],
    [4, 126, 24],
    [4, 253, 24],
    [4, 254, 23],
    [4, 0, 30],
    [4, 1, 30],
    [6, 110, 121],
    [6, 0, 126],
  ] as const)("IPv%s, %s pods: /%s", (family, pods, mask) => {
    expect(nodeMaskForPods(family, pods)).toBe(mask);
  });

  test("the mask it gives holds the pods, and one bit longer would not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 100_000 }), (pods) => {
        const mask = nodeMaskForPods(4, pods);
        expect(hostLocalUsableAddresses(Cidr.of(4, 0n, mask))).toBeGreaterThanOrEqual(BigInt(pods));
        if (mask < 30) expect(hostLocalUsableAddresses(Cidr.of(4, 0n, mask + 1))).toBeLessThan(BigInt(pods));
      }),
    );
  });
});
