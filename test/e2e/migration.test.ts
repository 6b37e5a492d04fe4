/**
 * examples/migration, phase by phase, as a user runs it: the example's own main.ts with its phase
 * constants raised one step at a time, each synth in a fresh folder with the ledger the previous synth
 * wrote (the committed one first); then plan.json, plan.md, cdk.tf.json and `calico-ipam diff` between
 * consecutive phases.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../../src/cli/main";
import { runExample } from "../helpers/example";

const root = path.resolve(__dirname, "..", "..");
const example = path.join(root, "examples", "migration");

interface Synth {
  readonly dir: string;
  readonly stack: string;
  readonly report: {
    summary: { errors: number };
    findings: Array<{ severity: string; code: string; message: string }>;
    migrations: Array<{ name: string; phase: number; recordedPhase: number; runbook: { apply: string[]; manual: string[]; verify: string[]; expected: string; next: string | null }; checks: Array<{ phase: number; podsFailed: number; addressesLeft: number }> }>;
  };
  readonly markdown: string;
  readonly pools: Record<string, Record<string, unknown>>;
  readonly ledger: { pools: Record<string, { status: string; blockSize: number }>; migrations?: Record<string, { phase: number }> };
}

const made: string[] = [];

/** Runs the example with its two phase constants set, against the given ledger; throws what synth throws. */
function synth(move: number, blockSize: number, ledger: string): Synth {
  const edit = (source: string) =>
    source.replace(/const MOVE_TO_PODS_V2 = \d+;/, `const MOVE_TO_PODS_V2 = ${move};`).replace(/const BLOCK_SIZE_OF_PODS_V2 = \d+;/, `const BLOCK_SIZE_OF_PODS_V2 = ${blockSize};`);
  let dir: string | undefined;
  try {
    dir = runExample("migration", ledger, edit, `migration-${move}-${blockSize}`);
  } finally {
    // A synth that throws leaves its folder too: the newest migration-* folder is removed with the others.
    const out = path.join(root, "cdktf.out");
    for (const d of fs.readdirSync(out)) if (d.startsWith(`migration-${move}-${blockSize}-`) && !made.includes(path.join(out, d))) made.push(path.join(out, d));
  }
  const stack = path.join(dir, "cdktf.out", "stacks", "migration");
  const tf = JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8"));
  const pools: Record<string, Record<string, unknown>> = {};
  for (const r of Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string; metadata: { name: string }; spec: Record<string, unknown> } }>)) {
    if (r.manifest.kind === "IPPool") pools[r.manifest.metadata.name] = r.manifest.spec;
  }
  return {
    dir,
    stack,
    report: JSON.parse(fs.readFileSync(path.join(stack, "plan.json"), "utf8")),
    markdown: fs.readFileSync(path.join(stack, "plan.md"), "utf8"),
    pools,
    ledger: JSON.parse(fs.readFileSync(path.join(dir, "calico-ipam.lock.json"), "utf8")),
  };
}

async function diff(base: Synth, head: Synth): Promise<{ code: number; report: { pools: { lifecycle: Array<{ name: string; change: string }> } } }> {
  let stdout = "";
  const code = await main(["diff", path.join(base.stack, "plan.json"), path.join(head.stack, "plan.json"), "--format", "json"], { stdout: (t) => (stdout += t), stderr: () => undefined });
  return { code, report: JSON.parse(stdout) };
}

const shape = (s: Synth) =>
  Object.fromEntries(Object.entries(s.pools).map(([name, spec]) => [name, `${spec.cidr as string}/${spec.blockSize as number}${spec.disabled ? " disabled" : ""}`]));

