import type { CountChange, DiffValue, FieldChange, HostLocalDiff, NamespaceChange, PlanDiff, PoolCapacityChange } from "./diff";
import { formatCount, formatDelta, formatFraction, formatFractionDelta, mdCode, mdText, plural } from "./format";
import { mdDetails, mdTable } from "./markdown";
import type { TimelineDiff, TimelineStepChange, TimelineStepFinding } from "./diff-timeline";
import type { ReportFinding, ReportPool } from "./schema";

/** Options of {@link renderDiffMarkdown}. */
export interface DiffMarkdownOptions {
  /** Heading text after the verdict mark. @default "Calico IPAM plan diff" */
  readonly title?: string;
  /** Findings shown per list before the rest is collapsed. @default 10 */
  readonly maxFindingsShown?: number;
  /** Table rows above which a table is collapsed. @default 30 */
  readonly collapseRowsAbove?: number;
}

/**
 * A plan diff as Markdown for a pull-request comment: a heading with the verdict (❌ when a change is
 * destructive), the destructive changes with their way out, notes, then tables of pool changes,
 * capacity, IPAM configuration, findings that appeared or were resolved, firewall ranges, fixed
 * addresses, in host-local mode the settings, nodes and nodes left, and, when a timeline was played,
 * the steps whose outcome differs with the findings each brings or resolves. Sections without changes
 * are left out.
 */
export function renderDiffMarkdown(diff: PlanDiff, options: DiffMarkdownOptions = {}): string {
  const title = mdText(options.title ?? "Calico IPAM plan diff");
  const maxFindings = options.maxFindingsShown ?? 10;
  const collapseAbove = options.collapseRowsAbove ?? 30;
  const table = (title: string, what: string, header: string[], align: string, rows: string[][]) => {
    const body = mdTable(header, align, rows);
    return `### ${title}\n\n${rows.length > collapseAbove ? mdDetails(`${rows.length} ${what}`, body) : body}`;
  };
  const parts: string[] = [];
  if (diff.destructive) parts.push(`## ❌ ${title}: ${plural(diff.destructiveChanges.length, "destructive change")}`);
  else if (diff.summary.changes === 0) parts.push(`## ✅ ${title}: no changes`);
  else parts.push(`## ✅ ${title}: ${plural(diff.summary.changes, "change")}, none destructive`);
  parts.push(`Findings: ${counts(diff.summary.base)} → ${counts(diff.summary.head)}`);

  if (diff.destructiveChanges.length > 0) parts.push(`### Destructive changes\n\n${diff.destructiveChanges.map((s) => `- ${mdText(s)}`).join("\n")}`);
  if (diff.notes.length > 0) parts.push(`### Notes\n\n${diff.notes.map((s) => `- ${mdText(s)}`).join("\n")}`);

  const poolRows: string[][] = [];
  for (const p of diff.pools.added) poolRows.push([mdCode(p.name, { cell: true }), "added", "—", poolSummary(p, true)]);
  for (const p of diff.pools.removed) {
    const inUse = p.addressesInUse === null ? "usage unknown" : `${formatCount(p.addressesInUse)} in use`;
    const life = diff.pools.lifecycle.find((l) => l.name === p.name);
    const word = life?.change === "delete-without-drain" ? "deleted without drain" : "deleted after drain";
    poolRows.push([mdCode(p.name, { cell: true }), life?.destructive ? `**${word}** ❌` : word, `${poolSummary(p, true)}, ${inUse}`, "—"]);
  }
  for (const c of diff.pools.changed) {
    for (const f of c.changes) {
      poolRows.push([mdCode(c.name, { cell: true }), f.destructive ? `**${mdText(f.field, { cell: true })}** ❌` : mdText(f.field, { cell: true }), mdValue(f.before), mdValue(f.after)]);
    }
  }
  if (poolRows.length > 0) parts.push(table("Pools", "pool changes", ["Pool", "Change", "Before", "After"], "llll", poolRows));

  if (diff.capacity.length > 0) {
    const rows = diff.capacity.map((c) => [
      mdCode(c.name, { cell: true }),
      countCell(c.addressesTotal),
      countCell(c.addressesInUse),
      fractionCell(c.utilization),
      countCell(c.blocksClaimed),
      fractionCell(c.blockUtilization),
      countCell(c.headroomNodes),
      countCell(c.headroomPods),
    ]);
    parts.push(table("Capacity", "pools", ["Pool", "Addresses", "In use", "Utilization", "Blocks claimed", "Block utilization", "Headroom (nodes)", "Headroom (pods)"], "lrrrrrrr", rows));
  }

  if (diff.ipamConfiguration.length > 0) {
    parts.push(table("IPAM configuration", "fields", ["Field", "Before", "After"], "lll", diff.ipamConfiguration.map((f) => [mdText(f.field, { cell: true }), mdValue(f.before), mdValue(f.after)])));
  }

  const { appeared, resolved } = diff.findings;
  if (appeared.length + resolved.length > 0) {
    const section = ["### Findings"];
    for (const [label, list] of [
      ["New", appeared],
      ["Resolved", resolved],
    ] as const) {
      if (list.length === 0) continue;
      const lines = list.map(mdFinding);
      const shown = lines.slice(0, maxFindings).join("\n");
      const rest = lines.length > maxFindings ? `\n\n${mdDetails(`${lines.length - maxFindings} more`, lines.slice(maxFindings).join("\n"))}` : "";
      section.push(`**${label} (${list.length})**\n\n${shown}${rest}`);
    }
    parts.push(section.join("\n\n"));
  }

  if (diff.namespaces.length > 0) {
    const rows = diff.namespaces.map((n) => [mdCode(n.name, { cell: true }), n.change, rangeCell(n.ipv4), rangeCell(n.ipv6), poolsCell(n), exclusiveCell(n)]);
    parts.push(table("Firewall ranges", "namespaces", ["Namespace", "Change", "IPv4", "IPv6", "Pools", "Exclusive"], "llllll", rows));
  }

  if (diff.fixedAddresses.length > 0) {
    const rows = diff.fixedAddresses.map((f) => [mdCode(f.workload, { cell: true }), addressList(f.before), addressList(f.after)]);
    parts.push(table("Fixed addresses", "workloads", ["Workload", "Before", "After"], "lll", rows));
  }

  if (diff.hostLocal) {
    const section = hostLocalMarkdown(diff.hostLocal, collapseAbove);
    if (section.length > 0) parts.push(["### Host-local", ...section].join("\n\n"));
  }
  if (diff.timeline && diff.timeline.changes.length > 0) parts.push(timelineMarkdown(diff.timeline, collapseAbove, maxFindings));
  return `${parts.join("\n\n")}\n`;
}

