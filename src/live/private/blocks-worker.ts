/**
 * The worker thread of `block-file.ts`: reads one kubectl JSON `List` of IPAM blocks with the
 * kubectl-layout matcher and transfers them as columns (`readBlockFile`). Anything else in the file (an
 * item the matcher leaves, another kind, another layout, an error) posts `{ ok: false }`: the main
 * thread then reads the file itself, with every check and message.
 */
import { blockFileTransferables, readBlockFile } from "./block-read";
import { runReadWorker } from "./read-thread";

runReadWorker(readBlockFile, blockFileTransferables);
