import fc from "fast-check";
import { isObjectName, validateObjectName } from "../../src/validation/names";

describe("isObjectName is validateObjectName without the findings", () => {
  const nameChars = fc.constantFrom(..."abcz09-._A\u00e9 ".split(""));
  const names = fc.oneof(
    fc.string({ unit: nameChars, maxLength: 12 }),
    fc.string({ unit: fc.constantFrom("a", "-", "."), minLength: 250, maxLength: 256 }),
    fc.constantFrom("a".repeat(253), "a".repeat(254), `${"a".repeat(252)}\u00e9`, "", "-a", "a-", "a..b", "pool-1.rack"),
    fc.anything(),
  );

  test("the same answer on names, near-names, long names and non-strings", () => {
    fc.assert(
      fc.property(names, (name) => {
        expect(isObjectName(name)).toBe(validateObjectName(name).length === 0);
      }),
      { numRuns: 2000 },
    );
  });

  test("examples", () => {
    expect(isObjectName("pool-00001")).toBe(true);
    expect(isObjectName("a".repeat(253))).toBe(true);
    expect(isObjectName("a".repeat(254))).toBe(false);
    expect(isObjectName("Pool")).toBe(false);
    expect(isObjectName(42)).toBe(false);
  });
});
