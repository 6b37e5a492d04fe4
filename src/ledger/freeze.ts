/**
 * Building ledgers in code: a frozen, sorted ledger from pool entries and the other sections, so that
 * every function that makes a new ledger from an old one passes all of the old sections on.
 */
import { CHECKED_ADDRESSES, CHECKED_CLUSTERS, CHECKED_DRAWN_RANGES, CHECKED_MIGRATIONS, CHECKED_NODE_CIDRS, CHECKED_SUB_SPACES, CheckedLedger, FROZEN_POOLS, stampChecked } from "./checked";
import type { LedgerMigration } from "./migrations";
import { LEDGER_FORMAT_VERSION, Ledger, LedgerAddress, LedgerClusterSection, LedgerDrawnRange, LedgerEntry, LedgerSubSpace, TOP_KEYS } from "./format";
import type { PoolIndex } from "./pool-index";
import { LazyOwnProperty } from "./private/lazy-property";
import { compareNames } from "./private/names";

/** A new ledger with no pools. */
export function emptyLedger(): Ledger {
  return freezeLedger([]);
}

/** A section of a ledger as a record by key, or as its entries. */
type SectionInput<T> = Readonly<Record<string, T>> | ReadonlyArray<readonly [string, T]>;

/**
 * @internal The sections of a ledger besides `pools`, for {@link freezeLedger}, each as a record or as
 * entries. A whole {@link Ledger} is one: passing a ledger passes all its sections on.
 */
export interface LedgerSections {
  readonly addresses?: SectionInput<LedgerAddress>;
  readonly nodeCidrs?: SectionInput<readonly string[]>;
  readonly clusters?: SectionInput<LedgerClusterSection>;
  readonly migrations?: SectionInput<LedgerMigration>;
  readonly subSpaces?: SectionInput<LedgerSubSpace>;
  readonly drawnRanges?: SectionInput<LedgerDrawnRange>;
}

/**
 * @internal A frozen ledger of the pool entries, sorted by name, and of the other sections, each
 * sorted by key; without a section that is empty. Not validated. Every function that makes a new
 * ledger from an old one passes the old sections on (best: the old ledger itself), so that no fixed
 * address or node range is lost.
 *
 * @param sections the sections besides `pools`: a {@link LedgerSections} such as `{ addresses, nodeCidrs, clusters }`
 * or a whole ledger (its `pools` and `version` are ignored); a checked section is reused as it is.
 * For callers written before `nodeCidrs`, it may also be the `addresses` section alone, as a record
 * or as entries: an object none of whose own keys is a top-level ledger key (`addresses`, `clusters`,
 * `nodeCidrs`, `pools`, `version`; an address key always holds two "/") is taken as that, or a
 * section known to be a checked `addresses` section. That form passes no other section on.
 */
export function freezeLedger(
  entries: ReadonlyArray<readonly [string, LedgerEntry]>,
  sections?: LedgerSections | SectionInput<LedgerAddress>,
): Ledger {
  return ledgerOf(Object.freeze(recordOf(inOrder(entries))), sections);
}

/**
 * @internal {@link freezeLedger} of pool entries given side by side, `names[k]` → `values[k]`, the names
 * unique and ascending (not checked): the carver's result, without a [name, entry] pair per pool.
 */
export function freezeLedgerOfSorted(
  names: readonly string[],
  values: readonly LedgerEntry[],
  sections?: LedgerSections | SectionInput<LedgerAddress>,
): Ledger {
  const record = recordOfSorted(names, values);
  FROZEN_POOLS.add(Object.freeze(record));
  return ledgerOf(record, sections);
}

/**
 * @internal {@link freezeLedgerOfSorted} of a pools record the caller made, its names added in ascending
 * order with {@link setOwn} (not checked), which it hands over (it is frozen here): the carver's first
 * run, which adds each new entry to the record as it makes it.
 */
