/**
 * Time passing: Calico's timers that act on IPAM state (reference §5.6, §5.9).
 * - Another host's empty block may be reclaimed once its claim is older than 60 s
 *   (`EmptyBlockMinReclaimAge`; checked when claiming, see `findUsableBlock` in `allocate.ts`).
 * - kube-controllers' IPAM garbage collector (`kube-controllers/pkg/controllers/node/ipam.go`):
 *   leaked addresses (no pod holds them) are released after the leak grace period, and a node's empty
 *   affine block is released once it has stayed empty that long, unless it is the node's last block
 *   (`releaseUnusedBlocks`). The grace period defaults to 15 minutes
 *   (`KubeControllersConfiguration.spec.controllers.node.leakGracePeriod`).
 *
 * When the simulator runs them: at the end of each `wait` step, the only step that moves the clock.
 * kube-controllers syncs IPAM on every block change and at least every leakGracePeriod / 2 (5 minutes
 * by default, `acceptScheduleRequests` in `ipam.go`), and releases only what has been leaked or empty
 * for the grace period; as no other step takes time, a run at another step would find nothing old
 * enough that the last `wait` did not already release. Two differences remain: a live cluster may
 * release up to one sync period later than the simulator (its ticks need not fall on the grace period),
 * and a node's last block, kept while it was the last, is released by the simulator only at the next
 * `wait` after the node claims another block, where kube-controllers would on that block change.
 * kubelets retry pods that got no address with a back-off of seconds, so the simulator retries them
 * at the end of a `wait` too: a step that frees addresses does not by itself restart failed pods.
 */
import { releaseAffinity, releaseIPs } from "./release";
import type { IpamState } from "./state";

/** kube-controllers' default `leakGracePeriod`, in seconds. */
export const DEFAULT_LEAK_GRACE_PERIOD_SECONDS = 15 * 60;

/** What the garbage collector did while time passed. */
export interface GarbageCollection {
  readonly leakedAddressesReleased: number;
  readonly emptyBlocksReleased: number;
}

/**
 * Lets `seconds` pass, then runs kube-controllers' IPAM garbage collection once: leaked addresses older
 * than the grace period are released (`releaseIPs`), then every node's empty blocks that have been empty
 * for the grace period lose their affinity and are deleted (`releaseUnusedBlocks`), keeping each node's
 * last block.
 */
export function advanceTime(s: IpamState, seconds: number, gracePeriod = DEFAULT_LEAK_GRACE_PERIOD_SECONDS): GarbageCollection {
  s.now += seconds;
  const cutoff = s.now - gracePeriod;
  const expired = s.leaks.filter((l) => l.since <= cutoff);
  if (expired.length > 0) {
    const keep = s.leaks.filter((l) => l.since > cutoff);
    s.leaks.splice(0, s.leaks.length, ...keep);
    releaseIPs(
      s,
      expired.map((l) => l.grant),
    );
  }
  let emptyBlocksReleased = 0;
  for (const node of s.nodes) {
    if (node.deleted || node.owned.length < 2) continue;
    let left = node.owned.length;
    for (const block of [...node.owned]) {
      if (left <= 1) break;
      if (!block.empty || block.emptySince < 0 || block.emptySince > cutoff) continue;
      releaseAffinity(s, block);
      emptyBlocksReleased++;
      left--;
    }
  }
  return { leakedAddressesReleased: expired.length, emptyBlocksReleased };
}
