/**
 * The basic example: a dual-stack cluster's pools and IPAM configuration, emitted as
 * kubernetes_manifest resources and as calico-ipam.yaml.
 *
 *   npm ci && npm run synth
 *   ls cdktf.out/stacks/basic/    # cdk.tf.json, calico-ipam.yaml
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { CalicoIpam } from "cdktf-calico-ipam";

export class BasicStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });

    const ipam = new CalicoIpam(this, "ipam");
    ipam.addPool("pods-v4", {
      cidr: "10.244.0.0/16",
      blockSize: 26,
      vxlanMode: "CrossSubnet",
      natOutgoing: true,
    });
    ipam.addPool("pods-v6", {
      cidr: "fd00:10:244::/56",
      blockSize: 122,
      vxlanMode: "CrossSubnet",
    });
    ipam.configure({ strictAffinity: false, autoAllocateBlocks: true });
  }
}

const app = new App();
new BasicStack(app, "basic");
app.synth();
