/**
 * Go's `math/rand` generator, bit for bit, as Calico's IPAM uses it to pick the first block a host
 * tries in a pool (`rand.New(rand.NewSource(seed))`, then `new(big.Int).Rand(r, numBlocks)`; see
 * `randomBlockGenerator` in ../random-block.ts).
 *
 * Go's source is an additive lagged Fibonacci generator over 607 signed 64-bit words (`rngSource` in
 * Go's src/math/rand/rng.go), seeded by a Lehmer generator (`seedrand`) XORed with the published
 * `rngCooked` table (./go-rng-cooked.ts). Go's compatibility promise fixes its output for a given seed
 * (src/math/rand/regress_test.go), so a value computed here is the value a Calico binary computes.
 *
 * The 64-bit words are held as two unsigned 32-bit halves in typed arrays, so seeding and drawing cost
 * no bigint arithmetic; bigints appear only at the edges (Int63, Uint64, big.Int.Rand above 2^53).
 */
import { bitLength } from "../../ip/address";
import { RNG_COOKED } from "./go-rng-cooked";

const RNG_LEN = 607;
const RNG_TAP = 273;
const INT32_MAX = 2147483647;
const TWO_32 = 4294967296;

const COOKED_HI = new Uint32Array(RNG_LEN);
const COOKED_LO = new Uint32Array(RNG_LEN);
for (let i = 0; i < RNG_LEN; i++) {
  const u = BigInt.asUintN(64, RNG_COOKED[i]);
  COOKED_HI[i] = Number(u >> 32n);
  COOKED_LO[i] = Number(u & 0xffffffffn);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Go's `seedrand`: x[n+1] = 48271 * x[n] mod (2^31 - 1), Schrage's method on int32, as rng.go. Every
 * x it is given here is in [1, 2^31 - 1), so `| 0` truncates as Go's int32 division does.
 */
function seedrand(x: number): number {
  const A = 48271;
  const Q = 44488;
  const R = 3399;
  const hi = (x / Q) | 0;
  const lo = x - hi * Q;
  let next = A * lo - R * hi;
  if (next < 0) next += INT32_MAX;
  return next;
}

/**
 * seedrand's x after m steps from 1, for every m a seeding reaches (20 + 3 × 607), split into 16-bit
 * halves: x_m of seed s is s × 48271^m mod (2^31 − 1), which {@link lehmer} computes with this table
 * without walking the m − 1 steps before it.
 */
const SEED_STEPS = 20 + 3 * RNG_LEN;
const POW_HI = new Uint16Array(SEED_STEPS + 1);
const POW_LO = new Uint16Array(SEED_STEPS + 1);
{
  let x = 1;
  for (let m = 0; m <= SEED_STEPS; m++) {
    POW_HI[m] = x >>> 16;
    POW_LO[m] = x & 0xffff;
    x = seedrand(x);
  }
}

/**
 * The m-th value of seedrand's sequence from s (s in [1, 2^31 − 1)): s × 48271^m mod (2^31 − 1), exact
 * in doubles (every product stays below 2^48). Equal to m calls of {@link seedrand}, which computes
 * the same residue by Schrage's method.
 */
function lehmer(s: number, m: number): number {
  const t = (s * POW_HI[m]) % INT32_MAX;
  return (t * 65536 + s * POW_LO[m]) % INT32_MAX;
}

/**
 * Go's `*rand.Rand` over the `rngSource` that `rand.NewSource(seed)` returns, on a 64-bit platform.
 * Only the methods Calico's path needs, and those that Go's published outputs test, are here.
 *
 * @see https://pkg.go.dev/math/rand#NewSource
 */
export class GoRand {
  private tap = 0;
  private feed = 0;
  private readonly vecHi = new Uint32Array(RNG_LEN);
  private readonly vecLo = new Uint32Array(RNG_LEN);
  /**
   * Seeding fills a word when a draw first reads it (words are independent: word i comes from steps
   * 21 + 3i to 23 + 3i of seedrand), so a few draws after a seeding cost a few words, not 607.
   * `filled[i] === generation` marks word i filled since the last seeding.
   */
  private readonly filled = new Uint32Array(RNG_LEN);
  private generation = 0;
  private reduced = 1;
  // The halves of the last 64-bit word drawn (set by step()), read without allocating.
  private outHi = 0;
  private outLo = 0;

  /**
   * `rand.New(rand.NewSource(seed))`.
   *
   * @param seed a Go int64: a safe integer number, or a bigint in [-2^63, 2^63)
   * @throws RangeError if the seed is not an integer in the int64 range
   */
  constructor(seed: number | bigint) {
    this.seed(seed);
  }

  /** `rngSource.Seed`: the seed reduced modulo 2^31 - 1 (0 becomes 89482311), then 607 words filled. */
  seed(seed: number | bigint): void {
    let s: number;
    if (typeof seed === "bigint") {
      if (seed < INT64_MIN || seed > INT64_MAX) throw new RangeError(`Go seed ${seed} is outside the int64 range [-2^63, 2^63)`);
      s = Number(seed % BigInt(INT32_MAX));
    } else {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`Go seed ${seed} is not a safe integer; pass a bigint for values beyond 2^53`);
      s = seed % INT32_MAX;
    }
    if (s < 0) s += INT32_MAX;
    if (s === 0) s = 89482311;

    this.tap = 0;
    this.feed = RNG_LEN - RNG_TAP;
    this.reduced = s;
    // Every word is stale now; on wrap-around (after 2^32 seedings) clear the marks.
    if (++this.generation > 0xffffffff) {
      this.generation = 1;
      this.filled.fill(0);
    }
  }

  /**
   * Word i of the seeded state, as rngSource.Seed's loop writes it: u = x1<<40 ^ x2<<20 ^ x3 ^
   * rngCooked[i] on int64 with x1, x2, x3 the seedrand values of steps 21 + 3i … 23 + 3i, split into
   * 32-bit halves (each x < 2^31).
   */
  private fill(i: number): void {
    const s = this.reduced;
    const x1 = lehmer(s, 21 + 3 * i);
    const x2 = lehmer(s, 22 + 3 * i);
    const x3 = lehmer(s, 23 + 3 * i);
    this.vecHi[i] = (x1 << 8) ^ (x2 >>> 12) ^ COOKED_HI[i];
    this.vecLo[i] = (x2 << 20) ^ x3 ^ COOKED_LO[i];
    this.filled[i] = this.generation;
  }

  /** `rngSource.Uint64`'s step: vec[feed] += vec[tap] (mod 2^64); leaves the word in outHi/outLo. */
  private step(): void {
    if (--this.tap < 0) this.tap += RNG_LEN;
    if (--this.feed < 0) this.feed += RNG_LEN;
    if (this.filled[this.feed] !== this.generation) this.fill(this.feed);
    if (this.filled[this.tap] !== this.generation) this.fill(this.tap);
    const lo = this.vecLo[this.feed] + this.vecLo[this.tap];
    const hi = (this.vecHi[this.feed] + this.vecHi[this.tap] + (lo >= TWO_32 ? 1 : 0)) >>> 0;
    this.vecHi[this.feed] = hi;
    this.vecLo[this.feed] = lo >>> 0;
    this.outHi = hi;
    this.outLo = lo >>> 0;
  }

  /** `Rand.Uint64`: one source word (the source is a `Source64`). */
  uint64(): bigint {
    this.step();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /** `Rand.Int63`: a source word with the sign bit cleared. */
  int63(): bigint {
    this.step();
    return (BigInt(this.outHi & 0x7fffffff) << 32n) | BigInt(this.outLo);
  }

  /** `Rand.Uint32`: `uint32(Int63() >> 31)`. */
  uint32(): number {
    this.step();
    return ((this.outHi << 1) | (this.outLo >>> 31)) >>> 0;
  }

  /** `Rand.Int31`: `int32(Int63() >> 32)`. */
  int31(): number {
    this.step();
    return this.outHi & 0x7fffffff;
  }

  /**
   * `Rand.Int31n`: masks for a power of two, else rejects draws above the largest multiple of n.
   *
   * @throws RangeError unless 0 < n < 2^31 (Go panics)
   */
  int31n(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > INT32_MAX) throw new RangeError(`invalid argument to Int31n: ${n}`);
    if ((n & (n - 1)) === 0) return this.int31() & (n - 1);
    const max = INT32_MAX - (2147483648 % n);
    let v = this.int31();
    while (v > max) v = this.int31();
    return v % n;
  }

  /**
   * `Rand.Int63n`, as Int31n on 63 bits.
   *
   * @throws RangeError unless 0 < n < 2^63 (Go panics)
   */
  int63n(n: bigint): bigint {
    if (n <= 0n || n > INT64_MAX) throw new RangeError(`invalid argument to Int63n: ${n}`);
    if ((n & (n - 1n)) === 0n) return this.int63() & (n - 1n);
    const max = INT64_MAX - ((1n << 63n) % n);
    let v = this.int63();
    while (v > max) v = this.int63();
    return v % n;
  }

  /**
   * `Rand.Intn` with Go's 64-bit `int`: Int31n below 2^31, else Int63n.
   *
   * @throws RangeError unless 0 < n < 2^63 (Go panics)
   */
  intn(n: bigint): bigint {
    if (n > 0n && n <= BigInt(INT32_MAX)) return BigInt(this.int31n(Number(n)));
    return this.int63n(n);
  }
}

