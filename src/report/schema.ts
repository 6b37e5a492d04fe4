/**
 * The plan report: plain JSON data, versioned, documented field by field in `docs/plan-schema.md`.
 * Other tools read it (CI bots, dashboards, `calico-ipam diff`), so a field never changes meaning
 * within a schema version; new optional fields may appear, and readers ignore fields they do not know.
 *
 * Numbers that can exceed 2^53 (pool and block counts of IPv6 pools, headroom) are decimal strings;
 * counts bounded by the simulated pods and blocks are JSON numbers.
 */
import type { SimulationSummary } from "../simulator/result";
import type { Severity } from "../validation/finding";

/** `schema` of a plan report. */
export const PLAN_REPORT_SCHEMA = "cdktf-calico-ipam/plan";
/** The plan report schema version this library writes and reads. */
export const PLAN_REPORT_SCHEMA_VERSION = 2;

/** A decimal string of a non-negative integer, e.g. `"18446744073709551616"`. */
export type DecimalString = string;

/** One IP pool of the plan, with Calico's defaults applied. */
export interface ReportPool {
  readonly name: string;
  /** Canonical CIDR; the text as written when it does not parse; null when the pool got no range (carving failed). */
  readonly cidr: string | null;
  /** 4 or 6; null when the CIDR does not parse. */
  readonly family: 4 | 6 | null;
  /** null when unknown (CIDR unreadable and no blockSize written). */
  readonly blockSize: number | null;
  /** Blocks of the pool (decimal string; "0" when the pool is smaller than one block); null when unknown. */
  readonly blocksTotal: DecimalString | null;
  /** Addresses of the pool (decimal string); null when the CIDR does not parse. */
  readonly addressesTotal: DecimalString | null;
  readonly ipipMode: string;
  readonly vxlanMode: string;
  readonly natOutgoing: boolean;
  readonly disabled: boolean;
  readonly disableBGPExport: boolean;
  readonly nodeSelector: string;
  readonly namespaceSelector: string;
  readonly allowedUses: readonly string[];
  readonly assignmentMode: string;
  /** How the range was found: "pinned" (written by hand), "carved" (new), "ledger" (kept); null when not carved. */
  readonly source: "pinned" | "carved" | "ledger" | null;
  /** Why this range, in a sentence; null when not carved. */
  readonly explanation: string | null;
}

/** The IPAM configuration (`IPAMConfiguration`/`IPAMConfig` named `default`). */
export interface ReportIpamConfiguration {
  /** `IPAMConfiguration` (projectcalico.org/v3) or `IPAMConfig` (crd.projectcalico.org/v1). */
  readonly kind: string;
  readonly name: string;
  readonly strictAffinity: boolean | null;
  readonly autoAllocateBlocks: boolean | null;
  /** As written; 0 when unset. */
  readonly maxBlocksPerHost: number | null;
  /** What Calico enforces per host and IP family (0 becomes 20); null when the configuration is invalid. */
  readonly effectiveMaxBlocksPerHost: number | null;
  readonly kubeVirtVMAddressPersistence: string | null;
  /** Plain sentences explaining the configuration. */
  readonly notes: readonly string[];
}

/** One IPReservation. */
export interface ReportReservation {
  readonly name: string;
  /** `spec.reservedCIDRs` as emitted. */
  readonly reservedCidrs: readonly string[];
}

/** One namespace: its Calico annotations and the ranges its pods can get addresses from. */
export interface ReportNamespace {
  readonly name: string;
  /** Whether the plan creates the namespace (true) or only annotates an existing one (false). */
  readonly create: boolean;
  /** Calico annotations (`cni.projectcalico.org/ipv4pools`, `…/ipv6pools`), keys sorted. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The pools its pods draw from, name order. */
  readonly pools: readonly string[];
  /** The fewest CIDRs covering those pools, per family: the firewall source ranges. */
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  /** True when no other namespace can get addresses in these ranges. */
  readonly exclusive: boolean;
  /** Why the ranges are not exclusive, one sentence each. */
  readonly notes: readonly string[];
}

/** One fixed address of a workload. */
export interface ReportFixedAddress {
  readonly family: 4 | 6;
  readonly address: string;
  readonly pool: string;
  /** "given" (written in code), "picked" (new), "ledger" (picked before and kept). */
  readonly source: string;
}

