import { Cidr } from "../ip";
import { API_CRD_V1, API_V3 } from "../model/calico";
import { Finding, error, warning } from "./finding";
import type { EffectiveIpPool } from "./ip-pool";
import { describe, isPlainObject, validateAnnotations, validateLabels, validateObjectName } from "./names";

/** Calico's advice: reserve at most about a tenth of a pool, or blocks fill unevenly. */
export const RESERVATION_POOL_SHARE_WARNING = 0.1;

/** The result of checking one IPReservation manifest. */
export interface IpReservationCheck {
  readonly findings: Finding[];
  /** The reserved ranges that parsed, canonical. */
  readonly cidrs: readonly Cidr[];
}

/**
 * Validates an IPReservation manifest: name, and each entry of `spec.reservedCIDRs` an address or a
 * strictly masked CIDR. With `pools`, warns when a reservation covers more than about 10% of a pool
 * (Calico's advice), covers a whole pool, or lies outside every pool (it then has no effect).
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ipreservation
 */
export function checkIpReservation(manifest: unknown, pools: readonly EffectiveIpPool[] = []): IpReservationCheck {
  const findings: Finding[] = [];
  const cidrs: Cidr[] = [];
  if (!isPlainObject(manifest)) {
    return { findings: [error("MANIFEST_INVALID", "", `an IPReservation manifest must be a map, got ${describe(manifest)}`)], cidrs };
  }
  if (manifest.apiVersion !== API_V3 && manifest.apiVersion !== API_CRD_V1) {
    findings.push(error("API_VERSION_INVALID", "apiVersion", `apiVersion must be ${API_V3} or ${API_CRD_V1}, got ${describe(manifest.apiVersion)}`));
  }
  if (manifest.kind !== "IPReservation") findings.push(error("KIND_INVALID", "kind", `kind must be "IPReservation", got ${describe(manifest.kind)}`));
  const metadata = manifest.metadata;
  if (!isPlainObject(metadata)) {
    findings.push(error("METADATA_MISSING", "metadata", "metadata must be a map with at least a name"));
  } else {
    findings.push(...validateObjectName(metadata.name), ...validateLabels(metadata.labels), ...validateAnnotations(metadata.annotations));
  }
  const spec = manifest.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.reservedCIDRs)) {
    findings.push(error("RESERVATION_CIDRS_MISSING", "spec.reservedCIDRs", "spec.reservedCIDRs must be a list of addresses or CIDRs, e.g. [10.244.0.0/28, 10.244.1.7]"));
    return { findings, cidrs };
  }
  const seen = new Set<string>();
  spec.reservedCIDRs.forEach((entry: unknown, i: number) => {
    const path = `spec.reservedCIDRs[${i}]`;
    if (typeof entry !== "string") {
      findings.push(error("RESERVATION_CIDR_INVALID", path, `a reserved range must be a string such as "10.244.0.0/28", got ${describe(entry)}`));
      return;
    }
    const text = entry.includes("/") ? entry : `${entry}/${entry.includes(":") ? 128 : 32}`;
    const parsed = Cidr.tryParse(text);
    if (!parsed.ok) {
      findings.push(error("RESERVATION_CIDR_INVALID", path, `"${entry}" is not an address or a strictly masked CIDR: ${parsed.error.message}`));
      return;
    }
    const key = parsed.cidr.toString();
    if (seen.has(key)) {
      findings.push(error("RESERVATION_CIDR_DUPLICATE", path, `${key} is listed twice; reservedCIDRs is a set, list it once`));
      return;
    }
    seen.add(key);
    cidrs.push(parsed.cidr);
  });
  for (const [i, cidr] of cidrs.entries()) findings.push(...reservationAgainstPools(cidr, pools, `spec.reservedCIDRs[${i}]`));
  return { findings, cidrs };
}

/** Validates an IPReservation manifest; see {@link checkIpReservation}. */
export function validateIpReservation(manifest: unknown, pools: readonly EffectiveIpPool[] = []): Finding[] {
  return checkIpReservation(manifest, pools).findings;
}

function reservationAgainstPools(cidr: Cidr, pools: readonly EffectiveIpPool[], path: string): Finding[] {
  if (pools.length === 0) return [];
  const findings: Finding[] = [];
  const touched = pools.filter((p) => p.cidr.overlaps(cidr));
  if (touched.length === 0) {
    findings.push(warning("RESERVATION_OUTSIDE_POOLS", path, `${cidr} lies outside every IP pool, so reserving it has no effect; check the range`));
    return findings;
  }
  for (const pool of touched) {
    const overlap = intersectionSize(cidr, pool.cidr);
    if (overlap === pool.cidr.size) {
      findings.push(
        warning("RESERVATION_COVERS_POOL", path, `${cidr} reserves the whole of pool "${pool.name}" (${pool.cidr}): no address of it can be auto-assigned. Disable the pool instead, or use nodeSelector: "!all()" for a pool only fixed addresses use`),
      );
    } else if (Number(overlap) > Number(pool.cidr.size) * RESERVATION_POOL_SHARE_WARNING) {
      const share = ((Number(overlap) / Number(pool.cidr.size)) * 100).toFixed(1);
      findings.push(
        warning("RESERVATION_LARGE", path, `${cidr} reserves ${share}% of pool "${pool.name}" (${pool.cidr}); Calico advises reserving no more than about 10% of a pool, since reserved addresses still occupy blocks. Consider a separate pool with nodeSelector: "!all()" for these addresses`),
      );
    }
  }
  return findings;
}

/** Number of addresses two CIDRs share (one contains the other, or none). */
function intersectionSize(a: Cidr, b: Cidr): bigint {
  if (!a.overlaps(b)) return 0n;
  return a.prefix >= b.prefix ? a.size : b.size;
}
