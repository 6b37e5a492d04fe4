import * as fs from "fs";
import * as path from "path";

/**
 * Writes a file whole or not at all: the content goes to a temporary file in the same folder, which
 * is then renamed over the target (atomic on POSIX file systems). A reader never sees half a file.
 */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { encoding: "utf8" });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
