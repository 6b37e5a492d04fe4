/**
 * Recursive-descent parser for Calico selectors, with the grammar and the quirks of
 * `libcalico-go/lib/selector/parser/parser.go` (v3.32):
 *
 *   or   := and ("||" and)*
 *   and  := op ("&&" op)*
 *   op   := "!"* ( has(l) | all() | global() | "(" or ")"
 *               | l ("==" | "!=" | contains | starts with | ends with) STRING
 *               | l ("in" | "not in") "{" [STRING ("," STRING)* [","]] "}" )
 *
 * An empty selector is `all()`. Leading `!`s collapse by parity, so `!!x` parses to `x`.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors
 */
import {
  type LabelSetNode,
  type LabelValueNode,
  type Labels,
  type SelectorNode,
  canonicalSet,
  evaluateSelectorNode,
  nodeUsesGlobal,
  printSelectorNode,
} from "./ast";
import { MAX_SELECTOR_DEPTH, MAX_SELECTOR_TEXT } from "../limits";
import { SelectorSyntaxError, type Token, type TokenKind, tokenize } from "./tokenizer";

/**
 * A parsed Calico selector: an expression over the labels of a node, a namespace or an endpoint,
 * as used by IPPool `nodeSelector` and `namespaceSelector`.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
export interface Selector {
  /** true when the label set satisfies the selector (Calico semantics). */
  matches(labels: Labels): boolean;
  /** canonical form, as Calico's String() prints it. */
  toString(): string;
  /** true if the selector uses global() anywhere. */
  readonly usesGlobal: boolean;
  /** the AST root, for later analysis (exclusivity checks between pools). */
  readonly root: SelectorNode;
}

/**
 * Parses a selector the way Calico does; an empty or blank selector is `all()`.
 *
 * @throws SelectorSyntaxError when Calico would reject the selector.
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
export function parseSelector(text: string): Selector {
  if (typeof text !== "string") {
    throw new TypeError(`a selector must be a string, got ${typeof text}`);
  }
  if (text.length > MAX_SELECTOR_TEXT) {
    throw new SelectorSyntaxError(text, MAX_SELECTOR_TEXT, `the selector has ${text.length} characters, more than the limit of ${MAX_SELECTOR_TEXT} (MAX_SELECTOR_TEXT)`);
  }
  return new ParsedSelector(new Parser(text, tokenize(text)).parseRoot());
}

/**
 * Like {@link parseSelector}, but returns the syntax error instead of throwing it, for validators
 * that collect every problem.
 */
export function tryParseSelector(
  text: string,
): { ok: true; selector: Selector } | { ok: false; error: SelectorSyntaxError } {
  try {
    return { ok: true, selector: parseSelector(text) };
  } catch (e) {
    if (e instanceof SelectorSyntaxError) {
      return { ok: false, error: e };
    }
    throw e;
  }
}

class ParsedSelector implements Selector {
  readonly usesGlobal: boolean;
  private readonly canonical: string;

  constructor(readonly root: SelectorNode) {
    this.canonical = printSelectorNode(root);
    this.usesGlobal = nodeUsesGlobal(root);
  }

  matches(labels: Labels): boolean {
    return evaluateSelectorNode(this.root, labels);
  }

  toString(): string {
    return this.canonical;
  }
}

const ALL: SelectorNode = Object.freeze({ kind: "all" });
const GLOBAL: SelectorNode = Object.freeze({ kind: "global" });

const VALUE_OPS: Partial<Record<TokenKind, LabelValueNode["kind"]>> = {
  eq: "eq",
  ne: "neq",
  contains: "contains",
  startsWith: "startsWith",
  endsWith: "endsWith",
};

const OPERATOR_TEXT: Partial<Record<TokenKind, string>> = {
  eq: "==",
  ne: "!=",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
  in: "in",
  notIn: "not in",
};

