import {
  PoolCatalog,
  PoolChoice,
  PoolRequest,
  choosePools,
  isPoolChoiceError,
  nodeLabels,
  poolListError,
} from "../../src/simulator";
import { pool } from "./helpers";

// Pool names are declared out of order on purpose: Calico tries selected pools in name order.
const pools = [
  pool("zz-general", "10.9.0.0/16"),
  pool("aa-rack-a", "10.1.0.0/16", { nodeSelector: 'rack == "a"' }),
  pool("team-red", "10.2.0.0/16", { namespaceSelector: 'team == "red"', allowedUses: ["Workload"] }),
  pool("manual", "10.3.0.0/16", { assignmentMode: "Manual" }),
  pool("off", "10.4.0.0/16", { disabled: true }),
  pool("tunnels", "10.5.0.0/16", { allowedUses: ["Tunnel"] }),
  pool("small-blocks", "10.6.0.0/16", { blockSize: 30 }),
  pool("v6", "fd00::/48"),
  pool("v6-manual", "fd01::/48", { assignmentMode: "Manual" }),
];
const catalog = PoolCatalog.of(pools);

const rackA = { host: "n1", nodeLabels: nodeLabels("n1", "linux", { rack: "a" }) };
const rackB = { host: "n2", nodeLabels: nodeLabels("n2", "linux", { rack: "b" }) };
const red = { name: "red", labels: { team: "red" } };
const blue = { name: "blue", labels: { team: "blue" } };

function describeChoice(c: PoolChoice): string {
  return isPoolChoiceError(c) ? `${c.source} error: ${c.error}` : `${c.source}: ${c.pools.map((p) => p.name).join(", ")}`;
}

