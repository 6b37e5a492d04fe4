/**
 * The ledgers and sections known to be valid, so that a valid ledger is checked once: by
 * {@link inspectLedger} when it is read, or by the carver that built it from checked parts.
 */
import type { Cidr } from "../ip";
import type { Ledger } from "./format";
import type { InspectedLedger } from "./inspect";
import type { PoolIndex } from "./pool-index";
import { checkedCidr, ipv4OfKey } from "./private/canonical-cidr";
import { hiddenSlot } from "./private/hidden-slot";

/**
 * @internal What {@link INSPECTED} holds for a checked ledger: its parsed CIDRs, or the function that
 * makes them from the ledger when first asked for. Never the ledger itself, nor anything that holds it
 * (a closure over it): a WeakMap value that reaches its own key keeps both alive through every young
 * collection (V8's scavenger does not see such a cycle as garbage), so every ledger a run returned, and
 * all it held (a first run's pools), outlived its result until the next full collection, copied to the
 * old generation on the way: 1–3 MB per scavenge in the benchmark's carving processes.
 */
export class CheckedLedger {
  private made: ReadonlyMap<string, Cidr> | undefined;
  /** The ledger's canonical text, once read from it or written (see {@link serializedText}); stamped ledgers only. */
  serialized: string | undefined;

  /**
   * @param cidrs the parsed CIDR of every entry, by name, or `undefined` to make them with `make`
   * @param make makes them from the ledger (a module-level function: it must not hold the ledger)
   */
  constructor(
    cidrs: ReadonlyMap<string, Cidr> | undefined,
    private readonly make: ((ledger: Ledger) => ReadonlyMap<string, Cidr>) | undefined,
  ) {
    this.made = cidrs;
    this.serialized = undefined;
  }

  /** The CIDRs of `ledger`, the ledger this is registered for: given, or made now once. */
  cidrsOf(ledger: Ledger): ReadonlyMap<string, Cidr> {
    return (this.made ??= this.make!(ledger));
  }
}

/**
 * @internal Ledgers known to be valid, with their parsed CIDRs, so that a ledger read by `parseLedger` or made
 * by the carver is not checked again by the next `carve` or `serializeLedger` (for 10,000 pools that
 * is most of the cost of a run). Only deeply frozen ledgers made here are registered: they cannot
 * change after the check. Read with {@link checkedInspection}.
 */
export const INSPECTED = new WeakMap<object, CheckedLedger>();

const NO_PROBLEMS: InspectedLedger["problems"] = Object.freeze([]);

/** The inspection of a checked ledger: the ledger itself, its CIDRs (made when first read), no problem. */
class CheckedInspection implements InspectedLedger {
  readonly problems = NO_PROBLEMS;

  constructor(
    readonly ledger: Ledger,
    private readonly checked: CheckedLedger,
  ) {}

  get cidrs(): ReadonlyMap<string, Cidr> {
    return this.checked.cidrsOf(this.ledger);
  }
}

/** The state of ledgers registered as checked on themselves, by {@link stampChecked}. */
const CHECKED_SLOT = hiddenSlot<CheckedLedger>();

/**
 * @internal Registers a ledger the caller is making from checked parts, before it freezes it: as
 * {@link INSPECTED}, but kept on the ledger itself, not in the WeakMap, so that it lives exactly as long
 * as the ledger (see `hiddenSlot`: a WeakMap's values outlive their dead keys by a young collection).
 */
export function stampChecked(ledger: object, checked: CheckedLedger): void {
  CHECKED_SLOT.set(ledger, checked);
}

/**
 * @internal The canonical text of a ledger read from it, or already written by `serializeLedger` (see
 * {@link SERIALIZED}), or `undefined`.
 */
export function serializedText(ledger: Ledger): string | undefined {
  const checked = CHECKED_SLOT.get(ledger);
  return checked !== undefined && checked.serialized !== undefined ? checked.serialized : SERIALIZED.get(ledger);
}

/**
 * @internal Records the canonical text of a checked ledger (see {@link serializedText}): on a stamped
 * ledger itself (see {@link stampChecked}; a WeakMap would keep a written text, 1.3 MB of string parts for
 * 10,000 pools, a young collection longer than the ledger), else in {@link SERIALIZED}.
 */
export function rememberSerialized(ledger: Ledger, text: string): void {
  const checked = CHECKED_SLOT.get(ledger);
  if (checked !== undefined) checked.serialized = text;
  else SERIALIZED.set(ledger, text);
}

/** @internal The inspection of `value` when it is a ledger known to be valid (see {@link INSPECTED}, {@link stampChecked}), else `undefined`. */
export function checkedInspection(value: object): InspectedLedger | undefined {
  const checked = CHECKED_SLOT.get(value) ?? INSPECTED.get(value);
  return checked === undefined ? undefined : new CheckedInspection(value as Ledger, checked);
}

/**
 * @internal The canonical text of ledgers read from it (by the canonical reader, which accepts only the
 * exact text `serializeLedger` writes for the ledger it returns): `serializeLedger` returns it as it is,
 * so a run that keeps its ledger neither writes 10,000 entries out again nor makes a lazily made record.
 */
