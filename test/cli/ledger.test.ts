import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";

const run = runCli;

function ledgerFile(pools: Record<string, object>): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-cli-")), "calico-ipam.lock.json");
  fs.writeFileSync(file, JSON.stringify({ pools, version: 1 }, null, 2) + "\n");
  return file;
}

const pools = {
  racks: { blockSize: 26, cidr: "10.32.0.0/19", family: 4, status: "active" },
  old: { blockSize: 26, cidr: "10.33.0.0/16", family: 4, status: "draining" },
  v6: { blockSize: 122, cidr: "fd00:10::/64", family: 6, status: "active" },
};

describe("calico-ipam ledger", () => {
  test("show prints every pool as a table", async () => {
    const r = await run("ledger", "show", "--file", ledgerFile(pools));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/^\| NAME +\| FAMILY \| CIDR +\| BLOCK SIZE \| BLOCKS +\| STATUS +\|$/);
    expect(r.stdout).toMatch(/\| racks +\| IPv4 +\| 10\.32\.0\.0\/19 +\| +26 \| +128 \| active +\|/);
    expect(r.stdout).toMatch(/\| v6 +\| IPv6 +\| fd00:10::\/64 +\| +122 \| 288230376151711744 \| active +\|/);
    expect(lines[lines.length - 1]).toBe("3 pools: 2 active, 1 draining (draining pools stay disabled and their ranges reserved until released)");
    expect(r.stdout).toMatch(/old.*10\.33\.0\.0\/16.*draining/);
    expect(r.stdout.indexOf("racks")).toBeLessThan(r.stdout.indexOf("old"));
  });

  test("show --format json prints the ledger", async () => {
    const r = await run("ledger", "show", "--format", "json", "--file", ledgerFile(pools));
    expect(JSON.parse(r.stdout).pools.v6.cidr).toBe("fd00:10::/64");
  });

  test("release frees a retired pool and rewrites the file", async () => {
    const file = ledgerFile(pools);
    const r = await run("ledger", "release", "old", "--file", file);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pool "old": released/);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).pools.old).toBeUndefined();
  });

  test("release of an active pool is refused and the file is untouched", async () => {
    const file = ledgerFile(pools);
    const before = fs.readFileSync(file, "utf8");
    const r = await run("ledger", "release", "racks", "--file", file, "--format", "json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/racks/);
    expect(JSON.parse(r.stdout).error.message).toMatch(/racks/);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("a missing or corrupt ledger exits 2", async () => {
    expect((await run("ledger", "show", "--file", "/nonexistent/calico-ipam.lock.json")).stderr).toMatch(/no such ledger file/);
    const file = ledgerFile(pools);
    fs.writeFileSync(file, "{");
    const r = await run("ledger", "show", "--file", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });
});

describe("calico-ipam ledger show: migrations", () => {
  const file = path.join(__dirname, "..", "..", "examples", "migration", "calico-ipam.lock.json");

  test("text lists the example's migration after the pools, with its phase", async () => {
    const r = await run("ledger", "show", "--file", file);
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf("Migrations:")).toBeGreaterThan(r.stdout.indexOf("| pods-v2 "));
    expect(r.stdout).toMatch(/\| migrate-pods +\| migratePool +\| pods +\| pods-v2 +\| - +\| 1 of 3 \(add-target\) +\|/);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("2 pools: 2 active, 0 draining; 1 migration");
  });

  test("json includes the migrations section", async () => {
    const r = await run("ledger", "show", "--format", "json", "--file", file);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).migrations["migrate-pods"]).toMatchObject({ kind: "migratePool", phase: 1, pool: "pods", to: "pods-v2" });
  });
});
