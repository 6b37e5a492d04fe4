/**
 * The simulator's day-2 targets (issue "Day 2 in the harness"), public API, warm, compiled lib/:
 * the workloads are in ../day2.ts, the worker in ../workers/day2.ts. No peer: nothing else plays
 * Calico's block allocation; the pool-size case pairs the simulator with itself on a /108 pool.
 * `npm run bench -- day2` runs them all, `npm run bench -- timeline` the timeline.
 */
import type { Day2Workload } from "../day2";
import { Side, nodeWorker, registerBench } from "../registry";

const worker =
  (workload: Day2Workload) =>
  (_dir: string, warmup: number, runs: number): string[] =>
    nodeWorker(["--expose-gc"], "day2.ts", "-", workload, String(warmup), String(runs));

const side = (label: string, workload: Day2Workload): Side => ({ label, command: worker(workload) });

const SAME_RULES = { warmup: 1, runs: 5, pairs: 2 } as const;

registerBench({
  id: "day2-oneshot-550k",
  title: "simulateAllocation: one-shot, 550,000 pods on 5,000 nodes, IPv4, no pod list (as the harness runs it)",
  project: side("ours: simulateAllocation()", "oneshot-550k"),
  peers: [],
  ...SAME_RULES,
  targets: [
    { kind: "time", atMostMs: 500 },
    { kind: "heap", atMostMb: 150 },
  ],
});

registerBench({
  id: "day2-oneshot-1100k",
  title: "simulateAllocation: one-shot, 1,100,000 pods on 10,000 nodes, IPv4, no pod list",
  project: side("ours: simulateAllocation()", "oneshot-1100k"),
  peers: [],
  ...SAME_RULES,
  targets: [{ kind: "time", atMostMs: 1000 }],
});

registerBench({
  id: "day2-timeline",
  title: "simulateAllocation: timeline, 1,000,000 pod deletions and creations over 5,000 nodes (500,000 pods, then a rolling restart of every workload)",
  project: side("ours: simulateAllocation()", "timeline"),
  peers: [],
  ...SAME_RULES,
  targets: [{ kind: "time", atMostMs: 1000 }],
  notes: ["the heap printed is heapUsed right after a run with its result held: it includes the run's garbage not yet collected"],
});

registerBench({
  id: "day2-pool-size",
  title: "simulateAllocation: 550,000 pods in an IPv6 /48 pool (2^74 blocks) against the same pods in a /108 pool",
  project: side("ours: /48 pool", "v6-48"),
  peers: [side("ours: /108 pool", "v6-108")],
  ...SAME_RULES,
  pairs: 3,
  pinPairs: true,
  targets: [{ kind: "slowdown", peer: "ours: /108 pool", atMost: 1.5 }],
  notes: ["cost never grows with the size of a pool; the answers compared are the summaries (the addresses differ by design)"],
});
