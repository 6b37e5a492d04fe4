import { Cidr, IpFamily } from "../ip";
import { InputError, LoadedDocument, streamDumpObjects } from "../io/objects";
import { BigIntegerFields, ByteSource, ItemText, parseItemText } from "../io/json-list";
import { API_CRD_V1, API_V3, IPAM_CONFIGURATION_NAME, POOL_DEFAULTS } from "../model/calico";
import type { ValidateFunction } from "ajv";
import { affinityName, decodeBlock, decodeBlockFields } from "./block";
import { DumpItem, TUNNEL_ANNOTATIONS, dumpItemDecoder } from "./fast-decode";
import type {
  CheckReport,
  CheckReportAllocation,
  ClusterDump,
  DumpSource,
  InspectFinding,
  LiveAffinity,
  LiveBlock,
  LiveHandle,
  LiveIpamConfiguration,
  LiveNamespace,
  LiveNode,
  LivePod,
  LivePool,
  LiveReservation,
  LiveTunnelAddress,
} from "./model";
import { describeSource, liveFinding } from "./private/findings";
import { canonicalIPv4Cidr, namesCidr, noteCidrText } from "./private/cidr-text";
import { HandleTable, setHandleTable } from "./private/handle-columns";
import { setHandleHashes } from "./private/handle-ids";
import { HandleIndex, handleEntriesOf, tableIndexOf } from "./private/handle-index";
import { AttributeColumns, AttributeView } from "./private/columns";
import { startBlocksThread } from "./private/block-file";
import { MIN_THREAD_BYTES, startHandlesThread } from "./private/handles-thread";
import { sizeOf } from "./private/read-thread";

/** The Calico IPAM kinds a dump may hold, by API group (`IPAMConfig` is `IPAMConfiguration` in v3). */
const CALICO_KINDS: Readonly<Record<string, readonly string[]>> = {
  [API_CRD_V1]: ["IPPool", "IPAMBlock", "BlockAffinity", "IPAMHandle", "IPAMConfig", "IPReservation"],
  [API_V3]: ["IPPool", "IPAMBlock", "BlockAffinity", "IPAMHandle", "IPAMConfiguration", "IPReservation"],
};

/** Options of {@link readDumpFiles}. */
export interface ReadDumpOptions {
  /**
   * Read the IPAM handles, blocks, pools, configuration and affinities and the nodes of kubectl JSON Lists straight from their text (`fast-decode.ts`,
   * the same result as the slow path, faster); false reads every object through the JSON parser and the
   * CRD schema validator (to compare both). @default true
   */
  readonly fastDecode?: boolean;
  /**
   * Read a large file of IPAM blocks and a large file of IPAM handles on threads of their own while the
   * other files are read (the compiled package only; the same result). @default true
   */
  readonly threads?: boolean;
  /**
   * The size from which a file of IPAM blocks or handles is read on a thread of its own, and of the other
   * files (the blocks) or the files before it (the handles).
   * @default - `CALICO_IPAM_THREAD_MIN_BYTES` when set (a number of bytes), else 32 MiB
   */
  readonly threadMinBytes?: number;
}

/**
 * Reads dump files: YAML or JSON, one object, a `List` (as `kubectl get … -o yaml|json` writes) or
 * several documents per file, and the JSON report of `calicoctl ipam check -o FILE`. JSON files are
 * parsed with the runtime's JSON parser (large dumps).
 *
 * @throws InputError when a file cannot be read or parsed (naming the file, line and column), or holds
 *   merge-conflict markers
 */
export function readDumpFiles(files: readonly string[], options: ReadDumpOptions = {}): ClusterDump {
  if (files.length === 0) throw new InputError("give at least one dump file (see docs/inspect.md for the kubectl commands)", "");
  const read = options.fastDecode === false ? { bigIntegers: blockBigIntegers } : { bigIntegers: blockBigIntegers, decode: dumpItemDecoder };
  // A large IPAM blocks file and a large IPAM handles file are read on threads of their own while this
  // one reads the other files.
  const minBytes = options.threadMinBytes ?? threadMinBytesOf(process.env.CALICO_IPAM_THREAD_MIN_BYTES) ?? MIN_THREAD_BYTES;
  // The objects of the files read ahead are read (checked against their schema, decoded) a few at a time
  // while the main thread waits for a worker's next part (`prepareObject`; the reader takes the result
  // in its turn): work that would else wait for the last worker.
  const preparing = new Map<number, { readonly docs: readonly LoadedDocument[]; next: number }>();
  const idle = (): boolean => {
    for (const [i, p] of preparing) {
      const end = Math.min(p.docs.length, p.next + IDLE_OBJECTS);
      for (; p.next < end; p.next++) prepareObject(p.docs[p.next]);
      if (p.next < p.docs.length) return true;
      preparing.delete(i);
    }
    return joinAhead();
  };
  const threaded = options.fastDecode !== false && options.threads !== false;
  const blocksThread = threaded ? startBlocksThread(files, minBytes, (file) => streamDumpObjects(file, read), { idle }) : undefined;
  let handlesThread = threaded ? startHandlesThread(files, minBytes, { idle }) : undefined;
  const threads = [blocksThread, handlesThread].filter((t) => t !== undefined);
  const threadOf = (i: number) => threads.find((t) => t.index === i);
  // The check's join made ahead (`private/handle-index.ts`): once the handles worker has posted its table
  // (taken before its turn), the table is indexed by ID and the handles of the blocks taken so far are
  // found in it, a part at a time, while the blocks worker is waited for. The check takes both.
  /** The file being read (documents before it are taken). */
  let current = 0;
  let index: HandleIndex | undefined;
  let indexed = 0;
  /** The attribute columns of the blocks the blocks worker gave, and how many have their handles found. */
  const blockViews: AttributeView[] = [];
  let joined = 0;
  let taking = false;
  const joinAhead = (): boolean => {
    if (index === undefined) {
      const h = handlesThread;
      if (h === undefined || taking || h.index <= current || !h.ready()) return false;
      taking = true;
      const docs = [...(h.take() ?? [])];
      taking = false;
      const table = docs[0]?.decoded;
      if (docs.length > 0) ahead.set(h.index, docs);
      handlesThread = undefined;
      if (docs.length !== 1 || !(table instanceof HandleTable)) return false;
      index = tableIndexOf(table);
    }
    if (index.extend((indexed += IDLE_HANDLES))) return true;
    const end = Math.min(blockViews.length, joined + IDLE_BLOCKS);
    for (; joined < end; joined++) handleEntriesOf(index, blockViews[joined]);
    return joined < blockViews.length;
  };
  const noteBlock = (doc: LoadedDocument) => {
    const block = doc.decoded as DumpItem | undefined;
    if (block !== undefined && block.kind === "IPAMBlock" && block.fields.attributes instanceof AttributeColumns) blockViews.push(block.fields.attributes);
  };
  // One file at a time: the parsed text of a file is garbage once its objects are decoded. While a
  // thread still reads its file, the small files after it that no thread reads are read ahead (an
  // error is thrown in its turn).
  const ahead = new Map<number, LoadedDocument[] | { error: unknown }>();
  const readAhead = (from: number, thread: { ready(): boolean }) => {
    for (let j = from; j < files.length && !thread.ready(); j++) {
      if (ahead.has(j) || threadOf(j) !== undefined || sizeOf(files[j]) > AHEAD_MAX_BYTES) continue;
      try {
        // (A node or pod is read at once, and only what the reader still reads of it is kept: its parsed
        // text, garbage while young, is not copied by every collection until its turn. A dump holds
        // thousands of nodes of kilobytes each.)
        const docs: LoadedDocument[] = [];
        for (const doc of streamDumpObjects(files[j], read)) docs.push(slimDocument(doc));
        ahead.set(j, docs);
        preparing.set(j, { docs, next: 0 });
      } catch (error) {
        ahead.set(j, { error });
      }
    }
  };
  function* documents(): Generator<LoadedDocument> {
    try {
      for (let i = 0; i < files.length; i++) {
        current = i;
        const thread = threadOf(i);
        if (thread !== undefined) readAhead(i + 1, thread);
        const early = ahead.get(i);
        ahead.delete(i);
        preparing.delete(i);
        if (early !== undefined && !Array.isArray(early)) throw early.error;
        const docs = early ?? thread?.take() ?? streamDumpObjects(files[i], read);
        if (thread === undefined || thread !== blocksThread) yield* docs;
        else
          for (const doc of docs) {
            noteBlock(doc);
            yield doc;
          }
      }
    } finally {
      for (const t of threads) t.cancel();
    }
  }
  return readDump(documents(), files);
}

