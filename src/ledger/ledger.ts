/**
 * The ledger: the committed record of every pool range the carver has handed out, so that a pool
 * keeps its CIDR on every run, on every machine, whatever order the pools are declared in. Calico's
 * `cidr` and `blockSize` are immutable, and a pool moved under running pods leaves duplicate or
 * orphaned addresses, so the carver treats the ledger as the truth and code as a request. It also
 * records the fixed pod addresses of workloads, so that an address picked from a pool stays the same,
 * and in host-local IPAM mode the pod CIDRs of every node, so that a node keeps its range.
 *
 * File format: `calico-ipam.lock.json`, committed next to the code. Format version 1:
 *
 * ```json
 * {
 *   "addresses": {
 *     "kube-system/coredns/ipv4": {
 *       "address": "10.32.4.10",
 *       "pool": "payments"
 *     }
 *   },
 *   "nodeCidrs": {
 *     "rack-a-01": ["10.244.0.0/24", "fd00:10:244::/64"]
 *   },
 *   "pools": {
 *     "payments": {
 *       "blockSize": 26,
 *       "cidr": "10.32.4.0/22",
 *       "family": 4,
 *       "status": "active"
 *     }
 *   },
 *   "version": 1
 * }
 * ```
 *
 * - `version` (required): the format version, 1.
 * - `pools` (required): one entry per pool name (a Calico object name).
 *   - `family`: 4 or 6;
 *   - `cidr`: the pool's range in canonical form (masked, lower case, compressed IPv6);
 *   - `blockSize`: the pool's block size (20–32 for IPv4, 116–128 for IPv6), never shorter than the prefix;
 *   - `status`: `"active"` while the pool is declared in code; `"retired"` once it is removed from code.
 *     A retired range stays reserved (pods may still hold its addresses) until it is released
 *     explicitly, which deletes the entry. No two entries, active or retired, share an address.
 * - `addresses` (optional; absent means none, and writers omit it when empty): the fixed pod
 *   addresses of workloads (Calico's `ipAddrs`), kept so that an address picked from a pool never
 *   changes. One entry per key
 *   `<namespace>/<workload>/ipv4` or `<namespace>/<workload>/ipv6` (the namespace a DNS-1123 label,
 *   the workload a DNS-1123 subdomain):
 *   - `address`: one address of the key's family, in canonical text (dotted decimal; compressed
 *     lower-case IPv6), never a CIDR;
 *   - `pool`: the name of the pool it lies in (a Calico object name). The ledger does not
 *     require that pool to be in `pools`: the plan checks the address against the live pools.
 *   No two entries share an address.
 * - `nodeCidrs` (optional; absent means none, and writers omit it when empty): host-local IPAM mode's
 *   record of each node's pod CIDRs (`Node.spec.podCIDRs`, as kube-controller-manager hands them out),
 *   kept so that a node keeps its range on every run. One entry per node name (a Kubernetes node name:
 *   a DNS-1123 subdomain of at most 253 characters), a list of 1 or 2 CIDRs in canonical text, at most
 *   one per IP family, the IPv4 CIDR first when there are both. No two nodes' CIDRs share an address.
 *   The ledger does not relate them to `pools`: the host-local plan checks them against the cluster CIDRs.
 *
 * Compatibility rules, so that sections can be added later (`addresses` was the first, `nodeCidrs` the second):
 * - A new section is a new optional top-level key, and the version stays 1: readers treat an absent
 *   section as empty, so every file written before stays valid and unchanged.
 * - A reader refuses keys it does not know instead of skipping them: an older tool that skipped a
 *   newer section would drop it on its next write. The error says to upgrade.
 * - `version` changes only when an existing field changes meaning; a reader refuses newer versions.
 * - Writers sort keys at every level (code-unit order) and indent by two spaces, so two runs on the
 *   same input write identical bytes and a review diff shows exactly the pools, addresses and nodes that
 *   changed. (Lists, such as a node's CIDRs, keep their order, which the format fixes.)
 * - An empty optional section is not written, so a ledger without fixed addresses or node CIDRs has the
 *   same bytes as one written before those sections existed.
 */
import * as fs from "fs";
import { Cidr, IpFamily, IpParseError, findOverlaps, formatAddress, parseAddress } from "../ip";
import { writeFileAtomic } from "../io/atomic-write";
import { describe, isPlainObject, validateObjectName } from "../validation/names";
import { canonicalJson } from "./private/canonical-json";
import { JsonSyntaxError, parseStrictJson, pathSegment, showPath } from "./private/strict-json";

/** The ledger format version this library reads and writes. */
export const LEDGER_FORMAT_VERSION = 1;

/** The conventional ledger file name, committed next to the cdktf app. */
export const DEFAULT_LEDGER_FILE = "calico-ipam.lock.json";

/** `active` while the pool is declared in code; `retired` once removed from code, until released. */
export type LedgerStatus = "active" | "retired";

/** The recorded range of one pool. */
export interface LedgerEntry {
  /** The IP family of the pool. */
  readonly family: IpFamily;
  /** The pool's CIDR, canonical text, e.g. `"10.32.4.0/22"`. Never changes while the entry exists. */
  readonly cidr: string;
  /** The pool's block size. Never changes while the entry exists. */
  readonly blockSize: number;
  /** Whether the pool is declared in code (`active`) or was removed and awaits release (`retired`). */
  readonly status: LedgerStatus;
}

/** The recorded fixed address of one workload and family: picked once from a pool, then kept. */
export interface LedgerAddress {
  /** The address, canonical text, e.g. `"10.64.0.10"` or `"fd00::a"`. Never a CIDR. */
  readonly address: string;
  /** The name of the pool the address was picked from. */
  readonly pool: string;
}

