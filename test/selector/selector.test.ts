import { type Labels, parseSelector, tryParseSelector, SelectorSyntaxError } from "../../src/selector";

// Ported from projectcalico/calico libcalico-go/lib/selector/parser/parser_test.go (`selectorTests`):
// selector, label sets it must match, label sets it must not match.
const calicoSelectorTests: ReadonlyArray<readonly [string, readonly Labels[], readonly Labels[]]> = [
  [`a == "b"`, [{ a: "b" }, { a: "b", c: "d" }], [{}, { a: "c" }, { c: "d" }]],
  [`a == "b" && c == "d"`, [{ a: "b", c: "d" }], [{}, { a: "b", c: "e" }, { a: "c", c: "d" }, { c: "d" }, { a: "b" }]],
  [`a == "b" || c == "d"`, [{ a: "b", c: "d" }, { a: "b" }, { c: "d" }], [{}, { a: "e", c: "e" }, { c: "e" }, { a: "e" }]],
  [`a in {"'", '"', "c"}`, [{ a: "c" }, { a: `"` }, { a: `'` }], [{}, { a: "e" }]],
  [`a not in {"'", '"', "c"}`, [{}, { a: "e" }], [{ a: "c" }, { a: `"` }, { a: `'` }]],

  [`a == 'a'`, [{ a: "a" }], []],
  [`a == "a"`, [{ a: "a" }], []],
  [`a != "b"`, [{ a: "a" }], []],
  [`a != "a"`, [{}], []],
  [`a contains "a"`, [{ a: "a" }, { a: "bab" }, { a: "aaa", b: "c" }], [{}, { a: "b" }, { b: "aaa" }]],
  [`a starts with "a"`, [{ a: "a" }, { a: "abb" }, { a: "aaa", b: "c" }], [{}, { a: "b" }, { a: "baa" }, { b: "aaa" }]],
  [`a ends with "a"`, [{ a: "a" }, { a: "bba" }, { a: "aaa", b: "c" }], [{}, { a: "b" }, { a: "aab" }, { b: "aaa" }]],
  [`a in {"a"}`, [{ a: "a" }], []],
  [`!a in {"a"}`, [{ a: "b" }], []],
  [`a in {"a", "b"}`, [{ a: "a" }], []],
  [`a in {"a", "b"}`, [{ a: "b" }], []],
  [`a not in {"d", "e"}`, [{ a: "a" }], []],
  [`has(a)`, [{ a: "b" }], []],
  [`!has(a)`, [{ b: "b" }], []],
  [``, [{}], []],
  [` `, [{}], []],
  [``, [{ a: "b" }], []],
  [`all()`, [{}], []],
  [` all()`, [{}], []],
  [` all()`, [{ a: "b" }], []],
  [`global()`, [{}], []],
  [` global()`, [{}], []],
  [` global()`, [{ a: "b" }], []],

  [`a == 'a'`, [], [{ a: "b" }]],
  [`a == 'a'`, [], [{}]],
  [`a != "a"`, [], [{ a: "a" }]],
  [`a != 'a'`, [], [{ a: "a" }]],
  [`a in {"a"}`, [], [{ a: "b" }]],
  [`a not in {"a"}`, [], [{ a: "a" }]],
  [`a in {"a", "b"}`, [], [{ a: "c" }]],
  [`has(b)`, [], [{ a: "b" }]],
  [`!!has(b)`, [], [{ a: "b" }]],
  [`! has(a)`, [], [{ a: "b" }]],
  [`!has(a)`, [], [{ a: "b" }]],
  [`!!! has(a)`, [], [{ a: "b" }]],
  [`!!!has(a)`, [], [{ a: "b" }]],
  [`!! ! has(a)`, [], [{ a: "b" }]],
  [`! !!has(a)`, [], [{ a: "b" }]],

  // Boolean expressions...
  [`a == 'a1' && b == 'b1'`, [{ a: "a1", b: "b1" }], []],
  [`a == 'a1' && b != 'b1'`, [], [{ a: "a1", b: "b1" }]],
  [`a != 'a1' && b == 'b1'`, [], [{ a: "a1", b: "b1" }]],
  [`a != 'a1' && b != 'b1'`, [], [{ a: "a1", b: "b1" }]],
  [`a != 'a1' && !b == 'b1'`, [], [{ a: "a1", b: "b1" }]],
  [`!a == 'a1' && b == 'b1'`, [], [{ a: "a1", b: "b1" }]],
  [`has(a) && !has(b)`, [{ a: "a" }], []],
  [`!has(b) && has(a)`, [{ a: "a" }], []],
  [`!(!has(a) || has(b))`, [{ a: "a" }], []],
  [`!(has(b) || !has(a))`, [{ a: "a" }], []],

  [`a == 'a1' || b == 'b1'`, [{ a: "a1", b: "b1" }], []],
  [`a == 'a1' || b != 'b1'`, [{ a: "a1", b: "b1" }], []],
  [`a != 'a1' || b == 'b1'`, [{ a: "a1", b: "b1" }], []],
  [`a != 'a1' || b != 'b1'`, [], [{ a: "a1", b: "b1" }]],
  [`! a == 'a1' || ! b == 'b1'`, [], [{ a: "a1", b: "b1" }]],
];

