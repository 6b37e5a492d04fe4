import fc from "fast-check";
import { Cidr } from "../../src/ip/cidr";
import { planIpam } from "../../src/plan/plan";
import { buildPlanReport, hilbertRect, layoutAddressMap } from "../../src/report";
import { MapSource, blockOffsets, mapRoots } from "../../src/report/address-map";
import type { ReportBlock } from "../../src/report/schema";
import { planMapModel } from "../../src/report/map-model";
import { HILBERT_CLIENT } from "../../src/report/private/map-client";
import { realistic } from "./fixture";

type Rect = readonly [number, number, number, number];
const inside = (a: Rect, b: Rect) => a[0] >= b[0] - 1e-12 && a[1] >= b[1] - 1e-12 && a[0] + a[2] <= b[0] + b[2] + 1e-12 && a[1] + a[3] <= b[1] + b[3] + 1e-12;
const overlap = (a: Rect, b: Rect) => a[0] < b[0] + b[2] - 1e-12 && b[0] < a[0] + a[2] - 1e-12 && a[1] < b[1] + b[3] - 1e-12 && b[1] < a[1] + a[3] - 1e-12;
const touch = (a: Rect, b: Rect) =>
  (Math.abs(a[0] + a[2] - b[0]) < 1e-12 || Math.abs(b[0] + b[2] - a[0]) < 1e-12 ? a[1] < b[1] + b[3] && b[1] < a[1] + a[3] : false) ||
  (Math.abs(a[1] + a[3] - b[1]) < 1e-12 || Math.abs(b[1] + b[3] - a[1]) < 1e-12 ? a[0] < b[0] + b[2] && b[0] < a[0] + a[2] : false);

/** A CIDR of `size` bits at an aligned offset inside a map of `root` bits. */
const range = (root: number) =>
  fc.integer({ min: 0, max: root }).chain((size) => fc.bigInt({ min: 0n, max: (1n << BigInt(root - size)) - 1n }).map((i) => ({ offset: i << BigInt(size), size })));

