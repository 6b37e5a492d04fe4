/**
 * The cluster the simulator plays Calico's allocation against: nodes, namespaces, workloads and the
 * Calico CNI configuration. Plain, serializable data (no classes, no bigint), so a spec file, a
 * construct prop or a test can build it directly.
 */
import type { Labels } from "../selector";
import { MAX_NAME_PATTERN_WIDTH, MAX_NODES, MAX_PODS_PER_NODE } from "../limits";
import { Finding, error } from "../validation/finding";
import { nodeNameProblem } from "../validation/names";

/** The operating system of a node. Windows nodes reserve addresses in every IPv4 block (reference §5.14). */
export type NodeOs = "linux" | "windows";

/** Kubernetes' default `maxPods` of a kubelet. */
export const DEFAULT_MAX_PODS = 110;

/** One node, declared by name. */
export interface NodeDeclaration {
  /** The Kubernetes node name, which is also the Calico host name (the block affinity `host:<name>`). */
  readonly name: string;
  /**
   * The node's labels, as Calico's pool `nodeSelector` and a workload's `nodeSelector` see them.
   * The simulator adds the labels the kubelet sets, `kubernetes.io/hostname: <name>` and
   * `kubernetes.io/os: <os>`, unless given here.
   * @default - no labels besides the kubelet's
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default "linux" */
  readonly os?: NodeOs;
  /**
   * Pods the kubelet accepts; a full node takes no more pods.
   * @default 110
   */
  readonly maxPods?: number;
}

/**
 * A group of alike nodes, e.g. `{ namePattern: "rack-a-{i}", count: 40 }` for `rack-a-1` … `rack-a-40`.
 *
 * `{i}` is replaced by the index without padding; `{i:N}` pads the index with zeros to N digits
 * (`rack-{i:3}` gives `rack-001`). Padding is optional because every ordering in the simulator is
 * natural: digit runs compare as numbers, so `rack-2` comes before `rack-10` either way
 * (see {@link compareNaturally}).
 */
export interface NodeGroupDeclaration {
  /** The name of each node, with `{i}` or `{i:N}` standing for its index. */
  readonly namePattern: string;
  /** How many nodes the group has (0 or more). */
  readonly count: number;
  /** @default 1 */
  readonly startIndex?: number;
  /** Labels of every node of the group (see {@link NodeDeclaration.labels}). */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default "linux" */
  readonly os?: NodeOs;
  /** @default 110 */
  readonly maxPods?: number;
}

/** A node or a group of nodes. */
export type NodeEntry = NodeDeclaration | NodeGroupDeclaration;

/**
 * Calico's pool annotations, `cni.projectcalico.org/ipv4pools` and `…/ipv6pools`: pool names or CIDRs,
 * tried in the listed order, ignoring the pools' selectors (reference §5.1, §5.3).
 */
export interface PoolAnnotations {
  /** Value of `cni.projectcalico.org/ipv4pools`. An empty list counts as absent. */
  readonly ipv4pools?: readonly string[];
  /** Value of `cni.projectcalico.org/ipv6pools`. An empty list counts as absent. */
  readonly ipv6pools?: readonly string[];
}

/** The annotations of a pod (of every replica of a workload). */
export interface PodAnnotations extends PoolAnnotations {
  /**
   * Value of `cni.projectcalico.org/ipAddrs`: at most one IPv4 and one IPv6 address. When present, the
   * pod gets exactly these addresses and the pool annotations are ignored (reference §5.1, §5.10).
   */
  readonly ipAddrs?: readonly string[];
}

/** A Kubernetes namespace. */
export interface NamespaceDeclaration {
  readonly name: string;
  /**
   * Labels seen by pool `namespaceSelector`s. Kubernetes adds `kubernetes.io/metadata.name: <name>`;
   * the simulator does too.
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** Pool annotations of the namespace; a pod's own annotation of the same family wins. */
  readonly annotations?: PoolAnnotations;
}

/** An IP family as Kubernetes and Calico's `cni.projectcalico.org/ipFamilies` annotation spell it. */
export type IpFamilyName = "IPv4" | "IPv6";

/** A set of identical pods (a Deployment, StatefulSet, DaemonSet-like group). */
export interface WorkloadDeclaration {
  /** Pods are named `<name>-<i>`, i from 0. */
  readonly name: string;
  /** The namespace; an undeclared namespace is assumed to exist with no labels besides its name. */
  readonly namespace: string;
  /** Number of pods (0 or more). */
  readonly replicas: number;
  /**
   * Kubernetes `nodeSelector`: every entry must equal a node label.
   * @default - every node
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Calico annotations of the pods. */
  readonly annotations?: PodAnnotations;
  /**
   * Address families the pods request (`cni.projectcalico.org/ipFamilies`).
   * @default - per the CNI configuration: IPv4 unless `assignIpv4: false`, IPv6 only with `assignIpv6: true`
   */
  readonly ipFamilies?: readonly IpFamilyName[];
}

