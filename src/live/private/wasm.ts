/**
 * A small WebAssembly assembler: the code of a function written as calls (`new Code().get(0).i32(1)…`)
 * and a module of such functions importing one memory (`env.mem`). The module's bytes are made from
 * these sources when it is loaded, so no binary is committed and no tool beyond Node.js builds them.
 * Only the instructions the matchers use are here (see the WebAssembly core specification, §5 "Binary
 * format", and its SIMD extension for the `0xfd` instructions).
 */

/**
 * The part of the WebAssembly JavaScript API the matchers use (TypeScript's "lib" of the project has none):
 * a memory (shared when asked: its buffer is then a `SharedArrayBuffer`), a module compiled from bytes, an
 * instance of it importing the memory.
 */
export interface WasmApi {
  Memory: new <Shared extends boolean = false>(descriptor: { initial: number; maximum?: number; shared?: Shared }) => WasmMemory<Shared>;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** A WebAssembly memory: its bytes, and `grow` by pages of 64 KiB (its old size in pages; throws past its maximum). */
export interface WasmMemory<Shared extends boolean = false> {
  readonly buffer: Shared extends true ? SharedArrayBuffer : ArrayBuffer;
  grow(pages: number): number;
}

/** The runtime's WebAssembly API (whether it has SIMD or threads is known when a module compiles). */
export function webAssembly(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

/** An unsigned LEB128 number. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** A signed LEB128 number. */
function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Instructions without immediates (numeric opcodes). */
export const Op = {
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i64Ne: 0x52,
  i32Ctz: 0x68,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Mul: 0x7e,
  i32TruncF64U: 0xab,
  i64ExtendI32U: 0xad,
  f64Add: 0xa0,
  f64ConvertI32U: 0xb8,
  f64ConvertI64U: 0xba,
} as const;

/** SIMD instructions (after the 0xfd prefix). */
export const Simd = {
  i8x16Splat: 0x0f,
  i16x8Splat: 0x10,
  i8x16Eq: 0x23,
  i8x16LtU: 0x26,
  i8x16GtU: 0x28,
  v128And: 0x4e,
  v128Or: 0x50,
  i8x16AllTrue: 0x63,
  i8x16Bitmask: 0x64,
  i8x16NarrowI16x8U: 0x66,
  i8x16Add: 0x6e,
  i8x16Sub: 0x71,
  i16x8Shl: 0x8b,
  i16x8ShrU: 0x8d,
} as const;

/** The body of a function, instruction by instruction. */
export class Code {
  readonly bytes: number[] = [];
  op(...x: number[]): this {
    for (const b of x) this.bytes.push(b);
    return this;
  }
  get(local: number): this {
    return this.op(0x20, ...uleb(local));
  }
  set(local: number): this {
    return this.op(0x21, ...uleb(local));
  }
  tee(local: number): this {
    return this.op(0x22, ...uleb(local));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(BigInt(n | 0)));
  }
  i64(n: bigint): this {
    return this.op(0x42, ...sleb(BigInt.asIntN(64, n)));
  }
  /** Loads and stores at the address on the stack plus `offset` (alignment hint 1 byte: any address). */
  load8(offset: number): this {
    return this.op(0x2d, 0, ...uleb(offset));
  }
  load16(offset: number): this {
    return this.op(0x2f, 0, ...uleb(offset));
  }
  load32(offset: number): this {
    return this.op(0x28, 0, ...uleb(offset));
  }
  load64(offset: number): this {
    return this.op(0x29, 0, ...uleb(offset));
  }
  store32(offset: number): this {
    return this.op(0x36, 0, ...uleb(offset));
  }
  store8(offset: number): this {
    return this.op(0x3a, 0, ...uleb(offset));
  }
  store16(offset: number): this {
    return this.op(0x3b, 0, ...uleb(offset));
  }
  f64Load(offset: number): this {
    return this.op(0x2b, 0, ...uleb(offset));
  }
  f64Store(offset: number): this {
    return this.op(0x39, 0, ...uleb(offset));
  }
  v128Load(offset: number): this {
    return this.op(0xfd, ...uleb(0x00), 0, ...uleb(offset));
  }
  v128Store(offset: number): this {
    return this.op(0xfd, ...uleb(0x0b), 0, ...uleb(offset));
  }
  simd(op: number): this {
    return this.op(0xfd, ...uleb(op));
  }
  /** Structured control: blocks without a result. */
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  /** An `if` whose arms leave an i32 (both must: `else` is required). */
  ifResult(): this {
    return this.op(0x04, 0x7f);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  return(): this {
    return this.op(0x0f);
  }
  /** Calls the module's function of index `fn` (its arguments on the stack). */
  call(fn: number): this {
    return this.op(0x10, ...uleb(fn));
  }
}

/** A function of a {@link wasmModule}, exported by its name. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** The types of the locals after the parameters. */
  readonly locals: readonly number[];
  readonly code: Code;
}

const vector = (items: readonly number[], count = items.length): number[] => [...uleb(count), ...items];
const section = (id: number, body: readonly number[]): number[] => [id, ...vector(body)];
const text = (s: string): number[] => vector([...Buffer.from(s, "latin1")]);

/**
 * The bytes of a module of `functions` importing one memory `env.mem` (of at least 1 page); with
 * `shared`, a shared memory (`WebAssembly.Memory` with `shared: true`, whose buffer is a
 * SharedArrayBuffer another thread can be given without a copy) of at most 65,536 pages.
 */
export function wasmModule(functions: readonly WasmFunction[], shared = false): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...vector(f.params), ...vector(f.results)]);
  const bodies = functions.flatMap((f) => vector([...vector(f.locals.flatMap((t) => [1, t]), f.locals.length), ...f.code.bytes, 0x0b]));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vector(types, functions.length)),
    ...section(2, vector([...text("env"), ...text("mem"), 0x02, ...(shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1])], 1)),
    ...section(3, vector(functions.flatMap((_, i) => uleb(i)), functions.length)),
    ...section(7, vector(functions.flatMap((f, i) => [...text(f.name), 0x00, ...uleb(i)]), functions.length)),
    ...section(10, vector(bodies, functions.length)),
  ]);
}

