/**
 * The benchmark: `npm run bench` (every case), `npm run bench -- carve-v4 cli` (the cases whose id
 * contains one of the words), `--strict` (exit 1 when a target is missed). Never part of `npm test`.
 *
 * Cases are registered from the files in ./cases (see ./registry.ts for how to add one). For every
 * case, every side (ours and each peer) runs in its own process with the same warm-up and the same
 * number of timed runs; the sides run one after the other, `pairs` times, alternating which goes
 * first, and the ratio of each peer to ours is taken per pair. Every side runs the whole workload:
 * where a peer is too slow for it, the case itself is smaller, for every side alike. Nothing is
 * extrapolated.
 *
 * Printed per case: each side's median time over all its timed runs (min–max), its peak RSS, whether
 * its answer is the same as ours (sha256 of a canonical text of the answer), each peer's paired
 * ratio (median over pairs, min–max), and each target with "met" or "MISSED".
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { mkdtempSync, readdirSync, rmSync } from "fs";
import { cpus, tmpdir } from "os";
import { join } from "path";
import { formatHost, measureHost, pinnableCpus, pinned } from "./host";
import { BenchCase, ROOT, Side, SideReport, Target, buildWorkers, registeredBenches } from "./registry";

/** One process of one side. */
interface SideRun {
  /** The CPU it was pinned to, if any. */
  readonly cpu?: number;
  readonly times: readonly number[];
  readonly rssMb: number;
  readonly digest: string;
  readonly count: number;
  readonly cpuTimes?: readonly number[];
  readonly heapMb?: number;
}

/** Every process of one side, in pair order. */
interface SideResult {
  readonly side: Side;
  readonly runs: SideRun[];
  skipped?: string;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const min = (xs: readonly number[]) => Math.min(...xs);
const max = (xs: readonly number[]) => Math.max(...xs);

const hasPython = spawnSync("python3", ["--version"]).status === 0;

/** Runs one process of a side (on CPU `cpu` only, when given) and returns its timed runs. */
function runSide(side: Side, dir: string, warmup: number, runs: number, cpu: number | undefined): SideRun {
  const [exe, ...args] = pinned(cpu, side.command(dir, warmup, runs));
  const options = { cwd: side.cwd ?? ROOT, encoding: "utf8" as const, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CHECKPOINT_DISABLE: "1" } };
  if (side.timing === "whole-process") {
    const times: number[] = [];
    let digest = "";
    for (let i = 0; i < warmup + runs; i++) {
      const start = performance.now();
      const r = spawnSync(exe, args, options);
      const ms = performance.now() - start;
      if (r.status !== 0 && r.status !== 1) throw new Error(`${side.label}: ${[exe, ...args].join(" ")} exited with ${r.status}: ${r.stderr}`);
      if (i >= warmup) times.push(ms);
      digest = side.noAnswer ? "" : createHash("sha256").update(r.stdout).digest("hex");
    }
    // Node.js cannot read a child's peak RSS; whole-process sides print none.
    return { cpu, times, rssMb: Number.NaN, digest, count: 1 };
  }
  const r = spawnSync(exe, args, options);
  if (r.status !== 0) throw new Error(`${side.label}: ${[exe, ...args].join(" ")} exited with ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout.trim().split("\n").pop()!) as SideReport;
  return { cpu, times: report.times, rssMb: report.rssMb, digest: side.noAnswer ? "" : report.digest, count: report.count, cpuTimes: report.cpuTimes, heapMb: report.heapMb };
}

/** A side is Python's when its command starts with python3. */
const isPython = (side: Side) => side.command("", 0, 0)[0] === "python3";

function runCase(c: BenchCase, dir: string): SideResult[] {
  c.prepare?.(dir);
  const sides: SideResult[] = [c.project, ...c.peers].map((side) => ({ side, runs: [] }));
  for (const s of sides) if (isPython(s.side) && !hasPython) s.skipped = "python3 not found";
  for (let p = 0; p < c.pairs; p++) {
    const order = p % 2 === 0 ? sides : [...sides].reverse();
    const cpu = pairCpu(c, p);
    for (const s of order) {
      if (s.skipped) continue;
      if (process.stderr.isTTY) process.stderr.write(`  ${c.id}: pair ${p + 1}/${c.pairs}${cpu === undefined ? "" : ` (CPU ${cpu})`}: ${s.side.label} ...\n`);
      s.runs.push(runSide(s.side, dir, c.warmup, c.runs, cpu));
    }
  }
  return sides;
}

/** The CPU both sides of pair `p` run on: CPU p mod n for a case with `pinPairs` where CPUs can be named. */
function pairCpu(c: BenchCase, p: number): number | undefined {
  const cpus = c.pinPairs ? pinnableCpus() : [];
  return cpus.length > 0 ? cpus[p % cpus.length] : undefined;
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const fmtMb = (mb: number) => (Number.isNaN(mb) ? "n/a" : `${mb.toFixed(0)} MB`);
const fmtRatio = (r: number) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2));

/** Per pair: the peer's median over the ours' median of the same pair. */
function pairedRatios(ours: SideResult, peer: SideResult): number[] {
  return peer.runs.map((r, i) => median(r.times) / median(ours.runs[i].times));
}

function targetLine(t: Target, ours: SideResult, peers: readonly SideResult[]): { text: string; met: boolean | undefined } {
  const all = ours.runs.flatMap((r) => r.times);
  switch (t.kind) {
    case "time": {
      const m = median(all);
      return { text: `ours ≤ ${fmtMs(t.atMostMs)} (median ${fmtMs(m)})`, met: m <= t.atMostMs };
    }
    case "rss": {
      const m = max(ours.runs.map((r) => r.rssMb));
      return { text: `ours' peak RSS ≤ ${t.atMostMb} MB (${m.toFixed(0)} MB)`, met: m <= t.atMostMb };
    }
    case "heap": {
      const heaps = ours.runs.map((r) => r.heapMb);
      if (heaps.some((h) => h === undefined)) throw new Error("a heap target needs a worker that reports heapMb");
      const m = max(heaps as number[]);
      return { text: `ours' heap ≤ ${t.atMostMb} MB (${m.toFixed(0)} MB)`, met: m <= t.atMostMb };
    }
    case "speedup":
    case "slowdown": {
      const peer = peers.find((p) => p.side.label === t.peer);
      if (!peer) throw new Error(`target names an unknown peer "${t.peer}"`);
      if (peer.skipped) return { text: `${t.peer}: not measured (${peer.skipped})`, met: undefined };
      const ratio = median(pairedRatios(ours, peer));
      return t.kind === "speedup"
        ? { text: `ours ≥ ${t.atLeast}× faster than ${t.peer} (paired median ${fmtRatio(ratio)}×)`, met: ratio >= t.atLeast }
        : { text: `ours ≤ ${t.atMost}× the time of ${t.peer} (paired median ${fmtRatio(1 / ratio)}×)`, met: 1 / ratio <= t.atMost };
    }
  }
}

