/**
 * Our side of the benchmark: `carve()` and `findOverlaps` exactly as the library exports them, and
 * (mode "core") the carver's allocation core alone, which does the same work as the peers: parse the
 * reservations, build the free list, place every pool largest first, return a CIDR per pool.
 */
import { CarveInput, carve } from "../../src/carver";
import { FreeSpace } from "../../src/carver/private/free-space";
import { Cidr, IntervalSet, NEVER_FOR_PODS, findOverlaps } from "../../src/ip";
import { parseLedger, serializeLedger } from "../../src/ledger";
import type { CarveWorkload } from "../workloads";
import { args, byCodeUnit, digest, peakRssMb, report, timeRuns } from "./common";

function carveInput(w: CarveWorkload, fraction: number): CarveInput {
  return {
    spaces: [{ name: "space", cidr: w.space }],
    exclusions: w.reservations.map((cidr) => ({ cidr, kind: "reserved" as const, reason: "benchmark" })),
    requests: w.requests.slice(0, Math.ceil(w.requests.length * fraction)).map((r) => ({
      name: r.name,
      family: w.family,
      blockSize: w.blockSize,
      size: { kind: "prefix" as const, prefixLength: r.prefix },
    })),
  };
}

function core(w: CarveWorkload, requests: CarveWorkload["requests"]): Map<string, Cidr> {
  const space = Cidr.parse(w.space);
  const specials = NEVER_FOR_PODS.filter((s) => s.cidr.family === w.family).map((s) => s.cidr);
  const used = IntervalSet.fromCidrs(w.family, [...w.reservations.map((t) => Cidr.parse(t)), ...specials]);
  const order = [...requests].sort((a, b) => a.prefix - b.prefix || byCodeUnit(a.name, b.name));
  const free = new FreeSpace(space, used, order.length > 0 ? order[order.length - 1].prefix : space.prefix);
  const out = new Map<string, Cidr>();
  for (const r of order) {
    const network = free.allocate(r.prefix);
    if (network !== undefined) out.set(r.name, Cidr.of(w.family, network, r.prefix));
  }
  return out;
}

const { workload, mode, warmup, runs, fraction } = args();
if (mode === "noop") {
  report({ times: [], rssMb: peakRssMb(), digest: "", count: 0 });
} else if (workload.kind === "carve" && mode === "core") {
  const requests = workload.requests.slice(0, Math.ceil(workload.requests.length * fraction));
  const { times, last } = timeRuns(warmup, runs, () => core(workload, requests));
  const lines = [...last.entries()].sort((a, b) => byCodeUnit(a[0], b[0])).map(([name, c]) => `${name} ${c}`);
  report({ times, rssMb: peakRssMb(), digest: digest(lines), count: last.size });
} else if (workload.kind === "carve") {
  const input = carveInput(workload, fraction);
  // "rerun": the second run of the same plan, as every later synth is: read the ledger text, keep every pool.
  const ledgerText = mode === "rerun" ? serializeLedger(carve(input).ledger) : undefined;
  const { times, last } = timeRuns(warmup, runs, () =>
    ledgerText === undefined ? carve(input) : carve({ ...input, ledger: parseLedger(ledgerText) }),
  );
  const errors = last.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new Error(`the benchmark workload must carve cleanly: ${errors[0].message}`);
  if (mode === "rerun" && last.changes.length > 0) throw new Error("a re-run must not change the ledger");
  const lines = [...last.pools].sort((a, b) => byCodeUnit(a.name, b.name)).map((p) => `${p.name} ${p.cidr}`);
  report({ times, rssMb: peakRssMb(), digest: digest(lines), count: last.pools.length });
} else {
  const cidrs = workload.cidrs.slice(0, Math.ceil(workload.cidrs.length * fraction)).map((t) => Cidr.parse(t));
  const { times, last } = timeRuns(warmup, runs, () => findOverlaps(cidrs));
  report({ times, rssMb: peakRssMb(), digest: digest(last.map(([i, j]) => `${i} ${j}`)), count: last.length });
}
