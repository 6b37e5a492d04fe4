/**
 * Each phase of a pool migration checked before it is applied: the harness plays the whole migration
 * on the day-2 timeline, from the cluster before the migration (the declared topology) through every
 * phase and its manual step, and says which phase would leave pods without an address, take the
 * tunnel addresses of IPIP/VXLAN nodes away, or leave blocks of the old pool (of the old block size)
 * behind. Without a topology only the static check of tunnel addresses runs.
 *
 * The timeline of a phase is: the phase's change (addPool, disablePool, deletePool), then, for a phase
 * whose manual step restarts pods, a rolling restart of every workload (what `kubectl rollout restart`
 * by namespace does) and a wait of the leak grace period (kube-controllers releases the emptied
 * blocks). The checks read the state after each phase.
 */
import { Cidr } from "../ip";
import type { LedgerMigrationOriginal, LedgerMigrationRange } from "../ledger/migrations";
import { renderIpPool } from "../render/manifests";
import { simulateAllocation } from "../simulator/simulate";
import type { TimelineStepResult } from "../simulator/result";
import { WINDOWS_RESERVED_HANDLE } from "../simulator/allocate";
import type { IpamSnapshot, SnapshotBlock } from "../simulator/snapshot";
import type { TimelineStep } from "../simulator/timeline";
import type { PoolDeclaration } from "../spec/types";
import { Finding, error } from "../validation/finding";
import { EffectiveIpPool, checkIpPool } from "../validation/ip-pool";
import type { HarnessOptions } from "./harness";
import type { PlannedMigration } from "./migrations";
import type { IpamPlan } from "./plan";

/** What one phase of a migration does to the simulated cluster, after its manual step. */
export interface MigrationPhaseCheck {
  /** The phase, from 1. */
  readonly phase: number;
  /** Pods without an address after the phase (and its manual step). */
  readonly podsFailed: number;
  /** Addresses still allocated in the pool the phase disables or deletes, after its manual step. */
  readonly addressesLeft: number;
  /** Blocks of that pool still in the datastore after the phase. */
  readonly blocksLeft: readonly string[];
  /** Tunnel addresses of the nodes after the phase. */
  readonly tunnelAddresses: number;
}

/** What a live cluster's dump (the harness's `initialState`) holds in the pool the current phase works on. */
export interface MigrationDumpView {
  /** The pool the current phase disables, deletes or recreates over. */
  readonly pool: string;
  readonly cidr: string;
  /** Pods holding an address in it, by namespace then name. */
  readonly pods: ReadonlyArray<{ readonly namespace: string; readonly pod: string; readonly node: string }>;
  /** Nodes whose tunnel address is in it, by name. */
  readonly tunnelNodes: readonly string[];
  /** Addresses allocated in it (pods, tunnels, leaked ones). */
  readonly addresses: number;
  /** Blocks of the dump in its range, as CIDRs. */
  readonly blocks: readonly string[];
}

/** The checks of one migration. */
export interface MigrationCheck {
  readonly migration: string;
  /** What the dump the harness starts from holds in the pool of the current phase; absent without a dump. */
  readonly dump?: MigrationDumpView;
  /** One entry per phase simulated, in order; empty without a topology. */
  readonly phases: readonly MigrationPhaseCheck[];
  /** Errors of the current phase and the ones after it, paths `migrations.<name>.phases[<n>]`. */
  readonly findings: readonly Finding[];
}

/** What a phase does, for the timeline. */
interface PhaseAction {
  readonly steps: TimelineStep[];
  /** The pool the phase disables or deletes, whose addresses and blocks are checked. */
  readonly leaves?: string;
  readonly restart: boolean;
}

/**
 * Plays every declared migration of a plan on the day-2 timeline and checks each phase from the
 * current one on (the phases before it were applied already).
 */
export function checkMigrations(plan: IpamPlan, options?: HarnessOptions): MigrationCheck[] {
  return (plan.migrations ?? []).filter((m) => m.original !== undefined && m.findings.every((f) => f.severity !== "error")).map((m) => checkMigration(plan, m, options));
}

