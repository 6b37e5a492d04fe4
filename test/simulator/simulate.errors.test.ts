/** One test per finding of the simulator: code, severity, path and the message a user reads. */
import { cidrs, ipam, on, pool, simulate } from "./helpers";
import type { SimulationResult } from "../../src/simulator";

const nodes = (...names: string[]) => names.map((name) => ({ name }));
const only = (r: SimulationResult, code: string) => {
  const found = r.findings.filter((f) => f.code === code);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("errors", () => {
  test("pods that get no address are one finding per workload and reason, with a count, not one per pod", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/26")],
      ipamConfiguration: ipam({ strictAffinity: true }),
      topology: { nodes: [{ namePattern: "n{i}", count: 4 }], workloads: [{ name: "web", namespace: "shop", replicas: 150 }] },
    });
    const f = only(r, "POD_POOLS_EXHAUSTED");
    expect(f).toMatchObject({ severity: "error", path: "workloads.web" });
    expect(f.message).toMatch(/^\d+ of 150 pods of shop\/web get no IPv4 address \(first: web-\d+/);
    expect(f.message).toContain('"failed to request IPv4 addresses: Assigned 0 out of 1 requested IPv4 addresses; No more free affine blocks and strict affinity enabled"');
    expect(f.message).toMatch(/nodes: n\d, n\d, n\d; pools tried: p\)/);
    expect(r.summary.podsFailed + r.summary.podsAllocated).toBe(150);
  });

  test("POD_BLOCK_LIMIT says how to raise the limit", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24", { blockSize: 32 })], topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 22)] } });
    const f = only(r, "POD_BLOCK_LIMIT");
    expect(f.message).toMatch(/^2 of 22 pods of default\/w get no IPv4 address/);
    expect(f.message).toContain("limit of 20 blocks reached for this node");
    expect(f.message).toMatch(/raise maxBlocksPerHost/);
  });

  test("POD_NEW_BLOCKS_DISABLED", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], ipamConfiguration: ipam({ strictAffinity: true, autoAllocateBlocks: false }), topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 1)] } });
    expect(only(r, "POD_NEW_BLOCKS_DISABLED").message).toMatch(/"failed to find or claim a block".*autoAllocateBlocks is false/);
  });

  test("POD_NO_MATCHING_POOL names the node in Calico's words", () => {
    const r = simulate({ pools: [pool("rack-a", "10.0.0.0/24", { nodeSelector: 'rack == "a"' })], topology: { nodes: nodes("n1", "n2"), workloads: [{ name: "w", namespace: "default", replicas: 2 }] } });
    const f = only(r, "POD_NO_MATCHING_POOL");
    expect(f.message).toMatch(/^2 of 2 pods of default\/w get no IPv4 address \(first: w-0, w-1\): "no configured Calico pools for node n1"/);
    expect(f.message).toContain("nodes: n1, n2");
  });

  test("POD_POOL_REQUEST_INVALID for an unknown pool name", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 1, { annotations: { ipv4pools: ["typo"] } })] } });
    expect(only(r, "POD_POOL_REQUEST_INVALID").message).toContain('"error parsing pool "typo": invalid CIDR address: typo"');
  });

  test("POD_POOL_REQUEST_INVALID also for an unknown IPv6 pool when only IPv4 is requested (the CNI plugin resolves both)", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 1, { annotations: { ipv6pools: ["typo6"] } })] } });
    expect(only(r, "POD_POOL_REQUEST_INVALID").message).toMatch(/get no IPv6 address/);
  });

  test("POD_FIXED_ADDRESS_REJECTED explains replicas sharing one address", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 3, { annotations: { ipAddrs: ["10.0.0.9"] } })] } });
    const f = only(r, "POD_FIXED_ADDRESS_REJECTED");
    expect(f.message).toMatch(/^2 of 3 pods .*"Address already assigned in block".*with replicas > 1 every replica asks for the same address/);
  });

  test("POD_WINDOWS_STRICT_AFFINITY and WINDOWS_REQUIRES_STRICT_AFFINITY", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: [{ name: "win-1", os: "windows" }], workloads: [on("win-1", "w", 1)] } });
    expect(only(r, "POD_WINDOWS_STRICT_AFFINITY").severity).toBe("error");
    expect(only(r, "WINDOWS_REQUIRES_STRICT_AFFINITY").message).toMatch(/^1 Windows node\(s\) \(win-1\) need strictAffinity: true/);
  });

  test("POD_UNSCHEDULABLE says it is not an IPAM problem", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("n1"), workloads: [{ name: "w", namespace: "default", replicas: 1, nodeSelector: { gpu: "yes" } }] } });
    expect(only(r, "POD_UNSCHEDULABLE").message).toBe(
      '1 of 1 pods of default/w cannot be scheduled: no node has the labels of its nodeSelector {"gpu":"yes"}. This is a scheduling problem, not an IPAM one: add nodes with those labels or fix the nodeSelector',
    );
  });

  test("TUNNEL_ADDRESS_FAILED when an encapsulated pool has no block for a node", () => {
    const r = simulate({
      pools: [pool("ipip", "10.0.0.0/26", { ipipMode: "Always" })],
      ipamConfiguration: ipam({ strictAffinity: true }),
      topology: { nodes: nodes("n1", "n2", "n3") },
    });
    const f = only(r, "TUNNEL_ADDRESS_FAILED");
    expect(f.path).toMatch(/^nodes\.n\d$/);
    expect(f.message).toMatch(/^2 node\(s\) \(n\d, n\d\) get no ipipTunnelAddress: "Assigned 0 out of 1 requested IPv4 addresses; No more free affine blocks and strict affinity enabled"/);
  });

  test("POOL_EXHAUSTED when a node needed a block and no later pool had one", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/26")], topology: { nodes: nodes("n1", "n2"), workloads: [{ name: "w", namespace: "default", replicas: 2 }] } });
    const f = only(r, "POOL_EXHAUSTED");
    expect(f).toMatchObject({ severity: "error", path: "pools.p" });
    expect(f.message).toMatch(/^IP pool "p" \(10\.0\.0\.0\/26\) ran out of blocks: all 1 \/26 blocks are claimed or reserved, and nodes needed 1 more \(first: n2\); 1 of these requests found no later pool/);
  });

  test.each([
    [{ name: "", namespace: "default", replicas: 1 }, "a workload needs a non-empty name and namespace"],
    [{ name: "w", namespace: "default", replicas: -1 }, "replicas must be a whole number of 0 or more, got -1"],
    [{ name: "w", namespace: "default", replicas: 1, ipFamilies: ["IPv5"] }, 'ipFamilies may only hold "IPv4" and "IPv6", got "IPv5"'],
  ])("TOPOLOGY_INVALID for workload %p", (w, message) => {
    const r = simulate({ pools: [], topology: { nodes: [], workloads: [w as never] } });
    expect(only(r, "TOPOLOGY_INVALID").message).toBe(message);
  });

  test("TOPOLOGY_DUPLICATE_NODE, _NAMESPACE and _WORKLOAD", () => {
    const r = simulate({
      pools: [],
      topology: {
        nodes: [{ namePattern: "n{i}", count: 2 }, { name: "n2" }],
        namespaces: [{ name: "a" }, { name: "a" }],
        workloads: [{ name: "w", namespace: "a", replicas: 0 }, { name: "w", namespace: "a", replicas: 0 }, { name: "w", namespace: "default", replicas: 0 }],
      },
    });
    expect(only(r, "TOPOLOGY_DUPLICATE_NODE")).toMatchObject({ path: "nodes.n2" });
    expect(only(r, "TOPOLOGY_DUPLICATE_NAMESPACE")).toMatchObject({ path: "namespaces.a" });
    expect(only(r, "TOPOLOGY_DUPLICATE_WORKLOAD").message).toMatch(/declared twice in namespace "a"/);
    expect(r.nodes).toHaveLength(2);
  });
});

