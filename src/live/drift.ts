import { Cidr, parseAddress } from "../ip";
import type { Ledger } from "../ledger";
import type { ReportPool, ReportWorkload } from "../report";
import { compareText } from "../report/format";
import { tryParseSelector } from "../selector";
import { allocationAt } from "./check";
import type { ClusterDump, InspectFinding, LivePool } from "./model";
import { liveFinding } from "./private/findings";

/** The pool fields compared between the plan and the cluster, in report order. */
export const DRIFT_POOL_FIELDS = ["cidr", "blockSize", "nodeSelector", "namespaceSelector", "disabled", "allowedUses", "assignmentMode", "ipipMode", "vxlanMode", "natOutgoing", "disableBGPExport"] as const;

/** A compared pool field. */
export type DriftPoolField = (typeof DRIFT_POOL_FIELDS)[number];

/** What the plan says against what the cluster has. */
export interface DriftInput {
  /** Where the plan came from (spec file or plan.json), for messages. */
  readonly planFile: string;
  /** The planned pools, with Calico's defaults applied (the plan report's pools). */
  readonly pools: readonly ReportPool[];
  /** The workloads with fixed addresses. @default - none */
  readonly workloads?: readonly ReportWorkload[];
  /** The ledger of handed-out ranges, when there is one: retired ranges and unknown live pools are checked against it. @default - not checked */
  readonly ledger?: Ledger;
}

/** One field that differs. */
export interface DriftFieldChange {
  readonly field: DriftPoolField;
  readonly plan: string;
  readonly live: string;
}

/** The drift section of the inspect report. */
export interface DriftReport {
  readonly plan: string;
  /** Planned pools the cluster does not have (name order). */
  readonly poolsMissing: readonly string[];
  /** Live pools the plan does not declare (name order). */
  readonly poolsExtra: readonly string[];
  /** Pools whose fields differ (name order). */
  readonly poolsChanged: readonly { readonly name: string; readonly fields: readonly DriftFieldChange[] }[];
  /** Live pools whose range the ledger does not record; null without a ledger. */
  readonly poolsNotInLedger: readonly string[] | null;
}

const CHANGE_BLOCK_SIZE = "https://docs.tigera.io/calico/latest/networking/ipam/change-block-size";
const MIGRATE_POOLS = "https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools";

/**
 * Compares the cluster with the plan: pools missing, extra or different (cidr, blockSize, selectors in
 * canonical form, disabled, allowed uses, assignment mode, encapsulation, NAT, BGP export), blocks in
 * ranges the ledger records as retired, fixed addresses held by another pod, live pools the ledger does
 * not know. Findings (`source: "drift"`): `DRIFT_POOL_MISSING` (warning), `DRIFT_POOL_EXTRA` (warning;
 * the default pools are reported by the checks instead), `DRIFT_POOL_CHANGED` (error for cidr and
 * blockSize, which Calico cannot change in place; warning otherwise), `DRIFT_BLOCK_IN_RETIRED_RANGE`
 * (warning), `DRIFT_FIXED_ADDRESS_TAKEN` (error), `DRIFT_POOL_NOT_IN_LEDGER` (warning).
 */
