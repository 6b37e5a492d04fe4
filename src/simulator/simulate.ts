/**
 * The allocation simulator's driver: plays Calico's IPAM (reference §5) over a declared cluster and says
 * whether every pod gets an address, from which pool and block, how full each pool is and how much room
 * is left. The parts, by Calico's concepts:
 * - `state.ts`: the IPAM datastore (pools, blocks, affinities) and `ipam-block.ts` one block;
 * - `allocate.ts`: the allocation path (`autoAssign`, `findOrClaimBlock`, `findUsableBlock`, `AssignIP`);
 * - `release.ts`: the release path (`releaseIPs`);
 * - `cni.ts`: the CNI plugin's ADD (families, pool precedence, dual stack); `tunnels.ts`: calico-node's
 *   tunnel addresses; `scheduling.ts`: placement of pods on nodes;
 * - `usage.ts` and `findings.ts`: what the result reports.
 *
 * Order of events (one-shot, deterministic):
 * 1. pods are placed on nodes (fewest pods first, ties by age, then natural name order: `scheduling.ts`);
 * 2. every node, in natural name order, gets its tunnel addresses (IPIP, VXLAN, VXLAN IPv6: one address
 *    from the node's encapsulated pools, reference §5.13), before any pod;
 * 3. pods are allocated, workloads in declaration order and replicas in order, IPv4 then IPv6; a pod
 *    that cannot get every family gives back what it got.
 *
 * Over a timeline (`input.timeline`, see `timeline.ts`) the driver then plays each step — pods created
 * and deleted through the CNI ADD and DEL, nodes and pools changed, time passed with Calico's timers
 * (`timers.ts`) — and takes the state and findings after each.
 *
 * Where the simulation may differ from a live cluster:
 * - pods arrive workload by workload, not interleaved across nodes as kubelets create them;
 * - host-sized blocks (/32, /128), which Calico walks from a clock-seeded start, use the host-name seed;
 * - WireGuard tunnel addresses, KubeVirt, LoadBalancer addresses, IP cooldown and host-local IPAM are
 *   not modelled;
 * - kube-controllers' garbage collector runs at the end of each `wait` step, and kubelets retry failed
 *   pods only then (see `timers.ts`);
 * - on a block limit the pod fails with "Assigned 0 out of 1 …; Need to allocate an IPAM block but could
 *   not - limit of N blocks reached for this node" as in Calico v3.32 (newer code returns
 *   "cannot allocate new block due to per host block limit").
 */
import { MAX_NODES, MAX_PODS } from "../limits";
import { Finding, error, sortFindings, warning } from "../validation/finding";
import { cmdAdd, familiesOf, workloadPlan, WorkloadPlan } from "./cni";
import { Analysis, FailureLog, windowsFinding } from "./findings";
import type { IpFamily } from "../ip";
import type { EffectiveIpPool } from "../validation/ip-pool";
import { releaseHostAffinities, releaseIP, releaseIPs, releasePoolAffinities } from "./release";
import type { PodAllocation, SimulationFindingCode, SimulationInput, SimulationResult, SimulationSummary, TimelineStepResult } from "./result";
import { Scheduler, schedulePods, unschedulableFinding } from "./scheduling";
import { HeldAddress, RestoredSnapshot, SeededPod, blockSequence, captureSnapshot, podOwner, restoreSnapshot, tunnelOwner } from "./snapshot";
import { PodColumns } from "./pods";
import { PodList } from "./pod-list";
import { LazyOwnProperty } from "../ledger/private/lazy-property";
import { ClusterView, Grant, IpamState, NodeState, PoolState, buildCatalog } from "./state";
import { advanceTime } from "./timers";
import { MAX_TIMELINE_NODES, MAX_TIMELINE_POD_OPERATIONS, MAX_TIMELINE_STEPS, TimelineStep, stepAction } from "./timeline";
import { NamespaceDeclaration, WorkloadDeclaration, compareNaturally, declaredNodeCount, expandNodes, nodeLabels } from "./topology";
import { assignHostTunnelAddrs, releaseTunnelAddr } from "./tunnels";
import { NodeHeadroom, Usage } from "./usage";

/** The nodeSelector of a workload without one (one object, so the scheduler keys it once). */
const NO_SELECTOR: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The `pods` of a one-shot run's result: made from the run's {@link PodList} when first read (see
 * pod-list.ts), one getter for every result (see `LazyOwnProperty`).
 */
const LISTED_PODS = new LazyOwnProperty<{ readonly list: PodList; readonly ipam: IpamState }, PodAllocation[]>("pods", ({ list, ipam }) => list.toPods(ipam));

/** Namespaces every Kubernetes cluster has; using them undeclared is normal. */
const BUILT_IN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/**
 * Plays Calico's block allocation for the declared cluster and reports, per pod, node, pool and block,
 * what Calico would do, with findings for every pod that gets no address and every plan weakness.
 * Deterministic: the same input gives a deep-equal, JSON byte-identical result. Cost grows with pods,
 * nodes, pools and claimed blocks, never with the size of a pool.
 *
 * Each host's first block in a pool is Calico's (`randomBlockGenerator`: Go's math/rand seeded with the
 * FNV-1 hash of the host name), so block CIDRs match a live cluster that saw the same requests in the
 * same order. With `input.timeline`, the steps are played after the declared cluster is up and
 * `result.timeline` holds the state and findings after each. Where a live cluster may differ: pods
 * start workload by workload; /32 and /128 blocks keep the host-name seed where Calico uses the clock;
 * WireGuard, KubeVirt and LoadBalancer addresses are not modelled; overlapping pools keep only the
 * first in name order.
 *
 * @see https://docs.tigera.io/calico/latest/networking/ipam/ip-pools
 */
export function simulateAllocation(input: SimulationInput): SimulationResult {
  return new Simulation(input).run();
}

/** A workload during a timeline: its desired replicas, live pods (oldest first) and pending pods. */
interface WorkloadRuntime {
  readonly decl: WorkloadDeclaration;
  readonly ns: NamespaceDeclaration;
  readonly fixed: boolean;
  readonly families: IpFamily[];
  readonly familyBits: number;
  readonly plans: Map<number, WorkloadPlan>;
  /** The live pods, oldest first. */
  pods: PodColumns;
  /** Of `pods`, those whose CNI ADD failed. */
  failed: number;
  nextSerial: number;
  desired: number;
  /** Pods the scheduler could not place yet. */
  pending: number;
}

/**
 * A step refused: the field at fault and the message (the value, the rule, the way out). `tooLong`: a
 * limit of the whole run was reached (TIMELINE_TOO_LONG), so no later step is played.
 */
class StepError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly tooLong = false,
  ) {
    super(message);
  }
}

