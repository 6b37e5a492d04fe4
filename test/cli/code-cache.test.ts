import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isAscii } from "buffer";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { wrap } from "module";
import { CODE_CACHE_ENV, runBundle, wrapForCodeCache, wrappedSource } from "../../src/cli/code-cache";

const root = path.resolve(__dirname, "..", "..");
const bundle = path.join(root, "lib", "cli", "calico-ipam.js");
const loader = path.join(root, "lib", "cli", "code-cache.js");
const spec = path.join(root, "examples", "plan", "cluster.yaml");

interface Start {
  readonly code: number;
  readonly out: string;
  readonly cache: string;
  /** How a used cache was found to be the bundle's: "identity" (no hashing) or "content". */
  readonly matchedBy?: string;
  readonly saved: boolean;
  /** Whether the start loaded node:crypto before the command ended (hashing the bundle loads it). */
  readonly crypto: boolean;
}

/**
 * One start of the built CLI bundle in a fresh Node.js process, as bin/calico-ipam.js runs it, with the
 * code cache in `cacheFile`: what it printed, and what became of the cache. (A script file, not `node -e`,
 * which loads node:crypto itself.)
 */
function start(cacheFile: string, args: string[], env: NodeJS.ProcessEnv = {}): Start {
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build (npm test does) before this test`);
  const script = `
    const run = require(${JSON.stringify(loader)}).runBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cacheFile)});
    let out = "";
    run.exports.main(${JSON.stringify(args)}, { stdout: (t) => (out += t), stderr: (t) => (out += t) })
      .then(async (code) => {
        const crypto = process.moduleLoadList.includes("NativeModule crypto");
        process.stdout.write(JSON.stringify({ code, out, cache: run.cache, matchedBy: run.matchedBy, saved: await run.saveCache(), crypto }));
      });`;
  const scriptFile = path.join(tmp(), "start.js");
  fs.writeFileSync(scriptFile, script);
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!(CODE_CACHE_ENV in env)) delete fullEnv[CODE_CACHE_ENV];
  const r = spawnSync(process.execPath, [scriptFile], { cwd: root, encoding: "utf8", env: fullEnv, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Start;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-code-cache-"));

describe("the CLI bundle's V8 code cache (src/cli/code-cache.ts)", () => {
  const args = ["plan", spec, "--format", "json"];
  let dir: string;
  let cacheFile: string;
  let first: Start;
  let valid: Buffer;

  beforeAll(() => {
    dir = tmp();
    cacheFile = path.join(dir, "calico-ipam.cache");
    first = start(cacheFile, args);
    valid = fs.readFileSync(cacheFile);
  });

  test("a start without a cache compiles from source, prints the plan and writes a cache for this bundle, Node.js and V8", () => {
    expect(first).toMatchObject({ code: 0, cache: "absent", saved: true });
    expect(first.matchedBy).toBeUndefined();
    expect(JSON.parse(first.out).pools.length).toBeGreaterThan(0);
    const header = valid.toString("latin1", 0, valid.indexOf(10));
    expect(header).toContain(process.version);
    expect(header).toContain(process.versions.v8);
    // the bundle's SHA-256, its file's identity (size, mtime and ctime in ns, inode, device), its encoding
    const stat = fs.statSync(bundle, { bigint: true });
    expect(header.endsWith(` ${createHash("sha256").update(fs.readFileSync(bundle)).digest("hex")} ${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.dev} latin1`)).toBe(true);
    expect(valid.length).toBeGreaterThan(header.length + 1000);
  });

  test("the next start uses the cache by the bundle file's identity, without hashing (node:crypto never loads), prints the same bytes and leaves the cache as it was", () => {
    const second = start(cacheFile, args);
    expect(second).toEqual({ ...first, cache: "used", matchedBy: "identity", saved: false, crypto: false });
    expect(fs.readFileSync(cacheFile).equals(valid)).toBe(true);
  });

  test("a cache of the same bytes in another file (the bundle copied or touched: another identity) is used after hashing, and written again with this file's identity", () => {
    const file = path.join(tmp(), "calico-ipam.cache");
    const lines = valid.toString("latin1", 0, valid.indexOf(10)).split(" ");
    lines[lines.length - 2] = "1:2:3:4:5";
    fs.writeFileSync(file, Buffer.concat([Buffer.from(lines.join(" "), "latin1"), valid.subarray(valid.indexOf(10))]));
    expect(start(file, args)).toEqual({ ...first, cache: "used", matchedBy: "content", saved: true, crypto: true });
    expect(fs.readFileSync(file).toString("latin1", 0, valid.indexOf(10))).toBe(valid.toString("latin1", 0, valid.indexOf(10)));
    expect(start(file, args)).toEqual({ ...first, cache: "used", matchedBy: "identity", saved: false, crypto: false });
  });

  /** The first line with its fields from the end replaced (`fields[0]` the last field, the encoding). */
  const withFields = (v: Buffer, ...fromEnd: string[]) => {
    const fields = v.toString("latin1", 0, v.indexOf(10)).split(" ");
    fromEnd.forEach((f, i) => (fields[fields.length - 1 - i] = f));
    return Buffer.concat([Buffer.from(fields.join(" "), "latin1"), v.subarray(v.indexOf(10))]);
  };

  test.each([
    ["another bundle's cache (its SHA-256 and file identity differ)", (v: Buffer) => withFields(v, "latin1", "1:2:3:4:5", "0".repeat(64)), "stale"],
    ["this bundle's identity with an encoding that is neither", (v: Buffer) => withFields(v, "ascii"), "stale"],
    ["a first line without the encoding", (v: Buffer) => Buffer.concat([Buffer.from(v.toString("latin1", 0, v.indexOf(10)).replace(/ latin1$/, ""), "latin1"), v.subarray(v.indexOf(10))]), "stale"],
    ["a cache cut short in its first line", (v: Buffer) => v.subarray(0, 20), "stale"],
    ["the right first line over data V8 refuses", (v: Buffer) => Buffer.concat([v.subarray(0, v.indexOf(10) + 1), Buffer.alloc(5000, 7)]), "rejected"],
    ["the right first line over the data cut in half", (v: Buffer) => v.subarray(0, v.length >> 1), "rejected"],
  ])("%s: compiled from source, the same output, and a fresh cache written", (_what, damage, status) => {
    const file = path.join(tmp(), "calico-ipam.cache");
    fs.writeFileSync(file, damage(valid));
    expect(start(file, args)).toMatchObject({ code: first.code, out: first.out, cache: status, saved: true });
    expect(start(file, args)).toEqual({ ...first, cache: "used", matchedBy: "identity", saved: false, crypto: false });
  });

  test("a cache that cannot be read or written (a folder in its place, a path through a file) changes nothing and is not an error", () => {
    const asFolder = path.join(tmp(), "calico-ipam.cache");
    fs.mkdirSync(asFolder);
    expect(start(asFolder, args)).toEqual({ ...first, cache: "absent", saved: false });
    expect(fs.statSync(asFolder).isDirectory()).toBe(true);
    const aFile = path.join(tmp(), "file");
    fs.writeFileSync(aFile, "x");
    expect(start(path.join(aFile, "calico-ipam.cache"), args)).toEqual({ ...first, cache: "absent", saved: false });
  });

  test(`${CODE_CACHE_ENV}=0 neither reads nor writes the cache`, () => {
    const file = path.join(tmp(), "calico-ipam.cache");
    expect(start(file, args, { [CODE_CACHE_ENV]: "0" })).toEqual({ ...first, cache: "off", saved: false });
    expect(fs.existsSync(file)).toBe(false);
    fs.writeFileSync(file, valid);
    expect(start(file, args, { [CODE_CACHE_ENV]: "0" }).cache).toBe("off");
  });

  test("the bundle npm run build writes is ASCII (read as Latin-1, a one-byte string)", () => {
    expect(isAscii(fs.readFileSync(bundle))).toBe(true);
  });

  test("the bundle npm run build writes is already wrapped as require wraps a module, so it is compiled as read", () => {
    const text = fs.readFileSync(bundle, "latin1");
    expect(wrappedSource(text)).toBe(text);
    expect(text.startsWith(wrap("").slice(0, 20))).toBe(true);
  });
});

describe("runBundle loads a CommonJS file as require would", () => {
  test("module, exports, require (relative to the file), __filename, __dirname, and text that is not ASCII", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "dep.js"), "module.exports = 'dependency';\n");
    const file = path.join(dir, "bundle.js");
    fs.writeFileSync(
      file,
      `exports.early = 1;\nmodule.exports = { dep: require("./dep"), file: __filename, dir: __dirname, text: "a · b › c", same: module.exports === exports, main: async () => 0 };\n`,
    );
    const run = runBundle<Record<string, unknown>>(file, path.join(dir, "cache"), {});
    expect(run.exports).toMatchObject({ dep: "dependency", file, dir, text: "a · b › c", same: true });
    const required = ((await import(file)) as { default: Record<string, unknown> }).default;
    expect(run.exports).toEqual({ ...required, main: expect.any(Function) });
    expect(run.cache).toBe("absent");
    expect(await run.saveCache()).toBe(true);
    const again = runBundle<Record<string, unknown>>(file, path.join(dir, "cache"), {});
    expect(again.cache).toBe("used");
    expect(again.matchedBy).toBe("identity");
    expect(again.exports.text).toBe("a · b › c");
    // The same module written wrapped (as npm run bundle writes the CLI's): the same exports, compiled once.
    const wrapped = path.join(dir, "wrapped.js");
    fs.writeFileSync(wrapped, wrapForCodeCache(fs.readFileSync(file, "utf8")));
    const fromWrapped = runBundle<Record<string, unknown>>(wrapped, path.join(dir, "cache-wrapped"), {});
    expect(fromWrapped.exports).toEqual({ ...run.exports, file: wrapped, main: expect.any(Function) });
    expect(await fromWrapped.saveCache()).toBe(true);
    expect(runBundle<Record<string, unknown>>(wrapped, path.join(dir, "cache-wrapped"), {}).cache).toBe("used");
  });

  test("wrappedSource wraps a module's text once: a wrapped text is left as it is", () => {
    expect(wrappedSource("module.exports = 1;")).toBe(wrap("module.exports = 1;"));
    expect(wrappedSource(wrap("module.exports = 1;"))).toBe(wrap("module.exports = 1;"));
    expect(wrapForCodeCache("x")).toBe(wrap("x"));
    // only the head, or only the tail, is not a wrapped text
    expect(wrappedSource(wrap("x").slice(0, -3))).toBe(wrap(wrap("x").slice(0, -3)));
    expect(wrappedSource(wrap("x").slice(5))).toBe(wrap(wrap("x").slice(5)));
  });
});
