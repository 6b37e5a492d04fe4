/**
 * The blocks worker's matcher of IPAM blocks in WebAssembly (`template-decode.ts` uses it when the
 * file's bytes are in its memory: the worker's List reader reads into {@link AttributeWasm.windows}).
 * It takes exactly what the patterns of `template-decode.ts` take. `attribute` matches one attribute of
 * a block in kubectl's layout (the `ATTRIBUTE` pattern), and on the way hashes the handle
 * (`handleIdHash`), copies the handle (a pod's in its compact form, `compact-handle.ts`), pod and
 * timestamp to the block's text ({@link AttributeWasm.text}) and finds the namespace, node and type;
 * `attributes` matches a block's whole list of attributes so, writing each one's row (spans, hash, and the
 * namespace, node and type as places in the reader's table of strings, looked up in a copy of that table
 * in the memory: only a value the copy does not hold goes back to JavaScript); `head` and `tail` read the rest of a block's spec (its affinity, claim time,
 * lists, CIDR, flags and sequence numbers), so a block in the memory is read without a string of its
 * text and without the patterns but the metadata's. Constant text is compared 8 bytes at a time, strings
 * are scanned 16 bytes at a time (SIMD): several times fewer instructions than the patterns and the
 * JavaScript that read the values after them.
 *
 * The module is assembled from this source when first used (`wasm.ts`): nothing prebuilt. Where
 * WebAssembly or its SIMD instructions are missing, {@link attributeWasm} is undefined and the patterns
 * are used.
 */
import { ATTRIBUTE_KEYS, ATTRIBUTE_SPAN } from "./columns";
import { COMPACT_BYTES, emitCompactable, emitWriteCompact } from "./compact-handle";
import { FNV_OFFSET, FNV_PRIME } from "./handle-ids";
import { Code, I32, MatchCode, Op, V128, WasmMemory, wasmModule, webAssembly } from "./wasm";

const sp = (n: number) => " ".repeat(n);
const SEC = sp(28);

/** The memory's layout: the results of a match, the block's text, the List reader's two windows. */
const OUT = 0;
const TEXT_AT = 256;
/** Bytes of the block's text (with {@link SLACK} more: a copy writes up to 15 bytes past a value). */
export const TEXT_BYTES = 4 * 1024 * 1024;
const SLACK = 64;
const PAGE = 65536;

/**
 * The results of a match (Int32 elements at {@link OUT}): the handle's hash; the spans of the handle,
 * pod and timestamp in the block's text (from, to; -1, -1 when absent); where the namespace, node and
 * type start in memory (-1 when absent); where the block's text ends after the copies.
 */
export const R_HASH = 0;
export const R_SPANS = 1;
export const R_NAMESPACE = 7;
export const R_NODE = 8;
export const R_TYPE = 9;
export const R_TEXT = 10;

/** A match's answer when it matched but the block's text has no room for the values. */
export const NO_ROOM = -2;

/**
 * The rows of the attributes {@link AttributeWasm.attributes} reads (a block's scratch columns, as
 * `template-decode.ts`'s): per attribute {@link SPAN} spans, a hash and {@link KEYS} keys. A block of more
 * attributes has the rest read one by one ({@link STOPPED}).
 */
export const MAX_ROWS = 16384;
const SPAN = ATTRIBUTE_SPAN;
const KEYS = ATTRIBUTE_KEYS;
/**
 * The table of strings the reader interned (namespaces, nodes, types) that the matcher looks values up
 * in: {@link SLOTS} slots of 16 bytes (the value's FNV-1a hash, its place in the reader's table plus 1 —
 * 0 for an empty slot —, where its bytes are kept in the arena, its length), open addressing.
 */
const SLOTS = 1 << 17;
/** At most this many strings in the table (half its slots), and this many bytes of their text. */
const MAX_REMEMBERED = SLOTS >> 1;
const ARENA_BYTES = 1024 * 1024;
/** A key's answer when the table does not hold its value (the reader interns it, then {@link AttributeWasm.remember}s it). */
export const MISSING = -2;

/**
 * More results (Int32 elements at {@link OUT}): where the namespace, node and type end (after
 * {@link R_NAMESPACE}…); of {@link AttributeWasm.attributes}: the rows written, where the reading goes on
 * (the next attribute, or past the list's `]`), whether the list ended. {@link R_USED}/{@link R_COUNT}:
 * the arena's bytes in use and the strings in the table.
 */
export const R_KEY_ENDS = 11;
export const R_ROWS = 14;
export const R_AT = 15;
export const R_DONE = 16;
const R_USED = 17;
const R_COUNT = 18;
const OUT_WORDS = 40;

/** Answers of {@link AttributeWasm.attributes} but the end of the list: stopped before an attribute (no room in the text or the rows), or after one with a {@link MISSING} key. */
export const STOPPED = -2;
export const MISSED = -3;

