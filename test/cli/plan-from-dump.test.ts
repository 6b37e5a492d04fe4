import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { parsePlanReport } from "../../src/report";

const POOLS = `apiVersion: projectcalico.org/v3
pools:
  - name: main
    cidr: 10.40.0.0/22
    blockSize: 27
ipamConfiguration:
  strictAffinity: true
`;

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-from-dump-"));
}

describe("calico-ipam plan: --export-state writes the end state; harness.initialState starts from a dump", () => {
  const dir = folder();
  const state = path.join(dir, "state");
  fs.writeFileSync(
    path.join(dir, "day1.yaml"),
    `${POOLS}topology:
  nodes: [{ namePattern: "node-{i}", count: 4 }]
  workloads:
    - { name: web, namespace: default, replicas: 30 }
`,
  );
  fs.writeFileSync(
    path.join(dir, "day2.yaml"),
    `${POOLS}harness:
  initialState:
    dumps: [state/ipamblocks.json, state/blockaffinities.json, state/ipamhandles.json, state/nodes.json, state/pods.json]
    takenAt: "2026-01-01T00:00:00Z"
topology:
  nodes: [{ name: node-5 }]
  workloads:
    - { name: web, namespace: default, replicas: 45 }
`,
  );

  test("--export-state writes kubectl List files of Calico's objects, which inspect reads without a finding", async () => {
    const r = await runCli("plan", path.join(dir, "day1.yaml"), "--format", "json", "--export-state", state);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.readdirSync(state).sort()).toEqual(["blockaffinities.json", "ipamblocks.json", "ipamhandles.json", "ippools.json", "nodes.json", "pods.json"]);
    const report = parsePlanReport(r.stdout);
    const inspected = await runCli("inspect", ...fs.readdirSync(state).map((f) => path.join(state, f)), "--format", "json");
    expect(inspected.code).toBe(0);
    const json = JSON.parse(inspected.stdout) as { pools: { name: string; addressesInUse: number }[]; findings: unknown[] };
    expect(json.findings).toEqual([]);
    expect(json.pools.find((p) => p.name === "main")?.addressesInUse).toBe(report.simulation?.pools.find((p) => p.name === "main")?.addressesInUse);
  });

  test("a spec whose harness starts from the dump adds only the missing pods, on the dump's nodes and a new one", async () => {
    const r = await runCli("plan", path.join(dir, "day2.yaml"), "--format", "json");
    expect(r.code).toBe(0);
    const report = parsePlanReport(r.stdout);
    expect(report.simulation?.summary).toMatchObject({ nodes: 5, podsAllocated: 45 });
    expect(report.simulation?.pools.find((p) => p.name === "main")?.addressesInUse).toBe(45);
  });

  test("a dump that does not match the declared pools fails with INITIAL_STATE_INVALID naming the block and the file", async () => {
    const other = path.join(dir, "other.yaml");
    fs.writeFileSync(other, fs.readFileSync(path.join(dir, "day2.yaml"), "utf8").replace("blockSize: 27", "blockSize: 26"));
    const r = await runCli("plan", other, "--format", "text");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INITIAL_STATE_INVALID/);
    expect(r.stdout).toMatch(/ipamblocks\.json items\[\d+\] \(IPAMBlock\/10-40-\d+-\d+-27\): block 10\.40\.\d+\.\d+\/27 is a \/27 block, but pool "main" \(10\.40\.0\.0\/22\) declares blockSize 26/);
  });

  test("a dump file that does not exist is a clear error (exit 2)", async () => {
    const missing = path.join(dir, "missing.yaml");
    fs.writeFileSync(missing, `${POOLS}harness:\n  initialState:\n    dumps: [nowhere.json]\n`);
    const r = await runCli("plan", missing);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nowhere\.json/);
  });

  test("--export-state without a harness run says what is missing", async () => {
    const bare = path.join(dir, "bare.yaml");
    fs.writeFileSync(bare, POOLS);
    const r = await runCli("plan", bare, "--export-state", path.join(dir, "none"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--export-state needs a harness run: declare topology\.nodes or harness\.initialState/);
  });
});
