/**
 * Reading a live cluster's dump (issue 12): `kubectl get … -o json` Lists of 5,000 nodes (with the status
 * kubelet reports), 10,000 IPAM blocks, 500,000 allocations and IPAM handles, 10,000 block affinities and
 * the pools (about 730 MB, written directly as kubectl writes them by `bench/inspect-dump.ts`), read,
 * checked and reported in process from the compiled `lib/`, and by `calico-ipam inspect` as a whole
 * process. Target: ≤ 2 s and ≤ 1 GB of memory. One run per process: a dump is read once, by a fresh process.
 * And a pods file (`kubectl get pods -A -o json`, `bench/pods-dump.ts`), read as the reader reads pods and
 * with every pod parsed whole by the JSON parser (no target).
 */
import { join } from "path";
import { DUMP_FILES, writeInspectDump } from "../inspect-dump";
import { PODS, PODS_FILE, writePodsList } from "../pods-dump";
import { ROOT, registerBench, tsWorker } from "../registry";

const CLI = join(ROOT, "bin", "calico-ipam.js");

registerBench({
  id: "inspect-dump",
  title: "inspect: kubectl -o json dump of 5,000 nodes, 10,000 blocks, 500,000 allocations and handles (about 730 MB): read, check, report",
  project: { label: "ours: readDumpFiles() + buildInspectReport() + text and JSON", command: (dir, w, r) => tsWorker("inspect.ts", dir, "inspect", String(w), String(r)) },
  peers: [
    {
      label: "calico-ipam inspect --show-blocks, whole process",
      command: (dir) => [process.execPath, CLI, "inspect", "--show-blocks", ...DUMP_FILES.map((f) => join(dir, f))],
      timing: "whole-process",
      noAnswer: true,
    },
  ],
  warmup: 0,
  runs: 1,
  pairs: 3,
  targets: [
    { kind: "time", atMostMs: 2000 },
    { kind: "rss", atMostMb: 1024 },
  ],
  notes: ["the dump is written once per bench run (about 20 s, not timed)"],
  prepare: (dir) => {
    writeInspectDump(dir);
  },
});

registerBench({
  id: "inspect-pods",
  title: `inspect: kubectl -o json List of ${PODS.toLocaleString("en-US")} pods of ~9 KB (about 470 MB), read for the leak checks`,
  project: { label: "ours: readDumpFiles() of the pods file", command: (dir, w, r) => tsWorker("inspect.ts", dir, "pods", String(w), String(r)) },
  peers: [{ label: "ours, every pod parsed whole: readDumpFiles(…, { fastDecode: false })", command: (dir, w, r) => tsWorker("inspect.ts", dir, "pods-parser", String(w), String(r)) }],
  warmup: 0,
  runs: 1,
  pairs: 3,
  notes: [
    "no target: the issue's dump has no pods (they are optional); a pods file is the largest part of a dump that has them",
    "the pods file is written once per bench run (not timed)",
  ],
  prepare: (dir) => {
    writePodsList(join(dir, PODS_FILE));
  },
});
