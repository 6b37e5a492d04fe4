import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { inspectDump, readDump, stringifyObjects } from "../../src/live";
import type { ClusterDump } from "../../src/live";
import { attributeViewOf } from "../../src/live/private/columns";
import { HandleTable, TableFileDocument, handleTableOf, readHandleColumns } from "../../src/live/private/handle-columns";
import { handleHashesOf, handleIdHash } from "../../src/live/private/handle-ids";
import { templateEnd, templateItem } from "../../src/live/template-decode";
import { sortKeys } from "../../bench/inspect-dump";
import { V1, editItems, ipamBlockDocument, kubectlMetadata, readOrError } from "./helpers";

// The kubectl-layout matcher (src/live/template-decode.ts) is the first of three readers of a dump's IPAM
// handles and blocks: it must take kubectl's text as kubectl writes it, and give exactly what the byte
// decoder and the JSON parser with the CRD schema check give, also for any change to that text (a
// changed space, quote, brace, key or digit must be refused by it, or read as the others read it).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "template-decode-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A List as `kubectl get -o json` writes it: 4-space indent, keys sorted. */
function listText(items: readonly unknown[]): string {
  return `${stringifyObjects(
    {
      apiVersion: "v1",
      items: items.map(sortKeys),
      kind: "List",
      metadata: { resourceVersion: "" },
    },
    4
  )}\n`;
}
function write(text: string | Buffer): string {
  const f = path.join(dir, `dump-${n++}.json`);
  fs.writeFileSync(f, text);
  return f;
}

/** Plain strings (no escape, no non-ASCII), as names and attributes are. */
const name = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,24}$/);
/** Sequence numbers: small, around 2^53, and nanosecond times past it. */
const sequence = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }), fc.bigInt({ min: 10n ** 15n, max: 2n ** 63n - 1n }));
/** What kubectl shows in metadata: one line per member. */
const metadata = kubectlMetadata;

