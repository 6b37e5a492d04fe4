import { FAMILY_BITS, IpFamily, assertFamily } from "./address";
import { assertRange, rangeToCidrs } from "./aggregate";
import { Cidr } from "./cidr";

/** An inclusive range of address values of one family, `first <= last`. A {@link Cidr} is one too. */
export interface AddressRange {
  /** The first address in the range. */
  readonly first: bigint;
  /** The last address in the range (inclusive). */
  readonly last: bigint;
}

const makeRange = (first: bigint, last: bigint): AddressRange => Object.freeze({ first, last });

/**
 * A set of addresses of one family, held as sorted, disjoint, non-adjacent inclusive ranges. Every
 * operation works on ranges with binary search; nothing walks addresses or blocks, so an IPv6 /8 costs
 * the same as an IPv4 /24.
 *
 * Used as the "used space" of an address plan: reservations and carved pools are added, and
 * {@link IntervalSet.bestFit} finds where the next pool goes.
 */
export class IntervalSet {
  /** The address family of every range in the set. */
  readonly family: IpFamily;
  private list: AddressRange[] = [];
  /**
   * gapApprox[i] ≈ Number(list[i + 1].first - list[i].last - 1n): the free run between two ranges, as a
   * float. Rounding to a double is monotone, so comparing these decides every `<` / `>` that matters to
   * bestFit without bigint arithmetic; only equal approximations fall back to exact bigints.
   */
  private gapApprox: number[] = [];
  private cachedSize: bigint | undefined = 0n;
  private snapshot: readonly AddressRange[] | undefined;

  /** An empty set of the family. */
  constructor(family: IpFamily) {
    assertFamily(family);
    this.family = family;
  }

  /**
   * The union of the CIDRs, built in one sort-and-merge pass (O(n log n)).
   *
   * @throws RangeError if a CIDR is of the other family
   */
  static fromCidrs(family: IpFamily, cidrs: Iterable<Cidr>): IntervalSet {
    const set = new IntervalSet(family);
    const input: AddressRange[] = [];
    for (const c of cidrs) {
      assertRange(family, c);
      input.push(c);
    }
    sortByFirst(family, input);
    // Built in local lists and stored once: pushing into the new set's own (empty) lists made V8's
    // optimized code of this function expect lists of small integers and throw it away ("not a Smi"),
    // again at the next runs, while it learnt what the fields hold.
    const list: AddressRange[] = [];
    for (let i = 0; i < input.length; ) {
      const first = input[i].first;
      let last = input[i].last;
      for (i++; i < input.length && input[i].first <= last + 1n; i++) {
        // A CIDR's last address is computed on each read: read it once.
        const next = input[i].last;
        if (next > last) last = next;
      }
      list.push(makeRange(first, last));
    }
    const gaps: number[] = [];
    for (let i = 0; i + 1 < list.length; i++) gaps.push(gapBetween(list[i], list[i + 1]));
    set.list = list;
    set.gapApprox = gaps;
    set.cachedSize = undefined;
    return set;
  }

  /**
   * Adds the addresses of the range, merging with overlapping and adjacent ranges. O(log n) search plus
   * one splice.
   *
   * @throws RangeError if the range is empty, outside the family's space, or a CIDR of the other family
   */
  add(range: AddressRange | Cidr): this {
    assertRange(this.family, range);
    let first = range.first;
    let last = range.last;
    const lo = this.lowerBoundLast(first - 1n);
    const hi = this.upperBoundFirst(last + 1n);
    if (lo < hi) {
      if (this.list[lo].first < first) first = this.list[lo].first;
      if (this.list[hi - 1].last > last) last = this.list[hi - 1].last;
    }
    this.replace(lo, hi, [makeRange(first, last)]);
    return this;
  }

  /**
   * Removes the addresses of the range; ranges it cuts through are trimmed or split in two.
   *
   * @throws RangeError if the range is empty, outside the family's space, or a CIDR of the other family
   */
  remove(range: AddressRange | Cidr): this {
    assertRange(this.family, range);
    const { first, last } = range;
    const lo = this.lowerBoundLast(first);
    const hi = this.upperBoundFirst(last);
    if (lo >= hi) return this;
    const pieces: AddressRange[] = [];
    if (this.list[lo].first < first) pieces.push(makeRange(this.list[lo].first, first - 1n));
    if (this.list[hi - 1].last > last) pieces.push(makeRange(last + 1n, this.list[hi - 1].last));
    this.replace(lo, hi, pieces);
    return this;
  }

  /** An independent copy. */
  clone(): IntervalSet {
    const copy = new IntervalSet(this.family);
    copy.list = this.list.slice();
    copy.gapApprox = this.gapApprox.slice();
    copy.cachedSize = this.cachedSize;
    copy.snapshot = this.snapshot;
    return copy;
  }

