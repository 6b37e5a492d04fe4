import { requireProps, requireString } from "./checks";
import { Construct } from "constructs";
import { declaredFamily } from "../plan/plan";
import type { PlannedWorkload } from "../plan/plan";
import { IP_ADDRS_ANNOTATION } from "../plan/fixed-addresses";
import { IPV4_POOLS_ANNOTATION, IPV6_POOLS_ANNOTATION } from "../plan/namespaces";
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
 * // in the Deployment's pod template: metadata: { annotations: { ...labels, ...dns.podAnnotations } }
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
   * The annotations for the workload's pod template: `cni.projectcalico.org/ipAddrs` for fixed
   * addresses, else `cni.projectcalico.org/ipv4pools` / `ipv6pools` for pod-level pools. A plain object
   * whose keys are known when the workload is declared and whose values are string tokens the host
   * resolves at synth, so it can be spread into a pod template's annotations or passed as a whole:
   *
   * @example
   * annotations: { "app.kubernetes.io/name": "coredns", ...dns.podAnnotations }
   */
  public get podAnnotations(): { readonly [annotation: string]: string } {
    const { Lazy } = this.ipam._host.lib;
    return Object.fromEntries(this.annotationKeys().map((key) => [key, Lazy.stringValue({ produce: () => this.annotation(key) })]));
  }

  /** The annotation keys the plan gives this workload, from its declaration. */
  private annotationKeys(): string[] {
    if ((this.props.addresses ?? []).length > 0) return [IP_ADDRS_ANNOTATION];
    const spec = { addressSpaces: this.ipam.addressSpaces };
    const families = new Set((this.props.pools ?? []).map((p) => declaredFamily(p.declaration, spec)));
    return [...(families.has(4) ? [IPV4_POOLS_ANNOTATION] : []), ...(families.has(6) ? [IPV6_POOLS_ANNOTATION] : [])];
  }

  private annotation(key: string): string {
    const value = this.planned().podAnnotations[key];
    if (value === undefined) {
      throw new Error(`${this.node.path}: the plan gives workload ${this.namespace}/${this.workloadName} no annotation ${key} (it has ${JSON.stringify(Object.keys(this.planned().podAnnotations))}) (internal error)`);
    }
    return value;
  }

  /** The fixed addresses, resolved (call at synth time or after `app.synth()`). */
  public get addresses(): string[] {
    return this.planned().addresses.map((a) => a.address);
  }
}