/** The whole ledger, as read from and written to the ledger file (see the format at the top of this file). */
export interface Ledger {
  /** The format version: always {@link LEDGER_FORMAT_VERSION}. */
  readonly version: 1;
  /** Recorded pools by pool name. */
  readonly pools: Readonly<Record<string, LedgerEntry>>;
  /**
   * Recorded fixed pod addresses by key `<namespace>/<workload>/ipv4` or `.../ipv6`. Absent and empty
   * mean the same; the ledgers this module returns leave the key out when there is none.
   */
  readonly addresses?: Readonly<Record<string, LedgerAddress>>;
  /**
   * Recorded pod CIDRs of nodes (host-local IPAM mode) by node name: 1 or 2 canonical CIDRs, at most
   * one per family, in the order of the node's spec.podCIDRs (the cluster CIDRs' order; IPv6 first on an IPv6-primary cluster), e.g. `{"rack-a-01": ["10.244.0.0/24", "fd00:10:244::/64"]}`. Absent
   * and empty mean the same; the ledgers this module returns leave the key out when there is none.
   */
  readonly nodeCidrs?: Readonly<Record<string, readonly string[]>>;
}

/** Stable codes of {@link LedgerError}; a code never changes meaning. */
export type LedgerErrorCode =
  | "LEDGER_UNREADABLE"
  | "LEDGER_JSON_SYNTAX"
  | "LEDGER_MERGE_CONFLICT"
  | "LEDGER_VERSION_UNSUPPORTED"
  | "LEDGER_UNKNOWN_KEY"
  | "LEDGER_MISSING_KEY"
  | "LEDGER_TYPE"
  | "LEDGER_POOL_NAME"
  | "LEDGER_CIDR_INVALID"
  | "LEDGER_CIDR_NOT_CANONICAL"
  | "LEDGER_FAMILY_MISMATCH"
  | "LEDGER_BLOCK_SIZE"
  | "LEDGER_POOL_SMALLER_THAN_BLOCK"
  | "LEDGER_STATUS"
  | "LEDGER_OVERLAP"
  | "LEDGER_UNKNOWN_POOL"
  | "LEDGER_POOL_ACTIVE"
  | "LEDGER_ADDRESS_KEY"
  | "LEDGER_ADDRESS_INVALID"
  | "LEDGER_ADDRESS_NOT_CANONICAL"
  | "LEDGER_ADDRESS_FAMILY"
  | "LEDGER_ADDRESS_DUPLICATE"
  | "LEDGER_NODE_NAME"
  | "LEDGER_NODE_CIDR_COUNT"
  | "LEDGER_NODE_CIDR_INVALID"
  | "LEDGER_NODE_CIDR_NOT_CANONICAL"
  | "LEDGER_NODE_FAMILY"
  | "LEDGER_NODE_OVERLAP";

/**
 * The ledger cannot be read or does not allow an operation. The message names the file and the JSON
 * path (or line) of the problem and says the way out; `code` is stable for programs.
 */
export class LedgerError extends Error {
  /** Stable machine-readable reason. */
  readonly code: LedgerErrorCode;
  /** The ledger file, when the ledger came from one. */
  readonly file?: string;
  /** The JSON path of the offending value, e.g. `pools.payments.cidr`, when there is one. */
  readonly path?: string;

  /** @param message user-facing text: where, what is wrong, and the way out */
  constructor(code: LedgerErrorCode, message: string, file?: string, path?: string) {
    super(message);
    this.name = "LedgerError";
    this.code = code;
    if (file !== undefined) this.file = file;
    if (path !== undefined) this.path = path;
  }
}

/** A new ledger with no pools. */
export function emptyLedger(): Ledger {
  return freezeLedger([]);
}

/**
 * Reads ledger text strictly. Accepts a leading byte-order mark; everything else must be exactly
 * right, because a wrong ledger silently moves pools.
 *
 * @param file the file the text came from, for messages
 * @throws LedgerError for: text that is not JSON (`LEDGER_JSON_SYNTAX`, with line and column: truncated
 * files, trailing commas, duplicate keys...), merge-conflict markers (`LEDGER_MERGE_CONFLICT`), another
 * format version (`LEDGER_VERSION_UNSUPPORTED`), unknown or missing keys, values of the wrong type,
 * pool names that are not Calico object names, CIDRs that do not parse or are not canonical, a family
 * that does not match the CIDR, a block size out of Calico's range or shorter than the prefix, an
 * unknown status, two entries whose ranges overlap (`LEDGER_OVERLAP`), and in `addresses`: keys that
 * are not `<namespace>/<workload>/ipv4|ipv6` (`LEDGER_ADDRESS_KEY`), addresses that do not parse or
 * are CIDRs (`LEDGER_ADDRESS_INVALID`), are not canonical (`LEDGER_ADDRESS_NOT_CANONICAL`), are of
 * the other family than the key (`LEDGER_ADDRESS_FAMILY`) or are recorded twice
 * (`LEDGER_ADDRESS_DUPLICATE`), and pool names that are not Calico object names (`LEDGER_POOL_NAME`);
 * in `nodeCidrs`: node names that are not DNS-1123 subdomains (`LEDGER_NODE_NAME`), lists that do not
 * hold 1 or 2 CIDRs (`LEDGER_NODE_CIDR_COUNT`), CIDRs that do not parse or have host bits set
 * (`LEDGER_NODE_CIDR_INVALID`) or are not canonical (`LEDGER_NODE_CIDR_NOT_CANONICAL`), two CIDRs of one
 * family (`LEDGER_NODE_FAMILY`), and two nodes whose CIDRs overlap (`LEDGER_NODE_OVERLAP`).
 */
