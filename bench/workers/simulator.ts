/**
 * The allocation simulator on the benchmark cluster of ../simulator.ts (mode = pods per node), through
 * the public API of the compiled package, as every case of ours is timed: `simulateAllocation`,
 * warm-up runs then timed runs back to back. No forced garbage collection in or before a timed run
 * (as in the day-2 worker: a `gc()` inside the timer timed the collection, and after one V8's helper
 * threads sweep during the next run, a cost no caller pays). The report carries the CPU time per run.
 */
import { benchInput } from "../simulator";
import { args, compiled, report, timeRuns } from "./common";

const { mode, warmup, runs } = args();
const podsPerNode = Number(mode);
const { simulateAllocation } = compiled<typeof import("../../src/simulator")>("simulator");
const input = benchInput(podsPerNode);
const gc = (globalThis as { gc?: () => void }).gc;
const { times, cpuTimes, last } = timeRuns(warmup, runs, () => simulateAllocation(input), gc);
const s = last.summary;
report(times, [`pods allocated ${s.podsAllocated}, failed ${s.podsFailed}`], s.podsAllocated, { cpuTimes });
