import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as cdktf from "cdktf";
import * as cdktn from "cdktn";
import { KubernetesProvider as PrebuiltKubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { Annotations } from "@cdktf/provider-kubernetes/lib/annotations";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { CalicoIpam, KubernetesProvider } from "../../src";
import { hostOf } from "../../src/constructs/host/host";

type Framework = typeof cdktf;
const frameworks: [string, Framework][] = [
  ["CDK for Terraform", cdktf],
  ["CDK Terrain", cdktn as unknown as Framework],
];

/** Declares a small cluster with every kind of resource the library emits. */
function declare(stack: Construct): void {
  new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config", alias: "west" });
  const provider = stack.node.findChild("kubernetes") as unknown as KubernetesProvider;
  const ipam = new CalicoIpam(stack, "ipam", { ledger: false, provider, yamlFileName: false, reports: false });
  const team = ipam.addPool("team", { cidr: "10.20.0.0/24", assignmentMode: "Manual" });
  ipam.addPool("pods", { cidr: "10.21.0.0/16" });
  ipam.addNamespace("existing", { pools: [team], forceAnnotations: true });
  ipam.addNamespace("created", { pools: [team], create: true, labels: { team: "a" } });
  ipam.configure({ strictAffinity: true });
}

/** Synthesizes one stack with an App of the framework (its own synthesizer, validations included). */
interface SynthesizedStack {
  resource: Record<string, Record<string, unknown>>;
  provider: Record<string, unknown>;
  output: Record<string, unknown>;
  terraform: { required_providers: Record<string, unknown> };
}

function synth(framework: Framework): SynthesizedStack {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-host-"));
  const app = new framework.App({ outdir });
  declare(new framework.TerraformStack(app, "cluster"));
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "cluster", "cdk.tf.json"), "utf8"));
}

describe.each(frameworks)("on %s", (_name, framework) => {
  test("the library's resources are the host's own: kubernetes_manifest, kubernetes_annotations, kubernetes_namespace_v1 and the provider", () => {
    const tf = synth(framework);
    expect(tf.provider.kubernetes).toEqual([{ config_path: "~/.kube/config", alias: "west" }]);
    expect(tf.terraform.required_providers.kubernetes).toEqual({ source: "hashicorp/kubernetes", version: "~> 2.38" });
    const manifests = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string }; provider: string }>);
    expect(manifests.map((m) => m.manifest.kind).sort()).toEqual(["IPAMConfiguration", "IPPool", "IPPool"]);
    expect(new Set(manifests.map((m) => m.provider))).toEqual(new Set(["kubernetes.west"]));
    expect(Object.values(tf.resource.kubernetes_annotations)).toEqual([
      expect.objectContaining({ api_version: "v1", kind: "Namespace", metadata: { name: "existing" }, force: true, provider: "kubernetes.west" }),
    ]);
    expect(Object.values(tf.resource.kubernetes_namespace_v1)).toEqual([
      expect.objectContaining({ metadata: { name: "created", labels: { team: "a" }, annotations: { "cni.projectcalico.org/ipv4pools": '["team"]' } } }),
    ]);
  });

  test("a resource's object attribute is a reference other resources can use", () => {
    const app = new framework.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-host-")) });
    const stack = new framework.TerraformStack(app, "cluster");
    new KubernetesProvider(stack, "kubernetes");
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    const pool = ipam.addPool("pods", { cidr: "10.21.0.0/16" });
    new framework.TerraformOutput(stack, "pool_object", { value: pool.resource!.object });
    app.synth();
    const tf = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "cluster", "cdk.tf.json"), "utf8"));
    expect(tf.output.pool_object.value).toMatch(/^\$\{kubernetes_manifest\.ipam_pods_[0-9A-F]+\.object\}$/);
  });
});

test("both hosts write the same resources, providers and outputs for the same constructs", () => {
  const a = synth(cdktf);
  const b = synth(cdktn as unknown as Framework);
  for (const key of ["resource", "provider", "output"] as const) expect(b[key]).toEqual(a[key]);
  expect(b.terraform.required_providers).toEqual(a.terraform.required_providers);
});

