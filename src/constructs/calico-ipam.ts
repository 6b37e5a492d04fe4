import path from "path";
import { Construct, IConstruct, IValidation } from "constructs";
import { API_V3, CalicoApiVersion } from "../model/calico";
import { FIXED_ADDRESS_RESERVATION, IpamPlan, LEDGER_MODE_ENV, planIpam, writePlanLedger } from "../plan/plan";
import { renderCalicoYaml } from "../render/plan-yaml";
import type { AddressSpace, IpamSpec, ReservedRange } from "../spec/types";
import { DEFAULT_LEDGER_FILE } from "../ledger";
import { buildPlanReport, planReportFiles } from "../report";
import { fleetSection, withFleet } from "../report/fleet";
import type { AcceptedFinding, PlanReport, ReportFinding } from "../report";
import { HarnessTopology, simulatePlan } from "../plan/harness";
import { harnessPlan, migrationReportInput } from "../plan/migration-harness";
import type { HarnessInitialState } from "../live/seed";
import type { SimulationResult } from "../simulator/result";
import type { CniConfig } from "../simulator/topology";
import type { FleetClusterDeclaration } from "../fleet";
import type { Finding } from "../validation/finding";
import { AddressPlan, Fleet, FleetMember } from "./address-plan";
import { IpPool, IpPoolProps } from "./ip-pool";
import { IpamConfiguration, IpamConfigurationProps } from "./ipam-configuration";
import { IpReservation, IpReservationProps } from "./ip-reservation";
import { NamespaceBinding, NamespaceBindingProps } from "./namespace-binding";
import { WorkloadAddresses, WorkloadAddressesProps } from "./workload-addresses";
import { DrainingIpPool, MigrationIpPool } from "./draining-pool";
import { ChangeBlockSizeProps, ChangeCidrProps, MigratePoolProps, PoolMigration, phaseProps, poolName } from "./pool-migration";
import { appIsValid, checkYamlFileName, writeOutputFile, requireProps, requireString } from "./checks";
import { Host, hostOf, SynthesisSession } from "./host/host";
import type { ITerraformProvider } from "./host/types";
import { guardSingleton, manifestImportId, SingletonProps } from "./singleton";
import { OPERATOR_API_VERSION } from "../operator/installation";

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
   * The operator's Installation, in operator mode: it exists before Terraform manages it (the operator's
   * install creates it), so `adopt: true` imports it with the ID
   * `apiVersion=operator.tigera.io/v1,kind=Installation,name=<installationName>`; it is protected from
   * `terraform destroy` (deleting it removes Calico) unless `protect: false`.
   * @default - protected, not adopted
   * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest#import
   */
  readonly installation?: SingletonProps;
  /**
   * The kubernetes provider the `kubernetes_manifest` resources use: `KubernetesProvider` from
   * `@cdktf/provider-kubernetes` (cdktf) or from this library (cdktf or CDK Terrain).
   * @default - the stack's default kubernetes provider
   */
  readonly provider?: ITerraformProvider;
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
   * Write `plan.json` (schema `cdktf-calico-ipam/plan`, see docs/plan-schema.md), `plan.md` (for a
   * pull-request comment), `plan.html` (the address map, one self-contained page) and `plan.svg` (a
   * static overview to attach to a pull request) into the stack's output folder at synth. With several
   * CalicoIpam in one stack, the files are named `<id>.plan.json`, `<id>.plan.md` and so on.
   * @default true
   */
  readonly reports?: boolean;
  /**
   * The stable name of this cluster in its fleet: the key of its section in the fleet ledger and its
   * name in reports and errors. Set it in a reusable cluster construct, so that refactoring the app
   * (renaming a stack or a construct) moves nothing. A DNS-1123 label, unique in the fleet.
   * @default - the stack's id when the stack holds one CalicoIpam, else `<stack id>-<id>`, in lower case
   */
  readonly clusterName?: string;
  /**
   * The address plan this cluster draws from, shared with the other clusters of the fleet: its address
   * spaces and exclusions are added to this cluster's, its ledger keeps this cluster's ranges in a
   * section of its own, and no two clusters that route to each other get overlapping ranges.
   * A `ledger.file` of this cluster is then an earlier per-cluster ledger, migrated into the plan's
   * ledger on the next synth.
   * @default - every CalicoIpam of the app without an address plan shares an implicit one: their pools
   * never overlap, and each keeps its ranges in its own ledger file (a section each where several
   * clusters share a file, as they do by default)
   */
  readonly addressPlan?: AddressPlan;
  /**
   * Clusters of the fleet this one never routes to (no BGP peering, mesh or VPN between them), so that
   * they may reuse the same ranges; `"all"` for every cluster but its {@link CalicoIpamProps.peers}.
   * Isolation is mutual: one side declaring it is enough. The reports list the ranges reused.
   * @default - none: the cluster's ranges are unique in the fleet
   */
  readonly isolatedFrom?: string[] | "all";
  /**
   * Clusters this one routes to although it is isolated from `"all"`: their ranges never overlap.
   * @default - none
   */
  readonly peers?: string[];
  /**
   * Sub-spaces of the {@link CalicoIpamProps.addressPlan} this cluster draws from, by name (see
   * `AddressPlanProps.subSpaces`), e.g. `["eu-west-v4", "eu-west-v6"]` for a region's ranges: the
   * cluster's pools of each sub-space's address space are carved inside it. A pool may also name a
   * sub-space as its `addressSpace`.
   * @default - none: the cluster draws from the plan's address spaces
   */
  readonly subSpaces?: string[];
  /**
   * Service CIDRs and node networks this cluster draws from its {@link CalicoIpamProps.addressPlan}
   * instead of declaring them (`serviceCidrs`/`nodeCidrs`, which it then must not set), each by size:
   * carved fleet-wide like pools (no cluster that routes to it, and none of its own pools, uses them),
   * kept where they are by its section of the fleet ledger (`drawnRanges`), then used as its Service
   * CIDRs and node networks. Read them from {@link CalicoIpam.serviceCidrs}/{@link CalicoIpam.nodeCidrs}
   * or the Terraform output `<id>_drawn_ranges` to configure the cluster.
   * @example { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }], nodeCidrs: [{ addressSpace: "nodes-v4", prefixLength: 20 }] }
   * @default - none: the cluster's Service CIDRs and node networks are those declared
   */
  readonly drawnRanges?: CalicoIpamDrawnRanges;
}

