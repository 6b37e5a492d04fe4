import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cidr, findOverlaps } from "../../src/ip";
import { FleetClusterDeclaration, FleetPlan, FleetSpec, planFleet, writeFleetLedgers } from "../../src/fleet";
import { describeChange, readLedger } from "../../src/ledger";
import type { IpamSpec } from "../../src/spec/types";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-sub-"));
  file = path.join(dir, "calico-ipam.lock.json");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SPACES = [
  { name: "pods-v4", cidr: "10.32.0.0/12" },
  { name: "pods-v6", cidr: "fd00:10::/48" },
];
const REGIONS: FleetSpec["subSpaces"] = [
  { name: "eu-v4", addressSpace: "pods-v4", prefixLength: 14 },
  { name: "us-v4", addressSpace: "pods-v4", prefixLength: 14 },
  { name: "eu-v6", addressSpace: "pods-v6", prefixLength: 56 },
];

function cluster(name: string, subSpaces: string[] | undefined, pools: IpamSpec["pools"] = [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }], extra: Partial<FleetClusterDeclaration> = {}): FleetClusterDeclaration {
  return { name, spec: { pools }, ...(subSpaces ? { subSpaces } : {}), ...extra };
}

function cidrs(plan: FleetPlan): Record<string, Record<string, string | undefined>> {
  return Object.fromEntries(plan.clusters.map((c) => [c.name, Object.fromEntries(c.plan.pools.map((p) => [p.manifest.metadata.name, p.manifest.spec.cidr]))]));
}

function errors(plan: FleetPlan): string[] {
  return [...plan.findings, ...plan.clusters.flatMap((c) => c.plan.findings), ...plan.clusters.flatMap((c) => c.plan.pools.flatMap((p) => p.findings))]
    .filter((f) => f.severity === "error")
    .map((f) => `${f.code}: ${f.message}`);
}

const within = (inner: string | undefined, outer: string) => Cidr.parse(outer).contains(Cidr.parse(inner!));