describe("warnings", () => {
  test("POOL_EXHAUSTED_SPILLOVER when a later pool served every node", () => {
    const r = simulate({ pools: [pool("a", "10.0.0.0/26"), pool("b", "10.1.0.0/24")], topology: { nodes: nodes("n1", "n2"), workloads: [{ name: "w", namespace: "default", replicas: 2 }] } });
    expect(only(r, "POOL_EXHAUSTED_SPILLOVER")).toMatchObject({ severity: "warning", path: "pools.a" });
    expect(r.findings.some((f) => f.severity === "error")).toBe(false);
  });

  test("BORROWED_ADDRESSES names the nodes and the routing cost", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/25")], topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-a", "a1", 1), on("host-b", "b1", 1), on("host-a", "a64", 64)] } });
    expect(only(r, "BORROWED_ADDRESSES").message).toBe(
      '1 address(es) of pool "p" are borrowed from other nodes\' blocks by 1 node(s): host-a (1). Each borrowed address needs its own /32 route, so routes no longer aggregate per block. Give these nodes room in their own blocks: a larger pool, or strictAffinity: true to fail instead of borrowing',
    );
  });

  test("POOL_UTILIZATION_HIGH above the threshold, by addresses or by blocks", () => {
    const input = { pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("n1", "n2", "n3", "n4"), workloads: [{ name: "w", namespace: "default", replicas: 4 }] } };
    const r = simulate(input);
    expect(only(r, "POOL_UTILIZATION_HIGH").message).toMatch(/^IP pool "p" \(10\.0\.0\.0\/24\) is 2% used by addresses and 100% by blocks \(4 of 4\), above 80%: room is left for 0 more node\(s\) like the current ones and 252 more pod address\(es\)/);
    expect(simulate({ ...input, utilizationThreshold: 1 }).findings.filter((f) => f.code === "POOL_UTILIZATION_HIGH")).toEqual([]);
  });

  test("NODE_NO_POOL lists the nodes no pool selects", () => {
    const r = simulate({
      pools: [pool("rack-a", "10.0.0.0/16", { nodeSelector: 'rack == "a"' })],
      topology: { nodes: [{ name: "a1", labels: { rack: "a" } }, { namePattern: "b{i}", count: 7, labels: { rack: "b" } }], workloads: [{ name: "w", namespace: "default", replicas: 0 }] },
    });
    const f = only(r, "NODE_NO_POOL");
    expect(f.path).toBe("nodes.b1");
    expect(f.message).toMatch(/^7 node\(s\) \(b1, b2, b3, b4, b5 and 2 more\) are selected by no enabled Automatic IPv4 pool/);
  });

  test("POOL_SELECTS_NO_NODE", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/16"), pool("gpu", "10.1.0.0/16", { nodeSelector: "has(gpu)" })], topology: { nodes: nodes("n1") } });
    expect(only(r, "POOL_SELECTS_NO_NODE")).toMatchObject({ path: "pools.gpu" });
  });

  test("NAMESPACE_BINDING_NO_NODE when a namespace's pool selects no node", () => {
    const r = simulate({
      pools: [pool("general", "10.0.0.0/16"), pool("red", "10.1.0.0/16", { namespaceSelector: 'team == "red"', nodeSelector: "has(red)", allowedUses: ["Workload"] })],
      topology: { nodes: nodes("n1"), namespaces: [{ name: "red-ns", labels: { team: "red" } }], workloads: [{ name: "w", namespace: "red-ns", replicas: 1 }] },
    });
    expect(only(r, "NAMESPACE_BINDING_NO_NODE").message).toMatch(/^namespace "red-ns" is bound to IP pool "red" by its namespaceSelector/);
    // The pods fall back to the general pool: warned, not failed.
    expect(r.summary.podsAllocated).toBe(1);
  });

  test("NAMESPACE_UNSERVABLE when no node can serve a namespace's binding", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/16")],
      topology: { nodes: nodes("n1"), namespaces: [{ name: "legacy", annotations: { ipv4pools: ["gone"] } }] },
    });
    expect(only(r, "NAMESPACE_UNSERVABLE").message).toBe(
      'no node can give pods of namespace "legacy" an IPv4 address through its pool binding (namespaceSelector or annotation): Calico says "error parsing pool "gone": invalid CIDR address: gone". Make a pool that selects both the namespace and some nodes, or fix the annotation',
    );
  });

  test("NAMESPACE_UNDECLARED, except Kubernetes' own namespaces", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/16")], topology: { nodes: nodes("n1"), workloads: [{ name: "a", namespace: "shop", replicas: 0 }, { name: "b", namespace: "kube-system", replicas: 0 }] } });
    expect(only(r, "NAMESPACE_UNDECLARED")).toMatchObject({ path: "namespaces.shop" });
  });

  test("MAX_BLOCKS_PER_HOST_DEFAULT when the limit is unset and a node comes close to 20 blocks", () => {
    const busy = { pools: [pool("p", "10.0.0.0/16")], ipamConfiguration: ipam(), topology: { nodes: [{ name: "n1", maxPods: 1000 }], workloads: [on("n1", "w", 640)] } };
    expect(only(simulate(busy), "MAX_BLOCKS_PER_HOST_DEFAULT")).toMatchObject({
      path: "ipamConfiguration.maxBlocksPerHost",
      message: "maxBlocksPerHost is not set, which Calico enforces as 20 blocks per node and IP family, not as unlimited (calico#9462); the busiest node, n1, owns 10. Set the limit you mean explicitly",
    });
    // An explicit 0 is explained by the configuration's own validation (IPAM_CONFIG_MAX_BLOCKS_ZERO), not twice.
    expect(simulate({ ...busy, ipamConfiguration: ipam({ maxBlocksPerHost: 0 }) }).findings.filter((f) => f.code === "MAX_BLOCKS_PER_HOST_DEFAULT")).toEqual([]);
    // A node far from the limit gets no warning.
    expect(simulate({ ...busy, topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 70)] } }).findings.filter((f) => f.code === "MAX_BLOCKS_PER_HOST_DEFAULT")).toEqual([]);
    expect(simulate({ pools: [pool("p", "10.0.0.0/16")], ipamConfiguration: ipam({ maxBlocksPerHost: 4 }), topology: { nodes: nodes("n1") } }).findings).toEqual([]);
  });

  test("POOL_NOT_SIMULATED for overlapping pools: the later name is left out", () => {
    const r = simulate({ pools: [pool("b", "10.0.0.0/24"), pool("a", "10.0.0.0/16")], topology: { nodes: nodes("n1"), workloads: [on("n1", "w", 1)] } });
    expect(only(r, "POOL_NOT_SIMULATED")).toMatchObject({ path: "pools.b" });
    expect(r.pods[0].ipv4Pool).toBe("a");
    expect(r.pools.find((p) => p.name === "b")?.allocatable).toBe(false);
  });

  test("a clean plan has no findings", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/16"), pool("v6", "fd00::/48")],
      reservations: cidrs("10.0.255.0/24"),
      ipamConfiguration: ipam({ strictAffinity: true, maxBlocksPerHost: 8 }),
      cni: { assignIpv6: true },
      topology: { nodes: [{ namePattern: "n{i:2}", count: 12 }], namespaces: [{ name: "shop" }], workloads: [{ name: "web", namespace: "shop", replicas: 300 }] },
    });
    expect(r.findings).toEqual([]);
    expect(r.nodes[0].name).toBe("n01");
  });
});
