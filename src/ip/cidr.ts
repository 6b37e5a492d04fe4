import {
  FAMILY_BITS,
  IpFamily,
  IpParseError,
  MAX_ADDRESS,
  V4_MAPPED_HIGH,
  assertFamily,
  bitLength,
  cidrText,
  formatAddress,
  ipv6OfWords,
  parseAddressText,
  zonedError,
} from "./address";
import { ScratchArena } from "./scratch-arena";

/** The default cap of {@link Cidr.split}: enumerating more children than this is a bug in the caller. */
export const DEFAULT_SPLIT_LIMIT = 65536;

function assertPrefix(family: IpFamily, prefix: number, what = "prefix length"): void {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > FAMILY_BITS[family]) {
    throw new RangeError(`${what} ${String(prefix)} is out of range for IPv${family} (0 to ${FAMILY_BITS[family]})`);
  }
}

// The checks of Cidr.of and Cidr.containing, called for every carved pool, read only module-local
// values when the arguments are valid: an imported binding is a plain property under tsc's CommonJS
// output, but a getter call under some loaders' (tsx's, for one): about a third of Cidr.of's time.
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
/** SIZES[family][prefix] = 2^(bits - prefix): the number of addresses of a CIDR of that prefix. */
const SIZES: { readonly 4: readonly bigint[]; readonly 6: readonly bigint[] } = Object.freeze({
  4: Object.freeze(HOST_MASKS[4].map((m) => m + 1n)),
  6: Object.freeze(HOST_MASKS[6].map((m) => m + 1n)),
});
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

  // Three fields, no stored last address: a CIDR is made for every carved pool, and a second bigint
  // per CIDR was a fifth of what a carving run kept (see `last`). Every caller has checked family,
  // network and prefix already.
  private constructor(family: IpFamily, network: bigint, prefix: number) {
    this.family = family;
    this.network = network;
    this.prefix = prefix;
    Object.freeze(this);
  }

  static {
    // The module's constructor for values already known valid; see `validCidr` below.
    construct = (family, network, prefix) => new Cidr(family, network, prefix);
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
    return SIZES[this.family][this.prefix];
  }

  /** The first address (same as `network`). */
  get first(): bigint {
    return this.network;
  }

  /** The last address: the network with every host bit set (computed on each read, not stored). */
  get last(): bigint {
    return this.network | HOST_MASKS[this.family][this.prefix];
  }

  /** True when `other` is the same family and every address of `other` is in this CIDR (including equal). */
  contains(other: Cidr): boolean {
    // CIDRs nest or are disjoint: a CIDR no larger than this one lies inside it when its network does.
    return this.family === other.family && other.prefix >= this.prefix && this.holds(other.network);
  }

  /** True when the address value (of this CIDR's family) is in this CIDR. */
  containsAddress(value: bigint): boolean {
    return this.holds(value);
  }

  /** True when the two CIDRs have at least one address in common; CIDRs of different families never overlap. */
  overlaps(other: Cidr): boolean {
    // Two CIDRs overlap exactly when the larger one (shorter prefix) holds the other's network.
    return this.family === other.family && (this.prefix <= other.prefix ? this.holds(other.network) : other.holds(this.network));
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

  /** Whether the value lies from the network to the last address: one bigint addition, no stored last address. */
  private holds(value: bigint): boolean {
    return value >= this.network && value - this.network <= HOST_MASKS[this.family][this.prefix];
  }

  /** Canonical text: {@link formatAddress} of the network, `/`, the prefix. */
  toString(): string {
    return cidrText(this.family, this.network, this.prefix);
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
    const fast = parseIPv4CidrFast(text, strict) ?? parseIPv6CidrFast(text, strict);
    if (fast !== undefined) return fast;
  }
  return parseCidrGeneral(text, strict);
}

/** The ASCII digit at `i` as a number, or -1 for anything else (past the end, charCodeAt is NaN: -1 too). */
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
  const k = readIPv4CidrFast(text, strict);
  return k < 0 ? undefined : construct(4, BigInt(Math.floor(k / 64)), k % 64);
}

