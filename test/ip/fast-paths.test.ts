import fc from "fast-check";
import { Cidr, IntervalSet, IpParseError, findOverlaps, formatAddress } from "../../src/ip";
import { ScratchArena } from "../../src/ip/scratch-arena";
import { KEY_ARENA, RADIX_SORT_MIN, arenaBytes, comparatorOrder, digitBits, parseCidrGeneral, parseIPv4CidrFast, parseIPv6CidrFast, radixOrder } from "../../src/ip/cidr";

/**
 * The fast paths of src/ip against the general code they stand in for: the hand-written IPv4 CIDR
 * parser against the general parser, Cidr.of and Cidr.containing against a model of their rules,
 * findOverlaps' radix-sort path against its comparator order and against brute force, and the
 * packed-key sort of IntervalSet.fromCidrs against one-by-one adds.
 */

// ---------------------------------------------------------------------------------------------
// Parsing

type Outcome =
  | { ok: true; family: number; network: bigint; prefix: number; first: bigint; last: bigint; text: string; frozen: boolean }
  | { ok: false; name: string; code?: string; input?: string; message: string; suggestion?: string };

const value = (c: Cidr): Outcome => ({
  ok: true,
  family: c.family,
  network: c.network,
  prefix: c.prefix,
  first: c.first,
  last: c.last,
  text: c.toString(),
  frozen: Object.isFrozen(c),
});

function outcome(parse: () => Cidr): Outcome {
  try {
    return value(parse());
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const p = e as Partial<IpParseError>;
    return { ok: false, name: e.name, code: p.code, input: p.input, message: e.message, suggestion: p.suggestion };
  }
}

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 CIDR text as a user writes it: any octets, any prefix 0-32, so host bits are common. */
const v4CidrText = fc
  .tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 }))
  .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
/** Canonical IPv4 CIDR text (no host bits), as Cidr.toString prints it. */
const canonicalV4 = fc
  .tuple(fc.bigInt(0n, (1n << 32n) - 1n), fc.integer({ min: 0, max: 32 }))
  .map(([address, prefix]) => Cidr.containing(4, address, prefix).toString());

const ALPHABET = ["0", "1", "2", "3", "5", "9", ".", "/", ":", " ", "\t", "-", "+", "a", "x", "%", "１", "٣", "\u0000"];
const noise = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 22 });

/** A valid text with one to three edits: a character inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    fc.oneof(v4CidrText, canonicalV4),
    fc.array(fc.tuple(fc.constantFrom("insert", "delete", "replace"), fc.nat(), fc.constantFrom(...ALPHABET)), { minLength: 1, maxLength: 3 }),
  )
  .map(([text, edits]) => {
    let s = text;
    for (const [kind, at, ch] of edits) {
      const i = at % (s.length + 1);
      if (kind === "insert") s = s.slice(0, i) + ch + s.slice(i);
      else if (kind === "delete") s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + ch + s.slice(i + 1);
    }
    return s;
  });

/** Hand-picked edges of the IPv4 grammar and of the fast parser's length and digit checks. */
const EDGES = [
  "0.0.0.0/0",
  "255.255.255.255/32",
  "1.2.3.4/32",
  "10.0.0.0/8",
  "10.0.0.1/24",
  "10.0.0.1/0",
  "9.9.9.9/9",
  "100.64.0.0/10",
  "010.0.0.0/8",
  "10.00.0.0/16",
  "10.0.0.0/08",
  "10.0.0.0/00",
  "10.0.0.0/032",
  "10.0.0.0/33",
  "10.0.0.0/99",
  "10.0.0.0/100",
  "256.0.0.0/8",
  "1000.0.0.0/8",
  "1.2.3/8",
  "1.2.3.4.5/8",
  "1.2.3.4/",
  "1.2.3.4",
  "/24",
  "1.2.3.4/3x",
  "1.2.3.4//32",
  "1.2.3.4/-1",
  "1.2.3.4/+1",
  " 1.2.3.4/32",
  "1.2.3.4/32 ",
  "1.2.3.4/32\n",
  "１.2.3.4/32",
  "1..2.3/8",
  ".1.2.3/8",
  "1.2.3./8",
  "::/0",
  "::ffff:1.2.3.4/128",
  "0.0.0.0/00000000",
  "255.255.255.255/3",
  "",
];

