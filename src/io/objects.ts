import * as fs from "fs";
import { LineCounter, parseAllDocuments } from "yaml";

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
}

/** A file that could not be read or parsed; the CLI exits 2 on it. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "InputError";
  }
}

/** Options of {@link loadObjects}. */
export interface LoadObjectsOptions {
  /**
   * Parse a file that is one JSON value with the runtime's JSON parser, much faster than the YAML
   * parser on large files (cluster dumps of hundreds of megabytes). A duplicate key then keeps its last
   * value instead of failing; text that is not valid JSON still goes through the YAML parser, whose
   * error names the line and column.
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
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${file}: no such file` : `${file}: cannot read: ${(e as Error).message}`, file);
  }
  const conflict = /^(<{7}|>{7})(?: |$)/m.exec(text);
  if (conflict) {
    const line = text.slice(0, conflict.index).split("\n").length;
    throw new InputError(`${file}:${line}: merge-conflict marker "${conflict[1]}": the file holds two versions merged by git; resolve the conflict or produce the file again`, file, line);
  }
  if (options.fastJson && /^\s*[[{]/.test(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined; // the YAML parser below says where the text is wrong
    }
    if (value !== undefined && value !== null) return documentObjects(file, 1, 1, value);
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const parsedDocs = Array.isArray(docs) ? docs : [docs];
  const out: LoadedDocument[] = [];
  let index = 0;
  for (const doc of parsedDocs) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const pos = lineCounter.linePos(err.pos[0]);
      throw new InputError(`${file}:${pos.line}:${pos.col}: malformed YAML/JSON: ${err.message.split("\n")[0]}`, file, pos.line);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing ---
    index += 1;
    out.push(...documentObjects(file, index, line, value));
  }
  return out;
}

/** The objects of one document: the items of a `List` or JSON array, or the document itself. */
function documentObjects(file: string, document: number, line: number, value: unknown): LoadedDocument[] {
  const items = listItems(value);
  if (!items) return [{ file, document, line, value }];
  const meta = Array.isArray(value) ? undefined : (value as { metadata?: unknown }).metadata;
  const listMetadata = typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>) : undefined;
  return items.map((item, i) => ({ file, document, line, value: item, item: i, ...(listMetadata ? { listMetadata } : {}) }));
}

function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) return v.items;
  }
  return undefined;
}
