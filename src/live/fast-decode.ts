/**
 * The two kinds that make a cluster dump large — `IPAMHandle` (one per pod) and `IPAMBlock` (a
 * block's every address) in `crd.projectcalico.org/v1`, as `kubectl get … -o json` writes them — read
 * straight from the bytes of a `List` item (`json-list.ts` hands them over), without building a JSON
 * tree and without the CRD schema validator: the decoder itself accepts only what the v3.32.1 CRD
 * schema accepts (`crds/v3.32.1/crd.projectcalico.org-v1`, objects closed as `crd-schema.ts` closes
 * them) and what `JSON.parse` accepts, and gives what `readDump` would make of the parsed object. The
 * small files' kinds are read the same way (issue 12: on the main thread, their JSON trees, the CRD
 * validators' compiles and the strings of their text cost more than the files' size suggests): `IPPool`,
 * `IPAMConfig` and `BlockAffinity` of `crd.projectcalico.org/v1`, and Kubernetes `Node`s and `Pod`s, of which
 * only what the reader reads is kept (`FastNode`, `FastPod`; the rest is checked as JSON and skipped). In kubectl's layout,
 * a `BlockAffinity` is first matched whole by a pattern (`templateAffinity` in `template-decode.ts`) and a
 * `Node` written in ASCII is checked as JSON in WebAssembly and only its `apiVersion`, `kind`, `metadata` and
 * `spec` are parsed by the runtime's JSON parser (`kubectlNode`, `private/json-wasm.ts`; the status kubelet
 * reports is most of a node's text), and a `Pod` the same way, of its `metadata`, `spec` and `status` only the
 * members the reader reads (`kubectlPod`: a pod's containers, volumes and their statuses are most of its text): for a dump's few thousand of each, V8's compiles of the byte decoder's
 * functions cost more than the reading (issue 12j).
 *
 * Anything unusual leaves the item to the JSON parser and the schema validator, which keep every
 * error and message: another API group or kind, a field the schema does not declare (a master-only
 * field too), a wrong type, a duplicate key, an escape or a non-ASCII byte in a string read, a number
 * that is not a plain integer (`1.0`, `1e3`, `-1`), an index of 10 digits or more, `__proto__` as a
 * key, nesting deeper than 64 levels. The fast path is an optimisation only: property tests
 * (`test/live/fast-decode.property.test.ts`, `object-decode.property.test.ts`) check that it gives the
 * same objects as the slow path.
 */
import { isAscii } from "buffer";
import { fullFormats } from "ajv-formats/dist/formats";
import { cidrFormat } from "../validation/cidr-format";
import { API_CRD_V1 } from "../model/calico";
import { fastBlock } from "./block";
import type { BlockFields } from "./block";
import type { LiveAttribute } from "./model";
import { itemEnd, templateAffinity, templateEnd, templateItem } from "./template-decode";
import { NOT_JSON, PAST_LIMITS, jsonCheck } from "./private/json-wasm";
import type { LatinBuffer } from "./private/latin-buffer";

/** An `IPAMHandle` read by {@link decodeDumpItem}: what `readDump` keeps of it. */
export interface FastHandle {
  readonly kind: "IPAMHandle";
  readonly apiVersion: string;
  readonly name: string;
  readonly handleId: string;
  readonly blocks: Record<string, number>;
  readonly deleted: boolean;
  /** `handleIdHash(handleId)` (`private/handle-ids.ts`) when the reader hashed the ID's bytes. */
  readonly idHash?: number;
}

/** An `IPAMBlock` read by {@link decodeDumpItem}: its fields, for `decodeBlockFields`. */
export interface FastBlock {
  readonly kind: "IPAMBlock";
  readonly apiVersion: string;
  readonly name: string;
  readonly fields: BlockFields;
}

/** What {@link decodeDumpItem} makes of an IPAM handle or block (the kinds the dump's workers read too). */
export type FastItem = FastHandle | FastBlock;

/** A `BlockAffinity` read by {@link decodeDumpItem}: its spec's fields as written (every one a string, as its CRD requires). */
export interface FastAffinity {
  readonly kind: "BlockAffinity";
  readonly apiVersion: string;
  readonly name: string;
  readonly spec: { readonly cidr: string; readonly deleted: string; readonly node: string; readonly state: string; readonly type?: string };
}

/**
 * A Kubernetes `Node` (`v1`) read by {@link decodeDumpItem}: the object with only what the dump reader
 * reads of a node — `metadata.name`, `metadata.labels`, the tunnel address annotations
 * ({@link TUNNEL_ANNOTATIONS}) and `spec.podCIDR`/`spec.podCIDRs` — as `JSON.parse` gives them.
 */
export interface FastNode {
  readonly kind: "Node";
  readonly apiVersion: "v1";
  readonly name: string;
  readonly object: { readonly metadata: Record<string, unknown>; readonly spec: Record<string, unknown> };
}

/**
 * A Kubernetes `Pod` (`v1`) read by {@link decodeDumpItem}: only what the dump reader reads of a pod —
 * `metadata.name`, `metadata.namespace` (as `JSON.parse` gives it; undefined when absent), and of
 * `spec` its `nodeName` and `hostNetwork`, of `status` its `podIPs`, `podIP` and `phase` (each object with
 * only those of its own members; a `spec` or `status` that is not an object as it is; absent when absent).
 */
export interface FastPod {
  readonly kind: "Pod";
  readonly apiVersion: "v1";
  readonly name: string;
  readonly namespace: unknown;
  readonly object: { readonly spec?: unknown; readonly status?: unknown };
}

/**
 * An `IPPool` or `IPAMConfig` read by {@link decodeDumpItem}: its spec as `JSON.parse` gives it (only
 * the fields of its CRD, each valid: the objects its schema accepts).
 */
