/**
 * A fast reader for the JSON `List`s `kubectl get … -o json` writes (cluster dumps of hundreds of
 * megabytes): the file is never decoded or parsed whole. kubectl indents by 4 spaces, so every item of
 * `items` opens with `{` and closes with `}` alone on a line indented by 8 spaces — text a JSON string
 * cannot hold (strings have no raw newline). The items are cut at those lines into batches of about
 * {@link BATCH_BYTES} and each batch is parsed as one JSON array by the runtime's parser, so only a
 * batch's objects live at a time. Everything between the batches (commas, whitespace) and around them
 * (the `List`'s other keys) is checked, so a file read here is valid JSON, as with `JSON.parse`.
 *
 * Integers past 2^53 (Calico's sequence numbers are nanosecond times) lose digits in JavaScript numbers;
 * the reader gives their exact decimal text per item ({@link ListItem.bigIntegers}) for the fields that
 * ask for it.
 */
import { isAscii } from "buffer";
import fs from "fs";

/** Bytes of text parsed at once. */
export const BATCH_BYTES = 512 * 1024;

const ITEMS_KEY = Buffer.from('\n    "items": [');
const ITEM_OPEN = Buffer.from("\n        {");
const ITEM_CLOSE = Buffer.from("\n        }");
const LIST_CLOSE = Buffer.from("\n    ]");

/** One item of a `List` read by {@link readKubectlJsonList}. */
export interface ListItem {
  readonly value: unknown;
  /** 0-based index in `items`. */
  readonly index: number;
  /** Exact decimal text of integers past 2^53, by path (`spec.sequenceNumber`), for the paths asked for. */
  readonly bigIntegers?: Readonly<Record<string, string>>;
  /**
   * What the {@link ListReadOptions.decode | decoder} made of the item, when it took it; `value` is then
   * parsed from the item's text only when read.
   */
  readonly decoded?: unknown;
  /** Where a decoded item's text is (to parse it later with {@link parseItemText}). */
  readonly text?: ItemText;
}

/**
 * A reader of some items straight from their bytes. It must take only text that is valid JSON and an
 * item that closes as kubectl closes it (`}` on a line of its own, indented by 8 spaces); anything it is
 * unsure of is left to the JSON parser.
 */
export interface ItemDecoder {
  /** Reads the item whose `{` is at `from` (ending by `to`): what it made of it, or undefined to leave it to the JSON parser. */
  decode(bytes: Buffer, from: number, to: number): unknown;
  /** Where the item last read ends (just after its `}`). */
  readonly end: number;
}

/** Options of {@link readKubectlJsonList}. */
export interface ListReadOptions {
  /** The integers to keep exact, for the items the JSON parser reads. */
  readonly bigIntegers?: BigIntegerFields;
  /** Reads the items it knows without the JSON parser (see {@link ItemDecoder}). */
  readonly decode?: ItemDecoder;
}

/** A `List` in kubectl's layout: its metadata and its items, read lazily. */
export interface KubectlJsonList {
  /** The `List` without its items (`apiVersion`, `kind`, `metadata`). */
  readonly list: Readonly<Record<string, unknown>>;
  readonly items: Iterable<ListItem>;
}

/** Thrown when a file in kubectl's layout holds malformed JSON: the message names the line. */
export class JsonListError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * Fields whose integers are kept exact: a function of the parsed item giving the paths of the fields
 * (`spec.sequenceNumber`, keys of nested objects; `key` is the path's last key), or undefined when
 * nothing is past 2^53. Each path leads to an integer, or (`object`) to an object of integers.
 */
export type BigIntegerFields = (item: unknown) => ReadonlyArray<{ readonly path: string; readonly key: string; readonly object?: boolean }> | undefined;

/** Where the reader gets a file's bytes: its size, and the bytes of a range (a file read by position, or a buffer). */
export interface ByteSource {
  readonly size: number;
  /** The bytes `[from, to)`. */
  read(from: number, to: number): Buffer;
  /** Reads the bytes `[from, to)` into `target` at `offset` (a file read without a buffer in between); returns how many were read. @default - copies {@link read}'s bytes */
  readInto?(target: Buffer, offset: number, from: number, to: number): number;
  /**
   * A buffer of `n` bytes for the reader's window of the file (any bytes: they are overwritten). The
   * reader uses the window's buffer before only until it has copied the bytes it still wants from it into
   * this one, so a source may hand out two buffers in turn (a new buffer per window costs a page fault per
   * 4 KB). @default - a new buffer
   */
  buffer?(n: number): Buffer;
}

/** A buffer as a {@link ByteSource}. */
export function bufferSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: (from, to) => bytes.subarray(from, to) };
}

