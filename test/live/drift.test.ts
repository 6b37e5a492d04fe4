import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cidr } from "../../src/ip";
import { driftFromPlan, ipamBlockObject } from "../../src/live";
import type { ReportPool } from "../../src/report";
import { runCli } from "../helpers/cli";
import { emptyLedger } from "../../src/ledger";
import type { Ledger } from "../../src/ledger";
import { podAlloc, pool, read } from "./helpers";

const root = path.resolve(__dirname, "..", "..");
const dumpFiles = [path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")];

const run = runCli;

const planned = (name: string, cidr: string, extra: Partial<ReportPool> = {}): ReportPool => ({
  name,
  cidr,
  family: cidr.includes(":") ? 6 : 4,
  blockSize: 26,
  blocksTotal: null,
  addressesTotal: null,
  ipipMode: "Never",
  vxlanMode: "Never",
  natOutgoing: false,
  disabled: false,
  disableBGPExport: false,
  nodeSelector: "all()",
  namespaceSelector: "",
  allowedUses: ["Workload", "Tunnel"],
  assignmentMode: "Automatic",
  source: null,
  explanation: null,
  ...extra,
});

describe("drift of the example cluster against examples/plan/cluster.yaml", () => {
  let report: { drift: { poolsMissing: string[]; poolsExtra: string[]; poolsChanged: { name: string; fields: { field: string; plan: string; live: string }[] }[]; poolsNotInLedger: string[] | null }; findings: { code: string; subject: string; severity: string }[] };
  beforeAll(async () => {
    const r = await run("inspect", ...dumpFiles, "--plan", path.join(root, "examples/plan/cluster.yaml"), "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    report = JSON.parse(r.stdout);
  });

  test("pools missing, extra and changed", () => {
    expect(report.drift.poolsMissing).toEqual(["batch"]);
    expect(report.drift.poolsExtra).toEqual(["default-ipv4-ippool", "edge", "legacy"]);
    expect(report.drift.poolsChanged).toEqual([
      { name: "pods-v6", fields: [{ field: "vxlanMode", plan: "CrossSubnet", live: "Never" }] },
      { name: "rack-b", fields: [{ field: "blockSize", plan: "26", live: "27" }] },
    ]);
  });

  test("a changed block size is an error (Calico cannot change it in place), other changes are warnings", () => {
    const changed = report.findings.filter((f) => f.code === "DRIFT_POOL_CHANGED").map((f) => [f.subject, f.severity]);
    expect(changed).toEqual([
      ["IPPool/rack-b", "error"],
      ["IPPool/pods-v6", "warning"],
    ]);
  });

  test("the ledger beside the spec does not know the pools the plan does not declare", () => {
    expect(report.drift.poolsNotInLedger).toEqual(["default-ipv4-ippool", "edge", "legacy"]);
  });

  test("the text form shows the drift section", async () => {
    const r = await run("inspect", ...dumpFiles, "--plan", path.join(root, "examples/plan/cluster.yaml"));
    expect(r.stdout).toContain("Drift against the plan");
    expect(r.stdout).toMatch(/~ pool rack-b: blockSize 26 \(plan\) vs 27 \(cluster\)/);
    expect(r.stdout).toMatch(/- pool batch: planned, not in the cluster/);
  });

  test("a plan.json gives the same drift as the spec it was made from", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-drift-"));
    const plan = await run("plan", path.join(root, "examples/plan/cluster.yaml"), "--format", "json");
    fs.writeFileSync(path.join(dir, "plan.json"), plan.stdout);
    const r = await run("inspect", ...dumpFiles, "--plan", path.join(dir, "plan.json"), "--format", "json");
    const viaJson = JSON.parse(r.stdout);
    expect({ ...viaJson.drift, plan: "" }).toEqual({ ...report.drift, plan: "", poolsNotInLedger: null });
  });
});

describe("drift rules", () => {
  test("a selector written differently but equal in canonical form is not drift", () => {
    const dump = read([pool("a", "10.0.0.0/24", { nodeSelector: "rack=='a'" })]);
    const { drift } = driftFromPlan(dump, { planFile: "plan", pools: [planned("a", "10.0.0.0/24", { nodeSelector: 'rack == "a"' })] });
    expect(drift.poolsChanged).toEqual([]);
  });

  test("a fixed address held by a pod of another workload is an error", () => {
    const dump = read([pool("a", "10.0.0.0/24"), ipamBlockObject({ cidr: Cidr.parse("10.0.0.0/26"), host: "n1", allocations: [podAlloc(10, "ns", "intruder-0", "n1"), podAlloc(11, "ns", "db-0", "n1")] })]);
    const workloads = [
      { namespace: "ns", name: "db", podAnnotations: {}, addresses: [{ family: 4 as const, address: "10.0.0.10", pool: "a", source: "ledger" }] },
      { namespace: "ns", name: "db", podAnnotations: {}, addresses: [{ family: 4 as const, address: "10.0.0.11", pool: "a", source: "ledger" }] },
    ];
    const { findings } = driftFromPlan(dump, { planFile: "plan", pools: [planned("a", "10.0.0.0/24")], workloads });
    expect(findings.filter((f) => f.code === "DRIFT_FIXED_ADDRESS_TAKEN")).toEqual([
      expect.objectContaining({ severity: "error", subject: "Workload/ns/db", message: expect.stringMatching(/gives 10\.0\.0\.10 .* allocated it to pod ns\/intruder-0/) }),
    ]);
  });

  test("blocks in use inside a range the ledger retired, and live pools the ledger does not know", () => {
    const ledger: Ledger = { ...emptyLedger(), pools: { old: { family: 4, cidr: "10.9.0.0/24", blockSize: 26, status: "draining" }, a: { family: 4, cidr: "10.0.0.0/24", blockSize: 26, status: "active" } } };
    const dump = read([pool("a", "10.0.0.0/24"), pool("b", "10.1.0.0/24"), ipamBlockObject({ cidr: Cidr.parse("10.9.0.64/26"), host: "n1", allocations: [podAlloc(0, "ns", "x", "n1")] })]);
    const { drift, findings } = driftFromPlan(dump, { planFile: "plan", pools: [planned("a", "10.0.0.0/24"), planned("b", "10.1.0.0/24")], ledger });
    expect(drift.poolsNotInLedger).toEqual(["b"]);
    expect(findings.find((f) => f.code === "DRIFT_BLOCK_IN_RETIRED_RANGE")?.message).toMatch(/pool "old" that the ledger records as draining: pods still use it\. Do not run `calico-ipam ledger release old`/);
  });
});
