import { Labels, Selector, SelectorAnalysisLimitError, commonMatch, parseSelector } from "../selector";
import { Finding, error, warning } from "./finding";
import type { EffectiveIpPool } from "./ip-pool";

/**
 * Exclusivity of pool bindings. Calico ANDs a pool's nodeSelector and namespaceSelector, treats an
 * empty selector as "everything", and tries eligible pools in name order, so a pool meant for one rack
 * or one team is only exclusive when no other eligible pool can match the same node or namespace.
 */

/** Pools that can hand out workload addresses on their own: enabled, Automatic, allowing Workload. */
function autoWorkload(pool: EffectiveIpPool): boolean {
  return !pool.disabled && pool.assignmentMode === "Automatic" && pool.allowedUses.includes("Workload");
}

function selectorOf(text: string): Selector | undefined {
  try {
    return parseSelector(text);
  } catch {
    return undefined; // reported by the pool validation
  }
}

function showLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? "{} (no labels)" : `{${entries.map(([k, v]) => `${k}: "${v}"`).join(", ")}}`;
}

/** `overlap` answers "one label set matching all of these", or the analysis limit as a finding. */
function witness(selectors: Selector[], pool: string, path: string, limitFindings: Finding[]): Labels | undefined {
  try {
    return commonMatch(selectors);
  } catch (e) {
    if (!(e instanceof SelectorAnalysisLimitError)) throw e;
    limitFindings.push(warning("SELECTOR_ANALYSIS_LIMIT", path, `could not check the exclusivity of pool "${pool}": ${e.message}`));
    return undefined;
  }
}

/**
 * Checks that the pools of each exclusive group (topology pools, one per rack or zone) select
 * disjoint nodes, per IP family, and that no other pool that hands out workload addresses on its own
 * also selects their nodes. And that a pool dedicated to namespaces by `namespaceSelector` is not
 * also reachable for those namespaces through another pool.
 *
 * When the plan declares namespaces, namespace questions are answered for those namespaces (their
 * labels as Calico sees them); without declared namespaces, for every label set a namespace could have.
 *
 * @param groups exclusive group name → names of the pools in it
 * @param namespaces the declared namespaces, with `kubernetes.io/metadata.name` among their labels
 * @returns findings by pool name (`spec.nodeSelector` / `spec.namespaceSelector` paths)
 */
