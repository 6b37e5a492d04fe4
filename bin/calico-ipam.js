#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");

function loadCli() {
  if (fs.existsSync(path.join(__dirname, "..", "lib", "cli", "main.js"))) return require("../lib/cli/main.js");
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
