/**
 * A fleet ledger's sections: one cluster's section as a single-cluster ledger, and a fleet ledger put
 * together from the ledgers of its clusters.
 */
import { Ledger, LedgerClusterSection } from "./format";
import { freezeLedger } from "./freeze";
import { own } from "./private/names";

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

/** Whether a single-cluster ledger records nothing: no pool, no fixed address, no node range, no drawn range. */
export function isEmptyLedger(ledger: Pick<Ledger, "pools" | "addresses" | "nodeCidrs" | "drawnRanges">): boolean {
  return Object.keys(ledger.pools).length === 0 && ledger.addresses === undefined && ledger.nodeCidrs === undefined && ledger.drawnRanges === undefined;
}

/**
 * A fleet ledger: the top-level sections of `top` (its sub-spaces kept, its `clusters` replaced) and one section per
 * cluster from its single-cluster ledger. A cluster whose ledger records nothing gets no section.
 */
export function fleetLedger(top: Ledger, clusters: ReadonlyArray<readonly [string, Ledger]>): Ledger {
  const sections: Array<[string, LedgerClusterSection]> = [];
  for (const [name, ledger] of clusters) {
    if (isEmptyLedger(ledger)) continue;
    const section: LedgerClusterSection = Object.freeze({
      pools: ledger.pools,
      ...(ledger.addresses ? { addresses: ledger.addresses } : {}),
      ...(ledger.drawnRanges ? { drawnRanges: ledger.drawnRanges } : {}),
      ...(ledger.nodeCidrs ? { nodeCidrs: ledger.nodeCidrs } : {}),
    });
    SECTION_LEDGERS.set(section, ledger);
    sections.push([name, section]);
  }
  return freezeLedger(Object.entries(top.pools), { addresses: top.addresses, nodeCidrs: top.nodeCidrs, clusters: sections, subSpaces: top.subSpaces, drawnRanges: top.drawnRanges });
}

/**
 * The fleet ledger with the section of `cluster` replaced by a single-cluster ledger (its pools,
 * fixed addresses and node CIDRs); the section is left out when that ledger records nothing.
 */
export function withClusterLedger(ledger: Ledger, cluster: string, section: Ledger): Ledger {
  const names = Object.keys(ledger.clusters ?? {});
  if (!names.includes(cluster)) names.push(cluster);
  return fleetLedger(
    ledger,
    names.map((name): [string, Ledger] => [name, name === cluster ? section : clusterLedger(ledger, name)]),
  );
}
