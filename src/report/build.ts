import type { HostLocalPlan, HostLocalUsage } from "../hostlocal";
import { API_V3, CalicoApiVersion, IPAM_CONFIGURATION_NAME, POOL_DEFAULTS, ipamConfigurationKind } from "../model/calico";
import { IpamPlan, PlannedPool, allFindings } from "../plan/plan";
import type { SimulationResult } from "../simulator/result";
import { compareFindings, compareText } from "./format";
import type { MigrationCheck } from "../plan/migration-harness";
import { reportMigrations } from "./runbook";
import {
  AcceptedFinding,
  PLAN_REPORT_SCHEMA,
  PLAN_REPORT_SCHEMA_VERSION,
  PlanReport,
  ReportFinding,
  ReportHostLocal,
  ReportHostLocalNode,
  ReportIpamConfiguration,
  ReportNamespace,
  ReportPool,
  ReportRanges,
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
  /**
   * Host-local IPAM mode: the nodes' podCIDRs as kube-controller-manager hands them out
   * ({@link planHostLocal}) and, when pods were counted per node, their usage ({@link hostLocalUsage}).
   * Adds the report's `hostLocal` section; the plan's findings are reported with source `"plan"`, the
   * usage's with source `"simulation"`, about `Node/<name>` for paths `nodes.<name>` and `plan` otherwise.
   * The `plan` argument is then the plan of the IP pools host-local mode needs ({@link hostLocalPools}).
   * @default - Calico IPAM mode: no `hostLocal` section
   */
  readonly hostLocal?: { readonly plan: HostLocalPlan; readonly usage?: HostLocalUsage };
  /**
   * Findings of the input objects as they were written (`calico-ipam plan --cluster` runs `lint`'s
   * validation on the cluster's YAML), reported with source `"plan"`. One the plan already gives
   * (same code, subject and path) is listed once.
   * @default - none
   */
  readonly inputFindings?: ReadonlyArray<Pick<ReportFinding, "severity" | "code" | "subject" | "path" | "message">>;
  /**
   * The harness's checks of the plan's migrations ({@link checkMigrations}) and the namespaces of the
   * declared workloads, for the runbook's restart commands. Their findings are reported about
   * `Migration/<name>` with source `"simulation"`.
   * @default - the migrations without checks, restart commands with a `<namespace>` placeholder
   */
  readonly migrations?: { readonly checks: readonly MigrationCheck[]; readonly namespaces: readonly string[] };
}

/**
 * Builds the plan report: plain, JSON-serializable data in a deterministic order (schema
 * `cdktf-calico-ipam/plan`, version 1, documented in `docs/plan-schema.md`). Every finding of the plan
 * and of the simulation is listed once with the object it is about; simulation findings get their
 * subject from their path (`pools.x` → `IPPool/x`, `nodes.x` → `Node/x`, `workloads.x` → `Workload/x`,
 * `namespaces.x` → `Namespace/x`, `ipamConfiguration.*` → the IPAM configuration, anything else → `plan`).
 * In host-local mode (`options.hostLocal`) the report also has a `hostLocal` section: every node's
 * podCIDRs in natural name order, its pods against its capacity when counted, the cluster CIDRs' free
 * node ranges, the CNI `ipam` section and the kube-controller-manager flags.
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
  const said = new Set(raw.map((f) => `${f.code}\u0000${f.subject}\u0000${f.path}`));
  for (const f of options.inputFindings ?? []) {
    const key = `${f.code}\u0000${f.subject}\u0000${f.path}`;
    if (said.has(key)) continue;
    said.add(key);
    raw.push({ severity: f.severity, code: f.code, subject: f.subject, path: f.path, message: f.message, source: "plan" });
  }
  for (const check of options.migrations?.checks ?? []) {
    for (const f of check.findings) raw.push({ severity: f.severity, code: f.code, subject: `Migration/${check.migration}`, path: f.path, message: f.message, source: "simulation" });
  }
  const hostLocal = options.hostLocal;
  if (hostLocal) {
    const nodes = new Set([...hostLocal.plan.nodes.map((n) => n.name), ...Object.keys(hostLocal.plan.record ?? {}), ...(hostLocal.usage?.nodes ?? []).map((n) => n.name)]);
    const add = (list: HostLocalPlan["findings"], source: ReportFinding["source"]) => {
      for (const f of list) raw.push({ severity: f.severity, code: f.code, subject: hostLocalSubject(f.path, nodes), path: f.path, message: f.message, source });
    };
    add(hostLocal.plan.findings, "plan");
    if (hostLocal.usage) add(hostLocal.usage.findings, "simulation");
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
    ...(hostLocal ? { hostLocal: reportHostLocal(hostLocal.plan, hostLocal.usage) } : {}),
    ...rangesOf(plan),
    ...(plan.migrations ? { migrations: reportMigrations(plan, options.migrations?.checks ?? [], { namespaces: options.migrations?.namespaces ?? [] }) } : {}),
    findings,
    summary: {
      errors: findings.filter((f) => !f.accepted && f.severity === "error").length,
      warnings: findings.filter((f) => !f.accepted && f.severity === "warning").length,
      accepted: findings.filter((f) => f.accepted).length,
    },
  };
}

/**
 * The report's `ranges`: the plan's declared ranges and the ledger's draining pools that the plan does not
 * emit (a draining pool of the plan is among its pools); nothing when there is none.
 */
