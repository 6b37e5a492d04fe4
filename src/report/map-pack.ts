/**
 * The map model as `plan.html` carries it: {@link MapModel} packed into fewer bytes, which the page's
 * script (`unpackModel` in `private/map-client.ts`) turns back into the very same model before it draws.
 * A page of 10,000 pools and 100,000 blocks carried its model as 9 MB of JSON, and a browser spends
 * about as long reading each megabyte of a page as the whole script spends drawing: bytes are the
 * page's load time. What the packing leaves out is what the page can tell from the rest:
 * - pools and their fields as columns (one list per field: no field name repeated per pool);
 * - a pool's hover text from its name, CIDR and gauge texts, keeping only the parts around them
 *   (`tipParts`, each distinct part once);
 * - an IPv4 pool's block CIDRs from the pool's first address and the blocks' positions, when every
 *   one of them is that text exactly;
 * - runs of consecutive numbers (block positions, owners) as `[first, length]` pairs, and the
 *   columns of counts that are mostly zero (Windows-reserved, borrowed, IP reservations) as
 *   `[index, value]` pairs;
 * - a pool's range on the family map without its name and CIDR (the pool's own).
 * Whatever does not take a short form is kept whole, so every model packs; a property test unpacks
 * packed models with the page's own script and compares them with the originals.
 */
import { canonicalIpv4Blocks, poolTipParts } from "./map-model";
import type { MapModel, TipParts, ModelBlocks, ModelFamily, ModelFinding, ModelPool, ModelRange, ModelView } from "./map-model";

/** A column of whole numbers: the numbers, or `{ runs: [first, length, first, length, …] }` for runs of consecutive numbers. */
export type PackedInts = number[] | { readonly runs: number[] };

/** A column of mostly zeros: `[index, value, index, value, …]` of its non-zero values; 0 when the model has no such column. */
export type PackedSparse = number[] | 0;

/**
 * A pool's blocks ({@link ModelBlocks}): `[count, cidr, owner, inUse, capacity, reserved, borrowedBy,
 * ipReserved, where]`. `cidr` is 0 when the page makes the texts (IPv4, placed by index), `where` is
 * `[sizeBits, poolBits, index]`, `{ rect }`, or 0 when the model has neither.
 */
export type PackedBlocks = [
  count: number,
  cidr: string[] | 0,
  owner: PackedInts,
  inUse: number[],
  capacity: number | number[],
  reserved: PackedSparse,
  borrowedBy: PackedSparse,
  ipReserved: PackedSparse,
  where: [number, number, PackedInts] | { readonly rect: number[] } | 0,
];

/** A pool's hover text: whole, or the indexes into `tipParts` of the parts around its name, CIDR and gauge texts. */
export type PackedTip = string | [mid: number, label: number, tail: number];

/** The pools of a view, column by column: the i-th pool at index i of each list. */
export interface PackedPools {
  readonly name: string[];
  readonly cidr: string[];
  readonly family: Array<4 | 6 | null>;
  /** Width and height of each pool's own map, two numbers a pool. */
  readonly size: number[];
  readonly blockUse: Array<number | null>;
  readonly addressUse: Array<number | null>;
  readonly blocksText: string[];
  readonly addressesText: string[];
  readonly headroomText: string[];
  readonly status: string[];
  /** 1: disabled. */
  readonly disabled: Array<0 | 1>;
  readonly tip: PackedTip[];
  readonly tipParts: string[];
  readonly blocks: PackedBlocks[];
  /** Present when a pool has pins: each pool's, or 0 for a pool without. */
  readonly pins?: Array<Array<[number, number[]]> | 0>;
}

/** A range on a family map: {@link ModelRange} with 0 for the name and the CIDR when they are the pool's own. */
export type PackedRange = [ModelRange[0], string | 0, string | 0, number, number, number, number, ModelRange[7], number];

export interface PackedFamily extends Omit<ModelFamily, "ranges"> {
  readonly ranges: PackedRange[];
}

export interface PackedView {
  readonly label: string;
  readonly families: PackedFamily[];
  readonly pools: PackedPools;
  readonly nodes: string[];
  readonly findings?: ModelFinding[];
}

/** The model as the page carries it (see the module comment). */
export interface PackedModel {
  readonly title: string;
  readonly summary: string;
  readonly ok: boolean;
  readonly views: PackedView[];
}

/** Every field of a pool the packing carries: a field added to {@link ModelPool} fails to compile until it is packed. */
type PoolField = "name" | "cidr" | "family" | "size" | "blockUse" | "addressUse" | "blocksText" | "addressesText" | "headroomText" | "status" | "disabled" | "tip" | "blocks" | "pins";
const everyPoolField: [Exclude<keyof ModelPool, PoolField>] extends [never] ? true : false = true;
void everyPoolField;