/**
 * `new(big.Int).Rand(rng, n)` on a 64-bit platform (Go's src/math/big/int.go `Int.Rand` and nat.go
 * `nat.random`): 0 when n <= 0; otherwise as many 64-bit words as n has, each built low half first from
 * two `Uint32` calls, the most significant word masked to n's bit length, and the whole draw repeated
 * until it is below n. The count of `Uint32` calls, hence every later draw, matches Go's.
 *
 * @returns an integer in [0, n), or 0n when n <= 0
 */
export function bigIntRand(rng: GoRand, n: bigint): bigint {
  if (n <= 0n) return 0n;
  const bits = bitLength(n);
  if (bits <= 53) {
    // One word whose value fits a double: both halves are drawn, the high one masked (to 0 below 33 bits).
    const limit = Number(n);
    const loMask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    const hiMask = bits > 32 ? 2 ** (bits - 32) - 1 : 0;
    for (;;) {
      const lo = bits >= 32 ? rng.uint32() : rng.uint32() & loMask;
      const hi = rng.uint32() & hiMask;
      const v = hi * TWO_32 + lo;
      if (v < limit) return BigInt(v);
    }
  }
  const words = Math.ceil(bits / 64);
  const mswBits = bits % 64 === 0 ? 64 : bits % 64;
  const mswMask = (1n << BigInt(mswBits)) - 1n;
  for (;;) {
    let z = 0n;
    for (let i = 0; i < words; i++) {
      const lo = rng.uint32();
      const hi = rng.uint32();
      let word = (BigInt(hi) << 32n) | BigInt(lo);
      if (i === words - 1) word &= mswMask;
      z |= word << BigInt(64 * i);
    }
    if (z < n) return z;
  }
}
