import fs from "fs";
import { MAX_INPUT_BYTES } from "../limits";

/** An input file that could not be read as text: missing, too large, binary, compressed or UTF-16. */
export class InputReadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** The file system's error code (`ENOENT`, `EACCES`, `EISDIR`…) when the read itself failed. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "InputReadError";
  }
}

/** The name `-` stands for standard input wherever a command takes a file. */
export const STDIN = "-";

/**
 * Reads a text input file (or standard input, for `-`) whole, with a cap: never more than `limit` bytes are read, so a device such
 * as `/dev/zero` or a runaway file ends in an error, not in exhausted memory. The content must be
 * UTF-8 text: a gzip file, a UTF-16 file or binary data is refused with a message that says which
 * (a leading UTF-8 byte order mark is dropped).
 *
 * @throws InputReadError naming the file and the problem.
 */
export function readTextInput(file: string, limit = MAX_INPUT_BYTES, limitName = "MAX_INPUT_BYTES"): string {
  return decodeText(readInputBytes(file, limit, limitName), file);
}

/**
 * Reads an input file (or standard input, for `-`) whole as bytes, with the cap of {@link readTextInput}
 * and its refusal of compressed, UTF-16 and binary content; the bytes are not decoded (a large JSON
 * dump is decoded piece by piece). A regular file is read in one call.
 *
 * @throws InputReadError naming the file and the problem.
 */
export function readInputBytes(file: string, limit = MAX_INPUT_BYTES, limitName = "MAX_INPUT_BYTES"): Buffer {
  const bytes = readBytes(file, limit, limitName);
  const problem = binaryProblem(bytes);
  if (problem !== undefined) throw new InputReadError(`${file}: ${problem}`, file);
  return bytes;
}

function readBytes(file: string, limit: number, limitName: string): Buffer {
  const tooLarge = () => new InputReadError(`${file}: the file is larger than the limit of ${limit} bytes (${limitName}); split it, or check that it is the file you meant`, file);
  if (file !== STDIN) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch (e) {
      throw fileSystemError(file, e);
    }
    if (stat.isFile()) {
      if (stat.size > limit) throw tooLarge();
      try {
        const bytes = fs.readFileSync(file);
        if (bytes.length > limit) throw tooLarge();
        return bytes;
      } catch (e) {
        if (e instanceof InputReadError) throw e;
        throw fileSystemError(file, e);
      }
    }
  }
  let fd: number;
  try {
    fd = file === STDIN ? 0 : fs.openSync(file, "r");
  } catch (e) {
    throw fileSystemError(file, e);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw tooLarge();
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
  } catch (e) {
    if (e instanceof InputReadError) throw e;
    throw fileSystemError(file, e);
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
  return Buffer.concat(chunks, total);
}

/** Decodes UTF-8 text, refusing compressed, UTF-16 and binary content with a message that names it. */
export function decodeText(bytes: Buffer, file: string): string {
  const problem = binaryProblem(bytes);
  if (problem !== undefined) throw new InputReadError(`${file}: ${problem}`, file);
  const text = bytes.toString("utf8");
  if (text.includes("\uFFFD") && !bytes.includes(Buffer.from("\uFFFD", "utf8"))) {
    const at = text.indexOf("\uFFFD");
    const line = text.slice(0, at).split("\n").length;
    throw new InputReadError(`${file}:${line}: the file is not valid UTF-8 text (an invalid byte sequence on line ${line}); save it as UTF-8`, file);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Why bytes (the start of a file: magic numbers and the first 4 KB are looked at) are not UTF-8 text —
 * compressed, an archive, UTF-16 or binary — or undefined when they may be.
 */
export function binaryProblem(b: Buffer): string | undefined {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return "the file is gzip-compressed; decompress it first (gunzip)";
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return "the file is a zip archive; extract it first";
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return "the file is bzip2-compressed; decompress it first";
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
    return "the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8";
  }
  const head = b.subarray(0, 4096);
  const nul = head.indexOf(0);
  if (nul >= 0) {
    // UTF-16 without a byte order mark: every other byte of ASCII text is zero.
    let zerosOdd = 0;
    let zerosEven = 0;
    for (let i = 0; i < head.length; i++) {
      if (head[i] !== 0) continue;
      if (i % 2 === 0) zerosEven++;
      else zerosOdd++;
    }
    const half = head.length / 2;
    if (half >= 2 && (zerosOdd >= half * 0.8 || zerosEven >= half * 0.8)) {
      return "the file looks like UTF-16 text (every other byte is zero); save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8";
    }
    return `the file is binary, not YAML or JSON text (a zero byte at offset ${nul})`;
  }
  return undefined;
}

function fileSystemError(file: string, e: unknown): InputReadError {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied (cannot read the file)",
    EPERM: "operation not permitted (cannot read the file)",
    EISDIR: "is a folder, not a file",
    ENOTDIR: "a part of the path is not a folder",
    ENAMETOOLONG: "the file name is too long",
    ELOOP: "too many symbolic links",
    EMFILE: "too many open files",
  };
  const reason = (code !== undefined && reasons[code]) || `cannot read: ${(e as Error).message}`;
  return new InputReadError(`${file}: ${reason}`, file, code);
}
