/**
 * The check's fast paths over a dump read as columns (`settlePlainAllocations`, IPv4 addresses in use
 * marked in place, handle IDs compared four bytes at a time) give the same inspection as the general
 * path over the same dump read as objects, on generated clusters holding every kind of allocation the
 * general loop must see: borrowed, without a node, tunnels, Windows-reserved, without a handle, with a
 * handle no object names, pods that use their address or not.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { Cidr } from "../../src/ip";
import { blockAffinityObject, ipamBlockObject } from "../../src/live";
import type { BlockAllocation } from "../../src/live";
import { V1, node, objectMeta, podObject, pool, writeKubectlList } from "./helpers";

// The fast path needs the handles as the handles worker leaves them (a table of columns), and the workers
// are compiled files: these tests load lib/, which `npm test` builds before jest runs.
const lib = path.resolve(__dirname, "..", "..", "lib", "live");
if (!fs.existsSync(path.join(lib, "private", "handles-worker.js"))) throw new Error("lib/live/private/handles-worker.js is missing: run npm run build (npm test does) before this test");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { inspectDump, readDumpFiles } = require(lib) as typeof import("../../src/live");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plainSettled } = require(path.join(lib, "check")) as typeof import("../../src/live/check");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AttributeColumns, attributeViewOf } = require(path.join(lib, "private", "columns")) as typeof import("../../src/live/private/columns");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sameBytes } = require(path.join(lib, "private", "handle-index")) as typeof import("../../src/live/private/handle-index");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HandleTable, handleTableOf } = require(path.join(lib, "private", "handle-columns")) as typeof import("../../src/live/private/handle-columns");

/** Read with both workers (however small the files): blocks as columns, handles as a table. */
const THREADED = { threadMinBytes: 1 };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-check-columns-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let run = 0;

const NODES = ["n0", "n1", "n2"];
const KINDS = ["home", "home", "home", "away", "noNode", "tunnel", "windows", "noHandle", "missing", "podByHandle"] as const;
type Kind = (typeof KINDS)[number];
/** The kinds the kubectl-layout matcher reads as columns (a handle and a node); a block holding another is read as objects. */
const COLUMN_KINDS: ReadonlySet<Kind> = new Set(["home", "away", "tunnel", "missing", "podByHandle"]);

interface Plan {
  readonly blocks: ReadonlyArray<{ readonly host: number | null; readonly allocations: ReadonlyArray<{ readonly ordinal: number; readonly kind: Kind; readonly podUses: boolean; readonly wrongCount: boolean }> }>;
  readonly withPods: boolean;
  readonly tunnels: boolean;
  readonly leakedHandle: boolean;
}

const allocation = fc.record({ ordinal: fc.integer({ min: 0, max: 63 }), kind: fc.constantFrom(...KINDS), podUses: fc.boolean(), wrongCount: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) });
const plan: fc.Arbitrary<Plan> = fc.record({
  blocks: fc.array(fc.record({ host: fc.option(fc.integer({ min: 0, max: NODES.length - 1 }), { nil: null, freq: 4 }), allocations: fc.uniqueArray(allocation, { selector: (a) => a.ordinal, maxLength: 20 }) }), { minLength: 1, maxLength: 6 }),
  withPods: fc.boolean(),
  tunnels: fc.boolean(),
  leakedHandle: fc.boolean(),
});

function blockCidr(b: number): Cidr {
  return Cidr.parse(`10.0.${Math.floor((b * 64) / 256)}.${(b * 64) % 256}/26`);
}

function address(b: number, ordinal: number): string {
  const n = b * 64 + ordinal;
  return `10.0.${Math.floor(n / 256)}.${n % 256}`;
}

