/**
 * Reading one large dump file on a worker thread while the main thread reads the others: the
 * machinery the IPAM handles' and the IPAM blocks' workers share (`handles-thread.ts`,
 * `block-file.ts`). A worker reads its file with a matcher of kubectl's layout and posts what it read
 * as columns (typed arrays, moved, not copied) or `{ ok: false }` when it cannot take the whole file
 * (anything unusual, an error): the main thread then reads the file itself, with every check and
 * message. The main thread waits for the answer without its event loop (the dump reader is
 * synchronous), and notices a worker that dies without a word (see {@link WorkerWatch}).
 * Used only from the compiled package (a worker is a compiled file).
 */
import fs from "fs";
import { join } from "path";
import { MessageChannel, MessagePort, ResourceLimits, Worker, receiveMessageOnPort, workerData } from "worker_threads";
import type { LoadedDocument } from "../../io/objects";

/**
 * How long the main thread waits for a worker that shows no progress (its heartbeat does not move)
 * before it reads the file itself. A worker that dies is noticed sooner (see {@link WorkerWatch}).
 */
const STALL_MS = 60 * 1000;
/** How often the main thread looks whether the worker is still alive while it waits. */
const SLICE_MS = 25;

/** The elements of the worker's {@link ReadWorkerData.flag}. */
export const FLAG_STATE = 0;
/** {@link FLAG_STATE}: still reading; the answer is posted; the worker exited without posting it. */
export const RUNNING = 0;
export const POSTED = 1;
export const EXITED = 2;
/** The worker's heartbeat: a number it raises as it reads. */
export const FLAG_BEAT = 1;

/** What a worker is given. */
export interface ReadWorkerData {
  readonly file: string;
  /** An Int32Array's buffer: element {@link FLAG_STATE} (0 → 1 once the answer is posted), {@link FLAG_BEAT}. */
  readonly flag: SharedArrayBuffer;
}