/**
 * A plan diff as text for a terminal: a verdict line, the destructive changes, notes, then `+` added,
 * `-` removed and `~` changed lines per pool, capacity, configuration, findings, namespace, fixed
 * address, host-local setting and node, and timeline step (`+` a step only the head plays, `-` one
 * only the base plays, `~` one whose outcome differs, with its pools and findings). "No changes." when
 * the plans are alike.
 */
export function renderDiffText(diff: PlanDiff): string {
  const out: string[] = [];
  if (diff.destructive) out.push(`Plan diff: DESTRUCTIVE, ${plural(diff.destructiveChanges.length, "destructive change")} of ${plural(diff.summary.changes, "change")}`);
  else if (diff.summary.changes === 0) out.push("Plan diff: no changes.");
  else out.push(`Plan diff: ${plural(diff.summary.changes, "change")}, none destructive`);
  out.push(`Findings: ${counts(diff.summary.base)} -> ${counts(diff.summary.head)}`);

  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    out.push("", `${title}:`, ...lines);
  };
  section("Destructive changes", diff.destructiveChanges.map((s) => `  ! ${s}`));
  section("Notes", diff.notes.map((s) => `  * ${s}`));

  const pools: string[] = [];
  for (const p of diff.pools.added) pools.push(`  + ${p.name}  ${poolSummary(p, false)}`);
  for (const p of diff.pools.removed) {
    const life = diff.pools.lifecycle.find((l) => l.name === p.name);
    const word = life?.change === "delete-without-drain" ? "deleted without drain" : "deleted after drain";
    pools.push(`  - ${p.name}  ${word}: ${poolSummary(p, false)}, ${p.addressesInUse === null ? "usage unknown" : `${p.addressesInUse} in use`}${life?.destructive ? "  (destructive)" : ""}`);
  }
  for (const c of diff.pools.changed) {
    for (const f of c.changes) pools.push(`  ~ ${c.name}  ${f.field}: ${textValue(f.before)} -> ${textValue(f.after)}${f.destructive ? "  (destructive)" : ""}`);
  }
  section("Pools", pools);
  section(
    "Lifecycle",
    diff.pools.lifecycle.map((l) => `  ${l.change.padEnd(20)}  ${l.name}${l.destructive ? "  (destructive)" : ""}`),
  );

  section(
    "Capacity",
    diff.capacity.map((c) => `  ~ ${c.name}  ${capacityText(c)}`),
  );
  section(
    "IPAM configuration",
    diff.ipamConfiguration.map((f: FieldChange) => `  ~ ${f.field}: ${textValue(f.before)} -> ${textValue(f.after)}`),
  );
  section("Findings", [
    ...diff.findings.appeared.map((f) => `  + ${textFinding(f)}`),
    ...diff.findings.resolved.map((f) => `  - ${textFinding(f)}`),
  ]);
  section(
    "Firewall ranges",
    diff.namespaces.map((n) => {
      const sign = n.change === "added" ? "+" : n.change === "removed" ? "-" : "~";
      const ranges = [...n.ipv4.added, ...n.ipv6.added].map((r) => `+${r}`).concat([...n.ipv4.removed, ...n.ipv6.removed].map((r) => `-${r}`));
      const extra: string[] = [];
      if (n.change === "changed" && !sameList(n.pools.before, n.pools.after)) extra.push(`pools ${textValue(n.pools.before)} -> ${textValue(n.pools.after)}`);
      if (n.change === "changed" && n.exclusive.before !== n.exclusive.after) extra.push(n.exclusive.after ? "now exclusive" : "no longer exclusive");
      return `  ${sign} ${n.name}  ${[ranges.join(" ") || "(no range change)", ...extra].join("; ")}`;
    }),
  );
  section(
    "Fixed addresses",
    diff.fixedAddresses.map((f) => `  ~ ${f.workload}  ${f.before.join(", ") || "(none)"} -> ${f.after.join(", ") || "(none)"}`),
  );
  if (diff.hostLocal) section("Host-local", hostLocalText(diff.hostLocal));
  if (diff.timeline && diff.timeline.changes.length > 0) section(`Timeline (${timelineSteps(diff.timeline, "->")}; steps paired by action in order)`, timelineText(diff.timeline));
  return `${out.join("\n")}\n`;
}

