import { Cidr, IntervalSet, IpFamily, formatAddress, parseAddress } from "../ip";
import { Finding, error } from "../validation/finding";
import { validateObjectName } from "../validation/names";
import type { EffectiveIpPool } from "../validation/ip-pool";

/** One fixed address of a workload: a given address, or one picked from a named pool (and then kept). */
export interface FixedAddressRequest {
  /** The address, e.g. "10.96.0.10". */
  readonly address?: string;
  /** Pick the lowest free address of this pool (by name), once; the ledger keeps it. */
  readonly pool?: string;
}

/** A workload whose pod gets fixed addresses (`cni.projectcalico.org/ipAddrs`), at most one per family. */
export interface FixedAddressDeclaration {
  readonly namespace: string;
  readonly workload: string;
  readonly addresses: readonly FixedAddressRequest[];
}

/** What the ledger keeps of one fixed address. */
export interface RecordedAddress {
  readonly address: string;
  readonly pool: string;
}

/** Ledger key of a workload's fixed address of one family: `namespace/workload/ipv4`. */
export function fixedAddressKey(namespace: string, workload: string, family: IpFamily): string {
  return `${namespace}/${workload}/ipv${family}`;
}

/** One resolved fixed address. */
export interface ResolvedAddress {
  readonly family: IpFamily;
  readonly address: string;
  readonly pool: string;
  /** "given" (written in code), "picked" (new), "ledger" (picked before and kept). */
  readonly source: "given" | "picked" | "ledger";
}

/** The fixed addresses of one workload, and the pod annotation that asks Calico for them. */
export interface ResolvedWorkload {
  readonly namespace: string;
  readonly workload: string;
  readonly addresses: readonly ResolvedAddress[];
  /** `{ "cni.projectcalico.org/ipAddrs": "[\"10.96.0.10\"]" }`, for the pod template. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly findings: readonly Finding[];
}

/** Calico's pod annotation for specific addresses. */
export const IP_ADDRS_ANNOTATION = "cni.projectcalico.org/ipAddrs";

/** A declared IP reservation, for the check that a fixed address is not inside one. */
export interface NamedReservation {
  readonly name: string;
  readonly cidrs: readonly Cidr[];
}

/**
 * Resolves the fixed addresses of workloads, the way Calico's `ipAddrs` will treat them: each must lie
 * inside an enabled pool of its family that allows Workload ("The provided IP address is not in a
 * configured pool" otherwise), is given to one workload only, and not inside a declared IPReservation
 * (reserved for something else; Calico's ipAddrs ignores reservations, so two owners could claim it).
 * A pool request picks the lowest address that is free of all of these, and keeps it: the recorded
 * address is reused as long as it is still valid.
 *
 * Deterministic: given addresses first, then recorded picks, then new picks in key order.
 */
export function resolveFixedAddresses(
  declarations: readonly FixedAddressDeclaration[],
  pools: readonly EffectiveIpPool[],
  reservations: readonly NamedReservation[],
  recorded: Readonly<Record<string, RecordedAddress>>,
): { workloads: ResolvedWorkload[]; record: Record<string, RecordedAddress> } {
  const taken = new Map<string, string>(); // address → key
  const findings = new Map<string, Finding[]>();
  const add = (w: FixedAddressDeclaration, f: Finding) => {
    const k = `${w.namespace}/${w.workload}`;
    findings.set(k, [...(findings.get(k) ?? []), f]);
  };
  const resolved = new Map<string, ResolvedAddress>(); // key → address
  const reservedSets: Record<IpFamily, IntervalSet> = { 4: new IntervalSet(4), 6: new IntervalSet(6) };
  for (const r of reservations) for (const c of r.cidrs) reservedSets[c.family].add(c);

  type Pending = { w: FixedAddressDeclaration; i: number; req: FixedAddressRequest; key?: string; family?: IpFamily };
  const given: Pending[] = [];
  const picks: Pending[] = [];
  const seenWorkloads = new Set<string>();
  for (const w of declarations) {
    const wk = `${w.namespace}/${w.workload}`;
    if (seenWorkloads.has(wk)) add(w, error("FIXED_ADDRESS_WORKLOAD_DUPLICATE", "workload", `workload ${wk} is declared twice; declare its fixed addresses once`));
    seenWorkloads.add(wk);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(w.namespace) || w.namespace.length > 63) {
      add(w, error("FIXED_ADDRESS_WORKLOAD_NAME", "namespace", `namespace "${w.namespace}" must be a DNS-1123 label: lower case letters, digits and '-', at most 63 characters`));
      continue;
    }
    const nameProblems = validateObjectName(w.workload, "workload");
    if (nameProblems.length > 0) {
      for (const f of nameProblems) add(w, f);
      continue;
    }
    w.addresses.forEach((req, i) => (req.address !== undefined ? given : picks).push({ w, i, req }));
  }

