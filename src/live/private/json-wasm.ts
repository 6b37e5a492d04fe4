/**
 * A JSON syntax check in WebAssembly, for items of a dump the reader keeps little of: whether some bytes
 * are one JSON value as `JSON.parse` reads them (RFC 8259: whitespace, objects, arrays, strings with
 * their escapes and no control character, numbers, `true`, `false`, `null`; duplicate keys allowed), and,
 * for an object, where each of its members' keys and values are, and those of the members of its members'
 * objects. The reader then parses only the values it keeps (a Kubernetes node's `metadata` and `spec`, a
 * pod's name and namespace, node and addresses: `fast-decode.ts`), not the status kubelet reports (most of
 * a node's text, its images and conditions) or a pod's containers and volumes, and gets what `JSON.parse`
 * of the whole item would give them. Nothing is built: the check walks the bytes once, strings and whitespace 16 bytes at a time.
 *
 * Bytes it does not read as JSON are refused; a text past its limits (nesting deeper than {@link MAX_DEPTH},
 * more than {@link MAX_MEMBERS} members at the top, a byte past ASCII in a string) is left to the caller,
 * which then reads it as before, with `JSON.parse`. Property tests
 * (`test/live/json-wasm.property.test.ts`) check it against `JSON.parse` on generated and damaged JSON.
 */
import { Code, I32, MatchCode, Op, Simd, V128, wasmModule, webAssembly } from "./wasm";

/** The most members of the top object whose places are kept. */
export const MAX_MEMBERS = 64;
/** The deepest nesting checked (a Kubernetes object is about 10 deep). */
export const MAX_DEPTH = 1024;
/** The most members of the top object's objects whose places are kept (a pod's metadata, spec and status: about 40). */
export const MAX_NESTED = 256;
/**
 * The memory: the members' places (key from, key to, value from, value to: addresses), the places of the
 * members of the top object's objects (the top member they are in, then the same four), how many of those
 * there are, the containers' stack (a byte a level), the text.
 */
const MEMBERS = 0;
const NESTED = MEMBERS + 16 * MAX_MEMBERS;
const NESTED_COUNT = NESTED + 20 * MAX_NESTED;
const STACK = NESTED_COUNT + 16;
const TEXT = STACK + MAX_DEPTH + 16;
const PAGE = 65536;
/** Bytes after the text: a 0 byte ends every loop of the check (no JSON text holds one), and 16-byte loads stay in the memory. */
const PAD = 32;

/** What {@link JsonCheck.check} gives for text that is not one JSON value, and for text past the check's limits. */
export const NOT_JSON = -1;
export const PAST_LIMITS = -2;

/** Locals of the check (after its parameters `p` and `end`). */
const Q = 0;
const END = 1;
const DEPTH = 2;
const STATE = 3;
const C = 4;
const N = 5;
const M = 6;
const V = 7;
/** Members of the top object's objects seen so far. */
const N2 = 8;

/** The check's states: a value expected, a member's key expected, a value just read. */
const VALUE = 0;
const KEY = 1;
const AFTER = 2;

