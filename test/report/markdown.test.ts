import { planIpam } from "../../src/plan/plan";
import { PlanReport, buildPlanReport, diffPlanReports, parsePlanReport, renderDiffMarkdown, renderJson, renderPlanMarkdown } from "../../src/report";
import type { PoolDeclaration } from "../../src/spec/types";
import { realistic, simulatePlan } from "./fixture";

function realisticReport(): PlanReport {
  const { plan, simulation } = realistic();
  return buildPlanReport(plan, simulation);
}

/** Table rows of a Markdown text: lines starting with "| ". */
function tableRows(md: string): string[] {
  return md.split("\n").filter((l) => l.startsWith("| "));
}

/** The cells of a table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe("renderPlanMarkdown", () => {
  test("pipes and backticks in names, selectors and notes cannot break a table", () => {
    const doc = JSON.parse(renderJson(realisticReport()));
    doc.namespaces[0].exclusive = false;
    doc.namespaces[0].notes = ["pool `x` | also serves `team in {'a'}` || others"];
    doc.pools[0].name = "odd`name";
    const md = renderPlanMarkdown(parsePlanReport(JSON.stringify(doc)));
    const firewall = tableRows(md).find((r) => r.startsWith("| `payments` |")) as string;
    expect(cells(firewall)).toHaveLength(5);
    expect(firewall).toContain("no: pool \\`x\\` \\| also serves \\`team in {'a'}\\` \\|\\| others |");
    const pool = tableRows(md).find((r) => r.includes("odd`name")) as string;
    expect(pool.startsWith("| ``odd`name`` |")).toBe(true);
    expect(cells(pool)).toHaveLength(7);
  });

  test("a selector with || stays in its cell of the diff table", () => {
    const base: PoolDeclaration = { name: "a", cidr: "10.1.0.0/24" };
    const report = (pool: PoolDeclaration) => buildPlanReport(planIpam({ pools: [pool] }));
    const md = renderDiffMarkdown(diffPlanReports(report(base), report({ ...base, nodeSelector: "zone == 'a' || zone == 'b'" })));
    const row = tableRows(md).find((r) => r.startsWith("| `a` | nodeSelector")) as string;
    expect(row).toBe("| `a` | nodeSelector | `all()` | `zone == 'a' \\|\\| zone == 'b'` |");
    expect(cells(row)).toHaveLength(4);
  });

  test("at most maxBlockRows blocks, collapsed, with a pointer to the JSON report", () => {
    const md = renderPlanMarkdown(realisticReport(), { maxBlockRows: 3 });
    expect(md).toContain("<summary>Blocks (first 3 of 18)</summary>");
    expect(md).toContain("15 more blocks are not shown; the JSON report lists them all.");
    expect(tableRows(md).filter((r) => /^\| `(10\.|fd00)/.test(r))).toHaveLength(3);
  });

  test("many findings of one severity: the first ones shown, the rest collapsed", () => {
    const doc = JSON.parse(renderJson(realisticReport()));
    const w = doc.findings.find((f: { severity: string }) => f.severity === "warning");
    doc.findings = Array.from({ length: 13 }, (_, i) => ({ ...w, path: `p${String(i).padStart(2, "0")}` }));
    doc.summary = { errors: 0, warnings: 13, accepted: 0 };
    const md = renderPlanMarkdown(parsePlanReport(JSON.stringify(doc)), { maxFindingsShown: 10 });
    expect(md).toContain("**Warnings (13)**");
    expect(md).toContain("<summary>3 more warnings</summary>");
    expect(md.indexOf("(`p09`)")).toBeLessThan(md.indexOf("<summary>3 more warnings</summary>"));
    expect(md.indexOf("(`p10`)")).toBeGreaterThan(md.indexOf("<summary>3 more warnings</summary>"));
  });

  test("many pools: the table collapses and the full ones stay listed", () => {
    const pools: PoolDeclaration[] = Array.from({ length: 8 }, (_, i) => ({ name: `rack-${i}`, cidr: `10.${i}.0.0/26`, blockSize: 26, nodeSelector: `rack == '${i}'` }));
    const plan = planIpam({ pools });
    const simulation = simulatePlan(plan, {
      nodes: [{ name: "n0", labels: { rack: "0" } }, { name: "n1", labels: { rack: "1" } }],
      workloads: [{ name: "w", namespace: "default", replicas: 20 }],
    });
    const md = renderPlanMarkdown(buildPlanReport(plan, simulation), { maxPoolRows: 5 });
    expect(md).toContain("Pools at 80% or more: `rack-0` (100% of blocks, 15.6% of addresses), `rack-1` (100% of blocks, 15.6% of addresses).");
    expect(md).toContain("<summary>8 pools</summary>");
  });

  test("an accepted finding is listed with its reason under Accepted, collapsed", () => {
    const { plan, simulation } = realistic();
    const md = renderPlanMarkdown(buildPlanReport(plan, simulation, { accepted: [{ code: "POD_UNSCHEDULABLE", subject: "Workload/batch", reason: "spot nodes | at night" }] }));
    expect(md).toMatch(/<summary>Accepted \(1\)<\/summary>\n\n- `POD_UNSCHEDULABLE` on \*\*Workload\/batch\*\* .*\n {2}Accepted: spot nodes \\\| at night\n/);
    expect(md).not.toContain("**Errors");
  });
});
