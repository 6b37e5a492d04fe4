import fc from "fast-check";
import { stringifyObjects } from "../../src/live";
import { MAX_LIST, MAX_ROWS, MISSING, NO_ROOM, R_HASH, R_NAMESPACE, R_NODE, R_SPANS, R_TEXT, R_TYPE, TEXT_BYTES, attributeWasm } from "../../src/live/private/attribute-wasm";
import type { AttributeWasm } from "../../src/live/private/attribute-wasm";
import { AttributeColumns, SequenceColumns } from "../../src/live/private/columns";
import { COMPACT_BYTES, handleText } from "../../src/live/private/compact-handle";
import { handleIdHash } from "../../src/live/private/handle-ids";
import { ATTRIBUTE_SOURCE, templateEnd, templateItem } from "../../src/live/template-decode";
import type { FastBlock } from "../../src/live/fast-decode";
import { sortKeys } from "../../bench/inspect-dump";
import { V1, ipamBlockDocument } from "./helpers";

// The blocks worker matches attributes with a WebAssembly matcher (src/live/private/attribute-wasm.ts)
// when the file's bytes are in its memory: it must take exactly what the ATTRIBUTE pattern of
// template-decode.ts takes (kubectl's text, and any change to it), with the same values.

const ATTRIBUTE = new RegExp(ATTRIBUTE_SOURCE, "y");
const made = attributeWasm();
const sp = (n: number) => " ".repeat(n);

/** Printable ASCII but '"' and '\\' (what the pattern takes in a value), 0 to 40 characters: every length modulo 16. */
const plain = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)), maxLength: 40 });
/** Any byte, for the changes. */
const byte = fc.integer({ min: 0, max: 255 });
/** A pod's handle ID (kept in its compact form: compact-handle.ts), or one that is almost (kept as its text). */
const podHandle = fc.tuple(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom("", "", "", "x", "A")).map(([h, x]) => `k8s-pod-network.${x === "A" ? h.slice(1) + x : h + x}`);
const attribute = fc.record(
  { handle_id: fc.oneof({ weight: 3, arbitrary: plain }, podHandle), secondary: fc.record({ namespace: plain, node: plain, pod: plain, timestamp: plain, type: plain }, { requiredKeys: ["node"] }) },
  { requiredKeys: ["handle_id", "secondary"] },
);
/** Changes to a text: a byte replaced, inserted or removed at a place (a fraction of the length). */
const edits = fc.array(fc.record({ at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), kind: fc.constantFrom("replace", "insert", "remove"), byte }), { maxLength: 3 });

function edited(text: Buffer, changes: readonly { at: number; kind: string; byte: number }[]): Buffer {
  let t = text;
  for (const e of changes) {
    const at = Math.floor(e.at * t.length);
    if (e.kind === "replace") t = Buffer.concat([t.subarray(0, at), Buffer.of(e.byte), t.subarray(at + 1)]);
    else if (e.kind === "insert") t = Buffer.concat([t.subarray(0, at), Buffer.of(e.byte), t.subarray(at)]);
    else t = Buffer.concat([t.subarray(0, at), t.subarray(at + 1)]);
  }
  return t;
}

/** An attribute as kubectl writes it in a block (20 spaces in). */
function attributeText(a: unknown): string {
  return `${sp(20)}${stringifyObjects(sortKeys(a), 4).split("\n").join(`\n${sp(20)}`)}`;
}

/** What the matcher gives for the text `t` at `p` of a window (the pattern sees `t[0, lim)`), with the values it found. */
function wasmMatch(w: AttributeWasm, t: Buffer, p: number, lim: number, at = 0): { end: number; values?: Record<string, unknown> } {
  const win = w.windows[0];
  t.copy(win, 0);
  const base = win.byteOffset;
  const end = w.attribute(base + p, base + lim, at);
  if (end < 0) return { end };
  const o = w.out;
  const span = (k: number) => (o[R_SPANS + k] < 0 ? undefined : k === 0 ? handleText(w.text, o[R_SPANS], o[R_SPANS + 1]) : w.text.toString("latin1", o[R_SPANS + k], o[R_SPANS + k + 1]));
  /** The text from a value's start to its quote. */
  const key = (r: number) => (o[r] < 0 ? undefined : t.toString("latin1", o[r] - base, t.indexOf(0x22, o[r] - base)));
  return {
    end: end - base,
    values: { handle: span(0), hash: o[R_HASH], pod: span(2), timestamp: span(4), namespace: key(R_NAMESPACE), node: key(R_NODE), type: key(R_TYPE), text: o[R_TEXT] },
  };
}