/** One workload with fixed addresses or pod-level pools. */
export interface ReportWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly addresses: readonly ReportFixedAddress[];
  /** The annotations of its pod template, keys sorted. */
  readonly podAnnotations: Readonly<Record<string, string>>;
}

/**
 * Totals of a simulation: exactly the simulator's `SimulationSummary` (plain numbers), so the two can
 * never drift apart; a field added there appears in the report too (schema version 1 allows additions).
 */
export type ReportSimulationSummary = SimulationSummary;

/** Usage of one pool after the simulated allocation (same fields as the simulator's `PoolUsage`). */
export interface ReportPoolUsage {
  readonly name: string;
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly blockSize: number;
  readonly allocatable: boolean;
  readonly blocksTotal: DecimalString;
  readonly blocksClaimed: number;
  readonly addressesTotal: DecimalString;
  readonly addressesInUse: number;
  readonly addressesWindowsReserved: number;
  readonly addressesIpReserved: DecimalString;
  readonly borrowedAddresses: number;
  readonly nodesSelected: number;
  readonly nodesWithBlocks: number;
  /** (in use + Windows reserved) / total, as calicoctl counts it; 0..1. */
  readonly utilization: number;
  /** Claimed blocks / total blocks; 0..1. */
  readonly blockUtilization: number;
  readonly headroom: {
    readonly freeBlocks: DecimalString;
    readonly blocksPerNode: number | null;
    readonly moreNodes: DecimalString | null;
    readonly morePods: DecimalString;
  };
}

/** Usage of one node group (same fields as the simulator's `NodeGroupUsage`). */
export interface ReportNodeGroup {
  readonly group: string;
  readonly nodes: number;
  readonly pods: number;
  readonly podsFailed: number;
  readonly headroom: {
    readonly moreNodes: DecimalString | null;
    readonly morePods: DecimalString;
  };
}

/** Per-family usage of a node. */
export interface ReportNodeFamily {
  readonly addresses: number;
  readonly blocks: number;
  readonly borrowed: number;
}

/** A node's tunnel address. */
export interface ReportTunnelAddress {
  /** `ipipTunnelAddress`, `vxlanTunnelAddress` or `vxlanV6TunnelAddress`. */
  readonly type: string;
  readonly address: string;
  readonly pool: string;
  /** True when the address lies in another node's block. */
  readonly borrowed: boolean;
}

/** One node, compact: no block list (the blocks name their owner). */
export interface ReportNode {
  readonly name: string;
  readonly group: string;
  readonly os: string;
  readonly maxPods: number;
  readonly pods: number;
  readonly podsFailed: number;
  readonly ipv4: ReportNodeFamily;
  readonly ipv6: ReportNodeFamily;
  /** The node's tunnel addresses (IPIP, VXLAN), IPv4 first. */
  readonly tunnelAddresses: readonly ReportTunnelAddress[];
  readonly morePods: number;
}

/** One claimed block, compact (no family, no borrower list). */
export interface ReportBlock {
  readonly cidr: string;
  readonly pool: string;
  readonly owner: string | null;
  readonly capacity: number;
  readonly inUse: number;
  /** Windows-reserved addresses (0 or 4). */
  readonly reserved: number;
  /** Addresses covered by IP reservations. */
  readonly ipReserved: number;
  readonly free: number;
  readonly borrowedBy: number;
}

/** What the simulated allocation found. */
export interface ReportSimulation {
  readonly summary: ReportSimulationSummary;
  /** Name order. */
  readonly pools: readonly ReportPoolUsage[];
  /** Declaration order. */
  readonly nodeGroups: readonly ReportNodeGroup[];
  /** Natural name order. */
  readonly nodes: readonly ReportNode[];
  /** Pools in name order, then ascending address. */
  readonly blocks: readonly ReportBlock[];
  /**
   * Day 2 (schema version 2): the state after each timeline step, in order; absent when no timeline was
   * played. The fields above are then the state after the last step.
   */
  readonly timeline?: readonly ReportTimelineStep[];
}

