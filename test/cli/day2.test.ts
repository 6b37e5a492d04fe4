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
