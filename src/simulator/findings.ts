/**
 * Findings of a finished simulation: pods that got no address (grouped per workload and cause, with
 * Calico's message and a way out), tunnel addresses that failed, pools that ran out, were borrowed
 * from or are nearly full, pools and nodes that select nothing, namespace bindings that cannot work,
 * and the block limit left at its default.
 */
import type { IpFamily } from "../ip";
import { DEFAULT_MAX_BLOCKS_PER_HOST } from "../model/calico";
import type { EffectiveIpamConfiguration } from "../validation/ipam-configuration";
import { Finding, error, warning } from "../validation/finding";
import { EXAMPLES, STRICT_AFFINITY_WINDOWS } from "./allocate";
import { familiesOf } from "./cni";
import { choosePools, isPoolChoiceError } from "./precedence";
import type { SimulationFindingCode, TunnelType } from "./result";
import { ClusterView, IpamState, NodeState, familyName } from "./state";
import { WorkloadDeclaration, compareNaturally } from "./topology";
import type { Usage } from "./usage";

/** Pods of one workload that failed alike (same code and family). */
export interface FailureGroup {
  readonly workload: WorkloadDeclaration;
  readonly code: SimulationFindingCode;
  readonly family: IpFamily | undefined;
  count: number;
  readonly message: string;
  readonly pods: string[];
  readonly nodes: string[];
  readonly nodeSet: Set<string>;
  readonly pools: Set<string>;
}

/** Nodes whose tunnel address failed alike. */
export interface TunnelFailureGroup {
  readonly type: TunnelType;
  readonly code: SimulationFindingCode;
  readonly message: string;
  readonly nodes: string[];
  count: number;
}

/** The failures gathered while allocating, grouped for findings. */
export class FailureLog {
  readonly pods = new Map<string, FailureGroup>();
  readonly tunnels = new Map<string, TunnelFailureGroup>();

  /** One pod of `w` that got no address. */
  pod(w: WorkloadDeclaration, podName: string, node: NodeState, failure: { code: SimulationFindingCode; message: string; pools: readonly string[] }, family: IpFamily | undefined): void {
    const key = `${w.namespace}/${w.name}\u0000${failure.code}\u0000${family ?? ""}`;
    let group = this.pods.get(key);
    if (!group) {
      group = { workload: w, code: failure.code, family, count: 0, message: failure.message, pods: [], nodes: [], nodeSet: new Set(), pools: new Set() };
      this.pods.set(key, group);
    }
    group.count++;
    if (group.pods.length < EXAMPLES) group.pods.push(podName);
    if (!group.nodeSet.has(node.node.name)) {
      group.nodeSet.add(node.node.name);
      if (group.nodes.length < EXAMPLES) group.nodes.push(node.node.name);
    }
    for (const p of failure.pools) group.pools.add(p);
  }

  /** One node whose tunnel address of `type` failed. */
  tunnel(node: NodeState, type: TunnelType, code: SimulationFindingCode, message: string): void {
    const key = `${type}\u0000${message.replace(node.node.name, "\u0001")}`;
    const group = this.tunnels.get(key) ?? { type, code, message, nodes: [], count: 0 };
    group.count++;
    if (group.nodes.length < EXAMPLES) group.nodes.push(node.node.name);
    this.tunnels.set(key, group);
  }
}

/** Windows nodes need strictAffinity: one finding for all of them. */
export function windowsFinding(nodes: readonly NodeState[], strict: boolean): Finding | undefined {
  const windows = nodes.filter((n) => n.windows);
  if (windows.length === 0 || strict) return undefined;
  return error(
    "WINDOWS_REQUIRES_STRICT_AFFINITY",
    "ipamConfiguration.strictAffinity",
    `${windows.length} Windows node(s) (${names(windows.map((n) => n.node.name))}) need strictAffinity: true in the IPAM configuration; with it false Calico refuses every address request from a Windows node ("${STRICT_AFFINITY_WINDOWS}"). Set strictAffinity: true`,
  );
}

/** Works out the findings of a finished simulation into `findings`. */
export class Analysis {
  private readonly ipam: IpamState;

  constructor(
    private readonly view: ClusterView,
    private readonly usage: Usage,
    private readonly log: FailureLog,
    private readonly findings: Finding[],
    private readonly threshold: number,
    private readonly ipamConfiguration: EffectiveIpamConfiguration | undefined,
  ) {
    this.ipam = view.ipam;
  }

  private familiesOf(w: WorkloadDeclaration, fixed: boolean): IpFamily[] {
    return familiesOf(w, fixed, this.view.cni);
  }

