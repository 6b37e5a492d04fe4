import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

/**
 * Runs an example's main.ts (its text changed by `edit`) in a fresh folder beside the repository's
 * modules, with a copy of `ledger`, as `cdktf synth` runs it; returns the folder. Inside the
 * repository (cdktf.out is ignored), so that the example's imports resolve as they do for `cdktf synth`.
 */
export function runExample(example: string, ledger: string, edit: (source: string) => string, label = example): string {
  fs.mkdirSync(path.join(root, "cdktf.out"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, "cdktf.out", `${label}-`));
  fs.copyFileSync(ledger, path.join(dir, "calico-ipam.lock.json"));
  const source = fs.readFileSync(path.join(root, "examples", example, "main.ts"), "utf8");
  fs.writeFileSync(path.join(dir, "main.ts"), edit(source));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    // The example is a script: loading it runs its app, as `cdktf synth` does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(path.join(dir, "main.ts")));
  } finally {
    process.chdir(cwd);
  }
  return dir;
}
