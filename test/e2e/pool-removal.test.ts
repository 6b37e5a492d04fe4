/**
 * Removing a pool from an example's code, as a user would: the example's own main.ts, run in-process
 * (cdktf's App writes into the working directory, a copy of the example with its committed ledger),
 * once as committed and once with one `ipam.addPool(...)` statement deleted; then `calico-ipam diff`
 * on the two plan.json files.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../../src/cli/main";
import { runExample as runExampleIn } from "../helpers/example";

const root = path.resolve(__dirname, "..", "..");

interface Example {
  readonly name: string;
  readonly stack: string;
  /** The committed ledger the example runs with. */
  readonly ledger: string;
  readonly pool: string;
  readonly operator?: boolean;
}

const EXAMPLES: Example[] = [
  { name: "basic", stack: "basic", ledger: path.join(root, "calico-ipam.lock.json"), pool: "batch-v4" },
  { name: "multi-tenant", stack: "multi-tenant", ledger: path.join(root, "examples", "multi-tenant", "calico-ipam.lock.json"), pool: "tunnels" },
  { name: "operator", stack: "operator", ledger: path.join(root, "examples", "operator", "calico-ipam.lock.json"), pool: "load-balancers", operator: true },
];

/** Runs the example (its text changed by `edit`) in a fresh folder; returns the stack folder. */
function runExample(example: Example, ledger: string, edit: (source: string) => string): string {
  return path.join(runExampleIn(example.name, ledger, edit, `removal-${example.name}`), "cdktf.out", "stacks", example.stack);
}

function withoutPool(name: string): (source: string) => string {
  return (source) => {
    const statement = new RegExp(`\\n\\s*ipam\\.addPool\\("${name}", \\{[\\s\\S]*?\\}\\);`);
    if (!statement.test(source)) throw new Error(`no ipam.addPool("${name}", ...) statement in the example`);
    return source.replace(statement, "");
  };
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: () => undefined });
  return { code, stdout };
}

describe.each(EXAMPLES)("removing pool $pool from the $name example", (example) => {
  let base: string;
  let head: string;
  let ledgerAfter: { pools: Record<string, { status: string }> };
  beforeAll(() => {
    base = runExample(example, example.ledger, (s) => s);
    head = runExample(example, path.join(base, "..", "..", "..", "calico-ipam.lock.json"), withoutPool(example.pool));
    ledgerAfter = JSON.parse(fs.readFileSync(path.join(head, "..", "..", "..", "calico-ipam.lock.json"), "utf8"));
  });
  afterAll(() => {
    for (const stackDir of [base, head]) if (stackDir) fs.rmSync(path.join(stackDir, "..", "..", ".."), { recursive: true, force: true });
  });

  test("yields a disabled pool, never a deletion", () => {
    const tf = JSON.parse(fs.readFileSync(path.join(head, "cdk.tf.json"), "utf8"));
    const manifests = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string; metadata: { name: string }; spec: Record<string, unknown> } }>).map((r) => r.manifest);
    if (example.operator) {
      const pools = (manifests.find((m) => m.kind === "Installation")!.spec as { calicoNetwork: { ipPools: Array<Record<string, unknown>> } }).calicoNetwork.ipPools;
      // A LoadBalancer pool keeps nodeSelector all() (Calico requires it); disableNewAllocations stops it.
      expect(pools.find((p) => p.name === example.pool)).toMatchObject({ nodeSelector: "all()", allowedUses: ["LoadBalancer"], disableNewAllocations: true });
    } else {
      expect(manifests.find((m) => m.kind === "IPPool" && m.metadata.name === example.pool)?.spec).toMatchObject({ disabled: true });
    }
    expect(ledgerAfter.pools[example.pool].status).toBe("draining");
  });

  test("and calico-ipam diff says so: disable, not destructive, exit 0", async () => {
    const r = await cli("diff", path.join(base, "plan.json"), path.join(head, "plan.json"), "--format", "json");
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout);
    expect(diff.destructive).toBe(false);
    expect(diff.pools.removed).toEqual([]);
    expect(diff.pools.lifecycle).toEqual([{ name: example.pool, change: "disable", destructive: false }]);
    const text = await cli("diff", path.join(base, "plan.json"), path.join(head, "plan.json"), "--format", "text");
    expect(text.stdout).toContain(`  ~ ${example.pool}  disabled: false -> true\n`);
  });
});
