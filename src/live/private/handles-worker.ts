/**
 * The worker thread of `handles-thread.ts`: reads one kubectl JSON `List` of IPAM handles with the
 * byte matcher of `handle-columns.ts` and transfers them as columns (typed arrays, no object or string
 * per handle). Anything else in the file (an item the matcher leaves, another kind, another layout, an
 * error) posts `{ ok: false }`: the main thread then reads the file itself, with every check and message.
 */
import { MessagePort, workerData } from "worker_threads";
import { HandleColumns, readHandleColumns, transferables } from "./handle-columns";
import { EXITED, FLAG_BEAT, FLAG_STATE, POSTED, RUNNING } from "./handles-thread";
import type { HandlesWorkerData } from "./handles-thread";

const { file, flag, port } = workerData as HandlesWorkerData & { port: MessagePort };
const done = new Int32Array(flag);
// An exit before the answer is posted (process.exit) tells the main thread at once; a death that runs
// no JavaScript (out of memory, terminate) is noticed there by the thread going away.
process.on("exit", () => {
  if (Atomics.compareExchange(done, FLAG_STATE, RUNNING, EXITED) === RUNNING) Atomics.notify(done, FLAG_STATE);
});
let result: HandleColumns | undefined;
try {
  result = readHandleColumns(file, () => Atomics.add(done, FLAG_BEAT, 1));
} catch {
  result = undefined;
} finally {
  // The columns' buffers are moved, not copied.
  if (result === undefined) port.postMessage({ ok: false });
  else port.postMessage(result, transferables(result));
  Atomics.store(done, FLAG_STATE, POSTED);
  Atomics.notify(done, FLAG_STATE);
}
