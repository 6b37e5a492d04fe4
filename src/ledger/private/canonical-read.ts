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
 */
import { Cidr, findOverlaps } from "../../ip";
import { KEY_ARENA, arenaBytes, radixSortKeys } from "../../ip/cidr";
import { ScratchArena } from "../../ip/scratch-arena";
import { rememberSerialized } from "../checked";
import { BLOCK_SIZE_RANGE, Ledger, LedgerStatus } from "../format";
import { EntryColumns, NamesInText, PoolIndex, STATUS_OF_CODE, checkedIndexedLedger } from "../pool-index";
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
/** Where the first name starts. */
const FIRST_NAME = HEAD.length + BEFORE_NAME.length;
/** From the end of a CIDR: where its family's digit is, and where its status starts. */
const FAMILY_AT = BEFORE_FAMILY.length;
const STATUS_AT = FAMILY_AT + 1 + BEFORE_STATUS.length;

/**
 * A piece of the fixed text, and a sticky pattern of exactly that text, with which the reader compares
 * it in place ({@link textAt}).
 */
interface Piece {
  readonly text: string;
  readonly at: RegExp;
}

function piece(text: string): Piece {
  return { text, at: new RegExp(text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"), "y") };
}

/**
 * The text from the end of a name to the start of its CIDR, by block size (2 or 3 digits): one
 * comparison checks it whole, the block size's digits with it. Made when first met.
 */
const AFTER_NAME: Piece[] = [];

function afterName(blockSize: number): Piece {
  return (AFTER_NAME[blockSize] ??= piece(`${BEFORE_BLOCK_SIZE}${blockSize}${BEFORE_CIDR}`));
}

/** The text from the end of a CIDR to the end of its entry, by family and status, then that of the next name. */
function afterCidr(family: 4 | 6, status: LedgerStatus): { readonly last: Piece; readonly next: Piece } {
  const last = `${BEFORE_FAMILY}${family}${BEFORE_STATUS}${status}${AFTER_STATUS}`;
  return { last: piece(last), next: piece(`${last},${BEFORE_NAME}`) };
}

const AFTER_CIDR = {
  4: { active: afterCidr(4, "active"), draining: afterCidr(4, "draining"), adopted: afterCidr(4, "adopted") },
  6: { active: afterCidr(6, "active"), draining: afterCidr(6, "draining"), adopted: afterCidr(6, "adopted") },
} as const;

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
  4: STATUS_OF_CODE.map((status) => AFTER_CIDR[4][status].next.text.length),
  6: STATUS_OF_CODE.map((status) => AFTER_CIDR[6][status].next.text.length),
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
const SHORTEST_ENTRY = 1 + afterName(10).text.length + 4 + AFTER_CIDR[4].active.next.text.length;

/**
 * @internal The ledger of a text in the exact form {@link serializeLedger} writes for a ledger of
 * pools only, checked and registered as `inspectLedger` registers it; `undefined` for any other text.
 * The text is read in place: per entry, the name and the CIDR are scanned character by character (an
 * IPv4 CIDR read into its number as it is scanned), and the fixed text around them is compared whole
 * in two pieces (the piece after the name holds the block size, the piece after the CIDR the family,
 * the status and the start of the next entry). No string is made per entry: each entry's family,
 * block size, status and where its CIDR is written go into columns ({@link EntryColumns}), from which
 * the entries are made when first asked for; its name is found in the text from them ({@link NAMES_IN_TEXT}),
 * compared in place with the one before (increasing order) and with a run's requests (see
 * `PoolIndex.compareName`), and sliced only when the names are read; and no `Cidr` is made (the
 * registered CIDRs are read when a run asks for them). The pools are indexed by position
 * ({@link PoolIndex}); the ledger's `pools` record is made when first read.
 */
export function readCanonicalLedger(text: string): Ledger | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL) || !text.startsWith(BEFORE_NAME, HEAD.length)) return undefined;
  const capacity = Math.floor(text.length / SHORTEST_ENTRY) + 1;
  // The IPv4 ranges apart, for the overlap check: network, prefix and position of each, only while the
  // text is read: from the reader's arena, reused from read to read (made anew each read, they were
  // ~100 KB of fresh memory for 10,000 ranges: page faults on a host where each first touch of a page costs one).
  const scratch = READER_SCRATCH.begin(V4_COLUMN_BYTES * capacity + 24);
  try {
    return readEntries(text, capacity, scratch.u32(capacity), scratch.u8(capacity), scratch.u32(capacity));
  } finally {
    scratch.end();
  }
}

