/**
 * The peer "Terraform's cidrsubnets": positional carving as Terraform does it, so the comparison is
 * with what a Terraform user writes today, `cidrsubnets("10.0.0.0/8", 12, 12, ..., 18)`.
 *
 * A port of hashicorp/terraform's `CidrSubnetsFunc` (internal/lang/funcs/cidr.go) and the two
 * functions of apparentlymart/go-cidr it calls (`PreviousSubnet`, `NextSubnet`), with the same
 * checks and error texts, on bigints where Go works on IP byte slices (Dec and Inc wrap around the
 * same way):
 * - start from the subnet of the first length just below the prefix (`PreviousSubnet`);
 * - for each length, in the order given: take the last address of the current subnet, mask it to
 *   the new length, step past the end of that subnet and mask again (`NextSubnet`); fail when that
 *   wraps around or leaves the prefix.
 * Each subnet is aligned to its own size right after the previous one, so a caller who lists the
 * largest first gets no gaps; given the workload's pools in the order our carver places them
 * (largest first, then by name) on an empty space, it hands out exactly the ranges our best fit does,
 * which the digest checks.
 */
import { Cidr, formatAddress } from "../../src/ip";
import type { CarveWorkload } from "../workloads";
import { args, byCodeUnit, carveLines, readWorkload, report, timeRuns } from "./common";

interface Net {
  readonly ip: bigint;
  readonly prefix: number;
}

/** Terraform's cidrsubnets(prefix, ...newbits): one CIDR text per newbits argument, or an error. */
export function cidrsubnets(prefix: string, newbits: readonly number[]): string[] {
  const base = Cidr.parseLoose(prefix); // Go's net.ParseCIDR masks host bits
  const family = base.family;
  const bits = family === 4 ? 32 : 128;
  const all = (1n << BigInt(bits)) - 1n;
  const startPrefixLen = base.prefix;
  const network: Net = { ip: base.network, prefix: startPrefixLen };
  if (newbits.length === 0) return [];
  const mask = (ip: bigint, len: number) => ip & (all ^ ((1n << BigInt(bits - len)) - 1n));
  const lastOf = (n: Net) => n.ip | ((1n << BigInt(bits - n.prefix)) - 1n);
  const contains = (n: Net, ip: bigint) => mask(ip, n.prefix) === n.ip;
  const text = (n: Net) => `${formatAddress(family, n.ip)}/${n.prefix}`;

  // cidr.PreviousSubnet(network, firstLength): Dec wraps below zero.
  const firstLength = newbits[0] + startPrefixLen;
  let current: Net = { ip: mask((network.ip - 1n) & all, firstLength), prefix: firstLength };
  const out: string[] = [];
  newbits.forEach((arg, i) => {
    if (arg < 1) throw new Error(`argument ${i + 1}: must extend prefix by at least one bit`);
    if (arg > 32) throw new Error(`argument ${i + 1}: may not extend prefix by more than 32 bits`);
    const length = arg + startPrefixLen;
    if (length > bits) {
      throw new Error(`argument ${i + 1}: would extend prefix to ${length} bits, which is too long for an IPv${family} address`);
    }
    // cidr.NextSubnet(current, length)
    const currentSubnet: Net = { ip: mask(lastOf(current), length), prefix: length };
    const last = (lastOf(currentSubnet) + 1n) & all; // Inc wraps past the top
    const next: Net = { ip: mask(last, length), prefix: length };
    const rollover = last === 0n;
    if (rollover || !contains(network, next.ip)) {
      throw new Error(`argument ${i + 1}: not enough remaining address space for a subnet with a prefix of ${length} bits after ${text(current)}`);
    }
    current = next;
    out.push(text(current));
  });
  return out;
}

/** The workload's pools, largest first and then by name, as `cidrsubnets` arguments. */
export function positionalCarve(w: CarveWorkload): Array<readonly [string, string]> {
  if (w.reservations.length > 0) throw new Error("cidrsubnets cannot go around reservations: a positional workload has none");
  const order = [...w.requests].sort((a, b) => a.prefix - b.prefix || byCodeUnit(a.name, b.name));
  const spacePrefix = Cidr.parse(w.space).prefix;
  const cidrs = cidrsubnets(w.space, order.map((r) => r.prefix - spacePrefix));
  return order.map((r, i) => [r.name, cidrs[i]] as const);
}

if (require.main === module) {
  const { file, warmup, runs } = args();
  const workload = readWorkload(file);
  if (workload.kind !== "carve") throw new Error("the Terraform peer carves only");
  const { times, last } = timeRuns(warmup, runs, () => positionalCarve(workload));
  report(times, carveLines(last), last.length);
}
