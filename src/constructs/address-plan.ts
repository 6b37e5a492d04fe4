import path from "path";
import { Construct, IConstruct } from "constructs";
import { FleetClusterDeclaration, FleetLedgerOptions, FleetPlan, FleetSpec, planFleet, writeFleetLedgers } from "../fleet";
import { DEFAULT_LEDGER_FILE } from "../ledger";
import { LEDGER_MODE_ENV } from "../plan/plan";
import type { PlanReport } from "../report";
import { hostOf } from "./host/host";
import type { AddressSpace, ReservedRange } from "../spec/types";

/** The fleet ledger of an {@link AddressPlan}. */
export interface AddressPlanLedgerProps {
  /**
   * The fleet ledger file, absolute or relative to the working directory: a section per cluster, keyed
   * by its cluster name. Commit it; apps of other teams can share it (see `externalClusters`).
   * @default "calico-ipam.lock.json"
   */
  readonly file?: string;
  /**
   * Fail synth if the fleet ledger would change, listing the changes with their clusters.
   * @default - true when `CALICO_IPAM_LEDGER` is `frozen` or the context key `calico-ipam:ledger` is `frozen`
   */
  readonly frozen?: boolean;
  /**
   * Clusters removed from code whose sections (every pool retired by an earlier run) may be deleted,
   * so that their ranges can be carved again. Only once the cluster is gone.
   * @default - none
   */
  readonly releaseClusters?: string[];
  /**
   * Clusters of the fleet that other apps (other teams' repositories) synthesize into the same fleet
   * ledger file: their sections are kept as they are, and no cluster of this app gets their ranges.
   * @default - none
   */
  readonly externalClusters?: string[];
  /**
   * The cluster that owns the pools a single-cluster ledger recorded at the top level of the file
   * (written before the file kept several clusters); they move into its section.
   * @default - the only cluster, when the plan has one
   */
  readonly legacyCluster?: string;
  /**
   * Sub-spaces no longer declared (draining in the fleet ledger: their ranges stay reserved) to delete,
   * so that their ranges can be carved again.
   * @default - none
   */
  readonly releaseSubSpaces?: string[];
}

/** A plan file another app publishes, with the name of its cluster (see `AddressPlanProps.publishedPlans`). */
export interface AddressPlanPublishedPlan {
  /** The plan file, absolute or relative to the working directory. */
  readonly file: string;
  /** The cluster's name, for a `plan.json` of a cluster planned alone. @default - the name in the file, else the file name */
  readonly cluster?: string;
}

/** A sub-space of an {@link AddressPlan}: a range of one of its address spaces for some of its clusters. */
export interface AddressPlanSubSpace {
  /** A unique name among the plan's address spaces and sub-spaces (a Calico object name), e.g. `eu-west-v4`. */
  readonly name: string;
  /** The plan's address space it is carved from, e.g. `pods-v4`. */
  readonly addressSpace: string;
  /**
   * Its size: carved like a pool, as a CIDR of this prefix length (e.g. 14 for a /14 per region),
   * and kept where it is by the fleet ledger. Give this or `cidr`.
   * @default - none
   */
  readonly prefixLength?: number;
  /** Pinned by hand to this CIDR inside its address space. Give this or `prefixLength`. @default - none */
  readonly cidr?: string;
}

