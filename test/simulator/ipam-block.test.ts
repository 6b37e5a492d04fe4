import fc from "fast-check";
import { BlockState } from "../../src/simulator/ipam-block";

const block = (capacity = 8, windows = false, reservations?: number[]) => new BlockState(0, 0n, 0n, capacity, 0, windows, reservations, "10.0.0.0/29");
const take = (b: BlockState, n: number) => Array.from({ length: n }, () => b.autoAssign());

describe("a block's unallocated list is Calico's IPAMBlock.spec.unallocated", () => {
  test("a new block lists every ordinal in ascending order", () => {
    expect(block().unallocated()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test("a Windows block leaves out ordinals 0, 1, 2 and N-1 (allocated to the reserved handle)", () => {
    expect(block(8, true).unallocated()).toEqual([3, 4, 5, 6]);
  });

  test("released ordinals join the tail, oldest first", () => {
    const b = block();
    take(b, 4);
    b.release(2);
    b.release(0);
    expect(b.unallocated()).toEqual([4, 5, 6, 7, 2, 0]);
  });

  test("IP-reserved ordinals the head has passed stay at the head, where Calico skips them", () => {
    const b = block(8, false, [1, 2]);
    expect(take(b, 2)).toEqual([0, 3]);
    expect(b.unallocated()).toEqual([1, 2, 4, 5, 6, 7]);
  });

  test("an ordinal released, taken again as a fixed address and released again counts once, at its latest place", () => {
    const b = block();
    take(b, 3);
    b.release(1);
    expect(b.assignOrdinal(1)).toBe(true);
    b.release(0);
    b.release(1);
    expect(b.unallocated()).toEqual([3, 4, 5, 6, 7, 0, 1]);
    expect(take(b, 7)).toEqual([3, 4, 5, 6, 7, 0, 1]);
  });

  test("every write bumps the sequence number (Calico's compare-and-swap guard)", () => {
    const b = block();
    take(b, 2);
    b.release(0);
    expect(b.sequenceNumber).toBe(3);
  });
});

describe("a block read back from a stored IPAMBlock behaves as the one written", () => {
  test("property: after any assigns and releases, restore(unallocated) hands out the same ordinals", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat(15)), { maxLength: 60 }), fc.boolean(), (ops, windows) => {
        const b = block(16, windows, [5, 6]);
        const held: number[] = [];
        for (const op of ops) {
          if (op === -1) {
            const o = b.autoAssign();
            if (o >= 0) held.push(o);
          } else if (held.length > 0) {
            b.release(held.splice(op % held.length, 1)[0]);
          }
        }
        const copy = BlockState.restore({ poolIndex: 0, index: 0n, network: 0n, capacity: 16, owner: 0, windows, reservations: [5, 6], cidr: "10.0.0.0/28", unallocated: b.unallocated() });
        expect(copy.unallocated()).toEqual(b.unallocated());
        expect(copy.inUse).toBe(b.inUse);
        expect(copy.freeAuto).toBe(b.freeAuto);
        expect(take(copy, 17)).toEqual(take(b, 17));
      }),
    );
  });
});

describe("a block hands out addresses as Calico's unallocated list does", () => {
  test("property: auto-assigns, fixed addresses and releases follow the plain FIFO list, also after the queue is compacted", () => {
    // 300 to 600 operations on 72 addresses: enough to pass the 64-entry compaction of the released queue.
    const capacity = 72;
    const op = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant("auto" as const) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant("fixed" as const), o: fc.nat(capacity - 1) }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant("release" as const), k: fc.nat() }), weight: 3 },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 300, maxLength: 600 }), fc.boolean(), (ops, windows) => {
        const b = block(capacity, windows);
        // The model: Calico's spec.unallocated as a plain array (head assigned first, released at the tail).
        const list = Array.from({ length: capacity }, (_, o) => o).filter((o) => !windows || (o > 2 && o < capacity - 1));
        const held: number[] = [];
        for (const x of ops) {
          if (x.kind === "auto") {
            const expected = list.length > 0 ? (list.shift() as number) : -1;
            expect(b.autoAssign()).toBe(expected);
            if (expected >= 0) held.push(expected);
          } else if (x.kind === "fixed") {
            const at = list.indexOf(x.o);
            expect(b.assignOrdinal(x.o)).toBe(at >= 0);
            if (at >= 0) held.push(...list.splice(at, 1));
          } else if (held.length > 0) {
            const o = held.splice(x.k % held.length, 1)[0];
            b.release(o);
            list.push(o);
          }
        }
        expect(b.unallocated()).toEqual(list);
        expect(b.freeAuto).toBe(list.length);
        expect(b.inUse).toBe(held.length);
        for (let o = 0; o < capacity; o++) expect(b.isAllocated(o)).toBe(!list.includes(o));
      }),
      { numRuns: 40 },
    );
  });
});
