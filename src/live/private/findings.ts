import type { Severity } from "../../validation/finding";
import type { DumpSource, InspectFinding, InspectSource } from "../model";

/** A finding of `calico-ipam inspect`. */
export function liveFinding(severity: Severity, code: string, subject: string, path: string, message: string, source: InspectSource): InspectFinding {
  return { severity, code, subject, path, message, source };
}

/** Where an object was read, for messages: `dump/blocks.json items[3]`, `pools.yaml document 2`. */
export function describeSource(source: DumpSource): string {
  if (source.item !== undefined) return `${source.file} items[${source.item}]${source.document > 1 ? ` of document ${source.document}` : ""}`;
  return source.document > 1 ? `${source.file} document ${source.document}` : source.file;
}
