import { SelectorSyntaxError, parseSelector, tryParseSelector } from "../../src/selector";

/** Parses `text`, expecting a syntax error, and returns it. */
function syntaxError(text: string): SelectorSyntaxError {
  const result = tryParseSelector(text);
  if (result.ok) {
    throw new Error(`expected ${JSON.stringify(text)} to be rejected, got ${result.selector.toString()}`);
  }
  return result.error;
}

const LONG = "a".repeat(513);

// selector, 0-based position of the problem, what the user reads.
const badSelectors: ReadonlyArray<readonly [string, number, string]> = [
  // Calico's `badSelectors` (parser_test.go), in its order.
  ["b == b", 5, `expected a string literal after == (found label b; quote it: "b")`],
  ["b contains b", 11, "expected a string literal after contains"],
  ["b starts with b", 14, "expected a string literal after starts with"],
  ["b ends with b", 12, "expected a string literal after ends with"],
  ["'b1' == b", 0, "a string literal cannot start an expression; the label goes on the left"],
  ["b", 1, `expected an operator after label "b", found the end of the selector (a bare label is not a selector; did you mean has(b)?)`],
  ["a b", 2, `expected an operator after label "a" (==, !=, in, not in, contains, starts with, ends with)`],
  ["!", 1, "unexpected end of selector"],
  [`foo == "bar" &`, 13, "expected && (a single & is not an operator)"],
  [`foo == "bar" |`, 13, "expected || (a single | is not an operator)"],
  [`foo != ||`, 7, "expected a string literal after !=, found ||"],
  [`foo in {"", ||`, 12, "expected a string literal or } in the set after in, found ||"],
  [`foo in ""`, 7, `expected a set literal {...} after in, found string ""`],
  [`"FOO`, 0, `unterminated string: the " that opens it is never closed`],
  [`"FOO'`, 0, "unterminated string"],
  [`'FOO`, 0, `unterminated string: the ' that opens it is never closed`],
  [`(`, 1, "unexpected end of selector"],
  [`(a == "foo"`, 11, "expected ) to close the ( at position 0, found the end of the selector"],
  [`)`, 0, "unexpected ): expected a label, has(), all(), global(), ! or ("],
  [`()`, 1, "unexpected )"],
  [`%`, 0, `unexpected character "%"`],
  [`a == "b" && %`, 12, `unexpected character "%"`],
  [`a == "b" || %`, 12, `unexpected character "%"`],
  [`a `, 2, `expected an operator after label "a"`],
  [`has(foo) &&`, 11, "unexpected end of selector"],

  // The inputs Calico's tokenizer_test.go expects to fail.
  [LONG + ` == "value"`, 0, "label too long: 513 characters, the limit is 512"],
  [`label == "value`, 9, "unterminated string"],
  [`label == 'value`, 9, "unterminated string"],
  [`label = "value"`, 6, "expected == (a single = is not an operator)"],
  [`all(`, 4, "expected ) to close all("],
  [`global(`, 7, "expected ) to close global("],
  [`has()`, 4, "expected a label name inside has(...)"],
  [`has(foo`, 7, "expected ) to close has(foo"],
  [`has( foo `, 9, "expected ) to close has(foo"],
  [`a == "b" & has(foo)`, 9, "expected &&"],
  [`a == "b" | has(foo)`, 9, "expected ||"],
  [`label starts foo "value"`, 6, `expected an operator after label "label"`],
  [`label inf "value"`, 6, `expected an operator after label "label"`],
  [`label ends foo "value"`, 6, `expected an operator after label "label"`],
  [`label ends withs "value"`, 6, `expected an operator after label "label"`],
  [`label squiggles "value"`, 6, `expected an operator after label "label"`],

  // Ours: line breaks, word boundaries, sets, and structure.
  ['a == "b"\n', 8, "unexpected line break: a selector is one line"],
  ['a == "b" &&\nhas(c)', 11, "unexpected line break"],
  ['a == "b" &&\r\nhas(c)', 11, "unexpected line break"],
  ["rack == blue", 8, "expected a string literal after =="],
  [`a inx {"b"}`, 2, `expected an operator after label "a"`],
  [`a containsx "b"`, 2, `expected an operator after label "a"`],
  [`a startswithx "b"`, 2, `expected an operator after label "a"`],
  [`a startswith b`, 13, "expected a string literal after starts with"],
  [`a not in x`, 9, "expected a set literal {...} after not in"],
  [`a in x`, 5, "expected a set literal {...} after in, found label x"],
  [`a in "x"`, 5, `expected a set literal {...} after in, found string "x"`],
  [`a nothing {"x"}`, 2, `expected an operator after label "a"`],
  [`a in {"a" "b"}`, 10, `expected a comma or } in the set after in, found string "b"`],
  [`a in {,}`, 6, "expected a string literal or } in the set after in, found ,"],
  [`a in {"a",,}`, 10, "expected a string literal or } in the set after in, found ,"],
  [`a in {a}`, 6, "expected a string literal or } in the set after in, found label a"],
  [`a in {`, 6, "found the end of the selector"],
  [`a not in {"x"`, 13, "expected a comma or } in the set after not in, found the end of the selector"],
  [`a ==`, 4, "expected a string literal after ==, found the end of the selector"],
  [`a starts with`, 13, "expected a string literal after starts with, found the end of the selector"],
  [`a == == "b"`, 5, "expected a string literal after ==, found =="],
  [`a "b"`, 2, `expected an operator after label "a", found string "b"`],
  [`a (b)`, 2, `expected an operator after label "a", found (`],
  [`a && b`, 2, `expected an operator after label "a", found &&`],
  [`a !has(b)`, 2, `expected an operator after label "a", found !`],
  [`a ! = "b"`, 4, "expected =="],
  [`a == "x" && "y" == a`, 12, "a string literal cannot start an expression"],
  [`a == "b" has(c)`, 9, "unexpected has(c) after a complete expression (join expressions with && or ||)"],
  [`a == "b")`, 8, "unexpected ) after a complete expression"],
  [`a == "b" && (c == "d"`, 21, "expected ) to close the ( at position 12"],
  [`(a == "b" || c == "d"))`, 22, "unexpected ) after a complete expression"],
  [`&& a == "b"`, 0, "unexpected &&"],
  [`|| a == "b"`, 0, "unexpected ||"],
  [`{"a"}`, 0, "unexpected {"],
  [`x in {"a"} ||`, 13, "unexpected end of selector"],
  [`all(x)`, 4, "expected ) to close all( (all() takes no arguments)"],
  [`global(all())`, 7, "expected ) to close global("],
  [`has(a b)`, 6, "expected ) to close has(a"],
  [`has(%)`, 4, "expected a label name inside has(...)"],
  [`has("a")`, 4, "expected a label name inside has(...)"],
  [`has(${LONG})`, 4, "label too long: 513 characters"],
  [`a == "x" || ${LONG} == "y"`, 12, "label too long"],
  [`ключ == "x"`, 0, `unexpected character "к"`],
  [`a == "x" && 😀 == "y"`, 12, `unexpected character "😀"`],
  [`a = = "b"`, 2, "expected =="],
  [`a === "b"`, 4, "expected =="],
  [`a => "b"`, 2, "expected =="],
  [`a in {"x"} || !`, 15, "unexpected end of selector"],
];