/** `check(p, end)`: see {@link JsonCheck.check}; the text is `[p, end)` of the memory, a 0 byte at `end`. */
function checkFunction(): Code {
  const c = new MatchCode(Q, END, V, M);
  const ch = (x: string) => x.charCodeAt(0);
  /** Skips whitespace at `q`, 16 bytes at a time (an indented text is mostly spaces). */
  const ws = () => {
    c.enter("loop");
    c.get(Q).v128Load(0).tee(V).i32(0x20).simd(Simd.i8x16Splat).simd(Simd.i8x16Eq);
    for (const w of [0x0a, 0x0d, 0x09]) c.get(V).i32(w).simd(Simd.i8x16Splat).simd(Simd.i8x16Eq).simd(Simd.v128Or);
    c.simd(Simd.i8x16Bitmask).tee(M).i32(0xffff).op(Op.i32Eq);
    c.enter("if").skip(16).br(1).leave();
    c.leave();
    c.get(Q).get(M).i32(-1).op(Op.i32Xor).op(Op.i32Ctz).op(Op.i32Add).set(Q);
  };
  /** Pushes whether the byte in `C` is a digit. */
  const isDigit = () => c.get(C).i32(0x30).op(Op.i32Sub).i32(10).op(Op.i32LtU);
  /** Skips the digits at `q` (at least one: else no match). */
  const digits = () => {
    c.get(Q).load8(0).set(C);
    isDigit().op(Op.i32Eqz).failIf();
    c.enter("loop");
    c.skip(1).get(Q).load8(0).set(C);
    isDigit().brIf(0);
    c.leave();
  };
  /** Pushes whether the byte at `q + at` is a hexadecimal digit. */
  const isHex = (at: number) => {
    c.get(Q).load8(at).set(C);
    isDigit();
    c.get(C).i32(0x20).op(Op.i32Or).i32(ch("a")).op(Op.i32Sub).i32(6).op(Op.i32LtU).op(Op.i32Or);
  };
  /** A string at `q` (its `"`): `q` moves past its closing `"`. */
  const string = () => {
    c.skip(1);
    c.enter("block").enter("loop");
    c.plain();
    c.get(Q).load8(0).set(C);
    // The closing quote.
    c.get(C).i32(ch('"')).op(Op.i32Eq);
    c.enter("if").skip(1).br(2).leave();
    // DEL, which a JSON string may hold.
    c.get(C).i32(0x7f).op(Op.i32Eq);
    c.enter("if").skip(1).br(1).leave();
    // A byte past ASCII (the caller reads such text with the parser); then an escape: \" \\ \/ \b \f
    // \n \r \t, or \u and four hexadecimal digits; anything else (a control character) ends the match.
    c.get(C).i32(0x80).op(Op.i32GeU);
    c.enter("if").i32(PAST_LIMITS).return().leave();
    c.get(C).i32(ch("\\")).op(Op.i32Ne).failIf();
    c.get(Q).load8(1).set(C);
    c.get(C).i32(ch("u")).op(Op.i32Eq);
    c.enter("if");
    for (let k = 2; k <= 5; k++) {
      isHex(k);
      c.op(Op.i32Eqz).failIf();
    }
    c.skip(6).br(1);
    c.leave();
    for (const e of ['"', "\\", "/", "b", "f", "n", "r", "t"]) c.get(C).i32(ch(e)).op(Op.i32Eq);
    for (let k = 0; k < 7; k++) c.op(Op.i32Or);
    c.op(Op.i32Eqz).failIf();
    c.skip(2).br(0);
    c.leave().leave();
  };
  /** A number at `q`: `-`, an integer part without a leading 0, a fraction, an exponent. */
  const number = () => {
    c.get(Q).load8(0).i32(ch("-")).op(Op.i32Eq);
    c.enter("if").skip(1).leave();
    c.get(Q).load8(0).i32(ch("0")).op(Op.i32Eq);
    c.enter("if").skip(1).else();
    digits();
    c.leave();
    c.get(Q).load8(0).i32(ch(".")).op(Op.i32Eq);
    c.enter("if").skip(1);
    digits();
    c.leave();
    c.get(Q).load8(0).i32(0x20).op(Op.i32Or).i32(ch("e")).op(Op.i32Eq);
    c.enter("if").skip(1);
    c.get(Q).load8(0).set(C);
    c.get(C).i32(ch("+")).op(Op.i32Eq).get(C).i32(ch("-")).op(Op.i32Eq).op(Op.i32Or);
    c.enter("if").skip(1).leave();
    digits();
    c.leave();
  };
  /** A container opens at `q` (its bracket): one level deeper, of kind `kind` (1 an object, 2 an array). */
  const open = (kind: number) => {
    c.get(DEPTH).i32(MAX_DEPTH).op(Op.i32GeU);
    c.enter("if").i32(PAST_LIMITS).return().leave();
    c.get(DEPTH).i32(kind).store8(STACK);
    c.get(DEPTH).i32(1).op(Op.i32Add).set(DEPTH);
    c.skip(1);
  };
  /** Pushes whether the check is in the top value and that is an object (its members are recorded). */
  const inTopObject = () => c.get(DEPTH).i32(1).op(Op.i32Eq).i32(STACK).load8(0).i32(1).op(Op.i32Eq).op(Op.i32And);
  /** Pushes whether the check is in an object that is the value of a member of the top object (its members are recorded too). */
  const inMemberObject = () =>
    c.get(DEPTH).i32(2).op(Op.i32Eq).i32(STACK).load8(0).i32(1).op(Op.i32Eq).op(Op.i32And).i32(STACK).load8(1).i32(1).op(Op.i32Eq).op(Op.i32And);
  /**
   * Records a place of member `n` of the top object (`slot` 0–3), when it is one of the first {@link MAX_MEMBERS};
   * or of member `n2` of the top object's objects, when it is one of the first {@link MAX_NESTED} (and, with its
   * key's start, the top member it is in).
   */
  const record = (slot: number) => {
    inTopObject().get(N).i32(MAX_MEMBERS).op(Op.i32LtU).op(Op.i32And);
    c.enter("if").get(N).i32(16).op(Op.i32Mul).get(Q).store32(MEMBERS + 4 * slot).leave();
    inMemberObject().get(N2).i32(MAX_NESTED).op(Op.i32LtU).op(Op.i32And);
    c.enter("if");
    c.get(N2).i32(20).op(Op.i32Mul).get(Q).store32(NESTED + 4 + 4 * slot);
    if (slot === 0) c.get(N2).i32(20).op(Op.i32Mul).get(N).store32(NESTED);
    c.leave();
  };

  c.i32(0).set(DEPTH).i32(0).set(N).i32(0).set(N2).i32(VALUE).set(STATE);
  c.enter("block"); // no match: out of here
  c.enter("loop");
  // A value.
  c.get(STATE).i32(VALUE).op(Op.i32Eq);
  c.enter("if");
  ws();
  c.get(Q).load8(0).set(C);
  c.i32(AFTER).set(STATE);
  // (Each case ends by going back to the loop's start, with the state it leaves: br 2 from an `if` in
  // this arm, br 1 from the arm itself.) An object, whose first member starts with its key, and an array;
  // either may close at once.
  for (const [opens, kind, closes, first] of [["{", 1, "}", KEY], ["[", 2, "]", VALUE]] as const) {
    c.get(C).i32(ch(opens)).op(Op.i32Eq);
    c.enter("if");
    open(kind);
    ws();
    c.i32(first).set(STATE);
    c.get(Q).load8(0).i32(ch(closes)).op(Op.i32Eq);
    c.enter("if").skip(1).get(DEPTH).i32(1).op(Op.i32Sub).set(DEPTH).i32(AFTER).set(STATE).leave();
    c.br(2);
    c.leave();
  }
  c.get(C).i32(ch('"')).op(Op.i32Eq);
  c.enter("if");
  string();
  c.br(2);
  c.leave();
  c.get(C).i32(ch("t")).op(Op.i32Eq);
  c.enter("if").expect("true").br(2).leave();
  c.get(C).i32(ch("f")).op(Op.i32Eq);
  c.enter("if").expect("false").br(2).leave();
  c.get(C).i32(ch("n")).op(Op.i32Eq);
  c.enter("if").expect("null").br(2).leave();
  c.get(C).i32(ch("-")).op(Op.i32Eq);
  isDigit().op(Op.i32Or).op(Op.i32Eqz).failIf();
  number();
  c.br(1);
  c.leave();
  // A member's key, its colon, and where its value starts.
  c.get(STATE).i32(KEY).op(Op.i32Eq);
  c.enter("if");
  c.get(Q).load8(0).i32(ch('"')).op(Op.i32Ne).failIf();
  record(0);
  string();
  record(1);
  ws();
  c.get(Q).load8(0).i32(ch(":")).op(Op.i32Ne).failIf();
  c.skip(1);
  ws();
  record(2);
  c.i32(VALUE).set(STATE);
  c.br(1);
  c.leave();
  // After a value: a member of the top object ends; then a comma, the container's close, or the end.
  record(3);
  inTopObject();
  c.enter("if").get(N).i32(1).op(Op.i32Add).set(N).leave();
  inMemberObject();
  c.enter("if").get(N2).i32(1).op(Op.i32Add).set(N2).leave();
  ws();
  c.get(DEPTH).op(Op.i32Eqz);
  c.enter("if");
  c.get(Q).get(END).op(Op.i32Ne).failIf();
  c.get(N).i32(MAX_MEMBERS).op(Op.i32GtU);
  c.enter("if").i32(PAST_LIMITS).return().leave();
  c.i32(0).get(N2).store32(NESTED_COUNT);
  c.get(N).return();
  c.leave();
  c.get(Q).load8(0).set(C);
  c.get(C).i32(ch(",")).op(Op.i32Eq);
  c.enter("if");
  c.skip(1);
  ws();
  // (The container's kind: 1 an object, whose next member starts with its key; 2 an array.)
  c.get(DEPTH).i32(1).op(Op.i32Sub).load8(STACK).i32(1).op(Op.i32Eq);
  c.enter("if").i32(KEY).set(STATE).else().i32(VALUE).set(STATE).leave();
  c.br(1);
  c.leave();
  // The close must be the container's: `}` of an object (1), `]` of an array (2).
  c.get(C).i32(ch("}")).op(Op.i32Eq).get(C).i32(ch("]")).op(Op.i32Eq).i32(2).op(Op.i32Mul).op(Op.i32Or);
  c.set(C);
  c.get(C).op(Op.i32Eqz).failIf();
  c.get(DEPTH).i32(1).op(Op.i32Sub).load8(STACK).get(C).op(Op.i32Ne).failIf();
  c.skip(1);
  c.get(DEPTH).i32(1).op(Op.i32Sub).set(DEPTH);
  c.br(0);
  c.leave(); // loop
  c.leave(); // block: no match
  c.i32(NOT_JSON);
  return c;
}


