/**
 * A decoded IPAM block as the byte decoders make it (\`fastBlock\`, re-exported by \`block.ts\`), in a
 * module of its own: the blocks worker (\`block-read.ts\`) decodes blocks without loading \`block.ts\`'s
 * checks and the simulator they use.
 */
import { API_CRD_V1 } from "../../model/calico";
import type { BlockFields } from "../block";
import type { FastBlock } from "../fast-decode";
import { AttributeColumns, SequenceColumns } from "./columns";

/**
 * @internal An IPAM block {@link fastBlock} made: a class, not an object literal. V8 tracks an allocation
 * site per literal and decides from it whether the objects it makes should be tenured; when that decision
 * changes (a dump's blocks live to the end of the read, so it does), every optimized function that
 * inlined the literal is thrown away and compiled again. An object made with `new` has no such site.
 */
export class FastBlockItem implements FastBlock {
  readonly kind = "IPAMBlock";
  readonly apiVersion = API_CRD_V1;
  constructor(
    readonly name: string,
    readonly fields: BlockFields,
  ) {}
}

/**
 * @internal The fields of a block the blocks worker read as columns (`private/block-file.ts`), as
 * {@link FastBlockItem}: made with `new` (no allocation site), with `exactSequenceNumbers` there from
 * the start (undefined until {@link fastBlock} gives it), so every such object has one map.
 */
export class ColumnBlockFields implements BlockFields {
  exactSequenceNumbers: BlockFields["exactSequenceNumbers"] = undefined;
  constructor(
    readonly cidrText: string,
    readonly allocations: Int32Array,
    readonly attributes: AttributeColumns,
    readonly unallocated: Int32Array,
    readonly sequenceNumberForAllocation: SequenceColumns,
    readonly affinity: string | null,
    readonly deleted: boolean,
    readonly strictAffinity: boolean,
    readonly sequenceNumber: number,
    readonly affinityClaimTime: string | null,
  ) {}
}

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
  if (!seqUnsafe && forAllocation === undefined) return new FastBlockItem(name, fields);
  const exactSequenceNumbers = seqUnsafe ? { sequenceNumber: sequenceDigits, forAllocation: forAllocation ?? {} } : { forAllocation: forAllocation ?? {} };
  // (The callers' `fields` is an object of its own: it takes the exact digits, without a copy.)
  (fields as { exactSequenceNumbers?: BlockFields["exactSequenceNumbers"] }).exactSequenceNumbers = exactSequenceNumbers;
  return new FastBlockItem(name, fields);
}
