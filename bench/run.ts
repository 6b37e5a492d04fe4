/**
 * Benchmark of the carver and the overlap check against peers: `npx tsx bench/run.ts [--strict]`
 * (`npm run bench`). Never part of `npm test`.
 *
 * Workloads (seeded, identical on every machine; see ./workloads.ts):
 *   (a) carve 10,000 IPv4 pools of /20–/26 out of 10.0.0.0/8 around 1,000 reservations;
 *   (b) overlap check over 100,000 CIDRs of both families (1,000 of them overlapping);
 *   (c) carve 10,000 IPv6 pools of /56–/64 out of fd00:10::/32 around 100 reserved /48s;
 *   plus, without target: (a) again as a second run that reads its ledger and keeps every pool;
 *   and the allocation simulator's own workloads and targets (./simulator.ts, another module's bench).
 *
 * Every implementation runs in its own process and reads the same input from a temporary JSON file:
 *   - ours: `carve()` end to end (request checks, explanations, ledger, diff), the carver's
 *     allocation core alone (the same work the peers do), and `findOverlaps` from src/ip;
 *   - Python's ipaddress (bench/peers/*.py): the same algorithms (buddy free list, sorted sweep), and
 *     for (a) also the straightforward best fit that scans every free network per request;
 *   - ip-num 1.6.2 used directly, same algorithms (bench/workers/ipnum.ts).
 * Every side prints a sha256 of its answer; the table says whether all answers are identical.
 *
 * Time: median of the timed runs after warm-up runs. Memory: peak RSS (getrusage maxrss) of a
 * separate process that does one run, so the number is the cost of one run and not of the garbage
 * of many; the runtime's own baseline is printed below the table. Slow peers get fewer runs; a peer
 * estimated above ~30 s per run runs on a fraction of the workload and is scaled (marked "~").
 *
 * Exit code: 0, or 1 on any FAIL when run with --strict.
 */
