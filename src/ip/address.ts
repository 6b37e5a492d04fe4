/**
 * IP addresses as plain `bigint` values, with strict parsing and canonical printing.
 *
 * Parsing is by hand rather than through ip-num: it is simpler, three orders of magnitude faster,
 * and lets every rejection say exactly what is wrong with the text a user wrote.
 */

/** The IP family: 4 for IPv4, 6 for IPv6. */
export type IpFamily = 4 | 6;

/** Address width in bits for each family. */
export const FAMILY_BITS: { readonly 4: 32; readonly 6: 128 } = Object.freeze({ 4: 32, 6: 128 } as const);

/** Stable codes of {@link IpParseError}; a code never changes meaning. */
export type IpParseErrorCode =
  | "IP_SYNTAX"
  | "CIDR_SYNTAX"
  | "CIDR_PREFIX_RANGE"
  | "CIDR_HOST_BITS"
  | "IPV6_ZONED"
  | "IPV6_V4_MAPPED";

/**
 * An address or CIDR the user wrote could not be accepted. The message is written for the user and
 * says how to fix the value; `code` is stable for programs, `input` is the text exactly as given.
 */
export class IpParseError extends Error {
  /** Stable machine-readable reason. */
  readonly code: IpParseErrorCode;
  /** The rejected text, exactly as given. */
  readonly input: string;
  /**
   * The value the user probably meant, when there is one: the masked CIDR for `CIDR_HOST_BITS`
   * (e.g. `"10.0.0.0/24"`), the IPv4 CIDR for `IPV6_V4_MAPPED`, the trimmed CIDR when the only
   * problem was surrounding spaces.
   */
  readonly suggestion?: string;

  /** @param message user-facing text that says how to fix the value */
  constructor(code: IpParseErrorCode, input: string, message: string, suggestion?: string) {
    super(message);
    this.name = "IpParseError";
    this.code = code;
    this.input = input;
    if (suggestion !== undefined) this.suggestion = suggestion;
  }
}

/** @internal largest address of a family: 2^bits - 1 */
export const MAX_ADDRESS: { readonly 4: bigint; readonly 6: bigint } = Object.freeze({
  4: (1n << 32n) - 1n,
  6: (1n << 128n) - 1n,
});

/** @internal the IPv4-mapped IPv6 space ::ffff:0:0/96, as value >> 32 */
export const V4_MAPPED_HIGH = 0xffffn;

/** @internal throws a RangeError unless `family` is 4 or 6. */
export function assertFamily(family: unknown): asserts family is IpFamily {
  if (family !== 4 && family !== 6) throw new RangeError(`IP family must be 4 or 6, got ${String(family)}`);
}

/** @internal number of bits needed to write `n` (n >= 0); bitLength(0n) === 0. */
export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** @internal result of parsing address text without throwing. */
export type AddressParse =
  | { readonly ok: true; readonly family: IpFamily; readonly value: bigint }
  | { readonly ok: false; readonly zoned: boolean; readonly reason: string };

const fail = (reason: string): AddressParse => ({ ok: false, zoned: false, reason });

/**
 * @internal Parses address text (no surrounding spaces, no prefix) and explains a failure in a
 * phrase that fits after "is not a valid IP address: ".
 */
export function parseAddressText(text: string): AddressParse {
  if (text === "") return fail("it is empty");
  if (text.includes(":")) {
    if (text.includes("%")) return { ok: false, zoned: true, reason: "it has a zone" };
    return parseIPv6(text);
  }
  if (text.includes(".")) return parseIPv4(text);
  return fail('expected an IPv4 address such as "10.0.0.1" or an IPv6 address such as "fd00::1"');
}

function parseIPv4(text: string): AddressParse {
  const parts = text.split(".");
  if (parts.length !== 4) return fail("an IPv4 address is four decimal numbers separated by dots");
  let value = 0;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) {
      return fail(part === "" ? "an IPv4 address is four decimal numbers separated by dots" : `"${part}" is not a decimal number from 0 to 255`);
    }
    const octet = Number(part);
    if (octet > 255) return fail(`octet ${part} is out of range 0-255`);
    if (part.length > 1 && part[0] === "0") {
      return fail(`octet "${part}" has a leading zero, which some tools read as octal; write "${octet}"`);
    }
    value = value * 256 + octet;
  }
  return { ok: true, family: 4, value: BigInt(value) };
}

