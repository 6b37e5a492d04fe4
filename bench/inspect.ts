/**
 * Benchmark of reading a live cluster's dump (`calico-ipam inspect`): 5,000 nodes in four rack pools
 * (/26 blocks, VXLAN) plus an IPv6 /48 pool (2^74 blocks: nothing may be walked per block or per
 * address of a pool), 495,000 pods. The dump is made by the round trip: the simulator plays the
 * cluster, its end state (`keepEndState`) is written as Calico objects with `snapshotObjects` and
 * `writeStateDump` (`kubectl get … -o json` layout, 4-space indent): 10,000 IPAM blocks holding
 * 500,000 allocations (one VXLAN tunnel address per node, the rest pods), 500,000 IPAM handles,
 * 10,000 block affinities, 5,000 nodes, and the pools (about 510 MB).
 *
 * Measured in a fresh Node.js process: wall time of reading the files, checking, building the report,
 * and rendering it as text and JSON (one run, as a user runs it); memory is that process's peak
 * resident set size. Target (issue 12): <= 2,000 ms and <= 1 GB.
 *
 * Run alone with `npx tsx bench/inspect.ts`; the main bench calls {@link runInspectBench}.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildInspectReport, readDumpFiles, renderInspectText, snapshotObjects, stringifyObjects, writeStateDump } from "../src/live";
import { simulateAllocation } from "../src/simulator";
import { checkIpPool } from "../src/validation/ip-pool";
import type { Row } from "./simulator";

/** One result line: the simulator bench's row. */
export type { Row };

const NODES = 5000;
const RACKS = 4;
const PODS = 495_000;
const BLOCKS = 10_000;
const ALLOCATIONS = 500_000;
const TARGET_MS = 2000;
const TARGET_MB = 1024;
const CHILD_ENV = "CALICO_IPAM_INSPECT_BENCH_CHILD";
const LABEL = "inspect: dump of 5,000 nodes, 10,000 blocks, 500,000 allocations and handles (kubectl -o json, written by the round trip)";

const V1 = "crd.projectcalico.org/v1";

/** The pools, as Calico stores them (crd.projectcalico.org/v1), and as the simulator takes them. */
function poolSpecs(): Array<{ name: string; spec: Record<string, unknown> }> {
  const pools = [...Array(RACKS).keys()].map((r) => ({
    name: `rack-${r}`,
    spec: { allowedUses: ["Workload", "Tunnel"], blockSize: 26, cidr: `10.${64 + r * 4}.0.0/14`, ipipMode: "Never", natOutgoing: true, nodeSelector: `rack == "${r}"`, vxlanMode: "Always" },
  }));
  pools.push({ name: "pods-v6", spec: { allowedUses: ["Workload"], blockSize: 122, cidr: "fd00:10::/48", ipipMode: "Never", natOutgoing: false, nodeSelector: "all()", vxlanMode: "Never" } });
  return pools;
}

/** Plays the cluster, then writes its end state as the dump files into `dir`; returns their paths. */
export function writeBenchDump(dir: string): string[] {
  const specs = poolSpecs();
  const pools = specs.map(({ name, spec }) => {
    const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec });
    if (!check.pool) throw new Error(`inspect bench: pool ${name} is invalid`);
    return check.pool;
  });
  const nodes = [...Array(RACKS).keys()].map((r) => ({ namePattern: `rack${r}-node-{i:4}`, count: NODES / RACKS, labels: { rack: String(r) } }));
  const workloads = [...Array(10).keys()].map((k) => ({ name: `app-${k}`, namespace: `team-${k}`, replicas: PODS / 10 }));
  const result = simulateAllocation({ pools, topology: { nodes, workloads }, includePods: false, keepEndState: true });
  if (!result.endState) throw new Error("inspect bench: the simulation kept no end state");
  const files = writeStateDump(dir, snapshotObjects(result.endState, { pods: false }));
  const poolsFile = join(dir, "ippools.json");
  const items = [
    ...specs.map(({ name, spec }) => ({ apiVersion: V1, kind: "IPPool", metadata: { name }, spec })),
    { apiVersion: V1, kind: "IPAMConfig", metadata: { name: "default" }, spec: { autoAllocateBlocks: true, maxBlocksPerHost: 0, strictAffinity: false } },
  ];
  writeFileSync(poolsFile, stringifyObjects({ apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } }, 4));
  return [poolsFile, ...files];
}

/** Reads, checks and reports the dump in this process (the child side of {@link runInspectBench}). */
function measure(files: readonly string[]): Row {
  const t0 = performance.now();
  const report = buildInspectReport(readDumpFiles(files));
  const text = renderInspectText(report, { showBlocks: true });
  const json = JSON.stringify(report);
  const ms = Math.round(performance.now() - t0);
  if (report.checks.blocks !== BLOCKS || report.checks.allocations !== ALLOCATIONS) {
    throw new Error(`inspect bench: read ${report.checks.blocks} blocks and ${report.checks.allocations} allocations`);
  }
  if (report.summary.errors > 0 || text.length === 0 || json.length === 0) throw new Error(`inspect bench: ${report.summary.errors} errors: ${report.findings[0]?.message}`);
  const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return { workload: LABEL, medianMs: ms, peakMb, target: `<= ${TARGET_MS} ms, <= ${TARGET_MB} MB peak RSS`, pass: ms <= TARGET_MS && peakMb <= TARGET_MB };
}

/** Writes the dump, then measures it in a fresh Node.js process, so that its peak RSS is its own. */
export async function runInspectBench(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "calico-ipam-inspect-bench-"));
  try {
    const files = writeBenchDump(dir);
    const row = await new Promise<Row>((resolve, reject) => {
      const child = fork(__filename, files, { execArgv: ["--import", "tsx"], env: { ...process.env, [CHILD_ENV]: "1" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      let result: Row | undefined;
      child.on("message", (m) => (result = m as Row));
      child.on("error", reject);
      child.on("exit", (code) => (result && code === 0 ? resolve(result) : reject(new Error(`inspect bench child exited with ${String(code)}`))));
    });
    return [row];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.env[CHILD_ENV] !== undefined) {
    process.send?.(measure(process.argv.slice(2)));
  } else {
    void runInspectBench().then((rows) => {
      for (const r of rows) console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: ${r.medianMs} ms, peak RSS ${r.peakMb} MB (target ${r.target})`);
      if (rows.some((r) => !r.pass)) process.exitCode = 1;
    });
  }
}
