import { createHash } from "crypto";
import { Cidr, formatAddress } from "../ip";
import type { DumpSource, InspectFinding, LiveAttribute, LiveBlock } from "./model";
import { AttributeColumns, SequenceColumns, defineLazy, setAttributeColumns } from "./private/columns";
import { describeSource, liveFinding } from "./private/findings";
import { canonicalIPv4Cidr, namesCidr, noteCidrText } from "./private/cidr-text";

export { fastBlock } from "./private/fast-block";

export { WINDOWS_RESERVED_HANDLE } from "../simulator/allocate";

/** At most this many ordinals are listed in one finding; the count says how many there are. */
const LISTED = 8;

const NONE: readonly LiveAttribute[] = [];
const NONE_MAP: Readonly<Record<string, number>> = {};

/**
 * The object name Calico gives a block (and uses in affinity names): the CIDR with `.`, `:` and `/`
 * turned into `-` (libcalico-go `names.CIDRToName`), e.g. `10-0-0-64-26`, `fd00-10---122`.
 */
export function blockName(cidr: Cidr): string {
  return cidr.toString().replace(/[.:/]/g, "-");
}

/**
 * The object name Calico gives a block affinity: `<node>-<block name>`; a name of 253 characters or more
 * is cut and suffixed with 11 hex digits of a SHA-256 (libcalico-go `blockAffinityClientV1.parseKey`).
 */
export function affinityName(node: string, cidr: Cidr): string {
  const cidrName = blockName(cidr);
  const name = `${node}-${cidrName}`;
  if (name.length < 253) return name;
  const hash = createHash("sha256").update(`${node}+${cidrName}`).digest("hex").slice(0, 11);
  return `${node.slice(0, 252 - cidrName.length - 13)}-${cidrName}-${hash}`;
}

/** The address of an ordinal of a block, as text. */
export function ordinalAddress(block: { readonly cidr: Cidr }, ordinal: number): string {
  return formatAddress(block.cidr.family, block.cidr.network + BigInt(ordinal));
}

/** The result of {@link decodeBlock}: the block (null when it cannot be used at all) and what is wrong with it. */
export interface DecodedBlock {
  readonly block: LiveBlock | null;
  readonly findings: readonly InspectFinding[];
}

/**
 * An IPAM block's stored spec as {@link decodeBlockFields} reads it: from the parsed spec
 * ({@link blockFields}), or straight from the dump's text (`fast-decode.ts`).
 */
export interface BlockFields {
  /** `cidr` as written. */
  readonly cidrText: string;
  /**
   * `allocations` as stored: attribute indexes, null for free ordinals; or the kubectl-layout matcher's
   * column (an `Int32Array`, -1 for null: it reads no negative index), which the block then keeps.
   */
  readonly allocations: ArrayLike<number | null | undefined> | Int32Array;
  /** The attributes, or their columns (the kubectl-layout matcher's: `LiveBlock.attributes` is then made when first read). */
  readonly attributes: readonly LiveAttribute[] | AttributeColumns;
  /** `unallocated`, or the matcher's column of it. */
  readonly unallocated: readonly number[] | Int32Array;
  /** The map, or its columns (as `attributes`; `exactSequenceNumbers.forAllocation` is then their exact digits). */
  readonly sequenceNumberForAllocation: Readonly<Record<string, number>> | SequenceColumns;
  /** `affinity` when a non-empty string, else null. */
  readonly affinity: string | null;
  readonly deleted: boolean;
  readonly strictAffinity: boolean;
  /** `sequenceNumber`, 0 when absent. */
  readonly sequenceNumber: number;
  readonly affinityClaimTime: string | null;
  /** The exact text of the sequence numbers past 2^53 (see {@link LiveBlock.exactSequenceNumbers}). */
  readonly exactSequenceNumbers?: { readonly sequenceNumber?: string; readonly forAllocation: Readonly<Record<string, string>> };
}