  /** Adds every finding of the finished simulation. */
  analyse(): void {
    this.podFindings();
    this.tunnelFindings();
    this.poolFindings();
    this.selectionFindings();
    this.namespaceFindings();
    this.blockLimitFinding();
  }

  private podFindings(): void {
    for (const g of this.log.pods.values()) {
      const w = g.workload;
      const fam = g.family ? `${familyName(g.family)} ` : "";
      const where = `nodes: ${names(g.nodes, g.nodeSet.size)}` + (g.pools.size > 0 ? `; pools tried: ${[...g.pools].join(", ")}` : "");
      this.findings.push(
        error(
          g.code,
          `workloads.${w.name}`,
          `${g.count} of ${this.view.replicasOf(w)} pods of ${w.namespace}/${w.name} get no ${fam}address (first: ${g.pods.join(", ")}): "${g.message}" (${where}). ${this.hint(g.code, g.message)}`,
        ),
      );
    }
  }

  private hint(code: SimulationFindingCode, message: string): string {
    switch (code) {
      case "POD_BLOCK_LIMIT":
        return `Each node may own ${this.ipam.blockLimit} blocks per family${this.ipam.blockLimit === DEFAULT_MAX_BLOCKS_PER_HOST ? " (maxBlocksPerHost 0 or unset means 20)" : ""}: raise maxBlocksPerHost in the IPAM configuration, or use larger blocks (a smaller blockSize number) in a new pool`;
      case "POD_POOLS_EXHAUSTED":
        return message.includes("strict affinity")
          ? "Every block of the eligible pools is claimed and strictAffinity forbids borrowing: add a pool (or grow the CIDR of a new one) for these nodes, or use smaller blocks so each node claims fewer addresses"
          : "Every address of the eligible pools is taken: add a pool for these nodes and namespace, or grow the range with a new, larger pool";
      case "POD_NEW_BLOCKS_DISABLED":
        return "autoAllocateBlocks is false, so nodes never claim new blocks: set it to true, or pre-create blocks for these nodes";
      case "POD_NO_MATCHING_POOL":
        return "Add or fix a pool whose nodeSelector matches these nodes and whose namespaceSelector matches the namespace, with Workload in allowedUses (Windows nodes need blockSize 29 or less for IPv4)";
      case "POD_POOL_REQUEST_INVALID":
        return "Every pool named in an annotation or the CNI configuration must exist, be enabled and be of the right family; fix the name or enable the pool";
      case "POD_FIXED_ADDRESS_REJECTED":
        return "A fixed address (cni.projectcalico.org/ipAddrs) must lie in an enabled pool, be free, and (with strictAffinity) in a block of the pod's node; with replicas > 1 every replica asks for the same address";
      case "POD_WINDOWS_STRICT_AFFINITY":
        return "Set strictAffinity: true in the IPAM configuration";
      default:
        return "";
    }
  }

  private tunnelFindings(): void {
    for (const g of this.log.tunnels.values()) {
      this.findings.push(
        error(
          "TUNNEL_ADDRESS_FAILED",
          `nodes.${g.nodes[0]}`,
          `${g.count} node(s) (${names(g.nodes, g.count)}) get no ${g.type}: "${g.message}". calico-node cannot configure the tunnel and pods on these nodes are unreachable across the overlay. Give the encapsulated pools room for one address and block per node, or a pool with allowedUses [Tunnel] for tunnels`,
        ),
      );
    }
  }

