/**
 * The inspection of a ledger value, from a hand-edited file or built in code: every rule of the format
 * (see `./format`), each problem with its JSON path, and a normalized frozen copy. Shared by
 * `parseLedger`, `serializeLedger`, the table of `calico-ipam ledger show` and the carver.
 */
import { Cidr, IpFamily, findOverlaps } from "../ip";
import { describe, isObjectName, isPlainObject, validateObjectName } from "../validation/names";
import { CHECKED_ADDRESSES, CHECKED_CLUSTERS, CHECKED_DRAWN_RANGES, CHECKED_MIGRATIONS, CHECKED_NODE_CIDRS, CHECKED_SUB_SPACES, CheckedLedger, INSPECTED, checkedInspection } from "./checked";
import { LedgerErrorCode, LedgerProblem, ProblemSink } from "./errors";
import {
  BLOCK_SIZE_RANGE,
  ENTRY_KEYS,
  LEDGER_FORMAT_VERSION,
  LEGACY_DRAINING_STATUS,
  Ledger,
  LedgerAddress,
  LedgerClusterSection,
  LedgerDrawnRange,
  LedgerEntry,
  LedgerPoolSpec,
  LedgerStatus,
  LedgerSubSpace,
  OPTIONAL_ENTRY_KEYS,
  SPEC_KEYS,
  TOP_KEYS,
} from "./format";
import { freezeLedger } from "./freeze";
import { inspectAddresses } from "./inspect-addresses";
import { inspectClusters } from "./inspect-clusters";
import { inspectDrawnRanges } from "./inspect-drawn-ranges";
import { inspectNodeCidrs } from "./inspect-node-cidrs";
import { LedgerMigration, inspectMigrations } from "./migrations";
import { inspectSubSpaces } from "./inspect-sub-spaces";
import { compareNames } from "./private/names";
import { pathSegment, showPath } from "./private/strict-json";

/** @internal A ledger value checked: a normalized frozen copy, the parsed CIDRs, and the problems. */
export interface InspectedLedger {
  /**
   * The ledger with entries sorted by name (addresses by key, nodes by name) and frozen, without
   * `addresses`, `nodeCidrs` or `clusters` when there is none; meaningful only when `problems` is empty.
   */
  readonly ledger: Ledger;
  /** The parsed CIDR of every valid entry. */
  readonly cidrs: ReadonlyMap<string, Cidr>;
  readonly problems: readonly LedgerProblem[];
}

/**
 * @internal Checks a ledger value (parsed JSON or an object built in code) against the format. O(n log n).
 */
