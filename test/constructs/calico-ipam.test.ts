import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, IpPool, IpamConfiguration } from "../../src";
import { schemaErrors } from "../helpers/crd";

function newStack(app: App = Testing.app()) {
  const stack = new TerraformStack(app, "test");
  new KubernetesProvider(stack, "k8s", {});
  return stack;
}

function manifests(stack: TerraformStack): Record<string, { manifest: Record<string, unknown> }> {
  return JSON.parse(Testing.synth(stack)).resource.kubernetes_manifest;
}

describe("CalicoIpam", () => {
  test("an IPv4 pool is emitted with Calico's defaults written out", () => {
    const stack = newStack();
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    ipam.addPool("pods", { cidr: "10.244.0.0/16", natOutgoing: true });
    expect(Object.values(manifests(stack))[0].manifest).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      metadata: { name: "pods" },
      spec: {
        cidr: "10.244.0.0/16",
        blockSize: 26,
        ipipMode: "Never",
        vxlanMode: "Never",
        natOutgoing: true,
        disabled: false,
        disableBGPExport: false,
        nodeSelector: "all()",
        allowedUses: ["Workload", "Tunnel"],
        assignmentMode: "Automatic",
      },
    });
  });

  test("an IPv6 pool gets /122 blocks and a canonical CIDR", () => {
    const stack = newStack();
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    const pool = new IpPool(ipam, "v6", { name: "pods-v6", cidr: "FD00:0010:0244:0000::/56" });
    const m = Object.values(manifests(stack))[0].manifest as { spec: { cidr: string; blockSize: number } };
    expect(m.spec.cidr).toBe("fd00:10:244::/56");
    expect(m.spec.blockSize).toBe(122);
    expect(pool.cidr).toBe("fd00:10:244::/56");
    expect(pool.poolName).toBe("pods-v6");
  });

  test("the IPAM configuration is the singleton named default", () => {
    const stack = newStack();
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    ipam.configure({ strictAffinity: true, maxBlocksPerHost: 4 });
    expect(Object.values(manifests(stack))[0].manifest).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "IPAMConfiguration",
      metadata: { name: "default" },
      spec: { strictAffinity: true, autoAllocateBlocks: true, maxBlocksPerHost: 4 },
    });
  });

  test("crd.projectcalico.org/v1 emits IPAMConfig and warns that Calico's checks are bypassed", () => {
    const app = Testing.app();
    const stack = newStack(app);
    const ipam = new CalicoIpam(stack, "ipam", { apiVersion: "crd.projectcalico.org/v1", ledger: false });
    ipam.addPool("pods", { cidr: "10.244.0.0/16" });
    ipam.configure();
    const all = Object.values(manifests(stack)).map((r) => r.manifest as { apiVersion: string; kind: string });
    expect(all.map((m) => `${m.apiVersion} ${m.kind}`).sort()).toEqual(["crd.projectcalico.org/v1 IPAMConfig", "crd.projectcalico.org/v1 IPPool"]);
    app.synth();
    const warnings = ipam.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings.join("\n")).toMatch(/CRD_V1_BYPASSES_VALIDATION.*bypasses Calico's own validation, defaulting and pool overlap check/);
  });

  test("a second IPAM configuration is refused at once", () => {
    const ipam = new CalicoIpam(newStack(), "ipam", { ledger: false });
    ipam.configure();
    expect(() => new IpamConfiguration(ipam, "again")).toThrow(/already has an IPAM configuration .*Calico reads a single one, named "default"/);
  });

  test("a pool outside a CalicoIpam is refused with the way out", () => {
    expect(() => new IpPool(newStack(), "pods", { cidr: "10.0.0.0/16" })).toThrow(/must be created inside a CalicoIpam construct, e\.g\. new IpPool\(ipam, "pods"/);
  });

  test("every emitted manifest validates against the CRD schema", () => {
    const stack = newStack();
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    ipam.addPool("a", { cidr: "10.1.0.0/16", ipipMode: "Always", nodeSelector: 'rack == "a"', labels: { team: "net" } });
    ipam.addPool("b", { cidr: "10.2.0.0/16", namespaceSelector: "team == 'pay'", allowedUses: ["Workload"], assignmentMode: "Manual" });
    ipam.addPool("c", { cidr: "fd00::/64", vxlanMode: "CrossSubnet", disableBGPExport: true, annotations: { "example.com/owner": "net" } });
    ipam.configure({ kubeVirtVMAddressPersistence: "Disabled" });
    for (const r of Object.values(manifests(stack))) expect(schemaErrors(r.manifest as never)).toEqual([]);
  });
});

