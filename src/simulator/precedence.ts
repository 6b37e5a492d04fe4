/**
 * Which pools Calico tries for one pod and one address family, and why: the precedence rule of the
 * Calico CNI plugin and IPAM (reference §0 fact 7, §5.1, §5.3, §5.10), in one place. The simulator,
 * reports and the constructs all ask this module; none re-implements the rule.
 *
 * ```
 *   ipAddrs (fixed address)                       pod annotation cni.projectcalico.org/ipAddrs
 *     > pod annotation ipv4pools / ipv6pools      names or CIDRs, selectors ignored
 *     > namespace annotation ipv4pools / ipv6pools
 *     > CNI config ipv4_pools / ipv6_pools
 *     > pool selectors                            nodeSelector AND namespaceSelector, Automatic pools, name order
 * ```
 */
import { Cidr, IpFamily, formatAddress, parseAddress } from "../ip";
import type { AllowedUse } from "../model/calico";
import { Labels, Selector, tryParseSelector } from "../selector";
import type { EffectiveIpPool } from "../validation/ip-pool";
import { CniConfig, NamespaceDeclaration, NodeOs, PodAnnotations, namespaceLabels } from "./topology";

/** Where the candidate pools of a request come from, highest precedence first. */
export type PoolSource = "ipAddrs" | "podAnnotation" | "namespaceAnnotation" | "cniConfig" | "selectors";

/** Every {@link PoolSource}, highest precedence first. */
export const POOL_SOURCES: readonly PoolSource[] = ["ipAddrs", "podAnnotation", "namespaceAnnotation", "cniConfig", "selectors"];

/** What an address is requested for (`IntendedUse`); pools must list it in `allowedUses`. */
export type IntendedUse = Extract<AllowedUse, "Workload" | "Tunnel">;

/** One address request: a pod (or a node's tunnel) on a node, for one family. */
export interface PoolRequest {
  readonly family: IpFamily;
  /** The node name, used in Calico's messages. */
  readonly host: string;
  /** The node's labels (with the kubelet's, see {@link nodeLabels}). */
  readonly nodeLabels: Labels;
  /** Windows hosts skip IPv4 pools whose blockSize is above 29 (reference §5.3). @default "linux" */
  readonly nodeOs?: NodeOs;
  /** The pod's namespace. @default - no namespace: namespace selectors see no labels (tunnel addresses) */
  readonly namespace?: NamespaceDeclaration;
  /** The pod's Calico annotations. */
  readonly podAnnotations?: PodAnnotations;
  /** The CNI plugin's `ipam` configuration. */
  readonly cni?: CniConfig;
  /** @default "Workload" */
  readonly use?: IntendedUse;
}

/** The pools Calico tries for a request, in the order it tries them. */
export interface PoolCandidates {
  readonly source: PoolSource;
  readonly family: IpFamily;
  /**
   * In the order Calico tries them. For `ipAddrs`: the one enabled pool holding the address, or empty
   * when the pod's `ipAddrs` lists no address of this family (Calico then assigns none of this family).
   */
  readonly pools: readonly EffectiveIpPool[];
  /** `ipAddrs` only: the fixed address of this family, in canonical text. */
  readonly address?: string;
  /** The pool names or CIDRs as written in the annotation or CNI configuration. */
  readonly requested?: readonly string[];
  /** A sentence saying why these pools, for reports. */
  readonly reason: string;
}

/** Stable reasons a request fails before any block is looked at. */
export type PoolChoiceErrorCode =
  | "ADDRESS_INVALID"
  | "ADDRESS_FAMILY_REPEATED"
  | "ADDRESS_NOT_IN_POOL"
  | "POOL_UNKNOWN"
  | "POOL_FAMILY_MISMATCH"
  | "POOL_NOT_ENABLED"
  | "NO_QUALIFIED_POOL"
  | "SELECTOR_INVALID"
  | "NO_POOLS_FOR_NODE"
  | "NO_POOLS_FOR_USE";