/** The Service CIDRs and node networks a cluster draws from its address plan (see `CalicoIpamProps.drawnRanges`). */
export interface CalicoIpamDrawnRanges {
  /**
   * Its Service CIDRs (kube-apiserver's `--service-cluster-ip-range`), at most one per family, the
   * primary family first. kube-apiserver accepts at most 2^20 addresses: a /12 or longer for IPv4, a
   * /108 or longer for IPv6.
   * @see https://github.com/kubernetes/kubernetes/blob/master/cmd/kube-apiserver/app/options/validation.go
   * @default - none
   */
  readonly serviceCidrs?: CalicoIpamDrawnRange[];
  /** Its node networks, at most one per family. @default - none */
  readonly nodeCidrs?: CalicoIpamDrawnRange[];
}

/** One range drawn from an address plan: its size and the plan's address space it is drawn from. */
export interface CalicoIpamDrawnRange {
  /** An address space of the address plan (not a sub-space), e.g. `services-v4`; its family is the range's. */
  readonly addressSpace: string;
  /** The prefix length, e.g. 16 for a /16. */
  readonly prefixLength: number;
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
   * They stay in the reports with their reason and no longer fail synth or warn. The same key as
   * `harness.acceptedFindings` in a spec file.
   * @default - none
   */
  readonly acceptedFindings?: AcceptedFinding[];
  /**
   * The former spelling of {@link acceptedFindings}; still honoured, with a deprecation warning.
   * @deprecated use `acceptedFindings`, the spelling of spec files
   * @default - none
   */
  readonly acceptFindings?: AcceptedFinding[];
  /**
   * Start the harness from a live cluster's state instead of an empty cluster: `{ dumps: [...] }` names
   * dump files (`kubectl get … -o yaml|json` of Calico's IPAM objects, nodes and optionally pods; see
   * docs/inspect.md), relative to the working directory (the folder of cdktf.json under `cdktf synth`).
   * Their blocks, affinities and allocations are the starting state and their nodes join
   * {@link CalicoIpamProps.topology}'s; a block outside the declared pools fails synth. `takenAt`
   * (RFC 3339) says when the dump was taken.
   * @default - an empty cluster
   * @see https://docs.tigera.io/calico/latest/reference/resources/ipamblock
   */
  readonly initialState?: HarnessInitialState;
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
   * handed out again. Only release a pool once no pod uses its addresses any more. With an address plan, a
   * draining drawn range (see {@link drawnRanges}) is released by its key, e.g. `service-ipv4`, once no Service uses it.
   * @default - none
   */
  readonly release?: string[];
  /**
   * When a ledger file written for this one cluster starts keeping several (another CalicoIpam of the
   * app uses the same file): this cluster owns the pools recorded at its top level, which move into
   * its section. Needed only when the other clusters declare pools of the same names.
   * @default false
   */
  readonly legacyOwner?: boolean;
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
export class CalicoIpam extends Construct implements FleetMember {
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
  public readonly provider?: ITerraformProvider;
  /** @internal The host framework (cdktf or CDK Terrain) this construct lives in. */
  public readonly _host: Host;
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
  private readonly migrationList: PoolMigration[] = [];
  private cachedPlan?: IpamPlan;
  private cachedReport?: { simulation?: SimulationResult; report: PlanReport };
  private readonly fleet: Fleet;
  private cachedFleetReport?: PlanReport;
  /** @internal */
  public readonly _clusterName?: string;