/** Checks a hand-written parser against the general one on `text`, strict and loose. */
function agreesWithGeneral(parseFast: (text: string, strict: boolean) => Cidr | undefined, text: string): void {
  for (const strict of [true, false]) {
    const general = outcome(() => parseCidrGeneral(text, strict));
    const fast = parseFast(text, strict);
    // When the fast path answers, the general parser gives exactly that CIDR.
    if (fast !== undefined) expect(value(fast)).toEqual(general);
    // The public entry points (fast paths first) give what the general parser gives: the same CIDR,
    // or the same error with the same code, input, message and suggestion.
    expect(outcome(() => (strict ? Cidr.parse(text) : Cidr.parseLoose(text)))).toEqual(general);
  }
}

/** Checks that a hand-written parser answers none of the texts the general parser rejects. */
function leavesRejections(parseFast: (text: string, strict: boolean) => Cidr | undefined, texts: readonly string[]): void {
  for (const text of texts) {
    for (const strict of [true, false]) {
      if (outcome(() => parseCidrGeneral(text, strict)).ok) continue;
      expect(parseFast(text, strict)).toBeUndefined();
    }
  }
}

describe("the hand-written IPv4 CIDR parser agrees with the general parser", () => {
  const agree = (text: string) => agreesWithGeneral(parseIPv4CidrFast, text);

  test.each(EDGES)("%j", (text) => agree(text));

  test("on random IPv4 CIDR texts, mutated ones and noise", () => {
    fc.assert(fc.property(fc.oneof(v4CidrText, canonicalV4, mutated, noise), agree), { numRuns: 3000 });
  });

  test("tryParse returns what parse throws", () => {
    fc.assert(
      fc.property(fc.oneof(v4CidrText, mutated), (text) => {
        const r = Cidr.tryParse(text);
        const general = outcome(() => parseCidrGeneral(text, true));
        if (r.ok) expect(value(r.cidr)).toEqual(general);
        else expect({ ok: false, name: r.error.name, code: r.error.code, input: r.error.input, message: r.error.message, suggestion: r.error.suggestion }).toEqual(general);
      }),
      { numRuns: 500 },
    );
  });

  test("the fast path takes every canonical IPv4 CIDR, and with host bits when loose", () => {
    fc.assert(
      fc.property(canonicalV4, v4CidrText, (canonical, any) => {
        expect(parseIPv4CidrFast(canonical, true)?.toString()).toBe(canonical);
        expect(parseIPv4CidrFast(any, false)).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });

  test("the fast path leaves every rejection to the general parser", () => leavesRejections(parseIPv4CidrFast, EDGES));
});

/** An IPv6 CIDR as users may write it: canonical, all eight groups with leading zeros, upper case, "::" anywhere it may go. */
const v6CidrText = fc
  .tuple(
    fc.oneof(fc.bigInt(0n, (1n << 128n) - 1n), fc.bigInt(0n, 0xffffn).map((v) => (0xfd00n << 112n) | v), fc.bigInt(0n, (1n << 48n) - 1n).map((v) => (0xffffn << 32n) | v)),
    fc.integer({ min: 0, max: 128 }),
    fc.constantFrom("canonical", "full", "upper", "host-bits", "any-gap"),
    fc.nat(),
  )
  .map(([v, prefix, form, pick]) => {
    const network = form === "host-bits" ? v : Cidr.containing(6, v, prefix).network;
    const groups = Array.from({ length: 8 }, (_, k) => Number((network >> BigInt(112 - 16 * k)) & 0xffffn));
    if (form === "canonical" || form === "host-bits") return `${formatAddress(6, network)}/${prefix}`;
    if (form === "full") return `${groups.map((g) => g.toString(16).padStart(4, "0")).join(":")}/${prefix}`;
    if (form === "upper") return `${formatAddress(6, network).toUpperCase()}/${prefix}`;
    // "::" for any run of zero groups, or none.
    const zeros = groups.map((g, k) => (g === 0 ? k : -1)).filter((k) => k >= 0);
    if (zeros.length === 0) return `${groups.map((g) => g.toString(16)).join(":")}/${prefix}`;
    const start = zeros[pick % zeros.length];
    let end = start;
    while (end + 1 < 8 && groups[end + 1] === 0 && (pick >> 3) % 3 !== 0) end++;
    const hex = (list: number[]) => list.map((g) => g.toString(16)).join(":");
    return `${hex(groups.slice(0, start))}::${hex(groups.slice(end + 1))}/${prefix}`;
  });

const V6_ALPHABET = ["0", "1", "9", "a", "F", "g", ":", "::", ".", "/", "%", " ", "１", "12", "1.2.3.4"];
const v6Noise = fc.array(fc.constantFrom(...V6_ALPHABET), { maxLength: 14 }).map((parts) => parts.join(""));
/** A valid IPv6 text with one to three edits. */
const v6Mutated = fc
  .tuple(v6CidrText, fc.array(fc.tuple(fc.constantFrom("insert", "delete", "replace"), fc.nat(), fc.constantFrom(...V6_ALPHABET)), { minLength: 1, maxLength: 3 }))
  .map(([text, edits]) => {
    let s = text;
    for (const [kind, at, c] of edits) {
      const i = at % (s.length + 1);
      s = kind === "insert" ? s.slice(0, i) + c + s.slice(i) : kind === "delete" ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + c + s.slice(i + 1);
    }
    return s;
  });

const V6_EDGES = [
  "::/0", "::/128", "::1/128", "1::/16", "1::/15", "::ffff:0:0/96", "::ffff:1.2.3.4/128", "::fffe:0:0/96", "::ffff:0:0/95",
  "fd00::/8", "FD00::/8", "fd00:0000::/8", "fd00::/08", "fd00::/129", "fd00::/1000", "fd00::/", "fd00::", "fd00::/-1",
  "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7::/112", "::2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8::/128", "::1:2:3:4:5:6:7:8/128",
  "1:2:3:4:5:6:7/112", "1:::2/64", ":::/0", ":1::/64", "1::2::3/64", "1::/64/64", "00001::/64", "fe80::1%eth0/64",
  " ::/0", "::/0 ", "g::/16", "1:2:3:4:5:6:7:8:9/128", "1::2:3:4:5:6:7:8/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
  "fd00:10:ffff:ff00::/56", "fd00:10:ffff:ff01::/56", "::/00", "::/1", "8000::/1", "8000::/0",
];

describe("the hand-written IPv6 CIDR parser agrees with the general parser", () => {
  const agree = (text: string) => agreesWithGeneral(parseIPv6CidrFast, text);

  test.each(V6_EDGES)("%j", (text) => agree(text));

  test("on random IPv6 CIDR texts in every form, mutated ones and noise", () => {
    fc.assert(fc.property(fc.oneof(v6CidrText, v6Mutated, v6Noise), agree), { numRuns: 4000 });
  });

  test("the fast path takes every IPv6 CIDR the general parser accepts, but an embedded IPv4 address", () => {
    fc.assert(
      fc.property(v6CidrText, (text) => {
        for (const strict of [true, false]) {
          const general = outcome(() => parseCidrGeneral(text, strict));
          if (general.ok && !text.includes(".")) expect(parseIPv6CidrFast(text, strict)).toBeDefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("the fast path leaves every rejection to the general parser", () => leavesRejections(parseIPv6CidrFast, V6_EDGES));
});

// ---------------------------------------------------------------------------------------------
// Cidr.of and Cidr.containing

/** The rules of Cidr.of and Cidr.containing, written out plainly: the model the fast checks must match. */
function model(kind: "of" | "containing", family: unknown, network: unknown, prefix: unknown): Outcome {
  const fail = (message: string): Outcome => ({ ok: false, name: "RangeError", code: undefined, input: undefined, message, suggestion: undefined });
  if (family !== 4 && family !== 6) return fail(`IP family must be 4 or 6, got ${String(family)}`);
  const bits = family === 4 ? 32 : 128;
  if (typeof prefix !== "number" || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    return fail(`prefix length ${String(prefix)} is out of range for IPv${family} (0 to ${bits})`);
  }
  if (typeof network !== "bigint" || network < 0n || network > (1n << BigInt(bits)) - 1n) {
    return fail(`${String(network)} is not an IPv${family} address value`);
  }
  const size = 1n << BigInt(bits - prefix);
  const masked = network - (network % size);
  if (kind === "of" && masked !== network) {
    return fail(`${formatAddress(family, network)}/${prefix} has host bits set; did you mean ${formatAddress(family, masked)}/${prefix}?`);
  }
  return { ok: true, family, network: masked, prefix, first: masked, last: masked + size - 1n, text: `${formatAddress(family, masked)}/${prefix}`, frozen: true };
}

describe("Cidr.of and Cidr.containing follow their rules exactly", () => {
  const family = fc.constantFrom<unknown>(4, 6, 4, 6, 5, 0, "4", undefined);
  const prefix = fc.oneof(fc.integer({ min: -2, max: 130 }), fc.constantFrom<unknown>(1.5, NaN, Infinity, "24", undefined));
  const network = fc.oneof(
    fc.bigInt(-2n, 1n << 129n),
    fc.bigInt(0n, (1n << 32n) - 1n),
    fc.tuple(fc.bigInt(0n, (1n << 128n) - 1n), fc.integer({ min: 0, max: 128 })).map(([v, h]) => (v >> BigInt(h)) << BigInt(h)),
    fc.tuple(fc.bigInt(0n, (1n << 32n) - 1n), fc.integer({ min: 0, max: 32 })).map(([v, h]) => (v >> BigInt(h)) << BigInt(h)),
    fc.constantFrom<unknown>(0n, (1n << 32n) - 1n, 1n << 32n, (1n << 128n) - 1n, 1n << 128n, 10, "10", undefined),
  );

  test("on random arguments, valid and not", () => {
    fc.assert(
      fc.property(family, network, prefix, (f, n, p) => {
        expect(outcome(() => Cidr.of(f as 4, n as bigint, p as number))).toEqual(model("of", f, n, p));
        expect(outcome(() => Cidr.containing(f as 4, n as bigint, p as number))).toEqual(model("containing", f, n, p));
      }),
      { numRuns: 3000 },
    );
  });

  test("split and child build the same CIDRs as Cidr.of", () => {
    const parent = Cidr.parse("fd00::/120");
    parent.split(124).forEach((c, i) => expect(value(c)).toEqual(value(Cidr.of(6, parent.network + BigInt(i) * 16n, 124))));
    expect(value(Cidr.parse("10.0.0.0/8").child(26, 5n))).toEqual(value(Cidr.of(4, 0x0a000140n, 26)));
  });
});

// ---------------------------------------------------------------------------------------------
// findOverlaps and its radix sort

const cidrIn = (w: Cidr) =>
  fc.tuple(fc.integer({ min: w.prefix, max: w.bits }), fc.bigInt(w.first, w.last)).map(([p, a]) => Cidr.containing(w.family, a, p));
const EXTREMES = ["0.0.0.0/0", "255.255.255.255/32", "0.0.0.0/32", "::/0", "::/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "8000::/1", "128.0.0.0/1"].map((t) =>
  Cidr.parse(t),
);
/** CIDRs of both families, crowded into small windows (many overlaps and equal networks), spread over the whole space, and extremes. */
const mixedCidr = fc.oneof(
  cidrIn(Cidr.parse("10.0.0.0/24")),
  cidrIn(Cidr.parse("10.0.0.0/8")),
  cidrIn(Cidr.parse("fd00::/120")),
  cidrIn(Cidr.parse("fd00::/20")),
  // Networks that differ only in one 32-bit word of the IPv6 value, so each word decides the order.
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.bigInt(0n, 0xffffffffn), fc.integer({ min: 0, max: 128 })).map(([w, v, p]) =>
    Cidr.containing(6, (0x20010db8n << 96n) | (v << BigInt(32 * w)), p),
  ),
  cidrIn(Cidr.parse("0.0.0.0/0")),
  cidrIn(Cidr.parse("::/0")),
  fc.constantFrom(...EXTREMES),
);

const bruteForce = (cidrs: readonly Cidr[]) => {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) if (cidrs[i].overlaps(cidrs[j])) out.push([i, j]);
  return out;
};

describe("findOverlaps on large inputs (radix-sort path)", () => {
  test("the radix order is the comparator order, ties in index order", () => {
    fc.assert(
      fc.property(fc.array(mixedCidr, { maxLength: 300 }), (cidrs) => {
        expect(radixOrder(cidrs)).toEqual(comparatorOrder(cidrs));
      }),
      { numRuns: 300 },
    );
  });

  test("the digit width grows with the number of keys, from bytes to 12 bits", () => {
    const table: Array<[number, number]> = [[0, 8], [1, 8], [300, 8], [1023, 8], [2047, 8], [2048, 9], [8191, 10], [16383, 11], [16384, 12], [50000, 12], [2 ** 31, 12]];
    for (const [m, bits] of table) expect([m, digitBits(m)]).toEqual([m, bits]);
  });

  test("wide digits (many keys, up to 12 bits a pass): the radix order is still the comparator order", () => {
    // 20,000 keys: 12-bit digits, whose spans of differing bits are cut unevenly into passes.
    for (const seed of [1, 2]) {
      const cidrs = fc.sample(mixedCidr, { numRuns: 20000, seed });
      expect(digitBits(cidrs.filter((c) => c.family === 4).length)).toBeGreaterThan(8);
      expect(radixOrder(cidrs)).toEqual(comparatorOrder(cidrs));
    }
  });

  test("gives exactly the pairs that the O(n²) comparison gives", () => {
    fc.assert(
      fc.property(fc.array(mixedCidr, { minLength: RADIX_SORT_MIN, maxLength: RADIX_SORT_MIN + 150 }), (cidrs) => {
        expect(findOverlaps(cidrs)).toEqual(bruteForce(cidrs));
      }),
      { numRuns: 80 },
    );
  });

  test("IPv6 networks that differ in one word only (the sweep compares only words that differ): the O(n²) pairs", () => {
    const oneWord = (w: number) =>
      fc.tuple(fc.bigInt(0n, 0xffn), fc.integer({ min: 0, max: 128 })).map(([v, p]) => Cidr.containing(6, (0x20010db8n << 96n) | (v << BigInt(32 * w)) | (v << BigInt(32 * w + 24)), p));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }).chain((w) => fc.array(oneWord(w), { minLength: RADIX_SORT_MIN, maxLength: RADIX_SORT_MIN + 30 })),
        (cidrs) => {
          expect(findOverlaps(cidrs)).toEqual(bruteForce(cidrs));
        },
      ),
      { numRuns: 25 },
    );
  });

  test("many copies of nested CIDRs: every pair, once", () => {
    const chain = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "fd00::/8", "fd00::/64", "fd00::1/128"].map((t) => Cidr.parse(t));
    const cidrs = Array.from({ length: RADIX_SORT_MIN + 20 }, (_, i) => chain[(i * 3) % chain.length]);
    expect(findOverlaps(cidrs)).toEqual(bruteForce(cidrs));
  });

  test("both paths agree around the threshold", () => {
    fc.assert(
      fc.property(fc.array(mixedCidr, { minLength: RADIX_SORT_MIN - 2, maxLength: RADIX_SORT_MIN + 2 }), (cidrs) => {
        expect(findOverlaps(cidrs)).toEqual(bruteForce(cidrs));
      }),
      { numRuns: 100 },
    );
  });
});

describe("findOverlaps' key arena (the radix-sort path's typed arrays, reused between calls)", () => {
  test("calls in a row, large and small, in any mix of families (slices not zeroed): the O(n²) pairs each time", () => {
    fc.assert(
      fc.property(fc.array(fc.array(mixedCidr, { minLength: RADIX_SORT_MIN, maxLength: RADIX_SORT_MIN + 200 }), { minLength: 2, maxLength: 5 }), (calls) => {
        for (const cidrs of calls) expect(findOverlaps(cidrs)).toEqual(bruteForce(cidrs));
      }),
      { numRuns: 30 },
    );
  });

  test("a call takes its arrays from the arena, within arenaBytes, and the next call of no more CIDRs reuses the same buffer", () => {
    const ipv6 = fc.sample(cidrIn(Cidr.parse("fd00::/20")), { numRuns: 3000, seed: 7 });
    const mixed = fc.sample(mixedCidr, { numRuns: 2000, seed: 8 });
    findOverlaps(ipv6);
    const buffer = KEY_ARENA.keptBuffer();
    expect(buffer).toBeDefined();
    // All IPv6 is the most a call can take: the bound must hold there.
    expect(KEY_ARENA.usage().taken).toBeGreaterThan(40 * ipv6.length);
    expect(KEY_ARENA.usage().taken).toBeLessThanOrEqual(arenaBytes(ipv6.length));
    findOverlaps(mixed);
    expect(KEY_ARENA.keptBuffer()).toBe(buffer);
    // Sized by arenaBytes up front: no second buffer during the call.
    expect(KEY_ARENA.usage().fresh).toBe(0);
    expect(KEY_ARENA.usage().taken).toBeGreaterThan(40 * mixed.length * 0.5);
    expect(KEY_ARENA.running).toBe(false);
  });

  test("the arena is the package's one ScratchArena: begin(bytes) sizes its buffer, a slice outside a call throws, a call inside a call gets an arena of its own", () => {
    const arena = new ScratchArena();
    expect(() => arena.u32(1)).toThrow(/outside begin/);
    const run = arena.begin(64);
    expect(run).toBe(arena);
    const bytes = run.u8(3);
    const words = run.u32(2);
    const wide = run.u64(1);
    expect([bytes.byteOffset, words.byteOffset, wide.byteOffset]).toEqual([0, 8, 16]);
    expect(bytes.buffer.byteLength).toBe(64);
    expect(words.buffer).toBe(bytes.buffer);
    const inner = arena.begin(8);
    expect(inner).not.toBe(arena);
    expect(inner.u8(1).buffer).not.toBe(bytes.buffer);
    inner.end();
    run.end();
    expect(() => arena.u8(1)).toThrow(/outside begin/);
    // The next call of no more bytes reuses the buffer.
    expect(arena.begin(32).u8(1).buffer).toBe(bytes.buffer);
    arena.end();
  });
});

// ---------------------------------------------------------------------------------------------
// IntervalSet.fromCidrs

describe("IntervalSet.fromCidrs with its packed-key sort", () => {
  test("builds the same set as adding the CIDRs one by one, over the whole IPv4 space", () => {
    const v4 = fc.oneof(cidrIn(Cidr.parse("0.0.0.0/0")), cidrIn(Cidr.parse("10.0.0.0/28")), fc.constantFrom(...EXTREMES.filter((c) => c.family === 4)));
    fc.assert(
      fc.property(fc.array(v4, { maxLength: 200 }), (cidrs) => {
        const added = new IntervalSet(4);
        for (const c of cidrs) added.add(c);
        expect(IntervalSet.fromCidrs(4, cidrs).ranges()).toEqual(added.ranges());
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// IPv6 text

/** RFC 5952 text the plain way (a bigint shift per group, map and join): the reference of formatAddress(6, ...). */
function referenceIPv6(value: bigint): string {
  if (value >> 32n === 0xffffn) {
    const n = Number(value & 0xffffffffn);
    return `::ffff:${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0, v = value; i < 8; i++, v >>= 16n) groups.unshift(Number(v & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  return bestStart < 0 ? hex(groups) : `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

describe("formatAddress(6, ...) with its 32-bit words", () => {
  // Groups that are often zero, so that runs of every length and position occur; and IPv4-mapped values.
  const group = fc.oneof(fc.constant(0n), fc.constant(0n), fc.bigInt(1n, 0xffffn));
  const v6 = fc.oneof(
    fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((v, g) => (v << 16n) | g, 0n)),
    fc.bigInt(0n, 0xffffffffn).map((low) => (0xffffn << 32n) | low),
    fc.constantFrom(0n, 1n, (1n << 128n) - 1n, 0xffffn << 32n, 1n << 112n, 0xfffen << 32n),
  );

  test("writes the same text as the plain RFC 5952 formatter", () => {
    fc.assert(
      fc.property(v6, (value) => {
        expect(formatAddress(6, value)).toBe(referenceIPv6(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("formatAddress(4, ...) and Cidr.toString as one flat string", () => {
  // Octets of every digit count (0, 1-9, 10-99, 100-255), so that every text length from 7 to 18 occurs.
  const octetValue = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 99 }), fc.integer({ min: 100, max: 255 }));
  const v4 = fc.tuple(octetValue, octetValue, octetValue, octetValue).map(([a, b, c, d]) => ({ a, b, c, d, value: BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0) }));

  test("formatAddress(4, ...) writes dotted decimal", () => {
    fc.assert(
      fc.property(v4, ({ a, b, c, d, value }) => {
        expect(formatAddress(4, value)).toBe(`${a}.${b}.${c}.${d}`);
      }),
      { numRuns: 2000 },
    );
  });

  test("Cidr.toString is the address text, '/' and the prefix, for every prefix of both families", () => {
    const group = fc.oneof(fc.constant(0n), fc.constant(0n), fc.bigInt(1n, 0xffffn));
    const v6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((v, g) => (v << 16n) | g, 0n));
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), ({ value }, prefix) => {
        const cidr = Cidr.containing(4, value, prefix);
        expect(cidr.toString()).toBe(`${formatAddress(4, cidr.network)}/${prefix}`);
        expect(Cidr.parse(cidr.toString()).equals(cidr)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(v6, fc.integer({ min: 0, max: 128 }), (value, prefix) => {
        const cidr = Cidr.containing(6, value, prefix);
        if (prefix >= 96 && cidr.network >> 32n === 0xffffn) return; // IPv4-mapped: not a valid IPv6 pool CIDR to parse back
        expect(cidr.toString()).toBe(`${referenceIPv6(cidr.network)}/${prefix}`);
        expect(Cidr.parse(cidr.toString()).equals(cidr)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // The longest texts: a full IPv6 address with a three-digit prefix, and an IPv4-mapped one.
    expect(Cidr.containing(6, (1n << 128n) - 1n, 128).toString()).toBe("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
    expect(Cidr.containing(6, (0xffffn << 32n) | 0xc0000201n, 128).toString()).toBe("::ffff:192.0.2.1/128");
    expect(Cidr.containing(4, 0n, 0).toString()).toBe("0.0.0.0/0");
    expect(Cidr.containing(4, (1n << 32n) - 1n, 32).toString()).toBe("255.255.255.255/32");
  });
});