export function parseLedger(text: string, file?: string): Ledger {
  if (typeof text !== "string") {
    throw new LedgerError("LEDGER_TYPE", `${where(file, "")}expected the ledger as text, got ${describe(text)}`, file);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const conflict = /^(<{7}|={7}|>{7})(?: |$)/m.exec(body);
  if (conflict) {
    const line = body.slice(0, conflict.index).split("\n").length;
    throw new LedgerError(
      "LEDGER_MERGE_CONFLICT",
      `${file ?? "ledger"}:${line}: the ledger has unresolved merge-conflict markers ("${conflict[1]}"). ` +
        `Resolve it by keeping the pool entries of both sides; where two entries overlap, keep the one that is deployed ` +
        `and delete the other entry, so that its pool is carved again on the next run. ` +
        `Or ${restoreAdvice(file)}. ${DELETE_WARNING}`,
      file,
    );
  }
  let value: unknown;
  try {
    value = parseStrictJson(body);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new LedgerError(
      "LEDGER_JSON_SYNTAX",
      `${file ?? "ledger"}:${e.line}:${e.column}: the ledger is not valid JSON: ${e.message}. ` +
        `${capitalize(restoreAdvice(file))}. ${DELETE_WARNING}`,
      file,
      e.path,
    );
  }
  const inspected = inspectLedger(value);
  if (inspected.problems.length > 0) throw problemError(inspected.problems, file);
  return inspected.ledger;
}

/**
 * Reads and parses the ledger file. Never modifies the file, also when it is invalid.
 *
 * @returns the ledger, or `undefined` when the file does not exist (a first run)
 * @throws LedgerError `LEDGER_UNREADABLE` when the file exists but cannot be read, and every error of
 * {@link parseLedger}
 */
export function readLedger(file: string): Ledger | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new LedgerError("LEDGER_UNREADABLE", `${file}: cannot read the ledger: ${(e as Error).message}`, file);
  }
  return parseLedger(text, file);
}

/**
 * The ledger as file text: keys sorted at every level (code-unit order), 2-space indent, trailing
 * newline. The same ledger always gives the same bytes.
 *
 * @throws LedgerError when the ledger object is invalid (the same checks as {@link parseLedger}), so
 * that an invalid ledger is never written
 */
export function serializeLedger(ledger: Ledger): string {
  const inspected = inspectLedger(ledger);
  if (inspected.problems.length > 0) throw problemError(inspected.problems, undefined);
  return canonicalJson(inspected.ledger);
}

/**
 * Writes the ledger to `file` atomically (temporary file + rename), but only when the file's bytes
 * would change, so an unchanged plan leaves the file and its timestamp alone.
 *
 * @returns whether the file was written
 * @throws LedgerError for an invalid ledger or an unreadable existing file; file system errors of the write as they are
 */
export function writeLedgerIfChanged(file: string, ledger: Ledger): boolean {
  const text = serializeLedger(ledger);
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new LedgerError("LEDGER_UNREADABLE", `${file}: cannot read the ledger before writing it: ${(e as Error).message}`, file);
    }
  }
  if (existing === text) return false;
  writeFileAtomic(file, text);
  return true;
}

/** One difference between two ledgers, for plans, reviews and frozen-mode errors. */
export type LedgerChange =
  | { readonly kind: "added"; readonly name: string; readonly after: LedgerEntry }
  | { readonly kind: "retired"; readonly name: string; readonly before: LedgerEntry; readonly after: LedgerEntry }
  | { readonly kind: "reactivated"; readonly name: string; readonly before: LedgerEntry; readonly after: LedgerEntry }
  | { readonly kind: "released"; readonly name: string; readonly before: LedgerEntry }
  | { readonly kind: "address-added"; readonly key: string; readonly after: LedgerAddress }
  | { readonly kind: "address-changed"; readonly key: string; readonly before: LedgerAddress; readonly after: LedgerAddress }
  | { readonly kind: "address-removed"; readonly key: string; readonly before: LedgerAddress }
  | { readonly kind: "node-added"; readonly node: string; readonly after: readonly string[] }
  | { readonly kind: "node-changed"; readonly node: string; readonly before: readonly string[]; readonly after: readonly string[] }
  | { readonly kind: "node-removed"; readonly node: string; readonly before: readonly string[] };

/** A change of a pool entry: the kinds that carry a pool `name`. */
export type LedgerPoolChange = Extract<LedgerChange, { readonly name: string }>;

/** A change of a recorded fixed address: the kinds that carry an address `key`. */
export type LedgerAddressChange = Extract<LedgerChange, { readonly key: string }>;

/** A change of a node's recorded pod CIDRs: the kinds that carry a `node` name. */
export type LedgerNodeChange = Extract<LedgerChange, { readonly node: string }>;

/**
 * The changes from `before` to `after`: pool changes sorted by pool name, then fixed-address changes
 * sorted by key, then node changes sorted by node name (code-unit order). A pool entry whose range,
 * family or block size differs (the carver never does this; a hand-made ledger might) shows as
 * `released` followed by `added` for the same name. A node whose list of CIDRs differs in any way
 * (a CIDR, their number or their order) is `node-changed`. An absent `addresses` or `nodeCidrs`
 * section is the same as an empty one.
 */
export function diffLedgers(before: Ledger, after: Ledger): LedgerChange[] {
  return [
    ...diffLedgerPools(before, after),
    ...diffAddresses(before.addresses ?? {}, after.addresses ?? {}),
    ...diffNodeCidrs(before.nodeCidrs ?? {}, after.nodeCidrs ?? {}),
  ];
}

/**
 * @internal The pool changes of {@link diffLedgers} only, for the carver: it never changes `addresses`
 * or `nodeCidrs` (it passes them on as they are), so its changes are pool changes.
 */
export function diffLedgerPools(before: Ledger, after: Ledger): LedgerPoolChange[] {
  const names = [...new Set([...Object.keys(before.pools), ...Object.keys(after.pools)])].sort(compareNames);
  const changes: LedgerPoolChange[] = [];
  for (const name of names) {
    const b = own(before.pools, name);
    const a = own(after.pools, name);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "added", name, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "released", name, before: b });
    } else if (b !== undefined && a !== undefined) {
      if (b.family !== a.family || b.cidr !== a.cidr || b.blockSize !== a.blockSize) {
        changes.push({ kind: "released", name, before: b }, { kind: "added", name, after: a });
      } else if (b.status === "active" && a.status === "retired") {
        changes.push({ kind: "retired", name, before: b, after: a });
      } else if (b.status === "retired" && a.status === "active") {
        changes.push({ kind: "reactivated", name, before: b, after: a });
      }
    }
  }
  return changes;
}

function diffAddresses(
  before: Readonly<Record<string, LedgerAddress>>,
  after: Readonly<Record<string, LedgerAddress>>,
): LedgerAddressChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerAddressChange[] = [];
  for (const key of keys) {
    const b = own(before, key);
    const a = own(after, key);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "address-added", key, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "address-removed", key, before: b });
    } else if (b !== undefined && a !== undefined && (b.address !== a.address || b.pool !== a.pool)) {
      changes.push({ kind: "address-changed", key, before: b, after: a });
    }
  }
  return changes;
}

