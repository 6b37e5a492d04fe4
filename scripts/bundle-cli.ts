/**
 * `npm run bundle` (the second half of `npm run build`): bundles the compiled CLI (lib/cli/main.js) into
 * one file, lib/cli/calico-ipam.js, which bin/calico-ipam.js runs, then writes the bundle's V8 code
 * cache (lib/cli/calico-ipam.cache, see src/cli/code-cache.ts) by running `calico-ipam plan` on the
 * example once, so that the cache holds the code of what `plan` runs.
 *
 * What makes a start faster (docs/benchmarks.md, "cli-plan"):
 * - The bundle is ASCII, so that bin/calico-ipam.js decodes it as Latin-1 into a one-byte string (UTF-8
 *   decoding of 1.6 MB into a two-byte string took ~7 ms): whitespace and comments are minified away
 *   (names are kept, so stack traces still name functions), and the HTML map's browser scripts, written
 *   with String.raw and holding "·" and "›", stay in their own module (lib/report/private/map-client.js),
 *   required from the bundle.
 * - commander's `require("node:child_process")` (for executable subcommands, which this CLI has none
 *   of) is made lazy: loading child_process (and net, stream, …) took 4–8 ms of every start.
 * - zod, ajv and the CDK packages stay runtime dependencies, loaded only by the commands that need them
 *   (the plan of a plain spec file loads neither).
 * - The bundle is written wrapped as `require` wraps a module (`wrapForCodeCache`), so that the loader
 *   compiles the text it reads as it is, without a 1.3 MB copy of the wrapped text.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { isAscii } from "buffer";
import { build, type Plugin } from "esbuild";
import { wrapForCodeCache } from "../src/cli/code-cache";

const root = path.join(__dirname, "..");
const outfile = path.join(root, "lib", "cli", "calico-ipam.js");

const CHILD_PROCESS = "const childProcess = require('node:child_process');";

const lazyChildProcess: Plugin = {
  name: "commander-lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      if (text.split(CHILD_PROCESS).length !== 2) {
        // commander changed: bundle it as it is rather than guess (the start is only slower)
        return { contents: text, loader: "js", warnings: [{ text: `${args.path}: "${CHILD_PROCESS}" not found once; child_process is loaded eagerly` }] };
      }
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(CHILD_PROCESS, lazy), loader: "js" };
    });
  },
};

/** The browser scripts of the HTML map (non-ASCII, String.raw): the compiled module, beside the bundle's folder. */
const mapClientApart: Plugin = {
  name: "map-client-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/private\/map-client$/ }, (args) =>
      args.importer === path.join(root, "lib", "report", "html.js") ? { path: "../report/private/map-client.js", external: true } : undefined,
    );
  },
};

async function bundle(): Promise<void> {
  await build({
    entryPoints: [path.join(root, "lib", "cli", "main.js")],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    external: ["zod", "ajv", "ajv-formats", "cdktf", "cdktn", "constructs"],
    logLevel: "warning",
    minifyWhitespace: true,
    plugins: [lazyChildProcess, mapClientApart],
  });
  fs.writeFileSync(outfile, wrapForCodeCache(fs.readFileSync(outfile, "latin1")), "latin1");
  if (!isAscii(fs.readFileSync(outfile))) process.stderr.write(`${outfile} holds non-ASCII characters: every start decodes it as UTF-8, ~6 ms slower\n`);
  // The cache: the first run of a bundle without a valid one writes it (bin/calico-ipam.js).
  const cache = path.join(root, "lib", "cli", "calico-ipam.cache");
  fs.rmSync(cache, { force: true });
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // V8 refuses a cache made under other flags: write it as a plain `node` start
  delete env.CALICO_IPAM_CODE_CACHE;
  const run = spawnSync(process.execPath, [path.join(root, "bin", "calico-ipam.js"), "plan", path.join(root, "examples", "plan", "cluster.yaml")], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`calico-ipam plan examples/plan/cluster.yaml exited with ${run.status ?? run.signal} after bundling`);
  if (!fs.existsSync(cache)) throw new Error(`the CLI wrote no code cache (${cache})`);
}

bundle().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
