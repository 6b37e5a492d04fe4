/**
 * The cluster of the CDK Terrain example, written once for both hosts: nothing here imports cdktf or
 * cdktn. `main.ts` runs it on CDK Terrain, `main-cdktf.ts` on CDK for Terraform; the two synthesize
 * the same resources.
 */
import { Construct } from "constructs";
import { CalicoIpam, KubernetesProvider } from "cdktf-calico-ipam";

export function declareCluster(stack: Construct): CalicoIpam {
  // The library's provider: the host's own TerraformProvider (CDK Terrain has no prebuilt kubernetes provider).
  new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });

  const ipam = new CalicoIpam(stack, "ipam", {
    addressSpaces: [{ name: "pods", cidr: "10.48.0.0/14" }],
    serviceCidrs: ["10.96.0.0/12"],
  });
  ipam.addPool("pods", { capacity: { nodes: 20, podsPerNode: 110 }, vxlanMode: "CrossSubnet", natOutgoing: true });
  const builds = ipam.addPool("builds", { prefixLength: 22, assignmentMode: "Manual", natOutgoing: true });
  const infra = ipam.addPool("infra", { prefixLength: 26, assignmentMode: "Manual", nodeSelector: "!all()" });
  // An existing namespace gets Calico's annotation (kubernetes_annotations); a new one is created with it.
  ipam.addNamespace("ci", { pools: [builds] });
  ipam.addNamespace("ci-cache", { labels: { team: "ci" }, pools: [builds], create: true });
  ipam.addWorkload("registry", { namespace: "ci", addresses: [{ pool: infra }] });
  ipam.configure({ strictAffinity: true, maxBlocksPerHost: 4 });
  return ipam;
}