class Simulation implements ClusterView {
  private findings: Finding[] = [];
  readonly ipam: IpamState;
  private readonly threshold: number;
  readonly namespaces = new Map<string, NamespaceDeclaration>();
  readonly workloads: WorkloadDeclaration[] = [];
  readonly cni: SimulationInput["cni"];
  private log = new FailureLog();
  /** A timeline's pod list, made after its last step ({@link listPods}). */
  private readonly pods: PodAllocation[] = [];
  /** A one-shot run's pod list, as columns: the result's `pods` is made from it when first read. */
  private podList: PodList | undefined;
  private readonly reps: NodeState[] = [];
  private countsCache: number[] | undefined;
  private liveCache: NodeState[] | undefined;
  private podsScheduled = 0;
  private podsUnschedulable = 0;
  private podsAllocated = 0;
  private podsFailed = 0;
  private podsDeclared = 0;
  /** Timeline runs keep every pod's grants; one-shot runs do not. */
  private readonly tracking: boolean;
  /** Whether pods' grants are kept: timelines, runs from an initial state, runs that keep their end state. */
  private readonly keep: boolean;
  /** The initial state's owners of restored addresses, when the run starts from one. */
  private restored: RestoredSnapshot | undefined;
  /** Pods of the initial state no declared workload owns: they keep their addresses until their node goes. */
  private statics: SeededPod[] = [];
  /** Owners of addresses leaked during the run (their pods are gone). */
  private readonly leakedOwners = new Map<Grant, { handle: string; attributes: Record<string, string> }>();
  /** With `keepEndState`: each grant's block sequence number when it was allocated (`sequenceNumberForAllocation`). */
  private readonly stamps: WeakMap<Grant, bigint> | undefined;
  private readonly runtimes: WorkloadRuntime[] = [];
  private scheduler: Scheduler | undefined;
  /** Current pool definitions by name (present pools only). */
  private readonly definitions = new Map<string, EffectiveIpPool>();
  private podOperations = 0;

  constructor(private readonly input: SimulationInput) {
    const t = input.utilizationThreshold ?? 0.8;
    this.threshold = Number.isFinite(t) && t >= 0 && t <= 1 ? t : 0.8;
    if (t !== this.threshold) {
      this.findings.push(error("TOPOLOGY_INVALID", "utilizationThreshold", `utilizationThreshold must be a fraction from 0 to 1, got ${String(t)}; 0.8 is used`));
    }
    this.cni = input.cni;
    this.tracking = (input.timeline?.length ?? 0) > 0;
    this.keep = this.tracking || input.initialState !== undefined || input.keepEndState === true;
    this.stamps = input.keepEndState === true ? new WeakMap() : undefined;
    const later = (input.timeline ?? []).flatMap((s) => (s && typeof s === "object" && "addPool" in s && s.addPool && typeof s.addPool === "object" && s.addPool.cidr && s.rejected === undefined ? [s.addPool] : []));
    this.ipam = new IpamState(buildCatalog(input.pools, this.findings), input.ipamConfiguration, input.reservations ?? [], later);
    for (const p of this.ipam.catalog.pools) this.definitions.set(p.name, p);
  }

  get classReps(): readonly NodeState[] {
    return this.reps;
  }

  /** Nodes in the cluster now, natural name order. */
  get nodes(): readonly NodeState[] {
    if (!this.keep) return this.ipam.nodes;
    this.liveCache ??= this.ipam.nodes.filter((n) => !n.deleted).sort((a, b) => compareNaturally(a.node.name, b.node.name));
    return this.liveCache;
  }

  /** Pools to report: present ones, and deleted ones that still hold blocks. */
  get pools(): readonly PoolState[] {
    return this.ipam.pools.filter((ps) => ps.present || ps.blockList.length > 0);
  }

  replicasOf(w: WorkloadDeclaration): number {
    return this.runtimes.find((rt) => rt.decl === w)?.desired ?? w.replicas;
  }

  classCounts(): number[] {
    if (!this.countsCache) {
      this.countsCache = new Array<number>(this.reps.length).fill(0);
      for (const n of this.ipam.nodes) if (!n.deleted) this.countsCache[n.classId]++;
    }
    return this.countsCache;
  }

  run(): SimulationResult {
    this.readTopology();
    const existing = this.restoreInitialState();
    this.classifyNodes();
    const toSchedule = this.workloads.map((w, i) => (existing[i].length > 0 ? { ...w, replicas: Math.max(0, w.replicas - existing[i].length) } : w));
    const schedule = schedulePods(this.ipam.nodes, toSchedule, this.findings);
    this.podsScheduled = schedule.scheduled;
    this.podsUnschedulable = schedule.unschedulable;
    const windows = windowsFinding(this.ipam.nodes, this.ipam.strict);
    if (windows) this.findings.push(windows);
    for (const node of this.ipam.nodes) if (!node.deleted) this.reconcileTunnels(node);
    this.workloads.forEach((w, i) => this.allocateWorkload(w, schedule.placements[i], existing[i]));
    const usage = new Usage(this);
    new Analysis(this, usage, this.log, this.findings, this.threshold, this.input.ipamConfiguration).analyse();
    if (!this.tracking) return this.result(usage, this.findings);
    return this.playTimeline(usage);
  }

  // ---------------------------------------------------------------- setup

  private readTopology(): void {
    const topology = this.input.topology;
    let expanded = expandNodes(topology.nodes ?? []);
    const seeded = this.input.initialState?.nodes ?? [];
    if (seeded.length > 0) {
      // The initial state's nodes join the cluster; a node the topology declares keeps its declaration.
      const declared = new Set(expanded.nodes.map((n) => n.name));
      expanded = expandNodes([...(topology.nodes ?? []), ...seeded.filter((n) => !declared.has(n.name))]);
      // The cluster's nodes keep the snapshot's order (the scheduler breaks ties by it); declared new ones follow.
      const position = new Map(seeded.map((n, k) => [n.name, k]));
      const rank = (name: string) => position.get(name) ?? seeded.length;
      expanded.nodes.sort((x, y) => rank(x.name) - rank(y.name));
    }
    this.findings.push(...expanded.findings);
    for (const node of expanded.nodes) this.ipam.addNode(node);
    for (const ns of topology.namespaces ?? []) {
      if (typeof ns.name !== "string" || ns.name === "") {
        this.findings.push(error("TOPOLOGY_INVALID", "namespaces", "a namespace needs a non-empty name"));
        continue;
      }
      if (this.namespaces.has(ns.name)) {
        this.findings.push(error("TOPOLOGY_DUPLICATE_NAMESPACE", `namespaces.${ns.name}`, `namespace "${ns.name}" is declared twice; only the first declaration is simulated`));
        continue;
      }
      this.namespaces.set(ns.name, ns);
    }
    // Checked before any pod is placed, so a typo such as replicas: 1e12 allocates nothing.
    const declaredPods = (topology.workloads ?? []).reduce((sum, w) => sum + (Number.isInteger(w?.replicas) && w.replicas > 0 ? w.replicas : 0), 0);
    if (declaredPods > MAX_PODS) {
      this.findings.push(error("TOPOLOGY_TOO_LARGE", "workloads", `the workloads declare ${declaredPods} pods, more than the limit of ${MAX_PODS} (MAX_PODS, see docs/limits.md); simulate a representative part of the cluster`));
      return;
    }
    const seen = new Set<string>();
    for (const w of topology.workloads ?? []) {
      const path = `workloads.${String(w.name)}`;
      if (typeof w.name !== "string" || w.name === "" || typeof w.namespace !== "string" || w.namespace === "") {
        this.findings.push(error("TOPOLOGY_INVALID", path, "a workload needs a non-empty name and namespace"));
        continue;
      }
      if (!Number.isInteger(w.replicas) || w.replicas < 0) {
        this.findings.push(error("TOPOLOGY_INVALID", path, `replicas must be a whole number of 0 or more, got ${String(w.replicas)}`));
        continue;
      }
      const bad = (w.ipFamilies ?? []).find((f) => f !== "IPv4" && f !== "IPv6");
      if (bad !== undefined) {
        this.findings.push(error("TOPOLOGY_INVALID", `${path}.ipFamilies`, `ipFamilies may only hold "IPv4" and "IPv6", got ${JSON.stringify(bad)}`));
        continue;
      }
      const key = `${w.namespace}/${w.name}`;
      if (seen.has(key)) {
        this.findings.push(error("TOPOLOGY_DUPLICATE_WORKLOAD", path, `workload "${w.name}" is declared twice in namespace "${w.namespace}"; only the first declaration is simulated`));
        continue;
      }
      seen.add(key);
      this.workloads.push(w);
      this.podsDeclared += w.replicas;
      if (!this.namespaces.has(w.namespace)) {
        this.namespaces.set(w.namespace, { name: w.namespace });
        if (BUILT_IN_NAMESPACES.has(w.namespace)) continue;
        this.findings.push(
          warning("NAMESPACE_UNDECLARED", `namespaces.${w.namespace}`, `namespace "${w.namespace}" (used by workload "${w.name}") is not declared; it is simulated with no labels besides kubernetes.io/metadata.name and no pool annotations. Declare it if pool namespaceSelectors or annotations should apply`),
        );
      }
    }
  }

