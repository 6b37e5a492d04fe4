/**
 * The recorded pools of a checked ledger by position, for the carving runs that look up every
 * requested pool: one hash of each name into a typed array, no string-keyed map or record.
 */
import type { Cidr, IpFamily } from "../ip";
import type { ScratchArena } from "../ip/scratch-arena";
import { cidrText, ipv6CidrTextOfWords } from "../ip/address";
import { CheckedLedger, EntryCidrs } from "./checked";
import type { Ledger, LedgerEntry, LedgerStatus } from "./format";
import { freezeIndexedPools, indexOfIndexedPools } from "./freeze";
import { LedgerEntryObject } from "./private/entry-object";

/** @internal The statuses by their code in {@link EntryColumns.statuses}. */
export const STATUS_OF_CODE: readonly LedgerStatus[] = ["active", "draining", "adopted"];
/** @internal The code of {@link LedgerStatus} "active" in {@link EntryColumns.statuses}. */
export const ACTIVE_CODE = 0;

/**
 * @internal Where a reader's columns find each entry's name in their text (see {@link EntryColumns.names}):
 * the reader's layout, from the columns it filled (no column of name positions, no string per name).
 */
export interface NamesInText {
  /** Where the name of entry `k` starts in `c.text`. */
  start(c: EntryColumns, k: number): number;
  /** Where the name of entry `k` ends in `c.text`. */
  end(c: EntryColumns, k: number): number;
}

/**
 * @internal The entries of a ledger by position, without an object per entry: the family, block size and
 * status of each as numbers, its CIDR as where it is written in the text (as the canonical reader read
 * them) or as the `Cidr` of the carver's first run's pool at its position. The entries themselves are made from
 * these when first asked for (see {@link PoolIndex.entries}): a carving run that keeps every pool reads
 * the columns alone, and `serializeLedger` writes a ledger of columns from them (see `canonicalLedgerText`).
 */
export class EntryColumns {
  /**
   * Every set of columns is made by this constructor, with every field, whichever way its CIDRs are
   * given: the functions that read columns (the carver's per-pool lookups among them) see one shape,
   * not the reader's and the carver's as two object literals of different keys.
   *
   * @param text the text the entries were read from (a reader's columns), or `undefined`
   * @param cidrStarts where each entry's CIDR starts in `text`, and `cidrEnds` where it ends
   * @param names where each entry's name is written in `text` (a reader's columns, whose names are no
   * strings until read: see {@link PoolIndex.name} and {@link PoolIndex.compareName}), or `undefined`
   * @param placed when not read from a text (the carver's first run): each entry's name and CIDR as the
   * `name` and `cidr` of the object at its position (the run's pools), the CIDR's text made when first
   * asked for (see {@link placedCidrText})
   * @param v6Words with `placed`: each IPv6 entry's network as four 32-bit words at 4 × its position
   * (as the free list handed it out), for its text without a bigint; `undefined` for none
   * @param families each entry's family: 4 or 6
   * @param statuses each entry's status, by its index in {@link STATUS_OF_CODE}
   */
  constructor(
    readonly text: string | undefined,
    public cidrStarts: Int32Array | undefined,
    public cidrEnds: Int32Array | undefined,
    readonly names: NamesInText | undefined,
    readonly placed: ReadonlyArray<{ readonly name: string; readonly cidr: Cidr }> | undefined,
    readonly v6Words: Int32Array | undefined,
    public families: Uint8Array,
    public blockSizes: Uint8Array,
    public statuses: Uint8Array,
    /**
     * A reader's: each entry's IPv4 range as network × 64 + prefix (-2 - its index among the IPv6 ranges
     * for an IPv6 one), and the positions of the IPv4 ranges in address order (see `EntryCidrs`)
     */
    public keys?: Float64Array,
    public order?: Uint32Array,
    /**
     * When the columns lie in a reader's arena (see {@link ArenaStamp}): where and when, and how to read
     * them again once the arena has been reused
     */
    private stamp?: ArenaStamp,
  ) {}

