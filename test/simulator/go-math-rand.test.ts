/**
 * Go's math/rand reproduced bit for bit: against the outputs Go itself publishes (its regression test and
 * its package example), and against test/fixtures/go-math-rand/go-math-rand.json, printed by Go 1.19
 * (see the README there). Nothing here is computed by the code under test and then compared with itself.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bigIntRand, GoRand } from "../../src/simulator/private/go-math-rand";
import { RNG_COOKED } from "../../src/simulator/private/go-rng-cooked";

/**
 * Go's `regressGolden` (src/math/rand/regress_test.go, Go 1.19; Copyright The Go Authors, BSD licence as
 * in src/simulator/private/go-rng-cooked.ts): for each method, `r.Seed(0)` then 20 calls; the argument
 * lists cycle through Go's int32s / int64s. Go's compatibility promise keeps these values from release
 * to release.
 */
const REGRESS_GOLDEN = {
  Int31: [
    2029793274, 526058514, 1408655353, 116702506,
    789387515, 621654496, 413258767, 1407315077,
    1926657288, 359390928, 619732968, 1938329147,
    1824889259, 586363548, 1307989752, 544722126,
    1663557311, 37539650, 1690228450, 1716684894,
  ],
  Int31n: [
    [1, 0],
    [10, 4],
    [32, 25],
    [1048576, 310570],
    [1048577, 857611],
    [1000000000, 621654496],
    [1073741824, 413258767],
    [2147483646, 1407315077],
    [2147483647, 1926657288],
    [1, 0],
    [10, 8],
    [32, 27],
    [1048576, 367019],
    [1048577, 209005],
    [1000000000, 307989752],
    [1073741824, 544722126],
    [2147483646, 1663557311],
    [2147483647, 37539650],
    [1, 0],
    [10, 4],
  ],
  Int63: [
    8717895732742165505n, 2259404117704393152n, 6050128673802995827n, 501233450539197794n,
    3390393562759376202n, 2669985732393126063n, 1774932891286980153n, 6044372234677422456n,
    8274930044578894929n, 1543572285742637646n, 2661732831099943416n, 8325060299420976708n,
    7837839688282259259n, 2518412263346885298n, 5617773211005988520n, 2339563716805116249n,
    7144924247938981575n, 161231572858529631n, 7259475919510918339n, 7373105480197164748n,
  ],
  Int63n: [
    [1n, 0n],
    [10n, 2n],
    [32n, 19n],
    [1048576n, 959842n],
    [1048577n, 688912n],
    [1000000000n, 393126063n],
    [1073741824n, 89212473n],
    [2147483646n, 834026388n],
    [2147483647n, 1577188963n],
    [1000000000000000000n, 543572285742637646n],
    [1152921504606846976n, 355889821886249464n],
    [9223372036854775806n, 8325060299420976708n],
    [9223372036854775807n, 7837839688282259259n],
    [1n, 0n],
    [10n, 0n],
    [32n, 25n],
    [1048576n, 679623n],
    [1048577n, 882178n],
    [1000000000n, 510918339n],
    [1073741824n, 782454476n],
  ],
  Intn: [
    [1n, 0n],
    [10n, 4n],
    [32n, 25n],
    [1048576n, 310570n],
    [1048577n, 857611n],
    [1000000000n, 621654496n],
    [1073741824n, 413258767n],
    [2147483646n, 1407315077n],
    [2147483647n, 1926657288n],
    [1000000000000000000n, 543572285742637646n],
    [1152921504606846976n, 355889821886249464n],
    [9223372036854775806n, 8325060299420976708n],
    [9223372036854775807n, 7837839688282259259n],
    [1n, 0n],
    [10n, 2n],
    [32n, 14n],
    [1048576n, 515775n],
    [1048577n, 839455n],
    [1000000000n, 690228450n],
    [1073741824n, 642943070n],
  ],
  Uint32: [
    4059586549, 1052117029, 2817310706, 233405013,
    1578775030, 1243308993, 826517535, 2814630155,
    3853314576, 718781857, 1239465936, 3876658295,
    3649778518, 1172727096, 2615979505, 1089444252,
    3327114623, 75079301, 3380456901, 3433369789,
  ],
  Uint64: [
    8717895732742165505n, 2259404117704393152n, 6050128673802995827n, 9724605487393973602n,
    12613765599614152010n, 11893357769247901871n, 1774932891286980153n, 15267744271532198264n,
    17498302081433670737n, 1543572285742637646n, 11885104867954719224n, 17548432336275752516n,
    7837839688282259259n, 2518412263346885298n, 5617773211005988520n, 11562935753659892057n,
    16368296284793757383n, 161231572858529631n, 16482847956365694147n, 16596477517051940556n,
  ],
};

