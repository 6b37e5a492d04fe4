/**
 * The allocation simulator: plays Calico's IPAM (reference §5) over a declared cluster and says whether
 * every pod gets an address, from which pool and block, how full each pool is and how much room is left.
 *
 * Order of events (one-shot, deterministic):
 * 1. pods are placed on nodes (see {@link placeReplicas}: fewest pods first, ties by natural name order);
 * 2. every node, in natural name order, gets its tunnel addresses (IPIP, VXLAN, VXLAN IPv6: one address
 *    from the node's encapsulated pools, reference §5.13), before any pod;
 * 3. pods are allocated, workloads in declaration order and replicas in order, IPv4 then IPv6; a pod
 *    that cannot get every family gives back what it got.
 *
 * Per request and family (`autoAssign`, reference §5.2–5.8): the host's affine blocks with free space
 * first (datastore order); then, unless the host owns `maxBlocksPerHost` blocks (0 means 20) in the
 * eligible pools — ErrBlockLimit, no borrowing — and unless `autoAllocateBlocks` is off, a new block
 * from the first eligible pool (name order, or the listed order for named pools) that has an unclaimed
 * block, walking block indices from the host's start index with wrap-around; then, unless
 * `strictAffinity`, borrowing from existing blocks of other hosts in the same walk order. Inside a
 * block, the lowest free address first. IP reservations are never auto-assigned and wholly reserved
 * blocks are skipped; Windows hosts reserve ordinals 0, 1, 2 and N-1 of their IPv4 blocks.
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
import { Cidr, IntervalSet, IpFamily, type AddressRange, findOverlaps, parseAddress } from "../ip";
import { DEFAULT_MAX_BLOCKS_PER_HOST } from "../model/calico";
import type { EffectiveIpPool } from "../validation/ip-pool";
import { Finding, error, sortFindings, warning } from "../validation/finding";
import { MAX_PODS } from "../limits";
import {
  PoolCatalog,
  PoolChoice,
  PoolChoiceError,
  PoolChoiceErrorCode,
  choosePools,
  determinePools,
  isPoolChoiceError,
  noPoolsForNodeMessage,
  poolListError,
} from "./precedence";
import { BlockState } from "./private/block";
import { FreePositionTree } from "./private/free-tree";
import { fnv1_32, startIndex } from "./private/fnv";
import { blockObjectName, v4Text, v6Groups, v6Text } from "./private/format";
import { IndexRangeSet } from "./private/index-set";
import { PlacementSlot, placeReplicas } from "./private/placement";
import type {
  BlockUsage,
  NodeGroupUsage,
  NodeUsage,
  PodAllocation,
  PoolUsage,
  SimulationFindingCode,
  SimulationInput,
  SimulationResult,
  TunnelAddress,
  TunnelType,
} from "./result";
import {
  ExpandedNode,
  IpFamilyName,
  NamespaceDeclaration,
  WorkloadDeclaration,
  compareNaturally,
  expandNodes,
} from "./topology";

/** Calico's Windows reservation handle, named in its partial-fulfilment message. */
const WINDOWS_RESERVED_HANDLE = "windows-reserved-ipam-handle";
const STRICT_AFFINITY_WINDOWS = "global strict affinity should not be false for Windows node";
/** Namespaces every Kubernetes cluster has; using them undeclared is normal. */
const BUILT_IN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);
/** How many pods and nodes a finding names before "and N more". */
const EXAMPLES = 5;

interface PoolState {
  readonly pool: EffectiveIpPool;
  readonly index: number;
  readonly family: IpFamily;
  readonly usable: boolean;
  readonly hostBits: number;
  readonly capacity: number;
  readonly blockCount: bigint;
  readonly taken: IndexRangeSet;
  readonly blocks: Map<bigint, BlockState>;
  readonly blockList: BlockState[];
  /** IP reservations inside the pool, sorted and merged. */
  readonly reservations: readonly AddressRange[];
  readonly reservedAddresses: bigint;
  readonly whollyReservedBlocks: bigint;
  whollyReservedClaimed: number;
  borrowIndex: { indices: bigint[]; blocks: BlockState[]; tree: FreePositionTree } | undefined;
  exhaustedHits: number;
  exhaustedSpilled: number;
  exhaustedUnmet: number;
  readonly exhaustedNodes: string[];
  /** Borrowing host -> addresses, over all blocks of the pool. */
  readonly borrowers: Map<string, number>;
}

interface NodeState extends PlacementSlot {
  readonly index: number;
  readonly node: ExpandedNode;
  readonly windows: boolean;
  readonly hash: number;
  classId: number;
  /** Affine blocks per pool index. */
  readonly blockCount: Int32Array;
  readonly owned: BlockState[];
  /** Affine blocks with free auto-assign space, per family (0: IPv4, 1: IPv6), in datastore (name) order. */
  readonly freeAffine: [BlockState[], BlockState[]];
  readonly ownedPerFamily: [number, number];
  readonly addresses: [number, number];
  readonly borrowed: [number, number];
  /** Families its pods asked for: bit 1 IPv4, bit 2 IPv6. */
  families: number;
  podsFailed: number;
  readonly tunnels: TunnelAddress[];
}

interface Grant {
  readonly block: BlockState;
  readonly ordinal: number;
  readonly node: NodeState;
}

interface Failure {
  readonly code: SimulationFindingCode;
  readonly message: string;
  readonly pools: readonly string[];
}

interface FamilyPlan {
  readonly choice: PoolChoice;
  readonly pools: PoolState[];
  readonly mask: Uint8Array;
}

interface WorkloadPlan {
  readonly listError: PoolChoiceError | undefined;
  v4: FamilyPlan | undefined;
  v6: FamilyPlan | undefined;
}

interface FailureGroup {
  readonly workload: WorkloadDeclaration;
  readonly code: SimulationFindingCode;
  readonly family: IpFamily | undefined;
  count: number;
  readonly message: string;
  readonly pods: string[];
  readonly nodes: string[];
  readonly nodeSet: Set<string>;
  readonly pools: Set<string>;
}

const CHOICE_CODE: Record<PoolChoiceErrorCode, SimulationFindingCode> = {
  ADDRESS_INVALID: "POD_FIXED_ADDRESS_REJECTED",
  ADDRESS_FAMILY_REPEATED: "POD_FIXED_ADDRESS_REJECTED",
  ADDRESS_NOT_IN_POOL: "POD_FIXED_ADDRESS_REJECTED",
  POOL_UNKNOWN: "POD_POOL_REQUEST_INVALID",
  POOL_FAMILY_MISMATCH: "POD_POOL_REQUEST_INVALID",
  POOL_NOT_ENABLED: "POD_POOL_REQUEST_INVALID",
  SELECTOR_INVALID: "POD_POOL_REQUEST_INVALID",
  NO_QUALIFIED_POOL: "POD_NO_MATCHING_POOL",
  NO_POOLS_FOR_NODE: "POD_NO_MATCHING_POOL",
  NO_POOLS_FOR_USE: "POD_NO_MATCHING_POOL",
};

const fi = (f: IpFamily): 0 | 1 => (f === 4 ? 0 : 1);
const familyName = (f: IpFamily): IpFamilyName => (f === 4 ? "IPv4" : "IPv6");

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

