/**
 * The allocation path, after libcalico-go `lib/ipam/ipam.go` and `ipam_block_reader_writer.go`
 * (reference §5.2–5.11): `autoAssign` for one address of one family, which fills the host's affine
 * blocks (`findOrClaimBlock`), then claims a new block (`findUsableBlock`, `claimAffineBlock`), then,
 * without strict affinity, borrows from other hosts' blocks (`assignFromExistingBlock`); and `AssignIP`
 * for a fixed address.
 *
 * Per request and family: the host's affine blocks with free space first (datastore order); then,
 * unless the host owns `maxBlocksPerHost` blocks (0 means 20) in the eligible pools — ErrBlockLimit, no
 * borrowing — and unless `autoAllocateBlocks` is off, a new block from the first eligible pool (name
 * order, or the listed order for named pools) that has an unclaimed block, walking block indices from
 * the host's start index with wrap-around; then, unless `strictAffinity`, borrowing from existing blocks
 * of other hosts in the same walk order. Inside a block, the head of its FIFO `unallocated` list. IP
 * reservations are never auto-assigned and wholly reserved blocks are skipped; Windows hosts reserve
 * ordinals 0, 1, 2 and N-1 of their IPv4 blocks.
 */
import { IpFamily, parseAddress } from "../ip";
import type { BlockState } from "./ipam-block";
import type { PoolChoiceErrorCode } from "./precedence";
import { FreePositionTree } from "./private/free-tree";
import { prepareAffinityBlocksForHost, releaseAffinity } from "./release";
import type { SimulationFindingCode } from "./result";
import { Failure, Grant, IpamState, NodeState, PoolState, fi, familyName } from "./state";

/**
 * Calico's Windows reservation handle, named in its partial-fulfilment message (libcalico-go
 * `ipam.WindowsReservedHandle`).
 */
export const WINDOWS_RESERVED_HANDLE = "windows-reserved-ipam-handle";
/**
 * The attributes Calico stores with a Windows node's reserved addresses (the first three and the last
 * ordinal of every IPv4 block it claims): `{ note: "windows host rsvd" }`, the `Note` of the
 * `HostReservedAttr` that the CNI plugin (`cmdAdd`) and calico-node (`ensureNetworkForOS`) pass on
 * Windows, written by libcalico-go `newBlock` (`lib/ipam/ipam_block.go`: `attrs["note"] = rsvdAttr.Note`)
 * under {@link WINDOWS_RESERVED_HANDLE}, with no `sequenceNumberForAllocation` entry.
 */
export const WINDOWS_RESERVED_ATTRIBUTES: Readonly<Record<string, string>> = { note: "windows host rsvd" };
/** Calico's refusal of a Windows host without strict affinity. */
export const STRICT_AFFINITY_WINDOWS = "global strict affinity should not be false for Windows node";
/** How many pods and nodes a finding names before "and N more". */
export const EXAMPLES = 5;

