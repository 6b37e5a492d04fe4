/** The inspection of a ledger's `drawnRanges` section: a cluster's Service CIDRs and node networks drawn from its fleet's address plan. */
import { Cidr, findOverlaps } from "../ip";
import { describe, isPlainObject } from "../validation/names";
import { ProblemSink } from "./errors";
import { DRAWN_RANGE_KEYS, LedgerDrawnRange, OPTIONAL_DRAWN_RANGE_KEYS, drawnRangeKey } from "./format";
import { compareNames } from "./private/names";
import { pathSegment } from "./private/strict-json";

/** The keys a `drawnRanges` section may have, in order. */
const KEYS = (["node", "service"] as const).flatMap((kind) => ([4, 6] as const).map((family) => ({ key: drawnRangeKey(kind, family), kind, family })));

/**
 * @internal The valid entries of a `drawnRanges` section, sorted by key, and a problem for each thing
 * wrong, its path under `drawnRanges.<key>`. Two drawn ranges that overlap, or one that overlaps a pool
 * of the same ledger (`pools`, the parsed CIDRs of its valid pools), are problems of the file: they
 * are carved like pools, and no two share an address.
 */
export function inspectDrawnRanges(raw: Record<string, unknown>, pools: ReadonlyMap<string, Cidr>, problem: ProblemSink): Array<[string, LedgerDrawnRange]> {
  const out: Array<[string, LedgerDrawnRange]> = [];
  const cidrs: Cidr[] = [];
  for (const key of Object.keys(raw).sort(compareNames)) {
    const at = `.drawnRanges${pathSegment(key)}`;
    const known = KEYS.find((k) => k.key === key);
    if (known === undefined) {
      problem(
        "LEDGER_UNKNOWN_KEY",
        at,
        `unknown drawn range "${key}"; a drawn range is keyed ${KEYS.map((k) => `"${k.key}"`).join(", ")}. If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
        "upgrade",
      );
      continue;
    }
    const entry = raw[key];
    if (!isPlainObject(entry)) {
      problem("LEDGER_TYPE", at, `drawn range "${key}" must be an object with ${DRAWN_RANGE_KEYS.join(", ")}, got ${describe(entry)}`);
      continue;
    }
    let ok = true;
    const bad: ProblemSink = (code, path, message, advice) => {
      ok = false;
      problem(code, path, message, advice);
    };
    for (const k of Object.keys(entry)) {
      if (!DRAWN_RANGE_KEYS.includes(k) && !OPTIONAL_DRAWN_RANGE_KEYS.includes(k)) {
        bad(
          "LEDGER_UNKNOWN_KEY",
          at + pathSegment(k),
          `unknown key "${k}" in drawn range "${key}"; an entry has only ${[...DRAWN_RANGE_KEYS, ...OPTIONAL_DRAWN_RANGE_KEYS].join(", ")}. If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
          "upgrade",
        );
      }
    }
    for (const k of DRAWN_RANGE_KEYS) if (entry[k] === undefined) bad("LEDGER_MISSING_KEY", `${at}.${k}`, `drawn range "${key}" has no "${k}"`);
    if (!ok) continue;
    const { family, cidr: text, kind, status } = entry;
    if (status !== undefined && status !== "draining") {
      bad(
        "LEDGER_TYPE",
        `${at}.status`,
        `"status" of drawn range "${key}" must be "draining" (the cluster no longer asks for it), or absent while the cluster asks for it; got ${describe(status)}`,
      );
    }
    if (kind !== known.kind) bad("LEDGER_TYPE", `${at}.kind`, `"kind" of drawn range "${key}" must be "${known.kind}", got ${describe(kind)}`);
    if (family !== known.family) bad("LEDGER_FAMILY_MISMATCH", `${at}.family`, `"family" of drawn range "${key}" must be ${known.family}, got ${describe(family)}`);
    let cidr: Cidr | undefined;
    if (typeof text !== "string") {
      bad("LEDGER_TYPE", `${at}.cidr`, `"cidr" must be a string such as "10.96.0.0/16", got ${describe(text)}`);
    } else {
      const parsed = Cidr.tryParse(text);
      if (!parsed.ok) bad("LEDGER_CIDR_INVALID", `${at}.cidr`, parsed.error.message);
      else if (parsed.cidr.toString() !== text) bad("LEDGER_CIDR_NOT_CANONICAL", `${at}.cidr`, `"${text}" is not in canonical form; the ledger writes it as "${parsed.cidr.toString()}"`);
      else if (parsed.cidr.family !== known.family) bad("LEDGER_FAMILY_MISMATCH", `${at}.cidr`, `drawn range "${key}" is IPv${known.family}, but ${text} is an IPv${parsed.cidr.family} range`);
      else cidr = parsed.cidr;
    }
    if (!ok || cidr === undefined) continue;
    out.push([key, Object.freeze({ cidr: text as string, family: known.family, kind: known.kind, ...(status === "draining" ? { status } : {}) })]);
    cidrs.push(cidr);
  }
  for (const [i, j] of findOverlaps(cidrs)) {
    problem(
      "LEDGER_OVERLAP",
      `.drawnRanges${pathSegment(out[j][0])}.cidr`,
      `drawn range "${out[j][0]}" (${cidrs[j].toString()}) overlaps drawn range "${out[i][0]}" (${cidrs[i].toString()}); no two drawn ranges may share an address`,
    );
  }
  if (cidrs.length > 0 && pools.size > 0) {
    const names = [...pools.keys()];
    const all = [...cidrs, ...names.map((n) => pools.get(n)!)];
    for (const [i, j] of findOverlaps(all)) {
      if ((i < cidrs.length) === (j < cidrs.length)) continue;
      const [r, p] = i < cidrs.length ? [i, j] : [j, i];
      problem(
        "LEDGER_OVERLAP",
        `.drawnRanges${pathSegment(out[r][0])}.cidr`,
        `drawn range "${out[r][0]}" (${cidrs[r].toString()}) overlaps pool "${names[p - cidrs.length]}" (${all[p].toString()}); a cluster's pools never share an address with its Service CIDRs or node networks`,
      );
    }
  }
  return out;
}
