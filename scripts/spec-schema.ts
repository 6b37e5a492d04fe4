/**
 * Writes the spec file's JSON Schema, generated from the zod schema, to schema/calico-ipam-spec.schema.json.
 * Run `npm run schema` after changing src/spec/schema.ts; a test fails while the committed file is stale.
 */
import * as path from "path";
import { writeFileAtomic } from "../src/io/atomic-write";
import { SPEC_JSON_SCHEMA_FILE, specFileJsonSchemaText } from "../src/spec/json-schema";

writeFileAtomic(path.join(__dirname, "..", SPEC_JSON_SCHEMA_FILE), specFileJsonSchemaText());
