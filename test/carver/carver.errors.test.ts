import { PoolRequest, carve } from "../../src/carver";
import { Ledger } from "../../src/ledger";
import { cidrs, errors, pinned, v4, v6 } from "./helpers";

const pods = { name: "pods", cidr: "10.32.0.0/16" };
const spaces = [pods, { name: "pods-v6", cidr: "fd00:10:32::/48" }, { name: "other", cidr: "10.64.0.0/16" }];

/** A ledger where "payments" is recorded at 10.32.0.0/22 (blocks of /26), active or retired. */
function ledgerWith(status: "active" | "draining"): Ledger {
  const first = carve({ spaces, requests: [v4("payments", 22)] });
  return status === "active" ? first.ledger : carve({ spaces, requests: [], ledger: first.ledger }).ledger;
}

const migrate = /https:\/\/docs\.tigera\.io\/calico\/latest\/networking\/ipam\/migrate-pools/;
const changeBlockSize = /https:\/\/docs\.tigera\.io\/calico\/latest\/networking\/ipam\/change-block-size/;

describe("changes the ledger cannot honour fail with the reason and the way out", () => {
  test.each<[string, PoolRequest, string, RegExp[]]>([
    [
      "a pool that asks for more room than its recorded range",
      v4("payments", 21),
      "CARVE_LEDGER_POOL_GROWN",
      [
        /pool "payments" now needs a \/21 \(\/21 requested \(32 blocks of \/26\)\), more than its recorded range 10\.32\.0\.0\/22/,
        /a pool cannot grow in place, because Calico's cidr is immutable/,
        /add another pool under a new name with the same selectors \(Calico uses both\)/,
        migrate,
      ],
    ],
    [
      "a pool whose block size changes",
      v4("payments", 22, { blockSize: 24 }),
      "CARVE_LEDGER_BLOCK_SIZE_CHANGED",
      [/pool "payments" now has blockSize 24, but the ledger records it at 10\.32\.0\.0\/22 with blockSize 26; Calico's blockSize is immutable/, changeBlockSize],
    ],
    [
      "a pool pinned to another CIDR than the recorded one",
      pinned("payments", "10.32.8.0/22"),
      "CARVE_LEDGER_CIDR_CHANGED",
      [/pool "payments" is pinned to 10\.32\.8\.0\/22, but the ledger records it at 10\.32\.0\.0\/22; a recorded pool never moves/, /Pin it back to 10\.32\.0\.0\/22/, migrate],
    ],
    [
      "a pool whose family changes",
      v6("payments", 64),
      "CARVE_LEDGER_FAMILY_CHANGED",
      [/pool "payments" is now IPv6, but the ledger records it as IPv4 10\.32\.0\.0\/22; a pool cannot change family/, migrate],
    ],
    [
      "a pool that names an address space its range is not in",
      v4("payments", 22, { addressSpace: "other" }),
      "CARVE_LEDGER_SPACE_CHANGED",
      [/pool "payments" asks for address space other \(10\.64\.0\.0\/16\), but the ledger records it at 10\.32\.0\.0\/22, outside that space/, migrate],
    ],
  ])("%s (active pool)", (_, request, code, messages) => {
    const ledger = ledgerWith("active");
    const result = carve({ spaces, requests: [request], ledger });
    const found = errors(result);
    expect(found).toEqual([expect.objectContaining({ code, path: "pools.payments" })]);
    for (const m of messages) expect(found[0].message).toMatch(m);
    expect(found[0].message).toMatch(/Add a new pool under a new name, then disable "payments", delete the pods that still use it and remove it from code/);
    expect(result.ledger).toBe(ledger);
    expect(result.changes).toEqual([]);
    expect(result.pools).toEqual([]);
  });

  test.each<[string, PoolRequest, string]>([
    ["grows", v4("payments", 21), "CARVE_LEDGER_POOL_GROWN"],
    ["changes its block size", v4("payments", 22, { blockSize: 24 }), "CARVE_LEDGER_BLOCK_SIZE_CHANGED"],
    ["is pinned elsewhere", pinned("payments", "10.32.8.0/22"), "CARVE_LEDGER_CIDR_CHANGED"],
    ["changes family", v6("payments", 64), "CARVE_LEDGER_FAMILY_CHANGED"],
  ])("a retired pool that comes back and %s: use a new name, or release the old range first", (_, request, code) => {
    const ledger = ledgerWith("draining");
    const result = carve({ spaces, requests: [request], ledger });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code,
        message: expect.stringMatching(
          /\(draining\).*Use a new pool name; or, once no pod holds an address in 10\.32\.0\.0\/22, release "payments" \(calico-ipam ledger release payments\)/,
        ),
      }),
    ]);
  });

  test("with the old range released in the same run, the name is a new pool", () => {
    const ledger = ledgerWith("draining");
    const result = carve({ spaces, requests: [v4("payments", 21, { blockSize: 24 })], ledger, release: ["payments"] });
    expect(result.findings).toEqual([]);
    expect(cidrs(result)).toEqual({ payments: "10.32.0.0/21" });
    expect(result.changes.map((c) => c.kind)).toEqual(["released", "added"]);
  });
});