class Simulation {
  private readonly findings: Finding[] = [];
  private readonly catalog: PoolCatalog;
  private readonly poolStates: PoolState[];
  private readonly nodes: NodeState[] = [];
  private readonly strict: boolean;
  private readonly autoAllocate: boolean;
  private readonly blockLimit: number;
  private readonly threshold: number;
  private readonly namespaces = new Map<string, NamespaceDeclaration>();
  private readonly workloads: WorkloadDeclaration[] = [];
  private readonly failures = new Map<string, FailureGroup>();
  private readonly tunnelFailures = new Map<string, { type: TunnelType; code: SimulationFindingCode; message: string; nodes: string[]; count: number }>();
  private readonly pods: PodAllocation[] = [];
  private classReps: NodeState[] = [];
  /** Filled after allocation, when pools no longer change. */
  private readonly usableCache = new Map<PoolState, bigint>();
  private countsCache: number[] | undefined;
  private podsScheduled = 0;
  private podsUnschedulable = 0;
  private podsAllocated = 0;
  private podsFailed = 0;
  private podsDeclared = 0;

  constructor(private readonly input: SimulationInput) {
    const cfg = input.ipamConfiguration;
    this.strict = cfg?.strictAffinity ?? false;
    this.autoAllocate = cfg?.autoAllocateBlocks ?? true;
    this.blockLimit = cfg ? (cfg.maxBlocksPerHost > 0 ? cfg.maxBlocksPerHost : DEFAULT_MAX_BLOCKS_PER_HOST) : DEFAULT_MAX_BLOCKS_PER_HOST;
    const t = input.utilizationThreshold ?? 0.8;
    this.threshold = Number.isFinite(t) && t >= 0 && t <= 1 ? t : 0.8;
    if (t !== this.threshold) {
      this.findings.push(error("TOPOLOGY_INVALID", "utilizationThreshold", `utilizationThreshold must be a fraction from 0 to 1, got ${String(t)}; 0.8 is used`));
    }
    this.catalog = this.buildCatalog(input.pools);
    this.poolStates = this.catalog.pools.map((pool, index) => this.poolState(pool, index));
  }

  run(): SimulationResult {
    this.readTopology();
    this.classifyNodes();
    const placements = this.place();
    this.checkWindows();
    for (const node of this.nodes) this.allocateTunnels(node);
    this.workloads.forEach((w, i) => this.allocateWorkload(w, placements[i]));
    this.analyse();
    return this.result();
  }

  // ---------------------------------------------------------------- setup

  private buildCatalog(pools: readonly EffectiveIpPool[]): PoolCatalog {
    const skipped = new Set<string>();
    const sorted = PoolCatalog.of(pools).pools;
    for (const p of sorted) {
      if (!p.disabled && p.cidr.prefix > p.blockSize) {
        skipped.add(p.name);
        this.findings.push(
          warning("POOL_NOT_SIMULATED", `pools.${p.name}`, `IP pool "${p.name}" (${p.cidr}) is smaller than one /${p.blockSize} block, so Calico cannot allocate from it; the simulation treats it as disabled. Use a /${p.blockSize} or larger CIDR, or a larger blockSize`),
        );
      }
    }
    // Overlapping pools: Calico (v3-CRD mode) marks the later one Allocatable=False; without creation times, the later in name order is shadowed.
    const candidates = sorted.filter((p) => !p.disabled && !skipped.has(p.name));
    for (const [a, b] of findOverlaps(candidates.map((p) => p.cidr))) {
      const later = candidates[Math.max(a, b)];
      const earlier = candidates[Math.min(a, b)];
      if (skipped.has(later.name) || skipped.has(earlier.name)) continue;
      skipped.add(later.name);
      this.findings.push(
        warning("POOL_NOT_SIMULATED", `pools.${later.name}`, `IP pool "${later.name}" (${later.cidr}) overlaps "${earlier.name}" (${earlier.cidr}); Calico rejects or disables one of them (Allocatable=False, reason CIDROverlap), so the simulation leaves "${later.name}" out. Give the pools disjoint CIDRs`),
      );
    }
    return PoolCatalog.of(pools, skipped);
  }

  private poolState(pool: EffectiveIpPool, index: number): PoolState {
    const usable = this.catalog.isAllocatable(pool.name) && pool.cidr.prefix <= pool.blockSize;
    const hostBits = pool.cidr.bits - pool.blockSize;
    const blockCount = usable ? pool.cidr.countChildren(pool.blockSize) : 0n;
    const taken = new IndexRangeSet(blockCount);
    const reservations: AddressRange[] = [];
    let reservedAddresses = 0n;
    let whollyReservedBlocks = 0n;
    const resCidrs = (this.input.reservations ?? []).filter((r) => r.family === pool.family && r.overlaps(pool.cidr));
    if (resCidrs.length > 0) {
      const set = IntervalSet.fromCidrs(pool.family, resCidrs);
      for (const r of set.ranges()) {
        const first = r.first > pool.cidr.first ? r.first : pool.cidr.first;
        const last = r.last < pool.cidr.last ? r.last : pool.cidr.last;
        if (first > last) continue;
        reservations.push({ first, last });
        reservedAddresses += last - first + 1n;
        if (!usable) continue;
        // Blocks wholly inside the range are skipped by Calico when claiming and borrowing.
        const size = 1n << BigInt(hostBits);
        const firstBlock = (first - pool.cidr.first + size - 1n) / size;
        const endBlock = (last - pool.cidr.first + 1n) / size;
        if (endBlock > firstBlock) {
          taken.addRange(firstBlock, endBlock - 1n);
          whollyReservedBlocks += endBlock - firstBlock;
        }
      }
    }
    return {
      pool,
      index,
      family: pool.family,
      usable,
      hostBits,
      capacity: 2 ** hostBits,
      blockCount,
      taken,
      blocks: new Map(),
      blockList: [],
      reservations,
      reservedAddresses,
      whollyReservedBlocks,
      whollyReservedClaimed: 0,
      borrowIndex: undefined,
      exhaustedHits: 0,
      exhaustedSpilled: 0,
      exhaustedUnmet: 0,
      exhaustedNodes: [],
      borrowers: new Map(),
    };
  }

