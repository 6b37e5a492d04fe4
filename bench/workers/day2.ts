/**
 * A day-2 workload of ../day2.ts (mode = its name) through the public API of the compiled package:
 * `simulateAllocation`, warm-up runs then timed runs back to back. No forced garbage collection
 * before a timed run: after a `gc()`, V8's helper threads sweep during the next run and
 * `process.cpuUsage()` counts it (about +60% CPU for the 550k one-shot), a cost no caller pays.
 * Every run must allocate every declared pod (a run refused by a limit would time nothing).
 *
 * Beside the times, the report carries the CPU median (user + system of the process, all threads) and
 * the heap of one more run: `heapUsed` right after it with the result held, less the heap before it
 * (collected first; needs `--expose-gc`). The answer is the result as JSON; for the IPv6 pool-size
 * pair, whose addresses differ by design, its summary.
 */
import type { SimulationResult } from "../../src/simulator";
import { DAY2_WORKLOADS, Day2Workload, day2Input } from "../day2";
import { args, compiled, report, timeRuns } from "./common";

const { mode, warmup, runs } = args();
if (!(DAY2_WORKLOADS as readonly string[]).includes(mode)) throw new Error(`unknown day-2 workload "${mode}"; known: ${DAY2_WORKLOADS.join(", ")}`);
const workload = mode as Day2Workload;
const { simulateAllocation } = compiled<typeof import("../../src/simulator")>("simulator");
const { checkIpPool } = compiled<typeof import("../../src/validation/ip-pool")>("validation/ip-pool");
const input = day2Input(workload, checkIpPool);
const declared = (input.topology?.workloads ?? []).reduce((n, w) => n + w.replicas, 0);

const checked = (result: SimulationResult): SimulationResult => {
  if (result.summary.podsAllocated !== declared) {
    throw new Error(`${workload}: ${result.summary.podsAllocated} of ${declared} pods got addresses (${result.findings.map((f) => f.code).join(", ") || "no finding"})`);
  }
  return result;
};

const cpu: number[] = [];
let run = 0;
const { times, last } = timeRuns(warmup, runs, () => {
  const c0 = process.cpuUsage();
  const result = simulateAllocation(input);
  const c = process.cpuUsage(c0);
  if (run++ >= warmup) cpu.push((c.user + c.system) / 1000);
  return checked(result);
});

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("the day-2 worker measures heap: run it with --expose-gc");
gc();
const before = process.memoryUsage().heapUsed;
const held = checked(simulateAllocation(input));
const heapMb = (process.memoryUsage().heapUsed - before) / 1048576;

const answer = workload.startsWith("v6-") ? JSON.stringify(last.summary) : JSON.stringify(last);
if (held.summary.podsAllocated !== last.summary.podsAllocated) throw new Error(`${workload}: the heap run differs from the timed runs`);
report(times, [answer], declared, { cpuTimes: cpu, heapMb });
