/**
 * The implementation of `calico-ipam plan` and `calico-ipam diff`, loaded when one of them runs (see
 * plan-command.ts for their options). `readSpec` and `planReport` serve `render` and `inspect` too.
 */
import fs from "fs";
import path from "path";
import { writeFileAtomic } from "../io/atomic-write";
import { API_CRD_V1, API_V3, CalicoApiVersion } from "../model/calico";
import { IpamPlan, planObjects } from "../plan/plan";
import { harnessOf, planSpecFile } from "../plan/spec-file";
import type { SimulationResult } from "../simulator/result";
import { DEFAULT_LEDGER_FILE } from "../ledger";
import {
  diffPlanReports,
  parsePlanReport,
  planReportFiles,
  renderDiffHtml,
  renderDiffMarkdown,
  renderDiffText,
  renderJson,
  renderPlanHtml,
  renderPlanMarkdown,
  renderPlanSvg,
  renderPlanText,
} from "../report";
import type { PlanReport, PlanReportOptions } from "../report";
import { readSpecFile } from "../spec/read-spec";
import { isFleetFile } from "../spec/rules";
import type { FleetFile, SpecFile } from "../spec/schema";
import { FLEET_PLAN_SCHEMA, fleetHasErrors, planFleet, writeFleetLedgers } from "../fleet";
import { fleetSection, withFleet } from "../report/fleet";
import { buildPlanReport } from "../report";
import type { PoolDeclaration, ReservationDeclaration } from "../spec/types";
import { checkIpPool } from "../validation/ip-pool";
import { checkIpReservation } from "../validation/ip-reservation";
import { checkIpamConfiguration } from "../validation/ipam-configuration";
import { isPlainObject } from "../validation/names";
import { lintDocuments } from "./lint";
import { InputError, STDIN, loadObjects, readInput } from "./load";
import type { CliIo } from "./main";

/** The options of `calico-ipam plan`. */
export interface PlanOptions {
  cluster?: string[];
  topology?: string;
  ledger?: string;
  writeLedger?: boolean;
  format: string;
  out?: string;
  showBlocks?: boolean;
  exportState?: string;
}

/** The options of `calico-ipam diff`. */
export interface DiffOptions {
  format: string;
  reportOnly?: boolean;
}

/** `calico-ipam plan`: returns the exit code. */
export function runPlan(specFile: string | undefined, opts: PlanOptions, io: CliIo): number {
  const data = !opts.cluster && specFile !== undefined ? readData(specFile) : undefined;
  if (data !== undefined && isFleetFile(data)) {
    const beside = path.join(path.dirname(specFile as string), DEFAULT_LEDGER_FILE);
    const ledgerFile = opts.ledger ?? (opts.writeLedger || fs.existsSync(beside) ? beside : undefined);
    const fleet = readFleet(specFile as string, data);
    const baseDir = specFile === STDIN ? undefined : path.dirname(specFile as string);
    // Published plan files are named relative to the spec file, as the ledger beside it is.
    const at = (file: string) => path.resolve(baseDir ?? process.cwd(), file);
    const published = fleet.publishedPlans?.map((p) => (typeof p === "string" ? at(p) : { ...p, file: at(p.file) }));
    return fleetCommand({ ...fleet, ...(published ? { publishedPlans: published } : {}) }, ledgerFile, { ...opts, baseDir }, io);
  }
  const cluster = opts.cluster ? clusterSpec(opts.cluster, opts.topology) : undefined;
  const spec = cluster ? cluster.spec : readSpec(specFile, data);
  const beside = specFile !== undefined && !opts.cluster ? path.join(path.dirname(specFile), DEFAULT_LEDGER_FILE) : undefined;
  const ledgerFile = opts.ledger ?? (beside !== undefined && (opts.writeLedger || fs.existsSync(beside)) ? beside : undefined);
  if (opts.writeLedger && ledgerFile === undefined) throw new InputError("--write-ledger needs --ledger FILE (or a spec file, beside which calico-ipam.lock.json is written)", "");
  const baseDir = specFile !== undefined && specFile !== STDIN && !opts.cluster ? path.dirname(specFile) : undefined;
  const ledger = ledgerFile !== undefined ? { file: ledgerFile } : {};
  const { plan, report, writeLedger: write, simulation } = planSpecFile(spec, ledger, { generatedBy: "calico-ipam plan", inputFindings: cluster?.inputFindings, baseDir, keepEndState: opts.exportState !== undefined });
  if (opts.writeLedger) write();
  if (opts.exportState !== undefined) exportState(opts.exportState, plan, simulation);
  if (opts.out) {
    if (fs.existsSync(opts.out) && !fs.statSync(opts.out).isDirectory()) {
      throw new InputError(`--out ${opts.out}: is a file, not a folder; give the folder to write plan.json, plan.md, plan.html and plan.svg into`, opts.out);
    }
    fs.mkdirSync(opts.out, { recursive: true });
    for (const [name, content] of planReportFiles(report)) writeFileAtomic(path.join(opts.out, name), content);
  }
  const text =
    opts.format === "json"
      ? renderJson(report)
      : opts.format === "markdown"
        ? renderPlanMarkdown(report)
        : opts.format === "html"
          ? renderPlanHtml(report)
          : opts.format === "svg"
            ? renderPlanSvg(report)
            : renderPlanText(report, { showBlocks: opts.showBlocks === true });
  io.stdout(text);
  // A ledger that exists but cannot be read or parsed is a malformed input file, as for `ledger show`: exit 2.
  if (plan.ledgerUnreadable) io.stderr(`calico-ipam: ${plan.ledgerFile}: the ledger cannot be read; nothing was carved (see the LEDGER_ finding above)\n`);
  return plan.ledgerUnreadable ? 2 : report.summary.errors > 0 ? 1 : 0;
}

