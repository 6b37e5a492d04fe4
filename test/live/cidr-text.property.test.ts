import fc from "fast-check";
import { Cidr, parseAddress } from "../../src/ip";
import { blockAffinityObject, blockName, inspectDump, ipamBlockObject, ipamHandleObject } from "../../src/live";
import { addressTexts, canonicalIPv4Cidr, cidrTextOf, isCanonicalIPv4Text, namesCidr, noteCidrText } from "../../src/live/private/cidr-text";
import { node, podAlloc, pool, read } from "./helpers";

// The reader keeps the text a block's or an affinity's CIDR was read from when it is the CIDR's canonical
// text, and checks the objects' names against it in place (src/live/private/cidr-text.ts): a second way of
// telling what `Cidr.toString()` and `blockName` tell, compared with them here.

const v4 = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([n, p]) => Cidr.parseLoose(`${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".")}/${p}`));
const v6 = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.integer({ min: 0, max: 128 })).map(([n, p]) => Cidr.parseLoose(`${Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":")}/${p}`));

/** Texts near a CIDR's canonical text: leading zeros, characters changed, added or removed, another CIDR's text. */
const edits = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(text),
    fc.integer({ min: 0, max: text.length }).map((i) => `${text.slice(0, i)}0${text.slice(i)}`),
    fc.tuple(fc.integer({ min: 0, max: text.length - 1 }), fc.constantFrom("0", "1", "9", ".", "/", ":", "a", " ", "-", "\u00e9")).map(([i, c]) => `${text.slice(0, i)}${c}${text.slice(i + 1)}`),
    fc.tuple(fc.integer({ min: 0, max: text.length }), fc.constantFrom("0", "5", ".", "/", " ")).map(([i, c]) => `${text.slice(0, i)}${c}${text.slice(i)}`),
    fc.integer({ min: 0, max: text.length - 1 }).map((i) => `${text.slice(0, i)}${text.slice(i + 1)}`),
    fc.constantFrom("", "0.0.0.0/0", "255.255.255.255/32", "10.0.0.0/26", "10.0.0.0/026", "010.0.0.0/26", "1.2.3.4/33", "1.2.3/24", "1.2.3.4.5/32"),
  );