  constructor(scope: Construct, id: string, props: CalicoIpamProps = {}) {
    super(scope, id);
    requireProps(this.node.path, props ?? {}, "{ addressSpaces: [...] }");
    props = props ?? {};
    this._host = hostOf(this);
    const { Lazy, TerraformOutput } = this._host.lib;
    this.props = props;
    this.apiVersion = props.apiVersion ?? API_V3;
    this.poolOwner = props.poolOwner ?? "ippool";
    this._clusterName = props.clusterName;
    this.fleet = props.addressPlan?._fleet ?? Fleet.ofApp(this);
    this.ledgerFile =
      props.ledger === false
        ? undefined
        : props.addressPlan
          ? props.addressPlan.ledgerFile
          : path.resolve(process.cwd(), props.ledger?.file ?? DEFAULT_LEDGER_FILE);
    this.provider = props.provider;
    this.yamlFileName = props.yamlFileName === false ? undefined : (props.yamlFileName ?? "calico-ipam.yaml");
    if (this.yamlFileName !== undefined) checkYamlFileName(this.node.path, this.yamlFileName);
    if (this.poolOwner !== "ippool" && this.poolOwner !== "operator") {
      throw new Error(`${this.node.path}: poolOwner must be "ippool" (IPPool objects) or "operator" (the Tigera operator's Installation), got ${JSON.stringify(this.poolOwner)}`);
    }
    this.node.addValidation(new FindingsValidation(this._host, this, () => this.findingsFor(undefined)));
    if (props.harness?.acceptFindings !== undefined) {
      this._host.lib.Annotations.of(this).addWarning("harness.acceptFindings is deprecated: rename it to harness.acceptedFindings (the spelling of spec files); both are honoured");
    }
    this.node.addValidation({ validate: () => this.checkPoolOwners() });
    // The fleet's own findings once, on the cluster synth validates first; the others fail with FLEET_NOT_CARVED.
    this.node.addValidation(new FleetValidation(this._host, this, () => (this.inFleet() && this.fleet.reporter() === this ? this.fleet.plan().findings : [])));
    this.fleet.add(this);
    if (this.poolOwner === "operator") {
      const installation = new this._host.resources.Manifest(this, "Installation", {
        provider: this.provider,
        manifest: Lazy.anyValue({ produce: () => this.plan().installation ?? {} }),
        // Server-side apply owns only the fields written here; the rest of the Installation stays with its owner.
        fieldManager: { name: "cdktf-calico-ipam" },
      });
      const name = props.installationName ?? "default";
      guardSingleton(installation, props.installation ?? {}, manifestImportId(OPERATOR_API_VERSION, "Installation", name), this.provider, `${this.node.path}/Installation`);
    }
    // Pools removed from the code are known once every pool is declared: at synth, before validation.
    this._host.lib.Aspects.of(this).add({ visit: (node) => (node === this ? this.addDrainingPools() : undefined) });
    this._host.addCustomSynthesis(this, {
      onSynthesize: (session) => {
        this.writeYaml(session);
        this.writeReports(session);
        // The ledger last, so a failed write above leaves it untouched, and only when every stack of
        // the app is valid: cdktf validates and writes one stack after the other.
        if (appIsValid(this)) {
          if (this.inFleet()) this.fleet.writeLedgers();
          else writePlanLedger(this.plan());
        }
      },
    });
    const outputId = sanitizeOutputId(id);
    new TerraformOutput(this, "Pools", {
      value: Lazy.anyValue({ produce: () => Object.fromEntries(this.plan().pools.map((p) => [p.manifest.metadata.name, p.manifest.spec.cidr])) }),
      description: "Calico IP pools of this cluster: pool name to CIDR",
    }).overrideLogicalId(`${outputId}_pools`);
    if (props.drawnRanges !== undefined) {
      if (props.addressPlan === undefined) {
        throw new Error(`${this.node.path}: drawnRanges draws the cluster's Service CIDRs and node networks from an address plan: give the CalicoIpam an addressPlan, or declare serviceCidrs/nodeCidrs instead`);
      }
      new TerraformOutput(this, "DrawnRanges", {
        value: Lazy.anyValue({ produce: () => ({ serviceCidrs: this.serviceCidrs, nodeCidrs: this.nodeCidrs }) }),
        description: "The Service CIDRs and node networks this cluster drew from its address plan, to configure the cluster with",
      }).overrideLogicalId(`${outputId}_drawn_ranges`);
    }
  }

