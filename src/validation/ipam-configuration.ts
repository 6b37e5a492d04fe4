import { API_CRD_V1, API_V3, DEFAULT_MAX_BLOCKS_PER_HOST, IPAM_CONFIGURATION_NAME, KUBEVIRT_PERSISTENCE_VALUES, KubeVirtAddressPersistence } from "../model/calico";
import { Finding, error, warning } from "./finding";
import { describe, isPlainObject, validateAnnotations, validateLabels } from "./names";

/** The IPAM configuration with Calico's defaults applied, and what each setting does. */
export interface EffectiveIpamConfiguration {
  readonly strictAffinity: boolean;
  readonly autoAllocateBlocks: boolean;
  /** As written (0 when unset). */
  readonly maxBlocksPerHost: number;
  /** Whether `maxBlocksPerHost` was written (an explicit 0 is warned about by the validation). */
  readonly maxBlocksPerHostSet: boolean;
  /** What Calico enforces: 0 becomes 20. Per host and per IP family. */
  readonly effectiveMaxBlocksPerHost: number;
  readonly kubeVirtVMAddressPersistence: KubeVirtAddressPersistence;
  /** Plain sentences explaining the configuration, for reports. */
  readonly notes: readonly string[];
}

export interface IpamConfigurationCheck {
  readonly findings: Finding[];
  readonly config?: EffectiveIpamConfiguration;
}

const MAX_BLOCKS_LIMIT: Record<string, number> = { [API_V3]: 1_000_000, [API_CRD_V1]: 2_147_483_647 };
const SPEC_FIELDS = new Set(["strictAffinity", "autoAllocateBlocks", "maxBlocksPerHost", "kubeVirtVMAddressPersistence"]);

/**
 * Validates an IPAMConfiguration (projectcalico.org/v3) or IPAMConfig (crd.projectcalico.org/v1)
 * manifest: types and ranges as the CRD checks them, the `default` name, and, as warnings, the
 * cross-field rules that only `calicoctl ipam configure` enforces, saying what Calico will do.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ipamconfig
 */
export function validateIpamConfiguration(manifest: unknown): Finding[] {
  return checkIpamConfiguration(manifest).findings;
}

