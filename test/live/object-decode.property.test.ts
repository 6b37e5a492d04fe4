import fc from "fast-check";
import { streamDumpObjects } from "../../src/io/objects";
import { readDumpFiles } from "../../src/live";
import { decodeDumpItem, dumpItemDecoder } from "../../src/live/fast-decode";
import { sortKeys } from "../../bench/inspect-dump";
import { listFileWriter, V1, V3 } from "./helpers";

// The IPPool, IPAMConfig, BlockAffinity, Kubernetes Node and Pod decoder (src/live/fast-decode.ts) is an optimisation only: a dump
// read with it must give exactly what the JSON parser (and, for affinities, the CRD schema check) gives,
// for valid objects, for objects the schema rejects and for text the decoder leaves to the parser.

/** Writes the items as `kubectl get -o json` does (4-space indent; keys sorted when `sorted`). */
const listFile = listFileWriter("object-decode-");

/** Plain names (the decoder reads them) or any text (escapes, quotes, non-ASCII: left to the parser). */
const text = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) }, fc.constantFrom('a"b', "a\\b", "é", "__proto__", "", "7"));
/** A wrong value for a field: another type, a number, null. */
const wrong = fc.constantFrom<unknown>(1, 1.5, null, true, [], {}, ["10.0.0.0/24", 1]);
const NODES = ["node-a", "node-b", "node-c"];
const CIDRS = ["10.0.0.0/26", "10.0.0.64/26", "fd00::/122", "not-a-cidr"];
const TUNNEL_KEYS = ["projectcalico.org/IPv4IPIPTunnelAddr", "projectcalico.org/IPv4VXLANTunnelAddr", "projectcalico.org/IPv6VXLANTunnelAddr", "projectcalico.org/IPv4WireguardInterfaceAddr", "projectcalico.org/IPv6WireguardInterfaceAddr"];

