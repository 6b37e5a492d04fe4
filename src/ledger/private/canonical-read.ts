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

/**
 * One pool entry as serializeLedger writes it, and the comma after it, if any. The characters a name
 * or CIDR may hold exclude quotes and backslashes, so every match is JSON with no escape. One sticky
 * match per entry checks the layout several times faster than a comparison per field.
 */
const ENTRY =
  /\n {4}"([-a-z0-9.]{1,253})": \{\n {6}"blockSize": ([1-9][0-9]{1,2}),\n {6}"cidr": "([0-9a-f.:]{2,39}\/[0-9]{1,3})",\n {6}"family": ([46]),\n {6}"status": "(active|draining|adopted)"\n {4}\}(,?)/y;

/**
 * @internal The ledger of a text in the exact form {@link serializeLedger} writes for a ledger of
 * pools only, checked and registered as `inspectLedger` registers it; `undefined` for any other text.
 */
export function readCanonicalLedger(text: string): Ledger | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL)) return undefined;
  const names: string[] = [];
  const entries: Array<[string, LedgerEntry]> = [];
  const cidrs: Cidr[] = [];
  let hasV6 = false;
  let previous = "";
  ENTRY.lastIndex = HEAD.length;
  for (;;) {
    const m = ENTRY.exec(text);
    if (m === null) return undefined;
    const name = m[1];
    const cidrText = m[3];
    // Increasing names are unique.
    if (compareNames(previous, name) >= 0 || !isCanonicalName(name)) return undefined;
    const family = m[4] === "4" ? 4 : 6;
    const cidr = family === 4 ? canonicalIPv4(cidrText) : canonicalIPv6(cidrText);
    const blockSize = Number(m[2]);
    const range = BLOCK_SIZE_RANGE[family];
    if (cidr === undefined || blockSize < range[0] || blockSize > range[1] || cidr.prefix > blockSize) return undefined;
    if (family === 6) hasV6 = true;
    names.push(name);
    entries.push([name, Object.freeze({ family, cidr: cidrText, blockSize, status: m[5] as LedgerStatus })]);
    cidrs.push(cidr);
    previous = name;
    if (m[6] === "") break; // no "," after the last entry
  }
  if (ENTRY.lastIndex !== text.length - TAIL.length || (hasV6 ? findOverlaps(cidrs).length > 0 : overlapsIPv4(cidrs))) return undefined;
  const ledger = freezeLedger(entries);
  const byName = new Map<string, Cidr>();
  for (let k = 0; k < names.length; k++) byName.set(names[k], cidrs[k]);
  INSPECTED.set(ledger, { ledger, cidrs: byName, problems: [] });
  return ledger;
}

/**
 * Whether a name of a-z, 0-9, "-" and "." (at most 253 of them, as the pattern above reads it) is
 * a Calico object name, a DNS-1123 subdomain: each "."-separated label starts and ends with a letter
 * or digit. A name of digits only is refused too: it would be an array index, which JavaScript
 * orders before all other keys, so the general reader handles it.
 */
function isCanonicalName(name: string): boolean {
  let onlyDigits = true;
  let previous = 46; // as if after a ".": the first character must be a letter or digit
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 45 || c === 46) {
      // "-" inside a label, "." after a letter or digit
      if (previous === 46 || (c === 46 && previous === 45)) return false;
    }
    if (c < 48 || c > 57) onlyDigits = false;
    previous = c;
  }
  return !onlyDigits && previous !== 45 && previous !== 46;
}

/**
 * The CIDR of an IPv4 text in canonical form (four decimal octets without leading zeros, a prefix
 * length without one, no host bit), or `undefined`.
 */
function canonicalIPv4(text: string): Cidr | undefined {
  const end = text.length;
  let value = 0;
  let i = 0;
  for (let part = 0; part < 5; part++) {
    const first = i;
    let n = 0;
    for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    const digits = i - first;
    if (digits === 0 || digits > 3 || (digits > 1 && text.charCodeAt(first) === 48)) return undefined;
    if (part === 4) {
      // The prefix length, the end of the text.
      if (i !== end || n > 32 || (value & V4_HOST_MASKS[n]) !== 0) return undefined;
      return Cidr.of(4, BigInt(value), n);
    }
    // "." between octets, "/" after the last
    if (n > 255 || i >= end || text.charCodeAt(i) !== (part < 3 ? 46 : 47)) return undefined;
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

/** V4_SIZES[p] = 2^(32 - p), the size of an IPv4 /p. */
const V4_SIZES: readonly number[] = Array.from({ length: 33 }, (_, p) => 2 ** (32 - p));
/** The host bits of an IPv4 /p as an int32 bit pattern, for `&` on an address below 2^32. */
const V4_HOST_MASKS: readonly number[] = V4_SIZES.map((size) => (size - 1) | 0);

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
    const last = network + V4_SIZES[prefix] - 1;
    if (last > lastEnd) lastEnd = last;
  }
  return false;
}
