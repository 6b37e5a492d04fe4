/**
 * The ledger as `serializeLedger` writes it, read straight into columns (see `EntryColumns`): a fast
 * path of `parseLedger` for the file this package wrote itself, which is most of the cost of every run
 * after the first. And the other way ({@link canonicalLedgerText}): the same text written from columns,
 * the fast path of `serializeLedger` for the ledger of a carver's first run. The entries are made from the columns when first asked for; a carving run that keeps
 * every pool reads the columns, the IPv4 ranges as numbers and their address order alone, and compares
 * its requests' names with the text in place.
 *
 * The reader accepts only the exact bytes `serializeLedger` writes for a ledger of pools alone (no
 * `addresses`, `nodeCidrs`, `clusters`, `migrations` or `subSpaces`, no `spec` in an entry), and only
 * when every rule of the format holds; for any other text it returns `undefined`, and `parseLedger`
 * reads the text the general way, with the same errors as ever. Every text it accepts, the general
 * path accepts too, and reads into the same ledger:
 * - the layout is the canonical one, line by line, so the text is JSON with no merge-conflict marker;
 * - the names are in strictly increasing code-unit order, so no key is written twice;
 * - names, CIDRs, families, block sizes and statuses pass the same checks as `inspectLedger`'s;
 * - no two ranges overlap.
 *
 * It reads the text as bytes, not as characters: a canonical ledger is ASCII, so `TextEncoder.encodeInto`
 * writes it one byte per character into a buffer the reader keeps from read to read (its arena), and any
 * text it does not write so is refused. On bytes, the fixed text around the fields is compared eight
 * bytes at a time (as doubles), a name's characters are classed by a table and the order of two names is
 * that of their bytes read as big-endian words, all in place; on the string, each character read was a
 * `charCodeAt` (a loop of those over a 10,000-pool ledger's 1.26 MB alone took 1.5 ms, the whole
 * read on the string 1.6 ms; on bytes ~1.0 ms, the encoding 0.07 ms of it).
 */
import { Cidr, findOverlaps } from "../../ip";
import { digitBits } from "../../ip/cidr";
import { ScratchArena } from "../../ip/scratch-arena";
import { rememberSerialized } from "../checked";
import { BLOCK_SIZE_RANGE, Ledger, LedgerStatus } from "../format";
import { ArenaStamp, EntryColumns, KeptColumns, NamesInText, PoolIndex, STATUS_OF_CODE, checkedIndexedLedger } from "../pool-index";
import { V4_HOST_MASKS, V4_SIZES, canonicalIPv6, keyPrefix } from "./canonical-cidr";

const HEAD = '{\n  "pools": {';
const TAIL = '\n  },\n  "version": 1\n}\n';

// The fixed text around an entry's fields, as serializeLedger writes it. The characters a name or
// CIDR may hold (checked one by one) exclude quotes and backslashes, so an entry read is JSON with no escape.
const BEFORE_NAME = '\n    "';
const BEFORE_BLOCK_SIZE = '": {\n      "blockSize": ';
const BEFORE_CIDR = ',\n      "cidr": "';
const BEFORE_FAMILY = '",\n      "family": ';
const BEFORE_STATUS = ',\n      "status": "';
const AFTER_STATUS = '"\n    }';
/** The text between two entries, from the end of the first to the next name. */
const BETWEEN_ENTRIES = `,${BEFORE_NAME}`;
/** Where the first name starts. */
const FIRST_NAME = HEAD.length + BEFORE_NAME.length;
/** From the end of a CIDR: where its family's digit is, and where its status starts. */
const FAMILY_AT = BEFORE_FAMILY.length;
const STATUS_AT = FAMILY_AT + 1 + BEFORE_STATUS.length;

/**
 * A piece of the fixed text, and its bytes as little-endian doubles at offsets 0, 8, … and, when its
 * length is no multiple of 8, at its length - 8 (`lastAt`: the last double overlaps the one before): the
 * reader compares it in place with a few 8-byte reads ({@link bytesAt}). Two doubles are equal exactly
 * when their bits are, but for zeros (+0 and -0) and NaNs: a piece's doubles are neither, since their
 * bytes are ASCII of 0x0a or more (the last, the top byte, makes the exponent neither 0 nor all ones).
 */
interface Piece {
  readonly text: string;
  readonly doubles: Float64Array;
  readonly lastAt: number;
}

/** The fewest bytes of a piece: the first five doubles are compared unconditionally ({@link bytesAt}). */
const SHORTEST_PIECE = 40;