export function freezeLedgerOfRecord(record: Record<string, LedgerEntry>, sections?: LedgerSections | SectionInput<LedgerAddress>): Ledger {
  FROZEN_POOLS.add(Object.freeze(record));
  return ledgerOf(record, sections);
}

/**
 * The record `names[k]` → `values[k]`: the loop alone, so that nothing after it runs in the loop's
 * on-stack compiled code without type feedback (the freezing after the loop threw the compiled function
 * away at the second or third run, `--trace-deopt`).
 */
function recordOfSorted(names: readonly string[], values: readonly LedgerEntry[]): Record<string, LedgerEntry> {
  const record: Record<string, LedgerEntry> = {};
  for (let k = 0; k < names.length; k++) setOwn(record, names[k], values[k]);
  return record;
}

/** The frozen ledger of these frozen pools and the sections. */
function ledgerOf(pools: Ledger["pools"], sections: LedgerSections | SectionInput<LedgerAddress> | undefined): Ledger {
  const given = asSections(sections);
  const addresses = freezeSection(given.addresses, CHECKED_ADDRESSES, (a) => (Object.isFrozen(a) ? a : Object.freeze({ ...a })));
  const nodeCidrs = freezeSection(given.nodeCidrs, CHECKED_NODE_CIDRS, (list) =>
    Array.isArray(list) && !Object.isFrozen(list) ? Object.freeze([...list]) : list,
  );
  const clusters = freezeSection(given.clusters, CHECKED_CLUSTERS, (section) => (Object.isFrozen(section) ? section : Object.freeze({ ...section })));
  const migrations = freezeSection(given.migrations, CHECKED_MIGRATIONS, (m) => (Object.isFrozen(m) ? m : Object.freeze({ ...m })));
  const subSpaces = freezeSection(given.subSpaces, CHECKED_SUB_SPACES, (entry) => (Object.isFrozen(entry) ? entry : Object.freeze({ ...entry })));
  const drawnRanges = freezeSection(given.drawnRanges, CHECKED_DRAWN_RANGES, (entry) => (Object.isFrozen(entry) ? entry : Object.freeze({ ...entry })));
  const ledger: {
    version: 1;
    pools: Ledger["pools"];
    addresses?: Ledger["addresses"];
    nodeCidrs?: Ledger["nodeCidrs"];
    clusters?: Ledger["clusters"];
    migrations?: Ledger["migrations"];
    subSpaces?: Ledger["subSpaces"];
    drawnRanges?: Ledger["drawnRanges"];
  } = {
    version: LEDGER_FORMAT_VERSION,
    pools,
  };
  if (addresses !== undefined) ledger.addresses = addresses;
  if (nodeCidrs !== undefined) ledger.nodeCidrs = nodeCidrs;
  if (clusters !== undefined) ledger.clusters = clusters;
  if (migrations !== undefined) ledger.migrations = migrations;
  if (subSpaces !== undefined) ledger.subSpaces = subSpaces;
  if (drawnRanges !== undefined) ledger.drawnRanges = drawnRanges;
  return Object.freeze(ledger);
}

/**
 * @internal A frozen ledger of these pools alone, without a copy: the caller made `pools` for it, its
 * keys in name order (as {@link freezeLedger} sorts them), and hands it over (it is frozen here).
 */
export function freezeSortedPools(pools: Record<string, LedgerEntry>): Ledger {
  return Object.freeze({ version: LEDGER_FORMAT_VERSION, pools: Object.freeze(pools) });
}

/** The `pools` getter of the ledgers of {@link freezeIndexedPools}: the record of the index's entries, in name order. */
const INDEXED_POOLS = new LazyOwnProperty<PoolIndex, Readonly<Record<string, LedgerEntry>>>("pools", (index) => {
  const record: Record<string, LedgerEntry> = {};
  const { names, entries } = index;
  for (let k = 0; k < names.length; k++) setOwn(record, names[k], entries[k]);
  return Object.freeze(record);
});