/** The fields of a parsed IPAM block spec (already checked against the CRD schema), with the reader's exact integers. */
export function blockFields(spec: Record<string, unknown>, bigIntegers?: Readonly<Record<string, string>>): BlockFields {
  const attributesRaw = spec.attributes as readonly { handle_id?: string; secondary?: Record<string, string> }[];
  return {
    cidrText: String(spec.cidr),
    allocations: spec.allocations as readonly (number | null)[],
    attributes: attributesRaw.map((a) => ({ handle: typeof a.handle_id === "string" ? a.handle_id : null, secondary: a.secondary ?? {} })),
    unallocated: spec.unallocated as readonly number[],
    sequenceNumberForAllocation: (spec.sequenceNumberForAllocation ?? {}) as Record<string, number>,
    affinity: typeof spec.affinity === "string" && spec.affinity !== "" ? spec.affinity : null,
    deleted: spec.deleted === true,
    strictAffinity: spec.strictAffinity === true,
    sequenceNumber: typeof spec.sequenceNumber === "number" ? spec.sequenceNumber : 0,
    affinityClaimTime: typeof spec.affinityClaimTime === "string" ? spec.affinityClaimTime : null,
    ...(bigIntegers ? { exactSequenceNumbers: exactSequences(bigIntegers) } : {}),
  };
}

/**
 * Decodes an IPAM block's stored spec (already checked against the CRD schema) and checks its
 * structure: {@link decodeBlockFields} of {@link blockFields}.
 */
export function decodeBlock(name: string, spec: Record<string, unknown>, source: DumpSource, bigIntegers?: Readonly<Record<string, string>>): DecodedBlock {
  return decodeBlockFields(name, blockFields(spec, bigIntegers), source);
}

/**
 * Decodes an IPAM block and checks its
 * structure the way `calicoctl ipam check` validates blocks, and more: the CIDR parses and is masked,
 * `allocations` has one entry per address, every allocation points at an attribute, every attribute
 * is used, `unallocated` holds each free ordinal once and only free ordinals within the block, no
 * ordinal is lost (neither allocated nor free), `sequenceNumberForAllocation` names ordinals of the
 * block, `affinity` is `host:<node>` or `virtual:<name>`, the name is the one Calico gives the CIDR.
 * Cost: linear in the block's addresses (a block holds at most 4,096).
 */
