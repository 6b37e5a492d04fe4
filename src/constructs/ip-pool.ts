import { requireProps } from "./checks";
import { Construct } from "constructs";
import type { AllowedUse, AssignmentMode, EncapsulationMode, IpPoolManifest } from "../model/calico";
import type { PoolCapacity, PoolDeclaration } from "../spec/types";
import { CalicoIpam, sanitizeOutputId } from "./calico-ipam";
import type { KubernetesManifestResource } from "./host/types";

/**
 * Properties of an {@link IpPool}: every field of Calico's IPPool spec (v3.32).
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
export interface IpPoolProps {
  /**
   * The IPPool's name: a DNS-1123 subdomain (lower case letters, digits, `-` and `.`). Calico tries
   * pools in name order when it claims a new block, so names decide which pool fills first.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The pool's range, strictly masked (`10.244.0.0/16`, `fd00:10:244::/56`), pinned by hand. Immutable
   * in Calico: changing it needs a pool migration. Give exactly one of `cidr`, `prefixLength`,
   * `addresses` and `capacity`.
   * @default - carved out of the CalicoIpam's address spaces
   * @see https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools
   */
  readonly cidr?: string;
  /**
   * Carve a range of this prefix length, e.g. 22 for a /22.
   * @default - see `cidr`
   */
  readonly prefixLength?: number;
  /**
   * Carve the smallest range that holds this many addresses (and at least one block).
   * @default - see `cidr`
   */
  readonly addresses?: number;
  /**
   * Carve a range with room for `nodes` nodes at `blocksPerNode` blocks (or `podsPerNode` pods) each,
   * computed against the block size, e.g. 40 nodes × 2 blocks of /26 = 80 blocks → /19.
   * @default - see `cidr`
   */
  readonly capacity?: PoolCapacity;
  /**
   * IP family of a carved pool.
   * @default - the family of `addressSpace`, else 4
   */
  readonly ipVersion?: 4 | 6;
  /**
   * The address space (by name) to carve this pool from.
   * @default - any address space of the pool's family, in declaration order
   */
  readonly addressSpace?: string;
  /**
   * Prefix length of the blocks the pool is split into; each node claims whole blocks. IPv4 20–32,
   * IPv6 116–128. Immutable in Calico.
   * @default - 26 for IPv4 pools (64 addresses), 122 for IPv6 pools
   * @see https://docs.tigera.io/calico/latest/networking/ipam/change-block-size
   */
  readonly blockSize?: number;
  /**
   * IP-in-IP encapsulation for traffic between nodes. IPv4 only; not together with VXLAN.
   * @default "Never"
   */
  readonly ipipMode?: EncapsulationMode;
  /**
   * VXLAN encapsulation for traffic between nodes. Not together with IPIP.
   * @default "Never"
   */
  readonly vxlanMode?: EncapsulationMode;
  /**
   * Masquerade traffic from pods in this pool to destinations outside all Calico pools.
   * @default false
   */
  readonly natOutgoing?: boolean;
  /**
   * A disabled pool hands out no new addresses; addresses already in use stay. The first step of
   * migrating away from a pool.
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * Do not advertise the pool's routes over BGP.
   * @default false
   */
  readonly disableBGPExport?: boolean;
  /**
   * Calico selector of the nodes that may claim blocks from this pool, e.g. `rack == "a"`.
   * `!all()` makes a pool that only serves pods that ask for it by name or address.
   * @default "all()"
   * @see https://docs.tigera.io/calico/latest/networking/ipam/assign-ip-addresses-topology
   */
  readonly nodeSelector?: string;
  /**
   * Calico selector of the namespaces whose pods may get addresses from this pool (Calico ≥ 3.31).
   * A pool without one serves every namespace. Requires `allowedUses` without `Tunnel`.
   * @default - every namespace
   */
  readonly namespaceSelector?: string;
  /**
   * What the pool's addresses are for. `LoadBalancer` cannot be combined with the others.
   * @default ["Workload", "Tunnel"]
   */
  readonly allowedUses?: AllowedUse[];
  /**
   * `Manual` pools are only used when a pod or namespace asks for them by name.
   * @default "Automatic"
   */
  readonly assignmentMode?: AssignmentMode;
  /**
   * Pools of one exclusive group (e.g. one per rack) must select disjoint nodes, and no other pool that
   * hands out addresses on its own may select their nodes; both are checked at synth.
   * @default - none
   * @see https://docs.tigera.io/calico/latest/networking/ipam/assign-ip-addresses-topology
   */
  readonly exclusiveGroup?: string;
  /**
   * Labels on the IPPool object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on the IPPool object.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * A Calico IP pool, emitted as a `kubernetes_manifest`. It must be created inside a {@link CalicoIpam},
 * which validates it against Calico's rules and the other pools at synth.
 *
 * @example
 * const ipam = new CalicoIpam(stack, "ipam");
 * new IpPool(ipam, "pods-a", { cidr: "10.244.0.0/16", natOutgoing: true });
 */
