import { Cidr } from "../ip";
import { compareNaturally } from "../simulator/topology";
import { Finding, error, sortFindings, warning } from "../validation/finding";
import { hostLocalUsableAddresses } from "./node-range";
import type { HostLocalFamilyCapacity, HostLocalPlan } from "./plan";

/** The utilization above which {@link hostLocalUsage} warns, unless told otherwise. */
export const DEFAULT_HOST_LOCAL_UTILIZATION_THRESHOLD = 0.8;

/** One node's pods against what its range and its kubelet allow. */
export interface HostLocalNodeUsage {
  /** The node name. */
  readonly name: string;
  /** Pods with a pod-network address on the node (host-network pods take none). */
  readonly pods: number;
  /** The kubelet's `maxPods`. */
  readonly maxPods: number;
  /** Pod addresses of each range (network, gateway and IPv4 broadcast taken out); IPv6 as a decimal string. */
  readonly usable: { readonly ipv4?: number; readonly ipv6?: string };
  /** Pods the node can run: the smallest of maxPods and each family's usable addresses. */
  readonly capacity: number;
  /** `capacity - pods`, never below 0. */
  readonly podsLeft: number;
  /** `pods / capacity`; above 1 when over; for a capacity of 0, 0 without pods and 1 with (always finite, for JSON). */
  readonly utilization: number;
}

/** The cluster-wide headroom of a host-local plan. */
export interface HostLocalClusterHeadroom {
  /** Node ranges of each family's cluster CIDR (see {@link HostLocalFamilyCapacity}). */
  readonly ipv4?: HostLocalFamilyCapacity;
  /** Node ranges of the IPv6 cluster CIDR. */
  readonly ipv6?: HostLocalFamilyCapacity;
  /** Nodes that can still join: the fewest free node ranges of any family (a dual-stack node needs one of each). Decimal string. */
  readonly nodesLeft: string;
}

/** The result of {@link hostLocalUsage}. */
export interface HostLocalUsage {
  /** Every node of the plan, in natural name order. */
  readonly nodes: readonly HostLocalNodeUsage[];
  /** Node ranges left in the cluster CIDRs. */
  readonly cluster: HostLocalClusterHeadroom;
  /** Errors (pods over the node's addresses or maxPods, range too small, unknown nodes) and warnings (utilization, exhaustion). */
  readonly findings: readonly Finding[];
}

/**
 * Per-node utilization and headroom for the harness in host-local mode: pods per node against the
 * node range's usable addresses and maxPods, nodes left in the cluster CIDR, pods left per node.
 *
 * Findings:
 * - `HOSTLOCAL_NODE_RANGE_TOO_SMALL` (error): the range holds fewer addresses than maxPods;
 * - `HOSTLOCAL_NODE_ADDRESSES_EXHAUSTED` (error): more pods than the range's addresses;
 * - `HOSTLOCAL_NODE_OVER_MAX_PODS` (error): more pods than maxPods (the kubelet refuses them);
 * - `HOSTLOCAL_NODE_UTILIZATION` (warning): pods/capacity at or above the threshold;
 * - `HOSTLOCAL_CLUSTER_CIDR_FULL` (warning): no node can join any more;
 * - `HOSTLOCAL_USAGE_UNKNOWN_NODE`, `HOSTLOCAL_USAGE_INVALID` (error): a count for a node the plan does
 *   not hold, or a count that is not a whole number of 0 or more.
 *
 * @param podsPerNode pods with a pod-network address, by node name; a node not in the map runs none
 * @param threshold utilization (0 to 1] at which to warn
 * @default threshold - 0.8
 */