/** Properties of an {@link AddressPlan}. */
export interface AddressPlanProps {
  /**
   * The fleet's address spaces, e.g. `[{ name: "pods-v4", cidr: "10.32.0.0/12" }]`: every cluster of
   * the plan draws its pools from them, and no two clusters that route to each other get overlapping ranges.
   * @default - none: each cluster's own `addressSpaces`
   */
  readonly addressSpaces?: AddressSpace[];
  /**
   * Service CIDRs no pool of any cluster may use.
   * @default - none
   */
  readonly serviceCidrs?: string[];
  /**
   * Node networks no pool of any cluster may use.
   * @default - none
   */
  readonly nodeCidrs?: string[];
  /**
   * Other ranges no pool of any cluster may use, each with its reason.
   * @default - none
   */
  readonly reservedRanges?: ReservedRange[];
  /**
   * Sub-spaces carved out of the address spaces like pools and kept where they are by the fleet
   * ledger's `subSpaces`: a /14 per region, a /16 per cluster. A cluster given one (its
   * `subSpaces` prop) carves its pools of that address space inside it; no other cluster that routes
   * to it uses the range. A sub-space too small for its clusters' pools is an error naming both.
   * @default - none
   */
  readonly subSpaces?: AddressPlanSubSpace[];
  /**
   * Plan files that other apps (other teams' repositories) publish: a cluster's `plan.json` as synth
   * writes it, or the JSON of `calico-ipam plan fleet.yaml --format json`; paths absolute or relative
   * to the working directory. Every range their clusters hold is kept clear, and a recorded or pinned
   * range of this plan's clusters that overlaps one fails synth naming both clusters. A `plan.json` of
   * a cluster planned alone carries no cluster name: give it as `{ file, cluster }` (else it is named
   * after the file). Declaring a cluster of those files isolated (`isolatedFrom`) lets it be reused.
   * @default - none
   */
  readonly publishedPlans?: Array<string | AddressPlanPublishedPlan>;
  /**
   * The fleet ledger. `false` plans the fleet without memory (ranges may move between runs).
   * @default - `calico-ipam.lock.json` in the working directory
   */
  readonly ledger?: AddressPlanLedgerProps | false;
}

/** @internal What a fleet needs from one of its clusters. */
export interface FleetMember extends IConstruct {
  /** @internal */
  _fleetDeclaration(defaultName: string, explicitPlan: boolean): FleetClusterDeclaration;
  /** @internal */
  _invalidate(): void;
  /** @internal The cluster's report without the fleet section. */
  _baseReport(): PlanReport;
  /** @internal The cluster name given in code, if any. */
  readonly _clusterName?: string;
}

/**
 * @internal The clusters that share one address plan: an {@link AddressPlan}'s, or, without one, every
 * CalicoIpam of the app (each keeping its ranges in its own ledger file, a section each where several
 * share a file).
 */
export class Fleet {
  private readonly members: FleetMember[] = [];
  private cached?: { plan: FleetPlan; names: Map<FleetMember, string> };

  constructor(
    private readonly spec: () => Omit<FleetSpec, "clusters">,
    private readonly options: (scope: IConstruct) => FleetLedgerOptions,
    private readonly explicit: boolean,
  ) {}

  /** The implicit fleet of an app: every CalicoIpam without an AddressPlan. */
  public static ofApp(scope: IConstruct): Fleet {
    const root = scope.node.root;
    let fleet = APP_FLEETS.get(root);
    if (!fleet) {
      fleet = new Fleet(() => ({}), () => ({ sections: "shared" }), false);
      APP_FLEETS.set(root, fleet);
    }
    return fleet;
  }

  public add(member: FleetMember): void {
    this.members.push(member);
    this.invalidate();
  }

  /** The members of the fleet. */
  public get clusters(): readonly FleetMember[] {
    return this.members;
  }

  public invalidate(): void {
    if (this.cached === undefined) return;
    this.cached = undefined;
    for (const m of this.members) m._invalidate();
  }

  /** The cluster name of a member: its own, else its stack's id, else `<stack>-<id>`. */
  public nameOf(member: FleetMember): string {
    return this.state().names.get(member)!;
  }

  public plan(): FleetPlan {
    return this.state().plan;
  }

  /**
   * The member that reports the fleet's own findings, so that they appear once: the first in the app's
   * construct tree, whose stack synth validates first (the others fail with FLEET_NOT_CARVED).
   */
  public reporter(): FleetMember | undefined {
    if (this.members.length <= 1) return this.members[0];
    const order = this.members[0].node.root.node.findAll();
    return [...this.members].sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
  }

  /** Writes the fleet's ledgers when they changed and the whole fleet is free of errors. */
  public writeLedgers(): string[] {
    return writeFleetLedgers(this.plan());
  }

  private state(): { plan: FleetPlan; names: Map<FleetMember, string> } {
    if (!this.cached) {
      const names = new Map<FleetMember, string>();
      for (const m of this.members) names.set(m, m._clusterName ?? defaultClusterName(m, this.members));
      const clusters = this.members.map((m) => m._fleetDeclaration(names.get(m)!, this.explicit));
      const first = this.members[0];
      this.cached = { plan: planFleet({ ...this.spec(), clusters }, first ? this.options(first) : {}), names };
    }
    return this.cached;
  }
}

