import type { Cidr } from "../../ip";
import { radixSortKeys } from "../../ip/cidr";
import type { ScratchArena } from "./scratch";
import { V4_SIZES } from "../../ledger/private/canonical-cidr";

/**
 * The union of some IPv4 CIDRs as sorted, disjoint, non-adjacent runs of addresses, `firsts[k]` to
 * `lasts[k]` (inclusive) for k < `count`, as doubles: every IPv4 address is exact as one. What
 * `IntervalSet.fromCidrs(4, cidrs)` holds, without a bigint or an object per range: the carver builds
 * its IPv4 used space (the exclusions, the special ranges and the recorded pools) so once per run, and
 * `fromCidrs` on the same 1,000 CIDRs made two bigints and a range object each, and was compiled late
 * (thrown back at the fifth run of the benchmark's processes, compiled again at the eighth).
 */
export interface Ipv4Runs {
  readonly firsts: Float64Array;
  readonly lasts: Float64Array;
  readonly count: number;
}

/**
 * Collects IPv4 CIDRs, each as its network (a double) and prefix length, then merges them into
 * {@link Ipv4Runs}. At most `capacity` CIDRs. Its arrays and the runs' are fresh, or taken from a
 * carving run's `scratch` (then the runs are good only during that run).
 */
export class Ipv4RunsBuilder {
  private readonly networks: Uint32Array;
  private readonly prefixes: Uint8Array;
  private n = 0;

  constructor(
    capacity: number,
    private readonly scratch?: ScratchArena,
  ) {
    this.networks = scratch === undefined ? new Uint32Array(capacity) : scratch.u32(capacity);
    this.prefixes = scratch === undefined ? new Uint8Array(capacity) : scratch.u8(capacity);
  }

  /** Adds the CIDR of that network (a valid IPv4 network, as a double) and prefix length. */
  add(network: number, prefix: number): void {
    this.networks[this.n] = network;
    this.prefixes[this.n++] = prefix;
  }

  /** Adds an IPv4 CIDR. */
  addCidr(cidr: Cidr): void {
    this.add(Number(cidr.network), cidr.prefix);
  }

  /** The union of the CIDRs added. */
  runs(): Ipv4Runs {
    const networks = this.networks.subarray(0, this.n);
    const prefixes = this.prefixes.subarray(0, this.n);
    // (network, prefix) order by the radix sort findOverlaps and the ledger's reader use.
    const scratch = this.scratch;
    const order = radixSortKeys({ prefixes, words: networks, width: 1 }, scratch);
    const firsts = scratch === undefined ? new Float64Array(this.n) : scratch.f64(this.n);
    const lasts = scratch === undefined ? new Float64Array(this.n) : scratch.f64(this.n);
    return { firsts, lasts, count: mergeInOrder(order, networks, prefixes, firsts, lasts) };
  }
}

/**
 * The CIDRs in network order merged into runs, as `IntervalSet.fromCidrs` merges them (a CIDR that
 * starts at or before the address after the run so far joins it); returns how many runs.
 */
function mergeInOrder(order: Uint32Array, networks: Uint32Array, prefixes: Uint8Array, firsts: Float64Array, lasts: Float64Array): number {
  let count = 0;
  for (let j = 0; j < order.length; ) {
    const first = networks[order[j]];
    let last = first + (V4_SIZES[prefixes[order[j]]] - 1);
    for (j++; j < order.length && networks[order[j]] <= last + 1; j++) {
      const next = networks[order[j]] + (V4_SIZES[prefixes[order[j]]] - 1);
      if (next > last) last = next;
    }
    firsts[count] = first;
    lasts[count++] = last;
  }
  return count;
}

/** The addresses of a /16, and how many /16s IPv4 has. */
export const V4_SLASH16_SIZE = 65536;
export const V4_SLASH16_COUNT = 65536;

/**
 * Fills `starts` (one slot per /16 of IPv4, {@link V4_SLASH16_COUNT}) with, for each /16 `b`, the first run
 * that ends at or after its first address `b × 2^16` ({@link firstRunEndingAtOrAfter} of it; `runs.count`
 * if none). Run by run: run `k` is the answer for every /16 from the one after the previous run's last
 * address to the one holding its own last address, one native `fill` each. A loop over the 65,536 /16s
 * took ~5 ms of a `calico-ipam plan` (cold, interpreted code); this is one step per run.
 */
export function indexRunsBySlash16(runs: Ipv4Runs, starts: Int32Array): void {
  const { lasts, count } = runs;
  let b = 0;
  for (let k = 0; k < count && b < starts.length; k++) {
    // The /16s up to the one holding lasts[k] start at or before it; those not yet given a run get k.
    const end = Math.floor(lasts[k] / V4_SLASH16_SIZE) + 1;
    if (end > b) {
      starts.fill(k, b, end);
      b = end;
    }
  }
  starts.fill(count, b);
}

/** The first run that ends at or after address `v` (`runs.count` if none): a binary search. */
export function firstRunEndingAtOrAfter(runs: Ipv4Runs, v: number): number {
  let lo = 0;
  let hi = runs.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs.lasts[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