export interface FastSpec {
  readonly kind: "IPPool" | "IPAMConfig";
  readonly apiVersion: string;
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

/** What {@link decodeDumpItem} makes of an item. */
export type DumpItem = FastItem | FastAffinity | FastNode | FastPod | FastSpec;

/** Node annotations (Kubernetes datastore) holding the tunnel addresses calico-node allocated, with their allocation type. */
export const TUNNEL_ANNOTATIONS: Readonly<Record<string, string>> = {
  "projectcalico.org/IPv4IPIPTunnelAddr": "ipipTunnelAddress",
  "projectcalico.org/IPv4VXLANTunnelAddr": "vxlanTunnelAddress",
  "projectcalico.org/IPv6VXLANTunnelAddr": "vxlanV6TunnelAddress",
  "projectcalico.org/IPv4WireguardInterfaceAddr": "wireguardTunnelAddress",
  "projectcalico.org/IPv6WireguardInterfaceAddr": "wireguardV6TunnelAddress",
};

/** Thrown inside the decoder to leave the item to the slow path. */
const FALLBACK = new Error("fast-decode: left to the JSON parser");

// The item being read: bytes, position, end. Module state keeps the hot helpers small.
let B: Buffer = Buffer.alloc(0);
let P = 0;
let E = 0;
/** Start of the last plain string read (its content is `[S, P - 1)`). */
let S = 0;

const DATE_TIME = (fullFormats["date-time"] as { validate: (s: string) => boolean }).validate;
const MAX_DEPTH = 64;

/**
 * Reads one item of a dump `List` (`bytes[from, to)`, from its `{` to its `}`): an `IPAMHandle`,
 * `IPAMBlock`, `BlockAffinity`, `IPPool` or `IPAMConfig` of `crd.projectcalico.org/v1` or a Kubernetes `Node`, or undefined for
 * anything else or anything unusual (the JSON parser and the schema check then read it). An
 * {@link ItemDecoder} for `streamDumpObjects`.
 */
export function decodeDumpItem(bytes: Buffer, from: number, to: number): DumpItem | undefined {
  // kubectl's own layout first, matched whole (template-decode.ts); then byte by byte.
  const t = templateItem(bytes, from, to);
  if (t !== undefined) {
    END = templateEnd();
    return t;
  }
  // A block affinity in kubectl's layout, matched whole; a Kubernetes node in kubectl's layout, parsed
  // by the runtime's JSON parser item by item.
  if (startsWith(bytes, from, AFFINITY_HEAD)) {
    const a = templateAffinity(bytes, from, to);
    if (a !== undefined) {
      END = templateEnd();
      return a;
    }
  } else if (startsWith(bytes, from, NODE_HEAD)) {
    const n = kubectlNode(bytes, from, to);
    if (n !== undefined) return n;
  } else if (startsWith(bytes, from, POD_HEAD)) {
    // (A pod the byte decoder does not read: left to the JSON parser when this does not take it.)
    return kubectlPod(bytes, from, to);
  }
  B = bytes;
  P = from;
  E = to;
  try {
    const out = item();
    // The item closes as kubectl closes it: "}" on a line of its own, indented by 8 spaces.
    if (out !== undefined && !closesAtEight(from)) return undefined;
    END = P;
    return out;
  } catch (e) {
    if (e === FALLBACK) return undefined;
    throw e;
  } finally {
    B = EMPTY;
  }
}
const EMPTY = Buffer.alloc(0);
/** Where the item last read by {@link decodeDumpItem} ends (just after its `}`). */
let END = 0;

/** {@link decodeDumpItem} as the `ItemDecoder` of `streamDumpObjects`. */
export const dumpItemDecoder = {
  decode: decodeDumpItem,
  get end(): number {
    return END;
  },
};

/** A `BlockAffinity`'s first lines in kubectl's layout, from its `{` (8 spaces in). */
const AFFINITY_HEAD = Buffer.from(`{\n${" ".repeat(12)}"apiVersion": "${API_CRD_V1}",\n${" ".repeat(12)}"kind": "BlockAffinity",\n`, "latin1");
/** A Kubernetes node's first lines in kubectl's layout, from its `{` (8 spaces in). */
const NODE_HEAD = Buffer.from(`{\n${" ".repeat(12)}"apiVersion": "v1",\n${" ".repeat(12)}"kind": "Node",\n`, "latin1");
/** A Kubernetes pod's first lines in kubectl's layout, from its `{` (8 spaces in). */
const POD_HEAD = Buffer.from(`{\n${" ".repeat(12)}"apiVersion": "v1",\n${" ".repeat(12)}"kind": "Pod",\n`, "latin1");
/** Whether `bytes` hold `head` at `from`. */
function startsWith(bytes: Buffer, from: number, head: Uint8Array): boolean {
  if (from + head.length > bytes.length) return false;
  for (let i = 0; i < head.length; i++) if (bytes[from + i] !== head[i]) return false;
  return true;
}

/**
 * A Kubernetes `Node` item at `bytes[from]` (to its first closing line before `to`), ASCII only, read by
 * the runtime's JSON parser — what the reader's slow path does with a batch of items, for one item: the
 * same object, the same syntax check, without the byte decoder (whose functions, compiled for a dump's
 * few thousand nodes, cost more CPU on V8's compiler threads than the parser takes to read them). The
 * syntax is checked in WebAssembly and only the members the reader reads are parsed ({@link nodeMembers}).
 * Only what the reader reads of the node is kept ({@link FastNode}). Undefined, leaving the item to the byte
 * decoder and the JSON parser, when the text is not one JSON object there, holds a non-ASCII byte, or is
 * not a node with a name.
 */
function kubectlNode(bytes: Buffer, from: number, to: number): FastNode | undefined {
  const end = itemEnd(bytes, from, to);
  if (end < 0 || !isAscii(bytes.subarray(from, end))) return undefined;
  const o = nodeMembers(bytes, from, end);
  if (o === undefined) return undefined;
  const node = o as { apiVersion?: unknown; kind?: unknown; metadata?: unknown; spec?: unknown };
  if (typeof o !== "object" || o === null || node.apiVersion !== "v1" || node.kind !== "Node") return undefined;
  const meta = node.metadata as { name?: unknown; labels?: unknown; annotations?: unknown } | null;
  if (typeof meta !== "object" || meta === null || Array.isArray(meta) || typeof meta.name !== "string") return undefined;
  const metadata: Record<string, unknown> = { name: meta.name };
  if (Object.hasOwn(meta, "labels")) metadata.labels = meta.labels;
  if (Object.hasOwn(meta, "annotations")) metadata.annotations = tunnelAnnotations(meta.annotations);
  const spec: Record<string, unknown> = {};
  const s = node.spec as { podCIDR?: unknown; podCIDRs?: unknown } | null | undefined;
  if (typeof s === "object" && s !== null) {
    if (Object.hasOwn(s, "podCIDR")) spec.podCIDR = s.podCIDR;
    if (Object.hasOwn(s, "podCIDRs")) spec.podCIDRs = s.podCIDRs;
  }
  END = end;
  return new KubectlNode(meta.name, { metadata, spec });
}

/** The members of a node the reader reads. */
const NODE_KEYS = ["apiVersion", "kind", "metadata", "spec"];
const NODE_KEY_BYTES = keyBytes(NODE_KEYS);

/**
 * What `JSON.parse` of a node item's text (`bytes[from, end)`, ASCII, from its `{`) gives, for the members
 * the reader reads (`apiVersion`, `kind`, `metadata`, `spec`); undefined when the text is not JSON. The
 * text is checked as JSON without building it (`private/json-wasm.ts`) and only those members' values are
 * parsed (the last of a key, as the parser keeps it): not the status kubelet reports, most of a node's text.
 * A text the check leaves (past its limits, a key with an escape, no WebAssembly) is parsed whole.
 */
function nodeMembers(bytes: Buffer, from: number, end: number): unknown {
  const b = bytes as LatinBuffer;
  const check = jsonCheck();
  const n = check === undefined ? PAST_LIMITS : check.check(bytes, from, end);
  if (n === NOT_JSON) return undefined;
  const values = n >= 0 && check !== undefined ? lastValues(bytes, from, check.members(), n, NODE_KEY_BYTES) : undefined;
  if (values !== undefined) {
    return parsedValues(b, from, NODE_KEYS, values);
  }
  try {
    return JSON.parse(b.latin1Slice(from, end));
  } catch {
    return undefined;
  }
}

/**
 * A Kubernetes `Pod` item at `bytes[from]` (to its first closing line before `to`), ASCII only: checked as
 * JSON in WebAssembly, and only the members the reader reads parsed ({@link podMembers}: a pod's spec and
 * status, its containers, volumes and their statuses, are most of its text, and a dump may hold a hundred
 * thousand pods). Gives what the reader would read of `JSON.parse` of the item ({@link FastPod});
 * undefined, leaving the item to the JSON parser, when the text is not one JSON object there, holds a
 * non-ASCII byte, or is not a pod whose metadata is an object with a name.
 */
function kubectlPod(bytes: Buffer, from: number, to: number): FastPod | undefined {
  const end = itemEnd(bytes, from, to);
  if (end < 0 || !isAscii(bytes.subarray(from, end))) return undefined;
  const o = podMembers(bytes, from, end) as { apiVersion?: unknown; kind?: unknown; metadata?: unknown; spec?: unknown; status?: unknown } | null | undefined;
  if (typeof o !== "object" || o === null || o.apiVersion !== "v1" || o.kind !== "Pod") return undefined;
  const meta = o.metadata as { name?: unknown; namespace?: unknown } | null;
  if (typeof meta !== "object" || meta === null || Array.isArray(meta) || typeof meta.name !== "string") return undefined;
  const object: { spec?: unknown; status?: unknown } = {};
  if (Object.hasOwn(o, "spec")) object.spec = ownMembers(o.spec, POD_SPEC_KEYS);
  if (Object.hasOwn(o, "status")) object.status = ownMembers(o.status, POD_STATUS_KEYS);
  END = end;
  return new KubectlPod(meta.name, Object.hasOwn(meta, "namespace") ? meta.namespace : undefined, object);
}

/** The members of a pod the reader reads, and of its metadata, spec and status. */
const POD_KEYS = ["apiVersion", "kind", "metadata", "spec", "status"];
const POD_METADATA_KEYS = ["name", "namespace"];
const POD_SPEC_KEYS = ["nodeName", "hostNetwork"];
const POD_STATUS_KEYS = ["podIPs", "podIP", "phase"];
/** Per member of {@link POD_KEYS}, the members kept of its value when it is an object (all when null). */
const POD_INNER: readonly (readonly string[] | null)[] = [null, null, POD_METADATA_KEYS, POD_SPEC_KEYS, POD_STATUS_KEYS];
const POD_KEY_BYTES = keyBytes(POD_KEYS);
const POD_INNER_BYTES = POD_INNER.map((keys) => (keys === null ? null : keyBytes(keys)));

/** `v` with only its own members of `keys` when it is an object (not an array); any other value as it is. */
function ownMembers(v: unknown, keys: readonly string[]): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) if (Object.hasOwn(o, keys[i])) out[keys[i]] = o[keys[i]];
  return out;
}

