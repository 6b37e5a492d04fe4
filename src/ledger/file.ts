/** Reading and writing the ledger file: a missing file is a first run, writes are atomic and only when the bytes change. */
import * as fs from "fs";
import * as path from "path";
import { resolveLinks, temporaryFilesOf, writeFileAtomic } from "../io/atomic-write";
import { LedgerError } from "./errors";
import { Ledger } from "./format";
import { parseLedger } from "./parse";
import { serializeLedger } from "./serialize";

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
  // A ledger made read-only on purpose (chmod a-w) is refused, not replaced: the rename of an atomic
  // write would otherwise succeed in a writable folder. Checked on the mode bits, so it holds for root too.
  const target = resolveLinks(file);
  let mode: number | undefined;
  try {
    mode = fs.statSync(target).mode;
  } catch {
    mode = undefined;
  }
  if (mode !== undefined && (mode & 0o222) === 0) {
    throw new LedgerError(
      "LEDGER_READ_ONLY",
      `${file}: the ledger is read-only (mode ${(mode & 0o777).toString(8).padStart(4, "0")}) and this plan changes it; make it writable (chmod u+w ${path.basename(file)}) to record the change, or keep it frozen (${"CALICO_IPAM_LEDGER"}=frozen) to fail on changes instead`,
      file,
    );
  }
  writeFileAtomic(file, text);
  return true;
}

/**
 * Temporary files of an interrupted write of the ledger (a kill during the write). When the ledger
 * itself is missing, they are the sign that it existed or was being created: the plan says so.
 */
export function interruptedLedgerWrites(file: string): string[] {
  return temporaryFilesOf(resolveLinks(file)).map((t) => t.path);
}
