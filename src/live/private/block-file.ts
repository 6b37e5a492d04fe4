/**
 * A dump's IPAM blocks file read on a worker thread (`blocks-worker.ts`, started by `read-thread.ts`)
 * while the main thread reads the other files: a dump of 500,000 pods holds 10,000 blocks with their
 * 500,000 allocations' attributes in a file of about 270 MB. The worker reads it with the
 * kubectl-layout matcher (`template-decode.ts`), which leaves the blocks' attributes, sequence numbers
 * and allocation lists in chunks of columns (`columns.ts`); the worker transfers the chunks (moved, not
 * copied) with a few columns of each block's own fields, and the main thread gives the dump reader the
 * documents it would have read itself ({@link blockDocuments}: the same decoded blocks, item numbers and
 * text positions), so the reader's checks, findings and duplicates are the same. When the worker cannot
 * take the whole file (an item the matcher leaves, another kind, another layout, an error), the main
 * thread reads the file itself, with every check and message. Used only from the compiled package, for
 * a file of at least `MIN_THREAD_BYTES` when the other files hold at least as many bytes.
 */
import * as fs from "fs";
import { fileDescriptorSource, readKubectlJsonList } from "../../io/json-list";
import type { ByteSource } from "../../io/json-list";
import { MAX_DUMP_BYTES } from "../../limits";
import { fastBlock } from "../block";
import { dumpItemDecoder } from "../fast-decode";
import type { FastBlock } from "../fast-decode";
import { AttributeColumns, BlockChunk, SequenceColumns } from "./columns";
import { TableDocument, fileSource } from "./handle-columns";
import type { LoadedDocument } from "../../io/objects";
import { DocumentThread, ReadThread, ReadThreadOptions, holdsKind, sizeOf, startReadThread } from "./read-thread";

/**
 * Blocks of one file, as the worker transfers them: a part of the file, items `[first, first + count)`
 * of its `List` (the worker posts a part each time the matcher fills a chunk, and the whole file when
 * read in the same thread).
 */
export interface BlockFile {
  readonly ok: true;
  readonly part: true;
  readonly first: number;
  readonly count: number;
  /** Per block {@link TEXTS} strings: name, cidr, affinity, affinityClaimTime, the sequence number's digits (null when absent). */
  readonly texts: readonly (string | null)[];
  readonly sequenceNumber: Float64Array;
  /** Per block: {@link DELETED}, {@link STRICT}, {@link UNSAFE}. */
  readonly flags: Uint8Array;
  /** Per block {@link PLACES} numbers: where its columns are (see {@link blockDocuments}). */
  readonly places: Int32Array;
  /** The item's index in the `List`, and where its text is in the file (`[from, to)`). */
  readonly items: Int32Array;
  readonly from: Float64Array;
  readonly to: Float64Array;
  /** The buffers (`BlockChunk.buffers`) of the chunks the part's blocks are in. */
  readonly chunks: readonly (readonly ArrayBuffer[])[];
  /** The strings the reader added to its tables (which the chunks' `keys` index) since the part before: table, first place, strings. */
  readonly strings: readonly { readonly table: number; readonly from: number; readonly strings: readonly string[] }[];
  readonly listMetadata: Readonly<Record<string, unknown>> | undefined;
}

/** The worker's last message when it posted the file in parts: how many blocks it posted. */
export interface BlockFileEnd {
  readonly ok: true;
  readonly part: false;
  readonly count: number;
}

/** The bytes of each of the two window buffers {@link recyclingSource} hands out in turn (a window is about 4.3 MB). */
export const WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * An open file as the List reader's source, whose window buffers are two, handed out in turn (the
 * reader copies what it keeps of a window into the next one, then drops it): a new buffer per window
 * would cost a page fault per 4 KB of the file. A window larger than {@link WINDOW_BYTES} gets a buffer
 * of its own.
 * @internal
 */
export function recyclingSource(fd: number, size: number): ByteSource {
  const windows: Buffer[] = [];
  let turn = 0;
  return {
    ...fileDescriptorSource(fd, size),
    buffer(n: number): Buffer {
      if (n > WINDOW_BYTES) return Buffer.allocUnsafe(n);
      turn ^= 1;
      windows[turn] ??= Buffer.allocUnsafe(WINDOW_BYTES);
      return windows[turn].subarray(0, n);
    },
  };
}

const TEXTS = 5;
const PLACES = 12;
const DELETED = 1;
const STRICT = 2;
const UNSAFE = 4;

/** The buffers of a {@link BlockFile} (what `postMessage` transfers). */
export function blockFileTransferables(f: BlockFile | BlockFileEnd): ArrayBuffer[] {
  return f.part ? [f.sequenceNumber, f.flags, f.places, f.items, f.from, f.to].map((a) => a.buffer as ArrayBuffer).concat(...f.chunks) : [];
}

/** Grows a column to hold at least `n` rows. */
function fit<T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/** A part of a file's blocks being gathered (see {@link BlockFile}). */
class Part {
  readonly texts: (string | null)[] = [];
  sequenceNumber = new Float64Array(1024);
  flags = new Uint8Array(1024);
  places = new Int32Array(1024 * PLACES);
  items = new Int32Array(1024);
  from = new Float64Array(1024);
  to = new Float64Array(1024);
  readonly chunks = new Map<BlockChunk, number>();
  n = 0;
  constructor(readonly first: number) {}

