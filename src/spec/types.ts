import type { CalicoApiVersion, IpPoolSpec, KubeVirtAddressPersistence } from "../model/calico";
import type { NamespaceDeclaration } from "../simulator/topology";
import type { FixedAddressRequest } from "../plan/fixed-addresses";

/** A namespace of the plan: its labels (for pool namespace selectors) and the pools it names by annotation. */
export interface NamespaceBindingDeclaration extends NamespaceDeclaration {
  /** Emit the namespace itself (true), or only annotate a namespace that exists already (false). @default false */
  readonly create?: boolean;
}

/** Room for a pool sized by the nodes it serves. Give exactly one of `blocksPerNode` and `podsPerNode`. */
export interface PoolCapacity {
  /** How many nodes the pool must serve. */
  readonly nodes: number;
  /** Blocks each node claims from the pool. */
  readonly blocksPerNode?: number;
  /** Pods each node runs with addresses from the pool; turned into whole blocks per node. */
  readonly podsPerNode?: number;
}

/**
 * One IP pool of the address plan, as declared by a user (construct props or a spec file).
 * Field names and meanings are Calico's IPPool spec fields. The range is given in exactly one way:
 * `cidr` (pinned), `prefixLength`, `addresses` or `capacity` (carved out of the address spaces).
 */
export interface PoolDeclaration extends Omit<IpPoolSpec, "cidr"> {
  /** The IPPool name (DNS-1123 subdomain). Calico tries pools in name order. */
  readonly name: string;
  /** A pinned range, written by hand. */
  readonly cidr?: string;
  /** Carve a range of this prefix length. */
  readonly prefixLength?: number;
  /** Carve the smallest range that holds this many addresses (and at least one block). */
  readonly addresses?: number;
  /** Carve a range sized for nodes × blocks (or pods) per node. */
  readonly capacity?: PoolCapacity;
  /** IP family of a carved pool. @default - the family of `addressSpace`, else 4 */
  readonly ipVersion?: 4 | 6;
  /** Name of the address space to carve from. @default - any space of the family, in declaration order */
  readonly addressSpace?: string;
  /**
   * Pools with the same exclusive group (e.g. one pool per rack) must select disjoint nodes, and no
   * other pool that hands out addresses on its own may select their nodes. @default - none
   */
  readonly exclusiveGroup?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The cluster-wide IPAM settings (Calico's `IPAMConfiguration` named `default`). */
export interface IpamConfigurationDeclaration {
  readonly strictAffinity?: boolean;
  readonly autoAllocateBlocks?: boolean;
  readonly maxBlocksPerHost?: number;
  readonly kubeVirtVMAddressPersistence?: KubeVirtAddressPersistence;
}

/** A parent range pools are carved from. */
export interface AddressSpace {
  readonly name: string;
  readonly cidr: string;
}

/** A range no pool may use, with the reason (shown in errors and reports). */
export interface ReservedRange {
  readonly cidr: string;
  readonly reason: string;
}

/** Addresses auto-assignment must never hand out (Calico `IPReservation`). */
export interface ReservationDeclaration {
  /** The IPReservation name (DNS-1123 subdomain). */
  readonly name: string;
  /** Addresses or CIDRs, IPv4 or IPv6. */
  readonly reservedCidrs: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Addresses of one workload's pods: fixed addresses, or the pools they draw from. */
export interface WorkloadAddressingDeclaration {
  readonly namespace: string;
  readonly workload: string;
  /** Fixed addresses (`cni.projectcalico.org/ipAddrs`), at most one per family. @default - none */
  readonly addresses?: readonly FixedAddressRequest[];
  /** Pools by name for the pod annotation `cni.projectcalico.org/ipv4pools`/`ipv6pools`. @default - none */
  readonly pools?: readonly string[];
}

/** A cluster's whole address plan: the one serializable description every front end builds. */
export interface IpamSpec {
  /** @default "projectcalico.org/v3" */
  readonly apiVersion?: CalicoApiVersion;
  /**
   * Who owns the pools: `ippool` emits Calico `IPPool` objects; `operator` emits them into the Tigera
   * operator's `Installation` (`spec.calicoNetwork.ipPools`) instead, so that one owner manages them.
   * @default "ippool"
   */
  readonly poolOwner?: "ippool" | "operator";
  /** The Installation's name in operator mode. @default "default" */
  readonly installationName?: string;
  /** Parent ranges pools are carved from. @default - none (every pool must have a `cidr`) */
  readonly addressSpaces?: readonly AddressSpace[];
  /** The cluster's Service CIDRs: no pool may overlap them. @default - none */
  readonly serviceCidrs?: readonly string[];
  /** The node/host networks: no pool may overlap them. @default - none */
  readonly nodeCidrs?: readonly string[];
  /** Other ranges no pool may use, each with a reason. @default - none */
  readonly reservedRanges?: readonly ReservedRange[];
  readonly pools: readonly PoolDeclaration[];
  readonly ipamConfiguration?: IpamConfigurationDeclaration;
  /** Namespaces: their labels and the pools they name by annotation. @default - none */
  readonly namespaces?: readonly NamespaceBindingDeclaration[];
  /** Workloads with fixed addresses or pod-level pools. @default - none */
  readonly workloads?: readonly WorkloadAddressingDeclaration[];
  /** IP reservations. @default - none */
  readonly reservations?: readonly ReservationDeclaration[];
}
