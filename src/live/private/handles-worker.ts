/**
 * The worker thread of `handles-thread.ts`: reads one kubectl JSON `List` of IPAM handles with the
 * byte matcher of `handle-columns.ts` and posts them as columns (typed arrays, no object or string
 * per handle: views of WebAssembly's shared memory, or buffers moved). Anything else in the file (an item the matcher leaves, another kind, another layout, an
 * error) posts `{ ok: false }`: the main thread then reads the file itself, with every check and message.
 */
import { readHandleColumns, transferables } from "./handle-columns";
import { runReadWorker } from "./read-thread";

runReadWorker(readHandleColumns, transferables);
