/**
 * One scenario per step of Calico's allocation (reference §5), with the exact blocks and addresses.
 *
 * Start blocks are Calico's: Go's math/rand seeded with FNV-1-32(host), big.Int.Rand over the block
 * count (checked against Go's own outputs in random-block.test.ts). In a pool of 4 blocks host-a and
 * host-d start at block 0, host-b and host-c at block 2, win-1 at 2; in a pool of 2 blocks host-a and
 * host-b start at 0.
 */
import { codes, cidrs, ipam, on, owners, podsOf, pool, simulate } from "./helpers";

const nodes = (...names: string[]) => names.map((name) => ({ name }));

describe("affine blocks first", () => {
  test("a node fills its own block, lowest address first, before it claims the next one", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("host-a"), workloads: [on("host-a", "web", 65)] } });
    const pods = podsOf(r, "web");
    expect(pods[0].ipv4).toBe("10.0.0.0");
    expect(pods[63].ipv4).toBe("10.0.0.63");
    expect(pods[64].ipv4).toBe("10.0.0.64");
    expect(r.blocks.map((b) => [b.cidr, b.owner, b.inUse])).toEqual([
      ["10.0.0.0/26", "host-a", 64],
      ["10.0.0.64/26", "host-a", 1],
    ]);
  });

  test("each host starts at its own block and walks on from a claimed one", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24")],
      topology: { nodes: nodes("host-a", "host-b", "host-c", "host-d"), workloads: [{ name: "web", namespace: "default", replicas: 4 }] },
    });
    // host-d starts where host-a did (block 0) and takes the next, host-c where host-b did (block 2).
    expect(owners(r)).toEqual({ "10.0.0.0/26": "host-a", "10.0.0.64/26": "host-d", "10.0.0.128/26": "host-b", "10.0.0.192/26": "host-c" });
  });
});

describe("new blocks come from the first eligible pool in name order", () => {
  test("declaration order does not matter, and the next pool is used only when the first has no block left", () => {
    const r = simulate({
      pools: [pool("b-pool", "10.1.0.0/24"), pool("a-pool", "10.2.0.0/26")],
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "web", 65)] },
    });
    const pods = podsOf(r, "web");
    expect(pods[0]).toMatchObject({ ipv4: "10.2.0.0", ipv4Pool: "a-pool" });
    expect(pods[64]).toMatchObject({ ipv4: "10.1.0.0", ipv4Pool: "b-pool" });
    expect(r.findings.find((f) => f.path === "pools.a-pool")).toMatchObject({ severity: "warning", code: "POOL_EXHAUSTED_SPILLOVER" });
  });
});

describe("borrowing", () => {
  // ipam_test.go: pool 10.0.0.0/25, host-a takes 1, host-b takes 1, host-a asks for 64 -> 63 + 1 borrowed.
  const input = {
    pools: [pool("p", "10.0.0.0/25")],
    topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-a", "a1", 1), on("host-b", "b1", 1), on("host-a", "a64", 64)] },
  };

  test("happens only when no block is left, from another host's block", () => {
    const r = simulate(input);
    const pods = podsOf(r, "a64");
    expect(pods.filter((p) => p.ipv4 !== null)).toHaveLength(64);
    expect(pods.filter((p) => !p.ipv4Borrowed).map((p) => p.ipv4)).toHaveLength(63);
    expect(pods[63]).toMatchObject({ ipv4: "10.0.0.65", ipv4Borrowed: true });
    expect(r.blocks.find((b) => b.cidr === "10.0.0.64/26")).toMatchObject({ owner: "host-b", inUse: 2, borrowedBy: 1, borrowers: ["host-a"] });
    expect(r.nodes.find((n) => n.name === "host-a")?.ipv4).toEqual({ addresses: 65, blocks: 1, borrowed: 1 });
    expect(codes(r)).toEqual(expect.arrayContaining(["BORROWED_ADDRESSES", "POOL_EXHAUSTED"]));
  });

  test("strict affinity stops it", () => {
    const r = simulate({ ...input, ipamConfiguration: ipam({ strictAffinity: true }) });
    const pods = podsOf(r, "a64");
    expect(pods.filter((p) => p.ipv4 !== null)).toHaveLength(63);
    expect(pods[63]).toMatchObject({
      ipv4: null,
      errorCode: "POD_POOLS_EXHAUSTED",
      error: "failed to request IPv4 addresses: Assigned 0 out of 1 requested IPv4 addresses; No more free affine blocks and strict affinity enabled",
    });
    expect(r.summary.borrowedAddresses).toBe(0);
  });

  test("when every address is taken, Calico names the pools it walked", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/26")], topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-a", "a", 64), on("host-b", "b", 1)] } });
    expect(podsOf(r, "b")[0].error).toBe("failed to request IPv4 addresses: Assigned 0 out of 1 requested IPv4 addresses; No IPs available in pools: [10.0.0.0/26]");
  });
});

