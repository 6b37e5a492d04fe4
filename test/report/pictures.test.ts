import { planIpam } from "../../src/plan/plan";
import { buildPlanReport, diffPlanReports, renderDiffHtml, renderPlanHtml, renderPlanSvg } from "../../src/report";
import type { PlanReport } from "../../src/report";
import { diffMapModel, planMapModel } from "../../src/report/map-model";
import { SPEC, realistic } from "./fixture";

function report(): PlanReport {
  const { plan, simulation } = realistic();
  return buildPlanReport(plan, simulation, { generatedBy: "test" });
}

/** The model embedded in a page, as the page's script reads it. */
function embedded(html: string): ReturnType<typeof planMapModel> {
  const m = /<script id="calico-ipam-map" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error("no model in the page");
  return JSON.parse(m[1]);
}

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
    expect(model.views[0].pools.flatMap((p) => p.blocks.map((b) => b[0]))).toEqual(r.simulation!.blocks.map((b) => b.cidr));
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