/** How many objects read ahead are prepared at a time while the main thread waits for a worker (about a millisecond). */
const IDLE_OBJECTS = 32;
/** How many IPAM handles are indexed, and blocks' handles found, at a time while the main thread waits (a few milliseconds). */
const IDLE_HANDLES = 32768;
const IDLE_BLOCKS = 32;

/**
 * The largest file read ahead while a thread reads its file: nodes (as kubectl shows them, with the status
 * kubelet reports, about 17 KB a node: 85 MB for 5,000 nodes), affinities, pools. What is kept of a file
 * read ahead is small: a node's name, labels, tunnel addresses and pod CIDRs, an object of a skipped kind's
 * kind and name ({@link slimDocument}).
 */
const AHEAD_MAX_BYTES = 256 * 1024 * 1024;

/** `CALICO_IPAM_THREAD_MIN_BYTES` as a number of bytes; undefined (the default) when unset or not a number. */
function threadMinBytesOf(v: string | undefined): number | undefined {
  const n = v === undefined || v === "" ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** An IPAM block's sequence numbers past 2^53 are read exactly (the reader gives their text). */
const blockBigIntegers: BigIntegerFields = (item) => {
  const o = item as { kind?: unknown; spec?: { sequenceNumber?: unknown; sequenceNumberForAllocation?: unknown } } | null;
  if (o === null || typeof o !== "object" || o.kind !== "IPAMBlock" || typeof o.spec !== "object" || o.spec === null) return undefined;
  const unsafe = (v: unknown) => typeof v === "number" && !Number.isSafeInteger(v);
  const fields: Array<{ path: string; key: string; object?: boolean }> = [];
  if (unsafe(o.spec.sequenceNumber)) fields.push({ path: "spec.sequenceNumber", key: "sequenceNumber" });
  const seq = o.spec.sequenceNumberForAllocation;
  if (typeof seq === "object" && seq !== null && Object.values(seq).some(unsafe)) fields.push({ path: "spec.sequenceNumberForAllocation", key: "sequenceNumberForAllocation", object: true });
  return fields.length > 0 ? fields : undefined;
};

/** An object kept, and what its duplicates are compared with: its spec, or where its text is (the spec is then parsed again). */
interface Kept<T> extends ItemText {
  readonly value: T;
  readonly kind: string;
  /** The object's spec; null when it is parsed again from the dump's text when needed (`source`, `from`, `to`). */
  readonly spec: Record<string, unknown> | null;
  readonly source: ByteSource;
  readonly where: DumpSource;
  /** An IPAM handle's `handleIdHash` when the reader hashed its ID (`private/handle-ids.ts`). */
  readonly idHash?: number;
}

/**
 * A {@link Kept} object, made with `new` rather than as an object literal: V8 tracks an allocation site
 * per literal and decides from it whether its objects should be tenured; when that decision changes (the
 * kept objects live to the end of the read, so it does), every optimized function that inlined the
 * literal is thrown away and compiled again. An object made with `new` has no such site.
 */
class KeptObject<T> implements Kept<T> {
  constructor(
    readonly value: T,
    readonly kind: string,
    readonly spec: Record<string, unknown> | null,
    readonly source: ByteSource,
    readonly from: number,
    readonly to: number,
    readonly where: DumpSource,
    readonly idHash: number | undefined,
  ) {}
}

/** What an object's duplicates are compared by: the spec, with the two API groups' differences taken out. */
function compareOf(k: Kept<unknown>): unknown {
  return comparable(k.kind, k.spec ?? (parseItemText(k) as { spec: Record<string, unknown> }).spec);
}

/** No text: a kept object whose spec is at hand. */
const NO_TEXT: ItemText = { source: { size: 0, read: () => Buffer.alloc(0) }, from: 0, to: 0 };

/**
 * Reads the objects of a dump into a {@link ClusterDump}: every Calico IPAM object is checked against
 * its CRD schema (the v3.32.1 CRDs, or master's for fields only master has) and decoded; nodes,
 * namespaces and pods are read for the checks; objects of other kinds are skipped with a note.
 * Never throws on bad content: an object that cannot be used is reported as a finding naming the
 * file, the object and the field, and left out.
 *
 * Findings: `DUMP_SCHEMA` (an object the CRD rejects; left out), `DUMP_NOT_AN_OBJECT`,
 * `DUMP_LIST_TRUNCATED` (a `List` with `metadata.continue` or `remainingItemCount`: a page of a
 * paginated read), `DUMP_DUPLICATE` (the same object twice, identical: kept once),
 * `DUMP_DUPLICATE_CONFLICT` (twice with different content: the first is kept),
 * `DUMP_API_GROUPS_DISAGREE` (the same object in crd.projectcalico.org/v1 and projectcalico.org/v3 with
 * different content: the stored v1 object is kept), `POOL_CIDR_INVALID`, `AFFINITY_NAME`,
 * `IPAM_CONFIGURATION_NAME`, `CHECK_REPORT_INVALID`, and the block structure findings of {@link decodeBlock}.
 */
export function readDump(documents: Iterable<LoadedDocument>, files?: readonly string[]): ClusterDump {
  const findings: InspectFinding[] = [];
  const skipped = new Map<string, number>();
  const counts: Record<string, number> = {};
  const truncated = new Set<string>();
  /** The objects kept, by kind, then name. */
  const kept = new Map<string, KeptByName>();
  const groups = new Set<string>();
  const pools: LivePool[] = [];
  const blocks: LiveBlock[] = [];
  const affinities: LiveAffinity[] = [];
  const handles: LiveHandle[] = [];
  const reservations: LiveReservation[] = [];
  let ipamConfiguration: LiveIpamConfiguration | null = null;
  const nodes = new Map<string, LiveNode>();
  const namespaces: LiveNamespace[] = [];
  const pods: LivePod[] = [];
  let sawNodes = false;
  let sawNamespaces = false;
  let sawPods = false;
  const checkReports: CheckReport[] = [];
  const seen = new Set<string>();
  const fileNames = new Set<string>();

  /** Counts a Calico object that passed its schema check, reports its duplicates, and keeps its decoded form. */
  const keep = (
    apiVersion: string,
    canonicalKind: string,
    name: string,
    source: DumpSource,
    spec: Record<string, unknown> | null,
    text: ItemText,
    decodeIt: () => unknown,
    idHash?: number,
  ) => {
    groups.add(apiVersion);
    counts[canonicalKind] = (counts[canonicalKind] ?? 0) + 1;
    let byName = kept.get(canonicalKind);
    if (!byName) kept.set(canonicalKind, (byName = new KeptByName()));
    const previous = byName.get(name);
    if (previous) {
      duplicate(findings, `${canonicalKind}/${name}`, previous, { value: null, kind: canonicalKind, spec, source: text.source, from: text.from, to: text.to, where: source });
      // The stored group wins when both are read: projectcalico.org/v3 is a view of it.
      if (!(previous.where.apiVersion === API_V3 && apiVersion === API_CRD_V1)) return;
    }
    const decoded = decodeIt();
    if (decoded === undefined) return;
    byName.set(name, new KeptObject(decoded, canonicalKind, spec, text.source, text.from, text.to, source, idHash));
  };

  /** A Kubernetes node (`make` makes it): counted, and kept once (a node read twice says nothing new). */
  const takePod = (name: string, namespace: string, make: () => LivePod) => {
    counts.Pod = (counts.Pod ?? 0) + 1;
    const key = `Pod/${namespace}/${name}`;
    if (seen.has(key)) return; // a pod read twice says nothing new
    seen.add(key);
    sawPods = true;
    pods.push(make());
  };
  const takeNode = (name: string, make: () => LiveNode) => {
    counts.Node = (counts.Node ?? 0) + 1;
    const key = `Node/${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    sawNodes = true;
    mergeNode(nodes, make());
  };

  // A file of handles the handles thread read as columns (`private/handle-columns.ts`) is kept whole when
  // it is the dump's first source of IPAM handles and its names are in order (kubectl's): no name repeats.
  // Else its handles are taken one by one, as read from the file.
  function* tablesTaken(docs: Iterable<LoadedDocument>): Generator<LoadedDocument> {
    for (const doc of docs) {
      if (!(doc.decoded instanceof HandleTable)) yield doc;
      else if (doc.decoded.c.sorted && doc.decoded.count > 0 && !kept.has("IPAMHandle")) yield doc;
      else yield* doc.decoded.documents();
    }
  }

  for (const doc of tablesTaken(documents)) {
    fileNames.add(doc.file);
    if (doc.listMetadata && (nonEmpty(doc.listMetadata.continue) || Number(doc.listMetadata.remainingItemCount ?? 0) > 0)) {
      const key = `${doc.file}#${doc.document}`;
      if (!truncated.has(key)) {
        truncated.add(key);
        findings.push(
          liveFinding(
            "error",
            "DUMP_LIST_TRUNCATED",
            "dump",
            "metadata.continue",
            `${doc.file}${doc.document > 1 ? ` document ${doc.document}` : ""}: the List is one page of a paginated read (metadata.continue or remainingItemCount is set): objects after it are missing and every count below is short. Dump again with kubectl get (it reads every page).`,
            "dump",
          ),
        );
      }
    }
    if (doc.decoded instanceof HandleTable) {
      groups.add(API_CRD_V1);
      counts.IPAMHandle = (counts.IPAMHandle ?? 0) + doc.decoded.count;
      kept.set("IPAMHandle", KeptByName.ofTable(doc.decoded));
      continue;
    }
    const fast = doc.decoded as DumpItem | undefined;
    if (fast !== undefined) {
      // Read straight from the text (fast-decode.ts): valid against the CRD schema by construction.
      const source = fastSource(doc, fast);
      // What `prepareObject` made of a node or an affinity ahead, while a worker was waited for.
      const ready = fastReadings.get(fast);
      if (fast.kind === "Node") {
        takeNode(fast.name, () => ready?.node ?? kubernetesNode(fast.object, fast.name, source));
      } else if (fast.kind === "Pod") {
        const namespace = String(fast.namespace ?? "");
        takePod(fast.name, namespace, () => kubernetesPod(fast.object, fast.name, namespace, source));
      } else if (fast.kind === "BlockAffinity") {
        keep(fast.apiVersion, fast.kind, fast.name, source, null, doc.text ?? NO_TEXT, () => {
          if (ready?.decoded === undefined) return decodeAffinity(fast.name, fast.spec, source, findings);
          for (const f of ready.decoded.findings) findings.push(f);
          return ready.decoded.item;
        });
      } else if (fast.kind === "IPAMHandle") {
        keep(fast.apiVersion, fast.kind, fast.name, source, null, doc.text ?? NO_TEXT, () => ({ name: fast.name, handleId: fast.handleId, blocks: fast.blocks, deleted: fast.deleted, source }) satisfies LiveHandle, fast.idHash);
      } else if (fast.kind === "IPAMBlock") {
        keep(fast.apiVersion, fast.kind, fast.name, source, null, doc.text ?? NO_TEXT, () => {
          const d = decodeBlockFields(fast.name, fast.fields, source);
          for (const f of d.findings) findings.push(f);
          return d.block ?? undefined;
        });
      } else {
        const kind = fast.kind === "IPAMConfig" ? "IPAMConfiguration" : fast.kind;
        keep(fast.apiVersion, kind, fast.name, source, null, doc.text ?? NO_TEXT, () => decode(kind, fast.name, fast.spec, source, findings)?.item);
      }
      continue;
    }
    const value = doc.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      findings.push(liveFinding("warning", "DUMP_NOT_AN_OBJECT", "dump", "", `${where(doc)}: expected a Kubernetes object, found ${Array.isArray(value) ? "a list" : JSON.stringify(value)?.slice(0, 60)}; skipped.`, "dump"));
      continue;
    }
    const o = value as Record<string, unknown>;
    const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
    const kind = typeof o.kind === "string" ? o.kind : "";
    if (kind === "" && isCheckReport(o)) {
      const report = readCheckReport(o, doc.file, findings);
      if (report) checkReports.push(report);
      continue;
    }
    const { source, meta, name } = headOf(doc, o, apiVersion);
    // What `prepareObject` made of the object ahead, while a worker was waited for.
    const ready = readings.get(o);

    if (isCalicoKind(apiVersion, kind)) {
      groups.add(apiVersion);
      const canonicalKind = kind === "IPAMConfig" ? "IPAMConfiguration" : kind;
      const subject = `${canonicalKind}/${name}`;
      const errors = ready?.errors?.slice() ?? schemaProblems(o, apiVersion, kind);
      // crd.projectcalico.org/v1 does not require a spec; every object of these kinds has one.
      if (errors.length === 0 && (typeof o.spec !== "object" || o.spec === null)) errors.push({ path: "spec", message: "must be an object (every Calico IPAM object has a spec)" });
      if (errors.length > 0) {
        findings.push(
          liveFinding(
            "error",
            "DUMP_SCHEMA",
            subject,
            errors[0].path,
            `${describeSource(source)}: ${kind} "${name}" does not match Calico's CRD schema (${apiVersion}), so it is left out of every check:\n${errors.map((e) => `  ${e.path || "(object)"}: ${e.message}`).join("\n")}`,
            "dump",
          ),
        );
        continue;
      }
      const spec = o.spec as Record<string, unknown>;
      keep(apiVersion, canonicalKind, name, source, spec, NO_TEXT, () => {
        if (ready?.decoded === undefined) return decode(canonicalKind, name, spec, source, findings, doc.bigIntegers)?.item;
        for (const f of ready.decoded.findings) findings.push(f);
        return ready.decoded.item;
      });
      continue;
    }

    if (apiVersion === "v1" && kind === "Node") {
      takeNode(name, () => ready?.node ?? kubernetesNode(o, name, source));
      continue;
    }
    if (apiVersion === "v1" && kind === "Pod") {
      const namespace = String(meta.namespace ?? "");
      takePod(name, namespace, () => ready?.pod ?? kubernetesPod(o, name, namespace, source));
      continue;
    }
    if (apiVersion === "v1" && kind === "Namespace") {
      counts[kind] = (counts[kind] ?? 0) + 1;
      const key = `${kind}/${name}`;
      if (seen.has(key)) continue; // a namespace read twice says nothing new
      seen.add(key);
      sawNamespaces = true;
      namespaces.push({ name, labels: stringMap(meta.labels), annotations: stringMap(meta.annotations), source });
      continue;
    }
    if (apiVersion === API_V3 && kind === "Node") {
      counts.CalicoNode = (counts.CalicoNode ?? 0) + 1;
      sawNodes = true;
      mergeNode(nodes, calicoNode(o, name, source));
      continue;
    }
    const label = `${kind || "(no kind)"} (${apiVersion || "no apiVersion"}) in ${doc.file}`;
    skipped.set(label, (skipped.get(label) ?? 0) + 1);
  }

  // The handles' ID hashes the readers left, for the check's join (a column beside `handles`).
  let idHashes: Int32Array | null = new Int32Array(counts.IPAMHandle ?? 0);
  let table: HandleTable | undefined;
  for (const k of keptInOrder(kept, (t) => (table = t))) {
    const v = k.value;
    if (k.kind === "IPPool") pools.push(v as LivePool);
    else if (k.kind === "IPAMBlock") blocks.push(v as LiveBlock);
    else if (k.kind === "BlockAffinity") affinities.push(v as LiveAffinity);
    else if (k.kind === "IPAMHandle") {
      if (idHashes !== null && k.idHash !== undefined) idHashes[handles.length] = k.idHash;
      else idHashes = null;
      handles.push(v as LiveHandle);
    }
    else if (k.kind === "IPReservation") reservations.push(v as LiveReservation);
    else if (k.kind === "IPAMConfiguration") {
      const c = v as LiveIpamConfiguration;
      if (c.name === IPAM_CONFIGURATION_NAME) ipamConfiguration = c;
      else findings.push(liveFinding("warning", "IPAM_CONFIGURATION_NAME", `IPAMConfiguration/${c.name}`, "metadata.name", `${describeSource(c.source)}: Calico reads only the IPAM configuration named "default"; "${c.name}" has no effect.`, "dump"));
    }
  }

  if (idHashes !== null && handles.length > 0) setHandleHashes(handles, idHashes.subarray(0, handles.length));
  const notes: string[] = [];
  if (groups.size > 0) notes.push(`Calico objects read in ${[...groups].sort().join(" and ")}.`);
  for (const [label, n] of [...skipped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) notes.push(`Skipped ${n} ${n === 1 ? "object" : "objects"} of kind ${label}: not Calico IPAM state.`);
  if (!sawNodes) notes.push("No nodes in the dump: checks that need nodes (affinities of deleted nodes, tunnel addresses) are skipped.");
  if (!sawPods && checkReports.length === 0) notes.push("No pods in the dump: leaked addresses cannot be told from used ones (add `kubectl get pods -A -o json`, or a `calicoctl ipam check -o` report).");

  const dump: ClusterDump = {
    files: files ?? [...fileNames],
    pools,
    blocks,
    affinities,
    handles,
    ipamConfiguration,
    reservations,
    nodes: sawNodes ? [...nodes.values()] : null,
    namespaces: sawNamespaces ? namespaces : null,
    pods: sawPods ? pods : null,
    checkReports,
    counts,
    notes,
    findings,
  };
  if (table !== undefined) {
    // The handles as columns: their objects are built on first access (the check reads the columns).
    const t = table;
    Object.defineProperty(dump, "handles", { enumerable: true, configurable: true, get: () => t.handles() });
    setHandleTable(dump, t);
  }
  return dump;
}