export function decodeBlockFields(name: string, spec: BlockFields, source: DumpSource): DecodedBlock {
  // (The subject and the source's text are made only for a finding: most blocks have none.)
  const where = () => describeSource(source);
  const findings: InspectFinding[] = [];
  const add = (severity: "error" | "warning", code: string, path: string, message: string) => findings.push(liveFinding(severity, code, `IPAMBlock/${name}`, path, message, "dump"));

  const cidrText = spec.cidrText;
  // (An IPv4 CIDR in its canonical text, as kubectl's dumps hold them, is read at once; any other text the general way.)
  const canonical = canonicalIPv4Cidr(cidrText);
  let cidr: Cidr;
  if (canonical !== undefined) {
    cidr = canonical;
  } else {
    const parsed = Cidr.tryParse(cidrText);
    if (parsed.ok) {
      cidr = parsed.cidr;
    } else {
      let loose: Cidr | null = null;
      try {
        loose = Cidr.parseLoose(cidrText);
      } catch {
        loose = null;
      }
      if (!loose) {
        add("error", "BLOCK_CIDR_INVALID", "spec.cidr", `${where()}: block CIDR "${cidrText}" does not parse (${parsed.error.message}); the block is left out of every check. Produce the dump again, or delete the object if it is garbage.`);
        return { block: null, findings };
      }
      add("warning", "BLOCK_CIDR_INVALID", "spec.cidr", `${where()}: block CIDR "${cidrText}" has host bits set; Calico reads it as ${loose.toString()}.`);
      cidr = loose;
    }
  }
  // (The name is compared with the CIDR's text in place when that text is the CIDR's canonical one.)
  if (canonical !== undefined || noteCidrText(cidr, cidrText) ? !namesCidr(name, 0, cidrText) : name !== blockName(cidr)) {
    const expectedName = blockName(cidr);
    add("warning", "BLOCK_NAME", "metadata.name", `${where()}: block ${cidr.toString()} is named "${name}"; Calico names it "${expectedName}" and looks it up by that name, so this object is never found by CIDR.`);
  }

  const size = cidr.size;
  const rawAllocations = spec.allocations;
  const length = rawAllocations.length;
  // (A block's size as a number is exact up to 2^53, and a larger one is never a list's length.)
  const sizeNumber = Number(size);
  if (length !== sizeNumber) {
    add(
      "error",
      "BLOCK_ALLOCATIONS_LENGTH",
      "spec.allocations",
      `${where()}: block ${cidr.toString()} has ${size} addresses but spec.allocations has ${length} entries; Calico indexes allocations by ordinal and fails on this block. ` +
        `Only the first ${BigInt(length) < size ? length : size} entries are read. Release the block's addresses and delete the block so a node claims it afresh.`,
    );
  }
  const count = length < sizeNumber ? length : sizeNumber;
  const attributes = spec.attributes;
  // (The matcher's column is kept when it is the block's length; it is the block's own, so an index
  // that points nowhere is set to -1 there.)
  const column = rawAllocations instanceof Int32Array;
  const allocations = column && count === length ? rawAllocations : new Int32Array(count);
  const usedAttributes = scratch(0, attributes.length);
  const badIndex: number[] = [];
  let firstBad = 0;
  const garbage = scratch(1, count);
  let allocated = 0;
  for (let o = 0; o < count; o++) {
    const v = rawAllocations[o];
    if (v === null || v === undefined || (column && v === -1)) {
      allocations[o] = -1;
      continue;
    }
    if (v < 0 || v >= attributes.length) {
      if (badIndex.length === 0) firstBad = v;
      badIndex.push(o);
      garbage[o] = 1;
      allocations[o] = -1;
      continue;
    }
    allocations[o] = v;
    usedAttributes[v] = 1;
    allocated++;
  }
  if (badIndex.length > 0) {
    add(
      "error",
      "BLOCK_ATTRIBUTE_INDEX",
      `spec.allocations[${badIndex[0]}]`,
      `${where()}: ${ordinalList(badIndex)} of block ${cidr.toString()} ${badIndex.length === 1 ? "points" : "point"} at an attribute that does not exist (spec.attributes has ${attributes.length}), e.g. allocation ${badIndex[0]} indexes ${firstBad}; ` +
        `their owner is unknown and they are counted as free here. calicoctl ipam check reports the block as invalid.`,
    );
  }
  const unused: number[] = [];
  for (let i = 0; i < attributes.length; i++) if (usedAttributes[i] === 0) unused.push(i);
  if (unused.length > 0) {
    add("warning", "BLOCK_ATTRIBUTE_UNUSED", `spec.attributes[${unused[0]}]`, `${where()}: ${plural(unused.length, "attribute")} of block ${cidr.toString()} (index ${listed(unused)}) ${unused.length === 1 ? "is" : "are"} not used by any allocation; calicoctl ipam check reports the block as invalid.`);
  }

  const unallocated = spec.unallocated instanceof Int32Array ? numbers(spec.unallocated) : spec.unallocated;
  const seen = scratch(2, count);
  const outOfRange: number[] = [];
  const repeated: number[] = [];
  const both: number[] = [];
  for (let i = 0; i < unallocated.length; i++) {
    const o = unallocated[i];
    if (o < 0 || o >= count) outOfRange.push(i);
    else if (seen[o] === 1) repeated.push(i);
    else {
      seen[o] = 1;
      if (allocations[o] >= 0) both.push(i);
    }
  }
  if (outOfRange.length > 0) {
    add(
      "error",
      "BLOCK_ORDINAL_OUT_OF_RANGE",
      `spec.unallocated[${outOfRange[0]}]`,
      `${where()}: spec.unallocated of block ${cidr.toString()} holds ${plural(outOfRange.length, "ordinal")} outside the block (0 to ${count - 1}), e.g. ${unallocated[outOfRange[0]]} at index ${outOfRange[0]}; Calico would hand out an address of another block.`,
    );
  }
  if (repeated.length > 0) {
    add("error", "BLOCK_UNALLOCATED_DUPLICATE", `spec.unallocated[${repeated[0]}]`, `${where()}: spec.unallocated of block ${cidr.toString()} lists ${plural(repeated.length, "ordinal")} twice (${listed(repeated.map((i) => unallocated[i]))}); Calico would hand the address out twice.`);
  }
  if (both.length > 0) {
    add(
      "error",
      "BLOCK_ORDINAL_BOTH",
      `spec.unallocated[${both[0]}]`,
      `${where()}: ${plural(both.length, "ordinal")} of block ${cidr.toString()} (${listed(both.map((i) => unallocated[i]))}) ${both.length === 1 ? "is" : "are"} allocated and also listed as free in spec.unallocated; Calico would hand ${both.length === 1 ? "it" : "them"} out again while in use.`,
    );
  }
  const lost: number[] = [];
  for (let o = 0; o < count; o++) if (allocations[o] < 0 && seen[o] === 0 && garbage[o] === 0) lost.push(o);
  if (lost.length > 0) {
    add("error", "BLOCK_ORDINAL_LOST", "spec.unallocated", `${where()}: ${ordinalList(lost)} of block ${cidr.toString()} ${lost.length === 1 ? "is" : "are"} neither allocated nor in spec.unallocated: Calico never hands ${lost.length === 1 ? "it" : "them"} out again.`);
  }

  const seqMap = spec.sequenceNumberForAllocation;
  // (Columns hold ordinals: plain integers of at most 9 digits, which objects list in ascending order.)
  // (Columns' keys past the block are rare: the common case gives one shared empty list, so V8's
  // optimized code sees one kind of array here and is not thrown away for another.)
  const pastBlock = seqMap instanceof SequenceColumns ? seqMap.ordinalsFrom(count) : null;
  const badSeq = pastBlock !== null ? (pastBlock.length === 0 ? NO_KEYS : pastBlock.map(String)) : Object.keys(seqMap).filter((k) => !/^(0|[1-9][0-9]*)$/.test(k) || Number(k) >= count);
  if (badSeq.length > 0) {
    add("warning", "BLOCK_SEQUENCE_ORDINAL", `spec.sequenceNumberForAllocation.${badSeq[0]}`, `${where()}: spec.sequenceNumberForAllocation of block ${cidr.toString()} has ${plural(badSeq.length, "key")} that ${badSeq.length === 1 ? "is" : "are"} not an ordinal of the block (${listed(badSeq)}).`);
  }

  const affinity = spec.affinity;
  let host: string | null = null;
  if (affinity !== null) {
    const m = /^(host|virtual):(.+)$/.exec(affinity);
    if (!m) add("warning", "BLOCK_AFFINITY_FORMAT", "spec.affinity", `${where()}: affinity "${affinity}" of block ${cidr.toString()} is neither "host:<node>" nor "virtual:<name>"; Calico treats the block as not affine to any node.`);
    else if (m[1] === "host") host = m[2];
  }
  const deleted = spec.deleted;
  if (deleted) {
    add("warning", "BLOCK_DELETED", "spec.deleted", `${where()}: block ${cidr.toString()} is marked deleted: Calico was deleting it when the dump was taken, and deletes it on its next read. Take the dump again if it is still there.`);
  }

  // The kubectl-layout matcher's blocks (attributes and sequence numbers as columns): made when first
  // read, by accessors the blocks share ({@link columnBlock}).
  if (attributes instanceof AttributeColumns && seqMap instanceof SequenceColumns) {
    const block = new columnBlock(name, cidr, affinity, host, allocations, allocated, unallocated, attributes, spec.sequenceNumber, seqMap, spec.strictAffinity, deleted, spec.affinityClaimTime, source, spec.exactSequenceNumbers);
    setAttributeColumns(block, attributes);
    return { block, findings };
  }
  const block: LiveBlock = {
    name,
    cidr,
    affinity,
    host,
    allocations,
    allocated,
    unallocated,
    // (Columns are replaced at once by properties made when first read.)
    attributes: attributes instanceof AttributeColumns ? NONE : attributes,
    sequenceNumber: spec.sequenceNumber,
    sequenceNumberForAllocation: seqMap instanceof SequenceColumns ? NONE_MAP : seqMap,
    strictAffinity: spec.strictAffinity,
    deleted,
    affinityClaimTime: spec.affinityClaimTime,
    source,
    ...(spec.exactSequenceNumbers ? { exactSequenceNumbers: spec.exactSequenceNumbers } : {}),
  };
  if (attributes instanceof AttributeColumns) {
    defineLazy(block, "attributes", () => attributes.attributes());
    setAttributeColumns(block, attributes);
  }
  if (seqMap instanceof SequenceColumns) {
    defineLazy(block, "sequenceNumberForAllocation", () => seqMap.numbers());
    const exact = spec.exactSequenceNumbers;
    if (exact !== undefined) defineLazy(block, "exactSequenceNumbers", () => ({ ...exact, forAllocation: seqMap.unsafe ? seqMap.exact() : {} }));
  }
  return { block, findings };
}

