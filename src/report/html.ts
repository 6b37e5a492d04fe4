/**
 * `plan.html`: the address plan as a picture, one self-contained file. Everything it needs is inside
 * (the data, packed by `map-pack.ts`, the styles, a small hand-written script, `private/map-client.ts`); its Content Security
 * Policy forbids every network access, so opening it fetches nothing.
 */
import type { PlanDiff } from "./diff";
import { htmlText } from "./format";
import type { ClusterDump, InspectReport } from "../live";
import { inspectMapModel } from "./inspect-map";
import { MapModel, diffMapModel, planMapModel } from "./map-model";
import { packModel } from "./map-pack";
import type { PlanReport, ReportFinding } from "./schema";
import { fleetMap } from "./fleet-map";
import { renderTimelineChart } from "./timeline-chart";

/**
 * The map's browser script (`private/map-client.ts`), loaded when a page is first written: 23 KB of text
 * that is not ASCII, so the CLI's bundle requires it from its own file, which `require` compiles on every
 * start that loads it (~1–2 ms of a `calico-ipam plan` that writes no page).
 */
function mapClientScript(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("./private/map-client") as typeof import("./private/map-client")).MAP_CLIENT_SCRIPT;
}

/** Options of {@link renderPlanHtml} and {@link renderDiffHtml}. */
export interface PlanHtmlOptions {
  /** The page title, e.g. the stack or cluster name. @default "Calico IPAM plan" (a diff: "Calico IPAM plan diff") */
  readonly title?: string;
}

/**
 * The plan as an HTML page: per IP family, the address map (a Hilbert-curve layout, see
 * `address-map.ts`) with address spaces, excluded ranges (Service CIDRs, node networks, reserved
 * ranges), IP reservations, retired ranges and pools, colour-coded, the free room of each address space
 * in light green; a click on a pool zooms into its blocks, coloured by node and use, borrowed addresses
 * outlined; hovering shows CIDR, pool, node and counts; per pool, gauges of block and address
 * utilization and the headroom; then the findings. Deterministic to the byte, pure.
 */
export function renderPlanHtml(report: PlanReport, options: PlanHtmlOptions = {}): string {
  return page(planMapModel(report, options.title), findingsHtml(report.findings), "", [timelineHtml(report) + fleetHtml(report)]);
}

/** The fleet's shared address space with every cluster's ranges, or "" for a cluster planned alone. */
function fleetHtml(report: PlanReport): string {
  if (!report.fleet) return "";
  const map = fleetMap(report.fleet, { dataTips: true, addressSpaces: report.ranges?.addressSpaces ?? [] });
  return `<h3>Fleet</h3><p class="note">Cluster ${htmlText(report.fleet.cluster)} in its fleet of ${report.fleet.clusters.length}: every cluster's pools, by colour; hover a range for its cluster and pool.</p><div class="fleet">${map.svg}</div>`;
}

/** The day-2 timeline charts of a report (addresses and blocks per pool per step), or "" without a timeline. */
function timelineHtml(report: PlanReport): string {
  const steps = report.simulation?.timeline ?? [];
  if (steps.length === 0) return "";
  const charts = (["addresses", "blocks"] as const).map((metric) => renderTimelineChart(steps, { metric, dataTips: true })).join("");
  return `<h3>Timeline</h3><p class="note">The state after each of the ${steps.length} ${steps.length === 1 ? "step" : "steps"}; hover a step or a point for the counts.</p><div class="timeline">${charts}</div>`;
}

/**
 * A plan diff as an HTML page: the base and head maps side by side, with added pools outlined in
 * green, changed ones in amber, draining ones (disabled by the change) in violet and removed or
 * retired ranges in red; the destructive changes and notes above them.
 */
export function renderDiffHtml(base: PlanReport, head: PlanReport, diff: PlanDiff, options: PlanHtmlOptions = {}): string {
  const lists = [
    diff.destructiveChanges.length > 0 ? `<h2>Destructive changes</h2><ul class="bad">${diff.destructiveChanges.map((s) => `<li>${htmlText(s)}</li>`).join("")}</ul>` : "",
    diff.notes.length > 0 ? `<h2>Notes</h2><ul>${diff.notes.map((s) => `<li>${htmlText(s)}</li>`).join("")}</ul>` : "",
  ].join("");
  return page(diffMapModel(base, head, diff, options.title), findingsHtml(head.findings), lists);
}

