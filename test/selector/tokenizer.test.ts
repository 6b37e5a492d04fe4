import { type TokenKind, SelectorSyntaxError, isValidLabel, tokenize } from "../../src/selector/tokenizer";

type Expected = ReadonlyArray<readonly [TokenKind, string?]> | null;

// Ported from projectcalico/calico libcalico-go/lib/selector/tokenizer/tokenizer_test.go (`tokenTests`);
// null marks an input the tokenizer must reject.
const calicoTokenTests: ReadonlyArray<readonly [string, Expected]> = [
  [`a=="b"`, [["label", "a"], ["eq"], ["string", "b"], ["eof"]]],
  [`a!="b"`, [["label", "a"], ["ne"], ["string", "b"], ["eof"]]],
  [`a != "b"`, [["label", "a"], ["ne"], ["string", "b"], ["eof"]]],
  [`(a=="b")`, [["lparen"], ["label", "a"], ["eq"], ["string", "b"], ["rparen"], ["eof"]]],
  [`label == "value"`, [["label", "label"], ["eq"], ["string", "value"], ["eof"]]],
  [`label contains "value"`, [["label", "label"], ["contains"], ["string", "value"], ["eof"]]],
  [`contains contains "contains"`, [["label", "contains"], ["contains"], ["string", "contains"], ["eof"]]],
  [`contains contains 'contains'`, [["label", "contains"], ["contains"], ["string", "contains"], ["eof"]]],
  [`label contains"value"`, [["label", "label"], ["contains"], ["string", "value"], ["eof"]]],
  [`label startswith "value"`, [["label", "label"], ["startsWith"], ["string", "value"], ["eof"]]],
  [`label endswith "value"`, [["label", "label"], ["endsWith"], ["string", "value"], ["eof"]]],
  [`label starts with "value"`, [["label", "label"], ["startsWith"], ["string", "value"], ["eof"]]],
  [`startswith starts with "value"`, [["label", "startswith"], ["startsWith"], ["string", "value"], ["eof"]]],
  [`label ends with "value"`, [["label", "label"], ["endsWith"], ["string", "value"], ["eof"]]],
  [`endswith ends with "value"`, [["label", "endswith"], ["endsWith"], ["string", "value"], ["eof"]]],
  [`label starts  with "value"`, [["label", "label"], ["startsWith"], ["string", "value"], ["eof"]]],
  [`label ends  with "value"`, [["label", "label"], ["endsWith"], ["string", "value"], ["eof"]]],
  ["a".repeat(512) + ` == "value"`, [["label", "a".repeat(512)], ["eq"], ["string", "value"], ["eof"]]],
  ["a".repeat(513) + ` == "value"`, null],
  [`label == "value`, null],
  [`label == 'value`, null],
  [`label = "value"`, null],
  [`all(`, null],
  [`global(`, null],
  [`has()`, null],
  [`has(foo`, null],
  [`has( foo `, null],
  [`a == "b" & has(foo)`, null],
  [`a == "b" | has(foo)`, null],
  [`label starts foo "value"`, null],
  [`label inf "value"`, null],
  [`label ends foo "value"`, null],
  [`label ends withs "value"`, null],
  [`label squiggles "value"`, null],
  [
    `a not in "bar" && !has(foo) || b in c`,
    [["label", "a"], ["notIn"], ["string", "bar"], ["and"], ["not"], ["has", "foo"], ["or"], ["label", "b"], ["in"], ["label", "c"], ["eof"]],
  ],
  [`has(calico/k8s_ns)`, [["has", "calico/k8s_ns"], ["eof"]]],
  [`has(calico/k8s_ns/role)`, [["has", "calico/k8s_ns/role"], ["eof"]]],
  [`has(calico/k8s_NS-.1/role)`, [["has", "calico/k8s_NS-.1/role"], ["eof"]]],
  [
    `calico/k8s_ns == "kube-system" && k8s-app == "kube-dns"`,
    [["label", "calico/k8s_ns"], ["eq"], ["string", "kube-system"], ["and"], ["label", "k8s-app"], ["eq"], ["string", "kube-dns"], ["eof"]],
  ],
  [
    `a  not  in  "bar"  &&  ! has( foo )  ||  b  in  c `,
    [["label", "a"], ["notIn"], ["string", "bar"], ["and"], ["not"], ["has", "foo"], ["or"], ["label", "b"], ["in"], ["label", "c"], ["eof"]],
  ],
  [
    `a notin"bar"&&!has(foo)||b in"c"`,
    [["label", "a"], ["notIn"], ["string", "bar"], ["and"], ["not"], ["has", "foo"], ["or"], ["label", "b"], ["in"], ["string", "c"], ["eof"]],
  ],
  [`a not in {}`, [["label", "a"], ["notIn"], ["lbrace"], ["rbrace"], ["eof"]]],
  [`a not in {"a"}`, [["label", "a"], ["notIn"], ["lbrace"], ["string", "a"], ["rbrace"], ["eof"]]],
  [`a not in {"a","B"}`, [["label", "a"], ["notIn"], ["lbrace"], ["string", "a"], ["comma"], ["string", "B"], ["rbrace"], ["eof"]]],
  [`global()`, [["global"], ["eof"]]],
  [`global( )`, [["global"], ["eof"]]],
  [`all()`, [["all"], ["eof"]]],
  [`all( )`, [["all"], ["eof"]]],
];

