/**
 * The plan of a fleet: every cluster's address plan from one address plan shared by all, carved
 * fleet-wide, each cluster's ranges kept by its section of the fleet ledger (or by a ledger file of its
 * own), and the ledgers written whole only when every cluster's plan is free of errors.
 */
import type { AddressSpaceDeclaration, CarveResult, ExclusionDeclaration } from "../carver";
import { Cidr, findOverlaps } from "../ip";
import {
  Ledger,
  LedgerChange,
  LedgerDrawnRange,
  LedgerEntry,
  LedgerError,
  clusterLedger,
  describeChange,
  diffLedgers,
  drawnRangeKey,
  emptyLedger,
  fleetLedger,
  freezeLedger,
  isEmptyLedger,
  readLedger,
  writeLedgersIfChanged,
} from "../ledger/ledger";
import { IpamPlan, LEDGER_MODE_ENV, planCarveInput, planHasErrors, planIpam } from "../plan/plan";
import type { AddressSpace, IpamSpec, ReservedRange } from "../spec/types";
import { Finding, error, hasErrors, sortFindings, warning } from "../validation/finding";
import { DrawnRangeRequest, FleetSubSpace, HeldRange, SubSpaceDeclaration, carveFleet } from "./carve-fleet";
import { readPublishedPlans } from "./published";

/** Where one cluster's ranges are kept. */
export interface FleetClusterLedger {
  /**
   * A ledger file of the cluster's own (the format of a single-cluster ledger). Several clusters
   * naming the same file share it, a section each.
   * @default - the fleet ledger file, a section keyed by the cluster name
   */
  readonly file?: string;
  /**
   * A per-cluster ledger file of an earlier version to migrate: while the fleet ledger has no section
   * for the cluster, the section is taken from this file, entry for entry. The file is only read.
   * @default - none
   */
  readonly migrateFrom?: string;
  /** Frozen (CI) mode for this cluster: a change to its ranges is an error. @default - the fleet's */
  readonly frozen?: boolean;
  /**
   * Draining pools of this cluster to release in this run, and draining drawn ranges by key (e.g.
   * `service-ipv4`: a Service CIDR it no longer draws, once no Service uses it). @default - none
   */
  readonly release?: readonly string[];
  /**
   * This cluster owns the pools its ledger file recorded at the top level, before the file kept
   * several clusters: they move into its section. @default false
   */
  readonly legacyOwner?: boolean;
}

/** One cluster of a fleet. */
export interface FleetClusterDeclaration {
  /** The stable cluster name (a DNS-1123 label): the key of its section in the fleet ledger. */
  readonly name: string;
  /**
   * The cluster's address plan. Its `addressSpaces` are added to the fleet's (a space of the same
   * name must have the same CIDR); its Service CIDRs, node networks and reserved ranges are kept clear
   * by every cluster it routes to.
   */
  readonly spec: IpamSpec;
  /**
   * Clusters this one never routes to, so that their ranges may overlap (a lab reusing production's
   * range); `"all"` for every cluster but its {@link peers}. The report says which ranges are reused.
   * @default - none: the cluster routes to every other cluster of the fleet
   */
  readonly isolatedFrom?: readonly string[] | "all";
  /** Clusters this one routes to although it is isolated from `"all"`. @default - none */
  readonly peers?: readonly string[];
  /** Where the cluster's ranges are kept; `false` for none (ranges may move between runs). @default - the fleet ledger */
  readonly ledger?: FleetClusterLedger | false;
  /**
   * The fleet's sub-spaces this cluster draws from, by name (see {@link FleetSpec.subSpaces}): its
   * pools of their address spaces are carved inside them.
   * @default - none: the cluster draws from the fleet's address spaces
   */
  readonly subSpaces?: readonly string[];
  /**
   * Service CIDRs and node networks the cluster draws from the fleet's address spaces instead of
   * declaring them (`spec.serviceCidrs`/`spec.nodeCidrs`, which it then must not have): carved fleet-wide
   * like pools, kept by its ledger section (`drawnRanges`), then used as its Service CIDRs and node
   * networks, in this order.
   * @default - none
   */
  readonly drawnRanges?: DrawnRanges;
}

