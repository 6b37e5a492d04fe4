import { HostLocalInput, planHostLocal } from "../../src/hostlocal";
import { planIpam } from "../../src/plan/plan";
import {
  HOST_LOCAL_NODE_COLUMNS,
  MIGRATE_POOLS_URL,
  PlanReport,
  PlanReportError,
  buildPlanReport,
  diffPlanReports,
  parsePlanReport,
  renderDiffMarkdown,
  renderDiffText,
  renderJson,
  renderPlanMarkdown,
  renderPlanText,
} from "../../src/report";
import { HOST_LOCAL_INPUT, HOST_LOCAL_PODS, hostLocal, realistic } from "./fixture";

/** The report of a host-local plan; `pods` null: no pod count per node. */
function report(input: HostLocalInput = HOST_LOCAL_INPUT, pods: ReadonlyMap<string, number> | null = HOST_LOCAL_PODS): PlanReport {
  const { plan, hostLocal: hl } = hostLocal(input, pods);
  return buildPlanReport(plan, undefined, { hostLocal: hl });
}

/** The input with the base plan's podCIDRs recorded, as the ledger keeps them. */
function recorded(input: HostLocalInput, changes: Partial<HostLocalInput> = {}): HostLocalInput {
  const { hostLocal: hl } = hostLocal(input, null);
  return { ...input, recorded: hl.plan.record, ...changes };
}

const SINGLE: HostLocalInput = { clusterCidrs: ["10.244.0.0/22"], nodes: [{ namePattern: "n-{i}", count: 3 }] };