/** The request fails as a whole, with the message Calico gives. */
export interface PoolChoiceError {
  readonly source: PoolSource;
  readonly family: IpFamily;
  readonly code: PoolChoiceErrorCode;
  /** Calico's message (the CNI plugin's or libcalico-go's), e.g. `no configured Calico pools for node n1`. */
  readonly error: string;
  readonly requested?: readonly string[];
}

/** The outcome of {@link choosePools}; tell the cases apart with {@link isPoolChoiceError}. */
export type PoolChoice = PoolCandidates | PoolChoiceError;

/** True when the request fails before allocation. */
export function isPoolChoiceError(choice: PoolChoice): choice is PoolChoiceError {
  return (choice as PoolChoiceError).error !== undefined;
}

/** Calico's message when no pool selects a node and namespace (libcalico-go `prepareAffinityBlocksForHost`). */
export function noPoolsForNodeMessage(host: string): string {
  return `no configured Calico pools for node ${host}`;
}

/** Calico's `ErrNoQualifiedPool`. */
export const NO_QUALIFIED_POOL_MESSAGE = "cannot find a qualified ippool";

/** Windows hosts reserve 3 + 1 ordinals per block, so blocks must have at least 8 addresses: /29 at most. */
export const WINDOWS_MAX_BLOCK_SIZE_V4 = 29;

/** A pool of a {@link PoolCatalog} with its parsed selectors. */
export interface PoolCatalogEntry {
  readonly pool: EffectiveIpPool;
  /** Position in name order. */
  readonly index: number;
  /** Whether IPAM may allocate from it: enabled, and (for the simulator) not shadowed by an overlapping pool. */
  readonly allocatable: boolean;
  readonly nodeSelector: Selector | string;
  /** undefined: no namespaceSelector (selects every namespace). A string is a parse error. */
  readonly namespaceSelector: Selector | string | undefined;
}

/**
 * The pools of a cluster, prepared once for many requests: sorted by name (Calico's order), selectors
 * parsed, lookups by name and by CIDR. Pools with a name seen before are dropped (the first wins).
 */
export class PoolCatalog {
  /** Every pool (enabled or not), in name order. */
  readonly pools: readonly EffectiveIpPool[];
  private readonly entries: readonly PoolCatalogEntry[];
  private readonly byName = new Map<string, PoolCatalogEntry>();
  private readonly byCidr = new Map<string, PoolCatalogEntry>();
  private readonly enabled: { readonly 4: readonly PoolCatalogEntry[]; readonly 6: readonly PoolCatalogEntry[] };

  private constructor(pools: readonly EffectiveIpPool[], unallocatable: ReadonlySet<string>) {
    const unique: EffectiveIpPool[] = [];
    const names = new Set<string>();
    for (const p of pools) {
      if (names.has(p.name)) continue;
      names.add(p.name);
      unique.push(p);
    }
    unique.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.pools = unique;
    this.entries = unique.map((pool, index) => {
      const node = tryParseSelector(pool.nodeSelector);
      const ns = pool.namespaceSelector.trim() === "" ? undefined : tryParseSelector(pool.namespaceSelector);
      return {
        pool,
        index,
        allocatable: !pool.disabled && !unallocatable.has(pool.name),
        nodeSelector: node.ok ? node.selector : `${node.error.reason} at position ${node.error.position}`,
        namespaceSelector: ns === undefined ? undefined : ns.ok ? ns.selector : `${ns.error.reason} at position ${ns.error.position}`,
      };
    });
    for (const e of this.entries) {
      this.byName.set(e.pool.name, e);
      if (e.allocatable && !this.byCidr.has(e.pool.cidr.toString())) this.byCidr.set(e.pool.cidr.toString(), e);
    }
    this.enabled = {
      4: this.entries.filter((e) => e.allocatable && e.pool.family === 4),
      6: this.entries.filter((e) => e.allocatable && e.pool.family === 6),
    };
  }

  /**
   * Prepares the pools.
   * @param unallocatable names of pools to treat like disabled ones (e.g. shadowed by an overlapping pool)
   */
  static of(pools: readonly EffectiveIpPool[], unallocatable: ReadonlySet<string> = new Set()): PoolCatalog {
    return new PoolCatalog(pools, unallocatable);
  }