/** Where the parts of the memory are (see {@link layout}). */
interface Layout {
  readonly windows: number;
  readonly spans: number;
  readonly hashes: number;
  readonly keys: number;
  readonly table: number;
  readonly arena: number;
  readonly allocations: number;
  readonly unallocated: number;
  readonly ordinals: number;
  readonly ends: number;
  readonly size: number;
}

/** The memory's layout: the results, the block's text, the List reader's two windows, the rows, the table of strings and its arena. */
function layout(): Layout {
  const windows = TEXT_AT + TEXT_BYTES + SLACK;
  const spans = windows + 2 * (WINDOW_BYTES + SLACK);
  const hashes = spans + 4 * SPAN * MAX_ROWS;
  const keys = hashes + 4 * MAX_ROWS;
  const table = keys + 4 * KEYS * MAX_ROWS;
  const arena = table + 16 * SLOTS;
  const allocations = arena + ARENA_BYTES + SLACK;
  const unallocated = allocations + 4 * MAX_LIST;
  const ordinals = unallocated + 4 * MAX_LIST;
  const ends = ordinals + 4 * MAX_LIST;
  return { windows, spans, hashes, keys, table, arena, allocations, unallocated, ordinals, ends, size: ends + 4 * MAX_LIST };
}

/** The locals an attribute's match uses (see {@link matchAttribute}). */
interface Locals {
  readonly P: number; // where the attribute starts (its 20 spaces)
  readonly LIM: number; // where the text the pattern sees ends
  readonly T: number; // where the values go in the block's text (from TEXT_AT)
  readonly Q: number; // where the match is
  readonly M: number; // a scan's mask
  readonly H: number; // the hash
  readonly I: number; // a copy's place
  readonly N: number; // a copy's length
  readonly V: number; // a scan's 16 bytes (v128)
}

/**
 * The code that matches one attribute at `P` into the results (the pattern's exactly), and, matched,
 * copies its handle (a pod's handle ID in its compact form, `compact-handle.ts`), pod and timestamp to
 * the block's text at `T` (which moves past them) and hashes the handle (its text); `onNoRoom` is the code run when the text has no room for the values (before anything is
 * copied). A mismatch breaks out of the code's outermost block.
 */
function matchAttribute(c: MatchCode, L: Locals, onNoRoom: () => void): void {
  const { P, T, Q, H, I, N } = L;
  /** A string's value, its start kept in result `slot` (and its end in `endSlot`). */
  const value = (slot: number, endSlot: number) => {
    c.i32(0).get(Q).store32(OUT + 4 * slot);
    c.plain();
    if (endSlot >= 0) c.i32(0).get(Q).store32(OUT + 4 * endSlot);
  };
  const absent = (slot: number, end: boolean) => {
    c.i32(0).i32(-1).store32(OUT + 4 * slot);
    if (end) c.i32(0).i32(-1).store32(OUT + 4 * slot + 4);
  };
  /** An optional member `text` + value (its start in `slot`): kept when its constant text is there. */
  const optional = (text: string, slot: number, endSlot: number) => {
    c.holds(text).enter("if").skip(text.length);
    value(slot, endSlot);
    c.else();
    absent(slot, endSlot === slot + 1);
    c.leave();
  };

  c.get(P).set(Q);
  // The handle's, pod's and timestamp's spans are first kept as places in memory (then copied).
  c.expect(`${sp(20)}{\n${sp(24)}"handle_id": "`);
  value(R_SPANS, R_SPANS + 1);
  c.expect(`",\n${sp(24)}"secondary": {\n`);
  c.holds(`${SEC}"namespace": "`).enter("if").skip(`${SEC}"namespace": "`.length);
  value(R_NAMESPACE, R_KEY_ENDS);
  c.expect(`",\n`);
  c.else();
  absent(R_NAMESPACE, false);
  c.leave();
  c.expect(`${SEC}"node": "`);
  value(R_NODE, R_KEY_ENDS + 1);
  optional(`",\n${SEC}"pod": "`, R_SPANS + 2, R_SPANS + 3);
  optional(`",\n${SEC}"timestamp": "`, R_SPANS + 4, R_SPANS + 5);
  optional(`",\n${SEC}"type": "`, R_TYPE, R_KEY_ENDS + 2);
  c.expect(`"\n${sp(24)}}\n${sp(20)}}`);
  // Matched. Room in the block's text for the values (and a copy's 16 bytes past the last)?
  c.i32(0).load32(OUT + 4 * (R_SPANS + 1)).i32(0).load32(OUT + 4 * R_SPANS).op(Op.i32Sub);
  for (const s of [R_SPANS + 2, R_SPANS + 4]) {
    c.i32(0).load32(OUT + 4 * s + 4).i32(0).load32(OUT + 4 * s).op(Op.i32Sub).op(Op.i32Add);
  }
  c.get(T).op(Op.i32Add).i32(TEXT_BYTES - 16).op(Op.i32GtU);
  c.enter("if");
  onNoRoom();
  c.leave();
  // The handle's hash (FNV-1a, as handleIdHash).
  c.i32(0).load32(OUT + 4 * R_SPANS).set(I);
  c.i32(0).load32(OUT + 4 * (R_SPANS + 1)).set(N);
  c.i32(0).fnv(I, N, H, FNV_OFFSET, FNV_PRIME).store32(OUT + 4 * R_HASH);
  // The values copied to the block's text, 16 bytes at a time; their spans there. A pod's handle ID is
  // written in its compact form instead (`compact-handle.ts`).
  for (const s of [R_SPANS, R_SPANS + 2, R_SPANS + 4]) {
    c.i32(0).load32(OUT + 4 * s).tee(I).i32(0).op(Op.i32GeS);
    c.enter("if");
    c.i32(0).load32(OUT + 4 * s + 4).get(I).op(Op.i32Sub).set(N);
    c.i32(0).get(T).store32(OUT + 4 * s);
    if (s === R_SPANS) {
      emitCompactable(c, I, N);
      c.if();
      emitWriteCompact(c, T, TEXT_AT, I, L.V);
      c.i32(0).get(T).i32(COMPACT_BYTES).op(Op.i32Add).store32(OUT + 4 * s + 4);
      c.else();
    }
    c.i32(0).get(T).get(N).op(Op.i32Add).store32(OUT + 4 * s + 4);
    c.enter("block").enter("loop");
    c.get(N).i32(0).op(Op.i32LeS).brIf(1);
    c.get(T).get(I).v128Load(0).v128Store(TEXT_AT);
    c.get(T).i32(16).op(Op.i32Add).set(T);
    c.get(I).i32(16).op(Op.i32Add).set(I);
    c.get(N).i32(16).op(Op.i32Sub).set(N).br(0);
    c.leave().leave();
    if (s === R_SPANS) c.end();
    // (T went past the value's end by the copy's last step; back to it.)
    c.i32(0).load32(OUT + 4 * s + 4).set(T);
    c.leave();
  }
  c.i32(0).get(T).store32(OUT + 4 * R_TEXT);
}

