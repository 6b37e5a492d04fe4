import type { IpFamily } from "../../ip";
import type { LedgerEntry, LedgerStatus } from "../format";

/** @internal `T` with its fields writable, for a constructor that sets them (then freezes the object). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * @internal A frozen {@link LedgerEntry} without a spec, `{ family, cidr, blockSize, status }`, made by a
 * constructor instead of an object literal, for the carver, which makes one per new pool. V8 tracks an
 * allocation site for each object literal and decides per site, at young collections, whether to
 * allocate its objects in the old generation; optimized code that allocates them depends on that
 * decision and is thrown away whenever V8 changes it (`--trace-deopt`: "code dependencies", at runs 3–8
 * of the benchmark's processes). An object made by `new` has no allocation site. Its prototype is
 * `Object.prototype` all the same: a plain object with the literal's keys in the literal's order, its
 * prototype and `constructor`, frozen.
 */
export const LedgerEntryObject = function (this: Mutable<LedgerEntry>, family: IpFamily, cidr: string, blockSize: number, status: LedgerStatus): void {
  this.family = family;
  this.cidr = cidr;
  this.blockSize = blockSize;
  this.status = status;
  Object.freeze(this);
} as unknown as new (family: IpFamily, cidr: string, blockSize: number, status: LedgerStatus) => LedgerEntry;
LedgerEntryObject.prototype = Object.prototype;
