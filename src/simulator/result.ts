/**
 * What the simulator returns: plain, JSON-serializable data in a deterministic order. Counts that can
 * exceed 2^53 (blocks and addresses of a pool, headroom) are decimal strings; counts bounded by the
 * simulated pods and blocks are numbers.
 */
import type { Cidr, IpFamily } from "../ip";
import type { EffectiveIpamConfiguration } from "../validation/ipam-configuration";
import type { EffectiveIpPool } from "../validation/ip-pool";
import type { Finding } from "../validation/finding";
import type { TimelineAction, TimelineStep } from "./timeline";
import type { CniConfig, NodeOs, Topology } from "./topology";
import type { IpamSnapshot } from "./snapshot";

/** Input of {@link simulateAllocation}. */
export interface SimulationInput {
  /** The cluster's IP pools, Calico's defaults applied (as {@link checkIpPool} produces them). */
  readonly pools: readonly EffectiveIpPool[];
  /**
   * The IPAM configuration.
   * @default - Calico's defaults: strictAffinity false, autoAllocateBlocks true, 20 blocks per host and family
   */
  readonly ipamConfiguration?: EffectiveIpamConfiguration;
  /** `IPReservation.spec.reservedCIDRs` of every reservation (addresses as /32 or /128). @default - none */
  readonly reservations?: readonly Cidr[];
  readonly topology: Topology;
  /** The Calico CNI plugin's `ipam` configuration. @default - assign IPv4 only, pools by selectors */
  readonly cni?: CniConfig;
  /**
   * A pool whose address or block utilization is above this fraction gets a warning.
   * @default 0.8
   */
  readonly utilizationThreshold?: number;
  /**
   * Whether the result lists every pod. Usage, findings and headroom are the same either way.
   * @default true
   */
  readonly includePods?: boolean;
  /**
   * Steps played after the declared cluster is up (day 2): churn, nodes, pools, IPAM settings, time.
   * With a timeline the result has `timeline`, one entry per step, and its top-level usage is the
   * state after the last step. @default - none: one-shot allocation
   */
  readonly timeline?: readonly TimelineStep[];
  /**
   * kube-controllers' `leakGracePeriod` in seconds: leaked addresses, and empty blocks of nodes with
   * another block, are released after it. @default 900
   */
  readonly leakGracePeriodSeconds?: number;
  /**
   * The IPAM state the run starts from instead of an empty cluster (plan from reality): blocks with
   * their allocations and FIFO `unallocated` lists, affinities, sequence numbers, and the cluster's
   * nodes (added to the topology's). Pods of the snapshot named `<workload>-<n>` in a declared
   * workload's namespace are that workload's pods (only the missing replicas are created); other pods
   * keep their addresses until their node is drained or removed; addresses of nodes not in the
   * cluster are leaked ones. `src/live` builds one from a dump (`snapshotFromDump`).
   * @default - an empty cluster
   */
  readonly initialState?: IpamSnapshot;
  /**
   * Whether the result carries the end state ({@link SimulationResult.endState}), to write as Calico
   * objects (`snapshotObjects` in `src/live`) or to seed another run with.
   * @default false
   */
  readonly keepEndState?: boolean;
}

/** Stable codes of the simulator's findings. A code never changes meaning. */
export type SimulationFindingCode =
  // errors: pods
  | "POD_UNSCHEDULABLE"
  | "POD_BLOCK_LIMIT"
  | "POD_POOLS_EXHAUSTED"
  | "POD_NEW_BLOCKS_DISABLED"
  | "POD_NO_MATCHING_POOL"
  | "POD_POOL_REQUEST_INVALID"
  | "POD_FIXED_ADDRESS_REJECTED"
  | "POD_WINDOWS_STRICT_AFFINITY"
  // errors: nodes, pools, configuration, topology
  | "TUNNEL_ADDRESS_FAILED"
  | "POOL_EXHAUSTED"
  | "WINDOWS_REQUIRES_STRICT_AFFINITY"
  | "TOPOLOGY_INVALID"
  | "TOPOLOGY_DUPLICATE_NODE"
  | "TOPOLOGY_DUPLICATE_NAMESPACE"
  | "TOPOLOGY_DUPLICATE_WORKLOAD"
  | "TOPOLOGY_NODE_NAME_INVALID"
  | "TOPOLOGY_TOO_LARGE"
  // warnings
  | "POOL_EXHAUSTED_SPILLOVER"
  | "BORROWED_ADDRESSES"
  | "POOL_UTILIZATION_HIGH"
  | "NODE_NO_POOL"
  | "POOL_SELECTS_NO_NODE"
  | "NAMESPACE_BINDING_NO_NODE"
  | "NAMESPACE_UNSERVABLE"
  | "NAMESPACE_UNDECLARED"
  | "MAX_BLOCKS_PER_HOST_DEFAULT"
  | "POOL_NOT_SIMULATED"
  // timeline
  | "TIMELINE_INVALID"
  | "TIMELINE_TOO_LONG"
  // initial state (a dump)
  | "INITIAL_STATE_INVALID";