/** Where an object is, its metadata and name, as the dump reader reads them. */
function headOf(doc: LoadedDocument, o: Record<string, unknown>, apiVersion: string): { source: DumpSource; meta: Record<string, unknown>; name: string } {
  const source: DumpSource = doc.item !== undefined ? { file: doc.file, document: doc.document, apiVersion, item: doc.item } : { file: doc.file, document: doc.document, apiVersion };
  const meta = (typeof o.metadata === "object" && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  return { source, meta, name: typeof meta.name === "string" ? meta.name : "" };
}

/**
 * What {@link readDump} makes of an object by itself, made ahead by {@link prepareObject}: a function
 * of the object and where it is only (the reader's state — duplicates, counts, order — is the reader's,
 * in its turn).
 */
interface ObjectReading {
  /** A Calico object's CRD schema violations. */
  readonly errors?: readonly SchemaProblem[];
  /** A valid affinity decoded, with the findings its decoding gives. */
  readonly decoded?: { readonly item: unknown; readonly findings: readonly InspectFinding[] };
  /** A Kubernetes node or pod. */
  readonly node?: LiveNode;
  readonly pod?: LivePod;
}

/** The objects {@link prepareObject} read, by their parsed value (the reader's documents hold it until read). */
const readings = new WeakMap<object, ObjectReading>();
/** The nodes and affinities read straight from their text that {@link prepareObject} read, by their decoded item. */
const fastReadings = new WeakMap<DumpItem, ObjectReading>();

/** Where an object read straight from its text (`fast-decode.ts`) is. */
function fastSource(doc: LoadedDocument, fast: DumpItem): DumpSource {
  return doc.item !== undefined ? new ItemSource(doc.file, doc.document, fast.apiVersion, doc.item) : { file: doc.file, document: doc.document, apiVersion: fast.apiVersion };
}

/**
 * @internal The {@link DumpSource} of an item of a `List` read straight from its text: the literal's own
 * fields in its order, made with `new` (no allocation site for V8 to tenure: see {@link KeptObject}).
 */
export class ItemSource implements DumpSource {
  constructor(
    readonly file: string,
    readonly document: number,
    readonly apiVersion: string,
    readonly item: number,
  ) {}
}

/** What {@link prepareFast} made of a node or an affinity (kept until the reader's turn): made with `new`, as {@link AffinityObject}. */
class FastReading implements ObjectReading {
  constructor(
    readonly node: LiveNode | undefined,
    readonly decoded: DecodedReading | undefined,
  ) {}
}

/** An object decoded ahead, with the findings its decoding gave. */
class DecodedReading {
  constructor(
    readonly item: unknown,
    readonly findings: readonly InspectFinding[],
  ) {}
}

/** {@link prepareObject} of an object read straight from its text: a Kubernetes node, or an affinity decoded with the findings its decoding gives. */
function prepareFast(doc: LoadedDocument, fast: DumpItem): void {
  if (fastReadings.has(fast)) return;
  try {
    if (fast.kind === "Node") {
      fastReadings.set(fast, new FastReading(kubernetesNode(fast.object, fast.name, fastSource(doc, fast)), undefined));
    } else if (fast.kind === "BlockAffinity") {
      const findings: InspectFinding[] = [];
      const item = decodeAffinity(fast.name, fast.spec, fastSource(doc, fast), findings);
      fastReadings.set(fast, new FastReading(undefined, new DecodedReading(item, findings)));
    }
  } catch {
    // The reader reads the object in its turn (and reports what is wrong).
  }
}

/**
 * Reads an object of a file read ahead the way {@link readDump} will (schema check, decoding of an
 * affinity, a Kubernetes node or pod), for the reader to take when its turn comes. Of the objects read
 * straight from their text (`fast-decode.ts`: valid by construction), the nodes and affinities are
 * decoded; the others, and anything unusual (an error), are left to the reader.
 * @internal
 */
export function prepareObject(doc: LoadedDocument): void {
  if (doc.decoded !== undefined) {
    prepareFast(doc, doc.decoded as DumpItem);
    return;
  }
  const value = doc.value;
  if (typeof value !== "object" || value === null || Array.isArray(value) || readings.has(value)) return;
  const o = value as Record<string, unknown>;
  const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
  const kind = typeof o.kind === "string" ? o.kind : "";
  try {
    const { source, meta, name } = headOf(doc, o, apiVersion);
    if (isCalicoKind(apiVersion, kind)) {
      const errors = schemaProblems(o, apiVersion, kind);
      if (kind !== "BlockAffinity" || errors.length > 0 || typeof o.spec !== "object" || o.spec === null) {
        readings.set(o, { errors });
        return;
      }
      const findings: InspectFinding[] = [];
      const item = decodeAffinity(name, o.spec as Record<string, unknown>, source, findings);
      readings.set(o, { errors, decoded: { item, findings } });
    } else if (apiVersion === "v1" && kind === "Node") {
      readings.set(o, { node: kubernetesNode(o, name, source) });
    } else if (apiVersion === "v1" && kind === "Pod") {
      readings.set(o, { pod: kubernetesPod(o, name, String(meta.namespace ?? ""), source) });
    }
  } catch {
    // The reader reads the object in its turn (and reports what is wrong).
  }
}

/**
 * A document read ahead, as the reader will need it: a Kubernetes node or pod is prepared
 * ({@link prepareObject}) and its value replaced by its `apiVersion`, `kind` and `metadata.name` (and
 * `metadata.namespace`), all {@link readDump} still reads of it; so is an object of a kind the reader
 * skips (it only counts them, by kind, API version and file); any other document is returned as it is.
 *
 * @internal
 */
export function slimDocument(doc: LoadedDocument): LoadedDocument {
  if (doc.decoded !== undefined) return doc;
  const o = doc.value as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null || Array.isArray(o)) return doc;
  if (typeof o.apiVersion === "string" && typeof o.kind === "string" && o.kind !== "" && !readsKind(o.apiVersion, o.kind)) {
    const meta = typeof o.metadata === "object" && o.metadata !== null ? (o.metadata as Record<string, unknown>) : {};
    return { ...doc, value: { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: meta.name } } };
  }
  if (o.apiVersion !== "v1" || (o.kind !== "Node" && o.kind !== "Pod")) return doc;
  prepareObject(doc);
  const reading = readings.get(o);
  if (reading?.node === undefined && reading?.pod === undefined) return doc;
  const meta = o.metadata as Record<string, unknown>;
  const metadata: Record<string, unknown> = { name: meta.name };
  if (meta.namespace !== undefined) metadata.namespace = meta.namespace;
  const slim = { apiVersion: o.apiVersion, kind: o.kind, metadata };
  readings.set(slim, reading);
  return { ...doc, value: slim };
}

