import { AddressRange, Cidr, IpFamily, aggregate } from "../ip";
import { Labels, commonMatch, exampleMatch, parseSelector } from "../selector";
import { NAMESPACE_NAME_LABEL, NamespaceDeclaration } from "../simulator/topology";
import { PoolCatalog, choosePools, isPoolChoiceError } from "../simulator/precedence";
import { Finding, error, warning } from "../validation/finding";
import type { EffectiveIpPool } from "../validation/ip-pool";
import { validateLabels } from "../validation/names";

/** The annotations Calico's CNI plugin reads on a namespace (and a pod) to choose pools by name. */
export const IPV4_POOLS_ANNOTATION = "cni.projectcalico.org/ipv4pools";
export const IPV6_POOLS_ANNOTATION = "cni.projectcalico.org/ipv6pools";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The Calico annotations of a namespace, as the kubernetes provider will write them. */
export function namespaceAnnotations(ns: NamespaceDeclaration): Record<string, string> {
  const out: Record<string, string> = {};
  if (ns.annotations?.ipv4pools && ns.annotations.ipv4pools.length > 0) out[IPV4_POOLS_ANNOTATION] = JSON.stringify(ns.annotations.ipv4pools);
  if (ns.annotations?.ipv6pools && ns.annotations.ipv6pools.length > 0) out[IPV6_POOLS_ANNOTATION] = JSON.stringify(ns.annotations.ipv6pools);
  return out;
}


/**
 * Checks namespace bindings: names, labels, and every pool a namespace names in its
 * `cni.projectcalico.org/ipv4pools`/`ipv6pools` annotation exists, is enabled, is of the right family
 * and allows Workload (Calico fails every pod of the namespace otherwise). Warns when a pool named by
 * a namespace also hands out addresses on its own to other namespaces, so it is not dedicated.
 *
 * @returns findings by namespace name, with paths into the namespace declaration
 */
