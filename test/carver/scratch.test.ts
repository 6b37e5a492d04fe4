import fc from "fast-check";
import { CarveInput, CarveResult, PoolRequest, carve } from "../../src/carver";
import { CARVE_SCRATCH, ScratchArena } from "../../src/carver/private/scratch";
import { Ipv4RunsBuilder } from "../../src/carver/private/ipv4-runs";
import { parseLedger, serializeLedger } from "../../src/ledger";

/** Everything a user can read of a result, read now (lazy parts included). */
function snapshot(result: CarveResult): string {
  return JSON.stringify({
    pools: result.pools.map((p) => ({ ...p })),
    ledger: serializeLedger(result.ledger),
    entries: result.ledger.pools,
    changes: result.changes,
    findings: result.findings,
  });
}

const requestsOf = (family: 4 | 6, prefixes: readonly number[], tag: string): PoolRequest[] =>
  prefixes.map((p, i) => ({ name: `${tag}${String(i).padStart(3, "0")}`, family, blockSize: family === 4 ? 26 : 122, size: { kind: "prefix", prefixLength: p } }));

describe("carve()'s scratch arena", () => {
  test("a run of the same input as the last takes every scratch array from the buffer the last one left", () => {
    const input: CarveInput = {
      spaces: [{ name: "v4", cidr: "10.0.0.0/8" }, { name: "v6", cidr: "fd00:10::/32" }],
      exclusions: [{ cidr: "10.1.0.0/16", kind: "reserved", reason: "lab" }],
      requests: [...requestsOf(4, [20, 22, 24, 26, 21, 23], "a"), ...requestsOf(6, [56, 60, 64], "b")],
    };
    // The first run of a size grows the buffer as it goes; the next makes one buffer of the size it needs.
    carve(input);
    carve(input);
    const buffer = CARVE_SCRATCH.keptBuffer();
    const first = CARVE_SCRATCH.usage();
    expect(first.taken).toBeGreaterThan(0);
    carve(input);
    // The fast path: nothing taken from a new buffer, and the kept one is the same.
    expect(CARVE_SCRATCH.usage()).toEqual({ taken: first.taken, fresh: 0 });
    expect(CARVE_SCRATCH.keptBuffer()).toBe(buffer);
    expect(CARVE_SCRATCH.running).toBe(false);
  });

  test("a run that throws ends its use of the arena", () => {
    expect(() => carve(null as unknown as CarveInput)).toThrow(TypeError);
    expect(CARVE_SCRATCH.running).toBe(false);
  });

  test("a result read after later runs is what it was when made, first runs and re-runs (the later runs reuse the arena)", () => {
    const runArb = fc.record({
      family: fc.constantFrom(4 as const, 6 as const),
      prefixes: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 40 }),
      exclusions: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
      rerun: fc.boolean(),
      tag: fc.constantFrom("p", "q"),
    });
    const inputOf = (r: { family: 4 | 6; prefixes: number[]; exclusions: number[]; rerun: boolean; tag: string }): CarveInput => {
      const v4 = r.family === 4;
      const input: CarveInput = {
        spaces: [{ name: "s", cidr: v4 ? "10.0.0.0/12" : "fd00:10::/40" }],
        exclusions: r.exclusions.map((x) => ({ cidr: v4 ? `10.${x & 15}.${x}.0/24` : `fd00:10:${x.toString(16)}::/48`, kind: "reserved" as const, reason: "test" })),
        requests: requestsOf(r.family, r.prefixes.map((p) => (v4 ? 18 + p : 52 + p)), r.tag),
      };
      return r.rerun ? { ...input, ledger: parseLedger(serializeLedger(carve(input).ledger)) } : input;
    };
    fc.assert(
      fc.property(fc.array(runArb, { minLength: 2, maxLength: 4 }), (runs) => {
        const inputs = runs.map(inputOf);
        // Each result made, then left unread while the later runs go.
        const held = inputs.map((input) => carve(input));
        const late = held.map(snapshot);
        // The same runs, each result read at once.
        const fresh = inputs.map((input) => snapshot(carve(input)));
        expect(late).toEqual(fresh);
      }),
      { numRuns: 60 },
    );
  });
});