describe("maxBlocksPerHost", () => {
  test("at the limit the pod fails, without borrowing from a block with room", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24")],
      ipamConfiguration: ipam({ maxBlocksPerHost: 1 }),
      topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-b", "b", 1), on("host-a", "a", 65)] },
    });
    expect(podsOf(r, "a")[64]).toMatchObject({
      ipv4: null,
      errorCode: "POD_BLOCK_LIMIT",
      error: "failed to request IPv4 addresses: Assigned 0 out of 1 requested IPv4 addresses; Need to allocate an IPAM block but could not - limit of 1 blocks reached for this node",
    });
    expect(r.summary.borrowedAddresses).toBe(0);
  });

  test("0 means 20, not unlimited", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24", { blockSize: 32 })],
      ipamConfiguration: ipam({ maxBlocksPerHost: 0 }),
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "a", 21)] },
    });
    expect(podsOf(r, "a")[20].error).toMatch(/limit of 20 blocks reached for this node$/);
    expect(r.nodes[0].ipv4.blocks).toBe(20);
  });

  test("is counted per family, over the pools eligible for the request", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24"), pool("q", "10.1.0.0/24", { assignmentMode: "Manual" }), pool("v6", "fd00::/120")],
      ipamConfiguration: ipam({ maxBlocksPerHost: 1 }),
      cni: { assignIpv6: true },
      topology: {
        nodes: nodes("host-a"),
        workloads: [on("host-a", "in-q", 1, { annotations: { ipv4pools: ["q"] } }), on("host-a", "in-p", 1)],
      },
    });
    expect(r.summary.podsFailed).toBe(0);
    expect(r.nodes[0].ipv4.blocks).toBe(2);
    expect(r.nodes[0].ipv6.blocks).toBe(1);
  });
});

describe("Windows nodes", () => {
  const win = { name: "win-1", os: "windows" as const, maxPods: 300 };

  test("reserve 3 + 1 addresses per block: a /24 with /26 blocks yields 240", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], ipamConfiguration: ipam({ strictAffinity: true }), topology: { nodes: [win], workloads: [on("win-1", "w", 241)] } });
    const pods = podsOf(r, "w");
    expect(pods.filter((p) => p.ipv4 !== null)).toHaveLength(240);
    expect(pods[0].ipv4).toBe("10.0.0.131");
    expect(pods[240].error).toBe(
      "failed to request IPv4 addresses: Assigned 0 out of 1 requested IPv4 addresses; No more free affine blocks and strict affinity enabled; HostReservedAttr: windows-reserved-ipam-handle",
    );
    expect(r.blocks.every((b) => b.reserved === 4 && b.inUse === 60)).toBe(true);
    expect(r.pools[0]).toMatchObject({ addressesInUse: 240, addressesWindowsReserved: 16, utilization: 1 });
  });

  test("skip IPv4 pools with blocks smaller than /29", () => {
    const r = simulate({
      pools: [pool("tiny-blocks", "10.0.0.0/24", { blockSize: 30 })],
      ipamConfiguration: ipam({ strictAffinity: true }),
      topology: { nodes: [win, { name: "linux-1" }], workloads: [on("win-1", "w", 1), on("linux-1", "l", 1)] },
    });
    expect(podsOf(r, "w")[0]).toMatchObject({ errorCode: "POD_NO_MATCHING_POOL", error: "cannot find a qualified ippool" });
    expect(podsOf(r, "l")[0].ipv4).not.toBeNull();
  });

  test("require strict affinity", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: [win], workloads: [on("win-1", "w", 1)] } });
    expect(podsOf(r, "w")[0]).toMatchObject({ errorCode: "POD_WINDOWS_STRICT_AFFINITY", error: "global strict affinity should not be false for Windows node" });
    expect(r.findings.find((f) => f.code === "WINDOWS_REQUIRES_STRICT_AFFINITY")).toMatchObject({ severity: "error", path: "ipamConfiguration.strictAffinity" });
  });
});

