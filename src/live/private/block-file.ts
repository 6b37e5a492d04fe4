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
import { MAX_DUMP_BYTES } from "../../limits";
import { fastBlock } from "../block";
import { dumpItemDecoder } from "../fast-decode";
import type { FastBlock } from "../fast-decode";
import { AttributeColumns, BlockChunk, SequenceColumns } from "./columns";
import { TableDocument, fileSource } from "./handle-columns";
import { DocumentThread, ReadThreadOptions, documentThread, holdsKind, sizeOf, startReadThread } from "./read-thread";

/** The blocks of one file, as the worker transfers them: item `i` of the file's `List` is block `i`. */
export interface BlockFile {
  readonly ok: true;
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
  /** Each chunk's buffers (`BlockChunk.buffers`). */
  readonly chunks: readonly (readonly ArrayBuffer[])[];
  /** The reader's tables of strings the chunks' `keys` index. */
  readonly tables: readonly (readonly string[])[];
  readonly listMetadata: Readonly<Record<string, unknown>> | undefined;
}

const TEXTS = 5;
const PLACES = 12;
const DELETED = 1;
const STRICT = 2;
const UNSAFE = 4;

/** The buffers of a {@link BlockFile} (what `postMessage` transfers). */
export function blockFileTransferables(f: BlockFile): ArrayBuffer[] {
  return [f.sequenceNumber, f.flags, f.places, f.items, f.from, f.to].map((a) => a.buffer as ArrayBuffer).concat(...f.chunks);
}

/** Grows a column to hold at least `n` rows. */
function fit<T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/**
 * Reads a file that is a kubectl JSON `List` of IPAM blocks (crd.projectcalico.org/v1) in kubectl's
 * layout, every item taken by the kubectl-layout matcher; undefined for any other file (the caller then
 * reads it the usual way). `beat` is called every 256 items.
 */
export function readBlockFile(file: string, beat: () => void = () => undefined): BlockFile | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_DUMP_BYTES) return undefined;
    const list = readKubectlJsonList(fileDescriptorSource(fd, stat.size), { decode: dumpItemDecoder });
    if (list === undefined) return undefined;
    const texts: (string | null)[] = [];
    let sequenceNumber = new Float64Array(1024);
    let flags = new Uint8Array(1024);
    let places = new Int32Array(1024 * PLACES);
    let items = new Int32Array(1024);
    let from = new Float64Array(1024);
    let to = new Float64Array(1024);
    const chunks = new Map<BlockChunk, number>();
    const tables = new Map<readonly string[], number>();
    let n = 0;
    for (const item of list.items) {
      const b = item.decoded as FastBlock | undefined;
      const f = b?.fields;
      if (b === undefined || b.kind !== "IPAMBlock" || item.text === undefined || f === undefined) return undefined;
      const a = f.attributes;
      const s = f.sequenceNumberForAllocation;
      if (!(a instanceof AttributeColumns) || !(s instanceof SequenceColumns) || !(f.allocations instanceof Int32Array) || !(f.unallocated instanceof Int32Array)) return undefined;
      if (s.chunk !== a.chunk || f.allocations.buffer !== a.chunk.allocations.buffer || f.unallocated.buffer !== a.chunk.unallocated.buffer) return undefined;
      sequenceNumber = fit(sequenceNumber, n + 1);
      flags = fit(flags, n + 1);
      places = fit(places, (n + 1) * PLACES);
      items = fit(items, n + 1);
      from = fit(from, n + 1);
      to = fit(to, n + 1);
      texts.push(b.name, f.cidrText, f.affinity, f.affinityClaimTime, f.exactSequenceNumbers?.sequenceNumber ?? null);
      sequenceNumber[n] = f.sequenceNumber;
      flags[n] = (f.deleted ? DELETED : 0) | (f.strictAffinity ? STRICT : 0) | (s.unsafe ? UNSAFE : 0);
      let chunk = chunks.get(a.chunk);
      if (chunk === undefined) chunks.set(a.chunk, (chunk = chunks.size));
      let table = tables.get(a.strings);
      if (table === undefined) tables.set(a.strings, (table = tables.size));
      const p = n * PLACES;
      places[p] = chunk;
      places[p + 1] = table;
      places[p + 2] = a.at;
      places[p + 3] = a.textAt;
      places[p + 4] = a.length;
      places[p + 5] = s.at;
      places[p + 6] = s.length;
      places[p + 7] = s.from;
      places[p + 8] = f.allocations.byteOffset >> 2;
      places[p + 9] = f.allocations.length;
      places[p + 10] = f.unallocated.byteOffset >> 2;
      places[p + 11] = f.unallocated.length;
      items[n] = item.index;
      from[n] = item.text.from;
      to[n] = item.text.to;
      if ((++n & 255) === 0) beat();
    }
    const metadata = list.list.metadata;
    return {
      ok: true,
      count: n,
      texts,
      sequenceNumber,
      flags,
      places,
      items,
      from,
      to,
      chunks: [...chunks.keys()].map((c) => c.buffers()),
      tables: [...tables.keys()],
      listMetadata: typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : undefined,
    };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The blocks of a {@link BlockFile} as the documents `streamDumpObjects` gives for the file: each
 * decoded as the matcher decodes it (`fastBlock`), its columns the transferred chunks' rows.
 */
export function* blockDocuments(file: string, f: BlockFile): Generator<TableDocument> {
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
        attributes: new AttributeColumns(c, f.tables[places[p + 1]], places[p + 2], places[p + 3], places[p + 4]),
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
 * least `minBytes` (the main thread reads them meanwhile); undefined when there is none (or no compiled worker).
 */
export function startBlocksThread(files: readonly string[], minBytes: number, options: ReadThreadOptions = {}): DocumentThread | undefined {
  const sizes = files.map(sizeOf);
  const total = sizes.reduce((a, b) => a + b, 0);
  const index = files.findIndex((file, i) => sizes[i] >= minBytes && total - sizes[i] >= minBytes && holdsKind(file, "IPAMBlock"));
  if (index < 0) return undefined;
  const thread = startReadThread<BlockFile>(SCRIPT, files, index, options);
  return thread && documentThread(thread, (answer) => blockDocuments(files[index], answer));
}