/** The state after one timeline step (schema version 2). */
export interface ReportTimelineStep {
  /** Position in the timeline, from 0. */
  readonly index: number;
  /** The action: scale, rollingRestart, deletePods, addNodes, removeNodes, drainNodes, uncordonNodes, relabelNode, addPool, disablePool, enablePool, deletePool, updatePool, ipamConfiguration, wait. */
  readonly action: string;
  /** The step in words. */
  readonly description: string;
  /** Simulated seconds since the start, after the step. */
  readonly time: number;
  /** False when the step was refused (its error is among `findings`). */
  readonly applied: boolean;
  readonly summary: ReportSimulationSummary;
  readonly pools: readonly ReportPoolUsage[];
  readonly nodeGroups: readonly ReportNodeGroup[];
  readonly blocks: readonly ReportBlock[];
  /** Findings of the state after the step, sorted by path, code, message. */
  readonly findings: ReadonlyArray<{ readonly severity: Severity; readonly code: string; readonly path: string; readonly message: string }>;
}

/** One family's cluster CIDR in host-local mode, cut into node ranges. */
export interface ReportHostLocalFamilyCapacity {
  /** Node ranges the cluster CIDR holds: 2^(node mask − cluster prefix). Decimal string. */
  readonly nodeCidrs: DecimalString;
  /** Node ranges held by the plan's nodes. */
  readonly used: number;
  /** Node ranges still free for new nodes (ranges skipped for the Service CIDR are not free). Decimal string. */
  readonly free: DecimalString;
}

/** One node of a host-local plan: its podCIDRs and, when pods were counted, its utilization and headroom. */
export interface ReportHostLocalNode {
  /** The Kubernetes node name. */
  readonly name: string;
  /** `Node.spec.podCIDRs`, in cluster CIDR order, canonical text. */
  readonly podCidrs: readonly string[];
  /** "allocated" (predicted by this plan) or "recorded" (kept from the ledger). */
  readonly source: "allocated" | "recorded";
  /** The kubelet's `maxPods`. */
  readonly maxPods: number;
  /** Pod addresses host-local can hand out per family (network, gateway and IPv4 broadcast taken out); null when the node has no range of that family. */
  readonly usable: { readonly ipv4: number | null; readonly ipv6: DecimalString | null };
  /** Pods the node can run: the smallest of maxPods and each family's usable addresses. */
  readonly capacity: number;
  /** Pods with a pod-network address on the node; null when no pod count was given. */
  readonly pods: number | null;
  /** pods / capacity, rounded to 9 decimals; above 1 when over; null when no pod count was given. */
  readonly utilization: number | null;
  /** More pods the node takes: capacity − pods, never below 0; null when no pod count was given. */
  readonly morePods: number | null;
}

/** Host-local IPAM: every node gets one static podCIDR per family from the cluster CIDR (kube-controller-manager's node IPAM). */
export interface ReportHostLocal {
  /** `--cluster-cidr`, one per family, in flag order (the order of every node's podCIDRs); canonical text. */
  readonly clusterCidrs: readonly string[];
  /** The prefix length of each node range per family (`--node-cidr-mask-size…`); null for a family with no cluster CIDR. */
  readonly nodeMaskSizes: { readonly ipv4: number | null; readonly ipv6: number | null };
  /** Per family: node ranges of the cluster CIDR, used and free; null for a family not in use. */
  readonly capacity: { readonly ipv4: ReportHostLocalFamilyCapacity | null; readonly ipv6: ReportHostLocalFamilyCapacity | null };
  /** The nodes that hold ranges, in natural name order. */
  readonly nodes: readonly ReportHostLocalNode[];
  /** Nodes that can still join. */
  readonly headroom: {
    /** Nodes that can still join: the fewest free node ranges of any family in use (a dual-stack node needs one of each). Decimal string. */
    readonly nodesLeft: DecimalString;
    /** Free node ranges of the IPv4 cluster CIDR; null when there is none. */
    readonly ipv4: DecimalString | null;
    /** Free node ranges of the IPv6 cluster CIDR; null when there is none. */
    readonly ipv6: DecimalString | null;
  };
  /** The CNI `ipam` section, e.g. `{"type":"host-local","ranges":[[{"subnet":"usePodCidr"}]]}`. */
  readonly cniIpam: { readonly type: string; readonly ranges: ReadonlyArray<ReadonlyArray<{ readonly subnet: string }>> };
  /** kube-controller-manager flags, in the order to pass them. */
  readonly kubeControllerManagerFlags: readonly string[];
}

/**
 * The ranges around the pools, for the address map (`plan.html`, `plan.svg`): what was declared next
 * to the pools and what the ledger still holds. Present when there is at least one.
 */
