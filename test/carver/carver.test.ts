import * as fs from "fs";
import { carve } from "../../src/carver";
import { emptyLedger, parseLedger, serializeLedger } from "../../src/ledger";
import { cidrs, errors, pinned, reread, v4, v6, warnings } from "./helpers";

const pods = { name: "pods", cidr: "10.32.0.0/16" };

describe("carving new pools", () => {
  test("the largest pool goes first, each into the lowest free aligned range", () => {
    const result = carve({ spaces: [pods], requests: [v4("small", 24), v4("big", 20), v4("another", 24)] });
    expect(cidrs(result)).toEqual({ big: "10.32.0.0/20", another: "10.32.16.0/24", small: "10.32.17.0/24" });
    expect(result.findings).toEqual([]);
  });

  test("pools, new ledger entries and changes are plain objects, frozen as before (made by constructors, not literals)", () => {
    const result = carve({ spaces: [pods], requests: [v4("small", 24), v4("big", 20)] });
    const [small] = result.pools;
    expect(Object.getPrototypeOf(small)).toBe(Object.prototype);
    expect(small.constructor).toBe(Object);
    expect(Object.keys(small)).toEqual(["name", "family", "cidr", "blockSize", "source", "explanation"]);
    expect(Object.isFrozen(small)).toBe(true);
    expect(small).toStrictEqual({ name: "small", family: 4, cidr: small.cidr, blockSize: 26, source: "carved", explanation: small.explanation });
    const entry = result.ledger.pools.small;
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(Object.isFrozen(entry)).toBe(true);
    expect(entry).toStrictEqual({ family: 4, cidr: "10.32.16.0/24", blockSize: 26, status: "active" });
    expect(Object.keys(entry)).toEqual(["family", "cidr", "blockSize", "status"]);
    const change = result.changes[1];
    expect(Object.getPrototypeOf(change)).toBe(Object.prototype);
    expect(Object.isFrozen(change)).toBe(false);
    expect(change).toStrictEqual({ kind: "added", name: "small", after: entry });
    expect(Object.keys(change)).toEqual(["kind", "name", "after"]);
  });

  test("pools are returned in request order", () => {
    const result = carve({ spaces: [pods], requests: [v4("small", 24), v4("big", 20), v4("another", 24)] });
    expect(result.pools.map((p) => p.name)).toEqual(["small", "big", "another"]);
  });

  test("the order of requests does not change where pools go", () => {
    const requests = [v4("a", 22), v4("b", 24), v4("c", 20), v4("d", 24), v4("e", 21)];
    const forward = carve({ spaces: [pods], requests });
    const backward = carve({ spaces: [pods], requests: [...requests].reverse() });
    expect(cidrs(backward)).toEqual(cidrs(forward));
    expect(serializeLedger(backward.ledger)).toBe(serializeLedger(forward.ledger));
    // Requests in name order make the ledger's record as they are placed; others sort it first: the same
    // record, keys in name order, and the same changes in the same order.
    expect(Object.keys(forward.ledger.pools)).toEqual(["a", "b", "c", "d", "e"]);
    expect(Object.keys(backward.ledger.pools)).toEqual(["a", "b", "c", "d", "e"]);
    expect(JSON.stringify(backward.ledger)).toBe(JSON.stringify(forward.ledger));
    expect(JSON.stringify(backward.changes)).toBe(JSON.stringify(forward.changes));
    expect(forward.changes.map((c) => c.name)).toEqual(["a", "b", "c", "d", "e"]);
  });

  test("best fit: a pool takes the smallest free aligned range that holds it, not the first", () => {
    // Free after the reservations: 10.0.1.0/24, 10.0.2.128/25, 10.0.3.0/24, 10.0.4.0/22, ...
    const result = carve({
      spaces: [{ name: "pods", cidr: "10.0.0.0/16" }],
      exclusions: [
        { cidr: "10.0.0.0/24", kind: "node" },
        { cidr: "10.0.2.0/25", kind: "reserved", reason: "load balancer appliances" },
      ],
      requests: [v4("half", 25)],
    });
    expect(cidrs(result)).toEqual({ half: "10.0.2.128/25" });
  });

  test("every carved pool is aligned to its own prefix", () => {
    const result = carve({
      spaces: [{ name: "pods", cidr: "10.0.0.0/16" }],
      exclusions: [{ cidr: "10.0.0.64/26", kind: "node" }],
      requests: [v4("a", 26), v4("b", 25), v4("c", 24)],
    });
    expect(cidrs(result)).toEqual({ c: "10.0.1.0/24", b: "10.0.0.128/25", a: "10.0.0.0/26" });
  });

  test("each size kind gets the room it explains", () => {
    const result = carve({
      spaces: [pods],
      requests: [
        { name: "racks", family: 4, blockSize: 26, size: { kind: "capacity", nodes: 40, blocksPerNode: 2 } },
        { name: "payments", family: 4, blockSize: 26, size: { kind: "addresses", addresses: 1000 } },
      ],
    });
    expect(result.pools.map((p) => [p.name, p.cidr.toString(), p.source, p.explanation])).toEqual([
      ["racks", "10.32.0.0/19", "carved", "40 nodes × 2 blocks of /26 = 80 blocks → /19 (128 blocks); best fit in space pods (10.32.0.0/16)"],
      ["payments", "10.32.32.0/22", "carved", "1000 addresses → /22 (1024 addresses); best fit in space pods (10.32.0.0/16)"],
    ]);
  });

  test("IPv6 pools are carved the same way, without enumerating a single /64", () => {
    const result = carve({
      spaces: [{ name: "pods-v6", cidr: "fd00:10:32::/48" }],
      requests: [v6("zone-a", 64), v6("zone-b", 64), v6("zone-c", 56)],
    });
    expect(cidrs(result)).toEqual({ "zone-c": "fd00:10:32::/56", "zone-a": "fd00:10:32:100::/64", "zone-b": "fd00:10:32:101::/64" });
  });

  test("both families are carved in one run, each from its own spaces", () => {
    const result = carve({
      spaces: [pods, { name: "pods-v6", cidr: "fd00:10:32::/48" }],
      requests: [v4("web", 24), v6("web-v6", 64)],
    });
    expect(cidrs(result)).toEqual({ web: "10.32.0.0/24", "web-v6": "fd00:10:32::/64" });
  });
});

