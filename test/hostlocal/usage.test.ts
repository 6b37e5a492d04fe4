import { HostLocalInput, hostLocalUsage, planHostLocal } from "../../src/hostlocal";

const plan = (input: Partial<HostLocalInput> = {}) => planHostLocal({ clusterCidrs: ["10.244.0.0/22"], nodes: [{ namePattern: "n-{i}", count: 3 }], ...input });

describe("host-local utilization per node", () => {
  test("pods against the smaller of maxPods and the range's addresses", () => {
    const usage = hostLocalUsage(plan(), new Map([["n-1", 55]]));
    expect(usage.nodes[0]).toEqual({ name: "n-1", pods: 55, maxPods: 110, usable: { ipv4: 253 }, capacity: 110, podsLeft: 55, utilization: 0.5 });
    expect(usage.nodes[1]).toMatchObject({ name: "n-2", pods: 0, podsLeft: 110, utilization: 0 });
    expect(usage.findings).toEqual([]);
  });

  test("a node at or above the threshold is a warning with the pods left", () => {
    const usage = hostLocalUsage(plan(), new Map([["n-2", 99]]), 0.9);
    expect(usage.findings).toHaveLength(1);
    expect(usage.findings[0]).toMatchObject({ severity: "warning", code: "HOSTLOCAL_NODE_UTILIZATION", path: "nodes.n-2" });
    expect(usage.findings[0].message).toMatch(/runs 99 of the 110 pods it can take \(90%, threshold 90%\); 11 left/);
  });

  test("the default threshold is 80%", () => {
    expect(hostLocalUsage(plan(), new Map([["n-1", 87]])).findings).toEqual([]);
    expect(hostLocalUsage(plan(), new Map([["n-1", 88]])).findings.map((f) => f.code)).toEqual(["HOSTLOCAL_NODE_UTILIZATION"]);
  });

  test("more pods than maxPods is an error", () => {
    expect(hostLocalUsage(plan(), new Map([["n-1", 111]])).findings.map((f) => f.code)).toEqual(["HOSTLOCAL_NODE_OVER_MAX_PODS"]);
  });

  test("more pods than the range's addresses is an error, and a range smaller than maxPods is one too", () => {
    const usage = hostLocalUsage(plan({ nodeMaskSizeV4: 26 }), new Map([["n-1", 70]]));
    expect(usage.findings.filter((f) => f.path === "nodes.n-1").map((f) => f.code)).toEqual(["HOSTLOCAL_NODE_ADDRESSES_EXHAUSTED", "HOSTLOCAL_NODE_RANGE_TOO_SMALL"]);
    expect(usage.nodes[0]).toMatchObject({ capacity: 61, podsLeft: 0 });
    expect(usage.findings.find((f) => f.code === "HOSTLOCAL_NODE_ADDRESSES_EXHAUSTED")!.message).toMatch(/runs 70 pods, but its range 10\.244\.0\.0\/26 holds 61 addresses: 9 pods cannot start/);
  });

  test("a dual-stack node is bounded by its smaller range", () => {
    const usage = hostLocalUsage(plan({ clusterCidrs: ["10.244.0.0/22", "fd00::/112"], nodeMaskSizeV6: 121, nodes: [{ name: "n-1", maxPods: 100 }] }), new Map());
    expect(usage.nodes[0]).toMatchObject({ capacity: 100, usable: { ipv4: 253, ipv6: "126" } });
  });

  test("counts for a node the plan does not hold are errors", () => {
    expect(hostLocalUsage(plan(), new Map([["ghost", 3]])).findings.map((f) => [f.code, f.path])).toEqual([["HOSTLOCAL_USAGE_UNKNOWN_NODE", "nodes.ghost"]]);
  });

  test.each([-1, 2.5, Number.NaN])("a pod count of %s is an error", (count) => {
    expect(hostLocalUsage(plan(), new Map([["n-1", count]])).findings.map((f) => f.code)).toEqual(["HOSTLOCAL_USAGE_INVALID"]);
  });

  test.each([0, -0.1, 1.5])("a threshold of %s is refused", (threshold) => {
    expect(() => hostLocalUsage(plan(), new Map(), threshold)).toThrow(/threshold must be above 0 and at most 1/);
  });
});

describe("host-local headroom of the cluster", () => {
  test("nodes left is the free node ranges", () => {
    expect(hostLocalUsage(plan(), new Map()).cluster).toEqual({ ipv4: { nodeCidrs: "4", used: 3, free: "1" }, nodesLeft: "1" });
  });

  test("dual-stack takes the family with fewer free ranges", () => {
    const usage = hostLocalUsage(plan({ clusterCidrs: ["10.244.0.0/22", "fd00::/56"] }), new Map());
    expect(usage.cluster.nodesLeft).toBe("1");
    expect(usage.cluster.ipv6).toEqual({ nodeCidrs: "256", used: 3, free: "253" });
  });

  test("a full cluster CIDR is a warning: the next node gets no range", () => {
    const usage = hostLocalUsage(plan({ nodes: [{ namePattern: "n-{i}", count: 4 }] }), new Map());
    expect(usage.cluster.nodesLeft).toBe("0");
    expect(usage.findings.map((f) => [f.severity, f.code])).toEqual([["warning", "HOSTLOCAL_CLUSTER_CIDR_FULL"]]);
    expect(usage.findings[0].message).toMatch(/no free node range left \(4 of 4 held by nodes\)/);
  });
});
