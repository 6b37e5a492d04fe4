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
import { AttributeColumns, BlockChunk, SequenceColumns } from "./columns";
import { DELETED, PLACES, STRICT, TEXTS, UNSAFE } from "./block-read";
import type { BlockFile, BlockFileEnd } from "./block-read";
import { ColumnBlockFields, fastBlock } from "./fast-block";
import { TableDocument, fileSource } from "./handle-columns";
import type { LoadedDocument } from "../../io/objects";
import { DocumentThread, ReadThread, ReadThreadOptions, holdsKind, sizeOf, startReadThread } from "./read-thread";

export { WINDOW_BYTES, blockFileTransferables, readBlockFile, recyclingSource } from "./block-read";
export type { BlockFile, BlockFileEnd } from "./block-read";

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
  // (Pushed one by one: \`.map\`'s array is of another kind (map) when the part holds more than one chunk,
  // and the loop's optimized code, compiled on the parts before, would be thrown away at the first block.)
  const chunks: BlockChunk[] = [];
  for (const [text, spans, hashes, keys, ordinals, ends, allocations, unallocated] of f.chunks) {
    chunks.push(new BlockChunk(Buffer.from(text), new Int32Array(spans), new Int32Array(hashes), new Int32Array(keys), new Int32Array(ordinals), new Int32Array(ends), new Int32Array(allocations), new Int32Array(unallocated)));
  }
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
      new ColumnBlockFields(
        texts[t + 1] as string,
        c.allocations.subarray(allocationsAt, allocationsAt + places[p + 9]),
        new AttributeColumns(c, tables[places[p + 1]], places[p + 2], places[p + 3], places[p + 4]),
        c.unallocated.subarray(unallocatedAt, unallocatedAt + places[p + 11]),
        new SequenceColumns(c, places[p + 5], places[p + 6], places[p + 3], places[p + 7], (flags & UNSAFE) !== 0),
        texts[t + 2],
        (flags & DELETED) !== 0,
        (flags & STRICT) !== 0,
        f.sequenceNumber[i],
        texts[t + 3],
      ),
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
