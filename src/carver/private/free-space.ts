import { Cidr, FAMILY_BITS, IntervalSet, IpFamily } from "../../ip";
import { ipv6WordsInto } from "../../ip/address";
import { V4_SIZES } from "../../ledger/private/canonical-cidr";
import { bitLength, trailingZeros } from "./bits";
import { Ipv4Runs, firstRunEndingAtOrAfter } from "./ipv4-runs";
import type { ScratchArena } from "./scratch";

/**
 * The free space of one address space, kept as a buddy-style free list: the free addresses are cut
 * into maximal aligned CIDRs, and the networks of each prefix length sit in their own ascending list.
 *
 * Allocating a /P takes the lowest network from the longest prefix q <= P that has one (the smallest
 * free aligned block that holds the request), then gives back the upper halves it does not need:
 * one block each of /q+1, /q+2, ... /P. Those pieces are maximal again, because every parent of
 * each of them contains the block just handed out. So each allocation costs O(P - q) steps, at most
 * the family's bits: no scan of free runs, no search, no address or block ever enumerated.
 *
 * Each list stays in ascending order without any sorting: it is built in ascending order (free runs
 * come in order, and each run's pieces too), a block is always taken from its front (the lowest), and a
 * block is only ever given back to a list that is empty, because a /P is taken from /q only when no
 * list from /q+1 to /P holds a block. So each list is a queue read from its front: taking the lowest
 * block is one read, where a binary heap's sift-down over thousands of blocks per prefix was most of
 * the cost of an allocation (about 40% of `carveOne` in a profile).
 *
 * Why alignment wastes room. A CIDR must start at a multiple of its size, so a free run is cut into
 * aligned pieces, and a request fits only inside one piece. A free run from 10.0.0.64 to 10.0.1.255
 * holds 448 addresses:
 *
 * ```
 *   10.0.0.0     .64         .128               10.0.1.0                    10.0.1.255
 *   |### used ###|--- /26 ---|------ /25 -------|------------- /24 ----------|
 *                 64 free     128 free           256 free
 * ```
 *
 * A /24 request takes 10.0.1.0/24, and the /26 and /25 stay free for smaller requests. But 256
 * addresses from .64 to 10.0.1.63 hold no /24: it would straddle the /24 boundary at 10.0.1.0. That
 * is why exhaustion is reported per aligned prefix ("no free aligned /23 left"), not per address
 * count, and why large requests are placed first, each in the smallest piece that holds it: the
 * large pieces stay whole for as long as possible.
 */
export class FreeSpace {
  /** The address space this free list belongs to. */
  readonly space: Cidr;
  private readonly family: IpFamily;
  private readonly bits: number;
  /** The longest prefix that will be asked for; nothing smaller is ever allocated. */
  private readonly finest: number;
  /** sizes[p] = 2^(bits - p). */
  private readonly sizes: readonly bigint[];
  /**
   * The free blocks that can hold a request (prefix <= finest). When offsets from the space's first
   * address, counted in units of one /finest, fit in a double (finest - space.prefix <= 52: every
   * IPv4 space, and IPv6 spaces up to 2^52 of the smallest pool), the lists hold those offsets as plain
   * numbers, which V8 handles several times faster than bigints; otherwise they hold networks.
   */
  private readonly store: NumberQueues | BigintQueues;
  /** Free blocks too small for any request (prefix > finest), kept only for reports. */
  private readonly dust: bigint[][];
  /**
   * The same, cut from runs of offsets ({@link addRunOfOffsets}): each block as its offset from the
   * space's first address, a number (a bigint network each, two bigint operations, was about 90 KB of a
   * run of the benchmark's IPv4 carving, for lists only an exhaustion message reads).
   */
  private readonly dustOffsets: number[][];

