import fc from "fast-check";
import { stringifyObjects } from "../../src/live";
import { handleItemAt } from "../../src/live/private/handle-columns";
import { handleIdHash } from "../../src/live/private/handle-ids";
import { sortKeys } from "../../bench/inspect-dump";
import { V1 } from "./helpers";

// The handles worker (src/live/private/handle-columns.ts) reads an IPAM handle with a byte template of
// kubectl's layout, and leaves any item it does not take to the pattern of template-decode.ts (HANDLE).
// The template must take exactly what the pattern takes, and read the same values: for kubectl's text,
// and for any byte of it changed, added or removed. Its WebAssembly version too.

/** An item's text as it stands in kubectl's List (8 spaces in), and where its "{" is. */
function itemText(item: unknown): { bytes: Buffer; at: number } {
  const text = stringifyObjects({ items: [sortKeys(item)] }, 4);
  const at = text.indexOf("\n        {") + 9;
  return { bytes: Buffer.from(text, "latin1"), at };
}

/**
 * What the template and the pattern read of the item at `at` (undefined: not taken). The WebAssembly
 * template (src/live/private/handle-wasm.ts, the worker's when WebAssembly is there) must read exactly
 * what the JavaScript one reads.
 */
function both(bytes: Uint8Array, at: number): { template: unknown; pattern: unknown } {
  const template = handleItemAt(bytes, at, "template");
  expect(handleItemAt(bytes, at, "wasm")).toEqual(template);
  return { template, pattern: handleItemAt(bytes, at, "pattern") };
}