/** The Service CIDRs and node networks a cluster draws from its fleet's address plan, each by size. */
export interface DrawnRanges {
  /**
   * The cluster's Service CIDRs (kube-apiserver's `--service-cluster-ip-range`), at most one per family,
   * the primary family first: a /12 or longer for IPv4, a /108 or longer for IPv6.
   * @default - none
   */
  readonly serviceCidrs?: readonly DrawnRangeSize[];
  /** The cluster's node networks, at most one per family. @default - none */
  readonly nodeCidrs?: readonly DrawnRangeSize[];
}

/** The size of a drawn range and the fleet address space it is drawn from. */
export interface DrawnRangeSize {
  /** A fleet address space (not a sub-space), e.g. `services-v4`; its family is the range's. */
  readonly addressSpace: string;
  /** The prefix length, e.g. 16 for a /16. */
  readonly prefixLength: number;
}

/** An address plan shared by the clusters of a fleet. */
export interface FleetSpec {
  /** The fleet's address spaces: every cluster draws its pools from them. @default - none */
  readonly addressSpaces?: readonly AddressSpace[];
  /** Service CIDRs of the fleet no pool may use. @default - none */
  readonly serviceCidrs?: readonly string[];
  /** Node networks of the fleet no pool may use. @default - none */
  readonly nodeCidrs?: readonly string[];
  /** Other ranges no pool of any cluster may use, each with its reason. @default - none */
  readonly reservedRanges?: readonly ReservedRange[];
  /**
   * Sub-spaces carved out of the fleet's address spaces like pools, kept where they are by the fleet
   * ledger's `subSpaces`, e.g. a /14 per region: the clusters given one (their `subSpaces`) carve
   * their pools inside it. No other cluster that routes to them uses it.
   * @default - none
   */
  readonly subSpaces?: readonly SubSpaceDeclaration[];
  /** The clusters. */
  readonly clusters: readonly FleetClusterDeclaration[];
}

/** How the fleet ledger takes part in a fleet plan. */
export interface FleetLedgerOptions {
  /** The fleet ledger file: a section per cluster that has no ledger file of its own. @default - none */
  readonly file?: string;
  /** Frozen (CI) mode for every cluster: any change to a ledger is an error that lists it. @default false */
  readonly frozen?: boolean;
  /**
   * Sections of clusters that are no longer in code, to delete: their pools were retired by an earlier
   * run, and no pod uses their ranges any more.
   * @default - none
   */
  readonly releaseClusters?: readonly string[];
  /**
   * Sub-spaces no longer declared (draining in the fleet ledger) to delete, so that their ranges can be
   * carved again; only once no cluster's pool lies in them.
   * @default - none
   */
  readonly releaseSubSpaces?: readonly string[];
  /**
   * Clusters planned by other apps that share the fleet ledger file: their sections are kept as they
   * are (never retired) and their ranges are kept clear.
   * @default - none
   */
  readonly external?: readonly string[];
  /**
   * Ranges other clusters hold that are published elsewhere (another app's plan file): kept clear.
   * @default - none
   */
  readonly held?: readonly HeldRange[];
  /**
   * Plan files other apps publish (a cluster's `plan.json`, or the JSON of `calico-ipam plan
   * fleet.yaml --format json`): every range their clusters hold is kept clear, and a recorded or pinned
   * range of this fleet that overlaps one is an error naming both clusters. A plain `plan.json` of a
   * cluster planned alone has no cluster name: give it as `{ file, cluster }`. Clusters of this fleet
   * found in a file are skipped (an app may list its own published file).
   * @default - none
   */
  readonly publishedPlans?: ReadonlyArray<string | { readonly file: string; readonly cluster?: string }>;
  /**
   * The cluster that owns the pools a single-cluster ledger recorded at the top level of the fleet
   * ledger file, before the file held several clusters.
   * @default - the only cluster of the file, when it has one
   */
  readonly legacyCluster?: string;
  /**
   * `always`: the fleet ledger file has a section per cluster even with one cluster (an explicit
   * address plan). `shared`: a file used by one cluster keeps the single-cluster format, so that an app
   * with one cluster writes the same bytes as before fleets existed.
   * @default "always"
   */
  readonly sections?: "always" | "shared";
}