  /**
   * @param space the address space
   * @param used everything inside `space` that must not be carved (exclusions, special ranges, recorded and
   * pinned pools); for an IPv4 space, also as {@link Ipv4Runs}
   * @param finest the longest prefix any `allocate` call will ask for
   * @param scratch where the list's blocks are kept, for a list used only during a carving run (see
   * `ScratchArena`); a list of its own when not given
   */
  constructor(space: Cidr, used: IntervalSet | Ipv4Runs, finest: number = FAMILY_BITS[space.family], scratch?: ScratchArena) {
    this.space = space;
    this.family = space.family;
    this.bits = FAMILY_BITS[space.family];
    this.finest = Math.max(space.prefix, Math.min(finest, this.bits));
    this.sizes = SIZES[space.family];
    this.dust = Array.from({ length: this.bits + 1 }, () => [] as bigint[]);
    this.dustOffsets = Array.from({ length: this.bits + 1 }, () => [] as number[]);
    this.store =
      this.finest - space.prefix <= 52
        ? new NumberQueues(space.family, space.network, this.bits - this.finest, this.finest, space.prefix, space.last)
        : new BigintQueues(this.sizes, this.finest);
    // Free runs come in ascending order and each run's pieces too, so every list is built in order.
    // Each free run as it is found: no list of range objects.
    const store = this.store;
    if (!(used instanceof IntervalSet)) {
      if (space.family !== 4 || !(store instanceof NumberQueues)) throw new RangeError(`IPv4 runs given for the free list of ${space.toString()}`);
      const base = Number(space.network);
      this.addIpv4Runs(store, used, base, base + (V4_SIZES[space.prefix] - 1));
    } else if (this.bits - space.prefix <= 52 && store instanceof NumberQueues) {
      // Every offset from the space's first address is exact as a double: cut runs without bigints.
      const base = space.network;
      used.forEachFreeRange(space, (first, last) => this.addRunOfOffsets(store, Number(first - base), Number(last - base)));
    } else if (store instanceof NumberQueues) {
      // A larger space (IPv6) whose requests fit the number lists: each run is cut in units of one
      // /finest, as doubles, and only the pieces smaller than a unit at its ends with bigints.
      used.forEachFreeRange(space, (first, last) => this.addRunOfUnits(store, first, last));
    } else {
      used.forEachFreeRange(space, (first, last) => this.addRun(first, last));
    }
    if (store instanceof NumberQueues) store.seal(scratch);
  }

  /**
   * Takes the lowest free aligned /prefix from the smallest free block that holds it.
   *
   * @returns the network of the allocated CIDR, or `undefined` when no free aligned /prefix is left
   * @throws RangeError if prefix is longer than the `finest` given to the constructor
   */
  allocate(prefix: number): bigint | undefined {
    if (prefix > this.finest) throw new RangeError(`/${prefix} is finer than the /${this.finest} this free list was built for`);
    for (let q = prefix; q >= this.space.prefix; q--) {
      if (this.store.count(q) > 0) return this.store.take(q, prefix);
    }
    return undefined;
  }

  /**
   * The network the last {@link allocate} returned (it must have returned one) as four 32-bit words (int32
   * bit patterns), the most significant first, into `out[at]` to `out[at + 3]`: for an IPv6 space's
   * pool, whose text is written from them (`ipv6CidrTextOfWords`) when first asked for. Of a number
   * list, from the block's position in it, without the bigint operation that cutting the network into
   * words takes.
   */
  wordsOfLast(out: Int32Array, at: number): void {
    this.store.wordsOfLast(out, at);
  }

  /** The largest free aligned blocks, largest first, lowest address on ties; at most `limit`. For error messages. */
  largestFree(limit: number): Cidr[] {
    const out: Cidr[] = [];
    for (let p = this.space.prefix; p <= this.bits && out.length < limit; p++) {
      const networks = p <= this.finest ? this.store.networks(p) : this.dustOf(p);
      const sorted = [...networks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const network of sorted.slice(0, limit - out.length)) out.push(Cidr.of(this.family, network, p));
    }
    return out;
  }

  /** The networks of the free blocks of prefix p too small for any request (p > finest), in no particular order. */
  private dustOf(p: number): bigint[] {
    const base = this.space.network;
    return this.dust[p].concat(this.dustOffsets[p].map((offset) => base + BigInt(offset)));
  }

  /** The number of free addresses, aligned or not. */
  freeAddresses(): bigint {
    let total = 0n;
    for (let p = this.space.prefix; p <= this.bits; p++) {
      const n = p <= this.finest ? this.store.count(p) : this.dust[p].length + this.dustOffsets[p].length;
      total += BigInt(n) * this.sizes[p];
    }
    return total;
  }