test("on CDK for Terraform, KubernetesProvider of @cdktf/provider-kubernetes keeps working unchanged", () => {
  const app = cdktf.Testing.app();
  const stack = new cdktf.TerraformStack(app, "cluster");
  const provider = new PrebuiltKubernetesProvider(stack, "k8s", { configPath: "~/.kube/config", alias: "east" });
  const ipam = new CalicoIpam(stack, "ipam", { ledger: false, provider });
  ipam.addPool("pods", { cidr: "10.21.0.0/16" });
  const tf = JSON.parse(cdktf.Testing.synth(stack, true));
  expect(Object.values(tf.resource.kubernetes_manifest as Record<string, { provider: string }>)[0].provider).toBe("kubernetes.east");
  expect(tf.provider.kubernetes).toEqual([{ config_path: "~/.kube/config", alias: "east" }]);
});

test("KubernetesProvider instances are recognised with instanceof, whichever host made them", () => {
  const tn = new cdktn.TerraformStack(new cdktn.App(), "s");
  const tf = new cdktf.TerraformStack(cdktf.Testing.app(), "s");
  const a = new KubernetesProvider(tn, "k");
  const b = new KubernetesProvider(tf, "k");
  expect(a).toBeInstanceOf(KubernetesProvider);
  expect(a).toBeInstanceOf(cdktn.TerraformProvider);
  expect(b).toBeInstanceOf(cdktf.TerraformProvider);
  expect(new PrebuiltKubernetesProvider(tf, "other", {})).not.toBeInstanceOf(KubernetesProvider);
});

test("a CalicoIpam outside any cdktf or CDK Terrain app says where it must go", () => {
  const root = new Construct(undefined as unknown as Construct, "root");
  expect(() => new CalicoIpam(root, "ipam")).toThrow(/root\/ipam: Calico IPAM constructs must be created in a CDK for Terraform or CDK Terrain app/);
});

describe("the library's kubernetes resources write what @cdktf/provider-kubernetes 12.1.1 writes", () => {
  const configs = {
    manifest: {
      manifest: { apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "p" }, spec: { cidr: "10.0.0.0/24", natOutgoing: true } },
      computedFields: ["metadata.labels"],
      fieldManager: { name: "cdktf-calico-ipam", forceConflicts: true },
      timeouts: { create: "2m" },
    },
    annotations: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" }, annotations: { "cni.projectcalico.org/ipv4pools": '["p"]' }, force: true },
    namespace: { metadata: { name: "ns", labels: { team: "a" }, annotations: { "cni.projectcalico.org/ipv4pools": '["p"]' } } },
    provider: { configPath: "~/.kube/config", configContext: "prod", exec: [{ apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks"] }], alias: "a" },
  };

  function stacks() {
    const app = cdktf.Testing.app();
    const prebuilt = new cdktf.TerraformStack(app, "prebuilt");
    new PrebuiltKubernetesProvider(prebuilt, "k", configs.provider);
    new Manifest(prebuilt, "m", configs.manifest);
    new Annotations(prebuilt, "a", configs.annotations);
    new NamespaceV1(prebuilt, "n", configs.namespace);
    const own = new cdktf.TerraformStack(app, "own");
    const { resources } = hostOf(own);
    new resources.Provider(own, "k", configs.provider);
    new resources.Manifest(own, "m", configs.manifest);
    new resources.Annotations(own, "a", configs.annotations);
    new resources.NamespaceV1(own, "n", configs.namespace);
    return { prebuilt, own };
  }

  test("as JSON (cdk.tf.json): the same resources and provider settings", () => {
    const { prebuilt, own } = stacks();
    const a = JSON.parse(cdktf.Testing.synth(prebuilt));
    const b = JSON.parse(cdktf.Testing.synth(own));
    expect(b.resource).toEqual(a.resource);
    expect(b.provider).toEqual(a.provider);
  });

  test("as HCL (cdk.tf): the same resource blocks", () => {
    const { prebuilt, own } = stacks();
    const blocks = (hcl: string) => hcl.split(/\n(?=resource |provider |terraform )/).filter((b) => b.startsWith("resource ") || b.startsWith("provider "));
    const a = blocks(prebuilt.toHclTerraform().hcl);
    const b = blocks(own.toHclTerraform().hcl);
    expect(a).toHaveLength(4);
    expect(b).toEqual(a);
  });
});