/** The attribute matcher: `attribute(p, lim, t)`, the end of the match, -1 when none, {@link NO_ROOM}. */
function attributeFunction(): Code {
  const L: Locals = { P: 0, LIM: 1, T: 2, Q: 3, M: 4, H: 5, I: 6, N: 7, V: 8 };
  const c = new MatchCode(L.Q, L.LIM, L.V, L.M);
  c.enter("block");
  matchAttribute(c, L, () => c.i32(NO_ROOM).return());
  c.get(L.Q).return();
  c.leave();
  c.i32(-1);
  return c;
}

/**
 * The code that looks up the value `[X, E)` in the table of strings: `J` = its place, or
 * {@link MISSING}. `K` (the slot's address) and `H` (the hash) are scratch.
 */
function lookUp(c: Code, lay: Layout, X: number, E: number, H: number, K: number, J: number): void {
  hashOf(c, X, E, H, J);
  c.get(H).i32(SLOTS - 1).op(Op.i32And).i32(16).op(Op.i32Mul).i32(lay.table).op(Op.i32Add).set(K);
  c.block().loop();
  // An empty slot: missing.
  c.get(K).load32(4).op(Op.i32Eqz).if().i32(MISSING).set(J).br(2).end();
  c.get(K).load32(0).get(H).op(Op.i32Eq);
  c.get(K).load32(12).get(E).get(X).op(Op.i32Sub).op(Op.i32Eq).op(Op.i32And);
  c.if();
  // The same hash and length: the same bytes?
  c.i32(0).set(J);
  c.block().loop();
  c.get(J).get(E).get(X).op(Op.i32Sub).op(Op.i32GeU).brIf(1);
  c.get(K).load32(8).get(J).op(Op.i32Add).load8(0).get(X).get(J).op(Op.i32Add).load8(0).op(Op.i32Ne).brIf(1);
  c.get(J).i32(1).op(Op.i32Add).set(J).br(0);
  c.end().end();
  c.get(J).get(E).get(X).op(Op.i32Sub).op(Op.i32GeU).if().get(K).load32(4).i32(1).op(Op.i32Sub).set(J).br(3).end();
  c.end();
  // The next slot (wrapping around).
  c.get(K).i32(16).op(Op.i32Add).set(K);
  c.get(K).i32(lay.table + 16 * SLOTS).op(Op.i32GeU).if().i32(lay.table).set(K).end();
  c.br(0);
  c.end().end();
}

