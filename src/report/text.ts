import { formatCount, formatFraction, formatGoPercent, plural, toBigInt } from "./format";
import type { PlanReport, ReportFinding, ReportFleet, ReportHostLocal, ReportHostLocalNode, ReportMigration, ReportPool, ReportPoolUsage, ReportTimelineStep } from "./schema";
import { asciiTable } from "./table";

/** Options of {@link renderPlanText}. */
export interface PlanTextOptions {
  /** Add a `Block` row for every claimed block under its pool, as `calicoctl ipam show --show-blocks`. @default false */
  readonly showBlocks?: boolean;
}

/** calicoctl v3.32's `ipam show` columns. */
export const IPAM_SHOW_COLUMNS: readonly string[] = ["GROUPING", "CIDR", "IPS TOTAL", "IPS IN USE", "IPS FREE"];

/** The columns of the host-local node table. */
export const HOST_LOCAL_NODE_COLUMNS: readonly string[] = ["NODE", "POD CIDRS", "PODS", "USABLE", "IN USE", "FREE"];

/**
 * The report as text for a terminal, in the style of `calicoctl ipam show` (v3.32): its table
 * (`GROUPING | CIDR | IPS TOTAL | IPS IN USE | IPS FREE`, one `IP Pool` row per pool in name order,
 * counts exact (`1,048,576`, `2^64`: never calicoctl's `%.5g` scientific notation), in-use and free as `N (P%)`; with `showBlocks`, `Block` rows by address
 * under each pool), then the findings, then the headroom of each pool and node group.
 *
 * As calicoctl counts it, "in use" is what the simulation allocated in claimed blocks (pods, tunnels
 * and Windows-reserved addresses) and "free" is the rest of the pool; addresses kept by IP
 * reservations count as free. Without a simulation, in-use and free are `unknown`.
 *
 * In host-local mode (a `hostLocal` section) a node table follows the pool table, in the same style
 * (`NODE | POD CIDRS | PODS | USABLE | IN USE | FREE`, one row per node in natural name order, the
 * podCIDRs comma-separated): PODS is the kubelet's maxPods, USABLE the pod addresses of the node's
 * smallest podCIDR, IN USE the pods and FREE the pods it can still take, both as `N (P%)` of the
 * smaller of PODS and USABLE; the headroom then says how many more nodes each cluster CIDR holds.
 *
 * A cluster planned with others (a `fleet` section) gets the fleet summary after its own tables:
 * `CLUSTER | RANGES | IPV4 ADDRESSES | IPV6 ADDRESSES | IN USE | BUSIEST POOL | FREE BLOCKS | ISOLATED FROM`,
 * one row per cluster by name (this one marked `*`), the fleet's sub-spaces, and the ranges isolated
 * clusters reuse.
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
      rows.push(["IP Pool", cidr, formatCount(total), "unknown", "unknown"]);
    }
    if (options.showBlocks) {
      for (const b of report.simulation?.blocks ?? []) {
        if (b.pool === name) rows.push(row("Block", b.cidr, BigInt(b.capacity), BigInt(b.inUse + b.reserved)));
      }
    }
  }
  if (rows.length === 0) out.push("No IP pool with a readable CIDR.");
  else out.push(asciiTable(IPAM_SHOW_COLUMNS, rows).trimEnd());
  if (!report.simulation) {
    out.push(
      report.hostLocal
        ? "IPS IN USE and IPS FREE are unknown: in host-local mode Calico does not allocate from its IP pools; the node table counts pods per node."
        : "IPS IN USE and IPS FREE are unknown: no allocation was simulated (declare the cluster topology to simulate it).",
    );
  }
  for (const name of skipped) {
    const p = planned.get(name);
    out.push(`IP pool "${name}" is not shown: ${p?.cidr ? `its CIDR "${p.cidr}" does not parse` : "it has no range"} (see the findings).`);
  }

  if (report.hostLocal) out.push("", ...hostLocalTable(report.hostLocal));
  if (report.fleet) out.push("", ...fleetText(report.fleet));

  out.push("");
  out.push(...findingsText(report.findings));
  out.push("");
  out.push(...headroomText(report, planned));
  if (report.simulation?.timeline) out.push("", ...timelineText(report.simulation.timeline));
  if (report.migrations && report.migrations.length > 0) out.push("", ...migrationsText(report.migrations));
  return `${out.join("\n")}\n`;
}

/** The fleet summary: every cluster's ranges, addresses, usage and headroom, then sub-spaces and reuses. */
function fleetText(fleet: ReportFleet): string[] {
  const rows = fleet.clusters.map((c) => [
    c.name === fleet.cluster ? `* ${c.name}` : c.name,
    c.pools.map((p) => p.cidr).join(", ") || "-",
    formatCount(c.ipv4Addresses),
    formatCount(c.ipv6Addresses),
    c.addressesInUse === null ? "unknown" : formatCount(c.addressesInUse),
    c.utilization === null ? "unknown" : formatFraction(c.utilization),
    c.freeBlocks === null ? "unknown" : formatCount(c.freeBlocks),
    c.isolatedFrom.join(", ") || "-",
  ]);
  const out = [`Fleet: ${fleet.clusters.length} clusters share this address plan (* this one); no two that route to each other overlap.`];
  out.push(asciiTable(["CLUSTER", "RANGES", "IPV4 ADDRESSES", "IPV6 ADDRESSES", "IN USE", "BUSIEST POOL", "FREE BLOCKS", "ISOLATED FROM"], rows).trimEnd());
  const subSpaces = (fleet.subSpaces ?? []).map((s) => [s.name, s.cidr, s.addressSpace, s.clusters.join(", ") || "-"]);
  if (subSpaces.length > 0) out.push(asciiTable(["SUB-SPACE", "CIDR", "CARVED FROM", "CLUSTERS"], subSpaces).trimEnd());
  const drawn = fleet.clusters.flatMap((c) => [
    ...(c.drawnRanges ?? []).map((r) => [c.name, r.kind === "service" ? "Service CIDR" : "node network", r.cidr, r.addressSpace]),
    ...(c.drainingDrawnRanges ?? []).map((r) => [c.name, `${r.kind === "service" ? "Service CIDR" : "node network"} ${r.key}, draining`, r.cidr, "-"]),
  ]);
  if (drawn.length > 0) out.push(asciiTable(["CLUSTER", "DRAWN RANGE", "CIDR", "DRAWN FROM"], drawn).trimEnd());
  for (const c of fleet.clusters) {
    for (const r of c.reuses) {
      if (c.name < r.cluster) out.push(`${c.name} ${r.pool} (${r.cidr}) and ${r.cluster} ${r.otherPool} (${r.otherCidr}) share addresses: declared isolated`);
    }
  }
  return out;
}