describe("exhaustion", () => {
  test("names the request, the room it needed and the largest free aligned ranges left", () => {
    const result = carve({
      spaces: [{ name: "pods-v4", cidr: "10.32.0.0/12" }],
      exclusions: [
        { cidr: "10.32.0.0/13", kind: "node" },
        { cidr: "10.42.0.0/16", kind: "reserved", reason: "VPN" },
        { cidr: "10.45.0.0/16", kind: "reserved", reason: "partner network" },
        { cidr: "10.47.0.0/16", kind: "reserved", reason: "lab" },
      ],
      requests: [v4("big", 14)],
    });
    expect(errors(result)).toEqual([
      {
        severity: "error",
        code: "CARVE_EXHAUSTED",
        path: "pools.big",
        message:
          'pool "big" needs a /14 (262144 addresses) but space pods-v4 (10.32.0.0/12) has no free aligned /14 left ' +
          "(327680 addresses are free in all, but not as one aligned /14); " +
          "largest free ranges: 10.40.0.0/15, 10.43.0.0/16, 10.44.0.0/16. Declare a larger or another address space, or ask for less room",
      },
    ]);
  });

  test("with nothing free at all, says so", () => {
    const result = carve({ spaces: [{ name: "pods", cidr: "10.0.0.0/24" }], requests: [v4("a", 24), v4("b", 26)] });
    expect(errors(result)[0].message).toBe(
      'pool "b" needs a /26 (64 addresses) but space pods (10.0.0.0/24) has no free aligned /26 left; largest free ranges: none. ' +
        "Declare a larger or another address space, or ask for less room",
    );
  });

  test("across several spaces, lists the largest free ranges of all of them", () => {
    const result = carve({
      spaces: [
        { name: "a", cidr: "10.32.0.0/14" },
        { name: "b", cidr: "10.40.0.0/13" },
      ],
      exclusions: [
        { cidr: "10.32.0.0/15", kind: "node" },
        { cidr: "10.40.0.0/14", kind: "service" },
        { cidr: "10.46.0.0/16", kind: "reserved", reason: "VPN" },
      ],
      requests: [v4("big", 14)],
    });
    expect(errors(result)[0].message).toBe(
      'pool "big" needs a /14 (262144 addresses) but the IPv4 spaces (a, b) have no free aligned /14 left ' +
        "(327680 addresses are free in all, but not as one aligned /14); " +
        "largest free ranges: 10.34.0.0/15, 10.44.0.0/15, 10.47.0.0/16. Declare a larger or another address space, or ask for less room",
    );
  });

  test("says when enough addresses are free, but not as one aligned range", () => {
    const result = carve({
      spaces: [{ name: "pods", cidr: "10.0.0.0/23" }],
      exclusions: [
        { cidr: "10.0.0.0/26", kind: "node" },
        { cidr: "10.0.1.128/26", kind: "node" },
      ],
      requests: [v4("pool", 24)],
    });
    expect(errors(result)[0].message).toMatch(/\(384 addresses are free in all, but not as one aligned \/24\)/);
  });

  test("suggests releasing retired pools that occupy the space", () => {
    const first = carve({ spaces: [pods], requests: [v4("old", 17), v4("older", 17)] });
    const retired = carve({ spaces: [pods], requests: [], ledger: first.ledger }).ledger;
    const result = carve({ spaces: [pods], requests: [v4("new", 17)], ledger: retired });
    expect(errors(result)[0].message).toMatch(/or release draining pools that no pod uses any more \("old", "older"\)$/);
  });

  test("a family with no address space is its own error", () => {
    const result = carve({ spaces: [pods], requests: [v6("v6", 64)] });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_NO_ADDRESS_SPACE",
        message: expect.stringMatching(/pool "v6" needs a \/64 \(18446744073709551616 addresses\), but no usable IPv6 address space is declared/),
      }),
    ]);
  });

  test("larger requests are placed first; the others are still carved, and each failure reported", () => {
    const result = carve({ spaces: [{ name: "pods", cidr: "10.0.0.0/24" }], requests: [v4("a", 25), v4("b", 24), v4("c", 26)] });
    expect(cidrs(result)).toEqual({ b: "10.0.0.0/24" });
    expect(errors(result).map((f) => f.path)).toEqual(["pools.a", "pools.c"]);
  });
});

