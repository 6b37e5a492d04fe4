/**
 * IP arithmetic for IPv4 and IPv6: addresses and CIDRs as bigint values, interval sets for used and
 * free space, aggregation, and the special ranges that are never right for pods. Costs grow with the
 * number of ranges, never with the number of addresses.
 */
export { FAMILY_BITS, IpParseError, formatAddress, parseAddress } from "./address";
export type { IpFamily, IpParseErrorCode } from "./address";
export { Cidr, DEFAULT_SPLIT_LIMIT, compareCidrs, findOverlaps, prefixForSize } from "./cidr";
export { IntervalSet } from "./interval-set";
export type { AddressRange } from "./interval-set";
export { aggregate, rangeToCidrs } from "./aggregate";
export { LINK_LOCAL_V4, LINK_LOCAL_V6, NEVER_FOR_PODS, specialRangesOverlapping } from "./special-ranges";
export type { SpecialRange } from "./special-ranges";
