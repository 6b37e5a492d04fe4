import { API_V3, CalicoApiVersion, IPAM_CONFIGURATION_NAME, POOL_DEFAULTS, ipamConfigurationKind } from "../model/calico";
import { IpamPlan, PlannedPool, allFindings } from "../plan/plan";
import type { SimulationResult } from "../simulator/result";
import { compareFindings, compareText } from "./format";
import {
  AcceptedFinding,
  PLAN_REPORT_SCHEMA,
  PLAN_REPORT_SCHEMA_VERSION,
  PlanReport,
  ReportFinding,
  ReportIpamConfiguration,
  ReportNamespace,
  ReportPool,
  ReportSimulation,
  ReportWorkload,
} from "./schema";

/** Options of {@link buildPlanReport}. */
export interface PlanReportOptions {
  /**
   * Findings the team accepted on purpose. A finding whose code (and subject, when given) matches is
   * kept in the report with `accepted.reason`, counted as accepted, and no longer as an error or warning.
   * @default - none
   */
  readonly accepted?: readonly AcceptedFinding[];
  /** Written as `generatedBy`, e.g. `cdktf-calico-ipam 0.1.0`. @default - omitted */
  readonly generatedBy?: string;
}

/**
 * Builds the plan report: plain, JSON-serializable data in a deterministic order (schema
 * `cdktf-calico-ipam/plan`, version 1, documented in `docs/plan-schema.md`). Every finding of the plan
 * and of the simulation is listed once with the object it is about; simulation findings get their
 * subject from their path (`pools.x` → `IPPool/x`, `nodes.x` → `Node/x`, `workloads.x` → `Workload/x`,
 * `namespaces.x` → `Namespace/x`, `ipamConfiguration.*` → the IPAM configuration, anything else → `plan`).
 *
 * @param plan the resolved plan ({@link planIpam})
 * @param simulation the allocation simulated over the plan's pools ({@link simulateAllocation}); without
 *   it the report has no `simulation` and usage is unknown
 * @throws Error when an accepted finding has no code or no reason
 */
export function buildPlanReport(plan: IpamPlan, simulation?: SimulationResult, options: PlanReportOptions = {}): PlanReport {
  const accepted = options.accepted ?? [];
  accepted.forEach((a, i) => {
    if (typeof a?.code !== "string" || a.code.trim() === "") throw new Error(`accepted[${i}]: an accepted finding needs the code of the finding it accepts`);
    if (typeof a.reason !== "string" || a.reason.trim() === "") {
      throw new Error(`accepted[${i}] (${a.code}${a.subject !== undefined ? ` on ${a.subject}` : ""}): give the reason the finding is accepted; it is shown in every report`);
    }
  });

  const apiVersion = plan.apiVersion ?? API_V3;
  const configSubject = plan.ipamConfiguration
    ? `${plan.ipamConfiguration.manifest.kind}/${plan.ipamConfiguration.manifest.metadata.name}`
    : `${ipamConfigurationKind(apiVersion as CalicoApiVersion)}/${IPAM_CONFIGURATION_NAME}`;

  const raw: Array<Omit<ReportFinding, "accepted">> = allFindings(plan).map((f) => ({
    severity: f.severity,
    code: f.code,
    subject: f.subject,
    path: f.path,
    message: f.message,
    source: "plan",
  }));
  if (simulation) {
    const known = knownNames(plan, simulation);
    for (const f of simulation.findings) {
      raw.push({ severity: f.severity, code: f.code, subject: simulationSubject(f.path, known, configSubject), path: f.path, message: f.message, source: "simulation" });
    }
  }
  const findings: ReportFinding[] = raw
    .map((f) => {
      const match = accepted.find((a) => a.code === f.code && (a.subject === undefined || a.subject === f.subject));
      return match ? { ...f, accepted: { reason: match.reason } } : f;
    })
    .sort(compareFindings);

  return {
    schema: PLAN_REPORT_SCHEMA,
    schemaVersion: PLAN_REPORT_SCHEMA_VERSION,
    ...(options.generatedBy !== undefined ? { generatedBy: options.generatedBy } : {}),
    apiVersion,
    pools: sortBy(plan.pools.map(reportPool), (p) => p.name),
    ...(plan.ipamConfiguration ? { ipamConfiguration: reportIpamConfiguration(plan.ipamConfiguration) } : {}),
    reservations: sortBy(
      plan.reservations.map((r) => ({ name: r.manifest.metadata.name, reservedCidrs: [...(r.manifest.spec.reservedCIDRs ?? [])] })),
      (r) => r.name,
    ),
    namespaces: sortBy(plan.namespaces.map(reportNamespace), (n) => n.name),
    workloads: [...plan.workloads.map(reportWorkload)].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name)),
    ...(simulation ? { simulation: reportSimulation(simulation) } : {}),
    findings,
    summary: {
      errors: findings.filter((f) => !f.accepted && f.severity === "error").length,
      warnings: findings.filter((f) => !f.accepted && f.severity === "warning").length,
      accepted: findings.filter((f) => f.accepted).length,
    },
  };
}