/** @internal The arena of {@link readCanonicalLedger}'s IPv4 columns (see `ScratchArena`). */
export const READER_SCRATCH = new ScratchArena();

/** Bytes of the IPv4 columns per range: network (4), prefix (1), position (4). */
const V4_COLUMN_BYTES = 9;

/**
 * {@link readCanonicalLedger} of a text whose head and tail it checked: the entries, at most `capacity`, read
 * into columns; `networks`, `prefixes` and `positions` (at least `capacity` long) take the IPv4 ranges.
 */
function readEntries(text: string, capacity: number, networks: Uint32Array, prefixes: Uint8Array, positions: Uint32Array): Ledger | undefined {
  const end = text.length - TAIL.length;
  // Made at their longest and cut to length at the end: no copies while they grow.
  const cidrStarts = new Int32Array(capacity);
  const cidrEnds = new Int32Array(capacity);
  const families = new Uint8Array(capacity);
  const blockSizes = new Uint8Array(capacity);
  const statuses = new Uint8Array(capacity);
  // Each entry's range by position: network × 64 + prefix for IPv4 (-2 - its index in v6 for IPv6), for
  // the overlap check and for the entries' CIDRs when a run asks for them.
  const keys = new Float64Array(capacity);
  let m = 0;
  const v6: Cidr[] = [];
  // No name before the first: any name comes after it (see scanName).
  previousWordCount = 0;
  let n = 0;
  let i = FIRST_NAME;
  for (;;) {
    // A valid name that comes after the one before (increasing names are unique): no string is made for it.
    if (n === capacity || !scanName(text, i)) return undefined;
    i = scanned;
    // blockSize: 2 or 3 digits, no leading zero (the comparison below checks the digits read)
    let blockSize = 0;
    const sizeStart = i + BEFORE_BLOCK_SIZE.length;
    let j = sizeStart;
    for (let c = text.charCodeAt(j); c >= 48 && c <= 57 && j - sizeStart < 4; c = text.charCodeAt(++j)) blockSize = blockSize * 10 + (c - 48);
    if (j - sizeStart < 2 || j - sizeStart > 3) return undefined;
    const before = afterName(blockSize);
    if (!textAt(text, i, before)) return undefined;
    i += before.text.length;
    const cidrStart = i;
    // A canonical IPv4 CIDR is read into its key as it is scanned; any other text is scanned as
    // [0-9a-f.:]{2,39}, "/", [0-9]{1,3} (the key of an IPv4 CIDR needs all of it to be canonical, so
    // text the first scan refuses is no IPv4 CIDR).
    const key = scanIPv4(text, i);
    if (key >= 0) {
      i = scanned;
    } else {
      for (let c = text.charCodeAt(i); (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46; c = text.charCodeAt(++i));
      const slash = i;
      if (slash - cidrStart < 2 || slash - cidrStart > 39 || text.charCodeAt(slash) !== 47) return undefined;
      for (let c = text.charCodeAt(++i); c >= 48 && c <= 57; c = text.charCodeAt(++i));
      if (i - slash < 2 || i - slash > 4) return undefined;
    }
    const cidrEnd = i;
    // The family's digit and the status's first letters pick the text to compare.
    const familyChar = text.charCodeAt(cidrEnd + FAMILY_AT);
    const family = familyChar === 52 ? 4 : familyChar === 54 ? 6 : 0;
    const s0 = text.charCodeAt(cidrEnd + STATUS_AT);
    const s1 = text.charCodeAt(cidrEnd + STATUS_AT + 1);
    const status: LedgerStatus | undefined = s0 === 100 ? "draining" : s0 !== 97 ? undefined : s1 === 99 ? "active" : s1 === 100 ? "adopted" : undefined;
    if (family === 0 || status === undefined) return undefined;
    const after = AFTER_CIDR[family][status];
    let more: boolean;
    if (textAt(text, cidrEnd, after.next)) {
      more = true;
      i = cidrEnd + after.next.text.length;
    } else if (textAt(text, cidrEnd, after.last)) {
      more = false;
      i = cidrEnd + after.last.text.length;
    } else {
      return undefined;
    }
    let prefix: number;
    if (family === 4) {
      if (key < 0 || blockSize < V4_MIN_BLOCK || blockSize > V4_MAX_BLOCK) return undefined;
      prefix = keyPrefix(key);
      keys[n] = key;
      networks[m] = (key - prefix) / 64;
      prefixes[m] = prefix;
      positions[m++] = n;
    } else {
      // Text read as an IPv4 CIDR is none of IPv6.
      const cidr = key >= 0 ? undefined : canonicalIPv6(text.slice(cidrStart, cidrEnd));
      if (cidr === undefined || blockSize < V6_MIN_BLOCK || blockSize > V6_MAX_BLOCK) return undefined;
      prefix = cidr.prefix;
      keys[n] = -2 - v6.length; // where its Cidr is kept (see EntryCidrs)
      v6.push(cidr);
    }
    if (prefix > blockSize) return undefined;
    cidrStarts[n] = cidrStart;
    cidrEnds[n] = cidrEnd;
    families[n] = family;
    blockSizes[n] = blockSize;
    statuses[n] = s0 === 100 ? 1 : s1 === 99 ? 0 : 2;
    n++;
    if (!more) break;
  }
  const byPosition = keys.subarray(0, n);
  if (i !== end) return undefined;
  const v4Order = ipv4Order(networks, prefixes, positions, m);
  if (v4Order === undefined || (v6.length > 1 && findOverlaps(v6).length > 0)) return undefined;
  // Names in increasing order, none integer-like: the order of the record, once made.
  // The names are found in the text from the columns (NAMES_IN_TEXT): no list, no string per name.
  const columns = new EntryColumns(text, cidrStarts, cidrEnds, NAMES_IN_TEXT, undefined, undefined, families.subarray(0, n), blockSizes.subarray(0, n), statuses.subarray(0, n));
  const ledger = checkedIndexedLedger(new PoolIndex(undefined, columns, true), undefined, byPosition, v4Order, v6);
  rememberSerialized(ledger, text);
  return ledger;
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
  for (let k = 0; k < last; k++) text += index.name(k) + afterName(index.blockSize(k)).text + index.cidr(k) + AFTER_CIDR[index.family(k)][index.status(k)].next.text;
  return text + index.name(last) + afterName(index.blockSize(last)).text + index.cidr(last) + AFTER_CIDR[index.family(last)][index.status(last)].last.text + TAIL;
}

/**
 * Whether `text` holds the piece at `i`: its sticky pattern tried there, which compares the characters
 * in place. (A slice compared with `===` made a sliced string of 32 bytes per comparison, two per
 * entry, 640 KB per 10,000 entries, and was no faster: 1.0–3.6 ms per 10,000 comparisons of the
 * 60-character piece after a CIDR against 0.5–0.7 ms; `startsWith` 2.7 ms, a character loop 3.5–4.4 ms.)
 */
function textAt(text: string, i: number, part: Piece): boolean {
  part.at.lastIndex = i;
  return part.at.test(text);
}

/** Where {@link scanName} stopped: the index after the name. */
let scanned = 0;

/**
 * The characters of the name {@link scanName} read, and of the one before, packed five to a word (see
 * {@link scanName}), and how many words each: at most 51 (253 characters); a longer name is refused.
 */
let nameWords = new Int32Array(51);
let previousWords = new Int32Array(51);
let previousWordCount = 0;

/**
 * Whether the text at `start` holds a name of a-z, 0-9, "-" and "." (1 to 253 of them) that is a
 * Calico object name, a DNS-1123 subdomain: each "."-separated label starts and ends with a letter or
 * digit. A name of digits only is refused too: it would be an array index, which JavaScript orders
 * before all other keys, so the general reader handles it. Sets {@link scanned} to the index after it.
 *
 * And whether it comes after the name scanned before it (in {@link previousWords}; none at the first
 * of a read) in code-unit order, as `<` compares strings, without a string or a second read of either
 * name's text: as it is scanned, each character is coded in 6 bits in the same order ("-" 1, "." 2,
 * digits 4–13, letters 14–39) and packed five to a 30-bit word, the last word filled with 0 (no
 * character): the names' order is that of their word lists, compared word by word, a list that is
 * the start of the other first. (A character loop over both names' text took 400–1,200 instructions
 * a name, as many as the rest of the read; slicing each name made a string of 32 bytes.)
 */
function scanName(text: string, start: number): boolean {
  let onlyDigits = true;
  let previous = 46; // as if after a ".": the first character must be a letter or digit
  let i = start;
  const words = nameWords;
  let count = 0;
  let word = 0;
  let packed = 0;
  for (;; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      onlyDigits = false;
    } else if (c === 45 || c === 46) {
      // "-" inside a label, "." after a letter or digit
      if (previous === 46 || (c === 46 && previous === 45)) return false;
      onlyDigits = false;
    } else if (c < 48 || c > 57) {
      break;
    }
    previous = c;
    word = (word << 6) | (c < 97 ? c - 44 : c - 83);
    if (++packed === 5) {
      if (count === 51) return false; // longer than 253 characters
      words[count++] = word;
      word = 0;
      packed = 0;
    }
  }
  scanned = i;
  const length = i - start;
  if (!(length >= 1 && length <= 253 && !onlyDigits && previous !== 45 && previous !== 46)) return false;
  if (packed > 0) words[count++] = word << (6 * (5 - packed));
  const before = previousWords;
  const beforeCount = previousWordCount;
  nameWords = before;
  previousWords = words;
  previousWordCount = count;
  const common = count < beforeCount ? count : beforeCount;
  for (let w = 0; w < common; w++) if (words[w] !== before[w]) return words[w] > before[w];
  return count > beforeCount;
}

