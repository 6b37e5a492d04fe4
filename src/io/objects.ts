import { Document, LineCounter, isAlias, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments } from "yaml";
import { MAX_DUMP_BYTES, MAX_INPUT_BYTES, MAX_KEYS_PER_MAP, MAX_NESTING_DEPTH, MAX_YAML_ALIASES } from "../limits";
import { InputError } from "./input-error";
import fs from "fs";
import { BigIntegerFields, ByteSource, ItemText, JsonListError, KubectlJsonList, ListItem, ListReadOptions, READ_BYTES, fileDescriptorSource, parseItemText, readFileRange, readKubectlJsonList } from "./json-list";
import { InputReadError, STDIN, binaryProblem, decodeText, readInputBytes, readTextInput } from "./read-input";

/** One object read from a file, with where it came from. */
export interface LoadedDocument {
  readonly file: string;
  /** 1-based index of the document in the file (items of a `List` share their document's index). */
  readonly document: number;
  /** 1-based line where the document (or list item) starts. */
  readonly line: number;
  readonly value: unknown;
  /** 0-based index of the object in its `List` (or JSON array); absent for an object that is a document of its own. */
  readonly item?: number;
  /** The `metadata` of the `List` the object came from (`continue`, `remainingItemCount` say it was cut short). */
  readonly listMetadata?: Readonly<Record<string, unknown>>;
  /**
   * The line of a field of the value, by its finding path (`spec.cidr`, `spec.allowedUses[1]`); for a
   * field that is not written, the line of the nearest enclosing one that is. Absent for JSON read on
   * the fast path.
   */
  readonly lineOf?: (path: string) => number;
  /** Exact decimal text of integers past 2^53, by path (`spec.sequenceNumber`), for the fields asked for ({@link streamDumpObjects}). */
  readonly bigIntegers?: Readonly<Record<string, string>>;
  /**
   * What the caller's decoder made of the object straight from its text ({@link streamDumpObjects});
   * `value` is then parsed from the file again only when read.
   */
  readonly decoded?: unknown;
  /** Where a decoded object's text is in its file, to parse it later (`parseItemText`) without keeping this document. */
  readonly text?: ItemText;
}

export { InputError };

/** Options of {@link loadObjects}. */
export interface LoadObjectsOptions {
  /**
   * Read a cluster dump: a file that is one JSON value may be up to `MAX_DUMP_BYTES` and is parsed with
   * the runtime's JSON parser, much faster than the YAML parser on dumps of hundreds of megabytes (a
   * duplicate key then keeps its last value instead of failing; text that is not valid JSON goes
   * through the YAML parser, whose error names the line and column). YAML stays within `MAX_INPUT_BYTES`.
   * @default false
   */
  readonly fastJson?: boolean;
}

/**
 * Reads a YAML or JSON file of Kubernetes objects: multi-document YAML, a JSON object, a JSON array,
 * or a `kind: List` with `items`. Throws {@link InputError} naming the file and line when it cannot,
 * including a file with merge-conflict markers (two versions merged by git).
 */
export function loadObjects(file: string, options: LoadObjectsOptions = {}): LoadedDocument[] {
  if (!options.fastJson) {
    const text = readInput(file);
    checkConflictMarkers(text, file);
    return parseObjects(text, file);
  }
  return dumpTextObjects(file, readInput(file, MAX_DUMP_BYTES));
}

/**
 * Reads a cluster dump file object by object: a JSON `List` in kubectl's layout (`kubectl get … -o
 * json`) is read in batches without decoding or parsing the file whole (see `json-list.ts`), with the
 * exact text of the integers past 2^53 that `bigIntegers` asks for, and the items `decode` takes read
 * straight from their text; any other file is read as {@link loadObjects} with `fastJson` reads it.
 * Throws {@link InputError} naming the file (and line).
 */
export function* streamDumpObjects(file: string, options: ListReadOptions | BigIntegerFields = {}): Generator<LoadedDocument> {
  const bigIntegers = typeof options === "function" ? options : options.bigIntegers;
  const opened = openRegularFile(file);
  try {
    const list = opened ? readKubectlJsonList(opened.source, options) : undefined;
    if (!list) {
      yield* dumpTextObjects(file, wholeText(file), bigIntegers);
      return;
    }
    yield* listObjects(file, list, bigIntegers);
  } finally {
    opened?.close();
  }
}

