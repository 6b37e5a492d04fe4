import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFilesAtomic } from "../../src/io/atomic-write";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-files-atomic-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every file of the folder (and of its sub-folders), with its content, temporary files included. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(root).sort()) {
    const p = path.join(root, name);
    if (fs.statSync(p).isDirectory()) for (const [k, v] of Object.entries(tree(p))) out[`${name}/${k}`] = v;
    else out[name] = fs.readFileSync(p, "utf8");
  }
  return out;
}

describe("writeFilesAtomic: several files, all or nothing", () => {
  test("writes every file (new and existing, in several folders), keeping an existing file's mode", () => {
    fs.mkdirSync(path.join(dir, "b"));
    fs.writeFileSync(path.join(dir, "a.json"), "old a");
    fs.chmodSync(path.join(dir, "a.json"), 0o640);
    writeFilesAtomic([
      { file: path.join(dir, "a.json"), content: "new a" },
      { file: path.join(dir, "b", "b.json"), content: "new b" },
      { file: path.join(dir, "c", "c.json"), content: "new c" },
    ]);
    expect(tree(dir)).toEqual({ "a.json": "new a", "b/b.json": "new b", "c/c.json": "new c" });
    expect(fs.statSync(path.join(dir, "a.json")).mode & 0o777).toBe(0o640);
  });

  test("a failure while writing the temporary files changes no file and leaves no temporary file", () => {
    fs.writeFileSync(path.join(dir, "a.json"), "old a");
    // A name that fits the file system, whose temporary file's name (".<name>.<pid>.<time>.tmp") does not.
    const long = path.join(dir, `${"l".repeat(250)}.json`);
    expect(() =>
      writeFilesAtomic([
        { file: path.join(dir, "a.json"), content: "new a" },
        { file: path.join(dir, "new.json"), content: "new file" },
        { file: long, content: "never" },
      ]),
    ).toThrow(expect.objectContaining({ code: "ENAMETOOLONG" }));
    expect(tree(dir)).toEqual({ "a.json": "old a" });
  });

  test("a failure of a rename puts back the files already renamed over (or removes new ones) and leaves no temporary file", () => {
    fs.writeFileSync(path.join(dir, "a.json"), "old a");
    // The third target is a folder: its temporary file is written, and the rename over it fails.
    fs.mkdirSync(path.join(dir, "c.json"));
    fs.writeFileSync(path.join(dir, "c.json", "inside"), "kept");
    expect(() =>
      writeFilesAtomic([
        { file: path.join(dir, "a.json"), content: "new a" },
        { file: path.join(dir, "b.json"), content: "new b" },
        { file: path.join(dir, "c.json"), content: "never" },
      ]),
    ).toThrow(expect.objectContaining({ syscall: "rename" }));
    expect(tree(dir)).toEqual({ "a.json": "old a", "c.json/inside": "kept" });
  });
});
