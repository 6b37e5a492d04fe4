import { Cidr } from "./cidr";

/** A well-known range that is never right for pod addresses, and why. */
export interface SpecialRange {
  /** The range. */
  readonly cidr: Cidr;
  /** Its common name, e.g. "IPv4 link-local". */
  readonly name: string;
  /** Why pods must not get addresses from it, as a clause that starts with "it" (e.g. "it is multicast and …"), for findings. */
  readonly reason: string;
}

/** 169.254.0.0/16, IPv4 link-local; Calico rejects pools that overlap it. Holds the cloud metadata address 169.254.169.254. */
export const LINK_LOCAL_V4: Cidr = Cidr.parse("169.254.0.0/16");

/** fe80::/10, IPv6 link-local; Calico rejects pools that overlap it. */
export const LINK_LOCAL_V6: Cidr = Cidr.parse("fe80::/10");

// Cidr.parse rejects IPv4-mapped ranges, so this one is built from its value.
const V4_MAPPED = Cidr.of(6, 0xffffn << 32n, 96);

const special = (cidr: Cidr, name: string, reason: string): SpecialRange => Object.freeze({ cidr, name, reason });

/**
 * Ranges that no pod should be addressed from, sorted by family then address. Calico itself rejects
 * only the link-local ones; the others it accepts but they break routing, so the validator warns.
 */
export const NEVER_FOR_PODS: readonly SpecialRange[] = Object.freeze([
  special(Cidr.parse("0.0.0.0/8"), "IPv4 \"this network\"", "it means \"this host on this network\" (RFC 1122) and is not routable as a destination"),
  special(Cidr.parse("127.0.0.0/8"), "IPv4 loopback", "it is loopback: packets never leave the host, so pods there are unreachable"),
  special(
    LINK_LOCAL_V4,
    "IPv4 link-local",
    "it is link-local and holds the cloud metadata address 169.254.169.254; Calico rejects pools that overlap it",
  ),
  special(Cidr.parse("224.0.0.0/4"), "IPv4 multicast", "it is multicast and cannot be assigned to an interface"),
  special(
    Cidr.parse("240.0.0.0/4"),
    "IPv4 reserved",
    "it is reserved for future use (RFC 1112) and includes the limited broadcast address 255.255.255.255; most stacks drop it",
  ),
  special(Cidr.parse("::/128"), "IPv6 unspecified", "it is the unspecified address and cannot be assigned to an interface"),
  special(Cidr.parse("::1/128"), "IPv6 loopback", "it is loopback: packets never leave the host, so pods there are unreachable"),
  special(
    V4_MAPPED,
    "IPv4-mapped IPv6",
    "it holds IPv4-mapped addresses (::ffff:0:0/96), which stand for IPv4 peers inside IPv6 sockets; use an IPv4 pool instead",
  ),
  special(LINK_LOCAL_V6, "IPv6 link-local", "it is link-local; Calico rejects pools that overlap it"),
  special(Cidr.parse("ff00::/8"), "IPv6 multicast", "it is multicast and cannot be assigned to an interface"),
]);

/** The entries of {@link NEVER_FOR_PODS} that share at least one address with the CIDR, in table order. */
export function specialRangesOverlapping(cidr: Cidr): SpecialRange[] {
  return NEVER_FOR_PODS.filter((s) => s.cidr.overlaps(cidr));
}
