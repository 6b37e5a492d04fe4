import type { PlanDiff } from "./diff";
import type { PlanReport } from "./schema";

/**
 * The JSON text of a plan report or a plan diff: 2-space indent, `\n` line ends, a trailing newline.
 * Byte-identical for equal input: every object of a report is built with a fixed key order, and maps
 * of user keys (annotations) are sorted when the report is built.
 */
export function renderJson(value: PlanReport | PlanDiff): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
