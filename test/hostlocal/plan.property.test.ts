import fc from "fast-check";
import { Cidr, findOverlaps } from "../../src/ip";
import { planHostLocal } from "../../src/hostlocal";

const nodeName = fc.tuple(fc.constantFrom("a", "b", "gpu", "rack"), fc.integer({ min: 0, max: 99 })).map(([p, i]) => `${p}-${i}`);
const names = fc.uniqueArray(nodeName, { maxLength: 40 });
/** An IPv4 cluster CIDR and a node mask that cut it into 2 to 256 ranges. */
const cluster = fc
  .tuple(fc.integer({ min: 12, max: 22 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 255 }))
  .map(([prefix, bits, octet]) => ({ cidr: Cidr.containing(4, BigInt(10 * 2 ** 24 + octet * 2 ** 16), prefix), mask: prefix + bits }));

const ranges = (record: Record<string, string[]>) => Object.values(record).flat().map((t) => Cidr.parse(t));

describe("planned node ranges", () => {
  test("are disjoint, of the node mask, and inside the cluster CIDR; every node that fits gets one", () => {
    fc.assert(
      fc.property(cluster, names, (c, nodeNames) => {
        const plan = planHostLocal({ clusterCidrs: [c.cidr.toString()], nodeMaskSizeV4: c.mask, nodes: nodeNames.map((name) => ({ name, maxPods: 1 })) });
        const all = ranges(plan.record);
        expect(findOverlaps(all)).toEqual([]);
        for (const r of all) {
          expect(c.cidr.contains(r)).toBe(true);
          expect(r.prefix).toBe(c.mask);
        }
        const holds = 2 ** (c.mask - c.cidr.prefix);
        expect(plan.nodes).toHaveLength(Math.min(holds, nodeNames.length));
        expect(plan.findings.map((f) => f.code)).toEqual(nodeNames.length > holds ? ["HOSTLOCAL_CLUSTER_CIDR_EXHAUSTED"] : []);
      }),
    );
  });

  test("recorded ranges never move when nodes come and go, and new ones never overlap them", () => {
    fc.assert(
      fc.property(cluster, names, names, fc.integer({ min: 0, max: 2 ** 31 }), (c, before, added, seed) => {
        const input = { clusterCidrs: [c.cidr.toString()], nodeMaskSizeV4: c.mask };
        const first = planHostLocal({ ...input, nodes: before.map((name) => ({ name, maxPods: 1 })) });
        // Keep a pseudo-random half of the nodes, then add others.
        const kept = before.filter((_, i) => ((seed >> i % 31) & 1) === 1);
        const after = [...new Set([...kept, ...added])];
        const second = planHostLocal({ ...input, nodes: after.map((name) => ({ name, maxPods: 1 })), recorded: first.record });
        for (const name of kept) {
          if (first.record[name]) expect(second.record[name]).toEqual(first.record[name]);
        }
        expect(findOverlaps(ranges(second.record))).toEqual([]);
        for (const r of ranges(second.record)) expect(c.cidr.contains(r)).toBe(true);
      }),
    );
  });
});
