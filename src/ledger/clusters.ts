/**
 * A fleet ledger's sections: one cluster's section as a single-cluster ledger, and a fleet ledger put
 * together from the ledgers of its clusters.
 */
import { LedgerError } from "./errors";
import { Ledger, LedgerClusterSection } from "./format";
import { freezeLedger } from "./freeze";
import { compareNames, listSome, own } from "./private/names";

/** Each section's ledger, made once, so that a section checked once is not checked again. */
const SECTION_LEDGERS = new WeakMap<object, Ledger>();

/**
 * The ledger of one cluster of a fleet ledger: its section as a single-cluster ledger (no `clusters`),
 * or an empty ledger when the fleet ledger has no section for it.
 */
export function clusterLedger(ledger: Ledger, cluster: string): Ledger {
  const section = own(ledger.clusters ?? {}, cluster);
  if (section === undefined) return freezeLedger([]);
  let made = SECTION_LEDGERS.get(section);
  if (made === undefined) {
    made = freezeLedger(Object.entries(section.pools), { addresses: section.addresses, nodeCidrs: section.nodeCidrs, drawnRanges: section.drawnRanges });
    SECTION_LEDGERS.set(section, made);
  }
  return made;
}

/** Whether the fleet ledger's section of `cluster` is retired: a fleet plan found the cluster no longer in code. */
export function isRetiredCluster(ledger: Ledger, cluster: string): boolean {
  return own(ledger.clusters ?? {}, cluster)?.status === "retired";
}

/** Whether a single-cluster ledger records nothing: no pool, no fixed address, no node range, no drawn range. */
export function isEmptyLedger(ledger: Pick<Ledger, "pools" | "addresses" | "nodeCidrs" | "drawnRanges">): boolean {
  return Object.keys(ledger.pools).length === 0 && ledger.addresses === undefined && ledger.nodeCidrs === undefined && ledger.drawnRanges === undefined;
}

/**
 * A fleet ledger: the top-level sections of `top` (its sub-spaces kept, its `clusters` replaced) and one section per
 * cluster from its single-cluster ledger, marked `retired` when the third element says so. A cluster whose ledger
 * records nothing gets no section.
 */
export function fleetLedger(top: Ledger, clusters: ReadonlyArray<readonly [string, Ledger, "retired"?]>): Ledger {
  const sections: Array<[string, LedgerClusterSection]> = [];
  for (const [name, ledger, status] of clusters) {
    if (isEmptyLedger(ledger)) continue;
    const section: LedgerClusterSection = Object.freeze({
      pools: ledger.pools,
      ...(ledger.addresses ? { addresses: ledger.addresses } : {}),
      ...(ledger.drawnRanges ? { drawnRanges: ledger.drawnRanges } : {}),
      ...(ledger.nodeCidrs ? { nodeCidrs: ledger.nodeCidrs } : {}),
      ...(status === "retired" ? { status } : {}),
    });
    SECTION_LEDGERS.set(section, ledger);
    sections.push([name, section]);
  }
  return freezeLedger(Object.entries(top.pools), { addresses: top.addresses, nodeCidrs: top.nodeCidrs, clusters: sections, subSpaces: top.subSpaces, drawnRanges: top.drawnRanges });
}

/**
 * The fleet ledger with the section of `cluster` replaced by a single-cluster ledger (its pools,
 * fixed addresses and node CIDRs); the section is left out when that ledger records nothing. Every
 * section keeps its status.
 */
export function withClusterLedger(ledger: Ledger, cluster: string, section: Ledger): Ledger {
  const names = Object.keys(ledger.clusters ?? {});
  if (!names.includes(cluster)) names.push(cluster);
  return fleetLedger(
    ledger,
    names.map((name): readonly [string, Ledger, "retired"?] => [name, name === cluster ? section : clusterLedger(ledger, name), isRetiredCluster(ledger, name) ? "retired" : undefined]),
  );
}

/**
 * The fleet ledger without the section of a retired cluster (see `status` in the format), so that its
 * ranges, fixed addresses and drawn ranges may be handed out again. Only release a cluster once it is
 * gone: no pod or Service holds its addresses any more.
 *
 * @throws LedgerError `LEDGER_UNKNOWN_CLUSTER` when the ledger has no section for it, `LEDGER_CLUSTER_NOT_RETIRED`
 * when its section is not retired (the cluster is still in code, or no plan has run since it was removed),
 * `LEDGER_POOL_ACTIVE` when a pool of the section is still active (as {@link releasePools} decides for one pool)
 */
export function releaseCluster(ledger: Ledger, cluster: string): Ledger {
  const section = own(ledger.clusters ?? {}, cluster);
  if (section === undefined) {
    const known = Object.keys(ledger.clusters ?? {}).sort(compareNames);
    throw new LedgerError(
      "LEDGER_UNKNOWN_CLUSTER",
      `cluster "${cluster}" has no section in the ledger, so there is nothing to release` + (known.length > 0 ? ` (clusters: ${listSome(known, 10)})` : " (the ledger has no cluster sections)"),
    );
  }
  if (section.status !== "retired") {
    throw new LedgerError(
      "LEDGER_CLUSTER_NOT_RETIRED",
      `cluster "${cluster}" is not retired: it is still in code, or no synth has run since it was removed. Remove it from code and synth ` +
        `(its section is then marked retired, every pool draining), deploy, wait until the cluster is gone, then release it`,
    );
  }
  const active = Object.entries(section.pools).filter(([, e]) => e.status === "active");
  if (active.length > 0) {
    throw new LedgerError(
      "LEDGER_POOL_ACTIVE",
      `cluster "${cluster}" is retired, but its pool${active.length === 1 ? "" : "s"} ${listSome(active.map(([n]) => n), 5)} ${active.length === 1 ? "is" : "are"} still active, and pods may still hold their addresses. ` +
        `Synth without the cluster first, so every pool of it is draining, then release it`,
    );
  }
  const names = Object.keys(ledger.clusters ?? {}).filter((n) => n !== cluster);
  return fleetLedger(
    ledger,
    names.map((name): readonly [string, Ledger, "retired"?] => [name, clusterLedger(ledger, name), isRetiredCluster(ledger, name) ? "retired" : undefined]),
  );
}
