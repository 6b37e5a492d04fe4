import fc from "fast-check";
import { MAX_MEMBERS, MAX_NESTED, NOT_JSON, PAST_LIMITS, jsonCheck } from "../../src/live/private/json-wasm";

// The WebAssembly JSON check against the runtime's JSON parser: on any JSON text (ASCII, as the dump
// reader gives it: the text of an item checked by `isAscii`), laid out any way, and on the same text
// damaged, it says "JSON" exactly when `JSON.parse` reads the text; for an object, the members' places
// it gives are where `JSON.parse` finds each key and value.

const check = jsonCheck();
const asciiOnly = (t: string) => [...t].every((ch) => ch.charCodeAt(0) < 0x80);
const parses = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};
/** JSON text of a value: compact, or indented by 1 to 8 spaces or a tab, or with spaces around every token. */
const layout = fc.constantFrom<(v: unknown) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 4),
  (v) => JSON.stringify(v, null, 1),
  (v) => JSON.stringify(v, null, "\t"),
  (v) => ` \r\n${JSON.stringify(v, null, 8)}\n\t `,
);
/** ASCII JSON values: strings with escapes (quotes, backslashes, control characters, \u), numbers of every form. */
const value = fc.jsonValue({ maxDepth: 4 }).filter((v) => asciiOnly(JSON.stringify(v)));
const object = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("metadata", "spec", "__proto__", 'a"b', "a\\b")), value, { maxKeys: 8 });
/** Hand-written texts of each rule (numbers, escapes, literals, nesting, whitespace). */
const TEXTS = [
  "0", "-0", "01", "-", "1.", "1.5", ".5", "1e5", "1E+5", "1e-5", "1e", "1e+", "-1.5e10", "2.", "00", "1ee5", "1.5.5", "+1", "0x1F", "Infinity", "NaN",
  '""', '"a"', '"\\u00e9"', '"\\u00E9"', '"\\u00g9"', '"\\u00e"', '"\\x41"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\"', '"\\\\"', '"a\u0001b"', '"a\u007fb"', '"a\tb"', "'a'",
  "true", "false", "null", "tru", "nul", "True", "truex", "null null",
  "[]", "[1,]", "[,1]", "[1 2]", "[1,2]", "[[[]]]", "[[[]]", "]", "{}", "{,}", '{"a":1,}', '{"a" 1}', '{"a":1 "b":2}', '{"a":1,"a":2}', "{1:2}", '{"a":}', '{"a"}', '{"a":1}}', '{"a":[1,{"b":null}]}',
  " ", "", "\n[\n]\n", "[1]\u0000", "[\u000b]", "\u00a0[]",
];

