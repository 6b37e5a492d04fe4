/**
 * A decoded IPAM block as the byte decoders make it (\`fastBlock\`, re-exported by \`block.ts\`), in a
 * module of its own: the blocks worker (\`block-read.ts\`) decodes blocks without loading \`block.ts\`'s
 * checks and the simulator they use.
 */
import { API_CRD_V1 } from "../../model/calico";
import type { BlockFields } from "../block";
import type { FastBlock } from "../fast-decode";
import { SequenceColumns } from "./columns";

/**
 * @internal A decoded IPAM block (both byte decoders: `fast-decode`'s and `template-decode`'s), with the exact
 * text of sequence numbers past 2^53 as the JSON reader keeps them: the block's (`sequenceDigits`, the
 * digits of a number of 16 digits or more) when it is past 2^53; the allocations' (every one of 16
 * digits or more) when one of them is (`forAllocation`). `fields` must be an object of the caller's own:
 * it is given `exactSequenceNumbers`.
 */
export function fastBlock(
  name: string,
  fields: Omit<BlockFields, "exactSequenceNumbers">,
  sequenceDigits: string | undefined,
  forAllocation: Readonly<Record<string, string>> | undefined,
): FastBlock {
  const seqUnsafe = sequenceDigits !== undefined && !Number.isSafeInteger(fields.sequenceNumber);
  const seq = fields.sequenceNumberForAllocation;
  // (Columns give their exact digits themselves: `forAllocation` is then a place for them.)
  if (seq instanceof SequenceColumns && seq.unsafe) forAllocation ??= {};
  if (!seqUnsafe && forAllocation === undefined) return { kind: "IPAMBlock", apiVersion: API_CRD_V1, name, fields };
  const exactSequenceNumbers = seqUnsafe ? { sequenceNumber: sequenceDigits, forAllocation: forAllocation ?? {} } : { forAllocation: forAllocation ?? {} };
  // (The callers' `fields` is an object of its own: it takes the exact digits, without a copy.)
  (fields as { exactSequenceNumbers?: BlockFields["exactSequenceNumbers"] }).exactSequenceNumbers = exactSequenceNumbers;
  return { kind: "IPAMBlock", apiVersion: API_CRD_V1, name, fields };
}
