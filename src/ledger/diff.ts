/** The differences between two ledgers, for plans, reviews and frozen-mode errors, and one line that says what each does. */
import { clusterLedger } from "./clusters";
import { Ledger, LedgerAddress, LedgerDrawnRange, LedgerEntry, LedgerSubSpace } from "./format";
import { MIGRATION_PHASES, LedgerMigration } from "./migrations";
import { compareNames, own } from "./private/names";

/** One difference between two ledgers, for plans, reviews and frozen-mode errors. */
export type LedgerChange = (
  | { readonly kind: "added"; readonly name: string; readonly after: LedgerEntry }
  | { readonly kind: "draining"; readonly name: string; readonly before: LedgerEntry; readonly after: LedgerEntry }
  | { readonly kind: "reactivated"; readonly name: string; readonly before: LedgerEntry; readonly after: LedgerEntry }
  | { readonly kind: "released"; readonly name: string; readonly before: LedgerEntry }
  | { readonly kind: "address-added"; readonly key: string; readonly after: LedgerAddress }
  | { readonly kind: "address-changed"; readonly key: string; readonly before: LedgerAddress; readonly after: LedgerAddress }
  | { readonly kind: "address-removed"; readonly key: string; readonly before: LedgerAddress }
  | { readonly kind: "node-added"; readonly node: string; readonly after: readonly string[] }
  | { readonly kind: "node-changed"; readonly node: string; readonly before: readonly string[]; readonly after: readonly string[] }
  | { readonly kind: "node-removed"; readonly node: string; readonly before: readonly string[] }
  | { readonly kind: "migration"; readonly migration: string; readonly before?: LedgerMigration; readonly after?: LedgerMigration }
  | { readonly kind: "sub-space-added"; readonly subSpace: string; readonly after: LedgerSubSpace }
  | { readonly kind: "sub-space-draining"; readonly subSpace: string; readonly before: LedgerSubSpace; readonly after: LedgerSubSpace }
  | { readonly kind: "sub-space-reactivated"; readonly subSpace: string; readonly before: LedgerSubSpace; readonly after: LedgerSubSpace }
  | { readonly kind: "sub-space-released"; readonly subSpace: string; readonly before: LedgerSubSpace }
  | { readonly kind: "drawn-range-added"; readonly range: string; readonly after: LedgerDrawnRange }
  | { readonly kind: "drawn-range-removed"; readonly range: string; readonly before: LedgerDrawnRange }
  | { readonly kind: "drawn-range-draining"; readonly range: string; readonly before: LedgerDrawnRange; readonly after: LedgerDrawnRange }
  | { readonly kind: "drawn-range-reactivated"; readonly range: string; readonly before: LedgerDrawnRange; readonly after: LedgerDrawnRange }
  | { readonly kind: "drawn-range-released"; readonly range: string; readonly before: LedgerDrawnRange }
  | { readonly kind: "cluster-retired"; readonly cluster: string }
  | { readonly kind: "cluster-reactivated"; readonly cluster: string }
  | { readonly kind: "cluster-released"; readonly cluster: string }
) & {
  /** In a fleet ledger, the cluster whose section changes; absent for the top-level sections. */
  readonly cluster?: string;
};

/** A change of a pool entry: the kinds that carry a pool `name`. */
export type LedgerPoolChange = Extract<LedgerChange, { readonly name: string }>;

/** A change of a recorded fixed address: the kinds that carry an address `key`. */
export type LedgerAddressChange = Extract<LedgerChange, { readonly key: string }>;

/** A change of a node's recorded pod CIDRs: the kinds that carry a `node` name. */
export type LedgerNodeChange = Extract<LedgerChange, { readonly node: string }>;

/** A change of a fleet ledger section's own state: retired, active again, or released whole. */
export type LedgerClusterChange = Extract<LedgerChange, { readonly kind: "cluster-retired" | "cluster-reactivated" | "cluster-released" }>;

/** A change of a cluster's drawn Service CIDR or node network: the kinds that carry a `range` key. */
export type LedgerDrawnRangeChange = Extract<LedgerChange, { readonly range: string }>;

/** A change of a fleet's recorded sub-space: the kinds that carry a `subSpace` name. */
export type LedgerSubSpaceChange = Extract<LedgerChange, { readonly subSpace: string }>;