/** One cluster of a fleet plan. */
export interface FleetClusterPlan {
  /** The cluster name. */
  readonly name: string;
  /** The cluster's address plan. */
  readonly plan: IpamPlan;
  /** The ledger file that keeps the cluster's ranges, if any. */
  readonly ledgerFile?: string;
  /** The clusters this one may overlap, sorted. */
  readonly isolatedFrom: readonly string[];
  /**
   * The Service CIDRs and node networks the cluster drew from the fleet's plan (see
   * {@link FleetClusterDeclaration.drawnRanges}), in the order asked; empty when it draws none or the
   * fleet has errors. They are also the plan's `serviceCidrs`/`nodeCidrs`.
   */
  readonly drawnRanges: ReadonlyArray<{ readonly kind: "service" | "node"; readonly family: 4 | 6; readonly cidr: string; readonly addressSpace: string }>;
  /**
   * The drawn ranges the cluster's ledger section keeps as `draining` (no longer asked for; reserved until
   * released), by key (`service-ipv4`); empty when none or the fleet has errors.
   */
  readonly drainingDrawnRanges: ReadonlyArray<{ readonly key: string; readonly kind: "service" | "node"; readonly family: 4 | 6; readonly cidr: string }>;
  /** Ranges this cluster shares with isolated clusters, for the reports. */
  readonly reuses: ReadonlyArray<{ readonly pool: string; readonly cidr: string; readonly cluster: string; readonly otherPool: string; readonly otherCidr: string }>;
}

/** The plan of a fleet. */
export interface FleetPlan {
  /** The clusters, by name. */
  readonly clusters: readonly FleetClusterPlan[];
  /** The fleet's sub-spaces as carved, by name, with the clusters that draw from each. */
  readonly subSpaces: readonly FleetSubSpace[];
  /** Problems of the fleet as a whole (names, isolation, ranges two clusters hold, ledger files). */
  readonly findings: readonly Finding[];
  /** Each ledger file after this plan, and what changes in it (with the cluster of each change). */
  readonly ledgers: ReadonlyArray<{ readonly file: string; readonly before: Ledger; readonly after: Ledger; readonly changes: readonly LedgerChange[] }>;
}

interface FileState {
  readonly file: string;
  readonly before: Ledger;
  readonly readable: boolean;
  readonly clusters: FleetClusterDeclaration[];
  readonly sectioned: boolean;
  /** Sections of clusters not planned here: kept (external) or retired (removed from code). */
  readonly kept: Array<readonly [string, Ledger, "retired"?]>;
  /** Whether the top-level pools were taken by a cluster. */
  adopted: boolean;
}

/**
 * Plans a fleet. Reads the ledger files (never writes them: see {@link writeFleetLedgers}); the same
 * function serves the constructs and the CLI.
 */
