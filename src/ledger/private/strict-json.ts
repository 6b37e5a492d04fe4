/**
 * A strict JSON reader for the ledger. `JSON.parse` is not enough for a file people edit and merge by
 * hand: it silently keeps the last of two duplicate keys (a merge that kept both sides of a conflict
 * would lose a pool without a word), and its error messages give no line number, or none at all for
 * a truncated file. This reader follows RFC 8259 exactly and reports every problem with its line and
 * column.
 */

/** A syntax problem, with 1-based line and column. */
export class JsonSyntaxError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly column: number;
  /** The JSON path of the value being read, e.g. `pools.payments`. */
  readonly path: string;

  constructor(message: string, line: number, column: number, path: string) {
    super(message);
    this.name = "JsonSyntaxError";
    this.line = line;
    this.column = column;
    this.path = path;
  }
}

/** A parsed JSON value. Objects have no prototype, so no key (not even `__proto__`) is special. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/** A JSON path segment as text: `.name` for simple keys, `["a.b"]` for others, `[3]` for indexes. */
export function pathSegment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Joins a path for display: no leading dot, `(top level)` when empty. */
export function showPath(path: string): string {
  if (path === "") return "(top level)";
  return path.startsWith(".") ? path.slice(1) : path;
}

/**
 * {@link parseStrictJson}'s value for text that is valid and has no duplicate key, read by the
 * runtime's JSON parser (several times faster on a large ledger), or {@link parseStrictJson}'s error for
 * any other text. `JSON.parse` follows RFC 8259 as strictly (no comments, trailing commas, single quotes,
 * leading zeros, control characters in strings or anything after the value) but keeps the last of two
 * duplicate keys: so the keys it kept are counted against the colons outside strings in the text (one
 * per key written), and any difference, as well as nesting deeper than the strict reader allows or a key
 * `__proto__` anywhere, sends the text to the strict reader. Objects of the fast path have the usual
 * prototype; the ledger's readers look only at their own keys.
 *
 * @throws JsonSyntaxError
 */
export function parseJson(text: string): JsonValue {
  if (!text.includes("__proto__")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value !== undefined && keysWithin(value, 0) === colonsOutsideStrings(text)) return value as JsonValue;
  }
  return parseStrictJson(text);
}

/** The number of keys of every object in the value, or -1 when it nests deeper than MAX_DEPTH. */
function keysWithin(value: unknown, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = keysWithin(item, depth + 1);
      if (inner < 0) return -1;
      count += inner;
    }
    return count;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const inner = keysWithin(record[key], depth + 1);
    if (inner < 0) return -1;
    count += 1 + inner;
  }
  return count;
}

/** Colons outside strings: in valid JSON, exactly one per key written. */
function colonsOutsideStrings(text: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 58) count++;
  }
  return count;
}

/**
 * Parses one JSON text. Duplicate keys, trailing commas, comments, single quotes, control characters
 * in strings, leading zeros and anything after the value are errors.
 *
 * @throws JsonSyntaxError
 */
export function parseStrictJson(text: string): JsonValue {
  let pos = 0;
  // The path of the value being read, as segments; turned into text only for an error.
  const path: Array<string | number> = [];
  const pathText = () => showPath(path.map(pathSegment).join(""));
  const where = (at: number): { line: number; column: number } => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: at - lineStart + 1 };
  };
  const fail = (message: string, at: number): never => {
    const { line, column } = where(at);
    throw new JsonSyntaxError(message, line, column, pathText());
  };
  const describeAt = (at: number): string => {
    if (at >= text.length) return "the end of the file";
    const code = text.charCodeAt(at);
    return code < 32 ? `control character U+${code.toString(16).padStart(4, "0")}` : `"${text[at]}"`;
  };
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else return;
    }
  };
  const unexpected = (expected: string): never => {
    if (pos >= text.length) return fail(`the file ends while ${expected} was expected; it looks truncated`, pos);
    const c = text[pos];
    if (c === "/" && (text[pos + 1] === "/" || text[pos + 1] === "*")) return fail("JSON has no comments", pos);
    if (c === "'") return fail("strings and keys take double quotes in JSON, not single quotes", pos);
    return fail(`expected ${expected}, found ${describeAt(pos)}`, pos);
  };

  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = "";
    let chunk = pos;
    for (;;) {
      if (pos >= text.length) return fail("a string is not closed; the file looks truncated", start);
      const c = text.charCodeAt(pos);
      if (c === 34) {
        out += text.slice(chunk, pos);
        pos++;
        return out;
      }
      if (c < 32) return fail(`a string contains ${describeAt(pos)}; write it as an escape such as \\n`, pos);
      if (c === 92) {
        out += text.slice(chunk, pos);
        const e = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && Object.prototype.hasOwnProperty.call(simple, e)) {
          out += simple[e];
          pos += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          return fail(`invalid escape "\\${e ?? ""}" in a string`, pos);
        }
        chunk = pos;
        continue;
      }
      pos++;
    }
  };

  const numberPattern = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  const readNumber = (): number => {
    numberPattern.lastIndex = pos;
    const m = numberPattern.exec(text);
    if (!m) return unexpected("a value");
    const after = text[pos + m[0].length];
    if (after !== undefined && /[0-9.eE+-]/.test(after)) return fail(`invalid number starting at ${describeAt(pos)}`, pos);
    pos += m[0].length;
    return Number(m[0]);
  };

  const readValue = (depth: number): JsonValue => {
    skipSpace();
    if (depth > MAX_DEPTH) return fail(`values are nested more than ${MAX_DEPTH} levels deep`, pos);
    const c = text[pos];
    if (c === "{") return readObject(depth);
    if (c === "[") return readArray(depth);
    if (c === '"') return readString();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return readNumber();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return unexpected("a value");
  };

  const readObject = (depth: number): JsonValue => {
    pos++; // {
    const out = Object.create(null) as { [key: string]: JsonValue };
    skipSpace();
    if (text[pos] === "}") {
      pos++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') {
        if (text[pos] === "}") return fail("a trailing comma before \"}\" is not allowed in JSON", pos);
        return unexpected("a key in double quotes");
      }
      const keyAt = pos;
      const key = readString();
      path.push(key);
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        return fail(`key "${key}" appears twice in the same object; JSON readers would silently keep only the last one`, keyAt);
      }
      skipSpace();
      if (text[pos] !== ":") return unexpected(`":" after key "${key}"`);
      pos++;
      out[key] = readValue(depth + 1);
      path.pop();
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "}") {
        pos++;
        return out;
      }
      return unexpected('"," or "}"');
    }
  };

  const readArray = (depth: number): JsonValue => {
    pos++; // [
    const out: JsonValue[] = [];
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[pos] === "]") return fail("a trailing comma before \"]\" is not allowed in JSON", pos);
      path.push(out.length);
      out.push(readValue(depth + 1));
      path.pop();
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "]") {
        pos++;
        return out;
      }
      return unexpected('"," or "]"');
    }
  };

  skipSpace();
  if (pos >= text.length) return fail("the file is empty", pos);
  const value = readValue(0);
  skipSpace();
  if (pos < text.length) return fail(`unexpected ${describeAt(pos)} after the end of the JSON value`, pos);
  return value;
}