/** The `ipam` section of Calico's CNI configuration (`calico-ipam`). */
export interface CniConfig {
  /** `ipv4_pools`: pool names or CIDRs used instead of the pools' node selectors. */
  readonly ipv4Pools?: readonly string[];
  /** `ipv6_pools`. */
  readonly ipv6Pools?: readonly string[];
  /** `assign_ipv4`. @default true */
  readonly assignIpv4?: boolean;
  /** `assign_ipv6`. @default false */
  readonly assignIpv6?: boolean;
}

/** The declared cluster. */
export interface Topology {
  readonly nodes: readonly NodeEntry[];
  readonly namespaces?: readonly NamespaceDeclaration[];
  readonly workloads?: readonly WorkloadDeclaration[];
}

/** A node after group expansion, with the labels Calico and the scheduler see. */
export interface ExpandedNode {
  readonly name: string;
  /** Declared labels plus the kubelet's `kubernetes.io/hostname` and `kubernetes.io/os`. */
  readonly labels: Labels;
  readonly os: NodeOs;
  readonly maxPods: number;
  /** The `namePattern` of its group, or its own name for a single node. */
  readonly group: string;
  /** Index of the declaring entry in `Topology.nodes`. */
  readonly entry: number;
}

/** The label Kubernetes puts on every namespace. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** The kubelet's host name label, which the simulator adds to each node. */
export const HOSTNAME_LABEL = "kubernetes.io/hostname";
/** The kubelet's operating system label (`linux` or `windows`), which the simulator adds to each node. */
export const OS_LABEL = "kubernetes.io/os";

const PLACEHOLDER = /\{i(?::(\d+))?\}/g;

/** True when the entry declares a group of nodes rather than one node. */
export function isNodeGroup(entry: NodeEntry): entry is NodeGroupDeclaration {
  return typeof (entry as NodeGroupDeclaration).namePattern === "string";
}

/**
 * The name of the node with this index in a group: `{i}` becomes the index, `{i:N}` the index padded
 * with zeros to N digits.
 */
export function expandNamePattern(pattern: string, index: number): string {
  return pattern.replace(PLACEHOLDER, (_m, width: string | undefined) => {
    const text = String(index);
    return width === undefined ? text : text.padStart(Number(width), "0");
  });
}

/**
 * Natural order of names: runs of digits compare by numeric value (`node-2` < `node-10`), everything
 * else by UTF-16 code unit; names equal in that order fall back to plain code-unit order, so the order
 * is total. Every node ordering of the simulator (placement ties, output) uses it.
 */
