import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readDumpFiles } from "../../src/live";
import { attributeViewOf } from "../../src/live/private/columns";
import { HandleTable, readHandleColumns, readHandleColumnsBy } from "../../src/live/private/handle-columns";
import { HandleIndex, handleEntriesOf, tableIndexOf } from "../../src/live/private/handle-index";
import { V1, writeKubectlList, objectMeta } from "./helpers";

// The IPAM handle objects indexed by ID (private/handle-index.ts): built a part at a time while the dump
// reader waits for a worker, and the blocks' handles found in it, kept for the check.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handle-index-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const list = (file: string, items: readonly unknown[]): string => writeKubectlList(dir, file, items);
const meta = objectMeta;

/** 12 blocks of 8 addresses with 5 handles each (one ID in upper case: not its name; one handle has no object), and the handles (one ID held twice). */
function files(): { blocks: string; handles: string } {
  const blocks: unknown[] = [];
  const handles: unknown[] = [];
  for (let b = 0; b < 12; b++) {
    const cidr = `10.0.${b}.0/29`;
    const ids = [0, 1, 2, 3, 4].map((o) => (o === 1 && b === 3 ? `Pod-${b}-${o}` : `pod-${b}-${o}`));
    blocks.push({
      apiVersion: V1,
      kind: "IPAMBlock",
      metadata: meta(`10-0-${b}-0-29`, b),
      spec: { affinity: `host:node-${b}`, allocations: [0, 1, 2, 3, 4, null, null, null], attributes: ids.map((id) => ({ handle_id: id, secondary: { namespace: "ns", node: `node-${b}`, pod: id } })), cidr, deleted: false, strictAffinity: false, unallocated: [5, 6, 7] },
    });
    ids.forEach((id, o) => {
      if (!(b === 5 && o === 4)) handles.push({ apiVersion: V1, kind: "IPAMHandle", metadata: meta(id.toLowerCase(), 100 + b * 5 + o), spec: { block: { [cidr]: 1 }, deleted: false, handleID: id } });
    });
  }
  handles.push({ apiVersion: V1, kind: "IPAMHandle", metadata: meta("zz-shared", 999), spec: { block: { "10.0.0.0/29": 1 }, deleted: false, handleID: "pod-0-0" } });
  handles.sort((x, y) => ((x as { metadata: { name: string } }).metadata.name < (y as { metadata: { name: string } }).metadata.name ? -1 : 1));
  return { blocks: list("blocks.json", blocks), handles: list("handles.json", handles) };
}

describe("the IPAM handles indexed by ID", () => {
  const { blocks: blocksFile, handles: handlesFile } = files();
  const columns = readHandleColumns(handlesFile);
  const table = new HandleTable(handlesFile, columns as NonNullable<typeof columns>);
  const views = readDumpFiles([blocksFile]).blocks.map(attributeViewOf);
  // (The reader leaves the blocks' handles as bytes: the index compares them as such.)
  expect(views.every((v) => v.handleBytes !== undefined)).toBe(true);

  test("the index of columns WebAssembly read is built in their spare memory (the reader's window), once per memory", () => {
    const own = readHandleColumns(handlesFile) as NonNullable<typeof columns>;
    expect(own.spare).toBeInstanceOf(Int32Array);
    expect(own.spare?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(own.spare?.buffer).toBe(own.names.buffer);
    (own.spare as Int32Array).fill(-1); // what the window held: anything
    const ownTable = new HandleTable(handlesFile, own);
    const first = tableIndexOf(ownTable).complete();
    expect(first.inSpareMemory).toBe(true);
    // Another index of the same columns gets fresh memory (the first keeps its table).
    const second = new HandleIndex(ownTable).complete();
    expect(second.inSpareMemory).toBe(false);
    for (let j = 0; j < ownTable.count; j++) expect(first.find(ownTable.handleId(j), ownTable.idHash[j])).toBe(second.find(ownTable.handleId(j), ownTable.idHash[j]));
    for (const view of views) expect(handleEntriesOf(first, view)).toEqual(handleEntriesOf(second, view));
    // JavaScript's columns have none.
    const js = readHandleColumnsBy(handlesFile, "javascript") as NonNullable<typeof columns>;
    expect(js.spare).toBeUndefined();
    expect(new HandleIndex(new HandleTable(handlesFile, js)).inSpareMemory).toBe(false);
  });

  test("an index built a part at a time finds what one built at once finds (an ID held twice keeps its first object's entry)", () => {
    const whole = new HandleIndex(table).complete();
    const parts = new HandleIndex(table);
    const steps: boolean[] = [];
    for (let until = 7; ; until += 7) {
      steps.push(parts.extend(until));
      if (!steps[steps.length - 1]) break;
    }
    expect(steps.length).toBe(Math.ceil(table.count / 7));
    const entries = Array.from({ length: table.count }, (_, j) => whole.entryOf(j));
    expect(Array.from({ length: table.count }, (_, j) => parts.entryOf(j))).toEqual(entries);
    // The shared ID: both objects have the entry of the first.
    expect(new Set(entries).size).toBe(table.count - 1);
    for (let j = 0; j < table.count; j++) expect(parts.find(table.handleId(j), table.idHash[j])).toBe(entries[j]);
    expect(parts.find("no-such-handle", 12345)).toBe(-1);
  });

  test("the blocks' handles found in the index: the objects' entries, -1 for a handle no object names; made once per index", () => {
    const index = new HandleIndex(table);
    index.extend(10); // not complete: completed first
    const byId = new Map(Array.from({ length: table.count }, (_, j) => [table.handleId(j), index.complete().entryOf(j)]));
    for (const view of views) {
      const entries = handleEntriesOf(index, view);
      expect(Array.from(entries)).toEqual(Array.from({ length: view.length }, (_, i) => byId.get(view.handle(i) as string) ?? -1));
      expect(handleEntriesOf(index, view)).toBe(entries);
      const other = handleEntriesOf(new HandleIndex(table), view);
      expect(other).not.toBe(entries);
      expect(other).toEqual(entries);
    }
    expect(views.flatMap((v) => Array.from(handleEntriesOf(index, v))).filter((e) => e < 0).length).toBe(1);
    expect(tableIndexOf(table)).toBe(tableIndexOf(table));
  });
});