  /** The pool of that name, enabled or not. */
  pool(name: string): EffectiveIpPool | undefined {
    return this.byName.get(name)?.pool;
  }

  /** Position of the pool in name order, or -1. */
  indexOf(name: string): number {
    return this.byName.get(name)?.index ?? -1;
  }

  /** True when IPAM may allocate from the pool (enabled and not shadowed). */
  isAllocatable(name: string): boolean {
    return this.byName.get(name)?.allocatable ?? false;
  }

  /** The enabled pool holding the address, if any (what `AssignIP` looks for). */
  allocatablePoolFor(family: IpFamily, address: bigint): EffectiveIpPool | undefined {
    return this.enabled[family].find((e) => e.pool.cidr.containsAddress(address))?.pool;
  }

  /**
   * Whether the pool's nodeSelector matches the labels; a string is the selector's syntax error.
   * An empty selector matches every node.
   */
  selectsNode(name: string, labels: Labels): boolean | string {
    const e = this.byName.get(name);
    if (!e) return false;
    return typeof e.nodeSelector === "string" ? e.nodeSelector : e.nodeSelector.matches(labels);
  }

  /** Whether the pool's namespaceSelector matches; a pool without one serves every namespace. */
  selectsNamespace(name: string, labels: Labels): boolean | string {
    const e = this.byName.get(name);
    if (!e) return false;
    if (e.namespaceSelector === undefined) return true;
    return typeof e.namespaceSelector === "string" ? e.namespaceSelector : e.namespaceSelector.matches(labels);
  }

  /** The allocatable pools of a family, in name order, with their parsed selectors. */
  enabledEntries(family: IpFamily): readonly PoolCatalogEntry[] {
    return this.enabled[family];
  }

  /** The allocatable pool with exactly this CIDR (canonical text), if any. */
  enabledByCidr(cidr: string): PoolCatalogEntry | undefined {
    return this.byCidr.get(cidr);
  }

}

const FAMILY_NAME = { 4: "IPv4", 6: "IPv6" } as const;
const ANNOTATION = { 4: "cni.projectcalico.org/ipv4pools", 6: "cni.projectcalico.org/ipv6pools" } as const;
const CNI_FIELD = { 4: "ipv4_pools", 6: "ipv6_pools" } as const;

/**
 * The pools Calico tries for one request, in order, or the error that fails the whole request.
 *
 * Named pools (annotations, CNI config; names or CIDRs) ignore selectors and `assignmentMode` but must
 * exist, be enabled, be of the family and allow the use. Selected pools are the enabled `Automatic`
 * pools whose nodeSelector matches the node AND whose namespaceSelector matches the namespace, in
 * name order, then filtered by allowed use. `ipAddrs` beats everything and only needs an enabled pool
 * that holds the address.
 *
 * @param pools the cluster's pools (a {@link PoolCatalog} when asking many times)
 */
export function choosePools(pools: readonly EffectiveIpPool[] | PoolCatalog, request: PoolRequest): PoolChoice {
  const catalog = pools instanceof PoolCatalog ? pools : PoolCatalog.of(pools);
  const { family } = request;
  const ipAddrs = request.podAnnotations?.ipAddrs;
  if (ipAddrs !== undefined && ipAddrs.length > 0) return chooseFixed(catalog, family, ipAddrs);

  const named = requestedList(request);
  if (named) {
    const resolved = resolvePools(catalog, named.list, family);
    if ("code" in resolved) return { source: named.source, family, code: resolved.code, error: resolved.error, requested: named.list };
    const determined = determinePools(catalog, request, resolved.cidrs);
    if ("code" in determined) return { source: named.source, family, code: determined.code, error: determined.error, requested: named.list };
    return {
      source: named.source,
      family,
      pools: determined.pools,
      requested: named.list,
      reason: `${named.where} names [${named.list.join(", ")}]: Calico tries them in that order and ignores their node and namespace selectors`,
    };
  }
  const determined = determinePools(catalog, request, undefined);
  if ("code" in determined) return { source: "selectors", family, code: determined.code, error: determined.error };
  const ns = request.namespace ? `namespace "${request.namespace.name}"` : "no namespace";
  return {
    source: "selectors",
    family,
    pools: determined.pools,
    reason: `enabled Automatic ${FAMILY_NAME[family]} pools whose nodeSelector matches node "${request.host}" and whose namespaceSelector matches ${ns}, in name order`,
  };
}

