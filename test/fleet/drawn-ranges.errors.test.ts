import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetClusterDeclaration, FleetSpec, fleetHasErrors, planFleet, writeFleetLedgers } from "../../src/fleet";
import { clusterLedger, readLedger, releasePools } from "../../src/ledger";

const SPACES = [
  { name: "pods-v4", cidr: "10.32.0.0/12" },
  { name: "services-v4", cidr: "10.96.0.0/12" },
  { name: "services-v6", cidr: "fd00:96::/64" },
  { name: "tiny-v4", cidr: "10.200.0.0/24" },
];

function cluster(name: string, drawnRanges: FleetClusterDeclaration["drawnRanges"], spec: Partial<FleetClusterDeclaration["spec"]> = {}): FleetClusterDeclaration {
  return { name, spec: { pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }], ...spec }, drawnRanges };
}

function messages(spec: FleetSpec): string[] {
  return planFleet(spec)
    .findings.filter((f) => f.severity === "error")
    .map((f) => `${f.code} at ${f.path}: ${f.message}`);
}

describe("bad drawn ranges", () => {
  test.each<[string, FleetSpec, RegExp]>([
    [
      "a Service CIDR both declared and drawn names the cluster and the way out",
      { addressSpaces: SPACES, clusters: [cluster("east", { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }] }, { serviceCidrs: ["10.96.0.0/16"] })] },
      /^FLEET_DRAWN_RANGE_DECLARED at clusters\.east\.drawnRanges\[0\]: cluster "east": it declares its serviceCidrs and also draws a Service CIDR from the address plan; .*Remove serviceCidrs to draw them/,
    ],
    [
      "a node network both declared and drawn",
      { addressSpaces: SPACES, clusters: [cluster("east", { nodeCidrs: [{ addressSpace: "tiny-v4", prefixLength: 26 }] }, { nodeCidrs: ["192.168.0.0/24"] })] },
      /^FLEET_DRAWN_RANGE_DECLARED at clusters\.east\.drawnRanges\[0\]: cluster "east": it declares its nodeCidrs and also draws a node network/,
    ],
    [
      "an IPv4 Service CIDR wider than kube-apiserver accepts (/12)",
      { addressSpaces: [{ name: "services-v4", cidr: "10.64.0.0/10" }], clusters: [cluster("east", { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 11 }] })] },
      /^FLEET_SERVICE_CIDR_TOO_LARGE at clusters\.east\.drawnRanges\[0\]\.prefixLength: cluster "east": its Service CIDR asks for a \/11, but kube-apiserver refuses a --service-cluster-ip-range larger than 2\^20 addresses \("specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"\); ask for prefixLength 12 or more$/,
    ],
    [
      "an IPv6 Service CIDR wider than kube-apiserver accepts (/108)",
      { addressSpaces: SPACES, clusters: [cluster("east", { serviceCidrs: [{ addressSpace: "services-v6", prefixLength: 107 }] })] },
      /^FLEET_SERVICE_CIDR_TOO_LARGE at clusters\.east\.drawnRanges\[0\]\.prefixLength: .*for 128-bit addresses, the mask must be >= 108"\); ask for prefixLength 108 or more$/,
    ],
    [
      "a range larger than its address space",
      { addressSpaces: SPACES, clusters: [cluster("east", { nodeCidrs: [{ addressSpace: "tiny-v4", prefixLength: 20 }] })] },
      /^FLEET_DRAWN_RANGE_TOO_LARGE at clusters\.east\.drawnRanges\[0\]\.prefixLength: cluster "east": its node network asks for a \/20, larger than its whole address space "tiny-v4" \(10\.200\.0\.0\/24\); ask for prefixLength 24 or more/,
    ],
    [
      "a range that does not fit in the space left names the cluster and the space",
      {
        addressSpaces: SPACES,
        clusters: [cluster("east", { nodeCidrs: [{ addressSpace: "tiny-v4", prefixLength: 25 }] }), cluster("west", { nodeCidrs: [{ addressSpace: "tiny-v4", prefixLength: 24 }] })],
      },
      /^CARVE_EXHAUSTED at clusters\.east\.drawnRanges\.node-ipv4: the node network of cluster "east" \(drawn range "node-ipv4" from address space "tiny-v4"\) needs a \/25 \(128 addresses\) but space tiny-v4 \(10\.200\.0\.0\/24\) has no free aligned \/25 left.*ask for less room/,
    ],
    [
      "an unknown address space",
      { addressSpaces: SPACES, clusters: [cluster("east", { serviceCidrs: [{ addressSpace: "services", prefixLength: 16 }] })] },
      /^FLEET_DRAWN_RANGE_INVALID at clusters\.east\.drawnRanges\[0\]\.addressSpace: cluster "east": its Service CIDR is drawn from address space "services", which the fleet's address plan does not declare; name one of its spaces \("pods-v4", "services-v4", "services-v6", "tiny-v4"\)/,
    ],
    [
      "a sub-space as the address space",
      { addressSpaces: SPACES, subSpaces: [{ name: "eu-v4", addressSpace: "pods-v4", prefixLength: 14 }], clusters: [cluster("east", { nodeCidrs: [{ addressSpace: "eu-v4", prefixLength: 20 }] })] },
      /^FLEET_DRAWN_RANGE_INVALID at clusters\.east\.drawnRanges\[0\]\.addressSpace: .*\("eu-v4" is a sub-space: Service CIDRs and node networks are drawn from the fleet's own spaces\)/,
    ],
    [
      "two Service CIDRs of one family",
      { addressSpaces: SPACES, clusters: [cluster("east", { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }, { addressSpace: "services-v4", prefixLength: 20 }] })] },
      /^FLEET_DRAWN_RANGE_INVALID at clusters\.east\.drawnRanges\[1\]: cluster "east": it draws two IPv4 Service CIDRs; a cluster draws at most one Service CIDR per family/,
    ],
    [
      "a prefix length that is not a whole number",
      { addressSpaces: SPACES, clusters: [cluster("east", { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16.5 }] })] },
      /^FLEET_DRAWN_RANGE_INVALID at clusters\.east\.drawnRanges\[0\]\.prefixLength: cluster "east": the prefixLength of its Service CIDR must be a whole number from 0 to 32 \(IPv4\), got the number 16\.5/,
    ],
  ])("%s", (_, spec, expected) => {
    const found = messages(spec);
    expect(found.find((m) => expected.test(m)) ?? found).toMatch(expected);
    // Nothing is carved: every cluster fails with FLEET_NOT_CARVED, and nothing is recorded.
    const plan = planFleet(spec);
    expect(fleetHasErrors(plan)).toBe(true);
    expect(plan.clusters.every((c) => c.drawnRanges.length === 0)).toBe(true);
  });
});