/**
 * A live cluster (`calico-ipam inspect`) as an HTML page: the same map as a plan's, from an inspect
 * report, each block coloured by its node and use, borrowed addresses outlined, blocks of no pool and
 * addresses in use outside every pool drawn in dark red, and each finding pinned on the pool or block
 * it concerns (a red or amber marker whose hover text lists them), then listed. The dump gives the
 * places of findings about affinities, pods and handles. Deterministic to the byte, pure.
 */
export function renderInspectHtml(report: InspectReport, dump?: ClusterDump, options: PlanHtmlOptions = {}): string {
  const model = inspectMapModel(report, dump, options.title !== undefined ? { title: options.title } : {});
  const view = model.views[0];
  const pinned = new Set<number>([...view.families.flatMap((f) => f.pins ?? []), ...view.pools.flatMap((p) => p.pins ?? [])].flatMap(([, list]) => list));
  const items = report.findings
    .map(
      (f, i) =>
        `<li class="${f.severity}${pinned.has(i) ? " pinned" : ""}" data-finding="${i}"><b>${htmlText(f.severity)}</b> <code>${htmlText(f.code)}</code> ${htmlText(f.subject)}${f.path ? ` <code>${htmlText(f.path)}</code>` : ""}: ${htmlText(f.message)}${pinned.has(i) ? ' <span class="on-map">● on the map</span>' : ""}</li>`,
    )
    .join("");
  const findings = report.findings.length === 0 ? "<h2>Findings</h2><p>None.</p>" : `<h2>Findings</h2><ul class="findings">${items}</ul>`;
  return page(model, findings, "");
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:16px 24px;border-bottom:1px solid #d0d7de}
header h1{margin:0 0 4px;font-size:20px}
header h1::before{font-size:12px;vertical-align:3px;padding:2px 8px;margin-right:8px;border-radius:10px;color:#fff}
header.ok h1::before{content:"OK";background:#1a7f37}
header.bad h1::before{content:"FAILED";background:#cf222e}
main{padding:8px 24px 32px}
.views{display:flex;flex-wrap:wrap;gap:24px}
.view{flex:1 1 560px;min-width:320px}
.families{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
.family{margin:8px 0 8px;max-width:482px}
.family h3{margin:8px 0 4px;font-size:15px}
.crumbs{font-size:13px;margin-bottom:4px}
.crumbs a{color:#0969da;text-decoration:none}
.crumbs .hint{color:#656d76;margin-left:8px}
.stage{position:relative;border:1px solid #d0d7de;cursor:pointer;max-width:100%}
.stage svg,.stage canvas{display:block}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px;color:#424a53;margin-top:6px}
.legend i{display:inline-block;width:12px;height:12px;border:1px solid;vertical-align:-2px;margin-right:4px}
.gauge{content-visibility:auto;contain-intrinsic-size:auto 25px;display:grid;grid-template-columns:minmax(90px,1.2fr) minmax(110px,1fr) 2fr 2fr minmax(90px,1fr);gap:8px;align-items:center;padding:3px 0;border-bottom:1px solid #eaeef2;font-size:12px}
.gauge .pname{font-weight:600;overflow-wrap:anywhere}
.gauge em{font-style:normal;font-weight:400;font-size:11px;padding:0 4px;border-radius:6px;background:#eaeef2}
.gauge.added em{background:#dafbe1}.gauge.changed em{background:#fff8c5}.gauge.draining em{background:#fbefff}.gauge.removed em{background:#ffebe9}
.gauge .cidr{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.meter{position:relative;display:block;height:18px;background:#eaeef2;border-radius:3px;overflow:hidden}
.meter i{position:absolute;left:0;top:0;bottom:0;background:#54aeff}
.meter.high i{background:#fa4549}
.meter b{position:relative;font-weight:400;padding-left:6px;white-space:nowrap;font-size:11px;line-height:18px}
#tip{position:fixed;z-index:10;max-width:520px;white-space:pre-line;background:#1f2328;color:#fff;padding:6px 8px;border-radius:6px;font-size:12px;pointer-events:none}
.findings li{margin:2px 0}.findings .error{color:#cf222e}.findings .warning{color:#9a6700}
ul.bad li{color:#cf222e}
.note{color:#656d76;font-size:12px;margin:0 0 4px}
.findings .on-map{font-size:11px;color:#656d76}.findings .error .on-map{color:#cf222e}.findings .warning .on-map{color:#9a6700}
.timeline{display:flex;flex-wrap:wrap;gap:8px 24px}
.timeline-chart .point{cursor:default}.timeline-chart .step:hover{fill:#ddf4ff}
`;

const LEGEND: ReadonlyArray<[string, string, string]> = [
  ["pool (darker: more blocks claimed)", "#6fa8dc", "#1f5f99"],
  ["free room of an address space", "#e3f4e1", "#6bbf73"],
  ["Service CIDR", "#ffd08a", "#c98a1c"],
  ["node network", "#c8b6ac", "#8d6e63"],
  ["reserved range", "#cfd8dc", "#90a4ae"],
  ["IP reservation", "#d7a6e0", "#9c4fb0"],
  ["retired (kept until released)", "#f4b4b4", "#cf222e"],
];

/** Extra legend entries of a live cluster's map. */
const LIVE_LEGEND: ReadonlyArray<[string, string, string]> = [["block of no pool, or an address in use outside every pool", "#ffcecb", "#a40e26"]];
const PIN_LEGEND: ReadonlyArray<[string, string]> = [
  ["error finding (hover for the list)", "#cf222e"],
  ["warning finding", "#bf8700"],
];

const STATUS_LEGEND: ReadonlyArray<[string, string]> = [
  ["added", "#1a7f37"],
  ["changed", "#bf8700"],
  ["draining (disabled)", "#8250df"],
  ["removed", "#cf222e"],
];

/** JSON inside a `<script>` element: nothing in it can close the element or open a comment. */
function scriptJson(value: unknown): string {
  const json = JSON.stringify(value);
  // One pass, and none when nothing needs escaping (a page of 100,000 blocks is megabytes of JSON).
  return /[<\u2028\u2029]/.test(json) ? json.replace(/[<\u2028\u2029]/g, (c) => (c === "<" ? "\\u003c" : c === "\u2028" ? "\\u2028" : "\\u2029")) : json;
}

function page(model: MapModel, findings: string, lists: string, extras: readonly string[] = []): string {
  const live = model.views.some((v) => v.findings !== undefined);
  const legend = `<div class="legend">${[...LEGEND, ...(live ? LIVE_LEGEND : [])].map(([label, fill, stroke]) => `<span><i style="background:${fill};border-color:${stroke}"></i>${htmlText(label)}</span>`).join("")}${
    model.views.length > 1 ? STATUS_LEGEND.map(([label, stroke]) => `<span><i style="background:#fff;border:2px solid ${stroke}"></i>${htmlText(label)}</span>`).join("") : ""
  }${live ? PIN_LEGEND.map(([label, fill]) => `<span><i style="background:${fill};border-color:#fff;border-radius:6px"></i>${htmlText(label)}</span>`).join("") : ""}</div>`;
  const views = model.views
    .map((v, vi) => {
      const families = `<div class="families">${v.families
        .map(
          (f, fi) =>
            `<div class="family" data-view="${vi}" data-family="${fi}"><h3>IPv${f.family} · ${htmlText(f.root)}</h3><nav class="crumbs"></nav><div class="stage" role="img" aria-label="${htmlText(`IPv${f.family} address map of ${v.label}`)}"></div></div>`,
        )
        .join("")}</div>${v.families.length > 0 ? legend : ""}`;
      const empty = v.families.length === 0 ? "<p>No range with a readable CIDR.</p>" : "";
      return `<section class="view"><h2>${htmlText(v.label)}</h2>${families}${empty}<h3>Pools</h3><div class="gauges" data-view="${vi}"></div>${extras[vi] ?? ""}</section>`;
    })
    .join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(model.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="${model.ok ? "ok" : "bad"}"><h1>${htmlText(model.title)}</h1><div>${htmlText(model.summary)}</div></header>
<main>
${lists}
<div class="views">${views}</div>
${findings}
</main>
<div id="tip" role="tooltip" hidden></div>
<script id="calico-ipam-map" type="application/json">${scriptJson(packModel(model))}</script>
<script>${mapClientScript()}</script>
</body>
</html>
`;
}

function findingsHtml(findings: readonly ReportFinding[]): string {
  if (findings.length === 0) return "<h2>Findings</h2><p>None.</p>";
  const items = findings
    .map((f) => `<li class="${f.accepted ? "accepted" : f.severity}"><b>${htmlText(f.accepted ? `accepted ${f.severity}` : f.severity)}</b> <code>${htmlText(f.code)}</code> ${htmlText(f.subject)}: ${htmlText(f.message)}</li>`)
    .join("");
  return `<h2>Findings</h2><ul class="findings">${items}</ul>`;
}