describe("examples/migration, phase by phase", () => {
  const runs: Array<{ move: number; blockSize: number; s: Synth }> = [];
  beforeAll(() => {
    let ledger = path.join(example, "calico-ipam.lock.json");
    const steps: Array<[number, number]> = [[1, 0], [1, 0], [2, 0], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4], [3, 5], [3, 6]];
    for (const [move, blockSize] of steps) {
      const s = synth(move, blockSize, ledger);
      runs.push({ move, blockSize, s });
      ledger = path.join(s.dir, "calico-ipam.lock.json");
    }
  });
  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the committed example is at phase 1 of the move, and its committed ledger is current", () => {
    expect(runs[0].s.ledger).toEqual(JSON.parse(fs.readFileSync(path.join(example, "calico-ipam.lock.json"), "utf8")));
    expect(runs[1].s.ledger).toEqual(runs[0].s.ledger); // a pipeline that runs twice does the same
    expect(shape(runs[1].s)).toEqual(shape(runs[0].s));
  });

  test("every phase synthesizes without an error, and the ledger records the phase reached", () => {
    for (const { move, blockSize, s } of runs) {
      expect(s.report.findings.filter((f) => f.severity === "error")).toEqual([]);
      expect(s.ledger.migrations?.["migrate-pods"]?.phase).toBe(move);
      expect(s.ledger.migrations?.["block-size-pods-v2"]?.phase).toBe(blockSize === 0 ? undefined : blockSize);
    }
  });

  test("the pools of each phase: the move, then the block size through a temporary pool", () => {
    expect(runs.slice(2).map((r) => shape(r.s))).toEqual([
      { "pods-v2": "10.48.8.0/21/26", pods: "10.48.0.0/22/26 disabled" },
      { "pods-v2": "10.48.8.0/21/26" },
      { "pods-v2": "10.48.8.0/21/26", "pods-v2-tmp": "10.48.0.0/21/26" },
      { "pods-v2-tmp": "10.48.0.0/21/26", "pods-v2": "10.48.8.0/21/26 disabled" },
      { "pods-v2-tmp": "10.48.0.0/21/26" },
      { "pods-v2": "10.48.8.0/21/24", "pods-v2-tmp": "10.48.0.0/21/26" },
      { "pods-v2": "10.48.8.0/21/24", "pods-v2-tmp": "10.48.0.0/21/26 disabled" },
      { "pods-v2": "10.48.8.0/21/24" },
    ]);
    expect(runs[runs.length - 1].s.ledger.pools).toEqual({ "pods-v2": expect.objectContaining({ blockSize: 24, status: "active" }) });
  });

  test("plan.md carries the runbook of the current phase: the apply, the restarts by namespace, the check and the next phase", () => {
    const disable = runs[2].s.markdown;
    expect(disable).toMatch(/### Migrations/);
    expect(disable).toMatch(/IPPool pods \(10\.48\.0\.0\/22\) is updated in place to disabled: true/);
    expect(disable).toMatch(/kubectl rollout restart deployment -n payments\nkubectl rollout restart deployment -n shop/);
    expect(disable).toMatch(/calicoctl ipam show --show-blocks/);
    expect(disable).toMatch(/Expect: the IP Pool row of pods \(10\.48\.0\.0\/22\) shows 0 IPs in use, and no Block row is left under it once kube-controllers released the emptied blocks \(after its leak grace period, 15 minutes by default\); then raise phase to 3/);
    expect(disable).toMatch(/\*\*Next:\*\* phase 3 \(delete-source\): deletes pods and releases 10\.48\.0\.0\/22 in the ledger/);
    const recreate = runs[7].s.report.migrations.find((m) => m.name === "block-size-pods-v2")!;
    expect(recreate.runbook.apply).toEqual(["IPPool pods-v2 is created again: 10.48.8.0/21, block size /24; pods-v2-tmp keeps serving"]);
    expect(recreate.runbook.next).toBe("phase 5 (disable-temporary): disables pods-v2-tmp; then restart its pods, which move back to pods-v2");
  });

  test("the harness plays every phase: no pod is left without an address, no address is left in a pool before it is deleted", () => {
    const move = runs[0].s.report.migrations.find((m) => m.name === "migrate-pods")!;
    expect(move.checks.map((c) => [c.phase, c.podsFailed, c.addressesLeft])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
      [3, 0, 0],
    ]);
    const blockSize = runs[4].s.report.migrations.find((m) => m.name === "block-size-pods-v2")!;
    expect(blockSize.checks.map((c) => c.phase)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(blockSize.checks.every((c) => c.podsFailed === 0 && c.addressesLeft === 0)).toBe(true);
  });

  test("calico-ipam diff between phases: disable, then delete after drain, never a deletion without one", async () => {
    const changes: string[] = [];
    for (let i = 1; i < runs.length; i++) {
      const d = await diff(runs[i - 1].s, runs[i].s);
      expect(d.code).toBe(0);
      changes.push(...d.report.pools.lifecycle.map((l) => `${l.name} ${l.change}`));
    }
    expect(changes).toEqual(expect.arrayContaining(["pods disable", "pods delete-after-drain", "pods-v2 disable", "pods-v2 delete-after-drain", "pods-v2-tmp disable", "pods-v2-tmp delete-after-drain"]));
    expect(changes.filter((c) => c.endsWith("delete-without-drain"))).toEqual([]);
  });

  test("a skipped phase fails synth with the migration, the phase and the way out, and the ledger stays as it was", () => {
    const ledger = path.join(runs[0].s.dir, "calico-ipam.lock.json");
    const before = fs.readFileSync(ledger, "utf8");
    expect(() => synth(3, 0, ledger)).toThrow(/MIGRATION_PHASE_SKIPPED.*migration "migrate-pods" \(migratePool of pool "pods", phase 3\): the ledger records phase 1 \(add-target\).*Set phase: 2/);
    expect(fs.readFileSync(ledger, "utf8")).toBe(before);
  });
});
