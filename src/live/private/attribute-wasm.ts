/**
 * The blocks worker's attribute matcher in WebAssembly (`template-decode.ts` uses it when the file's
 * bytes are in its memory: the worker's List reader reads into {@link AttributeWasm.windows}). It takes
 * exactly what the `ATTRIBUTE` pattern of `template-decode.ts` takes, one attribute of a block in
 * kubectl's layout, and on the way hashes the handle (`handleIdHash`), copies the handle, pod and
 * timestamp to the block's text ({@link AttributeWasm.text}) and finds the namespace, node and type.
 * Constant text is compared 8 bytes at a time, strings are scanned 16 bytes at a time (SIMD): several
 * times fewer instructions than the pattern and the JavaScript that read the values after it.
 *
 * The module is assembled from this source when first used (`wasm.ts`): nothing prebuilt. Where
 * WebAssembly or its SIMD instructions are missing, {@link attributeWasm} is undefined and the pattern
 * is used.
 */
import { FNV_OFFSET, FNV_PRIME } from "./handle-ids";
import { Code, I32, MatchCode, Op, V128, wasmModule } from "./wasm";

const sp = (n: number) => " ".repeat(n);
const SEC = sp(28);

/** The memory's layout: the results of a match, the block's text, the List reader's two windows. */
const OUT = 0;
const TEXT_AT = 64;
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

// The function's parameters and locals.
const P = 0; // where the attribute starts (its 20 spaces)
const LIM = 1; // where the text the pattern sees ends
const T = 2; // where the values go in the block's text (from TEXT_AT)
const Q = 3; // where the match is
const M = 4; // a scan's mask
const H = 5; // the hash
const I = 6; // a copy's place
const N = 7; // a copy's length
const V = 8; // a scan's 16 bytes

/** The attribute matcher: `attribute(p, lim, t)`, the end of the match, -1 when none, {@link NO_ROOM}. */
function attributeFunction(): Code {
  const c = new MatchCode(Q, LIM, V, M);
  /** A string's value, its start kept in result `slot` (and its end in the next). */
  const value = (slot: number, end: boolean) => {
    c.i32(0).get(Q).store32(OUT + 4 * slot);
    c.plain();
    if (end) c.i32(0).get(Q).store32(OUT + 4 * slot + 4);
  };
  const absent = (slot: number, end: boolean) => {
    c.i32(0).i32(-1).store32(OUT + 4 * slot);
    if (end) c.i32(0).i32(-1).store32(OUT + 4 * slot + 4);
  };
  /** An optional member `text` + value (its start in `slot`): kept when its constant text is there. */
  const optional = (text: string, slot: number, end: boolean) => {
    c.holds(text).enter("if").skip(text.length);
    value(slot, end);
    c.else();
    absent(slot, end);
    c.leave();
  };

  c.get(P).set(Q);
  c.enter("block");
  // The handle's, pod's and timestamp's spans are first kept as places in memory (then copied).
  c.expect(`${sp(20)}{\n${sp(24)}"handle_id": "`);
  value(R_SPANS, true);
  c.expect(`",\n${sp(24)}"secondary": {\n`);
  c.holds(`${SEC}"namespace": "`).enter("if").skip(`${SEC}"namespace": "`.length);
  value(R_NAMESPACE, false);
  c.expect(`",\n`);
  c.else();
  absent(R_NAMESPACE, false);
  c.leave();
  c.expect(`${SEC}"node": "`);
  value(R_NODE, false);
  optional(`",\n${SEC}"pod": "`, R_SPANS + 2, true);
  optional(`",\n${SEC}"timestamp": "`, R_SPANS + 4, true);
  optional(`",\n${SEC}"type": "`, R_TYPE, false);
  c.expect(`"\n${sp(24)}}\n${sp(20)}}`);
  // Matched. Room in the block's text for the values (and a copy's 16 bytes past the last)?
  c.i32(0).load32(OUT + 4 * (R_SPANS + 1)).i32(0).load32(OUT + 4 * R_SPANS).op(Op.i32Sub);
  for (const s of [R_SPANS + 2, R_SPANS + 4]) {
    c.i32(0).load32(OUT + 4 * s + 4).i32(0).load32(OUT + 4 * s).op(Op.i32Sub).op(Op.i32Add);
  }
  c.get(T).op(Op.i32Add).i32(TEXT_BYTES - 16).op(Op.i32GtU);
  c.enter("if").i32(NO_ROOM).return().leave();
  // The handle's hash (FNV-1a, as handleIdHash).
  c.i32(0).load32(OUT + 4 * R_SPANS).set(I);
  c.i32(0).load32(OUT + 4 * (R_SPANS + 1)).set(N);
  c.i32(0).fnv(I, N, H, FNV_OFFSET, FNV_PRIME).store32(OUT + 4 * R_HASH);
  // The values copied to the block's text, 16 bytes at a time; their spans there.
  for (const s of [R_SPANS, R_SPANS + 2, R_SPANS + 4]) {
    c.i32(0).load32(OUT + 4 * s).tee(I).i32(0).op(Op.i32GeS);
    c.enter("if");
    c.i32(0).load32(OUT + 4 * s + 4).get(I).op(Op.i32Sub).set(N);
    c.i32(0).get(T).store32(OUT + 4 * s);
    c.i32(0).get(T).get(N).op(Op.i32Add).store32(OUT + 4 * s + 4);
    c.enter("block").enter("loop");
    c.get(N).i32(0).op(Op.i32LeS).brIf(1);
    c.get(T).get(I).v128Load(0).v128Store(TEXT_AT);
    c.get(T).i32(16).op(Op.i32Add).set(T);
    c.get(I).i32(16).op(Op.i32Add).set(I);
    c.get(N).i32(16).op(Op.i32Sub).set(N).br(0);
    c.leave().leave();
    // (T went past the value's end by the copy's last step; back to it.)
    c.i32(0).load32(OUT + 4 * s + 4).set(T);
    c.leave();
  }
  c.i32(0).get(T).store32(OUT + 4 * R_TEXT);
  c.get(Q).return();
  c.leave();
  c.i32(-1);
  return c;
}

/** The part of the WebAssembly JavaScript API used here (TypeScript's "lib" of the project has none). */
interface WasmApi {
  Memory: new (size: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
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
}

/** The bytes of each of the List reader's two window buffers (a window is about 4.3 MB). */
export const WINDOW_BYTES = 8 * 1024 * 1024;

let made: AttributeWasm | null = null;
let failed = false;

/** The matcher (made on first use); undefined where WebAssembly with SIMD is not available. */
export function attributeWasm(): AttributeWasm | undefined {
  if (made !== null || failed) return made ?? undefined;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const windowsAt = TEXT_AT + TEXT_BYTES + SLACK;
    const size = windowsAt + 2 * (WINDOW_BYTES + SLACK);
    const pages = Math.ceil(size / PAGE);
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const bytes = new wasm.Module(wasmModule([{ name: "attribute", params: [I32, I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, V128], code: attributeFunction() }]));
    const instance = new wasm.Instance(bytes, { env: { mem: memory } });
    const buffer = memory.buffer;
    made = {
      memory,
      out: new Int32Array(buffer, OUT, 16),
      text: Buffer.from(buffer, TEXT_AT, TEXT_BYTES),
      windows: [Buffer.from(buffer, windowsAt, WINDOW_BYTES), Buffer.from(buffer, windowsAt + WINDOW_BYTES + SLACK, WINDOW_BYTES)],
      attribute: instance.exports.attribute as (p: number, lim: number, t: number) => number,
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