const handle = fc
  .record({
    metadata: metadata(name),
    id: name,
    sameId: fc.boolean(),
    cidr: fc.constantFrom("10.0.0.0/26", "10.0.0.64/26", "fd00::/122"),
    count: fc.integer({ min: 0, max: 3 }),
    deleted: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((h) => ({
    apiVersion: V1,
    kind: "IPAMHandle",
    metadata: h.metadata,
    spec: {
      block: { [h.cidr]: h.count },
      handleID: h.sameId ? h.metadata.name : h.id,
      ...(h.deleted !== undefined ? { deleted: h.deleted } : {}),
    },
  }));

/** A pod's handle ID (kept compact by the readers: compact-handle.ts). */
const podHandle = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `k8s-pod-network.${h}`);
const attribute = fc.record(
  {
    handle_id: fc.oneof({ weight: 3, arbitrary: name }, podHandle),
    secondary: fc.record(
      {
        namespace: name,
        node: fc.constantFrom("node-1", "node-2"),
        pod: name,
        timestamp: fc.constant("2026-01-01 00:00:00 +0000 UTC"),
        type: fc.constantFrom("vxlanTunnelAddress", "ipipTunnelAddress"),
      },
      { requiredKeys: ["node"] }
    ),
  },
  { requiredKeys: ["handle_id", "secondary"] }
);

const blockWith = (sequence: fc.Arbitrary<bigint>) =>
  fc
    .record({
      metadata: metadata(fc.constantFrom("10-0-0-0-29", "10-0-0-8-29", "fd00---126")),
      cidr: fc.constantFrom("10.0.0.0/29", "10.0.0.8/29", "fd00::/126", "10.0.0.4/29"),
      allocations: fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 })), { maxLength: 9 }),
      attributes: fc.array(attribute, { maxLength: 4 }),
      unallocated: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 9 }),
      sequenceNumber: fc.option(sequence, { nil: undefined }),
      seq: fc.option(
        fc.dictionary(fc.constantFrom("0", "1", "2", "7", "12"), sequence, {
          maxKeys: 3,
        }),
        { nil: undefined }
      ),
      affinity: fc.option(fc.constantFrom("host:node-1", "virtual:vm", ""), {
        nil: undefined,
      }),
      affinityClaimTime: fc.option(fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T10:20:30.123+02:00"), { nil: undefined }),
      strictAffinity: fc.boolean(),
      deleted: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map((b) => ipamBlockDocument(V1, b.metadata, b));

const itemsWith = (sequence: fc.Arbitrary<bigint>) => fc.array(fc.oneof(handle, blockWith(sequence)) as fc.Arbitrary<Record<string, unknown>>, { minLength: 1, maxLength: 6 });
const items = itemsWith(sequence);

/**
 * Reads a dump with every reader (the fast ones, then the JSON parser alone): the dump, or the error's
 * message. The handle hashes the fast readers leave (src/live/private/handle-ids.ts) must be the hashes
 * of the IDs read, and the check must give the same answer with them as without.
 */
function readBoth(file: string): { fast: unknown; slow: unknown } {
  const attempt = (fastDecode: boolean) => readOrError(file, fastDecode);
  const fast = attempt(true);
  const slow = attempt(false);
  if ("blocks" in fast && "blocks" in slow) {
    expectHashesOfIds(fast);
    expect(inspectDump(fast)).toEqual(inspectDump(slow));
  }
  // The handles worker's matcher (src/live/private/handle-columns.ts) takes a file only when every item
  // is a handle the template takes: the same dump (built from its columns) and the same check.
  const columns = readHandleColumns(file);
  if (columns !== undefined) {
    expect("blocks" in slow).toBe(true);
    const table = new HandleTable(file, columns);
    const viaColumns = readDump([new TableFileDocument(table)], [file]);
    expect(handleTableOf(viaColumns) !== undefined).toBe(columns.sorted);
    expect(inspectDump(viaColumns)).toEqual(inspectDump(slow as ClusterDump));
    expect(viaColumns).toEqual(slow);
    expect([...columns.idHash]).toEqual(Array.from({ length: table.count }, (_, i) => handleIdHash(table.handleId(i))));
  }
  return { fast, slow };
}

/** Whether the handles worker's matcher takes the file. */
function columnsTake(text: string): boolean {
  return readHandleColumns(write(text)) !== undefined;
}

/** The handle hashes recorded beside a dump's objects are those of their IDs. */
function expectHashesOfIds(dump: ClusterDump): void {
  expect([...handleHashesOf(dump.handles)]).toEqual(dump.handles.map((h) => handleIdHash(h.handleId)));
  for (const b of dump.blocks) {
    const view = attributeViewOf(b);
    for (let i = 0; i < view.length; i++) {
      const handle = view.handle(i);
      const a = b.attributes[i];
      // What the check reads of the columns is what the attribute objects hold.
      expect({ handle, namespace: view.namespace(i), node: view.node(i), pod: view.pod(i), hasPod: view.hasPod(i), type: view.type(i), vmi: view.vmi(i) }).toEqual({
        handle: a.handle,
        namespace: a.secondary.namespace,
        node: a.secondary.node,
        pod: a.secondary.pod,
        hasPod: a.secondary.pod !== undefined,
        type: a.secondary.type,
        vmi: a.secondary.vmi,
      });
      const hash = view.handleHash(i);
      if (hash !== undefined && handle !== null) expect(hash).toBe(handleIdHash(handle));
    }
  }
}

/** The items of a List text the matcher takes, in order: their kinds, or null for one it leaves. */
function matched(text: Buffer): Array<string | null> {
  const out: Array<string | null> = [];
  const open = Buffer.from("\n        {");
  for (let p = text.indexOf(open); p >= 0; p = text.indexOf(open, p + 1)) {
    const item = templateItem(text, p + 9, text.length);
    out.push(item?.kind ?? null);
    if (item !== undefined) expect(text.toString("latin1", templateEnd() - 10, templateEnd())).toBe("\n        }");
  }
  return out;
}

describe("the kubectl-layout matcher gives what the other readers give", () => {
  test("property: it takes every item kubectl writes, and the dump reads the same as through the JSON parser", () => {
    fc.assert(
      fc.property(items, (objects) => {
        const text = listText(objects);
        // (Not a block whose affinityClaimTime is no date: the CRD schema refuses it.)
        const takes = (o: Record<string, unknown>) => (o.spec as { affinityClaimTime?: string }).affinityClaimTime !== "2026-02-30T00:00:00Z";
        expect(matched(Buffer.from(text))).toEqual(objects.map((o) => (takes(o) ? o.kind : null)));
        const { fast, slow } = readBoth(write(text));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 120 }
    );
  });

  test("property: a changed character anywhere in the text is refused by it or read the same (the same dump, or the same error)", () => {
    const replacement = fc.constantFrom(" ", "\n", '"', "\\", "\t", ",", ":", "{", "}", "[", "]", "0", "1", "9", "-", "a", "n", "\u0001", "\u00e9");
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("replace", "insert", "delete"),
      text: replacement,
    });
    fc.assert(
      fc.property(items, fc.array(edit, { minLength: 1, maxLength: 2 }), (objects, edits) => {
        const { fast, slow } = readBoth(write(editItems(listText(objects), edits)));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 300 }
    );
  });

  test("property: the handles worker's matcher takes every List of handles kubectl writes, and a changed character is refused by it or read the same", () => {
    const replacement = fc.constantFrom(" ", "\n", '"', "\\", "\t", ",", ":", "{", "}", "0", "1", "-", "a", "n", "\u0001", "\u00e9");
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom("replace", "insert", "delete"), text: replacement });
    const nameOf = (o: Record<string, unknown>) => (o.metadata as { name: string }).name;
    fc.assert(
      fc.property(fc.array(handle, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.array(edit, { maxLength: 2 }), (objects, inOrder, edits) => {
        const list = inOrder ? [...objects].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0)) : objects;
        const text = listText(list);
        if (edits.length === 0) expect(columnsTake(text)).toBe(true);
        const { fast, slow } = readBoth(write(editItems(text, edits)));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 300 }
    );
  });

  test("property: spaces and tabs around the items' colons read as kubectl's text (exact sequence numbers past 2^53 too)", () => {
    const space = fc.constantFrom("", " ", "\t", "  ", " \t");
    fc.assert(
      fc.property(items, fc.array(fc.tuple(space, space), { minLength: 1, maxLength: 40 }), (objects, spaces) => {
        const text = listText(objects);
        const file = write(text);
        const expected = readBoth(file);
        // A colon after a key ('": ') is outside strings: only the keys' colons change (per colon, in turn).
        const from = text.indexOf("\n        {");
        let k = 0;
        const changed =
          text.slice(0, from) +
          text.slice(from).replace(/": /g, () => {
            const [before, after] = spaces[k++ % spaces.length];
            return `"${before}:${after || " "}`;
          });
        fs.writeFileSync(file, changed);
        const got = readBoth(file);
        expect(got.fast).toEqual(expected.slow);
        expect(got.slow).toEqual(expected.slow);
      }),
      { numRuns: 60 }
    );
  });

  test("property: values of any length and any printable text, and sequence numbers of any number of digits, read whole (the matcher copies them 4 bytes at a time)", () => {
    // Printable ASCII but '"' and '\\' (what the patterns take), of 0 to 13 characters: every length
    // modulo 4, at every alignment in the file (the text before each value varies in length).
    const text = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)), maxLength: 13 });
    const value = fc.record(
      { handle_id: text, secondary: fc.record({ namespace: text, node: text, pod: text, timestamp: text, type: text }, { requiredKeys: ["node"] }) },
      { requiredKeys: ["handle_id", "secondary"] }
    );
    const digits = fc.integer({ min: 1, max: 19 }).chain((d) => fc.bigInt({ min: d === 1 ? 0n : 10n ** BigInt(d - 1), max: 10n ** BigInt(d) - 1n }));
    const drawn = fc.record({
      attributes: fc.array(value, { minLength: 1, maxLength: 5 }),
      pad: text,
      sequenceNumber: digits,
      seq: fc.array(digits, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(drawn, { minLength: 1, maxLength: 3 }), (blocks) => {
        const objects = blocks.map((b, i) =>
          ipamBlockDocument(V1, { name: `10-0-0-${8 * i}-29`, uid: b.pad }, {
            cidr: `10.0.0.${8 * i}/29`,
            affinity: "host:node-1",
            allocations: b.attributes.map((_, k) => k),
            attributes: b.attributes,
            unallocated: [],
            sequenceNumber: b.sequenceNumber,
            seq: Object.fromEntries(b.seq.map((n, k) => [String(k), n])),
            strictAffinity: false,
          })
        );
        const listed = listText(objects);
        expect(matched(Buffer.from(listed))).toEqual(objects.map(() => "IPAMBlock"));
        const { fast, slow } = readBoth(write(listed));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 100 }
    );
  });

  test("what it leaves to the byte decoder: a handle in two blocks, other metadata, other attribute keys, another indent", () => {
    const h = {
      apiVersion: V1,
      kind: "IPAMHandle",
      metadata: { name: "h" },
      spec: { block: { "10.0.0.0/26": 1 }, handleID: "h" },
    };
    const b = {
      apiVersion: V1,
      kind: "IPAMBlock",
      metadata: { name: "10-0-0-0-30" },
      spec: {
        allocations: [0, null, null, null],
        attributes: [{ handle_id: "h", secondary: { node: "n" } }],
        cidr: "10.0.0.0/30",
        strictAffinity: false,
        unallocated: [1, 2, 3],
      },
    };
    expect(matched(Buffer.from(listText([h, b])))).toEqual(["IPAMHandle", "IPAMBlock"]);
    const variants: unknown[] = [
      {
        ...h,
        spec: { ...h.spec, block: { "10.0.0.0/26": 1, "10.0.0.64/26": 1 } },
      },
      { ...h, spec: { ...h.spec, block: {} } },
      { ...h, spec: { ...h.spec, block: { __proto__: 1 } } },
      { ...h, spec: { ...h.spec, block: { "10.0.0.0/26": 1e15 } } },
      { ...h, metadata: { ...h.metadata, labels: { a: "b" } } },
      { ...h, metadata: { name: "h\u00e9" } },
      {
        ...b,
        spec: {
          ...b.spec,
          attributes: [{ handle_id: "h", secondary: { node: "n", vmi: "v" } }],
        },
      },
      {
        ...b,
        spec: { ...b.spec, attributes: [{ handle_id: "h", secondary: {} }] },
      },
      { ...b, spec: { ...b.spec, attributes: [{ secondary: { node: "n" } }] } },
      {
        ...b,
        spec: { ...b.spec, allocations: [1234567890, null, null, null] },
      },
      { ...b, spec: { ...b.spec, sequenceNumberForAllocation: { x: 1 } } },
    ];
    for (const v of variants) {
      const text = Buffer.from(listText([v]));
      expect(matched(text)).toEqual([null]);
      const { fast, slow } = readBoth(write(text));
      expect(fast).toEqual(slow);
    }
    // Two spaces of indent: not kubectl's layout.
    const two = Buffer.from(`{"items": [\n        ${JSON.stringify(sortKeys(h), null, 2)}]}`);
    expect(templateItem(two, two.indexOf("{", 1), two.length)).toBeUndefined();
  });
});
