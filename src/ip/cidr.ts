import {
  FAMILY_BITS,
  IpFamily,
  IpParseError,
  MAX_ADDRESS,
  V4_MAPPED_HIGH,
  assertFamily,
  bitLength,
  formatAddress,
  parseAddressText,
  zonedError,
} from "./address";

/** The default cap of {@link Cidr.split}: enumerating more children than this is a bug in the caller. */
export const DEFAULT_SPLIT_LIMIT = 65536;

function assertPrefix(family: IpFamily, prefix: number, what = "prefix length"): void {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > FAMILY_BITS[family]) {
    throw new RangeError(`${what} ${String(prefix)} is out of range for IPv${family} (0 to ${FAMILY_BITS[family]})`);
  }
}

// The checks of Cidr.of and Cidr.containing, called for every carved pool, read only module-local
// values when the arguments are valid: an imported binding is a plain property under tsc's CommonJS
// output, but a getter call under some loaders' (tsx's, for one), which doubled the cost of Cidr.of.
const MAX_V4 = MAX_ADDRESS[4];
const MAX_V6 = MAX_ADDRESS[6];

/** assertFamily, then assertPrefix: the same checks and errors, in the same order. */
function assertFamilyAndPrefix(family: IpFamily, prefix: number): void {
  if (family !== 4 && family !== 6) assertFamily(family);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) assertPrefix(family, prefix);
}

/** Throws the RangeError of Cidr.of and Cidr.containing unless the value is an address of the family. */
function assertAddressValue(family: IpFamily, value: bigint): void {
  if (typeof value !== "bigint" || value < 0n || value > (family === 4 ? MAX_V4 : MAX_V6)) {
    throw new RangeError(`${String(value)} is not an IPv${family} address value`);
  }
}

const hostMasks = (bits: number): readonly bigint[] =>
  Object.freeze(Array.from({ length: bits + 1 }, (_, p) => (1n << BigInt(bits - p)) - 1n));
/** HOST_MASKS[family][prefix] = 2^(bits - prefix) - 1: the host bits of a CIDR of that prefix. */
const HOST_MASKS: { readonly 4: readonly bigint[]; readonly 6: readonly bigint[] } = Object.freeze({ 4: hostMasks(32), 6: hostMasks(128) });
/** NETWORK_MASKS[family][prefix] = ~HOST_MASKS[family][prefix], for `address & mask`. */
const NETWORK_MASKS: { readonly 4: readonly bigint[]; readonly 6: readonly bigint[] } = Object.freeze({
  4: Object.freeze(HOST_MASKS[4].map((m) => ~m)),
  6: Object.freeze(HOST_MASKS[6].map((m) => ~m)),
});
/** The IPv4 host masks as int32 bit patterns, for `&` on numbers. */
const V4_HOST_MASKS: readonly number[] = Object.freeze(Array.from({ length: 33 }, (_, p) => (2 ** (32 - p) - 1) | 0));

/**
 * Builds a CIDR without checks: the family, prefix and network must be valid and the network must have
 * no host bits. Module-private (assigned by the class's static block, which alone may call the
 * constructor), so that parsing and arithmetic that have already checked their values do not check
 * them twice.
 */
let construct: (family: IpFamily, network: bigint, prefix: number) => Cidr;

/**
 * An IPv4 or IPv6 network: a masked address and a prefix length. Immutable value type (frozen);
 * compare with {@link Cidr.equals}, not `===`.
 */
export class Cidr {
  /** The address family. */
  readonly family: IpFamily;
  /** The first address of the network; never has host bits. */
  readonly network: bigint;
  /** The prefix length, 0 to 32 (IPv4) or 0 to 128 (IPv6). */
  readonly prefix: number;
  // Kept so that overlap sweeps and interval code do not recompute it.
  private readonly lastAddress: bigint;

  // Callers pass the last address (network | host mask), so that construction does one bigint
  // operation at most; every caller has checked family, network and prefix already.
  private constructor(family: IpFamily, network: bigint, prefix: number, lastAddress: bigint) {
    this.family = family;
    this.network = network;
    this.prefix = prefix;
    this.lastAddress = lastAddress;
    Object.freeze(this);
  }

