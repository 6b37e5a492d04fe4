import { planIpam } from "../../src/plan/plan";
import {
  MIGRATE_POOLS_URL,
  PlanReport,
  buildPlanReport,
  diffPlanReports,
  parsePlanReport,
  renderDiffMarkdown,
  renderDiffText,
  renderJson,
} from "../../src/report";
import type { Topology } from "../../src/simulator";
import type { IpamSpec, PoolDeclaration } from "../../src/spec/types";
import { simulatePlan } from "./fixture";

const TOPOLOGY: Topology = {
  nodes: [{ namePattern: "node-{i}", count: 2, labels: { zone: "a" } }],
  namespaces: [{ name: "shop", labels: { team: "shop" } }],
  workloads: [{ name: "web", namespace: "shop", replicas: 20 }],
};

const POOL_A: PoolDeclaration = { name: "a", cidr: "10.1.0.0/24", blockSize: 26, nodeSelector: "zone == 'a'" };
const POOL_B: PoolDeclaration = { name: "b", cidr: "10.2.0.0/24", blockSize: 26, nodeSelector: "zone == 'b'" };
const BASE: IpamSpec = {
  pools: [POOL_A, POOL_B],
  ipamConfiguration: { strictAffinity: true, autoAllocateBlocks: true, maxBlocksPerHost: 4 },
  namespaces: [{ name: "shop", labels: { team: "shop" } }],
};

/** The report of a plan, simulated over `topology` (null: not simulated). */
function report(spec: IpamSpec, topology: Topology | null = TOPOLOGY): PlanReport {
  const plan = planIpam(spec);
  return buildPlanReport(plan, topology ? simulatePlan(plan, topology) : undefined);
}

function withPools(...pools: PoolDeclaration[]): IpamSpec {
  return { ...BASE, pools };
}

