/**
 * `plan.svg`: a static overview of the plan, small enough to attach to a pull request or show in a
 * README: per IP family, the address map (the same Hilbert layout as `plan.html`) and the pools that
 * fill up most, with a utilization bar each. No script, no external reference.
 */
import { htmlText, svgNumber } from "./format";
import type { ClusterDump, InspectReport } from "../live";
import { inspectMapModel } from "./inspect-map";
import { MapModel, ModelPool, planMapModel } from "./map-model";
import type { PlanReport, ReportTimelineStep } from "./schema";
import { fleetMap } from "./fleet-map";
import { timelineChart } from "./timeline-chart";

/** Options of {@link renderPlanSvg}. */
export interface PlanSvgOptions {
  /** The title line. @default "Calico IPAM plan" */
  readonly title?: string;
  /** Pools listed with a bar per family, the fullest first. @default 12 */
  readonly maxPoolRows?: number;
  /** Ranges drawn per map, the largest first (the rest are below a pixel anyway). @default 2000 */
  readonly maxRanges?: number;
}

const FILL: Record<string, string> = { space: "#e3f4e1", service: "#ffd08a", node: "#c8b6ac", reserved: "#cfd8dc", reservation: "#d7a6e0", retired: "#f4b4b4", orphan: "#ffcecb" };
const STROKE: Record<string, string> = { space: "#6bbf73", service: "#c98a1c", node: "#8d6e63", reserved: "#90a4ae", reservation: "#9c4fb0", retired: "#cf222e", orphan: "#a40e26", pool: "#1f5f99" };
const MAP = 240;
const ROW = 18;
const LIST_X = MAP + 40;
const LIST_W = 420;

/** The overview as an SVG document; deterministic to the byte. */
export function renderPlanSvg(report: PlanReport, options: PlanSvgOptions = {}): string {
  return modelSvg(planMapModel(report, options.title), options, report.simulation?.timeline ?? [], report.fleet ? fleetMap(report.fleet, { addressSpaces: report.ranges?.addressSpaces ?? [] }) : undefined);
}

/**
 * A live cluster's overview (`calico-ipam inspect --format svg`): the map of its pools (blocks of no
 * pool and addresses in use outside every pool in dark red), findings pinned as red or amber dots on
 * the pools they concern, and the fullest pools with a bar. Deterministic to the byte.
 */
export function renderInspectSvg(report: InspectReport, dump?: ClusterDump, options: PlanSvgOptions = {}): string {
  return modelSvg(inspectMapModel(report, dump, options.title !== undefined ? { title: options.title } : {}), options, []);
}

