import * as path from "path";
import { Annotations, Aspects, Lazy, TerraformOutput, TerraformProvider, TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct, IConstruct, IValidation } from "constructs";
import { writeFileAtomic } from "../io/atomic-write";
import { API_V3, CalicoApiVersion } from "../model/calico";
import { FIXED_ADDRESS_RESERVATION, IpamPlan, LEDGER_MODE_ENV, planIpam, planObjects, writePlanLedger } from "../plan/plan";
import { toMultiDocumentYaml } from "../render/yaml";
import type { AddressSpace, IpamSpec, ReservedRange } from "../spec/types";
import { DEFAULT_LEDGER_FILE } from "../ledger";
import { buildPlanReport, renderPlanMarkdown } from "../report";
import type { AcceptedFinding, PlanReport, ReportFinding } from "../report";
import { HarnessTopology, simulatePlan } from "../plan/harness";
import type { SimulationResult } from "../simulator/result";
import type { CniConfig } from "../simulator/topology";
import { IpPool, IpPoolProps } from "./ip-pool";
import { IpamConfiguration, IpamConfigurationProps } from "./ipam-configuration";
import { IpReservation, IpReservationProps } from "./ip-reservation";
import { NamespaceBinding, NamespaceBindingProps } from "./namespace-binding";
import { WorkloadAddresses, WorkloadAddressesProps } from "./workload-addresses";
import { DrainingIpPool } from "./draining-pool";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";

/** Properties of a {@link CalicoIpam}. */
export interface CalicoIpamProps {
  /**
   * The API group of emitted Calico objects. `crd.projectcalico.org/v1` writes Calico's storage objects
   * directly and bypasses Calico's validation and defaulting; the library then writes every default
   * explicitly and warns.
   * @default "projectcalico.org/v3"
   */
  readonly apiVersion?: CalicoApiVersion;
  /**
   * Who owns the pools. `ippool` emits one Calico `IPPool` per pool. `operator` puts them into the Tigera
   * operator's `Installation` (`spec.calicoNetwork.ipPools`, applied server-side with field manager
   * `cdktf-calico-ipam`) and emits no `IPPool`, so that one owner manages each pool; what the operator
   * cannot express (a `namespaceSelector`, more than 25 pools) is an error. Two CalicoIpam of one
   * cluster (same stack and provider) with different owners fail synth.
   * @default "ippool"
   * @see https://docs.tigera.io/calico/latest/reference/installation/api#ippool
   */
  readonly poolOwner?: "ippool" | "operator";
  /**
   * The name of the operator's Installation, in operator mode.
   * @default "default"
   */
  readonly installationName?: string;
  /**
   * The kubernetes provider the `kubernetes_manifest` resources use.
   * @default - the stack's default kubernetes provider
   */
  readonly provider?: TerraformProvider;
  /**
   * Name of the multi-document YAML file with every Calico object of the stack, written into the
   * stack's output folder at synth (`cdktf.out/stacks/<stack>/`). `false` writes none.
   * @default "calico-ipam.yaml"
   */
  readonly yamlFileName?: string | false;
  /**
   * Parent ranges that pools without a `cidr` are carved from, e.g.
   * `[{ name: "pods-v4", cidr: "10.32.0.0/12" }, { name: "pods-v6", cidr: "fd00:10::/48" }]`.
   * @default - none: every pool needs a `cidr`
   */
  readonly addressSpaces?: AddressSpace[];
  /**
   * The cluster's Service CIDRs (kube-apiserver `--service-cluster-ip-range`). No pool may overlap them.
   * @default - none
   */
  readonly serviceCidrs?: string[];
  /**
   * The networks of the nodes themselves. No pool may overlap them.
   * @default - none
   */
  readonly nodeCidrs?: string[];
  /**
   * Other ranges no pool may use, each with the reason shown in errors (a VPN, a peered network, ...).
   * @default - none
   */
  readonly reservedRanges?: ReservedRange[];
  /**
   * The ledger that keeps every handed-out pool range stable across runs: a JSON file to commit beside
   * `cdktf.json`. `false` plans without memory (pools may move when others are added or removed).
   * @default - `calico-ipam.lock.json` in the working directory (the folder of cdktf.json under `cdktf synth`)
   */
  readonly ledger?: LedgerProps | false;
  /**
   * The cluster the validation harness plays Calico's block allocation against at synth: nodes (one by
   * one or as groups, with labels, OS and max pods) and workloads (namespace, replicas, node selector,
   * pod annotations). Namespaces come from {@link CalicoIpam.addNamespace}. Pods that would get no
   * address fail synth; borrowing, high utilization and unused pools are warnings.
   * @default - no simulation; the reports then show pools without usage
   */
  readonly topology?: HarnessTopology;
  /**
   * The Calico CNI plugin's `ipam` settings the harness assumes (`assign_ipv4`, `assign_ipv6`,
   * `ipv4_pools`, `ipv6_pools`).
   * @default - IPv4 only, pools by selectors
   */
  readonly cni?: CniConfig;
  /**
   * Harness settings: the utilization warning threshold, and findings accepted on purpose (each with
   * the reason shown in the reports) instead of switching checks off.
   * @default - threshold 0.8, nothing accepted
   */
  readonly harness?: HarnessProps;
  /**
   * Write `plan.json` (schema `cdktf-calico-ipam/plan`, see docs/plan-schema.md) and `plan.md` (for a
   * pull-request comment) into the stack's output folder at synth. With several CalicoIpam in one
   * stack, the files are named `<id>.plan.json` and `<id>.plan.md`.
   * @default true
   */
  readonly reports?: boolean;
}