export function inspectLedger(value: unknown): InspectedLedger {
  const cached = typeof value === "object" && value !== null ? checkedInspection(value) : undefined;
  if (cached) return cached;
  const problems: LedgerProblem[] = [];
  const cidrs = new Map<string, Cidr>();
  const entries: Array<[string, LedgerEntry]> = [];
  const problem = (code: LedgerErrorCode, path: string, message: string, advice: "restore" | "upgrade" = "restore") =>
    problems.push({ code, path: showPath(path), message, advice });

  if (!isPlainObject(value)) {
    problem("LEDGER_TYPE", "", `the ledger must be a JSON object with "version" and "pools", got ${describe(value)}`);
    return { ledger: freezeLedger([]), cidrs, problems };
  }
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.includes(key)) {
      problem(
        "LEDGER_UNKNOWN_KEY",
        pathSegment(key),
        `unknown key "${key}"; ledger format ${LEDGER_FORMAT_VERSION} has only "pools" and "version". ` +
          `If a newer version of cdktf-calico-ipam wrote this section, upgrade; otherwise remove the key ` +
          `(this version also reads the optional sections "addresses", "clusters", "drawnRanges", "migrations", "nodeCidrs" and "subSpaces")`,
        "upgrade",
      );
    }
  }
  const version = value.version;
  if (version === undefined) {
    problem("LEDGER_MISSING_KEY", ".version", `"version" is missing; it must be ${LEDGER_FORMAT_VERSION}`);
  } else if (typeof version !== "number") {
    problem("LEDGER_TYPE", ".version", `"version" must be the number ${LEDGER_FORMAT_VERSION}, got ${describe(version)}`);
  } else if (version !== LEDGER_FORMAT_VERSION) {
    if (Number.isInteger(version) && version > LEDGER_FORMAT_VERSION) {
      problem(
        "LEDGER_VERSION_UNSUPPORTED",
        ".version",
        `the ledger is format version ${version}, written by a newer version of cdktf-calico-ipam; this version reads format ${LEDGER_FORMAT_VERSION}. Upgrade cdktf-calico-ipam`,
        "upgrade",
      );
    } else {
      problem("LEDGER_VERSION_UNSUPPORTED", ".version", `"version" must be ${LEDGER_FORMAT_VERSION}, got ${version}`);
    }
  }
  const pools = value.pools;
  if (pools === undefined) {
    problem("LEDGER_MISSING_KEY", ".pools", `"pools" is missing; write "pools": {} for a ledger without pools`);
  } else if (!isPlainObject(pools)) {
    problem("LEDGER_TYPE", ".pools", `"pools" must be an object of pool name to entry, got ${describe(pools)}`);
  } else {
    for (const name of Object.keys(pools)) {
      const raw = pools[name];
      const fast = wellFormedEntry(name, raw);
      if (fast) {
        entries.push([name, fast.entry]);
        cidrs.set(name, fast.cidr);
        continue;
      }
      const at = `.pools${pathSegment(name)}`;
      const nameProblems = validateObjectName(name, at);
      if (nameProblems.length > 0) {
        problem("LEDGER_POOL_NAME", at, `"${name}" is not a valid pool name: ${nameProblems[0].message}`);
        continue;
      }
      const checked = inspectEntry(name, raw, at, problem);
      if (checked) {
        entries.push([name, checked.entry]);
        cidrs.set(name, checked.cidr);
      }
    }
  }
  // Overlaps, reported on the later name of each pair so the report is stable.
  const names = [...cidrs.keys()].sort(compareNames);
  const list = names.map((n) => cidrs.get(n)!);
  for (const [i, j] of findOverlaps(list)) {
    problem(
      "LEDGER_OVERLAP",
      `.pools${pathSegment(names[j])}.cidr`,
      `pool "${names[j]}" (${list[j].toString()}) overlaps pool "${names[i]}" (${list[i].toString()}); ` +
        `no two recorded ranges, active or draining, may share an address`,
    );
  }
  const rawAddresses = value.addresses;
  let addresses: Array<[string, LedgerAddress]> = [];
  if (rawAddresses !== undefined) {
    if (!isPlainObject(rawAddresses)) {
      problem(
        "LEDGER_TYPE",
        ".addresses",
        `"addresses" must be an object of fixed-address key to entry, such as ` +
          `{"kube-system/coredns/ipv4": {"address": "10.64.0.10", "pool": "infra"}}, got ${describe(rawAddresses)}`,
      );
    } else {
      addresses = inspectAddresses(rawAddresses, problem);
    }
  }
  const rawNodeCidrs = value.nodeCidrs;
  let nodeCidrs: Array<[string, readonly string[]]> = [];
  if (rawNodeCidrs !== undefined) {
    if (!isPlainObject(rawNodeCidrs)) {
      problem(
        "LEDGER_TYPE",
        ".nodeCidrs",
        `"nodeCidrs" must be an object of node name to its pod CIDRs, such as ` +
          `{"rack-a-01": ["10.244.0.0/24", "fd00:10:244::/64"]}, got ${describe(rawNodeCidrs)}`,
      );
    } else {
      nodeCidrs = inspectNodeCidrs(rawNodeCidrs, problem);
    }
  }
  const rawClusters = value.clusters;
  let clusters: Array<[string, LedgerClusterSection]> = [];
  if (rawClusters !== undefined) {
    if (!isPlainObject(rawClusters)) {
      problem(
        "LEDGER_TYPE",
        ".clusters",
        `"clusters" must be an object of cluster name to the cluster's section, such as {"east": {"pools": {}}}, got ${describe(rawClusters)}`,
      );
    } else {
      clusters = inspectClusters(rawClusters, problem);
    }
  }
  const rawMigrations = value.migrations;
  let migrations: Array<[string, LedgerMigration]> = [];
  if (rawMigrations !== undefined) {
    if (!isPlainObject(rawMigrations)) {
      problem("LEDGER_TYPE", ".migrations", `"migrations" must be an object of migration name to its record, got ${describe(rawMigrations)}`);
    } else {
      migrations = inspectMigrations(rawMigrations, problem, inspectSpec);
    }
  }
  const rawSubSpaces = value.subSpaces;
  let subSpaces: Array<[string, LedgerSubSpace]> = [];
  if (rawSubSpaces !== undefined) {
    if (!isPlainObject(rawSubSpaces)) {
      problem(
        "LEDGER_TYPE",
        ".subSpaces",
        `"subSpaces" must be an object of sub-space name to its entry, such as {"eu-west-v4": {"cidr": "10.32.0.0/14", "family": 4, "status": "active"}}, got ${describe(rawSubSpaces)}`,
      );
    } else {
      subSpaces = inspectSubSpaces(rawSubSpaces, problem);
    }
  }
  const rawDrawn = value.drawnRanges;
  let drawnRanges: Array<[string, LedgerDrawnRange]> = [];
  if (rawDrawn !== undefined) {
    if (!isPlainObject(rawDrawn)) {
      problem(
        "LEDGER_TYPE",
        ".drawnRanges",
        `"drawnRanges" must be an object of drawn range key to its entry, such as {"service-ipv4": {"cidr": "10.96.0.0/16", "family": 4, "kind": "service"}}, got ${describe(rawDrawn)}`,
      );
    } else {
      drawnRanges = inspectDrawnRanges(rawDrawn, cidrs, problem);
    }
  }
  const ledger = freezeLedger(entries, { addresses, nodeCidrs, clusters, migrations, subSpaces, drawnRanges });
  const result: InspectedLedger = { ledger, cidrs, problems };
  if (problems.length === 0) {
    if (ledger.addresses !== undefined) CHECKED_ADDRESSES.add(ledger.addresses);
    if (ledger.nodeCidrs !== undefined) CHECKED_NODE_CIDRS.add(ledger.nodeCidrs);
    if (ledger.clusters !== undefined) CHECKED_CLUSTERS.add(ledger.clusters);
    if (ledger.migrations !== undefined) CHECKED_MIGRATIONS.add(ledger.migrations);
    if (ledger.subSpaces !== undefined) CHECKED_SUB_SPACES.add(ledger.subSpaces);
    if (ledger.drawnRanges !== undefined) CHECKED_DRAWN_RANGES.add(ledger.drawnRanges);
    INSPECTED.set(ledger, new CheckedLedger(cidrs, undefined));
  }
  return result;
}

