import fc from "fast-check";
import { carve } from "../../src/carver";
import { parseLedger, serializeLedger } from "../../src/ledger";
import { recordedIPv4Order } from "../../src/ledger/checked";
import { inspectLedger } from "../../src/ledger/inspect";
import { parseLedgerBody } from "../../src/ledger/parse";
import { canonicalIPv4Key } from "../../src/ledger/private/canonical-cidr";
import { BYTE_SCANS, READER_SCRATCH, readCanonicalLedger } from "../../src/ledger/private/canonical-read";

/**
 * The canonical reader reads the text as bytes (the text encoded once, ASCII or refused): each byte
 * scan against the rule it stands for, on generated input, and the reader against the general one on
 * text the byte path must refuse.
 */

/** The bytes of an ASCII string, then zeros (the reader's buffer: zeros after the text). */
function bytesOf(text: string, after = 16): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(text.length + after);
  for (let k = 0; k < text.length; k++) bytes[k] = text.charCodeAt(k);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** A Calico object name, as the general reader's check reads it (a DNS-1123 subdomain), and no array index. */
const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_1123 = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const isPoolName = (name: string) => name.length <= 253 && DNS_1123.test(name) && !/^[0-9]+$/.test(name);

const nameChars = fc.constantFrom("a", "b", "m", "z", "0", "1", "9", "-", ".", "A", "_", " ", "/", ":", "`", "{", "@", "[");
const nameLike = fc.oneof(
  fc.array(nameChars, { maxLength: 14 }).map((cs) => cs.join("")),
  fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,20}$/),
  fc.constantFrom("a".repeat(253), "a".repeat(254), `${"a".repeat(250)}.b-c`, "0".repeat(253), "pool-00000"),
);

