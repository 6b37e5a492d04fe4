import fc from "fast-check";
import { FreeSpace } from "../../src/carver/private/free-space";
import { Ipv4RunsBuilder, V4_SLASH16_COUNT, V4_SLASH16_SIZE, firstRunEndingAtOrAfter, indexRunsBySlash16 } from "../../src/carver/private/ipv4-runs";
import { Cidr, IntervalSet, rangeToCidrs } from "../../src/ip";
import { ipv6CidrTextOfWords } from "../../src/ip/address";

/**
 * The carver's free list against a plain model of the same buddy algorithm: the free space cut into
 * maximal aligned CIDRs (rangeToCidrs), and each allocation of a /P taking the lowest of the
 * smallest free blocks that hold it, giving back the upper halves it does not need. The spaces cover
 * each of the free list's internal representations: offsets as doubles (IPv4, and IPv6 spaces of at
 * most 2^52 addresses, below or above 2^53), free runs as bigints cut into numbered units (large IPv6
 * spaces whose finest request is at most 2^52 units: their whole units as doubles, the ragged ends as
 * bigints), and networks as bigints throughout (large IPv6 spaces carved down to /128).
 */

class Model {
  private blocks: Cidr[];

  constructor(
    private readonly space: Cidr,
    used: IntervalSet,
  ) {
    this.blocks = used.freeRanges(space).flatMap((r) => rangeToCidrs(space.family, r));
  }

  allocate(prefix: number): bigint | undefined {
    let best: Cidr | undefined;
    for (const b of this.blocks) {
      if (b.prefix > prefix) continue;
      if (best === undefined || b.prefix > best.prefix || (b.prefix === best.prefix && b.network < best.network)) best = b;
    }
    if (best === undefined) return undefined;
    const taken = best;
    this.blocks = this.blocks.filter((b) => b !== taken);
    for (let r = taken.prefix + 1; r <= prefix; r++) {
      this.blocks.push(Cidr.of(this.space.family, taken.network + (1n << BigInt(this.space.bits - r)), r));
    }
    return taken.network;
  }

  largestFree(limit: number): string[] {
    return [...this.blocks]
      .sort((a, b) => a.prefix - b.prefix || (a.network < b.network ? -1 : 1))
      .slice(0, limit)
      .map(String);
  }

  freeAddresses(): bigint {
    return this.blocks.reduce((sum, b) => sum + b.size, 0n);
  }
}

/** A CIDR inside `w`, mostly small ones near its start, so that free runs have ragged ends. */
const usedIn = (w: Cidr) => {
  const near = Cidr.containing(w.family, w.network, Math.min(w.bits, w.prefix + 12));
  const any = (x: Cidr, longest: number) =>
    fc
      .tuple(fc.integer({ min: Math.min(x.prefix + 1, longest), max: longest }), fc.bigInt(x.first, x.last))
      .map(([p, a]) => Cidr.containing(x.family, a, p));
  const tiny = fc
    .tuple(fc.integer({ min: Math.max(w.prefix, w.bits - 3), max: w.bits }), fc.bigInt(near.first, near.last))
    .map(([p, a]) => Cidr.containing(w.family, a, p));
  return fc.oneof(any(near, w.bits), tiny, any(w, w.bits), any(w, Math.min(w.bits, w.prefix + 8)));
};

const SPACES: Array<{ space: string; finest: [number, number]; what: string }> = [
  { space: "10.0.0.0/20", finest: [20, 32], what: "IPv4, offsets as doubles" },
  { space: "0.0.0.0/0", finest: [0, 32], what: "the whole IPv4 space" },
  { space: "::/76", finest: [76, 128], what: "IPv6 below 2^53, offsets as doubles" },
  { space: "::20:0:0:0/76", finest: [120, 128], what: "IPv6 just above 2^53, offsets as doubles" },
  { space: "fd00::/104", finest: [104, 128], what: "IPv6 far above 2^53, offsets as doubles" },
  { space: "fd00::/64", finest: [64, 116], what: "IPv6 /64, bigint runs cut into numbered units" },
  { space: "fd00:10::/32", finest: [56, 84], what: "IPv6 /32 carved down to /84 at most, bigint runs cut into numbered units" },
  { space: "fd00:10::/32", finest: [85, 128], what: "IPv6 /32, bigint networks throughout" },
  { space: "::/0", finest: [0, 128], what: "the whole IPv6 space" },
];

