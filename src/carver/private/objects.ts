/**
 * The objects of a carving result made per pool (the carved pool, the change that adds its entry; the
 * entry is a `LedgerEntryObject`), made by constructors instead of object literals.
 *
 * V8 tracks an allocation site for each object literal and decides per site, at young collections,
 * whether to allocate its objects directly in the old generation (pretenuring); optimized code that
 * allocates them depends on that decision and is thrown away whenever V8 changes it. In the benchmark's
 * runs it changed at runs 3–4 and again at runs 7–8 of a process, and each time `carvedPools`,
 * `ledgerLists` and `addedPools` ran unoptimized for a run or two while they were compiled again
 * (`--trace-deopt`: "code dependencies"). An object made by `new` has no allocation site, so no such
 * dependency.
 *
 * They are plain objects all the same: each constructor's `prototype` is `Object.prototype`, so an
 * object it makes has the prototype and `constructor` (Object) of a literal, the same own properties in
 * the same order, and is frozen where the literal was.
 */
import type { IpFamily, Cidr } from "../../ip";
import type { LedgerEntry } from "../../ledger/format";
import type { LedgerPoolChange } from "../../ledger/diff";
import type { CarvedPool } from "../carver";
import type { Mutable } from "../../ledger/private/entry-object";

/** A frozen {@link CarvedPool}. */
export const CarvedPoolObject = function (
  this: Mutable<CarvedPool>,
  name: string,
  family: IpFamily,
  cidr: Cidr,
  blockSize: number,
  source: CarvedPool["source"],
  explanation: string,
): void {
  this.name = name;
  this.family = family;
  this.cidr = cidr;
  this.blockSize = blockSize;
  this.source = source;
  this.explanation = explanation;
  Object.freeze(this);
} as unknown as new (name: string, family: IpFamily, cidr: Cidr, blockSize: number, source: CarvedPool["source"], explanation: string) => CarvedPool;
CarvedPoolObject.prototype = Object.prototype;

/** The change `{ kind: "added", name, after }` (not frozen, as the literal was not). */
export const AddedChangeObject = function (this: { kind: "added"; name: string; after: LedgerEntry }, name: string, after: LedgerEntry): void {
  this.kind = "added";
  this.name = name;
  this.after = after;
} as unknown as new (name: string, after: LedgerEntry) => LedgerPoolChange;
AddedChangeObject.prototype = Object.prototype;
