/**
 * Tunnel addresses, after calico-node's `node/pkg/allocateip/allocateip.go` (reference §5.13): one
 * address per node and encapsulation (IPIP, VXLAN, VXLAN IPv6) from the pools that allow Tunnel use,
 * select the node and encapsulate, before any pod. WireGuard is not modelled.
 */
import type { IpFamily } from "../ip";
import { CHOICE_CODE, STRICT_AFFINITY_WINDOWS, autoAssign } from "./allocate";
import { determinePools } from "./precedence";
import { releaseIPs } from "./release";
import type { SimulationFindingCode, TunnelType } from "./result";
import type { IpamState, NodeState } from "./state";

const KINDS: ReadonlyArray<{ type: TunnelType; family: IpFamily; mode: "ipipMode" | "vxlanMode" }> = [
  { type: "ipipTunnelAddress", family: 4, mode: "ipipMode" },
  { type: "vxlanTunnelAddress", family: 4, mode: "vxlanMode" },
  { type: "vxlanV6TunnelAddress", family: 6, mode: "vxlanMode" },
];

/** Called for each tunnel address a node cannot get. */
export type TunnelFailureSink = (node: NodeState, type: TunnelType, code: SimulationFindingCode, message: string) => void;

/**
 * calico-node `reconcileTunnelAddrs` → `assignHostTunnelAddr` for one node: for each encapsulation
 * the node's pools use, `AutoAssign` with `IntendedUse: Tunnel` and the explicit list of tunnel pools.
 * The address is recorded on the node; failures go to `fail`. Run again after pools or labels change,
 * it keeps an address whose pool still qualifies and releases one whose pool no longer does (then
 * assigns a new one), as calico-node does at start-up: tunnel addresses follow the node.
 */
export function assignHostTunnelAddrs(s: IpamState, node: NodeState, fail: TunnelFailureSink): void {
  const catalog = s.catalog;
  for (const kind of KINDS) {
    // Calico for Windows has no IPIP.
    if (node.windows && kind.type === "ipipTunnelAddress") continue;
    const pools = catalog.pools
      .filter(
        (p) =>
          p.family === kind.family &&
          catalog.isAllocatable(p.name) &&
          p[kind.mode] !== "Never" &&
          p.allowedUses.includes("Tunnel") &&
          catalog.selectsNode(p.name, node.node.labels) === true,
      );
    const cidrs = pools.map((p) => p.cidr);
    const existing = node.tunnelGrants.get(kind.type);
    if (existing) {
      const name = s.pools[existing.block.poolIndex].pool.name;
      if (pools.some((p) => p.name === name)) continue;
      releaseTunnelAddr(s, node, kind.type);
    }
    if (cidrs.length === 0) continue;
    if (node.windows && !s.strict) {
      fail(node, kind.type, "POD_WINDOWS_STRICT_AFFINITY", STRICT_AFFINITY_WINDOWS);
      continue;
    }
    const determined = determinePools(catalog, { family: kind.family, host: node.node.name, nodeLabels: node.node.labels, nodeOs: node.node.os, use: "Tunnel" }, cidrs);
    if ("code" in determined) {
      fail(node, kind.type, CHOICE_CODE[determined.code], determined.error);
      continue;
    }
    const plan = s.planFor(determined.pools);
    const got = autoAssign(s, node, kind.family, plan.pools, plan.mask);
    if ("code" in got) {
      fail(node, kind.type, got.code, got.message);
      continue;
    }
    node.tunnelGrants.set(kind.type, got);
    node.tunnels.push({ type: kind.type, address: s.text(got), pool: s.pools[got.block.poolIndex].pool.name, borrowed: got.block.owner !== node.index });
  }
}

/** Releases a node's tunnel address of one type (`releaseIPs` on its handle). */
export function releaseTunnelAddr(s: IpamState, node: NodeState, type: TunnelType): void {
  const grant = node.tunnelGrants.get(type);
  if (!grant) return;
  node.tunnelGrants.delete(type);
  const k = node.tunnels.findIndex((t) => t.type === type);
  if (k >= 0) node.tunnels.splice(k, 1);
  releaseIPs(s, [grant]);
}
