/**
 * The address map: where each range of a plan sits in its address space, as rectangles, for the
 * pictures (`plan.html`, `plan.svg`). Pure data from a plan report, no drawing.
 *
 * Layout: a Hilbert curve. The addresses of a family's map (the smallest CIDR that holds every range
 * of the plan) run along a Hilbert curve over a square, so
 *   - every CIDR is one rectangle (a square, or two squares side by side when its size is an odd power
 *     of two), never a ragged strip as in a row-by-row layout;
 *   - areas are proportional to address counts;
 *   - ranges next to each other in the address space are next to each other on the map, and a CIDR's
 *     halves, quarters and blocks lie inside its rectangle: the map keeps CIDR nesting and adjacency.
 * A treemap (squarified) would also give areas, but it re-orders ranges by size and loses adjacency;
 * a linear bar keeps order but makes a /24 next to a /8 invisible. The Hilbert curve is how IP space
 * is drawn since the "Map of the Internet" (xkcd 195) and ipv4-heatmap.
 *
 *   order 1      order 2            A /n at offset o: cell index o / 4^m at order k, where
 *   ┌──┬──┐      ┌──┬──┬──┬──┐        2m ≤ (bits − n) — one cell, or two siblings when
 *   │0 │3 │      │0 │1 │14│15│        (bits − n) is odd, and the two are always adjacent.
 *   ├──┼──┤      │3 │2 │13│12│
 *   │1 │2 │      │4 │7 │8 │11│
 *   └──┴──┘      │5 │6 │9 │10│
 *                └──┴──┴──┴──┘
 *
 * Cost grows with the number of ranges, never with their size: one walk of (bits − prefix) / 2 levels per range.
 */
import { Cidr, readIPv4CidrFast } from "../ip/cidr";
import { compareText } from "./format";
import type { PlanReport, ReportBlock } from "./schema";

/** A rectangle in map units: the map of a family is the unit square (or its left half). `[x, y, w, h]`. */
export type MapRect = readonly [number, number, number, number];

/**
 * What a range on the map is. `orphan`: in a live cluster (`inspect`), a block of no pool or an address
 * in use outside every pool.
 */
export type MapKind = "space" | "service" | "node" | "reserved" | "reservation" | "retired" | "orphan" | "pool";

/**
 * What the layout reads: the parts of a plan report it draws (a {@link PlanReport} is one), or the same
 * built from a live cluster's dump. `orphans` are drawn as ranges of kind `orphan`.
 */
export interface MapSource {
  readonly ranges?: PlanReport["ranges"];
  readonly reservations: ReadonlyArray<{ readonly name: string; readonly reservedCidrs: readonly string[] }>;
  readonly pools: ReadonlyArray<{ readonly name: string; readonly cidr: string | null }>;
  readonly simulation?: { readonly blocks: readonly ReportBlock[] };
  readonly orphans?: ReadonlyArray<{ readonly name: string; readonly cidr: string }>;
}

/** One range on the map. */
export interface MapRange {
  readonly kind: MapKind;
  /** The pool, address space or IPReservation name; the reason for an excluded range. */
  readonly name: string;
  readonly cidr: string;
  readonly rect: MapRect;
}

/** A claimed block, placed inside its pool's rectangle (rectangle relative to the pool: the pool is the unit square or its left half). */
export interface MapBlock {
  readonly block: ReportBlock;
  readonly rect: MapRect;
}

/** One map of an IP family: a family whose ranges lie far apart has several. */
export interface FamilyMap {
  readonly family: 4 | 6;
  /** The CIDR the map shows: the smallest that holds a group of neighbouring ranges (see {@link mapRoots}). */
  readonly root: string;
  /** Width and height of the root in map units: `[1, 1]`, or `[0.5, 1]` when its size is an odd power of two. */
  readonly size: readonly [number, number];
  /** Address spaces and excluded ranges first, then reservations, retired ranges, pools and orphans: the drawing order. */
  readonly ranges: readonly MapRange[];
}

