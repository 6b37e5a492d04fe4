import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parseAllDocuments } from "yaml";
import { schemaErrors } from "../helpers/crd";

const root = path.resolve(__dirname, "..", "..");
const cdktf = path.join(root, "node_modules", ".bin", "cdktf");

/** Runs the real `cdktf synth` (the CLI, as `npm run synth` does) into a fresh folder. */
function synth(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-e2e-"));
  const r = spawnSync(cdktf, ["synth", "--output", out], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", FORCE_COLOR: "0" },
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`cdktf synth failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}

describe("the basic example, through the real cdktf synth", () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = synth();
    second = synth();
  });

  test("leaves cdk.tf.json and calico-ipam.yaml in the stack folder", () => {
    const stackDir = path.join(first, "stacks", "basic");
    expect(fs.readdirSync(stackDir).sort()).toEqual(expect.arrayContaining(["calico-ipam.yaml", "cdk.tf.json"]));
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const kinds = Object.values(tf.resource.kubernetes_manifest as Record<string, { manifest: { kind: string } }>).map((r) => r.manifest.kind).sort();
    expect(kinds).toEqual(["IPAMConfiguration", "IPPool", "IPPool"]);
  });

  test("every object in calico-ipam.yaml validates against Calico's CRDs", () => {
    const text = fs.readFileSync(path.join(first, "stacks", "basic", "calico-ipam.yaml"), "utf8");
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs).toHaveLength(3);
    for (const d of docs) expect(schemaErrors(d)).toEqual([]);
  });

  test("two runs give byte-identical output", () => {
    for (const file of ["cdk.tf.json", "calico-ipam.yaml"]) {
      expect(fs.readFileSync(path.join(second, "stacks", "basic", file), "utf8")).toBe(fs.readFileSync(path.join(first, "stacks", "basic", file), "utf8"));
    }
  });
});
