/**
 * The handles worker's template and column writer in WebAssembly (`handle-columns.ts` reads a file with
 * them where WebAssembly is there). `handle` takes the same steps as that file's `templateItem`, which
 * takes exactly what the `HANDLE` pattern takes, on the same constant texts, with the same values
 * (names, CIDR, count, `deleted`, ID, the hashes): constant text compared 8 bytes at a time, strings
 * checked 16 bytes at a time (SIMD, `wasm.ts`'s {@link MatchCode}). `record` writes an item's values
 * into the columns as that file's JavaScript `Columns` does (the name copied, a pod's handle ID in its
 * compact form (`compact-handle.ts`), and compared with the one before, the ID when it is not the name, the block CIDR's index from a hash table, the values and file
 * positions), and `items` runs both over the items of the reader's window, leaving to the reader only
 * what they do not take. The columns are in the instance's memory, shared (a SharedArrayBuffer): the
 * worker posts views of it and the main thread reads them without a copy; the memory is sized once from
 * the file (room for every item it may hold; pages never written take no memory), so nothing grows but
 * the CIDRs' table. The module is assembled from this source when first used; where WebAssembly with
 * SIMD and shared memory is missing, {@link handleWasm} is undefined and JavaScript reads the file.
 */
import { COMPACT_BYTES, emitCompactable, emitWriteCompact } from "./compact-handle";
import { FNV_OFFSET, FNV_PRIME } from "./handle-ids";
import { Code, I32, I64, MatchCode, Op, Simd, V128, wasmModule, webAssembly } from "./wasm";

/** The constant texts of kubectl's layout of a handle, as `handle-columns.ts` names them. */
export interface HandleTexts {
  /** An item's first lines, up to its metadata's first member's key (after its quote). */
  readonly head: string;
  /** The name's key after its quote, up to its value. */
  readonly name: string;
  /** Between a metadata member's value and the next member's key (after its quote). */
  readonly member: string;
  /** From the metadata's last member's value to the block CIDR. */
  readonly spec: string;
  /** From the count's end to the handle ID, with `deleted` false, true, or absent. */
  readonly deletedFalse: string;
  readonly deletedTrue: string;
  readonly noDeleted: string;
  /** The ID's closing quote and the item's end. */
  readonly itemEnd: string;
}

/** The results of a match (Int32 elements), and the count (a Float64 at byte {@link R_COUNT_BYTE}). */
export const R_NAME_AT = 0;
export const R_NAME_END = 1;
export const R_CIDR_AT = 2;
export const R_CIDR_END = 3;
export const R_CIDR_HASH = 4;
export const R_DELETED = 5;
export const R_ID_AT = 6;
export const R_ID_END = 7;
export const R_ID_HASH = 8;
export const R_ID_IS_NAME = 9;
/** Set by `items` when it stopped at an item's end (the List's close, or text that is no next item) rather than at an item's start. */
export const R_AT_END = 10;
export const R_COUNT_BYTE = 48;
const OUT = 0;
/** The columns' state (Int32 slots, {@link S_N} …), then the window's file position (a Float64 at {@link S_BASE_BYTE}). */
const STATE = 64;
const WINDOW_AT = 256;
const SLACK = 64;

/** Slots of the columns' state: the items so far and the room for them. */
export const S_N = 0;
export const S_CAP = 1;
/** The text region: names from its start up, IDs that are not names from its end down (`S_IDS_LOW`); addresses. */
export const S_TEXT = 2;
export const S_NAMES_TOP = 3;
export const S_IDS_LOW = 4;
/** The last name's address (-1 before the first), and whether every name is greater than the one before. */
export const S_PREV_NAME = 5;
export const S_SORTED = 6;
/** The block CIDRs: how many, the hash table (address, mask: slots of (hash, index + 1)), their bytes (start, top), each one's bytes (two addresses: start, end). */
export const S_CIDRS = 7;
export const S_TABLE = 8;
export const S_MASK = 9;
export const S_CIDR_BYTES = 10;
export const S_CIDR_TOP = 11;
export const S_CIDR_SPANS = 12;
/** The columns' addresses (as `HandleColumns` names them). */
export const S_NAME_ENDS = 13;
export const S_ID_FROM = 14;
export const S_ID_TO = 15;
export const S_ID_HASH = 16;
export const S_CIDR_OF = 17;
export const S_COUNTS = 18;
export const S_DELETED = 19;
export const S_FROM = 20;
export const S_TO = 21;
/** The text region's end (where the IDs' places count from its start up to). */
export const S_TEXT_END = 22;
const S_BASE_BYTE = STATE + 4 * 24;

