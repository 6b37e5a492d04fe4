/**
 * The model as plan.html carries it (map-pack.ts): packed by the package, unpacked by the page's own
 * script (UNPACK_CLIENT), it is the very model the package built, for generated models and for every
 * kind of page (plan, diff, live cluster, the benchmark's 10,000 pools); and the short forms are the
 * ones taken where they apply.
 */
import * as path from "path";
import fc from "fast-check";
import { buildInspectReport, readDumpFiles } from "../../src/live";
import { buildPlanReport, diffPlanReports, inspectMapModel, renderPlanHtml } from "../../src/report";
import type { MapModel, ModelBlocks, ModelPool, ModelRange, ModelView } from "../../src/report/map-model";
import { canonicalIpv4Blocks, diffMapModel, planMapModel, poolTip, poolTipParts } from "../../src/report/map-model";
import { PackedBlocks, ipv4BlockTexts, packInts, packModel, tipAround } from "../../src/report/map-pack";
import { planIpam } from "../../src/plan/plan";
import { largeReport } from "../helpers/large-report";
import { embeddedJson, pageUnpack, unpackedModel } from "../helpers/page-model";
import { SPEC, realistic } from "./fixture";

/** The model as JSON carries it (what the page could read before: fields of undefined dropped). */
const asJson = (m: MapModel): unknown => JSON.parse(JSON.stringify(m));
const roundTrip = (m: MapModel): MapModel => unpackedModel(JSON.stringify(packModel(m)));

