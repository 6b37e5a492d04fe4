import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";

/** A spec file with one pool `pods` (IPIP), and optionally the move to `pods-v2` at a phase. */
function specText(phase?: number, target = "prefixLength: 21"): string {
  return [
    "addressSpaces: [{ name: pods, cidr: 10.48.0.0/16 }]",
    "pools:",
    "  - { name: pods, prefixLength: 22, ipipMode: Always }",
    ...(phase !== undefined ? [`  - { name: pods-v2, ${target}, ipipMode: Always }`, "migrations:", `  - { migratePool: { from: pods, to: pods-v2 }, phase: ${phase} }`] : []),
    "namespaces: [{ name: shop }]",
    "topology:",
    "  nodes: [{ namePattern: \"node-{i}\", count: 3 }]",
    "  workloads: [{ name: web, namespace: shop, replicas: 100 }]",
    "",
  ].join("\n");
}

/** `calico-ipam plan <spec> --ledger <beside it> --write-ledger …`: a phase synthesized and recorded, as a pipeline runs it. */
function plan(file: string, ...more: string[]) {
  return runCli("plan", file, "--ledger", path.join(path.dirname(file), "calico-ipam.lock.json"), "--write-ledger", ...more);
}

function folder(): { dir: string; write: (text: string) => string; ledger: () => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-migration-"));
  const file = path.join(dir, "cluster.yaml");
  return {
    dir,
    write: (text) => (fs.writeFileSync(file, text), file),
    ledger: () => fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8"),
  };
}

describe("calico-ipam plan on a spec file with migrations", () => {
  test("the text report shows the runbook of the current phase, and the ledger records the phase", async () => {
    const f = folder();
    expect((await plan(f.write(specText()))).code).toBe(0);
    expect((await plan(f.write(specText(1)))).code).toBe(0);
    const r = await plan(f.write(specText(2)));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Migration migrate-pods (migratePool, pool pods → pods-v2): phase 2 of 3, disable-source (recorded: phase 1)");
    expect(r.stdout).toContain("    - IPPool pods (10.48.0.0/22) is updated in place to disabled: true: no new address comes from it; pods keep theirs");
    expect(r.stdout).toContain("    kubectl rollout restart deployment -n shop");
    expect(r.stdout).toContain("  Next: phase 3 (delete-source): deletes pods and releases 10.48.0.0/22 in the ledger");
    expect(r.stdout).toMatch(/ {4}2\. disable-source: 0 pods without address, 0 addresses left in the pool it leaves, 3 tunnel addresses/);
    expect(JSON.parse(f.ledger()).migrations["migrate-pods"].phase).toBe(2);
  });

  test("a target too small for the pods exits 1 naming the phase, and the ledger is not written", async () => {
    const f = folder();
    expect((await plan(f.write(specText()))).code).toBe(0);
    const before = f.ledger();
    const r = await plan(f.write(specText(1, "prefixLength: 26")));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR MIGRATION_PODS_WITHOUT_ADDRESS Migration\/migrate-pods \(migrations\.migrate-pods\.phases\[2\]\)\n {6}phase 2 \(disable-source\) of migration "migrate-pods" leaves \d+ pods without an address after their restart: "pods-v2" cannot hold every pod that moves/);
    expect(f.ledger()).toBe(before);
  });

  test("a skipped phase exits 1 with the way out, in JSON too", async () => {
    const f = folder();
    await plan(f.write(specText()));
    const r = await plan(f.write(specText(2)), "--format", "json");
    expect(r.code).toBe(1);
    const finding = JSON.parse(r.stdout).findings.find((x: { code: string }) => x.code === "MIGRATION_PHASE_SKIPPED");
    expect(finding).toMatchObject({ subject: "Migration/migrate-pods", path: "migrations[0].phase" });
    expect(finding.message).toMatch(/Set phase: 1 and apply/);
  });
});

describe("migrations checked against a live cluster's dump (harness.initialState)", () => {
  const dumps = "harness:\n  initialState:\n    dumps: [state/ipamblocks.json, state/blockaffinities.json, state/ipamhandles.json, state/nodes.json, state/pods.json]\n";
  /** A folder at phase `phase` of the move, with a dump of the cluster as the harness of `dumpedAt` left it. */
  async function atPhase(phase: number, dumpedAt: number | undefined) {
    const f = folder();
    await plan(f.write(specText()), ...(dumpedAt === undefined ? ["--export-state", path.join(f.dir, "state")] : []));
    for (let p = 1; p < phase; p++) await plan(f.write(specText(p)), ...(dumpedAt === p ? ["--export-state", path.join(f.dir, "state")] : []));
    return f;
  }

  test("the runbook of the disable phase names the namespaces and nodes the dump shows on the pool", async () => {
    const f = await atPhase(2, undefined);
    const r = await plan(f.write(specText(2) + dumps));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("    # the dump shows 100 pods with addresses in pods (10.48.0.0/22), in 1 namespace");
    expect(r.stdout).toContain("    kubectl delete pod -n shop --field-selector spec.nodeName=node-1");
    expect(r.stdout).toContain("    kubectl delete pod -n calico-system -l k8s-app=calico-node --field-selector spec.nodeName=node-2");
  });

  test("deleting a pool the dump still shows addresses in exits 1 naming the pods, and writes nothing", async () => {
    const f = await atPhase(3, undefined);
    const before = f.ledger();
    const r = await plan(f.write(specText(3) + dumps));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR MIGRATION_ADDRESSES_LEFT Migration\/migrate-pods \(migrations\.migrate-pods\.phases\[3\]\)\n {6}phase 3 \(delete-source\) of migration "migrate-pods" deletes pool "pods" \(10\.48\.0\.0\/22\), but the cluster's dump still shows 103 addresses allocated in it \(shop\/web-0 on node-\d/);
    expect(f.ledger()).toBe(before);
  });

  test("a dump taken once the pods moved lets the delete phase through", async () => {
    const f = await atPhase(3, 2);
    const r = await plan(f.write(specText(3) + dumps));
    expect(r.stdout).not.toMatch(/MIGRATION_ADDRESSES_LEFT|INITIAL_STATE_INVALID/);
    expect(r.code).toBe(0);
  });
});

test("with a dump, a target smaller than the addresses on the source fails from phase 1, without a topology", async () => {
  const f = folder();
  await plan(f.write(specText()), "--export-state", path.join(f.dir, "state"));
  const noTopology = (text: string) => text.replace(/topology:\n( {2}.*\n)+/, "");
  const r = await plan(f.write(noTopology(specText(1, "prefixLength: 26")) + "harness:\n  initialState:\n    dumps: [state/ipamblocks.json, state/blockaffinities.json, state/ipamhandles.json, state/nodes.json, state/pods.json]\n"));
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/MIGRATION_TARGET_TOO_SMALL[^\n]*\n {6}phase 2 \(disable-source\) of migration "migrate-pods": the cluster's dump shows 103 addresses in pool "pods" \(100 pods, 3 tunnel addresses\) that move to "pods-v2" when their pods restart, but "pods-v2" \(10\.48\.4\.0\/26\) has only 64 addresses/);
});