  /**
   * Restores the initial state (when given) and sorts its pods: those named `<workload>-<n>` in a
   * declared workload's namespace, per workload by serial; the others stay as they are.
   */
  private restoreInitialState(): SeededPod[][] {
    const existing: SeededPod[][] = this.workloads.map(() => []);
    const initial = this.input.initialState;
    if (!initial) return existing;
    this.ipam.now = initial.time ?? 0;
    this.restored = restoreSnapshot(this.ipam, initial, this.findings);
    const byName = new Map(this.workloads.map((w, i) => [`${w.namespace}/${w.name}`, i]));
    for (const pod of this.restored.pods.values()) {
      const m = /^(.*)-(0|[1-9][0-9]{0,8})$/.exec(pod.name);
      const i = m ? byName.get(`${pod.namespace}/${m[1]}`) : undefined;
      if (i === undefined) this.statics.push(pod);
      else existing[i].push(pod);
    }
    for (const list of existing) list.sort((a, b) => serialOf(a) - serialOf(b));
    return existing;
  }

  /** Nodes that every pool selects alike (and of the same OS) get the same pools: one class, one precedence answer. */
  private classifyNodes(): void {
    const classes = new Map<string, number>();
    this.reps.length = 0;
    for (const n of this.ipam.nodes) {
      let key = n.windows ? "w" : "l";
      for (const p of this.ipam.catalog.pools) {
        const m = this.ipam.catalog.selectsNode(p.name, n.node.labels);
        key += m === true ? "1" : m === false ? "0" : "e";
      }
      let id = classes.get(key);
      if (id === undefined) {
        id = this.reps.length;
        classes.set(key, id);
        this.reps.push(n);
      }
      n.classId = id;
    }
    this.countsCache = undefined;
  }

  // ---------------------------------------------------------------- allocation

  private reconcileTunnels(node: NodeState): void {
    assignHostTunnelAddrs(this.ipam, node, (n, type, code, message) => this.log.tunnel(n, type, code, message));
    if (this.stamps) for (const g of node.tunnelGrants.values()) this.stamp(g);
  }

  /** Records a new grant's `sequenceNumberForAllocation` (for the end state). */
  private stamp(grant: Grant | undefined): void {
    if (grant && this.stamps && !this.stamps.has(grant)) this.stamps.set(grant, blockSequence(this.ipam, grant.block));
  }

  private allocateWorkload(w: WorkloadDeclaration, placement: Int32Array, existing: readonly SeededPod[]): void {
    const ns = this.namespaces.get(w.namespace) ?? { name: w.namespace };
    const fixed = (w.annotations?.ipAddrs?.length ?? 0) > 0;
    const families = familiesOf(w, fixed, this.cni);
    const familyBits = (families.includes(4) ? 1 : 0) | (families.includes(6) ? 2 : 0);
    const plans = new Map<number, WorkloadPlan>();
    const serials = existing.map(serialOf);
    // Grants keep their identity where it is a key: the initial state's owners, the end state's sequence numbers.
    const keepGrants = this.restored !== undefined || this.stamps !== undefined;
    const rt: WorkloadRuntime | undefined = this.keep
      ? { decl: w, ns, fixed, families, familyBits, plans, pods: new PodColumns(this.ipam, keepGrants, placement.length + existing.length), failed: 0, nextSerial: Math.max(w.replicas, ...serials.map((n) => n + 1)), desired: w.replicas, pending: 0 }
      : undefined;
    if (rt) this.runtimes.push(rt);
    // Pods of the initial state: kept up to the declared replicas (a controller deletes the newest extra ones).
    existing.forEach((pod, k) => {
      if (k >= w.replicas) {
        const extra = new PodColumns(this.ipam, keepGrants, 1);
        extra.push(serials[k], pod.node, pod.v4, pod.v6, undefined);
        this.deletePod(rt as WorkloadRuntime, extra, 0, false);
        return;
      }
      pod.node.families |= familyBits;
      rt?.pods.push(serials[k], pod.node, pod.v4, pod.v6, undefined);
      this.podsScheduled++;
      this.podsAllocated++;
      this.recordPod(w, pod.name, pod.node, pod.v4, pod.v6, null, null);
    });
    // New pods take the lowest free serials.
    const taken = new Set(serials);
    let nextFree = 0;
    for (let r = 0; r < placement.length; r++) {
      let serial = r;
      if (serials.length > 0) {
        while (taken.has(nextFree)) nextFree++;
        serial = nextFree++;
      }
      // The pod's name is made only where it is used (a pod list, a failure): not for each of a million pods.
      const nodeIndex = placement[r];
      if (nodeIndex < 0) {
        if (rt) rt.pending++;
        this.recordPod(w, serial, null, undefined, undefined, "unschedulable: no eligible node with room", "POD_UNSCHEDULABLE");
        continue;
      }
      const node = this.ipam.nodes[nodeIndex];
      node.families |= familyBits;
      let plan = plans.get(node.classId);
      if (!plan) {
        plan = workloadPlan(this.ipam, this.reps[node.classId], ns, w, families, this.cni);
        plans.set(node.classId, plan);
      }
      const added = cmdAdd(this.ipam, node, plan, families, fixed);
      this.stamp(added.v4);
      this.stamp(added.v6);
      if (rt) rt.pods.push(serial, node, added.v4, added.v6, added.failure);
      if (added.failure) {
        if (rt) rt.failed++;
        node.podsFailed++;
        this.podsFailed++;
        this.log.pod(w, `${w.name}-${serial}`, node, added.failure, added.failedFamily);
        this.recordPod(w, serial, node, undefined, undefined, added.failure.message, added.failure.code);
        continue;
      }
      this.podsAllocated++;
      this.recordPod(w, serial, node, added.v4, added.v6, null, null);
    }
  }

