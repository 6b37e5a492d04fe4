/** The inspection of a ledger's `addresses` section: the fixed pod addresses of workloads. */
import { IpFamily, IpParseError, formatAddress, parseAddress } from "../ip";
import { describe, isPlainObject, validateObjectName } from "../validation/names";
import { ProblemSink } from "./errors";
import { ADDRESS_KEYS, DNS1123_LABEL, DNS1123_LABEL_MAX, LedgerAddress } from "./format";
import { compareNames } from "./private/names";
import { pathSegment } from "./private/strict-json";

/**
 * @internal The valid entries of an `addresses` section, and a problem for each thing wrong. Keys are checked
 * in code-unit order, so an address recorded twice is reported on the later key.
 */
export function inspectAddresses(raw: Record<string, unknown>, problem: ProblemSink): Array<[string, LedgerAddress]> {
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