  static {
    // The module's constructor for values already known valid; see `makeCidr` below.
    construct = (family, network, prefix) => new Cidr(family, network, prefix, network | HOST_MASKS[family][prefix]);
  }

  /**
   * Parses a CIDR strictly, as Calico validates pool CIDRs: an address, `/`, and a decimal prefix length.
   *
   * @throws IpParseError
   * - `CIDR_SYNTAX`: malformed text, surrounding spaces, or a bare address (the message says to add `/32` or `/128`);
   * - `CIDR_PREFIX_RANGE`: prefix length above 32 (IPv4) or 128 (IPv6);
   * - `CIDR_HOST_BITS`: `10.0.0.1/24`, with `suggestion` `"10.0.0.0/24"`;
   * - `IPV6_ZONED`: `fe80::1%eth0/64`;
   * - `IPV6_V4_MAPPED`: a range inside `::ffff:0:0/96`, with the IPv4 CIDR as `suggestion`.
   */
  static parse(text: string): Cidr {
    return parseCidr(text, true);
  }

  /** Like {@link Cidr.parse}, but returns the error instead of throwing it. */
  static tryParse(text: string): { ok: true; cidr: Cidr } | { ok: false; error: IpParseError } {
    try {
      return { ok: true, cidr: parseCidr(text, true) };
    } catch (e) {
      if (e instanceof IpParseError) return { ok: false, error: e };
      throw e;
    }
  }

  /**
   * Like {@link Cidr.parse}, but masks host bits instead of rejecting them (`10.0.0.1/24` is `10.0.0.0/24`),
   * for values that Calico itself normalises. Every other rule is as strict as `parse`.
   */
  static parseLoose(text: string): Cidr {
    return parseCidr(text, false);
  }

  /**
   * The CIDR with that exact network and prefix.
   *
   * @throws RangeError if the family or prefix is out of range, or `network` has host bits set
   */
  static of(family: IpFamily, network: bigint, prefix: number): Cidr {
    assertFamilyAndPrefix(family, prefix);
    assertAddressValue(family, network);
    // IPv4 checks the host bits on a double (exact below 2^32), without allocating a bigint.
    if (family === 4 ? (Number(network) & V4_HOST_MASKS[prefix]) !== 0 : (network & HOST_MASKS[6][prefix]) !== 0n) {
      const masked = construct(family, network & NETWORK_MASKS[family][prefix], prefix);
      throw new RangeError(
        `${formatAddress(family, network)}/${prefix} has host bits set; did you mean ${masked.toString()}?`,
      );
    }
    return construct(family, network, prefix);
  }

  /**
   * The CIDR of that prefix length that contains the address (host bits masked off).
   *
   * @throws RangeError if the family, address or prefix is out of range
   */
  static containing(family: IpFamily, address: bigint, prefix: number): Cidr {
    assertFamilyAndPrefix(family, prefix);
    assertAddressValue(family, address);
    return construct(family, address & NETWORK_MASKS[family][prefix], prefix);
  }

  /** Address width of the family: 32 or 128. */
  get bits(): 32 | 128 {
    return this.family === 4 ? 32 : 128;
  }

  /** Number of addresses: 2^(bits - prefix). */
  get size(): bigint {
    return this.lastAddress - this.network + 1n;
  }

  /** The first address (same as `network`). */
  get first(): bigint {
    return this.network;
  }

  /** The last address. */
  get last(): bigint {
    return this.lastAddress;
  }

  /** True when `other` is the same family and every address of `other` is in this CIDR (including equal). */
  contains(other: Cidr): boolean {
    return this.family === other.family && other.network >= this.network && other.lastAddress <= this.lastAddress;
  }

  /** True when the address value (of this CIDR's family) is in this CIDR. */
  containsAddress(value: bigint): boolean {
    return value >= this.network && value <= this.lastAddress;
  }

