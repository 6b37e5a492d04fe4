import fs from "fs";
import path from "path";

/**
 * Writes a file whole or not at all: the content goes to a temporary file in the same folder, which
 * is then renamed over the target (atomic on POSIX file systems). A reader never sees half a file.
 *
 * - A symbolic link is written through: the file it points to gets the content, the link stays.
 * - An existing file keeps its permission bits.
 * - Temporary files of earlier writes to the same file whose process is gone (killed mid-write) are
 *   removed first.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
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
    fs.writeFileSync(tmp, content, typeof content === "string" ? { encoding: "utf8" } : {});
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes several files all or nothing, as far as a file system allows: every content first goes to a
 * temporary file beside its target; only once all of them are written are they renamed over their
 * targets, in the order given.
 *
 * - A failure while writing the temporary files (a full disk, a name too long, a folder that cannot
 *   be made) removes every temporary file written and changes no target.
 * - A failure of a rename (rare: each temporary file is already in its target's folder) puts back
 *   the targets already renamed over, each with its previous content (or removes it when it did not
 *   exist before), and removes the temporary files left.
 * - The window left: a crash (kill -9, a power cut) between the first and the last rename leaves the
 *   first targets new and the others old, each whole. The renames take microseconds; the temporary
 *   files of a killed process are removed by the next write to the same target.
 *
 * Each target is written as {@link writeFileAtomic} writes it (links followed, permission bits kept).
 * @throws the first file system error; the targets are then as they were before the call
 */
export function writeFilesAtomic(files: ReadonlyArray<{ readonly file: string; readonly content: string }>): void {
  const staged: Array<{ target: string; tmp: string; previous?: string }> = [];
  const renamed: typeof staged = [];
  try {
    for (const { file, content } of files) {
      const target = resolveLinks(file);
      const dir = path.dirname(target);
      fs.mkdirSync(dir, { recursive: true });
      removeStaleTemporaryFiles(target);
      let stat: fs.Stats | undefined;
      try {
        stat = fs.statSync(target);
      } catch {
        stat = undefined; // a new file: the default permissions
      }
      const previous = stat?.isFile() ? fs.readFileSync(target, "utf8") : undefined;
      const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
      staged.push({ target, tmp, ...(previous !== undefined ? { previous } : {}) });
      fs.writeFileSync(tmp, content, { encoding: "utf8" });
      if (stat !== undefined) fs.chmodSync(tmp, stat.mode & 0o7777);
    }
    for (const s of staged) {
      fs.renameSync(s.tmp, s.target);
      renamed.push(s);
    }
  } catch (e) {
    for (const s of staged) if (!renamed.includes(s)) fs.rmSync(s.tmp, { force: true });
    for (const s of [...renamed].reverse()) {
      try {
        if (s.previous !== undefined) writeFileAtomic(s.target, s.previous);
        else fs.rmSync(s.target, { force: true });
      } catch {
        // Best effort: the first error says what failed.
      }
    }
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