describe("the WebAssembly JSON check reads JSON as JSON.parse does", () => {
  test("the check is available (WebAssembly with SIMD)", () => {
    expect(check).toBeDefined();
  });

  test.each(TEXTS.map((t) => [JSON.stringify(t), t]))("%s", (_, t) => {
    const b = Buffer.from(t, "latin1");
    const got = check!.check(b, 0, b.length);
    if (got === PAST_LIMITS) expect(asciiOnly(t)).toBe(false);
    else expect(got !== NOT_JSON).toBe(parses(t));
  });

  test("property: any ASCII JSON value, laid out any way, is JSON; an object's members are where the parser finds them", () => {
    fc.assert(
      fc.property(fc.oneof(value, object), layout, fc.string({ maxLength: 4 }), (v, write, before) => {
        const text = `${write(v)}`;
        // (Bytes before the text are not checked: the check reads `[from, to)` only.)
        const b = Buffer.from(`${before}${text}`, "latin1");
        const got = check!.check(b, before.length, b.length);
        expect(got).toBeGreaterThanOrEqual(0);
        if (typeof v === "object" && v !== null && !Array.isArray(v)) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const keys = Object.keys(v);
          if (keys.length > MAX_MEMBERS) return;
          expect(got).toBe(keys.length);
          const m = check!.members();
          const seen = new Map<string, unknown>();
          for (let i = 0; i < got; i++) {
            const key = JSON.parse(b.toString("latin1", before.length + m[4 * i], before.length + m[4 * i + 1])) as string;
            seen.set(key, JSON.parse(b.toString("latin1", before.length + m[4 * i + 2], before.length + m[4 * i + 3])));
          }
          // (The last member of a key wins, as in the parser.)
          for (const k of Object.keys(parsed)) expect(seen.get(k)).toEqual(parsed[k]);
        } else {
          expect(got).toBe(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  test("property: the same texts damaged (a character changed, added or removed, twice at most): JSON exactly when the parser reads them", () => {
    const replacement = fc.constantFrom(" ", "\n", "\t", "\r", '"', "\\", ",", ":", "{", "}", "[", "]", "0", "1", "-", "+", ".", "e", "E", "u", "a", "n", "t", "f", "\u0000", "\u0001", "\u001f", "\u007f");
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom("replace", "insert", "delete"), text: replacement });
    fc.assert(
      fc.property(fc.oneof(value, object), layout, fc.array(edit, { minLength: 1, maxLength: 2 }), (v, write, edits) => {
        let text = write(v);
        for (const e of edits) {
          const at = text.length === 0 ? 0 : e.at % (text.length + 1);
          text = text.slice(0, at) + (e.kind === "delete" ? "" : e.text) + text.slice(e.kind === "insert" ? at : at + 1);
        }
        const b = Buffer.from(text, "latin1");
        const got = check!.check(b, 0, b.length);
        expect(got).not.toBe(PAST_LIMITS);
        expect(got !== NOT_JSON).toBe(parses(text));
      }),
      { numRuns: 1500 },
    );
  });

  test("property: a member's value checked again where it lies (checkWithin) gives what a check of its text alone gives, in the same offsets, and leaves the text as it was", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(object, value), { minKeys: 1, maxKeys: 6 }), layout, fc.string({ maxLength: 4 }), (v, write, before) => {
        const text = write(v);
        const b = Buffer.from(`${before}${text}`, "latin1");
        const n = check!.check(b, before.length, b.length);
        expect(n).toBe(Object.keys(v).length);
        const top = Array.from(check!.members());
        for (let i = 0; i < n; i++) {
          const [from, to] = [top[4 * i + 2], top[4 * i + 3]];
          const within = check!.checkWithin(from, to);
          const got = Array.from(check!.members());
          // The value's text alone, checked from its own first byte: the same members, `from` bytes earlier.
          const alone = check!.check(b, before.length + from, before.length + to);
          expect(within).toBe(alone);
          expect(got).toEqual(Array.from(check!.members()).map((x) => x + from));
          expect(check!.check(b, before.length, b.length)).toBe(n);
        }
        // After every value checked where it lies, the whole text still reads as it did.
        for (let i = 0; i < n; i++) check!.checkWithin(top[4 * i + 2], top[4 * i + 3]);
        expect(check!.checkWithin(0, b.length - before.length)).toBe(n);
        expect(Array.from(check!.members())).toEqual(top);
      }),
      { numRuns: 300 },
    );
    expect(() => check!.checkWithin(0, 1e9)).toThrow(RangeError);
  });

  test("property: the members of the top object's objects are placed by the same check (nested), as the parser reads them", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(object, value), { minKeys: 1, maxKeys: 6 }), layout, fc.string({ maxLength: 4 }), (v, write, before) => {
        const text = write(v);
        const b = Buffer.from(`${before}${text}`, "latin1");
        const n = check!.check(b, before.length, b.length);
        const top = Array.from(check!.members());
        const nested = check!.nested();
        expect(nested).toBeDefined();
        const at = (p: number, q: number) => b.toString("latin1", before.length + p, before.length + q);
        // Each top member's object: its members, in text order, are the nested places naming it.
        const expected: number[] = [];
        for (let i = 0; i < n; i++) {
          if (at(top[4 * i + 2], top[4 * i + 2] + 1) !== "{") continue;
          const k = check!.checkWithin(top[4 * i + 2], top[4 * i + 3]);
          const m = Array.from(check!.members());
          for (let j = 0; j < k; j++) expected.push(i, ...m.slice(4 * j, 4 * j + 4));
        }
        check!.check(b, before.length, b.length);
        expect(Array.from(check!.nested()!)).toEqual(expected);
        // And what the parser reads of each: the last of a key wins.
        for (let i = 0; i < n; i++) {
          const parsed = JSON.parse(at(top[4 * i + 2], top[4 * i + 3])) as unknown;
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) continue;
          const seen = new Map<string, unknown>();
          for (let e = 0; e < expected.length; e += 5) if (expected[e] === i) seen.set(JSON.parse(at(expected[e + 1], expected[e + 2])) as string, JSON.parse(at(expected[e + 3], expected[e + 4])));
          for (const k of Object.keys(parsed)) expect(seen.get(k)).toEqual((parsed as Record<string, unknown>)[k]);
        }
      }),
      { numRuns: 300 },
    );
    const many = JSON.stringify({ a: Object.fromEntries(Array.from({ length: MAX_NESTED }, (_, i) => [`k${i}`, i])) });
    expect(check!.check(Buffer.from(many), 0, many.length)).toBe(1);
    expect(check!.nested()).toHaveLength(5 * MAX_NESTED);
    const tooMany = JSON.stringify({ a: { x: 1 }, b: Object.fromEntries(Array.from({ length: MAX_NESTED }, (_, i) => [`k${i}`, i])) });
    expect(check!.check(Buffer.from(tooMany), 0, tooMany.length)).toBe(2);
    expect(check!.nested()).toBeUndefined();
    expect(check!.check(Buffer.from("[1,"), 0, 3)).toBe(NOT_JSON);
    expect(check!.nested()).toBeUndefined();
  });

  test("nesting past the check's depth and texts larger than its first memory are left to the caller or read", () => {
    const deep = `${"[".repeat(2000)}${"]".repeat(2000)}`;
    expect(check!.check(Buffer.from(deep), 0, deep.length)).toBe(PAST_LIMITS);
    const big = JSON.stringify({ images: Array.from({ length: 40_000 }, (_, i) => ({ names: [`registry/i-${i}`], sizeBytes: i })) }, null, 4);
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(check!.check(Buffer.from(big), 0, big.length)).toBe(1);
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => [`k${i}`, i])));
    expect(check!.check(Buffer.from(many), 0, many.length)).toBe(PAST_LIMITS);
  });
});
