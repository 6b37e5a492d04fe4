import { Cidr } from "../../src/ip";
import { FixedAddressDeclaration, resolveFixedAddresses } from "../../src/plan/fixed-addresses";
import { checkIpPool, EffectiveIpPool } from "../../src/validation/ip-pool";

function pool(name: string, cidr: string, spec: Record<string, unknown> = {}): EffectiveIpPool {
  return checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } }).pool!;
}

const pools = [
  pool("pods", "10.244.0.0/16"),
  pool("infra", "10.96.100.0/26", { assignmentMode: "Manual", nodeSelector: "!all()" }),
  pool("old", "10.245.0.0/16", { disabled: true }),
  pool("lb", "10.246.0.0/24", { allowedUses: ["LoadBalancer"] }),
  pool("v6", "fd00::/112"),
];
const reservations = [{ name: "firewall-vips", cidrs: [Cidr.parse("10.244.0.0/28")] }];

function resolve(decls: FixedAddressDeclaration[], recorded = {}) {
  return resolveFixedAddresses(decls, pools, reservations, recorded);
}

const dns = (addresses: FixedAddressDeclaration["addresses"]): FixedAddressDeclaration => ({ namespace: "kube-system", workload: "coredns", addresses });

describe("fixed addresses", () => {
  test("a given address in an enabled pool gives the pod annotation", () => {
    const r = resolve([dns([{ address: "10.244.1.10" }, { address: "FD00::0a" }])]);
    expect(r.workloads[0].findings).toEqual([]);
    expect(r.workloads[0].podAnnotations).toEqual({ "cni.projectcalico.org/ipAddrs": '["10.244.1.10","fd00::a"]' });
    expect(r.record).toEqual({ "kube-system/coredns/ipv4": { address: "10.244.1.10", pool: "pods" }, "kube-system/coredns/ipv6": { address: "fd00::a", pool: "v6" } });
  });

  test("an address picked from a pool is the lowest free one, and the ledger keeps it", () => {
    const first = resolve([dns([{ pool: "infra" }])]);
    expect(first.workloads[0].addresses).toEqual([{ family: 4, address: "10.96.100.0", pool: "infra", source: "picked" }]);
    // Later, another workload is declared before it and picks too: the recorded address stays.
    const second = resolve([{ namespace: "a", workload: "first", addresses: [{ pool: "infra" }] }, dns([{ pool: "infra" }])], first.record);
    expect(second.workloads[1].addresses[0]).toEqual({ family: 4, address: "10.96.100.0", pool: "infra", source: "ledger" });
    expect(second.workloads[0].addresses[0].address).toBe("10.96.100.1");
  });

  test("a pick skips declared reservations and given addresses", () => {
    const r = resolve([{ namespace: "a", workload: "x", addresses: [{ address: "10.244.0.16" }] }, dns([{ pool: "pods" }])]);
    expect(r.workloads[1].addresses[0].address).toBe("10.244.0.17");
  });

  test.each([
    ["outside every pool", "192.168.1.1", "FIXED_ADDRESS_NOT_IN_POOL", /^The provided IP address is not in a configured pool/],
    ["in a disabled pool", "10.245.0.5", "FIXED_ADDRESS_POOL_DISABLED", /pool "old", which is disabled/],
    ["in a LoadBalancer pool", "10.246.0.5", "FIXED_ADDRESS_POOL_USE", /do not include Workload/],
    ["inside a reservation", "10.244.0.3", "FIXED_ADDRESS_RESERVED", /inside IPReservation "firewall-vips"/],
    ["not an address", "10.244.0.0/24", "FIXED_ADDRESS_INVALID", /not an IP address/],
  ])("an address %s is an error", (_name, address, code, message) => {
    const f = resolve([dns([{ address }])]).workloads[0].findings;
    expect(f.map((x) => x.code)).toEqual([code]);
    expect(f[0].message).toMatch(message);
  });

  test("an address in the wrong family's pool list is caught by family", () => {
    const f = resolve([dns([{ address: "fd00:1::1" }])]).workloads[0].findings;
    expect(f.map((x) => x.code)).toEqual(["FIXED_ADDRESS_NOT_IN_POOL"]);
  });

  test("an address given to two workloads is an error on the second", () => {
    const r = resolve([dns([{ address: "10.244.1.10" }]), { namespace: "b", workload: "y", addresses: [{ address: "10.244.1.10" }] }]);
    expect(r.workloads[0].findings).toEqual([]);
    expect(r.workloads[1].findings[0]).toMatchObject({ code: "FIXED_ADDRESS_TAKEN" });
    expect(r.workloads[1].findings[0].message).toMatch(/already the fixed address of kube-system\/coredns/);
  });

  test("two addresses of one family are refused", () => {
    expect(resolve([dns([{ address: "10.244.1.10" }, { address: "10.244.1.11" }])]).workloads[0].findings.map((f) => f.code)).toEqual(["FIXED_ADDRESS_FAMILY_REPEATED"]);
  });

  test("an unknown pool to pick from", () => {
    expect(resolve([dns([{ pool: "nope" }])]).workloads[0].findings[0].message).toMatch(/pool "nope" does not exist in this plan; name one of: pods, infra/);
  });

  test("a recorded pick that is no longer valid is picked again", () => {
    const r = resolve([dns([{ pool: "infra" }])], { "kube-system/coredns/ipv4": { address: "10.1.1.1", pool: "infra" } });
    expect(r.workloads[0].addresses[0]).toMatchObject({ address: "10.96.100.0", source: "picked" });
  });

  test("the same input gives the same result", () => {
    const decls = [dns([{ pool: "infra" }]), { namespace: "a", workload: "b", addresses: [{ pool: "infra" }, { pool: "v6" }] }];
    expect(JSON.stringify(resolve(decls))).toBe(JSON.stringify(resolve(decls)));
  });
});

describe("workload names", () => {
  test.each([
    ["Kube", "coredns", "FIXED_ADDRESS_WORKLOAD_NAME"],
    ["kube-system", "CoreDNS", "NAME_INVALID"],
  ])("%s/%s is refused before it reaches the ledger", (namespace, workload, code) => {
    const r = resolve([{ namespace, workload, addresses: [{ pool: "infra" }] }]);
    expect(r.workloads[0].findings.map((f) => f.code)).toEqual([code]);
    expect(r.record).toEqual({});
  });
});