/**
 * Whether an API version and kind are a Calico IPAM kind ({@link CALICO_KINDS}; an `apiVersion` such as
 * `constructor` or `__proto__` is not a key of it, and names nothing).
 */
function isCalicoKind(apiVersion: string, kind: string): boolean {
  return Object.hasOwn(CALICO_KINDS, apiVersion) && CALICO_KINDS[apiVersion].includes(kind);
}

/** Whether {@link readDump} reads objects of this API version and kind (the others are skipped, with a note). */
function readsKind(apiVersion: string, kind: string): boolean {
  if (isCalicoKind(apiVersion, kind)) return true;
  if (apiVersion === "v1") return kind === "Node" || kind === "Namespace" || kind === "Pod";
  return apiVersion === API_V3 && kind === "Node";
}

/** The objects kept, kind by kind; a kind kept as a table of handles is given to `onTable` instead. */
function* keptInOrder(kept: Map<string, KeptByName>, onTable: (t: HandleTable) => void): Generator<Kept<unknown>> {
  for (const byName of kept.values()) {
    if (byName.table !== null) onTable(byName.table);
    else yield* byName.values();
  }
}

/**
 * The objects of one kind kept, by name, in the order read. kubectl lists objects in name order, so
 * while every name is greater than the one before no name can repeat and no map is needed (a dump holds
 * one handle per pod); the first name out of order builds the map.
 */
