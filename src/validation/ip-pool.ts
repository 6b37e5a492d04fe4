import { Cidr, IpFamily, LINK_LOCAL_V4, LINK_LOCAL_V6, findOverlaps, specialRangesOverlapping } from "../ip";
import {
  ALLOWED_USES,
  ASSIGNMENT_MODES,
  AllowedUse,
  AssignmentMode,
  CALICO_API_VERSIONS,
  ENCAPSULATION_MODES,
  EncapsulationMode,
  POOL_DEFAULTS,
} from "../model/calico";
import { MAX_SELECTOR_LENGTH } from "../limits";
import { tryParseSelector } from "../selector";
import { Finding, error, warning } from "./finding";
import { describe, isPlainObject, validateAnnotations, validateLabels, validateObjectName } from "./names";

/**
 * An IP pool after Calico's defaults were applied, for the checks across pools, the carver and the
 * simulator. Only produced for a pool whose CIDR parsed.
 */
export interface EffectiveIpPool {
  readonly name: string;
  readonly cidr: Cidr;
  readonly family: IpFamily;
  readonly blockSize: number;
  readonly ipipMode: EncapsulationMode;
  readonly vxlanMode: EncapsulationMode;
  readonly natOutgoing: boolean;
  readonly disabled: boolean;
  readonly disableBGPExport: boolean;
  readonly nodeSelector: string;
  readonly namespaceSelector: string;
  readonly allowedUses: readonly AllowedUse[];
  readonly assignmentMode: AssignmentMode;
}

/** The result of checking one pool manifest. */
export interface IpPoolCheck {
  readonly findings: Finding[];
  /** The pool with Calico's defaults applied; undefined when the CIDR or name could not be read. */
  readonly pool?: EffectiveIpPool;
}

/** Options for {@link validateIpPool}. */
export interface ValidateIpPoolOptions {
  /**
   * Other pools of the same cluster (manifests). The pool is checked for overlap with each of them,
   * as Calico does when a pool is created (rule 16). Pools with the same name are skipped, as Calico does.
   * @default - no overlap check
   */
  readonly siblings?: readonly unknown[];
}

const SPEC_FIELDS = new Set([
  "cidr", "blockSize", "ipipMode", "vxlanMode", "natOutgoing", "disabled", "disableBGPExport",
  "nodeSelector", "namespaceSelector", "allowedUses", "assignmentMode",
]);
const DEPRECATED_FIELDS: Record<string, string> = {
  ipip: "the APIv1 `ipip` block is gone from the v3 API; use `ipipMode`",
  "nat-outgoing": "the APIv1 `nat-outgoing` field is gone from the v3 API; use `natOutgoing`",
};
const CIDR_MAX_LENGTH = 48;
const BLOCK_SIZE_RANGE: Record<IpFamily, readonly [number, number]> = { 4: [20, 32], 6: [116, 128] };

/**
 * Validates one Calico IPPool manifest (either API group) the way Calico does, with Calico's defaults
 * applied first: every rule of the reference §2.3 that can be checked on a pool and its siblings, the
 * name and label rules, and warnings Calico does not give but users need (loopback, multicast,
 * `0.0.0.0/8` and other ranges that are never right for pods).
 *
 * Rules that need cluster state (17: existing blocks of another size; 18–19: changes to `cidr`,
 * `blockSize` or a LoadBalancer pool's uses) are checked by the ledger, not here.
 *
 * @returns the findings, errors and warnings, in a deterministic order; empty when the pool is valid.
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
export function validateIpPool(manifest: unknown, options: ValidateIpPoolOptions = {}): Finding[] {
  const check = checkIpPool(manifest);
  const findings = [...check.findings];
  if (check.pool && options.siblings) {
    for (const sibling of options.siblings) {
      const other = checkIpPool(sibling).pool;
      if (!other || other.name === check.pool.name) continue;
      if (check.pool.cidr.overlaps(other.cidr)) findings.push(overlapFinding(check.pool, other));
    }
  }
  return findings;
}

/** Validates a set of pools: each on its own, then names and CIDRs across all of them. Findings are per pool index. */
export function validateIpPools(manifests: readonly unknown[]): Finding[][] {
  const checks = manifests.map((m) => checkIpPool(m));
  const result = checks.map((c) => [...c.findings]);
  const byName = new Map<string, number>();
  // By the name as written, so a duplicate is named even when one of the pools has another problem.
  manifests.forEach((m, i) => {
    const meta = isPlainObject(m) && isPlainObject(m.metadata) ? m.metadata : undefined;
    if (typeof meta?.name !== "string" || meta.name === "") return;
    const first = byName.get(meta.name);
    if (first === undefined) {
      byName.set(meta.name, i);
    } else {
      result[i].push(
        error("POOL_DUPLICATE_NAME", "metadata.name", `IP pool name "${meta.name}" is used twice (also by pool #${first + 1} of ${manifests.length}); each IPPool needs its own name, or the second one silently replaces the first`),
      );
    }
  });
  const withPools = checks.map((c, i) => ({ pool: c.pool, i })).filter((x): x is { pool: EffectiveIpPool; i: number } => x.pool !== undefined);
  for (const [a, b] of findOverlaps(withPools.map((x) => x.pool.cidr))) {
    const pa = withPools[a];
    const pb = withPools[b];
    if (pa.pool.name === pb.pool.name) continue;
    result[pa.i].push(overlapFinding(pa.pool, pb.pool));
    result[pb.i].push(overlapFinding(pb.pool, pa.pool));
  }
  return result;
}

