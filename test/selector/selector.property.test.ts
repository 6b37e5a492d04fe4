import fc from "fast-check";
import {
  type Labels,
  type SelectorNode,
  SelectorSyntaxError,
  evaluateSelectorNode,
  nodeUsesGlobal,
  parseSelector,
  printSelectorNode,
  tryParseSelector,
} from "../../src/selector";

// Operator words and function names are included on purpose: they are ordinary labels in label position.
const labelArb = fc.oneof(
  fc.constantFrom("a", "b", "rack", "calico/k8s_ns", "k8s-app", "x.y_z", "in", "not", "contains", "starts", "has", "all", "global"),
  fc.stringMatching(/^[a-zA-Z0-9_./-]{1,16}$/),
);

// Calico cannot write a value holding both quote kinds (there are no escapes), so no tree holds one.
const valueArb = fc
  .oneof(fc.constantFrom("", "a", "b", "ab", "blue", "'", '"', "x y", "ü", "😀", "\uFFFD"), fc.string({ unit: "binary", maxLength: 8 }))
  .filter((v) => !(v.includes('"') && v.includes("'")));

const leafArb: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc.constant<SelectorNode>({ kind: "all" }),
  fc.constant<SelectorNode>({ kind: "global" }),
  labelArb.map((label): SelectorNode => ({ kind: "has", label })),
  fc
    .tuple(fc.constantFrom("eq", "neq", "contains", "startsWith", "endsWith" as const), labelArb, valueArb)
    .map(([kind, label, value]): SelectorNode => ({ kind, label, value })),
  fc
    .tuple(fc.constantFrom("in", "notIn" as const), labelArb, fc.array(valueArb, { maxLength: 4 }))
    .map(([kind, label, values]): SelectorNode => ({ kind, label, values })),
);

// Trees in the shape the parser produces: `and`/`or` with two or more operands, and no `not` directly
// inside a `not` (Calico prints that as "!!", which it re-reads as no negation).
const { node: nodeArb } = fc.letrec<{ node: SelectorNode; not: SelectorNode; and: SelectorNode; or: SelectorNode }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leafArb, tie("not"), tie("and"), tie("or")),
  not: tie("node")
    .filter((operand) => operand.kind !== "not")
    .map((operand): SelectorNode => ({ kind: "not", operand })),
  and: fc.array(tie("node"), { minLength: 2, maxLength: 4 }).map((operands): SelectorNode => ({ kind: "and", operands })),
  or: fc.array(tie("node"), { minLength: 2, maxLength: 4 }).map((operands): SelectorNode => ({ kind: "or", operands })),
}));

function labelsIn(node: SelectorNode): string[] {
  switch (node.kind) {
    case "all":
    case "global":
      return [];
    case "not":
      return labelsIn(node.operand);
    case "and":
    case "or":
      return node.operands.flatMap(labelsIn);
    default:
      return [node.label];
  }
}

function valuesIn(node: SelectorNode): string[] {
  switch (node.kind) {
    case "eq":
    case "neq":
    case "contains":
    case "startsWith":
    case "endsWith":
      return [node.value, node.value + "x", "x" + node.value];
    case "in":
    case "notIn":
      return [...node.values];
    case "not":
      return valuesIn(node.operand);
    case "and":
    case "or":
      return node.operands.flatMap(valuesIn);
    default:
      return [];
  }
}

/** Label sets built from the tree's own labels and values, so that matches and misses both happen. */
function labelSetsFor(node: SelectorNode): fc.Arbitrary<Labels[]> {
  const keys = [...labelsIn(node), "other"];
  const values = [...valuesIn(node), "", "zz"];
  const labels = fc
    .array(fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...values)), { maxLength: 6 })
    .map((entries): Labels => Object.fromEntries(entries));
  return fc.array(labels, { minLength: 1, maxLength: 8 });
}

describe("printing a tree and parsing it back", () => {
  test("gives the same canonical text, the same global() use and the same matches", () => {
    fc.assert(
      fc.property(
        nodeArb.chain((node) => fc.tuple(fc.constant(node), labelSetsFor(node))),
        ([node, labelSets]) => {
          const text = printSelectorNode(node);
          const selector = parseSelector(text);
          expect(selector.toString()).toBe(text);
          expect(selector.usesGlobal).toBe(nodeUsesGlobal(node));
          for (const labels of labelSets) {
            expect(selector.matches(labels)).toBe(evaluateSelectorNode(node, labels));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

// Fragments that make up both valid and broken selectors, glued together at random.
const fragmentArb = fc.constantFrom(
  "a", "b", " ", "\t", "==", "!=", "!", "&&", "||", "(", ")", "{", "}", ",", '"x"', "'y'", "in", "not", "contains",
  "starts", "with", "has(a)", "all()", "global()", "=", "&", "|", "\n", "%", '"', "'",
);
const probes: Labels[] = [{}, { a: "x" }, { a: "y" }, { b: "x" }, { a: "", b: "y" }, { in: "x", not: "y" }];

describe("parsing arbitrary text", () => {
  test("either succeeds with a canonical form Calico accepts, or fails with a position inside the text", () => {
    fc.assert(
      fc.property(fc.array(fragmentArb, { maxLength: 16 }).map((parts) => parts.join("")), (text) => {
        const result = tryParseSelector(text);
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(SelectorSyntaxError);
          expect(result.error.position).toBeGreaterThanOrEqual(0);
          expect(result.error.position).toBeLessThanOrEqual(text.length);
          return;
        }
        // One more pass may drop a "!!" (see the canonical form tests); after that the text is fixed.
        const once = parseSelector(result.selector.toString());
        const twice = parseSelector(once.toString());
        expect(parseSelector(twice.toString()).toString()).toBe(twice.toString());
        for (const labels of probes) {
          expect(once.matches(labels)).toBe(result.selector.matches(labels));
          expect(twice.matches(labels)).toBe(result.selector.matches(labels));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
