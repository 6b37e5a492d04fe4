/**
 * The fleet's shared address space as a map: every cluster's pool ranges on the Hilbert layout of the
 * plan's map (`address-map.ts`), colour-coded by cluster, the cluster of the report outlined, and ranges
 * that an isolated cluster reuses (overlapping ranges of clusters that never route to each other)
 * dashed. Drawn as SVG when the report is written, for `plan.html` (hover texts) and `plan.svg`
 * (titles). Deterministic to the byte, pure.
 */
import { Cidr } from "../ip/cidr";
import { layoutAddressMap } from "./address-map";
import { formatCount, htmlText, svgNumber } from "./format";
import type { ReportFleet } from "./schema";
import { seriesColour } from "./timeline-chart";

/** The smallest side of a range on the fleet map, in pixels. */
const MIN_PX = 4;

/** Options of {@link fleetMap}. */
export interface FleetMapOptions {
  /** Side of each map in pixels. @default 300 */
  readonly side?: number;
  /** Hover texts as `data-tip` attributes (the page's script shows them); else `<title>` elements. @default false */
  readonly dataTips?: boolean;
  /** The fleet's address spaces, named in the caption of the map they hold. @default [] */
  readonly addressSpaces?: ReadonlyArray<{ readonly name: string; readonly cidr: string }>;
}

/** The ranges of one cluster that overlap an isolated cluster's, by pool: the words of the hover text. */
function reuseTexts(fleet: ReportFleet): Map<string, string[]> {
  const texts = new Map<string, string[]>();
  for (const c of fleet.clusters) {
    for (const r of c.reuses) {
      const key = `${c.name}/${r.pool}`;
      const list = texts.get(key) ?? [];
      list.push(`overlaps ${r.cluster}/${r.otherPool} ${r.otherCidr}: allowed, the clusters never route to each other (isolated)`);
      texts.set(key, list);
    }
  }
  return texts;
}

/**
 * The fleet map: per IP family, a map of the part of the shared address space the clusters' pools
 * and the fleet's sub-spaces take (the smallest CIDR holding a group of neighbouring ranges), the
 * sub-spaces in light green (`rect.fleet-sub-space`), each pool a `rect.fleet-range` with
 * `data-cluster` and `data-pool`, filled with its cluster's colour; the report's own cluster outlined in
 * black; ranges reused by an isolated cluster dashed (`data-reuse`). A legend names each cluster, its
 * isolation and its addresses. Returns the SVG and its size.
 */
