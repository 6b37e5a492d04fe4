import { Cidr } from "../ip";
import { serializeLedger } from "../ledger";
import type { Ledger, LedgerEntry } from "../ledger";
import { compareText } from "../report/format";
import type { AllowedUse, AssignmentMode, EncapsulationMode } from "../model/calico";
import { recordedSpec } from "../plan/plan";
import { renderIpPool } from "../render/manifests";
import type { ClusterDump } from "./model";

/** What {@link adoptLivePools} did with one live pool. */
export interface AdoptedPool {
  readonly name: string;
  readonly cidr: string;
  /** `adopted` (recorded now), `recorded` (the ledger already has it), `skipped` (see `reason`). */
  readonly outcome: "adopted" | "recorded" | "skipped";
  readonly reason?: string;
}

/** The result of {@link adoptLivePools}. */
export interface AdoptResult {
  /** The ledger with the adopted pools; the input ledger when nothing was adopted. */
  readonly ledger: Ledger;
  /** Every live pool, name order. */
  readonly pools: readonly AdoptedPool[];
  /**
   * Live pools the ledger cannot record, each a sentence: a name the ledger records with another range,
   * a range that overlaps another recorded pool. When there is one, nothing is adopted (`ledger` is the input).
   */
  readonly conflicts: readonly string[];
}

/**
 * Records a cluster's existing pools in the ledger, so that carving never hands out a range a live pool
 * already has. A live pool the ledger does not know is recorded under its name with its CIDR and block
 * size, as `draining`: its range is held (not carved for another pool) while it is not declared in code,
 * and a pool of the same name declared later keeps that range and becomes `active` (the carver's rule).
 * A pool whose name or range the ledger already records is left alone.
 *
 * A live pool whose name the ledger records with another range, or whose range overlaps another
 * recorded pool, is a conflict: then nothing is adopted.
 *
 * @throws LedgerError only if the resulting ledger breaks a rule of the format (the ledger's own checks)
 */
export function adoptLivePools(ledger: Ledger, dump: ClusterDump): AdoptResult {
  const byCidr = new Map(Object.entries(ledger.pools).map(([n, e]) => [e.cidr, n]));
  const pools: AdoptedPool[] = [];
  const added: Array<[string, LedgerEntry]> = [];
  const conflicts: string[] = [];
  for (const p of [...dump.pools].sort((a, b) => compareText(a.name, b.name))) {
    if (!p.cidr) {
      pools.push({ name: p.name, cidr: p.cidrText, outcome: "skipped", reason: `its CIDR "${p.cidrText}" does not parse` });
      continue;
    }
    const cidr = p.cidr.toString();
    const entry = Object.prototype.hasOwnProperty.call(ledger.pools, p.name) ? ledger.pools[p.name] : undefined;
    if (entry) {
      if (entry.cidr === cidr) pools.push({ name: p.name, cidr, outcome: "recorded" });
      else conflicts.push(`live pool "${p.name}" is ${cidr} but the ledger records "${p.name}" (${entry.status}) at ${entry.cidr}`);
      continue;
    }
    const other = byCidr.get(cidr);
    if (other !== undefined) {
      pools.push({ name: p.name, cidr, outcome: "recorded", reason: `recorded as "${other}"` });
      continue;
    }
    const overlapping = [...Object.entries(ledger.pools), ...added].find(([, e]) => {
      const c = Cidr.parse(e.cidr);
      return c.family === p.cidr?.family && c.overlaps(p.cidr);
    });
    if (overlapping) {
      conflicts.push(`live pool "${p.name}" (${cidr}) overlaps ${overlapping[1].cidr}, ${added.some(([n]) => n === overlapping[0]) ? `the range of live pool "${overlapping[0]}"` : `the range the ledger records for pool "${overlapping[0]}" (${overlapping[1].status})`}`);
      continue;
    }
    if (p.blockSize < p.cidr.prefix) {
      pools.push({ name: p.name, cidr, outcome: "skipped", reason: `its blockSize ${p.blockSize} is shorter than its prefix, which the ledger cannot record (a disabled pool smaller than a block)` });
      continue;
    }
    // Its spec too, so that a migration away from it disables it with its encapsulation, NAT and selectors.
    const spec = recordedSpec(
      renderIpPool({
        name: p.name,
        cidr,
        blockSize: p.blockSize,
        ipipMode: p.ipipMode as EncapsulationMode,
        vxlanMode: p.vxlanMode as EncapsulationMode,
        natOutgoing: p.natOutgoing,
        disableBGPExport: p.disableBGPExport,
        nodeSelector: p.nodeSelector,
        ...(p.namespaceSelector !== "" ? { namespaceSelector: p.namespaceSelector } : {}),
        allowedUses: p.allowedUses as AllowedUse[],
        assignmentMode: p.assignmentMode as AssignmentMode,
      }),
    );
    added.push([p.name, { family: p.cidr.family, cidr, blockSize: p.blockSize, status: "adopted", ...(spec ? { spec } : {}) }]);
    pools.push({ name: p.name, cidr, outcome: "adopted" });
  }
  if (conflicts.length > 0) return { ledger, pools, conflicts };
  if (added.length === 0) return { ledger, pools, conflicts };
  const next: Ledger = { ...ledger, pools: Object.fromEntries([...Object.entries(ledger.pools), ...added].sort(([a], [b]) => compareText(a, b))) };
  serializeLedger(next); // the ledger's own checks: overlaps with recorded ranges, names, block sizes
  return { ledger: next, pools, conflicts };
}
