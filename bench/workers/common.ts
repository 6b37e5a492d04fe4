/** Shared by the TypeScript workers: reading a workload, timing, and the report the runner reads. */
import { createHash } from "crypto";
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import type { SideReport } from "../registry";
import type { Workload } from "../workloads";

/** Worker arguments: input file, mode, warm-up runs, timed runs. */
export function args(): { file: string; mode: string; warmup: number; runs: number } {
  const [file, mode, warmup, runs] = process.argv.slice(2);
  return { file, mode, warmup: Number(warmup), runs: Number(runs) };
}

/**
 * The repository root: the nearest folder up from this code with a package.json (this code runs from
 * bench/workers under tsx in the tests, and from bench/out/workers as the benchmark's compiled worker).
 */
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/**
 * A module of the compiled package (`lib/<module>`, which `npm run bench` builds), typed by the caller as
 * its source module: `compiled<typeof import("../../src/carver")>("carver")`. Timing the compiled code
 * measures what users run; the TypeScript loader (tsx) wraps every function it creates with a naming
 * helper, which costs a call per closure in a hot loop.
 */
export function compiled<T>(module: string): T {
  const file = join(ROOT, "lib", module);
  if (!existsSync(`${file}.js`) && !existsSync(join(file, "index.js"))) throw new Error(`lib/${module} is missing: run npm run build (npm run bench does)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

/** Reads a workload file written by a case's `prepare`. */
export function readWorkload(file: string): Workload {
  return JSON.parse(readFileSync(file, "utf8")) as Workload;
}

/**
 * Runs `fn` warmup + runs times and returns the timed durations, the CPU time of each timed run (user +
 * system of every thread of the process: the garbage collector's helper threads count) and the last answer.
 * On a shared machine the CPU time says what a run cost when the wall-clock time also holds waits for a core.
 * With `before`, each run starts after it, untimed, with the previous answer dropped (a case that measures
 * one run's peak memory collects garbage there).
 */
export function timeRuns<T>(warmup: number, runs: number, fn: () => T, before?: () => void): { times: number[]; cpuTimes: number[]; last: T } {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < warmup + runs; i++) {
    if (before) {
      last = undefined; // the previous answer is not held through the next run
      before();
    }
    const cpu = process.cpuUsage();
    const start = performance.now();
    last = fn();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (i >= warmup) {
      times.push(ms);
      cpuTimes.push((used.user + used.system) / 1000);
    }
  }
  return { times, cpuTimes, last: last as T };
}

/** sha256 of the lines, each followed by a newline, as the Python peers compute it. */
export function digest(lines: readonly string[]): string {
  const hash = createHash("sha256");
  for (const line of lines) hash.update(`${line}\n`);
  return hash.digest("hex");
}

/** Prints the report as the last line of standard output, for the runner (`extra`: CPU times, heap). */
export function report(times: readonly number[], lines: readonly string[], count: number, extra: Pick<SideReport, "cpuTimes" | "heapMb"> = {}): void {
  const r: SideReport = { times, rssMb: process.resourceUsage().maxRSS / 1024, digest: digest(lines), count, ...extra };
  console.log(JSON.stringify(r));
}

/** Code-unit order, as Python's sorted() orders ASCII names. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical answer of a carve: "name cidr" lines sorted by name. */
export function carveLines(pools: Iterable<readonly [string, string]>): string[] {
  return [...pools].sort((a, b) => byCodeUnit(a[0], b[0])).map(([name, cidr]) => `${name} ${cidr}`);
}