export function checkExclusivity(
  pools: readonly EffectiveIpPool[],
  groups: ReadonlyMap<string, readonly string[]>,
  namespaces: readonly { readonly name: string; readonly labels: Labels }[] = [],
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (pool: string, f: Finding) => out.set(pool, [...(out.get(pool) ?? []), f]);
  const byName = new Map(pools.map((p) => [p.name, p]));
  const node = new Map(pools.map((p) => [p.name, selectorOf(p.nodeSelector)]));
  const ns = new Map(pools.map((p) => [p.name, selectorOf(p.namespaceSelector)]));
  const limits: Finding[] = [];
  /** A namespace both selectors can serve: a declared one when there are any, else any label set. */
  const sharedNamespace = (a: Selector, b: Selector, pool: string): Labels | undefined => {
    if (namespaces.length > 0) return namespaces.find((n) => a.matches(n.labels) && b.matches(n.labels))?.labels;
    return witness([a, b], pool, "spec.namespaceSelector", limits);
  };

  for (const [group, names] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const members = names.map((n) => byName.get(n)).filter((p): p is EffectiveIpPool => p !== undefined);
    const memberNames = new Set(members.map((m) => m.name));
    for (let i = 0; i < members.length; i++) {
      const a = members[i];
      const sa = node.get(a.name);
      if (!sa) continue;
      for (let j = i + 1; j < members.length; j++) {
        const b = members[j];
        const sb = node.get(b.name);
        if (!sb || a.family !== b.family) continue;
        const both = witness([sa, sb], a.name, "spec.nodeSelector", limits);
        if (both) {
          add(
            b.name,
            error(
              "POOL_NODE_SELECTORS_OVERLAP",
              "spec.nodeSelector",
              `pools "${a.name}" ('${a.nodeSelector}') and "${b.name}" ('${b.nodeSelector}') of exclusive group "${group}" can both select one node, e.g. a node labelled ${showLabels(both)}; ` +
                "each node must belong to one pool of the group, so make the selectors disjoint",
            ),
          );
        }
      }
      // Another pool selecting these nodes breaks the per-rack aggregation of routes.
      for (const other of pools) {
        if (memberNames.has(other.name) || other.family !== a.family || !autoWorkload(other) || !autoWorkload(a)) continue;
        const so = node.get(other.name);
        if (!so) continue;
        const both = witness([sa, so], a.name, "spec.nodeSelector", limits);
        if (!both) continue;
        // Pools that serve disjoint namespaces never compete for the same pod.
        const nsA = ns.get(a.name);
        const nsO = ns.get(other.name);
        if (!nsA || !nsO || !sharedNamespace(nsA, nsO, a.name)) continue;
        const order =
          other.name < a.name
            ? `Calico tries pools in name order, so these nodes claim blocks from "${other.name}" before "${a.name}"`
            : `these nodes claim blocks from "${other.name}" once "${a.name}" has none left`;
        add(
          a.name,
          warning(
            "POOL_TOPOLOGY_NOT_EXCLUSIVE",
            "spec.nodeSelector",
            `pool "${other.name}" ('${other.nodeSelector}') also selects nodes of "${a.name}", e.g. a node labelled ${showLabels(both)}; ${order}, and their routes no longer aggregate per ${group}. ` +
              `Narrow "${other.name}"'s nodeSelector to exclude them (e.g. '!(${sa.toString()})'), or disable it`,
          ),
        );
      }
    }
  }

  for (const dedicated of pools) {
    const sd = ns.get(dedicated.name);
    const nd = node.get(dedicated.name);
    if (dedicated.namespaceSelector.trim() === "" || !sd || !nd || !autoWorkload(dedicated)) continue;
    for (const other of pools) {
      if (other.name === dedicated.name || other.family !== dedicated.family || !autoWorkload(other)) continue;
      const so = ns.get(other.name);
      const no = node.get(other.name);
      if (!so || !no) continue;
      const nodes = witness([nd, no], dedicated.name, "spec.namespaceSelector", limits);
      if (!nodes) continue;
      // When both pools select namespaces, report the pair once, on the narrower one (fewer declared
      // namespaces matched, then name order): that is the pool meant to be dedicated.
      if (other.namespaceSelector.trim() !== "") {
        const reach = (sel: Selector) => namespaces.filter((n) => sel.matches(n.labels)).length;
        const [rd, ro] = [reach(sd), reach(so)];
        if (ro < rd || (ro === rd && other.name < dedicated.name)) continue;
      }
      const shared = sharedNamespace(sd, so, dedicated.name);
      if (!shared) continue;
      const otherSel = other.namespaceSelector.trim() === "" ? "no namespaceSelector, so every namespace" : `'${other.namespaceSelector}'`;
      add(
        dedicated.name,
        warning(
          "POOL_NAMESPACE_NOT_EXCLUSIVE",
          "spec.namespaceSelector",
          `namespaces of pool "${dedicated.name}" ('${dedicated.namespaceSelector}') can also get addresses from pool "${other.name}" (${otherSel}), e.g. a namespace labelled ${showLabels(shared)}, ` +
            `so "${dedicated.name}" is not dedicated and a firewall rule on its CIDR misses some of their pods. ` +
            `Give "${other.name}" a namespaceSelector that excludes them, e.g. '!(${sd.toString()})' (a pool with a namespaceSelector needs allowedUses [Workload]; keep tunnel addresses in a pool of their own)`,
        ),
      );
    }
  }
  for (const f of dedupe(limits)) {
    const pool = /pool "([^"]+)"/.exec(f.message)?.[1];
    if (pool) add(pool, f);
  }
  return out;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.message) ? false : (seen.add(f.message), true)));
}
