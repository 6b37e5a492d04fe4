import { FleetClusterDeclaration, FleetSpec, fleetHasErrors, planFleet } from "../../src/fleet";

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
