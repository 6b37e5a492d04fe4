/**
 * Host-local IPAM mode: every node owns one range per IP family, its `podCIDR`, handed out once by
 * kube-controller-manager's node IPAM controller and never changed; the CNI host-local plugin gives the
 * node's pods addresses from it. Calico's per-node, per-namespace and per-pod pool features do not
 * apply (reference §8, "Host-local IPAM").
 *
 * The plan predicts the podCIDR of every node the way kube-controller-manager's range allocator hands
 * them out (`pkg/controller/nodeipam/ipam/range_allocator.go`, `cidrset/cidr_set.go`):
 *
 * - each `--cluster-cidr` (one per family, at most two) is cut into node ranges of the family's node
 *   mask, numbered from the start of the cluster CIDR;
 * - at start-up it occupies the ranges that nodes already hold (`occupyCIDRs`) and the ranges that
 *   overlap `--service-cluster-ip-range` (`filterOutServiceRange`);
 * - a node without podCIDRs gets, per cluster CIDR in flag order, the next free range after the last one
 *   handed out, wrapping to the start (`CidrSet.AllocateNext`, `nextCandidate`);
 * - a deleted node releases its ranges (`ReleaseCIDR`); a node that has podCIDRs is never given others.
 *
 * Ordering assumption (documented because the plan cannot see the cluster): nodes that are not recorded
 * yet join in natural name order (`node-2` before `node-10`), after every recorded node, and the
 * allocator's cursor stands just after the highest recorded range, as it does on a controller that has
 * handed out ranges in order. For a fresh cluster that is sequential from the start of the cluster CIDR.
 * A recorded node keeps its range whatever its name; a node removed from the topology releases its
 * range, which a later node may get once the cursor wraps (or at once after a controller restart, which
 * resets the cursor to the start). The recorded ranges (from the ledger, written from the real
 * `Node.spec.podCIDRs`) always win over the prediction.
 *
 * Costs grow with the number of nodes, never with the number of addresses or node ranges.
 */
import { Cidr, IpFamily, IpParseError, LINK_LOCAL_V4, LINK_LOCAL_V6, findOverlaps } from "../ip";
import { ExpandedNode, NodeEntry, compareNaturally, expandNodes } from "../simulator/topology";
import { Finding, error, sortFindings, warning } from "../validation/finding";
import { HOST_LOCAL_MAX_PREFIX, hostLocalReservedAddresses, hostLocalUsableAddresses, nodeMaskForPods } from "./node-range";
import { SlotSet } from "./private/slot-set";

/** kube-controller-manager's default node mask sizes (`defaultNodeMaskCIDRIPv4`/`IPv6`, `cmd/kube-controller-manager/app/core.go`). */
export const DEFAULT_NODE_MASK_SIZE: { readonly 4: 24; readonly 6: 64 } = Object.freeze({ 4: 24, 6: 64 } as const);

/**
 * The most bits an IPv6 node mask may be longer than its cluster CIDR's prefix: `clusterSubnetMaxDiff`
 * in `cidrset/cidr_set.go` (the allocator's uncompressed bitmap). kube-controller-manager checks it for
 * IPv6 cluster CIDRs only; an IPv4 cluster CIDR may be cut into any number of node ranges.
 */
export const MAX_IPV6_NODE_MASK_DIFF = 16;

/** The input of {@link planHostLocal}: the kube-controller-manager settings and the declared nodes. */
export interface HostLocalInput {
  /**
   * The pod network, `--cluster-cidr` of kube-controller-manager: one CIDR, or one per family for
   * dual-stack (their order is the order of every node's podCIDRs and must never change).
   */
  readonly clusterCidrs: readonly string[];
  /**
   * Prefix length of each node's IPv4 range (`--node-cidr-mask-size-ipv4`, or `--node-cidr-mask-size`
   * when single-stack).
   * @default 24
   */
  readonly nodeMaskSizeV4?: number;
  /**
   * Prefix length of each node's IPv6 range (`--node-cidr-mask-size-ipv6`, or `--node-cidr-mask-size`
   * when single-stack). At most 16 bits longer than the IPv6 cluster CIDR's prefix.
   * @default 64
   */
  readonly nodeMaskSizeV6?: number;
  /** The nodes, as the simulator declares them (a node's `maxPods` defaults to 110). */
  readonly nodes: readonly NodeEntry[];
  /**
   * The Service CIDRs (`--service-cluster-ip-range`, at most one per family). kube-controller-manager
   * never hands out a node range that overlaps them.
   * @default - none
   */
  readonly serviceCidrs?: readonly string[];
  /**
   * The host networks the nodes' own addresses come from. No node range may overlap them.
   * @default - none
   */
  readonly nodeCidrs?: readonly string[];
  /**
   * podCIDRs handed out by an earlier run, by node name, in `clusterCidrs` order (from the ledger,
   * written from the nodes' `spec.podCIDRs`). A recorded node keeps its ranges.
   * @default - none: a fresh cluster
   */
  readonly recorded?: Readonly<Record<string, readonly string[]>>;
}