  /** The pools removed from the code that drain (see {@link DrainingIpPool}), added at synth. */
  public get drainingPools(): readonly DrainingIpPool[] {
    return this.node.children.filter((c): c is DrainingIpPool => c instanceof DrainingIpPool);
  }

  /** The pools migrations emit that no {@link IpPool} declares (see {@link MigrationIpPool}), added at synth. */
  public get migrationPools(): readonly MigrationIpPool[] {
    return this.node.children.filter((c): c is MigrationIpPool => c instanceof MigrationIpPool);
  }

  /** The migrations declared in this CalicoIpam, in declaration order. */
  public get migrations(): readonly PoolMigration[] {
    return [...this.migrationList];
  }

  /**
   * At synth, once every pool is declared: a construct for each planned pool no IpPool declares
   * (draining pools, a migration's temporary pool or source), each under the pool's name so that its
   * Terraform address is the one `addPool(name)` had; and no resource for a declared pool a migration
   * deletes in this phase.
   */
  private addDrainingPools(): void {
    if (this.poolOwner !== "ippool" || this.drainingPools.length > 0 || this.migrationPools.length > 0) return;
    const plan = this.plan();
    const declared = new Map(this.poolList.map((p) => [p.poolName, p]));
    for (const pool of this.poolList) {
      if (plan.pools.some((p) => p.manifest.metadata.name === pool.poolName)) continue;
      // Deleted by a migration in this phase: the construct stays in code, its object goes.
      pool.node.tryRemoveChild("Resource");
      pool.node.tryRemoveChild("Cidr");
    }
    for (const p of plan.pools) {
      const name = p.manifest.metadata.name;
      const own = declared.get(name);
      if (own) {
        if (p.importExisting && own.resource) this.importPool(own.resource, name);
        continue;
      }
      const id = this.node.tryFindChild(name) === undefined ? name : `Draining-${name}`;
      const made = p.draining ? new DrainingIpPool(this, id, p.manifest) : new MigrationIpPool(this, id, p.manifest);
      if (p.importExisting) this.importPool(made.resource, name);
    }
  }

