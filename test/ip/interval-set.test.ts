import { AddressRange, Cidr, IntervalSet, formatAddress, parseAddress } from "../../src/ip";

const c = (text: string) => Cidr.parse(text);
const a = (text: string) => parseAddress(text).value;
/** "10.0.0.5-10.0.0.9" as an AddressRange */
const r = (text: string): AddressRange => {
  const [first, last] = text.split("-");
  return { first: a(first), last: a(last) };
};
const show = (family: 4 | 6, ranges: readonly AddressRange[]) =>
  ranges.map((x) => `${formatAddress(family, x.first)}-${formatAddress(family, x.last)}`);
const v4set = (...cidrs: string[]) => IntervalSet.fromCidrs(4, cidrs.map(c));

describe("IntervalSet keeps sorted, merged ranges", () => {
  test("an empty set has no ranges and size 0", () => {
    const s = new IntervalSet(6);
    expect(s.family).toBe(6);
    expect(s.isEmpty).toBe(true);
    expect(s.size).toBe(0n);
    expect(s.ranges()).toEqual([]);
  });

  test.each([
    [["10.0.0.0/25", "10.0.0.128/25"], ["10.0.0.0-10.0.0.255"]],
    [["10.0.1.0/24", "10.0.0.0/24"], ["10.0.0.0-10.0.1.255"]],
    [["10.0.0.0/24", "10.0.0.64/26"], ["10.0.0.0-10.0.0.255"]],
    [["10.0.0.0/24", "10.0.2.0/24"], ["10.0.0.0-10.0.0.255", "10.0.2.0-10.0.2.255"]],
    [["10.0.2.0/24", "10.0.0.0/24", "10.0.1.0/24"], ["10.0.0.0-10.0.2.255"]],
    [["0.0.0.0/1", "128.0.0.0/1"], ["0.0.0.0-255.255.255.255"]],
  ])("adding %j gives %j (adjacent and overlapping ranges merge)", (cidrs, expected) => {
    const added = new IntervalSet(4);
    for (const x of cidrs) added.add(c(x));
    expect(show(4, added.ranges())).toEqual(expected);
    expect(show(4, v4set(...cidrs).ranges())).toEqual(expected);
  });

  test("adding a range that bridges several ranges merges them all", () => {
    const s = v4set("10.0.0.0/30", "10.0.0.8/30", "10.0.0.16/30", "10.0.0.32/30");
    s.add(r("10.0.0.2-10.0.0.17"));
    expect(show(4, s.ranges())).toEqual(["10.0.0.0-10.0.0.19", "10.0.0.32-10.0.0.35"]);
  });

  test.each([
    ["10.0.0.0/26", ["10.0.0.64-10.0.0.255"]],
    ["10.0.0.192/26", ["10.0.0.0-10.0.0.191"]],
    ["10.0.0.64/26", ["10.0.0.0-10.0.0.63", "10.0.0.128-10.0.0.255"]],
    ["10.0.0.0/24", []],
    ["10.0.0.0/16", []],
    ["10.0.1.0/24", ["10.0.0.0-10.0.0.255"]],
  ])("removing %s from 10.0.0.0/24 leaves %j", (removed, expected) => {
    expect(show(4, v4set("10.0.0.0/24").remove(c(removed)).ranges())).toEqual(expected);
  });

  test("removing a range that spans several ranges trims both ends", () => {
    const s = v4set("10.0.0.0/28", "10.0.0.32/28", "10.0.0.64/28");
    s.remove(r("10.0.0.8-10.0.0.70"));
    expect(show(4, s.ranges())).toEqual(["10.0.0.0-10.0.0.7", "10.0.0.71-10.0.0.79"]);
  });

  test("size counts addresses without walking them, even for IPv6", () => {
    expect(v4set("10.0.0.0/24", "10.0.1.0/25").size).toBe(384n);
    const s = IntervalSet.fromCidrs(6, [c("fd00::/8"), c("2001:db8::/32")]);
    expect(s.size).toBe((1n << 120n) + (1n << 96n));
    s.remove(c("fd00::/9"));
    expect(s.size).toBe((1n << 119n) + (1n << 96n));
  });

  test("ranges() is a frozen snapshot that later changes do not alter", () => {
    const s = v4set("10.0.0.0/24");
    const before = s.ranges();
    s.add(c("10.0.5.0/24"));
    expect(Object.isFrozen(before)).toBe(true);
    expect(before).toHaveLength(1);
    expect(s.ranges()).toHaveLength(2);
  });

  test("clone is independent of the original", () => {
    const s = v4set("10.0.0.0/24");
    const copy = s.clone().add(c("10.0.1.0/24"));
    s.remove(c("10.0.0.0/25"));
    expect(show(4, s.ranges())).toEqual(["10.0.0.128-10.0.0.255"]);
    expect(show(4, copy.ranges())).toEqual(["10.0.0.0-10.0.1.255"]);
  });

  test.each([
    ["an IPv6 CIDR in an IPv4 set", () => new IntervalSet(4).add(c("fd00::/8")), /fd00::\/8 is not an IPv4 CIDR/],
    ["a reversed range", () => new IntervalSet(4).add({ first: 5n, last: 4n }), /is not a non-empty IPv4 address range/],
    ["a range past the address space", () => new IntervalSet(4).add({ first: 0n, last: 1n << 32n }), /not a non-empty IPv4/],
    ["a negative address", () => new IntervalSet(6).remove({ first: -1n, last: 0n }), /not a non-empty IPv6/],
    ["an unknown family", () => new IntervalSet(5 as never), /IP family must be 4 or 6/],
  ])("refuses %s", (_name, act, message) => {
    expect(act).toThrow(message);
  });
});