// Word boundaries and other corners of the same rules, ours.
const boundaryTests: ReadonlyArray<readonly [string, Expected]> = [
  [`a in{"x"}`, [["label", "a"], ["in"], ["lbrace"], ["string", "x"], ["rbrace"], ["eof"]]],
  [`a inx`, null],
  [`a in-x`, null],
  [`a in/x`, null],
  [`a in.x`, null],
  [`a in_x`, null],
  [`a in(`, [["label", "a"], ["in"], ["lparen"], ["eof"]]],
  [`inx in {}`, [["label", "inx"], ["in"], ["lbrace"], ["rbrace"], ["eof"]]],
  [`a containsx "b"`, null],
  [`a contains`, [["label", "a"], ["contains"], ["eof"]]],
  [`a startswith`, [["label", "a"], ["startsWith"], ["eof"]]],
  [`a starts\twith'x'`, [["label", "a"], ["startsWith"], ["string", "x"], ["eof"]]],
  [`a startswithx "b"`, null],
  // After the last word of a multi-word operator Calico skips spaces before checking the boundary.
  [`a starts with b`, null],
  [`a contains b`, [["label", "a"], ["contains"], ["label", "b"], ["eof"]]],
  [`a not in x`, null],
  [`a in x`, [["label", "a"], ["in"], ["label", "x"], ["eof"]]],
  [`a nothing`, null],
  [`has (a)`, [["label", "has"], ["lparen"], ["label", "a"], ["rparen"], ["eof"]]],
  [`hasx(a)`, [["label", "hasx"], ["lparen"], ["label", "a"], ["rparen"], ["eof"]]],
  [`a has(b)`, null],
  [`!!has(a)`, [["not"], ["not"], ["has", "a"], ["eof"]]],
  [`a ! = "b"`, null],
  [`a !has(b)`, [["label", "a"], ["not"], ["has", "b"], ["eof"]]],
  [`'a"b' "c'd"`, [["string", `a"b`], ["string", "c'd"], ["eof"]]],
  [`"" ''`, [["string", ""], ["string", ""], ["eof"]]],
  [`a == "line\nbreak"`, [["label", "a"], ["eq"], ["string", "line\nbreak"], ["eof"]]],
  [`a == "b"\n`, null],
  [`a\n== "b"`, null],
  ["\u00e9 == 'x'", null],
  [" \t ", [["eof"]]],
  ["", [["eof"]]],
];

function kindsAndValues(text: string): Array<[TokenKind, string?]> {
  return tokenize(text).map((t) => (t.value === "" && t.kind !== "string" ? [t.kind] : [t.kind, t.value]));
}

describe.each([
  ["Calico's tokenizer table", calicoTokenTests],
  ["word boundaries and corners", boundaryTests],
])("%s", (_name, table) => {
  const good = table.filter(([, expected]) => expected !== null);
  const bad = table.filter(([, expected]) => expected === null).map(([input]) => input);

  test.each(good)("tokenizes %j", (input, expected) => {
    expect(kindsAndValues(input)).toEqual(expected);
  });

  test.each(bad)("rejects %j", (input) => {
    expect(() => tokenize(input)).toThrow(SelectorSyntaxError);
  });
});

describe("token positions", () => {
  test("each token starts where its text starts, and eof sits at the end", () => {
    const text = ` a  not in {"x" , 'y'} ||!has( b )`;
    expect(tokenize(text).map((t) => [t.kind, t.start])).toEqual([
      ["label", 1],
      ["notIn", 4],
      ["lbrace", 11],
      ["string", 12],
      ["comma", 16],
      ["string", 18],
      ["rbrace", 21],
      ["or", 23],
      ["not", 25],
      ["has", 26],
      ["eof", text.length],
    ]);
  });
});

describe("isValidLabel", () => {
  test.each([
    ["app", true],
    ["calico/k8s_NS-.1/role", true],
    ["x".repeat(512), true],
    ["x".repeat(513), false],
    ["", false],
    ["a b", false],
    ["kubernetes.io/hostname", true],
    ["zürich", false],
  ])("%j is a label a selector can name: %s", (label, expected) => {
    expect(isValidLabel(label)).toBe(expected);
  });
});
