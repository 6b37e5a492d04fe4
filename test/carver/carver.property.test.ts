import fc from "fast-check";
import { CarveInput, CarveResult, PoolRequest, carve } from "../../src/carver";
import { Cidr, IntervalSet, NEVER_FOR_PODS } from "../../src/ip";
import { Ledger, emptyLedger, parseLedger, serializeLedger } from "../../src/ledger";

/**
 * Random histories of runs, each run carried to the next through the ledger file's text, as on disk.
 * A run adds, resizes, removes, restores and releases pools of both families; the address spaces are
 * small, so runs also exhaust them.
 */

const SPACES = [
  { name: "v4-main", cidr: "10.0.0.0/20" },
  { name: "v6-main", cidr: "fd00::/104" },
  { name: "v4-overflow", cidr: "10.1.0.0/22" },
];
const EXCLUSIONS = [
  { cidr: "10.0.0.0/24", kind: "node" as const },
  { cidr: "10.0.8.0/23", kind: "service" as const },
  { cidr: "10.1.1.0/25", kind: "reserved" as const, reason: "appliances" },
  { cidr: "fd00::ff:0/112", kind: "service" as const },
];
const EXCLUDED = [...EXCLUSIONS.map((e) => Cidr.parse(e.cidr)), ...NEVER_FOR_PODS.map((s) => s.cidr)];
const FAMILY = {
  4: { blockSizes: [24, 26], minPrefix: 21 },
  6: { blockSizes: [120, 122], minPrefix: 105 },
} as const;

interface Declared {
  readonly name: string;
  readonly family: 4 | 6;
  readonly blockSize: number;
  readonly prefix: number;
}

type Op =
  | { readonly t: "add"; readonly family: 4 | 6; readonly block: number; readonly room: number }
  | { readonly t: "resize"; readonly pick: number; readonly delta: number }
  | { readonly t: "remove"; readonly pick: number }
  | { readonly t: "restore"; readonly pick: number; readonly shrink: number }
  | { readonly t: "release"; readonly pick: number }
  | { readonly t: "shuffle"; readonly seed: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("add" as const), family: fc.constantFrom(4 as const, 6 as const), block: fc.nat(1), room: fc.nat(6) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("resize" as const), pick: fc.nat(), delta: fc.constantFrom(-2, -1, 1, 2) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("restore" as const), pick: fc.nat(), shrink: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("release" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("shuffle" as const), seed: fc.nat() }) },
);
const historyArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 });

const request = (d: Declared): PoolRequest => ({ name: d.name, family: d.family, blockSize: d.blockSize, size: { kind: "prefix", prefixLength: d.prefix } });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Applies one run's edits to the declared pools; returns the pools to declare and the names to release. */
function edit(declared: readonly Declared[], ledger: Ledger, ops: readonly Op[], counter: { n: number }): { next: Declared[]; release: string[] } {
  let next = [...declared];
  const release = new Set<string>();
  const retired = () => Object.keys(ledger.pools).filter((n) => ledger.pools[n].status === "draining" && !next.some((d) => d.name === n) && !release.has(n));
  for (const op of ops) {
    switch (op.t) {
      case "add": {
        const f = FAMILY[op.family];
        const blockSize = f.blockSizes[op.block];
        next.push({ name: `p${counter.n++}`, family: op.family, blockSize, prefix: Math.max(f.minPrefix, blockSize - op.room) });
        break;
      }
      case "resize": {
        if (next.length === 0) break;
        const i = op.pick % next.length;
        const d = next[i];
        const prefix = Math.min(d.blockSize, Math.max(FAMILY[d.family].minPrefix, d.prefix + op.delta));
        next[i] = { ...d, prefix };
        break;
      }
      case "remove":
        if (next.length > 0) next = next.filter((_, i) => i !== op.pick % next.length);
        break;
      case "restore": {
        const names = retired();
        if (names.length === 0) break;
        const name = names[op.pick % names.length];
        const e = ledger.pools[name];
        const prefix = Math.min(e.blockSize, Number(e.cidr.split("/")[1]) + op.shrink);
        next.push({ name, family: e.family, blockSize: e.blockSize, prefix });
        break;
      }
      case "release": {
        const names = retired();
        if (names.length > 0) release.add(names[op.pick % names.length]);
        break;
      }
      case "shuffle":
        next = shuffled(next, op.seed);
        break;
    }
  }
  return { next, release: [...release] };
}

