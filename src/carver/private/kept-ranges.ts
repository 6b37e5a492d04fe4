/**
 * The re-run's check of its kept recorded IPv4 ranges against the barriers (exclusions and special
 * ranges), on what the ledger's reader read: each range as one number, and the ranges in address order.
 */
import { V4_SIZES, keyPrefix } from "../../ledger/private/canonical-cidr";

/** IPv4 runs as doubles: `firsts[k]`..`lasts[k]` for k below `count`, ascending and apart. */
export interface NumberRuns {
  readonly firsts: Float64Array;
  readonly lasts: Float64Array;
  readonly count: number;
}

/**
 * Whether any marked range touches a run. The ranges are IPv4 keys (network × 64 + prefix) by
 * position, `marked[k]` 1 for those to check; `order` lists the positions of the IPv4 ranges in
 * (network, prefix) order. The runs are walked beside the ranges in that order: each step either
 * passes a run that ends before the range, or decides the range. O(ranges + runs), no search.
 */
export function anyMarkedTouches(order: Uint32Array, keys: Float64Array, marked: Uint8Array, runs: NumberRuns): boolean {
  const { firsts, lasts, count } = runs;
  for (let t = 0, r = 0; t < order.length; t++) {
    const k = order[t];
    if (marked[k] === 0) continue;
    const key = keys[k];
    const prefix = keyPrefix(key);
    const first = (key - prefix) / 64;
    while (r < count && lasts[r] < first) r++;
    if (r < count && firsts[r] <= first + (V4_SIZES[prefix] - 1)) return true;
  }
  return false;
}