/** Reads the bytes `[from, to)` of an open file into `out` at `offset`; how many were read (fewer at the file's end). */
export function readFileRange(fd: number, out: Uint8Array, offset: number, from: number, to: number): number {
  let done = 0;
  while (done < to - from) {
    const n = fs.readSync(fd, out, offset + done, to - from - done, from + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** An open file of `size` bytes as a {@link ByteSource} (read by position, while it is open). */
export function fileDescriptorSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(from: number, to: number): Buffer {
      const out = Buffer.allocUnsafe(Math.max(0, to - from));
      const done = readFileRange(fd, out, 0, from, to);
      return done === out.length ? out : out.subarray(0, done);
    },
    readInto: (out, offset, from, to) => readFileRange(fd, out, offset, from, to),
  };
}

/** Bytes read at the start and at the end of a file for the `List`'s other keys. */
const EDGE_BYTES = 64 * 1024;
/** Bytes read ahead of a batch, so its last item's closing line is in the window. */
const SLACK_BYTES = 256 * 1024;
/** The least a read of the window takes: several batches (issue 12: reloading every batch copied a third of the file). */
export const READ_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JSON `List` in kubectl's layout, or returns undefined when the text is laid out otherwise (the
 * caller then parses it whole). Only the edges of the file and one batch at a time are in memory.
 * Throws {@link JsonListError} for malformed JSON in a file that has the layout (while its items are read).
 */
export function readKubectlJsonList(source: ByteSource | Buffer, options: ListReadOptions | BigIntegerFields = {}): KubectlJsonList | undefined {
  const opts = typeof options === "function" ? { bigIntegers: options } : options;
  const src = Buffer.isBuffer(source) ? bufferSource(source) : source;
  const headBytes = src.read(0, Math.min(src.size, EDGE_BYTES));
  if (headBytes[0] !== 0x7b /* { */) return undefined;
  const itemsAt = headBytes.indexOf(ITEMS_KEY);
  if (itemsAt < 0) return undefined;
  const open = itemsAt + ITEMS_KEY.length; // just after "["
  const tailFrom = Math.max(0, src.size - EDGE_BYTES);
  const tailBytes = src.read(tailFrom, src.size);
  const closeInTail = tailBytes.lastIndexOf(LIST_CLOSE);
  if (closeInTail < 0) return undefined;
  const close = tailFrom + closeInTail;
  if (close < open - 1) return undefined;
  let list: unknown;
  try {
    // (Text that is not UTF-8 is left to the whole-text reader, which names the line.)
    list = JSON.parse(`${text(headBytes, 0, itemsAt)}"items":[]${text(tailBytes, closeInTail + LIST_CLOSE.length, tailBytes.length)}`);
  } catch {
    return undefined;
  }
  if (typeof list !== "object" || list === null || Array.isArray(list)) return undefined;
  const window = new Window(src);
  window.load(open, Math.min(close, open + EDGE_BYTES));
  const body = window.skipSpace(open, close);
  if (body < close && !window.startsWith(body - 9, ITEM_OPEN)) return undefined;
  // Where the last item closes (kubectl's layout: just before the List's close), when the tail shows it.
  const lastInTail = tailBytes.lastIndexOf(ITEM_CLOSE, closeInTail);
  return { list: list as Record<string, unknown>, items: items(window, body, close, opts.bigIntegers, opts.decode, lastInTail < 0 ? close : tailFrom + lastInTail) };
}

/** The bytes of a file from a position on: what the current batch needs, read ahead in chunks. */
class Window {
  buf: Buffer = Buffer.alloc(0);
  from = 0;

  constructor(readonly src: ByteSource) {}

  get to(): number {
    return this.from + this.buf.length;
  }

