/**
 * Fleet-wide carving: the pools of every cluster of a fleet carved out of the fleet's address spaces
 * so that no two clusters that route to each other share an address, each cluster's ranges kept by its
 * section of the fleet ledger.
 *
 * How (cost grows with pools, never with addresses):
 *
 * ```text
 *   connected clusters (no isolation)  ──►  one carve run, pools named "<cluster>.<pool>"
 *   each cluster with an isolation     ──►  its own run, after them, by name, with the ranges of the
 *                                            clusters it routes to as exclusions
 * ```
 *
 * One run for the connected clusters is one best fit over all their pools: the same guarantees as a
 * single cluster (stable, deterministic, larger requests first) and the same cost for 500 clusters of
 * 20 pools as for one cluster of 10,000 pools.
 */
import { carve, CarvedPool, CarveResult, ExclusionDeclaration, PoolRequest } from "../carver";
import type { AddressSpaceDeclaration } from "../carver";
import { Cidr, findOverlaps } from "../ip";
import { Ledger, LedgerEntry, LedgerPoolChange, freezeLedger, inspectLedger, registerCheckedLedger } from "../ledger/ledger";
import { Finding, error, sortFindings } from "../validation/finding";

/** One cluster of a fleet carving run. */
export interface FleetCarveCluster {
  /** The stable cluster name (a DNS-1123 label). */
  readonly name: string;
  /** The cluster's pools. */
  readonly requests: readonly PoolRequest[];
  /** The cluster's section of the fleet ledger, as a single-cluster ledger. */
  readonly ledger: Ledger;
  /** Where `ledger` was read, for messages, e.g. `east.lock.json`. @default - not named */
  readonly ledgerSource?: string;
  /**
   * The cluster's own ranges no pool of a cluster it routes to may use (its Service CIDRs, node
   * networks, reservations): in a fleet that routes between clusters they are unique too.
   * @default - none
   */
  readonly exclusions?: readonly ExclusionDeclaration[];
  /** Retired pools of this cluster to release in this run. */
  readonly release?: readonly string[];
  /**
   * Clusters this one never routes to, so their ranges may overlap; `"all"` for every cluster but
   * {@link peers}. Isolation is mutual: one side declaring it is enough.
   * @default - none: this cluster routes to every other one
   */
  readonly isolatedFrom?: readonly string[] | "all";
  /**
   * Clusters this one routes to although it is isolated from `"all"`.
   * @default - none
   */
  readonly peers?: readonly string[];
}

/** Ranges another cluster holds that are not carved in this run (another app's cluster, a retired cluster). */
export interface HeldRange {
  /** The cluster that holds it. */
  readonly cluster: string;
  /** The pool that holds it. */
  readonly pool: string;
  /** The range, canonical. */
  readonly cidr: string;
  /** Where it comes from, for messages, e.g. `the ledger section of cluster "lab" (retired)`. */
  readonly source: string;
}

/** Everything a fleet carving run needs. */
export interface FleetCarveInput {
  /** The fleet's address spaces; every cluster draws from them. */
  readonly spaces?: readonly AddressSpaceDeclaration[];
  /** Ranges no pool of any cluster may use. */
  readonly exclusions?: readonly ExclusionDeclaration[];
  /** The clusters carved in this run. */
  readonly clusters: readonly FleetCarveCluster[];
  /** Ranges held by clusters not carved here; every cluster keeps clear of them. */
  readonly held?: readonly HeldRange[];
}

