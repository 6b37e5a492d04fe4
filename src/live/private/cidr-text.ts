/**
 * The text of the CIDRs a dump's blocks and affinities were read from, kept when it is the CIDR's own
 * (canonical) text. A dump of 10,000 blocks holds as many affinities; the reader checks each one's name
 * against the name Calico gives its CIDR (`blockName`: the CIDR's text with `.`, `:` and `/` as `-`),
 * and the check keys blocks and affinities by their CIDR's text. Formatting each CIDR again for that
 * (`Cidr.toString`), 40,000 times a read, and replacing its characters with a regular expression cost
 * the main thread about as much as reading the affinities did; the text read from the file is that
 * very text when it is canonical, which {@link isCanonicalIPv4Text} tells without making a string.
 * Also the check's reading of the IPv4 addresses nodes and pods use ({@link ipv4Number}).
 */
import type { Cidr } from "../../ip";
import { parseIPv4CidrFast } from "../../ip/cidr";

/** The canonical texts the reader read CIDRs from, by CIDR object ({@link noteCidrText}). */
const canonicalTexts = new WeakMap<Cidr, string>();

/**
 * @internal Whether `text` is exactly `cidr.toString()` for an IPv4 CIDR: four decimal octets without
 * leading zeros, `/` and the prefix length, each equal to the CIDR's. False for an IPv6 CIDR (its
 * canonical text has more rules: the caller formats it).
 */
export function isCanonicalIPv4Text(text: string, cidr: Cidr): boolean {
  if (cidr.family !== 4) return false;
  const slash = text.indexOf("/");
  if (slash < 0 || ipv4Value(text, slash) !== Number(cidr.network)) return false;
  // The prefix length: one or two digits, no leading zero.
  const digits = text.length - slash - 1;
  if (digits < 1 || digits > 2 || (digits === 2 && text.charCodeAt(slash + 1) === 48)) return false;
  let prefix = 0;
  for (let k = slash + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
    prefix = prefix * 10 + (c - 48);
  }
  return prefix === cidr.prefix;
}

/**
 * @internal Records that `cidr` was read from `text` when `text` is its canonical text (see
 * {@link isCanonicalIPv4Text}); whether it is.
 */
export function noteCidrText(cidr: Cidr, text: string): boolean {
  if (!isCanonicalIPv4Text(text, cidr)) return false;
  canonicalTexts.set(cidr, text);
  return true;
}

/**
 * @internal The CIDR of `text` when `text` is an IPv4 CIDR's canonical text, its text recorded as
 * {@link noteCidrText} records it; undefined for any other text (the caller parses it the general way).
 * `parseIPv4CidrFast`, strict, takes exactly those texts (octets and prefix without leading zeros, no host
 * bits): a block's or an affinity's CIDR read in one pass, without `Cidr.tryParse`'s result object and the
 * canonical-text test after it (and without those functions compiled for a dump's 20,000 CIDRs).
 */
export function canonicalIPv4Cidr(text: string): Cidr | undefined {
  const cidr = parseIPv4CidrFast(text, true);
  if (cidr !== undefined) canonicalTexts.set(cidr, text);
  return cidr;
}

/** @internal `cidr.toString()`: the text the reader read it from when {@link noteCidrText} recorded it. */
export function cidrTextOf(cidr: Cidr): string {
  return canonicalTexts.get(cidr) ?? cidr.toString();
}

/**
 * @internal Whether `name`, from `from` on, is the block name of the CIDR whose canonical text is `text`
 * (`blockName`: `.`, `:` and `/` as `-`), compared in place.
 */
export function namesCidr(name: string, from: number, text: string): boolean {
  if (name.length - from !== text.length) return false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    const n = name.charCodeAt(from + k);
    if (c === 46 || c === 58 || c === 47 ? n !== 45 : n !== c) return false;
  }
  return true;
}

/**
 * @internal The value of an IPv4 address written as `parseAddress` takes it (four decimal octets of 0 to
 * 255 without leading zeros, separated by dots, nothing else), read in place; -1 for any other text (the
 * caller then asks `parseAddress`, which also explains what is wrong). The check looks up the addresses
 * nodes and pods use (a node's tunnel address each: 5,000 in the bench dump); `parseAddress` splits the
 * text and tests each part with a regular expression, a few µs an address before it is optimized.
 */
function ipv4Number(text: string): number {
  return ipv4Value(text, text.length);
}

/** The value of the IPv4 address `text[0, end)` when written as {@link ipv4Number} reads it; -1 otherwise. */
function ipv4Value(text: string, end: number): number {
  let value = 0;
  let p = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (p >= end || text.charCodeAt(p) !== 46) return -1;
      p++;
    }
    const start = p;
    let octet = 0;
    for (; p < end && p - start < 3; p++) {
      const c = text.charCodeAt(p);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
    }
    const digits = p - start;
    if (digits === 0 || octet > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
  }
  return p === end ? value : -1;
}

/**
 * @internal The address readers the check calls ({@link ipv4Number}), as an object's methods so a test can
 * tell that the in-place path is taken.
 */
export const addressTexts = { ipv4Number };