/** One node of a host-local plan, with the ranges it holds. */
export interface HostLocalNode {
  /** The Kubernetes node name. */
  readonly name: string;
  /** The node's ranges (`Node.spec.podCIDRs`), in `clusterCidrs` order, canonical text. */
  readonly podCidrs: readonly string[];
  /**
   * Pod addresses host-local can hand out from each range: the range minus its network address, its
   * gateway (first address) and, for IPv4, its broadcast address. IPv6 as a decimal string.
   */
  readonly usable: { readonly ipv4?: number; readonly ipv6?: string };
  /** The node's `maxPods` (kubelet). */
  readonly maxPods: number;
  /** `recorded`: the range came from {@link HostLocalInput.recorded}; `allocated`: predicted by this plan. */
  readonly source: "allocated" | "recorded";
}

/** How one family's cluster CIDR is used. Counts of node ranges, decimal strings where they can be huge. */
export interface HostLocalFamilyCapacity {
  /** Node ranges the cluster CIDR holds: 2^(node mask - cluster prefix). */
  readonly nodeCidrs: string;
  /** Node ranges held by the plan's nodes. */
  readonly used: number;
  /** Node ranges still free for new nodes (ranges skipped for the Service CIDR are not free). */
  readonly free: string;
}

/** The CNI `ipam` section for host-local: one range set per family in use, filled from the node's podCIDRs. */
export interface HostLocalCniIpam {
  /** The CNI IPAM plugin. */
  readonly type: "host-local";
  /** One range set per family; `usePodCidr`/`usePodCidrIPv6` make Calico's CNI plugin fill in the node's podCIDR. */
  readonly ranges: ReadonlyArray<ReadonlyArray<{ readonly subnet: "usePodCidr" | "usePodCidrIPv6" }>>;
}

/** The result of {@link planHostLocal}. */
export interface HostLocalPlan {
  /** The nodes that hold ranges, in natural name order. Nodes that could not get one are named in the findings. */
  readonly nodes: readonly HostLocalNode[];
  /** Per family: how many node ranges the cluster CIDR holds, how many are used, how many are free. */
  readonly capacity: { readonly ipv4?: HostLocalFamilyCapacity; readonly ipv6?: HostLocalFamilyCapacity };
  /** Node name → podCIDRs, to record in the ledger so that the next run keeps them. */
  readonly record: Record<string, string[]>;
  /**
   * The CNI `ipam` section, e.g. `{"type":"host-local","ranges":[[{"subnet":"usePodCidr"}],[{"subnet":"usePodCidrIPv6"}]]}`,
   * with the families in `clusterCidrs` order.
   * @see https://docs.tigera.io/calico/latest/reference/configure-cni-plugins#using-host-local-ipam
   */
  readonly cniIpam: HostLocalCniIpam;
  /**
   * kube-controller-manager flags, spelt as it parses them: `--allocate-node-cidrs=true`,
   * `--cluster-cidr=…`, `--node-cidr-mask-size=N` (single-stack) or `--node-cidr-mask-size-ipv4=N` and
   * `--node-cidr-mask-size-ipv6=N` (dual-stack; the plain flag is refused there), and
   * `--service-cluster-ip-range=…` when Service CIDRs are given (the allocator skips them).
   */
  readonly kubeControllerManagerFlags: readonly string[];
  /** Errors and warnings, in a deterministic order. */
  readonly findings: readonly Finding[];
}

/** The ranges a node holds, and what to record for it. */
interface Held {
  /** Its ranges: in cluster CIDR order when allocated, as recorded otherwise. */
  readonly cidrs: readonly Cidr[];
  readonly source: "allocated" | "recorded";
  /** The ledger entry: canonical CIDRs, and recorded text that did not parse kept as it was. */
  readonly record: readonly string[];
}

/** One family's cluster CIDR, cut into node ranges. */
interface FamilyState {
  readonly position: number;
  readonly family: IpFamily;
  readonly cluster: Cidr;
  readonly mask: number;
  readonly slots: SlotSet;
  /** `nextCandidate` of the allocator. */
  cursor: number;
  serviceSlots: number;
}

const FAMILY_KEY = { 4: "ipv4", 6: "ipv6" } as const;
const MASK_FIELD = { 4: "nodeMaskSizeV4", 6: "nodeMaskSizeV6" } as const;
const BITS = { 4: 32, 6: 128 } as const;
/** How many names a finding lists before "and N more". */
const NAMES_SHOWN = 5;

