import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import type { LoadedDocument } from "../../src/io/objects";
import { Cidr } from "../../src/ip";
import { blockAffinityObject, ipamBlockObject, ipamHandleObject, readDump, readDumpFiles, stringifyObjects } from "../../src/live";
import { sortKeys } from "../../bench/inspect-dump";
import type { BlockAllocation, ClusterDump } from "../../src/live";

export const V1 = "crd.projectcalico.org/v1";
export const V3 = "projectcalico.org/v3";

/** Documents as if read from one file as a List. */
export function docs(objects: readonly unknown[], file = "dump.yaml", listMetadata?: Record<string, unknown>): LoadedDocument[] {
  return objects.map((value, item) => ({ file, document: 1, line: 1, value, item, ...(listMetadata ? { listMetadata } : {}) }));
}

/** Writes `items` into `dir/file` as a kubectl JSON List, as `kubectl get -o json` writes it, and returns its path. */
export function writeKubectlList(dir: string, file: string, items: readonly unknown[], metadata: Record<string, unknown> = { resourceVersion: "" }): string {
  const f = path.join(dir, file);
  fs.writeFileSync(f, `${stringifyObjects({ apiVersion: "v1", items: items.map(sortKeys), kind: "List", metadata }, 4)}\n`);
  return f;
}

/**
 * A writer of numbered kubectl JSON Lists (4-space indent, as `kubectl get -o json` writes; keys sorted
 * when `sorted`, else in the objects' order) into a scratch folder of the test file's, removed after its tests.
 */
export function listFileWriter(prefix: string): (items: readonly unknown[], sorted: boolean) => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return (items, sorted) => {
    const f = path.join(dir, `dump-${n++}.json`);
    const list = { apiVersion: "v1", items: sorted ? items.map(sortKeys) : items, kind: "List", metadata: { resourceVersion: "" } };
    fs.writeFileSync(f, `${stringifyObjects(list, 4)}\n`);
    return f;
  };
}

/** Object metadata as the API server writes it, the resource version and UID made from `i`. */
export function objectMeta(name: string, i: number) {
  return { creationTimestamp: "2026-01-01T00:00:00Z", generation: 1, name, resourceVersion: String(1000 + i), uid: `00000000-0000-1000-8000-${String(i).padStart(12, "0")}` };
}

export function read(objects: readonly unknown[]): ClusterDump {
  return readDump(docs(objects));
}

export function pool(name: string, cidr: string, spec: Record<string, unknown> = {}, apiVersion = V1): Record<string, unknown> {
  return { apiVersion, kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } };
}

export function podAlloc(ordinal: number, ns: string, pod: string, node: string, handle = `k8s-pod-network.${ns}-${pod}`): BlockAllocation {
  return { ordinal, handle, attributes: { namespace: ns, pod, node } };
}

/** A block with its affinity and one handle per allocation: a consistent cluster. */
export function blockWithOwners(cidr: string, host: string | null, allocations: readonly BlockAllocation[]): Record<string, unknown>[] {
  const c = Cidr.parse(cidr);
  const handles = new Map<string, number>();
  for (const a of allocations) if (a.handle) handles.set(a.handle, (handles.get(a.handle) ?? 0) + 1);
  return [
    ipamBlockObject({ cidr: c, host, allocations }),
    ...(host ? [blockAffinityObject(host, c)] : []),
    ...[...handles].map(([h, n]) => ipamHandleObject(h, { [cidr]: n })),
  ];
}

export function node(name: string, tunnel?: string): Record<string, unknown> {
  return { apiVersion: "v1", kind: "Node", metadata: { name, annotations: tunnel ? { "projectcalico.org/IPv4VXLANTunnelAddr": tunnel } : {} } };
}

export function podObject(ns: string, name: string, ips: string[], extra: { phase?: string; hostNetwork?: boolean } = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace: ns, name },
    spec: { nodeName: "n1", ...(extra.hostNetwork ? { hostNetwork: true } : {}) },
    status: { phase: extra.phase ?? "Running", podIPs: ips.map((ip) => ({ ip })) },
  };
}

/** The spec of a block object, to change one field for a test. */
export function specOf(o: Record<string, unknown>): Record<string, unknown> {
  return o.spec as Record<string, unknown>;
}

/**
 * An IPAMBlock object as the property tests of the dump readers draw it: the spec's keys in the order
 * kubectl writes them (sorted), optional fields left out when undefined.
 */
export interface DrawnBlockFields {
  readonly cidr: string;
  readonly allocations: readonly (number | null)[];
  readonly unallocated: readonly number[];
  readonly attributes: readonly unknown[];
  readonly sequenceNumber?: unknown;
  /** `sequenceNumberForAllocation`. */
  readonly seq?: Readonly<Record<string, unknown>>;
  readonly affinity?: string;
  readonly affinityClaimTime?: string;
  readonly strictAffinity: boolean;
  readonly deleted?: boolean;
}

export function ipamBlockDocument(apiVersion: string, metadata: Readonly<Record<string, unknown>>, b: DrawnBlockFields) {
  return {
    apiVersion,
    kind: "IPAMBlock",
    metadata,
    spec: {
      cidr: b.cidr,
      ...(b.affinity !== undefined ? { affinity: b.affinity } : {}),
      ...(b.affinityClaimTime !== undefined ? { affinityClaimTime: b.affinityClaimTime } : {}),
      allocations: b.allocations,
      unallocated: b.unallocated,
      attributes: b.attributes,
      ...(b.sequenceNumber !== undefined ? { sequenceNumber: b.sequenceNumber } : {}),
      ...(b.seq !== undefined ? { sequenceNumberForAllocation: b.seq } : {}),
      strictAffinity: b.strictAffinity,
      ...(b.deleted !== undefined ? { deleted: b.deleted } : {}),
    },
  };
}

/** A List's text with one-character edits applied within its items (the List's own lines are checked by the List reader). */
export function editItems(text: string, edits: ReadonlyArray<{ at: number; kind: "replace" | "insert" | "delete"; text: string }>): string {
  const from = text.indexOf("\n        {");
  const to = text.lastIndexOf("\n    ]");
  let out = text;
  for (const e of edits) {
    const at = from + (e.at % (to - from));
    out = out.slice(0, at) + (e.kind === "delete" ? "" : e.text) + out.slice(e.kind === "insert" ? at : at + 1);
  }
  return out;
}

/** What kubectl shows in an object's metadata, one line per member (property tests of the kubectl-layout matchers). */
export function kubectlMetadata(objectName: fc.Arbitrary<string>) {
  return fc.record(
    {
      creationTimestamp: fc.constant("2026-01-01T00:00:00Z"),
      generation: fc.integer({ min: 1, max: 5 }),
      name: objectName,
      resourceVersion: fc.integer({ min: 1, max: 99999 }).map(String),
      uid: fc.uuid(),
    },
    { requiredKeys: ["name"] },
  );
}

/** A dump file read with the fast readers or the JSON parser alone: the dump, or the error's message. */
export function readOrError(file: string, fastDecode: boolean): ClusterDump | { error: string } {
  try {
    return readDumpFiles([file], { fastDecode });
  } catch (e) {
    return { error: (e as Error).message };
  }
}
