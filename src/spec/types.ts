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
  /** Pool migrations, each at its current phase (see docs/migrations.md). @default - none */
  readonly migrations?: readonly MigrationDeclaration[];
}

/**
 * Moving pods from one pool to another, as Calico's "Migrate from one IP pool to another" does it, in
 * three phases: 1 `add-target` (the target pool is created), 2 `disable-source` (the source pool is
 * disabled; restart the pods that use it), 3 `delete-source` (the drained source pool is deleted).
 * Also the way to change a pool's CIDR under a new name, and to leave Calico's auto-created
 * `default-ipv4-ippool` (adopt it first: `calico-ipam ledger adopt`).
 * @see https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools
 */
export interface MigratePoolDeclaration {
  /** The pool the pods leave: declared in code, or recorded in the ledger (active or adopted). */
  readonly from: string;
  /** The pool the pods move to: declared in code. */
  readonly to: string;
}

/**
 * Changing a pool's block size (or its CIDR, keeping its name) as Calico's "Change IP pool block size"
 * does it, through a temporary pool, in six phases: 1 `add-temporary`, 2 `disable-original` (restart
 * its pods), 3 `delete-original`, 4 `recreate-original` (with the new block size or CIDR),
 * 5 `disable-temporary` (restart its pods), 6 `delete-temporary`.
 * @see https://docs.tigera.io/calico/latest/networking/ipam/change-block-size
 */
export interface RecreatePoolDeclaration {
  /** The pool that changes: declared in code. */
  readonly pool: string;
  /** The new block size (`changeBlockSize`): IPv4 20–32, IPv6 116–128. */
  readonly blockSize?: number;
  /** The new CIDR (`changeCidr`), strictly masked, of the pool's family. */
  readonly cidr?: string;
  /**
   * The temporary pool's name.
   * @default - `<pool>-tmp`
   */
  readonly temporaryPool?: string;
  /**
   * The temporary pool's CIDR.
   * @default - carved from free space of the address spaces, as large as the pool, and recorded in the ledger
   */
  readonly temporaryCidr?: string;
}

/**
 * A migration declared once and unfolded into Calico's documented phases. Give exactly one of
 * `migratePool`, `changeBlockSize` and `changeCidr`. Each phase is one synth and one apply; the ledger
 * records the phase reached, and a phase advances only when `phase` is raised by one (the manual step
 * of the phase before is done).
 */
export interface MigrationDeclaration {
  /**
   * The migration's name: its key in the ledger.
   * @default - `migrate-<from>`, `block-size-<pool>` or `cidr-<pool>`
   */
  readonly name?: string;
  /** The phase to apply, from 1; raise it by one when the manual step of the phase before is done. */
  readonly phase: number;
  readonly migratePool?: MigratePoolDeclaration;
  readonly changeBlockSize?: RecreatePoolDeclaration;
  readonly changeCidr?: RecreatePoolDeclaration;
}
