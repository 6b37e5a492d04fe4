import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import { parse } from "yaml";
import { CRD_ROOT } from "../helpers/crd";

/** The extract of the operator's Installation CRD holding `spec.calicoNetwork.ipPools` (read at test time, never copied). */
export const IP_POOLS_EXTRACT = path.join(CRD_ROOT, "v3.32.1", "operator.tigera.io_installations.ipPools-extract.yaml");

let cached: { schema: Record<string, unknown>; validate: ValidateFunction } | undefined;

/** The `ipPools` schema as written in the extract. */
export function ipPoolsSchema(): Record<string, unknown> {
  return load().schema;
}

/**
 * Errors of an `ipPools` list against the operator's schema, as readable strings. Item objects are
 * closed (`additionalProperties: false`), as the API server prunes unknown fields: a field the operator
 * does not know fails instead of vanishing.
 */
export function ipPoolsErrors(ipPools: unknown): string[] {
  const { validate } = load();
  const ok = validate(JSON.parse(JSON.stringify(ipPools)));
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function load(): { schema: Record<string, unknown>; validate: ValidateFunction } {
  if (cached) return cached;
  const doc = parse(fs.readFileSync(IP_POOLS_EXTRACT, "utf8")) as { ipPools: Record<string, unknown> };
  const schema = doc.ipPools;
  const items = schema.items as Record<string, unknown>;
  const closed = { ...schema, items: { ...items, additionalProperties: false } };
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  cached = { schema, validate: ajv.compile(closed) };
  return cached;
}