/**
 * Resolution of the named pool lists that happens before any allocation, as the CNI plugin does for
 * both families (`ResolvePools`): an unknown name or a pool of the other family fails the pod even when
 * that family is not requested. Returns the first such error, or undefined.
 */
export function poolListError(pools: readonly EffectiveIpPool[] | PoolCatalog, request: Omit<PoolRequest, "family">): PoolChoiceError | undefined {
  const catalog = pools instanceof PoolCatalog ? pools : PoolCatalog.of(pools);
  if (request.podAnnotations?.ipAddrs !== undefined && request.podAnnotations.ipAddrs.length > 0) return undefined;
  for (const family of [4, 6] as const) {
    const named = requestedList({ ...request, family });
    if (!named) continue;
    const resolved = resolvePools(catalog, named.list, family);
    if ("code" in resolved) return { source: named.source, family, code: resolved.code, error: resolved.error, requested: named.list };
  }
  return undefined;
}

function requestedList(request: PoolRequest): { source: PoolSource; list: readonly string[]; where: string } | undefined {
  const f = request.family;
  const pick = (a: { ipv4pools?: readonly string[]; ipv6pools?: readonly string[] } | undefined) => (f === 4 ? a?.ipv4pools : a?.ipv6pools);
  const pod = pick(request.podAnnotations);
  if (pod && pod.length > 0) return { source: "podAnnotation", list: pod, where: `the pod annotation ${ANNOTATION[f]}` };
  const ns = pick(request.namespace?.annotations);
  if (ns && ns.length > 0) return { source: "namespaceAnnotation", list: ns, where: `the annotation ${ANNOTATION[f]} of namespace "${request.namespace?.name}"` };
  const cni = f === 4 ? request.cni?.ipv4Pools : request.cni?.ipv6Pools;
  if (cni && cni.length > 0) return { source: "cniConfig", list: cni, where: `the CNI configuration ${CNI_FIELD[f]}` };
  return undefined;
}

/** The CNI plugin's `ResolvePools`: CIDR first (host bits masked, as Go's net.ParseCIDR does), else a pool name. */
function resolvePools(catalog: PoolCatalog, list: readonly string[], family: IpFamily): { cidrs: Cidr[] } | { code: PoolChoiceErrorCode; error: string } {
  const cidrs: Cidr[] = [];
  for (const item of list) {
    let cidr: Cidr | undefined;
    if (item.includes("/")) {
      try {
        cidr = Cidr.parseLoose(item);
      } catch {
        cidr = undefined;
      }
    }
    cidr ??= catalog.pool(item)?.cidr;
    if (!cidr) return { code: "POOL_UNKNOWN", error: `error parsing pool ${JSON.stringify(item)}: invalid CIDR address: ${item}` };
    if (cidr.family !== family) {
      return { code: "POOL_FAMILY_MISMATCH", error: `${JSON.stringify(formatAddress(cidr.family, cidr.network))} isn't a ${FAMILY_NAME[family]} address` };
    }
    cidrs.push(cidr);
  }
  return { cidrs };
}

/**
 * libcalico-go `determinePools` + `filterPoolsByUse`: the eligible pools of a request, in the order they
 * are tried. `requested` is the resolved named list, if any.
 * @internal shared by {@link choosePools} and the tunnel-address step of the simulator
 */