/**
 * Plans host-local IPAM: each node's podCIDRs as kube-controller-manager will hand them out (recorded
 * nodes keep theirs), the capacity of the cluster CIDRs, the ledger record, the CNI `ipam` section and the
 * kube-controller-manager flags, with findings for every rule the cluster would break (see the module
 * comment for the allocation order).
 */
export function planHostLocal(input: HostLocalInput): HostLocalPlan {
  const findings: Finding[] = [];
  const clusters = readClusterCidrs(input.clusterCidrs, findings);
  const services = readCidrList(input.serviceCidrs, "serviceCidrs", "Service CIDR", findings);
  const hostNetworks = readCidrList(input.nodeCidrs, "nodeCidrs", "node network", findings);
  checkServiceCidrs(services, findings);
  const { nodes: declared, findings: topologyFindings } = expandNodes(input.nodes);
  findings.push(...topologyFindings);

  const masks = readMasks(input, clusters, findings);
  const states: FamilyState[] = [];
  for (const c of clusters) {
    if (c.cidr === undefined) continue;
    const mask = masks[c.cidr.family];
    if (mask === undefined) continue;
    states.push({
      position: c.position,
      family: c.cidr.family,
      cluster: c.cidr,
      mask,
      slots: new SlotSet(2 ** (mask - c.cidr.prefix)),
      cursor: 0,
      serviceSlots: 0,
    });
  }
  // kube-controller-manager refuses to start on any of these errors, so it hands out no range at all.
  const allocatorRuns = clusters.length > 0 && clusters.every((c) => c.cidr !== undefined) && states.length === clusters.length && clusterListValid(clusters);
  const stateAt = new Map(states.map((s) => [s.position, s]));

  for (const s of states) occupyServiceRanges(s, services, findings);

  const byName = new Map(declared.map((n) => [n.name, n]));
  const held = new Map<string, Held>();
  readRecorded(input.recorded, clusters, states, byName, held, findings);
  for (const s of states) {
    // The cursor stands after the highest range handed out, as on a controller that allocated in order.
    let highest = -1;
    for (const h of held.values()) {
      for (const c of h.cidrs) {
        const span = c.family === s.family ? slotSpan(s, c) : undefined;
        if (span) highest = Math.max(highest, span[1]);
      }
    }
    s.cursor = (highest + 1) % s.slots.size;
  }

  const starved = new Map<number, string[]>();
  if (allocatorRuns) {
    for (const node of declared) {
      if (held.has(node.name)) continue;
      const got: Array<{ s: FamilyState; index: number }> = [];
      let exhausted: FamilyState | undefined;
      for (const s of states) {
        const index = s.slots.nextFree(s.cursor);
        if (index === undefined) {
          exhausted = s;
          break;
        }
        s.slots.occupy(index, index);
        s.cursor = (index + 1) % s.slots.size;
        got.push({ s, index });
      }
      if (exhausted) {
        for (const g of got) g.s.slots.release(g.index);
        const list = starved.get(exhausted.position) ?? [];
        list.push(node.name);
        starved.set(exhausted.position, list);
        continue;
      }
      const cidrs = got.map((g) => rangeAt(g.s, g.index));
      held.set(node.name, { cidrs, source: "allocated", record: cidrs.map(String) });
    }
  }
  for (const [position, names] of starved) findings.push(exhaustionFinding(stateAt.get(position)!, names, declared));

  const planNodes: HostLocalNode[] = [];
  const record: Record<string, string[]> = {};
  for (const node of declared) {
    const h = held.get(node.name);
    if (!h) continue;
    // A recorded entry that could not be read is still recorded as written: a handed-out range is never dropped.
    record[node.name] = [...h.record];
    if (h.cidrs.length === 0) continue;
    const usable: { ipv4?: number; ipv6?: string } = {};
    for (const c of h.cidrs) {
      const u = hostLocalUsableAddresses(c);
      if (c.family === 4) usable.ipv4 = Number(u);
      else usable.ipv6 = u.toString();
    }
    planNodes.push({ name: node.name, podCidrs: h.cidrs.map(String), usable, maxPods: node.maxPods, source: h.source });
  }

  checkMaxPods(planNodes, findings);
  checkOverlaps(planNodes, clusters, services, hostNetworks, findings);

  const capacity: { ipv4?: HostLocalFamilyCapacity; ipv6?: HostLocalFamilyCapacity } = {};
  for (const s of states) {
    const used = planNodes.filter((n) => n.podCidrs.some((p) => Cidr.parse(p).family === s.family)).length;
    capacity[FAMILY_KEY[s.family]] = { nodeCidrs: String(s.slots.size), used, free: String(s.slots.free) };
  }

  const parsedClusters = clusters.map((c) => c.cidr).filter((c): c is Cidr => c !== undefined);
  return {
    nodes: planNodes,
    capacity,
    record,
    cniIpam: {
      type: "host-local",
      ranges: parsedClusters.map((c) => [{ subnet: c.family === 4 ? "usePodCidr" : "usePodCidrIPv6" }] as const),
    },
    kubeControllerManagerFlags: flags(parsedClusters, input, services),
    findings: sortFindings(findings),
  };
}

