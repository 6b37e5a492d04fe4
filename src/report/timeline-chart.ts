/**
 * The day-2 timeline as a chart: utilization per step per pool, drawn as inline SVG on the server
 * side (no script needed to see it; `plan.html` adds hover texts, `plan.svg` shows it as is).
 * Deterministic to the byte, pure.
 */
import { formatCount, formatFraction, htmlText, svgNumber } from "./format";
import type { ReportPoolUsage, ReportTimelineStep } from "./schema";

/** What a chart measures per pool and step. */
export type TimelineMetric = "addresses" | "blocks";

/** Options of {@link renderTimelineChart}. */
export interface TimelineChartOptions {
  /** Addresses in use (`utilization`) or blocks claimed (`blockUtilization`). @default "addresses" */
  readonly metric?: TimelineMetric;
  /** Width of the chart in pixels. @default 640 */
  readonly width?: number;
  /** Height of the plot area in pixels. @default 160 */
  readonly height?: number;
  /**
   * Hover texts as `data-tip` attributes (the page's script shows them); else `<title>` elements, which
   * a standalone SVG viewer shows. @default false
   */
  readonly dataTips?: boolean;
}

/** The pools of a timeline, in order of first appearance (each step lists its pools by name). */
export function timelinePools(steps: readonly ReportTimelineStep[]): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const s of steps) {
    for (const p of s.pools) {
      if (!seen.has(p.name)) {
        seen.add(p.name);
        names.push(p.name);
      }
    }
  }
  return names;
}

/** A pool's colour in the charts: ten distinct hues, then the golden angle. */
export function seriesColour(index: number): string {
  const PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#bf8700", "#8250df", "#e16f24", "#1b7c83", "#bf3989", "#57606a", "#6e7781"];
  return index < PALETTE.length ? PALETTE[index] : `hsl(${svgNumber((index * 137.508) % 360)},65%,42%)`;
}

/** Tops of the y axis whose quarters read well (0.5%, 1%, 2.5%, 5%, 10%, 15%, 20%, 25%). */
const NICE = [0.02, 0.04, 0.1, 0.2, 0.4, 0.6, 0.8, 1];

/** The top of the y axis: the smallest of {@link NICE} that holds every value (above 100%: the next whole). */
function axisTop(max: number): number {
  return NICE.find((n) => n >= max - 1e-12) ?? Math.ceil(max);
}

function value(p: ReportPoolUsage, metric: TimelineMetric): number {
  return metric === "addresses" ? p.utilization : p.blockUtilization;
}

function usageText(p: ReportPoolUsage): string {
  const used = p.addressesInUse + p.addressesWindowsReserved;
  return `${formatCount(used)} / ${formatCount(p.addressesTotal)} addresses (${formatFraction(p.utilization)}) · ${formatCount(p.blocksClaimed)} / ${formatCount(p.blocksTotal)} blocks (${formatFraction(p.blockUtilization)})`;
}

/** The words of one step, 1-based as the text report numbers them. */
export function stepLabel(s: ReportTimelineStep): string {
  return `step ${s.index + 1} · t=${s.time}s · ${s.description}${s.applied ? "" : " (refused)"}`;
}

/**
 * One chart of a day-2 timeline: per pool a series (`<g class="series" data-pool>`, a line and one
 * point per step the pool exists in), the steps along x (1-based, as the text report numbers them;
 * refused steps in red), utilization along y. Each step has a column (`rect.step[data-step]`) whose hover
 * text lists every pool's counts after it; each point's hover text its pool's.
 */
export function renderTimelineChart(steps: readonly ReportTimelineStep[], options: TimelineChartOptions = {}): string {
  return timelineChart(steps, options).svg;
}