class KeptByName {
  private list: Kept<unknown>[] = [];
  private names: string[] = [];
  private byName: Map<string, Kept<unknown>> | null = null;
  /** The handles of a file kept as columns, names in order (until another object of the kind comes). */
  table: HandleTable | null = null;

  static ofTable(t: HandleTable): KeptByName {
    const k = new KeptByName();
    k.table = t;
    return k;
  }

  /** The table's handles as objects kept one by one. */
  private expand(): void {
    const t = this.table;
    if (t === null) return;
    this.table = null;
    for (let i = 0; i < t.count; i++) {
      const h = t.handle(i);
      this.list.push(new KeptObject(h, "IPAMHandle", null, t.source, t.c.from[i], t.c.to[i], h.source, t.idHash[i]));
      this.names.push(h.name);
    }
  }

  get(name: string): Kept<unknown> | undefined {
    this.expand();
    if (this.byName) return this.byName.get(name);
    const last = this.names.length > 0 ? this.names[this.names.length - 1] : null;
    if (last === null || name > last) return undefined;
    this.byName = new Map();
    for (let i = 0; i < this.list.length; i++) this.byName.set(this.names[i], this.list[i]);
    this.list = [];
    this.names = [];
    return this.byName.get(name);
  }

  /** Keeps an object; {@link get} was asked for its name first. */
  set(name: string, k: Kept<unknown>): void {
    this.expand();
    if (this.byName) {
      this.byName.set(name, k);
      return;
    }
    this.list.push(k);
    this.names.push(name);
  }

