/**
 * The map of a live cluster (`calico-ipam inspect --format html|svg`): the same address map as a plan's,
 * from an inspect report and its dump. Each block is coloured by its node and its use, borrowed
 * addresses are outlined, blocks of no pool and addresses in use outside every pool are drawn as
 * `orphan` ranges, and each finding is pinned on what it concerns (a pool on the family map, a block
 * inside its pool) when it concerns a place in the address space.
 */
import { Cidr } from "../ip/cidr";
import type { ClusterDump, InspectFinding, InspectReport } from "../live";
import { MapSource, blockOffsets, layoutAddressMap } from "./address-map";
import { formatCount, formatFraction } from "./format";
import { MapModel, ModelFinding, ModelView, PoolHead, assembleView, ownSize } from "./map-model";
import type { ReportBlock } from "./schema";

/** The text of a finding, as the page lists it and a pin's hover text shows it. */
export function inspectFindingText(f: InspectFinding): string {
  return `${f.severity} ${f.code} ${f.subject}${f.path ? ` (${f.path})` : ""}: ${f.message}`;
}

/** A CIDR or single address, or undefined when it does not parse. */
function readTarget(text: string): Cidr | undefined {
  const whole = Cidr.tryParse(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
  return whole.ok ? whole.cidr : undefined;
}

/**
 * The places in the address space a finding concerns: a pool (by name), or CIDRs and addresses
 * (a block's CIDR, an affinity's CIDR, a pod's addresses, the blocks of a handle). Empty when it
 * concerns no place (the IPAM configuration, the dump as a whole).
 */
export function findingPlaces(f: InspectFinding, report: InspectReport, dump: ClusterDump | undefined): { pool?: string; cidrs: string[] } {
  const slash = f.subject.indexOf("/");
  const kind = slash < 0 ? f.subject : f.subject.slice(0, slash);
  const name = slash < 0 ? "" : f.subject.slice(slash + 1);
  switch (kind) {
    case "IPPool":
      return { pool: name, cidrs: [] };
    case "IPAMBlock": {
      const b = report.blocks.find((x) => x.name === name);
      return { cidrs: b ? [b.cidr] : [] };
    }
    case "BlockAffinity": {
      const a = dump?.affinities.find((x) => x.name === name);
      return { cidrs: a ? [a.cidrText] : [] };
    }
    case "Pod": {
      const [ns, pod] = [name.slice(0, name.indexOf("/")), name.slice(name.indexOf("/") + 1)];
      const p = dump?.pods?.find((x) => x.namespace === ns && x.name === pod);
      // A pod finding about one of its addresses names it in the path (`status.podIPs[1]`).
      const at = /podIPs\[(\d+)\]/.exec(f.path);
      const ips = p ? (at ? [p.ips[Number(at[1])]].filter((ip): ip is string => ip !== undefined) : [...p.ips]) : [];
      return { cidrs: ips };
    }
    case "IPAMHandle": {
      const h = dump?.handles.find((x) => x.name === name);
      return { cidrs: h ? Object.keys(h.blocks).sort() : [] };
    }
    default:
      return { cidrs: [] };
  }
}

/** Options of {@link inspectMapModel}. */
export interface InspectMapOptions {
  /** The page title. @default "Calico IPAM: live cluster" */
  readonly title?: string;
}

/**
 * The model of a live cluster's map: one view, its pools with gauges (blocks claimed, addresses in
 * use), blocks placed in their pools, and the findings pinned. The dump gives the places of findings
 * about affinities, pods and handles; without it only pool and block findings are pinned.
 */
export function inspectMapModel(report: InspectReport, dump?: ClusterDump, options: InspectMapOptions = {}): MapModel {
  const pools = report.pools.map((p) => ({ pool: p, cidr: readTarget(p.cidr) }));
  const poolOf = (c: Cidr) => pools.find((p) => p.cidr !== undefined && p.cidr.family === c.family && p.cidr.contains(c))?.pool.name;
  const places = report.findings.map((f) => findingPlaces(f, report, dump));
  // Orphans: blocks of no pool, and whatever a finding concerns that lies outside every pool.
  const orphans: Array<{ name: string; cidr: string }> = [];
  const orphanCidrs: Cidr[] = [];
  const addOrphan = (name: string, c: Cidr) => {
    if (poolOf(c) !== undefined || orphanCidrs.some((o) => o.family === c.family && o.contains(c))) return;
    orphans.push({ name, cidr: c.toString() });
    orphanCidrs.push(c);
  };
  for (const b of report.blocks) {
    const c = readTarget(b.cidr);
    if (b.pool === null && c) addOrphan(`block of no pool (IPAMBlock/${b.name})`, c);
  }
  report.findings.forEach((f, i) => {
    for (const text of places[i].cidrs) {
      const c = readTarget(text);
      if (c) addOrphan(`${f.subject} (${f.code})`, c);
    }
  });
  const blocks: ReportBlock[] = report.blocks
    .filter((b) => b.pool !== null)
    .map((b) => ({ cidr: b.cidr, pool: b.pool as string, owner: b.owner, capacity: b.capacity, inUse: b.inUse, reserved: 0, ipReserved: 0, free: b.free, borrowedBy: b.borrowed }));
  const source: MapSource = {
    reservations: (dump?.reservations ?? []).map((r) => ({ name: r.name, reservedCidrs: r.reservedCidrs })),
    pools: report.pools.map((p) => ({ name: p.name, cidr: p.cidr })),
    simulation: { blocks },
    orphans,
  };
  const heads: PoolHead[] = report.pools.map((p) => {
    const blockUse = Number(p.blocksTotal) > 0 ? p.blocksClaimed / Number(p.blocksTotal) : 0;
    const addressUse = Number(p.addressesTotal) > 0 ? p.addressesInUse / Number(p.addressesTotal) : 0;
    const blocksText = `${formatCount(p.blocksClaimed)} / ${formatCount(p.blocksTotal)} blocks (${formatFraction(blockUse)})`;
    const addressesText = `${formatCount(p.addressesInUse)} / ${formatCount(p.addressesTotal)} addresses (${formatFraction(addressUse)})`;
    const free = BigInt(p.blocksTotal) - BigInt(p.blocksClaimed);
    const headroomText = `${formatCount(free < 0n ? 0n : free)} blocks free`;
    const head = `IP pool ${p.name} · ${p.cidr} · /${p.blockSize} blocks${p.disabled ? " · disabled" : ""}`;
    return {
      name: p.name,
      cidr: p.cidr,
      family: p.family,
      size: ownSize(p.cidr, p.family),
      blockUse,
      addressUse,
      blocksText,
      addressesText,
      headroomText,
      status: p.disabled ? "draining" : "",
      disabled: p.disabled,
      tip: `${head}\n${blocksText}\n${addressesText}\n${headroomText}`,
    };
  });
  const view = assembleView("Live cluster", layoutAddressMap(source, { blocks: false }), blockOffsets(source), heads);
  return {
    title: options.title ?? "Calico IPAM: live cluster",
    summary: `${report.summary.errors} ${report.summary.errors === 1 ? "error" : "errors"}, ${report.summary.warnings} ${report.summary.warnings === 1 ? "warning" : "warnings"}, ${report.pools.length} ${report.pools.length === 1 ? "pool" : "pools"}, ${report.blocks.length} ${report.blocks.length === 1 ? "block" : "blocks"}`,
    ok: report.summary.errors === 0,
    views: [pinFindings(view, report.findings, places)],
  };
}

/** The view with each finding pinned on the ranges and blocks its places fall in. */
function pinFindings(view: ModelView, findings: readonly InspectFinding[], places: ReadonlyArray<{ pool?: string; cidrs: string[] }>): ModelView {
  const rangePins = view.families.map(() => new Map<number, number[]>());
  const blockPins = view.pools.map(() => new Map<number, number[]>());
  const pin = (map: Map<number, number[]>, at: number, finding: number) => {
    const list = map.get(at) ?? [];
    if (!list.includes(finding)) list.push(finding);
    map.set(at, list);
  };
  const ranges = view.families.map((f) => f.ranges.map((r) => ({ kind: r[0], name: r[1], cidr: readTarget(r[2]), pool: r[8] })));
  const blocks = view.pools.map((p) => p.blocks.cidr.map((c) => readTarget(c)));
  findings.forEach((_, i) => {
    const place = places[i];
    if (place.pool !== undefined) {
      ranges.forEach((list, fi) => list.forEach((r, ri) => r.kind === "pool" && r.name === place.pool && pin(rangePins[fi], ri, i)));
    }
    for (const text of place.cidrs) {
      const c = readTarget(text);
      if (!c) continue;
      // The innermost range that holds the place: a pool, or the orphan drawn for it.
      ranges.forEach((list, fi) =>
        list.forEach((r, ri) => {
          if (!r.cidr || r.cidr.family !== c.family || !r.cidr.contains(c) || (r.kind !== "pool" && r.kind !== "orphan")) return;
          pin(rangePins[fi], ri, i);
          if (r.pool >= 0) blocks[r.pool].forEach((b, bi) => b && b.family === c.family && (b.contains(c) || c.contains(b)) && pin(blockPins[r.pool], bi, i));
        }),
      );
    }
  });
  const modelFindings: ModelFinding[] = findings.map((f) => [f.severity, `${f.severity} ${f.code} ${f.subject}`, inspectFindingText(f)]);
  const sorted = (m: Map<number, number[]>): Array<[number, number[]]> => [...m.entries()].sort((a, b) => a[0] - b[0]);
  return {
    ...view,
    families: view.families.map((f, fi) => ({ ...f, pins: sorted(rangePins[fi]) })),
    pools: view.pools.map((p, pi) => ({ ...p, pins: sorted(blockPins[pi]) })),
    findings: modelFindings,
  };
}
