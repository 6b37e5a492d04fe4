import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { runCli } from "../helpers/cli";

const root = path.resolve(__dirname, "..", "..");
const dump = [path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")];

const run = runCli;

describe("calico-ipam inspect", () => {
  test("the example dump prints calicoctl ipam show's table and exits 1 on its error findings", async () => {
    const r = await run("inspect", ...dump);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Calico IPAM state \(2 dump files\): FAILED, 3 errors, 15 warnings\n/);
    expect(r.stdout).toContain("| GROUPING |      CIDR       | IPS TOTAL | IPS IN USE |    IPS FREE     |");
    expect(r.stdout).toContain("| IP Pool  | 10.32.16.0/20   |     4,096 | 8 (0%)     | 4,088 (100%)    |");
    // Exact counts, never Go's %.5g (1.8447e+19): an IPv6 /64 reads as a power of two.
    expect(r.stdout).toContain("| IP Pool  | fd00:10:32::/64 | 2^64      | 1 (0%)     | 2^64 - 1 (100%) |");
    expect(r.stdout).not.toContain("| Block ");
    expect(r.stdout).toContain("  Check complete; found 5 problems.");
  });

  test("--show-blocks, --show-borrowed and --show-configuration add calicoctl's tables", async () => {
    const r = await run("inspect", ...dump, "--show-blocks", "--show-borrowed", "--show-configuration");
    expect(r.stdout).toContain("| Block    | 10.32.16.0/26    |        64 | 5 (8%)     | 59 (92%)        |");
    // A block of no pool is listed after the pools, as calicoctl groups it under a hidden pool.
    expect(r.stdout).toMatch(/\| Block {4}\| 10\.32\.32\.32\/27 .*\n\| Block {4}\| 10\.200\.0\.0\/26 /);
    expect(r.stdout).toContain("|     IP     | BORROWING-NODE |     BLOCK     | BLOCK OWNER | TYPE |       ALLOCATED-TO       |");
    expect(r.stdout).toContain("| 10.32.16.4 | rack-a-02      | 10.32.16.0/26 | rack-a-01   | pod  | web/frontend-7c9f8-b8wzt |");
    expect(r.stdout).toContain("| MaxBlocksPerHost             |         0 |");
  });

  test("--format json is the versioned report, byte-identical on every run", async () => {
    const a = await run("inspect", ...dump, "--format", "json");
    const b = await run("inspect", ...dump, "--format", "json");
    expect(a.stdout).toBe(b.stdout);
    const report = JSON.parse(a.stdout);
    expect(report).toMatchObject({ schema: "cdktf-calico-ipam/inspect", schemaVersion: 1, summary: { errors: 3, warnings: 15 } });
    expect(report.objects).toEqual({ BlockAffinity: 13, IPAMBlock: 12, IPAMConfiguration: 1, IPAMHandle: 18, IPPool: 6, IPReservation: 1, Namespace: 6, Node: 5, Pod: 14 });
  });

  test("--format markdown is made for a pull request", async () => {
    const r = await run("inspect", ...dump, "--format", "markdown", "--show-blocks");
    expect(r.stdout).toMatch(/^## ❌ Calico IPAM state: 3 errors, 15 warnings\n/);
    expect(r.stdout).toContain("| GROUPING | CIDR | IPS TOTAL | IPS IN USE | IPS FREE |");
    expect(r.stdout).toContain("**BLOCK\\_OVERLAP**");
  });

  test("a clean dump exits 0", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-inspect-"));
    const f = path.join(dir, "pools.json");
    fs.writeFileSync(f, JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "p" }, spec: { cidr: "10.0.0.0/24" } }] }));
    const r = await run("inspect", f);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: OK, 0 errors, 0 warnings/);
  });

  test("an unreadable dump exits 2 with the file named; with --format json the error is JSON", async () => {
    const r = await run("inspect", path.join(root, "no-such-dump.yaml"), "--format", "json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-dump\.yaml: no such file/);
    expect(JSON.parse(r.stdout).error.message).toMatch(/no such file/);
  });

  test("the built CLI runs it end to end", () => {
    const bin = path.join(root, "bin", "calico-ipam.js");
    if (!fs.existsSync(path.join(root, "lib", "cli", "inspect-command.js"))) return; // built by npm test before jest
    const r = spawnSync(process.execPath, [bin, "inspect", ...dump, "--format", "json"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).checks.problems).toBe(5);
  });
});
