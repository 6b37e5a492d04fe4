import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { readDumpFiles as readFromSources } from "../../src/live";
import { V1, writeKubectlList, objectMeta } from "./helpers";

// A large file of IPAM blocks is read on a worker thread (src/live/private/block-file.ts) by the compiled
// package only (the worker is a compiled file): these tests load lib/, which `npm test` builds before
// jest runs, and compare its reads with the main thread's (the same compiled code, and the sources).

const root = path.resolve(__dirname, "..", "..");
const lib = path.join(root, "lib", "live");
if (!fs.existsSync(path.join(lib, "private", "blocks-worker.js"))) throw new Error("lib/live/private/blocks-worker.js is missing: run npm run build (npm test does) before this test");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require(lib) as typeof import("../../src/live");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const blockFile = require(path.join(lib, "private", "block-file")) as typeof import("../../src/live/private/block-file");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const readThread = require(path.join(lib, "private", "read-thread")) as typeof import("../../src/live/private/read-thread");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const columns = require(path.join(lib, "private", "columns")) as typeof import("../../src/live/private/columns");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fastBlockModule = require(path.join(lib, "private", "fast-block")) as typeof import("../../src/live/private/fast-block");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const readModule = require(path.join(lib, "read")) as typeof import("../../src/live/read");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handleColumns = require(path.join(lib, "private", "handle-columns")) as typeof import("../../src/live/private/handle-columns");