/**
 * @internal {@link parseIPv4CidrFast} as plain numbers, for readers of many CIDRs that need no
 * {@link Cidr} (the pictures place 100,000 blocks): `network × 64 + prefix` (the network masked), or
 * -1 for any text that reader leaves to the general parser.
 */
export function readIPv4CidrFast(text: string, strict: boolean): number {
  const n = text.length;
  // "0.0.0.0/0" to "255.255.255.255/32".
  if (n < 9 || n > 18) return -1;
  let i = 0;
  let value = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (text.charCodeAt(i) !== 46 /* . */) return -1;
      i++;
    }
    let v = digitAt(text, i++);
    if (v < 0) return -1;
    // A leading 0 stands alone: "010" stops after the 0 and fails on the next character.
    if (v > 0) {
      for (let k = 0; k < 2; k++) {
        const d = digitAt(text, i);
        if (d < 0) break;
        v = v * 10 + d;
        i++;
      }
      if (v > 255) return -1;
    }
    value = value * 256 + v;
  }
  if (text.charCodeAt(i) !== 47 /* / */) return -1;
  let prefix = digitAt(text, ++i);
  if (prefix < 0) return -1;
  if (++i < n) {
    const d = prefix === 0 ? -1 : digitAt(text, i++);
    if (d < 0 || i !== n) return -1;
    prefix = prefix * 10 + d;
    if (prefix > 32) return -1;
  }
  // value < 2^32: `&` works on its 32 bits, `>>> 0` reads them back unsigned.
  const masked = (value & ~V4_HOST_MASKS[prefix]) >>> 0;
  if (strict && masked !== value) return -1;
  return masked * 64 + prefix;
}

/** The value of the hex digit with character code `c` (either case), or -1 for any other character. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The eight 16-bit groups of the address {@link parseIPv6CidrFast} reads. */
const V6_GROUPS = new Uint16Array(8);

/**
 * The groups of the IPv6 address written from `text[0]` up to `end` (exclusive) into {@link V6_GROUPS}:
 * groups of 1 to 4 hex digits (either case, leading zeros allowed) separated by ":", with at most one
 * "::" standing for one or more zero groups, as the general parser reads them. `false` for any other
 * text, valid or not (an embedded IPv4 address among them).
 */
function readIPv6Groups(text: string, end: number): boolean {
  const groups = V6_GROUPS;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58 /* : */) {
    // Only "::" may start an address.
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let v = 0;
    const first = i;
    for (let d = hexValue(text.charCodeAt(i)); d >= 0 && i < end; d = hexValue(text.charCodeAt(++i))) v = v * 16 + d;
    if (i === first || i - first > 4 || count === 8) return false;
    groups[count++] = v;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (text.charCodeAt(i) === 58 && i < end) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false; // a single ":" at the end
    }
  }
  if (gap < 0) return count === 8;
  if (count > 7) return false;
  // The groups after the gap move to the end; the gap's groups are zero.
  const after = count - gap;
  for (let k = 0; k < after; k++) groups[7 - k] = groups[count - 1 - k];
  for (let k = gap; k < 8 - after; k++) groups[k] = 0;
  return true;
}

/**
 * @internal The IPv6 case of {@link Cidr.parse}, read by hand (no regular expression, no split, no list
 * of groups, two bigint operations instead of one per group): an address of hex groups as
 * {@link readIPv6Groups} reads them, "/", and a prefix length 0 to 128 without leading zero; when
 * `strict`, without host bits too; never an IPv4-mapped range. Returns `undefined` for any other text,
 * valid or not, so that {@link parseCidrGeneral} alone decides every other case and every error message.
 * (The general parser made about 1 KB of strings, lists and bigints per IPv6 CIDR: 22 MB for the two
 * reads of each range of a ledger of 10,000 IPv6 pools.) Exported for the tests that compare the two.
 */
