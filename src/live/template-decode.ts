/**
 * The fastest path of `fast-decode.ts`: `IPAMHandle` and `IPAMBlock` items of a `kubectl get … -o json`
 * List matched whole against kubectl's fixed layout (4-space indent, keys in sorted order, one member per
 * line) by regular expressions, which the runtime compiles to machine code: the constant text of an item
 * (indentation, keys, punctuation) and the character class of every string are checked there, and only
 * the values kept are read in JavaScript. A batch of items is turned into one string (latin1: a byte
 * per character), and the items are matched in it one after the other. (A byte past ASCII is never
 * matched: every character a pattern takes, of a value or of the constant text, is ASCII.) A
 * `BlockAffinity` of the small files is matched the same way on its own text ({@link templateAffinity}).
 *
 * What the patterns accept is a strict part of what the byte decoder (`fast-decode.ts`) accepts: strings
 * without escapes, control characters or non-ASCII bytes (`PLAIN`), plain integers, the fields the CRD
 * schema declares in kubectl's order, metadata of one line per member. Anything else (another layout, an
 * escape, a nested metadata field, a handle in several blocks, an attribute with other keys, an
 * unexpected number) is not matched and goes to the byte decoder, which leaves what it does not take to
 * the JSON parser and the CRD schema check. The property test `test/live/template-decode.property.test.ts`
 * checks that the three give the same dump, for kubectl's text and for mutations of it.
 *
 * The strings kept (names, handles, pods, times) are copied out of the file's bytes, never cut from the
 * batch's string: a cut string would keep the whole batch alive.
 *
 * In the blocks worker the file's bytes are in the memory of a WebAssembly matcher that takes exactly
 * what the patterns take (`private/attribute-wasm.ts`): a block there is read by it (`blockInMemory`),
 * only its metadata by a pattern on a string of its first bytes; what it leaves goes to the patterns,
 * which decide. `test/live/attribute-wasm.property.test.ts` compares the two on generated and changed
 * blocks.
 */
import { fullFormats } from "ajv-formats/dist/formats";
import { API_CRD_V1 } from "../model/calico";
import { fastBlock } from "./private/fast-block";
import type { FastAffinity, FastBlock, FastHandle, FastItem } from "./fast-decode";
import {
  MISSED,
  MISSING,
  NO_ROOM,
  R_AT,
  R_DONE,
  R_HASH,
  R_KEY_ENDS,
  R_NAMESPACE,
  R_NODE,
  R_ROWS,
  R_SPANS,
  R_TEXT,
  R_TYPE,
  S_AFFINITY,
  S_ALLOCATIONS,
  S_ATTRIBUTES,
  S_CIDR,
  S_CLAIM,
  S_DELETED,
  S_DIGITS,
  S_EMPTY,
  S_SEQUENCE,
  S_SEQUENCES,
  S_STRICT,
  S_UNALLOCATED,
  madeAttributeWasm,
} from "./private/attribute-wasm";
import type { AttributeWasm } from "./private/attribute-wasm";
import { ATTRIBUTE_KEYS, ATTRIBUTE_SPAN, AttributeColumns, BlockChunk, SequenceColumns } from "./private/columns";
import { FNV_OFFSET as OFFSET, FNV_PRIME as PRIME, handleIdHashOfBytes } from "./private/handle-ids";
import { compactInPlace } from "./private/compact-handle";
import type { LatinBuffer } from "./private/latin-buffer";

const DATE_TIME = (fullFormats["date-time"] as { validate: (s: string) => boolean }).validate;

/** The content of a JSON string without escapes, control characters or non-ASCII: printable ASCII but `"` and `\`. */
const PLAIN = "[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*";
/** Any JSON number. */
const NUMBER = "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";
/** A plain non-negative integer of at most 9 digits (ordinals, indexes), as the byte decoder's `small`. */
const SMALL = "(?:0|[1-9][0-9]{0,8})";
/** A plain non-negative integer of any length (sequence numbers). */
const LARGE = "(?:0|[1-9][0-9]*)";

/** `n` spaces. */
const sp = (n: number) => " ".repeat(n);
/** Literal text as a pattern. */
const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** An item's first lines from its `{` (8 spaces in, which the List reader checks), up to its metadata's members. */
function head(kind: string): string {
  return `{\n${sp(12)}"apiVersion": "${API_CRD_V1}",\n${sp(12)}"kind": "${kind}",\n${sp(12)}"metadata": {\n`;
}
/** A metadata member on one line other than `name` (a string, a number, true, false, null). */
const META_LINE = `${sp(16)}"(?!name")${PLAIN}": (?:"${PLAIN}"|${NUMBER}|true|false|null)`;
/**
 * An item's head and metadata up to the spec's first member. Groups: 1 the text before the name, 2 the
 * name, 3 the text after it (the name's position is the match's plus group 1's length; the spec's
 * members follow group 3).
 */
function metadata(kind: string): string {
  return `(${lit(head(kind))}(?:${META_LINE},\\n)*${sp(16)}"name": ")(${PLAIN})("(?:,\\n${META_LINE})*\\n${sp(12)}\\},\\n${sp(12)}"spec": \\{\\n)`;
}

/** The end of an item's spec and of the item. */
const ITEM_END = `\n${sp(12)}}\n${sp(8)}}`;

/**
 * A whole handle in one block. Groups: 1–3 as {@link metadata}, 4 block CIDR (at {@link HANDLE_CIDR} in
 * the spec), 5 count, 6 deleted, 7 handleID (which ends {@link HANDLE_TAIL} before the match's end).
 */
const HANDLE = new RegExp(
  `${metadata("IPAMHandle")}${sp(16)}"block": \\{\\n${sp(20)}"(${PLAIN})": (0|[1-9][0-9]{0,14})\\n${sp(16)}\\},\\n(?:${sp(16)}"deleted": (false|true),\\n)?${sp(16)}"handleID": "(${PLAIN})"${lit(
    ITEM_END
  )}`,
  "y"
);
/** {@link HANDLE}'s source: the handles worker's matcher (`private/handle-columns.ts`) takes the items it takes. */
export const HANDLE_SOURCE = HANDLE.source;
const HANDLE_TAIL = 1 + ITEM_END.length;
const HANDLE_CIDR = `${sp(16)}"block": {\n${sp(20)}"`.length;

/** A block's head and metadata. Groups: 1 text before the name, 2 name. */
const BLOCK_HEAD = new RegExp(metadata("IPAMBlock"), "y");

/** Spec members (16 spaces in), each followed by `,\n` or the item's end. */
const FIELD = sp(16);
const AFFINITY = new RegExp(`${FIELD}"affinity": "(${PLAIN})",\\n`, "y");
const CLAIM_TIME = new RegExp(`${FIELD}"affinityClaimTime": "(${PLAIN})",\\n`, "y");
/** A list of small integers or nulls: `[]`, or one per line. Group 1: the lines but the last's end. */
const smallList = (key: string, orNull: boolean) =>
  new RegExp(`${FIELD}"${key}": (?:\\[\\]|\\[\\n((?:${sp(20)}(?:${SMALL}${orNull ? "|null" : ""}),\\n)*${sp(20)}(?:${SMALL}${orNull ? "|null" : ""}))\\n${FIELD}\\])`, "y");
