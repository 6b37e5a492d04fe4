import { checkIpamConfiguration, validateIpamConfiguration } from "../../src/validation/ipam-configuration";

function config(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "IPAMConfiguration",
    metadata: { name: "default" },
    spec: { strictAffinity: false, autoAllocateBlocks: true, ...spec },
    ...extra,
  };
}

function codes(m: unknown) {
  return validateIpamConfiguration(m).map((f) => f.code);
}

describe("IPAM configuration", () => {
  test("Calico's defaults are valid and explained", () => {
    const check = checkIpamConfiguration(config({}));
    expect(check.findings).toEqual([]);
    expect(check.config?.effectiveMaxBlocksPerHost).toBe(20);
    expect(check.config?.notes.join(" ")).toMatch(/at most 20 blocks per IP family \(Calico's default when maxBlocksPerHost is 0\)/);
  });

  test("crd.projectcalico.org/v1 uses the kind IPAMConfig", () => {
    expect(codes(config({}, { apiVersion: "crd.projectcalico.org/v1", kind: "IPAMConfig" }))).toEqual([]);
    expect(codes(config({}, { apiVersion: "crd.projectcalico.org/v1" }))).toEqual(["KIND_INVALID"]);
  });

  test("maxBlocksPerHost: 0 warns that it means 20, not unlimited", () => {
    const f = validateIpamConfiguration(config({ maxBlocksPerHost: 0 }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: "warning", code: "IPAM_CONFIG_MAX_BLOCKS_ZERO", path: "spec.maxBlocksPerHost" });
    expect(f[0].message).toMatch(/does not mean unlimited: Calico then allows 20 blocks/);
  });

  test("a limit without strict affinity warns with what Calico does", () => {
    const f = validateIpamConfiguration(config({ maxBlocksPerHost: 4 }));
    expect(f.map((x) => x.code)).toEqual(["IPAM_CONFIG_MAX_BLOCKS_WITHOUT_STRICT"]);
    expect(f[0].message).toMatch(/^MaxBlocksPerHost requires StrictAffinity to be enabled/);
    expect(f[0].message).toMatch(/block 5 fails instead of borrowing/);
  });

  test("a limit with strict affinity is fine", () => {
    expect(codes(config({ maxBlocksPerHost: 4, strictAffinity: true }))).toEqual([]);
  });

  test("strict affinity and auto-allocation both off warns", () => {
    const f = validateIpamConfiguration(config({ autoAllocateBlocks: false }));
    expect(f[0].code).toBe("IPAM_CONFIG_STRICT_AND_AUTO_OFF");
    expect(f[0].message).toMatch(/^Cannot disable 'StrictAffinity' and 'AutoAllocateBlocks' at the same time/);
  });

  test.each([
    [-1, "IPAM_CONFIG_MAX_BLOCKS_RANGE"],
    [1_000_001, "IPAM_CONFIG_MAX_BLOCKS_RANGE"],
    [1.5, "IPAM_CONFIG_FIELD_TYPE"],
    [Number.NaN, "IPAM_CONFIG_FIELD_TYPE"],
    [4n, "IPAM_CONFIG_FIELD_TYPE"],
  ])("maxBlocksPerHost %p", (value, code) => {
    expect(codes(config({ maxBlocksPerHost: value, strictAffinity: true }))).toEqual([code]);
  });

  test("the v1 group allows a larger limit", () => {
    expect(codes(config({ maxBlocksPerHost: 2_000_000, strictAffinity: true }, { apiVersion: "crd.projectcalico.org/v1", kind: "IPAMConfig" }))).toEqual([]);
  });

  test("the name must be default", () => {
    const f = validateIpamConfiguration(config({}, { metadata: { name: "cluster" } }));
    expect(f.map((x) => x.code)).toEqual(["IPAM_CONFIG_NAME"]);
    expect(f[0].message).toMatch(/rename it to "default"/);
  });

  test("required fields are named", () => {
    const m = { apiVersion: "projectcalico.org/v3", kind: "IPAMConfiguration", metadata: { name: "default" }, spec: {} };
    expect(codes(m)).toEqual(["IPAM_CONFIG_FIELD_MISSING", "IPAM_CONFIG_FIELD_MISSING"]);
  });

  test("kubeVirtVMAddressPersistence is an enumeration", () => {
    expect(codes(config({ kubeVirtVMAddressPersistence: "enabled" }))).toEqual(["IPAM_CONFIG_ENUM_INVALID"]);
    expect(codes(config({ kubeVirtVMAddressPersistence: "Disabled" }))).toEqual([]);
  });

  test("an unknown field warns", () => {
    expect(codes(config({ ipCooldownSeconds: 30 }))).toEqual(["IPAM_CONFIG_UNKNOWN_FIELD"]);
  });
});
