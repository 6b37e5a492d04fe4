import { HostLocalFeatures, HostLocalPlan, HostLocalUsage, hostLocalPools, hostLocalUnsupported, hostLocalUsage, planHostLocal } from "../hostlocal";
import { Ledger, LedgerChange, diffLedgers } from "../ledger";
import type { CalicoApiVersion, EncapsulationMode } from "../model/calico";
import { PlacementSlot, placeReplicas } from "../simulator/private/placement";
import { NodeEntry, WorkloadDeclaration, expandNodes } from "../simulator/topology";
import { Finding, error } from "../validation/finding";
import { IpamPlan, PlanLedgerOptions, frozenLedgerFindings, planIpam, readPlanLedger } from "./plan";
import { PlanReport, PlanReportOptions, buildPlanReport } from "../report";

/** A cluster on Calico's host-local IPAM: every node owns one static range per family. */
export interface HostLocalSpec {
  readonly apiVersion?: CalicoApiVersion;
  /** kube-controller-manager `--cluster-cidr`: one per family at most. */
  readonly clusterCidrs: readonly string[];
  /** @default 24 */
  readonly nodeMaskSizeV4?: number;
  /** @default 64 */
  readonly nodeMaskSizeV6?: number;
  readonly serviceCidrs?: readonly string[];
  readonly nodeCidrs?: readonly string[];
  /** The nodes (each gets its podCIDRs) and the workloads the harness places on them. */
  readonly topology: { readonly nodes: readonly NodeEntry[]; readonly workloads?: readonly WorkloadDeclaration[] };
  /** Settings of the IP pools Calico still needs here (NAT and encapsulation of the pod ranges). */
  readonly natOutgoing?: boolean;
  readonly ipipMode?: EncapsulationMode;
  readonly vxlanMode?: EncapsulationMode;
  /** Calico IPAM features asked for, which host-local cannot give: each is an error that says why. */
  readonly unsupported?: HostLocalFeatures;
  /** @default 0.8 */
  readonly utilizationThreshold?: number;
}

/** A host-local plan: node ranges, the pools Calico still needs, usage and the ledger. */
export interface HostLocalClusterPlan {
  readonly hostLocal: HostLocalPlan;
  readonly usage: HostLocalUsage;
  /** The plan of the IP pools Calico still needs (one per cluster CIDR), with their validation. */
  readonly pools: IpamPlan;
  /** Findings of the node ranges, the usage and the unsupported features. */
  readonly findings: readonly Finding[];
  readonly ledger: Ledger;
  readonly ledgerChanges: readonly LedgerChange[];
  readonly ledgerFile?: string;
}

/**
 * Plans a host-local cluster: each node's podCIDRs the way kube-controller-manager hands them out (a
 * node keeps the range the ledger recorded), the pools Calico still needs for NAT and encapsulation,
 * and per-node usage of the declared workloads (placed as the harness places them: each replica on the
 * eligible node with the fewest pods, ties by name).
 */
export function planHostLocalCluster(spec: HostLocalSpec, ledgerOptions: PlanLedgerOptions = {}): HostLocalClusterPlan {
  const findings: Finding[] = [...hostLocalUnsupported(spec.unsupported ?? {})];
  const { ledger: ledgerIn, readable } = readPlanLedger(ledgerOptions, findings);
  const hostLocal = planHostLocal({
    clusterCidrs: spec.clusterCidrs,
    nodeMaskSizeV4: spec.nodeMaskSizeV4,
    nodeMaskSizeV6: spec.nodeMaskSizeV6,
    nodes: spec.topology.nodes,
    serviceCidrs: spec.serviceCidrs,
    nodeCidrs: spec.nodeCidrs,
    recorded: ledgerIn.nodeCidrs ?? {},
  });
  findings.push(...hostLocal.findings);

  let poolDecls: ReturnType<typeof hostLocalPools> = [];
  try {
    poolDecls = hostLocalPools(spec.clusterCidrs, { natOutgoing: spec.natOutgoing, ipipMode: spec.ipipMode, vxlanMode: spec.vxlanMode });
  } catch (e) {
    findings.push(error("HOSTLOCAL_POOL_SETTINGS", "pools", (e as Error).message));
  }
  const pools = planIpam({ apiVersion: spec.apiVersion, pools: poolDecls });

  const usage = hostLocalUsage(hostLocal, podsPerNode(spec.topology), spec.utilizationThreshold);
  // The plan and the usage both report a node range too small for its max pods; say it once.
  const said = new Set(findings.map((f) => `${f.code} ${f.path}`));
  findings.push(...usage.findings.filter((f) => !said.has(`${f.code} ${f.path}`)));

  let ledger = ledgerIn;
  let ledgerChanges: LedgerChange[] = [];
  if (readable) {
    const nodeCidrs = Object.keys(hostLocal.record).length > 0 ? hostLocal.record : undefined;
    ledger = { ...ledgerIn, ...(nodeCidrs ? { nodeCidrs } : {}) };
    if (!nodeCidrs) delete (ledger as { nodeCidrs?: unknown }).nodeCidrs;
    ledgerChanges = diffLedgers(ledgerIn, ledger);
    findings.push(...frozenLedgerFindings(ledgerOptions, ledgerChanges));
  }
  const failed = findings.some((f) => f.severity === "error") || pools.findings.some((f) => f.severity === "error");
  return {
    hostLocal,
    usage,
    pools,
    findings,
    ledger: failed ? ledgerIn : ledger,
    ledgerChanges: failed ? [] : ledgerChanges,
    ledgerFile: ledgerOptions.file,
  };
}

/** Pods per node for the declared workloads, placed deterministically as the harness places them. */
function podsPerNode(topology: HostLocalSpec["topology"]): Map<string, number> {
  const { nodes } = expandNodes(topology.nodes);
  const slots: PlacementSlot[] = nodes.map((n) => ({ pods: 0, maxPods: n.maxPods }));
  for (const w of topology.workloads ?? []) {
    const eligible = nodes.flatMap((n, i) => (Object.entries(w.nodeSelector ?? {}).every(([k, v]) => n.labels[k] === v) ? [i] : []));
    placeReplicas(slots, eligible, w.replicas, new Int32Array(Math.max(0, w.replicas)));
  }
  return new Map(nodes.map((n, i) => [n.name, slots[i].pods]));
}

/**
 * The plan report of a host-local cluster: the pools, the node ranges and usage, and every finding of
 * the host-local planner (unsupported features and the ledger as plan-level findings).
 */
export function hostLocalPlanReport(result: HostLocalClusterPlan, options: Omit<PlanReportOptions, "hostLocal"> = {}): PlanReport {
  // The report takes the node planner's and the usage's findings from `hostLocal`; the rest are the plan's.
  const own = new Set<Finding>([...result.hostLocal.findings, ...result.usage.findings]);
  const rest = result.findings.filter((f) => !own.has(f));
  const pools: IpamPlan = { ...result.pools, findings: [...result.pools.findings, ...rest] };
  return buildPlanReport(pools, undefined, { ...options, hostLocal: { plan: result.hostLocal, usage: result.usage } });
}
