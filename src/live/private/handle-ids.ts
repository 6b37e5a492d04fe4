/**
 * Handle IDs numbered by a hash, for the check's join of allocations to IPAM handles (`check.ts`):
 * a dump holds one handle per pod, and a string map of 500,000 IDs of 80 characters costs its hashing
 * and a cache miss per ID. The readers hash an ID's bytes while they are in the cache (the handles
 * worker for the IPAMHandle objects, `template-decode.ts` for the blocks' attributes) and leave the
 * hashes beside the objects, as columns, in this module's tables; the check looks them up and hashes
 * the IDs of anything else itself. A hash only says where to look: every hit is confirmed by comparing
 * the IDs, so a collision costs a comparison, never a wrong answer.
 *
 * The hash is FNV-1a over the ID's UTF-16 code units; over the bytes of text that is printable ASCII
 * without escapes (what the kubectl-layout matcher reads) it is the same number.
 */
import type { LiveAttribute, LiveHandle } from "../model";

/** FNV-1a's offset basis (32 bits, as a signed integer) and prime: {@link handleIdHash} is `h = Math.imul(h ^ unit, FNV_PRIME)` from `FNV_OFFSET`. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 16777619;

/** The hash of a handle ID. */
export function handleIdHash(id: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash of the ID whose text is `bytes[from, to)`: {@link handleIdHash} of it when the text is ASCII without escapes. */
export function handleIdHashOfBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h;
}

/**
 * The hash of the ID whose text starts at `bytes[from]` and ends before the next `"` (text a JSON
 * string without escapes holds), as {@link handleIdHashOfBytes}, the text copied to `out` at `at` on the
 * way (`out` has room for it); {@link quoteAt} is then that quote's position.
 */
export function handleIdHashCopyToQuote(bytes: Uint8Array, from: number, out: Uint8Array, at: number): number {
  let h = FNV_OFFSET;
  let i = from;
  let j = at;
  for (let c = bytes[i]; c !== 0x22; c = bytes[++i]) {
    h = Math.imul(h ^ c, FNV_PRIME);
    out[j++] = c;
  }
  quote = i;
  return h;
}
let quote = 0;
/** Where the text read last by {@link handleIdHashCopyToQuote} ends (its closing quote). */
export function quoteAt(): number {
  return quote;
}

/** The hashes of a block's attributes' handles, by the block's attributes array (index for index). */
const attributeHashes = new WeakMap<readonly LiveAttribute[], Int32Array>();
/** The hashes of a dump's IPAM handles' IDs, by the dump's handles array (index for index). */
const handleHashes = new WeakMap<readonly LiveHandle[], Int32Array>();

/** Records the hashes of a block's attributes' handles (`hashes[i]` of `attributes[i].handle`; any value for a null handle). */
export function setAttributeHashes(attributes: readonly LiveAttribute[], hashes: Int32Array): void {
  if (hashes.length === attributes.length) attributeHashes.set(attributes, hashes);
}

/** Records the hashes of a dump's handles' IDs (`hashes[j]` of `handles[j].handleId`). */
export function setHandleHashes(handles: readonly LiveHandle[], hashes: Int32Array): void {
  if (hashes.length === handles.length) handleHashes.set(handles, hashes);
}

/** The hashes of a block's attributes' handles, as recorded; undefined when the reader left none. */
export function attributeHashesOf(attributes: readonly LiveAttribute[]): Int32Array | undefined {
  const h = attributeHashes.get(attributes);
  return h !== undefined && h.length === attributes.length ? h : undefined;
}

/** The hashes of the handles' IDs: as recorded by the reader, else computed. */
export function handleHashesOf(handles: readonly LiveHandle[]): Int32Array {
  const h = handleHashes.get(handles);
  if (h !== undefined && h.length === handles.length) return h;
  const out = new Int32Array(handles.length);
  for (let j = 0; j < handles.length; j++) out[j] = handleIdHash(handles[j].handleId);
  return out;
}