function piece(text: string): Piece {
  if (text.length < SHORTEST_PIECE) throw new Error(`canonical-read: a piece shorter than ${SHORTEST_PIECE}: ${JSON.stringify(text)}`);
  const view = new DataView(new ArrayBuffer(text.length));
  for (let k = 0; k < text.length; k++) view.setUint8(k, text.charCodeAt(k));
  const lastAt = text.length - 8;
  const doubles = Float64Array.from({ length: Math.ceil(text.length / 8) }, (_, k) => view.getFloat64(Math.min(8 * k, lastAt), true));
  if (doubles.some((d) => !(Math.abs(d) >= 2 ** -1022 && Number.isFinite(d)))) throw new Error(`canonical-read: a piece's bytes are no normal doubles: ${JSON.stringify(text)}`);
  return { text, doubles, lastAt };
}

/**
 * The text from the end of a name to the start of its CIDR, by block size: one comparison checks it
 * whole, the block size's digits with it. Made for the block sizes either family allows; none for any
 * other (the reader refuses it).
 */
const AFTER_NAME: ReadonlyArray<Piece | undefined> = Array.from({ length: BLOCK_SIZE_RANGE[6][1] + 1 }, (_, blockSize) =>
  (blockSize >= BLOCK_SIZE_RANGE[4][0] && blockSize <= BLOCK_SIZE_RANGE[4][1]) || (blockSize >= BLOCK_SIZE_RANGE[6][0] && blockSize <= BLOCK_SIZE_RANGE[6][1])
    ? piece(`${BEFORE_BLOCK_SIZE}${blockSize}${BEFORE_CIDR}`)
    : undefined,
);

/** The text from the end of a name to the start of its CIDR, for the writer: {@link AFTER_NAME}'s when made. */
function afterName(blockSize: number): Piece {
  return AFTER_NAME[blockSize] ?? piece(`${BEFORE_BLOCK_SIZE}${blockSize}${BEFORE_CIDR}`);
}

/**
 * The text from the end of a CIDR to the end of its entry, by family and status (compared by the reader),
 * and to the next name (written between entries).
 */
function afterCidr(family: 4 | 6, status: LedgerStatus): { readonly last: Piece; readonly next: string } {
  const last = `${BEFORE_FAMILY}${family}${BEFORE_STATUS}${status}${AFTER_STATUS}`;
  return { last: piece(last), next: `${last}${BETWEEN_ENTRIES}` };
}

const AFTER_CIDR = {
  4: { active: afterCidr(4, "active"), draining: afterCidr(4, "draining"), adopted: afterCidr(4, "adopted") },
  6: { active: afterCidr(6, "active"), draining: afterCidr(6, "draining"), adopted: afterCidr(6, "adopted") },
} as const;

/**
 * The text from the end of a CIDR to the end of its entry, by family and status code, as the reader
 * compares it (one comparison for every entry): IPv4's first, then IPv6's, each by code (see `STATUS_OF_CODE`).
 */
const ENTRY_ENDS: readonly Piece[] = [4, 6].flatMap((family) => STATUS_OF_CODE.map((status) => AFTER_CIDR[family as 4 | 6][status].last));

/** The first and last four of the seven bytes of {@link BETWEEN_ENTRIES} as little-endian 32-bit words (they overlap), as the reader compares them. */
const BETWEEN_ENTRIES_HEAD = littleEndianWord(BETWEEN_ENTRIES, 0);
const BETWEEN_ENTRIES_TAIL = littleEndianWord(BETWEEN_ENTRIES, 3);

function littleEndianWord(text: string, at: number): number {
  return text.charCodeAt(at) | (text.charCodeAt(at + 1) << 8) | (text.charCodeAt(at + 2) << 16) | (text.charCodeAt(at + 3) << 24);
}

/**
 * Where the reader's columns find each name in the text: the first at {@link FIRST_NAME}, each other one
 * after the text that follows the CIDR before it (its length by that entry's family and status); each ends
 * where the text before its CIDR starts (its length by the entry's block size's digits).
 */
const NAMES_IN_TEXT: NamesInText = {
  start(c: EntryColumns, k: number): number {
    return k === 0 ? FIRST_NAME : c.cidrEnds![k - 1] + AFTER_CIDR_LENGTH[c.families[k - 1]][c.statuses[k - 1]];
  },
  end(c: EntryColumns, k: number): number {
    return c.cidrStarts![k] - (c.blockSizes[k] >= 100 ? AFTER_NAME_LENGTH + 1 : AFTER_NAME_LENGTH);
  },
};

/** The length of the text from the end of a CIDR to the next name, by family and status code (see `STATUS_OF_CODE`). */
const AFTER_CIDR_LENGTH: { readonly [family: number]: readonly number[] } = {
  4: STATUS_OF_CODE.map((status) => AFTER_CIDR[4][status].next.length),
  6: STATUS_OF_CODE.map((status) => AFTER_CIDR[6][status].next.length),
};
/** The length of the text from the end of a name to the start of its CIDR, for a block size of two digits. */
const AFTER_NAME_LENGTH = BEFORE_BLOCK_SIZE.length + 2 + BEFORE_CIDR.length;

