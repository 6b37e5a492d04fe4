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
  const inputs = plan.clusters.map((c) => ({ name: c.name, report: buildPlanReport(c.plan), isolatedFrom: c.isolatedFrom, reuses: c.reuses, drawnRanges: c.drawnRanges }));
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

  test("summary.changes counts each change once: this cluster's pools in pools, the others' ranges in fleet", () => {
    const base = reports({ addressSpaces: SPACE, clusters: [cluster("east"), cluster("west")] }).get("east")!;
    const head = reports({
      addressSpaces: SPACE,
      clusters: [{ name: "east", spec: { pools: [{ name: "pods", prefixLength: 16 }, { name: "batch", prefixLength: 20 }] } }, cluster("west"), cluster("north", 20)],
    }).get("east")!;
    const diff = diffPlanReports(base, head);
    expect(diff.pools.added.map((p) => p.name)).toEqual(["batch"]);
    expect(diff.pools.changed).toEqual([]);
    // east's new pool is not listed again among the fleet's ranges.
    expect(diff.fleet!.changes).toEqual([{ cluster: "north", name: "pods", before: null, after: "10.34.16.0/20" }]);
    expect(diff.findings.appeared.length + diff.findings.resolved.length + diff.capacity.length).toBe(0);
    expect(diff.summary.changes).toBe(2);
  });

  test("two reports about two clusters of one fleet: each cluster's pools are compared once, in pools, not again in fleet", () => {
    const fleet = reports({ addressSpaces: SPACE, clusters: [cluster("east"), cluster("west")] });
    const diff = diffPlanReports(fleet.get("east")!, fleet.get("west")!);
    expect(diff.pools.changed.map((p) => p.name)).toEqual(["pods"]);
    expect(diff.fleet).toEqual({ cluster: "west", changes: [] });
    expect(diff.summary.changes).toBe(diff.pools.changed.length + diff.findings.appeared.length + diff.findings.resolved.length + diff.capacity.length);
  });

  test("drawn Service CIDRs and node networks that change are listed, this cluster's too, with their kind", () => {
    const spaces = [...SPACE, { name: "services", cidr: "10.96.0.0/12" }];
    const drawing = { drawnRanges: { serviceCidrs: [{ addressSpace: "services", prefixLength: 16 }] } };
    const base = reports({ addressSpaces: spaces, clusters: [cluster("east"), cluster("west", 16, drawing)] }).get("east")!;
    const head = reports({ addressSpaces: spaces, clusters: [cluster("east", 16, drawing), cluster("west", 16, drawing)] }).get("east")!;
    const diff = diffPlanReports(base, head);
    expect(diff.fleet!.changes).toEqual([{ cluster: "east", name: "service-ipv4", before: null, after: "10.96.0.0/16", kind: "service" }, { cluster: "west", name: "service-ipv4", before: "10.96.0.0/16", after: "10.97.0.0/16", kind: "service" }]);
    expect(diff.notes).toEqual(
      expect.arrayContaining([
        'cluster "east": Service CIDR "service-ipv4" drawn from the plan added at 10.96.0.0/16',
        'cluster "west" (another cluster of the fleet): Service CIDR "service-ipv4" drawn from the plan changed from 10.96.0.0/16 to 10.97.0.0/16',
      ]),
    );
  });

  test("two plans of a cluster planned alone have no fleet part", () => {
    const alone = buildPlanReport(planFleet({ addressSpaces: SPACE, clusters: [cluster("solo")] }).clusters[0].plan);
    expect(diffPlanReports(alone, alone).fleet).toBeUndefined();
  });
});
