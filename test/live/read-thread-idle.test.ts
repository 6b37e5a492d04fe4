import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { V1, writeKubectlList } from "./helpers";

// While the main thread waits for a worker's message it does work of its own (`ReadThreadOptions.idle`: the
// dump reader reads the objects of the files read ahead and indexes the handles for the check). Workers are
// compiled files: these tests load lib/, which `npm test` builds before jest runs.

const root = path.resolve(__dirname, "..", "..");
const lib = path.join(root, "lib", "live");
if (!fs.existsSync(path.join(lib, "private", "blocks-worker.js"))) throw new Error("lib/live/private/blocks-worker.js is missing: run npm run build (npm test does) before this test");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const blockFile = require(path.join(lib, "private", "block-file")) as typeof import("../../src/live/private/block-file");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "read-thread-idle-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const list = (file: string, items: readonly unknown[]): string => writeKubectlList(dir, file, items);

const block = (b: number) => ({
  apiVersion: V1,
  kind: "IPAMBlock",
  metadata: { creationTimestamp: "2026-01-01T00:00:00Z", generation: 1, name: `10-0-${b}-0-29`, resourceVersion: String(1000 + b), uid: `00000000-0000-1000-8000-${String(b).padStart(12, "0")}` },
  spec: { affinity: `host:node-${b}`, allocations: [0, null, null, null, null, null, null, null], attributes: [{ handle_id: `pod-${b}`, secondary: { namespace: "ns", node: `node-${b}`, pod: `pod-${b}` } }], cidr: `10.0.${b}.0/29`, deleted: false, strictAffinity: false, unallocated: [1, 2, 3, 4, 5, 6, 7] },
});

const noRest = (): never => {
  throw new Error("the worker was expected to give the whole file");
};

describe("the main thread's own work while it waits for a worker", () => {
  test("is done a part at a time while the worker reads (until it has none), and the answer is the same", () => {
    const files = [list("blocks.json", Array.from({ length: 30 }, (_, b) => block(b))), list("other.json", [{ apiVersion: "v1", kind: "Node", metadata: { name: "n" } }])];
    const plain = [...(blockFile.startBlocksThread(files, 1, noRest)?.take() ?? [])];
    let calls = 0;
    let parts = 1000;
    const idle = () => {
      calls++;
      return --parts > 0;
    };
    const thread = blockFile.startBlocksThread(files, 1, noRest, { idle });
    // (The worker starts and reads its file while this thread waits: the wait has time for some parts.)
    const docs = [...(thread?.take() ?? [])];
    expect(thread?.outcome).toBe("posted");
    expect(calls).toBeGreaterThan(0);
    expect(docs.map((d) => [d.item, (d.decoded as { name: string }).name])).toEqual(plain.map((d) => [d.item, (d.decoded as { name: string }).name]));
    expect(docs.length).toBe(30);
  });

  test("looks whether the worker's threads still run at most every slice of the wait, not after each part of its own work", () => {
    const files = [list("looks.json", Array.from({ length: 30 }, (_, b) => block(b))), list("other.json", [{ apiVersion: "v1", kind: "Node", metadata: { name: "n" } }])];
    // (In a process of its own: the compiled lib/ there reads the fs module this script counts the looks of.)
    const script = `const fs = require("fs");
      const existsSync = fs.existsSync;
      let looks = 0;
      fs.existsSync = (p) => (String(p).startsWith("/proc/self/task/") && looks++, existsSync(p));
      const blockFile = require(${JSON.stringify(path.join(lib, "private", "block-file"))});
      let calls = 0;
      let parts = 2000;
      const thread = blockFile.startBlocksThread(${JSON.stringify(files)}, 1, () => { throw new Error("rest"); }, { idle: () => (calls++, --parts > 0) });
      const docs = [...(thread?.take() ?? [])];
      console.log(JSON.stringify({ looks, calls, docs: docs.length, outcome: thread?.outcome }));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
    const { looks, calls, docs, outcome } = JSON.parse(r.stdout) as { looks: number; calls: number; docs: number; outcome: string };
    expect([docs, outcome]).toEqual([30, "posted"]);
    // A look is a system call per thread (/proc/self/task/…): one every 25 ms of the wait at most, so far fewer
    // than the parts of the main thread's own work, which come back to the wait every few microseconds here.
    expect(calls).toBeGreaterThan(0);
    expect(looks).toBeLessThanOrEqual(1 + Math.floor(calls / 20));
  });
});
