/**
 * Small bigint helpers for the carver's hot path. They stay private so the public IP arithmetic in
 * `src/ip` keeps one way of doing each thing; these exist only because they are called tens of
 * thousands of times per carve and must not allocate.
 */

const WORD = 32n;
const WORD_MASK = 0xffffffffn;

/** Number of bits needed to write `n` (n >= 0); bitLength(0n) === 0. At most 4 iterations for 128 bits. */
export function bitLength(n: bigint): number {
  let bits = 0;
  while (n > WORD_MASK) {
    n >>= WORD;
    bits += 32;
  }
  return bits + (32 - Math.clz32(Number(n)));
}

/** Number of trailing zero bits of `n` (n > 0); `cap` when n is 0 (the whole space is aligned at 0). */
export function trailingZeros(n: bigint, cap: number): number {
  if (n === 0n) return cap;
  return bitLength(n & -n) - 1;
}

/** ceil(log2(n)) for n >= 1: the host bits of the smallest power of two that holds n. */
export function ceilLog2(n: bigint): number {
  return bitLength(n - 1n);
}
