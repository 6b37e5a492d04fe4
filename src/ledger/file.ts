/** Reading and writing the ledger file: a missing file is a first run, writes are atomic and only when the bytes change. */
import * as fs from "fs";
import { writeFileAtomic } from "../io/atomic-write";
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
  writeFileAtomic(file, text);
  return true;
}
