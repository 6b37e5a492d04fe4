import { FleetClusterDeclaration, FleetPlan, FleetSpec, planFleet } from "../../src/fleet";
import { buildPlanReport, diffPlanReports, fleetSection, renderDiffMarkdown, renderDiffText, renderPlanText, withFleet } from "../../src/report";
import type { PlanReport } from "../../src/report";

const SPACE = [{ name: "pods", cidr: "10.32.0.0/12" }];

function cluster(name: string, prefix = 16, extra: Partial<FleetClusterDeclaration> = {}): FleetClusterDeclaration {
  return { name, spec: { pools: [{ name: "pods", prefixLength: prefix }] }, ...extra };
}

/** Each cluster's report with its fleet section, as synth writes plan.json. */
function reports(spec: FleetSpec): Map<string, PlanReport> {
  const plan: FleetPlan = planFleet(spec);
  const inputs = plan.clusters.map((c) => ({ name: c.name, report: buildPlanReport(c.plan), isolatedFrom: c.isolatedFrom, reuses: c.reuses }));
  return new Map(inputs.map((i) => [i.name, withFleet(i.report, fleetSection(i.name, inputs, plan.subSpaces))]));
}

describe("the text report of a fleet cluster", () => {
  test("has the fleet summary: every cluster's ranges, this one marked, the sub-spaces and the reused ranges", () => {
    const text = renderPlanText(
      reports({
        addressSpaces: SPACE,
        subSpaces: [{ name: "eu", addressSpace: "pods", cidr: "10.40.0.0/14" }],
        clusters: [
          cluster("east", 16, { subSpaces: ["eu"] }),
          cluster("west"),
          { name: "lab", spec: { pools: [{ name: "pods", cidr: "10.44.0.0/16" }] }, isolatedFrom: "all" },
        ],
      }).get("west")!,
    );
    expect(text).toMatch(/\nFleet: 3 clusters share this address plan \(\* this one\); no two that route to each other overlap\.\n/);
    expect(text).toMatch(/\| +CLUSTER +\| +RANGES +\| IPV4 ADDRESSES \| IPV6 ADDRESSES \| IN USE +\| BUSIEST POOL \| FREE BLOCKS \| ISOLATED FROM +\|/);
    expect(text).toMatch(/\| east +\| 10\.40\.0\.0\/16 \| +65,536 \| +0 \| unknown \| unknown +\| unknown +\| lab +\|/);
    expect(text).toMatch(/\| \* west +\| 10\.44\.0\.0\/16 \|/);
    expect(text).toMatch(/\| eu +\| 10\.40\.0\.0\/14 \| pods +\| east +\|/);
    expect(text).toMatch(/\nlab pods \(10\.44\.0\.0\/16\) and west pods \(10\.44\.0\.0\/16\) share addresses: declared isolated\n/);
  });

  test("a cluster planned alone has none", () => {
    const alone = planFleet({ addressSpaces: SPACE, clusters: [cluster("solo")] }).clusters[0].plan;
    expect(renderPlanText(buildPlanReport(alone))).not.toMatch(/Fleet:/);
  });
});

describe("the plan diff of a fleet cluster names the cluster of each change", () => {
  test("ranges of the other clusters and sub-spaces that changed are listed with their cluster", () => {
    const base = reports({ addressSpaces: SPACE, clusters: [cluster("east"), cluster("west")] }).get("east")!;
    const head = reports({
      addressSpaces: SPACE,
      subSpaces: [{ name: "us", addressSpace: "pods", cidr: "10.44.0.0/14" }],
      clusters: [cluster("east"), cluster("west", 16, { subSpaces: ["us"] }), cluster("north", 20)],
    }).get("east")!;
    const diff = diffPlanReports(base, head);
    expect(diff.fleet).toEqual({
      cluster: "east",
      changes: [
        { cluster: null, name: "us", before: null, after: "10.44.0.0/14" },
        { cluster: "north", name: "pods", before: null, after: "10.41.0.0/20" },
        { cluster: "west", name: "pods", before: "10.33.0.0/16", after: "10.44.0.0/16" },
      ],
    });
    expect(diff.notes).toEqual(
      expect.arrayContaining([
        'sub-space "us" of the fleet added at 10.44.0.0/14',
        'cluster "north" (another cluster of the fleet): pool "pods" added at 10.41.0.0/20',
        'cluster "west" (another cluster of the fleet): pool "pods" changed from 10.33.0.0/16 to 10.44.0.0/16',
      ]),
    );
    expect(renderDiffMarkdown(diff)).toContain('cluster "west" (another cluster of the fleet): pool "pods" changed from 10.33.0.0/16 to 10.44.0.0/16');
    expect(renderDiffText(diff)).toContain('cluster "north" (another cluster of the fleet): pool "pods" added at 10.41.0.0/20');
  });

  test("two plans of a cluster planned alone have no fleet part", () => {
    const alone = buildPlanReport(planFleet({ addressSpaces: SPACE, clusters: [cluster("solo")] }).clusters[0].plan);
    expect(diffPlanReports(alone, alone).fleet).toBeUndefined();
  });
});
