/**
 * The handles worker's template in WebAssembly (`handle-columns.ts` uses it when its window is
 * {@link HandleWasm.window}): the same steps as that file's `templateItem`, which takes exactly what the
 * `HANDLE` pattern takes, on the same constant texts, with the same values (names, CIDR, count,
 * `deleted`, ID, the hashes). Constant text is compared 8 bytes at a time, strings checked 16 bytes at
 * a time (SIMD, `wasm.ts`'s {@link MatchCode}). The module is assembled from this source when first used;
 * where WebAssembly with SIMD is missing, {@link handleWasm} is undefined and the JavaScript template is used.
 */
import { FNV_OFFSET, FNV_PRIME } from "./handle-ids";
import { I32, I64, MatchCode, Op, V128, wasmModule } from "./wasm";
import type { Code } from "./wasm";

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
export const R_COUNT_BYTE = 48;
const OUT = 0;
const WINDOW_AT = 64;
const SLACK = 64;

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

/** The part of the WebAssembly JavaScript API used here (TypeScript's "lib" of the project has none). */
interface WasmApi {
  Memory: new (size: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** The template and its memory. */
export interface HandleWasm {
  /** The results of the last match ({@link R_NAME_AT} …). */
  readonly out: Int32Array;
  readonly count: Float64Array;
  /** The reader's window (`windowBytes` as asked), in the memory. */
  readonly window: Buffer<ArrayBuffer>;
  /**
   * Matches the handle whose `{` is at `at` (an address in the memory) in the window's text, which ends
   * at `lim` (where a 0 byte must be): where the item ends, or -1 when the template does not take it.
   */
  readonly handle: (at: number, lim: number) => number;
}

let made: HandleWasm | undefined;
let failed = false;

/** The template with a window of `windowBytes` (made on first use; always that size); undefined where WebAssembly with SIMD is not available. */
export function handleWasm(windowBytes: number, texts: HandleTexts): HandleWasm | undefined {
  if (made !== undefined || failed) return made?.window.length === windowBytes ? made : undefined;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const pages = Math.ceil((WINDOW_AT + windowBytes + SLACK) / 65536);
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const module = new wasm.Module(wasmModule([{ name: "handle", params: [I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, I32, I64, V128], code: handleFunction(texts) }]));
    const instance = new wasm.Instance(module, { env: { mem: memory } });
    made = {
      out: new Int32Array(memory.buffer, OUT, 12),
      count: new Float64Array(memory.buffer, OUT + R_COUNT_BYTE, 1),
      window: Buffer.from(memory.buffer, WINDOW_AT, windowBytes),
      handle: instance.exports.handle as (at: number, lim: number) => number,
    };
  } catch {
    failed = true;
  }
  return made;
}
