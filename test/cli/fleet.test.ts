import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { parsePlanReport } from "../../src/report";

const root = path.resolve(__dirname, "..", "..");
const fleetSpec = path.join(root, "examples", "fleet", "fleet.yaml");
const fleetLedger = path.join(root, "examples", "fleet", "calico-ipam.lock.json");

const run = runCli;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-fleet-cli-"));
}

describe("calico-ipam plan on a fleet spec", () => {
  test("the fleet example plans every cluster from the fleet ledger beside it, which it leaves alone", async () => {
    const before = fs.readFileSync(fleetLedger, "utf8");
    const r = await run("plan", fleetSpec, "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.schema).toBe("cdktf-calico-ipam/fleet-plan");
    const ledger = JSON.parse(before);
    for (const c of out.clusters) {
      const report = parsePlanReport(JSON.stringify(c.report), c.name);
      expect(Object.fromEntries(report.pools.map((p) => [p.name, p.cidr]))).toEqual(
        Object.fromEntries(Object.entries(ledger.clusters[c.name].pools).map(([n, e]) => [n, (e as { cidr: string }).cidr])),
      );
      expect(report.fleet!.cluster).toBe(c.name);
      // A cluster drawing its Service CIDRs from the plan gets the recorded ones, as its own exclusions.
      const drawn = Object.values(ledger.clusters[c.name].drawnRanges ?? {}) as Array<{ cidr: string; kind: string }>;
      expect(report.ranges!.excluded.filter((e) => e.kind === "service").map((e) => e.cidr)).toEqual(
        drawn.length > 0 ? drawn.filter((r) => r.kind === "service").map((r) => r.cidr) : ["10.96.0.0/16"],
      );
    }
    expect(out.clusters.map((c: { name: string }) => c.name)).toEqual(["lab-eu", "prod-eu-1", "prod-us-1"]);
    expect(fs.readFileSync(fleetLedger, "utf8")).toBe(before);
  });

  test("--out writes each cluster's reports into a folder of its own; --write-ledger writes the fleet ledger", async () => {
    const dir = tmp();
    const spec = path.join(dir, "fleet.yaml");
    fs.writeFileSync(spec, "fleet:\n  addressSpaces: [{ name: pods, cidr: 10.32.0.0/12 }]\n  clusters:\n    - { name: east, pools: [{ name: pods, prefixLength: 16 }] }\n    - { name: west, pools: [{ name: pods, prefixLength: 16 }] }\n");
    const r = await run("plan", spec, "--out", path.join(dir, "out"), "--write-ledger");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster east\n/);
    expect(fs.readdirSync(path.join(dir, "out")).sort()).toEqual(["east", "west"]);
    expect(fs.existsSync(path.join(dir, "out", "west", "plan.json"))).toBe(true);
    const ledger = JSON.parse(fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8"));
    expect([ledger.clusters.east.pools.pods.cidr, ledger.clusters.west.pools.pods.cidr]).toEqual(["10.32.0.0/16", "10.33.0.0/16"]);
  });

  test("publishedPlans: another team's published fleet plan, named relative to the spec file, is kept clear", async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, "team-a"));
    fs.writeFileSync(path.join(dir, "team-a", "fleet.yaml"), "fleet:\n  addressSpaces: [{ name: pods, cidr: 10.32.0.0/12 }]\n  clusters:\n    - { name: a-prod, pools: [{ name: pods, prefixLength: 16 }] }\n");
    const a = await run("plan", path.join(dir, "team-a", "fleet.yaml"), "--format", "json");
    expect(a.code).toBe(0);
    fs.writeFileSync(path.join(dir, "team-a", "fleet-plan.json"), a.stdout);
    const spec = path.join(dir, "fleet.yaml");
    const write = (pool: string) =>
      fs.writeFileSync(spec, `fleet:\n  addressSpaces: [{ name: pods, cidr: 10.32.0.0/12 }]\n  publishedPlans: [team-a/fleet-plan.json]\n  clusters:\n    - { name: b-prod, pools: [${pool}] }\n`);
    write("{ name: pods, prefixLength: 16 }");
    const b = await run("plan", spec, "--format", "json");
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).clusters[0].report.pools[0].cidr).toBe("10.33.0.0/16");
    write("{ name: pods, cidr: 10.32.0.0/24 }");
    const clash = await run("plan", spec);
    expect(clash.code).toBe(1);
    expect(clash.stdout).toMatch(/^ERROR FLEET_RANGE_CONFLICT at fleet clusters\.b-prod\.pools\.pods: cluster "b-prod" pool "pods" \(10\.32\.0\.0\/24, pinned\) overlaps cluster "a-prod" pool "pods" \(10\.32\.0\.0\/16, published in .*team-a\/fleet-plan\.json\)/);
  });

  test("two clusters with the same name: exit 1, the fleet's finding first", async () => {
    const dir = tmp();
    const spec = path.join(dir, "fleet.yaml");
    fs.writeFileSync(spec, "fleet:\n  clusters:\n    - { name: prod, pools: [{ name: a, cidr: 10.1.0.0/16 }] }\n    - { name: prod, pools: [{ name: b, cidr: 10.2.0.0/16 }] }\n");
    const r = await run("plan", spec);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ERROR FLEET_CLUSTER_DUPLICATE at fleet clusters\.prod: two clusters are named "prod"/);
  });

  test("a misspelt key: exit 2 with its path", async () => {
    const dir = tmp();
    const spec = path.join(dir, "fleet.yaml");
    fs.writeFileSync(spec, "fleet:\n  clusters:\n    - { name: prod, isolated: true, pools: [] }\n");
    const r = await run("plan", spec);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a valid fleet spec file:\n {2}fleet\.clusters\[0\]: Unrecognized key: "isolated"/);
  });
});