const affinity = fc
  .record(
    {
      apiVersion: fc.constantFrom(V1, V1, V1, V3),
      node: fc.oneof(fc.constantFrom(...NODES), text),
      cidr: fc.constantFrom(...CIDRS),
      deleted: fc.constantFrom("false", "true", ""),
      state: fc.constantFrom("confirmed", "pending", "pendingDeletion", ""),
      type: fc.constantFrom("host", "virtual", ""),
      wellNamed: fc.boolean(),
      name: text,
      extraMetadata: fc.option(fc.dictionary(fc.constantFrom("uid", "labels", "annotations", "generation"), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
    },
    { requiredKeys: ["apiVersion", "node", "cidr", "deleted", "state", "wellNamed", "name"] },
  )
  .map((a) => ({
    apiVersion: a.apiVersion,
    kind: "BlockAffinity",
    metadata: { ...(a.extraMetadata ?? {}), name: a.wellNamed ? `${a.node}-${a.cidr.replace(/[./:]/g, "-")}` : a.name },
    spec: { cidr: a.cidr, deleted: a.deleted, node: a.node, state: a.state, ...(a.type !== undefined ? { type: a.type } : {}) },
  }));

const pool = fc
  .record(
    {
      apiVersion: fc.constantFrom(V1, V1, V1, V3),
      name: text,
      cidr: fc.constantFrom("10.0.0.0/16", "10.0.0.1/16", "fd00::/48", "10.0.0.0/33", "not-a-cidr", "1234:5678:9abc:def0:1234:5678:9abc:def0:1234/128", "10.0.0.0/016"),
      blockSize: fc.oneof(fc.integer({ min: 0, max: 130 }), fc.constantFrom<unknown>(26.5, -1, "26")),
      ipipMode: fc.constantFrom("Never", "Always", "CrossSubnet", "", "never"),
      vxlanMode: fc.constantFrom("Never", "Always", "CrossSubnet", "Sometimes"),
      natOutgoing: fc.oneof(fc.boolean(), fc.constant<unknown>("true")),
      disabled: fc.boolean(),
      disableBGPExport: fc.boolean(),
      nodeSelector: fc.oneof(fc.constantFrom("all()", 'rack == "0"', "rack == 'a\\b'", ""), text),
      namespaceSelector: text,
      allowedUses: fc.array(fc.constantFrom("Workload", "Tunnel", "LoadBalancer", "Other"), { maxLength: 12 }),
      assignmentMode: fc.constantFrom("Automatic", "Manual", "automatic"),
    },
    { requiredKeys: ["apiVersion", "name"] },
  )
  .map(({ apiVersion, name, ...spec }) => ({ apiVersion, kind: "IPPool", metadata: { name, generation: 1 }, spec }));

const configuration = fc
  .record(
    {
      apiVersion: fc.constantFrom(V1, V1, V3),
      name: fc.constantFrom("default", "other"),
      autoAllocateBlocks: fc.oneof(fc.boolean(), fc.constant<unknown>(1)),
      strictAffinity: fc.boolean(),
      maxBlocksPerHost: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom<unknown>(2147483647, 2147483648, -1, 1.5)),
      kubeVirtVMAddressPersistence: fc.constantFrom("Enabled", "Disabled", "enabled"),
    },
    { requiredKeys: ["apiVersion", "name"] },
  )
  .map(({ apiVersion, name, ...spec }) => ({ apiVersion, kind: apiVersion === V3 ? "IPAMConfiguration" : "IPAMConfig", metadata: { name }, spec }));

const node = fc
  .record(
    {
      name: fc.oneof(fc.constantFrom(...NODES), text),
      labels: fc.dictionary(fc.oneof(fc.constantFrom("kubernetes.io/hostname", "rack", "1", "node"), text), text, { maxKeys: 4 }),
      annotations: fc.dictionary(fc.oneof(fc.constantFrom(...TUNNEL_KEYS), text), fc.oneof(fc.constantFrom("10.0.0.1", "10.0.0.2/32", "fd00::1", ""), text), { maxKeys: 4 }),
      podCIDR: fc.constantFrom("10.200.0.0/24", "fd00:1::/64"),
      podCIDRs: fc.array(fc.constantFrom("10.200.0.0/24", "fd00:1::/64"), { maxLength: 2 }),
      status: fc.jsonValue({ maxDepth: 3 }),
      extraMetadata: fc.dictionary(fc.constantFrom("uid", "resourceVersion", "creationTimestamp", "finalizers"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
      extraSpec: fc.dictionary(fc.constantFrom("providerID", "taints", "unschedulable"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    },
    { requiredKeys: ["name", "extraMetadata", "extraSpec"] },
  )
  .map((x) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { ...x.extraMetadata, name: x.name, ...(x.labels ? { labels: x.labels } : {}), ...(x.annotations ? { annotations: x.annotations } : {}) },
    ...(x.podCIDR !== undefined || x.podCIDRs !== undefined ? { spec: { ...x.extraSpec, ...(x.podCIDR !== undefined ? { podCIDR: x.podCIDR } : {}), ...(x.podCIDRs !== undefined ? { podCIDRs: x.podCIDRs } : {}) } } : {}),
    ...(x.status !== undefined ? { status: x.status } : {}),
  }));

/** A spec or status: an object (with the members the reader reads, maybe, and others), or another value, or none. */
const part = <T>(members: fc.Arbitrary<T>, others: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(members, fc.dictionary(fc.constantFrom(...others), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 })).map(([m, o]) => ({ ...o, ...m }) as unknown) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], ["x"], "Running", 1, undefined) },
  );

const pod = fc
  .record(
    {
      name: fc.oneof(fc.constantFrom("app-1", "app-2"), text),
      namespace: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("team-a", "team-b", "") }, { weight: 1, arbitrary: fc.oneof(text, wrong) }),
      spec: part(
        fc.record({ nodeName: fc.oneof(fc.constantFrom(...NODES), text, wrong), hostNetwork: fc.oneof(fc.boolean(), wrong) }, { requiredKeys: [] }),
        ["containers", "volumes", "dnsPolicy", "tolerations", "nodeSelector", "phase", "podIP"],
      ),
      status: part(
        fc.record(
          {
            phase: fc.oneof(fc.constantFrom("Running", "Succeeded", "Failed", "Pending", ""), wrong),
            podIP: fc.oneof(fc.constantFrom("10.0.0.1", "fd00::1", ""), wrong),
            podIPs: fc.oneof(fc.array(fc.oneof(fc.record({ ip: fc.constantFrom("10.0.0.1", "fd00::1", "10.0.0.2/32") }), wrong), { maxLength: 2 }), wrong),
          },
          { requiredKeys: [] },
        ),
        ["conditions", "containerStatuses", "hostIP", "qosClass", "startTime", "nodeName", "hostNetwork"],
      ),
      extraMetadata: fc.dictionary(fc.constantFrom("uid", "labels", "annotations", "ownerReferences", "generateName", "nodeName", "phase"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    },
    { requiredKeys: ["name", "spec", "status", "extraMetadata"] },
  )
  .map((x) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...x.extraMetadata, name: x.name, ...(x.namespace !== undefined ? { namespace: x.namespace } : {}) },
    ...(x.spec !== undefined ? { spec: x.spec } : {}),
    ...(x.status !== undefined ? { status: x.status } : {}),
  }));

