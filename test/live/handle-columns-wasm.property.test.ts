import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { HandleTable, lastRead, readHandleColumns, readHandleColumnsBy } from "../../src/live/private/handle-columns";
import type { HandleColumns } from "../../src/live/private/handle-columns";
import { MAX_DUMP_BYTES } from "../../src/limits";
import { V1, objectMeta, writeKubectlList } from "./helpers";

// The handles worker's columns are written by WebAssembly (src/live/private/handle-wasm.ts: its items
// loop and column writer, in a shared memory) where it is there, else by JavaScript (handle-columns.ts's
// Columns). Both must give the same columns for any file: generated Lists of handles (names in and out
// of order, IDs that are not names, pods' handle IDs kept compact, thousands of CIDRs, CIDRs of 9 bytes,
// files across the reader's window), and the same Lists with bytes changed.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handle-columns-wasm-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What a reader gives of a file, value by value (the two writers lay the bytes out differently: the values must be the same). */
function values(file: string, c: HandleColumns | undefined): unknown {
  if (c === undefined) return undefined;
  const t = new HandleTable(file, c);
  const items = Array.from({ length: c.count }, (_, i) => [t.name(i), t.handleId(i), c.idHash[i], c.cidrOf[i], c.cidrs[c.cidrOf[i]], c.counts[i], c.deleted[i], c.from[i], c.to[i]]);
  return { count: c.count, sorted: c.sorted, cidrs: c.cidrs, listMetadata: c.listMetadata, items };
}

/** Both writers on a file: the same values; WebAssembly's, and whether its loop read every item but `oneByOne` of them. */
function both(file: string): { wasm: unknown; oneByOne: number } {
  const wasm = readHandleColumnsBy(file, "wasm");
  const read = { ...lastRead };
  const javascript = readHandleColumnsBy(file, "javascript");
  expect(lastRead.wasmItems).toBe(0);
  const v = values(file, wasm);
  expect(v).toEqual(values(file, javascript));
  if (wasm !== undefined) expect(read.wasmItems + read.oneByOne).toBe(wasm.count);
  return { wasm: v, oneByOne: read.oneByOne };
}

const handle = (name: string, id: string, cidr: string, count: number, deleted: boolean | undefined, i: number) => ({
  apiVersion: V1,
  kind: "IPAMHandle",
  metadata: objectMeta(name, i),
  spec: { block: { [cidr]: count }, handleID: id, ...(deleted === undefined ? {} : { deleted }) },
});

/** Pods' handle IDs (kept compact), and IDs that are almost (kept as text). */
const podName = fc.tuple(fc.constantFrom("k8s-pod-network."), fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom("", "", "", "x", "A")).map(([p, h, x]) => p + (x === "A" ? h.slice(1) + x : h + x));
const item = fc.record({
  name: fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[a-c]{0,20}$/) }, podName),
  id: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.stringMatching(/^[a-z.-]{0,30}$/), podName),
  cidr: fc.oneof(fc.constantFrom("10.0.0.0/26", "10.0.0.64/26", "fd00::/122", "1.2.3.0/8", "__proto__", ""), fc.nat(300).map((n) => `10.${n >> 8}.${n & 255}.0/26`)),
  count: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(999999999999999)),
  deleted: fc.option(fc.boolean(), { nil: undefined }),
});
const list = fc.tuple(fc.array(item, { maxLength: 30 }), fc.boolean()).map(([items, sort]) => {
  const handles = items.map((h, i) => handle(h.name, h.id ?? h.name, h.cidr, h.count, h.deleted, i));
  return sort ? handles.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)) : handles;
});

let files = 0;
const write = (items: readonly unknown[]) => writeKubectlList(dir, `h${files++}.json`, items);

