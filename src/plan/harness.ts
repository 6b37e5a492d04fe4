import type { HarnessInitialState, LoadedInitialState } from "../live/seed";
import { API_V3 } from "../model/calico";
import { simulateAllocation } from "../simulator/simulate";
import type { SimulationResult } from "../simulator/result";
import type { AddPoolStep, TimelineStep } from "../simulator/timeline";
import type { CniConfig, NodeEntry, WorkloadDeclaration } from "../simulator/topology";
import { EffectiveIpPool, checkIpPool } from "../validation/ip-pool";
import type { IpamPlan } from "./plan";

/** A pool a timeline creates: its name, a fixed CIDR, and the IPPool fields it sets (Calico's defaults for the rest). */
export interface HarnessPoolDeclaration {
  readonly name: string;
  readonly cidr: string;
  /** @default 26 (IPv4) or 122 (IPv6) */
  readonly blockSize?: number;
  readonly ipipMode?: string;
  readonly vxlanMode?: string;
  readonly natOutgoing?: boolean;
  readonly disabled?: boolean;
  readonly nodeSelector?: string;
  readonly namespaceSelector?: string;
  readonly allowedUses?: readonly string[];
  readonly assignmentMode?: string;
}

/** A timeline step as the harness takes it: the simulator's steps, with `addPool` given as a pool declaration. */
export type HarnessTimelineStep = Exclude<TimelineStep, AddPoolStep> | { readonly addPool: HarnessPoolDeclaration };

/** The cluster the harness plays Calico's allocation against. */
export interface HarnessTopology {
  /** Nodes one by one or as groups. */
  readonly nodes: readonly NodeEntry[];
  /** Workloads; namespaces come from the plan's namespaces. @default - none */
  readonly workloads?: readonly WorkloadDeclaration[];
  /**
   * Day 2: steps played after the declared cluster is up (scale, rolling restarts, node drains, pool
   * changes, time passing…); the report shows the state and findings after each.
   * @default - none
   * @see TimelineStep
   */
  readonly timeline?: readonly HarnessTimelineStep[];
}

/** Settings of the validation harness. */
export interface HarnessOptions {
  readonly topology: HarnessTopology;
  /**
   * Start from a live cluster's state instead of an empty cluster: the dump files' blocks, affinities
   * and allocations (`src/live` `loadInitialState`), the dump's nodes joining the topology's.
   * @default - an empty cluster
   */
  readonly initialState?: HarnessInitialState;
  /** The directory relative dump paths resolve against (a spec file's). @default "." */
  readonly baseDir?: string;
  /** Keep the end state in the result (`endState`), e.g. to write it as Calico objects. @default false */
  readonly keepEndState?: boolean;
  readonly cni?: CniConfig;
  /** Utilization above this fraction is a warning. @default 0.8 */
  readonly utilizationThreshold?: number;
}

/**
 * Runs the allocation simulator over a resolved plan: its pools (Calico's defaults applied), IPAM
 * configuration, reservations (including the one that keeps fixed addresses free) and namespaces,
 * against the declared nodes and workloads. A workload with fixed addresses in the plan gets them as
 * its `ipAddrs` annotation. Pools whose CIDR could not be read are left out (their errors are the plan's).
 */
export function simulatePlan(plan: IpamPlan, options: HarnessOptions): SimulationResult {
  const pools = plan.pools.map((p) => p.effective).filter((p): p is EffectiveIpPool => p !== undefined);
  const fixed = new Map(plan.workloads.map((w) => [`${w.namespace}/${w.workload}`, w.addresses.map((a) => a.address)]));
  const workloads = (options.topology.workloads ?? []).map((w) => {
    const addresses = fixed.get(`${w.namespace}/${w.name}`);
    return addresses && addresses.length > 0 && !w.annotations?.ipAddrs ? { ...w, annotations: { ...w.annotations, ipAddrs: addresses } } : w;
  });
  const initial = options.initialState ? loadDumps(options.initialState, options.baseDir) : undefined;
  const result = simulateAllocation({
    initialState: initial?.snapshot,
    pools,
    ipamConfiguration: plan.ipamConfiguration?.effective,
    reservations: plan.reservations.flatMap((r) => r.cidrs),
    topology: {
      nodes: options.topology.nodes,
      namespaces: plan.namespaces.map((n) => ({ name: n.binding.name, labels: n.binding.labels, annotations: n.binding.annotations })),
      workloads,
    },
    cni: options.cni,
    utilizationThreshold: options.utilizationThreshold,
    timeline: options.topology.timeline?.map(harnessStep),
    // No report reads the pod list; leaving it out saves most of the harness's time and memory.
    includePods: false,
    keepEndState: options.keepEndState,
  });
  return initial && initial.findings.length > 0 ? { ...result, findings: [...initial.findings, ...result.findings] } : result;
}

/** Reads the dump files of an initial state; the dump reader is loaded only for a harness that starts from one. */
function loadDumps(initial: HarnessInitialState, baseDir: string | undefined): LoadedInitialState {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const seed = require("../live/seed") as typeof import("../live/seed");
  return seed.loadInitialState(initial, baseDir);
}

/** The simulator's step for a harness step: a declared pool gets Calico's defaults, or the reason it is refused. */
function harnessStep(step: HarnessTimelineStep): TimelineStep {
  if (typeof step !== "object" || step === null || !("addPool" in step)) return step;
  const d = step.addPool;
  const spec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d ?? {})) if (k !== "name" && v !== undefined) spec[k] = v;
  const check = checkIpPool({ apiVersion: API_V3, kind: "IPPool", metadata: { name: d?.name }, spec });
  if (check.pool) return { addPool: check.pool };
  const problems = check.findings.filter((f) => f.severity === "error").map((f) => `${f.path}: ${f.message}`);
  return { addPool: undefined as unknown as EffectiveIpPool, rejected: `the pool ${JSON.stringify(d?.name)} is not a valid IPPool: ${problems.join("; ")}` };
}
