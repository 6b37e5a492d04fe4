import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../src/io/objects";
import { Cidr } from "../../src/ip";
import { buildInspectReport, ipamBlockObject, readDump, readDumpFiles } from "../../src/live";
import { V1, V3, blockWithOwners, docs, podAlloc, pool, read, specOf } from "./helpers";

const block = (mutate: (spec: Record<string, unknown>) => void, cidr = "10.0.0.0/26") => {
  const o = ipamBlockObject({ cidr: Cidr.parse(cidr), host: "n1", allocations: [podAlloc(0, "ns", "a", "n1"), podAlloc(1, "ns", "b", "n1")] });
  mutate(specOf(o));
  return o;
};

/** One bad object (or pair) per row: the finding names the object, the field and the way out, and nothing throws. */
const cases: Array<{ name: string; objects: () => unknown[]; code: string; severity: "error" | "warning"; subject: string; path: string; message: RegExp }> = [
  {
    name: "allocations shorter than the block",
    objects: () => [block((s) => (s.allocations = (s.allocations as unknown[]).slice(0, 60)))],
    code: "BLOCK_ALLOCATIONS_LENGTH",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.allocations",
    message: /has 64 addresses but spec\.allocations has 60 entries/,
  },
  {
    name: "an ordinal out of range in unallocated",
    objects: () => [block((s) => ((s.unallocated as number[])[0] = 64))],
    code: "BLOCK_ORDINAL_OUT_OF_RANGE",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.unallocated[0]",
    message: /outside the block \(0 to 63\), e\.g\. 64 at index 0/,
  },
  {
    name: "an ordinal listed twice as free",
    objects: () => [block((s) => ((s.unallocated as number[])[1] = (s.unallocated as number[])[0]))],
    code: "BLOCK_UNALLOCATED_DUPLICATE",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.unallocated[1]",
    message: /lists 1 ordinal twice \(2\)/,
  },
  {
    name: "an allocated ordinal also listed as free",
    objects: () => [block((s) => (s.unallocated as number[]).push(0))],
    code: "BLOCK_ORDINAL_BOTH",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.unallocated[62]",
    message: /\(0\) is allocated and also listed as free/,
  },
  {
    name: "an ordinal neither allocated nor free",
    objects: () => [block((s) => (s.unallocated as number[]).pop())],
    code: "BLOCK_ORDINAL_LOST",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.unallocated",
    message: /ordinal 63 of block 10\.0\.0\.0\/26 is neither allocated nor in spec\.unallocated/,
  },
  {
    name: "an allocation pointing at no attribute",
    objects: () => [block((s) => ((s.allocations as number[])[1] = 7))],
    code: "BLOCK_ATTRIBUTE_INDEX",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.allocations[1]",
    message: /ordinal 1 of block 10\.0\.0\.0\/26 points at an attribute that does not exist \(spec\.attributes has 2\), e\.g\. allocation 1 indexes 7/,
  },
  {
    name: "an attribute no allocation uses",
    objects: () => [block((s) => (s.attributes as unknown[]).push({ handle_id: "x", secondary: {} }))],
    code: "BLOCK_ATTRIBUTE_UNUSED",
    severity: "warning",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.attributes[2]",
    message: /1 attribute of block 10\.0\.0\.0\/26 \(index 2\) is not used/,
  },
  {
    name: "a block named after another CIDR",
    objects: () => [{ ...block(() => undefined), metadata: { name: "10-0-0-64-26" } }],
    code: "BLOCK_NAME",
    severity: "warning",
    subject: "IPAMBlock/10-0-0-64-26",
    path: "metadata.name",
    message: /Calico names it "10-0-0-0-26"/,
  },
  {
    name: "a block CIDR that does not parse",
    objects: () => [block((s) => (s.cidr = "10.0.0.300/26"))],
    code: "BLOCK_CIDR_INVALID",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.cidr",
    message: /"10\.0\.0\.300\/26" does not parse/,
  },
  {
    name: "a block marked deleted",
    objects: () => [block((s) => (s.deleted = true))],
    code: "BLOCK_DELETED",
    severity: "warning",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.deleted",
    message: /marked deleted/,
  },
  {
    name: "an affinity that is not host: or virtual:",
    objects: () => [block((s) => (s.affinity = "node-1"))],
    code: "BLOCK_AFFINITY_FORMAT",
    severity: "warning",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.affinity",
    message: /affinity "node-1" .* is neither "host:<node>" nor "virtual:<name>"/,
  },
  {
    name: "a field the CRD does not know",
    objects: () => [pool("p", "10.0.0.0/24", { blockSzie: 26 })],
    code: "DUMP_SCHEMA",
    severity: "error",
    subject: "IPPool/p",
    path: "spec",
    message: /spec: must NOT have additional properties "blockSzie"/,
  },
  {
    name: "a field of the wrong type",
    objects: () => [block((s) => (s.unallocated = "all"))],
    code: "DUMP_SCHEMA",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.unallocated",
    message: /dump\.yaml items\[0\]: IPAMBlock "10-0-0-0-26" does not match Calico's CRD schema \(crd\.projectcalico\.org\/v1\)[^]*spec\.unallocated: must be array/,
  },
  {
    name: "a required field missing (a truncated object)",
    objects: () => [block((s) => delete s.attributes)],
    code: "DUMP_SCHEMA",
    severity: "error",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec",
    message: /must have required property 'attributes'/,
  },
  {
    name: "no spec (crd.projectcalico.org/v1 does not require one)",
    objects: () => [{ apiVersion: V1, kind: "IPAMHandle", metadata: { name: "h" } }],
    code: "DUMP_SCHEMA",
    severity: "error",
    subject: "IPAMHandle/h",
    path: "spec",
    message: /IPAMHandle "h" does not match Calico's CRD schema[^]*spec: must be an object/,
  },
  {
    name: "the same object twice with different content",
    objects: () => [pool("p", "10.0.0.0/24"), pool("p", "10.0.1.0/24")],
    code: "DUMP_DUPLICATE_CONFLICT",
    severity: "error",
    subject: "IPPool/p",
    path: "spec.cidr",
    message: /read twice with different content \(dump\.yaml items\[0\] and dump\.yaml items\[1\]\), first at spec\.cidr: "10\.0\.0\.0\/24" vs "10\.0\.1\.0\/24"/,
  },
  {
    name: "the same object twice, identical",
    objects: () => [pool("p", "10.0.0.0/24"), pool("p", "10.0.0.0/24")],
    code: "DUMP_DUPLICATE",
    severity: "warning",
    subject: "IPPool/p",
    path: "",
    message: /read twice .* with the same content; it is counted once/,
  },
  {
    name: "both API groups disagreeing",
    objects: () => [pool("p", "10.0.0.0/24", { blockSize: 26 }, V1), pool("p", "10.0.0.0/24", { blockSize: 28 }, V3)],
    code: "DUMP_API_GROUPS_DISAGREE",
    severity: "error",
    subject: "IPPool/p",
    path: "spec.blockSize",
    message: /differs between crd\.projectcalico\.org\/v1 \(dump\.yaml items\[0\]\) and projectcalico\.org\/v3 \(dump\.yaml items\[1\]\) at spec\.blockSize: 26 vs 28.*the stored crd\.projectcalico\.org\/v1 object is used/,
  },
  {
    name: "a document that is not an object",
    objects: () => ["just text"],
    code: "DUMP_NOT_AN_OBJECT",
    severity: "warning",
    subject: "dump",
    path: "",
    message: /expected a Kubernetes object, found "just text"; skipped/,
  },
  {
    name: "a handle blocks name that has no IPAMHandle",
    objects: () => blockWithOwners("10.0.0.0/26", "n1", [podAlloc(0, "ns", "a", "n1")]).filter((o) => o.kind !== "IPAMHandle"),
    code: "HANDLE_MISSING",
    severity: "warning",
    subject: "IPAMBlock/10-0-0-0-26",
    path: "spec.attributes",
    message: /Handle "k8s-pod-network\.ns-a" holds addresses in block 10\.0\.0\.0\/26, but no IPAMHandle object exists/,
  },
  {
    name: "an IPAM configuration Calico does not read",
    objects: () => [{ apiVersion: V1, kind: "IPAMConfig", metadata: { name: "other" }, spec: { autoAllocateBlocks: true, strictAffinity: true } }],
    code: "IPAM_CONFIGURATION_NAME",
    severity: "warning",
    subject: "IPAMConfiguration/other",
    path: "metadata.name",
    message: /reads only the IPAM configuration named "default"/,
  },
];