/**
 * The window buffers of a file read before (the List reader's two, handed out in turn: see
 * `ByteSource.buffer`), for the next file's reader: the pages of a new buffer each cost a page fault
 * when first written (about 10 µs each on some hosts), so a dump's files share two buffers of
 * {@link READ_BYTES} instead of a new one per window. Taken while a file is open; one pair is kept.
 */
let spareWindows: Buffer[] | undefined;

/** A regular file opened for reads by position (after the size and binary checks); undefined for standard input, pipes and devices. */
function openRegularFile(file: string): { source: ByteSource; close: () => void } | undefined {
  if (file === STDIN) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined; // readInputBytes names the problem
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      fs.closeSync(fd);
      return undefined;
    }
    if (stat.size > MAX_DUMP_BYTES) throw new InputError(`${file}: the file is larger than the limit of ${MAX_DUMP_BYTES} bytes (MAX_DUMP_BYTES); split it, or check that it is the file you meant`, file);
    const size = stat.size;
    let open = true;
    const readInto = readFileRange;
    const readFrom = (handle: number, from: number, to: number): Buffer => fileDescriptorSource(handle, size).read(from, to);
    // Once closed (the file read), a range is read by opening the file again: an object parsed late.
    const read = (from: number, to: number): Buffer => {
      if (open) return readFrom(fd, from, to);
      const again = fs.openSync(file, "r");
      try {
        return readFrom(again, from, to);
      } finally {
        fs.closeSync(again);
      }
    };
    const problem = binaryProblem(read(0, Math.min(size, 4096)));
    if (problem !== undefined) throw new InputError(`${file}: ${problem}`, file);
    const windows = spareWindows ?? [];
    spareWindows = undefined;
    let turn = 0;
    return {
      source: {
        size,
        read,
        // (Only while open: the window reads ahead while the file is read.)
        readInto: (out, offset, from, to) => (open ? readInto(fd, out, offset, from, to) : read(from, to).copy(out, offset)),
        buffer(n: number): Buffer {
          if (n > READ_BYTES) return Buffer.allocUnsafe(n);
          turn ^= 1;
          windows[turn] ??= Buffer.allocUnsafe(READ_BYTES);
          return windows[turn].subarray(0, n);
        },
      },
      close: () => {
        open = false;
        fs.closeSync(fd);
        spareWindows = windows;
      },
    };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The whole file as text, with the checks of the text readers. */
function wholeText(file: string): string {
  try {
    return decodeText(readInputBytes(file, MAX_DUMP_BYTES, "MAX_DUMP_BYTES"), file);
  } catch (e) {
    if (e instanceof InputReadError) throw new InputError(e.message, file);
    throw e;
  }
}

function* listObjects(file: string, list: KubectlJsonList, bigIntegers: BigIntegerFields | undefined): Generator<LoadedDocument> {
  const listMetadata = typeof list.list.metadata === "object" && list.list.metadata !== null ? (list.list.metadata as Record<string, unknown>) : undefined;
  let read = 0;
  try {
    for (const item of list.items) {
      if (item.decoded !== undefined) {
        yield new DecodedDocument(file, item, listMetadata);
        read++;
        continue;
      }
      const doc: { -readonly [K in keyof LoadedDocument]: LoadedDocument[K] } = { file, document: 1, line: 1, value: item.value, item: item.index };
      if (listMetadata) doc.listMetadata = listMetadata;
      if (item.bigIntegers) doc.bigIntegers = item.bigIntegers;
      yield doc;
      read++;
    }
  } catch (e) {
    if (!(e instanceof JsonListError)) throw e;
    // Not JSON in kubectl's layout after all (two dumps pasted together, a cut file…): the whole-text
    // parsers say where the text is wrong; should the text parse, the objects not read yet follow.
    yield* dumpTextObjects(file, wholeText(file), bigIntegers).slice(read);
  }
}

/** An object the caller's decoder read: its value is parsed only when read. */
class DecodedDocument implements LoadedDocument {
  readonly document = 1;
  readonly line = 1;
  readonly item: number;
  readonly decoded: unknown;
  readonly text: ItemText | undefined;
  constructor(
    readonly file: string,
    listItem: ListItem,
    readonly listMetadata: Readonly<Record<string, unknown>> | undefined,
  ) {
    this.item = listItem.index;
    this.decoded = listItem.decoded;
    this.text = listItem.text;
  }

