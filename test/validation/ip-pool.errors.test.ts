import { validateIpPool, validateIpPools } from "../../src/validation/ip-pool";

/** A valid pool manifest with the given spec overrides. */
function pool(spec: Record<string, unknown>, name = "pool-a", apiVersion = "projectcalico.org/v3") {
  return { apiVersion, kind: "IPPool", metadata: { name }, spec: { cidr: "10.244.0.0/16", ...spec } };
}

function codes(manifest: unknown) {
  return validateIpPool(manifest).map((f) => f.code);
}

function only(manifest: unknown, code: string) {
  const found = validateIpPool(manifest).filter((f) => f.code === code);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("a valid pool has no findings", () => {
  test.each([
    ["minimal IPv4", pool({})],
    ["minimal IPv6", pool({ cidr: "fd00:10:244::/56" })],
    ["every field", pool({ blockSize: 24, ipipMode: "CrossSubnet", vxlanMode: "Never", natOutgoing: true, disabled: false, disableBGPExport: true, nodeSelector: 'rack == "a"', allowedUses: ["Workload", "Tunnel"], assignmentMode: "Manual" })],
    ["namespace pool with Workload only", pool({ namespaceSelector: "team == 'payments'", allowedUses: ["Workload"] })],
    ["VXLAN on IPv6", pool({ cidr: "fd00::/112", vxlanMode: "Always" })],
    ["LoadBalancer pool", pool({ cidr: "10.96.100.0/24", allowedUses: ["LoadBalancer"] })],
    ["disabled pool smaller than a block", pool({ cidr: "10.1.0.0/27", disabled: true })],
    ["disabled /128 IPv6 pool", pool({ cidr: "fd00::1/128", disabled: true })],
    ["crd.projectcalico.org/v1", pool({}, "pool-a", "crd.projectcalico.org/v1")],
    ["manual-only pool", pool({ nodeSelector: "!all()" })],
    ["block size at the IPv4 limits", pool({ cidr: "10.0.0.0/20", blockSize: 20 })],
    ["block size /32", pool({ blockSize: 32 })],
    ["block size /116", pool({ cidr: "fd00::/112", blockSize: 116 })],
    ["empty allowedUses means the default", pool({ allowedUses: [] })],
  ])("%s", (_name, manifest) => {
    expect(validateIpPool(manifest)).toEqual([]);
  });
});

describe("rule 1: the CIDR is required", () => {
  test.each([[undefined], [""], [null]])("cidr %p", (cidr) => {
    expect(only(pool({ cidr }), "POOL_CIDR_MISSING").message).toMatch(/^IPPool CIDR must be specified/);
  });
});

describe("rule 2: the CIDR parses", () => {
  test.each([
    ["not a CIDR", "nonsense"],
    ["bare address", "10.0.0.0"],
    ["prefix out of range", "10.0.0.0/33"],
    ["zoned IPv6", "fe80::%eth0/64"],
    ["IPv4-mapped IPv6", "::ffff:10.0.0.0/104"],
    ["a number", 10],
  ])("%s", (_name, cidr) => {
    expect(only(pool({ cidr }), "POOL_CIDR_INVALID").message).toMatch(/^IPPool CIDR must be a valid subnet/);
  });

  test("a bigint CIDR is named", () => {
    expect(only(pool({ cidr: 10n }), "POOL_CIDR_INVALID").message).toMatch(/bigint/);
  });
});

describe("rule 3: the CIDR is strictly masked", () => {
  test.each([
    ["10.244.1.5/16", "10.244.0.0/16"],
    ["aa:bb::cc/120", "aa:bb::/120"],
  ])("%s names the masked form %s", (cidr, masked) => {
    const f = only(pool({ cidr }), "POOL_CIDR_NOT_MASKED");
    expect(f.message).toMatch(/^IP pool CIDR is not strictly masked/);
    expect(f.message).toContain(`"${masked}"`);
    expect(f.path).toBe("spec.cidr");
  });
});

describe("rule 4: block size range", () => {
  test.each([
    [19, "10.0.0.0/16", /IPv4 block size must be between 20 and 32, got 19/],
    [33, "10.0.0.0/16", /IPv4 block size must be between 20 and 32, got 33/],
    [115, "fd00::/48", /IPv6 block size must be between 116 and 128, got 115/],
    [129, "fd00::/48", /IPv6 block size must be between 116 and 128, got 129/],
  ])("blockSize %d in %s", (blockSize, cidr, message) => {
    expect(only(pool({ cidr, blockSize }), "POOL_BLOCK_SIZE_RANGE").message).toMatch(message);
  });

  test.each([
    [26.5, /whole number/],
    [Number.NaN, /non-finite number NaN/],
    [Number.POSITIVE_INFINITY, /non-finite number Infinity/],
    ["26", /the string "26"/],
    [26n, /bigint \(26n\): write 26 without the n/],
  ])("blockSize %p is not an integer", (blockSize, message) => {
    expect(only(pool({ blockSize }), "POOL_BLOCK_SIZE_INVALID").message).toMatch(message);
  });
});

describe("rule 5: the pool holds at least one block", () => {
  test("an enabled /27 with /26 blocks fails", () => {
    const f = only(pool({ cidr: "10.1.0.0/27" }), "POOL_SMALLER_THAN_BLOCK");
    expect(f.message).toMatch(/^IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size./);
    expect(f.message).toMatch(/cannot hold one \/26 block/);
  });
  test("an IPv6 /123 with default /122 blocks fails", () => {
    expect(codes(pool({ cidr: "fd00::/123" }))).toContain("POOL_SMALLER_THAN_BLOCK");
  });
  test("a /26 pool with /26 blocks passes", () => {
    expect(codes(pool({ cidr: "10.1.0.0/26" }))).toEqual([]);
  });
});

describe("rule 6: no link-local overlap", () => {
  test.each([
    ["169.254.0.0/16", /IPv4 Link Local range 169.254.0.0\/16/],
    ["169.254.169.0/24", /169.254.169.254/],
    ["128.0.0.0/1", /IPv4 Link Local/],
    ["fe80::/64", /IPv6 Link Local range fe80::\/10/],
  ])("%s", (cidr, message) => {
    const f = only(pool({ cidr, blockSize: cidr.includes(":") ? 122 : 26 }), "POOL_LINK_LOCAL");
    expect(f.message).toMatch(/^IP pool range overlaps with/);
    expect(f.message).toMatch(message);
  });
});

describe("warnings Calico does not give", () => {
  test.each([
    ["127.0.0.0/16", /loopback/i],
    ["224.0.0.0/16", /multicast/i],
    ["0.0.0.0/16", /0\.0\.0\.0\/8/],
    ["ff00::/112", /multicast/i],
  ])("%s", (cidr, message) => {
    const f = only(pool({ cidr }), "POOL_SPECIAL_RANGE");
    expect(f.severity).toBe("warning");
    expect(f.message).toMatch(message);
  });
  test("a private range gets no warning", () => {
    expect(codes(pool({ cidr: "192.168.0.0/16" }))).toEqual([]);
  });
  test("a deprecated APIv1 field is named with its replacement", () => {
    const f = only(pool({ ipip: { enabled: true } }), "POOL_UNKNOWN_FIELD");
    expect(f.severity).toBe("warning");
    expect(f.message).toMatch(/use `ipipMode`/);
  });
});

describe("rule 7: no IPIP on IPv6", () => {
  test.each(["Always", "CrossSubnet"])("ipipMode %s", (ipipMode) => {
    expect(only(pool({ cidr: "fd00::/112", ipipMode }), "POOL_IPIP_ON_IPV6").message).toMatch(/^IPIP is not supported on an IPv6 IP pool/);
  });
  test("ipipMode Never on IPv6 passes", () => {
    expect(codes(pool({ cidr: "fd00::/112", ipipMode: "Never" }))).toEqual([]);
  });
});

describe("rule 8: not both IPIP and VXLAN", () => {
  test("Always + CrossSubnet fails with the correct wording", () => {
    expect(only(pool({ ipipMode: "Always", vxlanMode: "CrossSubnet" }), "POOL_IPIP_AND_VXLAN").message).toMatch(/^Cannot enable both VXLAN and IPIP on the same IPPool/);
  });
  test("one of them Never passes", () => {
    expect(codes(pool({ ipipMode: "Never", vxlanMode: "Always" }))).toEqual([]);
  });
});

describe("rule 9: enumerations", () => {
  test("lowercase never is rejected with a hint", () => {
    const f = only(pool({ ipipMode: "never" }), "POOL_ENUM_INVALID");
    expect(f.message).toMatch(/supported values: "Never", "Always", "CrossSubnet"/);
    expect(f.message).toMatch(/did you mean "Never"/);
  });
  test("vxlanMode", () => {
    expect(only(pool({ vxlanMode: "Sometimes" }), "POOL_ENUM_INVALID").path).toBe("spec.vxlanMode");
  });
  test("assignmentMode", () => {
    expect(only(pool({ assignmentMode: "Auto" }), "POOL_ENUM_INVALID").message).toMatch(/"Automatic", "Manual"/);
  });
  test("unknown use", () => {
    const f = only(pool({ allowedUses: ["Workload", "Pods"] }), "POOL_ENUM_INVALID");
    expect(f.message).toMatch(/^unknown use: Pods/);
    expect(f.path).toBe("spec.allowedUses[1]");
  });
  test("a use listed twice", () => {
    expect(only(pool({ allowedUses: ["Workload", "Workload"] }), "POOL_ALLOWED_USES_DUPLICATE").path).toBe("spec.allowedUses[1]");
  });
  test("a boolean field with a string", () => {
    expect(only(pool({ natOutgoing: "true" }), "POOL_FIELD_TYPE").message).toMatch(/natOutgoing must be true or false, got the string "true"/);
  });
});

describe("rules 10-13: LoadBalancer pools", () => {
  test("rule 10: LoadBalancer with Workload", () => {
    expect(only(pool({ allowedUses: ["LoadBalancer", "Workload"] }), "POOL_LOADBALANCER_COMBINED").message).toMatch(/^LoadBalancer cannot be used at the same time as: Workload/);
  });
  test("rule 11: LoadBalancer with VXLAN", () => {
    expect(only(pool({ allowedUses: ["LoadBalancer"], vxlanMode: "Always" }), "POOL_LOADBALANCER_ENCAPSULATION").message).toMatch(/^Neither IPIPMode nor VXLANMode can be enabled on AllowedUses LoadBalancer IP pool/);
  });
  test("rule 12: LoadBalancer with disableBGPExport, worded correctly", () => {
    expect(only(pool({ allowedUses: ["LoadBalancer"], disableBGPExport: true }), "POOL_LOADBALANCER_BGP_EXPORT").message).toMatch(/^LoadBalancer IP pools cannot disable BGP export/);
  });
  test("rule 13: LoadBalancer with a node selector", () => {
    expect(only(pool({ allowedUses: ["LoadBalancer"], nodeSelector: 'rack == "a"' }), "POOL_LOADBALANCER_NODE_SELECTOR").message).toMatch(/^IP Pool with AllowedUse LoadBalancer must have node selector set to all\(\)/);
  });
  test("rule 13: all() passes", () => {
    expect(codes(pool({ allowedUses: ["LoadBalancer"], nodeSelector: "all()" }))).toEqual([]);
  });
});

describe("rule 14: Tunnel and a namespace selector", () => {
  test("explicit Tunnel", () => {
    const f = only(pool({ namespaceSelector: "team == 'a'", allowedUses: ["Workload", "Tunnel"] }), "POOL_TUNNEL_NAMESPACE_SELECTOR");
    expect(f.message).toMatch(/^IP Pool with AllowedUse Tunnel cannot have namespaceSelector specified - tunnel IPs are not namespaced resources/);
  });
  test("omitted allowedUses defaults to Tunnel and is explained", () => {
    const f = only(pool({ namespaceSelector: "team == 'a'" }), "POOL_TUNNEL_NAMESPACE_SELECTOR");
    expect(f.message).toMatch(/allowedUses defaults to \[Workload, Tunnel\]/);
    expect(f.message).toMatch(/set allowedUses to \[Workload\]/);
  });
});

describe("rule 15: selectors", () => {
  test("a selector that does not parse names the position", () => {
    const f = only(pool({ nodeSelector: "rack = 'a'" }), "POOL_SELECTOR_INVALID");
    expect(f.path).toBe("spec.nodeSelector");
    expect(f.message).toMatch(/nodeSelector is not a valid selector/);
    expect(f.message).toMatch(/position/);
  });
  test.each(["nodeSelector", "namespaceSelector"])("global() in %s", (field) => {
    const spec = field === "namespaceSelector" ? { namespaceSelector: "global()", allowedUses: ["Workload"] } : { nodeSelector: "global()" };
    expect(only(pool(spec), "POOL_SELECTOR_GLOBAL").message).toBe(`global() selector is not valid for IPPool ${field} - use all() instead`);
  });
  test("a selector longer than 1024 characters warns", () => {
    const long = Array.from({ length: 120 }, (_, i) => `has(label${i})`).join(" && ");
    expect(only(pool({ nodeSelector: long }), "POOL_SELECTOR_TOO_LONG").severity).toBe("warning");
  });
});

describe("rule 16: pools do not overlap", () => {
  test.each(["10.244.0.0/16", "10.0.0.0/8", "10.244.3.128/25", "10.244.3.8/31"])("with %s", (other) => {
    const findings = validateIpPool(pool({}), { siblings: [pool({ cidr: other, blockSize: 31 }, "pool-b")] });
    const f = findings.find((x) => x.code === "POOL_OVERLAP");
    expect(f?.message).toMatch(new RegExp(`^IPPool\\(pool-a\\) CIDR overlaps with IPPool\\(pool-b\\) CIDR ${other.replace(/[./]/g, "\\$&")}`));
  });
  test("a sibling with the same name is the pool itself", () => {
    expect(validateIpPool(pool({}), { siblings: [pool({})] })).toEqual([]);
  });
  test("validateIpPools reports both sides and duplicate names", () => {
    const result = validateIpPools([pool({}, "a"), pool({ cidr: "10.244.128.0/17" }, "b"), pool({ cidr: "10.10.0.0/16" }, "a")]);
    expect(result[0].map((f) => f.code)).toEqual(["POOL_OVERLAP"]);
    expect(result[1].map((f) => f.code)).toEqual(["POOL_OVERLAP"]);
    expect(result[2].map((f) => f.code)).toEqual(["POOL_DUPLICATE_NAME"]);
  });
  test("different families never overlap", () => {
    expect(validateIpPools([pool({}, "a"), pool({ cidr: "::/112" }, "b")]).flat().filter((f) => f.code === "POOL_OVERLAP")).toEqual([]);
  });
});

describe("names, labels and shape", () => {
  test.each([
    ["Pool_A", /must consist of lower case alphanumeric characters, '-' or '.'/],
    ["-pool", /regex/],
    ["pool.", /regex/],
  ])("name %s", (name, message) => {
    expect(only(pool({}, name), "NAME_INVALID").message).toMatch(message);
  });
  test("a name of 253 characters passes and 254 fails", () => {
    expect(codes(pool({}, "a".repeat(253)))).toEqual([]);
    expect(only(pool({}, "a".repeat(254)), "NAME_TOO_LONG").message).toMatch(/^name is too long by 1 bytes/);
  });
  test("an upper-case name gets a suggestion", () => {
    expect(only(pool({}, "Pods_V4"), "NAME_INVALID").message).toMatch(/did you mean "pods-v4"/);
  });
  test("a bad label key", () => {
    const m = { ...pool({}), metadata: { name: "a", labels: { "bad key": "x" } } };
    expect(only(m, "LABEL_KEY_INVALID").path).toBe("metadata.labels.bad key");
  });
  test("a label value of 64 characters", () => {
    const m = { ...pool({}), metadata: { name: "a", labels: { team: "x".repeat(64) } } };
    expect(only(m, "LABEL_VALUE_INVALID").message).toMatch(/no more than 63 characters/);
  });
  test("wrong kind and apiVersion", () => {
    expect(codes({ ...pool({}), kind: "IpPool", apiVersion: "v1" }).sort()).toEqual(["API_VERSION_INVALID", "KIND_INVALID"]);
  });
  test("not an object", () => {
    expect(codes("cidr: 10.0.0.0/8")).toEqual(["MANIFEST_INVALID"]);
  });
  test("no spec", () => {
    expect(codes({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "a" } })).toEqual(["SPEC_MISSING"]);
  });
});
