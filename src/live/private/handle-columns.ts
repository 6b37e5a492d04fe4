/**
 * A dump's IPAM handles as columns, without an object or a string per handle (a dump holds one handle
 * per pod: 500,000 of them in a 363 MB file). The handles worker (`handles-worker.ts`) reads the file
 * with {@link readHandleColumns}, a matcher of kubectl's fixed layout that works on the file's bytes,
 * and transfers the columns (typed arrays) to the main thread at once; there {@link HandleTable} answers
 * what the reader and the check ask (an ID's bytes, hash, block, count), and builds a handle's
 * {@link LiveHandle} only when asked (`ClusterDump.handles` is built whole on first access).
 *
 * {@link readHandleColumns} takes exactly the items `template-decode.ts`'s `HANDLE` pattern takes
 * (printable ASCII strings without escapes, plain numbers, metadata of one line per member, one block)
 * and gives the same values; a file with anything else (another layout, an item the pattern leaves, an
 * item of another kind) gives undefined and is read by the main thread, with every check and message.
 * Each item is read by a byte template of that layout first (`templateItem`: the constant text compared
 * four bytes at a time, each string's bytes checked four at a time while its end is found, the name, CIDR
 * and ID hashed on the way), which takes exactly what the pattern takes and reads the same values
 * (`test/live/handle-template.property.test.ts`); the pattern decides only the items the template leaves.
 * Where WebAssembly with SIMD is there, the same steps run as a WebAssembly template (`handle-wasm.ts`,
 * 8 bytes of constant text and 16 of a string at a time) on a window in its memory, and WebAssembly
 * writes the columns too, item after item in one call per window, in that memory (shared: the main
 * thread is given views of it, not copies); the JavaScript `Columns` write them elsewhere. Tests compare
 * the template with the JavaScript one (`test/live/handle-template.property.test.ts`) and the two column
 * writers on whole files (`test/live/handle-columns-wasm.property.test.ts`).
 */
import fs from "fs";
import type { ByteSource, ItemText } from "../../io/json-list";
import { parseItemText, readKubectlJsonList } from "../../io/json-list";
import type { LoadedDocument } from "../../io/objects";
import { binaryProblem } from "../../io/read-input";
import { MAX_DUMP_BYTES } from "../../limits";
import { API_CRD_V1 } from "../../model/calico";
import type { FastHandle, FastItem } from "../fast-decode";
import type { ClusterDump, DumpSource, LiveHandle } from "../model";
import { compactInPlace, handleText, handleTextEquals } from "./compact-handle";
import { FNV_OFFSET, FNV_PRIME, handleIdHashOfBytes, setHandleHashes } from "./handle-ids";
import { R_AT_END, R_CIDR_AT, R_CIDR_END, R_CIDR_HASH, R_DELETED, R_ID_AT, R_ID_END, R_ID_HASH, R_ID_IS_NAME, R_NAME_AT, R_NAME_END, S_CIDRS, S_CIDR_SPANS, S_CIDR_OF, S_COUNTS, S_DELETED, S_FROM, S_ID_FROM, S_ID_HASH, S_ID_TO, S_N, S_NAME_ENDS, S_NAMES_TOP, S_SORTED, S_TEXT, S_TEXT_END, S_TO, handleWasm, rehashSlots } from "./handle-wasm";
import type { HandleTexts, HandleWasm } from "./handle-wasm";
import type { LatinBuffer } from "./latin-buffer";

/** The handles of one file, as the worker transfers them: item `i` of the file's `List` is handle `i`. */
export interface HandleColumns {
  readonly ok: true;
  readonly count: number;
  /**
   * Every name's bytes (its text, ASCII, or a pod's handle ID in its compact form: `compact-handle.ts`),
   * one after the other; name `i` is `names[nameEnds[i - 1], nameEnds[i])`.
   */
  readonly names: Uint8Array;
  readonly nameEnds: Int32Array;
  /** The bytes of the handle IDs that are not their object's name (as the names'); ID `i` is `ids[idFrom[i], idTo[i])`, or its name when `idFrom[i]` is -1. */
  readonly ids: Uint8Array;
  readonly idFrom: Int32Array;
  readonly idTo: Int32Array;
  /** The hash of each handle's ID (`handle-ids.ts`). */
  readonly idHash: Int32Array;
  /** The one block of each handle: `cidrs[cidrOf[i]]`, holding `counts[i]` addresses. */
  readonly cidrs: readonly string[];
  readonly cidrOf: Int32Array;
  readonly counts: Float64Array;
  readonly deleted: Uint8Array;
  /**
   * Where each item's text is in the file (`[from, to)`): 32-bit values (a file the matcher takes is at
   * most `MAX_DUMP_BYTES`, 512 MiB), half the fresh pages of 64-bit ones (8 MB for 500,000 handles).
   */
  readonly from: Uint32Array;
  readonly to: Uint32Array;
  /**
   * Whether every name is greater than the one before (kubectl sorts by name), compared as kept (a pod's
   * handle ID compact: `compact-handle.ts`, which sorts as its text but before other names that start as
   * it does): no name repeats. False tells nothing (the reader then looks for repeats).
   */
  readonly sorted: boolean;
  readonly listMetadata: Readonly<Record<string, unknown>> | undefined;
  /**
   * Memory the reader no longer uses once it has given the columns, its pages in memory already (the
   * WebAssembly reader's window, in the shared memory): the index of the handles (`handle-index.ts`)
   * is built there rather than in fresh pages. Undefined when there is none (JavaScript's columns).
   */
  readonly spare?: Int32Array;
}

/**
 * The buffers of {@link HandleColumns} `postMessage` transfers: none when the columns are in the
 * WebAssembly template's shared memory (a SharedArrayBuffer is shared with the main thread, not copied).
 */
