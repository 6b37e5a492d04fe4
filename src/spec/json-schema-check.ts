/**
 * A check of a value against the spec file's JSON Schema (the committed file that `npm run schema`
 * generates from the zod schema), for the CLI's fast path: it says "passes", and then gives the value
 * exactly as zod's parse returns it (properties in the schema's order, defaults filled in, fresh objects
 * and lists), or it says nothing, and zod decides and words the errors. It knows only the keywords the
 * generated schema uses; any other keyword, and any value that is not plain JSON data, is left to zod.
 * So it can never accept what zod rejects: it is a shortcut, not a second set of rules.
 */

/** A JSON Schema node, as the generated file holds it. */
export type JsonSchemaNode = { readonly [keyword: string]: unknown };

/** The result of {@link passesJsonSchema} when the value passes. */
export interface Passed {
  /** The value as zod's parse returns it. */
  readonly value: unknown;
}

/** Keywords that only describe (no rule). */
const ANNOTATIONS = new Set(["$schema", "$id", "title", "description"]);
/** Keywords this check applies; a node with any other keyword is left to zod. */
const KNOWN = new Set([
  ...ANNOTATIONS,
  "type",
  "enum",
  "const",
  "anyOf",
  "minimum",
  "maximum",
  "minLength",
  "items",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "default",
]);

/** Marks "not decided here". */
const UNDECIDED: unique symbol = Symbol("undecided");
type Outcome = unknown | typeof UNDECIDED;

/**
 * Whether `value` passes `schema`, and if so the value as zod's parse of the schema's source returns
 * it; `undefined` when it does not pass or the check cannot tell (let zod decide).
 */
export function passesJsonSchema(schema: JsonSchemaNode, value: unknown): Passed | undefined {
  const out = check(schema, value, 0);
  return out === UNDECIDED ? undefined : { value: out };
}

const MAX_DEPTH = 64;

function check(s: JsonSchemaNode, v: unknown, depth: number): Outcome {
  if (depth > MAX_DEPTH) return UNDECIDED;
  for (const keyword of Object.keys(s)) if (!KNOWN.has(keyword)) return UNDECIDED;
  if (s.anyOf !== undefined) {
    if (!Array.isArray(s.anyOf) || Object.keys(s).some((k) => k !== "anyOf" && !ANNOTATIONS.has(k))) return UNDECIDED;
    for (const branch of s.anyOf as JsonSchemaNode[]) {
      const out = check(branch, v, depth + 1);
      if (out !== UNDECIDED) return out;
    }
    return UNDECIDED;
  }
  if (s.const !== undefined && v !== s.const) return UNDECIDED;
  if (s.enum !== undefined && (!Array.isArray(s.enum) || !s.enum.includes(v))) return UNDECIDED;
  switch (s.type) {
    case undefined:
      // {}: anything (zod's unknown), returned as it is. A node with rules but no type is left to zod.
      return Object.keys(s).every((k) => ANNOTATIONS.has(k)) ? v : UNDECIDED;
    case "string":
      if (typeof v !== "string") return UNDECIDED;
      if (s.minLength !== undefined && !(typeof s.minLength === "number" && v.length >= s.minLength)) return UNDECIDED;
      return v;
    case "boolean":
      return typeof v === "boolean" ? v : UNDECIDED;
    case "number":
    case "integer":
      // zod's number() refuses NaN and the infinities; int() asks for a safe integer (the schema's bounds).
      if (typeof v !== "number" || !Number.isFinite(v) || (s.type === "integer" && !Number.isInteger(v))) return UNDECIDED;
      if (s.minimum !== undefined && !(typeof s.minimum === "number" && v >= s.minimum)) return UNDECIDED;
      if (s.maximum !== undefined && !(typeof s.maximum === "number" && v <= s.maximum)) return UNDECIDED;
      return v;
    case "array": {
      if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype || s.items === undefined) return UNDECIDED;
      const items = s.items as JsonSchemaNode;
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return UNDECIDED; // a hole
        const item = check(items, v[i], depth + 1);
        if (item === UNDECIDED) return UNDECIDED;
        out.push(item);
      }
      return out;
    }
    case "object":
      return checkObject(s, v, depth);
    default:
      return UNDECIDED;
  }
}

function checkObject(s: JsonSchemaNode, v: unknown, depth: number): Outcome {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return UNDECIDED;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return UNDECIDED;
  const input = v as Record<string, unknown>;
  const keys = Object.keys(input);
  if (keys.includes("__proto__") || Object.getOwnPropertySymbols(input).length > 0) return UNDECIDED;
  if (s.propertyNames !== undefined && !(isNode(s.propertyNames) && s.propertyNames.type === "string" && Object.keys(s.propertyNames).length === 1)) return UNDECIDED;
  const extra = s.additionalProperties;
  if (extra !== false && !isNode(extra)) return UNDECIDED;
  const properties = (s.properties ?? {}) as Record<string, JsonSchemaNode>;
  if (!isNode(properties)) return UNDECIDED;
  const required = (s.required ?? []) as string[];
  if (!Array.isArray(required)) return UNDECIDED;
  const out: Record<string, unknown> = {};
  if (s.properties !== undefined) {
    // zod's strict object: the declared keys in the schema's order, then nothing else.
    for (const key of keys) if (!Object.prototype.hasOwnProperty.call(properties, key) && extra === false) return UNDECIDED;
    if (extra !== false) return UNDECIDED; // declared keys plus a catch-all: not generated for spec files
    for (const key of Object.keys(properties)) {
      const node = properties[key];
      if (Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined) {
        const item = check(node, input[key], depth + 1);
        if (item === UNDECIDED) return UNDECIDED;
        out[key] = item;
      } else if (node.default !== undefined) {
        out[key] = JSON.parse(JSON.stringify(node.default));
      } else if (required.includes(key)) {
        return UNDECIDED;
      } else if (Object.prototype.hasOwnProperty.call(input, key)) {
        out[key] = undefined;
      }
    }
    return out;
  }
  // A record: every key, in the input's order, its value checked.
  if (extra === false) return keys.length === 0 ? out : UNDECIDED;
  for (const key of keys) {
    const item = check(extra, input[key], depth + 1);
    if (item === UNDECIDED) return UNDECIDED;
    out[key] = item;
  }
  return out;
}

function isNode(value: unknown): value is JsonSchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