  get value(): unknown {
    return this.text ? parseItemText(this.text) : undefined;
  }
}

function dumpTextObjects(file: string, text: string, bigIntegers?: BigIntegerFields): LoadedDocument[] {
  // Valid JSON holds no conflict markers, so a large dump skips that scan.
  if (/^\s*[[{]/.test(text)) {
    const marked = bigIntegers ? markBigIntegers(text) : undefined;
    let value: unknown;
    try {
      value = JSON.parse(marked ?? text);
    } catch {
      value = undefined; // the YAML parser below says where the text is wrong
    }
    if (value !== undefined && value !== null) {
      if (!marked || !bigIntegers) return documentObjects(file, 1, 1, value);
      const exact = new Map<string, string>();
      const restored = restoreBigIntegers(value, "", exact);
      return documentObjects(file, 1, 1, restored).map((d) => withExactIntegers(d, exactOf(d, Array.isArray(restored), exact, bigIntegers)));
    }
  }
  if (text.length > MAX_INPUT_BYTES) {
    throw new InputError(
      `${file}: a YAML file larger than the limit of ${MAX_INPUT_BYTES} bytes (MAX_INPUT_BYTES); dump large clusters with kubectl get … -o json, which may be up to ${MAX_DUMP_BYTES} bytes (MAX_DUMP_BYTES)`,
      file,
    );
  }
  checkConflictMarkers(text, file);
  return parseObjects(text, file, bigIntegers);
}

/**
 * Integers of 16 digits or more (outside strings) turned into marked strings, so that `JSON.parse`
 * keeps their digits; undefined when the text has none (or holds the marker itself).
 */
function markBigIntegers(text: string): string | undefined {
  if (!/[0-9]{16}/.test(text) || text.includes(BIG_MARKER_JSON)) return undefined;
  return text.replace(/"(?:[^"\\]|\\.)*"|(?<![0-9.eE+-])(-?[0-9]{16,})(?![0-9.eE])/g, (m, digits: string | undefined) => (digits === undefined ? m : `"${BIG_MARKER_JSON}${digits}"`));
}

const BIG_MARKER = "\u0000integer:";
const BIG_MARKER_JSON = "\\u0000integer:";

/** The value with the marked strings turned back into numbers (as `JSON.parse` reads them); their digits recorded by path. */
function restoreBigIntegers(v: unknown, path: string, exact: Map<string, string>): unknown {
  if (typeof v === "string") {
    if (!v.startsWith(BIG_MARKER)) return v;
    const digits = v.slice(BIG_MARKER.length);
    if (!digits.startsWith("-")) exact.set(path, digits);
    return Number(digits);
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = restoreBigIntegers(v[i], `${path}[${i}]`, exact);
    return v;
  }
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = restoreBigIntegers(o[k], path === "" ? k : `${path}.${k}`, exact);
  }
  return v;
}

/** The exact digits a document's fields ask for, from the digits recorded by path over the whole file. */
function exactOf(d: LoadedDocument, inArray: boolean, exact: ReadonlyMap<string, string>, bigIntegers: BigIntegerFields): Record<string, string> | undefined {
  const fields = bigIntegers(d.value);
  if (!fields) return undefined;
  const prefix = d.item === undefined ? "" : inArray ? `[${d.item}].` : `items[${d.item}].`;
  const out: Record<string, string> = {};
  let any = false;
  for (const f of fields) {
    const full = `${prefix}${f.path}`;
    if (!f.object) {
      const digits = exact.get(full);
      if (digits !== undefined) {
        out[f.path] = digits;
        any = true;
      }
      continue;
    }
    for (const [p, digits] of exact) {
      if (!p.startsWith(`${full}.`)) continue;
      out[`${f.path}.${p.slice(full.length + 1)}`] = digits;
      any = true;
    }
  }
  return any ? out : undefined;
}

function withExactIntegers(d: LoadedDocument, exact: Record<string, string> | undefined): LoadedDocument {
  return exact ? { ...d, bigIntegers: exact } : d;
}

/** Reads an input file as text with the size cap (`MAX_INPUT_BYTES` unless given) and the encoding checks of `readTextInput`. */
export function readInput(file: string, limit = MAX_INPUT_BYTES): string {
  let text: string;
  try {
    text = readTextInput(file, limit);
  } catch (e) {
    if (e instanceof InputReadError) throw new InputError(e.message, file);
    throw e;
  }
  return text;
}