interface ClusterEntry {
  readonly position: number;
  readonly text: unknown;
  readonly cidr?: Cidr;
}

function readClusterCidrs(value: readonly string[] | undefined, findings: Finding[]): ClusterEntry[] {
  if (!Array.isArray(value) || value.length === 0) {
    findings.push(
      error(
        "HOSTLOCAL_CLUSTER_CIDR_MISSING",
        "clusterCidrs",
        "host-local IPAM needs the pod network, kube-controller-manager's --cluster-cidr (\"Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set\"): give one CIDR, or one IPv4 and one IPv6 CIDR for dual-stack, e.g. [\"10.244.0.0/16\"]",
      ),
    );
    return [];
  }
  const entries = value.map((text, position): ClusterEntry => {
    const path = `clusterCidrs[${position}]`;
    const cidr = parseCidr(text, path, "cluster CIDR", findings);
    if (cidr) {
      const linkLocal = cidr.family === 4 ? LINK_LOCAL_V4 : LINK_LOCAL_V6;
      if (cidr.overlaps(linkLocal)) {
        findings.push(
          error(
            "HOSTLOCAL_CLUSTER_CIDR_LINK_LOCAL",
            path,
            `cluster CIDR ${cidr} overlaps the IPv${cidr.family} link-local range ${linkLocal}: Calico rejects the IP pool it needs for this range ("IP pool range overlaps with IPv${cidr.family} Link Local range"), and pods there collide with link-local addresses; use private space such as 10.244.0.0/16 or fd00:10:244::/56`,
          ),
        );
      }
    }
    return { position, text, cidr };
  });
  if (entries.length > 2) {
    findings.push(
      error(
        "HOSTLOCAL_TOO_MANY_CLUSTER_CIDRS",
        "clusterCidrs",
        `kube-controller-manager takes at most two cluster CIDRs, one per family ("length of clusterCIDRs is:${entries.length} more than max allowed of 2"), got ${entries.length}: give one IPv4 and one IPv6 CIDR`,
      ),
    );
  } else if (entries.length === 2 && entries[0].cidr && entries[1].cidr && entries[0].cidr.family === entries[1].cidr.family) {
    findings.push(
      error(
        "HOSTLOCAL_CLUSTER_CIDRS_NOT_DUAL_STACK",
        "clusterCidrs",
        `two cluster CIDRs must be one IPv4 and one IPv6 ("len of ClusterCIDRs==2 and they are not configured as dual stack"), got ${entries[0].cidr} and ${entries[1].cidr}, both IPv${entries[0].cidr.family}: host-local gives each node one range per family, so one pod network per family; use one larger CIDR`,
      ),
    );
  }
  return entries;
}

function clusterListValid(clusters: readonly ClusterEntry[]): boolean {
  if (clusters.length > 2) return false;
  return !(clusters.length === 2 && clusters[0].cidr?.family === clusters[1].cidr?.family);
}

function parseCidr(text: unknown, path: string, what: string, findings: Finding[]): Cidr | undefined {
  if (typeof text !== "string") {
    findings.push(error("HOSTLOCAL_CIDR_INVALID", path, `a ${what} must be a CIDR string such as "10.244.0.0/16", got ${typeof text}`));
    return undefined;
  }
  try {
    return Cidr.parse(text);
  } catch (e) {
    if (!(e instanceof IpParseError)) throw e;
    const code = e.code === "CIDR_HOST_BITS" ? "HOSTLOCAL_CIDR_NOT_MASKED" : "HOSTLOCAL_CIDR_INVALID";
    const fix = e.suggestion ? `; write "${e.suggestion}"` : "";
    findings.push(error(code, path, `${what} "${text}" is not usable: ${e.message}${fix}`));
    return undefined;
  }
}

function readCidrList(value: readonly string[] | undefined, field: string, what: string, findings: Finding[]): Array<{ cidr: Cidr; path: string }> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    findings.push(error("HOSTLOCAL_CIDR_INVALID", field, `${field} must be a list of CIDRs`));
    return [];
  }
  const out: Array<{ cidr: Cidr; path: string }> = [];
  value.forEach((text, i) => {
    const path = `${field}[${i}]`;
    const cidr = parseCidr(text, path, what, findings);
    if (cidr) out.push({ cidr, path });
  });
  return out;
}