  /** True when the two CIDRs have at least one address in common; CIDRs of different families never overlap. */
  overlaps(other: Cidr): boolean {
    return this.family === other.family && this.network <= other.lastAddress && other.network <= this.lastAddress;
  }

  /** Same family, network and prefix. */
  equals(other: Cidr): boolean {
    return this.family === other.family && this.network === other.network && this.prefix === other.prefix;
  }

  /** Orders by family (IPv4 first), then network, then prefix (shorter, i.e. larger, first). */
  compare(other: Cidr): number {
    if (this.family !== other.family) return this.family - other.family;
    if (this.network !== other.network) return this.network < other.network ? -1 : 1;
    return this.prefix - other.prefix;
  }

  /**
   * How many CIDRs of `newPrefix` this one splits into, e.g. a /24 pool holds 4n blocks of /26.
   *
   * @throws RangeError unless prefix <= newPrefix <= bits
   */
  countChildren(newPrefix: number): bigint {
    this.assertChildPrefix(newPrefix);
    return 1n << BigInt(newPrefix - this.prefix);
  }

  /**
   * The children of `newPrefix`, in ascending order. Refuses to enumerate big spaces: use
   * {@link Cidr.countChildren} and {@link Cidr.child} for those.
   *
   * @param limit the most children the caller is prepared to hold
   * @default limit - 65536
   * @throws RangeError if there would be more than `limit` children, or newPrefix is out of range
   */
  split(newPrefix: number, limit: number = DEFAULT_SPLIT_LIMIT): Cidr[] {
    const count = this.countChildren(newPrefix);
    if (count > BigInt(limit)) {
      throw new RangeError(
        `splitting ${this.toString()} into /${newPrefix} gives ${count} CIDRs, more than the limit of ${limit}; ` +
          `use countChildren() and child() instead of enumerating`,
      );
    }
    const step = 1n << BigInt(this.bits - newPrefix);
    const out: Cidr[] = new Array<Cidr>(Number(count));
    for (let i = 0, n = this.network; i < out.length; i++, n += step) out[i] = construct(this.family, n, newPrefix);
    return out;
  }

  /**
   * The `index`-th child of `newPrefix` (0-based), computed without enumerating.
   *
   * @throws RangeError if newPrefix or index is out of range
   */
  child(newPrefix: number, index: bigint): Cidr {
    const count = this.countChildren(newPrefix);
    if (typeof index !== "bigint" || index < 0n || index >= count) {
      throw new RangeError(`child index ${String(index)} is out of range for ${this.toString()} split into /${newPrefix} (0 to ${count - 1n})`);
    }
    return construct(this.family, this.network + (index << BigInt(this.bits - newPrefix)), newPrefix);
  }

  /**
   * The enclosing CIDR of the shorter prefix `newPrefix` (the CIDR itself when equal).
   *
   * @throws RangeError unless 0 <= newPrefix <= prefix
   */
  supernet(newPrefix: number): Cidr {
    if (!Number.isInteger(newPrefix) || newPrefix < 0 || newPrefix > this.prefix) {
      throw new RangeError(`supernet prefix ${String(newPrefix)} of ${this.toString()} must be from 0 to ${this.prefix}`);
    }
    return Cidr.containing(this.family, this.network, newPrefix);
  }

  /** Canonical text: {@link formatAddress} of the network, `/`, the prefix. */
  toString(): string {
    return `${formatAddress(this.family, this.network)}/${this.prefix}`;
  }

  /** Serialises as the canonical string. */
  toJSON(): string {
    return this.toString();
  }

  private assertChildPrefix(newPrefix: number): void {
    if (!Number.isInteger(newPrefix) || newPrefix < this.prefix || newPrefix > this.bits) {
      throw new RangeError(`child prefix ${String(newPrefix)} of ${this.toString()} must be from ${this.prefix} to ${this.bits}`);
    }
  }
}

const FAMILY_HINT = { 4: "/32", 6: "/128" } as const;

