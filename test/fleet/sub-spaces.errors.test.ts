import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetClusterDeclaration, FleetSpec, fleetHasErrors, planFleet, writeFleetLedgers } from "../../src/fleet";
import { parseLedger } from "../../src/ledger";

const SPACES = [{ name: "pods-v4", cidr: "10.32.0.0/12" }];

function cluster(name: string, subSpaces: string[] | undefined, prefixes: number[] = [16], extra: Partial<FleetClusterDeclaration> = {}): FleetClusterDeclaration {
  return { name, spec: { pools: prefixes.map((p, i) => ({ name: `pods-${i}`, prefixLength: p, addressSpace: "pods-v4" })) }, ...(subSpaces ? { subSpaces } : {}), ...extra };
}

function messages(spec: FleetSpec): string[] {
  return planFleet(spec)
    .findings.filter((f) => f.severity === "error")
    .map((f) => `${f.code} at ${f.path}: ${f.message}`);
}

describe("bad sub-spaces", () => {
  test.each<[string, FleetSpec, RegExp]>([
    [
      "a sub-space too small for its cluster's pools names both, the sizes and the way out",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 16 }], clusters: [cluster("prod-eu-1", ["eu-v4"], [16, 18])] },
      /^FLEET_SUB_SPACE_TOO_SMALL at subSpaces\.eu-v4: sub-space "eu-v4" \(10\.32\.0\.0\/16, 65,536 addresses\) is too small for the pools of cluster "prod-eu-1": "pods-0" \/16, "pods-1" \/18 need 81,920 addresses; give sub-space "eu-v4" prefixLength 15 or less \(it has \/16\)/,
    ],
    [
      "a sub-space too small for its clusters together names every cluster",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 15 }], clusters: [cluster("a", ["eu-v4"]), cluster("b", ["eu-v4"]), cluster("c", ["eu-v4"])] },
      /^FLEET_SUB_SPACE_TOO_SMALL at subSpaces\.eu-v4: sub-space "eu-v4" \(10\.32\.0\.0\/15, 131,072 addresses\) is too small for the pools of clusters "a", "b", "c" together: "a" 65,536, "b" 65,536, "c" 65,536 = 196,608 addresses, .*prefixLength 14 or less/,
    ],
    [
      "a cluster given a sub-space the plan does not declare",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 14 }], clusters: [cluster("us-1", ["us-v4"])] },
      /^FLEET_SUB_SPACE_UNKNOWN at clusters\.us-1\.subSpaces: cluster "us-1" is given sub-space "us-v4", which the fleet's address plan does not declare \(its sub-spaces: "eu-v4"\)/,
    ],
    [
      "a cluster given two sub-spaces of one space",
      {
        addressSpaces: SPACES,
        subSpaces: [
          { name: "eu-v4", addressSpace: "pods-v4", prefixLength: 14 },
          { name: "us-v4", addressSpace: "pods-v4", prefixLength: 14 },
        ],
        clusters: [cluster("x", ["eu-v4", "us-v4"])],
      },
      /^FLEET_SUB_SPACE_TWICE at clusters\.x\.subSpaces: cluster "x" is given sub-spaces "eu-v4" and "us-v4", both carved from address space "pods-v4"/,
    ],
    [
      "a sub-space of a space the plan does not declare",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods", prefixLength: 14 }], clusters: [cluster("x", undefined)] },
      /^FLEET_SUB_SPACE_INVALID at subSpaces\.eu-v4\.addressSpace: sub-space "eu-v4" is carved from address space "pods", which the fleet's address plan does not declare \(its spaces: "pods-v4"\)/,
    ],
    [
      "a sub-space named like a space",
      { addressSpaces: SPACES, subSpaces: [{ name: "pods-v4", addressSpace: "pods-v4", prefixLength: 14 }], clusters: [cluster("x", undefined)] },
      /^FLEET_SUB_SPACE_INVALID at subSpaces\.pods-v4: two address spaces of the fleet are named "pods-v4"/,
    ],
    [
      "a sub-space with both a size and a CIDR",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 14, cidr: "10.32.0.0/14" }], clusters: [cluster("x", undefined)] },
      /^FLEET_SUB_SPACE_INVALID at subSpaces\.eu-v4: sub-space "eu-v4" needs exactly one of prefixLength/,
    ],
    [
      "a sub-space larger than its space",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 10 }], clusters: [cluster("x", ["eu-v4"])] },
      /^CARVE_EXHAUSTED at subSpaces\.eu-v4: .*sub-space "eu-v4"/,
    ],
  ])("%s", (_, spec, expected) => {
    const found = messages(spec);
    expect(found.some((m) => expected.test(m))).toBe(true);
  });

  test("nothing is carved nor written while a sub-space is too small", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-sub-err-"));
    try {
      const file = path.join(dir, "calico-ipam.lock.json");
      const plan = planFleet({ addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 17 }], clusters: [cluster("a", ["eu-v4"]), cluster("b", undefined)] }, { file });
      expect(fleetHasErrors(plan)).toBe(true);
      expect(plan.clusters.flatMap((c) => c.plan.pools.map((p) => p.manifest.spec.cidr))).toEqual(["", ""]);
      expect(plan.clusters.flatMap((c) => c.plan.findings.map((f) => f.code))).toEqual(["FLEET_NOT_CARVED", "FLEET_NOT_CARVED"]);
      expect(writeFleetLedgers(plan)).toEqual([]);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a ledger whose sub-spaces overlap is refused, naming both", () => {
    const text = JSON.stringify({
      pools: {},
      subSpaces: { a: { cidr: "10.32.0.0/14", family: 4, status: "active" }, b: { cidr: "10.33.0.0/16", family: 4, status: "active" } },
      version: 1,
    });
    expect(() => parseLedger(text, "calico-ipam.lock.json")).toThrow(/sub-space "b" \(10\.33\.0\.0\/16\) overlaps sub-space "a" \(10\.32\.0\.0\/14\)/);
  });

  test.each([
    [{ cidr: "FD00:10::/56", family: 6, status: "active" }, /"FD00:10::\/56" is not in canonical form; the ledger writes it as "fd00:10::\/56"/],
    [{ cidr: "10.32.0.1/14", family: 4, status: "active" }, /has host bits set/],
    [{ cidr: "10.32.0.0/14", family: 6, status: "active" }, /"family" is 6, but 10\.32\.0\.0\/14 is an IPv4 range/],
    [{ cidr: "10.32.0.0/14", family: 4, status: "adopted" }, /"status" must be "active" or "draining"/],
    [{ cidr: "10.32.0.0/14", family: 4, status: "active", blockSize: 26 }, /unknown key "blockSize" in sub-space "eu"/],
    [{ cidr: "10.32.0.0/14", status: "active" }, /sub-space "eu" has no "family"/],
  ])("a hand-edited sub-space entry %j is refused with its path", (entry, expected) => {
    const text = JSON.stringify({ pools: {}, subSpaces: { eu: entry }, version: 1 });
    expect(() => parseLedger(text, "calico-ipam.lock.json")).toThrow(expected);
    expect(() => parseLedger(text, "calico-ipam.lock.json")).toThrow(/subSpaces\.eu/);
  });
});
