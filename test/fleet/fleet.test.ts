import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cidr, findOverlaps } from "../../src/ip";
import { FleetClusterDeclaration, FleetPlan, FleetSpec, fleetHasErrors, planFleet, writeFleetLedgers } from "../../src/fleet";
import { Ledger, describeChange, parseLedger, readLedger, serializeLedger } from "../../src/ledger";
import type { IpamSpec } from "../../src/spec/types";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SPACE = [{ name: "pods", cidr: "10.32.0.0/12" }];

/** The cluster of the issue: a /16 of pods out of the company's 10.32.0.0/12. */
function cluster(name: string, extra: Partial<FleetClusterDeclaration> = {}, pools: IpamSpec["pools"] = [{ name: "pods", prefixLength: 16 }]): FleetClusterDeclaration {
  return { name, spec: { addressSpaces: SPACE, pools }, ...extra };
}

function cidrs(plan: FleetPlan): Record<string, Record<string, string | undefined>> {
  return Object.fromEntries(plan.clusters.map((c) => [c.name, Object.fromEntries(c.plan.pools.map((p) => [p.manifest.metadata.name, p.manifest.spec.cidr]))]));
}

function allErrors(plan: FleetPlan): string[] {
  return [...plan.findings, ...plan.clusters.flatMap((c) => c.plan.findings), ...plan.clusters.flatMap((c) => c.plan.pools.flatMap((p) => p.findings))]
    .filter((f) => f.severity === "error")
    .map((f) => `${f.code}: ${f.message}`);
}

describe("fleet-wide carving", () => {
  test("two clusters carving the same space get disjoint ranges", () => {
    const plan = planFleet({ clusters: [cluster("east"), cluster("west")] });
    expect(allErrors(plan)).toEqual([]);
    expect(cidrs(plan)).toEqual({ east: { pods: "10.32.0.0/16" }, west: { pods: "10.33.0.0/16" } });
  });

  test("the order clusters are declared in does not move them", () => {
    const a = planFleet({ clusters: [cluster("east"), cluster("west")] });
    const b = planFleet({ clusters: [cluster("west"), cluster("east")] });
    expect(cidrs(b)).toEqual(cidrs(a));
  });

  test("an isolated cluster may reuse a range, and the plan says which", () => {
    const plan = planFleet({ clusters: [cluster("prod"), cluster("lab", { isolatedFrom: "all" })] });
    expect(allErrors(plan)).toEqual([]);
    expect(cidrs(plan)).toEqual({ lab: { pods: "10.32.0.0/16" }, prod: { pods: "10.32.0.0/16" } });
    const lab = plan.clusters.find((c) => c.name === "lab")!;
    expect(lab.reuses).toEqual([{ pool: "pods", cidr: "10.32.0.0/16", cluster: "prod", otherPool: "pods", otherCidr: "10.32.0.0/16" }]);
  });

  test("an isolated cluster keeps clear of the clusters it peers with", () => {
    const plan = planFleet({ clusters: [cluster("prod"), cluster("lab", { isolatedFrom: "all", peers: ["prod"] })] });
    expect(cidrs(plan)).toEqual({ lab: { pods: "10.32.0.0/16" }, prod: { pods: "10.33.0.0/16" } });
    expect(plan.clusters.every((c) => c.reuses.length === 0)).toBe(true);
  });

  test("a cluster's Service CIDR is kept clear by the clusters it routes to", () => {
    const east: FleetClusterDeclaration = { name: "east", spec: { addressSpaces: SPACE, serviceCidrs: ["10.32.0.0/16"], pools: [{ name: "pods", prefixLength: 16 }] } };
    const plan = planFleet({ clusters: [east, cluster("west")] });
    const ranges = Object.values(cidrs(plan)).flatMap((c) => Object.values(c)) as string[];
    expect(ranges.every((r) => !Cidr.parse(r).overlaps(Cidr.parse("10.32.0.0/16")))).toBe(true);
  });

  test("no two connected clusters overlap, whatever their sizes (20 clusters, mixed dual-stack)", () => {
    const clusters = Array.from({ length: 20 }, (_, i) =>
      cluster(`c${i}`, {}, [
        { name: "pods", prefixLength: 16 + (i % 5) },
        { name: "batch", addresses: 1000 * (i + 1) },
        { name: "v6", ipVersion: 6, prefixLength: 64, addressSpace: "pods-v6" },
      ]),
    );
    const spec: FleetSpec = { addressSpaces: [{ name: "pods-v6", cidr: "fd00:10::/48" }], clusters };
    const plan = planFleet(spec);
    expect(allErrors(plan)).toEqual([]);
    const all = plan.clusters.flatMap((c) => c.plan.pools.map((p) => ({ c: c.name, cidr: Cidr.parse(p.manifest.spec.cidr!) })));
    expect(all).toHaveLength(60);
    expect(findOverlaps(all.map((a) => a.cidr))).toEqual([]);
  });
});

