/**
 * Reading a dump's IPAM handles file on a second thread while the main thread reads the files before
 * it (the blocks): a dump of 500,000 pods holds 500,000 handles, the largest file. The worker
 * (`handles-worker.ts`) reads the file with the kubectl-layout matcher only and hands the handles over
 * in a compact form; the main thread turns them into the documents it would have read itself, in the
 * same order, with the same item numbers and text positions. When the worker cannot take the whole file
 * (anything unusual, an error), the main thread reads the file itself: every check and message is the
 * main thread's. Used only from the compiled package (the worker is a compiled file), for a file of at
 * least {@link MIN_THREAD_BYTES} that has at least as many bytes of other files before it.
 */
import * as fs from "fs";
import { join } from "path";
import { MessageChannel, Worker, receiveMessageOnPort } from "worker_threads";
import type { ByteSource, ItemText } from "../../io/json-list";
import { parseItemText } from "../../io/json-list";
import type { LoadedDocument } from "../../io/objects";
import { API_CRD_V1 } from "../../model/calico";
import type { FastHandle } from "../fast-decode";

/** Files smaller than this are read on the main thread. */
export const MIN_THREAD_BYTES = 32 * 1024 * 1024;
/** How long the main thread waits for the worker at most before reading the file itself. */
const WAIT_MS = 10 * 60 * 1000;

/** What the worker is given. */
export interface HandlesWorkerData {
  readonly file: string;
  /** An Int32Array's buffer: element 0 turns 1 once the worker has posted its answer. */
  readonly flag: SharedArrayBuffer;
}

/** The handles of a file, as the worker posts them: item `i` is handle `i`. */
export interface CompactHandles {
  readonly ok: true;
  readonly count: number;
  /** Every name, one after the other; name `i` ends at `nameEnds[i]`. */
  readonly names: string;
  readonly nameEnds: Int32Array;
  /** The handle IDs that are not their object's name; `idOf[i]` is an index in it, -1 for the name. */
  readonly ids: readonly string[];
  readonly idOf: Int32Array;
  /** The one block of each handle: `cidrs[cidrOf[i]]`, holding `counts[i]` addresses. */
  readonly cidrs: readonly string[];
  readonly cidrOf: Int32Array;
  readonly counts: Float64Array;
  readonly deleted: Uint8Array;
  /** Where each item's text is in the file (`[from, to)`). */
  readonly from: Float64Array;
  readonly to: Float64Array;
  readonly listMetadata: Readonly<Record<string, unknown>> | undefined;
}

/** A handles file being read by a worker. */
export interface HandlesThread {
  /** The index of the file in the list given. */
  readonly index: number;
  /** Waits for the worker: the file's documents, or undefined when the main thread must read the file itself. */
  take(): Iterable<LoadedDocument> | undefined;
  /** Stops the worker (when the read ends early). */
  cancel(): void;
}

/**
 * Starts a worker on the first file of IPAM handles of at least `minBytes` that has at least `minBytes`
 * of other files before it; undefined when there is none (or no compiled worker).
 */
export function startHandlesThread(files: readonly string[], minBytes = MIN_THREAD_BYTES): HandlesThread | undefined {
  const script = handlesWorkerScript(__dirname);
  if (script === undefined) return undefined; // TypeScript sources (tests): no compiled worker
  let before = 0;
  let index = -1;
  files.forEach((file, i) => {
    const size = sizeOf(file);
    if (index < 0 && before >= minBytes && size >= minBytes && holdsHandles(file)) index = i;
    before += size;
  });
  if (index < 0) return undefined;
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { file: files[index], flag, port: port2 } satisfies HandlesWorkerData & { port: unknown }, transferList: [port2] });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on("error", () => undefined); // the main thread reads the file itself
  let open = true;
  const stop = () => {
    if (!open) return;
    open = false;
    port1.close();
    void worker.terminate();
  };
  return {
    index,
    take(): Iterable<LoadedDocument> | undefined {
      if (!open) return undefined;
      const done = new Int32Array(flag);
      const deadline = Date.now() + WAIT_MS;
      while (Atomics.load(done, 0) === 0 && Date.now() < deadline) Atomics.wait(done, 0, 0, 1000);
      const answer = Atomics.load(done, 0) === 1 ? (receiveMessageOnPort(port1)?.message as CompactHandles | { ok: false } | undefined) : undefined;
      stop();
      return answer?.ok ? documents(files[index], answer) : undefined;
    },
    cancel: stop,
  };
}

/**
 * The compiled worker, seen from the directory of this module's code: `lib/live/private`, or `lib/cli`
 * when the code runs from the CLI's bundle (`lib/cli/calico-ipam.js`); undefined when there is none.
 */
export function handlesWorkerScript(dir: string): string | undefined {
  for (const script of [join(dir, "handles-worker.js"), join(dir, "..", "live", "private", "handles-worker.js")]) if (fs.existsSync(script)) return script;
  return undefined;
}

function sizeOf(file: string): number {
  try {
    const s = fs.statSync(file);
    return s.isFile() ? s.size : 0;
  } catch {
    return 0;
  }
}

/** Whether a file's first bytes hold an IPAM handle in kubectl's layout. */
function holdsHandles(file: string): boolean {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const head = Buffer.alloc(4096);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, n).includes(`\n            "kind": "IPAMHandle",\n`);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** A file read by position, opened for each read (the items' text is read again only for duplicates). */
function fileSource(file: string): ByteSource {
  return {
    size: sizeOf(file),
    read(from: number, to: number): Buffer {
      const fd = fs.openSync(file, "r");
      try {
        const out = Buffer.alloc(Math.max(0, to - from));
        let done = 0;
        while (done < out.length) {
          const n = fs.readSync(fd, out, done, out.length - done, from + done);
          if (n === 0) break;
          done += n;
        }
        return out.subarray(0, done);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

/** One handle the worker read, as `streamDumpObjects` gives a decoded item. */
class ThreadDocument implements LoadedDocument, ItemText {
  readonly document = 1;
  readonly line = 1;
  constructor(
    readonly file: string,
    readonly item: number,
    readonly decoded: FastHandle,
    readonly source: ByteSource,
    readonly from: number,
    readonly to: number,
    readonly listMetadata: Readonly<Record<string, unknown>> | undefined,
  ) {}

  get value(): unknown {
    return parseItemText(this);
  }

  get text(): ItemText {
    return this;
  }
}

function* documents(file: string, h: CompactHandles): Generator<LoadedDocument> {
  const source = fileSource(file);
  // One `block` object per block for the handles with one address there (as the matcher makes them).
  const ones = h.cidrs.map((cidr) => {
    const o = Object.create(null) as Record<string, number>;
    o[cidr] = 1;
    return Object.freeze(o);
  });
  let nameFrom = 0;
  for (let i = 0; i < h.count; i++) {
    const name = h.names.slice(nameFrom, h.nameEnds[i]);
    nameFrom = h.nameEnds[i];
    const c = h.cidrOf[i];
    let blocks = ones[c] as Record<string, number>;
    if (h.counts[i] !== 1) {
      const b = Object.create(null) as Record<string, number>;
      b[h.cidrs[c]] = h.counts[i];
      blocks = b;
    }
    const handle: FastHandle = { kind: "IPAMHandle", apiVersion: API_CRD_V1, name, handleId: h.idOf[i] < 0 ? name : h.ids[h.idOf[i]], blocks, deleted: h.deleted[i] === 1 };
    yield new ThreadDocument(file, i, handle, source, h.from[i], h.to[i], h.listMetadata);
  }
}
