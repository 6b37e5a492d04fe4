/**
 * Ledger fixtures and properties shared by the ledger's tests: entry builders, and the round-trip and
 * key-order properties every optional section of the ledger keeps.
 */
import fc from "fast-check";
import { Ledger, LedgerAddress, LedgerEntry, diffLedgers, parseLedger, serializeLedger } from "../../src/ledger";

/** An active pool entry of the CIDR's family, with Calico's default block size unless given. */
export const active = (cidr: string, blockSize = cidr.includes(":") ? 122 : 26): LedgerEntry => ({
  family: cidr.includes(":") ? 6 : 4,
  cidr,
  blockSize,
  status: "active",
});
/** The same entry, draining (kept in the ledger so that its range is never handed out again). */
export const retired = (cidr: string): LedgerEntry => ({ ...active(cidr), status: "draining" });
/** A fixed address picked from a pool. */
export const fixed = (address: string, pool: string): LedgerAddress => ({ address, pool });

/** The record's entries in an order drawn from the seed (a linear congruential generator), every entry once. */
function reorder<T>(record: Readonly<Record<string, T>>, seed: number): Record<string, T> {
  const entries = Object.entries(record);
  const out: Array<[string, T]> = [];
  let s = seed >>> 0 || 1;
  while (entries.length > 0) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(entries.splice(s % entries.length, 1)[0]);
  }
  return Object.fromEntries(out);
}

/**
 * The two properties of an optional section (`addresses`, `nodeCidrs`), on ledgers from `ledgerArb`
 * (`ledger` as given, `expected` as it must read back): serialize → parse is the identity and
 * parse → serialize gives the same bytes, with no key for an absent or empty section; and the bytes do not
 * depend on the order the entries of any section were given in.
 */
export function optionalSectionProperties(ledgerArb: fc.Arbitrary<{ ledger: Ledger; expected: Ledger }>, section: "addresses" | "nodeCidrs"): void {
  test("serialize → parse is the identity, and parse → serialize gives the same bytes", () => {
    fc.assert(
      fc.property(ledgerArb, ({ ledger, expected }) => {
        const text = serializeLedger(ledger);
        const parsed = parseLedger(text);
        expect(parsed).toStrictEqual(expected);
        expect(serializeLedger(parsed)).toBe(text);
        expect(diffLedgers(ledger, parsed)).toEqual([]);
        if (expected[section] === undefined) expect(text).not.toContain(`"${section}"`);
      }),
      { numRuns: 300 },
    );
  });

  test("the bytes do not depend on the order entries were given in", () => {
    fc.assert(
      fc.property(ledgerArb, fc.nat(), ({ ledger }, seed) => {
        const shuffled: Ledger = {
          version: 1,
          pools: reorder(ledger.pools, seed),
          ...(ledger.addresses !== undefined ? { addresses: reorder(ledger.addresses, seed) } : {}),
          ...(ledger.nodeCidrs !== undefined ? { nodeCidrs: reorder(ledger.nodeCidrs, seed) } : {}),
        };
        expect(serializeLedger(shuffled)).toBe(serializeLedger(ledger));
      }),
      { numRuns: 200 },
    );
  });
}