describe("address spaces", () => {
  test("without addressSpace, spaces of the family are tried in declaration order", () => {
    const result = carve({
      spaces: [
        { name: "first", cidr: "10.0.0.0/24" },
        { name: "second", cidr: "10.1.0.0/16" },
      ],
      requests: [v4("a", 24), v4("b", 24)],
    });
    expect(cidrs(result)).toEqual({ a: "10.0.0.0/24", b: "10.1.0.0/24" });
    expect(result.pools[1].explanation).toBe("/24 requested (4 blocks of /26); best fit in space second (10.1.0.0/16)");
  });

  test("addressSpace picks the space to carve from", () => {
    const result = carve({
      spaces: [
        { name: "first", cidr: "10.0.0.0/16" },
        { name: "second", cidr: "10.1.0.0/16" },
      ],
      requests: [v4("a", 24, { addressSpace: "second" })],
    });
    expect(cidrs(result)).toEqual({ a: "10.1.0.0/24" });
  });

  test("a space with host bits is an error that shows the masked form", () => {
    const result = carve({ spaces: [{ name: "pods", cidr: "10.32.0.1/16" }], requests: [] });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_SPACE_INVALID",
        path: "spaces[0].cidr",
        message: expect.stringMatching(/address space pods: "10\.32\.0\.1\/16" has host bits set; did you mean "10\.32\.0\.0\/16"\?/),
      }),
    ]);
  });

  test("overlapping spaces are an error on the later one, naming both", () => {
    const result = carve({
      spaces: [
        { name: "a", cidr: "10.32.0.0/12" },
        { name: "b", cidr: "10.40.0.0/16" },
      ],
      requests: [],
    });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_SPACES_OVERLAP",
        path: "spaces[1].cidr",
        message: expect.stringMatching(/address space b \(10\.40\.0\.0\/16\) overlaps address space a \(10\.32\.0\.0\/12, spaces\[0\]\)/),
      }),
    ]);
  });

  test("two spaces with one name are an error", () => {
    const result = carve({ spaces: [pods, { name: "pods", cidr: "10.64.0.0/16" }], requests: [] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_SPACE_INVALID", path: "spaces[1].name" })]);
  });

  test("a space that overlaps a special range warns that those addresses are never carved", () => {
    const result = carve({ spaces: [{ name: "low", cidr: "0.0.0.0/4" }], requests: [v4("first", 8)] });
    expect(cidrs(result)).toEqual({ first: "1.0.0.0/8" });
    expect(warnings(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_SPACE_OVERLAPS_SPECIAL_RANGE",
        path: "spaces[0].cidr",
        message: 'address space low (0.0.0.0/4) overlaps 0.0.0.0/8 (IPv4 "this network"); those addresses are never carved',
      }),
    ]);
  });
});