/** Writes the plan's dump (one kubectl List per kind); its files and how many allocations of each block the fast path should settle. */
function write(p: Plan): { files: string[]; plain: { readonly all: number[]; readonly used: number[] } } {
  const blocks: Record<string, unknown>[] = [];
  const affinities: Record<string, unknown>[] = [];
  const handles = new Map<string, Record<string, number>>();
  const pods: Record<string, unknown>[] = [];
  const tunnelOf = new Map<string, string>();
  // Per block, the allocations of a pod on the block's node: all of them, and those a pod uses (the fast
  // path settles the first when the dump has no pods, the second when it has some).
  const plain = { all: [] as number[], used: [] as number[] };
  p.blocks.forEach((blk, b) => {
    plain.all.push(0);
    plain.used.push(0);
    const cidr = blockCidr(b);
    const host = blk.host === null ? null : NODES[blk.host];
    const other = NODES[((blk.host ?? 0) + 1) % NODES.length];
    const allocations: BlockAllocation[] = [];
    for (const a of blk.allocations) {
      const id = `k8s-pod-network.${b}-${a.ordinal}`;
      const pod = { namespace: `ns${b % 2}`, pod: `pod-${b}-${a.ordinal}`, node: host ?? other };
      let handle: string | null = id;
      let attributes: Record<string, string> = pod;
      if (a.kind === "away") attributes = { ...pod, node: other };
      else if (a.kind === "noNode") attributes = { namespace: pod.namespace, pod: pod.pod };
      else if (a.kind === "tunnel") {
        const n = host ?? other;
        handle = `vxlan-tunnel-addr-${n}-${b}-${a.ordinal}`;
        attributes = { node: n, type: "vxlanTunnelAddress" };
        if (!tunnelOf.has(n)) tunnelOf.set(n, address(b, a.ordinal));
      } else if (a.kind === "windows") {
        handle = "windows-reserved-ipam-handle";
        attributes = {};
      } else if (a.kind === "noHandle") handle = null;
      else if (a.kind === "podByHandle") attributes = { node: pod.node };
      allocations.push({ ordinal: a.ordinal, handle, attributes });
      if (handle !== null && a.kind !== "missing" && a.kind !== "windows") {
        const counts = handles.get(handle) ?? {};
        counts[cidr.toString()] = (counts[cidr.toString()] ?? 0) + (a.wrongCount ? 2 : 1);
        handles.set(handle, counts);
      }
      const used = p.withPods && a.podUses && attributes.pod !== undefined;
      if (used) pods.push(podObject(pod.namespace, pod.pod, [address(b, a.ordinal)]));
      if (a.kind === "home" && host !== null) {
        plain.all[b]++;
        if (used) plain.used[b]++;
      }
    }
    blocks.push(ipamBlockObject({ cidr, host, allocations }));
    if (host !== null) affinities.push(blockAffinityObject(host, cidr));
  });
  if (p.leakedHandle) handles.set("k8s-pod-network.leaked", { "10.0.0.0/26": 1 });
  // (As the API server lists them: full metadata, by name.)
  const handleObjects = [...handles]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, blocks], i) => ({ apiVersion: V1, kind: "IPAMHandle", metadata: objectMeta(id, 100 + i), spec: { block: blocks, deleted: false, handleID: id } }));
  const nodes = NODES.map((n) => node(n, p.tunnels ? tunnelOf.get(n) : undefined));
  const n = run++;
  const files = [
    writeKubectlList(dir, `pools-${n}.json`, [pool("p", "10.0.0.0/16", { blockSize: 26 })]),
    writeKubectlList(dir, `blocks-${n}.json`, blocks),
    writeKubectlList(dir, `affinities-${n}.json`, affinities),
    writeKubectlList(dir, `handles-${n}.json`, handleObjects),
    writeKubectlList(dir, `nodes-${n}.json`, nodes),
    ...(p.withPods ? [writeKubectlList(dir, `pods-${n}.json`, pods)] : []),
  ];
  return { files, plain };
}

