import { formatAddress } from "../../ip";

/** Dotted-quad text of an IPv4 address value held in a number; runs once per pod, so no bigint. */
export function v4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The eight 16-bit groups of an IPv6 block's network address. */
export function v6Groups(network: bigint): number[] {
  const groups = new Array<number>(8);
  for (let i = 7, v = network; i >= 0; i--, v >>= 16n) groups[i] = Number(v & 0xffffn);
  return groups;
}

/**
 * RFC 5952 text of `network + offset` for a block network given as groups. Blocks are at most 4096
 * addresses (/116) and aligned, so the offset only sets low bits of the last group: no carry.
 * Same output as {@link formatAddress}: the block's {@link v6Prefix} and the last group; an address whose
 * last group is 0, or IPv4-mapped, is formatted by `formatAddress` itself.
 */
export function v6Text(groups: readonly number[], offset: number): string {
  const last = groups[7] | offset;
  const prefix = last !== 0 ? v6Prefix(groups) : undefined;
  if (prefix !== undefined) return prefix + last.toString(16);
  let network = 0n;
  for (const g of groups) network = (network << 16n) | BigInt(g);
  return formatAddress(6, network + BigInt(offset));
}

/**
 * The RFC 5952 text of an IPv6 block's addresses up to their last group, for every address of the block
 * whose last group is not 0: then `v6Text(groups, offset) === prefix + (groups[7] | offset).toString(16)`.
 * Made once per block, so an address's text is a shared prefix joined to its last group, not a chain of
 * eight small strings and seven joins (150,000 pods held about 40 MB of those). Undefined for an
 * IPv4-mapped network, which has a form of its own.
 */
export function v6Prefix(groups: readonly number[]): string | undefined {
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) return undefined;
  // The longest run of two or more zero groups (the first of equal ones) among groups 0-6: the last is not 0.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 7; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 7 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const parts: string[] = [];
  for (let i = 0; i < 7; i++) {
    if (i === bestStart) {
      parts.push(i === 0 ? "::" : ":");
      i += bestLen - 1;
      continue;
    }
    parts.push(groups[i].toString(16), ":");
  }
  return parts.join("");
}

/** Calico's object name of a block (`10.0.0.64/26` -> `10-0-0-64-26`), whose order is the datastore's list order. */
export function blockObjectName(cidr: string): string {
  // Runs once per claimed block: a character scan, no regular expression.
  let out = "";
  let from = 0;
  for (let i = 0; i < cidr.length; i++) {
    const c = cidr.charCodeAt(i);
    if (c === 0x2e || c === 0x3a || c === 0x2f) {
      out += cidr.slice(from, i) + "-";
      from = i + 1;
    }
  }
  return out + cidr.slice(from);
}
