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
import { INSPECTED } from "../checked";
import { BLOCK_SIZE_RANGE, Ledger, LedgerEntry, LedgerStatus } from "../format";
import { freezeLedger } from "../freeze";
import { compareNames } from "./names";

const HEAD = '{\n  "pools": {';
const TAIL = '\n  },\n  "version": 1\n}\n';
const NAME_OPEN = '\n    "';
const BLOCK_SIZE = '": {\n      "blockSize": ';
const CIDR = ',\n      "cidr": "';
const FAMILY = '",\n      "family": ';
const STATUS = ',\n      "status": "';
const CLOSE = '"\n    }';
const STATUSES: readonly LedgerStatus[] = ["active", "draining", "adopted"];

/**
 * @internal The ledger of a text in the exact form {@link serializeLedger} writes for a ledger of
 * pools only, checked and registered as `inspectLedger` registers it; `undefined` for any other text.
 */
export function readCanonicalLedger(text: string): Ledger | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL)) return undefined;
  const end = text.length - TAIL.length;
  const names: string[] = [];
  const entries: Array<[string, LedgerEntry]> = [];
  const cidrs: Cidr[] = [];
  let hasV6 = false;
  let pos = HEAD.length;
  let previous = "";
  for (;;) {
    // "name": {
    if (!text.startsWith(NAME_OPEN, pos)) return undefined;
    const nameStart = pos + NAME_OPEN.length;
    const nameEnd = objectNameEnd(text, nameStart);
    if (nameEnd < 0) return undefined;
    const name = text.slice(nameStart, nameEnd);
    // Increasing names are unique.
    if (compareNames(previous, name) >= 0) return undefined;
    pos = nameEnd;
    // "blockSize": 26,
    if (!text.startsWith(BLOCK_SIZE, pos)) return undefined;
    pos += BLOCK_SIZE.length;
    let blockSize = 0;
    const digitsStart = pos;
    for (let c = text.charCodeAt(pos); c >= 48 && c <= 57 && pos - digitsStart < 3; c = text.charCodeAt(++pos)) blockSize = blockSize * 10 + (c - 48);
    if (pos === digitsStart || text.charCodeAt(digitsStart) === 48) return undefined;
    // "cidr": "10.0.0.0/24",
    if (!text.startsWith(CIDR, pos)) return undefined;
    const cidrStart = pos + CIDR.length;
    const cidrEnd = text.indexOf('"', cidrStart);
    if (cidrEnd < 0 || cidrEnd - cidrStart > 43) return undefined;
    const cidrText = text.slice(cidrStart, cidrEnd);
    pos = cidrEnd;
    // "family": 4,
    if (!text.startsWith(FAMILY, pos)) return undefined;
    pos += FAMILY.length;
    const familyCode = text.charCodeAt(pos++);
    if (familyCode !== 52 && familyCode !== 54) return undefined;
    const family = familyCode === 52 ? 4 : 6;
    // "status": "active"
    if (!text.startsWith(STATUS, pos)) return undefined;
    pos += STATUS.length;
    const status = statusAt(text, pos);
    if (status === undefined) return undefined;
    pos += status.length + CLOSE.length;

    const cidr = family === 4 ? canonicalIPv4(cidrText) : canonicalIPv6(cidrText);
    const [min, max] = BLOCK_SIZE_RANGE[family];
    if (cidr === undefined || blockSize < min || blockSize > max || cidr.prefix > blockSize) return undefined;
    if (family === 6) hasV6 = true;
    names.push(name);
    entries.push([name, Object.freeze({ family, cidr: cidrText, blockSize, status })]);
    cidrs.push(cidr);
    previous = name;
    if (text.charCodeAt(pos) !== 44) break; // no "," after the last entry
    pos++;
  }
  if (pos !== end || (hasV6 ? findOverlaps(cidrs).length > 0 : overlapsIPv4(cidrs))) return undefined;
  const ledger = freezeLedger(entries);
  const byName = new Map<string, Cidr>();
  for (let k = 0; k < names.length; k++) byName.set(names[k], cidrs[k]);
  INSPECTED.set(ledger, { ledger, cidrs: byName, problems: [] });
  return ledger;
}

/** The status written at `pos` and closed by the entry's end, or `undefined`. */
function statusAt(text: string, pos: number): LedgerStatus | undefined {
  for (const status of STATUSES) if (text.startsWith(status, pos) && text.startsWith(CLOSE, pos + status.length)) return status;
  return undefined;
}

/**
 * Where the object name that starts at `start` ends: the index of the closing quote, when the name
 * is a Calico object name (a DNS-1123 subdomain: at most 253 characters of a-z, 0-9, "-" and ".",
 * each "."-separated label starting and ending with a letter or digit) and not only digits (such a
 * name would be an array index, which JavaScript orders before all other keys); -1 otherwise.
 */
function objectNameEnd(text: string, start: number): number {
  let onlyDigits = true;
  let previous = 46; // as if after a ".": the first character must be a letter or digit
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) break;
    const alphanumeric = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (c < 48 || c > 57) onlyDigits = false;
    if (!alphanumeric) {
      // "-" inside a label; "." after a letter or digit
      if (c === 45 ? previous === 46 : c !== 46 || previous === 46 || previous === 45) return -1;
    }
    previous = c;
  }
  const length = i - start;
  if (i === text.length || length === 0 || length > 253 || onlyDigits || previous === 45 || previous === 46) return -1;
  return i;
}

/**
 * The CIDR of an IPv4 text in canonical form (four decimal octets without leading zeros, a prefix
 * length without one, no host bit), or `undefined`.
 */
function canonicalIPv4(text: string): Cidr | undefined {
  let value = 0;
  let i = 0;
  for (let part = 0; part < 5; part++) {
    const start = i;
    let n = 0;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    const digits = i - start;
    if (digits === 0 || digits > 3 || (digits > 1 && text.charCodeAt(start) === 48)) return undefined;
    if (part === 4) {
      // The prefix length, the end of the text.
      if (i !== text.length || n > 32 || (n < 32 && value % 2 ** (32 - n) !== 0)) return undefined;
      return Cidr.of(4, BigInt(value), n);
    }
    // "." between octets, "/" after the last
    if (n > 255 || text.charCodeAt(i) !== (part < 3 ? 46 : 47)) return undefined;
    i++;
    value = value * 256 + n;
  }
  return undefined;
}

/** The CIDR of an IPv6 text in canonical form (as `Cidr.toString` writes it), or `undefined`. */
function canonicalIPv6(text: string): Cidr | undefined {
  const parsed = Cidr.tryParse(text);
  return parsed.ok && parsed.cidr.family === 6 && parsed.cidr.toString() === text ? parsed.cidr : undefined;
}

/** Whether any two of these IPv4 CIDRs overlap: their (network, prefix) keys sorted, then one sweep. */
function overlapsIPv4(cidrs: readonly Cidr[]): boolean {
  const keys = new Float64Array(cidrs.length);
  for (let k = 0; k < cidrs.length; k++) keys[k] = Number(cidrs[k].network) * 64 + cidrs[k].prefix;
  keys.sort();
  let lastEnd = -1;
  for (let k = 0; k < keys.length; k++) {
    const prefix = keys[k] % 64;
    const network = (keys[k] - prefix) / 64;
    if (network <= lastEnd) return true;
    lastEnd = Math.max(lastEnd, network + 2 ** (32 - prefix) - 1);
  }
  return false;
}
