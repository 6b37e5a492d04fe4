import { CALICO_API_VERSIONS } from "../model/calico";
import { Finding, Severity, sortFindings } from "../validation/finding";
import { EffectiveIpPool, checkIpPool, validateIpPools } from "../validation/ip-pool";
import { checkIpReservation } from "../validation/ip-reservation";
import { checkIpamConfiguration } from "../validation/ipam-configuration";
import { LoadedDocument, loadObjects } from "./load";

/** One finding of `calico-ipam lint`, with the place it was found. */
export interface LintFinding extends Finding {
  readonly file: string;
  readonly document: number;
  readonly line: number;
  readonly kind: string;
  readonly name: string;
}

/** A document lint did not check, and why. */
export interface LintSkipped {
  readonly file: string;
  readonly document: number;
  readonly line: number;
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
}

/** The result of `calico-ipam lint`, also its `--format json` output. */
export interface LintReport {
  readonly files: readonly string[];
  readonly checked: number;
  readonly findings: readonly LintFinding[];
  readonly skipped: readonly LintSkipped[];
  readonly summary: { readonly errors: number; readonly warnings: number };
}

const POOL_KINDS = new Set(["IPPool"]);
const CONFIG_KINDS = new Set(["IPAMConfiguration", "IPAMConfig"]);
const RESERVATION_KINDS = new Set(["IPReservation"]);
const CHECKED_KINDS = [...POOL_KINDS, ...CONFIG_KINDS, ...RESERVATION_KINDS];

/**
 * Validates the Calico IPAM objects of several files with the library's core: each IPPool and IPAM
 * configuration on its own, and the pools across all files (overlaps, duplicate names).
 * Throws `InputError` when a file cannot be read or parsed.
 */
export function lintFiles(files: readonly string[]): LintReport {
  return lintDocuments(files.flatMap((f) => loadObjects(f)), files);
}

/**
 * The one validation path for Calico objects read from files, shared by `lint` and `plan --cluster`:
 * the same object gets the same findings wherever it enters.
 */
export function lintDocuments(docs: readonly LoadedDocument[], files: readonly string[]): LintReport {
  const pools: LoadedDocument[] = [];
  const configs: LoadedDocument[] = [];
  const reservations: LoadedDocument[] = [];
  const skipped: LintSkipped[] = [];
  for (const d of docs) {
    const { kind, apiVersion, name } = identify(d.value);
    // A Calico kind with a missing or wrong apiVersion, or in the wrong case (`ippool`), is checked, so
    // the validator says what is wrong instead of skipping an object the user meant as Calico's.
    const calicoKind = CHECKED_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (calicoKind !== undefined && (isCalico(apiVersion) || !isOtherGroup(apiVersion))) {
      (POOL_KINDS.has(calicoKind) ? pools : CONFIG_KINDS.has(calicoKind) ? configs : reservations).push(d);
    } else {
      skipped.push({
        file: d.file, document: d.document, line: d.line, kind: kind || "(none)", name,
        reason: kind ? `${apiVersion || "(no apiVersion)"} ${kind} is not a Calico IPAM resource this command checks` : "the document has no kind",
      });
    }
  }
  const findings: LintFinding[] = [];
  // A finding points at the line of its field, not at the document's first line.
  const place = (d: LoadedDocument, path = "") => {
    const { kind, name } = identify(d.value);
    return { file: d.file, document: d.document, line: path !== "" && d.lineOf ? d.lineOf(path) : d.line, kind, name };
  };
  validateIpPools(pools.map((d) => d.value)).forEach((fs, i) => {
    for (const f of sortFindings(fs)) findings.push({ ...place(pools[i], f.path), ...f });
  });
  // Reservations are checked against the pools of all files (share of a pool, whole pool, no pool).
  const effectivePools = pools.map((d) => checkIpPool(d.value).pool).filter((p): p is EffectiveIpPool => p !== undefined);
  for (const d of reservations) {
    for (const f of sortFindings(checkIpReservation(d.value, effectivePools).findings)) findings.push({ ...place(d, f.path), ...f });
  }
  configs.forEach((d, i) => {
    for (const f of sortFindings(checkIpamConfiguration(d.value).findings)) findings.push({ ...place(d, f.path), ...f });
    if (i > 0) {
      findings.push({
        ...place(d), severity: "warning", code: "IPAM_CONFIG_DUPLICATE", path: "metadata.name",
        message: `another IPAM configuration was already given (${configs[0].file} document ${configs[0].document}); Calico keeps one, and the last one applied wins`,
      });
    }
  });
  findings.sort((a, b) => cmp(a.file, b.file) || a.document - b.document || a.line - b.line || cmp(a.path, b.path) || cmp(a.code, b.code) || cmp(a.message, b.message));
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    files: [...files],
    checked: pools.length + configs.length + reservations.length,
    findings,
    skipped,
    summary: { errors: count("error"), warnings: count("warning") },
  };
}

/** The report as text: one line per finding, then the skipped documents and a summary. */
export function formatLintText(report: LintReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`${f.file}:${f.line} (document ${f.document}) ${f.kind}/${f.name || "?"} ${f.severity} ${f.code} ${f.path || "(object)"}: ${f.message}`);
  }
  for (const s of report.skipped) {
    lines.push(`${s.file}:${s.line} (document ${s.document}) ${s.kind}/${s.name || "?"} skipped: ${s.reason}`);
  }
  lines.push(
    `${report.checked} object${report.checked === 1 ? "" : "s"} checked in ${report.files.length} file${report.files.length === 1 ? "" : "s"}: ` +
      `${report.summary.errors} error${report.summary.errors === 1 ? "" : "s"}, ${report.summary.warnings} warning${report.summary.warnings === 1 ? "" : "s"}` +
      (report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : ""),
  );
  return lines.join("\n") + "\n";
}

function identify(value: unknown): { kind: string; apiVersion: string; name: string } {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const meta = (typeof v.metadata === "object" && v.metadata !== null ? v.metadata : {}) as Record<string, unknown>;
  return {
    kind: typeof v.kind === "string" ? v.kind : "",
    apiVersion: typeof v.apiVersion === "string" ? v.apiVersion : "",
    name: typeof meta.name === "string" ? meta.name : "",
  };
}

function isCalico(apiVersion: string): boolean {
  // A wrong version of a Calico group is still checked, so the validator can name it.
  return (CALICO_API_VERSIONS as readonly string[]).includes(apiVersion) || /projectcalico\.org\//.test(apiVersion);
}

/** An apiVersion of an API group other than Calico's (`metallb.io/v1beta1`); the core group `v1` is not one. */
function isOtherGroup(apiVersion: string): boolean {
  return apiVersion.includes("/") && apiVersion.split("/")[0].includes(".");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
