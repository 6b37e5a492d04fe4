import { Cidr } from "../ip";
import { compareFindings, compareText, formatCount } from "./format";
import { CountChange, bigDelta, numDelta } from "./diff-count";
import { TimelineDiff, diffTimelines } from "./diff-timeline";
import type { DecimalString, PlanReport, ReportFinding, ReportHostLocal, ReportHostLocalNode, ReportNamespace, ReportPool, ReportPoolUsage, ReportSummary } from "./schema";

export type { CountChange } from "./diff-count";

/** `schema` of a plan diff. */
export const PLAN_DIFF_SCHEMA = "cdktf-calico-ipam/plan-diff";
/** The plan diff schema version this library writes. */
export const PLAN_DIFF_SCHEMA_VERSION = 1;

/** Calico's procedure to move workloads from one pool to another. */
export const MIGRATE_POOLS_URL = "https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools";
/** Calico's procedure to change the block size of a range. */
export const CHANGE_BLOCK_SIZE_URL = "https://docs.tigera.io/calico/latest/networking/ipam/change-block-size";

/** The pool fields a diff compares, in this order. */
export const POOL_DIFF_FIELDS = [
  "cidr",
  "blockSize",
  "nodeSelector",
  "namespaceSelector",
  "disabled",
  "allowedUses",
  "assignmentMode",
  "ipipMode",
  "vxlanMode",
  "natOutgoing",
  "disableBGPExport",
] as const;

/** A compared pool field. */
export type PoolDiffField = (typeof POOL_DIFF_FIELDS)[number];

/** A value of a compared field. */
export type DiffValue = string | number | boolean | readonly string[] | null;

/** One field that differs between the base and the head. */
export interface FieldChange<F extends string = string> {
  readonly field: F;
  readonly before: DiffValue;
  readonly after: DiffValue;
  /** True when Calico cannot apply the change to the existing object. */
  readonly destructive: boolean;
}

/** A pool present in both plans with different fields. */
export interface ChangedPool {
  readonly name: string;
  readonly changes: readonly FieldChange<PoolDiffField>[];
  /** True when one of the changes is destructive. */
  readonly destructive: boolean;
}

/** A pool of the base plan that the head plan no longer has. */
export interface RemovedPool extends ReportPool {
  /** Pod and tunnel addresses in use in the base simulation; null when the base was not simulated. */
  readonly addressesInUse: number | null;
}

/**
 * What happens to a pool between two plans, in the terms of Calico's migration procedure:
 * - `add`: the pool is new;
 * - `change`: it changes in place (any field but `disabled` going to true; a destructive change is flagged);
 * - `disable`: it is disabled (the first step of draining it: no new addresses, running pods keep theirs);
 * - `delete-after-drain`: it was disabled in the base plan and is gone: drained, then deleted;
 * - `delete-without-drain`: it was enabled in the base plan and is gone: pods may still hold its
 *   addresses, which no pool then manages. Always destructive.
 */
export type PoolLifecycleChange = "add" | "change" | "disable" | "delete-after-drain" | "delete-without-drain";

/** One pool whose lifecycle moved between the two plans. */
export interface PoolLifecycle {
  readonly name: string;
  readonly change: PoolLifecycleChange;
  /** True when the change is destructive (see {@link PlanDiff.destructiveChanges}). */
  readonly destructive: boolean;
}

/** How the capacity and usage of a pool present in both plans changed. */
export interface PoolCapacityChange {
  readonly name: string;
  /** Decimal strings. */
  readonly addressesTotal: CountChange<DecimalString>;
  /** In use as calicoctl counts it: pods, tunnels and Windows-reserved addresses. */
  readonly addressesInUse: CountChange<number>;
  readonly blocksClaimed: CountChange<number>;
  /** Fractions 0..1; the delta is rounded to 9 decimals. */
  readonly utilization: CountChange<number>;
  readonly blockUtilization: CountChange<number>;
  /** Decimal strings. */
  readonly headroomNodes: CountChange<DecimalString>;
  /** Decimal strings. */
  readonly headroomPods: CountChange<DecimalString>;
}

/** How the firewall ranges of a namespace changed. */
export interface NamespaceChange {
  readonly name: string;
  readonly change: "added" | "removed" | "changed";
  readonly pools: { readonly before: readonly string[] | null; readonly after: readonly string[] | null };
  readonly ipv4: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly ipv6: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly exclusive: { readonly before: boolean | null; readonly after: boolean | null };
}

