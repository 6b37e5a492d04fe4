/**
 * The basic example: a dual-stack cluster whose pool ranges are carved at synth time out of declared
 * address spaces, kept stable by the committed ledger (calico-ipam.lock.json beside cdktf.json), and
 * emitted as kubernetes_manifest resources and as calico-ipam.yaml.
 *
 *   npm ci && npm run synth
 *   ls cdktf.out/stacks/basic/    # cdk.tf.json, calico-ipam.yaml, plan.json, plan.md
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { CalicoIpam } from "cdktf-calico-ipam";

export class BasicStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });

    const ipam = new CalicoIpam(this, "ipam", {
      addressSpaces: [
        { name: "pods-v4", cidr: "10.32.0.0/12" },
        { name: "pods-v6", cidr: "fd00:10:32::/48" },
      ],
      serviceCidrs: ["10.96.0.0/12", "fd00:10:96::/112"],
      nodeCidrs: ["192.168.10.0/24"],
      reservedRanges: [{ cidr: "10.40.0.0/16", reason: "the office VPN routes this range" }],
      // The cluster the harness plays Calico's allocation against at synth: plan.json and plan.md say
      // how full each pool gets and how many more nodes fit.
      topology: {
        nodes: [
          { namePattern: "node-{i:2}", count: 36 },
          { namePattern: "batch-{i}", count: 4, labels: { workload: "batch" } },
        ],
        workloads: [
          { name: "web", namespace: "shop", replicas: 900, ipFamilies: ["IPv4", "IPv6"] },
          { name: "jobs", namespace: "batch", replicas: 200, nodeSelector: { workload: "batch" } },
        ],
      },
      cni: { assignIpv6: true },
    });

    // 40 nodes with up to 110 pods each: 2 blocks of /26 per node, 80 blocks, a /19.
    ipam.addPool("pods-v4", {
      capacity: { nodes: 40, podsPerNode: 110 },
      vxlanMode: "CrossSubnet",
      natOutgoing: true,
    });
    // A pool for batch nodes only, sized by addresses.
    ipam.addPool("batch-v4", {
      addresses: 4000,
      nodeSelector: 'workload == "batch"',
      natOutgoing: true,
    });
    ipam.addPool("pods-v6", {
      addressSpace: "pods-v6",
      prefixLength: 64,
      vxlanMode: "CrossSubnet",
    });
    ipam.addNamespace("shop");
    ipam.addNamespace("batch");
    ipam.configure({ strictAffinity: true, maxBlocksPerHost: 8 });
  }
}

const app = new App();
new BasicStack(app, "basic");
app.synth();