describe("one fleet ledger, a section per cluster", () => {
  test("ranges are recorded per cluster and kept when a cluster is added before them", () => {
    const file = path.join(dir, "calico-ipam.lock.json");
    const first = planFleet({ clusters: [cluster("east"), cluster("west")] }, { file });
    expect(writeFleetLedgers(first)).toEqual([file]);
    const ledger = readLedger(file)!;
    expect(Object.keys(ledger.clusters!)).toEqual(["east", "west"]);
    expect(ledger.pools).toEqual({});
    expect(ledger.clusters!.west.pools.pods.cidr).toBe("10.33.0.0/16");
    const second = planFleet({ clusters: [cluster("aaa"), cluster("east"), cluster("west")] }, { file });
    expect(cidrs(second)).toEqual({ aaa: { pods: "10.34.0.0/16" }, east: { pods: "10.32.0.0/16" }, west: { pods: "10.33.0.0/16" } });
  });

  test("an unchanged fleet leaves the file alone", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("east"), cluster("west")] }, { file }));
    expect(writeFleetLedgers(planFleet({ clusters: [cluster("west"), cluster("east")] }, { file }))).toEqual([]);
  });

  test("a cluster removed from code keeps its section, retired, and its range stays reserved", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("east"), cluster("west")] }, { file }));
    const plan = planFleet({ clusters: [cluster("west"), cluster("new")] }, { file });
    expect(allErrors(plan)).toEqual([]);
    expect(cidrs(plan).new.pods).toBe("10.34.0.0/16");
    expect(plan.ledgers[0].changes.map(describeChange)).toContain(
      'cluster "east": retired: no longer in code; its section is kept, every pool draining and its ranges reserved, until it is released (calico-ipam ledger release --cluster east) once the cluster is gone',
    );
    writeFleetLedgers(plan);
    expect(readLedger(file)!.clusters!.east.pools.pods).toEqual({ family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "draining" });
    expect(readLedger(file)!.clusters!.east.status).toBe("retired");
    // Planned again without it: nothing changes (the section stays retired).
    expect(planFleet({ clusters: [cluster("west"), cluster("new")] }, { file }).ledgers[0].changes).toEqual([]);
    // Released in a later run, its section goes.
    const released = planFleet({ clusters: [cluster("west"), cluster("new")] }, { file, releaseClusters: ["east"] });
    expect(allErrors(released)).toEqual([]);
    writeFleetLedgers(released);
    expect(Object.keys(readLedger(file)!.clusters!)).toEqual(["new", "west"]);
  });

  test("a retired cluster declared in code again is active again, its ranges kept", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("east"), cluster("west")] }, { file }));
    writeFleetLedgers(planFleet({ clusters: [cluster("west")] }, { file }));
    const back = planFleet({ clusters: [cluster("east"), cluster("west")] }, { file });
    expect(allErrors(back)).toEqual([]);
    expect(back.ledgers[0].changes.map(describeChange)).toEqual([
      'cluster "east": declared in code again; its section is active, its recorded ranges kept',
      'cluster "east": pool "pods": reactivated 10.32.0.0/16 (block /26), its recorded range',
    ]);
    writeFleetLedgers(back);
    expect(readLedger(file)!.clusters!.east.status).toBeUndefined();
  });

  test("the diff says which cluster a change touches", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("east"), cluster("west")] }, { file }));
    const plan = planFleet({ clusters: [cluster("east"), cluster("west", {}, [{ name: "pods", prefixLength: 16 }, { name: "batch", prefixLength: 20 }])] }, { file });
    expect(plan.ledgers[0].changes).toEqual([{ kind: "added", name: "batch", after: { family: 4, cidr: "10.34.0.0/20", blockSize: 26, status: "active" }, cluster: "west" }]);
  });

  test("frozen mode refuses a change, naming the cluster", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("east")] }, { file }));
    const plan = planFleet({ clusters: [cluster("east"), cluster("west")] }, { file, frozen: true });
    expect(allErrors(plan).join("\n")).toMatch(/LEDGER_FROZEN: the ledger .*fleet\.lock\.json \(cluster "west"\) is frozen.*\n {2}- pool "pods": added 10\.33\.0\.0\/16/);
    expect(writeFleetLedgers(plan)).toEqual([]);
  });

  test("frozen per cluster: only that cluster's changes are refused", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("east")] }, { file }));
    const plan = planFleet({ clusters: [cluster("east", { ledger: { frozen: true } }), cluster("west")] }, { file });
    expect(allErrors(plan)).toEqual([]);
  });
});