/**
 * What `JSON.parse` of a pod item's text (`bytes[from, end)`, ASCII, from its `{`) gives, for the members
 * {@link kubectlPod} reads: `apiVersion` and `kind`, and of `metadata`, `spec` and `status` (objects) only
 * their members it reads — their places given by the same check ({@link JsonCheck.nested}), or, when the top
 * object's objects have more members than it places, by checking that object again where it lies
 * ({@link JsonCheck.checkWithin}); the last of a key taken, as the parser keeps it.
 * Undefined when the text is not JSON. A text the check leaves (past its limits, a key with an escape, no
 * WebAssembly) is parsed whole.
 */
function podMembers(bytes: Buffer, from: number, end: number): unknown {
  const b = bytes as LatinBuffer;
  const check = jsonCheck();
  const n = check === undefined ? PAST_LIMITS : check.check(bytes, from, end);
  if (n === NOT_JSON) return undefined;
  const values = n >= 0 && check !== undefined ? lastValues(bytes, from, check.members(), n, POD_KEY_BYTES) : undefined;
  if (values !== undefined && check !== undefined) {
    // The members of the top object's objects, placed by the same check (else each object is checked again).
    const nested = check.nested();
    const nestedCount = nested !== undefined ? nested.length / 5 : 0;
    const out: Record<string, unknown> = {};
    for (let k = 0; k < POD_KEYS.length; k++) {
      const valueFrom = values[3 * k];
      if (valueFrom < 0) continue;
      const valueTo = values[3 * k + 1];
      const innerBytes = POD_INNER_BYTES[k];
      let value: unknown = undefined;
      if (innerBytes !== null && bytes[from + valueFrom] === 0x7b) {
        // An object: its members' places, and only the kept ones parsed.
        let kept: number[] | undefined;
        if (nested !== undefined) kept = lastValues(bytes, from, nested, nestedCount, innerBytes, 5, values[3 * k + 2]);
        else {
          const m = check.checkWithin(valueFrom, valueTo);
          kept = m >= 0 ? lastValues(bytes, from, check.members(), m, innerBytes) : undefined;
        }
        if (kept !== undefined) value = parsedValues(b, from, POD_INNER[k] as readonly string[], kept);
      }
      out[POD_KEYS[k]] = value !== undefined ? value : JSON.parse(b.latin1Slice(from + valueFrom, from + valueTo));
    }
    return out;
  }
  try {
    return JSON.parse(b.latin1Slice(from, end));
  } catch {
    return undefined;
  }
}

/**
 * Of the members the check placed (`m`, `n` of them, `stride` numbers each, their four places last; offsets
 * from `bytes[from]`), those of top member `parent` when `stride` is 5 (its first number), where the value of
 * the last of each of `keys` (their bytes, {@link keyBytes}) is and which member it is: value from, value to
 * and member per key (-1 when absent); undefined when a key holds an escape (its text is then not the key:
 * the caller parses the object).
 */
function lastValues(bytes: Buffer, from: number, m: Int32Array, n: number, keys: readonly Uint8Array[], stride = 4, parent = -1): number[] | undefined {
  const out: number[] = new Array<number>(3 * keys.length).fill(-1);
  const at = stride - 4;
  for (let i = 0; i < n; i++) {
    const e = i * stride;
    if (at > 0 && m[e] !== parent) continue;
    const keyFrom = from + m[e + at] + 1;
    const keyTo = from + m[e + at + 1] - 1;
    for (let k = keyFrom; k < keyTo; k++) if (bytes[k] === 0x5c) return undefined;
    // (The key compared as bytes: no string made per member.)
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j];
      if (key.length !== keyTo - keyFrom) continue;
      let same = true;
      for (let k = 0; k < key.length && same; k++) same = bytes[keyFrom + k] === key[k];
      if (!same) continue;
      out[3 * j] = m[e + at + 2];
      out[3 * j + 1] = m[e + at + 3];
      out[3 * j + 2] = i;
      break;
    }
  }
  return out;
}

