import fc from "fast-check";
import { Ledger, LedgerAddress, LedgerEntry, diffLedgers, emptyLedger, parseLedger, serializeLedger } from "../../src/ledger";
import { formatAddress } from "../../src/ip";
import { optionalSectionProperties } from "../helpers/ledger";

/**
 * Random valid ledgers with pools, fixed addresses and node CIDRs (single-stack of either family and
 * dual-stack), given in random key order and sometimes with an empty `nodeCidrs` section:
 * serialize → parse is the identity (up to the absent and empty section being the same), and
 * parse → serialize gives the same bytes.
 */

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));

const poolArb: fc.Arbitrary<[string, LedgerEntry]> = fc
  .record({ name: subdomain, index: fc.nat(0xff) })
  .map(({ name, index }) => [name, { family: 4, cidr: `10.64.${index}.0/24`, blockSize: 26, status: "active" }]);

const addressArb: fc.Arbitrary<[string, LedgerAddress]> = fc
  .record({ namespace: label, workload: subdomain, v4: fc.bigInt({ min: 0n, max: 0xffffffffn }), pool: subdomain })
  .map(({ namespace, workload, v4, pool }) => [`${namespace}/${workload}/ipv4`, { address: formatAddress(4, v4), pool }]);

/**
 * A node: its CIDRs lie in its own slot (an IPv4 /24 of 10.0.0.0/8, an IPv6 /64 of fd00:10:244::/48),
 * at the start of the slot with any longer prefix, so no two nodes overlap; the text is canonical.
 */
const nodeArb: fc.Arbitrary<{ node: string; slot: number; cidrs: string[] }> = fc
  .record({
    node: subdomain,
    slot: fc.nat(0xffff),
    stack: fc.constantFrom("ipv4", "ipv6", "dual"),
    v4Prefix: fc.integer({ min: 24, max: 32 }),
    v6Prefix: fc.integer({ min: 64, max: 128 }),
  })
  .map(({ node, slot, stack, v4Prefix, v6Prefix }) => {
    const v4 = `${formatAddress(4, (10n << 24n) | (BigInt(slot) << 8n))}/${v4Prefix}`;
    const v6 = `${formatAddress(6, (0xfd00_0010_0244n << 80n) | (BigInt(slot) << 64n))}/${v6Prefix}`;
    return { node, slot, cidrs: stack === "ipv4" ? [v4] : stack === "ipv6" ? [v6] : [v4, v6] };
  });

const ledgerArb: fc.Arbitrary<{ ledger: Ledger; expected: Ledger }> = fc
  .record({
    pools: fc.uniqueArray(poolArb, { selector: ([name]) => name, maxLength: 6 }),
    addresses: fc.uniqueArray(addressArb, { selector: ([key]) => key, maxLength: 4 }),
    nodes: fc.uniqueArray(nodeArb, { selector: ({ node }) => node, maxLength: 16 }),
    emptySection: fc.boolean(),
  })
  .map(({ pools, addresses, nodes, emptySection }) => {
    // One pool per range, one key per address and one node per slot, so that the ledger is valid.
    const ranges = new Set<string>();
    const poolRecord = Object.fromEntries(pools.filter(([, e]) => !ranges.has(e.cidr) && ranges.add(e.cidr)));
    const used = new Set<string>();
    const addressRecord = Object.fromEntries(addresses.filter(([, a]) => !used.has(a.address) && used.add(a.address)));
    const slots = new Set<number>();
    const nodeRecord = Object.fromEntries(nodes.filter(({ slot }) => !slots.has(slot) && slots.add(slot)).map(({ node, cidrs }) => [node, cidrs]));
    const base: Ledger = Object.keys(addressRecord).length > 0 ? { version: 1, pools: poolRecord, addresses: addressRecord } : { version: 1, pools: poolRecord };
    const hasNodes = Object.keys(nodeRecord).length > 0;
    const ledger: Ledger = hasNodes || emptySection ? { ...base, nodeCidrs: nodeRecord } : base;
    const expected: Ledger = hasNodes ? { ...base, nodeCidrs: nodeRecord } : base;
    return { ledger, expected };
  });

describe("ledger with node CIDRs: properties", () => {
  optionalSectionProperties(ledgerArb, "nodeCidrs");

  test("from an empty ledger, every node is one node-added change, in node-name order", () => {
    fc.assert(
      fc.property(ledgerArb, ({ expected }) => {
        const nodeOnly: Ledger = { ...emptyLedger(), ...(expected.nodeCidrs !== undefined ? { nodeCidrs: expected.nodeCidrs } : {}) };
        const changes = diffLedgers(emptyLedger(), parseLedger(serializeLedger(nodeOnly)));
        const names = Object.keys(expected.nodeCidrs ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(changes).toEqual(names.map((node) => ({ kind: "node-added", node, after: expected.nodeCidrs![node] })));
      }),
      { numRuns: 100 },
    );
  });
});