  /**
   * Makes `[a, b)` available (within the file); bytes before `a` are dropped. A read takes at least
   * {@link READ_BYTES}, so the batches that follow are mostly in the window already (each reload copies
   * the bytes it keeps).
   */
  load(a: number, b: number): void {
    if (a >= this.from && Math.min(b, this.src.size) <= this.to) return;
    const end = Math.min(Math.max(b, a + READ_BYTES), this.src.size);
    // One new buffer: the bytes still wanted from the current one, then the file's next bytes read into it.
    const kept = a >= this.from && a < this.to ? this.to - a : 0;
    const out = this.src.buffer?.(Math.max(0, end - a)) ?? Buffer.allocUnsafe(Math.max(0, end - a));
    if (kept > 0) this.buf.copy(out, 0, a - this.from);
    const got = this.src.readInto ? this.src.readInto(out, kept, a + kept, end) : this.src.read(a + kept, end).copy(out, kept);
    this.buf = kept + got === out.length ? out : out.subarray(0, kept + got);
    this.from = a;
  }

  at(p: number): number {
    return this.buf[p - this.from];
  }

  /** The first `needle` at or after `p` within the window, as a file position; -1 when none. */
  indexOf(needle: Buffer, p: number): number {
    const k = this.buf.indexOf(needle, Math.max(0, p - this.from));
    return k < 0 ? -1 : k + this.from;
  }

  skipSpace(p: number, to: number): number {
    let q = p;
    const last = Math.min(to, this.to);
    while (q < last) {
      const c = this.buf[q - this.from];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      q++;
    }
    return q;
  }

  startsWith(p: number, prefix: Buffer): boolean {
    return p >= this.from && p + prefix.length <= this.to && this.buf.compare(prefix, 0, prefix.length, p - this.from, p - this.from + prefix.length) === 0;
  }

  /** The 1-based line of a file position (for error messages only: reads the file up to it). */
  lineOf(p: number): number {
    let line = 1;
    for (let from = 0; from < p; from += 16 * 1024 * 1024) {
      const part = this.src.read(from, Math.min(p, from + 16 * 1024 * 1024));
      for (let k = part.indexOf(0x0a); k >= 0; k = part.indexOf(0x0a, k + 1)) line++;
    }
    return line;
  }
}

/**
 * The items of `[first, end)`, read a batch at a time. `lastClose` is where the last item's close is
 * (`end` when not known): the last batch ends there, found as every other batch's end is. (Code that runs
 * once per file — a search for the last batch alone, reading the options here — runs after V8 has
 * optimized this loop on the batches before, without the type feedback it needs: the optimized code
 * would be thrown away at each file's end or start, and compiled again for the next file.)
 */
function* items(w: Window, first: number, end: number, bigIntegers: ListReadOptions["bigIntegers"], decode: ListReadOptions["decode"], lastClose: number): Generator<ListItem> {
  let start = first;
  let index = 0;
  while (start < end) {
    // The batch ends at the first item close past BATCH_BYTES (or the last one before the end).
    const from = Math.min(start + BATCH_BYTES, lastClose >= start ? lastClose : end);
    let ahead = SLACK_BYTES;
    let stop: number;
    for (;;) {
      w.load(start, Math.min(end + LIST_CLOSE.length, from + ahead));
      stop = w.indexOf(ITEM_CLOSE, from);
      if (stop >= 0 && stop < end) break;
      if (w.to >= Math.min(end + LIST_CLOSE.length, w.src.size)) {
        const k = w.buf.lastIndexOf(ITEM_CLOSE, end - w.from);
        stop = k < 0 ? -1 : k + w.from;
        break;
      }
      ahead *= 2;
    }
    if (stop < start) throw new JsonListError(`malformed JSON: an item of items has no closing brace`, w.lineOf(start));
    const batchEnd = stop + ITEM_CLOSE.length;
    const bytes = w.buf;
    const base = w.from;
    if (decode === undefined) {
      for (const item of runItems(w, start, batchEnd, end, index, bigIntegers)) {
        index++;
        yield item;
      }
    } else {
      // Item by item: the decoder takes what it knows; runs of the others are parsed as one array.
      let run = -1; // start of the run of items left to the parser
      let runEnd = -1; // and the end of its last item
      let s = start;
      for (;;) {
        const decoded = decode.decode(bytes, s - base, batchEnd - base);
        let e: number;
        if (decoded !== undefined) {
          e = decode.end + base;
        } else {
          const close = itemCloseAt(bytes, s - base);
          e = close < 0 || close + base >= batchEnd ? batchEnd : close + base + ITEM_CLOSE.length;
        }
        if (decoded !== undefined) {
          if (run >= 0) {
            for (const item of runItems(w, run, runEnd, end, index, bigIntegers)) {
              index++;
              yield item;
            }
            run = -1;
          }
          yield new DecodedItem(decoded, index++, w.src, s, e);
        } else {
          if (run < 0) run = s;
          runEnd = e;
        }
        if (e >= batchEnd) break;
        // Between two items: "," and the next item's opening line (the parser checks this within a run).
        const comma = skipSpace(bytes, e - base, batchEnd - base);
        const next = skipSpace(bytes, comma + 1, batchEnd - base);
        if (bytes[comma] !== 0x2c || !opensItem(bytes, next)) {
          throw new JsonListError(`malformed JSON: expected "," and an item ("{" on a line of its own, indented by 8 spaces) after an item of items`, w.lineOf(e));
        }
        s = next + base;
      }
      if (run >= 0) {
        for (const item of runItems(w, run, runEnd, end, index, bigIntegers)) {
          index++;
          yield item;
        }
      }
    }
    w.load(batchEnd, Math.min(end, batchEnd + SLACK_BYTES));
    const after = w.skipSpace(batchEnd, end);
    if (after >= end) break;
    if (w.at(after) !== 0x2c /* , */) throw new JsonListError(`malformed JSON: expected "," or "]" after an item of items, found ${JSON.stringify(String.fromCharCode(w.at(after)))}`, w.lineOf(after));
    const next = w.skipSpace(after + 1, end);
    if (w.at(next) !== 0x7b || !w.startsWith(next - 9, ITEM_OPEN)) throw new JsonListError(`malformed JSON: expected an item ("{" on a line of its own, indented by 8 spaces) after ","`, w.lineOf(next));
    start = next;
  }
}

