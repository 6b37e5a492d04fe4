import { HostLocalInput, planHostLocal } from "../../src/hostlocal";

const only = (input: HostLocalInput, code: string) => {
  const found = planHostLocal(input).findings.filter((f) => f.code === code);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("the cluster CIDR", () => {
  test("is required", () => {
    expect(only({ clusterCidrs: [], nodes: [] }, "HOSTLOCAL_CLUSTER_CIDR_MISSING").message).toMatch(/Must specify --cluster-cidr/);
  });

  test("must be strictly masked, and the message gives the masked CIDR", () => {
    const f = only({ clusterCidrs: ["10.244.1.0/16"], nodes: [] }, "HOSTLOCAL_CIDR_NOT_MASKED");
    expect(f.path).toBe("clusterCidrs[0]");
    expect(f.message).toMatch(/write "10\.244\.0\.0\/16"/);
  });

  test("must parse", () => {
    expect(only({ clusterCidrs: ["10.244.0.0"], nodes: [] }, "HOSTLOCAL_CIDR_INVALID").message).toMatch(/is an address, not a CIDR/);
  });

  test("is one per family: three are refused", () => {
    expect(only({ clusterCidrs: ["10.0.0.0/16", "10.1.0.0/16", "fd00::/56"], nodes: [] }, "HOSTLOCAL_TOO_MANY_CLUSTER_CIDRS").message).toMatch(/more than max allowed of 2/);
  });

  test("two of one family are not dual-stack, and no range is handed out", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.0.0.0/16", "10.1.0.0/16"], nodes: [{ name: "n-1" }] };
    expect(only(input, "HOSTLOCAL_CLUSTER_CIDRS_NOT_DUAL_STACK").message).toMatch(/not configured as dual stack/);
    expect(planHostLocal(input).nodes).toEqual([]);
  });

  test("must stay clear of link-local space", () => {
    expect(only({ clusterCidrs: ["169.254.0.0/16"], nodes: [] }, "HOSTLOCAL_CLUSTER_CIDR_LINK_LOCAL").message).toMatch(/Link Local range/);
  });
});

