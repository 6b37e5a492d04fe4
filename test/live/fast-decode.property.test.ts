import fc from "fast-check";
import { streamDumpObjects } from "../../src/io/objects";
import { readDumpFiles } from "../../src/live";
import { decodeDumpItem, dumpItemDecoder } from "../../src/live/fast-decode";
import { sortKeys } from "../../bench/inspect-dump";
import { listFileWriter, V1, V3, ipamBlockDocument } from "./helpers";

// The IPAMHandle/IPAMBlock decoder (src/live/fast-decode.ts) is an optimisation only: a dump read with it
// must give exactly what the JSON parser and the CRD schema check give, for valid objects, for objects
// the schema rejects, and for text the decoder leaves to the parser (escapes, non-ASCII, numbers past
// 2^53, missing optional fields, extra fields, wrong types, duplicates across files).

/** Writes the items as `kubectl get -o json` does (4-space indent; keys sorted when `sorted`). */
const listFile = listFileWriter("fast-decode-");


/** Plain names (the decoder reads them) or any text (escapes, quotes, non-ASCII: left to the parser). */
const text = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) }, fc.constantFrom('a"b', "a\\b", "tab\there", "é", "__proto__", ""));
/** Sequence numbers: small, around 2^53, and nanosecond times past it. */
const sequence = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }), fc.bigInt({ min: 10n ** 15n, max: 2n ** 63n - 1n }));
/** A wrong value for a field: another type, a fraction, a negative number, null. */
const wrong = fc.constantFrom<unknown>("1", 1.5, -1, null, true, [], {}, 1e21);

const handle = fc.record(
  {
    apiVersion: fc.constantFrom(V1, V1, V1, V3),
    name: text,
    id: text,
    blocks: fc.dictionary(fc.constantFrom("10.0.0.0/26", "10.0.0.64/26", "fd00::/122", "__proto__"), fc.integer({ min: 0, max: 64 }), { maxKeys: 3 }),
    deleted: fc.option(fc.boolean(), { nil: undefined }),
    extraMetadata: fc.option(fc.dictionary(fc.constantFrom("uid", "labels", "annotations", "generation"), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
  },
  { requiredKeys: ["apiVersion", "name", "id", "blocks"] },
);

const CIDRS = ["10.0.0.0/29", "10.0.0.8/29", "10.1.0.0/30", "fd00::/126", "10.0.0.4/29", "not-a-cidr"];

const block = fc
  .record({
    apiVersion: fc.constantFrom(V1, V1, V1, V3),
    name: fc.oneof(fc.constantFrom("10-0-0-0-29", "10-0-0-8-29", "10-1-0-0-30", "fd00---126"), text),
    cidr: fc.constantFrom(...CIDRS),
    allocations: fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 })), { maxLength: 9 }),
    attributes: fc.array(
      fc.record(
        { handle_id: text, secondary: fc.dictionary(fc.constantFrom("node", "pod", "namespace", "type", "timestamp", "vmi", "x"), text, { maxKeys: 4 }), alternateOwnerAttrs: fc.dictionary(text, text, { maxKeys: 1 }) },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
    unallocated: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 9 }),
    sequenceNumber: fc.option(sequence, { nil: undefined }),
    seq: fc.option(fc.dictionary(fc.constantFrom("0", "1", "2", "7", "x"), sequence, { maxKeys: 3 }), { nil: undefined }),
    affinity: fc.option(fc.constantFrom("host:node-1", "virtual:vm", "", "bogus", "host:é"), { nil: undefined }),
    affinityClaimTime: fc.option(fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T10:20:30.123+02:00", "2026-01-01 00:00:00", "yesterday"), { nil: undefined }),
    strictAffinity: fc.boolean(),
    deleted: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((b) => ipamBlockDocument(b.apiVersion, { name: b.name, resourceVersion: "1" }, b));

const handleObject = handle.map((h) => ({
  apiVersion: h.apiVersion,
  kind: "IPAMHandle",
  metadata: { ...(h.extraMetadata ?? {}), name: h.name },
  spec: { handleID: h.id, block: h.blocks, ...(h.deleted !== undefined ? { deleted: h.deleted } : {}) },
}));

/** One change the schema or the decoder may refuse: an extra field, a wrong type, a missing field. */
const mutation = fc.record({
  where: fc.constantFrom("root", "spec", "attribute", "metadata"),
  key: fc.constantFrom("extra", "allocations", "unallocated", "cidr", "strictAffinity", "handleID", "block", "sequenceNumber", "deleted", "handle_id", "secondary", "name", "kind", "spec"),
  value: fc.oneof(wrong, fc.constant("(delete)")),
});

function mutate(o: Record<string, unknown>, m: { where: string; key: string; value: unknown }): Record<string, unknown> {
  const c = structuredClone(o) as Record<string, Record<string, unknown> & { attributes?: Record<string, unknown>[] }>;
  const target = m.where === "root" ? c : m.where === "spec" ? c.spec : m.where === "metadata" ? c.metadata : c.spec?.attributes?.[0];
  if (!target) return c;
  if (m.value === "(delete)") delete target[m.key];
  else target[m.key] = m.value;
  return c;
}

const item = fc.tuple(fc.oneof(handleObject, block) as fc.Arbitrary<Record<string, unknown>>, fc.option(mutation, { nil: undefined })).map(([o, m]) => (m ? mutate(o, m) : o));

/** Whether an object is one the decoder must take: crd.projectcalico.org/v1, no mutation, plain strings, integers exact as numbers where the decoder asks for that. */
function plain(o: Record<string, unknown>): boolean {
  const t = JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? 0 : v));
  return o.apiVersion === V1 && !/\\|[^\x20-\x7e]|__proto__/.test(t);
}

