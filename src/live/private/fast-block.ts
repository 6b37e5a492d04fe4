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
 * @internal The exact digits of a block whose sequence numbers are past 2^53 ({@link fastBlock}): made
 * with `new`, not as object literals, for the reason {@link FastBlockItem} is (a dump's blocks all have
 * such numbers, so every block keeps one; their literals' allocation site, inlined in the main thread's
 * loop over the worker's blocks, was tenured, and the loop compiled again). Own fields as the literals'.
 */
export class ExactDigits {
  constructor(
    readonly sequenceNumber: string | undefined,
    readonly forAllocation: Readonly<Record<string, string>>,
  ) {}
}

/** @internal {@link ExactDigits} without the block's own digits (its sequence number is exact as a number). */
export class ExactForAllocation {
  constructor(readonly forAllocation: Readonly<Record<string, string>>) {}
}

/** An empty plain object (as `{}`), made without an allocation site (see {@link ExactDigits}). */
function emptyRecord(): Record<string, string> {
  return Object.create(Object.prototype) as Record<string, string>;
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
  if (seq instanceof SequenceColumns && seq.unsafe) forAllocation ??= emptyRecord();
  if (!seqUnsafe && forAllocation === undefined) return new FastBlockItem(name, fields);
  const exactSequenceNumbers = seqUnsafe ? new ExactDigits(sequenceDigits, forAllocation ?? emptyRecord()) : new ExactForAllocation(forAllocation ?? emptyRecord());
  // (The callers' `fields` is an object of its own: it takes the exact digits, without a copy.)
  (fields as { exactSequenceNumbers?: BlockFields["exactSequenceNumbers"] }).exactSequenceNumbers = exactSequenceNumbers;
  return new FastBlockItem(name, fields);
}
