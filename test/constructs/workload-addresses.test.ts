import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam } from "../../src";
import { schemaErrors } from "../helpers/crd";

function setup(ledgerFile: string | false = false) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-wl-"));
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", { addressSpaces: [{ name: "v4", cidr: "10.64.0.0/12" }], ledger: ledgerFile === false ? false : { file: ledgerFile } });
  return { app, stack, ipam, outdir };
}

describe("WorkloadAddresses", () => {
  test("a fixed address picked from a pool: the pod annotation, an output, and a reservation that keeps it free", () => {
    const { app, stack, ipam } = setup();
    const infra = ipam.addPool("infra", { cidr: "10.80.0.0/26", assignmentMode: "Manual", nodeSelector: "!all()" });
    const dns = ipam.addWorkload("coredns", { namespace: "kube-system", addresses: [{ pool: infra }, { address: "fd00::10" }] });
    ipam.addPool("v6", { cidr: "fd00::/112" });
    app.synth();
    expect(dns.addresses).toEqual(["10.80.0.0", "fd00::10"]);
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.output["ipam_wl_kube-system_coredns_annotations"].value).toEqual({ "cni.projectcalico.org/ipAddrs": '["10.80.0.0","fd00::10"]' });
    const reservation = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string; metadata: { name: string } } }>)
      .map((r) => r.manifest)
      .find((m) => m.kind === "IPReservation");
    expect(reservation).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "IPReservation",
      metadata: { name: "calico-ipam-fixed-addresses" },
      spec: { reservedCIDRs: ["10.80.0.0/32", "fd00::10/128"] },
    });
    expect(schemaErrors(reservation as never)).toEqual([]);
  });

  test("podAnnotations resolve at synth inside other resources' props", () => {
    const { stack, ipam } = setup();
    const w = ipam.addWorkload("dns", { namespace: "kube-system", addresses: [{ address: "10.80.0.53" }] });
    // Declared after the workload: the annotation is resolved late, at synth.
    ipam.addPool("infra", { cidr: "10.80.0.0/26" });
    new TerraformOutput(stack, "deployment-annotations", { value: w.podAnnotations });
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.output["deployment-annotations"].value).toEqual({ "cni.projectcalico.org/ipAddrs": '["10.80.0.53"]' });
  });

  test("podAnnotations spread into a pod template's annotations beside others, and resolve at synth", () => {
    const { stack, ipam } = setup();
    const infra = ipam.addPool("infra", { cidr: "10.80.0.0/26", assignmentMode: "Manual", nodeSelector: "!all()" });
    const dns = ipam.addWorkload("dns", { namespace: "kube-system", addresses: [{ pool: infra }] });
    const v4 = ipam.addPool("batch-v4", { cidr: "10.81.0.0/24", assignmentMode: "Manual" });
    const v6 = ipam.addPool("batch-v6", { cidr: "fd00:81::/120", assignmentMode: "Manual" });
    const batch = ipam.addWorkload("jobs", { namespace: "batch", pools: [v4, v6] });
    expect(Object.keys(dns.podAnnotations)).toEqual(["cni.projectcalico.org/ipAddrs"]);
    expect(Object.keys(batch.podAnnotations)).toEqual(["cni.projectcalico.org/ipv4pools", "cni.projectcalico.org/ipv6pools"]);
    new TerraformOutput(stack, "dns-template", { value: { "app.kubernetes.io/name": "coredns", ...dns.podAnnotations } });
    new TerraformOutput(stack, "batch-template", { value: { team: "batch", ...batch.podAnnotations } });
    const tf = JSON.parse(Testing.synth(stack, true));
    expect(tf.output["dns-template"].value).toEqual({ "app.kubernetes.io/name": "coredns", "cni.projectcalico.org/ipAddrs": '["10.80.0.0"]' });
    expect(tf.output["batch-template"].value).toEqual({
      team: "batch",
      "cni.projectcalico.org/ipv4pools": '["batch-v4"]',
      "cni.projectcalico.org/ipv6pools": '["batch-v6"]',
    });
  });

  test("a picked address is recorded in the ledger and kept when other workloads come first", () => {
    const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-wl-")), "calico-ipam.lock.json");
    const first = setup(ledger);
    const infra = first.ipam.addPool("infra", { prefixLength: 26, assignmentMode: "Manual" });
    const dns = first.ipam.addWorkload("coredns", { namespace: "kube-system", addresses: [{ pool: infra }] });
    first.app.synth();
    const picked = dns.addresses[0];
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).addresses).toEqual({ "kube-system/coredns/ipv4": { address: picked, pool: "infra" } });

    const second = setup(ledger);
    const infra2 = second.ipam.addPool("infra", { prefixLength: 26, assignmentMode: "Manual" });
    const before = second.ipam.addWorkload("aaa", { namespace: "kube-system", addresses: [{ pool: infra2 }] });
    const dns2 = second.ipam.addWorkload("coredns", { namespace: "kube-system", addresses: [{ pool: infra2 }] });
    second.app.synth();
    expect(dns2.addresses).toEqual([picked]);
    expect(before.addresses[0]).not.toBe(picked);
  });

  test("an address given twice fails synth on the second workload with its construct path", () => {
    const { app, ipam } = setup();
    ipam.addPool("pods", { cidr: "10.80.0.0/24" });
    ipam.addWorkload("a", { namespace: "ns", addresses: [{ address: "10.80.0.5" }] });
    ipam.addWorkload("b", { namespace: "ns", addresses: [{ address: "10.80.0.5" }] });
    expect(() => app.synth()).toThrow(/\[cluster\/ipam\/Workload-ns-b\] FIXED_ADDRESS_TAKEN at addresses\[0\]\.address: 10\.80\.0\.5 is already the fixed address of ns\/a/);
  });

  test("pod-level pools give the ipv4pools annotation", () => {
    const { stack, ipam } = setup();
    const pool = ipam.addPool("special", { cidr: "10.81.0.0/24", assignmentMode: "Manual" });
    ipam.addWorkload("batch", { namespace: "jobs", pools: [pool] });
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.output.ipam_wl_jobs_batch_annotations.value).toEqual({ "cni.projectcalico.org/ipv4pools": '["special"]' });
  });
});
