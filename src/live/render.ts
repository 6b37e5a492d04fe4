import { IPAM_SHOW_COLUMNS } from "../report";
import { formatCount, formatGoPercent, mdCode, mdText, plural } from "../report/format";
import { mdTable } from "../report/markdown";
import { asciiTable } from "../report/table";
import type { BlockUtilization } from "./check";
import type { InspectFinding } from "./model";
import type { InspectReport } from "./report";

/** What the text and Markdown forms show besides the pools, as calicoctl's flags. */
export interface InspectRenderOptions {
  /** `Block` rows under each pool (`calicoctl ipam show --show-blocks`). @default false */
  readonly showBlocks?: boolean;
  /** The borrowed addresses table (`--show-borrowed`). @default false */
  readonly showBorrowed?: boolean;
  /** The IPAM configuration table (`--show-configuration`). @default false */
  readonly showConfiguration?: boolean;
}

/** `calicoctl ipam show --show-borrowed` columns. */
export const BORROWED_COLUMNS: readonly string[] = ["IP", "BORROWING-NODE", "BLOCK", "BLOCK OWNER", "TYPE", "ALLOCATED-TO"];
/** `calicoctl ipam show --show-configuration` columns. */
export const CONFIGURATION_COLUMNS: readonly string[] = ["PROPERTY", "VALUE"];

// Counts are exact (`65,536`, `2^64`), not calicoctl's `%.5g` (`1.8447e+19`): people read them.
function row(kind: string, cidr: string, capacity: bigint, inUse: bigint): string[] {
  const free = capacity - inUse;
  return [kind, cidr, formatCount(capacity), `${formatCount(inUse)} (${formatGoPercent(inUse, capacity)}%)`, `${formatCount(free)} (${formatGoPercent(free, capacity)}%)`];
}

/** The pool (and block) table rows in calicoctl's order: pools by name, each followed by its blocks; blocks of no pool last. */
function showRows(report: InspectReport, showBlocks: boolean): string[][] {
  const rows: string[][] = [];
  // A dump's blocks have few sizes and uses: each pair's count cells are made once (bigint text and
  // percentages), not once per block row.
  const cellsOf = new Map<number, Map<number, string[]>>();
  const blockRow = (b: BlockUtilization) => {
    let byUse = cellsOf.get(b.capacity);
    if (byUse === undefined) cellsOf.set(b.capacity, (byUse = new Map()));
    let cells = byUse.get(b.inUse);
    if (cells === undefined) byUse.set(b.inUse, (cells = row("Block", "", BigInt(b.capacity), BigInt(b.inUse))));
    return ["Block", b.cidr, cells[2], cells[3], cells[4]];
  };
  for (const p of report.pools) {
    rows.push(row("IP Pool", p.cidr, BigInt(p.addressesTotal), BigInt(p.addressesInUse)));
    if (showBlocks) for (const b of report.blocks) if (b.pool === p.name) rows.push(blockRow(b));
  }
  // calicoctl groups blocks of no pool under a hidden 0.0.0.0/0 pool: only their block rows show.
  if (showBlocks) for (const b of report.blocks) if (b.pool === null) rows.push(blockRow(b));
  return rows;
}

function configurationRows(report: InspectReport): string[][] {
  const c = report.ipamConfiguration;
  // calicoctl prints the IPAMConfig struct's fields with Go's %#v.
  return [
    ["StrictAffinity", String(c.strictAffinity)],
    ["AutoAllocateBlocks", String(c.autoAllocateBlocks)],
    ["MaxBlocksPerHost", String(c.maxBlocksPerHost)],
    ["KubeVirtVMAddressPersistence", JSON.stringify(c.kubeVirtVMAddressPersistence)],
  ];
}

function checkLines(report: InspectReport): string[] {
  const k = report.checks;
  return [
    `Found ${k.blocks} IPAM blocks.`,
    `IPAM blocks record ${k.allocations} allocations.`,
    `Found ${k.activePools} active IP pools.`,
    `Found ${k.nodeTunnelAddresses} node tunnel IPs.`,
    `Found ${k.workloadAddresses} workload IPs.`,
    k.leakedAddresses === null ? "Leaked IPs unknown: the dump has no pods, nodes or calicoctl ipam check report." : `Found ${k.leakedAddresses} IPs that are allocated in IPAM but not actually in use.`,
    `Found ${k.inUseOutsidePools} in-use IPs that are not in active IP pools.`,
    `Found ${k.inUseNotAllocated} in-use IPs that are in active IP pools but have no corresponding IPAM allocation.`,
    `Found ${k.leakedHandles} handles with no matching IPs (and ${k.handlesWithAddresses} handles with matches).`,
    `Found ${k.missingHandles} handles mentioned in blocks with no matching handle resource.`,
    `Found ${k.invalidBlocks} invalid IPAMBlocks.`,
    `Check complete; found ${k.problems} problems.`,
  ];
}

function findingsText(findings: readonly InspectFinding[]): string[] {
  if (findings.length === 0) return ["Findings: none."];
  const out = ["Findings:"];
  for (const f of findings) {
    out.push(`  ${f.severity.toUpperCase()} ${f.code} ${f.subject}${f.path ? ` (${f.path})` : ""}`);
    for (const line of f.message.split("\n")) out.push(`      ${line}`);
  }
  return out;
}