  /** The number of addresses in the set. */
  get size(): bigint {
    if (this.cachedSize === undefined) {
      let total = 0n;
      for (const r of this.list) total += r.last - r.first + 1n;
      this.cachedSize = total;
    }
    return this.cachedSize;
  }

  /** True when the set holds no address. */
  get isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** The ranges of the set: sorted, disjoint and non-adjacent. A frozen snapshot; later changes do not show in it. */
  ranges(): readonly AddressRange[] {
    if (this.snapshot === undefined) this.snapshot = Object.freeze(this.list.slice());
    return this.snapshot;
  }

  /** True when the address is in the set. */
  containsAddress(v: bigint): boolean {
    const i = this.lowerBoundLast(v);
    return i < this.list.length && this.list[i].first <= v;
  }

  /**
   * True when every address of the range is in the set.
   *
   * @throws RangeError if the range is invalid for the family
   */
  covers(range: AddressRange | Cidr): boolean {
    assertRange(this.family, range);
    // Ranges are merged, so a covered range lies inside a single one of them.
    const i = this.lowerBoundLast(range.first);
    return i < this.list.length && this.list[i].first <= range.first && this.list[i].last >= range.last;
  }

  /**
   * True when at least one address of the range is in the set.
   *
   * @throws RangeError if the range is invalid for the family
   */
  intersects(range: AddressRange | Cidr): boolean {
    assertRange(this.family, range);
    const i = this.lowerBoundLast(range.first);
    return i < this.list.length && this.list[i].first <= range.last;
  }

  /**
   * The ranges of `within` that are not in this set (the complement clipped to `within`), ascending.
   * O(log n + ranges inside `within`).
   *
   * @throws RangeError if `within` is invalid for the family
   */
  freeRanges(within: Cidr | AddressRange): AddressRange[] {
    assertRange(this.family, within);
    const out: AddressRange[] = [];
    this.forEachFreeRun(within, (first, last) => {
      out.push(makeRange(first, last));
    });
    return out;
  }

  /**
   * @internal {@link freeRanges} without a list or a range object per run: `visit(first, last)` for each
   * maximal free run inside `within`, ascending (the carver's free list is built from these).
   *
   * @throws RangeError if `within` is invalid for the family
   */
  forEachFreeRange(within: Cidr | AddressRange, visit: (first: bigint, last: bigint) => void): void {
    assertRange(this.family, within);
    this.forEachFreeRun(within, visit);
  }

  /**
   * Where a CIDR of exactly `prefix` goes inside `within`, given that this set is the used space.
   *
   * Best fit: among the maximal free runs inside `within` that hold an aligned CIDR of that prefix, the
   * run with the least room (fewest free addresses), the lowest one on ties; the answer is the lowest
   * aligned CIDR inside that run. Filling the tightest gap first keeps large runs whole for large
   * requests. `undefined` when nothing fits. O(log n + runs inside `within`), no bigint arithmetic for
   * runs that are too small or not better than the best so far.
   *
   * A run can be larger than the CIDR and still not hold it, because a CIDR must start at a multiple
   * of its size. A /26 (64 addresses) in a 100-address free run that starts at .40:
   *
   * ```
   *   .0            .40    .64                   .128   .140
   *   |             |      |                     |      |
   *   ##############.......[====================].......########
   *      used       waste       the /26 (64)      rest    used
   * ```
   *
   * The run starts at .40, which is not a multiple of 64, so the first aligned start is
   * ceil(40 / 64) × 64 = .64 and the 24 addresses before it stay free (they suit smaller requests).
   *
   * With the run from .40 to .120 (81 addresses) nothing fits: .64 + 63 = .127 runs past .120.
   *
   * @throws RangeError if `within` is of the other family or `prefix` is out of range
   */
  bestFit(prefix: number, within: Cidr): Cidr | undefined {
    assertRange(this.family, within);
    const bits = FAMILY_BITS[this.family];
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
      throw new RangeError(`prefix length ${String(prefix)} is out of range for IPv${this.family} (0 to ${bits})`);
    }
    if (prefix < within.prefix) return undefined;

    const hostBits = BigInt(bits - prefix);
    const size = 1n << hostBits;
    const sizeApprox = Number(size);
    let bestStart: bigint | undefined;
    let bestRoom = 0n;
    let bestApprox = Infinity;

    // Returns true when the run is a perfect fit, so that nothing later can beat it.
    const consider = (first: bigint, last: bigint, room: bigint): boolean => {
      if (room < size || (bestStart !== undefined && room >= bestRoom)) return false;
      const start = ((first + size - 1n) >> hostBits) << hostBits;
      if (start + size - 1n > last) return false;
      bestStart = start;
      bestRoom = room;
      bestApprox = Number(room);
      return room === size;
    };

