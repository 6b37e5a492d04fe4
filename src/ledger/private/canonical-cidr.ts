/**
 * CIDR text in the canonical form every checked ledger holds (as `Cidr.toString` writes it), read
 * without the general parser: checked where the text is untrusted (the canonical reader), trusted
 * where the ledger is already known valid (the CIDRs of a checked ledger's entries, made when used).
 */
import { Cidr } from "../../ip";
import { validCidr } from "../../ip/cidr";

/** V4_SIZES[p] = 2^(32 - p), the size of an IPv4 /p. */
export const V4_SIZES: readonly number[] = Array.from({ length: 33 }, (_, p) => 2 ** (32 - p));
/** The host bits of an IPv4 /p as an int32 bit pattern, for `&` on an address below 2^32. */
export const V4_HOST_MASKS: readonly number[] = V4_SIZES.map((size) => (size - 1) | 0);

/**
 * The IPv4 CIDR written in `text` from `start` to `end` in canonical form (four decimal octets without
 * leading zeros, a prefix length without one, no host bit), as one number: network × 64 + prefix
 * (exact as a double); -1 for any other text. Reads the characters in place: no string is made.
 */
export function canonicalIPv4Key(text: string, start: number, end: number): number {
  let value = 0;
  let i = start;
  for (let part = 0; part < 5; part++) {
    const first = i;
    let n = 0;
    for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    const digits = i - first;
    if (digits === 0 || digits > 3 || (digits > 1 && text.charCodeAt(first) === 48)) return -1;
    if (part === 4) {
      // The prefix length, the end of the text.
      if (i !== end || n > 32 || (value & V4_HOST_MASKS[n]) !== 0) return -1;
      return value * 64 + n;
    }
    // "." between octets, "/" after the last
    if (n > 255 || i >= end || text.charCodeAt(i) !== (part < 3 ? 46 : 47)) return -1;
    i++;
    value = value * 256 + n;
  }
  return -1;
}

/**
 * The prefix length of a key of {@link canonicalIPv4Key}. Not `key % 64`: on a double above 2^31 that
 * is a call to fmod (~11 ns); the division by 64 is exact, and the floor one instruction.
 */
export function keyPrefix(key: number): number {
  return key - Math.floor(key / 64) * 64;
}

/** The CIDR of a key of {@link canonicalIPv4Key} (valid by construction: no check). */
export function ipv4OfKey(key: number): Cidr {
  const prefix = keyPrefix(key);
  return validCidr(4, BigInt((key - prefix) / 64), prefix);
}

/** The CIDR of an IPv6 text in canonical form (as `Cidr.toString` writes it), or `undefined`. */
export function canonicalIPv6(text: string): Cidr | undefined {
  const parsed = Cidr.tryParse(text);
  return parsed.ok && parsed.cidr.family === 6 && parsed.cidr.toString() === text ? parsed.cidr : undefined;
}

/**
 * The CIDR of a canonical CIDR text of a checked ledger (its entries' `cidr`): IPv4 read by
 * {@link canonicalIPv4Key}, anything else by `Cidr.parse`.
 */
export function checkedCidr(text: string): Cidr {
  const key = canonicalIPv4Key(text, 0, text.length);
  return key >= 0 ? ipv4OfKey(key) : Cidr.parse(text);
}