/** Names a simulation path can start with, per kind, so a name with dots (`node-1.example.com`) is read whole. */
interface KnownNames {
  readonly pools: ReadonlySet<string>;
  readonly nodes: ReadonlySet<string>;
  readonly workloads: ReadonlySet<string>;
  readonly namespaces: ReadonlySet<string>;
}

function knownNames(plan: IpamPlan, simulation: SimulationResult): KnownNames {
  return {
    pools: new Set([...plan.pools.map((p) => p.manifest.metadata.name), ...simulation.pools.map((p) => p.name)]),
    nodes: new Set([...simulation.nodes.map((n) => n.name), ...simulation.nodeGroups.map((g) => g.group)]),
    workloads: new Set([...simulation.pods.map((p) => p.workload), ...plan.workloads.map((w) => w.workload)]),
    namespaces: new Set([...plan.namespaces.map((n) => n.binding.name), ...simulation.pods.map((p) => p.namespace)]),
  };
}

const SUBJECT_KINDS: ReadonlyArray<readonly [string, keyof KnownNames, string]> = [
  ["pools.", "pools", "IPPool"],
  ["nodes.", "nodes", "Node"],
  ["workloads.", "workloads", "Workload"],
  ["namespaces.", "namespaces", "Namespace"],
];

/** The subject of a simulation finding, from its path. */
function simulationSubject(path: string, known: KnownNames, configSubject: string): string {
  if (path === "ipamConfiguration" || path.startsWith("ipamConfiguration.")) return configSubject;
  for (const [prefix, kind, label] of SUBJECT_KINDS) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    if (rest === "") return "plan";
    // The longest known name the rest starts with; else the whole rest (a path is usually just the name).
    let best: string | undefined;
    for (const name of known[kind]) {
      if ((rest === name || rest.startsWith(`${name}.`)) && (best === undefined || name.length > best.length)) best = name;
    }
    return `${label}/${best ?? rest}`;
  }
  return "plan";
}

function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  // Array.prototype.sort is stable: equal keys (duplicate names, reported as errors) keep declaration order.
  return [...items].sort((a, b) => compareText(key(a), key(b)));
}

function sortedRecord(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(record ?? {}).sort(compareText)) out[k] = (record as Record<string, string>)[k];
  return out;
}

function reportPool(p: PlannedPool): ReportPool {
  const e = p.effective;
  const spec = (p.manifest.spec ?? {}) as unknown as Record<string, unknown>;
  const str = (v: unknown, d: string) => (typeof v === "string" ? v : d);
  const bool = (v: unknown) => v === true;
  if (e) {
    const hostBits = e.cidr.bits - e.cidr.prefix;
    return {
      name: e.name,
      cidr: e.cidr.toString(),
      family: e.family,
      blockSize: e.blockSize,
      blocksTotal: (e.blockSize >= e.cidr.prefix ? 1n << BigInt(e.blockSize - e.cidr.prefix) : 0n).toString(),
      addressesTotal: (1n << BigInt(hostBits)).toString(),
      ipipMode: e.ipipMode,
      vxlanMode: e.vxlanMode,
      natOutgoing: e.natOutgoing,
      disabled: e.disabled,
      disableBGPExport: e.disableBGPExport,
      nodeSelector: e.nodeSelector,
      namespaceSelector: e.namespaceSelector,
      allowedUses: [...e.allowedUses],
      assignmentMode: e.assignmentMode,
      source: p.source ?? null,
      explanation: p.explanation ?? null,
    };
  }
  // The CIDR (or the name) could not be read: report what was written, with Calico's defaults.
  const blockSize = typeof spec.blockSize === "number" && Number.isInteger(spec.blockSize) ? spec.blockSize : null;
  return {
    name: str(p.manifest.metadata?.name, ""),
    cidr: typeof spec.cidr === "string" && spec.cidr !== "" ? spec.cidr : null,
    family: null,
    blockSize,
    blocksTotal: null,
    addressesTotal: null,
    ipipMode: str(spec.ipipMode, POOL_DEFAULTS.ipipMode),
    vxlanMode: str(spec.vxlanMode, POOL_DEFAULTS.vxlanMode),
    natOutgoing: bool(spec.natOutgoing),
    disabled: bool(spec.disabled),
    disableBGPExport: bool(spec.disableBGPExport),
    nodeSelector: str(spec.nodeSelector, POOL_DEFAULTS.nodeSelector),
    namespaceSelector: str(spec.namespaceSelector, ""),
    allowedUses: Array.isArray(spec.allowedUses) ? spec.allowedUses.filter((u): u is string => typeof u === "string") : [...POOL_DEFAULTS.allowedUses],
    assignmentMode: str(spec.assignmentMode, POOL_DEFAULTS.assignmentMode),
    source: p.source ?? null,
    explanation: p.explanation ?? null,
  };
}

