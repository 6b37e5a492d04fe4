/**
 * ASCII tables as calicoctl v3.32 prints them (olekukonko/tablewriter v0.0.5 with its defaults):
 * `+---+` rules above and below the header and at the bottom, `|` separators with one space of padding,
 * headers centred (extra space on the right), and cells aligned by content: a plain decimal number
 * (`65536`, `1,024`, `12.5`) right-aligned, anything else (`1.0486e+06`, `5 (8%)`) left-aligned.
 *
 * Cells are single-line; tablewriter's wrapping at 30 characters only breaks at spaces, and the
 * cells calicoctl prints (CIDRs, counts) have none, so it never applies to them.
 */

const DECIMAL = /^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$/;
const SURROGATE = /[\ud800-\udfff]/;

/** Renders a table; every line ends with `\n`. */
export function asciiTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const n = header.length;
  // (Each cell's width and alignment are found once, and once per column for a run of the same text: a
  // report's block rows repeat their count cells. Loops, not `Math.max(...rows)`: a table may have more
  // rows than a call takes arguments.)
  const widths = header.map(width);
  const cellWidths = new Int32Array(rows.length * n);
  const right = new Uint8Array(rows.length * n);
  const lastText: (string | undefined)[] = new Array<string | undefined>(n).fill(undefined);
  const lastWidth = new Int32Array(n);
  const lastRight = new Uint8Array(n);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let i = 0; i < n; i++) {
      const text = row[i] ?? "";
      if (text !== lastText[i]) {
        lastText[i] = text;
        lastWidth[i] = width(text);
        lastRight[i] = DECIMAL.test(text.trim()) ? 1 : 0;
        if (lastWidth[i] > widths[i]) widths[i] = lastWidth[i];
      }
      cellWidths[r * n + i] = lastWidth[i];
      right[r * n + i] = lastRight[i];
    }
  }
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+\n`;
  const headLine = `|${header.map((h, i) => ` ${center(h.toUpperCase(), widths[i])} `).join("|")}|\n`;
  // (The lines joined once, not appended one by one: a string built by `+=` is a tree of pieces that is
  // copied flat again when first read.)
  const lines: string[] = new Array<string>(rows.length + 4);
  lines[0] = lines[2] = lines[rows.length + 3] = rule;
  lines[1] = headLine;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let line = "|";
    for (let i = 0; i < n; i++) {
      const text = row[i] ?? "";
      const gap = widths[i] - cellWidths[r * n + i];
      line += right[r * n + i] === 1 ? ` ${" ".repeat(gap)}${text} |` : ` ${text}${" ".repeat(gap)} |`;
    }
    lines[r + 3] = `${line}\n`;
  }
  return lines.join("");
}

/** A text's characters (code points): its length, unless it holds a surrogate (then counted one by one). */
function width(text: string): number {
  return SURROGATE.test(text) ? [...text].length : text.length;
}

function center(text: string, w: number): string {
  const gap = w - width(text);
  if (gap <= 0) return text;
  const left = Math.floor(gap / 2);
  return " ".repeat(left) + text + " ".repeat(gap - left);
}

/**
 * The lines of a plain text table (no newlines): rule, header as given, rule, rows, and a closing
 * rule when there are rows; the columns flagged in `rightAligned` are right-aligned in the rows.
 */
export function textTable(header: readonly string[], rightAligned: readonly boolean[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => {
    let w = h.length;
    for (const r of rows) w = Math.max(w, r[i].length);
    return w;
  });
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const line = (cells: readonly string[], isHeader: boolean) =>
    `| ${cells.map((c, i) => (rightAligned[i] && !isHeader ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const out = [rule, line(header, true), rule, ...rows.map((r) => line(r, false))];
  if (rows.length > 0) out.push(rule);
  return out;
}