/** The items of `[from, to)` (whole items and the text between them, within the window) parsed as one JSON array. */
function parseItems(w: Window, from: number, to: number, end: number): unknown[] {
  let source: string;
  try {
    source = text(w.buf, from - w.from, to - w.from);
  } catch (e) {
    if (e instanceof JsonListError) throw new JsonListError(e.message, w.lineOf(from));
    throw e;
  }
  try {
    return JSON.parse(`[${source}]`) as unknown[];
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? from + Math.max(0, Number(m[1]) - 1) : from;
    throw new JsonListError(`malformed JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, "")}`, w.lineOf(Math.min(at, end)));
  }
}

/** The items of `[from, to)` parsed, with the exact integers they ask for; the first is item `index` of the list. */
function runItems(w: Window, from: number, to: number, end: number, index: number, bigIntegers: BigIntegerFields | undefined): ListItem[] {
  const values = parseItems(w, from, to, end);
  const bytes = w.buf;
  const base = w.from;
  const out: ListItem[] = [];
  // Where each item's text starts, found only when some item has integers to keep exact: every item closes
  // on a line of its own and the next opens after "," as kubectl writes it (as the decoding path checks).
  // Unless that splits the run into exactly as many texts as the parser read items (an item's close
  // joined to its last line, an item opened on the line of a close...), the item texts cannot be told
  // apart here, and the whole-text reader keeps the exact integers (the caller falls back on this error).
  const fieldsOf = bigIntegers === undefined ? undefined : values.map((v) => bigIntegers(v));
  const starts = fieldsOf?.some((f) => f !== undefined) ? itemStarts(bytes, from - base, to - base) : undefined;
  if (starts !== undefined) {
    // As many texts as items is not enough (a nested close at 8 spaces inside one item and a joined close
    // in another balance out): each text must hold exactly one JSON value, its "{" matched by the "}" the
    // split found, then only "," and spaces up to the next text.
    const bad = starts.length !== values.length ? Math.min(starts.length, values.length) : misplacedItem(bytes, starts, to - base);
    if (bad >= 0) {
      const at = bad < starts.length ? base + starts[bad] : to;
      throw new JsonListError(`malformed JSON: expected each item of items to close with "}" on a line of its own, indented by 8 spaces, and the next to open after "," on a line of its own`, w.lineOf(at));
    }
  }
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    const fields = fieldsOf?.[k];
    const exact = fields && starts ? exactIntegers(bytes, starts[k], k === values.length - 1 ? to - base : starts[k + 1], fields) : undefined;
    out.push(exact ? { value, index: index + k, bigIntegers: exact } : { value, index: index + k });
  }
  return out;
}

/** Where an item's text is: the bytes `[from, to)` of a source. */
export interface ItemText {
  readonly source: ByteSource;
  readonly from: number;
  readonly to: number;
}

