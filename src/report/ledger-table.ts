/** The ledger as text tables for `calico-ipam ledger show`. */
import { clusterLedger, isEmptyLedger, isRetiredCluster } from "../ledger/clusters";
import { problemError } from "../ledger/errors";
import { Ledger } from "../ledger/format";
import { inspectLedger } from "../ledger/inspect";
import { LedgerMigration, MIGRATION_PHASES } from "../ledger/migrations";
import { compareNames } from "../ledger/private/names";
import { textTable } from "./table";

/**
 * The ledger as a text table for `calico-ipam ledger show`, in the style of `calicoctl ipam show`:
 * `NAME | FAMILY | CIDR | BLOCK SIZE | BLOCKS | STATUS`, sorted by family, then CIDR, then name; when
 * the ledger records fixed addresses, a second table `WORKLOAD | FAMILY | ADDRESS | POOL` sorted by
 * key; when it records node CIDRs, a table `NODE | POD CIDRS` sorted by node name (code-unit order),
 * the CIDRs of a node joined by ", "; when it records pool migrations, a table
 * `MIGRATION | KIND | FROM | TO | TEMPORARY POOL | PHASE` sorted by name (see {@link migrationRow});
 * when it records ranges drawn from a fleet's plan, a table `RANGE | KIND | CIDR` by key (with a
 * `STATUS` column and the command that releases them when some are draining);
 * then a one-line summary (pools by status, then counts of what else is recorded, with
 * `N drawn range(s) draining` when some are). BLOCKS is the number of blocks the pool holds.
 * A fleet ledger shows its sub-spaces (`SUB-SPACE | FAMILY | CIDR | STATUS`), then each cluster's
 * section under `Cluster "<name>":` (see {@link clusterHeading}: a retired cluster says so), by name.
 *
 * @param cluster the cluster whose section `ledger` is (`ledger show --cluster`), named in the command
 * that releases a draining drawn range
 * @throws LedgerError when the ledger is invalid (see {@link parseLedger})
 */
export function formatLedgerTable(ledger: Ledger, cluster?: string): string {
  const inspected = inspectLedger(ledger);
  if (inspected.problems.length > 0) throw problemError(inspected.problems, undefined);
  const fleet = inspected.ledger.clusters !== undefined || inspected.ledger.subSpaces !== undefined;
  if (!fleet) return sectionTable(inspected.ledger, cluster);
  // A fleet ledger: its sub-spaces, then each cluster's section under its name (the top level only
  // while a single-cluster ledger is being migrated into it).
  const out: string[] = [];
  if (!isEmptyLedger(inspected.ledger)) out.push("Top level (a single-cluster ledger not yet moved into a cluster's section):", sectionTable(inspected.ledger));
  const subSpaces = Object.entries(inspected.ledger.subSpaces ?? {}).map(([name, s]) => [name, `IPv${s.family}`, s.cidr, s.status]);
  if (subSpaces.length > 0) out.push(`${textTable(["SUB-SPACE", "FAMILY", "CIDR", "STATUS"], [false, false, false, false], subSpaces).join("\n")}\n`);
  const clusters = Object.keys(inspected.ledger.clusters ?? {});
  for (const name of clusters) out.push(clusterHeading(inspected.ledger, name), sectionTable(clusterLedger(inspected.ledger, name), name));
  out.push(
    `A fleet ledger: ${clusters.length} cluster section${clusters.length === 1 ? "" : "s"}` +
      (subSpaces.length > 0 ? `, ${subSpaces.length} sub-space${subSpaces.length === 1 ? "" : "s"}` : "") +
      ` (calico-ipam ledger show --cluster NAME shows one).\n`,
  );
  return out.join("\n");
}

/**
 * The heading of a cluster's section: `Cluster "<name>":`, or for a cluster no longer in code
 * `Cluster "<name>" (retired: ...):` with the way to release it.
 */
export function clusterHeading(ledger: Ledger, name: string): string {
  return isRetiredCluster(ledger, name)
    ? `Cluster "${name}" (retired: no longer in code, every pool draining; once it is gone: calico-ipam ledger release --cluster ${name}):`
    : `Cluster "${name}":`;
}