/**
 * The changes from `before` to `after`: pool changes sorted by pool name, then fixed-address changes
 * sorted by key, then node changes sorted by node name (code-unit order). A pool entry whose range,
 * family or block size differs (the carver never does this; a hand-made ledger might) shows as
 * `released` followed by `added` for the same name. A node whose list of CIDRs differs in any way
 * (a CIDR, their number or their order) is `node-changed`. An absent `addresses` or `nodeCidrs`
 * section is the same as an empty one. Then the drawn ranges by key (one whose range differs is removed,
 * then added). Then, in a fleet ledger, the changes of its sub-spaces by name,
 * and those of each cluster's section in the same order, by cluster name, each with its `cluster`.
 */
export function diffLedgers(before: Ledger, after: Ledger): LedgerChange[] {
  return [
    ...diffLedgerPools(before, after),
    ...diffAddresses(before.addresses ?? {}, after.addresses ?? {}),
    ...diffNodeCidrs(before.nodeCidrs ?? {}, after.nodeCidrs ?? {}),
    ...diffMigrations(before.migrations ?? {}, after.migrations ?? {}),
    ...diffSubSpaces(before.subSpaces ?? {}, after.subSpaces ?? {}),
    ...diffDrawnRanges(before.drawnRanges ?? {}, after.drawnRanges ?? {}),
    ...diffClusters(before, after),
  ];
}

/**
 * The changes of a ledger's drawn ranges, by key: draining, reactivated, released (removed while
 * draining) or removed (while active, by hand); a range whose CIDR differs is removed, then added.
 */
function diffDrawnRanges(before: Readonly<Record<string, LedgerDrawnRange>>, after: Readonly<Record<string, LedgerDrawnRange>>): LedgerDrawnRangeChange[] {
  if (before === after) return [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerDrawnRangeChange[] = [];
  for (const range of keys) {
    const b = own(before, range);
    const a = own(after, range);
    if (b !== undefined && a !== undefined && b.cidr === a.cidr) {
      if (b.status !== a.status) changes.push({ kind: a.status === "draining" ? "drawn-range-draining" : "drawn-range-reactivated", range, before: b, after: a });
      continue;
    }
    if (b !== undefined) changes.push({ kind: b.status === "draining" && a === undefined ? "drawn-range-released" : "drawn-range-removed", range, before: b });
    if (a !== undefined) changes.push({ kind: "drawn-range-added", range, after: a });
  }
  return changes;
}

/** A migration started, moved to another phase, or finished and removed; sorted by migration name. */
function diffMigrations(before: Readonly<Record<string, LedgerMigration>>, after: Readonly<Record<string, LedgerMigration>>): LedgerChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerChange[] = [];
  for (const migration of names) {
    const b = own(before, migration);
    const a = own(after, migration);
    if (b !== undefined && a !== undefined && JSON.stringify(b) === JSON.stringify(a)) continue;
    changes.push({ kind: "migration", migration, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) });
  }
  return changes;
}

/** The changes of a fleet ledger's sub-spaces, by name; a sub-space whose range differs is released, then added. */
export function diffSubSpaces(
  before: Readonly<Record<string, LedgerSubSpace>>,
  after: Readonly<Record<string, LedgerSubSpace>>,
): LedgerSubSpaceChange[] {
  if (before === after) return [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerSubSpaceChange[] = [];
  for (const subSpace of names) {
    const b = own(before, subSpace);
    const a = own(after, subSpace);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "sub-space-added", subSpace, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "sub-space-released", subSpace, before: b });
    } else if (b !== undefined && a !== undefined) {
      if (b.cidr !== a.cidr || b.family !== a.family) {
        changes.push({ kind: "sub-space-released", subSpace, before: b }, { kind: "sub-space-added", subSpace, after: a });
      } else if (b.status === "active" && a.status === "draining") {
        changes.push({ kind: "sub-space-draining", subSpace, before: b, after: a });
      } else if (b.status === "draining" && a.status === "active") {
        changes.push({ kind: "sub-space-reactivated", subSpace, before: b, after: a });
      }
    }
  }
  return changes;
}

/**
 * @internal The pool changes of {@link diffLedgers} only, for the carver: it never changes `addresses`
 * or `nodeCidrs` (it passes them on as they are), so its changes are pool changes.
 */
export function diffLedgerPools(before: Ledger, after: Ledger): LedgerPoolChange[] {
  if (before.pools === after.pools) return [];
  const changes: LedgerPoolChange[] = [];
  if (Object.keys(before.pools).length === 0) {
    // A first run: every pool is added, in name order.
    for (const name of sortedKeys(after.pools)) changes.push({ kind: "added", name, after: after.pools[name] });
    return changes;
  }
  for (const name of unionOfNames(before.pools, after.pools)) {
    const b = own(before.pools, name);
    const a = own(after.pools, name);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "added", name, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "released", name, before: b });
    } else if (b !== undefined && a !== undefined) {
      if (b.family !== a.family || b.cidr !== a.cidr || b.blockSize !== a.blockSize) {
        changes.push({ kind: "released", name, before: b }, { kind: "added", name, after: a });
      } else if (b.status === "active" && a.status === "draining") {
        changes.push({ kind: "draining", name, before: b, after: a });
      } else if (b.status !== "active" && a.status === "active") {
        changes.push({ kind: "reactivated", name, before: b, after: a });
      }
    }
  }
  return changes;
}

