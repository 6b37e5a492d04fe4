/**
 * Fleet-wide carving: the pools of every cluster of a fleet carved out of the fleet's address spaces
 * so that no two clusters that route to each other share an address, each cluster's ranges kept by its
 * section of the fleet ledger.
 *
 * How (cost grows with pools, never with addresses):
 *
 * ```text
 *   sub-spaces (a /14 per region …)    ──►  one carve run over the fleet's spaces, kept by the ledger's subSpaces
 *   connected clusters (no isolation)  ──►  one carve run per set of sub-spaces (one in all without them),
 *                                            pools named "<cluster>.<pool>", a sub-space in place of its space
 *   each cluster declaring isolation   ──►  its own run, after them, by name, with the ranges of the
 *                                            clusters it routes to as exclusions (the clusters it is
 *                                            isolated from stay in the runs above)
 * ```
 *
 * One run for the connected clusters is one best fit over all their pools: the same guarantees as a
 * single cluster (stable, deterministic, larger requests first) and the same cost for 500 clusters of
 * 20 pools as for one cluster of 10,000 pools.
 */
import { carve, CarvedPool, CarveError, CarveResult, ExclusionDeclaration, PoolRequest, requestPrefix } from "../carver";
import type { AddressSpaceDeclaration } from "../carver";
import { Cidr, findOverlaps, prefixForSize } from "../ip";
import { DrawnRangeKind, EntryCidrs, InspectedLedger, Ledger, LedgerDrawnRange, LedgerEntry, LedgerPoolChange, LedgerSubSpace, PoolIndex, checkedIndexedLedger, drawnRangeKey, freezeLedger, inspectLedger, poolIndex } from "../ledger/ledger";
import { listSome } from "../ledger/private/names";
import { formatCount } from "../report/format";
import { Finding, error, hasErrors, sortFindings, warning } from "../validation/finding";
import { describe, validateObjectName } from "../validation/names";

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
  /**
   * Draining pools of this cluster to release in this run, and draining drawn ranges by key (e.g.
   * `service-ipv4`, see {@link drawnRanges}; a name that is a recorded pool is the pool). A name the
   * section records as neither is an error (`CARVE_RELEASE_UNKNOWN`) that lists what it records.
   */
  readonly release?: readonly string[];
  /**
   * Sub-spaces of the fleet this cluster draws from, by name: its pools of a fleet space that has one
   * of them are carved inside it (and so are pools that name the sub-space as their address space).
   * @default - none: the cluster draws from the fleet's spaces
   */
  readonly subSpaces?: readonly string[];
  /**
   * Service CIDRs and node networks this cluster draws from the fleet's address spaces instead of
   * declaring them: carved fleet-wide like pools (no cluster that routes to it, nor any pool of its
   * own, uses them), kept where they are by the cluster's ledger (`drawnRanges`), and then kept clear
   * like declared ones. At most one per kind and family.
   * @default - none
   */
  readonly drawnRanges?: readonly DrawnRangeRequest[];
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
  /** Sub-spaces carved out of the fleet's spaces for some clusters (see {@link FleetCarveCluster.subSpaces}). @default - none */
  readonly subSpaces?: readonly SubSpaceDeclaration[];
  /** The recorded sub-spaces (the fleet ledger's `subSpaces`), kept where they are. @default - none */
  readonly subSpaceLedger?: Readonly<Record<string, LedgerSubSpace>>;
  /** Draining sub-spaces (no longer declared) to release in this run. @default - none */
  readonly releaseSubSpaces?: readonly string[];
}

/**
 * A sub-space of a fleet's address plan: a range carved out of one of the fleet's address spaces like
 * a pool (stable through the fleet ledger), from which the pools of the clusters given it are carved,
 * e.g. a /14 per region or a /16 per cluster.
 */
export interface SubSpaceDeclaration {
  /** A unique name among the fleet's spaces and sub-spaces (a Calico object name), e.g. `eu-west-v4`. */
  readonly name: string;
  /** The fleet address space it is carved from, e.g. `pods-v4`. */
  readonly addressSpace: string;
  /** Its size: carved as a CIDR of this prefix length. Give this or `cidr`. */
  readonly prefixLength?: number;
  /** Pinned by hand to this CIDR inside its address space. Give this or `prefixLength`. */
  readonly cidr?: string;
}

/**
 * A Service CIDR or a node network a cluster draws from its fleet's address plan, by prefix length,
 * instead of declaring it.
 */
export interface DrawnRangeRequest {
  /** `service` (the cluster's Service CIDR, kube-apiserver's `--service-cluster-ip-range`) or `node` (a node network). */
  readonly kind: DrawnRangeKind;
  /** The fleet address space it is drawn from (not a sub-space); its family is the range's. */
  readonly addressSpace: string;
  /**
   * Its size, a prefix length. A Service CIDR is at most 2^20 addresses: a /12 or longer for IPv4, a
   * /108 or longer for IPv6, as kube-apiserver requires.
   * @see https://github.com/kubernetes/kubernetes/blob/master/cmd/kube-apiserver/app/options/validation.go
   */
  readonly prefixLength: number;
}

/** The widest Service CIDR kube-apiserver accepts, in host bits: `maxCIDRBits` of its `validateClusterIPFlags`. */
export const SERVICE_CIDR_MAX_HOST_BITS = 20;

/** A sub-space as carved, for the reports. */
export interface FleetSubSpace {
  readonly name: string;
  /** The fleet address space it is carved from. */
  readonly addressSpace: string;
  /** Its range. */
  readonly cidr: string;
  /** The clusters that draw from it, sorted. */
  readonly clusters: readonly string[];
}