export function planFleet(spec: FleetSpec, options: FleetLedgerOptions = {}): FleetPlan {
  const findings: Finding[] = [];
  const clusters = [...spec.clusters].sort((a, b) => compare(a.name, b.name));
  const spaces = mergeSpaces(spec, clusters, findings);

  // Ledger files: each cluster's section, where it lives.
  const files = new Map<string, FileState>();
  const fileOf = (c: FleetClusterDeclaration) => (c.ledger === false ? undefined : (c.ledger?.file ?? options.file));
  for (const c of clusters) {
    const file = fileOf(c);
    if (file === undefined) continue;
    let state = files.get(file);
    if (!state) {
      const read = readOne(file, findings);
      state = { file, before: read.ledger, readable: read.readable, clusters: [], sectioned: false, kept: [], adopted: false };
      files.set(file, state);
    }
    state.clusters.push(c);
  }
  // The fleet ledger file keeps the sub-spaces, even when every cluster has a file of its own.
  if (options.file !== undefined && !files.has(options.file) && ((spec.subSpaces ?? []).length > 0 || (options.releaseSubSpaces ?? []).length > 0)) {
    const read = readOne(options.file, findings);
    files.set(options.file, { file: options.file, before: read.ledger, readable: read.readable, clusters: [], sectioned: true, kept: [], adopted: false });
  }
  const fleetFile = options.file !== undefined ? files.get(options.file) : undefined;
  const ledgerOf = new Map<string, Ledger>();
  const sourceOf = new Map<string, string>();
  const names = new Set(clusters.map((c) => c.name));
  const held: HeldRange[] = [...(options.held ?? []), ...readPublishedPlans(options.publishedPlans ?? [], names, findings)];
  for (const state of files.values()) {
    const hasSections = state.before.clusters !== undefined;
    const sectioned = hasSections || state.clusters.length !== 1 || state.before.subSpaces !== undefined || (state === fleetFile && (spec.subSpaces ?? []).length > 0) || ((options.sections ?? "always") === "always" && state.file === options.file);
    (state as { sectioned: boolean }).sectioned = sectioned;
    if (!sectioned) {
      ledgerOf.set(state.clusters[0].name, state.before);
      sourceOf.set(state.clusters[0].name, state.file);
      continue;
    }
    const topLevel = !isEmptyLedger(state.before);
    for (const c of state.clusters) {
      let ledger = clusterLedger(state.before, c.name);
      const migrateFrom = c.ledger === false ? undefined : c.ledger?.migrateFrom;
      if (state.before.clusters?.[c.name] === undefined && migrateFrom !== undefined && migrateFrom !== state.file) {
        const old = readOne(migrateFrom, findings);
        if (old.ledger.clusters !== undefined) {
          findings.push(
            error(
              "FLEET_MIGRATE_NOT_SINGLE",
              `clusters.${c.name}.ledger.migrateFrom`,
              `${migrateFrom} is a fleet ledger (it has "clusters"), not the ledger of cluster "${c.name}"; migrate from the cluster's own ledger file`,
            ),
          );
        } else if (!isEmptyLedger(old.ledger)) {
          ledger = old.ledger;
          sourceOf.set(c.name, migrateFrom);
          findings.push(
            warning(
              "FLEET_LEDGER_MIGRATED",
              `clusters.${c.name}.ledger`,
              `the ranges of cluster "${c.name}" are taken from ${migrateFrom} into its section of ${state.file}, entry for entry; ` +
                `commit ${state.file}, then delete ${migrateFrom} and the cluster's ledger file setting`,
            ),
          );
        }
      }
      ledgerOf.set(c.name, ledger);
      if (!sourceOf.has(c.name)) sourceOf.set(c.name, state.file);
    }
    if (topLevel) {
      const marked = state.clusters.filter((c) => c.ledger !== false && c.ledger?.legacyOwner === true).map((c) => c.name);
      const owner = options.legacyCluster ?? (marked.length === 1 ? marked[0] : undefined) ?? (state.clusters.length === 1 ? state.clusters[0].name : declaringOnly(state.clusters, state.before));
      const ownerInFile = state.clusters.find((c) => c.name === owner);
      if (ownerInFile === undefined || state.before.clusters?.[ownerInFile.name] !== undefined) {
        findings.push(
          error(
            "FLEET_LEDGER_UNNAMED_SECTION",
            "ledger",
            `${state.file} records ${Object.keys(state.before.pools).length} pool(s) at its top level, written when it kept a single cluster, ` +
              `and now keeps clusters ${state.clusters.map((c) => `"${c.name}"`).join(", ")}: say which cluster they belong to, with ledger: { legacyOwner: true } ` +
              `on that cluster's CalicoIpam (or legacyCluster on the AddressPlan's ledger); they then move into its section, entry for entry` +
              (ownerInFile ? `; cluster "${ownerInFile.name}" already has a section, so move the entries by hand` : ""),
          ),
        );
      } else {
        ledgerOf.set(ownerInFile.name, freezeLedger(Object.entries(state.before.pools), state.before));
        state.adopted = true;
      }
    }
    // Sections of clusters not in this plan.
    const release = new Set(options.releaseClusters ?? []);
    for (const [name, section] of Object.entries(state.before.clusters ?? {})) {
      if (names.has(name)) continue;
      const ledger = clusterLedger(state.before, name);
      if ((options.external ?? []).includes(name)) {
        state.kept.push([name, ledger, section.status]);
        for (const [pool, e] of Object.entries(section.pools)) held.push({ cluster: name, pool, cidr: e.cidr, source: `recorded in ${state.file} by another app` });
        for (const [key, r] of Object.entries(section.drawnRanges ?? {})) held.push({ cluster: name, pool: key, cidr: r.cidr, source: `drawn, recorded in ${state.file} by another app` });
        continue;
      }
      const allRetired = Object.values(section.pools).every((e) => e.status !== "active");
      if (release.has(name) && allRetired) continue; // released: the section is deleted
      if (release.has(name)) {
        findings.push(
          error(
            "FLEET_RELEASE_ACTIVE",
            "ledger.releaseClusters",
            `cannot release cluster "${name}" yet: this run only retires its pools, and its pods may still hold their addresses. ` +
              `Deploy its removal, wait until the cluster is gone, then release it`,
          ),
        );
      }
      const retired = freezeLedger(
        Object.entries(section.pools).map(([pool, e]): [string, LedgerEntry] => [pool, e.status !== "active" ? e : Object.freeze({ ...e, status: "draining" as const })]),
        ledger,
      );
      state.kept.push([name, retired, "retired"]);
      for (const [pool, e] of Object.entries(section.pools)) held.push({ cluster: name, pool, cidr: e.cidr, source: `cluster no longer in code, retired in ${state.file}` });
      for (const [key, r] of Object.entries(section.drawnRanges ?? {})) held.push({ cluster: name, pool: key, cidr: r.cidr, source: `a drawn range of a cluster no longer in code, in ${state.file}` });
    }
  }
  for (const name of options.releaseClusters ?? []) {
    if (names.has(name)) {
      findings.push(error("FLEET_RELEASE_ACTIVE", "ledger.releaseClusters", `cannot release cluster "${name}": it is still declared in code. Remove it from code first`));
    } else if (![...files.values()].some((s) => s.before.clusters?.[name] !== undefined)) {
      findings.push(error("FLEET_RELEASE_UNKNOWN", "ledger.releaseClusters", `cannot release cluster "${name}": no ledger has a section for it`));
    }
  }

  // Migrations record their phase in a single cluster's ledger; a fleet's sections have no place for them yet.
  for (const c of clusters) {
    if ((c.spec.migrations ?? []).length === 0) continue;
    findings.push(
      error(
        "MIGRATION_IN_FLEET",
        `clusters.${c.name}.migrations`,
        `cluster "${c.name}" declares pool migrations, but clusters planned together (an address plan, or several CalicoIpam in one app) cannot migrate pools yet: ` +
          `plan the cluster alone (its own app, or calico-ipam plan on its own spec file) while it migrates`,
      ),
    );
  }

  // Carving, all clusters at once; stopped when a ledger cannot be read or is ambiguous.
  // A pool may name a sub-space as its address space: the requests see each as a space of its family.
  const parentCidr = new Map(spaces.map((s) => [s.name, s.cidr]));
  const declaredSubSpaces = (spec.subSpaces ?? []).filter((d) => parentCidr.has(d.addressSpace) && !parentCidr.has(d.name));
  const requestSpaces = [...spaces, ...declaredSubSpaces.map((d) => ({ name: d.name, cidr: parentCidr.get(d.addressSpace)! }))];
  const inputs = clusters.map((c) => ({ c, input: planCarveInput(withSpaces(c.spec, requestSpaces)) }));
  const stop = hasErrors(findings) || [...files.values()].some((s) => !s.readable);
  const carved = carveFleet({
    spaces: spaces.map((s) => ({ name: s.name, cidr: s.cidr }) as AddressSpaceDeclaration),
    exclusions: fleetExclusions(spec),
    held,
    subSpaces: spec.subSpaces ?? [],
    subSpaceLedger: fleetFile?.before.subSpaces ?? {},
    releaseSubSpaces: options.releaseSubSpaces ?? [],
    clusters: inputs.map(({ c, input }) => ({
      name: c.name,
      requests: stop ? [] : input.requests,
      ledger: ledgerOf.get(c.name) ?? emptyLedger(),
      ...(sourceOf.has(c.name) ? { ledgerSource: sourceOf.get(c.name) } : {}),
      exclusions: input.exclusions,
      release: c.ledger === false ? undefined : c.ledger?.release,
      isolatedFrom: c.isolatedFrom,
      peers: c.peers,
      ...(c.subSpaces ? { subSpaces: c.subSpaces } : {}),
      ...(c.drawnRanges ? { drawnRanges: drawnRequests(c.drawnRanges) } : {}),
    })),
  });
  findings.push(...carved.findings);
  const stopResult = (c: FleetClusterDeclaration): CarveResult => ({
    pools: [],
    ledger: ledgerOf.get(c.name) ?? emptyLedger(),
    changes: [],
    findings: [error("FLEET_NOT_CARVED", "fleet", `nothing is carved for cluster "${c.name}" while the fleet's ledgers have errors (${[...new Set(findings.filter((f) => f.severity === "error").map((f) => f.code))].join(", ")}); they are listed with the fleet's findings`)],
  });

  const plans: FleetClusterPlan[] = clusters.map((c) => {
    const file = fileOf(c);
    const frozen = options.frozen || (c.ledger !== false && c.ledger?.frozen === true);
    const shared = file !== undefined && files.get(file)!.sectioned;
    // The cluster's report shows the sub-spaces it draws from beside the fleet's spaces.
    const own = declaredSubSpaces
      .filter((d) => (c.subSpaces ?? []).includes(d.name) || c.spec.pools.some((p) => p.addressSpace === d.name))
      .map((d) => ({ name: d.name, cidr: carved.subSpaces.find((x) => x.name === d.name)?.cidr ?? parentCidr.get(d.addressSpace)! }));
    const drawn = drawnOf(c, carved.drawnRanges.get(c.name), parentCidr);
    const draining = drainingOf(carved.drawnRanges.get(c.name));
    const plan = planIpam(withDrawn(withSpaces({ ...c.spec, migrations: undefined }, [...spaces, ...own]), drawn), {
      // Names the ledger in messages: the plan reads no file of its own.
      file: shared ? `${file} (cluster "${c.name}")` : file,
      ledger: ledgerOf.get(c.name) ?? emptyLedger(),
      carved: stop ? stopResult(c) : carved.clusters.get(c.name),
      frozen,
    });
    return { name: c.name, plan, ...(file !== undefined ? { ledgerFile: file } : {}), isolatedFrom: carved.isolated.get(c.name) ?? [], drawnRanges: drawn, drainingDrawnRanges: draining, reuses: [] };
  });
  addReuses(plans);

  const byName = new Map(plans.map((p) => [p.name, p]));
  const ledgers = [...files.values()]
    .sort((a, b) => compare(a.file, b.file))
    .map((state) => {
      let after: Ledger;
      if (!state.sectioned) {
        after = byName.get(state.clusters[0].name)!.plan.ledger;
      } else {
        const subSpaces = state === fleetFile ? carved.subSpaceLedger : state.before.subSpaces;
        const top =
          state.adopted || isEmptyLedger(state.before)
            ? freezeLedger([], { subSpaces })
            : freezeLedger(Object.entries(state.before.pools), { addresses: state.before.addresses, nodeCidrs: state.before.nodeCidrs, subSpaces });
        after = fleetLedger(top, [...state.clusters.map((c): readonly [string, Ledger] => [c.name, byName.get(c.name)!.plan.ledger]), ...state.kept]);
      }
      return { file: state.file, before: state.before, after, changes: diffLedgers(state.before, after) };
    });
  if (options.frozen) {
    // Changes no cluster's own plan lists: sections of clusters removed from code, migrations.
    const listed = ledgers.flatMap((l) => l.changes.filter((c) => c.cluster === undefined || !names.has(c.cluster)).map((c) => ({ file: l.file, c })));
    if (listed.length > 0) {
      findings.push(
        error(
          "LEDGER_FROZEN",
          "ledger",
          `the fleet ledger is frozen (${LEDGER_MODE_ENV}=frozen) but this plan would change it:\n` +
            listed.map(({ file, c }) => `  - ${file}: ${describeChange(c)}`).join("\n") +
            `\nRun the synth without ${LEDGER_MODE_ENV}=frozen, review the ledger diff and commit it`,
        ),
      );
    }
  }
  return { clusters: plans, subSpaces: carved.subSpaces, findings: sortFindings(findings), ledgers };
}