/** `calico-ipam diff`: returns the exit code. */
export function runDiff(base: string, head: string, opts: DiffOptions, io: CliIo): number {
  const [before, after] = [readReport(base), readReport(head)];
  const diff = diffPlanReports(before, after);
  io.stdout(
    opts.format === "json" ? renderJson(diff) : opts.format === "text" ? renderDiffText(diff) : opts.format === "html" ? renderDiffHtml(before, after, diff) : renderDiffMarkdown(diff),
  );
  // A pull request that breaks the plan or moves a handed-out range fails the check, unless told only to report.
  return !opts.reportOnly && (diff.destructive || after.summary.errors > 0) ? 1 : 0;
}

/**
 * `--export-state DIR`: the harness's end state as the objects Calico stores (crd.projectcalico.org/v1),
 * the plan's IP pools, and the nodes and pods, as kubectl `List` files (docs/inspect.md).
 */
function exportState(dir: string, plan: IpamPlan, simulation: SimulationResult | undefined): void {
  if (!simulation?.endState) throw new InputError("--export-state needs a harness run: declare topology.nodes or harness.initialState in the spec", dir);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new InputError(`--export-state ${dir}: is a file, not a folder; give the folder to write the state's objects into`, dir);
  // The writer is loaded only when asked for (plan does not load the cluster-dump code otherwise).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { snapshotObjects, writeStateDump } = require("../live/export") as typeof import("../live/export");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringifyObjects } = require("../live/objects") as typeof import("../live/objects");
  writeStateDump(dir, snapshotObjects(simulation.endState));
  const pools = planObjects(plan).filter((o) => o.kind === "IPPool");
  if (pools.length > 0) writeFileAtomic(path.join(dir, "ippools.json"), `${stringifyObjects({ apiVersion: "v1", items: pools, kind: "List", metadata: { resourceVersion: "" } }, 4)}\n`);
}

/** Plans a spec file's plan and runs the harness when it declares a topology. Reads the ledger, never writes it. */
export function planReport(spec: SpecFile, ledgerFile?: string, inputFindings?: PlanReportOptions["inputFindings"]): { plan: IpamPlan; report: PlanReport; write: () => void } {
  const { plan, report, writeLedger } = planSpecFile(spec, ledgerFile !== undefined ? { file: ledgerFile } : {}, { generatedBy: "calico-ipam plan", inputFindings });
  return { plan, report, write: writeLedger };
}

function readFleet(file: string, data: unknown): FleetFile {
  // zod checks fleet files; it loads only for them (see readSpecFile).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseFleetFile } = require("../spec/schema") as typeof import("../spec/schema");
  const parsed = parseFleetFile(data);
  if (!parsed.ok) throw new InputError(`${file}: not a valid fleet spec file:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`, file);
  return parsed.fleet;
}

