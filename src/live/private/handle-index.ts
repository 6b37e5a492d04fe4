/**
 * The IPAM handle objects of a dump indexed by their ID, for the check's join of the blocks' handles
 * with the objects (`check.ts`): an open-addressed table of numbers, without an object per handle.
 * The index of a table of handles (`handle-columns.ts`) and the entries the blocks' handles find in it
 * are kept with the table and the blocks' columns: the dump reader makes them while it waits for the
 * blocks worker (`read.ts`), and the check takes them (or makes them then). Both are functions of the
 * handles and the blocks' columns only, which nothing changes once read. The table of a dump's handles is
 * built in the memory the handles reader no longer uses (`HandleColumns.spare`, pages already in memory)
 * when it fits, and the blocks' handles are looked up in batches whose cache misses overlap.
 */
import type { LiveHandle } from "../model";
import type { AttributeView } from "./columns";
import { HandleTable } from "./handle-columns";
import { handleHashesOf } from "./handle-ids";

/** Numbers per slot of {@link HandleIndex}'s table. */
const SLOT = 2;

/**
 * The IPAM handle objects by the hash of their ID (`handle-ids.ts`: the readers leave the hashes of
 * the IDs they read beside the objects; others are hashed here). A hit counts only when the IDs are
 * equal, so hashes that collide cost a comparison, never a wrong entry. An object's entry is its index,
 * or the first index of an ID held by several objects. The objects are the dump's `handles`, or the
 * columns they are built from (the IDs are then compared with their bytes).
 *
 * Built by {@link extend} (a part at a time, for a reader that builds it while it waits), complete
 * once {@link extend} has taken every object; the lookups need it complete ({@link complete}).
 */
export class HandleIndex {
  /** The objects' IDs (index for index), or the table holding them; and their `handleIdHash`. */
  private readonly ids: string[] | null;
  readonly table: HandleTable | null;
  readonly hashes: Int32Array;
  /**
   * The table, open-addressed with linear probing: slot `i` holds a hash at `2i` and the object's index
   * + 1 at `2i + 1` (0: empty), negated for columns whose ID is not the object's name. (Where a hit's ID
   * is in the columns is read from them: 8 bytes a slot, so the table of a dump's 500,000 handles is 8 MB
   * and fits in the handles reader's spare memory.)
   */
  private readonly slots: Int32Array;
  /** Whether {@link slots} is the columns' spare memory (`HandleColumns.spare`: its pages are in memory already). */
  readonly inSpareMemory: boolean;
  /** The columns' names and IDs as bytes. */
  private readonly names: Buffer | null;
  private readonly idBytes: Buffer | null;
  /** The same bytes as DataViews, compared four bytes at a time ({@link sameBytes}). */
  private readonly namesView: DataView | null;
  private readonly idView: DataView | null;
  private readonly mask: number;
  /** Whether some handle ID is held by several IPAM handle objects (of those taken so far). */
  private shared = false;
  /** The objects taken into the table so far. */
  private built = 0;
  /** How many objects there are. */
  readonly objects: number;

