/**
 * Number and text formatting shared by the renderers. Counts arrive as bigint, number or decimal
 * string and are formatted from their exact value: no float ever stands between a count and its text.
 */

/** A count as bigint, whatever form it arrives in (number, bigint or decimal string). */
export function toBigInt(value: bigint | number | string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`expected a whole number, got ${value}`);
    return BigInt(value);
  }
  if (!/^-?[0-9]+$/.test(value)) throw new RangeError(`expected a decimal integer, got "${value}"`);
  return BigInt(value);
}

/**
 * Go's `fmt.Sprintf("%.<precision>g", n)` for an integer, as calicoctl prints counts: at most
 * `precision` significant digits (ties to even), trailing zeros dropped, and the exponent form when
 * the exponent is at least the precision (65536 → `65536`, 1048576 → `1.0486e+06`, 100000 → `1e+05`).
 * Computed on the exact decimal digits, so IPv6 sizes (2^64 → `1.8447e+19`) round correctly.
 */
export function formatGoG(value: bigint | number | string, precision = 5): string {
  const n = toBigInt(value);
  if (!Number.isInteger(precision) || precision < 1) throw new RangeError(`precision must be a whole number of 1 or more, got ${precision}`);
  if (n === 0n) return "0";
  const sign = n < 0n ? "-" : "";
  const digits = (n < 0n ? -n : n).toString();
  let exp = digits.length - 1;
  let mantissa = digits;
  if (digits.length > precision) {
    let head = BigInt(digits.slice(0, precision));
    const first = digits.charCodeAt(precision) - 48;
    const rest = /[1-9]/.test(digits.slice(precision + 1));
    if (first > 5 || (first === 5 && (rest || (head & 1n) === 1n))) head += 1n;
    mantissa = head.toString();
    if (mantissa.length > precision) {
      // 99999|5 rounds up to 100000: one more digit before the point.
      exp += 1;
      mantissa = mantissa.slice(0, precision);
    }
  }
  mantissa = mantissa.replace(/0+$/, "");
  const nd = mantissa.length;
  const dp = exp + 1;
  // Go (strconv ftoa): %e when exp < -4 || exp >= eprec, where eprec shrinks to the digit count for
  // numbers shown whole.
  const eprec = precision > nd && nd >= dp ? nd : precision;
  if (exp >= eprec) {
    const shown = Math.min(precision, nd);
    const frac = mantissa.slice(1, shown);
    return `${sign}${mantissa[0]}${frac ? `.${frac}` : ""}e+${String(exp).padStart(2, "0")}`;
  }
  return sign + mantissa.padEnd(dp, "0");
}

/**
 * Go's `%.f` of `100 * part / whole`: a whole percentage, ties to even (12.5 → `12`), computed exactly.
 * `NaN` for 0/0, like Go.
 */
export function formatGoPercent(part: bigint | number | string, whole: bigint | number | string): string {
  const p = toBigInt(part);
  const w = toBigInt(whole);
  if (w === 0n) return p === 0n ? "NaN" : p > 0n ? "+Inf" : "-Inf";
  let num = 100n * p;
  let den = w;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  if (neg) num = -num;
  let q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  return `${neg && q !== 0n ? "-" : ""}${q}`;
}

/**
 * A count for people, exact and never in scientific notation: thousands separated by commas up to 15
 * digits (`65,536`). Longer counts (IPv6) as a power of two when they are one (`2^64`), a power of two
 * and a small offset (`2^64 - 340`), a small multiple of one (`3 × 2^64`), and otherwise every digit
 * with separators. Each form is the exact value: a reader can always get back the integer.
 */
export function formatCount(value: bigint | number | string): string {
  const short = shortCount(value);
  if (short !== undefined) return short;
  const n = toBigInt(value);
  const abs = n < 0n ? -n : n;
  const sign = n < 0n ? "-" : "";
  const digits = abs.toString();
  if (digits.length <= 15) return sign + groupDigits(digits);
  return sign + powerOfTwoForm(abs);
}

/**
 * {@link formatCount} of a count below 10^15 given as a number or as decimal digits without a leading
 * zero, read without a bigint (a page of 10,000 pools formats six counts a pool); undefined for any
 * other value, which the bigint path formats.
 */
function shortCount(value: bigint | number | string): string | undefined {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value <= -1e15 || value >= 1e15) return undefined;
    return value < 0 ? `-${groupDigits(String(-value))}` : groupDigits(String(value));
  }
  if (typeof value !== "string" || value.length === 0 || value.length > 15 || (value.charCodeAt(0) === 48 && value.length > 1)) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return groupDigits(value);
}

