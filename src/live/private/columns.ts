/**
 * A block's allocation attributes and sequence numbers as columns, as the kubectl-layout matcher
 * (`template-decode.ts`) reads them: a dump of 500,000 allocations would otherwise hold an attribute
 * object, a `secondary` record, a handle, pod and timestamp string each, and a record of sequence
 * numbers (and one of their exact digits) per block, which the collector has to trace on every
 * collection while the rest of the dump is read.
 *
 * Per block, the text of the values that are not shared (handles, pods, timestamps, the digits of the
 * sequence numbers) is one string, with the place of each value in it; the values that repeat
 * (namespace, node, type) are the one string the reader interned. `LiveBlock.attributes`,
 * `sequenceNumberForAllocation` and `exactSequenceNumbers` are made from the columns when first read
 * ({@link defineLazy}), equal to what the other readers make; the check reads the columns themselves
 * ({@link attributeViewOf}).
 */
import type { LiveAttribute, LiveBlock } from "../model";
import { attributeHashesOf } from "./handle-ids";

/** What the check reads of a block's attributes, by attribute index. */
export interface AttributeView {
  readonly length: number;
  /** `handle_id`; null when absent. */
  handle(i: number): string | null;
  /** `handleIdHash` of the handle when the reader hashed it; undefined otherwise. */
  handleHash(i: number): number | undefined;
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

/** Fields of a span: where the pod and timestamp of an attribute are in the block's text. */
const SPAN = 4;
/** Fields of a key row: namespace, node and type. */
const KEYS = 3;

/**
 * A block's attributes as columns. `handles` holds the handles (the check compares them with the
 * IPAM handles' IDs: a string of its own compares faster than one cut from `text`); `spans` holds, per
 * attribute, `[from, to)` of the pod and the timestamp in `text` (`from` is -1 when absent); `keys`
 * holds, per attribute, the namespace, node and type (undefined when absent). Attributes hold no other
 * `secondary` keys.
 */
export class AttributeColumns implements AttributeView {
  constructor(
    readonly length: number,
    private readonly handles: readonly (string | null)[],
    private readonly text: string,
    private readonly spans: Int32Array,
    private readonly keys: readonly (string | undefined)[],
    /** `handleIdHash` of each attribute's handle (any value when it has none). */
    readonly hashes: Int32Array,
  ) {}

  private span(i: number, field: number): string | undefined {
    const from = this.spans[i * SPAN + field];
    return from < 0 ? undefined : this.text.slice(from, this.spans[i * SPAN + field + 1]);
  }

  handle(i: number): string | null {
    return this.handles[i];
  }

  handleHash(i: number): number | undefined {
    return this.handles[i] === null ? undefined : this.hashes[i];
  }

  namespace(i: number): string | undefined {
    return this.keys[i * KEYS];
  }

  node(i: number): string | undefined {
    return this.keys[i * KEYS + 1];
  }

  pod(i: number): string | undefined {
    return this.span(i, 0);
  }

  hasPod(i: number): boolean {
    return this.spans[i * SPAN] >= 0;
  }

  type(i: number): string | undefined {
    return this.keys[i * KEYS + 2];
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
      const timestamp = this.span(i, 2);
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
 * A block's `sequenceNumberForAllocation` as columns: the ordinals (in the order read, each once) and
 * the decimal digits of their sequence numbers, `[ends[i - 1], ends[i])` of `text` (`ends[-1]` is
 * `from`).
 */
export class SequenceColumns {
  constructor(
    readonly ordinals: Int32Array,
    private readonly text: string,
    private readonly from: number,
    private readonly ends: Int32Array,
    /** Whether a sequence number is past 2^53 (its number is then rounded). */
    readonly unsafe: boolean,
  ) {}

  private digits(i: number): string {
    return this.text.slice(i === 0 ? this.from : this.ends[i - 1], this.ends[i]);
  }

  /** `sequenceNumberForAllocation` as the JSON parser reads it. */
  numbers(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.ordinals.length; i++) out[this.ordinals[i]] = Number(this.digits(i));
    return out;
  }

  /** The exact text of the sequence numbers of 16 digits or more, by ordinal (`exactSequenceNumbers.forAllocation`). */
  exact(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.ordinals.length; i++) {
      const from = i === 0 ? this.from : this.ends[i - 1];
      if (this.ends[i] - from >= 16) out[this.ordinals[i]] = this.digits(i);
    }
    return out;
  }

  /** The ordinals from `count` on (not ordinals of a block of `count` addresses), ascending. */
  ordinalsFrom(count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ordinals.length; i++) if (this.ordinals[i] >= count) out.push(this.ordinals[i]);
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
