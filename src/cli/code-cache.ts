// Runs the CLI's bundle (lib/cli/calico-ipam.js) with V8's code cache: the bytecode of the functions an
// earlier command ran, kept in lib/cli/calico-ipam.cache. Node.js 20 compiles a 1.3 MB bundle from
// source on every start (about 50 ms of a 0.3 s `calico-ipam plan`, plus compiling each function the
// first time it runs); with the cache it reads the compiled code instead.
//
// Loaded by bin/calico-ipam.js before anything else: it imports Node.js built-ins only, and stays small.
// A cache never changes what a command does or prints. It is used only when its first line names this
// Node.js, this architecture, this V8 and this bundle, and when V8 accepts it (V8 checks its own
// version, flags and the source's length); otherwise the bundle is compiled from source, as `require`
// would, and a fresh cache is written after the command. A cache that cannot be read or written (a
// read-only installation, a directory in its place) is skipped without a word.
//
// "This bundle": the first line holds the SHA-256 of the bundle's bytes, the file's identity when the
// cache was written (size, modification and change times in nanoseconds, inode, device) and whether the
// text is ASCII (decoded as Latin-1) or UTF-8. A start whose
// bundle has that identity takes the cache without hashing: any write to the file or a file put in its
// place changes the change time or the inode, and hashing 1.3 MB with node:crypto (whose loading pulls in
// the streams) took ~8 ms of every start. Only a bundle with another identity (copied, touched) is
// hashed; when its bytes are the same the cache is used and written again with the new identity.
//
// npm run bundle writes the bundle already wrapped as `require` wraps a module (`(function (exports,
// require, module, __filename, __dirname) { … })`), so that V8 compiles the string read from the file
// as it is: wrapping it here made a two-part string that V8 copied into one before compiling (1.3 MB of
// fresh memory, ~330 page faults a start).
import fs from "fs";
import path from "path";
import vm from "vm";
import { isAscii } from "buffer";
import { createRequire, wrap } from "module";

/** The file name of the code cache, beside the bundle. */
export const CODE_CACHE_FILE = "calico-ipam.cache";

/**
 * The environment variable that turns the code cache off: `CALICO_IPAM_CODE_CACHE=0` neither reads
 * nor writes the cache file.
 */
export const CODE_CACHE_ENV = "CALICO_IPAM_CODE_CACHE";

const MAGIC = "calico-ipam code cache 2";

/** What `require` puts before and after a module's text (module.wrap). */
const [WRAP_HEAD, WRAP_TAIL] = wrap("\u0000").split("\u0000");

/**
 * A bundle's text as `require` would compile it: as it is when it is already wrapped (npm run bundle
 * writes it so), else wrapped.
 */
export function wrappedSource(text: string): string {
  return text.startsWith(WRAP_HEAD) && text.endsWith(WRAP_TAIL) ? text : wrap(text);
}

/** The text npm run bundle writes for a bundle: the module's text, wrapped as `require` wraps it. */
export function wrapForCodeCache(text: string): string {
  return wrap(text);
}

/**
 * What became of the cache on a start: `used` (V8 took it), `absent` (no readable file), `stale`
 * (written for another bundle, Node.js, V8 or architecture, or not a cache file at all), `rejected`
 * (the first line matched but V8 refused the data), `off` ({@link CODE_CACHE_ENV} is `0`).
 */
export type CodeCacheStatus = "used" | "absent" | "stale" | "rejected" | "off";

/** A bundle run by {@link runBundle}. */
export interface BundleRun<T> {
  /** The bundle's `module.exports`. */
  readonly exports: T;
  /** What became of the cache file when the bundle was compiled. */
  readonly cache: CodeCacheStatus;
  /**
   * With `cache` `used`: how the cache was found to be this bundle's: `identity` (the bundle file is the
   * one the cache was written for, no hashing) or `content` (another file, the same bytes: the cache is
   * written again with this file's identity).
   */
  readonly matchedBy?: "identity" | "content";
  /**
   * After the command: writes a fresh cache (the code of every function compiled so far) when the
   * one read was absent, stale or rejected. Written whole or not at all (src/io/atomic-write.ts); any
   * failure is ignored. Resolves to whether a cache was written.
   */
  saveCache(): Promise<boolean>;
}

/**
 * Loads a CommonJS bundle as `require` would (the same `require`, `module`, `__filename` and
 * `__dirname`), compiled with the code cache in `cacheFile` when that cache is this bundle's.
 * @param bundleFile the bundle, e.g. lib/cli/calico-ipam.js
 * @param cacheFile the cache file
 * @default cacheFile `calico-ipam.cache` beside the bundle
 */