const snapshot = (r: CarveResult) => JSON.stringify({ pools: r.pools, findings: r.findings, changes: r.changes });

function checkRun(input: CarveInput, previous: Ledger, result: CarveResult, declared: readonly Declared[], release: readonly string[]): boolean {
  // Two runs on the same input give byte-identical results and ledgers, whatever the request order.
  const again = carve(input);
  expect(snapshot(again)).toBe(snapshot(result));
  expect(serializeLedger(again.ledger)).toBe(serializeLedger(result.ledger));
  const reordered = carve({ ...input, requests: [...input.requests].reverse() });
  expect(serializeLedger(reordered.ledger)).toBe(serializeLedger(result.ledger));

  const errors = result.findings.filter((f) => f.severity === "error");
  const grown = declared.filter((d) => {
    const e = release.includes(d.name) ? undefined : previous.pools[d.name];
    return e !== undefined && d.prefix < Number(e.cidr.split("/")[1]);
  });
  for (const d of grown) {
    // Asking for more room than the recorded range is refused, with the migration to follow.
    expect(errors).toContainEqual(expect.objectContaining({ code: "CARVE_LEDGER_POOL_GROWN", path: `pools.${d.name}` }));
  }
  for (const f of errors) expect(["CARVE_LEDGER_POOL_GROWN", "CARVE_EXHAUSTED"]).toContain(f.code);
  checkExhaustionIsReal(result, previous, declared, release);
  if (errors.length > 0) {
    // Nothing half-done is ever persisted.
    expect(result.ledger).toBe(previous);
    expect(result.changes).toEqual([]);
    return false;
  }

  // The ledger is valid on disk: parseLedger rejects overlapping ranges, so no live pool overlaps
  // another pool or a retired range.
  const ledger = parseLedger(serializeLedger(result.ledger));
  const live = result.pools.map((p) => p.cidr);
  for (const pool of result.pools) {
    const d = declared.find((x) => x.name === pool.name)!;
    const size = 1n << BigInt(pool.cidr.bits - pool.cidr.prefix);
    expect(pool.cidr.network % size).toBe(0n); // aligned
    expect(pool.cidr.prefix).toBeLessThanOrEqual(pool.blockSize); // at least one block
    expect(pool.cidr.prefix).toBeLessThanOrEqual(d.prefix); // at least the room asked for
    expect(SPACES.some((s) => Cidr.parse(s.cidr).contains(pool.cidr))).toBe(true);
    for (const x of EXCLUDED) expect(x.overlaps(pool.cidr)).toBe(false);
    expect(ledger.pools[pool.name]).toEqual({ family: d.family, cidr: pool.cidr.toString(), blockSize: d.blockSize, status: "active" });
  }
  expect(live).toHaveLength(declared.length);

  for (const [name, before] of Object.entries(previous.pools)) {
    const after = ledger.pools[name];
    if (release.includes(name)) {
      if (!declared.some((d) => d.name === name)) expect(after).toBeUndefined();
      continue;
    }
    // A pool recorded before keeps exactly its range, active or retired; a retired range stays
    // reserved until it is released.
    expect(after).toBeDefined();
    expect({ cidr: after.cidr, family: after.family, blockSize: after.blockSize }).toEqual({ cidr: before.cidr, family: before.family, blockSize: before.blockSize });
    expect(after.status).toBe(declared.some((d) => d.name === name) ? "active" : "draining");
  }
  return true;
}

/** An exhaustion error is real: with what was placed before it, no space of the family had an aligned free range. */
function checkExhaustionIsReal(result: CarveResult, previous: Ledger, declared: readonly Declared[], release: readonly string[]): void {
  for (const f of result.findings.filter((x) => x.code === "CARVE_EXHAUSTED")) {
    const d = declared.find((x) => `pools.${x.name}` === f.path)!;
    const placedBefore = result.pools.filter((p) => p.source === "carved").filter((p) => {
      const o = declared.find((x) => x.name === p.name)!;
      return o.prefix < d.prefix || (o.prefix === d.prefix && o.name < d.name);
    });
    const used = [
      ...EXCLUDED,
      ...Object.entries(previous.pools).filter(([n]) => !release.includes(n)).map(([, e]) => Cidr.parse(e.cidr)),
      ...placedBefore.map((p) => p.cidr),
    ].filter((c) => c.family === d.family);
    const set = IntervalSet.fromCidrs(d.family, used);
    for (const s of SPACES.map((x) => Cidr.parse(x.cidr)).filter((c) => c.family === d.family)) {
      expect(set.bestFit(d.prefix, s)).toBeUndefined();
    }
  }
}