export function hostLocalUsage(plan: HostLocalPlan, podsPerNode: ReadonlyMap<string, number>, threshold: number = DEFAULT_HOST_LOCAL_UTILIZATION_THRESHOLD): HostLocalUsage {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be above 0 and at most 1, got ${threshold}`);
  const findings: Finding[] = [];
  const known = new Set(plan.nodes.map((n) => n.name));
  for (const name of [...podsPerNode.keys()].sort(compareNaturally)) {
    if (!known.has(name)) {
      findings.push(error("HOSTLOCAL_USAGE_UNKNOWN_NODE", `nodes.${name}`, `pods are counted on node "${name}", which holds no range in the plan (not declared, or it got no podCIDR): its pods cannot get addresses`));
    }
  }
  const nodes: HostLocalNodeUsage[] = [];
  for (const node of plan.nodes) {
    const path = `nodes.${node.name}`;
    const raw = podsPerNode.get(node.name) ?? 0;
    let pods = raw;
    if (!Number.isSafeInteger(raw) || raw < 0) {
      findings.push(error("HOSTLOCAL_USAGE_INVALID", path, `the pod count of node "${node.name}" must be a whole number of 0 or more, got ${String(raw)}`));
      pods = 0;
    }
    let capacity = BigInt(node.maxPods);
    let addresses: bigint | undefined;
    for (const text of node.podCidrs) {
      const usable = hostLocalUsableAddresses(Cidr.parse(text));
      if (addresses === undefined || usable < addresses) addresses = usable;
      if (usable < capacity) capacity = usable;
    }
    const cap = Number(capacity);
    const utilization = cap === 0 ? (pods === 0 ? 0 : 1) : pods / cap;
    nodes.push({ name: node.name, pods, maxPods: node.maxPods, usable: node.usable, capacity: cap, podsLeft: Math.max(0, cap - pods), utilization });

    if (addresses !== undefined && addresses < BigInt(node.maxPods)) {
      findings.push(
        error(
          "HOSTLOCAL_NODE_RANGE_TOO_SMALL",
          path,
          `node "${node.name}": its range ${node.podCidrs.join(", ")} holds ${addresses} pod addresses (network, gateway and broadcast taken out), fewer than its maxPods ${node.maxPods}; pods past ${addresses} fail with "no IP addresses available in range set". Use a shorter node mask or lower maxPods`,
        ),
      );
    }
    if (addresses !== undefined && BigInt(pods) > addresses) {
      findings.push(error("HOSTLOCAL_NODE_ADDRESSES_EXHAUSTED", path, `node "${node.name}" runs ${pods} pods, but its range ${node.podCidrs.join(", ")} holds ${addresses} addresses: ${BigInt(pods) - addresses} pods cannot start ("no IP addresses available in range set"). Spread them over more nodes`));
    } else if (pods > node.maxPods) {
      findings.push(error("HOSTLOCAL_NODE_OVER_MAX_PODS", path, `node "${node.name}" runs ${pods} pods, above its maxPods ${node.maxPods}: the kubelet rejects ${pods - node.maxPods} of them. Spread them over more nodes`));
    } else if (cap > 0 && utilization >= threshold) {
      findings.push(
        warning(
          "HOSTLOCAL_NODE_UTILIZATION",
          path,
          `node "${node.name}" runs ${pods} of the ${cap} pods it can take (${percent(utilization)}, threshold ${percent(threshold)}); ${cap - pods} left. Add nodes before it fills: a node's range never grows`,
        ),
      );
    }
  }

  let nodesLeft: bigint | undefined;
  for (const [key, family] of [["ipv4", 4], ["ipv6", 6]] as const) {
    const c = plan.capacity[key];
    if (!c) continue;
    const free = BigInt(c.free);
    if (nodesLeft === undefined || free < nodesLeft) nodesLeft = free;
    if (free === 0n) {
      findings.push(
        warning(
          "HOSTLOCAL_CLUSTER_CIDR_FULL",
          "clusterCidrs",
          `the IPv${family} cluster CIDR has no free node range left (${c.used} of ${c.nodeCidrs} held by nodes): the next node that joins gets no podCIDR and cannot run pods. Plan a larger cluster CIDR before adding nodes`,
        ),
      );
    }
  }
  return {
    nodes,
    cluster: { ...(plan.capacity.ipv4 ? { ipv4: plan.capacity.ipv4 } : {}), ...(plan.capacity.ipv6 ? { ipv6: plan.capacity.ipv6 } : {}), nodesLeft: String(nodesLeft ?? 0n) },
    findings: sortFindings(findings),
  };
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