const ip = (n: number) => `${Math.floor(n / 16777216)}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;

function planReport() {
  const { plan, simulation } = realistic();
  return buildPlanReport(plan, simulation, { generatedBy: "test" });
}

describe("the packed model, unpacked by the page, is the model", () => {
  test("a plan with IPv4 and IPv6 pools, a diff, a live cluster with pins", () => {
    const base = planReport();
    expect(roundTrip(planMapModel(base))).toEqual(asJson(planMapModel(base)));
    const head = buildPlanReport(planIpam({ ...SPEC, pools: [...SPEC.pools.filter((p) => p.name !== "payments").map((p) => (p.name === "rack-b" ? { ...p, disabled: true } : p))], namespaces: [], workloads: [] }));
    const diff = diffMapModel(base, head, diffPlanReports(base, head));
    expect(roundTrip(diff)).toEqual(asJson(diff));
    const root = path.resolve(__dirname, "..", "..");
    const dump = readDumpFiles([path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")]);
    const live = inspectMapModel(buildInspectReport(dump), dump);
    expect(live.views[0].pools.some((p) => (p.pins ?? []).length > 0)).toBe(true);
    expect(roundTrip(live)).toEqual(asJson(live));
  });

  test("the benchmark's page (10,000 pools, 100,000 blocks) takes every short form and is under a third of the model's JSON", () => {
    const model = planMapModel(largeReport(10_000, 24, 28, 10, 2_000));
    const packed = packModel(model);
    const view = packed.views[0];
    expect(view.pools.blocks.every((b) => b[1] === 0)).toBe(true);
    expect(view.pools.tip.every((t) => Array.isArray(t))).toBe(true);
    expect(view.pools.tipParts).toEqual([" · /28 blocks", "headroom: ", "\n10 of 2000 selected nodes hold blocks"]);
    expect(view.families.every((f) => f.ranges.every((r) => r[8] < 0 || (r[1] === 0 && r[2] === 0)))).toBe(true);
    const json = JSON.stringify(packed);
    expect(json.length * 3).toBeLessThan(JSON.stringify(model).length);
    expect(unpackedModel(json)).toEqual(asJson(model));
  });

  test("pools with mixed block sizes (placed by rectangle), unsimulated pools, disabled ones", () => {
    const r = largeReport(30, 24, 28, 5, 7);
    const mixed = r.simulation!.blocks.map((b, i) => (b.pool === "pool-00001" && i % 5 === 4 ? { ...b, cidr: b.cidr.replace(/\/28$/, "/29"), capacity: 8 } : b));
    const report = { ...r, pools: r.pools.map((p, i) => (i === 2 ? { ...p, disabled: true } : p)), simulation: { ...r.simulation!, blocks: mixed, pools: r.simulation!.pools.filter((p) => p.name !== "pool-00003") } };
    const model = planMapModel(report);
    expect(model.views[0].pools[1].blocks.rect).toBeDefined();
    expect(roundTrip(model)).toEqual(asJson(model));
  });

  test("the page makes a pool's hover text and blocks only when asked, once", () => {
    const model = planMapModel(largeReport(3, 24, 28, 4, 2));
    const page = pageUnpack();
    const view = page.unpackModel(JSON.parse(JSON.stringify(packModel(model)))).views[0];
    expect(view.pools.map((p) => [p.tip, p.blocks])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(page.poolTipAt(view, 1)).toBe(model.views[0].pools[1].tip);
    const blocks = page.poolBlocksAt(view, 1);
    expect(blocks).toEqual(model.views[0].pools[1].blocks);
    expect(page.poolBlocksAt(view, 1)).toBe(blocks);
    expect(view.pools[0].blocks).toBeNull();
  });

  test("generated models: any texts, CIDRs, block columns and ranges", () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        expect(roundTrip(model)).toEqual(asJson(model));
      }),
      { numRuns: 300 },
    );
  });
});

describe("block columns the model marks as canonical IPv4", () => {
  /** Every marked pool's texts are the ones the page writes, read again; the count of marked pools. */
  function checkMarks(model: MapModel): number {
    let marked = 0;
    for (const v of model.views)
      for (const p of v.pools) {
        if (canonicalIpv4Blocks.get(p.blocks) !== p.cidr) continue;
        marked++;
        expect(ipv4BlockTexts(p.cidr, p.blocks.index!, p.blocks.sizeBits!, p.blocks.cidr)).toBe(true);
      }
    return marked;
  }

  test("the benchmark's pools are all marked (the packer reads none of their 100,000 texts again)", () => {
    const model = planMapModel(largeReport(10_000, 24, 28, 10, 2_000));
    expect(checkMarks(model)).toBe(10_000);
    expect(checkTipMarks(model)).toBe(10_000);
  });

  /** Every pool whose hover text the model kept the parts of: poolTip of them is the text. */
  function checkTipMarks(model: MapModel): number {
    let marked = 0;
    for (const v of model.views)
      for (const p of v.pools) {
        const parts = poolTipParts.get(p);
        if (!parts) continue;
        marked++;
        expect(poolTip(p, parts)).toBe(p.tip);
      }
    return marked;
  }

  test("a plan's pools keep their hover text's parts: unsimulated, disabled, borrowing, a diff", () => {
    const r = largeReport(12, 24, 28, 5, 7);
    const report = {
      ...r,
      pools: r.pools.map((p, i) => (i === 2 ? { ...p, disabled: true } : i === 3 ? { ...p, blockSize: null } : p)),
      simulation: { ...r.simulation!, pools: r.simulation!.pools.filter((p) => p.name !== "pool-00004").map((p, i) => (i === 5 ? { ...p, borrowedAddresses: 3 } : p)) },
    };
    const model = planMapModel(report);
    expect(checkTipMarks(model)).toBe(11);
    expect(roundTrip(model)).toEqual(asJson(model));
    const base = planReport();
    expect(checkTipMarks(planMapModel(base))).toBeGreaterThan(0);
  });

  test("a mark always means the page's texts: plans, a live cluster, blocks written otherwise", () => {
    expect(checkMarks(planMapModel(planReport()))).toBeGreaterThan(0);
    const root = path.resolve(__dirname, "..", "..");
    const dump = readDumpFiles([path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")]);
    expect(checkMarks(inspectMapModel(buildInspectReport(dump), dump))).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.tuple(fc.nat(40), fc.constantFrom("", " ", "0", "/32", "::")), { maxLength: 4 }),
        fc.constantFrom("10.0.0.0/24", "10.0.0.0/23", "10.0.0.00/24", "010.0.0.0/24", "10.0.0.0/024"),
        (pools, blocks, edits, poolText) => {
          const r = largeReport(pools, 24, 28, blocks, 3);
          const edited = r.simulation!.blocks.map((b, i) => {
            const e = edits.find(([at]) => at === i);
            return e ? { ...b, cidr: e[1] === "::" ? `fd00::${i}/124` : e[1] === "/32" ? b.cidr.replace(/\/28$/, "/32") : `${e[1]}${b.cidr}` } : b;
          });
          const report = { ...r, pools: r.pools.map((p, i) => (i === 0 ? { ...p, cidr: poolText } : p)), simulation: { ...r.simulation!, blocks: edited } };
          const model = planMapModel(report);
          checkMarks(model);
          expect(roundTrip(model)).toEqual(asJson(model));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("the short forms", () => {
  test("a pool's hover text around its name, CIDR and gauge texts", () => {
    const p = { name: "rack-a", cidr: "10.0.0.0/24", blocksText: "1 / 4 blocks", addressesText: "5 / 256 addresses", headroomText: "+3 pods" };
    expect(tipAround({ ...p, tip: "IP pool rack-a · 10.0.0.0/24 · /26 blocks\n1 / 4 blocks\n5 / 256 addresses\nheadroom: +3 pods\n2 nodes" })).toEqual([" · /26 blocks", "headroom: ", "\n2 nodes"]);
    expect(tipAround({ ...p, tip: "IP pool rack-a · 10.0.0.0/24\n1 / 4 blocks\n5 / 256 addresses\n+3 pods" })).toEqual(["", "", ""]);
    // The gauge texts stand a second time in the middle part: the first place they all stand is taken.
    expect(tipAround({ ...p, tip: "IP pool rack-a · 10.0.0.0/24 x\n1 / 4 blocks\nno\n1 / 4 blocks\n5 / 256 addresses\n+3 pods" })).toEqual([" x\n1 / 4 blocks\nno", "", ""]);
    expect(tipAround({ ...p, tip: "IP pool rack-b · 10.0.0.0/24\n1 / 4 blocks\n5 / 256 addresses\n+3 pods" })).toBeUndefined();
    expect(tipAround({ ...p, tip: "IP pool rack-a · 10.0.0.0/24\n1 / 4 blocks\n5 / 256 addresses\nno room" })).toBeUndefined();
    expect(tipAround({ ...p, tip: "IP pool rack-a · 10.0.0.0/24 · usage unknown" })).toBeUndefined();
  });

  test("IPv4 block CIDRs from the pool and the positions: only the texts the page would write", () => {
    expect(ipv4BlockTexts("10.0.1.0/24", [0, 3], 4, ["10.0.1.0/28", "10.0.1.48/28"])).toBe(true);
    expect(ipv4BlockTexts("10.0.0.0/8", [0, 65535], 8, ["10.0.0.0/24", "10.255.255.0/24"])).toBe(true);
    expect(ipv4BlockTexts("0.0.0.0/0", [255], 24, ["255.0.0.0/8"])).toBe(true);
    expect(ipv4BlockTexts("10.0.1.0/24", [0], 4, ["10.0.1.00/28"])).toBe(false);
    expect(ipv4BlockTexts("10.0.1.0/24", [0], 4, ["10.0.1.0/028"])).toBe(false);
    expect(ipv4BlockTexts("10.0.1.0/24", [0], 4, ["10.0.1.0/27"])).toBe(false);
    expect(ipv4BlockTexts("10.0.1.0/24", [1], 4, ["10.0.1.0/28"])).toBe(false);
    expect(ipv4BlockTexts("10.0.1.0/24", [0], 4, ["10.0.1.0/28 "])).toBe(false);
    expect(ipv4BlockTexts("010.0.1.0/24", [0], 4, ["10.0.1.0/28"])).toBe(false);
    expect(ipv4BlockTexts("255.255.255.0/24", [16], 4, ["0.0.0.0/28"])).toBe(false);
    expect(ipv4BlockTexts("fd00::/64", [0], 4, ["fd00::/124"])).toBe(false);
  });

  test("runs of consecutive numbers, when shorter", () => {
    expect(packInts([])).toEqual([]);
    expect(packInts([7])).toEqual([7]);
    expect(packInts([0, 1, 2, 3, 4, 5])).toEqual({ runs: [0, 6] });
    expect(packInts([4, 5, 6, 9, 10, 11, -1])).toEqual({ runs: [4, 3, 9, 3, -1, 1] });
    expect(packInts([3, 1, 2, 0])).toEqual([3, 1, 2, 0]);
  });
});

// Generated models: texts that may or may not compose a hover text, IPv4 CIDRs written as the page
// writes them or not, block columns of any kind.
const word = fc.string({ unit: fc.constantFrom("a", "7", " ", "·", "\n", "/", ".", "&", "<", "é", "0"), maxLength: 6 });
const num = fc.oneof(fc.integer({ min: -3, max: 300 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }));
const status = fc.constantFrom("", "added", "changed", "draining", "removed") as fc.Arbitrary<ModelPool["status"]>;

const poolArb: fc.Arbitrary<ModelPool> = fc
  .record({
    name: word,
    octets: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })),
    prefix: fc.integer({ min: 16, max: 30 }),
    cidrKind: fc.constantFrom("v4", "v4", "v6", "text", "leading-zero"),
    family: fc.constantFrom(4, 4, 6, null) as fc.Arbitrary<4 | 6 | null>,
    blockUse: fc.option(num, { nil: null }),
    addressUse: fc.option(num, { nil: null }),
    blocksText: word,
    addressesText: word,
    headroomText: word,
    parts: fc.tuple(word, word, word),
    tipKind: fc.constantFrom("composed", "composed", "other"),
    other: word,
    status,
    disabled: fc.boolean(),
    count: fc.integer({ min: 0, max: 12 }),
    sizeBits: fc.integer({ min: 0, max: 6 }),
    indexKind: fc.constantFrom("runs", "random", "rect", "none"),
    seed: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 12, maxLength: 12 }),
    owners: fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 12, maxLength: 12 }),
    uniform: fc.boolean(),
    optional: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
    badCidr: fc.integer({ min: -1, max: 12 }),
    pins: fc.option(fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 })), { maxLength: 2 }), { nil: undefined }),
  })
  .map((g) => {
    const first = ((10 * 256 + g.octets[0]) * 256 + g.octets[1]) * 256;
    const base = first - (first % 2 ** (32 - g.prefix));
    const cidr = g.cidrKind === "v4" ? `${ip(base)}/${g.prefix}` : g.cidrKind === "v6" ? `fd00:${g.octets[0]}::/${g.prefix + 40}` : g.cidrKind === "leading-zero" ? `010.0.0.0/${g.prefix}` : g.name;
    const n = g.count;
    const index = g.indexKind === "runs" ? Array.from({ length: n }, (_, i) => (i < 4 ? i + g.seed[0] : i + 2 * g.seed[1])) : Array.from({ length: n }, (_, i) => g.seed[i]);
    const cidrs = index.map((x, i) => (i === g.badCidr ? "10.0.0.01/28" : `${ip(base + x * 2 ** g.sizeBits)}/${32 - g.sizeBits}`));
    const blocks: ModelBlocks = {
      cidr: g.cidrKind === "v4" && g.indexKind !== "rect" ? cidrs : cidrs.map((c) => `${c}x`),
      owner: g.owners.slice(0, n),
      inUse: g.seed.slice(0, n),
      capacity: g.uniform ? 2 ** g.sizeBits : g.seed.slice(0, n),
      ...(g.optional[0] ? { reserved: g.seed.slice(0, n).map((x) => (x % 3 === 0 ? x : 0)) } : {}),
      ...(g.optional[1] ? { borrowedBy: g.seed.slice(0, n).map((x) => (x % 5 === 0 ? 1 : 0)) } : {}),
      ...(g.optional[2] ? { ipReserved: g.seed.slice(0, n).map(() => 0) } : {}),
      ...(g.indexKind === "rect" ? { rect: index.flatMap((x) => [x / 64, 0.5, 0.25, 0.125]) } : g.indexKind === "none" ? {} : { index, sizeBits: g.sizeBits, poolBits: 32 - g.prefix }),
    };
    const texts = { name: g.name, cidr, blocksText: g.blocksText, addressesText: g.addressesText, headroomText: g.headroomText };
    const tip =
      g.tipKind === "composed" ? `IP pool ${g.name} · ${cidr}${g.parts[0]}\n${g.blocksText}\n${g.addressesText}\n${g.parts[1]}${g.headroomText}${g.parts[2]}` : `${g.other}${g.name}`;
    const pool: ModelPool = {
      ...texts,
      family: g.family,
      size: g.prefix % 2 === 1 ? [0.5, 1] : [1, 1],
      blockUse: g.blockUse,
      addressUse: g.addressUse,
      status: g.status,
      disabled: g.disabled,
      tip,
      blocks,
      ...(g.pins !== undefined ? { pins: g.pins } : {}),
    };
    return pool;
  });

const viewArb: fc.Arbitrary<ModelView> = fc
  .record({
    label: word,
    pools: fc.array(poolArb, { maxLength: 6 }),
    ranges: fc.array(fc.tuple(fc.constantFrom("pool", "space", "retired", "orphan"), word, word, num, num, num, num, status, fc.integer({ min: -1, max: 5 }), fc.boolean()), { maxLength: 8 }),
    nodes: fc.array(word, { maxLength: 4 }),
    findings: fc.option(fc.array(fc.tuple(fc.constantFrom("error", "warning"), word, word), { maxLength: 3 }), { nil: undefined }),
    pins: fc.option(fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 })), { maxLength: 2 }), { nil: undefined }),
  })
  .map((g) => {
    const ranges: ModelRange[] = g.ranges.map(([kind, name, cidr, x, y, w, h, st, pool, own]) => {
      const p = pool >= 0 && pool < g.pools.length ? pool : -1;
      return [kind as ModelRange[0], own && p >= 0 ? g.pools[p].name : name, own && p >= 0 ? g.pools[p].cidr : cidr, x, y, w, h, st, p];
    });
    const family = { family: 4 as const, root: "10.0.0.0/8", size: [1, 1] as const, ranges, tips: ranges.map((r) => (r[8] >= 0 ? "" : `${r[0]} ${r[2]}`)), ...(g.pins ? { pins: g.pins } : {}) };
    return { label: g.label, families: [family], pools: g.pools, nodes: g.nodes, ...(g.findings ? { findings: g.findings } : {}) };
  });

const modelArb: fc.Arbitrary<MapModel> = fc.record({ title: word, summary: word, ok: fc.boolean(), views: fc.array(viewArb, { minLength: 1, maxLength: 2 }) });

describe("the page carries the packed model", () => {
  test("plan.html's data is the packed model of the plan", () => {
    const r = planReport();
    expect(embeddedJson(renderPlanHtml(r))).toBe(JSON.stringify(packModel(planMapModel(r))));
    const b: PackedBlocks = packModel(planMapModel(largeReport(1, 24, 28, 3, 3))).views[0].pools.blocks[0];
    expect(b).toEqual([3, 0, { runs: [0, 3] }, [0, 3, 6], 16, 0, [0, 1], 0, [4, 8, { runs: [0, 3] }]]);
  });
});

