import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseObjects } from "../../src/io/objects";
import { SIMULATION_EPOCH, inspectDump, readDump, readDumpFiles, snapshotFromDump, snapshotObjects, stringifyObjects, writeStateDump, STATE_DUMP_FILES } from "../../src/live";
import type { ClusterDump, StateObjects } from "../../src/live";
import { IpamSnapshot, SnapshotBlock, simulateAllocation, SimulationInput, SimulationResult, TimelineStep, WorkloadDeclaration } from "../../src/simulator";
import { schemaErrors } from "../helpers/crd";
import { ipam, pool as simPool } from "../simulator/helpers";
import { pool as poolObject } from "./helpers";

const pools = [simPool("v4", "10.0.0.0/22", { blockSize: 27, ipipMode: "Always" }), simPool("v6", "fd00:10::/116", { blockSize: 122 })];
const poolObjects = [poolObject("v4", "10.0.0.0/22", { blockSize: 27, ipipMode: "Always" }), poolObject("v6", "fd00:10::/116", { blockSize: 122 })];
const nodes = [{ namePattern: "n{i}", count: 6 }, { name: "w1", os: "windows" as const }];
const workloads: WorkloadDeclaration[] = [
  { name: "web", namespace: "shop", replicas: 40, ipFamilies: ["IPv4", "IPv6"] },
  { name: "db", namespace: "data", replicas: 7, nodeSelector: { "kubernetes.io/hostname": "n2" } },
  { name: "win", namespace: "shop", replicas: 3, nodeSelector: { "kubernetes.io/os": "windows" } },
];
const partA: TimelineStep[] = [
  { deletePods: { workload: "web", count: 11 } },
  { rollingRestart: { workload: "db", maxSurge: 2 } },
  { removeNodes: ["n3"] },
  { addNodes: [{ name: "n7" }] },
  { scale: { workload: "web", replicas: 55 } },
];
const partB: TimelineStep[] = [
  { deletePods: { workload: "web", count: 9 } },
  { addNodes: [{ namePattern: "x{i}", count: 3 }] },
  { scale: { workload: "web", replicas: 80 } },
  { wait: { seconds: 1000 } },
  { rollingRestart: { workload: "web" } },
];

function run(timeline: TimelineStep[], extra: Partial<SimulationInput> = {}): SimulationResult {
  return simulateAllocation({ pools, ipamConfiguration: ipam({ strictAffinity: true }), topology: { nodes, workloads }, timeline, keepEndState: true, ...extra });
}