describe("selectors Calico rejects", () => {
  test.each(badSelectors)("%j is rejected at position %i: %s", (text, position, fragment) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.message).toContain(`invalid selector at position ${position}: `);
    expect(error.message).toContain(fragment);
    expect(error.reason).toContain(fragment);
  });

  test.each(badSelectors)("the caret for %j sits under the problem", (text, position) => {
    const [, excerpt, caret] = syntaxError(text).message.split("\n");
    const column = caret.indexOf("^");
    expect(caret.trimEnd()).toMatch(/^ +\^$/);
    // The excerpt shows tabs as spaces and line breaks as ↵, one column per character.
    const visible = text.replace(/\t/g, " ").replace(/[\n\r]/g, "↵");
    if (position === text.length) {
      expect(column).toBe(excerpt.replace(/…$/, "").length);
    } else {
      expect(excerpt[column]).toBe(visible[position]);
    }
  });
});

describe("SelectorSyntaxError", () => {
  test("reads like the example in the brief: position, reason, the selector and a caret", () => {
    const error = syntaxError("rack == blue");
    expect(error.message).toBe(
      'invalid selector at position 8: expected a string literal after == (found label blue; quote it: "blue")\n' +
        "  rack == blue\n" +
        "          ^",
    );
  });

  test("carries a stable code, the selector and the position", () => {
    const error = syntaxError("zone in {'a'");
    expect(error).toBeInstanceOf(SelectorSyntaxError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SelectorSyntaxError");
    expect(error.code).toBe("SELECTOR_SYNTAX");
    expect(error.selector).toBe("zone in {'a'");
    expect(error.position).toBe(12);
  });

  test("parseSelector throws it", () => {
    expect(() => parseSelector("rack = 'r1'")).toThrow(SelectorSyntaxError);
    expect(() => parseSelector("rack = 'r1'")).toThrow(/expected == \(a single = is not an operator\)/);
  });

  test("a long selector is shown as a window around the problem", () => {
    const text = `${"k == 'v' && ".repeat(60)}k == v${" && k == 'v'".repeat(30)}`;
    const error = syntaxError(text);
    const [, excerpt, caret] = error.message.split("\n");
    expect(excerpt.startsWith("  …")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
    expect(excerpt.length).toBeLessThan(80);
    expect(excerpt[caret.indexOf("^")]).toBe("v");
    expect(error.position).toBe(60 * 12 + 5);
  });

  test("a non-string selector is a type error, not a syntax error", () => {
    expect(() => parseSelector(42 as unknown as string)).toThrow(TypeError);
  });
});
