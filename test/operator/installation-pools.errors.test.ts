import { INSTALLATION_MAX_IP_POOLS, toInstallationIpPools } from "../../src/operator";
import { Cidr } from "../../src/ip";
import { EffectiveIpPool } from "../../src/validation/ip-pool";
import { pool } from "./helpers";
import { ipPoolsErrors, ipPoolsSchema } from "./installation-schema";

describe("what an Installation cannot express is an error", () => {
  test("a namespaceSelector is refused with the explanation and the way out, and the pool is left out", () => {
    const { ipPools, findings } = toInstallationIpPools([
      pool("payments", "10.3.0.0/22", { namespaceSelector: 'team == "payments"', allowedUses: ["Workload"] }),
      pool("general", "10.4.0.0/16"),
    ]);
    expect(ipPools.map((p) => p.name)).toEqual(["general"]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", code: "OPERATOR_NAMESPACE_SELECTOR", path: "pools.payments.namespaceSelector" });
    expect(findings[0].message).toMatch(/namespaceSelector 'team == "payments"', which an Installation cannot express/);
    expect(findings[0].message).toMatch(/the pool would serve every namespace/);
    expect(findings[0].message).toMatch(/emit it as a standalone IPPool \(the operator leaves alone the unlabelled pools it does not list\)/);
  });

  test("the operator's schema indeed has no namespaceSelector", () => {
    const fields = Object.keys((ipPoolsSchema().items as { properties: object }).properties);
    expect(fields).not.toContain("namespaceSelector");
    expect(ipPoolsErrors([{ cidr: "10.0.0.0/16", namespaceSelector: "all()" }])).toEqual(["/0 must NOT have additional properties"]);
  });

  test("the schema check is not vacuous: IPPool spellings of the fields are refused", () => {
    expect(ipPoolsErrors([{ cidr: "10.0.0.0/16", encapsulation: "Always", natOutgoing: true }])).toEqual([
      "/0/encapsulation must be equal to one of the allowed values",
      "/0/natOutgoing must be string",
      "/0/natOutgoing must be equal to one of the allowed values",
    ]);
  });

  test(`the schema accepts at most ${INSTALLATION_MAX_IP_POOLS} pools`, () => {
    expect(ipPoolsSchema().maxItems).toBe(INSTALLATION_MAX_IP_POOLS);
  });

  test("25 pools are fine, 26 are an error that keeps every pool so that all are named", () => {
    const pools = (n: number): EffectiveIpPool[] => Array.from({ length: n }, (_, i) => pool(`p-${String(i).padStart(2, "0")}`, Cidr.of(4, BigInt((10 << 24) + (i << 16)), 16).toString()));
    const ok = toInstallationIpPools(pools(25));
    expect(ok.findings).toEqual([]);
    expect(ipPoolsErrors(ok.ipPools)).toEqual([]);
    const over = toInstallationIpPools(pools(26));
    expect(over.ipPools).toHaveLength(26);
    expect(over.findings.map((f) => [f.code, f.path])).toEqual([["OPERATOR_TOO_MANY_POOLS", "pools"]]);
    expect(over.findings[0].message).toMatch(/^26 pools, more than the 25 an Installation's spec\.calicoNetwork\.ipPools accepts/);
    expect(ipPoolsErrors(over.ipPools)).toEqual([" must NOT have more than 25 items"]);
  });

  test("IPIP and VXLAN together are one encapsulation too many", () => {
    const both = { ...pool("p", "10.1.0.0/16"), ipipMode: "Always", vxlanMode: "CrossSubnet" } as EffectiveIpPool;
    const { ipPools, findings } = toInstallationIpPools([both]);
    expect(ipPools).toEqual([]);
    expect(findings.map((f) => [f.code, f.path])).toEqual([["OPERATOR_ENCAPSULATION", "pools.p.ipipMode"]]);
  });

  test("a name or a CIDR listed twice is refused, as the operator refuses it", () => {
    const { ipPools, findings } = toInstallationIpPools([pool("a", "10.1.0.0/16"), pool("a", "10.2.0.0/16"), pool("b", "10.1.0.0/16")]);
    expect(ipPools.map((p) => p.name)).toEqual(["a"]);
    expect(findings.map((f) => f.path)).toEqual(["pools.a.name", "pools.b.cidr"]);
    expect(findings[1].message).toMatch(/IP pool 10\.1\.0\.0\/16 is specified more than once \(by "a" and "b"\)/);
  });
});
