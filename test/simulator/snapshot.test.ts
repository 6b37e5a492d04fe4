import { IpamSnapshot, SimulationInput, SnapshotBlock, SimulationResult, TimelineStep, WorkloadDeclaration } from "../../src/simulator";
import { ipam, on, pool, simulate } from "./helpers";

const pools = [pool("v4", "10.0.0.0/24", { blockSize: 28 }), pool("v6", "fd00:10::/120", { blockSize: 124 })];
const nodes = [{ name: "n1" }, { name: "n2" }, { name: "n3", labels: { zone: "b" } }, { name: "n4", labels: { zone: "b" } }];
const workloads: WorkloadDeclaration[] = [
  { name: "web", namespace: "shop", replicas: 9, ipFamilies: ["IPv4", "IPv6"] },
  on("n3", "db", 4),
  { name: "batch", namespace: "jobs", replicas: 5, nodeSelector: { zone: "b" } },
];

/** Day 2 before the snapshot: churn, a node replaced, a leak. */
const partA: TimelineStep[] = [
  { deletePods: { workload: "web", count: 3 } },
  { scale: { workload: "batch", replicas: 11 } },
  { rollingRestart: { workload: "db" } },
  { removeNodes: ["n2"] },
  { addNodes: [{ name: "n5", labels: { zone: "b" } }] },
  { deletePods: { workload: "batch", count: 2, recreate: false, leak: true } },
  { wait: { seconds: 30 } },
];
/** Day 2 after it: more churn, time for the garbage collector, growth. */
const partB: TimelineStep[] = [
  { scale: { workload: "web", replicas: 14 } },
  { deletePods: { workload: "db", count: 2 } },
  { wait: { seconds: 900 } },
  { scale: { workload: "batch", replicas: 3 } },
  { rollingRestart: { workload: "web", maxSurge: 2, maxUnavailable: 0 } },
  { addNodes: [{ name: "n6" }] },
  { scale: { workload: "batch", replicas: 12 } },
];

function run(timeline: TimelineStep[], extra: Partial<SimulationInput> = {}): SimulationResult {
  return simulate({ pools, ipamConfiguration: ipam(), topology: { nodes, workloads }, timeline, keepEndState: true, ...extra });
}

/** The state a run ends in, as a test compares it. */
function state(r: SimulationResult) {
  return {
    blocks: r.blocks,
    pods: r.pods.map((p) => [p.namespace, p.name, p.node, p.ipv4, p.ipv6]),
    nodes: r.nodes,
    pools: r.pools,
    endState: r.endState,
  };
}

/** The workloads as they stand at the end of a run (desired replicas = pods alive). */
function standing(r: SimulationResult): WorkloadDeclaration[] {
  return workloads.map((w) => ({ ...w, replicas: r.pods.filter((p) => p.workload === w.name && p.namespace === w.namespace).length }));
}

describe("a run seeded from a snapshot continues where the snapshot stands", () => {
  test("A then B in one run equals A, snapshot, then B from the snapshot (blocks, FIFO order, pods, affinities, leaks, sequence numbers)", () => {
    const whole = run([...partA, ...partB]);
    const a = run(partA);
    const snapshot = a.endState as IpamSnapshot;
    expect(snapshot.blocks.length).toBeGreaterThan(4);
    expect(snapshot.blocks.some((b) => b.allocations.some((x) => x.leakedSince !== undefined))).toBe(true);
    const b = run(partB, { topology: { nodes: [], workloads: standing(a) }, initialState: snapshot });
    expect(b.findings.filter((f) => f.code === "INITIAL_STATE_INVALID")).toEqual([]);
    expect(state(b)).toEqual(state(whole));
  });

  test("a one-shot run from a snapshot creates only the missing replicas, on the next free ordinals", () => {
    const a = run([]);
    const before = a.pods.filter((p) => p.workload === "db").map((p) => p.ipv4);
    const grown = workloads.map((w) => (w.name === "db" ? { ...w, replicas: 6 } : w));
    const b = simulate({ pools, ipamConfiguration: ipam(), topology: { nodes: [], workloads: grown }, initialState: a.endState });
    const after = b.pods.filter((p) => p.workload === "db").map((p) => p.ipv4);
    expect(after.slice(0, 4)).toEqual(before);
    // The two new pods get the head of the FIFO unallocated list of n3's block.
    const block = (a.endState as IpamSnapshot).blocks.find((x) => x.host === "n3" && x.cidr.startsWith("10.")) as SnapshotBlock;
    const network = Number(block.cidr.split("/")[0].split(".")[3]);
    expect(after.slice(4)).toEqual(block.unallocated.slice(0, 2).map((o) => `10.0.0.${network + o}`));
    expect(b.summary.podsAllocated).toBe(a.summary.podsAllocated + 2);
  });

  test("the snapshot's end state round-trips: seeding with it and keeping the end state gives the same snapshot", () => {
    const a = run(partA);
    const b = run([], { topology: { nodes: [], workloads: standing(a) }, initialState: a.endState });
    expect(b.endState).toEqual(a.endState);
  });
});