/** The check and its memory. */
export interface JsonCheck {
  /**
   * Checks `bytes[from, to)`: the number of members of the top object (their places in {@link members})
   * when the text is one JSON value (an object, or any other value: 0 members); {@link NOT_JSON} when it
   * is not JSON; {@link PAST_LIMITS} when it is past the check's limits (the caller parses it).
   */
  check(bytes: Uint8Array, from: number, to: number): number;
  /**
   * Checks `[from, to)` of the text of the last {@link check} (offsets in that text: a value of it, such as
   * a member's object), without copying it again: what {@link check} gives, with {@link members} then the
   * members of that value, their places still offsets in the text of the last {@link check}.
   */
  checkWithin(from: number, to: number): number;
  /** Per member of the top object of the last check: its key's first byte (the `"`), after its key's last, its value's first, after its value's last — offsets in the text checked. */
  members(): Int32Array;
  /**
   * Per member of an object that is the value of a member of the top object of the last check (in text
   * order): the index of that top member (as in {@link members}), then its four places as {@link members}
   * gives them; undefined when the last check was not a success or there were more than {@link MAX_NESTED}
   * such members (then not all were placed: check an object again with {@link checkWithin}).
   */
  nested(): Int32Array | undefined;
}

let made: JsonCheck | null = null;
let failed = false;