  /** Lists one pod (`<workload>-<serial>`, or the given name) when the run lists pods. */
  private recordPod(
    w: WorkloadDeclaration,
    name: string | number,
    node: NodeState | null,
    v4: Grant | undefined,
    v6: Grant | undefined,
    message: string | null,
    code: SimulationFindingCode | null,
  ): void {
    if (this.input.includePods === false || this.tracking) return;
    (this.podList ??= new PodList(this.podsDeclared)).push(w, name, node, v4, v6, message, code);
  }

  // ---------------------------------------------------------------- timeline

  private playTimeline(initial: Usage): SimulationResult {
    const steps = this.input.timeline ?? [];
    const all: Finding[] = [...this.findings];
    let previous = new Set(this.findings.map(findingKey));
    void initial;
    this.scheduler = new Scheduler(this.ipam.nodes);
    const results: TimelineStepResult[] = [];
    if (steps.length > MAX_TIMELINE_STEPS) {
      all.push(
        error("TIMELINE_TOO_LONG", "timeline", `the timeline has ${steps.length} steps, more than the ${MAX_TIMELINE_STEPS} the harness plays; none was played. Split it into several runs, or merge steps (one scale step can add many pods)`),
      );
      return this.result(new Usage(this), all, results);
    }
    // Every node a run knows keeps its state (node indices are never reused): counted before any step is played.
    let known = this.ipam.nodes.length;
    for (const [index, step] of steps.entries()) {
      if (typeof step !== "object" || step === null || !("addNodes" in step) || !Array.isArray(step.addNodes)) continue;
      known += declaredNodeCount(step.addNodes);
      if (known > MAX_TIMELINE_NODES) {
        all.push(
          error(
            "TIMELINE_TOO_LONG",
            `timeline[${index}].addNodes`,
            `with this step the run would know ${known} nodes (declared, and added by addNodes steps, removed ones included), more than the ${MAX_TIMELINE_NODES} the harness plays (MAX_TIMELINE_NODES); none was played. Split the timeline into several runs (keepEndState, then initialState) or add fewer nodes`,
          ),
        );
        return this.result(new Usage(this), all, results);
      }
    }
    let stopped = false;
    steps.forEach((step, index) => {
      this.findings = [];
      this.log = new FailureLog();
      for (const ps of this.ipam.pools) {
        ps.exhaustedHits = 0;
        ps.exhaustedSpilled = 0;
        ps.exhaustedUnmet = 0;
        ps.exhaustedNodes.length = 0;
      }
      const action = typeof step === "object" && step !== null ? stepAction(step) : ("wait" as const);
      let description = String(action);
      let applied = false;
      if (!stopped) {
        try {
          description = this.applyStep(step, index);
          applied = true;
        } catch (e) {
          if (!(e instanceof StepError)) throw e;
          const path = `timeline[${index}]${e.field === "" ? "" : `.${e.field}`}`;
          const tooLong = e.tooLong;
          this.findings.push(error(tooLong ? "TIMELINE_TOO_LONG" : "TIMELINE_INVALID", path, e.message));
          if (tooLong) stopped = true;
        }
      }
      this.schedulePending();
      const usage = new Usage(this);
      new Analysis(this, usage, this.log, this.findings, this.threshold, this.input.ipamConfiguration).analyse();
      const snapshot = this.snapshot(usage, false);
      const findings = sortFindings(this.findings);
      results.push({ index, action, description, time: this.ipam.now, applied, summary: snapshot.summary, pools: snapshot.pools, nodeGroups: snapshot.nodeGroups, blocks: snapshot.blocks, findings });
      const keys = new Set(findings.map(findingKey));
      for (const f of findings) if (!previous.has(findingKey(f))) all.push({ ...f, message: `After step ${index + 1} (${description}): ${f.message}` });
      previous = keys;
    });
    this.listPods();
    return this.result(new Usage(this), all, results);
  }

  /** Plays one step; returns its description, or throws a {@link StepError}. */
  private applyStep(step: TimelineStep, index: number): string {
    const keys = typeof step === "object" && step !== null ? Object.keys(step).filter((k) => k !== "rejected") : [];
    if (typeof step !== "object" || step === null || Array.isArray(step) || keys.length !== 1) {
      throw new StepError("", `a step is an object with exactly one action key (${["scale", "rollingRestart", "deletePods", "addNodes", "removeNodes", "drainNodes", "uncordonNodes", "relabelNode", "addPool", "disablePool", "enablePool", "deletePool", "updatePool", "ipamConfiguration", "wait"].join(", ")}), got ${JSON.stringify(step)}`);
    }
    void index;
    const s = step as unknown as Record<string, unknown>;
    if ("scale" in step) return this.scale(step.scale);
    if ("rollingRestart" in step) return this.rollingRestart(step.rollingRestart);
    if ("deletePods" in step) return this.deletePods(step.deletePods);
    if ("addNodes" in step) return this.addNodes(step.addNodes);
    if ("removeNodes" in step) return this.removeNodes(step.removeNodes, "removeNodes");
    if ("drainNodes" in step) return this.drainNodes(step.drainNodes);
    if ("uncordonNodes" in step) return this.uncordonNodes(step.uncordonNodes);
    if ("relabelNode" in step) return this.relabelNode(step.relabelNode);
    if ("addPool" in step) {
      if (step.rejected !== undefined) throw new StepError("addPool", step.rejected);
      return this.addPool(step.addPool);
    }
    if ("disablePool" in step) return this.setPoolDisabled(step.disablePool, true, "disablePool");
    if ("enablePool" in step) return this.setPoolDisabled(step.enablePool, false, "enablePool");
    if ("deletePool" in step) return this.deletePool(step.deletePool);
    if ("updatePool" in step) return this.updatePool(step.updatePool);
    if ("ipamConfiguration" in step) return this.configure(step.ipamConfiguration);
    if ("wait" in step) return this.wait(step.wait);
    throw new StepError(Object.keys(s)[0], `unknown action "${Object.keys(s)[0]}"; the actions are scale, rollingRestart, deletePods, addNodes, removeNodes, drainNodes, uncordonNodes, relabelNode, addPool, disablePool, enablePool, deletePool, updatePool, ipamConfiguration and wait`);
  }

