import * as fs from "fs";
import fc from "fast-check";
import { readDump, readDumpFiles } from "../../src/live";
import { TUNNEL_ANNOTATIONS } from "../../src/live/fast-decode";
import type { LiveNode, LiveTunnelAddress } from "../../src/live";
import { docs, listFileWriter, objectMeta } from "./helpers";

// A Kubernetes node's labels and tunnel addresses as the reader made them with `Object.entries` (before
// session 13): the reader now copies the labels with a `for…in` loop and reads the tunnel annotations
// without a copy of the annotations. Both must give the same objects, keys in the same order.

/** The labels as the reader made them before: `Object.entries`, string values only, assigned in order. */
function entriesStringMap(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

/** The tunnel addresses as the reader made them before (from a copy of the annotations). */
function entriesTunnels(annotations: unknown): LiveTunnelAddress[] {
  const copy = entriesStringMap(annotations);
  const out: LiveTunnelAddress[] = [];
  for (const [key, type] of Object.entries(TUNNEL_ANNOTATIONS)) {
    if (copy[key]) {
      const a = copy[key];
      const slash = a.indexOf("/");
      out.push({ type, address: slash < 0 ? a : a.slice(0, slash) });
    }
  }
  return out;
}

const TUNNEL_KEYS = Object.keys(TUNNEL_ANNOTATIONS);

/** Keys a map may hold: any text, integer-like keys (ordered first by `Object.entries`), prototype names, the tunnel annotations. */
const keyArb = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("0", "7", "10", "4294967295", "-1", "01", "constructor", "toString", "hasOwnProperty", "__proto__", ...TUNNEL_KEYS));
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom("", "10.0.0.1", "10.0.0.1/32", "fd00::1/128", "/") },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({ a: "b" })) },
);
/** A map as JSON text parses it (an own `__proto__` key included), its keys in the drawn order. */
const mapArb = fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => k, maxLength: 10 }).map((entries) => JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`) as Record<string, unknown>);

function expectNode(n: LiveNode, labels: unknown, annotations: unknown): void {
  const want = entriesStringMap(labels);
  expect(n.labels).toEqual(want);
  expect(Object.keys(n.labels)).toEqual(Object.keys(want));
  expect(Object.getPrototypeOf(n.labels)).toBe(Object.getPrototypeOf(want));
  expect(JSON.stringify(n.labels)).toBe(JSON.stringify(want));
  expect(n.tunnelAddresses).toEqual(entriesTunnels(annotations));
}

describe("a Kubernetes node's labels and tunnel addresses are those Object.entries gave", () => {
  test("property: any labels and annotations (objects as JSON.parse makes them)", () => {
    fc.assert(
      fc.property(mapArb, mapArb, (labels, annotations) => {
        const node = { apiVersion: "v1", kind: "Node", metadata: { annotations, labels, name: "n1" }, spec: {} };
        const dump = readDump(docs([node], "nodes.json"));
        expectNode(dump.nodes?.[0] as LiveNode, labels, annotations);
      }),
      { numRuns: 300 },
    );
  });

  test("labels or annotations that are not objects, or missing", () => {
    for (const v of [undefined, null, "text", 3, ["x"]]) {
      const node = { apiVersion: "v1", kind: "Node", metadata: { annotations: v, labels: v, name: "n1" }, spec: {} };
      expectNode(readDump(docs([node], "nodes.json")).nodes?.[0] as LiveNode, v, v);
    }
  });

  const write = listFileWriter("node-maps-");
  test("property: the same from a kubectl JSON List read from its text (the fast decoder, and the parser where it leaves an item)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(mapArb, mapArb), { minLength: 1, maxLength: 6 }), (maps) => {
        const nodes = maps.map(([labels, annotations], i) => ({ apiVersion: "v1", kind: "Node", metadata: { ...objectMeta(`node-${i}`, i), annotations, labels }, spec: {} }));
        const file = write(nodes, false);
        const dump = readDumpFiles([file]);
        expect(dump.nodes?.length).toBe(maps.length);
        // (The file's maps are the drawn ones, written in their order: JSON.parse of the file gives them back.)
        const parsed = (JSON.parse(fs.readFileSync(file, "utf8")) as { items: { metadata: { labels: unknown; annotations: unknown } }[] }).items;
        dump.nodes?.forEach((n, i) => expectNode(n, parsed[i].metadata.labels, parsed[i].metadata.annotations));
      }),
      { numRuns: 60 },
    );
  });
});
