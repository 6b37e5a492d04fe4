import fc from "fast-check";
import { carve } from "../../src/carver";
import { Cidr } from "../../src/ip";
import { parseLedger, serializeLedger } from "../../src/ledger";
import { EntryCidrs, recordedCidr } from "../../src/ledger/checked";
import { inspectLedger } from "../../src/ledger/inspect";
import { poolIndex } from "../../src/ledger/pool-index";
import { parseLedgerBody } from "../../src/ledger/parse";
import { canonicalIPv4Key, checkedCidr } from "../../src/ledger/private/canonical-cidr";

/**
 * A ledger read from canonical text keeps no map of parsed CIDRs: `EntryCidrs` reads each entry's
 * CIDR from its text when asked. It must answer exactly as the map the general reader builds: by entry
 * (as a carving run asks) before and after the map is made, by name, and in iteration order.
 */

const v4 = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([value, prefix]) => Cidr.containing(4, BigInt(value), prefix));
const v6 = fc
  .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
  .map(([value, prefix]) => Cidr.containing(6, value, prefix))
  .filter((c) => Cidr.tryParse(c.toString()).ok);

describe("CIDRs of a checked ledger read from the entries' text", () => {
  test("checkedCidr reads every canonical CIDR as Cidr.parse does", () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6), (cidr) => {
        const text = cidr.toString();
        expect(checkedCidr(text).equals(Cidr.parse(text))).toBe(true);
        expect(checkedCidr(text).toString()).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  test("canonicalIPv4Key takes only canonical IPv4 text, read in place", () => {
    const cases: Array<[string, boolean]> = [
      ["10.0.0.0/8", true],
      ["0.0.0.0/0", true],
      ["255.255.255.255/32", true],
      ["10.0.0.1/24", false],
      ["010.0.0.0/8", false],
      ["10.0.0.0/08", false],
      ["10.0.0.0/33", false],
      ["256.0.0.0/8", false],
      ["10.0.0/24", false],
      ["10.0.0.0", false],
      ["fd00::/64", false],
      ["1::/64", false],
    ];
    for (const [text, ok] of cases) {
      const key = canonicalIPv4Key(`"${text}"`, 1, text.length + 1);
      expect(key >= 0).toBe(ok);
      if (ok) expect(key).toBe(Number(Cidr.parse(text).network) * 64 + Cidr.parse(text).prefix);
    }
  });

  test("answers as the general reader's map: by entry, by name, in order, before and after the map is made", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/), fc.boolean(), fc.integer({ min: 0, max: 6 })), { selector: ([n]) => n, minLength: 1, maxLength: 30 }),
        fc.boolean(),
        (pools, byNameFirst) => {
          const requests = pools.map(([name, six, extra]) => ({
            name,
            family: (six ? 6 : 4) as 4 | 6,
            blockSize: six ? 122 : 26,
            size: { kind: "prefix" as const, prefixLength: six ? 112 + extra : 20 + extra },
          }));
          const first = carve({ spaces: [{ name: "v4", cidr: "10.0.0.0/8" }, { name: "v6", cidr: "fd00::/96" }], requests });
          const text = serializeLedger(first.ledger);
          const general = inspectLedger(parseLedgerBody(text)).cidrs;
          const ledger = parseLedger(text);
          const cidrs = inspectLedger(ledger).cidrs;
          expect(cidrs).toBeInstanceOf(EntryCidrs);
          // An IPv6 range is the Cidr the reader parsed (the same object at every read), not its text parsed again.
          const entryCidrs = cidrs as EntryCidrs;
          poolIndex(ledger).names.forEach((_, k) => {
            if (entryCidrs.at(k).family !== 6) return;
            expect(entryCidrs.at(k)).toBe(entryCidrs.at(k));
            expect(entryCidrs.ipv4Key(k)).toBe(-1);
          });
          expect(cidrs.size).toBe(general.size);
          const byEntry = () => poolIndex(ledger).names.map((n, k) => `${n} ${recordedCidr(cidrs, k, n).toString()}`);
          const expected = [...general].map(([n, c]) => `${n} ${c.toString()}`);
          if (!byNameFirst) expect(byEntry()).toEqual(expected);
          for (const [n, c] of general) {
            expect(cidrs.has(n)).toBe(true);
            expect(cidrs.get(n)!.equals(c)).toBe(true);
          }
          expect(cidrs.has("no-such-pool")).toBe(false);
          expect(cidrs.get("no-such-pool")).toBeUndefined();
          expect(cidrs.get("constructor")).toBeUndefined();
          expect([...cidrs].map(([n, c]) => `${n} ${c.toString()}`)).toEqual(expected);
          expect([...cidrs.keys()]).toEqual([...general.keys()]);
          expect([...cidrs.values()].map(String)).toEqual([...general.values()].map(String));
          const seen: string[] = [];
          cidrs.forEach((c, n, map) => {
            expect(map).toBe(cidrs);
            seen.push(`${n} ${c.toString()}`);
          });
          expect(seen).toEqual(expected);
          expect(byEntry()).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
