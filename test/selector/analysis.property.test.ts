import fc from "fast-check";
import {
  type Labels,
  type Selector,
  type SelectorNode,
  commonMatch,
  exampleMatch,
  exampleNonMatch,
  matchesEverything,
  parseSelector,
  printSelectorNode,
  selectorsOverlap,
} from "../../src/selector";

// A small alphabet, so that random selectors often constrain the same label in conflicting ways.
const LABELS = ["a", "b"] as const;
const LITERALS = ["", "a", "b", "ab", "ba"] as const;

const labelArb = fc.constantFrom(...LABELS);
const literalArb = fc.constantFrom(...LITERALS);

const leafArb: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc.constant<SelectorNode>({ kind: "all" }),
  fc.constant<SelectorNode>({ kind: "global" }),
  labelArb.map((label): SelectorNode => ({ kind: "has", label })),
  fc
    .tuple(fc.constantFrom("eq", "neq", "contains", "startsWith", "endsWith" as const), labelArb, literalArb)
    .map(([kind, label, value]): SelectorNode => ({ kind, label, value })),
  fc
    .tuple(fc.constantFrom("in", "notIn" as const), labelArb, fc.uniqueArray(literalArb, { maxLength: 3 }))
    .map(([kind, label, values]): SelectorNode => ({ kind, label, values })),
);

// Trees in the shape the parser produces (as in selector.property.test.ts).
const { node: nodeArb } = fc.letrec<{ node: SelectorNode; not: SelectorNode; and: SelectorNode; or: SelectorNode }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true, maxDepth: 4 }, leafArb, tie("not"), tie("and"), tie("or")),
  not: tie("node")
    .filter((operand) => operand.kind !== "not")
    .map((operand): SelectorNode => ({ kind: "not", operand })),
  and: fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((operands): SelectorNode => ({ kind: "and", operands })),
  or: fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((operands): SelectorNode => ({ kind: "or", operands })),
}));

// Pool-shaped selectors too: a disjunction of short conjunctions of the atoms pools use, mostly on one
// label, so that two of them are often exclusive without either being empty.
const poolLeafArb: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc
    .tuple(fc.constantFrom("eq", "neq", "startsWith", "endsWith" as const), fc.constantFrom("a", "a", "b"), literalArb)
    .map(([kind, label, value]): SelectorNode => ({ kind, label, value })),
  fc
    .tuple(fc.constantFrom("in", "notIn" as const), fc.constantFrom("a", "a", "b"), fc.uniqueArray(literalArb, { minLength: 1, maxLength: 3 }))
    .map(([kind, label, values]): SelectorNode => ({ kind, label, values })),
  labelArb.map((label): SelectorNode => ({ kind: "has", label })),
  labelArb.map((label): SelectorNode => ({ kind: "not", operand: { kind: "has", label } })),
);
const conjunctionArb = fc
  .array(poolLeafArb, { minLength: 1, maxLength: 3 })
  .map((operands): SelectorNode => (operands.length === 1 ? operands[0] : { kind: "and", operands }));
const poolNodeArb = fc
  .array(conjunctionArb, { minLength: 1, maxLength: 2 })
  .map((operands): SelectorNode => (operands.length === 1 ? operands[0] : { kind: "or", operands }));

const poolSelectorArb: fc.Arbitrary<Selector> = poolNodeArb.map((node) => parseSelector(printSelectorNode(node)));

const selectorArb: fc.Arbitrary<Selector> = fc
  .oneof(nodeArb, poolNodeArb)
  .map((node) => parseSelector(printSelectorNode(node)));

/** Every string over `alphabet` up to `maxLength` characters, shortest first, in alphabet order. */
function stringsOver(alphabet: readonly string[], maxLength: number): string[] {
  const out = [""];
  let layer = [""];
  for (let n = 1; n <= maxLength; n++) {
    layer = layer.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...layer);
  }
  return out;
}

/**
 * The brute-force universe: each label absent or holding one of: every string over {a, b} up to four
 * characters (all literals, and every prefix+suffix, prefix+contains, ... overlap or concatenation of two
 * of them), a fresh value "x", and "x" glued before, after or between two literals (the escape a value
 * needs when its neighbours are forbidden, e.g. starts with "a", ends with "b", not contains "ab": "axb").
 */
const VALUES: readonly string[] = (() => {
  const parts = LITERALS.filter((l) => l !== "");
  const glued = ["x", ...parts.flatMap((p) => [p + "x", "x" + p, ...parts.map((q) => p + "x" + q)])];
  return [...new Set([...stringsOver(["a", "b"], 4), ...glued])];
})();

const UNIVERSE: readonly Labels[] = (() => {
  const options: Array<string | undefined> = [undefined, ...VALUES];
  return options.flatMap((a) =>
    options.map((b): Labels => ({ ...(a === undefined ? {} : { a }), ...(b === undefined ? {} : { b }) })),
  );
})();

describe("the brute-force universe", () => {
  test("holds every label set over two labels and the chosen values", () => {
    expect(VALUES).toContain("abba");
    expect(VALUES).toContain("axb");
    expect(UNIVERSE).toHaveLength((VALUES.length + 1) ** 2);
  });
});

