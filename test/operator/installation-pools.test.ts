import { InstallationIpPool, installationEncapsulation, renderInstallation, toInstallationIpPools } from "../../src/operator";
import { pool } from "./helpers";
import { ipPoolsErrors } from "./installation-schema";

const mapOne = (spec: Record<string, unknown>, cidr = "10.1.0.0/16"): InstallationIpPool => {
  const { ipPools, findings } = toInstallationIpPools([pool("p", cidr, spec)]);
  expect(findings).toEqual([]);
  return ipPools[0];
};

describe("every IPPool field maps to its Installation field", () => {
  test.each([
    ["metadata.name", {}, "name", "p"],
    ["cidr", {}, "cidr", "10.1.0.0/16"],
    ["blockSize", { blockSize: 28 }, "blockSize", 28],
    ["blockSize (default)", {}, "blockSize", 26],
    ["ipipMode Always", { ipipMode: "Always" }, "encapsulation", "IPIP"],
    ["ipipMode CrossSubnet", { ipipMode: "CrossSubnet" }, "encapsulation", "IPIPCrossSubnet"],
    ["vxlanMode Always", { vxlanMode: "Always" }, "encapsulation", "VXLAN"],
    ["vxlanMode CrossSubnet", { vxlanMode: "CrossSubnet" }, "encapsulation", "VXLANCrossSubnet"],
    ["no encapsulation", {}, "encapsulation", "None"],
    ["natOutgoing true", { natOutgoing: true }, "natOutgoing", "Enabled"],
    ["natOutgoing false", { natOutgoing: false }, "natOutgoing", "Disabled"],
    ["natOutgoing (default)", {}, "natOutgoing", "Disabled"],
    ["disabled true", { disabled: true }, "disableNewAllocations", true],
    ["disabled (default)", {}, "disableNewAllocations", false],
    ["nodeSelector", { nodeSelector: 'rack == "a"' }, "nodeSelector", 'rack == "a"'],
    ["nodeSelector (default)", {}, "nodeSelector", "all()"],
    ["nodeSelector empty (Calico reads it as all())", { nodeSelector: "" }, "nodeSelector", "all()"],
    ["manual-only nodeSelector", { nodeSelector: "!all()" }, "nodeSelector", "!all()"],
    ["disableBGPExport", { disableBGPExport: true }, "disableBGPExport", true],
    ["disableBGPExport (default)", {}, "disableBGPExport", false],
    ["allowedUses", { allowedUses: ["Tunnel"] }, "allowedUses", ["Tunnel"]],
    ["allowedUses order kept", { allowedUses: ["Tunnel", "Workload"] }, "allowedUses", ["Tunnel", "Workload"]],
    ["allowedUses (default)", {}, "allowedUses", ["Workload", "Tunnel"]],
    ["allowedUses LoadBalancer", { allowedUses: ["LoadBalancer"] }, "allowedUses", ["LoadBalancer"]],
    ["assignmentMode Manual", { assignmentMode: "Manual" }, "assignmentMode", "Manual"],
    ["assignmentMode (default)", {}, "assignmentMode", "Automatic"],
  ])("%s", (_field, spec, operatorField, value) => {
    expect(mapOne(spec)[operatorField as keyof InstallationIpPool]).toEqual(value);
  });

  test("IPv6 pools map their block size and VXLAN", () => {
    expect(mapOne({ vxlanMode: "Always" }, "fd00:10::/64")).toMatchObject({ cidr: "fd00:10::/64", blockSize: 122, encapsulation: "VXLAN", natOutgoing: "Disabled" });
  });

  test("every field is written out, so the operator's own defaults (IPv4 IPIP and NAT on) never apply", () => {
    expect(mapOne({})).toEqual({
      name: "p",
      cidr: "10.1.0.0/16",
      blockSize: 26,
      encapsulation: "None",
      natOutgoing: "Disabled",
      nodeSelector: "all()",
      disableBGPExport: false,
      disableNewAllocations: false,
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
    });
  });

  test("pools come out in name order, whatever order they are given in", () => {
    const { ipPools } = toInstallationIpPools([pool("b", "10.2.0.0/16"), pool("a", "10.1.0.0/16"), pool("c", "fd00::/64")]);
    expect(ipPools.map((p) => p.name)).toEqual(["a", "b", "c"]);
  });

  test("both encapsulations of a pool are one Installation field", () => {
    expect(installationEncapsulation("Never", "Never")).toBe("None");
    expect(installationEncapsulation("Always", "CrossSubnet")).toBeUndefined();
  });

  test("the mapped pools match the operator's ipPools schema", () => {
    const { ipPools } = toInstallationIpPools([pool("a", "10.1.0.0/16", { ipipMode: "CrossSubnet", natOutgoing: true }), pool("b", "fd00::/64", { disabled: true })]);
    expect(ipPoolsErrors(ipPools)).toEqual([]);
  });
});

describe("the Installation", () => {
  test("carries the pools under spec.calicoNetwork.ipPools of the Installation named default", () => {
    const { ipPools } = toInstallationIpPools([pool("a", "10.1.0.0/16")]);
    expect(renderInstallation(ipPools)).toEqual({
      apiVersion: "operator.tigera.io/v1",
      kind: "Installation",
      metadata: { name: "default" },
      spec: { calicoNetwork: { ipPools } },
    });
  });

  test("takes another name when asked", () => {
    expect(renderInstallation([], "overlay").metadata).toEqual({ name: "overlay" });
  });

  test("writes an empty list as an empty list: the operator then manages no pools", () => {
    expect(JSON.stringify(renderInstallation([]).spec)).toBe('{"calicoNetwork":{"ipPools":[]}}');
  });

  test("writes fields in a fixed order and leaves absent ones out", () => {
    const out = renderInstallation([{ assignmentMode: "Manual", cidr: "10.1.0.0/16", name: "x" }]);
    expect(JSON.stringify(out.spec.calicoNetwork.ipPools)).toBe('[{"name":"x","cidr":"10.1.0.0/16","assignmentMode":"Manual"}]');
  });

  test("does not share arrays with its input", () => {
    const input: InstallationIpPool[] = [{ name: "x", cidr: "10.1.0.0/16", allowedUses: ["Workload"] }];
    const out = renderInstallation(input);
    expect(out.spec.calicoNetwork.ipPools[0].allowedUses).not.toBe(input[0].allowedUses);
  });
});