function parseIPv6(text: string): AddressParse {
  const halves = text.split("::");
  if (halves.length > 2) return fail('"::" may appear only once in an IPv6 address');
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
  const groups: number[] = [];
  const pushGroups = (parts: string[], mayEndWithV4: boolean): string | undefined => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part.includes(".")) {
        if (!mayEndWithV4 || i !== parts.length - 1) return "an embedded IPv4 address may only be the last part";
        const v4 = parseIPv4(part);
        if (!v4.ok) return `embedded IPv4 address "${part}": ${v4.reason}`;
        const n = Number(v4.value);
        groups.push(Math.floor(n / 65536), n % 65536);
      } else if (part === "") {
        return "a group is empty (a single \":\" at the start or end, or \":::\")";
      } else if (!/^[0-9a-fA-F]{1,4}$/.test(part)) {
        return `group "${part}" is not 1 to 4 hexadecimal digits`;
      } else {
        groups.push(parseInt(part, 16));
      }
    }
    return undefined;
  };
  const headError = pushGroups(head, halves.length === 1);
  if (headError !== undefined) return fail(headError);
  const headCount = groups.length;
  const tailError = pushGroups(tail, true);
  if (tailError !== undefined) return fail(tailError);
  if (halves.length === 1) {
    if (groups.length !== 8) return fail(`an IPv6 address has 8 groups, this one has ${groups.length}; use "::" for a run of zero groups`);
  } else {
    if (groups.length > 7) return fail('"::" must stand for at least one zero group, but 8 groups are already written');
    groups.splice(headCount, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return { ok: true, family: 6, value };
}

/**
 * Parses an IPv4 address (dotted quad, no leading zeros) or an IPv6 address in any RFC 4291 text form
 * (`::` compression, embedded IPv4 such as `::ffff:1.2.3.4`, leading zeros in groups, upper case).
 *
 * @throws IpParseError `IP_SYNTAX` for malformed text or surrounding spaces, `IPV6_ZONED` for `fe80::1%eth0`
 */
export function parseAddress(text: string): { family: IpFamily; value: bigint } {
  if (typeof text !== "string") {
    throw new IpParseError("IP_SYNTAX", String(text), `${String(text)} is not an IP address: expected a string such as "10.0.0.1"`);
  }
  if (text.trim() !== text) {
    throw new IpParseError("IP_SYNTAX", text, `"${text}" has leading or trailing spaces; write "${text.trim()}"`);
  }
  const r = parseAddressText(text);
  if (r.ok) return { family: r.family, value: r.value };
  if (r.zoned) throw zonedError(text);
  throw new IpParseError("IP_SYNTAX", text, `"${text}" is not a valid IP address: ${r.reason}`);
}

/** @internal */
export function zonedError(input: string): IpParseError {
  return new IpParseError("IPV6_ZONED", input, `"${input}" is a zoned IPv6 address; zones are not allowed in IP pools`);
}

function formatIPv4(value: bigint): string {
  return textOfCodes(putIPv4(Number(value), 0));
}

// Address and CIDR texts are written as character codes into CODES, then made into one string by
// String.fromCharCode: one flat string per text, where a template literal makes a string per
// concatenation step and, from 13 characters on, a two-part (cons) string that holds its parts.
// Every caller is synchronous, so one module-level scratch array is safe.
const CODES: number[] = new Array<number>(48).fill(0);
/** EXACT[k]: a scratch array of length k, spread into String.fromCharCode for a length the switch below does not list. */
const EXACT: number[][] = [];
const fromCharCode = String.fromCharCode;

/** The string of the first `k` codes of CODES. */
function textOfCodes(k: number): string {
  const c = CODES;
  // A call with a fixed number of arguments for each length from 7 to 43 characters (every IPv4 text,
  // every IPv6 text but the shortest such as "::1"): about twice as fast as a spread of an array.
  switch (k) {
    case 7: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
    case 8: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    case 9: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
    case 10: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
    case 11: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]);
    case 12: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]);
    case 13: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12]);
    case 14: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13]);
    case 15: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14]);
    case 16: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]);
    case 17: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16]);
    case 18: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17]);
    case 19: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18]);
    case 20: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19]);
    case 21: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20]);
    case 22: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21]);
    case 23: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22]);
    case 24: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23]);
    case 25: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24]);
    case 26: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25]);
    case 27: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26]);
    case 28: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27]);
    case 29: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28]);
    case 30: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29]);
    case 31: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30]);
    case 32: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31]);
    case 33: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32]);
    case 34: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33]);
    case 35: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34]);
    case 36: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35]);
    case 37: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36]);
    case 38: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37]);
    case 39: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38]);
    case 40: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39]);
    case 41: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39], c[40]);
    case 42: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39], c[40], c[41]);
    case 43: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39], c[40], c[41], c[42]);
    default: {
      const exact = (EXACT[k] ??= new Array<number>(k).fill(0));
      for (let j = 0; j < k; j++) exact[j] = c[j];
      return fromCharCode(...exact);
    }
  }
}