  constructor(handles: readonly LiveHandle[] | HandleTable) {
    const table = handles instanceof HandleTable ? handles : null;
    const objects = table !== null ? table.count : (handles as readonly LiveHandle[]).length;
    let ids: string[] | null = null;
    if (table === null) {
      const list = handles as readonly LiveHandle[];
      ids = new Array<string>(objects);
      for (let j = 0; j < objects; j++) ids[j] = list[j].handleId;
    }
    this.ids = ids;
    this.table = table;
    this.hashes = table !== null ? table.idHash : handleHashesOf(handles as readonly LiveHandle[]);
    let size = 1024;
    while (size < objects * 2) size *= 2;
    // The columns' spare memory when the table fits in it and no other index has taken it: no fresh
    // pages (a page's first touch costs 10–30 µs on some hosts: ~2,000 of them for a dump's table).
    const spare = table?.c.spare;
    this.inSpareMemory = spare !== undefined && spare.length >= size * SLOT && !spareTaken.has(spare);
    if (this.inSpareMemory) {
      spareTaken.add(spare as Int32Array);
      this.slots = (spare as Int32Array).subarray(0, size * SLOT).fill(0);
    } else {
      this.slots = new Int32Array(size * SLOT);
    }
    this.mask = size - 1;
    this.objects = objects;
    const c = table?.c;
    this.names = c !== undefined ? Buffer.from(c.names.buffer, c.names.byteOffset, c.names.length) : null;
    this.idBytes = c !== undefined ? Buffer.from(c.ids.buffer, c.ids.byteOffset, c.ids.length) : null;
    this.namesView = c !== undefined ? new DataView(c.names.buffer, c.names.byteOffset, c.names.length) : null;
    this.idView = c !== undefined ? new DataView(c.ids.buffer, c.ids.byteOffset, c.ids.length) : null;
  }

  /**
   * Takes the objects up to `until` (by index) into the table; whether some are left. (A batch's places
   * in the table are read first, then taken: their cache misses overlap, see {@link findTexts}.)
   */
  extend(until: number): boolean {
    const end = Math.min(until, this.objects);
    sink.value = this.takeBatches(this.built, end);
    this.built = Math.max(this.built, end);
    return this.built < this.objects;
  }

  /**
   * Takes the objects `[start, end)`, a batch at a time; what it read ahead. (A loop of its own, with
   * nothing after it: V8 compiles the loop while it runs, and code after it that had never run threw that
   * compiled code away at each call of {@link extend}.)
   */
  private takeBatches(start: number, end: number): number {
    const { slots, mask, hashes } = this;
    let touched = 0;
    for (let batch = start; batch < end; batch += BATCH) {
      const batchEnd = Math.min(end, batch + BATCH);
      for (let j = batch; j < batchEnd; j++) touched |= slots[SLOT * (hashes[j] & mask) + 1];
      this.take(batch, batchEnd);
    }
    return touched;
  }

  /** Takes the objects `[start, end)` into the table. */
  private take(start: number, end: number): void {
    const { slots, mask, ids, table, hashes } = this;
    for (let j = start; j < end; j++) {
      const hash = hashes[j];
      let i = hash & mask;
      let k = slots[SLOT * i + 1];
      // An ID held twice keeps its first object's entry.
      for (; k !== 0; i = (i + 1) & mask, k = slots[SLOT * i + 1]) if (slots[SLOT * i] === hash && (ids !== null ? ids[k - 1] === ids[j] : (table as HandleTable).sameId(Math.abs(k) - 1, j))) break;
      if (k !== 0) {
        this.shared = true;
      } else {
        slots[SLOT * i] = hash;
        slots[SLOT * i + 1] = table !== null && table.c.idFrom[j] >= 0 ? -(j + 1) : j + 1;
      }
    }
  }

  /** The index with every object taken. */
  complete(): this {
    this.extend(this.objects);
    return this;
  }

  /** The entry of the IPAM handle object named by `id` (whose hash is `hash`); -1 when none. */
  find(id: string, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const ids = this.ids;
    const table = this.table;
    for (let i = hash & mask, k = slots[SLOT * i + 1]; k !== 0; i = (i + 1) & mask, k = slots[SLOT * i + 1]) {
      if (slots[SLOT * i] === hash && (ids !== null ? ids[k - 1] === id : (table as HandleTable).idEquals(Math.abs(k) - 1, id))) return Math.abs(k) - 1;
    }
    return -1;
  }

  /** The entry of the IPAM handle object at `index` in the dump. */
  entryOf(index: number): number {
    if (!this.shared) return index;
    if (this.ids !== null) return this.find(this.ids[index], this.hashes[index]);
    const table = this.table as HandleTable;
    const hash = this.hashes[index];
    const slots = this.slots;
    const mask = this.mask;
    for (let i = hash & mask, k = slots[SLOT * i + 1]; k !== 0; i = (i + 1) & mask, k = slots[SLOT * i + 1]) if (slots[SLOT * i] === hash && table.sameId(Math.abs(k) - 1, index)) return Math.abs(k) - 1;
    return -1;
  }

