/**
 * The per-host first block of a pool. Calico seeds Go's math/rand with the 32-bit FNV-1 hash of the
 * host name and draws the start index from it (`randomBlockGenerator`, reference §5.6). We keep the
 * hash but not the Go generator: the start index is `fnv1_32(host) mod blockCount`, deterministic and
 * different per host, so hosts spread over a pool as they do in Calico, but the exact first block of a
 * host differs from a live cluster.
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
