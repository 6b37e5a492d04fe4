/**
 * Placement of pods on nodes (the kube-scheduler's part, not Calico's): each replica goes to the
 * eligible node (all labels of the workload's nodeSelector) with the fewest pods, ties to the first
 * node in natural name order; a node with `maxPods` pods takes no more.
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

  /** Indices (ascending: natural name order) of the nodes with every label of the selector. */
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