function overlapFinding(pool: EffectiveIpPool, other: EffectiveIpPool): Finding {
  return error(
    "POOL_OVERLAP",
    "spec.cidr",
    `IPPool(${pool.name}) CIDR overlaps with IPPool(${other.name}) CIDR ${other.cidr}: pools must not share addresses. ` +
      `Give "${pool.name}" a range outside ${other.cidr}` +
      ` (calicoctl and the API server reject the second pool; in v3-CRD mode Calico accepts it and marks it Allocatable=False, reason CIDROverlap)`,
  );
}

/**
 * Checks one pool manifest and returns the findings and, when its name and CIDR could be read, the
 * pool with Calico's defaults applied.
 */
export function checkIpPool(manifest: unknown): IpPoolCheck {
  const findings: Finding[] = [];
  if (!isPlainObject(manifest)) {
    return { findings: [error("MANIFEST_INVALID", "", `an IPPool manifest must be a map with apiVersion, kind, metadata and spec, got ${describe(manifest)}`)] };
  }
  const { apiVersion, kind, metadata, spec } = manifest;
  if (typeof apiVersion !== "string" || !(CALICO_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    findings.push(error("API_VERSION_INVALID", "apiVersion", `apiVersion must be one of ${CALICO_API_VERSIONS.join(", ")}, got ${describe(apiVersion)}`));
  }
  if (kind !== "IPPool") findings.push(error("KIND_INVALID", "kind", `kind must be "IPPool", got ${describe(kind)}`));

  let name: string | undefined;
  if (!isPlainObject(metadata)) {
    findings.push(error("METADATA_MISSING", "metadata", "metadata must be a map with at least a name"));
  } else {
    const nameFindings = validateObjectName(metadata.name);
    findings.push(...nameFindings, ...validateLabels(metadata.labels), ...validateAnnotations(metadata.annotations));
    if (typeof metadata.name === "string" && metadata.name.length > 0) name = metadata.name;
  }
  if (!isPlainObject(spec)) {
    findings.push(error("SPEC_MISSING", "spec", "spec must be a map with at least a cidr"));
    return { findings };
  }
  for (const key of Object.keys(spec).sort()) {
    if (SPEC_FIELDS.has(key)) continue;
    const hint = DEPRECATED_FIELDS[key] ?? `known fields are ${[...SPEC_FIELDS].join(", ")}`;
    findings.push(warning("POOL_UNKNOWN_FIELD", `spec.${key}`, `"${key}" is not a field of an IPPool spec and the API server drops it: ${hint}`));
  }

  const cidr = readCidr(spec.cidr, findings);
  const family = cidr?.family;
  const ipipMode = readEnum(spec.ipipMode, "ipipMode", ENCAPSULATION_MODES, findings) ?? POOL_DEFAULTS.ipipMode;
  const vxlanMode = readEnum(spec.vxlanMode, "vxlanMode", ENCAPSULATION_MODES, findings) ?? POOL_DEFAULTS.vxlanMode;
  const assignmentMode = readEnum(spec.assignmentMode, "assignmentMode", ASSIGNMENT_MODES, findings) ?? POOL_DEFAULTS.assignmentMode;
  const natOutgoing = readBoolean(spec.natOutgoing, "natOutgoing", findings) ?? false;
  const disabled = readBoolean(spec.disabled, "disabled", findings) ?? false;
  const disableBGPExport = readBoolean(spec.disableBGPExport, "disableBGPExport", findings) ?? false;
  const allowedUses = readAllowedUses(spec.allowedUses, findings);
  const nodeSelector = readSelector(spec.nodeSelector, "nodeSelector", findings) ?? POOL_DEFAULTS.nodeSelector;
  const namespaceSelector = readSelector(spec.namespaceSelector, "namespaceSelector", findings) ?? "";
  // A CIDR with host bits still shows its family, so a bad blockSize is named in the same run.
  const blockSize = readBlockSize(spec.blockSize, family ?? familyOfText(spec.cidr), findings);

  // Rule 5: a pool holds at least one block, unless disabled (Calico relaxes this for disabled pools).
  if (cidr && blockSize !== undefined && !disabled && cidr.prefix > blockSize) {
    findings.push(
      error(
        "POOL_SMALLER_THAN_BLOCK",
        "spec.cidr",
        `IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size. ` +
          `${cidr} (/${cidr.prefix}) cannot hold one /${blockSize} block: use a /${blockSize} or larger pool, or set blockSize to ${cidr.prefix} or more`,
      ),
    );
  }
  if (cidr) checkSpecialRanges(cidr, findings);

  // Rule 7: no IPIP on IPv6.
  if (family === 6 && ipipMode !== "Never") {
    findings.push(error("POOL_IPIP_ON_IPV6", "spec.ipipMode", `IPIP is not supported on an IPv6 IP pool (ipipMode is ${ipipMode}): set ipipMode to Never, and use vxlanMode for IPv6 encapsulation`));
  }
  // Rule 8: not both encapsulations. Calico's validator words this as a LoadBalancer rule; clientv3's wording is right.
  if (ipipMode !== "Never" && vxlanMode !== "Never") {
    findings.push(error("POOL_IPIP_AND_VXLAN", "spec", `Cannot enable both VXLAN and IPIP on the same IPPool (ipipMode ${ipipMode}, vxlanMode ${vxlanMode}): set one of them to Never`));
  }
  const isLoadBalancer = allowedUses.includes("LoadBalancer");
  if (isLoadBalancer) {
    // Rule 10.
    const others = allowedUses.filter((u) => u !== "LoadBalancer");
    if (others.length > 0) {
      findings.push(error("POOL_LOADBALANCER_COMBINED", "spec.allowedUses", `LoadBalancer cannot be used at the same time as: ${others.join(", ")}; make a separate pool for LoadBalancer addresses`));
    }
    // Rule 11.
    if (ipipMode !== "Never" || vxlanMode !== "Never") {
      findings.push(error("POOL_LOADBALANCER_ENCAPSULATION", "spec", "Neither IPIPMode nor VXLANMode can be enabled on AllowedUses LoadBalancer IP pool: set both to Never"));
    }
    // Rule 12: Calico's validator says "must ... set to true", but the rule is that it must be false.
    if (disableBGPExport) {
      findings.push(error("POOL_LOADBALANCER_BGP_EXPORT", "spec.disableBGPExport", "LoadBalancer IP pools cannot disable BGP export: remove disableBGPExport or set it to false, since load balancer addresses are reached through BGP"));
    }
    // Rule 13.
    if (nodeSelector.trim() !== "all()" && nodeSelector.trim() !== "") {
      findings.push(error("POOL_LOADBALANCER_NODE_SELECTOR", "spec.nodeSelector", `IP Pool with AllowedUse LoadBalancer must have node selector set to all(), got "${nodeSelector}"`));
    }
  }
  // Rule 14: tunnel addresses have no namespace. allowedUses defaults to [Workload, Tunnel], so an omitted list counts.
  if (namespaceSelector.trim() !== "" && allowedUses.includes("Tunnel")) {
    const omitted = spec.allowedUses === undefined || (Array.isArray(spec.allowedUses) && spec.allowedUses.length === 0);
    findings.push(
      error(
        "POOL_TUNNEL_NAMESPACE_SELECTOR",
        "spec.namespaceSelector",
        "IP Pool with AllowedUse Tunnel cannot have namespaceSelector specified - tunnel IPs are not namespaced resources. " +
          (omitted
            ? "allowedUses defaults to [Workload, Tunnel] (calicoctl and the API server reject this pool; v3-CRD mode accepts it): set allowedUses to [Workload] on a namespace pool"
            : "Remove Tunnel from allowedUses on this namespace pool and keep tunnel addresses in a pool without a namespaceSelector"),
      ),
    );
  }

  if (!cidr || name === undefined || blockSize === undefined || family === undefined) return { findings };
  return {
    findings,
    pool: {
      name, cidr, family, blockSize, ipipMode, vxlanMode, natOutgoing, disabled, disableBGPExport,
      nodeSelector, namespaceSelector, allowedUses, assignmentMode,
    },
  };
}

function familyOfText(value: unknown): IpFamily | undefined {
  if (typeof value !== "string") return undefined;
  return /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d+)?$/.test(value) ? 6 : /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(value) ? 4 : undefined;
}