/** How the fixed addresses of a workload changed. */
export interface FixedAddressChange {
  /** `namespace/name`. */
  readonly workload: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** A node present in both host-local plans whose podCIDRs differ. */
export interface HostLocalNodeChange {
  readonly name: string;
  /** Its podCIDRs in the base, in cluster CIDR order. */
  readonly before: readonly string[];
  /** Its podCIDRs in the head. */
  readonly after: readonly string[];
  /** Always true: a node's podCIDR never changes. */
  readonly destructive: boolean;
}

/** How the host-local section changed. */
export interface HostLocalDiff {
  /**
   * Changed settings, in this order: `present` (the section added or removed: `before`/`after` booleans),
   * `clusterCidrs` (lists, order matters), `nodeMaskSizes.ipv4`, `nodeMaskSizes.ipv6` (numbers or null).
   * A cluster CIDR change is destructive when a node that stays holds a range the new cluster CIDRs do
   * not hold (by position) or lacks an added family; a node mask change when a node that stays keeps a
   * range of another size.
   */
  readonly settings: readonly FieldChange[];
  readonly nodes: {
    /** Nodes only in the head, head order (natural name order). */
    readonly added: readonly ReportHostLocalNode[];
    /** Nodes only in the base, base order. */
    readonly removed: readonly ReportHostLocalNode[];
    /** Nodes in both whose podCIDRs differ, head order. */
    readonly changed: readonly HostLocalNodeChange[];
  };
  /** Nodes that can still join, overall and per family (free node ranges); decimal strings, null where a side has no such value. */
  readonly headroom: {
    readonly nodesLeft: CountChange<DecimalString>;
    readonly ipv4: CountChange<DecimalString>;
    readonly ipv6: CountChange<DecimalString>;
  };
}

/** The difference between two plan reports (schema `cdktf-calico-ipam/plan-diff`, version 1). */
/** A range of a fleet that changed between two plans: `before` null when added, `after` null when removed. */
export interface FleetRangeChange {
  /** The cluster whose pool changed, or null for a sub-space of the fleet. */
  readonly cluster: string | null;
  /** The pool (or sub-space) name; for a drawn range its key, e.g. `service-ipv4`. */
  readonly name: string;
  readonly before: string | null;
  readonly after: string | null;
  /** For a Service CIDR (`service`) or node network (`node`) a cluster draws from the plan; absent for a pool or sub-space. */
  readonly kind?: "service" | "node";
  /**
   * For a drawn range a report lists as draining (`drainingDrawnRanges`) on one side: `draining` (drawn in
   * the base, draining in the head: still reserved, `before` and `after` its range), `reactivated` (draining
   * in the base, drawn again in the head), `released` (draining in the base, gone from the head's ledger:
   * `after` null), `added-draining` (absent from the base report, draining in the head). Absent otherwise: a
   * drawn range with `after` null was neither drawn nor draining in the head report.
   */
  readonly status?: "draining" | "reactivated" | "released" | "added-draining";
}

/** The fleet part of a plan diff. */
export interface FleetDiff {
  /** The cluster the two plans are about (the head's, else the base's). */
  readonly cluster: string;
  /**
   * Changed ranges of the other clusters and of the sub-spaces, and the drawn Service CIDRs and node
   * networks of every cluster (this one's too: nothing else compares them): sub-spaces first, then by
   * cluster, then pools by name, then drawn ranges by key. Never this cluster's pools, which `pools` compares.
   */
  readonly changes: readonly FleetRangeChange[];
}

export interface PlanDiff {
  readonly schema: typeof PLAN_DIFF_SCHEMA;
  readonly schemaVersion: typeof PLAN_DIFF_SCHEMA_VERSION;
  /** True when the head plan cannot be applied over the base without breaking running pods or being rejected by Calico. */
  readonly destructive: boolean;
  /** One sentence per destructive change, with the way out. */
  readonly destructiveChanges: readonly string[];
  /** Changes a reviewer should read that are not destructive, one sentence each. */
  readonly notes: readonly string[];
  readonly pools: {
    /** Name order. */
    readonly added: readonly ReportPool[];
    /** Name order. */
    readonly removed: readonly RemovedPool[];
    /** Name order. */
    readonly changed: readonly ChangedPool[];
    /** Every pool added, changed or removed, classified (see {@link PoolLifecycleChange}), name order. */
    readonly lifecycle: readonly PoolLifecycle[];
  };
  /** Pools present in both plans whose size, usage or headroom changed, name order. */
  readonly capacity: readonly PoolCapacityChange[];
  /** Fields of the IPAM configuration that changed (`strictAffinity`, `autoAllocateBlocks`, `maxBlocksPerHost`, `kubeVirtVMAddressPersistence`; `present` when it was added or removed). */
  readonly ipamConfiguration: readonly FieldChange[];
  readonly findings: {
    /** In the head, not in the base (matched by severity, code, subject and path), report order. */
    readonly appeared: readonly ReportFinding[];
    /** In the base, not in the head, report order. */
    readonly resolved: readonly ReportFinding[];
  };
  /** Namespaces whose firewall ranges, pools or exclusivity changed, name order. */
  readonly namespaces: readonly NamespaceChange[];
  /** Workloads whose fixed addresses changed, name order. */
  readonly fixedAddresses: readonly FixedAddressChange[];
  /** Host-local IPAM: settings, node podCIDRs and nodes left. Absent when neither report has a `hostLocal` section. */
  readonly hostLocal?: HostLocalDiff;
  /**
   * A cluster of a fleet: which cluster this plan is about, and the ranges of the fleet's other clusters
   * and sub-spaces that changed (each also a note). Absent when neither report has a `fleet` section.
   */
  readonly fleet?: FleetDiff;
  /**
   * Day 2: the timelines compared step by step (steps paired by action in order; per step pods without
   * an address, blocks, borrowing, per pool utilization, headroom and borrowing, findings that appear or
   * are resolved). Absent when neither report has a `simulation.timeline`.
   */
  readonly timeline?: TimelineDiff;
  readonly summary: {
    readonly base: ReportSummary;
    readonly head: ReportSummary;
    /**
     * Number of changes listed above (pools, capacity, configuration, findings, namespaces, fixed addresses, host-local settings and nodes, 1 when the host-local headroom moved,
     * timeline steps that differ, and the fleet's changed ranges); 0 when the plans are alike. Each change counts once: the fleet part never lists
     * the pools of the cluster either report is about (they count in `pools`).
     */
    readonly changes: number;
  };
}

/**
 * Compares two plan reports (the base branch's and the pull request's): pools added, removed and
 * changed field by field, capacity and utilization per pool, IPAM configuration, findings that appear
 * and that go away, namespace firewall ranges and fixed addresses. Deterministic: the same two reports
 * give the same diff.
 *
 * Destructive (an error for review): a changed `cidr` or `blockSize` of a pool present in both plans
 * (both immutable in Calico: "IPPool CIDR cannot be modified", "IPPool BlockSize cannot be modified");
 * `allowedUses` changed from LoadBalancer to Workload or Tunnel (also rejected on update); a pool
 * deleted without a drain (removed while enabled in the base plan, whether or not the base was
 * simulated), and a pool deleted after a drain that still had addresses in use in the base simulation.
 * Each comes with the way out: a new pool and Calico's migration procedure ({@link MIGRATE_POOLS_URL}).
 * Every pool change is also classified in `pools.lifecycle` (see {@link PoolLifecycleChange}).
 *
 * In host-local mode it also compares the `hostLocal` sections: nodes added and removed, nodes whose
 * podCIDRs change (destructive: a node's podCIDR never changes; drain and delete the node, then re-add
 * it), the cluster CIDRs and node masks (destructive when a node that stays holds a range that no
 * longer fits them), and the nodes left in the cluster CIDRs.
 *
 * When either report played a day-2 timeline, `timeline` compares the two step by step
 * (see {@link diffTimelines}); a step's outcome is never destructive: its errors count in the head's findings.
 */
export function diffPlanReports(base: PlanReport, head: PlanReport): PlanDiff {
  const destructiveChanges: string[] = [];
  const notes: string[] = [];
  const basePools = byName(base.pools);
  const headPools = byName(head.pools);
  const baseUsage = new Map((base.simulation?.pools ?? []).map((p) => [p.name, p]));
  const headUsage = new Map((head.simulation?.pools ?? []).map((p) => [p.name, p]));

  const added = [...headPools.values()].filter((p) => !basePools.has(p.name));
  const removed: RemovedPool[] = [...basePools.values()]
    .filter((p) => !headPools.has(p.name))
    .map((p) => {
      const u = baseUsage.get(p.name);
      return { ...p, addressesInUse: base.simulation ? (u ? u.addressesInUse : 0) : null };
    });
  const lifecycle: PoolLifecycle[] = added.map((p) => ({ name: p.name, change: "add" as const, destructive: false }));
  for (const r of removed) {
    const label = `IP pool "${r.name}"${r.cidr !== null ? ` (${r.cidr})` : ""}`;
    const twin = added.find((a) => a.cidr !== null && a.cidr === r.cidr);
    const drained = r.disabled === true;
    const before = destructiveChanges.length;
    if (!drained) {
      const holding =
        r.addressesInUse === null
          ? "the base report has no simulation, so pods may still hold its addresses"
          : r.addressesInUse > 0
            ? `${plural(r.addressesInUse, "address is", "addresses are")} in use in the base plan's simulation`
            : "no address is in use in the base plan's simulation, but the cluster's pods may hold some";
      destructiveChanges.push(
        `${label} is deleted without being drained: it is enabled in the base plan, and ${holding}. ` +
          `Deleting an IPPool neither moves nor releases addresses: those pods keep addresses no pool manages. ` +
          `Disable it first (with cdktf-calico-ipam, remove it from the code: the ledger keeps it, disabled, until "calico-ipam ledger release ${r.name}"), ` +
          `delete the pods that still use it, check that none is left (calicoctl ipam show --show-blocks), and delete it afterwards, as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
      );
    } else if (r.addressesInUse !== null && r.addressesInUse > 0) {
      destructiveChanges.push(
        `${label} is removed while ${plural(r.addressesInUse, "address is", "addresses are")} in use in the base plan's simulation: ` +
          `deleting an IPPool neither moves nor releases them, and those pods keep addresses no pool manages. ` +
          `Keep "${r.name}" disabled, delete the pods that still use it, and remove it afterwards, as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
      );
    } else {
      notes.push(`${label} is deleted after draining: it was disabled in the base plan. Check that no pod holds its addresses (calicoctl ipam show --show-blocks lists no block in ${r.cidr ?? "its range"}) before applying`);
    }
    lifecycle.push({ name: r.name, change: drained ? "delete-after-drain" : "delete-without-drain", destructive: destructiveChanges.length > before });
    if (twin) {
      notes.push(`${label} is removed and "${twin.name}" added with the same CIDR: Calico sees a delete and a create, not a rename; the blocks already claimed in ${r.cidr} stay as they are`);
    }
  }

  const changed: ChangedPool[] = [];
  for (const h of headPools.values()) {
    const b = basePools.get(h.name);
    if (!b) continue;
    const changes: FieldChange<PoolDiffField>[] = [];
    for (const field of POOL_DIFF_FIELDS) {
      const before = b[field] as DiffValue;
      const after = h[field] as DiffValue;
      if (sameValue(before, after)) continue;
      let destructive = false;
      const inUse = baseUsage.get(b.name);
      const holding = inUse && inUse.addressesInUse > 0 ? ` (${plural(inUse.addressesInUse, "address", "addresses")} in use in the base simulation)` : "";
      if (field === "cidr" && before !== null && after !== null) {
        destructive = true;
        destructiveChanges.push(
          `IP pool "${h.name}": cidr changes from ${String(before)} to ${String(after)}${holding}, but Calico's IPPool cidr is immutable ("IPPool CIDR cannot be modified"). ` +
            `Keep "${h.name}" at ${String(before)} and add a new pool for ${String(after)} under a new name, then disable "${h.name}", delete the pods that still use it and remove it, ` +
            `as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
        );
      } else if (field === "blockSize" && before !== null && after !== null) {
        destructive = true;
        destructiveChanges.push(
          `IP pool "${h.name}": blockSize changes from ${String(before)} to ${String(after)}${holding}, but Calico's IPPool blockSize is immutable ("IPPool BlockSize cannot be modified"). ` +
            `Keep "${h.name}" as it is and add a new pool with blockSize ${String(after)} under a new name, then move the pods to it as in Calico's migration procedure: ${MIGRATE_POOLS_URL} ` +
            `(to keep the same range, follow ${CHANGE_BLOCK_SIZE_URL})`,
        );
      } else if (field === "allowedUses" && includes(before, "LoadBalancer") && (includes(after, "Workload") || includes(after, "Tunnel"))) {
        destructive = true;
        destructiveChanges.push(
          `IP pool "${h.name}": allowedUses change from ${JSON.stringify(before)} to ${JSON.stringify(after)}, which Calico rejects on update ("IPPool allowed use cannot be changed from LoadBalacer to Workload or Tunnel"). ` +
            `Add a new pool for workloads under a new name instead, and retire "${h.name}" as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
        );
      } else if (field === "disabled" && after === true && inUse && inUse.addressesInUse > 0) {
        notes.push(
          `IP pool "${h.name}" is disabled while ${plural(inUse.addressesInUse, "address is", "addresses are")} in use in the base simulation: running pods keep them, new pods get addresses from other pools; delete the old pods to finish the move (${MIGRATE_POOLS_URL})`,
        );
      }
      changes.push({ field, before, after, destructive });
    }
    if (changes.length > 0) {
      const destructive = changes.some((c) => c.destructive);
      changed.push({ name: h.name, changes, destructive });
      const disables = changes.some((c) => c.field === "disabled" && c.after === true);
      lifecycle.push({ name: h.name, change: disables && !destructive ? "disable" : "change", destructive });
    }
  }
  lifecycle.sort((a, b) => compareText(a.name, b.name));

  const capacity: PoolCapacityChange[] = [];
  for (const h of headPools.values()) {
    const b = basePools.get(h.name);
    if (!b) continue;
    const c = capacityChange(b, h, baseUsage.get(h.name), headUsage.get(h.name));
    if (c) capacity.push(c);
  }

  const ipamConfiguration = configChanges(base, head);
  const findings = findingChanges(base.findings, head.findings);
  const namespaces = namespaceChanges(base.namespaces, head.namespaces);
  const fixedAddresses = fixedAddressChanges(base, head);
  const hostLocal = hostLocalChanges(base.hostLocal, head.hostLocal, destructiveChanges, notes);
  const timeline = diffTimelines(base.simulation?.timeline, head.simulation?.timeline);
  const fleet = fleetChanges(base, head, notes);
  const changes =
    added.length + removed.length + changed.length + capacity.length + ipamConfiguration.length + findings.appeared.length + findings.resolved.length + namespaces.length + fixedAddresses.length +
    (hostLocal ? hostLocalChangeCount(hostLocal) : 0) +
    (timeline ? timeline.changes.length : 0) +
    (fleet ? fleet.changes.length : 0);

  return {
    schema: PLAN_DIFF_SCHEMA,
    schemaVersion: PLAN_DIFF_SCHEMA_VERSION,
    destructive: destructiveChanges.length > 0,
    destructiveChanges,
    notes,
    pools: { added, removed, changed, lifecycle },
    capacity,
    ipamConfiguration,
    findings,
    namespaces,
    fixedAddresses,
    ...(hostLocal ? { hostLocal } : {}),
    ...(timeline ? { timeline } : {}),
    ...(fleet ? { fleet } : {}),
    summary: { base: { ...base.summary }, head: { ...head.summary }, changes },
  };
}

/**
 * The ranges of a fleet's other clusters and sub-spaces that changed, each also a note that names its
 * cluster; undefined when neither report is a fleet cluster's.
 */
function fleetChanges(base: PlanReport, head: PlanReport, notes: string[]): FleetDiff | undefined {
  if (base.fleet === undefined && head.fleet === undefined) return undefined;
  const cluster = head.fleet?.cluster ?? base.fleet!.cluster;
  // The pools of the cluster(s) the two reports are about are compared above: counted once, there.
  const compared = new Set([base.fleet?.cluster, head.fleet?.cluster]);
  type Range = { cluster: string | null; name: string; cidr: string; kind?: "service" | "node"; draining?: true };
  const ranges = (report: PlanReport): Map<string, Range> => {
    const out = new Map<string, Range>();
    for (const s of report.fleet?.subSpaces ?? []) out.set(`\u0000${s.name}`, { cluster: null, name: s.name, cidr: s.cidr });
    for (const c of report.fleet?.clusters ?? []) {
      if (!compared.has(c.name)) for (const p of c.pools) out.set(`${c.name}\u0000${p.name}`, { cluster: c.name, name: p.name, cidr: p.cidr });
      for (const r of c.drawnRanges ?? []) {
        const name = `${r.kind}-ipv${r.cidr.includes(":") ? 6 : 4}`;
        out.set(`${c.name}\u0001${name}`, { cluster: c.name, name, cidr: r.cidr, kind: r.kind });
      }
      for (const r of c.drainingDrawnRanges ?? []) out.set(`${c.name}\u0001${r.key}`, { cluster: c.name, name: r.key, cidr: r.cidr, kind: r.kind, draining: true });
    }
    return out;
  };
  const [b, h] = [ranges(base), ranges(head)];
  const keys = [...new Set([...b.keys(), ...h.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const changes: FleetRangeChange[] = [];
  for (const key of keys) {
    const before = b.get(key);
    const after = h.get(key);
    if (before?.cidr === after?.cidr && before?.draining === after?.draining) continue;
    const { cluster: owner, name, kind } = (after ?? before)!;
    const status = drawnStatus(before, after);
    changes.push({ cluster: owner, name, before: before?.cidr ?? null, after: after?.cidr ?? null, ...(kind ? { kind } : {}), ...(status ? { status } : {}) });
    const whose = owner === cluster ? `cluster "${owner}"` : `cluster "${owner}" (another cluster of the fleet)`;
    const what =
      owner === null
        ? `sub-space "${name}" of the fleet`
        : kind !== undefined
          ? `${whose}: ${kind === "service" ? "Service CIDR" : "node network"} "${name}" drawn from the plan`
          : `${whose}: pool "${name}"`;
    notes.push(
      status === "draining"
        ? `${what} is no longer drawn: draining, ${after!.cidr} stays reserved until it is released (calico-ipam ledger release --cluster ${owner} ${name})`
        : status === "reactivated"
          ? `${what} is drawn again: ${after!.cidr}, draining in the base, is active again`
          : status === "released"
            ? `${what} released (was ${before!.cidr}, draining)`
            : status === "added-draining"
              ? `${what} draining at ${after!.cidr} (reserved until it is released)`
              : before === undefined
                ? `${what} added at ${after!.cidr}`
                : after === undefined
                  ? `${what} removed (was ${before.cidr})`
                  : `${what} changed from ${before.cidr} to ${after.cidr}`,
    );
  }
  return { cluster, changes };
}

/**
 * How a drawn range's state moved between two reports, when one lists it as draining; undefined for any
 * other change (a range added, removed or moved while drawn on both sides, or draining on both).
 */
function drawnStatus(before: { cidr: string; draining?: true } | undefined, after: { cidr: string; draining?: true } | undefined): FleetRangeChange["status"] {
  if (after?.draining) return before === undefined ? "added-draining" : before.draining ? undefined : "draining";
  if (!before?.draining) return undefined;
  return after === undefined ? "released" : "reactivated";
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  // Name order; of duplicate names (an error of the plan), the first is compared.
  for (const item of [...items].sort((a, b) => compareText(a.name, b.name))) if (!map.has(item.name)) map.set(item.name, item);
  return map;
}

function sameValue(a: DiffValue, b: DiffValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    // allowedUses is a set to Calico: order does not matter.
    const sa = [...a].sort(compareText);
    const sb = [...b].sort(compareText);
    return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
  }
  return a === b;
}

function includes(v: DiffValue, item: string): boolean {
  return Array.isArray(v) && v.includes(item);
}

function plural(n: number, singular: string, pluralForm: string): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

function capacityChange(b: ReportPool, h: ReportPool, bu: ReportPoolUsage | undefined, hu: ReportPoolUsage | undefined): PoolCapacityChange | undefined {
  const inUse = (u: ReportPoolUsage | undefined) => (u ? u.addressesInUse + u.addressesWindowsReserved : null);
  const c: PoolCapacityChange = {
    name: h.name,
    addressesTotal: bigDelta(b.addressesTotal, h.addressesTotal),
    addressesInUse: numDelta(inUse(bu), inUse(hu)),
    blocksClaimed: numDelta(bu?.blocksClaimed ?? null, hu?.blocksClaimed ?? null),
    utilization: numDelta(bu?.utilization ?? null, hu?.utilization ?? null, true),
    blockUtilization: numDelta(bu?.blockUtilization ?? null, hu?.blockUtilization ?? null, true),
    headroomNodes: bigDelta(bu?.headroom.moreNodes ?? null, hu?.headroom.moreNodes ?? null),
    headroomPods: bigDelta(bu?.headroom.morePods ?? null, hu?.headroom.morePods ?? null),
  };
  const moved = [c.addressesTotal, c.addressesInUse, c.blocksClaimed, c.utilization, c.blockUtilization, c.headroomNodes, c.headroomPods].some(
    (x: CountChange<number | string>) => x.before !== x.after,
  );
  return moved ? c : undefined;
}

const CONFIG_FIELDS = ["strictAffinity", "autoAllocateBlocks", "maxBlocksPerHost", "kubeVirtVMAddressPersistence"] as const;

function configChanges(base: PlanReport, head: PlanReport): FieldChange[] {
  const b = base.ipamConfiguration;
  const h = head.ipamConfiguration;
  const out: FieldChange[] = [];
  if ((b === undefined) !== (h === undefined)) out.push({ field: "present", before: b !== undefined, after: h !== undefined, destructive: false });
  for (const field of CONFIG_FIELDS) {
    const before = b ? b[field] : null;
    const after = h ? h[field] : null;
    if (before !== after) out.push({ field, before, after, destructive: false });
  }
  return out;
}

function findingKey(f: ReportFinding): string {
  return JSON.stringify([f.severity, f.code, f.subject, f.path]);
}

/** Multiset difference by key: the n-th finding of a key in one report matches the n-th in the other. */
function findingChanges(base: readonly ReportFinding[], head: readonly ReportFinding[]): PlanDiff["findings"] {
  const unmatched = (from: readonly ReportFinding[], other: readonly ReportFinding[]) => {
    const left = new Map<string, number>();
    for (const f of other) left.set(findingKey(f), (left.get(findingKey(f)) ?? 0) + 1);
    return [...from].sort(compareFindings).filter((f) => {
      const k = findingKey(f);
      const n = left.get(k) ?? 0;
      if (n > 0) {
        left.set(k, n - 1);
        return false;
      }
      return true;
    });
  };
  return { appeared: unmatched(head, base), resolved: unmatched(base, head) };
}

function setDiff(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: [...a].filter((x) => !b.has(x)).sort(compareText), removed: [...b].filter((x) => !a.has(x)).sort(compareText) };
}

function namespaceChanges(base: readonly ReportNamespace[], head: readonly ReportNamespace[]): NamespaceChange[] {
  const b = byName(base);
  const h = byName(head);
  const names = [...new Set([...b.keys(), ...h.keys()])].sort(compareText);
  const out: NamespaceChange[] = [];
  for (const name of names) {
    const x = b.get(name);
    const y = h.get(name);
    const ipv4 = setDiff(x?.ipv4 ?? [], y?.ipv4 ?? []);
    const ipv6 = setDiff(x?.ipv6 ?? [], y?.ipv6 ?? []);
    const poolsBefore = x ? [...x.pools] : null;
    const poolsAfter = y ? [...y.pools] : null;
    const change = !x ? "added" : !y ? "removed" : "changed";
    const differs =
      change !== "changed" ||
      ipv4.added.length + ipv4.removed.length + ipv6.added.length + ipv6.removed.length > 0 ||
      !sameValue(poolsBefore, poolsAfter) ||
      x?.exclusive !== y?.exclusive;
    if (!differs) continue;
    out.push({
      name,
      change,
      pools: { before: poolsBefore, after: poolsAfter },
      ipv4,
      ipv6,
      exclusive: { before: x ? x.exclusive : null, after: y ? y.exclusive : null },
    });
  }
  return out;
}

function fixedAddressChanges(base: PlanReport, head: PlanReport): FixedAddressChange[] {
  const collect = (r: PlanReport) => {
    const m = new Map<string, string[]>();
    for (const w of r.workloads) {
      const k = `${w.namespace}/${w.name}`;
      m.set(k, [...(m.get(k) ?? []), ...w.addresses.map((a) => a.address)].sort(compareText));
    }
    return m;
  };
  const b = collect(base);
  const h = collect(head);
  const out: FixedAddressChange[] = [];
  for (const k of [...new Set([...b.keys(), ...h.keys()])].sort(compareText)) {
    const before = b.get(k) ?? [];
    const after = h.get(k) ?? [];
    if (!sameValue(before, after)) out.push({ workload: k, before, after });
  }
  return out;
}

/** How many names a host-local sentence lists before "and N more". */
const NODES_NAMED = 5;

function hostLocalChangeCount(d: HostLocalDiff): number {
  const moved = [d.headroom.nodesLeft, d.headroom.ipv4, d.headroom.ipv6].some((x) => x.before !== x.after);
  return d.settings.length + d.nodes.added.length + d.nodes.removed.length + d.nodes.changed.length + (moved ? 1 : 0);
}

function familyOf(cidr: string): "ipv4" | "ipv6" {
  return cidr.includes(":") ? "ipv6" : "ipv4";
}

function parseCidr(text: string): Cidr | undefined {
  try {
    return Cidr.parse(text);
  } catch {
    return undefined;
  }
}

/** The base nodes whose ranges the head's cluster CIDRs no longer hold (by position, as kube-controller-manager pairs them), and those missing a family the head adds. */
function nodesOutsideClusterCidrs(nodes: readonly ReportHostLocalNode[], clusterCidrs: readonly string[]): ReportHostLocalNode[] {
  const clusters = clusterCidrs.map(parseCidr);
  return nodes.filter(
    (n) =>
      n.podCidrs.length !== clusters.length ||
      n.podCidrs.some((text, i) => {
        const range = parseCidr(text);
        const cluster = clusters[i];
        return !range || !cluster || range.family !== cluster.family || !cluster.contains(range);
      }),
  );
}

/** `node-1 10.244.0.0/24, node-2 10.244.1.0/24 and 3 more`: the nodes with their ranges (of one family, when given). */
function nodeList(nodes: readonly ReportHostLocalNode[], family?: "ipv4" | "ipv6"): string {
  const shown = nodes.slice(0, NODES_NAMED).map((n) => `${n.name} ${n.podCidrs.filter((c) => family === undefined || familyOf(c) === family).join(",") || "(no range)"}`);
  return `${shown.join(", ")}${nodes.length > shown.length ? ` and ${nodes.length - shown.length} more` : ""}`;
}

function hostLocalChanges(b: ReportHostLocal | undefined, h: ReportHostLocal | undefined, destructiveChanges: string[], notes: string[]): HostLocalDiff | undefined {
  if (!b && !h) return undefined;
  const settings: FieldChange[] = [];
  if (!b || !h) {
    settings.push({ field: "present", before: b !== undefined, after: h !== undefined, destructive: false });
    notes.push(
      h
        ? "host-local IPAM is new in the head plan: every node's CNI ipam section becomes host-local, which hands out addresses from the node's podCIDR without knowing the addresses Calico IPAM gave to running pods. Drain each node and recreate its pods after the change"
        : "host-local IPAM is gone from the head plan: every node's CNI ipam section changes, and Calico IPAM does not know the addresses host-local gave to running pods. Drain each node and recreate its pods after the change",
    );
  }
  if (b && h) {
    const staying = new Set(h.nodes.map((n) => n.name));
    const baseNames = new Set(b.nodes.map((n) => n.name));
    const flagOf = (key: "ipv4" | "ipv6") => (h.clusterCidrs.length === 1 ? "--node-cidr-mask-size" : `--node-cidr-mask-size-${key}`);
    if (JSON.stringify(b.clusterCidrs) !== JSON.stringify(h.clusterCidrs)) {
      const before = b.clusterCidrs.join(",") || "(none)";
      const after = h.clusterCidrs.join(",") || "(none)";
      // Nodes the head removes are drained and deleted anyway; the ones that stay must fit.
      const misfits = nodesOutsideClusterCidrs(b.nodes.filter((n) => staying.has(n.name)), h.clusterCidrs);
      settings.push({ field: "clusterCidrs", before: [...b.clusterCidrs], after: [...h.clusterCidrs], destructive: misfits.length > 0 });
      if (misfits.length > 0) {
        destructiveChanges.push(
          `host-local: --cluster-cidr changes from ${before} to ${after}, but ${plural(misfits.length, "node", "nodes")} of the base plan hold${misfits.length === 1 ? "s" : ""} podCIDRs that do not fit it (${nodeList(misfits)}), and a node's podCIDR never changes: ` +
            `kube-controller-manager refuses to start while a node holds a range outside the cluster CIDR of its position ("is out the range of cluster cidr"), and never gives a node that already has ranges one of an added family. ` +
            `Drain and delete those nodes, change --cluster-cidr, then re-add them so that they register again and get ranges from ${after}; keep the IP pool of the old range until no node holds a range there, as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
        );
      } else {
        notes.push(
          b.nodes.length > 0
            ? `host-local: --cluster-cidr changes from ${before} to ${after}; the podCIDRs of the nodes that stay lie inside it, so kube-controller-manager keeps their ranges and hands out new ones from ${after}`
            : `host-local: --cluster-cidr changes from ${before} to ${after}; no node holds a range in the base plan, so nothing has to move`,
        );
      }
    }
    for (const key of ["ipv4", "ipv6"] as const) {
      const before = b.nodeMaskSizes[key];
      const after = h.nodeMaskSizes[key];
      if (before === after) continue;
      const family = key === "ipv4" ? "IPv4" : "IPv6";
      // A family added or removed is the cluster CIDR change. This one is about the nodes that keep, in the
      // head, a range of this family of another size than the head's mask (removed nodes do not matter; a
      // node the head gives a new range is a podCIDR change, below).
      const kept = before !== null && after !== null ? h.nodes.filter((n) => baseNames.has(n.name) && n.podCidrs.some((c) => familyOf(c) === key && !c.endsWith(`/${after}`))) : [];
      settings.push({ field: `nodeMaskSizes.${key}`, before, after, destructive: kept.length > 0 });
      if (before === null || after === null) continue;
      if (kept.length > 0) {
        destructiveChanges.push(
          `host-local: the ${family} node mask (${flagOf(key)}) changes from /${before} to /${after}, but ${plural(kept.length, "node", "nodes")} of the base plan keep${kept.length === 1 ? "s" : ""} ${family} ranges of another size (${nodeList(kept, key)}), as a node's podCIDR never changes: ` +
            `kube-controller-manager gives /${after} only to nodes that register from now on. To resize a node's range, drain and delete the node, then re-add it; or keep /${before}`,
        );
      } else if (!b.nodes.some((n) => staying.has(n.name) && n.podCidrs.some((c) => familyOf(c) === key))) {
        notes.push(`host-local: the ${family} node mask changes from /${before} to /${after}; no node of the base plan that stays holds an ${family} range, so every node gets /${after}`);
      }
    }
  }