  /**
   * The free runs of an IPv4 space from `first` to `last` (as doubles) beside the used runs, each cut by
   * {@link addRunOfOffsets}: the runs `IntervalSet.forEachFreeRange` finds, in the same order.
   */
  private addIpv4Runs(store: NumberQueues, used: Ipv4Runs, first: number, last: number): void {
    let cursor = first;
    for (let k = firstRunEndingAtOrAfter(used, first); k < used.count && used.firsts[k] <= last; k++) {
      if (used.firsts[k] > cursor) this.addRunOfOffsets(store, cursor - first, used.firsts[k] - 1 - first);
      cursor = used.lasts[k] + 1;
    }
    if (cursor <= last) this.addRunOfOffsets(store, cursor - first, last - first);
  }

  /**
   * {@link addRun} on offsets from the space's first address, as doubles (exact: the space holds at
   * most 2^52 addresses). The space's first address is aligned to the space's size, so an offset's
   * alignment inside the space is the address's.
   */
  private addRunOfOffsets(store: NumberQueues, first: number, last: number): void {
    const bits = this.bits;
    const finest = this.finest;
    let cursor = first;
    while (cursor <= last) {
      const hostBits = Math.min(cursor === 0 ? bits : trailingZeros53(cursor), floorLog2_53(last - cursor + 1));
      const prefix = bits - hostBits;
      if (prefix <= finest) store.addOffset(prefix, cursor);
      else this.dustOffsets[prefix].push(cursor);
      cursor += POW2[hostBits];
    }
  }

  /**
   * {@link addRun} for a space too large for {@link addRunOfOffsets} (its addresses are not exact as
   * doubles) but whose units of one /finest are: the run's whole units are cut as doubles, the same
   * pieces in the same order as {@link addRun} cuts them (the greedy cut reaches each unit boundary
   * exactly, and a piece at a unit boundary that fits in the run is whole units), and only the parts
   * smaller than a unit at the run's two ends, which no request can use, by {@link addRun}.
   */
  private addRunOfUnits(store: NumberQueues, first: bigint, last: bigint): void {
    const base = this.space.network;
    const unitBits = BigInt(this.bits - this.finest);
    const unit = this.sizes[this.finest];
    // The first and the end (exclusive) of the run's whole units, counted from the space's first address.
    const firstUnit = (first - base + unit - 1n) >> unitBits;
    const endUnit = (last - base + 1n) >> unitBits;
    if (firstUnit >= endUnit) {
      this.addRun(first, last);
      return;
    }
    const unitsStart = base + (firstUnit << unitBits);
    if (first < unitsStart) this.addRun(first, unitsStart - 1n);
    const finest = this.finest;
    let cursor = Number(firstUnit);
    const end = Number(endUnit);
    while (cursor < end) {
      const hostUnits = Math.min(cursor === 0 ? finest : trailingZeros53(cursor), floorLog2_53(end - cursor));
      store.addUnits(finest - hostUnits, cursor);
      cursor += POW2[hostUnits];
    }
    const unitsEnd = base + (endUnit << unitBits);
    if (unitsEnd <= last) this.addRun(unitsEnd, last);
  }

  private addRun(first: bigint, last: bigint): void {
    let cursor = first;
    while (cursor <= last) {
      // The largest block that starts at the cursor (alignment) and ends inside the run (fit).
      const hostBits = Math.min(trailingZeros(cursor, this.bits), bitLength(last - cursor + 1n) - 1);
      const prefix = this.bits - hostBits;
      if (prefix <= this.finest) this.store.add(prefix, cursor);
      else this.dust[prefix].push(cursor);
      cursor += this.sizes[prefix];
    }
  }
}

/**
 * Free blocks per prefix as offsets from the space's first address, in units of 2^unitBits addresses:
 * one ascending list per prefix, read from its head on (see {@link FreeSpace}), all of them segments of
 * one `Float64Array` (outside the JavaScript heap: lists of numbers grown by `push` were about a
 * twentieth of what a carving run allocated, half of it copies left behind by growing). The blocks are
 * collected first, in the order they are cut, then dealt out by prefix ({@link seal}), which keeps each
 * prefix's blocks in that (ascending) order. Each segment has one slot before its first block: a block
 * is given back only to an empty list, and only one before the next is taken, so the slot before the
 * head is always free for it.
 */
