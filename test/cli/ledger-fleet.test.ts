import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli as run } from "../helpers/cli";
import { readLedger } from "../../src/ledger";

/** A fleet ledger: sub-spaces, and clusters east and west, each with a draining pool "old"; east also "legacy". */
function fleetLedgerFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-ledger-fleet-"));
  const file = path.join(dir, "calico-ipam.lock.json");
  const pool = (cidr: string, status: string) => ({ blockSize: 26, cidr, family: 4, status });
  fs.writeFileSync(
    file,
    JSON.stringify({
      clusters: {
        east: { pools: { legacy: pool("10.34.0.0/24", "draining"), old: pool("10.33.0.0/24", "draining"), pods: pool("10.32.0.0/16", "active") } },
        west: { pools: { old: pool("10.41.0.0/24", "draining"), pods: pool("10.40.0.0/16", "active") } },
      },
      pools: {},
      subSpaces: { eu: { cidr: "10.32.0.0/14", family: 4, status: "active" }, us: { cidr: "10.40.0.0/14", family: 4, status: "active" } },
      version: 1,
    }),
  );
  return file;
}

describe("calico-ipam ledger on a fleet ledger", () => {
  test("show: the sub-spaces, then each cluster's section under its name", async () => {
    const r = await run("ledger", "show", "--file", fleetLedgerFile());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| SUB-SPACE \| FAMILY \| CIDR +\| STATUS \|\n.*\n\| eu +\| IPv4 +\| 10\.32\.0\.0\/14 \| active \|\n\| us +\| IPv4 +\| 10\.40\.0\.0\/14 \| active \|/);
    expect(r.stdout).toMatch(/Cluster "east":\n.*\n.*\n.*\n\| pods +\| IPv4 +\| 10\.32\.0\.0\/16 \|/);
    expect(r.stdout.indexOf('Cluster "east":')).toBeLessThan(r.stdout.indexOf('Cluster "west":'));
    expect(r.stdout).toMatch(/A fleet ledger: 2 cluster sections, 2 sub-spaces/);
  });

  test("show --cluster: that section alone, as a single-cluster ledger in JSON", async () => {
    const r = await run("ledger", "show", "--file", fleetLedgerFile(), "--cluster", "west", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      pools: { old: { blockSize: 26, cidr: "10.41.0.0/24", family: 4, status: "draining" }, pods: { blockSize: 26, cidr: "10.40.0.0/16", family: 4, status: "active" } },
      version: 1,
    });
  });

  test("show --cluster of a cluster the ledger does not have: exit 2 naming the clusters", async () => {
    const r = await run("ledger", "show", "--file", fleetLedgerFile(), "--cluster", "north");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cluster north: the ledger has no section for cluster "north" \(clusters: "east", "west"\)/);
  });

  test("release --cluster releases in that cluster's section only, and says which cluster", async () => {
    const file = fleetLedgerFile();
    const r = await run("ledger", "release", "old", "--file", file, "--cluster", "west");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cluster "west": pool "old": released 10\.41\.0\.0\/24 \(block \/26\); the range may be carved again\n/);
    const after = readLedger(file)!;
    expect(Object.keys(after.clusters!.west.pools)).toEqual(["pods"]);
    expect(Object.keys(after.clusters!.east.pools)).toEqual(["legacy", "old", "pods"]);
    expect(Object.keys(after.subSpaces!)).toEqual(["eu", "us"]);
  });

  test("release without --cluster: a pool only one cluster records is released there", async () => {
    const file = fleetLedgerFile();
    const r = await run("ledger", "release", "legacy", "--file", file, "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).released).toEqual([{ cluster: "east", pool: "legacy" }]);
  });

  test.each([
    [["old"], /"old" is in the sections of clusters "east", "west": say which with --cluster east/],
    [["nope"], /"nope" is neither a pool nor a drawn range in any cluster's section of this fleet ledger \(clusters: "east", "west"\); check the name \(pools by name, drawn ranges by key such as "service-ipv4"\)/],
    [["pods", "--cluster", "east"], /\(cluster "east"\): pool "pods" \(10\.32\.0\.0\/16\) is still active/],
  ])("release %j: exit 2 with the clusters named, and the file left alone", async (args, expected) => {
    const file = fleetLedgerFile();
    const before = fs.readFileSync(file, "utf8");
    const r = await run("ledger", "release", ...args, "--file", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });
});

describe("calico-ipam ledger release --cluster: a retired cluster's whole section", () => {
  /** A fleet ledger where "gone" was found no longer in code (retired, pools draining) and "prod" is in code. */
  function retiredLedgerFile(gone: object = { status: "retired", pools: { pods: pool("10.33.0.0/16", "draining") }, drawnRanges: { "service-ipv4": { cidr: "10.97.0.0/16", family: 4, kind: "service" } } }): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-ledger-retired-"));
    const file = path.join(dir, "calico-ipam.lock.json");
    fs.writeFileSync(file, JSON.stringify({ clusters: { gone, prod: { pools: { pods: pool("10.32.0.0/16", "active") } } }, pools: {}, version: 1 }));
    return file;
  }
  function pool(cidr: string, status: string) {
    return { blockSize: 26, cidr, family: 4, status };
  }

  test("show marks the retired section and says how to release it", async () => {
    const file = retiredLedgerFile();
    const r = await run("ledger", "show", "--file", file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Cluster "gone" (retired: no longer in code, every pool draining; once it is gone: calico-ipam ledger release --cluster gone):\n');
    expect(r.stdout).toContain('Cluster "prod":\n');
    const one = await run("ledger", "show", "--file", file, "--cluster", "gone");
    expect(one.stdout).toMatch(/^Cluster "gone" \(retired: /);
  });

  test("releases the section whole (pools, drawn ranges), leaving the others; JSON names the cluster", async () => {
    const file = retiredLedgerFile();
    const r = await run("ledger", "release", "--file", file, "--cluster", "gone", "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file, released: [{ cluster: "gone", pool: "pods" }], releasedClusters: ["gone"] });
    expect(Object.keys(readLedger(file)!.clusters!)).toEqual(["prod"]);
    const text = await run("ledger", "release", "--file", retiredLedgerFile(), "--cluster", "gone");
    expect(text.stdout).toMatch(/^cluster "gone": released; its section is deleted and its ranges may be handed out again\n/);
  });

  test.each<[string, object | undefined, string, RegExp]>([
    ["a cluster still in code (its section not retired)", undefined, "prod", /cluster "prod" is not retired: it is still in code, or no synth has run since it was removed\. Remove it from code and synth/],
    ["a retired section whose pool is still active", { status: "retired", pools: { pods: { blockSize: 26, cidr: "10.33.0.0/16", family: 4, status: "active" } } }, "gone", /cluster "gone" is retired, but its pool "pods" is still active, and pods may still hold their addresses/],
    ["a cluster the ledger does not have", undefined, "north", /--cluster north: the ledger has no section for cluster "north" \(clusters: "gone", "prod"\)/],
  ])("refuses %s: exit 2, the file unchanged", async (_, gone, cluster, expected) => {
    const file = retiredLedgerFile(gone);
    const before = fs.readFileSync(file, "utf8");
    const r = await run("ledger", "release", "--file", file, "--cluster", cluster);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("without pool names or --cluster: exit 2 with the way out", async () => {
    const r = await run("ledger", "release", "--file", retiredLedgerFile());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name the draining pools to release, or give --cluster NAME to release a retired cluster's whole section/);
  });
});

describe("calico-ipam ledger release --cluster NAME KEY: a drawn range the cluster no longer draws", () => {
  function drawnLedgerFile(status?: "draining"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-ledger-drawn-"));
    const file = path.join(dir, "calico-ipam.lock.json");
    const service = { cidr: "10.96.0.0/16", family: 4, kind: "service", ...(status ? { status } : {}) };
    const pods = { blockSize: 26, cidr: "10.32.0.0/16", family: 4, status: "active" };
    fs.writeFileSync(file, JSON.stringify({ clusters: { west: { drawnRanges: { "node-ipv4": { cidr: "10.0.0.0/20", family: 4, kind: "node" }, "service-ipv4": service }, pools: { pods } } }, pools: {}, version: 1 }));
    return file;
  }

  test("show lists it as draining with the command that releases it", async () => {
    const r = await run("ledger", "show", "--file", drawnLedgerFile("draining"), "--cluster", "west");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| RANGE +\| KIND +\| CIDR +\| STATUS +\|\n.*\n\| node-ipv4 +\| node network \| 10\.0\.0\.0\/20 +\| active +\|\n\| service-ipv4 \| Service CIDR \| 10\.96\.0\.0\/16 \| draining \|/);
    expect(r.stdout).toContain("once no Service or node uses them: calico-ipam ledger release --cluster west service-ipv4\n");
    // The summary line counts it, as it counts draining pools.
    expect(r.stdout).toMatch(/\n1 pool: 1 active, 0 draining; 1 drawn range draining\n$/);
    // Without a draining range the table is as before: no STATUS column, no count in the summary.
    const active = await run("ledger", "show", "--file", drawnLedgerFile(), "--cluster", "west");
    expect(active.stdout).toMatch(/\| RANGE +\| KIND +\| CIDR +\|\n/);
    expect(active.stdout).not.toContain("ledger release");
    expect(active.stdout).toMatch(/\n1 pool: 1 active, 0 draining\n$/);
  });

  test("show counts draining drawn ranges in the summary of a section without pools, and of the whole fleet ledger", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-ledger-drawn-"));
    const file = path.join(dir, "calico-ipam.lock.json");
    const drawnRanges = { "node-ipv4": { cidr: "10.0.0.0/20", family: 4, kind: "node", status: "draining" }, "service-ipv4": { cidr: "10.96.0.0/16", family: 4, kind: "service", status: "draining" } };
    fs.writeFileSync(file, JSON.stringify({ clusters: { west: { drawnRanges, pools: {} } }, pools: {}, version: 1 }));
    const r = await run("ledger", "show", "--file", file, "--cluster", "west");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nThe ledger has no pools; 2 drawn ranges draining\.\n$/);
    const all = await run("ledger", "show", "--file", file);
    expect(all.stdout).toContain("\nThe ledger has no pools; 2 drawn ranges draining.\n");
  });

  test("releases it by its key, the rest of the section kept; JSON names cluster and key", async () => {
    const file = drawnLedgerFile("draining");
    const r = await run("ledger", "release", "service-ipv4", "--file", file, "--cluster", "west", "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file, released: [], releasedDrawnRanges: [{ cluster: "west", range: "service-ipv4" }] });
    const after = readLedger(file)!.clusters!.west;
    expect(after.drawnRanges).toEqual({ "node-ipv4": { cidr: "10.0.0.0/20", family: 4, kind: "node" } });
    expect(Object.keys(after.pools)).toEqual(["pods"]);
    // Without --cluster: the one section that records it.
    const text = await run("ledger", "release", "service-ipv4", "--file", drawnLedgerFile("draining"));
    expect(text.stdout).toMatch(/^cluster "west": Service CIDR "service-ipv4": released 10\.96\.0\.0\/16; the range may be drawn or carved again\n/);
  });

  test("refuses an active one: exit 2 naming file, cluster, key and the way out; the file unchanged", async () => {
    const file = drawnLedgerFile();
    const before = fs.readFileSync(file, "utf8");
    const r = await run("ledger", "release", "service-ipv4", "--file", file, "--cluster", "west");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file} (cluster "west"): drawn range "service-ipv4" (Service CIDR 10.96.0.0/16) is still drawn from the fleet's address plan, and Services may still hold its ClusterIPs. ` +
        "Remove it from the cluster's drawnRanges first and synth, so it is draining; release it once nothing uses the range",
    );
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });
});
