/**
 * What a user reads: the reports of a small, realistic plan with its simulated allocation. The
 * snapshots are committed and were reviewed by eye; a change to them is a change to the product.
 */
import { planIpam } from "../../src/plan/plan";
import { buildPlanReport, diffPlanReports, renderDiffMarkdown, renderDiffText, renderJson, renderPlanMarkdown, renderPlanText } from "../../src/report";
import type { IpamSpec } from "../../src/spec/types";
import { CNI, HOST_LOCAL_INPUT, HOST_LOCAL_PODS, SPEC, TOPOLOGY, hostLocal, realistic, simulatePlan } from "./fixture";

const OPTIONS = {
  accepted: [{ code: "POOL_SELECTS_NO_NODE", subject: "IPPool/payments", reason: "manual-only pool, named by the payments namespace" }],
  generatedBy: "cdktf-calico-ipam (test)",
};

function realisticReport() {
  const { plan, simulation } = realistic();
  return buildPlanReport(plan, simulation, OPTIONS);
}

describe("plan report snapshots", () => {
  test("text, like calicoctl ipam show", () => {
    expect(renderPlanText(realisticReport())).toMatchSnapshot();
  });

  test("text with blocks, like calicoctl ipam show --show-blocks", () => {
    expect(renderPlanText(realisticReport(), { showBlocks: true })).toMatchSnapshot();
  });

  test("Markdown for a pull-request comment", () => {
    expect(renderPlanMarkdown(realisticReport())).toMatchSnapshot();
  });

  test("JSON", () => {
    expect(renderJson(realisticReport())).toMatchSnapshot();
  });

  test("text and Markdown without a simulation", () => {
    const report = buildPlanReport(planIpam(SPEC), undefined, OPTIONS);
    expect(renderPlanText(report)).toMatchSnapshot("text");
    expect(renderPlanMarkdown(report)).toMatchSnapshot("markdown");
  });
});

describe("plan diff snapshots", () => {
  // The pull request: rack A moves to a new range (destructive), rack B gets smaller blocks
  // (destructive), a rack C pool is added, payments becomes a selector-bound pool.
  const HEAD: IpamSpec = {
    ...SPEC,
    pools: [
      { ...SPEC.pools[0], cidr: "10.244.8.0/24" },
      { ...SPEC.pools[1], blockSize: 27 },
      { name: "rack-c", cidr: "10.244.12.0/24", blockSize: 26, nodeSelector: "rack == 'c'", vxlanMode: "Always", natOutgoing: true },
      { ...SPEC.pools[2], nodeSelector: "all()", namespaceSelector: "team == 'payments'" },
      SPEC.pools[3],
    ],
    ipamConfiguration: { strictAffinity: true, autoAllocateBlocks: true, maxBlocksPerHost: 4 },
  };

  function diff() {
    const base = realisticReport();
    const plan = planIpam(HEAD);
    const head = buildPlanReport(plan, simulatePlan(plan, TOPOLOGY, CNI), OPTIONS);
    return diffPlanReports(base, head);
  }

  test("Markdown", () => {
    expect(renderDiffMarkdown(diff())).toMatchSnapshot();
  });

  test("text", () => {
    expect(renderDiffText(diff())).toMatchSnapshot();
  });

  test("JSON", () => {
    expect(renderJson(diff())).toMatchSnapshot();
  });
});

describe("host-local snapshots", () => {
  function hostLocalReport(...args: Parameters<typeof hostLocal>) {
    const { plan, hostLocal: hl } = hostLocal(...args);
    return buildPlanReport(plan, undefined, { hostLocal: hl, generatedBy: "cdktf-calico-ipam (test)" });
  }

  test("text: the pool table, then the node table, like calicoctl ipam show", () => {
    expect(renderPlanText(hostLocalReport())).toMatchSnapshot();
  });

  test("Markdown for a pull-request comment", () => {
    expect(renderPlanMarkdown(hostLocalReport())).toMatchSnapshot();
  });

  test("JSON", () => {
    expect(renderJson(hostLocalReport())).toMatchSnapshot();
  });

  // The pull request: the IPv4 node mask goes from /24 to /25, worker-3 is removed while it runs pods,
  // worker-6 and worker-7 join, and the ledger lost worker-5's entry, so the plan gives it a new range.
  function diff() {
    const base = hostLocalReport();
    const { hostLocal: before } = hostLocal(HOST_LOCAL_INPUT, null);
    const recorded = Object.fromEntries(Object.entries(before.plan.record).filter(([name]) => name !== "worker-3" && name !== "worker-5"));
    const nodes = [{ name: "gpu-1", maxPods: 32 }, ...["worker-1", "worker-2", "worker-4", "worker-5", "worker-6", "worker-7"].map((name) => ({ name }))];
    const pods = new Map([...HOST_LOCAL_PODS].filter(([name]) => name !== "worker-3"));
    pods.set("worker-2", 90);
    const head = hostLocalReport({ ...HOST_LOCAL_INPUT, nodeMaskSizeV4: 25, nodes, recorded }, pods);
    return diffPlanReports(base, head);
  }

  test("diff Markdown", () => {
    expect(renderDiffMarkdown(diff())).toMatchSnapshot();
  });

  test("diff text", () => {
    expect(renderDiffText(diff())).toMatchSnapshot();
  });

  test("diff JSON", () => {
    expect(renderJson(diff())).toMatchSnapshot();
  });
});
