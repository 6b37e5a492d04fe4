import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { AddressPlan, CalicoIpam, CalicoIpamProps, parsePlanReport, readLedger } from "../../src";

let dir: string;
let cwd: string;
beforeEach(() => {
  cwd = process.cwd();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-fleet-"));
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A reusable construct that builds one cluster, as a new user writes it: pods as a /16 of the company's /12. */
class Cluster extends Construct {
  public readonly ipam: CalicoIpam;
  constructor(scope: Construct, id: string, props: Partial<CalicoIpamProps> = {}) {
    super(scope, id);
    new KubernetesProvider(this, "k8s", {});
    this.ipam = new CalicoIpam(this, "ipam", { addressSpaces: [{ name: "company", cidr: "10.32.0.0/12" }], ...props });
    this.ipam.addPool("pods", { prefixLength: 16 });
  }
}

function app(): App {
  return Testing.app({ outdir: path.join(dir, "cdktf.out") });
}

function synthError(a: App): string {
  try {
    a.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("synth did not fail");
}

describe("two clusters of one app", () => {
  test("stacks east and west carving the same space get disjoint ranges with no ledger configuration", () => {
    const a = app();
    const east = new Cluster(new TerraformStack(a, "east"), "cluster");
    const west = new Cluster(new TerraformStack(a, "west"), "cluster");
    a.synth();
    expect(east.ipam.pools[0].cidr).toBe("10.32.0.0/16");
    expect(west.ipam.pools[0].cidr).toBe("10.33.0.0/16");
    expect([east.ipam.clusterName, west.ipam.clusterName]).toEqual(["east", "west"]);
    const ledger = readLedger(path.join(dir, "calico-ipam.lock.json"))!;
    expect(Object.keys(ledger.clusters!)).toEqual(["east", "west"]);
    expect(ledger.clusters!.west.pools.pods.cidr).toBe("10.33.0.0/16");
  });

  test("the next synth keeps every range, whatever order the stacks are built in", () => {
    const first = app();
    new Cluster(new TerraformStack(first, "east"), "cluster");
    new Cluster(new TerraformStack(first, "west"), "cluster");
    first.synth();
    const before = fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8");
    const second = app();
    const west = new Cluster(new TerraformStack(second, "west"), "cluster");
    const central = new Cluster(new TerraformStack(second, "central"), "cluster");
    const east = new Cluster(new TerraformStack(second, "east"), "cluster");
    second.synth();
    expect([east.ipam.pools[0].cidr, west.ipam.pools[0].cidr, central.ipam.pools[0].cidr]).toEqual(["10.32.0.0/16", "10.33.0.0/16", "10.34.0.0/16"]);
    expect(fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8")).not.toBe(before);
  });

  test("a stable cluster name keeps the section when the stack is renamed", () => {
    const first = app();
    new Cluster(new TerraformStack(first, "east"), "cluster", { clusterName: "prod-east" });
    new Cluster(new TerraformStack(first, "west"), "cluster", { clusterName: "prod-west" });
    first.synth();
    const second = app();
    const renamed = new Cluster(new TerraformStack(second, "us-east"), "cluster", { clusterName: "prod-east" });
    new Cluster(new TerraformStack(second, "aaa"), "cluster", { clusterName: "aaa" });
    new Cluster(new TerraformStack(second, "west"), "cluster", { clusterName: "prod-west" });
    second.synth();
    expect(renamed.ipam.pools[0].cidr).toBe("10.32.0.0/16");
  });

  test("two clusters in one stack sharing a ledger file get a section each", () => {
    const ledger = path.join(dir, "shared.lock.json");
    const a = app();
    const stack = new TerraformStack(a, "s");
    new KubernetesProvider(stack, "k8s", {});
    new CalicoIpam(stack, "a", { ledger: { file: ledger } }).addPool("p", { cidr: "10.1.0.0/16" });
    new CalicoIpam(stack, "b", { ledger: { file: ledger } }).addPool("p", { cidr: "10.2.0.0/16" });
    a.synth();
    expect(Object.keys(readLedger(ledger)!.clusters!)).toEqual(["s-a", "s-b"]);
  });

  test("a second cluster added to a one-cluster app: the first keeps its range", () => {
    const first = app();
    const east = new Cluster(new TerraformStack(first, "east"), "cluster");
    first.synth();
    // A single cluster writes the single-cluster format, as before fleets existed.
    expect(readLedger(path.join(dir, "calico-ipam.lock.json"))!.pools.pods.cidr).toBe(east.ipam.pools[0].cidr);
    const second = app();
    const again = new Cluster(new TerraformStack(second, "east"), "cluster", { ledger: { legacyOwner: true } });
    const west = new Cluster(new TerraformStack(second, "west"), "cluster");
    second.synth();
    expect([again.ipam.pools[0].cidr, west.ipam.pools[0].cidr]).toEqual(["10.32.0.0/16", "10.33.0.0/16"]);
    const ledger = readLedger(path.join(dir, "calico-ipam.lock.json"))!;
    expect(ledger.pools).toEqual({});
    expect(ledger.clusters!.east.pools.pods.cidr).toBe("10.32.0.0/16");
  });

  test("a second cluster added: without saying which cluster owns the old entries, synth fails and says how", () => {
    const first = app();
    new Cluster(new TerraformStack(first, "east"), "cluster");
    first.synth();
    const second = app();
    new Cluster(new TerraformStack(second, "east"), "cluster");
    new Cluster(new TerraformStack(second, "west"), "cluster");
    expect(synthError(second)).toMatch(/FLEET_LEDGER_UNNAMED_SECTION.*clusters "east", "west".*legacyOwner: true/);
  });

  test("a second cluster added whose pools differ: the entries go to the cluster that declares them", () => {
    const first = app();
    new Cluster(new TerraformStack(first, "east"), "cluster");
    first.synth();
    const second = app();
    const east = new Cluster(new TerraformStack(second, "east"), "cluster");
    const ipam = new CalicoIpam(new TerraformStack(second, "west"), "ipam", { addressSpaces: [{ name: "company", cidr: "10.32.0.0/12" }] });
    new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
    ipam.addPool("west-pods", { prefixLength: 16 });
    second.synth();
    expect([east.ipam.pools[0].cidr, ipam.pools[0].cidr]).toEqual(["10.32.0.0/16", "10.33.0.0/16"]);
  });

  test("a cluster declared isolated reuses the range", () => {
    const a = app();
    const prod = new Cluster(new TerraformStack(a, "prod"), "cluster");
    const lab = new Cluster(new TerraformStack(a, "lab"), "cluster", { isolatedFrom: ["prod"] });
    a.synth();
    expect(lab.ipam.pools[0].cidr).toBe(prod.ipam.pools[0].cidr);
  });
});

describe("the reports of a fleet", () => {
  test("plan.json and plan.md of each cluster summarize the fleet and say which ranges an isolated cluster reuses", () => {
    const a = app();
    new Cluster(new TerraformStack(a, "prod"), "cluster");
    new Cluster(new TerraformStack(a, "lab"), "cluster", { isolatedFrom: ["prod"] });
    new Cluster(new TerraformStack(a, "stage"), "cluster");
    a.synth();
    const stackDir = path.join(dir, "cdktf.out", "stacks", "lab");
    const report = parsePlanReport(fs.readFileSync(path.join(stackDir, "plan.json"), "utf8"), "plan.json");
    expect(report.fleet!.cluster).toBe("lab");
    const [lab, prod, stage] = report.fleet!.clusters;
    expect([lab.name, prod.name, stage.name]).toEqual(["lab", "prod", "stage"]);
    expect([lab.isolatedFrom, prod.isolatedFrom, stage.isolatedFrom]).toEqual([["prod"], ["lab"], []]);
    expect(lab.pools).toEqual(prod.pools);
    expect(stage.pools[0].cidr).not.toBe(prod.pools[0].cidr);
    expect(lab.ipv4Addresses).toBe("65536");
    const shared = lab.pools[0].cidr;
    expect(lab.reuses).toEqual([{ pool: "pods", cidr: shared, cluster: "prod", otherPool: "pods", otherCidr: shared }]);
    const markdown = fs.readFileSync(path.join(stackDir, "plan.md"), "utf8");
    expect(markdown).toContain("### Fleet");
    expect(markdown).toContain(`| **\`lab\`** | \`${shared}\` |`);
    expect(markdown).toContain(`- \`lab\` \`pods\` (\`${shared}\`) and \`prod\` \`pods\` (\`${shared}\`) share addresses: declared isolated`);
  });

  test("a cluster planned alone has no fleet section", () => {
    const a = app();
    new Cluster(new TerraformStack(a, "only"), "cluster");
    a.synth();
    expect(JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "only", "plan.json"), "utf8")).fleet).toBeUndefined();
  });
});

describe("bad input fails synth with both names", () => {
  test("two clusters with the same name", () => {
    const a = app();
    new Cluster(new TerraformStack(a, "east"), "cluster", { clusterName: "prod" });
    new Cluster(new TerraformStack(a, "west"), "cluster", { clusterName: "prod" });
    expect(synthError(a)).toMatch(/FLEET_CLUSTER_DUPLICATE at fleet clusters\.prod: two clusters are named "prod"/);
    expect(fs.existsSync(path.join(dir, "calico-ipam.lock.json"))).toBe(false);
  });

  test("the fleet's errors are reported once, not on every cluster: two clusters of one stack with the same name", () => {
    const a = app();
    const stack = new TerraformStack(a, "both");
    new Cluster(stack, "one", { clusterName: "prod" });
    new Cluster(stack, "two", { clusterName: "prod" });
    const message = synthError(a);
    expect(message.match(/FLEET_CLUSTER_DUPLICATE at fleet/g)).toHaveLength(1);
    expect(message.match(/FLEET_NOT_CARVED at fleet/g)).toHaveLength(2);
  });

  test("a cluster declared isolated and peered at once", () => {
    const a = app();
    new Cluster(new TerraformStack(a, "prod"), "cluster", { peers: ["lab"] });
    new Cluster(new TerraformStack(a, "lab"), "cluster", { isolatedFrom: ["prod"] });
    expect(synthError(a)).toMatch(/FLEET_ISOLATED_AND_PEERED.*cluster "lab" is declared isolated from cluster "prod", and cluster "prod" peers with cluster "lab"/);
  });

  test("a pinned range another cluster holds", () => {
    const first = app();
    new Cluster(new TerraformStack(first, "east"), "cluster");
    new Cluster(new TerraformStack(first, "north"), "cluster");
    first.synth();
    const a = app();
    new Cluster(new TerraformStack(a, "east"), "cluster");
    new Cluster(new TerraformStack(a, "north"), "cluster");
    const west = new CalicoIpam(new TerraformStack(a, "west"), "ipam");
    new KubernetesProvider(TerraformStack.of(west), "k8s", {});
    west.addPool("pods", { cidr: "10.32.0.0/20" });
    const message = synthError(a);
    expect(message).toMatch(/FLEET_RANGE_CONFLICT at fleet clusters\.west\.pools\.pods: cluster "west" pool "pods" \(10\.32\.0\.0\/20, pinned\) overlaps cluster "east" pool "pods" \(10\.32\.0\.0\/16, recorded in .*calico-ipam\.lock\.json\)/);
  });
});

describe("an AddressPlan shared by the clusters of a fleet", () => {
  test("clusters draw from the plan's spaces, and its ledger keeps a section per cluster", () => {
    const a = app();
    const plan = new AddressPlan(a, "addresses", { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }], ledger: { file: "fleet.lock.json" } });
    const east = new CalicoIpam(new TerraformStack(a, "east"), "ipam", { addressPlan: plan, clusterName: "east" });
    new KubernetesProvider(TerraformStack.of(east), "k8s", {});
    east.addPool("pods", { prefixLength: 16 });
    a.synth();
    expect(east.pools[0].cidr).toBe("10.32.0.0/16");
    expect(readLedger(path.join(dir, "fleet.lock.json"))!.clusters!.east.pools.pods.cidr).toBe("10.32.0.0/16");
  });

  test("a sub-space per region: each region's clusters carve inside it, and the ledger records it", () => {
    const a = app();
    const plan = new AddressPlan(a, "addresses", {
      addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }],
      subSpaces: [
        { name: "eu", addressSpace: "pods", prefixLength: 14 },
        { name: "us", addressSpace: "pods", cidr: "10.44.0.0/14" },
      ],
    });
    const make = (name: string, region: string) => {
      const ipam = new CalicoIpam(new TerraformStack(a, name), "ipam", { addressPlan: plan, clusterName: name, subSpaces: [region] });
      new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
      ipam.addPool("pods", { prefixLength: 16, addressSpace: "pods" });
      return ipam;
    };
    const [eu1, eu2, us1] = [make("eu-1", "eu"), make("eu-2", "eu"), make("us-1", "us")];
    a.synth();
    expect([eu1, eu2, us1].map((c) => c.pools[0].cidr)).toEqual(["10.40.0.0/16", "10.41.0.0/16", "10.44.0.0/16"]);
    const ledger = readLedger(path.join(dir, "calico-ipam.lock.json"))!;
    expect(ledger.subSpaces).toEqual({ eu: { cidr: "10.40.0.0/14", family: 4, status: "active" }, us: { cidr: "10.44.0.0/14", family: 4, status: "active" } });
    expect(parsePlanReport(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "us-1", "plan.json"), "utf8")).fleet!.subSpaces).toEqual([
      { name: "eu", addressSpace: "pods", cidr: "10.40.0.0/14", clusters: ["eu-1", "eu-2"] },
      { name: "us", addressSpace: "pods", cidr: "10.44.0.0/14", clusters: ["us-1"] },
    ]);
  });

  test("Service CIDRs and node networks drawn from the plan: disjoint, recorded, in the outputs, the reports and the cluster's exclusions", () => {
    const a = app();
    const plan = new AddressPlan(a, "addresses", {
      addressSpaces: [
        { name: "pods", cidr: "10.32.0.0/12" },
        { name: "services", cidr: "10.96.0.0/12" },
        { name: "nodes", cidr: "10.0.0.0/16" },
      ],
    });
    const make = (name: string) => {
      const ipam = new CalicoIpam(new TerraformStack(a, name), "ipam", {
        addressPlan: plan,
        clusterName: name,
        drawnRanges: { serviceCidrs: [{ addressSpace: "services", prefixLength: 16 }], nodeCidrs: [{ addressSpace: "nodes", prefixLength: 20 }] },
      });
      new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
      ipam.addPool("pods", { prefixLength: 16, addressSpace: "pods" });
      return ipam;
    };
    const [east, west] = [make("east"), make("west")];
    const declared = new CalicoIpam(new TerraformStack(a, "old"), "ipam", { addressPlan: plan, clusterName: "old", serviceCidrs: ["10.98.0.0/16"] });
    new KubernetesProvider(TerraformStack.of(declared), "k8s", {});
    declared.addPool("pods", { prefixLength: 16, addressSpace: "pods" });
    a.synth();
    expect([east.serviceCidrs, east.nodeCidrs, west.serviceCidrs, west.nodeCidrs, declared.serviceCidrs]).toEqual([["10.99.0.0/16"], ["10.0.0.0/20"], ["10.96.0.0/16"], ["10.0.16.0/20"], ["10.98.0.0/16"]]);
    const stack = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "west", "cdk.tf.json"), "utf8"));
    expect(stack.output.ipam_drawn_ranges.value).toEqual({ serviceCidrs: ["10.96.0.0/16"], nodeCidrs: ["10.0.16.0/20"] });
    expect(readLedger(path.join(dir, "calico-ipam.lock.json"))!.clusters!.west.drawnRanges).toEqual({
      "node-ipv4": { cidr: "10.0.16.0/20", family: 4, kind: "node" },
      "service-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service" },
    });
    const report = parsePlanReport(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "west", "plan.json"), "utf8"));
    expect(report.ranges!.excluded.filter((e) => e.kind !== "reserved").map((e) => `${e.kind} ${e.cidr}`)).toEqual(["service 10.96.0.0/16", "node 10.0.16.0/20"]);
    expect(report.fleet!.clusters.find((c) => c.name === "east")!.drawnRanges).toEqual([
      { kind: "service", cidr: "10.99.0.0/16", addressSpace: "services" },
      { kind: "node", cidr: "10.0.0.0/20", addressSpace: "nodes" },
    ]);
    expect(report.fleet!.clusters.find((c) => c.name === "old")!.drawnRanges).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "west", "plan.md"), "utf8")).toContain("| **`west`** | Service CIDR | `10.96.0.0/16` | `services` |");
  });

  test("drawn ranges need an address plan", () => {
    const a = app();
    expect(() => new CalicoIpam(new TerraformStack(a, "east"), "ipam", { drawnRanges: { serviceCidrs: [{ addressSpace: "services", prefixLength: 16 }] } })).toThrow(
      /east\/ipam: drawnRanges draws the cluster's Service CIDRs and node networks from an address plan: give the CalicoIpam an addressPlan, or declare serviceCidrs\/nodeCidrs instead/,
    );
  });

  test("a Service CIDR both declared and drawn fails synth naming the cluster, and writes nothing", () => {
    const a = app();
    const plan = new AddressPlan(a, "addresses", { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }, { name: "services", cidr: "10.96.0.0/12" }] });
    const ipam = new CalicoIpam(new TerraformStack(a, "east"), "ipam", {
      addressPlan: plan,
      clusterName: "east",
      serviceCidrs: ["10.96.0.0/16"],
      drawnRanges: { serviceCidrs: [{ addressSpace: "services", prefixLength: 16 }] },
    });
    new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
    ipam.addPool("pods", { prefixLength: 16 });
    expect(synthError(a)).toMatch(/FLEET_DRAWN_RANGE_DECLARED at fleet clusters\.east\.drawnRanges\[0\]: cluster "east": it declares its serviceCidrs and also draws a Service CIDR/);
    expect(fs.existsSync(path.join(dir, "calico-ipam.lock.json"))).toBe(false);
  });

  test("a sub-space too small for its cluster's pools fails synth with both names, and writes nothing", () => {
    const a = app();
    const plan = new AddressPlan(a, "addresses", { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }], subSpaces: [{ name: "eu", addressSpace: "pods", prefixLength: 17 }] });
    const ipam = new CalicoIpam(new TerraformStack(a, "eu-1"), "ipam", { addressPlan: plan, clusterName: "eu-1", subSpaces: ["eu"] });
    new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
    ipam.addPool("pods", { prefixLength: 16 });
    expect(synthError(a)).toMatch(/FLEET_SUB_SPACE_TOO_SMALL at fleet subSpaces\.eu: sub-space "eu" \(10\.32\.0\.0\/17, 32,768 addresses\) is too small for the pools of cluster "eu-1": "pods" \/16 needs 65,536 addresses; give sub-space "eu" prefixLength 16 or less/);
    expect(fs.existsSync(path.join(dir, "calico-ipam.lock.json"))).toBe(false);
  });

  test("across apps: an app naming another app's published plan.json keeps clear of its ranges, and refuses one it pinned", () => {
    // Team A's repository: its own app and fleet ledger; synth publishes each cluster's plan.json.
    const teamA = Testing.app({ outdir: path.join(dir, "team-a") });
    const planA = new AddressPlan(teamA, "addresses", { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }], ledger: { file: "team-a.lock.json" } });
    for (const name of ["a-prod", "a-stage"]) {
      const ipam = new CalicoIpam(new TerraformStack(teamA, name), "ipam", { addressPlan: planA, clusterName: name });
      new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
      ipam.addPool("pods", { prefixLength: 16 });
    }
    teamA.synth();
    const published = path.join(dir, "team-a", "stacks", "a-prod", "plan.json");
    // Team B's repository: names team A's published plan file.
    const teamB = (pin?: string) => {
      const b = Testing.app({ outdir: path.join(dir, "team-b") });
      const planB = new AddressPlan(b, "addresses", { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }], ledger: { file: "team-b.lock.json" }, publishedPlans: [published] });
      const ipam = new CalicoIpam(new TerraformStack(b, "b-prod"), "ipam", { addressPlan: planB, clusterName: "b-prod" });
      new KubernetesProvider(TerraformStack.of(ipam), "k8s", {});
      ipam.addPool("pods", pin ? { cidr: pin } : { prefixLength: 16 });
      return { b, ipam };
    };
    const ok = teamB();
    ok.b.synth();
    expect(ok.ipam.pools[0].cidr).toBe("10.34.0.0/16");
    fs.rmSync(path.join(dir, "team-b.lock.json"));
    expect(synthError(teamB("10.33.4.0/24").b)).toMatch(
      /FLEET_RANGE_CONFLICT .*cluster "b-prod" pool "pods" \(10\.33\.4\.0\/24, pinned\) overlaps cluster "a-stage" pool "pods" \(10\.33\.0\.0\/16, published in .*a-prod.plan\.json\); .*\(isolatedFrom: \["a-stage"\] on "b-prod"\)/,
    );
  });

  test("per-cluster ledgers of an earlier version migrate into the fleet ledger, every range kept", () => {
    // Written by the earlier version: each cluster with its own file (and the same range, since they carved alone).
    const old = (file: string, cidr: string) =>
      fs.writeFileSync(file, JSON.stringify({ version: 1, pools: { pods: { family: 4, cidr, blockSize: 26, status: "active" } } }, null, 2) + "\n");
    old(path.join(dir, "east.lock.json"), "10.32.0.0/16");
    old(path.join(dir, "west.lock.json"), "10.40.0.0/16");
    const build = () => {
      const a = app();
      const plan = new AddressPlan(a, "addresses", { addressSpaces: [{ name: "company", cidr: "10.32.0.0/12" }] });
      const east = new Cluster(new TerraformStack(a, "east"), "cluster", { addressPlan: plan, clusterName: "east", ledger: { file: "east.lock.json" } });
      const west = new Cluster(new TerraformStack(a, "west"), "cluster", { addressPlan: plan, clusterName: "west", ledger: { file: "west.lock.json" } });
      const lab = new Cluster(new TerraformStack(a, "lab"), "cluster", { addressPlan: plan, clusterName: "lab" });
      return { a, east, west, lab };
    };
    const first = build();
    first.a.synth();
    expect([first.east.ipam.pools[0].cidr, first.west.ipam.pools[0].cidr, first.lab.ipam.pools[0].cidr]).toEqual(["10.32.0.0/16", "10.40.0.0/16", "10.33.0.0/16"]);
    const fleet = readLedger(path.join(dir, "calico-ipam.lock.json"))!;
    expect(fleet.clusters!.east.pools.pods.cidr).toBe("10.32.0.0/16");
    expect(fleet.clusters!.west.pools.pods.cidr).toBe("10.40.0.0/16");
    // Once migrated, the old files are no longer read.
    fs.rmSync(path.join(dir, "east.lock.json"));
    const second = build();
    second.a.synth();
    expect(second.east.ipam.pools[0].cidr).toBe("10.32.0.0/16");
  });

  test("two old per-cluster files holding the same range: an error naming both files, nothing written", () => {
    const old = (file: string) =>
      fs.writeFileSync(file, JSON.stringify({ version: 1, pools: { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } } }) + "\n");
    old(path.join(dir, "east.lock.json"));
    old(path.join(dir, "west.lock.json"));
    const a = app();
    const plan = new AddressPlan(a, "addresses", {});
    new Cluster(new TerraformStack(a, "east"), "cluster", { addressPlan: plan, clusterName: "east", ledger: { file: "east.lock.json" } });
    new Cluster(new TerraformStack(a, "west"), "cluster", { addressPlan: plan, clusterName: "west", ledger: { file: "west.lock.json" } });
    const message = synthError(a);
    expect(message).toContain(path.join(dir, "east.lock.json"));
    expect(message).toContain(path.join(dir, "west.lock.json"));
    expect(message).toMatch(/FLEET_RANGE_CONFLICT/);
    expect(fs.existsSync(path.join(dir, "calico-ipam.lock.json"))).toBe(false);
  });
});
