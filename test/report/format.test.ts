import fc from "fast-check";
import { compareFindings, formatCount, textBar, formatFraction, formatGoG, formatGoPercent, htmlText, mdCode, mdText } from "../../src/report/format";
import { asciiTable } from "../../src/report/table";

describe("Go %.5g, as calicoctl prints counts", () => {
  // Expected values are Go's fmt.Sprintf("%.5g", float64(n)).
  test.each([
    [0n, "0"],
    [1n, "1"],
    [4n, "4"],
    [64n, "64"],
    [256n, "256"],
    [4096n, "4096"],
    [12345n, "12345"],
    [65536n, "65536"],
    [99999n, "99999"],
    [100000n, "1e+05"],
    [100001n, "1e+05"],
    [123456n, "1.2346e+05"],
    [100005n, "1e+05"], // exact tie, 0 is even: down
    [100015n, "1.0002e+05"], // exact tie, 1 is odd: up
    [100025n, "1.0002e+05"],
    [100026n, "1.0003e+05"],
    [262144n, "2.6214e+05"],
    [999995n, "1e+06"], // rounds up to one more digit
    [1048576n, "1.0486e+06"],
    [16777216n, "1.6777e+07"],
    [4294967296n, "4.295e+09"],
    [2n ** 64n, "1.8447e+19"],
    [2n ** 64n - 206n, "1.8447e+19"],
    [2n ** 80n, "1.2089e+24"],
    [2n ** 128n, "3.4028e+38"],
    [10n ** 100n, "1e+100"],
    [-1048576n, "-1.0486e+06"],
  ])("%s → %s", (n, text) => {
    expect(formatGoG(n)).toBe(text);
  });

  test("accepts numbers and decimal strings, and rejects anything else", () => {
    expect(formatGoG(1048576)).toBe("1.0486e+06");
    expect(formatGoG("18446744073709551616")).toBe("1.8447e+19");
    expect(() => formatGoG("1e6")).toThrow(/decimal integer/);
    expect(() => formatGoG(1.5)).toThrow(/whole number/);
  });

  test("other precisions follow the same rules", () => {
    expect(formatGoG(1048576n, 3)).toBe("1.05e+06");
    expect(formatGoG(120n, 3)).toBe("120");
    expect(formatGoG(1000n, 3)).toBe("1e+03");
  });
});

describe("Go %.f of a percentage", () => {
  test.each([
    [0n, 256n, "0"],
    [6n, 256n, "2"],
    [1n, 8n, "12"], // 12.5 ties to even
    [3n, 8n, "38"], // 37.5 ties to even
    [5n, 64n, "8"],
    [59n, 64n, "92"],
    [64n, 64n, "100"],
    [206n, 2n ** 64n, "0"],
    [2n ** 64n - 206n, 2n ** 64n, "100"],
    [0n, 0n, "NaN"],
  ])("100 × %s / %s → %s", (part, whole, text) => {
    expect(formatGoPercent(part, whole)).toBe(text);
  });
});

describe("counts and fractions for people", () => {
  test.each([
    [0, "0"],
    [999, "999"],
    [65536, "65,536"],
    ["123456789012345", "123,456,789,012,345"],
    ["999999999999999", "999,999,999,999,999"],
    ["288230376151711744", "2^58"],
    ["18446744073709551616", "2^64"],
    [(2n ** 64n - 340n).toString(), "2^64 - 340"],
    [(2n ** 64n + 12n).toString(), "2^64 + 12"],
    [(2n ** 64n - 1n).toString(), "2^64 - 1"],
    [(3n * 2n ** 64n).toString(), "3 × 2^64"],
    [(2n ** 63n + 2n ** 62n + 12345678n).toString(), "13,835,058,055,294,509,390"],
    [-1024, "-1,024"],
    [(-(2n ** 64n)).toString(), "-2^64"],
  ])("count %s → %s", (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  test("a count as a number or as digits (read without a bigint below 10^15) reads as the same count as a bigint", () => {
    const count = fc.oneof(fc.integer({ min: -1e15 + 1, max: 1e15 - 1 }), fc.integer({ min: -2000, max: 2000 }), fc.constantFrom(0, -0, 999, 1000, 999_999_999_999_999, -999_999_999_999_999));
    fc.assert(
      fc.property(count, (n) => {
        expect(formatCount(n)).toBe(formatCount(BigInt(n)));
        if (n >= 0) expect(formatCount(String(n))).toBe(formatCount(BigInt(n)));
      }),
      { numRuns: 2000 },
    );
    // Text the short path leaves to the bigint path: leading zeros, signs, 16 digits and more.
    for (const text of ["007", "00", "-5", "1000000000000000", "9007199254740993", "+5"]) {
      if (/^-?[0-9]+$/.test(text)) expect(formatCount(text)).toBe(formatCount(BigInt(text)));
      else expect(() => formatCount(text)).toThrow(RangeError);
    }
    expect(() => formatCount(1.5)).toThrow(RangeError);
    expect(() => formatCount(2 ** 60)).toThrow(RangeError);
  });

  test("a large count is never printed in scientific notation, and its text gives back the exact value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n }), (n) => {
        const text = formatCount(n);
        expect(text).not.toMatch(/e\+/);
        expect(readCount(text)).toBe(n);
      }),
    );
  });

  test.each([
    [0, "░░░░░░░░░░"],
    [1e-9, "▏░░░░░░░░░"],
    [0.25, "██▌░░░░░░░"],
    [0.5, "█████░░░░░"],
    [1, "██████████"],
    [1.7, "██████████"],
  ])("a text bar of %s", (fraction, bar) => {
    expect(textBar(fraction)).toBe(bar);
    expect([...textBar(fraction, 4)].length).toBe(4);
  });

  test.each([
    [0, "0%"],
    [0.0001, "<0.1%"],
    [0.0234375, "2.3%"],
    [0.5, "50%"],
    [1, "100%"],
  ])("fraction %s → %s", (f, text) => {
    expect(formatFraction(f)).toBe(text);
  });
});

