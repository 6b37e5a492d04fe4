import { API_CRD_V1, API_V3, CALICO_API_VERSIONS, IpPoolManifest, IpamConfigurationManifest } from "../model/calico";
import { renderIpPool, renderIpamConfiguration } from "../render/manifests";
import type { IpamSpec } from "../spec/types";
import { Finding, error, hasErrors, warning } from "../validation/finding";
import { EffectiveIpPool, checkIpPool, validateIpPools } from "../validation/ip-pool";
import { EffectiveIpamConfiguration, checkIpamConfiguration } from "../validation/ipam-configuration";

/** One pool of a plan: the declaration's manifest, what Calico will make of it, and its findings. */
export interface PlannedPool {
  readonly manifest: IpPoolManifest;
  /** Calico's view of the pool with defaults applied; undefined when its CIDR could not be read. */
  readonly effective?: EffectiveIpPool;
  readonly findings: readonly Finding[];
}

/** The resolved address plan. */
export interface IpamPlan {
  readonly apiVersion: typeof API_V3 | typeof API_CRD_V1;
  /** In declaration order. */
  readonly pools: readonly PlannedPool[];
  readonly ipamConfiguration?: {
    readonly manifest: IpamConfigurationManifest;
    readonly effective?: EffectiveIpamConfiguration;
    readonly findings: readonly Finding[];
  };
  /** Findings about the plan as a whole (not about one object). */
  readonly findings: readonly Finding[];
}

/**
 * Resolves an address plan: renders every object, applies Calico's defaults and validates each object
 * and the pools across each other. The same function serves the constructs and the CLI.
 */
export function planIpam(spec: IpamSpec): IpamPlan {
  const findings: Finding[] = [];
  let apiVersion = spec.apiVersion ?? API_V3;
  if (!(CALICO_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    findings.push(error("API_VERSION_INVALID", "apiVersion", `apiVersion must be ${API_V3} (recommended) or ${API_CRD_V1}, got "${String(apiVersion)}"`));
    apiVersion = API_V3;
  }
  if (apiVersion === API_CRD_V1) {
    findings.push(
      warning(
        "CRD_V1_BYPASSES_VALIDATION",
        "apiVersion",
        `${API_CRD_V1} is Calico's internal storage API: writing it bypasses Calico's own validation, defaulting and pool overlap check (maintainers: "you are not supposed to work with v1 resources directly"). ` +
          `This library validates every object and writes Calico's defaults explicitly, but prefer ${API_V3}`,
      ),
    );
  }
  const manifests = spec.pools.map((p) => renderIpPool(p, apiVersion));
  const perPool = validateIpPools(manifests);
  const pools: PlannedPool[] = manifests.map((manifest, i) => ({
    manifest,
    effective: checkIpPool(manifest).pool,
    findings: perPool[i],
  }));
  let ipamConfiguration: IpamPlan["ipamConfiguration"];
  if (spec.ipamConfiguration) {
    const manifest = renderIpamConfiguration(spec.ipamConfiguration, apiVersion);
    const check = checkIpamConfiguration(manifest);
    ipamConfiguration = { manifest, effective: check.config, findings: check.findings };
  }
  return { apiVersion, pools, ipamConfiguration, findings };
}

/** Every finding of a plan, each with the object it belongs to (`IPPool/name`, `IPAMConfiguration/default`, or `plan`). */
export function allFindings(plan: IpamPlan): Array<Finding & { readonly subject: string }> {
  const out: Array<Finding & { subject: string }> = [];
  for (const f of plan.findings) out.push({ ...f, subject: "plan" });
  for (const p of plan.pools) for (const f of p.findings) out.push({ ...f, subject: `IPPool/${p.manifest.metadata.name}` });
  if (plan.ipamConfiguration) {
    const m = plan.ipamConfiguration.manifest;
    for (const f of plan.ipamConfiguration.findings) out.push({ ...f, subject: `${m.kind}/${m.metadata.name}` });
  }
  return out;
}

/** True when any object of the plan has an error-level finding. */
export function planHasErrors(plan: IpamPlan): boolean {
  return allFindings(plan).some((f) => f.severity === "error") || hasErrors(plan.findings);
}

/** The Calico objects of a plan, for YAML output. */
export function planObjects(plan: IpamPlan): Array<IpPoolManifest | IpamConfigurationManifest> {
  return [...(plan.ipamConfiguration ? [plan.ipamConfiguration.manifest] : []), ...plan.pools.map((p) => p.manifest)];
}
