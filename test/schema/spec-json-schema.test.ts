import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { SPEC_JSON_SCHEMA_FILE, specFileJsonSchema, specFileJsonSchemaText } from "../../src/spec/json-schema";

const root = path.resolve(__dirname, "..", "..");
const specExamples = ["examples/plan/cluster.yaml", "examples/plan/host-local.yaml"];

describe("the spec file's JSON Schema", () => {
  test("the committed file is the one generated from the zod schema (run npm run schema after changing it)", () => {
    expect(fs.readFileSync(path.join(root, SPEC_JSON_SCHEMA_FILE), "utf8")).toBe(specFileJsonSchemaText());
  });

  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(specFileJsonSchema());

  test.each(specExamples)("%s names the schema for editors and validates against it", (file) => {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=${path.relative(path.dirname(path.join(root, file)), path.join(root, SPEC_JSON_SCHEMA_FILE))}`);
    expect(validate(parse(text)) ? [] : validate.errors).toEqual([]);
  });

  test.each([
    ["a misspelt key", { pools: [{ name: "a", cidr: "10.0.0.0/16", natOutgoin: true }] }, "additionalProperties"],
    ["a wrong type", { pools: [{ name: "a", blockSize: "26" }] }, "type"],
    ["an unknown encapsulation mode", { pools: [{ name: "a", vxlanMode: "Sometimes" }] }, "enum"],
  ])("rejects %s, as the CLI does", (_name, spec, keyword) => {
    expect(validate(spec)).toBe(false);
    expect(validate.errors!.map((e) => e.keyword)).toContain(keyword);
  });
});
