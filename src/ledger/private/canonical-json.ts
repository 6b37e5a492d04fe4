/**
 * Deterministic JSON text: keys sorted by code unit at every level, 2-space indent, `\n` line ends, a
 * trailing newline. `JSON.stringify` cannot promise the key order: it writes integer-like keys (a pool
 * named "10") before all others, whatever order they were inserted in.
 */
export function canonicalJson(value: unknown): string {
  return `${write(value, "")}\n`;
}

function write(value: unknown, indent: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write the non-finite number ${value} as JSON`);
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + write(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object") {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.length === 0) return "{}";
    const body = keys.map((k) => `${inner}${JSON.stringify(k)}: ${write((value as Record<string, unknown>)[k], inner)}`);
    return `{\n${body.join(",\n")}\n${indent}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`);
}