/** Validates and explains an IPAM configuration manifest. */
export function checkIpamConfiguration(manifest: unknown): IpamConfigurationCheck {
  const findings: Finding[] = [];
  if (!isPlainObject(manifest)) {
    return { findings: [error("MANIFEST_INVALID", "", `an IPAM configuration manifest must be a map, got ${describe(manifest)}`)] };
  }
  const { apiVersion, kind, metadata, spec } = manifest;
  if (apiVersion === API_V3) {
    if (kind !== "IPAMConfiguration") findings.push(error("KIND_INVALID", "kind", `kind must be "IPAMConfiguration" in ${API_V3}, got ${describe(kind)}`));
  } else if (apiVersion === API_CRD_V1) {
    if (kind !== "IPAMConfig") findings.push(error("KIND_INVALID", "kind", `kind must be "IPAMConfig" in ${API_CRD_V1}, got ${describe(kind)}`));
  } else {
    findings.push(error("API_VERSION_INVALID", "apiVersion", `apiVersion must be ${API_V3} or ${API_CRD_V1}, got ${describe(apiVersion)}`));
  }
  if (!isPlainObject(metadata)) {
    findings.push(error("METADATA_MISSING", "metadata", `metadata must be a map with name: ${IPAM_CONFIGURATION_NAME}`));
  } else {
    if (metadata.name !== IPAM_CONFIGURATION_NAME) {
      findings.push(
        error("IPAM_CONFIG_NAME", "metadata.name", `the IPAM configuration is a singleton that Calico reads only under the name "${IPAM_CONFIGURATION_NAME}", got ${describe(metadata.name)}: rename it to "${IPAM_CONFIGURATION_NAME}"`),
      );
    }
    findings.push(...validateLabels(metadata.labels), ...validateAnnotations(metadata.annotations));
  }
  if (!isPlainObject(spec)) {
    findings.push(error("SPEC_MISSING", "spec", "spec must be a map with strictAffinity and autoAllocateBlocks"));
    return { findings };
  }
  for (const key of Object.keys(spec).sort()) {
    if (!SPEC_FIELDS.has(key)) {
      findings.push(warning("IPAM_CONFIG_UNKNOWN_FIELD", `spec.${key}`, `"${key}" is not a field of the IPAM configuration in Calico v3.32 and the API server drops it; known fields are ${[...SPEC_FIELDS].join(", ")}`));
    }
  }
  const strictAffinity = readRequiredBoolean(spec.strictAffinity, "strictAffinity", false, findings);
  const autoAllocateBlocks = readRequiredBoolean(spec.autoAllocateBlocks, "autoAllocateBlocks", true, findings);
  let maxBlocksPerHost = 0;
  const limit = MAX_BLOCKS_LIMIT[String(apiVersion)] ?? MAX_BLOCKS_LIMIT[API_V3];
  const mb = spec.maxBlocksPerHost;
  if (mb !== undefined) {
    if (typeof mb !== "number" || !Number.isInteger(mb)) {
      findings.push(error("IPAM_CONFIG_FIELD_TYPE", "spec.maxBlocksPerHost", `maxBlocksPerHost must be a whole number from 0 to ${limit}, got ${describe(mb)}`));
    } else if (mb < 0 || mb > limit) {
      findings.push(error("IPAM_CONFIG_MAX_BLOCKS_RANGE", "spec.maxBlocksPerHost", `maxBlocksPerHost must be between 0 and ${limit}, got ${mb}`));
    } else {
      maxBlocksPerHost = mb;
    }
  }
  let persistence: KubeVirtAddressPersistence = "Enabled";
  const kv = spec.kubeVirtVMAddressPersistence;
  if (kv !== undefined) {
    if (typeof kv === "string" && (KUBEVIRT_PERSISTENCE_VALUES as readonly string[]).includes(kv)) {
      persistence = kv as KubeVirtAddressPersistence;
    } else {
      findings.push(error("IPAM_CONFIG_ENUM_INVALID", "spec.kubeVirtVMAddressPersistence", `kubeVirtVMAddressPersistence ${describe(kv)} is not supported: supported values: "Enabled", "Disabled"`));
    }
  }

  const effectiveMax = maxBlocksPerHost === 0 ? DEFAULT_MAX_BLOCKS_PER_HOST : maxBlocksPerHost;
  const notes: string[] = [];
  if (mb === 0) {
    findings.push(
      warning(
        "IPAM_CONFIG_MAX_BLOCKS_ZERO",
        "spec.maxBlocksPerHost",
        `maxBlocksPerHost: 0 does not mean unlimited: Calico then allows ${DEFAULT_MAX_BLOCKS_PER_HOST} blocks per host and IP family (calico#9462). Set the limit you want explicitly`,
      ),
    );
  }
  notes.push(
    `Each host may own at most ${effectiveMax} blocks per IP family${maxBlocksPerHost === 0 ? " (Calico's default when maxBlocksPerHost is 0)" : ""}; at the limit a pod that needs a new block fails, without borrowing.`,
  );
  notes.push(
    strictAffinity
      ? "strictAffinity: hosts only use blocks they own; nothing is borrowed from other hosts' blocks (required for Windows nodes)."
      : "Hosts may borrow addresses from other hosts' blocks when no free block is left; borrowed addresses need per-address routes.",
  );
  if (!autoAllocateBlocks) notes.push("autoAllocateBlocks is off: hosts never claim new blocks on their own.");

  if (!strictAffinity && !autoAllocateBlocks) {
    findings.push(
      warning(
        "IPAM_CONFIG_STRICT_AND_AUTO_OFF",
        "spec",
        "Cannot disable 'StrictAffinity' and 'AutoAllocateBlocks' at the same time: calicoctl ipam configure rejects this; applied directly, hosts claim no new blocks and can only borrow from blocks that already exist",
      ),
    );
  }
  if (maxBlocksPerHost > 0 && !strictAffinity) {
    findings.push(
      warning(
        "IPAM_CONFIG_MAX_BLOCKS_WITHOUT_STRICT",
        "spec",
        `MaxBlocksPerHost requires StrictAffinity to be enabled: calicoctl ipam configure rejects this; applied directly, Calico still enforces the limit of ${maxBlocksPerHost} blocks, and a pod that needs block ${maxBlocksPerHost + 1} fails instead of borrowing. Set strictAffinity: true to make the intent explicit`,
      ),
    );
  }
  return {
    findings,
    config: { strictAffinity, autoAllocateBlocks, maxBlocksPerHost, maxBlocksPerHostSet: mb !== undefined, effectiveMaxBlocksPerHost: effectiveMax, kubeVirtVMAddressPersistence: persistence, notes },
  };
}

function readRequiredBoolean(value: unknown, field: string, fallback: boolean, findings: Finding[]): boolean {
  if (value === undefined) {
    findings.push(error("IPAM_CONFIG_FIELD_MISSING", `spec.${field}`, `${field} is required by the CRD schema: set it to ${fallback} (Calico's default) or to the value you want`));
    return fallback;
  }
  if (typeof value === "boolean") return value;
  findings.push(error("IPAM_CONFIG_FIELD_TYPE", `spec.${field}`, `${field} must be true or false, got ${describe(value)}`));
  return fallback;
}