function checkMigration(plan: IpamPlan, m: PlannedMigration, options: HarnessOptions | undefined): MigrationCheck {
  const findings: Finding[] = [];
  const at = (phase: number) => `migrations.${m.name}.phases[${phase}]`;
  const label = (phase: number) => `phase ${phase} (${m.phases[phase - 1]}) of migration "${m.name}"`;
  const original = m.original as LedgerMigrationOriginal;
  const before = pool(m.pool, original, original, plan);
  const pools = phasePools(plan, m, before);

  // Static: a pool that holds tunnel addresses is disabled, and nothing enabled is left to hand out new ones.
  for (const [phase, leaving] of pools.disables) {
    if (phase < m.phase) continue;
    const left = pools.after(phase);
    for (const mode of ["ipipMode", "vxlanMode"] as const) {
      if (leaving[mode] === "Never" || !leaving.allowedUses.includes("Tunnel")) continue;
      const takers = left.filter((p) => !p.disabled && p.family === leaving.family && p[mode] !== "Never" && p.allowedUses.includes("Tunnel"));
      if (takers.length > 0) continue;
      const kind = mode === "ipipMode" ? "IPIP" : "VXLAN";
      findings.push(
        error(
          "MIGRATION_TUNNEL_ADDRESSES",
          at(phase),
          `${label(phase)} disables pool "${leaving.name}" (${mode} ${leaving[mode]}), which holds the ${kind} tunnel addresses of the nodes, and no enabled pool left allows Tunnel with ${mode} other than Never: ` +
            `calico-node releases each node's tunnel address and gets no new one, and traffic between nodes breaks. Give "${pools.receiver(phase)}" ${mode}: ${leaving[mode]} (and Tunnel in allowedUses)`,
        ),
      );
    }
  }
  const dump = options?.initialState ? dumpView(plan, m, loadSnapshot(options), findings, at, label) : undefined;
  const withDump = dump ? { dump } : {};
  if (!options || options.topology.nodes.length === 0) return { migration: m.name, phases: [], findings, ...withDump };

  // The timeline: the cluster before the migration, then every phase with its manual step.
  const restart: TimelineStep[] = (options.topology.workloads ?? []).map((w) => ({ rollingRestart: { workload: w.name, namespace: w.namespace } }));
  const steps: TimelineStep[] = [];
  const ends: Array<{ phase: number; index: number; action: PhaseAction }> = [];
  for (let phase = 1; phase <= m.phases.length; phase++) {
    const action = pools.actions[phase - 1];
    if (action === undefined) break; // the temporary pool is gone from the plan and the ledger: nothing left to play
    steps.push(...action.steps);
    if (action.restart) steps.push(...restart, { wait: { seconds: 900 } });
    ends.push({ phase, index: steps.length - 1, action });
  }
  const fixed = new Map(plan.workloads.map((w) => [`${w.namespace}/${w.workload}`, w.addresses.map((a) => a.address)]));
  const result = simulateAllocation({
    pools: pools.initial,
    ipamConfiguration: plan.ipamConfiguration?.effective,
    reservations: plan.reservations.flatMap((r) => r.cidrs),
    topology: {
      nodes: options.topology.nodes,
      namespaces: plan.namespaces.map((n) => ({ name: n.binding.name, labels: n.binding.labels, annotations: n.binding.annotations })),
      workloads: (options.topology.workloads ?? []).map((w) => {
        const addresses = fixed.get(`${w.namespace}/${w.name}`);
        return addresses && addresses.length > 0 && !w.annotations?.ipAddrs ? { ...w, annotations: { ...w.annotations, ipAddrs: addresses } } : w;
      }),
    },
    cni: options.cni,
    timeline: steps,
    includePods: false,
  });
  const timeline = result.timeline ?? [];
  const startTunnels = result.timeline && result.timeline.length > 0 ? tunnelsBefore(result) : 0;
  let previousTunnels = startTunnels;
  const phases: MigrationPhaseCheck[] = [];
  for (const end of ends) {
    const state = timeline[end.index];
    if (!state) break;
    const leaves = end.action.leaves;
    const usage = leaves ? state.pools.find((p) => p.name === leaves) : undefined;
    const blocksLeft = leaves ? state.blocks.filter((b) => b.pool === leaves).map((b) => b.cidr) : [];
    const check: MigrationPhaseCheck = {
      phase: end.phase,
      podsFailed: state.summary.podsFailed,
      addressesLeft: usage?.addressesInUse ?? blocksLeftAddresses(state, leaves),
      blocksLeft,
      tunnelAddresses: state.summary.tunnelAddresses,
    };
    phases.push(check);
    if (end.phase < m.phase) {
      previousTunnels = check.tunnelAddresses;
      continue;
    }
    const refused = timeline.slice(0, end.index + 1).flatMap((s) => s.findings.filter((f) => f.code === "TIMELINE_INVALID"));
    if (refused.length > 0) {
      findings.push(error("MIGRATION_NOT_SIMULATED", at(end.phase), `${label(end.phase)} could not be played on the timeline: ${refused[0].message}`));
      break;
    }
    if (check.podsFailed > 0) {
      const why = state.findings.find((f) => f.severity === "error" && f.code.startsWith("POD_"));
      findings.push(
        error(
          "MIGRATION_PODS_WITHOUT_ADDRESS",
          at(end.phase),
          `${label(end.phase)} leaves ${check.podsFailed} pod${check.podsFailed === 1 ? "" : "s"} without an address after ${end.action.restart ? "their restart" : "it is applied"}` +
            `: "${pools.receiver(end.phase)}" cannot hold every pod that moves${why ? ` (${why.message})` : ""}. ` +
            `Give "${pools.receiver(end.phase)}" room for them (a larger range), or drop the pod and namespace annotations and CNI ipv4_pools that name "${end.action.leaves ?? m.pool}"`,
        ),
      );
    }
    if (end.action.restart && check.addressesLeft > 0 && leaves) {
      findings.push(
        error(
          "MIGRATION_ADDRESSES_LEFT",
          at(end.phase),
          `${label(end.phase)}: after every pod restarted, ${check.addressesLeft} address${check.addressesLeft === 1 ? " is" : "es are"} still allocated in pool "${leaves}" (pods pinned to it by annotation, ipAddrs or CNI ipv4_pools, or tunnel addresses), ` +
            `so the next phase would delete a pool that still holds addresses. Move them first: remove the pins, give the pool that takes the pods the same encapsulation`,
        ),
      );
    }
    if (!end.action.restart && leaves && blocksLeft.length > 0) {
      findings.push(
        error(
          "MIGRATION_BLOCKS_LEFT",
          at(end.phase),
          `${label(end.phase)} deletes pool "${leaves}" while ${blocksLeft.length} of its block${blocksLeft.length === 1 ? "" : "s"} (/${blocksLeft[0].split("/")[1]}) still hold addresses (${blocksLeft.slice(0, 3).join(", ")}${blocksLeft.length > 3 ? ", …" : ""}): ` +
            `their affinities stay behind, and a pool recreated over them with another block size gets overlapping blocks and routes (calico#10778). Restart the pods that hold them before this phase`,
        ),
      );
    }
    if (check.tunnelAddresses < previousTunnels && !findings.some((f) => f.code === "MIGRATION_TUNNEL_ADDRESSES" && f.path === at(end.phase))) {
      findings.push(
        error(
          "MIGRATION_TUNNEL_ADDRESSES",
          at(end.phase),
          `${label(end.phase)} takes ${previousTunnels - check.tunnelAddresses} tunnel address${previousTunnels - check.tunnelAddresses === 1 ? "" : "es"} away from the nodes and none replaces ${previousTunnels - check.tunnelAddresses === 1 ? "it" : "them"}: ` +
            `no enabled pool with the same encapsulation selects those nodes. Give the pool that takes the pods the encapsulation of "${end.action.leaves ?? m.pool}"`,
        ),
      );
    }
    previousTunnels = check.tunnelAddresses;
  }
  return { migration: m.name, phases, findings, ...withDump };
}