/**
 * The IPv4 CIDR in canonical form at `start` (four decimal octets without leading zeros, a prefix length
 * without one, no host bit), as {@link canonicalIPv4Key} reads it, network × 64 + prefix, ending where the
 * prefix's digits end ({@link scanned} is set there); -1 when the text there does not start so.
 */
function scanIPv4(text: string, start: number): number {
  let value = 0;
  let i = start;
  for (let part = 0; part < 5; part++) {
    const first = i;
    let n = 0;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    const digits = i - first;
    if (digits === 0 || digits > 3 || (digits > 1 && text.charCodeAt(first) === 48)) return -1;
    if (part === 4) {
      if (n > 32 || (value & V4_HOST_MASKS[n]) !== 0) return -1;
      scanned = i;
      return value * 64 + n;
    }
    // "." between octets, "/" after the last
    if (n > 255 || text.charCodeAt(i) !== (part < 3 ? 46 : 47)) return -1;
    i++;
    value = value * 256 + n;
  }
  return -1;
}

/**
 * The positions of the IPv4 ranges in (network, prefix) order, by the radix sort `findOverlaps` uses,
 * or `undefined` when two of them overlap (one sweep in that order). `networks`, `prefixes` and
 * `positions` hold the first `n` IPv4 ranges, in the ledger's order, and the position of each.
 * `Float64Array.prototype.sort` on 10,000 keys took about 1 ms; the radix sort about a tenth of that. The
 * sort's arrays are `findOverlaps`' arena's (reused from call to call); the positions come out in a new array.
 */
