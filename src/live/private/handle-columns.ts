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
 */
import * as fs from "fs";
import type { ByteSource, ItemText } from "../../io/json-list";
import { parseItemText, readKubectlJsonList } from "../../io/json-list";
import type { LoadedDocument } from "../../io/objects";
import { binaryProblem } from "../../io/read-input";
import { MAX_DUMP_BYTES } from "../../limits";
import { API_CRD_V1 } from "../../model/calico";
import type { FastHandle, FastItem } from "../fast-decode";
import { HANDLE_SOURCE } from "../template-decode";
import type { ClusterDump, DumpSource, LiveHandle } from "../model";
import { handleIdHashOfBytes, setHandleHashes } from "./handle-ids";

/** The handles of one file, as the worker transfers them: item `i` of the file's `List` is handle `i`. */
export interface HandleColumns {
  readonly ok: true;
  readonly count: number;
  /** Every name's bytes (ASCII), one after the other; name `i` is `names[nameEnds[i - 1], nameEnds[i])`. */
  readonly names: Uint8Array;
  readonly nameEnds: Int32Array;
  /** The bytes of the handle IDs that are not their object's name; ID `i` is `ids[idFrom[i], idTo[i])`, or its name when `idFrom[i]` is -1. */
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
  /** Where each item's text is in the file (`[from, to)`). */
  readonly from: Float64Array;
  readonly to: Float64Array;
  /** Whether every name is greater than the one before (kubectl sorts by name): no name repeats. */
  readonly sorted: boolean;
  readonly listMetadata: Readonly<Record<string, unknown>> | undefined;
}

/** The buffers of {@link HandleColumns} (what `postMessage` transfers). */
export function transferables(c: HandleColumns): ArrayBuffer[] {
  return [c.names, c.nameEnds, c.ids, c.idFrom, c.idTo, c.idHash, c.cidrOf, c.counts, c.deleted, c.from, c.to].map((a) => a.buffer as ArrayBuffer);
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
const HANDLE = new RegExp(HANDLE_SOURCE, "y");
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

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** Bytes read at once; an item must lie within {@link AHEAD} bytes of the window's end. */
const CHUNK = 8 * 1024 * 1024;
const AHEAD = 256 * 1024;

/**
 * Reads a file that is a kubectl JSON `List` of IPAM handles (crd.projectcalico.org/v1) in kubectl's
 * layout, every item as `template-decode.ts` matches it; undefined for any other file (the caller then
 * reads it the usual way). `beat` is called every 1,024 items.
 */
export function readHandleColumns(file: string, beat: () => void = () => undefined): HandleColumns | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_DUMP_BYTES) return undefined;
    return readColumns(fd, stat.size, beat);
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
  from: Float64Array;
  to: Float64Array;
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
    this.from = new Float64Array(cap);
    this.to = new Float64Array(cap);
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
    this.from = growFloat(this.from, this.cap);
    this.to = growFloat(this.to, this.cap);
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
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let s = old[i] & mask;
      while (table[2 * s + 1] !== 0) s = (s + 1) & mask;
      table[2 * s] = old[i];
      table[2 * s + 1] = old[i + 1];
    }
    this.mask = mask;
    this.table = table;
  }
}

// The byte loops of one item, each a function of its own (V8 compiles small functions better than the
// loops inlined in the long one below). Each relies on the pattern having matched the item first.

/** The start of the metadata's `name` line, from the start of its first line `q`. */
function nameLineAt(b: Buffer, q: number): number {
  // The name's line is the one whose key is `name`: 16 spaces, `"name"`.
  while (!(b[q + 21] === 0x22 && b[q + 17] === 0x6e && b[q + 18] === 0x61 && b[q + 19] === 0x6d && b[q + 20] === 0x65)) {
    q += MIN_LINE; // (no member's line is shorter)
    while (b[q] !== 0x0a) q++;
    q++;
  }
  return q;
}

/** The line break before the metadata's closing line (12 spaces and "}"), from the break ending a member's line `q`. */
function metadataEnd(b: Buffer, q: number): number {
  while (b[q + 13] !== 0x7d) {
    q += 1 + MIN_LINE;
    while (b[q] !== 0x0a) q++;
  }
  return q;
}

/**
 * Copies the name `b[nameAt, nameAt + nameLength)` to `names` at `start` and compares the ID
 * `b[idAt, idAt + idLength)` with it: the ID's hash when it is the name ({@link idIsName} then true),
 * else any number (the caller hashes the ID).
 */
function copyName(b: Buffer, nameAt: number, nameLength: number, idAt: number, idLength: number, names: Uint8Array, start: number): number {
  let hash = FNV_OFFSET;
  let i = 0;
  if (idLength === nameLength) {
    for (; i < nameLength; i++) {
      const c = b[nameAt + i];
      if (b[idAt + i] !== c) break;
      names[start + i] = c;
      hash = Math.imul(hash ^ c, FNV_PRIME);
    }
  }
  idIsName = i === nameLength && idLength === nameLength;
  for (; i < nameLength; i++) names[start + i] = b[nameAt + i];
  return hash;
}
/** Whether the ID {@link copyName} compared last is the name. */
let idIsName = false;