  const familyUsed = new Map<string, number>();
  const claimFamily = (p: Pending, family: IpFamily): boolean => {
    const k = fixedAddressKey(p.w.namespace, p.w.workload, family);
    const count = (familyUsed.get(k) ?? 0) + 1;
    familyUsed.set(k, count);
    if (count > 1) {
      add(p.w, error("FIXED_ADDRESS_FAMILY_REPEATED", `addresses[${p.i}]`, `workload ${p.w.namespace}/${p.w.workload} asks for two IPv${family} addresses; Calico's ipAddrs takes at most one address per family`));
      return false;
    }
    p.key = k;
    p.family = family;
    return true;
  };

  for (const p of given) {
    const text = p.req.address as string;
    let parsed: { family: IpFamily; value: bigint };
    try {
      parsed = parseAddress(text);
    } catch (e) {
      add(p.w, error("FIXED_ADDRESS_INVALID", `addresses[${p.i}].address`, `"${text}" is not an IP address: ${(e as Error).message}. Give one address such as "10.96.0.10", not a CIDR`));
      continue;
    }
    if (!claimFamily(p, parsed.family)) continue;
    const canonical = formatAddress(parsed.family, parsed.value);
    const pool = poolHolding(pools, parsed.family, parsed.value);
    const problem = poolProblem(pool, canonical, p.req.pool);
    if (problem) {
      add(p.w, error(problem.code, `addresses[${p.i}].address`, problem.message));
      continue;
    }
    const hit = reservations.find((r) => r.cidrs.some((c) => c.family === parsed.family && c.containsAddress(parsed.value)));
    if (hit) {
      add(
        p.w,
        error(
          "FIXED_ADDRESS_RESERVED",
          `addresses[${p.i}].address`,
          `${canonical} is inside IPReservation "${hit.name}", which keeps it for something else; Calico's ipAddrs ignores reservations and would hand it out anyway, so two owners could claim it. Choose an address outside the reservation`,
        ),
      );
      continue;
    }
    if (!claim(taken, canonical, p, add)) continue;
    resolved.set(p.key as string, { family: parsed.family, address: canonical, pool: (pool as EffectiveIpPool).name, source: "given" });
  }