  add(b: FastBlock, a: AttributeColumns, s: SequenceColumns, allocations: Int32Array, unallocated: Int32Array, table: number, item: number, from: number, to: number): void {
    const n = this.n;
    const f = b.fields;
    this.sequenceNumber = fit(this.sequenceNumber, n + 1);
    this.flags = fit(this.flags, n + 1);
    this.places = fit(this.places, (n + 1) * PLACES);
    this.items = fit(this.items, n + 1);
    this.from = fit(this.from, n + 1);
    this.to = fit(this.to, n + 1);
    this.texts.push(b.name, f.cidrText, f.affinity, f.affinityClaimTime, f.exactSequenceNumbers?.sequenceNumber ?? null);
    this.sequenceNumber[n] = f.sequenceNumber;
    this.flags[n] = (f.deleted ? DELETED : 0) | (f.strictAffinity ? STRICT : 0) | (s.unsafe ? UNSAFE : 0);
    let chunk = this.chunks.get(a.chunk);
    if (chunk === undefined) this.chunks.set(a.chunk, (chunk = this.chunks.size));
    const places = this.places;
    const p = n * PLACES;
    places[p] = chunk;
    places[p + 1] = table;
    places[p + 2] = a.at;
    places[p + 3] = a.textAt;
    places[p + 4] = a.length;
    places[p + 5] = s.at;
    places[p + 6] = s.length;
    places[p + 7] = s.from;
    places[p + 8] = allocations.byteOffset >> 2;
    places[p + 9] = allocations.length;
    places[p + 10] = unallocated.byteOffset >> 2;
    places[p + 11] = unallocated.length;
    this.items[n] = item;
    this.from[n] = from;
    this.to[n] = to;
    this.n = n + 1;
  }

  done(strings: BlockFile["strings"], listMetadata: BlockFile["listMetadata"]): BlockFile {
    const { texts, sequenceNumber, flags, places, items, from, to } = this;
    return { ok: true, part: true, first: this.first, count: this.n, texts, sequenceNumber, flags, places, items, from, to, chunks: [...this.chunks.keys()].map((c) => c.buffers()), strings, listMetadata };
  }
}

/**
 * Reads a file that is a kubectl JSON `List` of IPAM blocks (crd.projectcalico.org/v1) in kubectl's
 * layout, every item taken by the kubectl-layout matcher; undefined for any other file (the caller then
 * reads it the usual way). `beat` is called every 256 items. With `post`, the blocks are posted in
 * parts as the matcher fills its chunks (a chunk is posted once no block is written to it any more),
 * and the answer is a {@link BlockFileEnd}; else the answer is the whole file as one part.
 */
export function readBlockFile(file: string, beat?: () => void): BlockFile | undefined;
export function readBlockFile(file: string, beat: () => void, post: (part: BlockFile, transfer: ArrayBuffer[]) => void): BlockFile | BlockFileEnd | undefined;
export function readBlockFile(file: string, beat: () => void = () => undefined, post?: (part: BlockFile, transfer: ArrayBuffer[]) => void): BlockFile | BlockFileEnd | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_DUMP_BYTES) return undefined;
    const list = readKubectlJsonList(recyclingSource(fd, stat.size), { decode: dumpItemDecoder });
    if (list === undefined) return undefined;
    const metadata = list.list.metadata;
    const listMetadata = typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : undefined;
    const tables = new Map<readonly string[], number>();
    /** How many strings of each table the parts posted so far hold. */
    const sent: number[] = [];
    const strings = (): BlockFile["strings"] => {
      const out: { table: number; from: number; strings: string[] }[] = [];
      for (const [t, id] of tables) {
        if (t.length > sent[id]) out.push({ table: id, from: sent[id], strings: t.slice(sent[id]) });
        sent[id] = t.length;
      }
      return out;
    };
    let part = new Part(0);
    let last: BlockChunk | undefined;
    let n = 0;
    for (const item of list.items) {
      const b = item.decoded as FastBlock | undefined;
      const f = b?.fields;
      if (b === undefined || b.kind !== "IPAMBlock" || item.text === undefined || f === undefined) return undefined;
      const a = f.attributes;
      const s = f.sequenceNumberForAllocation;
      if (!(a instanceof AttributeColumns) || !(s instanceof SequenceColumns) || !(f.allocations instanceof Int32Array) || !(f.unallocated instanceof Int32Array)) return undefined;
      if (s.chunk !== a.chunk || f.allocations.buffer !== a.chunk.allocations.buffer || f.unallocated.buffer !== a.chunk.unallocated.buffer) return undefined;
      // A block in a new chunk: the chunks before are full, and their blocks go.
      if (post !== undefined && last !== undefined && a.chunk !== last && part.n > 0) {
        const done = part.done(strings(), listMetadata);
        post(done, blockFileTransferables(done));
        part = new Part(n);
      }
      last = a.chunk;
      let table = tables.get(a.strings);
      if (table === undefined) {
        tables.set(a.strings, (table = tables.size));
        sent.push(0);
      }
      part.add(b, a, s, f.allocations, f.unallocated, table, item.index, item.text.from, item.text.to);
      if ((++n & 255) === 0) beat();
    }
    const rest = part.done(strings(), listMetadata);
    if (post === undefined) return rest;
    if (rest.count > 0) post(rest, blockFileTransferables(rest));
    return { ok: true, part: false, count: n };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The blocks of a {@link BlockFile} as the documents `streamDumpObjects` gives for the file: each
 * decoded as the matcher decodes it (`fastBlock`), its columns the transferred chunks' rows. `tables`
 * holds the reader's tables of strings as the parts before left them (the part's strings are added).
 */