/** The block sizes each family allows, as constants (the loop reads no table). */
const V4_MIN_BLOCK = BLOCK_SIZE_RANGE[4][0];
const V4_MAX_BLOCK = BLOCK_SIZE_RANGE[4][1];
const V6_MIN_BLOCK = BLOCK_SIZE_RANGE[6][0];
const V6_MAX_BLOCK = BLOCK_SIZE_RANGE[6][1];

/**
 * The fewest characters an entry takes after the first (a name of one character, a block size of two
 * digits, a CIDR of four, the shortest status, the comma and the text before the next name): the
 * text holds at most its length over this many entries, so the columns are made once at that length.
 */
const SHORTEST_ENTRY = 1 + AFTER_NAME_LENGTH + 4 + AFTER_CIDR[4].active.next.length;

/**
 * @internal The ledger of a text in the exact form {@link serializeLedger} writes for a ledger of
 * pools only, checked and registered as `inspectLedger` registers it; `undefined` for any other text.
 * The text is read as bytes: encoded once into the reader's arena ({@link READER_SCRATCH}: the same
 * pages from read to read), where an ASCII text (every canonical ledger is one; any other text is
 * refused) has one byte per character, at the index of its character. Per entry, the name and the CIDR
 * are scanned byte by byte (the name's bytes classed by a table, {@link NAME_CLASS}, and compared with
 * the name before it as big-endian words, {@link nameComesAfter}; an IPv4 CIDR read into its number as
 * it is scanned), and the fixed text around them is compared whole in two pieces, eight bytes at a time
 * ({@link bytesAt}: the piece after the name holds the block size, the piece after the CIDR the family
 * and the status), then the seven bytes between two entries. The IPv4 ranges are sorted by network
 * ({@link ipv4Order}) for the overlap check. No string is made per entry: each entry's family, block size, status
 * and where its CIDR is written go into columns ({@link EntryColumns}), from which the entries are made
 * when first asked for; its name is found in the text from them ({@link NAMES_IN_TEXT}), compared in
 * place with a run's requests (see `PoolIndex.compareName`), and sliced only when the names are read;
 * and no `Cidr` is made (the registered CIDRs are read when a run asks for them). The pools are indexed
 * by position ({@link PoolIndex}); the ledger's `pools` record is made when first read. The columns lie
 * in the reader's arena too, after its scratch, valid until its next read begins; a ledger used after
 * that reads its text again into columns of its own (see `ArenaStamp` and `EntryColumns.valid`).
 */
export function readCanonicalLedger(text: string): Ledger | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL) || !text.startsWith(BEFORE_NAME, HEAD.length)) return undefined;
  const capacity = Math.floor(text.length / SHORTEST_ENTRY) + 1;
  // The text's bytes, the IPv4 ranges apart for the overlap check (network, prefix and position of each),
  // then the columns the ledger keeps: from the reader's arena, reused from read to read (made anew each
  // read, they were 1.3 MB and ~240 KB of fresh memory for 10,000 ranges: page faults on a host where
  // each first touch of a page costs one). The kept columns stay valid until the arena's next read (see
  // `ArenaStamp`).
  const scratch = READER_SCRATCH.begin(arenaBytes(text, capacity));
  try {
    const bytes = scratch.u8(text.length + BYTES_AFTER_TEXT);
    if (!asciiBytes(text, bytes)) return undefined;
    const read = readColumns(text, bytes, capacity, scratch, scratch);
    if (read === undefined) return undefined;
    const stamp: ArenaStamp = { arena: scratch, generation: scratch.generation, readAgain: () => readColumnsAgain(text) };
    // Names in increasing order, none integer-like: the order of the record, once made.
    // The names are found in the text from the columns (NAMES_IN_TEXT): no list, no string per name.
    const columns = new EntryColumns(text, read.cidrStarts, read.cidrEnds, NAMES_IN_TEXT, undefined, undefined, read.families, read.blockSizes, read.statuses, read.keys, read.order, stamp);
    const ledger = checkedIndexedLedger(new PoolIndex(undefined, columns, true), undefined, undefined, undefined, read.v6);
    rememberSerialized(ledger, text);
    return ledger;
  } finally {
    scratch.end();
  }
}

/** The bytes {@link readCanonicalLedger} takes from its arena, at most: the text's, the sort's, the kept columns'. */
function arenaBytes(text: string, capacity: number): number {
  return text.length + BYTES_AFTER_TEXT + (V4_COLUMN_BYTES + KEPT_COLUMN_BYTES) * capacity + 4 * (1 << digitBits(capacity)) + 128;
}

