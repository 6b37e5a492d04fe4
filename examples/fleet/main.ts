/**
 * The fleet example: a platform team's own `Cluster` construct (written here, not exported by the
 * library), used for three clusters in two regions, dual-stack, all drawing from one address plan.
 * Each region has a sub-space of its own (a /14 and a /56, carved from the company's ranges like a
 * pool and kept by the ledger), and a region's clusters carve their pools inside it. The production
 * clusters draw their Service CIDRs (dual-stack) and node network from the plan too, instead of
 * declaring them: unique across the fleet, kept by the ledger, and in each stack's output
 * `ipam_drawn_ranges` to configure the cluster with; the lab declares the common 10.96.0.0/16.
 * The two production clusters route to each other (BGP peering with the fabric), so their ranges never
 * overlap; the lab cluster is isolated from everything, so it reuses a production range and the
 * reports say so. One fleet ledger beside this file keeps every cluster's ranges, a section per
 * cluster name.
 *
 *   cd examples/fleet && CHECKPOINT_DISABLE=1 npx cdktf synth
 *   ls cdktf.out/stacks/*             # cdk.tf.json, calico-ipam.yaml, plan.json, plan.md per cluster
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { AddressPlan, CalicoIpam } from "cdktf-calico-ipam";

/** What the platform team asks of a cluster: its stable name, region and size. */
interface ClusterProps {
  /** The stable cluster name: the key of its section in the fleet ledger. */
  readonly name: string;
  /** The region, for the kubeconfig context. */
  readonly region: "eu-west" | "us-east";
  /** How many nodes the cluster grows to. */
  readonly nodes: number;
  /** The fleet's address plan. */
  readonly plan: AddressPlan;
  /** A lab cluster routes to no other cluster, so it may reuse their ranges. */
  readonly isolated?: boolean;
  /** Draw the Service CIDRs and the node network from the plan (unique in the fleet) instead of declaring 10.96.0.0/16. */
  readonly drawRanges?: boolean;
}

/** The platform team's cluster: one stack per cluster, dual-stack pod pools sized for its nodes. */
class Cluster extends TerraformStack {
  public readonly ipam: CalicoIpam;

  constructor(scope: Construct, props: ClusterProps) {
    super(scope, props.name);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config", configContext: `${props.region}-${props.name}` });
    this.ipam = new CalicoIpam(this, "ipam", {
      addressPlan: props.plan,
      clusterName: props.name,
      ...(props.drawRanges
        ? {
            drawnRanges: {
              serviceCidrs: [
                { addressSpace: "services-v4", prefixLength: 16 },
                { addressSpace: "services-v6", prefixLength: 112 },
              ],
              nodeCidrs: [{ addressSpace: "nodes-v4", prefixLength: 20 }],
            },
          }
        : { serviceCidrs: ["10.96.0.0/16"] }),
      subSpaces: [`${props.region}-v4`, `${props.region}-v6`],
      ...(props.isolated ? { isolatedFrom: "all" as const } : {}),
    });
    this.ipam.addPool("pods-v4", { capacity: { nodes: props.nodes, podsPerNode: 110 }, addressSpace: "pods-v4", natOutgoing: true, vxlanMode: "CrossSubnet" });
    this.ipam.addPool("pods-v6", { capacity: { nodes: props.nodes, podsPerNode: 110 }, addressSpace: "pods-v6", ipVersion: 6 });
    this.ipam.configure({ strictAffinity: false });
  }
}

const app = new App();
// The fleet's address plan: the company's pod ranges, a section per cluster in calico-ipam.lock.json.
const plan = new AddressPlan(app, "addresses", {
  addressSpaces: [
    { name: "pods-v4", cidr: "10.32.0.0/12" },
    { name: "pods-v6", cidr: "fd00:10::/48" },
    // Service CIDRs and node networks the clusters draw (kube-apiserver takes at most a /12 or a /108).
    { name: "services-v4", cidr: "10.96.0.0/12" },
    { name: "services-v6", cidr: "fd00:96::/108" },
    { name: "nodes-v4", cidr: "10.0.0.0/16" },
  ],
  reservedRanges: [{ cidr: "10.47.0.0/16", reason: "the fabric's loopbacks and BGP sessions" }],
  // A sub-space per region: room for each region's clusters, in one aggregate route per region.
  subSpaces: [
    { name: "eu-west-v4", addressSpace: "pods-v4", prefixLength: 14 },
    { name: "us-east-v4", addressSpace: "pods-v4", prefixLength: 14 },
    { name: "eu-west-v6", addressSpace: "pods-v6", prefixLength: 56 },
    { name: "us-east-v6", addressSpace: "pods-v6", prefixLength: 56 },
  ],
});
new Cluster(app, { name: "prod-eu-1", region: "eu-west", nodes: 200, plan, drawRanges: true });
new Cluster(app, { name: "prod-us-1", region: "us-east", nodes: 120, plan, drawRanges: true });
new Cluster(app, { name: "lab-eu", region: "eu-west", nodes: 20, plan, isolated: true });
app.synth();