/** `H` = the FNV-1a hash of the bytes `[X, E)` (`J` scratch). */
function hashOf(c: Code, X: number, E: number, H: number, J: number): void {
  c.get(X).set(J).i32(FNV_OFFSET).set(H);
  c.block().loop();
  c.get(J).get(E).op(Op.i32GeU).brIf(1);
  c.get(H).get(J).load8(0).op(Op.i32Xor).i32(FNV_PRIME).op(Op.i32Mul).set(H);
  c.get(J).i32(1).op(Op.i32Add).set(J).br(0);
  c.end().end();
}

/**
 * The matcher of a block's attributes: `attributes(p, lim, t, row)` matches attributes from `p` (the
 * first's 20 spaces) one after the other, separated by `,\n`, up to the list's end (`\n`, 16 spaces and
 * `]`), each as {@link attributeFunction} (the pattern's exactly); it writes each attribute's spans,
 * hash and keys (places in the reader's table of strings, looked up in the matcher's table) to the rows
 * from `row`. Answers: where the list ends (past `]`); -1 when an attribute or what follows it does not
 * match; {@link STOPPED} before an attribute whose values have no room in the text or that has no row;
 * {@link MISSED} after an attribute (and its `,\n` or the list's end) with a key the table does not hold.
 * Each answer but -1 leaves {@link R_ROWS}, {@link R_AT}, {@link R_DONE} and {@link R_TEXT}.
 */
function attributesFunction(lay: Layout): Code {
  const L: Locals = { P: 0, LIM: 1, T: 2, Q: 4, M: 5, H: 6, I: 7, N: 8, V: 9 };
  const ROW = 3;
  const MISS = 10;
  const X = 11;
  const E = 12;
  const K = 13;
  const J = 14;
  const c = new MatchCode(L.Q, L.LIM, L.V, L.M);
  /** Stores where the reading is (rows written, where it goes on, whether the list ended). */
  const state = (at: number, done: number) => {
    c.i32(0).get(ROW).store32(OUT + 4 * R_ROWS);
    c.i32(0).get(at).store32(OUT + 4 * R_AT);
    c.i32(0).i32(done).store32(OUT + 4 * R_DONE);
    c.i32(0).get(L.T).store32(OUT + 4 * R_TEXT);
  };
  c.i32(0).set(MISS);
  c.enter("block");
  c.enter("loop");
  // No row left: stopped before the attribute.
  c.get(ROW).i32(MAX_ROWS).op(Op.i32GeU).enter("if");
  state(L.P, 0);
  c.i32(STOPPED).return().leave();
  matchAttribute(c, L, () => {
    state(L.P, 0);
    c.i32(STOPPED).return();
  });
  // The row: spans, hash, keys.
  for (let k = 0; k < SPAN; k++) c.get(ROW).i32(4 * SPAN).op(Op.i32Mul).i32(0).load32(OUT + 4 * (R_SPANS + k)).store32(lay.spans + 4 * k);
  c.get(ROW).i32(4).op(Op.i32Mul).i32(0).load32(OUT + 4 * R_HASH).store32(lay.hashes);
  for (let k = 0; k < KEYS; k++) {
    c.get(ROW).i32(4 * KEYS).op(Op.i32Mul);
    c.i32(0).load32(OUT + 4 * (R_NAMESPACE + k)).tee(X).i32(0).op(Op.i32GeS);
    c.if();
    c.i32(0).load32(OUT + 4 * (R_KEY_ENDS + k)).set(E);
    lookUp(c, lay, X, E, L.H, K, J);
    c.end();
    // (The if's result: the place, or -1 for an absent key.)
    c.get(X).i32(0).op(Op.i32GeS).if().get(J).set(X).else().i32(-1).set(X).end();
    c.get(X).store32(lay.keys + 4 * k);
    c.get(X).i32(MISSING).op(Op.i32Eq).get(MISS).op(Op.i32Or).set(MISS);
  }
  c.get(ROW).i32(1).op(Op.i32Add).set(ROW);
  // The next attribute, or the list's end.
  c.holds(",\n").enter("if");
  c.skip(2).get(L.Q).set(L.P);
  c.get(MISS).enter("if");
  state(L.P, 0);
  c.i32(MISSED).return().leave();
  c.br(1);
  c.leave();
  c.expect(`\n${sp(16)}]`);
  state(L.Q, 1);
  c.get(MISS).enter("if").i32(MISSED).return().leave();
  c.get(L.Q).return();
  c.leave();
  c.leave();
  c.i32(-1);
  return c;
}

/**
 * `remember(x, e, place)`: keeps the value `[x, e)` in the table of strings as the reader's `place` (when
 * the table and its arena have room; a value not kept is looked up by the reader each time).
 */