function modelSvg(model: MapModel, options: PlanSvgOptions, steps: readonly ReportTimelineStep[], fleet?: { readonly svg: string; readonly height: number }): string {
  const view = model.views[0];
  const maxRows = options.maxPoolRows ?? 12;
  const maxRanges = options.maxRanges ?? 2000;
  const parts: string[] = [];
  let y = 44;
  for (const f of view.families) {
    const onMap = new Set(f.ranges.filter((r) => r[0] === "pool").map((r) => r[1]));
    const pools = view.pools.filter((p) => onMap.has(p.name));
    // A map of nothing but an excluded range (a node network far from the pods) stays small.
    const minor = pools.length === 0 && !f.ranges.some((r) => r[0] === "space");
    const k = (minor ? MAP / 4 : MAP) / Math.max(f.size[0], f.size[1]);
    const h = f.size[1] * k;
    parts.push(`<text x="16" y="${y}" class="h">IPv${f.family} · ${htmlText(f.root)}</text>`);
    const top = y + 8;
    parts.push(`<rect x="16" y="${top}" width="${svgNumber(f.size[0] * k)}" height="${svgNumber(f.size[1] * k)}" fill="#fafafa" stroke="#d0d7de"/>`);
    const drawn = f.ranges
      .map((r, i) => ({ r, i }))
      .sort((a, b) => b.r[5] * b.r[6] - a.r[5] * a.r[6] || a.i - b.i)
      .slice(0, maxRanges)
      .sort((a, b) => a.i - b.i);
    const pins = new Map((f.pins ?? []).map(([at, list]) => [at, list]));
    const dots: string[] = [];
    for (const { r, i } of drawn) {
      const [kind, name, cidr, x, ry, w, rh] = r;
      const pool = r[8] >= 0 ? view.pools[r[8]] : undefined;
      const fill = kind === "pool" ? poolFill(pool) : FILL[kind];
      const dash = kind === "retired" || pool?.disabled ? ' stroke-dasharray="3 2"' : "";
      parts.push(
        `<rect x="${svgNumber(16 + Math.max(0, x * k - Math.max(0, 1.5 - w * k) / 2))}" y="${svgNumber(top + Math.max(0, ry * k - Math.max(0, 1.5 - rh * k) / 2))}" width="${svgNumber(Math.max(w * k, 1.5))}" height="${svgNumber(Math.max(rh * k, 1.5))}" fill="${fill}" stroke="${STROKE[kind]}" stroke-width="0.75"${dash}><title>${htmlText(`${kind === "pool" ? "pool" : kind} ${name} ${cidr}`)}</title></rect>`,
      );
      const pinned = pins.get(i);
      if (pinned && view.findings) {
        // A finding pinned on the range: a dot at its top right (inside the map), its findings as the title.
        const error = pinned.some((fi) => view.findings![fi][0] === "error");
        const cx = Math.min(16 + f.size[0] * k - 5, Math.max(21, 16 + (x + w) * k - (w * k >= 12 ? 6 : (w * k) / 2)));
        const cy = Math.max(top + 5, Math.min(top + h - 5, top + ry * k + (rh * k >= 12 ? 6 : (rh * k) / 2)));
        dots.push(`<circle class="finding" cx="${svgNumber(cx)}" cy="${svgNumber(cy)}" r="4.5" fill="${error ? "#cf222e" : "#bf8700"}" stroke="#fff" stroke-width="1.2"><title>${htmlText(pinned.map((fi) => view.findings![fi][2]).join("\n"))}</title></circle>`);
      }
    }
    parts.push(...dots);
    const ranked = [...pools].sort((a, b) => (b.blockUse ?? -1) - (a.blockUse ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const shown = ranked.slice(0, maxRows);
    let ly = top + 4;
    if (pools.length > 0) {
      parts.push(`<text x="${LIST_X}" y="${ly + 8}" class="s">${pools.length} ${pools.length === 1 ? "pool" : "pools"}${pools.length > shown.length ? `, the ${shown.length} fullest` : ""} · blocks claimed</text>`);
      ly += 16;
    }
    for (const p of shown) {
      parts.push(poolRow(p, ly));
      ly += ROW;
    }
    y = Math.max(top + h, ly) + 36;
  }
  if (view.families.length === 0) {
    parts.push(`<text x="16" y="${y}" class="s">No range with a readable CIDR.</text>`);
    y += 30;
  }
  if (steps.length > 0) {
    // Day 2: addresses in use per pool after each step (the page has the blocks chart and hover texts too).
    const chart = timelineChart(steps, { metric: "addresses", width: LIST_X + LIST_W - 16 });
    parts.push(`<g transform="translate(16,${svgNumber(y - 20)})">${chart.svg}</g>`);
    y += chart.height + 16;
  }
  if (fleet) {
    // A fleet: every cluster's ranges in the shared address space.
    parts.push(`<text x="16" y="${svgNumber(y - 6)}" class="h">Fleet</text><g transform="translate(16,${svgNumber(y + 2)})">${fleet.svg}</g>`);
    y += fleet.height + 36;
  }
  const legend = [
    ["pool", "#6fa8dc", "#1f5f99"],
    ["free in an address space", FILL.space, STROKE.space],
    ["Service CIDR", FILL.service, STROKE.service],
    ["node network", FILL.node, STROKE.node],
    ["reserved", FILL.reserved, STROKE.reserved],
    ["IP reservation", FILL.reservation, STROKE.reservation],
    ["retired", FILL.retired, STROKE.retired],
    ...(view.findings ? [["outside every pool", FILL.orphan, STROKE.orphan]] : []),
  ];
  let lx = 16;
  for (const [label, fill, stroke] of legend) {
    parts.push(`<rect x="${lx}" y="${y - 18}" width="10" height="10" fill="${fill}" stroke="${stroke}"/><text x="${lx + 14}" y="${y - 9}" class="s">${htmlText(label)}</text>`);
    lx += 22 + label.length * 6.2;
  }
  const width = LIST_X + LIST_W + 16;
  const height = y;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${svgNumber(height)}" viewBox="0 0 ${width} ${svgNumber(height)}" font-family="system-ui,-apple-system,Segoe UI,sans-serif">
<style>.t{font-size:16px;font-weight:600}.h{font-size:13px;font-weight:600}.s{font-size:11px;fill:#424a53}.m{font-size:11px;font-family:ui-monospace,Menlo,monospace}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="22" class="t"><tspan fill="${model.ok ? "#1a7f37" : "#cf222e"}">${model.ok ? "OK" : "FAILED"}</tspan> ${htmlText(model.title)}: ${htmlText(model.summary)}</text>
${parts.join("\n")}
</svg>
`;
}

function poolRow(p: ModelPool, y: number): string {
  const barX = LIST_X + 170;
  const barW = 120;
  const use = p.blockUse ?? 0;
  const fill = p.blockUse !== null && p.blockUse >= 0.8 ? "#fa4549" : "#54aeff";
  const label = p.blockUse === null ? "not simulated" : p.blocksText;
  const name = p.name.length > 26 ? `${p.name.slice(0, 25)}…` : p.name;
  return (
    `<text x="${LIST_X}" y="${y + 11}" class="m">${htmlText(name)}</text>` +
    `<rect x="${barX}" y="${y + 2}" width="${barW}" height="11" fill="#eaeef2"/>` +
    `<rect x="${barX}" y="${y + 2}" width="${svgNumber(Math.max(use > 0 ? 1 : 0, use * barW))}" height="11" fill="${fill}"/>` +
    `<text x="${barX + barW + 6}" y="${y + 11}" class="s">${htmlText(label)}</text>`
  );
}

function poolFill(p: ModelPool | undefined): string {
  if (!p || p.blockUse === null) return "#9fc5e8";
  return `hsl(210,65%,${svgNumber(82 - 50 * Math.min(1, p.blockUse))}%)`;
}
