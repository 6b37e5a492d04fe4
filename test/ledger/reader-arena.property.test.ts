import fc from "fast-check";
import { CarveInput, PoolRequest, carve } from "../../src/carver";
import { Ledger, parseLedger, serializeLedger } from "../../src/ledger";
import { inspectLedger } from "../../src/ledger/inspect";
import { parseLedgerBody } from "../../src/ledger/parse";
import { EntryColumns, madePoolIndex, poolIndex } from "../../src/ledger/pool-index";
import { READER_SCRATCH } from "../../src/ledger/private/canonical-read";
import { ScratchArena } from "../../src/ip/scratch-arena";

/**
 * A ledger read from its canonical text keeps its columns in the reader's arena until the arena's next
 * read, which may overwrite them (`ArenaStamp`); a ledger whose columns were overwritten reads its text
 * again when next used. Whatever reads come in between, every ledger must answer as the same text read
 * the general way, and a carving run must not see its ledger's columns change under it.
 */

/** Everything a ledger says, as text. */
function said(ledger: Ledger): string {
  const inspected = inspectLedger(ledger);
  const index = poolIndex(ledger);
  return JSON.stringify({
    json: ledger,
    text: serializeLedger(ledger),
    cidrs: [...inspected.cidrs].map(([name, cidr]) => `${name} ${cidr.toString()}`),
    names: index.names,
    fields: index.names.map((_, k) => [index.family(k), index.blockSize(k), index.status(k), index.cidr(k)]),
  });
}

/** The columns of a ledger read from its text. */
function columnsOf(ledger: Ledger): EntryColumns {
  const index = madePoolIndex(ledger)!;
  return (index as unknown as { held: EntryColumns }).held;
}

/** A canonical ledger text of `count` IPv4 pools (names p-0..., /26../24 ranges apart), with one draining pool. */
function ledgerText(count: number, offset: number): string {
  const requests: PoolRequest[] = Array.from({ length: count }, (_, i) => ({ name: `p-${offset}-${i}`, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 24 + (i % 3) } }));
  return serializeLedger(carve({ spaces: [{ name: "s", cidr: `10.${offset}.0.0/16` }], requests }).ledger);
}

describe("the reader's columns in its arena", () => {
  test("a ledger read before others answers as its text read the general way, in any order of use", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (sizes, uses) => {
        const texts = sizes.map((count, i) => ledgerText(count, i));
        const ledgers = texts.map((t) => parseLedger(t));
        // Only the last read's columns can still lie in the arena; the others were overwritten and are read again.
        expect(columnsOf(ledgers[ledgers.length - 1]).inArena()).toBe(true);
        for (const u of uses) {
          const k = u % ledgers.length;
          expect(said(ledgers[k])).toBe(said(parseLedgerBody(texts[k])));
          if (u % 3 === 0) parseLedger(texts[(k + 1) % texts.length]); // another read in between
        }
      }),
      { numRuns: 60 },
    );
  });

  test("a ledger whose columns were overwritten reads them again, into arrays of its own", () => {
    const a = ledgerText(30, 1);
    const first = parseLedger(a);
    const generation = READER_SCRATCH.generation;
    expect(columnsOf(first).inArena()).toBe(true);
    parseLedger(ledgerText(50, 2));
    expect(READER_SCRATCH.generation).toBe(generation + 1);
    // Not read again until used.
    expect(columnsOf(first).inArena()).toBe(true);
    expect(said(first)).toBe(said(parseLedgerBody(a)));
    expect(columnsOf(first).inArena()).toBe(false);
    expect(columnsOf(first).cidrStarts!.buffer).not.toBe(READER_SCRATCH.keptBuffer());
  });

  test("a carving run holds the arena: a read during the run (from a request's getter) does not overwrite its ledger's columns", () => {
    const text = ledgerText(40, 3);
    // The same names at other ranges: what a run would take for its own if the columns were overwritten.
    const other = text.replace(/"cidr": "10\.3\./g, '"cidr": "10.9.');
    const requests: PoolRequest[] = Object.keys(parseLedgerBody(text).pools)
      .sort()
      .map((name) => ({ name, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 24 + (Number(name.split("-")[2]) % 3) } }) as PoolRequest);
    const input: Omit<CarveInput, "ledger"> = { spaces: [{ name: "s", cidr: "10.0.0.0/8" }], requests };
    const expected = carve({ ...input, ledger: parseLedgerBody(text) });
    // The same run, a read of another ledger made from inside it at every request's name.
    let reads = 0;
    const sneaky = requests.map((r) => {
      const copy = { ...r };
      Object.defineProperty(copy, "name", {
        enumerable: true,
        get: () => {
          reads++;
          parseLedger(other);
          return r.name;
        },
      });
      return copy as PoolRequest;
    });
    const ledger = parseLedger(text);
    const result = carve({ ...input, requests: sneaky, ledger });
    expect(reads).toBeGreaterThan(0);
    expect(result.findings).toEqual(expected.findings);
    expect(result.pools.map((p) => [p.name, p.cidr.toString(), p.source, p.explanation])).toEqual(expected.pools.map((p) => [p.name, p.cidr.toString(), p.source, p.explanation]));
    expect(result.changes).toEqual([]);
    // And after the run, the ledger still answers as its text.
    expect(said(ledger)).toBe(said(parseLedgerBody(text)));
  });
});

describe("ScratchArena.hold", () => {
  test("a run begun while held takes an arena of its own, and the generation counts the runs begun with the arena", () => {
    const arena = new ScratchArena();
    const g = arena.generation;
    arena.begin(64).end();
    expect(arena.generation).toBe(g + 1);
    arena.hold();
    const other = arena.begin(64);
    expect(other).not.toBe(arena);
    other.end();
    expect(arena.generation).toBe(g + 1);
    arena.release();
    expect(arena.begin(64)).toBe(arena);
    arena.end();
    expect(arena.generation).toBe(g + 2);
  });
});