/** The tables of one single-cluster ledger (or the section of `cluster`), checked. */
function sectionTable(ledger: Ledger, cluster?: string): string {
  const inspected = inspectLedger(ledger);
  const rows = Object.entries(inspected.ledger.pools)
    .map(([name, e]) => ({ name, e, cidr: inspected.cidrs.get(name)! }))
    .sort((x, y) => x.cidr.compare(y.cidr) || compareNames(x.name, y.name))
    .map(({ name, e, cidr }) => [
      name,
      `IPv${e.family}`,
      e.cidr,
      String(e.blockSize),
      String(1n << BigInt(Math.max(0, e.blockSize - cidr.prefix))),
      e.status,
    ]);
  const out = textTable(["NAME", "FAMILY", "CIDR", "BLOCK SIZE", "BLOCKS", "STATUS"], [false, false, false, true, true, false], rows);
  const addresses = Object.entries(inspected.ledger.addresses ?? {})
    .sort(([a], [b]) => compareNames(a, b))
    .map(([key, a]) => {
      const cut = key.lastIndexOf("/");
      return [key.slice(0, cut), key.slice(cut + 1) === "ipv6" ? "IPv6" : "IPv4", a.address, a.pool];
    });
  if (addresses.length > 0) out.push(...textTable(["WORKLOAD", "FAMILY", "ADDRESS", "POOL"], [false, false, false, false], addresses));
  const nodes = Object.entries(inspected.ledger.nodeCidrs ?? {})
    .sort(([a], [b]) => compareNames(a, b))
    .map(([node, list]) => [node, list.join(", ")]);
  if (nodes.length > 0) out.push(...textTable(["NODE", "POD CIDRS"], [false, false], nodes));
  const drawnRanges = Object.entries(inspected.ledger.drawnRanges ?? {});
  const drainingDrawn = drawnRanges.filter(([, r]) => r.status === "draining").map(([key]) => key);
  // The STATUS column only when some range is draining: the table of a ledger without any reads as before.
  const drawn = drawnRanges.map(([key, r]) => [key, r.kind === "service" ? "Service CIDR" : "node network", r.cidr, ...(drainingDrawn.length > 0 ? [r.status ?? "active"] : [])]);
  if (drawn.length > 0) {
    const headers = ["RANGE", "KIND", "CIDR", ...(drainingDrawn.length > 0 ? ["STATUS"] : [])];
    out.push("Drawn from the fleet's address plan:", ...textTable(headers, headers.map(() => false), drawn));
  }
  if (drainingDrawn.length > 0) {
    out.push(
      `Draining drawn ranges are no longer asked for and stay reserved until released; once no Service or node uses them: ` +
        `calico-ipam ledger release${cluster !== undefined ? ` --cluster ${cluster}` : ""} ${drainingDrawn.join(" ")}`,
    );
  }
  const migrations = Object.entries(inspected.ledger.migrations ?? {})
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, m]) => migrationRow(name, m));
  if (migrations.length > 0) {
    out.push("Migrations:", ...textTable(["MIGRATION", "KIND", "FROM", "TO", "TEMPORARY POOL", "PHASE"], [false, false, false, false, false, false], migrations));
  }
  const active = rows.filter((r) => r[5] === "active").length;
  const draining = rows.length - active;
  const fixed = addresses.length > 0 ? `; ${addresses.length} fixed address${addresses.length === 1 ? "" : "es"}` : "";
  const withCidrs = nodes.length > 0 ? `; ${nodes.length} node${nodes.length === 1 ? "" : "s"} with pod CIDRs` : "";
  const migrating = migrations.length > 0 ? `; ${migrations.length} migration${migrations.length === 1 ? "" : "s"}` : "";
  // Draining drawn ranges are counted as draining pools are (active ones are listed in their table only).
  const drawnDraining = drainingDrawn.length > 0 ? `; ${drainingDrawn.length} drawn range${drainingDrawn.length === 1 ? "" : "s"} draining` : "";
  out.push(
    rows.length === 0
      ? `The ledger has no pools${fixed}${withCidrs}${migrating}${drawnDraining}.`
      : `${rows.length} pool${rows.length === 1 ? "" : "s"}: ${active} active, ${draining} draining` +
          (draining > 0 ? " (draining pools stay disabled and their ranges reserved until released)" : "") +
          fixed +
          withCidrs +
          migrating +
          drawnDraining,
  );
  return `${out.join("\n")}\n`;
}

/**
 * One row of the migrations table: the migration's name and kind; FROM and TO, the pool the pods leave
 * and the target pool (`migratePool`), or the pool with its block size (`changeBlockSize`) or CIDR
 * (`changeCidr`, with the block size too when it changes) before and after; the temporary pool
 * (`-` for `migratePool`); and the phase reached, `<phase> of <last> (<name>)`, named after
 * {@link MIGRATION_PHASES}.
 */
function migrationRow(name: string, m: LedgerMigration): string[] {
  const phases = MIGRATION_PHASES[m.kind];
  const phase = `${m.phase} of ${phases.length} (${phases[m.phase - 1]})`;
  if (m.kind === "migratePool") return [name, m.kind, m.pool, m.to ?? "-", "-", phase];
  const target = m.target ?? m.original;
  const range = (r: { cidr: string; blockSize: number }) =>
    m.kind === "changeBlockSize"
      ? `${m.pool} (block size ${r.blockSize})`
      : `${m.pool} (${r.cidr}${target.blockSize !== m.original.blockSize ? `, block size ${r.blockSize}` : ""})`;
  return [name, m.kind, range(m.original), range(target), m.temporaryPool ?? "-", phase];
}
