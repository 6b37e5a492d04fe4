/**
 * The data the pictures draw: a plan report's address map with the text a person reads on hover,
 * counts already formatted (exact, never in scientific notation). Shared by `plan.html` and `plan.svg`.
 */
import { AddressMap, MapKind, MapRect, layoutAddressMap } from "./address-map";
import type { Severity } from "../validation/finding";
import type { PlanDiff } from "./diff";
import { formatCount, formatFraction } from "./format";
import type { PlanReport, ReportPool, ReportPoolUsage } from "./schema";

/** How a range changed in a diff; "" when it did not (or outside a diff). */
export type MapStatus = "" | "added" | "changed" | "draining" | "removed";

/** One range to draw: `[kind, name, cidr, x, y, w, h, status, pool index or -1]`. */
export type ModelRange = [MapKind, string, string, number, number, number, number, MapStatus, number];

/** One block to draw, inside its pool: `[cidr, owner index or -1, inUse, reserved, capacity, borrowedBy, ipReserved, x, y, w, h]`. */
export type ModelBlock = [string, number, number, number, number, number, number, number, number, number, number];

/** One pool with its gauges and hover text. */
export interface ModelPool {
  readonly name: string;
  readonly cidr: string;
  readonly family: 4 | 6 | null;
  /** Width and height of the pool's own map (`[1, 1]`, or `[0.5, 1]` for an odd power of two), the frame of its blocks. */
  readonly size: readonly [number, number];
  /** Claimed / total blocks, 0..1; null when not simulated. */
  readonly blockUse: number | null;
  /** Addresses in use / total, 0..1; null when not simulated. */
  readonly addressUse: number | null;
  /** `4 / 8 blocks`, `216 / 512 addresses`, `+2 nodes, +288 pods` (or "not simulated"). */
  readonly blocksText: string;
  readonly addressesText: string;
  readonly headroomText: string;
  readonly status: MapStatus;
  readonly disabled: boolean;
  /** Hover text, one line per fact. */
  readonly tip: string;
  readonly blocks: ModelBlock[];
  /** Findings pinned on blocks (`inspect`): `[block index, finding indexes into the view's findings]`. */
  readonly pins?: Array<[number, number[]]>;
}

/** One family's map. */
export interface ModelFamily {
  readonly family: 4 | 6;
  readonly root: string;
  readonly size: readonly [number, number];
  readonly ranges: ModelRange[];
  /** Hover text per range, same order. */
  readonly tips: string[];
  /** Findings pinned on ranges (`inspect`): `[range index, finding indexes into the view's findings]`. */
  readonly pins?: Array<[number, number[]]>;
}

/** A finding to pin on the map: its severity, a short line (severity, code, subject) and the whole text. */
export type ModelFinding = [Severity, string, string];

/** One side of a picture: the plan, or the base or head of a diff. */
export interface ModelView {
  readonly label: string;
  readonly families: ModelFamily[];
  readonly pools: ModelPool[];
  /** Names of the block owners (nodes); blocks refer to them by index. */
  readonly nodes: string[];
  /** Findings pinned on the map (`inspect`); `pins` refer to them by index. */
  readonly findings?: ModelFinding[];
}

/** The whole picture. */
export interface MapModel {
  readonly title: string;
  /** The verdict line: errors, warnings, pools. */
  readonly summary: string;
  readonly ok: boolean;
  readonly views: ModelView[];
}

const KIND_LABEL: Record<MapKind, string> = {
  space: "address space",
  service: "Service CIDR",
  node: "node network",
  reserved: "reserved range",
  reservation: "IP reservation",
  retired: "retired pool (kept by the ledger until released)",
  orphan: "outside every pool",
  pool: "IP pool",
};

/** A number kept short for the picture's data: 1e-9 of a map's side is far below a pixel on any screen (smaller ranges are drawn at a minimum size). */
function short(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}

function rect(r: MapRect): [number, number, number, number] {
  return [short(r[0]), short(r[1]), short(r[2]), short(r[3])];
}