  private poolFindings(): void {
    for (const ps of this.view.pools) {
      const p = ps.pool;
      const path = `pools.${p.name}`;
      if (ps.exhaustedHits > 0) {
        const nodesText = names(ps.exhaustedNodes, ps.exhaustedNodes.length);
        const base = `IP pool "${p.name}" (${p.cidr}) ran out of blocks: all ${ps.blockCount} /${p.blockSize} blocks are claimed or reserved, and nodes needed ${ps.exhaustedHits} more (first: ${nodesText})`;
        const fix = `Add a pool for these nodes (a pool's CIDR cannot change), or move to smaller blocks through a new pool: every node that uses the pool claims at least one /${p.blockSize} block`;
        if (ps.exhaustedUnmet > 0) {
          this.findings.push(error("POOL_EXHAUSTED", path, `${base}; ${ps.exhaustedUnmet} of these requests found no later pool with a free block and had to borrow or failed. ${fix}`));
        } else {
          this.findings.push(warning("POOL_EXHAUSTED_SPILLOVER", path, `${base}; every one got a block from a later pool in name order. Intended spill-over is fine; otherwise ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`));
        }
      }
      if (ps.borrowers.size > 0) {
        const entries = [...ps.borrowers.entries()].sort((a, b) => compareNaturally(a[0], b[0]));
        const total = entries.reduce((s, [, n]) => s + n, 0);
        const list = entries.slice(0, EXAMPLES).map(([n, c]) => `${n} (${c})`).join(", ") + (entries.length > EXAMPLES ? ` and ${entries.length - EXAMPLES} more` : "");
        this.findings.push(
          warning(
            "BORROWED_ADDRESSES",
            path,
            `${total} address(es) of pool "${p.name}" are borrowed from other nodes' blocks by ${entries.length} node(s): ${list}. Each borrowed address needs its own /${p.cidr.bits} route, so routes no longer aggregate per block. Give these nodes room in their own blocks: a larger pool, or strictAffinity: true to fail instead of borrowing`,
          ),
        );
      }
      const usage = this.usage.poolUsage(ps);
      if (ps.usable && (usage.utilization > this.threshold || usage.blockUtilization > this.threshold)) {
        const pct = (x: number) => `${Math.round(x * 100)}%`;
        this.findings.push(
          warning(
            "POOL_UTILIZATION_HIGH",
            path,
            `IP pool "${p.name}" (${p.cidr}) is ${pct(usage.utilization)} used by addresses and ${pct(usage.blockUtilization)} by blocks (${usage.blocksClaimed} of ${usage.blocksTotal}), above ${pct(this.threshold)}: room is left for ${usage.headroom.moreNodes === null ? "" : `${usage.headroom.moreNodes} more node(s) like the current ones and `}${usage.headroom.morePods} more pod address(es). Add a pool before it runs out`,
          ),
        );
      }
    }
  }

  private selectionFindings(): void {
    if (this.view.nodes.length === 0) return;
    const counts = this.view.classCounts();
    for (const p of this.ipam.catalog.pools) {
      if (!this.ipam.catalog.isAllocatable(p.name) || p.assignmentMode !== "Automatic" || p.allowedUses.includes("LoadBalancer")) continue;
      const selected = this.view.classReps.reduce((s, rep, id) => s + (this.ipam.catalog.selectsNode(p.name, rep.node.labels) === true ? counts[id] : 0), 0);
      if (selected === 0) {
        this.findings.push(
          warning(
            "POOL_SELECTS_NO_NODE",
            `pools.${p.name}`,
            `IP pool "${p.name}" (${p.cidr}) has nodeSelector ${JSON.stringify(p.nodeSelector)}, which matches none of the ${this.view.nodes.length} nodes: it serves no pod unless named in an annotation or the CNI configuration. Fix the selector or the node labels, or set assignmentMode: Manual if it is meant for named use only`,
          ),
        );
      }
    }
    // Families that pods get through pool selectors: the CNI defaults (every node runs some pods, such
    // as DaemonSets) and whatever a declared workload asks for.
    const bySelectors = new Set<IpFamily>();
    const defaults: WorkloadDeclaration = { name: "", namespace: "", replicas: 1 };
    for (const w of [defaults, ...this.view.workloads]) {
      if ((w.annotations?.ipAddrs?.length ?? 0) > 0 || w.replicas === 0) continue;
      for (const f of this.familiesOf(w, false)) {
        const ns = this.view.namespaces.get(w.namespace);
        const listed = (a: { ipv4pools?: readonly string[]; ipv6pools?: readonly string[] } | undefined) => ((f === 4 ? a?.ipv4pools : a?.ipv6pools)?.length ?? 0) > 0;
        const cni = ((f === 4 ? this.view.cni?.ipv4Pools : this.view.cni?.ipv6Pools)?.length ?? 0) > 0;
        if (!listed(w.annotations) && !listed(ns?.annotations) && !cni) bySelectors.add(f);
      }
    }
    for (const f of [4, 6] as const) {
      if (!bySelectors.has(f)) continue;
      const unserved = this.view.nodes.filter((n) => {
        const rep = this.view.classReps[n.classId];
        return !this.ipam.catalog.pools.some(
          (p) =>
            p.family === f &&
            this.ipam.catalog.isAllocatable(p.name) &&
            p.assignmentMode === "Automatic" &&
            p.allowedUses.includes("Workload") &&
            !(rep.windows && f === 4 && p.blockSize > 29) &&
            this.ipam.catalog.selectsNode(p.name, rep.node.labels) === true,
        );
      });
      if (unserved.length === 0) continue;
      const list = unserved.map((n) => n.node.name);
      this.findings.push(
        warning(
          "NODE_NO_POOL",
          `nodes.${list[0]}`,
          `${unserved.length} node(s) (${names(list, list.length)}) are selected by no enabled Automatic ${familyName(f)} pool with Workload use${unserved.some((n) => n.windows) && f === 4 ? " (Windows nodes skip pools with blockSize above 29)" : ""}: pods there get no ${familyName(f)} address unless a pool is named for them. Every node must be selected by at least one pool: fix a pool's nodeSelector or the node labels`,
        ),
      );
    }
  }