/**
 * The kept columns of a text {@link readCanonicalLedger} read before, read again into arrays of their own,
 * once the arena that held them was reused (see `EntryColumns.valid`). Its bytes and sort take an arena
 * as a read does (the reader's, or one of their own while the reader's is held or running).
 */
function readColumnsAgain(text: string): ReadColumns {
  const capacity = Math.floor(text.length / SHORTEST_ENTRY) + 1;
  const scratch = READER_SCRATCH.begin(arenaBytes(text, capacity));
  try {
    const bytes = scratch.u8(text.length + BYTES_AFTER_TEXT);
    const read = asciiBytes(text, bytes) ? readColumns(text, bytes, capacity, scratch, OWN_ARRAYS) : undefined;
    if (read === undefined) throw new Error("readCanonicalLedger: a text read before no longer reads (a bug)");
    return read;
  } finally {
    scratch.end();
  }
}

/** @internal The arena of {@link readCanonicalLedger}'s bytes, IPv4 columns and kept columns (see `ScratchArena`). */
export const READER_SCRATCH = new ScratchArena();

/** Bytes of the IPv4 columns per range: network and position (4 each, twice: the sort's two sides), prefix (1). */
const V4_COLUMN_BYTES = 17;

/**
 * Zero bytes after the text's: more than the longest piece and the farthest read past a scan's end
 * (the status's letters), so that no read leaves the buffer and none past the text matches (a zero is
 * no byte of a name, a CIDR or a piece).
 */
const BYTES_AFTER_TEXT = 128;

const ENCODER = new TextEncoder();

/**
 * Whether `text` is ASCII, written into `bytes` (at least {@link BYTES_AFTER_TEXT} longer) one byte per
 * character, zeros after it. `encodeInto` writes UTF-8: any other character takes two bytes or more (a
 * lone surrogate three), so the text is ASCII exactly when it was read whole into as many bytes.
 */
function asciiBytes(text: string, bytes: Uint8Array): boolean {
  const { read, written } = ENCODER.encodeInto(text, bytes);
  if (read !== text.length || written !== text.length) return false;
  bytes.fill(0, text.length, text.length + BYTES_AFTER_TEXT);
  return true;
}

/** Bytes of the kept columns per entry (8-byte aligned apart): CIDR start and end (4 each), family, block size, status (1 each), key (8), order (4). */
const KEPT_COLUMN_BYTES = 23;

/** Where the kept columns come from: the reader's arena, or arrays of their own ({@link OWN_ARRAYS}). */
interface ColumnArrays {
  i32(length: number): Int32Array;
  u32(length: number): Uint32Array;
  u8(length: number): Uint8Array;
  f64(length: number): Float64Array;
}

const OWN_ARRAYS: ColumnArrays = {
  i32: (length) => new Int32Array(length),
  u32: (length) => new Uint32Array(length),
  u8: (length) => new Uint8Array(length),
  f64: (length) => new Float64Array(length),
};

/** The columns a read keeps, cut to the entries read, and the IPv6 ranges it parsed. */
interface ReadColumns extends KeptColumns {
  readonly v6: Cidr[];
}

/**
 * The columns of a text whose head and tail {@link readCanonicalLedger} checked, from its bytes (see
 * {@link asciiBytes}): the entries, at most `capacity`, read ({@link scanEntries}), then checked as a whole
 * (the text's end, the ranges' overlaps); `undefined` when the text is not in the canonical form. The IPv4
 * ranges' columns come from `scratch` (begun), the kept ones from `kept`.
 */
function readColumns(text: string, bytes: Uint8Array, capacity: number, scratch: ScratchArena, kept: ColumnArrays): ReadColumns | undefined {
  // The IPv4 ranges apart, for the overlap check: network and position of each, and the prefix by position.
  const networks = scratch.u32(capacity);
  const positions = scratch.u32(capacity);
  const prefixes = scratch.u8(capacity);
  // Taken at their longest and cut to length at the end: no copies while they grow. Not zeroed: every
  // entry read writes its slot of each.
  // Each entry's range by position: network × 64 + prefix for IPv4 (-2 - its index in v6 for IPv6), for
  // the overlap check and for the entries' CIDRs when a run asks for them.
  const keys = kept.f64(capacity);
  const cidrStarts = kept.i32(capacity);
  const cidrEnds = kept.i32(capacity);
  const families = kept.u8(capacity);
  const blockSizes = kept.u8(capacity);
  const statuses = kept.u8(capacity);
  const v6: Cidr[] = [];
  const n = scanEntries(text, bytes, capacity, networks, positions, prefixes, cidrStarts, cidrEnds, families, blockSizes, statuses, keys, v6);
  if (n < 0 || scannedTo !== text.length - TAIL.length) return undefined;
  const order = ipv4Order(networks, positions, prefixes, scannedIPv4, scannedNetworksAnd ^ scannedNetworksOr, scratch, kept);
  if (order === undefined || (v6.length > 1 && findOverlaps(v6).length > 0)) return undefined;
  return {
    cidrStarts: cidrStarts.subarray(0, n),
    cidrEnds: cidrEnds.subarray(0, n),
    families: families.subarray(0, n),
    blockSizes: blockSizes.subarray(0, n),
    statuses: statuses.subarray(0, n),
    keys: keys.subarray(0, n),
    order,
    v6,
  };
}

