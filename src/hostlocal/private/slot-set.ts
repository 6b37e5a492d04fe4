/**
 * The occupancy of a cluster CIDR's node ranges, by index: kube-controller-manager's `CidrSet` bitmap
 * (`pkg/controller/nodeipam/ipam/cidrset/cidr_set.go`), held as sorted, merged runs of indices so that
 * the cost grows with the number of nodes, never with the number of ranges (an IPv4 /8 cut into /32
 * node ranges has 2^24 of them).
 *
 * Index i is the node range `cluster.network + i * rangeSize`:
 *
 * ```
 *   cluster 10.244.0.0/22, node mask /24
 *   index:   0             1             2             3
 *           10.244.0.0/24 10.244.1.0/24 10.244.2.0/24 10.244.3.0/24
 * ```
 */
export class SlotSet {
  /** How many node ranges the cluster CIDR holds: 2^(node mask - cluster prefix). */
  readonly size: number;
  // Disjoint, non-adjacent [first, last] runs of occupied indices, in ascending order.
  private runs: Array<[number, number]> = [];
  private occupiedCount = 0;

  /** @param size the number of node ranges, at most 2^32 (so every index is an exact double) */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a cluster CIDR holds 1 or more node ranges, got ${size}`);
    this.size = size;
  }

  /** Occupied indices. */
  get count(): number {
    return this.occupiedCount;
  }

  /** Free indices. */
  get free(): number {
    return this.size - this.occupiedCount;
  }

  /** True when index `i` is occupied. */
  has(i: number): boolean {
    const k = this.runAtOrAfter(i);
    return k < this.runs.length && this.runs[k][0] <= i;
  }

  /** Marks [first, last] occupied, as `CidrSet.Occupy` does (occupying twice is harmless). */
  occupy(first: number, last: number): void {
    if (!(first >= 0 && last >= first && last < this.size)) throw new RangeError(`indices ${first}..${last} are outside 0..${this.size - 1}`);
    // Runs that overlap or touch [first, last] are merged into one.
    const lo = this.runAtOrAfter(first - 1);
    let hi = lo;
    let newFirst = first;
    let newLast = last;
    let covered = 0;
    while (hi < this.runs.length && this.runs[hi][0] <= last + 1) {
      const [a, b] = this.runs[hi];
      covered += Math.max(0, Math.min(b, last) - Math.max(a, first) + 1);
      newFirst = Math.min(newFirst, a);
      newLast = Math.max(newLast, b);
      hi++;
    }
    this.runs.splice(lo, hi - lo, [newFirst, newLast]);
    this.occupiedCount += last - first + 1 - covered;
  }

  /** Frees index `i`, as `CidrSet.Release` does for one node range. */
  release(i: number): void {
    const k = this.runAtOrAfter(i);
    if (k >= this.runs.length || this.runs[k][0] > i) return;
    const [a, b] = this.runs[k];
    const pieces: Array<[number, number]> = [];
    if (a < i) pieces.push([a, i - 1]);
    if (i < b) pieces.push([i + 1, b]);
    this.runs.splice(k, 1, ...pieces);
    this.occupiedCount--;
  }

  /**
   * The first free index at or after `from`, wrapping past the end to 0: `CidrSet.AllocateNext`'s scan
   * from `nextCandidate`. Undefined when every index is occupied.
   */
  nextFree(from: number): number | undefined {
    if (this.occupiedCount >= this.size) return undefined;
    let candidate = from >= 0 && from < this.size ? from : 0;
    // At most two passes: the run holding the candidate, then, after wrapping, the run holding 0.
    for (let pass = 0; pass < 3; pass++) {
      const k = this.runAtOrAfter(candidate);
      if (k >= this.runs.length || this.runs[k][0] > candidate) return candidate;
      candidate = this.runs[k][1] + 1;
      if (candidate >= this.size) candidate = 0;
    }
    return undefined;
  }

  /** Index of the first run whose last index is >= i (binary search). */
  private runAtOrAfter(i: number): number {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.runs[mid][1] < i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