function rememberFunction(lay: Layout): Code {
  const X = 0;
  const E = 1;
  const PLACE = 2;
  const H = 3;
  const K = 4;
  const J = 5;
  const c = new Code();
  c.block();
  c.i32(0).load32(OUT + 4 * R_COUNT).i32(MAX_REMEMBERED).op(Op.i32GeU).brIf(0);
  c.i32(0).load32(OUT + 4 * R_USED).get(E).get(X).op(Op.i32Sub).op(Op.i32Add).i32(ARENA_BYTES).op(Op.i32GtU).brIf(0);
  hashOf(c, X, E, H, J);
  c.get(H).i32(SLOTS - 1).op(Op.i32And).i32(16).op(Op.i32Mul).i32(lay.table).op(Op.i32Add).set(K);
  // The first empty slot.
  c.block().loop();
  c.get(K).load32(4).op(Op.i32Eqz).brIf(1);
  c.get(K).i32(16).op(Op.i32Add).set(K);
  c.get(K).i32(lay.table + 16 * SLOTS).op(Op.i32GeU).if().i32(lay.table).set(K).end();
  c.br(0);
  c.end().end();
  c.get(K).get(H).store32(0);
  c.get(K).get(PLACE).i32(1).op(Op.i32Add).store32(4);
  c.get(K).i32(0).load32(OUT + 4 * R_USED).i32(lay.arena).op(Op.i32Add).tee(J).store32(8);
  c.get(K).get(E).get(X).op(Op.i32Sub).store32(12);
  // The bytes to the arena.
  c.block().loop();
  c.get(X).get(E).op(Op.i32GeU).brIf(1);
  c.get(J).get(X).load8(0).store8(0);
  c.get(J).i32(1).op(Op.i32Add).set(J);
  c.get(X).i32(1).op(Op.i32Add).set(X).br(0);
  c.end().end();
  c.i32(0).get(J).i32(lay.arena).op(Op.i32Sub).store32(OUT + 4 * R_USED);
  c.i32(0).i32(0).load32(OUT + 4 * R_COUNT).i32(1).op(Op.i32Add).store32(OUT + 4 * R_COUNT);
  c.end();
  return c;
}

/**
 * More results (Int32 elements at {@link OUT}) of {@link AttributeWasm.head} and {@link AttributeWasm.tail}:
 * where the affinity's, the claim time's, the CIDR's and the sequence number's text starts and ends (-1
 * when absent), how many numbers the lists `allocations`, `sequenceNumberForAllocation` and
 * `unallocated` have (in {@link AttributeWasm.lists}), where the attributes start, whether their list is
 * empty, `deleted` and `strictAffinity` (0 or 1), the most digits of a sequence number.
 */
export const S_AFFINITY = 20;
export const S_CLAIM = 22;
export const S_ALLOCATIONS = 24;
export const S_ATTRIBUTES = 25;
export const S_EMPTY = 26;
export const S_CIDR = 27;
export const S_DELETED = 29;
export const S_SEQUENCE = 30;
export const S_SEQUENCES = 32;
export const S_DIGITS = 33;
export const S_STRICT = 34;
export const S_UNALLOCATED = 35;

/** Numbers of each list {@link AttributeWasm.head} and {@link AttributeWasm.tail} read (a longer list is left to the patterns). */
export const MAX_LIST = 1 << 17;

/** The scratch locals of the lists' code. */
interface ListLocals {
  readonly Q: number;
  readonly LIM: number;
  readonly CNT: number;
  readonly VAL: number;
  readonly D: number;
  readonly K: number;
}

/** `VAL` = a plain non-negative integer of at most 9 digits at `Q` (the patterns' SMALL: `0` or 1–9 digits without a leading 0); `Q` moves past it. */
function small(c: MatchCode, L: ListLocals): void {
  const { Q, LIM, VAL, D, K } = L;
  c.past(1).failIf();
  c.get(Q).load8(0).i32(0x30).op(Op.i32Sub).tee(D).i32(9).op(Op.i32GtU).failIf();
  c.get(D).set(VAL).skip(1);
  c.get(D).enter("if");
  c.i32(8).set(K);
  c.block().loop();
  c.get(K).op(Op.i32Eqz).brIf(1);
  c.get(Q).get(LIM).op(Op.i32GeU).brIf(1);
  c.get(Q).load8(0).i32(0x30).op(Op.i32Sub).tee(D).i32(9).op(Op.i32GtU).brIf(1);
  c.get(VAL).i32(10).op(Op.i32Mul).get(D).op(Op.i32Add).set(VAL);
  c.get(K).i32(1).op(Op.i32Sub).set(K);
  c.skip(1).br(0);
  c.end().end();
  c.leave();
}

/** A non-negative integer of any length at `Q` (the patterns' LARGE: `0` or digits without a leading 0); `Q` moves past it. */
function large(c: MatchCode, L: ListLocals): void {
  const { Q, LIM, D } = L;
  c.past(1).failIf();
  c.get(Q).load8(0).i32(0x30).op(Op.i32Sub).tee(D).i32(9).op(Op.i32GtU).failIf();
  c.skip(1);
  c.get(D).enter("if");
  c.block().loop();
  c.get(Q).get(LIM).op(Op.i32GeU).brIf(1);
  c.get(Q).load8(0).i32(0x30).op(Op.i32Sub).i32(9).op(Op.i32GtU).brIf(1);
  c.skip(1).br(0);
  c.end().end();
  c.leave();
}

