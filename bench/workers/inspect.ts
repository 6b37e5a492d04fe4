/**
 * Reading a cluster dump (issue 12), in process: `readDumpFiles` + `buildInspectReport` + the text
 * (`--show-blocks`) and JSON renderings, from the compiled `lib/`. Arguments: the dump's folder (written
 * by `bench/inspect-dump.ts`), mode (unused), warm-up, runs. One run per process is what a user runs;
 * the answer is the report's counts. Prints the CPU time of the timed runs on standard error.
 */
import { join } from "path";
import { DUMP_FILES } from "../inspect-dump";
import { args, compiled, report, timeRuns } from "./common";

const live = compiled<typeof import("../../src/live")>("live");
const { file: dir, warmup, runs } = args();
const files = DUMP_FILES.map((f) => join(dir, f));
const cpu0 = process.cpuUsage();
const { times, last } = timeRuns(warmup, runs, () => {
  const r = live.buildInspectReport(live.readDumpFiles(files));
  const text = live.renderInspectText(r, { showBlocks: true });
  const json = JSON.stringify(r);
  return { r, size: text.length + json.length };
});
const cpu = process.cpuUsage(cpu0);
process.stderr.write(`inspect worker: CPU ${Math.round((cpu.user + cpu.system) / 1000 / (warmup + runs))} ms per run (user+system)\n`);
const c = last.r.checks;
if (last.r.summary.errors > 0) throw new Error(`inspect bench: ${last.r.summary.errors} errors: ${last.r.findings[0]?.message}`);
report(times, [`blocks ${c.blocks}`, `allocations ${c.allocations}`, `handles ${c.handles}`, `with addresses ${c.handlesWithAddresses}`, `problems ${c.problems}`, `warnings ${last.r.summary.warnings}`], c.allocations);
