import fc from "fast-check";
import { simulateAllocation } from "../../src/simulator";
import type { SimulationInput } from "../../src/simulator";
import { checkIpPool } from "../../src/validation/ip-pool";
import { checkIpamConfiguration } from "../../src/validation/ipam-configuration";

/**
 * A one-shot run's pod list is kept as columns and made into objects when `result.pods` is first read
 * (src/simulator/pod-list.ts). The objects themselves are checked by every test that reads `pods`; these
 * check the property: where it sits, that it is made once, and that it is the getter (the fast path).
 */
function pool(name: string, cidr: string, spec: Record<string, unknown> = {}) {
  const check = checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr, ...spec } });
  if (!check.pool) throw new Error(`pool ${name} is invalid`);
  return check.pool;
}

/** Dual stack, a small IPv4 pool (blocks run out: failures), more replicas than room (unscheduled pods). */
const input: SimulationInput = {
  pools: [pool("v4", "10.0.0.0/27", { blockSize: 29 }), pool("v6", "fd00::/120", { blockSize: 124 })],
  cni: { assignIpv4: true, assignIpv6: true },
  topology: {
    nodes: [{ namePattern: "node-{i}", count: 3, maxPods: 6 }],
    namespaces: [{ name: "a" }],
    workloads: [
      { name: "web", namespace: "a", replicas: 10 },
      { name: "db", namespace: "a", replicas: 10 },
    ],
  },
};

describe("a one-shot run's pods (made when first read)", () => {
  test("an own enumerable getter in the place of a plain list, made once, the same list on every read", () => {
    const r = simulateAllocation(input);
    const keys = Object.keys(r);
    const d = Object.getOwnPropertyDescriptor(r, "pods");
    expect(d).toMatchObject({ enumerable: true, configurable: true });
    expect(typeof d?.get).toBe("function"); // the columns, not a list made during the run
    expect(keys.indexOf("pods")).toBe(keys.indexOf("workloads") + 1);
    const pods = r.pods;
    expect(r.pods).toBe(pods);
    expect(pods.length).toBe(20);
    expect(Object.keys(pods[0])).toEqual(["name", "namespace", "workload", "node", "ipv4", "ipv4Pool", "ipv4Borrowed", "ipv6", "ipv6Pool", "ipv6Borrowed", "error", "errorCode"]);
    // pods with addresses, failed pods and unscheduled ones all listed, in workload then replica order
    expect(pods.map((p) => p.name)).toEqual([...Array.from({ length: 10 }, (_, i) => `web-${i}`), ...Array.from({ length: 10 }, (_, i) => `db-${i}`)]);
    expect(pods.some((p) => p.errorCode === "POD_UNSCHEDULABLE" && p.node === null)).toBe(true);
    expect(pods.some((p) => p.ipv4 !== null && p.ipv6 !== null && p.error === null)).toBe(true);
  });

  test("JSON and spread see the list whether it was read before or not, and the same bytes as a run read at once", () => {
    const unread = simulateAllocation(input);
    const read = simulateAllocation(input);
    void read.pods;
    expect(JSON.stringify(unread)).toBe(JSON.stringify(read));
    expect({ ...simulateAllocation(input) }.pods).toEqual(read.pods);
    expect(JSON.parse(JSON.stringify(unread)).pods).toHaveLength(20);
  });

  test("a run that lists no pods has a plain empty list", () => {
    const r = simulateAllocation({ ...input, includePods: false });
    expect(Object.getOwnPropertyDescriptor(r, "pods")).toMatchObject({ value: [], enumerable: true });
  });
});

/**
 * Clusters where every pod gets its addresses (room enough, no fixed addresses): there a one-shot run's
 * list (columns, made when read) and a timeline's (made from the workloads' live pods after its last
 * step, `listPods`) are two ways to the same pods.
 */
const arbRoomyInput: fc.Arbitrary<SimulationInput> = fc
  .record({
    blockSize: fc.integer({ min: 26, max: 30 }),
    v6: fc.boolean(),
    v6BlockSize: fc.integer({ min: 122, max: 126 }),
    strictAffinity: fc.boolean(),
    ipip: fc.boolean(),
    nodes: fc.array(fc.record({ zone: fc.constantFrom("a", "b"), maxPods: fc.integer({ min: 5, max: 40 }) }), { minLength: 1, maxLength: 6 }),
    workloads: fc.array(
      fc.record({
        replicas: fc.integer({ min: 0, max: 30 }),
        families: fc.constantFrom(undefined, ["IPv4"], ["IPv6"], ["IPv4", "IPv6"]),
        zone: fc.constantFrom(undefined, "a"),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map((s) => ({
    pools: [
      pool("v4", "10.0.0.0/20", { blockSize: s.blockSize, ipipMode: s.ipip ? "Always" : "Never" }),
      ...(s.v6 ? [pool("v6", "fd00::/112", { blockSize: s.v6BlockSize })] : []),
    ],
    ipamConfiguration: checkIpamConfiguration({ apiVersion: "projectcalico.org/v3", kind: "IPAMConfiguration", metadata: { name: "default" }, spec: { strictAffinity: s.strictAffinity, autoAllocateBlocks: true } }).config,
    cni: { assignIpv4: true, assignIpv6: s.v6 },
    topology: {
      nodes: s.nodes.map((n, i) => ({ name: `n${i}`, labels: { zone: n.zone }, maxPods: n.maxPods })),
      namespaces: [{ name: "a" }],
      workloads: s.workloads.map((w, i) => ({
        name: `w${i}`,
        namespace: "a",
        replicas: w.replicas,
        ipFamilies: s.v6 ? (w.families as ("IPv4" | "IPv6")[] | undefined) : undefined,
        nodeSelector: w.zone ? { zone: w.zone } : undefined,
      })),
    },
  }));

test("where every pod gets its addresses, a one-shot run lists the pods a timeline lists after a wait that changes nothing", () => {
  let compared = 0;
  fc.assert(
    fc.property(arbRoomyInput, (input) => {
      const oneShot = simulateAllocation(input);
      fc.pre(oneShot.pods.every((p) => p.error === null));
      compared++;
      const timeline = simulateAllocation({ ...input, timeline: [{ wait: { seconds: 1 } }] });
      expect(Object.getOwnPropertyDescriptor(timeline, "pods")?.value).toBeDefined(); // the timeline's list is made eagerly
      expect(oneShot.pods).toEqual(timeline.pods);
    }),
    { numRuns: 150 },
  );
  expect(compared).toBeGreaterThan(50);
});
