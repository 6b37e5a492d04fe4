import { requireProps, requireString } from "./checks";
import { Construct } from "constructs";
import type { PlannedWorkload } from "../plan/plan";
import type { WorkloadAddressingDeclaration } from "../spec/types";
import { CalicoIpam, sanitizeOutputId } from "./calico-ipam";
import type { IpPool } from "./ip-pool";

/** One fixed address: given, or picked once from a pool (and then kept by the ledger). */
export interface FixedAddress {
  /**
   * The address, e.g. "10.96.0.10". It must lie in an enabled pool that allows Workload.
   * @default - picked from `pool`
   */
  readonly address?: string;
  /**
   * Pick the lowest free address of this pool once; the ledger keeps it on every later run.
   * @default - the pool that holds `address`
   */
  readonly pool?: IpPool;
}

/** Properties of {@link WorkloadAddresses}. */
export interface WorkloadAddressesProps {
  /** The workload's namespace. */
  readonly namespace: string;
  /**
   * The workload's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Fixed addresses of the workload's pod, at most one per IP family (`cni.projectcalico.org/ipAddrs`).
   * One pod per address: run the workload with one replica.
   * @default - none
   * @see https://docs.tigera.io/calico/latest/networking/ipam/use-specific-ip
   */
  readonly addresses?: FixedAddress[];
  /**
   * Pools the workload's pods take addresses from (`cni.projectcalico.org/ipv4pools` / `ipv6pools` on
   * the pod), overriding the namespace's. Ignored by Calico when fixed addresses are given.
   * @default - none
   * @see https://docs.tigera.io/calico/latest/networking/ipam/legacy-firewalls
   */
  readonly pools?: IpPool[];
}

/**
 * Addresses of one workload's pods: fixed addresses (given or picked from a pool and kept by the
 * ledger) or the pools they draw from. Gives back the pod annotations to put into the workload's pod
 * template ({@link podAnnotations}) and a Terraform output with them.
 *
 * @example
 * const dns = ipam.addWorkload("coredns", { namespace: "kube-system", addresses: [{ pool: infra }] });
 * // in the Deployment: spec.template.metadata.annotations = dns.podAnnotations
 */
export class WorkloadAddresses extends Construct {
  /** The workload's name. */
  public readonly workloadName: string;
  /** The workload's namespace. */
  public readonly namespace: string;
  private readonly ipam: CalicoIpam;
  private readonly props: WorkloadAddressesProps;

  constructor(scope: Construct, id: string, props: WorkloadAddressesProps) {
    super(scope, id);
    this.ipam = CalicoIpam.of(this);
    this.props = requireProps(this.node.path, props, '{ namespace: "team-a", addresses: ["10.244.0.10"] }');
    this.workloadName = props.name ?? id;
    this.namespace = requireString(this.node.path, props.namespace, "namespace (the namespace of the workload's pods)");
    this.ipam._registerWorkload(this);
    const { Lazy, TerraformOutput } = this.ipam._host.lib;
    new TerraformOutput(this, "PodAnnotations", {
      value: Lazy.anyValue({ produce: () => this.planned().podAnnotations }),
      description: `Calico pod annotations for workload ${this.namespace}/${this.workloadName}: put them into its pod template`,
    }).overrideLogicalId(`${sanitizeOutputId(this.ipam.node.id)}_wl_${sanitizeOutputId(this.namespace)}_${sanitizeOutputId(this.workloadName)}_annotations`);
  }

  /** The declaration this workload contributes to the plan. */
  public get declaration(): WorkloadAddressingDeclaration {
    const p = this.props;
    return {
      namespace: this.namespace,
      workload: this.workloadName,
      addresses: (p.addresses ?? []).map((a) => ({ ...(a.address !== undefined ? { address: a.address } : {}), ...(a.pool ? { pool: a.pool.poolName } : {}) })),
      ...(p.pools && p.pools.length > 0 ? { pools: p.pools.map((x) => x.poolName) } : {}),
    };
  }

  /** The resolved workload: addresses, annotations, findings. */
  public planned(): PlannedWorkload {
    const found = this.ipam.plan().workloads.find((w) => w.namespace === this.namespace && w.workload === this.workloadName);
    if (!found) throw new Error(`${this.node.path}: workload ${this.namespace}/${this.workloadName} is missing from the plan (internal error)`);
    return found;
  }

  /**
   * The annotations for the workload's pod template (`cni.projectcalico.org/ipAddrs`, or `ipv4pools` /
   * `ipv6pools`), resolved at synth; usable in other resources' props.
   */
  public get podAnnotations(): Record<string, string> {
    return this.ipam._host.lib.Lazy.anyValue({ produce: () => this.planned().podAnnotations }) as unknown as Record<string, string>;
  }

  /** The fixed addresses, resolved (call at synth time or after `app.synth()`). */
  public get addresses(): string[] {
    return this.planned().addresses.map((a) => a.address);
  }
}
