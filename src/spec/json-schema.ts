import { z } from "zod";
import { specFileSchema } from "./schema";

export { SPEC_JSON_SCHEMA_FILE } from "./read-spec";

/**
 * The JSON Schema of a spec file, generated from the zod schema the CLI validates with (never written by
 * hand), for editors: `# yaml-language-server: $schema=node_modules/cdktf-calico-ipam/schema/calico-ipam-spec.schema.json`
 * at the top of a spec file gives completion and checks as you type. It describes the input as written
 * (defaults are optional); rules that span fields (a node is either `name` or `namePattern` and
 * `count`) are only checked by the CLI.
 */
export function specFileJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(specFileSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: "https://github.com/cdktf-calico-ipam/cdktf-calico-ipam/blob/main/schema/calico-ipam-spec.schema.json",
    title: "cdktf-calico-ipam spec file",
    description:
      "A Calico IPAM address plan for calico-ipam plan and render: address spaces, pools, IPAM configuration, reservations, namespaces, workloads, and the topology the harness plays Calico's allocation against.",
    ...rest,
  };
}

/** The schema as the committed file holds it: two-space JSON and a final newline. */
export function specFileJsonSchemaText(): string {
  return JSON.stringify(specFileJsonSchema(), null, 2) + "\n";
}