test("over random histories, pools never move, never overlap, and retired ranges wait for release", () => {
  fc.assert(
    fc.property(historyArb, (history) => {
      let ledgerText = serializeLedger(emptyLedger());
      let declared: Declared[] = [];
      const counter = { n: 0 };
      for (const ops of history) {
        const previous = parseLedger(ledgerText);
        const { next, release } = edit(declared, previous, ops, counter);
        const input: CarveInput = { spaces: SPACES, exclusions: EXCLUSIONS, requests: next.map(request), ledger: previous, release };
        const result = carve(input);
        if (checkRun(input, previous, result, next, release)) {
          declared = next;
          ledgerText = serializeLedger(result.ledger);
        }
        // After a failed run the user backs the edit out: the declared pools and the ledger stay.
      }
    }),
    { numRuns: 200 },
  );
});

test("a pool kept across runs has the same CIDR in every run", () => {
  fc.assert(
    fc.property(historyArb, (history) => {
      let ledger = emptyLedger();
      let declared: Declared[] = [];
      const counter = { n: 0 };
      const firstSeen = new Map<string, string>();
      for (const ops of history) {
        const { next, release } = edit(declared, ledger, ops, counter);
        const result = carve({ spaces: SPACES, exclusions: EXCLUSIONS, requests: next.map(request), ledger, release });
        if (result.findings.some((f) => f.severity === "error")) continue;
        for (const name of release) firstSeen.delete(name);
        for (const p of result.pools) {
          const seen = firstSeen.get(p.name);
          if (seen !== undefined) expect(p.cidr.toString()).toBe(seen);
          else firstSeen.set(p.name, p.cidr.toString());
        }
        declared = next;
        ledger = parseLedger(serializeLedger(result.ledger));
      }
    }),
    { numRuns: 100 },
  );
});

test("a recorded pool that a new exclusion overlaps is reported, wherever the two lie in the IPv4 space", () => {
  // Pools carved in one of several spaces across IPv4, then the same pools again with exclusions added
  // anywhere: exactly the recorded pools that overlap an exclusion are errors, with the ledger read from
  // its text (each range as its reader read it) and as carve returned it.
  const spaces = ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "44.0.0.0/8"];
  const arb = fc.record({
    space: fc.constantFrom(...spaces),
    prefixes: fc.array(fc.integer({ min: 16, max: 26 }), { minLength: 1, maxLength: 30 }),
    exclusions: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 12, max: 28 })), { maxLength: 12 }),
    near: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(arb, ({ space, prefixes, exclusions, near }) => {
      const requests: PoolRequest[] = prefixes.map((p, i) => ({ name: `p${i}`, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: p } }));
      const first = carve({ spaces: [{ name: "s", cidr: space }], requests });
      const placed = first.pools.map((p) => p.cidr);
      if (first.findings.some((f) => f.severity === "error")) return;
      // Exclusions anywhere, and some inside or next to a placed pool.
      const ranges = exclusions.map(([address, prefix]) => Cidr.containing(4, BigInt(address), prefix));
      for (const [pick, offset] of near) {
        const pool = placed[pick % placed.length];
        ranges.push(Cidr.containing(4, (pool.network + BigInt(offset) * 256n) % 2n ** 32n, 24));
      }
      const declared = ranges.map((cidr) => ({ cidr: cidr.toString(), kind: "reserved" as const }));
      const expected = first.pools.filter((p) => ranges.some((r) => r.overlaps(p.cidr))).map((p) => `pools.${p.name}`).sort();
      for (const ledger of [first.ledger, parseLedger(serializeLedger(first.ledger))]) {
        const again = carve({ spaces: [{ name: "s", cidr: space }], exclusions: declared, requests, ledger });
        const blamed = again.findings.filter((f) => f.code === "CARVE_POOL_OVERLAPS_EXCLUSION").map((f) => f.path);
        expect([...new Set(blamed)].sort()).toEqual(expected);
      }
    }),
    { numRuns: 300 },
  );
});
