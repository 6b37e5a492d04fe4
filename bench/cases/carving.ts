/**
 * Carving through the public `carve()`, against Python's ipaddress with the same best-fit algorithm
 * (the fair peer), Python with a scan of the free list per request (what scripts do), ip-num with the
 * same algorithm, and Terraform's `cidrsubnets` for positional carving. The targets are issue 14's.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { Side, registerBench, pythonPeer, tsWorker } from "../registry";
import { CarveWorkload, ipv4Carve, ipv6Carve } from "../workloads";

const input = (dir: string) => join(dir, "input.json");
const write = (w: CarveWorkload) => (dir: string) => writeFileSync(input(dir), JSON.stringify(w));

const ours = (mode: "carve" | "rerun", label = "ours: carve()"): Side => ({
  label,
  command: (dir, warmup, runs) => tsWorker("ours.ts", input(dir), mode, String(warmup), String(runs)),
});
const PYTHON_SAME = "Python ipaddress, same algorithm";
const PYTHON_SCAN = "Python ipaddress, scan per request";
const IPNUM = "ip-num 1.6.2, same algorithm";
const TERRAFORM = "Terraform cidrsubnets (port)";
const pythonSame: Side = { label: PYTHON_SAME, command: (dir, w, r) => pythonPeer("carve.py", input(dir), "carve", String(w), String(r)) };
const pythonScan: Side = { label: PYTHON_SCAN, command: (dir, w, r) => pythonPeer("carve.py", input(dir), "naive", String(w), String(r)) };
const ipnum: Side = { label: IPNUM, command: (dir, w, r) => tsWorker("ipnum.ts", input(dir), "carve", String(w), String(r)) };
const terraform: Side = { label: TERRAFORM, command: (dir, w, r) => tsWorker("terraform.ts", input(dir), "carve", String(w), String(r)) };

const V4 = "10,000 IPv4 pools /20–/26 out of 10.0.0.0/8 around 1,000 reservations";
const V6 = "10,000 IPv6 pools /56–/64 out of fd00:10::/32 around 100 reserved /48s";

registerBench({
  id: "carve-v4",
  title: `carve() ${V4}`,
  project: ours("carve"),
  peers: [pythonSame],
  warmup: 5,
  runs: 5,
  pairs: 5,
  pinPairs: true,
  targets: [
    { kind: "time", atMostMs: 15 },
    { kind: "speedup", peer: PYTHON_SAME, atLeast: 5 },
  ],
  prepare: write(ipv4Carve()),
});

registerBench({
  id: "carve-v4-scan",
  title: `carve() ${V4}, against a scan of the free list per request`,
  project: ours("carve"),
  peers: [pythonScan],
  // The target is about the warm carve() of carve-v4: the same 5 warm-up runs as there, for both sides.
  // With one warm-up, ours' timed run was the second of its process, mostly still compiling.
  // Three timed runs per process, so that each pair's ratio is a median of three on both sides: with one,
  // a single young-generation collection in ours' one run decided a pair (session 7: 241–682×).
  warmup: 5,
  runs: 3,
  pairs: 3,
  pinPairs: true,
  targets: [{ kind: "speedup", peer: PYTHON_SCAN, atLeast: 500 }],
  notes: ["5 warm-up runs (as in carve-v4) and three timed runs per process for both sides: a scan-per-request run takes seconds"],
  prepare: write(ipv4Carve()),
});

registerBench({
  id: "carve-v4-ipnum",
  title: `carve() ${V4}, against ip-num`,
  project: ours("carve"),
  peers: [ipnum],
  warmup: 1,
  runs: 2,
  pairs: 3,
  notes: ["fewer runs than carve-v4 for both sides: an ip-num run takes seconds"],
  prepare: write(ipv4Carve()),
});

registerBench({
  id: "carve-v4-ledger",
  title: `second run: parseLedger of the first run's ledger text, then carve() with it (keeps all 10,000 pools), against the first run`,
  project: ours("rerun", "ours: parseLedger + carve() (second run)"),
  peers: [ours("carve", "ours: carve() (first run)")],
  warmup: 5,
  runs: 5,
  pairs: 5,
  pinPairs: true,
  targets: [{ kind: "slowdown", peer: "ours: carve() (first run)", atMost: 1.1 }],
  prepare: write(ipv4Carve()),
});

registerBench({
  id: "carve-v6",
  title: `carve() ${V6}`,
  project: ours("carve"),
  peers: [pythonSame],
  warmup: 5,
  runs: 5,
  pairs: 5,
  targets: [{ kind: "time", atMostMs: 15 }],
  prepare: write(ipv6Carve()),
});

registerBench({
  id: "carve-v6-ipnum",
  title: `carve() ${V6}, against ip-num`,
  project: ours("carve"),
  peers: [ipnum],
  warmup: 1,
  runs: 2,
  pairs: 3,
  notes: ["fewer runs than carve-v6 for both sides: an ip-num run takes seconds"],
  prepare: write(ipv6Carve()),
});

registerBench({
  id: "carve-positional",
  title: "carve() 10,000 IPv4 pools /20–/26 out of 10.0.0.0/8, no reservations, against Terraform's cidrsubnets given them largest first",
  project: ours("carve"),
  peers: [terraform],
  warmup: 5,
  runs: 5,
  pairs: 5,
  notes: [
    "cidrsubnets places each subnet right after the previous one and cannot go around reservations; listed largest first, it gives the ranges our best fit gives on an empty space",
  ],
  prepare: write(ipv4Carve(10000, 0)),
});