describe("releasing a drawn range too early", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-drawn-release-"));
    file = path.join(dir, "calico-ipam.lock.json");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const SERVICES = { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }] };
  const errors = (plan: ReturnType<typeof planFleet>) => plan.findings.filter((f) => f.severity === "error").map((f) => `${f.code} at ${f.path}: ${f.message}`);

  test("one the cluster still draws is refused, naming cluster, key and the way out; nothing is written", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const before = fs.readFileSync(file, "utf8");
    const plan = planFleet({ addressSpaces: SPACES, clusters: [{ ...cluster("west", SERVICES), ledger: { release: ["service-ipv4"] } }] }, { file });
    expect(fleetHasErrors(plan)).toBe(true);
    expect(errors(plan)).toEqual([
      'CARVE_RELEASE_ACTIVE at clusters.west.release[0]: cannot release drawn range "service-ipv4" (10.96.0.0/16) of cluster "west": the cluster still draws it, and Services may hold its ClusterIPs. ' +
        "Remove it from the cluster's drawnRanges first; release it in a later run, once nothing uses the range",
    ]);
    expect(writeFleetLedgers(plan)).toEqual([]);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("the path names the drawn range's own place in the cluster's release list", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const plan = planFleet({ addressSpaces: SPACES, clusters: [{ ...cluster("west", SERVICES), ledger: { release: ["pods", "service-ipv4"] } }] }, { file });
    expect(errors(plan).filter((m) => m.includes('drawn range "service-ipv4"')).map((m) => m.split(":")[0])).toEqual(["CARVE_RELEASE_ACTIVE at clusters.west.release[1]"]);
  });

  test("one that only starts draining in this run is refused", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", { nodeCidrs: [{ addressSpace: "tiny-v4", prefixLength: 26 }] })] }, { file }));
    const plan = planFleet({ addressSpaces: SPACES, clusters: [{ ...cluster("west", undefined), ledger: { release: ["node-ipv4"] } }] }, { file });
    expect(errors(plan)).toEqual([
      'CARVE_RELEASE_ACTIVE at clusters.west.release[0]: cannot release drawn range "node-ipv4" (10.200.0.0/26) of cluster "west" yet: it only starts draining in this run, and nodes may still hold its addresses. ' +
        "Deploy without it, wait until nothing uses the range, then release it",
    ]);
  });

  test("an unknown name to release may be a pool or a drawn range: the error says so and lists what the section records", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("east", undefined), cluster("west", SERVICES)] }, { file }));
    const before = fs.readFileSync(file, "utf8");
    const plan = planFleet(
      { addressSpaces: SPACES, clusters: [{ ...cluster("east", undefined), ledger: { release: ["nope"] } }, { ...cluster("west", SERVICES), ledger: { release: ["pods-old", "service-ipv6"] } }] },
      { file },
    );
    expect(fleetHasErrors(plan)).toBe(true);
    const way = (c: string) => `Name a draining pool by its name, or a draining drawn range by its key (such as "service-ipv4"; \`calico-ipam ledger show --cluster ${c}\` lists them), or drop this name from release`;
    expect(errors(plan).filter((m) => m.startsWith("CARVE_RELEASE_UNKNOWN"))).toEqual([
      `CARVE_RELEASE_UNKNOWN at clusters.east.release[0]: cannot release "nope" of cluster "east": it is neither a pool nor a drawn range in the cluster's section of the ledger (recorded pools: "pods"). ${way("east")}`,
      `CARVE_RELEASE_UNKNOWN at clusters.west.release[0]: cannot release "pods-old" of cluster "west": it is neither a pool nor a drawn range in the cluster's section of the ledger (recorded pools: "pods"; drawn ranges: "service-ipv4"). ${way("west")}`,
      `CARVE_RELEASE_UNKNOWN at clusters.west.release[1]: cannot release "service-ipv6" of cluster "west": it is neither a pool nor a drawn range in the cluster's section of the ledger (recorded pools: "pods"; drawn ranges: "service-ipv4"). ${way("west")}`,
    ]);
    expect(writeFleetLedgers(plan)).toEqual([]);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    // A cluster without a section yet: nothing recorded.
    const fresh = planFleet({ addressSpaces: SPACES, clusters: [{ ...cluster("north", undefined), ledger: { release: ["service-ipv4"] } }] }, { file });
    expect(errors(fresh).find((m) => m.startsWith("CARVE_RELEASE_UNKNOWN"))).toMatch(/cluster "north": it is neither a pool nor a drawn range in the cluster's section of the ledger \(the section records no pools and no drawn ranges\)\. Name/);
  });

  test("the ledger's release refuses an active drawn range and names it", () => {
    writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("west", SERVICES)] }, { file }));
    const section = clusterLedger(readLedger(file)!, "west");
    expect(() => releasePools(section, ["service-ipv4"])).toThrow(
      /^drawn range "service-ipv4" \(Service CIDR 10\.96\.0\.0\/16\) is still drawn from the fleet's address plan, and Services may still hold its ClusterIPs\. Remove it from the cluster's drawnRanges first and synth, so it is draining; release it once nothing uses the range$/,
    );
    expect(() => releasePools(section, ["node-ipv4"])).toThrow(
      /^"node-ipv4" is neither a pool nor a drawn range in the ledger, so there is nothing to release \(recorded pools: "pods"; drawn ranges: "service-ipv4"\)\. Name a draining pool by its name, or a draining drawn range by its key \(such as "service-ipv4"\)$/,
    );
  });
});