function diffClusters(before: Ledger, after: Ledger): LedgerChange[] {
  if (before.clusters === undefined && after.clusters === undefined) return [];
  const names = [...new Set([...Object.keys(before.clusters ?? {}), ...Object.keys(after.clusters ?? {})])].sort(compareNames);
  return names.flatMap((cluster) => {
    const b = own(before.clusters ?? {}, cluster);
    const a = own(after.clusters ?? {}, cluster);
    if (a === b) return [];
    const state: LedgerClusterChange[] =
      b?.status === "retired" && a === undefined
        ? [{ kind: "cluster-released", cluster }]
        : b?.status !== "retired" && a?.status === "retired"
          ? [{ kind: "cluster-retired", cluster }]
          : b?.status === "retired" && a !== undefined && a.status !== "retired"
            ? [{ kind: "cluster-reactivated", cluster }]
            : [];
    return [...state, ...diffLedgers(clusterLedger(before, cluster), clusterLedger(after, cluster)).map((c) => ({ ...c, cluster }))];
  });
}

function diffAddresses(
  before: Readonly<Record<string, LedgerAddress>>,
  after: Readonly<Record<string, LedgerAddress>>,
): LedgerAddressChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerAddressChange[] = [];
  for (const key of keys) {
    const b = own(before, key);
    const a = own(after, key);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "address-added", key, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "address-removed", key, before: b });
    } else if (b !== undefined && a !== undefined && (b.address !== a.address || b.pool !== a.pool)) {
      changes.push({ kind: "address-changed", key, before: b, after: a });
    }
  }
  return changes;
}

function diffNodeCidrs(
  before: Readonly<Record<string, readonly string[]>>,
  after: Readonly<Record<string, readonly string[]>>,
): LedgerNodeChange[] {
  const nodes = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerNodeChange[] = [];
  for (const node of nodes) {
    const b = own(before, node);
    const a = own(after, node);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "node-added", node, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "node-removed", node, before: b });
    } else if (b !== undefined && a !== undefined && !sameList(b, a)) {
      changes.push({ kind: "node-changed", node, before: b, after: a });
    }
  }
  return changes;
}

/** Whether two lists of CIDRs are the same, in the same order. (Other values, in an unchecked ledger, only when identical.) */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * One line that says what a change does, e.g. `pool "payments": added 10.32.4.0/22 (block /26)`,
 * `fixed address "kube-system/coredns/ipv4": added 10.64.0.0 (pool infra)` or
 * `node "rack-a-01": added 10.244.0.0/24, fd00:10:244::/64`, for frozen-mode errors
 * ("the ledger would change: ...") and plan summaries; a change of a fleet ledger's section starts
 * with its cluster, e.g. `cluster "east": pool "pods": added ...`.
 */
export function describeChange(change: LedgerChange): string {
  const own = change.kind === "cluster-retired" || change.kind === "cluster-reactivated" || change.kind === "cluster-released";
  return change.cluster === undefined || own ? describeOne(change) : `cluster "${change.cluster}": ${describeOne(change)}`;
}