  private readTopology(): void {
    const topology = this.input.topology;
    const expanded = expandNodes(topology.nodes ?? []);
    this.findings.push(...expanded.findings);
    const poolCount = this.poolStates.length;
    expanded.nodes.forEach((node, index) => {
      this.nodes.push({
        index,
        node,
        windows: node.os === "windows",
        hash: fnv1_32(node.name),
        classId: -1,
        pods: 0,
        maxPods: node.maxPods,
        blockCount: new Int32Array(poolCount),
        owned: [],
        freeAffine: [[], []],
        ownedPerFamily: [0, 0],
        addresses: [0, 0],
        borrowed: [0, 0],
        families: 0,
        podsFailed: 0,
        tunnels: [],
      });
    });
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
      // Checked before any pod is placed, so a typo such as replicas: 1e12 allocates nothing.
      if (this.podsDeclared + w.replicas > MAX_PODS) {
        this.findings.push(error("TOPOLOGY_TOO_LARGE", `${path}.replicas`, `the workloads declare more than ${MAX_PODS} pods (MAX_PODS, see docs/limits.md) with ${w.replicas} replicas of "${w.name}"; simulate a representative part of the cluster`));
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
    for (const n of this.nodes) {
      let key = n.windows ? "w" : "l";
      for (const p of this.catalog.pools) {
        const m = this.catalog.selectsNode(p.name, n.node.labels);
        key += m === true ? "1" : m === false ? "0" : "e";
      }
      let id = classes.get(key);
      if (id === undefined) {
        id = this.classReps.length;
        classes.set(key, id);
        this.classReps.push(n);
      }
      n.classId = id;
    }
  }

  private place(): Int32Array[] {
    const eligibleCache = new Map<string, number[]>();
    return this.workloads.map((w) => {
      const selector = w.nodeSelector ?? {};
      const entries = Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const key = JSON.stringify(entries);
      let eligible = eligibleCache.get(key);
      if (!eligible) {
        eligible = this.nodes.filter((n) => entries.every(([k, v]) => Object.hasOwn(n.node.labels, k) && n.node.labels[k] === v)).map((n) => n.index);
        eligibleCache.set(key, eligible);
      }
      const out = new Int32Array(w.replicas);
      const placed = placeReplicas(this.nodes, eligible, w.replicas, out);
      this.podsScheduled += placed;
      const unscheduled = w.replicas - placed;
      if (unscheduled > 0) {
        this.podsUnschedulable += unscheduled;
        const why =
          eligible.length === 0
            ? `no node has the labels of its nodeSelector ${JSON.stringify(selector)}`
            : `its ${eligible.length} eligible node(s) are full (maxPods)`;
        this.findings.push(
          error(
            "POD_UNSCHEDULABLE",
            `workloads.${w.name}`,
            `${unscheduled} of ${w.replicas} pods of ${w.namespace}/${w.name} cannot be scheduled: ${why}. This is a scheduling problem, not an IPAM one: add nodes${eligible.length === 0 ? " with those labels or fix the nodeSelector" : ", raise maxPods or lower replicas"}`,
          ),
        );
      }
      return out;
    });
  }

  private checkWindows(): void {
    const windows = this.nodes.filter((n) => n.windows);
    if (windows.length === 0 || this.strict) return;
    this.findings.push(
      error(
        "WINDOWS_REQUIRES_STRICT_AFFINITY",
        "ipamConfiguration.strictAffinity",
        `${windows.length} Windows node(s) (${names(windows.map((n) => n.node.name))}) need strictAffinity: true in the IPAM configuration; with it false Calico refuses every address request from a Windows node ("${STRICT_AFFINITY_WINDOWS}"). Set strictAffinity: true`,
      ),
    );
  }

  // ---------------------------------------------------------------- allocation

  private allocateTunnels(node: NodeState): void {
    const kinds: Array<{ type: TunnelType; family: IpFamily; mode: "ipipMode" | "vxlanMode" }> = [
      { type: "ipipTunnelAddress", family: 4, mode: "ipipMode" },
      { type: "vxlanTunnelAddress", family: 4, mode: "vxlanMode" },
      { type: "vxlanV6TunnelAddress", family: 6, mode: "vxlanMode" },
    ];
    for (const kind of kinds) {
      // Calico for Windows has no IPIP.
      if (node.windows && kind.type === "ipipTunnelAddress") continue;
      const cidrs = this.catalog.pools
        .filter(
          (p) =>
            p.family === kind.family &&
            this.catalog.isAllocatable(p.name) &&
            p[kind.mode] !== "Never" &&
            p.allowedUses.includes("Tunnel") &&
            this.catalog.selectsNode(p.name, node.node.labels) === true,
        )
        .map((p) => p.cidr);
      if (cidrs.length === 0) continue;
      const fail = (code: SimulationFindingCode, message: string) => {
        const key = `${kind.type}\u0000${message.replace(node.node.name, "\u0001")}`;
        const group = this.tunnelFailures.get(key) ?? { type: kind.type, code, message, nodes: [], count: 0 };
        group.count++;
        if (group.nodes.length < EXAMPLES) group.nodes.push(node.node.name);
        this.tunnelFailures.set(key, group);
      };
      if (node.windows && !this.strict) {
        fail("POD_WINDOWS_STRICT_AFFINITY", STRICT_AFFINITY_WINDOWS);
        continue;
      }
      const determined = determinePools(this.catalog, { family: kind.family, host: node.node.name, nodeLabels: node.node.labels, nodeOs: node.node.os, use: "Tunnel" }, cidrs);
      if ("code" in determined) {
        fail(CHOICE_CODE[determined.code], determined.error);
        continue;
      }
      const plan = this.planFor(determined.pools);
      const got = this.autoAssign(node, kind.family, plan.pools, plan.mask);
      if ("code" in got) {
        fail(got.code, got.message);
        continue;
      }
      node.tunnels.push({ type: kind.type, address: this.text(got), pool: this.poolStates[got.block.poolIndex].pool.name, borrowed: got.block.owner !== node.index });
    }
  }

  private planFor(pools: readonly EffectiveIpPool[]): { pools: PoolState[]; mask: Uint8Array } {
    const states = pools.map((p) => this.poolStates[this.catalog.indexOf(p.name)]);
    const mask = new Uint8Array(this.poolStates.length);
    for (const s of states) mask[s.index] = 1;
    return { pools: states, mask };
  }

  private allocateWorkload(w: WorkloadDeclaration, placement: Int32Array): void {
    const ns = this.namespaces.get(w.namespace) ?? { name: w.namespace };
    const fixed = (w.annotations?.ipAddrs?.length ?? 0) > 0;
    const families = this.familiesOf(w, fixed);
    const familyBits = (families.includes(4) ? 1 : 0) | (families.includes(6) ? 2 : 0);
    const plans = new Map<number, WorkloadPlan>();

    for (let r = 0; r < w.replicas; r++) {
      const podName = `${w.name}-${r}`;
      const nodeIndex = placement[r];
      if (nodeIndex < 0) {
        this.recordPod(w, podName, null, undefined, undefined, "unschedulable: no eligible node with room", "POD_UNSCHEDULABLE");
        continue;
      }
      const node = this.nodes[nodeIndex];
      node.families |= familyBits;
      let plan = plans.get(node.classId);
      if (!plan) {
        plan = this.workloadPlan(node, ns, w, families);
        plans.set(node.classId, plan);
      }
      let g4: Grant | undefined;
      let g6: Grant | undefined;
      let failure: Failure | undefined;
      let failedFamily: IpFamily | undefined;
      // The CNI plugin resolves named pools of both families before it calls IPAM, which then refuses Windows hosts without strict affinity.
      if (plan.listError) {
        failure = { code: CHOICE_CODE[plan.listError.code], message: plan.listError.error, pools: [] };
        failedFamily = plan.listError.family;
      } else if (node.windows && !this.strict && !fixed && families.length > 0) {
        failure = { code: "POD_WINDOWS_STRICT_AFFINITY", message: STRICT_AFFINITY_WINDOWS, pools: [] };
      } else {
        // IPAM assigns IPv4 then IPv6. A short family (a partial fulfilment) does not stop the other,
        // which the CNI plugin then releases; an error does, and is what the pod reports.
        let partial: { failure: Failure; family: IpFamily } | undefined;
        for (const family of families) {
          const got = this.allocateFamily(node, family, family === 4 ? plan.v4 : plan.v6);
          if (got === undefined) continue;
          if ("code" in got) {
            if (got.message.startsWith("failed to request")) {
              partial ??= { failure: got, family };
              continue;
            }
            failure = got;
            failedFamily = family;
            break;
          }
          if (family === 4) g4 = got;
          else g6 = got;
        }
        if (!failure && partial) {
          failure = partial.failure;
          failedFamily = partial.family;
        }
      }
      if (failure) {
        // Calico releases the family it already got (dual-stack) before failing the pod.
        if (g4) this.release(g4);
        if (g6) this.release(g6);
        node.podsFailed++;
        this.podsFailed++;
        this.recordFailure(w, podName, node, failure, failedFamily);
        this.recordPod(w, podName, node, undefined, undefined, failure.message, failure.code);
        continue;
      }
      this.podsAllocated++;
      this.recordPod(w, podName, node, g4, g6, null, null);
    }
  }

  /** The precedence answers for one workload on one class of nodes. */
  private workloadPlan(node: NodeState, namespace: NamespaceDeclaration, w: WorkloadDeclaration, families: readonly IpFamily[]): WorkloadPlan {
    const rep = this.classReps[node.classId];
    const base = { host: rep.node.name, nodeLabels: rep.node.labels, nodeOs: rep.node.os, namespace, podAnnotations: w.annotations, cni: this.input.cni };
    const plan: WorkloadPlan = { listError: poolListError(this.catalog, base), v4: undefined, v6: undefined };
    for (const family of families) {
      const choice = choosePools(this.catalog, { ...base, family });
      const states = isPoolChoiceError(choice) ? { pools: [], mask: new Uint8Array(0) } : this.planFor(choice.pools);
      const fp: FamilyPlan = { choice, pools: states.pools, mask: states.mask };
      if (family === 4) plan.v4 = fp;
      else plan.v6 = fp;
    }
    return plan;
  }

  /** One family of one pod: a grant, a failure, or undefined when ipAddrs asks for none of this family. */
  private allocateFamily(node: NodeState, family: IpFamily, fp: FamilyPlan | undefined): Grant | Failure | undefined {
    if (!fp) return undefined;
    const choice = fp.choice;
    if (isPoolChoiceError(choice)) {
      const message = choice.code === "NO_POOLS_FOR_NODE" ? noPoolsForNodeMessage(node.node.name) : choice.error;
      return { code: CHOICE_CODE[choice.code], message, pools: choice.requested ?? [] };
    }
    if (choice.source === "ipAddrs") return choice.pools.length === 0 ? undefined : this.assignFixed(node, fp.pools[0], choice.address as string);
    const got = this.autoAssign(node, family, fp.pools, fp.mask);
    if ("code" in got && got.message.startsWith("Assigned")) {
      return { code: got.code, message: `failed to request ${familyName(family)} addresses: ${got.message}`, pools: got.pools };
    }
    return got;
  }

  private familiesOf(w: WorkloadDeclaration, fixed: boolean): IpFamily[] {
    if (fixed) {
      const fams = new Set<IpFamily>();
      for (const a of w.annotations?.ipAddrs ?? []) {
        try {
          fams.add(parseAddress(a).family);
        } catch {
          // An unreadable address fails the pod in the IPv4 step, where precedence reports it.
          fams.add(4);
        }
      }
      return [4, 6].filter((f) => fams.has(f as IpFamily)) as IpFamily[];
    }
    if (w.ipFamilies && w.ipFamilies.length > 0) {
      return [4, 6].filter((f) => w.ipFamilies?.includes(familyName(f as IpFamily))) as IpFamily[];
    }
    const out: IpFamily[] = [];
    if (this.input.cni?.assignIpv4 ?? true) out.push(4);
    if (this.input.cni?.assignIpv6 ?? false) out.push(6);
    return out;
  }

  /** libcalico-go `autoAssign` for one address; `pools` are the eligible pools in order, `mask` their indices. */
  private autoAssign(node: NodeState, family: IpFamily, pools: readonly PoolState[], mask: Uint8Array): Grant | Failure {
    const f = fi(family);
    if (node.windows && !this.strict) return this.failure("POD_WINDOWS_STRICT_AFFINITY", STRICT_AFFINITY_WINDOWS, pools);
    // 1. The host's affine blocks in the eligible pools, datastore order.
    const affine = node.freeAffine[f];
    for (let k = 0; k < affine.length; k++) {
      const block = affine[k];
      if (mask[block.poolIndex] === 1 && block.freeAuto > 0) return this.take(block, node);
    }
    // 2. The block limit counts affine blocks in the eligible pools only; at the limit there is no borrowing.
    let owned = 0;
    for (const p of pools) owned += node.blockCount[p.index];
    if (owned >= this.blockLimit) {
      return this.partialFailure("POD_BLOCK_LIMIT", node, family, pools, `Need to allocate an IPAM block but could not - limit of ${this.blockLimit} blocks reached for this node`);
    }
    if (!this.autoAllocate) return this.failure("POD_NEW_BLOCKS_DISABLED", "failed to find or claim a block", pools);
    // 3. A new block from the first pool that has one, from the host's start index.
    const windowsV4 = node.windows && family === 4;
    let exhausted: PoolState[] | undefined;
    for (const p of pools) {
      const idx = p.usable ? p.taken.nextFree(startIndex(node.hash, p.blockCount)) : undefined;
      if (idx === undefined) {
        (exhausted ??= []).push(p);
        continue;
      }
      const block = this.claim(p, idx, node, windowsV4);
      if (exhausted) this.noteExhaustion(exhausted, node, true);
      if (block.freeAuto > 0) return this.take(block, node);
      // Only an ipAddrs claim can create a block with no free address; auto-assign never claims wholly reserved blocks.
      return this.partialFailure("POD_POOLS_EXHAUSTED", node, family, pools, `Block '${block.cidr}' has 0 free ips which is less than 1 ips required.`);
    }
    if (exhausted) this.noteExhaustion(exhausted, node, false);
    if (this.strict) return this.partialFailure("POD_POOLS_EXHAUSTED", node, family, pools, "No more free affine blocks and strict affinity enabled");
    // 4. Borrow from existing blocks, same walk order.
    const walked: string[] = [];
    for (const p of pools) {
      const block = this.borrowable(p, node);
      if (block) return this.take(block, node);
      walked.push(p.pool.cidr.toString());
    }
    return this.partialFailure("POD_POOLS_EXHAUSTED", node, family, pools, `No IPs available in pools: [${walked.join(" ")}]`);
  }

  private failure(code: SimulationFindingCode, message: string, pools: readonly PoolState[]): Failure {
    return { code, message, pools: pools.map((p) => p.pool.name) };
  }

  /** Calico's `PartialFulfillmentError` text for one requested address. */
  private partialFailure(code: SimulationFindingCode, node: NodeState, family: IpFamily, pools: readonly PoolState[], msg: string): Failure {
    const windows = node.windows && family === 4 ? `; HostReservedAttr: ${WINDOWS_RESERVED_HANDLE}` : "";
    return this.failure(code, `Assigned 0 out of 1 requested ${familyName(family)} addresses; ${msg}${windows}`, pools);
  }

  private noteExhaustion(exhausted: readonly PoolState[], node: NodeState, spilled: boolean): void {
    for (const p of exhausted) {
      if (!p.usable) continue;
      p.exhaustedHits++;
      if (spilled) p.exhaustedSpilled++;
      else p.exhaustedUnmet++;
      if (p.exhaustedNodes.length < EXAMPLES && !p.exhaustedNodes.includes(node.node.name)) p.exhaustedNodes.push(node.node.name);
    }
  }

  /** libcalico-go `AssignIP`: a fixed address. */
  private assignFixed(node: NodeState, pool: PoolState, text: string): Grant | Failure {
    const pools = [pool.pool.name];
    if (!pool.usable) return { code: "POD_FIXED_ADDRESS_REJECTED", message: "The provided IP address is not in a configured pool", pools };
    const value = parseAddress(text).value;
    const offset = value - pool.pool.cidr.network;
    const idx = offset >> BigInt(pool.hostBits);
    const ordinal = Number(offset & ((1n << BigInt(pool.hostBits)) - 1n));
    let block = pool.blocks.get(idx);
    if (!block) {
      // Claimed for this host even past maxBlocksPerHost; reservations are not consulted.
      block = this.claim(pool, idx, node, node.windows && pool.family === 4 && pool.capacity >= 8);
    } else if (block.owner !== node.index && this.strict) {
      return { code: "POD_FIXED_ADDRESS_REJECTED", message: "Block host affinity does not match", pools };
    }
    const wasFree = block.freeAuto;
    if (!block.assignOrdinal(ordinal)) return { code: "POD_FIXED_ADDRESS_REJECTED", message: "Address already assigned in block", pools };
    const grant = { block, ordinal, node };
    this.account(grant, 1, wasFree);
    return grant;
  }

  private take(block: BlockState, node: NodeState): Grant {
    const wasFree = block.freeAuto;
    const ordinal = block.autoAssign();
    const grant = { block, ordinal, node };
    this.account(grant, 1, wasFree);
    return grant;
  }

  private release(grant: Grant): void {
    const wasFree = grant.block.freeAuto;
    grant.block.release(grant.ordinal);
    this.account(grant, -1, wasFree);
  }

  /** Keeps node, pool and borrow-index counters in step with one allocation (+1) or release (-1). */
  private account(grant: Grant, delta: 1 | -1, wasFree: number): void {
    const { block, node } = grant;
    const pool = this.poolStates[block.poolIndex];
    const f = fi(pool.family);
    node.addresses[f] += delta;
    if (block.owner !== node.index) {
      node.borrowed[f] += delta;
      block.addBorrower(node.node.name, delta);
      const n = (pool.borrowers.get(node.node.name) ?? 0) + delta;
      if (n === 0) pool.borrowers.delete(node.node.name);
      else pool.borrowers.set(node.node.name, n);
    }
    const nowFree = block.freeAuto;
    if ((wasFree > 0) === (nowFree > 0)) return;
    const owner = this.nodes[block.owner];
    if (nowFree === 0) {
      const list = owner.freeAffine[f];
      const k = list.indexOf(block);
      if (k >= 0) list.splice(k, 1);
    } else {
      insertByName(owner.freeAffine[f], block);
    }
    if (pool.borrowIndex) pool.borrowIndex.tree.set(block.borrowPosition, nowFree > 0);
  }

  private claim(pool: PoolState, idx: bigint, node: NodeState, windows: boolean): BlockState {
    const network = pool.pool.cidr.network + (idx << BigInt(pool.hostBits));
    const cidr = Cidr.of(pool.family, network, pool.pool.blockSize).toString();
    const block = new BlockState(pool.index, idx, network, pool.capacity, node.index, windows, this.blockReservations(pool, network), cidr);
    pool.taken.add(idx);
    pool.blocks.set(idx, block);
    pool.blockList.push(block);
    pool.borrowIndex = undefined;
    if (block.whollyReserved) pool.whollyReservedClaimed++;
    node.blockCount[pool.index]++;
    node.ownedPerFamily[fi(pool.family)]++;
    node.owned.push(block);
    if (block.freeAuto > 0) insertByName(node.freeAffine[fi(pool.family)], block);
    return block;
  }

  /** IP-reserved ordinal ranges of a block, flat and sorted, or undefined. */
  private blockReservations(pool: PoolState, network: bigint): number[] | undefined {
    const res = pool.reservations;
    if (res.length === 0) return undefined;
    const last = network + BigInt(pool.capacity) - 1n;
    let lo = 0;
    let hi = res.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (res[mid].last < network) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let k = lo; k < res.length && res[k].first <= last; k++) {
      const a = res[k].first > network ? res[k].first : network;
      const b = res[k].last < last ? res[k].last : last;
      out.push(Number(a - network), Number(b - network));
    }
    return out.length > 0 ? out : undefined;
  }