/** {@link renderTimelineChart} with the chart's size, for placing it inside another picture. */
export function timelineChart(steps: readonly ReportTimelineStep[], options: TimelineChartOptions = {}): { readonly svg: string; readonly width: number; readonly height: number } {
  const metric = options.metric ?? "addresses";
  const width = options.width ?? 640;
  const plotH = options.height ?? 160;
  const names = timelinePools(steps);
  const left = 44;
  const right = 12;
  const top = 22;
  const legendRows = Math.ceil(names.length / 4);
  const height = top + plotH + 24 + legendRows * 16 + 4;
  const plotW = width - left - right;
  const n = steps.length;
  const colW = n > 0 ? plotW / n : plotW;
  const xOf = (i: number) => left + colW * (i + 0.5);
  const max = Math.max(0, ...steps.flatMap((s) => s.pools.map((p) => value(p, metric))));
  const ceil = axisTop(max);
  const yOf = (v: number) => top + plotH - (plotH * v) / ceil;
  const tip = (text: string) => (options.dataTips ? ` data-tip="${htmlText(text)}"` : "");
  const title = (text: string) => (options.dataTips ? "" : `<title>${htmlText(text)}</title>`);
  const heading = metric === "addresses" ? "Addresses in use per pool, after each step" : "Blocks claimed per pool, after each step";

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" data-metric="${metric}" data-steps="${n}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,-apple-system,Segoe UI,sans-serif" font-size="11">`,
  );
  out.push(`<text x="${left}" y="14" font-size="12" font-weight="600" fill="#1f2328">${htmlText(heading)}</text>`);
  // Axis and grid: five lines from 0 to the top.
  for (let t = 0; t <= 4; t++) {
    const v = (ceil * t) / 4;
    const y = svgNumber(yOf(v));
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" stroke="${t === 0 ? "#8c959f" : "#eaeef2"}"/><text x="${left - 4}" y="${svgNumber(yOf(v) + 3.5)}" text-anchor="end" fill="#656d76">${htmlText(formatFraction(v))}</text>`);
  }
  // Step columns: hover targets listing every pool after the step.
  steps.forEach((s, i) => {
    const lines = [stepLabel(s), ...s.pools.map((p) => `${p.name}: ${usageText(p)}`)];
    const x = left + colW * i;
    out.push(`<rect class="step" data-step="${i}" x="${svgNumber(x)}" y="${top}" width="${svgNumber(colW)}" height="${plotH}" fill="${i % 2 === 0 ? "#f6f8fa" : "#ffffff"}" fill-opacity="0.6"${tip(lines.join("\n"))}>${title(lines.join("\n"))}</rect>`);
    out.push(`<text x="${svgNumber(xOf(i))}" y="${top + plotH + 13}" text-anchor="middle" fill="${s.applied ? "#656d76" : "#cf222e"}">${s.index + 1}${s.applied ? "" : "✗"}</text>`);
  });
  out.push(`<text x="${svgNumber(left + plotW / 2)}" y="${top + plotH + 24}" text-anchor="middle" fill="#656d76" font-size="10">step</text>`);
  // One series per pool: a path broken where the pool does not exist (before it is added, after it is deleted).
  const byName = steps.map((s) => new Map(s.pools.map((p) => [p.name, p])));
  names.forEach((name, pi) => {
    const colour = seriesColour(pi);
    let d = "";
    let drawing = false;
    const points: string[] = [];
    steps.forEach((s, i) => {
      const p = byName[i].get(name);
      if (!p) {
        drawing = false;
        return;
      }
      const x = svgNumber(xOf(i));
      const y = svgNumber(yOf(value(p, metric)));
      d += `${drawing ? "L" : "M"}${x} ${y}`;
      drawing = true;
      const text = `${name} after ${stepLabel(s)}\n${usageText(p)}`;
      points.push(`<circle class="point" data-step="${i}" cx="${x}" cy="${y}" r="3.5" fill="${colour}"${tip(text)}>${title(text)}</circle>`);
    });
    out.push(`<g class="series" data-pool="${htmlText(name)}"><path d="${d}" fill="none" stroke="${colour}" stroke-width="2" pointer-events="none"/>${points.join("")}</g>`);
  });
  // Legend: four pools a row.
  const legendTop = top + plotH + 34;
  names.forEach((name, pi) => {
    const x = left + (pi % 4) * (plotW / 4);
    const y = legendTop + Math.floor(pi / 4) * 16;
    const shown = name.length > 28 ? `${name.slice(0, 27)}…` : name;
    out.push(`<rect x="${svgNumber(x)}" y="${y - 8}" width="10" height="10" fill="${seriesColour(pi)}"/><text x="${svgNumber(x + 14)}" y="${y + 1}" fill="#1f2328">${htmlText(shown)}</text>`);
  });
  out.push("</svg>");
  return { svg: out.join(""), width, height };
}