export function transferables(c: HandleColumns): ArrayBuffer[] {
  const buffers = [c.names, c.nameEnds, c.ids, c.idFrom, c.idTo, c.idHash, c.cidrOf, c.counts, c.deleted, c.from, c.to].map((a) => a.buffer);
  return buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

// ---------------------------------------------------------------------------------------------------
// The matcher (worker side).

const sp = (n: number) => " ".repeat(n);
/** What `json-list.ts` looks for: the items' key, and the list's end. */
const ITEMS_KEY = Buffer.from('\n    "items": [');
const LIST_CLOSE = Buffer.from("\n    ]");
const FIRST_ITEM = `\n${sp(8)}{`;
const EDGE_BYTES = 64 * 1024;
/** A whole handle, as `template-decode.ts` matches it (its groups are not used: the values are found below). */
let HANDLE: RegExp | undefined;
/**
 * {@link HANDLE}, made on first need: the template reads kubectl's text alone, and `template-decode.ts`
 * brings dozens of modules with it (the block reader, the simulator's), which the worker would load for
 * nothing (~120 M instructions of its start).
 */
function handlePattern(): RegExp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (HANDLE === undefined) HANDLE = new RegExp((require("../template-decode") as typeof import("../template-decode")).HANDLE_SOURCE, "y");
  return HANDLE;
}
/** An item's first lines, up to its metadata's first member (the pattern matched them). */
const HEAD = `{\n${sp(12)}"apiVersion": "${API_CRD_V1}",\n${sp(12)}"kind": "IPAMHandle",\n${sp(12)}"metadata": {\n`.length;
/** The name's line (a metadata member: a line of its own, and no string holds a line break). */
const NAME_LINE = `${sp(16)}"name": "`;
/** The shortest line of a metadata member (`"": 0`). */
const MIN_LINE = `${sp(16)}"": 0`.length;
/** From the metadata's last member's line break to the block CIDR. */
const META_END = `\n${sp(12)}},\n${sp(12)}"spec": {\n${sp(16)}"block": {\n${sp(20)}"`;
/** From the count's end to `deleted`'s or `handleID`'s first letter. */
const DELETED_AT = `\n${sp(16)}},\n${sp(16)}"`.length;
/** From `deleted`'s first letter to `handleID`'s, when false (one more when true). */
const DELETED_LINE = `deleted": false,\n${sp(16)}"`.length;
const HANDLE_ID = `handleID": "`.length;
/** The length of the strings matched at once (strings of at most this are made in the young generation, faster). */
const SLICE = 96 * 1024;
/** The ID's closing quote and the item's end. */
const ITEM_END = `"\n${sp(12)}}\n${sp(8)}}`.length;
const NEXT_ITEM = `,\n${sp(8)}{`;


/** Bytes read at once; an item must lie within {@link AHEAD} bytes of the window's end. */
const CHUNK = 8 * 1024 * 1024;
const AHEAD = 256 * 1024;

/**
 * Reads a file that is a kubectl JSON `List` of IPAM handles (crd.projectcalico.org/v1) in kubectl's
 * layout, every item as `template-decode.ts` matches it; undefined for any other file (the caller then
 * reads it the usual way). `beat` is called every 1,024 items.
 */
export function readHandleColumns(file: string, beat: () => void = () => undefined): HandleColumns | undefined {
  return readHandleColumnsBy(file, "wasm", beat);
}

/** How many items the last {@link readHandleColumnsBy} read with WebAssembly's loop, and one by one (tests). */
export const lastRead = { wasmItems: 0, oneByOne: 0 };

/**
 * {@link readHandleColumns} with the columns written by WebAssembly (`"wasm"`: its template and column
 * writer, `handle-wasm.ts`, where WebAssembly with SIMD and shared memory is there) or by JavaScript
 * (tests compare the two). `room` (tests) replaces WebAssembly's room for items and for their names' and
 * IDs' bytes, which is made from the file's size; a file that needs more is not taken (undefined).
 */
export function readHandleColumnsBy(file: string, by: "wasm" | "javascript", beat: () => void = () => undefined, room?: { items: number; textBytes: number }): HandleColumns | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_DUMP_BYTES) return undefined;
    return readColumns(fd, stat.size, beat, by === "wasm", room);
  } finally {
    fs.closeSync(fd);
  }
}