  private countOperations(n: number): void {
    this.podOperations += n;
    if (this.podOperations > MAX_TIMELINE_POD_OPERATIONS) {
      throw new StepError("", `the timeline creates and deletes more than ${MAX_TIMELINE_POD_OPERATIONS} pods in all; the harness stops here and plays no later step. Simulate fewer or smaller steps`, true);
    }
  }

  private workload(ref: { workload?: unknown; namespace?: unknown } | undefined, action: string): WorkloadRuntime {
    if (typeof ref !== "object" || ref === null) throw new StepError(action, `${action} needs an object with the workload's name ("workload") and, when names repeat, its namespace`);
    const name = ref.workload;
    if (typeof name !== "string" || name === "") throw new StepError(`${action}.workload`, `${action} needs the workload's name, got ${JSON.stringify(name)}`);
    const matches = this.runtimes.filter((r) => r.decl.name === name && (ref.namespace === undefined || r.decl.namespace === ref.namespace));
    if (matches.length === 0) {
      const known = this.runtimes.map((r) => `${r.decl.namespace}/${r.decl.name}`);
      throw new StepError(`${action}.workload`, `no workload "${name}"${ref.namespace !== undefined ? ` in namespace "${String(ref.namespace)}"` : ""}; the topology declares ${known.length > 0 ? known.join(", ") : "none"}. Declare it under topology.workloads or fix the name`);
    }
    if (matches.length > 1) throw new StepError(`${action}.namespace`, `workload "${name}" exists in namespaces ${matches.map((r) => r.decl.namespace).join(", ")}; give the namespace`);
    return matches[0];
  }

  private wholeNumber(value: unknown, field: string, what: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new StepError(field, `${what} must be a whole number of 0 or more, got ${JSON.stringify(value)}`);
    return value;
  }

  private scale(ref: { workload: string; namespace?: string; replicas: number }): string {
    const rt = this.workload(ref, "scale");
    const replicas = this.wholeNumber(ref.replicas, "scale.replicas", "replicas");
    const current = rt.pods.length + rt.pending;
    this.countOperations(Math.abs(replicas - current));
    rt.desired = replicas;
    if (replicas > current) {
      for (let k = current; k < replicas; k++) this.createPod(rt);
    } else {
      let drop = current - replicas;
      const fromPending = Math.min(drop, rt.pending);
      rt.pending -= fromPending;
      drop -= fromPending;
      for (let k = 0; k < drop; k++) {
        const last = rt.pods.length - 1;
        this.deletePod(rt, rt.pods, last, false);
        rt.pods.truncate(last);
      }
    }
    return `scale ${rt.decl.namespace}/${rt.decl.name} from ${current} to ${replicas}`;
  }

  private rollingRestart(ref: { workload: string; namespace?: string; maxSurge?: number | string; maxUnavailable?: number | string }): string {
    const rt = this.workload(ref, "rollingRestart");
    const replicas = rt.desired;
    const surge = this.fraction(ref.maxSurge ?? "25%", replicas, true, "rollingRestart.maxSurge");
    const unavailable = this.fraction(ref.maxUnavailable ?? "25%", replicas, false, "rollingRestart.maxUnavailable");
    if (surge === 0 && unavailable === 0) {
      throw new StepError("rollingRestart.maxUnavailable", `maxSurge and maxUnavailable are both 0 for ${replicas} replicas, which Kubernetes refuses (the rollout could never progress); set one of them above 0`);
    }
    const old = rt.pods;
    this.countOperations(2 * old.length);
    rt.pods = old.empty(old.length);
    let head = 0;
    let created = 0;
    // Each round: old pods down by maxUnavailable, new pods up by maxSurge plus that, then old pods down to the replica count.
    while (head < old.length) {
      const down = Math.min(unavailable, old.length - head);
      for (let k = 0; k < down; k++) this.deletePod(rt, old, head++, false);
      const up = Math.min(surge + down, Math.max(0, replicas - rt.pods.length - rt.pending));
      for (let k = 0; k < up; k++) this.createPod(rt);
      created += up;
      const excess = Math.min(old.length - head, Math.max(0, rt.pods.length + rt.pending + (old.length - head) - replicas));
      for (let k = 0; k < excess; k++) this.deletePod(rt, old, head++, false);
      if (down === 0 && up === 0 && excess === 0) break;
    }
    for (; head < old.length; head++) rt.pods.pushFrom(old, head);
    return `rolling restart of ${rt.decl.namespace}/${rt.decl.name} (${created} pods replaced, maxSurge ${surge}, maxUnavailable ${unavailable})`;
  }

  /** A surge or unavailability as Kubernetes reads it: an integer, or a percentage of replicas rounded up (surge) or down. */
  private fraction(value: number | string, replicas: number, roundUp: boolean, field: string): number {
    if (typeof value === "number") return this.wholeNumber(value, field, field.split(".")[1]);
    const m = typeof value === "string" ? /^(\d+)%$/.exec(value) : null;
    if (!m) throw new StepError(field, `${field.split(".")[1]} must be a whole number or a percentage such as "25%", got ${JSON.stringify(value)}`);
    const exact = (Number(m[1]) * replicas) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }

  private deletePods(ref: { workload: string; namespace?: string; count: number; recreate?: boolean; leak?: boolean }): string {
    const rt = this.workload(ref, "deletePods");
    const count = this.wholeNumber(ref.count, "deletePods.count", "count");
    if (count > rt.pods.length) throw new StepError("deletePods.count", `count ${count} is more than the ${rt.pods.length} running pods of ${rt.decl.namespace}/${rt.decl.name}; delete at most ${rt.pods.length}`);
    const recreate = ref.recreate ?? true;
    this.countOperations(recreate ? 2 * count : count);
    const victims = rt.pods.takeFront(count);
    for (let k = 0; k < victims.length; k++) this.deletePod(rt, victims, k, ref.leak === true);
    if (recreate) for (let k = 0; k < count; k++) this.createPod(rt);
    else rt.desired -= count;
    return `delete ${count} pod(s) of ${rt.decl.namespace}/${rt.decl.name}${ref.leak ? " (addresses leaked)" : ""}${recreate ? ", recreated" : ""}`;
  }

  private node(name: unknown, field: string): NodeState {
    return this.nodeList([name], field, true)[0];
  }

  /** The live nodes a step names, looked up in one map (a step may name thousands of nodes). */
  private nodeList(names: unknown, field: string, single = false): NodeState[] {
    if (!Array.isArray(names) || names.length === 0) throw new StepError(field, `${field} needs a list of node names, got ${JSON.stringify(names)}`);
    const live = new Map<string, NodeState>();
    for (const n of this.ipam.nodes) if (!n.deleted && !live.has(n.node.name)) live.set(n.node.name, n);
    return names.map((name, i) => {
      const node = typeof name === "string" ? live.get(name) : undefined;
      if (!node) throw new StepError(single ? field : `${field}[${i}]`, `no node ${JSON.stringify(name)} in the cluster at this step; name a node of topology.nodes or one added by an earlier addNodes step`);
      return node;
    });
  }