  /** A pool that exists in the cluster, not created by Terraform: imported before it is changed. */
  private importPool(resource: { importFrom(id: string, provider?: ITerraformProvider): void }, name: string): void {
    resource.importFrom(manifestImportId(this.apiVersion, "IPPool", name), this.provider);
  }

  /** Adds an IP pool. */
  public addPool(id: string, props: IpPoolProps): IpPool {
    return new IpPool(this, id, requireProps(`${this.node.path}/${id}`, props, '{ cidr: "10.244.0.0/16" } or { prefixLength: 20 }'));
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
    requireProps(`${this.node.path}/Workload-${String(name)}`, props, '{ namespace: "team-a", addresses: ["10.244.0.10"] }');
    requireString(`${this.node.path}/Workload-${String(name)}`, props.namespace, "namespace (the namespace of the workload's pods)");
    return new WorkloadAddresses(this, `Workload-${props.namespace}-${name}`, { ...props, name });
  }

  /**
   * Moves pods from one pool to another, as Calico's "Migrate from one IP pool to another", in three
   * phases: 1 `add-target`, 2 `disable-source` (then restart the pods on it), 3 `delete-source`. Raise
   * `phase` by one per synth and apply, once the manual step is done; plan.md shows it. Also the way to
   * give a pool another CIDR under a new name, and to leave Calico's auto-created `default-ipv4-ippool`.
   *
   * @example
   * const v2 = ipam.addPool("pods-v2", { prefixLength: 20 });
   * ipam.migratePool({ from: "pods", to: v2, phase: 1 });
   * @see https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools
   */
  public migratePool(props: MigratePoolProps): PoolMigration {
    const where = `${this.node.path}/migratePool`;
    phaseProps(where, props, '{ from: "pods", to: "pods-v2", phase: 1 }');
    const from = poolName(props.from, where, "from");
    const to = poolName(props.to, where, "to");
    return new PoolMigration(this, { ...(props.name !== undefined ? { name: props.name } : {}), phase: props.phase, migratePool: { from, to } }, `migrate-${from}`);
  }

  /**
   * Changes a pool's block size (immutable in Calico), as Calico's "Change IP pool block size", through a
   * temporary pool carved from free space, in six phases: 1 `add-temporary`, 2 `disable-original` (restart
   * its pods), 3 `delete-original`, 4 `recreate-original` (new block size, same CIDR), 5
   * `disable-temporary` (restart its pods), 6 `delete-temporary`. Keep the pool declared; once done, set
   * its `blockSize` and remove the migration.
   *
   * @example
   * ipam.changeBlockSize(pods, { blockSize: 24, phase: 1 });
   * @see https://docs.tigera.io/calico/latest/networking/ipam/change-block-size
   */
  public changeBlockSize(pool: IpPool | string, props: ChangeBlockSizeProps): PoolMigration {
    const where = `${this.node.path}/changeBlockSize`;
    phaseProps(where, props, "{ blockSize: 24, phase: 1 }");
    const name = poolName(pool, where, "pool");
    const { phase, name: migration, ...change } = props;
    return new PoolMigration(this, { ...(migration !== undefined ? { name: migration } : {}), phase, changeBlockSize: { pool: name, ...change } }, `block-size-${name}`);
  }

