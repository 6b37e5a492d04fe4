/**
 * The data the pictures draw: a plan report's address map with the text a person reads on hover,
 * counts already formatted (exact, never in scientific notation). Shared by `plan.html` and `plan.svg`.
 */
import { AddressMap, BlockOffset, MapKind, MapRect, blockOffsets, hilbertRect, layoutAddressMap } from "./address-map";
import type { Severity } from "../validation/finding";
import type { PlanDiff } from "./diff";
import { formatCount, formatFraction } from "./format";
import type { PlanReport, ReportPool, ReportPoolUsage } from "./schema";

/** How a range changed in a diff; "" when it did not (or outside a diff). */
export type MapStatus = "" | "added" | "changed" | "draining" | "removed";

/** One range to draw: `[kind, name, cidr, x, y, w, h, status, pool index or -1]`. */
export type ModelRange = [MapKind, string, string, number, number, number, number, MapStatus, number];

/**
 * A pool's claimed blocks, column by column (one array per field, the i-th block at index i of each):
 * compact to build, to serialize and to parse at 100,000 blocks, where an object or array per block
 * is not. Where blocks sit: when every block of the pool has the same size, `index` (the block's
 * position in the pool, in blocks) with `sizeBits` and `poolBits`, from which the page places it on the
 * pool's Hilbert curve exactly as {@link hilbertRect} does; otherwise `rect`. Columns that would hold
 * only zeros are left out.
 */
export interface ModelBlocks {
  readonly cidr: string[];
  /** Index of the block's node in the view's `nodes`, or -1 (no affinity). */
  readonly owner: number[];
  readonly inUse: number[];
  /** Addresses in each block; one number when every block has the same. */
  readonly capacity: number | number[];
  /** Windows-reserved addresses; absent when none. */
  readonly reserved?: number[];
  /** Addresses held by other nodes than the owner; absent when none. */
  readonly borrowedBy?: number[];
  /** Addresses covered by IP reservations; absent when none. */
  readonly ipReserved?: number[];
  /** Position of each block in the pool, in blocks (`(block − pool) / block size`). */
  readonly index?: number[];
  /** log2 of a block's addresses, with `index`. */
  readonly sizeBits?: number;
  /** log2 of the pool's addresses, with `index`. */
  readonly poolBits?: number;
  /** Without `index`: where each block sits in its pool's frame, four numbers per block, `x, y, w, h`. */
  readonly rect?: number[];
}

/** Blocks are placed by `index` when their position in blocks stays an exact number on the page (and its Hilbert walk exact). */
const MAX_INDEX_BITS = 48;

/**
 * Block columns placed by index whose CIDR texts are each exactly `Cidr.toString` of an IPv4 block, in
 * a pool whose text is too (both read by the canonical IPv4 reader, see {@link BlockOffset}): the pool's
 * text, by columns. The packer (map-pack.ts) then knows without reading them again that the page can
 * write them from the pool's text and the positions.
 */
export const canonicalIpv4Blocks = new WeakMap<ModelBlocks, string>();

/**
 * The columns of a pool's blocks (see {@link ModelBlocks}); `ownerOf` indexes the nodes. Lists made at
 * their length and walked by index: built once per pool for 100,000 blocks in a fresh process, where
 * every byte allocated costs (see docs/benchmarks.md).
 */