describe("buildPlanReport in host-local mode", () => {
  test("the hostLocal section: settings, capacity, nodes in natural order with their usage, headroom, CNI and flags", () => {
    const r = report();
    const h = r.hostLocal!;
    expect(h.clusterCidrs).toEqual(["10.244.0.0/21", "fd00:10:244::/56"]);
    expect(h.nodeMaskSizes).toEqual({ ipv4: 24, ipv6: 64 });
    expect(h.capacity).toEqual({ ipv4: { nodeCidrs: "8", used: 6, free: "2" }, ipv6: { nodeCidrs: "256", used: 6, free: "250" } });
    expect(h.nodes.map((n) => n.name)).toEqual(["gpu-1", "worker-1", "worker-2", "worker-3", "worker-4", "worker-5"]);
    expect(h.nodes[1]).toEqual({
      name: "worker-1",
      podCidrs: ["10.244.1.0/24", "fd00:10:244:1::/64"],
      source: "allocated",
      maxPods: 110,
      usable: { ipv4: 253, ipv6: "18446744073709551614" },
      capacity: 110,
      pods: 100,
      utilization: 0.909090909,
      morePods: 10,
    });
    expect(h.nodes[0]).toMatchObject({ name: "gpu-1", maxPods: 32, capacity: 32, pods: 8, utilization: 0.25, morePods: 24 });
    expect(h.nodes[2]).toMatchObject({ name: "worker-2", pods: 112, utilization: 1.018181818, morePods: 0 });
    expect(h.headroom).toEqual({ nodesLeft: "2", ipv4: "2", ipv6: "250" });
    expect(h.cniIpam).toEqual({ type: "host-local", ranges: [[{ subnet: "usePodCidr" }], [{ subnet: "usePodCidrIPv6" }]] });
    expect(h.kubeControllerManagerFlags).toEqual([
      "--allocate-node-cidrs=true",
      "--cluster-cidr=10.244.0.0/21,fd00:10:244::/56",
      "--node-cidr-mask-size-ipv4=24",
      "--node-cidr-mask-size-ipv6=64",
    ]);
    // The pools are the ones host-local needs, and nothing else.
    expect(r.pools.map((p) => [p.name, p.cidr])).toEqual([
      ["default-ipv4-ippool", "10.244.0.0/21"],
      ["default-ipv6-ippool", "fd00:10:244::/56"],
    ]);
  });

  test("single-stack: the mask comes from --node-cidr-mask-size, the other family is null", () => {
    const h = report(SINGLE, null).hostLocal!;
    expect(h.nodeMaskSizes).toEqual({ ipv4: 24, ipv6: null });
    expect(h.capacity).toEqual({ ipv4: { nodeCidrs: "4", used: 3, free: "1" }, ipv6: null });
    expect(h.headroom).toEqual({ nodesLeft: "1", ipv4: "1", ipv6: null });
    expect(h.nodes[0].usable).toEqual({ ipv4: 253, ipv6: null });
  });

  test("without a pod count: capacity known, pods, utilization and pods left null, and unknown in the renderings", () => {
    const r = report(HOST_LOCAL_INPUT, null);
    expect(r.hostLocal!.nodes[0]).toMatchObject({ name: "gpu-1", capacity: 32, pods: null, utilization: null, morePods: null });
    expect(r.findings).toEqual([]);
    const text = renderPlanText(r);
    expect(text).toContain("| gpu-1    | 10.244.0.0/24,fd00:10:244::/64   |   32 |    253 | unknown | unknown |");
    expect(text).toContain("IN USE and FREE are unknown: no pod count per node was given.");
    expect(text).not.toContain("more pods on the current nodes");
    const md = renderPlanMarkdown(r);
    expect(md).toContain("| `gpu-1` | `10.244.0.0/24`, `fd00:10:244::/64` | 32 | 253 / 2^64 - 2 | ? / 32 | — | — |");
    expect(md).toContain("Pods per node were not counted: utilization and headroom per node are unknown.");
  });

  test("findings of the host-local plan (source plan) and of its usage (source simulation), about Node/<name> or the plan", () => {
    const input: HostLocalInput = { clusterCidrs: ["10.244.0.0/23"], nodeMaskSizeV4: 24, nodes: [{ name: "node-1.example.com" }, { name: "node-2", maxPods: 300 }] };
    const r = report(input, new Map([["node-1.example.com", 100], ["ghost", 1]]));
    expect(r.findings.map((f) => [f.severity, f.code, f.subject, f.path, f.source])).toEqual([
      ["error", "HOSTLOCAL_USAGE_UNKNOWN_NODE", "Node/ghost", "nodes.ghost", "simulation"],
      ["error", "HOSTLOCAL_NODE_RANGE_TOO_SMALL", "Node/node-2", "nodes.node-2", "plan"],
      ["error", "HOSTLOCAL_NODE_RANGE_TOO_SMALL", "Node/node-2", "nodes.node-2", "simulation"],
      ["warning", "HOSTLOCAL_NODE_UTILIZATION", "Node/node-1.example.com", "nodes.node-1.example.com", "simulation"],
      ["warning", "HOSTLOCAL_CLUSTER_CIDR_FULL", "plan", "clusterCidrs", "simulation"],
    ]);
    expect(r.summary).toEqual({ errors: 3, warnings: 2, accepted: 0 });
  });

  test("host-local findings can be accepted like any other", () => {
    const { plan, hostLocal: hl } = hostLocal();
    const r = buildPlanReport(plan, undefined, { hostLocal: hl, accepted: [{ code: "HOSTLOCAL_NODE_UTILIZATION", subject: "Node/worker-1", reason: "drained tonight" }] });
    expect(r.findings.find((f) => f.code === "HOSTLOCAL_NODE_UTILIZATION")).toMatchObject({ accepted: { reason: "drained tonight" } });
    expect(r.summary).toEqual({ errors: 1, warnings: 0, accepted: 1 });
  });

  test("a cluster CIDR that does not parse: no settings, no node, and the renderings say so", () => {
    const r = buildPlanReport(planIpam({ pools: [] }), undefined, { hostLocal: { plan: planHostLocal({ clusterCidrs: ["10.244.0.300/16"], nodes: [{ name: "n-1" }] }) } });
    expect(r.pools).toEqual([]);
    expect(r.hostLocal).toMatchObject({ clusterCidrs: [], nodeMaskSizes: { ipv4: null, ipv6: null }, capacity: { ipv4: null, ipv6: null }, nodes: [], headroom: { nodesLeft: "0" } });
    expect(r.hostLocal!.kubeControllerManagerFlags).toEqual([]);
    expect(r.findings.map((f) => [f.code, f.subject])).toEqual([["HOSTLOCAL_CIDR_INVALID", "plan"]]);
    const text = renderPlanText(r);
    expect(text).toContain("Host-local IPAM: no node holds a podCIDR (see the findings).");
    expect(text).toContain("  Host-local: no cluster CIDR, no node can get a podCIDR (see the findings)");
    const md = renderPlanMarkdown(r);
    expect(md).toContain("No node holds a podCIDR (see the findings).");
    expect(md).not.toContain("kube-controller-manager flags");
  });

  test("a report in Calico IPAM mode has no hostLocal section", () => {
    const { plan, simulation } = realistic();
    expect("hostLocal" in buildPlanReport(plan, simulation)).toBe(false);
  });

  test("deterministic, plain JSON data that parsePlanReport reads back", () => {
    const a = report();
    const b = report();
    expect(renderJson(b)).toBe(renderJson(a));
    expect(renderPlanText(b)).toBe(renderPlanText(a));
    expect(renderPlanMarkdown(b)).toBe(renderPlanMarkdown(a));
    expect(JSON.parse(renderJson(a))).toEqual(a);
    expect(parsePlanReport(renderJson(a), "head.json")).toEqual(a);
    expect(parsePlanReport(renderJson(report(SINGLE, null)))).toEqual(report(SINGLE, null));
  });
});

