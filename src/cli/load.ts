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

/**
 * Reads a YAML or JSON file of Kubernetes objects: multi-document YAML, a JSON object, a JSON array,
 * or a `kind: List` with `items`. Throws {@link InputError} naming the file and line when it cannot.
 */
export function loadObjects(file: string): LoadedDocument[] {
  const text = readInput(file);
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
    const items = listItems(value);
    if (items) {
      items.forEach((item) => out.push({ file, document: index, line, value: item }));
    } else {
      out.push({ file, document: index, line, value });
    }
  }
  return out;
}

function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) return v.items;
  }
  return undefined;
}

/** The name `-` stands for standard input wherever a command takes a file. */
export const STDIN = "-";

/** Reads a file, or standard input for `-`, as text; throws {@link InputError} naming it when it cannot. */
export function readInput(file: string): string {
  try {
    return fs.readFileSync(file === STDIN ? 0 : file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const name = file === STDIN ? "standard input" : file;
    throw new InputError(code === "ENOENT" ? `${name}: no such file` : `${name}: cannot read: ${(e as Error).message}`, file);
  }
}
