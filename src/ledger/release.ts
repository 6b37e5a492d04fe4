/** Releasing draining pools: the explicit step that says a pool is drained: its object is deleted on the next apply and its range may be carved again. */
import { LedgerError, LedgerErrorCode } from "./errors";
import { Ledger } from "./format";
import { freezeLedger } from "./freeze";
import { compareNames, listSome, own } from "./private/names";

/**
 * The ledger without the named draining pools, so their ranges may be carved again. Only release a
 * pool once no pod holds an address in its range. The recorded fixed addresses and node CIDRs are
 * kept as they are: the plans check them against the live pools and the cluster CIDRs. A name that is
 * no pool but the key of a draining drawn range (`service-ipv4`, a Service CIDR the cluster no longer
 * draws from its fleet's plan) releases that range: only once no Service (or node) uses it.
 *
 * @throws LedgerError `LEDGER_UNKNOWN_POOL` for a name that is not in the ledger, `LEDGER_POOL_ACTIVE`
 * for a pool that is still active (declared in code) or a drawn range still drawn; the message lists
 * every refused name
 */
export function releasePools(ledger: Ledger, names: readonly string[]): Ledger {
  const problems: Array<{ code: LedgerErrorCode; message: string }> = [];
  const release = new Set<string>();
  const releaseDrawn = new Set<string>();
  for (const name of names) {
    const entry = own(ledger.pools, name);
    const drawn = entry === undefined ? own(ledger.drawnRanges ?? {}, name) : undefined;
    if (drawn !== undefined && drawn.status !== "draining") {
      const what = drawn.kind === "service" ? "Service CIDR" : "node network";
      problems.push({
        code: "LEDGER_POOL_ACTIVE",
        message:
          `drawn range "${name}" (${what} ${drawn.cidr}) is still drawn from the fleet's address plan, and ${drawn.kind === "service" ? "Services may still hold its ClusterIPs" : "nodes may still hold its addresses"}. ` +
          `Remove it from the cluster's drawnRanges first and synth, so it is draining; release it once nothing uses the range`,
      });
    } else if (drawn !== undefined) {
      releaseDrawn.add(name);
    } else if (entry === undefined) {
      const known = Object.keys(ledger.pools).sort(compareNames);
      const drawnKeys = Object.keys(ledger.drawnRanges ?? {}).sort(compareNames);
      problems.push({
        code: "LEDGER_UNKNOWN_POOL",
        message:
          drawnKeys.length === 0
            ? `pool "${name}" is not in the ledger, so there is nothing to release` +
              (known.length > 0 ? ` (recorded pools: ${listSome(known, 10)})` : " (the ledger has no pools)")
            : `"${name}" is neither a pool nor a drawn range in the ledger, so there is nothing to release ` +
              `(recorded pools: ${known.length > 0 ? listSome(known, 10) : "none"}; drawn ranges: ${listSome(drawnKeys, 10)}). ` +
              `Name a draining pool by its name, or a draining drawn range by its key (such as "service-ipv4")`,
      });
    } else if (entry.status === "active") {
      problems.push({
        code: "LEDGER_POOL_ACTIVE",
        message:
          `pool "${name}" (${entry.cidr}) is still active, and pods may still hold its addresses. ` +
          `Remove the pool from code first and deploy, so it is disabled and draining; move its pods, and release it once no pod uses the range ` +
          `(calicoctl ipam show --show-blocks lists no block in ${entry.cidr})`,
      });
    } else {
      release.add(name);
    }
  }
  if (problems.length > 0) {
    throw new LedgerError(problems[0].code, problems.map((p) => p.message).join("; "));
  }
  return freezeLedger(
    Object.entries(ledger.pools).filter(([name]) => !release.has(name)),
    releaseDrawn.size === 0 ? ledger : { ...ledger, drawnRanges: Object.entries(ledger.drawnRanges!).filter(([key]) => !releaseDrawn.has(key)) },
  );
}