function parseCidr(text: string, strict: boolean): Cidr {
  if (typeof text === "string") {
    const fast = parseIPv4CidrFast(text, strict);
    if (fast !== undefined) return fast;
  }
  return parseCidrGeneral(text, strict);
}

/** Is the UTF-16 code unit at `i` an ASCII digit? (`charCodeAt` past the end is NaN: no.) */
const digitAt = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
};

/**
 * @internal The common case of {@link Cidr.parse}, read by hand (no regular expression, no split):
 * IPv4 text exactly as {@link Cidr.toString} prints it, four octets 0 to 255 without leading zeros,
 * "/", and a prefix length 0 to 32 without leading zero; when `strict`, without host bits too.
 * Returns `undefined` for any other text, valid or not, so that {@link parseCidrGeneral} alone
 * decides every other case and every error message. Exported for the tests that compare the two.
 */
export function parseIPv4CidrFast(text: string, strict: boolean): Cidr | undefined {
  const n = text.length;
  // "0.0.0.0/0" to "255.255.255.255/32".
  if (n < 9 || n > 18) return undefined;
  let i = 0;
  let value = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (text.charCodeAt(i) !== 46 /* . */) return undefined;
      i++;
    }
    let v = digitAt(text, i++);
    if (v < 0) return undefined;
    // A leading 0 stands alone: "010" stops after the 0 and fails on the next character.
    if (v > 0) {
      for (let k = 0; k < 2; k++) {
        const d = digitAt(text, i);
        if (d < 0) break;
        v = v * 10 + d;
        i++;
      }
      if (v > 255) return undefined;
    }
    value = value * 256 + v;
  }
  if (text.charCodeAt(i) !== 47 /* / */) return undefined;
  let prefix = digitAt(text, ++i);
  if (prefix < 0) return undefined;
  if (++i < n) {
    const d = prefix === 0 ? -1 : digitAt(text, i++);
    if (d < 0 || i !== n) return undefined;
    prefix = prefix * 10 + d;
    if (prefix > 32) return undefined;
  }
  // value < 2^32: `&` works on its 32 bits, `>>> 0` reads them back unsigned.
  const masked = (value & ~V4_HOST_MASKS[prefix]) >>> 0;
  if (strict && masked !== value) return undefined;
  return construct(4, BigInt(masked), prefix);
}

/**
 * @internal {@link Cidr.parse} (strict) and {@link Cidr.parseLoose} for any input: every rule, every
 * error code and message. Exported for the tests that compare {@link parseIPv4CidrFast} with it.
 */
export function parseCidrGeneral(text: string, strict: boolean): Cidr {
  if (typeof text !== "string") {
    throw new IpParseError("CIDR_SYNTAX", String(text), `${String(text)} is not a CIDR: expected a string such as "10.0.0.0/24"`);
  }
  if (text.trim() !== text) {
    const fixed = tryParseQuiet(text.trim(), strict);
    throw new IpParseError(
      "CIDR_SYNTAX",
      text,
      `"${text}" has leading or trailing spaces` + (fixed ? `; did you mean "${fixed}"?` : ""),
      fixed,
    );
  }
  if (text.includes(":") && text.includes("%")) throw zonedError(text);

  const slash = text.indexOf("/");
  if (slash < 0) {
    const addr = parseAddressText(text);
    if (addr.ok) {
      throw new IpParseError(
        "CIDR_SYNTAX",
        text,
        `"${text}" is an address, not a CIDR; add a prefix length, e.g. "${text}${FAMILY_HINT[addr.family]}" for this single address`,
      );
    }
    throw new IpParseError("CIDR_SYNTAX", text, `"${text}" is not a valid CIDR: expected an address, "/" and a prefix length, e.g. "10.0.0.0/24"`);
  }
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const addr = parseAddressText(addrText);
  if (!addr.ok) throw new IpParseError("CIDR_SYNTAX", text, `"${text}" is not a valid CIDR: ${addr.reason}`);
  const { family, value } = addr;
  const bits = FAMILY_BITS[family];

  if (!/^[0-9]+$/.test(prefixText)) {
    throw new IpParseError(
      "CIDR_SYNTAX",
      text,
      `"${text}" is not a valid CIDR: the prefix length "${prefixText}" must be a whole number from 0 to ${bits}`,
    );
  }
  if (prefixText.length > 1 && prefixText[0] === "0") {
    throw new IpParseError(
      "CIDR_SYNTAX",
      text,
      `"${text}" is not a valid CIDR: the prefix length "${prefixText}" has a leading zero; write "${addrText}/${Number(prefixText)}"`,
    );
  }
  const prefix = prefixText.length > 3 ? Infinity : Number(prefixText);
  if (prefix > bits) {
    throw new IpParseError(
      "CIDR_PREFIX_RANGE",
      text,
      `"${text}" has prefix length ${prefixText}, but IPv${family} prefix lengths go from 0 to ${bits}`,
    );
  }
  const masked = Cidr.containing(family, value, prefix);

  if (family === 6 && prefix >= 96 && value >> 32n === V4_MAPPED_HIGH) {
    const v4 = Cidr.containing(4, value & MAX_ADDRESS[4], prefix - 96).toString();
    throw new IpParseError(
      "IPV6_V4_MAPPED",
      text,
      `"${text}" is an IPv4-mapped IPv6 range; write the IPv4 range "${v4}" instead`,
      v4,
    );
  }
  if (strict && masked.network !== value) {
    const fixed = masked.toString();
    throw new IpParseError("CIDR_HOST_BITS", text, `"${text}" has host bits set; did you mean "${fixed}"?`, fixed);
  }
  return masked;
}