const ALLOCATIONS = smallList("allocations", true);
const UNALLOCATED = smallList("unallocated", false);
const ATTRIBUTES_OPEN = `${FIELD}"attributes": [`;
const ATTRIBUTES_EMPTY = `${FIELD}"attributes": []`;
/**
 * One attribute with a handle and the usual secondary keys in kubectl's (sorted) order: handle,
 * namespace, node, pod, timestamp, type. Only tested (`attribute` finds the values after the constant
 * text), so it captures nothing. Where the bytes are in the WebAssembly matcher's memory (the blocks
 * worker's windows), that matcher (`private/attribute-wasm.ts`), which takes exactly what this takes,
 * reads the attributes instead.
 */
const SEC = sp(28);
const ATTRIBUTE = new RegExp(
  `${sp(20)}\\{\\n${sp(24)}"handle_id": "${PLAIN}",\\n${sp(
    24
  )}"secondary": \\{\\n(?:${SEC}"namespace": "${PLAIN}",\\n)?${SEC}"node": "${PLAIN}"(?:,\\n${SEC}"pod": "${PLAIN}")?(?:,\\n${SEC}"timestamp": "${PLAIN}")?(?:,\\n${SEC}"type": "${PLAIN}")?\\n${sp(
    24
  )}\\}\\n${sp(20)}\\}`,
  "y"
);
/** {@link ATTRIBUTE}'s source: the WebAssembly matcher (`private/attribute-wasm.ts`) takes the attributes it takes (its test compares them). */
export const ATTRIBUTE_SOURCE = ATTRIBUTE.source;
/** Lengths of the constant text before each of an attribute's values. */
const A_HANDLE = `${sp(20)}{\n${sp(24)}"handle_id": "`.length;
const A_SECONDARY = `",\n${sp(24)}"secondary": {\n`.length;
const A_NAMESPACE = `${SEC}"namespace": "`.length;
const A_NODE = `",\n${SEC}"node": "`.length; // after the namespace's value
const A_NODE_FIRST = `${SEC}"node": "`.length;
const A_POD = `",\n${SEC}"pod": "`.length;
const A_TIMESTAMP = `",\n${SEC}"timestamp": "`.length;
const A_TYPE = `",\n${SEC}"type": "`.length;
/** From a value's closing quote to the first letter of the key after it. */
const A_KEY = `",\n${SEC}"`.length;
const CIDR = new RegExp(`${FIELD}"cidr": "(${PLAIN})",\\n`, "y");
const DELETED = new RegExp(`${FIELD}"deleted": (false|true),\\n`, "y");
const SEQUENCE = new RegExp(`${FIELD}"sequenceNumber": (${LARGE}),\\n`, "y");
/** `sequenceNumberForAllocation` with ordinals as keys. Group 1: the lines but the last's end. */
const SEQUENCES = new RegExp(`${FIELD}"sequenceNumberForAllocation": (?:\\{\\}|\\{\\n((?:${sp(20)}"${SMALL}": ${LARGE},\\n)*${sp(20)}"${SMALL}": ${LARGE})\\n${FIELD}\\}),\\n`, "y");
const STRICT = new RegExp(`${FIELD}"strictAffinity": (false|true),\\n`, "y");

// The batch being read (its bytes and end), and the string of its bytes `[textFrom, textTo)`, or null when they do not start as a Calico item.
let bytesOf: Buffer | null = null;
let batchTo = -1;
let textFrom = 0;
let textTo = -1;
let batch: string | null = null;
/** Whether the batch starts as a Calico item (else no item of it is read here). */
let calico = false;
/** Bytes turned into one string at most (but for an item larger than that). */
const TEXT_BYTES = 96 * 1024;

/** The position of the last `}` in `(from, to)` alone on its line 8 spaces in (an item's end); -1 when none. */
function lastItemClose(bytes: Buffer, from: number, to: number): number {
  for (let p = bytes.lastIndexOf(0x7d, to - 1); p > from + 9; p = bytes.lastIndexOf(0x7d, p - 1)) {
    if (bytes[p - 9] !== 0x0a) continue;
    let i = p - 8;
    while (i < p && bytes[i] === 0x20) i++;
    if (i === p) return p;
  }
  return -1;
}
/** Where the item last matched ends, in the bytes (just after its `}`). */
let end = 0;

/**
 * Strings read often (block CIDRs, node names, namespaces, types), one string each: {@link strings}
 * (which the blocks' columns index), and their places there by a hash of their text. Once the hashes
 * reach {@link MAX_INTERNED}, a block starts a new table (the blocks read before keep theirs).
 */
const interned = new Map<number, number>();
let strings: string[] = [];
const MAX_INTERNED = 65536;
/** The place of the last string interned (a block's affinity); -1 before the first. */
let lastInterned = -1;
/** The place of the last namespace, node and type of an attribute (attributes after each other mostly name the same); -1 before the first. */
const lastKeys = new Int32Array(4).fill(-1);
/** {@link lastKeys}'s place for a block's affinity. */
const AFFINITY_KEY = 3;

/** Starts a new table of strings when the one in use is full (before a block: its columns index one table). */
function internReset(): void {
  if (interned.size < MAX_INTERNED) return;
  interned.clear();
  strings = [];
  madeAttributeWasm()?.forget();
  lastInterned = -1;
  lastKeys.fill(-1);
}

/** Adds `c` (whose hash is `h`) to the table of strings; its place. */
function internNew(h: number, c: string): number {
  interned.set(h, strings.length);
  strings.push(c);
  return (lastInterned = strings.length - 1);
}

/**
 * Reads an `IPAMHandle` or `IPAMBlock` item at `bytes[from]` (its `{`, 8 spaces in; the batch ends at
 * `to`) when it is laid out exactly as kubectl writes it and uses nothing unusual; undefined otherwise
 * (the byte decoder then reads it). {@link templateEnd} is then where it ends.
 */
