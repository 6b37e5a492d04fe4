#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");

function loadCli() {
  const lib = path.join(__dirname, "..", "lib", "cli");
  if (fs.existsSync(path.join(lib, "main.js"))) {
    // npm run build compiles lib/ and then bundles the CLI into one file (lib/cli/calico-ipam.js), so that
    // a command reads one file instead of hundreds, compiled with V8's code cache when there is a valid
    // one (lib/cli/code-cache.js). A bundle older than the compiled sources (tsc alone was run since) is
    // not used.
    const bundle = path.join(lib, "calico-ipam.js");
    let fresh = false;
    try {
      fresh = fs.statSync(bundle).mtimeMs >= fs.statSync(path.join(lib, "main.js")).mtimeMs;
    } catch {
      // no bundle: the compiled modules
    }
    if (fresh) {
      const run = require("../lib/cli/code-cache.js").runBundle(bundle);
      return { main: (argv) => run.exports.main(argv).then((code) => run.saveCache().then(() => code)) };
    }
    return require("../lib/cli/main.js");
  }
  // A clone of the repository before `npm run build` (packages from the registry ship lib/): run the
  // TypeScript sources through tsx, a devDependency.
  try {
    require("tsx/cjs");
  } catch {
    process.stderr.write(`calico-ipam: ${path.join(__dirname, "..")} is not built: run npm run build there\n`);
    process.exit(2);
  }
  return require("../src/cli/main.ts");
}

loadCli().main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
