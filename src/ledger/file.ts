/** Reading and writing the ledger file: a missing file is a first run, writes are atomic and only when the bytes change. */
import fs from "fs";
import path from "path";
import { resolveLinks, temporaryFilesOf, writeFilesAtomic } from "../io/atomic-write";
import { describeFileSystemError } from "../io/file-errors";
import { InputReadError, readTextInput } from "../io/read-input";
import { MAX_LEDGER_BYTES } from "../limits";
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
    // With a cap and the encoding checks of every input: a ledger pointed at /dev/zero or a binary file is an error.
    text = readTextInput(file, MAX_LEDGER_BYTES, "MAX_LEDGER_BYTES");
  } catch (e) {
    if (e instanceof InputReadError && e.code === "ENOENT") return undefined;
    const reason = e instanceof InputReadError ? e.message.slice(e.message.indexOf(": ") + 2) : (e as Error).message;
    throw new LedgerError("LEDGER_UNREADABLE", `${file}: cannot read the ledger: ${reason}`, file);
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
  return writeLedgersIfChanged([{ file, ledger }]).length > 0;
}

/**
 * Writes several ledger files, each only when its bytes would change, all or nothing (see
 * `writeFilesAtomic`): every file is checked first (readable, not read-only), then every changed one
 * goes to a temporary file, then all are renamed over their targets; a failure at any step leaves every
 * file as it was. A crash between the renames (microseconds) can still leave some files new and the
 * others old, each whole.
 *
 * @returns the files written, in the order given
 * @throws LedgerError `LEDGER_UNREADABLE`, `LEDGER_READ_ONLY` (nothing written) or `LEDGER_UNWRITABLE`
 * (nothing changed), naming the file
 */
export function writeLedgersIfChanged(ledgers: ReadonlyArray<{ readonly file: string; readonly ledger: Ledger }>): string[] {
  const changed: Array<{ file: string; content: string }> = [];
  for (const { file, ledger } of ledgers) {
    const text = serializeLedger(ledger);
    if (readExisting(file) === text) continue;
    refuseReadOnly(file);
    changed.push({ file, content: text });
  }
  if (changed.length === 0) return [];
  try {
    writeFilesAtomic(changed);
  } catch (e) {
    const described = describeFileSystemError(e);
    if (described === undefined) throw e;
    const failed = changed.find((c) => (e as NodeJS.ErrnoException).path !== undefined && String((e as NodeJS.ErrnoException).path).includes(path.basename(c.file)))?.file ?? changed[0].file;
    const others = changed.length > 1 ? ` (nor ${changed.filter((c) => c.file !== failed).map((c) => c.file).join(", ")}, written together with it)` : "";
    throw new LedgerError("LEDGER_UNWRITABLE", `${failed}: cannot write the ledger: ${described.message}; nothing was changed${others}`, failed);
  }
  return changed.map((c) => c.file);
}

/** The file's text, or `undefined` when it does not exist. */
function readExisting(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new LedgerError("LEDGER_UNREADABLE", `${file}: cannot read the ledger before writing it: ${(e as Error).message}`, file);
    }
    return undefined;
  }
}

/**
 * A ledger made read-only on purpose (chmod a-w) is refused, not replaced: the rename of an atomic
 * write would otherwise succeed in a writable folder. Checked on the mode bits, so it holds for root too.
 */
function refuseReadOnly(file: string): void {
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
}

/**
 * Temporary files of an interrupted write of the ledger (a kill during the write). When the ledger
 * itself is missing, they are the sign that it existed or was being created: the plan says so.
 */
export function interruptedLedgerWrites(file: string): string[] {
  return temporaryFilesOf(resolveLinks(file)).map((t) => t.path);
}