  /**
   * The entry of the IPAM handle object (of columns) whose ID is the text `bytes[from, to)` (whose hash is
   * `hash`); -1 when none. (A hit is compared with its object's ID in the columns four bytes at a time: {@link sameBytes}.)
   */
  findText(bytes: Buffer, from: number, to: number, hash: number): number {
    return this.findTextFrom(bytes, from, to, hash, hash & this.mask);
  }

  /**
   * {@link findText} of `n` IDs at once: `entries[i]` is the entry of the ID `bytes[from[i], to[i])`
   * whose hash is `hashes[i]` (-1 when none, and when `from[i]` is negative: no ID). The same answers as
   * {@link findText} one by one, in about half its time for IDs spread over a large table: each one's
   * place in the table and then its candidate object's ID are read for a batch of IDs before any is
   * compared, so the cache misses of a batch overlap instead of following one another (a dump's table
   * and its IDs are tens of megabytes, and the blocks name the handles in no order of theirs).
   */
  findTexts(bytes: Buffer, from: Int32Array, to: Int32Array, hashes: Int32Array, n: number, entries: Int32Array): void {
    const slots = this.slots;
    const mask = this.mask;
    const c = (this.table as HandleTable).c;
    const { idFrom, nameEnds } = c;
    const names = this.names as Buffer;
    const idBytes = this.idBytes as Buffer;
    if (candidates.length < BATCH) candidates = new Int32Array(BATCH);
    const cand = candidates;
    let touched = 0;
    for (let batch = 0; batch < n; batch += BATCH) {
      const end = Math.min(n, batch + BATCH);
      // The IDs' places in the table, read.
      for (let i = batch; i < end; i++) if (from[i] >= 0) touched |= slots[SLOT * (hashes[i] & mask)];
      // Each ID's first place of its hash (-1: none), and where that object's ID is, read.
      for (let i = batch; i < end; i++) {
        let s = -1;
        if (from[i] >= 0) {
          const hash = hashes[i];
          for (let j = hash & mask; slots[SLOT * j + 1] !== 0; j = (j + 1) & mask) {
            if (slots[SLOT * j] !== hash) continue;
            s = j;
            const k = slots[SLOT * j + 1];
            touched |= k > 0 ? nameEnds[k - 1] : idFrom[-k - 1];
            break;
          }
        }
        cand[i - batch] = s;
      }
      // The candidates' IDs, read.
      for (let i = batch; i < end; i++) {
        const s = cand[i - batch];
        if (s < 0) continue;
        const k = slots[SLOT * s + 1];
        touched |= k > 0 ? names[nameEnds[k - 1] - 1] | names[k === 1 ? 0 : nameEnds[k - 2]] : idBytes[idFrom[-k - 1]];
      }
      // The comparisons (past a place whose ID differs, on as findText goes).
      for (let i = batch; i < end; i++) {
        const s = cand[i - batch];
        entries[i] = s < 0 ? -1 : this.findTextFrom(bytes, from[i], to[i], hashes[i], s);
      }
    }
    sink.value = touched;
  }

  /** {@link findText} from the table's place `start` on. */
  private findTextFrom(bytes: Buffer, from: number, to: number, hash: number, start: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const c = (this.table as HandleTable).c;
    const view = viewOf(bytes);
    for (let i = start, k = slots[SLOT * i + 1]; k !== 0; i = (i + 1) & mask, k = slots[SLOT * i + 1]) {
      if (slots[SLOT * i] !== hash) continue;
      // The object's ID: its name (k > 0), or its own bytes.
      if (k > 0) {
        const e = k - 1;
        const a = e === 0 ? 0 : c.nameEnds[e - 1];
        if (c.nameEnds[e] - a === to - from && sameBytes(view, from, this.namesView as DataView, a, to - from)) return e;
      } else {
        const e = -k - 1;
        const f = c.idFrom[e];
        if (c.idTo[e] - f === to - from && sameBytes(view, from, this.idView as DataView, f, to - from)) return e;
      }
    }
    return -1;
  }
}

