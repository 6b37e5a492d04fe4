import fc from "fast-check";
import { LevelBuckets } from "../../src/simulator/private/level-buckets";
import { Scheduler } from "../../src/simulator/scheduling";
import type { NodeState } from "../../src/simulator/state";

/** What the scheduler reads of a node (the rest of NodeState is not used by it). */
function node(index: number, maxPods: number, zone: string): NodeState {
  return { index, pods: 0, maxPods, deleted: false, cordoned: false, node: { name: `n-${index}`, labels: { zone } } } as unknown as NodeState;
}

/** The rule, stated plainly: among eligible nodes with room, the fewest pods, then the lowest index. */
function expected(nodes: readonly NodeState[], zone: string | undefined): number {
  let best = -1;
  for (const n of nodes) {
    if (n.deleted || n.cordoned || n.pods >= n.maxPods) continue;
    if (zone !== undefined && n.node.labels.zone !== zone) continue;
    if (best < 0 || n.pods < nodes[best].pods) best = n.index;
  }
  return best;
}

describe("the timeline scheduler places a pod where kube-scheduler's spread rule does", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("place" as const), zone: fc.constantFrom(undefined, "a", "b") }),
    fc.record({ kind: fc.constant("remove" as const), at: fc.nat() }),
  );

  test("fewest pods first, ties to the older node, never a full one, over any sequence of placements and removals", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ maxPods: fc.integer({ min: 0, max: 6 }), zone: fc.constantFrom("a", "b") }), { minLength: 1, maxLength: 70 }), fc.array(op, { maxLength: 300 }), (specs, ops) => {
        const nodes = specs.map((s, i) => node(i, s.maxPods, s.zone));
        const scheduler = new Scheduler(nodes);
        const selectors = { a: { zone: "a" }, b: { zone: "b" }, all: {} };
        for (const o of ops) {
          if (o.kind === "place") {
            const want = expected(nodes, o.zone);
            const wantPods = want >= 0 ? nodes[want].pods : -1;
            const got = scheduler.place(o.zone === undefined ? selectors.all : selectors[o.zone as "a" | "b"]);
            expect(got).toBe(want);
            if (got >= 0) expect(nodes[got].pods).toBe(wantPods + 1);
          } else {
            const withPods = nodes.filter((n) => n.pods > 0);
            if (withPods.length === 0) continue;
            const n = withPods[o.at % withPods.length];
            n.pods--;
            scheduler.removed(n.index);
          }
        }
      }),
    );
  });

  test("a node cordoned or deleted before a reset takes no pod; a pod count above maxPods is full", () => {
    const nodes = [node(0, 3, "a"), node(1, 3, "a"), node(2, 3, "a")];
    nodes[2].pods = 5;
    const scheduler = new Scheduler(nodes);
    expect(scheduler.place({})).toBe(0);
    nodes[1].cordoned = true;
    nodes[0].deleted = true;
    scheduler.reset();
    expect(scheduler.place({})).toBe(-1);
    expect(scheduler.eligibleCount({})).toBe(1);
  });
});

describe("LevelBuckets: the lowest position of the lowest level", () => {
  test("matches a plain scan over any insertions and removals (positions past one summary word included)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2500 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 })), { maxLength: 400 }), (size, moves) => {
        const b = new LevelBuckets(size);
        const level = new Map<number, number>();
        for (const [p, l] of moves) {
          const position = p % size;
          const now = level.get(position);
          if (now !== undefined) {
            b.remove(position, now);
            level.delete(position);
          } else {
            b.insert(position, l);
            level.set(position, l);
          }
          let want = -1;
          for (const [q, lq] of level) if (want < 0 || lq < (level.get(want) as number) || (lq === level.get(want) && q < want)) want = q;
          expect(b.first()).toBe(want);
        }
      }),
    );
  });
});
