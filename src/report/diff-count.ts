import type { DecimalString } from "./schema";

/** Before, after and the difference (head − base) of a count; null where a side is unknown. */
export interface CountChange<T extends number | DecimalString> {
  readonly before: T | null;
  readonly after: T | null;
  readonly delta: T | null;
}

/** The change of a decimal-string count (a pool's addresses, headroom); the delta may start with `-`. */
export function bigDelta(before: DecimalString | null, after: DecimalString | null): CountChange<DecimalString> {
  return { before, after, delta: before !== null && after !== null ? (BigInt(after) - BigInt(before)).toString() : null };
}

/** The change of a number; `round` rounds the delta to 9 decimals (fractions). */
export function numDelta(before: number | null, after: number | null, round = false): CountChange<number> {
  const delta = before !== null && after !== null ? (round ? Math.round((after - before) * 1e9) / 1e9 : after - before) : null;
  return { before, after, delta: delta === 0 ? 0 : delta };
}

/** True when the two sides differ. */
export function moved(c: CountChange<number | DecimalString>): boolean {
  return c.before !== c.after;
}