/** Where {@link scanEntries} stopped (the index after the last entry), how many IPv4 ranges it read, and the bits set in every and in any of their networks. */
let scannedTo = 0;
let scannedIPv4 = 0;
let scannedNetworksAnd = -1;
let scannedNetworksOr = 0;

/**
 * The entries of {@link readEntries}' text read into its columns: how many, or -1 when the text is not
 * in the canonical form; sets {@link scannedTo}, {@link scannedIPv4} and the networks' bits. The loop
 * alone, as the carver's steps are (see `firstsOfNames` there): with the checks and the ledger after it
 * in the same function, the code V8 compiled for the loop while it ran (on-stack replacement) had no
 * type feedback for them and was thrown away at the loop's end in every read (`--trace-deopt`:
 * "Insufficient type feedback for generic named access"), and the whole function, compiled again, took
 * 40–110 ms of a compiler thread each time.
 */
function scanEntries(
  text: string,
  bytes: Uint8Array,
  capacity: number,
  networks: Uint32Array,
  positions: Uint32Array,
  prefixes: Uint8Array,
  cidrStarts: Int32Array,
  cidrEnds: Int32Array,
  families: Uint8Array,
  blockSizes: Uint8Array,
  statuses: Uint8Array,
  keys: Float64Array,
  v6: Cidr[],
): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  // The bits set in every network and in any: those that differ are the ones the sort reads.
  let networksAnd = -1;
  let networksOr = 0;
  let m = 0;
  // No name before the first: an empty one, which any name comes after.
  let previousName = FIRST_NAME;
  let previousLength = 0;
  let n = 0;
  let i = FIRST_NAME;
  for (;;) {
    // A valid name that comes after the one before (increasing names are unique): no string is made for it.
    if (n === capacity) return -1;
    const nameEnd = scanName(bytes, i);
    if (nameEnd < 0 || !nameComesAfter(view, i, nameEnd - i, previousName, previousLength)) return -1;
    previousName = i;
    previousLength = nameEnd - i;
    i = nameEnd;
    // blockSize: 2 or 3 digits, no leading zero (the comparison below checks the digits read)
    let blockSize = 0;
    const sizeStart = i + BEFORE_BLOCK_SIZE.length;
    let j = sizeStart;
    for (let c = bytes[j]; c >= 48 && c <= 57 && j - sizeStart < 4; c = bytes[++j]) blockSize = blockSize * 10 + (c - 48);
    if (j - sizeStart < 2 || j - sizeStart > 3) return -1;
    const before = blockSize < AFTER_NAME.length ? AFTER_NAME[blockSize] : undefined;
    if (before === undefined || !bytesAt(view, i, before)) return -1;
    i += before.text.length;
    const cidrStart = i;
    // A canonical IPv4 CIDR is read into its key as it is scanned; any other text is scanned as
    // [0-9a-f.:]{2,39}, "/", [0-9]{1,3} (the key of an IPv4 CIDR needs all of it to be canonical, so
    // text the first scan refuses is no IPv4 CIDR).
    const key = scanIPv4(bytes, i);
    if (key >= 0) {
      i = scanned;
    } else {
      for (let c = bytes[i]; (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46; c = bytes[++i]);
      const slash = i;
      if (slash - cidrStart < 2 || slash - cidrStart > 39 || bytes[slash] !== 47) return -1;
      for (let c = bytes[++i]; c >= 48 && c <= 57; c = bytes[++i]);
      if (i - slash < 2 || i - slash > 4) return -1;
    }
    const cidrEnd = i;
    // The family's digit and the status's first letters pick the text to compare: the status's code
    // (see STATUS_OF_CODE) from its first letters, -1 for none.
    const familyChar = bytes[cidrEnd + FAMILY_AT];
    const family = familyChar === 52 ? 4 : familyChar === 54 ? 6 : 0;
    const s0 = bytes[cidrEnd + STATUS_AT];
    const s1 = bytes[cidrEnd + STATUS_AT + 1];
    const status = s0 === 100 ? 1 : s0 !== 97 ? -1 : s1 === 99 ? 0 : s1 === 100 ? 2 : -1;
    if (family === 0 || status < 0) return -1;
    const after = ENTRY_ENDS[family === 4 ? status : 3 + status];
    if (!bytesAt(view, cidrEnd, after)) return -1;
    i = cidrEnd + after.text.length;
    // Then the next entry's start, or the end of the pools (checked after the last entry).
    const more = view.getInt32(i, true) === BETWEEN_ENTRIES_HEAD && view.getInt32(i + 3, true) === BETWEEN_ENTRIES_TAIL;
    if (more) i += BETWEEN_ENTRIES.length;
    let prefix: number;
    if (family === 4) {
      if (key < 0 || blockSize < V4_MIN_BLOCK || blockSize > V4_MAX_BLOCK) return -1;
      prefix = keyPrefix(key);
      keys[n] = key;
      const network = (key - prefix) / 64;
      networksAnd &= network;
      networksOr |= network;
      networks[m] = network;
      positions[m++] = n;
      prefixes[n] = prefix;
    } else {
      // Text read as an IPv4 CIDR is none of IPv6.
      const cidr = key >= 0 ? undefined : canonicalIPv6(text.slice(cidrStart, cidrEnd));
      if (cidr === undefined || blockSize < V6_MIN_BLOCK || blockSize > V6_MAX_BLOCK) return -1;
      prefix = cidr.prefix;
      keys[n] = -2 - v6.length; // where its Cidr is kept (see EntryCidrs)
      v6.push(cidr);
    }
    if (prefix > blockSize) return -1;
    cidrStarts[n] = cidrStart;
    cidrEnds[n] = cidrEnd;
    families[n] = family;
    blockSizes[n] = blockSize;
    statuses[n] = status;
    n++;
    if (!more) break;
  }
  scannedTo = i;
  scannedIPv4 = m;
  scannedNetworksAnd = networksAnd;
  scannedNetworksOr = networksOr;
  return n;
}

