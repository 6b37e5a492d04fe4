import { MAX_TIMELINE_POD_OPERATIONS, MAX_TIMELINE_STEPS, SimulationInput, SimulationResult, TimelineStep } from "../../src/simulator";
import { ipam, on, pool, simulate } from "./helpers";

/** One node "a" (or the given ones) and a timeline. */
function play(input: Partial<SimulationInput> & { timeline: TimelineStep[] }): SimulationResult {
  return simulate({
    // One /29 block unless a test needs more, so addresses do not depend on the host's start block.
    pools: input.pools ?? [pool("p", "10.0.0.0/29", { blockSize: 29 })],
    ipamConfiguration: input.ipamConfiguration,
    topology: input.topology ?? { nodes: [{ name: "a" }], workloads: [on("a", "web", 3)] },
    timeline: input.timeline,
    leakGracePeriodSeconds: input.leakGracePeriodSeconds,
  });
}

const addressesOf = (r: SimulationResult, workload: string) => r.pods.filter((p) => p.workload === workload).map((p) => p.ipv4);
const blocksOf = (r: Pick<SimulationResult, "blocks">) => r.blocks.map((b) => `${b.cidr}@${b.owner ?? "-"}`);
const step = (r: SimulationResult, i: number) => (r.timeline ?? [])[i];

