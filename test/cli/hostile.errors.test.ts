import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { spawnSync } from "child_process";
import { CODE_GENERATION_DISALLOWED } from "../../src/cli/errors";
import { main } from "../../src/cli/main";
import { MAX_INPUT_BYTES, MAX_KEYS_PER_MAP } from "../../src/limits";

/**
 * The hostile inputs of issue 15, one row each, through the real CLI entry point: every one ends in a
 * clear message and exit code 1 (a finding) or 2 (could not run), never a stack trace or a hang.
 */

const root = path.resolve(__dirname, "..", "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-hostile-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(argv: readonly string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** Writes a file into the test's folder and returns its path. */
function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const POOL = (name: string, spec: string, head = "apiVersion: projectcalico.org/v3\nkind: IPPool\n") => `${head}metadata: {name: ${name}}\nspec: ${spec}\n`;
const SPEC_POOLS = "pools:\n  - name: p\n    cidr: 10.0.0.0/16\n";
const spec = (topology: string) => `${SPEC_POOLS}topology:\n${topology}`;

const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
].join("\n");

interface Row {
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** The command line; `{name}` stands for the path of a file above. */
  readonly argv: readonly string[];
  readonly code: 0 | 1 | 2;
  /** What the user reads (stdout and stderr together). */
  readonly says: RegExp;
  readonly notSays?: RegExp;
}

