import { Cidr } from "../../src/ip";
import { streamDumpObjects } from "../../src/io/objects";
import { blockAffinityObject, readDump } from "../../src/live";
import { dumpItemDecoder } from "../../src/live/fast-decode";
import { prepareObject, slimDocument } from "../../src/live/read";
import { V1, V3, docs, listFileWriter, node, podObject, pool } from "./helpers";

// While the main thread waits for a worker, the objects of the files it read ahead are read the way the
// dump reader reads them (`prepareObject`: schema check, an affinity decoded, a node or pod); the
// reader takes that in its turn. The dump must be the one the reader makes without it.

/** Objects of every kind prepared: valid, misnamed and schema-invalid affinities, nodes, pods, duplicates. */
function objects(): unknown[] {
  const affinity = blockAffinityObject("n1", Cidr.parse("10.0.0.0/26"));
  const misnamed = {
    ...blockAffinityObject("n2", Cidr.parse("10.0.0.64/26")),
    metadata: { name: "wrong-name" },
  };
  const badCidr = {
    ...blockAffinityObject("n3", Cidr.parse("10.0.0.128/26")),
    spec: {
      cidr: "10.0.0.300/26",
      deleted: "false",
      node: "n3",
      state: "confirmed",
    },
  };
  const schemaInvalid = {
    ...blockAffinityObject("n4", Cidr.parse("10.0.0.192/26")),
    spec: {
      cidr: "10.0.0.192/26",
      deleted: "false",
      node: "n4",
      state: "confirmed",
      extra: 1,
    },
  };
  const deleted = {
    ...blockAffinityObject("n5", Cidr.parse("10.0.1.0/26")),
    spec: {
      cidr: "10.0.1.0/26",
      node: "n5",
      state: "pendingDeletion",
      deleted: "true",
    },
  };
  const other = {
    ...blockAffinityObject("n1", Cidr.parse("10.0.0.0/26")),
    spec: {
      cidr: "10.0.0.0/26",
      deleted: "false",
      node: "n1",
      state: "pending",
    },
  };
  return [
    pool("p", "10.0.0.0/16"),
    pool("bad", "10.0.0.0/33"), // the schema rejects it
    {
      apiVersion: V1,
      kind: "IPPool",
      metadata: { name: "invalid" },
      spec: { cidr: "10.1.0.0/16", blockSize: "x" },
    },
    affinity,
    misnamed,
    badCidr,
    schemaInvalid,
    deleted,
    affinity, // the same twice: a duplicate
    other, // the same name, other content: a conflict
    {
      ...affinity,
      apiVersion: V3,
      spec: {
        cidr: "10.0.0.0/26",
        deleted: false,
        node: "n1",
        state: "pending",
      },
    },
    node("n1", "10.0.0.1"),
    node("n1", "10.0.0.2"), // read twice: the first is kept
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "n2",
        labels: { a: "b" },
        annotations: {
          "projectcalico.org/IPv4IPIPTunnelAddr": "10.0.0.65/32",
          other: "x",
        },
      },
      spec: { podCIDRs: ["10.200.0.0/24"] },
    },
    {
      apiVersion: V3,
      kind: "Node",
      metadata: { name: "n2" },
      spec: { bgp: { ipv4IPIPTunnelAddr: "10.0.0.66" } },
    },
    podObject("ns", "a", ["10.0.0.3"]),
    podObject("ns", "b", [], { phase: "Succeeded" }),
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
    "not an object",
  ];
}