test("IPv4 runs built in a scratch are the runs built in fresh arrays, run after run of the same arena", () => {
  const arena = new ScratchArena();
  const cidrsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })), { maxLength: 300 });
  fc.assert(
    fc.property(cidrsArb, (cidrs) => {
      const fresh = new Ipv4RunsBuilder(cidrs.length);
      const scratch = arena.begin();
      // Garbage first: the scratch's slices are not zeroed.
      scratch.f64(cidrs.length + 7).fill(1234.5);
      scratch.end();
      scratch.begin();
      const inScratch = new Ipv4RunsBuilder(cidrs.length, scratch);
      for (const [address, prefix] of cidrs) {
        const network = prefix === 0 ? 0 : (address - (address % 2 ** (32 - prefix)));
        fresh.add(network, prefix);
        inScratch.add(network, prefix);
      }
      const a = fresh.runs();
      const b = inScratch.runs();
      expect(b.count).toBe(a.count);
      expect(Array.from(b.firsts.subarray(0, b.count))).toEqual(Array.from(a.firsts.subarray(0, a.count)));
      expect(Array.from(b.lasts.subarray(0, b.count))).toEqual(Array.from(a.lasts.subarray(0, a.count)));
      expect(b.lasts.buffer).toBe(scratch.keptBuffer());
      scratch.end();
    }),
    { numRuns: 200 },
  );
});

describe("ScratchArena", () => {
  test("a run's slices lie in one buffer sized for the last run, 8-aligned, without overlap; a larger run grows it, and the next run of that size makes none", () => {
    const arena = new ScratchArena();
    const take = (more = 0) => {
      const run = arena.begin();
      const slices = [run.i32(3), run.u8(5), run.f64(2), ...(more > 0 ? [run.f64(more)] : [])];
      run.end();
      return slices;
    };
    take();
    expect(arena.usage().taken).toBe(40);
    const [a, b, c] = take();
    expect(arena.usage()).toEqual({ taken: 40, fresh: 40 });
    expect([a.byteOffset, b.byteOffset, c.byteOffset]).toEqual([0, 16, 24]);
    expect(a.buffer).toBe(c.buffer);
    expect(take(100)[3].length).toBe(100);
    expect(arena.usage().fresh).toBeGreaterThan(0);
    take(100);
    expect(arena.usage()).toEqual({ taken: 40 + 800, fresh: 0 });
  });

  test("a run begun inside a run gets an arena of its own, whose arrays do not overlap the outer run's", () => {
    const arena = new ScratchArena();
    arena.begin();
    const outer = arena.i32(4).fill(7);
    const inner = arena.begin();
    expect(inner).not.toBe(arena);
    inner.i32(4).fill(9);
    inner.end();
    expect([...outer]).toEqual([7, 7, 7, 7]);
    arena.end();
    expect(arena.running).toBe(false);
  });

  test("a run's lists are the last run's, turn by turn, and are emptied when it ends", () => {
    const arena = new ScratchArena();
    arena.begin();
    const a = arena.list<object>(3);
    const b = arena.list<object>(2);
    a[0] = {};
    b[1] = {};
    arena.end();
    expect([...a, ...b]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    arena.begin();
    expect(arena.list(3)).toBe(a);
    expect(arena.list(5)).not.toBe(b);
    arena.end();
    expect(arena.usage().fresh).toBe(40);
    arena.begin();
    expect(arena.list(2)).toBe(a);
    arena.end();
    expect(arena.usage().fresh).toBe(0);
  });

  test("an array taken outside a run is an error", () => {
    expect(() => new ScratchArena().i32(1)).toThrow(/outside begin/);
    expect(() => new ScratchArena().list(1)).toThrow(/outside begin/);
  });
});