function describeOne(change: LedgerChange): string {
  const range = (e: LedgerEntry) => `${e.cidr} (block /${e.blockSize})`;
  const fixed = (a: LedgerAddress) => `${a.address} (pool ${a.pool})`;
  const podCidrs = (list: readonly string[]) => list.join(", ");
  switch (change.kind) {
    case "cluster-retired":
      return (
        `cluster "${change.cluster}": retired: no longer in code; its section is kept, every pool draining and its ranges reserved, ` +
        `until it is released (calico-ipam ledger release --cluster ${change.cluster}) once the cluster is gone`
      );
    case "cluster-reactivated":
      return `cluster "${change.cluster}": declared in code again; its section is active, its recorded ranges kept`;
    case "cluster-released":
      return `cluster "${change.cluster}": released; its section is deleted and its ranges may be handed out again`;
    case "node-added":
      return `node "${change.node}": added ${podCidrs(change.after)}`;
    case "node-changed":
      return `node "${change.node}": changed from ${podCidrs(change.before)} to ${podCidrs(change.after)}`;
    case "node-removed":
      return (
        `node "${change.node}": removed ${podCidrs(change.before)}; ` +
        `the range${change.before.length === 1 ? "" : "s"} may be handed to another node`
      );
    case "address-added":
      return `fixed address "${change.key}": added ${fixed(change.after)}`;
    case "address-changed":
      return `fixed address "${change.key}": changed from ${fixed(change.before)} to ${fixed(change.after)}`;
    case "address-removed":
      return `fixed address "${change.key}": removed ${fixed(change.before)}; the address may be picked again`;
    case "sub-space-added":
      return `sub-space "${change.subSpace}": added ${change.after.cidr}${change.after.status !== "active" ? ` as ${change.after.status}` : ""}`;
    case "sub-space-draining":
      return `sub-space "${change.subSpace}": draining ${change.before.cidr}; no cluster is given it any more, and its range stays reserved until it is released`;
    case "sub-space-reactivated":
      return `sub-space "${change.subSpace}": reactivated ${change.after.cidr}, its recorded range`;
    case "sub-space-released":
      return `sub-space "${change.subSpace}": released ${change.before.cidr}; the range may be carved again`;
    case "drawn-range-added":
      return `${drawnWhat(change.after)} "${change.range}": drawn ${change.after.cidr} from the fleet's address plan${change.after.status === "draining" ? " as draining" : ""}`;
    case "drawn-range-draining":
      return (
        `${drawnWhat(change.before)} "${change.range}": draining ${change.before.cidr}; the cluster no longer draws it, and the range stays reserved until it is released ` +
        `(calico-ipam ledger release${change.cluster !== undefined ? ` --cluster ${change.cluster}` : ""} ${change.range}, once no ${change.before.kind === "service" ? "Service" : "node"} uses its addresses)`
      );
    case "drawn-range-reactivated":
      return `${drawnWhat(change.after)} "${change.range}": reactivated ${change.after.cidr}, its recorded range`;
    case "drawn-range-released":
      return `${drawnWhat(change.before)} "${change.range}": released ${change.before.cidr}; the range may be drawn or carved again`;
    case "drawn-range-removed":
      return (
        `${drawnWhat(change.before)} "${change.range}": removed ${change.before.cidr}; the cluster no longer draws it, and the range may be drawn or carved again ` +
        `(declare it in ${change.before.kind === "service" ? "serviceCidrs" : "nodeCidrs"} if the cluster still uses it)`
      );
  }
  if (change.kind === "migration") {
    const phase = (m: LedgerMigration) => `phase ${m.phase} (${MIGRATION_PHASES[m.kind][m.phase - 1]})`;
    const head = `migration "${change.migration}"`;
    if (change.before === undefined && change.after !== undefined) return `${head}: started at ${phase(change.after)} (${change.after.kind} of pool "${change.after.pool}")`;
    if (change.after === undefined && change.before !== undefined) return `${head}: finished at ${phase(change.before)}, its record removed`;
    return `${head}: ${phase(change.before as LedgerMigration)} → ${phase(change.after as LedgerMigration)}`;
  }
  const head = `pool "${change.name}"`;
  switch (change.kind) {
    case "added":
      return `${head}: added ${range(change.after)}${change.after.status !== "active" ? ` as ${change.after.status}` : ""}`;
    case "draining":
      return `${head}: draining ${range(change.before)}; the pool is emitted disabled and the range stays reserved until it is released`;
    case "reactivated":
      return change.before.status === "adopted"
        ? `${head}: now declared in code at ${range(change.after)}, the range adopted from the cluster`
        : `${head}: reactivated ${range(change.after)}, its recorded range`;
    case "released":
      return `${head}: released ${range(change.before)}; the range may be carved again`;
  }
}

function drawnWhat(r: LedgerDrawnRange): string {
  return r.kind === "service" ? "Service CIDR" : "node network";
}

/**
 * The names of both records, once each, in code-unit order. The keys of a ledger section are usually
 * in that order already (they are written and frozen sorted), so two sorted lists are merged in one
 * pass; a record whose keys are not in order (integer-like names come first) is sorted first.
 */
function unionOfNames(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  const x = sortedKeys(a);
  const y = sortedKeys(b);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    const order = i === x.length ? 1 : j === y.length ? -1 : compareNames(x[i], y[j]);
    if (order <= 0) out.push(x[i++]);
    else out.push(y[j++]);
    if (order === 0) j++;
  }
  return out;
}

function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(record);
  for (let k = 1; k < keys.length; k++) if (compareNames(keys[k - 1], keys[k]) > 0) return keys.sort(compareNames);
  return keys;
}
