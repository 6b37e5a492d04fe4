// Runs the CLI's bundle (lib/cli/calico-ipam.js) with V8's code cache: the bytecode of the functions an
// earlier command ran, kept in lib/cli/calico-ipam.cache. Node.js 20 compiles a 1.6 MB bundle from
// source on every start (about 50 ms of a 0.3 s `calico-ipam plan`, plus compiling each function the
// first time it runs); with the cache it reads the compiled code instead.
//
// Loaded by bin/calico-ipam.js before anything else: it imports Node.js built-ins only, and stays small.
// A cache never changes what a command does or prints. It is used only when its first line names this
// Node.js, this architecture, this V8 and the SHA-256 of the bundle's bytes, and when V8 accepts it (V8
// checks its own version, flags and the source's length); otherwise the bundle is compiled from source,
// as `require` would, and a fresh cache is written after the command. A cache that cannot be read or
// written (a read-only installation, a directory in its place) is skipped without a word.
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { isAscii } from "buffer";
import { createHash } from "crypto";
import { createRequire, wrap } from "module";

/** The file name of the code cache, beside the bundle. */
export const CODE_CACHE_FILE = "calico-ipam.cache";

/**
 * The environment variable that turns the code cache off: `CALICO_IPAM_CODE_CACHE=0` neither reads
 * nor writes the cache file.
 */
export const CODE_CACHE_ENV = "CALICO_IPAM_CODE_CACHE";

const MAGIC = "calico-ipam code cache 1";

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
  const bytes = fs.readFileSync(bundleFile);
  const off = env[CODE_CACHE_ENV] === "0";
  const key = off ? "" : `${MAGIC} ${process.version} ${process.arch} ${process.versions.v8} ${createHash("sha256").update(bytes).digest("hex")}\n`;
  let cachedData: Buffer | undefined;
  let status: CodeCacheStatus = off ? "off" : "absent";
  if (!off) {
    let stored: Buffer | undefined;
    try {
      stored = fs.readFileSync(cacheFile);
    } catch {
      stored = undefined; // no cache, or not a readable file: compile from source
    }
    if (stored !== undefined) {
      if (stored.length > key.length && stored.toString("latin1", 0, key.length) === key) cachedData = stored.subarray(key.length);
      else status = "stale";
    }
  }
  // An ASCII bundle (npm run bundle writes one) decodes as Latin-1, to a one-byte string: ~1 ms, against ~7 ms
  // for UTF-8 decoding to a two-byte string (which V8 then also keeps and scans at twice the size).
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const script = new vm.Script(wrap(source), { filename: bundleFile, ...(cachedData !== undefined ? { cachedData } : {}) });
  if (cachedData !== undefined) status = script.cachedDataRejected === true ? "rejected" : "used";
  const module = { exports: {} as T, id: bundleFile, filename: bundleFile, loaded: false };
  const compiled = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  compiled.call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  module.loaded = true;
  return {
    exports: module.exports,
    cache: status,
    saveCache: async () => (status === "used" || status === "off" ? false : writeCache(cacheFile, key, script)),
  };
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
