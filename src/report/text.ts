import { formatGoG, formatGoPercent, plural, toBigInt } from "./format";
import type { PlanReport, ReportFinding, ReportPool, ReportPoolUsage } from "./schema";
import { asciiTable } from "./table";

/** Options of {@link renderPlanText}. */
export interface PlanTextOptions {
  /** Add a `Block` row for every claimed block under its pool, as `calicoctl ipam show --show-blocks`. @default false */
  readonly showBlocks?: boolean;
}

/** calicoctl v3.32's `ipam show` columns. */
export const IPAM_SHOW_COLUMNS: readonly string[] = ["GROUPING", "CIDR", "IPS TOTAL", "IPS IN USE", "IPS FREE"];

/**
 * The report as text for a terminal, in the style of `calicoctl ipam show` (v3.32): its table
 * (`GROUPING | CIDR | IPS TOTAL | IPS IN USE | IPS FREE`, one `IP Pool` row per pool in name order,
 * counts as Go's `%.5g`, in-use and free as `N (P%)`; with `showBlocks`, `Block` rows by address
 * under each pool), then the findings, then the headroom of each pool and node group.
 *
 * As calicoctl counts it, "in use" is what the simulation allocated in claimed blocks (pods, tunnels
 * and Windows-reserved addresses) and "free" is the rest of the pool; addresses kept by IP
 * reservations count as free. Without a simulation, in-use and free are `unknown`.
 */
export function renderPlanText(report: PlanReport, options: PlanTextOptions = {}): string {
  const out: string[] = [];
  const s = report.summary;
  out.push(`Calico IPAM plan (${report.apiVersion}): ${verdict(report)}, ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${s.accepted} accepted`);
  out.push("");

  const usage = new Map((report.simulation?.pools ?? []).map((p) => [p.name, p]));
  const planned = new Map(report.pools.map((p) => [p.name, p]));
  const names = [...new Set([...planned.keys(), ...usage.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: string[][] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const u = usage.get(name);
    const p = planned.get(name);
    const cidr = u?.cidr ?? (p?.addressesTotal !== null ? p?.cidr : null);
    const total = u?.addressesTotal ?? p?.addressesTotal ?? null;
    if (!cidr || total === null) {
      skipped.push(name);
      continue;
    }
    if (u) {
      const inUse = BigInt(u.addressesInUse + u.addressesWindowsReserved);
      rows.push(row("IP Pool", cidr, BigInt(total), inUse));
    } else {
      rows.push(["IP Pool", cidr, formatGoG(total), "unknown", "unknown"]);
    }
    if (options.showBlocks) {
      for (const b of report.simulation?.blocks ?? []) {
        if (b.pool === name) rows.push(row("Block", b.cidr, BigInt(b.capacity), BigInt(b.inUse + b.reserved)));
      }
    }
  }
  if (rows.length === 0) out.push("No IP pool with a readable CIDR.");
  else out.push(asciiTable(IPAM_SHOW_COLUMNS, rows).trimEnd());
  if (!report.simulation) out.push("IPS IN USE and IPS FREE are unknown: no allocation was simulated (declare the cluster topology to simulate it).");
  for (const name of skipped) {
    const p = planned.get(name);
    out.push(`IP pool "${name}" is not shown: ${p?.cidr ? `its CIDR "${p.cidr}" does not parse` : "it has no range"} (see the findings).`);
  }

  out.push("");
  out.push(...findingsText(report.findings));
  out.push("");
  out.push(...headroomText(report, planned));
  return `${out.join("\n")}\n`;
}

/** `OK` or `FAILED`, for the first line. */
function verdict(report: PlanReport): string {
  return report.summary.errors > 0 ? "FAILED" : "OK";
}

/** One calicoctl row: `%.5g` counts, `N (P%)` with `%.f` percentages. */
function row(kind: string, cidr: string, capacity: bigint, inUse: bigint): string[] {
  const free = capacity - inUse;
  return [kind, cidr, formatGoG(capacity), `${formatGoG(inUse)} (${formatGoPercent(inUse, capacity)}%)`, `${formatGoG(free)} (${formatGoPercent(free, capacity)}%)`];
}

function findingsText(findings: readonly ReportFinding[]): string[] {
  if (findings.length === 0) return ["Findings: none."];
  const out = ["Findings:"];
  // Accepted findings last: they no longer need action.
  for (const f of [...findings.filter((x) => !x.accepted), ...findings.filter((x) => x.accepted)]) {
    const label = f.accepted ? `accepted ${f.severity}` : f.severity;
    out.push(`  ${label.toUpperCase()} ${f.code} ${f.subject}${f.path ? ` (${f.path})` : ""}`);
    for (const line of f.message.split("\n")) out.push(`      ${line}`);
    if (f.accepted) out.push(`      Accepted: ${f.accepted.reason}`);
  }
  return out;
}

function headroomText(report: PlanReport, planned: ReadonlyMap<string, ReportPool>): string[] {
  const sim = report.simulation;
  if (!sim) return ["Headroom: unknown (no allocation was simulated)."];
  const out = ["Headroom:"];
  for (const u of sim.pools) out.push(`  IP Pool ${u.name} (${u.cidr}, /${u.blockSize} blocks): ${poolHeadroom(u, planned.get(u.name))}`);
  for (const g of sim.nodeGroups) {
    const room = [g.headroom.moreNodes !== null ? `${g.headroom.moreNodes} more ${g.headroom.moreNodes === "1" ? "node" : "nodes"} like these` : undefined, `${g.headroom.morePods} more pods`]
      .filter((x) => x !== undefined)
      .join(" and ");
    const failed = g.podsFailed > 0 ? `, ${g.podsFailed} without an address` : "";
    out.push(`  Node group ${g.group} (${plural(g.nodes, "node")}, ${plural(g.pods, "pod")}${failed}): room for ${room}`);
  }
  return out;
}

function poolHeadroom(u: ReportPoolUsage, p: ReportPool | undefined): string {
  const state = !u.allocatable ? (p?.disabled ? "disabled, " : "not allocatable, ") : p?.assignmentMode === "Manual" ? "manual, " : "";
  const claimed =
    toBigInt(u.blocksTotal) === 0n
      ? "smaller than one block"
      : `${u.blocksClaimed} of ${u.blocksTotal} blocks claimed (${formatGoPercent(u.blocksClaimed, u.blocksTotal)}%)`;
  const room = [u.headroom.moreNodes !== null ? `${u.headroom.moreNodes} more ${u.headroom.moreNodes === "1" ? "node" : "nodes"} like the current ones` : undefined, `${u.headroom.morePods} more pods`]
    .filter((x) => x !== undefined)
    .join(" and ");
  return `${state}${claimed}; room for ${room}`;
}
