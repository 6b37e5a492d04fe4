import fc from "fast-check";
import { JsonSyntaxError, parseJson, parseStrictJson } from "../../src/ledger/private/strict-json";

/** The value with every key and its order, or the error with its message, line, column and path. */
function outcome(read: (text: string) => unknown, text: string): string {
  try {
    return `ok ${exact(read(text))}`;
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return `error ${e.line}:${e.column} ${e.path}: ${e.message}`;
  }
}

function exact(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(exact).join(",")}]`;
  return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${exact((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

describe("parseJson (JSON.parse when the text has no duplicate key) reads what parseStrictJson reads", () => {
  const keys = fc.constantFrom("a", "b", "pools", "version", "x:y", 'q"uote', "1", "10", "__proto__", "é", "");
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom(null, true, false, 0, -0, 1.5, Number.POSITIVE_INFINITY, -12, 26, "10.32.0.0/22", "fd00::/64", "a:b", 'x\\":', "\u2028"),
      fc.string({ maxLength: 5 }),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.array(fc.tuple(keys, tie("value")), { maxLength: 4 }),
    ),
  })).value;
  // Written with JSON.stringify, so duplicate keys (two entries of a key list) stay in the text.
  const write = (value: unknown, indent: number): string => {
    if (Array.isArray(value) && value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string")) {
      const pad = indent > 0 ? "\n" + " ".repeat(indent) : "";
      return `{${value.map(([k, v]) => `${pad}${JSON.stringify(k)}:${indent > 0 ? " " : ""}${write(v, indent)}`).join(",")}${value.length > 0 && indent > 0 ? "\n" : ""}}`;
    }
    if (Array.isArray(value)) return `[${value.map((v) => write(v, indent)).join(",")}]`;
    return JSON.stringify(value) ?? "null";
  };
  const edits = fc.oneof(
    fc.constant((t: string) => t),
    fc.constant((t: string) => t.replace(/,/, ",,")),
    fc.constant((t: string) => t.replace(/}$/, ",}")),
    fc.constant((t: string) => `${t} x`),
    fc.constant((t: string) => t.slice(0, -1)),
    fc.constant((t: string) => t.replace(/"/, "'")),
    fc.constant((t: string) => ` \n\t${t}\r\n `),
    fc.constant((t: string) => t.replace(/:/, " :")),
    fc.constant((t: string) => t.replace(/26/, "1e400").replace(/1\.5/, "-0.0e-0")),
  );

  test("the same value (keys in the same order) or the same error, on generated texts with duplicates and breakage", () => {
    fc.assert(
      fc.property(json, fc.constantFrom(0, 2), edits, (value, indent, edit) => {
        const text = edit(write(value, indent));
        expect(outcome(parseJson, text)).toBe(outcome(parseStrictJson, text));
      }),
      { numRuns: 3000 },
    );
  });

  test("a duplicate key is an error, also where a string holds colons", () => {
    const text = '{"pools": {"a": {"cidr": "fd00::/64"}, "a": {"cidr": "x\\":y"}}, "version": 1}';
    expect(outcome(parseJson, text)).toMatch(/^error 1:\d+ pools\.a: key "a" appears twice/);
  });

  test("nesting deeper than 64 levels is the strict reader's error", () => {
    const deep = `${"[".repeat(65)}1${"]".repeat(65)}`;
    expect(outcome(parseJson, deep)).toBe(outcome(parseStrictJson, deep));
    expect(outcome(parseJson, deep)).toMatch(/nested more than 64/);
    const edge = `${"[".repeat(64)}1${"]".repeat(64)}`;
    expect(outcome(parseJson, edge)).toBe(outcome(parseStrictJson, edge));
  });
});