/** The fleet section of a plan report: every cluster that shares the address plan. */
export interface ReportFleet {
  /** The cluster this report is about. */
  readonly cluster: string;
  /** Every cluster of the fleet, by name. */
  readonly clusters: readonly ReportFleetCluster[];
  /** The fleet's sub-spaces, by name; absent when the fleet has none. */
  readonly subSpaces?: readonly ReportFleetSubSpace[];
}

/** A sub-space of a fleet's address plan: a range of one of its spaces for some of its clusters. */
export interface ReportFleetSubSpace {
  /** The sub-space name. */
  readonly name: string;
  /** The fleet address space it is carved from. */
  readonly addressSpace: string;
  /** Its range. */
  readonly cidr: string;
  /** The clusters that draw from it, by name. */
  readonly clusters: readonly string[];
}

/** One cluster of a fleet: its ranges, utilization and headroom. */
export interface ReportFleetCluster {
  /** The stable cluster name. */
  readonly name: string;
  /** Its pools with a range, by name. */
  readonly pools: ReadonlyArray<{ readonly name: string; readonly cidr: string }>;
  /** Addresses in its IPv4 pools. */
  readonly ipv4Addresses: DecimalString;
  /** Addresses in its IPv6 pools. */
  readonly ipv6Addresses: DecimalString;
  /** Addresses in use in the simulated allocation; null when its allocation was not simulated. */
  readonly addressesInUse: number | null;
  /** The highest utilization of one of its pools (0..1); null when not simulated. */
  readonly utilization: number | null;
  /** Blocks still free in its pools; null when not simulated. */
  readonly freeBlocks: DecimalString | null;
  /** Clusters it never routes to, whose ranges it may reuse, by name. */
  readonly isolatedFrom: readonly string[];
  /** Its ranges that overlap an isolated cluster's, by pool then cluster. */
  readonly reuses: ReadonlyArray<{ readonly pool: string; readonly cidr: string; readonly cluster: string; readonly otherPool: string; readonly otherCidr: string }>;
  /**
   * The Service CIDRs (`service`) and node networks (`node`) it draws from the fleet's address plan, in
   * the order it asks for them, each with the address space it is drawn from; absent when it draws none.
   */
  readonly drawnRanges?: ReadonlyArray<{ readonly kind: "service" | "node"; readonly cidr: string; readonly addressSpace: string }>;
  /**
   * The drawn ranges its ledger section keeps as `draining`: no longer asked for, still reserved (kept clear
   * of every carve) until released (`calico-ipam ledger release --cluster NAME <key>`), by key; absent when
   * none. Reports written before this field never list them (a diff against one tells nothing about them).
   */
  readonly drainingDrawnRanges?: ReadonlyArray<{ readonly key: string; readonly kind: "service" | "node"; readonly cidr: string }>;
}

export interface ReportRanges {
  /** Parent ranges pools are carved from, declaration order. */
  readonly addressSpaces: readonly { readonly name: string; readonly cidr: string }[];
  /** Ranges no pool may use: the cluster's Service CIDRs (`service`), node networks (`node`), other reserved ranges (`reserved`); declaration order. */
  readonly excluded: readonly { readonly cidr: string; readonly kind: "service" | "node" | "reserved"; readonly reason: string }[];
  /** Pools removed from code whose ranges the ledger keeps (status `retired`) until they are released; name order. */
  readonly retired: readonly { readonly name: string; readonly cidr: string; readonly blockSize: number }[];
}

/** One finding of the plan or of the simulation. */
export interface ReportFinding {
  readonly severity: Severity;
  readonly code: string;
  /** The object: `plan`, `IPPool/<name>`, `IPAMConfiguration/default`, `IPReservation/<name>`, `Namespace/<name>`, `Workload/<ns>/<name>` (plan), `Workload/<name>` (simulation), `Node/<name>` (simulation and host-local). */
  readonly subject: string;
  /** Where: relative to the object for plan findings, into the simulation input for simulation findings. */
  readonly path: string;
  readonly message: string;
  /** "plan" (validation, carving, bindings, the host-local plan) or "simulation" (the allocation harness, host-local usage). */
  readonly source: "plan" | "simulation";
  /** Present when the finding was accepted: it is reported but no longer counts as an error or warning. */
  readonly accepted?: { readonly reason: string };
}

/** Counts of findings. Accepted findings count only as accepted. */
export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly accepted: number;
}