/** The bytes a handle ID takes in the block's text: 34 for a pod's (compact), else its length. */
const kept = (id: string) => (/^k8s-pod-network\.[0-9a-f]{64}$/.test(id) ? COMPACT_BYTES : id.length);

/** What the pattern takes of the same text, and the values of the attribute it matched (which is JSON). */
function patternMatch(t: Buffer, p: number, lim: number, at = 0): { end: number; values?: Record<string, unknown> } {
  const s = t.toString("latin1", 0, lim);
  ATTRIBUTE.lastIndex = p;
  if (!ATTRIBUTE.test(s)) return { end: -1 };
  const a = JSON.parse(s.slice(p, ATTRIBUTE.lastIndex)) as { handle_id: string; secondary: Record<string, string | undefined> };
  const { namespace, node, pod, timestamp, type } = a.secondary;
  const length = (v: string | undefined) => v?.length ?? 0;
  return {
    end: ATTRIBUTE.lastIndex,
    values: { handle: a.handle_id, hash: handleIdHash(a.handle_id), pod, timestamp, namespace, node, type, text: at + kept(a.handle_id) + length(pod) + length(timestamp) },
  };
}

describe("the WebAssembly attribute matcher takes what the ATTRIBUTE pattern takes", () => {
  test("it is there (Node.js 20 has WebAssembly with SIMD)", () => {
    expect(made).toBeDefined();
  });
  const w = made as AttributeWasm;

  test("property: kubectl's text of any attribute, at any alignment, changed anywhere or cut anywhere: the same answer and the same values", () => {
    fc.assert(
      fc.property(attribute, fc.nat({ max: 31 }), edits, fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), fc.nat({ max: 100 }), (a, pad, changes, cut, at) => {
        const text = Buffer.from(`${"x".repeat(pad)}\n${attributeText(a)},\n${attributeText(a)}\n`, "latin1");
        const t = edited(text, changes);
        const p = pad + 1;
        const lim = cut === undefined ? t.length : Math.floor(cut * t.length);
        const expected = patternMatch(t, p, lim, at);
        expect(wasmMatch(w, t, p, lim, at)).toEqual(expected);
        if (changes.length === 0 && cut === undefined) expect(expected.end).toBe(p + attributeText(a).length);
      }),
      { numRuns: 2000 },
    );
  });

  test("every byte of an attribute replaced by each kind of byte, removed, or the text cut there", () => {
    const a = { handle_id: "k8s-pod-network.0123456789abcdef0123456789", secondary: { namespace: "team-0", node: "rack0-node-0000", pod: "app-0-0", timestamp: "2026-01-01 00:00:00 +0000 UTC", type: "t" } };
    const text = Buffer.from(`\n${attributeText(a)}\n`, "latin1");
    // (Bytes at the bounds of what a value takes, and of the constant text.)
    const kinds = [0x00, 0x09, 0x0a, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x2c, 0x5b, 0x5c, 0x5d, 0x7a, 0x7b, 0x7d, 0x7e, 0x7f, 0x80, 0xff];
    let taken = 0;
    for (let i = 0; i < text.length; i++) {
      for (const k of kinds) {
        const t = Buffer.from(text);
        t[i] = k;
        const expected = patternMatch(t, 1, t.length);
        if (expected.end >= 0) taken++;
        expect(wasmMatch(w, t, 1, t.length)).toEqual(expected);
      }
      const removed = Buffer.concat([text.subarray(0, i), text.subarray(i + 1)]);
      expect(wasmMatch(w, removed, 1, removed.length)).toEqual(patternMatch(removed, 1, removed.length));
      expect(wasmMatch(w, text, 1, i)).toEqual(patternMatch(text, 1, i));
    }
    // (Changed characters of the values are taken, of the constant text refused.)
    expect(taken).toBeGreaterThan(500);
  });

  test("a match whose values do not fit in the block's text answers NO_ROOM, and copies nothing", () => {
    const a = { handle_id: "h".repeat(30), secondary: { node: "n", pod: "p".repeat(20) } };
    const t = Buffer.from(`\n${attributeText(a)}\n`, "latin1");
    w.text.fill(0x2e, TEXT_BYTES - 100, TEXT_BYTES);
    expect(wasmMatch(w, t, 1, t.length, TEXT_BYTES - 50 - 16 + 1).end).toBe(NO_ROOM);
    expect(w.text.toString("latin1", TEXT_BYTES - 100)).toBe(".".repeat(100));
    expect(wasmMatch(w, t, 1, t.length, TEXT_BYTES - 50 - 16).end).toBe(t.length - 1);
  });
});

