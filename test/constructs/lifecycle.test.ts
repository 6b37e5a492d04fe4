import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, CalicoIpamProps, IpPoolProps } from "../../src";
import { schemaErrors } from "../helpers/crd";

interface Run {
  readonly app: App;
  readonly ipam: CalicoIpam;
  readonly outdir: string;
}

function run(ledgerFile: string, pools: Record<string, IpPoolProps>, props: Partial<CalicoIpamProps> = {}): Run {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-lifecycle-"));
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", { addressSpaces: [{ name: "v4", cidr: "10.32.0.0/16" }], ...props, ledger: { file: ledgerFile, ...(props.ledger || {}) } });
  for (const [name, p] of Object.entries(pools)) ipam.addPool(name, p);
  return { app, ipam, outdir };
}

function terraform(r: Run): { resource: Record<string, Record<string, { manifest: { metadata: { name: string }; spec: Record<string, unknown> } }>>; output: Record<string, { value: unknown }> } {
  return JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "cluster", "cdk.tf.json"), "utf8"));
}

function manifests(r: Run): Record<string, { address: string; spec: Record<string, unknown> }> {
  const out: Record<string, { address: string; spec: Record<string, unknown> }> = {};
  for (const [address, res] of Object.entries(terraform(r).resource.kubernetes_manifest ?? {})) out[res.manifest.metadata.name] = { address, spec: res.manifest.spec };
  return out;
}

const OLD: IpPoolProps = { prefixLength: 20, ipipMode: "Always", natOutgoing: true, nodeSelector: 'rack == "a"' };

describe("a pool removed from the code drains before it is deleted", () => {
  test("it is emitted disabled at the same Terraform address, with its encapsulation, NAT and selector unchanged", () => {
    const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lc-")), "calico-ipam.lock.json");
    const first = run(ledger, { old: OLD, next: { prefixLength: 20 } });
    first.app.synth();
    const before = manifests(first).old;
    const second = run(ledger, { next: { prefixLength: 20 } });
    second.app.synth();
    const after = manifests(second).old;
    expect(after.address).toBe(before.address);
    expect(after.spec).toEqual({ ...before.spec, disabled: true });
    expect(schemaErrors({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "old" }, spec: after.spec } as { apiVersion: string; kind: string })).toEqual([]);
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).pools.old.status).toBe("draining");
    expect(second.ipam.drainingPools.map((p) => p.node.id)).toEqual(["old"]);
    expect(terraform(second).output.ipam_old_cidr.value).toBe(before.spec.cidr);
    const yaml = fs.readFileSync(path.join(second.outdir, "stacks", "cluster", "calico-ipam.yaml"), "utf8");
    expect(yaml).toMatch(/# old: removed from the code: kept from the ledger and disabled until it is drained[^\n]*\napiVersion: projectcalico.org\/v3\nkind: IPPool\nmetadata:\n {2}name: old\nspec:\n( {2}.*\n)* {2}disabled: true/);
  });

  test("it stays disabled on every later run, and is deleted only once released as drained", () => {
    const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lc-")), "calico-ipam.lock.json");
    run(ledger, { old: OLD, next: { prefixLength: 20 } }).app.synth();
    run(ledger, { next: { prefixLength: 20 } }).app.synth();
    const again = run(ledger, { next: { prefixLength: 20 } });
    again.app.synth();
    expect(manifests(again).old.spec.disabled).toBe(true);
    const released = run(ledger, { next: { prefixLength: 20 } }, { ledger: { release: ["old"] } });
    released.app.synth();
    expect(Object.keys(manifests(released))).toEqual(["next"]);
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).pools.old).toBeUndefined();
  });

  test("declared again, it is enabled again with its old range", () => {
    const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lc-")), "calico-ipam.lock.json");
    const first = run(ledger, { old: OLD });
    first.app.synth();
    run(ledger, {}).app.synth();
    const back = run(ledger, { old: OLD });
    back.app.synth();
    expect(manifests(back).old.spec).toEqual(manifests(first).old.spec);
    expect(back.ipam.drainingPools).toEqual([]);
  });

  test("in operator mode, it stays in the Installation with nodeSelector !all() and no new allocations", () => {
    const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lc-")), "calico-ipam.lock.json");
    run(ledger, { old: { prefixLength: 20, natOutgoing: true }, next: { prefixLength: 20 } }, { poolOwner: "operator" }).app.synth();
    const second = run(ledger, { next: { prefixLength: 20 } }, { poolOwner: "operator" });
    second.app.synth();
    const installation = Object.values(terraform(second).resource.kubernetes_manifest)[0].manifest as unknown as {
      spec: { calicoNetwork: { ipPools: Array<Record<string, unknown>> } };
    };
    const old = installation.spec.calicoNetwork.ipPools.find((p) => p.name === "old");
    expect(old).toMatchObject({ nodeSelector: "!all()", disableNewAllocations: true, natOutgoing: "Enabled" });
    expect(second.ipam.drainingPools).toEqual([]);
  });
});
