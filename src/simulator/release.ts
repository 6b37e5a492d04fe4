/**
 * The release path, after libcalico-go `lib/ipam/ipam.go`, `ipam_block.go` and
 * `ipam_block_reader_writer.go` (reference §5.9): addresses go back to the tail of their block's FIFO
 * `unallocated` list; an empty block keeps its affinity unless Calico's own rules release it — the pool
 * no longer selects the host (`ensureConsistentAffinity`), the host is deleted (`ReleaseHostAffinities`),
 * the pool is deleted (`ReleasePoolAffinities`), another host reclaims it, or the kube-controllers
 * garbage collector does (see `timers.ts`). A block without affinity is deleted once empty.
 */
import type { BlockState } from "./ipam-block";
import type { Grant, IpamState, NodeState } from "./state";

/**
 * libcalico-go `ipamClient.ReleaseIPs` → `releaseIPsFromBlock` → `allocationBlock.release`: frees each
 * grant's ordinal (appended to the block's `unallocated` tail) and updates the counters. Then, per
 * block that became empty: no affinity ⇒ the block is deleted; an affinity whose pool no longer selects
 * the host ⇒ released (`ensureConsistentAffinity`); otherwise the empty block stays affine.
 */
export function releaseIPs(s: IpamState, grants: readonly Grant[]): void {
  for (const grant of grants) releaseIP(s, grant.block, grant.ordinal, grant.node);
}

/**
 * {@link releaseIPs} for one address, the ordinal of `block` that `node` holds (a pod's CNI DEL calls it
 * per family, allocating nothing).
 */
export function releaseIP(s: IpamState, block: BlockState, ordinal: number, node: NodeState): void {
  const wasFree = block.freeAuto;
  block.release(ordinal);
  s.account(block, node, -1, wasFree);
  if (!block.empty) return;
  if (block.owner < 0) s.deleteBlock(block);
  else ensureConsistentAffinity(s, block);
}

/**
 * libcalico-go `ipamClient.ensureConsistentAffinity` (`ipam.go`): an empty block whose pool exists but
 * no longer selects its host loses its affinity and is deleted. Blocks of disabled or deleted pools are
 * left alone here ("No pool found for block, skipping").
 */
export function ensureConsistentAffinity(s: IpamState, block: BlockState): boolean {
  if (block.owner < 0 || !block.empty) return false;
  const pool = s.pools[block.poolIndex];
  if (!pool.present || pool.pool.disabled) return false;
  const host = s.nodes[block.owner];
  if (s.catalog.selectsNode(pool.pool.name, host.node.labels) === true) return false;
  releaseAffinity(s, block);
  return true;
}

/**
 * libcalico-go `blockReaderWriter.releaseAffinity` with `requireEmpty`: the affinity goes
 * (`pendingDeletion`, then deleted) and the block, empty, is deleted with it.
 */
export function releaseAffinity(s: IpamState, block: BlockState): void {
  block.affinityState = "pendingDeletion";
  s.dropAffinity(block);
  block.affinityState = "confirmed";
  if (block.empty) s.deleteBlock(block);
}

/**
 * libcalico-go `ipamClient.prepareAffinityBlocksForHost` (`ipam.go`), the part that runs before every
 * auto-assign: the host's empty blocks in pools that no longer select it are released. Runs once per
 * host after pools or labels change.
 */
export function prepareAffinityBlocksForHost(s: IpamState, host: NodeState): void {
  if (host.checkedEpoch === s.epoch) return;
  host.checkedEpoch = s.epoch;
  for (const block of [...host.owned]) ensureConsistentAffinity(s, block);
}

/**
 * libcalico-go `ipamClient.ReleaseHostAffinities` as kube-controllers' node controller calls it for a
 * deleted node (its addresses already released): every block of the host loses its affinity; empty
 * ones are deleted, the others stay without affinity until their last address is released.
 */
export function releaseHostAffinities(s: IpamState, host: NodeState): void {
  for (const block of [...host.owned]) releaseAffinity(s, block);
}

/**
 * libcalico-go `ipamClient.ReleasePoolAffinities` (pool deletion through clientv3, reference §5.9):
 * every block of the pool loses its affinity; empty ones are deleted, the others stay without affinity
 * until their last address is released.
 */
export function releasePoolAffinities(s: IpamState, poolIndex: number): void {
  for (const block of [...s.pools[poolIndex].blockList]) {
    if (block.owner >= 0) releaseAffinity(s, block);
    else if (block.empty) s.deleteBlock(block);
  }
}
