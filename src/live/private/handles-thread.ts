/**
 * Reading a dump's IPAM handles file on a second thread while the main thread reads the files before
 * it (the blocks): a dump of 500,000 pods holds 500,000 handles, the largest file. The worker
 * (`handles-worker.ts`, started by `read-thread.ts`) reads the file with the byte matcher of
 * `handle-columns.ts` only and posts the handles as columns (typed arrays, shared or moved, not copied); the
 * main thread keeps them as a `HandleTable`, which the dump reader and the check read without an object
 * per handle (and which gives the documents it would have read itself, in the same order, with the same
 * item numbers and text positions, when it must take them one by one). When the worker cannot take the
 * whole file (anything unusual, an error), the main thread reads the file itself: every check and
 * message is the main thread's. Used only from the compiled package (the worker is a compiled file),
 * for a file of at least {@link MIN_THREAD_BYTES} that has at least as many bytes of other files before it.
 */
import { HandleColumns, HandleTable, TableFileDocument } from "./handle-columns";
import { DocumentThread, ReadThreadOptions, WaitOutcome, documentThread, holdsKind, sizeOf, startReadThread, workerScript } from "./read-thread";

export type { WaitOutcome };

/** Files smaller than this are read on the main thread. */
export const MIN_THREAD_BYTES = 32 * 1024 * 1024;

/** The compiled worker's file name. */
const SCRIPT = "handles-worker.js";

/**
 * A handles file being read by a worker: `take()` gives the file's handles as one document holding a
 * `HandleTable` (`handle-columns.ts`), or undefined when the main thread must read the file itself.
 */
export type HandlesThread = DocumentThread;

/** Options of {@link startHandlesThread} (tests). */
export type HandlesThreadOptions = ReadThreadOptions;

/**
 * Starts a worker on the first file of IPAM handles of at least `minBytes` that has at least `minBytes`
 * of other files before it; undefined when there is none (or no compiled worker).
 */
export function startHandlesThread(files: readonly string[], minBytes = MIN_THREAD_BYTES, options: HandlesThreadOptions = {}): HandlesThread | undefined {
  if (handlesWorkerScript(__dirname) === undefined) return undefined; // TypeScript sources (tests): no compiled worker
  let before = 0;
  let index = -1;
  files.forEach((file, i) => {
    const size = sizeOf(file);
    if (index < 0 && before >= minBytes && size >= minBytes && holdsKind(file, "IPAMHandle")) index = i;
    before += size;
  });
  if (index < 0) return undefined;
  const thread = startReadThread<HandleColumns>(SCRIPT, files, index, options);
  return thread && documentThread(thread, (answer) => [new TableFileDocument(new HandleTable(files[index], answer))]);
}

/**
 * The compiled worker, seen from the directory of this module's code: `lib/live/private`, or `lib/cli`
 * when the code runs from the CLI's bundle (`lib/cli/calico-ipam.js`); undefined when there is none.
 */
export function handlesWorkerScript(dir: string): string | undefined {
  return workerScript(dir, SCRIPT);
}