export class IpPool extends Construct {
  /** The IPPool's name. */
  public readonly poolName: string;
  /** The `kubernetes_manifest` resource; undefined when the operator owns the pools (they go into its Installation). */
  public readonly resource?: KubernetesManifestResource;
  private readonly props: IpPoolProps;
  private readonly ipam: CalicoIpam;

  constructor(scope: Construct, id: string, props: IpPoolProps) {
    super(scope, id);
    this.ipam = CalicoIpam.of(this);
    this.props = { ...requireProps(this.node.path, props, '{ cidr: "10.244.0.0/16" } or { prefixLength: 20 }') };
    this.poolName = props.name ?? id;
    this.ipam._registerPool(this);
    const { Lazy, TerraformOutput } = this.ipam._host.lib;
    if (this.ipam.poolOwner === "ippool") {
      this.resource = new this.ipam._host.resources.Manifest(this, "Resource", {
        provider: this.ipam.provider,
        // A pool a migration deletes in this phase resolves to nothing here (cdktf resolves every
        // resource once before aspects run); its resource is removed at synth.
        manifest: Lazy.anyValue({ produce: () => this.find()?.manifest ?? {} }),
      });
    }
    new TerraformOutput(this, "Cidr", {
      value: Lazy.stringValue({ produce: () => this.find()?.manifest.spec.cidr ?? "" }),
      description: `CIDR of the Calico IP pool ${this.poolName}`,
    }).overrideLogicalId(`${sanitizeOutputId(this.ipam.node.id)}_${sanitizeOutputId(this.poolName)}_cidr`);
  }

  /** The declaration this pool contributes to the address plan. */
  public get declaration(): PoolDeclaration {
    // Prop names are Calico's field names, so the declaration is the props plus the resolved name.
    return { ...this.props, name: this.poolName };
  }

  /**
   * The IPPool manifest as it will be emitted (canonical CIDR, Calico's defaults written out); while a
   * migration disables the pool, the disabled one.
   * @throws Error in a migration phase that deletes the pool (its resource is then not synthesized)
   */
  public manifest(): IpPoolManifest {
    return this.planned().manifest;
  }

  /** How the pool's range was chosen, in a sentence (for carved pools). */
  public get explanation(): string | undefined {
    return this.planned().explanation;
  }

  private find() {
    return this.ipam.plan().pools.find((p) => p.manifest.metadata.name === this.poolName);
  }

  private planned() {
    const found = this.find();
    if (!found) throw new Error(`${this.node.path}: pool "${this.poolName}" is deleted in the current phase of a migration, so it has no manifest`);
    return found;
  }

  /** The pool's CIDR in canonical form, as emitted (carved at synth when not pinned). */
  public get cidr(): string {
    return this.manifest().spec.cidr;
  }
}