describe("the IPAMHandle/IPAMBlock decoder gives what the JSON parser and the CRD schema check give", () => {
  test("property: any dump of generated handles and blocks reads the same with and without the decoder", () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), (items, sorted, twice) => {
        const f = listFile(items, sorted);
        const files = twice ? [f, listFile(items.slice().reverse(), !sorted)] : [f];
        const fast = readDumpFiles(files);
        const slow = readDumpFiles(files, { fastDecode: false });
        expect(fast).toEqual(slow);
      }),
      { numRuns: 150 },
    );
  });

  test("property: the decoder takes every plain valid object (the fast path is the one tested above)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(handleObject, block) as fc.Arbitrary<Record<string, unknown>>, { minLength: 1, maxLength: 5 }), fc.boolean(), (items, sorted) => {
        const f = listFile(items, sorted);
        const docs = [...streamDumpObjects(f, { decode: dumpItemDecoder })];
        const schemaValid = readDumpFiles([f], { fastDecode: false }).findings.filter((x) => x.code === "DUMP_SCHEMA").map((x) => x.subject);
        items.forEach((o, i) => {
          const name = (o.metadata as { name: string }).name;
          const subject = `${o.kind as string}/${name}`;
          if (plain(o) && !schemaValid.includes(subject)) expect(docs[i].decoded).toBeDefined();
          if (docs[i].decoded !== undefined) expect(docs[i].value).toEqual(JSON.parse(JSON.stringify(sorted ? sortKeys(o) : o, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))));
        });
      }),
      { numRuns: 100 },
    );
  });

  test("text the decoder leaves to the parser", () => {
    const at = (t: string) => decodeDumpItem(Buffer.from(t), 0, t.length);
    const ok = (spec: string) => `{\n            "apiVersion": "crd.projectcalico.org/v1",\n            "kind": "IPAMHandle",\n            "metadata": {"name": "h"},\n            "spec": ${spec}\n        }`;
    expect(at(ok('{"block": {"10.0.0.0/26": 1}, "handleID": "h"}'))).toMatchObject({ kind: "IPAMHandle", handleId: "h", blocks: { "10.0.0.0/26": 1 } });
    for (const spec of [
      '{"block": {"10.0.0.0/26": 1.0}, "handleID": "h"}', // not a plain integer
      '{"block": {"10.0.0.0/26": 1e0}, "handleID": "h"}',
      '{"block": {"10.0.0.0/26": 01}, "handleID": "h"}', // not JSON
      '{"block": {"10.0.0.0/26": 1}, "handleID": "h\\u0041"}', // an escape
      '{"block": {"10.0.0.0/26": 1}, "handleID": "hé"}', // non-ASCII
      '{"block": {"10.0.0.0/26": 1, "10.0.0.0/26": 2}, "handleID": "h"}', // a duplicate key
      '{"block": {"10.0.0.0/26": 1}, "handleID": "h", "handleID": "i"}',
      '{"block": {"10.0.0.0/26": 1}}', // handleID missing
      '{"block": {"10.0.0.0/26": 1}, "handleID": "h", "extra": 1}', // a field the schema does not declare
      '{"block": {"10.0.0.0/26": 1}, "handleID": "h", "deleted": null}', // a wrong type
      '{"block": {"10.0.0.0/26": 1}, "handleID": "h",}', // not JSON
    ]) {
      expect(at(ok(spec))).toBeUndefined();
    }
    // Closed otherwise than kubectl closes an item.
    expect(at(ok('{"block": {}, "handleID": "h"}').replace(/\n {8}\}$/, "}"))).toBeUndefined();
  });
});