function rangesOf(plan: IpamPlan): { ranges?: ReportRanges } {
  const planned = new Set(plan.pools.map((p) => p.manifest.metadata.name));
  const retired = Object.entries(plan.ledger?.pools ?? {})
    .filter(([name, e]) => e.status === "draining" && !planned.has(name))
    .map(([name, e]) => ({ name, cidr: e.cidr, blockSize: e.blockSize }))
    .sort((a, b) => compareText(a.name, b.name));
  const addressSpaces = (plan.ranges?.addressSpaces ?? []).map((s) => ({ name: s.name, cidr: s.cidr }));
  const excluded = (plan.ranges?.excluded ?? []).map((x) => ({ cidr: x.cidr, kind: x.kind, reason: x.reason }));
  if (addressSpaces.length + excluded.length + retired.length === 0) return {};
  return { ranges: { addressSpaces, excluded, retired } };
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
    workloads: new Set([...(simulation.workloads ?? []).map((w) => w.name), ...simulation.pods.map((p) => p.workload), ...plan.workloads.map((w) => w.workload)]),
    namespaces: new Set([...plan.namespaces.map((n) => n.binding.name), ...(simulation.workloads ?? []).map((w) => w.namespace), ...simulation.pods.map((p) => p.namespace)]),
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
    return rest === "" ? "plan" : `${label}/${longestName(rest, known[kind])}`;
  }
  return "plan";
}

/** The subject of a host-local finding: `Node/<name>` for `nodes.<name>`, `plan` for anything else. */
function hostLocalSubject(path: string, nodes: ReadonlySet<string>): string {
  if (!path.startsWith("nodes.") || path === "nodes.") return "plan";
  return `Node/${longestName(path.slice("nodes.".length), nodes)}`;
}

/** The longest known name `rest` starts with (whole, or followed by a dot); else the whole rest (a path is usually just the name). */
function longestName(rest: string, names: ReadonlySet<string>): string {
  let best: string | undefined;
  for (const name of names) {
    if ((rest === name || rest.startsWith(`${name}.`)) && (best === undefined || name.length > best.length)) best = name;
  }
  return best ?? rest;
}

function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  // Array.prototype.sort is stable: equal keys (duplicate names, reported as errors) keep declaration order.
  return [...items].sort((a, b) => compareText(key(a), key(b)));
}

function sortedRecord(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.keys(record ?? {}).sort(compareText).map((k) => [k, (record as Record<string, string>)[k]]));
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
  return {
    summary: reportSummary(s.summary),
    pools: reportPoolUsage(s.pools),
    nodeGroups: reportNodeGroups(s.nodeGroups),
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
    blocks: reportBlocks(s.blocks),
    ...(s.timeline
      ? {
          timeline: s.timeline.map((t) => ({
            index: t.index,
            action: t.action,
            description: t.description,
            time: t.time,
            applied: t.applied,
            summary: reportSummary(t.summary),
            pools: reportPoolUsage(t.pools),
            nodeGroups: reportNodeGroups(t.nodeGroups),
            blocks: reportBlocks(t.blocks),
            findings: t.findings.map((f) => ({ severity: f.severity, code: f.code, path: f.path, message: f.message })),
          })),
        }
      : {}),
  };
}

