import * as fc from "fast-check";
import { Cidr, IntervalSet } from "../../src/ip";
import { firewallRanges } from "../../src/plan/namespaces";
import { checkIpPool, EffectiveIpPool } from "../../src/validation/ip-pool";

function pool(name: string, cidr: string, spec: Record<string, unknown> = {}): EffectiveIpPool {
  return checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } }).pool!;
}

describe("firewall ranges", () => {
  test("adjacent pools named by a namespace aggregate into one CIDR, exclusive when Manual", () => {
    const pools = [pool("a1", "10.1.0.0/24", { assignmentMode: "Manual" }), pool("a2", "10.1.1.0/24", { assignmentMode: "Manual" }), pool("other", "10.2.0.0/16")];
    const [r] = firewallRanges([{ name: "team-a", annotations: { ipv4pools: ["a1", "a2"] } }], pools);
    expect(r).toEqual({ subject: "team-a", pools: ["a1", "a2"], ipv4: ["10.1.0.0/23"], ipv6: [], exclusive: true, notes: [] });
  });

  test("a namespace bound by selector gets every pool that can select it, on any node", () => {
    const pools = [
      pool("web-rack-a", "10.3.0.0/24", { namespaceSelector: "team == 'web'", nodeSelector: "rack == 'a'", allowedUses: ["Workload"] }),
      pool("web-rack-b", "10.3.1.0/24", { namespaceSelector: "team == 'web'", nodeSelector: "rack == 'b'", allowedUses: ["Workload"] }),
      pool("rest", "10.4.0.0/16", { namespaceSelector: "!has(team)", allowedUses: ["Workload"] }),
      pool("manual", "10.5.0.0/24", { namespaceSelector: "team == 'web'", assignmentMode: "Manual", allowedUses: ["Workload"] }),
    ];
    const [r] = firewallRanges([{ name: "web", labels: { team: "web" } }], pools);
    expect(r.pools).toEqual(["web-rack-a", "web-rack-b"]);
    expect(r.ipv4).toEqual(["10.3.0.0/23"]);
    expect(r.exclusive).toBe(false); // the selector also matches any other namespace labelled team=web
    expect(r.notes[0]).toMatch(/pool "web-rack-a" \(10\.3\.0\.0\/24\) also serves other namespaces/);
  });

  test("a namespace-name selector makes the range exclusive", () => {
    const pools = [pool("pay", "10.6.0.0/24", { namespaceSelector: "kubernetes.io/metadata.name == 'payments'", allowedUses: ["Workload"] })];
    const [r] = firewallRanges([{ name: "payments" }], pools);
    expect(r).toMatchObject({ ipv4: ["10.6.0.0/24"], exclusive: true });
  });

  test("aggregation is exact: the union of the output CIDRs is the union of the pools", () => {
    // Random disjoint pools inside 10.0.0.0/16 (as /24../28 children of distinct /24s), a random subset named.
    const arb = fc.uniqueArray(fc.record({ slot: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 24, max: 28 }), offset: fc.nat(15) }), {
      minLength: 1,
      maxLength: 30,
      selector: (r) => r.slot,
    });
    fc.assert(
      fc.property(arb, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (specs, pick) => {
        const pools = specs.map((s, i) => {
          const size = 2 ** (32 - s.prefix);
          const start = (10 << 24) + (s.slot << 8) + ((s.offset * size) % 256);
          const cidr = Cidr.of(4, BigInt(start >>> 0), s.prefix).toString();
          return pool(`p${i}`, cidr, { assignmentMode: "Manual", blockSize: 28 });
        });
        const named = pools.filter((_, i) => pick[i]);
        if (named.length === 0) return;
        const [r] = firewallRanges([{ name: "ns", annotations: { ipv4pools: named.map((p) => p.name) } }], pools);
        const expected = IntervalSet.fromCidrs(4, named.map((p) => p.cidr));
        const got = IntervalSet.fromCidrs(4, r.ipv4.map((c) => Cidr.parse(c)));
        expect(got.ranges()).toEqual(expected.ranges());
        // The fewest CIDRs: no two outputs can merge into one.
        const outs = r.ipv4.map((c) => Cidr.parse(c));
        for (let i = 0; i + 1 < outs.length; i++) {
          const a = outs[i];
          const b = outs[i + 1];
          const mergeable = a.prefix === b.prefix && a.prefix > 0 && a.supernet(a.prefix - 1).equals(b.supernet(b.prefix - 1));
          expect(mergeable).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
