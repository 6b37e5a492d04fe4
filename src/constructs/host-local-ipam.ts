import path from "path";
import { Construct } from "constructs";
import type { HostLocalFeatures } from "../hostlocal";
import { writeLedgerIfChanged, DEFAULT_LEDGER_FILE } from "../ledger";
import { API_V3, CalicoApiVersion, EncapsulationMode } from "../model/calico";
import { HostLocalClusterPlan, hostLocalPlanReport, planHostLocalCluster } from "../plan/host-local";
import { planReportFiles } from "../report";
import { describe } from "../validation/names";
import { appIsValid, checkYamlFileName, writeOutputFile, requireProps } from "./checks";
import type { PlanReport } from "../report";
import { renderCalicoYaml } from "../render/plan-yaml";
import type { NodeEntry, WorkloadDeclaration } from "../simulator/topology";
import { LedgerProps, ledgerFrozen, sanitizeOutputId } from "./calico-ipam";
import { hostOf } from "./host/host";
import type { ITerraformProvider } from "./host/types";

/** Properties of a {@link HostLocalIpam}. */
export interface HostLocalIpamProps {
  /**
   * The cluster CIDRs nodes get their podCIDRs from (kube-controller-manager `--cluster-cidr`), one per
   * IP family, e.g. `["10.244.0.0/16", "fd00:10:244::/56"]`.
   */
  readonly clusterCidrs: string[];
  /**
   * The size of each node's IPv4 range (`--node-cidr-mask-size-ipv4`).
   * @default 24
   */
  readonly nodeMaskSizeV4?: number;
  /**
   * The size of each node's IPv6 range (`--node-cidr-mask-size-ipv6`).
   * @default 64
   */
  readonly nodeMaskSizeV6?: number;
  /**
   * The Service CIDRs: kube-controller-manager never hands out node ranges that overlap them.
   * @default - none
   */
  readonly serviceCidrs?: string[];
  /**
   * The nodes' own networks: no node range may overlap them.
   * @default - none
   */
  readonly nodeCidrs?: string[];
  /**
   * The nodes (each gets its podCIDRs, in name order after the recorded ones) and the workloads the
   * harness places on them for usage and headroom.
   */
  readonly topology: { readonly nodes: NodeEntry[]; readonly workloads?: WorkloadDeclaration[] };
  /**
   * NAT outgoing for the pod ranges (Calico uses its IP pools for this even with host-local IPAM).
   * @default false
   */
  readonly natOutgoing?: boolean;
  /** @default "Never" */
  readonly ipipMode?: EncapsulationMode;
  /** @default "Never" */
  readonly vxlanMode?: EncapsulationMode;
  /** @default "projectcalico.org/v3" */
  readonly apiVersion?: CalicoApiVersion;
  /** @default - the stack's default kubernetes provider */
  readonly provider?: ITerraformProvider;
  /**
   * The ledger that keeps every node's range: a node's podCIDR never changes.
   * @default - `calico-ipam.lock.json` in the working directory
   */
  readonly ledger?: LedgerProps | false;
  /** @default 0.8 */
  readonly utilizationThreshold?: number;
  /** @default "calico-ipam.yaml" */
  readonly yamlFileName?: string | false;
  /** Write plan.json, plan.md, plan.html and plan.svg. @default true */
  readonly reports?: boolean;
}

/**
 * A cluster on Calico's host-local IPAM (flannel networking, GKE, any cluster whose nodes get a
 * `podCIDR` from Kubernetes): each declared node's podCIDRs computed the way kube-controller-manager's
 * range allocator hands them out and kept by the ledger, checked against max pods (host-local keeps the
 * network, gateway and broadcast addresses), the Service and node networks and the cluster's room; the
 * IP pools Calico still needs for NAT and encapsulation; and as outputs the CNI `ipam` section and the
 * kube-controller-manager flags.
 *
 * Calico IPAM features have no meaning here. Asking for one (a second pool, selectors, block sizes,
 * namespace pools, fixed addresses, reservations, an IPAM configuration) fails synth with the reason
 * and the way to Calico IPAM ({@link CalicoIpam}).
 *
 * @see https://docs.tigera.io/calico/latest/networking/ipam/get-started-ip-addresses
 */
export class HostLocalIpam extends Construct {
  private readonly props: HostLocalIpamProps;
  private readonly asked: { -readonly [K in keyof HostLocalFeatures]: boolean } = {};
  private cached?: { plan: HostLocalClusterPlan; report: PlanReport };
  private readonly warned = new Set<string>();
  /** The ledger file, or undefined when the ledger is off. */
  public readonly ledgerFile?: string;

