import fc from "fast-check";
import { Cidr, parseAddress } from "../../src/ip";
import { choosePools, expandNodes, isPoolChoiceError, simulateAllocation, SimulationInput, SimulationResult } from "../../src/simulator";
import type { EffectiveIpPool } from "../../src/validation/ip-pool";
import { ipam, pool } from "./helpers";

const arbV4Pool = (k: number) =>
  fc
    .record({
      prefix: fc.integer({ min: 24, max: 28 }),
      blockSize: fc.integer({ min: 27, max: 30 }),
      nodeSelector: fc.constantFrom("all()", "all()", 'zone == "a"', 'zone != "a"', "!all()"),
      namespaceSelector: fc.constantFrom("", "", 'team == "red"'),
      disabled: fc.constantFrom(false, false, false, true),
      manual: fc.constantFrom(false, false, false, true),
      ipip: fc.boolean(),
    })
    .map((p) =>
      pool(`v4-${k}`, `10.${k}.0.0/${p.prefix}`, {
        blockSize: p.blockSize,
        nodeSelector: p.nodeSelector,
        namespaceSelector: p.namespaceSelector,
        allowedUses: p.namespaceSelector ? ["Workload"] : ["Workload", "Tunnel"],
        disabled: p.disabled,
        assignmentMode: p.manual ? "Manual" : "Automatic",
        ipipMode: p.ipip ? "Always" : "Never",
      }),
    );

const arbV6Pool = (k: number) =>
  fc
    .record({ prefix: fc.integer({ min: 118, max: 122 }), blockSize: fc.integer({ min: 122, max: 126 }), vxlan: fc.boolean() })
    .map((p) => pool(`v6-${k}`, `fd00:${k}::/${p.prefix}`, { blockSize: p.blockSize, vxlanMode: p.vxlan ? "Always" : "Never" }));

/** min..max pools made by `make(k)`, k = 0, 1, … (so their CIDRs never overlap). */
const poolsOf = (min: number, max: number, make: (k: number) => fc.Arbitrary<EffectiveIpPool>): fc.Arbitrary<EffectiveIpPool[]> =>
  fc.integer({ min, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => make(k))).map((t) => [...t]));

