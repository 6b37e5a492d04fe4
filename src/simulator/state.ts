/**
 * The simulated IPAM datastore: pools, blocks, affinities and the nodes that hold them, as Calico
 * keeps them in its `IPAMBlock`, `BlockAffinity` and `IPAMHandle` objects (reference §5.16), plus
 * the IPAM configuration that governs them.
 *
 * Blocks are materialised lazily: a pool holds only its claimed blocks (a map by block index) and the
 * set of taken block indices as ranges, so an IPv6 /48 costs what a /108 costs. A block holds counters
 * and a cursor into its FIFO `unallocated` list ({@link BlockState}), never a per-address array.
 */
import { Cidr, IntervalSet, IpFamily, type AddressRange, findOverlaps } from "../ip";
import { DEFAULT_MAX_BLOCKS_PER_HOST } from "../model/calico";
import type { EffectiveIpamConfiguration } from "../validation/ipam-configuration";
import type { EffectiveIpPool } from "../validation/ip-pool";
import { Finding, warning } from "../validation/finding";
import { BlockState } from "./ipam-block";
import { PoolCatalog } from "./precedence";
import { FreePositionTree } from "./private/free-tree";
import { fnv1_32 } from "./private/fnv";
import { v4Text, v6Groups, v6Prefix, v6Text } from "./private/format";
import { IndexRangeSet } from "./private/index-set";
import { determineSeed, randomBlockStartIndex } from "./random-block";
import type { PlacementSlot } from "./private/placement";
import type { CniConfig, ExpandedNode, IpFamilyName, NamespaceDeclaration, WorkloadDeclaration } from "./topology";
import type { SimulationFindingCode, TunnelAddress } from "./result";

/** One IP pool and its claimed blocks. */
export interface PoolState {
  /** The pool's current definition (selectors and `disabled` change over a timeline; cidr and blockSize never do). */
  pool: EffectiveIpPool;
  /** False before the pool is created and after it is deleted. */
  present: boolean;
  /** Position in name order (the order `GetEnabledPools` lists pools). */
  readonly index: number;
  readonly family: IpFamily;
  /** Whether IPAM allocates from it (present, enabled, large enough for one block, not shadowed). */
  usable: boolean;
  readonly hostBits: number;
  /** Addresses per block. */
  readonly capacity: number;
  /** Blocks in the pool's CIDR: 2^(blockSize − prefix). */
  readonly blockCount: bigint;
  /** Block indices that are claimed or wholly covered by IP reservations. */
  readonly taken: IndexRangeSet;
  /** Claimed blocks by block index (the `IPAMBlock` objects of the pool). */
  readonly blocks: Map<bigint, BlockState>;
  /** Claimed blocks in claim order. */
  readonly blockList: BlockState[];
  /** IP reservations inside the pool, sorted and merged. */
  readonly reservations: readonly AddressRange[];
  readonly reservedAddresses: bigint;
  readonly whollyReservedBlocks: bigint;
  whollyReservedClaimed: number;
  /** The borrowing walk's index over existing blocks, rebuilt after a claim. */
  borrowIndex: { indices: bigint[]; blocks: BlockState[]; tree: FreePositionTree } | undefined;
  /** The claimed blocks by ascending index (the report's order), rebuilt after a claim or deletion. */
  sortedBlocks: BlockState[] | undefined;
  exhaustedHits: number;
  exhaustedSpilled: number;
  exhaustedUnmet: number;
  readonly exhaustedNodes: string[];
  /** Borrowing host -> addresses, over all blocks of the pool. */
  readonly borrowers: Map<string, number>;
}

/** One node (a Calico host): its labels, its pods, and its block affinities (`BlockAffinity` objects). */
export interface NodeState extends PlacementSlot {
  readonly index: number;
  /** Name, labels (which a timeline may change), OS, maxPods, group. */
  node: ExpandedNode;
  /** Deleted from the cluster (its Calico node and affinities cleaned up). */
  deleted: boolean;
  /** Cordoned (drained): no new pods are scheduled on it. */
  cordoned: boolean;
  /** The {@link IpamState.epoch} at which its affinities were last checked against the pools' selectors. */
  checkedEpoch: number;
  readonly windows: boolean;
  /** 32-bit FNV-1 of the host name: the seed of its block walk (`determineSeed`). */
  readonly hash: number;
  /** Nodes that every pool selects alike share a class (one precedence answer). */
  classId: number;
  /** Affine blocks per pool index. */
  readonly blockCount: Int32Array;
  /** The first block index it tries per pool index (`randomBlockGenerator`'s start), computed on first use. */
  readonly starts: Array<bigint | undefined>;
  /** Affine blocks, claim order. */
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
  /** The grant behind each tunnel address, by tunnel type (the handle `<type>-tunnel-addr-<node>`). */
  readonly tunnelGrants: Map<TunnelAddress["type"], Grant>;
}

