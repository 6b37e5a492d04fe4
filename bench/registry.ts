/**
 * The benchmark's registry: every workload is a {@link BenchCase}, registered from a file in
 * `bench/cases/` (run.ts loads every `*.ts` file there, in name order). To add a workload, add a file
 * there that calls {@link registerBench}; nothing else needs to change.
 *
 * A case has one side of ours (`project`) and any number of `peers`. Every side runs in its own
 * process, with the case's warm-up and number of timed runs, the same for every side; the sides run
 * one after the other `pairs` times (alternating which goes first), and every peer's ratio to ours is
 * taken per pair, so that a slow moment of the machine hits both sides of a ratio alike (and, with
 * `pinPairs`, a slowed CPU too).
 */
import { existsSync, readdirSync, rmSync } from "fs";
import { isAbsolute, join, relative, resolve } from "path";
import { type Plugin, build } from "esbuild";

/** What a side's process prints as the last line of its standard output (JSON). */
export interface SideReport {
  /** The timed runs, in milliseconds (warm-up runs excluded). */
  readonly times: readonly number[];
  /** Peak resident set size of the process, in MB (getrusage maxrss), runtime included. */
  readonly rssMb: number;
  /**
   * sha256 of the answer in a canonical text form: every side of a case that computes the same
   * answer prints the same digest. Empty when a side has no answer to compare (e.g. a runtime floor).
   */
  readonly digest: string;
  /** Number of answers (pools carved, overlapping pairs found). */
  readonly count: number;
  /** CPU time of each timed run (user + system, every thread of the process), in ms, when measured. */
  readonly cpuTimes?: readonly number[];
  /** Heap one answer holds, in MB, when measured (see the worker). */
  readonly heapMb?: number;
}

/** One side of a case: how to start its process. */
export interface Side {
  /** e.g. "ours: carve()" or "Python ipaddress, same algorithm". */
  readonly label: string;
  /**
   * The command (executable first) that starts the process, given the case's folder (where
   * `prepare` wrote its input), the warm-up and the number of timed runs. For an in-process side, the
   * process times its own runs and prints a {@link SideReport}.
   */
  readonly command: (dir: string, warmup: number, runs: number) => readonly string[];
  /**
   * `whole-process`: the runner times the whole process (start to exit) itself, `warmup + runs`
   * times, and the digest is the sha256 of its standard output. Default `in-process`.
   */
  readonly timing?: "in-process" | "whole-process";
  /** Working directory of the process. @default the repository root */
  readonly cwd?: string;
  /** Set when this side computes no comparable answer (a runtime floor, a different operation). */
  readonly noAnswer?: boolean;
}

/** A target printed with the case, met or MISSED. */
export type Target =
  /** Ours' median time (over all timed runs of all pairs) at most this. */
  | { readonly kind: "time"; readonly atMostMs: number }
  /** Ours' peak RSS (the largest of its processes) at most this. */
  | { readonly kind: "rss"; readonly atMostMb: number }
  /** The heap ours' answer holds (the largest over its processes; the worker measures it) at most this. */
  | { readonly kind: "heap"; readonly atMostMb: number }
  /** The median paired ratio peer ÷ ours at least this: ours is that many times faster. */
  | { readonly kind: "speedup"; readonly peer: string; readonly atLeast: number }
  /** The median paired ratio ours ÷ peer at most this: ours costs at most that many times the peer. */
  | { readonly kind: "slowdown"; readonly peer: string; readonly atMost: number };

