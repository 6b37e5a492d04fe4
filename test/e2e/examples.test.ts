import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parseAllDocuments } from "yaml";
import { installationIpPoolsErrors, schemaErrors } from "../helpers/crd";
import { Cidr } from "../../src/ip";

const root = path.resolve(__dirname, "..", "..");
const cdktf = path.join(root, "node_modules", ".bin", "cdktf");

/** Runs the real `cdktf synth` (the CLI, as `npm run synth` does) into a fresh folder. */
function synth(env: Record<string, string> = {}, cwd: string = root): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-e2e-"));
  const r = spawnSync(cdktf, ["synth", "--output", out], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", FORCE_COLOR: "0", ...env },
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`cdktf synth failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}

/**
 * Two frozen-ledger synths of an example (the committed ledger must already be current), with the
 * ledger's text from before them, so a test can check the ledger is untouched and the bytes repeat.
 */
function synthFrozenTwice(dir: string): { ledgerFile: string; ledgerBefore: string; first: string; second: string } {
  const ledgerFile = path.join(dir, "calico-ipam.lock.json");
  const ledgerBefore = fs.readFileSync(ledgerFile, "utf8");
  const first = synth({ CALICO_IPAM_LEDGER: "frozen" }, dir);
  const second = synth({ CALICO_IPAM_LEDGER: "frozen" }, dir);
  return { ledgerFile, ledgerBefore, first, second };
}

describe("the basic example, through the real cdktf synth", () => {
  const ledgerFile = path.join(root, "calico-ipam.lock.json");
  let ledgerBefore: string;
  let first: string;
  let second: string;
  beforeAll(() => {
    ledgerBefore = fs.readFileSync(ledgerFile, "utf8");
    first = synth();
    // The committed ledger is current: a frozen synth must pass.
    second = synth({ CALICO_IPAM_LEDGER: "frozen" });
  });

  test("the committed ledger is unchanged by synth and holds every pool", () => {
    expect(fs.readFileSync(ledgerFile, "utf8")).toBe(ledgerBefore);
    expect(Object.keys(JSON.parse(ledgerBefore).pools).sort()).toEqual(["batch-v4", "pods-v4", "pods-v6"]);
  });

  test("carved CIDRs are exported as Terraform outputs", () => {
    const tf = JSON.parse(fs.readFileSync(path.join(first, "stacks", "basic", "cdk.tf.json"), "utf8"));
    const recorded = JSON.parse(ledgerBefore).pools;
    expect(tf.output.ipam_pools.value).toEqual(Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, (v as { cidr: string }).cidr])));
  });

  test("leaves cdk.tf.json and calico-ipam.yaml in the stack folder", () => {
    const stackDir = path.join(first, "stacks", "basic");
    expect(fs.readdirSync(stackDir).sort()).toEqual(expect.arrayContaining(["calico-ipam.yaml", "cdk.tf.json", "plan.json", "plan.md"]));
    const report = JSON.parse(fs.readFileSync(path.join(stackDir, "plan.json"), "utf8"));
    expect(report.summary).toEqual({ errors: 0, warnings: 0, accepted: 0 });
    expect(report.simulation.summary).toMatchObject({ nodes: 40, pods: 1100, podsFailed: 0 });
    expect(fs.readFileSync(path.join(stackDir, "plan.md"), "utf8")).toMatch(/^## ✅ Calico IPAM plan: no errors, no warnings/);
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const kinds = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string } }>).map((r) => r.manifest.kind).sort();
    expect(kinds).toEqual(["IPAMConfiguration", "IPPool", "IPPool", "IPPool"]);
  });

  test("every object in calico-ipam.yaml validates against Calico's CRDs", () => {
    const text = fs.readFileSync(path.join(first, "stacks", "basic", "calico-ipam.yaml"), "utf8");
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs).toHaveLength(4);
    for (const d of docs) expect(schemaErrors(d)).toEqual([]);
  });

  test("two runs give byte-identical output", () => {
    for (const file of ["cdk.tf.json", "calico-ipam.yaml", "plan.json", "plan.md"]) {
      expect(fs.readFileSync(path.join(second, "stacks", "basic", file), "utf8")).toBe(fs.readFileSync(path.join(first, "stacks", "basic", file), "utf8"));
    }
  });
});

describe("the multi-tenant example, through the real cdktf synth", () => {
  const dir = path.join(root, "examples", "multi-tenant");
  let run: ReturnType<typeof synthFrozenTwice>;
  beforeAll(() => {
    run = synthFrozenTwice(dir);
  });

  const stackDir = (out: string) => path.join(out, "stacks", "multi-tenant");

  test("leaves calico-ipam.yaml, the namespace, and the firewall and annotation outputs", () => {
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir(run.first), "cdk.tf.json"), "utf8"));
    const ledger = JSON.parse(run.ledgerBefore);
    expect(Object.values(tf.resource.kubernetes_namespace_v1 as Record<string, { metadata: unknown }>).map((r) => r.metadata)).toEqual([
      { name: "analytics", labels: { team: "analytics" }, annotations: { "cni.projectcalico.org/ipv4pools": '["analytics"]' } },
    ]);
    expect(tf.output.ipam_ns_payments_ipv4).toEqual({ value: [ledger.pools.payments.cidr], description: expect.stringMatching(/exclusive to it/) });
    expect(tf.output.ipam_ns_analytics_ipv4.value).toEqual([ledger.pools.analytics.cidr]);
    expect(tf.output["ipam_wl_kube-system_coredns_annotations"].value).toEqual({
      "cni.projectcalico.org/ipAddrs": JSON.stringify([ledger.addresses["kube-system/coredns/ipv4"].address]),
    });
    const kinds = parseAllDocuments(fs.readFileSync(path.join(stackDir(run.first), "calico-ipam.yaml"), "utf8")).map((d) => d.toJS());
    expect(kinds.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "IPAMConfiguration/default",
      "IPReservation/calico-ipam-fixed-addresses",
      "IPReservation/firewall-vips",
      ...["analytics", "infra", "legacy-apps", "payments", "rack-a", "rack-b", "rack-c", "tunnels"].map((n) => `IPPool/${n}`),
    ]);
    for (const d of kinds) expect(schemaErrors(d)).toEqual([]);
  });

  test("the committed ledger is current and unchanged, and two runs give identical bytes", () => {
    expect(fs.readFileSync(run.ledgerFile, "utf8")).toBe(run.ledgerBefore);
    for (const file of ["cdk.tf.json", "calico-ipam.yaml"]) {
      expect(fs.readFileSync(path.join(stackDir(run.second), file), "utf8")).toBe(fs.readFileSync(path.join(stackDir(run.first), file), "utf8"));
    }
  });
});

describe("the operator example, through the real cdktf synth", () => {
  const dir = path.join(root, "examples", "operator");
  let out: string;
  beforeAll(() => {
    out = synth({ CALICO_IPAM_LEDGER: "frozen" }, dir);
  });

  test("the pools go into the operator's Installation, valid against the operator schema, and no IPPool is emitted", () => {
    const stackDir = path.join(out, "stacks", "operator");
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const manifests = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string; spec: { calicoNetwork?: { ipPools: unknown } } } }>).map((r) => r.manifest);
    expect(manifests.map((m) => m.kind).sort()).toEqual(["IPAMConfiguration", "Installation"]);
    const installation = manifests.find((m) => m.kind === "Installation")!;
    expect(installationIpPoolsErrors(installation.spec.calicoNetwork!.ipPools)).toEqual([]);
    const ledger = JSON.parse(fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8"));
    expect((installation.spec.calicoNetwork!.ipPools as Array<{ name: string; cidr: string }>).map((p) => [p.name, p.cidr])).toEqual(
      Object.entries(ledger.pools).map(([name, e]) => [name, (e as { cidr: string }).cidr]),
    );
    const yaml = parseAllDocuments(fs.readFileSync(path.join(stackDir, "calico-ipam.yaml"), "utf8")).map((d) => d.toJS());
    expect(yaml.map((d) => d.kind)).toEqual(["IPAMConfiguration", "Installation"]);
  });
});

describe("the host-local example, through the real cdktf synth", () => {
  const dir = path.join(root, "examples", "host-local");
  let out: string;
  beforeAll(() => {
    out = synth({ CALICO_IPAM_LEDGER: "frozen" }, dir);
  });

  test("every node keeps its recorded range; the CNI section, the flags and Calico's pools are emitted", () => {
    const stackDir = path.join(out, "stacks", "host-local");
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const ledger = JSON.parse(fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8"));
    expect(tf.output.ipam_node_pod_cidrs.value).toEqual(ledger.nodeCidrs);
    expect(Object.keys(ledger.nodeCidrs)).toHaveLength(32);
    expect(JSON.parse(tf.output.ipam_cni_ipam.value).type).toBe("host-local");
    expect(tf.output.ipam_kube_controller_manager_flags.value).toContain("--allocate-node-cidrs=true");
    const docs = parseAllDocuments(fs.readFileSync(path.join(stackDir, "calico-ipam.yaml"), "utf8")).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.spec.cidr}`)).toEqual(["IPPool/10.244.0.0/16", "IPPool/fd00:10:244::/56"]);
    for (const d of docs) expect(schemaErrors(d)).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(stackDir, "plan.json"), "utf8"));
    expect(report.summary.errors).toBe(0);
    expect(report.hostLocal.nodes).toHaveLength(32);
  });
});

