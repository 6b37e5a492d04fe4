import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { parsePlanReport } from "../../src/report";

const root = path.resolve(__dirname, "..", "..");
const example = path.join(root, "examples", "day2", "day2.yaml");

const run = runCli;

function spec(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-day2-"));
  const file = path.join(dir, "spec.yaml");
  fs.writeFileSync(file, text);
  return file;
}

describe("examples/day2/day2.yaml: a rolling update, a node drain and a pool moved out, step by step", () => {
  test("text report", async () => {
    const r = await run("plan", example);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });

  test("Markdown report", async () => {
    const r = await run("plan", example, "--format", "markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });

  test("JSON report (schema version 2) with the state after every step", async () => {
    const r = await run("plan", example, "--format", "json");
    expect(r.code).toBe(0);
    const report = parsePlanReport(r.stdout);
    expect(report.schemaVersion).toBe(2);
    const steps = report.simulation?.timeline ?? [];
    expect(steps.map((s) => s.action)).toEqual(["rollingRestart", "drainNodes", "disablePool", "rollingRestart", "wait", "uncordonNodes", "deletePool", "scale"]);
    // The drained node keeps its block affine (empty) until the old pool is deleted.
    const drained = (i: number) => steps[i].blocks.filter((b) => b.owner === "node-1");
    expect(drained(1).map((b) => b.inUse)).toEqual([0]);
    // Once old-pods is disabled and the pods restarted, every pod address is in "pods".
    const inOld = (i: number) => steps[i].pools.find((p) => p.name === "old-pods")?.addressesInUse;
    expect(inOld(3)).toBe(0);
    // The garbage collector clears the empty old blocks of nodes that have another block; node-1's last block stays.
    expect(steps[4].blocks.filter((b) => b.pool === "old-pods").map((b) => b.owner)).toEqual(["node-1"]);
    expect(steps[6].blocks.filter((b) => b.pool === "old-pods")).toEqual([]);
    expect(JSON.parse(r.stdout)).toMatchSnapshot();
  });
});

describe("bad timeline steps name the step index and field", () => {
  const base = `pools:\n  - name: p\n    cidr: 10.0.0.0/24\ntopology:\n  nodes: [{ name: a }]\n  workloads: [{ name: web, namespace: default, replicas: 2 }]\n  timeline:\n`;
  test.each([
    ["a scale below zero", "    - scale: { workload: web, replicas: -1 }", /topology\.timeline\[0\]\.scale\.replicas/],
    ["time going backwards", "    - wait: { seconds: -5 }", /topology\.timeline\[0\]\.wait\.seconds.*time only goes forward/],
    ["two actions in one step", "    - { scale: { workload: web, replicas: 1 }, wait: { seconds: 1 } }", /topology\.timeline\[0\].*exactly one action key/],
    ["an unknown action", "    - reboot: [a]", /topology\.timeline\[0\].*exactly one action key/],
    ["a misspelt field", "    - scale: { workload: web, replica: 1 }", /topology\.timeline\[0\]\.scale.*replica/],
  ])("%s: the spec file is refused (exit 2)", async (_name, step, says) => {
    const r = await run("plan", spec(base + step));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(says);
  });

  test.each([
    ["an unknown workload", "    - scale: { workload: api, replicas: 1 }", "timeline[0].scale.workload", /no workload "api".*Declare it under topology\.workloads/],
    ["an unknown node", "    - drainNodes: [b]", "timeline[0].drainNodes[0]", /no node "b" in the cluster/],
    ["a relabel of a node that does not exist", "    - relabelNode: { name: z, labels: { x: y } }", "timeline[0].relabelNode.name", /no node "z"/],
    ["an unknown pool", "    - disablePool: q", "timeline[0].disablePool", /no IP pool "q".*the pools are p/],
    ["a changed cidr", "    - updatePool: { name: p, cidr: 10.1.0.0/24 }", "timeline[0].updatePool.cidr", /cannot change its cidr.*Calico forbids it.*Add a new pool/],
    ["a changed blockSize", "    - updatePool: { name: p, blockSize: 28 }", "timeline[0].updatePool.blockSize", /cannot change its blockSize/],
    ["an invalid new pool", "    - addPool: { name: q, cidr: 10.0.0.1/24 }", "timeline[0].addPool", /not a valid IPPool/],
  ])("%s: an error finding at the step (exit 1), later steps still play", async (_name, step, at, says) => {
    const r = await run("plan", spec(base + step + "\n    - scale: { workload: web, replicas: 3 }"), "--format", "json");
    expect(r.code).toBe(1);
    const report = parsePlanReport(r.stdout);
    const f = report.findings.find((x) => x.code === "TIMELINE_INVALID");
    expect(f?.path).toBe(at);
    expect(f?.message).toMatch(says);
    expect(report.simulation?.timeline?.[0].applied).toBe(false);
    expect(report.simulation?.timeline?.[1].summary.podsAllocated).toBe(3);
  });
});

describe("calico-ipam diff compares the timelines of two plans derived from examples/day2/day2.yaml", () => {
  // The head lowers maxBlocksPerHost to 4, drains four nodes instead of one, waits a minute more before
  // deleting the old pool, and scales to 400 pods: more than 6 nodes × 4 blocks × 16 addresses.
  const source = fs.readFileSync(example, "utf8");
  const edits: Array<[string, string]> = [
    ["- drainNodes: [node-1]", "- drainNodes: [node-1, node-2, node-3, node-4]"],
    ["- uncordonNodes: [node-1]", "- uncordonNodes: [node-1, node-2, node-3, node-4]\n    - wait: { seconds: 60 }"],
    ["- scale: { workload: web, replicas: 80 }", "- scale: { workload: web, replicas: 400 }"],
    ["maxBlocksPerHost: 8", "maxBlocksPerHost: 4"],
  ];
  const headSource = edits.reduce((text, [from, to]) => {
    expect(text).toContain(from);
    return text.replace(from, to);
  }, source);

  async function planJson(text: string, name: string): Promise<string> {
    const dir = path.dirname(spec(text));
    const out = path.join(dir, name);
    const r = await run("plan", path.join(dir, "spec.yaml"), "--out", out);
    expect(r.code).toBeLessThan(2);
    return path.join(out, "plan.json");
  }

  test("per step: what happened, pods without address, pools, and the findings each step brings (text, Markdown, JSON)", async () => {
    const base = await planJson(source, "base");
    const head = await planJson(headSource, "head");

    const json = await run("diff", base, head, "--format", "json");
    // The head's last step leaves pods without an address: an error of the head plan fails the check.
    expect(json.code).toBe(1);
    const diff = JSON.parse(json.stdout);
    expect(diff.schemaVersion).toBe(1);
    expect(diff.timeline.steps).toEqual({ before: 8, after: 9, delta: 1 });
    const changes: Array<{ change: string; action: string; baseIndex: number | null; headIndex: number | null }> = diff.timeline.changes;
    expect(changes.find((c) => c.change === "added")).toMatchObject({ action: "wait", baseIndex: null, headIndex: 6 });
    // The steps after the inserted one are compared with their base pairs, one index later in the head.
    expect(changes.filter((c) => c.baseIndex !== null && c.baseIndex >= 6).map((c) => [c.action, c.baseIndex, c.headIndex])).toEqual([
      ["deletePool", 6, 7],
      ["scale", 7, 8],
    ]);
    const drain = diff.timeline.changes.find((c: { action: string }) => c.action === "drainNodes");
    expect(drain.description.after).toMatch(/^drain node-1, node-2, node-3, node-4 \(\d+ pods evicted\)$/);
    const scale = diff.timeline.changes.find((c: { action: string }) => c.action === "scale");
    expect(scale.podsFailed.before).toBe(0);
    expect(scale.podsFailed.after).toBeGreaterThan(0);
    expect(scale.pools.map((p: { name: string }) => p.name)).toEqual(["pods"]);
    expect(scale.findings.appeared.map((f: { code: string }) => f.code)).toContain("POD_BLOCK_LIMIT");

    const text = await run("diff", base, head, "--format", "text", "--report-only");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("\nTimeline (8 steps -> 9 steps; steps paired by action in order):\n");
    expect(text.stdout).toContain("  + step 7 wait: wait 60 s");
    expect(text.stdout).toMatch(/\n {2}~ step 8 -> 9 scale: scale shop\/web from 60 to 80 -> scale shop\/web from 60 to 400\n {6}time \(s\) 900 -> 960 \(\+60\); without address 0 -> \d+/);
    const md = await run("diff", base, head, "--format", "markdown", "--report-only");
    expect(md.stdout).toContain("### Timeline\n\n8 steps → 9 steps; steps are paired by action in order");
    expect(md.stdout).toMatch(/\| step 8 → 9 \| `scale` \| changed \| scale shop\/web from 60 to 80 → scale shop\/web from 60 to 400 \| 0 → \d+ \(\+\d+\) \|/);
    expect(md.stdout).toMatch(/- step 8 → 9, new: error `POD_BLOCK_LIMIT`/);

    // The base against itself: the timelines are alike.
    const same = await run("diff", base, base, "--format", "json");
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).timeline).toEqual({ steps: { before: 8, after: 8, delta: 0 }, changes: [] });
  });
});