/**
 * @internal The text `serializeLedger` writes (`canonicalJson`) for a checked ledger of the pools of
 * `index` alone, written from the index's columns (see `PoolIndex.hasColumns`: no entry has a `spec`)
 * without making an entry or the `pools` record: the fixed text {@link readCanonicalLedger} compares,
 * around each name (code-unit order, the index's order; a checked name needs no JSON escape), block size
 * and CIDR. The index must hold at least one pool (an empty `pools` is written `{}`).
 */
export function canonicalLedgerText(index: PoolIndex): string {
  const last = index.size - 1;
  let text = HEAD + BEFORE_NAME;
  for (let k = 0; k < last; k++) text += index.name(k) + afterName(index.blockSize(k)).text + index.cidr(k) + AFTER_CIDR[index.family(k)][index.status(k)].next;
  return text + index.name(last) + afterName(index.blockSize(last)).text + index.cidr(last) + AFTER_CIDR[index.family(last)][index.status(last)].last.text + TAIL;
}

/**
 * Whether the bytes at `i` hold the piece: its doubles compared in place, the first five (every piece has
 * them) one after the other, then the others. (On the text as a string, a sticky pattern tried at `i`
 * took 0.5–0.7 ms per 10,000 comparisons of the 60-character piece after a CIDR; a slice compared with
 * `===` made a sliced string of 32 bytes per comparison and took 1.0–3.6 ms. On the bytes, 32-bit words
 * took ~0.1 ms more per 10,000 entries than doubles; a loop over all the doubles and a list of their
 * offsets 0.15 ms more than this.)
 */
function bytesAt(view: DataView, i: number, part: Piece): boolean {
  const doubles = part.doubles;
  if (
    view.getFloat64(i, true) !== doubles[0] ||
    view.getFloat64(i + 8, true) !== doubles[1] ||
    view.getFloat64(i + 16, true) !== doubles[2] ||
    view.getFloat64(i + 24, true) !== doubles[3] ||
    view.getFloat64(i + 32, true) !== doubles[4]
  ) {
    return false;
  }
  const last = doubles.length - 1;
  for (let k = 5; k < last; k++) if (view.getFloat64(i + 8 * k, true) !== doubles[k]) return false;
  return view.getFloat64(i + part.lastAt, true) === doubles[last];
}

/** Where {@link scanIPv4} stopped: the index after the CIDR. */
let scanned = 0;

/** The class of each byte in a name ({@link NAME_CLASS}): a letter a-z, a digit, "-", "."; 0 for any other byte. */
const LETTER = 1;
const DIGIT = 2;
const HYPHEN = 4;
const DOT = 8;
/** A letter or a digit: what a label starts and ends with. */
const ALPHANUMERIC = LETTER | DIGIT;