/** The object of `keys` whose values {@link lastValues} placed (`values`, offsets from `b[from]`), each parsed; absent ones left out. */
function parsedValues(b: LatinBuffer, from: number, keys: readonly string[], values: readonly number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let k = 0; k < keys.length; k++) if (values[3 * k] >= 0) out[keys[k]] = JSON.parse(b.latin1Slice(from + values[3 * k], from + values[3 * k + 1]));
  return out;
}

/** The bytes of each key (ASCII), for {@link lastValues}. */
function keyBytes(keys: readonly string[]): readonly Uint8Array[] {
  return keys.map((k) => Buffer.from(k, "latin1"));
}

/** A {@link FastPod} of {@link kubectlPod}: made with `new`, as {@link KubectlNode}. */
class KubectlPod implements FastPod {
  readonly kind = "Pod";
  readonly apiVersion = "v1";
  constructor(
    readonly name: string,
    readonly namespace: unknown,
    readonly object: FastPod["object"],
  ) {}
}

/** Of a node's parsed annotations, the own ones of {@link TUNNEL_ANNOTATIONS} (the rest, often kilobytes, is not kept). */
function tunnelAnnotations(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  const a = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < ANNOTATION_NAMES.length; i++) {
    const k = ANNOTATION_NAMES[i];
    if (Object.hasOwn(a, k)) out[k] = a[k];
  }
  return out;
}

/** A {@link FastNode} of {@link kubectlNode}: made with `new` (a node lives to the end of the read: see `AffinityObject` in read.ts). */
class KubectlNode implements FastNode {
  readonly kind = "Node";
  readonly apiVersion = "v1";
  constructor(
    readonly name: string,
    readonly object: FastNode["object"],
  ) {}
}

/** Whether the `}` just read (at P - 1) is alone on its line after 8 spaces. */
function closesAtEight(from: number): boolean {
  const at = P - 10;
  if (at < from || B[at] !== 0x0a) return false;
  for (let i = at + 1; i < P - 1; i++) if (B[i] !== 0x20) return false;
  return true;
}

function fallback(): never {
  throw FALLBACK;
}

/** Byte classes: JSON whitespace (1); in strings, ordinary (0), the closing quote (1), or left to the parser (2). */
const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x0a, 0x0d, 0x09]) SPACE[c] = 1;
const IN_STRING = new Uint8Array(256);
for (let c = 0; c < 256; c++) IN_STRING[c] = c < 0x20 || c === 0x5c || c >= 0x7f ? 2 : c === 0x22 ? 1 : 0;

function ws(): void {
  let p = P;
  const b = B;
  // (Past the buffer, b[p] is undefined and so is its class: the loop stops; past E, the callers check.)
  while (SPACE[b[p]] === 1) p++;
  P = p;
}

/** The next non-space byte (P moves to it); -1 at the end. */
function peek(): number {
  ws();
  return P < E ? B[P] : -1;
}

function expect(c: number): void {
  ws();
  if (P >= E || B[P] !== c) fallback();
  P++;
}

/**
 * A string without escapes, control characters or non-ASCII bytes at P (after spaces): its content is
 * `[S, P - 1)` afterwards.
 */
function plain(): void {
  ws();
  const b = B;
  let p = P;
  if (p >= E || b[p] !== 0x22) fallback();
  S = ++p;
  while (IN_STRING[b[p]] === 0) p++;
  if (p >= E || b[p] !== 0x22) fallback();
  P = p + 1;
}

/** The last plain string read, as a JavaScript string. */
function text(): string {
  return (B as LatinBuffer).latin1Slice(S, P - 1);
}

/** Strings read often (node names, namespaces, block CIDRs), by a hash of their bytes: one string each. */
const interned = new Map<number, string>();
const MAX_INTERNED = 65536;

/** The last plain string read, as the one string already made for the same text when there is one. */
function internText(): string {
  const b = B;
  const end = P - 1;
  let h = end - S;
  for (let i = S; i < end; i++) h = (Math.imul(h, 31) + b[i]) | 0;
  const hit = interned.get(h);
  if (hit !== undefined && sameText(hit)) return hit;
  const t = text();
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(h, t);
  return t;
}

/** Whether the last plain string read is `t`. */
function sameText(t: string): boolean {
  const n = P - 1 - S;
  if (t.length !== n) return false;
  const b = B;
  for (let i = 0; i < n; i++) if (t.charCodeAt(i) !== b[S + i]) return false;
  return true;
}

/** Whether the last plain string read is `word` (ASCII bytes). */
function is(word: Uint8Array): boolean {
  const n = word.length;
  if (P - 1 - S !== n) return false;
  const b = B;
  for (let i = 0; i < n; i++) if (b[S + i] !== word[i]) return false;
  return true;
}

/** Content of the last key read: `[KS, KE)`. */
let KS = 0;
let KE = 0;

/** A key (a plain string) and its colon; its content is `[KS, KE)` afterwards. */
function key(): void {
  plain();
  KS = S;
  KE = P - 1;
  expect(0x3a /* : */);
}

/** Whether the last key read is `word`. */
function keyIs(word: Uint8Array): boolean {
  const n = word.length;
  if (KE - KS !== n) return false;
  const b = B;
  for (let i = 0; i < n; i++) if (b[KS + i] !== word[i]) return false;
  return true;
}

/** `,` (true: another member follows) or the closing `close` (false). */
function more(close: number): boolean {
  ws();
  const c = P < E ? B[P] : -1;
  P++;
  if (c === 0x2c) return true;
  if (c === close) return false;
  return fallback();
}

/** `{` then true when the object has a first member, false when it is `{}`. */
function openObject(): boolean {
  expect(0x7b);
  if (peek() === 0x7d) {
    P++;
    return false;
  }
  return true;
}

function openArray(): boolean {
  expect(0x5b);
  if (peek() === 0x5d) {
    P++;
    return false;
  }
  return true;
}

function literal(word: Uint8Array): boolean {
  const n = word.length;
  if (P + n > E) return false;
  for (let i = 0; i < n; i++) if (B[P + i] !== word[i]) return false;
  P += n;
  return true;
}

const TRUE = ascii("true");
const FALSE = ascii("false");
const NULL = ascii("null");

function boolean(): boolean {
  ws();
  if (literal(TRUE)) return true;
  if (literal(FALSE)) return false;
  return fallback();
}

/** A plain non-negative integer of at most 9 digits (an ordinal or an index); anything else falls back. */
function small(): number {
  ws();
  const b = B;
  let p = P;
  const first = b[p];
  if (!(first >= 0x30 && first <= 0x39)) fallback();
  let v = first - 0x30;
  p++;
  if (first !== 0x30) {
    while (p < E) {
      const c = b[p];
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      p++;
    }
  }
  if (p - P > 9) fallback();
  endOfInteger(p);
  P = p;
  return v;
}

