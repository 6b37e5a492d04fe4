import fc from "fast-check";
import {
  AddressRange,
  Cidr,
  FAMILY_BITS,
  IntervalSet,
  IpFamily,
  aggregate,
  findOverlaps,
  formatAddress,
  parseAddress,
} from "../../src/ip";

// ---------------------------------------------------------------------------------------------
// Generators

const MAX = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n } as const;
const V4_MAPPED = Cidr.of(6, 0xffffn << 32n, 96);

const v4Address = fc.bigInt(0n, MAX[4]);
/** IPv6 values built from groups, biased to zero runs so that "::" compression is exercised. */
const v6Address = fc.oneof(
  fc
    .array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    })
    .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)),
  fc.bigInt(0n, MAX[6]),
  v4Address.map((v) => (0xffffn << 32n) | v),
);
const address = fc.oneof(
  v4Address.map((value) => ({ family: 4 as IpFamily, value })),
  v6Address.map((value) => ({ family: 6 as IpFamily, value })),
);

/** Any CIDR of the family inside `w` (the whole space by default). */
const cidrIn = (w: Cidr) =>
  fc
    .tuple(fc.integer({ min: w.prefix, max: w.bits }), fc.bigInt(w.first, w.last))
    .map(([prefix, a]) => Cidr.containing(w.family, a, prefix));
const anyCidr = fc.oneof(cidrIn(Cidr.parse("0.0.0.0/0")), cidrIn(Cidr.parse("::/0")));
/** CIDRs crowded into small windows, so that overlaps are common. */
const crowdedCidr = fc.oneof(
  cidrIn(Cidr.parse("10.0.0.0/24")),
  cidrIn(Cidr.parse("fd00::/120")),
  cidrIn(Cidr.parse("10.0.0.0/8")),
);

/** A non-empty range inside `w`: long, short, or a CIDR. */
const rangeIn = (w: Cidr): fc.Arbitrary<AddressRange> =>
  fc.oneof(
    fc.tuple(fc.bigInt(w.first, w.last), fc.bigInt(w.first, w.last)).map(([x, y]) => (x <= y ? { first: x, last: y } : { first: y, last: x })),
    fc.tuple(fc.bigInt(w.first, w.last), fc.bigInt(0n, 40n)).map(([x, n]) => ({ first: x, last: x + n > w.last ? w.last : x + n })),
    cidrIn(w),
  );

/** IPv6 ranges on a coarse grid of 2^58 with small jitter: gaps are far above 2^53, so double roundings tie. */
const V6_WIDE = Cidr.parse("fd00::/64");
const wideV6Point = fc
  .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: -3, max: 3 }))
  .map(([k, jitter]) => {
    const v = V6_WIDE.first + (BigInt(k) << 58n) + BigInt(jitter);
    return v < V6_WIDE.first ? V6_WIDE.first : v > V6_WIDE.last ? V6_WIDE.last : v;
  });
const wideV6Range: fc.Arbitrary<AddressRange> = fc
  .tuple(wideV6Point, wideV6Point)
  .map(([x, y]) => (x <= y ? { first: x, last: y } : { first: y, last: x }));

type Op = { kind: "add" | "remove"; range: AddressRange };
const opsOf = (range: fc.Arbitrary<AddressRange>, maxLength = 30) =>
  fc.array(fc.record({ kind: fc.constantFrom<"add" | "remove">("add", "add", "remove"), range }), { maxLength });

// ---------------------------------------------------------------------------------------------
// Brute-force models