/**
 * `calico-ipam plan fleet.yaml`: every cluster of a fleet spec carved together, a report per cluster
 * with the fleet summary, the fleet's own findings first. `--out` writes `<out>/<cluster>/plan.*`.
 * @returns the exit code
 */
function fleetCommand(
  fleet: FleetFile,
  ledgerFile: string | undefined,
  opts: { writeLedger?: boolean; format: string; out?: string; showBlocks?: boolean; baseDir?: string },
  io: CliIo,
): number {
  if (opts.format === "html" || opts.format === "svg") {
    throw new InputError(`--format ${opts.format} shows one cluster: use --out DIR for each cluster's plan.html and plan.svg`, "");
  }
  const { clusters: declared, externalClusters, releaseClusters, releaseSubSpaces, publishedPlans, ...plan } = fleet;
  const result = planFleet(
    {
      ...plan,
      clusters: declared.map(({ name, isolatedFrom, peers, subSpaces, drawnRanges, ...spec }) => ({
        name,
        spec,
        ...(isolatedFrom ? { isolatedFrom } : {}),
        ...(peers ? { peers } : {}),
        ...(subSpaces ? { subSpaces } : {}),
        ...(drawnRanges ? { drawnRanges } : {}),
      })),
    },
    {
      ...(ledgerFile !== undefined ? { file: ledgerFile } : {}),
      ...(externalClusters ? { external: externalClusters } : {}),
      ...(releaseClusters ? { releaseClusters } : {}),
      ...(releaseSubSpaces ? { releaseSubSpaces } : {}),
      ...(publishedPlans ? { publishedPlans } : {}),
    },
  );
  const byName = new Map(declared.map((c) => [c.name, c]));
  const own = result.clusters.map((c) => {
    const spec = byName.get(c.name)!;
    const simulation = harnessOf(c.plan, spec, opts.baseDir);
    return { c, report: buildPlanReport(c.plan, simulation, { accepted: spec.harness?.acceptedFindings, generatedBy: "calico-ipam plan" }) };
  });
  const inputs = own.map(({ c, report }) => ({ name: c.name, report, isolatedFrom: c.isolatedFrom, reuses: c.reuses, drawnRanges: c.drawnRanges, drainingDrawnRanges: c.drainingDrawnRanges }));
  const reports = own.map(({ c, report }) => ({ name: c.name, report: withFleet(report, fleetSection(c.name, inputs, result.subSpaces)) }));
  if (opts.writeLedger) writeFleetLedgers(result);
  if (opts.out) {
    for (const { name, report } of reports) {
      fs.mkdirSync(path.join(opts.out, name), { recursive: true });
      for (const [file, content] of planReportFiles(report)) writeFileAtomic(path.join(opts.out, name, file), content);
    }
  }
  if (opts.format === "json") {
    // The fleet's own findings, then one plan report (docs/plan-schema.md) per cluster, by name.
    io.stdout(`${JSON.stringify({ schema: FLEET_PLAN_SCHEMA, schemaVersion: 1, findings: result.findings, clusters: reports }, null, 2)}\n`);
  } else {
    const fleetFindings = result.findings.map((f) => `${f.severity === "error" ? "ERROR" : "WARNING"} ${f.code} at fleet ${f.path}: ${f.message}`);
    const parts = reports.map(({ name, report }) =>
      opts.format === "markdown" ? `# Cluster \`${name}\`\n\n${renderPlanMarkdown(report)}` : `Cluster ${name}\n\n${renderPlanText(report, { showBlocks: opts.showBlocks === true })}`,
    );
    io.stdout([...(fleetFindings.length > 0 ? [`${fleetFindings.join("\n")}\n`] : []), ...parts].join("\n"));
  }
  return fleetHasErrors(result) ? 1 : 0;
}

function readData(file: string): unknown {
  const docs = loadObjects(file);
  if (docs.length !== 1) throw new InputError(`${file}: expected one YAML/JSON document, found ${docs.length}`, file);
  return docs[0].value;
}