describe("a common match of random selectors", () => {
  test("matches every selector, and exists whenever some label set in the universe matches them all", () => {
    let found = 0;
    let exclusive = 0;
    fc.assert(
      fc.property(fc.array(selectorArb, { minLength: 1, maxLength: 3 }), (selectors) => {
        const witness = commonMatch(selectors);
        const bruteForce = UNIVERSE.find((labels) => selectors.every((s) => s.matches(labels)));
        if (witness !== undefined) {
          found++;
          for (const s of selectors) {
            expect(s.matches(witness)).toBe(true);
          }
        } else {
          expect(bruteForce).toBeUndefined();
          if (selectors.every((s) => exampleMatch(s) !== undefined)) {
            exclusive++; // each selector matches something, but never the same thing
          }
        }
        if (selectors.length === 2) {
          expect(selectorsOverlap(selectors[0], selectors[1])).toBe(witness !== undefined);
        }
      }),
      { numRuns: 400 },
    );
    // Both outcomes must be common, or the check says little.
    expect(found).toBeGreaterThan(100);
    expect(exclusive).toBeGreaterThan(8);
  });

  test("decides pool-shaped pairs exactly as brute force does", () => {
    let exclusive = 0;
    fc.assert(
      fc.property(poolSelectorArb, poolSelectorArb, (first, second) => {
        const witness = commonMatch([first, second]);
        const bruteForce = UNIVERSE.find((labels) => first.matches(labels) && second.matches(labels));
        expect(witness === undefined).toBe(bruteForce === undefined);
        if (witness !== undefined) {
          expect(first.matches(witness) && second.matches(witness)).toBe(true);
        } else if (exampleMatch(first) !== undefined && exampleMatch(second) !== undefined) {
          exclusive++;
        }
      }),
      { numRuns: 400 },
    );
    expect(exclusive).toBeGreaterThan(30);
  });

  test("never exists for a selector and its negation", () => {
    fc.assert(
      fc.property(nodeArb, (node) => {
        const negated = node.kind === "not" ? node.operand : ({ kind: "not", operand: node } as const);
        const s = parseSelector(printSelectorNode(node));
        const n = parseSelector(printSelectorNode(negated));
        expect(commonMatch([s, n])).toBeUndefined();
        expect(selectorsOverlap(s, n)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("matching everything, for random selectors", () => {
  test("agrees with brute force, and every counterexample is really missed", () => {
    let tautologies = 0;
    fc.assert(
      fc.property(selectorArb, (s) => {
        const everything = matchesEverything(s);
        const missed = UNIVERSE.find((labels) => !s.matches(labels));
        if (missed !== undefined) {
          expect(everything).toBe(false);
        }
        if (everything) {
          expect(exampleNonMatch(s)).toBeUndefined();
          if (s.toString() !== "all()" && s.toString() !== "global()") {
            tautologies++;
          }
        } else {
          const counterexample = exampleNonMatch(s);
          expect(counterexample).toBeDefined();
          expect(s.matches(counterexample!)).toBe(false);
        }
        const example = exampleMatch(s);
        if (example === undefined) {
          expect(UNIVERSE.some((labels) => s.matches(labels))).toBe(false);
        } else {
          expect(s.matches(example)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    expect(tautologies).toBeGreaterThan(25);
  });

  test("holds for any selector or its negation", () => {
    fc.assert(
      fc.property(nodeArb, (node) => {
        const negated = node.kind === "not" ? node.operand : ({ kind: "not", operand: node } as const);
        const either = parseSelector(printSelectorNode({ kind: "or", operands: [node, negated] }));
        expect(matchesEverything(either)).toBe(true);
        expect(exampleNonMatch(either)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

// One present label under several string atoms: the witness is the first value found by enumerating
// every string over {x, a, b}, non-empty first, shortest first, then x < a < b (the fresh filler first).
const STRING_LITERALS = ["", "a", "b", "ab", "ba", "aa", "bb", "aba", "bab"] as const;
const BRUTE_LENGTH = 6;
const CANDIDATES = [...stringsOver(["x", "a", "b"], BRUTE_LENGTH).slice(1), ""];

const stringAtomArb: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc
    .tuple(fc.constantFrom("neq", "contains", "startsWith", "endsWith" as const), fc.constantFrom(...STRING_LITERALS))
    .map(([kind, value]): SelectorNode => ({ kind, label: "a", value })),
  fc
    .tuple(fc.constantFrom("contains", "startsWith", "endsWith" as const), fc.constantFrom(...STRING_LITERALS))
    .map(([kind, value]): SelectorNode => ({ kind: "not", operand: { kind, label: "a", value } })),
  fc
    .uniqueArray(fc.constantFrom(...STRING_LITERALS), { minLength: 1, maxLength: 4 })
    .map((values): SelectorNode => ({ kind: "notIn", label: "a", values })),
);

describe("the value found for one label under string constraints", () => {
  test("is the smallest value that satisfies them, or none exists", () => {
    let solved = 0;
    let impossible = 0;
    fc.assert(
      fc.property(fc.array(stringAtomArb, { minLength: 1, maxLength: 5 }), (atoms) => {
        const node: SelectorNode = { kind: "and", operands: [{ kind: "has", label: "a" }, ...atoms] };
        const s = parseSelector(printSelectorNode(node));
        const witness = exampleMatch(s);
        const first = CANDIDATES.find((v) => s.matches({ a: v }));
        if (first !== undefined && first !== "") {
          expect(witness).toEqual({ a: first });
          solved++;
        } else if (witness === undefined) {
          expect(first).toBeUndefined();
          impossible++;
        } else {
          // Only values longer than the enumeration (or "" when nothing else fits) remain.
          expect(s.matches(witness)).toBe(true);
          expect(witness.a === "" || witness.a.length > BRUTE_LENGTH).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(solved).toBeGreaterThan(600);
    expect(impossible).toBeGreaterThan(100);
  });
});