/**
 * A block whose attributes and sequence numbers are columns: `attributes`, `sequenceNumberForAllocation`
 * and `exactSequenceNumbers` (when `exact` is given) are made when first read, then kept as plain data
 * properties. They are own enumerable properties from the start (`{ ...block }`, `JSON.stringify(block)`
 * and deep equality see them as any other, as {@link defineLazy} makes them), in the order of the other
 * readers' blocks.
 *
 * The accessors are the same three functions for every block (they find the block's columns by the
 * block, {@link lazyColumns}), so all blocks share one map (hidden class) and V8 keeps them in fast
 * mode. An object literal with getters makes new closures per block, and V8 then keeps each block as a
 * dictionary (a hash table of its 15 properties: ~1 KB a block, and every `block.allocations` of the
 * check a hash lookup). Made by `new` of {@link ColumnBlock}.
 */
const columnBlock = ColumnBlock as unknown as new (...args: Parameters<typeof ColumnBlock>) => LiveBlock;

/** What a column block's accessors make their values of. */
class LazyColumns {
  constructor(
    readonly attributes: AttributeColumns,
    readonly seq: SequenceColumns,
    readonly exact: BlockFields["exactSequenceNumbers"],
  ) {}
}

/** The columns of the blocks {@link columnBlock} made, by block. */
const lazyColumns = new WeakMap<object, LazyColumns>();