/** What the main thread reads of a file when the worker stops after some parts (the tests where it must not, throw). */
const noRest = (): never => {
  throw new Error("the worker was expected to give the whole file");
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blocks-thread-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A kubectl JSON List of `items` in the test's folder. */
const list = (file: string, items: readonly unknown[], metadata?: Record<string, unknown>): string => writeKubectlList(dir, file, items, metadata);

const meta = objectMeta;

/**
 * Blocks of 64 addresses in the shapes the matcher takes: attributes with and without namespace, pod,
 * timestamp and type, borrowed addresses, sequence numbers (some past 2^53), free ordinals out of order,
 * a block without affinity, a deleted one, one with strict affinity; `broken` adds blocks whose structure
 * Calico would reject (the reader's findings), all in kubectl's layout.
 */
function blocks(count: number, broken = false): unknown[] {
  const out: unknown[] = [];
  for (let b = 0; b < count; b++) {
    const used = (b * 7) % 65;
    const attributes = Array.from({ length: used }, (_, a) => {
      const secondary: Record<string, string> = { node: a % 9 === 0 ? `node-${b + 1}` : `node-${b}` };
      if (a % 5 !== 4) {
        secondary.namespace = `ns-${a % 3}`;
        secondary.pod = `pod-${b}-${a}`;
      }
      if (a % 4 !== 3) secondary.timestamp = `2026-01-01 00:00:${String(a % 60).padStart(2, "0")}.0 +0000 UTC`;
      if (a % 5 === 4) secondary.type = "ipipTunnelAddress";
      // (Pods' handle IDs as the CNI plugin makes them, kept compact by the readers, and some that are not quite.)
      const pod = a % 2 === 0 ? `k8s-pod-network.${String(b * 100 + a).padStart(64, "0")}` : `k8s-pod-network.${"0".repeat(40)}${b}-${a}`;
      return { handle_id: a % 5 === 4 ? `ipip-tunnel-addr-node-${b}` : pod, secondary };
    });
    const allocations: (number | null)[] = Array.from({ length: 64 }, (_, o) => (o < used ? o : null));
    const unallocated = Array.from({ length: 64 - used }, (_, k) => 63 - k);
    const sequences: Record<string, number | string> = {};
    for (let o = 0; o < Math.min(used, 5); o++) sequences[String(o)] = b % 3 === 0 ? 1_700_000_000_000_000_000 + o : o + 1;
    const spec: Record<string, unknown> = {
      affinity: b % 11 === 5 ? undefined : `host:node-${b}`,
      allocations,
      attributes,
      cidr: `10.${b >> 8}.${b & 255}.0/26`,
      deleted: b % 13 === 7,
      sequenceNumber: b % 3 === 0 ? 1_700_000_000_000_000_000 + 4096 * b : b,
      sequenceNumberForAllocation: sequences,
      strictAffinity: b % 2 === 0,
      unallocated,
    };
    if (b % 4 === 1) spec.affinityClaimTime = "2026-01-01T00:00:00Z";
    out.push({ apiVersion: V1, kind: "IPAMBlock", metadata: meta(`10-${b >> 8}-${b & 255}-0-26`, b), spec });
  }
  if (broken) {
    const spec = (o: unknown) => (o as { spec: Record<string, unknown> }).spec;
    const a = out[1] as { metadata: { name: string }; spec: Record<string, unknown> };
    a.metadata.name = "wrong-name"; // BLOCK_NAME
    spec(out[2]).allocations = [...(spec(out[2]).allocations as unknown[]).slice(0, 60)]; // BLOCK_ALLOCATIONS_LENGTH
    (spec(out[3]).allocations as unknown[])[0] = 99; // BLOCK_ATTRIBUTE_INDEX (and an unused attribute)
    (spec(out[4]).unallocated as number[]).push(63, 70); // BLOCK_UNALLOCATED_DUPLICATE, BLOCK_ORDINAL_OUT_OF_RANGE
    (spec(out[5]).unallocated as number[]).pop(); // BLOCK_ORDINAL_LOST
    spec(out[6]).sequenceNumberForAllocation = { "70": 3 }; // BLOCK_SEQUENCE_ORDINAL
    spec(out[8]).affinity = "nowhere"; // BLOCK_AFFINITY_FORMAT
  }
  return out;
}

function nodes(count: number): unknown[] {
  return Array.from({ length: count }, (_, n) => ({ apiVersion: "v1", kind: "Node", metadata: { annotations: { "projectcalico.org/IPv4IPIPTunnelAddr": `10.0.${n}.1` }, labels: { "kubernetes.io/os": "linux" }, name: `node-${n}` } }));
}

function affinities(count: number): unknown[] {
  return Array.from({ length: count }, (_, b) => {
    const cidr = `10.${b >> 8}.${b & 255}.0/26`;
    const node = `node-${b}`;
    return { apiVersion: V1, kind: "BlockAffinity", metadata: meta(`${node}-${cidr.replace(/[./]/g, "-")}`, b), spec: { cidr, deleted: b % 7 === 3 ? "true" : "false", node, state: "confirmed", ...(b % 5 === 2 ? { type: "virtual" } : {}) } };
  });
}

const pools = () => list("pools.json", [{ apiVersion: V1, kind: "IPPool", metadata: meta("pool", 0), spec: { blockSize: 26, cidr: "10.0.0.0/16", ipipMode: "Always", natOutgoing: true, nodeSelector: "all()", vxlanMode: "Never" } }]);

/** The same files read with the blocks worker, by the compiled package on the main thread, and by the sources. */
function expectSameRead(files: string[]): void {
  const threaded = compiled.readDumpFiles(files, { threadMinBytes: 1 });
  const main = compiled.readDumpFiles(files, { threads: false });
  expect(JSON.stringify(compiled.buildInspectReport(threaded))).toBe(JSON.stringify(compiled.buildInspectReport(main)));
  // (Comparing the dumps whole also builds the lazy attributes and sequence numbers.)
  expect(threaded).toEqual(main);
  expect(threaded).toEqual(readFromSources(files));
}

describe("the IPAM blocks file read on a worker thread", () => {
  test("the worker's blocks are the main thread's: the same dump, findings and report (several chunks of columns, exact sequence numbers)", () => {
    const files = [pools(), list("blocks.json", blocks(60)), list("nodes.json", nodes(61))];
    const taken = blockFile.readBlockFile(files[1]);
    expect(taken?.count).toBe(60);
    expect(taken?.chunks.length).toBeGreaterThan(1);
    const thread = blockFile.startBlocksThread(files, 1, noRest);
    expect(thread?.index).toBe(1);
    const docs = [...(thread?.take() ?? [])];
    expect(thread?.outcome).toBe("posted");
    expect(docs.length).toBe(60);
    expect(docs.map((d) => d.item)).toEqual(docs.map((_, i) => i));
    const threaded = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    // The check reads the blocks' columns.
    expect(threaded.blocks.every((b) => columns.attributeViewOf(b) instanceof columns.AttributeColumns)).toBe(true);
    expect(threaded.blocks.some((b) => b.exactSequenceNumbers !== undefined)).toBe(true);
    expectSameRead(files);
  });

  test("the worker's blocks, their fields and their sources are made by constructors, each kind with one shape", () => {
    // (V8 tracks an allocation site per object literal and recompiles every function that inlined one
    // when it decides the site's objects should be tenured, as it does for a dump's blocks: these objects
    // are made with `new`, which has no such site, and keep one map: the read's hot functions are not
    // thrown away for them.)
    const files = [pools(), list("shapes.json", blocks(60)), list("affinities.json", affinities(62)), list("nodes.json", nodes(61))];
    const docs = [...(blockFile.startBlocksThread(files, 1, noRest)?.take() ?? [])] as InstanceType<typeof import("../../src/live/private/handle-columns").TableDocument>[];
    expect(docs.length).toBe(60);
    const decoded = docs.map((d) => d.decoded as import("../../src/live/fast-decode").FastBlock);
    expect(decoded.every((b) => b instanceof fastBlockModule.FastBlockItem && b.kind === "IPAMBlock")).toBe(true);
    expect(decoded.every((b) => b.fields instanceof fastBlockModule.ColumnBlockFields)).toBe(true);
    // Fields with exact sequence numbers and without have the same keys in the same order (the exact
    // digits are given to a field that is there from the start).
    const exact = decoded.filter((b) => b.fields.exactSequenceNumbers !== undefined);
    expect(exact.length).toBeGreaterThan(0);
    expect(exact.length).toBeLessThan(decoded.length);
    expect(new Set(decoded.map((b) => Object.keys(b.fields).join())).size).toBe(1);
    // The exact digits: a class of each of the literals' two shapes, their own fields the literals'.
    const digits = exact.map((b) => b.fields.exactSequenceNumbers);
    expect(digits.every((d) => d instanceof fastBlockModule.ExactDigits || d instanceof fastBlockModule.ExactForAllocation)).toBe(true);
    expect(digits.some((d) => d instanceof fastBlockModule.ExactDigits)).toBe(true);
    expect(digits.map((d) => Object.keys(d ?? {}).join())).toEqual(digits.map((d) => (d instanceof fastBlockModule.ExactDigits ? "sequenceNumber,forAllocation" : "forAllocation")));
    expect(digits.map((d) => Object.getPrototypeOf(d?.forAllocation))).toEqual(digits.map(() => Object.prototype));
    // The file the items' text is read again from (for duplicates): a class too, with the literal's own
    // fields, and it reads the item's text.
    const text = docs[7];
    expect(text.source).toBeInstanceOf(handleColumns.FileSource);
    expect(Object.keys(text.source)).toEqual(["size", "read"]);
    expect(text.source.size).toBe(fs.statSync(files[1]).size);
    expect(text.source.read(text.from, text.to).toString("utf8")).toBe(fs.readFileSync(files[1], "utf8").slice(text.from, text.to));
    expect(text.source.read(text.from, text.to).toString("utf8")).toMatch(/^\{\n {12}"apiVersion": "crd\.projectcalico\.org\/v1",\n[^]*\n {8}\}$/);
    const threaded = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    const sources = threaded.blocks.map((b) => b.source);
    expect(sources.every((s) => s instanceof readModule.ItemSource)).toBe(true);
    // The source's own fields are a literal's, in its order (users spread and serialize them).
    expect(sources.map((s) => Object.keys(s).join())).toEqual(sources.map(() => "file,document,apiVersion,item"));
    expect(sources.map((s) => JSON.stringify(s))).toEqual(sources.map((s) => JSON.stringify({ file: s.file, document: s.document, apiVersion: s.apiVersion, item: s.item })));
    // The blocks' public exact digits are plain objects, as before.
    const publicDigits = threaded.blocks.map((b) => b.exactSequenceNumbers).filter((d) => d !== undefined);
    expect(publicDigits.length).toBeGreaterThan(0);
    expect(publicDigits.every((d) => Object.getPrototypeOf(d) === Object.prototype)).toBe(true);
    // Nodes, their tunnel addresses and affinities (read ahead on the main thread, and by the parser):
    // classes too, with the literals' own fields in the literals' order, serialized as the literals were.
    for (const dump of [threaded, compiled.readDumpFiles(files, { fastDecode: false })]) {
      const ns = dump.nodes ?? [];
      expect(ns.length).toBe(61);
      expect(ns.every((n) => n instanceof readModule.NodeObject)).toBe(true);
      expect(ns.map((n) => Object.keys(n).join())).toEqual(ns.map(() => "name,labels,podCidrs,tunnelAddresses,source"));
      expect(ns.map((n) => JSON.stringify(n))).toEqual(ns.map((n) => JSON.stringify({ name: n.name, labels: n.labels, podCidrs: n.podCidrs, tunnelAddresses: n.tunnelAddresses.map((t) => ({ type: t.type, address: t.address })), source: n.source })));
      const tunnels = ns.flatMap((n) => n.tunnelAddresses);
      expect(tunnels.length).toBe(61);
      expect(tunnels.every((t) => t instanceof readModule.TunnelAddress && Object.keys(t).join() === "type,address")).toBe(true);
      const as = dump.affinities;
      expect(as.length).toBe(62);
      expect(as.every((a) => a instanceof readModule.AffinityObject)).toBe(true);
      expect(as.map((a) => Object.keys(a).join())).toEqual(as.map(() => "name,cidrText,cidr,node,state,type,deleted,source"));
      expect(as.map((a) => JSON.stringify(a))).toEqual(as.map((a) => JSON.stringify({ name: a.name, cidrText: a.cidrText, cidr: a.cidr, node: a.node, state: a.state, type: a.type, deleted: a.deleted, source: a.source })));
    }
  });

  test("the blocks of columns are plain objects of one shape: their lazy fields' accessors are shared, so V8 keeps them in fast mode", () => {
    // (An object literal with getters makes new closures per block, and V8 keeps each such block as a
    // dictionary: ~1 KB a block, and a hash lookup for every field the check reads. The accessors are one
    // set of functions for all blocks, so the blocks share one map.)
    const files = [pools(), list("lazy.json", blocks(60)), list("nodes.json", nodes(61))];
    const threaded = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    const parsed = compiled.readDumpFiles(files, { fastDecode: false });
    const bs = threaded.blocks;
    expect(bs.length).toBe(60);
    expect(bs.every((b) => columns.attributeViewOf(b) instanceof columns.AttributeColumns)).toBe(true);
    const accessor = (b: object, key: string) => Object.getOwnPropertyDescriptor(b, key)?.get;
    for (const key of ["attributes", "sequenceNumberForAllocation"]) {
      expect(bs.every((b) => typeof accessor(b, key) === "function")).toBe(true);
      expect(new Set(bs.map((b) => accessor(b, key))).size).toBe(1);
    }
    const exactGetters = bs.map((b) => accessor(b, "exactSequenceNumbers")).filter((g) => g !== undefined);
    expect(exactGetters.length).toBeGreaterThan(0);
    expect(exactGetters.length).toBeLessThan(bs.length);
    expect(new Set(exactGetters).size).toBe(1);
    // A literal's prototype and own enumerable fields, in the other readers' order.
    expect(bs.every((b) => Object.getPrototypeOf(b) === Object.prototype && b.constructor === Object)).toBe(true);
    expect(bs.map((b) => Object.keys(b).join())).toEqual(parsed.blocks.map((b) => Object.keys(b).join()));
    expect(bs.every((b) => Array.isArray(b.unallocated) && Object.getPrototypeOf(b.unallocated) === Array.prototype)).toBe(true);
    // Spread and serialized as the parser's blocks (which reads the accessors), then plain data fields.
    expect(bs.map((b) => JSON.stringify(b))).toEqual(parsed.blocks.map((b) => JSON.stringify(b)));
    expect(bs.map((b) => ({ ...b }))).toEqual(parsed.blocks.map((b) => ({ ...b })));
    expect(bs.every((b) => Object.getOwnPropertyDescriptor(b, "attributes")?.writable === true && Object.getOwnPropertyDescriptor(b, "attributes")?.enumerable === true)).toBe(true);
    // The accessors read the columns of the block they are read on, and nothing else.
    const getter = accessor(compiled.readDumpFiles(files, { threadMinBytes: 1 }).blocks[0], "attributes");
    expect(() => getter?.call({})).toThrow(/column block/);
    // In fast mode, one map for the blocks with exact sequence numbers and one for the others (V8's own
    // answer, in a process of its own).
    const script = `const live = require(${JSON.stringify(lib)});
      const bs = live.readDumpFiles(${JSON.stringify(files)}, { threadMinBytes: 1 }).blocks;
      console.log(JSON.stringify({ n: bs.length, fast: bs.every((b) => %HasFastProperties(b)), maps: [true, false].map((exact) => bs.filter((b) => "exactSequenceNumbers" in b === exact)).map((g) => g.length > 0 && g.every((b) => %HaveSameMap(b, g[0]))) }));`;
    const r = spawnSync(process.execPath, ["--allow-natives-syntax", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ n: 60, fast: true, maps: [true, true] });
  });

  test("blocks Calico would reject give the same findings, and a file read twice the same duplicates", () => {
    const files = [pools(), list("broken.json", blocks(12, true)), list("nodes.json", nodes(13))];
    expect(blockFile.readBlockFile(files[1])?.count).toBe(12);
    const threaded = compiled.readDumpFiles(files, { threadMinBytes: 1 });
    expect(threaded.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(["BLOCK_NAME", "BLOCK_ALLOCATIONS_LENGTH", "BLOCK_ATTRIBUTE_INDEX", "BLOCK_ATTRIBUTE_UNUSED", "BLOCK_UNALLOCATED_DUPLICATE", "BLOCK_ORDINAL_OUT_OF_RANGE", "BLOCK_ORDINAL_LOST", "BLOCK_SEQUENCE_ORDINAL", "BLOCK_AFFINITY_FORMAT", "BLOCK_DELETED"]),
    );
    expectSameRead(files);
    // A duplicate's text is read again from the file for the comparison.
    const twice = [...files, files[1]];
    expectSameRead(twice);
    expect(compiled.readDumpFiles(twice, { threadMinBytes: 1 }).findings.filter((f) => f.code === "DUMP_DUPLICATE").length).toBe(12);
  });

  test("a file the matcher does not take whole (an object the CRD schema rejects, another kind, a List cut short) is read by the main thread, with the same messages", () => {
    const odd = { apiVersion: V1, kind: "IPAMBlock", metadata: meta("10-0-200-0-26", 200), spec: { allocations: [], attributes: [], cidr: "10.0.200.0/26", strictAffinity: "no", unallocated: [] } };
    const other = { apiVersion: V1, kind: "IPPool", metadata: meta("other", 201), spec: { cidr: "10.1.0.0/16" } };
    // A block the byte decoder takes (a pod name past ASCII) but the matcher leaves.
    const accented = blocks(6).slice(5) as { spec: { attributes: { secondary: Record<string, string> }[] } }[];
    accented[0].spec.attributes[1].secondary.pod = "pod-caf\u00e9";
    for (const [name, items, metadata] of [
      ["schema.json", [...blocks(5), odd], undefined],
      ["accented.json", [...blocks(5), ...accented], undefined],
      ["kinds.json", [...blocks(5), other], undefined],
      ["cut.json", blocks(5), { continue: "abc", resourceVersion: "" }],
    ] as const) {
      const files = [pools(), list(name, items, metadata), list("nodes.json", nodes(6))];
      const taken = blockFile.readBlockFile(files[1]);
      if (name === "cut.json") expect(taken?.listMetadata).toEqual(metadata);
      else expect(taken).toBeUndefined();
      expectSameRead(files);
    }
    const schema = compiled.readDumpFiles([pools(), list("schema.json", [...blocks(5), odd]), list("nodes.json", nodes(6))], { threadMinBytes: 1 });
    expect(schema.findings.find((f) => f.code === "DUMP_SCHEMA")?.message).toContain("schema.json items[5]");
    const cut = compiled.readDumpFiles([pools(), list("cut.json", blocks(5), { continue: "abc" }), list("nodes.json", nodes(6))], { threadMinBytes: 1 });
    expect(cut.findings.map((f) => f.code)).toContain("DUMP_LIST_TRUNCATED");
  });

  test("a blocks file cut short, or a file read ahead while the worker reads, throws the main thread's error in its turn", () => {
    const good = list("blocks.json", blocks(8));
    const text = fs.readFileSync(good, "utf8");
    const bad = path.join(dir, "bad-blocks.json");
    fs.writeFileSync(bad, text.slice(0, text.length >> 1)); // cut in the middle of an item
    const badNodes = path.join(dir, "bad-nodes.json");
    fs.writeFileSync(badNodes, fs.readFileSync(list("nodes.json", nodes(9)), "utf8").slice(0, 300));
    const message = (files: string[], threadMinBytes?: number) => {
      try {
        compiled.readDumpFiles(files, threadMinBytes === undefined ? { threads: false } : { threadMinBytes });
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
      return "no error";
    };
    for (const files of [
      [pools(), bad, list("nodes.json", nodes(9))],
      [pools(), good, badNodes],
      [badNodes, good, pools()],
    ]) {
      const expected = message(files);
      expect(expected).toMatch(/^InputError: .*(bad-blocks|bad-nodes)\.json/);
      expect(message(files, 1)).toBe(expected);
    }
  });

  test("a worker that stops after some parts (an item the matcher leaves near the end) leaves the rest of the file to the main thread", () => {
    const odd = { apiVersion: V1, kind: "IPAMBlock", metadata: meta("10-0-200-0-26", 200), spec: { allocations: [], attributes: [], cidr: "10.0.200.0/26", strictAffinity: "no", unallocated: [] } };
    const files = [pools(), list("late.json", [...blocks(60), odd, ...blocks(3)]), list("nodes.json", nodes(61))];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const objects = require(path.join(root, "lib", "io", "objects")) as typeof import("../../src/io/objects");
    let rests = 0;
    const thread = blockFile.startBlocksThread(files, 1, (file) => {
      rests++;
      return objects.streamDumpObjects(file);
    });
    const docs = [...(thread?.take() ?? [])];
    expect(rests).toBe(1);
    expect(docs.map((d) => d.item)).toEqual(docs.map((_, i) => i));
    expect(docs.length).toBe(64);
    expect(thread?.outcome).toBe("posted");
    expectSameRead(files);
    expect(compiled.readDumpFiles(files, { threadMinBytes: 1 }).findings.find((f) => f.code === "DUMP_SCHEMA")?.message).toContain("late.json items[60]");
  });

  test("a worker that dies (killed, out of memory) or cannot start (no compiled worker) leaves the file to the main thread", () => {
    const files = [pools(), list("blocks.json", blocks(20)), list("nodes.json", nodes(21))];
    const main = compiled.readDumpFiles(files, { threads: false });
    const killed = blockFile.startBlocksThread(files, 1, noRest);
    void killed?.worker.terminate();
    expect(killed?.take()).toBeUndefined();
    expect(killed?.outcome).toBe("exited");
    const starved = blockFile.startBlocksThread(files, 1, noRest, { resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    starved?.worker.on("error", () => undefined);
    expect(starved?.take()).toBeUndefined();
    expect(starved?.outcome).toBe("exited");
    expect(readThread.startReadThread("no-such-worker.js", files, 1)).toBeUndefined();
    expect(readThread.workerScript(path.join(root, "lib", "cli"), "blocks-worker.js")).toBe(path.join(lib, "private", "blocks-worker.js"));
    expect(compiled.readDumpFiles(files, { threadMinBytes: 1 })).toEqual(main);
  });

  test("the worker loads the matcher, the columns and the List reader only: not block.ts's checks, the simulator or the byte decoder", () => {
    // (Run outside a worker, the script stops at its workerData, once its modules are loaded.)
    const script = `try { require(${JSON.stringify(path.join(lib, "private", "blocks-worker.js"))}); } catch {}
      console.log(JSON.stringify(Object.keys(require.cache)));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
    const modules = (JSON.parse(r.stdout) as string[]).map((m) => path.relative(root, m).split(path.sep).join("/"));
    expect(modules).toEqual(expect.arrayContaining(["lib/live/private/block-read.js", "lib/live/template-decode.js", "lib/live/private/columns.js", "lib/io/json-list.js"]));
    expect(modules.filter((m) => /^lib\/(simulator|selector|ip)\/|^lib\/live\/(block|fast-decode|read)\.js$|handle-columns/.test(m))).toEqual([]);
    // (The 13th: private/compact-handle.js, the pods' handle IDs kept compact.)
    expect(modules.length).toBeLessThanOrEqual(13);
  });

  test("not for small files, nor when the other files are small", () => {
    const files = [pools(), list("blocks.json", blocks(4)), list("nodes.json", nodes(5))];
    expect(blockFile.startBlocksThread(files, 2 ** 40, noRest)).toBeUndefined();
    expect(blockFile.startBlocksThread([files[1]], 1, noRest)).toBeUndefined();
  });
});