const calicoRows = calicoSelectorTests.flatMap(([selector, yes, no]) => [
  ...yes.map((labels) => [selector, labels, true] as const),
  ...no.map((labels) => [selector, labels, false] as const),
]);

describe("Calico's own selector table", () => {
  test.each(calicoRows)("%j against %j matches: %s", (selector, labels, expected) => {
    expect(parseSelector(selector).matches(labels)).toBe(expected);
  });

  test.each(calicoRows)("%j against %j still matches %s after canonicalising", (selector, labels, expected) => {
    expect(parseSelector(parseSelector(selector).toString()).matches(labels)).toBe(expected);
  });
});

// Every operator, both quote styles, and the absent-label rules that decide which pools a node gets.
const operatorRows: ReadonlyArray<readonly [string, Labels, boolean]> = [
  // == needs the label present and equal
  [`rack == "r1"`, { rack: "r1" }, true],
  [`rack == 'r1'`, { rack: "r1" }, true],
  [`rack == "r1"`, { rack: "r2" }, false],
  [`rack == "r1"`, {}, false],
  [`rack == ""`, { rack: "" }, true],
  [`rack == ""`, {}, false],
  [`rack == "R1"`, { rack: "r1" }, false],
  // != is true when the label is absent
  [`rack != "r1"`, {}, true],
  [`rack != 'r1'`, { rack: "r2" }, true],
  [`rack != "r1"`, { rack: "r1" }, false],
  [`rack != ""`, { rack: "" }, false],
  // in needs presence and membership
  [`zone in {"a", "b"}`, { zone: "b" }, true],
  [`zone in {'a', 'b'}`, { zone: "a" }, true],
  [`zone in {"a", 'b'}`, { zone: "c" }, false],
  [`zone in {"a", "b"}`, {}, false],
  [`zone in {}`, { zone: "" }, false],
  [`zone in {"",}`, { zone: "" }, true],
  // not in is true when the label is absent
  [`zone not in {"a", "b"}`, {}, true],
  [`zone not in {'a'}`, { zone: "c" }, true],
  [`zone not in {"a", "b"}`, { zone: "a" }, false],
  [`zone notin {"a"}`, { zone: "a" }, false],
  [`zone not in {}`, { zone: "x" }, true],
  // contains / starts with / ends with need presence, case-sensitive
  [`host contains "gpu"`, { host: "node-gpu-1" }, true],
  [`host contains 'gpu'`, { host: "node-GPU-1" }, false],
  [`host contains ""`, { host: "" }, true],
  [`host contains ""`, {}, false],
  [`host starts with "node-"`, { host: "node-1" }, true],
  [`host startswith 'node-'`, { host: "xnode-1" }, false],
  [`host starts   with "node-"`, {}, false],
  [`host ends with "-1"`, { host: "node-1" }, true],
  [`host endswith '-1'`, { host: "node-10" }, false],
  [`host ends with ""`, {}, false],
  // has() is presence, even with an empty value
  [`has(gpu)`, { gpu: "" }, true],
  [`has( gpu )`, { gpu: "true" }, true],
  [`has(gpu)`, { GPU: "true" }, false],
  [`!has(gpu)`, {}, true],
  // all() and global() match everything
  [`all()`, { any: "thing" }, true],
  [`all( )`, {}, true],
  [`global()`, { any: "thing" }, true],
  [`global(\t)`, {}, true],
  [`!all()`, {}, false],
  // ! applies to the whole following operation
  [`!rack == "r1"`, {}, true],
  [`!rack == "r1"`, { rack: "r1" }, false],
  [`!zone in {"a"}`, {}, true],
  // && binds tighter than ||
  [`a == "1" || b == "2" && c == "3"`, { a: "1" }, true],
  [`a == "1" || b == "2" && c == "3"`, { b: "2" }, false],
  [`(a == "1" || b == "2") && c == "3"`, { a: "1" }, false],
  [`(a == "1" || b == "2") && c == "3"`, { b: "2", c: "3" }, true],
  // label keys with every allowed character
  [`calico/k8s_NS-.1/role == "x"`, { "calico/k8s_NS-.1/role": "x" }, true],
  [`projectcalico.org/namespace in {"kube-system"}`, { "projectcalico.org/namespace": "kube-system" }, true],
  // string literals: no escapes, the other quote allowed inside, anything but the closing quote
  [`a == "it's"`, { a: "it's" }, true],
  [`a == 'say "hi"'`, { a: `say "hi"` }, true],
  [`a == "a\\b"`, { a: "a\\b" }, true],
  [`a == "x  y"`, { a: "x  y" }, true],
  [`a == "zürich"`, { a: "zürich" }, true],
  // label names that are also object members are ordinary labels
  [`has(constructor)`, {}, false],
  [`has(__proto__)`, {}, false],
  [`toString != "x"`, {}, true],
  [`constructor in {"x"}`, {}, false],
  // operator words are labels when not after a label
  [`in == "x" && not in {"y"} && contains contains "z"`, { in: "x", not: "y", contains: "az" }, true],
  // ...so at the start of an operation `not in {...}` is the label "not" with the operator in
  [`not in {"y"}`, { not: "n" }, false],
  [`all == "x" || has == "y" || global == "z"`, { has: "y" }, true],
  // tabs are whitespace
  ["a\t==\t'b'\t&&\thas(c)", { a: "b", c: "" }, true],
];