/** Throws when the text holds git's merge-conflict markers (`<<<<<<< `, `>>>>>>> ` at a line start). */
function checkConflictMarkers(text: string, file: string): void {
  const conflict = /^(<{7}|>{7})(?: |$)/m.exec(text);
  if (conflict) {
    const line = text.slice(0, conflict.index).split("\n").length;
    throw new InputError(`${file}:${line}: merge-conflict marker "${conflict[1]}": the file holds two versions merged by git; resolve the conflict or produce the file again`, file, line);
  }
}

/**
 * Parses YAML or JSON text into objects, within the limits of `src/limits.ts`: nesting depth (checked
 * on the text, before the YAML library recurses), keys per map, duplicate keys (a linear check) and
 * alias expansions. YAML merge keys (`<<: *base`) are applied.
 */
export function parseObjects(text: string, file: string, bigIntegers?: BigIntegerFields): LoadedDocument[] {
  const deep = deepestNesting(text);
  if (deep !== undefined) {
    throw new InputError(`${file}:${deep.line}: maps and lists nest deeper than the limit of ${MAX_NESTING_DEPTH} levels (MAX_NESTING_DEPTH)`, file, deep.line);
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const parsedDocs = Array.isArray(docs) ? docs : [docs];
  const out: LoadedDocument[] = [];
  let index = 0;
  for (const doc of parsedDocs) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const pos = lineCounter.linePos(err.pos[0]);
      throw new InputError(`${file}:${pos.line}:${pos.col}: malformed YAML/JSON: ${err.message.split("\n")[0]}`, file, pos.line);
    }
    checkMaps(doc, file, lineCounter);
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e) {
      if (e instanceof ReferenceError && /alias/i.test(e.message)) {
        throw new InputError(
          `${file}:${line}: the document expands YAML aliases (*name) more than the limit of ${MAX_YAML_ALIASES} times (MAX_YAML_ALIASES); write the values out, or use fewer aliases`,
          file,
          line,
        );
      }
      throw new InputError(`${file}:${line}: malformed YAML/JSON: ${(e as Error).message}`, file, line);
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing ---
    index += 1;
    for (const d of documentObjects(file, index, line, value)) {
      const prefix = d.item === undefined ? [] : Array.isArray(value) ? [d.item] : ["items", d.item];
      const itemLine = d.item === undefined ? d.line : fieldLine(doc, lineCounter, prefix);
      const exact = bigIntegers ? yamlExactIntegers(doc, prefix, d.value, bigIntegers) : undefined;
      out.push({ ...d, line: itemLine, lineOf: (p: string) => fieldLine(doc, lineCounter, [...prefix, ...pathSegments(p)]), ...(exact ? { bigIntegers: exact } : {}) });
    }
  }
  return out;
}