/** A column block's columns (the block was made by {@link columnBlock}). */
function columnsOf(block: object): LazyColumns {
  const c = lazyColumns.get(block);
  if (c === undefined) throw new Error("internal: a column block's accessor read on another object");
  return c;
}

const LAZY_ATTRIBUTES: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: LiveBlock): readonly LiveAttribute[] {
    return settle(this, "attributes", columnsOf(this).attributes.attributes());
  },
};
const LAZY_SEQUENCE_NUMBERS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: LiveBlock): Readonly<Record<string, number>> {
    return settle(this, "sequenceNumberForAllocation", columnsOf(this).seq.numbers());
  },
};
const LAZY_EXACT: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: LiveBlock): LiveBlock["exactSequenceNumbers"] {
    const { seq, exact } = columnsOf(this);
    return settle(this, "exactSequenceNumbers", { ...exact, forAllocation: seq.unsafe ? seq.exact() : {} });
  },
};

/**
 * {@link columnBlock}'s constructor: a plain function whose `prototype` is `Object.prototype`, so its
 * objects are what a literal makes (prototype, `constructor`), with their fields in the object and not in
 * a separate array (V8 sizes a constructor's objects by the fields it has seen it add).
 */
function ColumnBlock(
  this: Record<string, unknown>,
  name: string,
  cidr: Cidr,
  affinity: string | null,
  host: string | null,
  allocations: Int32Array,
  allocated: number,
  unallocated: readonly number[],
  attributes: AttributeColumns,
  sequenceNumber: number,
  seq: SequenceColumns,
  strictAffinity: boolean,
  deleted: boolean,
  affinityClaimTime: string | null,
  source: DumpSource,
  exact: BlockFields["exactSequenceNumbers"],
): void {
  this.name = name;
  this.cidr = cidr;
  this.affinity = affinity;
  this.host = host;
  this.allocations = allocations;
  this.allocated = allocated;
  this.unallocated = unallocated;
  Object.defineProperty(this, "attributes", LAZY_ATTRIBUTES);
  this.sequenceNumber = sequenceNumber;
  Object.defineProperty(this, "sequenceNumberForAllocation", LAZY_SEQUENCE_NUMBERS);
  this.strictAffinity = strictAffinity;
  this.deleted = deleted;
  this.affinityClaimTime = affinityClaimTime;
  this.source = source;
  if (exact !== undefined) Object.defineProperty(this, "exactSequenceNumbers", LAZY_EXACT);
  lazyColumns.set(this, new LazyColumns(attributes, seq, exact));
}
ColumnBlock.prototype = Object.prototype;