describe("cluster CIDR exhaustion", () => {
  const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/22"], nodes: [{ namePattern: "n-{i}", count: 6 }] };

  test("names the nodes that get no range and says how many the cluster CIDR holds", () => {
    const f = only(input, "HOSTLOCAL_CLUSTER_CIDR_EXHAUSTED");
    expect(f).toMatchObject({ severity: "error", path: "clusterCidrs[0]" });
    expect(f.message).toMatch(/^cluster CIDR 10\.244\.0\.0\/22 holds 4 node ranges of \/24 \(4 held by nodes\), so 2 declared nodes get none: n-5, n-6/);
    expect(f.message).toMatch(/no remaining CIDRs left to allocate/);
  });

  test("suggests a larger cluster CIDR or a longer node mask that still holds maxPods", () => {
    expect(only(input, "HOSTLOCAL_CLUSTER_CIDR_EXHAUSTED").message).toMatch(/Use a \/21 cluster CIDR \(8 node ranges of \/24\), or nodeMaskSizeV4 25 \(8 ranges of 125 addresses, enough for maxPods 110/);
  });

  test("the nodes without a range are neither planned nor recorded", () => {
    const plan = planHostLocal(input);
    expect(plan.nodes.map((n) => n.name)).toEqual(["n-1", "n-2", "n-3", "n-4"]);
    expect(Object.keys(plan.record)).toEqual(["n-1", "n-2", "n-3", "n-4"]);
    expect(plan.capacity.ipv4).toEqual({ nodeCidrs: "4", used: 4, free: "0" });
  });

  test("a dual-stack node needs a range of both families", () => {
    const plan = planHostLocal({ clusterCidrs: ["fd00::/63", "10.244.0.0/16"], nodes: [{ namePattern: "n-{i}", count: 3 }] });
    expect(plan.nodes.map((n) => n.name)).toEqual(["n-1", "n-2"]);
    expect(plan.capacity.ipv4!.used).toBe(2);
    expect(plan.findings.map((f) => f.path)).toEqual(["clusterCidrs[0]"]);
  });
});

describe("node mask sizes, as kube-controller-manager and host-local check them", () => {
  test("a node mask shorter than the cluster CIDR's prefix is refused", () => {
    const f = only({ clusterCidrs: ["10.244.0.0/16"], nodeMaskSizeV4: 15, nodes: [] }, "HOSTLOCAL_NODE_MASK_SHORTER_THAN_CLUSTER");
    expect(f.path).toBe("nodeMaskSizeV4");
    expect(f.message).toMatch(/mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size/);
  });

  test("a node mask equal to the cluster CIDR's prefix gives one node range", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/24"], nodes: [{ name: "n-1" }] });
    expect(plan.findings).toEqual([]);
    expect(plan.capacity.ipv4).toEqual({ nodeCidrs: "1", used: 1, free: "0" });
  });

  test("an IPv6 node mask more than 16 bits longer than the cluster prefix is refused", () => {
    const f = only({ clusterCidrs: ["fd00:10:244::/47"], nodes: [] }, "HOSTLOCAL_NODE_MASK_TOO_FAR");
    expect(f.path).toBe("nodeMaskSizeV6");
    expect(f.message).toMatch(/17 bits longer .* at most 16 for IPv6 \("New CIDR set failed; the node CIDR size is too big"/);
    expect(f.message).toMatch(/cluster CIDR of \/48 or shorter, or set nodeMaskSizeV6 to 63 or less/);
  });

  test("16 bits are allowed for IPv6", () => {
    expect(planHostLocal({ clusterCidrs: ["fd00:10:244::/48"], nodes: [] }).findings).toEqual([]);
  });

  test("IPv4 has no 16-bit limit in kube-controller-manager", () => {
    expect(planHostLocal({ clusterCidrs: ["10.0.0.0/8"], nodeMaskSizeV4: 28, nodes: [{ name: "n-1", maxPods: 13 }] }).findings).toEqual([]);
  });

  test.each([
    [4, 31, "10.244.0.0/16"],
    [6, 127, "fd00::/112"],
  ] as const)("an IPv%s node mask of /%s is too small for host-local", (family, mask, cluster) => {
    const input: HostLocalInput = { clusterCidrs: [cluster], nodes: [], ...(family === 4 ? { nodeMaskSizeV4: mask } : { nodeMaskSizeV6: mask }) };
    expect(only(input, "HOSTLOCAL_NODE_MASK_TOO_LONG").message).toMatch(/too small to allocate from/);
  });

  test.each([24.5, 0, 33])("an IPv4 node mask of %s is not a prefix length", (mask) => {
    expect(only({ clusterCidrs: ["10.244.0.0/16"], nodeMaskSizeV4: mask, nodes: [] }, "HOSTLOCAL_NODE_MASK_INVALID").path).toBe("nodeMaskSizeV4");
  });

  test("a mask for a family without a cluster CIDR is ignored with a warning", () => {
    expect(only({ clusterCidrs: ["10.244.0.0/16"], nodeMaskSizeV6: 80, nodes: [] }, "HOSTLOCAL_NODE_MASK_UNUSED").severity).toBe("warning");
  });
});

describe("each node range holds its maxPods once host-local's reserved addresses are taken out", () => {
  test("a /24 holds 253 pods", () => {
    expect(planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "n-1", maxPods: 253 }] }).findings).toEqual([]);
  });

  test("maxPods 254 on a /24 fails with the arithmetic and the way out", () => {
    const f = only({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "n-1", maxPods: 254 }] }, "HOSTLOCAL_NODE_RANGE_TOO_SMALL");
    expect(f).toMatchObject({ severity: "error", path: "nodes.n-1" });
    expect(f.message).toBe(
      "a /24 node range holds 253 pod addresses (256 minus the network address 10.244.0.0, the gateway 10.244.0.1 that host-local never hands out, and the broadcast address 10.244.0.255), " +
        'fewer than maxPods 254 of node n-1: the kubelet admits pods that host-local cannot address ("no IP addresses available in range set"). ' +
        "Set nodeMaskSizeV4 to 23 (509 addresses), or lower maxPods to 253",
    );
  });

  test("a group of alike nodes gives one error that names them", () => {
    const f = only({ clusterCidrs: ["10.244.0.0/16"], nodeMaskSizeV4: 26, nodes: [{ namePattern: "big-{i}", count: 8 }] }, "HOSTLOCAL_NODE_RANGE_TOO_SMALL");
    expect(f.message).toMatch(/fewer than maxPods 110 of 8 nodes: big-1, big-2, big-3, big-4, big-5 and 3 more/);
  });

  test("IPv6 ranges are checked with bigint arithmetic", () => {
    const f = only({ clusterCidrs: ["fd00::/112"], nodeMaskSizeV6: 122, nodes: [{ name: "n-1" }] }, "HOSTLOCAL_NODE_RANGE_TOO_SMALL");
    expect(f.message).toMatch(/a \/122 node range holds 62 pod addresses \(64 minus the network address fd00:: and the gateway fd00::1/);
  });
});