export function checkNamespaceBindings(namespaces: readonly NamespaceDeclaration[], pools: readonly EffectiveIpPool[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (ns: string, f: Finding) => out.set(ns, [...(out.get(ns) ?? []), f]);
  const catalog = PoolCatalog.of(pools);
  const seen = new Set<string>();
  for (const ns of namespaces) {
    if (!DNS1123_LABEL.test(ns.name) || ns.name.length > 63) {
      add(ns.name, error("NAMESPACE_NAME_INVALID", "name", `namespace name "${ns.name}" must be a DNS-1123 label: lower case letters, digits and '-', at most 63 characters`));
    }
    if (seen.has(ns.name)) add(ns.name, error("NAMESPACE_DUPLICATE", "name", `namespace "${ns.name}" is declared twice; declare each namespace once`));
    seen.add(ns.name);
    for (const f of validateLabels(ns.labels, "labels")) add(ns.name, f);
    for (const [family, key, list] of [
      [4, "ipv4pools", ns.annotations?.ipv4pools],
      [6, "ipv6pools", ns.annotations?.ipv6pools],
    ] as const) {
      if (!list || list.length === 0) continue;
      const choice = choosePools(catalog, { family, host: "(any node)", nodeLabels: {}, namespace: ns });
      if (isPoolChoiceError(choice)) {
        add(ns.name, error(`NAMESPACE_POOLS_${choice.code}`, `annotations.${key}`, `namespace "${ns.name}" names pools ${JSON.stringify(list)}, and Calico would fail every pod there: ${choice.error}`));
        continue;
      }
      for (const pool of choice.pools) {
        if (pool.assignmentMode !== "Automatic" || !pool.allowedUses.includes("Workload")) continue;
        const others = otherNamespacesMatching(pool, ns.name);
        if (others) {
          add(
            ns.name,
            warning(
              "NAMESPACE_POOL_SHARED",
              `annotations.${key}`,
              `pool "${pool.name}" is named by namespace "${ns.name}", but it also hands out addresses on its own to other namespaces (e.g. one labelled ${JSON.stringify(others)}), ` +
                `so its range is not exclusive to "${ns.name}": set assignmentMode: Manual on "${pool.name}" (named pools are still used), or give it a namespaceSelector`,
            ),
          );
        }
      }
    }
  }
  return out;
}

/** Labels of a namespace other than `name` that the pool's namespaceSelector matches, if any. */
function otherNamespacesMatching(pool: EffectiveIpPool, name: string): Labels | undefined {
  try {
    const selector = parseSelector(pool.namespaceSelector);
    const nodes = parseSelector(pool.nodeSelector);
    if (!exampleMatch(nodes)) return undefined; // serves no node at all
    return commonMatch([selector, parseSelector(`${NAMESPACE_NAME_LABEL} != "${name}"`)]);
  } catch {
    return undefined; // unparsable selectors are reported by the pool validation
  }
}

/** The ranges pods of one namespace (or one fixed-address workload) can have addresses from. */
export interface FirewallRange {
  /** The namespace, or `namespace/workload` for a fixed address. */
  readonly subject: string;
  /** The pools the addresses come from, in name order. */
  readonly pools: readonly string[];
  /** The fewest CIDRs that cover exactly those pools (or the fixed addresses). */
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  /** True when no other namespace can get addresses in these ranges. */
  readonly exclusive: boolean;
  /** Why the ranges are not exclusive, one sentence per reason. */
  readonly notes: readonly string[];
}

/**
 * The ranges each declared namespace's pods can get addresses from, aggregated into the fewest CIDRs,
 * for firewalls that allow a namespace by source range. Pools come from the one precedence rule
 * ({@link choosePools}): the namespace's annotation if it names pools, else every pool whose selectors
 * can select the namespace on some node. A range is not exclusive when one of its pools can also
 * serve another namespace; the notes say which and why.
 */
export function firewallRanges(namespaces: readonly NamespaceDeclaration[], pools: readonly EffectiveIpPool[]): FirewallRange[] {
  const catalog = PoolCatalog.of(pools);
  // Each pool's nodeSelector gives one node shape; together they cover every node that matters.
  const nodeShapes: Labels[] = [];
  for (const p of pools) {
    try {
      const shape = exampleMatch(parseSelector(p.nodeSelector));
      if (shape) nodeShapes.push(shape);
    } catch {
      // reported by the pool validation
    }
  }
  const result: FirewallRange[] = [];
  for (const ns of [...namespaces].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const chosen = new Map<string, EffectiveIpPool>();
    for (const family of [4, 6] as IpFamily[]) {
      for (const shape of nodeShapes) {
        const choice = choosePools(catalog, { family, host: "(any node)", nodeLabels: shape, namespace: ns });
        if (!isPoolChoiceError(choice)) for (const p of choice.pools) chosen.set(p.name, p);
      }
    }
    const used = [...chosen.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const notes: string[] = [];
    for (const p of used) {
      const others = otherNamespacesMatching(p, ns.name);
      if (p.assignmentMode === "Automatic" && others) {
        notes.push(`pool "${p.name}" (${p.cidr}) also serves other namespaces, e.g. one labelled ${JSON.stringify(others)}`);
      }
      for (const other of namespaces) {
        if (other.name === ns.name) continue;
        const named = [...(other.annotations?.ipv4pools ?? []), ...(other.annotations?.ipv6pools ?? [])];
        if (named.includes(p.name) || named.includes(p.cidr.toString())) notes.push(`namespace "${other.name}" names pool "${p.name}" in its annotation`);
      }
    }
    result.push({
      subject: ns.name,
      pools: used.map((p) => p.name),
      ipv4: aggregateCidrs(4, used.filter((p) => p.family === 4).map((p) => p.cidr)),
      ipv6: aggregateCidrs(6, used.filter((p) => p.family === 6).map((p) => p.cidr)),
      exclusive: notes.length === 0,
      notes,
    });
  }
  return result;
}

function aggregateCidrs(family: IpFamily, cidrs: readonly (Cidr | AddressRange)[]): string[] {
  return aggregate(family, cidrs).map((c) => c.toString());
}