class NumberQueues {
  /** The blocks, segment by segment: prefix p's free blocks are `slots[heads[p]]` to `slots[ends[p] - 1]`. */
  private slots: Float64Array = EMPTY_SLOTS;
  /** heads[p]: the lowest free block of prefix p (the ones before it are taken). */
  private readonly heads: Int32Array;
  /** ends[p]: the end of prefix p's segment (exclusive). */
  private readonly ends: Int32Array;
  /** unitsOf[p] = 2^(finest - p): the size of a /p in units. */
  private readonly unitsOf: number[];
  /** 2^unitBits, as a double (exact: a power of two). */
  private readonly unitSize: number;
  /** Whether every address of the space is below 2^53 (every IPv4 space): then addresses are exact as doubles. */
  private readonly small: boolean;
  /** The base as a double (exact when `small`). */
  private readonly baseNumber: number;
  /** While the blocks are collected: how many, and their prefixes and offsets, in the order cut (module-level scratch). */
  private collected = 0;
  /** The offset (in units) and the network of the block the last {@link take} handed out (-1: none yet). */
  private lastUnits = -1;
  private lastNetwork = 0n;
  /** sizes[p] = 2^(bits - p), as bigints: the sizes of the family's CIDRs. */
  private readonly sizes: readonly bigint[];
  /**
   * For an IPv6 space: its network as four 32-bit words (int32 bit patterns), the most significant
   * first (see {@link textOfLast}); `undefined` for IPv4.
   */
  private readonly baseWords: Int32Array | undefined;

  constructor(
    family: IpFamily,
    private readonly base: bigint,
    private readonly unitBits: number,
    private readonly finest: number,
    spacePrefix: number,
    spaceLast: bigint,
  ) {
    this.heads = new Int32Array(finest + 1);
    this.ends = new Int32Array(finest + 1);
    this.unitsOf = Array.from({ length: finest + 1 }, (_, p) => (p < spacePrefix ? 0 : 2 ** (finest - p)));
    this.unitSize = 2 ** unitBits;
    this.small = spaceLast < 2n ** 53n;
    this.baseNumber = Number(base);
    this.sizes = SIZES[family];
    if (family === 6) {
      this.baseWords = new Int32Array(4);
      for (let j = 0; j < 4; j++) this.baseWords[j] = Number((base >> BigInt(96 - 32 * j)) & 0xffffffffn);
    } else {
      this.baseWords = undefined;
    }
  }

  count(prefix: number): number {
    return this.ends[prefix] - this.heads[prefix];
  }

  add(prefix: number, network: bigint): void {
    this.addUnits(prefix, Number((network - this.base) >> BigInt(this.unitBits)));
  }

  /** Adds the block that starts `offset` addresses after the base (a multiple of the unit). */
  addOffset(prefix: number, offset: number): void {
    this.addUnits(prefix, offset / this.unitSize);
  }

  /** Adds the block that starts `units` units after the base (blocks of one prefix in ascending order). */
  addUnits(prefix: number, units: number): void {
    const k = this.collected++;
    if (k >= SCRATCH.units.length) growScratch();
    SCRATCH.prefixes[k] = prefix;
    SCRATCH.units[k] = units;
  }

  /**
   * Deals the collected blocks out to their prefixes' segments, in the order collected, in a list taken
   * from `scratch` when given. Once, after the last add.
   */
  seal(scratch: ScratchArena | undefined): void {
    const n = this.collected;
    const { heads, ends } = this;
    const prefixes = SCRATCH.prefixes;
    // Count each prefix's blocks into ends[p], then lay the segments out, one free slot before each.
    for (let k = 0; k < n; k++) ends[prefixes[k]]++;
    for (let p = 0, at = 0; p < ends.length; p++) {
      const count = ends[p];
      heads[p] = at + 1;
      ends[p] = at + 1; // advanced to the segment's end as its blocks are dealt
      at += count + 1;
    }
    // Every slot read is written first (a segment's blocks by dealBlocks, the slot before a head by take).
    this.slots = scratch === undefined ? new Float64Array(n + ends.length) : scratch.f64(n + ends.length);
    dealBlocks(n, prefixes, SCRATCH.units, this.slots, ends);
  }

