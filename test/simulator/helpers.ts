import { Cidr } from "../../src/ip";
import { checkIpPool, EffectiveIpPool } from "../../src/validation/ip-pool";
import { checkIpamConfiguration, EffectiveIpamConfiguration } from "../../src/validation/ipam-configuration";
import { simulateAllocation, SimulationInput, SimulationResult, Topology, WorkloadDeclaration } from "../../src/simulator";

/** A pool with Calico's defaults applied. */
export function pool(name: string, cidr: string, spec: Record<string, unknown> = {}): EffectiveIpPool {
  const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } });
  if (!check.pool) throw new Error(`test pool ${name}: ${JSON.stringify(check.findings)}`);
  return check.pool;
}

/** An IPAM configuration with Calico's defaults for what is not given. */
export function ipam(spec: { strictAffinity?: boolean; autoAllocateBlocks?: boolean; maxBlocksPerHost?: number } = {}): EffectiveIpamConfiguration {
  const check = checkIpamConfiguration({
    apiVersion: "projectcalico.org/v3",
    kind: "IPAMConfiguration",
    metadata: { name: "default" },
    spec: { strictAffinity: false, autoAllocateBlocks: true, ...spec },
  });
  if (!check.config) throw new Error("test ipam config");
  return check.config;
}

/** A workload pinned to one node through the kubelet's hostname label. */
export function on(host: string, name: string, replicas: number, extra: Partial<WorkloadDeclaration> = {}): WorkloadDeclaration {
  return { name, namespace: "default", replicas, nodeSelector: { "kubernetes.io/hostname": host }, ...extra };
}

export function simulate(input: Omit<SimulationInput, "topology"> & { topology: Topology }): SimulationResult {
  return simulateAllocation(input);
}

export const cidrs = (...texts: string[]): Cidr[] => texts.map((t) => Cidr.parse(t));

/** The pods of a workload, in replica order. */
export function podsOf(result: SimulationResult, workload: string) {
  return result.pods.filter((p) => p.workload === workload);
}

/** Block CIDR -> owner, in result order. */
export function owners(result: SimulationResult): Record<string, string | null> {
  return Object.fromEntries(result.blocks.map((b) => [b.cidr, b.owner]));
}

export function codes(result: SimulationResult): string[] {
  return result.findings.map((f) => f.code);
}