function checkServiceCidrs(services: ReadonlyArray<{ cidr: Cidr; path: string }>, findings: Finding[]): void {
  if (services.length > 2) {
    findings.push(error("HOSTLOCAL_SERVICE_CIDRS_INVALID", "serviceCidrs", `--service-cluster-ip-range can not contain more than two entries, got ${services.length}: give one Service CIDR per family`));
  } else if (services.length === 2 && services[0].cidr.family === services[1].cidr.family) {
    findings.push(
      error(
        "HOSTLOCAL_SERVICE_CIDRS_INVALID",
        "serviceCidrs",
        `two Service CIDRs must be one IPv4 and one IPv6 ("serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles)"), got ${services[0].cidr} and ${services[1].cidr}`,
      ),
    );
  }
}

function readMasks(input: HostLocalInput, clusters: readonly ClusterEntry[], findings: Finding[]): { 4?: number; 6?: number } {
  const out: { 4?: number; 6?: number } = {};
  for (const family of [4, 6] as const) {
    const field = MASK_FIELD[family];
    const given = family === 4 ? input.nodeMaskSizeV4 : input.nodeMaskSizeV6;
    const cluster = clusters.find((c) => c.cidr?.family === family)?.cidr;
    if (!cluster) {
      if (given !== undefined && clusters.some((c) => c.cidr)) {
        findings.push(warning("HOSTLOCAL_NODE_MASK_UNUSED", field, `${field} is ${String(given)}, but no cluster CIDR is IPv${family}: it is ignored (kube-controller-manager refuses --node-cidr-mask-size-ipv${family} on a single-stack IPv${family === 4 ? 6 : 4} cluster, so it is not emitted)`));
      }
      continue;
    }
    const mask = given ?? DEFAULT_NODE_MASK_SIZE[family];
    const bits = BITS[family];
    const position = clusters.find((c) => c.cidr === cluster)!.position;
    if (!Number.isInteger(mask) || mask < 1 || mask > bits) {
      findings.push(error("HOSTLOCAL_NODE_MASK_INVALID", field, `${field} must be a prefix length from ${cluster.prefix} to ${HOST_LOCAL_MAX_PREFIX[family]}, got ${String(mask)}`));
      continue;
    }
    if (mask < cluster.prefix) {
      findings.push(
        error(
          "HOSTLOCAL_NODE_MASK_SHORTER_THAN_CLUSTER",
          field,
          `node ranges of /${mask} cannot be cut from cluster CIDR ${cluster} (clusterCidrs[${position}]): kube-controller-manager exits with "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family". Set ${field} to ${cluster.prefix} or more, or use a cluster CIDR of /${mask} or shorter`,
        ),
      );
      continue;
    }
    if (family === 6 && mask - cluster.prefix > MAX_IPV6_NODE_MASK_DIFF) {
      findings.push(
        error(
          "HOSTLOCAL_NODE_MASK_TOO_FAR",
          field,
          `node ranges of /${mask} are ${mask - cluster.prefix} bits longer than IPv6 cluster CIDR ${cluster} (clusterCidrs[${position}]); kube-controller-manager allows at most ${MAX_IPV6_NODE_MASK_DIFF} for IPv6 ("New CIDR set failed; the node CIDR size is too big", clusterSubnetMaxDiff). Use a cluster CIDR of /${mask - MAX_IPV6_NODE_MASK_DIFF} or shorter, or set ${field} to ${cluster.prefix + MAX_IPV6_NODE_MASK_DIFF} or less`,
        ),
      );
      continue;
    }
    if (mask > HOST_LOCAL_MAX_PREFIX[family]) {
      findings.push(
        error(
          "HOSTLOCAL_NODE_MASK_TOO_LONG",
          field,
          `host-local cannot hand out addresses from a /${mask} node range ("Network … too small to allocate from": it needs at least 2 host bits, and keeps the network address and the gateway${family === 4 ? " and the broadcast address" : ""}). Set ${field} to ${HOST_LOCAL_MAX_PREFIX[family]} or less`,
        ),
      );
      continue;
    }
    out[family] = mask;
  }
  return out;
}

/** The node-range indices a CIDR covers in a family's cluster CIDR (`getBeginningAndEndIndices`); undefined if disjoint. */
function slotSpan(s: FamilyState, c: Cidr): [number, number] | undefined {
  if (!s.cluster.overlaps(c)) return undefined;
  if (c.prefix <= s.cluster.prefix) return [0, s.slots.size - 1];
  const shift = BigInt(BITS[s.family] - s.mask);
  return [Number((c.first - s.cluster.first) >> shift), Number((c.last - s.cluster.first) >> shift)];
}

function rangeAt(s: FamilyState, index: number): Cidr {
  return Cidr.of(s.family, s.cluster.first + (BigInt(index) << BigInt(BITS[s.family] - s.mask)), s.mask);
}