export function templateItem(bytes: Buffer, from: number, to: number): FastItem | undefined {
  if (bytes !== bytesOf || to !== batchTo || from < textFrom || from >= textTo) {
    // A batch from this item to the end of the last whole item within TEXT_BYTES (or of the batch, for a
    // larger item), when it starts as a Calico item: its string is made when a pattern first reads it.
    // (Strings of at most TEXT_BYTES are made in the young generation, much faster than larger ones.)
    bytesOf = bytes;
    batchTo = to;
    textFrom = from;
    const last = from + TEXT_BYTES < to ? lastItemClose(bytes, from, from + TEXT_BYTES) : -1;
    textTo = last > from ? last + 1 : to;
    calico = startsCalico(bytes, from);
    batch = null;
  }
  if (!calico) return undefined;
  // A block in the WebAssembly matcher's memory (the blocks worker's windows) is read there, without the
  // batch's string (the matcher sees the batch's text, as the patterns do).
  const w = inMemory(bytes);
  if (w !== undefined && bytes[from + KIND_AT + 4] === 0x42 /* B */) {
    const b = blockInMemory(w, bytes, from, textTo);
    if (b !== undefined) return b;
  }
  const s = (batch ??= (bytes as LatinBuffer).latin1Slice(textFrom, textTo));
  const at = from - textFrom;
  // (The kind is the 51st character of the line after "apiVersion"'s: "IPAMHandle" or "IPAMBlock".)
  const k = s.charCodeAt(at + KIND_AT + 4);
  if (k === 0x48 /* H */) return handle(bytes, s, at);
  if (k === 0x42 /* B */) return block(bytes, s, at);
  return undefined;
}

/** Where the item last read by {@link templateItem} or {@link templateAffinity} ends (just after its `}`). */
export function templateEnd(): number {
  return end;
}

/**
 * Just after the first `}` in `(from, to)` alone on its line 8 spaces in (the close of the item whose
 * `{` is at `from`: no JSON string holds a raw newline); -1 when there is none. (Each `}` is searched
 * for, a byte the runtime finds fast, not the line's ten bytes: `Buffer.indexOf` of a needle of spaces
 * in indented text costs ~10 µs an item.)
 */
export function itemEnd(bytes: Buffer, from: number, to: number): number {
  for (let p = bytes.indexOf(0x7d, from + 10); p >= 0 && p < to; p = bytes.indexOf(0x7d, p + 1)) {
    if (bytes[p - 9] !== 0x0a) continue;
    let i = p - 8;
    while (i < p && bytes[i] === 0x20) i++;
    if (i === p) return p + 1;
  }
  return -1;
}

/**
 * A whole `BlockAffinity` as kubectl writes it (its spec's every field a plain string, `type`
 * optional), matched on the item's own text. Groups: 1–3 as {@link metadata}, 4 cidr, 5 deleted, 6 node,
 * 7 state, 8 type.
 */
const AFFINITY_ITEM = new RegExp(
  `^${metadata("BlockAffinity")}${FIELD}"cidr": "(${PLAIN})",\\n${FIELD}"deleted": "(${PLAIN})",\\n${FIELD}"node": "(${PLAIN})",\\n${FIELD}"state": "(${PLAIN})"(?:,\\n${FIELD}"type": "(${PLAIN})")?${lit(ITEM_END)}$`,
);
/** Lengths of the constant text before each of an affinity's spec values (the cidr's after the metadata; the others after the value before). */
const AF_CIDR = `${FIELD}"cidr": "`.length;
const AF_DELETED = `",\n${FIELD}"deleted": "`.length;
const AF_NODE = `",\n${FIELD}"node": "`.length;
const AF_STATE = `",\n${FIELD}"state": "`.length;
const AF_TYPE = `",\n${FIELD}"type": "`.length;
/** The strings of the last affinity's `deleted`, `node`, `state` and `type` (the next affinity's are mostly the same text: one string each). */
const lastAffinity = ["", "", "", ""];

/**
 * Reads a `BlockAffinity` item at `bytes[from]` (its `{`, 8 spaces in; the batch ends at `to`) when it is
 * laid out exactly as kubectl writes it and uses nothing unusual (the byte decoder's `affinitySpec`
 * takes what this takes, and more); undefined otherwise. {@link templateEnd} is then where it ends. The
 * item's text is matched by one pattern, not read by the byte decoder's functions: a dump's ten thousand
 * affinities, read on the main thread, cost V8's compilers more than their reading.
 */
export function templateAffinity(bytes: Buffer, from: number, to: number): FastAffinity | undefined {
  const stop = itemEnd(bytes, from, to);
  if (stop < 0) return undefined;
  const m = AFFINITY_ITEM.exec((bytes as LatinBuffer).latin1Slice(from, stop));
  if (m === null) return undefined;
  // (Every string kept is copied from the bytes: a match's group may be cut from the item's string and keep it alive.)
  const nameAt = from + m[1].length;
  const cidrAt = nameAt + m[2].length + m[3].length + AF_CIDR;
  const deletedAt = cidrAt + m[4].length + AF_DELETED;
  const nodeAt = deletedAt + m[5].length + AF_NODE;
  const stateAt = nodeAt + m[6].length + AF_STATE;
  const name = (bytes as LatinBuffer).latin1Slice(nameAt, nameAt + m[2].length);
  const cidr = (bytes as LatinBuffer).latin1Slice(cidrAt, cidrAt + m[4].length);
  const deleted = lastText(0, m[5], bytes, deletedAt);
  const node = lastText(1, m[6], bytes, nodeAt);
  const state = lastText(2, m[7], bytes, stateAt);
  end = stop;
  if (m[8] === undefined) return { kind: "BlockAffinity", apiVersion: API_CRD_V1, name, spec: { cidr, deleted, node, state } };
  const type = lastText(3, m[8], bytes, stateAt + m[7].length + AF_TYPE);
  return { kind: "BlockAffinity", apiVersion: API_CRD_V1, name, spec: { cidr, deleted, node, state, type } };
}

/** The text `t` (at `bytes[from]`) as the last affinity's string of field `k` when it is the same, else as a copy from the bytes. */
function lastText(k: number, t: string, bytes: Buffer, from: number): string {
  const last = lastAffinity[k];
  if (t === last) return last;
  return (lastAffinity[k] = (bytes as LatinBuffer).latin1Slice(from, from + t.length));
}

/** Forgets the batch (its string and bytes), once a file is read. */
export function templateRelease(): void {
  bytesOf = null;
  wordsOf = null;
  words = new DataView(new ArrayBuffer(0));
  batch = null;
  batchTo = -1;
}

const KIND_AT = head("IPAMBlock").indexOf('"IPAMBlock"') + 1;
const CALICO = Buffer.from(`{\n${sp(12)}"apiVersion": "${API_CRD_V1}",\n${sp(12)}"kind": "IPAM`, "latin1");

/** Whether the bytes at `from` open a crd.projectcalico.org/v1 IPAM item in kubectl's layout. */
function startsCalico(bytes: Buffer, from: number): boolean {
  if (from + CALICO.length > bytes.length) return false;
  for (let i = 0; i < CALICO.length; i++) if (bytes[from + i] !== CALICO[i]) return false;
  return true;
}

/** `bytes[from, to)` as a string of its own (batch positions). */
function copy(bytes: Buffer, from: number, length: number): string {
  return (bytes as LatinBuffer).latin1Slice(textFrom + from, textFrom + from + length);
}