/**
 * The common case, checked without building paths or messages: a valid entry (the same rules as
 * {@link inspectEntry}), or `undefined` so that the slow path reports what is wrong.
 */
function wellFormedEntry(name: string, raw: unknown): { entry: LedgerEntry; cidr: Cidr } | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { family, cidr: text, blockSize, status: rawStatus, spec: rawSpec } = raw;
  if (Object.keys(raw).length !== (rawSpec === undefined ? 4 : 5) || typeof text !== "string" || typeof blockSize !== "number") return undefined;
  const status = readStatus(rawStatus);
  if ((family !== 4 && family !== 6) || status === undefined) return undefined;
  const spec = rawSpec === undefined ? undefined : inspectSpec(rawSpec, "", () => undefined);
  if (rawSpec !== undefined && spec === undefined) return undefined;
  if (!isObjectName(name)) return undefined;
  const parsed = Cidr.tryParse(text);
  if (!parsed.ok || parsed.cidr.family !== family || parsed.cidr.toString() !== text) return undefined;
  const [min, max] = BLOCK_SIZE_RANGE[family];
  if (!Number.isInteger(blockSize) || blockSize < min || blockSize > max || parsed.cidr.prefix > blockSize) return undefined;
  return { entry: Object.freeze({ family, cidr: text, blockSize, status, ...(spec ? { spec } : {}) }), cidr: parsed.cidr };
}

/** A status as read: `retired` (written before the pool lifecycle) is `draining`; `undefined` for anything else. */
function readStatus(status: unknown): LedgerStatus | undefined {
  return status === "active" || status === "draining" || status === "adopted" ? status : status === LEGACY_DRAINING_STATUS ? "draining" : undefined;
}

/** A recorded spec, frozen with sorted keys, or `undefined` after reporting what is wrong. */
function inspectSpec(raw: unknown, at: string, bad: ProblemSink): LedgerPoolSpec | undefined {
  if (!isPlainObject(raw)) {
    bad("LEDGER_TYPE", at, `"spec" must be an object of IPPool spec fields such as {"ipipMode": "Always", "natOutgoing": true}, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw).sort(compareNames)) {
    // Own keys only: "constructor" or "toString" in a hand-edited spec are unknown keys, not Object's.
    const kind = Object.prototype.hasOwnProperty.call(SPEC_KEYS, key) ? (SPEC_KEYS as Record<string, string>)[key] : undefined;
    const value = raw[key];
    if (kind === undefined) {
      ok = false;
      bad(
        "LEDGER_UNKNOWN_KEY",
        at + pathSegment(key),
        `unknown key "${key}" in "spec"; it records only ${Object.keys(SPEC_KEYS).join(", ")}. If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
        "upgrade",
      );
    } else if (kind === "strings" ? !Array.isArray(value) || !value.every((v) => typeof v === "string") : typeof value !== kind) {
      ok = false;
      bad("LEDGER_TYPE", at + pathSegment(key), `"${key}" must be ${kind === "strings" ? "a list of strings" : `a ${kind}`}, got ${describe(value)}`);
    } else {
      out[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
    }
  }
  return ok ? Object.freeze(out) : undefined;
}

