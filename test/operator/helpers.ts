import { EffectiveIpPool, checkIpPool } from "../../src/validation/ip-pool";

/** A pool with Calico's defaults applied, from an IPPool spec; throws if Calico would refuse it. */
export function pool(name: string, cidr: string, spec: Record<string, unknown> = {}): EffectiveIpPool {
  const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } });
  if (!check.pool || check.findings.some((f) => f.severity === "error")) throw new Error(JSON.stringify(check.findings));
  return check.pool;
}