// Parameters and locals.
const AT = 0; // the item's "{"
const LIM = 1; // the window's end (a 0 byte is there)
const Q = 2;
const M = 3;
const H = 4;
const I = 5;
const N = 6;
const C = 7;
const K = 8; // i64: the count
const V = 9; // v128

/** Pushes whether the byte on the stack is a digit. */
function isDigit(c: Code): void {
  c.i32(0x30).op(Op.i32Sub).i32(10).op(Op.i32LtU);
}

/** `handle(at, lim)`: the end of the item (after its `}`), or -1 when the template does not take it. */
function handleFunction(t: HandleTexts): Code {
  const c = new MatchCode(Q, LIM, V, M);
  /** `q` moves past the digits there. */
  const digits = () => {
    c.enter("block").enter("loop");
    c.get(Q).load8(0);
    isDigit(c);
    c.op(Op.i32Eqz).brIf(1).skip(1).br(0);
    c.leave().leave();
  };
  /** A JSON number at `q` as the pattern's NUMBER takes it (greedy): `q` moves past it. */
  const number = () => {
    c.get(Q).load8(0).i32(0x2d).op(Op.i32Eq).enter("if").skip(1).leave();
    c.get(Q).load8(0).set(C);
    c.get(C).i32(0x30).op(Op.i32Eq).enter("if").skip(1).else();
    c.get(C).i32(0x31).op(Op.i32Sub).i32(9).op(Op.i32GeU).failIf();
    c.skip(1);
    digits();
    c.leave();
    // A fraction only when a digit follows the point; then an exponent only when a digit follows its sign.
    c.enter("block");
    c.get(Q).load8(0).i32(0x2e).op(Op.i32Eq).enter("if");
    c.get(Q).load8(1);
    isDigit(c);
    c.op(Op.i32Eqz).brIf(1); // (the number ends before the point)
    c.skip(2);
    digits();
    c.leave();
    c.get(Q).load8(0).i32(0x20).op(Op.i32Or).i32(0x65).op(Op.i32Eq).enter("if");
    c.get(Q).i32(1).op(Op.i32Add).set(I);
    c.get(I).load8(0).set(C);
    c.get(C).i32(0x2b).op(Op.i32Eq).get(C).i32(0x2d).op(Op.i32Eq).op(Op.i32Or).enter("if").get(I).i32(1).op(Op.i32Add).set(I).leave();
    c.get(I).load8(0);
    isDigit(c);
    c.op(Op.i32Eqz).brIf(1);
    c.get(I).set(Q);
    digits();
    c.leave();
    c.leave();
  };
  /** A metadata member other than `name`, from its key's first byte: key, `": `, and a string, number, true, false or null. */
  const member = () => {
    c.holds('name"').failIf(); // (the name's line is the name's)
    c.plain().expect('": ');
    c.get(Q).load8(0).set(C);
    c.get(C).i32(0x22).op(Op.i32Eq).enter("if").skip(1).plain().expect('"').else();
    c.get(C).i32(0x74).op(Op.i32Eq).enter("if").expect("true").else();
    c.get(C).i32(0x66).op(Op.i32Eq).enter("if").expect("false").else();
    c.get(C).i32(0x6e).op(Op.i32Eq).enter("if").expect("null").else();
    number();
    c.leave().leave().leave().leave();
  };
  /** A string's text from `q`, its end (`"`) kept in result `end` and `q` past the quote; its start is in result `at`, hashed into result `hash`. */
  const hashedString = (at: number, end: number, hash: number) => {
    c.i32(0).get(Q).store32(OUT + 4 * at);
    c.plain();
    c.i32(0).get(Q).store32(OUT + 4 * end);
    c.get(Q).set(N);
    c.expect('"');
    c.i32(0).load32(OUT + 4 * at).set(I);
    c.i32(0).fnv(I, N, H, FNV_OFFSET, FNV_PRIME).store32(OUT + 4 * hash);
  };

  c.get(AT).set(Q);
  c.enter("block");
  c.expect(t.head);
  // The members before the name.
  c.enter("block").enter("loop");
  c.holds(t.name).brIf(1);
  member();
  c.expect(t.member).br(0);
  c.leave().leave();
  c.skip(t.name.length);
  // The name (its hash is the ID's when the ID is the name).
  hashedString(R_NAME_AT, R_NAME_END, R_ID_HASH);
  // The members after it.
  c.enter("block").enter("loop");
  c.holds(t.member).op(Op.i32Eqz).brIf(1);
  c.skip(t.member.length);
  member();
  c.br(0);
  c.leave().leave();
  c.expect(t.spec);
  // The block's CIDR (hashed for the CIDR index) and count (at most 15 digits).
  hashedString(R_CIDR_AT, R_CIDR_END, R_CIDR_HASH);
  c.skip(-1).expect('": ');
  c.i64(0n).set(K);
  c.get(Q).load8(0).set(C);
  c.get(C).i32(0x30).op(Op.i32Eq).enter("if").skip(1).else();
  c.get(C).i32(0x31).op(Op.i32Sub).i32(9).op(Op.i32GeU).failIf();
  c.get(Q).set(I);
  c.enter("block").enter("loop");
  c.get(Q).load8(0).i32(0x30).op(Op.i32Sub).tee(C).i32(10).op(Op.i32GeU).brIf(1);
  c.get(K).i64(10n).op(Op.i64Mul).get(C).op(Op.i64ExtendI32U).op(Op.i64Add).set(K);
  c.skip(1).br(0);
  c.leave().leave();
  c.get(Q).get(I).op(Op.i32Sub).i32(15).op(Op.i32GtU).failIf();
  c.leave();
  c.i32(0).get(K).op(Op.f64ConvertI64U).f64Store(OUT + R_COUNT_BYTE);
  // deleted: false, true, or absent.
  c.holds(t.deletedFalse).enter("if").skip(t.deletedFalse.length).i32(0).i32(0).store32(OUT + 4 * R_DELETED).else();
  c.holds(t.deletedTrue).enter("if").skip(t.deletedTrue.length).i32(0).i32(1).store32(OUT + 4 * R_DELETED).else();
  c.expect(t.noDeleted).i32(0).i32(0).store32(OUT + 4 * R_DELETED);
  c.leave().leave();
  // The ID: the name's bytes and a quote, or any string (hashed).
  c.i32(0).get(Q).store32(OUT + 4 * R_ID_AT);
  c.i32(0).load32(OUT + 4 * R_NAME_END).i32(0).load32(OUT + 4 * R_NAME_AT).op(Op.i32Sub).set(N); // the name's length
  c.i32(0).i32(0).store32(OUT + 4 * R_ID_IS_NAME);
  c.enter("block");
  c.get(Q).get(N).op(Op.i32Add).tee(I).get(LIM).op(Op.i32GeU).brIf(0);
  c.get(I).load8(0).i32(0x22).op(Op.i32Ne).brIf(0);
  // (The same bytes: 8 at a time, then one at a time; I counts down the bytes left, M is the name's place.)
  c.i32(0).load32(OUT + 4 * R_NAME_AT).set(M);
  c.get(N).set(I);
  c.enter("loop");
  c.get(I).i32(8).op(Op.i32LtU).enter("if").else();
  c.get(M).load64(0).get(Q).load64(0).op(Op.i64Ne).brIf(2);
  c.skip(8).get(M).i32(8).op(Op.i32Add).set(M).get(I).i32(8).op(Op.i32Sub).set(I).br(1);
  c.leave();
  c.leave();
  c.enter("loop");
  c.get(I).enter("if");
  c.get(M).load8(0).get(Q).load8(0).op(Op.i32Ne).brIf(2);
  c.skip(1).get(M).i32(1).op(Op.i32Add).set(M).get(I).i32(1).op(Op.i32Sub).set(I).br(1);
  c.leave();
  c.leave();
  c.i32(0).i32(1).store32(OUT + 4 * R_ID_IS_NAME);
  c.leave();
  c.i32(0).load32(OUT + 4 * R_ID_IS_NAME).enter("if");
  c.i32(0).load32(OUT + 4 * R_ID_AT).get(N).op(Op.i32Add).set(Q);
  c.i32(0).get(Q).store32(OUT + 4 * R_ID_END);
  c.else();
  c.i32(0).load32(OUT + 4 * R_ID_AT).set(Q);
  hashedString(R_ID_AT, R_ID_END, R_ID_HASH);
  c.skip(-1);
  c.leave();
  c.expect(t.itemEnd);
  c.get(Q).return();
  c.leave();
  c.i32(-1);
  return c;
}