/** The one string kept for the text `t` at `from` (`t` may be cut from the batch: a copy is kept the first time). */
function intern(bytes: Buffer, t: string, from: number): string {
  if (lastInterned >= 0 && t === strings[lastInterned]) return t;
  const n = t.length;
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + t.charCodeAt(i)) | 0;
  h = (Math.imul(h, 31) + n) | 0;
  const hit = interned.get(h);
  if (hit !== undefined && strings[hit] === t) return strings[(lastInterned = hit)];
  return strings[internNew(h, copy(bytes, from, n))];
}

/** Where the value read last by {@link internToQuote} ends (its closing quote, in the bytes). */
let quote = 0;

/**
 * The place in {@link strings} of the value that starts at `bytes[from]` and ends before the next `"`
 * (a value {@link PLAIN} matched), made into a string only when it is not interned yet; {@link quote}
 * is then that quote's position. `key` says which of an attribute's keys it is (namespace, node, type):
 * the value is first compared with that key's last one.
 */
function internToQuote(bytes: Buffer, from: number, key: number): number {
  const last = lastKeys[key];
  if (last >= 0) {
    const t = strings[last];
    const n = t.length;
    if (bytes[from + n] === 0x22 && sameText(t, bytes, from)) {
      quote = from + n;
      return last;
    }
  }
  let h = 0;
  let i = from;
  for (let c = bytes[i]; c !== 0x22; c = bytes[++i]) h = (Math.imul(h, 31) + c) | 0;
  quote = i;
  const n = i - from;
  h = (Math.imul(h, 31) + n) | 0;
  const hit = interned.get(h);
  const at = hit !== undefined && strings[hit].length === n && sameText(strings[hit], bytes, from) ? hit : internNew(h, (bytes as LatinBuffer).latin1Slice(from, i));
  lastKeys[key] = at;
  return at;
}

/** Whether `t` is the text of `bytes` at `from` (which hold at least `t.length` bytes there). */
function sameText(t: string, bytes: Buffer, from: number): boolean {
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== bytes[from + i]) return false;
  return true;
}

/** A block CIDR read by {@link internBlock}: the string, and a handle's `block` holding one address there. */
interface BlockKey {
  readonly cidr: string;
  /**
   * `{ [cidr]: 1 }`, shared by the handles with one address in the block (most handles): frozen, without
   * a prototype as the byte decoder makes it.
   */
  readonly one: Readonly<Record<string, number>>;
}
const blockKeys = new Map<number, BlockKey>();
let lastBlockKey: BlockKey = { cidr: "", one: {} };

/** The {@link BlockKey} of the text `t` at `from` (as {@link intern}). */
function internBlock(bytes: Buffer, t: string, from: number): BlockKey {
  if (t === lastBlockKey.cidr) return lastBlockKey;
  const n = t.length;
  let h = n;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + t.charCodeAt(i)) | 0;
  const hit = blockKeys.get(h);
  if (hit !== undefined && hit.cidr === t) return (lastBlockKey = hit);
  const cidr = copy(bytes, from, n);
  const one = Object.create(null) as Record<string, number>;
  one[cidr] = 1;
  const k: BlockKey = { cidr, one: Object.freeze(one) };
  if (blockKeys.size >= MAX_INTERNED) blockKeys.clear();
  blockKeys.set(h, k);
  return (lastBlockKey = k);
}

function handle(bytes: Buffer, s: string, at: number): FastHandle | undefined {
  HANDLE.lastIndex = at;
  const m = HANDLE.exec(s);
  if (m === null) return undefined;
  const cidr = m[4];
  if (cidr === "__proto__") return undefined; // JSON.parse makes an own "__proto__" key; leave that to it
  const stop = HANDLE.lastIndex;
  const nameAt = at + m[1].length;
  const nameText = m[2];
  const name = copy(bytes, nameAt, nameText.length);
  const idText = m[7];
  const handleId = idText === nameText ? name : copy(bytes, stop - HANDLE_TAIL - idText.length, idText.length);
  const key = internBlock(bytes, cidr, nameAt + nameText.length + m[3].length + HANDLE_CIDR);
  const count = m[5] === "1" ? 1 : Number(m[5]);
  let blocks = key.one;
  if (count !== 1) {
    const b = Object.create(null) as Record<string, number>;
    b[key.cidr] = count;
    blocks = b;
  }
  end = textFrom + stop;
  const idFrom = end - HANDLE_TAIL - idText.length;
  return {
    kind: "IPAMHandle",
    apiVersion: API_CRD_V1,
    name,
    handleId,
    blocks,
    deleted: m[6] === "true",
    idHash: handleIdHashOfBytes(bytes, idFrom, idFrom + idText.length),
  };
}

