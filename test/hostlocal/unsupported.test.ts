import { HOST_LOCAL_UNSUPPORTED, HostLocalFeatures, hostLocalUnsupported } from "../../src/hostlocal";

const FEATURES = ["namespacePools", "topologyPools", "fixedAddresses", "blockSize", "multiplePools", "ipamConfiguration", "reservations"] as const;

describe("features host-local cannot give are errors that explain why and point to Calico IPAM", () => {
  test.each([
    ["namespacePools", "HOSTLOCAL_NAMESPACE_POOLS", "pools[].namespaceSelector", /namespaceSelector.*ipv4pools.*every namespace shares the node's range/],
    ["topologyPools", "HOSTLOCAL_TOPOLOGY_POOLS", "pools[].nodeSelector", /nodeSelector other than all\(\).*never from a pool chosen by node labels/],
    ["fixedAddresses", "HOSTLOCAL_FIXED_ADDRESSES", "workloads[].addresses", /ipAddrs.*ignores the annotation/],
    ["blockSize", "HOSTLOCAL_BLOCK_SIZE", "pools[].blockSize", /no Calico IPAM blocks.*node mask/],
    ["multiplePools", "HOSTLOCAL_MULTIPLE_POOLS", "pools", /more than one pool per IP family.*one cluster CIDR of its family/],
    ["ipamConfiguration", "HOSTLOCAL_IPAM_CONFIGURATION", "ipamConfiguration", /strictAffinity, maxBlocksPerHost/],
    ["reservations", "HOSTLOCAL_RESERVATIONS", "reservations", /IPReservation.*host-local never reads them/],
  ] as const)("%s", (feature, code, path, why) => {
    const findings = hostLocalUnsupported({ [feature]: true });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", code, path });
    expect(findings[0].message).toMatch(why);
    expect(findings[0].message).toMatch(/Calico IPAM \(operator: Installation spec\.cni\.ipam\.type: Calico; manifests: CNI "ipam": \{"type": "calico-ipam"\}\) gives it; see https:\/\/docs\.tigera\.io\//);
  });

  test("every combination of features gives exactly one explanation per feature asked for, in a fixed order", () => {
    for (let mask = 0; mask < 2 ** FEATURES.length; mask++) {
      const asked: Record<string, boolean> = {};
      FEATURES.forEach((f, i) => (asked[f] = ((mask >> i) & 1) === 1));
      const expected = HOST_LOCAL_UNSUPPORTED.filter((u) => asked[u.feature]).map((u) => u.code);
      expect(hostLocalUnsupported(asked as HostLocalFeatures).map((f) => f.code)).toEqual(expected);
    }
  });

  test("features set to false or left out give nothing", () => {
    expect(hostLocalUnsupported({})).toEqual([]);
    expect(hostLocalUnsupported({ namespacePools: false, reservations: false })).toEqual([]);
  });

  test("every feature of the list has its explanation", () => {
    expect(HOST_LOCAL_UNSUPPORTED.map((u) => u.feature)).toEqual([...FEATURES]);
  });
});