/** The snapshot of the harness's initial state; the dump reader is loaded only for a harness that starts from one. */
function loadSnapshot(options: HarnessOptions): IpamSnapshot {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const seed = require("../live/seed") as typeof import("../live/seed");
  return seed.loadInitialState(options.initialState as NonNullable<HarnessOptions["initialState"]>, options.baseDir).snapshot;
}

/**
 * The dump's view of the pool the current phase works on, and its checks: a phase that deletes a pool
 * the dump still shows addresses in, or recreates a pool over blocks of another size, is an error.
 */
function dumpView(plan: IpamPlan, m: PlannedMigration, snapshot: IpamSnapshot, findings: Finding[], at: (phase: number) => string, label: (phase: number) => string): MigrationDumpView | undefined {
  const original = m.original as LedgerMigrationOriginal;
  const recreate = m.kind !== "migratePool";
  const subject =
    m.phase === 1 && recreate ? undefined : recreate && m.phase >= 5 ? (m.temporary ? { pool: m.temporaryPool as string, cidr: m.temporary.cidr } : undefined) : { pool: m.pool, cidr: original.cidr };
  if (!subject) return undefined;
  const range = Cidr.parse(subject.cidr);
  const pods: Array<{ namespace: string; pod: string; node: string }> = [];
  const tunnelNodes = new Set<string>();
  const blocks: SnapshotBlock[] = [];
  let addresses = 0;
  for (const b of snapshot.blocks) {
    const cidr = Cidr.tryParse(b.cidr);
    if (!cidr.ok || !range.overlaps(cidr.cidr)) continue;
    blocks.push(b);
    for (const a of b.allocations) {
      if (a.handle === WINDOWS_RESERVED_HANDLE) continue;
      addresses++;
      const node = a.attributes.node ?? b.host ?? "";
      if (a.attributes.pod !== undefined && a.attributes.namespace !== undefined) pods.push({ namespace: a.attributes.namespace, pod: a.attributes.pod, node });
      else if (a.handle !== null && /-tunnel-addr-/.test(a.handle)) tunnelNodes.add(node);
    }
  }
  pods.sort((x, y) => (x.namespace < y.namespace ? -1 : x.namespace > y.namespace ? 1 : x.pod < y.pod ? -1 : x.pod > y.pod ? 1 : 0));
  const view: MigrationDumpView = { ...subject, pods, tunnelNodes: [...tunnelNodes].sort(), addresses, blocks: blocks.map((b) => b.cidr) };
  // The target must hold every address that moves: the dump says how many there are.
  const target = m.kind === "migratePool" && m.phase <= 2 ? plan.pools.find((p) => p.manifest.metadata.name === m.to)?.effective : undefined;
  const movers = pods.length + tunnelNodes.size;
  if (target && BigInt(movers) > target.cidr.size) {
    findings.push(
      error(
        "MIGRATION_TARGET_TOO_SMALL",
        at(2),
        `${label(2)}: the cluster's dump shows ${movers} addresses in pool "${m.pool}" (${pods.length} pods, ${tunnelNodes.size} tunnel addresses) that move to "${m.to}" when their pods restart, ` +
          `but "${m.to}" (${target.cidr}) has only ${target.cidr.size} addresses. Give "${m.to}" a larger range before phase 2`,
      ),
    );
  }
  const deletes = m.kind === "migratePool" ? m.phase === 3 : m.phase === 3 || m.phase === 6;
  if (deletes && addresses > 0) {
    const who = [
      ...pods.slice(0, 5).map((p) => `${p.namespace}/${p.pod} on ${p.node}`),
      ...(pods.length > 5 ? [`${pods.length - 5} more pods`] : []),
      ...(tunnelNodes.size > 0 ? [`the tunnel addresses of ${[...tunnelNodes].sort().join(", ")}`] : []),
    ];
    findings.push(
      error(
        "MIGRATION_ADDRESSES_LEFT",
        at(m.phase),
        `${label(m.phase)} deletes pool "${subject.pool}" (${subject.cidr}), but the cluster's dump still shows ${addresses} address${addresses === 1 ? "" : "es"} allocated in it` +
          `${who.length > 0 ? ` (${who.join("; ")})` : ""}: deleting it would take them away. Restart those pods (the manual step of phase ${m.phase - 1}), take a fresh dump and synthesize again`,
      ),
    );
  }
  if (recreate && m.phase === 4 && m.target) {
    const stale = blocks.filter((b) => Cidr.tryParse(b.cidr).ok && Cidr.parse(b.cidr).prefix !== (m.target as LedgerMigrationRange).blockSize && Cidr.parse(b.cidr).overlaps(Cidr.parse((m.target as LedgerMigrationRange).cidr)));
    if (stale.length > 0) {
      findings.push(
        error(
          "MIGRATION_BLOCKS_LEFT",
          at(4),
          `${label(4)} recreates pool "${m.pool}" at ${m.target.cidr} with /${m.target.blockSize} blocks, but the cluster's dump still has ${stale.length} block${stale.length === 1 ? "" : "s"} of another size there ` +
            `(${stale.slice(0, 3).map((b) => `${b.cidr}${b.host ? ` affine to ${b.host}` : ""}`).join(", ")}${stale.length > 3 ? ", …" : ""}): Calico would hand out overlapping blocks (calico#10778). ` +
            `Release their addresses and affinities first (calicoctl ipam release, kubectl delete blockaffinities of those blocks), take a fresh dump and synthesize again`,
        ),
      );
    }
  }
  return view;
}