  /** Takes the lowest /q and gives back the upper halves down to /prefix (each to an empty list). */
  take(q: number, prefix: number): bigint {
    const offset = this.slots[this.heads[q]++];
    // Each list from /q+1 to /prefix is empty: its block goes into the slot before its head.
    for (let r = q + 1; r <= prefix; r++) this.slots[--this.heads[r]] = offset + this.unitsOf[r];
    return this.networkAt(offset);
  }

  /** The network of the block `offset` units after the base; recorded as the last one handed out. */
  private networkAt(offset: number): bigint {
    const last = this.lastUnits;
    this.lastUnits = offset;
    // offset × 2^unitBits is exact as a double (a power-of-two scaling of an integer below 2^52),
    // and so is the whole address when the space lies below 2^53; BigInt() of it is exact too.
    if (this.small) return (this.lastNetwork = BigInt(this.baseNumber + offset * this.unitSize));
    // A larger space: a block usually follows the last one handed out by a power of two of units (the
    // next block of the same list, or the upper half just given back), so its network is the last
    // one plus the size of a CIDR, a bigint of the table: one bigint operation instead of two.
    const delta = offset - last;
    if (last >= 0 && delta > 0) {
      const k = floorLog2_53(delta);
      if (POW2[k] === delta) return (this.lastNetwork = this.lastNetwork + this.sizes[this.finest - k]);
    }
    return (this.lastNetwork = this.base + BigInt(offset * this.unitSize));
  }

  /**
   * The network of the last block handed out as four 32-bit words into `out[at...]` (see
   * {@link FreeSpace.wordsOfLast}). For IPv6: the network is the base OR the offset shifted left by
   * unitBits (the base is aligned to the space's size and the offset lies inside the space, so they share
   * no bit). The offset, an integer below 2^52, is cut into two 32-bit halves (exact in doubles), shifted
   * by unitBits mod 32 into three words, and those land unitBits / 32 words up (see {@link placeUnits}):
   * int32 operations only, no bigint.
   */
  wordsOfLast(out: Int32Array, at: number): void {
    const base = this.baseWords;
    if (base === undefined) {
      ipv6WordsInto(this.lastNetwork, out, at);
      return;
    }
    const w = placeUnits(this.lastUnits, this.unitBits);
    out[at] = base[0] | w[2];
    out[at + 1] = base[1] | w[3];
    out[at + 2] = base[2] | w[4];
    out[at + 3] = base[3] | w[5];
  }

  networks(prefix: number): bigint[] {
    return Array.from(this.slots.subarray(this.heads[prefix], this.ends[prefix]), (o) => this.base + (BigInt(o) << BigInt(this.unitBits)));
  }
}

const EMPTY_SLOTS = new Float64Array(0);

/** The scratch of {@link placeUnits}: six int32 words, the 128-bit value in words 2 to 5. */
const PLACED = new Int32Array(6);

/**
 * The 128-bit value units × 2^unitBits (0 <= units < 2^52 an integer, the value below 2^128) as 32-bit
 * words, the most significant first, in `PLACED[2]` to `PLACED[5]` (words 0 and 1 take the parts that
 * a value below 2^128 leaves zero); returns `PLACED`.
 */
function placeUnits(units: number, unitBits: number): Int32Array {
  const lo = units >>> 0; // units mod 2^32 (exact: units is an integer below 2^53)
  const hi = (units - lo) / 4294967296; // below 2^20
  const b = unitBits & 31;
  // units × 2^b as three words, the most significant first (a shift by 32 - b would be by 0 for b = 0).
  const t0 = b === 0 ? 0 : hi >>> (32 - b);
  const t1 = b === 0 ? hi : (hi << b) | (lo >>> (32 - b));
  const t2 = lo << b;
  const at = 3 - (unitBits >>> 5); // where t2 lands, counted from PLACED[2]; -1 to 3
  const w = PLACED;
  w.fill(0);
  w[at + 2] = t2;
  w[at + 1] = t1;
  if (at > 0) w[at] = t0;
  return w;
}