/** Settings of the validation harness. */
export interface HarnessProps {
  /**
   * A pool whose address or block utilization is above this fraction gets a warning.
   * @default 0.8
   */
  readonly utilizationThreshold?: number;
  /**
   * Findings accepted on purpose: `{ code, subject?, reason }`, e.g.
   * `{ code: "BORROWED_ADDRESSES", subject: "IPPool/batch", reason: "batch pods are short-lived" }`.
   * They stay in the reports with their reason and no longer fail synth or warn.
   * @default - none
   */
  readonly acceptFindings?: AcceptedFinding[];
}

/** Where the ledger is and how synth may change it. */
export interface LedgerProps {
  /**
   * The ledger file, absolute or relative to the working directory.
   * @default "calico-ipam.lock.json"
   */
  readonly file?: string;
  /**
   * Fail synth if the ledger would change, listing the changes (for CI, like `npm ci` with a lock file).
   * @default - true when the environment variable `CALICO_IPAM_LEDGER` is `frozen` or the context key
   * `calico-ipam:ledger` is `frozen`, else false
   */
  readonly frozen?: boolean;
  /**
   * Draining pools (removed from the code, emitted disabled, kept in the ledger) that are drained: released, so that their objects are deleted and their ranges can be
   * handed out again. Only release a pool once no pod uses its addresses any more.
   * @default - none
   */
  readonly release?: string[];
}

/** The cdktf context key that can freeze the ledger (`cdktf synth -c calico-ipam:ledger=frozen` or cdktf.json `context`). */
export const LEDGER_CONTEXT_KEY = "calico-ipam:ledger";

/**
 * A cluster's Calico IPAM: owns its {@link IpPool}s and its {@link IpamConfiguration}, checks the rules
 * across pools (overlaps, duplicate names), reports every problem at synth with its construct path, and
 * writes the Calico objects as YAML beside the Terraform configuration.
 *
 * @example
 * const ipam = new CalicoIpam(stack, "ipam");
 * ipam.addPool("pods-v4", { cidr: "10.244.0.0/16", natOutgoing: true });
 * ipam.configure({ strictAffinity: true, maxBlocksPerHost: 8 });
 */
export class CalicoIpam extends Construct {
  /** Finds the CalicoIpam a construct belongs to (itself or its nearest enclosing one). */
  public static of(construct: IConstruct): CalicoIpam {
    for (const scope of construct.node.scopes.slice().reverse()) {
      if (scope instanceof CalicoIpam) return scope;
    }
    throw new Error(
      `${construct.node.path}: Calico IPAM objects must be created inside a CalicoIpam construct, e.g. new IpPool(ipam, "${construct.node.id}", {...}) where ipam = new CalicoIpam(stack, "ipam")`,
    );
  }

