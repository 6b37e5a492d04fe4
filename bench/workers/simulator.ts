/**
 * The allocation simulator on the benchmark cluster of ../simulator.ts (mode = pods per node), through
 * the public API of the compiled package, as every case of ours is timed: `simulateAllocation`,
 * warm-up runs then timed runs back to back. Between runs the previous result is dropped and the heap
 * collected (`gc()`, untimed), so that each run starts from the same heap, as a command's one run does.
 * The report carries the CPU time per run.
 *
 * The input asks for the pod list (`includePods` is not false), and the timed run reads it: the result
 * makes its `pods` on their first read (src/simulator/pod-list.ts), and a caller who asks for the list
 * reads it, so the figure includes making it, as it did before the list became lazy. A caller who wants
 * usage and findings only sets `includePods: false` (the day-2 cases do).
 */
import { benchInput } from "../simulator";
import { args, compiled, report, timeRuns } from "./common";

const { mode, warmup, runs } = args();
const podsPerNode = Number(mode);
const { simulateAllocation } = compiled<typeof import("../../src/simulator")>("simulator");
const input = benchInput(podsPerNode);
const gc = (globalThis as { gc?: () => void }).gc;
const { times, cpuTimes, last } = timeRuns(
  warmup,
  runs,
  () => {
    const result = simulateAllocation(input);
    if (result.pods.length !== result.summary.pods) throw new Error(`the pod list holds ${result.pods.length} pods of ${result.summary.pods}`);
    return result;
  },
  gc,
);
const s = last.summary;
report(times, [`pods allocated ${s.podsAllocated}, failed ${s.podsFailed}`], s.podsAllocated, { cpuTimes });