describe("exclusions", () => {
  test.each([
    ["a service network", { cidr: "10.96.0.0/12", kind: "service" as const }, "10.96.0.0/11", "10.112.0.0/24"],
    ["a node network", { cidr: "10.0.0.0/24", kind: "node" as const }, "10.0.0.0/23", "10.0.1.0/24"],
    ["a reservation", { cidr: "10.0.1.0/24", kind: "reserved" as const, reason: "VPN" }, "10.0.0.0/23", "10.0.0.0/24"],
  ])("%s is never carved", (_, exclusion, space, expected) => {
    const result = carve({ spaces: [{ name: "pods", cidr: space }], exclusions: [exclusion], requests: [v4("pool", 24)] });
    expect(cidrs(result)).toEqual({ pool: expected });
  });

  test("link-local space, with the metadata address 169.254.169.254, is never carved", () => {
    const result = carve({ spaces: [{ name: "odd", cidr: "169.254.0.0/15" }], requests: [v4("a", 16), v4("b", 24)] });
    expect(cidrs(result)).toEqual({ a: "169.255.0.0/16" });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_EXHAUSTED", path: "pools.b" })]);
  });

  test("IPv6 link-local space is never carved", () => {
    const result = carve({ spaces: [{ name: "odd", cidr: "fe80::/9" }], requests: [v6("a", 64)] });
    expect(cidrs(result)).toEqual({ a: "fec0::/64" });
  });

  test("an exclusion with host bits is an error that shows the masked form", () => {
    const result = carve({ spaces: [pods], exclusions: [{ cidr: "10.96.0.1/12", kind: "service" }], requests: [] });
    expect(errors(result)).toEqual([
      expect.objectContaining({ code: "CARVE_EXCLUSION_INVALID", path: "exclusions[0].cidr", message: expect.stringMatching(/did you mean "10\.96\.0\.0\/12"\?/) }),
    ]);
  });

  test("an exclusion of an unknown kind is an error", () => {
    const result = carve({ spaces: [pods], exclusions: [{ cidr: "10.96.0.0/12", kind: "cluster" as "service" }], requests: [] });
    expect(errors(result)).toEqual([
      expect.objectContaining({ path: "exclusions[0].kind", message: 'exclusion kind must be "service", "node" or "reserved", got the string "cluster"' }),
    ]);
  });

  test("a reservation without a reason is a warning", () => {
    const result = carve({ spaces: [pods], exclusions: [{ cidr: "10.32.0.0/24", kind: "reserved" }], requests: [] });
    expect(warnings(result)).toEqual([expect.objectContaining({ code: "CARVE_RESERVATION_WITHOUT_REASON", path: "exclusions[0].reason" })]);
  });
});