function block(bytes: Buffer, s: string, at: number): FastBlock | undefined {
  BLOCK_HEAD.lastIndex = at;
  const h = BLOCK_HEAD.exec(s);
  if (h === null) return undefined;
  internReset();
  if (bytes !== wordsOf) {
    words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    wordsOf = bytes;
  }
  const name = copy(bytes, at + h[1].length, h[2].length);
  let p = BLOCK_HEAD.lastIndex;
  let affinity: string | null = null;
  let affinityClaimTime: string | null = null;
  AFFINITY.lastIndex = p;
  let m = AFFINITY.exec(s);
  if (m !== null) {
    const a = intern(bytes, m[1], p + `${FIELD}"affinity": "`.length);
    affinity = a === "" ? null : a;
    p = AFFINITY.lastIndex;
  }
  CLAIM_TIME.lastIndex = p;
  m = CLAIM_TIME.exec(s);
  if (m !== null) {
    affinityClaimTime = copy(bytes, p + `${FIELD}"affinityClaimTime": "`.length, m[1].length);
    if (!DATE_TIME(affinityClaimTime)) return undefined;
    p = CLAIM_TIME.lastIndex;
  }
  ALLOCATIONS.lastIndex = p;
  m = ALLOCATIONS.exec(s);
  if (m === null) return undefined;
  let allocationCount = 0;
  if (m[1] !== undefined) {
    allocationCount = listOf(m[1], true, allocationList);
    allocationList = listOut;
  }
  p = ALLOCATIONS.lastIndex;
  if (!s.startsWith(",\n", p)) return undefined;
  p += 2;
  // The attributes as columns (`private/columns.ts`): their handles, pods and timestamps go to the block's text.
  let attributeCount = 0;
  blockText = 0;
  // The WebAssembly matcher reads the attributes when the bytes are in its memory (the blocks worker's
  // windows); the block's text is then its own (but for a block too large for it: see NO_ROOM).
  const w = inMemory(bytes);
  if (w !== undefined && textBytes !== w.text) {
    textBytes = w.text;
    textWords = new DataView(w.text.buffer, w.text.byteOffset, w.text.byteLength);
  }
  const base = bytes.byteOffset + textFrom;
  if (s.startsWith(ATTRIBUTES_EMPTY, p)) {
    p += ATTRIBUTES_EMPTY.length;
  } else {
    if (!s.startsWith(ATTRIBUTES_OPEN, p) || s.charCodeAt(p + ATTRIBUTES_OPEN.length) !== 0x0a) return undefined;
    p += ATTRIBUTES_OPEN.length + 1;
    // The WebAssembly matcher reads the whole list (or up to an attribute it leaves to the loop below).
    let more = true;
    if (w !== undefined && textBytes === w.text) {
      const q = attributesFromWasm(w, bytes, base + p, base + s.length);
      if (q < 0) return undefined;
      attributeCount = w.out[R_ROWS];
      p = q - base;
      more = w.out[R_DONE] === 0;
    }
    if (more) for (;;) {
      if (attributeCount === hashes.length) {
        hashes = grow(hashes);
        spans = grow(spans);
        keys = grow(keys);
      }
      const e = w !== undefined && textBytes === w.text ? w.attribute(base + p, base + s.length, blockText) : NO_ROOM;
      if (e >= 0) {
        attributeFromWasm(w as AttributeWasm, bytes, attributeCount);
        p = e - base;
      } else if (e === NO_ROOM) {
        // (The block's text too large for the matcher's: it moves to a buffer of its own, and the pattern reads the rest.)
        if (w !== undefined && textBytes === w.text) growText(2 * textBytes.length);
        if (!attribute(bytes, s, p, attributeCount)) return undefined;
        p = ATTRIBUTE.lastIndex;
      } else {
        return undefined;
      }
      attributeCount++;
      if (s.startsWith(",\n", p)) {
        p += 2;
        continue;
      }
      if (!s.startsWith(ATTRIBUTES_CLOSE, p)) return undefined;
      p += ATTRIBUTES_CLOSE.length;
      break;
    }
  }
  if (!s.startsWith(",\n", p)) return undefined;
  p += 2;
  CIDR.lastIndex = p;
  m = CIDR.exec(s);
  if (m === null) return undefined;
  const cidrText = copy(bytes, p + `${FIELD}"cidr": "`.length, m[1].length);
  p = CIDR.lastIndex;
  let deleted = false;
  DELETED.lastIndex = p;
  m = DELETED.exec(s);
  if (m !== null) {
    deleted = m[1] === "true";
    p = DELETED.lastIndex;
  }
  let sequenceNumber = 0;
  let sequenceDigits: string | undefined;
  SEQUENCE.lastIndex = p;
  m = SEQUENCE.exec(s);
  if (m !== null) {
    const digits = m[1];
    sequenceNumber = Number(digits);
    if (digits.length >= 16) sequenceDigits = copy(bytes, p + `${FIELD}"sequenceNumber": `.length, digits.length);
    p = SEQUENCE.lastIndex;
  }
  const sequenceFrom = blockText;
  let sequenceCount = 0;
  let sequenceUnsafe = false;
  SEQUENCES.lastIndex = p;
  m = SEQUENCES.exec(s);
  if (m !== null) {
    if (m[1] !== undefined) {
      const body = p + `${FIELD}"sequenceNumberForAllocation": {\n`.length;
      sequenceCount = sequences(s, body, body + m[1].length);
      if (sequenceCount < 0) return undefined;
      sequenceUnsafe = sequencesUnsafe;
    }
    p = SEQUENCES.lastIndex;
  }
  STRICT.lastIndex = p;
  m = STRICT.exec(s);
  if (m === null) return undefined;
  const strictAffinity = m[1] === "true";
  p = STRICT.lastIndex;
  UNALLOCATED.lastIndex = p;
  m = UNALLOCATED.exec(s);
  if (m === null) return undefined;
  let unallocatedCount = 0;
  if (m[1] !== undefined) {
    unallocatedCount = listOf(m[1], false, unallocatedList);
    unallocatedList = listOut;
  }
  p = UNALLOCATED.lastIndex;
  if (!s.startsWith(ITEM_END, p)) return undefined;
  p += ITEM_END.length;
  end = textFrom + p;
  return blockOfColumns(name, cidrText, affinity, affinityClaimTime, deleted, strictAffinity, sequenceNumber, sequenceDigits, attributeCount, allocationList, allocationCount, unallocatedList, unallocatedCount, ordinals, ends, sequenceCount, sequenceFrom, sequenceUnsafe);
}

/**
 * The block read (its attributes in the scratch columns, its lists and sequence numbers in the ones
 * given, their digits in the block's text), its columns copied to the chunk being filled.
 */
function blockOfColumns(
  name: string,
  cidrText: string,
  affinity: string | null,
  affinityClaimTime: string | null,
  deleted: boolean,
  strictAffinity: boolean,
  sequenceNumber: number,
  sequenceDigits: string | undefined,
  attributeCount: number,
  allocationList: Int32Array,
  allocationCount: number,
  unallocatedList: Int32Array,
  unallocatedCount: number,
  ordinals: Int32Array,
  ends: Int32Array,
  sequenceCount: number,
  sequenceFrom: number,
  sequenceUnsafe: boolean,
): FastBlock {
  // The block's columns, copied from the scratch columns to the chunk being filled.
  const c = room(blockText, attributeCount, sequenceCount, allocationCount, unallocatedCount);
  const textAt = filled.text;
  c.text.set(textBytes.subarray(0, blockText), textAt);
  const attributesAt = filled.attributes;
  copyInts(c.spans, attributesAt * SPAN, spans, attributeCount * SPAN);
  copyInts(c.hashes, attributesAt, hashes, attributeCount);
  copyInts(c.keys, attributesAt * KEYS, keys, attributeCount * KEYS);
  const sequencesAt = filled.sequences;
  copyInts(c.ordinals, sequencesAt, ordinals, sequenceCount);
  copyInts(c.ends, sequencesAt, ends, sequenceCount);
  const allocationsAt = filled.allocations;
  copyInts(c.allocations, allocationsAt, allocationList, allocationCount);
  const unallocatedAt = filled.unallocated;
  copyInts(c.unallocated, unallocatedAt, unallocatedList, unallocatedCount);
  filled.text += blockText;
  filled.attributes += attributeCount;
  filled.sequences += sequenceCount;
  filled.allocations += allocationCount;
  filled.unallocated += unallocatedCount;
  const attributes = new AttributeColumns(c, strings, attributesAt, textAt, attributeCount);
  const sequenceNumberForAllocation = new SequenceColumns(c, sequencesAt, sequenceCount, textAt, sequenceFrom, sequenceUnsafe);
  const allocations = c.allocations.subarray(allocationsAt, allocationsAt + allocationCount);
  const unallocated = c.unallocated.subarray(unallocatedAt, unallocatedAt + unallocatedCount);
  return fastBlock(name, { cidrText, allocations, attributes, unallocated, sequenceNumberForAllocation, affinity, deleted, strictAffinity, sequenceNumber, affinityClaimTime }, sequenceDigits, undefined);
}