export function* blockDocuments(file: string, f: BlockFile, tables: string[][] = []): Generator<TableDocument> {
  for (const added of f.strings) {
    const t = (tables[added.table] ??= []);
    for (const s of added.strings) t.push(s);
  }
  const chunks = f.chunks.map(
    ([text, spans, hashes, keys, ordinals, ends, allocations, unallocated]) =>
      new BlockChunk(Buffer.from(text), new Int32Array(spans), new Int32Array(hashes), new Int32Array(keys), new Int32Array(ordinals), new Int32Array(ends), new Int32Array(allocations), new Int32Array(unallocated)),
  );
  const source = fileSource(file);
  const { texts, places } = f;
  for (let i = 0; i < f.count; i++) {
    const p = i * PLACES;
    const c = chunks[places[p]];
    const t = i * TEXTS;
    const flags = f.flags[i];
    const allocationsAt = places[p + 8];
    const unallocatedAt = places[p + 10];
    const decoded = fastBlock(
      texts[t] as string,
      {
        cidrText: texts[t + 1] as string,
        allocations: c.allocations.subarray(allocationsAt, allocationsAt + places[p + 9]),
        attributes: new AttributeColumns(c, tables[places[p + 1]], places[p + 2], places[p + 3], places[p + 4]),
        unallocated: c.unallocated.subarray(unallocatedAt, unallocatedAt + places[p + 11]),
        sequenceNumberForAllocation: new SequenceColumns(c, places[p + 5], places[p + 6], places[p + 3], places[p + 7], (flags & UNSAFE) !== 0),
        affinity: texts[t + 2],
        deleted: (flags & DELETED) !== 0,
        strictAffinity: (flags & STRICT) !== 0,
        sequenceNumber: f.sequenceNumber[i],
        affinityClaimTime: texts[t + 3],
      },
      texts[t + 4] ?? undefined,
      undefined,
    );
    yield new TableDocument(file, f.items[i], decoded, source, f.from[i], f.to[i], f.listMetadata);
  }
}

/** The compiled worker's file name. */
const SCRIPT = "blocks-worker.js";

/**
 * Starts a worker on the first file of IPAM blocks of at least `minBytes` when the other files hold at
 * least `minBytes` (the main thread reads them meanwhile); undefined when there is none (or no compiled
 * worker). The documents are taken part by part as the worker posts them; when the worker stops after
 * some parts (an item the matcher leaves, an error, its death), the main thread reads the rest of the
 * file itself: `rest` reads the file (as `streamDumpObjects`), whose documents already taken are skipped.
 */
export function startBlocksThread(files: readonly string[], minBytes: number, rest: (file: string) => Iterable<LoadedDocument>, options: ReadThreadOptions = {}): DocumentThread | undefined {
  const sizes = files.map(sizeOf);
  const total = sizes.reduce((a, b) => a + b, 0);
  const index = files.findIndex((file, i) => sizes[i] >= minBytes && total - sizes[i] >= minBytes && holdsKind(file, "IPAMBlock"));
  if (index < 0) return undefined;
  const started = startReadThread<BlockFileEnd>(SCRIPT, files, index, options);
  if (started === undefined) return undefined;
  const thread: ReadThread<BlockFileEnd> = started;
  const file = files[index];
  function* parts(first: BlockFile | BlockFileEnd): Generator<LoadedDocument> {
    const tables: string[][] = [];
    let taken = 0;
    try {
      for (let m = first as BlockFile | BlockFileEnd | { ok: false } | undefined; ; m = thread.receive() as typeof m) {
        if (!m?.ok) {
          let k = 0;
          for (const doc of rest(file)) if (k++ >= taken) yield doc;
          return;
        }
        if (!m.part) return;
        for (const doc of blockDocuments(file, m, tables)) {
          yield doc;
          taken++;
        }
      }
    } finally {
      thread.cancel();
    }
  }
  return {
    index,
    ready: () => thread.ready(),
    take(): Iterable<LoadedDocument> | undefined {
      const first = thread.receive() as BlockFile | BlockFileEnd | { ok: false } | undefined;
      if (first?.ok) return parts(first);
      thread.cancel();
      return undefined;
    },
    cancel: () => thread.cancel(),
    worker: thread.worker,
    get outcome() {
      return thread.outcome;
    },
  };
}