describe("per-cluster ledgers of earlier versions migrate", () => {
  function oldLedger(file: string, pools: Ledger["pools"]): string {
    const text = serializeLedger({ version: 1, pools });
    fs.writeFileSync(file, text);
    return text;
  }

  test("every entry keeps its range, and the old files are left as they were", () => {
    const eastFile = path.join(dir, "east.lock.json");
    const westFile = path.join(dir, "west.lock.json");
    const eastText = oldLedger(eastFile, { pods: { family: 4, cidr: "10.40.0.0/16", blockSize: 26, status: "active" }, old: { family: 4, cidr: "10.41.0.0/20", blockSize: 26, status: "draining" } });
    const westText = oldLedger(westFile, { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } });
    const file = path.join(dir, "calico-ipam.lock.json");
    const plan = planFleet({ clusters: [cluster("east", { ledger: { migrateFrom: eastFile } }), cluster("west", { ledger: { migrateFrom: westFile } })] }, { file });
    expect(allErrors(plan)).toEqual([]);
    // The draining pool stays in the plan, disabled, until it is released.
    expect(cidrs(plan)).toEqual({ east: { pods: "10.40.0.0/16", old: "10.41.0.0/20" }, west: { pods: "10.32.0.0/16" } });
    expect(plan.findings.map((f) => f.code)).toEqual(["FLEET_LEDGER_MIGRATED", "FLEET_LEDGER_MIGRATED"]);
    writeFleetLedgers(plan);
    const fleet = readLedger(file)!;
    expect(fleet.clusters!.east.pools).toEqual(parseLedger(eastText).pools);
    expect(fleet.clusters!.west.pools).toEqual(parseLedger(westText).pools);
    expect(fs.readFileSync(eastFile, "utf8")).toBe(eastText);
    expect(fs.readFileSync(westFile, "utf8")).toBe(westText);
  });

  test("two old files that overlap are an error naming both files and clusters, and nothing is written", () => {
    const eastFile = path.join(dir, "east.lock.json");
    const westFile = path.join(dir, "west.lock.json");
    oldLedger(eastFile, { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } });
    oldLedger(westFile, { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } });
    const file = path.join(dir, "calico-ipam.lock.json");
    const plan = planFleet({ clusters: [cluster("east", { ledger: { migrateFrom: eastFile } }), cluster("west", { ledger: { migrateFrom: westFile } })] }, { file });
    const conflict = plan.findings.find((f) => f.code === "FLEET_RANGE_CONFLICT")!;
    expect(conflict.message).toContain(eastFile);
    expect(conflict.message).toContain(westFile);
    expect(conflict.message).toMatch(/cluster "west" pool "pods".*cluster "east" pool "pods"/);
    expect(fleetHasErrors(plan)).toBe(true);
    expect(writeFleetLedgers(plan)).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
  });

  test("the same two files are fine for clusters declared isolated", () => {
    const eastFile = path.join(dir, "east.lock.json");
    const westFile = path.join(dir, "west.lock.json");
    oldLedger(eastFile, { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } });
    oldLedger(westFile, { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } });
    const plan = planFleet(
      { clusters: [cluster("east", { ledger: { migrateFrom: eastFile } }), cluster("west", { isolatedFrom: ["east"], ledger: { migrateFrom: westFile } })] },
      { file: path.join(dir, "calico-ipam.lock.json") },
    );
    expect(allErrors(plan)).toEqual([]);
  });

  test("per-cluster files stay per-cluster files, carved fleet-wide", () => {
    const eastFile = path.join(dir, "east.lock.json");
    const westFile = path.join(dir, "west.lock.json");
    const plan = planFleet({ clusters: [cluster("east", { ledger: { file: eastFile } }), cluster("west", { ledger: { file: westFile } })] }, { sections: "shared" });
    writeFleetLedgers(plan);
    expect(readLedger(eastFile)).toEqual({ version: 1, pools: { pods: { family: 4, cidr: "10.32.0.0/16", blockSize: 26, status: "active" } } });
    expect(readLedger(westFile)).toEqual({ version: 1, pools: { pods: { family: 4, cidr: "10.33.0.0/16", blockSize: 26, status: "active" } } });
  });

  test("several ledger files are written all or nothing: a file that cannot be written leaves every file as it was", () => {
    const eastFile = path.join(dir, "east.lock.json");
    // A name the file system takes, but not the name of its temporary file: writing that one fails.
    const westFile = path.join(dir, `${"w".repeat(240)}.lock.json`);
    writeFleetLedgers(planFleet({ clusters: [cluster("east", { ledger: { file: eastFile } })] }, { sections: "shared" }));
    const before = fs.readFileSync(eastFile, "utf8");
    const plan = planFleet(
      { clusters: [cluster("east", { ledger: { file: eastFile } }, [{ name: "pods", prefixLength: 16 }, { name: "batch", prefixLength: 20 }]), cluster("west", { ledger: { file: westFile } })] },
      { sections: "shared" },
    );
    expect(allErrors(plan)).toEqual([]);
    expect(plan.ledgers.map((l) => l.changes.length)).toEqual([1, 1]);
    expect(() => writeFleetLedgers(plan)).toThrow(
      expect.objectContaining({ code: "LEDGER_UNWRITABLE", message: expect.stringMatching(/the file name is too long .*; nothing was changed \(nor .*east\.lock\.json, written together with it\)$/) }),
    );
    expect(fs.readFileSync(eastFile, "utf8")).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(["east.lock.json"]);
  });

  test("a single-cluster ledger at the top level moves into the section of the cluster named as its owner", () => {
    const file = path.join(dir, "calico-ipam.lock.json");
    oldLedger(file, { pods: { family: 4, cidr: "10.40.0.0/16", blockSize: 26, status: "active" } });
    const ambiguous = planFleet({ clusters: [cluster("east"), cluster("west")] }, { file, sections: "shared" });
    expect(ambiguous.findings.map((f) => f.code)).toContain("FLEET_LEDGER_UNNAMED_SECTION");
    const plan = planFleet({ clusters: [cluster("east"), cluster("west")] }, { file, sections: "shared", legacyCluster: "east" });
    expect(allErrors(plan)).toEqual([]);
    // Best fit: the /16 left beside east's range, not a piece of the free /13 below it.
    expect(cidrs(plan)).toEqual({ east: { pods: "10.40.0.0/16" }, west: { pods: "10.41.0.0/16" } });
    writeFleetLedgers(plan);
    const ledger = readLedger(file)!;
    expect(ledger.pools).toEqual({});
    expect(ledger.clusters!.east.pools.pods.cidr).toBe("10.40.0.0/16");
  });
});