describe("IP reservations", () => {
  // ipam_test.go "Reservation tests": a /26 with reservations 10.0.0.1/32, 10.0.0.32/30, 10.0.0.17/32 yields 58 of 64.
  const reservations = cidrs("10.0.0.1/32", "10.0.0.32/30", "10.0.0.17/32", "11.0.0.0/30");

  test("are never auto-assigned", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/26")], reservations, topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 64)] } });
    const got = podsOf(r, "w").flatMap((p) => (p.ipv4 ? [p.ipv4] : []));
    expect(got).toHaveLength(58);
    for (const reserved of ["10.0.0.1", "10.0.0.17", "10.0.0.32", "10.0.0.33", "10.0.0.34", "10.0.0.35"]) expect(got).not.toContain(reserved);
    expect(r.blocks[0]).toMatchObject({ ipReserved: 6, inUse: 58, free: 0 });
    expect(r.pools[0].addressesIpReserved).toBe("6");
  });

  test("and the Windows reservation together leave 64 - 4 - 5 = 55", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/26")],
      reservations,
      ipamConfiguration: ipam({ strictAffinity: true }),
      topology: { nodes: [{ name: "win-1", os: "windows" }], workloads: [on("win-1", "w", 64)] },
    });
    expect(r.summary.podsAllocated).toBe(55);
  });

  test("a wholly reserved block is skipped", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], reservations: cidrs("10.0.0.64/26"), topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1)] } });
    // host-a starts at block 0; the reservation covers block 1, which no host ever claims.
    expect(owners(r)).toEqual({ "10.0.0.0/26": "host-a" });
    expect(r.pools[0].headroom.freeBlocks).toBe("2");
  });
});

describe("named pools and pool states", () => {
  const pools = [pool("pinned", "10.5.0.0/24", { nodeSelector: "!all()" }), pool("general", "10.9.0.0/16")];

  test("a namespace annotation names a pool whose selector matches no node", () => {
    const r = simulate({
      pools,
      topology: {
        nodes: nodes("host-a"),
        namespaces: [{ name: "legacy", annotations: { ipv4pools: ["pinned"] } }, { name: "default" }],
        workloads: [{ name: "old", namespace: "legacy", replicas: 2 }, { name: "new", namespace: "default", replicas: 1 }],
      },
    });
    expect(podsOf(r, "old").map((p) => p.ipv4Pool)).toEqual(["pinned", "pinned"]);
    expect(podsOf(r, "new")[0].ipv4Pool).toBe("general");
  });

  test("the CNI configuration names pools by CIDR", () => {
    const r = simulate({ pools, cni: { ipv4Pools: ["10.5.0.0/24"] }, topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1)] } });
    expect(podsOf(r, "w")[0].ipv4Pool).toBe("pinned");
  });

  test("disabled and Manual pools serve no selector-based request", () => {
    const r = simulate({
      pools: [pool("old", "10.1.0.0/24", { disabled: true }), pool("manual", "10.2.0.0/24", { assignmentMode: "Manual" })],
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1), on("host-a", "named", 1, { annotations: { ipv4pools: ["manual"] } })] },
    });
    expect(podsOf(r, "w")[0]).toMatchObject({ errorCode: "POD_NO_MATCHING_POOL", error: "no configured Calico pools for node host-a" });
    expect(podsOf(r, "named")[0].ipv4Pool).toBe("manual");
  });

  test("a named disabled pool fails the request", () => {
    const r = simulate({
      pools: [pool("old", "10.1.0.0/24", { disabled: true }), pool("new", "10.2.0.0/24")],
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1, { annotations: { ipv4pools: ["old"] } })] },
    });
    expect(podsOf(r, "w")[0]).toMatchObject({ errorCode: "POD_POOL_REQUEST_INVALID", error: "the given pool (10.1.0.0/24) does not exist, or is not enabled" });
  });

  test("a pool that only allows tunnels serves no pod", () => {
    const r = simulate({ pools: [pool("t", "10.1.0.0/24", { allowedUses: ["Tunnel"] })], topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1)] } });
    expect(podsOf(r, "w")[0].error).toBe("cannot find a qualified ippool, no pools match the required use (Workload)");
  });
});

