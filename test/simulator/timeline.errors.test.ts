/** Node limits of a timeline: each refusal names the step, the value, the limit and the way out. */
import { MAX_NODES } from "../../src/limits";
import { MAX_TIMELINE_NODES, SimulationResult, TimelineStep } from "../../src/simulator";
import { on, pool, simulate } from "./helpers";

function play(timeline: TimelineStep[]): SimulationResult {
  return simulate({ pools: [pool("p", "10.0.0.0/24", { blockSize: 29 })], topology: { nodes: [{ name: "a" }], workloads: [on("a", "web", 2)] }, timeline });
}

const group = (prefix: string, count: number): TimelineStep => ({ addNodes: [{ namePattern: `${prefix}-{i}`, count }] });

describe("addNodes past the node limits", () => {
  test("a step that would make the cluster larger than MAX_NODES is refused, and the steps after it still play", () => {
    const r = play([group("x", MAX_NODES), { scale: { workload: "web", replicas: 3 } }]);
    const f = r.findings.find((x) => x.code === "TIMELINE_INVALID");
    expect(f).toMatchObject({ severity: "error", path: "timeline[0].addNodes" });
    expect(f?.message).toContain(`adding ${MAX_NODES} node(s) to the 1 in the cluster would make ${MAX_NODES + 1}, more than the limit of ${MAX_NODES} (MAX_NODES`);
    expect(f?.message).toContain("remove nodes in an earlier step, add fewer, or simulate a representative part of the cluster");
    expect(r.timeline?.map((s) => s.applied)).toEqual([false, true]);
    expect(r.summary.nodes).toBe(1);
    expect(r.summary.podsAllocated).toBe(3);
  });

  test("a timeline whose addNodes steps would make the run know more than MAX_TIMELINE_NODES nodes is refused before any step", () => {
    // Counted from the steps, before any node is made: ten groups of MAX_NODES after one declared node.
    const steps = Array.from({ length: MAX_TIMELINE_NODES / MAX_NODES }, (_, i) => group(`g${i}`, MAX_NODES));
    const r = play(steps);
    const f = r.findings.find((x) => x.code === "TIMELINE_TOO_LONG");
    expect(f).toMatchObject({ severity: "error", path: `timeline[${steps.length - 1}].addNodes` });
    expect(f?.message).toContain(`the run would know ${MAX_TIMELINE_NODES + 1} nodes`);
    expect(f?.message).toContain(`more than the ${MAX_TIMELINE_NODES} the harness plays (MAX_TIMELINE_NODES); none was played. Split the timeline into several runs`);
    expect(r.timeline).toEqual([]);
    expect(r.summary.nodes).toBe(1);
  });
});