function diffNodeCidrs(
  before: Readonly<Record<string, readonly string[]>>,
  after: Readonly<Record<string, readonly string[]>>,
): LedgerNodeChange[] {
  const nodes = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareNames);
  const changes: LedgerNodeChange[] = [];
  for (const node of nodes) {
    const b = own(before, node);
    const a = own(after, node);
    if (b === undefined && a !== undefined) {
      changes.push({ kind: "node-added", node, after: a });
    } else if (b !== undefined && a === undefined) {
      changes.push({ kind: "node-removed", node, before: b });
    } else if (b !== undefined && a !== undefined && !sameList(b, a)) {
      changes.push({ kind: "node-changed", node, before: b, after: a });
    }
  }
  return changes;
}

/** Whether two lists of CIDRs are the same, in the same order. (Other values, in an unchecked ledger, only when identical.) */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * One line that says what a change does, e.g. `pool "payments": added 10.32.4.0/22 (block /26)`,
 * `fixed address "kube-system/coredns/ipv4": added 10.64.0.0 (pool infra)` or
 * `node "rack-a-01": added 10.244.0.0/24, fd00:10:244::/64`, for frozen-mode errors
 * ("the ledger would change: ...") and plan summaries.
 */
export function describeChange(change: LedgerChange): string {
  const range = (e: LedgerEntry) => `${e.cidr} (block /${e.blockSize})`;
  const fixed = (a: LedgerAddress) => `${a.address} (pool ${a.pool})`;
  const podCidrs = (list: readonly string[]) => list.join(", ");
  switch (change.kind) {
    case "node-added":
      return `node "${change.node}": added ${podCidrs(change.after)}`;
    case "node-changed":
      return `node "${change.node}": changed from ${podCidrs(change.before)} to ${podCidrs(change.after)}`;
    case "node-removed":
      return (
        `node "${change.node}": removed ${podCidrs(change.before)}; ` +
        `the range${change.before.length === 1 ? "" : "s"} may be handed to another node`
      );
    case "address-added":
      return `fixed address "${change.key}": added ${fixed(change.after)}`;
    case "address-changed":
      return `fixed address "${change.key}": changed from ${fixed(change.before)} to ${fixed(change.after)}`;
    case "address-removed":
      return `fixed address "${change.key}": removed ${fixed(change.before)}; the address may be picked again`;
  }
  const head = `pool "${change.name}"`;
  switch (change.kind) {
    case "added":
      return `${head}: added ${range(change.after)}${change.after.status === "retired" ? " as retired" : ""}`;
    case "retired":
      return `${head}: retired ${range(change.before)}; the range stays reserved until it is released`;
    case "reactivated":
      return `${head}: reactivated ${range(change.after)}, its recorded range`;
    case "released":
      return `${head}: released ${range(change.before)}; the range may be carved again`;
  }
}

/**
 * The ledger without the named retired pools, so their ranges may be carved again. Only release a
 * pool once no pod holds an address in its range. The recorded fixed addresses and node CIDRs are
 * kept as they are: the plans check them against the live pools and the cluster CIDRs.
 *
 * @throws LedgerError `LEDGER_UNKNOWN_POOL` for a name that is not in the ledger, `LEDGER_POOL_ACTIVE`
 * for a pool that is still active (declared in code); the message lists every refused name
 */
export function releasePools(ledger: Ledger, names: readonly string[]): Ledger {
  const problems: Array<{ code: LedgerErrorCode; message: string }> = [];
  const release = new Set<string>();
  for (const name of names) {
    const entry = own(ledger.pools, name);
    if (entry === undefined) {
      const known = Object.keys(ledger.pools).sort(compareNames);
      problems.push({
        code: "LEDGER_UNKNOWN_POOL",
        message:
          `pool "${name}" is not in the ledger, so there is nothing to release` +
          (known.length > 0 ? ` (recorded pools: ${listSome(known, 10)})` : " (the ledger has no pools)"),
      });
    } else if (entry.status === "active") {
      problems.push({
        code: "LEDGER_POOL_ACTIVE",
        message:
          `pool "${name}" (${entry.cidr}) is still active, and pods may still hold its addresses. ` +
          `Remove the pool from code first and deploy, so it is retired; release it once no pod uses the range ` +
          `(calicoctl ipam show --show-blocks lists no block in ${entry.cidr})`,
      });
    } else {
      release.add(name);
    }
  }
  if (problems.length > 0) {
    throw new LedgerError(problems[0].code, problems.map((p) => p.message).join("; "));
  }
  return freezeLedger(
    Object.entries(ledger.pools).filter(([name]) => !release.has(name)),
    ledger,
  );
}

/**
 * The ledger as a text table for `calico-ipam ledger show`, in the style of `calicoctl ipam show`:
 * `NAME | FAMILY | CIDR | BLOCK SIZE | BLOCKS | STATUS`, sorted by family, then CIDR, then name; when
 * the ledger records fixed addresses, a second table `WORKLOAD | FAMILY | ADDRESS | POOL` sorted by
 * key; when it records node CIDRs, a table `NODE | POD CIDRS` sorted by node name (code-unit order),
 * the CIDRs of a node joined by ", "; then a one-line summary. BLOCKS is the number of blocks the pool holds.
 *
 * @throws LedgerError when the ledger is invalid (see {@link parseLedger})
 */
