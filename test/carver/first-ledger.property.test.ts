import fc from "fast-check";
import { CarveResult, PoolRequest, carve } from "../../src/carver";
import { Ledger, LedgerEntry, LedgerPoolChange, LedgerStatus, freezeLedger, parseLedger, serializeLedger } from "../../src/ledger/ledger";
import { canonicalJson } from "../../src/ledger/private/canonical-json";
import { canonicalLedgerText } from "../../src/ledger/private/canonical-read";
import { EntryColumns, PoolIndex, madePoolIndex } from "../../src/ledger/pool-index";
import { Cidr } from "../../src/ip";
import { ipv6WordsInto } from "../../src/ip/address";

/**
 * A first run's ledger is kept as columns (names, CIDR texts, families, block sizes): its entries, its
 * `pools` record and the changes that add them are made when first read, and `serializeLedger` writes it
 * from the columns. Compared here with the ledger, text and changes made the plain way from the pools
 * (`freezeLedger` of the entries, `canonicalJson`, an `added` change per entry in name order).
 */

const SPACES = [
  { name: "a", cidr: "10.0.0.0/16" },
  { name: "six", cidr: "fd00::/104" },
];

// Names in and out of code-unit order, digits only (an array index as a record key), with "-" and ".".
const NAMES = ["a", "b", "c", "p-1", "p-10", "p-2", "q.x", "z9", "0", "7", "10", "007", "1a", "a.b-c"];

const request = fc.record({
  six: fc.boolean(),
  name: fc.constantFrom(...NAMES),
  room: fc.nat(4),
  blockSize: fc.nat(2),
  // Some pools pinned, each name to its own range (no two overlap), beside the carved ones.
  pinned: fc.boolean(),
});

function requestOf(r: { six: boolean; name: string; room: number; blockSize: number; pinned?: boolean }): PoolRequest {
  const slot = NAMES.indexOf(r.name);
  if (r.pinned) {
    return r.six
      ? { name: r.name, family: 6, blockSize: 122 + r.blockSize, size: { kind: "cidr", cidr: `fd00::${(0xa0 + slot).toString(16)}00/120` } }
      : { name: r.name, family: 4, blockSize: 26 + r.blockSize, size: { kind: "cidr", cidr: `10.0.${200 + slot}.0/26` } };
  }
  return r.six
    ? { name: r.name, family: 6, blockSize: 122 + r.blockSize, size: { kind: "prefix", prefixLength: 118 - r.room } }
    : { name: r.name, family: 4, blockSize: 26 + r.blockSize, size: { kind: "prefix", prefixLength: 26 - r.room } };
}