describe("a CIDR's text read from the dump (cidr-text)", () => {
  test("property: isCanonicalIPv4Text(text, cidr) is text === cidr.toString() for an IPv4 CIDR, false for IPv6", () => {
    fc.assert(
      fc.property(
        fc.oneof(v4, v6).chain((c) => fc.tuple(fc.constant(c), edits(c.toString()))),
        ([cidr, text]) => {
          expect(isCanonicalIPv4Text(text, cidr)).toBe(cidr.family === 4 && text === cidr.toString());
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("property: noteCidrText records only a canonical text, and cidrTextOf is cidr.toString() either way", () => {
    fc.assert(
      fc.property(
        fc.oneof(v4, v6).chain((c) => fc.tuple(fc.constant(c), edits(c.toString()))),
        ([cidr, text]) => {
          const noted = noteCidrText(cidr, text);
          expect(noted).toBe(cidr.family === 4 && text === cidr.toString());
          expect(cidrTextOf(cidr)).toBe(cidr.toString());
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("property: canonicalIPv4Cidr(text) is the CIDR of exactly the texts that are an IPv4 CIDR's canonical text, and records that text", () => {
    fc.assert(
      fc.property(
        fc.oneof(v4, v6).chain((c) => edits(c.toString())),
        (text) => {
          const parsed = Cidr.tryParse(text);
          const canonical = parsed.ok && parsed.cidr.family === 4 && text === parsed.cidr.toString();
          const cidr = canonicalIPv4Cidr(text);
          expect(cidr !== undefined).toBe(canonical);
          if (cidr !== undefined && parsed.ok) {
            expect(cidr).toEqual(parsed.cidr);
            expect(cidrTextOf(cidr)).toBe(text);
            expect(isCanonicalIPv4Text(text, cidr)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("the reader reads an IPv4 block's and affinity's canonical CIDR at once (the path is taken), and any other text the general way", () => {
    const v4Block = Cidr.parse("10.0.0.64/26");
    const v6Block = Cidr.parse("fd00:10::40/122");
    const tryParse = jest.spyOn(Cidr, "tryParse");
    const parseLoose = jest.spyOn(Cidr, "parseLoose");
    try {
      const dump = read([ipamBlockObject({ cidr: v4Block, host: "n1", allocations: [] }), blockAffinityObject("n1", v4Block)]);
      expect(dump.blocks.map((b) => b.cidr)).toEqual([v4Block]);
      expect(dump.affinities.map((a) => a.cidr)).toEqual([v4Block]);
      expect(tryParse).not.toHaveBeenCalled();
      expect(parseLoose).not.toHaveBeenCalled();
      const other = read([ipamBlockObject({ cidr: v6Block, host: "n1", allocations: [] }), blockAffinityObject("n1", v6Block)]);
      expect(other.blocks.map((b) => b.cidr)).toEqual([v6Block]);
      expect(other.affinities.map((a) => a.cidr)).toEqual([v6Block]);
      expect(tryParse).toHaveBeenCalledTimes(1);
      expect(parseLoose).toHaveBeenCalledTimes(1);
    } finally {
      tryParse.mockRestore();
      parseLoose.mockRestore();
    }
  });

  test("property: namesCidr(name, from, text) is name.slice(from) === blockName of the CIDR, in place", () => {
    fc.assert(
      fc.property(
        fc.oneof(v4, v6),
        fc.string({ maxLength: 4 }),
        (cidr, head) =>
          fc.assert(
            fc.property(edits(blockName(cidr)), (name) => {
              expect(namesCidr(head + name, head.length, cidr.toString())).toBe(name === blockName(cidr));
            }),
            { numRuns: 10 },
          ),
      ),
      { numRuns: 300 },
    );
  });

  test("the reader checks an IPv4 block's and affinity's names without formatting their CIDRs (the in-place path), and the check keys them by the text read", () => {
    const cidr = Cidr.parse("10.0.0.64/26");
    const objects = [ipamBlockObject({ cidr, host: "n1", allocations: [podAlloc(0, "ns", "a", "n1")] }), blockAffinityObject("n1", cidr)];
    const toString = jest.spyOn(Cidr.prototype, "toString");
    try {
      const dump = read(objects);
      expect(dump.findings.filter((f) => f.code === "BLOCK_NAME" || f.code === "AFFINITY_NAME")).toEqual([]);
      expect(toString).not.toHaveBeenCalled();
      const inspection = inspectDump(dump);
      expect(inspection.blocks.map((b) => b.cidr)).toEqual(["10.0.0.64/26"]);
      expect(toString).not.toHaveBeenCalled();
    } finally {
      toString.mockRestore();
    }
  });

  test("a wrong name is still found on both paths (IPv4 in place, IPv6 formatted), and so is an affinity's name that is cut", () => {
    const v4Block = Cidr.parse("10.0.0.64/26");
    const v6Block = Cidr.parse("fd00:10::40/122");
    const long = "n".repeat(240);
    const dump = read([
      { ...ipamBlockObject({ cidr: v4Block, host: "n1", allocations: [] }), metadata: { name: "10-0-0-0-26" } },
      { ...ipamBlockObject({ cidr: v6Block, host: "n1", allocations: [] }), metadata: { name: "fd00-10--0-122" } },
      { ...blockAffinityObject("n1", v4Block), metadata: { name: "n1-10-0-0-65-26" } },
      { ...blockAffinityObject("n1", v6Block), metadata: { name: "n1-fd00-10--41-122" } },
      blockAffinityObject(long, v4Block),
      { ...blockAffinityObject(long, v6Block), metadata: { name: `${long}-${blockName(v6Block)}` } },
    ]);
    const named = dump.findings.filter((f) => f.code === "BLOCK_NAME" || f.code === "AFFINITY_NAME").map((f) => `${f.code} ${f.subject}`);
    expect(named).toEqual([
      "BLOCK_NAME IPAMBlock/10-0-0-0-26",
      "BLOCK_NAME IPAMBlock/fd00-10--0-122",
      "AFFINITY_NAME BlockAffinity/n1-10-0-0-65-26",
      "AFFINITY_NAME BlockAffinity/n1-fd00-10--41-122",
      `AFFINITY_NAME BlockAffinity/${long}-${blockName(v6Block)}`,
    ]);
  });
});

describe("an IPv4 address read in place (addressTexts.ipv4Number)", () => {
  const address = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));
  const texts = fc.oneof(address, address.chain(edits), fc.constantFrom("", "1.2.3", "1.2.3.4.", "256.0.0.1", "01.2.3.4", "1.2.3.4 ", "::ffff:1.2.3.4", "fd00::1", "1..2.3", "1.2.3.0400"));

  test("property: ipv4Number(text) is parseAddress's IPv4 value for the texts it reads, and -1 only for texts parseAddress does not read as IPv4", () => {
    fc.assert(
      fc.property(texts, (text) => {
        let parsed: { family: number; value: bigint } | null = null;
        try {
          parsed = parseAddress(text);
        } catch {
          parsed = null;
        }
        const n = addressTexts.ipv4Number(text);
        if (parsed !== null && parsed.family === 4 && !text.includes(":")) expect(n).toBe(Number(parsed.value));
        else expect(n).toBe(-1);
      }),
      { numRuns: 5000 },
    );
  });

  test("the check reads a node's IPv4 tunnel address in place (the path is taken), and a bad one is still a finding", () => {
    const cidr = Cidr.parse("10.0.0.64/26");
    const objects = [
      pool("p", "10.0.0.0/16"),
      ipamBlockObject({ cidr, host: "n1", allocations: [{ ordinal: 1, handle: "vxlan-tunnel-addr-n1", attributes: { node: "n1", type: "vxlanTunnelAddress" } }] }),
      blockAffinityObject("n1", cidr),
      ipamHandleObject("vxlan-tunnel-addr-n1", { "10.0.0.64/26": 1 }),
      node("n1", "10.0.0.65"),
      node("n2", "10.0.0.300"),
    ];
    const read1 = jest.spyOn(addressTexts, "ipv4Number");
    try {
      const inspection = inspectDump(read(objects));
      expect(read1.mock.results.map((r) => r.value)).toEqual([167772225, -1]);
      expect(inspection.counts.nodeTunnelAddresses).toBe(2);
      expect(inspection.findings.map((f) => f.code)).toEqual(["IN_USE_ADDRESS_INVALID"]);
    } finally {
      read1.mockRestore();
    }
  });
});
