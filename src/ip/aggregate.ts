import { FAMILY_BITS, IpFamily, MAX_ADDRESS, assertFamily, bitLength } from "./address";
import { Cidr } from "./cidr";
import type { AddressRange } from "./interval-set";

/** @internal throws a RangeError unless the range is a non-empty range of the family's address space. */
export function assertRange(family: IpFamily, range: AddressRange): void {
  if (range instanceof Cidr) {
    if (range.family !== family) throw new RangeError(`${range.toString()} is not an IPv${family} CIDR`);
    return;
  }
  const { first, last } = range;
  if (typeof first !== "bigint" || typeof last !== "bigint" || first < 0n || last > MAX_ADDRESS[family] || first > last) {
    throw new RangeError(`${String(first)}-${String(last)} is not a non-empty IPv${family} address range`);
  }
}

/**
 * The maximal aligned CIDR decomposition of one inclusive range, in ascending order: at each step the
 * largest CIDR that starts at the cursor and does not run past the end. This is also the fewest CIDRs
 * that cover exactly the range. At most 2 × bits CIDRs, whatever the size of the range.
 *
 * @throws RangeError if the range is empty or outside the family's address space
 */
export function rangeToCidrs(family: IpFamily, range: AddressRange): Cidr[] {
  assertFamily(family);
  assertRange(family, range);
  const bits = FAMILY_BITS[family];
  const out: Cidr[] = [];
  let cursor = range.first;
  const last = range.last;
  while (cursor <= last) {
    // Largest block aligned at the cursor: its lowest set bit (the whole space when the cursor is 0).
    const alignBits = cursor === 0n ? bits : bitLength(cursor & -cursor) - 1;
    // Largest block that fits in what is left.
    const fitBits = bitLength(last - cursor + 1n) - 1;
    const hostBits = Math.min(alignBits, fitBits);
    out.push(Cidr.of(family, cursor, bits - hostBits));
    cursor += 1n << BigInt(hostBits);
  }
  return out;
}

/**
 * The fewest CIDRs whose union is exactly the union of the given ranges (for firewall rules and
 * reports), sorted ascending. Overlapping and adjacent inputs are merged first.
 *
 * @throws RangeError if a range is empty, outside the family's space, or a CIDR of the other family
 */
export function aggregate(family: IpFamily, ranges: Iterable<AddressRange | Cidr>): Cidr[] {
  assertFamily(family);
  const sorted: AddressRange[] = [];
  for (const r of ranges) {
    assertRange(family, r);
    sorted.push({ first: r.first, last: r.last });
  }
  sorted.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: Cidr[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i].first;
    let last = sorted[i].last;
    for (i++; i < sorted.length && sorted[i].first <= last + 1n; i++) {
      if (sorted[i].last > last) last = sorted[i].last;
    }
    out.push(...rangeToCidrs(family, { first, last }));
  }
  return out;
}
