import "cdktf/lib/testing/adapters/jest";
import { TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, NamespaceBinding } from "../../src";

function setup() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
  return { app, stack, ipam };
}

function synthJson(stack: TerraformStack) {
  return JSON.parse(Testing.synth(stack));
}

describe("namespaces bound by annotation", () => {
  test("an existing namespace gets a kubernetes_annotations that touches only Calico's keys", () => {
    const { stack, ipam } = setup();
    const v4 = ipam.addPool("payments-v4", { cidr: "10.10.0.0/24", assignmentMode: "Manual" });
    const v6 = ipam.addPool("payments-v6", { cidr: "fd00:10::/120", assignmentMode: "Manual" });
    ipam.addNamespace("payments", { pools: [v4, v6] });
    const tf = synthJson(stack);
    expect(Object.values(tf.resource.kubernetes_annotations)).toEqual([
      {
        api_version: "v1",
        kind: "Namespace",
        metadata: { name: "payments" },
        annotations: {
          "cni.projectcalico.org/ipv4pools": '["payments-v4"]',
          "cni.projectcalico.org/ipv6pools": '["payments-v6"]',
        },
      },
    ]);
    expect(tf.output.ipam_ns_payments_ipv4.value).toEqual(["10.10.0.0/24"]);
    expect(tf.output.ipam_ns_payments_ipv6.value).toEqual(["fd00:10::/120"]);
    expect(tf.output.ipam_ns_payments_ipv4.description).toMatch(/exclusive to it/);
  });

  test("forceAnnotations takes over Calico's keys from another field manager", () => {
    const { stack, ipam } = setup();
    const pool = ipam.addPool("p", { cidr: "10.10.0.0/24", assignmentMode: "Manual" });
    ipam.addNamespace("legacy", { pools: [pool], forceAnnotations: true });
    const tf = synthJson(stack);
    expect(Object.values(tf.resource.kubernetes_annotations as Record<string, { force?: boolean }>)[0].force).toBe(true);
  });

  test("a namespace declared here is a kubernetes_namespace_v1 with labels and annotations", () => {
    const { stack, ipam } = setup();
    const pool = ipam.addPool("team-a", { cidr: "10.11.0.0/24", assignmentMode: "Manual" });
    ipam.addNamespace("team-a", { pools: [pool], create: true, labels: { team: "a" } });
    const tf = synthJson(stack);
    expect(Object.values(tf.resource.kubernetes_namespace_v1)).toEqual([
      { metadata: { name: "team-a", labels: { team: "a" }, annotations: { "cni.projectcalico.org/ipv4pools": '["team-a"]' } } },
    ]);
  });

  test("a namespace bound by selector gets no resource, but its firewall ranges", () => {
    const { stack, ipam } = setup();
    ipam.addPool("web", { cidr: "10.12.0.0/24", namespaceSelector: "team == 'web'", allowedUses: ["Workload"] });
    ipam.addPool("web2", { cidr: "10.12.1.0/24", namespaceSelector: "team == 'web'", allowedUses: ["Workload"] });
    ipam.addPool("rest", { cidr: "10.13.0.0/16", namespaceSelector: "team != 'web'", allowedUses: ["Workload"] });
    ipam.addNamespace("web", { labels: { team: "web" } });
    const tf = synthJson(stack);
    expect(tf.resource.kubernetes_annotations).toBeUndefined();
    expect(tf.output.ipam_ns_web_ipv4.value).toEqual(["10.12.0.0/23"]);
  });

  test("an Automatic pool named by a namespace is not exclusive, and the output and a warning say why", () => {
    const { app, stack, ipam } = setup();
    const pool = ipam.addPool("shared", { cidr: "10.14.0.0/24" });
    const ns = ipam.addNamespace("billing", { pools: [pool] });
    const tf = synthJson(stack);
    expect(tf.output.ipam_ns_billing_ipv4.description).toMatch(/NOT exclusive: pool "shared" \(10\.14\.0\.0\/24\) also serves other namespaces/);
    app.synth();
    const warnings = ns.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings.join("\n")).toMatch(/NAMESPACE_POOL_SHARED .*set assignmentMode: Manual on "shared"/);
  });

  test.each([
    ["a disabled pool", { cidr: "10.15.0.0/24", disabled: true }, /NAMESPACE_POOLS_POOL_NOT_ENABLED .*the given pool \(10\.15\.0\.0\/24\) does not exist, or is not enabled/],
    ["a pool for load balancers", { cidr: "10.15.0.0/24", allowedUses: ["LoadBalancer" as const] }, /NAMESPACE_POOLS_/],
  ])("naming %s fails synth with Calico's reason", (_name, props, message) => {
    const { app, ipam } = setup();
    const pool = ipam.addPool("p", props);
    ipam.addPool("other", { cidr: "10.16.0.0/24" });
    ipam.addNamespace("ns", { pools: [pool] });
    expect(() => app.synth()).toThrow(message);
  });

  test("binding a namespace twice is refused at once", () => {
    const { ipam } = setup();
    ipam.addNamespace("a");
    expect(() => new NamespaceBinding(ipam, "again", { name: "a" })).toThrow(/already bound by cluster\/ipam\/Namespace-a/);
  });
});