describe("the kubectl-layout matcher reads the same blocks from the WebAssembly memory as from any buffer", () => {
  const w = made as AttributeWasm;
  const block = fc.record({ attributes: fc.array(attribute, { maxLength: 5 }), seq: fc.array(fc.nat(), { maxLength: 3 }) }).map((b) =>
    ipamBlockDocument(V1, { name: "10-0-0-0-29" }, { cidr: "10.0.0.0/29", affinity: "host:node-1", allocations: b.attributes.map((_, k) => k), attributes: b.attributes, unallocated: [], sequenceNumber: 1, seq: Object.fromEntries(b.seq.map((n, k) => [String(k), BigInt(n)])), strictAffinity: false }),
  );

  /** What the matcher reads of the item at `p`: the block's fields and attributes, or null. */
  function read(bytes: Buffer, p: number, to: number): unknown {
    const item = templateItem(bytes, p, to) as FastBlock | undefined;
    if (item === undefined) return null;
    const a = item.fields.attributes as AttributeColumns;
    const rows = (col: Int32Array, n: number) => [...col.subarray(a.at * n, (a.at + a.length) * n)];
    const q = item.fields.sequenceNumberForAllocation as SequenceColumns;
    const seq = { numbers: q.numbers(), exact: q.exact(), unsafe: q.unsafe, length: q.length, from: q.from };
    return { end: templateEnd(), name: item.name, attributes: a.attributes(), hashes: [...a.hashes], spans: rows(a.chunk.spans, 6), keys: rows(a.chunk.keys, 3).map((k) => (k < 0 ? k : a.strings[k])), seq, fields: { ...item.fields, attributes: undefined, sequenceNumberForAllocation: undefined } };
  }

  /** The same blocks read from a copy of `text` in the matcher's memory as from `text` (`big`: compared as JSON, faster). */
  function same(text: Buffer, big = false): unknown {
    const win = w.windows[1];
    text.copy(win, 0);
    const inMemory = win.subarray(0, text.length);
    const open = Buffer.from("\n        {");
    let last: unknown;
    for (let p = text.indexOf(open); p >= 0; p = text.indexOf(open, p + 1)) {
      const [a, b] = [read(inMemory, p + 9, text.length), read(text, p + 9, text.length)];
      if (big) expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      else expect(a).toEqual(b);
      last = a;
    }
    return last;
  }

  test("property: Lists of blocks as kubectl writes them, and changed anywhere", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 3 }), edits, (blocks, changes) => {
        const text = Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: blocks.map(sortKeys), kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
        same(edited(text, changes));
      }),
      { numRuns: 300 },
    );
  });

  /** A List of one block of `attributes` as kubectl writes it. */
  function blockList(attributes: readonly { handle_id: string; secondary: Record<string, string> }[], prefix = 24): Buffer {
    const doc = ipamBlockDocument(V1, { name: `10-0-0-0-${prefix}` }, { cidr: `10.0.0.0/${prefix}`, affinity: "host:node-1", allocations: attributes.map((_, k) => k), attributes, unallocated: [], strictAffinity: false });
    return Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: [sortKeys(doc)], kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
  }

  // Blocks of every field the patterns read, at the bounds of what they take: numbers of 9 and 10
  // digits, sequence numbers about 2^53, an empty affinity, a claim time that is not a date-time.
  const small = fc.oneof(fc.nat({ max: 70 }), fc.constantFrom(0, 99999999, 999999999, 1000000000, 12345678901));
  const large = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.constantFrom(9007199254740991n, 9007199254740992n, 9999999999999999n, 1000000000000000n, 0n));
  const anyBlock = fc
    .record({
      meta: fc.dictionary(fc.constantFrom("uid", "resourceVersion", "generation", "labels", "x"), fc.oneof(plain, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
      affinity: fc.option(fc.constantFrom("host:node-1", "", "host:node-2", "x"), { nil: undefined }),
      affinityClaimTime: fc.option(fc.constantFrom("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5+02:00", "not-a-date", "2026-13-01T00:00:00Z"), { nil: undefined }),
      allocations: fc.array(fc.option(small, { nil: null }), { maxLength: 8 }),
      unallocated: fc.array(small, { maxLength: 6 }),
      attributes: fc.array(attribute, { maxLength: 4 }),
      sequenceNumber: fc.option(large, { nil: undefined }),
      seq: fc.option(fc.dictionary(fc.oneof(small.map(String), fc.constantFrom("01", "x", "1048576", "1048575")), large, { maxKeys: 5 }), { nil: undefined }),
      deleted: fc.option(fc.boolean(), { nil: undefined }),
      strictAffinity: fc.boolean(),
    })
    .map((b) => ({
      apiVersion: V1,
      kind: "IPAMBlock",
      metadata: { ...b.meta, name: "10-0-0-0-26" },
      spec: {
        cidr: "10.0.0.0/26",
        ...(b.affinity !== undefined ? { affinity: b.affinity } : {}),
        ...(b.affinityClaimTime !== undefined ? { affinityClaimTime: b.affinityClaimTime } : {}),
        allocations: b.allocations,
        attributes: b.attributes,
        ...(b.deleted !== undefined ? { deleted: b.deleted } : {}),
        ...(b.sequenceNumber !== undefined ? { sequenceNumber: b.sequenceNumber } : {}),
        ...(b.seq !== undefined ? { sequenceNumberForAllocation: b.seq } : {}),
        strictAffinity: b.strictAffinity,
        unallocated: b.unallocated,
      },
    }));

  test("property: blocks of any field, as kubectl writes them and changed anywhere, read in the matcher's memory (head, attributes, tail) as the patterns read them from any buffer", () => {
    const head = jest.spyOn(w, "head");
    const tail = jest.spyOn(w, "tail");
    try {
      let taken = 0;
      fc.assert(
        fc.property(fc.array(anyBlock, { minLength: 1, maxLength: 3 }), edits, (blocks, changes) => {
          head.mockClear();
          tail.mockClear();
          const text = Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: blocks.map(sortKeys), kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
          same(edited(text, changes));
          if (tail.mock.results.some((r) => (r.value as number) >= 0)) taken++;
          // Unchanged, every block's head is read by the matcher.
          if (changes.length === 0) expect(head).toHaveBeenCalledTimes(blocks.length);
        }),
        { numRuns: 1500 },
      );
      expect(taken).toBeGreaterThan(300);
    } finally {
      head.mockRestore();
      tail.mockRestore();
    }
  });

  test("a block read in the matcher's memory is read without the patterns; one it leaves (a duplicate ordinal, a list longer than it holds) is read by them, alike", () => {
    const head = jest.spyOn(w, "head");
    const tail = jest.spyOn(w, "tail");
    const exec = jest.spyOn(RegExp.prototype, "exec");
    try {
      const doc = ipamBlockDocument(V1, { name: "10-0-0-0-26" }, { cidr: "10.0.0.0/26", affinity: "host:node-1", allocations: [0, null, 1], attributes: [{ handle_id: "h", secondary: { node: "n" } }, { handle_id: "i", secondary: { node: "n" } }], unallocated: [2, 3], sequenceNumber: 5, seq: { "0": 1n, "2": 2n }, strictAffinity: true });
      const one = Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: [sortKeys(doc)], kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
      const win = w.windows[1];
      one.copy(win, 0);
      const p = one.indexOf("\n        {") + 9;
      exec.mockClear();
      const item = templateItem(win.subarray(0, one.length), p, one.length) as FastBlock;
      expect(item.name).toBe("10-0-0-0-26");
      expect([...(item.fields.allocations as Int32Array)]).toEqual([0, -1, 1]);
      expect(tail).toHaveBeenCalledTimes(1);
      // Only the head's pattern ran (the metadata), on a string of the item's first bytes.
      expect(exec).toHaveBeenCalledTimes(1);
      expect((exec.mock.contexts[0] as RegExp).source).toContain("IPAMBlock");
      // A duplicate ordinal: the patterns leave the block too.
      const twice = Buffer.from(one.toString("latin1").replace('"2": 2', '"0": 2'), "latin1");
      expect(twice.equals(one)).toBe(false);
      expect(same(twice)).toBeNull();
      // A list longer than the matcher holds.
      const long = ipamBlockDocument(V1, { name: "10-0-0-0-14" }, { cidr: "10.0.0.0/14", allocations: Array.from({ length: MAX_LIST + 1 }, () => null), attributes: [], unallocated: [1], strictAffinity: false });
      const text = Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: [sortKeys(long)], kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
      head.mockClear();
      const read = same(text, true) as { fields: { allocations: Int32Array } };
      expect(read.fields.allocations.length).toBe(MAX_LIST + 1);
      expect(head.mock.results[0].value).toBe(-1);
    } finally {
      head.mockRestore();
      tail.mockRestore();
      exec.mockRestore();
    }
  });

  test("a block after an item that does not start as a Calico item, in the same batch, is left as the patterns leave it", () => {
    const doc = (i: number) => ipamBlockDocument(V1, { name: `10-0-0-${i}-29` }, { cidr: `10.0.0.${i}/29`, affinity: "host:node-1", allocations: [0], attributes: [{ handle_id: "h", secondary: { node: "n" } }], unallocated: [], strictAffinity: false });
    const text = Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: [sortKeys(doc(0)), sortKeys(doc(8))], kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
    const broken = Buffer.from(text);
    broken[broken.indexOf("crd.projectcalico.org")] = 0;
    /** The items read one after the other in the same buffer (one batch), in the matcher's memory or not. */
    const readAll = (t: Buffer, inMemory: boolean) => {
      const win = w.windows[1];
      t.copy(win, 0);
      const bytes = inMemory ? win.subarray(0, t.length) : Buffer.from(t);
      const open = Buffer.from("\n        {");
      const out: unknown[] = [];
      for (let p = t.indexOf(open); p >= 0; p = t.indexOf(open, p + 1)) out.push(read(bytes, p + 9, t.length) === null ? null : "block");
      return out;
    };
    const tail = jest.spyOn(w, "tail");
    try {
      expect(readAll(broken, false)).toEqual([null, null]);
      expect(readAll(broken, true)).toEqual([null, null]);
      expect(tail).not.toHaveBeenCalled();
      // (Unbroken, both blocks are read, by the matcher in its memory.)
      expect(readAll(text, false)).toEqual(["block", "block"]);
      expect(readAll(text, true)).toEqual(["block", "block"]);
      expect(tail).toHaveBeenCalledTimes(2);
    } finally {
      tail.mockRestore();
    }
  });

  test("property: the matcher reads a block's whole list of attributes in one call, looking namespaces, nodes and types up in its table of strings", () => {
    const list = jest.spyOn(w, "attributes");
    const one = jest.spyOn(w, "attribute");
    try {
      // Keys from a few values (mostly found in the table) and new ones (missing: interned by the reader, then kept).
      const key = fc.oneof(fc.constantFrom("team-0", "team-1", "node-a", "t"), plain);
      const attributes = fc.array(fc.record({ handle_id: plain, secondary: fc.record({ namespace: key, node: key, pod: plain, type: key }, { requiredKeys: ["node"] }) }), { minLength: 1, maxLength: 40 });
      fc.assert(
        fc.property(attributes, (a) => {
          list.mockClear();
          one.mockClear();
          const read = same(blockList(a)) as { attributes: unknown };
          expect(read.attributes).toEqual(a.map((x) => ({ handle: x.handle_id, secondary: sortKeys(x.secondary) })));
          // One call, but one more after each attribute with a key the table did not hold; never the one-attribute matcher.
          expect(list.mock.calls.length).toBeGreaterThanOrEqual(1);
          expect(list.mock.calls.length).toBeLessThanOrEqual(1 + a.length);
          expect(one).not.toHaveBeenCalled();
        }),
        { numRuns: 200 },
      );
      // The same block again: every key is in the table now, so one call reads the list.
      const a = Array.from({ length: 50 }, (_, i) => ({ handle_id: `h-${i}`, secondary: { namespace: `ns-${i % 7}`, node: "node-1", pod: `pod-${i}` } }));
      same(blockList(a));
      list.mockClear();
      same(blockList(a));
      expect(list).toHaveBeenCalledTimes(1);
    } finally {
      list.mockRestore();
      one.mockRestore();
    }
  });

  test("the table of strings: a value kept is found as the place it was kept as; forgotten, it is missing", () => {
    const win = w.windows[0];
    const a = [{ handle_id: "h", secondary: { namespace: "ns-kept", node: "node-kept" } }];
    const text = Buffer.from(`${attributeText(a[0])}\n${sp(16)}]`, "latin1");
    text.copy(win, 0);
    const base = win.byteOffset;
    w.forget();
    expect(w.attributes(base, base + text.length, 0, 0)).toBe(-3);
    expect([...w.rows.keys.subarray(0, 3)]).toEqual([MISSING, MISSING, -1]);
    const at = (v: string) => base + text.indexOf(v);
    w.remember(at("ns-kept"), at("ns-kept") + 7, 41);
    w.remember(at("node-kept"), at("node-kept") + 9, 42);
    expect(w.attributes(base, base + text.length, 0, 0)).toBe(text.length + base);
    expect([...w.rows.keys.subarray(0, 3)]).toEqual([41, 42, -1]);
    w.forget();
    expect(w.attributes(base, base + text.length, 0, 0)).toBe(-3);
  });

  test("a block of more attributes than the matcher has rows for has the rest read one by one", () => {
    const attributes = Array.from({ length: MAX_ROWS + 100 }, (_, i) => ({ handle_id: `h${i}`, secondary: { namespace: `n${i % 3}`, node: "x" } }));
    const text = blockList(attributes, 16);
    expect(text.length).toBeLessThan(w.windows[1].length);
    const one = jest.spyOn(w, "attribute");
    try {
      const read = same(text, true) as { attributes: unknown };
      expect(JSON.stringify(read.attributes)).toBe(JSON.stringify(attributes.map((a) => ({ handle: a.handle_id, secondary: a.secondary }))));
      expect(one).toHaveBeenCalledTimes(100);
    } finally {
      one.mockRestore();
    }
  });

  test("a block whose text is larger than the matcher's has the rest of its attributes read by the pattern", () => {
    const attributes = Array.from({ length: 1100 }, (_, i) => ({ handle_id: `${"h".repeat(3990)}-${i}`, secondary: { namespace: `ns-${i % 3}`, node: "node-1", pod: `pod-${i}` } }));
    const doc = ipamBlockDocument(V1, { name: "10-0-0-0-21" }, { cidr: "10.0.0.0/21", affinity: "host:node-1", allocations: attributes.map((_, k) => k), attributes, unallocated: [], strictAffinity: false });
    const text = Buffer.from(`${stringifyObjects({ apiVersion: "v1", items: [sortKeys(doc)], kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`, "latin1");
    expect(text.length).toBeGreaterThan(TEXT_BYTES);
    expect(text.length).toBeLessThan(w.windows[1].length);
    const read = same(text, true) as { attributes: unknown };
    expect(JSON.stringify(read.attributes)).toBe(JSON.stringify(attributes.map((a) => ({ handle: a.handle_id, secondary: a.secondary }))));
  });
});