describe("parsePlanReport of the hostLocal section", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON document, mutated into bad shapes
  function parseError(mutate: (h: any) => void): string {
    const doc = JSON.parse(renderJson(report()));
    mutate(doc.hostLocal);
    try {
      parsePlanReport(JSON.stringify(doc), "head.json");
    } catch (e) {
      expect(e).toBeInstanceOf(PlanReportError);
      return (e as Error).message;
    }
    throw new Error("expected parsePlanReport to fail");
  }

  test("malformed fields are named by their JSON path", () => {
    expect(parseError((h) => (h.nodes[1].usable.ipv6 = Number(h.nodes[1].usable.ipv6)))).toMatch(/^head\.json: hostLocal\.nodes\[1\]\.usable\.ipv6: must be a decimal string/);
    expect(parseError((h) => (h.nodes[0].utilization = -0.5))).toBe("head.json: hostLocal.nodes[0].utilization: must be a number of 0 or more, got -0.5");
    expect(parseError((h) => (h.nodes[0].source = "guessed"))).toBe('head.json: hostLocal.nodes[0].source: must be one of "allocated", "recorded", got "guessed"');
    expect(parseError((h) => (h.capacity.ipv4.free = 2))).toMatch(/^head\.json: hostLocal\.capacity\.ipv4\.free: must be a decimal string/);
    expect(parseError((h) => delete h.headroom.nodesLeft)).toBe("head.json: hostLocal.headroom.nodesLeft: must be a decimal string of a whole number such as \"65536\" (large counts are strings), got nothing (the field is missing)");
    expect(parseError((h) => (h.kubeControllerManagerFlags = "--allocate-node-cidrs=true"))).toMatch(/hostLocal\.kubeControllerManagerFlags: must be a list/);
  });

  test("a utilization above 1 (a node over its capacity) is valid", () => {
    const doc = JSON.parse(renderJson(report()));
    expect(doc.hostLocal.nodes[2].utilization).toBeGreaterThan(1);
    expect(() => parsePlanReport(JSON.stringify(doc))).not.toThrow();
  });
});

