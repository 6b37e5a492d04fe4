import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { stringifyObjects } from "../../src/live";
import { decodeDumpItem, warmSmallKinds } from "../../src/live/fast-decode";
import { itemEnd, templateAffinity, templateEnd } from "../../src/live/template-decode";
import { sortKeys } from "../../bench/inspect-dump";
import { V1, editItems, kubectlMetadata, readOrError } from "./helpers";

// The small files' fast paths: BlockAffinity items as kubectl writes them matched whole by a pattern
// (src/live/template-decode.ts `templateAffinity`), Kubernetes nodes as kubectl writes them parsed by
// the runtime's JSON parser item by item (src/live/fast-decode.ts `kubectlNode`). Both must take
// kubectl's text (the tests fail when the fast path is not taken) and give exactly what the byte decoder
// and the JSON parser with the CRD schema check give, also for any change to that text.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "small-kinds-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A List as `kubectl get -o json` writes it: 4-space indent, keys sorted. */
function listText(items: readonly unknown[]): string {
  return `${stringifyObjects({ apiVersion: "v1", items: items.map(sortKeys), kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`;
}
function write(text: string | Buffer): string {
  const f = path.join(dir, `dump-${n++}.json`);
  fs.writeFileSync(f, text);
  return f;
}

/** The dump read with and without the fast paths (or the error each throws). */
function readBoth(file: string): { fast: unknown; slow: unknown } {
  return { fast: readOrError(file, true), slow: readOrError(file, false) };
}

/** The items' `{` positions in a List's text (8 spaces in). */
function itemStarts(text: Buffer): number[] {
  const out: number[] = [];
  for (let p = text.indexOf("\n        {"); p >= 0; p = text.indexOf("\n        {", p + 1)) out.push(p + 9);
  return out;
}

/** Plain strings (no escape, no non-ASCII), as names and values are. */
const plainName = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,24}$/);
/** Any printable ASCII (quotes and backslashes written as escapes). */
const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const CIDRS = ["10.0.0.0/26", "10.0.0.64/26", "fd00::/122", "10.0.0.1/26", "not-a-cidr", ""];
const affinity = fc
  .record(
    {
      metadata: kubectlMetadata(plainName),
      cidr: fc.constantFrom(...CIDRS),
      deleted: fc.constantFrom("false", "true", "", "x"),
      node: fc.oneof(fc.constantFrom("node-a", "node-b"), plainName),
      state: fc.constantFrom("confirmed", "pending", "pendingDeletion", ""),
      type: fc.constantFrom("host", "virtual", ""),
      wellNamed: fc.boolean(),
    },
    { requiredKeys: ["metadata", "cidr", "deleted", "node", "state", "wellNamed"] },
  )
  .map((a) => ({
    apiVersion: V1,
    kind: "BlockAffinity",
    metadata: { ...a.metadata, name: a.wellNamed ? `${a.node}-${a.cidr.replace(/[./:]/g, "-")}` : a.metadata.name },
    spec: { cidr: a.cidr, deleted: a.deleted, node: a.node, state: a.state, ...(a.type !== undefined ? { type: a.type } : {}) },
  }));

const TUNNEL_KEYS = ["projectcalico.org/IPv4IPIPTunnelAddr", "projectcalico.org/IPv4VXLANTunnelAddr", "projectcalico.org/IPv6VXLANTunnelAddr", "projectcalico.org/IPv4WireguardInterfaceAddr", "projectcalico.org/IPv6WireguardInterfaceAddr"];
const node = fc
  .record(
    {
      name: fc.oneof(plainName, ascii),
      labels: fc.dictionary(fc.oneof(fc.constantFrom("kubernetes.io/hostname", "rack"), ascii), fc.oneof(ascii, fc.constant<unknown>(1)), { maxKeys: 3 }),
      annotations: fc.dictionary(fc.oneof(fc.constantFrom(...TUNNEL_KEYS), ascii), fc.oneof(fc.constantFrom("10.0.0.1", "10.0.0.2/32", "fd00::1", ""), ascii), { maxKeys: 4 }),
      podCIDR: fc.constantFrom("10.200.0.0/24", "fd00:1::/64"),
      podCIDRs: fc.array(fc.constantFrom("10.200.0.0/24", "fd00:1::/64"), { maxLength: 2 }),
      status: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ["name"] },
  )
  .map((x) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { creationTimestamp: "2026-01-01T00:00:00Z", name: x.name, ...(x.labels ? { labels: x.labels } : {}), ...(x.annotations ? { annotations: x.annotations } : {}) },
    ...(x.podCIDR !== undefined || x.podCIDRs !== undefined ? { spec: { ...(x.podCIDR !== undefined ? { podCIDR: x.podCIDR } : {}), ...(x.podCIDRs !== undefined ? { podCIDRs: x.podCIDRs } : {}) } } : {}),
    ...(x.status !== undefined ? { status: x.status } : {}),
  }));

