import fc from "fast-check";
import { carve } from "../../src/carver";
import { inspectLedger } from "../../src/ledger/inspect";
import { Ledger, parseLedger, serializeLedger } from "../../src/ledger";
import { parseLedgerBody } from "../../src/ledger/parse";
import { READER_SCRATCH, readCanonicalLedger } from "../../src/ledger/private/canonical-read";
import { madePoolIndex } from "../../src/ledger/pool-index";

/**
 * parseLedger reads the text serializeLedger writes straight into entries (readCanonicalLedger), and
 * every other text the general way (parseLedgerBody). Both must give the same ledger, the same parsed
 * CIDRs in the same order, or the same error, for canonical text and for text that only looks like it.
 */

type Outcome = { ok: true; json: string; text: string; frozen: boolean; cidrs: string[] } | { ok: false; code?: string; message: string };

function outcome(read: () => Ledger): Outcome {
  try {
    const ledger = read();
    const inspected = inspectLedger(ledger);
    return {
      ok: true,
      json: JSON.stringify(ledger),
      // The text each writes back: the fast reader's ledger returns the text it was read from.
      text: serializeLedger(ledger),
      frozen: Object.isFrozen(ledger) && Object.isFrozen(ledger.pools) && Object.values(ledger.pools).every((e) => Object.isFrozen(e)),
      cidrs: [...inspected.cidrs].map(([name, cidr]) => `${name} ${cidr.toString()}`),
    };
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { ok: false, code: (e as { code?: string }).code, message: e.message };
  }
}

function sameAsGeneral(text: string): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  expect(outcome(() => parseLedger(text, "x.lock.json"))).toEqual(outcome(() => parseLedgerBody(body, "x.lock.json")));
}