/** Writes the decimal digits of 0 <= v <= 999 at CODES[k]; returns the position after them. */
function putDecimal(v: number, k: number): number {
  const c = CODES;
  if (v >= 100) {
    c[k++] = 48 + ((v / 100) | 0);
    c[k++] = 48 + (((v / 10) | 0) % 10);
  } else if (v >= 10) {
    c[k++] = 48 + ((v / 10) | 0);
  }
  c[k++] = 48 + (v % 10);
  return k;
}

/** Writes the dotted decimal text of the IPv4 address n (0 <= n < 2^32) at CODES[k]; returns the position after it. */
function putIPv4(n: number, k: number): number {
  k = putDecimal(n >>> 24, k);
  CODES[k++] = 46; // .
  k = putDecimal((n >>> 16) & 255, k);
  CODES[k++] = 46;
  k = putDecimal((n >>> 8) & 255, k);
  CODES[k++] = 46;
  return putDecimal(n & 255, k);
}

/** Writes the lower-case hex digits of 0 <= g <= 0xffff (no leading zeros) at CODES[k]; returns the position after them. */
function putHexGroup(g: number, k: number): number {
  const c = CODES;
  if (g >= 0x1000) c[k++] = hexDigit(g >>> 12);
  if (g >= 0x100) c[k++] = hexDigit((g >>> 8) & 15);
  if (g >= 0x10) c[k++] = hexDigit((g >>> 4) & 15);
  c[k++] = hexDigit(g & 15);
  return k;
}

/** The character code of the lower-case hex digit d (0 <= d <= 15). */
function hexDigit(d: number): number {
  return d < 10 ? 48 + d : 87 + d;
}

/**
 * @internal The canonical text of a CIDR, `formatAddress(family, network)/prefix`, for a network already
 * known valid (no checks): {@link Cidr.toString}'s text as one flat string.
 */
export function cidrText(family: IpFamily, network: bigint, prefix: number): string {
  let k = family === 4 ? putIPv4(Number(network), 0) : putIPv6(network);
  CODES[k++] = 47; // /
  k = putDecimal(prefix, k);
  return textOfCodes(k);
}

/**
 * Prints an address canonically: IPv4 dotted decimal; IPv6 per RFC 5952 (lower case, no leading zeros,
 * the longest run of two or more zero groups compressed to `::`, the leftmost on ties), with
 * IPv4-mapped addresses in the dotted tail form `::ffff:192.0.2.1` (RFC 5952 §5).
 *
 * @throws RangeError if the family is unknown or the value is outside the family's address space
 */
export function formatAddress(family: IpFamily, value: bigint): string {
  assertFamily(family);
  if (typeof value !== "bigint" || value < 0n || value > MAX_ADDRESS[family]) {
    throw new RangeError(`${String(value)} is not an IPv${family} address value`);
  }
  if (family === 4) return formatIPv4(value);
  return formatIPv6(value);
}