  /**
   * Changes a pool's CIDR (immutable in Calico) while keeping its name, through a temporary pool, in the
   * six phases of {@link changeBlockSize}; the pool is recreated at `cidr` in phase 4. To move pods to a
   * pool of another name, use {@link migratePool}.
   * @see https://docs.tigera.io/calico/latest/networking/ipam/change-block-size
   */
  public changeCidr(pool: IpPool | string, props: ChangeCidrProps): PoolMigration {
    const where = `${this.node.path}/changeCidr`;
    phaseProps(where, props, '{ cidr: "10.48.0.0/20", phase: 1 }');
    const name = poolName(pool, where, "pool");
    const { phase, name: migration, ...change } = props;
    return new PoolMigration(this, { ...(migration !== undefined ? { name: migration } : {}), phase, changeCidr: { pool: name, ...change } }, `cidr-${name}`);
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
      ...(this.migrationList.length > 0 ? { migrations: this.migrationList.map((m) => m.declaration) } : {}),
    };
  }

  /**
   * The cluster's Service CIDRs: those drawn from its address plan (see {@link CalicoIpamProps.drawnRanges}),
   * else those declared, in order; empty while the fleet's plan has errors. Read it once every cluster
   * of the fleet is declared (at synth, e.g. in a `Lazy`), since drawing depends on all of them.
   */
  public get serviceCidrs(): string[] {
    return this.rangesOf("service");
  }

  /** The cluster's node networks: those drawn from its address plan, else those declared (see {@link CalicoIpam.serviceCidrs}). */
  public get nodeCidrs(): string[] {
    return this.rangesOf("node");
  }

  private rangesOf(kind: "service" | "node"): string[] {
    const declared = kind === "service" ? this.props.serviceCidrs : this.props.nodeCidrs;
    const asked = kind === "service" ? this.props.drawnRanges?.serviceCidrs : this.props.drawnRanges?.nodeCidrs;
    if ((asked ?? []).length === 0 || !this.inFleet()) return [...(declared ?? [])];
    const name = this.clusterName;
    const c = this.fleet.plan().clusters.find((x) => x.name === name);
    return (c?.drawnRanges ?? []).filter((r) => r.kind === kind).map((r) => r.cidr);
  }

  /**
   * The cluster's name in its fleet (see {@link CalicoIpamProps.clusterName}).
   */
  public get clusterName(): string {
    return this.fleet.nameOf(this);
  }

  /** The resolved and validated plan. */
  public plan(): IpamPlan {
    if (this.inFleet()) {
      const name = this.clusterName;
      this.cachedPlan ??= this.fleet.plan().clusters.find((c) => c.name === name)!.plan;
      return this.cachedPlan;
    }
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
    const own = this.reportState().report;
    if (!this.inFleet()) return own;
    if (!this.cachedFleetReport) {
      const name = this.clusterName;
      const plans = new Map(this.fleet.plan().clusters.map((c) => [c.name, c]));
      const fleet = fleetSection(
        name,
        this.fleet.clusters.map((m) => {
          const c = plans.get(this.fleet.nameOf(m))!;
          return { name: c.name, report: m._baseReport(), isolatedFrom: c.isolatedFrom, reuses: c.reuses, drawnRanges: c.drawnRanges, drainingDrawnRanges: c.drainingDrawnRanges };
        }),
        this.fleet.plan().subSpaces,
      );
      this.cachedFleetReport = withFleet(own, fleet);
    }
    return this.cachedFleetReport;
  }

  /** @internal The report of this cluster alone, without the fleet section. */
  public _baseReport(): PlanReport {
    return this.reportState().report;
  }