/** One line per timeline step: what it did, then pods, blocks, borrowing and the step's findings. */
function timelineText(steps: readonly ReportTimelineStep[]): string[] {
  if (steps.length === 0) return ["Timeline: no step."];
  const out = ["Timeline (the state after each step; the pools, nodes and blocks above are after the last):"];
  for (const t of steps) {
    const s = t.summary;
    const errors = t.findings.filter((f) => f.severity === "error").length;
    const warnings = t.findings.length - errors;
    const state = t.applied ? "" : " REFUSED";
    out.push(
      `  ${t.index + 1}. [t=${t.time}s]${state} ${t.description}: ${formatCount(s.podsAllocated)} of ${formatCount(s.pods)} pods with addresses` +
        `${s.podsFailed > 0 ? `, ${formatCount(s.podsFailed)} without` : ""}${s.podsUnschedulable > 0 ? `, ${formatCount(s.podsUnschedulable)} unschedulable` : ""}` +
        `; ${plural(s.blocksClaimed, "block")}; ${formatCount(s.borrowedAddresses)} borrowed; ${plural(errors, "error")}, ${plural(warnings, "warning")}`,
    );
    for (const f of t.findings.filter((x) => x.severity === "error")) out.push(`       ERROR ${f.code} (${f.path}): ${f.message.split("\n")[0]}`);
  }
  return out;
}

/** `OK` or `FAILED`, for the first line. */
function verdict(report: PlanReport): string {
  return report.summary.errors > 0 ? "FAILED" : "OK";
}

