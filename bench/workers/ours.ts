/**
 * Our side of the benchmark, through the public API only, as users call it:
 * - `carve`: `carve()` on a carve workload (request checks, explanations, ledger and its diff);
 * - `rerun`: the second run of the same plan, as every later synth is: `parseLedger` of the first
 *   run's ledger text, then `carve()` with it (keeps every pool);
 * - `overlaps`: `findOverlaps` over the workload's CIDRs (parsed before timing, as every side does);
 * - `plan`: `planIpam()` on a spec file (the ledger beside it is not read: every run is a first plan);
 * - `harness`: `planIpam()` then `simulatePlan()` on a spec file with a topology.
 */
import { readFileSync } from "fs";
import { parse as parseYaml } from "yaml";
import type { CarveInput, CarveResult } from "../../src/carver";
import { Cidr, findOverlaps } from "../../src/ip";
import { args, carveLines, compiled, readWorkload, report, timeRuns } from "./common";
import type { CarveWorkload, OverlapWorkload } from "../workloads";

// What is timed is the compiled package (lib/, built by npm run bench), as users run it: `carve` and
// the rest come from there, typed as their sources. The helpers above the worker (for the tests that
// check every side's answer) use the sources.
type Api = typeof import("../../src/carver") &
  typeof import("../../src/ip") &
  typeof import("../../src/ledger") &
  typeof import("../../src/plan/harness") &
  typeof import("../../src/plan/plan") &
  typeof import("../../src/spec/schema");
const api = (): Api =>
  Object.assign(
    {},
    ...["carver", "ip", "ledger", "plan/harness", "plan/plan", "spec/schema"].map((m) => compiled<object>(m)),
  ) as Api;

/** The carve() input of a carve workload: one address space, every reservation an exclusion. */
export function carveInput(w: CarveWorkload): CarveInput {
  return {
    spaces: [{ name: "space", cidr: w.space }],
    exclusions: w.reservations.map((cidr) => ({ cidr, kind: "reserved" as const, reason: "benchmark" })),
    requests: w.requests.map((r) => ({ name: r.name, family: w.family, blockSize: w.blockSize, size: { kind: "prefix" as const, prefixLength: r.prefix } })),
  };
}

/** Our answer to a carve workload, as the canonical lines every side's digest is taken of. */
export function ourCarveLines(result: CarveResult, mode = "carve"): string[] {
  const errors = result.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new Error(`the benchmark workload must carve cleanly: ${errors[0].message}`);
  if (mode === "rerun" && result.changes.length > 0) throw new Error("a re-run must not change the ledger");
  return carveLines(result.pools.map((p) => [p.name, p.cidr.toString()] as const));
}

/** Our answer to an overlap workload: "i j" lines, as every side prints them. */
export function ourOverlapLines(w: OverlapWorkload): string[] {
  return findOverlaps(w.cidrs.map((t) => Cidr.parse(t))).map(([i, j]) => `${i} ${j}`);
}

function carveSide({ carve, parseLedger, serializeLedger }: Api, w: CarveWorkload, mode: string, warmup: number, runs: number): void {
  const input = carveInput(w);
  const ledgerText = mode === "rerun" ? serializeLedger(carve(input).ledger) : undefined;
  const { times, cpuTimes, last } = timeRuns(warmup, runs, () => (ledgerText === undefined ? carve(input) : carve({ ...input, ledger: parseLedger(ledgerText) })));
  report(times, ourCarveLines(last, mode), last.pools.length, { cpuTimes });
}

function overlapSide({ Cidr, findOverlaps }: Api, w: OverlapWorkload, warmup: number, runs: number): void {
  const cidrs = w.cidrs.map((t) => Cidr.parse(t));
  const { times, cpuTimes, last } = timeRuns(warmup, runs, () => findOverlaps(cidrs));
  report(times, last.map(([i, j]) => `${i} ${j}`), last.length, { cpuTimes });
}

function planSide({ parseSpecFile, planIpam, simulatePlan }: Api, file: string, mode: string, warmup: number, runs: number): void {
  const parsed = parseSpecFile(parseYaml(readFileSync(file, "utf8")));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.problems)}`);
  const spec = parsed.spec;
  const { times, cpuTimes, last } = timeRuns(warmup, runs, () => {
    const plan = planIpam(spec);
    const simulation = mode === "harness" && spec.topology ? simulatePlan(plan, { topology: spec.topology, cni: spec.cni }) : undefined;
    return { plan, simulation };
  });
  const lines = carveLines(last.plan.pools.map((p) => [p.manifest.metadata.name, String(p.manifest.spec.cidr)] as const));
  if (last.simulation) lines.push(`pods allocated ${last.simulation.summary.podsAllocated}, failed ${last.simulation.summary.podsFailed}`);
  report(times, lines, last.plan.pools.length, { cpuTimes });
}

if (require.main === module) {
  const { file, mode, warmup, runs } = args();
  if (mode === "plan" || mode === "harness") {
    planSide(api(), file, mode, warmup, runs);
  } else {
    const workload = readWorkload(file);
    if (workload.kind === "carve") carveSide(api(), workload, mode, warmup, runs);
    else overlapSide(api(), workload, warmup, runs);
  }
}