export function driftFromPlan(dump: ClusterDump, input: DriftInput): { readonly drift: DriftReport; readonly findings: readonly InspectFinding[] } {
  const findings: InspectFinding[] = [];
  const add = (severity: "error" | "warning", code: string, subject: string, path: string, message: string) => findings.push(liveFinding(severity, code, subject, path, message, "drift"));
  const planned = new Map(input.pools.map((p) => [p.name, p]));
  const live = new Map(dump.pools.map((p) => [p.name, p]));
  const names = [...new Set([...planned.keys(), ...live.keys()])].sort(compareText);
  const poolsMissing: string[] = [];
  const poolsExtra: string[] = [];
  const poolsChanged: { name: string; fields: DriftFieldChange[] }[] = [];

  for (const name of names) {
    const p = planned.get(name);
    const l = live.get(name);
    if (p && !l) {
      poolsMissing.push(name);
      add("warning", "DRIFT_POOL_MISSING", `IPPool/${name}`, "", `The plan (${input.planFile}) declares pool "${name}" (${p.cidr ?? "no range"}) but the cluster has no such pool: the plan is not applied yet (cdktf deploy, or kubectl apply of the rendered YAML).`);
      continue;
    }
    if (l && !p) {
      poolsExtra.push(name);
      if (!/^default-ipv[46]-ippool$/.test(name)) {
        add("warning", "DRIFT_POOL_EXTRA", `IPPool/${name}`, "", `The cluster has pool "${name}" (${l.cidrText}${l.disabled ? ", disabled" : ""}) that the plan (${input.planFile}) does not declare: created by hand or by another tool. Declare it in the plan, or migrate its pods and delete it (${MIGRATE_POOLS}).`);
      }
      continue;
    }
    if (!p || !l) continue;
    const fields = compareFields(p, l);
    if (fields.length === 0) continue;
    poolsChanged.push({ name, fields });
    const immutable = fields.filter((f) => f.field === "cidr" || f.field === "blockSize");
    const text = fields.map((f) => `${f.field}: plan ${f.plan}, cluster ${f.live}`).join("; ");
    add(
      immutable.length > 0 ? "error" : "warning",
      "DRIFT_POOL_CHANGED",
      `IPPool/${name}`,
      `spec.${fields[0].field}`,
      `Pool "${name}" differs from the plan (${input.planFile}): ${text}. ` +
        (immutable.length > 0
          ? `Calico cannot change ${immutable.map((f) => f.field).join(" or ")} of an existing pool; applying the plan fails. Follow ${immutable.some((f) => f.field === "cidr") ? MIGRATE_POOLS : CHANGE_BLOCK_SIZE}.`
          : "Applying the plan changes the cluster; or change the plan if the cluster is right."),
    );
  }

  // Fixed addresses held by a pod of another workload.
  for (const w of input.workloads ?? []) {
    for (const a of w.addresses) {
      let parsed: { family: 4 | 6; value: bigint };
      try {
        parsed = parseAddress(a.address);
      } catch {
        continue;
      }
      const at = allocationAt(dump.blocks, parsed.family, parsed.value);
      if (!at) continue;
      const attr = at.block.attributes[at.block.allocations[at.ordinal]];
      const pod = attr.secondary.pod;
      const ns = attr.secondary.namespace;
      const ours = ns === w.namespace && pod !== undefined && (pod === w.name || pod.startsWith(`${w.name}-`));
      if (ours) continue;
      add(
        "error",
        "DRIFT_FIXED_ADDRESS_TAKEN",
        `Workload/${w.namespace}/${w.name}`,
        `addresses.ipv${a.family}`,
        `The plan gives ${a.address} (pool "${a.pool}") to workload ${w.namespace}/${w.name}, but the cluster allocated it to ${pod !== undefined ? `pod ${ns ?? ""}/${pod}` : `handle ${attr.handle ?? "(none)"}`} (block ${at.block.cidr.toString()}): the workload's pods fail with "Address already assigned in block". ` +
          `Move that pod off the address (delete it so it gets another), or pick another fixed address.`,
      );
    }
  }

  let poolsNotInLedger: string[] | null = null;
  const ledger = input.ledger;
  if (ledger) {
    const retired = Object.entries(ledger.pools)
      .filter(([, e]) => e.status === "draining")
      .map(([n, e]) => ({ name: n, cidr: Cidr.parse(e.cidr) }));
    for (const b of dump.blocks) {
      if (b.deleted || b.allocated === 0) continue;
      const r = retired.find((x) => x.cidr.family === b.cidr.family && x.cidr.overlaps(b.cidr));
      if (!r) continue;
      add(
        "warning",
        "DRIFT_BLOCK_IN_RETIRED_RANGE",
        `IPAMBlock/${b.name}`,
        "spec.cidr",
        `Block ${b.cidr.toString()} holds ${b.allocated} allocated ${b.allocated === 1 ? "address" : "addresses"} in ${r.cidr.toString()}, the range of pool "${r.name}" that the ledger records as draining: pods still use it. Do not run \`calico-ipam ledger release ${r.name}\` until they are gone, or the range is carved again while in use.`,
      );
    }
    const byCidr = new Map(Object.entries(ledger.pools).map(([n, e]) => [e.cidr, n]));
    poolsNotInLedger = [];
    for (const l of [...dump.pools].sort((a, b) => compareText(a.name, b.name))) {
      if (!l.cidr) continue;
      const entry = ledger.pools[l.name];
      if (entry && entry.cidr === l.cidr.toString()) continue;
      if (byCidr.has(l.cidr.toString())) continue;
      poolsNotInLedger.push(l.name);
      add(
        "warning",
        "DRIFT_POOL_NOT_IN_LEDGER",
        `IPPool/${l.name}`,
        "spec.cidr",
        `Live pool "${l.name}" (${l.cidr.toString()}) is not in the ledger${entry ? ` (the ledger records ${entry.cidr} under that name)` : ""}: carving may hand its range to another pool. Record it with \`calico-ipam ledger adopt <dump…>\`.`,
      );
    }
  }

  return { drift: { plan: input.planFile, poolsMissing, poolsExtra, poolsChanged, poolsNotInLedger }, findings };
}

function canonicalSelector(text: string): string {
  const parsed = tryParseSelector(text);
  return parsed.ok ? parsed.selector.toString() : text;
}

function compareFields(p: ReportPool, l: LivePool): DriftFieldChange[] {
  const out: DriftFieldChange[] = [];
  const cmp = (field: DriftPoolField, plan: string, live: string) => {
    if (plan !== live) out.push({ field, plan, live });
  };
  cmp("cidr", p.cidr ?? "(none)", l.cidr?.toString() ?? l.cidrText);
  cmp("blockSize", String(p.blockSize), String(l.blockSize));
  cmp("nodeSelector", canonicalSelector(p.nodeSelector || "all()"), canonicalSelector(l.nodeSelector || "all()"));
  cmp("namespaceSelector", canonicalSelector(p.namespaceSelector), canonicalSelector(l.namespaceSelector));
  cmp("disabled", String(p.disabled), String(l.disabled));
  cmp("allowedUses", [...p.allowedUses].sort().join(","), [...l.allowedUses].sort().join(","));
  cmp("assignmentMode", p.assignmentMode, l.assignmentMode);
  cmp("ipipMode", p.ipipMode, l.ipipMode);
  cmp("vxlanMode", p.vxlanMode, l.vxlanMode);
  cmp("natOutgoing", String(p.natOutgoing), String(l.natOutgoing));
  cmp("disableBGPExport", String(p.disableBGPExport), String(l.disableBGPExport));
  return out;
}