/** One calicoctl row: exact counts, `N (P%)` with `%.f` percentages. */
function row(kind: string, cidr: string, capacity: bigint, inUse: bigint): string[] {
  const free = capacity - inUse;
  return [kind, cidr, formatCount(capacity), `${formatCount(inUse)} (${formatGoPercent(inUse, capacity)}%)`, `${formatCount(free)} (${formatGoPercent(free, capacity)}%)`];
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
  if (!sim && !report.hostLocal) return ["Headroom: unknown (no allocation was simulated)."];
  const out = ["Headroom:"];
  for (const u of sim?.pools ?? []) out.push(`  IP Pool ${u.name} (${u.cidr}, /${u.blockSize} blocks): ${poolHeadroom(u, planned.get(u.name))}`);
  for (const g of sim?.nodeGroups ?? []) {
    const room = [g.headroom.moreNodes !== null ? `${g.headroom.moreNodes} more ${g.headroom.moreNodes === "1" ? "node" : "nodes"} like these` : undefined, `${g.headroom.morePods} more pods`]
      .filter((x) => x !== undefined)
      .join(" and ");
    const failed = g.podsFailed > 0 ? `, ${g.podsFailed} without an address` : "";
    out.push(`  Node group ${g.group} (${plural(g.nodes, "node")}, ${plural(g.pods, "pod")}${failed}): room for ${room}`);
  }
  if (report.hostLocal) out.push(...hostLocalHeadroom(report.hostLocal));
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

/** The smallest usable address count of a node's ranges; null when it has none. */
function smallestUsable(n: ReportHostLocalNode): bigint | null {
  const counts = [n.usable.ipv4, n.usable.ipv6].filter((x): x is number | string => x !== null).map((x) => toBigInt(x));
  return counts.length === 0 ? null : counts.reduce((a, b) => (b < a ? b : a));
}

function hostLocalTable(h: ReportHostLocal): string[] {
  if (h.nodes.length === 0) return ["Host-local IPAM: no node holds a podCIDR (see the findings)."];
  const rows = h.nodes.map((n) => {
    const usable = smallestUsable(n);
    const share = (count: number | null) => (count === null ? "unknown" : `${formatCount(count)} (${formatGoPercent(count, n.capacity)}%)`);
    return [n.name, n.podCidrs.join(","), formatCount(n.maxPods), usable === null ? "unknown" : formatCount(usable), share(n.pods), share(n.morePods)];
  });
  const out = [asciiTable(HOST_LOCAL_NODE_COLUMNS, rows).trimEnd()];
  if (h.nodes.every((n) => n.pods === null)) out.push("IN USE and FREE are unknown: no pod count per node was given.");
  else out.push("IN USE and FREE count pods against the smaller of PODS (the kubelet's maxPods) and USABLE (pod addresses of the node's smallest podCIDR).");
  return out;
}

function hostLocalHeadroom(h: ReportHostLocal): string[] {
  if (h.clusterCidrs.length === 0) return ["  Host-local: no cluster CIDR, no node can get a podCIDR (see the findings)"];
  const out: string[] = [];
  let families = 0;
  for (const cidr of h.clusterCidrs) {
    const key = cidr.includes(":") ? "ipv6" : "ipv4";
    const c = h.capacity[key];
    const mask = h.nodeMaskSizes[key];
    if (!c || mask === null) {
      out.push(`  Host-local: no node range can be handed out in ${cidr} (see the findings)`);
      continue;
    }
    families++;
    out.push(`  Host-local: room for ${c.free} more ${c.free === "1" ? "node" : "nodes"} in ${cidr} (/${mask} per node; ${c.used} of ${c.nodeCidrs} node ranges held)`);
  }
  if (families > 1) {
    out.push(`  Host-local: room for ${h.headroom.nodesLeft} more ${h.headroom.nodesLeft === "1" ? "node" : "nodes"} in all (a dual-stack node needs a range of each family)`);
  }
  const counted = h.nodes.filter((n) => n.morePods !== null);
  if (counted.length > 0) {
    const more = counted.reduce((sum, n) => sum + (n.morePods ?? 0), 0);
    out.push(`  Host-local nodes (${plural(h.nodes.length, "node")}): room for ${more} more ${more === 1 ? "pod" : "pods"} on the current nodes`);
  }
  return out;
}

/** The text report's section: per migration, where it stands, the runbook of its phase, and the harness's phases. */
export function migrationsText(migrations: readonly ReportMigration[]): string[] {
  const out: string[] = [];
  for (const m of migrations) {
    const subject = m.kind === "migratePool" ? `pool ${m.pool} → ${m.to}` : `pool ${m.pool} (temporary pool ${m.temporaryPool})`;
    out.push(`Migration ${m.name} (${m.kind}, ${subject}): phase ${m.phase} of ${m.phases.length}, ${m.phases[m.phase - 1] ?? "?"}${m.recordedPhase === m.phase ? " (as recorded)" : m.recordedPhase === 0 ? " (starts now)" : ` (recorded: phase ${m.recordedPhase})`}`);
    const r = m.runbook;
    if (r) {
      out.push("  Apply changes:", ...r.apply.map((x) => `    - ${x}`));
      out.push(r.manual.length > 0 ? "  Then, by hand:" : "  Then, by hand: nothing.", ...r.manual.map((x) => `    ${x}`));
      out.push("  Check:", ...r.verify.map((x) => `    ${x}`), `  Expect: ${r.expected}`);
      out.push(`  Next: ${r.next ?? "none: the migration is done"}`, `  Procedure: ${r.doc}`);
    }
    if (m.checks.length > 0) {
      out.push("  Harness (each phase after its manual step):");
      for (const c of m.checks) {
        out.push(
          `    ${c.phase}. ${m.phases[c.phase - 1]}: ${formatCount(c.podsFailed)} pods without address, ${formatCount(c.addressesLeft)} addresses left in the pool it leaves` +
            `${c.blocksLeft.length > 0 ? `, ${c.blocksLeft.length} blocks left` : ""}, ${formatCount(c.tunnelAddresses)} tunnel addresses`,
        );
      }
    }
  }
  return out;
}
