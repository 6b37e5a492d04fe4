import "cdktf/lib/testing/adapters/jest";
import { TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam } from "../../src";
import { installationIpPoolsErrors, schemaErrors } from "../helpers/crd";

function setup() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "cluster");
  const provider = new KubernetesProvider(stack, "k8s", {});
  return { app, stack, provider };
}

type Resource = { manifest: { apiVersion: string; kind: string; spec: Record<string, unknown> }; field_manager?: unknown };

describe("pools owned by the Tigera operator", () => {
  test("the pools go into the Installation, applied server-side, and no IPPool is emitted", () => {
    const { stack } = setup();
    const ipam = new CalicoIpam(stack, "ipam", { poolOwner: "operator", ledger: false });
    ipam.addPool("pods-v4", { cidr: "10.244.0.0/16", vxlanMode: "CrossSubnet", natOutgoing: true });
    ipam.addPool("pods-v6", { cidr: "fd00:10:244::/56", disabled: true });
    ipam.configure({ strictAffinity: true });
    const resources = Object.values(JSON.parse(Testing.synth(stack)).resource.kubernetes_manifest as Record<string, Resource>);
    expect(resources.map((r) => r.manifest.kind).sort()).toEqual(["IPAMConfiguration", "Installation"]);
    const installation = resources.find((r) => r.manifest.kind === "Installation")!;
    expect(installation.field_manager).toEqual({ name: "cdktf-calico-ipam" });
    expect(installation.manifest).toEqual({
      apiVersion: "operator.tigera.io/v1",
      kind: "Installation",
      metadata: { name: "default" },
      spec: {
        calicoNetwork: {
          ipPools: [
            expect.objectContaining({ name: "pods-v4", cidr: "10.244.0.0/16", blockSize: 26, encapsulation: "VXLANCrossSubnet", natOutgoing: "Enabled" }),
            expect.objectContaining({ name: "pods-v6", cidr: "fd00:10:244::/56", blockSize: 122, disableNewAllocations: true }),
          ],
        },
      },
    });
    expect(installationIpPoolsErrors((installation.manifest.spec.calicoNetwork as { ipPools: unknown }).ipPools)).toEqual([]);
    const config = resources.find((r) => r.manifest.kind === "IPAMConfiguration")!;
    expect(schemaErrors(config.manifest)).toEqual([]);
  });

  test("what the operator cannot express fails synth on the pool", () => {
    const { app, stack } = setup();
    const ipam = new CalicoIpam(stack, "ipam", { poolOwner: "operator", ledger: false });
    ipam.addPool("team", { cidr: "10.1.0.0/24", namespaceSelector: "team == 'a'", allowedUses: ["Workload"] });
    expect(() => app.synth()).toThrow(/\[cluster\/ipam\/team\] OPERATOR_\w+ at installation\.namespaceSelector/);
  });

  test("more than 25 pools fails", () => {
    const { app, stack } = setup();
    const ipam = new CalicoIpam(stack, "ipam", { poolOwner: "operator", ledger: false });
    for (let i = 0; i < 26; i++) ipam.addPool(`p${i}`, { cidr: `10.${i}.0.0/24` });
    expect(() => app.synth()).toThrow(/25/);
  });

  test("a stack that asks for both owners of one cluster fails", () => {
    const { app, stack } = setup();
    new CalicoIpam(stack, "a", { poolOwner: "operator", ledger: false }).addPool("x", { cidr: "10.1.0.0/24" });
    new CalicoIpam(stack, "b", { ledger: false }).addPool("y", { cidr: "10.2.0.0/24" });
    expect(() => app.synth()).toThrow(/POOL_OWNERS_MIXED.*one owner per pool/);
  });
});