function readInto(fd: number, out: Uint8Array, offset: number, from: number, length: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, out, offset + done, length - done, from + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** The columns being filled, item by item. */
class Columns {
  n = 0;
  nameEnds: Int32Array;
  idFrom: Int32Array;
  idTo: Int32Array;
  idHash: Int32Array;
  cidrOf: Int32Array;
  counts: Float64Array;
  deleted: Uint8Array;
  from: Uint32Array;
  to: Uint32Array;
  names: Uint8Array;
  namesLength = 0;
  ids: Uint8Array = new Uint8Array(1 << 16);
  idsLength = 0;

  /** `cap`: the items expected; `bytes`: the names' bytes expected. */
  constructor(
    public cap: number,
    bytes: number,
  ) {
    this.names = new Uint8Array(bytes);
    this.nameEnds = new Int32Array(cap);
    this.idFrom = new Int32Array(cap);
    this.idTo = new Int32Array(cap);
    this.idHash = new Int32Array(cap);
    this.cidrOf = new Int32Array(cap);
    this.counts = new Float64Array(cap);
    this.deleted = new Uint8Array(cap);
    this.from = new Uint32Array(cap);
    this.to = new Uint32Array(cap);
  }

  /** Room for one more item. */
  room(): void {
    if (this.n < this.cap) return;
    this.cap *= 2;
    this.nameEnds = growInt(this.nameEnds, this.cap);
    this.idFrom = growInt(this.idFrom, this.cap);
    this.idTo = growInt(this.idTo, this.cap);
    this.idHash = growInt(this.idHash, this.cap);
    this.cidrOf = growInt(this.cidrOf, this.cap);
    this.counts = growFloat(this.counts, this.cap);
    this.deleted = growBytes(this.deleted, this.cap);
    this.from = growUint(this.from, this.cap);
    this.to = growUint(this.to, this.cap);
  }
}

function growInt(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growFloat(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
function growUint(a: Uint32Array, n: number): Uint32Array {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}
function growBytes(a: Uint8Array, n: number): Uint8Array {
  let size = a.length * 2;
  while (size < n) size *= 2;
  const b = new Uint8Array(size);
  b.set(a);
  return b;
}

/** Block CIDRs by their bytes: an open-addressed table of (hash, index + 1), and each CIDR's bytes. */
class CidrIndex {
  readonly cidrs: string[] = [];
  private bytes: Uint8Array = new Uint8Array(1 << 16);
  private ends: Int32Array = new Int32Array(1 << 10);
  private length = 0;
  private mask = (1 << 12) - 1;
  private table = new Int32Array((this.mask + 1) * 2);

  /** The index of the CIDR `b[from, to)` whose hash is `h`. */
  indexOf(b: Buffer, from: number, to: number, h: number): number {
    const n = to - from;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (let k = table[2 * slot + 1]; k !== 0; slot = (slot + 1) & mask, k = table[2 * slot + 1]) {
      if (table[2 * slot] !== h) continue;
      const s = k === 1 ? 0 : this.ends[k - 2];
      if (this.ends[k - 1] - s !== n) continue;
      let i = 0;
      while (i < n && this.bytes[s + i] === b[from + i]) i++;
      if (i === n) return k - 1;
    }
    const c = this.cidrs.length;
    this.cidrs.push(b.toString("latin1", from, to));
    if (this.length + n > this.bytes.length) this.bytes = growBytes(this.bytes, this.length + n);
    for (let i = 0; i < n; i++) this.bytes[this.length + i] = b[from + i];
    this.length += n;
    if (c >= this.ends.length) this.ends = growInt(this.ends, this.ends.length * 2);
    this.ends[c] = this.length;
    table[2 * slot] = h;
    table[2 * slot + 1] = c + 1;
    if (this.cidrs.length * 2 > mask) this.rehash();
    return c;
  }

  private rehash(): void {
    const old = this.table;
    const mask = this.mask * 2 + 1;
    const table = new Int32Array((mask + 1) * 2);
    rehashSlots(old, table, mask);
    this.mask = mask;
    this.table = table;
  }
}

// The template: an item checked byte by byte against kubectl's layout, its values read on the way.

/** Each byte's class in a string without escapes: 1 plain (printable ASCII but `"` and `\`), 2 the closing quote, 0 anything else. */
const STRING_BYTE = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) STRING_BYTE[c] = 1;
STRING_BYTE[0x22] = 2;
STRING_BYTE[0x5c] = 0;

/**
 * Constant text: a test of whether a window holds it at a position (before a limit), and its length.
 * The test is written out as comparisons of four bytes at a time with the text's words (a loop over
 * the words costs several times more per word) and compiled once, from the constant text only.
 */
interface Text {
  readonly text: string;
  readonly test: (view: DataView, q: number, limit: number) => boolean;
  readonly length: number;
  /** The text's first four bytes as a little-endian word (0 when shorter). */
  readonly word: number;
}
function text(s: string): Text {
  const bytes = Buffer.from(s, "latin1");
  const tests = [`q + ${bytes.length} <= limit`];
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) tests.push(`view.getInt32(q + ${i}, true) === ${bytes.readInt32LE(i)}`);
  for (; i < bytes.length; i++) tests.push(`view.getUint8(q + ${i}) === ${bytes[i]}`);
  const test = new Function("view", "q", "limit", `return ${tests.join(" && ")};`) as Text["test"];
  return { text: s, test, length: bytes.length, word: bytes.length >= 4 ? bytes.readInt32LE(0) : 0 };
}
/** An item's first lines, up to its metadata's first member's key. */
const T_HEAD = text(`{\n${sp(12)}"apiVersion": "${API_CRD_V1}",\n${sp(12)}"kind": "IPAMHandle",\n${sp(12)}"metadata": {\n${sp(16)}"`);
/** The name's key, up to its value. */
const T_NAME = text(`name": "`);
/** Between a metadata member's value and the next member's key. */
const T_MEMBER = text(`,\n${sp(16)}"`);
/** From the metadata's last member's value to the block CIDR. */
const T_SPEC = text(META_END);
/** From the count's end to the handle ID, with `deleted` false, true, or absent. */
const T_DELETED_FALSE = text(`\n${sp(16)}},\n${sp(16)}"deleted": false,\n${sp(16)}"handleID": "`);
const T_DELETED_TRUE = text(`\n${sp(16)}},\n${sp(16)}"deleted": true,\n${sp(16)}"handleID": "`);
const T_NO_DELETED = text(`\n${sp(16)}},\n${sp(16)}"handleID": "`);
/** The ID's closing quote and the item's end. */
const T_ITEM_END = text(`"\n${sp(12)}}\n${sp(8)}}`);
const T_TRUE = text("true");
const T_FALSE = text("false");
const T_NULL = text("null");
const T_FIRST_ITEM = text(FIRST_ITEM);
/** The texts the WebAssembly template (`handle-wasm.ts`) compares, the same. */
const TEXTS: HandleTexts = {
  head: T_HEAD.text,
  name: T_NAME.text,
  member: T_MEMBER.text,
  spec: T_SPEC.text,
  deletedFalse: T_DELETED_FALSE.text,
  deletedTrue: T_DELETED_TRUE.text,
  noDeleted: T_NO_DELETED.text,
  itemEnd: T_ITEM_END.text,
};
/** The reader's window: {@link CHUNK} bytes, {@link AHEAD} more for an item across its end, a 0 byte and room for a word. */
const WINDOW = CHUNK + AHEAD + 8;
/** The shortest item the template or the pattern takes (empty name, CIDR and ID, a count of one digit): a file of `b` bytes of items holds fewer than `b / MIN_ITEM + 1`. */
const MIN_ITEM = T_HEAD.length + T_NAME.length + 1 + T_SPEC.length + `": 0`.length + T_NO_DELETED.length + T_ITEM_END.length;
/** A small WebAssembly template for {@link handleItemAt} (tests), made on first use. */
let testWasm: HandleWasm | undefined;

/** Reads the handle at `b[at]` (`b` the WebAssembly template's window, `limit` its text's end: a 0 byte there) into `f`, as {@link templateItem}. */
function wasmItem(w: HandleWasm, at: number, limit: number, f: ItemFields): boolean {
  const base = w.window.byteOffset;
  const end = w.handle(base + at, base + limit);
  if (end < 0) return false;
  const o = w.out;
  f.nameAt = o[R_NAME_AT] - base;
  f.nameEnd = o[R_NAME_END] - base;
  f.cidrAt = o[R_CIDR_AT] - base;
  f.cidrEnd = o[R_CIDR_END] - base;
  f.cidrHash = o[R_CIDR_HASH];
  f.count = w.count[0];
  f.deleted = o[R_DELETED] === 1;
  f.idAt = o[R_ID_AT] - base;
  f.idEnd = o[R_ID_END] - base;
  f.idHash = o[R_ID_HASH];
  f.idIsName = o[R_ID_IS_NAME] === 1;
  f.end = end - base;
  return true;
}
const T_NEXT_ITEM = text(NEXT_ITEM);

/**
 * The bytes of the word `w` that are not plain (`STRING_BYTE` 1: below 0x20, above 0x7e, a quote or a
 * backslash), as the high bits of their bytes: 0 when all four are plain. The lowest bit set is exact
 * (that byte is not plain, and every byte before it is); bits above it may be set for plain bytes.
 */
function notPlain(w: number): number {
  const quote = w ^ 0x22222222;
  const backslash = w ^ 0x5c5c5c5c;
  return (((w - 0x20202020) & ~w) | (w + 0x01010101) | w | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080;
}

/** The index (0–3) of the byte of the lowest bit set in `m` (not 0). */
function firstByte(m: number): number {
  return (31 - Math.clz32(m & -m)) >> 3;
}

/** Where the string whose text starts at `q` ends (its closing quote), or -1 when a byte before is not plain. */
function stringEnd(b: Uint8Array, view: DataView, q: number): number {
  let m = notPlain(view.getInt32(q, true));
  while (m === 0) m = notPlain(view.getInt32((q += 4), true));
  q += firstByte(m);
  return b[q] === 0x22 ? q : -1;
}

/** As {@link stringEnd}, the text hashed on the way (FNV-1a of its bytes; {@link hashed} is then the hash). */
function hashedStringEnd(b: Uint8Array, view: DataView, q: number): number {
  let h = FNV_OFFSET;
  let w = view.getInt32(q, true);
  let m = notPlain(w);
  for (; m === 0; m = notPlain((w = view.getInt32((q += 4), true)))) {
    h = Math.imul(h ^ (w & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((w >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((w >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ (w >>> 24), FNV_PRIME);
  }
  const n = firstByte(m);
  for (let i = 0; i < n; i++, w >>>= 8) h = Math.imul(h ^ (w & 0xff), FNV_PRIME);
  hashed = h;
  q += n;
  return b[q] === 0x22 ? q : -1;
}
let hashed = 0;

/** Whether `b[from, from + n)` and `b[to, to + n)` are the same bytes. */
function sameBytes(b: Uint8Array, view: DataView, from: number, to: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (view.getInt32(from + i, true) !== view.getInt32(to + i, true)) return false;
  for (; i < n; i++) if (b[from + i] !== b[to + i]) return false;
  return true;
}

/** The end of a JSON number's text at `q` (greedy, as the pattern's `NUMBER`); -1 when there is none. */
function numberEnd(b: Uint8Array, q: number): number {
  if (b[q] === 0x2d) q++;
  let c = b[q];
  if (c === 0x30) c = b[++q];
  else if (c >= 0x31 && c <= 0x39) for (c = b[++q]; c >= 0x30 && c <= 0x39; c = b[++q]);
  else return -1;
  if (c === 0x2e) {
    c = b[q + 1];
    if (!(c >= 0x30 && c <= 0x39)) return q;
    for (q += 2, c = b[q]; c >= 0x30 && c <= 0x39; c = b[++q]);
  }
  if (c === 0x65 || c === 0x45) {
    let r = q + 1;
    if (b[r] === 0x2b || b[r] === 0x2d) r++;
    c = b[r];
    if (!(c >= 0x30 && c <= 0x39)) return q;
    for (c = b[++r]; c >= 0x30 && c <= 0x39; c = b[++r]);
    q = r;
  }
  return q;
}

/** `name` as a little-endian word (the start of {@link T_NAME}). */
const NAME_WORD = T_NAME.word;

/**
 * The end of a metadata member other than `name` whose key starts at `q` (after its quote): the key,
 * `": `, and a string, number, true, false or null; -1 when it is not one.
 */
function memberEnd(b: Uint8Array, view: DataView, q: number, limit: number): number {
  if (view.getInt32(q, true) === NAME_WORD && b[q + 4] === 0x22) return -1; // (the name's line is the name's)
  q = stringEnd(b, view, q);
  if (q < 0 || b[q + 1] !== 0x3a || b[q + 2] !== 0x20) return -1;
  q += 3;
  const c = b[q];
  if (c === 0x22) {
    q = stringEnd(b, view, q + 1);
    return q < 0 ? -1 : q + 1;
  }
  if (c === 0x74) return T_TRUE.test(view, q, limit) ? q + 4 : -1;
  if (c === 0x66) return T_FALSE.test(view, q, limit) ? q + 5 : -1;
  if (c === 0x6e) return T_NULL.test(view, q, limit) ? q + 4 : -1;
  return numberEnd(b, q);
}

/** What a matcher read of one item: positions in the bytes it was given, and the values. */
class ItemFields {
  nameAt = 0;
  nameEnd = 0;
  cidrAt = 0;
  cidrEnd = 0;
  /** The CIDR's hash (FNV-1a of its bytes: {@link CidrIndex}). */
  cidrHash = 0;
  count = 0;
  deleted = false;
  idAt = 0;
  idEnd = 0;
  /** The ID's hash (`handle-ids.ts`). */
  idHash = 0;
  /** Whether the ID is the name (same bytes). */
  idIsName = false;
  /** Just after the item's closing brace. */
  end = 0;
}

/**
 * Reads the handle whose `{` is at `b[at]` into `f` when it is in kubectl's layout; false when it is not
 * (the pattern then decides). It takes exactly what {@link HANDLE} takes, and reads the same values.
 * Nothing at or after `limit` is read as the item's: `b[limit]` is a byte no text holds (every scan of a
 * string stops there), and `view` has room for a word there. The checks work on four bytes at once
 * where they can (a JavaScript loop costs about as much per byte as per word).
 */
function templateItem(b: Uint8Array, view: DataView, at: number, limit: number, f: ItemFields): boolean {
  if (!T_HEAD.test(view, at, limit)) return false;
  let q = at + T_HEAD.length;
  // The members before the name, each with its line break and the next key's quote.
  while (!(view.getInt32(q, true) === NAME_WORD && T_NAME.test(view, q, limit))) {
    q = memberEnd(b, view, q, limit);
    if (q < 0 || !T_MEMBER.test(view, q, limit)) return false;
    q += T_MEMBER.length;
  }
  // The name, hashed on the way (the ID is most often the name).
  const nameAt = q + T_NAME.length;
  const nameEnd = hashedStringEnd(b, view, nameAt);
  if (nameEnd < 0) return false;
  let hash = hashed;
  q = nameEnd + 1;
  // The members after it.
  while (T_MEMBER.test(view, q, limit)) {
    q = memberEnd(b, view, q + T_MEMBER.length, limit);
    if (q < 0) return false;
  }
  if (!T_SPEC.test(view, q, limit)) return false;
  // The block's CIDR (hashed for the CIDR index) and count.
  const cidrAt = q + T_SPEC.length;
  const cidrEnd = hashedStringEnd(b, view, cidrAt);
  if (cidrEnd < 0 || b[cidrEnd + 1] !== 0x3a || b[cidrEnd + 2] !== 0x20) return false;
  const cidrHash = hashed;
  q = cidrEnd + 3;
  let count = 0;
  let c = b[q];
  if (c === 0x30) q++;
  else if (c >= 0x31 && c <= 0x39) {
    const from = q;
    for (; c >= 0x30 && c <= 0x39; c = b[++q]) count = count * 10 + (c - 0x30);
    if (q - from > 15) return false;
  } else return false;
  let deleted = false;
  if (T_DELETED_FALSE.test(view, q, limit)) q += T_DELETED_FALSE.length;
  else if (T_DELETED_TRUE.test(view, q, limit)) {
    q += T_DELETED_TRUE.length;
    deleted = true;
  } else if (T_NO_DELETED.test(view, q, limit)) q += T_NO_DELETED.length;
  else return false;
  // The ID: the name's bytes and a quote, or any string (hashed).
  const idAt = q;
  const nameLength = nameEnd - nameAt;
  const idIsName = idAt + nameLength < limit && b[idAt + nameLength] === 0x22 && sameBytes(b, view, nameAt, idAt, nameLength);
  let idEnd = idAt + nameLength;
  if (!idIsName) {
    idEnd = hashedStringEnd(b, view, idAt);
    if (idEnd < 0) return false;
    hash = hashed;
  }
  if (!T_ITEM_END.test(view, idEnd, limit)) return false;
  f.nameAt = nameAt;
  f.nameEnd = nameEnd;
  f.cidrAt = cidrAt;
  f.cidrEnd = cidrEnd;
  f.cidrHash = cidrHash;
  f.count = count;
  f.deleted = deleted;
  f.idAt = idAt;
  f.idEnd = idEnd;
  f.idHash = hash;
  f.idIsName = idIsName;
  f.end = idEnd + T_ITEM_END.length;
  return true;
}

/**
 * Records the item at `b[at]` whose values are in `f` (as the window's positions) into the columns in
 * WebAssembly's memory (its `record`, as the JavaScript `Columns` write them); false when there is no room.
 */
function wasmRecord(w: HandleWasm, at: number, f: ItemFields): boolean {
  const base = w.window.byteOffset;
  const o = w.out;
  o[R_NAME_AT] = f.nameAt + base;
  o[R_NAME_END] = f.nameEnd + base;
  o[R_CIDR_AT] = f.cidrAt + base;
  o[R_CIDR_END] = f.cidrEnd + base;
  o[R_CIDR_HASH] = f.cidrHash;
  w.count[0] = f.count;
  o[R_DELETED] = f.deleted ? 1 : 0;
  o[R_ID_AT] = f.idAt + base;
  o[R_ID_END] = f.idEnd + base;
  o[R_ID_HASH] = f.idHash;
  o[R_ID_IS_NAME] = f.idIsName ? 1 : 0;
  if (w.tableFull()) w.grow();
  return w.record(at + base, f.end + base) === 0;
}

/** The columns WebAssembly wrote (views of its memory, shared with the thread they are posted to, not copied). */
function wasmColumns(w: HandleWasm, listMetadata: Readonly<Record<string, unknown>> | undefined): HandleColumns {
  const m = w.memory;
  const st = w.state;
  const n = st[S_N];
  const text = st[S_TEXT];
  const bytes = Buffer.from(m) as LatinBuffer;
  const cidrs = new Array<string>(st[S_CIDRS]);
  const spans = new Int32Array(m, st[S_CIDR_SPANS], 2 * cidrs.length);
  for (let i = 0; i < cidrs.length; i++) cidrs[i] = bytes.latin1Slice(spans[2 * i], spans[2 * i + 1]);
  return {
    ok: true,
    count: n,
    names: new Uint8Array(m, text, st[S_NAMES_TOP] - text),
    nameEnds: new Int32Array(m, st[S_NAME_ENDS], n),
    // (The IDs that are not names are below the region's end; their places count from its start.)
    ids: new Uint8Array(m, text, st[S_TEXT_END] - text),
    idFrom: new Int32Array(m, st[S_ID_FROM], n),
    idTo: new Int32Array(m, st[S_ID_TO], n),
    idHash: new Int32Array(m, st[S_ID_HASH], n),
    cidrs,
    cidrOf: new Int32Array(m, st[S_CIDR_OF], n),
    counts: new Float64Array(m, st[S_COUNTS], n),
    deleted: new Uint8Array(m, st[S_DELETED], n),
    from: new Uint32Array(m, st[S_FROM], n),
    to: new Uint32Array(m, st[S_TO], n),
    sorted: st[S_SORTED] === 1,
    listMetadata,
    // (The reader is done with its window: the last item was read.)
    spare: new Int32Array(m, w.window.byteOffset, w.window.length >> 2),
  };
}

// The pattern's way (any item the template leaves): the byte loops, each a function of its own (V8
// compiles small functions better than loops inlined in a long one). Each relies on the pattern having
// matched the item first.

/** The start of the metadata's `name` line, from the start of its first line `q`. */
function nameLineAt(b: Uint8Array, q: number): number {
  // The name's line is the one whose key is `name`: 16 spaces, `"name"`.
  while (!(b[q + 21] === 0x22 && b[q + 17] === 0x6e && b[q + 18] === 0x61 && b[q + 19] === 0x6d && b[q + 20] === 0x65)) {
    q += MIN_LINE; // (no member's line is shorter)
    while (b[q] !== 0x0a) q++;
    q++;
  }
  return q;
}

/** The line break before the metadata's closing line (12 spaces and "}"), from the break ending a member's line `q`. */
function metadataEnd(b: Uint8Array, q: number): number {
  while (b[q + 13] !== 0x7d) {
    q += 1 + MIN_LINE;
    while (b[q] !== 0x0a) q++;
  }
  return q;
}

/**
 * Reads into `f` the values of the handle `b[at, end)` that {@link HANDLE} matched, found from the
 * constant text the pattern matched.
 */
function patternItem(b: Uint8Array, at: number, end: number, f: ItemFields): void {
  // (Byte by byte: the metadata's lines are short, and a search of the string costs more.)
  const nameAt = nameLineAt(b, at + HEAD) + NAME_LINE.length;
  let q = nameAt;
  while (b[q] !== 0x22) q++;
  const nameEnd = q;
  q++;
  if (b[q] === 0x2c) q++;
  const cidrAt = metadataEnd(b, q) + META_END.length;
  q = cidrAt;
  let h = FNV_OFFSET;
  for (let c = b[q]; c !== 0x22; c = b[++q]) h = Math.imul(h ^ c, FNV_PRIME);
  const cidrEnd = q;
  q += 3; // '": '
  let count = 0;
  for (let c = b[q]; c >= 0x30 && c <= 0x39; c = b[++q]) count = count * 10 + (c - 0x30);
  q += DELETED_AT;
  let deleted = false;
  if (b[q] === 0x64 /* d */) {
    deleted = b[q + 10] === 0x74; /* deleted": t(rue) */
    q += DELETED_LINE - (deleted ? 1 : 0);
  }
  const idAt = q + HANDLE_ID;
  const idEnd = end - ITEM_END;
  const nameLength = nameEnd - nameAt;
  let i = 0;
  if (idEnd - idAt === nameLength) while (i < nameLength && b[idAt + i] === b[nameAt + i]) i++;
  f.nameAt = nameAt;
  f.nameEnd = nameEnd;
  f.cidrAt = cidrAt;
  f.cidrEnd = cidrEnd;
  f.cidrHash = h;
  f.count = count;
  f.deleted = deleted;
  f.idAt = idAt;
  f.idEnd = idEnd;
  f.idIsName = i === nameLength && idEnd - idAt === nameLength;
  f.idHash = handleIdHashOfBytes(b, idAt, idEnd);
  f.end = end;
}

/**
 * The values of the handle whose `{` is at `bytes[at]`, as the template (`"template"`) or the pattern
 * (`"pattern"`) reads it; undefined when that one does not take it (tests: the template must read what
 * the pattern reads, and take nothing else).
 */
export function handleItemAt(bytes: Uint8Array, at: number, by: "template" | "pattern" | "wasm"): Readonly<ItemFields> | undefined {
  const f = new ItemFields();
  if (by === "pattern") {
    const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
    const pattern = handlePattern();
    pattern.lastIndex = at;
    if (!pattern.test(s)) return undefined;
    patternItem(bytes, at, pattern.lastIndex, f);
    return f;
  }
  if (by === "wasm") {
    if (testWasm === undefined || bytes.length + 8 > testWasm.window.length) testWasm = handleWasm(TEXTS, NEXT_ITEM, Math.max(64 * 1024, bytes.length + 8));
    const w = testWasm;
    if (w === undefined) throw new Error("no WebAssembly template");
    w.window.set(bytes);
    w.window[bytes.length] = 0;
    return wasmItem(w, at, bytes.length, f) ? f : undefined;
  }
  // (A copy with the byte no text holds after it, and room for a word.)
  const b = new Uint8Array(bytes.length + 8);
  b.set(bytes);
  return templateItem(b, new DataView(b.buffer), at, bytes.length, f) ? f : undefined;
}

/**
 * The file's items being read: the window of the file's bytes, the string the pattern reads, and the
 * columns filled. (A class, its steps small methods: V8 optimizes each as soon as it is hot, where one
 * long loop waits for a compile of the whole loop, run by the interpreter meanwhile.)
 */
class ItemReader {
  /** The columns (JavaScript's), or undefined when WebAssembly writes them in its memory. */
  readonly out: Columns | undefined;
  readonly cidrs = new CidrIndex();
  readonly f = new ItemFields();
  /** Whether every name so far is greater than the one before; where the last name starts in `names`. */
  sorted = true;
  prevName = -1;
  /** A view of `out.names`. */
  namesView: DataView;
  /**
   * The window: file bytes [base, base + length) in `buf`, then a 0 byte (no text holds it: every scan
   * of the template stops there) and room for a word; and, when the pattern needs it, `buf[sFrom, sTo)`
   * as a string `s` (latin1: one character per byte).
   */
  /** The WebAssembly template and column writer, whose window {@link buf} is. */
  readonly wasm: HandleWasm | undefined;
  buf: Buffer;
  view: DataView;
  base = 0;
  length = 0;
  s = "";
  sFrom = 0;
  sTo = 0;

  constructor(
    readonly fd: number,
    readonly size: number,
    /** The items' bytes (`[` to the List's close). */
    bytes: number,
    readonly beat: () => void,
    wasm: boolean,
    room = { items: Math.floor(bytes / MIN_ITEM) + 1, textBytes: bytes },
  ) {
    // WebAssembly's columns: room for every item the file may hold (untouched room takes no memory).
    this.wasm = wasm ? handleWasm(TEXTS, NEXT_ITEM, WINDOW, room.items, room.textBytes) : undefined;
    this.buf = this.wasm?.window ?? Buffer.allocUnsafe(WINDOW);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    // (Room for the items a file of this size may hold, and their names: the columns rarely grow.)
    this.out = this.wasm === undefined ? new Columns(Math.ceil(bytes / 600) + 1024, Math.ceil(bytes / 8) + 4096) : undefined;
    this.namesView = new DataView(this.out?.names.buffer ?? new ArrayBuffer(0));
  }

  /** Keeps the bytes from file position p, then reads on. */
  fill(p: number): void {
    const keep = Math.max(0, this.base + this.length - p);
    if (keep > 0) this.buf.copy(this.buf, 0, p - this.base, p - this.base + keep);
    // (keep < AHEAD: the window is never too small.)
    this.base = p;
    if (this.wasm !== undefined) this.wasm.base[0] = p;
    this.length = keep + readInto(this.fd, this.buf, keep, p + keep, Math.min(this.buf.length - 8 - keep, this.size - p - keep));
    this.buf[this.length] = 0;
    this.s = "";
    this.sFrom = this.sTo = 0;
  }

  /** The window's string from `from` (a position in the window). */
  private slice(from: number): void {
    this.sFrom = from;
    this.sTo = Math.min(this.length, from + SLICE);
    this.s = this.buf.toString("latin1", this.sFrom, this.sTo);
  }

  /** Whether the pattern takes the item at `at` (in the window); its values are then in `f`. */
  private pattern(at: number): boolean {
    if (at < this.sFrom || at >= this.sTo) this.slice(at);
    const pattern = handlePattern();
    pattern.lastIndex = at - this.sFrom;
    if (!pattern.test(this.s)) {
      // Cut by the string's end? Again from the item's start.
      if (this.sTo === this.length || at === this.sFrom) return false;
      this.slice(at);
      pattern.lastIndex = 0;
      if (!pattern.test(this.s)) return false;
    }
    patternItem(this.buf, at, pattern.lastIndex + this.sFrom, this.f);
    return true;
  }

  /** Reads the item whose `{` is at file position `p` into the columns: the file position of its end, or -1 when neither the template nor the pattern takes it. */
  item(p: number): number {
    const at = p - this.base;
    const f = this.f;
    const w = this.wasm;
    const taken = w !== undefined ? wasmItem(w, at, this.length, f) : templateItem(this.buf, this.view, at, this.length, f);
    if (!taken && !this.pattern(at)) return -1;
    if (f.cidrEnd - f.cidrAt === 9 && this.buf.toString("latin1", f.cidrAt, f.cidrEnd) === "__proto__") return -1; // JSON.parse makes an own "__proto__" key; leave that to it
    lastRead.oneByOne++;
    const out = this.out;
    if (out === undefined) return w !== undefined && wasmRecord(w, at, f) ? this.base + f.end : -1;
    const n = out.n;
    if ((n & 1023) === 0) this.beat();
    out.room();
    this.name();
    out.idHash[n] = f.idHash;
    if (f.idIsName) {
      out.idFrom[n] = -1;
      out.idTo[n] = -1;
    } else this.id();
    out.cidrOf[n] = this.cidrs.indexOf(this.buf, f.cidrAt, f.cidrEnd, f.cidrHash);
    out.counts[n] = f.count;
    out.deleted[n] = f.deleted ? 1 : 0;
    out.from[n] = p;
    out.to[n] = this.base + f.end;
    out.n = n + 1;
    return this.base + f.end;
  }

  /** The name copied to the names (four bytes at a time; a pod's handle ID then made compact), and compared with the one before. */
  private name(): void {
    const out = this.out as Columns;
    const view = this.view;
    const nameAt = this.f.nameAt;
    const textLength = this.f.nameEnd - nameAt;
    // (Room for the name and a word after it: the last word copied may hold bytes after the name.)
    if (out.namesLength + textLength + 4 > out.names.length) this.namesView = new DataView((out.names = growBytes(out.names, out.namesLength + textLength + 4)).buffer);
    const names = this.namesView;
    const start = out.namesLength;
    for (let i = 0; i < textLength; i += 4) names.setInt32(start + i, view.getInt32(nameAt + i, true), true);
    // A pod's handle ID in its compact form (`compact-handle.ts`), any other name as its text.
    const nameLength = compactInPlace(out.names, start, start + textLength) - start;
    const prevName = this.prevName;
    if (this.sorted && prevName >= 0) {
      // Is this name greater than the one before, as kept? (Byte order is string order for ASCII, and for
      // compact IDs among themselves: see `HandleColumns.sorted`.) The first word that differs, then its
      // first byte that differs.
      const prevLength = start - prevName;
      const common = Math.min(prevLength, nameLength);
      let i = 0;
      while (i + 4 <= common && names.getInt32(prevName + i, true) === names.getInt32(start + i, true)) i += 4;
      while (i < common && names.getUint8(prevName + i) === names.getUint8(start + i)) i++;
      if (i === nameLength || (i < prevLength && names.getUint8(start + i) < names.getUint8(prevName + i))) this.sorted = false;
    }
    this.prevName = start;
    out.namesLength = start + nameLength;
    out.nameEnds[out.n] = out.namesLength;
  }

  /** The ID (not the name) copied to the IDs (a pod's handle ID then made compact). */
  private id(): void {
    const out = this.out as Columns;
    const b = this.buf;
    const n = out.n;
    const idAt = this.f.idAt;
    const idLength = this.f.idEnd - idAt;
    if (out.idsLength + idLength > out.ids.length) out.ids = growBytes(out.ids, out.idsLength + idLength);
    const ids = out.ids;
    const start = out.idsLength;
    for (let i = 0; i < idLength; i++) ids[start + i] = b[idAt + i];
    out.idFrom[n] = start;
    out.idsLength = compactInPlace(ids, start, start + idLength);
    out.idTo[n] = out.idsLength;
  }
}

function readColumns(fd: number, size: number, beat: () => void, wasm: boolean, room?: { items: number; textBytes: number }): HandleColumns | undefined {
  const source: ByteSource = {
    size,
    read(from, to) {
      const out = Buffer.allocUnsafe(Math.max(0, to - from));
      return out.subarray(0, readInto(fd, out, 0, from, to - from));
    },
  };
  const head = source.read(0, Math.min(size, EDGE_BYTES));
  if (binaryProblem(head) !== undefined) return undefined;
  const itemsAt = head.indexOf(ITEMS_KEY);
  const tailFrom = Math.max(0, size - EDGE_BYTES);
  const closeInTail = source.read(tailFrom, size).lastIndexOf(LIST_CLOSE);
  if (itemsAt < 0 || closeInTail < 0) return undefined;
  const close = tailFrom + closeInTail;
  const open = itemsAt + ITEMS_KEY.length; // just after "["
  if (close < open - 1) return undefined;
  const r = new ItemReader(fd, size, Math.max(0, close - open), beat, wasm, room);
  // The list's head and tail as the List reader checks them (its items are not read there), the first
  // items' bytes it reads put in the reader's window (not in two new buffers, one copied to the other).
  source.buffer = (n) => (n <= r.buf.length ? r.buf.subarray(0, n) : Buffer.allocUnsafe(n));
  source.readInto = (out, offset, from, to) => readInto(fd, out, offset, from, to - from);
  const list = readKubectlJsonList(source);
  if (list === undefined) return undefined;
  const listMetadata = typeof list.list.metadata === "object" && list.list.metadata !== null ? (list.list.metadata as Record<string, unknown>) : undefined;
  lastRead.wasmItems = lastRead.oneByOne = 0;
  r.fill(open);
  // "[", then the first item's "{" on a line of its own 8 spaces in.
  if (!T_FIRST_ITEM.test(r.view, 0, r.length)) return undefined;
  let p = open + T_FIRST_ITEM.length - 1; // an item's "{" (file position)
  const w = r.wasm;
  for (;;) {
    const more = r.base + r.length < size;
    if (more && p + AHEAD > r.base + r.length) r.fill(p);
    if (w !== undefined) {
      // WebAssembly's loop over the items in the window (up to AHEAD before its end when the file goes
      // on); an item it leaves is read below, one by one.
      const at = w.window.byteOffset - r.base; // (a file position's address in its memory)
      const stop = more ? r.base + r.length - AHEAD : r.base + r.length;
      const n = w.state[S_N];
      const q = w.items(p + at, r.length + w.window.byteOffset, stop + at, close <= r.base + r.length ? close + at : -1) - at;
      lastRead.wasmItems += w.state[S_N] - n;
      beat();
      if (w.out[R_AT_END] === 1) {
        if (q === close) break;
        return undefined;
      }
      if (q !== p || p > stop) {
        p = q;
        continue;
      }
      if (w.tableFull()) {
        w.grow();
        continue;
      }
    }
    const end = r.item(p);
    if (end < 0) return undefined;
    // Next: ",\n        {", or the list's end.
    if (end === close) break;
    if (!T_NEXT_ITEM.test(r.view, end - r.base, r.length)) return undefined;
    p = end + T_NEXT_ITEM.length - 1;
  }
  if (w !== undefined) return wasmColumns(w, listMetadata);
  const out = r.out as Columns;
  const n = out.n;
  // The columns as filled: views, not copies (their buffers, room after the items included, are moved
  // to the main thread; the room was never written, so it holds no memory).
  return {
    ok: true,
    count: n,
    names: out.names.subarray(0, out.namesLength),
    nameEnds: out.nameEnds.subarray(0, n),
    ids: out.ids.subarray(0, out.idsLength),
    idFrom: out.idFrom.subarray(0, n),
    idTo: out.idTo.subarray(0, n),
    idHash: out.idHash.subarray(0, n),
    cidrs: r.cidrs.cidrs,
    cidrOf: out.cidrOf.subarray(0, n),
    counts: out.counts.subarray(0, n),
    deleted: out.deleted.subarray(0, n),
    from: out.from.subarray(0, n),
    to: out.to.subarray(0, n),
    sorted: r.sorted,
    listMetadata,
  };
}

// ---------------------------------------------------------------------------------------------------
// The main thread's view.

/**
 * A file read by position, opened for each read (the items' text is read again only for duplicates).
 * Every item of the file keeps it (its text's source), so it lives to the end of the read: it is made
 * with `new`, not as an object literal, whose allocation site V8 would decide to tenure, throwing away
 * the optimized code of the blocks' loop that inlined it (`block-file.ts` makes one per part).
 */
export function fileSource(file: string): ByteSource {
  return new FileSource(file);
}

/** @internal {@link fileSource}'s source: its own fields are `size` and `read`, as the literal's were. */
export class FileSource implements ByteSource {
  readonly size: number;
  readonly read: (from: number, to: number) => Buffer;

  constructor(file: string) {
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      size = 0;
    }
    this.size = size;
    this.read = (from: number, to: number): Buffer => {
      const fd = fs.openSync(file, "r");
      try {
        const out = Buffer.allocUnsafe(Math.max(0, to - from));
        return out.subarray(0, readInto(fd, out, 0, from, to - from));
      } finally {
        fs.closeSync(fd);
      }
    };
  }
}

/** The IPAM handles of one file, as columns (see the module's comment). */
export class HandleTable {
  readonly count: number;
  readonly source: ByteSource;
  private built: LiveHandle[] | undefined;
  /** The names' and IDs' bytes as Buffers (their text is cut from them, or decoded: `compact-handle.ts`'s `handleText`). */
  private readonly namesText: Buffer;
  private readonly idsText: Buffer;
  /** One `block` object per block for the handles with one address there (as the matcher makes them). */
  private readonly ones: Array<Readonly<Record<string, number>> | undefined>;
  private nameStart(i: number): number {
    return i === 0 ? 0 : this.c.nameEnds[i - 1];
  }

  constructor(
    readonly file: string,
    readonly c: HandleColumns,
  ) {
    this.count = c.count;
    this.source = fileSource(file);
    this.namesText = Buffer.from(c.names.buffer, c.names.byteOffset, c.names.length);
    this.idsText = Buffer.from(c.ids.buffer, c.ids.byteOffset, c.ids.length);
    this.ones = new Array(c.cidrs.length);
  }

  /** The hashes of the IDs (`handle-ids.ts`), handle by handle. */
  get idHash(): Int32Array {
    return this.c.idHash;
  }

  name(i: number): string {
    return handleText(this.namesText, this.nameStart(i), this.c.nameEnds[i]);
  }

  handleId(i: number): string {
    const f = this.c.idFrom[i];
    return f < 0 ? this.name(i) : handleText(this.idsText, f, this.c.idTo[i]);
  }

  /** Where handle `i`'s ID is: its bytes and range. */
  private idBytes(i: number): { bytes: Uint8Array; from: number; to: number } {
    const f = this.c.idFrom[i];
    return f < 0 ? { bytes: this.c.names, from: this.nameStart(i), to: this.c.nameEnds[i] } : { bytes: this.c.ids, from: f, to: this.c.idTo[i] };
  }

  /** Whether handle `i`'s ID is `id`. */
  idEquals(i: number, id: string): boolean {
    const f = this.c.idFrom[i];
    const from = f < 0 ? this.nameStart(i) : f;
    const to = f < 0 ? this.c.nameEnds[i] : this.c.idTo[i];
    // (A text ID is cut as a string and compared whole: about twice as fast as a loop over its bytes.)
    return handleTextEquals(f < 0 ? this.namesText : this.idsText, from, to, id);
  }

  /** Whether handles `i` and `j` have the same ID. */
  sameId(i: number, j: number): boolean {
    const a = this.idBytes(i);
    const b = this.idBytes(j);
    if (a.to - a.from !== b.to - b.from) return false;
    for (let k = 0; k < a.to - a.from; k++) if (a.bytes[a.from + k] !== b.bytes[b.from + k]) return false;
    return true;
  }

  /** The block CIDRs the handles name, each once. */
  get cidrs(): readonly string[] {
    return this.c.cidrs;
  }

  /** Where the CIDR of handle `i`'s one block is in {@link cidrs}. */
  cidrIndex(i: number): number {
    return this.c.cidrOf[i];
  }

  /** Handle `i`'s addresses in its one block. */
  addresses(i: number): number {
    return this.c.counts[i];
  }

  /** Where handle `i` was read. */
  where(i: number): DumpSource {
    return { file: this.file, document: 1, apiVersion: API_CRD_V1, item: i };
  }

  /** Handle `i` as the dump reader makes it. */
  handle(i: number): LiveHandle {
    const name = this.name(i);
    return { name, handleId: this.c.idFrom[i] < 0 ? name : this.handleId(i), blocks: this.blocks(i), deleted: this.c.deleted[i] === 1, source: this.where(i) };
  }

  private blocks(i: number): Readonly<Record<string, number>> {
    const c = this.c.cidrOf[i];
    if (this.c.counts[i] === 1) {
      let one = this.ones[c];
      if (one === undefined) {
        const o = Object.create(null) as Record<string, number>;
        o[this.c.cidrs[c]] = 1;
        this.ones[c] = one = Object.freeze(o);
      }
      return one;
    }
    const b = Object.create(null) as Record<string, number>;
    b[this.c.cidrs[c]] = this.c.counts[i];
    return b;
  }

  /** Every handle (built once, on first call), with their ID hashes recorded for the check. */
  handles(): readonly LiveHandle[] {
    if (this.built === undefined) {
      const out = new Array<LiveHandle>(this.count);
      for (let i = 0; i < this.count; i++) out[i] = this.handle(i);
      setHandleHashes(out, this.c.idHash);
      this.built = out;
    }
    return this.built;
  }

  /** The handles as the documents `streamDumpObjects` gives (for a reader that takes them one by one). */
  *documents(): Generator<LoadedDocument> {
    for (let i = 0; i < this.count; i++) {
      const name = this.name(i);
      const decoded: FastHandle = { kind: "IPAMHandle", apiVersion: API_CRD_V1, name, handleId: this.c.idFrom[i] < 0 ? name : this.handleId(i), blocks: this.blocks(i) as Record<string, number>, deleted: this.c.deleted[i] === 1, idHash: this.c.idHash[i] };
      yield new TableDocument(this.file, i, decoded, this.source, this.c.from[i], this.c.to[i], this.c.listMetadata);
    }
  }
}

/** One item of a file a worker read (a handle of a table, a block), as `streamDumpObjects` gives a decoded item. */
export class TableDocument implements LoadedDocument, ItemText {
  readonly document = 1;
  readonly line = 1;
  constructor(
    readonly file: string,
    readonly item: number,
    readonly decoded: FastItem,
    readonly source: ByteSource,
    readonly from: number,
    readonly to: number,
    readonly listMetadata: Readonly<Record<string, unknown>> | undefined,
  ) {}

  get value(): unknown {
    return parseItemText(this);
  }

  get text(): ItemText {
    return this;
  }
}

/**
 * A whole file of handles as one document (what the handles thread gives the dump reader): the reader
 * keeps the table as it is when it is the dump's only source of IPAM handles, else takes
 * {@link HandleTable.documents} one by one.
 */
export class TableFileDocument implements LoadedDocument {
  readonly document = 1;
  readonly line = 1;
  readonly value = undefined;
  readonly listMetadata: Readonly<Record<string, unknown>> | undefined;
  constructor(readonly decoded: HandleTable) {
    this.listMetadata = decoded.c.listMetadata;
  }

  get file(): string {
    return this.decoded.file;
  }
}

/** The handle table a dump's `handles` are built from, by dump (the check reads the columns instead). */
const tables = new WeakMap<ClusterDump, HandleTable>();

/** Records that `dump.handles` are the handles of `table`, in order. */
export function setHandleTable(dump: ClusterDump, table: HandleTable): void {
  tables.set(dump, table);
}

/** The handle table of a dump, when its reader left one. */
export function handleTableOf(dump: ClusterDump): HandleTable | undefined {
  return tables.get(dump);
}
