/**
 * Placement of pods on nodes (the kube-scheduler's part, not Calico's): each replica goes to the
 * eligible node (all labels of the workload's nodeSelector) with the fewest pods; a node with `maxPods`
 * pods takes no more. Ties go to the node that joined the cluster first, then to the first in natural
 * name order among nodes that joined together (the declared nodes, or one `addNodes` step): node
 * indices follow that order. The kube-scheduler spreads pods the same way (fewest pods scores best)
 * but breaks ties at random; the harness breaks them by age so that runs are deterministic and a node
 * added by a timeline does not jump ahead of older nodes because of its name.
 */
import { Finding, error } from "../validation/finding";
import { LevelBuckets } from "./private/level-buckets";
import { placeReplicas } from "./private/placement";
import type { NodeState } from "./state";
import type { WorkloadDeclaration } from "./topology";

/** Where each workload's replicas run. */
export interface Schedule {
  /** Per workload, per replica: the node index, or -1 when unschedulable. */
  readonly placements: Int32Array[];
  readonly scheduled: number;
  readonly unschedulable: number;
}

/** Nodes matching a workload's nodeSelector, cached by selector. */
export class EligibleNodes {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly nodes: readonly NodeState[]) {}

  /** Indices (ascending: age, then natural name order) of the nodes with every label of the selector. */
  of(selector: Readonly<Record<string, string>>): number[] {
    const entries = Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify(entries);
    let eligible = this.cache.get(key);
    if (!eligible) {
      eligible = this.nodes.filter((n) => entries.every(([k, v]) => Object.hasOwn(n.node.labels, k) && n.node.labels[k] === v)).map((n) => n.index);
      this.cache.set(key, eligible);
    }
    return eligible;
  }
}

/** Places every workload's replicas, in declaration order; unschedulable pods get a POD_UNSCHEDULABLE finding. */
export function schedulePods(nodes: NodeState[], workloads: readonly WorkloadDeclaration[], findings: Finding[]): Schedule {
  const eligibleNodes = new EligibleNodes(nodes);
  let scheduled = 0;
  let unschedulable = 0;
  const placements = workloads.map((w) => {
    const selector = w.nodeSelector ?? {};
    const eligible = eligibleNodes.of(selector);
    const out = new Int32Array(w.replicas);
    const placed = placeReplicas(nodes, eligible, w.replicas, out);
    scheduled += placed;
    const missing = w.replicas - placed;
    if (missing > 0) {
      unschedulable += missing;
      findings.push(unschedulableFinding(w, missing, w.replicas, eligible.length));
    }
    return out;
  });
  return { placements, scheduled, unschedulable };
}

/** POD_UNSCHEDULABLE for `missing` of `replicas` pods of a workload with `eligible` eligible nodes. */
export function unschedulableFinding(w: WorkloadDeclaration, missing: number, replicas: number, eligible: number, path = `workloads.${w.name}`): Finding {
  const why = eligible === 0 ? `no node has the labels of its nodeSelector ${JSON.stringify(w.nodeSelector ?? {})}` : `its ${eligible} eligible node(s) are full (maxPods)`;
  return error(
    "POD_UNSCHEDULABLE",
    path,
    `${missing} of ${replicas} pods of ${w.namespace}/${w.name} cannot be scheduled: ${why}. This is a scheduling problem, not an IPAM one: add nodes${eligible === 0 ? " with those labels or fix the nodeSelector" : ", raise maxPods or lower replicas"}`,
  );
}

/** The eligible nodes of one selector, by pod count: `members` by position (ascending index), `pos` each node's position (-1: not a member). */
interface SelectorNodes {
  readonly members: Int32Array;
  readonly pos: Int32Array;
  readonly levels: LevelBuckets;
}

/**
 * The scheduler of a timeline: the same rule as {@link placeReplicas} (fewest pods, ties to the lower
 * node index; full nodes never) kept across many single-pod placements and removals. Per node selector,
 * built on first use, the eligible nodes are grouped by pod count ({@link LevelBuckets}); a pod count
 * changes by one, so a change moves the node between two neighbouring groups in every selector's
 * structure, O(1) each. Cordoned and deleted nodes are never eligible; call {@link Scheduler.reset}
 * when nodes or labels change.
 */
export class Scheduler {
  private selectors = new Map<string, SelectorNodes>();
  /** The structures of {@link selectors} as a list: every pod count change visits each (no iterator per change). */
  private selectorList: SelectorNodes[] = [];
  private readonly keys = new WeakMap<object, string>();
  private eligible: EligibleNodes;
  /** Each node's level: its pod count, or -1 when it is full (it takes no pod). */
  private level: Int32Array;

  constructor(private readonly nodes: NodeState[]) {
    this.eligible = new EligibleNodes(nodes);
    this.level = this.levels();
  }

  /** Forgets every selector's structure (nodes added, removed, cordoned or relabelled). */
  reset(): void {
    this.selectors.clear();
    this.selectorList = [];
    this.eligible = new EligibleNodes(this.nodes);
    this.level = this.levels();
  }

  /** Eligible nodes of a selector, now. */
  eligibleCount(selector: Readonly<Record<string, string>>): number {
    return this.eligible.of(selector).filter((i) => !this.nodes[i].deleted && !this.nodes[i].cordoned).length;
  }

  /** Places one pod: the node index (its pod count raised), or -1 when no eligible node has room. */
  place(selector: Readonly<Record<string, string>>): number {
    const sel = this.nodesOf(selector);
    const at = sel.levels.first();
    if (at < 0) return -1;
    const index = sel.members[at];
    this.nodes[index].pods++;
    this.changed(index);
    return index;
  }

  /** A pod left the node (its pod count already lowered). */
  removed(index: number): void {
    this.changed(index);
  }

  private levels(): Int32Array {
    const level = new Int32Array(this.nodes.length);
    for (let i = 0; i < level.length; i++) level[i] = this.levelOf(i);
    return level;
  }

  private levelOf(index: number): number {
    const n = this.nodes[index];
    return n.pods >= n.maxPods ? -1 : n.pods;
  }

  private changed(index: number): void {
    const before = this.level[index];
    const after = this.levelOf(index);
    if (after === before) return;
    this.level[index] = after;
    const list = this.selectorList;
    for (let j = 0; j < list.length; j++) {
      const sel = list[j];
      const k = sel.pos[index];
      if (k < 0) continue;
      if (before >= 0) sel.levels.remove(k, before);
      if (after >= 0) sel.levels.insert(k, after);
    }
  }

  private nodesOf(selector: Readonly<Record<string, string>>): SelectorNodes {
    // A workload passes the same selector object pod after pod: its key is computed once.
    let key = this.keys.get(selector);
    if (key === undefined) {
      key = JSON.stringify(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.keys.set(selector, key);
    }
    let sel = this.selectors.get(key);
    if (!sel) {
      const members = Int32Array.from(this.eligible.of(selector).filter((i) => !this.nodes[i].deleted && !this.nodes[i].cordoned));
      const pos = new Int32Array(this.nodes.length).fill(-1);
      const levels = new LevelBuckets(members.length);
      members.forEach((n, k) => {
        pos[n] = k;
        if (this.level[n] >= 0) levels.insert(k, this.level[n]);
      });
      sel = { members, pos, levels };
      this.selectors.set(key, sel);
      this.selectorList.push(sel);
    }
    return sel;
  }
}