describe("bad dump content is a finding naming the object and the field, never a crash", () => {
  test.each(cases)("$name → $code", ({ objects, code, severity, subject, path: fieldPath, message }) => {
    const report = buildInspectReport(read(objects()));
    const f = report.findings.find((x) => x.code === code);
    expect(f).toMatchObject({ severity, subject, path: fieldPath });
    expect(f?.message).toMatch(message);
  });
});

test("a List that is one page of a paginated read is reported as truncated", () => {
  const dump = readDump(docs([pool("p", "10.0.0.0/24")], "pools.json", { continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", resourceVersion: "1" }));
  expect(dump.findings).toEqual([expect.objectContaining({ code: "DUMP_LIST_TRUNCATED", severity: "error", path: "metadata.continue", message: expect.stringMatching(/^pools\.json: the List is one page/) })]);
});

test("objects of other kinds are skipped with a note, and nothing else changes", () => {
  const dump = read([pool("p", "10.0.0.0/24"), { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } }, { apiVersion: V1, kind: "FelixConfiguration", metadata: { name: "default" }, spec: {} }]);
  expect(dump.notes).toEqual(
    expect.arrayContaining(["Skipped 1 object of kind Deployment (apps/v1) in dump.yaml: not Calico IPAM state.", "Skipped 1 object of kind FelixConfiguration (crd.projectcalico.org/v1) in dump.yaml: not Calico IPAM state."]),
  );
  expect(dump.findings).toEqual([]);
  expect(dump.pools.map((p) => p.name)).toEqual(["p"]);
});

test("an apiVersion or kind that names a property of every object (constructor, __proto__, toString) is skipped with a note, not a crash", () => {
  const odd = ["constructor", "__proto__", "toString", "hasOwnProperty"].map((v) => ({ apiVersion: v, kind: v === "toString" ? "IPPool" : "IPAMBlock", metadata: { name: v } }));
  const dump = read([pool("p", "10.0.0.0/24"), ...odd, { apiVersion: V1, kind: "constructor", metadata: { name: "c" } }]);
  expect(dump.notes).toEqual(
    expect.arrayContaining([
      "Skipped 1 object of kind IPAMBlock (constructor) in dump.yaml: not Calico IPAM state.",
      "Skipped 1 object of kind IPAMBlock (__proto__) in dump.yaml: not Calico IPAM state.",
      "Skipped 1 object of kind IPPool (toString) in dump.yaml: not Calico IPAM state.",
      "Skipped 1 object of kind constructor (crd.projectcalico.org/v1) in dump.yaml: not Calico IPAM state.",
    ]),
  );
  expect(dump.findings).toEqual([]);
  expect(dump.pools.map((p) => p.name)).toEqual(["p"]);
});

describe("files that cannot be read stop with an error naming the file (exit 2), never a crash", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-dump-"));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const whole = JSON.stringify({ apiVersion: "v1", kind: "List", items: [pool("p", "10.0.0.0/24")] }, null, 4);
  test.each([
    ["a JSON dump cut short", () => write("cut.json", whole.slice(0, whole.length / 2)), /cut\.json:\d+:\d+: malformed YAML\/JSON/],
    ["two JSON dumps pasted into one file", () => write("two.json", whole + "\n" + whole), /two\.json:\d+:\d+: malformed YAML\/JSON/],
    ["a dump with merge-conflict markers", () => write("merged.yaml", `items:\n<<<<<<< HEAD\n- a\n=======\n- b\n>>>>>>> other\n`), /merged\.yaml:2: merge-conflict marker "<<<<<<<"/],
    ["a file that does not exist", () => path.join(dir, "missing.yaml"), /missing\.yaml: no such file/],
    ["a YAML dump above the YAML size limit", () => write("big.yaml", `items:\n${"- {a: 1}\n".repeat(600_000)}`), /big\.yaml: a YAML file larger than the limit of 4194304 bytes \(MAX_INPUT_BYTES\); dump large clusters with kubectl get … -o json/],
  ])("%s", (_name, file, message) => {
    let caught: unknown;
    try {
      readDumpFiles([file()]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(message);
  });

  test("a YAML dump cut in the middle of an object: the object fails the schema, the rest is read", () => {
    const f = write("cut.yaml", `apiVersion: v1\nkind: List\nitems:\n- apiVersion: crd.projectcalico.org/v1\n  kind: IPPool\n  metadata: {name: a}\n  spec: {cidr: 10.0.0.0/24}\n- apiVersion: crd.projectcalico.org/v1\n  kind: IPAMBlock\n  metadata:\n    name: 10-0-0-0-26\n  spec:\n    cidr: 10.0.0.0/26\n`);
    const dump = readDumpFiles([f]);
    expect(dump.pools.map((p) => p.name)).toEqual(["a"]);
    expect(dump.findings).toEqual([expect.objectContaining({ code: "DUMP_SCHEMA", subject: "IPAMBlock/10-0-0-0-26", message: expect.stringContaining("must have required property 'allocations'") })]);
  });
});