// Fields as written in the text, valid or not, so that the text looks canonical but may break a rule.
const name = fc.oneof(
  fc.constantFrom("a", "b", "pool-1", "pool-2", "x.y", "a-b-c", "z9", "10", "9", "0", "007", "a1", "b.c.d"),
  fc.constantFrom("Bad", "a..b", "-a", "a-", "a.", ".a", "a.-b", "a-.b", "a_b", "a b", "é", "a".repeat(253), "a".repeat(254), ""),
);
const cidr = fc.oneof(
  fc.constantFrom("10.0.0.0/24", "10.0.1.0/24", "10.0.0.0/16", "10.0.0.128/25", "10.0.4.0/22", "192.168.0.0/26", "0.0.0.0/0", "10.0.0.7/32"),
  fc.constantFrom("fd00::/64", "fd00:0:0:1::/64", "fd00::/56", "fd00::40/122", "2001:db8::/120"),
  fc.constantFrom("10.0.0.1/24", "10.0.0.0/024", "010.0.0.0/24", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/24", "10.0.0.0", "10.0.0.0/", "1.2.3.4.5/32"),
  fc.constantFrom("FD00::/64", "fd00:0::/64", "fd00::1/64", "::ffff:10.0.0.0/120", "fd00::/129", "fd00::/064"),
);
const blockSize = fc.constantFrom("26", "24", "32", "20", "19", "33", "122", "116", "128", "115", "129", "026", "2.6", "-26", "1000");
const family = fc.constantFrom("4", "6", "4", "6", "5", '"4"');
const status = fc.constantFrom("active", "draining", "adopted", "active", "retired", "ACTIVE", "gone");
const entry = fc.record({ name, cidr, blockSize, family, status });

/** The text serializeLedger would write for these entries, with no check (names in the order given). */
function canonicalText(entries: ReadonlyArray<{ name: string; cidr: string; blockSize: string; family: string; status: string }>): string {
  if (entries.length === 0) return '{\n  "pools": {},\n  "version": 1\n}\n';
  const body = entries.map(
    (e) =>
      `    ${JSON.stringify(e.name)}: {\n      "blockSize": ${e.blockSize},\n      "cidr": ${JSON.stringify(e.cidr)},\n` +
      `      "family": ${e.family},\n      "status": ${JSON.stringify(e.status)}\n    }`,
  );
  return `{\n  "pools": {\n${body.join(",\n")}\n  },\n  "version": 1\n}\n`;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

describe("parseLedger's reader of canonical text", () => {
  test("reads what serializeLedger writes, as the general reader does (carved ledgers of both families)", () => {
    const requests = Array.from({ length: 300 }, (_, i) => ({
      name: `pool-${i}`,
      family: (i % 3 === 0 ? 6 : 4) as 4 | 6,
      blockSize: i % 3 === 0 ? 122 : 26,
      size: { kind: "prefix" as const, prefixLength: i % 3 === 0 ? 112 + (i % 10) : 20 + (i % 7) },
    }));
    const first = carve({ spaces: [{ name: "v4", cidr: "10.0.0.0/8" }, { name: "v6", cidr: "fd00::/96" }], requests });
    expect(first.findings.filter((f) => f.severity === "error")).toEqual([]);
    const text = serializeLedger(first.ledger);
    expect(readCanonicalLedger(text)).toBeDefined();
    sameAsGeneral(text);
    sameAsGeneral(`\ufeff${text}`);
    // The entries are plain frozen objects, as the general reader's.
    const read = readCanonicalLedger(text)!;
    const general = parseLedgerBody(text);
    for (const name of ["pool-0", "pool-1"]) {
      const entry = read.pools[name];
      expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
      expect(entry.constructor).toBe(Object);
      expect(Object.isFrozen(entry)).toBe(true);
      expect(Object.keys(entry)).toEqual(Object.keys(general.pools[name]));
      expect(entry).toStrictEqual(general.pools[name]);
    }
  });

  test("a read takes its IPv4 columns from the buffer the last read left, and a ledger read earlier still gives its runs what it did", () => {
    const space = [{ name: "v4", cidr: "10.0.0.0/16" }];
    const requestsOf = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `${tag}-${String(i).padStart(3, "0")}`, family: 4 as const, blockSize: 26, size: { kind: "prefix" as const, prefixLength: 22 + (i % 5) } }));
    const a = requestsOf("a", 40);
    const b = requestsOf("b", 60);
    const textA = serializeLedger(carve({ spaces: space, requests: a }).ledger);
    const textB = serializeLedger(carve({ spaces: space, requests: b }).ledger);
    // The larger text first: the arena's buffer is then long enough for both.
    expect(readCanonicalLedger(textB)).toBeDefined();
    const buffer = READER_SCRATCH.keptBuffer();
    expect(buffer).toBeDefined();
    // Another read, of fewer ranges, takes its columns from the same buffer, and lets go of it.
    const readA = readCanonicalLedger(textA)!;
    expect(READER_SCRATCH.keptBuffer()).toBe(buffer);
    expect(READER_SCRATCH.usage().fresh).toBe(0);
    expect(READER_SCRATCH.running).toBe(false);
    // A later read overwrites the buffer: the ledger read before it must not have kept any of it.
    expect(readCanonicalLedger(textB)).toBeDefined();
    // The first ledger's recorded ranges, checked against exclusions (its reader's order walked beside them), as the general reader's.
    const exclusions = ["10.0.4.0/24", "10.0.32.0/22", "10.0.200.0/21"].map((cidr) => ({ cidr, kind: "reserved" as const, reason: "test" }));
    const findings = (ledger: Ledger) => carve({ spaces: space, requests: a, exclusions, ledger }).findings.map((f) => `${f.code} ${f.path}`);
    expect(findings(readA)).toEqual(findings(parseLedgerBody(textA)));
    expect(findings(readA).length).toBeGreaterThan(0);
  });

  test("reads canonical-looking text of valid and invalid entries exactly as the general reader", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.boolean(), (entries, sorted) => {
        sameAsGeneral(canonicalText(sorted ? [...entries].sort(byName) : entries));
      }),
      { numRuns: 1500 },
    );
  });

  test("reads valid canonical text with one field changed exactly as the general reader", () => {
    // Valid entries (names in order, ranges apart), then one field of one entry replaced.
    const valid = fc.uniqueArray(fc.constantFrom("a", "b", "c1", "pool-1", "pool-2", "x.y", "z-9"), { minLength: 1, maxLength: 6 }).chain((names) =>
      fc.tuple(
        fc.constant([...names].sort()),
        fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
        fc.array(fc.constantFrom("active", "draining", "adopted"), { minLength: names.length, maxLength: names.length }),
      ),
    );
    const fault = fc.oneof(
      fc.record({ field: fc.constant("name" as const), value: name }),
      fc.record({ field: fc.constant("cidr" as const), value: fc.oneof(cidr, fc.constantFrom("10.0.0.0/8", "10.1.0.0/16", "fd00::/48", "10.0.0.0/20", "10.0.0.7/32", "10.0.0.255/32", "10.1.0.255/32", "fd00::1:0:0:0/64")) }),
      fc.record({ field: fc.constant("blockSize" as const), value: blockSize }),
      fc.record({ field: fc.constant("family" as const), value: family }),
      fc.record({ field: fc.constant("status" as const), value: status }),
    );
    fc.assert(
      fc.property(valid, fc.nat(), fc.option(fault, { nil: undefined }), ([names, v6, statuses], pick, change) => {
        const entries = names.map((n, i) => ({
          name: n,
          cidr: v6[i] ? `fd00:0:0:${(i + 1).toString(16)}::/64` : `10.${i}.0.0/24`,
          blockSize: v6[i] ? "122" : "26",
          family: v6[i] ? "6" : "4",
          status: statuses[i],
        }));
        if (change) entries[pick % entries.length] = { ...entries[pick % entries.length], [change.field]: change.value };
        sameAsGeneral(canonicalText(entries));
      }),
      { numRuns: 2000 },
    );
  });

  test("reads any small change of a canonical text exactly as the general reader", () => {
    const edit = fc.record({ at: fc.nat(), cut: fc.nat(3), insert: fc.constantFrom("", " ", ",", "\n", '"', "}", "0", "a", "<<<<<<< ours\n", '"spec": {},') });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { maxLength: 5, selector: (e) => e.name }), edit, (entries, e) => {
        const text = canonicalText([...entries].sort(byName));
        const at = e.at % (text.length + 1);
        sameAsGeneral(text.slice(0, at) + e.insert + text.slice(at + e.cut));
      }),
      { numRuns: 1500 },
    );
  });

  test("reads valid canonical text with one character changed, deleted or added anywhere exactly as the general reader", () => {
    // The layout around the fields too: a quote, a space, a comma or a key's letter anywhere.
    const entries = [
      { name: "a", cidr: "10.0.0.0/24", blockSize: "26", family: "4", status: "active" },
      { name: "b-1", cidr: "fd00::/64", blockSize: "122", family: "6", status: "draining" },
      { name: "c.d", cidr: "10.0.1.0/26", blockSize: "32", family: "4", status: "adopted" },
    ];
    const texts = [1, 2, 3].map((n) => canonicalText(entries.slice(0, n)));
    const edit = fc.record({
      which: fc.nat(),
      at: fc.nat(),
      kind: fc.constantFrom("replace", "delete", "insert"),
      char: fc.constantFrom(" ", "\n", '"', ",", ":", "{", "}", "a", "z", "0", "4", "6", ".", "/", "-", "e", "y"),
    });
    fc.assert(
      fc.property(edit, ({ which, at, kind, char }) => {
        const text = texts[which % texts.length];
        const k = at % text.length;
        const edited = kind === "replace" ? text.slice(0, k) + char + text.slice(k + 1) : kind === "delete" ? text.slice(0, k) + text.slice(k + 1) : text.slice(0, k) + char + text.slice(k);
        sameAsGeneral(edited);
      }),
      { numRuns: 3000 },
    );
  });

  test("finds overlapping IPv4 ranges anywhere in the address space as the general reader", () => {
    // Random aligned ranges over all 32 bits (the reader sorts the networks by 11, 11 and 10 bits):
    // some apart, some nested, some equal.
    const range = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })).map(([address, prefix]) => {
      const network = address - (address % 2 ** (32 - prefix));
      return `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".")}/${prefix}`;
    });
    fc.assert(
      fc.property(fc.array(range, { minLength: 2, maxLength: 40 }), fc.nat(), fc.boolean(), (cidrs, pick, copy) => {
        // Sometimes a range again inside another one's range: an overlap the reader must find.
        if (copy) cidrs.push(cidrs[pick % cidrs.length].replace(/\/(\d+)$/, (_, p: string) => `/${Math.min(32, Number(p) + 1)}`));
        const entries = cidrs.map((cidr, i) => ({ name: `p-${String(i).padStart(3, "0")}`, cidr, blockSize: "32", family: "4", status: "active" }));
        const text = canonicalText(entries);
        const apart = inspectLedger(JSON.parse(text) as unknown).problems.length === 0;
        expect(readCanonicalLedger(text) !== undefined).toBe(apart);
        sameAsGeneral(text);
      }),
      { numRuns: 1000 },
    );
  });

  test.each([
    ["a range that ends where the next starts, apart", ["10.0.0.0/25", "10.0.0.128/25"], true],
    ["a /32 at the last address of a /24", ["10.0.0.0/24", "10.0.0.255/32"], false],
    ["a /32 at the first address of a /24", ["10.0.0.0/24", "10.0.0.0/32"], false],
    ["the same /32 twice", ["10.0.0.7/32", "10.0.0.7/32"], false],
    ["a /24 inside a /16, written first", ["10.0.3.0/24", "10.0.0.0/16"], false],
    ["the whole space and one range", ["0.0.0.0/0", "192.168.0.0/26"], false],
    ["ranges at both ends of the space", ["0.0.0.0/32", "255.255.255.255/32"], true],
  ])("reads two IPv4 entries as the general reader: %s", (_, [first, second], valid) => {
    const text = canonicalText([
      { name: "a", cidr: first, blockSize: "32", family: "4", status: "active" },
      { name: "b", cidr: second, blockSize: "32", family: "4", status: "draining" },
    ]);
    expect(readCanonicalLedger(text) !== undefined).toBe(valid);
    sameAsGeneral(text);
  });

  test("orders names in place as the general reader: names of the name alphabet, of every length around the 5-character words compared", () => {
    // Short names of few characters ("-", ".", digits, letters at both ends of their ranges), many sharing a start.
    const nameOf = fc.array(fc.constantFrom("a", "z", "0", "9", "-", ".", "m"), { minLength: 1, maxLength: 13 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(nameOf, { minLength: 1, maxLength: 8 }), fc.boolean(), (names, sorted) => {
        const entries = names.map((n, i) => ({ name: n, cidr: `10.${i}.0.0/24`, blockSize: "26", family: "4", status: "active" }));
        sameAsGeneral(canonicalText(sorted ? [...entries].sort(byName) : entries));
      }),
      { numRuns: 3000 },
    );
    // Names that differ only at or after a word's end, and the longest names, written in and out of order.
    for (const [a, b] of [
      ["abcde", "abcdf"],
      ["abcde", "abcde0"],
      ["abcd", "abcde"],
      ["abcde-f", "abcde.f"],
      ["abcdefghij", "abcdefghij-k"],
      ["a".repeat(252), "a".repeat(253)],
      ["a".repeat(253), "a".repeat(252) + "b"],
    ]) {
      for (const pair of [
        [a, b],
        [b, a],
        [a, a],
      ]) {
        const text = canonicalText(pair.map((n, i) => ({ name: n, cidr: `10.${i}.0.0/24`, blockSize: "26", family: "4", status: "active" })));
        expect(readCanonicalLedger(text) !== undefined).toBe(pair[0] < pair[1]);
        sameAsGeneral(text);
      }
    }
  });

  test("makes no string per name: a run that keeps every pool compares its requests' names with the text in place", () => {
    const requests = Array.from({ length: 60 }, (_, i) => ({
      name: `pool-${String(i).padStart(2, "0")}${i % 4 === 0 ? ".x" : ""}`,
      family: (i % 5 === 0 ? 6 : 4) as 4 | 6,
      blockSize: i % 5 === 0 ? 122 : i % 2 === 0 ? 26 : 100 - 74,
      size: { kind: "prefix" as const, prefixLength: i % 5 === 0 ? 116 : 24 + (i % 3) },
    }));
    const input = { spaces: [{ name: "v4", cidr: "10.0.0.0/16" }, { name: "v6", cidr: "fd00::/96" }], requests };
    const text = serializeLedger(carve(input).ledger);
    const read = readCanonicalLedger(text)!;
    const readIndex = madePoolIndex(read)!;
    expect(readIndex.namesMade()).toBe(false);
    const again = carve({ ...input, ledger: read });
    // The fast path: no list of names made by the run (this fails if the run reads the names as strings).
    expect(readIndex.namesMade()).toBe(false);
    expect(again.changes).toEqual([]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(carve({ ...input, ledger: parseLedgerBody(text) })));
    // Each name as the text holds it, compared as strings compare (a new read: the result's ledger was read whole above).
    const index = madePoolIndex(readCanonicalLedger(text)!)!;
    const names = Object.keys(parseLedgerBody(text).pools);
    names.forEach((n, k) => expect(index.name(k)).toBe(n));
    const probes = [...names, "", "a", "pool-", "pool-0", "pool-00.x0", "pool-99", "pool-1\u00e9", "zzz", "pool-00.", "pool-00.xx"];
    for (let k = 0; k < names.length; k++) {
      for (const probe of probes) expect(Math.sign(index.compareName(k, probe))).toBe(names[k] === probe ? 0 : names[k] < probe ? -1 : 1);
    }
    expect(index.namesMade()).toBe(false);
    expect(index.names).toEqual(names);
    expect(index.namesMade()).toBe(true);
  });

  test.each(["a..b", "-a", "a-", "a.", ".a", "a.-b", "a-.b", "10", "0", "a".repeat(254)])("leaves the pool name %s to the general reader", (bad) => {
    const text = canonicalText([{ name: bad, cidr: "10.0.0.0/24", blockSize: "26", family: "4", status: "active" }]);
    expect(readCanonicalLedger(text)).toBeUndefined();
    sameAsGeneral(text);
  });

  test("leaves text with other sections or a spec to the general reader", () => {
    const ledger = parseLedger('{"pools": {"a": {"blockSize": 26, "cidr": "10.0.0.0/24", "family": 4, "status": "active", "spec": {"natOutgoing": true}}}, "version": 1}');
    const text = serializeLedger(ledger);
    expect(readCanonicalLedger(text)).toBeUndefined();
    sameAsGeneral(text);
  });
});
