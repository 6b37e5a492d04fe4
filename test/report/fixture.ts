import { HostLocalInput, HostLocalPlan, HostLocalUsage, hostLocalPools, hostLocalUsage, planHostLocal } from "../../src/hostlocal";
import { IpamPlan, planIpam } from "../../src/plan/plan";
import { CniConfig, SimulationResult, Topology, simulateAllocation } from "../../src/simulator";
import type { IpamSpec } from "../../src/spec/types";
import type { EffectiveIpPool } from "../../src/validation/ip-pool";

/** Simulates Calico's allocation over a plan's pools, configuration and reservations. */
export function simulatePlan(plan: IpamPlan, topology: Topology, cni?: CniConfig): SimulationResult {
  return simulateAllocation({
    pools: plan.pools.map((p) => p.effective).filter((p): p is EffectiveIpPool => p !== undefined),
    ipamConfiguration: plan.ipamConfiguration?.effective,
    reservations: plan.reservations.flatMap((r) => r.cidrs),
    topology,
    cni,
    includePods: false,
  });
}

/**
 * A small, realistic cluster: two racks with their own VXLAN pools, a manual-only pool for the
 * payments namespace (named by its annotation), a dual-stack IPv6 pool, a fixed address for the
 * payments gateway and an IP reservation. Rack A fills its pool; the batch workload on rack B does not
 * fit on its nodes. Pools are pinned and the ledger is off (no ledger file).
 */
export const SPEC: IpamSpec = {
  pools: [
    { name: "rack-a", cidr: "10.244.0.0/24", blockSize: 26, nodeSelector: "rack == 'a'", vxlanMode: "Always", natOutgoing: true },
    { name: "rack-b", cidr: "10.244.4.0/23", blockSize: 26, nodeSelector: "rack == 'b'", vxlanMode: "Always", natOutgoing: true },
    { name: "payments", cidr: "10.250.0.0/24", blockSize: 28, nodeSelector: "!all()", allowedUses: ["Workload"] },
    { name: "pods-v6", cidr: "fd00:10:244::/64", blockSize: 122 },
  ],
  ipamConfiguration: { strictAffinity: false, autoAllocateBlocks: true, maxBlocksPerHost: 4 },
  namespaces: [
    { name: "payments", labels: { team: "payments" }, annotations: { ipv4pools: ["payments"] } },
    { name: "web", labels: { team: "web" } },
  ],
  workloads: [{ namespace: "payments", workload: "gateway", addresses: [{ address: "10.250.0.10" }] }],
  reservations: [{ name: "edge-routers", reservedCidrs: ["10.244.4.0/29"] }],
};

export const TOPOLOGY: Topology = {
  nodes: [
    { namePattern: "rack-a-{i}", count: 4, labels: { rack: "a" } },
    { namePattern: "rack-b-{i}", count: 2, labels: { rack: "b" } },
  ],
  namespaces: [
    { name: "payments", labels: { team: "payments" }, annotations: { ipv4pools: ["payments"] } },
    { name: "web", labels: { team: "web" } },
  ],
  workloads: [
    { name: "frontend", namespace: "web", replicas: 120, nodeSelector: { rack: "a" } },
    { name: "api", namespace: "payments", replicas: 6 },
    { name: "batch", namespace: "web", replicas: 240, nodeSelector: { rack: "b" } },
  ],
};

export const CNI: CniConfig = { assignIpv6: true };

/** The plan and its simulation. */
export function realistic(): { plan: IpamPlan; simulation: SimulationResult } {
  const plan = planIpam(SPEC);
  return { plan, simulation: simulatePlan(plan, TOPOLOGY, CNI) };
}

/**
 * A dual-stack cluster in host-local IPAM mode: kube-controller-manager cuts 10.244.0.0/21 into /24s
 * and fd00:10:244::/56 into /64s, one of each per node. Five workers and one GPU node; worker-1 is
 * nearly full (a utilization warning), worker-2 runs more pods than its maxPods (an error), the cluster
 * CIDR has room for 2 more nodes. Sequential allocation from the start of the cluster CIDRs, no ledger.
 */
export const HOST_LOCAL_INPUT: HostLocalInput = {
  clusterCidrs: ["10.244.0.0/21", "fd00:10:244::/56"],
  nodes: [
    { namePattern: "worker-{i}", count: 5 },
    { name: "gpu-1", maxPods: 32 },
  ],
};

export const HOST_LOCAL_PODS: ReadonlyMap<string, number> = new Map([
  ["worker-1", 100],
  ["worker-2", 112],
  ["worker-3", 40],
  ["worker-4", 12],
  ["gpu-1", 8],
]);

/** The IpamPlan of the pools host-local needs, the host-local plan and its usage. */
export function hostLocal(input: HostLocalInput = HOST_LOCAL_INPUT, pods: ReadonlyMap<string, number> | null = HOST_LOCAL_PODS): { plan: IpamPlan; hostLocal: { plan: HostLocalPlan; usage?: HostLocalUsage } } {
  const plan = planIpam({ pools: hostLocalPools(input.clusterCidrs) });
  const hostLocalPlan = planHostLocal(input);
  return { plan, hostLocal: { plan: hostLocalPlan, ...(pods ? { usage: hostLocalUsage(hostLocalPlan, pods) } : {}) } };
}
