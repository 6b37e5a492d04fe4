/**
 * Checks of construct props that plain JavaScript (no type checker) can get wrong, and the rule that
 * synth records the ledger only once every stack of the app is valid.
 */
import type { IConstruct } from "constructs";
import { describe } from "../validation/names";

/** Files a stack's output folder already holds: the YAML must not overwrite them. */
const RESERVED_OUTPUT_FILES = new Set(["cdk.tf.json", "plan.json", "plan.md", "plan.html", "plan.svg"]);
/** The longest file name most file systems accept, in bytes. */
const MAX_FILE_NAME_BYTES = 255;

/**
 * Throws a clear error (construct path, value, the way out) when props are not an object: from plain
 * JavaScript, `addPool("p")` or `addPool("p", null)` would otherwise end in a `TypeError`.
 */
export function requireProps<T>(path: string, props: T, example: string): NonNullable<T> {
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    throw new Error(`${path}: props must be an object such as ${example}, got ${describe(props)}`);
  }
  return props as NonNullable<T>;
}

/** Throws when a required string prop is missing or empty. */
export function requireString(path: string, value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new Error(`${path}: ${what} must be a non-empty string, got ${describe(value)}`);
  return value;
}

/**
 * Checks the name of the YAML file a stack's objects are written to: a plain file name, not `.`,
 * `..`, with no NUL byte, not longer than the file system allows, and not a file synth writes anyway
 * (`cdk.tf.json`, `plan.json`, …), which it would silently overwrite.
 */
export function checkYamlFileName(path: string, name: string): void {
  const fail = (why: string) => {
    throw new Error(`${path}: yamlFileName ${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)} ${why}; use a plain file name such as "calico-ipam.yaml"`);
  };
  if (typeof name !== "string") throw new Error(`${path}: yamlFileName must be a file name or false, got ${describe(name)}`);
  if (name === "" || name === "." || name === "..") fail("is not a file name");
  if (name.includes("\u0000")) fail("holds a NUL byte");
  if (name.includes("/") || name.includes("\\")) fail("must be a plain file name, without a folder");
  if (Buffer.byteLength(name, "utf8") > MAX_FILE_NAME_BYTES) fail(`is longer than ${MAX_FILE_NAME_BYTES} bytes, more than file systems allow`);
  if (RESERVED_OUTPUT_FILES.has(name.toLowerCase())) fail("is a file synth already writes into the stack's folder, so one would overwrite the other");
}

/**
 * True when no construct anywhere in the app has a validation error. cdktf validates and synthesizes
 * one stack after the other, so a stack that is written before a later stack fails would otherwise
 * record its ranges in the ledger although the synth as a whole fails.
 */
export function appIsValid(scope: IConstruct): boolean {
  return scope.node.root.node.findAll().every((c) => c.node.validate().length === 0);
}