  constructor(scope: Construct, id: string, props: HostLocalIpamProps) {
    super(scope, id);
    requireProps(this.node.path, props, '{ clusterCidrs: ["10.244.0.0/16"], topology: { nodes: [...] } }');
    if (!Array.isArray(props.clusterCidrs)) throw new Error(`${this.node.path}: clusterCidrs must be a list of CIDRs such as ["10.244.0.0/16"], got ${describe(props.clusterCidrs)}`);
    if (typeof props.topology !== "object" || props.topology === null || !Array.isArray(props.topology.nodes)) {
      throw new Error(`${this.node.path}: topology must be an object with the cluster's nodes, e.g. { nodes: [{ namePattern: "node-{i}", count: 10 }] }: every node gets its own range, got ${describe(props.topology)}`);
    }
    if (props.yamlFileName !== undefined && props.yamlFileName !== false) checkYamlFileName(this.node.path, props.yamlFileName);
    const host = hostOf(this);
    const { Annotations, Lazy, TerraformOutput, TerraformStack } = host.lib;
    this.props = props;
    this.ledgerFile = props.ledger === false ? undefined : path.resolve(process.cwd(), props.ledger?.file ?? DEFAULT_LEDGER_FILE);
    for (let i = 0; i < props.clusterCidrs.length; i++) {
      new host.resources.Manifest(this, `Pool${i}`, {
        provider: props.provider,
        manifest: Lazy.anyValue({ produce: () => this.plan().pools.pools[i]?.manifest ?? {} }),
      });
    }
    const base = sanitizeOutputId(id);
    new TerraformOutput(this, "CniIpam", {
      value: Lazy.stringValue({ produce: () => JSON.stringify(this.plan().hostLocal.cniIpam) }),
      description: "The Calico CNI plugin's ipam section for host-local IPAM (JSON)",
    }).overrideLogicalId(`${base}_cni_ipam`);
    new TerraformOutput(this, "KubeControllerManagerFlags", {
      value: Lazy.listValue({ produce: () => [...this.plan().hostLocal.kubeControllerManagerFlags] }),
      description: "kube-controller-manager flags that make it hand out these node ranges",
    }).overrideLogicalId(`${base}_kube_controller_manager_flags`);
    new TerraformOutput(this, "NodePodCidrs", {
      value: Lazy.anyValue({ produce: () => Object.fromEntries(this.plan().hostLocal.nodes.map((n) => [n.name, [...n.podCidrs]])) }),
      description: "Each node's podCIDRs",
    }).overrideLogicalId(`${base}_node_pod_cidrs`);

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        const plan = this.plan();
        const all = [...plan.findings, ...plan.pools.findings, ...plan.pools.pools.flatMap((p) => p.findings)];
        for (const f of all) {
          const text = `${f.code} at ${f.path || "(object)"}: ${f.message}`;
          if (f.severity === "error") errors.push(text);
          else if (!this.warned.has(text)) {
            this.warned.add(text);
            Annotations.of(this).addWarning(text);
          }
        }
        return errors;
      },
    });
    host.addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const plan = this.plan();
        const stack = TerraformStack.of(this);
        const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
        if (props.yamlFileName !== false) {
          const header = `Calico IPAM objects of stack "${stack.node.id}" (host-local IPAM), generated by cdktf-calico-ipam. Do not edit: change the cdktf app and synthesize again.`;
          writeOutputFile(this.node.path, path.join(dir, props.yamlFileName ?? "calico-ipam.yaml"), renderCalicoYaml([{ plan: plan.pools, hasAddressSpaces: false }], header));
        }
        if (props.reports !== false) {
          const report = this.report();
          for (const [name, content] of planReportFiles(report)) writeOutputFile(this.node.path, path.join(dir, name), content);
        }
        // The ledger last, and only when every stack of the app is valid (see CalicoIpam).
        if (plan.ledgerFile !== undefined && appIsValid(this)) writeLedgerIfChanged(plan.ledgerFile, plan.ledger);
      },
    });
  }

  /** Host-local gives every node one range: Calico IP pools beyond the one per cluster CIDR mean nothing here. */
  public addPool(_id: string, props: { nodeSelector?: string; namespaceSelector?: string; blockSize?: number } = {}): void {
    this.ask("multiplePools");
    if (props.nodeSelector !== undefined && props.nodeSelector.trim() !== "all()") this.ask("topologyPools");
    if (props.namespaceSelector !== undefined) this.ask("namespacePools");
    if (props.blockSize !== undefined) this.ask("blockSize");
  }

  /** Namespace pools need Calico IPAM. */
  public addNamespace(_name: string, _props: { pools?: unknown[] } = {}): void {
    this.ask("namespacePools");
  }

  /** Fixed pod addresses (`ipAddrs`) need Calico IPAM. */
  public addWorkload(_name: string, _props: { addresses?: unknown[] } = {}): void {
    this.ask("fixedAddresses");
  }

  /** IP reservations need Calico IPAM. */
  public addReservation(_id: string, _props: { reservedCidrs?: string[] } = {}): void {
    this.ask("reservations");
  }

  /** The IPAM configuration (strict affinity, blocks per host) needs Calico IPAM. */
  public configure(_props: object = {}): void {
    this.ask("ipamConfiguration");
  }

  /** The resolved plan: node ranges, pools, usage, ledger. */
  public plan(): HostLocalClusterPlan {
    return this.state().plan;
  }

  /** The plan report (plan.json). */
  public report(): PlanReport {
    return this.state().report;
  }

  private ask(feature: keyof HostLocalFeatures): void {
    this.asked[feature] = true;
    this.cached = undefined;
  }

  private state(): { plan: HostLocalClusterPlan; report: PlanReport } {
    if (!this.cached) {
      const p = this.props;
      const frozen = ledgerFrozen(this, p.ledger);
      const plan = planHostLocalCluster(
        {
          apiVersion: p.apiVersion ?? API_V3,
          clusterCidrs: p.clusterCidrs,
          nodeMaskSizeV4: p.nodeMaskSizeV4,
          nodeMaskSizeV6: p.nodeMaskSizeV6,
          serviceCidrs: p.serviceCidrs,
          nodeCidrs: p.nodeCidrs,
          topology: p.topology,
          natOutgoing: p.natOutgoing,
          ipipMode: p.ipipMode,
          vxlanMode: p.vxlanMode,
          unsupported: this.asked,
          utilizationThreshold: p.utilizationThreshold,
        },
        { file: this.ledgerFile, frozen },
      );
      const report = hostLocalPlanReport(plan, { generatedBy: "cdktf-calico-ipam" });
      this.cached = { plan, report };
    }
    return this.cached;
  }
}