// An IPv6 value is cut into 32-bit words by two BigUint64Array stores (each keeps the low 64 bits of
// the value): one bigint operation per address, where a shift per 16-bit group costs eight.
// The words are read as int32 (their 32 bits; putIPv6Words only masks and shifts them), which V8 passes
// as small integers where a uint32 above 2^31 would be a heap number.
const HALVES = new BigUint64Array(2);
const HALF_WORDS = new Int32Array(HALVES.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const [LOW_WORD, HIGH_WORD] = LITTLE_ENDIAN ? [0, 1] : [1, 0];

/** RFC 5952 text of an IPv6 value (0 <= value < 2^128), as {@link formatAddress} describes it. */
function formatIPv6(value: bigint): string {
  return textOfCodes(putIPv6(value));
}

/** The eight 16-bit groups of the IPv6 value last cut by {@link putIPv6}. */
const GROUPS = new Uint16Array(8);

/** Writes the RFC 5952 text of an IPv6 value at CODES[0]; returns its length. */
function putIPv6(value: bigint): number {
  HALVES[0] = value >> 64n;
  HALVES[1] = value;
  return putIPv6Words(HALF_WORDS[HIGH_WORD], HALF_WORDS[LOW_WORD], HALF_WORDS[2 + HIGH_WORD], HALF_WORDS[2 + LOW_WORD]);
}

/**
 * @internal The address value (0 <= value < 2^128; an IPv4 one gives words 0 to 2 zero) as four 32-bit
 * words (int32 bit patterns), the most significant first, into `out[at]` to `out[at + 3]`: the words
 * {@link ipv6CidrTextOfWords} writes the text of.
 */
export function ipv6WordsInto(value: bigint, out: Int32Array, at: number): void {
  HALVES[0] = value >> 64n;
  HALVES[1] = value;
  out[at] = HALF_WORDS[HIGH_WORD];
  out[at + 1] = HALF_WORDS[LOW_WORD];
  out[at + 2] = HALF_WORDS[2 + HIGH_WORD];
  out[at + 3] = HALF_WORDS[2 + LOW_WORD];
}

/**
 * @internal The address value whose four 32-bit words (int32 bit patterns or unsigned, the most
 * significant first) are given: the inverse of {@link ipv6WordsInto}, two bigint operations.
 */
export function ipv6OfWords(w0: number, w1: number, w2: number, w3: number): bigint {
  HALF_WORDS[HIGH_WORD] = w0;
  HALF_WORDS[LOW_WORD] = w1;
  HALF_WORDS[2 + HIGH_WORD] = w2;
  HALF_WORDS[2 + LOW_WORD] = w3;
  return (HALVES[0] << 64n) | HALVES[1];
}

/**
 * @internal The canonical text of the IPv6 CIDR whose network is given as its four 32-bit words, the
 * most significant first, and whose prefix is `prefix`: the text of {@link cidrText}, without a bigint.
 * A word may be given as a signed or an unsigned 32-bit integer: only its 32 bits are read. For the
 * carver, which knows its networks' words.
 */
export function ipv6CidrTextOfWords(w0: number, w1: number, w2: number, w3: number, prefix: number): string {
  let k = putIPv6Words(w0, w1, w2, w3);
  CODES[k++] = 47; // /
  k = putDecimal(prefix, k);
  return textOfCodes(k);
}

/** Writes the RFC 5952 text of the IPv6 address of the four 32-bit words (the most significant first; signed or not) at CODES[0]; returns its length. */
function putIPv6Words(w0: number, w1: number, w2: number, w3: number): number {
  if (w0 === 0 && w1 === 0 && w2 === 0xffff /* V4_MAPPED_HIGH */) {
    // ::ffff:a.b.c.d
    const c = CODES;
    c[0] = 58;
    c[1] = 58;
    c[2] = 102;
    c[3] = 102;
    c[4] = 102;
    c[5] = 102;
    c[6] = 58;
    return putIPv4(w3, 7);
  }
  const groups = GROUPS;
  groups[0] = w0 >>> 16;
  groups[1] = w0 & 0xffff;
  groups[2] = w1 >>> 16;
  groups[3] = w1 & 0xffff;
  groups[4] = w2 >>> 16;
  groups[5] = w2 & 0xffff;
  groups[6] = w3 >>> 16;
  groups[7] = w3 & 0xffff;
  // The longest run of zero groups (length >= 2, leftmost on ties), from the table of the zero groups' mask.
  const zeros =
    (groups[0] === 0 ? 128 : 0) |
    (groups[1] === 0 ? 64 : 0) |
    (groups[2] === 0 ? 32 : 0) |
    (groups[3] === 0 ? 16 : 0) |
    (groups[4] === 0 ? 8 : 0) |
    (groups[5] === 0 ? 4 : 0) |
    (groups[6] === 0 ? 2 : 0) |
    (groups[7] === 0 ? 1 : 0);
  const runStart = ZERO_RUN_START[zeros];
  const runEnd = runStart + ZERO_RUN_LENGTH[zeros];
  // The groups joined by ":", the run (if any) written "::".
  let k = 0;
  for (let i = 0; i < runStart; i++) {
    if (i > 0) CODES[k++] = 58;
    k = putHexGroup(groups[i], k);
  }
  if (runStart < 8) {
    CODES[k++] = 58;
    CODES[k++] = 58;
  }
  for (let i = runEnd; i < 8; i++) {
    if (i > runEnd) CODES[k++] = 58;
    k = putHexGroup(groups[i], k);
  }
  return k;
}

/**
 * For each set of zero groups of an IPv6 address, as a mask (bit 7 for the first group, bit 0 for the
 * last): where its longest run of zero groups starts and how long it is, the leftmost of the longest on
 * ties, for runs of two or more (RFC 5952 §4.2); start 8 and length 0 when there is no such run.
 */
const ZERO_RUN_START = new Uint8Array(256);
const ZERO_RUN_LENGTH = new Uint8Array(256);
// Group i is zero when bit 7 - i of the mask is set. (Written without a closure per mask: made in a loop
// that runs once, 256 closures and their calls took ~3 ms of every CLI start, against ~0.1 ms.)
for (let mask = 0; mask < 256; mask++) {
  let bestStart = 8;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (((mask >> (7 - i)) & 1) === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && ((mask >> (7 - j)) & 1) === 1) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  ZERO_RUN_START[mask] = bestStart;
  ZERO_RUN_LENGTH[mask] = bestStart === 8 ? 0 : bestLength;
}
