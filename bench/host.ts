/**
 * The state of the host while the benchmark runs, printed before the first case and after the last
 * one: a run's figures are read against it. Two things move every time in this benchmark and change
 * from hour to hour on a shared or virtual machine:
 *
 * - **CPU speed**: a fixed integer loop in a fresh Node.js process (the same instructions every time),
 *   on each CPU at once where the CPUs can be named (`taskset`, Linux): a virtual machine's host can slow
 *   one virtual CPU for minutes while the other runs at full speed (seen on this project's machine: one
 *   1.7× slower than the other, then both alike a minute later), and a process lands on either.
 * - **The cost of a page fault**: the first write to each 4 KiB page of fresh memory, less a second
 *   write to the same pages, per page. On a bare machine this is well under 1 µs; in a virtual
 *   machine that hands freed memory back to its host it can be 10 µs or more, and then every fresh
 *   page a run takes (a young-generation collection promoting into new old-space pages, a growing
 *   array, a read buffer) costs that much system time.
 *
 * Nothing here is a target: it only says what the machine was like.
 */
import { spawn, spawnSync } from "child_process";
import { cpus, loadavg } from "os";

/** What {@link measureHost} reports. */
export interface HostState {
  /**
   * Median wall time of a fixed integer loop of 10⁸ steps, in ms (lower is faster): on the fastest CPU
   * when {@link cpuLoopsMs} is measured.
   */
  readonly cpuLoopMs: number;
  /** The same loop on each CPU at once, by CPU number, when the CPUs can be named (see {@link pinnableCpus}). */
  readonly cpuLoopsMs?: readonly number[];
  /** Median cost of the first write to a fresh 4 KiB page, less a second write, in µs (the median over CPUs). */
  readonly pageFaultUs: number;
  /** The 1-minute load average when measured. */
  readonly load1: number;
}

/** Pages written per measure (64 MiB). */
const PAGES = 16_384;

/**
 * The child's program: three rounds of the loop and of a fresh 64 MiB buffer written twice, medians.
 * `Buffer.allocUnsafe` of this size maps fresh memory without touching it, so the first `fill` takes
 * the faults and the second does the same writes without them.
 */
const PROGRAM = `
const med = (xs) => xs.sort((a, b) => a - b)[1];
const loop = (n) => { let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) | 0; return s; };
const loops = [], faults = [];
let s = 0;
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  s ^= loop(1e8);
  loops.push(performance.now() - t);
  const b = Buffer.allocUnsafe(${PAGES} * 4096);
  t = performance.now(); b.fill(1); const first = performance.now() - t;
  t = performance.now(); b.fill(2); const again = performance.now() - t;
  faults.push(((first - again) * 1000) / ${PAGES});
}
process.stdout.write(JSON.stringify({ cpuLoopMs: med(loops), pageFaultUs: med(faults), s }));
`;

/** The loop and page-fault figures of one child process. */
interface Probe {
  readonly cpuLoopMs: number;
  readonly pageFaultUs: number;
}

/**
 * The CPUs a process can be pinned to, numbered 0 to n − 1: every CPU when `taskset` (util-linux) runs
 * and the machine has 2 to 8 of them, else none (one CPU: nothing to tell apart; more than 8: the
 * benchmark's processes are not pinned, see `BenchCase.pinPairs`). Computed once.
 */
export function pinnableCpus(): readonly number[] {
  if (pinnable === undefined) {
    const n = cpus().length;
    const taskset = process.platform === "linux" && n >= 2 && n <= 8 && spawnSync("taskset", ["-c", "0", process.execPath, "-e", "0"]).status === 0;
    pinnable = taskset ? Array.from({ length: n }, (_, i) => i) : [];
  }
  return pinnable;
}
let pinnable: readonly number[] | undefined;

/** `command` run on CPU `cpu` only (`taskset -c`), or as it is when `cpu` is undefined. */
export function pinned(cpu: number | undefined, command: readonly string[]): string[] {
  return cpu === undefined ? [...command] : ["taskset", "-c", String(cpu), ...command];
}

/** Runs the probe program in a fresh Node.js process (on CPU `cpu` when given). */
function probe(cpu: number | undefined): Promise<Probe> {
  const [exe, ...args] = pinned(cpu, [process.execPath, "-e", PROGRAM]);
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`measuring the host${cpu === undefined ? "" : ` on CPU ${cpu}`} failed (${String(code)}): ${err}`));
      const { cpuLoopMs, pageFaultUs } = JSON.parse(out) as Probe;
      resolve({ cpuLoopMs, pageFaultUs });
    });
  });
}

/**
 * Measures the host in fresh Node.js processes (about a second and a half): one per CPU, all at once,
 * each pinned to its CPU, where the CPUs can be named ({@link pinnableCpus}); else one process.
 */
export async function measureHost(): Promise<HostState> {
  const cpusToProbe = pinnableCpus();
  const probes = await Promise.all(cpusToProbe.length > 0 ? cpusToProbe.map((cpu) => probe(cpu)) : [probe(undefined)]);
  const loops = probes.map((p) => p.cpuLoopMs);
  const faults = probes.map((p) => p.pageFaultUs).sort((a, b) => a - b);
  return {
    cpuLoopMs: Math.min(...loops),
    ...(cpusToProbe.length > 0 ? { cpuLoopsMs: loops } : {}),
    pageFaultUs: faults[(faults.length - 1) >> 1],
    load1: loadavg()[0],
  };
}

/** A CPU this many times slower than the fastest is called out in the host line. */
export const SLOW_CPU_RATIO = 1.25;

/**
 * One line for the benchmark's output, e.g. `host at start: CPU loop 152 ms (10⁸ integer steps; lower is
 * faster), first touch of fresh memory 9.8 µs a 4 KiB page, load average 0.12`; with the loop on each CPU
 * when measured (`CPU loop 152 ms on the fastest CPU (CPU 0 152 ms, CPU 1 260 ms; …)`), and a CPU
 * {@link SLOW_CPU_RATIO} times slower than the fastest called out.
 */
export function formatHost(when: string, h: HostState): string {
  const loops = h.cpuLoopsMs;
  let cpu = `CPU loop ${h.cpuLoopMs.toFixed(0)} ms (10⁸ integer steps; lower is faster)`;
  if (loops !== undefined) {
    const each = loops.map((ms, i) => `CPU ${i} ${ms.toFixed(0)} ms`).join(", ");
    const fastest = loops.indexOf(Math.min(...loops));
    const slow = loops.map((ms, i) => ({ i, ratio: ms / h.cpuLoopMs })).filter((c) => c.ratio >= SLOW_CPU_RATIO);
    const callout =
      slow.length === 0 ? "" : `; SLOWED by the host: ${slow.map((c) => `CPU ${c.i} ${c.ratio.toFixed(2)}×`).join(", ")} the time of CPU ${fastest} (a process that runs there is slower)`;
    cpu = `CPU loop ${h.cpuLoopMs.toFixed(0)} ms on the fastest CPU (${each}; 10⁸ integer steps, lower is faster${callout})`;
  }
  return `host ${when}: ${cpu}, first touch of fresh memory ${h.pageFaultUs.toFixed(1)} µs a 4 KiB page, load average ${h.load1.toFixed(2)}`;
}
