import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, CalicoIpamProps, checkIpPool, parsePlanReport, renderPlanHtml, renderPlanSvg, simulateAllocation, snapshotObjects, writeStateDump } from "../../src";

function setup(props: Partial<CalicoIpamProps> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-harness-"));
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", { ledger: false, ...props });
  return { app, ipam, dir: path.join(outdir, "stacks", "cluster") };
}

const nodes = [{ namePattern: "node-{i}", count: 4 }];

describe("the harness at synth", () => {
  test("a plan that works writes plan.json, plan.md, plan.html and plan.svg beside the YAML", () => {
    const { app, ipam, dir } = setup({ topology: { nodes, workloads: [{ name: "web", namespace: "default", replicas: 100 }] } });
    ipam.addPool("pods", { cidr: "10.244.0.0/22" });
    app.synth();
    expect(fs.readdirSync(dir).sort()).toEqual(["calico-ipam.yaml", "cdk.tf.json", "plan.html", "plan.json", "plan.md", "plan.svg"]);
    const report = parsePlanReport(fs.readFileSync(path.join(dir, "plan.json"), "utf8"));
    expect(report.simulation?.summary).toMatchObject({ pods: 100, podsAllocated: 100, podsFailed: 0 });
    expect(fs.readFileSync(path.join(dir, "plan.md"), "utf8")).toMatch(/pods/);
    expect(fs.readFileSync(path.join(dir, "plan.html"), "utf8")).toBe(renderPlanHtml(report));
    expect(fs.readFileSync(path.join(dir, "plan.svg"), "utf8")).toBe(renderPlanSvg(report));
  });

  test("pods that cannot get an address fail synth with Calico's message", () => {
    // A /24 with /26 blocks holds 4 blocks; 6 nodes each need one.
    const { app, ipam, dir } = setup({ topology: { nodes: [{ namePattern: "n-{i}", count: 6 }], workloads: [{ name: "web", namespace: "default", replicas: 6 }] } });
    ipam.addPool("small", { cidr: "10.244.0.0/24" });
    ipam.configure({ strictAffinity: true });
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[cluster\/ipam\] POD_/);
    expect(message).toMatch(/Workload\/web/);
    expect(fs.existsSync(path.join(dir, "plan.json"))).toBe(false);
  });

  test("a finding accepted with a reason no longer fails synth, and the report shows the reason", () => {
    const props = {
      topology: { nodes: [{ namePattern: "n-{i}", count: 6 }], workloads: [{ name: "web", namespace: "default", replicas: 6 }] },
    };
    const failing = setup(props);
    failing.ipam.addPool("small", { cidr: "10.244.0.0/24" });
    let codes: string[] = [];
    try {
      failing.app.synth();
    } catch (e) {
      codes = [...(e as Error).message.matchAll(/\] (\w+) at/g)].map((m) => m[1]);
    }
    expect(codes.length).toBeGreaterThan(0);
    const accepted = setup({ ...props, harness: { acceptedFindings: [...new Set(codes)].map((code) => ({ code, reason: "a test cluster; six nodes never run at once" })) } });
    accepted.ipam.addPool("small", { cidr: "10.244.0.0/24" });
    accepted.app.synth();
    const report = accepted.ipam.report();
    expect(report.summary.errors).toBe(0);
    expect(report.findings.filter((f) => f.accepted).map((f) => f.accepted?.reason)).toContain("a test cluster; six nodes never run at once");
  });

  test("an accepted finding without a reason is refused", () => {
    const { app, ipam } = setup({ harness: { acceptedFindings: [{ code: "BORROWED_ADDRESSES", reason: "" }] } });
    ipam.addPool("pods", { cidr: "10.244.0.0/22" });
    expect(() => app.synth()).toThrow(/give the reason the finding is accepted/);
  });

  test("validation findings can be accepted too", () => {
    const { app, ipam } = setup({ harness: { acceptedFindings: [{ code: "POOL_SPECIAL_RANGE", subject: "IPPool/lab", reason: "an isolated lab" }] } });
    ipam.addPool("lab", { cidr: "127.0.0.0/16" });
    app.synth();
    const warnings = ipam.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn"));
    expect(warnings).toEqual([]);
  });

  test("the former spelling harness.acceptFindings still accepts findings, with a deprecation warning", () => {
    const { app, ipam } = setup({ harness: { acceptFindings: [{ code: "POOL_SPECIAL_RANGE", subject: "IPPool/lab", reason: "an isolated lab" }] } });
    ipam.addPool("lab", { cidr: "127.0.0.0/16" });
    app.synth();
    expect(ipam.report().findings.filter((f) => f.accepted).map((f) => f.code)).toEqual(["POOL_SPECIAL_RANGE"]);
    const warnings = ipam.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
    expect(warnings).toEqual([expect.stringMatching(/harness\.acceptFindings is deprecated: rename it to harness\.acceptedFindings/)]);
  });
});

describe("the harness starts from a dump (harness.initialState)", () => {
  /** A dump of a cluster the harness simulated: 3 nodes, 20 pods in a /22 with /26 blocks. */
  function dumpOf(): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-dump-"));
    const r = simulateAllocation({
      pools: [checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "pods" }, spec: { cidr: "10.244.0.0/22" } }).pool!],
      topology: { nodes: [{ namePattern: "node-{i}", count: 3 }], workloads: [{ name: "web", namespace: "default", replicas: 20 }] },
      keepEndState: true,
    });
    return writeStateDump(dir, snapshotObjects(r.endState!));
  }

  test("the dump's blocks, nodes and pods are the starting state; only the missing replicas are added", () => {
    const dumps = dumpOf();
    const { app, ipam, dir } = setup({ harness: { initialState: { dumps } }, topology: { nodes: [{ name: "node-4" }], workloads: [{ name: "web", namespace: "default", replicas: 30 }] } });
    ipam.addPool("pods", { cidr: "10.244.0.0/22" });
    app.synth();
    const report = parsePlanReport(fs.readFileSync(path.join(dir, "plan.json"), "utf8"));
    expect(report.simulation?.summary).toMatchObject({ nodes: 4, pods: 30, podsAllocated: 30 });
    expect(report.simulation?.pools[0]).toMatchObject({ name: "pods", addressesInUse: 30, blocksClaimed: 4 });
  });

  test("a dump outside the declared pools fails synth with INITIAL_STATE_INVALID", () => {
    const dumps = dumpOf();
    const { app, ipam } = setup({ harness: { initialState: { dumps } } });
    ipam.addPool("elsewhere", { cidr: "10.250.0.0/22" });
    expect(() => app.synth()).toThrow(/INITIAL_STATE_INVALID.*lies in no declared IP pool/);
  });
});