function reportIpamConfiguration(c: NonNullable<IpamPlan["ipamConfiguration"]>): ReportIpamConfiguration {
  const e = c.effective;
  const spec = (c.manifest.spec ?? {}) as unknown as Record<string, unknown>;
  return {
    kind: c.manifest.kind,
    name: c.manifest.metadata?.name ?? "",
    strictAffinity: e ? e.strictAffinity : typeof spec.strictAffinity === "boolean" ? spec.strictAffinity : null,
    autoAllocateBlocks: e ? e.autoAllocateBlocks : typeof spec.autoAllocateBlocks === "boolean" ? spec.autoAllocateBlocks : null,
    maxBlocksPerHost: e ? e.maxBlocksPerHost : typeof spec.maxBlocksPerHost === "number" ? spec.maxBlocksPerHost : null,
    effectiveMaxBlocksPerHost: e ? e.effectiveMaxBlocksPerHost : null,
    kubeVirtVMAddressPersistence: e ? e.kubeVirtVMAddressPersistence : typeof spec.kubeVirtVMAddressPersistence === "string" ? spec.kubeVirtVMAddressPersistence : null,
    notes: e ? [...e.notes] : [],
  };
}

function reportNamespace(n: IpamPlan["namespaces"][number]): ReportNamespace {
  const fw = n.firewall as typeof n.firewall | undefined;
  return {
    name: n.binding.name,
    create: n.binding.create === true,
    annotations: sortedRecord(n.annotations),
    pools: [...(fw?.pools ?? [])],
    ipv4: [...(fw?.ipv4 ?? [])],
    ipv6: [...(fw?.ipv6 ?? [])],
    exclusive: fw?.exclusive ?? false,
    notes: [...(fw?.notes ?? [])],
  };
}

function reportWorkload(w: IpamPlan["workloads"][number]): ReportWorkload {
  return {
    namespace: w.namespace,
    name: w.workload,
    addresses: w.addresses.map((a) => ({ family: a.family, address: a.address, pool: a.pool, source: a.source })),
    podAnnotations: sortedRecord(w.podAnnotations),
  };
}

function reportSimulation(s: SimulationResult): ReportSimulation {
  const sm = s.summary;
  return {
    summary: {
      nodes: sm.nodes,
      workloads: sm.workloads,
      pods: sm.pods,
      podsScheduled: sm.podsScheduled,
      podsUnschedulable: sm.podsUnschedulable,
      podsAllocated: sm.podsAllocated,
      podsFailed: sm.podsFailed,
      blocksClaimed: sm.blocksClaimed,
      ipv4AddressesInUse: sm.ipv4AddressesInUse,
      ipv6AddressesInUse: sm.ipv6AddressesInUse,
      borrowedAddresses: sm.borrowedAddresses,
      tunnelAddresses: sm.tunnelAddresses,
    },
    pools: sortBy(
      s.pools.map((p) => ({
        name: p.name,
        cidr: p.cidr,
        family: p.family,
        blockSize: p.blockSize,
        allocatable: p.allocatable,
        blocksTotal: p.blocksTotal,
        blocksClaimed: p.blocksClaimed,
        addressesTotal: p.addressesTotal,
        addressesInUse: p.addressesInUse,
        addressesWindowsReserved: p.addressesWindowsReserved,
        addressesIpReserved: p.addressesIpReserved,
        borrowedAddresses: p.borrowedAddresses,
        nodesSelected: p.nodesSelected,
        nodesWithBlocks: p.nodesWithBlocks,
        utilization: p.utilization,
        blockUtilization: p.blockUtilization,
        headroom: {
          freeBlocks: p.headroom.freeBlocks,
          blocksPerNode: p.headroom.blocksPerNode,
          moreNodes: p.headroom.moreNodes,
          morePods: p.headroom.morePods,
        },
      })),
      (p) => p.name,
    ),
    nodeGroups: s.nodeGroups.map((g) => ({
      group: g.group,
      nodes: g.nodes,
      pods: g.pods,
      podsFailed: g.podsFailed,
      headroom: { moreNodes: g.headroom.moreNodes, morePods: g.headroom.morePods },
    })),
    nodes: s.nodes.map((n) => ({
      name: n.name,
      group: n.group,
      os: n.os,
      maxPods: n.maxPods,
      pods: n.pods,
      podsFailed: n.podsFailed,
      ipv4: { addresses: n.ipv4.addresses, blocks: n.ipv4.blocks, borrowed: n.ipv4.borrowed },
      ipv6: { addresses: n.ipv6.addresses, blocks: n.ipv6.blocks, borrowed: n.ipv6.borrowed },
      tunnelAddresses: n.tunnelAddresses.map((t) => ({ type: t.type, address: t.address, pool: t.pool, borrowed: t.borrowed })),
      morePods: n.headroom.morePods,
    })),
    blocks: s.blocks.map((b) => ({
      cidr: b.cidr,
      pool: b.pool,
      owner: b.owner,
      capacity: b.capacity,
      inUse: b.inUse,
      reserved: b.reserved,
      ipReserved: b.ipReserved,
      free: b.free,
      borrowedBy: b.borrowedBy,
    })),
  };
}
