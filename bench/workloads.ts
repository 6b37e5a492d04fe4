/**
 * Deterministic benchmark inputs. Every workload is generated from a fixed seed, written to a JSON
 * file, and read by every implementation (ours, ip-num, Python), so all sides do identical work.
 */

/** mulberry32: a tiny seeded PRNG, so the inputs are the same on every machine and every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A carve workload: one address space, reservations inside it, and pool requests by prefix length. */
export interface CarveWorkload {
  readonly kind: "carve";
  readonly family: 4 | 6;
  readonly space: string;
  readonly blockSize: number;
  /** Reserved CIDRs (may overlap each other, like real reservation lists). */
  readonly reservations: readonly string[];
  /** Requests in declaration order; placement order is by prefix, then name, on every side. */
  readonly requests: ReadonlyArray<{ readonly name: string; readonly prefix: number }>;
}

/** An overlap workload: CIDR texts of both families, in random order. */
export interface OverlapWorkload {
  readonly kind: "overlaps";
  readonly cidrs: readonly string[];
}

/** Any benchmark workload, as written to the JSON file every implementation reads. */
export type Workload = CarveWorkload | OverlapWorkload;

const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 255n)).join(".");
const v6 = (n: bigint) => {
  // Canonical (RFC 5952) text, as Python's ipaddress and our formatter print it.
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(":");
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
};
const text = (family: 4 | 6, network: bigint, prefix: number) => `${family === 4 ? v4(network) : v6(network)}/${prefix}`;

function randomAligned(rnd: () => number, base: bigint, spaceBits: number, hostBits: number): bigint {
  // A random aligned network of 2^hostBits addresses inside a space of 2^spaceBits addresses.
  const slots = spaceBits - hostBits;
  let index = 0n;
  for (let done = 0; done < slots; done += 24) {
    const take = Math.min(24, slots - done);
    index = (index << BigInt(take)) | BigInt(Math.floor(rnd() * 2 ** take));
  }
  return base + (index << BigInt(hostBits));
}

/** (a) 10,000 IPv4 pools of /20–/26 out of 10.0.0.0/8, around 1,000 reservations of /24–/29. */
export function ipv4Carve(pools = 10000, reservations = 1000): CarveWorkload {
  const rnd = prng(0xa11c0);
  const base = 10n << 24n;
  return {
    kind: "carve",
    family: 4,
    space: "10.0.0.0/8",
    blockSize: 26,
    reservations: Array.from({ length: reservations }, () => {
      const prefix = 24 + Math.floor(rnd() * 6);
      return text(4, randomAligned(rnd, base, 24, 32 - prefix), prefix);
    }),
    requests: Array.from({ length: pools }, (_, i) => ({
      name: `pool-${String(i).padStart(5, "0")}`,
      prefix: 20 + Math.floor(rnd() * 7),
    })),
  };
}

/** (c) 10,000 IPv6 pools of /56–/64 out of fd00:10::/32, around 100 reserved /48s. */
export function ipv6Carve(pools = 10000, reservations = 100): CarveWorkload {
  const rnd = prng(0xc0ffee);
  const base = 0xfd000010n << 96n;
  return {
    kind: "carve",
    family: 6,
    space: "fd00:10::/32",
    blockSize: 122,
    reservations: Array.from({ length: reservations }, () => text(6, randomAligned(rnd, base, 96, 80), 48)),
    requests: Array.from({ length: pools }, (_, i) => ({
      name: `pool-${String(i).padStart(5, "0")}`,
      prefix: 56 + Math.floor(rnd() * 9),
    })),
  };
}

/**
 * (b) 100,000 CIDRs as a large address plan looks: 50,000 disjoint IPv4 ranges of /22–/28 laid out
 * through 10.0.0.0/8 and 50,000 disjoint IPv6 ranges of /56–/64 through fd00::/24, plus 1,000
 * mistakes (a copy, a subnet or a supernet of an existing range), shuffled.
 */
export function overlapCheck(total = 100000, mistakes = 1000): OverlapWorkload {
  const rnd = prng(0x0b5e55ed);
  const half = (total - mistakes) / 2;
  const out: Array<{ family: 4 | 6; network: bigint; prefix: number }> = [];
  let cursor = 10n << 24n;
  for (let i = 0; i < half; i++) {
    const prefix = 22 + Math.floor(rnd() * 7);
    const size = 1n << BigInt(32 - prefix);
    cursor = ((cursor + size - 1n) / size) * size;
    out.push({ family: 4, network: cursor, prefix });
    cursor += size + BigInt(Math.floor(rnd() * 4)) * 16n;
  }
  let cursor6 = 0xfd0000n << 104n;
  for (let i = 0; i < half; i++) {
    const prefix = 56 + Math.floor(rnd() * 9);
    const size = 1n << BigInt(128 - prefix);
    cursor6 = ((cursor6 + size - 1n) / size) * size;
    out.push({ family: 6, network: cursor6, prefix });
    cursor6 += size + BigInt(Math.floor(rnd() * 4)) * (1n << 64n);
  }
  const originals = out.length;
  for (let i = 0; i < mistakes; i++) {
    const o = out[Math.floor(rnd() * originals)];
    const bits = o.family === 4 ? 32 : 128;
    const choice = Math.floor(rnd() * 3);
    if (choice === 0 || o.prefix >= bits) out.push({ ...o });
    else if (choice === 1) out.push({ ...o, prefix: o.prefix + 1 });
    else {
      const prefix = o.prefix - 1;
      const mask = ~((1n << BigInt(bits - prefix)) - 1n);
      out.push({ family: o.family, network: o.network & mask, prefix });
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return { kind: "overlaps", cidrs: out.map((c) => text(c.family, c.network, c.prefix)) };
}
