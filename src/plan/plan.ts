import { carve, CarvedPool, CarveResult, PoolRequest, PoolSize } from "../carver";
import { Cidr, IpFamily } from "../ip";
import path from "path";
import { Ledger, LedgerChange, LedgerError, describeChange, diffLedgers, emptyLedger, readLedger, writeLedgerIfChanged } from "../ledger";
import type { LedgerEntry, LedgerMigration, LedgerPoolSpec } from "../ledger";
import { freezeLedger } from "../ledger/freeze";
import { SPEC_KEYS } from "../ledger/format";
import { interruptedLedgerWrites } from "../ledger/file";
import { API_CRD_V1, API_V3, CALICO_API_VERSIONS, IpPoolManifest, IpReservationManifest, IpamConfigurationManifest, POOL_DEFAULTS } from "../model/calico";
import { renderIpPool, renderIpReservation, renderIpamConfiguration } from "../render/manifests";
import { checkIpReservation } from "../validation/ip-reservation";
import type { IpamSpec, NamespaceBindingDeclaration, PoolDeclaration } from "../spec/types";
import { FirewallRange, checkNamespaceBindings, firewallRanges, namespaceAnnotations } from "./namespaces";
import { ResolvedAddress, resolveFixedAddresses } from "./fixed-addresses";
import { namespaceLabels } from "../simulator/topology";
import { InstallationManifest, renderInstallation, toInstallationIpPools } from "../operator";
import { PoolCatalog, choosePools, isPoolChoiceError } from "../simulator/precedence";
import { Finding, error, hasErrors, warning } from "../validation/finding";
import { EffectiveIpPool, checkIpPool, validateIpPools } from "../validation/ip-pool";
import { EffectiveIpamConfiguration, checkIpamConfiguration } from "../validation/ipam-configuration";
import { checkExclusivity } from "../validation/exclusivity";
import { PlannedMigration, unfoldMigrations } from "./migrations";
import { LEDGER_MODE_ENV } from "./ledger-mode";

/** One pool of a plan: the declaration's manifest, what Calico will make of it, and its findings. */
export interface PlannedPool {
  readonly manifest: IpPoolManifest;
  /** Calico's view of the pool with defaults applied; undefined when its CIDR could not be read or carved. */
  readonly effective?: EffectiveIpPool;
  /** How the range was found: "pinned" (written by hand), "carved" (new), "ledger" (kept from the ledger). */
  readonly source?: CarvedPool["source"];
  /** Why this range, in a sentence, e.g. "40 nodes × 2 blocks of /26 = 80 blocks → /19 (128 blocks); kept from the ledger". */
  readonly explanation?: string;
  /**
   * True for a pool removed from the code that the ledger records as draining: it is emitted disabled
   * (in operator mode with `nodeSelector: "!all()"`) with the spec the ledger recorded, so that pods
   * holding its addresses keep them while they are moved, until the pool is released as drained.
   * Draining pools come after the declared ones, in name order.
   */
  readonly draining?: boolean;
  /**
   * True for a pool that exists in the cluster without Terraform having created it (adopted from the
   * cluster) and that a migration now emits to disable it: the resource imports the live object first.
   */
  readonly importExisting?: boolean;
  readonly findings: readonly Finding[];
}

/** One IP reservation of a plan. */
export interface PlannedReservation {
  readonly manifest: IpReservationManifest;
  /** The reserved ranges that parsed. */
  readonly cidrs: readonly Cidr[];
  readonly findings: readonly Finding[];
}

/** One namespace of a plan. */
export interface PlannedNamespace {
  readonly binding: NamespaceBindingDeclaration;
  /** The Calico annotations the namespace gets (pool names as JSON arrays). */
  readonly annotations: Readonly<Record<string, string>>;
  /** The ranges its pods can get addresses from. */
  readonly firewall: FirewallRange;
  readonly findings: readonly Finding[];
}

