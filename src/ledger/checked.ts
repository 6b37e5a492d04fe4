/**
 * The ledgers and sections known to be valid, so that a valid ledger is checked once: by
 * {@link inspectLedger} when it is read, or by the carver that built it from checked parts.
 */
import type { Cidr } from "../ip";
import type { Ledger, LedgerEntry } from "./format";
import type { InspectedLedger } from "./inspect";
import { checkedCidr } from "./private/canonical-cidr";
import { own } from "./private/names";

/**
 * @internal Ledgers known to be valid, with their parsed CIDRs, so that a ledger read by `parseLedger` or made
 * by the carver is not checked again by the next `carve` or `serializeLedger` (for 10,000 pools that
 * is most of the cost of a run). Only deeply frozen ledgers made here are registered: they cannot
 * change after the check.
 */
export const INSPECTED = new WeakMap<object, InspectedLedger>();

/**
 * @internal `addresses` sections known to be valid: the normalized, deeply frozen sections of checked ledgers.
 * {@link freezeLedger} reuses such a section as it is, and {@link registerCheckedLedger} registers a
 * ledger only when its section is one of these (or absent): the section is checked on its own, since
 * nothing in it depends on the pools.
 */
export const CHECKED_ADDRESSES = new WeakSet<object>();

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
 * no overlaps), with the parsed CIDR of every entry, or a function that makes them when first needed. A ledger whose `addresses`, `nodeCidrs` or `clusters` section
 * is not the checked section of another ledger (see {@link freezeLedger}) is not registered, so it is
 * checked in full when used.
 */
export function registerCheckedLedger(ledger: Ledger, cidrs: ReadonlyMap<string, Cidr> | (() => ReadonlyMap<string, Cidr>)): void {
  const addressesChecked = ledger.addresses === undefined || CHECKED_ADDRESSES.has(ledger.addresses);
  const nodeCidrsChecked = ledger.nodeCidrs === undefined || CHECKED_NODE_CIDRS.has(ledger.nodeCidrs);
  const clustersChecked = ledger.clusters === undefined || CHECKED_CLUSTERS.has(ledger.clusters);
  const migrationsChecked = ledger.migrations === undefined || CHECKED_MIGRATIONS.has(ledger.migrations);
  const subSpacesChecked = ledger.subSpaces === undefined || CHECKED_SUB_SPACES.has(ledger.subSpaces);
  const drawnChecked = ledger.drawnRanges === undefined || CHECKED_DRAWN_RANGES.has(ledger.drawnRanges);
  if (Object.isFrozen(ledger) && Object.isFrozen(ledger.pools) && addressesChecked && nodeCidrsChecked && clustersChecked && migrationsChecked && subSpacesChecked && drawnChecked) {
    if (typeof cidrs !== "function") {
      INSPECTED.set(ledger, { ledger, cidrs, problems: [] });
    } else {
      // Made when first read: a ledger that is only written out (most runs) never needs it.
      let made: ReadonlyMap<string, Cidr> | undefined;
      INSPECTED.set(ledger, {
        ledger,
        get cidrs() {
          return (made ??= cidrs());
        },
        problems: [],
      });
    }
  }
}

/**
 * @internal The parsed CIDRs of a checked ledger's entries, read from each entry's canonical text when
 * first asked for: reading a ledger then builds no map of 10,000 names. A carving run asks for each
 * recorded CIDR once, with the entry at hand ({@link recordedCidr}): that reads the entry's text and
 * builds no map either. Anything else (a lookup by name, iteration) builds the map once, then uses it.
 * Iterates in the order of the ledger's `pools` record (name order in a frozen ledger).
 */
export class EntryCidrs implements ReadonlyMap<string, Cidr> {
  private made: Map<string, Cidr> | undefined;

  /**
   * @param pools the frozen `pools` of a checked ledger: every entry's `cidr` is canonical
   * @param size how many entries `pools` has
   */
  constructor(
    private readonly pools: Readonly<Record<string, LedgerEntry>>,
    readonly size: number,
  ) {}

  /** The CIDR of the entry `name`, which is `entry`: from the map when it is made, else read from the entry. */
  ofEntry(name: string, entry: LedgerEntry): Cidr {
    return this.made !== undefined ? this.made.get(name)! : checkedCidr(entry.cidr);
  }

  get(name: string): Cidr | undefined {
    return this.map().get(name);
  }

  has(name: string): boolean {
    return own(this.pools, name) !== undefined;
  }

  forEach(callback: (value: Cidr, key: string, map: ReadonlyMap<string, Cidr>) => void, thisArg?: unknown): void {
    this.map().forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  entries(): MapIterator<[string, Cidr]> {
    return this.map().entries();
  }

  keys(): MapIterator<string> {
    return this.map().keys();
  }

  values(): MapIterator<Cidr> {
    return this.map().values();
  }

  [Symbol.iterator](): MapIterator<[string, Cidr]> {
    return this.map().entries();
  }

  private map(): Map<string, Cidr> {
    if (this.made === undefined) {
      const made = new Map<string, Cidr>();
      for (const name of Object.keys(this.pools)) made.set(name, checkedCidr(this.pools[name].cidr));
      this.made = made;
    }
    return this.made;
  }
}

/**
 * @internal The parsed CIDR of a recorded entry `name` of a checked ledger, given the `cidrs` its
 * inspection holds and the entry itself: read from the entry when `cidrs` is an {@link EntryCidrs}
 * that has made no map (no lookup by name), else looked up.
 */
export function recordedCidr(cidrs: ReadonlyMap<string, Cidr>, name: string, entry: LedgerEntry): Cidr {
  return cidrs instanceof EntryCidrs ? cidrs.ofEntry(name, entry) : cidrs.get(name)!;
}
