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
 * 1. pods are placed on nodes (fewest pods first, ties by natural name order);
 * 2. every node, in natural name order, gets its tunnel addresses (IPIP, VXLAN, VXLAN IPv6: one address
 *    from the node's encapsulated pools, reference §5.13), before any pod;
 * 3. pods are allocated, workloads in declaration order and replicas in order, IPv4 then IPv6; a pod
 *    that cannot get every family gives back what it got.
 *
 * Where the simulation may differ from a live cluster:
 * - the first block a host tries in a pool is `FNV-1-32(host) mod blocks`, not Go's math/rand seeded with
 *   that hash (nor time-seeded for /32 and /128 blocks), so exact block CIDRs differ; counts do not;
 * - no churn: nothing is released except by a failed dual-stack pod, no garbage collection, no reclaim of
 *   empty blocks after 60 s, no release of blocks of pools that stopped selecting a node;
 * - pods arrive workload by workload, not interleaved across nodes as kubelets create them;
 * - WireGuard tunnel addresses, KubeVirt, LoadBalancer addresses and host-local IPAM are not modelled;
 * - on a block limit the pod fails with "Assigned 0 out of 1 …; Need to allocate an IPAM block but could
 *   not - limit of N blocks reached for this node" as in Calico v3.32 (newer code returns
 *   "cannot allocate new block due to per host block limit").
 */
import { MAX_PODS } from "../limits";
import { Finding, error, sortFindings, warning } from "../validation/finding";
import { cmdAdd, familiesOf, workloadPlan, WorkloadPlan } from "./cni";
import { Analysis, FailureLog, windowsFinding } from "./findings";
import type { PodAllocation, SimulationFindingCode, SimulationInput, SimulationResult } from "./result";
import { schedulePods } from "./scheduling";
import { ClusterView, Grant, IpamState, NodeState, buildCatalog } from "./state";
import { NamespaceDeclaration, WorkloadDeclaration, expandNodes } from "./topology";
import { assignHostTunnelAddrs } from "./tunnels";
import { Usage } from "./usage";

/** Namespaces every Kubernetes cluster has; using them undeclared is normal. */
const BUILT_IN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/**
 * Plays Calico's block allocation for the declared cluster and reports, per pod, node, pool and block,
 * what Calico would do, with findings for every pod that gets no address and every plan weakness.
 * Deterministic: the same input gives a deep-equal, JSON byte-identical result. Cost grows with pods,
 * nodes, pools and claimed blocks, never with the size of a pool.
 *
 * Where a live cluster may differ: the first block each host tries in a pool is
 * `FNV-1-32(host) mod blocks` rather than Go's math/rand seeded with that hash, so exact block CIDRs
 * (not counts) differ; there is no churn (no release, garbage collection, or reclaim of empty blocks
 * after 60 s); placement and allocation are one-shot, workload by workload; WireGuard, KubeVirt and
 * LoadBalancer addresses are not modelled; overlapping pools keep only the first in name order.
 *
 * @see https://docs.tigera.io/calico/latest/networking/ipam/ip-pools
 */
export function simulateAllocation(input: SimulationInput): SimulationResult {
  return new Simulation(input).run();
}

class Simulation implements ClusterView {
  private readonly findings: Finding[] = [];
  readonly ipam: IpamState;
  private readonly threshold: number;
  readonly namespaces = new Map<string, NamespaceDeclaration>();
  readonly workloads: WorkloadDeclaration[] = [];
  readonly cni: SimulationInput["cni"];
  private readonly log = new FailureLog();
  private readonly pods: PodAllocation[] = [];
  private readonly reps: NodeState[] = [];
  private countsCache: number[] | undefined;
  private podsScheduled = 0;
  private podsUnschedulable = 0;
  private podsAllocated = 0;
  private podsFailed = 0;
  private podsDeclared = 0;

  constructor(private readonly input: SimulationInput) {
    const t = input.utilizationThreshold ?? 0.8;
    this.threshold = Number.isFinite(t) && t >= 0 && t <= 1 ? t : 0.8;
    if (t !== this.threshold) {
      this.findings.push(error("TOPOLOGY_INVALID", "utilizationThreshold", `utilizationThreshold must be a fraction from 0 to 1, got ${String(t)}; 0.8 is used`));
    }
    this.cni = input.cni;
    this.ipam = new IpamState(buildCatalog(input.pools, this.findings), input.ipamConfiguration, input.reservations ?? []);
  }

  get classReps(): readonly NodeState[] {
    return this.reps;
  }

  classCounts(): number[] {
    if (!this.countsCache) {
      this.countsCache = new Array<number>(this.reps.length).fill(0);
      for (const n of this.ipam.nodes) this.countsCache[n.classId]++;
    }
    return this.countsCache;
  }