describe("renderPlanText in host-local mode", () => {
  test("the node table after the pool table, calicoctl style, then the cluster headroom", () => {
    const text = renderPlanText(report());
    expect(HOST_LOCAL_NODE_COLUMNS).toEqual(["NODE", "POD CIDRS", "PODS", "USABLE", "IN USE", "FREE"]);
    expect(text).toContain(
      [
        "+----------+----------------------------------+------+--------+------------+------------+",
        "|   NODE   |            POD CIDRS             | PODS | USABLE |   IN USE   |    FREE    |",
        "+----------+----------------------------------+------+--------+------------+------------+",
        "| gpu-1    | 10.244.0.0/24,fd00:10:244::/64   |   32 |    253 | 8 (25%)    | 24 (75%)   |",
        "| worker-1 | 10.244.1.0/24,fd00:10:244:1::/64 |  110 |    253 | 100 (91%)  | 10 (9%)    |",
        "| worker-2 | 10.244.2.0/24,fd00:10:244:2::/64 |  110 |    253 | 112 (102%) | 0 (0%)     |",
      ].join("\n"),
    );
    expect(text.indexOf("| IP Pool  | 10.244.0.0/21")).toBeLessThan(text.indexOf("|   NODE   |"));
    expect(text.indexOf("|   NODE   |")).toBeLessThan(text.indexOf("Findings:"));
    expect(text).toContain("IPS IN USE and IPS FREE are unknown: in host-local mode Calico does not allocate from its IP pools; the node table counts pods per node.");
    expect(text).toContain(
      [
        "Headroom:",
        "  Host-local: room for 2 more nodes in 10.244.0.0/21 (/24 per node; 6 of 8 node ranges held)",
        "  Host-local: room for 250 more nodes in fd00:10:244::/56 (/64 per node; 6 of 256 node ranges held)",
        "  Host-local: room for 2 more nodes in all (a dual-stack node needs a range of each family)",
        "  Host-local nodes (6 nodes): room for 312 more pods on the current nodes",
      ].join("\n"),
    );
  });

  test("a node range smaller than maxPods: USABLE is the range's addresses and the percentages count against it", () => {
    const text = renderPlanText(report({ clusterCidrs: ["10.244.0.0/24"], nodeMaskSizeV4: 26, nodes: [{ name: "n-1" }] }, new Map([["n-1", 30]])));
    expect(text).toContain("| n-1  | 10.244.0.0/26 |  110 |     61 | 30 (49%) | 31 (51%) |");
    expect(text).toContain("  Host-local: room for 3 more nodes in 10.244.0.0/24 (/26 per node; 1 of 4 node ranges held)");
  });
});

describe("renderPlanMarkdown in host-local mode", () => {
  test("a Nodes (host-local) section after the pools: the table, the cluster headroom, the flags and the CNI ipam section", () => {
    const md = renderPlanMarkdown(report());
    expect(md).toContain("2 pools · `projectcalico.org/v3` · host-local IPAM: 6 nodes · 272 pods · room for 2 more nodes");
    expect(md).toContain(
      [
        "### Nodes (host-local)",
        "",
        "| Node | Pod CIDRs | Max pods | Usable addresses | Pods | Utilization | Headroom |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
        "| `gpu-1` | `10.244.0.0/24`, `fd00:10:244::/64` | 32 | 253 / 2^64 - 2 | 8 / 32 | 25% | +24 pods |",
        "| `worker-1` | `10.244.1.0/24`, `fd00:10:244:1::/64` | 110 | 253 / 2^64 - 2 | 100 / 110 | 90.9% ⚠️ | +10 pods |",
      ].join("\n"),
    );
    expect(md).toContain(
      "**Cluster headroom**: room for 2 more nodes in `10.244.0.0/21` (/24 per node, 6 of 8 node ranges held), 250 more nodes in `fd00:10:244::/56` (/64 per node, 6 of 256 node ranges held); 2 more dual-stack nodes in all; 312 more pods on the current nodes.",
    );
    expect(md).toContain("**kube-controller-manager flags**\n\n```text\n--allocate-node-cidrs=true\n--cluster-cidr=10.244.0.0/21,fd00:10:244::/56\n--node-cidr-mask-size-ipv4=24\n--node-cidr-mask-size-ipv6=64\n```");
    expect(md).toContain('**CNI `ipam` configuration**\n\n```json\n{\n  "type": "host-local",');
    expect(md.indexOf("### Pools")).toBeLessThan(md.indexOf("### Nodes (host-local)"));
    expect(md.indexOf("### Nodes (host-local)")).toBeLessThan(md.indexOf("### Findings"));
  });

  test("above collapseRowsAbove nodes the table collapses, and the nodes at 80% or more stay in sight", () => {
    const md = renderPlanMarkdown(report(), { collapseRowsAbove: 4 });
    expect(md).toContain("Nodes at 80% or more: `worker-1` (90.9%), `worker-2` (101.8%).\n\n<details>\n<summary>6 nodes</summary>\n\n| Node |");
  });

  test("a flag with backticks cannot close its code block", () => {
    const doc = JSON.parse(renderJson(report()));
    doc.hostLocal.kubeControllerManagerFlags = ["--odd=```"];
    const md = renderPlanMarkdown(parsePlanReport(JSON.stringify(doc)));
    expect(md).toContain("````text\n--odd=```\n````");
  });
});