/** True when the fleet or any of its clusters has an error-level finding. */
export function fleetHasErrors(plan: FleetPlan): boolean {
  return hasErrors(plan.findings) || plan.clusters.some((c) => planHasErrors(c.plan));
}

/**
 * Writes every ledger file of a fleet plan that changed, all or nothing: each whole, and the files
 * together (see `writeLedgersIfChanged`: all temporary files first, then the renames; a failure at
 * any step leaves every file as it was; only a crash between the renames, microseconds, can leave
 * some files new and the others old). Writes nothing at all when the fleet or any cluster has an
 * error, so that no file records half a plan.
 * @returns the files written
 * @throws LedgerError naming the file that could not be read or written; then no file is changed
 */
export function writeFleetLedgers(plan: FleetPlan): string[] {
  if (fleetHasErrors(plan)) return [];
  return writeLedgersIfChanged(plan.ledgers.map((l) => ({ file: l.file, ledger: l.after })));
}

/**
 * The one cluster that declares every pool recorded at the top level of a ledger file, when exactly one
 * does: the cluster that wrote them.
 */
function declaringOnly(clusters: readonly FleetClusterDeclaration[], ledger: Ledger): string | undefined {
  const recorded = Object.entries(ledger.pools)
    .filter(([, e]) => e.status === "active")
    .map(([name]) => name);
  if (recorded.length === 0) return undefined;
  const declaring = clusters.filter((c) => recorded.every((name) => c.spec.pools.some((p) => p.name === name)));
  return declaring.length === 1 ? declaring[0].name : undefined;
}