describe("selector matching", () => {
  test.each(operatorRows)("%j against %j matches: %s", (selector, labels, expected) => {
    expect(parseSelector(selector).matches(labels)).toBe(expected);
  });
});

// Calico's `canonicalisationTests` and `Visitor tests` (without the visitor's prefix), then ours.
const canonicalRows: ReadonlyArray<readonly [string, string]> = [
  ["", "all()"],
  [" all() ", "all()"],
  [" (all() )", "all()"],
  [`! (has( b)||! has(a ))`, "!(has(b) || !has(a))"],
  [`! (a == "b"&&! c != "d")`, `!(a == "b" && !c != "d")`],
  [`a == "'"`, `a == "'"`],
  [`a == '"'`, `a == '"'`],
  [`a contains '"'`, `a contains '"'`],
  [`a contains "'"`, `a contains "'"`],
  [`a startswith '"'`, `a starts with '"'`],
  [`a endswith "'"`, `a ends with "'"`],
  [`a!='"'`, `a != '"'`],
  [`a in {"d"}`, `a in {"d"}`],
  [`a in {"a", "b"}`, `a in {"a", "b"}`],
  [`a in {"d", "a", "b"}`, `a in {"a", "b", "d"}`],
  [`a in {"z", "x", "y", "a"}`, `a in {"a", "x", "y", "z"}`],
  [`a in {"z", "z", "x", "y", "x", "a"}`, `a in {"a", "x", "y", "z"}`],
  ["k == 'v'", `k == "v"`],
  ["k != 'v'", `k != "v"`],
  ["k contains 'v'", `k contains "v"`],
  ["k starts with 'v'", `k starts with "v"`],
  ["k ends with 'v'", `k ends with "v"`],
  ["k == 'v' && x == 'y'", `(k == "v" && x == "y")`],
  ["k == 'v' || has(x)", `(k == "v" || has(x))`],
  ["!(k == 'v')", `!k == "v"`],
  ["k in {'v'}", `k in {"v"}`],
  ["k not in {'v'}", `k not in {"v"}`],
  ["!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))", `!(!((k == "v" && has(t)) || all()) && a in {"b", "c"})`],
  // ours
  ["\t", "all()"],
  ["global( )", "global()"],
  ["has(\tcalico/k8s_ns )", "has(calico/k8s_ns)"],
  ["a in {}", "a in {}"],
  ["a notin{}", "a not in {}"],
  ["a not   in {'x',}", `a not in {"x"}`],
  [`a in {'"', "'"}`, `a in {'"', "'"}`],
  [`a in {"b", "B", "a", "_", "1"}`, `a in {"1", "B", "_", "a", "b"}`],
  // Go sorts by code point: U+FFFD before U+1F600, where UTF-16 order would say the opposite.
  ["a in {'\u{1F600}', '\uFFFD'}", `a in {"\uFFFD", "\u{1F600}"}`],
  [`a starts  with 'x'`, `a starts with "x"`],
  [`a ends\twith 'x'`, `a ends with "x"`],
  [`a == "1" && b == "2" && c == "3"`, `(a == "1" && b == "2" && c == "3")`],
  [`a == "1" || b == "2" && c == "3"`, `(a == "1" || (b == "2" && c == "3"))`],
  [`(a == "1" && b == "2") && c == "3"`, `((a == "1" && b == "2") && c == "3")`],
  [`((((has(a)))))`, "has(a)"],
  [`!!has(a)`, "has(a)"],
  [`!!!has(a)`, "!has(a)"],
  [`!(has(a) || has(b))`, "!(has(a) || has(b))"],
  [`!all()`, "!all()"],
  [`has(a) && global()`, "(has(a) && global())"],
];

