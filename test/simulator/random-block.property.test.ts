import fc from "fast-check";
import { Cidr, randomBlockGenerator, randomBlockStartIndex } from "../../src";

const hostName = fc.string({ unit: "grapheme", maxLength: 40 });

describe("randomBlockGenerator invariants", () => {
  it("the start index is in [0, numBlocks) for every block count and seed, up to IPv6 sizes", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 130n }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n, seed) => {
        const i = randomBlockStartIndex(n, seed);
        return i >= 0n && i < n;
      }),
    );
  });

  it("a host's start index depends on its seed alone (the same on every call)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 80n }), fc.integer({ min: 0, max: 0xffffffff }), (n, seed) => {
        return randomBlockStartIndex(n, seed) === randomBlockStartIndex(n, seed);
      }),
    );
  });

  it("walks every block of a small pool exactly once, from the start block, in order with wrap-around", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 6 }), hostName, (third, extra, host) => {
        const pool = Cidr.parse(`10.${third}.0.0/24`);
        const blockSize = 24 + extra;
        const blocks = [...randomBlockGenerator(pool, blockSize, host)];
        const count = Number(pool.countChildren(blockSize));
        if (blocks.length !== count) return false;
        if (new Set(blocks.map(String)).size !== count) return false;
        const start = Number((blocks[0].network - pool.network) >> BigInt(32 - blockSize));
        return blocks.every((b, k) => b.equals(pool.child(blockSize, BigInt((start + k) % count))));
      }),
    );
  });

  it("stays lazy on a 2^96-block IPv6 pool", () => {
    fc.assert(
      fc.property(hostName, (host) => {
        const it = randomBlockGenerator("2001:db8::/32", 127, host);
        const first = it.next().value as Cidr;
        return Cidr.parse("2001:db8::/32").contains(first) && first.prefix === 127;
      }),
      { numRuns: 20 },
    );
  });
});
