import { PlanReportError, buildPlanReport, parsePlanReport, renderJson } from "../../src/report";
import { realistic } from "./fixture";

function reportJson(): Record<string, unknown> {
  const { plan, simulation } = realistic();
  return JSON.parse(renderJson(buildPlanReport(plan, simulation)));
}

function parseError(doc: unknown, file = "base.json"): PlanReportError {
  try {
    parsePlanReport(typeof doc === "string" ? doc : JSON.stringify(doc), file);
  } catch (e) {
    expect(e).toBeInstanceOf(PlanReportError);
    return e as PlanReportError;
  }
  throw new Error("expected parsePlanReport to fail");
}

describe("parsePlanReport", () => {
  test("reads back what buildPlanReport wrote", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation, { accepted: [{ code: "POD_UNSCHEDULABLE", reason: "spot nodes" }] });
    expect(parsePlanReport(renderJson(report), "head.json")).toEqual(report);
  });

  test("a report without a simulation or IPAM configuration is valid", () => {
    const doc = reportJson();
    delete doc.simulation;
    delete doc.ipamConfiguration;
    expect(() => parsePlanReport(JSON.stringify(doc))).not.toThrow();
  });

  test("unknown fields are ignored (schema version 1 may grow)", () => {
    const doc = { ...reportJson(), futureField: { anything: true } };
    expect(parsePlanReport(JSON.stringify(doc)).pools).toHaveLength(4);
  });

  test("not JSON", () => {
    const e = parseError("{ pools: [", "base.json");
    expect(e.message).toMatch(/^base\.json: not valid JSON \(/);
    expect(e.file).toBe("base.json");
  });

  test("not an object", () => {
    expect(parseError([1, 2]).message).toBe("base.json: a plan report is a JSON object, got a list");
  });

  test("wrong schema", () => {
    const e = parseError({ ...reportJson(), schema: "something-else/plan" });
    expect(e.message).toBe('base.json: schema: not a cdktf-calico-ipam plan report: schema must be "cdktf-calico-ipam/plan", got "something-else/plan"');
    expect(e.path).toBe("schema");
  });

  test("a plan diff given where a plan report is expected", () => {
    expect(parseError({ schema: "cdktf-calico-ipam/plan-diff", schemaVersion: 1 }).message).toMatch(/this is a plan diff, not a plan report/);
  });

  test("a newer schema version says to upgrade", () => {
    expect(parseError({ ...reportJson(), schemaVersion: 3 }).message).toBe(
      "base.json: schemaVersion: the report has schema version 3, written by a newer cdktf-calico-ipam; this version reads version 2. Upgrade cdktf-calico-ipam to read it",
    );
  });

  test("a version-1 report (before the timeline) still reads", () => {
    expect(parsePlanReport(JSON.stringify({ ...reportJson(), schemaVersion: 1 })).schemaVersion).toBe(1);
  });

  test("a schema version that is not a whole number of 1 or more", () => {
    expect(parseError({ ...reportJson(), schemaVersion: "1" }).message).toBe('base.json: schemaVersion: must be a whole number of 1 or more, got "1"');
    expect(parseError({ ...reportJson(), schemaVersion: 0 }).message).toMatch(/schemaVersion: must be a whole number of 1 or more, got 0/);
  });

  test("malformed fields are named by their JSON path", () => {
    const missing = reportJson();
    delete (missing.pools as Record<string, unknown>[])[2].name;
    expect(parseError(missing).message).toBe("base.json: pools[2].name: must be a string, got nothing (the field is missing)");

    const number = reportJson();
    (number.pools as Record<string, unknown>[])[1].addressesTotal = 18446744073709551616;
    expect(parseError(number).message).toMatch(/^base\.json: pools\[1\]\.addressesTotal: must be a decimal string of a whole number such as "65536" \(large counts are strings\), got 18446744073709552000$/);

    const severity = reportJson();
    (severity.findings as Record<string, unknown>[])[0].severity = "fatal";
    expect(parseError(severity).message).toBe('base.json: findings[0].severity: must be one of "error", "warning", got "fatal"');

    const usage = reportJson();
    ((usage.simulation as Record<string, unknown>).pools as Record<string, unknown>[])[0].utilization = 1.5;
    expect(parseError(usage).message).toBe("base.json: simulation.pools[0].utilization: must be a number from 0 to 1, got 1.5");

    const namespaces = reportJson();
    namespaces.namespaces = { payments: {} };
    expect(parseError(namespaces).message).toBe("base.json: namespaces: must be a list, got an object");
  });

  test("without a file name, errors say 'plan report'", () => {
    expect(() => parsePlanReport("[]")).toThrow(/^plan report: a plan report is a JSON object, got a list$/);
  });
});