const rows: ReadonlyArray<readonly [string, Row]> = [
  // Crashes and hangs
  ["a YAML alias bomb in lint", { files: { "bomb.yaml": aliasBomb }, argv: ["lint", "{bomb.yaml}"], code: 2, says: /bomb\.yaml:1: .*more than the limit of 100 times \(MAX_YAML_ALIASES\)/ }],
  ["a YAML alias bomb in plan", { files: { "bomb-spec.yaml": aliasBomb }, argv: ["plan", "{bomb-spec.yaml}"], code: 2, says: /bomb-spec\.yaml:1: .*MAX_YAML_ALIASES/ }],
  ["a YAML alias bomb in render", { files: { "bomb-render.yaml": aliasBomb }, argv: ["render", "{bomb-render.yaml}", "--no-ledger"], code: 2, says: /bomb-render\.yaml:1: .*MAX_YAML_ALIASES/ }],
  ["ledger show --file /dev/zero", { files: {}, argv: ["ledger", "show", "--file", "/dev/zero"], code: 2, says: /\/dev\/zero: cannot read the ledger: the file is larger than the limit of 67108864 bytes \(MAX_LEDGER_BYTES\)/ }],
  ["a gzip ledger", { files: { "lock.json.gz": zlib.gzipSync("{}") }, argv: ["ledger", "show", "--file", "{lock.json.gz}"], code: 2, says: /lock\.json\.gz: cannot read the ledger: the file is gzip-compressed/ }],
  ["render a node named Node_1", { files: { "render-node.yaml": spec("  nodes: [{name: Node_1}]\n") }, argv: ["render", "{render-node.yaml}", "--no-ledger"], code: 1, says: /TOPOLOGY_NODE_NAME_INVALID/ }],
  ["deep but valid flow nesting", { files: { "deep.yaml": "[".repeat(10_000) + "]".repeat(10_000) }, argv: ["lint", "{deep.yaml}"], code: 2, says: /deep\.yaml:1: maps and lists nest deeper than the limit of 64 levels \(MAX_NESTING_DEPTH\)/ }],
  ["deep but valid block nesting", { files: { "deep-block.yaml": Array.from({ length: 100 }, (_, i) => `${" ".repeat(i)}a:`).join("\n") + " 1\n" }, argv: ["lint", "{deep-block.yaml}"], code: 2, says: /deep-block\.yaml:65: .*MAX_NESTING_DEPTH/ }],
  ["deep compact sequences", { files: { "dashes.yaml": "- ".repeat(5000) + "x\n" }, argv: ["plan", "{dashes.yaml}"], code: 2, says: /dashes\.yaml:1: .*MAX_NESTING_DEPTH/ }],
  ["lint /dev/zero", { files: {}, argv: ["lint", "/dev/zero"], code: 2, says: new RegExp(`/dev/zero: the file is larger than the limit of ${MAX_INPUT_BYTES} bytes \\(MAX_INPUT_BYTES\\)`) }],
  ["plan /dev/zero", { files: {}, argv: ["plan", "/dev/zero"], code: 2, says: /\/dev\/zero: the file is larger than the limit/ }],
  [
    "a pool with more annotation keys than a map may hold",
    {
      files: { "keys.yaml": POOL("p", "{cidr: 10.0.0.0/16}").replace("metadata: {name: p}", `metadata:\n  name: p\n  annotations: {${Array.from({ length: MAX_KEYS_PER_MAP + 1 }, (_, i) => `k${i}: v`).join(", ")}}`) },
      argv: ["lint", "{keys.yaml}"],
      code: 2,
      says: /keys\.yaml:5: metadata\.annotations has 10001 keys, more than the limit of 10000 \(MAX_KEYS_PER_MAP\)/,
    },
  ],
  ["a key given twice", { files: { "twice.yaml": "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: a\n  name: b\n" }, argv: ["lint", "{twice.yaml}"], code: 2, says: /twice\.yaml:5: .*the key "name" appears twice in metadata/ }],
  ["a selector nested 10,000 parentheses in lint", { files: { "sel.yaml": POOL("p", `{cidr: 10.0.0.0/16, nodeSelector: "${"(".repeat(10_000)}all()${")".repeat(10_000)}"}`) }, argv: ["lint", "{sel.yaml}"], code: 1, says: /POOL_SELECTOR_INVALID .*deeper than the limit of 512 levels \(MAX_SELECTOR_DEPTH\)/ }],
  ["a selector nested 10,000 parentheses in a spec file", { files: { "sel-spec.yaml": `pools:\n  - name: p\n    cidr: 10.0.0.0/16\n    nodeSelector: "${"(".repeat(10_000)}all()${")".repeat(10_000)}"\n` }, argv: ["plan", "{sel-spec.yaml}"], code: 1, says: /POOL_SELECTOR_INVALID/ }],
  ["replicas: 1e12", { files: { "r12.yaml": spec("  nodes: [{name: n1}]\n  workloads: [{name: w, namespace: default, replicas: 1e12}]\n") }, argv: ["plan", "{r12.yaml}"], code: 2, says: /topology\.workloads\[0\]\.replicas: must be at most 2000000 \(the limit MAX_PODS/ }],
  ["replicas: 3e9", { files: { "r9.yaml": spec("  nodes: [{name: n1}]\n  workloads: [{name: w, namespace: default, replicas: 3000000000}]\n") }, argv: ["plan", "{r9.yaml}"], code: 2, says: /replicas: must be at most 2000000 \(the limit MAX_PODS/ }],
  [
    "workloads that add up to more pods than the limit",
    { files: { "rsum.yaml": spec("  nodes: [{name: n1}]\n  workloads:\n" + Array.from({ length: 3 }, (_, i) => `    - {name: w${i}, namespace: default, replicas: 800000}\n`).join("")) }, argv: ["plan", "{rsum.yaml}"], code: 1, says: /TOPOLOGY_TOO_LARGE[\s\S]*2400000 pods, more than the limit of 2000000 \(MAX_PODS/ },
  ],
  ["30 node groups of 1,000,000 nodes", { files: { "n30.yaml": spec("  nodes:\n" + Array.from({ length: 30 }, (_, i) => `    - {namePattern: "g${i}-{i}", count: 1000000}\n`).join("")) }, argv: ["plan", "{n30.yaml}"], code: 2, says: /topology\.nodes\[0\]\.count: must be at most 100000 \(the limit MAX_NODES/ }],
  ["30 node groups of 100,000 nodes", { files: { "n30b.yaml": spec("  nodes:\n" + Array.from({ length: 30 }, (_, i) => `    - {namePattern: "g${i}-{i}", count: 100000}\n`).join("")) }, argv: ["plan", "{n30b.yaml}"], code: 1, says: /TOPOLOGY_TOO_LARGE[\s\S]*3000000 nodes, more than the limit of 100000 \(MAX_NODES/ }],
  ["namePattern: n-{i:999999999}", { files: { "wide.yaml": spec('  nodes: [{namePattern: "n-{i:999999999}", count: 2}]\n') }, argv: ["plan", "{wide.yaml}"], code: 1, says: /pads to 999999999 digits, more than the limit of 253 \(MAX_NAME_PATTERN_WIDTH\)/ }],
  ["plan --out an existing file", { files: { "out.txt": "x" }, argv: ["plan", path.join(root, "examples", "plan", "cluster.yaml"), "--out", "{out.txt}"], code: 2, says: /--out .*out\.txt: is a file, not a folder/ }],
  ["plan --cluster with reservedCIDRs a string", { files: { "res-str.yaml": POOL("p", "{cidr: 10.0.0.0/16}") + "---\napiVersion: projectcalico.org/v3\nkind: IPReservation\nmetadata: {name: r}\nspec: {reservedCIDRs: 10.0.0.0/28}\n" }, argv: ["plan", "--cluster", "{res-str.yaml}"], code: 1, says: /RESERVATION_CIDRS_MISSING IPReservation\/r/ }],
  ["plan --cluster with reservedCIDRs [1, 2]", { files: { "res-num.yaml": POOL("p", "{cidr: 10.0.0.0/16}") + "---\napiVersion: projectcalico.org/v3\nkind: IPReservation\nmetadata: {name: r}\nspec: {reservedCIDRs: [1, 2]}\n" }, argv: ["plan", "--cluster", "{res-num.yaml}"], code: 1, says: /RESERVATION_CIDR_INVALID IPReservation\/r \(spec\.reservedCIDRs\[0\]\)/ }],
  ["render with a ledger under a regular file (ENOTDIR)", { files: { "plain.txt": "x", "small.yaml": "pools:\n  - {name: p, prefixLength: 24, addressSpace: s}\naddressSpaces: [{name: s, cidr: 10.0.0.0/16}]\n" }, argv: ["render", "{small.yaml}", "--ledger", "{plain.txt}/calico-ipam.lock.json"], code: 1, says: /LEDGER_UNREADABLE .*plain\.txt\/calico-ipam\.lock\.json: cannot read the ledger: a part of the path is not a folder\ncalico-ipam render: 1 error\(s\); nothing written/ }],
  ["lint a folder", { files: {}, argv: ["lint", dir], code: 2, says: /is a folder, not a file/ }],
  ["lint a missing file", { files: {}, argv: ["lint", path.join(dir, "missing.yaml")], code: 2, says: /missing\.yaml: no such file/ }],

  // Silently accepted
  ["plan --cluster: an IPPool without cidr but with prefixLength", { files: { "nocidr.yaml": POOL("a", "{cidr: 10.0.0.0/16}") + "---\n" + POOL("b", "{prefixLength: 20, addressSpace: x}") }, argv: ["plan", "--cluster", "{nocidr.yaml}"], code: 1, says: /POOL_CIDR_MISSING IPPool\/b[\s\S]*POOL_UNKNOWN_FIELD IPPool\/b \(spec\.prefixLength\)/ }],
  ["plan --cluster: an IPAMConfiguration whose spec is 5", { files: { "cfg5.yaml": POOL("a", "{cidr: 10.0.0.0/16}") + "---\napiVersion: projectcalico.org/v3\nkind: IPAMConfiguration\nmetadata: {name: default}\nspec: 5\n" }, argv: ["plan", "--cluster", "{cfg5.yaml}"], code: 1, says: /SPEC_MISSING IPAMConfiguration\/default/ }],
  ["plan --cluster: an unknown field gets lint's warning", { files: { "unknown.yaml": POOL("a", "{cidr: 10.0.0.0/16, colour: blue}") }, argv: ["plan", "--cluster", "{unknown.yaml}"], code: 0, says: /WARNING POOL_UNKNOWN_FIELD IPPool\/a \(spec\.colour\)/ }],
  ["a node named Node_1", { files: { "node1.yaml": spec("  nodes: [{name: Node_1}]\n") }, argv: ["plan", "{node1.yaml}"], code: 1, says: /TOPOLOGY_NODE_NAME_INVALID [\s\S]*RFC 1123 subdomain[\s\S]*did you mean "node-1"/ }],
  ["a node name of 302 characters", { files: { "node302.yaml": spec(`  nodes: [{name: ${"n".repeat(302)}}]\n`) }, argv: ["plan", "{node302.yaml}"], code: 1, says: /a node name has at most 253 characters \(MAX_NODE_NAME_LENGTH\)/ }],
  ["a node named Node_1 in a host-local plan", { files: { "hl.yaml": "hostLocal: {clusterCidrs: [10.0.0.0/16]}\ntopology:\n  nodes: [{name: Node_1}]\n" }, argv: ["plan", "{hl.yaml}"], code: 1, says: /TOPOLOGY_NODE_NAME_INVALID/ }],
  ["maxPods: 1e15", { files: { "maxpods.yaml": spec("  nodes: [{name: n1, maxPods: 1000000000000000}]\n") }, argv: ["plan", "{maxpods.yaml}"], code: 2, says: /topology\.nodes\[0\]\.maxPods: must be at most 10000 \(the limit MAX_PODS_PER_NODE/ }],

  // Weak messages
  ["a binary file", { files: { "bin.yaml": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]) }, argv: ["lint", "{bin.yaml}"], code: 2, says: /bin\.yaml: the file is binary, not YAML or JSON text \(a zero byte at offset 7\)/ }],
  ["a gzip file", { files: { "pools.yaml.gz": zlib.gzipSync(POOL("p", "{cidr: 10.0.0.0/16}")) }, argv: ["lint", "{pools.yaml.gz}"], code: 2, says: /pools\.yaml\.gz: the file is gzip-compressed; decompress it first/ }],
  ["a UTF-16 file with a byte order mark holding a valid IPPool", { files: { "u16.yaml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POOL("p", "{cidr: 10.0.0.0/16}"), "utf16le")]) }, argv: ["lint", "{u16.yaml}"], code: 2, says: /u16\.yaml: the file is UTF-16 text .*save it as UTF-8/ }],
  ["a UTF-16 file without a byte order mark", { files: { "u16b.yaml": Buffer.from(POOL("p", "{cidr: 10.0.0.0/16}"), "utf16le") }, argv: ["plan", "--cluster", "{u16b.yaml}"], code: 2, says: /u16b\.yaml: the file looks like UTF-16 text/ }],
  ["a Latin-1 file", { files: { "latin1.yaml": Buffer.from("# caf\xe9\n" + POOL("p", "{cidr: 10.0.0.0/16}"), "latin1") }, argv: ["lint", "{latin1.yaml}"], code: 2, says: /latin1\.yaml:1: the file is not valid UTF-8 text/ }],
  ["an IPPool without apiVersion", { files: { "noapi.yaml": POOL("p", "{cidr: 10.0.0.0/16}", "kind: IPPool\n") }, argv: ["lint", "{noapi.yaml}"], code: 1, says: /IPPool\/p error API_VERSION_INVALID apiVersion: .*got nothing \(the field is missing\)/ }],
  ["kind: ippool", { files: { "lower.yaml": POOL("p", "{cidr: 10.0.0.0/16}", "apiVersion: projectcalico.org/v3\nkind: ippool\n") }, argv: ["lint", "{lower.yaml}"], code: 1, says: /ippool\/p error KIND_INVALID kind: kind must be "IPPool", got the string "ippool"/ }],
  ["YAML merge keys", { files: { "merge.yaml": "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n  <<: {cidr: 10.0.0.0/16, blockSize: 26}\n  natOutgoing: true\n" }, argv: ["lint", "{merge.yaml}"], code: 0, says: /1 object checked in 1 file: 0 errors, 0 warnings/, notSays: /POOL_CIDR_MISSING/ }],
  ["host bits do not hide blockSize: 33", { files: { "hostbits.yaml": POOL("p", "{cidr: 10.0.0.1/16, blockSize: 33}") }, argv: ["lint", "{hostbits.yaml}"], code: 1, says: /POOL_BLOCK_SIZE_RANGE[\s\S]*POOL_CIDR_NOT_MASKED|POOL_CIDR_NOT_MASKED[\s\S]*POOL_BLOCK_SIZE_RANGE/ }],
  ["a duplicate pool is named once", { files: { "dup.yaml": "pools:\n  - {name: a, cidr: 10.0.0.0/16}\n  - {name: a, cidr: 10.1.0.0/16}\n" }, argv: ["plan", "{dup.yaml}"], code: 1, says: /^(?![\s\S]*CARVE_DUPLICATE_POOL)(?![\s\S]*POOL_DUPLICATE_NAME[\s\S]*POOL_DUPLICATE_NAME)[\s\S]*POOL_DUPLICATE_NAME IPPool\/a[\s\S]*also by pool #1 of 2/ }],
  ["allowedUses a string in plan --cluster", { files: { "uses.yaml": POOL("p", "{cidr: 10.0.0.0/16, allowedUses: Workload}") }, argv: ["plan", "--cluster", "{uses.yaml}"], code: 1, says: /allowedUses must be a list of Workload, Tunnel, LoadBalancer, got the string "Workload"/, notSays: /unknown use: W/ }],
];

describe("hostile input through the CLI: a clear message, exit 1 or 2, no stack trace", () => {
  test.each(rows)("%s", async (_name, row) => {
    for (const [name, content] of Object.entries(row.files)) file(name, content);
    const argv = row.argv.map((a) => a.replace(/\{([^}]+)\}/g, (_m, name: string) => path.join(dir, name)));
    const r = await run(argv);
    const said = r.stdout + r.stderr;
    expect(said).toMatch(row.says);
    if (row.notSays) expect(said).not.toMatch(row.notSays);
    expect(said).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(r.code).toBe(row.code);
  });
});

describe("weak messages mended", () => {
  const example = path.join(root, "examples", "plan", "cluster.yaml");

  test("a corrupt ledger: plan exits 2, as ledger show does, and both name the file", async () => {
    const ledger = file("corrupt.lock.json", "{");
    const show = await run(["ledger", "show", "--file", ledger]);
    const plan = await run(["plan", example, "--ledger", ledger]);
    expect([show.code, plan.code]).toEqual([2, 2]);
    expect(show.stderr).toMatch(/corrupt\.lock\.json.*not valid JSON/);
    expect(plan.stdout).toMatch(/LEDGER_JSON_SYNTAX/);
    expect(plan.stderr).toMatch(/corrupt\.lock\.json: the ledger cannot be read; nothing was carved/);
  });

  test("diff refuses a tampered plan.json whose CIDR disagrees with its own pool sizes", async () => {
    const out = path.join(dir, "plans");
    expect((await run(["plan", example, "--out", out])).code).toBe(0);
    const base = path.join(out, "plan.json");
    const report = JSON.parse(fs.readFileSync(base, "utf8"));
    const [a, b, c, d] = report.pools[0].cidr.split("/")[0].split(".");
    report.pools[0].cidr = `${a}.${b}.${c}.${d}/${Number(report.pools[0].cidr.split("/")[1]) - 1}`.replace(/^(\d+\.\d+)\.\d+\.\d+/, `$1.0.0`);
    const head = file("tampered.json", JSON.stringify(report));
    const r = await run(["diff", base, head]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tampered\.json: pools\[0\]\.addressesTotal: pool ".+" has CIDR .* but addressesTotal \d+: the report disagrees with itself/);
  });
});

describe("environment problems through the real command", () => {
  const bin = path.join(root, "bin", "calico-ipam.js");
  const example = path.join(root, "examples", "plan", "cluster.yaml");

  test("a closed standard output (plan … | true) ends in one line and exit 2, not an unhandled EPIPE", () => {
    const r = spawnSync("bash", ["-c", `node "${bin}" plan "${example}" --show-blocks --format json | true; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).toMatch(/^calico-ipam: the output was closed before everything was written \(EPIPE\)\nexit=2\n$/);
  });

  test("Node run with --disallow-code-generation-from-strings: one line that names the flag, exit 2, no validator source", () => {
    const manifest = path.join(root, "examples", "live", "calico.yaml");
    for (const env of [{ args: ["--disallow-code-generation-from-strings", bin], options: "" }, { args: [bin], options: "--disallow-code-generation-from-strings" }]) {
      const r = spawnSync(process.execPath, [...env.args, "inspect", manifest], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: env.options } });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`calico-ipam: ${CODE_GENERATION_DISALLOWED}\n`);
    }
  });

  test("--debug adds the stack trace to the one-line message", async () => {
    const r = await run(["lint", "--debug", path.join(dir, "missing-too.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^calico-ipam: .*missing-too\.yaml: no such file\n/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