function blockColumns(placed: readonly BlockOffset[], ownerOf: (node: string | null) => number): ModelBlocks {
  const n = placed.length;
  const cidr = new Array<string>(n);
  const owner = new Array<number>(n);
  const inUse = new Array<number>(n);
  // Made only when a block needs them (most pools: one capacity, no reserved or borrowed addresses).
  let capacity: number[] | undefined;
  let reserved: number[] | undefined;
  let borrowedBy: number[] | undefined;
  let ipReserved: number[] | undefined;
  let sameSize = true;
  const canonicalPool = n > 0 ? placed[0].canonicalPool : null;
  let canonical = canonicalPool !== null;
  const sizeBits = n > 0 ? placed[0].sizeBits : 0;
  const poolBits = n > 0 ? placed[0].poolBits : 0;
  const capacity0 = n > 0 ? placed[0].block.capacity : 0;
  for (let i = 0; i < n; i++) {
    const p = placed[i];
    const b = p.block;
    cidr[i] = b.cidr;
    owner[i] = ownerOf(b.owner);
    inUse[i] = b.inUse;
    if (capacity === undefined && b.capacity !== capacity0) capacity = column(n, i, capacity0);
    if (capacity !== undefined) capacity[i] = b.capacity;
    if (reserved === undefined && b.reserved !== 0) reserved = column(n, i, 0);
    if (reserved !== undefined) reserved[i] = b.reserved;
    if (borrowedBy === undefined && b.borrowedBy !== 0) borrowedBy = column(n, i, 0);
    if (borrowedBy !== undefined) borrowedBy[i] = b.borrowedBy;
    if (ipReserved === undefined && b.ipReserved !== 0) ipReserved = column(n, i, 0);
    if (ipReserved !== undefined) ipReserved[i] = b.ipReserved;
    if (p.sizeBits !== sizeBits) sameSize = false;
    if (p.canonicalPool !== canonicalPool) canonical = false;
  }
  const byIndex = sameSize && poolBits - sizeBits <= MAX_INDEX_BITS;
  // Fields in the model's order: cidr, owner, inUse, capacity, the optional columns, then where blocks sit.
  const columns: { -readonly [K in keyof ModelBlocks]: ModelBlocks[K] } = { cidr, owner, inUse, capacity: capacity ?? (n > 0 ? capacity0 : []) };
  if (reserved) columns.reserved = reserved;
  if (borrowedBy) columns.borrowedBy = borrowedBy;
  if (ipReserved) columns.ipReserved = ipReserved;
  if (byIndex) {
    columns.index = blockIndexes(placed, sizeBits, poolBits);
    columns.sizeBits = sizeBits;
    columns.poolBits = poolBits;
    if (canonical && canonicalPool !== null) canonicalIpv4Blocks.set(columns, canonicalPool);
  } else {
    columns.rect = placed.flatMap((b) => rect(hilbertRect(b.offset, b.sizeBits, b.poolBits)));
  }
  return columns;
}

/** A column of `length` numbers whose first `upTo` are `before` (what every block before `upTo` had), the rest to be written. */
function column(length: number, upTo: number, before: number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < upTo; i++) out[i] = before;
  return out;
}

/**
 * Each block's position in its pool, in blocks: `offset >> sizeBits`, on plain numbers when the pool
 * holds at most 2^53 addresses (an offset is then exact as a number, and a multiple of the block's size).
 */
function blockIndexes(placed: readonly BlockOffset[], sizeBits: number, poolBits: number): number[] {
  const index = new Array<number>(placed.length);
  if (poolBits <= 53) {
    const unit = 2 ** sizeBits;
    for (let i = 0; i < placed.length; i++) index[i] = Number(placed[i].offset) / unit;
  } else {
    const shift = BigInt(sizeBits);
    for (let i = 0; i < placed.length; i++) index[i] = Number(placed[i].offset >> shift);
  }
  return index;
}

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
  readonly blocks: ModelBlocks;
  /** Findings pinned on blocks (`inspect`): `[block index, finding indexes into the view's findings]`. */
  readonly pins?: Array<[number, number[]]>;
}

/** One family's map. */
export interface ModelFamily {
  readonly family: 4 | 6;
  readonly root: string;
  readonly size: readonly [number, number];
  readonly ranges: ModelRange[];
  /** Hover text per range, same order; "" for a pool (its text is the pool's `tip`). */
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
  const tipParts: Array<TipParts | undefined> = new Array<TipParts | undefined>(report.pools.length);
  const heads: PoolHead[] = report.pools.map((p, i) => {
    // Built field by field, not spread: 10,000 pools.
    const t = poolTexts(p, usage.get(p.name), report.simulation !== undefined);
    tipParts[i] = t.parts;
    return {
      blockUse: t.blockUse,
      addressUse: t.addressUse,
      blocksText: t.blocksText,
      addressesText: t.addressesText,
      headroomText: t.headroomText,
      tip: t.tip,
      name: p.name,
      cidr: p.cidr ?? "",
      family: p.family,
      size: ownSize(p.cidr, p.family),
      status: statuses.get(p.name) ?? (p.disabled ? "draining" : ""),
      disabled: p.disabled,
    };
  });
  const view = assembleView(label, layoutAddressMap(withGhosts, { blocks: false }), blockOffsets(report), heads, (kind, name) => (kind === "retired" && statuses.get(name) === "removed" ? "removed" : ""));
  for (let i = 0; i < view.pools.length; i++) {
    const parts = tipParts[i];
    if (parts) poolTipParts.set(view.pools[i], parts);
  }
  return view;
}

