import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cidr, findOverlaps } from "../../src/ip";
import { FleetClusterDeclaration, FleetPlan, FleetSpec, planFleet, writeFleetLedgers } from "../../src/fleet";
import { describeChange, parseLedger, readLedger } from "../../src/ledger";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-drawn-"));
  file = path.join(dir, "calico-ipam.lock.json");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SPACES = [
  { name: "pods-v4", cidr: "10.32.0.0/12" },
  { name: "services-v4", cidr: "10.96.0.0/12" },
  { name: "services-v6", cidr: "fd00:96::/64" },
  { name: "nodes-v4", cidr: "10.0.0.0/14" },
];

function cluster(name: string, drawnRanges: FleetClusterDeclaration["drawnRanges"], extra: Partial<FleetClusterDeclaration> = {}): FleetClusterDeclaration {
  return { name, spec: { pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }] }, ...(drawnRanges ? { drawnRanges } : {}), ...extra };
}

const SERVICES = { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }] };

function errors(plan: FleetPlan): string[] {
  return [...plan.findings, ...plan.clusters.flatMap((c) => c.plan.findings), ...plan.clusters.flatMap((c) => c.plan.pools.flatMap((p) => p.findings))]
    .filter((f) => f.severity === "error")
    .map((f) => `${f.code}: ${f.message}`);
}

const drawn = (plan: FleetPlan) => Object.fromEntries(plan.clusters.map((c) => [c.name, c.drawnRanges.map((r) => `${r.kind} ${r.cidr}`)]));