function printCase(c: BenchCase, sides: readonly SideResult[], missed: string[]): void {
  const [ours, ...peers] = sides;
  console.log(`[${c.id}] ${c.title}`);
  const cpuOfPair = Array.from({ length: c.pairs }, (_, p) => pairCpu(c, p));
  const pinning = cpuOfPair[0] === undefined ? "" : `; each pair on one CPU (pairs on CPU ${cpuOfPair.join(", ")})`;
  console.log(`  every side: ${c.warmup} warm-up + ${c.runs} timed run(s) per process, ${c.pairs} process(es), alternating${pinning}`);
  const rows: string[][] = [["side", "median (min–max)", "peak RSS", "same answer", "paired: peer ÷ ours, median (min–max)"]];
  for (const s of sides) {
    if (s.skipped) {
      rows.push([s.side.label, `skipped: ${s.skipped}`, "", "", ""]);
      continue;
    }
    const all = s.runs.flatMap((r) => r.times);
    const digests = new Set(s.runs.map((r) => r.digest));
    const same =
      s === ours ? (digests.size === 1 ? "(ours)" : "ours differs between runs") : s.side.noAnswer || ours.side.noAnswer ? "n/a" : digests.size === 1 && digests.has(ours.runs[0].digest) ? "yes" : "NO";
    if (same === "NO" || same === "ours differs between runs") missed.push(`${c.id}: ${s.side.label}: ${same === "NO" ? "a different answer" : same}`);
    let paired = "";
    if (s !== ours) {
      const ratios = pairedRatios(ours, s);
      paired = `${fmtRatio(median(ratios))}× (${fmtRatio(min(ratios))}–${fmtRatio(max(ratios))})`;
    }
    rows.push([s.side.label, `${fmtMs(median(all))} (${fmtMs(min(all))}–${fmtMs(max(all))})`, fmtMb(max(s.runs.map((r) => r.rssMb))), same, paired]);
  }
  printTable(rows);
  // Where a worker measures them: CPU time beside the wall time (on a shared machine the wall clock also
  // measures the neighbours) and the heap its answer holds.
  for (const s of sides) {
    const cpu = s.runs.flatMap((r) => r.cpuTimes ?? []);
    const heaps = s.runs.flatMap((r) => (r.heapMb === undefined ? [] : [r.heapMb]));
    const parts = [
      ...(cpu.length > 0 ? [`CPU median ${fmtMs(median(cpu))} (${fmtMs(min(cpu))}–${fmtMs(max(cpu))})`] : []),
      ...(heaps.length > 0 ? [`heap ${fmtMb(max(heaps))}`] : []),
    ];
    if (parts.length > 0 && !s.skipped) console.log(`  ${s.side.label}: ${parts.join(", ")}`);
  }
  // Pinned pairs: ours' median on each CPU, so that a CPU the host slowed shows.
  if (cpuOfPair[0] !== undefined && !ours.skipped) {
    const byCpu = [...new Set(cpuOfPair as number[])].sort((a, b) => a - b).map((cpu) => {
      const times = ours.runs.filter((r) => r.cpu === cpu).flatMap((r) => r.times);
      return `CPU ${cpu} ${fmtMs(median(times))}`;
    });
    console.log(`  ${ours.side.label}: median by CPU: ${byCpu.join(", ")}`);
  }
  for (const t of c.targets ?? []) {
    const { text, met } = targetLine(t, ours, peers);
    const verdict = met === undefined ? "not measured" : met ? "met" : "MISSED";
    if (met === false) missed.push(`${c.id}: ${text}`);
    console.log(`  target: ${text}: ${verdict}`);
  }
  if ((c.targets ?? []).length === 0) console.log("  target: none");
  for (const n of c.notes ?? []) console.log(`  note: ${n}`);
  console.log("");
}

