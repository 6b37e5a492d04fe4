/**
 * A block's allocation attributes and sequence numbers as columns, as the kubectl-layout matcher
 * (`template-decode.ts`) reads them: a dump of 500,000 allocations would otherwise hold an attribute
 * object, a `secondary` record, a handle, pod and timestamp string each, and a record of sequence
 * numbers (and one of their exact digits) per block, which the collector has to trace on every
 * collection while the rest of the dump is read.
 *
 * The columns of many blocks are kept one after the other in chunks ({@link BlockChunk}): the text of
 * the values that are not shared (handles, pods, timestamps, the digits of the sequence numbers) as
 * bytes, with the place of each value in it (made into a string when read); the values that repeat
 * (namespace, node, type) as places in the reader's table of interned strings; the lists
 * `allocations` and `unallocated`. A worker transfers the chunks whole (`block-file.ts`). `LiveBlock.attributes`,
 * `sequenceNumberForAllocation` and `exactSequenceNumbers` are made from the columns when first read
 * ({@link defineLazy}), equal to what the other readers make; the check reads the columns themselves
 * ({@link attributeViewOf}).
 */
import type { LiveAttribute, LiveBlock } from "../model";
import { handleText } from "./compact-handle";
import { attributeHashesOf } from "./handle-ids";
import type { LatinBuffer } from "./latin-buffer";

/** What the check reads of a block's attributes, by attribute index. */
export interface AttributeView {
  readonly length: number;
  /** `handle_id`; null when absent. */
  handle(i: number): string | null;
  /** `handleIdHash` of the handle when the reader hashed it; undefined otherwise. */
  handleHash(i: number): number | undefined;
  /**
   * The bytes holding the handles (their text, ASCII, or a pod's handle ID in its compact form:
   * `compact-handle.ts`) when the view reads them from the file's bytes (then `handleFrom`/`handleTo` say
   * where each handle is, and `handleHash`, of its text, is defined for every handle), so a handle can be
   * compared without a string (equal bytes, equal IDs); undefined for a view of objects.
   */
  readonly handleBytes: Buffer | undefined;
  /** Where handle `i`'s text starts in {@link handleBytes}; -1 when the attribute has no handle. */
  handleFrom(i: number): number;
  /** Where handle `i`'s text ends in {@link handleBytes}. */
  handleTo(i: number): number;
  /** `secondary.node`. */
  node(i: number): string | undefined;
  /** `secondary.namespace`. */
  namespace(i: number): string | undefined;
  /** `secondary.pod`. */
  pod(i: number): string | undefined;
  /** Whether `secondary.pod` is set. */
  hasPod(i: number): boolean;
  /** `secondary.type`. */
  type(i: number): string | undefined;
  /** `secondary.vmi`. */
  vmi(i: number): string | undefined;
}

/** Fields of a span: where the handle, pod and timestamp of an attribute are in the block's text (handle from, to; pod from, to; timestamp from, to). */
export const ATTRIBUTE_SPAN = 6;
/** Fields of a key row: namespace, node and type. */
export const ATTRIBUTE_KEYS = 3;
const SPAN = ATTRIBUTE_SPAN;
const KEYS = ATTRIBUTE_KEYS;

/**
 * The columns of many blocks, one block after the other (the kubectl-layout matcher fills one until it
 * is full, then starts the next; the blocks worker transfers them whole). A block's rows are
 * `[at, at + length)` of each column, and its text starts at a place of its own in {@link text}: the
 * places in `spans` and `ends` count from there, so a block's rows can be moved as they are.
 */
export class BlockChunk {
  constructor(
    /** The handles (a pod's in its compact form, `compact-handle.ts`), pods, timestamps and sequence digits (ASCII). */
    readonly text: Buffer,
    /** Per attribute, `[from, to)` of the handle, the pod and the timestamp in its block's text (`from` -1 when absent). */
    readonly spans: Int32Array,
    /** `handleIdHash` of each attribute's handle (any value when it has none). */
    readonly hashes: Int32Array,
    /** Per attribute, the namespace, node and type: an index in the reader's table of strings, -1 when absent. */
    readonly keys: Int32Array,
    /** `sequenceNumberForAllocation`'s ordinals, in the order read. */
    readonly ordinals: Int32Array,
    /** Where the digits of each sequence number end in its block's text (they start where the one before ends). */
    readonly ends: Int32Array,
    /** `allocations`: the attribute index of each ordinal, -1 for null. */
    readonly allocations: Int32Array,
    /** `unallocated`. */
    readonly unallocated: Int32Array,
  ) {}