describe("Service CIDRs and node networks drawn from the fleet's plan", () => {
  test("each cluster draws its own ranges, disjoint across the fleet and from every pool, recorded in its section", () => {
    const spec: FleetSpec = {
      addressSpaces: SPACES,
      clusters: [
        cluster("east", { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }, { addressSpace: "services-v6", prefixLength: 112 }], nodeCidrs: [{ addressSpace: "nodes-v4", prefixLength: 20 }] }),
        cluster("west", { ...SERVICES, nodeCidrs: [{ addressSpace: "nodes-v4", prefixLength: 20 }] }),
      ],
    };
    const plan = planFleet(spec, { file });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan)).toEqual({
      east: ["service 10.96.0.0/16", "service fd00:96::/112", "node 10.0.0.0/20"],
      west: ["service 10.97.0.0/16", "node 10.0.16.0/20"],
    });
    // Used as the cluster's own Service CIDRs and node networks, exactly as declared ones.
    const east = plan.clusters.find((c) => c.name === "east")!.plan;
    expect(east.ranges!.excluded.map((e) => `${e.kind} ${e.cidr}`)).toEqual(["service 10.96.0.0/16", "service fd00:96::/112", "node 10.0.0.0/20"]);
    const all = plan.clusters.flatMap((c) => [...c.drawnRanges.map((r) => r.cidr), ...c.plan.pools.map((p) => p.manifest.spec.cidr!)]).map((c) => Cidr.parse(c));
    expect(findOverlaps(all)).toEqual([]);
    expect(plan.ledgers[0].changes.map(describeChange)).toContain('cluster "east": Service CIDR "service-ipv4": drawn 10.96.0.0/16 from the fleet\'s address plan');
    expect(writeFleetLedgers(plan)).toEqual([file]);
    const ledger = readLedger(file)!;
    expect(ledger.clusters!.west.drawnRanges).toEqual({
      "node-ipv4": { cidr: "10.0.16.0/20", family: 4, kind: "node" },
      "service-ipv4": { cidr: "10.97.0.0/16", family: 4, kind: "service" },
    });
    // The same input again changes nothing; the file is read back byte for byte the same.
    const again = planFleet(spec, { file, frozen: true });
    expect(errors(again)).toEqual([]);
    expect(again.ledgers[0].changes).toEqual([]);
  });

  test("a recorded range stays where it is when another cluster asks first or for more", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const plan = planFleet({ addressSpaces: SPACES, clusters: [cluster("aaa", { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 13 }] }), cluster("west", SERVICES)] }, { file });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan)).toEqual({ aaa: ["service 10.104.0.0/13"], west: ["service 10.96.0.0/16"] });
  });

  test("declared Service CIDRs of other clusters, pools and the fleet's exclusions are kept clear", () => {
    const plan = planFleet({
      addressSpaces: SPACES,
      reservedRanges: [{ cidr: "10.97.0.0/16", reason: "the fabric" }],
      clusters: [cluster("old", undefined, { spec: { serviceCidrs: ["10.96.0.0/16"], pools: [{ name: "pods", cidr: "10.98.0.0/16" }] } }), cluster("new", SERVICES)],
    });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan).new).toEqual(["service 10.99.0.0/16"]);
  });

  test("a range the cluster no longer asks for stays in its section, draining, and the diff says how to release it", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const plan = planFleet({ addressSpaces: SPACES, clusters: [cluster("west", undefined)] }, { file });
    expect(errors(plan)).toEqual([]);
    expect(plan.ledgers[0].changes.map(describeChange)).toEqual([
      'cluster "west": Service CIDR "service-ipv4": draining 10.96.0.0/16; the cluster no longer draws it, and the range stays reserved until it is released ' +
        "(calico-ipam ledger release --cluster west service-ipv4, once no Service uses its addresses)",
    ]);
    expect(plan.ledgers[0].after.clusters!.west.drawnRanges).toEqual({ "service-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service", status: "draining" } });
    // The cluster no longer uses it: not its Service CIDR any more.
    expect(plan.clusters[0].drawnRanges).toEqual([]);
    const frozen = planFleet({ addressSpaces: SPACES, clusters: [cluster("west", undefined)] }, { file, frozen: true });
    expect(errors(frozen).join("\n")).toMatch(/LEDGER_FROZEN: the ledger .* \(cluster "west"\) is frozen .*\n {2}- Service CIDR "service-ipv4": draining 10\.96\.0\.0\/16/);
    // Written, read back, and planned again: nothing changes while it drains.
    writeFleetLedgers(plan);
    expect(readLedger(file)!.clusters!.west.drawnRanges!["service-ipv4"].status).toBe("draining");
    expect(fs.readFileSync(file, "utf8")).toContain('"kind": "service",\n          "status": "draining"');
    const again = planFleet({ addressSpaces: SPACES, clusters: [cluster("west", undefined)] }, { file, frozen: true });
    expect(errors(again)).toEqual([]);
    expect(again.ledgers[0].changes).toEqual([]);
  });

  test("a draining range is kept clear of every carve: other clusters' drawn ranges and pools, and the cluster's own new ranges", () => {
    // One space both pools and Service CIDRs come from, so that a pool could land on the draining range.
    const spaces = [...SPACES, { name: "shared", cidr: "10.200.0.0/13" }];
    const svc = { serviceCidrs: [{ addressSpace: "shared", prefixLength: 16 }] };
    writeFleetLedgers(planFleet({ addressSpaces: spaces, clusters: [cluster("west", svc)] }, { file }));
    expect(readLedger(file)!.clusters!.west.drawnRanges!["service-ipv4"].cidr).toBe("10.200.0.0/16");
    const extra = (name: string) => ({ pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }, { name, prefixLength: 16, addressSpace: "shared" }] });
    const plan = planFleet(
      {
        addressSpaces: spaces,
        clusters: [
          // Another cluster draws from the same space, and carves a pool from it.
          cluster("aaa", svc, { spec: extra("more") }),
          // The cluster itself: no longer draws it, asks for a node network and a pool from the same space.
          cluster("west", { nodeCidrs: [{ addressSpace: "shared", prefixLength: 16 }] }, { spec: extra("extra") }),
        ],
      },
      { file },
    );
    expect(errors(plan)).toEqual([]);
    const used = plan.clusters.flatMap((c) => [...c.drawnRanges.map((r) => r.cidr), ...c.plan.pools.map((p) => p.manifest.spec.cidr!)]);
    expect(used).not.toContain("10.200.0.0/16");
    expect(findOverlaps([...used, "10.200.0.0/16"].map((c) => Cidr.parse(c)))).toEqual([]);
    expect(plan.ledgers[0].after.clusters!.west.drawnRanges!["service-ipv4"]).toEqual({ cidr: "10.200.0.0/16", family: 4, kind: "service", status: "draining" });
  });

  test("a cluster that now declares the range it drew keeps it: declared, and draining in the ledger until released", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const declared = cluster("west", undefined, { spec: { pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }], serviceCidrs: ["10.96.0.0/16"] } });
    const plan = planFleet({ addressSpaces: SPACES, clusters: [cluster("aaa", SERVICES), declared] }, { file });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan).aaa).toEqual(["service 10.97.0.0/16"]);
    expect(plan.clusters[1].plan.ranges!.excluded.map((e) => `${e.kind} ${e.cidr}`)).toEqual(["service 10.96.0.0/16"]);
    expect(plan.ledgers[0].after.clusters!.west.drawnRanges!["service-ipv4"].status).toBe("draining");
  });

  test("asked for again, a draining range is reactivated with its recorded range", () => {
    const spaces = [...SPACES, { name: "shared", cidr: "10.200.0.0/14" }];
    const svc = { serviceCidrs: [{ addressSpace: "shared", prefixLength: 16 }] };
    writeFleetLedgers(planFleet({ addressSpaces: spaces, clusters: [cluster("west", { serviceCidrs: [{ addressSpace: "shared", prefixLength: 15 }] })] }, { file }));
    writeFleetLedgers(planFleet({ addressSpaces: spaces, clusters: [cluster("west", undefined)] }, { file }));
    // Another cluster asks first for a range of the same space: it does not get the draining one.
    const plan = planFleet({ addressSpaces: spaces, clusters: [cluster("aaa", svc), cluster("west", { serviceCidrs: [{ addressSpace: "shared", prefixLength: 15 }] })] }, { file });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan)).toEqual({ aaa: ["service 10.202.0.0/16"], west: ["service 10.200.0.0/15"] });
    expect(plan.ledgers[0].changes.map(describeChange).filter((l) => l.includes("Service CIDR"))).toEqual([
      'cluster "aaa": Service CIDR "service-ipv4": drawn 10.202.0.0/16 from the fleet\'s address plan',
      'cluster "west": Service CIDR "service-ipv4": reactivated 10.200.0.0/15, its recorded range',
    ]);
    expect(plan.ledgers[0].after.clusters!.west.drawnRanges).toEqual({ "service-ipv4": { cidr: "10.200.0.0/15", family: 4, kind: "service" } });
  });

  test("a draining range is released by its key (the library's release option); the range may then be drawn again", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", undefined)] }, { file }));
    const plan = planFleet({ addressSpaces: SPACES, clusters: [cluster("aaa", SERVICES), cluster("west", undefined, { ledger: { release: ["service-ipv4"] } })] }, { file });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan).aaa).toEqual(["service 10.96.0.0/16"]);
    expect(plan.ledgers[0].changes.map(describeChange).filter((l) => l.includes("Service CIDR"))).toEqual([
      'cluster "aaa": Service CIDR "service-ipv4": drawn 10.96.0.0/16 from the fleet\'s address plan',
      'cluster "west": Service CIDR "service-ipv4": released 10.96.0.0/16; the range may be drawn or carved again',
    ]);
    expect(plan.ledgers[0].after.clusters!.west.drawnRanges).toBeUndefined();
  });

  test("the ranges of a cluster removed from code stay reserved with its section", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("gone", SERVICES)] }, { file }));
    const plan = planFleet({ addressSpaces: SPACES, clusters: [cluster("new", SERVICES)] }, { file });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan).new).toEqual(["service 10.97.0.0/16"]);
    expect(plan.ledgers[0].after.clusters!.gone.drawnRanges!["service-ipv4"].cidr).toBe("10.96.0.0/16");
    // Written and planned again with the section retired: still clear of every carve, pools of the same space too.
    writeFleetLedgers(plan);
    expect(readLedger(file)!.clusters!.gone.status).toBe("retired");
    const spec = { pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }, { name: "svc-like", prefixLength: 16, addressSpace: "services-v4" }] };
    const later = planFleet({ addressSpaces: SPACES, clusters: [cluster("new", SERVICES, { spec }), cluster("other", SERVICES)] }, { file });
    expect(errors(later)).toEqual([]);
    const used = later.clusters.flatMap((c) => [...c.drawnRanges.map((r) => r.cidr), ...c.plan.pools.map((p) => p.manifest.spec.cidr!)]);
    expect(findOverlaps([...used, "10.96.0.0/16"].map((c) => Cidr.parse(c)))).toEqual([]);
    expect(later.ledgers[0].after.clusters!.gone.drawnRanges!["service-ipv4"].cidr).toBe("10.96.0.0/16");
  });

  test("an isolated cluster's drawn range keeps clear of every other range too", () => {
    const plan = planFleet({ addressSpaces: SPACES, clusters: [cluster("lab", SERVICES, { isolatedFrom: "all" }), cluster("prod", SERVICES)] });
    expect(errors(plan)).toEqual([]);
    expect(drawn(plan)).toEqual({ lab: ["service 10.96.0.0/16"], prod: ["service 10.97.0.0/16"] });
    // The pools of the isolated cluster still reuse the production range.
    expect(plan.clusters.map((c) => c.plan.pools[0].manifest.spec.cidr)).toEqual(["10.32.0.0/16", "10.32.0.0/16"]);
  });

  test("a ledger written before drawn ranges existed reads unchanged, and a drawn range in a hand-edited file is checked", () => {
    const old = JSON.stringify({ clusters: { east: { pools: { pods: { blockSize: 26, cidr: "10.32.0.0/16", family: 4, status: "active" } } } }, pools: {}, version: 1 });
    expect(parseLedger(old, "x").clusters!.east.drawnRanges).toBeUndefined();
    const bad = (ranges: unknown) => () => parseLedger(JSON.stringify({ clusters: { east: { drawnRanges: ranges, pools: { pods: { blockSize: 26, cidr: "10.32.0.0/16", family: 4, status: "active" } } } }, pools: {}, version: 1 }), "x.json");
    expect(bad({ "service-ipv4": { cidr: "10.32.0.0/20", family: 4, kind: "service" } })).toThrow(/clusters\.east\.drawnRanges\.service-ipv4\.cidr: drawn range "service-ipv4" \(10\.32\.0\.0\/20\) overlaps pool "pods"/);
    expect(bad({ "service-ipv4": { cidr: "fd00::/112", family: 4, kind: "service" } })).toThrow(/drawn range "service-ipv4" is IPv4, but fd00::\/112 is an IPv6 range/);
    expect(bad({ "pods-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service" } })).toThrow(/unknown drawn range "pods-ipv4"/);
    // `status` is optional: absent while asked for, "draining" after; nothing else.
    const ok = { "service-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service", status: "draining" } };
    expect(bad(ok)().clusters!.east.drawnRanges).toEqual(ok);
    expect(bad({ "service-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service", status: "active" } })).toThrow(
      /clusters\.east\.drawnRanges\.service-ipv4\.status: "status" of drawn range "service-ipv4" must be "draining" \(the cluster no longer asks for it\), or absent while the cluster asks for it; got the string "active"/,
    );
    expect(bad({ "service-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service", since: 1 } })).toThrow(/unknown key "since" in drawn range "service-ipv4"; an entry has only cidr, family, kind, status/);
  });
});