function tryParseQuiet(text: string, strict: boolean): string | undefined {
  try {
    return parseCidr(text, strict).toString();
  } catch {
    // A suggestion is only offered when the trimmed text is wholly valid.
    return undefined;
  }
}

/** Total order of CIDRs for `Array.prototype.sort`: family, then network, then prefix (shorter first). */
export function compareCidrs(a: Cidr, b: Cidr): number {
  return a.compare(b);
}

/**
 * The longest prefix (smallest CIDR) whose size holds `count` addresses, e.g. (4, 300n) is 23.
 *
 * @throws RangeError if count < 1 or count exceeds the whole address space of the family
 */
export function prefixForSize(family: IpFamily, count: bigint): number {
  assertFamily(family);
  if (typeof count !== "bigint" || count < 1n || count > MAX_ADDRESS[family] + 1n) {
    throw new RangeError(`an IPv${family} CIDR cannot hold ${String(count)} addresses (1 to 2^${FAMILY_BITS[family]})`);
  }
  return FAMILY_BITS[family] - bitLength(count - 1n);
}

/**
 * Every pair of overlapping CIDRs in the input, as index pairs `[i, j]` with `i < j`, sorted.
 * CIDRs either nest or are disjoint, so a sweep in (family, network, prefix) order keeps a stack of the
 * CIDRs that contain the current one: O(n log n + k) for k pairs (O(n + k) for large inputs, which
 * are put in that order by a radix sort).
 */
export function findOverlaps(cidrs: readonly Cidr[]): Array<[number, number]> {
  const order = cidrs.length < RADIX_SORT_MIN ? comparatorOrder(cidrs) : radixOrder(cidrs);
  const pairs: Array<[number, number]> = [];
  const stack: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const c = cidrs[i];
    while (stack.length > 0) {
      const top = cidrs[stack[stack.length - 1]];
      if (top.family === c.family && top.last >= c.first) break;
      stack.pop();
    }
    for (const j of stack) pairs.push(i < j ? [i, j] : [j, i]);
    stack.push(i);
  }
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

/** @internal Below this many CIDRs, {@link findOverlaps} sorts with {@link Cidr.compare}; from it on, by radix. */
export const RADIX_SORT_MIN = 48;

/**
 * @internal The indices of the CIDRs in (family, network, prefix, index) order, by
 * {@link Cidr.compare}: the reference for {@link radixOrder}.
 */