  /**
   * These columns, valid: when they lay in a reader's arena and a later read has begun there since (it
   * may have overwritten them), they are read again from the text into arrays of their own first.
   */
  valid(): this {
    const stamp = this.stamp;
    if (stamp !== undefined && stamp.arena.generation !== stamp.generation) {
      const again = stamp.readAgain();
      this.cidrStarts = again.cidrStarts;
      this.cidrEnds = again.cidrEnds;
      this.families = again.families;
      this.blockSizes = again.blockSizes;
      this.statuses = again.statuses;
      this.keys = again.keys;
      this.order = again.order;
      this.stamp = undefined;
    }
    return this;
  }

  /** Whether the columns still lie in a reader's arena (for tests). */
  inArena(): boolean {
    return this.stamp !== undefined;
  }
}

/**
 * @internal Where a reader left its columns: in `arena`, during its run number `generation` (see
 * `ScratchArena.generation`). The arena's next run may overwrite them, so they are valid while the
 * arena's generation is the same; then `readAgain` reads them from the text again (the text was read
 * once, so it reads the same), into arrays of their own. Keeping them in the arena spares every read
 * the first touch of ~240 KB of fresh memory (10,000 pools), which a host that takes freed memory back
 * makes a page fault per 4 KiB: ~55 faults, ~0.8 ms, a run.
 */
export interface ArenaStamp {
  readonly arena: ScratchArena;
  readonly generation: number;
  readAgain(): KeptColumns;
}

/** @internal The columns a canonical reader keeps for a ledger (see {@link EntryColumns}), cut to its entries. */
export interface KeptColumns {
  readonly cidrStarts: Int32Array;
  readonly cidrEnds: Int32Array;
  readonly families: Uint8Array;
  readonly blockSizes: Uint8Array;
  readonly statuses: Uint8Array;
  readonly keys: Float64Array;
  readonly order: Uint32Array;
}

/**
 * @internal The pools of a checked ledger by position: the names in the ledger's order, their entries
 * (or the columns they are made from), and the position of each name. Looking a name up hashes its
 * characters into a typed array and compares one string: building it makes no string-keyed map (10,000
 * names into a `Map` or a record cost several times as much, most of it in hashing and internalizing
 * the names). The hash table is made at the first lookup: a carving run whose requests and ledger
 * are both in name order pairs them by walking both lists ({@link namesAscending}) and makes none.
 */
export class PoolIndex {
  /** Position + 1 by hash slot; 0 for an empty slot. Made at the first lookup. */
  private slots: Int32Array | undefined;
  private mask: number;
  private made: readonly LedgerEntry[] | undefined;
  private readonly held: EntryColumns | undefined;

  /** The columns the entries are described by, if any, valid (see {@link EntryColumns.valid}). */
  private get columns(): EntryColumns | undefined {
    return this.held?.valid();
  }

  /** The reader's IPv4 keys and address order (see `EntryCidrs`), if the columns are a reader's. */
  readerKeys(): { readonly keys: Float64Array; readonly order: Uint32Array } | undefined {
    const c = this.columns;
    return c !== undefined && c.keys !== undefined && c.order !== undefined ? { keys: c.keys, order: c.order } : undefined;
  }

  private ascending: boolean | undefined;
  /** The names: given, or made from the columns (placed pools, or the text) when first read (see {@link names}). */
  private listed: readonly string[] | undefined;
  /** How many pools. */
  readonly size: number;