describe("pinned pools", () => {
  test("a pinned pool keeps its CIDR and says where it lies", () => {
    const result = carve({ spaces: [pods], requests: [pinned("legacy", "10.32.8.0/22")] });
    expect(result.pools).toEqual([
      expect.objectContaining({ source: "pinned", explanation: "pinned to 10.32.8.0/22 (16 blocks of /26); inside space pods (10.32.0.0/16)" }),
    ]);
  });

  test("a pinned pool need not lie in a declared space, and says so", () => {
    const result = carve({ spaces: [pods], requests: [pinned("legacy", "192.168.0.0/24")] });
    expect(result.findings).toEqual([]);
    expect(result.pools[0].explanation).toBe("pinned to 192.168.0.0/24 (4 blocks of /26); outside every declared address space");
  });

  test("a pinned pool's range is not carved again", () => {
    const result = carve({ spaces: [pods], requests: [pinned("legacy", "10.32.0.0/24"), v4("new", 24)] });
    expect(cidrs(result)).toEqual({ legacy: "10.32.0.0/24", new: "10.32.1.0/24" });
  });

  test.each([
    [
      "a service network",
      { cidr: "10.96.0.0/12", kind: "service" as const },
      "10.100.0.0/16",
      /pool "web" \(pinned to 10\.100\.0\.0\/16\) overlaps the service network 10\.96\.0\.0\/12 \(exclusions\[0\]\): Service cluster IPs and pod addresses would collide\. Pin it to a range outside 10\.96\.0\.0\/12/,
    ],
    [
      "a node network",
      { cidr: "10.0.0.0/24", kind: "node" as const },
      "10.0.0.0/16",
      /pool "web" \(pinned to 10\.0\.0\.0\/16\) overlaps the node network 10\.0\.0\.0\/24 \(exclusions\[0\]\): node and pod addresses would collide/,
    ],
    [
      "a reservation, with its reason",
      { cidr: "10.1.2.0/24", kind: "reserved" as const, reason: "VPN concentrators" },
      "10.1.0.0/22",
      /pool "web" \(pinned to 10\.1\.0\.0\/22\) overlaps the reserved range 10\.1\.2\.0\/24 \(exclusions\[0\]\) \(reserved: VPN concentrators\)/,
    ],
  ])("a pinned pool that overlaps %s is an error naming both ranges and the kind", (_, exclusion, cidr, message) => {
    const result = carve({ spaces: [pods], exclusions: [exclusion], requests: [pinned("web", cidr)] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_POOL_OVERLAPS_EXCLUSION", path: "pools.web", message: expect.stringMatching(message) })]);
    expect(result.pools).toEqual([]);
  });

  test("a pinned pool over the link-local range is an error that gives the reason", () => {
    const result = carve({ spaces: [pods], requests: [pinned("meta", "169.254.0.0/16")] });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_POOL_OVERLAPS_SPECIAL_RANGE",
        message: expect.stringMatching(/overlaps 169\.254\.0\.0\/16 \(IPv4 link-local\): .*169\.254\.169\.254/),
      }),
    ]);
  });

  test("two pinned pools that overlap: the later request is the error", () => {
    const result = carve({ spaces: [pods], requests: [pinned("a", "10.32.0.0/23"), pinned("b", "10.32.1.0/24")] });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_POOL_OVERLAPS_POOL",
        path: "pools.b",
        message: expect.stringMatching(/pool "b" \(pinned to 10\.32\.1\.0\/24\) overlaps pool "a" \(pinned to 10\.32\.0\.0\/23\)/),
      }),
    ]);
    expect(cidrs(result)).toEqual({ a: "10.32.0.0/23" });
  });

  test("a pool pinned onto a recorded pool's range is an error", () => {
    const first = carve({ spaces: [pods], requests: [v4("old", 22)] });
    const result = carve({ spaces: [pods], requests: [v4("old", 22), pinned("new", "10.32.1.0/24")], ledger: first.ledger });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_POOL_OVERLAPS_POOL",
        path: "pools.new",
        message: expect.stringMatching(/overlaps pool "old" \(recorded in the ledger at 10\.32\.0\.0\/22\)/),
      }),
    ]);
  });

  test("a pinned pool outside the address space it names is an error", () => {
    const result = carve({ spaces: [pods], requests: [pinned("a", "10.64.0.0/24", { addressSpace: "pods" })] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_PINNED_OUTSIDE_SPACE", path: "pools.a" })]);
  });
});

