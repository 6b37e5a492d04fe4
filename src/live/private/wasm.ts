/**
 * A small WebAssembly assembler: the code of a function written as calls (`new Code().get(0).i32(1)…`)
 * and a module of such functions importing one memory (`env.mem`). The module's bytes are made from
 * these sources when it is loaded, so no binary is committed and no tool beyond Node.js builds them.
 * Only the instructions the matchers use are here (see the WebAssembly core specification, §5 "Binary
 * format", and its SIMD extension for the `0xfd` instructions).
 */

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
} as const;

/** SIMD instructions (after the 0xfd prefix). */
export const Simd = {
  i8x16Splat: 0x0f,
  i8x16Eq: 0x23,
  i8x16LtU: 0x26,
  i8x16GtU: 0x28,
  v128Or: 0x50,
  i8x16Bitmask: 0x64,
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

/** The bytes of a module of `functions` importing one memory `env.mem` (of at least 1 page). */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...vector(f.params), ...vector(f.results)]);
  const bodies = functions.flatMap((f) => vector([...vector(f.locals.flatMap((t) => [1, t]), f.locals.length), ...f.code.bytes, 0x0b]));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vector(types, functions.length)),
    ...section(2, vector([...text("env"), ...text("mem"), 0x02, 0x00, 1], 1)),
    ...section(3, vector(functions.flatMap((_, i) => uleb(i)), functions.length)),
    ...section(7, vector(functions.flatMap((f, i) => [...text(f.name), 0x00, ...uleb(i)]), functions.length)),
    ...section(10, vector(bodies, functions.length)),
  ]);
}
