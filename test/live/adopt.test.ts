import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { emptyLedger, parseLedger } from "../../src/ledger";
import type { Ledger } from "../../src/ledger";
import { adoptLivePools } from "../../src/live";
import { pool, read } from "./helpers";

const root = path.resolve(__dirname, "..", "..");

const run = runCli;

const ledgerWith = (pools: Ledger["pools"]): Ledger => ({ ...emptyLedger(), pools });

describe("adopting live pools into the ledger", () => {
  test("a live pool the ledger does not know is recorded as adopted, with its CIDR and block size", () => {
    const r = adoptLivePools(emptyLedger(), read([pool("legacy", "10.99.0.0/24", { blockSize: 28 }), pool("v6", "fd00:99::/64")]));
    expect(r.conflicts).toEqual([]);
    expect(r.ledger.pools).toEqual({
      legacy: { family: 4, cidr: "10.99.0.0/24", blockSize: 28, status: "adopted" },
      v6: { family: 6, cidr: "fd00:99::/64", blockSize: 122, status: "adopted" },
    });
    expect(r.pools.map((p) => p.outcome)).toEqual(["adopted", "adopted"]);
  });

  test("pools the ledger records (by name or by range) are left alone", () => {
    const before = ledgerWith({ a: { family: 4, cidr: "10.0.0.0/24", blockSize: 26, status: "active" }, b: { family: 4, cidr: "10.1.0.0/24", blockSize: 26, status: "active" } });
    const r = adoptLivePools(before, read([pool("a", "10.0.0.0/24"), pool("b-renamed", "10.1.0.0/24")]));
    expect(r.ledger).toBe(before);
    expect(r.pools).toEqual([
      { name: "a", cidr: "10.0.0.0/24", outcome: "recorded" },
      { name: "b-renamed", cidr: "10.1.0.0/24", outcome: "recorded", reason: 'recorded as "b"' },
    ]);
  });

  test.each([
    ["a name recorded with another range", { a: { family: 4 as const, cidr: "10.5.0.0/24", blockSize: 26, status: "draining" as const } }, pool("a", "10.0.0.0/24"), /live pool "a" is 10\.0\.0\.0\/24 but the ledger records "a" \(draining\) at 10\.5\.0\.0\/24/],
    ["a range overlapping a recorded pool", { big: { family: 4 as const, cidr: "10.0.0.0/16", blockSize: 26, status: "active" as const } }, pool("x", "10.0.3.0/24"), /live pool "x" \(10\.0\.3\.0\/24\) overlaps 10\.0\.0\.0\/16, the range the ledger records for pool "big" \(active\)/],
  ])("%s is a conflict, and nothing is adopted", (_name, pools, live, message) => {
    const before = ledgerWith(pools);
    const r = adoptLivePools(before, read([live, pool("fine", "10.200.0.0/24")]));
    expect(r.conflicts).toEqual([expect.stringMatching(message)]);
    expect(r.ledger).toBe(before);
  });

  test("calico-ipam ledger adopt writes the ledger once, and a second run changes nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-adopt-"));
    const file = path.join(dir, "calico-ipam.lock.json");
    fs.copyFileSync(path.join(root, "examples/plan/calico-ipam.lock.json"), file);
    const first = await run("ledger", "adopt", path.join(root, "examples/live/calico.yaml"), "--file", file);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("adopted  default-ipv4-ippool 192.168.0.0/16");
    expect(first.stdout).toContain("recorded rack-a 10.32.16.0/20");
    const ledger = parseLedger(fs.readFileSync(file, "utf8"));
    expect(Object.keys(ledger.pools)).toEqual(["batch", "default-ipv4-ippool", "edge", "legacy", "pods-v6", "rack-a", "rack-b"]);
    // The live spec is recorded too, so that a migration away from the pool disables it unchanged.
    expect(ledger.pools.edge).toEqual({ family: 4, cidr: "10.40.0.0/25", blockSize: 26, status: "adopted", spec: { allowedUses: ["Workload"], natOutgoing: true, nodeSelector: 'role == "edge"' } });
    const second = await run("ledger", "adopt", path.join(root, "examples/live/calico.yaml"), "--file", file, "--format", "json");
    expect(JSON.parse(second.stdout)).toMatchObject({ written: false, conflicts: [] });
    // Inspect's drift now finds every live pool in the ledger.
    const inspect = await run("inspect", path.join(root, "examples/live/calico.yaml"), "--plan", path.join(root, "examples/plan/cluster.yaml"), "--ledger", file, "--format", "json");
    expect(JSON.parse(inspect.stdout).drift.poolsNotInLedger).toEqual([]);
  });

  test("a conflict exits 1 and leaves the ledger file untouched", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-adopt-"));
    const file = path.join(dir, "lock.json");
    const text = JSON.stringify({ version: 1, pools: { "rack-a": { family: 4, cidr: "10.77.0.0/20", blockSize: 26, status: "draining" } } }, null, 2) + "\n";
    fs.writeFileSync(file, text);
    const r = await run("ledger", "adopt", path.join(root, "examples/live/calico.yaml"), "--file", file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/CONFLICT live pool "rack-a" is 10\.32\.16\.0\/20 but the ledger records "rack-a" \(draining\) at 10\.77\.0\.0\/20/);
    expect(fs.readFileSync(file, "utf8")).toBe(text);
  });
});