/** The outcome of a fleet carving run. */
export interface FleetCarveResult {
  /** Each cluster's carving, by cluster name: pools and changes with the cluster's own pool names. */
  readonly clusters: ReadonlyMap<string, CarveResult>;
  /** Problems of the fleet as a whole: cluster names, isolation, ranges two clusters hold. */
  readonly findings: readonly Finding[];
  /** For each cluster, the clusters it may overlap (isolated pairs), sorted. */
  readonly isolated: ReadonlyMap<string, readonly string[]>;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Carves the pools of every cluster of a fleet. Pure: reads and writes no file.
 *
 * Errors (fleet findings): `FLEET_CLUSTER_NAME` (not a DNS-1123 label), `FLEET_CLUSTER_DUPLICATE`,
 * `FLEET_CLUSTER_UNKNOWN` (isolation or peering with a cluster that is not in the fleet),
 * `FLEET_ISOLATED_AND_PEERED`, `FLEET_RANGE_CONFLICT` (two clusters that route to each other hold
 * overlapping recorded or pinned ranges). With any of them, nothing is carved: every cluster's result
 * has no pools, its input ledger and an error that says why.
 */
export function carveFleet(input: FleetCarveInput): FleetCarveResult {
  const findings: Finding[] = [];
  const clusters = [...input.clusters].sort((a, b) => compare(a.name, b.name));
  const names = new Set<string>();
  clusters.forEach((c) => {
    if (typeof c.name !== "string" || c.name.length > 63 || !CLUSTER_NAME.test(c.name)) {
      findings.push(
        error(
          "FLEET_CLUSTER_NAME",
          `clusters.${String(c.name)}`,
          `"${String(c.name)}" is not a valid cluster name: a cluster name is a DNS-1123 label (at most 63 lower case alphanumeric ` +
            `characters or '-', starting and ending with an alphanumeric character), such as "prod-eu-1". It keys the cluster's section of the fleet ledger, so choose it once`,
        ),
      );
    } else if (names.has(c.name)) {
      findings.push(
        error(
          "FLEET_CLUSTER_DUPLICATE",
          `clusters.${c.name}`,
          `two clusters are named "${c.name}"; the name keys each cluster's section of the fleet ledger, so give each cluster its own`,
        ),
      );
    }
    names.add(c.name);
  });
  const isolated = isolation(clusters, names, findings);
  const connected = (a: string, b: string) => a !== b && !(isolated.get(a)?.includes(b) ?? false);

  // Ranges known before carving: recorded in a section, pinned in code, held elsewhere.
  const known: Array<{ cluster: string; pool: string; cidr: Cidr; source: string }> = [];
  const recordedCidrs = new Map<string, ReadonlyMap<string, Cidr>>();
  for (const c of clusters) {
    // A section read from a file was checked once, with its CIDRs parsed: this reuses them.
    const inspected = inspectLedger(c.ledger);
    if (inspected.problems.length > 0) {
      const p = inspected.problems[0];
      findings.push(error(p.code, `clusters.${c.name}.ledger.${p.path}`, `the ledger of cluster "${c.name}" is invalid: ${p.message}`));
      continue;
    }
    recordedCidrs.set(c.name, inspected.cidrs);
    for (const [pool, entry] of Object.entries(c.ledger.pools)) {
      known.push({ cluster: c.name, pool, cidr: inspected.cidrs.get(pool)!, source: `recorded${entry.status === "draining" ? " (draining)" : ""}${c.ledgerSource ? ` in ${c.ledgerSource}` : ""}` });
    }
    for (const r of c.requests) {
      if (r.size?.kind !== "cidr" || c.ledger.pools[r.name] !== undefined) continue;
      const parsed = Cidr.tryParse(r.size.cidr);
      if (parsed.ok) known.push({ cluster: c.name, pool: r.name, cidr: parsed.cidr, source: "pinned" });
    }
  }
  for (const h of input.held ?? []) {
    const parsed = Cidr.tryParse(h.cidr);
    if (parsed.ok) known.push({ cluster: h.cluster, pool: h.pool, cidr: parsed.cidr, source: h.source });
  }
  for (const [i, j] of findOverlaps(known.map((k) => k.cidr))) {
    const a = known[i];
    const b = known[j];
    if (a.cluster === b.cluster || !connected(a.cluster, b.cluster)) continue;
    if (a.source === "pinned" && b.source === "pinned") continue; // the carving runs report those, on the later pool
    findings.push(
      error(
        "FLEET_RANGE_CONFLICT",
        `clusters.${b.cluster}.pools.${b.pool}`,
        `cluster "${b.cluster}" pool "${b.pool}" (${b.cidr}, ${b.source}) overlaps cluster "${a.cluster}" pool "${a.pool}" (${a.cidr}, ${a.source}); ` +
          `two clusters that route to each other never share addresses. If the two clusters never route to each other, declare them isolated ` +
          `(isolatedFrom: ["${a.cluster}"] on "${b.cluster}"); otherwise keep the range of the cluster that uses it and give the other a new pool ` +
          `under a new name, then disable and drain the old one (https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools)`,
      ),
    );
  }
  if (findings.length > 0) return { clusters: stopped(clusters, findings), findings: sortFindings(findings), isolated };

  const results = new Map<string, CarveResult>();
  const placed = new Map<string, Array<{ pool: string; cidr: string }>>();
  const heldBy = (cluster: string) => (input.held ?? []).filter((h) => connected(cluster, h.cluster));
  const group = clusters.filter((c) => (isolated.get(c.name) ?? []).length === 0);
  const alone = clusters.filter((c) => (isolated.get(c.name) ?? []).length > 0);

  // The connected clusters: one run. Clusters with isolations keep their known ranges out of it.
  if (group.length > 0) {
    const inGroup = new Set(group.map((c) => c.name));
    const outside = known.filter((k) => !inGroup.has(k.cluster) && group.some((g) => connected(g.name, k.cluster)));
    const requests: PoolRequest[] = [];
    const entries: Array<[string, LedgerEntry]> = [];
    const cidrs = new Map<string, Cidr>();
    const release: string[] = [];
    const exclusions: ExclusionDeclaration[] = [...(input.exclusions ?? [])];
    for (const c of group) {
      for (const r of c.requests) requests.push({ ...r, name: `${c.name}.${r.name}` });
      for (const [pool, entry] of Object.entries(c.ledger.pools)) {
        entries.push([`${c.name}.${pool}`, entry]);
        cidrs.set(`${c.name}.${pool}`, recordedCidrs.get(c.name)!.get(pool)!);
      }
      for (const name of c.release ?? []) release.push(`${c.name}.${name}`);
      for (const e of c.exclusions ?? []) exclusions.push({ ...e, reason: `cluster "${c.name}": ${e.reason ?? describeKind(e)}` });
    }
    for (const k of outside) exclusions.push({ cidr: k.cidr.toString(), kind: "reserved", reason: `held by cluster "${k.cluster}" (pool "${k.pool}", ${k.source})` });
    if (group.length === 1) {
      // One cluster: its own names, its own ledger, as a single cluster is carved.
      const [c] = group;
      results.set(c.name, carve({ spaces: input.spaces ?? [], exclusions, requests: c.requests, ledger: c.ledger, release: c.release }));
    } else {
      // Each section was checked, and no two connected clusters' recorded ranges overlap (checked above):
      // the combined ledger is valid without a second check.
      const combined = freezeLedger(entries);
      registerCheckedLedger(combined, cidrs);
      const result = carve({ spaces: input.spaces ?? [], exclusions, requests, ledger: combined, release });
      splitGroupResult(group, result, results);
    }
  }
  for (const c of alone) {
    const exclusions: ExclusionDeclaration[] = [...(input.exclusions ?? []), ...(c.exclusions ?? [])];
    for (const other of clusters) {
      if (!connected(c.name, other.name)) continue;
      for (const e of other.exclusions ?? []) exclusions.push({ ...e, reason: `cluster "${other.name}": ${e.reason ?? describeKind(e)}` });
      const done = placed.get(other.name) ?? results.get(other.name)?.pools.map((p) => ({ pool: p.name, cidr: p.cidr.toString() }));
      const ranges = done ?? known.filter((k) => k.cluster === other.name).map((k) => ({ pool: k.pool, cidr: k.cidr.toString() }));
      for (const r of ranges) exclusions.push({ cidr: r.cidr, kind: "reserved", reason: `held by cluster "${other.name}" (pool "${r.pool}")` });
    }
    for (const h of heldBy(c.name)) exclusions.push({ cidr: h.cidr, kind: "reserved", reason: `held by cluster "${h.cluster}" (pool "${h.pool}", ${h.source})` });
    const result = carve({ spaces: input.spaces ?? [], exclusions, requests: c.requests, ledger: c.ledger, release: c.release });
    results.set(c.name, result);
    placed.set(c.name, result.pools.map((p) => ({ pool: p.name, cidr: p.cidr.toString() })));
  }
  return { clusters: results, findings: [], isolated };
}

/** Which pairs of clusters may overlap, checking the declarations. */
function isolation(clusters: readonly FleetCarveCluster[], names: ReadonlySet<string>, findings: Finding[]): Map<string, string[]> {
  if (clusters.every((c) => c.isolatedFrom === undefined && c.peers === undefined)) return new Map(clusters.map((c) => [c.name, []]));
  const pairs = new Map<string, Set<string>>(clusters.map((c) => [c.name, new Set<string>()]));
  const peersOf = (c: FleetCarveCluster) => new Set(c.peers ?? []);
  for (const c of clusters) {
    for (const other of [...(c.peers ?? []), ...(c.isolatedFrom === "all" ? [] : (c.isolatedFrom ?? []))]) {
      if (!names.has(other)) {
        findings.push(
          error(
            "FLEET_CLUSTER_UNKNOWN",
            `clusters.${c.name}`,
            `cluster "${c.name}" names cluster "${other}" in its isolation or peers, but the fleet has no cluster "${other}" ` +
              `(clusters: ${[...names].sort(compare).map((n) => `"${n}"`).join(", ")})`,
          ),
        );
      }
    }
  }
  for (const a of clusters) {
    for (const b of clusters) {
      if (a.name >= b.name) continue;
      const aIso = a.isolatedFrom === "all" ? !peersOf(a).has(b.name) : (a.isolatedFrom ?? []).includes(b.name);
      const bIso = b.isolatedFrom === "all" ? !peersOf(b).has(a.name) : (b.isolatedFrom ?? []).includes(a.name);
      const peered = peersOf(a).has(b.name) || peersOf(b).has(a.name);
      const explicit = (x: FleetCarveCluster, y: string) => Array.isArray(x.isolatedFrom) && x.isolatedFrom.includes(y);
      if (peered && (explicit(a, b.name) || explicit(b, a.name))) {
        const [iso, other] = explicit(a, b.name) ? [a, b] : [b, a];
        const peer = peersOf(a).has(b.name) ? a : b;
        findings.push(
          error(
            "FLEET_ISOLATED_AND_PEERED",
            `clusters.${iso.name}.isolatedFrom`,
            `cluster "${iso.name}" is declared isolated from cluster "${other.name}", and cluster "${peer.name}" peers with cluster "${peer === a ? b.name : a.name}": ` +
              `two clusters cannot both share addresses and route to each other. Remove "${other.name}" from the isolatedFrom of "${iso.name}" if they route to each other, ` +
              `or remove the peering if they never do`,
          ),
        );
        continue;
      }
      if (aIso || bIso) {
        pairs.get(a.name)!.add(b.name);
        pairs.get(b.name)!.add(a.name);
      }
    }
  }
  return new Map([...pairs].map(([n, set]) => [n, [...set].sort(compare)]));
}

/** Splits the one run of the connected clusters into each cluster's result, in its own pool names. */
function splitGroupResult(group: readonly FleetCarveCluster[], result: CarveResult, out: Map<string, CarveResult>): void {
  const clusterOf = new Map(group.map((c) => [c.name, c]));
  const split = (prefixed: string): { cluster: string; pool: string } | undefined => {
    const dot = prefixed.indexOf(".");
    if (dot < 0) return undefined;
    const cluster = prefixed.slice(0, dot);
    return clusterOf.has(cluster) ? { cluster, pool: prefixed.slice(dot + 1) } : undefined;
  };
  const pools = new Map<string, CarvedPool[]>();
  for (const p of result.pools) {
    const s = split(p.name)!;
    push(pools, s.cluster, { ...p, name: s.pool });
  }
  const changes = new Map<string, LedgerPoolChange[]>();
  for (const change of result.changes) {
    const s = split(change.name)!;
    push(changes, s.cluster, { ...change, name: s.pool } as LedgerPoolChange);
  }
  const entries = new Map<string, Array<[string, LedgerEntry]>>();
  for (const [name, entry] of Object.entries(result.ledger.pools)) {
    const s = split(name);
    if (s) push(entries, s.cluster, [s.pool, entry]);
  }
  const findings = new Map<string, Finding[]>();
  const everyone: Finding[] = [];
  for (const f of result.findings) {
    const m = /^pools\.([a-z0-9-]+)\.(.+)$/.exec(f.path);
    const cluster = m && clusterOf.has(m[1]) ? m[1] : undefined;
    const message = renamePools(f.message, clusterOf);
    if (cluster) push(findings, cluster, { ...f, path: `pools.${m![2]}`, message });
    else everyone.push({ ...f, message });
  }
  for (const c of group) {
    const own = entries.get(c.name) ?? [];
    const unchanged = (changes.get(c.name) ?? []).length === 0 && own.length === Object.keys(c.ledger.pools).length;
    out.set(c.name, {
      pools: pools.get(c.name) ?? [],
      ledger: unchanged ? c.ledger : freezeLedger(own, c.ledger),
      changes: changes.get(c.name) ?? [],
      findings: sortFindings([...(findings.get(c.name) ?? []), ...everyone]),
    });
  }
}

/** `pool "east.pods"` → `pool "pods" of cluster "east"` in a carver message. */
function renamePools(message: string, clusters: ReadonlyMap<string, unknown>): string {
  return message.replace(/"([a-z0-9-]+)\.([^"]+)"/g, (whole, cluster: string, pool: string) =>
    clusters.has(cluster) ? `"${pool}" of cluster "${cluster}"` : whole,
  );
}

/** Every cluster stopped by fleet errors: no pools, the ledger as it was, and an error that points at the fleet's. */
function stopped(clusters: readonly FleetCarveCluster[], findings: readonly Finding[]): Map<string, CarveResult> {
  const codes = [...new Set(findings.map((f) => f.code))].join(", ");
  return new Map(
    clusters.map((c) => [
      c.name,
      {
        pools: [],
        ledger: c.ledger,
        changes: [],
        findings: [
          error(
            "FLEET_NOT_CARVED",
            "fleet",
            `nothing is carved for cluster "${c.name}" while the fleet's address plan has errors (${codes}); they are listed with the fleet's findings`,
          ),
        ],
      },
    ]),
  );
}

function describeKind(e: ExclusionDeclaration): string {
  return e.kind === "service" ? "its Service CIDR" : e.kind === "node" ? "a node network" : "a reserved range";
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
