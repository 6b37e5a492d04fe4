import { DEFAULT_MAX_BLOCKS_PER_HOST } from "../model/calico";
import { compareFindings } from "../report/format";
import { InspectOptions, inspectDump } from "./check";
import type { BlockUtilization, BorrowedAddress, CheckCounts, PoolUtilization } from "./check";
import { DriftInput, DriftReport, driftFromPlan } from "./drift";
import type { ClusterDump, InspectFinding } from "./model";

/** `schema` of an inspect report. */
export const INSPECT_REPORT_SCHEMA = "cdktf-calico-ipam/inspect";
/** The inspect report schema version this library writes. */
export const INSPECT_REPORT_SCHEMA_VERSION = 1;

/** The IPAM configuration in force: the dump's, or Calico's defaults when the dump has none. */
export interface InspectIpamConfiguration {
  /** `IPAMConfig` (crd.projectcalico.org/v1), `IPAMConfiguration` (projectcalico.org/v3), or null when not in the dump. */
  readonly kind: string | null;
  readonly strictAffinity: boolean;
  readonly autoAllocateBlocks: boolean;
  readonly maxBlocksPerHost: number;
  /** What Calico enforces per node and family (0 means 20). */
  readonly effectiveMaxBlocksPerHost: number;
  readonly kubeVirtVMAddressPersistence: string;
}

/** A `calicoctl ipam check -o` report read with the dump. */
export interface InspectCheckReport {
  readonly file: string;
  readonly version: string;
  readonly clusterGUID: string;
  readonly clusterType: string;
  readonly datastoreLocked: boolean;
  readonly addresses: number;
  readonly addressesNotInUse: number;
  readonly leakedHandles: number;
}

/**
 * The inspect report (schema `cdktf-calico-ipam/inspect`, version 1; `docs/inspect.md`): a cluster's
 * IPAM state read from a dump, its utilization, the consistency checks and, with a plan, the drift.
 * Deterministic: the same dump gives the same bytes.
 */
export interface InspectReport {
  readonly schema: typeof INSPECT_REPORT_SCHEMA;
  readonly schemaVersion: typeof INSPECT_REPORT_SCHEMA_VERSION;
  readonly generatedBy?: string;
  /** The dump files, as given. */
  readonly files: readonly string[];
  /** Objects read, by kind (sorted keys). */
  readonly objects: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
  readonly ipamConfiguration: InspectIpamConfiguration;
  /** Name order. */
  readonly pools: readonly PoolUtilization[];
  /** Address order. */
  readonly blocks: readonly BlockUtilization[];
  readonly borrowed: readonly BorrowedAddress[];
  /** Allocations with no node attribute: whether they are borrowed cannot be told. */
  readonly unclassifiedAllocations: number;
  /** The counts `calicoctl ipam check` prints. */
  readonly checks: CheckCounts;
  readonly checkReports: readonly InspectCheckReport[];
  /** Present with a plan (`--plan`). */
  readonly drift?: DriftReport;
  /** Sorted by severity (errors first), subject, code, path, message. */
  readonly findings: readonly InspectFinding[];
  readonly summary: { readonly errors: number; readonly warnings: number };
}

/** Options of {@link buildInspectReport}. */
export interface InspectReportOptions extends InspectOptions {
  /** Compare with this plan. @default - no drift section */
  readonly plan?: DriftInput;
  /** Written as `generatedBy`. @default - omitted */
  readonly generatedBy?: string;
}

/** Reads, checks and (with a plan) compares a dump into the inspect report. */
export function buildInspectReport(dump: ClusterDump, options: InspectReportOptions = {}): InspectReport {
  const declared = options.declaredPools ?? (options.plan ? new Set(options.plan.pools.map((p) => p.name)) : undefined);
  const inspection = inspectDump(dump, declared ? { declaredPools: declared } : {});
  const drift = options.plan ? driftFromPlan(dump, options.plan) : undefined;
  const findings = [...dump.findings, ...inspection.findings, ...(drift?.findings ?? [])].sort(compareFindings);
  const c = dump.ipamConfiguration;
  const max = c?.maxBlocksPerHost ?? 0;
  return {
    schema: INSPECT_REPORT_SCHEMA,
    schemaVersion: INSPECT_REPORT_SCHEMA_VERSION,
    ...(options.generatedBy !== undefined ? { generatedBy: options.generatedBy } : {}),
    files: [...dump.files],
    objects: Object.fromEntries(Object.entries(dump.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    notes: [...dump.notes],
    ipamConfiguration: {
      kind: c?.kind ?? null,
      strictAffinity: c?.strictAffinity ?? false,
      autoAllocateBlocks: c?.autoAllocateBlocks ?? true,
      maxBlocksPerHost: max,
      effectiveMaxBlocksPerHost: max > 0 ? max : DEFAULT_MAX_BLOCKS_PER_HOST,
      kubeVirtVMAddressPersistence: c?.kubeVirtVMAddressPersistence ?? "Enabled",
    },
    pools: inspection.pools,
    blocks: inspection.blocks,
    borrowed: inspection.borrowed,
    unclassifiedAllocations: inspection.unclassified,
    checks: inspection.counts,
    checkReports: dump.checkReports.map((r) => {
      const all = [...r.allocations.values()].flat();
      return {
        file: r.file,
        version: r.version,
        clusterGUID: r.clusterGUID,
        clusterType: r.clusterType,
        datastoreLocked: r.datastoreLocked,
        addresses: r.allocations.size,
        addressesNotInUse: new Set(all.filter((a) => !a.inUse).map((a) => a.ip)).size,
        leakedHandles: r.leakedHandles.length,
      };
    }),
    ...(drift ? { drift: drift.drift } : {}),
    findings,
    summary: { errors: findings.filter((f) => f.severity === "error").length, warnings: findings.filter((f) => f.severity === "warning").length },
  };
}