/** Digits of the last {@link large} integer, when it is not exact as a number. */
let digits: string | undefined;

/** A plain non-negative integer of any length (a sequence number): its number; {@link digits} has its text when it has 16 digits or more. */
function large(): number {
  ws();
  const b = B;
  let p = P;
  const first = b[p];
  if (!(first >= 0x30 && first <= 0x39)) fallback();
  p++;
  if (first !== 0x30) while (p < E && b[p] >= 0x30 && b[p] <= 0x39) p++;
  endOfInteger(p);
  const n = p - P;
  let v: number;
  if (n <= 15) {
    v = 0;
    for (let i = P; i < p; i++) v = v * 10 + (b[i] - 0x30);
    digits = undefined;
  } else {
    digits = (b as LatinBuffer).latin1Slice(P, p);
    v = Number(digits);
  }
  P = p;
  return v;
}

/** After an integer: not a fraction, an exponent or a leading zero's further digits (JSON or not, left to the parser). */
function endOfInteger(p: number): void {
  if (p >= E) return;
  const c = B[p];
  if (c === 0x2e || c === 0x65 || c === 0x45 || (c >= 0x30 && c <= 0x39)) fallback();
}

/** Skips any JSON value, checking its syntax (strings may have escapes here, not non-ASCII bytes). */
function skip(depth: number): void {
  if (depth > MAX_DEPTH) fallback();
  const c = peek();
  if (c === 0x22) {
    skipString();
  } else if (c === 0x7b) {
    if (!openObject()) return;
    do {
      skipString();
      expect(0x3a);
      skip(depth + 1);
    } while (more(0x7d));
  } else if (c === 0x5b) {
    if (!openArray()) return;
    do skip(depth + 1);
    while (more(0x5d));
  } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    skipNumber();
  } else if (!(literal(TRUE) || literal(FALSE) || literal(NULL))) {
    fallback();
  }
}

function skipString(): void {
  ws();
  const b = B;
  let p = P;
  if (p >= E || b[p] !== 0x22) fallback();
  p++;
  for (;;) {
    if (p >= E) fallback();
    const c = b[p];
    if (c === 0x22) break;
    if (c < 0x20 || c >= 0x7f) fallback();
    if (c === 0x5c) {
      const x = b[p + 1];
      if (x === 0x75 /* u */) {
        for (let i = 2; i < 6; i++) if (!isHex(b[p + i])) fallback();
        p += 6;
        continue;
      }
      // " \ / b f n r t
      if (x !== 0x22 && x !== 0x5c && x !== 0x2f && x !== 0x62 && x !== 0x66 && x !== 0x6e && x !== 0x72 && x !== 0x74) fallback();
      p += 2;
      continue;
    }
    p++;
  }
  P = p + 1;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function skipNumber(): void {
  const b = B;
  let p = P;
  if (b[p] === 0x2d) p++;
  const digit = (q: number) => q < E && b[q] >= 0x30 && b[q] <= 0x39;
  if (!digit(p)) fallback();
  if (b[p] === 0x30) p++;
  else while (digit(p)) p++;
  if (p < E && b[p] === 0x2e) {
    p++;
    if (!digit(p)) fallback();
    while (digit(p)) p++;
  }
  if (p < E && (b[p] === 0x65 || b[p] === 0x45)) {
    p++;
    if (p < E && (b[p] === 0x2b || b[p] === 0x2d)) p++;
    if (!digit(p)) fallback();
    while (digit(p)) p++;
  }
  P = p;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, "latin1"));
}

const K = {
  apiVersion: ascii("apiVersion"),
  kind: ascii("kind"),
  metadata: ascii("metadata"),
  spec: ascii("spec"),
  name: ascii("name"),
  v1: ascii(API_CRD_V1),
  IPAMHandle: ascii("IPAMHandle"),
  IPAMBlock: ascii("IPAMBlock"),
  block: ascii("block"),
  deleted: ascii("deleted"),
  handleID: ascii("handleID"),
  affinity: ascii("affinity"),
  affinityClaimTime: ascii("affinityClaimTime"),
  allocations: ascii("allocations"),
  attributes: ascii("attributes"),
  cidr: ascii("cidr"),
  sequenceNumber: ascii("sequenceNumber"),
  sequenceNumberForAllocation: ascii("sequenceNumberForAllocation"),
  strictAffinity: ascii("strictAffinity"),
  unallocated: ascii("unallocated"),
  handle_id: ascii("handle_id"),
  secondary: ascii("secondary"),
  alternateOwnerAttrs: ascii("alternateOwnerAttrs"),
  proto: ascii("__proto__"),
  coreV1: ascii("v1"),
  IPPool: ascii("IPPool"),
  IPAMConfig: ascii("IPAMConfig"),
  BlockAffinity: ascii("BlockAffinity"),
  Node: ascii("Node"),
  node: ascii("node"),
  state: ascii("state"),
  type: ascii("type"),
  labels: ascii("labels"),
  annotations: ascii("annotations"),
  podCIDR: ascii("podCIDR"),
  podCIDRs: ascii("podCIDRs"),
};

/** The keys `secondary` usually holds, as constant strings (no new string per attribute). */
const COMMON_KEYS = ["namespace", "node", "pod", "timestamp", "type", "vmi"].map((k) => ({ bytes: ascii(k), key: k }));

/** The last plain string read as an object key: a constant for the common ones. */
function keyText(): string {
  for (const c of COMMON_KEYS) if (keyIs(c.bytes)) return c.key;
  if (keyIs(K.proto)) fallback(); // JSON.parse makes an own "__proto__" key; assignment would not
  return (B as LatinBuffer).latin1Slice(KS, KE);
}

const HANDLE = 1;
const BLOCK = 2;
const AFFINITY = 3;
const NODE = 4;
const POOL = 5;
const CONFIG = 6;

/** `apiVersion`: crd.projectcalico.org/v1, or Kubernetes' core `v1`. */
const CRD = 1;
const CORE = 2;