    const list = this.list;
    const gaps = this.gapApprox;
    const wFirst = within.first;
    const wLast = within.last;
    const i = this.lowerBoundLast(wFirst);
    if (i >= list.length || list[i].first > wLast) {
      consider(wFirst, wLast, wLast - wFirst + 1n);
    } else {
      // Ranges i..end-1 meet `within`; the runs between them lie wholly inside it.
      const end = this.upperBoundFirst(wLast);
      let done = false;
      if (list[i].first > wFirst) done = consider(wFirst, list[i].first - 1n, list[i].first - wFirst);
      // Interior runs: their room is cached as a double, so most are skipped without bigint arithmetic.
      for (let j = i; !done && j < end - 1; j++) {
        const approx = gaps[j];
        if (approx < sizeApprox || approx > bestApprox) continue;
        const first = list[j].last + 1n;
        const last = list[j + 1].first - 1n;
        done = consider(first, last, last - first + 1n);
      }
      if (!done && list[end - 1].last < wLast) consider(list[end - 1].last + 1n, wLast, wLast - list[end - 1].last);
    }
    return bestStart === undefined ? undefined : Cidr.of(this.family, bestStart, prefix);
  }

  /**
   * The largest aligned free CIDRs inside `within` (this set = used space): each free run cut into its
   * maximal aligned CIDRs, then the largest first and the lowest address on ties, at most `limit`.
   * For error messages such as "the largest free ranges left are …". O(runs × bits).
   *
   * @throws RangeError if `within` is of the other family or `limit` is not a non-negative integer
   */
  largestFree(within: Cidr, limit: number): Cidr[] {
    assertRange(this.family, within);
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${String(limit)}`);
    if (limit === 0) return [];
    const bySizeThenAddress = (a: Cidr, b: Cidr) => a.prefix - b.prefix || (a.network < b.network ? -1 : 1);
    let best: Cidr[] = [];
    this.forEachFreeRun(within, (first, last) => {
      best.push(...rangeToCidrs(this.family, { first, last }));
      // Keep memory bounded by the answer, not by the number of runs.
      if (best.length > 4 * limit + 256) best = best.sort(bySizeThenAddress).slice(0, limit);
    });
    return best.sort(bySizeThenAddress).slice(0, limit);
  }

  private forEachFreeRun(within: AddressRange, visit: (first: bigint, last: bigint) => void): void {
    const list = this.list;
    let cursor = within.first;
    const end = within.last; // computed on each read for a CIDR
    for (let i = this.lowerBoundLast(within.first); i < list.length && list[i].first <= end; i++) {
      if (list[i].first > cursor) visit(cursor, list[i].first - 1n);
      cursor = list[i].last + 1n;
    }
    if (cursor <= end) visit(cursor, end);
  }

  /** First index whose range ends at or after v (list.length if none). */
  private lowerBoundLast(v: bigint): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].last < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose range starts after v (list.length if none). */
  private upperBoundFirst(v: bigint): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].first <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replaces list[lo, hi) with `items`, keeping the gap cache in step. */
  private replace(lo: number, hi: number, items: AddressRange[]): void {
    const n = this.list.length;
    this.list.splice(lo, hi - lo, ...items);
    const n2 = this.list.length;
    // Gap j lies between ranges j and j + 1; the ones touching the replaced slice are recomputed.
    const from = Math.max(lo - 1, 0);
    const oldEnd = Math.min(hi, n - 1);
    const newEnd = Math.min(lo + items.length, n2 - 1);
    const fresh: number[] = [];
    for (let j = from; j < newEnd; j++) fresh.push(gapBetween(this.list[j], this.list[j + 1]));
    this.gapApprox.splice(from, Math.max(0, oldEnd - from), ...fresh);
    this.cachedSize = undefined;
    this.snapshot = undefined;
  }
}

/** Up to this many IPv4 ranges are sorted on packed double keys: 2^32 × 2^21 stays below 2^53. */
const PACKED_SORT_MAX = 2 ** 21;

/**
 * Sorts the (valid) ranges by first address, stably. IPv4 ranges are sorted without a comparator:
 * the key first × 2^21 + position is exact as a double, so a typed-array sort orders them natively,
 * ties in input order, exactly as the stable comparator sort would.
 */
function sortByFirst(family: IpFamily, ranges: AddressRange[]): void {
  const n = ranges.length;
  if (family !== 4 || n > PACKED_SORT_MAX) {
    ranges.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    return;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Number(ranges[i].first) * PACKED_SORT_MAX + i;
  keys.sort();
  const input = ranges.slice();
  for (let i = 0; i < n; i++) ranges[i] = input[keys[i] % PACKED_SORT_MAX];
}

function gapBetween(a: AddressRange, b: AddressRange): number {
  return Number(b.first - a.last - 1n);
}