/**
 * Copies `len` bytes (locals) from address `src` to address `dst` (`i` a scratch local), one at a time,
 * or 16 at a time (`wide`: up to 15 bytes past `dst + len` are written, and read past `src + len`).
 */
function copyBytes(c: Code, dst: number, src: number, len: number, i: number, wide = false): void {
  c.i32(0).set(i);
  c.block().loop();
  c.get(i).get(len).op(Op.i32GeU).brIf(1);
  c.get(dst).get(i).op(Op.i32Add).get(src).get(i).op(Op.i32Add);
  if (wide) c.v128Load(0).v128Store(0);
  else c.load8(0).store8(0);
  c.get(i).i32(wide ? 16 : 1).op(Op.i32Add).set(i).br(0);
  c.end().end();
}

/** Puts the slots (hash, index + 1; empty when 0) of the table `old` into the empty `table` of mask `mask`, each at its hash's first free slot on. */
export function rehashSlots(old: Int32Array, table: Int32Array, mask: number): void {
  for (let i = 0; i < old.length; i += 2) {
    if (old[i + 1] === 0) continue;
    let s = old[i] & mask;
    while (table[2 * s + 1] !== 0) s = (s + 1) & mask;
    table[2 * s] = old[i];
    table[2 * s + 1] = old[i + 1];
  }
}