/** Whether JSON text holds only ASCII (a node with a non-ASCII character is left to the byte decoder and the parser). */
const isAsciiText = (o: unknown) => !/[^\x20-\x7e]/.test(JSON.stringify(o));

describe("the small files' fast paths give what the other readers give", () => {
  test("property: every affinity and every ASCII node kubectl writes is taken by its fast path, and the dump reads as through the JSON parser", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(affinity, node), { minLength: 1, maxLength: 6 }), (objects) => {
        const text = Buffer.from(listText(objects));
        const starts = itemStarts(text);
        expect(starts.length).toBe(objects.length);
        objects.forEach((o, i) => {
          if (o.kind === "BlockAffinity") {
            // The pattern takes it (not the byte decoder), and ends where the item ends.
            const a = templateAffinity(text, starts[i], text.length);
            expect(a).toEqual({ kind: "BlockAffinity", apiVersion: V1, name: o.metadata.name, spec: o.spec });
            expect(text.toString("latin1", templateEnd() - 10, templateEnd())).toBe("\n        }");
          } else if (isAsciiText(o)) {
            // The parser takes it: what it keeps of the node is what JSON.parse gives (not the byte decoder's, which refuses escapes and labels of other types).
            const d = decodeDumpItem(text, starts[i], text.length) as { kind: string; name: string; object: { metadata: Record<string, unknown> } } | undefined;
            const meta = o.metadata as { name: string; labels?: unknown };
            expect(d).toMatchObject({ kind: "Node", name: meta.name });
            if (meta.labels !== undefined) expect(d?.object.metadata.labels).toEqual(meta.labels);
          }
        });
        const { fast, slow } = readBoth(write(text));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 150 },
    );
  });

  test("property: a changed character anywhere in affinities' and nodes' text is refused by the fast paths or read the same (the same dump, or the same error)", () => {
    const replacement = fc.constantFrom(" ", "\n", '"', "\\", "\t", ",", ":", "{", "}", "[", "]", "0", "1", "-", "a", "n", "\u0001", "\u00e9");
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom("replace", "insert", "delete"), text: replacement });
    fc.assert(
      fc.property(fc.array(fc.oneof(affinity, node), { minLength: 1, maxLength: 4 }), fc.array(edit, { minLength: 1, maxLength: 2 }), (objects, edits) => {
        const { fast, slow } = readBoth(write(editItems(listText(objects), edits)));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 300 },
    );
  });

  test("the items read when the module loads (type feedback for both paths) are read by the fast paths", () => {
    expect(warmSmallKinds()).toBe(true);
  });

  test("what the fast paths leave to the byte decoder and the parser", () => {
    const a = { apiVersion: V1, kind: "BlockAffinity", metadata: { name: "n-10-0-0-0-26" }, spec: { cidr: "10.0.0.0/26", deleted: "false", node: "n", state: "confirmed" } };
    const first = (o: unknown) => {
      const text = Buffer.from(listText([o]));
      return templateAffinity(text, itemStarts(text)[0], text.length);
    };
    expect(first(a)).toEqual({ kind: "BlockAffinity", apiVersion: V1, name: a.metadata.name, spec: a.spec });
    for (const o of [
      { ...a, metadata: { ...a.metadata, labels: { x: "y" } } }, // metadata of more than one line a member
      { ...a, spec: { ...a.spec, node: 'n"' } }, // an escape
      { ...a, spec: { ...a.spec, node: "né" } }, // non-ASCII
      { ...a, spec: { ...a.spec, deleted: false } }, // a wrong type
      { ...a, spec: { ...a.spec, extra: "x" } }, // a field the schema does not declare
      { ...a, spec: { cidr: a.spec.cidr, node: "n", state: "confirmed" } }, // deleted missing
      { ...a, status: {} },
      { ...a, apiVersion: "projectcalico.org/v3" },
    ]) {
      expect(first(o)).toBeUndefined();
    }
    // The close of an item: the first "}" alone on its line 8 spaces in.
    const text = Buffer.from('{\n            "a": {\n        }\n        }');
    expect(itemEnd(text, 0, text.length)).toBe(text.indexOf("}") + 1);
    expect(itemEnd(text, 0, text.indexOf("}"))).toBe(-1);
  });
});