/** The class of each byte in a name: {@link LETTER}, {@link DIGIT}, {@link HYPHEN}, {@link DOT}, or 0 (ends the name). */
const NAME_CLASS: Uint8Array = (() => {
  const classes = new Uint8Array(256);
  for (let c = 97; c <= 122; c++) classes[c] = LETTER;
  for (let c = 48; c <= 57; c++) classes[c] = DIGIT;
  classes[45] = HYPHEN;
  classes[46] = DOT;
  return classes;
})();

/**
 * Where the name at `start` ends, when `bytes` hold there a name of a-z, 0-9, "-" and "." (1 to 253 of
 * them) that is a Calico object name, a DNS-1123 subdomain: each "."-separated label starts and ends
 * with a letter or digit; -1 otherwise. A name of digits only is refused too: it would be an array
 * index, which JavaScript orders before all other keys, so the general reader handles it. The byte
 * before `start` must be none of a name's (the reader's is a quote): a "-" or "." there would be taken
 * for the name's own. Each "-" or "." is checked against the byte before it ("-" after a letter, digit
 * or "-"; "." after a letter or digit), the last byte is a letter or digit, and the classes seen are
 * or'ed together: digits only is {@link DIGIT} alone.
 */
function scanName(bytes: Uint8Array, start: number): number {
  let seen = 0;
  let i = start;
  for (;; i++) {
    const k = NAME_CLASS[bytes[i]];
    if (k === 0) break;
    seen |= k;
    if (k >= HYPHEN && (NAME_CLASS[bytes[i - 1]] & (k === HYPHEN ? ALPHANUMERIC | HYPHEN : ALPHANUMERIC)) === 0) return -1;
  }
  // An empty name ends where it starts, after a byte of class 0.
  if (i - start > 253 || seen === DIGIT || (NAME_CLASS[bytes[i - 1]] & ALPHANUMERIC) === 0) return -1;
  return i;
}

/**
 * Whether the `length` bytes at `at` come after the `beforeLength` bytes at `before` in byte order, as
 * `<` orders ASCII strings (by code unit), a string that is the start of the other first; both read in
 * place. Four bytes at a time as big-endian unsigned words (their order as numbers is that of their
 * bytes), the last word's bytes past the shorter run shifted out. Reads up to 3 bytes past either run.
 * (The names' 6-bit codes packed five to a word as each name was scanned took longer: the packing cost
 * more than the compare.)
 */
function nameComesAfter(view: DataView, at: number, length: number, before: number, beforeLength: number): boolean {
  const common = length < beforeLength ? length : beforeLength;
  let w = 0;
  for (; w + 4 <= common; w += 4) {
    const a = view.getUint32(at + w);
    const b = view.getUint32(before + w);
    if (a !== b) return a > b;
  }
  if (w < common) {
    const shift = 32 - 8 * (common - w);
    const a = view.getUint32(at + w) >>> shift;
    const b = view.getUint32(before + w) >>> shift;
    if (a !== b) return a > b;
  }
  return length > beforeLength;
}

/**
 * The IPv4 CIDR in canonical form at `start` (four decimal octets without leading zeros, a prefix length
 * without one, no host bit), as {@link canonicalIPv4Key} reads it, network × 64 + prefix, ending where the
 * prefix's digits end ({@link scanned} is set there); -1 when the bytes there do not start so. Each
 * number's digits are read one by one without a loop (at most 3 for an octet, 2 for the prefix): a
 * digit more is where the "." or "/" must be, or (after the prefix) refused.
 */
function scanIPv4(bytes: Uint8Array, start: number): number {
  let value = 0;
  let i = start;
  for (let part = 0; part < 5; part++) {
    // Up to three digits, the first no "0" when more follow (a digit less than 0 is a large unsigned number).
    const first = bytes[i++] - 48;
    if (first >>> 0 > 9) return -1;
    let n = first;
    let digit = bytes[i] - 48;
    if (digit >>> 0 <= 9) {
      if (first === 0) return -1;
      n = n * 10 + digit;
      digit = bytes[++i] - 48;
      if (digit >>> 0 <= 9) {
        n = n * 10 + digit;
        i++;
      }
    }
    if (part === 4) {
      // The prefix length, its digits ended.
      if (n > 32 || (bytes[i] - 48) >>> 0 <= 9 || (value & V4_HOST_MASKS[n]) !== 0) return -1;
      scanned = i;
      return value * 64 + n;
    }
    // "." between octets, "/" after the last (a fourth digit is neither)
    if (n > 255 || bytes[i] !== (part < 3 ? 46 : 47)) return -1;
    i++;
    value = value * 256 + n;
  }
  return -1;
}