/**
 * Whether `a[af, af + n)` and `b[bf, bf + n)` hold the same bytes, compared four at a time. (For IDs of
 * tens of bytes, a call of `Buffer.compare` with offsets costs more than this loop: its arguments are
 * checked in JavaScript, then it crosses into the runtime; the check compares 500,000 IDs of a dump.)
 * @internal
 */
export function sameBytes(a: DataView, af: number, b: DataView, bf: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (a.getInt32(af + i) !== b.getInt32(bf + i)) return false;
  for (; i < n; i++) if (a.getUint8(af + i) !== b.getUint8(bf + i)) return false;
  return true;
}

/** A DataView of a buffer's bytes: the last one made is kept (the check compares a block's IDs, all in one buffer, in turn). */
function viewOf(bytes: Buffer): DataView {
  if (lastViewed.bytes !== bytes) {
    lastViewed.bytes = bytes;
    lastViewed.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  return lastViewed.view;
}
const lastViewed: { bytes: Buffer | null; view: DataView } = { bytes: null, view: new DataView(new ArrayBuffer(0)) };

/**
 * How many objects {@link HandleIndex.extend}, and IDs {@link HandleIndex.findTexts}, read ahead at a
 * time (the cache misses that overlap; the lines read stay in the cache until used).
 */
const BATCH = 64;
/** {@link HandleIndex.findTexts}'s scratch column (one batch at a time). */
let candidates = new Int32Array(BATCH);
/** Where the values read ahead go (so that the reads are made). */
const sink = { value: 0 };
/** The columns' spare memories an index has taken (one index per memory). */
const spareTaken = new WeakSet<Int32Array>();

/** The index of each table of handles made so far. */
const tableIndexes = new WeakMap<HandleTable, HandleIndex>();

/** The index of a table of handles: made once (maybe not complete: see {@link HandleIndex.extend}). */
export function tableIndexOf(table: HandleTable): HandleIndex {
  let index = tableIndexes.get(table);
  if (index === undefined) tableIndexes.set(table, (index = new HandleIndex(table)));
  return index;
}

/** {@link handleEntriesOf}'s scratch columns: a view's handles' places and hashes. */
let viewIds = { from: new Int32Array(1024), to: new Int32Array(1024), hashes: new Int32Array(1024) };

/** Per block's attribute columns: the index its entries were found in, and the entries. */
const blockEntries = new WeakMap<AttributeView, { readonly index: HandleIndex; readonly entries: Int32Array }>();

/**
 * The entry in `index` (an index of a table of handles, completed first) of each attribute's handle of a view
 * that holds its handles as bytes (`handleBytes`): -1 when no object names it or the attribute has none.
 * Made once per view and index.
 */
export function handleEntriesOf(index: HandleIndex, attrs: AttributeView): Int32Array {
  const known = blockEntries.get(attrs);
  if (known !== undefined && known.index === index) return known.entries;
  index.complete();
  const n = attrs.length;
  if (viewIds.from.length < n) viewIds = { from: new Int32Array(n), to: new Int32Array(n), hashes: new Int32Array(n) };
  const { from, to, hashes } = viewIds;
  for (let idx = 0; idx < n; idx++) {
    const f = attrs.handleFrom(idx);
    from[idx] = f;
    if (f < 0) continue;
    to[idx] = attrs.handleTo(idx);
    hashes[idx] = attrs.handleHash(idx) as number;
  }
  const entries = new Int32Array(n);
  index.findTexts(attrs.handleBytes as Buffer, from, to, hashes, n, entries);
  blockEntries.set(attrs, { index, entries });
  return entries;
}
