import * as fs from "fs";
import * as path from "path";
import type { ValidateFunction } from "ajv";
import { parse } from "yaml";
import { CRD_ROOT, closeObjects, kubernetesAjv, stripKubernetesExtensions } from "../../src/validation/crd-schema";

// The CRD validator lives in the core (the CLI checks cluster dumps against the CRDs at run time);
// the tests use the same one.
export { CRD_ROOT, crdFileFor, crdValidator, schemaErrors } from "../../src/validation/crd-schema";
export type { CrdVersion } from "../../src/validation/crd-schema";

let installationPools: ValidateFunction | undefined;

/**
 * Validates `Installation.spec.calicoNetwork.ipPools` against the operator schema extract of v3.32.1
 * (`operator.tigera.io_installations.ipPools-extract.yaml`), read at test time.
 */
export function installationIpPoolsErrors(ipPools: unknown): string[] {
  if (!installationPools) {
    const extract = parse(fs.readFileSync(path.join(CRD_ROOT, "v3.32.1", "operator.tigera.io_installations.ipPools-extract.yaml"), "utf8"));
    installationPools = kubernetesAjv().compile(closeObjects(stripKubernetesExtensions(extract.ipPools)) as object);
  }
  const ok = installationPools(JSON.parse(JSON.stringify(ipPools)));
  return ok ? [] : (installationPools.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
