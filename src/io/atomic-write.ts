import * as fs from "fs";
import * as path from "path";

/**
 * Writes a file whole or not at all: the content goes to a temporary file in the same folder, which
 * is then renamed over the target (atomic on POSIX file systems). A reader never sees half a file.
 *
 * - A symbolic link is written through: the file it points to gets the content, the link stays.
 * - An existing file keeps its permission bits.
 * - Temporary files of earlier writes to the same file whose process is gone (killed mid-write) are
 *   removed first.
 */
export function writeFileAtomic(file: string, content: string): void {
  const target = resolveLinks(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemporaryFiles(target);
  let mode: number | undefined;
  try {
    mode = fs.statSync(target).mode & 0o7777;
  } catch {
    mode = undefined; // a new file: the default permissions
  }
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { encoding: "utf8" });
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The file a path finally names, following symbolic links (also a link to a file not yet created). */
export function resolveLinks(file: string): string {
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return current;
    }
    if (!stat.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  return current;
}

/** Temporary files an earlier write to `file` left behind: `.<name>.<pid>.<time>.tmp`. */
export function temporaryFilesOf(file: string): Array<{ path: string; pid: number }> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (!name.startsWith(prefix)) return [];
    const m = /^(\d+)\.(\d+)\.tmp$/.exec(name.slice(prefix.length));
    return m ? [{ path: path.join(dir, name), pid: Number(m[1]) }] : [];
  });
}

function removeStaleTemporaryFiles(file: string): void {
  for (const t of temporaryFilesOf(file)) {
    if (t.pid !== process.pid && processIsAlive(t.pid)) continue; // another process is writing right now
    fs.rmSync(t.path, { force: true });
  }
}

function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