export function formatLedgerTable(ledger: Ledger): string {
  const inspected = inspectLedger(ledger);
  if (inspected.problems.length > 0) throw problemError(inspected.problems, undefined);
  const rows = Object.entries(inspected.ledger.pools)
    .map(([name, e]) => ({ name, e, cidr: inspected.cidrs.get(name)! }))
    .sort((x, y) => x.cidr.compare(y.cidr) || compareNames(x.name, y.name))
    .map(({ name, e, cidr }) => [
      name,
      `IPv${e.family}`,
      e.cidr,
      String(e.blockSize),
      String(1n << BigInt(Math.max(0, e.blockSize - cidr.prefix))),
      e.status,
    ]);
  const out = textTable(["NAME", "FAMILY", "CIDR", "BLOCK SIZE", "BLOCKS", "STATUS"], [false, false, false, true, true, false], rows);
  const addresses = Object.entries(inspected.ledger.addresses ?? {})
    .sort(([a], [b]) => compareNames(a, b))
    .map(([key, a]) => {
      const cut = key.lastIndexOf("/");
      return [key.slice(0, cut), key.slice(cut + 1) === "ipv6" ? "IPv6" : "IPv4", a.address, a.pool];
    });
  if (addresses.length > 0) out.push(...textTable(["WORKLOAD", "FAMILY", "ADDRESS", "POOL"], [false, false, false, false], addresses));
  const nodes = Object.entries(inspected.ledger.nodeCidrs ?? {})
    .sort(([a], [b]) => compareNames(a, b))
    .map(([node, list]) => [node, list.join(", ")]);
  if (nodes.length > 0) out.push(...textTable(["NODE", "POD CIDRS"], [false, false], nodes));
  const active = rows.filter((r) => r[5] === "active").length;
  const retired = rows.length - active;
  const fixed = addresses.length > 0 ? `; ${addresses.length} fixed address${addresses.length === 1 ? "" : "es"}` : "";
  const withCidrs = nodes.length > 0 ? `; ${nodes.length} node${nodes.length === 1 ? "" : "s"} with pod CIDRs` : "";
  out.push(
    rows.length === 0
      ? `The ledger has no pools${fixed}${withCidrs}.`
      : `${rows.length} pool${rows.length === 1 ? "" : "s"}: ${active} active, ${retired} retired` +
          (retired > 0 ? " (retired ranges stay reserved until released)" : "") +
          fixed +
          withCidrs,
  );
  return `${out.join("\n")}\n`;
}

