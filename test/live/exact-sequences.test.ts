import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { stringify } from "yaml";
import { Cidr } from "../../src/ip";
import { ipamBlockObject, readDumpFiles, stringifyObjects } from "../../src/live";
import { podAlloc } from "./helpers";

// Calico's sequence numbers are nanosecond times, past 2^53: every way a dump can be written keeps them
// exact — kubectl's JSON layout (read in batches), other JSON (read whole) and YAML.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exact-sequences-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sequence = fc.oneof(fc.bigInt({ min: 2n ** 53n - 2n, max: 2n ** 53n + 2n }), fc.bigInt({ min: 10n ** 18n, max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 10n ** 6n }));

function list(items: unknown[]) {
  return { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
}

let n = 0;
function write(text: string, ext: string): string {
  const f = path.join(dir, `dump-${n++}.${ext}`);
  fs.writeFileSync(f, text);
  return f;
}

describe("sequence numbers past 2^53 are read exactly from every dump format", () => {
  test("property: kubectl JSON, compact JSON, 2-space JSON, a single JSON object and YAML give the same exact digits", () => {
    fc.assert(
      fc.property(sequence, sequence, sequence, (block, first, second) => {
        const o = ipamBlockObject({ cidr: Cidr.parse("10.0.0.0/26"), host: "n1", allocations: [{ ...podAlloc(0, "ns", "a", "n1"), sequenceNumber: first }, { ...podAlloc(5, "ns", "b", "n1"), sequenceNumber: second }], sequenceNumber: block });
        const files = [
          write(`${stringifyObjects(list([o]), 4)}\n`, "json"),
          write(stringifyObjects(list([o])), "json"),
          write(stringifyObjects(list([o]), 2), "json"),
          write(stringifyObjects(o, 2), "json"),
          write(stringify(list([o])), "yaml"),
        ];
        const safe = (v: bigint) => v <= BigInt(Number.MAX_SAFE_INTEGER);
        const unsafe = !safe(block) || !safe(first) || !safe(second);
        const expected = unsafe
          ? {
              ...(!safe(block) ? { sequenceNumber: block.toString() } : {}),
              forAllocation: !safe(first) || !safe(second) ? Object.fromEntries([["0", first], ["5", second]].filter(([, v]) => (v as bigint) >= 10n ** 15n).map(([k, v]) => [k, String(v)])) : {},
            }
          : undefined;
        for (const f of files) {
          const dump = readDumpFiles([f]);
          expect(dump.findings).toEqual([]);
          expect([f, dump.blocks[0].exactSequenceNumbers]).toEqual([f, expected]);
          expect(dump.blocks[0].sequenceNumber).toBe(Number(block));
        }
      }),
      { numRuns: 40 },
    );
  });

  test("integers of other fields and inside strings are read as JSON.parse reads them", () => {
    const text = JSON.stringify(list([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", annotations: { a: "1767225600000000123", b: "x 12345678901234567890 y" } }, data: { n: 1 } }])).replace('"n":1', '"n":12345678901234567890,"f":0.12345678901234567,"e":1e12345678901234567,"m":-12345678901234567890');
    const dump = readDumpFiles([write(text, "json")]);
    expect(dump.notes.join(" ")).toMatch(/Skipped 1 object of kind ConfigMap/);
    // The same values as JSON.parse (the skipped object is not kept: read it through the reader used for dumps).
    const { streamDumpObjects } = jest.requireActual<typeof import("../../src/io/objects")>("../../src/io/objects");
    const [doc] = [...streamDumpObjects(write(text, "json"), () => [{ path: "data.n", key: "n" }])];
    expect(doc.value).toEqual(JSON.parse(text).items[0]);
    expect(doc.bigIntegers).toEqual({ "data.n": "12345678901234567890" });
  });

  describe("any JSON or YAML whitespace around the keys, and escaped keys, keep the exact digits", () => {
    const o = ipamBlockObject({
      cidr: Cidr.parse("10.0.0.0/26"),
      host: "n1",
      allocations: [
        { ...podAlloc(0, "ns", "a", "n1"), sequenceNumber: 2n ** 53n + 3n },
        { ...podAlloc(5, "ns", "b", "n1"), sequenceNumber: 1767225600000000123n },
      ],
      sequenceNumber: 2n ** 53n + 1n,
    });
    const expected = { sequenceNumber: "9007199254740993", forAllocation: { "0": "9007199254740995", "5": "1767225600000000123" } };
    /** Each key of the text rewritten: `"key": ` (JSON) or `key: ` (YAML) → the variant. */
    const rewrite = (text: string, json: boolean, variant: (key: string) => string) =>
      text.replace(json ? /"(sequenceNumber|sequenceNumberForAllocation|0|5)": /g : /\b(sequenceNumber|sequenceNumberForAllocation|"0"|"5"): /g, (_m, key: string) => variant(key));
    const jsonVariants: Array<[string, (key: string) => string]> = [
      ["a space before the colon", (k) => `"${k}" : `],
      ["no space after the colon", (k) => `"${k}":`],
      ["tabs around the colon", (k) => `"${k}"\t:\t`],
      ["line feeds around the colon", (k) => `"${k}"\n:\n            `],
      ["CR LF before the colon", (k) => `"${k}"\r\n  :  `],
      ["an escaped key", (k) => `"${k.replace(/[N0]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}": `],
    ];
    const yamlVariants: Array<[string, (key: string) => string]> = [
      ["a space before the colon", (k) => `${k} : `],
      ["a tab after the colon", (k) => `${k}:\t`],
      ["a quoted key and spaces", (k) => `"${k.replace(/"/g, "")}"  :  `],
    ];
    const cases: Array<[string, string, string]> = [];
    for (const [what, v] of jsonVariants) {
      cases.push([`kubectl JSON List, ${what}`, "json", rewrite(`${stringifyObjects(list([o]), 4)}\n`, true, v)]);
      cases.push([`2-space JSON List, ${what}`, "json", rewrite(stringifyObjects(list([o]), 2), true, v)]);
      cases.push([`a single JSON object, ${what}`, "json", rewrite(stringifyObjects(o, 4), true, v)]);
    }
    for (const [what, v] of yamlVariants) {
      cases.push([`YAML List, ${what}`, "yaml", rewrite(stringify(list([o])), false, v)]);
      cases.push([`a single YAML object, ${what}`, "yaml", rewrite(stringify(o), false, v)]);
    }
    test.each(cases)("%s", (_what, ext, text) => {
      // The variant was applied (every key), and the text is what JSON.parse or YAML reads as the block.
      expect(text).not.toMatch(ext === "json" ? /"sequenceNumber": / : /\bsequenceNumber: /);
      const dump = readDumpFiles([write(text, ext)]);
      expect(dump.findings).toEqual([]);
      expect(dump.blocks[0].exactSequenceNumbers).toEqual(expected);
      expect(readDumpFiles([write(text, ext)], { fastDecode: false }).blocks[0].exactSequenceNumbers).toEqual(expected);
    });
  });
});
