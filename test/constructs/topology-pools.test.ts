import "cdktf/lib/testing/adapters/jest";
import { TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, TopologyPools } from "../../src";

function setup() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", { addressSpaces: [{ name: "v4", cidr: "10.32.0.0/12" }], ledger: false });
  return { app, ipam };
}

describe("TopologyPools", () => {
  test("one pool per rack, selecting its nodes, sized for them", () => {
    const { app, ipam } = setup();
    const racks = new TopologyPools(ipam, "rack", { label: "rack", nodes: { b: 20, a: 40 }, podsPerNode: 110, vxlanMode: "CrossSubnet" });
    app.synth();
    expect(Object.keys(racks.pools)).toEqual(["a", "b"]);
    const a = racks.pools.a.manifest();
    expect(a.metadata.name).toBe("rack-a");
    expect(a.spec.nodeSelector).toBe('rack == "a"');
    expect(a.spec.vxlanMode).toBe("CrossSubnet");
    expect(a.spec.cidr).toMatch(/\/19$/); // 40 nodes × 2 blocks = 80 blocks → /19
    expect(racks.pools.b.manifest().spec.cidr).toMatch(/\/20$/); // 20 × 2 = 40 blocks → /20
    expect(racks.pools.a.explanation).toMatch(/40 nodes/);
  });

  test("Calico's default pool beside them is reported, with the fix", () => {
    const { app, ipam } = setup();
    new TopologyPools(ipam, "zone", { label: "topology.kubernetes.io/zone", nodes: { "eu-1a": 3, "eu-1b": 3 }, blocksPerNode: 1 });
    ipam.addPool("default-ipv4-ippool", { cidr: "10.50.0.0/16" });
    app.synth();
    const warnings = ipam.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => `[${c.node.path}] ${m.data}`));
    expect(warnings.join("\n")).toMatch(/\[cluster\/ipam\/zone\/eu-1a\] POOL_TOPOLOGY_NOT_EXCLUSIVE .*'!\(topology\.kubernetes\.io\/zone == "eu-1a"\)'/);
  });

  test("a hand-made pool in the same group that overlaps fails synth", () => {
    const { app, ipam } = setup();
    new TopologyPools(ipam, "rack", { label: "rack", nodes: { a: 4 }, blocksPerNode: 1 });
    ipam.addPool("rack-any", { prefixLength: 24, nodeSelector: "has(rack)", exclusiveGroup: "rack" });
    expect(() => app.synth()).toThrow(/\[cluster\/ipam\/rack-any\] POOL_NODE_SELECTORS_OVERLAP/);
  });
});