/** The objects written to disk as kubectl List files and read back the way `inspect` reads a dump. */
function reread(objects: StateObjects, extra: readonly unknown[] = []): ClusterDump {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-dump-"));
  try {
    const files = writeStateDump(dir, objects);
    if (extra.length > 0) {
      fs.writeFileSync(path.join(dir, "pools.json"), stringifyObjects({ apiVersion: "v1", items: extra, kind: "List", metadata: { resourceVersion: "" } }, 4));
      files.unshift(path.join(dir, "pools.json"));
    }
    return readDumpFiles(files);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const takenAt = (r: SimulationResult) => new Date(Date.parse(SIMULATION_EPOCH) + (r.endState?.time ?? 0) * 1000).toISOString();

describe("round trip: the simulator's end state as Calico objects, read back", () => {
  const a = run(partA);
  const objects = snapshotObjects(a.endState!);

  test("a Windows node's blocks reserve ordinals 0, 1, 2 and the last as Calico's newBlock does: handle, note, no sequence number", () => {
    const windowsBlocks = objects.blocks.filter((o) => (o.spec as { affinity?: string }).affinity === "host:w1" && !String((o.spec as { cidr: string }).cidr).includes(":"));
    expect(windowsBlocks.length).toBeGreaterThan(0);
    for (const o of windowsBlocks) {
      const spec = o.spec as { allocations: (number | null)[]; attributes: { handle_id?: string; secondary: Record<string, string> }[]; sequenceNumberForAllocation: Record<string, unknown> };
      const last = spec.allocations.length - 1;
      for (const ordinal of [0, 1, 2, last]) {
        const attribute = spec.attributes[spec.allocations[ordinal]!];
        expect(attribute).toEqual({ handle_id: "windows-reserved-ipam-handle", secondary: { note: "windows host rsvd" } });
        expect(spec.sequenceNumberForAllocation[String(ordinal)]).toBeUndefined();
      }
      expect(Object.keys(spec.sequenceNumberForAllocation).length).toBe(spec.allocations.filter((x) => x !== null).length - 4);
    }
  });

  test("every object validates against the CRD schemas (IPAMBlock, BlockAffinity, IPAMHandle)", () => {
    const calico = [...objects.blocks, ...objects.affinities, ...objects.handles];
    expect(calico.length).toBeGreaterThan(20);
    const errors = calico.flatMap((o) => schemaErrors(JSON.parse(stringifyObjects(o)) as { apiVersion: string; kind: string }).map((e) => `${(o.metadata as { name: string }).name}: ${e}`));
    expect(errors).toEqual([]);
  });

  test("inspect reads the same utilization as the simulation, with no finding", () => {
    const dump = reread(objects, poolObjects);
    const inspection = inspectDump(dump, { declaredPools: new Set(["v4", "v6"]) });
    expect([...dump.findings, ...inspection.findings]).toEqual([]);
    const simulated = Object.fromEntries(a.pools.map((p) => [p.name, p.addressesInUse + p.addressesWindowsReserved]));
    expect(Object.fromEntries(inspection.pools.map((p) => [p.name, p.addressesInUse]))).toEqual(simulated);
    expect(inspection.blocks.map((b) => [b.cidr, b.owner, b.inUse]).sort()).toEqual(a.blocks.map((b) => [b.cidr, b.owner, b.inUse + b.reserved]).sort());
  });

  test("without takenAt, the dump is taken at its latest affinityClaimTime: claim times count back from it", () => {
    // Claim times one minute apart, the latest in the middle of the list, so that neither the first, the last nor the earliest passes.
    const n = objects.blocks.length;
    const mid = n >> 1;
    const minute = (k: number) => new Date(Date.parse(SIMULATION_EPOCH) + 60_000 * (k === mid ? n - 1 : k === n - 1 ? mid : k)).toISOString();
    const blocks = objects.blocks.map((o, k) => ({ ...o, spec: { ...(o.spec as Record<string, unknown>), affinityClaimTime: minute(k) } }));
    const dump = reread({ ...objects, blocks }, poolObjects);
    const latest = Math.max(...dump.blocks.map((blk) => Date.parse(blk.affinityClaimTime ?? "")).filter(Number.isFinite));
    expect(latest).toBe(Date.parse(SIMULATION_EPOCH) + 60_000 * (n - 1));
    const defaulted = snapshotFromDump(dump).blocks.map((blk) => blk.claimTime);
    const explicit = snapshotFromDump(dump, { takenAt: new Date(latest).toISOString() }).blocks.map((blk) => blk.claimTime);
    expect(defaulted).toEqual(explicit);
    expect(defaulted.filter((t) => t !== undefined).length).toBeGreaterThan(1);
    expect(Math.max(...defaulted.map((t) => t ?? -Infinity))).toBe(0);
    expect(Math.min(...defaulted.map((t) => t ?? Infinity))).toBe(-60 * (n - 1));
  });

  test("A then B on one run equals A, export, reload, then B seeded from the dump", () => {
    const whole = run([...partA, ...partB]);
    const dump = reread(objects, poolObjects);
    const snapshot = snapshotFromDump(dump, { takenAt: takenAt(a) });
    const standing = workloads.map((w) => ({ ...w, replicas: a.pods.filter((p) => p.workload === w.name).length }));
    const b = run(partB, { topology: { nodes: [], workloads: standing }, initialState: snapshot });
    expect(b.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(b.blocks).toEqual(whole.blocks);
    expect(b.pods.map((p) => [p.namespace, p.name, p.node, p.ipv4, p.ipv6])).toEqual(whole.pods.map((p) => [p.namespace, p.name, p.node, p.ipv4, p.ipv6]));
    // Node groups (namePattern) are the plan's, not the cluster's: a dump's nodes stand alone.
    const nodesOf = (r: SimulationResult) => r.nodes.map(({ group, ...rest }) => (void group, rest));
    expect(nodesOf(b)).toEqual(nodesOf(whole));
    // The end states agree block by block: allocations, FIFO order, affinities, sequence numbers.
    // Claim times round-trip relative to takenAt; the grace periods of empty blocks start again at the dump.
    const blocksOf = (r: SimulationResult) => r.endState!.blocks.map(({ claimTime, emptySince, source, ...rest }) => (void claimTime, void emptySince, void source, rest)).sort((x, y) => (x.cidr < y.cidr ? -1 : 1));
    expect(blocksOf(b)).toEqual(blocksOf(whole));
  });

  test("writeStateDump writes kubectl List files that read back to the same dump", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-dump-"));
    try {
      const files = writeStateDump(dir, objects);
      expect(files.map((f) => path.basename(f))).toEqual(Object.values(STATE_DUMP_FILES));
      const text = fs.readFileSync(path.join(dir, STATE_DUMP_FILES.blocks), "utf8");
      expect(text.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
      // Read back, the blocks are the end state's: allocations, FIFO order, affinities, exact sequence numbers past 2^53.
      const strip = (blocks: readonly SnapshotBlock[]) => blocks.map(({ claimTime, emptySince, source, ...rest }) => (void claimTime, void emptySince, void source, rest)).sort((x, y) => (x.cidr < y.cidr ? -1 : 1));
      const fromDisk = snapshotFromDump(readDumpFiles(files), { takenAt: takenAt(a) });
      expect(strip(fromDisk.blocks)).toEqual(strip(a.endState!.blocks));
      expect(BigInt(fromDisk.blocks[0].sequenceNumber!)).toBeGreaterThan(2n ** 53n);
      // The runtime's JSON parser alone would round them.
      const parsed = readDump(files.flatMap((f) => parseObjects(fs.readFileSync(f, "utf8"), f)));
      expect(parsed.blocks.length).toBe(objects.blocks.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a dump that does not match the declared pools is a clear error", () => {
  const a = run([]);
  const snapshot = a.endState!;
  test.each([
    ["a block in no declared pool", [simPool("v6", "fd00:10::/116", { blockSize: 122 })], /block 10\.0\.\d+\.\d+\/27 lies in no declared IP pool \(declared: v6 \(fd00:10::\/116, blockSize 122\)\)/],
    ["a block of another block size", [simPool("v4", "10.0.0.0/22", { blockSize: 26 }), pools[1]], /is a \/27 block, but pool "v4" \(10\.0\.0\.0\/22\) declares blockSize 26/],
  ])("%s", (_name, declared, message) => {
    const r = simulateAllocation({ pools: declared, ipamConfiguration: ipam({ strictAffinity: true }), topology: { nodes: [], workloads: [] }, initialState: snapshot });
    const errors = r.findings.filter((f) => f.code === "INITIAL_STATE_INVALID" && f.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].path).toMatch(/^initialState\.blocks\[\d+\]\.cidr$/);
    expect(errors[0].message).toMatch(message);
  });

  test("a block affine to a node not in the cluster is restored without affinity, with a warning", () => {
    const lone: IpamSnapshot = { time: 0, nodes: [], blocks: [{ cidr: "10.0.0.32/27", host: "gone", unallocated: Array.from({ length: 30 }, (_, k) => k + 2), allocations: [{ ordinal: 0, handle: "h0", attributes: { node: "gone", pod: "p", namespace: "ns" } }, { ordinal: 1, handle: "h1", attributes: {} }] }] };
    const r = simulateAllocation({ pools, topology: { nodes: [{ name: "n1" }], workloads: [] }, initialState: lone });
    expect(r.findings.find((f) => f.code === "INITIAL_STATE_INVALID")?.message).toMatch(/affine to 1 node\(s\) that are not in the cluster \(gone\)/);
    expect(r.blocks.find((b) => b.cidr === "10.0.0.32/27")).toMatchObject({ owner: null, inUse: 2 });
  });
});

test("a realistic dump of thousands of blocks, built by the round trip, reads back with the simulated utilization and no finding", () => {
  const racks = [0, 1, 2, 3];
  const rackPools = racks.map((r) => simPool(`rack-${r}`, `10.${64 + r * 4}.0.0/16`, { blockSize: 28, vxlanMode: "Always", nodeSelector: `rack == "${r}"` }));
  const r = simulateAllocation({
    pools: rackPools,
    topology: { nodes: racks.map((k) => ({ namePattern: `rack${k}-node-{i:3}`, count: 250, labels: { rack: String(k) } })), workloads: [{ name: "web", namespace: "shop", replicas: 20_000 }] },
    includePods: false,
    keepEndState: true,
  });
  expect(r.summary.blocksClaimed).toBeGreaterThanOrEqual(2000);
  const dump = reread(
    snapshotObjects(r.endState!),
    racks.map((k) => poolObject(`rack-${k}`, `10.${64 + k * 4}.0.0/16`, { blockSize: 28, vxlanMode: "Always", nodeSelector: `rack == "${k}"` })),
  );
  const inspection = inspectDump(dump);
  expect([...dump.findings, ...inspection.findings]).toEqual([]);
  expect(inspection.counts).toMatchObject({ blocks: r.summary.blocksClaimed, allocations: 20_000 + 1000, leakedAddresses: 0, handles: 21_000 });
  expect(inspection.pools.map((p) => p.addressesInUse)).toEqual(r.pools.map((p) => p.addressesInUse));
});