function item(): DumpItem | undefined {
  if (!openObject()) return undefined;
  let kind = 0;
  let api = 0;
  let name: string | undefined;
  let seen = 0;
  let out: DumpItem | undefined;
  /** A node's metadata, read once its kind is known. */
  let nodeMeta: Record<string, unknown> | undefined;
  let nodeSpec: Record<string, unknown> | undefined;
  do {
    key();
    let bit: number;
    if (keyIs(K.apiVersion)) {
      bit = 1;
      plain();
      if (is(K.v1)) api = CRD;
      else if (is(K.coreV1)) api = CORE;
      else return undefined;
      if (kind !== 0 && api !== apiOf(kind)) return undefined;
    } else if (keyIs(K.kind)) {
      bit = 2;
      plain();
      if (is(K.IPAMHandle)) kind = HANDLE;
      else if (is(K.IPAMBlock)) kind = BLOCK;
      else if (is(K.BlockAffinity)) kind = AFFINITY;
      else if (is(K.Node)) kind = NODE;
      else if (is(K.IPPool)) kind = POOL;
      else if (is(K.IPAMConfig)) kind = CONFIG;
      else return undefined;
      if (api !== 0 && api !== apiOf(kind)) return undefined;
    } else if (keyIs(K.metadata)) {
      bit = 4;
      // A node's metadata is read for its labels and annotations: its kind must be known first (kubectl
      // writes apiVersion and kind first).
      if (kind === NODE) {
        nodeMeta = nodeMetadata();
        name = nodeMeta.name as string;
      } else {
        name = metadataName();
      }
    } else if (keyIs(K.spec)) {
      bit = 8;
      // The kind must be known first (kubectl writes apiVersion and kind before spec).
      if (api === 0 || name === undefined) fallback();
      if (kind === HANDLE) out = handleSpec(name);
      else if (kind === BLOCK) out = blockSpec(name);
      else if (kind === AFFINITY) out = affinitySpec(name);
      else if (kind === POOL) out = { kind: "IPPool", apiVersion: API_CRD_V1, name, spec: poolSpec() };
      else if (kind === CONFIG) out = { kind: "IPAMConfig", apiVersion: API_CRD_V1, name, spec: configSpec() };
      else if (kind === NODE) nodeSpec = nodeSpecOf();
      else fallback();
    } else if (kind === NODE) {
      // A Kubernetes object's other fields (status…) are not read: checked as JSON only.
      bit = 16;
      skip(1);
    } else {
      return fallback(); // a field the schema does not declare
    }
    if ((seen & bit) !== 0 && bit !== 16) fallback();
    seen |= bit;
  } while (more(0x7d));
  if (kind === NODE) {
    // (A node needs no spec; apiVersion, kind and metadata with a name, as the reader reads them.)
    if ((seen & 7) !== 7 || nodeMeta === undefined || name === undefined || api !== CORE) fallback();
    return { kind: "Node", apiVersion: "v1", name, object: { metadata: nodeMeta, spec: nodeSpec ?? {} } };
  }
  if (seen !== 15) fallback();
  return out;
}

/** The API group of a kind. */
function apiOf(kind: number): number {
  return kind === NODE ? CORE : CRD;
}

/** The metadata object, skipped but for its name (a plain string, once); its keys are plain strings. */
function metadataName(): string {
  let name: string | undefined;
  if (!openObject()) fallback();
  do {
    key();
    if (keyIs(K.name)) {
      if (name !== undefined) fallback();
      plain();
      name = text();
    } else {
      skip(1);
    }
  } while (more(0x7d));
  if (name === undefined) fallback();
  return name;
}

function handleSpec(name: string): FastHandle {
  let seen = 0;
  let handleId = "";
  let deleted = false;
  let blocks: Record<string, number> = {};
  if (!openObject()) fallback();
  do {
    key();
    let bit: number;
    if (keyIs(K.block)) {
      bit = 1;
      blocks = integerMap();
    } else if (keyIs(K.deleted)) {
      bit = 2;
      deleted = boolean();
    } else if (keyIs(K.handleID)) {
      bit = 4;
      plain();
      handleId = sameText(name) ? name : text(); // Calico names a handle after its ID (in lower case)
    } else {
      return fallback();
    }
    if ((seen & bit) !== 0) fallback();
    seen |= bit;
  } while (more(0x7d));
  if ((seen & 5) !== 5) fallback(); // block and handleID are required
  return { kind: "IPAMHandle", apiVersion: API_CRD_V1, name, handleId, blocks, deleted };
}

/**
 * An object of plain integers of at most 15 digits (exact as numbers), keyed by block CIDRs: without a
 * prototype, as a dictionary (an ordinary object per handle with a key among thousands of CIDRs costs V8
 * a hidden class transition each).
 */
function integerMap(): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  if (!openObject()) return out;
  do {
    key();
    if (keyIs(K.proto)) fallback();
    const k = internKey();
    if (Object.hasOwn(out, k)) fallback();
    const v = large();
    if (digits !== undefined) fallback();
    out[k] = v;
  } while (more(0x7d));
  return out;
}

/** An object of plain strings (the values of `node`, `namespace` and `type` shared between objects). */
function stringMap(): Record<string, string> {
  const out: Record<string, string> = {};
  if (!openObject()) return out;
  do {
    key();
    const k = keyText();
    if (Object.hasOwn(out, k)) fallback();
    plain();
    out[k] = k === "node" || k === "namespace" || k === "type" ? internText() : text();
  } while (more(0x7d));
  return out;
}

/** The last key read, as {@link internText} gives it. */
function internKey(): string {
  const s = S;
  const p = P;
  S = KS;
  P = KE + 1;
  const t = internText();
  S = s;
  P = p;
  return t;
}

function blockSpec(name: string): FastBlock {
  let seen = 0;
  let cidrText = "";
  let allocations: (number | null)[] = [];
  let attributes: LiveAttribute[] = [];
  let unallocated: number[] = [];
  let seqMap: Record<string, number> = {};
  let seqDigits: Record<string, string> | undefined;
  let mapUnsafe = false;
  let affinity: string | null = null;
  let deleted = false;
  let strictAffinity = false;
  let sequenceNumber = 0;
  let sequenceDigits: string | undefined;
  let affinityClaimTime: string | null = null;
  if (!openObject()) fallback();
  do {
    key();
    let bit: number;
    if (keyIs(K.allocations)) {
      bit = 1;
      allocations = [];
      if (openArray()) {
        do {
          ws();
          allocations.push(literal(NULL) ? null : small());
        } while (more(0x5d));
      }
    } else if (keyIs(K.attributes)) {
      bit = 2;
      attributes = [];
      if (openArray()) {
        do attributes.push(attribute());
        while (more(0x5d));
      }
    } else if (keyIs(K.cidr)) {
      bit = 4;
      plain();
      cidrText = text();
    } else if (keyIs(K.strictAffinity)) {
      bit = 8;
      strictAffinity = boolean();
    } else if (keyIs(K.unallocated)) {
      bit = 16;
      unallocated = [];
      if (openArray()) {
        do unallocated.push(small());
        while (more(0x5d));
      }
    } else if (keyIs(K.affinity)) {
      bit = 32;
      plain();
      const a = internText();
      affinity = a === "" ? null : a;
    } else if (keyIs(K.affinityClaimTime)) {
      bit = 64;
      plain();
      affinityClaimTime = text();
      if (!DATE_TIME(affinityClaimTime)) fallback();
    } else if (keyIs(K.deleted)) {
      bit = 128;
      deleted = boolean();
    } else if (keyIs(K.sequenceNumber)) {
      bit = 256;
      sequenceNumber = large();
      sequenceDigits = digits;
    } else if (keyIs(K.sequenceNumberForAllocation)) {
      bit = 512;
      seqMap = {};
      seqDigits = undefined;
      if (openObject()) {
        do {
          key();
          const k = keyText();
          if (Object.hasOwn(seqMap, k)) fallback();
          const v = large();
          seqMap[k] = v;
          if (digits !== undefined) {
            (seqDigits ??= {})[k] = digits;
            if (!Number.isSafeInteger(v)) mapUnsafe = true;
          }
        } while (more(0x7d));
      }
    } else {
      return fallback();
    }
    if ((seen & bit) !== 0) fallback();
    seen |= bit;
  } while (more(0x7d));
  if ((seen & 31) !== 31) fallback(); // allocations, attributes, cidr, strictAffinity, unallocated are required
  return fastBlock(
    name,
    { cidrText, allocations, attributes, unallocated, sequenceNumberForAllocation: seqMap, affinity, deleted, strictAffinity, sequenceNumber, affinityClaimTime },
    sequenceDigits,
    mapUnsafe ? (seqDigits ?? {}) : undefined,
  );
}


