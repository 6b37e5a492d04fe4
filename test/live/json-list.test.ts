import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { BATCH_BYTES, READ_BYTES, readKubectlJsonList } from "../../src/io/json-list";
import { InputError, streamDumpObjects } from "../../src/io/objects";

/** A List as `kubectl get … -o json` writes it (4-space indent). */
const kubectl = (items: unknown[], metadata: Record<string, unknown> = { resourceVersion: "" }) => JSON.stringify({ apiVersion: "v1", items, kind: "List", metadata }, null, 4);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "json-list-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(text: string | Buffer): string {
  const f = path.join(dir, "dump.json");
  fs.writeFileSync(f, text);
  return f;
}

const values = (f: string) => [...streamDumpObjects(f)].map((d) => d.value);

describe("kubectl JSON Lists are read in batches, with the same result as JSON.parse", () => {
  test("items across many batches, non-ASCII text, list metadata", () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${i}`, namespace: "ns", labels: { team: "équipe-ü", n: String(i) } }, spec: { nodeName: `n${i % 7}`, list: [i, null, { deep: [1, 2] }] } }));
    const text = kubectl(items, { continue: "abc", resourceVersion: "7" });
    expect(text.length).toBeGreaterThan(2 * BATCH_BYTES);
    const list = readKubectlJsonList(Buffer.from(text));
    expect(list?.list).toEqual({ apiVersion: "v1", items: [], kind: "List", metadata: { continue: "abc", resourceVersion: "7" } });
    const docs = [...streamDumpObjects(file(text))];
    expect(docs.map((d) => d.value)).toEqual(items);
    expect(docs.map((d) => d.item)).toEqual(items.map((_, i) => i));
    expect(docs[0].listMetadata).toEqual({ continue: "abc", resourceVersion: "7" });
  });

  test("items across several reads of the window (the bytes kept from one read to the next), from a file and a buffer", () => {
    // Items of varied sizes, so the reads' and the batches' boundaries fall at different places in items.
    const items = Array.from({ length: 3500 }, (_, i) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${i}`, namespace: "ns" }, spec: { pad: "é".repeat((i * 677) % 5000), n: i } }));
    const text = kubectl(items);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * READ_BYTES);
    expect([...streamDumpObjects(file(text))].map((d) => d.value)).toEqual(items);
    expect([...readKubectlJsonList(Buffer.from(text))!.items].map((d) => d.value)).toEqual(items);
  });

  test("a source that hands out the window's buffers (two in turn, any bytes in them) reads the same items", () => {
    const items = Array.from({ length: 3500 }, (_, i) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${i}` }, spec: { pad: "x".repeat((i * 677) % 5000), n: i } }));
    const bytes = Buffer.from(kubectl(items));
    expect(bytes.length).toBeGreaterThan(2 * READ_BYTES);
    const windows = [Buffer.alloc(READ_BYTES + BATCH_BYTES), Buffer.alloc(READ_BYTES + BATCH_BYTES)];
    const asked: number[] = [];
    const list = readKubectlJsonList({
      size: bytes.length,
      read: (from, to) => bytes.subarray(from, to),
      buffer(n) {
        asked.push(n);
        // A window asked for is one of two, in turn, holding the bytes of an earlier window (or garbage).
        const w = windows[asked.length % 2];
        if (n > w.length) return Buffer.alloc(n, 0x7b);
        w.fill(asked.length % 3 === 0 ? 0x7d : 0x22);
        return w.subarray(0, n);
      },
    });
    expect([...list!.items].map((d) => d.value)).toEqual(items);
    expect(asked.length).toBeGreaterThan(2);
  });

  test("property: any list of JSON objects reads back as JSON.parse reads it", () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 12 }), (items) => {
        const text = kubectl(items);
        expect(JSON.stringify(values(file(text)))).toBe(JSON.stringify(JSON.parse(text).items));
      }),
      { numRuns: 60 },
    );
  });

  test("an empty List", () => {
    expect(values(file(kubectl([])))).toEqual([]);
  });

  test("integers past 2^53 are given exactly for the fields asked for", () => {
    const big = "1767225600017000031";
    const text = kubectl([{ kind: "IPAMBlock", metadata: { name: "b" }, spec: { note: '"sequenceNumber": 5', sequenceNumber: 1, sequenceNumberForAllocation: { "0": 2, "7": 3 } } }]).replace('"sequenceNumber": 1', `"sequenceNumber": ${big}`).replace('"7": 3', `"7": ${big}1`);
    const list = readKubectlJsonList(Buffer.from(text), () => [
      { path: "spec.sequenceNumber", key: "sequenceNumber" },
      { path: "spec.sequenceNumberForAllocation", key: "sequenceNumberForAllocation", object: true },
    ]);
    const [item] = [...list!.items];
    expect(item.bigIntegers).toEqual({ "spec.sequenceNumber": big, "spec.sequenceNumberForAllocation.7": `${big}1` });
    expect((item.value as { spec: { sequenceNumber: number } }).spec.sequenceNumber).toBe(Number(big));
  });

  // Five blocks, three with sequence numbers past 2^53 (a, c, d): each item must keep its own digits.
  const digits = ["1767225600017000031", "1767225600017000033", "1767225600017000035"];
  const fiveBlocks = (bSpec: Record<string, unknown> = {}) => {
    const block = (name: string, seq: number, spec: Record<string, unknown> = {}) => ({ kind: "IPAMBlock", metadata: { name }, spec: { ...spec, sequenceNumber: seq } });
    return kubectl([block("a", 1), block("b", 7, bSpec), block("c", 2), block("d", 3), block("e", 8)])
      .replace('"sequenceNumber": 1', `"sequenceNumber": ${digits[0]}`)
      .replace('"sequenceNumber": 2', `"sequenceNumber": ${digits[1]}`)
      .replace('"sequenceNumber": 3', `"sequenceNumber": ${digits[2]}`);
  };
  const expectOwnDigits = (text: string) => {
    const unsafe = (item: unknown) => {
      const seq = (item as { spec: { sequenceNumber: number } }).spec.sequenceNumber;
      return Number.isSafeInteger(seq) ? undefined : [{ path: "spec.sequenceNumber", key: "sequenceNumber" }];
    };
    const read = [...streamDumpObjects(file(text), unsafe)].map((d) => [(d.value as { metadata: { name: string } }).metadata.name, d.bigIntegers]);
    expect(read).toEqual([
      ["a", { "spec.sequenceNumber": digits[0] }],
      ["b", undefined],
      ["c", { "spec.sequenceNumber": digits[1] }],
      ["d", { "spec.sequenceNumber": digits[2] }],
      ["e", undefined],
    ]);
  };

  test("an item whose close is joined to its last line: every item keeps its own exact integers", () => {
    // Found by template-decode.property (seed 1611133115): the line break before the first item's close
    // replaced by a space made the item texts shift by one, and a later block read the next one's digits.
    const text = fiveBlocks().replace("\n        },", "         },");
    expect(text).toContain(`${digits[0]}\n            }         },\n        {`);
    expectOwnDigits(text);
  });

  test("a nested close at 8 spaces in one item and a joined close in another: every item still keeps its own exact integers", () => {
    // The two balance out in a count of item texts; each text must also hold exactly one JSON value.
    const text = fiveBlocks({ list: [{ p: 1 }, { q: 2 }] })
      .replace(`${digits[1]}\n            }\n        },`, `${digits[1]}\n            }         },`)
      .replace("\n                    },\n                    {", "\n        },\n        {");
    expect(text).toContain(`${digits[1]}\n            }         },\n        {`);
    expect(text).toContain('"p": 1\n        },\n        {\n                        "q": 2');
    expect(JSON.parse(text).items).toHaveLength(5);
    expectOwnDigits(text);
  });

  test("other layouts (compact JSON, 2-space indent, a bare array) are read by the whole-text parser", () => {
    const items = [{ kind: "Node", metadata: { name: "a" } }, { kind: "Node", metadata: { name: "b" } }];
    for (const text of [JSON.stringify({ apiVersion: "v1", items, kind: "List" }), JSON.stringify({ apiVersion: "v1", items, kind: "List" }, null, 2), JSON.stringify(items, null, 4)]) {
      expect(readKubectlJsonList(Buffer.from(text))).toBeUndefined();
      expect(values(file(text))).toEqual(items);
    }
  });
});

describe("malformed kubectl JSON is an error naming the file and line", () => {
  test.each([
    ["two dumps pasted into one file", (t: string) => `${t}\n${t}`, /dump\.json:\d+:\d+: malformed YAML\/JSON/],
    ["a file cut in the middle", (t: string) => t.slice(0, t.length - 40), /dump\.json:\d+:\d+: malformed YAML\/JSON/],
  ])("%s", (_name, spoil, message) => {
    const text = spoil(kubectl([{ kind: "Node", metadata: { name: "a" } }, { kind: "Node", metadata: { name: "b" } }, { kind: "Node", metadata: { name: "c" } }]));
    let caught: unknown;
    try {
      values(file(text));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(message);
  });

  test("invalid UTF-8 inside an item", () => {
    const text = Buffer.from(kubectl([{ kind: "Node", metadata: { name: "aé" } }]));
    const at = text.indexOf(Buffer.from("é"));
    text[at + 1] = 0x41; // a lead byte followed by a non-continuation byte
    expect(() => values(file(text))).toThrow(/not valid UTF-8/);
  });
});