function readOne(file: string, findings: Finding[]): { ledger: Ledger; readable: boolean } {
  try {
    return { ledger: readLedger(file) ?? emptyLedger(), readable: true };
  } catch (e) {
    if (!(e instanceof LedgerError)) throw e;
    findings.push(error(e.code, "ledger", e.message));
    return { ledger: emptyLedger(), readable: false };
  }
}

/** The fleet's address spaces and every cluster's own, each once; the same name with two CIDRs is an error. */
function mergeSpaces(spec: FleetSpec, clusters: readonly FleetClusterDeclaration[], findings: Finding[]): AddressSpace[] {
  const out: AddressSpace[] = [];
  const owner = new Map<string, { space: AddressSpace; by: string }>();
  const add = (space: AddressSpace, by: string) => {
    const first = owner.get(space.name);
    if (!first) {
      owner.set(space.name, { space, by });
      out.push(space);
    } else if (first.space.cidr !== space.cidr) {
      findings.push(
        error(
          "FLEET_SPACE_CONFLICT",
          `addressSpaces.${space.name}`,
          `address space "${space.name}" is ${first.space.cidr} in ${first.by} but ${space.cidr} in ${by}; the clusters of a fleet draw from ` +
            `one address plan, so declare each space once (in the fleet's address plan) or give the two spaces different names`,
        ),
      );
    }
  };
  for (const s of spec.addressSpaces ?? []) add(s, "the fleet's address plan");
  for (const c of clusters) for (const s of c.spec.addressSpaces ?? []) add(s, `cluster "${c.name}"`);
  return out;
}

