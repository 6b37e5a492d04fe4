import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam } from "../../src";
import { schemaErrors } from "../helpers/crd";

interface Run {
  readonly app: App;
  readonly ipam: CalicoIpam;
  readonly outdir: string;
}

type Tf = {
  resource: Record<string, Record<string, { manifest: { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> } }>>;
  import?: Array<{ to: string; id: string }>;
};

function run(ledger: string, build: (ipam: CalicoIpam) => void, poolOwner?: "operator"): Run {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-migrations-"));
  const app = Testing.app({ outdir });
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", { addressSpaces: [{ name: "v4", cidr: "10.32.0.0/16" }], ledger: { file: ledger }, ...(poolOwner ? { poolOwner } : {}) });
  build(ipam);
  return { app, ipam, outdir };
}

function terraform(r: Run): Tf {
  return JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "cluster", "cdk.tf.json"), "utf8"));
}

/** Pool name → Terraform address and spec, of every emitted IPPool. */
function pools(r: Run): Record<string, { address: string; spec: Record<string, unknown> }> {
  const out: Record<string, { address: string; spec: Record<string, unknown> }> = {};
  for (const [address, res] of Object.entries(terraform(r).resource.kubernetes_manifest ?? {})) {
    if (res.manifest.kind === "IPPool") out[res.manifest.metadata.name] = { address, spec: res.manifest.spec };
  }
  return out;
}

function ledgerFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mig-")), "calico-ipam.lock.json");
}