/** The lines of a text table: rule, header, rule, rows, and a closing rule when there are rows. */
function textTable(header: readonly string[], rightAligned: readonly boolean[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const line = (cells: readonly string[], isHeader: boolean) =>
    `| ${cells.map((c, i) => (rightAligned[i] && !isHeader ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const out = [rule, line(header, true), rule, ...rows.map((r) => line(r, false))];
  if (rows.length > 0) out.push(rule);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation shared by parseLedger, serializeLedger and the carver.

/** @internal One thing wrong with a ledger value. */
export interface LedgerProblem {
  readonly code: LedgerErrorCode;
  /** JSON path, e.g. `pools.payments.cidr`. */
  readonly path: string;
  readonly message: string;
  /** What to tell the user to do: restore the file, or upgrade the library. */
  readonly advice: "restore" | "upgrade";
}

/** @internal A ledger value checked: a normalized frozen copy, the parsed CIDRs, and the problems. */
export interface InspectedLedger {
  /**
   * The ledger with entries sorted by name (addresses by key, nodes by name) and frozen, without
   * `addresses` or `nodeCidrs` when there is none; meaningful only when `problems` is empty.
   */
  readonly ledger: Ledger;
  /** The parsed CIDR of every valid entry. */
  readonly cidrs: ReadonlyMap<string, Cidr>;
  readonly problems: readonly LedgerProblem[];
}

const TOP_KEYS = ["addresses", "nodeCidrs", "pools", "version"];
const ENTRY_KEYS = ["blockSize", "cidr", "family", "status"];
const ADDRESS_KEYS = ["address", "pool"];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;
const BLOCK_SIZE_RANGE = { 4: [20, 32], 6: [116, 128] } as const;

/**
 * @internal Checks a ledger value (parsed JSON or an object built in code) against the format. O(n log n).
 */
export function inspectLedger(value: unknown): InspectedLedger {
  const cached = typeof value === "object" && value !== null ? INSPECTED.get(value) : undefined;
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
          `(this version also reads the optional section "addresses") (and the optional section "nodeCidrs")`,
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
        `no two recorded ranges, active or retired, may share an address`,
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
  const ledger = freezeLedger(entries, { addresses, nodeCidrs });
  const result: InspectedLedger = { ledger, cidrs, problems };
  if (problems.length === 0) {
    if (ledger.addresses !== undefined) CHECKED_ADDRESSES.add(ledger.addresses);
    if (ledger.nodeCidrs !== undefined) CHECKED_NODE_CIDRS.add(ledger.nodeCidrs);
    INSPECTED.set(ledger, result);
  }
  return result;
}

/**
 * Ledgers known to be valid, with their parsed CIDRs, so that a ledger read by `parseLedger` or made
 * by the carver is not checked again by the next `carve` or `serializeLedger` (for 10,000 pools that
 * is most of the cost of a run). Only deeply frozen ledgers made here are registered: they cannot
 * change after the check.
 */
const INSPECTED = new WeakMap<object, InspectedLedger>();

/**
 * `addresses` sections known to be valid: the normalized, deeply frozen sections of checked ledgers.
 * {@link freezeLedger} reuses such a section as it is, and {@link registerCheckedLedger} registers a
 * ledger only when its section is one of these (or absent): the section is checked on its own, since
 * nothing in it depends on the pools.
 */
const CHECKED_ADDRESSES = new WeakSet<object>();

/** `nodeCidrs` sections known to be valid, as {@link CHECKED_ADDRESSES}: nothing in them depends on the pools either. */
const CHECKED_NODE_CIDRS = new WeakSet<object>();

/**
 * @internal Registers a ledger the caller built from checked parts (frozen entries, canonical CIDRs,
 * no overlaps), with the parsed CIDR of every entry. A ledger whose `addresses` or `nodeCidrs` section
 * is not the checked section of another ledger (see {@link freezeLedger}) is not registered, so it is
 * checked in full when used.
 */
export function registerCheckedLedger(ledger: Ledger, cidrs: ReadonlyMap<string, Cidr>): void {
  const addressesChecked = ledger.addresses === undefined || CHECKED_ADDRESSES.has(ledger.addresses);
  const nodeCidrsChecked = ledger.nodeCidrs === undefined || CHECKED_NODE_CIDRS.has(ledger.nodeCidrs);
  if (Object.isFrozen(ledger) && Object.isFrozen(ledger.pools) && addressesChecked && nodeCidrsChecked) {
    INSPECTED.set(ledger, { ledger, cidrs, problems: [] });
  }
}

/**
 * The common case, checked without building paths or messages: a valid entry (the same rules as
 * {@link inspectEntry}), or `undefined` so that the slow path reports what is wrong.
 */
function wellFormedEntry(name: string, raw: unknown): { entry: LedgerEntry; cidr: Cidr } | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { family, cidr: text, blockSize, status } = raw;
  if (Object.keys(raw).length !== 4 || typeof text !== "string" || typeof blockSize !== "number") return undefined;
  if ((family !== 4 && family !== 6) || (status !== "active" && status !== "retired")) return undefined;
  if (validateObjectName(name).length > 0) return undefined;
  const parsed = Cidr.tryParse(text);
  if (!parsed.ok || parsed.cidr.family !== family || parsed.cidr.toString() !== text) return undefined;
  const [min, max] = BLOCK_SIZE_RANGE[family];
  if (!Number.isInteger(blockSize) || blockSize < min || blockSize > max || parsed.cidr.prefix > blockSize) return undefined;
  return { entry: Object.freeze({ family, cidr: text, blockSize, status }), cidr: parsed.cidr };
}

function inspectEntry(
  name: string,
  raw: unknown,
  at: string,
  problem: (code: LedgerErrorCode, path: string, message: string, advice?: "restore" | "upgrade") => void,
): { entry: LedgerEntry; cidr: Cidr } | undefined {
  if (!isPlainObject(raw)) {
    problem("LEDGER_TYPE", at, `pool "${name}" must be an object with ${ENTRY_KEYS.join(", ")}, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const bad = (code: LedgerErrorCode, path: string, message: string, advice?: "restore" | "upgrade") => {
    ok = false;
    problem(code, path, message, advice);
  };
  for (const key of Object.keys(raw)) {
    if (!ENTRY_KEYS.includes(key)) {
      bad(
        "LEDGER_UNKNOWN_KEY",
        at + pathSegment(key),
        `unknown key "${key}" in pool "${name}"; an entry has only ${ENTRY_KEYS.join(", ")}. ` +
          `If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
        "upgrade",
      );
    }
  }
  for (const key of ENTRY_KEYS) {
    if (raw[key] === undefined) bad("LEDGER_MISSING_KEY", `${at}.${key}`, `pool "${name}" has no "${key}"`);
  }
  if (!ok) return undefined;
  const { family, cidr: cidrText, blockSize, status } = raw;
  if (family !== 4 && family !== 6) bad("LEDGER_TYPE", `${at}.family`, `"family" must be 4 or 6, got ${describe(family)}`);
  if (status !== "active" && status !== "retired") {
    bad("LEDGER_STATUS", `${at}.status`, `"status" must be "active" or "retired", got ${describe(status)}`);
  }
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
  });
  return { entry, cidr };
}

type ProblemSink = (code: LedgerErrorCode, path: string, message: string, advice?: "restore" | "upgrade") => void;

/**
 * The valid entries of an `addresses` section, and a problem for each thing wrong. Keys are checked
 * in code-unit order, so an address recorded twice is reported on the later key.
 */
function inspectAddresses(raw: Record<string, unknown>, problem: ProblemSink): Array<[string, LedgerAddress]> {
  const out: Array<[string, LedgerAddress]> = [];
  const owner = new Map<string, string>(); // canonical address → key
  for (const key of Object.keys(raw).sort(compareNames)) {
    const entry = inspectAddress(key, raw[key], problem);
    if (entry === undefined) continue;
    const first = owner.get(entry.address);
    if (first !== undefined) {
      problem(
        "LEDGER_ADDRESS_DUPLICATE",
        `.addresses${pathSegment(key)}.address`,
        `${entry.address} is recorded for both "${first}" and "${key}"; a fixed address belongs to one workload. ` +
          `Keep the entry of the workload whose pods hold the address and delete the other, so that its address is picked again`,
      );
      continue;
    }
    owner.set(entry.address, key);
    out.push([key, entry]);
  }
  return out;
}

/** Why `key` is not `<namespace>/<workload>/ipv4|ipv6`, or `undefined` when it is one. */
function addressKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length !== 3) return `it has ${parts.length} part${parts.length === 1 ? "" : "s"} separated by "/", not 3`;
  const [namespace, workload, family] = parts;
  if (namespace.length > DNS1123_LABEL_MAX || !DNS1123_LABEL.test(namespace)) {
    return (
      `the namespace "${namespace}" is not a DNS-1123 label (at most ${DNS1123_LABEL_MAX} lower case alphanumeric characters ` +
      `or '-', starting and ending with an alphanumeric character)`
    );
  }
  const workloadProblems = validateObjectName(workload, "workload");
  if (workloadProblems.length > 0) return `the workload "${workload}" is not a DNS-1123 subdomain: ${workloadProblems[0].message}`;
  if (family !== "ipv4" && family !== "ipv6") return `it ends in "/${family}", not "/ipv4" or "/ipv6"`;
  return undefined;
}

/** One entry of `addresses`, checked: a frozen normalized copy, or `undefined` after reporting what is wrong. */
function inspectAddress(key: string, raw: unknown, problem: ProblemSink): LedgerAddress | undefined {
  const at = `.addresses${pathSegment(key)}`;
  const keyProblem = addressKeyProblem(key);
  if (keyProblem !== undefined) {
    problem(
      "LEDGER_ADDRESS_KEY",
      at,
      `"${key}" is not a fixed-address key: ${keyProblem}. A key is "<namespace>/<workload>/ipv4" or ` +
        `"<namespace>/<workload>/ipv6", such as "kube-system/coredns/ipv4"`,
    );
    return undefined;
  }
  const keyFamily: IpFamily = key.endsWith("/ipv6") ? 6 : 4;
  if (!isPlainObject(raw)) {
    problem("LEDGER_TYPE", at, `fixed address "${key}" must be an object with ${ADDRESS_KEYS.join(", ")}, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const bad: ProblemSink = (code, path, message, advice) => {
    ok = false;
    problem(code, path, message, advice);
  };
  for (const name of Object.keys(raw)) {
    if (!ADDRESS_KEYS.includes(name)) {
      bad(
        "LEDGER_UNKNOWN_KEY",
        at + pathSegment(name),
        `unknown key "${name}" in fixed address "${key}"; an entry has only ${ADDRESS_KEYS.join(", ")}. ` +
          `If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key`,
        "upgrade",
      );
    }
  }
  for (const name of ADDRESS_KEYS) {
    if (raw[name] === undefined) bad("LEDGER_MISSING_KEY", `${at}.${name}`, `fixed address "${key}" has no "${name}"`);
  }
  if (!ok) return undefined;
  const { address, pool } = raw;
  if (typeof address !== "string") {
    bad("LEDGER_TYPE", `${at}.address`, `"address" must be a string such as "10.64.0.10", got ${describe(address)}`);
  } else {
    let parsed: { family: IpFamily; value: bigint } | undefined;
    try {
      parsed = parseAddress(address);
    } catch (e) {
      if (!(e instanceof IpParseError)) throw e;
      const cidrHint = address.includes("/") ? `; a fixed address is one address such as "10.64.0.10", not a CIDR` : "";
      bad("LEDGER_ADDRESS_INVALID", `${at}.address`, `${e.message}${cidrHint}`);
    }
    if (parsed !== undefined) {
      const canonical = formatAddress(parsed.family, parsed.value);
      if (parsed.family !== keyFamily) {
        bad(
          "LEDGER_ADDRESS_FAMILY",
          `${at}.address`,
          `the key "${key}" is for an IPv${keyFamily} address, but ${canonical} is IPv${parsed.family}; ` +
            `an IPv${parsed.family} address is recorded under "${key.slice(0, -"ipv4".length)}ipv${parsed.family}"`,
        );
      } else if (canonical !== address) {
        bad("LEDGER_ADDRESS_NOT_CANONICAL", `${at}.address`, `"${address}" is not in canonical form; the ledger writes it as "${canonical}"`);
      }
    }
  }
  if (typeof pool !== "string") {
    bad("LEDGER_TYPE", `${at}.pool`, `"pool" must be the name of a pool such as "infra", got ${describe(pool)}`);
  } else {
    const poolProblems = validateObjectName(pool, `${at}.pool`);
    if (poolProblems.length > 0) bad("LEDGER_POOL_NAME", `${at}.pool`, `"${pool}" is not a valid pool name: ${poolProblems[0].message}`);
  }
  if (!ok) return undefined;
  return Object.freeze({ address: address as string, pool: pool as string });
}

/**
 * The valid entries of a `nodeCidrs` section, and a problem for each thing wrong. Nodes are checked in
 * code-unit order, so of two nodes whose CIDRs overlap the later one is reported.
 */
function inspectNodeCidrs(raw: Record<string, unknown>, problem: ProblemSink): Array<[string, readonly string[]]> {
  const out: Array<[string, readonly string[]]> = [];
  const all: Cidr[] = [];
  const owners: Array<{ node: string; index: number }> = [];
  for (const node of Object.keys(raw).sort(compareNames)) {
    const checked = inspectNode(node, raw[node], problem);
    if (checked === undefined) continue;
    out.push([node, checked.list]);
    checked.cidrs.forEach((cidr, index) => {
      all.push(cidr);
      owners.push({ node, index });
    });
  }
  // `all` is in node order, and findOverlaps gives i < j: j is the later node.
  for (const [i, j] of findOverlaps(all)) {
    const a = owners[i];
    const b = owners[j];
    if (a.node === b.node) continue; // the two CIDRs of one node are of two families: never reached
    problem(
      "LEDGER_NODE_OVERLAP",
      `.nodeCidrs${pathSegment(b.node)}[${b.index}]`,
      `node "${b.node}" (${all[j].toString()}) overlaps node "${a.node}" (${all[i].toString()}); two nodes never share ` +
        `pod addresses. Rewrite both entries from the nodes' spec.podCIDRs (kubectl get node ${b.node} -o jsonpath='{.spec.podCIDRs}')`,
    );
  }
  return out;
}

/** One entry of `nodeCidrs`, checked: a frozen copy and the parsed CIDRs, or `undefined` after reporting what is wrong. */
function inspectNode(node: string, raw: unknown, problem: ProblemSink): { list: readonly string[]; cidrs: Cidr[] } | undefined {
  const at = `.nodeCidrs${pathSegment(node)}`;
  const nameProblems = validateObjectName(node, at);
  if (nameProblems.length > 0) {
    problem("LEDGER_NODE_NAME", at, `"${node}" is not a valid node name: ${nameProblems[0].message}`);
    return undefined;
  }
  if (!Array.isArray(raw)) {
    problem(
      "LEDGER_TYPE",
      at,
      `the pod CIDRs of node "${node}" must be a list of 1 or 2 CIDRs, such as ["10.244.0.0/24", "fd00:10:244::/64"], got ${describe(raw)}`,
    );
    return undefined;
  }
  let ok = true;
  const bad: ProblemSink = (code, path, message, advice) => {
    ok = false;
    problem(code, path, message, advice);
  };
  if (raw.length === 0) {
    bad(
      "LEDGER_NODE_CIDR_COUNT",
      at,
      `node "${node}" has no pod CIDR; a node is recorded with 1 CIDR, or 2 (one per IP family) when dual-stack. ` +
        `Remove the entry of a node that holds no pod CIDR`,
    );
  } else if (raw.length > 2) {
    bad(
      "LEDGER_NODE_CIDR_COUNT",
      at,
      `node "${node}" has ${raw.length} pod CIDRs; a node has 1, or 2 (one per IP family) when dual-stack, as in its spec.podCIDRs`,
    );
  }
  const cidrs: Cidr[] = [];
  for (let i = 0; i < raw.length; i++) {
    const text: unknown = raw[i];
    const path = `${at}[${i}]`;
    if (typeof text !== "string") {
      bad("LEDGER_TYPE", path, `the pod CIDRs of node "${node}" must be strings such as "10.244.0.0/24", got ${describe(text)}`);
      continue;
    }
    const parsed = Cidr.tryParse(text);
    if (!parsed.ok) {
      bad("LEDGER_NODE_CIDR_INVALID", path, parsed.error.message);
    } else if (parsed.cidr.toString() !== text) {
      bad("LEDGER_NODE_CIDR_NOT_CANONICAL", path, `"${text}" is not in canonical form; the ledger writes it as "${parsed.cidr.toString()}"`);
    } else {
      cidrs.push(parsed.cidr);
    }
  }
  if (!ok) return undefined;
  if (cidrs.length === 2) {
    const [first, second] = cidrs;
    if (first.family === second.family) {
      bad(
        "LEDGER_NODE_FAMILY",
        `${at}[1]`,
        `node "${node}" has two IPv${first.family} pod CIDRs (${first.toString()} and ${second.toString()}); ` +
          `a node has at most one per IP family. Keep the one in the node's spec.podCIDRs`,
      );
    }
  }
  if (!ok) return undefined;
  return { list: Object.freeze(cidrs.map((c) => c.toString())), cidrs };
}

function problemError(problems: readonly LedgerProblem[], file: string | undefined): LedgerError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? "" : "s"})` : "";
  const advice =
    first.advice === "upgrade"
      ? ""
      : ` The ledger keeps pools, fixed addresses and node ranges from moving, so it must be exact: ${restoreAdvice(file)}, or correct the value by hand. ${DELETE_WARNING}`;
  return new LedgerError(first.code, `${where(file, first.path)}${first.message}${more}.${advice}`, file, first.path);
}

const DELETE_WARNING = "Deleting the ledger is not a fix: it lets every pool move to a new range.";

function restoreAdvice(file: string | undefined): string {
  return `restore it from git: git checkout -- ${file ?? DEFAULT_LEDGER_FILE}`;
}

function where(file: string | undefined, path: string): string {
  const p = path === "" ? "" : `${path}: `;
  return file === undefined ? `ledger: ${p}` : `${file}: ${p}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A section of a ledger as a record by key, or as its entries. */
type SectionInput<T> = Readonly<Record<string, T>> | ReadonlyArray<readonly [string, T]>;

/**
 * @internal The sections of a ledger besides `pools`, for {@link freezeLedger}, each as a record or as
 * entries. A whole {@link Ledger} is one: passing a ledger passes all its sections on.
 */
export interface LedgerSections {
  readonly addresses?: SectionInput<LedgerAddress>;
  readonly nodeCidrs?: SectionInput<readonly string[]>;
}

/**
 * @internal A frozen ledger of the pool entries, sorted by name, and of the other sections, each
 * sorted by key; without a section that is empty. Not validated. Every function that makes a new
 * ledger from an old one passes the old sections on (best: the old ledger itself), so that no fixed
 * address or node range is lost.
 *
 * @param sections the sections besides `pools`: a {@link LedgerSections} such as `{ addresses, nodeCidrs }`
 * or a whole ledger (its `pools` and `version` are ignored); a checked section is reused as it is.
 * For callers written before `nodeCidrs`, it may also be the `addresses` section alone, as a record
 * or as entries: an object none of whose own keys is a top-level ledger key (`addresses`,
 * `nodeCidrs`, `pools`, `version`; an address key always holds two "/") is taken as that, or a
 * section known to be a checked `addresses` section. That form passes no other section on.
 */
export function freezeLedger(
  entries: ReadonlyArray<readonly [string, LedgerEntry]>,
  sections?: LedgerSections | SectionInput<LedgerAddress>,
): Ledger {
  const sorted = [...entries].sort((a, b) => compareNames(a[0], b[0]));
  const pools = Object.freeze(Object.fromEntries(sorted));
  const given = asSections(sections);
  const addresses = freezeSection(given.addresses, CHECKED_ADDRESSES, (a) => (Object.isFrozen(a) ? a : Object.freeze({ ...a })));
  const nodeCidrs = freezeSection(given.nodeCidrs, CHECKED_NODE_CIDRS, (list) =>
    Array.isArray(list) && !Object.isFrozen(list) ? Object.freeze([...list]) : list,
  );
  const ledger: { version: 1; pools: Ledger["pools"]; addresses?: Ledger["addresses"]; nodeCidrs?: Ledger["nodeCidrs"] } = {
    version: LEDGER_FORMAT_VERSION,
    pools,
  };
  if (addresses !== undefined) ledger.addresses = addresses;
  if (nodeCidrs !== undefined) ledger.nodeCidrs = nodeCidrs;
  return Object.freeze(ledger);
}

/** The argument of {@link freezeLedger} as sections: see there how an `addresses` section alone is told apart. */
function asSections(sections: LedgerSections | SectionInput<LedgerAddress> | undefined): LedgerSections {
  if (sections === undefined || sections === null) return {};
  if (isEntryList(sections) || CHECKED_ADDRESSES.has(sections)) return { addresses: sections as SectionInput<LedgerAddress> };
  if (Object.keys(sections).some((key) => TOP_KEYS.includes(key))) return sections as LedgerSections;
  return { addresses: sections as Readonly<Record<string, LedgerAddress>> };
}

/**
 * A section, frozen and sorted by key, or `undefined` when it is empty; a checked section as it is.
 * `copy` freezes a value that is not frozen yet, keeping all of it, and a section that is not an
 * object at all (in a ledger built in code) is kept as it is, so that a later check still sees what
 * does not belong.
 */
function freezeSection<T>(
  section: SectionInput<T> | undefined,
  checked: WeakSet<object>,
  copy: (value: T) => T,
): Readonly<Record<string, T>> | undefined {
  if (section === undefined) return undefined;
  if (typeof section !== "object" || section === null) return section;
  if (!isEntryList(section) && checked.has(section)) return section;
  const list = isEntryList(section) ? [...section] : Object.entries(section);
  if (list.length === 0) return undefined;
  list.sort((a, b) => compareNames(a[0], b[0]));
  return Object.freeze(Object.fromEntries(list.map(([key, value]) => [key, copy(value)])));
}

function isEntryList<T>(value: SectionInput<T> | LedgerSections): value is ReadonlyArray<readonly [string, T]> {
  return Array.isArray(value);
}

function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

function listSome(names: readonly string[], limit: number): string {
  const shown = names.slice(0, limit).map((n) => `"${n}"`).join(", ");
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
