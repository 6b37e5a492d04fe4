/**
 * What a cluster's Calico IPAM holds, as read from a dump (`kubectl get … -o yaml|json`): the objects
 * Calico stores, decoded once into plain data the checks and reports share.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
import type { Cidr, IpFamily } from "../ip";
import type { Severity } from "../validation/finding";

/** Where an object was read: the file and its position in it. */
export interface DumpSource {
  readonly file: string;
  /** 1-based document of the file. */
  readonly document: number;
  /** 0-based index in the document's `List`; absent when the object is a document of its own. */
  readonly item?: number;
  /** The object's apiVersion, e.g. `crd.projectcalico.org/v1`. */
  readonly apiVersion: string;
}

/** One IP pool, with Calico's defaults applied as clientv3 does on read. */
export interface LivePool {
  readonly name: string;
  /** The CIDR as written. */
  readonly cidrText: string;
  /** null when the CIDR does not parse (reported as a finding). */
  readonly cidr: Cidr | null;
  readonly family: IpFamily | null;
  readonly blockSize: number;
  readonly ipipMode: string;
  readonly vxlanMode: string;
  readonly natOutgoing: boolean;
  readonly disabled: boolean;
  readonly disableBGPExport: boolean;
  readonly nodeSelector: string;
  readonly namespaceSelector: string;
  readonly allowedUses: readonly string[];
  readonly assignmentMode: string;
  readonly source: DumpSource;
}

/** One allocation attribute of a block: the handle and the owner's attributes. */
export interface LiveAttribute {
  /** `handle_id`; null when absent. */
  readonly handle: string | null;
  /** `secondary` (pod, namespace, node, type, timestamp…), as stored. */
  readonly secondary: Readonly<Record<string, string>>;
}

/**
 * One IPAM block as Calico stores it (`IPAMBlock`, libcalico-go `model.AllocationBlock`). Ordinal `i`
 * is the address `cidr.network + i`.
 */
export interface LiveBlock {
  /** metadata.name: the CIDR with `.`, `:` and `/` turned into `-` (libcalico-go `names.CIDRToName`). */
  readonly name: string;
  readonly cidr: Cidr;
  /** `affinity` as stored: `host:<node>`, `virtual:<name>`, or null (not affine). */
  readonly affinity: string | null;
  /** The node of a `host:` affinity; null otherwise. */
  readonly host: string | null;
  /**
   * `allocations` decoded: the attribute index of each ordinal, -1 when free (null in the object). For blocks
   * read from kubectl's JSON layout, a view of a buffer the reader shares between many blocks.
   */
  readonly allocations: Int32Array;
  /** How many ordinals are allocated. */
  readonly allocated: number;
  /** `unallocated`: the free ordinals in the order Calico hands them out (FIFO). */
  readonly unallocated: readonly number[];
  /**
   * `attributes` decoded. Blocks read from kubectl's JSON layout keep them as columns and make this array
   * when it is first read (an own enumerable property, equal to what the other readers give); the checks
   * and reports read the columns. The same holds for `sequenceNumberForAllocation` and `exactSequenceNumbers`.
   */
  readonly attributes: readonly LiveAttribute[];
  readonly sequenceNumber: number;
  /** `sequenceNumberForAllocation`: ordinal (as text) → the block's sequence number when it was allocated. */
  readonly sequenceNumberForAllocation: Readonly<Record<string, number>>;
  /**
   * The exact decimal text of the sequence numbers past 2^53 (Calico's start at a claim time in
   * nanoseconds), which `sequenceNumber` and `sequenceNumberForAllocation` hold rounded; read from JSON
   * dumps. Absent when every sequence number is exact as a number.
   */
  readonly exactSequenceNumbers?: { readonly sequenceNumber?: string; readonly forAllocation: Readonly<Record<string, string>> };
  readonly strictAffinity: boolean;
  /** `deleted`: Calico marks a block before deleting it; readers treat it as gone. */
  readonly deleted: boolean;
  readonly affinityClaimTime: string | null;
  readonly source: DumpSource;
}

/** Affinity states (`pending` while a claim is in progress, `pendingDeletion` while it is released). */
export type AffinityState = "confirmed" | "pending" | "pendingDeletion" | "";

/** One block affinity (`BlockAffinity`): a node's claim on a block. */
export interface LiveAffinity {
  readonly name: string;
  readonly cidrText: string;
  readonly cidr: Cidr | null;
  readonly node: string;
  readonly state: string;
  /** `host` (default when unset) or `virtual`. */
  readonly type: string;
  /** `deleted` (a string "true"/"false" in crd.projectcalico.org/v1, a boolean in projectcalico.org/v3). */
  readonly deleted: boolean;
  readonly source: DumpSource;
}