/** Bytes of an item's head (up to its spec) {@link blockInMemory} reads as a string; a longer head is left to the batch's patterns. */
const HEAD_BYTES = 1024;

/**
 * The `IPAMBlock` item at `bytes[from]` (its `{`; the batch ends at `to`), in the WebAssembly matcher's
 * memory, read without a string of the batch: the head by {@link BLOCK_HEAD} on a string of the item's
 * first bytes, the spec by the matcher (`head`, `attributes`, `tail`), which takes exactly what the
 * patterns take. Undefined for anything else (the patterns then read the item, and decide).
 */
function blockInMemory(w: AttributeWasm, bytes: Buffer, from: number, to: number): FastBlock | undefined {
  const headText = (bytes as LatinBuffer).latin1Slice(from, Math.min(to, from + HEAD_BYTES));
  BLOCK_HEAD.lastIndex = 0;
  const h = BLOCK_HEAD.exec(headText);
  if (h === null) return undefined;
  const o = w.out;
  const base = bytes.byteOffset;
  const lim = base + to;
  if (w.head(base + from + BLOCK_HEAD.lastIndex, lim) < 0) return undefined;
  internReset();
  if (textBytes !== w.text) {
    textBytes = w.text;
    textWords = new DataView(w.text.buffer, w.text.byteOffset, w.text.byteLength);
  }
  blockText = 0;
  let attributeCount = 0;
  let p = o[S_ATTRIBUTES];
  if (o[S_EMPTY] === 0) {
    p = attributesFromWasm(w, bytes, p, lim);
    if (p < 0 || o[R_DONE] === 0) return undefined;
    attributeCount = o[R_ROWS];
  }
  const sequenceFrom = blockText;
  const e = w.tail(p, lim, blockText);
  if (e < 0) return undefined;
  const lists = w.lists;
  const sequenceCount = o[S_SEQUENCES];
  if (!distinctOrdinals(lists.ordinals, sequenceCount)) return undefined;
  blockText = o[R_TEXT];
  let sequenceUnsafe = false;
  if (o[S_DIGITS] >= 16) {
    for (let i = 0, start = sequenceFrom; i < sequenceCount; start = lists.ends[i++]) {
      const digits = lists.ends[i] - start;
      if (digits > 16 || (digits === 16 && (textBytes as LatinBuffer).latin1Slice(start, start + 16) > MAX_SAFE)) sequenceUnsafe = true;
    }
  }
  const text = (slot: number) => (bytes as LatinBuffer).latin1Slice(o[slot] - base, o[slot + 1] - base);
  let affinityClaimTime: string | null = null;
  if (o[S_CLAIM] >= 0) {
    affinityClaimTime = text(S_CLAIM);
    if (!DATE_TIME(affinityClaimTime)) return undefined;
  }
  let affinity: string | null = null;
  if (o[S_AFFINITY] >= 0) {
    const a = strings[internToQuote(bytes, o[S_AFFINITY] - base, AFFINITY_KEY)];
    affinity = a === "" ? null : a;
  }
  let sequenceNumber = 0;
  let sequenceDigits: string | undefined;
  if (o[S_SEQUENCE] >= 0) {
    const digits = text(S_SEQUENCE);
    sequenceNumber = Number(digits);
    if (digits.length >= 16) sequenceDigits = digits;
  }
  const name = (bytes as LatinBuffer).latin1Slice(from + h[1].length, from + h[1].length + h[2].length);
  end = e - base;
  return blockOfColumns(name, text(S_CIDR), affinity, affinityClaimTime, o[S_DELETED] === 1, o[S_STRICT] === 1, sequenceNumber, sequenceDigits, attributeCount,
    lists.allocations, o[S_ALLOCATIONS], lists.unallocated, o[S_UNALLOCATED], lists.ordinals, lists.ends, sequenceCount, sequenceFrom, sequenceUnsafe);
}

/** Whether the first `n` ordinals are distinct and below 2^20 (as {@link sequences} requires). */
function distinctOrdinals(ordinals: Int32Array, n: number): boolean {
  if (++seenStamp === 0x7fffffff) {
    seen.fill(0);
    seenStamp = 1;
  }
  for (let i = 0; i < n; i++) {
    const key = ordinals[i];
    if (key >= seen.length) {
      if (key >= 1 << 20) return false;
      const b = new Int32Array(1 << (32 - Math.clz32(key)));
      b.set(seen);
      seen = b;
    }
    if (seen[key] === seenStamp) return false;
    seen[key] = seenStamp;
  }
  return true;
}

const ATTRIBUTES_CLOSE = `\n${FIELD}]`;
/** Fields per attribute in `spans` (handle, pod, timestamp: from and to) and in `keys` (namespace, node, type): `private/columns.ts`'s layout. */
const SPAN = ATTRIBUTE_SPAN;
const KEYS = ATTRIBUTE_KEYS;

// The columns of the block being read (scratch, copied to the chunk once it is read): the handle hashes,
// the spans of each attribute's handle, pod and timestamp in the block's text, its namespace, node and
// type (places in `strings`); the sequence numbers' ordinals and the ends of their digits; the lists
// `allocations` (-1 for null) and `unallocated`; the text the spans and ends point in (`blockText` bytes).
let hashes = new Int32Array(1024);
let spans = new Int32Array(SPAN * 1024);
let keys = new Int32Array(KEYS * 1024);
let ordinals = new Int32Array(1024);
let ends = new Int32Array(1024);
let allocationList = new Int32Array(4096);
let unallocatedList = new Int32Array(4096);
/** The column {@link listOf} wrote to last (grown when it was full). */
let listOut = allocationList;
let textBytes = Buffer.allocUnsafe(256 * 1024);
let blockText = 0;

/** Copies the first `n` numbers of `from` to `to` at `at` (a loop: no view made per column and block, as `set` of a `subarray` needs). */
function copyInts(to: Int32Array, at: number, from: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) to[at + i] = from[i];
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

// The chunk being filled (`private/columns.ts`), and how much of each column is used.
/** The least rows of a chunk: the first chunks are small (a small dump), each one after is twice as large, up to {@link MAX_CHUNK_ROWS}. */
const MIN_CHUNK_ROWS = 1024;
/**
 * The most rows of a chunk (attributes, about 650 blocks of 50 pods). The blocks worker posts a part each
 * time a chunk is full, and the main thread decodes a part's blocks while it waits for the next one: the
 * last part is what it decodes after the worker is done. With 128 Ki rows that was a quarter of the bench
 * dump's blocks (~150 ms more of the main thread's CPU after the worker's end).
 */
const MAX_CHUNK_ROWS = 32 * 1024;
let chunkRows = MIN_CHUNK_ROWS;
let chunk: BlockChunk | null = null;
const filled = { text: 0, attributes: 0, sequences: 0, allocations: 0, unallocated: 0 };

