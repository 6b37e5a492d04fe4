import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { CalicoIpam, CalicoIpamProps, IpPoolProps } from "../../src";

interface Run {
  readonly app: App;
  readonly ipam: CalicoIpam;
  readonly outdir: string;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-ledger-"));
}

/** One cdktf app run with the given pools, sharing `ledgerFile` with other runs. */
function run(ledgerFile: string, pools: Record<string, IpPoolProps>, props: Partial<CalicoIpamProps> = {}, context?: Record<string, string>): Run {
  const outdir = tempDir();
  const app = Testing.app({ outdir, context });
  const stack = new TerraformStack(app, "cluster");
  new KubernetesProvider(stack, "k8s", {});
  const ipam = new CalicoIpam(stack, "ipam", {
    addressSpaces: [
      { name: "v4", cidr: "10.32.0.0/12" },
      { name: "v6", cidr: "fd00:10::/48" },
    ],
    serviceCidrs: ["10.96.0.0/12"],
    nodeCidrs: ["10.32.0.0/24"],
    ledger: { file: ledgerFile, ...(props.ledger || {}) },
    ...Object.fromEntries(Object.entries(props).filter(([k]) => k !== "ledger")),
  });
  for (const [name, p] of Object.entries(pools)) ipam.addPool(name, p);
  return { app, ipam, outdir };
}

function cidrs(r: Run): Record<string, string> {
  return Object.fromEntries(r.ipam.pools.map((p) => [p.poolName, p.cidr]));
}

function synthError(r: Run): string {
  try {
    r.app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("synth did not fail");
}

describe("carved pools and the ledger", () => {
  test("pools are carved at synth, recorded in the ledger, and exported as outputs", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    const r = run(ledger, {
      racks: { capacity: { nodes: 40, blocksPerNode: 2 } },
      payments: { prefixLength: 22 },
      v6: { ipVersion: 6, prefixLength: 64 },
    });
    r.app.synth();
    const carved = cidrs(r);
    expect(carved.racks).toMatch(/\/19$/);
    expect(carved.payments).toMatch(/\/22$/);
    expect(carved.v6).toMatch(/^fd00:10:.*\/64$/);
    expect(r.ipam.pools[0].explanation).toMatch(/40 nodes × 2 blocks of \/26 = 80 blocks → \/19 \(128 blocks\)/);
    const recorded = JSON.parse(fs.readFileSync(ledger, "utf8"));
    expect(recorded.pools.racks).toEqual({ blockSize: 26, cidr: carved.racks, family: 4, status: "active" });
    const tf = JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "cluster", "cdk.tf.json"), "utf8"));
    expect(tf.output.ipam_racks_cidr.value).toBe(carved.racks);
    expect(tf.output.ipam_pools.value).toEqual(carved);
    const yaml = fs.readFileSync(path.join(r.outdir, "stacks", "cluster", "calico-ipam.yaml"), "utf8");
    expect(yaml).toContain(`# racks: ${r.ipam.pools[0].explanation}\napiVersion: projectcalico.org/v3`);
  });

  test("a pool keeps its range when pools are reordered and new ones are added before it", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    const first = run(ledger, { b: { prefixLength: 22 }, c: { prefixLength: 20 } });
    first.app.synth();
    const second = run(ledger, { a: { prefixLength: 16 }, c: { prefixLength: 20 }, b: { prefixLength: 22 }, d: { addresses: 100 } });
    second.app.synth();
    expect(cidrs(second).b).toBe(cidrs(first).b);
    expect(cidrs(second).c).toBe(cidrs(first).c);
  });

  test("a pool removed from the code is retired and its range is not handed out until released", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    // The only /13 the v4 space has room for, once the service-free half is taken.
    const first = run(ledger, { big: { prefixLength: 13 } });
    first.app.synth();
    const old = cidrs(first).big;
    run(ledger, {}).app.synth();
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).pools.big.status).toBe("draining");
    const blocked = run(ledger, { other: { prefixLength: 13 } });
    expect(synthError(blocked)).toMatch(/needs a \/13/);
    const released = run(ledger, { other: { prefixLength: 13 } }, { ledger: { release: ["big"] } });
    released.app.synth();
    expect(cidrs(released).other).toBe(old);
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).pools.big).toBeUndefined();
  });

  test("a pinned CIDR that differs from the ledger fails with the migration to follow", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    run(ledger, { legacy: { cidr: "10.33.0.0/16" } }).app.synth();
    const message = synthError(run(ledger, { legacy: { cidr: "10.34.0.0/16" } }));
    expect(message).toMatch(/\[cluster\/ipam\/legacy\]/);
    expect(message).toMatch(/10\.33\.0\.0\/16/);
    expect(message).toMatch(/migrate-pools/);
  });

  test("a changed block size fails", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    run(ledger, { racks: { prefixLength: 20 } }).app.synth();
    expect(synthError(run(ledger, { racks: { prefixLength: 20, blockSize: 28 } }))).toMatch(/change-block-size/);
  });

  test("a pool that overlaps the service network is an error naming both ranges", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    const message = synthError(run(ledger, { bad: { cidr: "10.100.0.0/16" } }));
    expect(message).toMatch(/10\.100\.0\.0\/16/);
    expect(message).toMatch(/10\.96\.0\.0\/12/);
  });

  test("exhaustion names the request and the largest free ranges", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    const message = synthError(run(ledger, { huge: { prefixLength: 11 } }));
    expect(message).toMatch(/\[cluster\/ipam\/huge\].*\/11/);
    expect(fs.existsSync(ledger)).toBe(false);
  });

  test("a pool needs its range given exactly once", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    expect(synthError(run(ledger, { none: {} }))).toMatch(/POOL_SIZE_MISSING.*needs a range: give a cidr, or one of prefixLength, addresses or capacity/);
    expect(synthError(run(ledger, { two: { cidr: "10.33.0.0/16", prefixLength: 16 } }))).toMatch(/POOL_SIZE_AMBIGUOUS.*in 2 ways \(cidr, prefixLength\)/);
  });
});

