import fc from "fast-check";
import { CarveInput, CarveResult, PoolRequest, carve } from "../../src/carver";
import { KEPT_AS_RECORDED } from "../../src/carver/carver";
import { Cidr } from "../../src/ip";
import { Ledger, parseLedger, serializeLedger } from "../../src/ledger";
import { parseLedgerBody } from "../../src/ledger/parse";
import { poolIndex } from "../../src/ledger/pool-index";

/**
 * A re-run given a ledger read from its canonical text runs on what the reader read: the entries'
 * fields as columns (no entry object), the IPv4 ranges as numbers, the IPv4 ranges in address order
 * (the barrier check walks them beside the exclusions), and requests paired with recorded names by
 * walking both in name order. A ledger read the general way (`parseLedgerBody`) has none of these, and
 * takes the other paths. Both must give the same result, for runs that keep every pool and for runs
 * whose requests change, collide with exclusions, or name recorded pools in any way.
 */

/** Everything a result says, as text: pools, explanations, ledger, changes, findings. */
function outcome(result: CarveResult): string {
  return JSON.stringify({
    pools: result.pools.map((p) => [p.name, p.family, p.cidr.toString(), p.blockSize, p.source, p.explanation]),
    ledger: serializeLedger(result.ledger),
    changes: result.changes,
    findings: result.findings,
  });
}

const SPACES = [
  { name: "a", cidr: "10.0.0.0/16" },
  { name: "b", cidr: "10.1.0.0/20" },
  { name: "six", cidr: "fd00::/104" },
];

/**
 * The spaces of the later run: the same, or changed so that recorded pools lie inside, across the edge of,
 * or outside them (a pool larger than a space that holds its network).
 */
const LATER_SPACES = [SPACES, [{ name: "a", cidr: "10.0.0.0/23" }, { name: "b", cidr: "10.1.0.0/26" }, SPACES[2]], [{ name: "a", cidr: "10.0.0.0/16" }]];

/** A request of the first run: family, name, prefix. */
const firstRequest = fc.record({
  six: fc.boolean(),
  name: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "p-1", "p-2", "p-10", "q.x", "z9"),
  room: fc.nat(4),
});

/** What a later run does to a recorded pool's request. */
const change = fc.constantFrom("same", "same", "same", "same", "drop", "grow", "shrink", "block", "family", "pin", "pin-other", "space", "space-other", "twice");

/** An exclusion of the later run: over a recorded range (by its index), or somewhere in the spaces. */
const exclusion = fc.oneof(
  fc.record({ over: fc.nat(), kind: fc.constantFrom("service" as const, "node" as const, "reserved" as const) }),
  fc.record({ cidr: fc.constantFrom("10.0.0.0/24", "10.0.3.128/25", "10.0.64.0/18", "10.1.0.0/26", "10.1.15.0/24", "fd00::/120", "fd00::ff:0/112") }),
);

function requestOf(r: { six: boolean; name: string; room: number }): PoolRequest {
  return r.six
    ? { name: r.name, family: 6, blockSize: 122, size: { kind: "prefix", prefixLength: 118 - r.room } }
    : { name: r.name, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 26 - r.room } };
}

function changed(r: PoolRequest, how: string, recorded: string, other: string): PoolRequest[] {
  const prefix = r.size.kind === "prefix" ? r.size.prefixLength : 0;
  switch (how) {
    case "drop":
      return [];
    case "grow":
      return [{ ...r, size: { kind: "prefix", prefixLength: prefix - 1 } }];
    case "shrink":
      return [{ ...r, size: { kind: "prefix", prefixLength: Math.min(prefix + 1, r.blockSize) } }];
    case "block":
      return [{ ...r, blockSize: r.blockSize - 1 }];
    case "family":
      return [r.family === 4 ? { ...r, family: 6, blockSize: 122, size: { kind: "prefix", prefixLength: 118 } } : { ...r, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 26 } }];
    case "pin":
      return [{ ...r, size: { kind: "cidr", cidr: recorded } }];
    case "pin-other":
      return [{ ...r, size: { kind: "cidr", cidr: other } }];
    case "space":
      return [{ ...r, addressSpace: r.family === 4 ? (recorded.startsWith("10.0.") ? "a" : "b") : "six" }];
    case "space-other":
      return [{ ...r, addressSpace: r.family === 4 ? (recorded.startsWith("10.0.") ? "b" : "a") : "a" }];
    case "twice":
      return [r, r];
    default:
      return [r];
  }
}