describe("node ranges stay clear of the Service and node networks", () => {
  test("a recorded range inside the Service CIDR is an error naming both", () => {
    const f = only(
      { clusterCidrs: ["10.0.0.0/16"], serviceCidrs: ["10.0.0.0/24"], nodes: [{ name: "old" }], recorded: { old: ["10.0.0.0/24"] } },
      "HOSTLOCAL_RANGE_OVERLAPS_SERVICE_CIDR",
    );
    expect(f.path).toBe("serviceCidrs[0]");
    expect(f.message).toMatch(/node ranges overlap Service CIDR 10\.0\.0\.0\/24: old 10\.0\.0\.0\/24/);
  });

  test("a node network inside the cluster CIDR is an error naming it, the cluster CIDR and the node ranges there", () => {
    const f = only({ clusterCidrs: ["10.0.0.0/16"], nodeCidrs: ["10.0.1.0/24"], nodes: [{ namePattern: "n-{i}", count: 3 }] }, "HOSTLOCAL_RANGE_OVERLAPS_NODE_NETWORK");
    expect(f.path).toBe("nodeCidrs[0]");
    expect(f.message).toMatch(/node network 10\.0\.1\.0\/24 overlaps cluster CIDR 10\.0\.0\.0\/16 \(clusterCidrs\[0\]\): node ranges n-2 10\.0\.1\.0\/24 share addresses with the hosts/);
  });

  test("a node network in the cluster CIDR is an error even before a node gets a range there", () => {
    expect(only({ clusterCidrs: ["10.0.0.0/16"], nodeCidrs: ["10.0.200.0/24"], nodes: [] }, "HOSTLOCAL_RANGE_OVERLAPS_NODE_NETWORK").message).toMatch(/will hand one out to a later node/);
  });

  test("Service CIDRs are at most one per family", () => {
    expect(only({ clusterCidrs: ["10.0.0.0/16"], serviceCidrs: ["10.96.0.0/12", "10.112.0.0/12"], nodes: [] }, "HOSTLOCAL_SERVICE_CIDRS_INVALID").message).toMatch(/not dualstack/);
  });
});

describe("recorded ranges that kube-controller-manager would refuse", () => {
  test("outside the cluster CIDR", () => {
    const f = only({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }], recorded: { a: ["10.250.0.0/24"] } }, "HOSTLOCAL_RECORDED_OUTSIDE_CLUSTER_CIDR");
    expect(f.path).toBe("recorded.a[0]");
    expect(f.message).toMatch(/cidr 10\.250\.0\.0\/24 is out the range of cluster cidr 10\.244\.0\.0\/16/);
  });

  test("the outside range is kept, not moved", () => {
    expect(planHostLocal({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }], recorded: { a: ["10.250.0.0/24"] } }).record).toEqual({ a: ["10.250.0.0/24"] });
  });

  test("in the wrong family order: an error per range, and the ranges stay recorded and occupied", () => {
    const plan = planHostLocal({ clusterCidrs: ["10.244.0.0/16", "fd00::/56"], nodes: [{ name: "a" }, { name: "b" }], recorded: { a: ["fd00::/64", "10.244.0.0/24"] } });
    const errors = plan.findings.filter((f) => f.code === "HOSTLOCAL_RECORDED_FAMILY_ORDER");
    expect(errors.map((f) => f.path)).toEqual(["recorded.a[0]", "recorded.a[1]"]);
    expect(errors[0].message).toMatch(/pairs a node's podCIDRs with the cluster CIDRs by position/);
    expect(plan.record.a).toEqual(["fd00::/64", "10.244.0.0/24"]);
    expect(plan.record.b).toEqual(["10.244.1.0/24", "fd00:0:0:1::/64"]);
  });

  test("more ranges than cluster CIDRs", () => {
    expect(only({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }], recorded: { a: ["10.244.0.0/24", "fd00::/64"] } }, "HOSTLOCAL_RECORDED_EXTRA_CIDR").message).toMatch(
      /does not exist in cluster cidrs configuration/,
    );
  });

  test("a node recorded before the cluster became dual-stack never gets the new family", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/16", "fd00::/56"], nodes: [{ name: "a" }], recorded: { a: ["10.244.0.0/24"] } };
    expect(only(input, "HOSTLOCAL_NODE_MISSING_FAMILY").message).toMatch(/holds no IPv6 \(fd00::\/56\) podCIDR: kube-controller-manager only hands out ranges to nodes that have none/);
    expect(planHostLocal(input).record).toEqual({ a: ["10.244.0.0/24"] });
  });

  test("two nodes with overlapping ranges", () => {
    expect(
      only({ clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }, { name: "b" }], recorded: { a: ["10.244.0.0/23"], b: ["10.244.1.0/24"] } }, "HOSTLOCAL_RECORDED_OVERLAP").message,
    ).toMatch(/nodes "a" \(10\.244\.0\.0\/23\) and "b" \(10\.244\.1\.0\/24\)/);
  });

  test("a recorded value that is not CIDR text is an error, and is kept in the record as written", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/16"], nodes: [{ name: "a" }], recorded: { a: ["nope"] } };
    expect(only(input, "HOSTLOCAL_CIDR_INVALID").path).toBe("recorded.a[0]");
    expect(planHostLocal(input).record).toEqual({ a: ["nope"] });
    expect(planHostLocal(input).nodes).toEqual([]);
  });
});

test("findings come in a deterministic order", () => {
  const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/23"], nodeCidrs: ["10.244.1.0/24"], nodes: [{ namePattern: "n-{i}", count: 4, maxPods: 300 }] };
  const paths = planHostLocal(input).findings.map((f) => f.path);
  expect(paths).toEqual([...paths].sort());
});