describe("the check over columns", () => {
  test("property: the same inspection as over objects; the plain allocations are settled by the fast path", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { files, plain } = write(p);
        const columns = readDumpFiles(files, THREADED);
        const objects = readDumpFiles(files, { fastDecode: false });
        if (objects.handles.length > 0) expect(handleTableOf(columns)).toBeInstanceOf(HandleTable);
        // (The fast reader leaves a block's attributes as columns when each has a handle and a node, as
        // Calico writes a pod's or a tunnel's: the fast path is taken there.)
        const asColumns = new Set(columns.blocks.filter((b) => attributeViewOf(b) instanceof AttributeColumns).map((b) => b.name));
        p.blocks.forEach((blk, b) => {
          if (blk.allocations.every((a) => COLUMN_KINDS.has(a.kind))) expect(asColumns).toContain(blockCidr(b).toString().replace(/[./]/g, "-"));
        });
        expect(objects.blocks.some((b) => attributeViewOf(b) instanceof AttributeColumns)).toBe(false);
        // (A pods file without pods gives a dump without pods: leaks are then not judged.)
        const counts = columns.pods !== null ? plain.used : plain.all;
        const expected = counts.reduce((sum, n, b) => sum + (asColumns.has(blockCidr(b).toString().replace(/[./]/g, "-")) ? n : 0), 0);
        const before = plainSettled.plainAllocations;
        const fast = inspectDump(columns);
        expect(plainSettled.plainAllocations - before).toBe(expected);
        const slow = inspectDump(objects);
        expect(plainSettled.plainAllocations - before).toBe(expected);
        expect(fast).toEqual(slow);
        // (Without the workers: blocks as columns, handles as objects, the general loop.)
        expect(inspectDump(readDumpFiles(files, { threads: false }))).toEqual(slow);
      }),
      { numRuns: 40 },
    );
  });

  test("every kind of allocation the general loop must see gives its finding", () => {
    const kinds = KINDS.filter((k) => COLUMN_KINDS.has(k));
    const p: Plan = {
      blocks: [
        { host: 0, allocations: kinds.map((kind, ordinal) => ({ ordinal, kind, podUses: ordinal % 2 === 0, wrongCount: false })) },
        { host: null, allocations: [{ ordinal: 3, kind: "home", podUses: true, wrongCount: true }] },
        { host: 2, allocations: KINDS.filter((k) => !COLUMN_KINDS.has(k)).map((kind, ordinal) => ({ ordinal, kind, podUses: true, wrongCount: false })) },
      ],
      withPods: true,
      tunnels: false,
      leakedHandle: true,
    };
    const { files, plain } = write(p);
    const before = plainSettled.plainAllocations;
    const r = inspectDump(readDumpFiles(files, THREADED));
    // (The pods of "home" allocations at even ordinals use their address: ordinals 0 and 2.)
    expect(plain.used).toEqual([2, 0, 0]);
    expect(plainSettled.plainAllocations - before).toBe(2);
    const codes = new Set(r.findings.map((f) => f.code));
    for (const code of ["ADDRESS_BORROWED", "LEAKED_ADDRESS", "HANDLE_MISSING", "HANDLE_LEAKED", "HANDLE_COUNT_MISMATCH"]) expect(codes).toContain(code);
    expect(r.unclassified).toBe(1);
    expect(r).toEqual(inspectDump(readDumpFiles(files, { fastDecode: false })));
  });

  test("IPv4 addresses in use in the common form are marked in place", () => {
    const p: Plan = { blocks: [{ host: 1, allocations: [{ ordinal: 5, kind: "home", podUses: true, wrongCount: false }] }], withPods: true, tunnels: false, leakedHandle: false };
    const { files } = write(p);
    const before = plainSettled.ipv4InPlace;
    const r = inspectDump(readDumpFiles(files, THREADED));
    expect(plainSettled.ipv4InPlace - before).toBe(1);
    expect(r.counts.leakedAddresses).toBe(0);
    expect(r).toEqual(inspectDump(readDumpFiles(files, { fastDecode: false })));
  });

  test("property: sameBytes is byte equality", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 90 }), fc.uint8Array({ maxLength: 90 }), fc.nat(5), fc.nat(5), fc.boolean(), (x, y, pa, pb, same) => {
        const b = same ? x : y;
        const a1 = new Uint8Array(pa + x.length);
        a1.set(x, pa);
        const b1 = new Uint8Array(pb + b.length);
        b1.set(b, pb);
        const n = Math.min(x.length, b.length);
        const expected = Buffer.compare(Buffer.from(x.subarray(0, n)), Buffer.from(b.subarray(0, n))) === 0;
        expect(sameBytes(new DataView(a1.buffer), pa, new DataView(b1.buffer), pb, n)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