/** Digits with a comma every three from the right. */
function groupDigits(digits: string): string {
  return digits.length <= 3 ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Offsets and multiples shown next to a power of two stay this small, so the text stays short. */
const SMALL = 1_000_000n;

/** `2^k`, `2^k ± d` or `m × 2^k` for a large positive integer; every digit when none of these is short. */
function powerOfTwoForm(n: bigint): string {
  const bits = n.toString(2).length;
  const below = 1n << BigInt(bits - 1);
  if (n === below) return `2^${bits - 1}`;
  const above = below << 1n;
  if (above - n < SMALL) return `2^${bits} - ${groupDigits((above - n).toString())}`;
  if (n - below < SMALL) return `2^${bits - 1} + ${groupDigits((n - below).toString())}`;
  let shift = 0;
  while (((n >> BigInt(shift)) & 1n) === 0n) shift++;
  const odd = n >> BigInt(shift);
  if (odd < SMALL) return `${groupDigits(odd.toString())} × 2^${shift}`;
  return groupDigits(n.toString());
}

/** A signed count delta for people: `+1,024`, `-5`, `0`. */
export function formatDelta(value: bigint | number | string): string {
  const n = toBigInt(value);
  return n > 0n ? `+${formatCount(n)}` : formatCount(n);
}

/** A fraction 0..1 as a percentage with one decimal (`7.3%`), `<0.1%` for tiny non-zero values. Display only. */
export function formatFraction(fraction: number): string {
  if (!Number.isFinite(fraction)) return "n/a";
  if (fraction === 0) return "0%";
  if (fraction > 0 && fraction < 0.0005) return "<0.1%";
  const text = (fraction * 100).toFixed(1);
  return `${text.endsWith(".0") ? text.slice(0, -2) : text}%`;
}

/** Eighths of a cell, for the partial cell of {@link textBar}. */
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * A utilization bar in text characters, for a PR comment or a terminal: `width` cells, full (`█`),
 * one partial cell in eighths (`▍`) and empty (`░`); always `width` characters. A non-zero fraction
 * too small for an eighth still shows `▏`, so "nearly empty" never reads as "empty". Display only.
 */
export function textBar(fraction: number, width = 10): string {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a whole number of 1 or more, got ${width}`);
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  let eighths = Math.round(f * width * 8);
  if (eighths === 0 && f > 0) eighths = 1;
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  return "█".repeat(full) + part + "░".repeat(width - full - (part ? 1 : 0));
}

/** A signed change of a fraction in percentage points, one decimal (`+2.5 pp`). Display only. */
export function formatFractionDelta(delta: number): string {
  if (!Number.isFinite(delta)) return "n/a";
  const text = Math.abs(delta * 100).toFixed(1).replace(/\.0$/, "");
  if (text === "0") return "±0 pp";
  return `${delta > 0 ? "+" : "-"}${text} pp`;
}

/** Code-unit order, the one order every report uses (locale-independent). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The fields findings are ordered by. */
export interface FindingKey {
  readonly severity: string;
  readonly subject: string;
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** The deterministic finding order of every report: severity (errors first), subject, code, path, message. */
export function compareFindings(a: FindingKey, b: FindingKey): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.subject, b.subject) ||
    compareText(a.code, b.code) ||
    compareText(a.path, b.path) ||
    compareText(a.message, b.message)
  );
}

function severityRank(s: string): number {
  return s === "error" ? 0 : s === "warning" ? 1 : 2;
}

/** `1 error`, `2 errors`. */
export function plural(count: number | bigint, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 || count === 1n ? singular : pluralForm}`;
}

const MD_SPECIAL = /[\\`*_[\]<>|~&]/g;

/**
 * Text for Markdown (GitHub Flavored): every character that could start markup is backslash-escaped,
 * so names, selectors and messages render as written and cannot open HTML or break a table (`|`).
 * Line breaks become `<br>` in table cells and a hard break elsewhere.
 */
export function mdText(text: string, options: { cell?: boolean } = {}): string {
  const escaped = text.replace(MD_SPECIAL, (c) => `\\${c}`);
  return escaped.replace(/\r?\n/g, options.cell ? "<br>" : "  \n  ");
}

/**
 * A Markdown code span that shows `text` exactly: the fence is longer than any run of backticks
 * inside, and in table cells `|` is written `\|` (GitHub strips the backslash there). Line breaks
 * become spaces.
 */
export function mdCode(text: string, options: { cell?: boolean } = {}): string {
  let body = text.replace(/\r?\n/g, " ");
  if (options.cell) body = body.replace(/\|/g, "\\|");
  if (body === "") return "` `";
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Text inside raw HTML (a `<summary>`, a `<sub>`): `&`, `<`, `>` and `"` as entities. */
export function htmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate or length of a picture (SVG), to two decimals and without trailing zeros: `12.5`, `3`. Display only. */
export function svgNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}