  /** The API group of emitted objects. */
  public readonly apiVersion: CalicoApiVersion;
  /** The kubernetes provider of the emitted resources, if one was given. */
  public readonly provider?: TerraformProvider;
  /** The YAML file name, or undefined when none is written. */
  public readonly yamlFileName?: string;
  /** Who owns the pools: Calico IPPool objects, or the operator's Installation. */
  public readonly poolOwner: "ippool" | "operator";
  /** The ledger file, or undefined when the ledger is off. */
  public readonly ledgerFile?: string;
  private readonly props: CalicoIpamProps;
  private readonly poolList: IpPool[] = [];
  private configuration?: IpamConfiguration;
  private readonly reservationList: IpReservation[] = [];
  private readonly namespaceList: NamespaceBinding[] = [];
  private readonly workloadList: WorkloadAddresses[] = [];
  private cachedPlan?: IpamPlan;
  private cachedReport?: { simulation?: SimulationResult; report: PlanReport };

  constructor(scope: Construct, id: string, props: CalicoIpamProps = {}) {
    super(scope, id);
    this.props = props;
    this.apiVersion = props.apiVersion ?? API_V3;
    this.poolOwner = props.poolOwner ?? "ippool";
    this.ledgerFile = props.ledger === false ? undefined : path.resolve(process.cwd(), props.ledger?.file ?? DEFAULT_LEDGER_FILE);
    this.provider = props.provider;
    this.yamlFileName = props.yamlFileName === false ? undefined : (props.yamlFileName ?? "calico-ipam.yaml");
    if (this.yamlFileName !== undefined && (this.yamlFileName === "" || path.basename(this.yamlFileName) !== this.yamlFileName)) {
      throw new Error(`${this.node.path}: yamlFileName must be a plain file name such as "calico-ipam.yaml", got "${this.yamlFileName}"`);
    }
    this.node.addValidation(new FindingsValidation(this, () => this.findingsFor(undefined)));
    this.node.addValidation({ validate: () => [...this.checkLedgerSharing(), ...this.checkPoolOwners()] });
    if (this.poolOwner === "operator") {
      new Manifest(this, "Installation", {
        provider: this.provider,
        manifest: Lazy.anyValue({ produce: () => this.plan().installation ?? {} }),
        // Server-side apply owns only the fields written here; the rest of the Installation stays with its owner.
        fieldManager: { name: "cdktf-calico-ipam" },
      });
    }
    // Pools removed from the code are known once every pool is declared: at synth, before validation.
    Aspects.of(this).add({ visit: (node) => (node === this ? this.addDrainingPools() : undefined) });
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        // Validations have passed when this runs, so the plan has no errors: record it.
        writePlanLedger(this.plan());
        this.writeYaml(session);
        this.writeReports(session);
      },
    });
    const outputId = sanitizeOutputId(id);
    new TerraformOutput(this, "Pools", {
      value: Lazy.anyValue({ produce: () => Object.fromEntries(this.plan().pools.map((p) => [p.manifest.metadata.name, p.manifest.spec.cidr])) }),
      description: "Calico IP pools of this cluster: pool name to CIDR",
    }).overrideLogicalId(`${outputId}_pools`);
  }

  /** The pools removed from the code that drain (see {@link DrainingIpPool}), added at synth. */
  public get drainingPools(): readonly DrainingIpPool[] {
    return this.node.children.filter((c): c is DrainingIpPool => c instanceof DrainingIpPool);
  }

  private addDrainingPools(): void {
    if (this.poolOwner !== "ippool" || this.drainingPools.length > 0) return;
    for (const p of this.plan().pools) {
      if (!p.draining) continue;
      const name = p.manifest.metadata.name;
      new DrainingIpPool(this, this.node.tryFindChild(name) === undefined ? name : `Draining-${name}`, p.manifest);
    }
  }

  /** Adds an IP pool. */
  public addPool(id: string, props: IpPoolProps): IpPool {
    return new IpPool(this, id, props);
  }

  /** Adds an IP reservation: addresses automatic assignment never hands out. */
  public addReservation(id: string, props: IpReservationProps): IpReservation {
    return new IpReservation(this, id, props);
  }

  /**
   * Declares a namespace: its labels and the pools it names by annotation. The construct id is
   * `Namespace-<name>`, so a pool and a namespace can share a name.
   */
  public addNamespace(name: string, props: Omit<NamespaceBindingProps, "name"> = {}): NamespaceBinding {
    return new NamespaceBinding(this, `Namespace-${name}`, { ...props, name });
  }

  /**
   * Declares a workload's addresses: fixed addresses (given, or picked once from a pool and kept by the
   * ledger) or pod-level pools. The construct id is `Workload-<namespace>-<name>`.
   */
  public addWorkload(name: string, props: Omit<WorkloadAddressesProps, "name">): WorkloadAddresses {
    return new WorkloadAddresses(this, `Workload-${props.namespace}-${name}`, { ...props, name });
  }

  /** Sets the cluster's IPAM configuration (once). */
  public configure(props: IpamConfigurationProps = {}): IpamConfiguration {
    return new IpamConfiguration(this, "Configuration", props);
  }

  /** The address spaces pools are carved from. */
  public get addressSpaces(): readonly AddressSpace[] {
    return this.props.addressSpaces ?? [];
  }

  /** The pools, in the order they were declared. */
  public get pools(): readonly IpPool[] {
    return [...this.poolList];
  }

  /** The address plan as a serializable spec. */
  public get spec(): IpamSpec {
    const p = this.props;
    return {
      apiVersion: this.apiVersion,
      ...(p.addressSpaces ? { addressSpaces: p.addressSpaces } : {}),
      ...(p.serviceCidrs ? { serviceCidrs: p.serviceCidrs } : {}),
      ...(p.nodeCidrs ? { nodeCidrs: p.nodeCidrs } : {}),
      ...(p.reservedRanges ? { reservedRanges: p.reservedRanges } : {}),
      ...(this.poolOwner === "operator" ? { poolOwner: "operator" as const, ...(p.installationName ? { installationName: p.installationName } : {}) } : {}),
      pools: this.poolList.map((p) => p.declaration),
      ...(this.configuration ? { ipamConfiguration: this.configuration.declaration } : {}),
      ...(this.reservationList.length > 0 ? { reservations: this.reservationList.map((r) => r.declaration) } : {}),
      ...(this.namespaceList.length > 0 ? { namespaces: this.namespaceList.map((n) => n.declaration) } : {}),
      ...(this.workloadList.length > 0 ? { workloads: this.workloadList.map((w) => w.declaration) } : {}),
    };
  }

  /** The resolved and validated plan. */
  public plan(): IpamPlan {
    this.cachedPlan ??= planIpam(this.spec, {
      file: this.ledgerFile,
      frozen: this.ledgerFrozen(),
      release: this.props.ledger === false ? undefined : this.props.ledger?.release,
    });
    return this.cachedPlan;
  }

  /** The allocation simulated over the plan, when a topology is declared. */
  public simulation(): SimulationResult | undefined {
    return this.reportState().simulation;
  }

  /** The plan report (the content of plan.json): pools, usage, headroom, findings. */
  public report(): PlanReport {
    return this.reportState().report;
  }

  private reportState(): { simulation?: SimulationResult; report: PlanReport } {
    if (!this.cachedReport) {
      const plan = this.plan();
      const simulation = this.props.topology
        ? simulatePlan(plan, { topology: this.props.topology, cni: this.props.cni, utilizationThreshold: this.props.harness?.utilizationThreshold })
        : undefined;
      const report = buildPlanReport(plan, simulation, { accepted: this.props.harness?.acceptFindings, generatedBy: "cdktf-calico-ipam" });
      this.cachedReport = { simulation, report };
    }
    return this.cachedReport;
  }

  /** Findings about one subject; `undefined` gives those no construct of this CalicoIpam claims. */
  private findingsFor(subject: string | undefined): ReportFinding[] {
    const findings = this.report().findings;
    if (subject !== undefined) return findings.filter((f) => f.subject === subject);
    const claimed = new Set<string>([
      ...this.poolList.map((p) => `IPPool/${p.poolName}`),
      ...this.reservationList.map((r) => `IPReservation/${r.declaration.name}`),
      ...this.namespaceList.map((n) => `Namespace/${n.namespaceName}`),
      ...this.workloadList.map((w) => `Workload/${w.namespace}/${w.workloadName}`),
      ...(this.configuration ? [this.configurationSubject()] : []),
    ]);
    return findings.filter((f) => !claimed.has(f.subject));
  }

  private configurationSubject(): string {
    return `${this.apiVersion === API_V3 ? "IPAMConfiguration" : "IPAMConfig"}/default`;
  }

  private ledgerFrozen(): boolean {
    return ledgerFrozen(this, this.props.ledger);
  }

  private checkPoolOwners(): string[] {
    const stack = TerraformStack.of(this);
    const others = stack.node
      .findAll()
      .filter((c): c is CalicoIpam => c instanceof CalicoIpam && c !== this && c.provider === this.provider && c.poolOwner !== this.poolOwner);
    return others.length === 0
      ? []
      : [
          `POOL_OWNERS_MIXED: this CalicoIpam has poolOwner "${this.poolOwner}" but ${others.map((o) => `${o.node.path} has "${o.poolOwner}"`).join(", ")} for the same cluster (provider); ` +
            "one owner per pool: IPPool objects beside the operator's Installation make the two fight over the pools (tigera/operator#5255). Choose one poolOwner",
        ];
  }

  private checkLedgerSharing(): string[] {
    if (this.ledgerFile === undefined) return [];
    const others = this.node.root.node
      .findAll()
      .filter((c): c is CalicoIpam => c instanceof CalicoIpam && c !== this && c.ledgerFile === this.ledgerFile);
    return others.length === 0
      ? []
      : [`LEDGER_SHARED: ${others.map((o) => o.node.path).join(", ")} use the same ledger file ${this.ledgerFile}; give each cluster its own with ledger: { file: "..." }`];
  }

  /** @internal */
  public _registerPool(pool: IpPool): void {
    this.poolList.push(pool);
    this.cachedPlan = undefined;
    this.cachedReport = undefined;
    pool.node.addValidation(new FindingsValidation(pool, () => this.findingsFor(`IPPool/${pool.poolName}`)));
  }

  /** @internal */
  public _poolIndex(pool: IpPool): number {
    return this.poolList.indexOf(pool);
  }

  /** @internal */
  public _registerReservation(reservation: IpReservation): void {
    this.reservationList.push(reservation);
    this.cachedPlan = undefined;
    this.cachedReport = undefined;
    reservation.node.addValidation(new FindingsValidation(reservation, () => this.findingsFor(`IPReservation/${reservation.declaration.name}`)));
  }

  /** @internal */
  public _registerNamespace(binding: NamespaceBinding): void {
    const twice = this.namespaceList.find((n) => n.namespaceName === binding.namespaceName);
    if (twice) throw new Error(`${binding.node.path}: namespace "${binding.namespaceName}" is already bound by ${twice.node.path}; bind each namespace once, with all its pools`);
    this.namespaceList.push(binding);
    this.cachedPlan = undefined;
    this.cachedReport = undefined;
    binding.node.addValidation(new FindingsValidation(binding, () => this.findingsFor(`Namespace/${binding.namespaceName}`)));
  }

  /** @internal */
  public _registerWorkload(workload: WorkloadAddresses): void {
    const twice = this.workloadList.find((w) => w.namespace === workload.namespace && w.workloadName === workload.workloadName);
    if (twice) throw new Error(`${workload.node.path}: workload ${workload.namespace}/${workload.workloadName} is already declared by ${twice.node.path}`);
    if (this.workloadList.length === 0) {
      // The reservation that keeps fixed addresses away from automatic assignment (one per cluster).
      new Manifest(this, "FixedAddressReservation", {
        provider: this.provider,
        manifest: Lazy.anyValue({
          produce: () => this.plan().reservations.find((r) => r.manifest.metadata.name === FIXED_ADDRESS_RESERVATION)?.manifest ?? {},
        }),
      });
    }
    this.workloadList.push(workload);
    this.cachedPlan = undefined;
    this.cachedReport = undefined;
    workload.node.addValidation(new FindingsValidation(workload, () => this.findingsFor(`Workload/${workload.namespace}/${workload.workloadName}`)));
  }

  /** @internal */
  public _reservationIndex(reservation: IpReservation): number {
    return this.reservationList.indexOf(reservation);
  }

  /** @internal */
  public _registerConfiguration(config: IpamConfiguration): void {
    if (this.configuration) {
      throw new Error(
        `${config.node.path}: ${this.node.path} already has an IPAM configuration (${this.configuration.node.path}); Calico reads a single one, named "default"`,
      );
    }
    this.configuration = config;
    this.cachedPlan = undefined;
    this.cachedReport = undefined;
    config.node.addValidation(new FindingsValidation(config, () => this.findingsFor(this.configurationSubject())));
  }

  private writeReports(session: { outdir: string; manifest: { forStack(stack: TerraformStack): { workingDirectory: string } } }): void {
    if (this.props.reports === false) return;
    const stack = TerraformStack.of(this);
    const siblings = stack.node.findAll().filter((c): c is CalicoIpam => c instanceof CalicoIpam && c.props.reports !== false);
    const prefix = siblings.length > 1 ? `${this.node.id}.` : "";
    const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    const report = this.report();
    writeFileAtomic(path.join(dir, `${prefix}plan.json`), JSON.stringify(report, null, 2) + "\n");
    writeFileAtomic(path.join(dir, `${prefix}plan.md`), renderPlanMarkdown(report));
  }

  private writeYaml(session: { outdir: string; manifest: { forStack(stack: TerraformStack): { workingDirectory: string } } }): void {
    if (this.yamlFileName === undefined) return;
    const stack = TerraformStack.of(this);
    // One file per stack: the first CalicoIpam of the stack writes the objects of all of them.
    const all = stack.node.findAll().filter((c): c is CalicoIpam => c instanceof CalicoIpam && c.yamlFileName === this.yamlFileName);
    if (all[0] !== this) return;
    const objects = all.flatMap((ipam) => planObjects(ipam.plan()));
    const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    const header = `Calico IPAM objects of stack "${stack.node.id}", generated by cdktf-calico-ipam. Do not edit: change the cdktf app and synthesize again.`;
    const notes = new Map<object, string>();
    for (const ipam of all) {
      const spaces = (ipam.props.addressSpaces ?? []).length > 0;
      for (const p of ipam.plan().pools) {
        // A pinned pool in a cluster without address spaces has nothing to explain.
        if (p.explanation && (p.source !== "pinned" || spaces)) notes.set(p.manifest, `${p.manifest.metadata.name}: ${p.explanation}`);
      }
    }
    writeFileAtomic(path.join(dir, this.yamlFileName), toMultiDocumentYaml(objects, header, (o) => notes.get(o)));
  }
}