function driftText(report: InspectReport): string[] {
  const d = report.drift;
  if (!d) return [];
  const out = [`Drift against the plan (${d.plan}):`];
  if (d.poolsMissing.length + d.poolsExtra.length + d.poolsChanged.length === 0) out.push("  Pools: as planned.");
  for (const n of d.poolsMissing) out.push(`  - pool ${n}: planned, not in the cluster`);
  for (const n of d.poolsExtra) out.push(`  + pool ${n}: in the cluster, not planned`);
  for (const c of d.poolsChanged) out.push(`  ~ pool ${c.name}: ${c.fields.map((f) => `${f.field} ${f.plan} (plan) vs ${f.live} (cluster)`).join(", ")}`);
  if (d.poolsNotInLedger !== null) out.push(d.poolsNotInLedger.length === 0 ? "  Ledger: records every live pool." : `  Ledger: does not record ${d.poolsNotInLedger.join(", ")} (calico-ipam ledger adopt).`);
  return out;
}

/**
 * The report as text for a terminal: the `calicoctl ipam show` table (v3.32 layout; `Block` rows with
 * `showBlocks`), the borrowed addresses and the IPAM configuration tables when asked, the lines of
 * `calicoctl ipam check`, the drift against the plan, the findings and the notes.
 */
export function renderInspectText(report: InspectReport, options: InspectRenderOptions = {}): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`Calico IPAM state (${plural(report.files.length, "dump file")}): ${s.errors > 0 ? "FAILED" : "OK"}, ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}`);
  out.push("");
  const rows = showRows(report, options.showBlocks === true);
  out.push(rows.length > 0 ? asciiTable(IPAM_SHOW_COLUMNS, rows).trimEnd() : "No IP pool in the dump.");
  if (options.showBorrowed) {
    out.push("", asciiTable(BORROWED_COLUMNS, report.borrowed.map((b) => [b.address, b.borrowingNode, b.block, b.blockOwner, b.type, b.allocatedTo])).trimEnd());
    if (report.unclassifiedAllocations > 0) {
      out.push("", `Note: found ${report.unclassifiedAllocations} IP allocations without an explicit node association. Unable to determine if they are borrowed.`);
    }
  }
  if (options.showConfiguration) out.push("", asciiTable(CONFIGURATION_COLUMNS, configurationRows(report)).trimEnd());
  out.push("", "Consistency (calicoctl ipam check):", ...checkLines(report).map((l) => `  ${l}`));
  const drift = driftText(report);
  // (Lines added by a loop, not `push(...lines)`: a dump may give more findings than a call takes arguments.)
  const add = (lines: readonly string[]) => {
    for (const l of lines) out.push(l);
  };
  if (drift.length > 0) add(["", ...drift]);
  add(["", ...findingsText(report.findings)]);
  if (report.notes.length > 0) add(["", "Notes:", ...report.notes.map((n) => `  ${n}`)]);
  return `${out.join("\n")}\n`;
}

/** The report as Markdown (GitHub Flavored) for a pull request or an issue: the same sections as the text. */
export function renderInspectMarkdown(report: InspectReport, options: InspectRenderOptions = {}): string {
  const s = report.summary;
  const parts: string[] = [];
  parts.push(`## ${s.errors > 0 ? "❌" : "✅"} Calico IPAM state: ${s.errors > 0 ? plural(s.errors, "error") : "no errors"}, ${s.warnings > 0 ? plural(s.warnings, "warning") : "no warnings"}`);
  parts.push(`${plural(report.pools.length, "pool")} · ${formatCount(report.checks.blocks)} blocks · ${formatCount(report.checks.allocations)} allocations · from ${report.files.map((f) => mdCode(f)).join(", ")}`);
  const rows = showRows(report, options.showBlocks === true);
  if (rows.length > 0) parts.push(mdTable(IPAM_SHOW_COLUMNS, "llrrr", rows.map((r) => r.map((c, i) => (i === 1 ? mdCode(c, { cell: true }) : mdText(c, { cell: true }))))));
  if (options.showBorrowed && report.borrowed.length > 0) {
    parts.push("### Borrowed addresses", mdTable(BORROWED_COLUMNS, "llllll", report.borrowed.map((b) => [b.address, b.borrowingNode, b.block, b.blockOwner, b.type, b.allocatedTo].map((c) => mdText(c, { cell: true })))));
  }
  if (options.showConfiguration) parts.push("### IPAM configuration", mdTable(CONFIGURATION_COLUMNS, "ll", configurationRows(report).map((r) => r.map((c) => mdText(c, { cell: true })))));
  parts.push("### Consistency", checkLines(report).map((l) => `- ${mdText(l)}`).join("\n"));
  const drift = driftText(report);
  if (drift.length > 0) parts.push("### Drift", drift.slice(1).map((l) => `- ${mdText(l.trim())}`).join("\n"));
  if (report.findings.length > 0) {
    parts.push(
      "### Findings",
      report.findings.map((f) => `- ${f.severity === "error" ? "❌" : "⚠️"} **${mdText(f.code)}** ${mdCode(f.subject)}${f.path ? ` (${mdCode(f.path)})` : ""}: ${mdText(f.message)}`).join("\n"),
    );
  }
  if (report.notes.length > 0) parts.push("### Notes", report.notes.map((n) => `- ${mdText(n)}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}