function inspectEntry(
  name: string,
  raw: unknown,
  at: string,
  problem: ProblemSink,
): { entry: LedgerEntry; cidr: Cidr } | undefined {
  if (!isPlainObject(raw)) {
    problem("LEDGER_TYPE", at, `pool "${name}" must be an object with ${ENTRY_KEYS.join(", ")}, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const bad: ProblemSink = (code, path, message, advice) => {
    ok = false;
    problem(code, path, message, advice);
  };
  for (const key of Object.keys(raw)) {
    if (!ENTRY_KEYS.includes(key) && !OPTIONAL_ENTRY_KEYS.includes(key)) {
      bad(
        "LEDGER_UNKNOWN_KEY",
        at + pathSegment(key),
        `unknown key "${key}" in pool "${name}"; an entry has only ${ENTRY_KEYS.join(", ")} and the optional ${OPTIONAL_ENTRY_KEYS.join(", ")}. ` +
          `If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
        "upgrade",
      );
    }
  }
  for (const key of ENTRY_KEYS) {
    if (raw[key] === undefined) bad("LEDGER_MISSING_KEY", `${at}.${key}`, `pool "${name}" has no "${key}"`);
  }
  if (!ok) return undefined;
  const { family, cidr: cidrText, blockSize, status: rawStatus, spec: rawSpec } = raw;
  if (family !== 4 && family !== 6) bad("LEDGER_TYPE", `${at}.family`, `"family" must be 4 or 6, got ${describe(family)}`);
  const status = readStatus(rawStatus);
  if (status === undefined) {
    bad("LEDGER_STATUS", `${at}.status`, `"status" must be "active", "draining" or "adopted" (or "retired", the same as "draining"), got ${describe(rawStatus)}`);
  }
  const spec = rawSpec === undefined ? undefined : inspectSpec(rawSpec, `${at}.spec`, bad);
  let cidr: Cidr | undefined;
  if (typeof cidrText !== "string") {
    bad("LEDGER_TYPE", `${at}.cidr`, `"cidr" must be a string such as "10.32.4.0/22", got ${describe(cidrText)}`);
  } else {
    const parsed = Cidr.tryParse(cidrText);
    if (!parsed.ok) {
      bad("LEDGER_CIDR_INVALID", `${at}.cidr`, parsed.error.message);
    } else if (parsed.cidr.toString() !== cidrText) {
      bad(
        "LEDGER_CIDR_NOT_CANONICAL",
        `${at}.cidr`,
        `"${cidrText}" is not in canonical form; the ledger writes it as "${parsed.cidr.toString()}"`,
      );
    } else {
      cidr = parsed.cidr;
    }
  }
  if (cidr && (family === 4 || family === 6) && cidr.family !== family) {
    bad("LEDGER_FAMILY_MISMATCH", `${at}.family`, `"family" is ${family}, but ${cidr.toString()} is an IPv${cidr.family} range`);
  }
  const fam: IpFamily | undefined = cidr?.family ?? (family === 4 || family === 6 ? family : undefined);
  if (typeof blockSize !== "number" || !Number.isInteger(blockSize)) {
    bad("LEDGER_TYPE", `${at}.blockSize`, `"blockSize" must be a whole number, got ${describe(blockSize)}`);
  } else if (fam !== undefined) {
    const [min, max] = BLOCK_SIZE_RANGE[fam];
    if (blockSize < min || blockSize > max) {
      bad("LEDGER_BLOCK_SIZE", `${at}.blockSize`, `"blockSize" ${blockSize} is out of Calico's range for IPv${fam} (${min} to ${max})`);
    } else if (cidr && cidr.prefix > blockSize) {
      bad(
        "LEDGER_POOL_SMALLER_THAN_BLOCK",
        `${at}.blockSize`,
        `${cidr.toString()} is smaller than one /${blockSize} block; a pool holds at least one block`,
      );
    }
  }
  if (!ok || cidr === undefined) return undefined;
  const entry: LedgerEntry = Object.freeze({
    family: cidr.family,
    cidr: cidrText as string,
    blockSize: blockSize as number,
    status: status as LedgerStatus,
    ...(spec ? { spec } : {}),
  });
  return { entry, cidr };
}
