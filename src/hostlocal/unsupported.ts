/**
 * The Calico IPAM features host-local IPAM cannot give. With host-local, a pod's address always comes
 * from its node's podCIDR: Calico's CNI plugin hands the request to the host-local plugin, which knows
 * nothing of IP pools, blocks, selectors or annotations. Tigera's docs: "per-node, per-pod, and
 * per-namespace IP allocation features are not available using the host-local plugin"
 * (`calico/networking/ipam/get-started-ip-addresses.mdx`), and "some Calico features - such as the
 * ability to request a specific address or pool for a pod - require Calico IPAM"
 * (`calico/reference/configure-cni-plugins.mdx`, "Using host-local IPAM").
 */
import { Finding, error } from "../validation/finding";

/** A feature host-local IPAM cannot give, and why. */
export interface HostLocalUnsupported {
  /** The feature, as named in {@link hostLocalUnsupported}'s argument, e.g. `namespacePools`. */
  readonly feature: string;
  /** Why host-local cannot give it, and what to use instead. */
  readonly message: string;
}

/** The features {@link hostLocalUnsupported} knows, by the flag that asks for them. */
export interface HostLocalFeatures {
  /** Pools bound to namespaces: a `namespaceSelector`, or `cni.projectcalico.org/ipv4pools`/`ipv6pools` annotations. */
  readonly namespacePools?: boolean;
  /** Pools bound to nodes: a `nodeSelector` other than `all()`. */
  readonly topologyPools?: boolean;
  /** Fixed pod addresses: `cni.projectcalico.org/ipAddrs`. */
  readonly fixedAddresses?: boolean;
  /** A pool `blockSize`. */
  readonly blockSize?: boolean;
  /** More than one pool of a family. */
  readonly multiplePools?: boolean;
  /** The IPAM configuration: `strictAffinity`, `maxBlocksPerHost`. */
  readonly ipamConfiguration?: boolean;
  /** IP reservations (`IPReservation`). */
  readonly reservations?: boolean;
}

const CALICO_IPAM =
  "Calico IPAM (operator: Installation spec.cni.ipam.type: Calico; manifests: CNI \"ipam\": {\"type\": \"calico-ipam\"}) gives it; see https://docs.tigera.io/calico/latest/networking/ipam/get-started-ip-addresses";

/** Every unsupported feature with its explanation, in a fixed order. */
export const HOST_LOCAL_UNSUPPORTED: readonly (HostLocalUnsupported & { readonly code: string; readonly path: string })[] = Object.freeze([
  {
    feature: "namespacePools",
    code: "HOSTLOCAL_NAMESPACE_POOLS",
    path: "pools[].namespaceSelector",
    message:
      "namespace pools (a pool namespaceSelector, or the cni.projectcalico.org/ipv4pools and ipv6pools annotations) need Calico IPAM: with host-local every pod gets an address from its node's podCIDR, and nothing reads the pool's namespaceSelector or the annotations, so every namespace shares the node's range. " +
      CALICO_IPAM,
  },
  {
    feature: "topologyPools",
    code: "HOSTLOCAL_TOPOLOGY_POOLS",
    path: "pools[].nodeSelector",
    message:
      "topology pools (a pool nodeSelector other than all()) need Calico IPAM: with host-local a node's pods get addresses from the podCIDR kube-controller-manager gave the node, never from a pool chosen by node labels (to place nodes in ranges, give kube-controller-manager a cluster CIDR per site instead). " +
      CALICO_IPAM,
  },
  {
    feature: "fixedAddresses",
    code: "HOSTLOCAL_FIXED_ADDRESSES",
    path: "workloads[].addresses",
    message:
      "fixed pod addresses (the cni.projectcalico.org/ipAddrs annotation) need Calico IPAM: host-local picks the next free address of the node's podCIDR and ignores the annotation, and a pod may land on any node, whose range would not hold the address anyway. " +
      CALICO_IPAM,
  },
  {
    feature: "blockSize",
    code: "HOSTLOCAL_BLOCK_SIZE",
    path: "pools[].blockSize",
    message:
      "a pool blockSize has no effect with host-local: there are no Calico IPAM blocks, each node owns one range whose size is kube-controller-manager's node mask (nodeMaskSizeV4/nodeMaskSizeV6, --node-cidr-mask-size). Set the node mask instead, or use " +
      CALICO_IPAM,
  },
  {
    feature: "multiplePools",
    code: "HOSTLOCAL_MULTIPLE_POOLS",
    path: "pools",
    message:
      "more than one pool per IP family needs Calico IPAM: host-local hands out addresses from the node's podCIDR only, which comes from the one cluster CIDR of its family (kube-controller-manager takes one per family). Keep one pool per family that equals the cluster CIDR (hostLocalPools), or use " +
      CALICO_IPAM,
  },
  {
    feature: "ipamConfiguration",
    code: "HOSTLOCAL_IPAM_CONFIGURATION",
    path: "ipamConfiguration",
    message:
      "the IPAM configuration (strictAffinity, maxBlocksPerHost) only steers Calico IPAM's block affinity and borrowing, which do not exist with host-local: every node owns exactly one fixed range per family. Remove it, or use " +
      CALICO_IPAM,
  },
  {
    feature: "reservations",
    code: "HOSTLOCAL_RESERVATIONS",
    path: "reservations",
    message:
      "IP reservations (IPReservation) are honoured by Calico IPAM only; host-local never reads them and would hand the reserved addresses out. Keep such addresses out of the cluster CIDR, or use " +
      CALICO_IPAM,
  },
]);

/**
 * Errors for the features host-local IPAM cannot give, one per feature asked for, in a fixed order, each
 * saying why and pointing to Calico IPAM: namespace pools (namespaceSelector or ipv4pools annotations),
 * topology pools (nodeSelector other than all()), fixed pod addresses (ipAddrs), block sizes, more than
 * one pool per family, IPAM configuration (strictAffinity/maxBlocksPerHost) and IP reservations.
 */
export function hostLocalUnsupported(features: HostLocalFeatures): Finding[] {
  const asked = features as Readonly<Record<string, boolean | undefined>>;
  return HOST_LOCAL_UNSUPPORTED.filter((u) => asked[u.feature] === true).map((u) => error(u.code, u.path, u.message));
}