function readCidr(value: unknown, findings: Finding[]): Cidr | undefined {
  if (value === undefined || value === null || value === "") {
    findings.push(error("POOL_CIDR_MISSING", "spec.cidr", "IPPool CIDR must be specified, e.g. cidr: 10.244.0.0/16"));
    return undefined;
  }
  if (typeof value !== "string") {
    findings.push(error("POOL_CIDR_INVALID", "spec.cidr", `IPPool CIDR must be a valid subnet written as a string such as "10.244.0.0/16", got ${describe(value)}`));
    return undefined;
  }
  if (value.length > CIDR_MAX_LENGTH) {
    findings.push(error("POOL_CIDR_INVALID", "spec.cidr", `IPPool CIDR must be at most ${CIDR_MAX_LENGTH} characters (CRD maxLength), "${value.slice(0, 60)}" has ${value.length}`));
    return undefined;
  }
  const parsed = Cidr.tryParse(value);
  if (parsed.ok) return parsed.cidr;
  const e = parsed.error;
  if (e.code === "CIDR_HOST_BITS") {
    findings.push(error("POOL_CIDR_NOT_MASKED", "spec.cidr", `IP pool CIDR is not strictly masked: ${e.message}`));
  } else {
    findings.push(error("POOL_CIDR_INVALID", "spec.cidr", `IPPool CIDR must be a valid subnet: ${e.message}`));
  }
  return undefined;
}

