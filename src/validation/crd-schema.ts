import fs from "fs";
import path from "path";
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { cidrFormat } from "./cidr-format";

/**
 * Calico's CRD schemas, carried in the package (`crds/`, see its README for their source and license).
 * The same folder from `src/validation` (tests, tsx) and from `lib/validation` (the built package).
 */
export const CRD_ROOT = path.resolve(__dirname, "../../crds");

/** The Calico releases whose CRDs are carried: the release the library follows, and master. */
export type CrdVersion = "v3.32.1" | "master-87c15906";

/** The CRD release objects are checked against by default. */
export const DEFAULT_CRD_VERSION: CrdVersion = "v3.32.1";

const cache = new Map<string, ValidateFunction>();

/**
 * The one ajv instance the carried CRDs are compiled in (formats added once). Their schemas are not
 * checked against the meta-schema at run time: that is a test (`test/schema/crd-files.test.ts`), and it
 * saved ~50 ms of every `calico-ipam inspect` (issue 12).
 */
let crdAjv: Ajv | undefined;

/** Drops the `x-kubernetes-*` extensions (CEL rules, list types) that JSON Schema does not know. */
export function stripKubernetesExtensions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripKubernetesExtensions);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith("x-kubernetes-")) continue;
    out[k] = stripKubernetesExtensions(v);
  }
  return out;
}

/** Objects with declared properties get `additionalProperties: false`, so a misspelt field fails. */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, closeObjects(pv)])) : closeObjects(v);
  }
  if (s.type === "object" && s.properties && s.additionalProperties === undefined) {
    // metadata is `type: object` without properties in CRDs; only close objects that declare fields.
    if (Object.keys(s.properties as object).length > 0) out.additionalProperties = false;
  }
  return out;
}

/**
 * An ajv instance with the formats Kubernetes' OpenAPI uses (`cidr`, `int32`, `int64`, `date-time`).
 *
 * @param validateSchema check each schema against JSON Schema's meta-schema when it is compiled (the
 *   meta-schema is compiled first, once per instance). @default true
 */
export function kubernetesAjv(validateSchema = true): Ajv {
  // logger: false — a schema that fails to compile throws, and the CLI says so in one line; Ajv's own
  // log would print the whole generated validator source to standard error first.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema, logger: false });
  addFormats(ajv);
  ajv.addFormat("cidr", cidrFormat);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  return ajv;
}

/**
 * A JSON-schema validator for one Calico CRD's `openAPIV3Schema` (the served version), e.g.
 * `crdValidator("v3.32.1", "projectcalico.org-v3/projectcalico.org_ippools.yaml")`. Compiled once and
 * cached. Unknown fields are rejected, as the API server prunes them (`preserveUnknownFields: false`);
 * the CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
export function crdValidator(version: CrdVersion, file: string): ValidateFunction {
  const key = `${version}/${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const crd = parse(fs.readFileSync(path.join(CRD_ROOT, version, file), "utf8"));
  const served = crd.spec.versions.find((v: { served: boolean }) => v.served);
  const schema = closeObjects(stripKubernetesExtensions(served.schema.openAPIV3Schema));
  const validate = (crdAjv ??= kubernetesAjv(false)).compile(schema as object);
  cache.set(key, validate);
  return validate;
}

/** The plural resource name of every Calico IPAM kind whose CRD is carried. */
const PLURALS: Readonly<Record<string, string>> = {
  IPPool: "ippools",
  IPAMConfiguration: "ipamconfigurations",
  IPAMConfig: "ipamconfigs",
  IPReservation: "ipreservations",
  IPAMBlock: "ipamblocks",
  BlockAffinity: "blockaffinities",
  IPAMHandle: "ipamhandles",
};

/** Whether a CRD is carried for this kind (in some API group). */
export function hasCrd(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(PLURALS, kind);
}

/** The CRD file for an object, by API group and kind, relative to a version folder of {@link CRD_ROOT}. */
export function crdFileFor(apiVersion: string, kind: string): string {
  const p = hasCrd(kind) ? PLURALS[kind] : undefined;
  if (!p) throw new Error(`no CRD for kind ${kind}`);
  return apiVersion === "projectcalico.org/v3" ? `projectcalico.org-v3/projectcalico.org_${p}.yaml` : `crd.projectcalico.org-v1/crd.projectcalico.org_${p}.yaml`;
}

/**
 * Validates a Calico object against its CRD; returns ajv's errors as readable strings
 * (`<JSON pointer> <message>`), none when the object is valid.
 */
export function schemaErrors(object: { apiVersion: string; kind: string }, version: CrdVersion = DEFAULT_CRD_VERSION): string[] {
  const validate = crdValidator(version, crdFileFor(object.apiVersion, object.kind));
  // Round-trip through JSON: what Terraform and kubectl send is JSON.
  const ok = validate(JSON.parse(JSON.stringify(object)));
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