const arbInput: fc.Arbitrary<SimulationInput> = fc
  .record({
    v4: poolsOf(1, 4, arbV4Pool),
    v6: poolsOf(0, 2, arbV6Pool),
    reservations: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 30, max: 32 })), { maxLength: 3 }),
    nodes: fc.array(fc.record({ zone: fc.constantFrom("a", "b"), windows: fc.constantFrom(false, false, false, true), maxPods: fc.integer({ min: 5, max: 60 }) }), { minLength: 1, maxLength: 6 }),
    workloads: fc.array(
      fc.record({
        namespace: fc.constantFrom("red", "blue"),
        replicas: fc.integer({ min: 0, max: 60 }),
        families: fc.constantFrom(undefined, ["IPv4"], ["IPv6"], ["IPv4", "IPv6"]),
        zone: fc.constantFrom(undefined, "a"),
        named: fc.constantFrom(undefined, undefined, undefined, "v4-0", "10.1.0.0/24"),
        fixed: fc.constantFrom<string | undefined>(undefined, undefined, undefined, undefined, undefined, undefined, undefined, "10.0.0.9", "10.1.0.77", "fd00:0::5"),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    strictAffinity: fc.boolean(),
    autoAllocateBlocks: fc.constantFrom(true, true, true, true, false),
    maxBlocksPerHost: fc.integer({ min: 0, max: 3 }),
    assignIpv6: fc.boolean(),
  })
  .map((s) => ({
    pools: [...s.v4, ...s.v6],
    reservations: s.reservations.map(([k, x, prefix]) => Cidr.parseLoose(`10.${k}.0.${x}/${prefix}`)),
    ipamConfiguration: ipam({ strictAffinity: s.strictAffinity, autoAllocateBlocks: s.autoAllocateBlocks, maxBlocksPerHost: s.maxBlocksPerHost }),
    cni: { assignIpv6: s.assignIpv6 },
    topology: {
      nodes: s.nodes.map((n, i) => ({ name: `n${i}`, labels: { zone: n.zone }, os: n.windows ? ("windows" as const) : ("linux" as const), maxPods: n.maxPods })),
      namespaces: [{ name: "red", labels: { team: "red" } }, { name: "blue", labels: { team: "blue" } }],
      workloads: s.workloads.map((w, i) => ({
        name: `w${i}`,
        namespace: w.namespace,
        replicas: w.replicas,
        ipFamilies: w.families as ("IPv4" | "IPv6")[] | undefined,
        nodeSelector: w.zone ? { zone: w.zone } : undefined,
        annotations: { ipv4pools: w.named ? [w.named] : undefined, ipAddrs: w.fixed ? [w.fixed] : undefined },
      })),
    },
  }));

function addresses(r: SimulationResult): string[] {
  const out: string[] = [];
  for (const p of r.pods) {
    if (p.ipv4) out.push(p.ipv4);
    if (p.ipv6) out.push(p.ipv6);
  }
  for (const n of r.nodes) for (const t of n.tunnelAddresses) out.push(t.address);
  return out;
}

const runs = { numRuns: 150 };

describe("simulation properties", () => {
  test("no address is handed out twice", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const all = addresses(simulateAllocation(input));
        expect(new Set(all).size).toBe(all.length);
      }),
      runs,
    );
  });

  test("every address lies in a pool that was eligible for its pod, and in the block the pod's pool holds", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const r = simulateAllocation(input);
        const nodes = new Map(expandNodes(input.topology.nodes).nodes.map((n) => [n.name, n]));
        const namespaces = new Map((input.topology.namespaces ?? []).map((n) => [n.name, n]));
        const workloads = new Map((input.topology.workloads ?? []).map((w) => [w.name, w]));
        const blocks = r.blocks.map((b) => ({ ...b, c: Cidr.parse(b.cidr) }));
        for (const p of r.pods) {
          for (const family of [4, 6] as const) {
            const address = family === 4 ? p.ipv4 : p.ipv6;
            if (!address) continue;
            const node = nodes.get(p.node as string)!;
            const choice = choosePools(input.pools, {
              family,
              host: node.name,
              nodeLabels: node.labels,
              nodeOs: node.os,
              namespace: namespaces.get(p.namespace),
              podAnnotations: workloads.get(p.workload)!.annotations,
              cni: input.cni,
            });
            if (isPoolChoiceError(choice)) throw new Error(`${p.name} got ${address} although Calico refuses: ${choice.error}`);
            const poolName = family === 4 ? p.ipv4Pool : p.ipv6Pool;
            expect(choice.pools.map((x) => x.name)).toContain(poolName);
            const value = parseAddress(address).value;
            expect(choice.pools.find((x) => x.name === poolName)!.cidr.containsAddress(value)).toBe(true);
            expect(blocks.filter((b) => b.pool === poolName && b.c.containsAddress(value))).toHaveLength(1);
          }
        }
      }),
      runs,
    );
  });

  test("no pool hands out more blocks than it holds, and blocks never overlap or leave their pool", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const r = simulateAllocation(input);
        for (const p of r.pools) {
          const mine = r.blocks.filter((b) => b.pool === p.name);
          expect(BigInt(mine.length)).toBeLessThanOrEqual(BigInt(p.blocksTotal));
          expect(mine.length).toBe(p.blocksClaimed);
          const poolCidr = Cidr.parse(p.cidr);
          for (const b of mine) {
            const c = Cidr.parse(b.cidr);
            expect(poolCidr.contains(c) && c.prefix === p.blockSize).toBe(true);
            expect(b.inUse + b.reserved).toBeLessThanOrEqual(b.capacity);
            expect(b.free).toBeGreaterThanOrEqual(0);
          }
          expect(mine.reduce((s, b) => s + b.inUse, 0)).toBe(p.addressesInUse);
        }
        const all = r.blocks.map((b) => Cidr.parse(b.cidr)).sort((a, b) => a.compare(b));
        for (let i = 1; i < all.length; i++) expect(all[i - 1].overlaps(all[i])).toBe(false);
        expect(addresses(r)).toHaveLength(r.blocks.reduce((s, b) => s + b.inUse, 0));
      }),
      runs,
    );
  });

  test("the same input gives the same result, deep-equal and JSON byte-identical, whatever the order of the pools", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const a = simulateAllocation(input);
        const b = simulateAllocation(input);
        const c = simulateAllocation({ ...input, pools: [...input.pools].reverse() });
        expect(b).toEqual(a);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        expect(JSON.stringify(c)).toBe(JSON.stringify(a));
      }),
      { numRuns: 60 },
    );
  });
});