  values(): Iterable<Kept<unknown>> {
    this.expand();
    return this.byName ? this.byName.values() : this.list;
  }
}

function where(doc: LoadedDocument): string {
  return describeSource({ file: doc.file, document: doc.document, apiVersion: "", ...(doc.item !== undefined ? { item: doc.item } : {}) });
}

function nonEmpty(v: unknown): boolean {
  return typeof v === "string" && v !== "";
}

interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

const releaseValidators = new Map<string, Map<string, ValidateFunction>>();

/**
 * The CRD validators' module (`validation/crd-schema.ts`), loaded when an object first needs the schema
 * check: it loads Ajv (~50 ms of a process's start), which a dump read straight from its bytes
 * (`fast-decode.ts`: valid by construction) never needs.
 */
let crdSchemaModule: typeof import("../validation/crd-schema") | undefined;
function crdSchema(): typeof import("../validation/crd-schema") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (crdSchemaModule ??= require("../validation/crd-schema") as typeof import("../validation/crd-schema"));
}

/** The object's CRD schema violations (release CRD; master's when only master accepts it). */
function schemaProblems(o: Record<string, unknown>, apiVersion: string, kind: string): SchemaProblem[] {
  const { DEFAULT_CRD_VERSION, crdFileFor, crdValidator } = crdSchema();
  // One lookup per object: the validators by API group and kind.
  let byKind = releaseValidators.get(apiVersion);
  if (!byKind) releaseValidators.set(apiVersion, (byKind = new Map()));
  let release = byKind.get(kind);
  if (!release) byKind.set(kind, (release = crdValidator(DEFAULT_CRD_VERSION, crdFileFor(apiVersion, kind))));
  if (release(o)) return [];
  const file = crdFileFor(apiVersion, kind);
  const errors = [...(release.errors ?? [])];
  // A cluster on Calico's master line stores fields the release does not know (e.g. attributes[].releasedAt).
  if (crdValidator("master-87c15906", file)(o)) return [];
  return errors.map((e) => {
    const path = pointerToPath(e.instancePath);
    const extra = e.keyword === "additionalProperties" ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"` : "";
    return { path, message: `${e.message ?? "invalid"}${extra}` };
  });
}

/** `/spec/allocations/3` → `spec.allocations[3]`. */
function pointerToPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^[0-9]+$/.test(part) ? `[${part}]` : out === "" ? part : `.${part}`;
  }
  return out;
}

/** What duplicates of an object are compared by: the spec, with the two API groups' differences taken out. */
function comparable(kind: string, spec: Record<string, unknown>): unknown {
  if (kind === "BlockAffinity") return { ...spec, deleted: spec.deleted === true || spec.deleted === "true", type: spec.type || "host" };
  if (kind === "IPPool") {
    const cidr = String(spec.cidr);
    const v6 = cidr.includes(":");
    return {
      ...spec,
      blockSize: spec.blockSize ?? (v6 ? POOL_DEFAULTS.blockSizeV6 : POOL_DEFAULTS.blockSizeV4),
      ipipMode: spec.ipipMode || POOL_DEFAULTS.ipipMode,
      vxlanMode: spec.vxlanMode || POOL_DEFAULTS.vxlanMode,
      nodeSelector: spec.nodeSelector || POOL_DEFAULTS.nodeSelector,
      allowedUses: Array.isArray(spec.allowedUses) && spec.allowedUses.length > 0 ? spec.allowedUses : POOL_DEFAULTS.allowedUses,
      assignmentMode: spec.assignmentMode || POOL_DEFAULTS.assignmentMode,
    };
  }
  return spec;
}