  /** The first existing block with free space at or after the host's start index, wrapping (reference §5.8). */
  private borrowable(pool: PoolState, node: NodeState): BlockState | undefined {
    if (!pool.usable || pool.blockList.length === 0) return undefined;
    if (!pool.borrowIndex) {
      const blocks = [...pool.blockList].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
      blocks.forEach((b, k) => (b.borrowPosition = k));
      pool.borrowIndex = { indices: blocks.map((b) => b.index), blocks, tree: new FreePositionTree(blocks.map((b) => b.freeAuto > 0)) };
    }
    const { indices, blocks, tree } = pool.borrowIndex;
    const start = startIndex(node.hash, pool.blockCount);
    let lo = 0;
    let hi = indices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (indices[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    let k = tree.firstFreeFrom(lo);
    if (k < 0) k = tree.firstFreeFrom(0);
    return k < 0 ? undefined : blocks[k];
  }

  private text(grant: Grant): string {
    const block = grant.block;
    if (this.poolStates[block.poolIndex].family === 4) return v4Text(Number(block.network) + grant.ordinal);
    block.v6Groups ??= v6Groups(block.network);
    return v6Text(block.v6Groups, grant.ordinal);
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
    this.pods.push({
      name,
      namespace: w.namespace,
      workload: w.name,
      node: node ? node.node.name : null,
      ipv4: v4 ? this.text(v4) : null,
      ipv4Pool: v4 ? this.poolStates[v4.block.poolIndex].pool.name : null,
      ipv4Borrowed: v4 ? v4.block.owner !== v4.node.index : false,
      ipv6: v6 ? this.text(v6) : null,
      ipv6Pool: v6 ? this.poolStates[v6.block.poolIndex].pool.name : null,
      ipv6Borrowed: v6 ? v6.block.owner !== v6.node.index : false,
      error: message,
      errorCode: code,
    });
  }

  private recordFailure(w: WorkloadDeclaration, podName: string, node: NodeState, failure: Failure, family: IpFamily | undefined): void {
    const key = `${w.namespace}/${w.name}\u0000${failure.code}\u0000${family ?? ""}`;
    let group = this.failures.get(key);
    if (!group) {
      group = { workload: w, code: failure.code, family, count: 0, message: failure.message, pods: [], nodes: [], nodeSet: new Set(), pools: new Set() };
      this.failures.set(key, group);
    }
    group.count++;
    if (group.pods.length < EXAMPLES) group.pods.push(podName);
    if (!group.nodeSet.has(node.node.name)) {
      group.nodeSet.add(node.node.name);
      if (group.nodes.length < EXAMPLES) group.nodes.push(node.node.name);
    }
    for (const p of failure.pools) group.pools.add(p);
  }

  // ---------------------------------------------------------------- findings

  private analyse(): void {
    this.podFindings();
    this.tunnelFindings();
    this.poolFindings();
    this.selectionFindings();
    this.namespaceFindings();
    this.blockLimitFinding();
  }

  private podFindings(): void {
    for (const g of this.failures.values()) {
      const w = g.workload;
      const fam = g.family ? `${familyName(g.family)} ` : "";
      const where = `nodes: ${names(g.nodes, g.nodeSet.size)}` + (g.pools.size > 0 ? `; pools tried: ${[...g.pools].join(", ")}` : "");
      this.findings.push(
        error(
          g.code,
          `workloads.${w.name}`,
          `${g.count} of ${w.replicas} pods of ${w.namespace}/${w.name} get no ${fam}address (first: ${g.pods.join(", ")}): "${g.message}" (${where}). ${this.hint(g.code, g.message)}`,
        ),
      );
    }
  }

  private hint(code: SimulationFindingCode, message: string): string {
    switch (code) {
      case "POD_BLOCK_LIMIT":
        return `Each node may own ${this.blockLimit} blocks per family${this.blockLimit === DEFAULT_MAX_BLOCKS_PER_HOST ? " (maxBlocksPerHost 0 or unset means 20)" : ""}: raise maxBlocksPerHost in the IPAM configuration, or use larger blocks (a smaller blockSize number) in a new pool`;
      case "POD_POOLS_EXHAUSTED":
        return message.includes("strict affinity")
          ? "Every block of the eligible pools is claimed and strictAffinity forbids borrowing: add a pool (or grow the CIDR of a new one) for these nodes, or use smaller blocks so each node claims fewer addresses"
          : "Every address of the eligible pools is taken: add a pool for these nodes and namespace, or grow the range with a new, larger pool";
      case "POD_NEW_BLOCKS_DISABLED":
        return "autoAllocateBlocks is false, so nodes never claim new blocks: set it to true, or pre-create blocks for these nodes";
      case "POD_NO_MATCHING_POOL":
        return "Add or fix a pool whose nodeSelector matches these nodes and whose namespaceSelector matches the namespace, with Workload in allowedUses (Windows nodes need blockSize 29 or less for IPv4)";
      case "POD_POOL_REQUEST_INVALID":
        return "Every pool named in an annotation or the CNI configuration must exist, be enabled and be of the right family; fix the name or enable the pool";
      case "POD_FIXED_ADDRESS_REJECTED":
        return "A fixed address (cni.projectcalico.org/ipAddrs) must lie in an enabled pool, be free, and (with strictAffinity) in a block of the pod's node; with replicas > 1 every replica asks for the same address";
      case "POD_WINDOWS_STRICT_AFFINITY":
        return "Set strictAffinity: true in the IPAM configuration";
      default:
        return "";
    }
  }

  private tunnelFindings(): void {
    for (const g of this.tunnelFailures.values()) {
      this.findings.push(
        error(
          "TUNNEL_ADDRESS_FAILED",
          `nodes.${g.nodes[0]}`,
          `${g.count} node(s) (${names(g.nodes, g.count)}) get no ${g.type}: "${g.message}". calico-node cannot configure the tunnel and pods on these nodes are unreachable across the overlay. Give the encapsulated pools room for one address and block per node, or a pool with allowedUses [Tunnel] for tunnels`,
        ),
      );
    }
  }

  private poolFindings(): void {
    for (const ps of this.poolStates) {
      const p = ps.pool;
      const path = `pools.${p.name}`;
      if (ps.exhaustedHits > 0) {
        const nodesText = names(ps.exhaustedNodes, ps.exhaustedNodes.length);
        const base = `IP pool "${p.name}" (${p.cidr}) ran out of blocks: all ${ps.blockCount} /${p.blockSize} blocks are claimed or reserved, and nodes needed ${ps.exhaustedHits} more (first: ${nodesText})`;
        const fix = `Add a pool for these nodes (a pool's CIDR cannot change), or move to smaller blocks through a new pool: every node that uses the pool claims at least one /${p.blockSize} block`;
        if (ps.exhaustedUnmet > 0) {
          this.findings.push(error("POOL_EXHAUSTED", path, `${base}; ${ps.exhaustedUnmet} of these requests found no later pool with a free block and had to borrow or failed. ${fix}`));
        } else {
          this.findings.push(warning("POOL_EXHAUSTED_SPILLOVER", path, `${base}; every one got a block from a later pool in name order. Intended spill-over is fine; otherwise ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`));
        }
      }
      if (ps.borrowers.size > 0) {
        const entries = [...ps.borrowers.entries()].sort((a, b) => compareNaturally(a[0], b[0]));
        const total = entries.reduce((s, [, n]) => s + n, 0);
        const list = entries.slice(0, EXAMPLES).map(([n, c]) => `${n} (${c})`).join(", ") + (entries.length > EXAMPLES ? ` and ${entries.length - EXAMPLES} more` : "");
        this.findings.push(
          warning(
            "BORROWED_ADDRESSES",
            path,
            `${total} address(es) of pool "${p.name}" are borrowed from other nodes' blocks by ${entries.length} node(s): ${list}. Each borrowed address needs its own /${p.cidr.bits} route, so routes no longer aggregate per block. Give these nodes room in their own blocks: a larger pool, or strictAffinity: true to fail instead of borrowing`,
          ),
        );
      }
      const usage = this.poolUsage(ps);
      if (ps.usable && (usage.utilization > this.threshold || usage.blockUtilization > this.threshold)) {
        const pct = (x: number) => `${Math.round(x * 100)}%`;
        this.findings.push(
          warning(
            "POOL_UTILIZATION_HIGH",
            path,
            `IP pool "${p.name}" (${p.cidr}) is ${pct(usage.utilization)} used by addresses and ${pct(usage.blockUtilization)} by blocks (${usage.blocksClaimed} of ${usage.blocksTotal}), above ${pct(this.threshold)}: room is left for ${usage.headroom.moreNodes === null ? "" : `${usage.headroom.moreNodes} more node(s) like the current ones and `}${usage.headroom.morePods} more pod address(es). Add a pool before it runs out`,
          ),
        );
      }
    }
  }

  private classCounts(): number[] {
    if (!this.countsCache) {
      this.countsCache = new Array<number>(this.classReps.length).fill(0);
      for (const n of this.nodes) this.countsCache[n.classId]++;
    }
    return this.countsCache;
  }

  private selectionFindings(): void {
    if (this.nodes.length === 0) return;
    const counts = this.classCounts();
    for (const p of this.catalog.pools) {
      if (!this.catalog.isAllocatable(p.name) || p.assignmentMode !== "Automatic" || p.allowedUses.includes("LoadBalancer")) continue;
      const selected = this.classReps.reduce((s, rep, id) => s + (this.catalog.selectsNode(p.name, rep.node.labels) === true ? counts[id] : 0), 0);
      if (selected === 0) {
        this.findings.push(
          warning(
            "POOL_SELECTS_NO_NODE",
            `pools.${p.name}`,
            `IP pool "${p.name}" (${p.cidr}) has nodeSelector ${JSON.stringify(p.nodeSelector)}, which matches none of the ${this.nodes.length} nodes: it serves no pod unless named in an annotation or the CNI configuration. Fix the selector or the node labels, or set assignmentMode: Manual if it is meant for named use only`,
          ),
        );
      }
    }
    // Families that pods get through pool selectors: the CNI defaults (every node runs some pods, such
    // as DaemonSets) and whatever a declared workload asks for.
    const bySelectors = new Set<IpFamily>();
    const defaults: WorkloadDeclaration = { name: "", namespace: "", replicas: 1 };
    for (const w of [defaults, ...this.workloads]) {
      if ((w.annotations?.ipAddrs?.length ?? 0) > 0 || w.replicas === 0) continue;
      for (const f of this.familiesOf(w, false)) {
        const ns = this.namespaces.get(w.namespace);
        const listed = (a: { ipv4pools?: readonly string[]; ipv6pools?: readonly string[] } | undefined) => ((f === 4 ? a?.ipv4pools : a?.ipv6pools)?.length ?? 0) > 0;
        const cni = ((f === 4 ? this.input.cni?.ipv4Pools : this.input.cni?.ipv6Pools)?.length ?? 0) > 0;
        if (!listed(w.annotations) && !listed(ns?.annotations) && !cni) bySelectors.add(f);
      }
    }
    for (const f of [4, 6] as const) {
      if (!bySelectors.has(f)) continue;
      const unserved = this.nodes.filter((n) => {
        const rep = this.classReps[n.classId];
        return !this.catalog.pools.some(
          (p) =>
            p.family === f &&
            this.catalog.isAllocatable(p.name) &&
            p.assignmentMode === "Automatic" &&
            p.allowedUses.includes("Workload") &&
            !(rep.windows && f === 4 && p.blockSize > 29) &&
            this.catalog.selectsNode(p.name, rep.node.labels) === true,
        );
      });
      if (unserved.length === 0) continue;
      const list = unserved.map((n) => n.node.name);
      this.findings.push(
        warning(
          "NODE_NO_POOL",
          `nodes.${list[0]}`,
          `${unserved.length} node(s) (${names(list, list.length)}) are selected by no enabled Automatic ${familyName(f)} pool with Workload use${unserved.some((n) => n.windows) && f === 4 ? " (Windows nodes skip pools with blockSize above 29)" : ""}: pods there get no ${familyName(f)} address unless a pool is named for them. Every node must be selected by at least one pool: fix a pool's nodeSelector or the node labels`,
        ),
      );
    }
  }

  private namespaceFindings(): void {
    if (this.nodes.length === 0) return;
    const counts = this.classCounts();
    const defaultFamilies = this.familiesOf({ name: "", namespace: "", replicas: 0 }, false);
    for (const ns of [...this.namespaces.values()].sort((a, b) => compareNaturally(a.name, b.name))) {
      const path = `namespaces.${ns.name}`;
      const labels = { ...(ns.labels ?? {}), "kubernetes.io/metadata.name": ns.name };
      const boundPools = this.catalog.pools.filter(
        (p) =>
          this.catalog.isAllocatable(p.name) &&
          p.assignmentMode === "Automatic" &&
          p.namespaceSelector.trim() !== "" &&
          p.allowedUses.includes("Workload") &&
          this.catalog.selectsNamespace(p.name, labels) === true,
      );
      for (const p of boundPools) {
        const selected = this.classReps.some((rep, id) => counts[id] > 0 && this.catalog.selectsNode(p.name, rep.node.labels) === true);
        if (!selected) {
          this.findings.push(
            warning(
              "NAMESPACE_BINDING_NO_NODE",
              path,
              `namespace "${ns.name}" is bound to IP pool "${p.name}" by its namespaceSelector ${JSON.stringify(p.namespaceSelector)}, but the pool's nodeSelector ${JSON.stringify(p.nodeSelector)} matches no node, so its pods never use that pool. Fix the pool's nodeSelector or the node labels`,
            ),
          );
        }
      }
      const annotated = (ns.annotations?.ipv4pools?.length ?? 0) > 0 || (ns.annotations?.ipv6pools?.length ?? 0) > 0;
      if (boundPools.length === 0 && !annotated) continue;
      const families = new Set<IpFamily>();
      for (const w of this.workloads) if (w.namespace === ns.name && (w.annotations?.ipAddrs?.length ?? 0) === 0) for (const f of this.familiesOf(w, false)) families.add(f);
      if (!this.workloads.some((w) => w.namespace === ns.name)) for (const f of defaultFamilies) families.add(f);
      for (const f of [...families].sort()) {
        let firstError: string | undefined;
        const served = this.classReps.some((rep) => {
          const choice = choosePools(this.catalog, { family: f, host: rep.node.name, nodeLabels: rep.node.labels, nodeOs: rep.node.os, namespace: ns, cni: this.input.cni });
          if (isPoolChoiceError(choice)) {
            firstError ??= choice.error;
            return false;
          }
          return choice.pools.length > 0;
        });
        if (!served) {
          this.findings.push(
            warning(
              "NAMESPACE_UNSERVABLE",
              path,
              `no node can give pods of namespace "${ns.name}" an ${familyName(f)} address through its pool binding (namespaceSelector or annotation): ${firstError ? `Calico says "${firstError}"` : "no pool qualifies"}. Make a pool that selects both the namespace and some nodes, or fix the annotation`,
            ),
          );
        }
      }
    }
  }

  private blockLimitFinding(): void {
    const cfg = this.input.ipamConfiguration;
    if (cfg && cfg.maxBlocksPerHost !== 0) return;
    // An explicit 0 is already explained by the IPAM configuration's validation (IPAM_CONFIG_MAX_BLOCKS_ZERO).
    if (cfg?.maxBlocksPerHostSet) return;
    let busiest: NodeState | undefined;
    let most = 0;
    for (const n of this.nodes) {
      const m = Math.max(n.ownedPerFamily[0], n.ownedPerFamily[1]);
      if (m > most) {
        most = m;
        busiest = n;
      }
    }
    // Without a limit the default only matters once a node comes close to it.
    if (most < DEFAULT_MAX_BLOCKS_PER_HOST / 2) return;
    this.findings.push(
      warning(
        "MAX_BLOCKS_PER_HOST_DEFAULT",
        "ipamConfiguration.maxBlocksPerHost",
        `maxBlocksPerHost is not set, which Calico enforces as ${DEFAULT_MAX_BLOCKS_PER_HOST} blocks per node and IP family, not as unlimited (calico#9462)${busiest ? `; the busiest node, ${busiest.node.name}, owns ${most}` : ""}. Set the limit you mean explicitly`,
      ),
    );
  }

  // ---------------------------------------------------------------- usage

  private freeBlocks(ps: PoolState): bigint {
    return ps.usable ? ps.blockCount - ps.taken.count : 0n;
  }

  /** Addresses usable per new block: the block size, less the Windows reservation for pools only Windows nodes use. */
  private usablePerBlock(ps: PoolState): bigint {
    let cached = this.usableCache.get(ps);
    if (cached === undefined) {
      cached = this.computeUsablePerBlock(ps);
      this.usableCache.set(ps, cached);
    }
    return cached;
  }

  private computeUsablePerBlock(ps: PoolState): bigint {
    let windows = 0;
    let linux = 0;
    const seen = new Set<number>();
    for (const b of ps.blockList) {
      if (seen.has(b.owner)) continue;
      seen.add(b.owner);
      if (this.nodes[b.owner].windows) windows++;
      else linux++;
    }
    if (windows + linux === 0) {
      for (const rep of this.classReps) {
        if (this.catalog.selectsNode(ps.pool.name, rep.node.labels) !== true) continue;
        if (rep.windows) windows++;
        else linux++;
      }
    }
    const reserve = ps.family === 4 && windows > 0 && linux === 0 && ps.capacity >= 8 ? 4 : 0;
    return BigInt(ps.capacity - reserve);
  }

  private poolUsage(ps: PoolState): PoolUsage {
    const p = ps.pool;
    let inUse = 0;
    let windowsReserved = 0;
    let freeInBlocks = 0n;
    let reservedInBlocks = 0n;
    let borrowed = 0;
    const owners = new Set<number>();
    for (const b of ps.blockList) {
      inUse += b.inUse;
      windowsReserved += b.windowsReserved;
      freeInBlocks += BigInt(b.freeAuto);
      reservedInBlocks += BigInt(b.reservedCount);
      borrowed += b.borrowed;
      owners.add(b.owner);
    }
    const counts = this.classCounts();
    const nodesSelected = this.classReps.reduce((s, rep, id) => s + (this.catalog.selectsNode(p.name, rep.node.labels) === true ? counts[id] : 0), 0);
    const total = p.cidr.size;
    const blocksTotal = ps.usable ? ps.blockCount : p.cidr.prefix <= p.blockSize ? p.cidr.countChildren(p.blockSize) : 0n;
    const freeBlocks = this.freeBlocks(ps);
    const blocksPerNode = owners.size > 0 ? Math.ceil(ps.blockList.length / owners.size) : null;
    const reservedInFree = ps.reservedAddresses - reservedInBlocks - (ps.whollyReservedBlocks - BigInt(ps.whollyReservedClaimed)) * BigInt(ps.capacity);
    let morePods = ps.usable ? freeInBlocks + freeBlocks * this.usablePerBlock(ps) - (reservedInFree > 0n ? reservedInFree : 0n) : 0n;
    if (morePods < 0n) morePods = 0n;
    return {
      name: p.name,
      cidr: p.cidr.toString(),
      family: p.family,
      blockSize: p.blockSize,
      allocatable: ps.usable,
      blocksTotal: blocksTotal.toString(),
      blocksClaimed: ps.blockList.length,
      addressesTotal: total.toString(),
      addressesInUse: inUse,
      addressesWindowsReserved: windowsReserved,
      addressesIpReserved: ps.reservedAddresses.toString(),
      borrowedAddresses: borrowed,
      nodesSelected,
      nodesWithBlocks: owners.size,
      utilization: ratio(BigInt(inUse + windowsReserved), total),
      blockUtilization: blocksTotal === 0n ? 0 : ratio(BigInt(ps.blockList.length), blocksTotal),
      headroom: {
        freeBlocks: freeBlocks.toString(),
        blocksPerNode,
        moreNodes: blocksPerNode === null || !ps.usable ? null : (freeBlocks / BigInt(blocksPerNode)).toString(),
        morePods: morePods.toString(),
      },
    };
  }

  /** Per family the node serves: free addresses in its blocks, and what it may still claim from one pool. */
  private nodeHeadroom(n: NodeState): { morePods: number; affineFree: bigint; growthPools: Set<PoolState> } {
    const maxLeft = BigInt(Math.max(0, n.maxPods - n.pods));
    const fams: IpFamily[] = [];
    const bits = n.families !== 0 ? n.families : this.familiesOf({ name: "", namespace: "", replicas: 0 }, false).reduce((s, f) => s | (f === 4 ? 1 : 2), 0);
    if (bits & 1) fams.push(4);
    if (bits & 2) fams.push(6);
    let best = maxLeft;
    let affineFree = maxLeft;
    const growthPools = new Set<PoolState>();
    for (const f of fams) {
      let free = 0n;
      const mine = new Set<PoolState>();
      for (const b of n.owned) {
        const ps = this.poolStates[b.poolIndex];
        if (ps.family !== f) continue;
        free += BigInt(b.freeAuto);
        mine.add(ps);
      }
      let candidates = [...mine].sort((a, b) => a.index - b.index);
      if (candidates.length === 0) {
        const rep = this.classReps[n.classId];
        candidates = this.poolStates.filter(
          (ps) => ps.family === f && ps.usable && ps.pool.assignmentMode === "Automatic" && ps.pool.allowedUses.includes("Workload") && this.catalog.selectsNode(ps.pool.name, rep.node.labels) === true,
        );
      }
      const growth = candidates.find((ps) => this.freeBlocks(ps) > 0n);
      let left = free;
      if (growth) {
        growthPools.add(growth);
        const claimable = BigInt(Math.max(0, this.blockLimit - n.ownedPerFamily[fi(f)]));
        const fb = this.freeBlocks(growth);
        left += (claimable < fb ? claimable : fb) * this.usablePerBlock(growth);
      }
      if (left < best) best = left;
      if (free < affineFree) affineFree = free;
    }
    return { morePods: Number(best), affineFree, growthPools };
  }

  private result(): SimulationResult {
    const blocks: BlockUsage[] = [];
    for (const ps of this.poolStates) {
      const sorted = [...ps.blockList].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
      for (const b of sorted) {
        blocks.push({
          cidr: b.cidr,
          pool: ps.pool.name,
          family: ps.family,
          owner: this.nodes[b.owner].node.name,
          capacity: b.capacity,
          inUse: b.inUse,
          reserved: b.windowsReserved,
          ipReserved: b.reservedCount,
          free: b.freeAuto,
          borrowedBy: b.borrowed,
          borrowers: b.borrowers ? [...b.borrowers.keys()].sort(compareNaturally) : [],
        });
      }
    }
    const pools = this.poolStates.map((ps) => this.poolUsage(ps));
    const headrooms = this.nodes.map((n) => this.nodeHeadroom(n));
    const nodes: NodeUsage[] = this.nodes.map((n, i) => ({
      name: n.node.name,
      group: n.node.group,
      os: n.node.os,
      maxPods: n.maxPods,
      pods: n.pods,
      podsFailed: n.podsFailed,
      ipv4: { addresses: n.addresses[0], blocks: n.ownedPerFamily[0], borrowed: n.borrowed[0] },
      ipv6: { addresses: n.addresses[1], blocks: n.ownedPerFamily[1], borrowed: n.borrowed[1] },
      blocks: [...n.owned]
        .sort((a, b) => {
          const fa = this.poolStates[a.poolIndex].family;
          const fb = this.poolStates[b.poolIndex].family;
          return fa !== fb ? fa - fb : a.network < b.network ? -1 : a.network > b.network ? 1 : 0;
        })
        .map((b) => b.cidr),
      tunnelAddresses: n.tunnels,
      headroom: { morePods: headrooms[i].morePods },
    }));
    return {
      blocks,
      pods: this.pods,
      pools,
      nodes,
      nodeGroups: this.groupUsage(headrooms),
      summary: {
        nodes: this.nodes.length,
        workloads: this.workloads.length,
        pods: this.podsDeclared,
        podsScheduled: this.podsScheduled,
        podsUnschedulable: this.podsUnschedulable,
        podsAllocated: this.podsAllocated,
        podsFailed: this.podsFailed,
        blocksClaimed: blocks.length,
        ipv4AddressesInUse: this.nodes.reduce((s, n) => s + n.addresses[0], 0),
        ipv6AddressesInUse: this.nodes.reduce((s, n) => s + n.addresses[1], 0),
        borrowedAddresses: this.nodes.reduce((s, n) => s + n.borrowed[0] + n.borrowed[1], 0),
        tunnelAddresses: this.nodes.reduce((s, n) => s + n.tunnels.length, 0),
      },
      findings: sortFindings(this.findings),
    };
  }

  private groupUsage(headrooms: ReadonlyArray<ReturnType<Simulation["nodeHeadroom"]>>): NodeGroupUsage[] {
    const groups = new Map<string, { entry: number; members: NodeState[] }>();
    for (const n of this.nodes) {
      const g = groups.get(n.node.group) ?? { entry: n.node.entry, members: [] };
      g.members.push(n);
      groups.set(n.node.group, g);
    }
    const ordered = [...groups.entries()].sort((a, b) => a[1].entry - b[1].entry || compareNaturally(a[0], b[0]));
    return ordered.map(([group, { members }]) => {
      // More nodes like these: per pool they own blocks in, free blocks / the most blocks one member owns there.
      let moreNodes: bigint | undefined;
      for (const ps of this.poolStates) {
        let most = 0;
        for (const m of members) most = Math.max(most, m.blockCount[ps.index]);
        if (most === 0) continue;
        const fit = this.freeBlocks(ps) / BigInt(most);
        if (moreNodes === undefined || fit < moreNodes) moreNodes = fit;
      }
      let sum = 0n;
      let affine = 0n;
      const growth = new Set<PoolState>();
      for (const m of members) {
        const h = headrooms[m.index];
        sum += BigInt(h.morePods);
        const left = BigInt(Math.max(0, m.maxPods - m.pods));
        affine += h.affineFree < left ? h.affineFree : left;
        for (const ps of h.growthPools) growth.add(ps);
      }
      // Members share their pools' free blocks: the group cannot grow past them (per family, the smaller).
      const byFamily: Record<IpFamily, bigint | undefined> = { 4: undefined, 6: undefined };
      for (const ps of growth) byFamily[ps.family] = (byFamily[ps.family] ?? 0n) + this.freeBlocks(ps) * this.usablePerBlock(ps);
      const shared = [byFamily[4], byFamily[6]].filter((x): x is bigint => x !== undefined);
      let cap = shared.length > 0 ? affine + shared.reduce((a, b) => (a < b ? a : b)) : affine;
      if (sum < cap) cap = sum;
      return {
        group,
        nodes: members.length,
        pods: members.reduce((s, m) => s + m.pods, 0),
        podsFailed: members.reduce((s, m) => s + m.podsFailed, 0),
        headroom: { moreNodes: moreNodes === undefined ? null : moreNodes.toString(), morePods: cap.toString() },
      };
    });
  }
}

function insertByName(list: BlockState[], block: BlockState): void {
  const name = blockObjectName(block.cidr);
  let k = 0;
  while (k < list.length && blockObjectName(list[k].cidr) < name) k++;
  list.splice(k, 0, block);
}

function ratio(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  // Scale before dividing so that huge IPv6 totals keep their precision.
  return Number((part * 1_000_000_000n) / whole) / 1_000_000_000;
}

function names(list: readonly string[], total = list.length): string {
  const shown = list.slice(0, EXAMPLES);
  return shown.join(", ") + (total > shown.length ? ` and ${total - shown.length} more` : "");
}
