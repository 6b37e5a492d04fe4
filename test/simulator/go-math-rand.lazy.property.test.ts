/**
 * The generator fills its state lazily (a word when a draw first reads it) and randomBlockStartIndex
 * re-seeds one shared generator: both must draw exactly what a freshly seeded generator draws (which
 * go-math-rand.test.ts checks against Go's own outputs).
 */
import fc from "fast-check";
import { randomBlockStartIndex } from "../../src/simulator";
import { bigIntRand, GoRand } from "../../src/simulator/private/go-math-rand";

describe("lazy seeding (a state word is filled when a draw first reads it)", () => {
  it("a generator re-seeded after any number of draws draws what a fresh one draws, past the whole state", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.nat({ max: 1500 }), (first, second, used) => {
        const reused = new GoRand(first);
        for (let k = 0; k < used; k++) reused.uint32();
        reused.seed(second);
        const fresh = new GoRand(second);
        for (let k = 0; k < 700; k++) expect(reused.uint64()).toBe(fresh.uint64());
      }),
      { numRuns: 30 },
    );
  });

  it("randomBlockStartIndex (one shared generator) gives what a new generator gives, call after call", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 80 })), { minLength: 1, maxLength: 20 }), (calls) => {
        for (const [seed, bits] of calls) expect(randomBlockStartIndex(1n << BigInt(bits), seed)).toBe(bigIntRand(new GoRand(seed), 1n << BigInt(bits)));
      }),
    );
  });
});