  private reportState(): { simulation?: SimulationResult; report: PlanReport } {
    if (!this.cachedReport) {
      const plan = this.plan();
      const initialState = this.props.harness?.initialState;
      const harness =
        this.props.topology || initialState
          ? { topology: this.props.topology ?? { nodes: [] }, cni: this.props.cni, utilizationThreshold: this.props.harness?.utilizationThreshold, initialState }
          : undefined;
      const simulation = harness ? simulatePlan(harnessPlan(plan, harness), harness) : undefined;
      const migrations = migrationReportInput(plan, harness);
      const report = buildPlanReport(plan, simulation, { accepted: acceptedFindings(this.props.harness), generatedBy: "cdktf-calico-ipam", ...(migrations ? { migrations } : {}) });
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
      ...this.migrationList.map((m) => `Migration/${m.migrationName}`),
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
    const stack = this._host.lib.TerraformStack.of(this);
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

  /** Whether this cluster is planned with others: it has an address plan, or the app has other CalicoIpam. */
  private inFleet(): boolean {
    return this.props.addressPlan !== undefined || this.fleet.clusters.length > 1;
  }

  /** @internal */
  public _fleetDeclaration(name: string, explicitPlan: boolean): FleetClusterDeclaration {
    const ledger = this.props.ledger;
    const own = ledger === false ? undefined : ledger?.file !== undefined ? path.resolve(process.cwd(), ledger.file) : undefined;
    const common = {
      frozen: this.ledgerFrozen(),
      ...(ledger && ledger.release ? { release: ledger.release } : {}),
      ...(ledger && ledger.legacyOwner ? { legacyOwner: true } : {}),
    };
    return {
      name,
      spec: this.spec,
      ...(this.props.isolatedFrom !== undefined ? { isolatedFrom: this.props.isolatedFrom } : {}),
      ...(this.props.peers !== undefined ? { peers: this.props.peers } : {}),
      ...(this.props.subSpaces !== undefined ? { subSpaces: this.props.subSpaces } : {}),
      ...(this.props.drawnRanges !== undefined ? { drawnRanges: this.props.drawnRanges } : {}),
      ledger:
        ledger === false
          ? false
          : explicitPlan
            ? { ...common, ...(own !== undefined ? { migrateFrom: own } : {}) }
            : { ...common, file: this.ledgerFile },
    };
  }

  /** @internal */
  public _invalidate(): void {
    this.cachedPlan = undefined;
    this.cachedReport = undefined;
    this.cachedFleetReport = undefined;
  }

  /** Forgets the plans of this cluster and of the rest of its fleet, after a change in code. */
  private changed(): void {
    this._invalidate();
    this.fleet.invalidate();
  }

  /** @internal */
  public _registerPool(pool: IpPool): void {
    this.poolList.push(pool);
    this.changed();
    pool.node.addValidation(new FindingsValidation(this._host, pool, () => this.findingsFor(`IPPool/${pool.poolName}`)));
  }

  /** @internal */
  public _poolIndex(pool: IpPool): number {
    return this.poolList.indexOf(pool);
  }

  /** @internal */
  public _registerReservation(reservation: IpReservation): void {
    this.reservationList.push(reservation);
    this.changed();
    reservation.node.addValidation(new FindingsValidation(this._host, reservation, () => this.findingsFor(`IPReservation/${reservation.declaration.name}`)));
  }

  /** @internal */
  public _registerNamespace(binding: NamespaceBinding): void {
    const twice = this.namespaceList.find((n) => n.namespaceName === binding.namespaceName);
    if (twice) throw new Error(`${binding.node.path}: namespace "${binding.namespaceName}" is already bound by ${twice.node.path}; bind each namespace once, with all its pools`);
    this.namespaceList.push(binding);
    this.changed();
    binding.node.addValidation(new FindingsValidation(this._host, binding, () => this.findingsFor(`Namespace/${binding.namespaceName}`)));
  }

  /** @internal */
  public _registerWorkload(workload: WorkloadAddresses): void {
    const twice = this.workloadList.find((w) => w.namespace === workload.namespace && w.workloadName === workload.workloadName);
    if (twice) throw new Error(`${workload.node.path}: workload ${workload.namespace}/${workload.workloadName} is already declared by ${twice.node.path}`);
    if (this.workloadList.length === 0) {
      // The reservation that keeps fixed addresses away from automatic assignment (one per cluster).
      new this._host.resources.Manifest(this, "FixedAddressReservation", {
        provider: this.provider,
        manifest: this._host.lib.Lazy.anyValue({
          produce: () => this.plan().reservations.find((r) => r.manifest.metadata.name === FIXED_ADDRESS_RESERVATION)?.manifest ?? {},
        }),
      });
    }
    this.workloadList.push(workload);
    this.changed();
    workload.node.addValidation(new FindingsValidation(this._host, workload, () => this.findingsFor(`Workload/${workload.namespace}/${workload.workloadName}`)));
  }

  /** @internal */
  public _registerMigration(migration: PoolMigration): void {
    const twice = this.migrationList.find((m) => m.migrationName === migration.migrationName);
    if (twice) throw new Error(`${migration.node.path}: migration "${migration.migrationName}" is already declared by ${twice.node.path}; give each migration its own name`);
    this.migrationList.push(migration);
    this.changed();
    migration.node.addValidation(new FindingsValidation(this._host, migration, () => this.findingsFor(`Migration/${migration.migrationName}`)));
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
    this.changed();
    config.node.addValidation(new FindingsValidation(this._host, config, () => this.findingsFor(this.configurationSubject())));
  }

  private writeReports(session: SynthesisSession): void {
    if (this.props.reports === false) return;
    const stack = this._host.lib.TerraformStack.of(this);
    const siblings = stack.node.findAll().filter((c): c is CalicoIpam => c instanceof CalicoIpam && c.props.reports !== false);
    const prefix = siblings.length > 1 ? `${this.node.id}.` : "";
    const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    const report = this.report();
    for (const [name, content] of planReportFiles(report, prefix)) writeOutputFile(this.node.path, path.join(dir, name), content);
  }

  private writeYaml(session: SynthesisSession): void {
    if (this.yamlFileName === undefined) return;
    const stack = this._host.lib.TerraformStack.of(this);
    // One file per stack: the first CalicoIpam of the stack writes the objects of all of them.
    const all = stack.node.findAll().filter((c): c is CalicoIpam => c instanceof CalicoIpam && c.yamlFileName === this.yamlFileName);
    if (all[0] !== this) return;
    const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    const header = `Calico IPAM objects of stack "${stack.node.id}", generated by cdktf-calico-ipam. Do not edit: change the cdktf app and synthesize again.`;
    const plans = all.map((ipam) => ({ plan: ipam.plan(), hasAddressSpaces: (ipam.props.addressSpaces ?? []).length > 0 }));
    writeOutputFile(this.node.path, path.join(dir, this.yamlFileName), renderCalicoYaml(plans, header));
  }
}

/**
 * Turns findings into construct validation errors (so synth reports every problem at once, each with
 * its construct path) and warnings into cdktf annotations, once each.
 */
class FindingsValidation implements IValidation {
  private readonly warned = new Set<string>();
  constructor(
    private readonly host: Host,
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
        this.host.lib.Annotations.of(this.scope).addWarning(text);
      }
    }
    return errors;
  }
}

/** Turns the fleet's findings into validation errors and warnings on the one cluster that reports them. */
class FleetValidation implements IValidation {
  private readonly warned = new Set<string>();
  constructor(
    private readonly host: Host,
    private readonly scope: IConstruct,
    private readonly findings: () => readonly Finding[],
  ) {}

  public validate(): string[] {
    const errors: string[] = [];
    for (const f of this.findings()) {
      const text = `${f.code} at fleet ${f.path}: ${f.message}`;
      if (f.severity === "error") errors.push(text);
      else if (!this.warned.has(text)) {
        this.warned.add(text);
        this.host.lib.Annotations.of(this.scope).addWarning(text);
      }
    }
    return errors;
  }
}

/** The accepted findings of a harness, under the current spelling and the deprecated one. */
function acceptedFindings(harness: HarnessProps | undefined): AcceptedFinding[] | undefined {
  if (harness?.acceptFindings === undefined) return harness?.acceptedFindings;
  return [...(harness.acceptedFindings ?? []), ...harness.acceptFindings];
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