  // Picks: recorded ones first (so a new pick never takes a recorded address), then new ones by key.
  const pickable = picks.filter((p) => {
    const pool = pools.find((x) => x.name === p.req.pool);
    if (!pool) {
      add(p.w, error("FIXED_ADDRESS_POOL_UNKNOWN", `addresses[${p.i}].pool`, `pool "${p.req.pool}" does not exist in this plan; name one of: ${pools.map((x) => x.name).join(", ") || "(none)"}`));
      return false;
    }
    const problem = poolProblem(pool, `an address of pool "${pool.name}"`, undefined);
    if (problem) {
      add(p.w, error(problem.code, `addresses[${p.i}].pool`, problem.message));
      return false;
    }
    return claimFamily(p, pool.family);
  });
  pickable.sort((a, b) => Number(recorded[b.key as string] !== undefined) - Number(recorded[a.key as string] !== undefined) || ((a.key as string) < (b.key as string) ? -1 : 1));
  for (const p of pickable) {
    const pool = pools.find((x) => x.name === p.req.pool) as EffectiveIpPool;
    const before = recorded[p.key as string];
    if (before && before.pool === pool.name) {
      const value = safeParse(before.address);
      if (value && value.family === pool.family && pool.cidr.containsAddress(value.value) && !reservedSets[pool.family].containsAddress(value.value) && !taken.has(before.address)) {
        taken.set(before.address, p.key as string);
        resolved.set(p.key as string, { family: pool.family, address: before.address, pool: pool.name, source: "ledger" });
        continue;
      }
    }
    const used = reservedSets[pool.family].clone();
    for (const a of taken.keys()) {
      const v = safeParse(a);
      if (v && v.family === pool.family) used.add({ first: v.value, last: v.value });
    }
    const free = used.freeRanges(pool.cidr);
    if (free.length === 0) {
      add(p.w, error("FIXED_ADDRESS_POOL_FULL", `addresses[${p.i}].pool`, `pool "${pool.name}" (${pool.cidr}) has no address left that is neither reserved nor fixed for another workload; use a larger pool`));
      continue;
    }
    const address = formatAddress(pool.family, free[0].first);
    taken.set(address, p.key as string);
    resolved.set(p.key as string, { family: pool.family, address, pool: pool.name, source: "picked" });
  }

  const record: Record<string, RecordedAddress> = {};
  for (const [k, r] of [...resolved.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) record[k] = { address: r.address, pool: r.pool };
  const workloads: ResolvedWorkload[] = declarations.map((w) => {
    const addresses = ([4, 6] as IpFamily[])
      .map((f) => resolved.get(fixedAddressKey(w.namespace, w.workload, f)))
      .filter((a): a is ResolvedAddress => a !== undefined);
    const podAnnotations: Record<string, string> = addresses.length > 0 ? { [IP_ADDRS_ANNOTATION]: JSON.stringify(addresses.map((a) => a.address)) } : {};
    return { namespace: w.namespace, workload: w.workload, addresses, podAnnotations, findings: findings.get(`${w.namespace}/${w.workload}`) ?? [] };
  });
  return { workloads, record };
}

function safeParse(text: string): { family: IpFamily; value: bigint } | undefined {
  try {
    return parseAddress(text);
  } catch {
    return undefined;
  }
}

function poolHolding(pools: readonly EffectiveIpPool[], family: IpFamily, value: bigint): EffectiveIpPool | undefined {
  return pools.find((p) => p.family === family && p.cidr.containsAddress(value));
}

function poolProblem(pool: EffectiveIpPool | undefined, what: string, wantedPool: string | undefined): { code: string; message: string } | undefined {
  if (!pool) return { code: "FIXED_ADDRESS_NOT_IN_POOL", message: `The provided IP address is not in a configured pool: ${what} lies outside every IP pool of this plan; choose an address inside one, or add a pool for it` };
  if (wantedPool !== undefined && pool.name !== wantedPool) {
    return { code: "FIXED_ADDRESS_WRONG_POOL", message: `${what} lies in pool "${pool.name}" (${pool.cidr}), not in pool "${wantedPool}" as declared` };
  }
  if (pool.disabled) return { code: "FIXED_ADDRESS_POOL_DISABLED", message: `${what} lies in pool "${pool.name}", which is disabled: Calico assigns no address from a disabled pool, not even a fixed one` };
  if (!pool.allowedUses.includes("Workload")) {
    return { code: "FIXED_ADDRESS_POOL_USE", message: `${what} lies in pool "${pool.name}", whose allowedUses (${pool.allowedUses.join(", ")}) do not include Workload` };
  }
  return undefined;
}

function claim(taken: Map<string, string>, address: string, p: { w: FixedAddressDeclaration; i: number; key?: string }, add: (w: FixedAddressDeclaration, f: Finding) => void): boolean {
  const other = taken.get(address);
  if (other !== undefined) {
    add(p.w, error("FIXED_ADDRESS_TAKEN", `addresses[${p.i}].address`, `${address} is already the fixed address of ${other.replace(/\/ipv[46]$/, "")}; Calico would fail the second pod with "Address already assigned in block". Give each workload its own address`));
    return false;
  }
  taken.set(address, p.key as string);
  return true;
}