describe("canonical form", () => {
  test.each(canonicalRows)("%j prints as %j", (input, canonical) => {
    expect(parseSelector(input).toString()).toBe(canonical);
  });

  test.each(canonicalRows)("the canonical form of %j parses back to itself", (input) => {
    const canonical = parseSelector(input).toString();
    expect(parseSelector(canonical).toString()).toBe(canonical);
  });

  test("String() of a selector is its canonical form", () => {
    expect(String(parseSelector("a=='b'"))).toBe(`a == "b"`);
    expect(`${parseSelector("has(x)")}`).toBe("has(x)");
  });

  test("a negated negation in parentheses prints as !!, which Calico re-reads as no negation at all", () => {
    // Calico's parser collapses leading "!"s but keeps a NotNode around a parenthesised NotNode, and its
    // printer drops the parentheses: the first String() is not yet a fixed point. Matching is unaffected.
    const once = parseSelector("!(!has(a))");
    expect(once.toString()).toBe("!!has(a)");
    const twice = parseSelector(once.toString());
    expect(twice.toString()).toBe("has(a)");
    expect(parseSelector(twice.toString()).toString()).toBe("has(a)");
    for (const labels of [{}, { a: "" }, { b: "x" }] as Labels[]) {
      expect(twice.matches(labels)).toBe(once.matches(labels));
    }
  });
});

describe("round trip", () => {
  const selectors = [...new Set([...calicoSelectorTests.map(([s]) => s), ...operatorRows.map(([s]) => s)])];
  const labelSets: Labels[] = [
    ...calicoRows.map(([, labels]) => labels),
    ...operatorRows.map(([, labels]) => labels),
  ];

  test.each(selectors)("%j: the canonical form is a fixed point and matches the same label sets", (text) => {
    const selector = parseSelector(text);
    const again = parseSelector(selector.toString());
    expect(again.toString()).toBe(selector.toString());
    expect(again.root).toEqual(selector.root);
    for (const labels of labelSets) {
      expect(again.matches(labels)).toBe(selector.matches(labels));
    }
  });
});