function ipv4Order(networks: Uint32Array, prefixes: Uint8Array, positions: Uint32Array, n: number): Uint32Array | undefined {
  const arena = KEY_ARENA.begin(arenaBytes(n));
  try {
    const order = radixSortKeys({ prefixes: prefixes.subarray(0, n), words: networks.subarray(0, n), width: 1 }, arena);
    if (anyOverlapInOrder(order, networks, prefixes, n)) return undefined;
    return positionsInOrder(order, positions, n);
  } finally {
    arena.end();
  }
}

/** Whether two of the first `n` ranges overlap, visited in `order` (by network, then prefix). */
function anyOverlapInOrder(order: ArrayLike<number>, networks: Uint32Array, prefixes: Uint8Array, n: number): boolean {
  let lastEnd = -1;
  for (let t = 0; t < n; t++) {
    const k = order[t];
    const network = networks[k];
    if (network <= lastEnd) return true;
    const last = network + V4_SIZES[prefixes[k]] - 1;
    if (last > lastEnd) lastEnd = last;
  }
  return false;
}

/** `order` (indices of IPv4 ranges) as the ranges' positions, in a new array (`order` is the arena's). */
function positionsInOrder(order: Uint32Array, positions: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let t = 0; t < n; t++) out[t] = positions[order[t]];
  return out;
}