  const baseNodes = new Map((b?.nodes ?? []).map((n) => [n.name, n]));
  const headNodes = new Map((h?.nodes ?? []).map((n) => [n.name, n]));
  const added = (h?.nodes ?? []).filter((n) => !baseNodes.has(n.name));
  const removed = (b?.nodes ?? []).filter((n) => !headNodes.has(n.name));
  const changed: HostLocalNodeChange[] = [];
  for (const n of h?.nodes ?? []) {
    const before = baseNodes.get(n.name);
    if (!before || JSON.stringify(before.podCidrs) === JSON.stringify(n.podCidrs)) continue;
    changed.push({ name: n.name, before: [...before.podCidrs], after: [...n.podCidrs], destructive: true });
  }
  if (changed.length > 0) {
    const cidrs = (list: readonly string[]) => list.join(",") || "(none)";
    const why = "but a node's podCIDR never changes (kube-controller-manager hands it out once, when the node registers)";
    const ledger = "record the podCIDRs handed out (Node.spec.podCIDRs) in the ledger so that the plan keeps them";
    if (changed.length === 1) {
      const c = changed[0];
      destructiveChanges.push(
        `host-local node "${c.name}": podCIDRs change from ${cidrs(c.before)} to ${cidrs(c.after)}, ${why}: drain and delete the node, then re-add it so that it registers again and gets a new range. ` +
          `If the node runs with its old range, ${ledger}`,
      );
    } else {
      const moves = changed.slice(0, NODES_NAMED).map((c) => `${c.name} from ${cidrs(c.before)} to ${cidrs(c.after)}`);
      const list = `${moves.join("; ")}${changed.length > moves.length ? `; and ${changed.length - moves.length} more` : ""}`;
      destructiveChanges.push(
        `host-local: the podCIDRs of ${plural(changed.length, "node", "nodes")} change (${list}), ${why}: drain and delete each of these nodes, then re-add it so that it registers again and gets a new range. ` +
          `If the nodes run with their old ranges, ${ledger}`,
      );
    }
  }
  for (const r of removed) {
    if (r.pods !== null && r.pods > 0) {
      notes.push(
        `host-local node "${r.name}" is removed while it runs ${plural(r.pods, "pod", "pods")} in the base plan: drain it before deleting its Node object; kube-controller-manager then releases its podCIDR ${r.podCidrs.join(",")} for a later node`,
      );
    }
  }
  return {
    settings,
    nodes: { added, removed, changed },
    headroom: {
      nodesLeft: bigDelta(b?.headroom.nodesLeft ?? null, h?.headroom.nodesLeft ?? null),
      ipv4: bigDelta(b?.headroom.ipv4 ?? null, h?.headroom.ipv4 ?? null),
      ipv6: bigDelta(b?.headroom.ipv6 ?? null, h?.headroom.ipv6 ?? null),
    },
  };
}