/** The chunk being filled when it has room for a block of these sizes; else a new one that has. */
function room(text: number, attributes: number, sequences: number, allocations: number, unallocated: number): BlockChunk {
  const c = chunk;
  if (
    c !== null &&
    filled.text + text <= c.text.length &&
    filled.attributes + attributes <= c.hashes.length &&
    filled.sequences + sequences <= c.ordinals.length &&
    filled.allocations + allocations <= c.allocations.length &&
    filled.unallocated + unallocated <= c.unallocated.length
  ) {
    return c;
  }
  const rows = chunkRows;
  if (chunkRows < MAX_CHUNK_ROWS) chunkRows *= 2;
  const attributeRows = Math.max(rows, attributes);
  const n = Math.max(rows, sequences);
  chunk = new BlockChunk(
    Buffer.alloc(Math.max(rows * 128, text)),
    new Int32Array(attributeRows * SPAN),
    new Int32Array(attributeRows),
    new Int32Array(attributeRows * KEYS),
    new Int32Array(n),
    new Int32Array(n),
    new Int32Array(Math.max(rows * 2, allocations)),
    new Int32Array(Math.max(rows, unallocated)),
  );
  filled.text = filled.attributes = filled.sequences = filled.allocations = filled.unallocated = 0;
  return chunk;
}

/**
 * The numbers (or nulls, as -1) of a list matched by {@link smallList} (one per line, 20 spaces in,
 * separated by `,\n`), written to `out` (or a larger copy: {@link listOut}); how many there are.
 */
function listOf(body: string, orNull: boolean, out: Int32Array<ArrayBuffer>): number {
  const n = body.length;
  let k = 0;
  let p = 20;
  for (;;) {
    if (k === out.length) out = grow(out);
    let c = body.charCodeAt(p);
    if (orNull && c === 0x6e /* n */) {
      out[k++] = -1;
      p += 4;
    } else {
      let v = 0;
      do {
        v = v * 10 + (c - 0x30);
        c = body.charCodeAt(++p);
      } while (c >= 0x30 && c <= 0x39);
      out[k++] = v;
    }
    if (p >= n) {
      listOut = out;
      return k;
    }
    p += 22; // ",\n" and the next line's 20 spaces
  }
}

/**
 * One attribute matched by {@link ATTRIBUTE} at `p`, written to the columns as attribute `n`; false
 * when it has other keys or another layout. The pattern is only tested (no match array, no substrings):
 * each value is read in the bytes once, from the constant text before it up to its closing quote, and
 * which optional keys are there is told by their first letters (`namespace`/`node`,
 * `pod`/`timestamp`/`type`).
 */
function attribute(bytes: Buffer, s: string, p: number, n: number): boolean {
  ATTRIBUTE.lastIndex = p;
  if (!ATTRIBUTE.test(s)) return false;
  // Every value of the attribute lies within its match: room for them all in the block's text, at once
  // (and for the bytes a word copy writes past a value's end).
  if (blockText + (ATTRIBUTE.lastIndex - p) + 4 > textBytes.length) growText(blockText + (ATTRIBUTE.lastIndex - p) + 4);
  const span = SPAN * n;
  const key = KEYS * n;
  // The handle, hashed and copied to the block's text in one pass (a pod's then made compact, `private/compact-handle.ts`).
  spans[span] = blockText;
  let q = copyHashed(textFrom + p + A_HANDLE);
  hashes[n] = valueHash;
  blockText = compactInPlace(textBytes, spans[span], blockText);
  spans[span + 1] = blockText;
  q += A_SECONDARY;
  // `namespace` or `node` (28 spaces in): the key's third letter.
  if (bytes[q + SEC.length + 2] === 0x61 /* a */) {
    keys[key] = internToQuote(bytes, q + A_NAMESPACE, 0);
    q = quote + A_NODE;
  } else {
    keys[key] = -1;
    q += A_NODE_FIRST;
  }
  keys[key + 1] = internToQuote(bytes, q, 1);
  let e = quote;
  // After each value: `",\n` and the next key (its first letters), or `"\n` and the end.
  let c = bytes[e + 1] === 0x2c ? bytes[e + A_KEY] : 0;
  if (c === 0x70 /* p */) {
    spans[span + 2] = blockText;
    e = copyValue(e + A_POD);
    spans[span + 3] = blockText;
    c = bytes[e + 1] === 0x2c ? bytes[e + A_KEY] : 0;
  } else {
    spans[span + 2] = spans[span + 3] = -1;
  }
  if (c === 0x74 /* t */ && bytes[e + A_KEY + 1] === 0x69 /* i */) {
    spans[span + 4] = blockText;
    e = copyValue(e + A_TIMESTAMP);
    spans[span + 5] = blockText;
    c = bytes[e + 1] === 0x2c ? bytes[e + A_KEY] : 0;
  } else {
    spans[span + 4] = spans[span + 5] = -1;
  }
  keys[key + 2] = c === 0x74 /* t */ ? internToQuote(bytes, e + A_TYPE, 2) : -1;
  return true;
}

/** The WebAssembly matcher when `bytes` lie in its memory (it is made by the blocks worker's List reader), else undefined. */
function inMemory(bytes: Buffer): AttributeWasm | undefined {
  const w = madeAttributeWasm();
  return w !== undefined && bytes.buffer === w.memory.buffer ? w : undefined;
}

/**
 * A block's attributes read by the WebAssembly matcher from `from` (an address in its memory) and
 * copied to the columns (from row 0): where it stopped (past the list's `]` when `out[R_DONE]`, else at
 * an attribute the loop of {@link block} reads), -1 when an attribute or what follows it does not match.
 * The keys the matcher's table of strings does not hold are interned here (and added to it).
 */
function attributesFromWasm(w: AttributeWasm, bytes: Buffer, from: number, lim: number): number {
  const o = w.out;
  const rows = w.rows;
  const at = bytes.byteOffset;
  let row = 0;
  let q = from;
  for (;;) {
    const e = w.attributes(q, lim, blockText, row);
    if (e === -1) return -1;
    row = o[R_ROWS];
    blockText = o[R_TEXT];
    q = o[R_AT];
    if (e !== MISSED) break;
    const k0 = KEYS * (row - 1);
    for (let k = 0; k < KEYS; k++) {
      if (rows.keys[k0 + k] !== MISSING) continue;
      const x = o[R_NAMESPACE + k];
      const place = internToQuote(bytes, x - at, k);
      rows.keys[k0 + k] = place;
      w.remember(x, o[R_KEY_ENDS + k], place);
    }
    if (o[R_DONE] !== 0) break;
  }
  while (hashes.length < row) {
    hashes = grow(hashes);
    spans = grow(spans);
    keys = grow(keys);
  }
  spans.set(rows.spans.subarray(0, SPAN * row));
  hashes.set(rows.hashes.subarray(0, row));
  keys.set(rows.keys.subarray(0, KEYS * row));
  return q;
}