export const SERIALIZED = new WeakMap<Ledger, string>();

/**
 * @internal `addresses` sections known to be valid: the normalized, deeply frozen sections of checked ledgers.
 * {@link freezeLedger} reuses such a section as it is, and {@link registerCheckedLedger} registers a
 * ledger only when its section is one of these (or absent): the section is checked on its own, since
 * nothing in it depends on the pools.
 */
export const CHECKED_ADDRESSES = new WeakSet<object>();

/**
 * @internal `pools` records frozen when made (by `freezeLedgerOfSorted`): {@link registerCheckedLedger} knows
 * them frozen without `Object.isFrozen`, which walks every property of a record of 10,000 pools.
 */
export const FROZEN_POOLS = new WeakSet<object>();

/** @internal `nodeCidrs` sections known to be valid, as {@link CHECKED_ADDRESSES}: nothing in them depends on the pools either. */
export const CHECKED_NODE_CIDRS = new WeakSet<object>();

/** @internal `migrations` sections known to be valid, as {@link CHECKED_ADDRESSES}. */
export const CHECKED_MIGRATIONS = new WeakSet<object>();

/** @internal `clusters` sections known to be valid: each cluster's section is checked on its own, as {@link CHECKED_ADDRESSES}. */
export const CHECKED_CLUSTERS = new WeakSet<object>();

/** @internal `subSpaces` sections known to be valid, as {@link CHECKED_ADDRESSES}. */
export const CHECKED_SUB_SPACES = new WeakSet<object>();

/** @internal `drawnRanges` sections known to be valid, as {@link CHECKED_ADDRESSES}. */
export const CHECKED_DRAWN_RANGES = new WeakSet<object>();

/**
 * @internal Registers a ledger the caller built from checked parts (frozen entries, canonical CIDRs,
 * no overlaps), with the parsed CIDR of every entry, or a function that makes them from the ledger when
 * first needed (a module-level function, not a closure over the ledger: see {@link CheckedLedger}). A
 * ledger whose `addresses`, `nodeCidrs` or `clusters` section is not the checked section of another
 * ledger (see {@link freezeLedger}) is not registered, so it is checked in full when used.
 */
export function registerCheckedLedger(ledger: Ledger, cidrs: ReadonlyMap<string, Cidr> | ((ledger: Ledger) => ReadonlyMap<string, Cidr>)): void {
  const addressesChecked = ledger.addresses === undefined || CHECKED_ADDRESSES.has(ledger.addresses);
  const nodeCidrsChecked = ledger.nodeCidrs === undefined || CHECKED_NODE_CIDRS.has(ledger.nodeCidrs);
  const clustersChecked = ledger.clusters === undefined || CHECKED_CLUSTERS.has(ledger.clusters);
  const migrationsChecked = ledger.migrations === undefined || CHECKED_MIGRATIONS.has(ledger.migrations);
  const subSpacesChecked = ledger.subSpaces === undefined || CHECKED_SUB_SPACES.has(ledger.subSpaces);
  const drawnChecked = ledger.drawnRanges === undefined || CHECKED_DRAWN_RANGES.has(ledger.drawnRanges);
  if (Object.isFrozen(ledger) && (FROZEN_POOLS.has(ledger.pools) || Object.isFrozen(ledger.pools)) && addressesChecked && nodeCidrsChecked && clustersChecked && migrationsChecked && subSpacesChecked && drawnChecked) {
    // A function's CIDRs are made when first read: a ledger that is only written out (most runs) never needs them.
    INSPECTED.set(ledger, typeof cidrs !== "function" ? new CheckedLedger(cidrs, undefined) : new CheckedLedger(undefined, cidrs));
  }
}

/**
 * @internal The parsed CIDRs of a checked ledger's pools, by position in its {@link PoolIndex}: given
 * (a fleet's combined ledger reuses its sections'), or read from each entry's canonical text when
 * first asked for, so that reading a ledger makes no `Cidr` and no map of 10,000 names. A carving run
 * asks for each recorded CIDR once, by position ({@link recordedCidr}): that reads the entry's text
 * and makes nothing else. A lookup by name or an iteration makes every CIDR once, then reuses them.
 * Iterates in the order of the index (the ledger's name order).
 */
export class EntryCidrs implements ReadonlyMap<string, Cidr> {
  private made: Cidr[] | undefined;

  /**
   * @param index the pools of a checked ledger: every entry's `cidr` is canonical
   * @param cidrs the parsed CIDR of each pool, by position; read from the entries when not given
   * @param givenKeys each pool's range as its reader read it, by position: network × 64 + prefix for an
   * IPv4 range; for an IPv6 one, -2 - its index in `v6` when given, else -1 (its text is read again).
   * Every reader of the keys takes a negative key as "not an IPv4 key". When not given, the index's
   * columns' (`EntryColumns.keys`: a canonical reader's), if any.
   * @param givenOrder the positions of the IPv4 pools in address order (network, then prefix), as the
   * reader's overlap check sorted them; given with `givenKeys` only
   * @param v6 the IPv6 ranges the reader parsed, in the ledger's order (see `v4Keys`)
   */
  constructor(
    private readonly index: PoolIndex,
    cidrs?: Cidr[],
    private readonly givenKeys?: Float64Array,
    private readonly givenOrder?: Uint32Array,
    private readonly v6?: readonly Cidr[],
  ) {
    this.made = cidrs;
  }