function occupyServiceRanges(s: FamilyState, services: ReadonlyArray<{ cidr: Cidr; path: string }>, findings: Finding[]): void {
  for (const svc of services) {
    const span = slotSpan(s, svc.cidr);
    if (!span) continue;
    const before = s.slots.count;
    s.slots.occupy(span[0], span[1]);
    const lost = s.slots.count - before;
    s.serviceSlots += lost;
    const first = rangeAt(s, span[0]);
    findings.push(
      warning(
        "HOSTLOCAL_SERVICE_IN_CLUSTER_CIDR",
        svc.path,
        `Service CIDR ${svc.cidr} overlaps cluster CIDR ${s.cluster}: kube-controller-manager never hands out the ${lost} node range${lost === 1 ? "" : "s"} of /${s.mask} it touches (from ${first}; filterOutServiceRange), so the cluster holds ${s.slots.size - s.serviceSlots} nodes instead of ${s.slots.size}, and Calico's IP pool for ${s.cluster} contains Service addresses. Keep the Service CIDR outside the cluster CIDR`,
      ),
    );
  }
}

function readRecorded(
  recorded: HostLocalInput["recorded"],
  clusters: readonly ClusterEntry[],
  states: readonly FamilyState[],
  byName: ReadonlyMap<string, ExpandedNode>,
  held: Map<string, Held>,
  findings: Finding[],
): void {
  if (recorded === undefined) return;
  if (recorded === null || typeof recorded !== "object" || Array.isArray(recorded)) {
    findings.push(error("HOSTLOCAL_RECORDED_INVALID", "recorded", "recorded must map node names to their podCIDRs, e.g. {\"node-1\": [\"10.244.0.0/24\"]}"));
    return;
  }
  const perFamily = new Map<IpFamily, Array<{ name: string; cidr: Cidr }>>();
  for (const name of Object.keys(recorded).sort(compareNaturally)) {
    const value: unknown = recorded[name];
    const path = `recorded.${name}`;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      findings.push(error("HOSTLOCAL_RECORDED_INVALID", path, `the recorded podCIDRs of node "${name}" must be a list of CIDR strings, in cluster CIDR order`));
      continue;
    }
    if (value.length === 0) continue;
    if (!byName.has(name)) {
      findings.push(
        warning(
          "HOSTLOCAL_NODE_RELEASED",
          path,
          `node "${name}" is no longer declared, so its podCIDRs ${value.join(", ")} are released, as kube-controller-manager releases a node's ranges when its Node object is deleted (ReleaseCIDR); a later node may get them. Delete the Node object and make sure no pod still runs there before the range is handed out again`,
        ),
      );
      continue;
    }
    const cidrs: Cidr[] = [];
    const record: string[] = [];
    const atPosition: Array<Cidr | undefined> = [];
    let readable = true;
    (value as string[]).forEach((text, i) => {
      const entryPath = `${path}[${i}]`;
      const cidr = parseCidr(text, entryPath, `recorded podCIDR of node "${name}"`, findings);
      record.push(cidr ? cidr.toString() : text);
      if (!cidr) {
        readable = false;
        return;
      }
      cidrs.push(cidr);
      (perFamily.get(cidr.family) ?? perFamily.set(cidr.family, []).get(cidr.family)!).push({ name, cidr });
      // The range stays occupied whatever is wrong with it, so that no other node is planned into it.
      const s = states.find((st) => st.family === cidr.family);
      const span = s && slotSpan(s, cidr);
      if (s && span) s.slots.occupy(span[0], span[1]);
      if (i >= clusters.length) {
        readable = false;
        findings.push(
          error(
            "HOSTLOCAL_RECORDED_EXTRA_CIDR",
            entryPath,
            `node "${name}" holds podCIDR ${cidr} at index ${i}, but there are only ${clusters.length} cluster CIDR(s): kube-controller-manager refuses to start ("node:${name} has an allocated cidr: ${cidr} at index:${i} that does not exist in cluster cidrs configuration"). Going back from dual-stack to single-stack needs the node deleted and re-registered`,
          ),
        );
        return;
      }
      const cluster = clusters[i].cidr;
      if (!cluster) return;
      if (cluster.family !== cidr.family) {
        readable = false;
        findings.push(
          error(
            "HOSTLOCAL_RECORDED_FAMILY_ORDER",
            entryPath,
            `node "${name}" holds IPv${cidr.family} podCIDR ${cidr} at index ${i}, but clusterCidrs[${i}] is IPv${cluster.family} (${cluster}): kube-controller-manager pairs a node's podCIDRs with the cluster CIDRs by position (occupyCIDRs), so keep clusterCidrs in the order they had when the ranges were handed out`,
          ),
        );
        return;
      }
      atPosition[i] = cidr;
      if (!cluster.contains(cidr)) {
        findings.push(
          error(
            "HOSTLOCAL_RECORDED_OUTSIDE_CLUSTER_CIDR",
            entryPath,
            `node "${name}" holds podCIDR ${cidr}, outside cluster CIDR ${cluster}: kube-controller-manager refuses to start ("cidr ${cidr} is out the range of cluster cidr ${cluster}") because a node's podCIDR never changes. Keep the cluster CIDR that contains it, or drain and delete the node so that it registers again and gets a new range`,
          ),
        );
        return;
      }
      if (s && cidr.prefix !== s.mask) {
        findings.push(
          warning(
            "HOSTLOCAL_RECORDED_MASK_CHANGED",
            entryPath,
            `node "${name}" keeps its /${cidr.prefix} range ${cidr} (a node's podCIDR never changes), while new nodes get /${s.mask} ranges: ${MASK_FIELD[s.family]} only applies to nodes that register from now on`,
          ),
        );
      }
    });
    if (readable && atPosition.filter((c) => c !== undefined).length < clusters.length) {
      const missing = clusters.filter((c, i) => c.cidr && !atPosition[i]).map((c) => `IPv${c.cidr!.family} (${c.cidr})`);
      if (missing.length > 0) {
        findings.push(
          error(
            "HOSTLOCAL_NODE_MISSING_FAMILY",
            path,
            `node "${name}" holds no ${missing.join(" or ")} podCIDR: kube-controller-manager only hands out ranges to nodes that have none (AllocateOrOccupyCIDR), so this node never gets one and host-local cannot give its pods ${missing.length === 1 ? "that family" : "those families"}. Drain and delete the node so that it registers again with a range of every family`,
          ),
        );
      }
    }
    held.set(name, { cidrs, source: "recorded", record });
  }
  for (const entries of perFamily.values()) {
    for (const [a, b] of findOverlaps(entries.map((e) => e.cidr))) {
      const x = entries[a];
      const y = entries[b];
      if (x.name === y.name) continue;
      findings.push(
        error(
          "HOSTLOCAL_RECORDED_OVERLAP",
          `recorded.${y.name}`,
          `nodes "${x.name}" (${x.cidr}) and "${y.name}" (${y.cidr}) are recorded with overlapping podCIDRs: their pods would get the same addresses. The ledger no longer matches the cluster; rewrite it from the nodes' spec.podCIDRs`,
        ),
      );
    }
  }
}