describe("the canonical reader's byte scans", () => {
  test("the class table classes every byte as the name rule does: letters a-z, digits, '-', '.', nothing else", () => {
    const { NAME_CLASS } = BYTE_SCANS;
    expect(NAME_CLASS.length).toBe(256);
    for (let c = 0; c < 256; c++) {
      const ch = String.fromCharCode(c);
      const expected = /[a-z]/.test(ch) ? 1 : /[0-9]/.test(ch) ? 2 : ch === "-" ? 4 : ch === "." ? 8 : 0;
      expect([c, NAME_CLASS[c]]).toEqual([c, expected]);
    }
  });

  test("a name scan takes a name exactly when the general rule does, and ends where it ends", () => {
    fc.assert(
      fc.property(nameLike, fc.constantFrom('"', '":', '"\n'), (name, after) => {
        // As in the text: a quote before the name, one after it (a name holds none).
        const text = `"${name.replace(/"/g, "")}${after}`;
        const clean = name.replace(/"/g, "");
        const { bytes } = bytesOf(text);
        const end = BYTE_SCANS.scanName(bytes, 1);
        // The scan stops at the first byte no name holds: the name is what comes before it.
        const stop = clean.search(/[^-a-z0-9.]/);
        const scanned = stop < 0 ? clean : clean.slice(0, stop);
        expect(end).toBe(isPoolName(scanned) ? 1 + scanned.length : -1);
      }),
      { numRuns: 5000 },
    );
  });

  test("the order of two names read as big-endian words in place is that of '<' on the strings", () => {
    const ascii = fc.oneof(
      nameLike,
      fc.string({
        unit: fc.integer({ min: 1, max: 127 }).map((c) => String.fromCharCode(c)),
        maxLength: 20,
      }),
      fc.constantFrom("", "a", "abcd", "abcde", "abcdefgh", "abcdefghi", "\x7f\x7f\x7f\x7f", "\x01"),
    );
    fc.assert(
      fc.property(ascii, ascii, fc.nat(7), fc.nat(7), (a, b, gapA, gapB) => {
        // Both in one buffer, at any alignment, with other bytes after each (read past them, never counted).
        const text = `${"x".repeat(gapA)}${a}\x7f\x7f\x7f${"y".repeat(gapB)}${b}\x00\x01\x02`;
        const { view } = bytesOf(text);
        const at = gapA;
        const before = gapA + a.length + 3 + gapB;
        expect(BYTE_SCANS.nameComesAfter(view, before, b.length, at, a.length)).toBe(a < b);
        expect(BYTE_SCANS.nameComesAfter(view, at, a.length, before, b.length)).toBe(b < a);
      }),
      { numRuns: 5000 },
    );
  });

  test("an IPv4 scan reads what canonicalIPv4Key reads, to the same key, and nothing else", () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom("00", "01", "010", "256", "999", "1000", "", "a"));
    const prefix = fc.oneof(fc.integer({ min: 0, max: 32 }).map(String), fc.constantFrom("00", "01", "032", "33", "100", "", "1234"));
    const cidr = fc.oneof(
      fc.tuple(octet, octet, octet, octet, prefix).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
      fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([address, p]) => {
        const network = address - (address % 2 ** (32 - p));
        return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".")}/${p}`;
      }),
      fc.constantFrom("10.0.0.0", "10.0.0/24", "1.2.3.4.5/32", "10.0.0.0/24/", "fd00::/64", "10.0.0.0:24", "10.0.0.0/2a"),
    );
    fc.assert(
      fc.property(cidr, (text) => {
        const { bytes } = bytesOf(`${text}"`);
        const scan = BYTE_SCANS.scanIPv4(bytes, 0);
        const key = canonicalIPv4Key(text, 0, text.length);
        // The scan stops where the prefix's digits end: the whole CIDR when it ends at the quote.
        expect(scan.end === text.length ? scan.key : -1).toBe(key);
        if (key >= 0) expect(scan).toEqual({ key, end: text.length });
      }),
      { numRuns: 5000 },
    );
  });

  test("a text is taken as bytes exactly when it is ASCII, one byte per character, zeros after it", () => {
    const anyText = fc.oneof(
      fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({
        unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
        maxLength: 10,
      }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const bytes = new Uint8Array(text.length + 128).fill(0x41);
        const ascii = Array.from(text).every((c) => c.charCodeAt(0) < 0x80);
        expect(BYTE_SCANS.asciiBytes(text, bytes)).toBe(ascii);
        if (ascii) {
          expect(Array.from(bytes.subarray(0, text.length))).toEqual(Array.from(text, (c) => c.charCodeAt(0)));
          expect(bytes.subarray(text.length).every((b) => b === 0)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the canonical reader on bytes", () => {
  const requests = Array.from({ length: 50 }, (_, i) => ({
    name: `pool-${String(i).padStart(2, "0")}`,
    family: (i % 5 === 0 ? 6 : 4) as 4 | 6,
    blockSize: i % 5 === 0 ? 122 : 26,
    size: {
      kind: "prefix" as const,
      prefixLength: i % 5 === 0 ? 116 : 22 + (i % 4),
    },
  }));
  const text = serializeLedger(
    carve({
      spaces: [
        { name: "v4", cidr: "10.0.0.0/16" },
        { name: "v6", cidr: "fd00::/96" },
      ],
      requests,
    }).ledger,
  );

  test("reads a canonical ledger from its bytes in the reader's arena (the byte path is the one taken)", () => {
    expect(readCanonicalLedger(text)).toBeDefined();
    // The text's bytes and zeros after them, then the IPv4 columns: more than the text's length.
    expect(READER_SCRATCH.usage().taken).toBeGreaterThan(text.length);
    expect(READER_SCRATCH.keptBuffer()!.byteLength).toBeGreaterThan(text.length);
    // A longer text grows the buffer with it.
    const longer = serializeLedger(
      carve({
        spaces: [{ name: "v4", cidr: "10.0.0.0/12" }],
        requests: Array.from({ length: 400 }, (_, i) => ({
          name: `p-${i}`,
          family: 4 as const,
          blockSize: 26,
          size: { kind: "prefix" as const, prefixLength: 24 },
        })),
      }).ledger,
    );
    expect(readCanonicalLedger(longer)).toBeDefined();
    expect(READER_SCRATCH.keptBuffer()!.byteLength).toBeGreaterThan(longer.length);
  });

  test.each([
    ["a name with a non-ASCII letter", (t: string) => t.replace('"pool-01"', '"pool-\u00e91"')],
    ["a CIDR with a non-ASCII digit", (t: string) => t.replace(/"10\.0\.(\d+)\.0\//, '"10.0.$1.\u0660/')],
    ["a lone surrogate in a name", (t: string) => t.replace('"pool-01"', '"pool-\ud8001"')],
    ["a non-ASCII space in the layout", (t: string) => t.replace('"pool-01": {\n      ', '"pool-01": {\n     \u00a0')],
    ["an emoji after the last entry", (t: string) => t.replace("\n  },\n", "\n  }\ud83d\ude00,\n")],
  ])("refuses a text with a character beyond ASCII, which the general reader reads as ever: %s", (_, edit) => {
    const edited = edit(text);
    expect(edited).not.toBe(text);
    expect(readCanonicalLedger(edited)).toBeUndefined();
    const outcome = (read: () => unknown) => {
      try {
        return { ok: JSON.stringify(read()) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    expect(outcome(() => parseLedger(edited))).toEqual(outcome(() => parseLedgerBody(edited)));
  });

  test("orders the IPv4 ranges by network then prefix, as sorting the pools' CIDRs does", () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })).map(([address, prefix]) => {
      const network = address - (address % 2 ** (32 - prefix));
      return {
        network,
        prefix,
        cidr: `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".")}/${prefix}`,
      };
    });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(range, fc.constant(undefined)), {
          minLength: 1,
          maxLength: 40,
        }),
        (ranges) => {
          // Some IPv6 pools among them: the positions are the pools', not the IPv4 ranges'.
          const entries = ranges.map((r, i) => ({
            name: `p-${String(i).padStart(3, "0")}`,
            r,
            six: r === undefined ? `fd00:0:0:${(i + 1).toString(16)}::/64` : undefined,
          }));
          const body = entries.map(
            (e) =>
              `    "${e.name}": {\n      "blockSize": ${e.r ? 32 : 122},\n      "cidr": "${e.r ? e.r.cidr : e.six}",\n      "family": ${
                e.r ? 4 : 6
              },\n      "status": "active"\n    }`,
          );
          const ledgerText = `{\n  "pools": {\n${body.join(",\n")}\n  },\n  "version": 1\n}\n`;
          const ledger = readCanonicalLedger(ledgerText);
          const v4 = entries.flatMap((e, k) => (e.r ? [{ k, ...e.r }] : []));
          const apart = inspectLedger(JSON.parse(ledgerText) as unknown).problems.length === 0;
          expect(ledger !== undefined).toBe(apart);
          if (ledger === undefined) return;
          const expected = [...v4].sort((a, b) => a.network - b.network || a.prefix - b.prefix).map((e) => e.k);
          expect(Array.from(recordedIPv4Order(inspectLedger(ledger).cidrs)!)).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
