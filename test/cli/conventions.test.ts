import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { runCli } from "../helpers/cli";
import { lintFiles } from "../../src/cli/lint";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "calico-ipam.js");

const run = runCli;

async function planJson(specText: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-conv-"));
  fs.writeFileSync(path.join(dir, "spec.yaml"), specText);
  await run("plan", path.join(dir, "spec.yaml"), "--out", dir);
  return path.join(dir, "plan.json");
}

describe("conventions a CLI user expects", () => {
  test("--version prints the package's version and exits 0", async () => {
    const r = await run("--version");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version}\n`);
  });

  test("diff exits 1 when the head plan has an error finding, and --report-only only reports", async () => {
    const base = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n");
    const head = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n  - { name: b, cidr: 10.0.128.0/17 }\n");
    expect(JSON.parse(fs.readFileSync(head, "utf8")).summary.errors).toBeGreaterThan(0);
    const failing = await run("diff", base, head, "--format", "json");
    expect(JSON.parse(failing.stdout).destructive).toBe(false);
    expect(failing.code).toBe(1);
    const reported = await run("diff", base, head, "--format", "json", "--report-only");
    expect(reported.code).toBe(0);
    expect(reported.stdout).toBe(failing.stdout);
  });

  test("diff --report-only exits 0 on a destructive change too", async () => {
    const base = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n");
    const head = await planJson("pools:\n  - { name: a, cidr: 10.1.0.0/16 }\n");
    expect((await run("diff", base, head)).code).toBe(1);
    expect((await run("diff", base, head, "--report-only")).code).toBe(0);
  });

  test("- reads a file from standard input: diff's head plan, lint's objects", async () => {
    const base = await planJson("pools:\n  - { name: a, cidr: 10.0.0.0/16 }\n");
    const r = spawnSync(process.execPath, [bin, "diff", base, "-", "--format", "json"], { input: fs.readFileSync(base), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ destructive: false });
    const lint = spawnSync(process.execPath, [bin, "lint", "-"], { input: "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: { name: p }\nspec: { cidr: 10.0.0.1/16 }\n", encoding: "utf8" });
    expect(lint.status).toBe(1);
    expect(lint.stdout).toMatch(/^-:4 .*POOL_CIDR_NOT_MASKED/m);
  });

  test("a finding points at its field's line: in a List's item, and at the nearest written parent of a missing field", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-conv-"));
    const file = path.join(dir, "list.yaml");
    fs.writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: List",
        "items:",
        "  - apiVersion: projectcalico.org/v3",
        "    kind: IPPool",
        "    metadata: { name: a }",
        "    spec:",
        "      cidr: 10.0.0.0/16",
        "      allowedUses: [Workload, Bogus]",
        "  - apiVersion: projectcalico.org/v3",
        "    kind: IPPool",
        "    metadata: { name: b }",
        "    spec:",
        "      natOutgoing: true",
        "",
      ].join("\n"),
    );
    const lines = Object.fromEntries(lintFiles([file]).findings.map((f) => [`${f.name} ${f.path}`, f.line]));
    expect(lines["a spec.allowedUses[1]"]).toBe(9);
    expect(lines["b spec.cidr"]).toBe(13);
  });
});