export function readSpec(file: string | undefined, data?: unknown): SpecFile {
  if (file === undefined) throw new InputError("give a spec file (e.g. examples/plan/cluster.yaml), or --cluster with Calico YAML", "");
  const parsed = readSpecFile(data ?? readData(file));
  if (!parsed.ok) {
    throw new InputError(`${file}: not a valid spec file:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`, file);
  }
  return parsed.spec;
}

/**
 * An existing cluster's Calico objects as a spec: every pool pinned, as the cluster has it. The objects
 * go through `lint`'s validation first (one validation path), and only what Calico would accept of
 * them is planned: a pool whose CIDR Calico rejects is left out, and only an IPPool's own fields are
 * read (a `prefixLength` in a cluster's IPPool is an unknown field, never a carve request).
 */
function clusterSpec(files: readonly string[], topologyFile: string | undefined): { spec: SpecFile; inputFindings: NonNullable<PlanReportOptions["inputFindings"]> } {
  const docs = files.flatMap((f) => loadObjects(f));
  const lint = lintDocuments(docs, files);
  const pools: PoolDeclaration[] = [];
  const reservations: ReservationDeclaration[] = [];
  let ipamConfiguration: SpecFile["ipamConfiguration"];
  let apiVersion: CalicoApiVersion = API_V3;
  for (const doc of docs) {
    const o = isPlainObject(doc.value) ? doc.value : {};
    if (o.kind === "IPPool") {
      if (o.apiVersion === API_CRD_V1) apiVersion = API_CRD_V1;
      const pool = checkIpPool(o).pool;
      if (pool === undefined) continue; // Calico rejects it; lint's findings say why.
      pools.push({
        name: pool.name, cidr: pool.cidr.toString(), blockSize: pool.blockSize, ipipMode: pool.ipipMode, vxlanMode: pool.vxlanMode,
        natOutgoing: pool.natOutgoing, disabled: pool.disabled, disableBGPExport: pool.disableBGPExport, nodeSelector: pool.nodeSelector,
        ...(pool.namespaceSelector !== "" ? { namespaceSelector: pool.namespaceSelector } : {}),
        allowedUses: [...pool.allowedUses], assignmentMode: pool.assignmentMode,
      });
    } else if (o.kind === "IPAMConfiguration" || o.kind === "IPAMConfig") {
      const config = checkIpamConfiguration(o).config;
      if (config === undefined) continue;
      ipamConfiguration = {
        strictAffinity: config.strictAffinity, autoAllocateBlocks: config.autoAllocateBlocks,
        ...(config.maxBlocksPerHostSet ? { maxBlocksPerHost: config.maxBlocksPerHost } : {}),
        kubeVirtVMAddressPersistence: config.kubeVirtVMAddressPersistence,
      };
    } else if (o.kind === "IPReservation") {
      const meta = isPlainObject(o.metadata) ? o.metadata : {};
      if (typeof meta.name !== "string" || meta.name === "") continue;
      reservations.push({ name: meta.name, reservedCidrs: checkIpReservation(o).cidrs.map(String) });
    }
  }
  if (pools.length === 0) {
    const why = lint.findings.find((f) => f.kind === "IPPool" && f.severity === "error");
    throw new InputError(`${files.join(", ")}: no IPPool Calico would accept found${why ? ` (${why.file}:${why.line}: ${why.code} ${why.path}: ${why.message})` : ""}`, files[0]);
  }
  let extra: Partial<SpecFile> = {};
  if (topologyFile !== undefined) {
    const parsed = readSpecFile({ pools: [], ...(readData(topologyFile) as object) });
    if (!parsed.ok) throw new InputError(`${topologyFile}: not a valid topology file:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`, topologyFile);
    const { pools: _pools, ...rest } = parsed.spec;
    void _pools;
    extra = rest;
  }
  const inputFindings = lint.findings.map((f) => ({
    severity: f.severity, code: f.code, subject: `${f.kind}/${f.name || "?"}`, path: f.path, message: `${f.file}:${f.line}: ${f.message}`,
  }));
  return {
    spec: { apiVersion, ...extra, pools, ...(ipamConfiguration ? { ipamConfiguration } : {}), reservations: [...(extra.reservations ?? []), ...reservations] },
    inputFindings,
  };
}

function readReport(file: string): PlanReport {
  const text = readInput(file);
  try {
    return parsePlanReport(text, file);
  } catch (e) {
    throw new InputError((e as Error).message, file);
  }
}