/** The nodes' tunnel addresses before the first step (the declared cluster). */
function tunnelsBefore(result: { readonly summary: { readonly tunnelAddresses: number }; readonly timeline?: readonly TimelineStepResult[] }): number {
  // The first step adds a pool or disables one: tunnel addresses are assigned before any step, and the
  // first step of every kind leaves them as they are unless it is the disable itself.
  const first = result.timeline?.[0];
  return first ? first.summary.tunnelAddresses : result.summary.tunnelAddresses;
}

function blocksLeftAddresses(state: TimelineStepResult, pool: string | undefined): number {
  return pool ? state.blocks.filter((b) => b.pool === pool).reduce((s, b) => s + b.inUse, 0) : 0;
}

/** An effective pool from a recorded spec and range. */
function pool(name: string, original: LedgerMigrationOriginal, range: { cidr: string; blockSize: number }, plan: IpamPlan): EffectiveIpPool {
  const decl: PoolDeclaration = { ...(original.spec as Partial<PoolDeclaration> | undefined), name, cidr: range.cidr, blockSize: range.blockSize };
  return checkIpPool(renderIpPool(decl, plan.apiVersion)).pool as EffectiveIpPool;
}

function enabled(p: EffectiveIpPool): EffectiveIpPool {
  return p.disabled ? { ...p, disabled: false } : p;
}