/**
 * The blocks being collected for a {@link NumberQueues}: their prefixes and offsets, in the order cut.
 * One scratch for the module, grown as needed: every caller is synchronous, and a list is sealed
 * before the next one is built.
 */
const SCRATCH = { prefixes: new Uint8Array(1024), units: new Float64Array(1024) };

function growScratch(): void {
  const prefixes = new Uint8Array(SCRATCH.prefixes.length * 2);
  const units = new Float64Array(SCRATCH.units.length * 2);
  prefixes.set(SCRATCH.prefixes);
  units.set(SCRATCH.units);
  SCRATCH.prefixes = prefixes;
  SCRATCH.units = units;
}

/** Each collected block to the end of its prefix's segment (`ends[p]`, advanced), in the order collected. */
function dealBlocks(n: number, prefixes: Uint8Array, units: Float64Array, slots: Float64Array, ends: Int32Array): void {
  for (let k = 0; k < n; k++) slots[ends[prefixes[k]]++] = units[k];
}

/** Free blocks per prefix as networks (bigint), for spaces too large for {@link NumberQueues}: ascending lists, as there. */
class BigintQueues {
  private readonly lists: bigint[][];
  private readonly heads: Int32Array;
  /** The network the last {@link take} handed out. */
  private lastNetwork = 0n;

  constructor(
    private readonly sizes: readonly bigint[],
    finest: number,
  ) {
    this.lists = Array.from({ length: finest + 1 }, () => [] as bigint[]);
    this.heads = new Int32Array(finest + 1);
  }

  count(prefix: number): number {
    return this.lists[prefix].length - this.heads[prefix];
  }

  add(prefix: number, network: bigint): void {
    this.lists[prefix].push(network);
  }

  take(q: number, prefix: number): bigint {
    const network = this.lists[q][this.heads[q]++];
    for (let r = q + 1; r <= prefix; r++) giveBack(this.lists[r], this.heads, r, network + this.sizes[r]);
    return (this.lastNetwork = network);
  }

  /** The network of the last block handed out as four 32-bit words into `out[at...]` (see {@link FreeSpace.wordsOfLast}). */
  wordsOfLast(out: Int32Array, at: number): void {
    ipv6WordsInto(this.lastNetwork, out, at);
  }

  networks(prefix: number): bigint[] {
    return this.lists[prefix].slice(this.heads[prefix]);
  }
}

/**
 * Gives a block back to the empty list of prefix r (its head is at its end): into the slot before the
 * head, the last one taken, so that the list does not grow (lists grown at each give-back added
 * 0.1–0.3 MB to a carving run's allocation); pushed when nothing was taken from it yet.
 */
function giveBack<T>(list: T[], heads: Int32Array, r: number, block: T): void {
  const head = heads[r];
  if (head > 0) {
    list[head - 1] = block;
    heads[r] = head - 1;
  } else {
    list.push(block);
  }
}

/** POW2[k] = 2^k, exact as a double. */
const POW2: readonly number[] = Array.from({ length: 129 }, (_, k) => 2 ** k);

/** Number of trailing zero bits of an integer 1 <= x < 2^53. */
function trailingZeros53(x: number): number {
  const low = x >>> 0; // x mod 2^32
  if (low !== 0) return 31 - Math.clz32(low & -low);
  const high = Math.floor(x / 4294967296);
  return 63 - Math.clz32(high & -high);
}

/** floor(log2(x)) for an integer 1 <= x <= 2^53. */
function floorLog2_53(x: number): number {
  return x <= 0xffffffff ? 31 - Math.clz32(x) : 63 - Math.clz32(Math.floor(x / 4294967296));
}

const sizesFor = (bits: number): readonly bigint[] =>
  Object.freeze(Array.from({ length: bits + 1 }, (_, p) => 1n << BigInt(bits - p)));
const SIZES: { readonly 4: readonly bigint[]; readonly 6: readonly bigint[] } = { 4: sizesFor(32), 6: sizesFor(128) };