/** A cluster's drawn ranges as requests of the fleet carving, Service CIDRs first. */
function drawnRequests(d: DrawnRanges): DrawnRangeRequest[] {
  return [
    ...(d.serviceCidrs ?? []).map((r) => ({ kind: "service" as const, addressSpace: r.addressSpace, prefixLength: r.prefixLength })),
    ...(d.nodeCidrs ?? []).map((r) => ({ kind: "node" as const, addressSpace: r.addressSpace, prefixLength: r.prefixLength })),
  ];
}

/** The ranges a cluster drew, in the order it asked for them. */
function drawnOf(c: FleetClusterDeclaration, record: Readonly<Record<string, LedgerDrawnRange>> | undefined, spaces: ReadonlyMap<string, string>): FleetClusterPlan["drawnRanges"] {
  if (record === undefined || c.drawnRanges === undefined) return [];
  const out: Array<FleetClusterPlan["drawnRanges"][number]> = [];
  for (const r of drawnRequests(c.drawnRanges)) {
    const space = spaces.get(r.addressSpace);
    const parsed = space !== undefined ? Cidr.tryParse(space) : undefined;
    if (!parsed?.ok) continue;
    const entry = record[drawnRangeKey(r.kind, parsed.cidr.family)];
    if (entry !== undefined) out.push({ kind: r.kind, family: entry.family, cidr: entry.cidr, addressSpace: r.addressSpace });
  }
  return out;
}

