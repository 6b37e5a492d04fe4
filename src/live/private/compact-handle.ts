/**
 * Handle IDs of pods kept in 34 bytes instead of 80 where the readers keep them as bytes (the blocks'
 * attribute columns, `columns.ts`; the IPAM handles' columns, `handle-columns.ts`). Calico's CNI plugin
 * names a pod's handle by the CNI network's name (`k8s-pod-network` in Calico's manifests), a dot and the
 * container's ID, 64 lowercase hexadecimal digits (`k8s-pod-network.1d62bacb…d4d9`: `utils.GetHandleID` of
 * `cni-plugin`, `fmt.Sprintf("%s.%s", netName, containerID)`): a dump of 500,000 pods
 * holds each such ID twice (in its block's attributes and as its IPAM handle), 80 MB of text. Kept as
 * `k`, the byte 0x01, and the 32 bytes the digits spell, it is 34 bytes: 46 MB fewer fresh pages for the
 * bench's dump, which cost most of the reading's time on hosts where a page's first touch is slow.
 *
 * Every reader that keeps handle IDs as bytes keeps every ID of that form compact, and no other (text
 * kept by the readers is printable ASCII, which never holds the byte 0x01): an ID's bytes are then
 * equal exactly when the IDs are, so the check compares them as before. The compact form sorts among
 * the others as the text does but against IDs that start with `k` and a character before `8`, or with
 * `k8s-pod-network.` and no compact form (the handles reader's test of kubectl's order, which tells that
 * no name repeats, is then false: a slower read, never a wrong one). The hash of an ID (`handle-ids.ts`)
 * is always of its text.
 */
import { Code, Op, Simd } from "./wasm";
import type { LatinBuffer } from "./latin-buffer";

/** The text before the container ID. */
export const COMPACT_PREFIX = "k8s-pod-network.";
/** The text length of an ID of the compact kind, and the compact form's. */
export const COMPACT_TEXT_BYTES = COMPACT_PREFIX.length + 64;
export const COMPACT_BYTES = 34;
/** The compact form's first two bytes. */
const MARK0 = 0x6b; // k
const MARK1 = 0x01;

const HEX = "0123456789abcdef";
/** A hexadecimal digit's value by character code (lowercase only), -1 for any other byte. */
const DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) DIGIT[HEX.charCodeAt(i)] = i;
const PREFIX_BYTES = Buffer.from(COMPACT_PREFIX, "latin1");

/** Whether the text `bytes[from, to)` is an ID of the compact kind (`k8s-pod-network.` and 64 lowercase hexadecimal digits). */
export function compactable(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from !== COMPACT_TEXT_BYTES) return false;
  for (let i = 0; i < PREFIX_BYTES.length; i++) if (bytes[from + i] !== PREFIX_BYTES[i]) return false;
  for (let i = from + PREFIX_BYTES.length; i < to; i++) if (DIGIT[bytes[i]] < 0) return false;
  return true;
}

/**
 * Writes the compact form of the ID of the compact kind at `bytes[from]` ({@link compactable}) to `out`
 * at `at`. `out` may be `bytes` with `at` ≤ `from` (the form is written over the text as it is read).
 */
export function writeCompact(bytes: Uint8Array, from: number, out: Uint8Array, at: number): void {
  const digits = from + PREFIX_BYTES.length;
  out[at] = MARK0;
  out[at + 1] = MARK1;
  for (let k = 0; k < 32; k++) out[at + 2 + k] = (DIGIT[bytes[digits + 2 * k]] << 4) | DIGIT[bytes[digits + 2 * k + 1]];
}

/**
 * Makes the ID just copied to `bytes[from, to)` compact when it is of the compact kind (in place); where
 * its bytes end then.
 */
export function compactInPlace(bytes: Uint8Array, from: number, to: number): number {
  if (!compactable(bytes, from, to)) return to;
  writeCompact(bytes, from, bytes, from);
  return from + COMPACT_BYTES;
}

/** Whether `bytes[from, to)` holds an ID in the compact form. */
export function isCompact(bytes: Uint8Array, from: number, to: number): boolean {
  return to - from === COMPACT_BYTES && bytes[from] === MARK0 && bytes[from + 1] === MARK1;
}

/** The text of a compact ID is written here, then cut as one string (the prefix is written once). */
const scratch = Buffer.alloc(COMPACT_TEXT_BYTES);
scratch.write(COMPACT_PREFIX, "latin1");
/** The characters of each byte's two digits (high, then low), by byte. */
const HIGH = Uint8Array.from({ length: 256 }, (_, b) => HEX.charCodeAt(b >> 4));
const LOW = Uint8Array.from({ length: 256 }, (_, b) => HEX.charCodeAt(b & 15));