describe("release", () => {
  const first = carve({ spaces: [pods], requests: [v4("a", 24), v4("b", 24)] });
  const second = carve({ spaces: [pods], requests: [v4("a", 24)], ledger: first.ledger });

  test.each<[string, readonly PoolRequest[], Ledger, string, RegExp]>([
    ["an unknown pool", [v4("a", 24)], second.ledger, "CARVE_RELEASE_UNKNOWN", /cannot release pool "nope": it is not in the ledger/],
    [
      "a pool that is still declared",
      [v4("a", 24)],
      second.ledger,
      "CARVE_RELEASE_ACTIVE",
      /cannot release pool "a" \(10\.32\.0\.0\/24\): it is still declared in code, and pods may hold its addresses\. Remove the pool from code first/,
    ],
    [
      "a pool that this very run retires",
      [],
      first.ledger,
      "CARVE_RELEASE_ACTIVE",
      /cannot release pool "a" \(10\.32\.0\.0\/24\) yet: it only starts draining in this run, and pods may still hold its addresses/,
    ],
  ])("releasing %s is an error", (_, requests, ledger, code, message) => {
    const name = code === "CARVE_RELEASE_UNKNOWN" ? "nope" : "a";
    const result = carve({ spaces: [pods], requests, ledger, release: [name] });
    expect(errors(result)).toEqual([expect.objectContaining({ code, path: "release[0]", message: expect.stringMatching(message) })]);
    expect(result.ledger).toBe(ledger);
  });
});

describe("malformed input", () => {
  test("a request that cannot be understood is an error at its pool path, and the others proceed", () => {
    const result = carve({ spaces: [pods], requests: [v4("bad", 27), v4("good", 24)] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_REQUEST_INVALID", path: "pools.bad" })]);
    expect(cidrs(result)).toEqual({ good: "10.32.0.0/24" });
  });

  test("a request without a name is reported by its index", () => {
    const result = carve({ spaces: [pods], requests: [{ family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 24 } } as unknown as PoolRequest] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_REQUEST_INVALID", path: "pools[0]" })]);
  });

  test("a pool requested twice is an error on the second", () => {
    const result = carve({ spaces: [pods], requests: [v4("a", 24), v4("a", 22)] });
    expect(errors(result)).toEqual([
      expect.objectContaining({ code: "CARVE_DUPLICATE_POOL", message: 'pool "a" is requested twice (requests 0 and 1); pool names are unique, so rename one of them' }),
    ]);
  });

  test.each([
    // [requests as name/prefix, duplicates as "first later"]: names out of order, three copies, a first copy with a bad size
    ["after other names, out of order", [["z", 24], ["a", 24], ["m", 25], ["a", 22]], ["1 3"]],
    ["three times", [["b", 24], ["b", 23], ["a", 24], ["b", 22]], ["0 1", "0 3"]],
    ["first with a size that cannot be understood", [["c", 33], ["c", 24], ["c", 23]], ["1 2"]],
  ] as Array<[string, Array<[string, number]>, string[]]>)("duplicates %s: the first request with a usable size keeps the name", (_, list, expected) => {
    const result = carve({ spaces: [pods], requests: list.map(([name, prefix]) => v4(name, prefix)) });
    const duplicates = errors(result).filter((f) => f.code === "CARVE_DUPLICATE_POOL");
    expect(duplicates.map((f) => /requests (\d+) and (\d+)/.exec(f.message)!.slice(1).join(" "))).toEqual(expected);
    const firsts = new Set(expected.map((pair) => Number(pair.split(" ")[0])));
    for (const index of firsts) expect(result.pools.map((p) => p.name)).toContain(list[index][0]);
    expect(result.pools.length).toBe(new Set(list.filter(([, prefix]) => prefix <= 26).map(([name]) => name)).size);
  });

  test("an unknown address space is an error that lists the usable ones", () => {
    const result = carve({ spaces, requests: [v4("a", 24, { addressSpace: "pod" })] });
    expect(errors(result)).toEqual([
      expect.objectContaining({
        code: "CARVE_UNKNOWN_SPACE",
        message: 'pool "a" asks for address space "pod", which is not declared or not valid; usable IPv4 spaces: pods (10.32.0.0/16), other (10.64.0.0/16)',
      }),
    ]);
  });

  test("an address space of the other family is an error", () => {
    const result = carve({ spaces, requests: [v4("a", 24, { addressSpace: "pods-v6" })] });
    expect(errors(result)).toEqual([expect.objectContaining({ code: "CARVE_SPACE_FAMILY_MISMATCH" })]);
  });

  test("an invalid ledger object is reported, and nothing is carved", () => {
    const ledger = { version: 1, pools: { a: { family: 4, cidr: "10.32.0.1/24", blockSize: 26, status: "active" } } } as Ledger;
    const result = carve({ spaces, requests: [v4("a", 24)], ledger });
    expect(result.findings).toEqual([
      expect.objectContaining({ code: "CARVE_LEDGER_INVALID", path: "ledger.pools.a.cidr", message: expect.stringMatching(/did you mean "10\.32\.0\.0\/24"/) }),
    ]);
    expect(result.pools).toEqual([]);
    expect(result.ledger).toBe(ledger);
  });
});
