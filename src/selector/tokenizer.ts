/**
 * Lexer for the Calico selector language, a port of the behaviour of
 * `libcalico-go/lib/selector/tokenizer/tokenizer.go` (v3.32): the same tokens, the same word-boundary
 * rules and the same inputs rejected. Only the error messages are ours (with positions).
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors
 */

/** Calico's limit on a label key inside a selector (`MaxLabelLength`). */
export const MAX_LABEL_LENGTH = 512;

/** The kinds of token the Calico tokenizer produces. */
export type TokenKind =
  | "label"
  | "string"
  | "lbrace"
  | "rbrace"
  | "comma"
  | "eq"
  | "ne"
  | "in"
  | "not"
  | "notIn"
  | "contains"
  | "startsWith"
  | "endsWith"
  | "all"
  | "has"
  | "lparen"
  | "rparen"
  | "and"
  | "or"
  | "global"
  | "eof";

/** One token with its place in the selector text, so the parser can point at it. */
export interface Token {
  readonly kind: TokenKind;
  /** Label name for `label` and `has`, the unquoted text for `string`, empty otherwise. */
  readonly value: string;
  /** 0-based offset of the token's first character; the text length for `eof`. */
  readonly start: number;
}

/**
 * A selector that Calico would reject. `position` is the 0-based character offset of the problem and
 * the message shows it under a caret, so a user can find it in a long selector.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
export class SelectorSyntaxError extends Error {
  /** Stable code for findings and CLI output. */
  readonly code = "SELECTOR_SYNTAX" as const;
  /** The selector text as given. */
  readonly selector: string;
  /** 0-based character offset of the problem (the text length when the selector ends too early). */
  readonly position: number;
  /** The problem on one line, without the position or the excerpt. */
  readonly reason: string;

  constructor(selector: string, position: number, reason: string) {
    super(`invalid selector at position ${position}: ${reason}\n${caretExcerpt(selector, position)}`);
    this.name = "SelectorSyntaxError";
    this.selector = selector;
    this.position = position;
    this.reason = reason;
  }
}

/**
 * Splits a selector into tokens, always ending with an `eof` token.
 *
 * @throws SelectorSyntaxError on input Calico's tokenizer rejects.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let pos = 0;
  const push = (kind: TokenKind, start: number, value = ""): void => {
    tokens.push({ kind, value, start });
  };
  const fail = (at: number, reason: string): never => {
    throw new SelectorSyntaxError(text, at, reason);
  };

  for (;;) {
    pos = skipWhitespace(text, pos);
    if (pos >= n) {
      push("eof", n);
      return tokens;
    }
    const lastKind = tokens.length > 0 ? tokens[tokens.length - 1].kind : undefined;
    const c = text[pos];
    switch (c) {
      case "(":
        push("lparen", pos++);
        break;
      case ")":
        push("rparen", pos++);
        break;
      case "{":
        push("lbrace", pos++);
        break;
      case "}":
        push("rbrace", pos++);
        break;
      case ",":
        push("comma", pos++);
        break;
      case '"':
      case "'": {
        // No escapes: the string simply runs to the next quote of the same kind.
        const close = text.indexOf(c, pos + 1);
        if (close < 0) {
          fail(pos, `unterminated string: the ${c} that opens it is never closed`);
        }
        push("string", pos, text.slice(pos + 1, close));
        pos = close + 1;
        break;
      }
      case "=":
        if (text[pos + 1] !== "=") {
          fail(pos, "expected == (a single = is not an operator)");
        }
        push("eq", pos);
        pos += 2;
        break;
      case "!":
        if (text[pos + 1] === "=") {
          push("ne", pos);
          pos += 2;
        } else {
          push("not", pos++);
        }
        break;
      case "&":
        if (text[pos + 1] !== "&") {
          fail(pos, "expected && (a single & is not an operator)");
        }
        push("and", pos);
        pos += 2;
        break;
      case "|":
        if (text[pos + 1] !== "|") {
          fail(pos, "expected || (a single | is not an operator)");
        }
        push("or", pos);
        pos += 2;
        break;
      default:
        pos = lastKind === "label" ? readOperatorWord(text, pos, tokens, fail) : readWordOrFunction(text, pos, push, fail);
    }
  }
}

/**
 * Calico's `ValidLabel`: true when the whole string is one label key a selector can name
 * (characters `a-z A-Z 0-9 _ . / -`, 1 to 512 of them).
 */
export function isValidLabel(label: string): boolean {
  return label.length >= 1 && label.length <= MAX_LABEL_LENGTH && scanLabel(label, 0) === label.length;
}

type Fail = (at: number, reason: string) => never;

/** Right after a label only an operator word may follow (symbols were handled by the caller). */
function readOperatorWord(text: string, pos: number, tokens: Token[], fail: Fail): number {
  const label = tokens[tokens.length - 1].value;
  let end = cutWord(text, pos, "contains");
  if (end >= 0) {
    tokens.push({ kind: "contains", value: "", start: pos });
    return end;
  }
  // Calico checks the word boundary only after the last word, and after skipping the whitespace that
  // follows it: `startswith`, `starts  with` and `notin` are operators, `a starts with b` is not.
  const multi: ReadonlyArray<readonly [TokenKind, readonly string[], string]> = [
    ["startsWith", ["starts", "with"], "a string literal"],
    ["endsWith", ["ends", "with"], "a string literal"],
    ["notIn", ["not", "in"], "a set literal {...}"],
  ];
  for (const [kind, words, operand] of multi) {
    const m = cutWords(text, pos, words);
    if (m.end >= 0) {
      tokens.push({ kind, value: "", start: pos });
      return m.end;
    }
    if (m.afterWhitespace >= 0) {
      fail(m.afterWhitespace, `expected ${operand} after ${words.join(" ")}`);
    }
  }
  end = cutWord(text, pos, "in");
  if (end >= 0) {
    tokens.push({ kind: "in", value: "", start: pos });
    return end;
  }
  return fail(pos, `expected an operator after label "${label}" (==, !=, in, not in, contains, starts with, ends with)`);
}