/** A file being read by a worker. */
export interface ReadThread<T> {
  /** The index of the file in the list given. */
  readonly index: number;
  /** Whether the worker's answer can be taken without waiting (posted, or the worker is gone). */
  ready(): boolean;
  /** Waits for the worker: its answer, or undefined when the main thread must read the file itself. */
  take(): T | undefined;
  /**
   * Waits for the worker's next message (a worker may post its answer in parts before its last message):
   * it, or undefined when the worker ended without one (see {@link outcome}).
   */
  receive(): unknown;
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

/** Options of {@link startReadThread} (tests). */
export interface ReadThreadOptions {
  /** The worker's resource limits. @default - none (Node.js's defaults) */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Work of the main thread's own done while it waits for the worker's messages instead of sleeping: a
   * little at a time (a few milliseconds a call), between looks at the worker; returns false when it has
   * none (the wait then sleeps a while, and asks again). Must not throw.
   * @default - none
   */
  readonly idle?: () => boolean;
}

/**
 * Starts the compiled worker `script` (a file name, found by {@link workerScript} beside this module)
 * on `files[index]`; undefined when there is no compiled worker (TypeScript sources: tests) or it
 * cannot start.
 */
export function startReadThread<T extends { readonly ok: true }>(script: string, files: readonly string[], index: number, options: ReadThreadOptions = {}): ReadThread<T> | undefined {
  const path = workerScript(__dirname, script);
  if (path === undefined) return undefined;
  const flag = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  let watch: WorkerWatch;
  try {
    const before = threadIds();
    worker = new Worker(path, { workerData: { file: files[index], flag, port: port2 } satisfies ReadWorkerData & { port: unknown }, transferList: [port2], resourceLimits: options.resourceLimits });
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
  const receive = (): unknown => {
    if (!open) return undefined;
    const got = watch.wait(port1, options.idle);
    outcome = got.outcome;
    return got.message;
  };
  return {
    index,
    ready: () => !open || watch.done(),
    take(): T | undefined {
      const answer = receive() as T | { ok: false } | undefined;
      stop();
      return answer?.ok ? (answer as T) : undefined;
    },
    receive,
    cancel: stop,
    worker,
    get outcome() {
      return outcome;
    },
  };
}

/** A file being read by a worker, whose answer the main thread takes as the file's documents. */
export interface DocumentThread extends Omit<ReadThread<never>, "take" | "receive"> {
  /** Waits for the worker: the file's documents, or undefined when the main thread must read the file itself. */
  take(): Iterable<LoadedDocument> | undefined;
}

/** `thread`, its answer taken as documents (`documents`). */
export function documentThread<T extends { readonly ok: true }>(thread: ReadThread<T>, documents: (answer: T) => Iterable<LoadedDocument>): DocumentThread {
  return {
    index: thread.index,
    ready: () => thread.ready(),
    take(): Iterable<LoadedDocument> | undefined {
      const answer = thread.take();
      return answer === undefined ? undefined : documents(answer);
    },
    cancel: () => thread.cancel(),
    worker: thread.worker,
    get outcome() {
      return thread.outcome;
    },
  };
}

/**
 * The body of a worker: reads the file of its {@link ReadWorkerData} with `read` (which calls `beat`
 * as it goes, may post parts of its answer before it ends with `post`, and gives undefined for a file it
 * does not take) and posts the answer, its buffers moved (`transfer`), or `{ ok: false }`.
 */
export function runReadWorker<T, P = never>(read: (file: string, beat: () => void, post: (part: P, transfer: ArrayBuffer[]) => void) => T | undefined, transfer: (answer: T) => ArrayBuffer[]): void {
  const { file, flag, port } = workerData as ReadWorkerData & { port: MessagePort };
  const done = new Int32Array(flag);
  // An exit before the answer is posted (process.exit) tells the main thread at once; a death that runs
  // no JavaScript (out of memory, terminate) is noticed there by the thread going away.
  process.on("exit", () => {
    if (Atomics.compareExchange(done, FLAG_STATE, RUNNING, EXITED) === RUNNING) Atomics.notify(done, FLAG_STATE);
  });
  const beat = () => Atomics.add(done, FLAG_BEAT, 1);
  const post = (part: P, buffers: ArrayBuffer[]) => {
    port.postMessage(part, buffers);
    beat();
    Atomics.notify(done, FLAG_STATE);
  };
  let result: T | undefined;
  try {
    result = read(file, beat, post);
  } catch {
    result = undefined;
  } finally {
    if (result === undefined) port.postMessage({ ok: false });
    else port.postMessage(result, transfer(result));
    Atomics.store(done, FLAG_STATE, POSTED);
    Atomics.notify(done, FLAG_STATE);
  }
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

  /** Whether the worker has posted its answer or is gone (without waiting). */
  done(): boolean {
    return Atomics.load(this.flag, FLAG_STATE) !== RUNNING || !this.alive();
  }

  /**
   * Waits for the worker's next message on `port` (then "posted"), or until it has ended without one
   * ("posted" after its last message, "exited" when it died), or has stalled.
   */
  wait(port: MessagePort, idle?: () => boolean): { outcome: WaitOutcome; message?: unknown } {
    const flag = this.flag;
    let beat = Atomics.load(flag, FLAG_BEAT);
    let busy = idle !== undefined;
    let moved = Date.now();
    // When the worker's threads were last looked at: at most every SLICE_MS (a look is a system call, and the
    // main thread's own work comes back here about every millisecond).
    let looked = moved - SLICE_MS;
    for (;;) {
      const got = receiveMessageOnPort(port);
      if (got !== undefined) return { outcome: "posted", message: got.message };
      // A message is posted before the flag changes and before the thread ends: the port is read again after the look.
      const state = Atomics.load(flag, FLAG_STATE);
      const time = Date.now();
      const look = time - looked >= SLICE_MS;
      if (look) looked = time;
      if (state !== RUNNING || (look && !this.alive())) {
        const last = receiveMessageOnPort(port);
        if (last !== undefined) return { outcome: "posted", message: last.message };
        return { outcome: Atomics.load(flag, FLAG_STATE) === POSTED ? "posted" : "exited" };
      }
      const now = Atomics.load(flag, FLAG_BEAT);
      if (now !== beat) {
        beat = now;
        moved = time;
      } else if (time - moved > STALL_MS) {
        return { outcome: "stalled" };
      }
      // The main thread's own work first (then a look again); a sleep when it has none (then it is asked again).
      if (busy) busy = (idle as () => boolean)();
      else {
        Atomics.wait(flag, FLAG_STATE, RUNNING, SLICE_MS);
        busy = idle !== undefined;
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
 * A compiled worker, seen from the directory of this module's code: `lib/live/private`, or `lib/cli`
 * when the code runs from the CLI's bundle (`lib/cli/calico-ipam.js`); undefined when there is none.
 */
export function workerScript(dir: string, script: string): string | undefined {
  for (const path of [join(dir, script), join(dir, "..", "live", "private", script)]) if (fs.existsSync(path)) return path;
  return undefined;
}

/** The size of a regular file; 0 for anything else. */
export function sizeOf(file: string): number {
  try {
    const s = fs.statSync(file);
    return s.isFile() ? s.size : 0;
  } catch {
    return 0;
  }
}

/** Whether a file's first bytes hold an object of `kind` in kubectl's JSON layout. */
export function holdsKind(file: string, kind: string): boolean {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const head = Buffer.alloc(4096);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, n).includes(`\n            "kind": "${kind}",\n`);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
