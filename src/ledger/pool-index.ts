/**
 * The recorded pools of a checked ledger by position, for the carving runs that look up every
 * requested pool: one hash of each name into a typed array, no string-keyed map or record.
 */
import type { Cidr } from "../ip";
import { EntryCidrs, INSPECTED } from "./checked";
import type { Ledger, LedgerEntry } from "./format";
import { freezeIndexedPools } from "./freeze";

/**
 * @internal The pools of a checked ledger by position: the names in the ledger's order (name order),
 * their entries, and the position of each name. Looking a name up hashes its characters into a typed
 * array and compares one string: building it makes no string-keyed map (10,000 names into a `Map` or
 * a record cost several times as much, most of it in hashing and internalizing the names).
 */
export class PoolIndex {
  /** Position + 1 by hash slot; 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  /**
   * @param names the pool names, unique, in the ledger's order
   * @param entries the entry of each name, at the same position
   */
  constructor(
    readonly names: readonly string[],
    readonly entries: readonly LedgerEntry[],
  ) {
    let size = 8;
    while (size < names.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let k = 0; k < names.length; k++) {
      let slot = hashName(names[k]) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = k + 1;
    }
  }

  /** How many pools. */
  get size(): number {
    return this.names.length;
  }

  /** The position of pool `name`, or -1. */
  indexOf(name: string): number {
    let slot = hashName(name) & this.mask;
    for (let k = this.slots[slot]; k !== 0; k = this.slots[slot]) {
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
  let index = INDEXES.get(ledger);
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
 * @internal A ledger of the pools of `index` alone, made by a reader or from checked parts (names unique
 * and in name order, none integer-like; entries frozen and valid; no two ranges overlap), registered
 * as checked with its index and CIDRs (`cidrs` by position, or made when first asked for: from the
 * IPv4 keys its reader read, `v4Keys`, else from the entries' text; see {@link EntryCidrs}). Its `pools` record is made when first read (see {@link freezeIndexedPools}).
 */
export function checkedIndexedLedger(index: PoolIndex, cidrs?: Cidr[], v4Keys?: Float64Array): Ledger {
  const ledger = freezeIndexedPools(index);
  INDEXES.set(ledger, index);
  INSPECTED.set(ledger, { ledger, cidrs: new EntryCidrs(index, cidrs, v4Keys), problems: [] });
  return ledger;
}