describe("objects read ahead, prepared while a worker is waited for", () => {
  test("the dump is the one read without preparing: the same objects, findings (and their order), notes and counts", () => {
    const prepared = docs(objects(), "ahead.json");
    for (const d of prepared) prepareObject(d);
    const dump = readDump(prepared, ["ahead.json"]);
    const plain = readDump(docs(objects(), "ahead.json"), ["ahead.json"]);
    expect(JSON.stringify(dump)).toBe(JSON.stringify(plain));
    expect(dump).toEqual(plain);
    expect(dump.findings.map((f) => f.code)).toEqual(["DUMP_SCHEMA", "DUMP_SCHEMA", "AFFINITY_NAME", "AFFINITY_CIDR_INVALID", "DUMP_SCHEMA", "DUMP_DUPLICATE", "DUMP_DUPLICATE_CONFLICT", "DUMP_API_GROUPS_DISAGREE", "DUMP_NOT_AN_OBJECT"]);
    expect(dump.nodes?.map((n) => [n.name, n.tunnelAddresses.length])).toEqual([
      ["n1", 1],
      ["n2", 2],
    ]);
    expect(dump.pods?.length).toBe(2);
  });

  test("the reader takes what was prepared (the object is not read again), and an object prepared twice once", () => {
    const list = docs([blockAffinityObject("n1", Cidr.parse("10.0.0.0/26")), node("n1", "10.0.0.1")], "ahead.json");
    for (const d of list) prepareObject(d);
    // Changed after it was prepared: the reader's result shows which reading it took.
    const value = (i: number) =>
      list[i].value as {
        spec: Record<string, unknown>;
        metadata: { annotations: Record<string, string> };
      };
    value(0).spec.node = "n9";
    value(1).metadata.annotations["projectcalico.org/IPv4VXLANTunnelAddr"] = "10.9.9.9";
    for (const d of list) prepareObject(d);
    const dump = readDump(list, ["ahead.json"]);
    expect(dump.affinities.map((a) => a.node)).toEqual(["n1"]);
    expect(dump.nodes?.[0].tunnelAddresses).toEqual([{ type: "vxlanTunnelAddress", address: "10.0.0.1" }]);
  });

  test("an object read straight from its text is not parsed again, and one prepare cannot read is left to the reader", () => {
    let reads = 0;
    const decoded = {
      file: "f.json",
      document: 1,
      line: 1,
      item: 0,
      decoded: {},
      get value(): unknown {
        reads++;
        return {};
      },
    };
    prepareObject(decoded);
    expect(reads).toBe(0);
    // A node whose metadata throws when read: nothing is kept, the reader meets the error in its turn.
    const throwing = {
      apiVersion: "v1",
      kind: "Node",
      get metadata(): unknown {
        throw new Error("boom");
      },
    };
    expect(() => prepareObject(docs([throwing])[0])).not.toThrow();
    expect(() => readDump(docs([throwing]))).toThrow("boom");
  });

  test("a node or pod read ahead keeps only what the reader reads of it, and the dump is the same", () => {
    const list = [...objects(), podObject("other", "a", ["10.0.0.4"]), { apiVersion: "v1", kind: "Pod", metadata: { name: "x" } }];
    const slim = docs(list, "ahead.json").map(slimDocument);
    const dump = readDump(slim, ["ahead.json"]);
    const plain = readDump(docs(list, "ahead.json"), ["ahead.json"]);
    expect(JSON.stringify(dump)).toBe(JSON.stringify(plain));
    expect(dump.pods?.map((p) => `${p.namespace}/${p.name}`)).toEqual(["ns/a", "ns/b", "other/a", "/x"]);
    const values = slim.map((d) => d.value as { apiVersion?: string; kind?: string });
    const kubernetes = values.filter((v) => v?.apiVersion === "v1" && (v.kind === "Node" || v.kind === "Pod"));
    expect(kubernetes).toHaveLength(7);
    for (const v of kubernetes) expect(Object.keys(v)).toEqual(["apiVersion", "kind", "metadata"]);
    expect(kubernetes.map((v) => (v as { metadata: object }).metadata)).toContainEqual({ name: "a", namespace: "other" });
    // Every other document is the one read.
    const original = docs(list, "ahead.json");
    slim.forEach((d, i) => {
      const v = original[i].value as { apiVersion?: string; kind?: string };
      if (!kubernetes.includes(d.value as never)) expect(d.value).toEqual(v);
    });
  });

  test("an object of a kind the reader skips, read ahead, keeps only its kind and name, and the dump is the same (its notes too)", () => {
    const big = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "kube-system" }, data: { blob: "x".repeat(10_000) } };
    const skipped = [
      big,
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: 3 } },
      { apiVersion: V1, kind: "FelixConfiguration", metadata: { name: "default" }, spec: {} },
      { apiVersion: "constructor", kind: "IPAMBlock", metadata: { name: "odd" } },
      { apiVersion: "v1", kind: "Secret", metadata: null },
    ];
    // Kept as read: what the reader reads (Calico kinds, nodes, namespaces), an object without a kind (it
    // may be a `calicoctl ipam check` report), a kind that is not a string.
    const kept = [pool("p", "10.0.0.0/24"), { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns", labels: { a: "b" } } }, { allocations: {}, clusterType: "k8s" }, { apiVersion: "v1", kind: 7, metadata: { name: "seven" } }];
    const list = [...skipped, ...kept, ...objects()];
    const slim = docs(list, "ahead.json").map(slimDocument);
    const plain = readDump(docs(list, "ahead.json"), ["ahead.json"]);
    const dump = readDump(slim, ["ahead.json"]);
    expect(JSON.stringify(dump)).toBe(JSON.stringify(plain));
    expect(dump.notes).toEqual(expect.arrayContaining(["Skipped 1 object of kind Deployment (apps/v1) in ahead.json: not Calico IPAM state.", "Skipped 1 object of kind IPAMBlock (constructor) in ahead.json: not Calico IPAM state."]));
    expect(slim.slice(0, skipped.length).map((d) => d.value)).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } },
      { apiVersion: V1, kind: "FelixConfiguration", metadata: { name: "default" } },
      { apiVersion: "constructor", kind: "IPAMBlock", metadata: { name: "odd" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: undefined } },
    ]);
    const original = docs(list, "ahead.json");
    for (let i = skipped.length; i < skipped.length + kept.length; i++) expect(slim[i].value).toEqual(original[i].value);
  });

  test("a node prepare cannot read is kept whole (the reader meets its error in its turn)", () => {
    const throwing = {
      apiVersion: "v1",
      kind: "Node",
      get metadata(): unknown {
        throw new Error("boom");
      },
    };
    const [doc] = docs([throwing]);
    expect(slimDocument(doc)).toBe(doc);
    expect(() => readDump([slimDocument(doc)])).toThrow("boom");
  });

  test("nodes and affinities read straight from their text: prepared from the decoded item, the dump the same (findings and their order too)", () => {
    const misnamed = { ...blockAffinityObject("n2", Cidr.parse("10.0.0.64/26")), metadata: { name: "wrong-name" } };
    const items = [
      blockAffinityObject("n1", Cidr.parse("10.0.0.0/26")),
      misnamed,
      blockAffinityObject("n1", Cidr.parse("10.0.0.0/26")), // a duplicate: its decoding's findings are not the reader's
      { ...blockAffinityObject("n2", Cidr.parse("10.0.0.64/26"), V1, "pending"), metadata: { name: "wrong-name" } }, // the same name, other content
      node("n1", "10.0.0.1"),
      node("n1", "10.0.0.2"), // read twice: the first is kept
      node("n2", "10.0.0.65"),
    ];
    const file = listFile(items, true);
    const read = () => [...streamDumpObjects(file, { decode: dumpItemDecoder })];
    const prepared = read();
    // (Every object here is read straight from its text.)
    expect(prepared.every((d) => d.decoded !== undefined)).toBe(true);
    for (const d of prepared) prepareObject(d);
    const dump = readDump(prepared, [file]);
    const plain = readDump(read(), [file]);
    expect(JSON.stringify(dump)).toBe(JSON.stringify(plain));
    expect(dump).toEqual(plain);
    expect(dump.findings.map((f) => f.code)).toEqual(["AFFINITY_NAME", "DUMP_DUPLICATE", "DUMP_DUPLICATE_CONFLICT"]);
    expect(dump.nodes?.map((n) => n.tunnelAddresses[0]?.address)).toEqual(["10.0.0.1", "10.0.0.65"]);
  });

  test("the reader takes the node and the affinity prepared from their decoded items (they are not decoded again)", () => {
    const file = listFile([blockAffinityObject("n1", Cidr.parse("10.0.0.0/26")), node("n1", "10.0.0.1")], true);
    const list = [...streamDumpObjects(file, { decode: dumpItemDecoder })];
    for (const d of list) prepareObject(d);
    // Changed after it was prepared: the reader's result shows which reading it took.
    const affinity = list[0].decoded as { kind: string; spec: Record<string, unknown> };
    const kubernetes = list[1].decoded as { kind: string; object: { metadata: { annotations: Record<string, string> } } };
    expect([affinity.kind, kubernetes.kind]).toEqual(["BlockAffinity", "Node"]);
    affinity.spec.node = "n9";
    kubernetes.object.metadata.annotations["projectcalico.org/IPv4VXLANTunnelAddr"] = "10.9.9.9";
    for (const d of list) prepareObject(d);
    const dump = readDump(list, [file]);
    expect(dump.affinities.map((a) => a.node)).toEqual(["n1"]);
    expect(dump.nodes?.[0].tunnelAddresses).toEqual([{ type: "vxlanTunnelAddress", address: "10.0.0.1" }]);
    // Not prepared: read from the changed items.
    const fresh = [...streamDumpObjects(file, { decode: dumpItemDecoder })];
    (fresh[0].decoded as typeof affinity).spec.node = "n9";
    expect(readDump(fresh, [file]).affinities.map((a) => a.node)).toEqual(["n9"]);
  });
});

/** Writes the items as `kubectl get -o json` does (4-space indent; keys sorted when `sorted`). */
const listFile = listFileWriter("read-ahead-");