/** The check (made on first use); undefined where WebAssembly with SIMD is not available. */
export function jsonCheck(): JsonCheck | undefined {
  if (made !== null || failed) return made ?? undefined;
  try {
    const wasm = webAssembly();
    let pages = Math.ceil((TEXT + 1024 * 1024) / PAGE);
    const memory = new wasm.Memory({ initial: pages });
    const module = new wasm.Module(wasmModule([{ name: "check", params: [I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, V128, I32], code: checkFunction() }]));
    const check = new wasm.Instance(module, { env: { mem: memory } }).exports.check as (p: number, end: number) => number;
    let bytes = new Uint8Array(memory.buffer);
    const places = new Int32Array(4 * MAX_MEMBERS);
    const nestedPlaces = new Int32Array(5 * MAX_NESTED);
    /** The length of the text of the last check (in the memory at `TEXT`). */
    let checked = 0;
    /** The check's result, its members' places copied out as offsets in the text. */
    const placed = (got: number): number => {
      if (got > 0) {
        const m = new Int32Array(memory.buffer, MEMBERS, 4 * got);
        for (let i = 0; i < 4 * got; i++) places[i] = m[i] - TEXT;
      }
      last = got;
      return got;
    };
    made = {
      check(text: Uint8Array, from: number, to: number): number {
        const n = to - from;
        if (TEXT + n + PAD > bytes.length) {
          const need = Math.ceil((TEXT + n + PAD) / PAGE);
          try {
            memory.grow(need - pages);
          } catch {
            // (No room for the text: the caller parses it.)
            last = PAST_LIMITS;
            checked = 0;
            return PAST_LIMITS;
          }
          pages = need;
          bytes = new Uint8Array(memory.buffer);
        }
        bytes.set(text.subarray(from, to), TEXT);
        bytes.fill(0, TEXT + n, TEXT + n + PAD);
        checked = n;
        return placed(check(TEXT, TEXT + n));
      },
      checkWithin(from: number, to: number): number {
        if (from < 0 || to > checked || from > to) throw new RangeError(`json-wasm: [${from}, ${to}) is not within the text checked (${checked} bytes)`);
        // (A 0 byte ends every loop of the check: one is put at the end of the part, then the text's byte put back.)
        const after = bytes[TEXT + to];
        bytes[TEXT + to] = 0;
        try {
          return placed(check(TEXT + from, TEXT + to));
        } finally {
          bytes[TEXT + to] = after;
        }
      },
      members: () => places.subarray(0, 4 * Math.max(0, last)),
      nested(): Int32Array | undefined {
        if (last < 0) return undefined;
        const n = new Int32Array(memory.buffer, NESTED_COUNT, 1)[0];
        if (n > MAX_NESTED) return undefined;
        const m = new Int32Array(memory.buffer, NESTED, 5 * n);
        for (let i = 0; i < 5 * n; i += 5) {
          nestedPlaces[i] = m[i];
          for (let k = 1; k < 5; k++) nestedPlaces[i + k] = m[i + k] - TEXT;
        }
        return nestedPlaces.subarray(0, 5 * n);
      },
    };
  } catch {
    failed = true;
  }
  return made ?? undefined;
}
let last = 0;
