import { simulateAllocation } from "../simulator/simulate";
import type { SimulationResult } from "../simulator/result";
import type { CniConfig, NodeEntry, WorkloadDeclaration } from "../simulator/topology";
import type { EffectiveIpPool } from "../validation/ip-pool";
import type { IpamPlan } from "./plan";

/** The cluster the harness plays Calico's allocation against. */
export interface HarnessTopology {
  /** Nodes one by one or as groups. */
  readonly nodes: readonly NodeEntry[];
  /** Workloads; namespaces come from the plan's namespaces. @default - none */
  readonly workloads?: readonly WorkloadDeclaration[];
}

/** Settings of the validation harness. */
export interface HarnessOptions {
  readonly topology: HarnessTopology;
  readonly cni?: CniConfig;
  /** Utilization above this fraction is a warning. @default 0.8 */
  readonly utilizationThreshold?: number;
}

/**
 * Runs the allocation simulator over a resolved plan: its pools (Calico's defaults applied), IPAM
 * configuration, reservations (including the one that keeps fixed addresses free) and namespaces,
 * against the declared nodes and workloads. A workload with fixed addresses in the plan gets them as
 * its `ipAddrs` annotation. Pools whose CIDR could not be read are left out (their errors are the plan's).
 */
export function simulatePlan(plan: IpamPlan, options: HarnessOptions): SimulationResult {
  const pools = plan.pools.map((p) => p.effective).filter((p): p is EffectiveIpPool => p !== undefined);
  const fixed = new Map(plan.workloads.map((w) => [`${w.namespace}/${w.workload}`, w.addresses.map((a) => a.address)]));
  const workloads = (options.topology.workloads ?? []).map((w) => {
    const addresses = fixed.get(`${w.namespace}/${w.name}`);
    return addresses && addresses.length > 0 && !w.annotations?.ipAddrs ? { ...w, annotations: { ...w.annotations, ipAddrs: addresses } } : w;
  });
  return simulateAllocation({
    pools,
    ipamConfiguration: plan.ipamConfiguration?.effective,
    reservations: plan.reservations.flatMap((r) => r.cidrs),
    topology: {
      nodes: options.topology.nodes,
      namespaces: plan.namespaces.map((n) => ({ name: n.binding.name, labels: n.binding.labels, annotations: n.binding.annotations })),
      workloads,
    },
    cni: options.cni,
    utilizationThreshold: options.utilizationThreshold,
  });
}