  private namespaceFindings(): void {
    if (this.view.nodes.length === 0) return;
    const counts = this.view.classCounts();
    const defaultFamilies = this.familiesOf({ name: "", namespace: "", replicas: 0 }, false);
    for (const ns of [...this.view.namespaces.values()].sort((a, b) => compareNaturally(a.name, b.name))) {
      const path = `namespaces.${ns.name}`;
      const labels = { ...(ns.labels ?? {}), "kubernetes.io/metadata.name": ns.name };
      const boundPools = this.ipam.catalog.pools.filter(
        (p) =>
          this.ipam.catalog.isAllocatable(p.name) &&
          p.assignmentMode === "Automatic" &&
          p.namespaceSelector.trim() !== "" &&
          p.allowedUses.includes("Workload") &&
          this.ipam.catalog.selectsNamespace(p.name, labels) === true,
      );
      for (const p of boundPools) {
        const selected = this.view.classReps.some((rep, id) => counts[id] > 0 && this.ipam.catalog.selectsNode(p.name, rep.node.labels) === true);
        if (!selected) {
          this.findings.push(
            warning(
              "NAMESPACE_BINDING_NO_NODE",
              path,
              `namespace "${ns.name}" is bound to IP pool "${p.name}" by its namespaceSelector ${JSON.stringify(p.namespaceSelector)}, but the pool's nodeSelector ${JSON.stringify(p.nodeSelector)} matches no node, so its pods never use that pool. Fix the pool's nodeSelector or the node labels`,
            ),
          );
        }
      }
      const annotated = (ns.annotations?.ipv4pools?.length ?? 0) > 0 || (ns.annotations?.ipv6pools?.length ?? 0) > 0;
      if (boundPools.length === 0 && !annotated) continue;
      const families = new Set<IpFamily>();
      for (const w of this.view.workloads) if (w.namespace === ns.name && (w.annotations?.ipAddrs?.length ?? 0) === 0) for (const f of this.familiesOf(w, false)) families.add(f);
      if (!this.view.workloads.some((w) => w.namespace === ns.name)) for (const f of defaultFamilies) families.add(f);
      for (const f of [...families].sort()) {
        let firstError: string | undefined;
        const served = this.view.classReps.some((rep) => {
          const choice = choosePools(this.ipam.catalog, { family: f, host: rep.node.name, nodeLabels: rep.node.labels, nodeOs: rep.node.os, namespace: ns, cni: this.view.cni });
          if (isPoolChoiceError(choice)) {
            firstError ??= choice.error;
            return false;
          }
          return choice.pools.length > 0;
        });
        if (!served) {
          this.findings.push(
            warning(
              "NAMESPACE_UNSERVABLE",
              path,
              `no node can give pods of namespace "${ns.name}" an ${familyName(f)} address through its pool binding (namespaceSelector or annotation): ${firstError ? `Calico says "${firstError}"` : "no pool qualifies"}. Make a pool that selects both the namespace and some nodes, or fix the annotation`,
            ),
          );
        }
      }
    }
  }

  private blockLimitFinding(): void {
    const cfg = this.ipamConfiguration;
    if (cfg && cfg.maxBlocksPerHost !== 0) return;
    // An explicit 0 is already explained by the IPAM configuration's validation (IPAM_CONFIG_MAX_BLOCKS_ZERO).
    if (cfg?.maxBlocksPerHostSet) return;
    let busiest: NodeState | undefined;
    let most = 0;
    for (const n of this.view.nodes) {
      const m = Math.max(n.ownedPerFamily[0], n.ownedPerFamily[1]);
      if (m > most) {
        most = m;
        busiest = n;
      }
    }
    // Without a limit the default only matters once a node comes close to it.
    if (most < DEFAULT_MAX_BLOCKS_PER_HOST / 2) return;
    this.findings.push(
      warning(
        "MAX_BLOCKS_PER_HOST_DEFAULT",
        "ipamConfiguration.maxBlocksPerHost",
        `maxBlocksPerHost is not set, which Calico enforces as ${DEFAULT_MAX_BLOCKS_PER_HOST} blocks per node and IP family, not as unlimited (calico#9462)${busiest ? `; the busiest node, ${busiest.node.name}, owns ${most}` : ""}. Set the limit you mean explicitly`,
      ),
    );
  }
}

/** Up to five names, then "and N more". */
export function names(list: readonly string[], total = list.length): string {
  const shown = list.slice(0, EXAMPLES);
  return shown.join(", ") + (total > shown.length ? ` and ${total - shown.length} more` : "");
}
