/**
 * The state of the host while the benchmark runs, printed before the first case and after the last
 * one: a run's figures are read against it. Two things move every time in this benchmark and change
 * from hour to hour on a shared or virtual machine:
 *
 * - **CPU speed**: a fixed integer loop in a fresh Node.js process (the same instructions every time).
 * - **The cost of a page fault**: the first write to each 4 KiB page of fresh memory, less a second
 *   write to the same pages, per page. On a bare machine this is well under 1 µs; in a virtual
 *   machine that hands freed memory back to its host it can be 10 µs or more, and then every fresh
 *   page a run takes (a young-generation collection promoting into new old-space pages, a growing
 *   array, a read buffer) costs that much system time.
 *
 * Nothing here is a target: it only says what the machine was like.
 */
import { spawnSync } from "child_process";
import { loadavg } from "os";

/** What {@link measureHost} reports. */
export interface HostState {
  /** Median wall time of a fixed integer loop of 10⁸ steps, in ms (lower is faster). */
  readonly cpuLoopMs: number;
  /** Median cost of the first write to a fresh 4 KiB page, less a second write, in µs. */
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

/** Measures the host in a fresh Node.js process (about half a second). */
export function measureHost(): HostState {
  const r = spawnSync(process.execPath, ["-e", PROGRAM], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`measuring the host failed (${String(r.status)}): ${r.stderr}`);
  const { cpuLoopMs, pageFaultUs } = JSON.parse(r.stdout) as { cpuLoopMs: number; pageFaultUs: number };
  return { cpuLoopMs, pageFaultUs, load1: loadavg()[0] };
}

/**
 * One line for the benchmark's output, e.g. `host at start: CPU loop 152 ms (10⁸ integer steps; lower is
 * faster), first touch of fresh memory 9.8 µs a 4 KiB page, load average 0.12`.
 */
export function formatHost(when: string, h: HostState): string {
  return `host ${when}: CPU loop ${h.cpuLoopMs.toFixed(0)} ms (10⁸ integer steps; lower is faster), first touch of fresh memory ${h.pageFaultUs.toFixed(1)} µs a 4 KiB page, load average ${h.load1.toFixed(2)}`;
}