/** The whole map of a plan: per family, and the blocks of each pool. */
export interface AddressMap {
  /** IPv4 maps first, each family's in address order; a family with no range has no map. */
  readonly families: readonly FamilyMap[];
  /** Blocks by pool name, in address order, each placed inside its pool. */
  readonly blocks: ReadonlyMap<string, readonly MapBlock[]>;
}

/** Levels walked on plain numbers (indexes below 2^52); deeper ones walk the digits of the bigint. */
const MAX_LEVELS = 26;

/**
 * The rectangle of the range `[offset, offset + 2^sizeBits)` inside a map of `2^rootBits` addresses.
 * `offset` must be a multiple of `2^sizeBits` and `sizeBits ≤ rootBits`.
 */
export function hilbertRect(offset: bigint, sizeBits: number, rootBits: number): MapRect {
  if (sizeBits > rootBits || sizeBits < 0) throw new RangeError(`a range of 2^${sizeBits} addresses does not fit a map of 2^${rootBits}`);
  const order = Math.ceil(rootBits / 2);
  const m = Math.floor(sizeBits / 2);
  const k = order - m;
  const index = offset >> BigInt(2 * m);
  const side = 2 ** -k;
  const [x0, y0] = cell(index, k);
  if (sizeBits % 2 === 0) return [x0 * side, y0 * side, side, side];
  const [x1, y1] = cell(index + 1n, k);
  return [Math.min(x0, x1) * side, Math.min(y0, y1) * side, (Math.abs(x1 - x0) + 1) * side, (Math.abs(y1 - y0) + 1) * side];
}

/** The cell of Hilbert index `d` on a `2^k × 2^k` grid (column, row), in units of cells. */
function cell(d: bigint, k: number): [number, number] {
  if (k <= MAX_LEVELS) return d2xy(Number(d), k);
  // Deep (IPv6) ranges: the same walk over the base-4 digits of the bigint. Coordinates stay exact up
  // to 2^53 cells a side, past which the error is below 2^-53 of the map.
  const digits = d.toString(4).padStart(k, "0");
  let x = 0;
  let y = 0;
  let s = 1;
  for (let i = digits.length - 1; i >= digits.length - k; i--, s *= 2) {
    const q = digits.charCodeAt(i) - 48;
    const rx = q >> 1;
    const ry = (q & 1) ^ rx;
    [x, y] = rotate(s, x, y, rx, ry);
    x += s * rx;
    y += s * ry;
  }
  return [x, y];
}

/** The turn of a Hilbert quadrant: the first and last quadrants are mirrored along a diagonal. */
function rotate(s: number, x: number, y: number, rx: number, ry: number): [number, number] {
  if (ry !== 0) return [x, y];
  return rx === 1 ? [s - 1 - y, s - 1 - x] : [y, x];
}

/** Hilbert index to cell on a `2^k` grid (the classic iterative d2xy), exact for `d < 2^52`. */
function d2xy(d: number, k: number): [number, number] {
  let x = 0;
  let y = 0;
  let t = d;
  for (let s = 1; s < 2 ** k; s *= 2) {
    // Parity by arithmetic: d may exceed 2^32, where bitwise operators would cut it.
    const rx = Math.floor(t / 2) % 2;
    const ry = (t % 2) ^ rx;
    [x, y] = rotate(s, x, y, rx, ry);
    x += s * rx;
    y += s * ry;
    t = Math.floor(t / 4);
  }
  return [x, y];
}

/** The smallest CIDR that holds every one of `cidrs` (all of one family). */
export function coveringCidr(cidrs: readonly Cidr[]): Cidr {
  let lo = cidrs[0].first;
  let hi = cidrs[0].last;
  for (const c of cidrs) {
    if (c.first < lo) lo = c.first;
    if (c.last > hi) hi = c.last;
  }
  const bits = cidrs[0].bits;
  let prefix = Math.min(...cidrs.map((c) => c.prefix));
  while (prefix > 0 && (lo >> BigInt(bits - prefix)) !== (hi >> BigInt(bits - prefix))) prefix--;
  return Cidr.containing(cidrs[0].family, lo, prefix);
}

