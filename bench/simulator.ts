/**
 * Benchmark of the allocation simulator: 5,000 dual-stack nodes with 30 pods each (150,000 pods) and
 * with 110 pods each (550,000 pods), four IPv4 pools bound to racks (IPIP, so every node also gets a
 * tunnel address) and one IPv6 /48 pool (2^74 blocks of /122: the simulator must never walk blocks).
 *
 * Run alone with `npx tsx bench/simulator.ts`; the main bench calls {@link runSimulatorBench}.
 * Each workload runs in its own Node.js process. Time is the median wall time of `simulateAllocation`
 * over several runs (garbage collected in between); memory is the peak resident set size of that
 * process (`process.resourceUsage().maxRSS`), Node.js and tsx included.
 */
import { fork } from "node:child_process";
import { checkIpPool } from "../src/validation/ip-pool";
import { simulateAllocation } from "../src/simulator";
import type { SimulationInput } from "../src/simulator";

/** One result line. */
export interface Row {
  readonly workload: string;
  readonly medianMs: number;
  readonly peakMb: number;
  readonly target: string;
  readonly pass: boolean;
}

const NODES = 5000;
const CHILD_ENV = "CALICO_IPAM_SIMULATOR_BENCH_CHILD";
const RACKS = 4;

function pool(name: string, cidr: string, spec: Record<string, unknown> = {}) {
  const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } });
  if (!check.pool) throw new Error(`bench pool ${name} is invalid: ${JSON.stringify(check.findings)}`);
  return check.pool;
}

/** The benchmark cluster: `podsPerNode` pods on each of 5,000 nodes, spread over 10 namespaces. */
export function benchInput(podsPerNode: number): SimulationInput {
  const pools = [
    ...Array.from({ length: RACKS }, (_, r) => pool(`rack-${r}-v4`, `10.${64 + r * 8}.0.0/13`, { nodeSelector: `rack == "${r}"`, ipipMode: "Always", blockSize: 26 })),
    pool("pods-v6", "fd00:10::/48", { blockSize: 122 }),
  ];
  const workloadsPerNs = podsPerNode / 10;
  const workloads = [];
  for (let ns = 0; ns < 10; ns++) {
    for (let w = 0; w < workloadsPerNs; w++) workloads.push({ name: `app-${w}`, namespace: `team-${ns}`, replicas: NODES });
  }
  return {
    pools,
    ipamConfiguration: { strictAffinity: false, autoAllocateBlocks: true, maxBlocksPerHost: 0, maxBlocksPerHostSet: false, effectiveMaxBlocksPerHost: 20, kubeVirtVMAddressPersistence: "Enabled", notes: [] },
    cni: { assignIpv4: true, assignIpv6: true },
    topology: {
      nodes: Array.from({ length: RACKS }, (_, r) => ({ namePattern: `rack${r}-node-{i:4}`, count: NODES / RACKS, labels: { rack: String(r) }, maxPods: 110 })),
      namespaces: Array.from({ length: 10 }, (_, ns) => ({ name: `team-${ns}` })),
      workloads,
    },
  };
}

interface Workload {
  readonly label: string;
  readonly podsPerNode: number;
  readonly runs: number;
  readonly targetMs: number;
  readonly targetMb?: number;
}

const WORKLOADS: readonly Workload[] = [
  { label: "simulator: 5,000 nodes x 30 pods, dual-stack (150,000 pods)", podsPerNode: 30, runs: 7, targetMs: 1000, targetMb: 300 },
  { label: "simulator: 5,000 nodes x 110 pods, dual-stack (550,000 pods)", podsPerNode: 110, runs: 5, targetMs: 3000 },
];

/** Measures one workload in this process (the child side of {@link runSimulatorBench}). */
function measure(w: Workload): Row {
  const input = benchInput(w.podsPerNode);
  const gc = (globalThis as { gc?: () => void }).gc;
  const times: number[] = [];
  for (let i = 0; i < w.runs; i++) {
    gc?.();
    const t0 = performance.now();
    const result = simulateAllocation(input);
    times.push(performance.now() - t0);
    if (result.summary.podsAllocated !== NODES * w.podsPerNode) throw new Error(`${w.label}: ${result.summary.podsFailed} pods failed`);
  }
  times.sort((a, b) => a - b);
  const medianMs = Math.round(times[Math.floor(times.length / 2)]);
  const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const pass = medianMs <= w.targetMs && (w.targetMb === undefined || peakMb <= w.targetMb);
  return { workload: w.label, medianMs, peakMb, target: `<= ${w.targetMs} ms${w.targetMb === undefined ? "" : `, <= ${w.targetMb} MB peak RSS`}`, pass };
}

/** Runs one workload in a fresh Node.js process, so that its peak RSS is its own. */
function measureInChild(index: number): Promise<Row> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      execArgv: ["--expose-gc", "--import", "tsx"],
      env: { ...process.env, [CHILD_ENV]: String(index) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let row: Row | undefined;
    child.on("message", (m) => (row = m as Row));
    child.on("error", reject);
    child.on("exit", (code) => (row && code === 0 ? resolve(row) : reject(new Error(`simulator bench child exited with ${String(code)}`))));
  });
}

/**
 * Runs the simulator benchmark, each workload in its own child process (Node.js with `--expose-gc`,
 * garbage collected between runs), and returns one row per workload.
 */
export async function runSimulatorBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < WORKLOADS.length; i++) rows.push(await measureInChild(i));
  return rows;
}

if (require.main === module) {
  const child = process.env[CHILD_ENV];
  if (child !== undefined) {
    process.send?.(measure(WORKLOADS[Number(child)]));
  } else {
    void runSimulatorBench().then((rows) => {
      for (const r of rows) console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms, peak RSS ${r.peakMb} MB (target ${r.target})`);
      if (rows.some((r) => !r.pass)) process.exitCode = 1;
    });
  }
}
