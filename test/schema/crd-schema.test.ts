import * as fc from "fast-check";
import { API_CRD_V1, API_V3, CalicoApiVersion } from "../../src/model/calico";
import { renderIpPool, renderIpamConfiguration } from "../../src/render/manifests";
import { validateIpPool } from "../../src/validation/ip-pool";
import { validateIpamConfiguration } from "../../src/validation/ipam-configuration";
import { schemaErrors } from "../helpers/crd";

const apiVersions: CalicoApiVersion[] = [API_V3, API_CRD_V1];

const encap = fc.constantFrom("Never" as const, "Always" as const, "CrossSubnet" as const);

/** Pool declarations the library accepts (no error findings), over every field. */
const v4Pool = fc.record(
  {
    name: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/),
    prefix: fc.integer({ min: 8, max: 26 }),
    base: fc.integer({ min: 0, max: 255 }),
    blockExtra: fc.integer({ min: 0, max: 6 }),
    mode: fc.constantFrom("ipip", "vxlan", "none"),
    modeValue: encap,
    natOutgoing: fc.option(fc.boolean(), { nil: undefined }),
    disabled: fc.option(fc.boolean(), { nil: undefined }),
    disableBGPExport: fc.option(fc.boolean(), { nil: undefined }),
    nodeSelector: fc.option(fc.constantFrom("all()", 'rack == "a"', "!all()", "has(zone) && zone in {'a', 'b'}"), { nil: undefined }),
    namespaceSelector: fc.option(fc.constantFrom('team == "payments"', "!has(team)"), { nil: undefined }),
    assignmentMode: fc.option(fc.constantFrom("Automatic" as const, "Manual" as const), { nil: undefined }),
    labels: fc.option(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[a-z0-9]{0,10}$/), { maxKeys: 3 }), { nil: undefined }),
  },
  { requiredKeys: ["name", "prefix", "base", "blockExtra", "mode", "modeValue"] },
).map((r) => ({
  name: r.name,
  cidr: `10.${r.base}.0.0/${Math.max(r.prefix, 16)}`,
  blockSize: Math.min(32, Math.max(r.prefix, 16) + r.blockExtra + 4),
  ipipMode: r.mode === "ipip" ? r.modeValue : undefined,
  vxlanMode: r.mode === "vxlan" ? r.modeValue : undefined,
  natOutgoing: r.natOutgoing,
  disabled: r.disabled,
  disableBGPExport: r.disableBGPExport,
  nodeSelector: r.nodeSelector,
  namespaceSelector: r.namespaceSelector,
  allowedUses: r.namespaceSelector ? (["Workload"] as const) : undefined,
  assignmentMode: r.assignmentMode,
  labels: r.labels,
}));

describe("every emitted manifest validates against Calico's v3.32.1 CRDs", () => {
  test.each(apiVersions)("generated IPv4 pools in %s", (apiVersion) => {
    fc.assert(
      fc.property(v4Pool, (decl) => {
        const manifest = renderIpPool({ ...decl, allowedUses: decl.allowedUses ? [...decl.allowedUses] : undefined }, apiVersion);
        expect(validateIpPool(manifest).filter((f) => f.severity === "error")).toEqual([]);
        expect(schemaErrors(manifest)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  test.each(apiVersions)("IPv6, LoadBalancer and Tunnel pools in %s", (apiVersion) => {
    const pools = [
      renderIpPool({ name: "v6", cidr: "fd00:10:244::/56", blockSize: 122, vxlanMode: "Always" }, apiVersion),
      renderIpPool({ name: "lb", cidr: "10.96.200.0/24", allowedUses: ["LoadBalancer"] }, apiVersion),
      renderIpPool({ name: "tunnel", cidr: "10.97.0.0/24", allowedUses: ["Tunnel"], ipipMode: "Always" }, apiVersion),
    ];
    for (const m of pools) {
      expect(validateIpPool(m)).toEqual([]);
      expect(schemaErrors(m)).toEqual([]);
    }
  });

  test.each(apiVersions)("IPAM configurations in %s", (apiVersion) => {
    fc.assert(
      fc.property(
        fc.record({
          strictAffinity: fc.option(fc.boolean(), { nil: undefined }),
          autoAllocateBlocks: fc.option(fc.boolean(), { nil: undefined }),
          maxBlocksPerHost: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
          kubeVirtVMAddressPersistence: fc.option(fc.constantFrom("Enabled" as const, "Disabled" as const), { nil: undefined }),
        }),
        (decl) => {
          const manifest = renderIpamConfiguration(decl, apiVersion);
          expect(validateIpamConfiguration(manifest).filter((f) => f.severity === "error")).toEqual([]);
          expect(schemaErrors(manifest)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("the schema check itself rejects what the CRD forbids", () => {
    const bad = { ...renderIpPool({ name: "a", cidr: "10.0.0.0/16" }), spec: { cidr: "10.0.0.0/16", ipipMode: "never", bogus: 1 } };
    expect(schemaErrors(bad).join("\n")).toMatch(/ipipMode must be equal to one of the allowed values/);
    expect(schemaErrors(bad).join("\n")).toMatch(/must NOT have additional properties/);
    expect(schemaErrors({ apiVersion: API_V3, kind: "IPPool", metadata: { name: "a" }, spec: {} } as never).join()).toMatch(/must have required property 'cidr'/);
  });
});
