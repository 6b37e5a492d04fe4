import fc from "fast-check";
import { asciiTable } from "../../src/report/table";

/**
 * The table as the first version wrote it, cell by cell (each cell's width and alignment found anew):
 * `asciiTable` finds them once per run of the same text in a column and joins the lines once, and
 * must give the same text.
 */
function referenceTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const DECIMAL = /^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$/;
  const width = (text: string) => (/[\ud800-\udfff]/.test(text) ? [...text].length : text.length);
  const widths = header.map((h, i) => {
    let w = width(h);
    for (const r of rows) w = Math.max(w, width(r[i] ?? ""));
    return w;
  });
  const center = (text: string, w: number) => {
    const gap = w - width(text);
    if (gap <= 0) return text;
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  };
  const align = (text: string, w: number) => {
    const gap = Math.max(0, w - width(text));
    return DECIMAL.test(text.trim()) ? " ".repeat(gap) + text : text + " ".repeat(gap);
  };
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+\n`;
  const headLine = `|${header.map((h, i) => ` ${center(h.toUpperCase(), widths[i])} `).join("|")}|\n`;
  const body = rows.map((r) => `|${widths.map((w, i) => ` ${align(r[i] ?? "", w)} `).join("|")}|\n`).join("");
  return rule + headLine + rule + body + rule;
}

// Cells like a report's: numbers (plain, with thousands separators, decimals), counts with a share,
// CIDRs, words, text with surrogates, runs of the same cell, and rows shorter than the header.
const cell = fc.oneof(
  fc.constantFrom("64", "1,024", "65536", "12.5", "-3", " 7 ", "1.0486e+06", "5 (8%)", "Block", "IP Pool", "10.0.0.0/26", "", "\u{1F642}x", "\ud800", "1,00"),
  fc.integer({ min: -1e6, max: 1e9 }).map(String),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
);

describe("asciiTable", () => {
  test("gives the text of the cell-by-cell table, for any header and rows (repeated cells, short rows, surrogates)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.tuple(
            fc.array(fc.string({ maxLength: 8 }), { minLength: n, maxLength: n }),
            fc.array(fc.array(cell, { maxLength: n }), { maxLength: 12 }),
            fc.array(fc.nat(), { maxLength: 12 }),
          ),
        ),
        ([header, rows, repeats]) => {
          // Some rows repeated as they stand (the same string objects, as a report's block rows share theirs).
          const all = rows.flatMap((r, k) => Array.from({ length: 1 + ((repeats[k] ?? 0) % 3) }, () => r));
          expect(asciiTable(header, all)).toBe(referenceTable(header, all));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("an empty table is its rules and header", () => {
    expect(asciiTable(["A", "Bc"], [])).toBe("+---+----+\n| A | BC |\n+---+----+\n+---+----+\n");
  });
});