  /** The buffers (what a worker transfers). */
  buffers(): ArrayBuffer[] {
    return [this.text, this.spans, this.hashes, this.keys, this.ordinals, this.ends, this.allocations, this.unallocated].map((a) => a.buffer as ArrayBuffer);
  }
}

/**
 * A block's attributes as columns: rows `[at, at + length)` of a {@link BlockChunk}, the text of its
 * handles, pods and timestamps at `textAt` of the chunk's text (made into strings when read); its
 * namespaces, nodes and types are the reader's strings (`strings`, by index). Attributes hold no other
 * `secondary` keys.
 */
export class AttributeColumns implements AttributeView {
  constructor(
    readonly chunk: BlockChunk,
    /** The reader's strings (namespaces, nodes, types) the chunk's `keys` index. */
    readonly strings: readonly string[],
    /** The block's first row. */
    readonly at: number,
    /** Where the block's text starts in the chunk's. */
    readonly textAt: number,
    readonly length: number,
  ) {}

  private span(i: number, field: number): string | undefined {
    const c = this.chunk;
    const s = (this.at + i) * SPAN + field;
    const from = c.spans[s];
    return from < 0 ? undefined : (c.text as LatinBuffer).latin1Slice(this.textAt + from, this.textAt + c.spans[s + 1]);
  }

  private key(i: number, field: number): string | undefined {
    const k = this.chunk.keys[(this.at + i) * KEYS + field];
    return k < 0 ? undefined : this.strings[k];
  }

  /** `handleIdHash` of each attribute's handle (any value when it has none): a view of the chunk's column. */
  get hashes(): Int32Array {
    return this.chunk.hashes.subarray(this.at, this.at + this.length);
  }

  handle(i: number): string | null {
    const c = this.chunk;
    const s = (this.at + i) * SPAN;
    const from = c.spans[s];
    // (A pod's handle ID is in its compact form: `compact-handle.ts`.)
    return from < 0 ? null : handleText(c.text, this.textAt + from, this.textAt + c.spans[s + 1]);
  }

  handleHash(i: number): number | undefined {
    return this.chunk.spans[(this.at + i) * SPAN] < 0 ? undefined : this.chunk.hashes[this.at + i];
  }

  get handleBytes(): Buffer {
    return this.chunk.text;
  }

  handleFrom(i: number): number {
    const from = this.chunk.spans[(this.at + i) * SPAN];
    return from < 0 ? -1 : this.textAt + from;
  }

  handleTo(i: number): number {
    return this.textAt + this.chunk.spans[(this.at + i) * SPAN + 1];
  }

  namespace(i: number): string | undefined {
    return this.key(i, 0);
  }

  node(i: number): string | undefined {
    return this.key(i, 1);
  }

  pod(i: number): string | undefined {
    return this.span(i, 2);
  }

  hasPod(i: number): boolean {
    return this.chunk.spans[(this.at + i) * SPAN + 2] >= 0;
  }

  type(i: number): string | undefined {
    return this.key(i, 2);
  }

  vmi(): string | undefined {
    return undefined;
  }

  /** The attributes as objects, `secondary` keys in kubectl's (sorted) order. */
  attributes(): LiveAttribute[] {
    const out = new Array<LiveAttribute>(this.length);
    for (let i = 0; i < this.length; i++) {
      const secondary: Record<string, string> = {};
      const namespace = this.namespace(i);
      if (namespace !== undefined) secondary.namespace = namespace;
      const node = this.node(i);
      if (node !== undefined) secondary.node = node;
      const pod = this.pod(i);
      if (pod !== undefined) secondary.pod = pod;
      const timestamp = this.span(i, 4);
      if (timestamp !== undefined) secondary.timestamp = timestamp;
      const type = this.type(i);
      if (type !== undefined) secondary.type = type;
      out[i] = { handle: this.handle(i), secondary };
    }
    return out;
  }
}

