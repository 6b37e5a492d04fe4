import fc from "fast-check";
import { Ledger, LedgerAddress, LedgerEntry } from "../../src/ledger";
import { formatAddress } from "../../src/ip";
import { optionalSectionProperties } from "../helpers/ledger";

/**
 * Random valid ledgers, pools and fixed addresses of both families, given in random key order and
 * sometimes with an empty `addresses` section: serialize → parse is the identity (up to the absent
 * and empty section being the same), and parse → serialize gives the same bytes.
 */

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));

// Pools: distinct /24s (IPv4) or /120s (IPv6) by index, so that none overlaps another.
const poolArb: fc.Arbitrary<[string, LedgerEntry]> = fc
  .record({ name: subdomain, family: fc.constantFrom(4 as const, 6 as const), index: fc.nat(0xffff), retired: fc.boolean(), block: fc.nat(2) })
  .map(({ name, family, index, retired, block }) => [
    name,
    family === 4
      ? { family, cidr: `10.${index >> 8}.${index & 255}.0/24`, blockSize: 24 + block * 2, status: retired ? "draining" : "active" }
      : { family, cidr: `fd00::${index.toString(16)}:0/120`.replace(/::0:0\/120$/, "::/120"), blockSize: 120 + block * 2, status: retired ? "draining" : "active" },
  ]);

// Addresses: any value of the family, written canonically; sparse IPv6 values exercise "::" compression.
const v6Value = fc
  .array(fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((v, g) => (v << 16n) | BigInt(g), 0n));
const addressArb: fc.Arbitrary<[string, LedgerAddress]> = fc
  .record({
    namespace: label,
    workload: subdomain,
    family: fc.constantFrom(4 as const, 6 as const),
    v4: fc.bigInt({ min: 0n, max: 0xffffffffn }),
    v6: v6Value,
    pool: subdomain,
  })
  .map(({ namespace, workload, family, v4, v6, pool }) => [
    `${namespace}/${workload}/ipv${family}`,
    { address: formatAddress(family, family === 4 ? v4 : v6), pool },
  ]);

const ledgerArb: fc.Arbitrary<{ ledger: Ledger; expected: Ledger }> = fc
  .record({
    pools: fc.uniqueArray(poolArb, { selector: ([name]) => name, maxLength: 12 }),
    addresses: fc.uniqueArray(addressArb, { selector: ([key]) => key, maxLength: 12 }),
    emptySection: fc.boolean(),
  })
  .map(({ pools, addresses, emptySection }) => {
    // Keep one pool per range and one key per address, so that the ledger is valid.
    const cidrs = new Set<string>();
    const keptPools = pools.filter(([, e]) => !cidrs.has(e.cidr) && cidrs.add(e.cidr));
    const used = new Set<string>();
    const keptAddresses = addresses.filter(([, a]) => !used.has(a.address) && used.add(a.address));
    const poolRecord = Object.fromEntries(keptPools);
    const addressRecord = Object.fromEntries(keptAddresses);
    const ledger: Ledger =
      keptAddresses.length > 0 || emptySection ? { version: 1, pools: poolRecord, addresses: addressRecord } : { version: 1, pools: poolRecord };
    const expected: Ledger = keptAddresses.length > 0 ? { version: 1, pools: poolRecord, addresses: addressRecord } : { version: 1, pools: poolRecord };
    return { ledger, expected };
  });

describe("ledger with addresses: properties", () => {
  optionalSectionProperties(ledgerArb, "addresses");
});