describe("diffPlanReports", () => {
  test("identical plans: no changes, not destructive", () => {
    const diff = diffPlanReports(report(BASE), report(BASE));
    expect(diff).toMatchObject({ schema: "cdktf-calico-ipam/plan-diff", schemaVersion: 1, destructive: false, destructiveChanges: [], notes: [] });
    expect(diff.summary.changes).toBe(0);
    expect(renderDiffText(diff)).toBe("Plan diff: no changes.\nFindings: 0 errors, 1 warning -> 0 errors, 1 warning\n");
    expect(renderDiffMarkdown(diff)).toMatch(/^## ✅ Calico IPAM plan diff: no changes\n/);
  });

  test("a pool added is listed, not destructive", () => {
    const diff = diffPlanReports(report(BASE), report(withPools(POOL_A, POOL_B, { name: "c", cidr: "10.3.0.0/24", nodeSelector: "zone == 'a'" })));
    expect(diff.destructive).toBe(false);
    expect(diff.pools.added.map((p) => [p.name, p.cidr, p.blockSize])).toEqual([["c", "10.3.0.0/24", 26]]);
    expect(diff.pools.removed).toEqual([]);
    expect(renderDiffText(diff)).toContain("  + c  10.3.0.0/24, /26 blocks, 256 addresses\n");
  });

  test("a pool deleted while enabled and holding addresses is a delete without drain, destructive, with the migration as way out", () => {
    const diff = diffPlanReports(report(BASE), report(withPools(POOL_B)));
    expect(diff.destructive).toBe(true);
    expect(diff.pools.removed).toMatchObject([{ name: "a", cidr: "10.1.0.0/24", addressesInUse: 20 }]);
    expect(diff.pools.lifecycle).toEqual([{ name: "a", change: "delete-without-drain", destructive: true }]);
    expect(diff.destructiveChanges).toEqual([
      `IP pool "a" (10.1.0.0/24) is deleted without being drained: it is enabled in the base plan, and 20 addresses are in use in the base plan's simulation. ` +
        `Deleting an IPPool neither moves nor releases addresses: those pods keep addresses no pool manages. ` +
        `Disable it first (with cdktf-calico-ipam, remove it from the code: the ledger keeps it, disabled, until "calico-ipam ledger release a"), ` +
        `delete the pods that still use it, check that none is left (calicoctl ipam show --show-blocks), and delete it afterwards, as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
    ]);
    expect(renderDiffMarkdown(diff)).toContain("| `a` | **deleted without drain** ❌ | `10.1.0.0/24`, /26 blocks, 256 addresses, 20 in use | — |");
    expect(renderDiffText(diff)).toContain("\nLifecycle:\n  delete-without-drain  a  (destructive)\n");
  });

  test.each([
    ["simulated, no address in use", TOPOLOGY, "no address is in use in the base plan's simulation, but the cluster's pods may hold some"],
    ["without a topology", null, "the base report has no simulation, so pods may still hold its addresses"],
  ])("an enabled pool deleted is destructive also when %s", (_, topology, why) => {
    const diff = diffPlanReports(report(BASE, topology), report(withPools(POOL_A), topology));
    expect(diff.destructive).toBe(true);
    expect(diff.pools.lifecycle).toEqual([{ name: "b", change: "delete-without-drain", destructive: true }]);
    expect(diff.destructiveChanges[0]).toContain(`IP pool "b" (10.2.0.0/24) is deleted without being drained: it is enabled in the base plan, and ${why}.`);
  });

  test.each([
    ["simulated", TOPOLOGY],
    ["without a topology", null],
  ])("a pool disabled in the base and gone from the head is a delete after drain, not destructive (%s)", (_, topology) => {
    const disabledB = { ...POOL_B, disabled: true };
    const diff = diffPlanReports(report(withPools(POOL_A, disabledB), topology), report(withPools(POOL_A), topology));
    expect(diff.destructive).toBe(false);
    expect(diff.pools.lifecycle).toEqual([{ name: "b", change: "delete-after-drain", destructive: false }]);
    expect(diff.notes).toEqual([
      `IP pool "b" (10.2.0.0/24) is deleted after draining: it was disabled in the base plan. Check that no pod holds its addresses (calicoctl ipam show --show-blocks lists no block in 10.2.0.0/24) before applying`,
    ]);
    expect(renderDiffText(diff)).toContain("  - b  deleted after drain: 10.2.0.0/24");
  });

  test("every change is classified: add, change in place, disable", () => {
    const head = withPools({ ...POOL_A, disabled: true }, { ...POOL_B, natOutgoing: true }, { name: "c", cidr: "10.3.0.0/24", nodeSelector: "zone == 'a'" });
    const diff = diffPlanReports(report(BASE, null), report(head, null));
    expect(diff.destructive).toBe(false);
    expect(diff.pools.lifecycle).toEqual([
      { name: "a", change: "disable", destructive: false },
      { name: "b", change: "change", destructive: false },
      { name: "c", change: "add", destructive: false },
    ]);
  });

  test("a CIDR moved is destructive", () => {
    const diff = diffPlanReports(report(BASE), report(withPools({ ...POOL_A, cidr: "10.1.8.0/24" }, POOL_B)));
    expect(diff.destructive).toBe(true);
    expect(diff.pools.changed).toEqual([{ name: "a", destructive: true, changes: [{ field: "cidr", before: "10.1.0.0/24", after: "10.1.8.0/24", destructive: true }] }]);
    expect(diff.destructiveChanges).toEqual([
      `IP pool "a": cidr changes from 10.1.0.0/24 to 10.1.8.0/24 (20 addresses in use in the base simulation), but Calico's IPPool cidr is immutable ("IPPool CIDR cannot be modified"). ` +
        `Keep "a" at 10.1.0.0/24 and add a new pool for 10.1.8.0/24 under a new name, then disable "a", delete the pods that still use it and remove it, as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
    ]);
    expect(renderDiffText(diff)).toContain('  ~ a  cidr: "10.1.0.0/24" -> "10.1.8.0/24"  (destructive)\n');
  });

  test("a CIDR grown in place is destructive too, even for an unused pool", () => {
    const diff = diffPlanReports(report(BASE), report(withPools(POOL_A, { ...POOL_B, cidr: "10.2.0.0/23" })));
    expect(diff.destructive).toBe(true);
    expect(diff.destructiveChanges[0]).toMatch(/^IP pool "b": cidr changes from 10\.2\.0\.0\/24 to 10\.2\.0\.0\/23, but Calico's IPPool cidr is immutable/);
  });

  test("a block size changed is destructive, with both procedures named", () => {
    const diff = diffPlanReports(report(BASE), report(withPools({ ...POOL_A, blockSize: 28 }, POOL_B)));
    expect(diff.destructive).toBe(true);
    expect(diff.pools.changed[0].changes).toEqual([{ field: "blockSize", before: 26, after: 28, destructive: true }]);
    expect(diff.destructiveChanges).toEqual([
      `IP pool "a": blockSize changes from 26 to 28 (20 addresses in use in the base simulation), but Calico's IPPool blockSize is immutable ("IPPool BlockSize cannot be modified"). ` +
        `Keep "a" as it is and add a new pool with blockSize 28 under a new name, then move the pods to it as in Calico's migration procedure: ${MIGRATE_POOLS_URL} ` +
        "(to keep the same range, follow https://docs.tigera.io/calico/latest/networking/ipam/change-block-size)",
    ]);
    expect(renderDiffMarkdown(diff)).toContain("| `a` | **blockSize** ❌ | `26` | `28` |");
  });

  test("selectors changed are listed field by field, not destructive", () => {
    const diff = diffPlanReports(report(BASE), report(withPools(POOL_A, { ...POOL_B, nodeSelector: "zone in {'b', 'c'}", namespaceSelector: "team == 'shop'", allowedUses: ["Workload"] })));
    expect(diff.destructive).toBe(false);
    expect(diff.pools.changed).toEqual([
      {
        name: "b",
        destructive: false,
        changes: [
          { field: "nodeSelector", before: "zone == 'b'", after: "zone in {'b', 'c'}", destructive: false },
          { field: "namespaceSelector", before: "", after: "team == 'shop'", destructive: false },
          { field: "allowedUses", before: ["Workload", "Tunnel"], after: ["Workload"], destructive: false },
        ],
      },
    ]);
    expect(renderDiffMarkdown(diff)).toContain("| `b` | nodeSelector | `zone == 'b'` | `zone in {'b', 'c'}` |");
  });

  test("allowedUses in another order is no change; LoadBalancer to Workload is destructive", () => {
    const same = diffPlanReports(report(BASE), report(withPools(POOL_A, { ...POOL_B, allowedUses: ["Tunnel", "Workload"] })));
    expect(same.pools.changed).toEqual([]);

    const lb: PoolDeclaration = { name: "lb", cidr: "10.9.0.0/24", allowedUses: ["LoadBalancer"] };
    const diff = diffPlanReports(report(withPools(POOL_A, lb)), report(withPools(POOL_A, { ...lb, allowedUses: ["Workload"] })));
    expect(diff.destructive).toBe(true);
    expect(diff.destructiveChanges[0]).toMatch(/^IP pool "lb": allowedUses change from \["LoadBalancer"\] to \["Workload"\], which Calico rejects on update/);
  });

  test("a pool disabled is a change, not destructive, with a note when it holds addresses", () => {
    const diff = diffPlanReports(report(BASE), report(withPools({ ...POOL_A, disabled: true }, POOL_B)));
    expect(diff.destructive).toBe(false);
    expect(diff.pools.changed[0].changes).toEqual([{ field: "disabled", before: false, after: true, destructive: false }]);
    expect(diff.notes).toEqual([
      `IP pool "a" is disabled while 20 addresses are in use in the base simulation: running pods keep them, new pods get addresses from other pools; delete the old pods to finish the move (${MIGRATE_POOLS_URL})`,
    ]);
  });

  test("encapsulation, NAT and assignment mode changes are listed", () => {
    const diff = diffPlanReports(report(BASE), report(withPools({ ...POOL_A, vxlanMode: "CrossSubnet", natOutgoing: true, assignmentMode: "Manual" }, POOL_B)));
    expect(diff.pools.changed[0].changes.map((c) => [c.field, c.before, c.after])).toEqual([
      ["assignmentMode", "Automatic", "Manual"],
      ["vxlanMode", "Never", "CrossSubnet"],
      ["natOutgoing", false, true],
    ]);
  });

  test("capacity and utilization deltas per pool, exact", () => {
    const grown = { ...TOPOLOGY, workloads: [{ name: "web", namespace: "shop", replicas: 150 }] };
    const diff = diffPlanReports(report(BASE), report(BASE, grown));
    expect(diff.destructive).toBe(false);
    expect(diff.capacity).toEqual([
      {
        name: "a",
        addressesTotal: { before: "256", after: "256", delta: "0" },
        addressesInUse: { before: 20, after: 150, delta: 130 },
        blocksClaimed: { before: 2, after: 4, delta: 2 },
        utilization: { before: 0.078125, after: 0.5859375, delta: 0.5078125 },
        blockUtilization: { before: 0.5, after: 1, delta: 0.5 },
        headroomNodes: { before: "2", after: "0", delta: "-2" },
        headroomPods: { before: "236", after: "106", delta: "-130" },
      },
    ]);
    expect(renderDiffText(diff)).toContain(
      "  ~ a  in use 20 -> 150 (+130); blocks claimed 2 -> 4 (+2); utilization 7.8% -> 58.6%; block utilization 50% -> 100%; headroom nodes 2 -> 0 (-2); headroom pods 236 -> 106 (-130)\n",
    );
  });

  test("IPv6 sizes stay exact in the deltas", () => {
    const v6: PoolDeclaration = { name: "v6", cidr: "fd00::/64", blockSize: 122 };
    const diff = diffPlanReports(report(withPools(POOL_A, v6), null), report(withPools(POOL_A, { ...v6, cidr: "fd00::/48" }), null));
    expect(diff.capacity[0].addressesTotal).toEqual({ before: "18446744073709551616", after: "1208925819614629174706176", delta: "1208907372870555465154560" });
  });

  test("findings that appear and that go away, matched by severity, code, subject and path", () => {
    const base = report(BASE);
    const head = report({ ...BASE, ipamConfiguration: { strictAffinity: false, autoAllocateBlocks: true, maxBlocksPerHost: 1 } }, { ...TOPOLOGY, workloads: [{ name: "web", namespace: "shop", replicas: 200 }] });
    const diff = diffPlanReports(base, head);
    expect(diff.findings.appeared.map((f) => [f.severity, f.code, f.subject])).toEqual([
      ["error", "POD_BLOCK_LIMIT", "Workload/web"],
      ["warning", "IPAM_CONFIG_MAX_BLOCKS_WITHOUT_STRICT", "IPAMConfiguration/default"],
    ]);
    expect(diff.findings.resolved).toEqual([]);
    const back = diffPlanReports(head, base);
    expect(back.findings.resolved.map((f) => f.code)).toEqual(["POD_BLOCK_LIMIT", "IPAM_CONFIG_MAX_BLOCKS_WITHOUT_STRICT"]);
    expect(back.findings.appeared).toEqual([]);
    expect(diff.ipamConfiguration).toEqual([
      { field: "strictAffinity", before: true, after: false, destructive: false },
      { field: "maxBlocksPerHost", before: 4, after: 1, destructive: false },
    ]);
  });

  test("a finding whose message changes (a number in it) is neither new nor resolved", () => {
    const base = report(BASE, { ...TOPOLOGY, workloads: [{ name: "web", namespace: "shop", replicas: 200 }] });
    const head = report(BASE, { ...TOPOLOGY, workloads: [{ name: "web", namespace: "shop", replicas: 210 }] });
    expect(base.findings.some((f) => f.code === "POOL_UTILIZATION_HIGH")).toBe(true);
    const diff = diffPlanReports(base, head);
    expect(diff.findings).toEqual({ appeared: [], resolved: [] });
  });

  test("namespace firewall ranges that change", () => {
    const shop: PoolDeclaration = { name: "shop", cidr: "10.5.0.0/24", nodeSelector: "!all()", allowedUses: ["Workload"] };
    const base = report({ ...withPools(POOL_A, shop), namespaces: [{ name: "shop", annotations: { ipv4pools: ["shop"] } }] }, null);
    const head = report({ ...withPools(POOL_A, shop), namespaces: [{ name: "shop", annotations: { ipv4pools: ["a"] } }, { name: "ops" }] }, null);
    const diff = diffPlanReports(base, head);
    expect(diff.namespaces).toEqual([
      { name: "ops", change: "added", pools: { before: null, after: ["a"] }, ipv4: { added: ["10.1.0.0/24"], removed: [] }, ipv6: { added: [], removed: [] }, exclusive: { before: null, after: false } },
      {
        name: "shop",
        change: "changed",
        pools: { before: ["shop"], after: ["a"] },
        ipv4: { added: ["10.1.0.0/24"], removed: ["10.5.0.0/24"] },
        ipv6: { added: [], removed: [] },
        exclusive: { before: true, after: false },
      },
    ]);
    expect(renderDiffText(diff)).toContain("  ~ shop  +10.1.0.0/24 -10.5.0.0/24; pools [shop] -> [a]; no longer exclusive\n");
    expect(renderDiffMarkdown(diff)).toContain("| `shop` | changed | +`10.1.0.0/24` −`10.5.0.0/24` | — | `shop` → `a` | yes → no |");
  });

  test("fixed addresses that change", () => {
    const spec = (address: string): IpamSpec => ({ ...BASE, workloads: [{ namespace: "shop", workload: "gw", addresses: [{ address }] }] });
    const diff = diffPlanReports(report(spec("10.1.0.10"), null), report(spec("10.1.0.11"), null));
    expect(diff.fixedAddresses).toEqual([{ workload: "shop/gw", before: ["10.1.0.10"], after: ["10.1.0.11"] }]);
  });

  test("deterministic: the same reports give byte-identical diffs, and parsed reports diff like built ones", () => {
    const head = report(withPools({ ...POOL_A, cidr: "10.1.8.0/24" }, { name: "c", cidr: "10.3.0.0/24" }));
    const a = diffPlanReports(report(BASE), head);
    const b = diffPlanReports(parsePlanReport(renderJson(report(BASE))), parsePlanReport(renderJson(head)));
    expect(renderJson(b)).toBe(renderJson(a));
    expect(renderDiffMarkdown(b)).toBe(renderDiffMarkdown(a));
    expect(renderDiffText(b)).toBe(renderDiffText(a));
  });
});
