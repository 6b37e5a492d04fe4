import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CRD_ROOT, CrdVersion, closeObjects, crdValidator, kubernetesAjv, stripKubernetesExtensions } from "../../src/validation/crd-schema";

// crdValidator compiles the carried CRDs without checking them against JSON Schema's meta-schema (a
// run-time cost of every `calico-ipam inspect`): this test is that check, for every carried CRD.
const versions: CrdVersion[] = ["v3.32.1", "master-87c15906"];
const files = versions.flatMap((version) =>
  fs
    .readdirSync(path.join(CRD_ROOT, version), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(CRD_ROOT, version, d.name)).map((f) => ({ version, file: `${d.name}/${f}` }))),
);

/** The served version's schema, as crdValidator compiles it. */
function servedSchema(version: string, file: string): object {
  const crd = parse(fs.readFileSync(path.join(CRD_ROOT, version, file), "utf8"));
  const served = crd.spec.versions.find((v: { served: boolean }) => v.served);
  return closeObjects(stripKubernetesExtensions(served.schema.openAPIV3Schema)) as object;
}

describe("the carried CRDs", () => {
  test("are found (both releases, both API groups)", () => {
    expect(files.length).toBeGreaterThanOrEqual(4 * versions.length);
  });

  test.each(files)("$version $file: its schema is valid JSON Schema and compiles", ({ version, file }) => {
    const ajv = kubernetesAjv();
    const schema = servedSchema(version, file);
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
    expect(typeof crdValidator(version, file)).toBe("function");
  });

  test("the meta-schema check rejects a broken schema (the check above can fail)", () => {
    const ajv = kubernetesAjv();
    expect(ajv.validateSchema({ type: "object", properties: { cidr: { type: 5 } } })).toBe(false);
    expect(() => ajv.compile({ type: "object", properties: { cidr: { type: 5 } } })).toThrow(/schema is invalid/);
  });
});
