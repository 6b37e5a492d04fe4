/**
 * Benchmark of reading a live cluster's dump (`calico-ipam inspect`): 5,000 nodes, 10,000 IPAM blocks
 * (/26, two per node, in four rack pools) holding 500,000 allocations (one VXLAN tunnel address per
 * node, the rest pods), 500,000 IPAM handles, 10,000 block affinities, and an IPv6 /48 pool (2^74
 * blocks: nothing may be walked per block or per address of a pool). The dump is written as
 * `kubectl get … -o json` writes it (a List per kind, 4-space indent) into a temporary folder.
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
import { Cidr } from "../src/ip";
import { blockAffinityObject, buildInspectReport, ipamBlockObject, ipamHandleObject, readDumpFiles, renderInspectText } from "../src/live";
import type { BlockAllocation } from "../src/live";
import type { Row } from "./simulator";

/** One result line: the simulator bench's row. */
export type { Row };

const NODES = 5000;
const RACKS = 4;
const BLOCKS_PER_NODE = 2;
const ALLOCATIONS_PER_BLOCK = 50;
const TARGET_MS = 2000;
const TARGET_MB = 1024;
const CHILD_ENV = "CALICO_IPAM_INSPECT_BENCH_CHILD";
const LABEL = "inspect: dump of 5,000 nodes, 10,000 blocks, 500,000 allocations and handles (kubectl -o json)";

const V1 = "crd.projectcalico.org/v1";
const list = (items: unknown[]) => JSON.stringify({ apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } }, null, 4);
/** The first address of rack pool `r`, 10.(64 + 4r).0.0. */
const poolBase = (r: number) => BigInt(10 * 2 ** 24 + (64 + r * 4) * 2 ** 16);
const hex = (n: number) => n.toString(16).padStart(16, "0").repeat(4);

/** Writes the dump files into `dir` and returns their paths. */
export function writeBenchDump(dir: string): string[] {
  const pools: unknown[] = [];
  for (let r = 0; r < RACKS; r++) {
    pools.push({ apiVersion: V1, kind: "IPPool", metadata: { name: `rack-${r}` }, spec: { allowedUses: ["Workload", "Tunnel"], blockSize: 26, cidr: `10.${64 + r * 4}.0.0/14`, ipipMode: "Never", natOutgoing: true, nodeSelector: `rack == "${r}"`, vxlanMode: "Always" } });
  }
  pools.push({ apiVersion: V1, kind: "IPPool", metadata: { name: "pods-v6" }, spec: { allowedUses: ["Workload"], blockSize: 122, cidr: "fd00:10::/48", ipipMode: "Never", nodeSelector: "all()", vxlanMode: "Never" } });
  pools.push({ apiVersion: V1, kind: "IPAMConfig", metadata: { name: "default" }, spec: { autoAllocateBlocks: true, maxBlocksPerHost: 0, strictAffinity: false } });
  const nodes: unknown[] = [];
  const blocks: unknown[] = [];
  const affinities: unknown[] = [];
  const handles: unknown[] = [];
  let pod = 0;
  for (let n = 0; n < NODES; n++) {
    const rack = n % RACKS;
    const node = `rack${rack}-node-${String(n).padStart(4, "0")}`;
    const index = Math.floor(n / RACKS);
    let tunnel = "";
    for (let b = 0; b < BLOCKS_PER_NODE; b++) {
      const cidr = Cidr.of(4, poolBase(rack) + BigInt((index * BLOCKS_PER_NODE + b) * 64), 26);
      const allocations: BlockAllocation[] = [];
      for (let o = 0; o < ALLOCATIONS_PER_BLOCK; o++) {
        if (b === 0 && o === 0) {
          allocations.push({ ordinal: 0, handle: `vxlan-tunnel-addr-${node}`, attributes: { node, timestamp: "2026-11-30 09:14:07.5312 +0000 UTC", type: "vxlanTunnelAddress" } });
          handles.push(ipamHandleObject(`vxlan-tunnel-addr-${node}`, { [cidr.toString()]: 1 }));
          tunnel = cidr.toString().split("/")[0];
          continue;
        }
        const handle = `k8s-pod-network.${hex(pod)}`;
        allocations.push({ ordinal: o, handle, attributes: { namespace: `team-${pod % 10}`, node, pod: `app-${pod % 11}-7d4b9c8f6-${pod.toString(36).padStart(5, "0")}`, timestamp: "2026-11-30 09:14:07.5312 +0000 UTC" } });
        handles.push(ipamHandleObject(handle, { [cidr.toString()]: 1 }));
        pod++;
      }
      blocks.push(ipamBlockObject({ cidr, host: node, allocations, sequenceNumber: 1732958047000 + n }));
      affinities.push(blockAffinityObject(node, cidr));
    }
    nodes.push({ apiVersion: "v1", kind: "Node", metadata: { name: node, labels: { "kubernetes.io/hostname": node, "kubernetes.io/os": "linux", rack: String(rack) }, annotations: { "projectcalico.org/IPv4VXLANTunnelAddr": tunnel } }, spec: {} });
  }
  const files: Array<[string, unknown[]]> = [["pools.json", pools], ["nodes.json", nodes], ["blocks.json", blocks], ["affinities.json", affinities], ["handles.json", handles]];
  return files.map(([name, items]) => {
    const file = join(dir, name);
    writeFileSync(file, list(items));
    return file;
  });
}

/** Reads, checks and reports the dump in this process (the child side of {@link runInspectBench}). */
function measure(files: readonly string[]): Row {
  const t0 = performance.now();
  const report = buildInspectReport(readDumpFiles(files));
  const text = renderInspectText(report, { showBlocks: true });
  const json = JSON.stringify(report);
  const ms = Math.round(performance.now() - t0);
  if (report.checks.blocks !== NODES * BLOCKS_PER_NODE || report.checks.allocations !== NODES * BLOCKS_PER_NODE * ALLOCATIONS_PER_BLOCK) {
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
