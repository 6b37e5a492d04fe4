import fc from "fast-check";
import { simulatePlan, HarnessTimelineStep } from "../../src/plan/harness";
import { planIpam } from "../../src/plan/plan";
import {
  PlanReport,
  TIMELINE_ALIGN_CELLS,
  alignTimelines,
  buildPlanReport,
  diffPlanReports,
  diffTimelines,
  parsePlanReport,
  renderDiffMarkdown,
  renderDiffText,
  renderJson,
} from "../../src/report";
import type { IpamSpec } from "../../src/spec/types";

/** One pool of four /28 blocks, strict affinity: 64 addresses, 16 per block. */
const SPEC: IpamSpec = {
  pools: [{ name: "pods", cidr: "10.0.0.0/26", blockSize: 28 }],
  ipamConfiguration: { strictAffinity: true, autoAllocateBlocks: true, maxBlocksPerHost: 2 },
  namespaces: [{ name: "shop" }],
};

/** The report of SPEC over two nodes and 10 pods of shop/web, with `timeline` played (none: no timeline). */
function report(timeline?: readonly HarnessTimelineStep[]): PlanReport {
  const plan = planIpam(SPEC);
  const simulation = simulatePlan(plan, {
    topology: { nodes: [{ namePattern: "node-{i}", count: 2 }], workloads: [{ name: "web", namespace: "shop", replicas: 10 }], ...(timeline ? { timeline } : {}) },
  });
  // Through the JSON, as `calico-ipam diff` reads plan.json files.
  return parsePlanReport(renderJson(buildPlanReport(plan, simulation)));
}

const BASE: HarnessTimelineStep[] = [{ scale: { workload: "web", replicas: 30 } }, { drainNodes: ["node-1"] }, { wait: { seconds: 60 } }];

describe("alignTimelines: steps pair by action in order", () => {
  test.each([
    ["alike", ["scale", "wait"], ["scale", "wait"], [[0, 0], [1, 1]]],
    ["a step inserted: the steps after it still pair", ["scale", "drainNodes", "wait"], ["scale", "addNodes", "drainNodes", "wait"], [[0, 0], [undefined, 1], [1, 2], [2, 3]]],
    ["a step removed", ["scale", "drainNodes", "wait"], ["scale", "wait"], [[0, 0], [1, undefined], [2, 1]]],
    ["a step replaced: the base's goes first", ["scale", "drainNodes", "wait"], ["scale", "removeNodes", "wait"], [[0, 0], [1, undefined], [undefined, 1], [2, 2]]],
    ["no timeline on one side", [], ["wait"], [[undefined, 0]]],
    ["two of one action: in order", ["scale", "scale"], ["scale", "wait", "scale"], [[0, 0], [undefined, 1], [1, 2]]],
  ])("%s", (_name, base, head, pairs) => {
    expect(alignTimelines(base, head).map((a) => [a.base, a.head])).toEqual(pairs);
  });

  test("past the alignment limit, steps pair by index when their actions agree", () => {
    const side = Math.ceil(Math.sqrt(TIMELINE_ALIGN_CELLS)) + 1;
    const base = Array.from({ length: side }, (_, i) => (i % 2 === 0 ? "scale" : "wait"));
    const head = ["drainNodes", ...base.slice(1, -1), "drainNodes"];
    const aligned = alignTimelines(base, head);
    expect(aligned[0]).toEqual({ base: 0 });
    expect(aligned[1]).toEqual({ head: 0 });
    expect(aligned[2]).toEqual({ base: 1, head: 1 });
    expect(aligned.filter((a) => a.base !== undefined && a.head !== undefined)).toHaveLength(side - 2);
  });

  test("property: every step appears once, in order on both sides, and only steps of one action pair", () => {
    const actions = fc.array(fc.constantFrom("scale", "wait", "drainNodes", "addNodes"), { maxLength: 30 });
    fc.assert(
      fc.property(actions, actions, (base, head) => {
        const aligned = alignTimelines(base, head);
        const bs = aligned.flatMap((a) => (a.base !== undefined ? [a.base] : []));
        const hs = aligned.flatMap((a) => (a.head !== undefined ? [a.head] : []));
        expect(bs).toEqual(base.map((_, i) => i));
        expect(hs).toEqual(head.map((_, i) => i));
        for (const a of aligned) if (a.base !== undefined && a.head !== undefined) expect(base[a.base]).toBe(head[a.head]);
        // A step inserted anywhere leaves every other step paired.
        const inserted = [...base.slice(0, 1), "relabelNode", ...base.slice(1)];
        expect(alignTimelines(base, inserted).filter((a) => a.base !== undefined && a.head !== undefined)).toHaveLength(base.length);
      }),
    );
  });
});