/** Appends `VAL` to the list at `list` (`CNT` numbers in it; no room: no match). */
function append(c: MatchCode, L: ListLocals, list: number): void {
  c.get(L.CNT).i32(MAX_LIST).op(Op.i32GeU).failIf();
  c.get(L.CNT).i32(4).op(Op.i32Mul).get(L.VAL).store32(list);
  c.get(L.CNT).i32(1).op(Op.i32Add).set(L.CNT);
}

/**
 * A list of small integers (or nulls, as -1) as the patterns' `smallList`, after its key: `[]`, or one
 * per line (20 spaces in) between `[` and `]` (16 spaces in); written to `list`, their count in result `slot`.
 */
function smallList(c: MatchCode, L: ListLocals, key: string, orNull: boolean, list: number, slot: number): void {
  c.expect(`${sp(16)}"${key}": `);
  c.i32(0).set(L.CNT);
  c.holds("[]").enter("if");
  c.skip(2);
  c.else();
  c.expect("[\n");
  c.enter("loop");
  c.expect(sp(20));
  if (orNull) {
    c.holds("null").enter("if").skip(4).i32(-1).set(L.VAL).else();
    small(c, L);
    c.leave();
  } else {
    small(c, L);
  }
  append(c, L, list);
  c.holds(",\n").enter("if").skip(2).br(1).leave();
  c.expect(`\n${sp(16)}]`);
  c.leave();
  c.leave();
  c.i32(0).get(L.CNT).store32(OUT + 4 * slot);
}

/** An optional string member `key` (16 spaces in, then `,\n`): its text's start and end in results `slot`, `slot + 1` (-1 when absent). */
function optionalString(c: MatchCode, key: string, slot: number, Q: number): void {
  const text = `${sp(16)}"${key}": "`;
  c.holds(text).enter("if").skip(text.length);
  c.i32(0).get(Q).store32(OUT + 4 * slot);
  c.plain();
  c.i32(0).get(Q).store32(OUT + 4 * slot + 4);
  c.expect(`",\n`);
  c.else();
  c.i32(0).i32(-1).store32(OUT + 4 * slot);
  c.i32(0).i32(-1).store32(OUT + 4 * slot + 4);
  c.leave();
}

/** `true` or `false` and `,\n` at `Q`: result `slot` 1 or 0. */
function flag(c: MatchCode, slot: number): void {
  c.holds("true,\n").enter("if").skip(6).i32(0).i32(1).store32(OUT + 4 * slot);
  c.else().expect("false,\n").i32(0).i32(0).store32(OUT + 4 * slot);
  c.leave();
}

/**
 * A block's spec up to its attributes: `head(p, lim)` from the spec's first member (`p`, within the
 * text that ends at `lim`): `affinity` and `affinityClaimTime` (optional strings), `allocations`, and
 * the attributes' `[`: where the first attribute starts (or where the text after `[]` does); -1 when it
 * is not as the patterns take it.
 */
function headFunction(lay: Layout): Code {
  const L: ListLocals & { P: number; M: number; V: number } = { P: 0, LIM: 1, Q: 2, M: 3, V: 4, CNT: 5, VAL: 6, D: 7, K: 8 };
  const c = new MatchCode(L.Q, L.LIM, L.V, L.M);
  c.get(L.P).set(L.Q);
  c.enter("block");
  optionalString(c, "affinity", S_AFFINITY, L.Q);
  optionalString(c, "affinityClaimTime", S_CLAIM, L.Q);
  smallList(c, L, "allocations", true, lay.allocations, S_ALLOCATIONS);
  c.expect(`,\n${sp(16)}"attributes": [`);
  c.holds("]").enter("if");
  c.skip(1).i32(0).i32(1).store32(OUT + 4 * S_EMPTY);
  c.else();
  c.expect("\n").i32(0).i32(0).store32(OUT + 4 * S_EMPTY);
  c.leave();
  c.i32(0).get(L.Q).store32(OUT + 4 * S_ATTRIBUTES);
  c.get(L.Q).return();
  c.leave();
  c.i32(-1);
  return c;
}

/**
 * A block's spec after its attributes: `tail(p, lim, t)` from the `,` after the attributes' `]`: `cidr`,
 * `deleted` (optional), `sequenceNumber` (optional), `sequenceNumberForAllocation` (optional: the
 * ordinals to {@link AttributeWasm.lists}, the digits to the block's text from `t`, where each ends),
 * `strictAffinity`, `unallocated`, and the item's end: where it ends; -1 when it is not as the patterns
 * take it (or the block's text has no room for the digits).
 */
