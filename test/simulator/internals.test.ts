import fc from "fast-check";
import { formatAddress } from "../../src/ip";
import { BlockState } from "../../src/simulator/ipam-block";
import { fnv1_32 } from "../../src/simulator/private/fnv";
import { blockObjectName, v6Groups, v6Prefix, v6Text } from "../../src/simulator/private/format";
import { FreePositionTree } from "../../src/simulator/private/free-tree";
import { IndexRangeSet } from "../../src/simulator/private/index-set";
import { placeReplicas } from "../../src/simulator/private/placement";

describe("the per-host start block", () => {
  test.each([
    ["", 0x811c9dc5],
    ["a", 0x050c5d7e],
    ["foobar", 0x31f0b262],
  ])("FNV-1 (not FNV-1a) 32-bit hash of %p", (text, hash) => {
    expect(fnv1_32(text)).toBe(hash);
  });
});

describe("IndexRangeSet finds the next unclaimed block without walking blocks", () => {
  test("walks forward from the start and wraps around", () => {
    const s = new IndexRangeSet(10n);
    for (const i of [0n, 1n, 4n, 5n, 6n, 9n]) s.add(i);
    expect(s.nextFree(5n)).toBe(7n);
    expect(s.nextFree(9n)).toBe(2n);
    expect(s.nextFree(2n)).toBe(2n);
    expect(s.count).toBe(6n);
  });

  test("merges touching ranges and reports full", () => {
    const s = new IndexRangeSet(4n);
    s.addRange(1n, 2n);
    s.add(0n);
    s.add(3n);
    expect(s.count).toBe(4n);
    expect(s.nextFree(0n)).toBeUndefined();
  });

  test("re-adding taken indices changes nothing", () => {
    const s = new IndexRangeSet(100n);
    s.addRange(10n, 20n);
    s.add(15n);
    s.addRange(12n, 18n);
    expect(s.count).toBe(11n);
    expect(s.nextFree(10n)).toBe(21n);
  });

  test("handles 2^58 blocks", () => {
    const s = new IndexRangeSet(1n << 58n);
    s.add((1n << 58n) - 1n);
    expect(s.nextFree((1n << 58n) - 1n)).toBe(0n);
  });
});

describe("FreePositionTree", () => {
  test("finds the first free position at or after a start", () => {
    const t = new FreePositionTree([false, true, false, false, true]);
    expect(t.firstFreeFrom(0)).toBe(1);
    expect(t.firstFreeFrom(2)).toBe(4);
    expect(t.firstFreeFrom(5)).toBe(-1);
    t.set(4, false);
    expect(t.firstFreeFrom(2)).toBe(-1);
    t.set(3, true);
    expect(t.firstFreeFrom(2)).toBe(3);
  });
});

describe("a block hands out addresses as Calico's FIFO list does", () => {
  const take = (b: BlockState, n: number) => Array.from({ length: n }, () => b.autoAssign());

  test("lowest ordinal first", () => {
    const b = new BlockState(0, 0n, 0n, 8, 0, false, undefined, "10.0.0.0/29");
    expect(take(b, 3)).toEqual([0, 1, 2]);
    expect(b.freeAuto).toBe(5);
  });

  test("a released ordinal goes to the tail", () => {
    const b = new BlockState(0, 0n, 0n, 4, 0, false, undefined, "10.0.0.0/30");
    take(b, 2);
    b.release(0);
    expect(take(b, 3)).toEqual([2, 3, 0]);
    expect(b.autoAssign()).toBe(-1);
  });

  test("Windows reserves 0, 1, 2 and the last ordinal", () => {
    const b = new BlockState(0, 0n, 0n, 8, 0, true, undefined, "10.0.0.0/29");
    expect(b.freeAuto).toBe(4);
    expect(take(b, 5)).toEqual([3, 4, 5, 6, -1]);
    expect(b.assignOrdinal(7)).toBe(false);
  });

  test("IP reservations are skipped and stay free for fixed addresses", () => {
    const b = new BlockState(0, 0n, 0n, 8, 0, false, [1, 2, 5, 5], "10.0.0.0/29");
    expect(b.freeAuto).toBe(5);
    expect(take(b, 6)).toEqual([0, 3, 4, 6, 7, -1]);
    expect(b.isAllocated(1)).toBe(false);
    expect(b.assignOrdinal(1)).toBe(true);
    expect(b.assignOrdinal(1)).toBe(false);
  });

  test("a fixed ordinal ahead of the cursor is skipped by auto-assign", () => {
    const b = new BlockState(0, 0n, 0n, 8, 0, false, undefined, "10.0.0.0/29");
    expect(b.assignOrdinal(2)).toBe(true);
    expect(take(b, 3)).toEqual([0, 1, 3]);
    b.release(2);
    expect(take(b, 5)).toEqual([4, 5, 6, 7, 2]);
  });
});

describe("IPv6 address text", () => {
  test.each([
    [0xfd000000000000000000000000000000n, 0, "fd00::"],
    [0xfd000000000000000000000000000000n, 1, "fd00::1"],
    [0x20010db8000000010000000000000fc0n, 0x3f, "2001:db8:0:1::fff"],
    [0x00000000000000000000000000000000n, 0, "::"],
  ])("%s + %d", (network, offset, text) => {
    expect(v6Text(v6Groups(network), offset)).toBe(text);
    expect(formatAddress(6, network + BigInt(offset))).toBe(text);
  });
});

