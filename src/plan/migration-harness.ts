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
import type { LedgerMigrationOriginal } from "../ledger/migrations";
import { renderIpPool } from "../render/manifests";
import { simulateAllocation } from "../simulator/simulate";
import type { TimelineStepResult } from "../simulator/result";
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

/** The checks of one migration. */
export interface MigrationCheck {
  readonly migration: string;
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
  if (!options || options.topology.nodes.length === 0) return { migration: m.name, phases: [], findings };

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
  return { migration: m.name, phases, findings };
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
