/**
 * Reading a spec file without loading zod when it is not needed. Loading zod and building the spec's
 * zod schema costs more than planning the example cluster, so the CLI first checks the value against
 * the committed JSON Schema (generated from that zod schema by `npm run schema`, and kept equal to it
 * by a test): a spec that passes is exactly what zod's parse would return. Only a spec that fails it,
 * or whose rules need zod (timeline steps), is handed to {@link parseSpecFile}, which words every error.
 */
import fs from "fs";
import path from "path";
import { JsonSchemaNode, passesJsonSchema } from "./json-schema-check";
import { specRuleProblems } from "./rules";
import type { SpecFile, SpecProblem, parseSpecFile } from "./schema";

/** Where the package ships the spec file's JSON Schema, relative to the package root. */
export const SPEC_JSON_SCHEMA_FILE = "schema/calico-ipam-spec.schema.json";

let schema: JsonSchemaNode | null | undefined;

/** The committed JSON Schema (two folders up from src/spec, lib/spec and lib/cli alike), or null when it cannot be read. */
function specJsonSchema(): JsonSchemaNode | null {
  if (schema === undefined) {
    try {
      schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", SPEC_JSON_SCHEMA_FILE), "utf8")) as JsonSchemaNode;
    } catch {
      schema = null; // not shipped: zod checks every spec
    }
  }
  return schema;
}

/**
 * The same result as {@link parseSpecFile} (the same spec, the same problems in the same words), loading
 * zod only for a spec that does not pass the JSON Schema or that has a timeline.
 */
export function readSpecFile(value: unknown): ReturnType<typeof parseSpecFile> {
  const json = specJsonSchema();
  const timeline = (value as { topology?: { timeline?: unknown } } | null)?.topology?.timeline;
  const steps = Array.isArray(timeline) ? timeline.length : timeline === undefined ? 0 : -1;
  const passed = json !== null && steps === 0 ? passesJsonSchema(json, value) : undefined;
  if (passed === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const zodSchema = require("./schema") as typeof import("./schema");
    return zodSchema.parseSpecFile(value);
  }
  const spec = passed.value as SpecFile;
  const problems: SpecProblem[] = specRuleProblems(spec, []);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, spec };
}
