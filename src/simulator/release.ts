/**
 * The release path, after libcalico-go `lib/ipam/ipam.go` and `ipam_block.go` (reference §5.9):
 * `releaseIPs` gives addresses back to their blocks, where they join the tail of the FIFO
 * `unallocated` list, so a released address is handed out again only after every address that was
 * free before it.
 */
import type { Grant, IpamState } from "./state";

/**
 * libcalico-go `ipamClient.ReleaseIPs` → `releaseIPsFromBlock` → `allocationBlock.release`: frees each
 * grant's ordinal (appended to the block's `unallocated` tail) and updates the node and pool counters.
 */
export function releaseIPs(s: IpamState, grants: readonly Grant[]): void {
  for (const grant of grants) {
    const wasFree = grant.block.freeAuto;
    grant.block.release(grant.ordinal);
    s.account(grant, -1, wasFree);
  }
}