function attribute(): LiveAttribute {
  let handle: string | null = null;
  let secondary: Record<string, string> | undefined;
  let seen = 0;
  if (openObject()) {
    do {
      key();
      let bit: number;
      if (keyIs(K.handle_id)) {
        bit = 1;
        plain();
        handle = text();
      } else if (keyIs(K.secondary)) {
        bit = 2;
        secondary = stringMap();
      } else if (keyIs(K.alternateOwnerAttrs)) {
        bit = 4;
        stringMap();
      } else {
        return fallback(); // e.g. master's releasedAt
      }
      if ((seen & bit) !== 0) fallback();
      seen |= bit;
    } while (more(0x7d));
  }
  return { handle, secondary: secondary ?? {} };
}

/** The strings of the last affinity's `deleted`, `node`, `state` and `type` (the next affinity's are mostly the same text: one string each). */
const lastAffinity = ["", "", "", ""];

/** The last plain string read, as the string of the last affinity's field `k` when it is the same text. */
function affinityText(k: number): string {
  const last = lastAffinity[k];
  if (sameText(last)) return last;
  return (lastAffinity[k] = text());
}

/** A `BlockAffinity`'s spec: the fields of its CRD, each a plain string, once; `cidr`, `deleted`, `node` and `state` required. */
function affinitySpec(name: string): FastAffinity {
  let seen = 0;
  let cidr = "";
  let deleted = "";
  let node = "";
  let state = "";
  let type: string | undefined;
  if (!openObject()) fallback();
  do {
    key();
    let bit: number;
    plain();
    if (keyIs(K.cidr)) {
      bit = 1;
      cidr = text();
    } else if (keyIs(K.deleted)) {
      bit = 2;
      deleted = affinityText(0);
    } else if (keyIs(K.node)) {
      bit = 4;
      node = affinityText(1);
    } else if (keyIs(K.state)) {
      bit = 8;
      state = affinityText(2);
    } else if (keyIs(K.type)) {
      bit = 16;
      type = affinityText(3);
    } else {
      return fallback();
    }
    if ((seen & bit) !== 0) fallback();
    seen |= bit;
  } while (more(0x7d));
  if ((seen & 15) !== 15) fallback();
  return { kind: "BlockAffinity", apiVersion: API_CRD_V1, name, spec: type === undefined ? { cidr, deleted, node, state } : { cidr, deleted, node, state, type } };
}

/**
 * A Kubernetes node's metadata: its name (a plain string), its labels (plain strings) and the
 * {@link TUNNEL_ANNOTATIONS} among its annotations (plain strings), each once; anything else is checked as
 * JSON and skipped.
 */
function nodeMetadata(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let seen = 0;
  if (!openObject()) fallback();
  do {
    key();
    let bit = 0;
    if (keyIs(K.name)) {
      bit = 1;
      plain();
      out.name = text();
    } else if (keyIs(K.labels)) {
      bit = 2;
      out.labels = stringMap();
    } else if (keyIs(K.annotations)) {
      bit = 4;
      out.annotations = nodeAnnotations();
    } else {
      skip(1);
    }
    if ((seen & bit) !== 0) fallback();
    seen |= bit;
  } while (more(0x7d));
  if (out.name === undefined) fallback();
  return out;
}

/** The keys of {@link TUNNEL_ANNOTATIONS}. */
const ANNOTATION_NAMES = Object.keys(TUNNEL_ANNOTATIONS);

/** The keys of {@link TUNNEL_ANNOTATIONS}, as bytes and strings. */
const ANNOTATION_KEYS = ANNOTATION_NAMES.map((k) => ({ bytes: ascii(k), key: k }));

/** Of a node's annotations, those of {@link TUNNEL_ANNOTATIONS} (plain strings, once each); the others are checked as JSON and skipped. */
function nodeAnnotations(): Record<string, string> {
  const out: Record<string, string> = {};
  if (!openObject()) return out;
  do {
    key();
    let wanted: string | undefined;
    for (const a of ANNOTATION_KEYS) if (keyIs(a.bytes)) wanted = a.key;
    if (wanted === undefined) {
      skip(1);
      continue;
    }
    if (Object.hasOwn(out, wanted)) fallback();
    plain();
    out[wanted] = text();
  } while (more(0x7d));
  return out;
}

/** A Kubernetes node's spec: `podCIDR` (a plain string) and `podCIDRs` (plain strings), each once; anything else is checked as JSON and skipped. */
function nodeSpecOf(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let seen = 0;
  if (!openObject()) return out;
  do {
    key();
    let bit = 0;
    if (keyIs(K.podCIDR)) {
      bit = 1;
      plain();
      out.podCIDR = text();
    } else if (keyIs(K.podCIDRs)) {
      bit = 2;
      const cidrs: string[] = [];
      if (openArray()) {
        do {
          plain();
          cidrs.push(text());
        } while (more(0x5d));
      }
      out.podCIDRs = cidrs;
    } else {
      skip(1);
    }
    if ((seen & bit) !== 0) fallback();
    seen |= bit;
  } while (more(0x7d));
  return out;
}

/** The IP pool fields of the CRD (crd.projectcalico.org/v1, v3.32.1), by kind of value. */
const POOL_STRINGS = ["namespaceSelector", "nodeSelector"].map((k) => ({ bytes: ascii(k), key: k }));
const POOL_BOOLEANS = ["disableBGPExport", "disabled", "natOutgoing"].map((k) => ({ bytes: ascii(k), key: k }));
const POOL_ENUMS = [
  { key: "assignmentMode", values: ["Automatic", "Manual"] },
  { key: "ipipMode", values: ["Never", "Always", "CrossSubnet"] },
  { key: "vxlanMode", values: ["Never", "Always", "CrossSubnet"] },
].map((f) => ({ bytes: ascii(f.key), key: f.key, values: f.values.map((v) => ({ bytes: ascii(v), value: v })) }));
const ALLOWED_USES = ["Workload", "Tunnel", "LoadBalancer"].map((v) => ({ bytes: ascii(v), value: v }));
const POOL_KEYS = { allowedUses: ascii("allowedUses"), blockSize: ascii("blockSize"), cidr: ascii("cidr") };
/** The schema's limits: `allowedUses` items, `blockSize`, the length of `cidr`. */
const MAX_ALLOWED_USES = 10;
const MAX_BLOCK_SIZE = 128;
const MAX_CIDR_LENGTH = 48;

