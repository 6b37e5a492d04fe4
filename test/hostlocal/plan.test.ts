import { HostLocalInput, planHostLocal } from "../../src/hostlocal";

const ranges = (input: HostLocalInput) => Object.fromEntries(planHostLocal(input).nodes.map((n) => [n.name, n.podCidrs.join(",")]));
const codes = (input: HostLocalInput) => planHostLocal(input).findings.map((f) => f.code);

describe("node ranges are handed out as kube-controller-manager's range allocator does", () => {
  test("a fresh cluster gets ranges in sequence from the start of the cluster CIDR", () => {
    expect(ranges({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ namePattern: "node-{i}", count: 3 }] })).toEqual({
      "node-1": "10.244.0.0/24",
      "node-2": "10.244.1.0/24",
      "node-3": "10.244.2.0/24",
    });
  });

  test("nodes join in natural name order, whatever order they are declared in", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "node-10" }, { name: "node-2" }, { name: "node-1" }] });
    expect(plan.nodes.map((n) => `${n.name} ${n.podCidrs[0]}`)).toEqual(["node-1 10.244.0.0/24", "node-2 10.244.1.0/24", "node-10 10.244.2.0/24"]);
  });

  test("the node mask sets the range size", () => {
    expect(ranges({ clusterCidrs: ["10.244.0.0/16"], nodeMaskSizeV4: 26, nodes: [{ namePattern: "n-{i}", count: 2 }] })).toEqual({ "n-1": "10.244.0.0/26", "n-2": "10.244.0.64/26" });
  });

  test("a dual-stack node gets one range per family, in cluster CIDR order", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"], nodes: [{ namePattern: "n-{i}", count: 2 }] });
    expect(plan.nodes.map((n) => n.podCidrs)).toEqual([
      ["10.244.0.0/24", "fd00:10:244::/64"],
      ["10.244.1.0/24", "fd00:10:244:1::/64"],
    ]);
    expect(plan.findings).toEqual([]);
  });

  test("an IPv6-first cluster lists the IPv6 range first", () => {
    expect(ranges({ clusterCidrs: ["fd00:10:244::/56", "10.244.0.0/16"], nodes: [{ name: "n-1" }] })).toEqual({ "n-1": "fd00:10:244::/64,10.244.0.0/24" });
  });

  test("every node reports its usable addresses and maxPods", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"], nodes: [{ name: "n-1", maxPods: 50 }] });
    expect(plan.nodes[0]).toEqual({
      name: "n-1",
      podCidrs: ["10.244.0.0/24", "fd00:10:244::/64"],
      usable: { ipv4: 253, ipv6: "18446744073709551614" },
      maxPods: 50,
      source: "allocated",
    });
  });

  test("ranges that overlap the Service CIDR are skipped, as filterOutServiceRange does, with a warning", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.0.0.0/16"], serviceCidrs: ["10.0.0.0/23"], nodes: [{ name: "n-1" }] };
    expect(ranges(input)).toEqual({ "n-1": "10.0.2.0/24" });
    const [finding] = planHostLocal(input).findings;
    expect(finding).toMatchObject({ severity: "warning", code: "HOSTLOCAL_SERVICE_IN_CLUSTER_CIDR", path: "serviceCidrs[0]" });
    expect(finding.message).toMatch(/never hands out the 2 node ranges of \/24 .*holds 254 nodes instead of 256/);
  });
});

describe("capacity of the cluster CIDRs", () => {
  test("counts the node ranges the cluster CIDR holds, those used and those free", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ namePattern: "n-{i}", count: 10 }] });
    expect(plan.capacity).toEqual({ ipv4: { nodeCidrs: "256", used: 10, free: "246" } });
  });

  test("ranges skipped for the Service CIDR are not free", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.0.0.0/16"], serviceCidrs: ["10.0.0.0/23"], nodes: [{ name: "n-1" }] });
    expect(plan.capacity.ipv4).toEqual({ nodeCidrs: "256", used: 1, free: "253" });
  });

  test("is given per family for dual-stack", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/48"], nodes: [{ name: "n-1" }] });
    expect(plan.capacity).toEqual({ ipv4: { nodeCidrs: "256", used: 1, free: "255" }, ipv6: { nodeCidrs: "65536", used: 1, free: "65535" } });
  });

  test("counts millions of node ranges", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.0.0.0/8"], nodeMaskSizeV4: 30, nodes: [{ namePattern: "n-{i}", count: 5000, maxPods: 1 }] });
    expect(plan.capacity.ipv4).toEqual({ nodeCidrs: "4194304", used: 5000, free: "4189304" });
    expect(plan.nodes[4999].podCidrs).toEqual(["10.0.78.28/30"]);
  });
});