export function parseIPv6CidrFast(text: string, strict: boolean): Cidr | undefined {
  const n = text.length;
  // "::/0" to 39 characters of address, "/128".
  if (n < 4 || n > 43) return undefined;
  const slash = text.lastIndexOf("/");
  if (slash < 2 || slash === n - 1 || n - slash > 4) return undefined;
  let prefix = 0;
  for (let i = slash + 1; i < n; i++) {
    const d = digitAt(text, i);
    if (d < 0 || (i > slash + 1 && prefix === 0)) return undefined; // not a digit, or a leading zero
    prefix = prefix * 10 + d;
  }
  if (prefix > 128 || !readIPv6Groups(text, slash)) return undefined;
  const g = V6_GROUPS;
  // The network as four 32-bit words, host bits cleared (int32 bit patterns: only their bits are read).
  let w0 = (g[0] << 16) | g[1];
  let w1 = (g[2] << 16) | g[3];
  let w2 = (g[4] << 16) | g[5];
  let w3 = (g[6] << 16) | g[7];
  if (prefix >= 96 && w0 === 0 && w1 === 0 && w2 === 0xffff) return undefined; // IPv4-mapped: the general parser's error
  const m0 = hostMask32(prefix);
  const m1 = hostMask32(prefix - 32);
  const m2 = hostMask32(prefix - 64);
  const m3 = hostMask32(prefix - 96);
  if (strict && ((w0 & m0) | (w1 & m1) | (w2 & m2) | (w3 & m3)) !== 0) return undefined;
  w0 &= ~m0;
  w1 &= ~m1;
  w2 &= ~m2;
  w3 &= ~m3;
  return construct(6, ipv6OfWords(w0, w1, w2, w3), prefix);
}