/** The drawn ranges a ledger section keeps as draining, by key. */
function drainingOf(record: Readonly<Record<string, LedgerDrawnRange>> | undefined): FleetClusterPlan["drainingDrawnRanges"] {
  return Object.entries(record ?? {})
    .filter(([, r]) => r.status === "draining")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, r]) => ({ key, kind: r.kind, family: r.family, cidr: r.cidr }));
}

/** The spec with the drawn ranges as its Service CIDRs and node networks. */
function withDrawn(spec: IpamSpec, drawn: FleetClusterPlan["drawnRanges"]): IpamSpec {
  if (drawn.length === 0) return spec;
  const services = drawn.filter((r) => r.kind === "service").map((r) => r.cidr);
  const nodes = drawn.filter((r) => r.kind === "node").map((r) => r.cidr);
  return { ...spec, ...(services.length > 0 ? { serviceCidrs: services } : {}), ...(nodes.length > 0 ? { nodeCidrs: nodes } : {}) };
}

function withSpaces(spec: IpamSpec, spaces: AddressSpace[]): IpamSpec {
  return { ...spec, addressSpaces: spaces };
}

function fleetExclusions(spec: FleetSpec): ExclusionDeclaration[] {
  return [
    ...(spec.serviceCidrs ?? []).map((cidr) => ({ cidr, kind: "service" as const, reason: "a Service CIDR of the fleet" })),
    ...(spec.nodeCidrs ?? []).map((cidr) => ({ cidr, kind: "node" as const, reason: "a node network of the fleet" })),
    ...(spec.reservedRanges ?? []).map((r) => ({ cidr: r.cidr, kind: "reserved" as const, reason: r.reason })),
  ];
}

/** Fills in the ranges isolated clusters share. */
function addReuses(plans: FleetClusterPlan[]): void {
  const all: Array<{ cluster: string; pool: string; cidr: Cidr }> = [];
  for (const p of plans) {
    for (const pool of p.plan.pools) {
      const parsed = pool.manifest.spec.cidr ? Cidr.tryParse(pool.manifest.spec.cidr) : undefined;
      if (parsed?.ok) all.push({ cluster: p.name, pool: pool.manifest.metadata.name, cidr: parsed.cidr });
    }
  }
  const byName = new Map(plans.map((p) => [p.name, p]));
  for (const [i, j] of findOverlaps(all.map((a) => a.cidr))) {
    const a = all[i];
    const b = all[j];
    if (a.cluster === b.cluster) continue;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const plan = byName.get(x.cluster)!;
      if (!plan.isolatedFrom.includes(y.cluster)) continue;
      (plan.reuses as FleetClusterPlan["reuses"][number][]).push({ pool: x.pool, cidr: x.cidr.toString(), cluster: y.cluster, otherPool: y.pool, otherCidr: y.cidr.toString() });
    }
  }
  for (const p of plans) (p.reuses as FleetClusterPlan["reuses"][number][]).sort((a, b) => compare(a.pool, b.pool) || compare(a.cluster, b.cluster));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