/**
 * The pools of the migration before it starts, each phase's steps, the pools a phase disables, and the
 * pool that receives the pods (the target, or the temporary pool then the recreated original).
 */
function phasePools(plan: IpamPlan, m: PlannedMigration, before: EffectiveIpPool) {
  const byName = new Map(plan.pools.flatMap((p) => (p.effective ? [[p.manifest.metadata.name, p.effective] as const] : [])));
  const involved = new Set([m.pool, m.to, m.temporaryPool].filter((n): n is string => n !== undefined));
  const others = [...byName.values()].filter((p) => !involved.has(p.name));
  const actions: Array<PhaseAction | undefined> = [];
  const disables = new Map<number, EffectiveIpPool>();
  let receiver: (phase: number) => string;
  let after: (phase: number) => EffectiveIpPool[];
  if (m.kind === "migratePool") {
    const to = byName.get(m.to as string);
    receiver = () => m.to as string;
    actions.push(to ? { steps: [{ addPool: enabled(to) }], restart: false } : undefined);
    actions.push({ steps: [{ disablePool: m.pool }], leaves: m.pool, restart: true });
    actions.push({ steps: [{ deletePool: m.pool }], leaves: m.pool, restart: false });
    disables.set(2, before);
    after = () => [...others, ...(to ? [enabled(to)] : [])];
  } else {
    const target = m.target as { cidr: string; blockSize: number };
    const original = m.original as LedgerMigrationOriginal;
    // The simulator keeps a deleted pool's blocks under its name, so the recreated pool plays under a name of its own.
    const recreatedName = `${m.pool}-recreated`;
    const recreated = { ...pool(m.pool, original, target, plan), name: recreatedName };
    const tmpPlanned = byName.get(m.temporaryPool as string);
    const tmp = tmpPlanned ? enabled(tmpPlanned) : undefined;
    receiver = (phase) => (phase <= 3 ? (m.temporaryPool as string) : m.pool);
    if (tmp && Cidr.parse(original.cidr).overlaps(tmp.cidr)) return { initial: [...others, before], actions: [], disables, receiver, after: () => others };
    actions.push(tmp ? { steps: [{ addPool: tmp }], restart: false } : undefined);
    actions.push(tmp ? { steps: [{ disablePool: m.pool }], leaves: m.pool, restart: true } : undefined);
    actions.push(tmp ? { steps: [{ deletePool: m.pool }], leaves: m.pool, restart: false } : undefined);
    actions.push(tmp ? { steps: [{ addPool: recreated }], restart: false } : undefined);
    actions.push(tmp ? { steps: [{ disablePool: tmp.name }], leaves: tmp.name, restart: true } : undefined);
    actions.push(tmp ? { steps: [{ deletePool: tmp.name }], leaves: tmp.name, restart: false } : undefined);
    disables.set(2, before);
    if (tmp) disables.set(5, tmp);
    after = (phase) => (phase <= 3 ? [...others, ...(tmp ? [tmp] : [])] : [...others, recreated]);
  }
  return { initial: [...others, before], actions, disables, receiver, after };
}

