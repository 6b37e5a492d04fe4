import * as path from "path";
import { planIpam } from "../../src/plan/plan";
import { buildPlanReport, diffPlanReports, parsePlanReport, renderDiffHtml, renderPlanHtml, renderPlanSvg, renderTimelineChart } from "../../src/report";
import { fleetMap } from "../../src/report/fleet-map";
import { timelinePools } from "../../src/report/timeline-chart";
import { runCli } from "../helpers/cli";
import type { PlanReport } from "../../src/report";
import { diffMapModel } from "../../src/report/map-model";
import { SPEC, realistic } from "./fixture";
import { embeddedModel } from "../helpers/page-model";

function report(): PlanReport {
  const { plan, simulation } = realistic();
  return buildPlanReport(plan, simulation, { generatedBy: "test" });
}

/** The model embedded in a page, as the page's script reads it (unpacked). */
const embedded = embeddedModel;

describe("plan.html", () => {
  test("is one self-contained page: a policy that forbids every fetch, and no reference to anything outside", () => {
    const html = renderPlanHtml(report());
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).not.toMatch(/@import|url\(/);
    // The only URL is the SVG namespace, a name and not a fetch.
    expect(html.match(/https?:\/\/[^\s"']+/g)).toEqual(["http://www.w3.org/2000/svg"]);
  });

  test("the same report gives the same bytes", () => {
    expect(renderPlanHtml(report())).toBe(renderPlanHtml(report()));
    expect(renderPlanSvg(report())).toBe(renderPlanSvg(report()));
  });

  test("carries every pool and block, with exact counts and never scientific notation", () => {
    const r = report();
    const html = renderPlanHtml(r);
    const model = embedded(html);
    expect(model.views[0].pools.map((p) => p.name)).toEqual(r.pools.map((p) => p.name));
    expect(model.views[0].pools.flatMap((p) => p.blocks.cidr)).toEqual(r.simulation!.blocks.map((b) => b.cidr));
    const v6 = model.views[0].pools.find((p) => p.name === "pods-v6")!;
    expect(v6.addressesText).toBe("340 / 2^64 addresses (0%)");
    expect(v6.tip).toContain("2^58 blocks");
    for (const p of model.views[0].pools) expect(`${p.tip}${p.blocksText}${p.addressesText}${p.headroomText}`).not.toMatch(/\de[+-]\d/);
  });

  test("text from the plan cannot end the data script or open markup", () => {
    const r = report();
    const hostile: PlanReport = { ...r, findings: [{ ...r.findings[0], message: "</script><script>alert(1)</script> <b>" }] };
    const html = renderPlanHtml(hostile);
    expect(html.split("</script>").length - 1).toBe(2);
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;");
  });

  test("a plan without ranges or pools still gives a page that says so", () => {
    const html = renderPlanHtml(buildPlanReport(planIpam({ pools: [] })));
    expect(html).toContain("No range with a readable CIDR.");
    expect(renderPlanSvg(buildPlanReport(planIpam({ pools: [] })))).toContain("No range with a readable CIDR.");
  });
});

describe("plan.html of a diff", () => {
  test("base and head side by side: added, changed, draining and removed pools marked", () => {
    const base = report();
    const spec = {
      ...SPEC,
      pools: [
        ...SPEC.pools.filter((p) => p.name !== "payments").map((p) => (p.name === "rack-b" ? { ...p, disabled: true } : p.name === "rack-a" ? { ...p, natOutgoing: false } : p)),
        { name: "rack-c", cidr: "10.244.8.0/24", blockSize: 26 },
      ],
      namespaces: [],
      workloads: [],
    };
    const head = buildPlanReport(planIpam(spec));
    const diff = diffPlanReports(base, head);
    const model = diffMapModel(base, head, diff);
    expect(model.views.map((v) => v.label)).toEqual(["Base", "Head"]);
    const status = (view: number, name: string) => model.views[view].families.flatMap((f) => f.ranges).find((r) => r[1] === name && (r[0] === "pool" || r[0] === "retired"))?.[7];
    expect(status(1, "rack-c")).toBe("added");
    expect(status(1, "rack-a")).toBe("changed");
    expect(status(1, "rack-b")).toBe("draining");
    expect(status(1, "payments")).toBe("removed");
    expect(status(0, "payments")).toBe("removed");
    expect(status(0, "pods-v6")).toBe("");
    const html = renderDiffHtml(base, head, diff);
    expect(embedded(html).views).toHaveLength(2);
    expect(html).toContain("<h2>Notes</h2>");
  });
});

describe("plan.svg", () => {
  test("draws each pool on the map and lists the fullest with a bar, small enough for a pull request", () => {
    const r = report();
    const svg = renderPlanSvg(r);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const p of r.pools) expect(svg).toContain(`<title>pool ${p.name} ${p.cidr}</title>`);
    expect(svg).toContain("4 / 4 blocks (100%)");
    expect(svg).not.toMatch(/\de\+\d/);
    expect(svg).not.toMatch(/<script|href=/);
    expect(Buffer.byteLength(svg)).toBeLessThan(20_000);
  });

  test("stays small with many pools: the fullest are listed, the rest counted", () => {
    const pools = Array.from({ length: 400 }, (_, i) => ({ name: `rack-${i}`, cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24`, blockSize: 26 }));
    const svg = renderPlanSvg(buildPlanReport(planIpam({ pools })), { maxRanges: 100 });
    expect(svg).toContain("400 pools, the 12 fullest");
    expect((svg.match(/<title>pool /g) ?? []).length).toBe(100);
    expect(Buffer.byteLength(svg)).toBeLessThan(40_000);
  });
});

describe("the day-2 timeline chart", () => {
  let day2: PlanReport;
  beforeAll(async () => {
    const r = await runCli("plan", path.join(__dirname, "..", "..", "examples", "day2", "day2.yaml"), "--format", "json");
    expect(r.code).toBe(0);
    day2 = parsePlanReport(r.stdout);
  });
  const steps = () => day2.simulation!.timeline!;

  test("one series per pool, one point per step the pool exists in, one column per step", () => {
    const svg = renderTimelineChart(steps(), { dataTips: true });
    expect(svg).toContain(`data-steps="${steps().length}"`);
    expect(timelinePools(steps())).toEqual(["old-pods", "pods"]);
    const series = [...svg.matchAll(/<g class="series" data-pool="([^"]+)">(.*?)<\/g>/gs)];
    expect(series.map((m) => m[1])).toEqual(["old-pods", "pods"]);
    // old-pods is deleted at step 7 (index 6): points for the six steps before, none after.
    const points = (body: string) => [...body.matchAll(/class="point" data-step="(\d+)"/g)].map((m) => Number(m[1]));
    expect(points(series[0][2])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(points(series[1][2])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((svg.match(/<rect class="step"/g) ?? []).length).toBe(steps().length);
  });

  test("a point sits at its pool's utilization, and its hover text tells the exact counts", () => {
    const svg = renderTimelineChart(steps(), { metric: "blocks", dataTips: true });
    const after4 = steps()[3].pools.find((p) => p.name === "old-pods")!;
    expect(after4.blocksClaimed).toBe(6);
    const point = /<g class="series" data-pool="old-pods">.*?<circle class="point" data-step="3" cx="[\d.]+" cy="([\d.]+)"[^>]*data-tip="([^"]*)"/s.exec(svg)!;
    expect(point[2]).toContain("old-pods after step 4 · t=0s · rolling restart of shop/web");
    expect(point[2]).toContain("0 / 256 addresses (0%) · 6 / 16 blocks (37.5%)");
    // The axis tops at 40% (37.5% is the highest value): 160 px of plot from y = 22, so 37.5% is at 22 + 160 × (1 − 0.375 / 0.4).
    expect(svg).toContain(">40%</text>");
    expect(Number(point[1])).toBeCloseTo(22 + 160 * (1 - 0.375 / 0.4), 2);
  });

  test("a pool missing from a step breaks its line; a refused step is marked", () => {
    const s = steps().slice(0, 4).map((x, i) => (i === 1 ? { ...x, applied: false, pools: x.pools.filter((p) => p.name !== "pods") } : x));
    const svg = renderTimelineChart(s);
    const path = /<g class="series" data-pool="pods"><path d="([^"]+)"/.exec(svg)![1];
    expect(path.match(/M/g)).toHaveLength(2);
    expect(svg).toContain("2✗");
    expect(svg).toContain("<title>step 2 · t=0s · drain node-1 (11 pods evicted) (refused)");
  });

  test("plan.html carries both charts, plan.svg the addresses chart; a plan without a timeline has none", () => {
    const html = renderPlanHtml(day2);
    expect(html.match(/<svg[^>]*class="timeline-chart"/g)).toHaveLength(2);
    expect(html).toContain(`data-metric="blocks" data-steps="8"`);
    const svg = renderPlanSvg(day2);
    expect(svg.match(/class="timeline-chart"/g)).toHaveLength(1);
    expect(svg).toContain("Addresses in use per pool, after each step");
    expect(renderPlanHtml(report())).not.toContain('class="timeline-chart"');
    expect(renderPlanSvg(report())).not.toContain('class="timeline-chart"');
    expect(renderPlanHtml(day2)).toBe(html);
  });
});

describe("the fleet map", () => {
  let reports: Array<{ name: string; report: PlanReport }>;
  beforeAll(async () => {
    const r = await runCli("plan", path.join(__dirname, "..", "..", "examples", "fleet", "fleet.yaml"), "--format", "json");
    expect(r.code).toBe(0);
    reports = (JSON.parse(r.stdout) as { clusters: Array<{ name: string; report: unknown }> }).clusters.map((c) => ({ name: c.name, report: parsePlanReport(JSON.stringify(c.report)) }));
  });
  const rects = (svg: string) =>
    [...svg.matchAll(/<rect class="fleet-range" data-cluster="([^"]+)" data-pool="([^"]+)"( data-reuse="true")?[^>]*fill="([^"]+)"[^>]*stroke="([^"]+)" stroke-width="([\d.]+)"/g)].map((m) => ({
      cluster: m[1],
      pool: m[2],
      reuse: m[3] !== undefined,
      fill: m[4],
      stroke: m[5],
      width: Number(m[6]),
    }));

  test("every cluster's every pool is one range, coloured by cluster; the report's own cluster is outlined", () => {
    const prodUs = reports.find((c) => c.name === "prod-us-1")!.report;
    const { svg } = fleetMap(prodUs.fleet!, { dataTips: true });
    const drawn = rects(svg);
    expect(drawn.map((r) => `${r.cluster}/${r.pool}`).sort()).toEqual(prodUs.fleet!.clusters.flatMap((c) => c.pools.map((p) => `${c.name}/${p.name}`)).sort());
    const fills = new Map<string, Set<string>>();
    for (const r of drawn) fills.set(r.cluster, new Set([...(fills.get(r.cluster) ?? []), r.fill]));
    expect([...fills.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set([...fills.values()].map((s) => [...s][0])).size).toBe(3);
    expect(drawn.filter((r) => r.width > 2).map((r) => r.cluster)).toEqual(["prod-us-1", "prod-us-1"]);
  });

  test("ranges an isolated cluster reuses are dashed, and their hover text names the overlap", () => {
    const lab = reports.find((c) => c.name === "lab-eu")!.report;
    const { svg } = fleetMap(lab.fleet!, { dataTips: true });
    const reused = rects(svg).filter((r) => r.reuse).map((r) => `${r.cluster}/${r.pool}`);
    expect(reused.sort()).toEqual(["lab-eu/pods-v4", "lab-eu/pods-v6", "prod-eu-1/pods-v4", "prod-eu-1/pods-v6"]);
    const own = lab.fleet!.clusters.find((c) => c.name === "lab-eu")!;
    const reuse = own.reuses.find((r) => r.pool === "pods-v4")!;
    expect(reuse.cluster).toBe("prod-eu-1");
    expect(svg).toContain(`data-tip="cluster lab-eu (this cluster) · pool pods-v4 · ${reuse.cidr}\noverlaps prod-eu-1/pods-v4 ${reuse.otherCidr}: allowed, the clusters never route to each other (isolated)"`);
    expect(svg).toContain("lab-eu (this cluster): 4,096 IPv4, 4,096 IPv6 addresses · isolated from prod-eu-1, prod-us-1 · reuses 2 ranges");
  });

  test("the fleet's sub-spaces are the background, each with the clusters that draw from it", () => {
    const lab = reports.find((c) => c.name === "lab-eu")!.report;
    const { svg } = fleetMap(lab.fleet!, { dataTips: true });
    const subs = lab.fleet!.subSpaces ?? [];
    expect(subs.length).toBeGreaterThan(0);
    for (const s of subs) expect(svg).toContain(`data-sub-space="${s.name}"`);
    const eu = subs.find((s) => s.name === "eu-west-v4")!;
    expect(svg).toContain(`data-tip="sub-space eu-west-v4 · ${eu.cidr} (of pods-v4) · for ${eu.clusters.join(", ")}"`);
  });

  test("plan.html and plan.svg of a fleet cluster carry the fleet map; a cluster planned alone has none", () => {
    const lab = reports.find((c) => c.name === "lab-eu")!.report;
    expect(renderPlanHtml(lab).match(/<svg[^>]*class="fleet-map"/g)).toHaveLength(1);
    expect(renderPlanHtml(lab)).toContain("in address space pods-v4 10.32.0.0/12");
    expect(renderPlanSvg(lab).match(/class="fleet-map"/g)).toHaveLength(1);
    expect(renderPlanSvg(lab)).toContain("<title>cluster prod-eu-1 · pool pods-v6 · fd00:10::/113");
    expect(renderPlanHtml(report())).not.toContain('class="fleet-map"');
    expect(renderPlanSvg(report())).not.toContain('class="fleet-map"');
  });
});