/** The finding code of each precedence error. */
export const CHOICE_CODE: Record<PoolChoiceErrorCode, SimulationFindingCode> = {
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

/**
 * One address of one family for a host: libcalico-go `ipamClient.autoAssign` (`ipam.go`) with
 * `num = 1`. `pools` are the eligible pools in order (`determinePools`), `mask` marks their indices.
 */
export function autoAssign(s: IpamState, node: NodeState, family: IpFamily, pools: readonly PoolState[], mask: Uint8Array): Grant | Failure {
  if (node.windows && !s.strict) return failure("POD_WINDOWS_STRICT_AFFINITY", STRICT_AFFINITY_WINDOWS, pools);
  // 1–3. findOrClaimBlock: an affine block with room, else a new block.
  const found = findOrClaimBlock(s, node, family, pools, mask);
  if (found === undefined) {
    if (s.strict) return partialFailure("POD_POOLS_EXHAUSTED", node, family, pools, "No more free affine blocks and strict affinity enabled");
  } else if ("code" in found) {
    return found;
  } else {
    return assignFromBlock(s, found, node);
  }
  // 4. Borrow from existing blocks, same walk order (the non-affine loop of autoAssign).
  const walked: string[] = [];
  for (const p of pools) {
    const block = findBorrowableBlock(s, p, node);
    if (block) return assignFromBlock(s, block, node);
    walked.push(p.pool.cidr.toString());
  }
  return partialFailure("POD_POOLS_EXHAUSTED", node, family, pools, `No IPs available in pools: [${walked.join(" ")}]`);
}

/**
 * libcalico-go `findOrClaimBlock` (`ipam.go`): the host's affine blocks in the eligible pools, in
 * datastore order, then (under the block limit, with autoAllocateBlocks) a new block. Returns a block
 * with free space, a failure, or undefined when no pool has an unclaimed block (`noFreeBlocksError`).
 */
export function findOrClaimBlock(s: IpamState, node: NodeState, family: IpFamily, pools: readonly PoolState[], mask: Uint8Array): BlockState | Failure | undefined {
  prepareAffinityBlocksForHost(s, node);
  const affine = node.freeAffine[fi(family)];
  for (let k = 0; k < affine.length; k++) {
    const block = affine[k];
    if (mask[block.poolIndex] === 1 && block.freeAuto > 0) return block;
  }
  // The block limit counts affine blocks in the eligible pools only; at the limit there is no borrowing.
  let owned = 0;
  for (const p of pools) owned += node.blockCount[p.index];
  if (owned >= s.blockLimit) {
    return partialFailure("POD_BLOCK_LIMIT", node, family, pools, `Need to allocate an IPAM block but could not - limit of ${s.blockLimit} blocks reached for this node`);
  }
  if (!s.autoAllocate) return failure("POD_NEW_BLOCKS_DISABLED", "failed to find or claim a block", pools);
  const usable = findUsableBlock(s, node, pools);
  if (usable === undefined) return undefined;
  const block = s.claimAffineBlock(usable.pool, usable.index, node, node.windows && family === 4);
  if (block.freeAuto > 0) return block;
  // Only an ipAddrs claim can create a block with no free address; auto-assign never claims wholly reserved blocks.
  return partialFailure("POD_POOLS_EXHAUSTED", node, family, pools, `Block '${block.cidr}' has 0 free ips which is less than 1 ips required.`);
}

/** Calico's `EmptyBlockMinReclaimAge`: another host's empty block is reclaimed only once claimed this long ago. */
export const EMPTY_BLOCK_MIN_RECLAIM_AGE_SECONDS = 60;

/**
 * libcalico-go `findUsableBlock` (`ipam_block_reader_writer.go`): the first eligible pool with an
 * unclaimed block, walking block indices from the host's start index with wrap-around
 * (`randomBlockGenerator`); when no pool has one, another host's empty block claimed at least
 * {@link EMPTY_BLOCK_MIN_RECLAIM_AGE_SECONDS} ago, in discovery order (pools in order, then walk order),
 * whose affinity is released (`releaseAffinity` with `requireEmpty`) so the index is free to claim.
 * Pools passed over because every block is taken are noted for the exhaustion findings.
 */
export function findUsableBlock(s: IpamState, node: NodeState, pools: readonly PoolState[]): { pool: PoolState; index: bigint } | undefined {
  let exhausted: PoolState[] | undefined;
  for (const p of pools) {
    const idx = p.usable ? p.taken.nextFree(s.startIndex(node, p)) : undefined;
    if (idx === undefined) {
      (exhausted ??= []).push(p);
      continue;
    }
    if (exhausted) noteExhaustion(exhausted, node, true);
    return { pool: p, index: idx };
  }
  const reclaimed = reclaimEmptyBlock(s, node, pools);
  if (exhausted) noteExhaustion(exhausted, node, reclaimed !== undefined);
  return reclaimed;
}

/** The reclaim step of `findUsableBlock`: another host's old enough empty block, its affinity released. */
function reclaimEmptyBlock(s: IpamState, node: NodeState, pools: readonly PoolState[]): { pool: PoolState; index: bigint } | undefined {
  const oldest = s.now - EMPTY_BLOCK_MIN_RECLAIM_AGE_SECONDS;
  for (const p of pools) {
    if (!p.usable) continue;
    const start = s.startIndex(node, p);
    let best: BlockState | undefined;
    let bestDistance = 0n;
    for (const b of p.blockList) {
      if (!b.empty || b.owner === node.index || b.claimTime > oldest) continue;
      const distance = (b.index - start + p.blockCount) % p.blockCount;
      if (best === undefined || distance < bestDistance) {
        best = b;
        bestDistance = distance;
      }
    }
    if (best) {
      releaseAffinity(s, best);
      return { pool: p, index: best.index };
    }
  }
  return undefined;
}

/**
 * The borrowing walk of `autoAssign`: the first existing block of the pool with free space at or
 * after the host's start index, wrapping (reference §5.8). Any block qualifies, whoever it is affine to.
 */
export function findBorrowableBlock(s: IpamState, pool: PoolState, node: NodeState): BlockState | undefined {
  if (!pool.usable || pool.blockList.length === 0) return undefined;
  if (!pool.borrowIndex) {
    const blocks = [...pool.blockList].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    blocks.forEach((b, k) => (b.borrowPosition = k));
    pool.borrowIndex = { indices: blocks.map((b) => b.index), blocks, tree: new FreePositionTree(blocks.map((b) => b.freeAuto > 0)) };
  }
  const { indices, blocks, tree } = pool.borrowIndex;
  const start = s.startIndex(node, pool);
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

/** libcalico-go `allocationBlock.autoAssign` (`ipam_block.go`) for one address: the head of the block's FIFO. */
export function assignFromBlock(s: IpamState, block: BlockState, node: NodeState): Grant {
  const wasFree = block.freeAuto;
  const ordinal = block.autoAssign();
  s.account(block, node, 1, wasFree);
  return { block, ordinal, node };
}

/** libcalico-go `ipamClient.AssignIP` (`ipam.go`): a fixed address (`cni.projectcalico.org/ipAddrs`). */
export function assignIP(s: IpamState, node: NodeState, pool: PoolState, text: string): Grant | Failure {
  const pools = [pool.pool.name];
  if (!pool.usable) return { code: "POD_FIXED_ADDRESS_REJECTED", message: "The provided IP address is not in a configured pool", pools };
  const value = parseAddress(text).value;
  const offset = value - pool.pool.cidr.network;
  const idx = offset >> BigInt(pool.hostBits);
  const ordinal = Number(offset & ((1n << BigInt(pool.hostBits)) - 1n));
  let block = pool.blocks.get(idx);
  if (!block) {
    // Claimed for this host even past maxBlocksPerHost; reservations are not consulted.
    block = s.claimAffineBlock(pool, idx, node, node.windows && pool.family === 4 && pool.capacity >= 8);
  } else if (block.owner !== node.index && s.strict) {
    return { code: "POD_FIXED_ADDRESS_REJECTED", message: "Block host affinity does not match", pools };
  }
  const wasFree = block.freeAuto;
  if (!block.assignOrdinal(ordinal)) return { code: "POD_FIXED_ADDRESS_REJECTED", message: "Address already assigned in block", pools };
  s.account(block, node, 1, wasFree);
  return { block, ordinal, node };
}

function failure(code: SimulationFindingCode, message: string, pools: readonly PoolState[]): Failure {
  return { code, message, pools: pools.map((p) => p.pool.name) };
}

/** Calico's `PartialFulfillmentError` text for one requested address. */
function partialFailure(code: SimulationFindingCode, node: NodeState, family: IpFamily, pools: readonly PoolState[], msg: string): Failure {
  const windows = node.windows && family === 4 ? `; HostReservedAttr: ${WINDOWS_RESERVED_HANDLE}` : "";
  return failure(code, `Assigned 0 out of 1 requested ${familyName(family)} addresses; ${msg}${windows}`, pools);
}

function noteExhaustion(exhausted: readonly PoolState[], node: NodeState, spilled: boolean): void {
  for (const p of exhausted) {
    if (!p.usable) continue;
    p.exhaustedHits++;
    if (spilled) p.exhaustedSpilled++;
    else p.exhaustedUnmet++;
    if (p.exhaustedNodes.length < EXAMPLES && !p.exhaustedNodes.includes(node.node.name)) p.exhaustedNodes.push(node.node.name);
  }
}