/** The last plain string read, as one of `values` (an enum of the schema); falls back when it is none of them. */
function enumValue(values: readonly { readonly bytes: Uint8Array; readonly value: string }[]): string {
  for (const v of values) if (is(v.bytes)) return v.value;
  return fallback();
}

/** A JSON string at P (after spaces) with escapes allowed (ASCII only), as `JSON.parse` reads it: a node selector holds quotes (`rack == "0"`). */
function escapedText(): string {
  ws();
  const from = P;
  skipString();
  const raw = (B as LatinBuffer).latin1Slice(from, P);
  return raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/**
 * An `IPPool`'s spec as its CRD schema accepts it: only its fields, each once and of its type, enums
 * among their values, `cidr` (required) in the `cidr` format and at most 48 characters, `blockSize` an
 * integer of 0 to 128, at most 10 `allowedUses`. Anything else falls back (the schema validator says why).
 */
function poolSpec(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!openObject()) fallback();
  do {
    key();
    let k: string | undefined;
    let v: unknown;
    if (keyIs(POOL_KEYS.cidr)) {
      k = "cidr";
      plain();
      const cidr = text();
      if (cidr.length > MAX_CIDR_LENGTH || !cidrFormat(cidr)) fallback();
      v = cidr;
    } else if (keyIs(POOL_KEYS.blockSize)) {
      k = "blockSize";
      const n = small();
      if (n > MAX_BLOCK_SIZE) fallback();
      v = n;
    } else if (keyIs(POOL_KEYS.allowedUses)) {
      k = "allowedUses";
      const uses: string[] = [];
      if (openArray()) {
        do {
          plain();
          uses.push(enumValue(ALLOWED_USES));
        } while (more(0x5d));
      }
      if (uses.length > MAX_ALLOWED_USES) fallback();
      v = uses;
    } else {
      for (const f of POOL_STRINGS) if (keyIs(f.bytes)) k = f.key;
      if (k !== undefined) v = escapedText();
      else {
        for (const f of POOL_BOOLEANS) if (keyIs(f.bytes)) k = f.key;
        if (k !== undefined) v = boolean();
        else {
          for (const f of POOL_ENUMS) {
            if (!keyIs(f.bytes)) continue;
            k = f.key;
            plain();
            v = enumValue(f.values);
          }
        }
      }
    }
    if (k === undefined || Object.hasOwn(out, k)) fallback(); // a field the schema does not declare, or twice
    out[k] = v;
  } while (more(0x7d));
  if (!Object.hasOwn(out, "cidr")) fallback();
  return out;
}

const CONFIG_KEYS = {
  autoAllocateBlocks: ascii("autoAllocateBlocks"),
  strictAffinity: ascii("strictAffinity"),
  maxBlocksPerHost: ascii("maxBlocksPerHost"),
  kubeVirtVMAddressPersistence: ascii("kubeVirtVMAddressPersistence"),
};
const MAX_INT32 = 2 ** 31 - 1;
const PERSISTENCE = ["Enabled", "Disabled"].map((v) => ({ bytes: ascii(v), value: v }));

/**
 * An `IPAMConfig`'s spec as its CRD schema accepts it: only its fields, each once and of its type
 * (`maxBlocksPerHost` a plain integer of at most 2^31 - 1), `autoAllocateBlocks` and `strictAffinity` required.
 */
function configSpec(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!openObject()) fallback();
  do {
    key();
    let k: string;
    let v: unknown;
    if (keyIs(CONFIG_KEYS.autoAllocateBlocks)) {
      k = "autoAllocateBlocks";
      v = boolean();
    } else if (keyIs(CONFIG_KEYS.strictAffinity)) {
      k = "strictAffinity";
      v = boolean();
    } else if (keyIs(CONFIG_KEYS.maxBlocksPerHost)) {
      k = "maxBlocksPerHost";
      const n = large();
      if (n > MAX_INT32) fallback();
      v = n;
    } else if (keyIs(CONFIG_KEYS.kubeVirtVMAddressPersistence)) {
      k = "kubeVirtVMAddressPersistence";
      plain();
      v = enumValue(PERSISTENCE);
    } else {
      return fallback();
    }
    if (Object.hasOwn(out, k)) fallback();
    out[k] = v;
  } while (more(0x7d));
  if (!Object.hasOwn(out, "autoAllocateBlocks") || !Object.hasOwn(out, "strictAffinity")) fallback();
  return out;
}

/** How many times {@link warmSmallKinds} reads each kind: past V8's first calls of a function, which collect no type feedback. */
const WARM_CALLS = 48;

/**
 * @internal Reads a `BlockAffinity` and a Kubernetes `Node` of kubectl's layout a few times when the module loads,
 * so that {@link decodeDumpItem} has type feedback for both paths before a dump is read. A dump's
 * affinities come before its nodes: the List reader's loop, optimized with the decoder inlined while the
 * affinities were read, had no feedback for the node path, and the first node threw the loop's code away
 * (`--trace-deopt`: "Insufficient type feedback for call"; one more compile of the loop, ~40 ms of a
 * compiler thread). Whether both were read by their fast paths every time.
 */
export function warmSmallKinds(): boolean {
  const kubectlItem = (o: unknown) => Buffer.from(JSON.stringify(o, null, 4).replace(/\n/g, `\n${" ".repeat(8)}`), "latin1");
  const affinity = kubectlItem({
    apiVersion: API_CRD_V1,
    kind: "BlockAffinity",
    metadata: { name: "node-10-0-0-0-26" },
    spec: { cidr: "10.0.0.0/26", deleted: "false", node: "node", state: "confirmed", type: "host" },
  });
  const node = kubectlItem({ apiVersion: "v1", kind: "Node", metadata: { annotations: { "projectcalico.org/IPv4VXLANTunnelAddr": "10.0.0.1" }, labels: { rack: "0" }, name: "node" }, spec: { podCIDR: "10.1.0.0/24", podCIDRs: ["10.1.0.0/24"] }, status: {} });
  for (let i = 0; i < WARM_CALLS; i++) {
    // (Never a throw here: this runs when the package is imported, whatever the program does with it. A
    // test fails when these items leave the fast paths.)
    if (decodeDumpItem(affinity, 0, affinity.length)?.kind !== "BlockAffinity" || decodeDumpItem(node, 0, node.length)?.kind !== "Node") return false;
  }
  return true;
}
warmSmallKinds();