describe("a re-run on a ledger read from its canonical text", () => {
  test("gives the result of the same run on the same ledger read the general way", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(firstRequest, { minLength: 1, maxLength: 12, selector: (r) => r.name }),
        fc.array(change, { minLength: 12, maxLength: 12 }),
        fc.array(exclusion, { maxLength: 3 }),
        fc.boolean(),
        fc.option(fc.nat(), { nil: undefined }),
        fc.constantFrom(...LATER_SPACES),
        (first, changes, exclusions, reversed, release, spaces) => {
          const requests = first.map(requestOf);
          const firstRun = carve({ spaces: SPACES, requests });
          const text = serializeLedger(firstRun.ledger);
          const recorded = Object.entries(firstRun.ledger.pools);
          if (recorded.length === 0) return;
          const later = requests.flatMap((r, i) => changed(r, changes[i], firstRun.ledger.pools[r.name]?.cidr ?? "10.0.0.0/26", recorded[(i + 1) % recorded.length][1].cidr));
          const input: Omit<CarveInput, "ledger"> = {
            spaces,
            exclusions: exclusions.map((e) => ("over" in e ? { cidr: recorded[e.over % recorded.length][1].cidr, kind: e.kind, reason: "test" } : { cidr: e.cidr, kind: "reserved" as const, reason: "test" })),
            requests: reversed ? [...later].reverse() : later,
            ...(release !== undefined ? { release: [recorded[release % recorded.length][0]] } : {}),
          };
          const canonical = parseLedger(text);
          const general = parseLedgerBody(text);
          expect(outcome(carve({ ...input, ledger: canonical }))).toBe(outcome(carve({ ...input, ledger: general })));
        },
      ),
      { numRuns: 400 },
    );
  });

  test("gives the result of the same run when the ledger's names are not in code-unit order (integer-like names)", () => {
    // The general reader's record lists integer-like keys first ("9", "10", then "a"): the requests are
    // paired with recorded names by lookup, not by walking both lists in name order.
    const text = [
      "{",
      '  "pools": {',
      '    "10": {"blockSize": 26, "cidr": "10.0.1.0/24", "family": 4, "status": "active"},',
      '    "9": {"blockSize": 26, "cidr": "10.0.0.0/24", "family": 4, "status": "active"},',
      '    "a": {"blockSize": 26, "cidr": "10.0.2.0/24", "family": 4, "status": "active"}',
      "  },",
      '  "version": 1',
      "}",
    ].join("\n");
    const ledger: Ledger = parseLedger(text);
    expect(poolIndex(ledger).names).toEqual(["9", "10", "a"]);
    expect(poolIndex(ledger).namesAscending()).toBe(false);
    const requests = ["a", "10", "9"].map((name): PoolRequest => ({ name, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 24 } }));
    const result = carve({ spaces: SPACES, requests, ledger });
    expect(result.findings).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(result.ledger).toBe(ledger);
    expect(result.pools.map((p) => [p.name, p.cidr.toString(), p.source])).toEqual([
      ["a", "10.0.2.0/24", "ledger"],
      ["10", "10.0.1.0/24", "ledger"],
      ["9", "10.0.0.0/24", "ledger"],
    ]);
  });
});