/** One claimed block, as `calicoctl ipam show --show-blocks` would list it. */
export interface BlockUsage {
  readonly cidr: string;
  readonly pool: string;
  readonly family: IpFamily;
  /** The node the block is affine to. Always set in a simulation (no unaffine blocks); null is kept for reports of live state. */
  readonly owner: string | null;
  /** Addresses in the block. */
  readonly capacity: number;
  /** Addresses allocated to pods and tunnels (the owner's and borrowers'). */
  readonly inUse: number;
  /** Addresses reserved for a Windows owner (first 3 and last 1), 0 or 4. */
  readonly reserved: number;
  /** Addresses covered by IP reservations (never auto-assigned). */
  readonly ipReserved: number;
  /** Addresses auto-assign can still hand out. */
  readonly free: number;
  /** Addresses held by nodes other than the owner. */
  readonly borrowedBy: number;
  /** The borrowing nodes, natural name order. */
  readonly borrowers: readonly string[];
}

/** The `ipam` attribute type of a node's tunnel address, as Calico records it. */
export type TunnelType = "ipipTunnelAddress" | "vxlanTunnelAddress" | "vxlanV6TunnelAddress";

/** One pod and what it got. Pods are named `<workload>-<i>`. */
export interface PodAllocation {
  readonly name: string;
  readonly namespace: string;
  readonly workload: string;
  /** null when unschedulable. */
  readonly node: string | null;
  readonly ipv4: string | null;
  readonly ipv4Pool: string | null;
  /** True when the address is in another node's block. */
  readonly ipv4Borrowed: boolean;
  readonly ipv6: string | null;
  readonly ipv6Pool: string | null;
  readonly ipv6Borrowed: boolean;
  /** Calico's message when the pod got no address (or the scheduling problem); null on success. */
  readonly error: string | null;
  /** The finding code of the failure; null on success. */
  readonly errorCode: SimulationFindingCode | null;
}

/** Arithmetic headroom of a pool (no re-simulation). */
export interface PoolHeadroom {
  /** Blocks neither claimed nor wholly covered by IP reservations. */
  readonly freeBlocks: string;
  /** Blocks per node that owns blocks here, rounded up; null when no node owns one. */
  readonly blocksPerNode: number | null;
  /** More nodes like the current owners that fit: freeBlocks / blocksPerNode; null when unknown. */
  readonly moreNodes: string | null;
  /**
   * More pods that fit: free addresses in claimed blocks + free blocks × block size, minus IP
   * reservations in free blocks and, for pools only Windows nodes use, 4 per free block. Ignores the
   * per-host block limit.
   */
  readonly morePods: string;
}

/** Usage of one pool, as `calicoctl ipam show` would print it after the simulated allocation. */
export interface PoolUsage {
  readonly name: string;
  readonly cidr: string;
  readonly family: IpFamily;
  readonly blockSize: number;
  /** Whether IPAM allocates from it (enabled, not shadowed by an overlapping pool). */
  readonly allocatable: boolean;
  readonly blocksTotal: string;
  readonly blocksClaimed: number;
  readonly addressesTotal: string;
  /** Pod and tunnel addresses. */
  readonly addressesInUse: number;
  /** Windows-reserved addresses in claimed blocks. */
  readonly addressesWindowsReserved: number;
  /** Addresses covered by IP reservations. */
  readonly addressesIpReserved: string;
  /** Addresses of this pool held by nodes that do not own their block. */
  readonly borrowedAddresses: number;
  /** Nodes whose labels the pool's nodeSelector matches. */
  readonly nodesSelected: number;
  /** Nodes owning at least one block of the pool. */
  readonly nodesWithBlocks: number;
  /** (in use + Windows reserved) / total addresses, as calicoctl counts it; 0..1. */
  readonly utilization: number;
  /** Claimed blocks / total blocks; 0..1. Calico runs out of blocks before it runs out of addresses. */
  readonly blockUtilization: number;
  readonly headroom: PoolHeadroom;
}