function tailFunction(lay: Layout): Code {
  const L: ListLocals & { P: number; T: number; M: number; V: number; S: number; MAX: number } = { P: 0, LIM: 1, T: 2, Q: 3, M: 4, V: 5, CNT: 6, VAL: 7, D: 8, K: 9, S: 10, MAX: 11 };
  const c = new MatchCode(L.Q, L.LIM, L.V, L.M);
  c.get(L.P).set(L.Q);
  c.enter("block");
  c.expect(`,\n${sp(16)}"cidr": "`);
  c.i32(0).get(L.Q).store32(OUT + 4 * S_CIDR);
  c.plain();
  c.i32(0).get(L.Q).store32(OUT + 4 * S_CIDR + 4);
  c.expect(`",\n`);
  const deleted = `${sp(16)}"deleted": `;
  c.holds(deleted).enter("if").skip(deleted.length);
  flag(c, S_DELETED);
  c.else().i32(0).i32(0).store32(OUT + 4 * S_DELETED);
  c.leave();
  const sequence = `${sp(16)}"sequenceNumber": `;
  c.holds(sequence).enter("if").skip(sequence.length);
  c.i32(0).get(L.Q).store32(OUT + 4 * S_SEQUENCE);
  large(c, L);
  c.i32(0).get(L.Q).store32(OUT + 4 * S_SEQUENCE + 4);
  c.expect(",\n");
  c.else();
  c.i32(0).i32(-1).store32(OUT + 4 * S_SEQUENCE);
  c.i32(0).i32(-1).store32(OUT + 4 * S_SEQUENCE + 4);
  c.leave();
  const sequences = `${sp(16)}"sequenceNumberForAllocation": `;
  c.i32(0).set(L.CNT).i32(0).set(L.MAX);
  c.holds(sequences).enter("if").skip(sequences.length);
  c.holds("{}").enter("if");
  c.skip(2);
  c.else();
  c.expect("{\n");
  c.enter("loop");
  c.expect(`${sp(20)}"`);
  small(c, L);
  append(c, L, lay.ordinals);
  c.expect('": ');
  c.get(L.Q).set(L.S);
  large(c, L);
  // The digits to the block's text (room for them?), and where they end.
  c.get(L.Q).get(L.S).op(Op.i32Sub).tee(L.D).get(L.T).op(Op.i32Add).i32(TEXT_BYTES - 16).op(Op.i32GtU).failIf();
  c.get(L.D).get(L.MAX).op(Op.i32GtU).enter("if").get(L.D).set(L.MAX).leave();
  c.block().loop();
  c.get(L.S).get(L.Q).op(Op.i32GeU).brIf(1);
  c.get(L.T).get(L.S).load8(0).store8(TEXT_AT);
  c.get(L.T).i32(1).op(Op.i32Add).set(L.T);
  c.get(L.S).i32(1).op(Op.i32Add).set(L.S).br(0);
  c.end().end();
  c.get(L.CNT).i32(4).op(Op.i32Mul).get(L.T).store32(lay.ends - 4);
  c.holds(",\n").enter("if").skip(2).br(1).leave();
  c.expect(`\n${sp(16)}}`);
  c.leave();
  c.leave();
  c.expect(",\n");
  c.leave();
  c.i32(0).get(L.CNT).store32(OUT + 4 * S_SEQUENCES);
  c.i32(0).get(L.MAX).store32(OUT + 4 * S_DIGITS);
  c.i32(0).get(L.T).store32(OUT + 4 * R_TEXT);
  c.expect(`${sp(16)}"strictAffinity": `);
  flag(c, S_STRICT);
  smallList(c, L, "unallocated", false, lay.unallocated, S_UNALLOCATED);
  c.expect(`\n${sp(12)}}\n${sp(8)}}`);
  c.get(L.Q).return();
  c.leave();
  c.i32(-1);
  return c;
}

