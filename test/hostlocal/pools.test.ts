import { hostLocalPools } from "../../src/hostlocal";
import { renderIpPool } from "../../src/render/manifests";
import { validateIpPool } from "../../src/validation/ip-pool";
import { schemaErrors } from "../helpers/crd";

describe("the IP pools Calico needs in host-local mode", () => {
  test("one pool per cluster CIDR, equal to it, selecting every node", () => {
    expect(hostLocalPools(["10.244.0.0/16", "fd00:10:244::/56"], {})).toEqual([
      { name: "default-ipv4-ippool", cidr: "10.244.0.0/16", blockSize: 26, ipipMode: "Never", vxlanMode: "Never", natOutgoing: true, nodeSelector: "all()", allowedUses: ["Workload", "Tunnel"] },
      { name: "default-ipv6-ippool", cidr: "fd00:10:244::/56", blockSize: 122, ipipMode: "Never", vxlanMode: "Never", natOutgoing: false, nodeSelector: "all()", allowedUses: ["Workload", "Tunnel"] },
    ]);
  });

  test("the settings given apply; IPIP only to the IPv4 pool, since Calico has no IPIP for IPv6", () => {
    const [v4, v6] = hostLocalPools(["10.244.0.0/16", "fd00:10:244::/56"], { ipipMode: "CrossSubnet", natOutgoing: false });
    expect([v4.ipipMode, v4.natOutgoing, v6.ipipMode, v6.natOutgoing]).toEqual(["CrossSubnet", false, "Never", false]);
  });

  test("VXLAN applies to both families", () => {
    expect(hostLocalPools(["10.244.0.0/16", "fd00:10:244::/56"], { vxlanMode: "Always" }).map((p) => p.vxlanMode)).toEqual(["Always", "Always"]);
  });

  test("a cluster CIDR smaller than a default block gets a block of its own size, so the pool stays valid", () => {
    expect(hostLocalPools(["10.244.0.0/28"], {})[0].blockSize).toBe(28);
  });

  test.each([
    [["10.244.0.0/16"], { ipipMode: "Always", vxlanMode: "Always" }, /Cannot enable both VXLAN and IPIP/],
    [["10.244.0.0/16"], { ipipMode: "always" }, /ipipMode must be "Never", "Always" or "CrossSubnet"/],
    [["10.244.0.0/16", "10.245.0.0/16"], {}, /one per family/],
    [["10.244.0.1/16"], {}, /10\.244\.0\.0\/16/],
  ] as const)("refuses %j with %j", (cidrs, settings, message) => {
    expect(() => hostLocalPools(cidrs, settings as never)).toThrow(message);
  });

  test.each([
    [["10.244.0.0/16"], { vxlanMode: "CrossSubnet" }],
    [["10.244.0.0/16", "fd00:10:244::/56"], { ipipMode: "Always" }],
    [["fd00:10:244::/64"], { vxlanMode: "Always", natOutgoing: true }],
  ] as const)("%j with %j are valid Calico pools that match the CRD", (cidrs, settings) => {
    for (const pool of hostLocalPools(cidrs, settings)) {
      const manifest = renderIpPool(pool);
      expect(validateIpPool(manifest)).toEqual([]);
      expect(schemaErrors(manifest)).toEqual([]);
    }
  });
});
