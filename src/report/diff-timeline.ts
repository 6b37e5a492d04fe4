/**
 * The day-2 part of a plan diff: the timelines of the base and head reports compared step by step —
 * per step the pods left without an address, blocks and borrowing, per pool utilization, headroom and
 * borrowing before and after, and the findings the step brings or no longer brings.
 */
import { CountChange, bigDelta, moved, numDelta } from "./diff-count";
import { compareText } from "./format";
import type { DecimalString, ReportPoolUsage, ReportTimelineStep } from "./schema";

/** One finding of the state after a timeline step (as `simulation.timeline[].findings` holds it). */
export type TimelineStepFinding = ReportTimelineStep["findings"][number];

/** How one pool's state after a step changed between the base and the head. */
export interface TimelinePoolChange {
  readonly name: string;
  /** Pod and tunnel addresses plus Windows-reserved ones, as calicoctl counts them. */
  readonly addressesInUse: CountChange<number>;
  /** Fraction 0..1; the delta is rounded to 9 decimals. */
  readonly utilization: CountChange<number>;
  readonly blocksClaimed: CountChange<number>;
  /** Addresses of the pool held by nodes that do not own their block. */
  readonly borrowedAddresses: CountChange<number>;
  /** Decimal strings. */
  readonly headroomNodes: CountChange<DecimalString>;
  /** Decimal strings. */
  readonly headroomPods: CountChange<DecimalString>;
}

/**
 * How a step of the timelines compares:
 * - `changed`: a step of both timelines (paired by action, see {@link diffTimelines}) whose outcome differs;
 * - `added`: a step only the head plays;
 * - `removed`: a step only the base plays.
 */
export type TimelineStepChangeKind = "added" | "removed" | "changed";

/** One step whose outcome differs between the base and the head, or that only one of them plays. */
export interface TimelineStepChange {
  readonly change: TimelineStepChangeKind;
  /** The step's action (`scale`, `drainNodes`, `wait`, …). */
  readonly action: string;
  /** Its `index` in the base timeline (from 0); null for an added step. */
  readonly baseIndex: number | null;
  /** Its `index` in the head timeline (from 0); null for a removed step. */
  readonly headIndex: number | null;
  /** The step in words on each side (it names what the step did, e.g. the pods a drain evicted); null on the side without the step. */
  readonly description: { readonly before: string | null; readonly after: string | null };
  /** Whether the step was applied (false: refused) on each side; null on the side without the step. */
  readonly applied: { readonly before: boolean | null; readonly after: boolean | null };
  /** Simulated seconds after the step. */
  readonly time: CountChange<number>;
  /** Scheduled pods without an address after the step. */
  readonly podsFailed: CountChange<number>;
  readonly podsUnschedulable: CountChange<number>;
  readonly blocksClaimed: CountChange<number>;
  readonly borrowedAddresses: CountChange<number>;
  /** Pools present after the step on either side whose numbers differ, name order; empty for an added or removed step. */
  readonly pools: readonly TimelinePoolChange[];
  /**
   * Findings of the state after the step: in the head and not the base (`appeared`), in the base and not
   * the head (`resolved`). They match on severity, code and path, the n-th of a key with the n-th. An
   * added step lists all its findings as appeared, a removed one all its findings as resolved.
   */
  readonly findings: { readonly appeared: readonly TimelineStepFinding[]; readonly resolved: readonly TimelineStepFinding[] };
}

/** The timelines of the base and the head compared (the plan diff's `timeline`). */
export interface TimelineDiff {
  /** Steps in each timeline (0 when a report has none). */
  readonly steps: CountChange<number>;
  /**
   * Steps that differ, in timeline order: head order, a removed step placed where it stood in the base
   * (before the head step that follows its pair). Steps whose outcome is the same are left out.
   */
  readonly changes: readonly TimelineStepChange[];
}

/**
 * Middle sections (after the common prefix and suffix) up to this many base × head steps are paired by
 * the longest common subsequence of their actions; larger ones by index.
 */
export const TIMELINE_ALIGN_CELLS = 4_000_000;

/** A pairing of base and head steps, in order: both set for a pair, one for a step of one side only. */
type Aligned = { readonly base?: number; readonly head?: number };

/**
 * Pairs the steps of two timelines by action, in order: the longest common subsequence of the action
 * lists, so that a step inserted or removed in the head does not shift the comparison of the steps after
 * it. Steps at the same index with the same action pair whenever nothing was inserted or removed before
 * them. Above {@link TIMELINE_ALIGN_CELLS} base × head steps (after the common prefix and suffix) the
 * steps pair by index when their actions agree. Deterministic.
 */
export function alignTimelines(base: readonly string[], head: readonly string[]): Aligned[] {
  let start = 0;
  while (start < base.length && start < head.length && base[start] === head[start]) start++;
  let endB = base.length;
  let endH = head.length;
  while (endB > start && endH > start && base[endB - 1] === head[endH - 1]) {
    endB--;
    endH--;
  }
  const out: Aligned[] = [];
  for (let i = 0; i < start; i++) out.push({ base: i, head: i });
  const n = endB - start;
  const m = endH - start;
  if (n * m <= TIMELINE_ALIGN_CELLS) out.push(...lcsAlign(base, head, start, n, m));
  else {
    for (let k = 0; k < Math.max(n, m); k++) {
      const b = k < n ? start + k : undefined;
      const h = k < m ? start + k : undefined;
      if (b !== undefined && h !== undefined && base[b] === head[h]) out.push({ base: b, head: h });
      else {
        if (b !== undefined) out.push({ base: b });
        if (h !== undefined) out.push({ head: h });
      }
    }
  }
  for (let k = 0; k < base.length - endB; k++) out.push({ base: endB + k, head: endH + k });
  return out;
}

