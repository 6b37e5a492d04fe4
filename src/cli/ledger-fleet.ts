// The fleet side of `calico-ipam ledger show|release`: a cluster's section of a fleet ledger. Loaded
// only when one of those commands runs.
import { InputError } from "../io/input-error";
import { Ledger, LedgerError, clusterLedger, releasePools } from "../ledger";
import { releaseCluster, withClusterLedger } from "../ledger/clusters";
import { own } from "../ledger/private/names";

/** The section of `cluster` in a fleet ledger, as a single-cluster ledger; an error naming the clusters when there is none. */
export function clusterSection(ledger: Ledger, cluster: string, file: string): Ledger {
  const clusters = Object.keys(ledger.clusters ?? {});
  if (!clusters.includes(cluster)) {
    throw new InputError(
      clusters.length === 0
        ? `${file}: --cluster ${cluster}: this is not a fleet ledger (it has no "clusters" section); drop --cluster`
        : `${file}: --cluster ${cluster}: the ledger has no section for cluster "${cluster}" (clusters: ${quoted(clusters)})`,
      file,
    );
  }
  return clusterLedger(ledger, cluster);
}

/**
 * Releases draining pools: in the section of `cluster` when given; in a fleet ledger without it, each
 * pool in the one section that records it (an error naming the clusters when several do, or none).
 * With `cluster` and no pool names, the whole section of that retired cluster (see `releaseCluster`).
 * @throws InputError naming the file, the pool and the clusters
 */
export function releaseInLedger(ledger: Ledger, names: readonly string[], cluster: string | undefined, file: string): Ledger {
  if (names.length === 0 && cluster === undefined) {
    throw new InputError(`${file}: name the draining pools to release, or give --cluster NAME to release a retired cluster's whole section of a fleet ledger`, file);
  }
  try {
    if (names.length === 0) {
      clusterSection(ledger, cluster!, file);
      return releaseCluster(ledger, cluster!);
    }
    if (cluster !== undefined) return withClusterLedger(ledger, cluster, releasePools(clusterSection(ledger, cluster, file), names));
    const clusters = Object.keys(ledger.clusters ?? {});
    if (clusters.length === 0) return releasePools(ledger, names);
    const byCluster = new Map<string, string[]>();
    for (const name of names) {
      const holders = clusters.filter((c) => own(clusterLedger(ledger, c).pools, name) !== undefined || own(clusterLedger(ledger, c).drawnRanges ?? {}, name) !== undefined);
      if (holders.length !== 1) {
        throw new InputError(
          holders.length === 0
            ? `${file}: "${name}" is neither a pool nor a drawn range in any cluster's section of this fleet ledger (clusters: ${quoted(clusters)}); check the name (pools by name, drawn ranges by key such as "service-ipv4") with calico-ipam ledger show`
            : `${file}: "${name}" is in the sections of clusters ${quoted(holders)}: say which with --cluster ${holders[0]}`,
          file,
        );
      }
      byCluster.set(holders[0], [...(byCluster.get(holders[0]) ?? []), name]);
    }
    let after = ledger;
    for (const [c, list] of byCluster) after = withClusterLedger(after, c, releasePools(clusterLedger(after, c), list));
    return after;
  } catch (e) {
    if (e instanceof LedgerError) throw new InputError(`${file}${cluster !== undefined ? ` (cluster "${cluster}")` : ""}: ${e.message}`, file);
    throw e;
  }
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}
