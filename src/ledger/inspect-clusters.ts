/** The inspection of a fleet ledger's `clusters` section: one section per cluster, each checked like a single-cluster ledger. */
import { describe, isPlainObject } from "../validation/names";
import { ProblemSink } from "./errors";
import { DNS1123_LABEL, DNS1123_LABEL_MAX, LEDGER_FORMAT_VERSION, LedgerClusterSection, SECTION_KEYS } from "./format";
import { inspectLedger } from "./inspect";
import { compareNames } from "./private/names";
import { pathSegment } from "./private/strict-json";

/**
 * @internal The valid sections of a `clusters` section, and a problem for each thing wrong, its path
 * under `clusters.<name>`. Overlaps between two clusters are not problems of the file: two isolated
 * clusters may reuse a range, and only the fleet plan knows which are isolated.
 */
export function inspectClusters(raw: Record<string, unknown>, problem: ProblemSink): Array<[string, LedgerClusterSection]> {
  const out: Array<[string, LedgerClusterSection]> = [];
  for (const name of Object.keys(raw).sort(compareNames)) {
    const at = `.clusters${pathSegment(name)}`;
    if (name.length > DNS1123_LABEL_MAX || !DNS1123_LABEL.test(name)) {
      problem(
        "LEDGER_CLUSTER_NAME",
        at,
        `"${name}" is not a valid cluster name: a cluster name is a DNS-1123 label (at most ${DNS1123_LABEL_MAX} lower case ` +
          `alphanumeric characters or '-', starting and ending with an alphanumeric character), such as "prod-eu-1"`,
      );
      continue;
    }
    const section = raw[name];
    if (!isPlainObject(section)) {
      problem("LEDGER_TYPE", at, `cluster "${name}" must be an object with "pools" (and optionally "addresses", "drawnRanges" and "nodeCidrs"), got ${describe(section)}`);
      continue;
    }
    let ok = true;
    for (const key of Object.keys(section)) {
      if (!SECTION_KEYS.includes(key)) {
        ok = false;
        problem(
          "LEDGER_UNKNOWN_KEY",
          at + pathSegment(key),
          `unknown key "${key}" in cluster "${name}"; a cluster's section has only ${SECTION_KEYS.map((k) => `"${k}"`).join(", ")}. ` +
            `If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
          "upgrade",
        );
      }
    }
    if (!ok) continue;
    const { status, ...rest } = section;
    if (status !== undefined && status !== "retired") {
      problem("LEDGER_STATUS", `${at}.status`, `the "status" of cluster "${name}" must be "retired" (a cluster no longer in code) or absent (a cluster in code), got ${describe(status)}`);
      continue;
    }
    const inner = inspectLedger({ ...rest, version: LEDGER_FORMAT_VERSION });
    for (const p of inner.problems) problem(p.code, `${at}.${p.path}`, p.message, p.advice);
    if (inner.problems.length > 0) continue;
    const { pools, addresses, nodeCidrs, drawnRanges } = inner.ledger;
    out.push([name, Object.freeze({ pools, ...(addresses ? { addresses } : {}), ...(drawnRanges ? { drawnRanges } : {}), ...(nodeCidrs ? { nodeCidrs } : {}), ...(status ? { status } : {}) })]);
  }
  return out;
}