describe("tunnel addresses", () => {
  test("every node of an IPIP pool gets one, before any pod", () => {
    const r = simulate({
      pools: [pool("ipip", "10.0.0.0/24", { ipipMode: "Always" })],
      topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-a", "a", 1), on("host-b", "b", 1)] },
    });
    expect(r.nodes.map((n) => n.tunnelAddresses)).toEqual([
      [{ type: "ipipTunnelAddress", address: "10.0.0.0", pool: "ipip", borrowed: false }],
      [{ type: "ipipTunnelAddress", address: "10.0.0.128", pool: "ipip", borrowed: false }],
    ]);
    expect(podsOf(r, "a")[0].ipv4).toBe("10.0.0.1");
    expect(podsOf(r, "b")[0].ipv4).toBe("10.0.0.129");
    expect(r.summary.tunnelAddresses).toBe(2);
  });

  test("a Tunnel-only pool takes the tunnels, the Workload pool the pods; VXLAN also on IPv6", () => {
    const r = simulate({
      pools: [
        pool("tun", "10.8.0.0/24", { vxlanMode: "Always", allowedUses: ["Tunnel"] }),
        pool("pods", "10.9.0.0/24", { allowedUses: ["Workload"] }),
        pool("v6", "fd00::/120", { vxlanMode: "Always" }),
      ],
      cni: { assignIpv6: true },
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "a", 1)] },
    });
    expect(r.nodes[0].tunnelAddresses).toEqual([
      { type: "vxlanTunnelAddress", address: "10.8.0.0", pool: "tun", borrowed: false },
      { type: "vxlanV6TunnelAddress", address: "fd00::", pool: "v6", borrowed: false },
    ]);
    expect(podsOf(r, "a")[0]).toMatchObject({ ipv4: "10.9.0.0", ipv4Pool: "pods", ipv6: "fd00::1", ipv6Pool: "v6" });
  });

  test("pools without encapsulation give no tunnel address", () => {
    const r = simulate({ pools: [pool("p", "10.0.0.0/24")], topology: { nodes: nodes("host-a") } });
    expect(r.nodes[0].tunnelAddresses).toEqual([]);
    expect(r.blocks).toEqual([]);
  });
});

describe("dual stack", () => {
  test("a pod that cannot get IPv6 gives its IPv4 address back, which goes to the tail of the block", () => {
    const r = simulate({
      pools: [pool("v4", "10.0.0.0/24"), pool("v6", "fd00::/122")],
      ipamConfiguration: ipam({ strictAffinity: true }),
      cni: { assignIpv6: true },
      topology: {
        nodes: nodes("host-a", "host-b"),
        workloads: [on("host-a", "w1", 1), on("host-b", "w2", 1), on("host-b", "w3", 1, { ipFamilies: ["IPv4"] })],
      },
    });
    expect(podsOf(r, "w1")[0]).toMatchObject({ ipv4: "10.0.0.0", ipv6: "fd00::" });
    expect(podsOf(r, "w2")[0]).toMatchObject({
      ipv4: null,
      ipv6: null,
      errorCode: "POD_POOLS_EXHAUSTED",
      error: "failed to request IPv6 addresses: Assigned 0 out of 1 requested IPv6 addresses; No more free affine blocks and strict affinity enabled",
    });
    // The block host-b claimed for the failed pod stays affine to it; .128 was released to the tail.
    expect(podsOf(r, "w3")[0].ipv4).toBe("10.0.0.129");
    expect(r.blocks.find((b) => b.cidr === "10.0.0.128/26")).toMatchObject({ owner: "host-b", inUse: 1 });
  });

  test("a pod short of IPv4 still claims its IPv6 block before it gives the address back", () => {
    const r = simulate({
      pools: [pool("v4", "10.0.0.0/26"), pool("v6", "fd00::/120")],
      ipamConfiguration: ipam({ strictAffinity: true }),
      cni: { assignIpv6: true },
      topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-a", "w1", 1), on("host-b", "w2", 1)] },
    });
    expect(podsOf(r, "w2")[0]).toMatchObject({ ipv6: null, error: expect.stringMatching(/^failed to request IPv4 addresses: Assigned 0 out of 1/) });
    expect(r.blocks.filter((b) => b.owner === "host-b")).toEqual([expect.objectContaining({ cidr: "fd00::80/122", inUse: 0, free: 64 })]);
  });
});

