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
  // (Widths by a loop, not `Math.max(...rows)`: a table may have more rows than a call takes arguments.)
  const widths = header.map((h, i) => {
    let w = width(h);
    for (const r of rows) w = Math.max(w, width(r[i] ?? ""));
    return w;
  });
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+\n`;
  const headLine = `|${header.map((h, i) => ` ${center(h.toUpperCase(), widths[i])} `).join("|")}|\n`;
  const body = rows.map((r) => `|${widths.map((w, i) => ` ${align(r[i] ?? "", w)} `).join("|")}|\n`).join("");
  return rule + headLine + rule + body + rule;
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

function align(text: string, w: number): string {
  const gap = Math.max(0, w - width(text));
  return DECIMAL.test(text.trim()) ? " ".repeat(gap) + text : text + " ".repeat(gap);
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