describe("which pools a pod gets, by precedence", () => {
  test.each<[string, PoolRequest, string]>([
    // selectors
    ["selectors: nodeSelector AND namespaceSelector, Automatic only, name order", { family: 4, ...rackA, namespace: red }, "selectors: aa-rack-a, small-blocks, team-red, zz-general"],
    ["selectors: a pool without namespaceSelector serves every namespace", { family: 4, ...rackB, namespace: blue }, "selectors: small-blocks, zz-general"],
    ["selectors: Windows skips IPv4 pools with blockSize above 29", { family: 4, ...rackB, nodeOs: "windows", namespace: blue }, "selectors: zz-general"],
    ["selectors: IPv6", { family: 6, ...rackB, namespace: blue }, "selectors: v6"],
    ["selectors: Tunnel use keeps only pools that allow tunnels", { family: 4, ...rackB, use: "Tunnel" }, "selectors: small-blocks, tunnels, zz-general"],
    // CNI config
    ["cniConfig beats selectors and keeps the listed order", { family: 4, ...rackB, namespace: blue, cni: { ipv4Pools: ["zz-general", "manual"] } }, "cniConfig: zz-general, manual"],
    ["cniConfig by CIDR", { family: 4, ...rackB, cni: { ipv4Pools: ["10.3.0.0/16"] } }, "cniConfig: manual"],
    ["cniConfig by CIDR with host bits, as Go's ParseCIDR masks them", { family: 4, ...rackB, cni: { ipv4Pools: ["10.3.1.1/16"] } }, "cniConfig: manual"],
    ["cniConfig of the other family does not apply", { family: 6, ...rackB, cni: { ipv4Pools: ["manual"] } }, "selectors: v6"],
    // namespace annotation
    ["namespaceAnnotation beats the CNI config", { family: 4, ...rackB, namespace: { name: "ns", annotations: { ipv4pools: ["aa-rack-a"] } }, cni: { ipv4Pools: ["manual"] } }, "namespaceAnnotation: aa-rack-a"],
    ["namespaceAnnotation ignores the nodeSelector (calico#4656)", { family: 4, ...rackB, namespace: { name: "ns", annotations: { ipv4pools: ["aa-rack-a"] } } }, "namespaceAnnotation: aa-rack-a"],
    ["an empty namespace annotation counts as absent", { family: 4, ...rackB, namespace: { name: "ns", annotations: { ipv4pools: [] } }, cni: { ipv4Pools: ["manual"] } }, "cniConfig: manual"],
    ["namespaceAnnotation IPv6 by name", { family: 6, ...rackB, namespace: { name: "ns", annotations: { ipv6pools: ["v6-manual"] } } }, "namespaceAnnotation: v6-manual"],
    // pod annotation
    ["podAnnotation beats the namespace annotation", { family: 4, ...rackB, namespace: { name: "ns", annotations: { ipv4pools: ["aa-rack-a"] } }, podAnnotations: { ipv4pools: ["manual"] } }, "podAnnotation: manual"],
    ["podAnnotation ignores the namespaceSelector", { family: 4, ...rackB, namespace: blue, podAnnotations: { ipv4pools: ["team-red"] } }, "podAnnotation: team-red"],
    ["podAnnotation by CIDR", { family: 6, ...rackB, podAnnotations: { ipv6pools: ["fd01::/48"] } }, "podAnnotation: v6-manual"],
    ["a pod annotation of one family leaves the other to the next source", { family: 6, ...rackB, podAnnotations: { ipv4pools: ["manual"] }, namespace: { name: "ns", annotations: { ipv6pools: ["v6-manual"] } } }, "namespaceAnnotation: v6-manual"],
    // ipAddrs
    ["ipAddrs beats every annotation and ignores selectors and assignmentMode", { family: 4, ...rackB, podAnnotations: { ipAddrs: ["10.3.0.7"], ipv4pools: ["zz-general"] } }, "ipAddrs: manual"],
    ["ipAddrs without an address of the family requests none", { family: 6, ...rackB, podAnnotations: { ipAddrs: ["10.3.0.7"] } }, "ipAddrs: "],
    ["ipAddrs IPv6", { family: 6, ...rackB, podAnnotations: { ipAddrs: ["fd00::5"] } }, "ipAddrs: v6"],
    // errors
    ["an unknown pool name fails the request", { family: 4, ...rackB, podAnnotations: { ipv4pools: ["nope"] } }, 'podAnnotation error: error parsing pool "nope": invalid CIDR address: nope'],
    ["a named disabled pool fails the whole request", { family: 4, ...rackB, podAnnotations: { ipv4pools: ["zz-general", "off"] } }, "podAnnotation error: the given pool (10.4.0.0/16) does not exist, or is not enabled"],
    ["a CIDR that is no pool's fails", { family: 4, ...rackB, cni: { ipv4Pools: ["10.9.0.0/24"] } }, "cniConfig error: the given pool (10.9.0.0/24) does not exist, or is not enabled"],
    ["a pool of the other family fails", { family: 4, ...rackB, namespace: { name: "ns", annotations: { ipv4pools: ["v6"] } } }, 'namespaceAnnotation error: "fd00::" isn\'t a IPv4 address'],
    ["a named pool must still allow the use", { family: 4, ...rackB, podAnnotations: { ipv4pools: ["tunnels"] } }, "podAnnotation error: cannot find a qualified ippool, no pools match the required use (Workload)"],
    ["Windows: a named pool with small blocks is not enabled for it", { family: 4, ...rackB, nodeOs: "windows", podAnnotations: { ipv4pools: ["small-blocks"] } }, "podAnnotation error: the given pool (10.6.0.0/16) does not exist, or is not enabled"],
    ["a fixed address outside every enabled pool", { family: 4, ...rackB, podAnnotations: { ipAddrs: ["10.4.0.1"] } }, "ipAddrs error: The provided IP address is not in a configured pool"],
    ["an unreadable fixed address", { family: 4, ...rackB, podAnnotations: { ipAddrs: ["10.0.0.300"] } }, 'ipAddrs error: cni.projectcalico.org/ipAddrs: "10.0.0.300" is not a valid IP address'],
    ["two fixed addresses of one family", { family: 4, ...rackB, podAnnotations: { ipAddrs: ["10.3.0.1", "10.3.0.2"] } }, "ipAddrs error: cni.projectcalico.org/ipAddrs lists more than one IPv4 address (10.3.0.1, 10.3.0.2); Calico takes at most one address per family"],
  ])("%s", (_title, request, expected) => {
    expect(describeChoice(choosePools(catalog, request))).toBe(expected);
    // The catalog is an optimisation: raw pools give the same answer.
    expect(describeChoice(choosePools(pools, request))).toBe(expected);
  });

  test("no pool for the node: Calico's message names the host", () => {
    const only = [pool("rack-a", "10.1.0.0/16", { nodeSelector: 'rack == "a"' })];
    const c = choosePools(only, { family: 4, ...rackB });
    expect(c).toMatchObject({ source: "selectors", code: "NO_POOLS_FOR_NODE", error: "no configured Calico pools for node n2" });
  });

  test("no enabled pool of the family at all", () => {
    const c = choosePools([pool("off", "10.4.0.0/16", { disabled: true })], { family: 4, ...rackB });
    expect(c).toMatchObject({ code: "NO_QUALIFIED_POOL", error: "cannot find a qualified ippool" });
  });

  test("a Manual pool is never selected", () => {
    const c = choosePools([pool("manual", "10.3.0.0/16", { assignmentMode: "Manual" })], { family: 4, ...rackB });
    expect(c).toMatchObject({ code: "NO_POOLS_FOR_NODE" });
  });

  test("a disabled pool is never selected", () => {
    const c = choosePools([pool("off", "10.4.0.0/16", { disabled: true }), pool("on", "10.5.0.0/16")], { family: 4, ...rackB });
    expect(describeChoice(c)).toBe("selectors: on");
  });

  test("namespace selectors see kubernetes.io/metadata.name", () => {
    const p = [pool("kube", "10.7.0.0/16", { namespaceSelector: 'kubernetes.io/metadata.name == "kube-system"', allowedUses: ["Workload"] })];
    expect(describeChoice(choosePools(p, { family: 4, ...rackB, namespace: { name: "kube-system" } }))).toBe("selectors: kube");
    expect(isPoolChoiceError(choosePools(p, { family: 4, ...rackB, namespace: { name: "default" } }))).toBe(true);
  });

  test("without a namespace (tunnels), namespace selectors see no labels", () => {
    const p = [pool("not-red", "10.7.0.0/16", { namespaceSelector: 'team != "red"', allowedUses: ["Workload"] })];
    expect(describeChoice(choosePools(p, { family: 4, ...rackB }))).toBe("selectors: not-red");
  });

  test("an unparsable selector on an Automatic pool fails every selector-based request", () => {
    const broken = { ...pool("broken", "10.8.0.0/16"), nodeSelector: "rack ==" };
    const c = choosePools([broken, pool("ok", "10.9.0.0/16")], { family: 4, ...rackB });
    expect(c).toMatchObject({ code: "SELECTOR_INVALID" });
    expect(isPoolChoiceError(c) && c.error).toMatch(/^failed to determine if node matches pool "broken"/);
  });

  test("results explain themselves", () => {
    const c = choosePools(catalog, { family: 4, ...rackB, podAnnotations: { ipAddrs: ["10.3.0.7"] } });
    expect(c).toMatchObject({ source: "ipAddrs", address: "10.3.0.7" });
    expect(!isPoolChoiceError(c) && c.reason).toMatch(/selectors, assignmentMode, allowedUses and IP reservations are not consulted/);
  });

  test("the CNI plugin resolves both families' pool lists before it allocates", () => {
    const e = poolListError(catalog, { ...rackB, podAnnotations: { ipv6pools: ["missing"] } });
    expect(e).toMatchObject({ family: 6, code: "POOL_UNKNOWN" });
    expect(poolListError(catalog, { ...rackB, podAnnotations: { ipv6pools: ["v6"] } })).toBeUndefined();
  });
});