/** The JSON value of an item's text, read from its source again. */
export function parseItemText(at: ItemText): unknown {
  return JSON.parse(text(at.source.read(at.from, at.to), 0, at.to - at.from));
}

/** An item the decoder read: its JSON value is parsed from the source again only when asked for (a duplicate to compare). */
class DecodedItem implements ListItem, ItemText {
  constructor(
    readonly decoded: unknown,
    readonly index: number,
    readonly source: ByteSource,
    readonly from: number,
    readonly to: number,
  ) {}

  get value(): unknown {
    return parseItemText(this);
  }

  /** Where the item's text is. */
  get text(): ItemText {
    return this;
  }
}

/**
 * Where the first item close (`ITEM_CLOSE`, a line break, 8 spaces and "}") at or after `from` starts;
 * -1 when none. Found by its "}" and a look at the 9 bytes before: `Buffer.indexOf` of the whole text sets
 * up a search at each call and stops at every line break, the most frequent byte of the layout (about 5 µs
 * an item of nodes.json, which the decoders leave item by item).
 */
function itemCloseAt(bytes: Buffer, from: number): number {
  for (let p = bytes.indexOf(0x7d, from + 9); p >= 0; p = bytes.indexOf(0x7d, p + 1)) {
    let k = 1;
    while (k <= 8 && bytes[p - k] === 0x20) k++;
    if (k === 9 && bytes[p - 9] === 0x0a) return p - 9;
  }
  return -1;
}

/**
 * Whether `bytes[at]` is the "{" of an item opened as kubectl opens it (`ITEM_OPEN`: a line break, 8
 * spaces and "{"). Compared here byte by byte: `Buffer.compare` with offsets costs a call into the
 * runtime and its argument checks per item (about as much as the rest of the step between two items).
 */
function opensItem(bytes: Buffer, at: number): boolean {
  if (at < 9 || bytes[at] !== 0x7b || bytes[at - 9] !== 0x0a) return false;
  for (let k = at - 8; k < at; k++) if (bytes[k] !== 0x20) return false;
  return true;
}

/** The starts of the items of `[from, to)`: `from`, then each "{" that follows a close ("\n        }"), "," and an open ("\n        {"). */
function itemStarts(bytes: Buffer, from: number, to: number): number[] {
  const starts = [from];
  for (let close = bytes.indexOf(ITEM_CLOSE, from); close >= 0 && close < to; close = bytes.indexOf(ITEM_CLOSE, close + 1)) {
    const comma = skipSpace(bytes, close + ITEM_CLOSE.length, to);
    const next = skipSpace(bytes, comma + 1, to);
    if (bytes[comma] === 0x2c && next < to && opensItem(bytes, next)) starts.push(next);
  }
  return starts;
}

/**
 * The index of the first item text of `starts` (each ending where the next starts, the last at `to`) that
 * does not hold exactly one JSON value followed by "," (or nothing, for the last) and spaces; -1 when all do.
 */
function misplacedItem(bytes: Buffer, starts: readonly number[], to: number): number {
  for (let k = 0; k < starts.length; k++) {
    const last = k === starts.length - 1;
    const limit = last ? to : starts[k + 1];
    const open = skipSpace(bytes, starts[k], limit);
    if (bytes[open] !== 0x7b /* { */) return k;
    const end = valueEnd(bytes, open, limit);
    let p = skipSpace(bytes, end, limit);
    if (!last) {
      if (p >= limit || bytes[p] !== 0x2c /* , */) return k;
      p = skipSpace(bytes, p + 1, limit);
    }
    if (p !== limit || bytes[end - 1] !== 0x7d /* } */) return k;
  }
  return -1;
}

/**
 * The exact digits of the asked integers of one item, from its text. The item's text is walked as JSON
 * (any whitespace around `:` and `,`, keys with escapes, strings holding the key's name), so the digits
 * are those of the field `JSON.parse` reads (the last of duplicate keys, as it keeps).
 */