/** The set as a bitmap over a small IPv4 window: the obvious, enumerating model. */
class BitmapModel {
  readonly bits: Uint8Array;
  constructor(readonly window: Cidr) {
    this.bits = new Uint8Array(Number(window.size));
  }
  apply(op: Op): void {
    const base = this.window.first;
    this.bits.fill(op.kind === "add" ? 1 : 0, Number(op.range.first - base), Number(op.range.last - base) + 1);
  }
  has(v: bigint): boolean {
    return this.bits[Number(v - this.window.first)] === 1;
  }
  /** Maximal runs of addresses with the given state inside `within`, found address by address. */
  runs(state: boolean, within: AddressRange): AddressRange[] {
    const base = this.window.first;
    const want = state ? 1 : 0;
    const out: AddressRange[] = [];
    let start = -1;
    const from = Number(within.first - base);
    const to = Number(within.last - base);
    for (let i = from; i <= to; i++) {
      if (this.bits[i] === want) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        out.push({ first: base + BigInt(start), last: base + BigInt(i - 1) });
        start = -1;
      }
    }
    if (start >= 0) out.push({ first: base + BigInt(start), last: within.last });
    return out;
  }
}

/**
 * The set over elementary intervals between every boundary the test uses: exact for any bigint
 * values, and still brute force (it walks every elementary interval).
 */
class CompressedModel {
  private readonly points: bigint[];
  private readonly used: boolean[];
  constructor(ranges: readonly AddressRange[]) {
    const ps = new Set<bigint>();
    for (const r of ranges) {
      ps.add(r.first);
      ps.add(r.last + 1n);
    }
    this.points = [...ps].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.used = new Array<boolean>(Math.max(this.points.length - 1, 0)).fill(false);
  }
  apply(op: Op): void {
    for (let i = 0; i < this.used.length; i++) {
      if (this.points[i] >= op.range.first && this.points[i + 1] - 1n <= op.range.last) this.used[i] = op.kind === "add";
    }
  }
  /** Maximal runs of the given state inside `within` (whose bounds must be among the boundaries). */
  runs(state: boolean, within: AddressRange): AddressRange[] {
    const out: AddressRange[] = [];
    for (let i = 0; i < this.used.length; i++) {
      const first = this.points[i];
      const last = this.points[i + 1] - 1n;
      if (first < within.first || last > within.last || this.used[i] !== state) continue;
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.last + 1n === first) out[out.length - 1] = { first: prev.first, last };
      else out.push({ first, last });
    }
    return out;
  }
}

/** bestFit as specified, from the free runs of a model. */
function oracleBestFit(family: IpFamily, freeRuns: readonly AddressRange[], prefix: number): Cidr | undefined {
  const size = 1n << BigInt(FAMILY_BITS[family] - prefix);
  let best: { start: bigint; room: bigint } | undefined;
  for (const run of freeRuns) {
    const start = ((run.first + size - 1n) / size) * size;
    const room = run.last - run.first + 1n;
    if (start + size - 1n <= run.last && (best === undefined || room < best.room)) best = { start, room };
  }
  return best && Cidr.of(family, best.start, prefix);
}

const plain = (rs: readonly AddressRange[]) => rs.map((r) => ({ first: r.first, last: r.last }));

/** Sort-and-merge of ranges, written independently of IntervalSet. */
function naiveUnion(rs: readonly AddressRange[]): AddressRange[] {
  const sorted = [...rs].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: AddressRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && r.first <= prev.last + 1n) out[out.length - 1] = { first: prev.first, last: r.last > prev.last ? r.last : prev.last };
    else out.push({ first: r.first, last: r.last });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Properties