export function compareNaturally(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let si = i;
      while (si < a.length && a.charCodeAt(si) === 48) si++;
      let sj = j;
      while (sj < b.length && b.charCodeAt(sj) === 48) sj++;
      let ei = si;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = sj;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The labels of a node as Calico and the scheduler see them. Declared labels win over the kubelet's. */
export function nodeLabels(name: string, os: NodeOs, labels: Readonly<Record<string, string>> | undefined): Labels {
  return Object.freeze({ [HOSTNAME_LABEL]: name, [OS_LABEL]: os, ...(labels ?? {}) });
}

/** The labels of a namespace as a pool `namespaceSelector` sees them (Kubernetes' name label included). */
export function namespaceLabels(namespace: Pick<NamespaceDeclaration, "name" | "labels">): Labels {
  return Object.freeze({ ...(namespace.labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace.name });
}

/** How many nodes the entries declare (a group its `count`, any other entry one), counted without making them. */
export function declaredNodeCount(entries: readonly NodeEntry[]): number {
  return entries.reduce((sum, e) => sum + (isNodeGroup(e) && Number.isInteger(e.count) && e.count > 0 ? e.count : 1), 0);
}

/**
 * Expands node groups into nodes, in natural name order, and checks the declarations. A duplicate name
 * is an error and only its first declaration is kept; an invalid entry is an error and is skipped.
 */
export function expandNodes(entries: readonly NodeEntry[]): { nodes: ExpandedNode[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const nodes: ExpandedNode[] = [];
  if (!Array.isArray(entries)) {
    return { nodes, findings: [error("TOPOLOGY_INVALID", "nodes", "nodes must be a list of nodes and node groups")] };
  }
  // The size is checked before any node is made: a typo such as count: 1e9 costs nothing.
  const declared = declaredNodeCount(entries);
  if (declared > MAX_NODES) {
    return {
      nodes,
      findings: [error("TOPOLOGY_TOO_LARGE", "nodes", `the topology declares ${declared} nodes, more than the limit of ${MAX_NODES} (MAX_NODES, see docs/limits.md); simulate a representative part of the cluster`)],
    };
  }
  const seen = new Map<string, number>();
  const add = (name: string, entryIndex: number, os: NodeOs, maxPods: number, group: string, labels?: Readonly<Record<string, string>>) => {
    const first = seen.get(name);
    if (first !== undefined) {
      findings.push(
        error("TOPOLOGY_DUPLICATE_NODE", `nodes.${name}`, `node "${name}" is declared twice (by nodes[${first}] and nodes[${entryIndex}]); node names are unique in a cluster, so only the first declaration is simulated`),
      );
      return;
    }
    seen.set(name, entryIndex);
    nodes.push({ name, labels: nodeLabels(name, os, labels), os, maxPods, group, entry: entryIndex });
  };
  entries.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null) {
      findings.push(error("TOPOLOGY_INVALID", `nodes[${index}]`, "a node must be a map with a name, or a namePattern and a count for a group"));
      return;
    }
    const os = entry.os ?? "linux";
    const where = isNodeGroup(entry) ? `nodes.${entry.namePattern}` : `nodes.${String(entry.name)}`;
    if (os !== "linux" && os !== "windows") {
      findings.push(error("TOPOLOGY_INVALID", where, `os must be "linux" or "windows", got ${JSON.stringify(os)}`));
      return;
    }
    const maxPods = entry.maxPods ?? DEFAULT_MAX_PODS;
    if (!Number.isInteger(maxPods) || maxPods < 0 || maxPods > MAX_PODS_PER_NODE) {
      findings.push(error("TOPOLOGY_INVALID", where, `maxPods must be a whole number from 0 to ${MAX_PODS_PER_NODE} (MAX_PODS_PER_NODE), got ${String(maxPods)}`));
      return;
    }
    if (!isNodeGroup(entry)) {
      if (typeof entry.name !== "string" || entry.name === "") {
        findings.push(error("TOPOLOGY_INVALID", `nodes[${index}]`, "a node needs a non-empty name, or a namePattern and a count for a group"));
        return;
      }
      const problem = nodeNameProblem(entry.name);
      if (problem !== undefined) {
        findings.push(error("TOPOLOGY_NODE_NAME_INVALID", `nodes[${index}].name`, problem));
        return;
      }
      add(entry.name, index, os, maxPods, entry.name, entry.labels);
      return;
    }
    const { namePattern, count } = entry;
    const start = entry.startIndex ?? 1;
    if (!Number.isInteger(count) || count < 0 || count > MAX_NODES) {
      findings.push(error("TOPOLOGY_INVALID", where, `count must be a whole number from 0 to ${MAX_NODES} (MAX_NODES), got ${String(count)}`));
      return;
    }
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(start + count)) {
      findings.push(error("TOPOLOGY_INVALID", where, `startIndex must be a whole number of 0 or more, got ${String(start)}`));
      return;
    }
    if (count > 1 && namePattern.match(PLACEHOLDER) === null) {
      findings.push(
        error("TOPOLOGY_INVALID", where, `namePattern "${namePattern}" has no {i} placeholder, so its ${count} nodes would share one name; write e.g. "${namePattern}-{i}"`),
      );
      return;
    }
    const width = Math.max(0, ...[...namePattern.matchAll(PLACEHOLDER)].map((m) => Number(m[1] ?? 0)));
    if (width > MAX_NAME_PATTERN_WIDTH) {
      findings.push(error("TOPOLOGY_INVALID", `nodes[${index}].namePattern`, `namePattern "${namePattern.slice(0, 60)}" pads to ${width} digits, more than the limit of ${MAX_NAME_PATTERN_WIDTH} (MAX_NAME_PATTERN_WIDTH): no node name is that long`));
      return;
    }
    if (count === 0) return;
    // Names grow with the index, so the first and the last name show every problem a name can have.
    for (const k of count === 1 ? [start] : [start, start + count - 1]) {
      const problem = nodeNameProblem(expandNamePattern(namePattern, k));
      if (problem !== undefined) {
        findings.push(error("TOPOLOGY_NODE_NAME_INVALID", `nodes[${index}].namePattern`, `namePattern "${namePattern.slice(0, 60)}" gives node ${k} an invalid name: ${problem}`));
        return;
      }
    }
    for (let k = 0; k < count; k++) add(expandNamePattern(namePattern, start + k), index, os, maxPods, namePattern, entry.labels);
  });
  nodes.sort((a, b) => compareNaturally(a.name, b.name));
  return { nodes, findings };
}