describe("the Hilbert address map", () => {
  test.each([
    [0n, 4, 4, [0, 0, 1, 1]],
    [0n, 3, 4, [0, 0, 0.5, 1]],
    [8n, 3, 4, [0.5, 0, 0.5, 1]],
    [0n, 0, 2, [0, 0, 0.5, 0.5]],
    [1n, 0, 2, [0, 0.5, 0.5, 0.5]],
    [2n, 0, 2, [0.5, 0.5, 0.5, 0.5]],
    [3n, 0, 2, [0.5, 0, 0.5, 0.5]],
    [0n, 5, 5, [0, 0, 0.5, 1]],
  ])("offset %s, 2^%s addresses in a map of 2^%s: %j", (offset, size, root, rect) => {
    expect(hilbertRect(offset, size, root)).toEqual(rect);
  });

  test("a range's area is its share of the map's addresses", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }).chain((root) => range(root).map((r) => ({ root, ...r }))), ({ root, offset, size }) => {
        const [, , w, h] = hilbertRect(offset, size, root);
        const map = hilbertRect(0n, root, root);
        expect((w * h) / (map[2] * map[3])).toBeCloseTo(2 ** (size - root), 12);
      }),
    );
  });

  test("a CIDR lies inside its supernet's rectangle, and disjoint CIDRs never overlap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain((root) => fc.tuple(fc.constant(root), range(root), range(root))), ([root, a, b]) => {
        const ra = hilbertRect(a.offset, a.size, root);
        const rb = hilbertRect(b.offset, b.size, root);
        const aEnd = a.offset + (1n << BigInt(a.size));
        const bEnd = b.offset + (1n << BigInt(b.size));
        if (aEnd <= b.offset || bEnd <= a.offset) expect(overlap(ra, rb)).toBe(false);
        else if (a.size >= b.size) expect(inside(rb, ra)).toBe(true);
        else expect(inside(ra, rb)).toBe(true);
      }),
    );
  });

  test("neighbouring ranges of the same size share an edge: adjacency in the address space is adjacency on the map", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 40 })
          .chain((root) => fc.integer({ min: 0, max: root - 1 }).chain((size) => fc.tuple(fc.constant(root), fc.constant(size), fc.bigInt({ min: 0n, max: (1n << BigInt(root - size)) - 2n })))),
        ([root, size, i]) => {
          expect(touch(hilbertRect(i << BigInt(size), size, root), hilbertRect((i + 1n) << BigInt(size), size, root))).toBe(true);
        },
      ),
    );
  });

  test("ranges far apart get maps of their own; neighbours share one", () => {
    const roots = mapRoots(["10.32.0.0/12", "10.96.0.0/12", "10.32.0.0/20", "192.168.10.0/24"].map((c) => Cidr.parse(c)));
    expect(roots.map(String)).toEqual(["10.0.0.0/9", "192.168.10.0/24"]);
  });

  test("the maps of a family never overlap, and every range lies on exactly one", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })), { minLength: 1, maxLength: 40 }), (raw) => {
        const cidrs = raw.map(([n, p]) => Cidr.containing(4, BigInt(n), p));
        const roots = mapRoots(cidrs);
        for (let i = 1; i < roots.length; i++) expect(roots[i - 1].overlaps(roots[i])).toBe(false);
        for (const c of cidrs) expect(roots.filter((r) => r.contains(c))).toHaveLength(1);
      }),
    );
  });

  test("every pool and block of a plan is placed: pools on their family's map, blocks inside their pool", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation);
    const map = layoutAddressMap(report);
    const pools = map.families.flatMap((f) => f.ranges.filter((r) => r.kind === "pool").map((r) => r.name)).sort();
    expect(pools).toEqual(report.pools.map((p) => p.name).sort());
    const blocks = [...map.blocks.values()].flat();
    expect(blocks.length).toBe(report.simulation!.blocks.length);
    for (const b of blocks) expect(inside(b.rect, [0, 0, 1, 1])).toBe(true);
    // Blocks of one pool never overlap.
    for (const list of map.blocks.values()) for (let i = 1; i < list.length; i++) expect(overlap(list[i - 1].rect, list[i].rect)).toBe(false);
  });

  test("address spaces, excluded ranges and reservations are drawn under the pools", () => {
    const report = buildPlanReport(
      planIpam({ addressSpaces: [{ name: "pods", cidr: "10.32.0.0/16" }], serviceCidrs: ["10.32.255.0/24"], reservations: [{ name: "edge", reservedCidrs: ["10.32.0.1"] }], pools: [{ name: "a", cidr: "10.32.0.0/24" }] }),
    );
    const [v4] = layoutAddressMap(report).families;
    expect(v4.root).toBe("10.32.0.0/16");
    expect(v4.ranges.map((r) => [r.kind, r.cidr])).toEqual([
      ["space", "10.32.0.0/16"],
      ["service", "10.32.255.0/24"],
      ["reservation", "10.32.0.1/32"],
      ["pool", "10.32.0.0/24"],
    ]);
  });
});

describe("the page's block placement (HILBERT_CLIENT) is hilbertRect", () => {
  // The page's functions, run as the page runs them.
  const blockRect = new Function(`${HILBERT_CLIENT}\nreturn blockRect;`)() as (n: number, sizeBits: number, poolBits: number) => number[];

  test("for every block of every pool, the same rectangle", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }).chain((sizeBits) =>
          fc.integer({ min: sizeBits, max: sizeBits + 48 }).chain((poolBits) =>
            fc.tuple(fc.constant(sizeBits), fc.constant(poolBits), fc.bigInt({ min: 0n, max: (1n << BigInt(poolBits - sizeBits)) - 1n })),
          ),
        ),
        ([sizeBits, poolBits, n]) => {
          expect(blockRect(Number(n), sizeBits, poolBits)).toEqual([...hilbertRect(n << BigInt(sizeBits), sizeBits, poolBits)]);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("the model places uniform blocks by index and mixed ones by rectangle", () => {
    const { plan, simulation } = realistic();
    const report = buildPlanReport(plan, simulation, { generatedBy: "test" });
    const view = planMapModel(report).views[0];
    const pool = view.pools.find((p) => p.blocks.cidr.length > 0)!;
    expect(pool.blocks.index).toHaveLength(pool.blocks.cidr.length);
    expect(pool.blocks.rect).toBeUndefined();
    const placed = layoutAddressMap(report).blocks.get(pool.name)!;
    pool.blocks.index!.forEach((n, i) => expect(blockRect(n, pool.blocks.sizeBits!, pool.blocks.poolBits!)).toEqual([...placed[i].rect]));
    // A block of another size in the pool (a live cluster after a block size change): rectangles.
    const b = report.simulation!.blocks.find((x) => x.pool === pool.name)!;
    const wider = `${pool.cidr.split("/")[0]}/${Number(b.cidr.split("/")[1]) - 1}`;
    const mixed = planMapModel({ ...report, simulation: { ...report.simulation!, blocks: [...report.simulation!.blocks, { ...b, cidr: wider }] } }).views[0].pools.find((p) => p.name === pool.name)!;
    expect(mixed.blocks.index).toBeUndefined();
    expect(mixed.blocks.rect).toHaveLength(4 * mixed.blocks.cidr.length);
  });
});