function exactIntegers(bytes: Buffer, from: number, to: number, fields: ReadonlyArray<{ path: string; key: string; object?: boolean }>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  const start = skipSpace(bytes, from, to);
  for (const f of fields) {
    const at = valueAt(bytes, start, to, f.path.split("."));
    if (at < 0) continue;
    if (!f.object) {
      const digits = readDigits(bytes, at, to);
      if (digits) {
        out[f.path] = digits;
        any = true;
      }
      continue;
    }
    if (bytes[at] !== 0x7b /* { */) continue;
    const byKey = new Map<string, string | undefined>();
    members(bytes, at, to, (key, value) => {
      byKey.set(key, readDigits(bytes, value, to));
    });
    for (const [key, digits] of byKey) {
      if (digits === undefined) continue;
      out[`${f.path}.${key}`] = digits;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** Where the value at `path` (keys of nested objects) starts in the JSON value at `at`; -1 when there is none. */
function valueAt(bytes: Buffer, at: number, to: number, path: readonly string[]): number {
  let p = at;
  for (const key of path) {
    if (bytes[p] !== 0x7b /* { */) return -1;
    let found = -1;
    members(bytes, p, to, (k, value) => {
      if (k === key) found = value; // the last of duplicate keys, as JSON.parse keeps
    });
    if (found < 0) return -1;
    p = found;
  }
  return p;
}

/**
 * Calls `visit` with the key and the value's start of each member of the JSON object whose `{` is at
 * `at` (valid JSON: the JSON parser read it); returns the end of the object (just after its `}`).
 */
function members(bytes: Buffer, at: number, to: number, visit: (key: string, value: number) => void): number {
  let p = skipSpace(bytes, at + 1, to);
  if (bytes[p] === 0x7d /* } */) return p + 1;
  while (p < to) {
    const keyEnd = stringEnd(bytes, p, to);
    const key = keyOf(bytes, p, keyEnd);
    p = skipSpace(bytes, keyEnd, to); // at ":"
    const value = skipSpace(bytes, p + 1, to);
    visit(key, value);
    p = skipSpace(bytes, valueEnd(bytes, value, to), to);
    if (bytes[p] !== 0x2c /* , */) return p + 1;
    p = skipSpace(bytes, p + 1, to);
  }
  return p;
}

/** The text of the JSON string whose `"` is at `from` and that ends at `end` (just after its closing `"`). */
function keyOf(bytes: Buffer, from: number, end: number): string {
  const raw = bytes.toString("utf8", from, end);
  return raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/** The end of the JSON string whose `"` is at `from` (just after its closing `"`). */
function stringEnd(bytes: Buffer, from: number, to: number): number {
  let p = from + 1;
  while (p < to) {
    const c = bytes[p];
    if (c === 0x22 /* " */) return p + 1;
    p += c === 0x5c /* \ */ ? 2 : 1;
  }
  return to;
}

/** The end of the JSON value at `from`. */
function valueEnd(bytes: Buffer, from: number, to: number): number {
  const c = bytes[from];
  if (c === 0x22) return stringEnd(bytes, from, to);
  if (c !== 0x7b && c !== 0x5b) {
    let p = from; // a number, true, false or null
    while (p < to && bytes[p] !== 0x2c && bytes[p] !== 0x7d && bytes[p] !== 0x5d && bytes[p] !== 0x20 && bytes[p] !== 0x0a && bytes[p] !== 0x0d && bytes[p] !== 0x09) p++;
    return p;
  }
  let depth = 0;
  let p = from;
  while (p < to) {
    const b = bytes[p];
    if (b === 0x22) {
      p = stringEnd(bytes, p, to);
      continue;
    }
    if (b === 0x7b || b === 0x5b) depth++;
    else if ((b === 0x7d || b === 0x5d) && --depth === 0) return p + 1;
    p++;
  }
  return to;
}

function readDigits(bytes: Buffer, from: number, to: number): string | undefined {
  let p = from;
  while (p < to && bytes[p] >= 0x30 && bytes[p] <= 0x39) p++;
  // Only integers past 2^53 need their text (16 digits or more); not a fraction or an exponent.
  return p - from >= 16 && (p >= to || (bytes[p] !== 0x2e && bytes[p] !== 0x65 && bytes[p] !== 0x45)) ? bytes.toString("latin1", from, p) : undefined;
}

function text(bytes: Buffer, from: number, to: number): string {
  const part = bytes.subarray(from, to);
  if (isAscii(part)) return part.toString("latin1");
  const decoded = part.toString("utf8");
  if (decoded.includes("\uFFFD") && !part.includes(Buffer.from("\uFFFD", "utf8"))) {
    throw new JsonListError("the file is not valid UTF-8 text (an invalid byte sequence); save it as UTF-8", 0);
  }
  return decoded;
}

function skipSpace(bytes: Buffer, from: number, to: number): number {
  let p = from;
  while (p < to) {
    const c = bytes[p];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    p++;
  }
  return p;
}


