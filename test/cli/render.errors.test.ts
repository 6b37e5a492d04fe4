import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";

const root = path.resolve(__dirname, "..", "..");
const example = path.join(root, "examples", "plan", "cluster.yaml");

const run = runCli;

/** A folder with the example spec, its ledger as given, and an output folder that must stay empty. */
function setup(ledger: string | undefined, spec: string = fs.readFileSync(example, "utf8")) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-render-err-"));
  fs.writeFileSync(path.join(dir, "cluster.yaml"), spec);
  if (ledger !== undefined) fs.writeFileSync(path.join(dir, "calico-ipam.lock.json"), ledger);
  return { dir, spec: path.join(dir, "cluster.yaml"), out: path.join(dir, "out"), ledgerFile: path.join(dir, "calico-ipam.lock.json") };
}
const committedLedger = () => fs.readFileSync(path.join(path.dirname(example), "calico-ipam.lock.json"), "utf8");

describe("calico-ipam render on bad input: a clear error, exit 2 or 1, and nothing written", () => {
  test("an unreadable spec exits 2 and names the file", async () => {
    const r = await run("render", "/nonexistent/cluster.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/cluster\.yaml: no such file/);
    expect(r.stdout).toBe("");
  });

  test("a spec that breaks the schema exits 2 with the path of the bad value", async () => {
    const { spec, out } = setup(undefined, "pools:\n  - name: a\n    blockSize: big\n");
    const r = await run("render", spec, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a valid spec file:\n\s+pools\[0\]\.blockSize: /);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a malformed ledger is an error finding: exit 1, the ledger and the output folder untouched", async () => {
    const { spec, out, ledgerFile } = setup("{ not json");
    const r = await run("render", spec, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error LEDGER_\w+ plan.*calico-ipam\.lock\.json/m);
    expect(r.stderr).toMatch(/nothing written/);
    expect(fs.readFileSync(ledgerFile, "utf8")).toBe("{ not json");
    expect(fs.existsSync(out)).toBe(false);
  });

  test("frozen mode: a plan that would change the ledger exits 1 and lists the change, writing nothing", async () => {
    const ledger = JSON.parse(committedLedger());
    delete ledger.pools["rack-b"];
    const { spec, out, ledgerFile } = setup(JSON.stringify(ledger, null, 2) + "\n");
    const before = fs.readFileSync(ledgerFile, "utf8");
    for (const argv of [["--frozen"], []]) {
      process.env.CALICO_IPAM_LEDGER = argv.length === 0 ? "frozen" : "";
      try {
        const r = await run("render", spec, "--out", out, ...argv);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/is frozen .* but this plan would change it:[\s\S]*rack-b/);
        expect(r.stdout).toBe("");
      } finally {
        delete process.env.CALICO_IPAM_LEDGER;
      }
    }
    expect(fs.readFileSync(ledgerFile, "utf8")).toBe(before);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a plan the harness fails (pods without an address) exits 1 and writes nothing", async () => {
    const spec = fs.readFileSync(example, "utf8").replace(/replicas: (\d+)/, "replicas: 90000");
    const { spec: file, out, ledgerFile } = setup(committedLedger(), spec);
    const r = await run("render", file, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \w+ /m);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readFileSync(ledgerFile, "utf8")).toBe(committedLedger());
  });

  test("an output folder that cannot be created exits 2 and names it", async () => {
    const { spec, dir } = setup(committedLedger());
    const blocker = path.join(dir, "a-file");
    fs.writeFileSync(blocker, "");
    const r = await run("render", spec, "--out", path.join(blocker, "out"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a-file\/out: cannot create the output folder/);
  });
});