  private addNodes(entries: unknown): string {
    if (!Array.isArray(entries) || entries.length === 0) throw new StepError("addNodes", `addNodes needs a list of nodes or node groups, got ${JSON.stringify(entries)}`);
    const expanded = expandNodes(entries);
    const bad = expanded.findings[0];
    if (bad) throw new StepError("addNodes", bad.message);
    const taken = new Set(this.ipam.nodes.filter((n) => !n.deleted).map((n) => n.node.name));
    const clash = expanded.nodes.find((n) => taken.has(n.name));
    if (clash) throw new StepError("addNodes", `node "${clash.name}" is already in the cluster; node names are unique, pick another name`);
    const count = expanded.nodes.length;
    if (taken.size + count > MAX_NODES) {
      throw new StepError(
        "addNodes",
        `adding ${count} node(s) to the ${taken.size} in the cluster would make ${taken.size + count}, more than the limit of ${MAX_NODES} (MAX_NODES, see docs/limits.md); remove nodes in an earlier step, add fewer, or simulate a representative part of the cluster`,
      );
    }

    const added = expanded.nodes.map((n) => this.ipam.addNode(n));
    this.nodesChanged();
    for (const n of added) this.reconcileTunnels(n);
    return `add ${added.length} node(s)`;
  }

  private evict(nodes: readonly NodeState[]): number {
    const set = new Set(nodes);
    let evicted = 0;
    // Pods of the initial state that no declared workload owns: evicted, and not recreated (their controller is unknown).
    const gone = this.statics.filter((p) => set.has(p.node));
    if (gone.length > 0) {
      this.statics = this.statics.filter((p) => !set.has(p.node));
      for (const p of gone) {
        releaseIPs(this.ipam, [p.v4, p.v6].filter((g): g is Grant => g !== undefined));
        p.node.pods--;
        this.scheduler?.removed(p.node.index);
      }
    }
    for (const rt of this.runtimes) {
      const pods = rt.pods;
      const keep = pods.empty();
      const gone = pods.empty();
      for (let k = 0; k < pods.length; k++) (set.has(pods.node(k)) ? gone : keep).pushFrom(pods, k);
      if (gone.length === 0) continue;
      rt.pods = keep;
      for (let k = 0; k < gone.length; k++) this.deletePod(rt, gone, k, false);
      evicted += gone.length;
    }
    this.countOperations(2 * evicted);
    return evicted;
  }

  /** Recreates evicted pods: the controllers bring every workload back to its desired count. */
  private recreate(): void {
    for (const rt of this.runtimes) for (let k = rt.pods.length + rt.pending; k < rt.desired; k++) this.createPod(rt);
  }

  private removeNodes(names: unknown, field: string): string {
    const nodes = this.nodeList(names, field);
    const evicted = this.evict(nodes);
    for (const n of nodes) {
      for (const type of [...n.tunnelGrants.keys()]) releaseTunnelAddr(this.ipam, n, type);
      releaseHostAffinities(this.ipam, n);
      n.deleted = true;
    }
    this.nodesChanged();
    this.recreate();
    return `remove ${nodes.map((n) => n.node.name).join(", ")} (${evicted} pods recreated elsewhere)`;
  }

  private drainNodes(names: unknown): string {
    const nodes = this.nodeList(names, "drainNodes");
    for (const n of nodes) n.cordoned = true;
    const evicted = this.evict(nodes);
    this.nodesChanged();
    this.recreate();
    return `drain ${nodes.map((n) => n.node.name).join(", ")} (${evicted} pods evicted)`;
  }

  private uncordonNodes(names: unknown): string {
    const nodes = this.nodeList(names, "uncordonNodes");
    for (const n of nodes) n.cordoned = false;
    this.nodesChanged();
    return `uncordon ${nodes.map((n) => n.node.name).join(", ")}`;
  }

  private relabelNode(change: { name: string; labels: Readonly<Record<string, string | null>> }): string {
    if (typeof change !== "object" || change === null) throw new StepError("relabelNode", "relabelNode needs { name, labels }");
    const node = this.node(change.name, "relabelNode.name");
    if (typeof change.labels !== "object" || change.labels === null) throw new StepError("relabelNode.labels", `labels must map label keys to a value, or to null to remove the label; got ${JSON.stringify(change.labels)}`);
    const labels: Record<string, string> = { ...node.node.labels };
    for (const [k, v] of Object.entries(change.labels)) {
      if (v === null) delete labels[k];
      else if (typeof v === "string") labels[k] = v;
      else throw new StepError(`relabelNode.labels.${k}`, `a label value is a string, or null to remove the label; got ${JSON.stringify(v)}`);
    }
    node.node = { ...node.node, labels: nodeLabels(node.node.name, node.node.os, labels) };
    this.ipam.epoch++;
    this.nodesChanged();
    this.reconcileTunnels(node);
    return `relabel ${node.node.name}`;
  }

  /** After nodes are added, removed, cordoned or relabelled: classes, plans and scheduler start again. */
  private nodesChanged(): void {
    this.liveCache = undefined;
    this.classifyNodes();
    for (const rt of this.runtimes) rt.plans.clear();
    this.scheduler?.reset();
  }

  /** After pools change: a new catalog, classes and plans; every node's tunnel addresses reconciled. */
  private poolsChanged(): void {
    const scratch: Finding[] = [];
    this.ipam.setCatalog(buildCatalog([...this.definitions.values()], scratch));
    this.nodesChanged();
    for (const n of this.nodes) this.reconcileTunnels(n);
  }

  private pool(name: unknown, field: string): EffectiveIpPool {
    const def = typeof name === "string" ? this.definitions.get(name) : undefined;
    if (!def) throw new StepError(field, `no IP pool ${JSON.stringify(name)} at this step; the pools are ${[...this.definitions.keys()].join(", ") || "none"}. Name one of them, or add it with an addPool step first`);
    return def;
  }

  private addPool(pool: EffectiveIpPool): string {
    if (typeof pool !== "object" || pool === null || typeof pool.name !== "string" || !pool.cidr) throw new StepError("addPool", "addPool needs a pool with a name and a CIDR");
    if (this.definitions.has(pool.name)) throw new StepError("addPool.name", `IP pool "${pool.name}" already exists; pick another name, or change it with updatePool`);
    const ps = this.ipam.poolByName.get(pool.name);
    if (!ps || ps.pool.cidr.toString() !== pool.cidr.toString() || ps.pool.blockSize !== pool.blockSize) {
      throw new StepError("addPool.name", `IP pool "${pool.name}" was known with another CIDR or block size earlier in this run; a deleted pool's blocks may still exist, so give the new pool a new name`);
    }
    this.definitions.set(pool.name, pool);
    this.poolsChanged();
    return `add pool ${pool.name} (${pool.cidr.toString()})`;
  }

  private setPoolDisabled(name: unknown, disabled: boolean, action: string): string {
    const def = this.pool(name, action);
    this.definitions.set(def.name, { ...def, disabled });
    this.poolsChanged();
    return `${disabled ? "disable" : "enable"} pool ${def.name}`;
  }