const APP_FLEETS = new WeakMap<IConstruct, Fleet>();

/**
 * The default cluster name: the stack's id when the stack has one cluster, else `<stack>-<id>`, as a
 * DNS-1123 label. Set `clusterName` so that renaming a stack or a construct moves nothing.
 */
function defaultClusterName(member: FleetMember, all: readonly FleetMember[]): string {
  const { TerraformStack } = hostOf(member).lib;
  const stack = TerraformStack.of(member);
  const alone = all.filter((m) => TerraformStack.of(m) === stack).length === 1;
  const raw = alone ? stack.node.id : `${stack.node.id}-${member.node.id}`;
  const label = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return label === "" ? "cluster" : label;
}

/**
 * An address plan shared by the clusters of a fleet: the fleet's address spaces and exclusions, and
 * one fleet ledger with a section per cluster. Each {@link CalicoIpam} given this plan (`addressPlan`)
 * draws its pools from it, and no two clusters that route to each other get overlapping ranges
 * unless they are declared isolated (`isolatedFrom`), which the reports show. Clusters in several
 * stacks of one app share it directly; apps of other teams share the committed fleet ledger.
 *
 * Create it in the app (or in any stack) and pass it to each cluster:
 *
 * @example
 * const plan = new AddressPlan(app, "addresses", { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }] });
 * new CalicoIpam(eastStack, "ipam", { addressPlan: plan, clusterName: "east" }).addPool("pods", { prefixLength: 16 });
 * new CalicoIpam(westStack, "ipam", { addressPlan: plan, clusterName: "west" }).addPool("pods", { prefixLength: 16 });
 */
export class AddressPlan extends Construct {
  /** The fleet ledger file, or undefined when the ledger is off. */
  public readonly ledgerFile?: string;
  /** @internal */
  public readonly _fleet: Fleet;
  private readonly props: AddressPlanProps;

  constructor(scope: Construct, id: string, props: AddressPlanProps = {}) {
    super(scope, id);
    this.props = props;
    const ledger = props.ledger;
    this.ledgerFile = ledger === false ? undefined : path.resolve(process.cwd(), ledger?.file ?? DEFAULT_LEDGER_FILE);
    this._fleet = new Fleet(
      () => ({
        ...(props.addressSpaces ? { addressSpaces: props.addressSpaces } : {}),
        ...(props.serviceCidrs ? { serviceCidrs: props.serviceCidrs } : {}),
        ...(props.nodeCidrs ? { nodeCidrs: props.nodeCidrs } : {}),
        ...(props.reservedRanges ? { reservedRanges: props.reservedRanges } : {}),
        ...(props.subSpaces ? { subSpaces: props.subSpaces } : {}),
      }),
      (member) => ({
        ...(this.ledgerFile !== undefined ? { file: this.ledgerFile } : {}),
        frozen: ledger === false ? false : (ledger?.frozen ?? (process.env[LEDGER_MODE_ENV] === "frozen" || member.node.tryGetContext("calico-ipam:ledger") === "frozen")),
        ...(ledger && ledger.releaseClusters ? { releaseClusters: ledger.releaseClusters } : {}),
        ...(ledger && ledger.externalClusters ? { external: ledger.externalClusters } : {}),
        ...(ledger && ledger.legacyCluster ? { legacyCluster: ledger.legacyCluster } : {}),
        ...(ledger && ledger.releaseSubSpaces ? { releaseSubSpaces: ledger.releaseSubSpaces } : {}),
        ...(props.publishedPlans
          ? { publishedPlans: props.publishedPlans.map((p) => (typeof p === "string" ? path.resolve(process.cwd(), p) : { ...p, file: path.resolve(process.cwd(), p.file) })) }
          : {}),
        sections: "always",
      }),
      true,
    );
  }

  /** The fleet's address spaces. */
  public get addressSpaces(): readonly AddressSpace[] {
    return this.props.addressSpaces ?? [];
  }

  /** The plan of every cluster of the fleet, carved together. */
  public plan(): FleetPlan {
    return this._fleet.plan();
  }
}
