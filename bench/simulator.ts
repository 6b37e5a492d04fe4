/**
 * The simulator cases' cluster (bench/cases/simulator.ts): 5,000 dual-stack nodes with 30 pods each
 * (150,000 pods) or 110 pods each (550,000 pods), four IPv4 pools bound to racks (IPIP, so every node
 * also gets a tunnel address) and one IPv6 /48 pool (2^74 blocks of /122: the simulator must never
 * walk blocks). Timed by bench/workers/simulator.ts on the compiled package.
 */
import { checkIpPool } from "../src/validation/ip-pool";
import type { SimulationInput } from "../src/simulator";

const NODES = 5000;
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