describe("autoAllocateBlocks: false", () => {
  test("nodes claim no new blocks; fixed addresses still claim theirs, which later pods use", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24")],
      ipamConfiguration: ipam({ strictAffinity: true, autoAllocateBlocks: false }),
      topology: {
        nodes: nodes("host-a", "host-b"),
        workloads: [on("host-b", "lost", 1), on("host-a", "fixed", 1, { annotations: { ipAddrs: ["10.0.0.5"] } }), on("host-a", "auto", 2)],
      },
    });
    expect(podsOf(r, "lost")[0]).toMatchObject({ errorCode: "POD_NEW_BLOCKS_DISABLED", error: "failed to find or claim a block" });
    expect(podsOf(r, "fixed")[0].ipv4).toBe("10.0.0.5");
    expect(podsOf(r, "auto").map((p) => p.ipv4)).toEqual(["10.0.0.0", "10.0.0.1"]);
    expect(owners(r)).toEqual({ "10.0.0.0/26": "host-a" });
  });
});

describe("fixed addresses (cni.projectcalico.org/ipAddrs)", () => {
  const p = pool("p", "10.0.0.0/24");

  test("are assigned exactly, claim their block for the host, and auto-assign skips them", () => {
    const r = simulate({
      pools: [p],
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "fixed", 1, { annotations: { ipAddrs: ["10.0.0.66"] } }), on("host-a", "auto", 3)] },
    });
    expect(podsOf(r, "fixed")[0]).toMatchObject({ ipv4: "10.0.0.66", ipv4Pool: "p" });
    expect(podsOf(r, "auto").map((x) => x.ipv4)).toEqual(["10.0.0.64", "10.0.0.65", "10.0.0.67"]);
    expect(owners(r)).toEqual({ "10.0.0.64/26": "host-a" });
  });

  test("outside every enabled pool are refused", () => {
    const r = simulate({ pools: [p], topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1, { annotations: { ipAddrs: ["192.168.0.1"] } })] } });
    expect(podsOf(r, "w")[0]).toMatchObject({ errorCode: "POD_FIXED_ADDRESS_REJECTED", error: "The provided IP address is not in a configured pool" });
  });

  test("asked for twice: the second pod fails", () => {
    const r = simulate({ pools: [p], topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 2, { annotations: { ipAddrs: ["10.0.0.200"] } })] } });
    expect(podsOf(r, "w").map((x) => x.error)).toEqual([null, "Address already assigned in block"]);
  });

  test("in another host's block: borrowed, or refused with strict affinity", () => {
    const workloads = [on("host-b", "b", 1), on("host-a", "w", 1, { annotations: { ipAddrs: ["10.0.0.130"] } })];
    const loose = simulate({ pools: [p], topology: { nodes: nodes("host-a", "host-b"), workloads } });
    expect(podsOf(loose, "w")[0]).toMatchObject({ ipv4: "10.0.0.130", ipv4Borrowed: true });
    const strict = simulate({ pools: [p], ipamConfiguration: ipam({ strictAffinity: true }), topology: { nodes: nodes("host-a", "host-b"), workloads } });
    expect(podsOf(strict, "w")[0].error).toBe("Block host affinity does not match");
  });

  test("ignore maxBlocksPerHost and IP reservations", () => {
    const r = simulate({
      pools: [p],
      reservations: cidrs("10.0.0.200/32"),
      ipamConfiguration: ipam({ strictAffinity: true, maxBlocksPerHost: 1 }),
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "auto", 1), on("host-a", "w", 1, { annotations: { ipAddrs: ["10.0.0.200"] } })] },
    });
    expect(podsOf(r, "w")[0].ipv4).toBe("10.0.0.200");
    expect(r.nodes[0].ipv4.blocks).toBe(2);
  });

  test("request only the families they list", () => {
    const r = simulate({
      pools: [p, pool("v6", "fd00::/120")],
      cni: { assignIpv6: true },
      topology: { nodes: nodes("host-a"), workloads: [on("host-a", "w", 1, { annotations: { ipAddrs: ["fd00::7"] } })] },
    });
    expect(podsOf(r, "w")[0]).toMatchObject({ ipv4: null, ipv6: "fd00::7", error: null });
  });
});

