import fc from "fast-check";
import { PoolRequest, carve } from "../../src/carver";
import { FleetCarveCluster, carveFleet } from "../../src/fleet";
import { Ledger, emptyLedger, parseLedger, serializeLedger } from "../../src/ledger";
import { freezeLedger } from "../../src/ledger/ledger";

/**
 * The connected clusters of a fleet are carved in one run over their pools named "<cluster>.<pool>",
 * with one ledger that combines their sections (built without a sort when the sections list their
 * pools in name order, sorted otherwise: JavaScript lists integer-like names such as "9" and "10"
 * first, in numeric order). Oracle: that one run made by hand with the carver, its ledger sorted by
 * `freezeLedger`; each cluster's pools and ledger (as text) are the run's, renamed. Random histories
 * of two runs, each carried to the next through the ledger text, as on disk.
 */

const SPACES = [
  { name: "v4", cidr: "10.0.0.0/16" },
  { name: "v6", cidr: "fd00::/100" },
];
const POOL_NAMES = ["1", "9", "10", "200", "a", "pods", "pods-2", "z9"];
const CLUSTER_NAMES = ["east", "west", "x1", "0a"];

// A pool keeps its family and size from run to run (a recorded pool never changes them): both follow from its name.
const poolsOf = fc.uniqueArray(fc.constantFrom(...POOL_NAMES), { minLength: 1, maxLength: 6 }).map((names) =>
  names.map((name) => ({ name, v6: name.length % 3 === 2, extra: name.charCodeAt(0) % 4 })),
);
const run = fc.uniqueArray(fc.record({ cluster: fc.constantFrom(...CLUSTER_NAMES), pools: poolsOf }), { selector: (c) => c.cluster, minLength: 2, maxLength: 4 });

function requestsOf(pools: ReadonlyArray<{ name: string; v6: boolean; extra: number }>): PoolRequest[] {
  return pools.map((p) => ({
    name: p.name,
    family: p.v6 ? 6 : 4,
    blockSize: p.v6 ? 122 : 26,
    size: { kind: "prefix", prefixLength: p.v6 ? 116 + p.extra : 22 + p.extra },
  }));
}

/** Each cluster's pools (name, CIDR, source) and ledger text, from the fleet. */
function fromFleet(clusters: readonly FleetCarveCluster[]): Map<string, { pools: string[]; ledger: string }> {
  const result = carveFleet({ spaces: SPACES, clusters });
  expect(result.findings).toEqual([]);
  return new Map([...result.clusters].map(([name, r]) => [name, { pools: r.pools.map((p) => `${p.name} ${p.cidr} ${p.source}`), ledger: serializeLedger(r.ledger) }]));
}

/** The same, from one carver run made by hand. */
function fromOneRun(clusters: readonly FleetCarveCluster[]): Map<string, { pools: string[]; ledger: string }> {
  const sorted = [...clusters].sort((a, b) => (a.name < b.name ? -1 : 1));
  const requests = sorted.flatMap((c) => c.requests.map((r) => ({ ...r, name: `${c.name}.${r.name}` })));
  const ledger = freezeLedger(sorted.flatMap((c) => Object.entries(c.ledger.pools).map(([name, e]) => [`${c.name}.${name}`, e] as const)));
  const result = carve({ spaces: SPACES, requests, ledger });
  expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
  return new Map(
    sorted.map((c) => {
      const prefix = `${c.name}.`;
      const mine = (name: string) => name.startsWith(prefix);
      const own = Object.entries(result.ledger.pools).filter(([name]) => mine(name)).map(([name, e]) => [name.slice(prefix.length), e] as const);
      return [
        c.name,
        {
          pools: result.pools.filter((p) => mine(p.name)).map((p) => `${p.name.slice(prefix.length)} ${p.cidr} ${p.source}`),
          ledger: serializeLedger(freezeLedger(own)),
        },
      ];
    }),
  );
}

describe("carveFleet: the connected clusters' run", () => {
  it("equals one carver run over the prefixed pools, run after run, whatever the pool names' order", () => {
    fc.assert(
      fc.property(run, run, (first, second) => {
        const ledgers = new Map<string, Ledger>();
        for (const step of [first, second]) {
          const clusters: FleetCarveCluster[] = step.map((c) => ({ name: c.cluster, requests: requestsOf(c.pools), ledger: ledgers.get(c.cluster) ?? emptyLedger() }));
          const fleet = fromFleet(clusters);
          expect(fleet).toEqual(fromOneRun(clusters));
          for (const [name, r] of fleet) ledgers.set(name, parseLedger(r.ledger));
        }
      }),
      { numRuns: 60 },
    );
  });
});
