import {
  type Labels,
  SELECTOR_ANALYSIS_STEP_LIMIT,
  SelectorAnalysisLimitError,
  commonMatch,
  exampleMatch,
  exampleNonMatch,
  matchesEverything,
  parseSelector,
  selectorsOverlap,
} from "../../src/selector";

const sel = parseSelector;

// Two pool selectors, and the label set both match (undefined: the pools are exclusive).
const pairs: ReadonlyArray<readonly [string, string, Labels | undefined]> = [
  // One pool per rack (topology-based assignment).
  [`rack == "a"`, `rack == "b"`, undefined],
  [`rack == "0"`, `rack != "0"`, undefined],
  [`rack == "a"`, `all()`, { rack: "a" }],
  [`rack == "a"`, ``, { rack: "a" }],
  [`rack == "a"`, `has(rack)`, { rack: "a" }],
  [`rack == "a"`, `rack in {"a", "b"}`, { rack: "a" }],
  [`rack in {"a", "b", "c"} && zone == "z1" || has(special)`, `rack == "d"`, { rack: "d", special: "x" }],
  [`rack in {"a", "b", "c"} && zone == "z1" || has(special)`, `rack == "d" && !has(special)`, undefined],
  [`rack in {"a", "b", "c"} && zone == "z1" || has(special)`, `rack == "b" && !has(special)`, { rack: "b", zone: "z1" }],
  [`zone == "z1"`, `zone == "z1" && rack == "a"`, { rack: "a", zone: "z1" }],
  // Presence.
  [`has(rack)`, `!has(rack)`, undefined],
  [`has(rack)`, `has(zone)`, { rack: "x", zone: "x" }],
  [`!has(rack)`, `rack != "a"`, {}],
  // Sets.
  [`zone in {"a", "b"}`, `zone not in {"a", "b"}`, undefined],
  [`zone in {"a", "b"}`, `zone not in {"a"}`, { zone: "b" }],
  [`zone in {"a", "b"}`, `zone in {"b", "c"}`, { zone: "b" }],
  [`zone in {"a", "b"}`, `zone in {"c"}`, undefined],
  [`zone in {}`, `all()`, undefined],
  [`zone not in {}`, `!has(zone)`, {}],
  // Equality against inequality.
  [`team == "x"`, `team != "x"`, undefined],
  [`team == "x"`, `team != "y"`, { team: "x" }],
  [`team != "x"`, `team != "y"`, {}],
  // String operators.
  [`name starts with "ab" && name ends with "ba"`, `name != "aba"`, { name: "abba" }],
  [`name starts with "ab" && name ends with "ba"`, `all()`, { name: "aba" }],
  [`name starts with "ab"`, `name starts with "ac"`, undefined],
  [`name starts with "ab"`, `name starts with "a"`, { name: "ab" }],
  [`name ends with "ab"`, `name ends with "cb"`, undefined],
  [`name ends with "ab"`, `name ends with "b" && name != "ab"`, { name: "xab" }],
  [`name contains "gpu"`, `!(name contains "gp")`, undefined],
  [`name contains "gpu"`, `name != "gpu"`, { name: "xgpu" }],
  [`name contains "gpu"`, `name starts with "node-"`, { name: "node-gpu" }],
  [`name starts with "node-" && name ends with "-gpu"`, `name not in {"node-gpu", "node--gpu"}`, { name: "node-x-gpu" }],
  [`name starts with "ab"`, `!(name contains "b")`, undefined],
  [`name starts with "a" && name ends with "b"`, `!(name contains "ab")`, { name: "axb" }],
  [`name == "node-1"`, `name starts with "node-" && name ends with "1"`, { name: "node-1" }],
  [`name == "node-1"`, `name starts with "node-" && name ends with "2"`, undefined],
  [`name contains ""`, `!has(name)`, undefined],
  [`has(name)`, `!(name ends with "")`, undefined],
  // Constants.
  [`!all()`, `all()`, undefined],
  [`!all()`, `!all()`, undefined],
  [``, ``, {}],
  [`global()`, `all()`, {}],
  // Namespace pools: a pool dedicated to team payments against the general pool.
  [`team == "payments"`, `!has(team)`, undefined],
  [`team == "payments"`, `team != "payments"`, undefined],
  [`team == "payments"`, `team not in {"payments", "search"}`, undefined],
  [`team == "payments"`, `team == "search"`, undefined],
  [`team == "payments"`, `has(team)`, { team: "payments" }],
  [`team == "payments"`, `!has(tier)`, { team: "payments" }],
  [`kubernetes.io/metadata.name == "payments"`, `team != "payments"`, { "kubernetes.io/metadata.name": "payments" }],
];