  private deletePool(name: unknown): string {
    const def = this.pool(name, "deletePool");
    // calicoctl: disable, release every block's affinity, then delete the pool.
    this.definitions.set(def.name, { ...def, disabled: true });
    this.poolsChanged();
    releasePoolAffinities(this.ipam, (this.ipam.poolByName.get(def.name) as PoolState).index);
    this.definitions.delete(def.name);
    this.poolsChanged();
    return `delete pool ${def.name}`;
  }

  private updatePool(change: { name: string; nodeSelector?: string; namespaceSelector?: string; cidr?: string; blockSize?: number }): string {
    if (typeof change !== "object" || change === null) throw new StepError("updatePool", "updatePool needs { name, nodeSelector?, namespaceSelector? }");
    const def = this.pool(change.name, "updatePool.name");
    if (change.cidr !== undefined && change.cidr !== def.cidr.toString()) {
      throw new StepError("updatePool.cidr", `IP pool "${def.name}" cannot change its cidr from ${def.cidr.toString()} to ${String(change.cidr)}: Calico forbids it (the field is immutable). Add a new pool with the new CIDR (addPool), then disable and delete the old one`);
    }
    if (change.blockSize !== undefined && change.blockSize !== def.blockSize) {
      throw new StepError("updatePool.blockSize", `IP pool "${def.name}" cannot change its blockSize from ${def.blockSize} to ${String(change.blockSize)}: Calico forbids it (the field is immutable). Add a new pool with the new block size, then disable and delete the old one`);
    }
    for (const key of ["nodeSelector", "namespaceSelector"] as const) {
      const v = change[key];
      if (v !== undefined && typeof v !== "string") throw new StepError(`updatePool.${key}`, `${key} is a Calico selector string such as "all()", got ${JSON.stringify(v)}`);
    }
    this.definitions.set(def.name, { ...def, nodeSelector: change.nodeSelector ?? def.nodeSelector, namespaceSelector: change.namespaceSelector ?? def.namespaceSelector });
    this.poolsChanged();
    return `update pool ${def.name}`;
  }

  private configure(config: { strictAffinity?: boolean; autoAllocateBlocks?: boolean; maxBlocksPerHost?: number }): string {
    if (typeof config !== "object" || config === null) throw new StepError("ipamConfiguration", "ipamConfiguration needs { strictAffinity?, autoAllocateBlocks?, maxBlocksPerHost? }");
    for (const key of ["strictAffinity", "autoAllocateBlocks"] as const) {
      if (config[key] !== undefined && typeof config[key] !== "boolean") throw new StepError(`ipamConfiguration.${key}`, `${key} is true or false, got ${JSON.stringify(config[key])}`);
    }
    if (config.maxBlocksPerHost !== undefined) this.wholeNumber(config.maxBlocksPerHost, "ipamConfiguration.maxBlocksPerHost", "maxBlocksPerHost");
    this.ipam.configure(config);
    const parts = Object.entries(config).map(([k, v]) => `${k} ${String(v)}`);
    return `IPAM configuration: ${parts.join(", ") || "unchanged"}`;
  }