describe("syntax tree", () => {
  test("precedence and grouping show in the tree", () => {
    expect(parseSelector(`a == "1" || !b in {"y", "x", "y"} && has(c)`).root).toEqual({
      kind: "or",
      operands: [
        { kind: "eq", label: "a", value: "1" },
        {
          kind: "and",
          operands: [
            { kind: "not", operand: { kind: "in", label: "b", values: ["x", "y"] } },
            { kind: "has", label: "c" },
          ],
        },
      ],
    });
  });

  test.each([
    [`a == "v"`, "eq"],
    [`a != "v"`, "neq"],
    [`a contains "v"`, "contains"],
    [`a starts with "v"`, "startsWith"],
    [`a ends with "v"`, "endsWith"],
    [`a in {"v"}`, "in"],
    [`a not in {"v"}`, "notIn"],
    [`has(a)`, "has"],
    [`all()`, "all"],
    [``, "all"],
    [`global()`, "global"],
    [`!has(a)`, "not"],
    [`has(a) && has(b)`, "and"],
    [`has(a) || has(b)`, "or"],
  ])("%j parses to a %s node", (text, kind) => {
    expect(parseSelector(text).root.kind).toBe(kind);
  });

  test("parsed trees are frozen, so analysis cannot change a selector under its owner", () => {
    const root = parseSelector(`(a in {"x"} && !has(b)) || c == "d"`).root;
    expect(Object.isFrozen(root)).toBe(true);
    if (root.kind !== "or") throw new Error("expected an or node");
    expect(Object.isFrozen(root.operands)).toBe(true);
    const and = root.operands[0];
    if (and.kind !== "and") throw new Error("expected an and node");
    expect(Object.isFrozen(and.operands[0])).toBe(true);
  });
});

describe("global()", () => {
  test.each([
    ["global()", true],
    ["!global()", true],
    [`has(a) && (b == "c" || global())`, true],
    ["all()", false],
    [`a == "global()"`, false],
    ["", false],
    ["global == 'x'", false],
  ])("%j uses global(): %s", (text, expected) => {
    expect(parseSelector(text).usesGlobal).toBe(expected);
  });
});

describe("tryParseSelector", () => {
  test("a valid selector comes back parsed", () => {
    const result = tryParseSelector(`rack == "r1"`);
    expect(result.ok).toBe(true);
    expect(result.ok && result.selector.toString()).toBe(`rack == "r1"`);
  });

  test("an invalid selector comes back as the syntax error, not thrown", () => {
    const result = tryParseSelector("rack == r1");
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toBeInstanceOf(SelectorSyntaxError);
    expect(result.error.position).toBe(8);
  });
});

/** Terms joined by `separator`, as many as fit in 1024 characters. */
function joinUpTo1024(term: (i: number) => string, separator: string): string {
  let text = term(0);
  for (let i = 1; text.length + separator.length + term(i).length <= 1024; i++) {
    text += separator + term(i);
  }
  return text;
}

describe("long selectors", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["a long || chain", joinUpTo1024((i) => `k${i} == "v"`, " || ")],
    ["a long && chain", joinUpTo1024((i) => `!has(k${i})`, " && ")],
    ["deep parentheses", "(".repeat(509) + "has(a)" + ")".repeat(509)],
    ["a thousand negations", "!".repeat(1019) + "all()"],
    ["a 512-character label", "x".repeat(512) + ' in {"' + "v".repeat(490) + '"}'],
    ["a big set", `a in {${Array.from({ length: 170 }, (_, i) => `'${i}'`).join(",")}}`],
  ];

  // No timing here: speed is measured by `npm run bench`, never by the tests.
  test.each(cases)("%s of about 1024 characters parses", (_name, text) => {
    expect(text.length).toBeGreaterThan(900);
    const selector = parseSelector(text);
    expect(selector.toString().length).toBeGreaterThan(0);
  });

  test("a 1024-character error is found", () => {
    const text = `a == "b" && `.repeat(85) + "%";
    expect(() => parseSelector(text)).toThrow(SelectorSyntaxError);
  });
});
