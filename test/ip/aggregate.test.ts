import { Cidr, aggregate, parseAddress, rangeToCidrs } from "../../src/ip";

const c = (text: string) => Cidr.parse(text);
const a = (text: string) => parseAddress(text).value;

describe("rangeToCidrs", () => {
  test.each([
    ["10.0.0.0", "10.0.0.255", ["10.0.0.0/24"]],
    ["10.0.0.1", "10.0.0.1", ["10.0.0.1/32"]],
    ["10.0.0.1", "10.0.0.6", ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]],
    ["10.0.0.0", "10.0.2.255", ["10.0.0.0/23", "10.0.2.0/24"]],
    ["0.0.0.0", "255.255.255.255", ["0.0.0.0/0"]],
    ["255.255.255.255", "255.255.255.255", ["255.255.255.255/32"]],
    ["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["::/0"]],
    ["fd00::1", "fd00::ff", ["fd00::1/128", "fd00::2/127", "fd00::4/126", "fd00::8/125", "fd00::10/124", "fd00::20/123", "fd00::40/122", "fd00::80/121"]],
  ])("%s-%s is %j", (first, last, expected) => {
    expect(rangeToCidrs(parseAddress(first).family, { first: a(first), last: a(last) }).map(String)).toEqual(expected);
  });

  test("a huge unaligned IPv6 range costs at most 2 × 128 CIDRs", () => {
    const cidrs = rangeToCidrs(6, { first: 1n, last: (1n << 128n) - 2n });
    expect(cidrs).toHaveLength(254);
    expect(cidrs[0].toString()).toBe("::1/128");
    expect(cidrs[cidrs.length - 1].toString()).toBe("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128");
  });

  test("refuses an empty range", () => {
    expect(() => rangeToCidrs(4, { first: 2n, last: 1n })).toThrow(RangeError);
  });
});

describe("aggregate: the fewest CIDRs for a firewall rule", () => {
  test.each([
    [["10.0.0.0/25", "10.0.0.128/25"], ["10.0.0.0/24"]],
    [["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"], ["10.0.0.0/22"]],
    [["10.0.1.0/24", "10.0.2.0/24"], ["10.0.1.0/24", "10.0.2.0/24"]],
    [["10.0.0.0/8", "10.1.0.0/16", "10.2.3.0/24"], ["10.0.0.0/8"]],
    [["192.168.0.0/24", "10.0.0.0/24", "10.0.0.0/24"], ["10.0.0.0/24", "192.168.0.0/24"]],
    [["fd00::/65", "fd00::8000:0:0:0/65"], ["fd00::/64"]],
    [[], []],
  ])("%j aggregates to %j", (inputs, expected) => {
    const family = inputs.length > 0 && inputs[0].includes(":") ? 6 : 4;
    expect(aggregate(family, inputs.map(c)).map(String)).toEqual(expected);
  });

  test("mixes ranges and CIDRs", () => {
    expect(aggregate(4, [c("10.0.0.0/25"), { first: a("10.0.0.128"), last: a("10.0.1.255") }]).map(String)).toEqual([
      "10.0.0.0/23",
    ]);
  });

  test("refuses a CIDR of the other family", () => {
    expect(() => aggregate(4, [c("fd00::/8")])).toThrow(/fd00::\/8 is not an IPv4 CIDR/);
  });
});
