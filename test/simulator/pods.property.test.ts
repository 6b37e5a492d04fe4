import fc from "fast-check";
import type { BlockState } from "../../src/simulator/ipam-block";
import { PodColumns } from "../../src/simulator/pods";
import type { Failure, Grant, IpamState, NodeState } from "../../src/simulator/state";

/** A pod as a plain record: what the columns must give back. */
interface Pod {
  serial: number;
  node: number;
  v4?: Grant;
  v6?: Grant;
  failure?: Failure;
}

const nodes = Array.from({ length: 4 }, (_, index) => ({ index }) as unknown as NodeState);
const blocks = Array.from({ length: 5 }, (_, id) => ({ id }) as unknown as BlockState);
const ipam = { nodes, blocks } as unknown as IpamState;
const failure: Failure = { code: "POD_POOLS_EXHAUSTED", message: "no more", pools: [] };

const pod = fc.record({
  serial: fc.nat({ max: 1_000_000_000 }),
  node: fc.nat({ max: 3 }),
  v4: fc.option(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 4095 })), { nil: undefined }),
  v6: fc.option(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 4095 })), { nil: undefined }),
  failed: fc.boolean(),
});
const op = fc.oneof(
  fc.record({ kind: fc.constant("push" as const), pod }),
  fc.record({ kind: fc.constant("takeFront" as const), n: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), n: fc.nat() }),
  fc.record({ kind: fc.constant("rebuild" as const), keepOdd: fc.boolean() }),
  fc.record({ kind: fc.constant("retry" as const), at: fc.nat(), pod }),
);

describe("a workload's pods kept as columns read back as the records they replace", () => {
  test.each([false, true])("any pushes, front removals, truncations, rebuilds and retries (grants kept: %p)", (keepGrants) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let columns = new PodColumns(ipam, keepGrants, 1);
        let model: Pod[] = [];
        const grantOf = (n: number, a: [number, number] | undefined): Grant | undefined => (a ? { block: blocks[a[0]], ordinal: a[1], node: nodes[n] } : undefined);
        const asPod = (p: { serial: number; node: number; v4?: [number, number]; v6?: [number, number]; failed: boolean }): Pod =>
          p.failed ? { serial: p.serial, node: p.node, failure } : { serial: p.serial, node: p.node, v4: grantOf(p.node, p.v4), v6: grantOf(p.node, p.v6) };
        for (const o of ops) {
          if (o.kind === "push") {
            const p = asPod(o.pod);
            expect(columns.push(p.serial, nodes[p.node], p.v4, p.v6, p.failure)).toBe(model.length);
            model.push(p);
          } else if (o.kind === "takeFront") {
            const n = model.length === 0 ? 0 : o.n % (model.length + 1);
            const front = columns.takeFront(n);
            expect(read(front)).toEqual(model.slice(0, n).map(plain));
            model = model.slice(n);
          } else if (o.kind === "truncate") {
            const n = model.length === 0 ? 0 : o.n % (model.length + 1);
            columns.truncate(n);
            model = model.slice(0, n);
          } else if (o.kind === "rebuild") {
            // As a rolling restart or an eviction: pods copied, some left behind.
            const next = columns.empty(2);
            const kept: Pod[] = [];
            for (let k = 0; k < model.length; k++) {
              if (o.keepOdd && k % 2 === 0) continue;
              next.pushFrom(columns, k);
              kept.push(model[k]);
            }
            columns = next;
            model = kept;
          } else if (model.length > 0) {
            const k = o.at % model.length;
            const p = asPod({ ...o.pod, node: model[k].node });
            columns.set(k, p.v4, p.v6, p.failure);
            model[k] = { ...p, serial: model[k].serial };
          }
          expect(read(columns)).toEqual(model.map(plain));
          if (keepGrants) for (let k = 0; k < model.length; k++) expect(columns.grant(k, 4)).toBe(model[k].v4);
        }
      }),
    );
  });
});

function plain(p: Pod) {
  const g = (x: Grant | undefined) => (x ? { block: x.block.id, ordinal: x.ordinal, node: x.node.index } : undefined);
  return { serial: p.serial, node: p.node, v4: g(p.v4), v6: g(p.v6), failure: p.failure };
}

function read(c: PodColumns) {
  const out = [];
  for (let k = 0; k < c.length; k++) {
    const g = (f: 4 | 6) => {
      const grant = c.grant(k, f);
      const block = c.block(k, f);
      expect(grant?.block).toBe(block);
      return block ? { block: block.id, ordinal: c.ordinal(k, f), node: c.node(k).index } : undefined;
    };
    out.push({ serial: c.serial(k), node: c.node(k).index, v4: g(4), v6: g(6), failure: c.failure(k) });
  }
  return out;
}
