/**
 * Benchmark of fleet-wide carving: a fleet of 500 clusters with 20 pools each (10,000 pools) carved
 * out of one address plan, every cluster connected to every other, so no two of the 10,000 ranges
 * may overlap. Target: a warm run (every cluster's section of the fleet ledger already records its
 * pools, as on every synth after the first) in at most 50 ms. Cost grows with pools, never with
 * addresses: the space is 10.0.0.0/8 plus an IPv6 /32.
 *
 * Run alone with `npx tsx bench/fleet.ts`; the main bench calls {@link runFleetBench}. Time is the
 * median wall time of `carveFleet` over several runs after warm-up runs, in this process.
 */
import { carveFleet } from "../src/fleet";
import type { FleetCarveCluster, FleetCarveInput } from "../src/fleet";
import type { PoolRequest } from "../src/carver";
import { emptyLedger, parseLedger, serializeLedger } from "../src/ledger";
import type { Row } from "./simulator";

const CLUSTERS = 500;
const POOLS = 20;
const TARGET_MS = 50;

/** The fleet: per cluster 16 IPv4 pools of /22–/25 and 4 IPv6 pools of /64–/60. */
export function fleetInput(): FleetCarveInput {
  const clusters: FleetCarveCluster[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    const requests: PoolRequest[] = [];
    for (let p = 0; p < POOLS; p++) {
      const v6 = p >= 16;
      requests.push({
        name: `pool-${String(p).padStart(2, "0")}`,
        family: v6 ? 6 : 4,
        blockSize: v6 ? 122 : 26,
        size: { kind: "prefix", prefixLength: v6 ? 60 + (p % 4) : 22 + (p % 4) },
      });
    }
    clusters.push({ name: `cluster-${String(c).padStart(3, "0")}`, requests, ledger: emptyLedger(), exclusions: [{ cidr: "10.96.0.0/12", kind: "service" }] });
  }
  return {
    spaces: [
      { name: "pods-v4", cidr: "10.0.0.0/8" },
      { name: "pods-v6", cidr: "fd00:10::/32" },
    ],
    clusters,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs the fleet workload: a cold run that fills the ledgers, then warm runs that keep every range. */
export async function runFleetBench(): Promise<Row[]> {
  const cold = fleetInput();
  const first = carveFleet(cold);
  const errors = [...first.findings, ...[...first.clusters.values()].flatMap((r) => r.findings)].filter((f) => f.severity === "error");
  if (errors.length > 0) throw new Error(`the fleet workload does not carve: ${errors[0].message}`);
  // As on a synth after the first: each section read from the fleet ledger file.
  const warm: FleetCarveInput = {
    ...cold,
    clusters: cold.clusters.map((c) => ({ ...c, ledger: parseLedger(serializeLedger(first.clusters.get(c.name)!.ledger)) })),
  };
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const result = carveFleet(warm);
    const ms = performance.now() - started;
    if (i >= 5) times.push(ms);
    if ([...result.clusters.values()].some((r) => r.changes.length > 0)) throw new Error("a warm run changed the ledger");
  }
  const ms = Math.round(median(times) * 10) / 10;
  return [{ workload: `fleet: ${CLUSTERS} clusters × ${POOLS} pools, warm`, medianMs: ms, peakMb: Math.round(process.memoryUsage().rss / 2 ** 20), target: `≤ ${TARGET_MS} ms`, pass: ms <= TARGET_MS }];
}

if (require.main === module) {
  runFleetBench().then((rows) => {
    for (const r of rows) console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms, RSS ${r.peakMb} MB (target ${r.target})`);
  });
}
