/**
 * The order in which a host tries the blocks of a pool, as Calico computes it: `randomBlockGenerator`
 * and `determineSeed` in Calico's libcalico-go/lib/ipam/ipam_block_reader_writer.go.
 */
import { Cidr } from "../ip/cidr";
import { bigIntRand, GoRand } from "./private/go-math-rand";
import { fnv1_32 } from "./private/fnv";

/**
 * The seed Calico gives Go's `math/rand` for a host's walk over a pool: the 32-bit FNV-1 hash of the
 * host name (Go's `hash/fnv.New32`, not FNV-1a), or `undefined` for host-sized blocks (/32, /128),
 * where Calico seeds from the clock (`time.Now().UTC().UnixNano()`) and no prediction is possible.
 *
 * @param blockSize the pool's `blockSize` (the block prefix length)
 * @param bits the pool's address width: 32 (IPv4) or 128 (IPv6)
 * @see Calico's `determineSeed`, libcalico-go/lib/ipam/ipam_block_reader_writer.go
 */
export function determineSeed(blockSize: number, bits: 32 | 128, hostName: string): number | undefined {
  return blockSize === bits ? undefined : fnv1_32(hostName);
}

/** The generator {@link randomBlockStartIndex} re-seeds on every call. */
const shared = new GoRand(0);

/**
 * The index of the first block a host tries in a pool of `numBlocks` blocks (Calico's `initialIndex`):
 * `new(big.Int).Rand(rand.New(rand.NewSource(seed)), numBlocks)`, Go's generator reproduced bit for bit.
 * The host then walks the blocks in order from there, wrapping to 0 after the last.
 *
 * Cheap (seeding is lazy: the few state words the draw reads), but the simulator still calls it once per
 * host and pool, not once per allocation.
 *
 * @param numBlocks the pool's block count, `2^(blockSize - pool prefix)`; 0 or less gives 0
 * @param seed the Go int64 seed, normally {@link determineSeed}'s value
 * @returns an index in [0, numBlocks), or 0n when numBlocks <= 0
 * @throws RangeError if the seed is not an integer in Go's int64 range
 * @see Calico's `randomBlockGenerator`, libcalico-go/lib/ipam/ipam_block_reader_writer.go
 */
export function randomBlockStartIndex(numBlocks: bigint, seed: number | bigint): bigint {
  // One generator, re-seeded per call: seeding is lazy (a few state words per draw), so a call costs a
  // few dozen integer operations and no allocation.
  shared.seed(seed);
  return bigIntRand(shared, numBlocks);
}

/** Options of {@link randomBlockGenerator}. */
export interface RandomBlockGeneratorOptions {
  /**
   * The seed for host-sized blocks (/32, /128), for which Calico reads the clock in nanoseconds
   * (`time.Now().UTC().UnixNano()`): pass that value to replay a known allocation.
   *
   * @default the FNV-1 hash of the host name, a deterministic stand-in
   */
  readonly clockSeed?: bigint;
}

/**
 * The blocks of a pool in the order a host tries them, as Calico's `randomBlockGenerator`: the block at
 * {@link randomBlockStartIndex} first, then each following block, wrapping to the pool's first block,
 * until every block has been yielded once. Lazy: an IPv6 pool of 2^74 blocks costs what a small one does
 * until the caller stops.
 *
 * @param pool the pool's CIDR (host bits are masked, as Calico's `cnet.ParseCIDR` does for text)
 * @param blockSize the pool's `blockSize`, from the pool's prefix length up to 32 (IPv4) or 128 (IPv6)
 * @param hostName the node name Calico uses as the affinity host
 * @throws RangeError if blockSize is not an integer between the pool's prefix length and its address width
 * @see Calico's `randomBlockGenerator` and `determineSeed`, libcalico-go/lib/ipam/ipam_block_reader_writer.go
 */
export function* randomBlockGenerator(
  pool: Cidr | string,
  blockSize: number,
  hostName: string,
  options: RandomBlockGeneratorOptions = {},
): Generator<Cidr, void, undefined> {
  const cidr = typeof pool === "string" ? Cidr.parseLoose(pool) : pool;
  if (!Number.isInteger(blockSize) || blockSize < cidr.prefix || blockSize > cidr.bits) {
    throw new RangeError(
      `randomBlockGenerator: blockSize ${String(blockSize)} does not fit pool ${cidr.toString()}; ` +
        `it must be an integer from the pool's prefix length ${cidr.prefix} to ${cidr.bits}`,
    );
  }
  const numBlocks = cidr.countChildren(blockSize);
  const seed = determineSeed(blockSize, cidr.bits, hostName) ?? options.clockSeed ?? fnv1_32(hostName);
  let index = randomBlockStartIndex(numBlocks, seed);
  for (let returned = 0n; returned < numBlocks; returned++) {
    yield cidr.child(blockSize, index);
    index = index + 1n === numBlocks ? 0n : index + 1n;
  }
}