  private wait(w: { seconds: number }): string {
    const seconds = typeof w === "object" && w !== null ? w.seconds : undefined;
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      throw new StepError("wait.seconds", `seconds must be a number of 0 or more (time only goes forward), got ${JSON.stringify(seconds)}`);
    }
    const gc = advanceTime(this.ipam, seconds, this.input.leakGracePeriodSeconds);
    // kubelet retries pods whose sandbox got no address.
    let retried = 0;
    for (const rt of this.runtimes) {
      const pods = rt.pods;
      for (let k = 0; k < pods.length; k++) {
        if (!pods.failure(k)) continue;
        retried++;
        pods.node(k).podsFailed--;
        this.addPod(rt, k);
      }
    }
    return `wait ${seconds} s (${gc.leakedAddressesReleased} leaked address(es) and ${gc.emptyBlocksReleased} empty block(s) released${retried > 0 ? `, ${retried} failed pod(s) retried` : ""})`;
  }

  /** Schedules one new pod of the workload and runs the CNI ADD; unplaceable pods stay pending. */
  private createPod(rt: WorkloadRuntime): void {
    const node = (this.scheduler as Scheduler).place(rt.decl.nodeSelector ?? NO_SELECTOR);
    if (node < 0) {
      rt.pending++;
      return;
    }
    this.addPod(rt, rt.pods.push(rt.nextSerial++, this.ipam.nodes[node], undefined, undefined, undefined));
  }

  /** The CNI ADD of live pod `k` of the workload (a new pod, or a failed one retried). */
  private addPod(rt: WorkloadRuntime, k: number): void {
    const pods = rt.pods;
    const node = pods.node(k);
    if (pods.failure(k)) rt.failed--;
    node.families |= rt.familyBits;
    let plan = rt.plans.get(node.classId);
    if (!plan) {
      plan = workloadPlan(this.ipam, this.reps[node.classId], rt.ns, rt.decl, rt.families, this.cni);
      rt.plans.set(node.classId, plan);
    }
    const added = cmdAdd(this.ipam, node, plan, rt.families, rt.fixed);
    this.stamp(added.v4);
    this.stamp(added.v6);
    pods.set(k, added.v4, added.v6, added.failure);
    if (added.failure) {
      node.podsFailed++;
      rt.failed++;
      this.log.pod(rt.decl, `${rt.decl.name}-${pods.serial(k)}`, node, added.failure, added.failedFamily);
    }
  }

  /** The CNI DEL of pod `k` of `pods` (or, with `leak`, a DEL that never ran) and its node's pod count. */
  private deletePod(rt: WorkloadRuntime, pods: PodColumns, k: number, leak: boolean): void {
    const node = pods.node(k);
    const b4 = pods.block(k, 4);
    if (b4) {
      if (leak) this.leak(rt, pods, k, 4);
      else releaseIP(this.ipam, b4, pods.ordinal(k, 4), node);
    }
    const b6 = pods.block(k, 6);
    if (b6) {
      if (leak) this.leak(rt, pods, k, 6);
      else releaseIP(this.ipam, b6, pods.ordinal(k, 6), node);
    }
    node.pods--;
    if (pods.failure(k)) {
      node.podsFailed--;
      rt.failed--;
    }
    this.scheduler?.removed(node.index);
  }

  /** A pod's address whose CNI DEL never ran: a leak the garbage collector finds later. */
  private leak(rt: WorkloadRuntime, pods: PodColumns, k: number, family: 4 | 6): void {
    const grant = pods.grant(k, family) as Grant;
    this.ipam.leaks.push({ grant, since: this.ipam.now });
    if (!this.restored?.owners.has(grant)) this.leakedOwners.set(grant, podOwner(rt.decl.namespace, `${rt.decl.name}-${pods.serial(k)}`, pods.node(k).node.name));
  }

  /** Places pending pods where room appeared. */
  private schedulePending(): void {
    for (const rt of this.runtimes) {
      const pending = rt.pending;
      if (pending === 0) continue;
      rt.pending = 0;
      for (let k = 0; k < pending; k++) this.createPod(rt);
      if (rt.pending > 0) {
        const eligible = (this.scheduler as Scheduler).eligibleCount(rt.decl.nodeSelector ?? NO_SELECTOR);
        this.findings.push(unschedulableFinding(rt.decl, rt.pending, rt.desired, eligible));
      }
    }
  }

  /** The pods alive after the last step, workloads in declaration order, oldest first. */
  private listPods(): void {
    if (this.input.includePods === false) return;
    for (const rt of this.runtimes) {
      const w = rt.decl;
      const pods = rt.pods;
      for (let k = 0; k < pods.length; k++) {
        const node = pods.node(k);
        const b4 = pods.block(k, 4);
        const b6 = pods.block(k, 6);
        const failure = pods.failure(k);
        this.pods.push({
          name: `${w.name}-${pods.serial(k)}`,
          namespace: w.namespace,
          workload: w.name,
          node: node.node.name,
          ipv4: b4 ? this.ipam.addressText(b4, pods.ordinal(k, 4)) : null,
          ipv4Pool: b4 ? this.ipam.pools[b4.poolIndex].pool.name : null,
          ipv4Borrowed: b4 ? b4.owner !== node.index : false,
          ipv6: b6 ? this.ipam.addressText(b6, pods.ordinal(k, 6)) : null,
          ipv6Pool: b6 ? this.ipam.pools[b6.poolIndex].pool.name : null,
          ipv6Borrowed: b6 ? b6.owner !== node.index : false,
          error: failure ? failure.message : null,
          errorCode: failure ? failure.code : null,
        });
      }
      for (let k = 0; k < rt.pending; k++) {
        this.pods.push({ name: `${w.name}-pending-${k}`, namespace: w.namespace, workload: w.name, node: null, ipv4: null, ipv4Pool: null, ipv4Borrowed: false, ipv6: null, ipv6Pool: null, ipv6Borrowed: false, error: "unschedulable: no eligible node with room", errorCode: "POD_UNSCHEDULABLE" });
      }
    }
  }

  // ---------------------------------------------------------------- result

  private summary(blocksClaimed: number): SimulationSummary {
    const nodes = this.nodes;
    let counts = { declared: this.podsDeclared, scheduled: this.podsScheduled, unschedulable: this.podsUnschedulable, allocated: this.podsAllocated, failed: this.podsFailed };
    if (this.tracking && this.scheduler) {
      counts = { declared: 0, scheduled: 0, unschedulable: 0, allocated: 0, failed: 0 };
      for (const rt of this.runtimes) {
        counts.declared += rt.desired;
        counts.scheduled += rt.pods.length;
        counts.unschedulable += rt.pending;
        counts.failed += rt.failed;
        counts.allocated += rt.pods.length - rt.failed;
      }
    }
    return {
      nodes: nodes.length,
      workloads: this.workloads.length,
      pods: counts.declared,
      podsScheduled: counts.scheduled,
      podsUnschedulable: counts.unschedulable,
      podsAllocated: counts.allocated,
      podsFailed: counts.failed,
      blocksClaimed,
      ipv4AddressesInUse: nodes.reduce((s, n) => s + n.addresses[0], 0),
      ipv6AddressesInUse: nodes.reduce((s, n) => s + n.addresses[1], 0),
      borrowedAddresses: nodes.reduce((s, n) => s + n.borrowed[0] + n.borrowed[1], 0),
      tunnelAddresses: nodes.reduce((s, n) => s + n.tunnels.length, 0),
    };
  }

  /** The state now; `withNodes` false leaves out the node list (a timeline step reports none). */
  private snapshot(usage: Usage, withNodes = true): Pick<SimulationResult, "blocks" | "pools" | "nodes" | "nodeGroups" | "summary"> {
    const blocks = usage.blocks(this.tracking);
    const pools = this.pools.map((ps) => usage.poolUsage(ps));
    const headrooms: NodeHeadroom[] = [];
    for (const n of this.nodes) headrooms[n.index] = usage.nodeHeadroom(n);
    return { blocks, pools, nodes: withNodes ? usage.nodes(headrooms) : [], nodeGroups: usage.groupUsage(headrooms), summary: this.summary(blocks.length) };
  }

  private result(usage: Usage, findings: readonly Finding[], timeline?: TimelineStepResult[]): SimulationResult {
    const snapshot = this.snapshot(usage);
    const result: SimulationResult = {
      ...snapshot,
      workloads: this.workloads.map((w) => ({ namespace: w.namespace, name: w.name })),
      pods: this.pods,
      findings: this.tracking ? findings : sortFindings(findings),
      ...(timeline ? { timeline } : {}),
      ...(this.input.keepEndState === true ? { endState: captureSnapshot(this.ipam, this.held(), this.ipam.nodes.filter((n) => !n.deleted)) } : {}),
    };
    // A one-shot run's pods: an own enumerable getter in the same place, the list made on the first read.
    if (this.podList !== undefined) LISTED_PODS.define(result, { list: this.podList, ipam: this.ipam });
    return result;
  }

  /** Every address held now, with what Calico stores about its owner. */
  private *held(): Generator<HeldAddress> {
    const owners = this.restored?.owners;
    const sequence = (grant: Grant): bigint => {
      const stored = owners?.get(grant)?.sequenceNumber;
      return stored !== undefined ? BigInt(stored) : (this.stamps?.get(grant) ?? blockSequence(this.ipam, grant.block));
    };
    const known = (grant: Grant, fallback: () => { handle: string; attributes: Record<string, string> }): HeldAddress => {
      const o = owners?.get(grant) ?? fallback();
      return { grant, handle: o.handle, attributes: o.attributes, sequenceNumber: sequence(grant) };
    };
    for (const rt of this.runtimes) {
      const pods = rt.pods;
      for (let k = 0; k < pods.length; k++) {
        for (const g of [pods.grant(k, 4), pods.grant(k, 6)]) if (g) yield known(g, () => podOwner(rt.decl.namespace, `${rt.decl.name}-${pods.serial(k)}`, pods.node(k).node.name));
      }
    }
    for (const p of this.statics) for (const g of [p.v4, p.v6]) if (g) yield known(g, () => podOwner(p.namespace, p.name, p.node.node.name));
    for (const n of this.ipam.nodes) {
      if (n.deleted) continue;
      for (const [type, g] of n.tunnelGrants) yield known(g, () => tunnelOwner(type, n.node.name));
    }
    for (const l of this.ipam.leaks) {
      const o = owners?.get(l.grant) ?? this.leakedOwners.get(l.grant) ?? { handle: null, attributes: {} };
      yield { grant: l.grant, handle: o.handle, attributes: o.attributes, sequenceNumber: sequence(l.grant), leakedSince: l.since };
    }
  }
}

/** The serial of a pod named `<workload>-<n>`. */
function serialOf(pod: SeededPod): number {
  return Number(/-([0-9]+)$/.exec(pod.name)?.[1] ?? 0);
}

function findingKey(f: Finding): string {
  return `${f.severity}\u0000${f.code}\u0000${f.path}\u0000${f.message}`;
}