describe("the ledger keeps every pool where it is", () => {
  const spaces = [pods];

  test("a first run records every pool as active", () => {
    const result = carve({ spaces, requests: [v4("payments", 22)] });
    expect(result.ledger.pools).toEqual({ payments: { family: 4, cidr: "10.32.0.0/22", blockSize: 26, status: "active" } });
    expect(result.changes).toEqual([{ kind: "added", name: "payments", after: result.ledger.pools.payments }]);
  });

  test("adding a larger pool later does not move existing pools", () => {
    const first = carve({ spaces, requests: [v4("small", 24)] });
    const second = carve({ spaces, requests: [v4("small", 24), v4("big", 20)], ledger: reread(first.ledger) });
    expect(cidrs(second)).toEqual({ small: "10.32.0.0/24", big: "10.32.16.0/20" });
    expect(second.pools[0]).toEqual(expect.objectContaining({ source: "ledger", explanation: "/24 requested (4 blocks of /26); kept from the ledger; inside space pods (10.32.0.0/16)" }));
    expect(second.changes.map((c) => [c.kind, c.name])).toEqual([["added", "big"]]);
  });

  test("a smaller request keeps the recorded range", () => {
    const first = carve({ spaces, requests: [v4("payments", 22)] });
    const second = carve({ spaces, requests: [v4("payments", 24)], ledger: first.ledger });
    expect(cidrs(second)).toEqual({ payments: "10.32.0.0/22" });
    expect(second.pools[0].explanation).toBe(
      "/24 requested (4 blocks of /26); kept from the ledger at /22, more than it needs now (a recorded range never shrinks); inside space pods (10.32.0.0/16)",
    );
    expect(second.changes).toEqual([]);
  });

  test("a pool removed from code keeps its range, retired, until it is released", () => {
    const first = carve({ spaces, requests: [v4("old", 24)] });
    const second = carve({ spaces, requests: [v4("new", 24)], ledger: reread(first.ledger) });
    expect(cidrs(second)).toEqual({ new: "10.32.1.0/24" });
    expect(second.ledger.pools.old).toEqual({ family: 4, cidr: "10.32.0.0/24", blockSize: 26, status: "draining" });
    expect(second.changes.map((c) => [c.kind, c.name])).toEqual([
      ["added", "new"],
      ["draining", "old"],
    ]);
    const third = carve({ spaces, requests: [v4("new", 24), v4("newer", 24)], ledger: reread(second.ledger) });
    expect(cidrs(third).newer).toBe("10.32.2.0/24");
  });

  test("a released range may be carved again in the same run", () => {
    const first = carve({ spaces, requests: [v4("old", 24)] });
    const second = carve({ spaces, requests: [], ledger: first.ledger });
    const third = carve({ spaces, requests: [v4("new", 24)], ledger: second.ledger, release: ["old"] });
    expect(cidrs(third)).toEqual({ new: "10.32.0.0/24" });
    expect(third.changes.map((c) => [c.kind, c.name])).toEqual([
      ["added", "new"],
      ["released", "old"],
    ]);
    expect(third.ledger.pools.old).toBeUndefined();
  });

  test("a retired pool requested again is reactivated with its old range", () => {
    const first = carve({ spaces, requests: [v4("a", 24), v4("b", 24)] });
    const second = carve({ spaces, requests: [v4("b", 24)], ledger: first.ledger });
    const third = carve({ spaces, requests: [v4("b", 24), v4("a", 25)], ledger: second.ledger });
    expect(cidrs(third)).toEqual({ a: "10.32.0.0/24", b: "10.32.1.0/24" });
    expect(third.pools.find((p) => p.name === "a")!.explanation).toMatch(/reactivated from the ledger, where it was draining/);
    expect(third.changes.map((c) => [c.kind, c.name])).toEqual([["reactivated", "a"]]);
  });

  test("a pinned pool is recorded, so removing the pin later keeps it in place", () => {
    const first = carve({ spaces, requests: [pinned("legacy", "10.32.200.0/24")] });
    const second = carve({ spaces, requests: [v4("legacy", 24)], ledger: first.ledger });
    expect(cidrs(second)).toEqual({ legacy: "10.32.200.0/24" });
    expect(second.pools[0].source).toBe("ledger");
  });

  test("a recorded pool outside every space (the space was removed) stays, with a warning", () => {
    const first = carve({ spaces, requests: [v4("a", 24)] });
    const second = carve({ spaces: [{ name: "other", cidr: "10.64.0.0/16" }], requests: [v4("a", 24)], ledger: first.ledger });
    expect(cidrs(second)).toEqual({ a: "10.32.0.0/24" });
    expect(warnings(second)).toEqual([expect.objectContaining({ code: "CARVE_POOL_OUTSIDE_SPACES", path: "pools.a" })]);
  });

  test("with any error, the result's ledger is the input ledger and there are no changes", () => {
    const ledger = carve({ spaces, requests: [v4("a", 24)] }).ledger;
    const result = carve({ spaces, requests: [v4("a", 24), v4("b", 24), v4("huge", 8)], ledger });
    expect(errors(result)).toHaveLength(1);
    expect(result.ledger).toBe(ledger);
    expect(result.changes).toEqual([]);
    expect(cidrs(result)).toEqual({ a: "10.32.0.0/24", b: "10.32.1.0/24" });
  });

  test("a run that keeps every entry as it is returns the input ledger itself, draining, adopted and other sections included", () => {
    const first = carve({ spaces, requests: [v4("a", 24), v4("b", 24), v4("gone", 24)] });
    const text = serializeLedger(first.ledger).replace(
      '"version": 1',
      '"addresses": { "ns/web/ipv4": { "address": "10.32.0.10", "pool": "a" } },\n  "version": 1',
    );
    const withSections = reread(parseLedger(text));
    const second = carve({ spaces, requests: [v4("a", 24), v4("b", 24)], ledger: withSections });
    expect(second.changes.map((c) => [c.kind, c.name])).toEqual([["draining", "gone"]]);
    expect(second.ledger).not.toBe(withSections);
    const adopted = reread(parseLedger(serializeLedger(second.ledger).replace('"status": "active"', '"status": "adopted"')));
    expect(adopted.pools.a.status).toBe("adopted");
    // a stays adopted (not declared), gone stays draining, b stays active: nothing to write.
    const third = carve({ spaces, requests: [v4("b", 24)], ledger: adopted });
    expect(third.ledger).toBe(adopted);
    expect(third.changes).toEqual([]);
    expect(cidrs(third)).toEqual({ b: "10.32.1.0/24" });
    // A run that adds a pool rebuilds the ledger, and keeps every other entry and section byte for byte.
    const rebuilt = carve({ spaces, requests: [v4("b", 24), v4("c", 24)], ledger: adopted });
    expect(rebuilt.changes.map((c) => [c.kind, c.name])).toEqual([["added", "c"]]);
    const json = JSON.parse(serializeLedger(rebuilt.ledger));
    delete json.pools.c;
    expect(JSON.stringify(json, null, 2) + "\n").toBe(serializeLedger(adopted));
  });

  test("a run that reactivates an adopted pool, releases one or drains one is a change", () => {
    const first = carve({ spaces, requests: [v4("a", 24), v4("b", 24)] });
    const adopted = reread(parseLedger(serializeLedger(first.ledger).replace('"status": "active"', '"status": "adopted"')));
    const declared = carve({ spaces, requests: [v4("a", 24), v4("b", 24)], ledger: adopted });
    expect(declared.ledger).not.toBe(adopted);
    expect(declared.changes.map((c) => [c.kind, c.name])).toEqual([["reactivated", "a"]]);
    const drained = carve({ spaces, requests: [v4("a", 24)], ledger: declared.ledger });
    expect(drained.changes.map((c) => [c.kind, c.name])).toEqual([["draining", "b"]]);
    const released = carve({ spaces, requests: [v4("a", 24)], ledger: drained.ledger, release: ["b"] });
    expect(released.ledger).not.toBe(drained.ledger);
    expect(released.changes.map((c) => [c.kind, c.name])).toEqual([["released", "b"]]);
  });

  test("an empty run on an empty ledger changes nothing", () => {
    const result = carve({ spaces, requests: [] });
    expect(result).toEqual({ pools: [], ledger: emptyLedger(), changes: [], findings: [] });
  });

  test("carve never touches the file system", () => {
    const spies = (["writeFileSync", "renameSync", "readFileSync", "openSync"] as const).map((m) => jest.spyOn(fs, m));
    try {
      carve({ spaces, requests: [v4("a", 24)] });
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe("edge sizes", () => {
  test("a request for a whole space gets the whole space", () => {
    const result = carve({ spaces: [pods], requests: [v4("all", 16)] });
    expect(cidrs(result)).toEqual({ all: "10.32.0.0/16" });
  });

  test("an IPv6 /0 request finds no aligned room: link-local and the other special ranges are in the way", () => {
    const result = carve({ spaces: [{ name: "everything", cidr: "::/0" }], requests: [v6("all", 0)] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_EXHAUSTED", path: "pools.all" })]);
    expect(errors(result)[0].message).toMatch(/largest free ranges: 4000::\/2, 8000::\/2, 2000::\/3/);
  });

  test("an IPv6 space larger than 2^52 of its smallest pool is still carved exactly", () => {
    const result = carve({ spaces: [{ name: "big", cidr: "fd00::/16" }], requests: [v6("tiny", 122), v6("wide", 40)] });
    expect(cidrs(result)).toEqual({ wide: "fd00::/40", tiny: "fd00:0:100::/122" });
  });
});