describe("Markdown escaping", () => {
  test("text: markup characters are backslash-escaped, so a cell cannot be split or turned into HTML", () => {
    expect(mdText("a | b")).toBe("a \\| b");
    expect(mdText("use `kubectl`")).toBe("use \\`kubectl\\`");
    expect(mdText("<details>*bold*_x_[link]~s~&amp;")).toBe("\\<details\\>\\*bold\\*\\_x\\_\\[link\\]\\~s\\~\\&amp;");
    expect(mdText("back\\slash")).toBe("back\\\\slash");
  });

  test("text: line breaks become <br> in cells and hard breaks elsewhere", () => {
    expect(mdText("one\ntwo", { cell: true })).toBe("one<br>two");
    expect(mdText("one\ntwo")).toBe("one  \n  two");
  });

  test("code spans: pipes escaped in cells only, fences longer than any backtick run", () => {
    expect(mdCode("rack == 'a' || rack == 'b'", { cell: true })).toBe("`rack == 'a' \\|\\| rack == 'b'`");
    expect(mdCode("a|b")).toBe("`a|b`");
    expect(mdCode("has(`x`)")).toBe("``has(`x`)``");
    expect(mdCode("`x")).toBe("`` `x ``");
    expect(mdCode("a``b")).toBe("```a``b```");
    expect(mdCode("")).toBe("` `");
  });

  test("HTML text: entities", () => {
    expect(htmlText(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  });
});

describe("ASCII table like calicoctl's tablewriter", () => {
  test("rules, centred headers, plain decimals right-aligned and everything else left-aligned", () => {
    const text = asciiTable(
      ["GROUPING", "CIDR", "IPS TOTAL", "IPS IN USE", "IPS FREE"],
      [
        ["IP Pool", "192.168.0.0/16", "65536", "5 (0%)", "65531 (100%)"],
        ["Block", "192.168.120.64/26", "64", "5 (8%)", "59 (92%)"],
        ["IP Pool", "10.0.0.0/12", "1.0486e+06", "0 (0%)", "1.0486e+06 (100%)"],
      ],
    );
    expect(text).toBe(
      [
        "+----------+-------------------+------------+------------+-------------------+",
        "| GROUPING |       CIDR        | IPS TOTAL  | IPS IN USE |     IPS FREE      |",
        "+----------+-------------------+------------+------------+-------------------+",
        "| IP Pool  | 192.168.0.0/16    |      65536 | 5 (0%)     | 65531 (100%)      |",
        "| Block    | 192.168.120.64/26 |         64 | 5 (8%)     | 59 (92%)          |",
        "| IP Pool  | 10.0.0.0/12       | 1.0486e+06 | 0 (0%)     | 1.0486e+06 (100%) |",
        "+----------+-------------------+------------+------------+-------------------+",
        "",
      ].join("\n"),
    );
  });
});

describe("ASCII table widths", () => {
  test("a character outside the BMP (a surrogate pair) counts once; a lone surrogate counts once", () => {
    expect(asciiTable(["A"], [["\u{1F642}x"], ["abc"], ["\ud800"]]).split("\n")).toEqual(["+-----+", "|  A  |", "+-----+", "| \u{1F642}x  |", "| abc |", "| \ud800   |", "+-----+", ""]);
  });

  test("more rows than a function call takes arguments", () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i)]);
    const lines = asciiTable(["N"], rows).split("\n");
    expect(lines).toHaveLength(300_000 + 5);
    expect(lines[3]).toBe("|      0 |");
    expect(lines[300_002]).toBe("| 299999 |");
  });
});

describe("finding order", () => {
  test("severity, then subject, code, path and message, by code unit", () => {
    const f = (severity: string, subject: string, code = "C", path = "p", message = "m") => ({ severity, subject, code, path, message });
    const sorted = [f("warning", "a"), f("error", "b"), f("error", "a", "Z"), f("error", "a", "B"), f("error", "a", "B", "o")].sort(compareFindings);
    expect(sorted).toEqual([f("error", "a", "B", "o"), f("error", "a", "B"), f("error", "a", "Z"), f("error", "b"), f("warning", "a")]);
  });
});

/** Reads back the forms formatCount writes: `1,024`, `2^64`, `2^64 - 340`, `2^64 + 12`, `3 × 2^64`. */
function readCount(text: string): bigint {
  const plain = (t: string) => BigInt(t.replace(/,/g, ""));
  const pow = (t: string) => 2n ** BigInt(t.slice(2));
  let m = /^(2\^\d+) ([-+]) ([\d,]+)$/.exec(text);
  if (m) return m[2] === "-" ? pow(m[1]) - plain(m[3]) : pow(m[1]) + plain(m[3]);
  m = /^([\d,]+) × (2\^\d+)$/.exec(text);
  if (m) return plain(m[1]) * pow(m[2]);
  if (/^2\^\d+$/.test(text)) return pow(text);
  return plain(text);
}
