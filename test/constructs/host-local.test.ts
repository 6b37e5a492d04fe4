import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { HostLocalIpam, HostLocalIpamProps } from "../../src";
import { schemaErrors } from "../helpers/crd";

function tmp() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-hl-"));
}

function setup(props: Partial<HostLocalIpamProps> = {}, ledger: string | false = false) {
  const outdir = tmp();
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new HostLocalIpam(stack, "ipam", {
    clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"],
    serviceCidrs: ["10.96.0.0/12"],
    topology: { nodes: [{ namePattern: "n-{i}", count: 3 }] },
    ledger: ledger === false ? false : { file: ledger },
    ...props,
  });
  return { app, stack, ipam, dir: path.join(outdir, "stacks", "cluster") };
}

describe("HostLocalIpam", () => {
  test("node ranges in order, the CNI ipam section and kube-controller-manager flags as outputs, Calico's pools for NAT and encapsulation", () => {
    const { app, stack, dir } = setup({ natOutgoing: true, vxlanMode: "CrossSubnet" });
    app.synth();
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.output.ipam_node_pod_cidrs.value).toEqual({
      "n-1": ["10.244.0.0/24", "fd00:10:244::/64"],
      "n-2": ["10.244.1.0/24", "fd00:10:244:1::/64"],
      "n-3": ["10.244.2.0/24", "fd00:10:244:2::/64"],
    });
    expect(JSON.parse(tf.output.ipam_cni_ipam.value)).toEqual({ type: "host-local", ranges: [[{ subnet: "usePodCidr" }], [{ subnet: "usePodCidrIPv6" }]] });
    expect(tf.output.ipam_kube_controller_manager_flags.value).toEqual(
      expect.arrayContaining(["--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--node-cidr-mask-size-ipv4=24", "--node-cidr-mask-size-ipv6=64"]),
    );
    const pools = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { spec: { cidr: string; natOutgoing: boolean; vxlanMode: string } } }>).map((r) => r.manifest);
    expect(pools.map((p) => [p.spec.cidr, p.spec.natOutgoing, p.spec.vxlanMode])).toEqual([
      ["10.244.0.0/16", true, "CrossSubnet"],
      ["fd00:10:244::/56", true, "CrossSubnet"],
    ]);
    for (const p of pools) expect(schemaErrors(p as never)).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(["calico-ipam.yaml", "cdk.tf.json", "plan.html", "plan.json", "plan.md", "plan.svg"]);
  });

  test("a node keeps its range across runs, recorded in the ledger, when nodes are added before it", () => {
    const ledger = path.join(tmp(), "calico-ipam.lock.json");
    const first = setup({ topology: { nodes: [{ name: "b" }, { name: "c" }] } }, ledger);
    first.app.synth();
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).nodeCidrs).toEqual({ b: ["10.244.0.0/24", "fd00:10:244::/64"], c: ["10.244.1.0/24", "fd00:10:244:1::/64"] });
    const second = setup({ topology: { nodes: [{ name: "a" }, { name: "b" }, { name: "c" }] } }, ledger);
    second.app.synth();
    const nodes = Object.fromEntries(second.ipam.plan().hostLocal.nodes.map((n) => [n.name, n.podCidrs]));
    expect(nodes.b).toEqual(["10.244.0.0/24", "fd00:10:244::/64"]);
    expect(nodes.c).toEqual(["10.244.1.0/24", "fd00:10:244:1::/64"]);
    expect(nodes.a).toEqual(["10.244.2.0/24", "fd00:10:244:2::/64"]);
  });

  test("in frozen mode a new node fails synth, listing the range it would record", () => {
    const ledger = path.join(tmp(), "calico-ipam.lock.json");
    setup({ topology: { nodes: [{ name: "b" }] } }, ledger).app.synth();
    const bytes = fs.readFileSync(ledger, "utf8");
    const frozen = setup({ topology: { nodes: [{ name: "b" }, { name: "c" }] }, ledger: { file: ledger, frozen: true } }, ledger);
    expect(() => frozen.app.synth()).toThrow(/LEDGER_FROZEN[\s\S]*node "c": added 10\.244\.1\.0\/24, fd00:10:244:1::\/64/);
    expect(fs.readFileSync(ledger, "utf8")).toBe(bytes);
  });

  test("more nodes than the cluster CIDR holds fails with how many fit", () => {
    const { app } = setup({ clusterCidrs: ["10.244.0.0/22"], topology: { nodes: [{ namePattern: "n-{i}", count: 5 }] } });
    expect(() => app.synth()).toThrow(/\[cluster\/ipam\] HOSTLOCAL_\w+ .*4/);
  });

  test("max pods above what a node range holds fails (a /24 gives 253 addresses)", () => {
    const { app } = setup({ clusterCidrs: ["10.244.0.0/16"], topology: { nodes: [{ name: "fat", maxPods: 254 }] } });
    expect(() => app.synth()).toThrow(/253/);
  });

  test.each([
    ["a second pool", (ipam: HostLocalIpam) => ipam.addPool("extra")],
    ["a topology pool", (ipam: HostLocalIpam) => ipam.addPool("rack", { nodeSelector: 'rack == "a"' })],
    ["a namespace pool", (ipam: HostLocalIpam) => ipam.addNamespace("team", { pools: [] })],
    ["a fixed pod address", (ipam: HostLocalIpam) => ipam.addWorkload("dns", { addresses: [] })],
    ["a block size", (ipam: HostLocalIpam) => ipam.addPool("p", { blockSize: 28 })],
    ["an IP reservation", (ipam: HostLocalIpam) => ipam.addReservation("r")],
    ["an IPAM configuration", (ipam: HostLocalIpam) => ipam.configure({ strictAffinity: true })],
  ])("asking for %s fails synth with the reason and the way to Calico IPAM", (_name, ask) => {
    const { app, ipam } = setup();
    ask(ipam);
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[cluster\/ipam\] HOSTLOCAL_\w+/);
    expect(message).toMatch(/host-local/i);
    expect(message).toMatch(/calico-ipam|Calico IPAM/);
  });
});
