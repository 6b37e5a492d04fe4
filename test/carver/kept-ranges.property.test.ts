import fc from "fast-check";
import { anyMarkedTouches } from "../../src/carver/private/kept-ranges";

/**
 * The re-run's barrier check walks the kept recorded IPv4 ranges (in address order, as the ledger's
 * reader sorted them) beside the barrier runs. It must answer as a check of every marked range against
 * every run: a range touches a run when they share an address, the first or the last one included.
 */

const range = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 16, max: 32 })).map(([address, prefix]) => {
  const size = 2 ** (32 - prefix);
  return { first: address - (address % size), prefix };
});

/** Ranges apart (as a checked ledger's), by dropping any that overlaps one kept before it. */
function apart(ranges: ReadonlyArray<{ first: number; prefix: number }>): Array<{ first: number; prefix: number }> {
  const out: Array<{ first: number; prefix: number }> = [];
  for (const r of ranges) {
    const last = r.first + 2 ** (32 - r.prefix) - 1;
    if (out.every((o) => last < o.first || r.first > o.first + 2 ** (32 - o.prefix) - 1)) out.push(r);
  }
  return out;
}

/** Runs ascending and apart, from random [first, length] pairs, merged where they touch or overlap. */
function runsOf(pairs: ReadonlyArray<readonly [number, number]>): { firsts: Float64Array; lasts: Float64Array; count: number } {
  const sorted = pairs.map(([f, len]) => [f, Math.min(2 ** 32 - 1, f + len)] as const).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [f, l] of sorted) {
    const top = merged[merged.length - 1];
    if (top !== undefined && f <= top[1] + 1) top[1] = Math.max(top[1], l);
    else merged.push([f, l]);
  }
  return { firsts: Float64Array.from(merged, (m) => m[0]), lasts: Float64Array.from(merged, (m) => m[1]), count: merged.length };
}

describe("anyMarkedTouches", () => {
  test("answers as a check of every marked range against every run", () => {
    // Runs near the ranges' edges: starting at a range's first or last address, or just after it.
    const edge = fc.record({ pick: fc.nat(), at: fc.constantFrom("first", "last", "after", "before"), length: fc.constantFrom(0, 0, 1, 255, 65535) });
    fc.assert(
      fc.property(
        fc.array(range, { minLength: 1, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 63, 4095, 2 ** 20)), { maxLength: 20 }),
        fc.array(edge, { maxLength: 6 }),
        (raw, marks, loose, edges) => {
          const ranges = apart(raw);
          const keys = Float64Array.from(ranges, (r) => r.first * 64 + r.prefix);
          const marked = Uint8Array.from(ranges, (_, k) => (marks[k] ? 1 : 0));
          const order = Uint32Array.from(ranges.map((_, k) => k).sort((a, b) => ranges[a].first - ranges[b].first || ranges[a].prefix - ranges[b].prefix));
          const near = edges.map(({ pick, at, length }): [number, number] => {
            const r = ranges[pick % ranges.length];
            const last = r.first + 2 ** (32 - r.prefix) - 1;
            const start = at === "first" ? r.first : at === "last" ? last : at === "after" ? last + 1 : Math.max(0, r.first - 1 - length);
            return [Math.min(start, 2 ** 32 - 1), length];
          });
          const runs = runsOf([...loose, ...near]);
          const expected = ranges.some((r, k) => {
            if (marked[k] === 0) return false;
            const last = r.first + 2 ** (32 - r.prefix) - 1;
            for (let i = 0; i < runs.count; i++) if (runs.firsts[i] <= last && runs.lasts[i] >= r.first) return true;
            return false;
          });
          expect(anyMarkedTouches(order, keys, marked, runs)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test.each([
    ["a run ending at the range's first address", [[0, 0x0a000000]], true],
    ["a run starting at the range's last address", [[0x0a0000ff, 0x0a0000ff]], true],
    ["a run ending just before the range", [[0, 0x09ffffff]], false],
    ["a run starting just after the range", [[0x0a000100, 0x0a0001ff]], false],
    ["three runs before the range, then one inside", [[1, 1], [3, 3], [5, 5], [0x0a000080, 0x0a000080]], true],
    ["no run", [], false],
  ] as Array<[string, Array<[number, number]>, boolean]>)("10.0.0.0/24 against %s", (_, pairs, touches) => {
    const runs = { firsts: Float64Array.from(pairs, (p) => p[0]), lasts: Float64Array.from(pairs, (p) => p[1]), count: pairs.length };
    const keys = Float64Array.of(0x0a000000 * 64 + 24);
    expect(anyMarkedTouches(Uint32Array.of(0), keys, Uint8Array.of(1), runs)).toBe(touches);
    expect(anyMarkedTouches(Uint32Array.of(0), keys, Uint8Array.of(0), runs)).toBe(false);
  });
});
