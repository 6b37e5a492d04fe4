import { writeLedgerIfChanged } from "../ledger";
import { buildPlanReport } from "../report";
import type { PlanReport, PlanReportOptions } from "../report";
import type { HostLocalSettings, SpecFile } from "../spec/schema";
import type { SimulationResult } from "../simulator/result";
import { simulatePlan } from "./harness";
import { harnessPlan, migrationReportInput } from "./migration-harness";
import { hostLocalPlanReport, planHostLocalCluster } from "./host-local";
import { IpamPlan, PlanLedgerOptions, planIpam, writePlanLedger } from "./plan";

/** A spec file planned, validated and played by the harness, as the CLI commands use it. */
export interface SpecFilePlan {
  /** The Calico IPAM plan (for a host-local spec, the plan of the pools Calico still needs). */
  readonly plan: IpamPlan;
  /** Validation, carving, the ledger and the harness, with accepted findings applied. */
  readonly report: PlanReport;
  /** Records the plan in the ledger, as synth does: only when the report has no error, only on change. */
  readonly writeLedger: () => void;
  /** The harness run, when the spec declares a topology or an initial state. */
  readonly simulation?: SimulationResult;
}

/**
 * Plans a spec file the way a synth plans the constructs: the plan (carving, ledger, validation), the
 * harness when the spec declares a topology, and the report with the accepted findings. Reads the
 * ledger; writes it only through {@link SpecFilePlan.writeLedger}.
 */
export function planSpecFile(spec: SpecFile, ledger: PlanLedgerOptions, options: Pick<PlanReportOptions, "generatedBy" | "inputFindings"> & { baseDir?: string; keepEndState?: boolean }): SpecFilePlan {
  const { generatedBy, inputFindings } = options;
  if (spec.hostLocal) return planHostLocalSpec(spec, spec.hostLocal, ledger, generatedBy);
  const plan = planIpam(spec, ledger);
  const initialState = spec.harness?.initialState;
  const simulation = harnessOf(harnessPlan(plan, { initialState }), spec, options.baseDir, options.keepEndState);
  const harness = spec.topology || initialState ? { topology: spec.topology ?? { nodes: [] }, cni: spec.cni, utilizationThreshold: spec.harness?.utilizationThreshold, initialState, baseDir: options.baseDir } : undefined;
  const migrations = migrationReportInput(plan, harness);
  const report = buildPlanReport(plan, simulation, { accepted: spec.harness?.acceptedFindings, generatedBy, inputFindings, ...(migrations ? { migrations } : {}) });
  return {
    plan,
    report,
    writeLedger: () => {
      if (report.summary.errors === 0) writePlanLedger(plan);
    },
    ...(simulation ? { simulation } : {}),
  };
}

/**
 * The harness run of a spec file: when it declares a topology or starts from a dump
 * (`harness.initialState`, dump paths relative to `baseDir`, the spec file's directory).
 */
export function harnessOf(plan: IpamPlan, spec: SpecFile, baseDir?: string, keepEndState?: boolean): SimulationResult | undefined {
  const initialState = spec.harness?.initialState;
  if (!spec.topology && !initialState) return undefined;
  return simulatePlan(plan, { topology: spec.topology ?? { nodes: [] }, cni: spec.cni, utilizationThreshold: spec.harness?.utilizationThreshold, initialState, baseDir, keepEndState });
}

/** A host-local spec: node ranges, the pools Calico still needs, per-node usage; Calico IPAM features explained away. */
function planHostLocalSpec(spec: SpecFile, settings: HostLocalSettings, ledger: PlanLedgerOptions, generatedBy: string | undefined): SpecFilePlan {
  const topology = spec.topology ?? { nodes: [] };
  const result = planHostLocalCluster(
    {
      apiVersion: spec.apiVersion,
      ...settings,
      serviceCidrs: spec.serviceCidrs,
      nodeCidrs: spec.nodeCidrs,
      topology,
      utilizationThreshold: spec.harness?.utilizationThreshold,
      unsupported: {
        multiplePools: spec.pools.length > 0,
        topologyPools: spec.pools.some((p) => p.nodeSelector !== undefined && p.nodeSelector.trim() !== "all()"),
        namespacePools: spec.pools.some((p) => p.namespaceSelector !== undefined) || (spec.namespaces ?? []).some((n) => n.annotations !== undefined),
        blockSize: spec.pools.some((p) => p.blockSize !== undefined),
        fixedAddresses: (topology.workloads ?? []).some((w) => (w.annotations?.ipAddrs ?? []).length > 0),
        ipamConfiguration: spec.ipamConfiguration !== undefined,
        reservations: (spec.reservations ?? []).length > 0,
      },
    },
    ledger,
  );
  const report = hostLocalPlanReport(result, { accepted: spec.harness?.acceptedFindings, generatedBy });
  return {
    plan: result.pools,
    report,
    writeLedger: () => {
      if (report.summary.errors === 0 && result.ledgerFile !== undefined) writeLedgerIfChanged(result.ledgerFile, result.ledger);
    },
  };
}