/**
 * `record(at, end)`: records the item `[at, end)` of the window whose values the results hold (as
 * `handle` leaves them) into the columns, as `handle-columns.ts`'s JavaScript `Columns` does: the name
 * copied (16 bytes at a time; a pod's handle ID written in its compact form, `compact-handle.ts`) and
 * compared with the one before as kept, the ID copied (compact alike) when it is not the name,
 * the CIDR's index found in (or added to) the table, the values and the item's file positions. 0, or -1
 * when there is no room (the columns are full, or the text region: neither happens for a file's items).
 * The table must have room for one more CIDR (see {@link HandleColumnsWasm.tableFull}).
 */
function recordFunction(): Code {
  // Locals (after the parameters AT = 0, END = 1).
  const [n, src, len, dst, prev, i, d, m, h, slot, k, s, t, v] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const c = new Code();
  const state = (x: number) => c.i32(0).load32(STATE + 4 * x);
  const setState = (x: number, local: number) => c.i32(0).get(local).store32(STATE + 4 * x);
  const result = (r: number) => c.i32(0).load32(OUT + 4 * r);
  /** Pushes the address of column `col`'s element `n` (of `size` bytes). */
  const element = (col: number, size: number) => {
    state(col).get(n);
    if (size > 1) c.i32(size).op(Op.i32Mul);
    c.op(Op.i32Add);
  };
  const failIf = () => c.if().i32(-1).return().end();
  state(S_N).tee(n);
  state(S_CAP).op(Op.i32GeU);
  failIf();
  // The name: room for it and 16 bytes after it (the copy's last load and store may pass its end).
  result(R_NAME_AT).set(src);
  result(R_NAME_END).get(src).op(Op.i32Sub).set(len);
  state(S_NAMES_TOP).tee(dst).get(len).op(Op.i32Add).i32(16).op(Op.i32Add);
  state(S_IDS_LOW).op(Op.i32GtU);
  failIf();
  // A pod's handle ID in its compact form (`compact-handle.ts`), any other name as its text.
  emitCompactable(c, src, len);
  c.if();
  emitWriteCompact(c, dst, 0, src, v);
  c.i32(COMPACT_BYTES).set(len);
  c.else();
  copyBytes(c, dst, src, len, i, true);
  c.end();
  // Is it greater than the one before? The first byte that differs (16 at a time) within the shorter
  // (d; the shorter's length when none): not when the name ends there, or its byte there is less.
  state(S_PREV_NAME).tee(prev).i32(0).op(Op.i32GeS);
  state(S_SORTED).op(Op.i32And).if();
  c.get(dst).get(prev).op(Op.i32Sub).set(s); // the name before's length
  c.get(s).get(len).get(s).get(len).op(Op.i32LtU).op(0x1b).set(t); // the shorter length (select)
  c.i32(0).set(i);
  c.get(t).set(d);
  c.block().loop();
  c.get(i).get(t).op(Op.i32GeU).brIf(1);
  c.get(prev).get(i).op(Op.i32Add).v128Load(0).get(dst).get(i).op(Op.i32Add).v128Load(0).simd(Simd.i8x16Eq).simd(Simd.i8x16Bitmask).i32(0xffff).op(Op.i32Xor).tee(m);
  c.if().get(i).get(m).op(Op.i32Ctz).op(Op.i32Add).set(d).br(2).end();
  c.get(i).i32(16).op(Op.i32Add).set(i).br(0);
  c.end().end();
  c.get(d).get(t).op(Op.i32GtU).if().get(t).set(d).end();
  c.get(d).get(len).op(Op.i32Eq);
  c.get(d).get(s).op(Op.i32LtU).get(dst).get(d).op(Op.i32Add).load8(0).get(prev).get(d).op(Op.i32Add).load8(0).op(Op.i32LtU).op(Op.i32And);
  c.op(Op.i32Or).if().i32(0).i32(0).store32(STATE + 4 * S_SORTED).end();
  c.end();
  setState(S_PREV_NAME, dst);
  c.get(dst).get(len).op(Op.i32Add).set(dst);
  setState(S_NAMES_TOP, dst);
  element(S_NAME_ENDS, 4);
  c.get(dst);
  state(S_TEXT).op(Op.i32Sub).store32(0);
  element(S_ID_HASH, 4);
  result(R_ID_HASH).store32(0);
  // The ID, when it is not the name: copied below the IDs before it.
  result(R_ID_IS_NAME).if();
  element(S_ID_FROM, 4);
  c.i32(-1).store32(0);
  element(S_ID_TO, 4);
  c.i32(-1).store32(0);
  c.else();
  result(R_ID_AT).set(src);
  result(R_ID_END).get(src).op(Op.i32Sub).set(len);
  // (Compact as the names: d tells whether it is.)
  emitCompactable(c, src, len);
  c.tee(d).if().i32(COMPACT_BYTES).set(len).end();
  state(S_IDS_LOW).get(len).op(Op.i32Sub).tee(s);
  state(S_NAMES_TOP).i32(16).op(Op.i32Add).op(Op.i32LtU);
  failIf();
  setState(S_IDS_LOW, s);
  c.get(d).if();
  emitWriteCompact(c, s, 0, src, v);
  c.else();
  copyBytes(c, s, src, len, i);
  c.end();
  element(S_ID_FROM, 4);
  c.get(s);
  state(S_TEXT).op(Op.i32Sub).store32(0);
  element(S_ID_TO, 4);
  c.get(s).get(len).op(Op.i32Add);
  state(S_TEXT).op(Op.i32Sub).store32(0);
  c.end();
  // The CIDR's index: the table's slots from its hash on, each (hash, index + 1), until the CIDR or an
  // empty slot (the CIDR added there).
  result(R_CIDR_AT).set(src);
  result(R_CIDR_END).get(src).op(Op.i32Sub).set(len);
  result(R_CIDR_HASH).tee(h);
  state(S_MASK).op(Op.i32And).set(slot);
  c.block().block().loop(); // (found; not there; each slot)
  state(S_TABLE).get(slot).i32(8).op(Op.i32Mul).op(Op.i32Add).tee(t).load32(4).tee(k).op(Op.i32Eqz).brIf(1);
  c.get(t).load32(0).get(h).op(Op.i32Eq).if();
  // (CIDR k - 1's bytes: [s, e) at span k - 1.)
  state(S_CIDR_SPANS).get(k).i32(8).op(Op.i32Mul).op(Op.i32Add).tee(m).i32(8).op(Op.i32Sub).load32(0).set(s);
  c.get(m).i32(4).op(Op.i32Sub).load32(0).get(s).op(Op.i32Sub).get(len).op(Op.i32Eq).if();
  c.i32(0).set(i);
  c.block().loop();
  c.get(i).get(len).op(Op.i32Eq).if();
  element(S_CIDR_OF, 4);
  c.get(k).i32(1).op(Op.i32Sub).store32(0);
  c.br(7); // found
  c.end();
  c.get(s).get(i).op(Op.i32Add).load8(0).get(src).get(i).op(Op.i32Add).load8(0).op(Op.i32Ne).brIf(1);
  c.get(i).i32(1).op(Op.i32Add).set(i).br(0);
  c.end().end();
  c.end();
  c.end();
  c.get(slot).i32(1).op(Op.i32Add);
  state(S_MASK).op(Op.i32And).set(slot).br(0);
  c.end().end();
  // Not there: added (its bytes copied to the top of the CIDRs' bytes).
  state(S_CIDRS).set(k);
  state(S_CIDR_TOP).set(s);
  copyBytes(c, s, src, len, i);
  state(S_CIDR_SPANS).get(k).i32(8).op(Op.i32Mul).op(Op.i32Add).tee(m).get(s).store32(0);
  c.get(m).get(s).get(len).op(Op.i32Add).tee(s).store32(4);
  setState(S_CIDR_TOP, s);
  c.get(t).get(h).store32(0);
  c.get(t).get(k).i32(1).op(Op.i32Add).tee(k).store32(4);
  setState(S_CIDRS, k);
  element(S_CIDR_OF, 4);
  c.get(k).i32(1).op(Op.i32Sub).store32(0);
  c.end(); // (found: here)
  // The values, and where the item is in the file.
  element(S_COUNTS, 8);
  c.i32(0).f64Load(OUT + R_COUNT_BYTE).f64Store(0);
  element(S_DELETED, 1);
  result(R_DELETED).store8(0);
  // (File positions as 32-bit values: a dump's file is at most MAX_DUMP_BYTES, 512 MiB.)
  element(S_FROM, 4);
  c.get(0).i32(WINDOW_AT).op(Op.i32Sub).i32(0).f64Load(S_BASE_BYTE).op(Op.i32TruncF64U).op(Op.i32Add).store32(0);
  element(S_TO, 4);
  c.get(1).i32(WINDOW_AT).op(Op.i32Sub).i32(0).f64Load(S_BASE_BYTE).op(Op.i32TruncF64U).op(Op.i32Add).store32(0);
  c.i32(0).get(n).i32(1).op(Op.i32Add).store32(STATE + 4 * S_N);
  c.i32(0);
  return c;
}

