import fc from "fast-check";
import { Cidr } from "../../src/ip";
import { renderInstallation, toInstallationIpPools } from "../../src/operator";
import { checkIpPool, EffectiveIpPool } from "../../src/validation/ip-pool";
import { ipPoolsErrors } from "./installation-schema";

const mode = fc.constantFrom("Never", "Always", "CrossSubnet");
const selector = fc.constantFrom(undefined, "all()", "", "!all()", 'rack == "a"', "has(gpu) && zone in {'a', 'b'}");
const uses = fc.constantFrom<string[] | undefined>(undefined, ["Workload"], ["Tunnel"], ["Workload", "Tunnel"], ["Tunnel", "Workload"], ["LoadBalancer"]);

/** Any valid pool (IPv4 or IPv6) without a namespaceSelector. */
const validPool = fc
  .record({
    v6: fc.boolean(),
    net: fc.integer({ min: 0, max: 0xfff }),
    prefixV4: fc.integer({ min: 16, max: 26 }),
    prefixV6: fc.integer({ min: 64, max: 122 }),
    ipipMode: mode,
    vxlanMode: mode,
    natOutgoing: fc.option(fc.boolean(), { nil: undefined }),
    disabled: fc.option(fc.boolean(), { nil: undefined }),
    disableBGPExport: fc.option(fc.boolean(), { nil: undefined }),
    nodeSelector: selector,
    allowedUses: uses,
    assignmentMode: fc.constantFrom(undefined, "Automatic", "Manual"),
  })
  .map((r) => {
    const cidr = r.v6 ? Cidr.containing(6, (0xfd00n << 112n) | (BigInt(r.net) << 80n), r.prefixV6) : Cidr.containing(4, BigInt((10 << 24) + (r.net << 12)), r.prefixV4);
    const lb = r.allowedUses?.includes("LoadBalancer") ?? false;
    const spec: Record<string, unknown> = {
      cidr: cidr.toString(),
      ipipMode: r.v6 || lb ? "Never" : r.ipipMode,
      vxlanMode: lb || (!r.v6 && r.ipipMode !== "Never") ? "Never" : r.vxlanMode,
      natOutgoing: r.natOutgoing,
      disabled: r.disabled,
      disableBGPExport: lb ? false : r.disableBGPExport,
      nodeSelector: lb ? "all()" : r.nodeSelector,
      allowedUses: r.allowedUses,
      assignmentMode: r.assignmentMode,
    };
    return spec;
  });

const pools = fc.uniqueArray(validPool, { maxLength: 25, selector: (s) => s.cidr as string }).map((specs) =>
  specs.map((spec, i) => {
    const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: `pool-${i}` }, spec });
    if (!check.pool || check.findings.some((f) => f.severity === "error")) throw new Error(JSON.stringify(check.findings));
    return check.pool;
  }),
);

describe("generated pools", () => {
  test("map without findings and match the operator's ipPools schema, also inside the rendered Installation", () => {
    fc.assert(
      fc.property(pools, (ps: EffectiveIpPool[]) => {
        const { ipPools, findings } = toInstallationIpPools(ps);
        expect(findings).toEqual([]);
        expect(ipPools).toHaveLength(ps.length);
        expect(ipPoolsErrors(ipPools)).toEqual([]);
        expect(ipPoolsErrors(renderInstallation(ipPools).spec.calicoNetwork.ipPools)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  test("keep every setting: mapping back gives the same pool", () => {
    fc.assert(
      fc.property(pools, (ps: EffectiveIpPool[]) => {
        const byName = new Map(ps.map((p) => [p.name, p]));
        for (const out of toInstallationIpPools(ps).ipPools) {
          const p = byName.get(out.name)!;
          const ipip = out.encapsulation === "IPIP" ? "Always" : out.encapsulation === "IPIPCrossSubnet" ? "CrossSubnet" : "Never";
          const vxlan = out.encapsulation === "VXLAN" ? "Always" : out.encapsulation === "VXLANCrossSubnet" ? "CrossSubnet" : "Never";
          expect([out.cidr, out.blockSize, ipip, vxlan, out.natOutgoing === "Enabled", out.disableNewAllocations, out.disableBGPExport, out.allowedUses, out.assignmentMode]).toEqual([
            p.cidr.toString(), p.blockSize, p.ipipMode, p.vxlanMode, p.natOutgoing, p.disabled, p.disableBGPExport, p.allowedUses, p.assignmentMode,
          ]);
          expect(out.nodeSelector).toBe(p.nodeSelector.trim() === "" ? "all()" : p.nodeSelector);
        }
      }),
      { numRuns: 200 },
    );
  });
});
