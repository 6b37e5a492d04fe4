/**
 * Reading a dump's IPAM handles file on a second thread while the main thread reads the files before
 * it (the blocks): a dump of 500,000 pods holds 500,000 handles, the largest file. The worker
 * (`handles-worker.ts`) reads the file with the byte matcher of `handle-columns.ts` only and transfers
 * the handles as columns (typed arrays, moved, not copied); the main thread keeps them as a
 * `HandleTable`, which the dump reader and the check read without an object per handle (and which
 * gives the documents it would have read itself, in the same order, with the same item numbers and
 * text positions, when it must take them one by one). When the worker cannot take the whole file
 * (anything unusual, an error), the main thread reads the file itself: every check and message is the
 * main thread's. Used only from the compiled package (the worker is a compiled file), for a file of at
 * least {@link MIN_THREAD_BYTES} that has at least as many bytes of other files before it.
 */
import * as fs from "fs";
import { join } from "path";
import { MessageChannel, ResourceLimits, Worker, receiveMessageOnPort } from "worker_threads";
import type { LoadedDocument } from "../../io/objects";
import { HandleColumns, HandleTable, TableFileDocument } from "./handle-columns";

/** Files smaller than this are read on the main thread. */
export const MIN_THREAD_BYTES = 32 * 1024 * 1024;
/**
 * How long the main thread waits for a worker that shows no progress (its heartbeat does not move)
 * before it reads the file itself. A worker that dies is noticed sooner (see {@link WorkerWatch}).
 */
const STALL_MS = 60 * 1000;
/** How often the main thread looks whether the worker is still alive while it waits. */
const SLICE_MS = 25;

/** The elements of the worker's {@link HandlesWorkerData.flag}. */
export const FLAG_STATE = 0;
/** {@link FLAG_STATE}: still reading; the answer is posted; the worker exited without posting it. */
export const RUNNING = 0;
export const POSTED = 1;
export const EXITED = 2;
/** The worker's heartbeat: a number it raises as it reads. */
export const FLAG_BEAT = 1;

/** What the worker is given. */
export interface HandlesWorkerData {
  readonly file: string;
  /** An Int32Array's buffer: element {@link FLAG_STATE} (0 → 1 once the answer is posted), {@link FLAG_BEAT}. */
  readonly flag: SharedArrayBuffer;
}

/** A handles file being read by a worker. */
export interface HandlesThread {
  /** The index of the file in the list given. */
  readonly index: number;
  /**
   * Waits for the worker: the file's handles as one document holding a `HandleTable`
   * (`handle-columns.ts`), or undefined when the main thread must read the file itself.
   */
  take(): Iterable<LoadedDocument> | undefined;
  /** Stops the worker (when the read ends early). */
  cancel(): void;
  /** The worker (tests kill it). */
  readonly worker: Worker;
  /**
   * How the wait in {@link take} ended: the answer was posted, the worker died without posting it (seen
   * at once), or it showed no progress for {@link STALL_MS}; undefined before.
   */
  readonly outcome: WaitOutcome | undefined;
}

/** How a wait for the worker ended. */
export type WaitOutcome = "posted" | "exited" | "stalled";

/** Options of {@link startHandlesThread} (tests). */
export interface HandlesThreadOptions {
  /** The worker's resource limits. @default - none (Node.js's defaults) */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * Starts a worker on the first file of IPAM handles of at least `minBytes` that has at least `minBytes`
 * of other files before it; undefined when there is none (or no compiled worker).
 */
export function startHandlesThread(files: readonly string[], minBytes = MIN_THREAD_BYTES, options: HandlesThreadOptions = {}): HandlesThread | undefined {
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
  const flag = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  let watch: WorkerWatch;
  try {
    const before = threadIds();
    worker = new Worker(script, { workerData: { file: files[index], flag, port: port2 } satisfies HandlesWorkerData & { port: unknown }, transferList: [port2], resourceLimits: options.resourceLimits });
    watch = new WorkerWatch(new Int32Array(flag), before);
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
  let outcome: WaitOutcome | undefined;
  return {
    index,
    take(): Iterable<LoadedDocument> | undefined {
      if (!open) return undefined;
      outcome = watch.wait();
      const answer = outcome === "posted" ? (receiveMessageOnPort(port1)?.message as HandleColumns | { ok: false } | undefined) : undefined;
      stop();
      return answer?.ok ? [new TableFileDocument(new HandleTable(files[index], answer))] : undefined;
    },
    cancel: stop,
    worker,
    get outcome() {
      return outcome;
    },
  };
}

/** The directory of this process's threads (Linux). */
const TASKS = "/proc/self/task";

/** This process's thread IDs (Linux); undefined where the system does not list them. */
function threadIds(): Set<string> | undefined {
  try {
    return new Set(fs.readdirSync(TASKS));
  } catch {
    return undefined;
  }
}

/**
 * Waits for the worker's answer while the main thread's event loop is blocked (so the worker's `exit`
 * event cannot run). A worker that exits through `process.exit` says so in its flag (its `exit` handler);
 * one that dies without running JavaScript (out of memory, `worker.terminate()`) is noticed by its
 * operating-system thread going away (Linux: the threads that `new Worker` added to `/proc/self/task`
 * are all gone), looked at every {@link SLICE_MS}; elsewhere, or when that cannot be told, by a
 * heartbeat that stops moving for {@link STALL_MS}.
 */
class WorkerWatch {
  /** The threads `new Worker` started (the worker's); undefined when they cannot be told. */
  private readonly mine: readonly string[] | undefined;

  constructor(
    private readonly flag: Int32Array,
    before: ReadonlySet<string> | undefined,
  ) {
    const after = before === undefined ? undefined : threadIds();
    const added = after === undefined || before === undefined ? [] : [...after].filter((t) => !before.has(t));
    this.mine = added.length > 0 ? added : undefined;
  }

  /** Waits until the worker has posted its answer, has died, or has stalled. */
  wait(): WaitOutcome {
    const flag = this.flag;
    let beat = Atomics.load(flag, FLAG_BEAT);
    let moved = Date.now();
    for (;;) {
      Atomics.wait(flag, FLAG_STATE, RUNNING, SLICE_MS);
      const state = Atomics.load(flag, FLAG_STATE);
      if (state !== RUNNING) return state === POSTED ? "posted" : "exited";
      // The answer may be posted just before the thread ends: the flag is read again after the look.
      if (!this.alive()) return Atomics.load(flag, FLAG_STATE) === POSTED ? "posted" : "exited";
      const now = Atomics.load(flag, FLAG_BEAT);
      if (now !== beat) {
        beat = now;
        moved = Date.now();
      } else if (Date.now() - moved > STALL_MS) {
        return "stalled";
      }
    }
  }

  /** Whether one of the worker's threads still runs (true when that cannot be told). */
  private alive(): boolean {
    if (this.mine === undefined) return true;
    return this.mine.some((t) => fs.existsSync(`${TASKS}/${t}`));
  }
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