/** Packs a model for the page (see the module comment); the page's `unpackModel` gives it back. */
export function packModel(model: MapModel): PackedModel {
  return { title: model.title, summary: model.summary, ok: model.ok, views: model.views.map(packView) };
}

function packView(view: ModelView): PackedView {
  const pools = view.pools;
  const out: PackedView = {
    label: view.label,
    families: view.families.map((f) => packFamily(f, pools)),
    pools: packPools(pools),
    nodes: view.nodes,
  };
  return view.findings !== undefined ? { ...out, findings: view.findings } : out;
}

function packFamily(f: ModelFamily, pools: readonly ModelPool[]): PackedFamily {
  const ranges: PackedRange[] = new Array(f.ranges.length);
  for (let i = 0; i < f.ranges.length; i++) {
    const r = f.ranges[i];
    const pool = r[8] >= 0 ? pools[r[8]] : undefined;
    ranges[i] = [r[0], pool && pool.name === r[1] ? 0 : r[1], pool && pool.cidr === r[2] ? 0 : r[2], r[3], r[4], r[5], r[6], r[7], r[8]];
  }
  const { ranges: _ranges, ...rest } = f;
  return { ...rest, ranges };
}

function packPools(pools: readonly ModelPool[]): PackedPools {
  const n = pools.length;
  const name: string[] = new Array(n);
  const cidr: string[] = new Array(n);
  const family: Array<4 | 6 | null> = new Array(n);
  const size: number[] = new Array(2 * n);
  const blockUse: Array<number | null> = new Array(n);
  const addressUse: Array<number | null> = new Array(n);
  const blocksText: string[] = new Array(n);
  const addressesText: string[] = new Array(n);
  const headroomText: string[] = new Array(n);
  const status: string[] = new Array(n);
  const disabled: Array<0 | 1> = new Array(n);
  const tip: PackedTip[] = new Array(n);
  const blocks: PackedBlocks[] = new Array(n);
  const tipParts: string[] = [];
  const partIndex = new Map<string, number>();
  const part = (text: string): number => {
    let i = partIndex.get(text);
    if (i === undefined) {
      i = tipParts.length;
      tipParts.push(text);
      partIndex.set(text, i);
    }
    return i;
  };
  let pinned = false;
  for (let i = 0; i < n; i++) {
    const p = pools[i];
    name[i] = p.name;
    cidr[i] = p.cidr;
    family[i] = p.family;
    size[2 * i] = p.size[0];
    size[2 * i + 1] = p.size[1];
    blockUse[i] = p.blockUse;
    addressUse[i] = p.addressUse;
    blocksText[i] = p.blocksText;
    addressesText[i] = p.addressesText;
    headroomText[i] = p.headroomText;
    status[i] = p.status;
    disabled[i] = p.disabled ? 1 : 0;
    // Parts the model kept when it wrote the text (a plan's pools), else found in it (a live cluster's).
    const parts = poolTipParts.get(p) ?? tipAround(p);
    tip[i] = parts ? [part(parts[0]), part(parts[1]), part(parts[2])] : p.tip;
    blocks[i] = packBlocks(p.blocks, p.family === 4 ? p.cidr : null);
    if (p.pins !== undefined) pinned = true;
  }
  const out: PackedPools = { name, cidr, family, size, blockUse, addressUse, blocksText, addressesText, headroomText, status, disabled, tip, tipParts, blocks };
  return pinned ? { ...out, pins: pools.map((p) => p.pins ?? 0) } : out;
}

/**
 * The parts of a pool's hover text around what the pool already carries, when it reads
 * `IP pool <name> · <cidr><mid>\n<blocksText>\n<addressesText>\n<label><headroomText><tail>` (the page's
 * `poolTip`); undefined when it does not. Compared in place: no text is built but the three parts.
 */
export function tipAround(p: Pick<ModelPool, "name" | "cidr" | "blocksText" | "addressesText" | "headroomText" | "tip">): TipParts | undefined {
  const tip = p.tip;
  let at = TIP_HEAD.length;
  if (!tip.startsWith(TIP_HEAD) || !tip.startsWith(p.name, at)) return undefined;
  at += p.name.length;
  if (!tip.startsWith(" · ", at) || !tip.startsWith(p.cidr, at + 3)) return undefined;
  const midAt = at + 3 + p.cidr.length;
  // The gauge texts: the first place after the head where "\n<blocksText>\n<addressesText>\n" stands.
  for (let nl = tip.indexOf("\n", midAt); nl >= 0; nl = tip.indexOf("\n", nl + 1)) {
    const b = nl + 1;
    const a = b + p.blocksText.length + 1;
    const labelAt = a + p.addressesText.length + 1;
    if (!tip.startsWith(p.blocksText, b) || tip.charCodeAt(a - 1) !== 10 || !tip.startsWith(p.addressesText, a) || tip.charCodeAt(labelAt - 1) !== 10) continue;
    const room = tip.indexOf(p.headroomText, labelAt);
    if (room < 0) return undefined;
    return [tip.slice(midAt, nl), tip.slice(labelAt, room), tip.slice(room + p.headroomText.length)];
  }
  return undefined;
}

