import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cidr, findOverlaps } from "../../src/ip";
import { FleetClusterDeclaration, FleetPlan, fleetHasErrors, planFleet } from "../../src/fleet";
import { buildPlanReport, fleetSection, renderJson, withFleet } from "../../src/report";
import type { IpamSpec } from "../../src/spec/types";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-published-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SPACE = [{ name: "pods", cidr: "10.32.0.0/12" }];

function cluster(name: string, pools: IpamSpec["pools"] = [{ name: "pods", prefixLength: 16 }], extra: Partial<FleetClusterDeclaration> = {}): FleetClusterDeclaration {
  return { name, spec: { addressSpaces: SPACE, pools }, ...extra };
}

/** Team A's app: its fleet planned, and each cluster's plan.json written as synth writes it. */
function publishTeamA(names: string[] = ["a-prod", "a-stage"]): { plan: FleetPlan; files: Record<string, string> } {
  const plan = planFleet({ clusters: names.map((n) => cluster(n)) });
  const reports = plan.clusters.map((c) => ({ name: c.name, report: buildPlanReport(c.plan), isolatedFrom: c.isolatedFrom, reuses: c.reuses }));
  const files: Record<string, string> = {};
  for (const r of reports) {
    files[r.name] = path.join(dir, `team-a-${r.name}.plan.json`);
    fs.writeFileSync(files[r.name], renderJson(withFleet(r.report, fleetSection(r.name, reports))));
  }
  return { plan, files };
}

function ranges(plan: FleetPlan): Cidr[] {
  return plan.clusters.flatMap((c) => c.plan.pools.filter((p) => p.manifest.spec.cidr).map((p) => Cidr.parse(p.manifest.spec.cidr!)));
}

function errors(plan: FleetPlan): string[] {
  return [...plan.findings, ...plan.clusters.flatMap((c) => c.plan.findings)].filter((f) => f.severity === "error").map((f) => `${f.code}: ${f.message}`);
}

describe("across apps, through published plan files", () => {
  test("team B's clusters keep clear of every cluster in team A's published plan.json", () => {
    const a = publishTeamA();
    const b = planFleet({ clusters: [cluster("b-prod"), cluster("b-stage")] }, { publishedPlans: [a.files["a-prod"]] });
    expect(errors(b)).toEqual([]);
    expect(findOverlaps([...ranges(a.plan), ...ranges(b)])).toEqual([]);
    expect(ranges(b).map(String)).toEqual(["10.34.0.0/16", "10.35.0.0/16"]);
  });

  test("a range team B pinned that team A holds is refused, naming both clusters and the file", () => {
    const a = publishTeamA();
    const b = planFleet({ clusters: [cluster("b-prod", [{ name: "pods", cidr: "10.33.0.0/20" }])] }, { publishedPlans: [a.files["a-stage"]] });
    expect(errors(b)).toContainEqual(
      expect.stringMatching(
        /^FLEET_RANGE_CONFLICT: cluster "b-prod" pool "pods" \(10\.33\.0\.0\/20, pinned\) overlaps cluster "a-stage" pool "pods" \(10\.33\.0\.0\/16, published in .*team-a-a-stage\.plan\.json\)|^FLEET_RANGE_CONFLICT: cluster "a-stage" pool "pods" \(10\.33\.0\.0\/16, published in .*team-a-a-stage\.plan\.json\) overlaps cluster "b-prod" pool "pods" \(10\.33\.0\.0\/20, pinned\)/,
      ),
    );
    expect(fleetHasErrors(b)).toBe(true);
  });

  test("a plan.json of a cluster planned alone takes the cluster name given with it", () => {
    const alone = planFleet({ clusters: [cluster("x")] }).clusters[0].plan;
    const file = path.join(dir, "plan.json");
    fs.writeFileSync(file, renderJson(buildPlanReport(alone)));
    const b = planFleet({ clusters: [cluster("b", [{ name: "pods", cidr: "10.32.0.0/24" }])] }, { publishedPlans: [{ file, cluster: "team-c" }] });
    expect(errors(b).join("\n")).toMatch(/overlaps cluster "b" pool "pods" \(10\.32\.0\.0\/24, pinned\)|cluster "b" pool "pods" \(10\.32\.0\.0\/24, pinned\) overlaps cluster "team-c" pool "pods"/);
  });

  test("the JSON of calico-ipam plan on a fleet spec is a published plan file too", () => {
    const a = publishTeamA();
    const file = path.join(dir, "fleet-plan.json");
    const clusters = a.plan.clusters.map((c) => ({ name: c.name, report: buildPlanReport(c.plan) }));
    fs.writeFileSync(file, JSON.stringify({ schema: "cdktf-calico-ipam/fleet-plan", schemaVersion: 1, findings: [], clusters }, null, 2));
    const b = planFleet({ clusters: [cluster("b")] }, { publishedPlans: [file] });
    expect(errors(b)).toEqual([]);
    expect(findOverlaps([...ranges(a.plan), ...ranges(b)])).toEqual([]);
  });

  test("clusters of this fleet found in a published file are skipped: an app may list its own", () => {
    const a = publishTeamA();
    const again = planFleet({ clusters: [cluster("a-prod"), cluster("a-stage")] }, { publishedPlans: Object.values(a.files) });
    expect(errors(again)).toEqual([]);
    expect(ranges(again).map(String)).toEqual(ranges(a.plan).map(String));
  });

  test("a cluster isolated from a published cluster may reuse its range", () => {
    const a = publishTeamA(["a-prod"]);
    const lab = planFleet({ clusters: [cluster("lab", undefined, { isolatedFrom: ["a-prod"] })] }, { publishedPlans: [a.files["a-prod"]] });
    expect(errors(lab)).toEqual([]);
    expect(ranges(lab).map(String)).toEqual(["10.32.0.0/16"]);
  });

  test.each([
    ["a missing file", (f: string) => f, /^FLEET_PLAN_FILE_INVALID: cannot read the published plan file .*missing\.json \(ENOENT\): check the path/],
    ["a file that is not JSON", (f: string) => (fs.writeFileSync(f, "pools: []"), f), /^FLEET_PLAN_FILE_INVALID: .*missing\.json: not valid JSON .*a published plan file is a cluster's plan\.json/],
    ["a JSON file that is not a plan", (f: string) => (fs.writeFileSync(f, JSON.stringify({ version: 1, pools: {} })), f), /^FLEET_PLAN_FILE_INVALID: .*missing\.json: .*a published plan file is/],
  ])("%s is an error naming it, and nothing is carved", (_, make, expected) => {
    const file = make(path.join(dir, "missing.json"));
    const b = planFleet({ clusters: [cluster("b")] }, { publishedPlans: [file] });
    expect(errors(b)).toContainEqual(expect.stringMatching(expected));
    expect(ranges(b)).toEqual([]);
  });
});