describe("diffPlanReports compares the timelines step by step", () => {
  const base = report(BASE);

  test("neither report has a timeline: no timeline section (the diff is as before)", () => {
    const diff = diffPlanReports(report(), report());
    expect("timeline" in diff).toBe(false);
    expect(diff.summary.changes).toBe(0);
  });

  test("the same timeline: the section is there, with no step listed", () => {
    const diff = diffPlanReports(base, report(BASE));
    expect(diff.timeline).toEqual({ steps: { before: 3, after: 3, delta: 0 }, changes: [] });
    expect(diff.summary.changes).toBe(0);
    expect(renderDiffText(diff)).not.toContain("Timeline");
    expect(renderDiffMarkdown(diff)).not.toContain("### Timeline");
  });

  test("a bigger scale step: per step and per pool, before and after, and the failures it brings", () => {
    const head = report([{ scale: { workload: "web", replicas: 70 } }, ...BASE.slice(1)]);
    const diff = diffPlanReports(base, head);
    const t = diff.timeline!;
    expect(t.steps).toEqual({ before: 3, after: 3, delta: 0 });
    const scale = t.changes[0];
    expect(scale).toMatchObject({ change: "changed", action: "scale", baseIndex: 0, headIndex: 0 });
    expect(scale.description).toEqual({ before: base.simulation!.timeline![0].description, after: head.simulation!.timeline![0].description });
    // 64 addresses, at most 2 blocks of 16 per node: 30 pods fit, 70 do not.
    expect(scale.podsFailed).toEqual({ before: 0, after: 70 - 64, delta: 6 });
    const pool = scale.pools.find((p) => p.name === "pods")!;
    expect(pool.addressesInUse).toEqual({ before: 30, after: 64, delta: 34 });
    expect(pool.utilization).toEqual({ before: 30 / 64, after: 1, delta: Math.round((1 - 30 / 64) * 1e9) / 1e9 });
    expect(pool.headroomPods.after).toBe("0");
    // The head's scale step brings pod failures the base's did not have.
    expect(scale.findings.appeared.map((f) => f.code)).toContain("POD_BLOCK_LIMIT");
    expect(scale.findings.resolved).toEqual([]);
    // Every step whose outcome differs is listed, and counts as a change.
    expect(t.changes.every((c) => c.change === "changed")).toBe(true);
    expect(diff.summary.changes).toBeGreaterThanOrEqual(t.changes.length);
    const text = renderDiffText(diff);
    expect(text).toContain("\nTimeline (3 steps; steps paired by action in order):\n  ~ step 1 scale: scale shop/web from 10 to 30 -> scale shop/web from 10 to 70\n");
    expect(text).toContain("      without address 0 -> 6 (+6)");
    expect(text).toMatch(/ {6}pool pods: in use 30 -> 64 \(\+34\); utilization 46\.9% -> 100%/);
    expect(text).toMatch(/ {6}\+ error POD_BLOCK_LIMIT/);
    const md = renderDiffMarkdown(diff);
    expect(md).toContain("| step 1 | `scale` | changed | scale shop/web from 10 to 30 → scale shop/web from 10 to 70 | 0 → 6 (+6) |");
    expect(md).toContain("**Findings by step**\n\n- step 1, new: warning `POOL_UTILIZATION_HIGH`");
    expect(md).toMatch(/\n- step 1, new: error `POD_BLOCK_LIMIT` \(`workloads\.web`\): 6 of /);
  });

  test("a step inserted in the head: listed as added, the steps after it compared with their base pairs", () => {
    const head = report([BASE[0], { addNodes: [{ name: "node-3" }] }, ...BASE.slice(1)]);
    const diff = diffPlanReports(base, head);
    const t = diff.timeline!;
    expect(t.steps).toEqual({ before: 3, after: 4, delta: 1 });
    expect(t.changes[0]).toMatchObject({ change: "added", action: "addNodes", baseIndex: null, headIndex: 1, description: { before: null }, pools: [] });
    expect(t.changes[0].podsFailed).toEqual({ before: null, after: 0, delta: null });
    for (const c of t.changes.slice(1)) expect([c.baseIndex! + 1, c.action]).toEqual([c.headIndex, head.simulation!.timeline![c.headIndex!].action]);
    expect(renderDiffText(diff)).toMatch(/\n {2}\+ step 2 addNodes: add 1 node\(s\) {2}\(head only\)\n {2}~ step 2 -> 3 drainNodes: /);
    expect(renderDiffMarkdown(diff)).toMatch(/\| step 2 \| `addNodes` \| added \(head only\) \| add 1 node\(s\) \| 0 \| 2 \| 0 \| — \| — \|/);
    expect(renderDiffMarkdown(diff)).toContain("| step 2 → 3 | `drainNodes` | changed | drain node-1 (15 pods evicted) | 0 | 3 | 0 | `pods` room for 0 → 1 (+1) nodes | — |");
  });

  test("the head drops the timeline: every base step is removed, its findings resolved", () => {
    const failing = report([{ scale: { workload: "web", replicas: 70 } }]);
    const diff = diffPlanReports(failing, report());
    expect(diff.timeline!.steps).toEqual({ before: 1, after: 0, delta: -1 });
    const [c] = diff.timeline!.changes;
    expect(c).toMatchObject({ change: "removed", action: "scale", baseIndex: 0, headIndex: null, findings: { appeared: [] } });
    expect(c.findings.resolved).toEqual(failing.simulation!.timeline![0].findings);
    expect(renderDiffText(diff)).toContain("  - step 1 scale: scale shop/web from 10 to 70  (base only)\n");
  });

  test("diffTimelines: undefined when neither side has a timeline; deterministic", () => {
    expect(diffTimelines(undefined, undefined)).toBeUndefined();
    const head = report([{ scale: { workload: "web", replicas: 40 } }, { drainNodes: ["node-2"] }]);
    expect(renderJson(diffPlanReports(base, head))).toBe(renderJson(diffPlanReports(base, head)));
  });
});
