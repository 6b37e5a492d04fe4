/**
 * The block indices of a pool that are taken (claimed blocks, and blocks wholly covered by IP
 * reservations), as sorted, merged, non-adjacent inclusive ranges of bigint indices. Finding the next
 * free index from a host's start index, with wrap-around, is a binary search: the cost grows with the
 * number of ranges (at most the number of claims), never with the number of blocks, so an IPv6 /64
 * pool with 2^58 blocks of /122 costs what a /24 costs.
 *
 * ```
 *  index:  0 1 2 3 4 5 6 7 8 9
 *  taken:  # # . . # # # . . #      ranges [0,1] [4,6] [9,9]
 *  nextFree(5) -> 7   nextFree(9) -> wraps -> 2
 * ```
 */
export class IndexRangeSet {
  private firsts: bigint[] = [];
  private lasts: bigint[] = [];
  private total = 0n;

  /** @param size the number of indices, 0 to size - 1 */
  constructor(readonly size: bigint) {}

  /** Number of taken indices. */
  get count(): bigint {
    return this.total;
  }

  /** True when the index is taken. */
  has(i: bigint): boolean {
    const k = this.rangeAtOrBefore(i);
    return k >= 0 && this.lasts[k] >= i;
  }

  /** The first free index at or after `from`, wrapping to 0, or undefined when every index is taken. */
  nextFree(from: bigint): bigint | undefined {
    if (this.total >= this.size) return undefined;
    const after = this.freeAtOrAfter(from);
    return after ?? this.freeAtOrAfter(0n);
  }

  /** Marks one index taken. */
  add(i: bigint): void {
    this.addRange(i, i);
  }

  /** Marks the indices first..last taken (they may overlap taken ones). */
  addRange(first: bigint, last: bigint): void {
    // Ranges that overlap or touch [first, last] are merged into one.
    let lo = this.rangeAtOrBefore(first - 1n);
    if (lo < 0 || this.lasts[lo] < first - 1n) lo++;
    let hi = lo;
    let newFirst = first;
    let newLast = last;
    let removed = 0n;
    while (hi < this.firsts.length && this.firsts[hi] <= last + 1n) {
      if (this.firsts[hi] < newFirst) newFirst = this.firsts[hi];
      if (this.lasts[hi] > newLast) newLast = this.lasts[hi];
      removed += this.lasts[hi] - this.firsts[hi] + 1n;
      hi++;
    }
    this.firsts.splice(lo, hi - lo, newFirst);
    this.lasts.splice(lo, hi - lo, newLast);
    this.total += newLast - newFirst + 1n - removed;
  }

  /** Marks one index free again. */
  delete(i: bigint): void {
    const k = this.rangeAtOrBefore(i);
    if (k < 0 || this.lasts[k] < i) return;
    const first = this.firsts[k];
    const last = this.lasts[k];
    const firsts: bigint[] = [];
    const lasts: bigint[] = [];
    if (first < i) {
      firsts.push(first);
      lasts.push(i - 1n);
    }
    if (i < last) {
      firsts.push(i + 1n);
      lasts.push(last);
    }
    this.firsts.splice(k, 1, ...firsts);
    this.lasts.splice(k, 1, ...lasts);
    this.total--;
  }

  private freeAtOrAfter(x: bigint): bigint | undefined {
    if (x >= this.size) return undefined;
    const k = this.rangeAtOrBefore(x);
    if (k < 0 || this.lasts[k] < x) return x;
    // Ranges never touch, so the index after a range is free unless it is past the end.
    const next = this.lasts[k] + 1n;
    return next < this.size ? next : undefined;
  }

  /** Index of the last range whose first index is <= x, or -1. */
  private rangeAtOrBefore(x: bigint): number {
    let lo = 0;
    let hi = this.firsts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.firsts[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
