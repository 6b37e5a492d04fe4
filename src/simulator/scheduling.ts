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

/**
 * One indexed min-heap of nodes: `heap` holds node indices, `keys` their ranks slot by slot (so a sift
 * compares without a lookup), `pos` each node's slot (-1: not in it).
 */
interface NodeHeap {
  heap: Int32Array;
  keys: Float64Array;
  size: number;
  pos: Int32Array;
}

/**
 * The scheduler of a timeline: the same rule as {@link placeReplicas} (fewest pods, ties to the lower
 * node index) kept across many single-pod placements and removals. One indexed min-heap per node
 * selector, built on first use; a pod count change sifts the node in every heap, O(log nodes).
 * Cordoned and deleted nodes are never eligible; call {@link Scheduler.reset} when nodes or labels change.
 */
export class Scheduler {
  private heaps = new Map<string, NodeHeap>();
  /** The heaps of {@link heaps} as a list: every pod count change visits each (no iterator per change). */
  private heapList: NodeHeap[] = [];
  private readonly keys = new WeakMap<object, string>();
  private eligible: EligibleNodes;
  /**
   * Each node's heap key: (pods, or 2^30 when full) × 2^22 + index, so one number comparison orders
   * nodes with room first, then fewer pods, then lower index. Exact in a double (below 2^53).
   */
  private rank: Float64Array;

  constructor(private readonly nodes: NodeState[]) {
    this.eligible = new EligibleNodes(nodes);
    this.rank = this.ranks();
  }

  /** Forgets every heap (nodes added, removed, cordoned or relabelled). */
  reset(): void {
    this.heaps.clear();
    this.heapList = [];
    this.eligible = new EligibleNodes(this.nodes);
    this.rank = this.ranks();
  }

  /** Eligible nodes of a selector, now. */
  eligibleCount(selector: Readonly<Record<string, string>>): number {
    return this.eligible.of(selector).filter((i) => !this.nodes[i].deleted && !this.nodes[i].cordoned).length;
  }

  /** Places one pod: the node index (its pod count raised), or -1 when no eligible node has room. */
  place(selector: Readonly<Record<string, string>>): number {
    const h = this.heapFor(selector);
    if (h.size === 0) return -1;
    const top = h.heap[0];
    const node = this.nodes[top];
    if (node.pods >= node.maxPods) return -1;
    node.pods++;
    this.changed(top);
    return top;
  }

  /** A pod left the node (its pod count already lowered). */
  removed(index: number): void {
    this.changed(index);
  }

  private ranks(): Float64Array {
    const rank = new Float64Array(this.nodes.length);
    for (let i = 0; i < rank.length; i++) rank[i] = this.rankOf(i);
    return rank;
  }

  private rankOf(index: number): number {
    const n = this.nodes[index];
    return (n.pods >= n.maxPods ? 2 ** 30 : n.pods) * 2 ** 22 + index;
  }

  private changed(index: number): void {
    const before = this.rank[index];
    const after = this.rankOf(index);
    this.rank[index] = after;
    const heaps = this.heapList;
    for (let j = 0; j < heaps.length; j++) {
      const h = heaps[j];
      const k = h.pos[index];
      if (k < 0) continue;
      h.keys[k] = after;
      if (after < before) this.up(h, k);
      else this.down(h, k);
    }
  }

  private heapFor(selector: Readonly<Record<string, string>>): NodeHeap {
    // A workload passes the same selector object pod after pod: its key is computed once.
    let key = this.keys.get(selector);
    if (key === undefined) {
      key = JSON.stringify(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.keys.set(selector, key);
    }
    let h = this.heaps.get(key);
    if (!h) {
      const members = this.eligible.of(selector).filter((i) => !this.nodes[i].deleted && !this.nodes[i].cordoned);
      const heap = Int32Array.from(members);
      const keys = Float64Array.from(members, (i) => this.rank[i]);
      const pos = new Int32Array(this.nodes.length).fill(-1);
      members.forEach((n, k) => (pos[n] = k));
      h = { heap, keys, size: heap.length, pos };
      for (let k = (heap.length >>> 1) - 1; k >= 0; k--) this.down(h, k);
      this.heaps.set(key, h);
      this.heapList.push(h);
    }
    return h;
  }

  private up(h: NodeHeap, k: number): void {
    const { heap, keys, pos } = h;
    const item = heap[k];
    const r = keys[k];
    while (k > 0) {
      const parent = (k - 1) >>> 1;
      const pr = keys[parent];
      if (pr <= r) break;
      const p = heap[parent];
      heap[k] = p;
      keys[k] = pr;
      pos[p] = k;
      k = parent;
    }
    heap[k] = item;
    keys[k] = r;
    pos[item] = k;
  }

  private down(h: NodeHeap, k: number): void {
    const { heap, keys, pos, size } = h;
    const item = heap[k];
    const r = keys[k];
    for (;;) {
      const l = 2 * k + 1;
      if (l >= size) break;
      const right = l + 1;
      let m = l;
      let mr = keys[l];
      if (right < size && keys[right] < mr) {
        m = right;
        mr = keys[right];
      }
      if (mr >= r) break;
      const child = heap[m];
      heap[k] = child;
      keys[k] = mr;
      pos[child] = k;
      k = m;
    }
    heap[k] = item;
    keys[k] = r;
    pos[item] = k;
  }
}