export function comparatorOrder(cidrs: readonly Cidr[]): number[] {
  return cidrs.map((_, i) => i).sort((a, b) => cidrs[a].compare(cidrs[b]) || a - b);
}

/** Whether this platform's typed arrays are little-endian (every platform Node.js runs on, in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * @internal The same order as {@link comparatorOrder}, without a comparator: each family's sort keys
 * (prefix length, then the network's 32-bit words from least to most significant) are copied once
 * into a typed array, and a least-significant-digit radix sort on bytes orders the indices. It is
 * stable, so equal CIDRs stay in index order, and bytes that are the same in every key are skipped.
 * A bigint comparator costs a call and two property loads per comparison, about 1.7 million
 * comparisons for 100,000 CIDRs; this costs a few passes over typed arrays.
 */
export function radixOrder(cidrs: readonly Cidr[]): Uint32Array {
  const n = cidrs.length;
  let n4 = 0;
  for (let i = 0; i < n; i++) if (cidrs[i].family === 4) n4++;
  const order = new Uint32Array(n);
  // Keys: IPv4 [prefix, network], IPv6 [prefix, word 3, word 2, word 1, word 0] (word 0 most significant).
  const keys4 = new Uint32Array(2 * n4);
  const keys6 = new Uint32Array(5 * (n - n4));
  // IPv6 networks are split into 64-bit halves by the BigUint64Array store (which keeps the low 64
  // bits of the value written), then read as 32-bit words: one bigint operation per network.
  const halves = new BigUint64Array(2 * (n - n4));
  const words = new Uint32Array(halves.buffer);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    const c = cidrs[i];
    if (c.family === 4) {
      order[a] = i;
      keys4[2 * a] = c.prefix;
      keys4[2 * a + 1] = Number(c.network);
      a++;
    } else {
      order[n4 + b] = i;
      halves[2 * b] = c.network;
      halves[2 * b + 1] = c.network >> 64n;
      keys6[5 * b] = c.prefix;
      keys6[5 * b + 1] = words[4 * b + lo];
      keys6[5 * b + 2] = words[4 * b + hi];
      keys6[5 * b + 3] = words[4 * b + 2 + lo];
      keys6[5 * b + 4] = words[4 * b + 2 + hi];
      b++;
    }
  }
  radixSortSlice(order, 0, n4, keys4, 2);
  radixSortSlice(order, n4, n, keys6, 5);
  return order;
}

/**
 * Sorts order[from, to) (CIDR indices, in ascending index order) by their keys: the k-th entry of
 * the slice has `width` key words at keys[k * width], least significant word first. Stable.
 */
function radixSortSlice(order: Uint32Array, from: number, to: number, keys: Uint32Array, width: number): void {
  const m = to - from;
  if (m < 2) return;
  // Bits that differ between keys: a byte that is the same in every key needs no pass.
  const varying = new Uint32Array(width);
  for (let w = 0; w < width; w++) {
    let and = 0xffffffff;
    let or = 0;
    for (let k = w; k < keys.length; k += width) {
      and &= keys[k];
      or |= keys[k];
    }
    varying[w] = (and ^ or) >>> 0;
  }
  // Sort positions within the slice (0 .. m-1), then map them to CIDR indices.
  let src = new Uint32Array(m);
  let dst = new Uint32Array(m);
  for (let k = 0; k < m; k++) src[k] = k;
  const count = new Uint32Array(256);
  for (let w = 0; w < width; w++) {
    for (let shift = 0; shift < 32; shift += 8) {
      if (((varying[w] >>> shift) & 255) === 0) continue;
      count.fill(0);
      for (let k = w; k < keys.length; k += width) count[(keys[k] >>> shift) & 255]++;
      for (let d = 0, sum = 0; d < 256; d++) {
        const c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (let t = 0; t < m; t++) {
        const k = src[t];
        dst[count[(keys[k * width + w] >>> shift) & 255]++] = k;
      }
      const swap = src;
      src = dst;
      dst = swap;
    }
  }
  const indices = order.slice(from, to);
  for (let t = 0; t < m; t++) order[from + t] = indices[src[t]];
}
