/** The allocation simulator on the benchmark cluster of ../simulator.ts: mode = pods per node. */
import { simulateAllocation } from "../../src/simulator";
import { benchInput } from "../simulator";
import { args, report, timeRuns } from "./common";

const { mode, warmup, runs } = args();
const podsPerNode = Number(mode);
const input = benchInput(podsPerNode);
const gc = (globalThis as { gc?: () => void }).gc;
const { times, last } = timeRuns(warmup, runs, () => {
  gc?.();
  return simulateAllocation(input);
});
const s = last.summary;
report(times, [`pods allocated ${s.podsAllocated}, failed ${s.podsFailed}`], s.podsAllocated);
