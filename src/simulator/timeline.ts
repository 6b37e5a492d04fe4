/**
 * Day 2: an ordered list of steps the harness plays after the declared cluster is up — pods churn,
 * nodes come and go, pools change, time passes — each step yielding its findings and the state after
 * it. Plain, serializable data, as a spec file's `timeline` or a construct's harness prop writes it.
 * Each step is an object with exactly one key, the action.
 */
import type { EffectiveIpPool } from "../validation/ip-pool";
import type { NodeEntry } from "./topology";

/** Names a workload; `namespace` may be left out when the name is unique among the workloads. */
export interface WorkloadRef {
  readonly workload: string;
  readonly namespace?: string;
}

/** Scale a workload to `replicas`: new pods are scheduled and get addresses; the newest pods go first. */
export interface ScaleStep {
  readonly scale: WorkloadRef & { readonly replicas: number };
}

/**
 * A Deployment's rolling restart: every pod is replaced by a new one, `maxSurge` new pods above the
 * replica count and `maxUnavailable` pods below it at a time (Kubernetes' rounding: surge up,
 * unavailability down). Old pods go oldest first.
 */
export interface RollingRestartStep {
  readonly rollingRestart: WorkloadRef & {
    /** A number or a percentage of replicas such as "25%". @default "25%" */
    readonly maxSurge?: number | string;
    /** @default "25%" */
    readonly maxUnavailable?: number | string;
  };
}

/** Delete `count` pods of a workload, oldest first. */
export interface DeletePodsStep {
  readonly deletePods: WorkloadRef & {
    readonly count: number;
    /** The workload's controller creates replacements (a Deployment does). @default true */
    readonly recreate?: boolean;
    /**
     * The CNI DEL never ran, so IPAM keeps the addresses until kube-controllers' garbage collector
     * releases them after the leak grace period. @default false
     */
    readonly leak?: boolean;
  };
}

/** New nodes (no blocks yet); they get tunnel addresses and take pods as the scheduler places them. */
export interface AddNodesStep {
  readonly addNodes: readonly NodeEntry[];
}

/** Delete nodes: their pods are recreated elsewhere, their addresses released, their affinities released. */
export interface RemoveNodesStep {
  readonly removeNodes: readonly string[];
}

/** `kubectl drain`: cordon the nodes and evict their pods, which are recreated elsewhere. Blocks stay affine. */
export interface DrainNodesStep {
  readonly drainNodes: readonly string[];
}

/** `kubectl uncordon`: the nodes take pods again. */
export interface UncordonNodesStep {
  readonly uncordonNodes: readonly string[];
}

/** Set (a string) or remove (null) labels of a node. */
export interface RelabelNodeStep {
  readonly relabelNode: { readonly name: string; readonly labels: Readonly<Record<string, string | null>> };
}

/** Create an IP pool (Calico's defaults applied). */
export interface AddPoolStep {
  readonly addPool: EffectiveIpPool;
  /** Set by a caller that could not build the pool (e.g. the harness, on an invalid declaration): the step is refused with this message. */
  readonly rejected?: string;
}

/** Set a pool's `disabled: true`: no new allocations, existing ones stay. */
export interface DisablePoolStep {
  readonly disablePool: string;
}

/** Set a pool's `disabled: false`. */
export interface EnablePoolStep {
  readonly enablePool: string;
}

/**
 * Delete a pool as calicoctl does: disable it, release every block's affinity (empty blocks are
 * deleted, the others stay until their last address is released), delete it.
 */
export interface DeletePoolStep {
  readonly deletePool: string;
}

/** Change a pool's selectors. `cidr` and `blockSize` cannot change (Calico forbids it). */
export interface UpdatePoolStep {
  readonly updatePool: {
    readonly name: string;
    readonly nodeSelector?: string;
    readonly namespaceSelector?: string;
    /** Refused: a pool's CIDR is immutable. */
    readonly cidr?: string;
    /** Refused: a pool's block size is immutable. */
    readonly blockSize?: number;
  };
}

/** Change the IPAM configuration. */
export interface IpamConfigurationStep {
  readonly ipamConfiguration: {
    readonly strictAffinity?: boolean;
    readonly autoAllocateBlocks?: boolean;
    /** 0 means Calico's default of 20. */
    readonly maxBlocksPerHost?: number;
  };
}

/**
 * Let time pass: Calico's timers run (reclaim of other hosts' empty blocks after 60 s, kube-controllers'
 * garbage collection of leaked addresses and of empty blocks after the leak grace period), and pods
 * that failed to get an address are retried, as kubelet retries them. Only this step moves the clock,
 * so only this step runs the garbage collector and retries failed pods: after a step that frees
 * addresses, add a short wait to let the failed pods get them.
 */
export interface WaitStep {
  readonly wait: { readonly seconds: number };
}

/** One step of a timeline. */
export type TimelineStep =
  | ScaleStep
  | RollingRestartStep
  | DeletePodsStep
  | AddNodesStep
  | RemoveNodesStep
  | DrainNodesStep
  | UncordonNodesStep
  | RelabelNodeStep
  | AddPoolStep
  | DisablePoolStep
  | EnablePoolStep
  | DeletePoolStep
  | UpdatePoolStep
  | IpamConfigurationStep
  | WaitStep;

/** The action names, in the order the docs list them. */
export const TIMELINE_ACTIONS = [
  "scale",
  "rollingRestart",
  "deletePods",
  "addNodes",
  "removeNodes",
  "drainNodes",
  "uncordonNodes",
  "relabelNode",
  "addPool",
  "disablePool",
  "enablePool",
  "deletePool",
  "updatePool",
  "ipamConfiguration",
  "wait",
] as const;

/** One of {@link TIMELINE_ACTIONS}. */
export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/** A timeline longer than this is refused. */
export const MAX_TIMELINE_STEPS = 10_000;
/** Pod creations and deletions over a whole timeline past this are refused (the run stops there). */
export const MAX_TIMELINE_POD_OPERATIONS = 10_000_000;
/**
 * Nodes one run may know, past which an `addNodes` step is refused (the run stops there): the declared
 * nodes and every node added, removed ones included (the harness keeps each node's state for the
 * run). Ten times `MAX_NODES`, which bounds the nodes in the cluster at any step.
 */
export const MAX_TIMELINE_NODES = 1_000_000;

/** The action of a step: its one key. */
export function stepAction(step: TimelineStep): TimelineAction {
  return Object.keys(step)[0] as TimelineAction;
}
