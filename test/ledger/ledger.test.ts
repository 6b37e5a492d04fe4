import {
  Ledger,
  LedgerChange,
  LedgerEntry,
  LedgerError,
  describeChange,
  diffLedgers,
  emptyLedger,
  formatLedgerTable,
  parseLedger,
  releasePools,
  serializeLedger,
} from "../../src/ledger";
import { active, retired } from "../helpers/ledger";

const ledgerOf = (pools: Record<string, LedgerEntry>): Ledger => ({ version: 1, pools });

describe("serializeLedger", () => {
  test("writes sorted keys at every level, two-space indent and a trailing newline", () => {
    const ledger = ledgerOf({ web: { status: "active", family: 4, blockSize: 26, cidr: "10.32.8.0/24" } as LedgerEntry, payments: active("10.32.4.0/22") });
    expect(serializeLedger(ledger)).toBe(
      [
        "{",
        '  "pools": {',
        '    "payments": {',
        '      "blockSize": 26,',
        '      "cidr": "10.32.4.0/22",',
        '      "family": 4,',
        '      "status": "active"',
        "    },",
        '    "web": {',
        '      "blockSize": 26,',
        '      "cidr": "10.32.8.0/24",',
        '      "family": 4,',
        '      "status": "active"',
        "    }",
        "  },",
        '  "version": 1',
        "}",
        "",
      ].join("\n"),
    );
  });

  test("sorts names by code unit, also names that look like numbers", () => {
    const text = serializeLedger(ledgerOf({ a: active("10.0.2.0/24"), "9": active("10.0.1.0/24"), "10": active("10.0.0.0/24") }));
    expect([...text.matchAll(/^ {4}"([^"]+)": \{/gm)].map((m) => m[1])).toEqual(["10", "9", "a"]);
  });

  test("an empty ledger", () => {
    expect(serializeLedger(emptyLedger())).toBe('{\n  "pools": {},\n  "version": 1\n}\n');
  });

  test("is byte-stable through a round trip, whatever order the input had", () => {
    const ledger = ledgerOf({ z: retired("fd00::/64"), a: active("10.0.0.0/24") });
    const text = serializeLedger(ledger);
    expect(serializeLedger(parseLedger(text))).toBe(text);
    expect(serializeLedger(ledgerOf({ a: active("10.0.0.0/24"), z: retired("fd00::/64") }))).toBe(text);
  });
});

describe("parseLedger", () => {
  test("reads what serializeLedger writes", () => {
    const ledger = ledgerOf({ payments: active("10.32.4.0/22"), old: retired("fd00:10:32::/64") });
    expect(parseLedger(serializeLedger(ledger))).toEqual(ledger);
  });

  test("accepts any key order and whitespace, and a byte-order mark", () => {
    const text = '\ufeff{"version":1,"pools":{"a":{"status":"active","family":4,"cidr":"10.0.0.0/24","blockSize":26}}}';
    expect(parseLedger(text)).toEqual(ledgerOf({ a: active("10.0.0.0/24") }));
  });

  test("returns a frozen ledger", () => {
    const ledger = parseLedger(serializeLedger(ledgerOf({ a: active("10.0.0.0/24") })));
    expect(Object.isFrozen(ledger)).toBe(true);
    expect(Object.isFrozen(ledger.pools)).toBe(true);
    expect(Object.isFrozen(ledger.pools.a)).toBe(true);
  });
});

describe("diffLedgers and describeChange", () => {
  const before = ledgerOf({ kept: active("10.0.0.0/24"), leaving: active("10.0.1.0/24"), back: retired("10.0.2.0/24"), gone: retired("10.0.3.0/24") });
  const after = ledgerOf({ kept: active("10.0.0.0/24"), leaving: retired("10.0.1.0/24"), back: active("10.0.2.0/24"), fresh: active("10.0.4.0/22") });

  test("lists every change, sorted by pool name", () => {
    expect(diffLedgers(before, after)).toEqual<LedgerChange[]>([
      { kind: "reactivated", name: "back", before: retired("10.0.2.0/24"), after: active("10.0.2.0/24") },
      { kind: "added", name: "fresh", after: active("10.0.4.0/22") },
      { kind: "released", name: "gone", before: retired("10.0.3.0/24") },
      { kind: "draining", name: "leaving", before: active("10.0.1.0/24"), after: retired("10.0.1.0/24") },
    ]);
  });

  test("describes each change in one line", () => {
    expect(diffLedgers(before, after).map(describeChange)).toEqual([
      'pool "back": reactivated 10.0.2.0/24 (block /26), its recorded range',
      'pool "fresh": added 10.0.4.0/22 (block /26)',
      'pool "gone": released 10.0.3.0/24 (block /26); the range may be carved again',
      'pool "leaving": draining 10.0.1.0/24 (block /26); the pool is emitted disabled and the range stays reserved until it is released',
    ]);
  });

  test("a range that changed (only a hand-made ledger does that) shows as released, then added", () => {
    const changes = diffLedgers(ledgerOf({ a: active("10.0.0.0/24") }), ledgerOf({ a: active("10.0.0.0/23") }));
    expect(changes.map((c) => c.kind)).toEqual(["released", "added"]);
  });

  test("no change between equal ledgers", () => {
    expect(diffLedgers(before, before)).toEqual([]);
  });
});

describe("releasePools", () => {
  const ledger = ledgerOf({ live: active("10.0.0.0/24"), old: retired("10.0.1.0/24"), older: retired("10.0.2.0/24") });

  test("removes retired pools, so their ranges may be carved again", () => {
    expect(releasePools(ledger, ["old"]).pools).toEqual({ live: active("10.0.0.0/24"), older: retired("10.0.2.0/24") });
  });

  test("a pool that is still active cannot be released: pods may still hold its addresses", () => {
    const release = () => releasePools(ledger, ["live"]);
    expect(release).toThrow(LedgerError);
    expect(release).toThrow(expect.objectContaining({ code: "LEDGER_POOL_ACTIVE" }));
    expect(release).toThrow(
      'pool "live" (10.0.0.0/24) is still active, and pods may still hold its addresses. Remove the pool from code first and deploy, so it is disabled and draining; move its pods, and ' +
        "release it once no pod uses the range (calicoctl ipam show --show-blocks lists no block in 10.0.0.0/24)",
    );
  });

  test("an unknown pool cannot be released, and the message lists the recorded ones", () => {
    expect(() => releasePools(ledger, ["olde"])).toThrow(
      expect.objectContaining({ code: "LEDGER_UNKNOWN_POOL", message: 'pool "olde" is not in the ledger, so there is nothing to release (recorded pools: "live", "old", "older")' }),
    );
  });

  test("every refused name is reported at once, and nothing is released", () => {
    expect(() => releasePools(ledger, ["old", "nope", "live"])).toThrow(/pool "nope" is not in the ledger.*; pool "live" \(10\.0\.0\.0\/24\) is still active/);
  });

  test("does not change the ledger it was given", () => {
    releasePools(ledger, ["old"]);
    expect(Object.keys(ledger.pools)).toEqual(["live", "old", "older"]);
  });
});

describe("formatLedgerTable", () => {
  test("shows every pool with its blocks, sorted by family then CIDR", () => {
    const ledger = ledgerOf({
      "web-v6": active("fd00:10:32::/64"),
      web: active("10.32.8.0/24"),
      payments: active("10.32.4.0/22"),
      old: retired("10.0.0.0/26"),
    });
    expect(formatLedgerTable(ledger)).toBe(
      [
        "+----------+--------+-----------------+------------+--------------------+----------+",
        "| NAME     | FAMILY | CIDR            | BLOCK SIZE | BLOCKS             | STATUS   |",
        "+----------+--------+-----------------+------------+--------------------+----------+",
        "| old      | IPv4   | 10.0.0.0/26     |         26 |                  1 | draining |",
        "| payments | IPv4   | 10.32.4.0/22    |         26 |                 16 | active   |",
        "| web      | IPv4   | 10.32.8.0/24    |         26 |                  4 | active   |",
        "| web-v6   | IPv6   | fd00:10:32::/64 |        122 | 288230376151711744 | active   |",
        "+----------+--------+-----------------+------------+--------------------+----------+",
        "4 pools: 3 active, 1 draining (draining pools stay disabled and their ranges reserved until released)",
        "",
      ].join("\n"),
    );
  });

  test("an empty ledger says so", () => {
    expect(formatLedgerTable(emptyLedger())).toMatch(/The ledger has no pools\.\n$/);
  });
});