const TIP_HEAD = "IP pool ";

function packBlocks(b: ModelBlocks, ipv4Pool: string | null): PackedBlocks {
  const where: PackedBlocks[8] = b.index !== undefined ? [b.sizeBits ?? 0, b.poolBits ?? 0, packInts(b.index)] : b.rect !== undefined ? { rect: b.rect } : 0;
  // Columns the model marked (their texts read as canonical IPv4 when the blocks were placed) need no second reading.
  const derived = ipv4Pool !== null && b.index !== undefined && b.sizeBits !== undefined && (canonicalIpv4Blocks.get(b) === ipv4Pool || ipv4BlockTexts(ipv4Pool, b.index, b.sizeBits, b.cidr));
  return [b.cidr.length, derived ? 0 : b.cidr, packInts(b.owner), b.inUse, b.capacity, sparse(b.reserved), sparse(b.borrowedBy), sparse(b.ipReserved), where];
}

/**
 * Whether `cidrs` are exactly the texts the page makes for blocks of 2^sizeBits addresses at `index`
 * (in blocks) in the IPv4 pool `pool` (the page's `ipv4Blocks`): the pool's first address plus the
 * position, in dotted decimal, then `/` and the prefix. Each text is read in place, not made.
 */
export function ipv4BlockTexts(pool: string, index: readonly number[], sizeBits: number, cidrs: readonly string[]): boolean {
  const first = ipv4First(pool);
  if (first === undefined || !Number.isInteger(sizeBits) || sizeBits < 0 || sizeBits > 32 || index.length !== cidrs.length) return false;
  const unit = 2 ** sizeBits;
  const prefix = 32 - sizeBits;
  for (let i = 0; i < index.length; i++) {
    const a = first + index[i] * unit;
    if (!Number.isInteger(a) || a < 0 || a > 0xffffffff || !isIpv4Cidr(cidrs[i], a, prefix)) return false;
  }
  return true;
}

/** Whether `text` is `address/prefix` written as the page writes it: decimal numbers without leading zeros. */
function isIpv4Cidr(text: string, address: number, prefix: number): boolean {
  let at = decimalAt(text, 0, Math.floor(address / 16777216));
  if (at < 0 || text.charCodeAt(at) !== 46) return false;
  at = decimalAt(text, at + 1, Math.floor(address / 65536) % 256);
  if (at < 0 || text.charCodeAt(at) !== 46) return false;
  at = decimalAt(text, at + 1, Math.floor(address / 256) % 256);
  if (at < 0 || text.charCodeAt(at) !== 46) return false;
  at = decimalAt(text, at + 1, address % 256);
  if (at < 0 || text.charCodeAt(at) !== 47) return false;
  return decimalAt(text, at + 1, prefix) === text.length;
}

/** The index after `value` written in decimal at `at` in `text` (no leading zero), or -1 when it is not there. */
function decimalAt(text: string, at: number, value: number): number {
  const digits = value < 10 ? 1 : value < 100 ? 2 : 3;
  let v = 0;
  for (let i = 0; i < digits; i++) {
    const c = text.charCodeAt(at + i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  const next = text.charCodeAt(at + digits) - 48;
  return v === value && !(next >= 0 && next <= 9) ? at + digits : -1;
}

/** The first address of an IPv4 CIDR written `a.b.c.d/p` with plain decimal octets, as a number; undefined otherwise. */
function ipv4First(cidr: string): number | undefined {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/\d+$/.exec(cidr);
  if (!m) return undefined;
  const o = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  return o.every((x) => x <= 255) ? ((o[0] * 256 + o[1]) * 256 + o[2]) * 256 + o[3] : undefined;
}

/** A column of whole numbers as runs of consecutive numbers when that is shorter (see {@link PackedInts}). */
export function packInts(values: readonly number[]): PackedInts {
  const runs: number[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[j - 1] + 1) j++;
    runs.push(values[i], j - i);
    // Not worth it: as many pairs as half the numbers.
    if (runs.length >= values.length) return values as number[];
    i = j;
  }
  return values.length === 0 ? (values as number[]) : { runs };
}

function sparse(values: readonly number[] | undefined): PackedSparse {
  if (values === undefined) return 0;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) out.push(i, values[i]);
  return out;
}