describe("synth fails on a bad plan, listing every problem with its construct path", () => {
  test("several bad pools", () => {
    const app = Testing.app();
    const stack = newStack(app);
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    ipam.addPool("unmasked", { cidr: "10.244.1.5/16" });
    ipam.addPool("ipip-v6", { cidr: "fd00::/64", ipipMode: "Always" });
    ipam.addPool("both", { cidr: "10.10.0.0/16", ipipMode: "Always", vxlanMode: "Always" });
    ipam.addPool("overlap-a", { cidr: "10.20.0.0/16" });
    ipam.addPool("overlap-b", { cidr: "10.20.128.0/17" });
    ipam.addPool("Bad_Name", { cidr: "10.30.0.0/16" });
    ipam.addPool("small", { cidr: "10.40.0.0/28" });
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[test\/ipam\/unmasked\] POOL_CIDR_NOT_MASKED at spec\.cidr: IP pool CIDR is not strictly masked.*did you mean "10\.244\.0\.0\/16"/);
    expect(message).toMatch(/\[test\/ipam\/ipip-v6\] POOL_IPIP_ON_IPV6/);
    expect(message).toMatch(/\[test\/ipam\/both\] POOL_IPIP_AND_VXLAN/);
    expect(message).toMatch(/\[test\/ipam\/overlap-a\] POOL_OVERLAP at spec\.cidr: IPPool\(overlap-a\) CIDR overlaps with IPPool\(overlap-b\) CIDR 10\.20\.128\.0\/17/);
    expect(message).toMatch(/\[test\/ipam\/overlap-b\] POOL_OVERLAP/);
    expect(message).toMatch(/\[test\/ipam\/Bad_Name\] NAME_INVALID/);
    expect(message).toMatch(/\[test\/ipam\/small\] POOL_SMALLER_THAN_BLOCK/);
  });

  test("nothing is written when synth fails", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-"));
    const app = Testing.app({ outdir });
    const stack = newStack(app);
    new CalicoIpam(stack, "ipam", { ledger: false }).addPool("a", { cidr: "nonsense" });
    expect(() => app.synth()).toThrow(/POOL_CIDR_INVALID/);
    expect(fs.existsSync(path.join(outdir, "stacks", "test", "calico-ipam.yaml"))).toBe(false);
  });
});

describe("YAML output", () => {
  test("one multi-document file per stack, in a deterministic order", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-"));
    const app = Testing.app({ outdir });
    const stack = newStack(app);
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    ipam.addPool("zeta", { cidr: "10.2.0.0/16" });
    ipam.addPool("alpha", { cidr: "10.1.0.0/16" });
    ipam.configure({ strictAffinity: true });
    app.synth();
    const yaml = fs.readFileSync(path.join(outdir, "stacks", "test", "calico-ipam.yaml"), "utf8");
    expect(yaml).toMatchSnapshot();
    const kinds = [...yaml.matchAll(/^kind: (\S+)$/gm)].map((m) => m[1]);
    expect(kinds).toEqual(["IPAMConfiguration", "IPPool", "IPPool"]);
    expect(yaml.indexOf("name: alpha")).toBeLessThan(yaml.indexOf("name: zeta"));
    expect(fs.readdirSync(path.join(outdir, "stacks", "test")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("yamlFileName false writes no file", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-"));
    const app = Testing.app({ outdir });
    new CalicoIpam(newStack(app), "ipam", { yamlFileName: false, ledger: false }).addPool("a", { cidr: "10.1.0.0/16" });
    app.synth();
    expect(fs.existsSync(path.join(outdir, "stacks", "test", "calico-ipam.yaml"))).toBe(false);
  });

  test("a yamlFileName with a folder is refused", () => {
    expect(() => new CalicoIpam(newStack(), "ipam", { yamlFileName: "../x.yaml" })).toThrow(/must be a plain file name/);
  });
});

describe("IpReservation", () => {
  test("is emitted as an IPReservation that validates against the CRD", () => {
    const stack = newStack();
    const ipam = new CalicoIpam(stack, "ipam", { ledger: false });
    ipam.addPool("pods", { cidr: "10.244.0.0/16" });
    ipam.addReservation("dns", { reservedCidrs: ["10.244.0.10", "10.244.0.16/28"] });
    const m = Object.values(manifests(stack)).map((r) => r.manifest).find((x) => x.kind === "IPReservation");
    expect(m).toEqual({ apiVersion: "projectcalico.org/v3", kind: "IPReservation", metadata: { name: "dns" }, spec: { reservedCIDRs: ["10.244.0.10/32", "10.244.0.16/28"] } });
    expect(schemaErrors(m as never)).toEqual([]);
  });

  test("a bad reserved range fails synth with the construct path", () => {
    const app = Testing.app();
    const ipam = new CalicoIpam(newStack(app), "ipam", { ledger: false });
    ipam.addPool("pods", { cidr: "10.244.0.0/16" });
    ipam.addReservation("r", { reservedCidrs: ["10.244.0.1/24"] });
    expect(() => app.synth()).toThrow(/\[test\/ipam\/r\] RESERVATION_CIDR_INVALID at spec\.reservedCIDRs\[0\]/);
  });
});