function checkSpecialRanges(cidr: Cidr, findings: Finding[]): void {
  // Rule 6: Calico rejects pools that overlap link-local space in either direction.
  const linkLocal = cidr.family === 4 ? LINK_LOCAL_V4 : LINK_LOCAL_V6;
  if (cidr.overlaps(linkLocal)) {
    findings.push(
      error(
        "POOL_LINK_LOCAL",
        "spec.cidr",
        `IP pool range overlaps with IPv${cidr.family} Link Local range ${linkLocal}: ${cidr} shares addresses with ${linkLocal}` +
          (cidr.family === 4 ? " (which holds the cloud metadata address 169.254.169.254)" : "") +
          "; choose a range outside it",
      ),
    );
  }
  for (const special of specialRangesOverlapping(cidr)) {
    if (special.cidr.equals(linkLocal)) continue;
    findings.push(
      warning(
        "POOL_SPECIAL_RANGE",
        "spec.cidr",
        `${cidr} overlaps ${special.name} ${special.cidr}: ${special.reason}. Calico accepts it, but pods there will misbehave; use private space such as 10.0.0.0/8 or fd00::/8`,
      ),
    );
  }
}

function readEnum<T extends string>(value: unknown, field: string, allowed: readonly T[], findings: Finding[]): T | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  const near = typeof value === "string" ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  findings.push(
    error(
      "POOL_ENUM_INVALID",
      `spec.${field}`,
      `${field} ${describe(value)} is not supported: supported values: ${allowed.map((a) => `"${a}"`).join(", ")}` + (near ? ` (values are case-sensitive: did you mean "${near}"?)` : ""),
    ),
  );
  return undefined;
}