/** The path of the first field where two values differ, or null when equal. Key order does not matter. */
export function firstDifference(a: unknown, b: unknown, path = "spec"): { path: string; a: unknown; b: unknown } | null {
  if (a === b) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return { path, a, b };
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { path: `${path}.length`, a: a.length, b: b.length };
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  for (const k of keys) {
    const d = firstDifference(ao[k], bo[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

function duplicate(findings: InspectFinding[], subject: string, first: Kept<unknown>, second: Kept<unknown>): void {
  const diff = firstDifference(compareOf(first), compareOf(second));
  const a = describeSource(first.where);
  const b = describeSource(second.where);
  const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));
  if (first.where.apiVersion !== second.where.apiVersion) {
    if (!diff) return; // the same object through Calico's API server and as stored: expected
    findings.push(
      liveFinding(
        "error",
        "DUMP_API_GROUPS_DISAGREE",
        subject,
        diff.path,
        `${subject} differs between ${first.where.apiVersion} (${first.where.apiVersion === API_CRD_V1 ? a : b}) and ${second.where.apiVersion} (${first.where.apiVersion === API_CRD_V1 ? b : a}) at ${diff.path}: ` +
          `${show(first.where.apiVersion === API_CRD_V1 ? diff.a : diff.b)} vs ${show(first.where.apiVersion === API_CRD_V1 ? diff.b : diff.a)}. ` +
          `The two dumps were taken at different times or from different clusters; the stored crd.projectcalico.org/v1 object is used. Dump both groups again at the same time, or give one.`,
        "dump",
      ),
    );
    return;
  }
  if (!diff) {
    findings.push(liveFinding("warning", "DUMP_DUPLICATE", subject, "", `${subject} is read twice (${a} and ${b}) with the same content; it is counted once. Give each dump file once.`, "dump"));
    return;
  }
  findings.push(
    liveFinding(
      "error",
      "DUMP_DUPLICATE_CONFLICT",
      subject,
      diff.path,
      `${subject} is read twice with different content (${a} and ${b}), first at ${diff.path}: ${show(diff.a)} vs ${show(diff.b)}. The dump mixes two moments or two clusters; the first one is used. Dump again into one set of files.`,
      "dump",
    ),
  );
}

function decode(kind: string, name: string, spec: Record<string, unknown>, source: DumpSource, findings: InspectFinding[], bigIntegers?: Readonly<Record<string, string>>): { kind: string; item: unknown } | undefined {
  switch (kind) {
    case "IPPool":
      return { kind, item: decodePool(name, spec, source, findings) };
    case "IPAMBlock": {
      const d = decodeBlock(name, spec, source, bigIntegers);
      findings.push(...d.findings);
      return d.block ? { kind, item: d.block } : undefined;
    }
    case "BlockAffinity":
      return { kind, item: decodeAffinity(name, spec, source, findings) };
    case "IPAMHandle":
      return {
        kind,
        item: { name, handleId: String(spec.handleID), blocks: (spec.block ?? {}) as Record<string, number>, deleted: spec.deleted === true, source } satisfies LiveHandle,
      };
    case "IPReservation":
      return { kind, item: { name, reservedCidrs: ((spec.reservedCIDRs ?? []) as string[]).slice(), source } satisfies LiveReservation };
    default:
      return {
        kind,
        item: {
          kind: source.apiVersion === API_V3 ? "IPAMConfiguration" : "IPAMConfig",
          name,
          strictAffinity: spec.strictAffinity === true,
          autoAllocateBlocks: spec.autoAllocateBlocks !== false,
          maxBlocksPerHost: typeof spec.maxBlocksPerHost === "number" ? spec.maxBlocksPerHost : 0,
          kubeVirtVMAddressPersistence: typeof spec.kubeVirtVMAddressPersistence === "string" ? spec.kubeVirtVMAddressPersistence : null,
          source,
        } satisfies LiveIpamConfiguration,
      };
  }
}

function parseCidrText(text: string): Cidr | null {
  try {
    return Cidr.parseLoose(text);
  } catch {
    return null;
  }
}

function decodePool(name: string, spec: Record<string, unknown>, source: DumpSource, findings: InspectFinding[]): LivePool {
  const cidrText = String(spec.cidr);
  const cidr = parseCidrText(cidrText);
  if (!cidr) findings.push(liveFinding("error", "POOL_CIDR_INVALID", `IPPool/${name}`, "spec.cidr", `${describeSource(source)}: pool CIDR "${cidrText}" does not parse; the pool is left out of the utilization.`, "dump"));
  const family: IpFamily | null = cidr ? cidr.family : null;
  const str = (v: unknown, d: string) => (typeof v === "string" && v !== "" ? v : d);
  return {
    name,
    cidrText,
    cidr,
    family,
    blockSize: typeof spec.blockSize === "number" && spec.blockSize > 0 ? spec.blockSize : family === 6 ? POOL_DEFAULTS.blockSizeV6 : POOL_DEFAULTS.blockSizeV4,
    ipipMode: str(spec.ipipMode, POOL_DEFAULTS.ipipMode),
    vxlanMode: str(spec.vxlanMode, POOL_DEFAULTS.vxlanMode),
    natOutgoing: spec.natOutgoing === true,
    disabled: spec.disabled === true,
    disableBGPExport: spec.disableBGPExport === true,
    nodeSelector: str(spec.nodeSelector, POOL_DEFAULTS.nodeSelector),
    namespaceSelector: str(spec.namespaceSelector, ""),
    allowedUses: Array.isArray(spec.allowedUses) && spec.allowedUses.length > 0 ? (spec.allowedUses as string[]).slice() : [...POOL_DEFAULTS.allowedUses],
    assignmentMode: str(spec.assignmentMode, POOL_DEFAULTS.assignmentMode),
    source,
  };
}

function decodeAffinity(name: string, spec: Record<string, unknown>, source: DumpSource, findings: InspectFinding[]): LiveAffinity {
  const cidrText = String(spec.cidr);
  // (An IPv4 CIDR in its canonical text is read at once; any other text the general way.)
  const canonical = canonicalIPv4Cidr(cidrText);
  const cidr = canonical ?? parseCidrText(cidrText);
  const node = String(spec.node);
  if (cidr) {
    // (The name is compared in place when the CIDR's text is canonical and the name is not cut: see affinityName.)
    const inPlace = (canonical !== undefined || noteCidrText(cidr, cidrText)) && node.length + 1 + cidrText.length < 253;
    if (inPlace ? !(name.startsWith(node) && name.charCodeAt(node.length) === 45 && namesCidr(name, node.length + 1, cidrText)) : affinityName(node, cidr) !== name) {
      const expected = affinityName(node, cidr);
      findings.push(liveFinding("warning", "AFFINITY_NAME", `BlockAffinity/${name}`, "metadata.name", `${describeSource(source)}: the affinity of node "${node}" for block ${cidr.toString()} is named "${name}"; Calico names it "${expected}" and does not find this one.`, "dump"));
    }
  } else {
    findings.push(liveFinding("error", "AFFINITY_CIDR_INVALID", `BlockAffinity/${name}`, "spec.cidr", `${describeSource(source)}: affinity CIDR "${cidrText}" does not parse; the affinity is left out of the checks.`, "dump"));
  }
  return new AffinityObject(name, cidrText, cidr, node, String(spec.state ?? ""), typeof spec.type === "string" && spec.type !== "" ? spec.type : "host", spec.deleted === true || spec.deleted === "true", source);
}

// The nodes and affinities a dump keeps (thousands, to the end of the read) are made with `new`, not as
// object literals: V8 tracks an allocation site per literal and, when it decides the site's objects should
// be tenured (these live on, so it does), throws away every optimized function that inlined it (the
// decoders, read while a worker is waited for) and compiles them again. Their own fields are the
// literals' in the literals' order (users spread and serialize them).

/** @internal A {@link LiveAffinity} as the reader makes it. */
export class AffinityObject implements LiveAffinity {
  constructor(
    readonly name: string,
    readonly cidrText: string,
    readonly cidr: Cidr | null,
    readonly node: string,
    readonly state: string,
    readonly type: string,
    readonly deleted: boolean,
    readonly source: DumpSource,
  ) {}
}

/** @internal A Kubernetes node's {@link LiveNode} as the reader makes it. */
export class NodeObject implements LiveNode {
  constructor(
    readonly name: string,
    readonly labels: Readonly<Record<string, string>>,
    readonly podCidrs: readonly string[],
    readonly tunnelAddresses: readonly LiveTunnelAddress[],
    readonly source: DumpSource,
  ) {}
}

/** @internal A node's {@link LiveTunnelAddress} as the reader makes it. */
export class TunnelAddress implements LiveTunnelAddress {
  constructor(
    readonly type: string,
    readonly address: string,
  ) {}
}

/**
 * The string values of an object's own enumerable properties, in their order (`Object.entries`'s). A
 * `for…in` loop rather than `Object.entries`: no array per property, and a loop V8 compiles in a fraction
 * of the time (a dump's nodes call it twice each, and it is compiled while they are read).
 */
function stringMap(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null) return {};
  const o = v as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const x = o[k];
    if (typeof x === "string") out[k] = x;
  }
  return out;
}

