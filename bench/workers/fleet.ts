/**
 * Fleet-wide carving, warm (../fleet.ts has the fleet): `carveFleet` of the compiled package with every
 * cluster's ledger section read from text, as on every synth after the first; mode is unused.
 */
import { fleetInput } from "../fleet";
import { args, carveLines, compiled, report, timeRuns } from "./common";

// The compiled package (lib/), as users run it and as every other case of ours is timed.
const { carveFleet } = compiled<typeof import("../../src/fleet")>("fleet");
const { parseLedger, serializeLedger } = compiled<typeof import("../../src/ledger")>("ledger");

const { warmup, runs } = args();
const cold = fleetInput();
const first = carveFleet(cold);
const errors = [...first.findings, ...[...first.clusters.values()].flatMap((r) => r.findings)].filter((f) => f.severity === "error");
if (errors.length > 0) throw new Error(`the fleet workload does not carve: ${errors[0].message}`);
const warm = { ...cold, clusters: cold.clusters.map((c) => ({ ...c, ledger: parseLedger(serializeLedger(first.clusters.get(c.name)!.ledger)) })) };
const { times, cpuTimes, last } = timeRuns(warmup, runs, () => carveFleet(warm));
if ([...last.clusters.values()].some((r) => r.changes.length > 0)) throw new Error("a warm run changed the ledger");
const lines = carveLines([...last.clusters.entries()].flatMap(([cluster, r]) => r.pools.map((p) => [`${cluster}/${p.name}`, p.cidr.toString()] as const)));
report(times, lines, lines.length, { cpuTimes });