/** The outcome of a fleet carving run. */
export interface FleetCarveResult {
  /** Each cluster's carving, by cluster name: pools and changes with the cluster's own pool names. */
  readonly clusters: ReadonlyMap<string, CarveResult>;
  /** Problems of the fleet as a whole: cluster names, isolation, ranges two clusters hold. */
  readonly findings: readonly Finding[];
  /** For each cluster, the clusters it may overlap (isolated pairs), sorted. */
  readonly isolated: ReadonlyMap<string, readonly string[]>;
  /** The sub-spaces as carved, by name; empty when there is any fleet error. */
  readonly subSpaces: readonly FleetSubSpace[];
  /** The sub-spaces to record (the fleet ledger's `subSpaces` after this run); the input's when there is any fleet error. */
  readonly subSpaceLedger: Readonly<Record<string, LedgerSubSpace>>;
  /**
   * The Service CIDRs and node networks each cluster draws (see {@link FleetCarveCluster.drawnRanges}),
   * by cluster name, then by key (`service-ipv4` …), with those it no longer asks for as `draining`
   * (kept clear of every carve until released); no entry for a cluster that has none, and none at all
   * when there is any fleet error. Also recorded in each cluster's ledger (`drawnRanges`).
   */
  readonly drawnRanges: ReadonlyMap<string, Readonly<Record<string, LedgerDrawnRange>>>;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Carves the pools of every cluster of a fleet. Pure: reads and writes no file.
 *
 * Errors (fleet findings): `FLEET_CLUSTER_NAME` (not a DNS-1123 label), `FLEET_CLUSTER_DUPLICATE`,
 * `FLEET_CLUSTER_UNKNOWN` (isolation or peering with a cluster that is not in the fleet),
 * `FLEET_ISOLATED_AND_PEERED`, `FLEET_RANGE_CONFLICT` (two clusters that route to each other hold
 * overlapping recorded or pinned ranges), `CARVE_RELEASE_UNKNOWN` (a name in a cluster's `release` that
 * its section records neither as a pool nor as a drawn range). With any of them, nothing is carved: every cluster's result
 * has no pools, its input ledger and an error that says why.
 */
export function carveFleet(input: FleetCarveInput): FleetCarveResult {
  const findings: Finding[] = [];
  let clusters = [...input.clusters].sort((a, b) => compare(a.name, b.name));
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
  // Clusters of other apps (held ranges) may be named in isolatedFrom and peers too.
  const heldNames = new Set((input.held ?? []).map((h) => h.cluster).filter((n) => !names.has(n)));
  const isolated = isolation(clusters, new Set([...names, ...heldNames]), findings);
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const declaresIsolation = (a: string, b: string): boolean => {
    const c = byName.get(a);
    if (c === undefined || !heldNames.has(b)) return false;
    return c.isolatedFrom === "all" ? !(c.peers ?? []).includes(b) : (c.isolatedFrom ?? []).includes(b);
  };
  const connected = (a: string, b: string) => a !== b && !(isolated.get(a)?.includes(b) ?? false) && !declaresIsolation(a, b) && !declaresIsolation(b, a);
  const drawnRequests = checkDrawnRequests(input, clusters, findings);
  // Names to release that are recorded drawn ranges (and not pools) are released by the drawn-range run.
  // Each with its place in the cluster's own release list, for the paths of findings.
  const drawnRelease = new Map<string, Array<{ key: string; at: number }>>();
  // The place in the cluster's own release list of each name left for the carver, when drawn ranges were taken out.
  const releaseAt = new Map<string, number[]>();
  clusters = clusters.map((c) => {
    const recorded = c.ledger.drawnRanges ?? {};
    unknownReleases(c, findings);
    const mine: Array<{ key: string; at: number }> = [];
    (c.release ?? []).forEach((n, at) => {
      if (typeof n === "string" && Object.hasOwn(recorded, n) && !Object.hasOwn(c.ledger.pools, n)) mine.push({ key: n, at });
    });
    if (mine.length === 0) return c;
    drawnRelease.set(c.name, mine);
    const kept = c.release!.map((n, at) => ({ n, at })).filter(({ n }) => !mine.some((m) => m.key === n));
    releaseAt.set(c.name, kept.map(({ at }) => at));
    return { ...c, release: kept.map(({ n }) => n) };
  });

  // Ranges known before carving: recorded in a section, pinned in code, held elsewhere.
  const known = new KnownRanges();
  const sections = new Map<string, Section>();
  for (const c of clusters) {
    // A section read from a file was checked once, with its CIDRs parsed: this reuses them.
    const inspected = inspectLedger(c.ledger);
    if (inspected.problems.length > 0) {
      const p = inspected.problems[0];
      findings.push(error(p.code, `clusters.${c.name}.ledger.${p.path}`, `the ledger of cluster "${c.name}" is invalid: ${p.message}`));
      continue;
    }
    const section = sectionOf(c.ledger, inspected);
    sections.set(c.name, section);
    known.addSection(c.name, section, c.ledgerSource);
    // Indexed loops: this function runs once per synth, mostly before the engine optimizes it, and an
    // unoptimized for-of makes an object per step.
    for (let k = 0; k < c.requests.length; k++) {
      const r = c.requests[k];
      if (r.size?.kind !== "cidr" || section.index.indexOf(r.name) >= 0) continue;
      const parsed = Cidr.tryParse(r.size.cidr);
      if (parsed.ok) known.add({ cluster: c.name, pool: r.name, cidr: parsed.cidr, source: "pinned" });
    }
  }
  for (const h of input.held ?? []) {
    const parsed = Cidr.tryParse(h.cidr);
    if (parsed.ok) known.add({ cluster: h.cluster, pool: h.pool, cidr: parsed.cidr, source: h.source });
  }
  for (const [i, j] of findOverlaps(known.cidrs)) {
    // Reported on a cluster of this fleet: a cluster of another app cannot be changed from here.
    const [a, b] = names.has(known.at(j).cluster) ? [known.at(i), known.at(j)] : [known.at(j), known.at(i)];
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
  if (findings.length > 0) {
    return { clusters: stopped(clusters, findings), findings: sortFindings(findings), isolated, subSpaces: [], subSpaceLedger: input.subSpaceLedger ?? {}, drawnRanges: new Map() };
  }

  // Sub-spaces: carved out of the fleet's spaces like pools, before the pools that go inside them.
  const sub = carveSubSpaces(input, clusters, known, connected, findings);
  if (findings.length > 0) return { clusters: stopped(clusters, findings), findings: sortFindings(findings), isolated, ...sub.out, drawnRanges: new Map() };

  // Service CIDRs and node networks drawn from the plan: carved in one run, then kept clear like declared ones.
  const drawn = carveDrawnRanges(input, clusters, drawnRequests, drawnRelease, known, sub, findings);
  if (findings.length > 0) return { clusters: stopped(clusters, findings), findings: sortFindings(findings), isolated, ...sub.out, drawnRanges: new Map() };
  if (drawn.size > 0) {
    clusters = clusters.map((c) => {
      const mine = Object.values(drawn.get(c.name) ?? {});
      if (mine.length === 0) return c;
      const what = (r: LedgerDrawnRange) => (r.kind === "service" ? "its Service CIDR" : "a node network");
      const exclusion = (r: LedgerDrawnRange): ExclusionDeclaration =>
        r.status === "draining"
          ? { cidr: r.cidr, kind: "reserved", reason: `${what(r)} drawn from the address plan, no longer asked for: draining until released` }
          : { cidr: r.cidr, kind: r.kind, reason: `${what(r)}, drawn from the address plan` };
      return { ...c, exclusions: [...(c.exclusions ?? []), ...mine.map(exclusion)] };
    });
  }

  // Each cluster's view of the address plan: a fleet space replaced by the cluster's sub-space of it.
  const views = new Map(clusters.map((c) => [c.name, viewOf(c, input.spaces ?? [], sub)]));
  const results = new Map<string, CarveResult>();
  const placed = new Map<string, Array<{ pool: string; cidr: string }>>();
  // The connected clusters: one run per view (one run in all when no cluster has a sub-space), then
  // each cluster with an isolation alone, by name; each run keeps clear of what the earlier ones placed.
  // Only a cluster that declares an isolation runs alone: the clusters it isolates itself from route to
  // each other still, and carving them one run each would cost a run per cluster (a lab isolated from
  // "all" would make every cluster of the fleet run alone, each run keeping clear of all the others).
  const declares = (c: FleetCarveCluster) =>
    (isolated.get(c.name) ?? []).length > 0 && (c.isolatedFrom === "all" || (Array.isArray(c.isolatedFrom) && c.isolatedFrom.length > 0));
  const groups = new Map<string, FleetCarveCluster[]>();
  for (const c of clusters) {
    if (declares(c)) continue;
    const key = views.get(c.name)!.key;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const runs: FleetCarveCluster[][] = [...groups.keys()].sort(compare).map((k) => groups.get(k)!);
  for (const c of clusters) if (declares(c)) runs.push([c]);

  // The known ranges of each cluster, grouped once (only the runs after the first need them).
  let knownByCluster: Map<string, KnownRange[]> | undefined;
  const knownOf = (cluster: string): readonly KnownRange[] => {
    if (knownByCluster === undefined) {
      knownByCluster = new Map();
      for (const k of known.list()) push(knownByCluster, k.cluster, k);
    }
    return knownByCluster.get(cluster) ?? [];
  };
  for (const members of runs) {
    const inRun = new Set(members.map((c) => c.name));
    const view = views.get(members[0].name)!;
    const routesTo = (other: string) => members.some((m) => connected(m.name, other));
    const exclusions: ExclusionDeclaration[] = [...(input.exclusions ?? [])];
    // The clusters' own exclusions (a Service CIDR most clusters share is one exclusion, with its clusters).
    const shared = new Map<string, { e: ExclusionDeclaration; clusters: string[] }>();
    for (const other of clusters) {
      if (!inRun.has(other.name) && !routesTo(other.name)) continue;
      for (const e of other.exclusions ?? []) {
        const key = `${e.kind}\u0000${e.cidr}\u0000${e.reason ?? ""}`;
        const seen = shared.get(key);
        if (seen) seen.clusters.push(other.name);
        else shared.set(key, { e, clusters: [other.name] });
      }
      if (inRun.has(other.name)) continue;
      const ranges = placed.get(other.name) ?? knownOf(other.name).map((k) => ({ pool: k.pool, cidr: k.cidr.toString(), source: k.source }));
      for (const r of ranges) {
        const source = "source" in r ? `, ${r.source}` : "";
        exclusions.push({ cidr: r.cidr, kind: "reserved", reason: `held by cluster "${other.name}" (pool "${r.pool}"${source})` });
      }
    }
    for (const { e, clusters: owners } of shared.values()) {
      const who = owners.length === 1 ? `cluster "${owners[0]}"` : `clusters ${listSome(owners, 3)}`;
      exclusions.push({ ...e, reason: `${who}: ${e.reason ?? describeKind(e)}` });
    }
    for (const h of input.held ?? []) {
      if (routesTo(h.cluster)) exclusions.push({ cidr: h.cidr, kind: "reserved", reason: `held by cluster "${h.cluster}" (pool "${h.pool}", ${h.source})` });
    }
    // The sub-spaces of the fleet spaces this run carves from, unless only clusters it never routes to draw from them.
    for (const s of sub.carved) {
      if (!view.spaces.some((v) => v.name === s.addressSpace)) continue;
      if (s.members.length > 0 && !s.members.some((m) => routesTo(m))) continue;
      const whose = s.members.length > 0 ? `of cluster${s.members.length === 1 ? "" : "s"} ${s.members.map((m) => `"${m}"`).join(", ")}` : "given to no cluster";
      exclusions.push({ cidr: s.cidr.toString(), kind: "reserved", reason: `sub-space "${s.name}" ${whose}` });
    }
    const requestsOf = (c: FleetCarveCluster) => c.requests.map((r) => views.get(c.name)!.request(r, c.ledger));
    let result: CarveResult;
    if (members.length === 1) {
      // One cluster: its own names, its own ledger, as a single cluster is carved.
      const [c] = members;
      result = carve({ spaces: view.spaces, exclusions, requests: requestsOf(c), ledger: c.ledger, release: c.release });
      const at = releaseAt.get(c.name);
      if (at !== undefined && result.findings.some((f) => RELEASE_PATH.test(f.path))) {
        result = { ...result, findings: result.findings.map((f) => withReleasePath(f, (i) => at[i])) };
      }
      results.set(c.name, result);
    } else {
      // Sized once (indexed loops and writes: this runs once per synth, mostly before the engine
      // optimizes it, when a for-of makes an object per step and a growing array is copied).
      let pooled = 0;
      let requested = 0;
      for (let m = 0; m < members.length; m++) {
        pooled += sections.get(members[m].name)!.names.length;
        requested += members[m].requests.length;
      }
      const requests: PoolRequest[] = new Array<PoolRequest>(requested);
      // The cluster and pool of each request, in request order (the carver lists its pools in that order), side by side.
      const originCluster: string[] = new Array<string>(requested);
      const originPool: string[] = new Array<string>(requested);
      // The combined ledger's pools in name order, by position: names, entries, parsed CIDRs.
      let poolNames: string[] = new Array<string>(pooled);
      let entries: LedgerEntry[] = new Array<LedgerEntry>(pooled);
      let cidrs: Cidr[] = new Array<Cidr>(pooled);
      let p = 0;
      let q = 0;
      let inOrder = true;
      const release: string[] = [];
      // The cluster of each name to release, and its place in that cluster's own release list.
      const releaseOrigin: Array<{ readonly cluster: string; readonly at: number }> = [];
      // "<cluster>.<pool>" names sort as the clusters' names followed by "." do, then as the pools do
      // (a cluster name has no ".", so no prefix is the start of another): the entries are made in that
      // order, and need no sort unless a section lists a pool out of order (an integer-like name is
      // listed first by JavaScript). The pool names are compared, not the longer names made of them.
      const byPrefix = members.map((c) => ({ c, prefix: `${c.name}.` })).sort((x, y) => compare(x.prefix, y.prefix));
      for (let m = 0; m < byPrefix.length; m++) {
        const { c, prefix } = byPrefix[m];
        // One string per pool, for its ledger entry and its request (found by the section's index).
        const section = sections.get(c.name)!;
        const first = p;
        for (let k = 0; k < section.names.length; k++, p++) {
          if (k > 0 && section.names[k - 1] > section.names[k]) inOrder = false;
          poolNames[p] = prefix + section.names[k];
          entries[p] = section.entries[k];
          cidrs[p] = section.cidrs[k];
        }
        const nameOf = (pool: string): string => {
          const k = typeof pool === "string" ? section.index.indexOf(pool) : -1;
          return k >= 0 ? poolNames[first + k] : prefix + pool;
        };
        const view = views.get(c.name)!;
        for (let k = 0; k < c.requests.length; k++, q++) {
          const r = view.request(c.requests[k], c.ledger);
          requests[q] = { ...r, name: nameOf(r.name) };
          originCluster[q] = c.name;
          originPool[q] = r.name;
        }
        (c.release ?? []).forEach((pool, k) => {
          release.push(nameOf(pool));
          releaseOrigin.push({ cluster: c.name, at: releaseAt.get(c.name)?.[k] ?? k });
        });
      }
      if (!inOrder) {
        // A section listed an integer-like pool name first (as JavaScript orders keys): sorted by name.
        const order = poolNames.map((_, k) => k).sort((a, b) => compare(poolNames[a], poolNames[b]));
        poolNames = order.map((k) => poolNames[k]);
        entries = order.map((k) => entries[k]);
        cidrs = order.map((k) => cidrs[k]);
      }
      // Each section was checked, and no two connected clusters' recorded ranges overlap (checked above):
      // the combined ledger is valid without a second check, and the carver looks its pools up by
      // position (its record of 10,000 "<cluster>.<pool>" names is made only if the run reads it).
      const combined = checkedIndexedLedger(new PoolIndex(poolNames, entries), cidrs);
      const result = carve({ spaces: view.spaces, exclusions, requests, ledger: combined, release });
      // A run that keeps every recorded range returns its input ledger: each cluster keeps its own.
      splitGroupResult(members, result, results, requests, originCluster, originPool, releaseOrigin, result.ledger === combined && result.changes.length === 0);
    }
    for (const c of members) {
      const r = results.get(c.name)!;
      results.set(c.name, views.get(c.name)!.annotate(c, r));
      // What this run placed, for the runs after it (none after the last).
      if (members !== runs[runs.length - 1]) placed.set(c.name, r.pools.map((p) => ({ pool: p.name, cidr: p.cidr.toString() })));
    }
  }
  // Each cluster's ledger records the ranges it draws (those it no longer asks for draining, until released).
  for (const c of clusters) {
    const after = drawn.get(c.name) ?? {};
    const r = results.get(c.name)!;
    if (hasErrors(r.findings) || sameDrawn(r.ledger.drawnRanges ?? {}, after)) continue;
    results.set(c.name, { ...r, ledger: freezeLedger(Object.entries(r.ledger.pools), { ...r.ledger, drawnRanges: after }) });
  }
  return { clusters: results, findings: [], isolated, ...sub.out, drawnRanges: drawn };
}

/** A cluster's recorded pools by position, in the order of its ledger's `pools` record, with their parsed CIDRs. */
interface Section {
  /** Looks the names up; its order is theirs. */
  readonly index: PoolIndex;
  readonly names: readonly string[];
  readonly entries: readonly LedgerEntry[];
  readonly cidrs: readonly Cidr[];
}

/**
 * The recorded pools of a cluster's ledger by position, with the CIDRs its check parsed (those of a
 * section read from its text are made once, then kept with it), without reading the ledger's record
 * when the ledger is the checked one.
 */
function sectionOf(ledger: Ledger, inspected: InspectedLedger): Section {
  if (inspected.ledger === ledger) {
    const index = poolIndex(ledger);
    const { names, entries } = index;
    const cidrs = inspected.cidrs instanceof EntryCidrs ? inspected.cidrs.all() : names.map((n) => inspected.cidrs.get(n)!);
    return { index, names, entries, cidrs };
  }
  const names = Object.keys(ledger.pools);
  const entries = names.map((n) => ledger.pools[n]);
  return { index: new PoolIndex(names, entries), names, entries, cidrs: names.map((n) => inspected.cidrs.get(n)!) };
}

/** A range a cluster holds before carving: recorded, pinned in code, or held elsewhere; `source` says which, for messages. */
interface KnownRange {
  readonly cluster: string;
  readonly pool: string;
  readonly cidr: Cidr;
  readonly source: string;
}

/**
 * The ranges known before carving, by position: each section's recorded ranges (a run of positions
 * per section), pinned ones, held ones. Only their CIDRs are listed for the overlap check; the object
 * of a range is made when asked for (a message, a later run).
 */
class KnownRanges {
  /** The CIDR of each range, by position. */
  readonly cidrs: Cidr[] = [];
  /** Where each run of positions starts, ascending, and what it holds. */
  private readonly starts: number[] = [];
  private readonly runs: Array<{ readonly cluster: string; readonly section: Section; readonly ledgerSource: string | undefined } | KnownRange> = [];
  private made: KnownRange[] | undefined;

  /** The recorded ranges of a cluster's section. */
  addSection(cluster: string, section: Section, ledgerSource: string | undefined): void {
    this.starts.push(this.cidrs.length);
    this.runs.push({ cluster, section, ledgerSource });
    for (let k = 0; k < section.cidrs.length; k++) this.cidrs.push(section.cidrs[k]);
  }

  /** One range. */
  add(range: KnownRange): void {
    this.starts.push(this.cidrs.length);
    this.runs.push(range);
    this.cidrs.push(range.cidr);
  }

  /** The range at position `i`. */
  at(i: number): KnownRange {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    const run = this.runs[lo];
    if (!("section" in run)) return run;
    const k = i - this.starts[lo];
    return new RecordedRange(run.cluster, run.section.names[k], this.cidrs[i], run.section.entries[k].status === "draining", run.ledgerSource);
  }

  /** Every range, in order (made once). */
  list(): readonly KnownRange[] {
    return (this.made ??= this.cidrs.map((_, i) => this.at(i)));
  }
}

/** A range recorded in a cluster's ledger; its `source` words are made only when a message needs them. */
class RecordedRange implements KnownRange {
  constructor(
    readonly cluster: string,
    readonly pool: string,
    readonly cidr: Cidr,
    private readonly draining: boolean,
    private readonly ledgerSource: string | undefined,
  ) {}

  get source(): string {
    return `recorded${this.draining ? " (draining)" : ""}${this.ledgerSource ? ` in ${this.ledgerSource}` : ""}`;
  }
}

/** A fleet space, or a sub-space carved from one, as a carving run sees it. */
interface CarvedSubSpace {
  readonly name: string;
  /** The fleet space it is carved from. */
  readonly addressSpace: string;
  readonly cidr: Cidr;
  /** The clusters given it, sorted. */
  readonly members: readonly string[];
}

/** The sub-spaces carved, and what the result of a fleet run says of them. */
interface SubSpaces {
  readonly carved: readonly CarvedSubSpace[];
  /** The sub-space of each cluster for each fleet space it has one of: cluster → fleet space → sub-space. */
  readonly byCluster: ReadonlyMap<string, ReadonlyMap<string, CarvedSubSpace>>;
  readonly out: Pick<FleetCarveResult, "subSpaces" | "subSpaceLedger">;
}

/**
 * Checks the sub-space declarations and carves them out of the fleet's spaces in one run, stable
 * through their ledger section; then checks that each is large enough for the pools drawn from it.
 */
function carveSubSpaces(
  input: FleetCarveInput,
  clusters: readonly FleetCarveCluster[],
  known: KnownRanges,
  connected: (a: string, b: string) => boolean,
  findings: Finding[],
): SubSpaces {
  const declared = input.subSpaces ?? [];
  const recorded = input.subSpaceLedger ?? {};
  const none: SubSpaces = { carved: [], byCluster: new Map(), out: { subSpaces: [], subSpaceLedger: recorded } };
  const fleetSpaces = new Map<string, Cidr>();
  for (const s of input.spaces ?? []) {
    const parsed = Cidr.tryParse(s.cidr);
    if (parsed.ok) fleetSpaces.set(s.name, parsed.cidr);
  }
  const byName = new Map<string, SubSpaceDeclaration>();
  declared.forEach((d, i) => {
    const at = `subSpaces.${typeof d.name === "string" && d.name !== "" ? d.name : `[${i}]`}`;
    const nameProblems = typeof d.name === "string" ? validateObjectName(d.name, at) : [];
    if (typeof d.name !== "string" || nameProblems.length > 0) {
      findings.push(error("FLEET_SUB_SPACE_INVALID", at, `${describe(d.name)} is not a valid sub-space name: ${nameProblems[0]?.message ?? "it must be a string"}`));
    } else if (byName.has(d.name) || fleetSpaces.has(d.name)) {
      findings.push(
        error("FLEET_SUB_SPACE_INVALID", at, `two address spaces of the fleet are named "${d.name}"; a sub-space's name is unique among the fleet's spaces and sub-spaces, so give it its own`),
      );
    } else if (!fleetSpaces.has(d.addressSpace)) {
      findings.push(
        error(
          "FLEET_SUB_SPACE_INVALID",
          `${at}.addressSpace`,
          `sub-space "${d.name}" is carved from address space ${typeof d.addressSpace === "string" ? `"${d.addressSpace}"` : describe(d.addressSpace)}, which the fleet's address plan does not declare ` +
            `(its spaces: ${[...fleetSpaces.keys()].map((n) => `"${n}"`).join(", ") || "none"}); name one of them`,
        ),
      );
    } else if ((d.prefixLength === undefined) === (d.cidr === undefined)) {
      findings.push(error("FLEET_SUB_SPACE_INVALID", at, `sub-space "${d.name}" needs exactly one of prefixLength (carved, e.g. 14 for a /14) and cidr (pinned by hand)`));
    } else {
      byName.set(d.name, d);
    }
  });
  // Which clusters draw from which sub-space: those given it, and those whose pools name it.
  const membersOf = new Map<string, string[]>([...byName.keys()].map((n) => [n, []]));
  const given = new Map<string, Map<string, string>>();
  for (const c of clusters) {
    const mine = new Map<string, string>();
    const names = [...(c.subSpaces ?? [])];
    for (const r of c.requests) if (typeof r.addressSpace === "string" && byName.has(r.addressSpace) && !names.includes(r.addressSpace)) names.push(r.addressSpace);
    for (const name of names) {
      const d = byName.get(name);
      if (d === undefined) {
        if (!declared.some((x) => x.name === name)) {
          findings.push(
            error(
              "FLEET_SUB_SPACE_UNKNOWN",
              `clusters.${c.name}.subSpaces`,
              `cluster "${c.name}" is given sub-space "${name}", which the fleet's address plan does not declare ` +
                `(its sub-spaces: ${[...byName.keys()].map((n) => `"${n}"`).join(", ") || "none"}); declare it in the address plan's subSpaces or correct the name`,
            ),
          );
        }
        continue;
      }
      const other = mine.get(d.addressSpace);
      if (other !== undefined) {
        findings.push(
          error(
            "FLEET_SUB_SPACE_TWICE",
            `clusters.${c.name}.subSpaces`,
            `cluster "${c.name}" is given sub-spaces "${other}" and "${name}", both carved from address space "${d.addressSpace}"; ` +
              `a cluster draws from one sub-space of each space, so give it one (a larger one if it needs more room)`,
          ),
        );
        continue;
      }
      mine.set(d.addressSpace, name);
      membersOf.get(name)!.push(c.name);
    }
    given.set(c.name, mine);
  }
  if (findings.length > 0 || (byName.size === 0 && Object.keys(recorded).length === 0)) return none;

  // One carving run: the sub-spaces as pools of the largest block size, kept where the ledger has them.
  const block = (family: 4 | 6) => (family === 4 ? 32 : 128);
  const requests: PoolRequest[] = [...byName.values()].map((d) => {
    const family = fleetSpaces.get(d.addressSpace)!.family;
    return {
      name: d.name,
      family,
      blockSize: block(family),
      size: d.cidr !== undefined ? { kind: "cidr", cidr: d.cidr } : { kind: "prefix", prefixLength: d.prefixLength! },
      addressSpace: d.addressSpace,
    };
  });
  const ledger = freezeLedger(
    Object.entries(recorded).map(([name, e]): [string, LedgerEntry] => [name, { family: e.family, cidr: e.cidr, blockSize: block(e.family), status: e.status }]),
  );
  const recordedCidrs = Object.values(recorded).map((e) => Cidr.parse(e.cidr));
  const exclusions: ExclusionDeclaration[] = [...(input.exclusions ?? [])];
  // New sub-spaces keep clear of every pool range known today, except those inside a recorded sub-space.
  for (const k of known.list()) {
    if (recordedCidrs.some((r) => r.overlaps(k.cidr))) continue;
    exclusions.push({ cidr: k.cidr.toString(), kind: "reserved", reason: `held by cluster "${k.cluster}" (pool "${k.pool}", ${k.source})` });
  }
  // …and of every drawn range recorded (a cluster's Service CIDR or node network).
  for (const c of clusters) {
    for (const [key, r] of Object.entries(c.ledger.drawnRanges ?? {})) {
      exclusions.push({ cidr: r.cidr, kind: "reserved", reason: `held by cluster "${c.name}" (drawn range "${key}")` });
    }
  }
  const run = carve({ spaces: input.spaces ?? [], exclusions, requests, ledger, release: input.releaseSubSpaces });
  for (const f of run.findings) {
    findings.push({ ...f, path: f.path.replace(/^pools\./, "subSpaces.").replace(/^release\[/, "releaseSubSpaces["), message: f.message.replace(/\bpool "([^"]+)"/g, 'sub-space "$1"') });
  }
  if (hasErrors(run.findings)) return none;
  const carved: CarvedSubSpace[] = run.pools.map((p) => ({ name: p.name, addressSpace: byName.get(p.name)!.addressSpace, cidr: p.cidr, members: membersOf.get(p.name)!.sort(compare) }));
  const subSpaceLedger: Record<string, LedgerSubSpace> = Object.create(null);
  for (const [name, e] of Object.entries(run.ledger.pools)) subSpaceLedger[name] = Object.freeze({ cidr: e.cidr, family: e.family, status: e.status === "active" ? "active" : "draining" });
  const byCluster = new Map<string, Map<string, CarvedSubSpace>>();
  const carvedByName = new Map(carved.map((s) => [s.name, s]));
  for (const [cluster, mine] of given) byCluster.set(cluster, new Map([...mine].map(([space, name]) => [space, carvedByName.get(name)!])));

  // Large enough for the pools drawn from it: each cluster's, then all of them together when they route to each other.
  const fitFindings = checkSubSpaceSizes(carved, clusters, byCluster, connected);
  findings.push(...fitFindings);
  return {
    carved,
    byCluster,
    out: {
      subSpaces: carved.map((s) => ({ name: s.name, addressSpace: s.addressSpace, cidr: s.cidr.toString(), clusters: s.members })),
      subSpaceLedger: Object.freeze(subSpaceLedger),
    },
  };
}

/** `FLEET_SUB_SPACE_TOO_SMALL` for each sub-space that cannot hold the pools drawn from it. */
function checkSubSpaceSizes(
  carved: readonly CarvedSubSpace[],
  clusters: readonly FleetCarveCluster[],
  byCluster: ReadonlyMap<string, ReadonlyMap<string, CarvedSubSpace>>,
  connected: (a: string, b: string) => boolean,
): Finding[] {
  const out: Finding[] = [];
  for (const s of carved) {
    const demand = new Map<string, Array<{ pool: string; prefix: number }>>();
    for (const name of s.members) {
      const c = clusters.find((x) => x.name === name)!;
      const list: Array<{ pool: string; prefix: number }> = [];
      for (const r of c.requests) {
        const inside = r.addressSpace === s.name || r.addressSpace === s.addressSpace || (r.addressSpace === undefined && r.family === s.cidr.family && byCluster.get(name)?.get(s.addressSpace) === s);
        if (!inside) continue;
        const recorded = c.ledger.pools[r.name];
        if (recorded !== undefined && !s.cidr.contains(Cidr.parse(recorded.cidr))) continue; // kept where it is, outside
        try {
          list.push({ pool: r.name, prefix: requestPrefix(r).prefix });
        } catch (e) {
          if (!(e instanceof CarveError)) throw e; // reported by the cluster's run
        }
      }
      demand.set(name, list);
    }
    const size = (prefix: number) => 1n << BigInt(s.cidr.bits - prefix);
    const total = (list: ReadonlyArray<{ prefix: number }>) => list.reduce((sum, p) => sum + size(p.prefix), 0n);
    const needed = (n: bigint) => prefixForSize(s.cidr.family, n);
    const wayOut = (n: bigint) =>
      `give sub-space "${s.name}" prefixLength ${needed(n)} or less (it has /${s.cidr.prefix}); once it is recorded it never grows, so then declare a larger sub-space ` +
      `under a new name for the cluster and let the old one drain; or ask for smaller pools`;
    let perCluster = false;
    for (const [name, list] of demand) {
      const sum = total(list);
      if (sum <= s.cidr.size) continue;
      perCluster = true;
      out.push(
        error(
          "FLEET_SUB_SPACE_TOO_SMALL",
          `subSpaces.${s.name}`,
          `sub-space "${s.name}" (${s.cidr}, ${formatCount(s.cidr.size)} addresses) is too small for the pools of cluster "${name}": ` +
            `${list.map((p) => `"${p.pool}" /${p.prefix}`).join(", ")} need${list.length === 1 ? "s" : ""} ${formatCount(sum)} addresses; ${wayOut(sum)}`,
        ),
      );
    }
    const members = [...demand.keys()];
    const allConnected = members.every((a) => members.every((b) => a === b || connected(a, b)));
    const sum = total([...demand.values()].flat());
    if (!perCluster && members.length > 1 && allConnected && sum > s.cidr.size) {
      out.push(
        error(
          "FLEET_SUB_SPACE_TOO_SMALL",
          `subSpaces.${s.name}`,
          `sub-space "${s.name}" (${s.cidr}, ${formatCount(s.cidr.size)} addresses) is too small for the pools of clusters ${members.map((m) => `"${m}"`).join(", ")} together: ` +
            `${members.map((m) => `"${m}" ${formatCount(total(demand.get(m)!))}`).join(", ")} = ${formatCount(sum)} addresses, and clusters that route to each other never share one; ${wayOut(sum)}`,
        ),
      );
    }
  }
  return out;
}

/** What a cluster's runs see: its spaces (a sub-space in place of its fleet space) and its requests redirected. */
function viewOf(
  c: FleetCarveCluster,
  spaces: readonly AddressSpaceDeclaration[],
  sub: SubSpaces,
): {
  key: string;
  spaces: AddressSpaceDeclaration[];
  request: (r: PoolRequest, ledger: Ledger) => PoolRequest;
  annotate: (c: FleetCarveCluster, r: CarveResult) => CarveResult;
} {
  const mine = sub.byCluster.get(c.name) ?? new Map<string, CarvedSubSpace>();
  const identity = { key: "", spaces: [...spaces], request: (r: PoolRequest) => r, annotate: (_: FleetCarveCluster, r: CarveResult) => r };
  if (mine.size === 0) return identity;
  const outside = new Set<string>();
  const view = spaces.map((s) => {
    const own = mine.get(s.name);
    return own ? { name: own.name, cidr: own.cidr.toString() } : s;
  });
  return {
    key: [...mine.values()].map((s) => s.name).sort(compare).join(","),
    spaces: view,
    request: (r, ledger) => {
      const own = r.addressSpace !== undefined ? mine.get(r.addressSpace) : undefined;
      const recorded = ledger.pools[r.name];
      const target = own ?? (r.addressSpace === undefined ? [...mine.values()].find((s) => s.cidr.family === r.family) : undefined);
      if (recorded !== undefined && target !== undefined && !target.cidr.contains(Cidr.parse(recorded.cidr))) {
        // Recorded before the cluster had a sub-space: it keeps its range, outside.
        outside.add(r.name);
        const { addressSpace: _dropped, ...rest } = r;
        return rest;
      }
      return own ? { ...r, addressSpace: own.name } : r;
    },
    annotate: (cluster, r) => {
      if (outside.size === 0) return r;
      const notes = [...outside].sort(compare).map((pool) => {
        const target = [...mine.values()].find((s) => s.cidr.family === Cidr.parse(cluster.ledger.pools[pool].cidr).family)!;
        return warning(
          "FLEET_POOL_OUTSIDE_SUB_SPACE",
          `pools.${pool}`,
          `pool "${pool}" of cluster "${cluster.name}" keeps its recorded range ${cluster.ledger.pools[pool].cidr}, outside the cluster's sub-space "${target.name}" (${target.cidr}): ` +
            `a recorded pool never moves. To move it, add a new pool under a new name (carved inside "${target.name}"), then disable "${pool}" and drain it`,
        );
      });
      const kept = r.findings.filter((f) => !(f.code === "CARVE_POOL_OUTSIDE_SPACES" && outside.has(f.path.replace(/^pools\./, ""))));
      return { ...r, findings: sortFindings([...kept, ...notes]) };
    },
  };
}

/** A drawn range request, checked: its key in the ledger and its family. */
interface DrawnRequest extends DrawnRangeRequest {
  readonly key: string;
  readonly family: 4 | 6;
}

/**
 * Checks each cluster's drawn range requests: a fleet address space, a prefix length that fits it
 * (for a Service CIDR, within kube-apiserver's limit), one per kind and family, and not both declared
 * and drawn. The valid requests by cluster.
 */
function checkDrawnRequests(input: FleetCarveInput, clusters: readonly FleetCarveCluster[], findings: Finding[]): Map<string, DrawnRequest[]> {
  const out = new Map<string, DrawnRequest[]>();
  const spaces = new Map<string, Cidr>();
  for (const s of input.spaces ?? []) {
    const parsed = Cidr.tryParse(s.cidr);
    if (parsed.ok) spaces.set(s.name, parsed.cidr);
  }
  const subSpaceNames = new Set((input.subSpaces ?? []).map((d) => d.name));
  for (const c of clusters) {
    const list = c.drawnRanges ?? [];
    if (list.length === 0) continue;
    const mine: DrawnRequest[] = [];
    const declared = new Set((c.exclusions ?? []).map((e) => e.kind));
    list.forEach((r, i) => {
      const at = `clusters.${c.name}.drawnRanges[${i}]`;
      const what = r.kind === "service" ? "Service CIDR" : "node network";
      const bad = (code: string, path: string, message: string) => findings.push(error(code, path, `cluster "${c.name}": ${message}`));
      if (r.kind !== "service" && r.kind !== "node") {
        bad("FLEET_DRAWN_RANGE_INVALID", `${at}.kind`, `a drawn range is a "service" range (the cluster's Service CIDR) or a "node" range (a node network), got ${describe(r.kind)}`);
        return;
      }
      if (declared.has(r.kind)) {
        const field = r.kind === "service" ? "serviceCidrs" : "nodeCidrs";
        bad(
          "FLEET_DRAWN_RANGE_DECLARED",
          at,
          `it declares its ${field} and also draws a ${what} from the address plan; a cluster's ${what}s are either declared or drawn. ` +
            `Remove ${field} to draw them (a range already in use: pin the drawn one by keeping ${field} and removing the drawn range), or remove the drawn range`,
        );
        return;
      }
      const space = spaces.get(r.addressSpace);
      if (space === undefined) {
        const sub = subSpaceNames.has(r.addressSpace) ? ` ("${r.addressSpace}" is a sub-space: Service CIDRs and node networks are drawn from the fleet's own spaces)` : "";
        bad(
          "FLEET_DRAWN_RANGE_INVALID",
          `${at}.addressSpace`,
          `its ${what} is drawn from address space ${typeof r.addressSpace === "string" ? `"${r.addressSpace}"` : describe(r.addressSpace)}, which the fleet's address plan does not declare${sub}; ` +
            `name one of its spaces (${[...spaces.keys()].map((n) => `"${n}"`).join(", ") || "none"}), or add a space for it (e.g. { name: "services-v4", cidr: "10.96.0.0/12" })`,
        );
        return;
      }
      const family = space.family;
      const bits = family === 4 ? 32 : 128;
      const p = r.prefixLength;
      if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > bits) {
        bad("FLEET_DRAWN_RANGE_INVALID", `${at}.prefixLength`, `the prefixLength of its ${what} must be a whole number from 0 to ${bits} (IPv${family}), got ${describe(p)}`);
        return;
      }
      if (r.kind === "service" && bits - p > SERVICE_CIDR_MAX_HOST_BITS) {
        bad(
          "FLEET_SERVICE_CIDR_TOO_LARGE",
          `${at}.prefixLength`,
          `its Service CIDR asks for a /${p}, but kube-apiserver refuses a --service-cluster-ip-range larger than 2^${SERVICE_CIDR_MAX_HOST_BITS} addresses ` +
            `("specified --service-cluster-ip-range is too large; for ${bits}-bit addresses, the mask must be >= ${bits - SERVICE_CIDR_MAX_HOST_BITS}"); ask for prefixLength ${bits - SERVICE_CIDR_MAX_HOST_BITS} or more`,
        );
        return;
      }
      if (p < space.prefix) {
        bad(
          "FLEET_DRAWN_RANGE_TOO_LARGE",
          `${at}.prefixLength`,
          `its ${what} asks for a /${p}, larger than its whole address space "${r.addressSpace}" (${space}); ask for prefixLength ${space.prefix} or more, or draw it from a larger space`,
        );
        return;
      }
      const key = drawnRangeKey(r.kind, family);
      if (mine.some((m) => m.key === key)) {
        bad("FLEET_DRAWN_RANGE_INVALID", at, `it draws two IPv${family} ${what}s; a cluster draws at most one ${what} per family (Kubernetes takes one Service CIDR per family), so remove one`);
        return;
      }
      mine.push({ ...r, key, family });
    });
    out.set(c.name, mine);
  }
  return out;
}

/**
 * `CARVE_RELEASE_UNKNOWN` for each name in a cluster's `release` that its section records neither as a
 * pool nor as a drawn range: in a fleet the name may be either, so the message says so and lists what
 * the section records. Names that are not strings are left to the carver's check.
 */
function unknownReleases(c: FleetCarveCluster, findings: Finding[]): void {
  const drawn = c.ledger.drawnRanges ?? {};
  (c.release ?? []).forEach((name, i) => {
    if (typeof name !== "string" || Object.hasOwn(c.ledger.pools, name) || Object.hasOwn(drawn, name)) return;
    const pools = Object.keys(c.ledger.pools).sort(compare);
    const keys = Object.keys(drawn).sort(compare);
    const records =
      pools.length === 0 && keys.length === 0
        ? "the section records no pools and no drawn ranges"
        : [pools.length > 0 ? `recorded pools: ${listSome(pools, 10)}` : "", keys.length > 0 ? `drawn ranges: ${listSome(keys, 10)}` : ""].filter((t) => t !== "").join("; ");
    findings.push(
      error(
        "CARVE_RELEASE_UNKNOWN",
        `clusters.${c.name}.release[${i}]`,
        `cannot release "${name}" of cluster "${c.name}": it is neither a pool nor a drawn range in the cluster's section of the ledger (${records}). ` +
          `Name a draining pool by its name, or a draining drawn range by its key (such as "service-ipv4"; \`calico-ipam ledger show --cluster ${c.name}\` lists them), or drop this name from release`,
      ),
    );
  });
}

/**
 * Carves every cluster's drawn Service CIDRs and node networks in one run over the fleet's spaces,
 * stable through each cluster's ledger (`drawnRanges`): clear of every range known (the clusters'
 * pools, exclusions and sub-spaces, the ranges held elsewhere) except those a recorded drawn range
 * already overlaps (an isolated cluster's pool may reuse it). A recorded range a cluster no longer asks
 * for stays, draining (kept clear, as a draining pool is), until `release` names it; asked for again, it
 * is active again with its recorded range. Returns each cluster's drawn ranges (clusters that have
 * none are left out).
 */
function carveDrawnRanges(
  input: FleetCarveInput,
  clusters: readonly FleetCarveCluster[],
  requested: ReadonlyMap<string, readonly DrawnRequest[]>,
  release: ReadonlyMap<string, ReadonlyArray<{ key: string; at: number }>>,
  known: KnownRanges,
  sub: SubSpaces,
  findings: Finding[],
): Map<string, Readonly<Record<string, LedgerDrawnRange>>> {
  const out = new Map<string, Readonly<Record<string, LedgerDrawnRange>>>();
  if (requested.size === 0 && clusters.every((c) => c.ledger.drawnRanges === undefined)) return out;
  const block = (family: 4 | 6) => (family === 4 ? 32 : 128);
  const requests: PoolRequest[] = [];
  const entries: Array<[string, LedgerEntry]> = [];
  const recordedCidrs: Cidr[] = [];
  const requestOf = new Map<string, { cluster: string; r: DrawnRequest }>();
  // The recorded range of each entry of the run, by its name in the run.
  const recordOf = new Map<string, { cluster: string; key: string; recorded: LedgerDrawnRange }>();
  for (const c of clusters) {
    const mine = requested.get(c.name) ?? [];
    for (const r of mine) {
      const name = `${c.name}.${r.key}`;
      requestOf.set(name, { cluster: c.name, r });
      requests.push({ name, family: r.family, blockSize: block(r.family), size: { kind: "prefix", prefixLength: r.prefixLength }, addressSpace: r.addressSpace });
    }
    // Every recorded range, asked for or not: one no longer asked for drains (kept clear) until released.
    const drawnRanges = c.ledger.drawnRanges ?? {};
    const released = new Set((release.get(c.name) ?? []).map((m) => m.key));
    for (const { key, at: i } of release.get(c.name) ?? []) {
      const recorded = drawnRanges[key];
      const asked = mine.some((r) => r.key === key);
      if (!asked && recorded.status === "draining") continue;
      released.delete(key);
      findings.push(
        error(
          "CARVE_RELEASE_ACTIVE",
          `clusters.${c.name}.release[${i}]`,
          `cannot release drawn range "${key}" (${recorded.cidr}) of cluster "${c.name}"` +
            (asked
              ? `: the cluster still draws it, and ${recorded.kind === "service" ? "Services may hold its ClusterIPs" : "nodes may hold its addresses"}. Remove it from the cluster's drawnRanges first; release it in a later run, once nothing uses the range`
              : ` yet: it only starts draining in this run, and ${recorded.kind === "service" ? "Services may still hold its ClusterIPs" : "nodes may still hold its addresses"}. Deploy without it, wait until nothing uses the range, then release it`),
        ),
      );
    }
    for (const key of Object.keys(drawnRanges)) {
      if (released.has(key)) continue;
      const recorded = drawnRanges[key];
      const name = `${c.name}.${key}`;
      recordOf.set(name, { cluster: c.name, key, recorded });
      entries.push([name, { family: recorded.family, cidr: recorded.cidr, blockSize: block(recorded.family), status: recorded.status === "draining" ? "draining" : "active" }]);
      recordedCidrs.push(Cidr.parse(recorded.cidr));
    }
  }
  if (findings.length > 0) return out;
  const clearOfRecorded = (cidr: Cidr) => !recordedCidrs.some((r) => r.overlaps(cidr));
  const exclusions: ExclusionDeclaration[] = [...(input.exclusions ?? [])];
  for (const c of clusters) {
    for (const e of c.exclusions ?? []) {
      const parsed = Cidr.tryParse(e.cidr);
      if (parsed.ok && clearOfRecorded(parsed.cidr)) exclusions.push({ ...e, reason: `cluster "${c.name}": ${e.reason ?? describeKind(e)}` });
    }
  }
  for (const k of known.list()) {
    if (clearOfRecorded(k.cidr)) exclusions.push({ cidr: k.cidr.toString(), kind: "reserved", reason: `held by cluster "${k.cluster}" (pool "${k.pool}", ${k.source})` });
  }
  for (const h of input.held ?? []) {
    const parsed = Cidr.tryParse(h.cidr);
    if (parsed.ok && clearOfRecorded(parsed.cidr)) exclusions.push({ cidr: h.cidr, kind: "reserved", reason: `held by cluster "${h.cluster}" (pool "${h.pool}", ${h.source})` });
  }
  for (const s of sub.carved) exclusions.push({ cidr: s.cidr.toString(), kind: "reserved", reason: `sub-space "${s.name}"` });
  const run = carve({ spaces: input.spaces ?? [], exclusions, requests, ledger: freezeLedger(entries) });
  for (const f of run.findings) {
    const m = /^pools\.([a-z0-9-]+)\.([a-z0-9-]+)(.*)$/.exec(f.path);
    const path = m ? `clusters.${m[1]}.drawnRanges.${m[2]}${m[3]}` : `drawnRanges.${f.path}`;
    const message = f.message.replace(/\bpool "([a-z0-9-]+)\.([a-z0-9-]+)"/g, (whole, cluster: string, key: string) => {
      const r = requestOf.get(`${cluster}.${key}`)?.r;
      return r ? `the ${r.kind === "service" ? "Service CIDR" : "node network"} of cluster "${cluster}" (drawn range "${key}" from address space "${r.addressSpace}")` : whole;
    });
    findings.push({ ...f, path, message });
  }
  if (hasErrors(run.findings)) return out;
  const put = (cluster: string, key: string, range: LedgerDrawnRange) => {
    const record = (out.get(cluster) ?? {}) as Record<string, LedgerDrawnRange>;
    record[key] = range;
    out.set(cluster, record);
  };
  for (const p of run.pools) {
    const { cluster, r } = requestOf.get(p.name)!;
    put(cluster, r.key, Object.freeze({ cidr: p.cidr.toString(), family: r.family, kind: r.kind }));
  }
  for (const [name, e] of Object.entries(run.ledger.pools)) {
    if (e.status !== "draining") continue;
    const { cluster, key, recorded } = recordOf.get(name)!;
    put(cluster, key, recorded.status === "draining" ? recorded : Object.freeze({ ...recorded, status: "draining" }));
  }
  for (const [cluster, record] of out) out.set(cluster, Object.freeze(Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)))));
  return out;
}

/** Whether two records of drawn ranges hold the same ranges. */
function sameDrawn(a: Readonly<Record<string, LedgerDrawnRange>>, b: Readonly<Record<string, LedgerDrawnRange>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] !== undefined && b[k].cidr === a[k].cidr && b[k].status === a[k].status);
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
function splitGroupResult(
  group: readonly FleetCarveCluster[],
  result: CarveResult,
  out: Map<string, CarveResult>,
  requests: readonly PoolRequest[],
  originCluster: readonly string[],
  originPool: readonly string[],
  releaseOrigin: ReadonlyArray<{ readonly cluster: string; readonly at: number }>,
  unchangedLedgers = false,
): void {
  const clusterOf = new Map(group.map((c) => [c.name, c]));
  const split = (prefixed: string): readonly [string, string] | undefined => {
    const dot = prefixed.indexOf(".");
    if (dot < 0) return undefined;
    const cluster = prefixed.slice(0, dot);
    return clusterOf.has(cluster) ? [cluster, prefixed.slice(dot + 1)] : undefined;
  };
  const pools = new Map<string, CarvedPool[]>();
  // The carver lists its pools in request order, each with its request's name: walked side by side
  // (indexed: this runs once per synth, mostly unoptimized). A cluster's requests are side by side:
  // its list is looked up once per run of them.
  let i = 0;
  let listed: string | undefined;
  let list: CarvedPool[] = [];
  for (let k = 0; k < result.pools.length; k++) {
    const p = result.pools[k];
    while (i < requests.length && requests[i].name !== p.name) i++;
    let cluster: string;
    let pool: string;
    if (i < requests.length) {
      cluster = originCluster[i];
      pool = originPool[i++];
    } else [cluster, pool] = split(p.name)!;
    if (cluster !== listed) {
      listed = cluster;
      const known = pools.get(cluster);
      if (known !== undefined) list = known;
      else pools.set(cluster, (list = []));
    }
    list.push(Object.freeze({ name: pool, family: p.family, cidr: p.cidr, blockSize: p.blockSize, source: p.source, explanation: p.explanation }));
  }
  const changes = new Map<string, LedgerPoolChange[]>();
  for (const change of result.changes) {
    const [cluster, pool] = split(change.name)!;
    push(changes, cluster, { ...change, name: pool } as LedgerPoolChange);
  }
  const entries = new Map<string, Array<[string, LedgerEntry]>>();
  if (!unchangedLedgers) {
    for (const [name, entry] of Object.entries(result.ledger.pools)) {
      const s = split(name);
      if (s) push(entries, s[0], [s[1], entry]);
    }
  }
  const findings = new Map<string, Finding[]>();
  const everyone: Finding[] = [];
  for (const f of result.findings) {
    const m = /^pools\.([a-z0-9-]+)\.(.+)$/.exec(f.path);
    const cluster = m && clusterOf.has(m[1]) ? m[1] : undefined;
    const message = renamePools(f.message, clusterOf);
    const r = RELEASE_PATH.exec(f.path);
    // A name of the combined release list: its cluster's, at its place in that cluster's own list. The
    // run stops for the whole group, so the others get it too, at a path that names the cluster.
    const origin = r ? releaseOrigin[Number(r[1])] : undefined;
    if (cluster) push(findings, cluster, { ...f, path: `pools.${m![2]}`, message });
    else if (origin) {
      for (const c of group) {
        const at = c.name === origin.cluster ? withReleasePath(f, () => origin.at) : { ...f, path: f.path.replace(RELEASE_PATH, `clusters.${origin.cluster}.release[${origin.at}]`) };
        push(findings, c.name, { ...at, message });
      }
    } else everyone.push({ ...f, message });
  }
  for (const c of group) {
    const own = entries.get(c.name) ?? [];
    const unchanged = unchangedLedgers || ((changes.get(c.name) ?? []).length === 0 && own.length === Object.keys(c.ledger.pools).length);
    out.set(c.name, {
      pools: pools.get(c.name) ?? [],
      ledger: unchanged ? c.ledger : freezeLedger(own, c.ledger),
      changes: changes.get(c.name) ?? [],
      findings: sortFindings([...(findings.get(c.name) ?? []), ...everyone]),
    });
  }
}

/** The path the carver gives a finding about a name of its `release` list: `release[<index>]`, maybe more after it. */
const RELEASE_PATH = /^release\[(\d+)\]/;

/** The finding with its `release[i]` path at the place `at(i)` gives. */
function withReleasePath(f: Finding, at: (i: number) => number): Finding {
  return { ...f, path: f.path.replace(RELEASE_PATH, (_, i: string) => `release[${at(Number(i))}]`) };
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