/** The keys of {@link TUNNEL_ANNOTATIONS}, in its order. */
const TUNNEL_KEYS = Object.keys(TUNNEL_ANNOTATIONS);

function kubernetesNode(o: Record<string, unknown>, name: string, source: DumpSource): LiveNode {
  // (A node without metadata is read as the reader names it: "", no labels, no annotations.)
  const meta = (typeof o.metadata === "object" && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  // The tunnel addresses: the annotations' own non-empty strings of these keys (no copy of the annotations).
  const annotations = (typeof meta.annotations === "object" && meta.annotations !== null ? meta.annotations : {}) as Record<string, unknown>;
  const tunnelAddresses: LiveTunnelAddress[] = [];
  for (let i = 0; i < TUNNEL_KEYS.length; i++) {
    const key = TUNNEL_KEYS[i];
    const address = Object.hasOwn(annotations, key) ? annotations[key] : undefined;
    if (typeof address === "string" && address !== "") tunnelAddresses.push(new TunnelAddress(TUNNEL_ANNOTATIONS[key], stripPrefix(address)));
  }
  const podCidrs = Array.isArray(spec.podCIDRs) ? (spec.podCIDRs as string[]) : typeof spec.podCIDR === "string" ? [spec.podCIDR] : [];
  return new NodeObject(name, stringMap(meta.labels), podCidrs, tunnelAddresses, source);
}

function calicoNode(o: Record<string, unknown>, name: string, source: DumpSource): LiveNode {
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  const spec = (o.spec ?? {}) as Record<string, Record<string, unknown> | string | undefined>;
  const bgp = (typeof spec.bgp === "object" ? spec.bgp : {}) as Record<string, unknown>;
  const wg = (typeof spec.wireguard === "object" ? spec.wireguard : {}) as Record<string, unknown>;
  const candidates: [unknown, string][] = [
    [bgp.ipv4IPIPTunnelAddr, "ipipTunnelAddress"],
    [spec.ipv4VXLANTunnelAddr, "vxlanTunnelAddress"],
    [spec.ipv6VXLANTunnelAddr, "vxlanV6TunnelAddress"],
    [wg.interfaceIPv4Address, "wireguardTunnelAddress"],
    [wg.interfaceIPv6Address, "wireguardV6TunnelAddress"],
  ];
  const tunnelAddresses = candidates.filter(([a]) => typeof a === "string" && a !== "").map(([a, type]) => ({ type, address: stripPrefix(a as string) }));
  return { name, labels: stringMap(meta.labels), podCidrs: [], tunnelAddresses, source };
}

/** The same node as a Kubernetes Node and a Calico Node: one node with the tunnel addresses of both. */
function mergeNode(nodes: Map<string, LiveNode>, node: LiveNode): void {
  const prev = nodes.get(node.name);
  if (!prev) {
    nodes.set(node.name, node);
    return;
  }
  const known = new Set(prev.tunnelAddresses.map((t) => `${t.type}/${t.address}`));
  nodes.set(node.name, {
    ...prev,
    labels: Object.keys(prev.labels).length > 0 ? prev.labels : node.labels,
    podCidrs: prev.podCidrs.length > 0 ? prev.podCidrs : node.podCidrs,
    tunnelAddresses: [...prev.tunnelAddresses, ...node.tunnelAddresses.filter((t) => !known.has(`${t.type}/${t.address}`))],
  });
}

/** `10.0.0.1/32` → `10.0.0.1` (Calico writes some addresses with their mask). */
function stripPrefix(address: string): string {
  const slash = address.indexOf("/");
  return slash < 0 ? address : address.slice(0, slash);
}

function kubernetesPod(o: { readonly spec?: unknown; readonly status?: unknown }, name: string, namespace: string, source: DumpSource): LivePod {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const status = (o.status ?? {}) as Record<string, unknown>;
  const ips: string[] = [];
  if (Array.isArray(status.podIPs)) for (const p of status.podIPs as { ip?: unknown }[]) if (typeof p?.ip === "string") ips.push(p.ip);
  if (ips.length === 0 && typeof status.podIP === "string" && status.podIP !== "") ips.push(status.podIP);
  const phase = typeof status.phase === "string" ? status.phase : "";
  return {
    namespace,
    name,
    node: typeof spec.nodeName === "string" ? spec.nodeName : null,
    ips,
    hostNetwork: spec.hostNetwork === true,
    finished: phase === "Succeeded" || phase === "Failed",
    source,
  };
}

function isCheckReport(o: Record<string, unknown>): boolean {
  return typeof o.allocations === "object" && o.allocations !== null && ("clusterGUID" in o || "clusterType" in o || "datastoreLocked" in o);
}

function readCheckReport(o: Record<string, unknown>, file: string, findings: InspectFinding[]): CheckReport | undefined {
  const allocations = new Map<string, CheckReportAllocation[]>();
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  for (const [ip, list] of Object.entries(o.allocations as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      findings.push(liveFinding("error", "CHECK_REPORT_INVALID", `CheckReport/${file}`, `allocations["${ip}"]`, `${file}: allocations["${ip}"] of the calicoctl ipam check report is not a list; the report is not used.`, "dump"));
      return undefined;
    }
    allocations.set(
      ip,
      list.map((a: Record<string, unknown>) => ({
        ip,
        handle: str(a?.handle),
        pod: str(a?.pod),
        namespace: str(a?.namespace),
        node: str(a?.node),
        inUse: a?.inUse === true,
        owners: Array.isArray(a?.owners) ? (a.owners as unknown[]).map(String) : [],
      })),
    );
  }
  const leaked = Array.isArray(o.leakedHandles) ? (o.leakedHandles as { ID?: unknown }[]).map((h) => String(h?.ID ?? "")).filter((id) => id !== "") : [];
  return {
    file,
    version: String(o.version ?? ""),
    clusterGUID: String(o.clusterGUID ?? ""),
    clusterType: String(o.clusterType ?? ""),
    datastoreLocked: o.datastoreLocked === true,
    allocations,
    leakedHandles: leaked,
  };
}
