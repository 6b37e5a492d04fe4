/**
 * The first block a host tries in a pool is the block a live cluster gives it: Calico's
 * randomBlockGenerator against start indices and block CIDRs printed by Go 1.19 running Calico's
 * algorithm (test/fixtures/go-math-rand, see the README there).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Cidr, determineSeed, randomBlockGenerator, randomBlockStartIndex } from "../../src";
import { fnv1_32 } from "../../src/simulator/private/fnv";

interface FixtureHost {
  host: string;
  pool: string;
  blockSize: number;
  fnv1: number;
  startIndex: string;
  blocks: string[];
}

const { hosts } = JSON.parse(readFileSync(join(__dirname, "../fixtures/go-math-rand/go-math-rand.json"), "utf8")) as {
  hosts: FixtureHost[];
};

function firstBlocks(pool: string, blockSize: number, host: string, count: number): string[] {
  const out: string[] = [];
  for (const block of randomBlockGenerator(pool, blockSize, host)) {
    if (out.length === count) break;
    out.push(block.toString());
  }
  return out;
}

describe("randomBlockGenerator: the block order of a live cluster", () => {
  it("covers IPv4 and IPv6 pools, one-block pools, and a hundred node names", () => {
    const pools = new Set(hosts.map((h) => `${h.pool} /${h.blockSize}`));
    expect(pools).toEqual(
      new Set([
        "10.0.0.0/16 /26",
        "192.168.0.0/24 /26",
        "10.1.2.0/26 /26",
        "10.0.0.0/8 /20",
        "fd00:1::/48 /122",
        "fd80:24e2:f998:72d6::/120 /122",
        "2001:db8::/32 /122",
        "fd00::/64 /64",
        "10.244.0.0/16 /26",
      ]),
    );
    expect(hosts.filter((h) => h.pool === "10.244.0.0/16")).toHaveLength(100);
  });

  it.each(hosts.map((h) => [h.host, h.pool, h.blockSize, h] as const))(
    "host %p in %s with /%i blocks: Go's FNV-1 seed, start index and first blocks",
    (host, pool, blockSize, h) => {
      const bits = Cidr.parse(pool).bits;
      expect(fnv1_32(host)).toBe(h.fnv1);
      expect(determineSeed(blockSize, bits, host)).toBe(h.fnv1);
      expect(randomBlockStartIndex(Cidr.parse(pool).countChildren(blockSize), h.fnv1)).toBe(BigInt(h.startIndex));
      expect(firstBlocks(pool, blockSize, host, h.blocks.length)).toEqual(h.blocks);
    },
  );

  it("a pool of four blocks is walked from the start index, wrapping, each block once", () => {
    const h = hosts.find((x) => x.pool === "192.168.0.0/24" && x.host === "node-1")!;
    expect(h.blocks).toHaveLength(4);
    expect(firstBlocks("192.168.0.0/24", 26, "node-1", 10)).toEqual(h.blocks);
  });

  it("a pool of one block yields that block to every host, then ends", () => {
    for (const h of hosts.filter((x) => x.pool === "10.1.2.0/26")) {
      expect([...randomBlockGenerator(h.pool, h.blockSize, h.host)].map(String)).toEqual(["10.1.2.0/26"]);
      expect(h.blocks).toEqual(["10.1.2.0/26"]);
    }
  });

  it("host-sized blocks (/32, /128) are seeded from Calico's clock: no prediction without clockSeed", () => {
    expect(determineSeed(32, 32, "node-1")).toBeUndefined();
    expect(determineSeed(128, 128, "node-1")).toBeUndefined();
    const clockSeed = 1700000000123456789n;
    const [first] = randomBlockGenerator("10.0.0.0/24", 32, "node-1", { clockSeed });
    expect(first.toString()).toBe(`10.0.0.${randomBlockStartIndex(256n, clockSeed)}/32`);
  });
});