export function determinePools(
  catalog: PoolCatalog,
  request: PoolRequest,
  requested: readonly Cidr[] | undefined,
): { pools: EffectiveIpPool[] } | { code: PoolChoiceErrorCode; error: string } {
  const { family } = request;
  const windows = request.nodeOs === "windows";
  const use = request.use ?? "Workload";
  // Windows reserves 4 ordinals per IPv4 block, so blocks smaller than /29 cannot serve it.
  const enabled = catalog.enabledEntries(family).filter((e) => !(windows && family === 4 && e.pool.blockSize > WINDOWS_MAX_BLOCK_SIZE_V4));
  if (enabled.length === 0) return { code: "NO_QUALIFIED_POOL", error: NO_QUALIFIED_POOL_MESSAGE };
  const selecting: EffectiveIpPool[] = [];
  if (requested && requested.length > 0) {
    const allowed = new Set(enabled.map((e) => e.pool.name));
    const seen = new Set<string>();
    for (const cidr of requested) {
      const e = catalog.enabledByCidr(cidr.toString());
      if (!e || !allowed.has(e.pool.name)) {
        return { code: "POOL_NOT_ENABLED", error: `the given pool (${cidr.toString()}) does not exist, or is not enabled` };
      }
      if (!seen.has(e.pool.name)) selecting.push(e.pool);
      seen.add(e.pool.name);
    }
  } else {
    const nsLabels: Labels = request.namespace ? namespaceLabels(request.namespace) : {};
    for (const e of enabled) {
      if (e.pool.assignmentMode !== "Automatic") continue;
      if (typeof e.nodeSelector === "string") {
        return { code: "SELECTOR_INVALID", error: `failed to determine if node matches pool "${e.pool.name}": invalid nodeSelector ${JSON.stringify(e.pool.nodeSelector)}: ${e.nodeSelector}` };
      }
      if (!e.nodeSelector.matches(request.nodeLabels)) continue;
      if (e.namespaceSelector !== undefined) {
        if (typeof e.namespaceSelector === "string") {
          return {
            code: "SELECTOR_INVALID",
            error: `failed to determine if namespace matches pool "${e.pool.name}": invalid namespaceSelector ${JSON.stringify(e.pool.namespaceSelector)}: ${e.namespaceSelector}`,
          };
        }
        if (!e.namespaceSelector.matches(nsLabels)) continue;
      }
      selecting.push(e.pool);
    }
  }
  if (selecting.length === 0) return { code: "NO_POOLS_FOR_NODE", error: noPoolsForNodeMessage(request.host) };
  const byUse = selecting.filter((p) => p.allowedUses.includes(use));
  if (byUse.length === 0) return { code: "NO_POOLS_FOR_USE", error: `${NO_QUALIFIED_POOL_MESSAGE}, no pools match the required use (${use})` };
  return { pools: byUse };
}

function chooseFixed(catalog: PoolCatalog, family: IpFamily, ipAddrs: readonly string[]): PoolChoice {
  let address: { text: string; value: bigint } | undefined;
  for (const text of ipAddrs) {
    let parsed: { family: IpFamily; value: bigint };
    try {
      parsed = parseAddress(text);
    } catch {
      return { source: "ipAddrs", family, code: "ADDRESS_INVALID", error: `cni.projectcalico.org/ipAddrs: ${JSON.stringify(text)} is not a valid IP address` };
    }
    if (parsed.family !== family) continue;
    if (address) {
      return {
        source: "ipAddrs",
        family,
        code: "ADDRESS_FAMILY_REPEATED",
        error: `cni.projectcalico.org/ipAddrs lists more than one ${FAMILY_NAME[family]} address (${address.text}, ${text}); Calico takes at most one address per family`,
      };
    }
    address = { text: formatAddress(family, parsed.value), value: parsed.value };
  }
  if (!address) {
    return {
      source: "ipAddrs",
      family,
      pools: [],
      reason: `cni.projectcalico.org/ipAddrs lists no ${FAMILY_NAME[family]} address, so Calico assigns none of this family`,
    };
  }
  const pool = catalog.allocatablePoolFor(family, address.value);
  if (!pool) return { source: "ipAddrs", family, code: "ADDRESS_NOT_IN_POOL", error: "The provided IP address is not in a configured pool" };
  return {
    source: "ipAddrs",
    family,
    pools: [pool],
    address: address.text,
    reason: `cni.projectcalico.org/ipAddrs asks for ${address.text} in pool "${pool.name}"; selectors, assignmentMode, allowedUses and IP reservations are not consulted`,
  };
}