describe("blockOffsets: canonical IPv4 read on plain numbers", () => {
  /** The reading before: every text through Cidr, by pool name. */
  function reference(report: MapSource): Map<string, Array<{ block: ReportBlock; offset: bigint; sizeBits: number; poolBits: number }>> {
    const read = (text: string | null) => {
      if (text === null) return undefined;
      const whole = Cidr.tryParse(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
      return whole.ok ? whole.cidr : undefined;
    };
    const out = new Map<string, Array<{ block: ReportBlock; offset: bigint; sizeBits: number; poolBits: number }>>();
    const pools = new Map(report.pools.map((p) => [p.name, read(p.cidr)]));
    for (const b of report.simulation?.blocks ?? []) {
      const pool = pools.get(b.pool);
      const cidr = read(b.cidr);
      if (!pool || !cidr || !pool.contains(cidr)) continue;
      if (!out.has(b.pool)) out.set(b.pool, []);
      out.get(b.pool)!.push({ block: b, offset: cidr.first - pool.first, sizeBits: cidr.bits - cidr.prefix, poolBits: pool.bits - pool.prefix });
    }
    return out;
  }
  const canonical = (text: string | null) => text !== null && /^[0-9./]+$/.test(text) && Cidr.tryParse(text).ok && Cidr.parse(text).toString() === text;

  test("the same blocks, offsets and sizes as through Cidr; canonical IPv4 pool and block marked", () => {
    const poolText = fc.constantFrom("10.0.0.0/24", "10.0.0.0/22", "10.0.1.0/24", "10.0.0.0/8", "0.0.0.0/0", "10.0.0.00/24", "10.0.0.0/024", "fd00::/120", "bad", null);
    const blockText = fc.oneof(
      fc.tuple(fc.nat(1100), fc.integer({ min: 20, max: 32 })).map(([o, p]) => `10.0.${Math.floor(o / 256) % 256}.${o % 256}/${p}`),
      fc.constantFrom("10.0.0.16", "10.0.0.016/28", "10.0.0.16/28 ", "fd00::10/124", "10.0.0.17/28", "255.255.255.255/32", "10.0.0.0/33"),
    );
    fc.assert(
      fc.property(fc.array(poolText, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.nat(3), blockText), { maxLength: 12 }), (pools, blocks) => {
        const report: MapSource = {
          reservations: [],
          pools: pools.map((cidr, i) => ({ name: `p${i}`, cidr })),
          simulation: { blocks: blocks.map(([p, cidr]) => ({ cidr, pool: `p${p}`, owner: null, capacity: 16, inUse: 0, reserved: 0, ipReserved: 0, free: 16, borrowedBy: 0 })) },
        };
        const got = blockOffsets(report);
        const want = reference(report);
        expect([...got.keys()]).toEqual([...want.keys()]);
        for (const [name, list] of got) {
          expect(list.map(({ block, offset, sizeBits, poolBits }) => ({ block, offset, sizeBits, poolBits }))).toEqual(want.get(name));
          const pool = report.pools.find((p) => p.name === name)!;
          for (const b of list) expect(b.canonicalPool).toBe(canonical(pool.cidr) && canonical(b.block.cidr) ? pool.cidr : null);
        }
      }),
      { numRuns: 500 },
    );
  });
});
