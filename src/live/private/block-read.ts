/**
 * The blocks worker's part of \`block-file.ts\` (\`blocks-worker.ts\` loads it): a dump's IPAM blocks file
 * read with the kubectl-layout matcher (\`template-decode.ts\`) into chunks of columns (\`columns.ts\`),
 * posted part by part ({@link readBlockFile}). It loads only what the read needs (the matcher, the
 * columns, the List reader): not \`block.ts\`'s checks, the simulator they use or the byte decoder, which
 * the main thread runs when the worker leaves the file.
 */
import fs from "fs";
import { fileDescriptorSource, readKubectlJsonList } from "../../io/json-list";
import type { ByteSource, ItemDecoder, ListItem } from "../../io/json-list";
import { MAX_DUMP_BYTES } from "../../limits";
import type { FastBlock } from "../fast-decode";
import { templateEnd, templateItem } from "../template-decode";
import { WINDOW_BYTES, attributeWasm } from "./attribute-wasm";
import { AttributeColumns, BlockChunk, SequenceColumns } from "./columns";

export { WINDOW_BYTES } from "./attribute-wasm";

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

/**
 * An open file as the List reader's source, whose window buffers are two, handed out in turn (the
 * reader copies what it keeps of a window into the next one, then drops it): a new buffer per window
 * would cost a page fault per 4 KB of the file. They are the WebAssembly attribute matcher's (in its
 * memory, where it reads them; one source at a time in a thread), else buffers of the source's own. A
 * window larger than {@link WINDOW_BYTES} gets a buffer of its own (whose attributes the pattern reads).
 * @internal
 */
export function recyclingSource(fd: number, size: number): ByteSource {
  const windows: Buffer[] = [...(attributeWasm()?.windows ?? [])];
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

/** @internal Strings per block in {@link BlockFile.texts}, numbers per block in {@link BlockFile.places}, and the bits of {@link BlockFile.flags}. */
export const TEXTS = 5;
/** @internal */
export const PLACES = 12;
/** @internal */
export const DELETED = 1;
/** @internal */
export const STRICT = 2;
/** @internal */
export const UNSAFE = 4;

/**
 * The kubectl-layout matcher alone as the List reader's decoder. An item it leaves could not be posted
 * as columns (the byte decoder and the JSON parser make objects), so the worker stops there whichever
 * reader would take it ({@link readBlockFile} answers undefined) and the main thread reads the file.
 */
const templateDecoder: ItemDecoder = {
  decode: templateItem,
  get end(): number {
    return templateEnd();
  },
};

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

/** {@link BlockReader.take}'s answer when the matcher left an item (the file is not posted). */
const LEFT = 0;
/** {@link BlockReader.take}'s answer at the end of the items. */
const END = 1;

/**
 * The blocks of a file gathered into parts ({@link readBlockFile}). The loop over the items is
 * {@link take}'s, which stops at a block in a new chunk and leaves the post to its caller: in the loop,
 * the post's code (run once per chunk, about 20 times a file) had no type feedback when V8 optimized
 * the loop, and each of its first runs threw the loop's optimized code away (four compiles of the loop
 * a file, and the loop unoptimized while each was made).
 */
class BlockReader {
  part = new Part(0);
  /** Blocks taken. */
  n = 0;
  private last: BlockChunk | undefined = undefined;
  private readonly tables = new Map<readonly string[], number>();
  /** How many strings of each table the parts posted so far hold. */
  private readonly sent: number[] = [];

  constructor(
    private readonly listMetadata: BlockFile["listMetadata"],
    private readonly beat: () => void = () => undefined,
  ) {}

  /**
   * Takes `first` and the items after it until one is a block in a new chunk while the part holds blocks
   * and `parts` is set (answered, not taken: the part is then cut, see {@link cut}), the end ({@link END}),
   * or an item the matcher left or another kind ({@link LEFT}).
   */
  take(items: Iterator<ListItem>, first: ListItem, parts: boolean): ListItem | typeof LEFT | typeof END {
    for (let item: ListItem | undefined = first; item !== undefined; ) {
      const b = item.decoded as FastBlock | undefined;
      const f = b?.fields;
      if (b === undefined || b.kind !== "IPAMBlock" || item.text === undefined || f === undefined) return LEFT;
      const a = f.attributes;
      const s = f.sequenceNumberForAllocation;
      if (!(a instanceof AttributeColumns) || !(s instanceof SequenceColumns) || !(f.allocations instanceof Int32Array) || !(f.unallocated instanceof Int32Array)) return LEFT;
      if (s.chunk !== a.chunk || f.allocations.buffer !== a.chunk.allocations.buffer || f.unallocated.buffer !== a.chunk.unallocated.buffer) return LEFT;
      // A block in a new chunk: the chunks before are full, and their blocks go.
      if (parts && this.last !== undefined && a.chunk !== this.last && this.part.n > 0) return item;
      this.last = a.chunk;
      let table = this.tables.get(a.strings);
      if (table === undefined) {
        this.tables.set(a.strings, (table = this.tables.size));
        this.sent.push(0);
      }
      this.part.add(b, a, s, f.allocations, f.unallocated, table, item.index, item.text.from, item.text.to);
      if ((++this.n & 255) === 0) this.beat();
      const next = items.next();
      item = next.done ? undefined : next.value;
    }
    return END;
  }

  /** The part gathered so far, as posted; the next part starts empty. */
  cut(): BlockFile {
    const done = this.part.done(this.strings(), this.listMetadata);
    this.part = new Part(this.n);
    return done;
  }

  /** The strings the tables gained since the part before. */
  strings(): BlockFile["strings"] {
    const out: { table: number; from: number; strings: string[] }[] = [];
    for (const [t, id] of this.tables) {
      if (t.length > this.sent[id]) out.push({ table: id, from: this.sent[id], strings: t.slice(this.sent[id]) });
      this.sent[id] = t.length;
    }
    return out;
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
    const list = readKubectlJsonList(recyclingSource(fd, stat.size), { decode: templateDecoder });
    if (list === undefined) return undefined;
    const metadata = list.list.metadata;
    const listMetadata = typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : undefined;
    const reader = new BlockReader(listMetadata, beat);
    const items = list.items[Symbol.iterator]();
    // Chunk by chunk: the loop over the items is `take`'s, the posts are here (see BlockReader).
    for (let next = items.next(); !next.done; ) {
      const stop = reader.take(items, next.value, post !== undefined);
      if (stop === LEFT) {
        items.return?.(undefined);
        return undefined;
      }
      if (stop === END) break;
      const done = reader.cut();
      (post as (part: BlockFile, transfer: ArrayBuffer[]) => void)(done, blockFileTransferables(done));
      next = { done: false, value: stop };
    }
    const rest = reader.part.done(reader.strings(), listMetadata);
    if (post === undefined) return rest;
    if (rest.count > 0) post(rest, blockFileTransferables(rest));
    return { ok: true, part: false, count: reader.n };
  } finally {
    fs.closeSync(fd);
  }
}
