/**
 * The allocation simulator on 5,000 dual-stack nodes (../simulator.ts has the cluster), with its own
 * targets. No peer: nothing else plays Calico's block allocation.
 */
import { nodeWorker, registerBench } from "../registry";

const worker = (podsPerNode: number) => (_dir: string, warmup: number, runs: number) =>
  nodeWorker(["--expose-gc"], "simulator.ts", "-", String(podsPerNode), String(warmup), String(runs));

registerBench({
  id: "simulator-150k",
  title: "simulateAllocation: 5,000 nodes × 30 pods, dual-stack (150,000 pods)",
  project: { label: "ours: simulateAllocation()", command: worker(30) },
  peers: [],
  warmup: 1,
  runs: 3,
  pairs: 2,
  targets: [
    { kind: "time", atMostMs: 1000 },
    { kind: "rss", atMostMb: 300 },
  ],
});

registerBench({
  id: "simulator-550k",
  title: "simulateAllocation: 5,000 nodes × 110 pods, dual-stack (550,000 pods)",
  project: { label: "ours: simulateAllocation()", command: worker(110) },
  peers: [],
  warmup: 1,
  runs: 3,
  pairs: 2,
  targets: [{ kind: "time", atMostMs: 3000 }],
});