import { ChildProcess, fork, spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { cpus, tmpdir } from "os";
import { join } from "path";
import { runFleetBench } from "./fleet";
import { runPicturesBench } from "./pictures";
import { runSimulatorBench } from "./simulator";
import { runTimelineBench } from "./timeline";
import type { WorkerReport } from "./workers/common";
import { Workload, ipv4Carve, ipv6Carve, overlapCheck } from "./workloads";

const STRICT = process.argv.includes("--strict");
const PEER_BUDGET_MS = 30_000;
const RSS_TARGET_MB = 200;
const SPEEDUP_TARGET = 10;

type Side = "ours" | "python" | "ipnum";

interface Job {
  readonly label: string;
  readonly side: Side;
  readonly mode: string;
  readonly warmup: number;
  readonly runs: number;
  /** For peers: try a small fraction first, and use a fraction when a full run would exceed the budget. */
  readonly calibrate?: boolean;
  /** Also measure peak RSS of one run in a fresh process. */
  readonly memory?: boolean;
  /** How a fractional measurement scales: linear in requests after the setup, or n·log n. */
  readonly scaling?: "linear-after-setup" | "n-log-n";
}

interface Measured {
  readonly job: Job;
  readonly medianMs: number;
  readonly runs: number;
  readonly rssMb: number;
  readonly digest: string;
  readonly count: number;
  readonly fraction: number;
  readonly note?: string;
}

interface Bench {
  readonly id: string;
  readonly title: string;
  readonly workload: Workload;
  /** The time target for the row of ours that carries it. */
  readonly targetMs?: number;
  readonly targetJob?: string;
  /** The row of ours that the peers are compared with (same work). */
  readonly baseJob: string;
  readonly jobs: readonly Job[];
}

const BENCHES: readonly Bench[] = [
  {
    id: "a",
    title: "(a) carve 10,000 IPv4 pools /20–/26 out of 10.0.0.0/8 around 1,000 reservations",
    workload: ipv4Carve(),
    targetMs: 100,
    targetJob: "ours: carve() end to end",
    baseJob: "ours: allocation core (same work as peers)",
    jobs: [
      { label: "ours: carve() end to end", side: "ours", mode: "carve", warmup: 20, runs: 25, memory: true },
      { label: "ours: allocation core (same work as peers)", side: "ours", mode: "core", warmup: 30, runs: 25, memory: true },
      { label: "Python ipaddress, same algorithm", side: "python", mode: "carve", warmup: 1, runs: 5, calibrate: true, scaling: "linear-after-setup" },
      { label: "Python ipaddress, scan-per-request best fit", side: "python", mode: "naive", warmup: 0, runs: 1, calibrate: true, scaling: "linear-after-setup" },
      { label: "ip-num 1.6.2, same algorithm", side: "ipnum", mode: "carve", warmup: 0, runs: 3, calibrate: true, scaling: "linear-after-setup" },
    ],
  },
  {
    id: "a2",
    title: "(a) again, second run: parse the 10,000-pool ledger, keep every pool (no target)",
    workload: ipv4Carve(),
    baseJob: "ours: parseLedger + carve()",
    jobs: [{ label: "ours: parseLedger + carve()", side: "ours", mode: "rerun", warmup: 10, runs: 10, memory: true }],
  },
  {
    id: "b",
    title: "(b) overlap check over 100,000 CIDRs (IPv4 and IPv6, 1,000 overlapping)",
    workload: overlapCheck(),
    targetMs: 50,
    targetJob: "ours: findOverlaps (src/ip)",
    baseJob: "ours: findOverlaps (src/ip)",
    jobs: [
      { label: "ours: findOverlaps (src/ip)", side: "ours", mode: "overlaps", warmup: 10, runs: 25, memory: true },
      { label: "Python ipaddress, sorted sweep", side: "python", mode: "overlaps", warmup: 1, runs: 3, calibrate: true, scaling: "n-log-n" },
      { label: "ip-num 1.6.2, sorted sweep", side: "ipnum", mode: "overlaps", warmup: 0, runs: 1, calibrate: true, scaling: "n-log-n" },
    ],
  },
  {
    id: "c",
    title: "(c) carve 10,000 IPv6 pools /56–/64 out of fd00:10::/32 around 100 reserved /48s",
    workload: ipv6Carve(),
    targetMs: 150,
    targetJob: "ours: carve() end to end",
    baseJob: "ours: allocation core (same work as peers)",
    jobs: [
      { label: "ours: carve() end to end", side: "ours", mode: "carve", warmup: 20, runs: 25, memory: true },
      { label: "ours: allocation core (same work as peers)", side: "ours", mode: "core", warmup: 30, runs: 25, memory: true },
      { label: "Python ipaddress, same algorithm", side: "python", mode: "carve", warmup: 1, runs: 5, calibrate: true, scaling: "linear-after-setup" },
      { label: "ip-num 1.6.2, same algorithm", side: "ipnum", mode: "carve", warmup: 0, runs: 3, calibrate: true, scaling: "linear-after-setup" },
    ],
  },
];

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const hasPython = spawnSync("python3", ["--version"]).status === 0;

function runWorker(side: Side, file: string, mode: string, warmup: number, runs: number, fraction: number): Promise<WorkerReport> {
  const argv = [file, mode, String(warmup), String(runs), String(fraction)];
  if (side === "python") {
    const script = join(__dirname, "peers", mode === "overlaps" ? "overlaps.py" : "carve.py");
    const r = spawnSync("python3", ["-B", script, ...argv], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) return Promise.reject(new Error(`python3 ${script} failed: ${r.stderr}`));
    return Promise.resolve(JSON.parse(r.stdout.trim().split("\n").pop()!) as WorkerReport);
  }
  const script = join(__dirname, "workers", side === "ours" ? "ours.ts" : "ipnum.ts");
  return new Promise((resolve, reject) => {
    // fork() passes this process's execArgv on, so the child loads TypeScript the same way (tsx).
    const child: ChildProcess = fork(script, argv, { stdio: ["ignore", "inherit", "pipe", "ipc"] });
    let stderr = "";
    let result: WorkerReport | undefined;
    child.stderr?.on("data", (d) => (stderr += String(d)));
    child.on("message", (m) => (result = m as WorkerReport));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${script} ${mode} exited with ${code}: ${stderr}`))));
  });
}

async function measure(job: Job, file: string, total: number): Promise<Measured> {
  let fraction = 1;
  let note: string | undefined;
  if (job.calibrate) {
    // One run on 5% to estimate a full run; keep the whole workload unless that exceeds the budget.
    const probe = await runWorker(job.side, file, job.mode, 0, 1, 0.05);
    const estimate = scale(job, probe.times[0], probe.extra?.setup ?? 0, 0.05, total);
    if (estimate > PEER_BUDGET_MS) {
      fraction = Math.max(0.01, Math.min(0.5, Math.floor((PEER_BUDGET_MS / 6 / estimate) * 100) / 100));
    }
  }
  const r = await runWorker(job.side, file, job.mode, job.warmup, job.runs, fraction);
  let medianMs = median(r.times);
  if (fraction < 1) {
    medianMs = scale(job, medianMs, r.extra?.setup ?? 0, fraction, total);
    note = `measured on ${Math.round(fraction * 100)}% (${Math.ceil(total * fraction).toLocaleString("en-US")} of ${total.toLocaleString("en-US")}), scaled ${job.scaling === "n-log-n" ? "by n·log n" : "linearly after setup"}`;
  }
  let rssMb = r.rssMb;
  if (job.memory) rssMb = (await runWorker(job.side, file, job.mode, 0, 1, 1)).rssMb;
  return { job, medianMs, runs: r.times.length, rssMb, digest: r.digest, count: r.count, fraction, note };
}

function scale(job: Job, ms: number, setupMs: number, fraction: number, total: number): number {
  if (fraction >= 1) return ms;
  if (job.scaling === "n-log-n") {
    const n = Math.ceil(total * fraction);
    return (ms * (total * Math.log2(total))) / (n * Math.log2(n));
  }
  return setupMs + (ms - setupMs) / fraction;
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "calico-ipam-bench-"));
  const failures: string[] = [];
  const rows: string[][] = [];
  const notes: string[] = [];
  const started = performance.now();
  try {
    for (const bench of BENCHES) {
      const file = join(dir, `${bench.id}.json`);
      writeFileSync(file, JSON.stringify(bench.workload));
      const total = bench.workload.kind === "carve" ? bench.workload.requests.length : bench.workload.cidrs.length;
      const results: Measured[] = [];
      for (const job of bench.jobs) {
        if (job.side === "python" && !hasPython) {
          notes.push(`${bench.id}: ${job.label} skipped: python3 not found`);
          continue;
        }
        if (process.stderr.isTTY) process.stderr.write(`  ${bench.id}: ${job.label} ...\n`);
        results.push(await measure(job, file, total));
      }
      const base = results.find((r) => r.job.label === bench.baseJob)!;
      const endToEnd = results.find((r) => r.job.label === bench.targetJob);
      const reference = results.find((r) => r.job.side === "ours")!;
      const pythonSame = results.find((r) => r.job.side === "python" && r.job.mode !== "naive");
      for (const r of results) {
        const same = r.fraction < 1 ? "n/a (part)" : r.digest === reference.digest ? "yes" : "NO";
        if (same === "NO") failures.push(`${bench.id}: ${r.job.label} computed a different answer`);
        const verdicts: string[] = [];
        let target = "";
        if (r.job.side === "ours" && r.job === endToEnd?.job && bench.targetMs !== undefined) {
          target = `≤ ${bench.targetMs} ms, RSS ≤ ${RSS_TARGET_MB} MB`;
          verdicts.push(r.medianMs <= bench.targetMs && r.rssMb <= RSS_TARGET_MB ? "PASS" : "FAIL");
        }
        if (r.job.side === "ours" && r === base && pythonSame && bench.targetMs !== undefined) {
          const speedup = pythonSame.medianMs / r.medianMs;
          target = [target, `≥ ${SPEEDUP_TARGET}× Python (same algorithm)`].filter(Boolean).join("; ");
          if (r !== endToEnd) verdicts.push(r.rssMb <= RSS_TARGET_MB ? "" : "FAIL");
          verdicts.push(speedup >= SPEEDUP_TARGET ? "PASS" : "FAIL");
        }
        const verdict = verdicts.includes("FAIL") ? "FAIL" : verdicts.includes("PASS") ? "PASS" : "";
        if (verdict === "FAIL") failures.push(`${bench.id}: ${r.job.label}`);
        const ratio = r.job.side === "ours" ? (r === base && results.length > 1 ? "(base)" : "") : `ours ${(r.medianMs / base.medianMs).toFixed(r.medianMs / base.medianMs >= 100 ? 0 : 1)}× faster`;
        rows.push([
          r === results[0] ? `(${bench.id})` : "",
          r.job.label,
          `${r.note ? "~" : ""}${fmtMs(r.medianMs)}`,
          String(r.runs),
          `${r.rssMb.toFixed(0)} MB`,
          same,
          ratio,
          target,
          verdict,
        ]);
        if (r.note) notes.push(`${bench.id}: ${r.job.label}: ${r.note}`);
      }
      rows.push([]);
    }
    const baseline = [
      `node+tsx ${(await runWorker("ours", join(dir, "a.json"), "noop", 0, 0, 1)).rssMb.toFixed(0)} MB`,
      hasPython ? `python3 ${(await runWorker("python", join(dir, "a.json"), "noop", 0, 0, 1)).rssMb.toFixed(0)} MB` : "",
    ].filter(Boolean);
    for (const b of BENCHES) console.log(b.title.replace(/^\(a\) again/, "(a2) = (a) again"));
    console.log("");
    printTable(rows);
    console.log("");
    console.log(`Time: median of the timed runs after warm-up. Peak RSS: one run in a fresh process for ours (runtime included; idle baseline ${baseline.join(", ")}), the timing process for peers.`);
    console.log("Same answer: sha256 of every side's answer (pools and their CIDRs, or overlapping pairs) equals ours.");
    console.log("Speed-up target: our allocation core (parse reservations, free list, place pools) against Python doing exactly that work with the same algorithm; carve() end to end also checks requests, writes explanations, builds the ledger and its diff.");
    for (const n of notes) console.log(`Note ${n}`);

    // The simulator's benchmark (bench/simulator.ts) has its own workloads and targets.
    console.log("");
    try {
      for (const r of await runSimulatorBench()) {
        console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms, peak RSS ${r.peakMb} MB (target ${r.target})`);
        if (!r.pass) failures.push(r.workload);
      }
    } catch (e) {
      console.log(`FAIL  simulator benchmark did not run: ${(e as Error).message}`);
      failures.push("simulator benchmark");
    }
    // The simulator's day-2 targets (bench/timeline.ts).
    for (const r of await runTimelineBench().catch((e: Error) => [{ workload: `timeline benchmark did not run: ${e.message}`, pass: false, medianMs: 0, peakMb: 0, target: "" }])) {
      console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms, peak RSS ${r.peakMb} MB (target ${r.target})`);
      if (!r.pass) failures.push(r.workload);
    }
    // The pictures' benchmark (bench/pictures.ts): plan.html at scale in headless Chromium.
    for (const r of await runPicturesBench().catch((e: Error) => [{ workload: `pictures benchmark did not run: ${e.message}`, pass: false, medianMs: 0, target: "", note: "" }])) {
      console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms (target ${r.target}; ${r.note})`);
      if (!r.pass) failures.push(r.workload);
    }
    try {
      for (const r of await runFleetBench()) {
        console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms (target ${r.target})`);
        if (!r.pass) failures.push(r.workload);
      }
    } catch (e) {
      console.log(`FAIL  fleet benchmark did not run: ${(e as Error).message}`);
      failures.push("fleet benchmark");
    }
    console.log(`Whole benchmark: ${((performance.now() - started) / 1000).toFixed(0)} s on ${cpus().length} CPU(s), node ${process.version}.`);
    if (failures.length > 0) console.log(`FAIL: ${failures.join("; ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length > 0 && STRICT) process.exitCode = 1;
}

function printTable(rows: readonly string[][]): void {
  const header = ["workload", "implementation", "median", "runs", "peak RSS", "same answer", "speed", "target", "result"];
  const right = new Set([2, 3, 4]);
  const all = [header, ...rows.filter((r) => r.length > 0)];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const r of rows) console.log(r.length === 0 ? "" : line(r));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
