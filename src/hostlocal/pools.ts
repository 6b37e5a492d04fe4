import { Cidr } from "../ip";
import { AllowedUse, EncapsulationMode, POOL_DEFAULTS } from "../model/calico";

/** Settings of the IP pools Calico needs in host-local mode. */
export interface HostLocalPoolSettings {
  /**
   * Masquerade traffic from pods to destinations outside every Calico pool.
   * @default - true for IPv4, false for IPv6 (the Tigera operator's defaults)
   */
  readonly natOutgoing?: boolean;
  /**
   * IPIP encapsulation of traffic to the pod ranges, for the IPv4 pool only: Calico has no IPIP for IPv6.
   * @default "Never"
   */
  readonly ipipMode?: EncapsulationMode;
  /**
   * VXLAN encapsulation of traffic to the pod ranges (IPv4 and IPv6 pools).
   * @default "Never"
   */
  readonly vxlanMode?: EncapsulationMode;
}

/**
 * An IP pool for host-local mode: the fields of a pool declaration with a pinned CIDR, ready for
 * `renderIpPool`.
 */
export interface HostLocalPool {
  /** `default-ipv4-ippool` or `default-ipv6-ippool`, the names Calico gives the pools it creates. */
  readonly name: string;
  /** The cluster CIDR, canonical text. */
  readonly cidr: string;
  /** Calico's default block size, or the cluster prefix if that is longer (a pool holds at least one block). Unused by host-local. */
  readonly blockSize: number;
  /** From the settings; always `Never` for IPv6. */
  readonly ipipMode: EncapsulationMode;
  /** From the settings. */
  readonly vxlanMode: EncapsulationMode;
  /** From the settings, else true for IPv4 and false for IPv6. */
  readonly natOutgoing: boolean;
  /** Always `all()`: every node's podCIDR lies in the pool (the operator requires it with a non-Calico CNI). */
  readonly nodeSelector: "all()";
  /** Calico's default, `[Workload, Tunnel]`. */
  readonly allowedUses: readonly AllowedUse[];
}

const ENCAPSULATION_MODES = new Set<string>(["Never", "Always", "CrossSubnet"]);

/**
 * The IP pools Calico still needs in host-local mode, one per cluster CIDR, with the settings given.
 * Calico does not allocate from them: host-local hands out pod addresses from each node's podCIDR, and
 * calico-node takes the node's tunnel address from the podCIDR too. Felix uses them for the data plane:
 *
 * - NAT outgoing: Felix masquerades traffic whose source lies in a pool with `natOutgoing` and whose
 *   destination lies in no pool (projectcalico/calico `felix/dataplane/linux/masq_mgr.go`: "one contains
 *   the CIDRs for all Calico IPAM pools, the other contains only the NAT-enabled pools"); pod ranges
 *   outside every pool would be neither masqueraded nor treated as pod traffic;
 * - IPIP/VXLAN: "Routing of packets using IP-in-IP will be used when the destination IP address is in an
 *   IP Pool that has IPIP enabled" (same for VXLAN; tigera/docs `calico/reference/resources/ippool.mdx`);
 * - with the operator, host-local hands out IPv4 (IPv6) addresses only "if there is an IPv4 (IPv6) pool
 *   configured in Spec.IPPools" (tigera/docs `calico/reference/configure-cni-plugins.mdx`, "Using
 *   host-local IPAM");
 * - calico-node allocates no tunnel address from them: "If configured to use host-local IPAM, there is no
 *   need to configure tunnel addresses as they use the first IP of the pod CIDR" (projectcalico/calico
 *   `node/pkg/allocateip/allocateip.go`).
 *
 * So each pool equals its cluster CIDR and selects every node.
 *
 * @throws RangeError if a cluster CIDR does not parse, two share a family, a mode is unknown, or both
 *   IPIP and VXLAN are enabled (Calico: "Cannot enable both VXLAN and IPIP on the same IPPool")
 * @see https://docs.tigera.io/calico/latest/reference/configure-cni-plugins#using-host-local-ipam
 */
export function hostLocalPools(clusterCidrs: readonly string[], settings: HostLocalPoolSettings = {}): HostLocalPool[] {
  const ipipMode = settings.ipipMode ?? "Never";
  const vxlanMode = settings.vxlanMode ?? "Never";
  for (const [field, mode] of [["ipipMode", ipipMode], ["vxlanMode", vxlanMode]] as const) {
    if (!ENCAPSULATION_MODES.has(mode)) throw new RangeError(`${field} must be "Never", "Always" or "CrossSubnet", got ${JSON.stringify(mode)}`);
  }
  if (ipipMode !== "Never" && vxlanMode !== "Never") {
    throw new RangeError(`Cannot enable both VXLAN and IPIP on the same IPPool (ipipMode ${ipipMode}, vxlanMode ${vxlanMode}): set one of them to Never`);
  }
  const seen = new Set<number>();
  return clusterCidrs.map((text) => {
    const cidr = Cidr.parse(text);
    if (seen.has(cidr.family)) throw new RangeError(`cluster CIDRs must be one per family; ${text} is a second IPv${cidr.family} CIDR`);
    seen.add(cidr.family);
    const v4 = cidr.family === 4;
    const defaultBlock = v4 ? POOL_DEFAULTS.blockSizeV4 : POOL_DEFAULTS.blockSizeV6;
    return {
      name: v4 ? "default-ipv4-ippool" : "default-ipv6-ippool",
      cidr: cidr.toString(),
      blockSize: Math.max(defaultBlock, cidr.prefix),
      ipipMode: v4 ? ipipMode : "Never",
      vxlanMode,
      natOutgoing: settings.natOutgoing ?? v4,
      nodeSelector: "all()",
      allowedUses: [...POOL_DEFAULTS.allowedUses],
    };
  });
}
