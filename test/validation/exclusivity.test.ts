import { checkIpPool, EffectiveIpPool } from "../../src/validation/ip-pool";
import { checkExclusivity } from "../../src/validation/exclusivity";

function pool(name: string, cidr: string, spec: Record<string, unknown> = {}): EffectiveIpPool {
  const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } });
  if (!check.pool) throw new Error(JSON.stringify(check.findings));
  return check.pool;
}

const rackA = pool("rack-a", "10.1.0.0/20", { nodeSelector: 'rack == "a"' });
const rackB = pool("rack-b", "10.1.16.0/20", { nodeSelector: 'rack == "b"' });
const racks = new Map([["rack", ["rack-a", "rack-b"]]]);

function codes(result: Map<string, { code: string }[]>) {
  return Object.fromEntries([...result.entries()].map(([k, v]) => [k, v.map((f) => f.code)]));
}

describe("topology pools must select disjoint nodes", () => {
  test("one pool per rack value is exclusive", () => {
    expect(codes(checkExclusivity([rackA, rackB], racks))).toEqual({});
  });

  test("overlapping selectors in a group are an error with a node that matches both", () => {
    const wide = pool("rack-b", "10.1.16.0/20", { nodeSelector: 'rack in {"a", "b"}' });
    const result = checkExclusivity([rackA, wide], racks);
    expect(codes(result)).toEqual({ "rack-b": ["POOL_NODE_SELECTORS_OVERLAP"] });
    expect(result.get("rack-b")![0].message).toMatch(/can both select one node, e\.g\. a node labelled \{rack: "a"\}/);
  });

  test("an IPv4 and an IPv6 pool for the same rack do not conflict", () => {
    const v6 = pool("rack-a-v6", "fd00::/64", { nodeSelector: 'rack == "a"' });
    expect(codes(checkExclusivity([rackA, rackB, v6], new Map([["rack", ["rack-a", "rack-b", "rack-a-v6"]]])))).toEqual({});
  });

  test("a default pool selecting every node breaks exclusivity, and name order is explained", () => {
    const def = pool("default-ipv4-ippool", "10.2.0.0/16");
    const result = checkExclusivity([rackA, rackB, def], racks);
    expect(codes(result)).toEqual({ "rack-a": ["POOL_TOPOLOGY_NOT_EXCLUSIVE"], "rack-b": ["POOL_TOPOLOGY_NOT_EXCLUSIVE"] });
    const message = result.get("rack-a")![0].message;
    expect(message).toMatch(/pool "default-ipv4-ippool" \('all\(\)'\) also selects nodes of "rack-a", e\.g\. a node labelled \{rack: "a"\}/);
    expect(message).toMatch(/claim blocks from "default-ipv4-ippool" before "rack-a"/);
    expect(message).toMatch(/'!\(rack == "a"\)'/);
  });

  test.each([
    ["narrowed to other nodes", { nodeSelector: "!has(rack)" }],
    ["disabled", { disabled: true }],
    ["Manual", { assignmentMode: "Manual" }],
    ["for tunnels only", { allowedUses: ["Tunnel"] }],
  ])("a default pool %s does not break it", (_name, spec) => {
    expect(codes(checkExclusivity([rackA, rackB, pool("default", "10.2.0.0/16", spec)], racks))).toEqual({});
  });
});

describe("namespace pools are dedicated only when no other pool serves their namespaces", () => {
  const payments = pool("payments", "10.3.0.0/22", { namespaceSelector: 'team == "payments"', allowedUses: ["Workload"] });

  test("a general pool without a namespace selector serves them too", () => {
    const result = checkExclusivity([payments, pool("general", "10.4.0.0/16")], new Map());
    expect(codes(result)).toEqual({ payments: ["POOL_NAMESPACE_NOT_EXCLUSIVE"] });
    expect(result.get("payments")![0].message).toMatch(
      /can also get addresses from pool "general" \(no namespaceSelector, so every namespace\), e\.g\. a namespace labelled \{team: "payments"\}/,
    );
  });

  test.each([
    ["excludes the team", "!has(team)"],
    ["excludes payments", 'team != "payments"'],
  ])("a general pool that %s keeps it dedicated", (_name, namespaceSelector) => {
    expect(codes(checkExclusivity([payments, pool("general", "10.4.0.0/16", { namespaceSelector, allowedUses: ["Workload"] })], new Map()))).toEqual({});
  });

  test("a general pool on other nodes only does not matter", () => {
    const dedicatedNodes = pool("payments", "10.3.0.0/22", { namespaceSelector: 'team == "payments"', allowedUses: ["Workload"], nodeSelector: 'pool == "pci"' });
    expect(codes(checkExclusivity([dedicatedNodes, pool("general", "10.4.0.0/16", { nodeSelector: "!has(pool)" })], new Map()))).toEqual({});
  });
});

describe("topology pools and namespace pools together", () => {
  test("a pool for other namespaces on the same nodes does not break the racks' exclusivity", () => {
    const racksForOthers = [
      pool("rack-a", "10.1.0.0/20", { nodeSelector: 'rack == "a"', namespaceSelector: "!has(team)", allowedUses: ["Workload"] }),
      pool("rack-b", "10.1.16.0/20", { nodeSelector: 'rack == "b"', namespaceSelector: "!has(team)", allowedUses: ["Workload"] }),
    ];
    const team = pool("payments", "10.3.0.0/22", { namespaceSelector: 'team == "payments"', allowedUses: ["Workload"] });
    expect(codes(checkExclusivity([...racksForOthers, team], racks))).toEqual({});
  });
});

describe("with declared namespaces, the namespace questions are about them", () => {
  const payments = pool("payments", "10.3.0.0/22", { namespaceSelector: 'kubernetes.io/metadata.name == "payments"', allowedUses: ["Workload"] });
  const general = pool("general", "10.4.0.0/16", { namespaceSelector: "!has(team)", allowedUses: ["Workload"] });
  const declared = [{ name: "payments", labels: { team: "payments", "kubernetes.io/metadata.name": "payments" } }];

  test("a general pool that excludes the declared namespace by its labels keeps the pool dedicated", () => {
    expect(codes(checkExclusivity([payments, general], new Map(), declared))).toEqual({});
  });

  test("without the team label, the declared namespace would reach the general pool too", () => {
    const bare = [
      { name: "payments", labels: { "kubernetes.io/metadata.name": "payments" } },
      { name: "web", labels: { "kubernetes.io/metadata.name": "web" } },
    ];
    const result = checkExclusivity([payments, general], new Map(), bare);
    expect(codes(result)).toEqual({ payments: ["POOL_NAMESPACE_NOT_EXCLUSIVE"] });
    expect(result.get("payments")![0].message).toMatch(/e\.g\. a namespace labelled \{kubernetes\.io\/metadata\.name: "payments"\}/);
  });
});
