import { MAX_NODE_NAME_LENGTH } from "../limits";
import { Finding, error } from "./finding";

/** Calico's object name rule: a DNS-1123 subdomain (validator.go `nameRegex`). Calico's docs allow `_`; its code does not. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_MAX = MAX_NODE_NAME_LENGTH;
/** The name part of a qualified label key, and a label value (Kubernetes validation). */
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Whether `name` is a valid object name: the same answer as `validateObjectName(name).length === 0`,
 * without building findings (a name that matches the pattern is ASCII, so its length is its size in bytes).
 */
export function isObjectName(name: unknown): name is string {
  return typeof name === "string" && name.length > 0 && name.length <= DNS1123_MAX && DNS1123_SUBDOMAIN.test(name);
}

/**
 * Checks an object name against Calico's rule, with Calico's messages.
 * Returns findings at `path` (normally `metadata.name`).
 */
export function validateObjectName(name: unknown, path = "metadata.name"): Finding[] {
  if (typeof name !== "string" || name.length === 0) {
    return [error("NAME_MISSING", path, "name must be a non-empty string; give the object a DNS-1123 name such as \"pool-a\"")];
  }
  const findings: Finding[] = [];
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > DNS1123_MAX) {
    findings.push(error("NAME_TOO_LONG", path, `name is too long by ${bytes - DNS1123_MAX} bytes: "${abbreviate(name)}" has ${bytes}, the limit is ${DNS1123_MAX}`));
  }
  if (!DNS1123_SUBDOMAIN.test(name)) {
    findings.push(
      error(
        "NAME_INVALID",
        path,
        `name must consist of lower case alphanumeric characters, '-' or '.' (regex: ${DNS1123_SUBDOMAIN.source}): "${abbreviate(name)}" is not valid${suggestName(name)}`,
      ),
    );
  }
  return findings;
}

/**
 * Why `name` is not a valid Kubernetes node name (an RFC 1123 subdomain of at most 253 characters:
 * lower case letters, digits, '-' and '.'), or undefined if it is one. The node name is also Calico's
 * host name in block affinities.
 */
export function nodeNameProblem(name: string): string | undefined {
  if (name.length > DNS1123_MAX) return `a node name has at most ${DNS1123_MAX} characters (MAX_NODE_NAME_LENGTH), "${abbreviate(name)}" has ${name.length}`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return `a node name must be an RFC 1123 subdomain: lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character; "${abbreviate(name)}" is not${suggestName(name)}`;
  }
  return undefined;
}

/** Checks labels: keys are qualified names (optional DNS-1123 prefix + '/' + name ≤ 63), values ≤ 63 characters. */
export function validateLabels(labels: unknown, path = "metadata.labels"): Finding[] {
  if (labels === undefined) return [];
  if (!isPlainObject(labels)) return [error("LABELS_INVALID", path, "labels must be a map of string keys to string values")];
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyPath = `${path}.${key}`;
    const problem = qualifiedNameProblem(key);
    if (problem) findings.push(error("LABEL_KEY_INVALID", keyPath, `label key "${key}" is not a qualified name: ${problem}`));
    if (typeof value !== "string") {
      findings.push(error("LABEL_VALUE_INVALID", keyPath, `label "${key}" must have a string value, got ${describe(value)}`));
    } else if (value.length > 63) {
      findings.push(error("LABEL_VALUE_INVALID", keyPath, `label "${key}" value must be no more than 63 characters, it has ${value.length}`));
    } else if (!LABEL_VALUE.test(value)) {
      findings.push(error("LABEL_VALUE_INVALID", keyPath, `label "${key}" value "${value}" must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`));
    }
  }
  return findings;
}

/** Checks annotations: string values, total size ≤ 256 KiB as Kubernetes enforces. */
export function validateAnnotations(annotations: unknown, path = "metadata.annotations"): Finding[] {
  if (annotations === undefined) return [];
  if (!isPlainObject(annotations)) return [error("ANNOTATIONS_INVALID", path, "annotations must be a map of string keys to string values")];
  const findings: Finding[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const problem = qualifiedNameProblem(key);
    if (problem) findings.push(error("ANNOTATION_KEY_INVALID", `${path}.${key}`, `annotation key "${key}" is not a qualified name: ${problem}`));
    if (typeof value !== "string") {
      findings.push(error("ANNOTATION_VALUE_INVALID", `${path}.${key}`, `annotation "${key}" must have a string value, got ${describe(value)}`));
      continue;
    }
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (total > ANNOTATIONS_MAX_BYTES) {
    findings.push(error("ANNOTATIONS_TOO_LARGE", path, `annotations total ${total} bytes, more than the 262144 bytes Kubernetes allows`));
  }
  return findings;
}

/** Why `key` is not a Kubernetes qualified name, or undefined if it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "a qualified name has at most one '/'";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (prefix.length === 0) return "the prefix before '/' must not be empty";
    if (prefix.length > DNS1123_MAX || !DNS1123_SUBDOMAIN.test(prefix)) return `the prefix "${prefix}" must be a DNS-1123 subdomain`;
  }
  if (name.length === 0) return "the name part must not be empty";
  if (name.length > 63) return `the name part must be no more than 63 characters, it has ${name.length}`;
  if (!QUALIFIED_NAME_PART.test(name)) return "the name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

function suggestName(name: string): string {
  const fixed = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .replace(/\.{2,}/g, ".")
    .replace(/-?\.-?/g, ".")
    .slice(0, DNS1123_MAX);
  return fixed.length > 0 && fixed !== name && DNS1123_SUBDOMAIN.test(fixed) ? `; did you mean "${fixed}"?` : "";
}

function abbreviate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 60)}...` : text;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short description of a value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing (the field is missing)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "bigint") return `a bigint (${value}n)`;
  if (typeof value === "number") return Number.isFinite(value) ? `the number ${value}` : `the non-finite number ${value}`;
  if (typeof value === "string") return `the string "${value}"`;
  if (typeof value === "object") return "a map";
  return `a ${typeof value}`;
}
