import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planIpam, writePlanLedger } from "../../src/plan/plan";
import { buildPlanReport, parsePlanReport, renderJson, renderPlanMarkdown, renderPlanText } from "../../src/report";
import { realistic, simulatePlan } from "./fixture";

const ACCEPT_MANUAL_POOL = { code: "POOL_SELECTS_NO_NODE", subject: "IPPool/payments", reason: "manual-only pool, named by the payments namespace" };

describe("buildPlanReport", () => {
  test("lists plan and simulation findings with their subjects, sorted by severity, subject, code, path", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation);
    expect(report.findings.map((f) => [f.severity, f.subject, f.code, f.source])).toEqual([
      ["error", "Workload/batch", "POD_UNSCHEDULABLE", "simulation"],
      ["warning", "IPAMConfiguration/default", "IPAM_CONFIG_MAX_BLOCKS_WITHOUT_STRICT", "plan"],
      ["warning", "IPPool/payments", "POOL_SELECTS_NO_NODE", "simulation"],
      ["warning", "IPPool/rack-a", "POOL_UTILIZATION_HIGH", "simulation"],
    ]);
    expect(report.summary).toEqual({ errors: 1, warnings: 3, accepted: 0 });
  });

  test("an accepted finding keeps its severity and place, carries its reason and counts only as accepted", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation, { accepted: [ACCEPT_MANUAL_POOL] });
    const f = report.findings.find((x) => x.code === "POOL_SELECTS_NO_NODE");
    expect(f).toMatchObject({ severity: "warning", subject: "IPPool/payments", accepted: { reason: "manual-only pool, named by the payments namespace" } });
    expect(report.findings.filter((x) => x.accepted)).toHaveLength(1);
    expect(report.summary).toEqual({ errors: 1, warnings: 2, accepted: 1 });
  });

  test("an accepted error no longer counts as an error", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation, { accepted: [{ code: "POD_UNSCHEDULABLE", reason: "batch runs on spot nodes added at night" }] });
    expect(report.summary).toEqual({ errors: 0, warnings: 3, accepted: 1 });
    expect(renderPlanMarkdown(report)).toMatch(/^## ✅ Calico IPAM plan: no errors, 3 warnings, 1 accepted$/m);
  });

  test("an acceptance with a subject matches only that subject; without one, every finding of the code", () => {
    const { plan, simulation } = realistic();
    const other = buildPlanReport(plan, simulation, { accepted: [{ ...ACCEPT_MANUAL_POOL, subject: "IPPool/rack-a" }] });
    expect(other.summary.accepted).toBe(0);
    const all = buildPlanReport(plan, simulation, { accepted: [{ code: "POOL_SELECTS_NO_NODE", reason: "fine" }] });
    expect(all.summary.accepted).toBe(1);
  });

  test("an acceptance without a reason or a code is refused", () => {
    const { plan, simulation } = realistic();
    expect(() => buildPlanReport(plan, simulation, { accepted: [{ code: "POOL_SELECTS_NO_NODE", reason: " " }] })).toThrow(
      /accepted\[0\] \(POOL_SELECTS_NO_NODE\): give the reason/,
    );
    expect(() => buildPlanReport(plan, simulation, { accepted: [{ code: "", reason: "x" }] })).toThrow(/needs the code/);
  });

  test("simulation paths become subjects; names with dots are read whole", () => {
    const plan = planIpam({ pools: [{ name: "pool.v4", cidr: "10.0.0.0/24", nodeSelector: "rack == 'x'" }] });
    const simulation = simulatePlan(plan, {
      nodes: [{ name: "node-1.example.com" }],
      workloads: [{ name: "web", namespace: "shop", replicas: 1 }],
    });
    const report = buildPlanReport(plan, simulation);
    const subjects = Object.fromEntries(report.findings.map((f) => [f.code, f.subject]));
    expect(subjects).toMatchObject({
      POOL_SELECTS_NO_NODE: "IPPool/pool.v4",
      NODE_NO_POOL: "Node/node-1.example.com",
      POD_NO_MATCHING_POOL: "Workload/web",
      NAMESPACE_UNDECLARED: "Namespace/shop",
    });
  });

  test("without a simulation: no simulation section, usage unknown in every rendering", () => {
    const { plan } = realistic();
    const report = buildPlanReport(plan);
    expect(report.simulation).toBeUndefined();
    expect(report.findings.every((f) => f.source === "plan")).toBe(true);
    const text = renderPlanText(report);
    expect(text).toContain("| IP Pool  | 10.244.0.0/24    |       256 | unknown    | unknown  |");
    expect(text).toContain("IPS IN USE and IPS FREE are unknown: no allocation was simulated");
    expect(text).toContain("Headroom: unknown (no allocation was simulated).");
    expect(renderPlanMarkdown(report)).toContain("allocation not simulated: usage and headroom are unknown");
  });

  test("pools are in name order with exact sizes as decimal strings", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation);
    expect(report.pools.map((p) => [p.name, p.cidr, p.blocksTotal, p.addressesTotal])).toEqual([
      ["payments", "10.250.0.0/24", "16", "256"],
      ["pods-v6", "fd00:10:244::/64", "288230376151711744", "18446744073709551616"],
      ["rack-a", "10.244.0.0/24", "4", "256"],
      ["rack-b", "10.244.4.0/23", "8", "512"],
    ]);
  });

  test("a pool whose CIDR does not parse is reported as written, and left out of the calicoctl table", () => {
    const plan = planIpam({ pools: [{ name: "good", cidr: "10.0.0.0/24" }, { name: "bad", cidr: "10.0.0.300/24" }] });
    const report = buildPlanReport(plan);
    expect(report.pools[0]).toMatchObject({ name: "bad", cidr: "10.0.0.300/24", family: null, addressesTotal: null, blocksTotal: null });
    const text = renderPlanText(report);
    expect(text).toContain('IP pool "bad" is not shown: its CIDR "10.0.0.300/24" does not parse (see the findings).');
    expect(text).not.toContain("10.0.0.300/24 |");
  });

  test("the ranges around the pools are reported for the map: address spaces and excluded ranges; a draining pool is among the pools, disabled", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ranges-"));
    const file = path.join(dir, "calico-ipam.lock.json");
    const spec = {
      addressSpaces: [{ name: "pods", cidr: "10.32.0.0/16" }],
      serviceCidrs: ["10.96.0.0/12"],
      nodeCidrs: ["10.0.0.0/16"],
      reservedRanges: [{ cidr: "10.32.0.0/24", reason: "edge routers" }],
      pools: [
        { name: "a", addressSpace: "pods", prefixLength: 24, blockSize: 26 },
        { name: "old", addressSpace: "pods", prefixLength: 24, blockSize: 26 },
      ],
    };
    writePlanLedger(planIpam(spec, { file }));
    const report = buildPlanReport(planIpam({ ...spec, pools: [spec.pools[0]] }, { file }));
    expect(report.ranges).toEqual({
      addressSpaces: [{ name: "pods", cidr: "10.32.0.0/16" }],
      excluded: [
        { cidr: "10.96.0.0/12", kind: "service", reason: "the cluster's Service CIDR" },
        { cidr: "10.0.0.0/16", kind: "node", reason: "a node network" },
        { cidr: "10.32.0.0/24", kind: "reserved", reason: "edge routers" },
      ],
      retired: [],
    });
    expect(report.pools.find((p) => p.name === "old")).toMatchObject({ cidr: expect.stringMatching(/^10\.32\.\d+\.0\/24$/), blockSize: 26, disabled: true });
    expect(parsePlanReport(renderJson(report)).ranges).toEqual(report.ranges);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a plan with no address space, excluded or retired range has no ranges section", () => {
    expect(buildPlanReport(realistic().plan).ranges).toBeUndefined();
  });

  test("the same input gives byte-identical JSON, text and Markdown", () => {
    const a = realistic();
    const b = realistic();
    const ra = buildPlanReport(a.plan, a.simulation, { accepted: [ACCEPT_MANUAL_POOL], generatedBy: "test" });
    const rb = buildPlanReport(b.plan, b.simulation, { accepted: [ACCEPT_MANUAL_POOL], generatedBy: "test" });
    expect(renderJson(rb)).toBe(renderJson(ra));
    expect(renderPlanText(rb, { showBlocks: true })).toBe(renderPlanText(ra, { showBlocks: true }));
    expect(renderPlanMarkdown(rb)).toBe(renderPlanMarkdown(ra));
    // The report is plain data: it survives a JSON round trip unchanged.
    expect(JSON.parse(renderJson(ra))).toEqual(ra);
  });
});
