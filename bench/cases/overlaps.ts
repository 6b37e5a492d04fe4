/** The overlap check (`findOverlaps`), against Python's ipaddress and ip-num with the same sorted sweep. */
import { writeFileSync } from "fs";
import { join } from "path";
import { Side, registerBench, pythonPeer, tsWorker } from "../registry";
import { OverlapWorkload, overlapCheck } from "../workloads";

const input = (dir: string) => join(dir, "input.json");
const write = (w: OverlapWorkload) => (dir: string) => writeFileSync(input(dir), JSON.stringify(w));
const PYTHON = "Python ipaddress, sorted sweep";
const ours: Side = { label: "ours: findOverlaps", command: (dir, w, r) => tsWorker("ours.ts", input(dir), "overlaps", String(w), String(r)) };
const python: Side = { label: PYTHON, command: (dir, w, r) => pythonPeer("overlaps.py", input(dir), "overlaps", String(w), String(r)) };
const ipnum: Side = { label: "ip-num 1.6.2, sorted sweep", command: (dir, w, r) => tsWorker("ipnum.ts", input(dir), "overlaps", String(w), String(r)) };

registerBench({
  id: "overlaps-100k",
  title: "findOverlaps over 100,000 CIDRs (IPv4 and IPv6, 1,000 overlapping)",
  project: ours,
  peers: [python],
  // 5 warm-up and 5 timed runs for every side, as the carving cases: with 2 and 3, ours' first timed
  // runs could still be compiling, and a median of 9 runs on a shared machine swung by a third.
  warmup: 5,
  runs: 5,
  pairs: 3,
  targets: [{ kind: "time", atMostMs: 20 }],
  prepare: write(overlapCheck()),
});

registerBench({
  id: "overlaps-2k-ipnum",
  title: "findOverlaps over 2,000 CIDRs (IPv4 and IPv6, 20 overlapping), against ip-num",
  project: ours,
  peers: [python, ipnum],
  warmup: 2,
  runs: 3,
  pairs: 3,
  notes: ["2,000 CIDRs for every side, not 100,000: an ip-num sweep over 10,000 already takes over 10 s"],
  prepare: write(overlapCheck(2000, 20)),
});