describe("frozen mode", () => {
  const pools = { racks: { prefixLength: 20 }, payments: { prefixLength: 22 } };

  test("passes when nothing changes, and writes nothing", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    run(ledger, pools).app.synth();
    const before = fs.statSync(ledger).mtimeMs;
    const bytes = fs.readFileSync(ledger, "utf8");
    run(ledger, pools, { ledger: { frozen: true } }).app.synth();
    run(ledger, pools, {}, { "calico-ipam:ledger": "frozen" }).app.synth();
    expect(fs.readFileSync(ledger, "utf8")).toBe(bytes);
    expect(fs.statSync(ledger).mtimeMs).toBe(before);
  });

  test.each([
    ["a pool is added", { ...pools, extra: { prefixLength: 24 } }, /pool "extra": added/],
    ["a pool is removed", { racks: { prefixLength: 20 } }, /pool "payments": draining/],
  ])("fails when %s, listing the change", (_name, next, change) => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    run(ledger, pools).app.synth();
    const bytes = fs.readFileSync(ledger, "utf8");
    const message = synthError(run(ledger, next, { ledger: { frozen: true } }));
    expect(message).toMatch(/LEDGER_FROZEN/);
    expect(message).toMatch(change);
    expect(fs.readFileSync(ledger, "utf8")).toBe(bytes);
  });

  test("fails when a release is asked for", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    run(ledger, pools).app.synth();
    run(ledger, { racks: { prefixLength: 20 } }).app.synth();
    expect(synthError(run(ledger, { racks: { prefixLength: 20 } }, { ledger: { frozen: true, release: ["payments"] } }))).toMatch(/pool "payments": released/);
  });

  test("the environment variable freezes it too", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    process.env.CALICO_IPAM_LEDGER = "frozen";
    try {
      expect(synthError(run(ledger, pools))).toMatch(/LEDGER_FROZEN/);
    } finally {
      delete process.env.CALICO_IPAM_LEDGER;
    }
    expect(fs.existsSync(ledger)).toBe(false);
  });
});

describe("a ledger that cannot be read fails synth and is left untouched", () => {
  test.each([
    ["corrupt", "{ this is not json"],
    ["truncated", '{\n  "pools": {\n    "racks": {\n      "blockSize": 26,'],
    ["hand-edited invalid", JSON.stringify({ version: 1, pools: { racks: { family: 4, cidr: "10.32.0.1/20", blockSize: 26, status: "active" } } })],
    ["from the future", JSON.stringify({ version: 99, pools: {} })],
  ])("%s", (_name, content) => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    fs.writeFileSync(ledger, content);
    const message = synthError(run(ledger, { racks: { prefixLength: 20 } }));
    expect(message).toMatch(/\[cluster\/ipam\] LEDGER_/);
    expect(message).toContain(ledger);
    expect(fs.readFileSync(ledger, "utf8")).toBe(content);
  });
});

describe("two clusters in one app", () => {
  test("sharing a ledger file: a section each (see fleet.test.ts)", () => {
    const ledger = path.join(tempDir(), "calico-ipam.lock.json");
    const app = Testing.app({ outdir: tempDir() });
    const stack = new TerraformStack(app, "s");
    new KubernetesProvider(stack, "k8s", {});
    new CalicoIpam(stack, "a", { ledger: { file: ledger } }).addPool("p", { cidr: "10.1.0.0/16" });
    new CalicoIpam(stack, "b", { ledger: { file: ledger } }).addPool("p", { cidr: "10.2.0.0/16" });
    app.synth();
    expect(JSON.parse(fs.readFileSync(ledger, "utf8")).clusters["s-b"].pools.p.cidr).toBe("10.2.0.0/16");
  });
});