function readColumns(fd: number, size: number, beat: () => void): HandleColumns | undefined {
  const source: ByteSource = {
    size,
    read(from, to) {
      const out = Buffer.allocUnsafe(Math.max(0, to - from));
      return out.subarray(0, readInto(fd, out, 0, from, to - from));
    },
  };
  const head = source.read(0, Math.min(size, EDGE_BYTES));
  if (binaryProblem(head) !== undefined) return undefined;
  // The list's head and tail as the List reader checks them (its items are not read there).
  const list = readKubectlJsonList(source);
  if (list === undefined) return undefined;
  const listMetadata = typeof list.list.metadata === "object" && list.list.metadata !== null ? (list.list.metadata as Record<string, unknown>) : undefined;
  const itemsAt = head.indexOf(ITEMS_KEY);
  const tailFrom = Math.max(0, size - EDGE_BYTES);
  const closeInTail = source.read(tailFrom, size).lastIndexOf(LIST_CLOSE);
  if (itemsAt < 0 || closeInTail < 0) return undefined;
  const close = tailFrom + closeInTail;
  const open = itemsAt + ITEMS_KEY.length; // just after "["

  // (Room for the items a file of this size may hold, and their names: the columns rarely grow.)
  const out = new Columns(Math.ceil((close - open) / 600) + 1024, Math.ceil((close - open) / 8) + 4096);
  const cidrs = new CidrIndex();
  let sorted = true;
  let prevName = -1; // where the previous name starts in `names`

  // The window: file bytes [base, base + length) in `buf`; and `buf[sFrom, sTo)` as a string `s` (latin1: one character per byte).
  let buf = Buffer.allocUnsafe(CHUNK + AHEAD);
  let base = 0;
  let length = 0;
  let s = "";
  let sFrom = 0;
  let sTo = 0;
  const slice = (from: number): void => {
    sFrom = from;
    sTo = Math.min(length, from + SLICE);
    s = buf.toString("latin1", sFrom, sTo);
  };
  const fill = (p: number): void => {
    // Keeps the bytes from file position p, then reads on.
    const keep = Math.max(0, base + length - p);
    if (keep > 0) buf.copy(buf, 0, p - base, p - base + keep);
    if (buf.length < keep + CHUNK) {
      const b = Buffer.allocUnsafe(keep + CHUNK);
      buf.copy(b, 0, 0, keep);
      buf = b;
    }
    base = p;
    length = keep + readInto(fd, buf, keep, base + keep, Math.min(buf.length - keep, size - base - keep));
    slice(0);
  };
  fill(open);
  // "[", then the first item's "{" on a line of its own 8 spaces in.
  if (!s.startsWith(FIRST_ITEM, 0)) return undefined;
  let p = open + FIRST_ITEM.length - 1; // an item's "{" (file position)
  for (;;) {
    if (base + length < size && p + AHEAD > base + length) fill(p);
    const b = buf;
    if (p - base < sFrom || p - base >= sTo) slice(p - base);
    let at = p - base - sFrom; // in s
    HANDLE.lastIndex = at;
    if (!HANDLE.test(s)) {
      // Cut by the string's end? Again from the item's start.
      if (sTo === length || at === 0) return undefined;
      slice(p - base);
      at = 0;
      HANDLE.lastIndex = 0;
      if (!HANDLE.test(s)) return undefined;
    }
    const end = HANDLE.lastIndex + sFrom; // in b
    // The values, found from the constant text the pattern matched (positions in s, then in b).
    // (Byte by byte: the metadata's lines are short, and a search of the string costs more.) The name's
    // line is the one whose key is `name`: 16 spaces, `"name"`.
    const nameAt = nameLineAt(b, at + sFrom + HEAD) + NAME_LINE.length;
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
    if (cidrEnd - cidrAt === 9 && b.toString("latin1", cidrAt, cidrEnd) === "__proto__") return undefined; // JSON.parse makes an own "__proto__" key; leave that to it
    q += 3; // '": '
    let count = 0;
    for (let c = b[q]; c >= 0x30 && c <= 0x39; c = b[++q]) count = count * 10 + (c - 0x30);
    q += DELETED_AT;
    let isDeleted = false;
    if (b[q] === 0x64 /* d */) {
      isDeleted = b[q + 10] === 0x74; /* deleted": t(rue) */
      q += DELETED_LINE - (isDeleted ? 1 : 0);
    }
    const idAt = q + HANDLE_ID;
    const idEnd = end - ITEM_END;

    // Recorded.
    const n = out.n;
    if ((n & 1023) === 0) beat();
    out.room();
    const nameLength = nameEnd - nameAt;
    if (out.namesLength + nameLength > out.names.length) out.names = growBytes(out.names, out.namesLength + nameLength);
    const names = out.names;
    const start = out.namesLength;
    // The name copied; the ID compared with it and hashed in the same pass (an ID is most often its object's name).
    const idLength = idEnd - idAt;
    let hash = copyName(b, nameAt, nameLength, idAt, idLength, names, start);
    const same = idIsName;
    if (!same) hash = handleIdHashOfBytes(b, idAt, idEnd);
    if (sorted && prevName >= 0) {
      // Is this name greater than the one before? (Byte order is string order for ASCII.)
      const prevLength = start - prevName;
      let i = 0;
      while (i < prevLength && i < nameLength && names[prevName + i] === names[start + i]) i++;
      if (i === nameLength || (i < prevLength && names[start + i] < names[prevName + i])) sorted = false;
    }
    prevName = start;
    out.namesLength += nameLength;
    out.nameEnds[n] = out.namesLength;
    out.idHash[n] = hash;
    if (same) {
      out.idFrom[n] = -1;
      out.idTo[n] = -1;
    } else {
      if (out.idsLength + idLength > out.ids.length) out.ids = growBytes(out.ids, out.idsLength + idLength);
      for (let i = 0; i < idLength; i++) out.ids[out.idsLength + i] = b[idAt + i];
      out.idFrom[n] = out.idsLength;
      out.idsLength += idLength;
      out.idTo[n] = out.idsLength;
    }
    out.cidrOf[n] = cidrs.indexOf(b, cidrAt, cidrEnd, h);
    out.counts[n] = count;
    out.deleted[n] = isDeleted ? 1 : 0;
    out.from[n] = p;
    out.to[n] = base + end;
    out.n = n + 1;
    // Next: ",\n        {", or the list's end.
    if (base + end === close) break;
    if (!s.startsWith(NEXT_ITEM, end - sFrom)) {
      if (end + NEXT_ITEM.length <= sTo) return undefined;
      slice(end);
      if (!s.startsWith(NEXT_ITEM, 0)) return undefined;
    }
    p = base + end + NEXT_ITEM.length - 1;
  }
  const n = out.n;
  return {
    ok: true,
    count: n,
    names: out.names.slice(0, out.namesLength),
    nameEnds: out.nameEnds.slice(0, n),
    ids: out.ids.slice(0, out.idsLength),
    idFrom: out.idFrom.slice(0, n),
    idTo: out.idTo.slice(0, n),
    idHash: out.idHash.slice(0, n),
    cidrs: cidrs.cidrs,
    cidrOf: out.cidrOf.slice(0, n),
    counts: out.counts.slice(0, n),
    deleted: out.deleted.slice(0, n),
    from: out.from.slice(0, n),
    to: out.to.slice(0, n),
    sorted,
    listMetadata,
  };
}

