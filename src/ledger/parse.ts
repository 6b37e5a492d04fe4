/** Parsing ledger text: strict JSON (errors with line, column and JSON path), merge-conflict markers, then the format's rules. */
import { describe } from "../validation/names";
import { DELETE_WARNING, LedgerError, capitalize, problemError, restoreAdvice, where } from "./errors";
import { Ledger } from "./format";
import { inspectLedger } from "./inspect";
import { readCanonicalLedger } from "./private/canonical-read";
import { JsonSyntaxError, parseJson } from "./private/strict-json";

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
  // The file as serializeLedger wrote it (every run after the first): read straight into entries.
  return readCanonicalLedger(body) ?? parseLedgerBody(body, file);
}

/**
 * @internal {@link parseLedger} without its fast path for canonical text, on text without a
 * byte-order mark: the reference the fast path is tested against.
 */
export function parseLedgerBody(body: string, file?: string): Ledger {
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
    value = parseJson(body);
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