/** The constant `text` as the loads that compare it: [bytes, offset, expected value] (8-byte words, overlapping at the end). */
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

/**
 * The code of a matcher of text at a place `q` (a local) that must not go past `lim` (a local): the
 * whole function is one outer block, out of which {@link failIf} breaks (no match). `v` (v128) and `m`
 * (i32) are scratch locals of {@link plain}.
 */
export class MatchCode extends Code {
  private depth = 0;
  constructor(
    private readonly q: number,
    private readonly lim: number,
    private readonly v: number,
    private readonly m: number,
  ) {
    super();
  }
  /** Opens a block, loop or if: the code after it is one level deeper. */
  enter(kind: "block" | "loop" | "if"): this {
    if (kind === "block") this.block();
    else if (kind === "loop") this.loop();
    else this.if();
    this.depth++;
    return this;
  }
  leave(): this {
    this.depth--;
    return this.end();
  }
  /** Breaks out of the outermost block (no match) when the value on the stack is not 0. */
  failIf(): this {
    return this.brIf(this.depth - 1);
  }
  /** `q += n`. */
  skip(n: number): this {
    return this.get(this.q).i32(n).op(Op.i32Add).set(this.q);
  }
  /** Pushes whether `q + n` is past `lim`. */
  past(n: number): this {
    return this.get(this.q).i32(n).op(Op.i32Add).get(this.lim).op(Op.i32GtU);
  }
  /** Pushes whether the bytes at `q + at` differ from a word of a constant text. */
  private differs([size, at, w]: [number, number, bigint | number]): this {
    this.get(this.q);
    if (size === 8) return this.load64(at).i64(w as bigint).op(Op.i64Ne);
    if (size === 4) this.load32(at);
    else if (size === 2) this.load16(at);
    else this.load8(at);
    return this.i32(w as number).op(Op.i32Ne);
  }
  /** The constant `text` at `q` (else no match); `q` moves past it. */
  expect(text: string): this {
    this.past(text.length).failIf();
    for (const w of words(text)) this.differs(w).failIf();
    return this.skip(text.length);
  }
  /** Pushes whether the constant `text` is at `q` (before `lim`). */
  holds(text: string): this {
    this.past(text.length);
    for (const w of words(text)) this.differs(w).op(Op.i32Or);
    return this.op(Op.i32Eqz);
  }
  /**
   * A string's characters (printable ASCII but `"` and `\`, as the patterns' PLAIN) from `q`, 16 bytes
   * at a time: `q` moves to the first other byte (the memory must hold 15 bytes past any text).
   */
  plain(): this {
    const { q, v, m } = this;
    this.enter("loop");
    this.get(q).v128Load(0).tee(v).i32(0x20).simd(Simd.i8x16Splat).simd(Simd.i8x16LtU);
    this.get(v).i32(0x7e).simd(Simd.i8x16Splat).simd(Simd.i8x16GtU).simd(Simd.v128Or);
    this.get(v).i32(0x22).simd(Simd.i8x16Splat).simd(Simd.i8x16Eq).simd(Simd.v128Or);
    this.get(v).i32(0x5c).simd(Simd.i8x16Splat).simd(Simd.i8x16Eq).simd(Simd.v128Or);
    this.simd(Simd.i8x16Bitmask).tee(m).op(Op.i32Eqz);
    this.enter("if").skip(16).br(1).leave();
    this.leave();
    return this.get(q).get(m).op(Op.i32Ctz).op(Op.i32Add).set(q);
  }
  /**
   * Pushes the FNV-1a hash (`handleIdHash`, whose start and prime are given) of the bytes from the
   * address in local `from` to the one in local `to` (`from` moves to `to`).
   */
  fnv(from: number, to: number, hash: number, offset: number, prime: number): this {
    this.i32(offset).set(hash);
    this.enter("block").enter("loop");
    this.get(from).get(to).op(Op.i32GeU).brIf(1);
    this.get(hash).get(from).load8(0).op(Op.i32Xor).i32(prime).op(Op.i32Mul).set(hash);
    this.get(from).i32(1).op(Op.i32Add).set(from).br(0);
    this.leave().leave();
    return this.get(hash);
  }
}