/** Not after a label: `has(label)`, `all()`, `global()` or a label. */
function readWordOrFunction(
  text: string,
  pos: number,
  push: (kind: TokenKind, start: number, value?: string) => void,
  fail: Fail,
): number {
  // Calico matches the function name and its "(" together, so `has (a)` is the label "has".
  if (text.startsWith("has(", pos)) {
    let p = skipWhitespace(text, pos + 4);
    const end = cutLabel(text, p, fail, "expected a label name inside has(...)");
    const label = text.slice(p, end);
    p = skipWhitespace(text, end);
    if (text[p] !== ")") {
      fail(p, `expected ) to close has(${label}`);
    }
    push("has", pos, label);
    return p + 1;
  }
  for (const [name, kind] of [["all", "all"], ["global", "global"]] as const) {
    if (text.startsWith(name + "(", pos)) {
      const p = skipWhitespace(text, pos + name.length + 1);
      if (text[p] !== ")") {
        fail(p, `expected ) to close ${name}( (${name}() takes no arguments)`);
      }
      push(kind, pos);
      return p + 1;
    }
  }
  const end = cutLabel(text, pos, fail, describeUnexpected(text, pos));
  push("label", pos, text.slice(pos, end));
  return end;
}

/** End of the label starting at `pos`, enforcing Calico's 1..512 length. */
function cutLabel(text: string, pos: number, fail: Fail, ifEmpty: string): number {
  const end = scanLabel(text, pos);
  if (end === pos) {
    fail(pos, ifEmpty);
  }
  if (end - pos > MAX_LABEL_LENGTH) {
    fail(pos, `label too long: ${end - pos} characters, the limit is ${MAX_LABEL_LENGTH}`);
  }
  return end;
}

function describeUnexpected(text: string, pos: number): string {
  const c = text[pos];
  if (c === "\n" || c === "\r") {
    return "unexpected line break: a selector is one line, only spaces and tabs may separate its parts";
  }
  const ch = String.fromCodePoint(text.codePointAt(pos) ?? 0);
  return `unexpected character ${JSON.stringify(ch)} (label names use a-z A-Z 0-9 _ . / -)`;
}

/** `word` at `pos` followed by a word boundary: the end offset, or -1. */
function cutWord(text: string, pos: number, word: string): number {
  if (!text.startsWith(word, pos)) {
    return -1;
  }
  const end = pos + word.length;
  return isWordBoundary(text, end) ? end : -1;
}

/**
 * The words in order, any spaces between them (none included), then a word boundary.
 * `afterWhitespace` reports where the boundary check failed when the words themselves matched and
 * whitespace followed them, i.e. the operator was right but its operand was not quoted.
 */
function cutWords(text: string, pos: number, words: readonly string[]): { end: number; afterWhitespace: number } {
  let p = pos;
  let wordEnd = pos;
  for (const word of words) {
    if (!text.startsWith(word, p)) {
      return { end: -1, afterWhitespace: -1 };
    }
    wordEnd = p + word.length;
    p = skipWhitespace(text, wordEnd);
  }
  if (isWordBoundary(text, p)) {
    return { end: p, afterWhitespace: -1 };
  }
  return { end: -1, afterWhitespace: p > wordEnd ? p : -1 };
}

function isWordBoundary(text: string, pos: number): boolean {
  return pos >= text.length || !isLabelChar(text.charCodeAt(pos));
}

function scanLabel(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && isLabelChar(text.charCodeAt(p))) {
    p++;
  }
  return p;
}

function isLabelChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x5f || // _
    c === 0x2e || // .
    c === 0x2f || // /
    c === 0x2d // -
  );
}

/** Calico's whitespace is space and tab only; a line break is an error, not a separator. */
function skipWhitespace(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && (text[p] === " " || text[p] === "\t")) {
    p++;
  }
  return p;
}

const EXCERPT_WIDTH = 72;

/** Two lines: the selector (windowed around the problem when long) and a caret under the position. */
function caretExcerpt(selector: string, position: number): string {
  let start = 0;
  let end = selector.length;
  if (selector.length > EXCERPT_WIDTH) {
    start = Math.max(0, Math.min(position - EXCERPT_WIDTH / 2, selector.length - EXCERPT_WIDTH));
    end = Math.min(selector.length, start + EXCERPT_WIDTH);
  }
  const head = start > 0 ? "…" : "";
  const tail = end < selector.length ? "…" : "";
  // One visible character per source character keeps the caret aligned.
  const shown = selector.slice(start, end).replace(/[\t\n\r]/g, (ch) => (ch === "\t" ? " " : "↵"));
  return `  ${head}${shown}${tail}\n  ${" ".repeat(head.length + position - start)}^`;
}
