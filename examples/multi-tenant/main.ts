/**
 * The multi-tenant example: pools per rack (routes aggregate per top-of-rack switch), a dedicated pool
 * per team — one bound by namespace selector, one by namespace annotation — a fixed address for a DNS
 * workload, and a reservation. Every range is carved at synth and kept by the ledger beside this file.
 *
 *   cd examples/multi-tenant && CHECKPOINT_DISABLE=1 npx cdktf synth
 *   ls cdktf.out/stacks/multi-tenant/   # cdk.tf.json, calico-ipam.yaml
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { CalicoIpam, TopologyPools } from "cdktf-calico-ipam";

export class MultiTenantStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });

    const ipam = new CalicoIpam(this, "ipam", {
      addressSpaces: [{ name: "pods", cidr: "10.64.0.0/12" }],
      serviceCidrs: ["10.96.0.0/12"],
      nodeCidrs: ["192.168.0.0/22"],
    });

    // One pool per rack, sized for the nodes in it. Tunnel addresses come from these pools too.
    new TopologyPools(ipam, "rack", {
      label: "rack",
      nodes: { a: 24, b: 24, c: 16 },
      podsPerNode: 110,
      vxlanMode: "CrossSubnet",
      natOutgoing: true,
      // Team namespaces have pools of their own: keep the rack pools for every other namespace.
      namespaceSelector: "!has(team)",
      allowedUses: ["Workload"],
    });
    // A rack pool with a namespaceSelector cannot hold tunnel addresses: they get a small pool of their own.
    ipam.addPool("tunnels", { prefixLength: 24, allowedUses: ["Tunnel"], vxlanMode: "CrossSubnet" });

    // Team payments: bound by namespace selector (Calico >= 3.31). Selecting the namespace by its name
    // (Kubernetes sets kubernetes.io/metadata.name) makes the range exclusive to it, for firewalls.
    ipam.addPool("payments", {
      prefixLength: 22,
      namespaceSelector: 'kubernetes.io/metadata.name == "payments"',
      allowedUses: ["Workload"],
      natOutgoing: true,
    });
    ipam.addNamespace("payments", { labels: { team: "payments" } });

    // Team analytics: bound by namespace annotation. A Manual pool only serves pods that ask for it.
    const analytics = ipam.addPool("analytics", { addresses: 2000, assignmentMode: "Manual", natOutgoing: true });
    ipam.addNamespace("analytics", { labels: { team: "analytics" }, pools: [analytics], create: true });

    // A fixed address for the cluster DNS workload, picked once from a Manual pool and kept by the ledger.
    const infra = ipam.addPool("infra", { prefixLength: 26, assignmentMode: "Manual", nodeSelector: "!all()" });
    ipam.addWorkload("coredns", { namespace: "kube-system", addresses: [{ pool: infra }] });

    // A pool pinned by hand for legacy applications, whose firewall knows 10.79.0.0/20 already; its
    // first 16 addresses are the firewall's own virtual IPs, so no pod may get them automatically.
    ipam.addPool("legacy-apps", {
      cidr: "10.79.0.0/20",
      namespaceSelector: 'team == "legacy"',
      allowedUses: ["Workload"],
    });
    ipam.addReservation("firewall-vips", { reservedCidrs: ["10.79.0.0/28"] });

    ipam.configure({ strictAffinity: true, maxBlocksPerHost: 4 });
  }
}

const app = new App();
new MultiTenantStack(app, "multi-tenant");
app.synth();