describe("IntervalSet queries", () => {
  const used = v4set("10.0.0.0/26", "10.0.0.128/26");

  test.each([
    ["10.0.0.0", true],
    ["10.0.0.63", true],
    ["10.0.0.64", false],
    ["10.0.0.127", false],
    ["10.0.0.191", true],
    ["10.0.0.192", false],
    ["9.255.255.255", false],
  ])("containsAddress(%s) is %s", (addr, expected) => {
    expect(used.containsAddress(a(addr))).toBe(expected);
  });

  test.each([
    ["10.0.0.0-10.0.0.63", true, true],
    ["10.0.0.8-10.0.0.15", true, true],
    ["10.0.0.0-10.0.0.64", false, true],
    ["10.0.0.60-10.0.0.130", false, true],
    ["10.0.0.64-10.0.0.127", false, false],
    ["10.0.0.192-10.0.1.0", false, false],
    ["9.0.0.0-10.0.0.0", false, true],
  ])("%s: covered %s, intersecting %s", (range, covered, intersecting) => {
    expect(used.covers(r(range))).toBe(covered);
    expect(used.intersects(r(range))).toBe(intersecting);
  });

  test("covers and intersects take CIDRs too", () => {
    expect(used.covers(c("10.0.0.128/26"))).toBe(true);
    expect(used.covers(c("10.0.0.0/24"))).toBe(false);
    expect(used.intersects(c("10.0.0.0/24"))).toBe(true);
    expect(used.intersects(c("10.0.0.64/26"))).toBe(false);
  });

  test.each([
    ["10.0.0.0/24", ["10.0.0.64-10.0.0.127", "10.0.0.192-10.0.0.255"]],
    ["10.0.0.0/25", ["10.0.0.64-10.0.0.127"]],
    ["10.0.0.0/26", []],
    ["10.0.0.0/23", ["10.0.0.64-10.0.0.127", "10.0.0.192-10.0.1.255"]],
    ["10.0.0.32-10.0.0.200", ["10.0.0.64-10.0.0.127", "10.0.0.192-10.0.0.200"]],
    ["10.0.0.100-10.0.0.110", ["10.0.0.100-10.0.0.110"]],
  ])("the free ranges of %s are %j", (within, expected) => {
    const w = within.includes("-") ? r(within) : c(within);
    expect(show(4, used.freeRanges(w))).toEqual(expected);
  });

  test("an empty set leaves the whole of `within` free", () => {
    expect(show(6, new IntervalSet(6).freeRanges(c("fd00::/8")))).toEqual([
      "fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ]);
  });
});

describe("bestFit places a pool in the tightest free run that holds it", () => {
  const parent = c("10.0.0.0/24");

  test("an empty parent gets its first aligned CIDR", () => {
    expect(new IntervalSet(4).bestFit(26, parent)?.toString()).toBe("10.0.0.0/26");
  });

  test("the smallest run that fits wins over a bigger one earlier", () => {
    // free: .64-.127 (64) and .192-.223 (32)
    const used = v4set("10.0.0.0/26", "10.0.0.128/26", "10.0.0.224/27");
    expect(used.bestFit(27, parent)?.toString()).toBe("10.0.0.192/27");
    expect(used.bestFit(26, parent)?.toString()).toBe("10.0.0.64/26");
  });

  test("equal runs: the lowest address wins", () => {
    const used = v4set("10.0.0.32/27", "10.0.0.96/27", "10.0.0.128/25");
    expect(used.bestFit(27, parent)?.toString()).toBe("10.0.0.0/27");
  });

  test("a run big enough by count but badly aligned is skipped", () => {
    // free: .40-.120 (81 addresses) cannot hold an aligned /26; .128-.255 can
    const used = new IntervalSet(4).add(r("10.0.0.0-10.0.0.39")).add(r("10.0.0.121-10.0.0.127"));
    expect(used.bestFit(26, parent)?.toString()).toBe("10.0.0.128/26");
    // but it holds a /27 at the first aligned start, .64
    expect(used.bestFit(27, parent)?.toString()).toBe("10.0.0.64/27");
  });

  test("a run that starts unaligned gives the lowest aligned CIDR inside it", () => {
    const used = new IntervalSet(4).add(r("10.0.0.0-10.0.0.39"));
    expect(used.bestFit(26, parent)?.toString()).toBe("10.0.0.64/26");
    expect(used.bestFit(29, parent)?.toString()).toBe("10.0.0.40/29");
  });

  test("used space outside `within` does not matter, and runs are clipped to `within`", () => {
    const used = v4set("10.0.0.0/25", "10.0.1.0/24");
    expect(used.bestFit(25, c("10.0.0.0/24"))?.toString()).toBe("10.0.0.128/25");
    expect(used.bestFit(26, c("10.0.0.128/25"))?.toString()).toBe("10.0.0.128/26");
  });

  test.each([
    ["the parent is full", v4set("10.0.0.0/24"), 32],
    ["the request is bigger than the parent", new IntervalSet(4), 23],
    ["no run is big enough", v4set("10.0.0.0/26", "10.0.0.128/26"), 25],
  ])("undefined when %s", (_name, used, prefix) => {
    expect(used.bestFit(prefix, parent)).toBeUndefined();
  });

  test("a perfect fit is found in an IPv6 /48 without walking blocks", () => {
    const used = IntervalSet.fromCidrs(6, [c("fd00::/49"), c("fd00:0:0:c000::/50")]);
    expect(used.bestFit(64, c("fd00::/48"))?.toString()).toBe("fd00:0:0:8000::/64");
    expect(used.bestFit(50, c("fd00::/48"))?.toString()).toBe("fd00:0:0:8000::/50");
    expect(used.bestFit(49, c("fd00::/48"))).toBeUndefined();
  });

  test("refuses a `within` of the other family and an impossible prefix", () => {
    expect(() => new IntervalSet(4).bestFit(64, c("fd00::/8"))).toThrow(/fd00::\/8 is not an IPv4 CIDR/);
    expect(() => new IntervalSet(4).bestFit(33, parent)).toThrow(/prefix length 33 is out of range for IPv4/);
  });
});

describe("largestFree lists the biggest aligned blocks left", () => {
  test("largest first, lowest address on ties, at most `limit`", () => {
    // free: .1-.255 of 10.0.0.0/24 and all of 10.0.1.0/25 but .0
    const used = new IntervalSet(4).add(r("10.0.0.0-10.0.0.0")).add(r("10.0.1.128-10.0.1.255"));
    expect(used.largestFree(c("10.0.0.0/23"), 4).map(String)).toEqual([
      "10.0.0.128/25",
      "10.0.1.0/25",
      "10.0.0.64/26",
      "10.0.0.32/27",
    ]);
  });

  test("a full parent has nothing left", () => {
    expect(v4set("10.0.0.0/16").largestFree(c("10.0.0.0/24"), 5)).toEqual([]);
  });

  test("limit 0 is an empty answer; a negative limit is refused", () => {
    expect(new IntervalSet(4).largestFree(c("10.0.0.0/24"), 0)).toEqual([]);
    expect(() => new IntervalSet(4).largestFree(c("10.0.0.0/24"), -1)).toThrow(RangeError);
  });

  test("works on many runs with a small limit", () => {
    const used = new IntervalSet(4);
    for (let i = 0n; i < 2000n; i++) used.add({ first: 0x0a000000n + i * 4n, last: 0x0a000000n + i * 4n });
    const free = used.largestFree(c("10.0.0.0/16"), 3);
    expect(free.map(String)).toEqual(["10.0.128.0/17", "10.0.64.0/18", "10.0.32.0/19"]);
  });
});