describe("a carver release error in a fleet names its cluster and its place in that cluster's own release list", () => {
  const POOLS = { pools: [{ name: "pods", prefixLength: 16, addressSpace: "pods-v4" }, { name: "old", prefixLength: 20, addressSpace: "pods-v4" }] };
  const SERVICES = { serviceCidrs: [{ addressSpace: "services-v4", prefixLength: 16 }] };
  const releasing = (name: string, release: string[]): FleetClusterDeclaration => ({ ...cluster(name, undefined, POOLS), ledger: { release } });
  // Each cluster's error-level findings, "path: start of message".
  const errorsOf = (spec: FleetSpec, file: string) =>
    Object.fromEntries(
      planFleet(spec, { file }).clusters.map((c) => [c.name, c.plan.findings.filter((f) => f.severity === "error").map((f) => `${f.code} at ${f.path}: ${f.message.split(" (")[0]}`)]),
    );

  test.each<[string, FleetClusterDeclaration[], Record<string, string[]>]>([
    [
      "alone: after a drawn range released in the same list",
      [releasing("west", ["service-ipv4", "pods"])],
      { west: ['CARVE_RELEASE_ACTIVE at release[1]: cannot release pool "pods"'] },
    ],
    [
      "carved with a connected cluster: the error is the releasing cluster's; the other, whose run stops too, is told whose",
      [cluster("east", undefined, POOLS), releasing("west", ["service-ipv4", "pods"])],
      {
        east: ['CARVE_RELEASE_ACTIVE at clusters.west.release[1]: cannot release pool "pods" of cluster "west"'],
        west: ['CARVE_RELEASE_ACTIVE at release[1]: cannot release pool "pods" of cluster "west"'],
      },
    ],
    [
      "carved with a connected cluster, both releasing: each its own",
      [releasing("east", ["pods"]), releasing("west", ["service-ipv4", "old", "pods"])],
      {
        east: ['CARVE_RELEASE_ACTIVE at release[0]: cannot release pool "pods" of cluster "east"', 'CARVE_RELEASE_ACTIVE at clusters.west.release[1]: cannot release pool "old" of cluster "west"', 'CARVE_RELEASE_ACTIVE at clusters.west.release[2]: cannot release pool "pods" of cluster "west"'],
        west: ['CARVE_RELEASE_ACTIVE at clusters.east.release[0]: cannot release pool "pods" of cluster "east"', 'CARVE_RELEASE_ACTIVE at release[1]: cannot release pool "old" of cluster "west"', 'CARVE_RELEASE_ACTIVE at release[2]: cannot release pool "pods" of cluster "west"'],
      },
    ],
  ])("%s", (_what, clusters, expected) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-release-path-"));
    try {
      const file = path.join(dir, "calico-ipam.lock.json");
      // west's Service CIDR drawn, then no longer drawn (draining), so that releasing it is fine.
      writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("east", undefined, POOLS), cluster("west", SERVICES, POOLS)] }, { file }));
      writeFleetLedgers(planFleet({ addressSpaces: SPACES, clusters: [cluster("east", undefined, POOLS), cluster("west", undefined, POOLS)] }, { file }));
      const got = errorsOf({ addressSpaces: SPACES, clusters }, file);
      expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, [...v].sort()]))).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [...v].sort()])));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