/**
 * The `migrations` option of `buildPlanReport` for a plan: the harness's checks of its migrations and
 * the namespaces of the declared workloads; undefined when the plan declares no migration.
 */
export function migrationReportInput(plan: IpamPlan, options?: HarnessOptions): { checks: MigrationCheck[]; namespaces: string[] } | undefined {
  if (!plan.migrations || plan.migrations.length === 0) return undefined;
  const namespaces = [...new Set((options?.topology.workloads ?? []).map((w) => w.namespace))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { checks: checkMigrations(plan, options), namespaces };
}

/**
 * The plan the harness plays when it starts from a live cluster's dump: the pools a migration deletes
 * in this phase are still in the dump (until the apply), so they are kept, disabled, for the dump's
 * blocks to land in; the checks above say whether they still hold addresses. Without a dump, or
 * without such a pool, the plan itself.
 */
export function harnessPlan(plan: IpamPlan, options?: Pick<HarnessOptions, "initialState">): IpamPlan {
  if (!options?.initialState || !plan.migrations) return plan;
  const kept = new Set(plan.pools.map((p) => p.manifest.metadata.name));
  const extra: IpamPlan["pools"][number][] = [];
  for (const m of plan.migrations) {
    const original = m.original;
    if (!original || m.findings.some((f) => f.severity === "error")) continue;
    const deleted =
      m.kind === "migratePool" ? (m.phase === 3 ? { name: m.pool, range: original } : undefined)
      : m.phase === 3 ? { name: m.pool, range: original }
      : m.phase === 6 && m.temporary ? { name: m.temporaryPool as string, range: m.temporary }
      : undefined;
    if (!deleted || kept.has(deleted.name)) continue;
    const manifest = renderIpPool({ ...(original.spec as Partial<PoolDeclaration> | undefined), name: deleted.name, cidr: deleted.range.cidr, blockSize: deleted.range.blockSize, disabled: true }, plan.apiVersion);
    const effective = checkIpPool(manifest).pool;
    if (effective) extra.push({ manifest, effective, draining: true, findings: [] });
  }
  return extra.length === 0 ? plan : { ...plan, pools: [...plan.pools, ...extra] };
}