/**
 * `items(at, lim, stop, close)`: the items from the one whose `{` is at `at`, each matched by `handle`
 * and recorded by `record`, while the next starts at or before `stop` (beyond it the reader reads on)
 * and the table has room: where it stopped, an item's `{`, with {@link R_AT_END} 0 (an item it leaves to
 * the reader: one `handle` does not take, a CIDR of 9 bytes — `__proto__`? —, no room, a full table, or
 * past `stop`), or an item's end with {@link R_AT_END} 1 (at `close`, the List's, or where no next item follows).
 */
function itemsFunction(nextItem: string): Code {
  const [at, lim, stop, close, end, q, m, v] = [0, 1, 2, 3, 4, 5, 6, 7];
  const c = new MatchCode(q, lim, v, m);
  const state = (x: number) => c.i32(0).load32(STATE + 4 * x);
  c.i32(0).i32(0).store32(OUT + 4 * R_AT_END);
  c.block().loop();
  c.get(at).get(stop).op(Op.i32GtU).brIf(1);
  state(S_CIDRS).i32(2).op(Op.i32Mul);
  state(S_MASK).op(Op.i32GtU).brIf(1);
  c.get(at).get(lim).call(0).tee(end).i32(0).op(Op.i32LtS).brIf(1);
  c.i32(0).load32(OUT + 4 * R_CIDR_END).i32(0).load32(OUT + 4 * R_CIDR_AT).op(Op.i32Sub).i32(9).op(Op.i32Eq).brIf(1);
  c.get(at).get(end).call(1).brIf(1);
  c.get(end).set(q);
  c.get(end).get(close).op(Op.i32Eq);
  c.holds(nextItem).op(Op.i32Eqz).op(Op.i32Or).if();
  c.i32(0).i32(1).store32(OUT + 4 * R_AT_END);
  c.get(end).return();
  c.end();
  c.get(end).i32(nextItem.length - 1).op(Op.i32Add).set(at).br(0);
  c.end().end();
  c.get(at);
  return c;
}


