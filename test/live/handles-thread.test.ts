import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { readDumpFiles as readFromSources } from "../../src/live";
import { V1, writeKubectlList, objectMeta } from "./helpers";

// A large file of IPAM handles is read on a second thread (src/live/private/handles-thread.ts) by the
// compiled package only (the worker is a compiled file): these tests load lib/, which `npm test` builds
// before jest runs, and compare its reads with and without the thread.

const root = path.resolve(__dirname, "..", "..");
const lib = path.join(root, "lib", "live");
if (!fs.existsSync(path.join(lib, "private", "handles-worker.js"))) throw new Error("lib/live/private/handles-worker.js is missing: run npm run build (npm test does) before this test");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require(lib) as typeof import("../../src/live");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const thread = require(path.join(lib, "private", "handles-thread")) as typeof import("../../src/live/private/handles-thread");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ids = require(path.join(lib, "private", "handle-ids")) as typeof import("../../src/live/private/handle-ids");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const blockColumns = require(path.join(lib, "private", "columns")) as typeof import("../../src/live/private/columns");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const columns = require(path.join(lib, "private", "handle-columns")) as typeof import("../../src/live/private/handle-columns");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handleIndex = require(path.join(lib, "private", "handle-index")) as typeof import("../../src/live/private/handle-index");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const check = require(path.join(lib, "check")) as typeof import("../../src/live/check");