function exhaustionFinding(s: FamilyState, names: readonly string[], declared: readonly ExpandedNode[]): Finding {
  const needed = s.slots.count + names.length;
  const neededBits = bitsFor(needed);
  const maxPods = Math.max(0, ...declared.map((n) => n.maxPods));
  const field = MASK_FIELD[s.family];
  const ways: string[] = [];
  const largerPrefix = s.mask - neededBits;
  const fitsDiff = s.family === 4 || neededBits <= MAX_IPV6_NODE_MASK_DIFF;
  if (largerPrefix >= 0 && fitsDiff) ways.push(`a /${largerPrefix} cluster CIDR (${2 ** neededBits} node ranges of /${s.mask})`);
  const longerMask = s.cluster.prefix + neededBits;
  const fitsPods = longerMask <= nodeMaskForPods(s.family, maxPods);
  if (longerMask > s.mask && fitsPods && fitsDiff) {
    const usable = hostLocalUsableAddresses(Cidr.of(s.family, s.cluster.first, longerMask));
    ways.push(`${field} ${longerMask} (${2 ** neededBits} ranges of ${usable} addresses, enough for maxPods ${maxPods}; it only applies to nodes that register from now on)`);
  }
  const taken = `${s.slots.count - s.serviceSlots} held by nodes` + (s.serviceSlots > 0 ? `, ${s.serviceSlots} skipped for the Service CIDR` : "");
  return error(
    "HOSTLOCAL_CLUSTER_CIDR_EXHAUSTED",
    `clusterCidrs[${s.position}]`,
    `cluster CIDR ${s.cluster} holds ${s.slots.size} node range${s.slots.size === 1 ? "" : "s"} of /${s.mask} (${taken}), so ${names.length} declared node${names.length === 1 ? "" : "s"} get${names.length === 1 ? "s" : ""} none: ${listNames(names)}. ` +
      `kube-controller-manager reports "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range" (event CIDRNotAvailable) and ${names.length === 1 ? "its" : "their"} pods cannot start` +
      (ways.length > 0 ? `. Use ${ways.join(", or ")}` : ""),
  );
}

