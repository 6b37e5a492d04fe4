/** The inspection of a fleet ledger's `subSpaces` section: one entry per sub-space, no two sharing an address. */
import { Cidr, findOverlaps } from "../ip";
import { describe, isPlainObject, validateObjectName } from "../validation/names";
import { ProblemSink } from "./errors";
import { LedgerSubSpace, SUB_SPACE_KEYS } from "./format";
import { compareNames } from "./private/names";
import { pathSegment } from "./private/strict-json";

/**
 * @internal The valid entries of a `subSpaces` section, sorted by name, and a problem for each thing
 * wrong, its path under `subSpaces.<name>`. Two sub-spaces that overlap are a problem of the file:
 * a sub-space is carved like a pool, and no two share an address.
 */
export function inspectSubSpaces(raw: Record<string, unknown>, problem: ProblemSink): Array<[string, LedgerSubSpace]> {
  const out: Array<[string, LedgerSubSpace]> = [];
  const cidrs: Cidr[] = [];
  for (const name of Object.keys(raw).sort(compareNames)) {
    const at = `.subSpaces${pathSegment(name)}`;
    const nameProblems = validateObjectName(name, at);
    if (nameProblems.length > 0) {
      problem("LEDGER_POOL_NAME", at, `"${name}" is not a valid sub-space name: ${nameProblems[0].message}`);
      continue;
    }
    const entry = raw[name];
    if (!isPlainObject(entry)) {
      problem("LEDGER_TYPE", at, `sub-space "${name}" must be an object with ${SUB_SPACE_KEYS.join(", ")}, got ${describe(entry)}`);
      continue;
    }
    let ok = true;
    const bad: ProblemSink = (code, path, message, advice) => {
      ok = false;
      problem(code, path, message, advice);
    };
    for (const key of Object.keys(entry)) {
      if (!SUB_SPACE_KEYS.includes(key)) {
        bad(
          "LEDGER_UNKNOWN_KEY",
          at + pathSegment(key),
          `unknown key "${key}" in sub-space "${name}"; an entry has only ${SUB_SPACE_KEYS.join(", ")}. If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
          "upgrade",
        );
      }
    }
    for (const key of SUB_SPACE_KEYS) if (entry[key] === undefined) bad("LEDGER_MISSING_KEY", `${at}.${key}`, `sub-space "${name}" has no "${key}"`);
    if (!ok) continue;
    const { family, cidr: text, status } = entry;
    if (family !== 4 && family !== 6) bad("LEDGER_TYPE", `${at}.family`, `"family" must be 4 or 6, got ${describe(family)}`);
    if (status !== "active" && status !== "draining") bad("LEDGER_STATUS", `${at}.status`, `"status" must be "active" or "draining", got ${describe(status)}`);
    let cidr: Cidr | undefined;
    if (typeof text !== "string") {
      bad("LEDGER_TYPE", `${at}.cidr`, `"cidr" must be a string such as "10.32.0.0/14", got ${describe(text)}`);
    } else {
      const parsed = Cidr.tryParse(text);
      if (!parsed.ok) bad("LEDGER_CIDR_INVALID", `${at}.cidr`, parsed.error.message);
      else if (parsed.cidr.toString() !== text) bad("LEDGER_CIDR_NOT_CANONICAL", `${at}.cidr`, `"${text}" is not in canonical form; the ledger writes it as "${parsed.cidr.toString()}"`);
      else cidr = parsed.cidr;
    }
    if (cidr && (family === 4 || family === 6) && cidr.family !== family) {
      bad("LEDGER_FAMILY_MISMATCH", `${at}.family`, `"family" is ${family}, but ${cidr.toString()} is an IPv${cidr.family} range`);
    }
    if (!ok || cidr === undefined) continue;
    out.push([name, Object.freeze({ cidr: text as string, family: cidr.family, status: status as LedgerSubSpace["status"] })]);
    cidrs.push(cidr);
  }
  for (const [i, j] of findOverlaps(cidrs)) {
    problem(
      "LEDGER_OVERLAP",
      `.subSpaces${pathSegment(out[j][0])}.cidr`,
      `sub-space "${out[j][0]}" (${cidrs[j].toString()}) overlaps sub-space "${out[i][0]}" (${cidrs[i].toString()}); no two sub-spaces may share an address`,
    );
  }
  return out;
}
