/**
 * The rules of a spec file that span fields, checked after the shape (zod, or its JSON Schema on the
 * CLI's fast path). Free of zod, so that both paths share them.
 */
import type { SpecProblem } from "./schema";

/** Whether a parsed file is a fleet spec file (its only key is `fleet`). */
export function isFleetFile(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "fleet" in value;
}

/** A node entry is either one node (`name`) or a group (`namePattern` and `count`). */
export function nodeEntryProblems(nodes: ReadonlyArray<{ name?: string; namePattern?: string; count?: number }>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  nodes.forEach((n, i) => {
    const single = n.name !== undefined;
    const group = n.namePattern !== undefined || n.count !== undefined;
    if (single === group) {
      problems.push({ path: `topology.nodes[${i}]`, message: "give either name (one node) or namePattern and count (a group of nodes)" });
    } else if (group && (n.namePattern === undefined || n.count === undefined)) {
      problems.push({ path: `topology.nodes[${i}]`, message: "a node group needs both namePattern (e.g. \"rack-a-{i}\") and count" });
    }
  });
  return problems;
}

/**
 * The cross-field problems of a spec file whose shape is right: node entries, the timeline's own
 * problems (given, since checking steps needs zod), and host-local mode without nodes.
 */
export function specRuleProblems(
  data: { readonly hostLocal?: unknown; readonly topology?: { readonly nodes: ReadonlyArray<{ name?: string; namePattern?: string; count?: number }> } },
  timeline: readonly SpecProblem[],
): SpecProblem[] {
  const problems = [...nodeEntryProblems(data.topology?.nodes ?? []), ...timeline];
  if (data.hostLocal && !data.topology) {
    problems.push({ path: "topology", message: "hostLocal needs topology.nodes: every node gets its own range from the cluster CIDRs" });
  }
  return problems;
}