describe("addresses and CIDRs", () => {
  test("an address printed and parsed again is the same address", () => {
    fc.assert(
      fc.property(address, ({ family, value }) => {
        expect(parseAddress(formatAddress(family, value))).toEqual({ family, value });
      }),
      { numRuns: 500 },
    );
  });

  test("every IPv6 spelling of an address (upper case, leading zeros, no compression) reads the same", () => {
    fc.assert(
      fc.property(v6Address, fc.boolean(), (value, upper) => {
        const groups: string[] = [];
        for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16).padStart(4, "0"));
        const full = groups.join(":");
        const text = upper ? full.toUpperCase() : full;
        expect(parseAddress(text).value).toBe(value);
        expect(formatAddress(6, parseAddress(text).value)).toBe(formatAddress(6, value));
      }),
      { numRuns: 300 },
    );
  });

  test("a CIDR printed and parsed again is the same CIDR (or refused as IPv4-mapped)", () => {
    fc.assert(
      fc.property(anyCidr, (cidr) => {
        const text = cidr.toString();
        if (cidr.family === 6 && cidr.prefix >= 96 && V4_MAPPED.contains(cidr)) {
          expect(() => Cidr.parse(text)).toThrow(expect.objectContaining({ code: "IPV6_V4_MAPPED" }));
        } else {
          expect(Cidr.parse(text).equals(cidr)).toBe(true);
          expect(Cidr.parse(text).toString()).toBe(text);
        }
      }),
      { numRuns: 500 },
    );
  });

  test("split children tile the parent exactly: contiguous, disjoint, union equal to the parent", () => {
    fc.assert(
      fc.property(anyCidr, fc.integer({ min: 0, max: 8 }), (parent, extra) => {
        const newPrefix = Math.min(parent.prefix + extra, parent.bits);
        const children = parent.split(newPrefix);
        expect(BigInt(children.length)).toBe(parent.countChildren(newPrefix));
        expect(children[0].first).toBe(parent.first);
        expect(children[children.length - 1].last).toBe(parent.last);
        // One assertion over all children keeps the test fast; the message names the first bad child.
        const bad = children.find(
          (child, i) =>
            child.prefix !== newPrefix ||
            !parent.contains(child) ||
            !child.supernet(parent.prefix).equals(parent) ||
            !parent.child(newPrefix, BigInt(i)).equals(child) ||
            (i > 0 && child.first !== children[i - 1].last + 1n),
        );
        expect(bad?.toString()).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  test("overlap is symmetric and, for CIDRs, the same as one containing the other", () => {
    fc.assert(
      fc.property(crowdedCidr, crowdedCidr, (a, b) => {
        expect(a.overlaps(b)).toBe(b.overlaps(a));
        expect(a.overlaps(b)).toBe(a.contains(b) || b.contains(a));
        expect(a.contains(b) && b.contains(a)).toBe(a.equals(b));
      }),
      { numRuns: 1000 },
    );
  });

  test("last, size, contains, overlaps and containsAddress agree with the address interval of each CIDR", () => {
    // A Cidr stores no last address: these are computed from network and prefix.
    const within = (v: bigint, c: Cidr) => v >= c.network && v <= c.network + (1n << BigInt(c.bits - c.prefix)) - 1n;
    fc.assert(
      fc.property(fc.oneof(crowdedCidr, anyCidr), fc.oneof(crowdedCidr, anyCidr), address, (a, b, probe) => {
        const size = 1n << BigInt(a.bits - a.prefix);
        expect(a.size).toBe(size);
        expect(a.last).toBe(a.network + size - 1n);
        expect(a.first).toBe(a.network);
        const sameFamily = a.family === b.family;
        expect(a.contains(b)).toBe(sameFamily && within(b.first, a) && within(b.last, a));
        expect(a.overlaps(b)).toBe(sameFamily && a.first <= b.last && b.first <= a.last);
        if (probe.family === a.family) expect(a.containsAddress(probe.value)).toBe(within(probe.value, a));
        for (const v of [a.first, a.last, a.first - 1n, a.last + 1n, b.first, b.last]) {
          expect(a.containsAddress(v)).toBe(v >= a.first && v <= a.last);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test("findOverlaps gives exactly the pairs that the O(n²) comparison gives", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(crowdedCidr, anyCidr), { maxLength: 40 }), (cidrs) => {
        const expected: Array<[number, number]> = [];
        for (let i = 0; i < cidrs.length; i++) {
          for (let j = i + 1; j < cidrs.length; j++) if (cidrs[i].overlaps(cidrs[j])) expected.push([i, j]);
        }
        expect(findOverlaps(cidrs)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("IntervalSet against brute-force models", () => {
  const WINDOW = Cidr.parse("10.1.0.0/20");

  test("after random adds and removes in an IPv4 /20 the ranges are those of a bitmap", () => {
    fc.assert(
      fc.property(opsOf(rangeIn(WINDOW)), rangeIn(WINDOW), (ops, probe) => {
        const set = new IntervalSet(4);
        const model = new BitmapModel(WINDOW);
        for (const op of ops) {
          if (op.kind === "add") set.add(op.range);
          else set.remove(op.range);
          model.apply(op);
        }
        expect(plain(set.ranges())).toEqual(model.runs(true, WINDOW));
        expect(set.size).toBe(BigInt(model.bits.reduce((n, b) => n + b, 0)));
        expect(set.isEmpty).toBe(set.size === 0n);
        expect(plain(set.freeRanges(probe))).toEqual(model.runs(false, probe));
        const visited: AddressRange[] = [];
        set.forEachFreeRange(probe, (first, last) => visited.push({ first, last }));
        expect(visited).toEqual(model.runs(false, probe));
        expect(plain(set.clone().ranges())).toEqual(plain(set.ranges()));
        const probeUsed = model.runs(true, probe);
        expect(set.intersects(probe)).toBe(probeUsed.length > 0);
        expect(set.covers(probe)).toBe(probeUsed.length === 1 && probeUsed[0].first === probe.first && probeUsed[0].last === probe.last);
        for (const v of [probe.first, probe.last, (probe.first + probe.last) / 2n]) expect(set.containsAddress(v)).toBe(model.has(v));
      }),
      { numRuns: 300 },
    );
  });

  test("after random adds and removes of huge IPv6 ranges the ranges are those of an exact model", () => {
    fc.assert(
      fc.property(opsOf(wideV6Range, 40), (ops) => {
        const set = new IntervalSet(6);
        const model = new CompressedModel([V6_WIDE, ...ops.map((o) => o.range)]);
        for (const op of ops) {
          if (op.kind === "add") set.add(op.range);
          else set.remove(op.range);
          model.apply(op);
        }
        expect(plain(set.ranges())).toEqual(model.runs(true, V6_WIDE));
        expect(plain(set.freeRanges(V6_WIDE))).toEqual(model.runs(false, V6_WIDE));
      }),
      { numRuns: 300 },
    );
  });

  test("fromCidrs builds the same set as adding the CIDRs one by one", () => {
    fc.assert(
      fc.property(fc.array(crowdedCidr.filter((c) => c.family === 4), { maxLength: 30 }), (cidrs) => {
        const added = new IntervalSet(4);
        for (const c of cidrs) added.add(c);
        expect(plain(IntervalSet.fromCidrs(4, cidrs).ranges())).toEqual(plain(added.ranges()));
        expect(plain(added.ranges())).toEqual(naiveUnion(cidrs));
      }),
    );
  });
});

describe("carving with bestFit", () => {
  const WINDOW = Cidr.parse("10.1.0.0/20");

  test("repeated bestFit + add in an IPv4 /20 matches the specified best fit and never overlaps", () => {
    fc.assert(
      fc.property(
        opsOf(rangeIn(WINDOW), 15),
        cidrIn(WINDOW).filter((w) => w.prefix <= 28),
        fc.array(fc.integer({ min: 20, max: 32 }), { minLength: 1, maxLength: 25 }),
        (ops, within, prefixes) => {
          const used = new IntervalSet(4);
          const model = new BitmapModel(WINDOW);
          for (const op of ops) {
            if (op.kind === "add") used.add(op.range);
            else used.remove(op.range);
            model.apply(op);
          }
          const carved: Cidr[] = [];
          for (const prefix of prefixes) {
            const got = used.bestFit(prefix, within);
            const expected = prefix < within.prefix ? undefined : oracleBestFit(4, model.runs(false, within), prefix);
            expect(got?.toString()).toBe(expected?.toString());
            if (got === undefined) continue;
            expect(got.prefix).toBe(prefix);
            expect(got.network % got.size).toBe(0n);
            expect(within.contains(got)).toBe(true);
            expect(used.intersects(got)).toBe(false);
            for (const earlier of carved) expect(got.overlaps(earlier)).toBe(false);
            carved.push(got);
            used.add(got);
            model.apply({ kind: "add", range: got });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("bestFit over huge IPv6 gaps picks the exact least room, even where doubles round equal", () => {
    fc.assert(
      fc.property(
        opsOf(wideV6Range, 30),
        fc.array(fc.integer({ min: 64 + 1, max: 64 + 10 }), { minLength: 1, maxLength: 20 }),
        (ops, prefixes) => {
          const used = new IntervalSet(6);
          const model = new CompressedModel([V6_WIDE, ...ops.map((o) => o.range)]);
          for (const op of ops) {
            if (op.kind === "add") used.add(op.range);
            else used.remove(op.range);
            model.apply(op);
          }
          // The set matches the exact model before carving; from then on its own free ranges feed the oracle.
          expect(plain(used.freeRanges(V6_WIDE))).toEqual(model.runs(false, V6_WIDE));
          const carved: Cidr[] = [];
          for (const prefix of prefixes) {
            const got = used.bestFit(prefix, V6_WIDE);
            expect(got?.toString()).toBe(oracleBestFit(6, plain(used.freeRanges(V6_WIDE)), prefix)?.toString());
            if (got === undefined) continue;
            expect(V6_WIDE.contains(got)).toBe(true);
            expect(used.intersects(got)).toBe(false);
            for (const earlier of carved) expect(got.overlaps(earlier)).toBe(false);
            carved.push(got);
            used.add(got);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("largestFree gives the biggest aligned free CIDRs, largest first, lowest address on ties", () => {
    fc.assert(
      fc.property(opsOf(rangeIn(WINDOW), 15), fc.integer({ min: 0, max: 12 }), (ops, limit) => {
        const used = new IntervalSet(4);
        for (const op of ops) {
          if (op.kind === "add") used.add(op.range);
          else used.remove(op.range);
        }
        const free = used.largestFree(WINDOW, limit);
        const expected = used
          .freeRanges(WINDOW)
          .flatMap((r) => aggregate(4, [r]))
          .sort((a, b) => a.prefix - b.prefix || (a.network < b.network ? -1 : 1))
          .slice(0, limit);
        expect(free.map(String)).toEqual(expected.map(String));
        for (const c of free) expect(used.intersects(c)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe("aggregate", () => {
  const isSibling = (a: Cidr, b: Cidr) => a.prefix === b.prefix && a.prefix > 0 && a.supernet(a.prefix - 1).equals(b.supernet(b.prefix - 1));

  test.each([
    ["IPv4 /20", Cidr.parse("10.1.0.0/20")],
    ["IPv6 /64", Cidr.parse("fd00::/64")],
    ["IPv4 whole space", Cidr.parse("0.0.0.0/0")],
  ])("in an %s, the union of the output is the union of the input, and no two outputs could merge", (_name, window) => {
    fc.assert(
      fc.property(fc.array(rangeIn(window), { maxLength: 20 }), (ranges) => {
        const out = aggregate(window.family, ranges);
        expect(naiveUnion(out)).toEqual(naiveUnion(ranges));
        const mergeable = out.findIndex((c, i) => i > 0 && (out[i - 1].last >= c.first || isSibling(out[i - 1], c)));
        expect(mergeable).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  test("in an IPv4 /20 the output covers exactly the addresses of the input, address by address", () => {
    const window = Cidr.parse("10.1.0.0/20");
    fc.assert(
      fc.property(fc.array(rangeIn(window), { maxLength: 10 }), (ranges) => {
        const model = new BitmapModel(window);
        for (const range of ranges) model.apply({ kind: "add", range });
        const out = new BitmapModel(window);
        for (const range of aggregate(4, ranges)) out.apply({ kind: "add", range });
        expect(out.runs(true, window)).toEqual(model.runs(true, window));
      }),
      { numRuns: 100 },
    );
  });
});