/** One change the schema or the decoder may refuse: an extra field, a wrong type, a missing field. */
const mutation = fc.record({
  where: fc.constantFrom("root", "spec", "metadata", "labels", "annotations"),
  key: fc.constantFrom("extra", "cidr", "deleted", "node", "state", "type", "name", "kind", "apiVersion", "spec", "metadata", "podCIDR", "podCIDRs", "blockSize", "allowedUses", "ipipMode", "disabled", "strictAffinity", "maxBlocksPerHost", ...TUNNEL_KEYS),
  value: fc.oneof(wrong, fc.constant("(delete)")),
});

function mutate(o: Record<string, unknown>, m: { where: string; key: string; value: unknown }): Record<string, unknown> {
  const c = structuredClone(o) as Record<string, Record<string, Record<string, unknown>>>;
  const target = m.where === "root" ? c : m.where === "spec" ? c.spec : m.where === "metadata" ? c.metadata : c.metadata?.[m.where];
  if (!target || typeof target !== "object") return c;
  if (m.value === "(delete)") delete target[m.key];
  else target[m.key] = m.value as Record<string, unknown>;
  return c;
}

const item = fc.tuple(fc.oneof(affinity, node, pod, pool, configuration) as fc.Arbitrary<Record<string, unknown>>, fc.option(mutation, { nil: undefined })).map(([o, m]) => (m ? mutate(o, m) : o));

/** Whether the text of an object holds only what the decoder reads as plain strings (no escapes, non-ASCII, `__proto__`). */
function plain(o: Record<string, unknown>): boolean {
  return !/\\|[^\x20-\x7e]|__proto__/.test(JSON.stringify(o));
}