/** The host bits of a 32-bit word whose first bit is bit `p` of the prefix: all for p <= 0, none for p >= 32. */
function hostMask32(p: number): number {
  return p <= 0 ? -1 : p >= 32 ? 0 : V4_HOST_MASKS[p];
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

/**
 * @internal The CIDR of a network the caller knows to be valid: family 4 or 6, prefix in range, no host
 * bits (e.g. a block the carver's free list hands out, aligned by construction). No check, so that the
 * carver does not pay {@link Cidr.of}'s checks (a bigint operation each for IPv6) per pool.
 */
export function validCidr(family: IpFamily, network: bigint, prefix: number): Cidr {
  return construct(family, network, prefix);
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
 * CIDRs that contain the current one: O(n log n + k) for k pairs. From {@link RADIX_SORT_MIN} CIDRs on,
 * the order comes from a radix sort of keys copied once into typed arrays, and the sweep reads those
 * keys instead of the CIDR objects: O(n + k) with no bigint arithmetic in the loops.
 */
export function findOverlaps(cidrs: readonly Cidr[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  if (cidrs.length < RADIX_SORT_MIN) {
    const stack: number[] = [];
    for (const i of comparatorOrder(cidrs)) {
      const c = cidrs[i];
      while (stack.length > 0) {
        const top = cidrs[stack[stack.length - 1]];
        if (top.family === c.family && top.last >= c.first) break;
        stack.pop();
      }
      for (const j of stack) pairs.push(i < j ? [i, j] : [j, i]);
      stack.push(i);
    }
  } else {
    const varying = new Int32Array(5);
    const arena = KEY_ARENA.begin(arenaBytes(cidrs.length));
    try {
      for (const keys of familyKeys(cidrs, arena)) sweepKeys(keys, sortKeys(keys, varying, arena), varying, pairs, arena);
    } finally {
      arena.end();
    }
  }
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

/** @internal From this many CIDRs on, {@link findOverlaps} takes the radix-sort path. */
export const RADIX_SORT_MIN = 128;

/**
 * @internal The indices of the CIDRs in (family, network, prefix, index) order, by
 * {@link Cidr.compare}: the order of the small-input path of {@link findOverlaps}, and the reference
 * for {@link radixOrder}.
 */
export function comparatorOrder(cidrs: readonly Cidr[]): number[] {
  return cidrs.map((_, i) => i).sort((a, b) => cidrs[a].compare(cidrs[b]) || a - b);
}

/**
 * @internal The same order as {@link comparatorOrder}, as the radix-sort path of
 * {@link findOverlaps} computes it. For tests.
 */
export function radixOrder(cidrs: readonly Cidr[]): number[] {
  const out: number[] = [];
  const arena = KEY_ARENA.begin(arenaBytes(cidrs.length));
  try {
    for (const keys of familyKeys(cidrs, arena)) for (const k of radixSortKeys(keys)) out.push(keys.indices[k]);
  } finally {
    arena.end();
  }
  return out;
}

/** Where the typed arrays of the radix-sort path come from: fresh ones, or slices of a {@link ScratchArena}. */
/** @internal */
export interface TypedArrays {
  u8(length: number): Uint8Array;
  u32(length: number): Uint32Array;
  u64(length: number): BigUint64Array;
}

/** Fresh typed arrays, for callers that keep what they are given ({@link radixSortKeys}'s order). */
const FRESH: TypedArrays = {
  u8: (length) => new Uint8Array(length),
  u32: (length) => new Uint32Array(length),
  u64: (length) => new BigUint64Array(length),
};

/**
 * @internal The arena of {@link findOverlaps} and {@link radixOrder} (see {@link ScratchArena}): the ~5 MB
 * of keys and sort buffers of 100,000 CIDRs, allocated anew each call, cost ~1,000 page faults (~12 ms on
 * a VM where a fresh page costs ~10 µs, more than the work).
 */
export const KEY_ARENA = new ScratchArena();

/**
 * @internal The most bytes the radix-sort path takes from its arena for n CIDRs (the size its run asks
 * the arena for, so that it takes one buffer), whatever their
 * families: {@link familyKeys} 8n (low words) + 2n (prefixes, families) + 4n + 8 (indices, a slot more
 * per family) + n (keys' prefixes) + at most 16n (keys' networks, all IPv6); {@link sortKeys} per
 * family 12m (positions twice, a digit column) + a count of at most 2^12 words; {@link sweepKeys} per
 * family 5m (stack, its prefixes); plus up to 7 bytes of alignment for each of the 21 slices.
 */
export function arenaBytes(n: number): number {
  return 48 * n + 8 + 2 * 4 * (1 << 12) + 21 * 7;
}

/**
 * The sort keys of the CIDRs of one family: key k is the CIDR at `indices[k]` (ascending), its prefix
 * length `prefixes[k]`, and its network as `width` 32-bit words at `words[k * width]`, the most
 * significant first.
 */
interface FamilyKeys {
  readonly indices: Uint32Array;
  readonly prefixes: Uint8Array;
  readonly words: Uint32Array;
  readonly width: 1 | 4;
}

/** Whether this platform's typed arrays are little-endian (every platform Node.js runs on, in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The keys of the IPv4 CIDRs, then those of the IPv6 CIDRs. Inputs mix the families in any order, so the
 * passes over all CIDRs do not branch on the family (a mispredicted branch per CIDR cost more than the
 * copying): the first reads each CIDR once, keeping its network's low 64 bits by a BigUint64Array store
 * (no bigint arithmetic), its prefix and its family; the second deals the CIDRs' indices out to both
 * families at once, advancing only the one each belongs to; then each family's keys are gathered in its
 * own loop. Only the IPv6 networks' high 64 bits take a bigint operation each. (Dealing every key column
 * to both families in the second pass, seven stores per CIDR, took three times as long as dealing the
 * indices and gathering.)
 */
function familyKeys(cidrs: readonly Cidr[], arrays: TypedArrays): [FamilyKeys, FamilyKeys] {
  const n = cidrs.length;
  const low = arrays.u64(n);
  const lowWords = new Uint32Array(low.buffer, low.byteOffset, 2 * n);
  const prefixes = arrays.u8(n);
  const v6 = arrays.u8(n); // 1 for an IPv6 CIDR: family 6 is 0b110, 4 is 0b100
  const n6 = readCidrs(cidrs, low, prefixes, v6);
  const n4 = n - n6;
  // One slot more than each family needs: every index is written to both, and the slot after the last
  // CIDR of a family takes the other family's writes.
  const indices4 = arrays.u32(n4 + 1);
  const indices6 = arrays.u32(n6 + 1);
  dealIndices(v6, indices4, indices6);
  const keys4: FamilyKeys = { indices: indices4.subarray(0, n4), prefixes: arrays.u8(n4), words: arrays.u32(n4), width: 1 };
  const keys6: FamilyKeys = { indices: indices6.subarray(0, n6), prefixes: arrays.u8(n6), words: arrays.u32(4 * n6), width: 4 };
  gatherIPv4(keys4, prefixes, lowWords);
  gatherIPv6(keys6, prefixes, lowWords, cidrs);
  return [keys4, keys6];
}

/**
 * The first pass of {@link familyKeys}: each CIDR's network's low 64 bits, prefix and family (1 for
 * IPv6); returns the number of IPv6 CIDRs. Its own function, as every hot loop here is: V8 compiles a
 * long-running loop on the spot (on-stack replacement) before the code after it has run, keeps that
 * code between calls, and left it again on every call at the first statement after the loop that
 * had not run, to finish the call in the interpreter.
 */
function readCidrs(cidrs: readonly Cidr[], low: BigUint64Array, prefixes: Uint8Array, v6: Uint8Array): number {
  let n6 = 0;
  for (let i = 0; i < cidrs.length; i++) {
    const c = cidrs[i];
    low[i] = c.network;
    prefixes[i] = c.prefix;
    const is6 = (c.family >> 1) & 1;
    v6[i] = is6;
    n6 += is6;
  }
  return n6;
}

/** The indices of the IPv4 CIDRs into `indices4`, those of the IPv6 CIDRs into `indices6` (`v6[i]`: 1 for IPv6), ascending. */
function dealIndices(v6: Uint8Array, indices4: Uint32Array, indices6: Uint32Array): void {
  for (let i = 0, a = 0, b = 0; i < v6.length; i++) {
    indices4[a] = i;
    indices6[b] = i;
    const is6 = v6[i];
    a += 1 - is6;
    b += is6;
  }
}

/** The IPv4 keys' prefixes and networks, from the prefixes and the networks' low words of all CIDRs. */
function gatherIPv4(keys: FamilyKeys, prefixes: Uint8Array, lowWords: Uint32Array): void {
  const { indices, prefixes: to, words } = keys;
  const lo = LITTLE_ENDIAN ? 0 : 1;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    to[k] = prefixes[i];
    words[k] = lowWords[2 * i + lo];
  }
}

/** The IPv6 keys' prefixes and networks: the low 64 bits as read, the high 64 bits by a shift of each network. */
function gatherIPv6(keys: FamilyKeys, prefixes: Uint8Array, lowWords: Uint32Array, cidrs: readonly Cidr[]): void {
  const { indices, prefixes: to, words } = keys;
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const halves = new BigUint64Array(1);
  const half = new Uint32Array(halves.buffer);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    to[k] = prefixes[i];
    halves[0] = cidrs[i].network >> 64n;
    words[4 * k] = half[hi];
    words[4 * k + 1] = half[lo];
    words[4 * k + 2] = lowWords[2 * i + hi];
    words[4 * k + 3] = lowWords[2 * i + lo];
  }
}

/**
 * The positions 0 .. m-1 of the keys in (network, prefix) order, equal keys in position order: a
 * least-significant-digit radix sort (the prefix, then the network's words from the last), which is
 * stable. Each word is sorted only over the span of bits that differ between keys (a word that is the
 * same in all keys needs no pass), in as few digits of up to {@link digitBits} bits as cover that span:
 * the 50,000 IPv4 networks of the benchmark differ in 23 bits, two passes of 12 bits instead of three
 * of bytes. Internal to the package (not exported by `src/ip`): the carver's IPv4 runs and the ledger's
 * reader sort their IPv4 ranges with it too (`width` 1). Its arrays (the order returned among them) are
 * fresh ones, or taken from `arrays` (a caller's scratch, whose order it must not keep past that scratch's use).
 */
export function radixSortKeys(keys: Pick<FamilyKeys, "prefixes" | "words" | "width">, arrays: TypedArrays = FRESH): Uint32Array {
  return sortKeys(keys, new Int32Array(keys.width + 1), arrays);
}

/**
 * The widest digit of {@link radixSortKeys} for m keys: a pass clears and sums a count per digit value,
 * so wide digits pay only for many keys (from 8 bits for up to 2,047 keys to 12 bits from 16,384 on).
 */
export function digitBits(m: number): number {
  return Math.max(8, Math.min(12, 31 - Math.clz32(m) - 2));
}

/**
 * {@link radixSortKeys}, which also leaves in `varying[step]` the bits that differ between keys of its
 * digit word `step` (0: the prefix; 1 to `width`: the network's words from the last).
 */
function sortKeys(keys: Pick<FamilyKeys, "prefixes" | "words" | "width">, varying: Int32Array, arrays: TypedArrays): Uint32Array {
  const { prefixes, words, width } = keys;
  const m = prefixes.length;
  let src = arrays.u32(m);
  let dst = arrays.u32(m);
  positions(src);
  const widest = digitBits(m);
  const count = arrays.u32(1 << widest);
  if (width === 1) differingBits1(prefixes, words, m, varying);
  else differingBits4(prefixes, words, m, varying);
  // A digit word's values in key order: the prefixes and an IPv6 word are copied out (only when they
  // differ), one IPv4 word per key is the words themselves.
  const scratch = arrays.u32(m);
  // Digit words from the least significant: the prefix, then the network's words from the last.
  for (let step = 0; step <= width; step++) {
    const differ = varying[step];
    if (differ === 0) continue;
    let column: Uint32Array = scratch;
    if (step === 0) copyColumn(prefixes, 1, 0, m, scratch);
    else if (width === 1) column = words;
    else copyColumn(words, width, width - step, m, scratch);
    // The span of differing bits, lowest to highest, cut into equal digits of at most `widest` bits.
    const low = 31 - Math.clz32(differ & -differ);
    const span = 32 - Math.clz32(differ) - low;
    const passes = Math.ceil(span / widest);
    const bits = Math.ceil(span / passes);
    for (let pass = 0; pass < passes; pass++) {
      countingPass(column, m, low + pass * bits, (1 << bits) - 1, count, src, dst);
      const swap = src;
      src = dst;
      dst = swap;
    }
  }
  return src;
}

/** The bits that differ between keys of one network word (width 1): `varying[0]` of the prefixes, `varying[1]` of the words (int32 bit patterns). */
function differingBits1(prefixes: Uint8Array, words: Uint32Array, m: number, varying: Int32Array): void {
  let pa = -1;
  let po = 0;
  let wa = -1;
  let wo = 0;
  for (let k = 0; k < m; k++) {
    const p = prefixes[k];
    const w = words[k];
    pa &= p;
    po |= p;
    wa &= w;
    wo |= w;
  }
  varying[0] = pa ^ po;
  varying[1] = wa ^ wo;
}

/** {@link differingBits1} for four network words per key: `varying[1]` is the last word's, `varying[4]` the first's. */
function differingBits4(prefixes: Uint8Array, words: Uint32Array, m: number, varying: Int32Array): void {
  let pa = -1;
  let po = 0;
  let a0 = -1;
  let o0 = 0;
  let a1 = -1;
  let o1 = 0;
  let a2 = -1;
  let o2 = 0;
  let a3 = -1;
  let o3 = 0;
  for (let k = 0; k < m; k++) {
    const p = prefixes[k];
    pa &= p;
    po |= p;
    const w0 = words[4 * k];
    const w1 = words[4 * k + 1];
    const w2 = words[4 * k + 2];
    const w3 = words[4 * k + 3];
    a0 &= w0;
    o0 |= w0;
    a1 &= w1;
    o1 |= w1;
    a2 &= w2;
    o2 |= w2;
    a3 &= w3;
    o3 |= w3;
  }
  varying[0] = pa ^ po;
  varying[1] = a3 ^ o3;
  varying[2] = a2 ^ o2;
  varying[3] = a1 ^ o1;
  varying[4] = a0 ^ o0;
}

/** `order[k] = k`: the keys in position order, before the first pass. */
function positions(order: Uint32Array): void {
  for (let k = 0; k < order.length; k++) order[k] = k;
}

/** Copies one digit word of each of the m keys into `column`: `from[k * stride + offset]`. */
function copyColumn(from: Uint8Array | Uint32Array, stride: number, offset: number, m: number, column: Uint32Array): void {
  for (let k = 0; k < m; k++) column[k] = from[k * stride + offset];
}

/** One stable counting pass over the m keys on the digit `(column[k] >>> shift) & mask`: the keys in `src`'s order into `dst`. */
function countingPass(column: Uint32Array, m: number, shift: number, mask: number, count: Uint32Array, src: Uint32Array, dst: Uint32Array): void {
  count.fill(0, 0, mask + 1);
  for (let k = 0; k < m; k++) count[(column[k] >>> shift) & mask]++;
  for (let d = 0, sum = 0; d <= mask; d++) {
    const c = count[d];
    count[d] = sum;
    sum += c;
  }
  for (let t = 0; t < m; t++) {
    const k = src[t];
    dst[count[(column[k] >>> shift) & mask]++] = k;
  }
}

/**
 * The sweep of {@link findOverlaps} over one family's keys in sorted order, on positions: the stack
 * holds the CIDRs that contain the current one. Appends every overlapping pair of CIDR indices.
 * `varying` is what {@link sortKeys} left: a network word that is the same in every key is not compared.
 */
function sweepKeys(keys: FamilyKeys, order: Uint32Array, varying: Int32Array, pairs: Array<[number, number]>, arrays: TypedArrays): void {
  const { indices, prefixes, words, width } = keys;
  // Bit w set: network word w (0: the most significant) differs between keys.
  let differing = 0;
  for (let w = 0; w < width; w++) if (varying[width - w] !== 0) differing |= 1 << w;
  const stack = arrays.u32(order.length);
  // The prefix length of each CIDR on the stack, read once when it is pushed.
  const stackPrefixes = arrays.u8(order.length);
  let depth = 0;
  for (let t = 0; t < order.length; t++) {
    const k = order[t];
    // In this order a CIDR overlaps an earlier one exactly when it lies inside it.
    while (depth > 0 && !inside(words, width, differing, k, stack[depth - 1], stackPrefixes[depth - 1])) depth--;
    // Most CIDRs lie in no other: the index is read only for a pair.
    if (depth > 0) {
      const i = indices[k];
      for (let s = 0; s < depth; s++) {
        const j = indices[stack[s]];
        pairs.push(i < j ? [i, j] : [j, i]);
      }
    }
    stackPrefixes[depth] = prefixes[k];
    stack[depth++] = k;
  }
}

/**
 * Whether network `k` lies in the CIDR of network `q` and prefix length `prefix`: their first `prefix`
 * bits agree. Only the words whose bit is set in `differing` are compared (the others agree in every key).
 */
function inside(words: Uint32Array, width: number, differing: number, k: number, q: number, prefix: number): boolean {
  for (let w = 0; w < width && prefix > 0; w++, prefix -= 32) {
    if (((differing >>> w) & 1) === 0) continue;
    const mask = prefix >= 32 ? 0xffffffff : ~(0xffffffff >>> prefix);
    if (((words[k * width + w] ^ words[q * width + w]) & mask) !== 0) return false;
  }
  return true;
}
