/**
 * Reading a cluster dump (issue 12), in process, from the compiled `lib/`. Arguments: the case's folder,
 * mode, warm-up, runs. One run per process is what a user runs. The report carries the CPU time of each
 * timed run (user + system, all threads).
 * - mode `inspect`: `readDumpFiles` + `buildInspectReport` + the text (`--show-blocks`) and JSON renderings of
 *   the dump `bench/inspect-dump.ts` wrote; the answer is the report's counts.
 * - mode `pods` / `pods-parser`: `readDumpFiles` of the pods file `bench/pods-dump.ts` wrote, as the reader
 *   reads pods, or with every object read by the JSON parser (`fastDecode: false`); the answer is the pods'
 *   names, nodes and addresses.
 */
import { join } from "path";
import { DUMP_FILES } from "../inspect-dump";
import { PODS_FILE } from "../pods-dump";
import { args, compiled, report, timeRuns } from "./common";

const live = compiled<typeof import("../../src/live")>("live");
const { file: dir, mode, warmup, runs } = args();
const cpu: number[] = [];
let run = 0;
/** Times `work` as every side's runs are timed, with the CPU time of each timed run. */
function timed<T>(work: () => T): T {
  const { times, last } = timeRuns(warmup, runs, () => {
    const c0 = process.cpuUsage();
    const out = work();
    const c = process.cpuUsage(c0);
    if (run++ >= warmup) cpu.push((c.user + c.system) / 1000);
    return out;
  });
  lastTimes = times;
  return last;
}
let lastTimes: readonly number[] = [];

if (mode === "pods" || mode === "pods-parser") {
  const file = join(dir, PODS_FILE);
  const dump = timed(() => live.readDumpFiles([file], mode === "pods" ? {} : { fastDecode: false }));
  const pods = dump.pods ?? [];
  report(
    lastTimes,
    pods.map((p) => `${p.namespace}/${p.name} ${p.node ?? "-"} ${p.ips.join(",")} ${p.hostNetwork} ${p.finished}`),
    pods.length,
    { cpuTimes: cpu },
  );
} else {
  const files = DUMP_FILES.map((f) => join(dir, f));
  const last = timed(() => {
    const r = live.buildInspectReport(live.readDumpFiles(files));
    const size = live.renderInspectText(r, { showBlocks: true }).length + JSON.stringify(r).length;
    return { r, size };
  });
  const c = last.r.checks;
  if (last.r.summary.errors > 0) throw new Error(`inspect bench: ${last.r.summary.errors} errors: ${last.r.findings[0]?.message}`);
  report(lastTimes, [`blocks ${c.blocks}`, `allocations ${c.allocations}`, `handles ${c.handles}`, `with addresses ${c.handlesWithAddresses}`, `problems ${c.problems}`, `warnings ${last.r.summary.warnings}`], c.allocations, { cpuTimes: cpu });
}