/** The model of one plan report; `statuses` marks pools and extra ranges of a diff. */
export function viewModel(label: string, report: PlanReport, statuses: ReadonlyMap<string, MapStatus> = new Map(), extra: readonly ReportPool[] = []): ModelView {
  const ghosts = extra.filter((p) => p.cidr !== null && p.blockSize !== null).map((p) => ({ name: p.name, cidr: p.cidr as string, blockSize: p.blockSize as number }));
  const withGhosts: PlanReport =
    ghosts.length === 0 ? report : { ...report, ranges: { addressSpaces: report.ranges?.addressSpaces ?? [], excluded: report.ranges?.excluded ?? [], retired: [...(report.ranges?.retired ?? []), ...ghosts] } };
  const usage = new Map((report.simulation?.pools ?? []).map((u) => [u.name, u]));
  const heads: PoolHead[] = report.pools.map((p) => ({
    ...poolTexts(p, usage.get(p.name), report.simulation !== undefined),
    name: p.name,
    cidr: p.cidr ?? "",
    family: p.family,
    size: ownSize(p.cidr, p.family),
    status: statuses.get(p.name) ?? (p.disabled ? "draining" : ""),
    disabled: p.disabled,
  }));
  return assembleView(label, layoutAddressMap(withGhosts), heads, (kind, name) => (kind === "retired" && statuses.get(name) === "removed" ? "removed" : ""));
}

/** A pool's texts and gauges, before its blocks are placed. */
export type PoolHead = Omit<ModelPool, "blocks" | "pins">;

/**
 * A view from a laid-out map and its pools' texts: blocks placed in their pools with their owners
 * (nodes) indexed, ranges with their hover texts. `rangeStatus` marks ranges that are not pools.
 */
export function assembleView(label: string, map: AddressMap, heads: readonly PoolHead[], rangeStatus: (kind: MapKind, name: string) => MapStatus = () => ""): ModelView {
  const nodes: string[] = [];
  const nodeIndex = new Map<string, number>();
  const poolIndex = new Map<string, number>();
  const pools: ModelPool[] = heads.map((head, i) => {
    poolIndex.set(head.name, i);
    const blocks: ModelBlock[] = (map.blocks.get(head.name) ?? []).map(({ block: b, rect: r }) => {
      let owner = -1;
      if (b.owner !== null) {
        owner = nodeIndex.get(b.owner) ?? nodes.length;
        if (owner === nodes.length) {
          nodes.push(b.owner);
          nodeIndex.set(b.owner, owner);
        }
      }
      return [b.cidr, owner, b.inUse, b.reserved, b.capacity, b.borrowedBy, b.ipReserved, ...rect(r)];
    });
    return { ...head, blocks };
  });
  const families: ModelFamily[] = map.families.map((f) => {
    const ranges: ModelRange[] = [];
    const tips: string[] = [];
    for (const r of f.ranges) {
      const pool = r.kind === "pool" ? (poolIndex.get(r.name) ?? -1) : -1;
      const status: MapStatus = pool >= 0 ? pools[pool].status : rangeStatus(r.kind, r.name);
      ranges.push([r.kind, r.name, r.cidr, ...rect(r.rect), status, pool]);
      tips.push(pool >= 0 ? pools[pool].tip : `${KIND_LABEL[r.kind]} ${r.cidr} · ${r.name}${status === "removed" ? "\nremoved from code in this change" : ""}`);
    }
    return { family: f.family, root: f.root, size: f.size, ranges, tips };
  });
  return { label, families, pools, nodes };
}

/** The frame of a pool's blocks: a square, or its left half when the pool's size is an odd power of two. */
export function ownSize(cidr: string | null, family: 4 | 6 | null): [number, number] {
  if (cidr === null || family === null) return [1, 1];
  const m = /\/(\d+)$/.exec(cidr);
  const bits = (family === 4 ? 32 : 128) - Number(m ? m[1] : 0);
  return bits % 2 === 1 ? [0.5, 1] : [1, 1];
}