describe("a re-run that keeps every pool as it is recorded (KEPT_AS_RECORDED, one loop)", () => {
  afterEach(() => jest.restoreAllMocks());

  /** IPv4 requests of the first run, unique names. */
  const firstV4 = fc.uniqueArray(
    fc.record({ six: fc.constant(false), name: firstRequest.map((r) => r.name), room: fc.nat(4) }),
    { minLength: 1, maxLength: 12, selector: (r) => r.name },
  );
  /** At most one request changed in the later run, at a position (or none). */
  const oneChange = fc.option(fc.record({ at: fc.nat(), how: fc.oneof(change, fc.constantFrom("as-addresses", "as-capacity", "as-addresses-more")) }), { nil: undefined });

  /** The request with its size said another way: the same prefix length (or, "more", one shorter). */
  function restated(r: PoolRequest, how: string): PoolRequest[] {
    const prefix = r.size.kind === "prefix" ? r.size.prefixLength : 26;
    if (how === "as-addresses") return [{ ...r, size: { kind: "addresses", addresses: 2 ** (32 - prefix) } }];
    if (how === "as-addresses-more") return [{ ...r, size: { kind: "addresses", addresses: 2 ** (32 - prefix) + 1 } }];
    return [{ ...r, size: { kind: "capacity", nodes: 2 ** (r.blockSize - prefix), blocksPerNode: 1 } }];
  }

  test("takes the one loop exactly when the general steps keep every pool, and gives their result", () => {
    let taken = 0;
    let declined = 0;
    fc.assert(
      fc.property(firstV4, oneChange, fc.array(exclusion, { maxLength: 2 }), fc.constantFrom(...LATER_SPACES), (first, one, exclusions, spaces) => {
        const requests = first.map(requestOf).sort((a, b) => (a.name < b.name ? -1 : 1));
        const firstRun = carve({ spaces: SPACES, requests });
        const recorded = Object.entries(firstRun.ledger.pools);
        if (recorded.length !== requests.length) return;
        const text = serializeLedger(firstRun.ledger);
        const later = requests.flatMap((r, i) =>
          one === undefined || one.at % requests.length !== i
            ? [r]
            : one.how.startsWith("as-")
              ? restated(r, one.how)
              : changed(r, one.how, firstRun.ledger.pools[r.name].cidr, recorded[(i + 1) % recorded.length][1].cidr),
        );
        const input: Omit<CarveInput, "ledger"> = {
          spaces,
          exclusions: exclusions.map((e) => ("over" in e ? { cidr: recorded[e.over % recorded.length][1].cidr, kind: e.kind, reason: "test" } : { cidr: e.cidr, kind: "reserved" as const, reason: "test" })),
          requests: later,
        };
        const spy = jest.spyOn(KEPT_AS_RECORDED, "run");
        const canonical = parseLedger(text);
        const fast = carve({ ...input, ledger: canonical });
        const tookIt = spy.mock.results.some((r) => r.value !== undefined);
        spy.mockRestore();
        const general = carve({ ...input, ledger: parseLedgerBody(text) });
        expect(outcome(fast)).toBe(outcome(general));
        // The general steps keep every pool as recorded: no finding, no change, every pool from the ledger
        // at its recorded range, none larger than it needs.
        const keptAll =
          general.findings.length === 0 &&
          general.changes.length === 0 &&
          general.pools.length === recorded.length &&
          general.pools.every((p) => p.source === "ledger" && !p.explanation.includes("more than it needs"));
        // Those the one loop declines: a range touching an exclusion or a special range (the general
        // steps look closer), or one outside every space (a warning), or a request pinned to its own range.
        if (tookIt) {
          taken++;
          expect(keptAll).toBe(true);
          expect(fast.ledger).toBe(canonical);
        } else if (keptAll) {
          declined++;
          const pinnedOrNamed = later.some((r) => r.size.kind === "cidr" || r.addressSpace !== undefined);
          const touched = input.exclusions!.some((e) => recorded.some(([, entry]) => Cidr.parse(e.cidr).overlaps(Cidr.parse(entry.cidr))));
          expect(pinnedOrNamed || touched).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    // Both ways were taken.
    expect(taken).toBeGreaterThan(20);
    expect(declined).toBeGreaterThan(0);
  });

  test("the second run of a plan takes it, and returns the input ledger and no change", () => {
    const requests = ["a", "b", "c"].map((name, i): PoolRequest => ({ name, family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 24 + i } }));
    const firstRun = carve({ spaces: SPACES, requests });
    const ledger = parseLedger(serializeLedger(firstRun.ledger));
    const spy = jest.spyOn(KEPT_AS_RECORDED, "run");
    const again = carve({ spaces: SPACES, requests, ledger });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.results[0].value).toEqual(again.pools);
    expect(again.ledger).toBe(ledger);
    expect(again.changes).toEqual([]);
    expect(again.findings).toEqual([]);
    expect(again.pools.map((p) => [p.name, p.cidr.toString(), p.source, p.explanation])).toEqual(
      firstRun.pools.map((p) => [p.name, p.cidr.toString(), "ledger", `${p.explanation.split("; ")[0]}; kept from the ledger; inside space a (10.0.0.0/16)`]),
    );
    expect(again.pools.every((p) => Object.isFrozen(p))).toBe(true);
  });
});
