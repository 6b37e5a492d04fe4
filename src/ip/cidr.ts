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

  private constructor(family: IpFamily, network: bigint, prefix: number) {
    this.family = family;
    this.network = network;
    this.prefix = prefix;
    this.lastAddress = network + (1n << BigInt(FAMILY_BITS[family] - prefix)) - 1n;
    Object.freeze(this);
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
    assertFamily(family);
    assertPrefix(family, prefix);
    if (typeof network !== "bigint" || network < 0n || network > MAX_ADDRESS[family]) {
      throw new RangeError(`${String(network)} is not an IPv${family} address value`);
    }
    const hostMask = (1n << BigInt(FAMILY_BITS[family] - prefix)) - 1n;
    if ((network & hostMask) !== 0n) {
      const masked = new Cidr(family, network & ~hostMask, prefix);
      throw new RangeError(
        `${formatAddress(family, network)}/${prefix} has host bits set; did you mean ${masked.toString()}?`,
      );
    }
    return new Cidr(family, network, prefix);
  }

  /**
   * The CIDR of that prefix length that contains the address (host bits masked off).
   *
   * @throws RangeError if the family, address or prefix is out of range
   */
  static containing(family: IpFamily, address: bigint, prefix: number): Cidr {
    assertFamily(family);
    assertPrefix(family, prefix);
    if (typeof address !== "bigint" || address < 0n || address > MAX_ADDRESS[family]) {
      throw new RangeError(`${String(address)} is not an IPv${family} address value`);
    }
    const hostMask = (1n << BigInt(FAMILY_BITS[family] - prefix)) - 1n;
    return new Cidr(family, address & ~hostMask, prefix);
  }

  /** Address width of the family: 32 or 128. */
  get bits(): 32 | 128 {
    return FAMILY_BITS[this.family];
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
    for (let i = 0, n = this.network; i < out.length; i++, n += step) out[i] = new Cidr(this.family, n, newPrefix);
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
    return new Cidr(this.family, this.network + (index << BigInt(this.bits - newPrefix)), newPrefix);
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
 * CIDRs that contain the current one: O(n log n + k) for k pairs.
 */
export function findOverlaps(cidrs: readonly Cidr[]): Array<[number, number]> {
  const order = cidrs.map((_, i) => i).sort((a, b) => cidrs[a].compare(cidrs[b]) || a - b);
  const pairs: Array<[number, number]> = [];
  const stack: number[] = [];
  for (const i of order) {
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
