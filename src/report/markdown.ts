import { formatCount, formatFraction, htmlText, mdCode, mdText, plural, textBar } from "./format";
import type { PlanReport, ReportFinding, ReportFleet, ReportHostLocal, ReportHostLocalNode, ReportMigration, ReportPool, ReportPoolUsage } from "./schema";

/** Options of {@link renderPlanMarkdown}. */
export interface PlanMarkdownOptions {
  /** Heading text after the verdict mark, e.g. the stack or cluster name. @default "Calico IPAM plan" */
  readonly title?: string;
  /** Block rows shown at most (in a collapsed section); the JSON report has them all. @default 50 */
  readonly maxBlockRows?: number;
  /** Findings shown per severity before the rest is collapsed. @default 10 */
  readonly maxFindingsShown?: number;
  /** Table rows (namespaces, fixed addresses, node groups, host-local nodes) above which the table is collapsed. @default 15 */
  readonly collapseRowsAbove?: number;
  /** Pools above which the pool table is collapsed (the pools at 80% or more stay listed). @default 30 */
  readonly maxPoolRows?: number;
}

/** A Markdown table: header cells, alignment per column (`l`/`r`), rows of already-escaped cells. */
export function mdTable(header: readonly string[], align: string, rows: readonly (readonly string[])[]): string {
  const sep = header.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** Wraps content in a collapsed `<details>` block with a plain-text summary. */
export function mdDetails(summary: string, content: string): string {
  return `<details>\n<summary>${htmlText(summary)}</summary>\n\n${content}\n\n</details>`;
}

/**
 * The report as Markdown for a pull-request comment (GitHub Flavored): a heading with the verdict
 * (✅ no errors, ❌ errors) and the counts, a summary table per pool (CIDR, block size, blocks used out
 * of total with a text-character bar (`██▍░░░░░░░`, renders in any comment), addresses used out of total, utilization, headroom in nodes and pods), the findings grouped by
 * severity (accepted ones collapsed, with their reason), the node groups and blocks (collapsed, at most
 * `maxBlockRows` blocks), the firewall ranges per namespace and the fixed addresses. In host-local
 * mode a "Nodes (host-local)" section follows the pools: a table of the nodes (podCIDRs, maxPods, usable
 * addresses, pods, utilization, pods left; collapsed above `collapseRowsAbove` rows, the nodes at 80% or
 * more kept in sight), the cluster headroom in nodes, and the kube-controller-manager flags and CNI
 * `ipam` section in code blocks. Every name, selector and message is escaped, so a `|` or a backtick
 * cannot break a table.
 */
export function renderPlanMarkdown(report: PlanReport, options: PlanMarkdownOptions = {}): string {
  const maxBlocks = options.maxBlockRows ?? 50;
  const maxFindings = options.maxFindingsShown ?? 10;
  const collapseAbove = options.collapseRowsAbove ?? 15;
  const maxPools = options.maxPoolRows ?? 30;
  const s = report.summary;
  const parts: string[] = [];
  const mark = s.errors > 0 ? "❌" : "✅";
  const counts = [s.errors > 0 ? plural(s.errors, "error") : "no errors", s.warnings > 0 ? plural(s.warnings, "warning") : "no warnings", ...(s.accepted > 0 ? [`${s.accepted} accepted`] : [])];
  parts.push(`## ${mark} ${mdText(options.title ?? "Calico IPAM plan")}: ${counts.join(", ")}`);

  const sim = report.simulation;
  if (sim) {
    const sm = sim.summary;
    const problems = [
      sm.podsFailed > 0 ? `**${formatCount(sm.podsFailed)} failed**` : undefined,
      sm.podsUnschedulable > 0 ? `**${formatCount(sm.podsUnschedulable)} unschedulable**` : undefined,
    ].filter((x): x is string => x !== undefined);
    parts.push(
      `${plural(report.pools.length, "pool")} · ${plural(sm.nodes, "node")} · ${formatCount(sm.podsAllocated)} of ${formatCount(sm.pods)} pods got addresses` +
        `${problems.length > 0 ? ` (${problems.join(", ")})` : ""} · ${plural(sm.blocksClaimed, "block")} claimed · ${mdCode(report.apiVersion)}`,
    );
  } else if (report.hostLocal) {
    const h = report.hostLocal;
    const counted = h.nodes.filter((n) => n.pods !== null);
    const pods = counted.length > 0 ? ` · ${formatCount(counted.reduce((sum, n) => sum + (n.pods ?? 0), 0))} pods` : "";
    parts.push(
      `${plural(report.pools.length, "pool")} · ${mdCode(report.apiVersion)} · host-local IPAM: ${plural(h.nodes.length, "node")}${pods} · room for ${formatCount(h.headroom.nodesLeft)} more ${h.headroom.nodesLeft === "1" ? "node" : "nodes"}`,
    );
  } else {
    parts.push(`${plural(report.pools.length, "pool")} · ${mdCode(report.apiVersion)} · allocation not simulated: usage and headroom are unknown`);
  }

  // Pools
  const usage = new Map((sim?.pools ?? []).map((p) => [p.name, p]));
  if (report.pools.length > 0) {
    const rows = report.pools.map((p) => poolRow(p, usage.get(p.name), sim !== undefined));
    const table = mdTable(["Pool", "CIDR", "Block size", "Blocks used / total", "Addresses used / total", "Utilization", "Headroom"], "lllrrrl", rows);
    const lines = ["### Pools"];
    if (rows.length > maxPools) {
      // Many pools (one per rack, say): the full table collapses, the pools that fill up stay in sight.
      const full = report.pools
        .map((p) => usage.get(p.name))
        .filter((u): u is ReportPoolUsage => u !== undefined && Math.max(u.utilization, u.blockUtilization) >= HIGH_UTILIZATION);
      if (full.length > 0) {
        const shown = full.slice(0, 10).map((u) => `${mdCode(u.name)} (${formatFraction(u.blockUtilization)} of blocks, ${formatFraction(u.utilization)} of addresses)`);
        lines.push(`Pools at ${formatFraction(HIGH_UTILIZATION)} or more: ${shown.join(", ")}${full.length > shown.length ? ` and ${full.length - shown.length} more` : ""}.`);
      }
      lines.push(mdDetails(`${rows.length} pools`, table));
    } else {
      lines.push(table);
    }
    const explained = report.pools.filter((p) => p.explanation !== null);
    if (explained.length > 0) {
      lines.push(mdDetails("How the ranges were chosen", explained.map((p) => `- ${mdCode(p.name)} (${p.source ?? "pinned"}): ${mdText(p.explanation as string)}`).join("\n")));
    }
    parts.push(lines.join("\n\n"));
  }
  const settings: string[] = [];
  const c = report.ipamConfiguration;
  if (c) {
    const max = c.maxBlocksPerHost === null ? "?" : `${c.maxBlocksPerHost}${c.effectiveMaxBlocksPerHost !== null && c.effectiveMaxBlocksPerHost !== c.maxBlocksPerHost ? ` (Calico enforces ${c.effectiveMaxBlocksPerHost})` : ""}`;
    settings.push(
      `**IPAM configuration** (${mdCode(`${c.kind}/${c.name}`)}): strictAffinity ${mdCode(String(c.strictAffinity))} · autoAllocateBlocks ${mdCode(String(c.autoAllocateBlocks))} · maxBlocksPerHost ${max}`,
    );
  }
  if (report.reservations.length > 0) {
    settings.push(`**IP reservations**: ${report.reservations.map((r) => `${mdCode(r.name)} (${r.reservedCidrs.map((x) => mdCode(x)).join(", ")})`).join(", ")}`);
  }
  if (settings.length > 0) parts.push(settings.join("\n\n"));

  if (report.hostLocal) parts.push(hostLocalSection(report.hostLocal, collapseAbove));
  if (report.fleet) parts.push(fleetSection(report.fleet, collapseAbove));

  // Findings
  parts.push(findingsSection(report.findings, maxFindings));

  // Node groups and blocks
  if (sim && sim.nodeGroups.length > 0) {
    const rows = sim.nodeGroups.map((g) => [
      mdCode(g.group, { cell: true }),
      formatCount(g.nodes),
      formatCount(g.pods),
      g.podsFailed > 0 ? `**${formatCount(g.podsFailed)}**` : "0",
      [g.headroom.moreNodes !== null ? `+${formatCount(g.headroom.moreNodes)} nodes` : undefined, `+${formatCount(g.headroom.morePods)} pods`].filter(Boolean).join(", "),
    ]);
    const table = mdTable(["Node group", "Nodes", "Pods", "Without address", "Headroom"], "lrrrl", rows);
    parts.push(rows.length > collapseAbove ? `### Node groups\n\n${mdDetails(`${rows.length} node groups`, table)}` : `### Node groups\n\n${table}`);
  }
  if (sim && sim.blocks.length > 0) {
    const shown = sim.blocks.slice(0, maxBlocks);
    const rows = shown.map((b) => [
      mdCode(b.cidr, { cell: true }),
      mdCode(b.pool, { cell: true }),
      b.owner === null ? "—" : mdCode(b.owner, { cell: true }),
      `${formatCount(b.inUse + b.reserved)} / ${formatCount(b.capacity)}`,
      b.borrowedBy > 0 ? formatCount(b.borrowedBy) : "0",
    ]);
    const more = sim.blocks.length > shown.length ? `\n\n${sim.blocks.length - shown.length} more blocks are not shown; the JSON report lists them all.` : "";
    const summary = sim.blocks.length > shown.length ? `Blocks (first ${shown.length} of ${sim.blocks.length})` : `Blocks (${sim.blocks.length})`;
    parts.push(mdDetails(summary, mdTable(["Block", "Pool", "Node", "Addresses used / total", "Borrowed by others"], "lllrr", rows) + more));
  }

  // Timeline
  if (sim?.timeline && sim.timeline.length > 0) {
    const rows = sim.timeline.map((t) => {
      const s = t.summary;
      const errors = t.findings.filter((f) => f.severity === "error").length;
      return [
        String(t.index + 1),
        `${formatCount(t.time)} s`,
        (t.applied ? "" : "**refused**: ") + mdText(t.description, { cell: true }),
        `${formatCount(s.podsAllocated)} / ${formatCount(s.pods)}`,
        s.podsFailed > 0 ? `**${formatCount(s.podsFailed)}**` : "0",
        formatCount(s.blocksClaimed),
        formatCount(s.borrowedAddresses),
        errors > 0 ? `**${formatCount(errors)}**` : "0",
        formatCount(t.findings.length - errors),
      ];
    });
    const table = mdTable(["Step", "Time", "What happened", "Pods with addresses", "Without address", "Blocks", "Borrowed", "Errors", "Warnings"], "rrlrrrrrr", rows);
    parts.push(`### Timeline

The state after each step; the tables above show the state after the last.

${rows.length > collapseAbove ? mdDetails(`${rows.length} steps`, table) : table}`);
  }

  // Firewall ranges
  if (report.namespaces.length > 0) {
    const rows = report.namespaces.map((n) => [
      mdCode(n.name, { cell: true }),
      n.pools.length > 0 ? n.pools.map((p) => mdCode(p, { cell: true })).join(", ") : "—",
      cidrList(n.ipv4),
      cidrList(n.ipv6),
      n.exclusive ? "yes" : `no: ${n.notes.map((x) => mdText(x, { cell: true })).join("; ")}`,
    ]);
    const table = mdTable(["Namespace", "Pools", "IPv4 ranges", "IPv6 ranges", "Exclusive"], "lllll", rows);
    parts.push(`### Firewall ranges\n\n${rows.length > collapseAbove ? mdDetails(`${rows.length} namespaces`, table) : table}`);
  }

  // Fixed addresses
  const fixed = report.workloads.flatMap((w) => w.addresses.map((a) => ({ w, a })));
  if (fixed.length > 0) {
    const rows = fixed.map(({ w, a }) => [mdCode(`${w.namespace}/${w.name}`, { cell: true }), mdCode(a.address, { cell: true }), mdCode(a.pool, { cell: true }), mdText(a.source, { cell: true })]);
    const table = mdTable(["Workload", "Address", "Pool", "Source"], "llll", rows);
    parts.push(`### Fixed addresses\n\n${rows.length > collapseAbove ? mdDetails(`${rows.length} fixed addresses`, table) : table}`);
  }

  if (report.migrations && report.migrations.length > 0) parts.push(migrationsMarkdown(report.migrations));

  if (report.generatedBy !== undefined) parts.push(`<sub>${mdText(report.generatedBy)}</sub>`);
  return `${parts.join("\n\n")}\n`;
}

/** Utilization from which the pool table marks a value with ⚠️ (the simulator's default warning threshold). */
const HIGH_UTILIZATION = 0.8;

function cidrList(cidrs: readonly string[]): string {
  return cidrs.length > 0 ? cidrs.map((c) => mdCode(c, { cell: true })).join(", ") : "—";
}

function poolRow(p: ReportPool, u: ReportPoolUsage | undefined, simulated: boolean): string[] {
  const tags = [p.disabled ? "disabled" : undefined, p.assignmentMode === "Manual" ? "manual" : undefined, u && !u.allocatable && !p.disabled ? "not allocatable" : undefined].filter(
    (t): t is string => t !== undefined,
  );
  const name = `${mdCode(p.name, { cell: true })}${tags.length > 0 ? ` (${tags.join(", ")})` : ""}`;
  const cidr = p.cidr === null ? "—" : mdCode(p.cidr, { cell: true });
  const blockSize = p.blockSize === null ? "—" : `/${p.blockSize}`;
  const blocksTotal = p.blocksTotal === null ? "?" : formatCount(p.blocksTotal);
  const addressesTotal = p.addressesTotal === null ? "?" : formatCount(p.addressesTotal);
  if (!u) {
    const unknown = simulated ? "not simulated" : "?";
    return [name, cidr, blockSize, `${unknown} / ${blocksTotal}`, `${unknown} / ${addressesTotal}`, "—", "—"];
  }
  const used = u.addressesInUse + u.addressesWindowsReserved;
  const headroom = [u.headroom.moreNodes !== null ? `+${formatCount(u.headroom.moreNodes)} nodes` : undefined, `+${formatCount(u.headroom.morePods)} pods`].filter(Boolean).join(", ");
  const high = (fraction: number) => (fraction >= HIGH_UTILIZATION ? " ⚠️" : "");
  return [
    name,
    cidr,
    blockSize,
    `${textBar(u.blockUtilization)} ${formatCount(u.blocksClaimed)} / ${formatCount(u.blocksTotal)} (${formatFraction(u.blockUtilization)})${high(u.blockUtilization)}`,
    `${formatCount(used)} / ${formatCount(u.addressesTotal)}`,
    `${formatFraction(u.utilization)}${high(u.utilization)}`,
    headroom,
  ];
}

/** A fenced code block that shows `text` exactly: the fence is longer than any backtick run inside. */
export function mdFence(text: string, language = ""): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/** The fleet: one row per cluster (this one in bold), then the ranges isolated clusters reuse. */
function fleetSection(fleet: ReportFleet, collapseAbove: number): string {
  const rows = fleet.clusters.map((c) => {
    const name = c.name === fleet.cluster ? `**${mdCode(c.name, { cell: true })}**` : mdCode(c.name, { cell: true });
    return [
      name,
      c.pools.map((p) => mdCode(p.cidr, { cell: true })).join(" ") || "—",
      formatCount(c.ipv4Addresses),
      formatCount(c.ipv6Addresses),
      c.addressesInUse === null ? "?" : formatCount(c.addressesInUse),
      c.utilization === null ? "—" : `${textBar(c.utilization)} ${formatFraction(c.utilization)}`,
      c.freeBlocks === null ? "—" : `${formatCount(c.freeBlocks)} free blocks`,
      c.isolatedFrom.length === 0 ? "—" : c.isolatedFrom.map((n) => mdCode(n, { cell: true })).join(" "),
    ];
  });
  const table = mdTable(["Cluster", "Ranges", "IPv4 addresses", "IPv6 addresses", "In use", "Busiest pool", "Headroom", "Isolated from"], "llrrrlll", rows);
  const reuses = fleet.clusters.flatMap((c) =>
    c.reuses
      .filter((r) => c.name < r.cluster)
      .map((r) => `- ${mdCode(c.name)} ${mdCode(r.pool)} (${mdCode(r.cidr)}) and ${mdCode(r.cluster)} ${mdCode(r.otherPool)} (${mdCode(r.otherCidr)}) share addresses: declared isolated`),
  );
  const body = rows.length > collapseAbove ? mdDetails(`${rows.length} clusters`, table) : table;
  const intro = `${fleet.clusters.length} clusters share this address plan; no two that route to each other overlap.`;
  const subSpaces = (fleet.subSpaces ?? []).map((s) => [
    mdCode(s.name, { cell: true }),
    mdCode(s.cidr, { cell: true }),
    mdCode(s.addressSpace, { cell: true }),
    s.clusters.map((n) => (n === fleet.cluster ? `**${mdCode(n, { cell: true })}**` : mdCode(n, { cell: true }))).join(" ") || "—",
  ]);
  const subTable = subSpaces.length > 0 ? [mdTable(["Sub-space", "Range", "Carved from", "Clusters"], "llll", subSpaces)] : [];
  const clusterCell = (name: string) => (name === fleet.cluster ? `**${mdCode(name, { cell: true })}**` : mdCode(name, { cell: true }));
  const drawn = fleet.clusters.flatMap((c) => [
    ...(c.drawnRanges ?? []).map((r) => [clusterCell(c.name), r.kind === "service" ? "Service CIDR" : "node network", mdCode(r.cidr, { cell: true }), mdCode(r.addressSpace, { cell: true })]),
    ...(c.drainingDrawnRanges ?? []).map((r) => [
      clusterCell(c.name),
      `${r.kind === "service" ? "Service CIDR" : "node network"} ${mdCode(r.key, { cell: true })}, draining`,
      mdCode(r.cidr, { cell: true }),
      "—",
    ]),
  ]);
  const drawnTable = drawn.length > 0 ? [mdTable(["Cluster", "Drawn range", "Range", "Drawn from"], "llll", drawn)] : [];
  return [`### Fleet`, intro, body, ...subTable, ...drawnTable, ...(reuses.length > 0 ? [reuses.join("\n")] : [])].join("\n\n");
}

function hostLocalSection(h: ReportHostLocal, collapseAbove: number): string {
  const lines = ["### Nodes (host-local)"];
  if (h.nodes.length === 0) {
    lines.push("No node holds a podCIDR (see the findings).");
  } else {
    const rows = h.nodes.map(hostLocalRow);
    const table = mdTable(["Node", "Pod CIDRs", "Max pods", "Usable addresses", "Pods", "Utilization", "Headroom"], "llrrrrl", rows);
    if (rows.length > collapseAbove) {
      const full = h.nodes.filter((n) => n.utilization !== null && n.utilization >= HIGH_UTILIZATION);
      if (full.length > 0) {
        const shown = full.slice(0, 10).map((n) => `${mdCode(n.name)} (${formatFraction(n.utilization as number)})`);
        lines.push(`Nodes at ${formatFraction(HIGH_UTILIZATION)} or more: ${shown.join(", ")}${full.length > shown.length ? ` and ${full.length - shown.length} more` : ""}.`);
      }
      lines.push(mdDetails(`${rows.length} nodes`, table));
    } else {
      lines.push(table);
    }
    if (h.nodes.every((n) => n.pods === null)) lines.push("Pods per node were not counted: utilization and headroom per node are unknown.");
    else lines.push("A node takes the smaller of its max pods and its usable addresses (network, gateway and IPv4 broadcast taken out).");
  }
  lines.push(hostLocalHeadroomLine(h));
  if (h.kubeControllerManagerFlags.length > 0) lines.push(`**kube-controller-manager flags**\n\n${mdFence(h.kubeControllerManagerFlags.join("\n"), "text")}`);
  lines.push(`**CNI ${mdCode("ipam")} configuration**\n\n${mdFence(JSON.stringify(h.cniIpam, null, 2), "json")}`);
  return lines.join("\n\n");
}

function hostLocalRow(n: ReportHostLocalNode): string[] {
  const usable = n.podCidrs.map((c) => {
    const count = c.includes(":") ? n.usable.ipv6 : n.usable.ipv4;
    return count === null ? "?" : formatCount(count);
  });
  const high = n.utilization !== null && n.utilization >= HIGH_UTILIZATION ? " ⚠️" : "";
  return [
    mdCode(n.name, { cell: true }),
    n.podCidrs.length > 0 ? n.podCidrs.map((c) => mdCode(c, { cell: true })).join(", ") : "—",
    formatCount(n.maxPods),
    usable.length > 0 ? usable.join(" / ") : "—",
    n.pods === null ? `? / ${formatCount(n.capacity)}` : `${formatCount(n.pods)} / ${formatCount(n.capacity)}`,
    n.utilization === null ? "—" : `${formatFraction(n.utilization)}${high}`,
    n.morePods === null ? "—" : `+${formatCount(n.morePods)} pods`,
  ];
}

function hostLocalHeadroomLine(h: ReportHostLocal): string {
  if (h.clusterCidrs.length === 0) return "**Cluster headroom**: no cluster CIDR, no node can get a podCIDR (see the findings).";
  const room: string[] = [];
  const none: string[] = [];
  for (const cidr of h.clusterCidrs) {
    const key = cidr.includes(":") ? "ipv6" : "ipv4";
    const c = h.capacity[key];
    const mask = h.nodeMaskSizes[key];
    if (!c || mask === null) none.push(mdCode(cidr));
    else room.push(`${formatCount(c.free)} more ${c.free === "1" ? "node" : "nodes"} in ${mdCode(cidr)} (/${mask} per node, ${formatCount(c.used)} of ${formatCount(c.nodeCidrs)} node ranges held)`);
  }
  const parts: string[] = [];
  if (room.length > 0) parts.push(`room for ${room.join(", ")}`);
  if (room.length > 1) parts.push(`${formatCount(h.headroom.nodesLeft)} more dual-stack ${h.headroom.nodesLeft === "1" ? "node" : "nodes"} in all`);
  if (none.length > 0) parts.push(`no node range can be handed out in ${none.join(", ")} (see the findings)`);
  const counted = h.nodes.filter((n) => n.morePods !== null);
  if (counted.length > 0) parts.push(`${formatCount(counted.reduce((sum, n) => sum + (n.morePods ?? 0), 0))} more pods on the current nodes`);
  return `**Cluster headroom**: ${parts.join("; ")}.`;
}

function findingLine(f: ReportFinding): string {
  const where = f.path ? ` (${mdCode(f.path)})` : "";
  const accepted = f.accepted ? `  \n  Accepted: ${mdText(f.accepted.reason)}` : "";
  return `- ${mdCode(f.code)} on **${mdText(f.subject)}**${where}: ${mdText(f.message)}${accepted}`;
}

function findingsSection(findings: readonly ReportFinding[], maxShown: number): string {
  if (findings.length === 0) return "### Findings\n\nNone.";
  const out = ["### Findings"];
  const groups: Array<[string, ReportFinding[], boolean]> = [
    ["Errors", findings.filter((f) => !f.accepted && f.severity === "error"), false],
    ["Warnings", findings.filter((f) => !f.accepted && f.severity === "warning"), false],
    ["Accepted", findings.filter((f) => f.accepted), true],
  ];
  for (const [title, list, collapsed] of groups) {
    if (list.length === 0) continue;
    const lines = list.map(findingLine);
    const heading = `**${title} (${list.length})**`;
    if (collapsed) {
      out.push(mdDetails(`${title} (${list.length})`, lines.join("\n")));
    } else if (lines.length > maxShown) {
      out.push(`${heading}\n\n${lines.slice(0, maxShown).join("\n")}\n\n${mdDetails(`${lines.length - maxShown} more ${title.toLowerCase()}`, lines.slice(maxShown).join("\n"))}`);
    } else {
      out.push(`${heading}\n\n${lines.join("\n")}`);
    }
  }
  return out.join("\n\n");
}

/** plan.md's section. */
export function migrationsMarkdown(migrations: readonly ReportMigration[]): string {
  const parts = ["### Migrations"];
  for (const m of migrations) {
    const subject = m.kind === "migratePool" ? `${mdCode(m.pool)} → ${mdCode(m.to ?? "")}` : `${mdCode(m.pool)} through ${mdCode(m.temporaryPool ?? "")}`;
    const phases = m.phases.map((p, i) => (i + 1 === m.phase ? `**${i + 1} ${p}**` : `${i + 1} ${p}`)).join(" → ");
    parts.push(`#### ${mdText(m.name)}: ${mdText(m.kind)} ${subject}, phase ${m.phase} of ${m.phases.length}\n\n${phases}`);
    const r = m.runbook;
    if (r) {
      parts.push(`**This apply:**\n\n${r.apply.map((x) => `- ${mdText(x)}`).join("\n")}`);
      parts.push(r.manual.length > 0 ? `**Then, by hand:**\n\n${mdFence(r.manual.join("\n"), "sh")}` : "**Then, by hand:** nothing.");
      parts.push(`**Check:**\n\n${mdFence(r.verify.join("\n"), "sh")}\n\nExpect: ${mdText(r.expected)}`);
      parts.push(`**Next:** ${r.next ? mdText(r.next) : "none: the migration is done."} ([Calico's procedure](${r.doc}))`);
    }
    if (m.checks.length > 0) {
      const rows = m.checks.map((c) => [String(c.phase), mdText(m.phases[c.phase - 1] ?? "", { cell: true }), formatCount(c.podsFailed), formatCount(c.addressesLeft), String(c.blocksLeft.length), formatCount(c.tunnelAddresses)]);
      parts.push(mdTable(["Phase", "", "Pods without address", "Addresses left", "Blocks left", "Tunnel addresses"], "rlrrrr", rows));
    }
  }
  return parts.join("\n\n");
}