describe("recorded ranges never move", () => {
  test("a recorded node keeps its range even when nodes are added before it in name order", () => {
    expect(ranges({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "b" }, { name: "a" }], recorded: { b: ["10.244.0.0/24"] } })).toEqual({
      a: "10.244.1.0/24",
      b: "10.244.0.0/24",
    });
  });

  test("new nodes get the ranges after the highest recorded one", () => {
    expect(ranges({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }, { name: "z" }], recorded: { z: ["10.244.7.0/24"] } })).toEqual({
      a: "10.244.8.0/24",
      z: "10.244.7.0/24",
    });
  });

  test("a plan fed its own record plans the same ranges, all recorded", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"], nodes: [{ namePattern: "n-{i}", count: 4 }] };
    const first = planHostLocal(input);
    const second = planHostLocal({ ...input, recorded: first.record });
    expect(second.record).toEqual(first.record);
    expect(second.nodes.every((n) => n.source === "recorded")).toBe(true);
  });

  test("the record maps each node to its podCIDRs", () => {
    expect(planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }, { name: "b" }] }).record).toEqual({ a: ["10.244.0.0/24"], b: ["10.244.1.0/24"] });
  });

  test("a removed node releases its range, as kube-controller-manager does when its Node is deleted, and a later node gets it", () => {
    const input: HostLocalInput = {
      clusterCidrs: ["10.244.0.0/22"],
      nodes: [{ name: "a" }, { name: "c" }, { name: "d" }, { name: "e" }],
      recorded: { a: ["10.244.0.0/24"], b: ["10.244.1.0/24"], c: ["10.244.2.0/24"], d: ["10.244.3.0/24"] },
    };
    expect(ranges(input).e).toBe("10.244.1.0/24");
    const released = planHostLocal(input).findings.find((f) => f.code === "HOSTLOCAL_NODE_RELEASED")!;
    expect(released).toMatchObject({ severity: "warning", path: "recorded.b" });
    expect(released.message).toMatch(/node "b" is no longer declared, so its podCIDRs 10\.244\.1\.0\/24 are released/);
    expect(planHostLocal(input).record.b).toBeUndefined();
  });

  test("after the last range the allocator wraps to the start of the cluster CIDR", () => {
    expect(
      ranges({ clusterCidrs: ["10.244.0.0/22"], nodes: [{ name: "a" }, { name: "z" }], recorded: { z: ["10.244.3.0/24"] } }).a,
    ).toBe("10.244.0.0/24");
  });

  test("a recorded node of an old node mask keeps it; new nodes get the new mask, with a warning", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }, { name: "b" }], recorded: { a: ["10.244.0.0/23"] } };
    expect(ranges(input)).toEqual({ a: "10.244.0.0/23", b: "10.244.2.0/24" });
    expect(codes(input)).toEqual(["HOSTLOCAL_RECORDED_MASK_CHANGED"]);
  });
});

describe("kube-controller-manager flags", () => {
  test("single-stack uses --node-cidr-mask-size", () => {
    expect(planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [] }).kubeControllerManagerFlags).toEqual([
      "--allocate-node-cidrs=true",
      "--cluster-cidr=10.244.0.0/16",
      "--node-cidr-mask-size=24",
    ]);
  });

  test("single-stack IPv6 uses --node-cidr-mask-size with the IPv6 mask", () => {
    expect(planHostLocal({ clusterCidrs: ["fd00:10:244::/56"], nodeMaskSizeV6: 80, nodes: [] }).kubeControllerManagerFlags).toEqual([
      "--allocate-node-cidrs=true",
      "--cluster-cidr=fd00:10:244::/56",
      "--node-cidr-mask-size=80",
    ]);
  });

  test("dual-stack uses the per-family flags, and the Service CIDRs when given", () => {
    expect(
      planHostLocal({ clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"], nodeMaskSizeV4: 25, serviceCidrs: ["10.96.0.0/12", "fd00:10:96::/112"], nodes: [] })
        .kubeControllerManagerFlags,
    ).toEqual([
      "--allocate-node-cidrs=true",
      "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56",
      "--node-cidr-mask-size-ipv4=25",
      "--node-cidr-mask-size-ipv6=64",
      "--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112",
    ]);
  });
});

describe("the CNI ipam section", () => {
  test("dual-stack reads both podCIDRs", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16", "fd00:10:244::/56"], nodes: [] });
    expect(JSON.stringify(plan.cniIpam)).toBe('{"type":"host-local","ranges":[[{"subnet":"usePodCidr"}],[{"subnet":"usePodCidrIPv6"}]]}');
  });

  test("single-stack lists only the family in use", () => {
    expect(JSON.stringify(planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [] }).cniIpam)).toBe('{"type":"host-local","ranges":[[{"subnet":"usePodCidr"}]]}');
    expect(JSON.stringify(planHostLocal({ clusterCidrs: ["fd00:10:244::/56"], nodes: [] }).cniIpam)).toBe('{"type":"host-local","ranges":[[{"subnet":"usePodCidrIPv6"}]]}');
  });
});

test("the same input gives byte-identical plans", () => {
  const input: HostLocalInput = {
    clusterCidrs: ["10.244.0.0/20", "fd00:10:244::/56"],
    nodes: [{ namePattern: "rack-a-{i}", count: 7 }, { namePattern: "rack-b-{i}", count: 5, maxPods: 250 }],
    serviceCidrs: ["10.96.0.0/12"],
    recorded: { "rack-b-3": ["10.244.9.0/24", "fd00:10:244:9::/64"], old: ["10.244.1.0/24", "fd00:10:244:1::/64"] },
  };
  expect(JSON.stringify(planHostLocal(input))).toBe(JSON.stringify(planHostLocal(input)));
});