/** One IPAM handle (`IPAMHandle`): the addresses one owner holds, counted per block. */
export interface LiveHandle {
  readonly name: string;
  readonly handleId: string;
  /** Block CIDR → number of the handle's addresses in that block. */
  readonly blocks: Readonly<Record<string, number>>;
  readonly deleted: boolean;
  readonly source: DumpSource;
}

/** The IPAM configuration singleton (`IPAMConfig`/`IPAMConfiguration` named `default`). */
export interface LiveIpamConfiguration {
  readonly kind: string;
  readonly name: string;
  readonly strictAffinity: boolean;
  readonly autoAllocateBlocks: boolean;
  readonly maxBlocksPerHost: number;
  readonly kubeVirtVMAddressPersistence: string | null;
  readonly source: DumpSource;
}

/** One IP reservation. */
export interface LiveReservation {
  readonly name: string;
  readonly reservedCidrs: readonly string[];
  readonly source: DumpSource;
}

/** A tunnel address Calico recorded on a node (IPIP, VXLAN, WireGuard). */
export interface LiveTunnelAddress {
  /** The allocation `type` Calico gives it, e.g. `ipipTunnelAddress`. */
  readonly type: string;
  readonly address: string;
}

/** One node (Kubernetes `Node`, or Calico's `projectcalico.org/v3` `Node`). */
export interface LiveNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly podCidrs: readonly string[];
  readonly tunnelAddresses: readonly LiveTunnelAddress[];
  readonly source: DumpSource;
}

/** One namespace. */
export interface LiveNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly source: DumpSource;
}

/** One pod: what holds pod addresses. */
export interface LivePod {
  readonly namespace: string;
  readonly name: string;
  readonly node: string | null;
  /** `status.podIPs` (or `status.podIP`). */
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  /** Succeeded or Failed: Calico has released (or should have released) its addresses. */
  readonly finished: boolean;
  readonly source: DumpSource;
}

/** One allocation of a `calicoctl ipam check -o FILE` report. */
export interface CheckReportAllocation {
  readonly ip: string;
  readonly handle: string | null;
  readonly pod: string | null;
  readonly namespace: string | null;
  readonly node: string | null;
  readonly inUse: boolean;
  readonly owners: readonly string[];
}

/** The JSON report of `calicoctl ipam check -o FILE`. */
export interface CheckReport {
  readonly file: string;
  readonly version: string;
  readonly clusterGUID: string;
  readonly clusterType: string;
  readonly datastoreLocked: boolean;
  /** Every allocation, by address. */
  readonly allocations: ReadonlyMap<string, readonly CheckReportAllocation[]>;
  /** IDs of the handles calicoctl found without addresses. */
  readonly leakedHandles: readonly string[];
}

/** Where a finding comes from: reading the dump, the consistency checks, or the comparison with the plan. */
export type InspectSource = "dump" | "check" | "drift";

/** One statement about the cluster's state. */
export interface InspectFinding {
  readonly severity: Severity;
  /** Stable code, e.g. `BLOCK_OVERLAP`. */
  readonly code: string;
  /** The object: `IPAMBlock/10-0-0-0-26`, `IPPool/default-ipv4-ippool`, `Pod/ns/name`, `dump`… */
  readonly subject: string;
  /** The field of the object, e.g. `spec.allocations[3]`; empty when about the whole object. */
  readonly path: string;
  /** What is wrong, the values, where it was read, and the way out. */
  readonly message: string;
  readonly source: InspectSource;
}

/** Everything read from a dump. Arrays are in the order read, duplicates removed. */
export interface ClusterDump {
  readonly files: readonly string[];
  readonly pools: readonly LivePool[];
  readonly blocks: readonly LiveBlock[];
  readonly affinities: readonly LiveAffinity[];
  /**
   * The IPAM handles. A large file of handles read on a second thread (the compiled package; see
   * `readDumpFiles`) is kept as columns and these objects are built on first access (then kept): the
   * check and the reports do not need them.
   */
  readonly handles: readonly LiveHandle[];
  readonly ipamConfiguration: LiveIpamConfiguration | null;
  readonly reservations: readonly LiveReservation[];
  /** null when the dump holds no nodes (node checks are then skipped). */
  readonly nodes: readonly LiveNode[] | null;
  readonly namespaces: readonly LiveNamespace[] | null;
  /** null when the dump holds no pods (leak checks by pod are then skipped). */
  readonly pods: readonly LivePod[] | null;
  readonly checkReports: readonly CheckReport[];
  /** Objects read, by kind (both API groups counted under the kind). */
  readonly counts: Readonly<Record<string, number>>;
  /** Plain sentences: objects skipped, API groups seen. */
  readonly notes: readonly string[];
  /** Problems found while reading: schema violations, duplicates, disagreeing API groups, cut lists. */
  readonly findings: readonly InspectFinding[];
}