describe("diffPlanReports in host-local mode", () => {
  test("identical plans: no changes, the section is there and empty", () => {
    const diff = diffPlanReports(report(), report());
    expect(diff.destructive).toBe(false);
    expect(diff.summary.changes).toBe(0);
    expect(diff.hostLocal).toEqual({
      settings: [],
      nodes: { added: [], removed: [], changed: [] },
      headroom: { nodesLeft: { before: "2", after: "2", delta: "0" }, ipv4: { before: "2", after: "2", delta: "0" }, ipv6: { before: "250", after: "250", delta: "0" } },
    });
    expect(renderDiffText(diff)).toBe("Plan diff: no changes.\nFindings: 1 error, 1 warning -> 1 error, 1 warning\n");
  });

  test("Calico IPAM reports have no hostLocal in their diff", () => {
    const { plan, simulation } = realistic();
    expect("hostLocal" in diffPlanReports(buildPlanReport(plan, simulation), buildPlanReport(plan, simulation))).toBe(false);
  });

  test("a node added with the ledger: listed with its range, nodes left go down, not destructive", () => {
    const head = report(recorded(HOST_LOCAL_INPUT, { nodes: [...HOST_LOCAL_INPUT.nodes, { name: "worker-6" }] }));
    const diff = diffPlanReports(report(), head);
    expect(diff.destructive).toBe(false);
    expect(diff.hostLocal!.nodes.added.map((n) => [n.name, n.podCidrs])).toEqual([["worker-6", ["10.244.6.0/24", "fd00:10:244:6::/64"]]]);
    expect(diff.hostLocal!.headroom.nodesLeft).toEqual({ before: "2", after: "1", delta: "-1" });
    expect(diff.summary.changes).toBe(2);
    const text = renderDiffText(diff);
    expect(text).toContain("Host-local:\n  + worker-6  10.244.6.0/24,fd00:10:244:6::/64\n  ~ headroom  nodes left 2 -> 1 (-1); IPv4 node ranges free 2 -> 1 (-1); IPv6 node ranges free 250 -> 249 (-1)\n");
    const md = renderDiffMarkdown(diff);
    expect(md).toContain("| `worker-6` | added | — | `10.244.6.0/24`, `fd00:10:244:6::/64` |");
    expect(md).toContain("Headroom: nodes left 2 → 1 (-1) · IPv4 node ranges free 2 → 1 (-1) · IPv6 node ranges free 250 → 249 (-1)");
  });

  test("a node removed while it runs pods: listed, with a note to drain it first", () => {
    const nodes = [{ namePattern: "worker-{i}", count: 4 }, { name: "gpu-1", maxPods: 32 }];
    const diff = diffPlanReports(report(), report(recorded(HOST_LOCAL_INPUT, { nodes })));
    expect(diff.destructive).toBe(false);
    expect(diff.hostLocal!.nodes.removed.map((n) => n.name)).toEqual(["worker-5"]);
    expect(diff.notes).toEqual([]);

    const busy = diffPlanReports(report(), report(recorded(HOST_LOCAL_INPUT, { nodes: [{ namePattern: "worker-{i}", count: 2 }, { name: "gpu-1", maxPods: 32 }] })));
    expect(busy.hostLocal!.nodes.removed.map((n) => n.name)).toEqual(["worker-3", "worker-4", "worker-5"]);
    expect(busy.notes).toEqual([
      'host-local node "worker-3" is removed while it runs 40 pods in the base plan: drain it before deleting its Node object; kube-controller-manager then releases its podCIDR 10.244.3.0/24,fd00:10:244:3::/64 for a later node',
      'host-local node "worker-4" is removed while it runs 12 pods in the base plan: drain it before deleting its Node object; kube-controller-manager then releases its podCIDR 10.244.4.0/24,fd00:10:244:4::/64 for a later node',
    ]);
  });

  test("a node whose podCIDRs change is destructive: drain, delete and re-add it, or record its ranges", () => {
    // Without the ledger, removing gpu-1 makes the plan hand its range to the next node: every worker moves.
    const workers = { ...HOST_LOCAL_INPUT, nodes: [{ namePattern: "worker-{i}", count: 5 }] };
    const diff = diffPlanReports(report(), report(workers));
    expect(diff.destructive).toBe(true);
    expect(diff.hostLocal!.nodes.changed[0]).toEqual({ name: "worker-1", before: ["10.244.1.0/24", "fd00:10:244:1::/64"], after: ["10.244.0.0/24", "fd00:10:244::/64"], destructive: true });
    expect(diff.hostLocal!.nodes.changed).toHaveLength(5);
    expect(diff.destructiveChanges).toEqual([
      "host-local: the podCIDRs of 5 nodes change (worker-1 from 10.244.1.0/24,fd00:10:244:1::/64 to 10.244.0.0/24,fd00:10:244::/64; worker-2 from 10.244.2.0/24,fd00:10:244:2::/64 to 10.244.1.0/24,fd00:10:244:1::/64; " +
        "worker-3 from 10.244.3.0/24,fd00:10:244:3::/64 to 10.244.2.0/24,fd00:10:244:2::/64; worker-4 from 10.244.4.0/24,fd00:10:244:4::/64 to 10.244.3.0/24,fd00:10:244:3::/64; worker-5 from 10.244.5.0/24,fd00:10:244:5::/64 to 10.244.4.0/24,fd00:10:244:4::/64), " +
        "but a node's podCIDR never changes (kube-controller-manager hands it out once, when the node registers): drain and delete each of these nodes, then re-add it so that it registers again and gets a new range. " +
        "If the nodes run with their old ranges, record the podCIDRs handed out (Node.spec.podCIDRs) in the ledger so that the plan keeps them",
    ]);
    expect(renderDiffText(diff)).toContain("  ~ worker-1  podCIDRs 10.244.1.0/24,fd00:10:244:1::/64 -> 10.244.0.0/24,fd00:10:244::/64  (destructive)\n");
    expect(renderDiffMarkdown(diff)).toContain("| `worker-1` | **podCIDRs** ❌ | `10.244.1.0/24`, `fd00:10:244:1::/64` | `10.244.0.0/24`, `fd00:10:244::/64` |");

    // With the ledger the workers keep their ranges.
    const kept = diffPlanReports(report(), report(recorded(HOST_LOCAL_INPUT, { nodes: workers.nodes })));
    expect(kept.destructive).toBe(false);
    expect(kept.hostLocal!.nodes.changed).toEqual([]);
  });

  test("one node's podCIDRs changing gets a sentence of its own", () => {
    const base = report(SINGLE, null);
    const head = report({ ...SINGLE, recorded: { "n-1": ["10.244.0.0/24"], "n-2": ["10.244.3.0/24"], "n-3": ["10.244.2.0/24"] } }, null);
    expect(diffPlanReports(base, head).destructiveChanges).toEqual([
      'host-local node "n-2": podCIDRs change from 10.244.1.0/24 to 10.244.3.0/24, but a node\'s podCIDR never changes (kube-controller-manager hands it out once, when the node registers): ' +
        "drain and delete the node, then re-add it so that it registers again and gets a new range. If the node runs with its old range, record the podCIDRs handed out (Node.spec.podCIDRs) in the ledger so that the plan keeps them",
    ]);
  });

  test("a cluster CIDR moved is destructive while nodes hold ranges outside it", () => {
    const base = report(SINGLE, null);
    const head = report({ ...SINGLE, clusterCidrs: ["10.245.0.0/22"] }, null);
    const diff = diffPlanReports(base, head);
    expect(diff.destructive).toBe(true);
    expect(diff.hostLocal!.settings).toEqual([{ field: "clusterCidrs", before: ["10.244.0.0/22"], after: ["10.245.0.0/22"], destructive: true }]);
    // The pool first (pools come first), then the cluster CIDR, then the nodes the plan moves (no ledger here).
    expect(diff.destructiveChanges.map((c) => c.split(":")[0])).toEqual(['IP pool "default-ipv4-ippool"', "host-local", "host-local"]);
    expect(diff.destructiveChanges[2]).toMatch(/^host-local: the podCIDRs of 3 nodes change/);
    expect(diff.destructiveChanges[1]).toBe(
      "host-local: --cluster-cidr changes from 10.244.0.0/22 to 10.245.0.0/22, but 3 nodes of the base plan hold podCIDRs that do not fit it (n-1 10.244.0.0/24, n-2 10.244.1.0/24, n-3 10.244.2.0/24), and a node's podCIDR never changes: " +
        'kube-controller-manager refuses to start while a node holds a range outside the cluster CIDR of its position ("is out the range of cluster cidr"), and never gives a node that already has ranges one of an added family. ' +
        `Drain and delete those nodes, change --cluster-cidr, then re-add them so that they register again and get ranges from 10.245.0.0/22; keep the IP pool of the old range until no node holds a range there, as in Calico's migration procedure: ${MIGRATE_POOLS_URL}`,
    );
    // The Calico pool of the cluster CIDR moves too, which is destructive on its own.
    expect(diff.pools.changed.map((c) => [c.name, c.destructive])).toEqual([["default-ipv4-ippool", true]]);
    expect(renderDiffText(diff)).toContain('  ~ clusterCidrs: [10.244.0.0/22] -> [10.245.0.0/22]  (destructive)\n');
    expect(renderDiffMarkdown(diff)).toContain("| Setting | Before | After |\n| --- | --- | --- |\n| **clusterCidrs** ❌ | `10.244.0.0/22` | `10.245.0.0/22` |");
  });

  test("a cluster CIDR grown around every range is a note; with no node it is one too", () => {
    const grown = diffPlanReports(report(SINGLE, null), report(recorded(SINGLE, { clusterCidrs: ["10.244.0.0/21"] }), null));
    expect(grown.hostLocal!.settings).toEqual([{ field: "clusterCidrs", before: ["10.244.0.0/22"], after: ["10.244.0.0/21"], destructive: false }]);
    expect(grown.notes).toContain(
      "host-local: --cluster-cidr changes from 10.244.0.0/22 to 10.244.0.0/21; the podCIDRs of the nodes that stay lie inside it, so kube-controller-manager keeps their ranges and hands out new ones from 10.244.0.0/21",
    );
    const empty = { ...SINGLE, nodes: [] };
    const none = diffPlanReports(report(empty, null), report({ ...empty, clusterCidrs: ["10.245.0.0/22"] }, null));
    expect(none.hostLocal!.settings[0].destructive).toBe(false);
    expect(none.notes).toEqual(["host-local: --cluster-cidr changes from 10.244.0.0/22 to 10.245.0.0/22; no node holds a range in the base plan, so nothing has to move"]);
  });

  test("dual-stack added while nodes hold IPv4 ranges only: destructive, they never get an IPv6 range", () => {
    const head = report(recorded(SINGLE, { clusterCidrs: ["10.244.0.0/22", "fd00:10:244::/56"] }), null);
    const diff = diffPlanReports(report(SINGLE, null), head);
    expect(diff.hostLocal!.settings).toEqual([
      { field: "clusterCidrs", before: ["10.244.0.0/22"], after: ["10.244.0.0/22", "fd00:10:244::/56"], destructive: true },
      { field: "nodeMaskSizes.ipv6", before: null, after: 64, destructive: false },
    ]);
    expect(diff.destructiveChanges).toHaveLength(1);
    expect(diff.destructiveChanges[0]).toMatch(/^host-local: --cluster-cidr changes from 10\.244\.0\.0\/22 to 10\.244\.0\.0\/22,fd00:10:244::\/56, but 3 nodes of the base plan hold podCIDRs that do not fit it/);
  });

  test("a node mask changed while nodes that stay keep ranges of the old size is destructive; with none it is a note", () => {
    const diff = diffPlanReports(report(SINGLE, null), report(recorded(SINGLE, { nodeMaskSizeV4: 25 }), null));
    expect(diff.hostLocal!.settings).toEqual([{ field: "nodeMaskSizes.ipv4", before: 24, after: 25, destructive: true }]);
    expect(diff.destructiveChanges).toEqual([
      "host-local: the IPv4 node mask (--node-cidr-mask-size) changes from /24 to /25, but 3 nodes of the base plan keep IPv4 ranges of another size (n-1 10.244.0.0/24, n-2 10.244.1.0/24, n-3 10.244.2.0/24), as a node's podCIDR never changes: " +
        "kube-controller-manager gives /25 only to nodes that register from now on. To resize a node's range, drain and delete the node, then re-add it; or keep /24",
    ]);
    const empty = { ...SINGLE, nodes: [] };
    const none = diffPlanReports(report(empty, null), report({ ...empty, nodeMaskSizeV4: 25 }, null));
    expect(none.destructive).toBe(false);
    expect(none.notes).toEqual(["host-local: the IPv4 node mask changes from /24 to /25; no node of the base plan that stays holds an IPv4 range, so every node gets /25"]);

    // Without the ledger the plan gives every node a /25: that is the podCIDR change, and the mask sentence names no node.
    const moved = diffPlanReports(report(SINGLE, null), report({ ...SINGLE, nodeMaskSizeV4: 25 }, null));
    expect(moved.hostLocal!.settings).toEqual([{ field: "nodeMaskSizes.ipv4", before: 24, after: 25, destructive: false }]);
    expect(moved.destructiveChanges).toHaveLength(1);
    expect(moved.destructiveChanges[0]).toMatch(/^host-local: the podCIDRs of 3 nodes change \(n-1 from 10\.244\.0\.0\/24 to 10\.244\.0\.0\/25;/);
    expect(moved.notes).toEqual([]);
  });

  test("host-local switched on: the section is present on one side only, a note says what happens to running pods", () => {
    const { plan } = hostLocal();
    const diff = diffPlanReports(buildPlanReport(plan), report());
    expect(diff.hostLocal!.settings).toEqual([{ field: "present", before: false, after: true, destructive: false }]);
    expect(diff.hostLocal!.nodes.added).toHaveLength(6);
    expect(diff.hostLocal!.headroom.nodesLeft).toEqual({ before: null, after: "2", delta: null });
    expect(diff.notes[0]).toMatch(/^host-local IPAM is new in the head plan: every node's CNI ipam section becomes host-local/);
    expect(diffPlanReports(report(), buildPlanReport(plan)).notes[0]).toMatch(/^host-local IPAM is gone from the head plan/);
  });

  test("parsed reports diff like built ones", () => {
    const head = report(recorded(HOST_LOCAL_INPUT, { nodeMaskSizeV4: 25, nodes: [...HOST_LOCAL_INPUT.nodes, { name: "worker-6" }] }));
    const a = diffPlanReports(report(), head);
    const b = diffPlanReports(parsePlanReport(renderJson(report())), parsePlanReport(renderJson(head)));
    expect(renderJson(b)).toBe(renderJson(a));
    expect(renderDiffMarkdown(b)).toBe(renderDiffMarkdown(a));
    expect(renderDiffText(b)).toBe(renderDiffText(a));
  });
});
