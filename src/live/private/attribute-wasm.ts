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
import { Code, I32, Op, Simd, V128, wasmModule } from "./wasm";

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

/** The constant `text` as the loads that compare it: [bytes, offset, expected value]. */
function words(text: string): [number, number, bigint | number][] {
  const b = Buffer.from(text, "latin1");
  const n = b.length;
  const parts: [number, number][] = [];
  if (n >= 8) {
    for (let i = 0; i + 8 <= n; i += 8) parts.push([8, i]);
    if (n % 8 !== 0) parts.push([8, n - 8]);
  } else if (n >= 4) {
    parts.push([4, 0]);
    if (n > 4) parts.push([4, n - 4]);
  } else if (n >= 2) {
    parts.push([2, 0]);
    if (n > 2) parts.push([1, 2]);
  } else {
    parts.push([1, 0]);
  }
  return parts.map(([size, at]) => [size, at, size === 8 ? b.readBigInt64LE(at) : size === 4 ? b.readInt32LE(at) : size === 2 ? b.readUInt16LE(at) : b[at]]);
}

/** The attribute matcher: `attribute(p, lim, t)`, the end of the match, -1 when none, {@link NO_ROOM}. */
function attributeFunction(): Code {
  const c = new Code();
  /** How deep the instructions emitted are inside blocks, loops and ifs; the answer -1 breaks out of depth 1. */
  let depth = 0;
  const open = (start: () => void) => {
    start();
    depth++;
  };
  const close = () => {
    c.end();
    depth--;
  };
  const failIf = () => c.brIf(depth - 1);
  /** Pushes whether `q + n` is past the text the pattern sees. */
  const past = (n: number) => c.get(Q).i32(n).op(Op.i32Add).get(LIM).op(Op.i32GtU);
  /** Pushes whether the word at `q + at` differs from the text's. */
  const differs = ([size, at, w]: [number, number, bigint | number]) => {
    c.get(Q);
    if (size === 8) return c.load64(at).i64(w as bigint).op(Op.i64Ne);
    if (size === 4) c.load32(at);
    else if (size === 2) c.load16(at);
    else c.load8(at);
    return c.i32(w as number).op(Op.i32Ne);
  };
  /** The constant `text` at `q` (else no match); `q` moves past it. */
  const expect = (text: string) => {
    past(text.length);
    failIf();
    for (const w of words(text)) {
      differs(w);
      failIf();
    }
    c.get(Q).i32(text.length).op(Op.i32Add).set(Q);
  };
  /** Pushes whether the constant `text` is at `q`. */
  const holds = (text: string) => {
    past(text.length);
    for (const w of words(text)) differs(w).op(Op.i32Or);
    c.op(Op.i32Eqz);
  };
  /** A string's characters (PLAIN: printable ASCII but `"` and `\`) from `q`: `q` moves to the first other byte. */
  const plain = () => {
    open(() => c.loop());
    c.get(Q).v128Load(0).tee(V).i32(0x20).simd(Simd.i8x16Splat).simd(Simd.i8x16LtU);
    c.get(V).i32(0x7e).simd(Simd.i8x16Splat).simd(Simd.i8x16GtU).simd(Simd.v128Or);
    c.get(V).i32(0x22).simd(Simd.i8x16Splat).simd(Simd.i8x16Eq).simd(Simd.v128Or);
    c.get(V).i32(0x5c).simd(Simd.i8x16Splat).simd(Simd.i8x16Eq).simd(Simd.v128Or);
    c.simd(Simd.i8x16Bitmask).tee(M).op(Op.i32Eqz);
    open(() => c.if());
    c.get(Q).i32(16).op(Op.i32Add).set(Q).br(1);
    close();
    close();
    c.get(Q).get(M).op(Op.i32Ctz).op(Op.i32Add).set(Q);
  };
  /** A string's value, its start kept in result `slot` (and its end in the next). */
  const value = (slot: number, end: boolean) => {
    c.i32(0).get(Q).store32(OUT + 4 * slot);
    plain();
    if (end) c.i32(0).get(Q).store32(OUT + 4 * slot + 4);
  };
  const absent = (slot: number, end: boolean) => {
    c.i32(0).i32(-1).store32(OUT + 4 * slot);
    if (end) c.i32(0).i32(-1).store32(OUT + 4 * slot + 4);
  };
  /** An optional member `text` + value (its start in `slot`): kept when its constant text is there. */
  const optional = (text: string, slot: number, end: boolean) => {
    holds(text);
    open(() => c.if());
    c.get(Q).i32(text.length).op(Op.i32Add).set(Q);
    value(slot, end);
    c.else();
    absent(slot, end);
    close();
  };

  c.get(P).set(Q);
  open(() => c.block());
  // The handle's, pod's and timestamp's spans are first kept as places in memory (then copied).
  expect(`${sp(20)}{\n${sp(24)}"handle_id": "`);
  value(R_SPANS, true);
  expect(`",\n${sp(24)}"secondary": {\n`);
  holds(`${SEC}"namespace": "`);
  open(() => c.if());
  c.get(Q).i32(`${SEC}"namespace": "`.length).op(Op.i32Add).set(Q);
  value(R_NAMESPACE, false);
  expect(`",\n`);
  c.else();
  absent(R_NAMESPACE, false);
  close();
  expect(`${SEC}"node": "`);
  value(R_NODE, false);
  optional(`",\n${SEC}"pod": "`, R_SPANS + 2, true);
  optional(`",\n${SEC}"timestamp": "`, R_SPANS + 4, true);
  optional(`",\n${SEC}"type": "`, R_TYPE, false);
  expect(`"\n${sp(24)}}\n${sp(20)}}`);
  // Matched. Room in the block's text for the values (and a copy's 16 bytes past the last)?
  c.i32(0).load32(OUT + 4 * (R_SPANS + 1)).i32(0).load32(OUT + 4 * R_SPANS).op(Op.i32Sub);
  for (const s of [R_SPANS + 2, R_SPANS + 4]) {
    c.i32(0).load32(OUT + 4 * s + 4).i32(0).load32(OUT + 4 * s).op(Op.i32Sub).op(Op.i32Add);
  }
  c.get(T).op(Op.i32Add).i32(TEXT_BYTES - 16).op(Op.i32GtU);
  open(() => c.if());
  c.i32(NO_ROOM).return();
  close();
  // The handle's hash (FNV-1a, as handleIdHash).
  c.i32(FNV_OFFSET).set(H);
  c.i32(0).load32(OUT + 4 * R_SPANS).set(I);
  open(() => c.block());
  open(() => c.loop());
  c.get(I).i32(0).load32(OUT + 4 * (R_SPANS + 1)).op(Op.i32GeU).brIf(1);
  c.get(H).get(I).load8(0).op(Op.i32Xor).i32(FNV_PRIME).op(Op.i32Mul).set(H);
  c.get(I).i32(1).op(Op.i32Add).set(I).br(0);
  close();
  close();
  c.i32(0).get(H).store32(OUT + 4 * R_HASH);
  // The values copied to the block's text, 16 bytes at a time; their spans there.
  for (const s of [R_SPANS, R_SPANS + 2, R_SPANS + 4]) {
    c.i32(0).load32(OUT + 4 * s).tee(I).i32(0).op(Op.i32GeS);
    open(() => c.if());
    c.i32(0).load32(OUT + 4 * s + 4).get(I).op(Op.i32Sub).set(N);
    c.i32(0).get(T).store32(OUT + 4 * s);
    c.i32(0).get(T).get(N).op(Op.i32Add).store32(OUT + 4 * s + 4);
    open(() => c.block());
    open(() => c.loop());
    c.get(N).i32(0).op(Op.i32LeS).brIf(1);
    c.get(T).get(I).v128Load(0).v128Store(TEXT_AT);
    c.get(T).i32(16).op(Op.i32Add).set(T);
    c.get(I).i32(16).op(Op.i32Add).set(I);
    c.get(N).i32(16).op(Op.i32Sub).set(N).br(0);
    close();
    close();
    // (T went past the value's end by the copy's last step; back to it.)
    c.i32(0).load32(OUT + 4 * s + 4).set(T);
    close();
  }
  c.i32(0).get(T).store32(OUT + 4 * R_TEXT);
  c.get(Q).return();
  close();
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