/** One family's usage on a node. */
export interface NodeFamilyUsage {
  /** Pod and tunnel addresses the node holds. */
  readonly addresses: number;
  /** Blocks affine to the node. */
  readonly blocks: number;
  /** Of `addresses`, those in other nodes' blocks. */
  readonly borrowed: number;
}

/** A node's tunnel address. */
export interface TunnelAddress {
  readonly type: TunnelType;
  readonly address: string;
  readonly pool: string;
  readonly borrowed: boolean;
}

/** Usage of one node. */
export interface NodeUsage {
  readonly name: string;
  /** The group's `namePattern`, or the node's name. */
  readonly group: string;
  readonly os: NodeOs;
  readonly maxPods: number;
  /** Pods scheduled on the node. */
  readonly pods: number;
  /** Scheduled pods that got no address. */
  readonly podsFailed: number;
  readonly ipv4: NodeFamilyUsage;
  readonly ipv6: NodeFamilyUsage;
  /** CIDRs of the node's affine blocks, IPv4 first, ascending. */
  readonly blocks: readonly string[];
  readonly tunnelAddresses: readonly TunnelAddress[];
  readonly headroom: {
    /**
     * More pods the node takes before the first failure: limited by maxPods, by free addresses in its
     * blocks and by the blocks it may still claim (block limit, free blocks of its pool), per family it
     * serves. Assumes no other node grows.
     */
    readonly morePods: number;
  };
}

/** Usage of a node group (one `NodeGroupDeclaration`, or one single node). */
export interface NodeGroupUsage {
  readonly group: string;
  readonly nodes: number;
  readonly pods: number;
  readonly podsFailed: number;
  readonly headroom: {
    /** More nodes like these that fit in the pools they use; null when they own no block. */
    readonly moreNodes: string | null;
    /** More pods the group takes, spread over its nodes, before the first failure; assumes other groups do not grow. */
    readonly morePods: string;
  };
}

/** Totals. */
export interface SimulationSummary {
  readonly nodes: number;
  readonly workloads: number;
  /** Replicas declared. */
  readonly pods: number;
  readonly podsScheduled: number;
  readonly podsUnschedulable: number;
  /** Scheduled pods that got every address they asked for. */
  readonly podsAllocated: number;
  /** Scheduled pods that got no address. */
  readonly podsFailed: number;
  readonly blocksClaimed: number;
  readonly ipv4AddressesInUse: number;
  readonly ipv6AddressesInUse: number;
  readonly borrowedAddresses: number;
  readonly tunnelAddresses: number;
}

/** The state after one timeline step. */
export interface TimelineStepResult {
  /** Position in the timeline, from 0 (`timeline[index]`). */
  readonly index: number;
  readonly action: TimelineAction;
  /** The step in words, e.g. "drain node-2 (14 pods evicted)". */
  readonly description: string;
  /** Simulated seconds since the start, after the step. */
  readonly time: number;
  /** False when the step was refused (its error is among `findings`) and nothing changed. */
  readonly applied: boolean;
  readonly summary: SimulationSummary;
  readonly pools: readonly PoolUsage[];
  readonly nodeGroups: readonly NodeGroupUsage[];
  readonly blocks: readonly BlockUsage[];
  /** Findings of the state after the step (pods that failed during it included), sorted. */
  readonly findings: readonly Finding[];
}

/** The result of {@link simulateAllocation}. */
export interface SimulationResult {
  /** Claimed blocks: pools in name order, then ascending address. */
  readonly blocks: readonly BlockUsage[];
  /** The workloads simulated (valid declarations), declaration order; listed even when `includePods` is false. */
  readonly workloads: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  /** Every pod, workloads in declaration order, replicas in order (empty when `includePods` is false). */
  readonly pods: readonly PodAllocation[];
  /** Every pool, name order. */
  readonly pools: readonly PoolUsage[];
  /** Every node, natural name order. */
  readonly nodes: readonly NodeUsage[];
  /** Node groups in declaration order. */
  readonly nodeGroups: readonly NodeGroupUsage[];
  readonly summary: SimulationSummary;
  /**
   * Errors and warnings, sorted by path, code, message. With a timeline: those of the starting state,
   * then each finding a step brings that the state before it did not have, its message starting with
   * "After step N (action): ".
   */
  readonly findings: readonly Finding[];
  /** One entry per timeline step, in order; absent without a timeline. */
  readonly timeline?: readonly TimelineStepResult[];
  /** The IPAM state at the end (after the last step), with `keepEndState`. */
  readonly endState?: IpamSnapshot;
}