function printTable(rows: readonly string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`  ${r.map((cell, i) => cell.padEnd(widths[i])).join(" | ").trimEnd()}`);
}

function loadCases(): readonly BenchCase[] {
  const folder = join(__dirname, "cases");
  // A case file registers its cases when loaded; require keeps them in this process's registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".ts")).sort()) require(join(folder, file));
  return registeredBenches();
}

/** Benchmarks that run their own processes and print their own rows; every benchmark is a registered case now. */
const STANDALONE: ReadonlyArray<{ id: string; run: () => Promise<ReadonlyArray<{ workload: string; pass: boolean; medianMs: number; target: string; peakMb?: number; note?: string }>> }> = [];

async function main(): Promise<void> {
  const words = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const strict = process.argv.includes("--strict");
  const cases = loadCases().filter((c) => words.length === 0 || words.some((w) => c.id.includes(w)));
  const standalones = STANDALONE.filter((s) => words.length === 0 || words.some((w) => s.id.includes(w)));
  if (cases.length === 0 && standalones.length === 0) {
    throw new Error(`no bench case matches ${words.join(", ")}; ids: ${[...registeredBenches().map((c) => c.id), ...STANDALONE.map((s) => s.id)].join(", ")}`);
  }
  const started = performance.now();
  const missed: string[] = [];
  await buildWorkers();
  console.log(`calico-ipam benchmark: node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? "unknown"}), python3 ${hasPython ? "found" : "not found"}`);
  console.log(formatHost("at start", await measureHost()));
  console.log("");
  for (const c of cases) {
    const reason = c.skip?.();
    if (reason !== undefined) {
      console.log(`SKIP  [${c.id}] ${c.title}: ${reason}`);
      console.log("");
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), `calico-ipam-bench-${c.id}-`));
    try {
      printCase(c, runCase(c, dir), missed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Benchmarks that run their own processes and print their own rows (each file's header says how).
  for (const standalone of standalones) {
    try {
      for (const r of await standalone.run()) {
        console.log(`${r.pass ? "met   " : "MISSED"}  ${r.workload}: median ${r.medianMs} ms${"peakMb" in r && r.peakMb ? `, peak RSS ${r.peakMb} MB` : ""} (target ${r.target}${"note" in r && r.note ? `; ${r.note}` : ""})`);
        if (!r.pass) missed.push(r.workload);
      }
    } catch (e) {
      console.log(`MISSED  ${standalone.id} benchmark did not run: ${(e as Error).message}`);
      missed.push(`${standalone.id} benchmark`);
    }
  }
  console.log(formatHost("at the end", await measureHost()));
  console.log(`Whole benchmark: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  console.log(missed.length === 0 ? "Every target met; every side computed the same answer." : `MISSED: ${missed.join("; ")}`);
  if (missed.length > 0 && strict) process.exitCode = 1;
}

void main();