/** Makes `o[key]` the plain data property `value` (in place of the accessor that made it); returns `value`. */
function settle<T>(o: object, key: string, value: T): T {
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
  return value;
}

/** {@link decodeBlockFields}'s scratch columns (one block at a time), by use. */
const scratches = [new Uint8Array(4096), new Uint8Array(4096), new Uint8Array(4096)];

/** Scratch column `k` with its first `n` entries 0. */
function scratch(k: number, n: number): Uint8Array {
  if (scratches[k].length < n) scratches[k] = new Uint8Array(n);
  const a = scratches[k];
  a.fill(0, 0, n);
  return a;
}

/** The exact sequence numbers of a block, from the reader's `spec.…` paths. */
function exactSequences(bigIntegers: Readonly<Record<string, string>>): { sequenceNumber?: string; forAllocation: Record<string, string> } {
  const prefix = "spec.sequenceNumberForAllocation.";
  const forAllocation: Record<string, string> = {};
  for (const [path, digits] of Object.entries(bigIntegers)) if (path.startsWith(prefix)) forAllocation[path.slice(prefix.length)] = digits;
  const sequenceNumber = bigIntegers["spec.sequenceNumber"];
  return { ...(sequenceNumber !== undefined ? { sequenceNumber } : {}), forAllocation };
}

/** No keys: what most blocks' check of their sequence numbers' keys gives. */
const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * A column as a list of numbers (a block's `unallocated`, kept to the end of the read). Made by
 * `Array.prototype.slice`, a builtin that tracks no allocation site: a `new Array(n)` in this function is
 * one, and when V8 decides to tenure its arrays (they live long) it throws away the optimized code of every
 * function that inlined it (`decodeBlockFields` was compiled 3 to 4 times a read for it). (`Array.from`
 * walks the column with an iterator: a result object per number, ~7 MB of garbage for the bench dump.)
 */
function numbers(column: Int32Array): number[] {
  return Array.prototype.slice.call(column) as number[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function listed(values: readonly (number | string)[]): string {
  const head = values.slice(0, LISTED).join(", ");
  return values.length > LISTED ? `${head}, … ${values.length - LISTED} more` : head;
}

function ordinalList(ordinals: readonly number[]): string {
  return `${ordinals.length === 1 ? "ordinal" : `${ordinals.length} ordinals`} ${listed(ordinals)}`;
}
