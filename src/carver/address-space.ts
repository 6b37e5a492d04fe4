/**
 * A parent range that pools are carved from, e.g. `{ name: "pods-v4", cidr: "10.32.0.0/12" }`.
 * Declare one or more per family; spaces must not overlap each other. The carver tries the spaces of
 * a family in declaration order unless a request names one.
 */
export interface AddressSpaceDeclaration {
  /** A unique name, referenced by `PoolRequest.addressSpace`. */
  readonly name: string;
  /** The range, strictly masked (`10.32.0.0/12`, not `10.32.0.1/12`). */
  readonly cidr: string;
}

/**
 * Why a range is excluded from pools:
 * - `service`: the cluster's Service CIDR (`--service-cluster-ip-range`); pods there collide with
 *   Service cluster IPs;
 * - `node`: a node or host network; pods there collide with node addresses and break routing;
 * - `reserved`: any other range kept out by decision (appliances, VPN, a peered network), with a reason.
 */
export type ExclusionKind = "service" | "node" | "reserved";

/**
 * A range no pool may overlap. The carver never carves into it, and a pinned or recorded pool that
 * overlaps it is an error naming both ranges. The ranges of `NEVER_FOR_PODS` (link-local, including
 * the metadata address 169.254.169.254, loopback, multicast, `0.0.0.0/8`, `240.0.0.0/4`, and their
 * IPv6 counterparts) are always excluded and need no declaration.
 */
export interface ExclusionDeclaration {
  /** The excluded range, strictly masked. Either family. */
  readonly cidr: string;
  /** What the range is. */
  readonly kind: ExclusionKind;
  /**
   * Why the range is excluded, shown in messages. Expected for `reserved` (a warning without it), so
   * that the next reader knows whether it may be released.
   * @default - none
   */
  readonly reason?: string;
}
