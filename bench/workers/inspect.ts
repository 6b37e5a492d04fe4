/**
 * Reading a cluster dump (issue 12), in process: `readDumpFiles` + `buildInspectReport` + the text
 * (`--show-blocks`) and JSON renderings, from the compiled `lib/`. Arguments: the dump's folder (written
 * by `bench/inspect-dump.ts`), mode (unused), warm-up, runs. One run per process is what a user runs.
 * The report carries the CPU time of each timed run (user + system, all threads); the answer is the
 * report's counts.
 */
import { join } from "path";
import { DUMP_FILES } from "../inspect-dump";
import { args, compiled, report, timeRuns } from "./common";

const live = compiled<typeof import("../../src/live")>("live");
const { file: dir, warmup, runs } = args();
const files = DUMP_FILES.map((f) => join(dir, f));
const cpu: number[] = [];
let run = 0;
const { times, last } = timeRuns(warmup, runs, () => {
  const c0 = process.cpuUsage();
  const r = live.buildInspectReport(live.readDumpFiles(files));
  const size = live.renderInspectText(r, { showBlocks: true }).length + JSON.stringify(r).length;
  const c = process.cpuUsage(c0);
  if (run++ >= warmup) cpu.push((c.user + c.system) / 1000);
  return { r, size };
});
const c = last.r.checks;
if (last.r.summary.errors > 0) throw new Error(`inspect bench: ${last.r.summary.errors} errors: ${last.r.findings[0]?.message}`);
report(times, [`blocks ${c.blocks}`, `allocations ${c.allocations}`, `handles ${c.handles}`, `with addresses ${c.handlesWithAddresses}`, `problems ${c.problems}`, `warnings ${last.r.summary.warnings}`], c.allocations, { cpuTimes: cpu });
