/** Shared by the benchmark workers: reading a workload, timing, and reporting to the parent process. */
import { createHash } from "crypto";
import { readFileSync } from "fs";
import type { Workload } from "../workloads";

/** What a worker reports: the timed runs in milliseconds, its peak RSS, and a digest of its answer. */
export interface WorkerReport {
  readonly times: readonly number[];
  /** Peak resident set size of the worker process, in MB (getrusage maxrss), runtime included. */
  readonly rssMb: number;
  /** sha256 of the answer in a canonical text form, to check that every side computed the same thing. */
  readonly digest: string;
  /** Number of answers (pools carved, overlapping pairs found). */
  readonly count: number;
  /** Extra timings, e.g. the setup part of a run, in milliseconds (median). */
  readonly extra?: Readonly<Record<string, number>>;
}

/** Worker arguments: workload file, mode, warm-up runs, timed runs, fraction of the workload. */
export function args(): { workload: Workload; mode: string; warmup: number; runs: number; fraction: number } {
  const [file, mode, warmup, runs, fraction] = process.argv.slice(2);
  return {
    workload: JSON.parse(readFileSync(file, "utf8")) as Workload,
    mode,
    warmup: Number(warmup),
    runs: Number(runs),
    fraction: fraction === undefined ? 1 : Number(fraction),
  };
}

/** Runs `fn` warmup + runs times and returns the timed durations and the last answer. */
export function timeRuns<T>(warmup: number, runs: number, fn: () => T): { times: number[]; last: T } {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    last = fn();
    const ms = performance.now() - start;
    if (i >= warmup) times.push(ms);
  }
  return { times, last: last as T };
}

/** sha256 of the lines, each followed by a newline, as the Python peers compute it. */
export function digest(lines: readonly string[]): string {
  const hash = createHash("sha256");
  for (const line of lines) hash.update(`${line}\n`);
  return hash.digest("hex");
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Sends the report to the parent process (or prints it as JSON when run by hand). */
export function report(r: WorkerReport): void {
  if (process.send) process.send(r);
  else console.log(JSON.stringify(r));
}

/** Code-unit order, as Python's sorted() orders ASCII names. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
