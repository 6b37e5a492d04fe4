import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetClusterDeclaration, FleetPlan, planFleet, writeFleetLedgers } from "../../src/fleet";
import { buildPlanReport, diffPlanReports, fleetSection, parsePlanReport, renderDiffText, renderPlanMarkdown, renderPlanText, withFleet } from "../../src/report";
import type { PlanReport } from "../../src/report";

const SPACES = [
  { name: "pods-v4", cidr: "10.32.0.0/12" },
  { name: "services-v4", cidr: "10.96.0.0/12" },
];
const SERVICES = { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }] };

function cluster(name: string, drawnRanges?: FleetClusterDeclaration["drawnRanges"], extra: Partial<FleetClusterDeclaration> = {}): FleetClusterDeclaration {
  return { name, spec: { pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }] }, ...(drawnRanges ? { drawnRanges } : {}), ...extra };
}

/** West's report with its fleet section (as the CLI and synth write plan.json), read back from its JSON. */
function westReport(plan: FleetPlan): PlanReport {
  const inputs = plan.clusters.map((c) => ({
    name: c.name,
    report: buildPlanReport(c.plan),
    isolatedFrom: c.isolatedFrom,
    reuses: c.reuses,
    drawnRanges: c.drawnRanges,
    drainingDrawnRanges: c.drainingDrawnRanges,
  }));
  const west = inputs.find((i) => i.name === "west")!;
  return parsePlanReport(JSON.stringify(withFleet(west.report, fleetSection("west", inputs, plan.subSpaces))));
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-draining-report-"));
  file = path.join(dir, "calico-ipam.lock.json");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a drawn range that drains, in the plan report and its diff", () => {
  test("drawn, then draining, then drawn again, then released: each step is told apart from a removal", () => {
    const first = planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file });
    writeFleetLedgers(first);
    const drawn = westReport(first);
    expect(drawn.fleet!.clusters[0].drainingDrawnRanges).toBeUndefined();

    const second = planFleet({ addressSpaces: SPACES, clusters: [cluster("west")] }, { file });
    writeFleetLedgers(second);
    const draining = westReport(second);
    expect(draining.fleet!.clusters[0].drawnRanges).toBeUndefined();
    expect(draining.fleet!.clusters[0].drainingDrawnRanges).toEqual([{ key: "service-ipv4", kind: "service", cidr: "10.96.0.0/16" }]);
    expect(renderPlanText(draining)).toMatch(/\| west +\| Service CIDR service-ipv4, draining \| 10\.96\.0\.0\/16 \| - +\|/);
    expect(renderPlanMarkdown(draining)).toContain("| **`west`** | Service CIDR `service-ipv4`, draining | `10.96.0.0/16` | — |");

    const toDraining = diffPlanReports(drawn, draining);
    expect(toDraining.fleet!.changes).toEqual([{ cluster: "west", name: "service-ipv4", before: "10.96.0.0/16", after: "10.96.0.0/16", kind: "service", status: "draining" }]);
    const note = 'cluster "west": Service CIDR "service-ipv4" drawn from the plan is no longer drawn: draining, 10.96.0.0/16 stays reserved until it is released (calico-ipam ledger release --cluster west service-ipv4)';
    expect(toDraining.notes).toContain(note);
    expect(toDraining.notes.join("\n")).not.toMatch(/removed/);
    expect(renderDiffText(toDraining)).toContain(note);
    // Draining in both: nothing changed.
    expect(diffPlanReports(draining, draining).fleet!.changes).toEqual([]);

    const again = westReport(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    expect(diffPlanReports(draining, again).fleet!.changes).toEqual([{ cluster: "west", name: "service-ipv4", before: "10.96.0.0/16", after: "10.96.0.0/16", kind: "service", status: "reactivated" }]);

    const released = westReport(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", undefined, { ledger: { release: ["service-ipv4"] } })] }, { file }));
    expect(released.fleet!.clusters[0].drainingDrawnRanges).toBeUndefined();
    const toReleased = diffPlanReports(draining, released);
    expect(toReleased.fleet!.changes).toEqual([{ cluster: "west", name: "service-ipv4", before: "10.96.0.0/16", after: null, kind: "service", status: "released" }]);
    expect(toReleased.notes).toContain('cluster "west": Service CIDR "service-ipv4" drawn from the plan released (was 10.96.0.0/16, draining)');
  });

  test("a report written before drainingDrawnRanges existed, against one that has it", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const draining = westReport(planFleet({ addressSpaces: SPACES, clusters: [cluster("west")] }, { file }));
    const { drainingDrawnRanges: _gone, ...olderCluster } = draining.fleet!.clusters[0];
    const older: PlanReport = { ...draining, fleet: { ...draining.fleet!, clusters: [olderCluster] } };
    // Only the newer report knows: it lists the range as draining.
    expect(diffPlanReports(older, draining).fleet!.changes).toEqual([{ cluster: "west", name: "service-ipv4", before: null, after: "10.96.0.0/16", kind: "service", status: "added-draining" }]);
    expect(diffPlanReports(older, draining).notes).toContain('cluster "west": Service CIDR "service-ipv4" drawn from the plan draining at 10.96.0.0/16 (reserved until it is released)');
  });

  test("a report's drainingDrawnRanges must have the documented shape", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const text = JSON.stringify(westReport(planFleet({ addressSpaces: SPACES, clusters: [cluster("west")] }, { file })));
    expect(() => parsePlanReport(text.replace('"kind":"service","cidr":"10.96.0.0/16"}]', '"kind":"pods","cidr":"10.96.0.0/16"}]'), "plan.json")).toThrow(/drainingDrawnRanges\[0\]\.kind/);
  });
});