/**
 * @internal The reader's byte scans, for tests: {@link NAME_CLASS}, {@link asciiBytes}, {@link scanName} (the byte at
 * `start - 1` must be of class 0), {@link nameComesAfter}, and {@link scanIPv4} with where it stopped.
 */
export const BYTE_SCANS = {
  NAME_CLASS,
  asciiBytes,
  scanName,
  nameComesAfter,
  scanIPv4(bytes: Uint8Array, start: number): { readonly key: number; readonly end: number } {
    const key = scanIPv4(bytes, start);
    return { key, end: key < 0 ? -1 : scanned };
  },
};

/**
 * The positions of the IPv4 ranges in (network, prefix) order, in an array from `kept`, or `undefined` when two
 * of them overlap (one sweep in that order). `networks` and `positions` hold the first `m` IPv4 ranges,
 * in the ledger's order, the network and the position of each; `prefixes` the prefix by position;
 * `differ` the bits that differ between the networks. Two ranges of the same network overlap, whatever
 * their prefixes: when the networks all differ, their order is the (network, prefix) order, and when two
 * are the same, the sweep finds them next to each other whatever their order. So the ranges are sorted
 * by network alone: a stable radix sort of (network, position) pairs over the bits that differ (as
 * `radixSortKeys`, digits of at most `digitBits(m)` bits), the pairs moved together, so that no pass
 * reads a network out of order and the positions come out sorted (into the result, by the last pass).
 * (`radixSortKeys`, one pass more for the prefixes and the positions gathered after it, took 0.2–0.3 ms
 * on 10,000 ranges; this 0.15 ms.) The sort's arrays are the reader's arena's.
 */
function ipv4Order(networks: Uint32Array, positions: Uint32Array, prefixes: Uint8Array, m: number, differ: number, scratch: ScratchArena, kept: ColumnArrays): Uint32Array | undefined {
  // The result, written by the sort's last pass (or copied, when there is none), taken from `kept`.
  const order = kept.u32(m);
  let sorted = networks;
  if (differ === 0 || m < 2) order.set(positions.subarray(0, m));
  else sorted = sortByNetwork(networks, positions, m, differ, scratch, order);
  return anyOverlapInOrder(sorted, order, prefixes, m) ? undefined : order;
}

/**
 * The radix sort of {@link ipv4Order}: the positions of the first `m` ranges in network order into `order`;
 * returns the networks in that order (one of the sort's arrays). Its loops alone, and the sweep after it a
 * function of its own ({@link anyOverlapInOrder}): with the sweep in the same function, the code V8 compiled
 * for the sort's loop while it ran had no type feedback for the sweep and was thrown away there in every
 * read (`--trace-deopt`: "Insufficient type feedback for compare operation").
 */
function sortByNetwork(networks: Uint32Array, positions: Uint32Array, m: number, differ: number, scratch: ScratchArena, order: Uint32Array): Uint32Array {
  let fromNetworks = networks;
  let fromPositions = positions;
  let toNetworks = scratch.u32(m);
  let toPositions = scratch.u32(m);
  // The span of differing bits, lowest to highest, cut into equal digits of at most digitBits(m) bits.
  const low = 31 - Math.clz32(differ & -differ);
  const span = 32 - Math.clz32(differ) - low;
  const passes = Math.ceil(span / digitBits(m));
  const bits = Math.ceil(span / passes);
  const mask = (1 << bits) - 1;
  const count = scratch.u32(mask + 1);
  for (let pass = 0, shift = low; pass < passes; pass++, shift += bits) {
    if (pass === passes - 1) toPositions = order;
    count.fill(0);
    for (let t = 0; t < m; t++) count[(fromNetworks[t] >>> shift) & mask]++;
    for (let d = 0, sum = 0; d <= mask; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let t = 0; t < m; t++) {
      const network = fromNetworks[t];
      const to = count[(network >>> shift) & mask]++;
      toNetworks[to] = network;
      toPositions[to] = fromPositions[t];
    }
    const sortedNetworks = toNetworks;
    toNetworks = fromNetworks;
    fromNetworks = sortedNetworks;
    const sortedPositions = toPositions;
    toPositions = fromPositions;
    fromPositions = sortedPositions;
  }
  return fromNetworks;
}

/** Whether two of the first `m` ranges overlap: `networks` in address order, `order` their positions (for their prefixes). */
function anyOverlapInOrder(networks: Uint32Array, order: Uint32Array, prefixes: Uint8Array, m: number): boolean {
  let lastEnd = -1;
  for (let t = 0; t < m; t++) {
    const network = networks[t];
    if (network <= lastEnd) return true;
    const last = network + V4_SIZES[prefixes[order[t]]] - 1;
    if (last > lastEnd) lastEnd = last;
  }
  return false;
}