describe("scale without walking blocks", () => {
  test("an IPv6 /64 pool of 2^58 blocks", () => {
    const r = simulate({
      pools: [pool("v6", "fd00:1::/64")],
      cni: { assignIpv4: false, assignIpv6: true },
      topology: { nodes: [{ namePattern: "n-{i}", count: 3 }], workloads: [{ name: "w", namespace: "default", replicas: 300 }] },
    });
    expect(r.summary.podsAllocated).toBe(300);
    expect(r.pools[0]).toMatchObject({ blocksTotal: "288230376151711744", blocksClaimed: 6, addressesTotal: "18446744073709551616" });
    expect(r.pools[0].headroom.freeBlocks).toBe("288230376151711738");
  });
});

describe("placement", () => {
  test("replicas spread to the node with the fewest pods, ties in natural name order", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/16")],
      topology: { nodes: [{ namePattern: "n-{i}", count: 10 }], workloads: [{ name: "w", namespace: "default", replicas: 12 }] },
    });
    expect(podsOf(r, "w").map((x) => x.node)).toEqual(["n-1", "n-2", "n-3", "n-4", "n-5", "n-6", "n-7", "n-8", "n-9", "n-10", "n-1", "n-2"]);
  });

  test("a pod no node can take is unschedulable, not an IPAM failure", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/16")],
      topology: { nodes: [{ name: "host-a", maxPods: 1 }], workloads: [{ name: "w", namespace: "default", replicas: 2 }, { name: "gpu", namespace: "default", replicas: 1, nodeSelector: { gpu: "yes" } }] },
    });
    expect(podsOf(r, "w")[1]).toMatchObject({ node: null, errorCode: "POD_UNSCHEDULABLE" });
    expect(r.summary).toMatchObject({ podsScheduled: 1, podsUnschedulable: 2, podsFailed: 0 });
  });
});

describe("usage and headroom", () => {
  test("per pool: free blocks, blocks per node, more nodes and more pods", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24")],
      topology: { nodes: nodes("host-a", "host-b"), workloads: [on("host-a", "a", 10), on("host-b", "b", 10)] },
    });
    expect(r.pools[0]).toMatchObject({
      blocksTotal: "4",
      blocksClaimed: 2,
      addressesTotal: "256",
      addressesInUse: 20,
      nodesSelected: 2,
      nodesWithBlocks: 2,
      utilization: 20 / 256,
      blockUtilization: 0.5,
      headroom: { freeBlocks: "2", blocksPerNode: 1, moreNodes: "2", morePods: String(54 + 54 + 2 * 64) },
    });
  });

  test("per node and per group: pods before the first failure", () => {
    const r = simulate({
      pools: [pool("p", "10.0.0.0/24")],
      ipamConfiguration: ipam({ maxBlocksPerHost: 1 }),
      topology: { nodes: [{ namePattern: "host-{i}", count: 2, maxPods: 100 }], workloads: [{ name: "w", namespace: "default", replicas: 20 }] },
    });
    // Each node owns one /26 with 10 pods and may claim no other block: 54 more each.
    expect(r.nodes.map((n) => n.headroom.morePods)).toEqual([54, 54]);
    expect(r.nodeGroups).toEqual([{ group: "host-{i}", nodes: 2, pods: 20, podsFailed: 0, headroom: { moreNodes: "2", morePods: "108" } }]);
  });
});