/**
 * @internal A frozen ledger of the pools of `index` alone, whose `pools` record is made when first read:
 * a run that looks its pools up through the index (a carving run that keeps them all) never makes it.
 * The record, once made, is the one {@link freezeLedger} would make of these entries (in name order).
 * `pools` is an own enumerable getter, as an object literal's, shared by all such ledgers (see
 * `LazyOwnProperty`). The index ({@link indexOfIndexedPools}) and `checked` (see `checkedInspection`)
 * are kept on the ledger itself, not in WeakMaps (see `hiddenSlot`).
 */
export function freezeIndexedPools(index: PoolIndex, checked: CheckedLedger): Ledger {
  const ledger = { version: LEDGER_FORMAT_VERSION };
  INDEXED_POOLS.define(ledger, index);
  stampChecked(ledger, checked);
  return Object.freeze(ledger) as unknown as Ledger;
}

/** @internal The index of a ledger made by {@link freezeIndexedPools}; `undefined` for any other. */
export function indexOfIndexedPools(ledger: Ledger): PoolIndex | undefined {
  return INDEXED_POOLS.stateOf(ledger);
}

/** @internal Whether the ledger has no section besides `pools` (and `version`). */
export function poolsAlone(ledger: Ledger): boolean {
  return (
    ledger.addresses === undefined &&
    ledger.nodeCidrs === undefined &&
    ledger.clusters === undefined &&
    ledger.migrations === undefined &&
    ledger.subSpaces === undefined &&
    ledger.drawnRanges === undefined
  );
}

/** The entries sorted by key: the list itself when it is in order already (the usual case), else a sorted copy. */
function inOrder<T>(entries: ReadonlyArray<readonly [string, T]>): ReadonlyArray<readonly [string, T]> {
  for (let k = 1; k < entries.length; k++) {
    if (compareNames(entries[k - 1][0], entries[k][0]) > 0) return [...entries].sort((a, b) => compareNames(a[0], b[0]));
  }
  return entries;
}

/** `Object.fromEntries(entries)`, by assignment (faster for thousands of keys); `__proto__` stays an own key. */
function recordOf<T>(entries: ReadonlyArray<readonly [string, T]>): Record<string, T> {
  const record: Record<string, T> = {};
  for (let k = 0; k < entries.length; k++) setOwn(record, entries[k][0], entries[k][1]);
  return record;
}

/** @internal `record[key] = value`, as an own key even for `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** The argument of {@link freezeLedger} as sections: see there how an `addresses` section alone is told apart. */
function asSections(sections: LedgerSections | SectionInput<LedgerAddress> | undefined): LedgerSections {
  if (sections === undefined || sections === null) return {};
  if (isEntryList(sections) || CHECKED_ADDRESSES.has(sections)) return { addresses: sections as SectionInput<LedgerAddress> };
  if (Object.keys(sections).some((key) => TOP_KEYS.includes(key))) return sections as LedgerSections;
  return { addresses: sections as Readonly<Record<string, LedgerAddress>> };
}

/**
 * A section, frozen and sorted by key, or `undefined` when it is empty; a checked section as it is.
 * `copy` freezes a value that is not frozen yet, keeping all of it, and a section that is not an
 * object at all (in a ledger built in code) is kept as it is, so that a later check still sees what
 * does not belong.
 */
function freezeSection<T>(
  section: SectionInput<T> | undefined,
  checked: WeakSet<object>,
  copy: (value: T) => T,
): Readonly<Record<string, T>> | undefined {
  if (section === undefined) return undefined;
  if (typeof section !== "object" || section === null) return section;
  if (!isEntryList(section) && checked.has(section)) return section;
  const list = isEntryList(section) ? [...section] : Object.entries(section);
  if (list.length === 0) return undefined;
  list.sort((a, b) => compareNames(a[0], b[0]));
  return Object.freeze(Object.fromEntries(list.map(([key, value]) => [key, copy(value)])));
}

function isEntryList<T>(value: SectionInput<T> | LedgerSections): value is ReadonlyArray<readonly [string, T]> {
  return Array.isArray(value);
}