/** The template, the column writer, and their memory (one per file read). */
export interface HandleWasm {
  /** The whole memory (shared: the columns in it are given to the main thread without a copy). */
  readonly memory: SharedArrayBuffer;
  /** The results of the last match ({@link R_NAME_AT} …). */
  readonly out: Int32Array;
  readonly count: Float64Array;
  /** The columns' state ({@link S_N} …) and the window's file position. */
  readonly state: Int32Array;
  readonly base: Float64Array;
  /** The reader's window (`windowBytes` as asked), in the memory. */
  readonly window: Buffer;
  /**
   * Matches the handle whose `{` is at `at` (an address in the memory) in the window's text, which ends
   * at `lim` (where a 0 byte must be): where the item ends, or -1 when the template does not take it.
   */
  readonly handle: (at: number, lim: number) => number;
  /** Records the item `[at, end)` whose values the results hold into the columns: 0, or -1 when there is no room. */
  readonly record: (at: number, end: number) => number;
  /** Matches and records the items from `at` on (see `itemsFunction`). */
  readonly items: (at: number, lim: number, stop: number, close: number) => number;
  /** Whether the CIDRs' table must grow before the next item is recorded; {@link grow} makes it twice as large. */
  readonly tableFull: () => boolean;
  readonly grow: () => void;
}