  run(): SimulationResult {
    this.readTopology();
    this.classifyNodes();
    const schedule = schedulePods(this.ipam.nodes, this.workloads, this.findings);
    this.podsScheduled = schedule.scheduled;
    this.podsUnschedulable = schedule.unschedulable;
    const windows = windowsFinding(this.ipam.nodes, this.ipam.strict);
    if (windows) this.findings.push(windows);
    for (const node of this.ipam.nodes) assignHostTunnelAddrs(this.ipam, node, (n, type, code, message) => this.log.tunnel(n, type, code, message));
    this.workloads.forEach((w, i) => this.allocateWorkload(w, schedule.placements[i]));
    const usage = new Usage(this);
    new Analysis(this, usage, this.log, this.findings, this.threshold, this.input.ipamConfiguration).analyse();
    return this.result(usage);
  }

  // ---------------------------------------------------------------- setup

  private readTopology(): void {
    const topology = this.input.topology;
    const expanded = expandNodes(topology.nodes ?? []);
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

  /** Nodes that every pool selects alike (and of the same OS) get the same pools: one class, one precedence answer. */
  private classifyNodes(): void {
    const classes = new Map<string, number>();
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
  }

  // ---------------------------------------------------------------- allocation

  private allocateWorkload(w: WorkloadDeclaration, placement: Int32Array): void {
    const ns = this.namespaces.get(w.namespace) ?? { name: w.namespace };
    const fixed = (w.annotations?.ipAddrs?.length ?? 0) > 0;
    const families = familiesOf(w, fixed, this.cni);
    const familyBits = (families.includes(4) ? 1 : 0) | (families.includes(6) ? 2 : 0);
    const plans = new Map<number, WorkloadPlan>();

    for (let r = 0; r < w.replicas; r++) {
      const podName = `${w.name}-${r}`;
      const nodeIndex = placement[r];
      if (nodeIndex < 0) {
        this.recordPod(w, podName, null, undefined, undefined, "unschedulable: no eligible node with room", "POD_UNSCHEDULABLE");
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
      if (added.failure) {
        node.podsFailed++;
        this.podsFailed++;
        this.log.pod(w, podName, node, added.failure, added.failedFamily);
        this.recordPod(w, podName, node, undefined, undefined, added.failure.message, added.failure.code);
        continue;
      }
      this.podsAllocated++;
      this.recordPod(w, podName, node, added.v4, added.v6, null, null);
    }
  }

  private recordPod(
    w: WorkloadDeclaration,
    name: string,
    node: NodeState | null,
    v4: Grant | undefined,
    v6: Grant | undefined,
    message: string | null,
    code: SimulationFindingCode | null,
  ): void {
    if (this.input.includePods === false) return;
    const s = this.ipam;
    this.pods.push({
      name,
      namespace: w.namespace,
      workload: w.name,
      node: node ? node.node.name : null,
      ipv4: v4 ? s.text(v4) : null,
      ipv4Pool: v4 ? s.pools[v4.block.poolIndex].pool.name : null,
      ipv4Borrowed: v4 ? v4.block.owner !== v4.node.index : false,
      ipv6: v6 ? s.text(v6) : null,
      ipv6Pool: v6 ? s.pools[v6.block.poolIndex].pool.name : null,
      ipv6Borrowed: v6 ? v6.block.owner !== v6.node.index : false,
      error: message,
      errorCode: code,
    });
  }

  // ---------------------------------------------------------------- result

  private result(usage: Usage): SimulationResult {
    const blocks = usage.blocks();
    const pools = this.ipam.pools.map((ps) => usage.poolUsage(ps));
    const headrooms = this.ipam.nodes.map((n) => usage.nodeHeadroom(n));
    const nodes = this.ipam.nodes;
    return {
      blocks,
      pods: this.pods,
      pools,
      nodes: usage.nodes(headrooms),
      nodeGroups: usage.groupUsage(headrooms),
      summary: {
        nodes: nodes.length,
        workloads: this.workloads.length,
        pods: this.podsDeclared,
        podsScheduled: this.podsScheduled,
        podsUnschedulable: this.podsUnschedulable,
        podsAllocated: this.podsAllocated,
        podsFailed: this.podsFailed,
        blocksClaimed: blocks.length,
        ipv4AddressesInUse: nodes.reduce((s, n) => s + n.addresses[0], 0),
        ipv6AddressesInUse: nodes.reduce((s, n) => s + n.addresses[1], 0),
        borrowedAddresses: nodes.reduce((s, n) => s + n.borrowed[0] + n.borrowed[1], 0),
        tunnelAddresses: nodes.reduce((s, n) => s + n.tunnels.length, 0),
      },
      findings: sortFindings(this.findings),
    };
  }
}