function readBoolean(value: unknown, field: string, findings: Finding[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value;
  findings.push(error("POOL_FIELD_TYPE", `spec.${field}`, `${field} must be true or false, got ${describe(value)}`));
  return undefined;
}

function readAllowedUses(value: unknown, findings: Finding[]): readonly AllowedUse[] {
  if (value === undefined) return POOL_DEFAULTS.allowedUses;
  if (!Array.isArray(value)) {
    findings.push(error("POOL_FIELD_TYPE", "spec.allowedUses", `allowedUses must be a list of ${ALLOWED_USES.join(", ")}, got ${describe(value)}`));
    return POOL_DEFAULTS.allowedUses;
  }
  // An empty list means the default, as Calico defaults it on write and on read.
  if (value.length === 0) return POOL_DEFAULTS.allowedUses;
  if (value.length > 10) findings.push(error("POOL_FIELD_TYPE", "spec.allowedUses", `allowedUses has at most 10 items (CRD maxItems), got ${value.length}`));
  const uses: AllowedUse[] = [];
  value.forEach((use, i) => {
    if (typeof use === "string" && (ALLOWED_USES as readonly string[]).includes(use)) {
      if (uses.includes(use as AllowedUse)) {
        findings.push(error("POOL_ALLOWED_USES_DUPLICATE", `spec.allowedUses[${i}]`, `allowedUses lists "${use}" twice; it is a set, so list each use once`));
      } else {
        uses.push(use as AllowedUse);
      }
    } else {
      findings.push(error("POOL_ENUM_INVALID", `spec.allowedUses[${i}]`, `unknown use: ${typeof use === "string" ? use : describe(use)}; supported values: "Workload", "Tunnel", "LoadBalancer"`));
    }
  });
  return uses;
}

function readSelector(value: unknown, field: "nodeSelector" | "namespaceSelector", findings: Finding[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    findings.push(error("POOL_FIELD_TYPE", `spec.${field}`, `${field} must be a selector string such as 'rack == "a"', got ${describe(value)}`));
    return undefined;
  }
  const parsed = tryParseSelector(value);
  if (!parsed.ok) {
    findings.push(
      error("POOL_SELECTOR_INVALID", `spec.${field}`, `${field} is not a valid selector: ${parsed.error.reason} at position ${parsed.error.position} of ${JSON.stringify(value)}`),
    );
  } else if (value.includes("global(")) {
    // Calico rejects the text `global(` anywhere in a pool selector, even inside a string literal.
    findings.push(error("POOL_SELECTOR_GLOBAL", `spec.${field}`, `global() selector is not valid for IPPool ${field} - use all() instead`));
  }
  if (value.length > MAX_SELECTOR_LENGTH) {
    findings.push(warning("POOL_SELECTOR_TOO_LONG", `spec.${field}`, `${field} has ${value.length} characters; Calico's newer CRDs (after v3.32) reject selectors longer than ${MAX_SELECTOR_LENGTH}`));
  }
  return value;
}

function readBlockSize(value: unknown, family: IpFamily | undefined, findings: Finding[]): number | undefined {
  const fallback = family === 6 ? POOL_DEFAULTS.blockSizeV6 : family === 4 ? POOL_DEFAULTS.blockSizeV4 : undefined;
  if (value === undefined) return fallback;
  if (typeof value === "bigint") {
    findings.push(error("POOL_BLOCK_SIZE_INVALID", "spec.blockSize", `blockSize must be a plain number, got ${describe(value)}: write ${value} without the n`));
    return undefined;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    findings.push(error("POOL_BLOCK_SIZE_INVALID", "spec.blockSize", `blockSize must be a whole number of prefix bits (e.g. 26 for IPv4, 122 for IPv6), got ${describe(value)}`));
    return undefined;
  }
  if (family === undefined) return value;
  const [min, max] = BLOCK_SIZE_RANGE[family];
  if (value < min || value > max) {
    findings.push(
      error(
        "POOL_BLOCK_SIZE_RANGE",
        "spec.blockSize",
        `IPv${family} block size must be between ${min} and ${max}, got ${value} (the default is ${fallback})`,
      ),
    );
    return undefined;
  }
  return value;
}