describe("the IPPool, IPAMConfig, BlockAffinity, Node and Pod decoder gives what the JSON parser and the CRD schema check give", () => {
  test("property: any dump of generated pools, configurations, affinities, nodes and pods reads the same with and without the decoder", () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), (items, sorted, twice) => {
        const f = listFile(items, sorted);
        const files = twice ? [f, listFile(items.slice().reverse(), !sorted)] : [f];
        expect(readDumpFiles(files)).toEqual(readDumpFiles(files, { fastDecode: false }));
      }),
      { numRuns: 200 },
    );
  });

  test("property: the decoder takes every plain valid pool, configuration, affinity, node and pod (the fast path is the one tested above)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(affinity, node, pod, pool, configuration) as fc.Arbitrary<Record<string, unknown>>, { minLength: 1, maxLength: 5 }), fc.boolean(), (items, sorted) => {
        const f = listFile(items, sorted);
        const docs = [...streamDumpObjects(f, { decode: dumpItemDecoder })];
        const schemaInvalid = readDumpFiles([f], { fastDecode: false }).findings.filter((x) => x.code === "DUMP_SCHEMA").map((x) => x.subject);
        items.forEach((o, i) => {
          const name = (o.metadata as { name: string }).name;
          const nodeWithPlainValues = o.kind === "Node" && Object.values((o.metadata as { labels?: object }).labels ?? {}).every((v) => typeof v === "string");
          // (A pool's selectors may hold escapes: the decoder reads them.)
          const plainText = plain(o.kind === "IPPool" ? { ...o, spec: { ...(o.spec as object), nodeSelector: "", namespaceSelector: "" } } : o) && !/[^\x20-\x7e]|__proto__/.test(JSON.stringify(o));
          const subject = `${o.kind === "IPAMConfig" ? "IPAMConfiguration" : (o.kind as string)}/${name}`;
          if (plainText && (o.apiVersion === V1 || nodeWithPlainValues || o.kind === "Pod") && !schemaInvalid.includes(subject)) expect(docs[i].decoded).toMatchObject({ kind: o.kind, name });
          if (o.apiVersion === V3) expect(docs[i].decoded).toBeUndefined();
          if (docs[i].decoded !== undefined) expect(docs[i].value).toEqual(JSON.parse(JSON.stringify(sorted ? sortKeys(o) : o)));
        });
      }),
      { numRuns: 100 },
    );
  });

  test("text the decoder leaves to the parser", () => {
    const at = (t: string) => decodeDumpItem(Buffer.from(t), 0, t.length);
    const affinityItem = (spec: string, extra = "") =>
      `{\n            "apiVersion": "crd.projectcalico.org/v1",\n            "kind": "BlockAffinity",\n            "metadata": {"name": "a"},\n            "spec": ${spec}${extra}\n        }`;
    const ok = '{"cidr": "10.0.0.0/26", "deleted": "false", "node": "n", "state": "confirmed"}';
    expect(at(affinityItem(ok))).toEqual({ kind: "BlockAffinity", apiVersion: V1, name: "a", spec: { cidr: "10.0.0.0/26", deleted: "false", node: "n", state: "confirmed" } });
    for (const spec of [
      '{"cidr": "10.0.0.0/26", "deleted": false, "node": "n", "state": "confirmed"}', // a wrong type
      '{"cidr": "10.0.0.0/26", "node": "n", "state": "confirmed"}', // deleted missing
      '{"cidr": "10.0.0.0/26", "deleted": "false", "node": "n", "state": "confirmed", "extra": "x"}', // a field the schema does not declare
      '{"cidr": "10.0.0.0/26", "deleted": "false", "node": "n\\u0041", "state": "confirmed"}', // an escape
      '{"cidr": "10.0.0.0/26", "deleted": "false", "node": "n", "node": "m", "state": "confirmed"}', // a duplicate key
    ]) {
      expect(at(affinityItem(spec))).toBeUndefined();
    }
    expect(at(affinityItem(ok, ',\n            "status": {}'))).toBeUndefined(); // a field the schema does not declare

    const nodeItem = (metadata: string, rest = "") => `{\n            "apiVersion": "v1",\n            "kind": "Node",\n            "metadata": ${metadata}${rest}\n        }`;
    expect(at(nodeItem('{"name": "n", "labels": {"a": "b"}, "annotations": {"x": {"y": [1, 2.5e3, null, "\\u00e9"]}, "projectcalico.org/IPv4VXLANTunnelAddr": "10.0.0.1"}}', ',\n            "spec": {"podCIDR": "10.1.0.0/24", "taints": []},\n            "status": {"a": [true, false]}'))).toEqual({
      kind: "Node",
      apiVersion: "v1",
      name: "n",
      object: { metadata: { name: "n", labels: { a: "b" }, annotations: { "projectcalico.org/IPv4VXLANTunnelAddr": "10.0.0.1" } }, spec: { podCIDR: "10.1.0.0/24" } },
    });
    // A node in kubectl's layout is read by the JSON parser item by item: what the parser reads of text
    // the byte decoder leaves to it (a duplicate key, a label of another type, an escape) is taken as it
    // reads it (the reader then reads the node as the slow path reads it).
    for (const [metadata, rest, object] of [
      ['{"name": "n", "name": "m"}', "", { metadata: { name: "m" }, spec: {} }],
      ['{"name": "n", "labels": {"a": 1, "b": "x\\"y"}}', "", { metadata: { name: "n", labels: { a: 1, b: 'x"y' } }, spec: {} }],
      ['{"name": "n", "labels": {"a": "b", "a": "c"}}', "", { metadata: { name: "n", labels: { a: "c" } }, spec: {} }],
      ['{"name": "n", "annotations": {"projectcalico.org/IPv4VXLANTunnelAddr": 1, "x": "y"}}', "", { metadata: { name: "n", annotations: { "projectcalico.org/IPv4VXLANTunnelAddr": 1 } }, spec: {} }],
      ['{"name": "n", "annotations": null}', "", { metadata: { name: "n", annotations: null }, spec: {} }],
      ['{"name": "n"}', ',\n            "spec": {"podCIDRs": ["10.0.0.0/24", 1]}', { metadata: { name: "n" }, spec: { podCIDRs: ["10.0.0.0/24", 1] } }],
      ['{"name": "n"}', ',\n            "spec": null', { metadata: { name: "n" }, spec: {} }],
    ] as const) {
      expect(at(nodeItem(metadata, rest))).toEqual({ kind: "Node", apiVersion: "v1", name: object.metadata.name, object });
    }
    // A pod in kubectl's layout: checked as JSON, and only its name, namespace, spec.nodeName,
    // spec.hostNetwork, status.podIPs, status.podIP and status.phase parsed (each the last of its key).
    const podItem = (metadata: string, rest = "") => `{\n            "apiVersion": "v1",\n            "kind": "Pod",\n            "metadata": ${metadata}${rest}\n        }`;
    const spec = ',\n            "spec": {"containers": [{"name": "app", "image": "r/app:1"}], "nodeName": "node-a", "volumes": [], "hostNetwork": false}';
    const status = ',\n            "status": {"conditions": [{"type": "Ready", "status": "True"}], "phase": "Running", "podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}], "qosClass": "Burstable"}';
    expect(at(podItem('{"name": "p", "namespace": "ns", "labels": {"app": "a"}}', spec + status))).toEqual({
      kind: "Pod",
      apiVersion: "v1",
      name: "p",
      namespace: "ns",
      object: { spec: { nodeName: "node-a", hostNetwork: false }, status: { phase: "Running", podIP: "10.0.0.1", podIPs: [{ ip: "10.0.0.1" }] } },
    });
    const manyMembers = `{${Array.from({ length: 70 }, (_, i) => `"k${i}": ${i}`).join(", ")}, "nodeName": "node-b"}`;
    const tooMany = `{${Array.from({ length: 300 }, (_, i) => `"k${i}": ${i}`).join(", ")}, "nodeName": "node-c"}`;
    const otherObject = `,\n            "extra": {${Array.from({ length: 300 }, (_, i) => `"k${i}": ${i}`).join(", ")}}`;
    for (const [metadata, rest, namespace, object] of [
      ['{"name": "p"}', "", undefined, {}], // no namespace, spec or status
      ['{"name": "p", "namespace": 7}', ',\n            "spec": null,\n            "status": ["x"]', 7, { spec: null, status: ["x"] }],
      ['{"name": "p", "name": "q", "namespace": "a", "namespace": "b"}', "", "b", {}], // the last of a duplicate key
      ['{"name": "p"}', ',\n            "spec": {"nodeName": "a", "nodeName": "b"},\n            "spec": {"nodeName": "c", "hostNetwork": true, "nodeName": "d"}', undefined, { spec: { nodeName: "d", hostNetwork: true } }],
      ['{"name": "p"}', ',\n            "spec": {"node\\u004eame": "a", "x": "\\u00e9"}', undefined, { spec: { nodeName: "a" } }], // an escaped key: the spec parsed whole
      ['{"name": "p"}', `,\n            "spec": ${manyMembers}`, undefined, { spec: { nodeName: "node-b" } }],
      ['{"name": "p"}', `,\n            "spec": ${tooMany}`, undefined, { spec: { nodeName: "node-c" } }], // past the check's members: parsed whole
      ['{"name": "p"}', `,\n            "spec": {"nodeName": "node-d"}${otherObject}`, undefined, { spec: { nodeName: "node-d" } }], // the spec checked again
      ['{"name": "p"}', ',\n            "status": {"podIPs": [{"ip": "10.0.0.2"}, 1], "phase": 3}', undefined, { status: { podIPs: [{ ip: "10.0.0.2" }, 1], phase: 3 } }],
      // Each object's own members only: the same keys in the other objects are not theirs.
      ['{"name": "p", "phase": "x", "nodeName": "m"}', ',\n            "spec": {"nodeName": "a", "phase": "y"},\n            "status": {"nodeName": "b", "phase": "Running", "hostNetwork": true}', undefined, { spec: { nodeName: "a" }, status: { phase: "Running" } }],
    ] as const) {
      expect(at(podItem(metadata, rest))).toEqual({ kind: "Pod", apiVersion: "v1", name: metadata.includes('"q"') ? "q" : "p", namespace, object });
    }
    // A node or a pod the decoder leaves to the parser.
    for (const [item, otherKind] of [
      [nodeItem, "Pod"],
      [podItem, "Node"],
    ] as const) {
      for (const [metadata, rest] of [
        ['{"labels": {}}', ""], // no name
        ['{"name": 1}', ""],
        ["[]", ""],
        ['{"name": "n", "annotations": {"x": "é"}}', ""], // non-ASCII
        ['{"name": "n"}', ',\n            "status": {"a": 01}'], // not JSON
        ['{"name": "n"}', ',\n            "spec": {"a": 1,}'],
        ['{"name": "n"}', `,\n            "kind": "${otherKind}"`], // the last of a duplicate key is read
      ]) {
        expect(at(item(metadata, rest))).toBeUndefined();
      }
    }
    const poolItem = (spec: string) => `{\n            "apiVersion": "crd.projectcalico.org/v1",\n            "kind": "IPPool",\n            "metadata": {"name": "p"},\n            "spec": ${spec}\n        }`;
    expect(at(poolItem('{"allowedUses": ["Workload"], "blockSize": 26, "cidr": "10.0.0.0/16", "nodeSelector": "rack == \\"0\\"", "natOutgoing": true, "ipipMode": "Never"}'))).toEqual({
      kind: "IPPool",
      apiVersion: V1,
      name: "p",
      spec: { allowedUses: ["Workload"], blockSize: 26, cidr: "10.0.0.0/16", nodeSelector: 'rack == "0"', natOutgoing: true, ipipMode: "Never" },
    });
    for (const spec of [
      '{"blockSize": 26}', // cidr missing
      '{"cidr": "10.0.0.0/33"}', // not the cidr format
      '{"cidr": "10.0.0.0/16", "blockSize": 129}', // past the maximum
      '{"cidr": "10.0.0.0/16", "blockSize": 26.0}', // not a plain integer (left to the parser)
      '{"cidr": "10.0.0.0/16", "ipipMode": "never"}', // not one of the enum
      '{"cidr": "10.0.0.0/16", "allowedUses": ["Workload", "Other"]}',
      `{"cidr": "10.0.0.0/16", "allowedUses": [${Array(11).fill('"Tunnel"').join(", ")}]}`, // more than 10
      '{"cidr": "10.0.0.0/16", "natOutgoing": "true"}', // a wrong type
      '{"cidr": "10.0.0.0/16", "ipip": {"enabled": true}}', // a field the schema does not declare
      '{"cidr": "10.0.0.0/16", "cidr": "10.1.0.0/16"}', // a duplicate key
      '{"cidr": "10.0.0.0/16", "nodeSelector": "\\x"}', // not JSON
    ]) {
      expect(at(poolItem(spec))).toBeUndefined();
    }
    const configItem = (spec: string) => `{\n            "apiVersion": "crd.projectcalico.org/v1",\n            "kind": "IPAMConfig",\n            "metadata": {"name": "default"},\n            "spec": ${spec}\n        }`;
    expect(at(configItem('{"autoAllocateBlocks": true, "maxBlocksPerHost": 4, "strictAffinity": false}'))).toEqual({ kind: "IPAMConfig", apiVersion: V1, name: "default", spec: { autoAllocateBlocks: true, maxBlocksPerHost: 4, strictAffinity: false } });
    for (const spec of ['{"autoAllocateBlocks": true}', '{"autoAllocateBlocks": true, "strictAffinity": false, "maxBlocksPerHost": 2147483648}', '{"autoAllocateBlocks": true, "strictAffinity": false, "x": 1}']) {
      expect(at(configItem(spec))).toBeUndefined();
    }
    // Another kind or API group.
    expect(at(nodeItem('{"name": "n"}').replace('"Node"', '"Namespace"'))).toBeUndefined();
    expect(at(nodeItem('{"name": "n"}').replace('"v1"', '"projectcalico.org/v3"'))).toBeUndefined();
    expect(at(affinityItem(ok).replace("crd.projectcalico.org/v1", "v1"))).toBeUndefined();
  });
});