  /**
   * @param names the pool names, unique, in the ledger's order; `undefined` when `entries` are columns
   * with placed pools, whose names they are (a carver's first run: no list of 10,000 names, 80 KB, made
   * unless the names are read as a list), or columns that find the names in their text (a reader's: no
   * list and no string per name, ~400 KB for 10,000 names, made unless the names are read)
   * @param entries the entry of each name, at the same position, or the columns they are made from
   * @param namesAscending whether the names are known to be in strictly increasing code-unit order
   * (the order of a ledger's record when no name is integer-like); checked when first asked for otherwise
   */
  constructor(names: readonly string[] | undefined, entries: readonly LedgerEntry[] | EntryColumns, namesAscending?: boolean) {
    this.slots = undefined;
    this.mask = 0;
    if (entries instanceof EntryColumns) {
      this.made = undefined;
      this.held = entries;
    } else {
      this.made = entries;
      this.held = undefined;
    }
    this.ascending = namesAscending;
    if (names === undefined && this.columns?.placed === undefined && this.columns?.names === undefined) {
      throw new TypeError("PoolIndex: no names given, and no placed pools or text to read them from");
    }
    this.listed = names;
    this.size = names !== undefined ? names.length : this.columns!.families.length;
  }

  /** The pool names in the ledger's order (made from the placed pools or the text at the first read, when not given). */
  get names(): readonly string[] {
    if (this.listed === undefined) {
      const c = this.columns!;
      this.listed = c.placed !== undefined ? namesOfPlaced(c.placed, this.size) : namesOfText(c, this.size);
    }
    return this.listed;
  }

  /** The name of the pool at position `k`, without making the list of {@link names}. */
  name(k: number): string {
    if (this.listed !== undefined) return this.listed[k];
    const c = this.columns!;
    return c.placed !== undefined ? c.placed[k].name : nameInText(c, k);
  }

  /**
   * The name of the pool at position `k` compared with `name` in code-unit order (negative: it comes
   * first; 0: the same name): a name the columns find in their text is compared there, in place (no string made).
   */
  compareName(k: number, name: string): number {
    const c = this.columns;
    if (this.listed !== undefined || c === undefined || c.names === undefined) {
      const own = this.name(k);
      return own === name ? 0 : own < name ? -1 : 1;
    }
    return compareWithText(c.text!, c.names.start(c, k), c.names.end(c, k), name);
  }

  /**
   * The first position whose name is not `items[k].name` (the item at the same position), or the size
   * when every name is (`items` must be at least as long; an item that is not an object with a string
   * `name` differs). A name the columns find in their text is
   * compared there, in place, as {@link compareName} does, in one loop of its own: a run that keeps
   * every pool pairs 10,000 requests with their recorded names so in about a third of the time of a
   * {@link compareName} per request from a loop that does everything else too.
   */
  firstOtherName(items: ArrayLike<{ readonly name: string }>): number {
    const c = this.columns;
    const n = this.size;
    if (this.listed !== undefined || c === undefined || c.names === undefined) {
      const names = this.names;
      for (let k = 0; k < n; k++) if (names[k] !== nameOf(items[k])) return k;
      return n;
    }
    return firstOtherInText(c.text!, c, c.names, items, n);
  }

  /**
   * The entry of each name, by position: given, or made from the reader's columns when first read
   * (frozen plain objects `{ family, cidr, blockSize, status }`, as every reader makes them).
   */
  get entries(): readonly LedgerEntry[] {
    if (this.made === undefined) this.made = entriesOfColumns(this.columns!, this.size);
    return this.made;
  }

  /** The family of the pool at position `k`. */
  family(k: number): IpFamily {
    return this.columns !== undefined ? (this.columns.families[k] as IpFamily) : this.entries[k].family;
  }

  /** The block size of the pool at position `k`. */
  blockSize(k: number): number {
    return this.columns !== undefined ? this.columns.blockSizes[k] : this.entries[k].blockSize;
  }

  /** The status of the pool at position `k`. */
  status(k: number): LedgerStatus {
    return this.columns !== undefined ? STATUS_OF_CODE[this.columns.statuses[k]] : this.entries[k].status;
  }

  /** Whether the pool at position `k` is active (without a string comparison for columns). */
  active(k: number): boolean {
    return this.columns !== undefined ? this.columns.statuses[k] === ACTIVE_CODE : this.entries[k].status === "active";
  }

  /** The CIDR text of the pool at position `k`. */
  cidr(k: number): string {
    const c = this.columns;
    return c !== undefined ? columnCidr(c, k) : this.entries[k].cidr;
  }