export function fleetMap(fleet: ReportFleet, options: FleetMapOptions = {}): { readonly svg: string; readonly width: number; readonly height: number } {
  const side = options.side ?? 300;
  const clusterIndex = new Map(fleet.clusters.map((c, i) => [c.name, i]));
  const pools = fleet.clusters.flatMap((c) => c.pools.map((p) => ({ name: `${c.name}/${p.name}`, cidr: p.cidr })));
  // Sub-spaces (a range of an address space for some clusters, e.g. a region's) are the background.
  const subSpaces = fleet.subSpaces ?? [];
  const map = layoutAddressMap({ reservations: [], pools, ranges: { addressSpaces: subSpaces.map((s) => ({ name: s.name, cidr: s.cidr })), excluded: [], retired: [] } });
  const subSpace = new Map(subSpaces.map((s) => [s.name, s]));
  const reuses = reuseTexts(fleet);
  const tip = (text: string) => (options.dataTips ? ` data-tip="${htmlText(text)}"` : "");
  const title = (text: string) => (options.dataTips ? "" : `<title>${htmlText(text)}</title>`);
  const columns = Math.min(2, Math.max(1, map.families.length));
  const gap = 24;
  const cellH = side + 34;
  const rows = Math.ceil(map.families.length / columns);
  const width = columns * side + (columns - 1) * gap + 2;
  const out: string[] = [];
  map.families.forEach((f, fi) => {
    const ox = 1 + (fi % columns) * (side + gap);
    const oy = Math.floor(fi / columns) * cellH;
    const k = side / Math.max(f.size[0], f.size[1]);
    const spaces = (options.addressSpaces ?? []).filter((s) => covers(s.cidr, f.root)).map((s) => `${s.name} ${s.cidr}`);
    out.push(`<text x="${ox}" y="${oy + 13}" font-size="12" font-weight="600" fill="#1f2328">IPv${f.family} · ${htmlText(f.root)}</text>`);
    out.push(`<text x="${ox}" y="${oy + 26}" fill="#656d76">${htmlText(spaces.length > 0 ? `in address space ${spaces.join(", ")}` : "the clusters' pools")}</text>`);
    const top = oy + 32;
    out.push(`<rect x="${ox}" y="${top}" width="${svgNumber(f.size[0] * k)}" height="${svgNumber(f.size[1] * k)}" fill="#fafafa" stroke="#d0d7de"/>`);
    for (const r of f.ranges) {
      if (r.kind === "space") {
        const sub = subSpace.get(r.name);
        const text = `sub-space ${r.name} · ${r.cidr}${sub ? ` (of ${sub.addressSpace}) · for ${sub.clusters.join(", ")}` : ""}`;
        const [x, y, w, h] = [ox + r.rect[0] * k, top + r.rect[1] * k, r.rect[2] * k, r.rect[3] * k];
        out.push(`<rect class="fleet-sub-space" data-sub-space="${htmlText(r.name)}" x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(w)}" height="${svgNumber(h)}" fill="#e3f4e1" stroke="#6bbf73"${tip(text)}>${title(text)}</rect>`);
        if (w >= 70 && h >= 16) out.push(`<text x="${svgNumber(x + 3)}" y="${svgNumber(y + h - 4)}" fill="#3d7a45" pointer-events="none">${htmlText(r.name)}</text>`);
        continue;
      }
      const slash = r.name.indexOf("/");
      const cluster = r.name.slice(0, slash);
      const pool = r.name.slice(slash + 1);
      const ci = clusterIndex.get(cluster) ?? 0;
      const own = cluster === fleet.cluster;
      const reused = reuses.get(r.name) ?? [];
      // Pools far smaller than the map (IPv6 pools in a /56) stay visible as a dot of MIN_PX.
      const w = Math.max(MIN_PX, r.rect[2] * k);
      const h = Math.max(MIN_PX, r.rect[3] * k);
      const x = Math.min(ox + f.size[0] * k - w, Math.max(ox, ox + r.rect[0] * k - (w - r.rect[2] * k) / 2));
      const y = Math.min(top + f.size[1] * k - h, Math.max(top, top + r.rect[1] * k - (h - r.rect[3] * k) / 2));
      const text = [`cluster ${cluster}${own ? " (this cluster)" : ""} · pool ${pool} · ${r.cidr}`, ...reused].join("\n");
      out.push(
        `<rect class="fleet-range" data-cluster="${htmlText(cluster)}" data-pool="${htmlText(pool)}"${reused.length > 0 ? ' data-reuse="true"' : ""} x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(w)}" height="${svgNumber(h)}" fill="${seriesColour(ci)}" fill-opacity="${reused.length > 0 ? 0.45 : 0.7}" stroke="${own ? "#1f2328" : seriesColour(ci)}" stroke-width="${own ? 2.5 : 1}"${reused.length > 0 ? ' stroke-dasharray="5 3"' : ""}${tip(text)}>${title(text)}</rect>`,
      );
    }
  });
  // Legend: one line per cluster.
  let ly = rows * cellH + 14;
  for (const c of fleet.clusters) {
    const ci = clusterIndex.get(c.name) ?? 0;
    const isolated = c.isolatedFrom.length > 0 ? ` · isolated from ${c.isolatedFrom.join(", ")}` : "";
    const reuse = c.reuses.length > 0 ? ` · reuses ${c.reuses.length} ${c.reuses.length === 1 ? "range" : "ranges"}` : "";
    const own = c.name === fleet.cluster ? " (this cluster)" : "";
    out.push(
      `<rect x="1" y="${ly - 9}" width="12" height="12" fill="${seriesColour(ci)}" fill-opacity="0.7" stroke="${c.name === fleet.cluster ? "#1f2328" : seriesColour(ci)}" stroke-width="${c.name === fleet.cluster ? 2 : 1}"/><text x="18" y="${ly + 1}" fill="#1f2328">${htmlText(`${c.name}${own}: ${formatCount(c.ipv4Addresses)} IPv4, ${formatCount(c.ipv6Addresses)} IPv6 addresses${isolated}${reuse}`)}</text>`,
    );
    ly += 17;
  }
  out.push(`<text x="1" y="${ly + 1}" fill="#656d76">${htmlText("dashed: a range an isolated cluster reuses (allowed: they never route to each other)")}</text>`);
  const height = ly + 8;
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" class="fleet-map" data-clusters="${fleet.clusters.length}" width="${Math.max(width, 420)}" height="${height}" viewBox="0 0 ${Math.max(width, 420)} ${height}" font-family="system-ui,-apple-system,Segoe UI,sans-serif" font-size="11">${out.join("")}</svg>`,
    width: Math.max(width, 420),
    height,
  };
}

/** Whether the CIDR `outer` holds the CIDR `inner`; false when either does not parse or the families differ. */
function covers(outer: string, inner: string): boolean {
  const o = Cidr.tryParse(outer);
  const i = Cidr.tryParse(inner);
  return o.ok && i.ok && o.cidr.family === i.cidr.family && o.cidr.contains(i.cidr);
}