  /** The IPv4 keys by position (see the constructor's `v4Keys`): given, or the index's reader's columns'. */
  get v4Keys(): Float64Array | undefined {
    return this.givenKeys ?? this.index.readerKeys()?.keys;
  }

  /** The positions of the IPv4 pools in address order: given with the keys, or the index's reader's columns'. */
  get v4Order(): Uint32Array | undefined {
    return this.givenKeys !== undefined ? this.givenOrder : this.index.readerKeys()?.order;
  }

  get size(): number {
    return this.index.size;
  }

  /** The CIDR of the pool at position `k` of the index: made already, held by its columns (a carver's first run), or read from its entry. */
  at(k: number): Cidr {
    if (this.made !== undefined) return this.made[k];
    const placed = this.index.placedCidr(k);
    if (placed !== undefined) return placed;
    const keys = this.v4Keys;
    if (keys === undefined) return checkedCidr(this.index.cidr(k));
    const key = keys[k];
    if (key >= 0) return ipv4OfKey(key);
    // An IPv6 range the reader parsed already: the same Cidr, not its text parsed again.
    return key <= -2 && this.v6 !== undefined ? this.v6[-2 - key] : checkedCidr(this.index.cidr(k));
  }

  /**
   * The IPv4 range of the pool at position `k` as its reader read it, network × 64 + prefix (exact as
   * a double), without its `Cidr`; -1 when not known so (an IPv6 range, or no keys read: CIDRs given).
   */
  ipv4Key(k: number): number {
    const keys = this.v4Keys;
    return keys !== undefined && keys[k] >= 0 ? keys[k] : -1;
  }

  /** Every CIDR, by position: made once. */
  all(): readonly Cidr[] {
    if (this.made === undefined) {
      const made: Cidr[] = [];
      for (let k = 0; k < this.index.size; k++) made.push(this.at(k));
      this.made = made;
    }
    return this.made;
  }

  get(name: string): Cidr | undefined {
    const k = this.index.indexOf(name);
    return k < 0 ? undefined : this.all()[k];
  }

  has(name: string): boolean {
    return this.index.indexOf(name) >= 0;
  }

  forEach(callback: (value: Cidr, key: string, map: ReadonlyMap<string, Cidr>) => void, thisArg?: unknown): void {
    const all = this.all();
    this.index.names.forEach((name, k) => callback.call(thisArg, all[k], name, this));
  }

  *entries(): MapIterator<[string, Cidr]> {
    const all = this.all();
    const { names } = this.index;
    for (let k = 0; k < names.length; k++) yield [names[k], all[k]];
  }

  *keys(): MapIterator<string> {
    yield* this.index.names;
  }

  *values(): MapIterator<Cidr> {
    yield* this.all();
  }

  [Symbol.iterator](): MapIterator<[string, Cidr]> {
    return this.entries();
  }
}

/**
 * @internal The parsed CIDR of recorded pool `name` of a checked ledger, at position `k` of its
 * {@link PoolIndex}, given the `cidrs` its inspection holds: by position when `cidrs` is an
 * {@link EntryCidrs} (no lookup by name), else looked up.
 */
export function recordedCidr(cidrs: ReadonlyMap<string, Cidr>, k: number, name: string): Cidr {
  return cidrs instanceof EntryCidrs ? cidrs.at(k) : cidrs.get(name)!;
}

/**
 * @internal The positions of the IPv4 pools of a checked ledger in address order (network, then
 * prefix), when its reader sorted them and read every IPv4 range as a key (see {@link recordedIPv4Key});
 * `undefined` otherwise.
 */
export function recordedIPv4Order(cidrs: ReadonlyMap<string, Cidr>): Uint32Array | undefined {
  return cidrs instanceof EntryCidrs ? cidrs.v4Order : undefined;
}

/**
 * @internal The IPv4 ranges of a checked ledger's pools as its reader read them, by position (see
 * {@link EntryCidrs.ipv4Key}: -1 for an IPv6 range), or `undefined` when they were not read so: the
 * list {@link recordedIPv4Key} reads, for a run that reads many.
 */
export function recordedIPv4Keys(cidrs: ReadonlyMap<string, Cidr>): Float64Array | undefined {
  return cidrs instanceof EntryCidrs ? cidrs.v4Keys : undefined;
}

/**
 * @internal The IPv4 range of recorded pool `k` of a checked ledger as network × 64 + prefix, when its
 * reader read it so (see {@link EntryCidrs.ipv4Key}); -1 otherwise (then read its `Cidr`).
 */
export function recordedIPv4Key(cidrs: ReadonlyMap<string, Cidr>, k: number): number {
  return cidrs instanceof EntryCidrs ? cidrs.ipv4Key(k) : -1;
}