/** The plan report (schema `cdktf-calico-ipam/plan`, version 1). */
export interface PlanReport {
  readonly schema: typeof PLAN_REPORT_SCHEMA;
  /** 1 or 2 (2 adds `simulation.timeline`); a report of version 1 reads as one without a timeline. */
  readonly schemaVersion: 1 | typeof PLAN_REPORT_SCHEMA_VERSION;
  /** The tool that wrote the report, e.g. `cdktf-calico-ipam 0.1.0`; absent when not given. */
  readonly generatedBy?: string;
  /** The API group/version of the emitted Calico objects. */
  readonly apiVersion: string;
  /** Name order. */
  readonly pools: readonly ReportPool[];
  readonly ipamConfiguration?: ReportIpamConfiguration;
  /** Name order. */
  readonly reservations: readonly ReportReservation[];
  /** Name order. */
  readonly namespaces: readonly ReportNamespace[];
  /** Namespace then name order. */
  readonly workloads: readonly ReportWorkload[];
  /** Absent when no allocation was simulated. */
  readonly simulation?: ReportSimulation;
  /** Host-local IPAM mode: node podCIDRs, per-node utilization and cluster headroom. Absent in Calico IPAM mode. */
  readonly hostLocal?: ReportHostLocal;
  /** Address spaces, excluded and retired ranges; absent when the plan has none. */
  readonly ranges?: ReportRanges;
  /** The fleet the cluster belongs to (clusters sharing one address plan); absent for a cluster planned alone. */
  readonly fleet?: ReportFleet;
  /** Pool migrations at their current phase, with the runbook of that phase (declaration order); absent when none is declared. */
  readonly migrations?: readonly ReportMigration[];
  /** Sorted by severity (errors first), subject, code, path, message. */
  readonly findings: readonly ReportFinding[];
  readonly summary: ReportSummary;
}

/** A finding the team accepted on purpose: reported with its reason, and not counted as an error or warning. */
export interface AcceptedFinding {
  /** The finding code, e.g. `MAX_BLOCKS_PER_HOST_DEFAULT`. */
  readonly code: string;
  /** The subject, e.g. `IPPool/rack-a`. @default - every finding with this code */
  readonly subject?: string;
  /** Why it is fine: shown in every report. Must not be empty. */
  readonly reason: string;
}

/** What an apply of a migration's current phase does, the manual step after it, how to check it, and what comes next. */
export interface ReportRunbook {
  /** What `terraform apply` (or `kubectl apply -f calico-ipam.yaml`) changes in this phase. */
  readonly apply: readonly string[];
  /** The manual step after the apply: exact commands (`#` lines are notes); empty when there is none. */
  readonly manual: readonly string[];
  /** Commands that show whether the step is done. */
  readonly verify: readonly string[];
  /** What they must show before the phase is raised. */
  readonly expected: string;
  /** The next phase and what it does; null after the last. */
  readonly next: string | null;
  /** Calico's documented procedure. */
  readonly doc: string;
}

/** One phase of a migration played by the harness on the declared topology. */
export interface ReportMigrationCheck {
  readonly phase: number;
  /** Pods without an address after the phase and its manual step. */
  readonly podsFailed: number;
  /** Addresses still allocated in the pool the phase disables or deletes. */
  readonly addressesLeft: number;
  /** That pool's blocks still in the datastore after the phase. */
  readonly blocksLeft: readonly string[];
  /** Tunnel addresses of the nodes after the phase. */
  readonly tunnelAddresses: number;
}

/** A pool migration in the report. */
export interface ReportMigration {
  readonly name: string;
  /** `migratePool`, `changeBlockSize` or `changeCidr`. */
  readonly kind: string;
  /** The pool the pods leave, or the pool that changes. */
  readonly pool: string;
  readonly to?: string;
  readonly temporaryPool?: string;
  /** The phase this plan emits, from 1. */
  readonly phase: number;
  /** The phase the ledger recorded before (0: the migration starts now). */
  readonly recordedPhase: number;
  /** The phases' names, in order. */
  readonly phases: readonly string[];
  /** The current phase's runbook; absent when the migration has an error (it is among the findings). */
  readonly runbook?: ReportRunbook;
  /** Each phase played by the harness (empty without a topology). */
  readonly checks: readonly ReportMigrationCheck[];
}