describe("sub-spaces: a range of the fleet's space for some clusters", () => {
  test("each region's clusters carve inside their region's sub-space; a cluster without one carves outside every sub-space", () => {
    const spec: FleetSpec = {
      addressSpaces: SPACES,
      subSpaces: REGIONS,
      clusters: [cluster("eu-1", ["eu-v4"]), cluster("eu-2", ["eu-v4"]), cluster("us-1", ["us-v4"]), cluster("other", undefined)],
    };
    const plan = planFleet(spec, { file });
    expect(errors(plan)).toEqual([]);
    const sub = Object.fromEntries(plan.subSpaces.map((s) => [s.name, s]));
    expect(sub["eu-v4"]).toEqual({ name: "eu-v4", addressSpace: "pods-v4", cidr: sub["eu-v4"].cidr, clusters: ["eu-1", "eu-2"] });
    expect(Cidr.parse(sub["eu-v4"].cidr).prefix).toBe(14);
    const c = cidrs(plan);
    expect(within(c["eu-1"].pods, sub["eu-v4"].cidr) && within(c["eu-2"].pods, sub["eu-v4"].cidr)).toBe(true);
    expect(within(c["us-1"].pods, sub["us-v4"].cidr)).toBe(true);
    const other = Cidr.parse(c.other.pods!);
    expect(plan.subSpaces.some((s) => Cidr.parse(s.cidr).overlaps(other))).toBe(false);
    const all = Object.values(c).flatMap((x) => Object.values(x)).map((x) => Cidr.parse(x!));
    expect(findOverlaps(all)).toEqual([]);
  });

  test("sub-spaces are recorded in the fleet ledger and kept where they are when a larger one is declared before them", () => {
    const first = planFleet({ addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 16 }], clusters: [cluster("eu-1", ["eu-v4"], [{ name: "pods", prefixLength: 18 }])] }, { file });
    expect(errors(first)).toEqual([]);
    expect(first.ledgers[0].changes.map(describeChange)).toContain('sub-space "eu-v4": added 10.32.0.0/16');
    writeFleetLedgers(first);
    expect(readLedger(file)!.subSpaces).toEqual({ "eu-v4": { cidr: "10.32.0.0/16", family: 4, status: "active" } });
    const second = planFleet(
      {
        addressSpaces: SPACES,
        subSpaces: [{ name: "big", addressSpace: "pods-v4", prefixLength: 13 }, { name: "eu-v4", addressSpace: "pods-v4", prefixLength: 16 }],
        clusters: [cluster("eu-1", ["eu-v4"], [{ name: "pods", prefixLength: 18 }]), cluster("new", ["big"])],
      },
      { file },
    );
    expect(errors(second)).toEqual([]);
    expect(second.subSpaces.find((s) => s.name === "eu-v4")!.cidr).toBe("10.32.0.0/16");
    expect(second.subSpaces.find((s) => s.name === "big")!.cidr).toBe("10.40.0.0/13");
    expect(cidrs(second)["eu-1"].pods).toBe(cidrs(first)["eu-1"].pods);
  });

  test("a sub-space no longer declared drains, its range reserved, until it is released", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 13 }], clusters: [cluster("eu-1", ["eu-v4"])] }, { file }));
    const gone = planFleet({ addressSpaces: SPACES, subSpaces: [{ name: "us-v4", addressSpace: "pods-v4", prefixLength: 13 }], clusters: [cluster("eu-1", undefined), cluster("us-1", ["us-v4"])] }, { file });
    expect(errors(gone)).toEqual([]);
    expect(gone.ledgers[0].changes.map(describeChange)).toContain('sub-space "eu-v4": draining 10.32.0.0/13; no cluster is given it any more, and its range stays reserved until it is released');
    expect(gone.subSpaces.map((s) => [s.name, s.cidr])).toEqual([["us-v4", "10.40.0.0/13"]]);
    writeFleetLedgers(gone);
    const released = planFleet({ addressSpaces: SPACES, clusters: [cluster("eu-1", undefined), cluster("us-1", undefined)] }, { file, releaseSubSpaces: ["eu-v4"] });
    expect(errors(released)).toEqual([]);
    expect(released.ledgers[0].changes.map(describeChange)).toContain('sub-space "eu-v4": released 10.32.0.0/13; the range may be carved again');
  });

  test("an isolated cluster may reuse a sub-space of clusters it never routes to", () => {
    const plan = planFleet({ addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", cidr: "10.32.0.0/14" }], clusters: [cluster("prod", ["eu-v4"]), cluster("lab", undefined, undefined, { isolatedFrom: "all" })] });
    expect(errors(plan)).toEqual([]);
    expect(cidrs(plan)).toEqual({ lab: { pods: "10.32.0.0/16" }, prod: { pods: "10.32.0.0/16" } });
  });

  test("a pool recorded before its cluster had a sub-space keeps its range, with a warning; new pools go inside", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("eu-1", undefined)] }, { file }));
    const plan = planFleet(
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 14 }], clusters: [cluster("eu-1", ["eu-v4"], [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }, { name: "more", prefixLength: 16, addressSpace: "pods-v4" }])] },
      { file },
    );
    expect(errors(plan)).toEqual([]);
    expect(cidrs(plan)["eu-1"]).toEqual({ more: "10.36.0.0/16", pods: "10.32.0.0/16" });
    expect(plan.subSpaces[0].cidr).toBe("10.36.0.0/14");
    const warnings = plan.clusters[0].plan.pools.flatMap((p) => p.findings).concat(plan.clusters[0].plan.findings).map((f) => f.code);
    expect(warnings).toContain("FLEET_POOL_OUTSIDE_SUB_SPACE");
    expect(warnings).not.toContain("CARVE_POOL_OUTSIDE_SPACES");
  });

  test("a pool may name its sub-space as its address space", () => {
    const plan = planFleet({ addressSpaces: SPACES, subSpaces: [{ name: "lab-v4", addressSpace: "pods-v4", cidr: "10.44.0.0/14" }], clusters: [cluster("lab", undefined, [{ name: "pods", prefixLength: 16, addressSpace: "lab-v4" }])] });
    expect(errors(plan)).toEqual([]);
    expect(cidrs(plan)).toEqual({ lab: { pods: "10.44.0.0/16" } });
    expect(plan.subSpaces[0].clusters).toEqual(["lab"]);
  });

  test("dual-stack: each family's pools go into the cluster's sub-space of that family", () => {
    const plan = planFleet({
      addressSpaces: SPACES,
      subSpaces: REGIONS,
      clusters: [cluster("eu-1", ["eu-v4", "eu-v6"], [{ name: "v4", prefixLength: 16 }, { name: "v6", ipVersion: 6, prefixLength: 64, addressSpace: "pods-v6" }])],
    });
    expect(errors(plan)).toEqual([]);
    const sub = Object.fromEntries(plan.subSpaces.map((s) => [s.name, s.cidr]));
    expect(within(cidrs(plan)["eu-1"].v4, sub["eu-v4"])).toBe(true);
    expect(within(cidrs(plan)["eu-1"].v6, sub["eu-v6"])).toBe(true);
  });
});