describe("across apps", () => {
  test("a cluster of another app keeps its section, and its ranges are refused to this app's clusters", () => {
    const file = path.join(dir, "fleet.lock.json");
    writeFleetLedgers(planFleet({ clusters: [cluster("team-a")] }, { file }));
    const teamB = planFleet({ clusters: [cluster("team-b")] }, { file, external: ["team-a"] });
    expect(cidrs(teamB)).toEqual({ "team-b": { pods: "10.33.0.0/16" } });
    writeFleetLedgers(teamB);
    expect(Object.keys(readLedger(file)!.clusters!)).toEqual(["team-a", "team-b"]);
    expect(readLedger(file)!.clusters!["team-a"].pools.pods.status).toBe("active");
    const pinned = planFleet({ clusters: [cluster("team-c", {}, [{ name: "pods", cidr: "10.32.128.0/17" }])] }, { file, external: ["team-a", "team-b"] });
    expect(allErrors(pinned).join("\n")).toMatch(/FLEET_RANGE_CONFLICT: cluster "team-c" pool "pods" \(10\.32\.128\.0\/17, pinned\) overlaps cluster "team-a" pool "pods" \(10\.32\.0\.0\/16, recorded in .*fleet\.lock\.json by another app\); .*\(isolatedFrom: \["team-a"\] on "team-c"\)/);
  });
});
