/**
 * Benchmark of fleet-wide carving: a fleet of 500 clusters with 20 pools each (10,000 pools) carved
 * out of one address plan, every cluster connected to every other, so no two of the 10,000 ranges
 * may overlap. Target: a warm run (every cluster's section of the fleet ledger already records its
 * pools, as on every synth after the first) in at most 50 ms. Cost grows with pools, never with
 * addresses: the space is 10.0.0.0/8 plus an IPv6 /32.
 *
 * The case is `fleet-warm` (bench/cases/fleet.ts), timed by bench/workers/fleet.ts on the compiled package.
 */
import type { FleetCarveCluster, FleetCarveInput } from "../src/fleet";
import type { PoolRequest } from "../src/carver";
import { emptyLedger } from "../src/ledger";

const CLUSTERS = 500;
const POOLS = 20;

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