/**
 * Turns findings into construct validation errors (so synth reports every problem at once, each with
 * its construct path) and warnings into cdktf annotations, once each.
 */
class FindingsValidation implements IValidation {
  private readonly warned = new Set<string>();
  constructor(
    private readonly scope: IConstruct,
    private readonly findings: () => readonly ReportFinding[],
  ) {}

  public validate(): string[] {
    const errors: string[] = [];
    for (const f of this.findings()) {
      if (f.accepted) continue; // accepted on purpose: in the reports, not in synth's way
      const where = f.source === "simulation" || f.subject === "plan" ? `${f.subject === "plan" ? "" : `${f.subject} `}${f.path || ""}`.trim() : f.path;
      const text = `${f.code} at ${where || "(object)"}: ${f.message}`;
      if (f.severity === "error") {
        errors.push(text);
      } else if (!this.warned.has(text)) {
        this.warned.add(text);
        Annotations.of(this.scope).addWarning(text);
      }
    }
    return errors;
  }
}

/** A Terraform output name from a construct id: letters, digits, `_` and `-`, starting with a letter. */
export function sanitizeOutputId(id: string): string {
  const clean = id.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z]/.test(clean) ? clean : `o_${clean}`;
}

/** Whether synth may change the ledger: the prop, else the environment variable, else the context key. */
export function ledgerFrozen(scope: IConstruct, ledger: LedgerProps | false | undefined): boolean {
  if (ledger === false) return false;
  if (ledger?.frozen !== undefined) return ledger.frozen;
  return process.env[LEDGER_MODE_ENV] === "frozen" || scope.node.tryGetContext(LEDGER_CONTEXT_KEY) === "frozen";
}
