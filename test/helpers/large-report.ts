/** Plan reports of any size, made directly (no planning): for the pictures' benchmark and the browser tests. */
import type { PlanReport, ReportBlock, ReportPool, ReportPoolUsage } from "../../src/report";

function ip(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** A plan report with `pools` pools of 2^(32 − prefix) addresses from 10.0.0.0, and `blocksPerPool` claimed /blockSize blocks in each. */
export function largeReport(pools: number, prefix: number, blockSize: number, blocksPerPool: number, nodes: number): PlanReport {
  const poolSize = 2 ** (32 - prefix);
  const blockAddresses = 2 ** (32 - blockSize);
  const base = 10 * 2 ** 24;
  const reportPools: ReportPool[] = [];
  const usage: ReportPoolUsage[] = [];
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < pools; i++) {
    const name = `pool-${String(i).padStart(5, "0")}`;
    const start = base + i * poolSize;
    const total = poolSize / blockAddresses;
    reportPools.push({
      name,
      cidr: `${ip(start)}/${prefix}`,
      family: 4,
      blockSize,
      blocksTotal: String(total),
      addressesTotal: String(poolSize),
      ipipMode: "Never",
      vxlanMode: "Always",
      natOutgoing: true,
      disabled: false,
      disableBGPExport: false,
      nodeSelector: "all()",
      namespaceSelector: "",
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
      source: "pinned",
      explanation: null,
    });
    let inUse = 0;
    for (let b = 0; b < blocksPerPool; b++) {
      const used = (i * 7 + b * 3) % (blockAddresses + 1);
      inUse += used;
      blocks.push({ cidr: `${ip(start + b * blockAddresses)}/${blockSize}`, pool: name, owner: `node-${(i * blocksPerPool + b) % nodes}`, capacity: blockAddresses, inUse: used, reserved: 0, ipReserved: 0, free: blockAddresses - used, borrowedBy: b % 50 === 0 ? 1 : 0 });
    }
    usage.push({
      name,
      cidr: `${ip(start)}/${prefix}`,
      family: 4,
      blockSize,
      allocatable: true,
      blocksTotal: String(total),
      blocksClaimed: blocksPerPool,
      addressesTotal: String(poolSize),
      addressesInUse: inUse,
      addressesWindowsReserved: 0,
      addressesIpReserved: "0",
      borrowedAddresses: 0,
      nodesSelected: nodes,
      nodesWithBlocks: Math.min(nodes, blocksPerPool),
      utilization: inUse / poolSize,
      blockUtilization: blocksPerPool / total,
      headroom: { freeBlocks: String(total - blocksPerPool), blocksPerNode: null, moreNodes: null, morePods: String(poolSize - inUse) },
    });
  }
  return {
    schema: "cdktf-calico-ipam/plan",
    schemaVersion: 1,
    apiVersion: "projectcalico.org/v3",
    pools: reportPools,
    reservations: [],
    namespaces: [],
    workloads: [],
    simulation: {
      summary: { nodes, pods: 0, podsAllocated: 0, podsFailed: 0, podsUnschedulable: 0, blocksClaimed: blocks.length } as never,
      pools: usage,
      nodeGroups: [],
      nodes: [],
      blocks,
    },
    findings: [],
    summary: { errors: 0, warnings: 0, accepted: 0 },
  };
}

