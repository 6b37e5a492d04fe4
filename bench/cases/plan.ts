/**
 * What the CLI and the constructs run: `planIpam()` and the harness (`planIpam()` then
 * `simulatePlan()`) in process, and `calico-ipam plan` as a whole process, start to exit.
 */
import { existsSync } from "fs";
import { join } from "path";
import { ROOT, Side, registerBench, tsWorker } from "../registry";

const SPEC = join(ROOT, "examples", "plan", "cluster.yaml");
const CLI = join(ROOT, "bin", "calico-ipam.js");

registerBench({
  id: "plan-example",
  title: "planIpam() on examples/plan/cluster.yaml",
  project: { label: "ours: planIpam()", command: (_dir, w, r) => tsWorker("ours.ts", SPEC, "plan", String(w), String(r)) },
  peers: [],
  warmup: 5,
  runs: 5,
  pairs: 3,
});

registerBench({
  id: "harness-example",
  title: "planIpam() + simulatePlan() (the harness) on examples/plan/cluster.yaml",
  project: { label: "ours: planIpam() + simulatePlan()", command: (_dir, w, r) => tsWorker("ours.ts", SPEC, "harness", String(w), String(r)) },
  peers: [],
  warmup: 5,
  runs: 5,
  pairs: 3,
});

const NODE_FLOOR = "node -e 0 (runtime start, for reference)";
const floor: Side = { label: NODE_FLOOR, command: () => [process.execPath, "-e", "0"], timing: "whole-process", noAnswer: true };

registerBench({
  id: "cli-plan",
  title: "calico-ipam plan examples/plan/cluster.yaml, whole process (start to exit), compiled lib/",
  project: { label: "ours: node bin/calico-ipam.js plan", command: () => [process.execPath, CLI, "plan", SPEC], timing: "whole-process" },
  peers: [floor],
  warmup: 1,
  runs: 5,
  pairs: 3,
  targets: [{ kind: "time", atMostMs: 300 }],
  notes: ["the ratio to node -e 0 says how much of the time is Node.js starting, which no change of ours can remove"],
  prepare: () => {
    if (!existsSync(join(ROOT, "lib", "cli", "main.js"))) throw new Error("cli-plan runs the compiled CLI: run npm run build first (npm run bench does)");
  },
});