/** The handles a thread's answer holds (one document: the file's handles as columns). */
function handlesOf(docs: Iterable<unknown> | undefined): number | undefined {
  if (docs === undefined) return undefined;
  const all = [...docs] as Array<{ decoded?: unknown }>;
  expect(all.length).toBe(1);
  const table = all[0].decoded;
  expect(table).toBeInstanceOf(columns.HandleTable);
  return (table as InstanceType<typeof columns.HandleTable>).count;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handles-thread-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const list = (file: string, items: readonly unknown[]): string => writeKubectlList(dir, file, items);

const meta = objectMeta;
const handle = (id: string, cidr: string, count: number, i: number) => ({ apiVersion: V1, kind: "IPAMHandle", metadata: meta(id.toLowerCase(), i), spec: { block: { [cidr]: count }, deleted: false, handleID: id } });

/** 40 blocks of 8 addresses, their handles (some in the wrong count, some missing, one leaked, one ID in upper case). */
function dump(extraHandles: readonly unknown[] = []): string[] {
  const blocks: unknown[] = [];
  const handles: unknown[] = [];
  for (let b = 0; b < 40; b++) {
    const cidr = `10.0.${b}.0/29`;
    // (Pods' handle IDs as the CNI plugin makes them on even blocks, which the readers keep compact; on
    // block 9 one in uppercase, whose name, in lowercase, is kept compact and the ID as its text.)
    const cni = (o: number) => (b === 9 && o === 0 ? `k8s-pod-network.${"AB".repeat(32)}` : `k8s-pod-network.${String(b * 10 + o).padStart(64, "0")}`);
    const ids = [0, 1, 2, 3].map((o) => (b === 7 && o === 1 ? `Pod-${b}-${o}` : (b % 2 === 0 || b === 9) && o < 3 ? cni(o) : `pod-${b}-${o}`));
    blocks.push({
      apiVersion: V1,
      kind: "IPAMBlock",
      metadata: meta(`10-0-${b}-0-29`, b),
      spec: {
        affinity: "host:node-1",
        allocations: [0, 1, 2, 3, null, null, null, null],
        attributes: ids.map((id) => ({ handle_id: id, secondary: { namespace: "ns", node: "node-1", pod: id } })),
        cidr,
        strictAffinity: false,
        unallocated: [4, 5, 6, 7],
      },
    });
    ids.forEach((id, o) => {
      if (b === 3 && o === 2) return; // a handle missing
      handles.push(handle(id, cidr, b === 5 && o === 0 ? 2 : 1, 100 + b * 4 + o));
    });
  }
  handles.push(handle("leaked", "10.0.99.0/29", 1, 999), ...extraHandles);
  return [list("blocks.json", blocks), list("handles.json", handles.sort((x, y) => ((x as { metadata: { name: string } }).metadata.name < (y as { metadata: { name: string } }).metadata.name ? -1 : 1)))];
}

describe("the IPAM handles file read on a second thread", () => {
  test("gives the documents the main thread reads, and the same dump and report", () => {
    const files = dump();
    const t = thread.startHandlesThread(files, 1);
    expect(t?.index).toBe(1);
    expect(handlesOf(t?.take())).toBe(40 * 4);
    const withThread = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    const without = compiled.readDumpFiles(files, { threads: false });
    // The check reads the columns (no object per handle); the handles' objects are built when asked for.
    const table = columns.handleTableOf(withThread);
    expect(table?.count).toBe(40 * 4);
    expect(JSON.stringify(compiled.buildInspectReport(withThread))).toBe(JSON.stringify(compiled.buildInspectReport(without)));
    // The worker's window, shared with the columns, is where the check's index of the handles was built.
    expect(Object.prototype.toString.call(table?.c.spare?.buffer)).toBe("[object SharedArrayBuffer]");
    expect(handleIndex.tableIndexOf(table as InstanceType<typeof columns.HandleTable>).inSpareMemory).toBe(true);
    expect(withThread).toEqual(without);
    expect(withThread).toEqual(readFromSources(files));
    expect(withThread.handles.length).toBe(40 * 4);
    // The worker's hashes of the handle IDs (for the check's join) are the IDs' hashes.
    expect([...ids.handleHashesOf(withThread.handles)]).toEqual(withThread.handles.map((h) => ids.handleIdHash(h.handleId)));
    expect(JSON.stringify(compiled.buildInspectReport(withThread))).toBe(JSON.stringify(compiled.buildInspectReport(without)));
    // A duplicate's text is read again from the file for the comparison.
    const twice = compiled.readDumpFiles([...files, files[1]], { threadMinBytes: 1 });
    expect(twice).toEqual(compiled.readDumpFiles([...files, files[1]], { threads: false }));
    expect(twice.findings.filter((f) => f.code === "DUMP_DUPLICATE").length).toBe(40 * 4);
  });

  test("the check from the columns is the same when every hash collides (an ID held twice, an ID that is not its name, a handle missing, one leaked, a wrong count)", () => {
    const shared = { ...handle("pod-0-0", "10.0.0.0/29", 1, 998), metadata: meta("zz-shared", 998) };
    const files = dump([shared]);
    const expected = compiled.inspectDump(compiled.readDumpFiles(files, { threads: false }));
    expect(expected.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["HANDLE_MISSING", "HANDLE_COUNT_MISMATCH", "HANDLE_LEAKED"]));
    const read = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    const table = columns.handleTableOf(read);
    expect(table?.count).toBe(40 * 4 + 1);
    // The same columns with every hash 7, in a table of their own (the index of the table read, and the
    // blocks' handles found in it, which the reader may have made while it waited, are not for it).
    const colliding = new columns.HandleTable(files[1], { ...(table as InstanceType<typeof columns.HandleTable>).c, idHash: new Int32Array(40 * 4 + 1).fill(7) });
    const dumped = { ...read };
    columns.setHandleTable(dumped, colliding);
    for (const b of read.blocks) {
      const view = blockColumns.attributeViewOf(b);
      // (Blocks the kubectl-layout matcher read keep the hashes in their columns.)
      if (view instanceof blockColumns.AttributeColumns) view.hashes.fill(7);
      else ids.setAttributeHashes(b.attributes, new Int32Array(b.attributes.length).fill(7));
    }
    expect(compiled.inspectDump(dumped)).toEqual(expected);
  });

  test("the check reads each column block's handle entries ahead (their cache misses overlap), which changes nothing", () => {
    const files = dump();
    const expected = compiled.inspectDump(compiled.readDumpFiles(files, { threads: false }));
    const read = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    const warm = jest.spyOn(check.HandleUse.prototype, "warm");
    try {
      expect(compiled.inspectDump(read)).toEqual(expected);
      // Once per block, with the block's entries in the table of handles (-1 for the handle no object names).
      expect(warm).toHaveBeenCalledTimes(40);
      const entries = warm.mock.calls.map(([e]) => [...e]);
      expect(entries.every((e) => e.length === 4)).toBe(true);
      expect(entries.flat().filter((e) => e < 0).length).toBe(1);
    } finally {
      warm.mockRestore();
    }
    // Alone: the counts and first blocks are as they were, and what was read is their sum.
    const use = new check.HandleUse(columns.handleTableOf(read) as InstanceType<typeof columns.HandleTable>);
    use.uses.set([7, 3, 0, 0, 2, 1], 0);
    const before = [...use.uses];
    use.warm(Int32Array.of(0, -1, 2, 1, 0));
    expect([...use.uses]).toEqual(before);
    expect([use.countOf(0), use.firstBlockOf(0), use.countOf(2), use.firstBlockOf(2)]).toEqual([3, 7, 1, 2]);
    expect(use.warmth).toBe(3 + 7 + (1 + 2) + 0 + (3 + 7));
  });

  test("a file with an item the kubectl-layout matcher leaves is read by the main thread", () => {
    const odd = { apiVersion: V1, kind: "IPAMHandle", metadata: { labels: { a: "b" }, name: "zz-odd" }, spec: { block: { "10.0.0.0/29": 1 }, handleID: "zz-odd" } };
    const files = dump([odd]);
    expect(thread.startHandlesThread(files, 1)?.take()).toBeUndefined();
    expect(compiled.readDumpFiles(files, { threadMinBytes: 1 })).toEqual(compiled.readDumpFiles(files, { threads: false }));
  });

  test("a worker that dies without a word (killed, out of memory) is noticed at once, and the main thread reads the file itself", () => {
    const files = dump();
    const main = compiled.readDumpFiles(files, { threads: false });
    // Killed while the main thread is blocked waiting for it (its exit event cannot run then).
    const killed = thread.startHandlesThread(files, 1);
    void killed?.worker.terminate();
    expect(killed?.take()).toBeUndefined();
    expect(killed?.outcome).toBe("exited"); // not "stalled": the wait did not run out
    // Out of memory: the worker ends without running any more JavaScript.
    const starved = thread.startHandlesThread(files, 1, { resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    starved?.worker.on("error", () => undefined);
    expect(starved?.take()).toBeUndefined();
    expect(starved?.outcome).toBe("exited");
    // A worker that lives posts its answer.
    const lives = thread.startHandlesThread(files, 1);
    expect(handlesOf(lives?.take())).toBe(40 * 4);
    expect(lives?.outcome).toBe("posted");
    expect(compiled.readDumpFiles(files, { threadMinBytes: 1 })).toEqual(main);
  });

  test("not for small files, nor for the first file read", () => {
    const files = dump();
    expect(thread.startHandlesThread(files)).toBeUndefined();
    expect(thread.startHandlesThread([files[1], files[0]], 1)).toBeUndefined();
  });

  test("the worker is found from the compiled modules and from the CLI's bundle (lib/cli)", () => {
    const worker = path.join(root, "lib", "live", "private", "handles-worker.js");
    expect(thread.handlesWorkerScript(path.join(root, "lib", "live", "private"))).toBe(worker);
    expect(thread.handlesWorkerScript(path.join(root, "lib", "cli"))).toBe(worker);
    expect(thread.handlesWorkerScript(path.join(root, "src", "live", "private"))).toBeUndefined();
  });

  test("calico-ipam inspect, the built CLI, gives the same report with the thread (CALICO_IPAM_THREAD_MIN_BYTES) and without", () => {
    const files = dump();
    const inspect = (minBytes: string) =>
      spawnSync(process.execPath, [path.join(root, "bin", "calico-ipam.js"), "inspect", "--format", "json", ...files], { encoding: "utf8", env: { ...process.env, CALICO_IPAM_THREAD_MIN_BYTES: minBytes }, timeout: 60_000 });
    const threaded = inspect("1");
    const single = inspect(String(2 ** 50));
    expect(threaded.stderr).toBe("");
    expect(threaded.status).toBe(single.status);
    expect(threaded.stdout).toBe(single.stdout);
    expect(JSON.parse(threaded.stdout).checks.handles).toBe(40 * 4);
  });
});