/** The ledger and changes of a first run made the plain way from its pools: frozen entries, their record, one change each. */
function plainLedger(result: CarveResult): { ledger: Ledger; changes: LedgerPoolChange[] } {
  const entries = result.pools.map((p): [string, LedgerEntry] => [p.name, Object.freeze({ family: p.family, cidr: p.cidr.toString(), blockSize: p.blockSize, status: "active" as const })]);
  const ledger = freezeLedger(entries);
  const names = entries.map(([n]) => n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { ledger, changes: names.map((name) => ({ kind: "added", name, after: ledger.pools[name] })) };
}

describe("a first run's ledger as columns", () => {
  test("gives the ledger, text, record order and changes of the plain way, for any first run", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 14 }), fc.boolean(), (raw, sorted) => {
        const seen = new Set<string>();
        const requests = raw.filter((r) => !seen.has(r.name) && seen.add(r.name)).map(requestOf);
        if (sorted) requests.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const result = carve({ spaces: SPACES, requests });
        expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
        const plain = plainLedger(result);
        // The text first, before anything reads the entries.
        const text = serializeLedger(result.ledger);
        expect(text).toBe(canonicalJson(plain.ledger));
        expect(JSON.stringify(result.ledger)).toBe(JSON.stringify(plain.ledger));
        expect(Object.keys(result.ledger.pools)).toEqual(Object.keys(plain.ledger.pools));
        expect(Object.isFrozen(result.ledger) && Object.isFrozen(result.ledger.pools)).toBe(true);
        for (const e of Object.values(result.ledger.pools)) expect(Object.isFrozen(e) && Object.getPrototypeOf(e) === Object.prototype).toBe(true);
        expect(JSON.stringify(result.changes)).toBe(JSON.stringify(plain.changes));
        for (const c of result.changes) expect(c.kind === "added" && c.after === result.ledger.pools[c.name]).toBe(true);
        expect(Object.keys(result)).toEqual(["pools", "ledger", "changes", "findings"]);
        // Read back, and given to the next run as it is.
        expect(serializeLedger(parseLedger(text))).toBe(text);
        const again = carve({ spaces: SPACES, requests, ledger: result.ledger });
        expect(again.ledger).toBe(result.ledger);
        expect(again.changes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test("the usual first run takes the columns: writing the ledger makes no entry, reading it does", () => {
    const requests = Array.from({ length: 50 }, (_, i) => requestOf({ six: i % 2 === 1, name: `pool-${String(i).padStart(2, "0")}`, room: i % 5, blockSize: 0, pinned: i === 7 || i === 8 }));
    const result = carve({ spaces: SPACES, requests });
    const index = madePoolIndex(result.ledger);
    expect(index?.hasColumns()).toBe(true);
    // The names are the pools': no list of them is made by the run, nor by writing the ledger.
    expect(index!.namesMade()).toBe(false);
    serializeLedger(result.ledger);
    expect(index!.namesMade()).toBe(false);
    expect(index!.names).toEqual(result.pools.map((p) => p.name));
    expect(index!.entriesMade()).toBe(false);
    // The ranges are the pools' own, and each IPv6 network's words (carved or pinned) are beside them.
    const words = index!.placedWords();
    expect(words).toBeDefined();
    result.pools.forEach((pool, k) => {
      expect(index!.placedCidr(k)).toBe(pool.cidr);
      if (pool.family !== 6) return;
      const own = new Int32Array(4);
      ipv6WordsInto(pool.cidr.network, own, 0);
      expect(Array.from(words!.subarray(4 * k, 4 * k + 4))).toEqual(Array.from(own));
    });
    // The next run given this ledger object takes the same Cidr objects.
    const again = carve({ spaces: SPACES, requests, ledger: result.ledger });
    expect(again.pools.map((p) => p.cidr)).toEqual(result.pools.map((p) => p.cidr));
    again.pools.forEach((pool, k) => expect(pool.cidr).toBe(result.pools[k].cidr));
    expect(typeof Object.getOwnPropertyDescriptor(result, "changes")?.get).toBe("function");
    serializeLedger(result.ledger);
    expect(index!.entriesMade()).toBe(false);
    expect(result.changes).toHaveLength(50);
    expect(index!.entriesMade()).toBe(true);
  });

  test("a name of digits only, or another section in the ledger, takes the plain way", () => {
    const digits = carve({ spaces: SPACES, requests: [requestOf({ six: false, name: "10", room: 0, blockSize: 0 }), requestOf({ six: false, name: "a", room: 0, blockSize: 0 })] });
    expect(madePoolIndex(digits.ledger)).toBeUndefined();
    expect(Object.keys(digits.ledger.pools)).toEqual(["10", "a"]);
    const sections = freezeLedger([], { nodeCidrs: { "node-1": ["10.200.0.0/24"] } });
    const withNodes = carve({ spaces: SPACES, requests: [requestOf({ six: false, name: "a", room: 0, blockSize: 0 })], ledger: sections });
    expect(withNodes.findings).toEqual([]);
    expect(madePoolIndex(withNodes.ledger)).toBeUndefined();
    expect(withNodes.ledger.nodeCidrs).toEqual({ "node-1": ["10.200.0.0/24"] });
    expect(Object.keys(withNodes.ledger.pools)).toEqual(["a"]);
  });
});

describe("canonicalLedgerText", () => {
  const name = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?$/);
  const entry = fc.record({
    cidr: fc.constantFrom("10.0.0.0/24", "192.168.0.0/26", "0.0.0.0/0", "10.0.0.7/32", "fd00::/64", "fd00::40/122", "2001:db8::/120"),
    blockSize: fc.constantFrom(20, 26, 32, 116, 122, 128),
    family: fc.constantFrom(4 as const, 6 as const),
    status: fc.constantFrom<LedgerStatus>("active", "draining", "adopted"),
  });

  test("writes what canonicalJson writes for the same entries (every status and family; IPv6 texts from words or from the Cidr; names given or the placed pools')", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, entry), { minLength: 1, maxLength: 20, selector: ([n]) => n }), fc.boolean(), fc.boolean(), (pairs, withWords, namesGiven) => {
        const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const codes: Record<LedgerStatus, number> = { active: 0, draining: 1, adopted: 2 };
        const placed = sorted.map(([n, e]) => ({ name: n, cidr: Cidr.parse(e.cidr) }));
        // The words of every IPv6 range (an IPv4 range's slots hold garbage: they must not be read).
        const words = withWords ? new Int32Array(4 * placed.length).fill(0x5a5a5a5a) : undefined;
        if (words !== undefined) placed.forEach((p, k) => p.cidr.family === 6 && ipv6WordsInto(p.cidr.network, words, 4 * k));
        const index = new PoolIndex(
          namesGiven ? sorted.map(([n]) => n) : undefined,
          new EntryColumns(
            undefined,
            undefined,
            undefined,
            undefined,
            placed,
            words,
            Uint8Array.from(sorted.map(([, e]) => e.family)),
            Uint8Array.from(sorted.map(([, e]) => e.blockSize)),
            Uint8Array.from(sorted.map(([, e]) => codes[e.status])),
          ),
          true,
        );
        expect(canonicalLedgerText(index)).toBe(canonicalJson(freezeLedger(sorted.map(([n, e]) => [n, { ...e }]))));
        expect(index.entriesMade()).toBe(false);
        // Written from the pools' names: no list of them made.
        expect(index.namesMade()).toBe(namesGiven);
        expect(index.names).toEqual(sorted.map(([n]) => n));
        expect(index.size).toBe(sorted.length);
      }),
      { numRuns: 300 },
    );
  });
});