/** One allocated address: a block ordinal held by a node's pod or tunnel. */
export interface Grant {
  readonly block: BlockState;
  readonly ordinal: number;
  readonly node: NodeState;
}

/** Why an address request failed: the finding code, Calico's message, the pools tried. */
export interface Failure {
  readonly code: SimulationFindingCode;
  readonly message: string;
  readonly pools: readonly string[];
}

/** The sequence number of a block claimed at simulated time 0: 2026-01-01T00:00:00Z in nanoseconds. */
export const SEQUENCE_EPOCH_NS = 1_767_225_600_000_000_000n;
/** The least gap between the sequence number bases of two claims (1 ms). */
export const SEQUENCE_CLAIM_GAP_NS = 1_000_000n;

/** Family index: 0 for IPv4, 1 for IPv6. */
export const fi = (f: IpFamily): 0 | 1 => (f === 4 ? 0 : 1);
export const familyName = (f: IpFamily): IpFamilyName => (f === 4 ? "IPv4" : "IPv6");

/**
 * The pool catalog the simulation allocates from: Calico's enabled pools in name order, less pools
 * smaller than one block and pools shadowed by an earlier overlapping one (each explained by a finding).
 */
export function buildCatalog(pools: readonly EffectiveIpPool[], findings: Finding[]): PoolCatalog {
  const skipped = new Set<string>();
  const sorted = PoolCatalog.of(pools).pools;
  for (const p of sorted) {
    if (!p.disabled && p.cidr.prefix > p.blockSize) {
      skipped.add(p.name);
      findings.push(
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
    findings.push(
      warning("POOL_NOT_SIMULATED", `pools.${later.name}`, `IP pool "${later.name}" (${later.cidr}) overlaps "${earlier.name}" (${earlier.cidr}); Calico rejects or disables one of them (Allocatable=False, reason CIDROverlap), so the simulation leaves "${later.name}" out. Give the pools disjoint CIDRs`),
    );
  }
  return PoolCatalog.of(pools, skipped);
}

/**
 * The IPAM datastore of one simulation: pools with their blocks, nodes with their affinities, and the
 * IPAM configuration (`IPAMConfiguration`: strictAffinity, autoAllocateBlocks, maxBlocksPerHost).
 */
export class IpamState {
  /** Every pool the run ever knows (present or not), name order; indices never change. */
  readonly pools: PoolState[];
  readonly poolByName = new Map<string, PoolState>();
  readonly nodes: NodeState[] = [];
  /** Every block registered in the run (claimed or restored), by {@link BlockState.id}; deleted ones stay. */
  readonly blocks: BlockState[] = [];
  strict: boolean;
  autoAllocate: boolean;
  /** maxBlocksPerHost as Calico enforces it (0 or unset means 20). */
  blockLimit: number;
  /** Bumped when pools or node labels change, so hosts re-check their affinities (`prepareAffinityBlocksForHost`). */
  epoch = 0;
  /** Simulated time in seconds since the start (claim times, reclaim and GC ages). */
  now = 0;
  /** Addresses whose pod is gone but which IPAM still holds (a CNI DEL that never ran), with the time they leaked. */
  readonly leaks: Array<{ readonly grant: Grant; readonly since: number }> = [];
  /**
   * Each block's sequence number base: Calico sets a new block's `sequenceNumber` to the claim time in
   * nanoseconds and the block counts its writes from there ({@link BlockState.sequenceNumber}).
   */
  readonly sequenceBase = new WeakMap<BlockState, bigint>();
  /** The latest base handed out: claims get increasing bases, at least 1 ms apart, so they sort in claim order. */
  sequenceClock = SEQUENCE_EPOCH_NS - SEQUENCE_CLAIM_GAP_NS;
  /** {@link now} when {@link claimTimeNs} was computed (NaN: never). */
  private claimTimeOf = Number.NaN;
  /** The sequence number a block claimed at {@link claimTimeOf} would get without the 1 ms gap rule. */
  private claimTimeNs = SEQUENCE_EPOCH_NS;

  /**
   * @param catalog the pools present at the start
   * @param later pools created later in a timeline (each gets its state now, not present yet)
   */
  constructor(
    public catalog: PoolCatalog,
    config: EffectiveIpamConfiguration | undefined,
    reservations: readonly Cidr[],
    later: readonly EffectiveIpPool[] = [],
  ) {
    this.strict = config?.strictAffinity ?? false;
    this.autoAllocate = config?.autoAllocateBlocks ?? true;
    this.blockLimit = config && config.maxBlocksPerHost > 0 ? config.maxBlocksPerHost : DEFAULT_MAX_BLOCKS_PER_HOST;
    const present = new Set(catalog.pools.map((p) => p.name));
    const all = [...catalog.pools, ...later.filter((p) => !present.has(p.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.pools = all.map((pool, index) => poolState(catalog, pool, index, reservations, present.has(pool.name)));
    for (const ps of this.pools) this.poolByName.set(ps.pool.name, ps);
  }

  /** Replaces the catalog (pools created, changed, disabled or deleted) and marks every host for an affinity check. */
  setCatalog(catalog: PoolCatalog): void {
    this.catalog = catalog;
    for (const ps of this.pools) {
      const def = catalog.pool(ps.pool.name);
      ps.present = def !== undefined;
      if (def) ps.pool = def;
      ps.usable = ps.present && catalog.isAllocatable(ps.pool.name) && ps.pool.cidr.prefix <= ps.pool.blockSize;
    }
    this.epoch++;
  }

  /** Sets the IPAM configuration's fields. */
  configure(config: { strictAffinity?: boolean; autoAllocateBlocks?: boolean; maxBlocksPerHost?: number }): void {
    if (config.strictAffinity !== undefined) this.strict = config.strictAffinity;
    if (config.autoAllocateBlocks !== undefined) this.autoAllocate = config.autoAllocateBlocks;
    if (config.maxBlocksPerHost !== undefined) this.blockLimit = config.maxBlocksPerHost > 0 ? config.maxBlocksPerHost : DEFAULT_MAX_BLOCKS_PER_HOST;
  }

  /** Adds a node (a Calico host) with no affinities. */
  addNode(node: ExpandedNode): NodeState {
    const state: NodeState = {
      index: this.nodes.length,
      node,
      windows: node.os === "windows",
      hash: fnv1_32(node.name),
      classId: -1,
      deleted: false,
      cordoned: false,
      checkedEpoch: this.epoch,
      pods: 0,
      maxPods: node.maxPods,
      blockCount: new Int32Array(this.pools.length),
      starts: [],
      owned: [],
      freeAffine: [[], []],
      ownedPerFamily: [0, 0],
      addresses: [0, 0],
      borrowed: [0, 0],
      families: 0,
      podsFailed: 0,
      tunnels: [],
      tunnelGrants: new Map(),
    };
    this.nodes.push(state);
    return state;
  }

  /**
   * The first block index the host tries in the pool: Go's `math/rand` seeded with the FNV-1 hash of the
   * host name, `big.Int.Rand` over the pool's block count (`randomBlockGenerator`, see
   * `random-block.ts`). For host-sized blocks (/32, /128) Calico seeds from the clock; the simulator
   * keeps the hash there, so those start blocks are one possible outcome, not a prediction.
   */
  startIndex(node: NodeState, pool: PoolState): bigint {
    let start = node.starts[pool.index];
    if (start === undefined) {
      const seed = determineSeed(pool.pool.blockSize, pool.pool.cidr.bits as 32 | 128, node.node.name) ?? node.hash;
      start = pool.blockCount > 0n ? randomBlockStartIndex(pool.blockCount, seed) : 0n;
      node.starts[pool.index] = start;
    }
    return start;
  }

  /** The pool states of the given pools, in their order, and a mask of their indices. */
  planFor(pools: readonly EffectiveIpPool[]): { pools: PoolState[]; mask: Uint8Array } {
    const states = pools.map((p) => this.poolByName.get(p.name) as PoolState);
    const mask = new Uint8Array(this.pools.length);
    for (const s of states) mask[s.index] = 1;
    return { pools: states, mask };
  }

  /**
   * Creates block `idx` of the pool affine to the node: the `BlockAffinity` and the `IPAMBlock` with
   * every ordinal unallocated but the host-reserved ones. Follows libcalico-go `claimAffineBlock`
   * (`ipam_block_reader_writer.go`) with `newBlock` (`ipam_block.go`); no CAS conflicts in a simulation.
   */
  claimAffineBlock(pool: PoolState, idx: bigint, node: NodeState, windows: boolean): BlockState {
    const network = pool.pool.cidr.network + (idx << BigInt(pool.hostBits));
    const cidr = Cidr.of(pool.family, network, pool.pool.blockSize).toString();
    const block = new BlockState(pool.index, idx, network, pool.capacity, node.index, windows, this.blockReservations(pool, network), cidr);
    block.claimTime = this.now;
    block.emptySince = this.now;
    this.restoreBlock(pool, block);
    return block;
  }

  /**
   * Registers a block in its pool and, when it has an owner, with that node (its `BlockAffinity`):
   * the claim's bookkeeping, also used for a block read back from a snapshot ({@link BlockState.restore}).
   * The block's index must be free in the pool.
   */
  restoreBlock(pool: PoolState, block: BlockState, sequenceBase?: bigint): void {
    let base = sequenceBase;
    if (base === undefined) {
      // The claim time in nanoseconds changes once per simulated time step, not per claimed block.
      if (this.claimTimeOf !== this.now) {
        this.claimTimeOf = this.now;
        this.claimTimeNs = SEQUENCE_EPOCH_NS + BigInt(Math.round(this.now * 1e9));
      }
      const at = this.claimTimeNs;
      const next = this.sequenceClock + SEQUENCE_CLAIM_GAP_NS;
      base = at > next ? at : next;
      this.sequenceClock = base;
    }
    this.sequenceBase.set(block, base);
    block.id = this.blocks.length;
    this.blocks.push(block);
    pool.taken.add(block.index);
    pool.blocks.set(block.index, block);
    pool.blockList.push(block);
    pool.borrowIndex = undefined;
    pool.sortedBlocks = undefined;
    if (block.whollyReserved) pool.whollyReservedClaimed++;
    if (block.owner < 0) return;
    const node = this.nodes[block.owner];
    node.blockCount[pool.index]++;
    node.ownedPerFamily[fi(pool.family)]++;
    node.owned.push(block);
    if (block.freeAuto > 0) insertByName(node.freeAffine[fi(pool.family)], block);
  }

  /**
   * Removes the block's affinity (`BlockAffinity` deleted, `IPAMBlock.spec.affinity` cleared): the host
   * no longer owns it. The block itself stays until {@link deleteBlock}.
   */
  dropAffinity(block: BlockState): void {
    if (block.owner < 0) return;
    const node = this.nodes[block.owner];
    const pool = this.pools[block.poolIndex];
    const f = fi(pool.family);
    node.blockCount[pool.index]--;
    node.ownedPerFamily[f]--;
    removeFrom(node.owned, block);
    removeFrom(node.freeAffine[f], block);
    // The owner's own addresses in the block become borrowed ones.
    const own = block.inUse - block.borrowed;
    if (own > 0) {
      node.borrowed[f] += own;
      block.addBorrower(node.node.name, own);
      pool.borrowers.set(node.node.name, (pool.borrowers.get(node.node.name) ?? 0) + own);
    }
    block.owner = -1;
  }

  /** Deletes an empty block with no affinity (the `IPAMBlock` object): its index is unclaimed again. */
  deleteBlock(block: BlockState): void {
    const pool = this.pools[block.poolIndex];
    if (block.owner >= 0) this.dropAffinity(block);
    pool.blocks.delete(block.index);
    removeFrom(pool.blockList, block);
    if (block.whollyReserved) pool.whollyReservedClaimed--;
    else pool.taken.delete(block.index);
    pool.borrowIndex = undefined;
    pool.sortedBlocks = undefined;
  }

  /** Keeps node, pool and borrow-index counters in step with one allocation (+1) or release (-1) of an address of `block` held by `node`. */
  account(block: BlockState, node: NodeState, delta: 1 | -1, wasFree: number): void {
    const pool = this.pools[block.poolIndex];
    const f = fi(pool.family);
    node.addresses[f] += delta;
    if (block.owner !== node.index) {
      node.borrowed[f] += delta;
      block.addBorrower(node.node.name, delta);
      const n = (pool.borrowers.get(node.node.name) ?? 0) + delta;
      if (n === 0) pool.borrowers.delete(node.node.name);
      else pool.borrowers.set(node.node.name, n);
    }
    if (delta === 1) block.emptySince = -1;
    else if (block.inUse === 0) block.emptySince = this.now;
    const nowFree = block.freeAuto;
    if ((wasFree > 0) === (nowFree > 0)) return;
    if (pool.borrowIndex) pool.borrowIndex.tree.set(block.borrowPosition, nowFree > 0);
    if (block.owner < 0) return;
    const owner = this.nodes[block.owner];
    if (nowFree === 0) {
      const list = owner.freeAffine[f];
      const k = list.indexOf(block);
      if (k >= 0) list.splice(k, 1);
    } else {
      insertByName(owner.freeAffine[f], block);
    }
  }

  /** The address text of a grant. */
  text(grant: Grant): string {
    return this.addressText(grant.block, grant.ordinal);
  }

  /** The text of the address at `ordinal` in `block`. */
  addressText(block: BlockState, ordinal: number): string {
    if (this.pools[block.poolIndex].family === 4) return v4Text(Number(block.network) + ordinal);
    const groups = (block.v6Groups ??= v6Groups(block.network));
    if (block.v6Prefix === undefined) block.v6Prefix = v6Prefix(groups) ?? null;
    const last = groups[7] | ordinal;
    return last !== 0 && block.v6Prefix !== null ? block.v6Prefix + last.toString(16) : v6Text(groups, ordinal); // v6Text: the rare rest
  }

  /** IP-reserved ordinal ranges of a block at `network`, flat and sorted, or undefined. */
  blockReservations(pool: PoolState, network: bigint): number[] | undefined {
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
}

function poolState(catalog: PoolCatalog, pool: EffectiveIpPool, index: number, allReservations: readonly Cidr[], present: boolean): PoolState {
  const fits = pool.cidr.prefix <= pool.blockSize;
  const usable = present && catalog.isAllocatable(pool.name) && fits;
  const hostBits = pool.cidr.bits - pool.blockSize;
  // Counted for every pool that holds a block, so a pool disabled now can be enabled later.
  const blockCount = fits ? pool.cidr.countChildren(pool.blockSize) : 0n;
  const taken = new IndexRangeSet(blockCount);
  const reservations: AddressRange[] = [];
  let reservedAddresses = 0n;
  let whollyReservedBlocks = 0n;
  const resCidrs = allReservations.filter((r) => r.family === pool.family && r.overlaps(pool.cidr));
  if (resCidrs.length > 0) {
    const set = IntervalSet.fromCidrs(pool.family, resCidrs);
    for (const r of set.ranges()) {
      const first = r.first > pool.cidr.first ? r.first : pool.cidr.first;
      const last = r.last < pool.cidr.last ? r.last : pool.cidr.last;
      if (first > last) continue;
      reservations.push({ first, last });
      reservedAddresses += last - first + 1n;
      if (!fits) continue;
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
    present,
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
    sortedBlocks: undefined,
    exhaustedHits: 0,
    exhaustedSpilled: 0,
    exhaustedUnmet: 0,
    exhaustedNodes: [],
    borrowers: new Map(),
  };
}

function removeFrom<T>(list: T[], item: T): void {
  const k = list.indexOf(item);
  if (k >= 0) list.splice(k, 1);
}

/** Inserts a block into a list kept in datastore order (block object name). */
function insertByName(list: BlockState[], block: BlockState): void {
  const name = block.objectName;
  let k = 0;
  while (k < list.length && list[k].objectName < name) k++;
  list.splice(k, 0, block);
}

/** What usage and findings read of a simulated cluster besides the IPAM datastore. */
export interface ClusterView {
  readonly ipam: IpamState;
  /** Nodes in the cluster now (not deleted), natural name order. */
  readonly nodes: readonly NodeState[];
  /** Pools to report: present ones, and deleted ones that still hold blocks; name order. */
  readonly pools: readonly PoolState[];
  /** One node per class (nodes every pool selects alike), by class id. */
  readonly classReps: readonly NodeState[];
  /** Nodes per class id. */
  classCounts(): readonly number[];
  readonly namespaces: ReadonlyMap<string, NamespaceDeclaration>;
  /** Workloads in declaration order (valid ones only). */
  readonly workloads: readonly WorkloadDeclaration[];
  /** The replicas a workload wants now: its declared replicas, or the last scale of a timeline. */
  replicasOf(w: WorkloadDeclaration): number;
  readonly cni: CniConfig | undefined;
}
