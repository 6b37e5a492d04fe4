/**
 * Published plan files: how clusters synthesized by other apps (one repository per team) share the
 * address plan without sharing code. Each app publishes its clusters' `plan.json` (or the JSON of
 * `calico-ipam plan fleet.yaml --format json`); an app that names those files keeps clear of every
 * range they hold, and a recorded or pinned range of its own that overlaps one is an error naming both
 * clusters.
 */
import fs from "fs";
import { parsePlanReport, PlanReportError } from "../report/parse";
import type { PlanReport } from "../report/schema";
import { Finding, error } from "../validation/finding";
import type { HeldRange } from "./carve-fleet";

/** The schema name of the JSON `calico-ipam plan fleet.yaml --format json` writes. */
export const FLEET_PLAN_SCHEMA = "cdktf-calico-ipam/fleet-plan";

/**
 * The ranges held by the clusters of published plan files, each with its cluster and pool, except the
 * clusters named in `skip` (the clusters of this fleet: an app may name its own published file). A file
 * that cannot be read or is not a plan file is an error naming it (`FLEET_PLAN_FILE_INVALID`).
 *
 * A file is one of:
 * - a cluster's `plan.json` in a fleet (it has `fleet`): every cluster of that fleet, by the names there;
 * - a cluster's `plan.json` planned alone (no `fleet`): its pools, under the cluster name `cluster` when
 *   given, else the file name;
 * - the JSON of `calico-ipam plan fleet.yaml --format json`: every cluster, by name.
 *
 * Draining pools hold their ranges too (their pods may still use them).
 */
export function readPublishedPlans(
  files: ReadonlyArray<string | { readonly file: string; readonly cluster?: string }>,
  skip: ReadonlySet<string>,
  findings: Finding[],
): HeldRange[] {
  const held: HeldRange[] = [];
  const seen = new Set<string>();
  for (const item of files) {
    const { file, cluster } = typeof item === "string" ? { file: item, cluster: undefined } : item;
    const source = `published in ${file}`;
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      findings.push(
        error(
          "FLEET_PLAN_FILE_INVALID",
          "publishedPlans",
          `cannot read the published plan file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ` +
            `check the path (relative to the working directory), or fetch the other app's plan.json before synth`,
        ),
      );
      continue;
    }
    let reports: Array<{ name: string; report: PlanReport }>;
    try {
      reports = parsePlanFile(text, file, cluster);
    } catch (e) {
      if (!(e instanceof PlanReportError)) throw e;
      findings.push(
        error(
          "FLEET_PLAN_FILE_INVALID",
          "publishedPlans",
          `${e.message}; a published plan file is a cluster's plan.json (written by synth or calico-ipam plan) or the JSON of calico-ipam plan fleet.yaml --format json`,
        ),
      );
      continue;
    }
    const add = (name: string, pool: string, cidr: string) => {
      const key = `${name}\u0000${pool}\u0000${cidr}`;
      if (skip.has(name) || seen.has(key)) return;
      seen.add(key);
      held.push({ cluster: name, pool, cidr, source });
    };
    for (const { name, report } of reports) {
      for (const p of report.pools) if (p.cidr !== null) add(name, p.name, p.cidr);
      for (const r of report.ranges?.retired ?? []) add(name, r.name, r.cidr);
      for (const c of report.fleet?.clusters ?? []) {
        if (c.name === name) continue;
        for (const p of c.pools) add(c.name, p.name, p.cidr);
      }
    }
  }
  return held;
}

/** The cluster reports of a published plan file, each with its cluster name. */
function parsePlanFile(text: string, file: string, cluster: string | undefined): Array<{ name: string; report: PlanReport }> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (typeof doc === "object" && doc !== null && (doc as { schema?: unknown }).schema === FLEET_PLAN_SCHEMA) {
    const clusters = (doc as { clusters?: unknown }).clusters;
    if (!Array.isArray(clusters)) throw new PlanReportError(`${file}: clusters: must be a list of { name, report }`, "clusters", file);
    return clusters.map((c: unknown, i: number) => {
      const name = (c as { name?: unknown } | null)?.name;
      if (typeof name !== "string") throw new PlanReportError(`${file}: clusters[${i}].name: must be the cluster name`, `clusters[${i}].name`, file);
      return { name, report: parsePlanReport(JSON.stringify((c as { report?: unknown }).report), `${file} (cluster "${name}")`) };
    });
  }
  const report = parsePlanReport(text, file);
  return [{ name: report.fleet?.cluster ?? cluster ?? file, report }];
}
