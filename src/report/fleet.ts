/** The fleet section of a plan report: every cluster sharing the address plan, with its ranges, utilization and headroom. */
import type { PlanReport, ReportFleet, ReportFleetCluster, ReportFleetSubSpace } from "./schema";
import { compareText } from "./format";

/** One cluster of a fleet, as the fleet section needs it. */
export interface FleetReportInput {
  readonly name: string;
  /** The cluster's own report (without a fleet section). */
  readonly report: PlanReport;
  readonly isolatedFrom: readonly string[];
  readonly reuses: ReportFleetCluster["reuses"];
  /** The Service CIDRs and node networks it draws from the plan. @default - none */
  readonly drawnRanges?: ReadonlyArray<{ readonly kind: "service" | "node"; readonly cidr: string; readonly addressSpace: string }>;
  /** The drawn ranges its ledger keeps as draining, by key. @default - none */
  readonly drainingDrawnRanges?: ReadonlyArray<{ readonly key: string; readonly kind: "service" | "node"; readonly cidr: string }>;
}

/**
 * The fleet section of the report of cluster `cluster`. Deterministic: clusters and sub-spaces by name;
 * without `subSpaces` when the fleet has none.
 */
export function fleetSection(cluster: string, clusters: readonly FleetReportInput[], subSpaces: readonly ReportFleetSubSpace[] = []): ReportFleet {
  return {
    cluster,
    clusters: [...clusters].sort((a, b) => compareText(a.name, b.name)).map(fleetCluster),
    ...(subSpaces.length > 0
      ? { subSpaces: [...subSpaces].sort((a, b) => compareText(a.name, b.name)).map((s) => ({ name: s.name, addressSpace: s.addressSpace, cidr: s.cidr, clusters: [...s.clusters] })) }
      : {}),
  };
}

function fleetCluster(c: FleetReportInput): ReportFleetCluster {
  const pools = c.report.pools.filter((p) => p.cidr !== null).map((p) => ({ name: p.name, cidr: p.cidr as string }));
  const sum = (family: 4 | 6) =>
    c.report.pools.filter((p) => p.family === family && p.addressesTotal !== null).reduce((n, p) => n + BigInt(p.addressesTotal as string), 0n);
  const sim = c.report.simulation;
  return {
    name: c.name,
    pools,
    ipv4Addresses: sum(4).toString(),
    ipv6Addresses: sum(6).toString(),
    addressesInUse: sim ? sim.pools.reduce((n, p) => n + p.addressesInUse, 0) : null,
    utilization: sim ? sim.pools.reduce((m, p) => Math.max(m, p.utilization), 0) : null,
    freeBlocks: sim ? sim.pools.reduce((n, p) => n + BigInt(p.headroom.freeBlocks), 0n).toString() : null,
    isolatedFrom: [...c.isolatedFrom],
    reuses: [...c.reuses],
    ...((c.drawnRanges ?? []).length > 0 ? { drawnRanges: c.drawnRanges!.map((r) => ({ kind: r.kind, cidr: r.cidr, addressSpace: r.addressSpace })) } : {}),
    ...((c.drainingDrawnRanges ?? []).length > 0
      ? { drainingDrawnRanges: [...c.drainingDrawnRanges!].sort((a, b) => compareText(a.key, b.key)).map((r) => ({ key: r.key, kind: r.kind, cidr: r.cidr })) }
      : {}),
  };
}

/** The report with its fleet section, placed before the findings. */
export function withFleet(report: PlanReport, fleet: ReportFleet): PlanReport {
  const { findings, summary, ...rest } = report;
  return { ...rest, fleet, findings, summary };
}