/** One workload. */
export interface BenchCase {
  /** Short id, used to pick cases: `npm run bench -- carve-v4`. */
  readonly id: string;
  /** What is measured, one line. */
  readonly title: string;
  readonly project: Side;
  readonly peers: readonly Side[];
  /** Warm-up runs per process, the same for every side. */
  readonly warmup: number;
  /** Timed runs per process, the same for every side. */
  readonly runs: number;
  /** How many times every side runs (alternately). */
  readonly pairs: number;
  /**
   * Runs both sides of pair p on one CPU, CPU p mod n (`taskset`; see `pinnableCpus` in ./host.ts), for a
   * case whose target is a paired ratio: a virtual machine's host can slow one CPU for minutes, and the
   * two sides of a pair, run up to a minute apart, could land one on each; pinned, each ratio compares
   * runs on the same CPU, and the pairs take the CPUs in turn. Only for sides of one thread of work
   * (Node.js's own helper threads share the CPU then). Not pinned where the CPUs cannot be named.
   * @default false
   */
  readonly pinPairs?: boolean;
  /** The targets of the issue that this case measures. @default none */
  readonly targets?: readonly Target[];
  /** Notes printed under the case (e.g. why the workload is smaller than another case's). */
  readonly notes?: readonly string[];
  /** Writes the case's input into `dir` before any side runs. */
  readonly prepare?: (dir: string) => void;
  /** Why the case cannot run on this machine (e.g. no Chromium), or `undefined` when it can. @default always runs */
  readonly skip?: () => string | undefined;
}

const CASES: BenchCase[] = [];

/** Registers a case; ids are unique. */
export function registerBench(c: BenchCase): void {
  if (CASES.some((x) => x.id === c.id)) throw new Error(`bench case "${c.id}" is registered twice`);
  CASES.push(c);
}

/** Every registered case, in registration order. */
export function registeredBenches(): readonly BenchCase[] {
  return CASES;
}

/** The repository root. */
export const ROOT = join(__dirname, "..");

/**
 * `node <worker.js> ...args`: a TypeScript worker of this folder (`bench/workers/<script>`), run as plain
 * JavaScript compiled by {@link buildWorkers}. No tsx loader in the process, so that what a side's
 * process measures, its peak RSS above all, is the product's and the runtime's (tsx's loader held about
 * 37 MB of the simulator case's 367 MB). Every worker of every side runs this way.
 */
export function tsWorker(script: string, ...args: string[]): string[] {
  return nodeWorker([], script, ...args);
}

/** {@link tsWorker} with flags for Node.js before the worker (`--expose-gc`). */
export function nodeWorker(nodeFlags: readonly string[], script: string, ...args: string[]): string[] {
  const out = join(WORKERS_OUT, script.replace(/\.ts$/, ".js"));
  if (!existsSync(out)) throw new Error(`${out} is missing: bench/run.ts builds the workers (buildWorkers) before it runs a case`);
  return [process.execPath, ...nodeFlags, out, ...args];
}

const WORKERS_OUT = join(ROOT, "bench", "out", "workers");

/**
 * A worker's (or a bench helper's) import of `src/…` is the compiled module `lib/…` at run time, not a
 * copy of the source in the worker's bundle: the product is loaded once, as users load it.
 */
const productFromLib: Plugin = {
  name: "product-from-lib",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const rel = relative(join(ROOT, "src"), resolve(args.resolveDir, args.path));
      return rel.startsWith("..") || isAbsolute(rel) ? undefined : { path: join(ROOT, "lib", rel), external: true };
    });
  },
};

/**
 * Compiles every worker of bench/workers to one plain JavaScript file each in bench/out/workers (esbuild:
 * the bench's own helpers bundled; packages and the compiled `lib/`, which `npm run bench` builds first,
 * loaded at run time). bench/run.ts calls it once before the first case.
 */
export async function buildWorkers(): Promise<void> {
  rmSync(WORKERS_OUT, { recursive: true, force: true });
  const folder = join(__dirname, "workers");
  const scripts = readdirSync(folder).filter((f) => f.endsWith(".ts") && f !== "common.ts");
  await Promise.all(
    scripts.map((script) =>
      build({
        entryPoints: [join(folder, script)],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        packages: "external",
        outfile: join(WORKERS_OUT, script.replace(/\.ts$/, ".js")),
        logLevel: "warning",
        plugins: [productFromLib],
      }),
    ),
  );
}

/** `python3 -B <bench/peers/script> ...args`: a Python peer of this folder. */
export function pythonPeer(script: string, ...args: string[]): string[] {
  return ["python3", "-B", join(__dirname, "peers", script), ...args];
}
