/**
 * A finding is one statement about a plan or a manifest: an error that stops synth, or a warning a
 * reviewer should read. Findings are plain data so the CLI, the constructs and the reports share them.
 */
export type Severity = "error" | "warning";

export interface Finding {
  /** `error` fails synth and makes the CLI exit 1; `warning` is reported and allowed. */
  readonly severity: Severity;
  /** Stable machine-readable code, e.g. `POOL_CIDR_NOT_MASKED`. Codes never change meaning. */
  readonly code: string;
  /** What is wrong, the offending value, and the way out. */
  readonly message: string;
  /** Where: a dotted path into the manifest or spec, e.g. `spec.blockSize` or `pools[2].cidr`. */
  readonly path: string;
}

export function error(code: string, path: string, message: string): Finding {
  return { severity: "error", code, path, message };
}

export function warning(code: string, path: string, message: string): Finding {
  return { severity: "warning", code, path, message };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}

/** Deterministic order: by path, then code, then message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => cmp(a.path, b.path) || cmp(a.code, b.code) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
