import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { parse } from "yaml";
import { passesJsonSchema } from "../../src/spec/json-schema-check";
import { readSpecFile } from "../../src/spec/read-spec";
import { parseSpecFile } from "../../src/spec/schema";
import { specFileJsonSchema } from "../../src/spec/json-schema";

const root = path.resolve(__dirname, "..", "..");
const examples = ["examples/plan/cluster.yaml", "examples/plan/host-local.yaml", "examples/day2/day2.yaml"].map((f) => parse(fs.readFileSync(path.join(root, f), "utf8")) as unknown);

/** Every key and value, in order, undefined and NaN included: equal text means zod would give the very same value. */
function exact(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(exact).join(",")}]`;
  return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${exact((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

/** Values a YAML or JSON file can give, and some it cannot, to try in any place of a spec. */
const leaf = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("", "Always", "CrossSubnet", "Never", "Workload", "ippool", "operator", "projectcalico.org/v3", "10.0.0.0/16", "25%"),
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(0, 4, 6, 26, 122, 1.5, -1, 2 ** 53, 2 ** 53 - 1, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("name", "cidr", "nodes", "x", "labels", "count"), tie("value"), { maxKeys: 3 })),
})).value;

/** A path into a value: the keys and indexes of nested objects and lists, the last one possibly new. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** A deep copy made in this realm (structuredClone's objects have another realm's prototypes under jest). */
function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

/** A copy of `value` with the thing at `at` replaced (or deleted, for `remove`), or a key added beside it. */
function mutate(value: unknown, at: Array<string | number>, how: "replace" | "remove" | "add", replacement: unknown, newKey: string): unknown {
  const copy = clone(value);
  if (at.length === 0) return how === "replace" ? replacement : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at[at.length - 1];
  if (how === "replace") parent[last] = replacement;
  else if (how === "remove") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) parent[newKey] = replacement;
  else parent.push(replacement);
  return copy;
}

describe("readSpecFile (the CLI's fast path) gives exactly what parseSpecFile (zod) gives", () => {
  test.each(["examples/plan/cluster.yaml", "examples/plan/host-local.yaml"])("%s passes the JSON Schema check, so zod is not needed for it", (file) => {
    const value = parse(fs.readFileSync(path.join(root, file), "utf8")) as unknown;
    const passed = passesJsonSchema(specFileJsonSchema(), value);
    expect(passed).toBeDefined();
    const zod = parseSpecFile(value);
    expect(zod.ok).toBe(true);
    expect(exact(passed!.value)).toBe(exact(zod.ok ? zod.spec : undefined));
  });

  const tricky: unknown[] = ["", "Always", -1, 0, 6, 0.5, 2 ** 53, Number.POSITIVE_INFINITY, true, null, undefined, ["a"], {}];

  test("on the examples with each value replaced by each tricky value, each key removed, and a key added to each object", () => {
    let compared = 0;
    let fast = 0;
    const schema = specFileJsonSchema();
    // The day-2 example has a timeline, which zod always checks: the other two take the fast path.
    for (const example of examples.slice(0, 2)) {
      for (const at of paths(example)) {
        const variants = [...tricky.map((t) => mutate(example, at, "replace", t, "")), mutate(example, at, "remove", undefined, ""), mutate(example, at, "add", 1, "natOutgoin")];
        for (const value of variants) {
          expect(exact(readSpecFile(value))).toBe(exact(parseSpecFile(value)));
          compared++;
          if (passesJsonSchema(schema, value) !== undefined) fast++;
        }
      }
    }
    // Most variants are wrong somewhere, but many pass: both paths were compared.
    expect(compared).toBeGreaterThan(1000);
    expect(fast).toBeGreaterThan(compared / 10);
  });

  test("on the examples with one thing changed anywhere: the same spec, key order included, or the same problems", () => {
    const mutations = fc
      .tuple(fc.constantFrom(...examples), fc.nat(), fc.constantFrom("replace", "remove", "add") as fc.Arbitrary<"replace" | "remove" | "add">, anyValue, fc.constantFrom("name", "x", "natOutgoin", "count", "pools", "labels"))
      .map(([example, pick, how, replacement, newKey]) => {
        const all = paths(example);
        return mutate(example, all[pick % all.length], how, replacement, newKey);
      });
    fc.assert(
      fc.property(mutations, (value) => {
        const fast = readSpecFile(value);
        const zod = parseSpecFile(value);
        expect(exact(fast)).toBe(exact(zod));
      }),
      { numRuns: 200 },
    );
  });

  test("on arbitrary values: the same result", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(exact(readSpecFile(value))).toBe(exact(parseSpecFile(value)));
      }),
      { numRuns: 200 },
    );
  });

  test("never accepts what zod refuses, and defers what it does not know", () => {
    const schema = specFileJsonSchema();
    expect(passesJsonSchema(schema, { pools: [{ name: "a", blockSize: Number.POSITIVE_INFINITY }] })).toBeUndefined();
    expect(passesJsonSchema(schema, { pools: [{ name: "a", prefixLength: 2 ** 53 }] })).toBeUndefined();
    expect(passesJsonSchema(schema, { pools: [{ name: "a", ipVersion: 5 }] })).toBeUndefined();
    expect(passesJsonSchema(schema, { pools: [{ name: "a" }], unknown: 1 })).toBeUndefined();
    expect(passesJsonSchema(schema, { harness: { acceptedFindings: [{ code: "X", reason: "" }] } })).toBeUndefined();
    expect(passesJsonSchema({ type: "string", pattern: "^a$" }, "a")).toBeUndefined();
    expect(passesJsonSchema(schema, {})).toEqual({ value: { pools: [] } });
  });
});