describe("Calico's lifecycle over a timeline", () => {
  test("a released address is reused only after every never-used address of its block (FIFO unallocated list)", () => {
    const r = play({ timeline: [{ deletePods: { workload: "web", count: 1 } }, { scale: { workload: "web", replicas: 8 } }] });
    // web-0 had 10.0.0.0; its replacement web-3 gets .3, and .0 comes back last, after .4–.7.
    expect(addressesOf(r, "web")).toEqual(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.0"]);
  });

  test("an empty block keeps its affinity: scaling to zero leaves the node's block claimed", () => {
    const r = play({ timeline: [{ scale: { workload: "web", replicas: 0 } }] });
    expect(blocksOf(r)).toEqual(["10.0.0.0/29@a"]);
    expect(r.blocks[0].inUse).toBe(0);
  });

  test("another host's empty block is reclaimed only once it was claimed 60 s ago", () => {
    const input = {
      pools: [pool("small", "10.0.0.0/28", { blockSize: 29 })],
      ipamConfiguration: ipam({ strictAffinity: true }),
      topology: { nodes: [{ name: "a" }, { name: "b" }, { name: "c" }], workloads: [on("a", "wa", 1), on("b", "wb", 1), on("c", "wc", 0)] },
    };
    const r = play({ ...input, timeline: [{ scale: { workload: "wa", replicas: 0 } }, { scale: { workload: "wc", replicas: 1 } }, { wait: { seconds: 59 } }, { wait: { seconds: 1 } }] });
    expect(step(r, 1).summary.podsFailed).toBe(1);
    expect(step(r, 1).findings.map((f) => f.code)).toContain("POD_POOLS_EXHAUSTED");
    expect(step(r, 2).summary.podsFailed).toBe(1);
    expect(step(r, 3).summary.podsFailed).toBe(0);
    expect(step(r, 3).blocks.map((b) => b.owner).sort()).toEqual(["b", "c"]);
  });

  test("a host borrows only when no unclaimed or reclaimable block is left", () => {
    const input = {
      pools: [pool("small", "10.0.0.0/28", { blockSize: 29 })],
      topology: { nodes: [{ name: "a" }, { name: "b" }, { name: "c" }], workloads: [on("a", "wa", 1), on("b", "wb", 1), on("c", "wc", 0)] },
    };
    const fresh = play({ ...input, timeline: [{ scale: { workload: "wc", replicas: 1 } }] });
    expect(fresh.pods.find((p) => p.workload === "wc")?.ipv4Borrowed).toBe(true);
    const reclaimed = play({ ...input, timeline: [{ scale: { workload: "wa", replicas: 0 } }, { wait: { seconds: 60 } }, { scale: { workload: "wc", replicas: 1 } }] });
    expect(reclaimed.pods.find((p) => p.workload === "wc")?.ipv4Borrowed).toBe(false);
    expect(reclaimed.blocks.map((b) => b.owner).sort()).toEqual(["b", "c"]);
  });

  test("a disabled pool serves no new address; the addresses it gave stay", () => {
    const pools = [pool("a-old", "10.0.0.0/24", { blockSize: 29 }), pool("b-new", "10.1.0.0/24", { blockSize: 29 })];
    const r = play({ pools, timeline: [{ disablePool: "a-old" }, { scale: { workload: "web", replicas: 5 } }] });
    expect(r.pods.map((p) => p.ipv4Pool)).toEqual(["a-old", "a-old", "a-old", "b-new", "b-new"]);
  });

  test("a deleted pool's empty blocks are deleted and its other blocks lose their affinity until their last address goes", () => {
    const pools = [pool("a-old", "10.0.0.0/24", { blockSize: 29 }), pool("b-new", "10.1.0.0/24", { blockSize: 29 })];
    const r = play({
      pools,
      topology: { nodes: [{ name: "a" }, { name: "b" }], workloads: [on("a", "wa", 1), on("b", "wb", 1)] },
      timeline: [{ scale: { workload: "wb", replicas: 0 } }, { deletePool: "a-old" }, { scale: { workload: "wa", replicas: 0 } }],
    });
    expect(blocksOf(step(r, 1)).filter((b) => b.startsWith("10.0."))).toEqual([expect.stringMatching(/@-$/)]);
    expect(step(r, 2).blocks.filter((b) => b.pool === "a-old")).toEqual([]);
  });

  test("when a pool stops selecting a node, the node's empty block there is released at its next allocation", () => {
    const pools = [pool("a-zone", "10.0.0.0/29", { blockSize: 29, nodeSelector: "zone == 'a'" }), pool("b-any", "10.1.0.0/24", { blockSize: 29 })];
    const r = play({
      pools,
      topology: { nodes: [{ name: "a", labels: { zone: "a" } }], workloads: [on("a", "web", 1)] },
      timeline: [{ scale: { workload: "web", replicas: 0 } }, { relabelNode: { name: "a", labels: { zone: null } } }, { scale: { workload: "web", replicas: 1 } }],
    });
    expect(blocksOf(step(r, 1))).toEqual(["10.0.0.0/29@a"]);
    expect(r.blocks.map((b) => b.pool)).toEqual(["b-any"]);
  });

  test("the garbage collector releases a node's empty block after the grace period, but never its last block", () => {
    const r = play({
      pools: [pool("p", "10.0.0.0/24", { blockSize: 29 })],
      topology: { nodes: [{ name: "a" }], workloads: [on("a", "web", 10)] },
      timeline: [{ scale: { workload: "web", replicas: 0 } }, { wait: { seconds: 899 } }, { wait: { seconds: 1 } }],
    });
    expect(step(r, 1).blocks).toHaveLength(2);
    expect(step(r, 2).blocks).toHaveLength(1);
    expect(step(r, 2).description).toContain("1 empty block(s) released");
  });

  test("leaked addresses stay allocated until the garbage collector's grace period has passed", () => {
    const r = play({ leakGracePeriodSeconds: 300, timeline: [{ deletePods: { workload: "web", count: 2, recreate: false, leak: true } }, { wait: { seconds: 300 } }] });
    expect(step(r, 0).summary.ipv4AddressesInUse).toBe(3);
    expect(step(r, 1).summary.ipv4AddressesInUse).toBe(1);
  });

  test("tunnel addresses follow the node: released when it leaves the pool that gave them, taken from the pool that selects it now", () => {
    const pools = [pool("a-zone", "10.0.0.0/24", { blockSize: 29, ipipMode: "Always", nodeSelector: "zone == 'a'" }), pool("b-zone", "10.1.0.0/24", { blockSize: 29, ipipMode: "Always", nodeSelector: "zone == 'b'" })];
    const r = play({ pools, topology: { nodes: [{ name: "n", labels: { zone: "a" } }] }, timeline: [{ relabelNode: { name: "n", labels: { zone: "b" } } }] });
    expect(r.nodes[0].tunnelAddresses.map((t) => t.pool)).toEqual(["b-zone"]);
    expect(r.pools.find((p) => p.name === "a-zone")?.addressesInUse).toBe(0);
  });

  test("a removed node's pods are recreated elsewhere and its blocks and tunnel address released", () => {
    const r = play({
      pools: [pool("p", "10.0.0.0/24", { blockSize: 29, ipipMode: "Always" })],
      topology: { nodes: [{ name: "a" }, { name: "b" }], workloads: [{ name: "web", namespace: "default", replicas: 4 }] },
      timeline: [{ removeNodes: ["a"] }],
    });
    expect(r.nodes.map((n) => n.name)).toEqual(["b"]);
    expect(r.pods.every((p) => p.node === "b" && p.ipv4 !== null)).toBe(true);
    expect(r.blocks.every((b) => b.owner === "b")).toBe(true);
  });

  test("a drained node keeps its now empty blocks affine (they can starve a small pool)", () => {
    const r = play({
      pools: [pool("p", "10.0.0.0/24", { blockSize: 29 })],
      topology: { nodes: [{ name: "a" }, { name: "b" }], workloads: [{ name: "web", namespace: "default", replicas: 4 }] },
      timeline: [{ drainNodes: ["a"] }],
    });
    expect(r.pods.every((p) => p.node === "b")).toBe(true);
    const onA = r.blocks.filter((b) => b.owner === "a");
    expect(onA).toHaveLength(1);
    expect(onA[0].inUse).toBe(0);
  });

  test("a rolling restart replaces every pod, maxSurge above and maxUnavailable below the replica count", () => {
    const r = play({ timeline: [{ rollingRestart: { workload: "web", maxSurge: 1, maxUnavailable: 0 } }] });
    expect(r.pods.map((p) => p.name)).toEqual(["web-3", "web-4", "web-5"]);
    // Surge 1: a new pod starts before each old one goes; the old pods' addresses join the tail of the FIFO.
    expect(r.pods.map((p) => p.ipv4)).toEqual(["10.0.0.3", "10.0.0.4", "10.0.0.5"]);
    expect(step(r, 0).description).toContain("3 pods replaced");
  });

  test("after maxBlocksPerHost is lowered, a node that owns more blocks claims no new one", () => {
    const r = play({ pools: [pool("p", "10.0.0.0/24", { blockSize: 29 })], topology: { nodes: [{ name: "a" }], workloads: [on("a", "web", 16)] }, timeline: [{ ipamConfiguration: { maxBlocksPerHost: 2 } }, { scale: { workload: "web", replicas: 17 } }] });
    expect(step(r, 1).findings.map((f) => f.code)).toContain("POD_BLOCK_LIMIT");
  });

  test("placement ties go to the node that joined first (age), then natural name order among nodes that joined together", () => {
    const r = play({
      pools: [pool("p", "10.0.0.0/24", { blockSize: 29 })],
      topology: { nodes: [{ name: "n-2" }, { name: "n-3" }], workloads: [{ name: "web", namespace: "default", replicas: 2 }] },
      timeline: [{ addNodes: [{ name: "n-1" }] }, { scale: { workload: "web", replicas: 5 } }],
    });
    // web-2 goes to n-1 (fewest pods); then every node runs one, and the older n-2 and n-3 win the ties, though "n-1" sorts first.
    expect(r.nodes.map((n) => [n.name, n.pods])).toEqual([
      ["n-1", 1],
      ["n-2", 2],
      ["n-3", 2],
    ]);
    const together = play({
      pools: [pool("p", "10.0.0.0/24", { blockSize: 29 })],
      topology: { nodes: [{ name: "m", maxPods: 0 }], workloads: [{ name: "web", namespace: "default", replicas: 0 }] },
      timeline: [{ addNodes: [{ name: "n-10" }, { name: "n-9" }] }, { scale: { workload: "web", replicas: 1 } }],
    });
    expect(together.pods.map((p) => p.node)).toEqual(["n-9"]);
  });

  test("a failure finding counts the replicas the workload has at that step, not the declared ones", () => {
    const r = play({ timeline: [{ scale: { workload: "web", replicas: 12 } }] });
    const f = step(r, 0).findings.find((x) => x.code === "POD_POOLS_EXHAUSTED");
    expect(f?.message).toMatch(/^4 of 12 pods of default\/web get no IPv4 address/);
  });

  test("pods that failed are retried only when time passes (kubelet's sandbox retry): freed addresses alone do not restart them", () => {
    const r = play({
      topology: { nodes: [{ name: "a" }], workloads: [on("a", "web", 3), on("a", "batch", 3)] },
      timeline: [{ scale: { workload: "web", replicas: 7 } }, { scale: { workload: "batch", replicas: 0 } }, { wait: { seconds: 10 } }],
    });
    expect(step(r, 0).summary.podsFailed).toBe(2);
    expect(step(r, 1).summary.podsFailed).toBe(2);
    expect(step(r, 2).summary.podsFailed).toBe(0);
    expect(step(r, 2).description).toContain("2 failed pod(s) retried");
  });

  test("the same input plays to a byte-identical result", () => {
    const make = () => play({ timeline: [{ rollingRestart: { workload: "web" } }, { wait: { seconds: 60 } }, { scale: { workload: "web", replicas: 9 } }] });
    expect(JSON.stringify(make())).toBe(JSON.stringify(make()));
  });
});

describe("a timeline too long to simulate fails with a limit, never hangs", () => {
  test("more steps than MAX_TIMELINE_STEPS: TIMELINE_TOO_LONG, no step played", () => {
    const timeline: TimelineStep[] = Array.from({ length: MAX_TIMELINE_STEPS + 1 }, () => ({ wait: { seconds: 1 } }));
    const r = play({ timeline });
    expect(r.findings.map((f) => f.code)).toContain("TIMELINE_TOO_LONG");
    expect(r.timeline).toEqual([]);
  });

  test("more pod operations than MAX_TIMELINE_POD_OPERATIONS: the step is refused and the run stops there", () => {
    const r = play({ timeline: [{ scale: { workload: "web", replicas: MAX_TIMELINE_POD_OPERATIONS + 10 } }, { scale: { workload: "web", replicas: 1 } }] });
    const f = r.findings.find((x) => x.code === "TIMELINE_TOO_LONG");
    expect(f?.path).toBe("timeline[0]");
    expect(step(r, 0).applied).toBe(false);
    expect(step(r, 1).applied).toBe(false);
    expect(r.summary.pods).toBe(3);
  });
});
