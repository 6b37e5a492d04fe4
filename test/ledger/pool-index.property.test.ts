import fc from "fast-check";
import { carve } from "../../src/carver";
import { LedgerEntry, parseLedger, serializeLedger } from "../../src/ledger";
import { freezeIndexedPools, freezeLedger } from "../../src/ledger/freeze";
import { PoolIndex, poolIndex } from "../../src/ledger/pool-index";
import { CheckedLedger, EntryCidrs } from "../../src/ledger/checked";
import { readCanonicalLedger } from "../../src/ledger/private/canonical-read";

/**
 * A carving run looks recorded pools up through a PoolIndex (one hash per name into a typed array),
 * and a ledger read from canonical text makes its `pools` record only when read. Both must answer as
 * the record does.
 */

const entry = (k: number): LedgerEntry => Object.freeze({ family: 4, cidr: `10.${k % 256}.${Math.floor(k / 256)}.0/24`, blockSize: 26, status: "active" });
// Names that collide in small tables, integer-like names, names of Object.prototype's members.
const name = fc.oneof(
  fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,12}$/),
  fc.constantFrom("constructor", "toString", "hasOwnProperty", "__proto__", "0", "9", "10", "007", "a", "b", "ab", "ba"),
);

describe("PoolIndex", () => {
  test("finds every name at its position, and no other name", () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 60 }), fc.array(name, { maxLength: 20 }), (names, others) => {
        const index = new PoolIndex(names, names.map((_, k) => entry(k)));
        expect(index.size).toBe(names.length);
        names.forEach((n, k) => {
          expect(index.indexOf(n)).toBe(k);
          expect(index.entryOf(n)).toBe(index.entries[k]);
        });
        for (const n of others) {
          expect(index.indexOf(n)).toBe(names.indexOf(n));
          expect(index.entryOf(n)).toBe(names.includes(n) ? index.entries[names.indexOf(n)] : undefined);
        }
      }),
      { numRuns: 500 },
    );
  });

  test("of a ledger built in code: the record's names in its order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 40 }), (names) => {
        const ledger = freezeLedger(names.map((n, k) => [n, entry(k)] as const));
        const index = poolIndex(ledger);
        expect(index.names).toEqual(Object.keys(ledger.pools));
        expect(index.entries).toEqual(Object.values(ledger.pools));
        expect(poolIndex(ledger)).toBe(index);
      }),
      { numRuns: 300 },
    );
  });

  test("a ledger whose pools are made when read is the ledger freezeLedger makes", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][-a-z0-9]{0,8}$/), { maxLength: 40 }), (raw) => {
        const names = [...raw].sort();
        const entries = names.map((_, k) => entry(k));
        const index = new PoolIndex(names, entries);
        const lazy = freezeIndexedPools(index, new CheckedLedger(new EntryCidrs(index), undefined));
        const built = freezeLedger(names.map((n, k) => [n, entries[k]] as const));
        expect(Object.isFrozen(lazy)).toBe(true);
        expect(Object.keys(lazy)).toEqual(Object.keys(built));
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(built));
        expect(lazy).toEqual(built);
        expect(Object.isFrozen(lazy.pools)).toBe(true);
        expect(lazy.pools).toBe(lazy.pools);
        expect(Object.keys(lazy.pools)).toEqual(names);
      }),
      { numRuns: 300 },
    );
  });

  test("a ledger read from its text is indexed as written, and reads back as the same text", () => {
    const requests = Array.from({ length: 200 }, (_, i) => ({
      name: `pool-${i}`,
      family: 4 as const,
      blockSize: 26,
      size: { kind: "prefix" as const, prefixLength: 20 + (i % 7) },
    }));
    const text = serializeLedger(carve({ spaces: [{ name: "v4", cidr: "10.0.0.0/8" }], requests }).ledger);
    const ledger = parseLedger(text);
    const index = poolIndex(ledger);
    expect(index.names).toEqual([...requests.map((r) => r.name)].sort());
    expect(index.names).toEqual(Object.keys(ledger.pools));
    expect(serializeLedger(ledger)).toBe(text);
  });

  test("a ledger read from its text answers each entry's fields from its columns as its entries say them", () => {
    // Both families and every status: the reader keeps them as columns, and makes the entries when asked.
    const entry = fc.record({
      six: fc.boolean(),
      status: fc.constantFrom("active" as const, "draining" as const, "adopted" as const),
      block: fc.nat(3),
      prefix: fc.nat(4),
    });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 30 }), (raw) => {
        const pools: Record<string, LedgerEntry> = {};
        raw.forEach((e, k) => {
          pools[`p-${String(k).padStart(2, "0")}`] = e.six
            ? { family: 6, cidr: `fd00:0:0:${(k + 1).toString(16)}::/${64 + e.prefix}`, blockSize: 122 + e.block, status: e.status }
            : { family: 4, cidr: `10.${k}.0.0/${20 + e.prefix}`, blockSize: 26 + e.block, status: e.status };
        });
        const text = serializeLedger(freezeLedger(Object.entries(pools)));
        expect(readCanonicalLedger(text)).toBeDefined();
        const index = poolIndex(parseLedger(text));
        const entries = index.entries;
        expect(index.entries).toBe(entries);
        expect(entries).toEqual(Object.values(pools));
        entries.forEach((e, k) => {
          expect(Object.isFrozen(e)).toBe(true);
          expect([index.family(k), index.cidr(k), index.blockSize(k), index.status(k), index.active(k)]).toEqual([e.family, e.cidr, e.blockSize, e.status, e.status === "active"]);
        });
        expect(index.namesAscending()).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("PoolIndex.firstOtherName", () => {
  /** Names a canonical ledger holds (DNS subdomains, not integer-like), sorted and unique. */
  const names = fc.uniqueArray(fc.stringMatching(/^[a-z]([-a-z0-9]{0,7}[a-z0-9])?(\.[a-z0-9]{1,3})?$/), { minLength: 1, maxLength: 30 }).map((n) => [...n].sort());
  /** A name to put in place of one: another name, a prefix or extension of it, or itself. */
  const other = fc.oneof(fc.stringMatching(/^[a-z][-a-z0-9]{0,8}$/), fc.constantFrom("", "x", "pool"));

  test("finds the first position whose name differs, in the text and in a list alike", () => {
    fc.assert(
      fc.property(names, fc.option(fc.record({ at: fc.nat(), to: other, how: fc.constantFrom("replace", "extend", "cut") }), { nil: undefined }), (sorted, change) => {
        const text = serializeLedger(freezeLedger(sorted.map((n, k) => [n, entry(k)] as const)));
        const fromText = poolIndex(parseLedger(text));
        expect(fromText.hasColumns()).toBe(true);
        const listed = new PoolIndex(sorted, sorted.map((_, k) => entry(k)));
        const items = sorted.map((name) => ({ name }));
        if (change !== undefined) {
          const k = change.at % items.length;
          const n = items[k].name;
          items[k] = { name: change.how === "replace" ? change.to : change.how === "extend" ? n + change.to : n.slice(0, Math.max(0, n.length - 1 - change.to.length)) };
        }
        const expected = items.findIndex((item, k) => item.name !== sorted[k]);
        const want = expected < 0 ? sorted.length : expected;
        expect(fromText.firstOtherName(items)).toBe(want);
        expect(listed.firstOtherName(items)).toBe(want);
        // Compared in place: no list of names made.
        expect(fromText.namesMade()).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
