/**
 * The operator example: a cluster installed with the Tigera operator. The pools are declared here and
 * written into the operator's Installation (spec.calicoNetwork.ipPools) instead of as IPPool objects,
 * so the operator stays their one owner.
 *
 *   cd examples/operator && CHECKPOINT_DISABLE=1 npx cdktf synth
 *   ls cdktf.out/stacks/operator/   # cdk.tf.json, calico-ipam.yaml (the Installation patch), plan.json, plan.md
 *
 * The Installation named "default" exists already in an operator install: import it before the first
 * apply (terraform import 'kubernetes_manifest.<id>' "apiVersion=operator.tigera.io/v1,kind=Installation,name=default")
 * or apply calico-ipam.yaml with `kubectl apply --server-side --field-manager=cdktf-calico-ipam`.
 * See docs/operator-adoption.md for pools that exist already.
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { CalicoIpam } from "cdktf-calico-ipam";

export class OperatorStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });

    const ipam = new CalicoIpam(this, "ipam", {
      poolOwner: "operator",
      addressSpaces: [
        { name: "pods-v4", cidr: "10.48.0.0/14" },
        { name: "pods-v6", cidr: "fd00:48::/48" },
      ],
      serviceCidrs: ["10.96.0.0/12"],
      topology: { nodes: [{ namePattern: "node-{i}", count: 12, labels: { "topology.kubernetes.io/zone": "z1" } }] },
    });
    ipam.addPool("default-ipv4-ippool", { capacity: { nodes: 50, podsPerNode: 110 }, vxlanMode: "CrossSubnet", natOutgoing: true });
    ipam.addPool("default-ipv6-ippool", { addressSpace: "pods-v6", prefixLength: 64, vxlanMode: "CrossSubnet" });
    // A pool kept for load balancer addresses (allowedUses LoadBalancer: no encapsulation, nodeSelector all()).
    ipam.addPool("load-balancers", { prefixLength: 26, allowedUses: ["LoadBalancer"] });
    ipam.configure({ strictAffinity: false });
  }
}

const app = new App();
new OperatorStack(app, "operator");
app.synth();
