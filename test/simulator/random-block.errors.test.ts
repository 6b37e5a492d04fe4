import { randomBlockGenerator, randomBlockStartIndex } from "../../src";
import { GoRand } from "../../src/simulator/private/go-math-rand";

describe("randomBlockGenerator and Go's generator refuse what Go and Calico cannot take", () => {
  it.each([
    ["10.0.0.0/16", 15, /blockSize 15 does not fit pool 10\.0\.0\.0\/16; it must be an integer from the pool's prefix length 16 to 32/],
    ["10.0.0.0/16", 33, /blockSize 33 does not fit pool 10\.0\.0\.0\/16/],
    ["10.0.0.0/16", 26.5, /blockSize 26\.5 does not fit/],
    ["fd00::/48", 129, /blockSize 129 does not fit pool fd00::\/48; .* 48 to 128/],
  ])("pool %s with blockSize %p", (pool, blockSize, message) => {
    expect(() => randomBlockGenerator(pool, blockSize, "node-1").next()).toThrow(message);
  });

  it("a pool that is not a CIDR names the text", () => {
    expect(() => randomBlockGenerator("10.0.0.0/33", 26, "node-1").next()).toThrow(/10\.0\.0\.0\/33/);
  });

  it.each([
    [1.5, /Go seed 1\.5 is not a safe integer; pass a bigint/],
    [2 ** 60, /is not a safe integer; pass a bigint for values beyond 2\^53/],
    [1n << 63n, /Go seed 9223372036854775808 is outside the int64 range/],
    [-(1n << 63n) - 1n, /outside the int64 range/],
  ])("seed %p", (seed, message) => {
    expect(() => randomBlockStartIndex(4n, seed)).toThrow(message);
  });

  it.each([
    ["Int31n(0)", (r: GoRand) => r.int31n(0), /invalid argument to Int31n: 0/],
    ["Int31n(2^31)", (r: GoRand) => r.int31n(2 ** 31), /invalid argument to Int31n: 2147483648/],
    ["Int63n(-1)", (r: GoRand) => r.int63n(-1n), /invalid argument to Int63n: -1/],
    ["Intn(2^63)", (r: GoRand) => r.intn(1n << 63n), /invalid argument to Int63n: 9223372036854775808/],
  ])("%s, where Go panics", (_name, call, message) => {
    expect(() => call(new GoRand(1))).toThrow(message);
  });
});
