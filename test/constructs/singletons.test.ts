import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as cdktf from "cdktf";
import * as cdktn from "cdktn";
import { CalicoIpam, CalicoIpamProps, IpamConfigurationProps, KubernetesProvider, manifestImportId, SingletonProps } from "../../src";

type Framework = typeof cdktf;
const frameworks: [string, Framework][] = [
  ["CDK for Terraform", cdktf],
  ["CDK Terrain", cdktn as unknown as Framework],
];

interface Manifest {
  manifest: { apiVersion: string; kind: string; metadata: { name: string } };
  lifecycle?: { prevent_destroy?: boolean };
  provider?: string;
}
interface Synthesized {
  resource: { kubernetes_manifest: Record<string, Manifest> };
  import?: { to: string; id: string; provider?: string }[];
}

/** Synthesizes one cluster with the framework's own App and reads its cdk.tf.json. */
function synth(framework: Framework, ipamProps: CalicoIpamProps, configuration: IpamConfigurationProps = {}, alias?: string): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-singleton-"));
  const app = new framework.App({ outdir });
  const stack = new framework.TerraformStack(app, "cluster");
  const provider = new KubernetesProvider(stack, "kubernetes", alias ? { alias } : {});
  const ipam = new CalicoIpam(stack, "ipam", { ledger: false, yamlFileName: false, reports: false, provider, ...ipamProps });
  ipam.addPool("pods", { cidr: "10.244.0.0/16" });
  ipam.configure(configuration);
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "cluster", "cdk.tf.json"), "utf8"));
}

function resourceOf(tf: Synthesized, kind: string): [string, Manifest] {
  const found = Object.entries(tf.resource.kubernetes_manifest).filter(([, r]) => r.manifest.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

describe.each(frameworks)("on %s", (_name, framework) => {
  test("IPAMConfiguration and the operator's Installation are protected from terraform destroy by default; IP pools are not", () => {
    const tf = synth(framework, { poolOwner: "operator" });
    expect(resourceOf(tf, "IPAMConfiguration")[1].lifecycle).toEqual({ prevent_destroy: true });
    expect(resourceOf(tf, "Installation")[1].lifecycle).toEqual({ prevent_destroy: true });
    expect(tf.import).toBeUndefined();
    const pools = synth(framework, {});
    expect(resourceOf(pools, "IPPool")[1].lifecycle).toBeUndefined();
  });

  test("protect: false writes no lifecycle", () => {
    const tf = synth(framework, { poolOwner: "operator", installation: { protect: false } }, { protect: false });
    expect(resourceOf(tf, "IPAMConfiguration")[1].lifecycle).toBeUndefined();
    expect(resourceOf(tf, "Installation")[1].lifecycle).toBeUndefined();
  });

  test.each([
    ["projectcalico.org/v3", "apiVersion=projectcalico.org/v3,kind=IPAMConfiguration,name=default"],
    ["crd.projectcalico.org/v1", "apiVersion=crd.projectcalico.org/v1,kind=IPAMConfig,name=default"],
  ] as const)("adopt: true imports the existing IPAM configuration of %s with the kubernetes_manifest import ID", (apiVersion, id) => {
    const tf = synth(framework, { apiVersion }, { adopt: true });
    const [logicalId, resource] = resourceOf(tf, apiVersion === "projectcalico.org/v3" ? "IPAMConfiguration" : "IPAMConfig");
    expect(tf.import).toEqual([{ to: `kubernetes_manifest.${logicalId}`, id, provider: "kubernetes" }]);
    expect(resource.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("installation.adopt imports the operator's Installation by its name, through the cluster's provider", () => {
    const tf = synth(framework, { poolOwner: "operator", installationName: "calico", installation: { adopt: true } }, {}, "west");
    const [logicalId, resource] = resourceOf(tf, "Installation");
    expect(resource.manifest.metadata.name).toBe("calico");
    expect(tf.import).toEqual([{ to: `kubernetes_manifest.${logicalId}`, id: "apiVersion=operator.tigera.io/v1,kind=Installation,name=calico", provider: "kubernetes.west" }]);
  });
});

test("both hosts write the same lifecycle and import blocks", () => {
  const props: CalicoIpamProps = { poolOwner: "operator", installation: { adopt: true } };
  const a = synth(cdktf, props, { adopt: true });
  const b = synth(cdktn as unknown as Framework, props, { adopt: true });
  expect(b.resource).toEqual(a.resource);
  expect(b.import).toEqual(a.import);
  expect(a.import!.map((i) => i.id).sort()).toEqual([
    "apiVersion=operator.tigera.io/v1,kind=Installation,name=default",
    "apiVersion=projectcalico.org/v3,kind=IPAMConfiguration,name=default",
  ]);
});

test("manifestImportId writes the provider's cluster-scoped ID", () => {
  expect(manifestImportId("operator.tigera.io/v1", "Installation", "default")).toBe("apiVersion=operator.tigera.io/v1,kind=Installation,name=default");
});

test.each([
  ["protect", "no"],
  ["adopt", 1],
])("a %s that is not a boolean names the construct and the value", (key, value) => {
  const app = cdktf.Testing.app();
  const stack = new cdktf.TerraformStack(app, "cluster");
  const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
  expect(() => ipam.configure({ [key]: value } as IpamConfigurationProps)).toThrow(
    new RegExp(`cluster/ipam/Configuration: ${key} must be true or false, got ${JSON.stringify(value)}`),
  );
  expect(() => new CalicoIpam(stack, "op", { ledger: false, poolOwner: "operator", installation: { [key]: value } as SingletonProps })).toThrow(
    new RegExp(`cluster/op/Installation: ${key} must be true or false`),
  );
});