/** The exact digits of the integers a document's fields ask for, from the YAML source text of their nodes. */
function yamlExactIntegers(doc: Document.Parsed, prefix: readonly (string | number)[], value: unknown, bigIntegers: BigIntegerFields): Record<string, string> | undefined {
  const fields = bigIntegers(value);
  if (!fields) return undefined;
  const digitsOf = (node: unknown): string | undefined => (isScalar(node) && typeof node.value === "number" && typeof node.source === "string" && /^[0-9]{16,}$/.test(node.source) ? node.source : undefined);
  const out: Record<string, string> = {};
  let any = false;
  for (const f of fields) {
    const node = doc.getIn([...prefix, ...f.path.split(".")], true);
    if (!f.object) {
      const digits = digitsOf(node);
      if (digits !== undefined) {
        out[f.path] = digits;
        any = true;
      }
      continue;
    }
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      const digits = isScalar(pair.key) ? digitsOf(pair.value) : undefined;
      if (digits === undefined) continue;
      out[`${f.path}.${String((pair.key as { value: unknown }).value)}`] = digits;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** The objects of one document: the items of a `List` or JSON array, or the document itself. */
function documentObjects(file: string, document: number, line: number, value: unknown): LoadedDocument[] {
  const items = listItems(value);
  if (!items) return [{ file, document, line, value }];
  const meta = Array.isArray(value) ? undefined : (value as { metadata?: unknown }).metadata;
  const listMetadata = typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>) : undefined;
  return items.map((item, i) => ({ file, document, line, value: item, item: i, ...(listMetadata ? { listMetadata } : {}) }));
}

/**
 * Duplicate keys and keys per map, in one pass over the document with an explicit stack (no recursion),
 * and a set per map, so 100,000 keys cost 100,000 steps, not 10^10.
 */
function checkMaps(doc: Document.Parsed, file: string, lineCounter: LineCounter): void {
  const stack: Array<{ node: unknown; path: string }> = [{ node: doc.contents, path: "" }];
  const lineOf = (node: unknown) => lineCounter.linePos((node as { range?: [number] }).range?.[0] ?? 0).line;
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isAlias(node) || isScalar(node) || node === null || node === undefined) continue;
    if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: `${path}[${i}]` }));
      continue;
    }
    if (!isMap(node)) continue;
    if (node.items.length > MAX_KEYS_PER_MAP) {
      const line = lineOf(node);
      throw new InputError(`${file}:${line}: ${path || "(top level)"} has ${node.items.length} keys, more than the limit of ${MAX_KEYS_PER_MAP} (MAX_KEYS_PER_MAP)`, file, line);
    }
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      const keyText = isScalar(key) ? String(key.value) : undefined;
      const childPath = keyText === undefined ? `${path}.?` : path === "" ? keyText : `${path}.${keyText}`;
      if (isScalar(key) && keyText !== "<<") {
        const id = `${typeof key.value}:${keyText}`;
        if (seen.has(id)) {
          const line = lineOf(key);
          throw new InputError(`${file}:${line}: malformed YAML/JSON: the key "${keyText}" appears twice in ${path || "the same map"}; keys of a map must be unique`, file, line);
        }
        seen.add(id);
      }
      stack.push({ node: pair.value, path: childPath });
    }
  }
}

/**
 * A bound on the nesting of maps and lists read from the text alone, so the YAML library is never
 * handed input it would recurse on without end: indentation levels of block collections, compact
 * `- - x` sequences, and `[`/`{` outside quotes and comments. It may count a level or two more than
 * the YAML structure has; the limit is far from real documents. Returns the first line over the limit.
 */
export function deepestNesting(text: string, limit = MAX_NESTING_DEPTH): { line: number; depth: number } | undefined {
  const n = text.length;
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  let line = 1;
  let i = 0;
  while (i < n) {
    let indent = 0;
    while (i < n && text[i] === " ") {
      indent++;
      i++;
    }
    let compact = 0;
    let j = i;
    while (j < n && (text[j] === "-" || text[j] === "?") && (text[j + 1] === " " || text[j + 1] === "\t")) {
      compact++;
      j += 2;
      while (j < n && (text[j] === " " || text[j] === "\t")) j++;
    }
    const c0 = text[i];
    const blank = i >= n || c0 === "\n" || c0 === "\r" || c0 === "#";
    if (!blank && flow === 0 && quote === undefined) {
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
    }
    let deepest = flow;
    for (let prev = " "; i < n && text[i] !== "\n"; prev = text[i], i++) {
      const c = text[i];
      if (quote !== undefined) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if ((c === '"' || c === "'") && " \t[{,:-".includes(prev)) quote = c;
      else if (c === "#" && (prev === " " || prev === "\t")) {
        while (i < n && text[i] !== "\n") i++;
        break;
      } else if (c === "[" || c === "{") deepest = Math.max(deepest, ++flow);
      else if ((c === "]" || c === "}") && flow > 0) flow--;
    }
    const depth = indents.length + compact + deepest;
    if (depth > limit) return { line, depth };
    line++;
    i++;
  }
  return undefined;
}

/** `spec.allowedUses[1]` as `["spec", "allowedUses", 1]`. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== "") out.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/** The 1-based line of the node at a path (its key's line in a map), or of its nearest written ancestor. */
function fieldLine(doc: Document.Parsed, lineCounter: LineCounter, segments: readonly (string | number)[]): number {
  for (let n = segments.length; n >= 0; n--) {
    const head = segments.slice(0, n);
    const parent = n === 0 ? undefined : doc.getIn(head.slice(0, -1), true);
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) === head[n - 1]);
      const range = pair && isNode(pair.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]).line;
      continue;
    }
    const node = n === 0 ? doc.contents : doc.getIn(head, true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return lineCounter.linePos(doc.range[0]).line;
}

function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) return v.items;
  }
  return undefined;
}