/** A pool's texts and gauges, before its blocks are placed. */
export type PoolHead = Omit<ModelPool, "blocks" | "pins">;

/**
 * A view from a laid-out map (its ranges), the blocks of each pool ({@link blockOffsets}) and the
 * pools' texts: blocks in columns with their owners (nodes) indexed, ranges with their hover texts. `rangeStatus` marks ranges that are not pools.
 */
export function assembleView(
  label: string,
  map: AddressMap,
  offsets: ReadonlyMap<string, readonly BlockOffset[]>,
  heads: readonly PoolHead[],
  rangeStatus: (kind: MapKind, name: string) => MapStatus = () => "",
): ModelView {
  const nodes: string[] = [];
  const nodeIndex = new Map<string, number>();
  const ownerOf = (node: string | null): number => {
    if (node === null) return -1;
    let i = nodeIndex.get(node);
    if (i === undefined) {
      i = nodes.length;
      nodes.push(node);
      nodeIndex.set(node, i);
    }
    return i;
  };
  const poolIndex = new Map<string, number>();
  const pools: ModelPool[] = heads.map((head, i) => {
    poolIndex.set(head.name, i);
    const blocks = blockColumns(offsets.get(head.name) ?? [], ownerOf);
    return { ...head, blocks };
  });
  const families: ModelFamily[] = map.families.map((f) => {
    const ranges: ModelRange[] = [];
    const tips: string[] = [];
    for (let i = 0; i < f.ranges.length; i++) {
      const r = f.ranges[i];
      const pool = r.kind === "pool" ? (poolIndex.get(r.name) ?? -1) : -1;
      const status: MapStatus = pool >= 0 ? pools[pool].status : rangeStatus(r.kind, r.name);
      const q = r.rect;
      ranges.push([r.kind, r.name, r.cidr, short(q[0]), short(q[1]), short(q[2]), short(q[3]), status, pool]);
      // A pool's hover text is its pool's `tip`: not repeated here (10,000 pools would carry it twice).
      tips.push(pool >= 0 ? "" : `${KIND_LABEL[r.kind]} ${r.cidr} · ${r.name}${status === "removed" ? "\nremoved from code in this change" : ""}`);
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

/** The parts of a pool's hover text around its name, CIDR and gauge texts: see {@link poolTip}. */
export type TipParts = readonly [mid: string, label: string, tail: string];

/**
 * A pool's hover text from its parts: `IP pool <name> · <cidr><mid>\n<blocksText>\n<addressesText>\n<label><headroomText><tail>`
 * (the page's `poolTip` writes it the same way from the packed parts).
 */
export function poolTip(p: Pick<ModelPool, "name" | "cidr" | "blocksText" | "addressesText" | "headroomText">, parts: TipParts): string {
  return `IP pool ${p.name} · ${p.cidr}${parts[0]}\n${p.blocksText}\n${p.addressesText}\n${parts[1]}${p.headroomText}${parts[2]}`;
}

/**
 * Pools whose hover text the model wrote with {@link poolTip}, and its parts: the packer (map-pack.ts)
 * takes them from here instead of finding them in the text again.
 */
export const poolTipParts = new WeakMap<ModelPool, TipParts>();

function poolTexts(p: ReportPool, u: ReportPoolUsage | undefined, simulated: boolean): Pick<ModelPool, "blockUse" | "addressUse" | "blocksText" | "addressesText" | "headroomText" | "tip"> & { parts?: TipParts } {
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
  const tail = `${borrowed}\n${u.nodesWithBlocks} of ${u.nodesSelected} selected nodes hold blocks`;
  if (p.cidr !== null) {
    // The head's CIDR is the model's: the text is poolTip's, and its parts are kept for the packer.
    const parts: TipParts = [`${p.blockSize !== null ? ` · /${p.blockSize} blocks` : ""}${p.disabled ? " · disabled (draining)" : ""}`, "headroom: ", tail];
    const tip = poolTip({ name: p.name, cidr: p.cidr, blocksText, addressesText, headroomText }, parts);
    return { blockUse: u.blockUtilization, addressUse: u.utilization, blocksText, addressesText, headroomText, tip, parts };
  }
  return {
    blockUse: u.blockUtilization,
    addressUse: u.utilization,
    blocksText,
    addressesText,
    headroomText,
    tip: `${head}\n${blocksText}\n${addressesText}\nheadroom: ${headroomText}${tail}`,
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
