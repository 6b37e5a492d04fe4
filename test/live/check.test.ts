import * as path from "path";
import { Cidr } from "../../src/ip";
import { blockAffinityObject, buildInspectReport, inspectDump, ipamBlockObject, ipamHandleObject, readDumpFiles, renderInspectText } from "../../src/live";
import type { InspectFinding } from "../../src/live";
import { formatCount, formatGoPercent } from "../../src/report/format";
import { V1, blockWithOwners, node, podAlloc, podObject, pool, read } from "./helpers";

const root = path.resolve(__dirname, "..", "..");
const example = readDumpFiles([path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")]);
const report = buildInspectReport(example);
const find = (findings: readonly InspectFinding[], code: string, subject?: string) => findings.filter((f) => f.code === code && (subject === undefined || f.subject === subject));

describe("the shipped example dump carries every inconsistency inspect reports", () => {
  test.each([
    ["LEAKED_ADDRESS", "IPAMBlock/10-32-16-0-26", "warning", /10\.32\.16\.3 .* allocated to pod web\/frontend-7c9f8-gone1 on node rack-a-01, which is not in the dump \(deleted\): leaked/],
    ["LEAKED_ADDRESS", "IPAMBlock/10-32-17-0-26", "warning", /10\.32\.17\.0 .* pod web\/frontend-7c9f8-old09 on node rack-a-09/],
    ["IN_USE_NOT_ALLOCATED", "Pod/web/frontend-7c9f8-zz001", "error", /10\.32\.16\.70 is used by pod web\/frontend-7c9f8-zz001 and lies in an active IP pool, but Calico IPAM has no allocation/],
    ["IN_USE_OUTSIDE_POOLS", "Pod/default/sidecar-injector-0", "warning", /172\.20\.0\.5 .* outside every active IP pool/],
    ["BLOCK_POOL_DISABLED", "IPAMBlock/10-99-0-0-26", "warning", /disabled pool "legacy" still holds 1 allocated address: in use outside every active pool/],
    ["BLOCK_NO_POOL", "IPAMBlock/10-200-0-0-26", "error", /lies in no IP pool and holds 1 allocated address/],
    ["HANDLE_LEAKED", "IPAMHandle/k8s-pod-network.0badc0ffee0000000000000000000000000000000000000000000000000000ff", "warning", /has no address in any block: leaked/],
    ["HANDLE_MISSING", "IPAMBlock/10-200-0-0-26", "warning", /no IPAMHandle object exists/],
    ["BLOCK_OVERLAP", "IPAMBlock/10-32-32-32-27", "error", /Blocks 10\.32\.32\.0\/26 \(node rack-b-01\) and 10\.32\.32\.32\/27 \(node rack-b-02\) overlap/],
    ["BLOCK_SIZE_MISMATCH", "IPAMBlock/10-32-32-0-26", "warning", /is a \/26 but pool "rack-b" has blockSize 27/],
    ["AFFINITY_NODE_GONE", "BlockAffinity/rack-a-09-10-32-17-0-26", "warning", /affine to node "rack-a-09", which is not in the dump/],
    ["AFFINITY_WITHOUT_BLOCK", "BlockAffinity/rack-a-02-10-32-19-0-26", "warning", /confirmed affinity for block 10\.32\.19\.0\/26, but the block does not exist/],
    ["AFFINITY_STATE", "BlockAffinity/rack-b-02-10-32-33-0-27", "warning", /in state "pending"/],
    ["ADDRESS_BORROWED", "IPAMBlock/10-32-16-0-26", "warning", /1 address of block 10\.32\.16\.0\/26 \(affine to node rack-a-01\) is used by node rack-a-02: borrowed, so routes to it do not aggregate/],
    ["BLOCK_EMPTY_HELD", "IPAMBlock/10-32-18-0-26", "warning", /is empty but stays affine to node rack-a-01/],
    ["POOL_CREATED_BY_DEFAULT", "IPPool/default-ipv4-ippool", "warning", /no plan declares it; it still hands out addresses/],
    ["POOL_BLOCKS_EXHAUSTED", "IPPool/edge", "warning", /Every one of the 2 blocks of pool "edge"/],
  ])("%s on %s", (code, subject, severity, message) => {
    const [f] = find(report.findings, code, subject);
    expect(f).toMatchObject({ severity, source: "check" });
    expect(f.message).toMatch(message);
  });

  test("the counts are calicoctl ipam check's", () => {
    expect(report.checks).toEqual({
      blocks: 12,
      allocations: 19,
      activePools: 5,
      nodeTunnelAddresses: 5,
      workloadAddresses: 14,
      handles: 18,
      handlesWithAddresses: 17,
      leakedAddresses: 2,
      inUseOutsidePools: 1,
      inUseNotAllocated: 1,
      leakedHandles: 1,
      missingHandles: 1,
      invalidBlocks: 0,
      problems: 5,
    });
  });

  test("utilization per pool is the allocations of its blocks, in name order", () => {
    expect(report.pools.map((p) => [p.name, p.addressesTotal, p.addressesInUse, p.blocksClaimed])).toEqual([
      ["default-ipv4-ippool", "65536", 2, 1],
      ["edge", "128", 2, 2],
      ["legacy", "256", 1, 1],
      ["pods-v6", "18446744073709551616", 1, 1],
      ["rack-a", "4096", 8, 4],
      ["rack-b", "4096", 4, 2],
    ]);
  });

  test("a pod that uses its allocated address, a host-network pod and a node's tunnel address are not findings", () => {
    const subjects = report.findings.map((f) => f.subject);
    expect(subjects).not.toContain("Pod/web/frontend-7c9f8-x2kqp");
    expect(subjects).not.toContain("Pod/kube-system/kube-proxy-8x7dq");
    expect(report.findings.filter((f) => f.code === "LEAKED_ADDRESS")).toHaveLength(2);
  });
});

describe("the text report", () => {
  test("block rows give each block its own counts when blocks share a size or a use (the rows' count cells are made once per size and use)", () => {
    const sizes = [4, 16, 64, 4096];
    const blocks = Array.from({ length: 40 }, (_, i) => {
      const capacity = sizes[i % sizes.length];
      const inUse = Math.min(capacity, (i * 7) % 13);
      return { name: `b-${i}`, cidr: `10.${i}.0.0/${32 - Math.log2(capacity)}`, pool: report.pools[0].name, owner: null, capacity, inUse, free: capacity - inUse, borrowed: 0 };
    });
    const text = renderInspectText({ ...report, blocks }, { showBlocks: true });
    for (const b of blocks) {
      const line = text.split("\n").find((l) => l.includes(` ${b.cidr} `));
      const cells = line?.split("|").slice(1, -1).map((c) => c.trim());
      const pct = (n: number) => formatGoPercent(BigInt(n), BigInt(b.capacity));
      expect(cells).toEqual(["Block", b.cidr, formatCount(BigInt(b.capacity)), `${b.inUse} (${pct(b.inUse)}%)`, `${formatCount(BigInt(b.free))} (${pct(b.free)}%)`]);
    }
  });

  test("holds every finding of a report with more findings than a function call takes arguments (a dump without its handles)", () => {
    const many = { ...report, findings: Array.from({ length: 200_000 }, (_, i) => ({ ...report.findings[0], subject: `IPAMBlock/b-${i}` })) };
    const lines = renderInspectText(many).split("\n");
    const heads = lines.filter((l) => l.startsWith(`  ${report.findings[0].severity.toUpperCase()} ${report.findings[0].code} IPAMBlock/b-`));
    expect(heads).toHaveLength(200_000);
    expect(heads[199_999]).toContain("IPAMBlock/b-199999");
  });
});

describe("consistency checks on small dumps", () => {
  test("a consistent cluster has no findings", () => {
    const dump = read([pool("p", "10.0.0.0/24"), ...blockWithOwners("10.0.0.0/26", "n1", [podAlloc(0, "ns", "a", "n1")]), node("n1"), podObject("ns", "a", ["10.0.0.0"])]);
    expect(buildInspectReport(dump).findings).toEqual([]);
  });

  test("without pods, nodes or a check report, leaks are unknown rather than guessed", () => {
    const dump = read([pool("p", "10.0.0.0/24"), ...blockWithOwners("10.0.0.0/26", "n1", [podAlloc(0, "ns", "a", "n1")])]);
    const r = inspectDump(dump);
    expect(r.counts.leakedAddresses).toBeNull();
    expect(find(r.findings, "LEAKED_ADDRESS")).toEqual([]);
    expect(dump.notes.join("\n")).toMatch(/No pods in the dump: leaked addresses cannot be told/);
  });

  test("an address of a finished pod is leaked; two pods on one address are an error", () => {
    const dump = read([
      pool("p", "10.0.0.0/24"),
      ...blockWithOwners("10.0.0.0/26", "n1", [podAlloc(0, "ns", "done", "n1"), podAlloc(1, "ns", "a", "n1")]),
      podObject("ns", "done", ["10.0.0.0"], { phase: "Succeeded" }),
      podObject("ns", "a", ["10.0.0.1"]),
      podObject("ns", "b", ["10.0.0.1"]),
    ]);
    const r = inspectDump(dump);
    expect(find(r.findings, "LEAKED_ADDRESS")[0].message).toMatch(/pod ns\/done, which has finished/);
    expect(find(r.findings, "ADDRESS_MULTIPLE_OWNERS")[0]).toMatchObject({ severity: "error", subject: "Pod/ns/b", message: expect.stringMatching(/10\.0\.0\.1 is used by pod ns\/a and by pod ns\/b/) });
  });

  test("addresses in use are found in the blocks of every family and size, overlapping blocks included", () => {
    const dump = read([
      pool("v4", "10.0.0.0/16"),
      pool("v6", "fd00::/112", { blockSize: 122 }),
      // A /28 inside a /26 (a block size change): an address is allocated when either block holds it.
      ...blockWithOwners("10.0.0.0/26", "n1", [podAlloc(1, "ns", "a", "n1"), podAlloc(40, "ns", "far", "n1")]),
      ...blockWithOwners("10.0.0.0/28", null, [podAlloc(2, "ns", "b", "n1")]),
      ...blockWithOwners("10.0.255.192/26", null, [podAlloc(63, "ns", "last", "n1")]),
      ...blockWithOwners("fd00::/122", null, [podAlloc(3, "ns", "c", "n1")]),
      podObject("ns", "a", ["10.0.0.1"]),
      podObject("ns", "b", ["10.0.0.2"]),
      podObject("ns", "far", ["10.0.0.40"]),
      podObject("ns", "last", ["10.0.255.255"]),
      podObject("ns", "c", ["fd00::3"]),
      podObject("ns", "d", ["10.0.0.3"]), // in both blocks, allocated in neither
      podObject("ns", "e", ["10.0.0.41"]), // in the /26 only, past the /28
      podObject("ns", "f", ["fd00::5", "10.0.1.0"]), // in a pool, in no block
      podObject("ns", "g", ["10.0.0.1"]), // a's address
      podObject("ns", "h", ["fd00:0::3"]), // c's address, written otherwise
      podObject("ns", "i", ["10.1.0.0", "fd00::1:0"]), // outside the pools
      podObject("ns", "j", ["10.0.0.256"]),
    ]);
    const r = inspectDump(dump);
    const codes = (code: string) => find(r.findings, code).map((f) => `${f.subject} ${f.path}`);
    expect(codes("IN_USE_NOT_ALLOCATED")).toEqual(["Pod/ns/d status.podIPs[0]", "Pod/ns/e status.podIPs[0]", "Pod/ns/f status.podIPs[0]", "Pod/ns/f status.podIPs[1]"]);
    expect(codes("IN_USE_OUTSIDE_POOLS")).toEqual(["Pod/ns/i status.podIPs[0]", "Pod/ns/i status.podIPs[1]"]);
    expect(codes("ADDRESS_MULTIPLE_OWNERS")).toEqual(["Pod/ns/g status.podIPs[0]", "Pod/ns/h status.podIPs[0]"]);
    expect(codes("IN_USE_ADDRESS_INVALID")).toEqual(["Pod/ns/j status.podIPs[0]"]);
    expect(codes("LEAKED_ADDRESS")).toEqual([]);
    expect(r.counts).toMatchObject({ workloadAddresses: 14, inUseNotAllocated: 4, inUseOutsidePools: 2 });
  });

  test("a tunnel address no node records is leaked; Windows-reserved addresses never are", () => {
    const cidr = Cidr.parse("10.0.0.0/26");
    const dump = read([
      pool("p", "10.0.0.0/24"),
      ipamBlockObject({
        cidr,
        host: "n1",
        allocations: [
          { ordinal: 0, handle: "vxlan-tunnel-addr-n1", attributes: { node: "n1", type: "vxlanTunnelAddress" } },
          { ordinal: 1, handle: "windows-reserved-ipam-handle", attributes: { note: "windows" } },
        ],
      }),
      blockAffinityObject("n1", cidr),
      ipamHandleObject("vxlan-tunnel-addr-n1", { "10.0.0.0/26": 1 }),
      node("n1", "10.0.0.9"),
    ]);
    const r = inspectDump(dump);
    expect(find(r.findings, "LEAKED_ADDRESS").map((f) => f.path)).toEqual(["spec.allocations[0]"]);
    expect(find(r.findings, "LEAKED_ADDRESS")[0].message).toMatch(/a vxlanTunnelAddress address of node n1, which records another tunnel address/);
  });

  test("an affinity of one node for a block affine to another is stale; a block whose affinity object is missing is reported", () => {
    const cidr = Cidr.parse("10.0.0.0/26");
    const dump = read([pool("p", "10.0.0.0/24"), ipamBlockObject({ cidr, host: "n1", allocations: [{ ordinal: 0, handle: null, attributes: { node: "n1" } }] }), blockAffinityObject("n2", cidr), node("n1"), node("n2")]);
    const r = inspectDump(dump);
    expect(find(r.findings, "AFFINITY_STALE")[0].message).toMatch(/node "n2" holds an affinity for block 10\.0\.0\.0\/26, but the block is affine to node "n1"/);
    expect(find(r.findings, "BLOCK_AFFINITY_MISSING")[0]).toMatchObject({ subject: "IPAMBlock/10-0-0-0-26", path: "spec.affinity" });
  });

  test("a block of a deleted node with no affinity left is reported on the block", () => {
    const cidr = Cidr.parse("10.0.0.0/26");
    const r = inspectDump(read([pool("p", "10.0.0.0/24"), ipamBlockObject({ cidr, host: "gone", allocations: [] }), node("n1")]));
    expect(find(r.findings, "BLOCK_NODE_GONE")[0].message).toMatch(/affine to node gone, which is not in the dump/);
  });

  test("a handle whose per-block counts differ from the blocks is reported", () => {
    const dump = read([pool("p", "10.0.0.0/24"), ...blockWithOwners("10.0.0.0/26", null, [podAlloc(0, "ns", "a", "n1")]).map((o) => (o.kind === "IPAMHandle" ? ipamHandleObject("k8s-pod-network.ns-a", { "10.0.0.0/26": 3 }) : o))]);
    expect(find(inspectDump(dump).findings, "HANDLE_COUNT_MISMATCH")[0].message).toMatch(/records 3 in 10\.0\.0\.0\/26 but the blocks hold 1/);
  });

  test("overlapping pools are an error; overlapping blocks count the addresses allocated in both", () => {
    const dump = read([
      pool("a", "10.0.0.0/24"),
      pool("b", "10.0.0.128/25"),
      ipamBlockObject({ cidr: Cidr.parse("10.0.0.0/26"), host: null, allocations: [podAlloc(5, "ns", "x", "n1")] }),
      ipamBlockObject({ cidr: Cidr.parse("10.0.0.0/27"), host: null, allocations: [podAlloc(5, "ns", "y", "n1")] }),
    ]);
    const r = inspectDump(dump);
    expect(find(r.findings, "POOL_OVERLAP")[0].message).toMatch(/"a" \(10\.0\.0\.0\/24\) and "b" \(10\.0\.0\.128\/25\) overlap/);
    expect(find(r.findings, "BLOCK_OVERLAP")[0].message).toMatch(/and 1 of their addresses are allocated in both/);
  });

  test("a calicoctl ipam check report tells leaked addresses when the dump has no pods", () => {
    const dump = read([
      pool("p", "10.0.0.0/24"),
      ...blockWithOwners("10.0.0.0/26", "n1", [podAlloc(0, "ns", "a", "n1"), podAlloc(1, "ns", "b", "n1")]),
      {
        version: "v3.32.1",
        clusterGUID: "abc",
        clusterType: "k8s,kdd",
        datastoreLocked: false,
        clusterInformationRevision: "1",
        allocations: { "10.0.0.0": [{ ip: "10.0.0.0", inUse: true, owners: ["Workload(ns/a)"] }], "10.0.0.1": [{ ip: "10.0.0.1", pod: "b", namespace: "ns", inUse: false, owners: null }] },
        leakedHandles: [{ ID: "k8s-pod-network.old", UID: null, Revision: "5" }],
      },
    ]);
    const r = buildInspectReport(dump);
    expect(find(r.findings, "LEAKED_ADDRESS").map((f) => f.message)).toEqual([expect.stringMatching(/^10\.0\.0\.1 .* reported unused by calicoctl ipam check \(dump\.yaml\)/)]);
    expect(r.checkReports).toEqual([{ file: "dump.yaml", version: "v3.32.1", clusterGUID: "abc", clusterType: "k8s,kdd", datastoreLocked: false, addresses: 2, addressesNotInUse: 1, leakedHandles: 1 }]);
  });

  test("a default pool the plan declares is not reported", () => {
    const dump = read([pool("default-ipv4-ippool", "192.168.0.0/16")]);
    expect(find(inspectDump(dump).findings, "POOL_CREATED_BY_DEFAULT")).toHaveLength(1);
    expect(find(inspectDump(dump, { declaredPools: new Set(["default-ipv4-ippool"]) }).findings, "POOL_CREATED_BY_DEFAULT")).toEqual([]);
  });

  test("the same objects through Calico's API server (projectcalico.org/v3, defaults filled) and as stored agree", () => {
    const stored = pool("p", "10.0.0.0/24", {}, V1);
    const served = pool("p", "10.0.0.0/24", { blockSize: 26, ipipMode: "Never", vxlanMode: "Never", nodeSelector: "all()", allowedUses: ["Workload", "Tunnel"], assignmentMode: "Automatic" }, "projectcalico.org/v3");
    const dump = read([stored, served]);
    expect(dump.findings).toEqual([]);
    expect(dump.pools).toHaveLength(1);
    expect(dump.notes[0]).toBe("Calico objects read in crd.projectcalico.org/v1 and projectcalico.org/v3.");
  });
});