describe("two pools can serve the same node or namespace only if one label set matches both selectors", () => {
  test.each(pairs)("%s and %s: common match %j", (a, b, expected) => {
    expect(commonMatch([sel(a), sel(b)])).toEqual(expected);
  });

  test.each(pairs)("%s and %s overlap exactly when a common match exists", (a, b, expected) => {
    expect(selectorsOverlap(sel(a), sel(b))).toBe(expected !== undefined);
    expect(selectorsOverlap(sel(b), sel(a))).toBe(expected !== undefined);
  });

  test.each(pairs.filter(([, , w]) => w !== undefined))("the common match of %s and %s is matched by both", (a, b) => {
    const witness = commonMatch([sel(a), sel(b)])!;
    expect(sel(a).matches(witness)).toBe(true);
    expect(sel(b).matches(witness)).toBe(true);
  });
});

describe("a common match of several selectors", () => {
  test("is {} for no selectors at all", () => {
    expect(commonMatch([])).toEqual({});
  });

  test("satisfies every selector at once", () => {
    const pools = [`has(rack)`, `rack != "a"`, `rack != "x"`, `zone in {"z1", "z2"}`, `zone != "z1"`].map(sel);
    expect(commonMatch(pools)).toEqual({ rack: "y", zone: "z2" });
  });

  test("is undefined when any two of them are exclusive", () => {
    expect(commonMatch([sel(`has(rack)`), sel(`zone == "z1"`), sel(`!has(rack)`)])).toBeUndefined();
  });

  test("lists its labels in sorted order", () => {
    expect(Object.keys(commonMatch([sel(`zone == "z1"`), sel(`b == "1"`), sel(`a == "1"`)])!)).toEqual(["a", "b", "zone"]);
  });

  test("prefers the alternative with fewer labels", () => {
    expect(commonMatch([sel(`(a == "1" && b == "1") || c == "long-value"`)])).toEqual({ c: "long-value" });
  });

  test("prefers shorter values among alternatives with as many labels", () => {
    expect(commonMatch([sel(`a == "long-value" || b == "v"`)])).toEqual({ b: "v" });
  });

  test("is the same every time", () => {
    const selectors = [sel(`rack in {"c", "b", "a"} || has(special)`), sel(`!has(special) || rack == "z"`)];
    expect(commonMatch(selectors)).toEqual(commonMatch(selectors));
    expect(commonMatch(selectors)).toEqual({ rack: "a" });
  });
});

// A selector, and a label set it matches (undefined: it matches nothing).
const examples: ReadonlyArray<readonly [string, Labels | undefined]> = [
  [``, {}],
  [`all()`, {}],
  [`!all()`, undefined],
  [`!global()`, undefined],
  [`a == "x" && a == "y"`, undefined],
  [`a in {}`, undefined],
  [`a contains "x" && !(a contains "x")`, undefined],
  [`has(a) && !has(a)`, undefined],
  [`!(a != "x")`, { a: "x" }],
  [`!(a not in {"x", "y"})`, { a: "x" }],
  [`a in {"bb", "a"}`, { a: "a" }],
  [`a in {"", "z"}`, { a: "z" }],
  [`a == ""`, { a: "" }],
  [`has(a)`, { a: "x" }],
  [`has(a) && a != "x"`, { a: "y" }],
  [`has(a) && a not in {"x", "y", "z"}`, { a: "a" }],
  [`a starts with "a" && a != "a"`, { a: "ax" }],
  [`a contains "ab" && a contains "ba" && a not in {"aba", "bab"}`, { a: "xaba" }],
  [`a ends with "z" && a != "z"`, { a: "xz" }],
  [`!(a == "1" || b == "1")`, {}],
  [`!(!has(a) || !has(b))`, { a: "x", b: "x" }],
];

