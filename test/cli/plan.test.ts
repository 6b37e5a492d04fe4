import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { runCli } from "../helpers/cli";
import { diffPlanReports, parsePlanReport, renderDiffHtml, renderPlanHtml, renderPlanSvg } from "../../src/report";

const root = path.resolve(__dirname, "..", "..");
const fixture = (name: string) => path.join(root, "test", "fixtures", name);
const example = path.join(root, "examples", "plan", "cluster.yaml");

const run = runCli;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-plan-"));
}

describe("calico-ipam plan", () => {
  test("the example spec prints the text report and exits 0", async () => {
    const r = await run("plan", example);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Calico IPAM plan \(projectcalico\.org\/v3\): OK, 0 errors, 0 warnings/);
    expect(r.stdout).toMatch(/\| GROUPING \|\s+CIDR\s+\| IPS TOTAL\s+\| IPS IN USE \|\s+IPS FREE\s+\|/);
  });

  test("--format html and svg print the pictures of the same report that --out writes beside plan.json", async () => {
    const out = tmp();
    const html = await run("plan", example, "--format", "html", "--out", out);
    const svg = await run("plan", example, "--format", "svg");
    expect([html.code, svg.code]).toEqual([0, 0]);
    const report = parsePlanReport(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(html.stdout).toBe(renderPlanHtml(report));
    expect(fs.readFileSync(path.join(out, "plan.html"), "utf8")).toBe(html.stdout);
    expect(svg.stdout).toBe(renderPlanSvg(report));
    expect(fs.readFileSync(path.join(out, "plan.svg"), "utf8")).toBe(svg.stdout);
  });

  test("--out writes plan.json and plan.md, and json output is the same report", async () => {
    const out = tmp();
    const r = await run("plan", example, "--format", "json", "--out", out);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).toBe(r.stdout);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schema: "cdktf-calico-ipam/plan", schemaVersion: 2 });
    expect(report.simulation.summary).toMatchObject({ pods: 1500, podsFailed: 0 });
    expect(fs.readFileSync(path.join(out, "plan.md"), "utf8")).toMatch(/^## ✅ Calico IPAM plan/);
  });

  test("the example's committed ledger is current: the plan keeps every recorded range", async () => {
    const ledger = JSON.parse(fs.readFileSync(path.join(root, "examples", "plan", "calico-ipam.lock.json"), "utf8"));
    const report = JSON.parse((await run("plan", example, "--format", "json")).stdout);
    for (const pool of report.pools) expect(ledger.pools[pool.name].cidr).toBe(pool.cidr);
  });

  test("a cluster's Calico YAML with a topology file", async () => {
    const r = await run("plan", "--cluster", fixture("valid.yaml"), "--topology", fixture("cluster-topology.yaml"), "--format", "json");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.pools.map((p: { name: string; cidr: string }) => `${p.name} ${p.cidr}`)).toEqual(["default-ipv4-ippool 10.244.0.0/16", "default-ipv6-ippool fd00:10:244::/56"]);
    expect(report.simulation.summary).toMatchObject({ nodes: 10, pods: 300, podsFailed: 0 });
  });

  test("a plan where pods get no address exits 1 with Calico's message", async () => {
    const dir = tmp();
    const spec = path.join(dir, "small.yaml");
    fs.writeFileSync(
      spec,
      [
        "pools:",
        "  - { name: small, cidr: 10.0.0.0/24 }",
        "ipamConfiguration: { strictAffinity: true }",
        "topology:",
        "  nodes: [{ namePattern: \"n-{i}\", count: 6 }]",
        "  workloads: [{ name: web, namespace: default, replicas: 6 }]",
      ].join("\n"),
    );
    const r = await run("plan", spec);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR POD_/);
  });

  test("a spec file with mistakes exits 2 naming each path", async () => {
    const dir = tmp();
    const spec = path.join(dir, "bad.yaml");
    fs.writeFileSync(spec, "pools:\n  - name: a\n    blockSize: 26.5\n    cidrr: 10.0.0.0/16\ntopology:\n  nodes: [{ count: 3 }]\n");
    const r = await run("plan", spec);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pools\[0\]\.blockSize: .*int/);
    expect(r.stderr).toMatch(/pools\[0\]: Unrecognized key: "cidrr": not a field here/);
  });
});

describe("calico-ipam plan on a host-local spec", () => {
  const hostLocal = path.join(root, "examples", "plan", "host-local.yaml");

  test("the example prints every node's range and the room left, and exits 0", async () => {
    const r = await run("plan", hostLocal, "--format", "json");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.hostLocal.nodes).toHaveLength(10);
    expect(report.hostLocal.nodes[0]).toMatchObject({ name: "worker-01", podCidrs: ["10.244.0.0/24", "fd00:10:244::/64"] });
    expect(report.hostLocal.kubeControllerManagerFlags).toContain("--allocate-node-cidrs=true");
  });

  test("Calico IPAM features in a host-local spec exit 1 with the reason", async () => {
    const dir = tmp();
    const spec = path.join(dir, "hl.yaml");
    fs.writeFileSync(
      spec,
      [
        "hostLocal: { clusterCidrs: [10.244.0.0/16] }",
        "pools: [{ name: rack-a, cidr: 10.250.0.0/24, nodeSelector: 'rack == \"a\"' }]",
        "ipamConfiguration: { strictAffinity: true }",
        "topology: { nodes: [{ name: n1 }] }",
      ].join("\n"),
    );
    const r = await run("plan", spec, "--format", "json");
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).findings.filter((f: { severity: string }) => f.severity === "error").map((f: { code: string }) => f.code);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(codes.every((c: string) => c.startsWith("HOSTLOCAL_"))).toBe(true);
  });
});

describe("calico-ipam diff", () => {
  async function planJson(specText: string): Promise<string> {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "spec.yaml"), specText);
    await run("plan", path.join(dir, "spec.yaml"), "--out", dir);
    return path.join(dir, "plan.json");
  }

  test("no change exits 0", async () => {
    const base = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n");
    const r = await run("diff", base, base, "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: "cdktf-calico-ipam/plan-diff", destructive: false });
  });

  test("a moved CIDR is destructive: exit 1, with the migration to follow", async () => {
    const base = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n");
    const head = await planJson("pools:\n  - { name: a, cidr: 10.1.0.0/16 }\n  - { name: b, cidr: 10.2.0.0/16 }\n");
    const r = await run("diff", base, head);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/10\.0\.0\.0\/16/);
    expect(r.stdout).toMatch(/migrate-pools/);
    expect(r.stdout).toMatch(/`b`/);
  });

  test("--format html: the base and head maps on one page, and the exit code of the diff", async () => {
    const base = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n");
    const head = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n  - { name: b, cidr: 10.2.0.0/16 }\n");
    const r = await run("diff", base, head, "--format", "html");
    expect(r.code).toBe(0);
    const before = parsePlanReport(fs.readFileSync(base, "utf8"));
    const after = parsePlanReport(fs.readFileSync(head, "utf8"));
    expect(r.stdout).toBe(renderDiffHtml(before, after, diffPlanReports(before, after)));
  });

  test("a file that is not a plan exits 2", async () => {
    const r = await run("diff", fixture("valid.yaml"), fixture("valid.yaml"));
    expect(r.code).toBe(2);
  });
});

describe("the installed command", () => {
  test("npx calico-ipam plan examples/plan/cluster.yaml exits 0", () => {
    const r = spawnSync(process.execPath, [path.join(root, "bin", "calico-ipam.js"), "plan", example], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/IP Pool/);
  });
});
