/**
 * Usage and headroom after a simulation, as `calicoctl ipam show` would count them: per pool, per node,
 * per node group and per block, with the arithmetic room left (no re-simulation).
 */
import type { IpFamily } from "../ip";
import { familiesOf } from "./cni";
import type { BlockUsage, NodeGroupUsage, NodeUsage, PoolUsage } from "./result";
import { ClusterView, IpamState, NodeState, PoolState, fi } from "./state";
import { compareNaturally } from "./topology";

/** The borrowers of a block nobody borrows from: one frozen empty list shared by every such block's usage. */
const NO_BORROWERS: readonly string[] = Object.freeze([]);

/** A node's headroom and what it rests on. */
export interface NodeHeadroom {
  readonly morePods: number;
  /** Free addresses in its affine blocks (the least over its families), at most its pods left. */
  readonly affineFree: number;
  /** The pool each family would claim its next block from (none when no pool has a free block). */
  readonly growthPools: readonly PoolState[];
}

const FAMILIES: readonly IpFamily[] = [4, 6];

/** Usage of one simulated cluster; read it once allocation is over (pool caches do not expire). */
export class Usage {
  private readonly ipam: IpamState;
  /** Filled after allocation, when pools no longer change. */
  private readonly usableCache = new Map<PoolState, bigint>();
  private readonly poolCache = new Map<PoolState, PoolUsage>();
  /** The families of a node none of whose pods asked yet: the CNI configuration's (bit 1 IPv4, bit 2 IPv6). */
  private defaultFamilies: number | undefined;
  /** {@link freeBlocks} by pool index. */
  private readonly freeBlocksCache: Array<bigint | undefined> = [];

  constructor(private readonly view: ClusterView) {
    this.ipam = view.ipam;
  }

  freeBlocks(ps: PoolState): bigint {
    let free = this.freeBlocksCache[ps.index];
    if (free === undefined) {
      free = ps.usable ? ps.blockCount - ps.taken.count : 0n;
      this.freeBlocksCache[ps.index] = free;
    }
    return free;
  }