function reportSummary(sm: SimulationResult["summary"]): ReportSimulation["summary"] {
  return {
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
  };
}

function reportPoolUsage(pools: SimulationResult["pools"]): ReportSimulation["pools"] {
  return sortBy(
    pools.map((p) => ({
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
  );
}

function reportNodeGroups(groups: SimulationResult["nodeGroups"]): ReportSimulation["nodeGroups"] {
  return groups.map((g) => ({
    group: g.group,
    nodes: g.nodes,
    pods: g.pods,
    podsFailed: g.podsFailed,
    headroom: { moreNodes: g.headroom.moreNodes, morePods: g.headroom.morePods },
  }));
}

function reportBlocks(blocks: SimulationResult["blocks"]): ReportSimulation["blocks"] {
  return blocks.map((b) => ({
    cidr: b.cidr,
    pool: b.pool,
    owner: b.owner,
    capacity: b.capacity,
    inUse: b.inUse,
    reserved: b.reserved,
    ipReserved: b.ipReserved,
    free: b.free,
    borrowedBy: b.borrowedBy,
  }));
}

/** The cluster CIDRs and node masks, read from the kube-controller-manager flags the plan spells out. */
function hostLocalSettings(flags: readonly string[]): Pick<ReportHostLocal, "clusterCidrs" | "nodeMaskSizes"> {
  const value = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
  const mask = (text: string | undefined) => (text !== undefined && /^[0-9]{1,3}$/.test(text) ? Number(text) : null);
  const clusterCidrs = (value("cluster-cidr") ?? "").split(",").filter((c) => c !== "");
  const families = new Set(clusterCidrs.map((c) => (c.includes(":") ? 6 : 4)));
  const single = mask(value("node-cidr-mask-size"));
  const maskOf = (family: 4 | 6) => (!families.has(family) ? null : clusterCidrs.length === 1 ? single : mask(value(`node-cidr-mask-size-ipv${family}`)));
  return { clusterCidrs, nodeMaskSizes: { ipv4: maskOf(4), ipv6: maskOf(6) } };
}

function reportHostLocal(plan: HostLocalPlan, usage: HostLocalUsage | undefined): ReportHostLocal {
  const used = new Map((usage?.nodes ?? []).map((n) => [n.name, n]));
  const family = (c: HostLocalPlan["capacity"]["ipv4"]) => (c ? { nodeCidrs: c.nodeCidrs, used: c.used, free: c.free } : null);
  const free = [plan.capacity.ipv4?.free, plan.capacity.ipv6?.free].filter((f): f is string => f !== undefined).map((f) => BigInt(f));
  const nodes = plan.nodes.map((n): ReportHostLocalNode => {
    const u = used.get(n.name);
    // Pods the node can run: the smallest of maxPods and each range's usable addresses (as hostLocalUsage counts it).
    let capacity = BigInt(n.maxPods);
    for (const x of [n.usable.ipv4, n.usable.ipv6]) if (x !== undefined && BigInt(x) < capacity) capacity = BigInt(x);
    return {
      name: n.name,
      podCidrs: [...n.podCidrs],
      source: n.source,
      maxPods: n.maxPods,
      usable: { ipv4: n.usable.ipv4 ?? null, ipv6: n.usable.ipv6 ?? null },
      capacity: u ? u.capacity : Number(capacity),
      pods: u ? u.pods : null,
      utilization: u ? Math.round(u.utilization * 1e9) / 1e9 : null,
      morePods: u ? u.podsLeft : null,
    };
  });
  return {
    ...hostLocalSettings(plan.kubeControllerManagerFlags),
    capacity: { ipv4: family(plan.capacity.ipv4), ipv6: family(plan.capacity.ipv6) },
    nodes,
    headroom: {
      nodesLeft: (free.length === 0 ? 0n : free.reduce((a, b) => (b < a ? b : a))).toString(),
      ipv4: plan.capacity.ipv4?.free ?? null,
      ipv6: plan.capacity.ipv6?.free ?? null,
    },
    cniIpam: { type: plan.cniIpam.type, ranges: plan.cniIpam.ranges.map((set) => set.map((r) => ({ subnet: r.subnet }))) },
    kubeControllerManagerFlags: [...plan.kubeControllerManagerFlags],
  };
}