/** Strings as kubectl writes them: mostly printable ASCII, sometimes what JSON escapes. */
const plain = fc.stringMatching(/^[ !#-[\]-~]{0,40}$/);
const text = fc.oneof({ weight: 6, arbitrary: plain }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom('a"b', "a\\b", "\t", "é", "\u007f", "") });
/** Metadata members other than the name: any JSON value (a nested one is not the pattern's). */
const value = fc.oneof(
  plain,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(true, false, null, 0, -0, 1e21, 1.5e-7, -12.25),
  fc.constant({ a: "b" }),
  fc.constant([1]),
);
const key = fc.oneof(fc.stringMatching(/^[a-zA-Z]{0,12}$/), fc.constantFrom("names", "nam", "name ", "", "uid", "generation"), text);
const handle = fc
  .record({
    name: text,
    id: text,
    sameId: fc.boolean(),
    extra: fc.dictionary(key, value, { maxKeys: 6 }),
    cidr: fc.oneof(fc.constantFrom("10.0.0.0/26", "fd00::/122", "__proto__", ""), text),
    count: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(999999999999999, 1e15, 10, -1, 1.5)),
    deleted: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((h) => {
    const metadata: Record<string, unknown> = { ...h.extra };
    delete metadata.name;
    metadata.name = h.name;
    return {
      apiVersion: V1,
      kind: "IPAMHandle",
      metadata,
      spec: { block: { [h.cidr]: h.count }, handleID: h.sameId ? h.name : h.id, ...(h.deleted !== undefined ? { deleted: h.deleted } : {}) },
    };
  });

describe("the handles worker's template reads what the pattern reads", () => {
  test("kubectl's text of a handle with the usual metadata: both take it, with the same values", () => {
    const item = {
      apiVersion: V1,
      kind: "IPAMHandle",
      metadata: { creationTimestamp: "2026-01-01T00:00:00Z", generation: 1, name: "k8s-pod-network.0a1b", resourceVersion: "201000", uid: "73f0348a-bb4f-0348-332c-5bef772f7759" },
      spec: { block: { "10.77.79.64/26": 1 }, deleted: false, handleID: "k8s-pod-network.0a1b" },
    };
    const { bytes, at } = itemText(item);
    const read = handleItemAt(bytes, at, "template");
    expect(read).toEqual(handleItemAt(bytes, at, "pattern"));
    const s = bytes.toString("latin1");
    expect(read).toMatchObject({ count: 1, deleted: false, idIsName: true, idHash: handleIdHash("k8s-pod-network.0a1b") });
    expect(s.slice(read!.nameAt, read!.nameEnd)).toBe("k8s-pod-network.0a1b");
    expect(s.slice(read!.idAt, read!.idEnd)).toBe("k8s-pod-network.0a1b");
    expect(s.slice(read!.cidrAt, read!.cidrEnd)).toBe("10.77.79.64/26");
    expect(s.slice(at, read!.end)).toBe(stringifyObjects(sortKeys(item), 4).replace(/\n/g, "\n        "));
  });

  test("numbers of metadata as JSON writes them: exponents with e or E, signs, fractions (and what is not a number)", () => {
    const { bytes, at } = itemText({ apiVersion: V1, kind: "IPAMHandle", metadata: { generation: 7, name: "a" }, spec: { block: { "10.0.0.0/26": 1 }, handleID: "a" } });
    const s = bytes.toString("latin1");
    const numbers = ["0", "-0", "12", "1.5", "1e5", "1E5", "1e+21", "1E+21", "1.5E-7", "-2.25e-3", "1E", "1e+", "1.", "01", "-", "+1", ".5", "1.5E+"];
    const answers = numbers.map((n) => {
      const { template, pattern } = both(Buffer.from(s.replace('"generation": 7', `"generation": ${n}`), "latin1"), at);
      expect(template).toEqual(pattern);
      return template !== undefined;
    });
    expect(answers).toEqual(numbers.map((n) => /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(n)));
  });

  test("text JSON objects cannot hold: a second name line, a name that is no string (neither takes them)", () => {
    const { bytes, at } = itemText({ apiVersion: V1, kind: "IPAMHandle", metadata: { generation: 1, name: "a", uid: "u" }, spec: { block: { "10.0.0.0/26": 1 }, handleID: "a" } });
    const s = bytes.toString("latin1");
    const line = (k: string, v: string) => `${" ".repeat(16)}"${k}": ${v}`;
    const variants = [
      s.replace(line("uid", '"u"'), line("name", '"b"')),
      s.replace(line("generation", "1"), line("name", "1")),
      s.replace(line("generation", "1"), line("name", '"z"')),
      s.replace(line("uid", '"u"'), line("name", "true")),
      s.replace(line("uid", '"u"'), line("names", "true")),
    ];
    const answers = variants.map((v) => {
      expect(v).not.toBe(s);
      const { template, pattern } = both(Buffer.from(v, "latin1"), at);
      expect(template).toEqual(pattern);
      return template !== undefined;
    });
    expect(answers).toEqual([false, false, false, false, true]);
  });

  test("property: any handle, as kubectl writes it: the same answer and values", () => {
    let taken = 0;
    fc.assert(
      fc.property(handle, (item) => {
        const { bytes, at } = itemText(item);
        const { template, pattern } = both(bytes, at);
        expect(template).toEqual(pattern);
        if (pattern !== undefined) taken++;
      }),
      { numRuns: 400 },
    );
    expect(taken).toBeGreaterThan(50);
  });

  test("property: a byte changed, added or removed anywhere in a handle: the same answer and values", () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x20, 0x22, 0x5c, 0x0a, 0x2c, 0x3a, 0x7b, 0x7d, 0x30, 0x31, 0x39, 0x2d, 0x2e, 0x65, 0x6e, 0x74, 0x66));
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom("replace", "insert", "delete"), byte });
    fc.assert(
      fc.property(handle, fc.array(edit, { minLength: 1, maxLength: 3 }), (item, edits) => {
        const { bytes, at } = itemText(item);
        let b = bytes;
        for (const e of edits) {
          const i = at + (e.at % (b.length - at));
          const x = Buffer.from([e.byte]);
          b = Buffer.concat([b.subarray(0, i), e.kind === "delete" ? Buffer.alloc(0) : x, b.subarray(e.kind === "insert" ? i : i + 1)]);
        }
        const { template, pattern } = both(b, at);
        expect(template).toEqual(pattern);
      }),
      { numRuns: 1500 },
    );
  });

  test("every byte of kubectl's text of a handle replaced by each kind of byte, or removed, or the text cut there: the same answer and values", () => {
    const item = {
      apiVersion: V1,
      kind: "IPAMHandle",
      metadata: { creationTimestamp: "2026-01-01T00:00:00Z", generation: 1, name: "pod-a.x", resourceVersion: "7", uid: "u-1" },
      spec: { block: { "10.0.0.0/26": 12 }, deleted: true, handleID: "pod-a.x" },
    };
    const { bytes, at } = itemText(item);
    const end = handleItemAt(bytes, at, "pattern")!.end;
    const replacements = [0x00, 0x0a, 0x1f, 0x20, 0x22, 0x2c, 0x31, 0x3a, 0x5c, 0x61, 0x7d, 0x7f, 0x80];
    let refused = 0;
    for (let i = at; i < end; i++) {
      const variants = [...replacements.filter((r) => r !== bytes[i]).map((r) => Buffer.concat([bytes.subarray(0, i), Buffer.from([r]), bytes.subarray(i + 1)])), Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]), bytes.subarray(0, i)];
      for (const v of variants) {
        const { template, pattern } = both(v, at);
        expect(template).toEqual(pattern);
        if (template === undefined) refused++;
      }
    }
    // (Most changes are refused: all those to the constant text.)
    expect(refused).toBeGreaterThan((end - at) * 10);
  });
});