/** The ID whose bytes (compact or text) are `bytes[from, to)`. */
export function handleText(bytes: Buffer, from: number, to: number): string {
  if (!isCompact(bytes, from, to)) return (bytes as LatinBuffer).latin1Slice(from, to);
  for (let k = 0, at = PREFIX_BYTES.length; k < 32; k++, at += 2) {
    const b = bytes[from + 2 + k];
    scratch[at] = HIGH[b];
    scratch[at + 1] = LOW[b];
  }
  return (scratch as LatinBuffer).latin1Slice(0, COMPACT_TEXT_BYTES);
}

/** Whether the ID whose bytes (compact or text) are `bytes[from, to)` is `id`. */
export function handleTextEquals(bytes: Buffer, from: number, to: number, id: string): boolean {
  if (!isCompact(bytes, from, to)) return to - from === id.length && (bytes as LatinBuffer).latin1Slice(from, to) === id;
  if (id.length !== COMPACT_TEXT_BYTES || !id.startsWith(COMPACT_PREFIX)) return false;
  for (let k = 0; k < 32; k++) {
    const b = bytes[from + 2 + k];
    const at = COMPACT_PREFIX.length + 2 * k;
    if (id.charCodeAt(at) !== HIGH[b] || id.charCodeAt(at + 1) !== LOW[b]) return false;
  }
  return true;
}

/** The prefix's two 8-byte words (little-endian), as the WebAssembly code compares them. */
const PREFIX_WORDS = [PREFIX_BYTES.readBigInt64LE(0), PREFIX_BYTES.readBigInt64LE(8)];

/**
 * WebAssembly: pushes whether the text of `len` bytes at the address in local `src` is an ID of the
 * compact kind ({@link compactable}): its length, its prefix (two 8-byte words), and its 64 digits, 16
 * at a time (SIMD).
 */
export function emitCompactable(c: Code, src: number, len: number): void {
  c.get(len).i32(COMPACT_TEXT_BYTES).op(Op.i32Ne);
  c.get(src).load64(0).i64(PREFIX_WORDS[0]).op(Op.i64Ne).op(Op.i32Or);
  c.get(src).load64(8).i64(PREFIX_WORDS[1]).op(Op.i64Ne).op(Op.i32Or);
  c.op(Op.i32Eqz);
  c.ifResult();
  // Each digit is 0–9 (its byte less 0x30 is below 10) or a–f (less 0x61, below 6): all of them.
  for (let k = 0; k < 4; k++) {
    const at = PREFIX_BYTES.length + 16 * k;
    c.get(src).v128Load(at).i32(0x30).simd(Simd.i8x16Splat).simd(Simd.i8x16Sub).i32(10).simd(Simd.i8x16Splat).simd(Simd.i8x16LtU);
    c.get(src).v128Load(at).i32(0x61).simd(Simd.i8x16Splat).simd(Simd.i8x16Sub).i32(6).simd(Simd.i8x16Splat).simd(Simd.i8x16LtU);
    c.simd(Simd.v128Or).simd(Simd.i8x16AllTrue);
    if (k > 0) c.op(Op.i32And);
  }
  c.else().i32(0).end();
}

/**
 * WebAssembly: writes the compact form of the ID of the compact kind whose text is at the address in
 * local `src` to the address in local `dst` plus `offset`: the mark, then each pair of digits as a byte,
 * 16 bytes at a time (the digits' values as 16-bit lanes of two digits, shifted together, narrowed to
 * bytes). `v` is a scratch v128 local.
 */
export function emitWriteCompact(c: Code, dst: number, offset: number, src: number, v: number): void {
  c.get(dst).i32(MARK0 | (MARK1 << 8)).store16(offset);
  for (let half = 0; half < 2; half++) {
    c.get(dst);
    for (let k = 0; k < 2; k++) {
      const at = PREFIX_BYTES.length + 32 * half + 16 * k;
      // The digits' values: the low 4 bits, plus 9 for a letter (a byte above 0x39).
      c.get(src).v128Load(at).i32(0x0f).simd(Simd.i8x16Splat).simd(Simd.v128And);
      c.get(src).v128Load(at).i32(0x39).simd(Simd.i8x16Splat).simd(Simd.i8x16GtU).i32(9).simd(Simd.i8x16Splat).simd(Simd.v128And);
      c.simd(Simd.i8x16Add).tee(v);
      // Each 16-bit lane holds a pair: its first digit in the low byte, the second in the high one.
      c.i32(4).simd(Simd.i16x8Shl).i32(0xf0).simd(Simd.i16x8Splat).simd(Simd.v128And);
      c.get(v).i32(8).simd(Simd.i16x8ShrU).simd(Simd.v128Or);
    }
    c.simd(Simd.i8x16NarrowI16x8U).v128Store(offset + 2 + 16 * half);
  }
}
