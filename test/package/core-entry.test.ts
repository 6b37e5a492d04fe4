import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * The package as a user gets it: `npm pack`ed (from lib/, which `npm test` builds before jest runs)
 * and installed into an empty project that has neither cdktf nor CDK Terrain.
 */
test("the packed package's core entry loads in a project with neither cdktf nor cdktn, and ships its CRDs and docs", () => {
  if (!fs.existsSync(path.join(root, "lib", "core.js"))) throw new Error("lib/core.js is missing: run npm run build (npm test does) before this test");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pack-"));
  const [packed] = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root)) as { filename: string; files: { path: string }[] }[];
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(["lib/core.js", "lib/core.d.ts", "lib/index.js", "bin/calico-ipam.js", "docs/plan-schema.md", "crds/README.md", "schema/calico-ipam-spec.schema.json"]));
  expect(files.filter((f) => f.startsWith("crds/") && f.endsWith(".yaml")).length).toBeGreaterThan(0);
  expect(files.filter((f) => /^(src|test|examples)\//.test(f))).toEqual([]);

  const app = path.join(work, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "empty", version: "1.0.0", private: true }));
  run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", path.join(work, packed.filename)], app);

  const script = `
    const missing = ["cdktf", "cdktn", "@cdktf/provider-kubernetes", "ip-num"].filter((m) => { try { require.resolve(m); return false; } catch { return true; } });
    const core = require("cdktf-calico-ipam/core");
    const plan = core.planIpam({ addressSpaces: [{ name: "pods", cidr: "10.32.0.0/12" }], pools: [{ name: "a", prefixLength: 20 }] });
    const root = require("cdktf-calico-ipam");
    let outside;
    try { new root.CalicoIpam(new (require("constructs").Construct)(undefined, "x"), "ipam"); } catch (e) { outside = e.message; }
    console.log(JSON.stringify({
      missing,
      selector: core.parseSelector("rack in {'a','b'}").toString(),
      findings: core.validateIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "p" }, spec: { cidr: "10.0.0.1/24" } }).map((f) => f.code),
      cidr: plan.pools[0].manifest.spec.cidr,
      rootHasConstructs: typeof root.CalicoIpam === "function" && typeof root.planIpam === "function",
      outside,
    }));`;
  const result = JSON.parse(run(process.execPath, ["-e", script], app));
  expect(result.missing).toEqual(["cdktf", "cdktn", "@cdktf/provider-kubernetes", "ip-num"]);
  expect(result.selector).toBe('rack in {"a", "b"}');
  expect(result.findings.length).toBeGreaterThan(0);
  expect(result.cidr).toBe("10.32.0.0/20");
  // The root entry loads too (constructs is a peer); a construct tells the user a host is needed.
  expect(result.rootHasConstructs).toBe(true);
  expect(result.outside).toMatch(/must be created in a CDK for Terraform or CDK Terrain app/);
});