describe("migrations in constructs", () => {
  test("migratePool: the source keeps its Terraform address while disabled, and its resource goes in the delete phase", () => {
    const ledger = ledgerFile();
    run(ledger, (ipam) => ipam.addPool("pods", { prefixLength: 24, ipipMode: "Always" })).app.synth();
    const phase = (n: number) =>
      run(ledger, (ipam) => {
        const pods = ipam.addPool("pods", { prefixLength: 24, ipipMode: "Always" });
        const v2 = ipam.addPool("pods-v2", { prefixLength: 22, ipipMode: "Always" });
        ipam.migratePool({ from: pods, to: v2, phase: n });
      });
    const one = phase(1);
    one.app.synth();
    const two = phase(2);
    two.app.synth();
    const three = phase(3);
    three.app.synth();
    expect(Object.keys(pools(one)).sort()).toEqual(["pods", "pods-v2"]);
    expect(pools(two).pods.address).toBe(pools(one).pods.address);
    expect(pools(two).pods.spec).toEqual({ ...pools(one).pods.spec, disabled: true });
    expect(schemaErrors({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "pods" }, spec: pools(two).pods.spec } as { apiVersion: string; kind: string })).toEqual([]);
    expect(Object.keys(pools(three))).toEqual(["pods-v2"]);
    expect(three.ipam.migrations.map((m) => m.planned().phase)).toEqual([3]);
  });

  test("changeBlockSize: the temporary pool is a resource of its own, and the original is recreated at its old address", () => {
    const ledger = ledgerFile();
    run(ledger, (ipam) => ipam.addPool("pods", { prefixLength: 24 })).app.synth();
    const runs = [1, 2, 3, 4, 5, 6].map((n) => {
      const r = run(ledger, (ipam) => ipam.changeBlockSize(ipam.addPool("pods", { prefixLength: 24 }), { blockSize: 24, phase: n }));
      r.app.synth();
      return r;
    });
    const [one, , three, four, five, six] = runs.map(pools);
    expect(one["pods-tmp"].spec).toMatchObject({ cidr: "10.32.1.0/24", blockSize: 26 });
    expect(three.pods).toBeUndefined();
    expect(four.pods.address).toBe(one.pods.address);
    expect(four.pods.spec).toMatchObject({ cidr: "10.32.0.0/24", blockSize: 24 });
    expect(five["pods-tmp"]).toMatchObject({ address: one["pods-tmp"].address, spec: { disabled: true } });
    expect(Object.keys(six)).toEqual(["pods"]);
  });

  test("leaving an adopted default-ipv4-ippool imports it before disabling it", () => {
    const ledger = ledgerFile();
    fs.writeFileSync(ledger, JSON.stringify({ version: 1, pools: { "default-ipv4-ippool": { family: 4, cidr: "192.168.0.0/16", blockSize: 26, status: "adopted" } } }));
    const phase = (n: number) => {
      const r = run(ledger, (ipam) => ipam.migratePool({ from: "default-ipv4-ippool", to: ipam.addPool("pods", { prefixLength: 20 }), phase: n }));
      r.app.synth();
      return r;
    };
    expect(Object.keys(pools(phase(1)))).toEqual(["pods"]);
    const two = phase(2);
    const source = pools(two)["default-ipv4-ippool"];
    expect(source.spec).toMatchObject({ cidr: "192.168.0.0/16", disabled: true });
    expect(terraform(two).import).toEqual([{ to: `kubernetes_manifest.${source.address}`, id: "apiVersion=projectcalico.org/v3,kind=IPPool,name=default-ipv4-ippool" }]);
    expect(Object.keys(pools(phase(3)))).toEqual(["pods"]);
  });

  test("in operator mode the Installation disables the source with nodeSelector !all(), then drops it", () => {
    const ledger = ledgerFile();
    const installationPools = (r: Run) => {
      const inst = Object.values(terraform(r).resource.kubernetes_manifest).find((x) => x.manifest.kind === "Installation")!;
      return (inst.manifest.spec as { calicoNetwork: { ipPools: Array<{ name: string; nodeSelector: string }> } }).calicoNetwork.ipPools.map((p) => `${p.name} ${p.nodeSelector}`);
    };
    run(ledger, (ipam) => ipam.addPool("pods", { prefixLength: 24 }), "operator").app.synth();
    const phase = (n: number) => {
      const r = run(ledger, (ipam) => ipam.migratePool({ from: ipam.addPool("pods", { prefixLength: 24 }), to: ipam.addPool("pods-v2", { prefixLength: 22 }), phase: n }), "operator");
      r.app.synth();
      return installationPools(r);
    };
    expect(phase(1)).toEqual(["pods all()", "pods-v2 all()"]);
    expect(phase(2)).toEqual(["pods !all()", "pods-v2 all()"]);
    expect(phase(3)).toEqual(["pods-v2 all()"]);
  });

  test("bad input fails synth at the migration's construct path, and the ledger is not written", () => {
    const ledger = ledgerFile();
    run(ledger, (ipam) => ipam.addPool("pods", { prefixLength: 24 })).app.synth();
    const before = fs.readFileSync(ledger, "utf8");
    const bad = run(ledger, (ipam) => ipam.changeBlockSize("pods", { blockSize: 40, phase: 1 }) && ipam.addPool("pods", { prefixLength: 24 }));
    expect(() => bad.app.synth()).toThrow(/\[cluster\/ipam\/Migration-block-size-pods\] MIGRATION_BLOCK_SIZE_INVALID at migrations\[0\]\.changeBlockSize\.blockSize: migration "block-size-pods" \(changeBlockSize of pool "pods", phase 1\): blockSize 40 is outside Calico's range for IPv4 pools \(20 to 32\)/);
    expect(fs.readFileSync(ledger, "utf8")).toBe(before);
  });

  test("two migrations of one pool at once fail synth, naming both", () => {
    const ledger = ledgerFile();
    run(ledger, (ipam) => ipam.addPool("pods", { prefixLength: 24 })).app.synth();
    const both = run(ledger, (ipam) => {
      const pods = ipam.addPool("pods", { prefixLength: 24 });
      ipam.changeBlockSize(pods, { blockSize: 24, phase: 1 });
      ipam.migratePool({ from: pods, to: ipam.addPool("pods-v2", { prefixLength: 22 }), phase: 1 });
    });
    expect(() => both.app.synth()).toThrow(/\[cluster\/ipam\/Migration-migrate-pods\] MIGRATION_CONFLICT at migrations\[1\]: two migrations of pool "pods" at once: "block-size-pods"/);
  });
});