class Parser {
  private next = 0;
  /** Open parentheses around the current token: recursion is bounded by MAX_SELECTOR_DEPTH. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseRoot(): SelectorNode {
    if (this.peek().kind === "eof") {
      return ALL;
    }
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== "eof") {
      this.fail(rest, `unexpected ${describe(rest)} after a complete expression (join expressions with && or ||)`);
    }
    return node;
  }

  private parseOr(): SelectorNode {
    const operands = [this.parseAnd()];
    while (this.peek().kind === "or") {
      this.next++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : Object.freeze({ kind: "or", operands: Object.freeze(operands) });
  }

  private parseAnd(): SelectorNode {
    const operands = [this.parseOperation()];
    while (this.peek().kind === "and") {
      this.next++;
      operands.push(this.parseOperation());
    }
    return operands.length === 1 ? operands[0] : Object.freeze({ kind: "and", operands: Object.freeze(operands) });
  }

  private parseOperation(): SelectorNode {
    // Calico keeps only the parity of leading "!"s: "!!x" is x, not a double negation.
    let negated = false;
    while (this.peek().kind === "not") {
      negated = !negated;
      this.next++;
    }
    const node = this.parseOperand();
    return negated ? Object.freeze({ kind: "not", operand: node }) : node;
  }

  private parseOperand(): SelectorNode {
    const tok = this.take();
    switch (tok.kind) {
      case "has":
        return Object.freeze({ kind: "has", label: tok.value });
      case "all":
        return ALL;
      case "global":
        return GLOBAL;
      case "label":
        return this.parseLabelOperation(tok);
      case "lparen": {
        if (++this.depth > MAX_SELECTOR_DEPTH) {
          this.fail(tok, `parentheses nest deeper than the limit of ${MAX_SELECTOR_DEPTH} levels (MAX_SELECTOR_DEPTH); flatten the expression`);
        }
        const inner = this.parseOr();
        this.depth--;
        const close = this.take();
        if (close.kind !== "rparen") {
          this.fail(close, `expected ) to close the ( at position ${tok.start}, found ${describe(close)}`);
        }
        return inner;
      }
      case "eof":
        return this.fail(tok, "unexpected end of selector: expected a label, has(), all(), global(), ! or (");
      case "string":
        return this.fail(
          tok,
          `a string literal cannot start an expression; the label goes on the left (label == ${JSON.stringify(tok.value)})`,
        );
      default:
        return this.fail(tok, `unexpected ${describe(tok)}: expected a label, has(), all(), global(), ! or (`);
    }
  }

  private parseLabelOperation(label: Token): SelectorNode {
    const op = this.take();
    const valueKind = VALUE_OPS[op.kind];
    if (valueKind !== undefined) {
      const literal = this.take();
      if (literal.kind !== "string") {
        const hint = literal.kind === "label" ? ` (found label ${literal.value}; quote it: "${literal.value}")` : `, found ${describe(literal)}`;
        this.fail(literal, `expected a string literal after ${OPERATOR_TEXT[op.kind]}${hint}`);
      }
      return Object.freeze({ kind: valueKind, label: label.value, value: literal.value });
    }
    if (op.kind === "in" || op.kind === "notIn") {
      return this.parseSet(label, op);
    }
    if (op.kind === "eof") {
      return this.fail(op, `expected an operator after label "${label.value}", found the end of the selector (a bare label is not a selector; did you mean has(${label.value})?)`);
    }
    return this.fail(op, `expected an operator after label "${label.value}", found ${describe(op)}`);
  }

  private parseSet(label: Token, op: Token): SelectorNode {
    const open = this.take();
    if (open.kind !== "lbrace") {
      this.fail(open, `expected a set literal {...} after ${OPERATOR_TEXT[op.kind]}, found ${describe(open)}`);
    }
    const values: string[] = [];
    let afterValue = false;
    for (;;) {
      const tok = this.peek();
      if (tok.kind !== "string") {
        break;
      }
      values.push(tok.value);
      this.next++;
      afterValue = true;
      if (this.peek().kind !== "comma") {
        break;
      }
      this.next++;
      afterValue = false;
    }
    const close = this.take();
    if (close.kind !== "rbrace") {
      const expected = afterValue ? "a comma or }" : "a string literal or }";
      this.fail(close, `expected ${expected} in the set after ${OPERATOR_TEXT[op.kind]}, found ${describe(close)}`);
    }
    const kind: LabelSetNode["kind"] = op.kind === "in" ? "in" : "notIn";
    return Object.freeze({ kind, label: label.value, values: Object.freeze(canonicalSet(values)) });
  }

  private peek(): Token {
    return this.tokens[this.next];
  }

  /** The current token, advancing unless it is the final eof (so reads past the end stay on eof). */
  private take(): Token {
    const tok = this.tokens[this.next];
    if (tok.kind !== "eof") {
      this.next++;
    }
    return tok;
  }

  private fail(at: Token, reason: string): never {
    throw new SelectorSyntaxError(this.text, at.start, reason);
  }
}

const TOKEN_TEXT: Partial<Record<TokenKind, string>> = {
  lbrace: "{",
  rbrace: "}",
  comma: ",",
  eq: "==",
  ne: "!=",
  in: "in",
  not: "!",
  notIn: "not in",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
  all: "all()",
  global: "global()",
  lparen: "(",
  rparen: ")",
  and: "&&",
  or: "||",
};

function describe(tok: Token): string {
  switch (tok.kind) {
    case "eof":
      return "the end of the selector";
    case "label":
      return `label ${tok.value}`;
    case "string":
      return `string ${JSON.stringify(tok.value)}`;
    case "has":
      return `has(${tok.value})`;
    default:
      return TOKEN_TEXT[tok.kind] ?? tok.kind;
  }
}
