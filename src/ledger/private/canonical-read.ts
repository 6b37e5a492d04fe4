/**
 * The ledger as `serializeLedger` writes it, read straight into entries: a fast path of `parseLedger`
 * for the file this package wrote itself, which is most of the cost of every run after the first.
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
import { radixSortKeys } from "../../ip/cidr";
import { SERIALIZED } from "../checked";
import { BLOCK_SIZE_RANGE, Ledger, LedgerEntry, LedgerStatus } from "../format";
import { PoolIndex, checkedIndexedLedger } from "../pool-index";
import { V4_SIZES, canonicalIPv4Key, canonicalIPv6, keyPrefix } from "./canonical-cidr";
import { compareNames } from "./names";

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
/** From the end of a CIDR: where its family's digit is, and where its status starts. */
const FAMILY_AT = BEFORE_FAMILY.length;
const STATUS_AT = FAMILY_AT + 1 + BEFORE_STATUS.length;

/**
 * The text from the end of a name to the start of its CIDR, by block size (2 or 3 digits): one
 * comparison checks it whole, the block size's digits with it. Made when first met.
 */
const AFTER_NAME: string[] = [];

function afterName(blockSize: number): string {
  return (AFTER_NAME[blockSize] ??= `${BEFORE_BLOCK_SIZE}${blockSize}${BEFORE_CIDR}`);
}

/** The text from the end of a CIDR to the end of its entry, by family and status, then that of the next name. */
function afterCidr(family: 4 | 6, status: LedgerStatus): { readonly last: string; readonly next: string } {
  const last = `${BEFORE_FAMILY}${family}${BEFORE_STATUS}${status}${AFTER_STATUS}`;
  return { last, next: `${last},${BEFORE_NAME}` };
}

const AFTER_CIDR = {
  4: { active: afterCidr(4, "active"), draining: afterCidr(4, "draining"), adopted: afterCidr(4, "adopted") },
  6: { active: afterCidr(6, "active"), draining: afterCidr(6, "draining"), adopted: afterCidr(6, "adopted") },
} as const;

/**
 * @internal The ledger of a text in the exact form {@link serializeLedger} writes for a ledger of
 * pools only, checked and registered as `inspectLedger` registers it; `undefined` for any other text.
 * The text is read in place: per entry, the name and the CIDR are scanned character by character,
 * and the fixed text around them is compared whole in two pieces (the piece after the name holds the
 * block size, the piece after the CIDR the family, the status and the start of the next entry). Only
 * the name and CIDR become strings, and no `Cidr` is made (the registered CIDRs are read from the
 * entries when a run asks for them). The pools are indexed by position ({@link PoolIndex}); the
 * ledger's `pools` record is made when first read.
 */
