import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");

/**
 * The modules a command of the built CLI (lib/, which `npm test` builds before jest runs) loads, as
 * names relative to the package: `lib/plan/plan.js`, `node_modules/zod`, … Each command loads its
 * implementation when it runs, so that `--help` and the light commands start fast.
 */
function loadedModules(args: string[]): string[] {
  if (!fs.existsSync(path.join(root, "lib", "cli", "main.js"))) throw new Error("lib/cli/main.js is missing: run npm run build (npm test does) before this test");
  const script = `
    require(${JSON.stringify(path.join(root, "lib", "cli", "main.js"))})
      .main(${JSON.stringify(args)}, { stdout() {}, stderr() {} })
      .then((code) => console.log(JSON.stringify({ code, modules: Object.keys(require.cache) })));`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const { modules } = JSON.parse(r.stdout) as { code: number; modules: string[] };
  return modules.map((m) => {
    const rel = path.relative(root, m).split(path.sep).join("/");
    const pkg = /^node_modules\/((@[^/]+\/)?[^/]+)/.exec(rel);
    return pkg ? `node_modules/${pkg[1]}` : rel;
  });
}

describe("each command loads only what it needs", () => {
  test("--help loads commander and the command definitions, not the YAML parser, zod, the planner or the ledger", () => {
    const modules = loadedModules(["--help"]);
    expect(modules).toContain("node_modules/commander");
    expect(modules).toContain("lib/cli/plan-command.js");
    expect(modules.filter((m) => m.startsWith("node_modules/") && m !== "node_modules/commander")).toEqual([]);
    expect(modules.filter((m) => /^lib\/(plan\/plan|simulator\/|live\/|carver\/|report\/|spec\/|ledger\/ledger)/.test(m) || m === "lib/cli/plan-run.js" || m === "lib/cli/lint.js")).toEqual([]);
  });

  test("lint loads the YAML parser and the validation, not zod or the planner", () => {
    const modules = loadedModules(["lint", "examples/live/calico.yaml"]);
    expect(modules).toEqual(expect.arrayContaining(["lib/cli/lint.js", "node_modules/yaml", "lib/validation/ip-pool.js"]));
    expect(modules).not.toContain("node_modules/zod");
    expect(modules.filter((m) => /^lib\/(plan\/plan\.js|simulator\/|live\/|carver\/|report\/)/.test(m) || m === "lib/cli/plan-run.js")).toEqual([]);
  });

  test("plan on a valid spec file loads the planner, not zod (the spec passes the JSON Schema) or the cluster-dump reader", () => {
    const modules = loadedModules(["plan", "examples/plan/cluster.yaml"]);
    expect(modules).toEqual(expect.arrayContaining(["lib/cli/plan-run.js", "lib/plan/plan.js", "lib/spec/read-spec.js", "node_modules/yaml"]));
    expect(modules).not.toContain("node_modules/zod");
    expect(modules.filter((m) => m.startsWith("lib/live/"))).toEqual([]);
    // the HTML map's browser script is read only for a page (--format html, --out)
    expect(modules).not.toContain("lib/report/private/map-client.js");
    expect(loadedModules(["plan", "examples/plan/cluster.yaml", "--format", "html"])).toContain("lib/report/private/map-client.js");
  });

  test("plan on a spec file with a timeline loads zod, which checks the steps", () => {
    expect(loadedModules(["plan", "examples/day2/day2.yaml"])).toContain("node_modules/zod");
  });

  test("inspect of kubectl JSON Lists read straight from their bytes loads no Ajv; objects that need the CRD schema check load it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lazy-inspect-"));
    try {
      const pool = { apiVersion: "crd.projectcalico.org/v1", kind: "IPPool", metadata: { name: "p" }, spec: { blockSize: 26, cidr: "10.0.0.0/16", ipipMode: "Never", natOutgoing: true, nodeSelector: "all()", vxlanMode: "Never" } };
      const node = { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { podCIDR: "10.244.0.0/24" } };
      const list = (items: unknown[]) => `${JSON.stringify({ apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } }, null, 4)}\n`;
      const json = path.join(dir, "pools.json");
      fs.writeFileSync(json, list([pool, node]));
      const fast = loadedModules(["inspect", json]);
      expect(fast).toContain("lib/live/read.js");
      expect(fast).not.toContain("node_modules/ajv");
      expect(fast).not.toContain("lib/validation/crd-schema.js");
      // projectcalico.org/v3 is read by the JSON parser and checked against the CRD schema.
      const v3 = path.join(dir, "v3.json");
      fs.writeFileSync(v3, list([{ ...pool, apiVersion: "projectcalico.org/v3" }]));
      expect(loadedModules(["inspect", v3])).toEqual(expect.arrayContaining(["node_modules/ajv", "lib/validation/crd-schema.js"]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the bundled CLI (lib/cli/calico-ipam.js, written by npm run build)", () => {
  const run = (args: string[], script?: string) => {
    const r = script
      ? spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 })
      : spawnSync(process.execPath, [path.join(root, "bin", "calico-ipam.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test("bin/calico-ipam.js runs the bundle, which prints what the compiled modules print", () => {
    const bundle = path.join(root, "lib", "cli", "calico-ipam.js");
    expect(fs.existsSync(bundle)).toBe(true);
    expect(fs.statSync(bundle).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(path.join(root, "lib", "cli", "main.js")).mtimeMs);
    // html: the map's browser scripts are not in the bundle (lib/report/private/map-client.js, required from it)
    for (const args of [["plan", "examples/plan/cluster.yaml", "--format", "json"], ["plan", "examples/plan/cluster.yaml", "--format", "html"], ["plan", "examples/day2/day2.yaml"], ["lint", "examples/live/calico.yaml"]]) {
      const viaModules = run(args, `require("./lib/cli/main.js").main(${JSON.stringify(args)}).then((c) => { process.exitCode = c; })`);
      const viaBin = run(args);
      expect(viaBin).toEqual(viaModules);
      expect(viaBin.stdout.length).toBeGreaterThan(100);
    }
  });

  test("bin/calico-ipam.js loads the bundle, not the compiled modules one by one", () => {
    const script = `process.argv = [process.argv[0], "calico-ipam", "--version"];
      process.on("exit", () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));
      require("./bin/calico-ipam.js");`;
    const loaded = (JSON.parse(run([], script).stderr) as string[]).map((m) => path.relative(root, m).split(path.sep).join("/"));
    // The bundle is compiled by lib/cli/code-cache.js (with V8's code cache), not by require: the loader is
    // the one module of lib/ that require loads (and lib/io/atomic-write.js when it writes a fresh cache).
    expect(loaded.filter((m) => m.startsWith("lib/") && m !== "lib/io/atomic-write.js")).toEqual(["lib/cli/code-cache.js"]);
  });
});