export function runBundle<T>(bundleFile: string, cacheFile: string = path.join(path.dirname(bundleFile), CODE_CACHE_FILE), env: NodeJS.ProcessEnv = process.env): BundleRun<T> {
  const { bytes, identity } = readWithIdentity(bundleFile);
  const off = env[CODE_CACHE_ENV] === "0";
  const runtime = `${MAGIC} ${process.version} ${process.arch} ${process.versions.v8} `;
  let cachedData: Buffer | undefined;
  let status: CodeCacheStatus = off ? "off" : "absent";
  let matchedBy: "identity" | "content" | undefined;
  let hash: string | undefined;
  let encoding: "latin1" | "utf8" | undefined;
  if (!off) {
    let stored: Buffer | undefined;
    try {
      stored = fs.readFileSync(cacheFile);
    } catch {
      stored = undefined; // no cache, or not a readable file: compile from source
    }
    if (stored !== undefined) {
      // The first line: runtime, then the bundle's SHA-256, its file's identity and the encoding of its text.
      const end = stored.indexOf(10);
      const line = end < 0 ? "" : stored.toString("latin1", 0, end);
      const fields = line.startsWith(runtime) ? line.slice(runtime.length).split(" ") : [];
      if (fields.length === 3 && (fields[2] === "latin1" || fields[2] === "utf8")) {
        if (identity !== undefined && fields[1] === identity) matchedBy = "identity";
        else if (fields[0] === (hash = sha256(bytes))) matchedBy = "content";
      }
      if (matchedBy !== undefined) {
        cachedData = stored.subarray(end + 1);
        encoding = fields[2] as "latin1" | "utf8";
      } else status = "stale";
    }
  }
  // An ASCII bundle (npm run bundle writes one) decodes as Latin-1, to a one-byte string: ~1 ms, against ~7 ms
  // for UTF-8 decoding to a two-byte string (which V8 then also keeps and scans at twice the size). The
  // cache's first line says which the bundle is (checking 1.3 MB for ASCII took ~2 ms).
  encoding ??= isAscii(bytes) ? "latin1" : "utf8";
  const source = wrappedSource(bytes.toString(encoding));
  const script = new vm.Script(source, { filename: bundleFile, ...(cachedData !== undefined ? { cachedData } : {}) });
  if (cachedData !== undefined) status = script.cachedDataRejected === true ? "rejected" : "used";
  if (status !== "used") matchedBy = undefined;
  const module = { exports: {} as T, id: bundleFile, filename: bundleFile, loaded: false };
  const compiled = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  compiled.call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  module.loaded = true;
  const write = !off && (status !== "used" || matchedBy === "content");
  return {
    exports: module.exports,
    cache: status,
    ...(matchedBy !== undefined ? { matchedBy } : {}),
    saveCache: async () => (write ? writeCache(cacheFile, `${runtime}${hash ?? sha256(bytes)} ${identity ?? "-"} ${encoding}\n`, script) : false),
  };
}

/**
 * The file's bytes and its identity as one text (size, modification and change times in nanoseconds,
 * inode, device), or no identity when the file changed while it was read.
 */
function readWithIdentity(file: string): { bytes: Buffer; identity: string | undefined } {
  const fd = fs.openSync(file, "r");
  try {
    const before = fs.fstatSync(fd, { bigint: true });
    const bytes = fs.readFileSync(fd);
    const after = fs.fstatSync(fd, { bigint: true });
    const id = (s: fs.BigIntStats) => `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}`;
    const identity = id(before);
    return { bytes, identity: identity === id(after) && before.size === BigInt(bytes.length) ? identity : undefined };
  } finally {
    fs.closeSync(fd);
  }
}

function sha256(bytes: Buffer): string {
  // Loaded only when a cache is checked by content or written: node:crypto takes ~5 ms to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("crypto") as typeof import("crypto")).createHash("sha256").update(bytes).digest("hex");
}

async function writeCache(cacheFile: string, key: string, script: vm.Script): Promise<boolean> {
  try {
    fs.accessSync(path.dirname(cacheFile), fs.constants.W_OK); // a read-only installation: do not even build the data
    const { writeFileAtomic } = await import("../io/atomic-write");
    writeFileAtomic(cacheFile, Buffer.concat([Buffer.from(key, "latin1"), script.createCachedData()]));
    return true;
  } catch {
    return false;
  }
}
