/**
 * The host-local example: a dual-stack cluster whose nodes get their podCIDRs from Kubernetes
 * (kube-controller-manager --allocate-node-cidrs) and Calico's host-local IPAM hands pods addresses
 * from them. The library computes every node's range the way kube-controller-manager hands them out,
 * keeps them in the ledger beside this file, checks them against max pods, and emits the IP pools
 * Calico still needs (NAT and encapsulation of the pod ranges), the CNI ipam section and the
 * kube-controller-manager flags.
 *
 *   cd examples/host-local && CHECKPOINT_DISABLE=1 npx cdktf synth
 *   ls cdktf.out/stacks/host-local/   # cdk.tf.json, calico-ipam.yaml, plan.json, plan.md
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { HostLocalIpam } from "cdktf-calico-ipam";

export class HostLocalStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });

    new HostLocalIpam(this, "ipam", {
      clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"],
      nodeMaskSizeV4: 24,
      nodeMaskSizeV6: 64,
      serviceCidrs: ["10.96.0.0/12", "fd00:10:96::/112"],
      nodeCidrs: ["192.168.20.0/24"],
      natOutgoing: true,
      vxlanMode: "CrossSubnet",
      topology: {
        nodes: [
          { namePattern: "worker-{i:2}", count: 30 },
          { namePattern: "big-{i}", count: 2, maxPods: 250, labels: { size: "big" } },
        ],
        workloads: [
          { name: "web", namespace: "shop", replicas: 1200 },
          { name: "cache", namespace: "shop", replicas: 300, nodeSelector: { size: "big" } },
        ],
      },
    });
  }
}

const app = new App();
new HostLocalStack(app, "host-local");
app.synth();