// ---------------------------------------------------------------------------------------------------
// The main thread's view.

/** A file read by position, opened for each read (the items' text is read again only for duplicates). */
export function fileSource(file: string): ByteSource {
  let size = 0;
  try {
    size = fs.statSync(file).size;
  } catch {
    size = 0;
  }
  return {
    size,
    read(from: number, to: number): Buffer {
      const fd = fs.openSync(file, "r");
      try {
        const out = Buffer.allocUnsafe(Math.max(0, to - from));
        return out.subarray(0, readInto(fd, out, 0, from, to - from));
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

/** Node's Buffer has `latin1Slice` (what `toString("latin1")` calls, without its argument checks). */
interface LatinBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

/** The IPAM handles of one file, as columns (see the module's comment). */
export class HandleTable {
  readonly count: number;
  readonly source: ByteSource;
  private built: LiveHandle[] | undefined;
  /** The names' and IDs' bytes as Buffers (their text is cut from them). */
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
    return this.namesText.toString("latin1", this.nameStart(i), this.c.nameEnds[i]);
  }

  handleId(i: number): string {
    const f = this.c.idFrom[i];
    return f < 0 ? this.name(i) : this.idsText.toString("latin1", f, this.c.idTo[i]);
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
    // The ID cut as a string and compared whole: about twice as fast as a loop over its bytes (an ID of a
    // pod's handle is about 80 characters, and the check compares one per allocation).
    return to - from === id.length && ((f < 0 ? this.namesText : this.idsText) as LatinBuffer).latin1Slice(from, to) === id;
  }

  /** Whether handle `i`'s ID is the text `bytes[from, to)`. */
  idIsText(i: number, bytes: Uint8Array, from: number, to: number): boolean {
    const f = this.c.idFrom[i];
    const start = f < 0 ? this.nameStart(i) : f;
    const end = f < 0 ? this.c.nameEnds[i] : this.c.idTo[i];
    // (One native comparison: no string for either side; the check compares one per allocation.)
    return end - start === to - from && (f < 0 ? this.namesText : this.idsText).compare(bytes, from, to, start, end) === 0;
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
