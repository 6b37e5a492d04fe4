/**
 * The 32-bit FNV-1 hash of host names, which Calico uses to seed Go's math/rand for a host's walk over
 * a pool (`determineSeed`, see ../random-block.ts, reference §5.6).

 */

const encoder = new TextEncoder();

/** FNV-1 (multiply, then xor; not FNV-1a) 32-bit hash of the UTF-8 bytes of the text, as Go's `hash/fnv.New32`. */
export function fnv1_32(text: string): number {
  let hash = 0x811c9dc5;
  // Host names are ASCII, one UTF-8 byte per character: no encoding (and no array) needed.
  for (let k = 0; k < text.length; k++) {
    const byte = text.charCodeAt(k);
    if (byte > 0x7f) return fnv1_32Utf8(text);
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

function fnv1_32Utf8(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}