/** The matcher and its memory (see the module's comment). */
export interface AttributeWasm {
  readonly memory: WasmMemory;
  /** The results of the last match ({@link R_HASH} …). */
  readonly out: Int32Array;
  /** The block's text ({@link TEXT_BYTES} bytes; the match's `t` counts from its start). */
  readonly text: Buffer<ArrayBuffer>;
  /** The List reader's two window buffers ({@link WINDOW_BYTES} each). */
  readonly windows: readonly [Buffer<ArrayBuffer>, Buffer<ArrayBuffer>];
  /**
   * Matches one attribute at `p` (an address in the memory) in the text that ends at `lim`, its values
   * copied to the block's text from `t`: where the match ends, -1 when the pattern would not match, or
   * {@link NO_ROOM}.
   */
  readonly attribute: (p: number, lim: number, t: number) => number;
  /**
   * Matches a block's attributes from `p` to the list's end, their values copied to the block's text
   * from `t`, written to {@link rows} from `row`: see {@link attributesFunction} for the answers.
   */
  readonly attributes: (p: number, lim: number, t: number, row: number) => number;
  /** The rows {@link attributes} writes ({@link MAX_ROWS}): per attribute 6 spans, a hash, 3 keys (places in the reader's table of strings, -1 absent, {@link MISSING}). */
  readonly rows: { readonly spans: Int32Array; readonly hashes: Int32Array; readonly keys: Int32Array };
  /** Keeps the value `[x, e)` (addresses in the memory) in the table of strings {@link attributes} looks keys up in, as the reader's `place`. */
  readonly remember: (x: number, e: number, place: number) => void;
  /** Empties the table of strings (the reader starts a new table). */
  forget(): void;
  /** Reads a block's spec up to its attributes from `p` (an address in the memory; the text ends at `lim`): see {@link headFunction}. */
  readonly head: (p: number, lim: number) => number;
  /** Reads a block's spec after its attributes from `p`, the sequence numbers' digits to the block's text from `t`: see {@link tailFunction}. */
  readonly tail: (p: number, lim: number, t: number) => number;
  /** The lists {@link head} and {@link tail} read ({@link MAX_LIST} numbers each): `allocations` (-1 for null), `unallocated`, the ordinals of `sequenceNumberForAllocation` and where each one's digits end in the block's text. */
  readonly lists: { readonly allocations: Int32Array; readonly unallocated: Int32Array; readonly ordinals: Int32Array; readonly ends: Int32Array };
}

/** The bytes of each of the List reader's two window buffers (a window is about 4.3 MB). */
export const WINDOW_BYTES = 8 * 1024 * 1024;

let made: AttributeWasm | null = null;
let failed = false;

/** The matcher (made on first use); undefined where WebAssembly with SIMD is not available. */
export function attributeWasm(): AttributeWasm | undefined {
  if (made !== null || failed) return made ?? undefined;
  try {
    const wasm = webAssembly();
    const lay = layout();
    const pages = Math.ceil(lay.size / PAGE);
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const bytes = new wasm.Module(
      wasmModule([
        { name: "attribute", params: [I32, I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, V128], code: attributeFunction() },
        { name: "attributes", params: [I32, I32, I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, V128, I32, I32, I32, I32, I32], code: attributesFunction(lay) },
        { name: "remember", params: [I32, I32, I32], results: [], locals: [I32, I32, I32], code: rememberFunction(lay) },
        { name: "head", params: [I32, I32], results: [I32], locals: [I32, I32, V128, I32, I32, I32, I32], code: headFunction(lay) },
        { name: "tail", params: [I32, I32, I32], results: [I32], locals: [I32, I32, V128, I32, I32, I32, I32, I32, I32], code: tailFunction(lay) },
      ]),
    );
    const instance = new wasm.Instance(bytes, { env: { mem: memory } });
    const buffer = memory.buffer;
    const out = new Int32Array(buffer, OUT, OUT_WORDS);
    const table = new Int32Array(buffer, lay.table, 4 * SLOTS);
    made = {
      memory,
      out,
      text: Buffer.from(buffer, TEXT_AT, TEXT_BYTES),
      windows: [Buffer.from(buffer, lay.windows, WINDOW_BYTES), Buffer.from(buffer, lay.windows + WINDOW_BYTES + SLACK, WINDOW_BYTES)],
      attribute: instance.exports.attribute as (p: number, lim: number, t: number) => number,
      attributes: instance.exports.attributes as (p: number, lim: number, t: number, row: number) => number,
      rows: { spans: new Int32Array(buffer, lay.spans, SPAN * MAX_ROWS), hashes: new Int32Array(buffer, lay.hashes, MAX_ROWS), keys: new Int32Array(buffer, lay.keys, KEYS * MAX_ROWS) },
      remember: instance.exports.remember as (x: number, e: number, place: number) => void,
      forget(): void {
        if (out[R_COUNT] === 0) return;
        table.fill(0);
        out[R_COUNT] = out[R_USED] = 0;
      },
      head: instance.exports.head as (p: number, lim: number) => number,
      tail: instance.exports.tail as (p: number, lim: number, t: number) => number,
      lists: {
        allocations: new Int32Array(buffer, lay.allocations, MAX_LIST),
        unallocated: new Int32Array(buffer, lay.unallocated, MAX_LIST),
        ordinals: new Int32Array(buffer, lay.ordinals, MAX_LIST),
        ends: new Int32Array(buffer, lay.ends, MAX_LIST),
      },
    };
  } catch {
    failed = true;
  }
  return made ?? undefined;
}

/** The matcher when it was made already (by {@link attributeWasm}); undefined otherwise. */
export function madeAttributeWasm(): AttributeWasm | undefined {
  return made ?? undefined;
}