/** The view of attributes that are objects. */
class ObjectAttributes implements AttributeView {
  readonly length: number;
  constructor(
    private readonly list: readonly LiveAttribute[],
    private readonly hashes: Int32Array | undefined,
  ) {
    this.length = list.length;
  }
  handle(i: number): string | null {
    return this.list[i].handle;
  }
  handleHash(i: number): number | undefined {
    return this.hashes?.[i];
  }
  readonly handleBytes = undefined;
  handleFrom(): number {
    return -1;
  }
  handleTo(): number {
    return -1;
  }
  node(i: number): string | undefined {
    return this.list[i].secondary.node;
  }
  namespace(i: number): string | undefined {
    return this.list[i].secondary.namespace;
  }
  pod(i: number): string | undefined {
    return this.list[i].secondary.pod;
  }
  hasPod(i: number): boolean {
    return this.list[i].secondary.pod !== undefined;
  }
  type(i: number): string | undefined {
    return this.list[i].secondary.type;
  }
  vmi(i: number): string | undefined {
    return this.list[i].secondary.vmi;
  }
}

/**
 * A block's `sequenceNumberForAllocation` as columns: rows `[at, at + length)` of a {@link BlockChunk}'s
 * ordinals (in the order read, each once) and the decimal digits of their sequence numbers, in the
 * chunk's text from `textAt + from` (the first) or the end of the one before to `textAt + ends[i]`.
 */
export class SequenceColumns {
  constructor(
    readonly chunk: BlockChunk,
    /** The block's first row. */
    readonly at: number,
    readonly length: number,
    /** Where the block's text starts in the chunk's. */
    readonly textAt: number,
    /** Where the first sequence number's digits start in the block's text. */
    readonly from: number,
    /** Whether a sequence number is past 2^53 (its number is then rounded). */
    readonly unsafe: boolean,
  ) {}

  private start(i: number): number {
    return i === 0 ? this.from : this.chunk.ends[this.at + i - 1];
  }

  private digits(i: number): string {
    return (this.chunk.text as LatinBuffer).latin1Slice(this.textAt + this.start(i), this.textAt + this.chunk.ends[this.at + i]);
  }

  private ordinal(i: number): number {
    return this.chunk.ordinals[this.at + i];
  }

  /** `sequenceNumberForAllocation` as the JSON parser reads it. */
  numbers(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.length; i++) out[this.ordinal(i)] = Number(this.digits(i));
    return out;
  }

  /** The exact text of the sequence numbers of 16 digits or more, by ordinal (`exactSequenceNumbers.forAllocation`). */
  exact(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.length; i++) if (this.chunk.ends[this.at + i] - this.start(i) >= 16) out[this.ordinal(i)] = this.digits(i);
    return out;
  }

  /** The ordinals from `count` on (not ordinals of a block of `count` addresses), ascending. */
  ordinalsFrom(count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.ordinal(i) >= count) out.push(this.ordinal(i));
    return out.sort((a, b) => a - b);
  }
}

/** The blocks read with their attributes as columns. */
const blockColumns = new WeakMap<LiveBlock, AttributeColumns>();

/** Records that `block`'s attributes are `columns`. */
export function setAttributeColumns(block: LiveBlock, columns: AttributeColumns): void {
  blockColumns.set(block, columns);
}

/** What the check reads of a block's attributes: its columns when the reader left them, else its objects. */
export function attributeViewOf(block: LiveBlock): AttributeView {
  return blockColumns.get(block) ?? new ObjectAttributes(block.attributes, attributeHashesOf(block.attributes));
}

/**
 * Makes `o[key]` an enumerable property whose value `make` gives when first read (then a plain data
 * property): `{ ...o }`, `JSON.stringify(o)` and deep equality see it as any other.
 */
export function defineLazy<T>(o: object, key: string, make: () => T): void {
  Object.defineProperty(o, key, {
    enumerable: true,
    configurable: true,
    get(): T {
      const value = make();
      Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
}
