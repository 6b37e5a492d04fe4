import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

/** Calico's CRD schemas, carried in the repository (`crds/`, see its README for their source and license). */
export const CRD_ROOT = path.resolve(__dirname, "../../crds");

export type CrdVersion = "v3.32.1" | "master-87c15906";

const cache = new Map<string, ValidateFunction>();

function cidrFormat(value: string): boolean {
  // Kubernetes' `cidr` format is Go's net.ParseCIDR: an address, a slash and a prefix length.
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const max = m[1].includes(":") ? 128 : 32;
  return Number(m[2]) <= max;
}

function stripKubernetesExtensions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripKubernetesExtensions);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith("x-kubernetes-")) continue;
    out[k] = stripKubernetesExtensions(v);
  }
  return out;
}

/**
 * A JSON-schema validator for one Calico CRD's `openAPIV3Schema` (the served version), e.g.
 * `crdValidator("v3.32.1", "projectcalico.org-v3/projectcalico.org_ippools.yaml")`.
 * Unknown fields are rejected, as the API server prunes them (`preserveUnknownFields: false`).
 */
export function crdValidator(version: CrdVersion, file: string): ValidateFunction {
  const key = `${version}/${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const crd = parse(fs.readFileSync(path.join(CRD_ROOT, version, file), "utf8"));
  const served = crd.spec.versions.find((v: { served: boolean }) => v.served);
  const schema = closeObjects(stripKubernetesExtensions(served.schema.openAPIV3Schema));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("cidr", cidrFormat);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  const validate = ajv.compile(schema as object);
  cache.set(key, validate);
  return validate;
}

/** Objects with declared properties get `additionalProperties: false`, so a misspelt field fails. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === "properties" ? mapValues(v as Record<string, unknown>, closeObjects) : closeObjects(v);
  if (s.type === "object" && s.properties && s.additionalProperties === undefined) {
    const keys = Object.keys(s.properties as object);
    // metadata is `type: object` without properties in CRDs; only close objects that declare fields.
    if (keys.length > 0) out.additionalProperties = false;
  }
  return out;
}

function mapValues(o: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = f(v);
  return out;
}

/** The CRD file for an object, by API group and kind. */
export function crdFileFor(apiVersion: string, kind: string): string {
  const plural: Record<string, string> = {
    IPPool: "ippools",
    IPAMConfiguration: "ipamconfigurations",
    IPAMConfig: "ipamconfigs",
    IPReservation: "ipreservations",
  };
  const p = plural[kind];
  if (!p) throw new Error(`no CRD for kind ${kind}`);
  return apiVersion === "projectcalico.org/v3" ? `projectcalico.org-v3/projectcalico.org_${p}.yaml` : `crd.projectcalico.org-v1/crd.projectcalico.org_${p}.yaml`;
}

/** Validates an emitted Calico object against its CRD; returns ajv's errors as readable strings. */
export function schemaErrors(object: { apiVersion: string; kind: string }, version: CrdVersion = "v3.32.1"): string[] {
  const validate = crdValidator(version, crdFileFor(object.apiVersion, object.kind));
  // Round-trip through JSON: what Terraform and kubectl send is JSON.
  const ok = validate(JSON.parse(JSON.stringify(object)));
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

let installationPools: ValidateFunction | undefined;

/**
 * Validates `Installation.spec.calicoNetwork.ipPools` against the operator schema extract of v3.32.1
 * (`operator.tigera.io_installations.ipPools-extract.yaml`), read at test time.
 */
export function installationIpPoolsErrors(ipPools: unknown): string[] {
  if (!installationPools) {
    const extract = parse(fs.readFileSync(path.join(CRD_ROOT, "v3.32.1", "operator.tigera.io_installations.ipPools-extract.yaml"), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    installationPools = ajv.compile(closeObjects(stripKubernetesExtensions(extract.ipPools)) as object);
  }
  const ok = installationPools(JSON.parse(JSON.stringify(ipPools)));
  return ok ? [] : (installationPools.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