/** The longest common subsequence of base[start, start+n) and head[start, start+m); removed steps before added ones at the same place. */
function lcsAlign(base: readonly string[], head: readonly string[], start: number, n: number, m: number): Aligned[] {
  // suffix[i][j]: LCS length of base[start+i..] and head[start+j..]; lengths ≤ 10,000 steps fit 16 bits.
  const width = m + 1;
  const suffix = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      suffix[i * width + j] = base[start + i] === head[start + j] ? suffix[(i + 1) * width + j + 1] + 1 : Math.max(suffix[(i + 1) * width + j], suffix[i * width + j + 1]);
    }
  }
  const out: Aligned[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && base[start + i] === head[start + j]) {
      out.push({ base: start + i++, head: start + j++ });
    } else if (j >= m || (i < n && suffix[(i + 1) * width + j] >= suffix[i * width + j + 1])) {
      out.push({ base: start + i++ });
    } else {
      out.push({ head: start + j++ });
    }
  }
  return out;
}

/**
 * Compares the timelines of two plan reports step by step (see {@link alignTimelines} for the pairing).
 * Undefined when neither report has a timeline. A report without one compares as an empty timeline:
 * every step of the other is added or removed.
 */
export function diffTimelines(base: readonly ReportTimelineStep[] | undefined, head: readonly ReportTimelineStep[] | undefined): TimelineDiff | undefined {
  if (base === undefined && head === undefined) return undefined;
  const b = base ?? [];
  const h = head ?? [];
  const changes: TimelineStepChange[] = [];
  for (const pair of alignTimelines(
    b.map((s) => s.action),
    h.map((s) => s.action),
  )) {
    const change = stepChange(pair.base !== undefined ? b[pair.base] : undefined, pair.head !== undefined ? h[pair.head] : undefined);
    if (change) changes.push(change);
  }
  return { steps: numDelta(b.length, h.length), changes };
}

function stepChange(b: ReportTimelineStep | undefined, h: ReportTimelineStep | undefined): TimelineStepChange | undefined {
  const side = <T>(f: (s: ReportTimelineStep) => T) => ({ before: b ? f(b) : null, after: h ? f(h) : null });
  const count = (f: (s: ReportTimelineStep) => number) => numDelta(b ? f(b) : null, h ? f(h) : null);
  const pools = b && h ? poolChanges(b.pools, h.pools) : [];
  const findings = stepFindingChanges(b?.findings ?? [], h?.findings ?? []);
  const c: TimelineStepChange = {
    change: !b ? "added" : !h ? "removed" : "changed",
    action: (h ?? b)!.action,
    baseIndex: b ? b.index : null,
    headIndex: h ? h.index : null,
    description: side((s) => s.description),
    applied: side((s) => s.applied),
    time: count((s) => s.time),
    podsFailed: count((s) => s.summary.podsFailed),
    podsUnschedulable: count((s) => s.summary.podsUnschedulable),
    blocksClaimed: count((s) => s.summary.blocksClaimed),
    borrowedAddresses: count((s) => s.summary.borrowedAddresses),
    pools,
    findings,
  };
  if (c.change !== "changed") return c;
  const differs =
    c.description.before !== c.description.after ||
    c.applied.before !== c.applied.after ||
    [c.time, c.podsFailed, c.podsUnschedulable, c.blocksClaimed, c.borrowedAddresses].some(moved) ||
    pools.length + findings.appeared.length + findings.resolved.length > 0;
  return differs ? c : undefined;
}

function poolChanges(base: readonly ReportPoolUsage[], head: readonly ReportPoolUsage[]): TimelinePoolChange[] {
  const b = new Map(base.map((p) => [p.name, p]));
  const h = new Map(head.map((p) => [p.name, p]));
  const inUse = (u: ReportPoolUsage | undefined) => (u ? u.addressesInUse + u.addressesWindowsReserved : null);
  const out: TimelinePoolChange[] = [];
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort(compareText)) {
    const x = b.get(name);
    const y = h.get(name);
    const c: TimelinePoolChange = {
      name,
      addressesInUse: numDelta(inUse(x), inUse(y)),
      utilization: numDelta(x?.utilization ?? null, y?.utilization ?? null, true),
      blocksClaimed: numDelta(x?.blocksClaimed ?? null, y?.blocksClaimed ?? null),
      borrowedAddresses: numDelta(x?.borrowedAddresses ?? null, y?.borrowedAddresses ?? null),
      headroomNodes: bigDelta(x?.headroom.moreNodes ?? null, y?.headroom.moreNodes ?? null),
      headroomPods: bigDelta(x?.headroom.morePods ?? null, y?.headroom.morePods ?? null),
    };
    if ([c.addressesInUse, c.utilization, c.blocksClaimed, c.borrowedAddresses, c.headroomNodes, c.headroomPods].some(moved)) out.push(c);
  }
  return out;
}

/** Multiset difference on severity, code and path; each list keeps its step's order (path, code, message). */
function stepFindingChanges(base: readonly TimelineStepFinding[], head: readonly TimelineStepFinding[]): TimelineStepChange["findings"] {
  const key = (f: TimelineStepFinding) => `${f.severity}\u0000${f.code}\u0000${f.path}`;
  const unmatched = (from: readonly TimelineStepFinding[], other: readonly TimelineStepFinding[]) => {
    const left = new Map<string, number>();
    for (const f of other) left.set(key(f), (left.get(key(f)) ?? 0) + 1);
    return from.filter((f) => {
      const n = left.get(key(f)) ?? 0;
      if (n > 0) left.set(key(f), n - 1);
      return n === 0;
    });
  };
  return { appeared: unmatched(head, base), resolved: unmatched(base, head) };
}