export function readCanonicalLedger(text: string): Ledger | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL) || !text.startsWith(BEFORE_NAME, HEAD.length)) return undefined;
  const end = text.length - TAIL.length;
  const names: string[] = [];
  const entries: LedgerEntry[] = [];
  // Each entry's range by position: network × 64 + prefix for IPv4 (-1 for IPv6, kept as CIDRs), for
  // the overlap check and for the entries' CIDRs when a run asks for them.
  let keys = new Float64Array(256);
  const v6: Cidr[] = [];
  let previous = "";
  let i = HEAD.length + BEFORE_NAME.length;
  for (;;) {
    const nameStart = i;
    if (!scanName(text, i)) return undefined;
    i = scanned;
    const name = text.slice(nameStart, i);
    // Increasing names are unique.
    if (compareNames(previous, name) >= 0) return undefined;
    // blockSize: 2 or 3 digits, no leading zero (the comparison below checks the digits read)
    let blockSize = 0;
    const sizeStart = i + BEFORE_BLOCK_SIZE.length;
    let j = sizeStart;
    for (let c = text.charCodeAt(j); c >= 48 && c <= 57 && j - sizeStart < 4; c = text.charCodeAt(++j)) blockSize = blockSize * 10 + (c - 48);
    if (j - sizeStart < 2 || j - sizeStart > 3) return undefined;
    const before = afterName(blockSize);
    if (!textAt(text, i, before)) return undefined;
    i += before.length;
    const cidrStart = i;
    // [0-9a-f.:]{2,39}, "/", [0-9]{1,3}, then the closing quote
    for (let c = text.charCodeAt(i); (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46; c = text.charCodeAt(++i));
    const slash = i;
    if (slash - cidrStart < 2 || slash - cidrStart > 39 || text.charCodeAt(slash) !== 47) return undefined;
    for (let c = text.charCodeAt(++i); c >= 48 && c <= 57; c = text.charCodeAt(++i));
    if (i - slash < 2 || i - slash > 4) return undefined;
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
      i = cidrEnd + after.next.length;
    } else if (textAt(text, cidrEnd, after.last)) {
      more = false;
      i = cidrEnd + after.last.length;
    } else {
      return undefined;
    }
    let prefix: number;
    const cidrText = text.slice(cidrStart, cidrEnd);
    if (family === 4) {
      const key = canonicalIPv4Key(text, cidrStart, cidrEnd);
      if (key < 0 || blockSize < BLOCK_SIZE_RANGE[4][0] || blockSize > BLOCK_SIZE_RANGE[4][1]) return undefined;
      prefix = keyPrefix(key);
      if (names.length === keys.length) keys = grown(keys);
      keys[names.length] = key;
    } else {
      const cidr = canonicalIPv6(cidrText);
      if (cidr === undefined || blockSize < BLOCK_SIZE_RANGE[6][0] || blockSize > BLOCK_SIZE_RANGE[6][1]) return undefined;
      prefix = cidr.prefix;
      if (names.length === keys.length) keys = grown(keys);
      keys[names.length] = -1;
      v6.push(cidr);
    }
    if (prefix > blockSize) return undefined;
    names.push(name);
    entries.push(Object.freeze({ family, cidr: cidrText, blockSize, status }));
    previous = name;
    if (!more) break;
  }
  const byPosition = keys.slice(0, names.length);
  if (i !== end || overlapsIPv4(byPosition) || (v6.length > 1 && findOverlaps(v6).length > 0)) return undefined;
  // Names in increasing order, none integer-like: the order of the record, once made.
  const ledger = checkedIndexedLedger(new PoolIndex(names, entries), undefined, byPosition);
  SERIALIZED.set(ledger, text);
  return ledger;
}

/**
 * Whether `text` holds `part` at `i`. A slice of 13 or more characters refers to the text without a
 * copy, and `===` then compares the characters as one block: several times faster than `startsWith`
 * for the pieces of 40–60 characters compared here.
 */
function textAt(text: string, i: number, part: string): boolean {
  return text.slice(i, i + part.length) === part;
}

/** Where {@link scanName} stopped: the index after the name. */
let scanned = 0;

/**
 * Whether the text at `start` holds a name of a-z, 0-9, "-" and "." (1 to 253 of them) that is a
 * Calico object name, a DNS-1123 subdomain: each "."-separated label starts and ends with a letter or
 * digit. A name of digits only is refused too: it would be an array index, which JavaScript orders
 * before all other keys, so the general reader handles it. Sets {@link scanned} to the index after it.
 */
function scanName(text: string, start: number): boolean {
  let onlyDigits = true;
  let previous = 46; // as if after a ".": the first character must be a letter or digit
  let i = start;
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
  }
  scanned = i;
  const length = i - start;
  return length >= 1 && length <= 253 && !onlyDigits && previous !== 45 && previous !== 46;
}

/** A copy of twice the length. */
function grown(keys: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const out = new Float64Array(keys.length * 2);
  out.set(keys);
  return out;
}

/**
 * Whether any two of these IPv4 ranges (keys network × 64 + prefix; -1 for an IPv6 range, left out)
 * overlap: the ranges in (network, prefix) order by the radix sort `findOverlaps` uses, then one sweep.
 * `Float64Array.prototype.sort` on 10,000 keys took about 1 ms; the radix sort about a tenth of that.
 */
function overlapsIPv4(byPosition: Float64Array): boolean {
  // Each loop is a function of its own (see readEntries): the sort between them had no type feedback.
  const networks = new Uint32Array(byPosition.length);
  const prefixes = new Uint8Array(byPosition.length);
  const n = ipv4Ranges(byPosition, networks, prefixes);
  const order = radixSortKeys({ prefixes: prefixes.subarray(0, n), words: networks.subarray(0, n), width: 1 });
  return anyOverlapInOrder(order, networks, prefixes, n);
}

/** The IPv4 ranges of the keys into `networks` and `prefixes`, in order; returns how many. */
function ipv4Ranges(byPosition: Float64Array, networks: Uint32Array, prefixes: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < byPosition.length; k++) {
    const key = byPosition[k];
    if (key < 0) continue;
    const prefix = keyPrefix(key);
    networks[n] = (key - prefix) / 64;
    prefixes[n++] = prefix;
  }
  return n;
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
