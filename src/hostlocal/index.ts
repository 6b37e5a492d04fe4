/**
 * Host-local IPAM mode (flannel networking, GKE, any cluster where nodes get a `podCIDR` from
 * kube-controller-manager): each node's ranges as kube-controller-manager hands them out, the CNI and
 * kube-controller-manager settings, the IP pools Calico still needs, the Calico IPAM features that do
 * not apply, and per-node utilization for the harness.
 */
export { planHostLocal, DEFAULT_NODE_MASK_SIZE, MAX_IPV6_NODE_MASK_DIFF } from "./plan";
export type { HostLocalInput, HostLocalNode, HostLocalPlan, HostLocalFamilyCapacity, HostLocalCniIpam } from "./plan";
export { hostLocalUnsupported, HOST_LOCAL_UNSUPPORTED } from "./unsupported";
export type { HostLocalUnsupported, HostLocalFeatures } from "./unsupported";
export { hostLocalPools } from "./pools";
export type { HostLocalPool, HostLocalPoolSettings } from "./pools";
export { hostLocalUsage, DEFAULT_HOST_LOCAL_UTILIZATION_THRESHOLD } from "./usage";
export type { HostLocalUsage, HostLocalNodeUsage, HostLocalClusterHeadroom } from "./usage";
export { hostLocalUsableAddresses, hostLocalReservedAddresses, hostLocalReservedCount, nodeMaskForPods, HOST_LOCAL_MAX_PREFIX } from "./node-range";
