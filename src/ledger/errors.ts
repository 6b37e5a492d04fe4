/**
 * The errors of the ledger: one error class with stable codes, and the messages that say where a
 * problem is (file and JSON path or line) and the way out (restore from git, correct by hand, or upgrade).
 */
import { DEFAULT_LEDGER_FILE } from "./format";

/** Stable codes of {@link LedgerError}; a code never changes meaning. */
export type LedgerErrorCode =
  | "LEDGER_UNREADABLE"
  | "LEDGER_READ_ONLY"
  | "LEDGER_UNWRITABLE"
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
  | "LEDGER_NODE_OVERLAP"
  | "LEDGER_CLUSTER_NAME"
  | "LEDGER_UNKNOWN_CLUSTER"
  | "LEDGER_CLUSTER_NOT_RETIRED"
  | "LEDGER_MIGRATION";

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

/** @internal One thing wrong with a ledger value. */
export interface LedgerProblem {
  readonly code: LedgerErrorCode;
  /** JSON path, e.g. `pools.payments.cidr`. */
  readonly path: string;
  readonly message: string;
  /** What to tell the user to do: restore the file, or upgrade the library. */
  readonly advice: "restore" | "upgrade";
}

/** @internal Reports one problem of a ledger value; `advice` defaults to `"restore"`. */
export type ProblemSink = (code: LedgerErrorCode, path: string, message: string, advice?: "restore" | "upgrade") => void;

/** @internal The error for the problems of a ledger value: the first one, with the count of the others and the way out. */
export function problemError(problems: readonly LedgerProblem[], file: string | undefined): LedgerError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? "" : "s"})` : "";
  const advice =
    first.advice === "upgrade"
      ? ""
      : ` The ledger keeps pools, fixed addresses and node ranges from moving, so it must be exact: ${restoreAdvice(file)}, or correct the value by hand. ${DELETE_WARNING}`;
  return new LedgerError(first.code, `${where(file, first.path)}${first.message}${more}.${advice}`, file, first.path);
}

/** @internal What deleting the ledger would do, said with every way out. */
export const DELETE_WARNING = "Deleting the ledger is not a fix: it lets every pool move to a new range.";

/** @internal The way to get a good ledger back. */
export function restoreAdvice(file: string | undefined): string {
  return `restore it from git: git checkout -- ${file ?? DEFAULT_LEDGER_FILE}`;
}

/** @internal The prefix of a message: file (or "ledger") and JSON path. */
export function where(file: string | undefined, path: string): string {
  const p = path === "" ? "" : `${path}: `;
  return file === undefined ? `ledger: ${p}` : `${file}: ${p}`;
}

/** @internal The text with its first letter in upper case. */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
