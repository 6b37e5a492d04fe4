import { Construct } from "constructs";
import { IpPool, IpPoolProps } from "./ip-pool";

/** Properties of {@link TopologyPools}. */
export interface TopologyPoolsProps
  extends Omit<IpPoolProps, "name" | "cidr" | "prefixLength" | "addresses" | "capacity" | "nodeSelector" | "exclusiveGroup"> {
  /**
   * The node label whose values split the nodes, e.g. `rack` or `topology.kubernetes.io/zone`.
   */
  readonly label: string;
  /**
   * One pool per label value, with the number of nodes that carry it (the pool is sized for them).
   * Pools are created in the order of the values, sorted.
   */
  readonly nodes: Record<string, number>;
  /**
   * Blocks each node claims from its pool. Give this or `podsPerNode`.
   * @default - from podsPerNode
   */
  readonly blocksPerNode?: number;
  /**
   * Pods each node runs; turned into whole blocks per node. Give this or `blocksPerNode`.
   * @default - from blocksPerNode
   */
  readonly podsPerNode?: number;
  /**
   * Pool names are this prefix plus the label value (lower-cased, other characters as `-`).
   * @default - the construct id and a dash, e.g. "rack-"
   */
  readonly namePrefix?: string;
}

/**
 * One Calico IP pool per value of a node label (a pool per rack or per zone), each selecting its nodes
 * with `label == "value"` and carved with room for the nodes declared for it, so that routes aggregate
 * per top-of-rack switch. The pools form an exclusive group: synth fails if two of them can select the
 * same node, and warns when another pool also selects their nodes (Calico's default pool does, unless
 * it is narrowed or removed).
 *
 * @example
 * new TopologyPools(ipam, "rack", { label: "rack", nodes: { a: 20, b: 20, c: 12 }, podsPerNode: 110 });
 * @see https://docs.tigera.io/calico/latest/networking/ipam/assign-ip-addresses-topology
 */
export class TopologyPools extends Construct {
  /** The pools, by label value. */
  public readonly pools: Readonly<Record<string, IpPool>>;

  constructor(scope: Construct, id: string, props: TopologyPoolsProps) {
    super(scope, id);
    const { label, nodes, blocksPerNode, podsPerNode, namePrefix, ...poolProps } = props;
    const prefix = namePrefix ?? `${id.toLowerCase()}-`;
    const pools: Record<string, IpPool> = {};
    for (const value of Object.keys(nodes).sort()) {
      const quoted = value.includes('"') ? `'${value}'` : `"${value}"`;
      pools[value] = new IpPool(this, value, {
        ...poolProps,
        name: `${prefix}${value.toLowerCase().replace(/[^a-z0-9.-]+/g, "-")}`,
        nodeSelector: `${label} == ${quoted}`,
        capacity: { nodes: nodes[value], blocksPerNode, podsPerNode },
        exclusiveGroup: label,
      });
    }
    this.pools = pools;
  }
}