describe("the fleet example, through the real cdktf synth", () => {
  const dir = path.join(root, "examples", "fleet");
  let run: ReturnType<typeof synthFrozenTwice>;
  beforeAll(() => {
    run = synthFrozenTwice(dir);
  });

  const clusters = ["lab-eu", "prod-eu-1", "prod-us-1"];

  test("three clusters, a section each in one fleet ledger, unchanged by synth; two runs give identical bytes", () => {
    expect(fs.readFileSync(run.ledgerFile, "utf8")).toBe(run.ledgerBefore);
    expect(Object.keys(JSON.parse(run.ledgerBefore).clusters)).toEqual(clusters);
    for (const cluster of clusters) {
      for (const file of ["cdk.tf.json", "calico-ipam.yaml", "plan.json"]) {
        expect(fs.readFileSync(path.join(run.second, "stacks", cluster, file), "utf8")).toBe(fs.readFileSync(path.join(run.first, "stacks", cluster, file), "utf8"));
      }
    }
  });

  test("the production clusters never overlap; the isolated lab reuses a production range; every object is valid", () => {
    const ranges: Record<string, Cidr[]> = {};
    for (const cluster of clusters) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(run.first, "stacks", cluster, "calico-ipam.yaml"), "utf8")).map((d) => d.toJS());
      for (const d of docs) expect(schemaErrors(d)).toEqual([]);
      ranges[cluster] = docs.filter((d) => d.kind === "IPPool").map((d) => Cidr.parse(d.spec.cidr));
      expect(ranges[cluster].map((c) => c.family)).toEqual([4, 6]);
    }
    const overlaps = (a: string, b: string) => ranges[a].some((x) => ranges[b].some((y) => x.overlaps(y)));
    expect(overlaps("prod-eu-1", "prod-us-1")).toBe(false);
    expect(overlaps("lab-eu", "prod-eu-1")).toBe(true);
  });

  test("the production clusters draw their Service CIDRs and node network from the plan: unique, recorded, in the stack's output", () => {
    const sections = JSON.parse(run.ledgerBefore).clusters as Record<string, { drawnRanges?: Record<string, { cidr: string }> }>;
    expect(sections["lab-eu"].drawnRanges).toBeUndefined();
    const drawn = ["prod-eu-1", "prod-us-1"].map((c) => Object.values(sections[c].drawnRanges!).map((r) => Cidr.parse(r.cidr)));
    expect(drawn.map((d) => d.length)).toEqual([3, 3]);
    expect(drawn[0].some((x) => drawn[1].some((y) => x.overlaps(y)))).toBe(false);
    for (const cluster of ["prod-eu-1", "prod-us-1"]) {
      const stack = JSON.parse(fs.readFileSync(path.join(run.first, "stacks", cluster, "cdk.tf.json"), "utf8"));
      const r = sections[cluster].drawnRanges!;
      expect(stack.output.ipam_drawn_ranges.value).toEqual({ serviceCidrs: [r["service-ipv4"].cidr, r["service-ipv6"].cidr], nodeCidrs: [r["node-ipv4"].cidr] });
      const report = JSON.parse(fs.readFileSync(path.join(run.first, "stacks", cluster, "plan.json"), "utf8"));
      expect(report.ranges.excluded.filter((e: { kind: string }) => e.kind === "service").map((e: { cidr: string }) => e.cidr)).toEqual([r["service-ipv4"].cidr, r["service-ipv6"].cidr]);
    }
  });

  test("each region's clusters carve inside the region's sub-spaces, recorded in the fleet ledger", () => {
    const subSpaces = JSON.parse(run.ledgerBefore).subSpaces as Record<string, { cidr: string }>;
    expect(Object.keys(subSpaces)).toEqual(["eu-west-v4", "eu-west-v6", "us-east-v4", "us-east-v6"]);
    const region = { "lab-eu": "eu-west", "prod-eu-1": "eu-west", "prod-us-1": "us-east" } as const;
    for (const cluster of clusters) {
      const report = JSON.parse(fs.readFileSync(path.join(run.first, "stacks", cluster, "plan.json"), "utf8"));
      expect(report.fleet.subSpaces.map((s: { name: string }) => s.name)).toEqual(Object.keys(subSpaces));
      for (const pool of report.pools) {
        const sub = Cidr.parse(subSpaces[`${region[cluster as keyof typeof region]}-v${pool.family}`].cidr);
        expect(sub.contains(Cidr.parse(pool.cidr))).toBe(true);
      }
    }
  });
});