  /** The `Cidr` of the pool at position `k` when the columns hold it (a carver's first run), else `undefined`. */
  placedCidr(k: number): Cidr | undefined {
    const c = this.columns;
    return c !== undefined && c.placed !== undefined ? c.placed[k].cidr : undefined;
  }

  /** The IPv6 networks' words of the columns beside their `Cidr`s (see {@link EntryColumns}), if any: for tests. */
  placedWords(): Int32Array | undefined {
    return this.columns?.v6Words;
  }

  /**
   * Whether the entries are described by columns (no entry has a `spec`), so that {@link family},
   * {@link blockSize}, {@link status} and {@link cidr} read them without making the entries.
   */
  hasColumns(): boolean {
    return this.columns !== undefined;
  }

  /** Whether the list of {@link names} exists yet (given, or made by a read of it). */
  namesMade(): boolean {
    return this.listed !== undefined;
  }

  /** Whether the entry objects exist yet (given, or made from the columns by a read of {@link entries}). */
  entriesMade(): boolean {
    return this.made !== undefined;
  }

  /** Whether the names are in strictly increasing code-unit order (known from the reader, or checked once). */
  namesAscending(): boolean {
    if (this.ascending === undefined) this.ascending = ascending(this.names);
    return this.ascending;
  }

  /** The position of pool `name`, or -1. */
  indexOf(name: string): number {
    const slots = this.slots ?? this.hashed();
    let slot = hashName(name) & this.mask;
    for (let k = slots[slot]; k !== 0; k = slots[slot]) {
      if (this.names[k - 1] === name) return k - 1;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  /** The entry of pool `name`, or `undefined`. */
  entryOf(name: string): LedgerEntry | undefined {
    const k = this.indexOf(name);
    return k < 0 ? undefined : this.entries[k];
  }

  /** The hash table of the names, made now. */
  private hashed(): Int32Array {
    const { names } = this;
    let size = 8;
    while (size < names.length * 2) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let k = 0; k < names.length; k++) {
      let slot = hashName(names[k]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = k + 1;
    }
    this.mask = mask;
    this.slots = slots;
    return slots;
  }
}

/** The names of the first `n` placed pools. */
function namesOfPlaced(placed: ReadonlyArray<{ readonly name: string }>, n: number): string[] {
  const names = new Array<string>(n);
  for (let k = 0; k < n; k++) names[k] = placed[k].name;
  return names;
}

/** The names of the first `n` entries of columns that find them in their text. */
function namesOfText(c: EntryColumns, n: number): string[] {
  const names = new Array<string>(n);
  for (let k = 0; k < n; k++) names[k] = nameInText(c, k);
  return names;
}

/** The name of entry `k` of columns that find it in their text. */
function nameInText(c: EntryColumns, k: number): string {
  return c.text!.slice(c.names!.start(c, k), c.names!.end(c, k));
}

/** `text.slice(start, end)` compared with `name` in code-unit order, in place: negative when the text's comes first, 0 when equal. */
/** The `name` of an item that is an object with a string name (items come from callers' input as it is), else `undefined`. */
function nameOf(item: unknown): string | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const name = (item as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

/** {@link PoolIndex.firstOtherName} of names found in `text` (the loop alone). */
function firstOtherInText(text: string, c: EntryColumns, names: NamesInText, items: ArrayLike<{ readonly name: string }>, n: number): number {
  for (let k = 0; k < n; k++) {
    const name = nameOf(items[k]);
    if (name === undefined) return k;
    const start = names.start(c, k);
    const length = name.length;
    if (names.end(c, k) - start !== length) return k;
    for (let i = 0; i < length; i++) if (text.charCodeAt(start + i) !== name.charCodeAt(i)) return k;
  }
  return n;
}

function compareWithText(text: string, start: number, end: number, name: string): number {
  const length = end - start;
  const common = length < name.length ? length : name.length;
  for (let i = 0; i < common; i++) {
    const d = text.charCodeAt(start + i) - name.charCodeAt(i);
    if (d !== 0) return d;
  }
  return length - name.length;
}

/** The entries the columns describe, frozen (made by a constructor: see {@link LedgerEntryObject}). */
function entriesOfColumns(c: EntryColumns, n: number): LedgerEntry[] {
  const entries = new Array<LedgerEntry>(n);
  for (let k = 0; k < n; k++) {
    entries[k] = new LedgerEntryObject(c.families[k] as IpFamily, columnCidr(c, k), c.blockSizes[k], STATUS_OF_CODE[c.statuses[k]]);
  }
  return entries;
}

/** The CIDR text of entry `k` of the columns: made from its placed `Cidr`, or sliced from the text it was read from. */
function columnCidr(c: EntryColumns, k: number): string {
  return c.placed !== undefined ? placedCidrText(c.placed[k].cidr, c.v6Words, k) : c.text!.slice(c.cidrStarts![k], c.cidrEnds![k]);
}

/**
 * @internal The canonical text of `cidr` (its `toString()`), placed at position `k`: an IPv6 one from
 * its network's words at `v6Words[4k]` when given (no bigint operation), else from the `Cidr`.
 */
export function placedCidrText(cidr: Cidr, v6Words: Int32Array | undefined, k: number): string {
  if (v6Words === undefined || cidr.family !== 6) return cidrText(cidr.family, cidr.network, cidr.prefix);
  const at = 4 * k;
  return ipv6CidrTextOfWords(v6Words[at], v6Words[at + 1], v6Words[at + 2], v6Words[at + 3], cidr.prefix);
}

/** Whether the names are in strictly increasing code-unit order. */
function ascending(names: readonly string[]): boolean {
  for (let k = 1; k < names.length; k++) if (!(names[k - 1] < names[k])) return false;
  return true;
}

/** FNV-1a of the name's UTF-16 code units, as an int32. */
function hashName(name: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** The index of each ledger, made once (the ledger is frozen). */
const INDEXES = new WeakMap<Ledger, PoolIndex>();

/**
 * @internal The {@link PoolIndex} of a frozen ledger: the one its reader made, or one made from its
 * `pools` record on first use.
 */
export function poolIndex(ledger: Ledger): PoolIndex {
  let index = indexOfIndexedPools(ledger) ?? INDEXES.get(ledger);
  if (index === undefined) {
    const names = Object.keys(ledger.pools);
    index = new PoolIndex(
      names,
      names.map((n) => ledger.pools[n]),
    );
    INDEXES.set(ledger, index);
  }
  return index;
}

/**
 * @internal The {@link PoolIndex} of a ledger made by {@link checkedIndexedLedger} or read by a reader, when
 * it has one already; `undefined` for any other ledger (none is made here).
 */
export function madePoolIndex(ledger: Ledger): PoolIndex | undefined {
  return indexOfIndexedPools(ledger) ?? INDEXES.get(ledger);
}

/**
 * @internal A ledger of the pools of `index` alone, made by a reader or from checked parts (names unique
 * and in name order, none integer-like; entries frozen and valid; no two ranges overlap), registered
 * as checked with its index and CIDRs (`cidrs` by position, or made when first asked for: from the
 * IPv4 keys its reader read, `v4Keys`, else from the entries' text; see {@link EntryCidrs}). Its `pools`
 * record is made when first read (see {@link freezeIndexedPools}).
 *
 * @param v4Order the positions of the IPv4 pools in address order (network, then prefix), when the
 * reader sorted them (its overlap check does): a carving run checks its kept ranges in that order
 */
export function checkedIndexedLedger(index: PoolIndex, cidrs?: Cidr[], v4Keys?: Float64Array, v4Order?: Uint32Array, v6?: readonly Cidr[]): Ledger {
  return freezeIndexedPools(index, new CheckedLedger(new EntryCidrs(index, cidrs, v4Keys, v4Order, v6), undefined));
}