interface FixtureSource {
  seed: string;
  int63: string[];
  uint64: string[];
  uint32: number[];
  uint64From1000: string[];
}
interface FixtureBigRand {
  seed: string;
  limit: string;
  draws: string[];
  nextUint32: number;
}
interface Fixture {
  goVersion: string;
  sources: FixtureSource[];
  bigRand: FixtureBigRand[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/go-math-rand/go-math-rand.json"), "utf8")) as Fixture;

describe("Go's math/rand, as Go publishes its outputs", () => {
  it("rngCooked is Go's table of 607 values, first and last as in rng.go", () => {
    expect(RNG_COOKED).toHaveLength(607);
    expect(RNG_COOKED[0]).toBe(-4181792142133755926n);
    expect(RNG_COOKED[606]).toBe(4152330101494654406n);
  });

  it.each([
    ["Int63", (r: GoRand) => r.int63(), REGRESS_GOLDEN.Int63],
    ["Int31", (r: GoRand) => r.int31(), REGRESS_GOLDEN.Int31],
    ["Uint32", (r: GoRand) => r.uint32(), REGRESS_GOLDEN.Uint32],
    ["Uint64", (r: GoRand) => r.uint64(), REGRESS_GOLDEN.Uint64],
  ] as const)("%s: the 20 values of Go's regression test for seed 0", (_name, draw, golden) => {
    const r = new GoRand(0);
    expect(golden.map(() => draw(r))).toEqual(golden);
  });

  it("Int31n, Int63n and Intn: Go's regression values, argument by argument, rejection included", () => {
    const r31 = new GoRand(0);
    expect(REGRESS_GOLDEN.Int31n.map(([n]) => r31.int31n(n))).toEqual(REGRESS_GOLDEN.Int31n.map(([, v]) => v));
    const r63 = new GoRand(0);
    expect(REGRESS_GOLDEN.Int63n.map(([n]) => r63.int63n(n))).toEqual(REGRESS_GOLDEN.Int63n.map(([, v]) => v));
    const rn = new GoRand(0);
    expect(REGRESS_GOLDEN.Intn.map(([n]) => rn.intn(n))).toEqual(REGRESS_GOLDEN.Intn.map(([, v]) => v));
  });

  it("the package example: rand.Seed(42), the Magic 8-Ball answers \"As I see it yes\" (Intn(20) is 5)", () => {
    // src/math/rand/example_test.go, Example(): the sixth of twenty answers.
    expect(new GoRand(42).intn(20n)).toBe(5n);
  });
});

describe("Go's math/rand, against values printed by Go 1.19", () => {
  it("the fixture was printed by the Go release it names", () => {
    expect(fixture.goVersion).toBe("go1.19");
    expect(fixture.sources.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixture.sources.map((s) => [s.seed, s] as const))("seed %s: Int63, Uint64, Uint32 and the stream past 1,000 words", (seed, s) => {
    const goSeed = BigInt(seed);
    const r1 = new GoRand(goSeed);
    expect(s.int63.map(() => r1.int63().toString())).toEqual(s.int63);
    const r2 = new GoRand(goSeed);
    expect(s.uint64.map(() => r2.uint64().toString())).toEqual(s.uint64);
    const r3 = new GoRand(goSeed);
    expect(s.uint32.map(() => r3.uint32())).toEqual(s.uint32);
    const r4 = new GoRand(goSeed);
    for (let k = 0; k < 1000; k++) r4.uint64();
    expect(s.uint64From1000.map(() => r4.uint64().toString())).toEqual(s.uint64From1000);
  });

  it("a seed given as a number draws what the same seed as a bigint draws", () => {
    for (const seed of [0, 1, -1, 2147483647, 4294967295]) {
      expect(new GoRand(seed).uint64()).toBe(new GoRand(BigInt(seed)).uint64());
    }
  });

  it.each(fixture.bigRand.map((b) => [b.limit, b.seed, b] as const))(
    "big.Int.Rand below %s, seed %s: five draws, then the same next Uint32 as Go",
    (limit, seed, b) => {
      const r = new GoRand(BigInt(seed));
      expect(b.draws.map(() => bigIntRand(r, BigInt(limit)).toString())).toEqual(b.draws);
      expect(r.uint32()).toBe(b.nextUint32);
    },
  );
});