/**
 * The ranges of a map fill at least 1/2^MERGE_BITS of its area: ranges far apart (a node network in
 * 192.168.0.0/16 beside pods in 10.32.0.0/12) get maps of their own instead of one map of 0.0.0.0/0
 * on which both are dots, while many neighbours (a pool per rack) share one.
 */
const MERGE_BITS = 4;

/**
 * The roots of a family's maps, in address order: the outermost ranges, neighbours merged into their
 * covering CIDR while together they still fill at least 1/2^{@link MERGE_BITS} of it.
 */
export function mapRoots(cidrs: readonly Cidr[]): Cidr[] {
  const sorted = [...cidrs].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.prefix - b.prefix));
  const outer: Cidr[] = [];
  // Sorted by start, larger first: a range inside an outer one is inside the last outer one kept.
  for (const c of sorted) if (outer.length === 0 || !outer[outer.length - 1].contains(c)) outer.push(c);
  const roots: Cidr[] = [];
  let held = 0n;
  let cover: Cidr | undefined;
  for (const c of outer) {
    if (cover) {
      const merged = coveringCidr([cover, c]);
      if ((held + c.size) << BigInt(MERGE_BITS) >= merged.size) {
        held += c.size;
        cover = merged;
        continue;
      }
      keep(roots, cover);
    }
    held = c.size;
    cover = c;
  }
  if (cover) keep(roots, cover);
  return roots;
}

/** Adds a root; a covering CIDR aligned down can hold the roots before it, which it then replaces. */
function keep(roots: Cidr[], root: Cidr): void {
  while (roots.length > 0 && root.contains(roots[roots.length - 1])) roots.pop();
  roots.push(root);
}

