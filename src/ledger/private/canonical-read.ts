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
import { SERIALIZED } from "../checked";
import { BLOCK_SIZE_RANGE, Ledger, LedgerEntry, LedgerStatus } from "../format";
import { PoolIndex, checkedIndexedLedger } from "../pool-index";
import { V4_SIZES, canonicalIPv4Key, canonicalIPv6 } from "./canonical-cidr";
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
const STATUSES: readonly LedgerStatus[] = ["active", "draining", "adopted"];

/**
 * @internal The ledger of a text in the exact form {@link serializeLedger} writes for a ledger of
 * pools only, checked and registered as `inspectLedger` registers it; `undefined` for any other text.
 * The text is read in place, field by field: per entry, only its name and CIDR become strings, and no
 * `Cidr` is made (the registered CIDRs are read from the entries when a run asks for them). The pools
 * are indexed by position ({@link PoolIndex}); the ledger's `pools` record is made when first read.
 */
export function readCanonicalLedger(text: string): Ledger | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL)) return undefined;
  const end = text.length - TAIL.length;
  const names: string[] = [];
  const entries: LedgerEntry[] = [];
  // Each IPv4 entry's range as network × 64 + prefix, for the overlap check; IPv6 ones as CIDRs.
  let v4Keys = new Float64Array(256);
  let v4Count = 0;
  const v6: Cidr[] = [];
  let previous = "";
  let i = HEAD.length;
  for (;;) {
    if (!text.startsWith(BEFORE_NAME, i)) return undefined;
    i += BEFORE_NAME.length;
    const nameStart = i;
    if (!scanName(text, i)) return undefined;
    i = scanned;
    const name = text.slice(nameStart, i);
    // Increasing names are unique.
    if (compareNames(previous, name) >= 0 || !text.startsWith(BEFORE_BLOCK_SIZE, i)) return undefined;
    i += BEFORE_BLOCK_SIZE.length;
    // blockSize: 2 or 3 digits, no leading zero
    let blockSize = 0;
    const sizeStart = i;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57 && i - sizeStart < 4; c = text.charCodeAt(++i)) blockSize = blockSize * 10 + (c - 48);
    if (i - sizeStart < 2 || i - sizeStart > 3 || text.charCodeAt(sizeStart) === 48 || !text.startsWith(BEFORE_CIDR, i)) return undefined;
    i += BEFORE_CIDR.length;
    const cidrStart = i;
    // [0-9a-f.:]{2,39}, "/", [0-9]{1,3}, then the closing quote
    for (let c = text.charCodeAt(i); (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46; c = text.charCodeAt(++i));
    const slash = i;
    if (slash - cidrStart < 2 || slash - cidrStart > 39 || text.charCodeAt(slash) !== 47) return undefined;
    for (let c = text.charCodeAt(++i); c >= 48 && c <= 57; c = text.charCodeAt(++i));
    if (i - slash < 2 || i - slash > 4 || !text.startsWith(BEFORE_FAMILY, i)) return undefined;
    const cidrEnd = i;
    i += BEFORE_FAMILY.length;
    const familyChar = text.charCodeAt(i);
    const family = familyChar === 52 ? 4 : familyChar === 54 ? 6 : 0;
    if (family === 0 || !text.startsWith(BEFORE_STATUS, i + 1)) return undefined;
    i += 1 + BEFORE_STATUS.length;
    const status = statusAt(text, i);
    if (status === undefined) return undefined;
    i += status.length + AFTER_STATUS.length;
    let prefix: number;
    const cidrText = text.slice(cidrStart, cidrEnd);
    if (family === 4) {
      const key = canonicalIPv4Key(text, cidrStart, cidrEnd);
      if (key < 0 || blockSize < BLOCK_SIZE_RANGE[4][0] || blockSize > BLOCK_SIZE_RANGE[4][1]) return undefined;
      prefix = key % 64;
      if (v4Count === v4Keys.length) v4Keys = grown(v4Keys);
      v4Keys[v4Count++] = key;
    } else {
      const cidr = canonicalIPv6(cidrText);
      if (cidr === undefined || blockSize < BLOCK_SIZE_RANGE[6][0] || blockSize > BLOCK_SIZE_RANGE[6][1]) return undefined;
      prefix = cidr.prefix;
      v6.push(cidr);
    }
    if (prefix > blockSize) return undefined;
    names.push(name);
    entries.push(Object.freeze({ family, cidr: cidrText, blockSize, status }));
    previous = name;
    if (text.charCodeAt(i) !== 44) break; // no "," after the last entry
    i++;
  }
  if (i !== end || overlapsIPv4(v4Keys.subarray(0, v4Count)) || (v6.length > 1 && findOverlaps(v6).length > 0)) return undefined;
  // Names in increasing order, none integer-like: the order of the record, once made.
  const ledger = checkedIndexedLedger(new PoolIndex(names, entries));
  SERIALIZED.set(ledger, text);
  return ledger;
}

/** The status written at `i` and the end of its entry after it, or `undefined`. */
function statusAt(text: string, i: number): LedgerStatus | undefined {
  for (const status of STATUSES) if (text.startsWith(status, i) && text.startsWith(AFTER_STATUS, i + status.length)) return status;
  return undefined;
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

/** Whether any two of these IPv4 ranges (keys network × 64 + prefix) overlap: sorted, then one sweep. */
function overlapsIPv4(keys: Float64Array): boolean {
  keys.sort();
  let lastEnd = -1;
  for (let k = 0; k < keys.length; k++) {
    const prefix = keys[k] % 64;
    const network = (keys[k] - prefix) / 64;
    if (network <= lastEnd) return true;
    const last = network + V4_SIZES[prefix] - 1;
    if (last > lastEnd) lastEnd = last;
  }
  return false;
}