describe("an example label set for one selector", () => {
  test.each(examples)("%s matches %j", (text, expected) => {
    expect(exampleMatch(sel(text))).toEqual(expected);
  });

  test.each(examples.filter(([, w]) => w !== undefined))("%s really matches its example", (text) => {
    expect(sel(text).matches(exampleMatch(sel(text))!)).toBe(true);
  });
});

// A selector, and a label set it does not match (undefined: it matches every label set).
const nonMatches: ReadonlyArray<readonly [string, Labels | undefined]> = [
  [``, undefined],
  [`all()`, undefined],
  [`global()`, undefined],
  [`has(a) || !has(a)`, undefined],
  [`a != "x" || a != "y"`, undefined],
  [`a == "x" || a != "x"`, undefined],
  [`a in {"x"} || a not in {"x"}`, undefined],
  [`a contains "" || !has(a)`, undefined],
  [`a starts with "p" || !(a starts with "p")`, undefined],
  [`!has(a) || a ends with ""`, undefined],
  [`!(a == "x" && a == "y")`, undefined],
  [`!has(a) || a == "x" || (has(a) && a != "x")`, undefined],
  [`a == "x"`, {}],
  [`!all()`, {}],
  [`a != "x"`, { a: "x" }],
  [`!has(a)`, { a: "x" }],
  [`a not in {"x", "y"}`, { a: "x" }],
  [`has(a) || b != "y"`, { b: "y" }],
  [`a != "x" || b != "y"`, { a: "x", b: "y" }],
  [`a contains "" || !has(b)`, { b: "x" }],
  [`a starts with "p" || a == ""`, {}],
  [`!has(a) || a starts with "p" || a == ""`, { a: "x" }],
];

describe("whether a selector matches every label set", () => {
  test.each(nonMatches)("%s: a label set it misses is %j", (text, expected) => {
    expect(exampleNonMatch(sel(text))).toEqual(expected);
  });

  test.each(nonMatches)("%s matches everything only if nothing is missed", (text, expected) => {
    expect(matchesEverything(sel(text))).toBe(expected === undefined);
  });

  test.each(nonMatches.filter(([, w]) => w !== undefined))("%s really misses its counterexample", (text) => {
    expect(sel(text).matches(exampleNonMatch(sel(text))!)).toBe(false);
  });
});

describe("selectors too large to analyse exactly", () => {
  // 2^25 alternatives, only contradicted at the very end.
  const groups = Array.from({ length: 25 }, (_, i) => `(a${i} == "x" || b${i} == "x")`).join(" && ");
  const exploding = sel(`${groups} && (z == "1" || z == "3") && (z == "2" || z == "4")`);

  test("raise an error instead of a guess", () => {
    expect(() => selectorsOverlap(exploding, sel(`all()`))).toThrow(SelectorAnalysisLimitError);
    expect(() => exampleMatch(exploding)).toThrow(
      new RegExp(`gave up after ${SELECTOR_ANALYSIS_STEP_LIMIT} steps on .*: the selectors expand into too many alternatives`),
    );
  });

  test("carry a stable code and the selectors analysed", () => {
    let error: unknown;
    try {
      selectorsOverlap(exploding, sel(`rack == "a"`));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SelectorAnalysisLimitError);
    expect((error as SelectorAnalysisLimitError).code).toBe("SELECTOR_ANALYSIS_LIMIT");
    expect((error as SelectorAnalysisLimitError).selectors).toEqual([exploding.toString(), `rack == "a"`]);
  });

  test("still get a witness when one is found within the limit", () => {
    const wide = sel(Array.from({ length: 30 }, (_, i) => `(a${i} == "x" || b${i} == "x")`).join(" && "));
    expect(selectorsOverlap(wide, sel(`all()`))).toBe(true);
    const witness = exampleMatch(wide)!;
    expect(Object.keys(witness)).toHaveLength(30);
    expect(wide.matches(witness)).toBe(true);
  });
});
