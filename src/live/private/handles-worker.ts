/**
 * The worker thread of `handles-thread.ts`: reads one kubectl JSON `List` of IPAM handles with the
 * kubectl-layout matcher only (`template-decode.ts`) and posts them in a compact form (a few strings and
 * typed arrays, no object per handle). Anything else in the file (an item the matcher leaves, another
 * kind, another layout, an error) posts `{ ok: false }`: the main thread then reads the file itself, with
 * every check and message.
 */
import { MessagePort, workerData } from "worker_threads";
import { streamDumpObjects } from "../../io/objects";
import type { FastItem } from "../fast-decode";
import { templateEnd, templateItem } from "../template-decode";
import { EXITED, FLAG_BEAT, FLAG_STATE, POSTED, RUNNING } from "./handles-thread";
import type { CompactHandles, HandlesWorkerData } from "./handles-thread";

const { file, flag, port } = workerData as HandlesWorkerData & { port: MessagePort };
const done = new Int32Array(flag);
// An exit before the answer is posted (process.exit) tells the main thread at once; a death that runs
// no JavaScript (out of memory, terminate) is noticed there by the thread going away.
process.on("exit", () => {
  if (Atomics.compareExchange(done, FLAG_STATE, RUNNING, EXITED) === RUNNING) Atomics.notify(done, FLAG_STATE);
});
let result: CompactHandles | { ok: false } = { ok: false };
try {
  result = readHandles(file);
} catch {
  result = { ok: false };
} finally {
  port.postMessage(result);
  Atomics.store(done, FLAG_STATE, POSTED);
  Atomics.notify(done, FLAG_STATE);
}

function readHandles(path: string): CompactHandles | { ok: false } {
  const decode = { decode: templateItem, get end(): number { return templateEnd(); } };
  const names: string[] = [];
  const ids: string[] = [];
  const cidrs: string[] = [];
  const cidrIndex = new Map<string, number>();
  let lastCidr: string | undefined;
  let lastIndex = 0;
  let cap = 1 << 16;
  let nameEnds = new Int32Array(cap);
  let idOf = new Int32Array(cap); // -1: the ID is the name; else its index in ids
  let cidrOf = new Int32Array(cap);
  let counts = new Float64Array(cap);
  let deleted = new Uint8Array(cap);
  let idHash = new Int32Array(cap);
  let from = new Float64Array(cap);
  let to = new Float64Array(cap);
  let nameLength = 0;
  let n = 0;
  let listMetadata: Readonly<Record<string, unknown>> | undefined;
  for (const doc of streamDumpObjects(path, { decode })) {
    const h = doc.decoded as FastItem | undefined;
    if (h === undefined || h.kind !== "IPAMHandle" || doc.item !== n || doc.text === undefined) return { ok: false };
    // (The matcher gives the one block's CIDR and count: no Object.keys of the frozen `blocks`.)
    if (h.cidr === undefined || h.count === undefined || h.idHash === undefined) return { ok: false };
    if (n === 0) listMetadata = doc.listMetadata;
    if ((n & 1023) === 0) Atomics.add(done, FLAG_BEAT, 1);
    if (n === cap) {
      cap *= 2;
      nameEnds = grow(nameEnds, cap);
      idOf = grow(idOf, cap);
      cidrOf = grow(cidrOf, cap);
      counts = grow(counts, cap);
      deleted = grow(deleted, cap);
      idHash = grow(idHash, cap);
      from = grow(from, cap);
      to = grow(to, cap);
    }
    names.push(h.name);
    nameLength += h.name.length;
    nameEnds[n] = nameLength;
    if (h.handleId === h.name) {
      idOf[n] = -1;
    } else {
      idOf[n] = ids.length;
      ids.push(h.handleId);
    }
    // (The matcher gives one CIDR string per block: the one before is tried first.)
    let c = h.cidr === lastCidr ? lastIndex : cidrIndex.get(h.cidr);
    if (c === undefined) {
      cidrIndex.set(h.cidr, (c = cidrs.length));
      cidrs.push(h.cidr);
    }
    lastCidr = h.cidr;
    lastIndex = c;
    cidrOf[n] = c;
    counts[n] = h.count;
    deleted[n] = h.deleted ? 1 : 0;
    idHash[n] = h.idHash;
    from[n] = doc.text.from;
    to[n] = doc.text.to;
    n++;
  }
  return {
    ok: true,
    count: n,
    names: names.join(""),
    nameEnds: nameEnds.slice(0, n),
    ids,
    idOf: idOf.slice(0, n),
    cidrs,
    cidrOf: cidrOf.slice(0, n),
    counts: counts.slice(0, n),
    deleted: deleted.slice(0, n),
    idHash: idHash.slice(0, n),
    from: from.slice(0, n),
    to: to.slice(0, n),
    listMetadata,
  };
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