  /** Addresses usable per new block: the block size, less the Windows reservation for pools only Windows nodes use. */
  usablePerBlock(ps: PoolState): bigint {
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
      if (b.owner < 0 || seen.has(b.owner)) continue;
      seen.add(b.owner);
      if (this.ipam.nodes[b.owner].windows) windows++;
      else linux++;
    }
    if (windows + linux === 0) {
      for (const rep of this.view.classReps) {
        if (this.ipam.catalog.selectsNode(ps.pool.name, rep.node.labels) !== true) continue;
        if (rep.windows) windows++;
        else linux++;
      }
    }
    const reserve = ps.family === 4 && windows > 0 && linux === 0 && ps.capacity >= 8 ? 4 : 0;
    return BigInt(ps.capacity - reserve);
  }

  /** The pool's usage (computed once per pool: findings and the result both read it). */
  poolUsage(ps: PoolState): PoolUsage {
    let cached = this.poolCache.get(ps);
    if (cached === undefined) {
      cached = this.computePoolUsage(ps);
      this.poolCache.set(ps, cached);
    }
    return cached;
  }

  private computePoolUsage(ps: PoolState): PoolUsage {
    const p = ps.pool;
    let inUse = 0;
    let windowsReserved = 0;
    // Sums over claimed blocks stay far below 2^53 (blocks × block size): numbers, made bigints once.
    let free = 0;
    let reserved = 0;
    let borrowed = 0;
    const owners = new Set<number>();
    for (const b of ps.blockList) {
      inUse += b.inUse;
      windowsReserved += b.windowsReserved;
      free += b.freeAuto;
      reserved += b.reservedCount;
      borrowed += b.borrowed;
      if (b.owner >= 0) owners.add(b.owner);
    }
    const freeInBlocks = BigInt(free);
    const reservedInBlocks = BigInt(reserved);
    const counts = this.view.classCounts();
    const nodesSelected = this.view.classReps.reduce((s, rep, id) => s + (this.ipam.catalog.selectsNode(p.name, rep.node.labels) === true ? counts[id] : 0), 0);
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
  nodeHeadroom(n: NodeState): NodeHeadroom {
    const maxLeft = Math.max(0, n.maxPods - n.pods);
    const bits = n.families !== 0 ? n.families : (this.defaultFamilies ??= familiesOf({ name: "", namespace: "", replicas: 0 }, false, this.view.cni).reduce((s, f) => s | (f === 4 ? 1 : 2), 0));
    let best = BigInt(maxLeft);
    // Free addresses stay far below 2^53 (blocks × block size): summed in numbers.
    let affineFree = maxLeft;
    const growthPools: PoolState[] = [];
    for (const f of FAMILIES) {
      if ((bits & (f === 4 ? 1 : 2)) === 0) continue;
      let freeCount = 0;
      let owns = false;
      // The pool it grows in: of the pools it has blocks in, the first in name order with a free block.
      let growth: PoolState | undefined;
      for (const b of n.owned) {
        const ps = this.ipam.pools[b.poolIndex];
        if (ps.family !== f) continue;
        freeCount += b.freeAuto;
        owns = true;
        if ((growth === undefined || ps.index < growth.index) && this.freeBlocks(ps) > 0n) growth = ps;
      }
      if (!owns) {
        const rep = this.view.classReps[n.classId];
        growth = this.view.pools.find(
          (ps) =>
            ps.family === f && ps.usable && ps.pool.assignmentMode === "Automatic" && ps.pool.allowedUses.includes("Workload") && this.ipam.catalog.selectsNode(ps.pool.name, rep.node.labels) === true && this.freeBlocks(ps) > 0n,
        );
      }
      let left = BigInt(freeCount);
      if (growth) {
        growthPools.push(growth);
        const claimable = BigInt(Math.max(0, this.ipam.blockLimit - n.ownedPerFamily[fi(f)]));
        const fb = this.freeBlocks(growth);
        left += (claimable < fb ? claimable : fb) * this.usablePerBlock(growth);
      }
      if (left < best) best = left;
      if (freeCount < affineFree) affineFree = freeCount;
    }
    return { morePods: Number(best), affineFree, growthPools };
  }

  /**
   * Claimed blocks: pools in name order, then ascending address. With `reuse` (a timeline's steps), a
   * block unchanged since the last call (same sequence number and affinity) gives the same object, so
   * the steps of a long timeline share what did not change (`BlockState.reported`).
   */
  blocks(reuse = false): BlockUsage[] {
    const blocks: BlockUsage[] = [];
    for (const ps of this.view.pools) {
      ps.sortedBlocks ??= [...ps.blockList].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
      for (const b of ps.sortedBlocks) {
        const kept = reuse ? b.reported : undefined;
        if (kept && b.reportedSequence === b.sequenceNumber && b.reportedOwner === b.owner) {
          blocks.push(kept);
          continue;
        }
        const usage: BlockUsage = {
          cidr: b.cidr,
          pool: ps.pool.name,
          family: ps.family,
          owner: b.owner < 0 ? null : this.ipam.nodes[b.owner].node.name,
          capacity: b.capacity,
          inUse: b.inUse,
          reserved: b.windowsReserved,
          ipReserved: b.reservedCount,
          free: b.freeAuto,
          borrowedBy: b.borrowed,
          borrowers: b.borrowers && b.borrowers.size > 0 ? [...b.borrowers.keys()].sort(compareNaturally) : NO_BORROWERS,
        };
        if (reuse) {
          b.reported = usage;
          b.reportedSequence = b.sequenceNumber;
          b.reportedOwner = b.owner;
        }
        blocks.push(usage);
      }
    }
    return blocks;
  }

  /** Every node, natural name order, with the headroom of each (by node index). */
  nodes(headrooms: readonly NodeHeadroom[]): NodeUsage[] {
    return this.view.nodes.map((n) => ({
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
          const fa = this.ipam.pools[a.poolIndex].family;
          const fb = this.ipam.pools[b.poolIndex].family;
          return fa !== fb ? fa - fb : a.network < b.network ? -1 : a.network > b.network ? 1 : 0;
        })
        .map((b) => b.cidr),
      tunnelAddresses: n.tunnels,
      headroom: { morePods: headrooms[n.index].morePods },
    }));
  }

  groupUsage(headrooms: readonly NodeHeadroom[]): NodeGroupUsage[] {
    const groups = new Map<string, { entry: number; members: NodeState[] }>();
    for (const n of this.view.nodes) {
      const g = groups.get(n.node.group) ?? { entry: n.node.entry, members: [] };
      g.members.push(n);
      groups.set(n.node.group, g);
    }
    const ordered = [...groups.entries()].sort((a, b) => a[1].entry - b[1].entry || compareNaturally(a[0], b[0]));
    return ordered.map(([group, { members }]) => {
      // More nodes like these: per pool they own blocks in, free blocks / the most blocks one member owns there.
      let moreNodes: bigint | undefined;
      for (const ps of this.view.pools) {
        let most = 0;
        for (const m of members) most = Math.max(most, m.blockCount[ps.index]);
        if (most === 0) continue;
        const fit = this.freeBlocks(ps) / BigInt(most);
        if (moreNodes === undefined || fit < moreNodes) moreNodes = fit;
      }
      // Per member at most its pods left (maxPods ≤ 10,000), so the sums stay far below 2^53: numbers, bigints once.
      let morePods = 0;
      let affineSum = 0;
      const growth = new Set<PoolState>();
      for (const m of members) {
        const h = headrooms[m.index];
        morePods += h.morePods;
        const left = Math.max(0, m.maxPods - m.pods);
        affineSum += h.affineFree < left ? h.affineFree : left;
        for (const ps of h.growthPools) growth.add(ps);
      }
      const sum = BigInt(morePods);
      const affine = BigInt(affineSum);
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
function ratio(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  // Scale before dividing so that huge IPv6 totals keep their precision.
  return Number((part * 1_000_000_000n) / whole) / 1_000_000_000;
}
