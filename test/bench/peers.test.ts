/**
 * Every side of the benchmark (bench/) computes the same answer as ours, on small versions of the
 * benchmark's workloads: the bench compares times of the same work only if this holds. No timing here.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { carve } from "../../src/carver";
import { ipnumCarveLines, ipnumOverlapLines } from "../../bench/workers/ipnum";
import { carveInput, ourCarveLines, ourOverlapLines } from "../../bench/workers/ours";
import { cidrsubnets, positionalCarve } from "../../bench/workers/terraform";
import { carveLines, digest } from "../../bench/workers/common";
import { CarveWorkload, Workload, ipv4Carve, ipv6Carve, overlapCheck } from "../../bench/workloads";

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "calico-ipam-bench-test-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a Python peer on the workload exactly as the benchmark does (one timed run) and returns its report. */
function python(script: string, mode: string, w: Workload): { digest: string; count: number } {
  const file = join(dir, `${script}-${mode}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(w));
  const r = spawnSync("python3", ["-B", join(__dirname, "..", "..", "bench", "peers", script), file, mode, "0", "1"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 ${script} ${mode} failed (${String(r.status)}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { digest: string; count: number };
}

const CARVES: Array<[string, CarveWorkload]> = [
  ["IPv4, 200 pools around 20 reservations", ipv4Carve(200, 20)],
  ["IPv6, 200 pools around 10 reservations", ipv6Carve(200, 10)],
];

describe("carving: ours, ip-num and Python compute the same pools", () => {
  it.each(CARVES)("%s", (_name, w) => {
    const ours = ourCarveLines(carve(carveInput(w)));
    expect(ours).toHaveLength(w.requests.length);
    expect(ipnumCarveLines(w)).toEqual(ours);
    const same = python("carve.py", "carve", w);
    expect(same).toEqual(expect.objectContaining({ digest: digest(ours), count: w.requests.length }));
    const scan = python("carve.py", "naive", w);
    expect(scan).toEqual(expect.objectContaining({ digest: digest(ours), count: w.requests.length }));
  });

  it("the second run (with the first run's ledger) keeps every pool", () => {
    const w = CARVES[0][1];
    const first = carve(carveInput(w));
    expect(ourCarveLines(carve({ ...carveInput(w), ledger: first.ledger }), "rerun")).toEqual(ourCarveLines(first));
  });
});

describe("positional carving: Terraform's cidrsubnets", () => {
  // Expected values printed by Terraform v1.11.4's `terraform console`.
  it.each([
    ["10.1.0.0/16", [4, 4, 8, 4], ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]],
    ["fd00:fd12:3456:7890::/56", [16, 16, 16, 32], ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72", "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]],
    ["10.0.0.0/8", [12, 12, 14, 16, 18, 18, 18], ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/22", "10.0.36.0/24", "10.0.37.0/26", "10.0.37.64/26", "10.0.37.128/26"]],
    ["10.1.2.3/24", [2, 1], ["10.1.2.0/26", "10.1.2.128/25"]],
  ])("cidrsubnets(%s, %j) gives Terraform's answer", (prefix, newbits, expected) => {
    expect(cidrsubnets(prefix, newbits)).toEqual(expected);
  });

  it.each([
    ["10.0.0.0/30", [1, 1, 1], "argument 3: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31"],
    ["10.0.0.0/24", [0], "argument 1: must extend prefix by at least one bit"],
    ["10.0.0.0/24", [9], "argument 1: would extend prefix to 33 bits, which is too long for an IPv4 address"],
    ["fd00::/64", [33], "argument 1: may not extend prefix by more than 32 bits"],
  ])("cidrsubnets(%s, %j) fails as Terraform does", (prefix, newbits, message) => {
    expect(() => cidrsubnets(prefix, newbits)).toThrow(message);
  });

  it("given the pools largest first on an empty space, it hands out the ranges of our best fit", () => {
    const w = ipv4Carve(400, 0);
    expect(carveLines(positionalCarve(w))).toEqual(ourCarveLines(carve(carveInput(w))));
  });

  it("refuses a workload with reservations, which cidrsubnets cannot go around", () => {
    expect(() => positionalCarve(ipv4Carve(10, 1))).toThrow("cannot go around reservations");
  });
});

describe("overlaps: ours, ip-num and Python find the same pairs", () => {
  it("400 CIDRs of both families with 20 mistakes", () => {
    const w = overlapCheck(400, 20);
    const ours = ourOverlapLines(w);
    expect(ours.length).toBeGreaterThanOrEqual(20);
    expect(ipnumOverlapLines(w)).toEqual(ours);
    expect(python("overlaps.py", "overlaps", w)).toEqual(expect.objectContaining({ digest: digest(ours), count: ours.length }));
  });
});
