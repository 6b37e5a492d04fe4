import { renderPlanHtml } from "./html";
import { renderJson } from "./json";
import { renderPlanMarkdown } from "./markdown";
import type { PlanReport } from "./schema";
import { renderPlanSvg } from "./svg";

/** The names of the report files, in the order they are written. */
export const PLAN_REPORT_FILES: readonly string[] = ["plan.json", "plan.md", "plan.html", "plan.svg"];

/**
 * The report files of a plan, as the constructs write them at synth and `calico-ipam plan --out`
 * writes them: `plan.json` (the data), `plan.md` (for a PR comment), `plan.html` (the address map,
 * self-contained) and `plan.svg` (a static overview to attach to a PR). `prefix` goes before each
 * name (`<id>.` when a stack has several plans).
 */
export function planReportFiles(report: PlanReport, prefix = ""): Array<readonly [string, string]> {
  return [
    [`${prefix}plan.json`, renderJson(report)],
    [`${prefix}plan.md`, renderPlanMarkdown(report)],
    [`${prefix}plan.html`, renderPlanHtml(report)],
    [`${prefix}plan.svg`, renderPlanSvg(report)],
  ];
}