describe.each(SPACES)("FreeSpace of $space ($what) matches the model", ({ space: text, finest: [lo, hi] }) => {
  const space = Cidr.parse(text);

  test("allocations, largest free blocks and free addresses", () => {
    fc.assert(
      fc.property(
        fc.array(usedIn(space), { maxLength: 25 }),
        fc.integer({ min: lo, max: hi }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (usedCidrs, finest, picks) => {
          const used = IntervalSet.fromCidrs(space.family, usedCidrs);
          const free = new FreeSpace(space, used, finest);
          const model = new Model(space, used);
          expect(free.largestFree(6).map(String)).toEqual(model.largestFree(6));
          expect(free.freeAddresses()).toBe(model.freeAddresses());
          for (const pick of picks) {
            // Half of the requests ask for the finest few prefixes, where blocks are small and odd.
            const prefix = pick % 2 === 0 ? Math.max(space.prefix, finest - (pick % 8) / 2) : space.prefix + (pick % (finest - space.prefix + 1));
            const network = free.allocate(prefix);
            expect(network).toBe(model.allocate(prefix));
            if (network !== undefined) expect(valueOfWordsOfLast(free)).toBe(network);
          }
          expect(free.largestFree(6).map(String)).toEqual(model.largestFree(6));
          expect(free.freeAddresses()).toBe(model.freeAddresses());
        },
      ),
      { numRuns: 150 },
    );
  });
});

test("a free list refuses a prefix finer than it was built for", () => {
  const free = new FreeSpace(Cidr.parse("10.0.0.0/16"), new IntervalSet(4), 24);
  expect(() => free.allocate(25)).toThrow("/25 is finer than the /24 this free list was built for");
  expect(free.allocate(24)).toBe(0x0a000000n);
});

/** Any IPv4 CIDR, mostly small ones near 10.0.0.0/20 (so that they overlap, touch and cut the space's edges). */
const anyIPv4 = fc.oneof(
  fc.tuple(fc.integer({ min: 18, max: 32 }), fc.bigInt(0x09ffff00n, 0x0a0010ffn)).map(([p, a]) => Cidr.containing(4, a, p)),
  fc.tuple(fc.integer({ min: 0, max: 32 }), fc.bigInt(0n, 0xffffffffn)).map(([p, a]) => Cidr.containing(4, a, p)),
);

test("the /16 index of IPv4 runs gives each /16 the first run ending at or after its first address, as the binary search does", () => {
  const anyAnywhere = fc.tuple(fc.integer({ min: 0, max: 32 }), fc.bigInt(0n, 0xffffffffn)).map(([p, a]) => Cidr.containing(4, a, p));
  fc.assert(
    fc.property(fc.array(fc.oneof(anyIPv4, anyAnywhere), { maxLength: 40 }), (cidrs) => {
      const builder = new Ipv4RunsBuilder(cidrs.length);
      for (const c of cidrs) builder.addCidr(c);
      const runs = builder.runs();
      const starts = new Int32Array(V4_SLASH16_COUNT).fill(-7); // every slot must be written
      indexRunsBySlash16(runs, starts);
      for (let b = 0; b < V4_SLASH16_COUNT; b++) {
        const want = firstRunEndingAtOrAfter(runs, b * V4_SLASH16_SIZE);
        if (starts[b] !== want) expect({ slash16: b, got: starts[b] }).toEqual({ slash16: b, got: want });
      }
    }),
    { numRuns: 200 },
  );
  // The edges: no runs; a run ending on the last address; runs inside one /16 and on its borders.
  for (const texts of [[], ["255.255.255.255/32"], ["0.0.0.0/0"], ["10.0.0.0/32", "10.0.0.5/32", "10.0.255.255/32", "10.1.0.0/32"], ["0.0.0.0/32"]]) {
    const builder = new Ipv4RunsBuilder(texts.length);
    for (const t of texts) builder.addCidr(Cidr.parse(t));
    const runs = builder.runs();
    const starts = new Int32Array(V4_SLASH16_COUNT).fill(-7);
    indexRunsBySlash16(runs, starts);
    expect(Array.from(starts, (_, b) => firstRunEndingAtOrAfter(runs, b * V4_SLASH16_SIZE))).toEqual(Array.from(starts));
  }
});

test("IPv4 runs of doubles are the union IntervalSet.fromCidrs holds", () => {
  fc.assert(
    fc.property(fc.array(anyIPv4, { maxLength: 60 }), (cidrs) => {
      const builder = new Ipv4RunsBuilder(cidrs.length + 1);
      for (const c of cidrs) builder.addCidr(c);
      const runs = builder.runs();
      const got = Array.from({ length: runs.count }, (_, k) => [BigInt(runs.firsts[k]), BigInt(runs.lasts[k])]);
      expect(got).toEqual(IntervalSet.fromCidrs(4, cidrs).ranges().map((r) => [r.first, r.last]));
    }),
    { numRuns: 300 },
  );
});

test.each(["10.0.0.0/20", "0.0.0.0/0", "10.0.16.0/24", "255.255.255.0/24"])(
  "a free list of %s built from IPv4 runs is the one built from the IntervalSet",
  (text) => {
    const space = Cidr.parse(text);
    fc.assert(
      fc.property(fc.array(anyIPv4, { maxLength: 40 }), fc.integer({ min: space.prefix, max: 32 }), fc.array(fc.nat(), { maxLength: 30 }), (cidrs, finest, picks) => {
        const builder = new Ipv4RunsBuilder(cidrs.length);
        for (const c of cidrs) builder.addCidr(c);
        const fromRuns = new FreeSpace(space, builder.runs(), finest);
        const fromSet = new FreeSpace(space, IntervalSet.fromCidrs(4, cidrs), finest);
        expect(fromRuns.largestFree(8).map(String)).toEqual(fromSet.largestFree(8).map(String));
        expect(fromRuns.freeAddresses()).toBe(fromSet.freeAddresses());
        for (const pick of picks) {
          const prefix = space.prefix + (pick % (finest - space.prefix + 1));
          expect(fromRuns.allocate(prefix)).toBe(fromSet.allocate(prefix));
        }
        expect(fromRuns.largestFree(8).map(String)).toEqual(fromSet.largestFree(8).map(String));
      }),
      { numRuns: 150 },
    );
  },
);

test("IPv4 runs are refused for an IPv6 space", () => {
  expect(() => new FreeSpace(Cidr.parse("fd00::/64"), new Ipv4RunsBuilder(0).runs(), 80)).toThrow("IPv4 runs given for the free list of fd00::/64");
});

/**
 * The network of the last block handed out, read back from the words `wordsOfLast` writes, here in the
 * middle of a larger list (the slots around them are left as they were).
 */
function valueOfWordsOfLast(free: FreeSpace): bigint {
  const out = new Int32Array(6).fill(-1);
  free.wordsOfLast(out, 1);
  expect([out[0], out[5]]).toEqual([-1, -1]);
  return [1, 2, 3, 4].reduce((v, j) => (v << 32n) | BigInt(out[j] >>> 0), 0n);
}

/**
 * An IPv6 free list writes the words of each block it hands out from the block's offset in units of one
 * /finest, shifted into 32-bit words (and makes its network from the last one handed out when it
 * follows that by a power of two of units). The lower half of the space is used, so that the offsets
 * are large and reach every word the shift puts them in, for every unit size (finest) and every space.
 */
test.each(["::/0", "fd00::/8", "fd00:10::/32", "2001:db8:ffff:ff00::/56", "fd00::/104"])(
  "the words, text and network of each block of %s, offsets large, are its CIDR's",
  (text) => {
    const space = Cidr.parse(text);
    const lowerHalf = IntervalSet.fromCidrs(6, [Cidr.containing(6, space.network, space.prefix + 1)]);
    fc.assert(
      fc.property(fc.integer({ min: space.prefix + 1, max: 128 }), fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (finest, picks) => {
        const free = new FreeSpace(space, lowerHalf, finest);
        const model = new Model(space, lowerHalf);
        for (const pick of picks) {
          const prefix = Math.max(space.prefix + 1, finest - (pick % 40));
          const network = free.allocate(prefix);
          expect(network).toBe(model.allocate(prefix));
          if (network !== undefined) {
            expect(valueOfWordsOfLast(free)).toBe(network);
            const w = new Int32Array(4);
            free.wordsOfLast(w, 0);
            expect(ipv6CidrTextOfWords(w[0], w[1], w[2], w[3], prefix)).toBe(Cidr.of(6, network, prefix).toString());
          }
        }
      }),
      { numRuns: 200 },
    );
  },
);