function checkMaxPods(planNodes: readonly HostLocalNode[], findings: Finding[]): void {
  // One finding per (range size, maxPods): a group of 500 alike nodes gives one error, not 500.
  const groups = new Map<string, { range: Cidr; maxPods: number; names: string[] }>();
  for (const node of planNodes) {
    for (const text of node.podCidrs) {
      const range = Cidr.parse(text);
      const maxPods = node.maxPods;
      if (hostLocalUsableAddresses(range) >= BigInt(maxPods)) continue;
      const key = `${range.family}/${range.prefix}/${maxPods}`;
      const g = groups.get(key) ?? groups.set(key, { range, maxPods, names: [] }).get(key)!;
      g.names.push(node.name);
    }
  }
  for (const g of groups.values()) {
    const { range, maxPods, names } = g;
    const usable = hostLocalUsableAddresses(range);
    const r = hostLocalReservedAddresses(range);
    const reserved = range.family === 4
      ? `${range.size} minus the network address ${r.network}, the gateway ${r.gateway} that host-local never hands out, and the broadcast address ${r.broadcast}`
      : `${range.size} minus the network address ${r.network} and the gateway ${r.gateway} that host-local never hands out`;
    const fit = nodeMaskForPods(range.family, maxPods);
    const fitRange = Cidr.of(range.family, 0n, fit);
    const ways = [`set ${MASK_FIELD[range.family]} to ${fit} (${hostLocalUsableAddresses(fitRange)} addresses)`, `lower maxPods to ${usable}`];
    findings.push(
      error(
        "HOSTLOCAL_NODE_RANGE_TOO_SMALL",
        `nodes.${names[0]}`,
        `a /${range.prefix} node range holds ${usable} pod addresses (${reserved}), fewer than maxPods ${maxPods} of ${names.length === 1 ? "node" : `${names.length} nodes:`} ${listNames(names)}: ` +
          `the kubelet admits pods that host-local cannot address ("no IP addresses available in range set"). ${capitalize(ways.join(", or "))}`,
      ),
    );
  }
}

function checkOverlaps(
  planNodes: readonly HostLocalNode[],
  clusters: readonly ClusterEntry[],
  services: ReadonlyArray<{ cidr: Cidr; path: string }>,
  hostNetworks: ReadonlyArray<{ cidr: Cidr; path: string }>,
  findings: Finding[],
): void {
  const ranges = planNodes.flatMap((n) => n.podCidrs.map((p) => ({ name: n.name, cidr: Cidr.parse(p) })));
  const hits = (net: Cidr) => ranges.filter((r) => r.cidr.overlaps(net)).map((r) => `${r.name} ${r.cidr}`);
  for (const svc of services) {
    // Allocated ranges skip the Service CIDR; only recorded ones can overlap it.
    const overlapping = hits(svc.cidr);
    if (overlapping.length === 0) continue;
    findings.push(
      error(
        "HOSTLOCAL_RANGE_OVERLAPS_SERVICE_CIDR",
        svc.path,
        `node ranges overlap Service CIDR ${svc.cidr}: ${listNames(overlapping)}. Pods there get addresses that kube-proxy treats as Service IPs. A node's podCIDR never changes: drain and delete those nodes so that they register again and get ranges outside ${svc.cidr}`,
      ),
    );
  }
  for (const host of hostNetworks) {
    for (const c of clusters) {
      if (!c.cidr || !c.cidr.overlaps(host.cidr)) continue;
      const overlapping = hits(host.cidr);
      findings.push(
        error(
          "HOSTLOCAL_RANGE_OVERLAPS_NODE_NETWORK",
          host.path,
          `node network ${host.cidr} overlaps cluster CIDR ${c.cidr} (clusterCidrs[${c.position}]): ` +
            (overlapping.length > 0
              ? `node ranges ${listNames(overlapping)} share addresses with the hosts`
              : "no node holds a range there yet, but kube-controller-manager does not know host networks and will hand one out to a later node") +
            `, so pod and host addresses collide. Use a cluster CIDR outside ${host.cidr}`,
        ),
      );
    }
  }
}

function flags(clusters: readonly Cidr[], input: HostLocalInput, services: ReadonlyArray<{ cidr: Cidr }>): string[] {
  if (clusters.length === 0) return [];
  const out = ["--allocate-node-cidrs=true", `--cluster-cidr=${clusters.map(String).join(",")}`];
  const mask = (family: IpFamily): number => (family === 4 ? input.nodeMaskSizeV4 : input.nodeMaskSizeV6) ?? DEFAULT_NODE_MASK_SIZE[family];
  if (clusters.length === 1) {
    out.push(`--node-cidr-mask-size=${mask(clusters[0].family)}`);
  } else {
    out.push(`--node-cidr-mask-size-ipv4=${mask(4)}`, `--node-cidr-mask-size-ipv6=${mask(6)}`);
  }
  if (services.length > 0) out.push(`--service-cluster-ip-range=${services.map((s) => s.cidr.toString()).join(",")}`);
  return out;
}

/** The fewest bits b with 2^b >= n. */
function bitsFor(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

function listNames(names: readonly string[]): string {
  if (names.length <= NAMES_SHOWN) return names.join(", ");
  return `${names.slice(0, NAMES_SHOWN).join(", ")} and ${names.length - NAMES_SHOWN} more`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
