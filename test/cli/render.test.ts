import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { App, TerraformStack } from "cdktf";
import { parseAllDocuments } from "yaml";
import { runCli } from "../helpers/cli";
import { CalicoIpam, KubernetesProvider } from "../../src";
import { schemaErrors } from "../helpers/crd";

const root = path.resolve(__dirname, "..", "..");
const example = path.join(root, "examples", "plan", "cluster.yaml");

const run = runCli;

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-render-"));
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
/** The YAML without its header comment (the only lines that name who generated it). */
const body = (text: string) => text.slice(text.indexOf("\n---\n") + 1);

/** A copy of the example spec with its ledger beside it, so that a render may record into it. */
function exampleCopy(): string {
  const dir = tmp();
  fs.copyFileSync(example, path.join(dir, "cluster.yaml"));
  fs.copyFileSync(path.join(path.dirname(example), "calico-ipam.lock.json"), path.join(dir, "calico-ipam.lock.json"));
  return path.join(dir, "cluster.yaml");
}

describe("calico-ipam render", () => {
  test("prints the example's Calico objects, valid against Calico's CRDs, then the namespace patch", async () => {
    const r = await run("render", example, "--frozen");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const objects = docs(r.stdout);
    const calico = objects.filter((o) => o.apiVersion === "projectcalico.org/v3");
    expect(calico.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["IPAMConfiguration/default", ...["batch", "pods-v6", "rack-a", "rack-b"].map((n) => `IPPool/${n}`)]);
    for (const o of calico) expect(schemaErrors(o)).toEqual([]);
    // The namespace bound by annotation is a patch: its name and Calico's annotation key, nothing else.
    expect(objects.filter((o) => o.kind === "Namespace")).toEqual([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "batch", annotations: { "cni.projectcalico.org/ipv4pools": '["batch"]' } } },
    ]);
    expect(r.stdout).toMatch(/kubectl apply --server-side --field-manager=calico-ipam/);
  });

  test("--out writes calico-ipam.yaml and namespaces.yaml whole, the same bytes as printed", async () => {
    const spec = exampleCopy();
    const out = path.join(tmp(), "manifests");
    const printed = await run("render", spec, "--frozen");
    const written = await run("render", spec, "--frozen", "--out", out);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe("");
    expect(fs.readdirSync(out).sort()).toEqual(["calico-ipam.yaml", "namespaces.yaml"]);
    expect(fs.readFileSync(path.join(out, "calico-ipam.yaml"), "utf8") + fs.readFileSync(path.join(out, "namespaces.yaml"), "utf8")).toBe(printed.stdout);
  });

  test("the objects are those a synth of the same plan writes, and the ledger is recorded as a synth records it", async () => {
    const dir = tmp();
    const ledger = path.join(dir, "calico-ipam.lock.json");
    const synth = (outdir: string) => {
      const app = new App({ outdir: path.join(dir, outdir) });
      const stack = new TerraformStack(app, "cluster");
      new KubernetesProvider(stack, "kubernetes");
      const ipam = new CalicoIpam(stack, "ipam", { addressSpaces: [{ name: "pods", cidr: "10.64.0.0/12" }], serviceCidrs: ["10.96.0.0/12"], ledger: { file: ledger } });
      ipam.addPool("pods", { capacity: { nodes: 30, podsPerNode: 110 }, natOutgoing: true });
      const team = ipam.addPool("team", { prefixLength: 24, assignmentMode: "Manual" });
      const infra = ipam.addPool("infra", { prefixLength: 26, assignmentMode: "Manual", nodeSelector: "!all()" });
      ipam.addPool("legacy", { cidr: "10.79.0.0/20" });
      ipam.addNamespace("team", { pools: [team] });
      ipam.addNamespace("team-new", { pools: [team], create: true, labels: { team: "new" } });
      ipam.addWorkload("dns", { namespace: "kube-system", addresses: [{ pool: infra }] });
      ipam.addReservation("vips", { reservedCidrs: ["10.79.0.0/28"] });
      ipam.configure({ strictAffinity: true });
      app.synth();
      return { ipam, stackDir: path.join(dir, outdir, "stacks", "cluster") };
    };
    synth("first"); // carves and records the ledger
    const { ipam, stackDir } = synth("second"); // keeps what the ledger recorded
    const synthYaml = fs.readFileSync(path.join(stackDir, "calico-ipam.yaml"), "utf8");
    const recorded = fs.readFileSync(ledger, "utf8");

    // The spec the constructs built, as a spec file beside the ledger the synth wrote.
    const specFile = path.join(dir, "spec.json");
    fs.writeFileSync(specFile, JSON.stringify(ipam.spec, null, 2));
    const out = path.join(dir, "rendered");
    const r = await run("render", specFile, "--frozen", "--out", out);
    expect(r.stderr).toMatch(/wrote/);
    expect(r.code).toBe(0);
    expect(body(fs.readFileSync(path.join(out, "calico-ipam.yaml"), "utf8"))).toBe(body(synthYaml));
    expect(fs.readFileSync(ledger, "utf8")).toBe(recorded);

    // The namespaces carry what the synth's kubernetes_annotations and kubernetes_namespace_v1 carry.
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const patch = Object.values(tf.resource.kubernetes_annotations as Record<string, { metadata: { name: string }; annotations: object }>)[0];
    const created = Object.values(tf.resource.kubernetes_namespace_v1 as Record<string, { metadata: object }>)[0];
    expect(docs(fs.readFileSync(path.join(out, "namespaces.yaml"), "utf8"))).toEqual([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: patch.metadata.name, annotations: patch.annotations } },
      { apiVersion: "v1", kind: "Namespace", metadata: created.metadata },
    ]);

    // Without the ledger, a render records the plan in a new one, as the first synth did.
    fs.rmSync(ledger);
    expect((await run("render", specFile, "--out", out)).code).toBe(0);
    expect(fs.readFileSync(ledger, "utf8")).toBe(recorded);
    expect(docs(fs.readFileSync(path.join(out, "calico-ipam.yaml"), "utf8"))).toEqual(docs(synthYaml));
  });

  test("json format gives the objects, the namespaces and the findings", async () => {
    const r = await run("render", example, "--frozen", "--format", "json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.objects).toHaveLength(5);
    expect(json.namespaces).toHaveLength(1);
    expect(json.summary).toEqual({ errors: 0, warnings: 0, accepted: 0 });
  });

  test("- reads the spec from standard input (the ledger is then the working directory's)", () => {
    const cwd = path.dirname(exampleCopy());
    const r = spawnSync(process.execPath, [path.join(root, "bin", "calico-ipam.js"), "render", "-", "--frozen"], { cwd, input: fs.readFileSync(example), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# Calico IPAM objects of standard input, generated by calico-ipam render/);
    const fromFile = spawnSync(process.execPath, [path.join(root, "bin", "calico-ipam.js"), "render", "cluster.yaml", "--frozen"], { cwd, encoding: "utf8" });
    expect(docs(r.stdout)).toEqual(docs(fromFile.stdout));
  });
});