describe("the handles worker's columns: WebAssembly's writer against JavaScript's", () => {
  test("a List as kubectl writes it is read by WebAssembly's loop, every item (a test that fails when it is not taken)", () => {
    const file = write(Array.from({ length: 50 }, (_, i) => handle(`pod-${String(i).padStart(3, "0")}`, `pod-${String(i).padStart(3, "0")}`, `10.0.${i % 7}.0/26`, 1, false, i)));
    const c = readHandleColumns(file);
    expect(c?.count).toBe(50);
    expect(lastRead).toEqual({ wasmItems: 50, oneByOne: 0 });
    expect(c?.names.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(both(file).oneByOne).toBe(0);
  });

  test("property: generated Lists (names in and out of order, repeated, IDs that are not names, CIDRs of 9 bytes, __proto__): the same values", () => {
    let taken = 0;
    let oneByOne = 0;
    fc.assert(
      fc.property(list, (handles) => {
        const r = both(write(handles));
        if (r.wasm !== undefined) taken++;
        oneByOne += r.oneByOne;
      }),
      { numRuns: 150 },
    );
    expect(taken).toBeGreaterThan(50);
    // (A CIDR of 9 bytes is read one by one: is it "__proto__"?)
    expect(oneByOne).toBeGreaterThan(10);
  });

  test("property: those Lists with bytes changed, added or removed: the same answer and values", () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom("replace", "insert", "delete"), byte: fc.constantFrom(0x20, 0x22, 0x5c, 0x0a, 0x2c, 0x3a, 0x7b, 0x7d, 0x30, 0x31, 0x61, 0x7a, 0x80) });
    fc.assert(
      fc.property(list, fc.array(edit, { minLength: 1, maxLength: 3 }), (handles, edits) => {
        const file = write(handles);
        let b = fs.readFileSync(file);
        for (const e of edits) {
          const i = e.at % b.length;
          b = Buffer.concat([b.subarray(0, i), e.kind === "delete" ? Buffer.alloc(0) : Buffer.from([e.byte]), b.subarray(e.kind === "insert" ? i : i + 1)]);
        }
        fs.writeFileSync(file, b);
        both(file);
      }),
      { numRuns: 300 },
    );
  });

  test("a file with more items, or more bytes of names and IDs, than WebAssembly's columns have room for is not taken (the room is made from the file's size)", () => {
    const file = write(Array.from({ length: 10 }, (_, i) => handle(`pod-${i}`, i === 3 ? `id-${i}` : `pod-${i}`, "10.0.0.0/26", 1, false, i)));
    const bytes = 10 * "pod-0".length + "id-3".length;
    expect(values(file, readHandleColumnsBy(file, "wasm", undefined, { items: 10, textBytes: bytes }))).toEqual(values(file, readHandleColumnsBy(file, "javascript")));
    expect(readHandleColumnsBy(file, "wasm", undefined, { items: 9, textBytes: bytes })).toBeUndefined();
    expect(readHandleColumnsBy(file, "wasm", undefined, { items: 10, textBytes: bytes - 1 })).toBeUndefined();
  });

  test("a List across several windows of the reader, with 5,000 CIDRs (the table grows), pods' handle IDs (compact) and IDs that are not names: the same values", () => {
    // Sorted as kubectl sorts them: tunnels' handles of every length, pods', tunnels'.
    const names = Array.from({ length: 16000 }, (_, i) => {
      const n = String(i).padStart(8, "0");
      if (i < 4000) return `ipip-tunnel-addr-${n}${"f".repeat(i % 90)}`;
      if (i < 12000) return `k8s-pod-network.${n.padStart(64, "0")}`;
      return `vxlan-tunnel-addr-${n}${"f".repeat(i % 90)}`;
    });
    const handles = names.map((name, i) => handle(name, i % 97 === 0 ? `other-${i}` : i % 89 === 0 ? `k8s-pod-network.${"ab".repeat(32)}` : name, `10.${(i % 5000) >> 8}.${i % 5000 & 255}.0/26`, 1 + (i % 3), i % 11 === 0 ? undefined : i % 13 === 0, i));
    const file = write(handles);
    expect(fs.statSync(file).size).toBeGreaterThan(10 * 1024 * 1024);
    const r = both(file);
    expect(r.oneByOne).toBe(0);
    expect((r.wasm as { count: number; sorted: boolean; cidrs: unknown[] }).cidrs.length).toBe(5000);
    expect((r.wasm as { sorted: boolean }).sorted).toBe(true);
    const c = readHandleColumns(file) as HandleColumns;
    // The pods' IDs are kept in 34 bytes (compact-handle.ts), the others as their text.
    expect(c.nameEnds[4000] - c.nameEnds[3999]).toBe(34);
    expect(c.nameEnds[3999] - c.nameEnds[3998]).toBe(names[3999].length);
    const t = new HandleTable(file, c);
    expect([t.name(4000), t.handleId(4001), t.handleId(89 * 50), t.idEquals(4001, names[4001]), t.idEquals(4001, names[4002])]).toEqual([names[4000], names[4001], `k8s-pod-network.${"ab".repeat(32)}`, true, false]);
  });

  test("pods' handle IDs among other names that start as theirs: read as not sorted (the compact form sorts before them), by both writers", () => {
    const pod = (i: number) => `k8s-pod-network.${String(i).padStart(64, "0")}`;
    const names = [pod(1), `k8s-pod-network.${"0".repeat(63)}1x`, pod(2)];
    const file = write(names.map((name, i) => handle(name, name, "10.0.0.0/26", 1, false, i)));
    expect(names.slice().sort()).toEqual(names);
    expect((both(file).wasm as { sorted: boolean }).sorted).toBe(false);
  });

  test("where each item's text is (from, to), as 32-bit values from both writers, across the reader's windows: the item's text", () => {
    const handles = Array.from({ length: 16000 }, (_, i) => handle(`k8s-pod-network.${String(i).padStart(8, "0")}${"e".repeat(i % 1000)}`, `id-${i}`, `10.0.${i % 200}.0/26`, 1, false, i));
    const file = write(handles);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(2 * 8 * 1024 * 1024);
    for (const by of ["wasm", "javascript"] as const) {
      const c = readHandleColumnsBy(file, by) as HandleColumns;
      expect(c.count).toBe(handles.length);
      expect(c.from).toBeInstanceOf(Uint32Array);
      expect(c.to).toBeInstanceOf(Uint32Array);
      if (by === "wasm") expect(lastRead).toEqual({ wasmItems: handles.length, oneByOne: 0 });
      for (let i = 0; i < c.count; i += 7) expect(JSON.parse(bytes.toString("latin1", c.from[i], c.to[i]))).toEqual(handles[i]);
      expect(JSON.parse(bytes.toString("latin1", c.from[c.count - 1], c.to[c.count - 1]))).toEqual(handles[c.count - 1]);
    }
  });

  test("a file the matcher takes fits 32-bit positions (MAX_DUMP_BYTES)", () => {
    expect(MAX_DUMP_BYTES).toBeLessThanOrEqual(2 ** 32 - 1);
  });
});