/** The root that holds `cidr`: roots are disjoint and in address order, so a binary search finds it. */
function rootIndex(roots: readonly Cidr[], cidr: Cidr): number {
  let lo = 0;
  let hi = roots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (roots[mid].first <= cidr.first) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A CIDR or single address of a report, or undefined when it does not parse. */
function readCidr(text: string | null): Cidr | undefined {
  if (text === null) return undefined;
  const whole = Cidr.tryParse(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
  return whole.ok ? whole.cidr : undefined;
}

/**
 * Lays out a plan report's ranges on a Hilbert map per family: address spaces, excluded ranges
 * (`ranges`), IP reservations, retired ranges of the ledger and pools; and each claimed block inside
 * its pool (unless `options.blocks` is false: the pictures place blocks from {@link blockOffsets}).
 * Ranges that do not parse are left out (the findings name them).
 */
export function layoutAddressMap(report: MapSource, options: { readonly blocks?: boolean } = {}): AddressMap {
  const entries: Array<{ kind: MapKind; name: string; cidr: Cidr }> = [];
  const add = (kind: MapKind, name: string, text: string | null) => {
    const cidr = readCidr(text);
    if (cidr) entries.push({ kind, name, cidr });
  };
  for (const s of report.ranges?.addressSpaces ?? []) add("space", s.name, s.cidr);
  for (const x of report.ranges?.excluded ?? []) add(x.kind, x.reason, x.cidr);
  for (const r of report.reservations) for (const c of r.reservedCidrs) add("reservation", r.name, c);
  for (const r of report.ranges?.retired ?? []) add("retired", r.name, r.cidr);
  for (const o of report.orphans ?? []) add("orphan", o.name, o.cidr);
  for (const p of report.pools) add("pool", p.name, p.cidr);

  const families: FamilyMap[] = [];
  for (const family of [4, 6] as const) {
    const own = entries.filter((e) => e.cidr.family === family);
    const roots = mapRoots(own.map((e) => e.cidr));
    const members = roots.map(() => [] as typeof own);
    for (const e of own) members[rootIndex(roots, e.cidr)].push(e);
    roots.forEach((root, i) => {
      const rootBits = root.bits - root.prefix;
      const full = hilbertRect(0n, rootBits, rootBits);
      const ranges = members[i].map((e) => ({ kind: e.kind, name: e.name, cidr: e.cidr.toString(), rect: hilbertRect(e.cidr.first - root.first, e.cidr.bits - e.cidr.prefix, rootBits) }));
      families.push({ family, root: root.toString(), size: [full[2], full[3]], ranges: ranges.sort(drawOrder) });
    });
  }

  const blocks = new Map<string, MapBlock[]>();
  if (options.blocks !== false) {
    for (const [pool, list] of blockOffsets(report)) {
      blocks.set(
        pool,
        list.map((b) => ({ block: b.block, rect: hilbertRect(b.offset, b.sizeBits, b.poolBits) })),
      );
    }
  }
  return { families, blocks };
}

/** A claimed block inside its pool, before it is placed: its offset from the pool's first address and the bits of both. */
export interface BlockOffset {
  readonly block: ReportBlock;
  /** The block's first address minus the pool's. */
  readonly offset: bigint;
  /** log2 of the block's addresses (32 − prefix for IPv4). */
  readonly sizeBits: number;
  /** log2 of the pool's addresses. */
  readonly poolBits: number;
  /**
   * The pool's CIDR text when both it and the block's are IPv4 written exactly as `Cidr.toString` writes
   * them (read by the canonical IPv4 reader); null otherwise. The page then writes the block's CIDR
   * from the pool's and the block's position (see map-pack.ts).
   */
  readonly canonicalPool: string | null;
}

/**
 * The claimed blocks of each pool with their offsets in it (the input of {@link hilbertRect}), by pool
 * name, in report order. Blocks outside their pool or that do not parse are left out.
 */
export function blockOffsets(report: MapSource): Map<string, BlockOffset[]> {
  const out = new Map<string, BlockOffset[]>();
  // Per pool: its CIDR, and when its text is canonical IPv4, that text and its network × 64 + prefix.
  const pools = new Map<string, { cidr: Cidr | undefined; canonical: string | null; v4: number }>();
  for (const p of report.pools) {
    const v4 = p.cidr === null ? -1 : readIPv4CidrFast(p.cidr, true);
    pools.set(p.name, { cidr: readCidr(p.cidr), canonical: v4 >= 0 ? p.cidr : null, v4 });
  }
  const blocks = report.simulation?.blocks ?? [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const entry = pools.get(b.pool);
    if (!entry || !entry.cidr) continue;
    // The canonical IPv4 reader first (what readCidr's parse tries first too), on plain numbers: no Cidr, one bigint a block.
    const v4 = readIPv4CidrFast(b.cidr, true);
    let placed: BlockOffset | undefined;
    if (v4 >= 0 && entry.v4 >= 0) {
      const network = Math.floor(v4 / 64);
      const prefix = v4 % 64;
      const poolNetwork = Math.floor(entry.v4 / 64);
      const poolPrefix = entry.v4 % 64;
      // Cidr.contains: no shorter prefix, the network inside the pool.
      if (prefix < poolPrefix || network < poolNetwork || network - poolNetwork >= 2 ** (32 - poolPrefix)) continue;
      placed = { block: b, offset: BigInt(network - poolNetwork), sizeBits: 32 - prefix, poolBits: 32 - poolPrefix, canonicalPool: entry.canonical };
    } else {
      const pool = entry.cidr;
      const cidr = readCidr(b.cidr);
      if (!cidr || !pool.contains(cidr)) continue;
      placed = { block: b, offset: cidr.first - pool.first, sizeBits: cidr.bits - cidr.prefix, poolBits: pool.bits - pool.prefix, canonicalPool: null };
    }
    let list = out.get(b.pool);
    if (!list) out.set(b.pool, (list = []));
    list.push(placed);
  }
  return out;
}

const KIND_ORDER: readonly MapKind[] = ["space", "service", "node", "reserved", "reservation", "retired", "pool", "orphan"];

/** Background ranges first, larger before smaller, so that nothing hides what it holds. */
function drawOrder(a: MapRange, b: MapRange): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.rect[2] * b.rect[3] - a.rect[2] * a.rect[3] || compareText(a.cidr, b.cidr) || compareText(a.name, b.name);
}