/** One workload with fixed addresses or pod-level pools. */
export interface PlannedWorkload {
  readonly namespace: string;
  readonly workload: string;
  readonly addresses: readonly ResolvedAddress[];
  /** The annotations for its pod template. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly findings: readonly Finding[];
}

/** The IPReservation the plan adds to keep fixed addresses away from automatic assignment. */
export const FIXED_ADDRESS_RESERVATION = "calico-ipam-fixed-addresses";

/** How the ledger takes part in a plan. */
export interface PlanLedgerOptions {
  /**
   * The ledger file. Read when it exists; a file that cannot be read or parsed is an error finding,
   * and nothing is carved. `undefined` plans without memory: pools may move between runs (warned).
   */
  readonly file?: string;
  /** Frozen (CI) mode: any change the plan would make to the ledger is an error that lists the changes. */
  readonly frozen?: boolean;
  /** Draining pools to release from the ledger in this run (drained): their objects are deleted and their ranges can be handed out again. */
  readonly release?: readonly string[];
  /**
   * @internal The ledger to start from, given instead of read from `file` (a fleet plan passes each
   * cluster its section). `file` then only names it in messages, and the plan records no file of its own.
   */
  readonly ledger?: Ledger;
  /** @internal The carving, done by the caller (a fleet plan carves all its clusters at once) from {@link planCarveInput}. */
  readonly carved?: CarveResult;
}

/** The resolved address plan. */
export interface IpamPlan {
  readonly apiVersion: typeof API_V3 | typeof API_CRD_V1;
  /** In declaration order. */
  readonly pools: readonly PlannedPool[];
  readonly ipamConfiguration?: {
    readonly manifest: IpamConfigurationManifest;
    readonly effective?: EffectiveIpamConfiguration;
    readonly findings: readonly Finding[];
  };
  /** IP reservations, in declaration order. */
  readonly reservations: readonly PlannedReservation[];
  /** Operator mode: the Installation that carries the pools (instead of IPPool objects). */
  readonly installation?: InstallationManifest;
  /** Namespaces with their findings and firewall ranges, sorted by name. */
  readonly namespaces: readonly PlannedNamespace[];
  /** Workloads with fixed addresses or pod-level pools, in declaration order. */
  readonly workloads: readonly PlannedWorkload[];
  /** Findings about the plan as a whole (address spaces, exclusions, the ledger). */
  readonly findings: readonly Finding[];
  /** The ledger after this plan (the input ledger, unchanged, when the plan has errors). */
  readonly ledger: Ledger;
  /** What this plan changes in the ledger. */
  readonly ledgerChanges: readonly LedgerChange[];
  /** The ledger file this plan read, if any. */
  readonly ledgerFile?: string;
  /** True when the ledger file exists but could not be read or parsed (its error is among `findings`); nothing was carved. */
  readonly ledgerUnreadable?: boolean;
  /** The ranges around the pools, as declared: address spaces, and the ranges no pool may use. */
  readonly ranges?: PlanRanges;
  /** Pool migrations at their current phase, declaration order (see `./migrations`); absent when none is declared. */
  readonly migrations?: readonly PlannedMigration[];
}

/** The declared ranges around the pools, for the address map of the reports. */
export interface PlanRanges {
  /** Parent ranges pools are carved from, declaration order. */
  readonly addressSpaces: readonly { readonly name: string; readonly cidr: string }[];
  /** Service CIDRs, node networks and other reserved ranges, declaration order, each with its reason. */
  readonly excluded: readonly { readonly cidr: string; readonly kind: "service" | "node" | "reserved"; readonly reason: string }[];
}

export { LEDGER_MODE_ENV };

/**
 * Resolves an address plan: carves the pools that ask for room out of the address spaces (keeping
 * every range the ledger recorded), renders every object, applies Calico's defaults and validates
 * each object and the pools across each other. The same function serves the constructs and the CLI.
 * It reads the ledger but never writes it: see {@link writePlanLedger}.
 */
export function planIpam(spec: IpamSpec, ledgerOptions: PlanLedgerOptions = {}): IpamPlan {
  const findings: Finding[] = [];
  let apiVersion = spec.apiVersion ?? API_V3;
  if (!(CALICO_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    findings.push(error("API_VERSION_INVALID", "apiVersion", `apiVersion must be ${API_V3} (recommended) or ${API_CRD_V1}, got "${String(apiVersion)}"`));
    apiVersion = API_V3;
  }
  if (apiVersion === API_CRD_V1) {
    findings.push(
      warning(
        "CRD_V1_BYPASSES_VALIDATION",
        "apiVersion",
        `${API_CRD_V1} is Calico's internal storage API: writing it bypasses Calico's own validation, defaulting and pool overlap check (maintainers: "you are not supposed to work with v1 resources directly"). ` +
          `This library validates every object and writes Calico's defaults explicitly, but prefer ${API_V3}`,
      ),
    );
  }

  // The ledger: a file that cannot be read stops the carving; nothing is reallocated silently.
  const { ledger: ledgerIn, readable: ledgerReadable } = readPlanLedger(ledgerOptions, findings);

  // Migrations: the spec of their current phases, the pools they release, drain and import.
  const unfolded = unfoldMigrations(spec, ledgerIn, ledgerOptions.file !== undefined || ledgerOptions.ledger !== undefined);
  spec = unfolded.spec;
  findings.push(...unfolded.findings);
  const release = [...(ledgerOptions.release ?? []), ...unfolded.release.filter((n) => !(ledgerOptions.release ?? []).includes(n))];

  // Carving: every pool goes through the carver, pinned ones too, so the ledger records them and
  // catches a changed cidr or blockSize (both immutable in Calico).
  const { requests, exclusions, poolFindings } = planCarveInput(spec);
  const carvedByName = new Map<string, CarvedPool>();
  const ranges: PlanRanges = { addressSpaces: spec.addressSpaces ?? [], excluded: exclusions };
  let ledger = ledgerIn;
  let ledgerChanges: readonly LedgerChange[] = [];
  if (ledgerReadable) {
    const result =
      ledgerOptions.carved ??
      carve({
        spaces: ranges.addressSpaces,
        exclusions: ranges.excluded,
        requests,
        ledger: ledgerIn,
        release,
      });
    for (const p of result.pools) carvedByName.set(p.name, p);
    for (const f of result.findings) {
      // The pool validation names a duplicate pool once, on the second pool (POOL_DUPLICATE_NAME).
      if (f.code === "CARVE_DUPLICATE_POOL") continue;
      const m = /^pools\.(.+)$/.exec(f.path);
      if (m && spec.pools.some((p) => p.name === m[1])) {
        poolFindings.set(m[1], [...(poolFindings.get(m[1]) ?? []), { ...f, path: "spec.cidr" }]);
      } else {
        findings.push(f);
      }
    }
    // The plan's changes are its own diff of the ledgers (below), not the carver's `changes`: a first
    // run's are made only when read (see carve), and reading them here would make them for nothing.
    ledger = withMigrations(result.ledger, unfolded.drain, unfolded.records);
    if (ledgerOptions.file === undefined && ledgerOptions.ledger === undefined && spec.pools.some((p) => p.cidr === undefined)) {
      findings.push(
        warning("LEDGER_DISABLED", "ledger", "pools are carved without a ledger, so a pool added or removed later can move the others: enable the ledger file so handed-out ranges never move"),
      );
    }
  }

  // Pools removed from the code stay, disabled, until they are released as drained.
  const draining = drainingDeclarations(ledger, spec);
  const declarations = [...spec.pools, ...draining];
  const manifests = declarations.map((p) => {
    const carved = carvedByName.get(p.name);
    return renderIpPool({ ...p, cidr: carved ? carved.cidr.toString() : p.cidr }, apiVersion);
  });
  const perPool = validateIpPools(manifests);
  const effective = manifests.map((m) => checkIpPool(m).pool);
  const groups = new Map<string, string[]>();
  for (const p of spec.pools) if (p.exclusiveGroup !== undefined) groups.set(p.exclusiveGroup, [...(groups.get(p.exclusiveGroup) ?? []), p.name]);
  const exclusivity = checkExclusivity(
    effective.filter((p): p is EffectiveIpPool => p !== undefined),
    groups,
    (spec.namespaces ?? []).map((n) => ({ name: n.name, labels: namespaceLabels(n) })),
  );
  const pools: PlannedPool[] = manifests.map((manifest, i) => {
    const decl = declarations[i];
    const carved = carvedByName.get(decl.name);
    const own = poolFindings.get(decl.name) ?? [];
    // A pool that was to be carved and was not already has an error saying why; "CIDR missing" would mislead.
    const validation = decl.cidr === undefined && !carved ? perPool[i].filter((f) => f.code !== "POOL_CIDR_MISSING") : perPool[i];
    // The validation already says these in Calico's words; the carver's versions would repeat them.
    const said = new Set(validation.map((f) => f.code));
    const ownCarve = own.filter(
      (f) => !(f.code === "CARVE_POOL_OVERLAPS_POOL" && said.has("POOL_OVERLAP")) && !(f.code === "CARVE_POOL_OVERLAPS_SPECIAL_RANGE" && said.has("POOL_LINK_LOCAL")),
    );
    return {
      manifest,
      effective: effective[i],
      source: carved?.source,
      explanation: carved?.explanation ?? (i >= spec.pools.length ? DRAINING_EXPLANATION : undefined),
      ...(i >= spec.pools.length ? { draining: true } : {}),
      ...(unfolded.imports.includes(decl.name) ? { importExisting: true } : {}),
      findings: [...ownCarve, ...validation, ...(exclusivity.get(decl.name) ?? [])],
    };
  });
  if (ledgerReadable && ledgerOptions.file !== undefined) ledger = recordPoolSpecs(ledger, manifests.slice(0, spec.pools.length));
  let ipamConfiguration: IpamPlan["ipamConfiguration"];
  if (spec.ipamConfiguration) {
    const manifest = renderIpamConfiguration(spec.ipamConfiguration, apiVersion);
    const check = checkIpamConfiguration(manifest);
    ipamConfiguration = { manifest, effective: check.config, findings: check.findings };
  }
  const livePools = effective.filter((p): p is EffectiveIpPool => p !== undefined);
  // Operator mode: the pools go into the Installation; what the operator cannot express is an error on the pool.
  let installation: InstallationManifest | undefined;
  if (spec.poolOwner === "operator") {
    const mapped = toInstallationIpPools(livePools);
    installation = renderInstallation(mapped.ipPools, spec.installationName);
    for (const f of mapped.findings) {
      // Pool names may hold dots: match the longest name the path starts with.
      const target = pools
        .filter((p) => f.path === `pools.${p.manifest.metadata.name}` || f.path.startsWith(`pools.${p.manifest.metadata.name}.`))
        .sort((a, b) => b.manifest.metadata.name.length - a.manifest.metadata.name.length)[0];
      if (target) {
        const field = f.path.slice(`pools.${target.manifest.metadata.name}`.length + 1);
        (target.findings as Finding[]).push({ ...f, path: `installation.${field || "ipPools"}` });
      } else {
        findings.push(f);
      }
    }
  } else if (spec.poolOwner !== undefined && spec.poolOwner !== "ippool") {
    findings.push(error("POOL_OWNER_INVALID", "poolOwner", `poolOwner must be "ippool" or "operator", got "${String(spec.poolOwner)}"`));
  }
  const reservations: PlannedReservation[] = (spec.reservations ?? []).map((r) => {
    const manifest = renderIpReservation(r.name, r.reservedCidrs, apiVersion, r.labels);
    const check = checkIpReservation(manifest, livePools);
    return { manifest, cidrs: check.cidrs, findings: check.findings };
  });
  reservations.forEach((r, i) => {
    const first = reservations.findIndex((o) => o.manifest.metadata.name === r.manifest.metadata.name);
    if (first !== i) {
      (r.findings as Finding[]).push(error("RESERVATION_DUPLICATE_NAME", "metadata.name", `IP reservation name "${r.manifest.metadata.name}" is used twice; give each IPReservation its own name`));
    }
  });
  // Fixed addresses: checked against the pools and the declared reservations, picks kept by the ledger.
  const fixed = resolveFixedAddresses(
    (spec.workloads ?? []).map((w) => ({ namespace: w.namespace, workload: w.workload, addresses: w.addresses ?? [] })),
    livePools,
    reservations.map((r) => ({ name: r.manifest.metadata.name, cidrs: r.cidrs })),
    ledger.addresses ?? {},
  );
  const catalog = PoolCatalog.of(livePools);
  const workloads: PlannedWorkload[] = (spec.workloads ?? []).map((w, i) => {
    const resolved = fixed.workloads[i];
    const own: Finding[] = [...resolved.findings];
    const podAnnotations: Record<string, string> = { ...resolved.podAnnotations };
    if (w.pools && w.pools.length > 0) {
      const byFamily = { 4: [] as string[], 6: [] as string[] };
      for (const name of w.pools) {
        const pool = livePools.find((p) => p.name === name);
        if (!pool) own.push(error("WORKLOAD_POOL_UNKNOWN", "pools", `pool "${name}" does not exist in this plan`));
        else byFamily[pool.family].push(name);
      }
      const annotations = { ...(byFamily[4].length > 0 ? { ipv4pools: byFamily[4] } : {}), ...(byFamily[6].length > 0 ? { ipv6pools: byFamily[6] } : {}) };
      for (const family of [4, 6] as const) {
        if (byFamily[family].length === 0) continue;
        const choice = choosePools(catalog, { family, host: "(any node)", nodeLabels: {}, podAnnotations: annotations });
        if (isPoolChoiceError(choice)) own.push(error(`WORKLOAD_POOLS_${choice.code}`, "pools", `workload ${w.namespace}/${w.workload} names pools ${JSON.stringify(byFamily[family])}, and Calico would fail its pods: ${choice.error}`));
      }
      if (resolved.addresses.length > 0) {
        own.push(warning("WORKLOAD_POOLS_IGNORED", "pools", `workload ${w.namespace}/${w.workload} has fixed addresses, so Calico ignores its pool annotation (ipAddrs wins over pools): drop one of them`));
      } else {
        Object.assign(podAnnotations, namespaceAnnotations({ name: w.namespace, annotations }));
      }
    }
    return { namespace: w.namespace, workload: w.workload, addresses: resolved.addresses, podAnnotations, findings: own };
  });
  const fixedAddresses = workloads.flatMap((w) => w.addresses.map((a) => a.address));
  if (fixedAddresses.length > 0) {
    // Calico's ipAddrs may use reserved addresses; automatic assignment may not: this keeps them free.
    const manifest = renderIpReservation(FIXED_ADDRESS_RESERVATION, [...fixedAddresses].sort(), apiVersion);
    reservations.push({ manifest, cidrs: checkIpReservation(manifest).cidrs, findings: [] });
  }
  if (ledgerReadable && Object.keys(fixed.record).length + Object.keys(ledger.addresses ?? {}).length > 0) {
    ledger = { ...ledger, addresses: fixed.record };
  }
  if (ledgerReadable) {
    ledgerChanges = diffLedgers(ledgerIn, ledger);
    findings.push(...frozenLedgerFindings(ledgerOptions, ledgerChanges));
  }

  const bindings = spec.namespaces ?? [];
  const nsFindings = checkNamespaceBindings(bindings, livePools);
  const firewall = new Map(firewallRanges(bindings, livePools).map((f) => [f.subject, f]));
  const namespaces: PlannedNamespace[] = [...bindings]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((binding) => ({
      binding,
      annotations: namespaceAnnotations(binding),
      firewall: firewall.get(binding.name) as FirewallRange,
      findings: nsFindings.get(binding.name) ?? [],
    }));
  const migrations = unfolded.migrations.length > 0 ? { migrations: unfolded.migrations } : {};
  const plan: IpamPlan = { apiVersion, pools, ipamConfiguration, reservations, namespaces, workloads, installation, findings, ledger, ledgerChanges, ledgerFile: ledgerOptions.ledger ? undefined : ledgerOptions.file, ...(ledgerReadable ? {} : { ledgerUnreadable: true }), ranges, ...migrations };
  // Nothing half-done is persisted: a plan with errors keeps the ledger it read.
  return planHasErrors(plan) ? { ...plan, ledger: ledgerIn, ledgerChanges: [] } : plan;
}

/**
 * The carved ledger with the migrations' part: adopted pools a migration disables start draining (so
 * that they are emitted disabled), and the `migrations` section is the migrations' records.
 */
function withMigrations(ledger: Ledger, drain: readonly string[], records: ReadonlyArray<readonly [string, LedgerMigration]>): Ledger {
  const same = JSON.stringify(Object.entries(ledger.migrations ?? {})) === JSON.stringify(records);
  if (drain.length === 0 && same) return ledger;
  const entries = Object.entries(ledger.pools).map(([name, e]): [string, LedgerEntry] => [name, drain.includes(name) && e.status === "adopted" ? Object.freeze({ ...e, status: "draining" as const }) : e]);
  return freezeLedger(entries, { addresses: ledger.addresses, nodeCidrs: ledger.nodeCidrs, clusters: ledger.clusters, migrations: records, subSpaces: ledger.subSpaces, drawnRanges: ledger.drawnRanges });
}

/** How a draining pool's range was chosen: it was not, it is what the ledger recorded. */
export const DRAINING_EXPLANATION =
  "removed from the code: kept from the ledger and disabled until it is drained (calico-ipam ledger release, or the release prop)";

/**
 * The declarations of the pools the ledger records as draining: disabled (in operator mode also
 * `nodeSelector: "!all()"`, as the operator's migration procedure does, except on LoadBalancer pools,
 * which Calico requires to select `all()`), with the spec the ledger recorded, in name order.
 */
export function drainingDeclarations(ledger: Ledger, spec: Pick<IpamSpec, "pools" | "poolOwner">): PoolDeclaration[] {
  const declared = new Set(spec.pools.map((p) => p.name));
  return Object.entries(ledger.pools)
    .filter(([name, entry]) => entry.status === "draining" && !declared.has(name))
    .map(([name, entry]) => ({
      ...(entry.spec as Partial<PoolDeclaration> | undefined),
      name,
      cidr: entry.cidr,
      blockSize: entry.blockSize,
      disabled: true,
      // Calico requires all() on LoadBalancer pools; disableNewAllocations alone keeps them from handing out addresses.
      ...(spec.poolOwner === "operator" && !(entry.spec?.allowedUses ?? []).includes("LoadBalancer") ? { nodeSelector: "!all()" } : {}),
    }));
}

/**
 * The fields of a pool's spec that a draining pool must keep: those that differ from what Calico
 * (and {@link renderIpPool}) gives a pool that does not set them, in key order; `undefined` when there is
 * none, so that a pool with Calico's defaults records nothing.
 */
export function recordedSpec(manifest: IpPoolManifest): LedgerPoolSpec | undefined {
  const bare = renderIpPool({ name: manifest.metadata.name, cidr: manifest.spec.cidr, blockSize: manifest.spec.blockSize }, manifest.apiVersion).spec;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SPEC_KEYS).sort()) {
    const value = (manifest.spec as unknown as Record<string, unknown>)[key];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify((bare as unknown as Record<string, unknown>)[key])) {
      out[key] = Array.isArray(value) ? [...value] : value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The ledger with the spec of every declared pool recorded on its entry (see `spec` in the ledger
 * format), so that the pool drains with it unchanged once it is removed from the code. An entry whose
 * recorded spec is already the same is kept as it is.
 */
function recordPoolSpecs(ledger: Ledger, manifests: readonly IpPoolManifest[]): Ledger {
  let changed = false;
  const pools: Record<string, LedgerEntry> = { ...ledger.pools };
  for (const m of manifests) {
    const entry = Object.prototype.hasOwnProperty.call(pools, m.metadata.name) ? pools[m.metadata.name] : undefined;
    if (entry === undefined || entry.status !== "active" || entry.cidr !== m.spec.cidr) continue;
    const recorded = recordedSpec(m);
    if (JSON.stringify(entry.spec) === JSON.stringify(recorded)) continue;
    const { spec: _old, ...bare } = entry;
    pools[m.metadata.name] = Object.freeze(recorded === undefined ? bare : { ...bare, spec: recorded });
    changed = true;
  }
  return changed ? freezeLedger(Object.entries(pools), ledger) : ledger;
}

/**
 * The IP family of a pool declaration: its pinned CIDR's, else `ipVersion`, else its address space's,
 * else IPv4. Undefined when a pinned CIDR does not parse.
 */
export function declaredFamily(pool: PoolDeclaration, spec: Pick<IpamSpec, "addressSpaces">): IpFamily {
  if (pool.cidr !== undefined) {
    const parsed = typeof pool.cidr === "string" ? Cidr.tryParse(pool.cidr) : undefined;
    if (parsed?.ok) return parsed.cidr.family;
  }
  if (pool.ipVersion !== undefined) return pool.ipVersion;
  const space = spec.addressSpaces?.find((s) => s.name === pool.addressSpace);
  const spaceCidr = space ? Cidr.tryParse(space.cidr) : undefined;
  return spaceCidr?.ok ? spaceCidr.cidr.family : 4;
}

/**
 * @internal What a spec asks the carver for: a request per pool whose size is given exactly once (a
 * finding per pool otherwise), and the ranges no pool may use.
 */
export function planCarveInput(spec: IpamSpec): {
  requests: PoolRequest[];
  exclusions: Array<PlanRanges["excluded"][number]>;
  poolFindings: Map<string, Finding[]>;
} {
  const requests: PoolRequest[] = [];
  const poolFindings = new Map<string, Finding[]>();
  spec.pools.forEach((pool) => {
    const r = toRequest(pool, spec);
    if ("finding" in r) {
      poolFindings.set(pool.name, [...(poolFindings.get(pool.name) ?? []), r.finding]);
    } else if (r.request) {
      requests.push(r.request);
    }
  });
  const exclusions: Array<PlanRanges["excluded"][number]> = [
    ...(spec.serviceCidrs ?? []).map((cidr) => ({ cidr, kind: "service" as const, reason: "the cluster's Service CIDR" })),
    ...(spec.nodeCidrs ?? []).map((cidr) => ({ cidr, kind: "node" as const, reason: "a node network" })),
    ...(spec.reservedRanges ?? []).map((r) => ({ cidr: r.cidr, kind: "reserved" as const, reason: r.reason })),
  ];
  return { requests, exclusions, poolFindings };
}

/** Turns a declaration into a carver request, or a finding when its size is not given exactly once. */
function toRequest(pool: PoolDeclaration, spec: IpamSpec): { request?: PoolRequest } | { finding: Finding } {
  const ways = (["cidr", "prefixLength", "addresses", "capacity"] as const).filter((k) => pool[k] !== undefined);
  if (ways.length === 0) {
    return {
      finding: error(
        "POOL_SIZE_MISSING",
        "spec.cidr",
        `pool "${pool.name}" needs a range: give a cidr, or one of prefixLength, addresses or capacity to carve it out of the address spaces`,
      ),
    };
  }
  if (ways.length > 1) {
    return { finding: error("POOL_SIZE_AMBIGUOUS", "spec.cidr", `pool "${pool.name}" gives its range in ${ways.length} ways (${ways.join(", ")}): keep exactly one`) };
  }
  let family: IpFamily;
  let size: PoolSize;
  if (pool.cidr !== undefined) {
    const parsed = typeof pool.cidr === "string" ? Cidr.tryParse(pool.cidr) : undefined;
    // An unreadable pinned CIDR is reported by the pool validation; it cannot be recorded.
    if (!parsed?.ok) return {};
    family = parsed.cidr.family;
    size = { kind: "cidr", cidr: parsed.cidr.toString() };
  } else {
    const space = pool.addressSpace !== undefined ? spec.addressSpaces?.find((s) => s.name === pool.addressSpace) : undefined;
    if (pool.addressSpace !== undefined && !space) {
      const known = (spec.addressSpaces ?? []).map((s) => `"${s.name}"`).join(", ") || "none";
      return { finding: error("POOL_ADDRESS_SPACE_UNKNOWN", "spec.cidr", `pool "${pool.name}" asks for address space "${pool.addressSpace}", which is not declared (declared: ${known})`) };
    }
    family = declaredFamily(pool, spec);
    size =
      pool.prefixLength !== undefined
        ? { kind: "prefix", prefixLength: pool.prefixLength }
        : pool.addresses !== undefined
          ? { kind: "addresses", addresses: pool.addresses }
          : { kind: "capacity", ...(pool.capacity as NonNullable<PoolDeclaration["capacity"]>) };
  }
  const blockSize = pool.blockSize ?? (family === 6 ? POOL_DEFAULTS.blockSizeV6 : POOL_DEFAULTS.blockSizeV4);
  // A block size Calico rejects is reported by the pool validation; carving with it would only repeat that.
  const [min, max] = family === 6 ? [116, 128] : [20, 32];
  if (typeof blockSize !== "number" || !Number.isInteger(blockSize) || blockSize < min || blockSize > max) return {};
  return { request: { name: pool.name, family, blockSize, size, ...(pool.addressSpace !== undefined ? { addressSpace: pool.addressSpace } : {}) } };
}

/**
 * Reads the ledger a plan starts from. A file that cannot be read or parsed is an error finding (and
 * `readable: false`, so that nothing is carved or recorded); a missing file is an empty ledger.
 */
export function readPlanLedger(options: PlanLedgerOptions, findings: Finding[]): { ledger: Ledger; readable: boolean } {
  if (options.ledger !== undefined) return { ledger: options.ledger, readable: true };
  if (options.file === undefined) return { ledger: emptyLedger(), readable: true };
  try {
    const ledger = readLedger(options.file);
    if (ledger === undefined) {
      // No ledger, but the leftovers of a write that was killed: the ledger was being created or
      // replaced. Say so out loud, since the carved ranges are now worked out afresh from the code.
      const leftovers = interruptedLedgerWrites(options.file);
      if (leftovers.length > 0) {
        findings.push(
          warning(
            "LEDGER_MISSING",
            "ledger",
            `the ledger ${options.file} does not exist, but ${leftovers.map((l) => path.basename(l)).join(", ")} (left by a write that was interrupted) does: ` +
              "the ledger is recreated from the code, so pools with a cidr in the code keep it and carved pools are carved afresh. " +
              "Before applying, check that every carved pool's CIDR equals the one the cluster has (kubectl get ippools), or restore the ledger from version control",
          ),
        );
      }
    }
    return { ledger: ledger ?? emptyLedger(), readable: true };
  } catch (e) {
    if (!(e instanceof LedgerError)) throw e;
    findings.push(error(e.code, "ledger", e.message));
    return { ledger: emptyLedger(), readable: false };
  }
}

/** In frozen mode, any change to the ledger is an error that lists the changes. */
export function frozenLedgerFindings(options: PlanLedgerOptions, changes: readonly LedgerChange[]): Finding[] {
  if (!options.frozen || options.file === undefined || changes.length === 0) return [];
  return [
    error(
      "LEDGER_FROZEN",
      "ledger",
      `the ledger ${options.file} is frozen (${LEDGER_MODE_ENV}=frozen) but this plan would change it:\n` +
        changes.map((c) => `  - ${describeChange(c)}`).join("\n") +
        `\nRun the synth without ${LEDGER_MODE_ENV}=frozen, review the ledger diff and commit it`,
    ),
  ];
}

/**
 * Writes the plan's ledger to its file when it changed (atomically, whole or not at all). Does
 * nothing for a plan with errors, a plan without a ledger file, or an unchanged ledger.
 * @returns whether the file was written
 */
export function writePlanLedger(plan: IpamPlan): boolean {
  if (plan.ledgerFile === undefined || planHasErrors(plan)) return false;
  return writeLedgerIfChanged(plan.ledgerFile, plan.ledger);
}

/** Every finding of a plan, each with the object it belongs to (`IPPool/name`, `IPAMConfiguration/default`, or `plan`). */
export function allFindings(plan: IpamPlan): Array<Finding & { readonly subject: string }> {
  const out: Array<Finding & { subject: string }> = [];
  for (const f of plan.findings) out.push({ ...f, subject: "plan" });
  for (const p of plan.pools) for (const f of p.findings) out.push({ ...f, subject: `IPPool/${p.manifest.metadata.name}` });
  if (plan.ipamConfiguration) {
    const m = plan.ipamConfiguration.manifest;
    for (const f of plan.ipamConfiguration.findings) out.push({ ...f, subject: `${m.kind}/${m.metadata.name}` });
  }
  for (const r of plan.reservations) for (const f of r.findings) out.push({ ...f, subject: `IPReservation/${r.manifest.metadata.name}` });
  for (const n of plan.namespaces) for (const f of n.findings) out.push({ ...f, subject: `Namespace/${n.binding.name}` });
  for (const w of plan.workloads) for (const f of w.findings) out.push({ ...f, subject: `Workload/${w.namespace}/${w.workload}` });
  for (const m of plan.migrations ?? []) for (const f of m.findings) out.push({ ...f, subject: `Migration/${m.name}` });
  return out;
}

/** True when any object of the plan has an error-level finding. */
export function planHasErrors(plan: Pick<IpamPlan, "findings" | "pools" | "ipamConfiguration" | "reservations" | "namespaces" | "workloads" | "migrations">): boolean {
  return (
    hasErrors(plan.findings) ||
    (plan.migrations ?? []).some((m) => hasErrors(m.findings)) ||
    plan.namespaces.some((n) => hasErrors(n.findings)) ||
    plan.workloads.some((w) => hasErrors(w.findings)) ||
    plan.pools.some((p) => hasErrors(p.findings)) ||
    plan.reservations.some((r) => hasErrors(r.findings)) ||
    (plan.ipamConfiguration !== undefined && hasErrors(plan.ipamConfiguration.findings))
  );
}

/** The Calico objects of a plan, for YAML output. */
export function planObjects(plan: IpamPlan): Array<IpPoolManifest | IpamConfigurationManifest | IpReservationManifest | InstallationManifest> {
  return [
    ...(plan.ipamConfiguration ? [plan.ipamConfiguration.manifest] : []),
    ...(plan.installation ? [plan.installation] : plan.pools.map((p) => p.manifest)),
    ...plan.reservations.map((r) => r.manifest),
  ];
}
