import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parseAllDocuments } from "yaml";
import { schemaErrors } from "../helpers/crd";

const root = path.resolve(__dirname, "..", "..");
const example = path.join(root, "examples", "terrain");

/**
 * cdktn-cli 0.24.0 declares Node >= 22.19. On older Node it only misses worker_threads.markAsUncloneable,
 * which a preloaded shim supplies (see the shim's comment); on Node 22.10+ the CLI runs as it is.
 */
function nodeOptionsForCdktn(): string {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major > 22 || (major === 22 && minor >= 10)) return process.env.NODE_OPTIONS ?? "";
  return `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(root, "test", "helpers", "node20-cdktn-shim.js")}`.trim();
}

/** Runs a real host CLI's synth of the example (frozen ledger) into a fresh folder. */
function synth(cli: "cdktf" | "cdktn", args: string[] = []): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `calico-ipam-${cli}-`));
  const r = spawnSync(path.join(root, "node_modules", ".bin", cli), ["synth", "--output", out, ...args], {
    cwd: example,
    encoding: "utf8",
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      FORCE_COLOR: "0",
      CALICO_IPAM_LEDGER: "frozen",
      ...(cli === "cdktn" ? { NODE_OPTIONS: nodeOptionsForCdktn() } : {}),
    },
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`${cli} synth failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return path.join(out, "stacks", "terrain");
}

describe("one construct codebase on both hosts: the terrain example through the real cdktn synth and cdktf synth", () => {
  let terrain: string;
  let terraform: string;
  beforeAll(() => {
    terrain = synth("cdktn");
    terraform = synth("cdktf", ["--app", "npx tsx main-cdktf.ts"]);
  });
  const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

  test("both cdk.tf.json agree on every resource, the provider and every output", () => {
    const a = JSON.parse(read(terraform, "cdk.tf.json"));
    const b = JSON.parse(read(terrain, "cdk.tf.json"));
    expect(Object.keys(b.resource).sort()).toEqual(["kubernetes_annotations", "kubernetes_manifest", "kubernetes_namespace_v1"]);
    expect(b.resource).toEqual(a.resource);
    expect(b.provider).toEqual(a.provider);
    expect(b.output).toEqual(a.output);
    expect(b.terraform.required_providers).toEqual({ kubernetes: { source: "hashicorp/kubernetes", version: "~> 2.38" } });
    expect(b.terraform.required_providers).toEqual(a.terraform.required_providers);
  });

  test("both write the same calico-ipam.yaml and plan reports, and the YAML validates against Calico's CRDs", () => {
    for (const file of ["calico-ipam.yaml", "plan.json", "plan.md"]) expect(read(terrain, file)).toBe(read(terraform, file));
    const docs = parseAllDocuments(read(terrain, "calico-ipam.yaml")).map((d) => d.toJS());
    expect(docs.map((d) => d.kind).sort()).toEqual(["IPAMConfiguration", "IPPool", "IPPool", "IPPool", "IPReservation"]);
    for (const d of docs) expect(schemaErrors(d)).toEqual([]);
  });
});
