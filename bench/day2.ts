/**
 * The day-2 workloads of the issue "Day 2 in the harness" (targets in ./cases/day2.ts), as
 * `simulateAllocation` inputs. One IPv4 pool (10.0.0.0/8, /26 blocks), or one IPv6 pool of /122
 * blocks, 10 workloads spread over every node:
 *   - `oneshot-550k`: 550,000 pods on 5,000 nodes, no pod list (as the harness runs it);
 *   - `oneshot-1100k`: 1,100,000 pods on 10,000 nodes, no pod list;
 *   - `timeline`: 500,000 pods on 5,000 nodes, then a rolling restart of every workload (maxSurge and
 *     maxUnavailable 25%): 500,000 pod deletions and 500,000 creations;
 *   - `v6-108` / `v6-48`: the 550,000 pods in an IPv6 /108 pool and in a /48 pool (2^74 blocks).
 *
 * The pools are built by the caller's `checkIpPool` (the worker passes the compiled one, so that the
 * pools are made by the code it times).
 */
import type { SimulationInput } from "../src/simulator";
import type { checkIpPool as CheckIpPool } from "../src/validation/ip-pool";

/** The workload names, in the order the bench prints them. */
export const DAY2_WORKLOADS = ["oneshot-550k", "oneshot-1100k", "timeline", "v6-108", "v6-48"] as const;
export type Day2Workload = (typeof DAY2_WORKLOADS)[number];

const restartAll: NonNullable<SimulationInput["timeline"]> = Array.from({ length: 10 }, (_, w) => ({ rollingRestart: { workload: `app-${w}`, maxSurge: "25%", maxUnavailable: "25%" } }));

/** The `simulateAllocation` input of a day-2 workload. */
export function day2Input(workload: Day2Workload, checkIpPool: typeof CheckIpPool): SimulationInput {
  const pool = (name: string, cidr: string, spec: Record<string, unknown>) => {
    const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } });
    if (!check.pool) throw new Error(`bench pool ${name} is invalid: ${JSON.stringify(check.findings)}`);
    return check.pool;
  };
  const shape: Record<Day2Workload, { nodes: number; podsPerNode: number; v6Cidr?: string; timeline?: SimulationInput["timeline"] }> = {
    "oneshot-550k": { nodes: 5000, podsPerNode: 110 },
    "oneshot-1100k": { nodes: 10000, podsPerNode: 110 },
    timeline: { nodes: 5000, podsPerNode: 100, timeline: restartAll },
    "v6-108": { nodes: 5000, podsPerNode: 110, v6Cidr: "fd00:10::/108" },
    "v6-48": { nodes: 5000, podsPerNode: 110, v6Cidr: "fd00:10::/48" },
  };
  const { nodes, podsPerNode, v6Cidr, timeline } = shape[workload];
  const v6 = v6Cidr !== undefined;
  return {
    pools: [v6 ? pool("pods-v6", v6Cidr, { blockSize: 122 }) : pool("pods-v4", "10.0.0.0/8", { blockSize: 26 })],
    ipamConfiguration: { strictAffinity: false, autoAllocateBlocks: true, maxBlocksPerHost: 0, maxBlocksPerHostSet: false, effectiveMaxBlocksPerHost: 20, kubeVirtVMAddressPersistence: "Enabled", notes: [] },
    cni: v6 ? { assignIpv4: false, assignIpv6: true } : undefined,
    includePods: false,
    topology: {
      nodes: [{ namePattern: "node-{i:5}", count: nodes, maxPods: podsPerNode + 20 }],
      workloads: Array.from({ length: 10 }, (_, w) => ({ name: `app-${w}`, namespace: "bench", replicas: (nodes * podsPerNode) / 10 })),
    },
    timeline,
  };
}
