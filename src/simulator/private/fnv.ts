/**
 * The 32-bit FNV-1 hash of host names, which Calico uses to seed Go's math/rand for a host's walk over
 * a pool (`determineSeed`, see ../random-block.ts, reference §5.6).
 *
 * `startIndex` is the simulator's older stand-in, `fnv1_32(host) mod blockCount`: deterministic and
 * different per host, but not the block a live cluster picks. `randomBlockStartIndex` in
 * ../random-block.ts is Calico's exact start index and replaces it.
 */

const encoder = new TextEncoder();

/** FNV-1 (multiply, then xor; not FNV-1a) 32-bit hash of the UTF-8 bytes of the text, as Go's `hash/fnv.New32`. */
export function fnv1_32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

/** The index of the first block a host tries in a pool of `blockCount` blocks. */
export function startIndex(hostHash: number, blockCount: bigint): bigint {
  return blockCount === 0n ? 0n : BigInt(hostHash) % blockCount;
}