function counts(s: { errors: number; warnings: number; accepted: number }): string {
  return `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}${s.accepted > 0 ? `, ${s.accepted} accepted` : ""}`;
}

function poolSummary(p: ReportPool, md: boolean): string {
  const cidr = p.cidr === null ? "no range" : md ? mdCode(p.cidr, { cell: true }) : p.cidr;
  const block = p.blockSize === null ? "" : `, /${p.blockSize} blocks`;
  const size = p.addressesTotal === null ? "" : `, ${formatCount(p.addressesTotal)} addresses`;
  return `${cidr}${block}${size}`;
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function textValue(v: DiffValue | undefined): string {
  if (v === null || v === undefined) return "(none)";
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  if (typeof v === "string") return v === "" ? '""' : JSON.stringify(v);
  return String(v);
}

function mdValue(v: DiffValue): string {
  if (v === null) return "—";
  if (v === "") return mdCode('""', { cell: true });
  if (Array.isArray(v)) return v.length === 0 ? "`[]`" : v.map((x) => mdCode(x, { cell: true })).join(", ");
  return mdCode(String(v), { cell: true });
}

function countCell(c: CountChange<number | string>): string {
  if (c.before === null && c.after === null) return "—";
  if (c.before === null || c.after === null) return `${c.before === null ? "?" : formatCount(c.before)} → ${c.after === null ? "?" : formatCount(c.after)}`;
  if (c.before === c.after) return formatCount(c.after);
  return `${formatCount(c.before)} → ${formatCount(c.after)} (${formatDelta(c.delta as number | string)})`;
}

function fractionCell(c: CountChange<number>): string {
  if (c.before === null && c.after === null) return "—";
  if (c.before === null || c.after === null) return `${c.before === null ? "?" : formatFraction(c.before)} → ${c.after === null ? "?" : formatFraction(c.after)}`;
  if (c.before === c.after) return formatFraction(c.after);
  return `${formatFraction(c.before)} → ${formatFraction(c.after)} (${formatFractionDelta(c.delta as number)})`;
}

/** A labelled change: a count (`count`) or a fraction shown as a percentage (`fraction`). */
type LabelledChange = readonly [label: string, change: CountChange<number | string>, kind: "count" | "fraction"];

/** `label before -> after (delta)` for each change that moved, joined with "; ". */
function changesText(changes: readonly LabelledChange[]): string {
  const parts: string[] = [];
  for (const [label, x, kind] of changes) {
    if (x.before === x.after) continue;
    const show = (v: number | string | null) => (v === null ? "?" : kind === "fraction" ? formatFraction(v as number) : formatCount(v));
    const delta = kind === "count" && x.delta !== null ? ` (${formatDelta(x.delta)})` : "";
    parts.push(`${label} ${show(x.before)} -> ${show(x.after)}${delta}`);
  }
  return parts.join("; ");
}

function capacityText(c: PoolCapacityChange): string {
  return changesText([
    ["addresses", c.addressesTotal, "count"],
    ["in use", c.addressesInUse, "count"],
    ["blocks claimed", c.blocksClaimed, "count"],
    ["utilization", c.utilization, "fraction"],
    ["block utilization", c.blockUtilization, "fraction"],
    ["headroom nodes", c.headroomNodes, "count"],
    ["headroom pods", c.headroomPods, "count"],
  ]);
}

function textFinding(f: ReportFinding): string {
  const message = f.message.split("\n").join("\n      ");
  return `${f.accepted ? `accepted ${f.severity}` : f.severity} ${f.code} ${f.subject}${f.path ? ` (${f.path})` : ""}: ${message}`;
}

function mdFinding(f: ReportFinding): string {
  const severity = f.accepted ? `accepted ${f.severity}` : f.severity;
  return `- ${severity} ${mdCode(f.code)} on **${mdText(f.subject)}**${f.path ? ` (${mdCode(f.path)})` : ""}: ${mdText(f.message)}`;
}

function rangeCell(r: { readonly added: readonly string[]; readonly removed: readonly string[] }): string {
  const parts = [...r.added.map((x) => `+${mdCode(x, { cell: true })}`), ...r.removed.map((x) => `−${mdCode(x, { cell: true })}`)];
  return parts.length > 0 ? parts.join(" ") : "—";
}

function poolsCell(n: NamespaceChange): string {
  if (sameList(n.pools.before, n.pools.after)) return "—";
  const list = (v: readonly string[] | null) => (v === null ? "—" : v.length === 0 ? "none" : v.map((x) => mdCode(x, { cell: true })).join(", "));
  return `${list(n.pools.before)} → ${list(n.pools.after)}`;
}

function exclusiveCell(n: NamespaceChange): string {
  const v = (x: boolean | null) => (x === null ? "—" : x ? "yes" : "no");
  return n.exclusive.before === n.exclusive.after ? v(n.exclusive.after) : `${v(n.exclusive.before)} → ${v(n.exclusive.after)}`;
}

function addressList(list: readonly string[]): string {
  return list.length > 0 ? list.map((x) => mdCode(x, { cell: true })).join(", ") : "—";
}

const HEADROOM_LABELS = [
  ["nodesLeft", "nodes left"],
  ["ipv4", "IPv4 node ranges free"],
  ["ipv6", "IPv6 node ranges free"],
] as const;

function hostLocalMarkdown(d: HostLocalDiff, collapseAbove: number): string[] {
  const out: string[] = [];
  if (d.settings.length > 0) {
    const rows = d.settings.map((f) => [f.destructive ? `**${mdText(f.field, { cell: true })}** ❌` : mdText(f.field, { cell: true }), mdValue(f.before), mdValue(f.after)]);
    out.push(mdTable(["Setting", "Before", "After"], "lll", rows));
  }
  const cidrs = (list: readonly string[]) => (list.length > 0 ? list.map((c) => mdCode(c, { cell: true })).join(", ") : "—");
  const rows = [
    ...d.nodes.added.map((n) => [mdCode(n.name, { cell: true }), "added", "—", cidrs(n.podCidrs)]),
    ...d.nodes.removed.map((n) => [mdCode(n.name, { cell: true }), n.pods ? `removed (${formatCount(n.pods)} pods)` : "removed", cidrs(n.podCidrs), "—"]),
    ...d.nodes.changed.map((c) => [mdCode(c.name, { cell: true }), c.destructive ? "**podCIDRs** ❌" : "podCIDRs", cidrs(c.before), cidrs(c.after)]),
  ];
  if (rows.length > 0) {
    const body = mdTable(["Node", "Change", "Pod CIDRs before", "Pod CIDRs after"], "llll", rows);
    out.push(rows.length > collapseAbove ? mdDetails(`${rows.length} node changes`, body) : body);
  }
  const moved = HEADROOM_LABELS.filter(([key]) => d.headroom[key].before !== d.headroom[key].after);
  if (moved.length > 0) out.push(`Headroom: ${moved.map(([key, label]) => `${label} ${countCell(d.headroom[key])}`).join(" · ")}`);
  return out;
}

function hostLocalText(d: HostLocalDiff): string[] {
  const out = d.settings.map((f) => `  ~ ${f.field}: ${textValue(f.before)} -> ${textValue(f.after)}${f.destructive ? "  (destructive)" : ""}`);
  for (const n of d.nodes.added) out.push(`  + ${n.name}  ${n.podCidrs.join(",") || "(no range)"}`);
  for (const n of d.nodes.removed) out.push(`  - ${n.name}  ${n.podCidrs.join(",") || "(no range)"}${n.pods ? `, ${n.pods} pods` : ""}`);
  for (const c of d.nodes.changed) out.push(`  ~ ${c.name}  podCIDRs ${c.before.join(",") || "(none)"} -> ${c.after.join(",") || "(none)"}${c.destructive ? "  (destructive)" : ""}`);
  const moved: string[] = [];
  for (const [key, label] of HEADROOM_LABELS) {
    const x = d.headroom[key];
    if (x.before === x.after) continue;
    moved.push(`${label} ${x.before === null ? "?" : formatCount(x.before)} -> ${x.after === null ? "?" : formatCount(x.after)}${x.delta !== null ? ` (${formatDelta(x.delta)})` : ""}`);
  }
  if (moved.length > 0) out.push(`  ~ headroom  ${moved.join("; ")}`);
  return out;
}

/** `8 steps -> 9 steps`, or `8 steps` when both timelines have as many. */
function timelineSteps(t: TimelineDiff, arrow: string): string {
  const { before, after } = t.steps;
  return before === after ? plural(after ?? 0, "step") : `${plural(before ?? 0, "step")} ${arrow} ${plural(after ?? 0, "step")}`;
}

/** `step 3`, `step 3 -> 4` when the step moved, from 1 as the plan reports number them. */
function stepLabel(c: TimelineStepChange, arrow: string): string {
  const b = c.baseIndex === null ? null : c.baseIndex + 1;
  const h = c.headIndex === null ? null : c.headIndex + 1;
  if (b === null || h === null) return `step ${b ?? h}`;
  return b === h ? `step ${h}` : `step ${b} ${arrow} ${h}`;
}

function stepFindingText(f: TimelineStepFinding): string {
  return `${f.severity} ${f.code}${f.path ? ` (${f.path})` : ""}: ${f.message.split("\n")[0]}`;
}

/** A description on both sides: `before -> after`, or one when they are alike. */
function sidesText(x: { readonly before: string | null; readonly after: string | null }, arrow: string): string {
  if (x.before === null || x.after === null || x.before === x.after) return x.after ?? x.before ?? "";
  return `${x.before} ${arrow} ${x.after}`;
}

function appliedWord(x: { readonly before: boolean | null; readonly after: boolean | null }, arrow: string): string {
  const word = (v: boolean | null) => (v === false ? "refused" : "applied");
  if (x.before === x.after || x.before === null || x.after === null) return (x.after ?? x.before) === false ? "refused" : "";
  return `${word(x.before)} ${arrow} ${word(x.after)}`;
}

function timelineText(t: TimelineDiff): string[] {
  const out: string[] = [];
  for (const c of t.changes) {
    const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
    const only = c.change === "added" ? "  (head only)" : c.change === "removed" ? "  (base only)" : "";
    const applied = appliedWord(c.applied, "->");
    out.push(`  ${sign} ${stepLabel(c, "->")} ${c.action}: ${sidesText(c.description, "->")}${applied ? ` [${applied}]` : ""}${only}`);
    const totals = changesText([
      ["time (s)", c.time, "count"],
      ["without address", c.podsFailed, "count"],
      ["unschedulable", c.podsUnschedulable, "count"],
      ["blocks", c.blocksClaimed, "count"],
      ["borrowed", c.borrowedAddresses, "count"],
    ]);
    if (c.change === "changed" && totals) out.push(`      ${totals}`);
    for (const p of c.pools) out.push(`      pool ${p.name}: ${timelinePoolText(p)}`);
    for (const f of c.findings.appeared) out.push(`      + ${stepFindingText(f)}`);
    for (const f of c.findings.resolved) out.push(`      - ${stepFindingText(f)}`);
  }
  return out;
}

function timelinePoolText(p: TimelineStepChange["pools"][number]): string {
  return changesText([
    ["in use", p.addressesInUse, "count"],
    ["utilization", p.utilization, "fraction"],
    ["blocks", p.blocksClaimed, "count"],
    ["borrowed", p.borrowedAddresses, "count"],
    ["headroom nodes", p.headroomNodes, "count"],
    ["headroom pods", p.headroomPods, "count"],
  ]);
}

/** A count of a step: its value alone for a step of one side only, else as {@link countCell}. */
function stepCountCell(c: CountChange<number>): string {
  return c.before === null || c.after === null ? formatCount(c.after ?? c.before ?? 0) : countCell(c);
}

function timelineMarkdown(t: TimelineDiff, collapseAbove: number, maxFindings: number): string {
  const rows = t.changes.map((c) => {
    const change = c.change === "added" ? "added (head only)" : c.change === "removed" ? "removed (base only)" : "changed";
    const applied = appliedWord(c.applied, "→");
    const pools = c.pools.map((p) => {
      const moved = [
        p.utilization.before !== p.utilization.after ? fractionCell(p.utilization) : "",
        p.blocksClaimed.before !== p.blocksClaimed.after ? `blocks ${countCell(p.blocksClaimed)}` : "",
        p.borrowedAddresses.before !== p.borrowedAddresses.after ? `borrowed ${countCell(p.borrowedAddresses)}` : "",
        p.headroomPods.before !== p.headroomPods.after ? `room for ${countCell(p.headroomPods)} pods` : "",
        p.headroomNodes.before !== p.headroomNodes.after ? `room for ${countCell(p.headroomNodes)} nodes` : "",
      ].filter((x) => x !== "");
      return `${mdCode(p.name, { cell: true })} ${moved.join(", ")}`;
    });
    const findings = c.findings.appeared.length + c.findings.resolved.length > 0 ? `+${c.findings.appeared.length} / −${c.findings.resolved.length}` : "—";
    return [
      stepLabel(c, "→"),
      mdCode(c.action, { cell: true }),
      change,
      (applied ? `**${applied}**: ` : "") + mdText(sidesText(c.description, "→"), { cell: true }),
      stepCountCell(c.podsFailed),
      stepCountCell(c.blocksClaimed),
      stepCountCell(c.borrowedAddresses),
      pools.join("<br>") || "—",
      findings,
    ];
  });
  const table = mdTable(["Step", "Action", "Change", "What happened (base → head)", "Without address", "Blocks", "Borrowed", "Pools", "Findings new / resolved"], "lllllrrll", rows);
  const lines: string[] = [];
  for (const c of t.changes) {
    for (const f of c.findings.appeared) lines.push(`- ${mdText(stepLabel(c, "→"))}, new: ${f.severity} ${mdCode(f.code)}${f.path ? ` (${mdCode(f.path)})` : ""}: ${mdText(f.message)}`);
    for (const f of c.findings.resolved) lines.push(`- ${mdText(stepLabel(c, "→"))}, resolved: ${f.severity} ${mdCode(f.code)}${f.path ? ` (${mdCode(f.path)})` : ""}: ${mdText(f.message)}`);
  }
  const parts = [
    "### Timeline",
    `${timelineSteps(t, "→")}; steps are paired by action in order, and only the steps whose outcome differs are listed.`,
    rows.length > collapseAbove ? mdDetails(`${rows.length} steps`, table) : table,
  ];
  if (lines.length > 0) {
    const shown = lines.slice(0, maxFindings).join("\n");
    const rest = lines.length > maxFindings ? `\n\n${mdDetails(`${lines.length - maxFindings} more`, lines.slice(maxFindings).join("\n"))}` : "";
    parts.push(`**Findings by step**\n\n${shown}${rest}`);
  }
  return parts.join("\n\n");
}