function poolTexts(p: ReportPool, u: ReportPoolUsage | undefined, simulated: boolean): Pick<ModelPool, "blockUse" | "addressUse" | "blocksText" | "addressesText" | "headroomText" | "tip"> {
  const size = p.addressesTotal === null ? "?" : formatCount(p.addressesTotal);
  const head = `IP pool ${p.name} · ${p.cidr ?? "no range"}${p.blockSize !== null ? ` · /${p.blockSize} blocks` : ""}${p.disabled ? " · disabled (draining)" : ""}`;
  if (!u) {
    const unknown = simulated ? "not simulated" : "usage unknown";
    return { blockUse: null, addressUse: null, blocksText: `? / ${p.blocksTotal === null ? "?" : formatCount(p.blocksTotal)} blocks`, addressesText: `? / ${size} addresses`, headroomText: unknown, tip: `${head}\n${size} addresses · ${unknown}` };
  }
  const used = u.addressesInUse + u.addressesWindowsReserved;
  const blocksText = `${formatCount(u.blocksClaimed)} / ${formatCount(u.blocksTotal)} blocks (${formatFraction(u.blockUtilization)})`;
  const addressesText = `${formatCount(used)} / ${formatCount(u.addressesTotal)} addresses (${formatFraction(u.utilization)})`;
  const headroomText = [u.headroom.moreNodes !== null ? `+${formatCount(u.headroom.moreNodes)} nodes` : undefined, `+${formatCount(u.headroom.morePods)} pods`].filter(Boolean).join(", ");
  const borrowed = u.borrowedAddresses > 0 ? `\n${formatCount(u.borrowedAddresses)} borrowed addresses` : "";
  return {
    blockUse: u.blockUtilization,
    addressUse: u.utilization,
    blocksText,
    addressesText,
    headroomText,
    tip: `${head}\n${blocksText}\n${addressesText}\nheadroom: ${headroomText}${borrowed}\n${u.nodesWithBlocks} of ${u.nodesSelected} selected nodes hold blocks`,
  };
}

/** The model of a plan report: one view. */
export function planMapModel(report: PlanReport, title = "Calico IPAM plan"): MapModel {
  const s = report.summary;
  return { title, summary: summaryLine(report), ok: s.errors === 0, views: [viewModel("Plan", report)] };
}

/**
 * The model of a diff: base and head side by side. In the head, added pools are `added`, changed ones
 * `changed`, pools disabled by the change `draining`, and removed pools are drawn where they were, as
 * retired ranges marked `removed`; in the base, removed pools are `removed` and changed ones `changed`.
 */
export function diffMapModel(base: PlanReport, head: PlanReport, diff: PlanDiff, title = "Calico IPAM plan diff"): MapModel {
  const headStatus = new Map<string, MapStatus>();
  const baseStatus = new Map<string, MapStatus>();
  for (const p of diff.pools.added) headStatus.set(p.name, p.disabled ? "draining" : "added");
  for (const c of diff.pools.changed) {
    const drained = c.changes.some((f) => f.field === "disabled" && f.after === true);
    headStatus.set(c.name, drained ? "draining" : "changed");
    baseStatus.set(c.name, "changed");
  }
  for (const p of diff.pools.removed) {
    baseStatus.set(p.name, "removed");
    headStatus.set(p.name, "removed");
  }
  const retiredInHead = new Set((head.ranges?.retired ?? []).map((r) => r.name));
  const ghosts = diff.pools.removed.filter((p) => !retiredInHead.has(p.name));
  const verdict = diff.destructive ? `${diff.destructiveChanges.length} destructive` : diff.summary.changes === 0 ? "no changes" : `${diff.summary.changes} changes, none destructive`;
  return {
    title,
    summary: `${verdict} · base: ${summaryLine(base)} · head: ${summaryLine(head)}`,
    ok: !diff.destructive && head.summary.errors === 0,
    views: [viewModel("Base", base, baseStatus), viewModel("Head", head, headStatus, ghosts)],
  };
}

function summaryLine(report: PlanReport): string {
  const s = report.summary;
  return `${s.errors} ${s.errors === 1 ? "error" : "errors"}, ${s.warnings} ${s.warnings === 1 ? "warning" : "warnings"}, ${report.pools.length} ${report.pools.length === 1 ? "pool" : "pools"}`;
}