/**
 * The attribute the WebAssembly matcher matched last, written to the columns as attribute `n` (its
 * handle, pod and timestamp are in the block's text already): as {@link attribute} writes it.
 */
function attributeFromWasm(w: AttributeWasm, bytes: Buffer, n: number): void {
  const o = w.out;
  const span = SPAN * n;
  for (let k = 0; k < SPAN; k++) spans[span + k] = o[R_SPANS + k];
  hashes[n] = o[R_HASH];
  blockText = o[R_TEXT];
  const key = KEYS * n;
  const at = bytes.byteOffset;
  const namespace = o[R_NAMESPACE];
  const type = o[R_TYPE];
  keys[key] = namespace < 0 ? -1 : internToQuote(bytes, namespace - at, 0);
  keys[key + 1] = internToQuote(bytes, o[R_NODE] - at, 1);
  keys[key + 2] = type < 0 ? -1 : internToQuote(bytes, type - at, 2);
}

// Values are copied 4 bytes at a time (a JavaScript loop costs about as much per iteration for 4 bytes
// as for 1): the batch's bytes and the block's text as views of 32-bit little-endian words. A value
// copied is one a pattern matched, whose match goes on at least 3 bytes past the value's end: a word
// read never leaves the match, and a word written past the value's end is overwritten or left beyond
// the block's text (which has room for it).
/** `handleIdHash`'s start and prime, as constants of this module. */
const FNV_OFFSET = OFFSET;
const FNV_PRIME = PRIME;
let words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let wordsOf: Buffer | null = null;
let textWords = new DataView(textBytes.buffer, textBytes.byteOffset, textBytes.byteLength);

/**
 * Where in a word `m` flags the first byte found: `m` has the top bit of the bytes found set (and maybe
 * of bytes after the first, never before): its index, 0–3.
 */
function firstFlagged(m: number): number {
  return (31 - Math.clz32(m & -m)) >> 3;
}

/**
 * The top bit of each byte of `w` (4 ASCII bytes) that is a `"`, and maybe of bytes after the first:
 * the classic test for a zero byte, on `w ^ '""""'` (exact for the first, as no byte has its top bit set).
 */
function quotes(w: number): number {
  const x = w ^ 0x22222222;
  return (x - 0x01010101) & ~x & 0x80808080;
}

/** The hash of the value {@link copyHashed} read last. */
let valueHash = 0;

/**
 * Copies the value (of a pattern's match) that starts at `bytes[from]` and ends before the next `"` to
 * the end of the block's text, hashing it on the way (`handleIdHash`, into {@link valueHash}); the
 * quote's position.
 */
function copyHashed(from: number): number {
  const v = words;
  const o = textWords;
  let h = FNV_OFFSET;
  let i = from;
  let j = blockText;
  for (;;) {
    const w = v.getInt32(i, true);
    o.setInt32(j, w, true);
    const m = quotes(w);
    if (m !== 0) {
      const k = firstFlagged(m);
      for (let b = 0; b < k; b++) h = Math.imul(h ^ ((w >>> (8 * b)) & 0xff), FNV_PRIME);
      valueHash = h;
      blockText = j + k;
      return i + k;
    }
    h = Math.imul(h ^ (w & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((w >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((w >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ (w >>> 24), FNV_PRIME);
    i += 4;
    j += 4;
  }
}

/** {@link copyHashed} without the hash. */
function copyValue(from: number): number {
  const v = words;
  const o = textWords;
  let i = from;
  let j = blockText;
  for (;;) {
    const w = v.getInt32(i, true);
    o.setInt32(j, w, true);
    const m = quotes(w);
    if (m !== 0) {
      const k = firstFlagged(m);
      blockText = j + k;
      return i + k;
    }
    i += 4;
    j += 4;
  }
}

/**
 * Copies the digits (of a pattern's match) that start at `bytes[from]` and end before a `,` or a line
 * break to the end of the block's text (room for them and 3 bytes more); where they end.
 */
function copyDigits(from: number): number {
  const v = words;
  const o = textWords;
  let i = from;
  let j = blockText;
  for (;;) {
    const w = v.getInt32(i, true);
    o.setInt32(j, w, true);
    // The top bit of each byte below "0" (and maybe of bytes after the first): digits are not.
    const m = (w - 0x30303030) & ~w & 0x80808080;
    if (m !== 0) {
      const k = firstFlagged(m);
      blockText = j + k;
      return i + k;
    }
    i += 4;
    j += 4;
  }
}

/** Makes the block's text hold at least `n` bytes. */
function growText(n: number): void {
  const b = Buffer.allocUnsafe(Math.max(2 * textBytes.length, n));
  textBytes.copy(b, 0, 0, blockText);
  textBytes = b;
  textWords = new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Whether a sequence number {@link sequences} read last is past 2^53. */
let sequencesUnsafe = false;
/** The ordinals seen in the block being read: `seen[o] === seenStamp` (a scratch column). */
let seen = new Int32Array(4096);
let seenStamp = 0;
/** 2^53 - 1, the largest safe integer, as text. */
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);

/**
 * The members of `sequenceNumberForAllocation` (`s[from, to)`, one `"ordinal": number` per line, 20
 * spaces in), written to the columns (ordinals, and the digits to the block's text); how many there
 * are, or -1 for a duplicate key or an ordinal the scratch column does not hold (the byte decoder then
 * reads the block). {@link sequencesUnsafe} says whether one is past 2^53.
 */
function sequences(s: string, from: number, to: number): number {
  if (++seenStamp === 0x7fffffff) {
    seen.fill(0);
    seenStamp = 1;
  }
  let unsafe = false;
  let n = 0;
  let p = from + 21; // 20 spaces and the key's quote
  for (;;) {
    let key = 0;
    for (let c = s.charCodeAt(p); c !== 0x22; c = s.charCodeAt(++p)) key = key * 10 + (c - 0x30);
    if (key >= seen.length) {
      if (key >= 1 << 20) return -1;
      const b = new Int32Array(1 << (32 - Math.clz32(key)));
      b.set(seen);
      seen = b;
    }
    if (seen[key] === seenStamp) return -1;
    seen[key] = seenStamp;
    p += 3; // '": '
    const v0 = p;
    if (blockText + (to - v0) + 4 > textBytes.length) growText(blockText + (to - v0) + 4);
    p = copyDigits(textFrom + v0) - textFrom;
    const digits = p - v0;
    if (digits > 16 || (digits === 16 && s.slice(v0, p) > MAX_SAFE)) unsafe = true;
    if (n === ordinals.length) {
      ordinals = grow(ordinals);
      ends = grow(ends);
    }
    ordinals[n] = key;
    ends[n++] = blockText;
    if (p >= to) {
      sequencesUnsafe = unsafe;
      return n;
    }
    p += 23; // ",\n", 20 spaces and the quote
  }
}
