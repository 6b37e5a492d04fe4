/**
 * The selector syntax tree, its evaluation and its canonical printing, with the semantics of
 * `libcalico-go/lib/selector/parser/ast.go` (v3.32).
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors
 */

/** A label set as Calico sees it: key to value. A key that is present with an empty value is present. */
export type Labels = Readonly<Record<string, string>>;

/** `all()`: matches every label set. */
export interface AllNode {
  readonly kind: "all";
}

/** `global()`: matches every label set; Calico forbids it in IPPool selectors. */
export interface GlobalNode {
  readonly kind: "global";
}

/** `has(label)`: the label is present, whatever its value. */
export interface HasNode {
  readonly kind: "has";
  readonly label: string;
}

/** A comparison of one label against one string literal. */
export interface LabelValueNode {
  /**
   * - `eq` (`==`): present and equal.
   * - `neq` (`!=`): absent, or present with another value.
   * - `contains`, `startsWith`, `endsWith`: present and the value has the literal as substring, prefix, suffix.
   */
  readonly kind: "eq" | "neq" | "contains" | "startsWith" | "endsWith";
  readonly label: string;
  readonly value: string;
}

/** A label against a set literal. */
export interface LabelSetNode {
  /** `in`: present and a member. `notIn` (`not in`): absent, or present and not a member. */
  readonly kind: "in" | "notIn";
  readonly label: string;
  /** Sorted (by code point, as Go sorts strings) and without duplicates when produced by the parser. */
  readonly values: readonly string[];
}

/** `!operand`. The parser collapses `!!x` to `x`, so its operand is never itself written `!`. */
export interface NotNode {
  readonly kind: "not";
  readonly operand: SelectorNode;
}

/** `a && b && ...` (two or more operands) or `a || b || ...`. */
export interface BooleanNode {
  readonly kind: "and" | "or";
  readonly operands: readonly SelectorNode[];
}

/**
 * A node of a parsed selector; switch on `kind`. Trees from the parser are frozen.
 */
export type SelectorNode = AllNode | GlobalNode | HasNode | LabelValueNode | LabelSetNode | NotNode | BooleanNode;

/** Every `kind` a {@link SelectorNode} can have. */
export type SelectorNodeKind = SelectorNode["kind"];

/** True when `labels` satisfies the tree, with Calico's semantics for absent labels. */
export function evaluateSelectorNode(node: SelectorNode, labels: Labels): boolean {
  switch (node.kind) {
    case "all":
    case "global":
      return true;
    case "has":
      return Object.hasOwn(labels, node.label);
    case "eq":
    case "neq":
    case "contains":
    case "startsWith":
    case "endsWith": {
      // Own properties only: `constructor` or `__proto__` are valid label names, not inherited members.
      if (!Object.hasOwn(labels, node.label)) {
        return node.kind === "neq";
      }
      return compareValue(node.kind, labels[node.label], node.value);
    }
    case "in":
    case "notIn": {
      if (!Object.hasOwn(labels, node.label)) {
        return node.kind === "notIn";
      }
      const member = node.values.includes(labels[node.label]);
      return node.kind === "in" ? member : !member;
    }
    case "not":
      return !evaluateSelectorNode(node.operand, labels);
    case "and":
      return node.operands.every((op) => evaluateSelectorNode(op, labels));
    case "or":
      return node.operands.some((op) => evaluateSelectorNode(op, labels));
  }
  return assertNever(node);
}

function compareValue(kind: LabelValueNode["kind"], actual: string, literal: string): boolean {
  switch (kind) {
    case "eq":
      return actual === literal;
    case "neq":
      return actual !== literal;
    case "contains":
      return actual.includes(literal);
    case "startsWith":
      return actual.startsWith(literal);
    case "endsWith":
      return actual.endsWith(literal);
  }
}

const VALUE_OPERATORS: Readonly<Record<LabelValueNode["kind"], string>> = {
  eq: " == ",
  neq: " != ",
  contains: " contains ",
  startsWith: " starts with ",
  endsWith: " ends with ",
};

/**
 * The canonical text of a tree, exactly as Calico's `Selector.String()` prints it: `&&` and `||` groups
 * always in parentheses, `!` glued to its operand, sets sorted and de-duplicated, values in double
 * quotes unless they contain one.
 */
export function printSelectorNode(node: SelectorNode): string {
  switch (node.kind) {
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "has":
      return `has(${node.label})`;
    case "eq":
    case "neq":
    case "contains":
    case "startsWith":
    case "endsWith":
      return node.label + VALUE_OPERATORS[node.kind] + quote(node.value);
    case "in":
    case "notIn":
      return `${node.label} ${node.kind === "in" ? "in" : "not in"} {${canonicalSet(node.values).map(quote).join(", ")}}`;
    case "not":
      return "!" + printSelectorNode(node.operand);
    case "and":
    case "or":
      return `(${node.operands.map(printSelectorNode).join(node.kind === "and" ? " && " : " || ")})`;
  }
  return assertNever(node);
}

/** True if `global()` appears anywhere in the tree. */
export function nodeUsesGlobal(node: SelectorNode): boolean {
  switch (node.kind) {
    case "global":
      return true;
    case "not":
      return nodeUsesGlobal(node.operand);
    case "and":
    case "or":
      return node.operands.some(nodeUsesGlobal);
    default:
      return false;
  }
}

/** Sorted by code point (Go compares strings bytewise in UTF-8, which is code point order) and de-duplicated. */
export function canonicalSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

/**
 * Code point order. Plain `<` compares UTF-16 units, which puts astral characters (surrogates,
 * D800-DFFF) before U+E000-U+FFFF; Go's order puts them after.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return rank(x) - rank(y);
    }
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit < 0xd800) {
    return unit;
  }
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Calico has no escapes: a value containing `"` is printed in single quotes. */
function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function assertNever(node: never): never {
  throw new Error(`unknown selector node ${JSON.stringify(node)}`);
}
