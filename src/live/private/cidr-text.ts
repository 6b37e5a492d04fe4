/**
 * The text of the CIDRs a dump's blocks and affinities were read from, kept when it is the CIDR's own
 * (canonical) text. A dump of 10,000 blocks holds as many affinities; the reader checks each one's name
 * against the name Calico gives its CIDR (`blockName`: the CIDR's text with `.`, `:` and `/` as `-`),
 * and the check keys blocks and affinities by their CIDR's text. Formatting each CIDR again for that
 * (`Cidr.toString`), 40,000 times a read, and replacing its characters with a regular expression cost
 * the main thread about as much as reading the affinities did; the text read from the file is that
 * very text when it is canonical, which {@link isCanonicalIPv4Text} tells without making a string.
 */
import type { Cidr } from "../../ip";

/** The canonical texts the reader read CIDRs from, by CIDR object ({@link noteCidrText}). */
const canonicalTexts = new WeakMap<Cidr, string>();

/**
 * @internal Whether `text` is exactly `cidr.toString()` for an IPv4 CIDR: four decimal octets without
 * leading zeros, `/` and the prefix length, each equal to the CIDR's. False for an IPv6 CIDR (its
 * canonical text has more rules: the caller formats it).
 */
export function isCanonicalIPv4Text(text: string, cidr: Cidr): boolean {
  if (cidr.family !== 4) return false;
  const network = Number(cidr.network);
  let p = 0;
  for (let part = 0; part < 5; part++) {
    const start = p;
    let value = 0;
    for (; p < text.length && p - start < 3; p++) {
      const c = text.charCodeAt(p);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    const digits = p - start;
    if (digits === 0 || (digits > 1 && text.charCodeAt(start) === 48)) return false;
    if (value !== (part < 4 ? (network >>> (24 - 8 * part)) & 255 : cidr.prefix)) return false;
    if (part < 4) {
      if (text.charCodeAt(p) !== (part < 3 ? 46 : 47)) return false;
      p++;
    }
  }
  return p === text.length;
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
