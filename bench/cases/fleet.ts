/**
 * Fleet-wide carving (../fleet.ts): 500 clusters × 20 pools, warm. No peer. The same warm-up, runs
 * and processes as carve-v4 (25 timed calls): with two processes (10 calls) the median of this
 * GC-bound case swung from 32 to 70 ms between back-to-back runs on a quiet machine.
 */
import { registerBench, tsWorker } from "../registry";

registerBench({
  id: "fleet-warm",
  title: "carveFleet: 500 clusters × 20 pools (10,000 pools), warm (every cluster's ledger section read from text)",
  project: { label: "ours: carveFleet()", command: (_dir, w, r) => tsWorker("fleet.ts", "-", "warm", String(w), String(r)) },
  peers: [],
  warmup: 5,
  runs: 5,
  pairs: 5,
  targets: [{ kind: "time", atMostMs: 50 }],
});