/** The module (compiled once), or null where WebAssembly with SIMD and threads is not available. */
let compiled: object | null | undefined;

const align = (n: number) => Math.ceil(n / 16) * 16;

/**
 * The template and column writer with a window of `windowBytes` and room for `capacity` items whose
 * names and IDs hold at most `textBytes` bytes (a new memory each time; the module is compiled once);
 * undefined where WebAssembly with SIMD and shared memory is not available, or the memory would pass 4 GiB.
 */
export function handleWasm(texts: HandleTexts, nextItem: string, windowBytes: number, capacity = 0, textBytes = 0): HandleWasm | undefined {
  const wasm = webAssembly();
  if (compiled === undefined) {
    try {
      const locals = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, V128];
      compiled = new wasm.Module(
        wasmModule(
          [
            { name: "handle", params: [I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, I32, I64, V128], code: handleFunction(texts) },
            { name: "record", params: [I32, I32], results: [I32], locals, code: recordFunction() },
            { name: "items", params: [I32, I32, I32, I32], results: [I32], locals: [I32, I32, I32, V128], code: itemsFunction(nextItem) },
          ],
          true,
        ),
      );
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  // The layout: results, state, window, text (names up, IDs down), the columns, the CIDRs' spans and
  // bytes, the table's two places (it grows from one to the other). Pages never written take no memory.
  const maxSlots = 2 ** Math.max(12, Math.ceil(Math.log2(4 * capacity + 8)));
  let top = WINDOW_AT + align(windowBytes + SLACK);
  const region = (bytes: number) => {
    const at = top;
    top += align(bytes + SLACK);
    return at;
  };
  const text = region(textBytes);
  const columns = { [S_NAME_ENDS]: 4, [S_ID_FROM]: 4, [S_ID_TO]: 4, [S_ID_HASH]: 4, [S_CIDR_OF]: 4, [S_COUNTS]: 8, [S_DELETED]: 1, [S_FROM]: 4, [S_TO]: 4 };
  const places = Object.entries(columns).map(([slot, size]) => [Number(slot), region(size * capacity)]);
  const spans = region(8 * capacity);
  const cidrBytes = region(textBytes);
  const tables = [region(8 * maxSlots), region(8 * maxSlots)];
  const pages = Math.ceil(top / 65536);
  if (pages > 65536) return undefined;
  let memory: { readonly buffer: SharedArrayBuffer };
  let instance: { readonly exports: Record<string, unknown> };
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    instance = new wasm.Instance(compiled, { env: { mem: memory } });
  } catch {
    return undefined;
  }
  const buffer = memory.buffer;
  const state = new Int32Array(buffer, STATE, 24);
  state[S_CAP] = capacity;
  state[S_TEXT] = state[S_NAMES_TOP] = text;
  state[S_IDS_LOW] = state[S_TEXT_END] = text + textBytes + 16; // (room for the last name's copy above it, 16 bytes)
  state[S_PREV_NAME] = -1;
  state[S_SORTED] = 1;
  state[S_TABLE] = tables[0];
  state[S_MASK] = 4095;
  state[S_CIDR_BYTES] = state[S_CIDR_TOP] = cidrBytes;
  state[S_CIDR_SPANS] = spans;
  for (const [slot, at] of places) state[slot] = at;
  let which = 0;
  return {
    memory: buffer,
    out: new Int32Array(buffer, OUT, 12),
    count: new Float64Array(buffer, OUT + R_COUNT_BYTE, 1),
    state,
    base: new Float64Array(buffer, S_BASE_BYTE, 1),
    window: Buffer.from(buffer, WINDOW_AT, windowBytes),
    handle: instance.exports.handle as HandleWasm["handle"],
    record: instance.exports.record as HandleWasm["record"],
    items: instance.exports.items as HandleWasm["items"],
    tableFull: () => state[S_CIDRS] * 2 > state[S_MASK],
    grow() {
      const mask = state[S_MASK];
      const old = new Int32Array(buffer, state[S_TABLE], 2 * (mask + 1));
      const wider = 2 * mask + 1;
      if (wider + 1 > maxSlots) throw new Error("the CIDRs' table has no room to grow");
      which = 1 - which;
      const table = new Int32Array(buffer, tables[which], 2 * (wider + 1));
      table.fill(0);
      rehashSlots(old, table, wider);
      state[S_TABLE] = tables[which];
      state[S_MASK] = wider;
    },
  };
}
