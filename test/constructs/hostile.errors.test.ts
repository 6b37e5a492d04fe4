import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, CalicoIpamProps, HostLocalIpam, IpPoolProps } from "../../src";

/**
 * The hostile inputs of issue 15 that reach the constructs from plain JavaScript, one row each, and
 * the ledger's behaviour on the file system: written only when the whole synth succeeds, read-only
 * files refused, symbolic links written through with their mode kept, stale temporary files removed,
 * a missing ledger said out loud.
 */

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-hostile-"));
}

function stackIn(app: App, id = "cluster"): TerraformStack {
  const stack = new TerraformStack(app, id);
  new KubernetesProvider(stack, "k8s", {});
  return stack;
}

function ipamIn(stack: TerraformStack, ledgerFile: string, props: Partial<CalicoIpamProps> = {}): CalicoIpam {
  return new CalicoIpam(stack, "ipam", { addressSpaces: [{ name: "v4", cidr: "10.32.0.0/12" }], ledger: { file: ledgerFile }, ...props });
}

/** Calls made as plain JavaScript would make them: no type checker between the user and the props. */
const loose = (x: unknown) => x as never;

describe("construct props from plain JavaScript: a clear error with the construct path, never a TypeError", () => {
  const rows: ReadonlyArray<readonly [string, (ipam: CalicoIpam, stack: TerraformStack) => unknown, RegExp]> = [
    ['addPool("p")', (ipam) => ipam.addPool("p", loose(undefined)), /^cluster\/ipam\/p: props must be an object such as \{ cidr: "10\.244\.0\.0\/16" \} or \{ prefixLength: 20 \}, got nothing/],
    ['addPool("p", null)', (ipam) => ipam.addPool("p", loose(null)), /^cluster\/ipam\/p: props must be an object .*, got null/],
    ["addWorkload without namespace", (ipam) => ipam.addWorkload("w", loose({ addresses: ["10.32.0.10"] })), /^cluster\/ipam\/Workload-w: namespace \(the namespace of the workload's pods\) must be a non-empty string, got nothing/],
    ["HostLocalIpam without topology", (_ipam, stack) => new HostLocalIpam(stack, "hl", loose({ clusterCidrs: ["10.244.0.0/16"] })), /^cluster\/hl: topology must be an object with the cluster's nodes/],
    ["HostLocalIpam without props", (_ipam, stack) => new HostLocalIpam(stack, "hl2", loose(undefined)), /^cluster\/hl2: props must be an object/],
    ['poolOwner: "bogus"', (_ipam, stack) => new CalicoIpam(stack, "ipam2", loose({ poolOwner: "bogus" })), /^cluster\/ipam2: poolOwner must be "ippool" .* or "operator" .*, got "bogus"/],
    ['yamlFileName: "."', (_ipam, stack) => new CalicoIpam(stack, "y1", { yamlFileName: "." }), /^cluster\/y1: yamlFileName "\." is not a file name/],
    ['yamlFileName: ".."', (_ipam, stack) => new CalicoIpam(stack, "y2", { yamlFileName: ".." }), /yamlFileName "\.\." is not a file name/],
    ["yamlFileName with a NUL byte", (_ipam, stack) => new CalicoIpam(stack, "y3", { yamlFileName: "a\u0000.yaml" }), /yamlFileName .* holds a NUL byte/],
    ["yamlFileName of 300 characters", (_ipam, stack) => new CalicoIpam(stack, "y4", { yamlFileName: "a".repeat(300) }), /yamlFileName .* is longer than 255 bytes/],
    ['yamlFileName: "plan.json"', (_ipam, stack) => new CalicoIpam(stack, "y5", { yamlFileName: "plan.json" }), /yamlFileName "plan\.json" is a file synth already writes/],
    ['yamlFileName: "cdk.tf.json"', (_ipam, stack) => new CalicoIpam(stack, "y6", { yamlFileName: "cdk.tf.json" }), /yamlFileName "cdk\.tf\.json" is a file synth already writes/],
    ['HostLocalIpam yamlFileName: "plan.md"', (_ipam, stack) => new HostLocalIpam(stack, "hl3", { clusterCidrs: ["10.244.0.0/16"], topology: { nodes: [] }, yamlFileName: "plan.md" }), /^cluster\/hl3: yamlFileName "plan\.md" is a file synth already writes/],
  ];
  test.each(rows)("%s", (_name, act, message) => {
    const app = Testing.app({ outdir: tempDir() });
    const stack = stackIn(app);
    const ipam = ipamIn(stack, path.join(tempDir(), "calico-ipam.lock.json"));
    expect(() => act(ipam, stack)).toThrow(message);
  });
});

describe("construct props that are accepted but wrong: a synth error, as lint says", () => {
  const pool = { cidr: "10.32.0.0/16" };
  const rows: ReadonlyArray<readonly [string, Partial<CalicoIpamProps>, Record<string, IpPoolProps>, RegExp]> = [
    ["a __proto__ label key", {}, { p: { ...pool, labels: JSON.parse('{"__proto__": "x"}') } }, /LABEL_KEY_INVALID at metadata\.labels\.__proto__/],
    ["allowedUses a string", {}, { p: { ...pool, allowedUses: loose("Workload") } }, /POOL_FIELD_TYPE at spec\.allowedUses: allowedUses must be a list of Workload, Tunnel, LoadBalancer, got the string "Workload"/],
    ["a node named Node_1 in the harness", { topology: { nodes: [{ name: "Node_1" }] } }, { p: pool }, /TOPOLOGY_NODE_NAME_INVALID/],
    ["a node name of 302 characters in the harness", { topology: { nodes: [{ name: "n".repeat(302) }] } }, { p: pool }, /a node name has at most 253 characters \(MAX_NODE_NAME_LENGTH\)/],
    ["maxPods: 1e15 in the harness", { topology: { nodes: [{ name: "n1", maxPods: 1e15 }] } }, { p: pool }, /maxPods must be a whole number from 0 to 10000 \(MAX_PODS_PER_NODE\), got 1000000000000000/],
    ["replicas: 1e12 in the harness", { topology: { nodes: [{ name: "n1" }], workloads: [{ name: "w", namespace: "default", replicas: 1e12 }] } }, { p: pool }, /TOPOLOGY_TOO_LARGE .*1000000000000 pods, more than the limit of 2000000 \(MAX_PODS/],
    ["30 node groups of 1,000,000 nodes in the harness", { topology: { nodes: Array.from({ length: 30 }, (_, i) => ({ namePattern: `g${i}-{i}`, count: 1_000_000 })) } }, { p: pool }, /count must be a whole number from 0 to 100000 \(MAX_NODES\)|TOPOLOGY_TOO_LARGE/],
    ["a selector nested 10,000 parentheses", {}, { p: { ...pool, nodeSelector: "(".repeat(10_000) + "all()" + ")".repeat(10_000) } }, /POOL_SELECTOR_INVALID .*MAX_SELECTOR_DEPTH/],
  ];
  test.each(rows)("%s", (_name, props, pools, message) => {
    const app = Testing.app({ outdir: tempDir() });
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    const ipam = ipamIn(stackIn(app), ledger, props);
    for (const [name, p] of Object.entries(pools)) ipam.addPool(name, p);
    expect(() => app.synth()).toThrow(message);
    expect(fs.existsSync(ledger)).toBe(false);
  });
});

describe("the ledger and the file system", () => {
  function appWith(ledger: string, extra?: (app: App) => void): App {
    const app = Testing.app({ outdir: tempDir() });
    ipamIn(stackIn(app), ledger).addPool("pods", { prefixLength: 20 });
    extra?.(app);
    return app;
  }

  test("two stacks where the second is invalid: synth fails and the first stack's ledger is not written", () => {
    const dir = tempDir();
    const first = path.join(dir, "first.lock.json");
    const app = appWith(first, (a) => ipamIn(stackIn(a, "second"), path.join(dir, "second.lock.json")).addPool("bad", { cidr: "10.0.0.1/16" }));
    expect(() => app.synth()).toThrow(/POOL_CIDR_NOT_MASKED/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("a read-only ledger that would change is refused with a clear error, and left as it was", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    appWith(ledger).synth();
    const before = fs.readFileSync(ledger, "utf8");
    fs.chmodSync(ledger, 0o444);
    const app = Testing.app({ outdir: tempDir() });
    const ipam = ipamIn(stackIn(app), ledger);
    ipam.addPool("pods", { prefixLength: 20 });
    ipam.addPool("more", { prefixLength: 22 });
    expect(() => app.synth()).toThrow(/the ledger is read-only \(mode 0444\) and this plan changes it; make it writable \(chmod u\+w calico-ipam\.lock\.json\)/);
    expect(fs.readFileSync(ledger, "utf8")).toBe(before);
    expect(fs.statSync(ledger).mode & 0o777).toBe(0o444);
  });

  test("a read-only ledger that stays the same is fine", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    appWith(ledger).synth();
    fs.chmodSync(ledger, 0o444);
    expect(() => appWith(ledger).synth()).not.toThrow();
  });

  test("a symbolic link to a shared ledger is written through: the link stays, the target changes and keeps its mode", () => {
    const shared = path.join(tempDir(), "shared.lock.json");
    appWith(shared).synth();
    fs.chmodSync(shared, 0o640);
    const link = path.join(tempDir(), "calico-ipam.lock.json");
    fs.symlinkSync(shared, link);
    const app = Testing.app({ outdir: tempDir() });
    const ipam = ipamIn(stackIn(app), link);
    ipam.addPool("pods", { prefixLength: 20 });
    ipam.addPool("more", { prefixLength: 22 });
    app.synth();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(Object.keys(JSON.parse(fs.readFileSync(shared, "utf8")).pools).sort()).toEqual(["more", "pods"]);
    expect(fs.statSync(shared).mode & 0o777).toBe(0o640);
  });

  test("temporary files left by a killed write are cleaned up by the next write", () => {
    const dir = tempDir();
    const ledger = path.join(dir, "calico-ipam.lock.json");
    appWith(ledger).synth();
    // A process id that is not running: the largest possible pid.
    const stale = path.join(dir, ".calico-ipam.lock.json.4194304.1700000000000.tmp");
    fs.writeFileSync(stale, '{"partial');
    const app = Testing.app({ outdir: tempDir() });
    const ipam = ipamIn(stackIn(app), ledger);
    ipam.addPool("pods", { prefixLength: 20 });
    ipam.addPool("more", { prefixLength: 22 });
    app.synth();
    expect(fs.readdirSync(dir)).toEqual(["calico-ipam.lock.json"]);
  });

  test("a ledger missing after an interrupted first write is said out loud, and recreated", () => {
    const dir = tempDir();
    const ledger = path.join(dir, "calico-ipam.lock.json");
    fs.writeFileSync(path.join(dir, ".calico-ipam.lock.json.4194304.1700000000000.tmp"), '{"version": 1, "po');
    const app = Testing.app({ outdir: tempDir() });
    const ipam = ipamIn(stackIn(app), ledger);
    ipam.addPool("pods", { prefixLength: 20 });
    expect(ipam.plan().findings.map((f) => f.code)).toContain("LEDGER_MISSING");
    expect(ipam.plan().findings.find((f) => f.code === "LEDGER_MISSING")?.message).toMatch(/does not exist, but .*\.tmp \(left by a write that was interrupted\) does: the ledger is recreated from the code/);
    app.synth();
    expect(fs.readdirSync(dir)).toEqual(["calico-ipam.lock.json"]);
  });
});
