/**
 * The map of a live cluster (`inspect --format html|svg`), from examples/live: pools, blocks placed in
 * them, blocks and addresses outside every pool drawn as orphans, and findings pinned where they are.
 */
import * as path from "path";
import { buildInspectReport, readDumpFiles } from "../../src/live";
import type { InspectReport } from "../../src/live";
import { findingPlaces, inspectMapModel, renderInspectHtml, renderInspectSvg } from "../../src/report";
import type { ModelView } from "../../src/report/map-model";
import { runCli } from "../helpers/cli";

const root = path.resolve(__dirname, "..", "..");
const files = [path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")];
const dump = readDumpFiles(files);
const report: InspectReport = buildInspectReport(dump);

/** The findings (as "CODE subject") pinned on the range of this kind and name, on any family map. */
function pinnedOnRange(view: ModelView, kind: string, name: string): string[] {
  return view.families.flatMap((f) =>
    (f.pins ?? []).filter(([at]) => f.ranges[at][0] === kind && f.ranges[at][1] === name).flatMap(([, list]) => list.map((i) => `${report.findings[i].code} ${report.findings[i].subject}`)),
  );
}

/** The findings pinned on a block of a pool. */
function pinnedOnBlock(view: ModelView, pool: string, cidr: string): string[] {
  const p = view.pools.find((x) => x.name === pool)!;
  return (p.pins ?? []).filter(([at]) => p.blocks.cidr[at] === cidr).flatMap(([, list]) => list.map((i) => `${report.findings[i].code} ${report.findings[i].subject}`));
}

describe("the map of a live cluster", () => {
  const view = inspectMapModel(report, dump).views[0];

  test("every pool is on a map, every block of a pool inside it, coloured by its node", () => {
    const onMap = view.families.flatMap((f) => f.ranges.filter((r) => r[0] === "pool").map((r) => r[1]));
    expect(onMap.sort()).toEqual(report.pools.map((p) => p.name).sort());
    const inPools = view.pools.flatMap((p) => p.blocks.cidr.map((c, i) => `${p.name} ${c} ${p.blocks.owner[i] < 0 ? "none" : view.nodes[p.blocks.owner[i]]} ${p.blocks.inUse[i]} ${p.blocks.borrowedBy?.[i] ?? 0}`));
    expect(inPools.sort()).toEqual(
      report.blocks
        .filter((b) => b.pool !== null)
        .map((b) => `${b.pool} ${b.cidr} ${b.owner ?? "none"} ${b.inUse} ${b.borrowed}`)
        .sort(),
    );
  });

  test("a block of no pool and an address in use outside every pool are drawn as orphans", () => {
    const orphans = view.families.flatMap((f) => f.ranges.filter((r) => r[0] === "orphan").map((r) => `${r[2]} ${r[1]}`));
    expect(orphans).toEqual(["10.200.0.0/26 block of no pool (IPAMBlock/10-200-0-0-26)", "172.20.0.5/32 Pod/default/sidecar-injector-0 (IN_USE_OUTSIDE_POOLS)"]);
  });

  test("findings are pinned on the pool and the block they concern", () => {
    expect(pinnedOnRange(view, "pool", "edge")).toEqual(["POOL_BLOCKS_EXHAUSTED IPPool/edge"]);
    expect(pinnedOnRange(view, "pool", "rack-b")).toEqual(expect.arrayContaining(["BLOCK_OVERLAP IPAMBlock/10-32-32-32-27", "BLOCK_SIZE_MISMATCH IPAMBlock/10-32-32-0-26", "AFFINITY_STATE BlockAffinity/rack-b-02-10-32-33-0-27"]));
    expect(pinnedOnBlock(view, "rack-b", "10.32.32.32/27")).toContain("BLOCK_OVERLAP IPAMBlock/10-32-32-32-27");
    // A pod's address on a block: the pod's finding is pinned on the block that holds the address.
    expect(pinnedOnBlock(view, "rack-a", "10.32.16.64/26")).toContain("IN_USE_NOT_ALLOCATED Pod/web/frontend-7c9f8-zz001");
    expect(pinnedOnBlock(view, "rack-a", "10.32.17.0/26")).toEqual(expect.arrayContaining(["LEAKED_ADDRESS IPAMBlock/10-32-17-0-26", "AFFINITY_NODE_GONE BlockAffinity/rack-a-09-10-32-17-0-26"]));
    expect(pinnedOnRange(view, "orphan", "Pod/default/sidecar-injector-0 (IN_USE_OUTSIDE_POOLS)")).toEqual(["IN_USE_OUTSIDE_POOLS Pod/default/sidecar-injector-0"]);
    expect(pinnedOnRange(view, "orphan", "block of no pool (IPAMBlock/10-200-0-0-26)")).toEqual(expect.arrayContaining(["BLOCK_NO_POOL IPAMBlock/10-200-0-0-26"]));
    // A handle's finding: on the blocks the handle counts addresses in.
    expect(pinnedOnBlock(view, "rack-a", "10.32.16.0/26").filter((f) => f.startsWith("HANDLE_LEAKED"))).toHaveLength(1);
    expect(view.findings).toHaveLength(report.findings.length);
  });

  test.each([
    ["the IPAM configuration", "IPAMConfig/default", "spec.maxBlocksPerHost"],
    ["the dump as a whole", "dump", ""],
    ["an affinity the dump does not hold", "BlockAffinity/nowhere-10-0-0-0-26", "spec.cidr"],
    ["a pod the dump does not hold", "Pod/web/gone", "status.podIPs[0]"],
  ])("a finding about %s has no place on the map: listed, not pinned", (_, subject, at) => {
    const f = { severity: "warning" as const, code: "X", subject, path: at, message: "m", source: "check" as const };
    expect(findingPlaces(f, report, dump)).toEqual({ cidrs: [] });
    const alone = inspectMapModel({ ...report, findings: [f] }, dump).views[0];
    expect([...alone.families.flatMap((x) => x.pins ?? []), ...alone.pools.flatMap((p) => p.pins ?? [])]).toEqual([]);
  });

  test("without the dump, pool and block findings are still pinned (affinities and pods need the dump)", () => {
    const bare = inspectMapModel(report).views[0];
    expect(pinnedOnRange(bare, "pool", "edge")).toEqual(["POOL_BLOCKS_EXHAUSTED IPPool/edge"]);
    expect(pinnedOnRange(bare, "pool", "rack-b")).not.toContain("AFFINITY_STATE BlockAffinity/rack-b-02-10-32-33-0-27");
  });

  test("the page is self-contained and deterministic, lists every finding and marks the pinned ones", () => {
    const html = renderInspectHtml(report, dump);
    expect(html).toBe(renderInspectHtml(buildInspectReport(readDumpFiles(files)), readDumpFiles(files)));
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html.match(/https?:\/\/[^\s"']+/g)).toEqual(["http://www.w3.org/2000/svg"]);
    expect((html.match(/<li class="(error|warning)[^"]*" data-finding=/g) ?? []).length).toBe(report.findings.length);
    expect(html).toMatch(/<li class="warning pinned" data-finding="\d+"><b>warning<\/b> <code>POOL_BLOCKS_EXHAUSTED<\/code> IPPool\/edge/);
    expect(renderInspectHtml({ ...report, findings: [{ severity: "warning", code: "X", subject: "dump", path: "", message: "m", source: "dump" }] }, dump)).toContain(
      '<li class="warning" data-finding="0"><b>warning</b> <code>X</code> dump: m</li>',
    );
    expect(html).toContain("<header class=\"bad\">");
  });

  test("the SVG overview draws the pools and a dot per pinned range, the findings as its title", () => {
    const svg = renderInspectSvg(report, dump);
    expect(svg).toBe(renderInspectSvg(report, dump));
    for (const p of report.pools) expect(svg).toContain(`<title>pool ${p.name} ${p.cidr}</title>`);
    const dots = view.families.reduce((n, f) => n + (f.pins ?? []).length, 0);
    expect((svg.match(/<circle class="finding"/g) ?? []).length).toBe(dots);
    expect(svg).toMatch(/<circle class="finding"[^>]*fill="#bf8700"[^>]*><title>warning POOL_BLOCKS_EXHAUSTED IPPool\/edge/);
    expect(svg).not.toMatch(/<script|href=/);
  });

  test("calico-ipam inspect --format html|svg prints them, and exits 1 on the example's error findings", async () => {
    const html = await runCli("inspect", ...files, "--format", "html");
    expect(html.code).toBe(1);
    expect(html.stderr).toBe("");
    expect(html.stdout).toBe(renderInspectHtml(report, dump));
    const svg = await runCli("inspect", ...files, "--format", "svg");
    expect(svg.code).toBe(1);
    expect(svg.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});