describe("IPv6 address text from a block's shared prefix", () => {
  // Groups of 0 often, so that every placement of the longest zero run (RFC 5952) comes up.
  const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
  test("property: prefix + last group is formatAddress's text for every address whose last group is not 0", () => {
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 4, max: 12 }), fc.nat(), (gs, hostBits, pick) => {
        const size = 2 ** hostBits;
        gs[7] &= ~(size - 1) & 0xffff; // a block network: host bits clear
        const network = gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
        const groups = v6Groups(network);
        const prefix = v6Prefix(groups);
        const mapped = gs.slice(0, 5).every((g) => g === 0) && gs[5] === 0xffff;
        expect(prefix === undefined).toBe(mapped);
        for (const offset of [pick % size, size - 1, 1]) {
          const last = groups[7] | offset;
          const text = formatAddress(6, network + BigInt(offset));
          expect(v6Text(groups, offset)).toBe(text);
          if (prefix !== undefined && last !== 0) expect(prefix + last.toString(16)).toBe(text);
        }
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    [0xfd000010000000000000000000000000n, "fd00:10::"],
    [0x20010db8000000010000000000000fc0n, "2001:db8:0:1::"],
    [0x00000000000000000000000000000000n, "::"],
    [0x00010000000100000000000100000000n, "1:0:1::1:0:"],
    [0x00000000ffff00000000000000000000n, "0:0:ffff::"],
  ])("prefix of %s", (network, prefix) => {
    expect(v6Prefix(v6Groups(network))).toBe(prefix);
  });
});

describe("IPAMBlock object names", () => {
  test.each([
    ["10.0.0.64/26", "10-0-0-64-26"],
    ["fd00:10::/122", "fd00-10---122"],
    ["2001:db8:0:1::fc0/122", "2001-db8-0-1--fc0-122"],
    ["::/116", "---116"],
  ])("%s -> %s", (cidr, name) => {
    expect(blockObjectName(cidr)).toBe(name);
  });

  test("every '.', ':' and '/' becomes '-', nothing else changes", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(".", ":", "/", "-", "0", "a", "f", "9") }), (text) => {
        const name = blockObjectName(text);
        expect(name.length).toBe(text.length);
        for (let i = 0; i < text.length; i++) expect(name[i]).toBe(".:/".includes(text[i]) ? "-" : text[i]);
      }),
    );
  });
});

describe("placement", () => {
  test("fewest pods first, ties in natural name order, full nodes skipped", () => {
    const slots = [
      { pods: 0, maxPods: 1 },
      { pods: 0, maxPods: 5 },
      { pods: 1, maxPods: 5 },
    ];
    const out = new Int32Array(6);
    expect(placeReplicas(slots, [0, 1, 2], 6, out)).toBe(6);
    expect([...out]).toEqual([0, 1, 1, 2, 1, 2]);
  });

  test("property: level by level, each replica lands where the one-by-one rule (fewest pods, then lowest index) puts it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pods: fc.nat({ max: 6 }), maxPods: fc.nat({ max: 8 }) }), { maxLength: 12 }),
        fc.nat({ max: 60 }),
        fc.func(fc.boolean()),
        (nodes, replicas, pick) => {
          const eligible = nodes.map((_, i) => i).filter((i) => pick(i));
          const fast = nodes.map((n) => ({ ...n }));
          const slow = nodes.map((n) => ({ ...n }));
          const out = new Int32Array(replicas);
          const placed = placeReplicas(fast, eligible, replicas, out);
          // The rule itself, one replica at a time, by a scan of every eligible node.
          const expected: number[] = [];
          for (let r = 0; r < replicas; r++) {
            let best = -1;
            for (const i of eligible) if (slow[i].pods < slow[i].maxPods && (best < 0 || slow[i].pods < slow[best].pods)) best = i;
            expected.push(best);
            if (best >= 0) slow[best].pods++;
          }
          expect([...out]).toEqual(expected);
          expect(placed).toBe(expected.filter((x) => x >= 0).length);
          expect(fast).toEqual(slow);
        },
      ),
    );
  });

  test("replicas without room are marked -1", () => {
    const out = new Int32Array(3);
    expect(placeReplicas([{ pods: 0, maxPods: 2 }], [0], 3, out)).toBe(2);
    expect([...out]).toEqual([0, 0, -1]);
  });
});

describe("IndexRangeSet gives indices back", () => {
  test("deleting from the middle of a range splits it; the freed index is found again", () => {
    const s = new IndexRangeSet(10n);
    s.addRange(2n, 6n);
    s.delete(4n);
    expect(s.count).toBe(4n);
    expect(s.has(4n)).toBe(false);
    expect(s.nextFree(2n)).toBe(4n);
    s.delete(2n);
    s.delete(6n);
    expect(s.count).toBe(2n);
    expect(s.nextFree(0n)).toBe(0n);
    expect(s.nextFree(3n)).toBe(4n);
  });
});
