import fc from "fast-check";
import { Cidr } from "../../src/ip";
import { affinityName, blockAffinityObject, blockName, inspectDump, ipamBlockObject, ipamHandleObject } from "../../src/live";
import { API_CRD_V1, API_V3 } from "../../src/model/calico";
import { schemaErrors } from "../helpers/crd";
import { podAlloc, pool, read } from "./helpers";

describe("object names are Calico's", () => {
  test.each([
    ["10.0.0.64/26", "10-0-0-64-26"],
    ["fd00:10:32::/122", "fd00-10-32---122"],
    ["fd00::1:0/122", "fd00--1-0-122"],
  ])("block %s is named %s (names.CIDRToName)", (cidr, name) => {
    expect(blockName(Cidr.parse(cidr))).toBe(name);
  });

  test("an affinity is <node>-<block name>; from 253 characters on it is cut and hashed", () => {
    const cidr = Cidr.parse("10.0.0.64/26");
    expect(affinityName("rack-a-01", cidr)).toBe("rack-a-01-10-0-0-64-26");
    const long = affinityName("n".repeat(250), cidr);
    expect(long).toMatch(/^n{227}-10-0-0-64-26-[0-9a-f]{11}$/);
    expect(long.length).toBeLessThan(253);
  });
});

describe.each([API_CRD_V1, API_V3] as const)("objects written in %s validate against Calico's CRD schemas", (apiVersion) => {
  const cidr = Cidr.parse("10.0.0.0/26");
  test.each([
    ["IPAMBlock", () => ipamBlockObject({ cidr, host: "n1", allocations: [podAlloc(0, "ns", "a", "n1")], sequenceNumber: 7 }, apiVersion)],
    ["BlockAffinity", () => blockAffinityObject("n1", cidr, apiVersion)],
    ["IPAMHandle", () => ipamHandleObject("k8s-pod-network.ABC", { "10.0.0.0/26": 1 }, apiVersion)],
  ])("%s", (_kind, make) => {
    expect(schemaErrors(make() as { apiVersion: string; kind: string })).toEqual([]);
  });
});

test("a block holds one attribute per owner, allocations by ordinal, and the free ordinals in order", () => {
  const o = ipamBlockObject({ cidr: Cidr.parse("10.0.0.0/29"), host: "n1", allocations: [podAlloc(2, "ns", "a", "n1"), podAlloc(5, "ns", "a", "n1"), podAlloc(0, "ns", "b", "n1")], sequenceNumber: 9 });
  expect(o.spec).toEqual({
    cidr: "10.0.0.0/29",
    affinity: "host:n1",
    allocations: [1, null, 0, null, null, 0, null, null],
    unallocated: [1, 3, 4, 6, 7],
    attributes: [
      { handle_id: "k8s-pod-network.ns-a", secondary: { namespace: "ns", pod: "a", node: "n1" } },
      { handle_id: "k8s-pod-network.ns-b", secondary: { namespace: "ns", pod: "b", node: "n1" } },
    ],
    sequenceNumber: 9,
    sequenceNumberForAllocation: { "0": 9, "2": 9, "5": 9 },
    strictAffinity: false,
    deleted: false,
  });
});

test("written blocks read back with the same utilization and no structural finding (any ordinals, any block size)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 26, max: 30 }), fc.uniqueArray(fc.nat(63), { maxLength: 64 }), (prefix, raw) => {
      const cidr = Cidr.parse(`10.1.0.0/${prefix}`);
      const size = Number(cidr.size);
      const ordinals = [...new Set(raw.map((o) => o % size))];
      const dump = read([pool("p", "10.1.0.0/24", { blockSize: prefix }), ipamBlockObject({ cidr, host: null, allocations: ordinals.map((o) => podAlloc(o, "ns", `p${o}`, "n1", "h")) })]);
      expect(dump.findings).toEqual([]);
      const r = inspectDump(dump);
      expect(r.blocks).toEqual([{ name: blockName(cidr), cidr: cidr.toString(), pool: "p", owner: null, capacity: size, inUse: ordinals.length, free: size - ordinals.length, borrowed: ordinals.length }]);
      expect(r.pools[0].addressesInUse).toBe(ordinals.length);
    }),
    { numRuns: 60 },
  );
});
