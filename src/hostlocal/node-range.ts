/**
 * What the CNI host-local plugin hands out from one node range (a node's `podCIDR`), computed without
 * enumerating addresses. Read from containernetworking/plugins
 * `plugins/ipam/host-local/backend/allocator/range.go` (`Canonicalize`, `lastIP`) and `allocator.go`
 * (`RangeIter.Next`):
 *
 * ```
 *   IPv4 10.244.3.0/24                          IPv6 fd00:0:0:3::/64
 *   .0    network      never handed out         ::0   network (subnet-router anycast)  never handed out
 *   .1    gateway      skipped by the iterator  ::1   gateway                          skipped by the iterator
 *   .2 … .254          handed out (253)         ::2 … ::ffff:ffff:ffff:ffff            handed out (2^64 - 2)
 *   .255  broadcast    never handed out (rangeEnd = last address - 1, IPv4 only)
 * ```
 *
 * - `rangeStart` defaults to the network address + 1, so the network address is never handed out;
 * - the gateway defaults to the network address + 1 and `RangeIter.Next` skips it (Calico's CNI plugin
 *   ignores the gateway field, but host-local still skips it; calico-node uses that first address as the
 *   node's IPIP/VXLAN tunnel address in host-local mode: `node/pkg/allocateip/allocateip.go`);
 * - `rangeEnd` defaults to the last address, minus one for IPv4 only (the broadcast address);
 * - a range of /31 or /32 (IPv4), /127 or /128 (IPv6) is refused: "Network … too small to allocate from".
 */
import { Cidr, IpFamily, formatAddress } from "../ip";

/** The longest node mask host-local accepts: it refuses a subnet with fewer than 2 host bits. */
export const HOST_LOCAL_MAX_PREFIX: { readonly 4: 30; readonly 6: 126 } = Object.freeze({ 4: 30, 6: 126 } as const);

/** How many addresses of a node range host-local never hands out: network, gateway and (IPv4) broadcast. */
export function hostLocalReservedCount(family: IpFamily): 3 | 2 {
  return family === 4 ? 3 : 2;
}

/**
 * The pod addresses host-local can hand out from a node range: 2^(bits - prefix) minus the network
 * address, the gateway and, for IPv4, the broadcast address. A /24 gives 253; a /64 gives 2^64 - 2.
 * Zero for ranges host-local refuses (/31 and longer for IPv4, /127 and longer for IPv6).
 */
export function hostLocalUsableAddresses(range: Cidr): bigint {
  if (range.prefix > HOST_LOCAL_MAX_PREFIX[range.family]) return 0n;
  return range.size - BigInt(hostLocalReservedCount(range.family));
}

/**
 * The longest node mask (smallest node range) whose usable addresses hold `pods` pods, e.g. 110 pods
 * need a /25 for IPv4 (125 usable) and 254 pods a /23 (509 usable).
 *
 * @throws RangeError if pods is not a whole number of 0 or more
 */
export function nodeMaskForPods(family: IpFamily, pods: number): number {
  if (!Number.isSafeInteger(pods) || pods < 0) throw new RangeError(`pods must be a whole number of 0 or more, got ${pods}`);
  const bits = family === 4 ? 32 : 128;
  const needed = BigInt(pods) + BigInt(hostLocalReservedCount(family));
  let hostBits = 0;
  while (1n << BigInt(hostBits) < needed) hostBits++;
  return Math.max(0, Math.min(bits - hostBits, HOST_LOCAL_MAX_PREFIX[family]));
}

/** The addresses of a node range host-local never hands out, as text, for messages. */
export function hostLocalReservedAddresses(range: Cidr): { network: string; gateway: string; broadcast?: string } {
  const text = (value: bigint): string => formatAddress(range.family, value);
  const out: { network: string; gateway: string; broadcast?: string } = {
    network: text(range.first),
    gateway: text(range.first + 1n),
  };
  if (range.family === 4) out.broadcast = text(range.last);
  return out;
}
