import { describeFileSystemError } from "../io/file-errors";
import { InputError } from "../io/input-error";
import { LedgerError } from "../ledger/errors";

/** What the CLI says about an error that stopped a command: one line, and where it happened. */
export interface Failure {
  /** One line, without the `calico-ipam:` prefix. */
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  /** false for a problem of the input or the environment; true for a bug of calico-ipam. */
  readonly internal: boolean;
}

/**
 * Turns anything a command threw into one line for a user: the input's own message for input, spec
 * and ledger errors, plain words and the path for file system errors (EPIPE, EEXIST, EACCES, ENOSPC…),
 * and for anything else an "internal error" line that asks for `--debug`. Never a stack trace.
 */
export function describeFailure(e: unknown): Failure {
  if (e instanceof InputError) return { message: firstLines(e.message), file: e.file, line: e.line, internal: false };
  if (e instanceof LedgerError) return { message: firstLines(e.message), file: e.file, internal: false };
  const fileError = describeFileSystemError(e);
  if (fileError !== undefined) return { message: fileError.message, file: fileError.path, internal: false };
  if (e instanceof EvalError && /code generation from strings disallowed/i.test(e.message)) {
    return { message: CODE_GENERATION_DISALLOWED, internal: false };
  }
  const text = e instanceof Error ? e.message : String(e);
  return { message: `internal error: ${text.split("\n")[0]}; rerun with --debug for the stack trace, and please report it`, internal: true };
}

/**
 * What the CLI says when Node runs with `--disallow-code-generation-from-strings` (on the command line or
 * in `NODE_OPTIONS`): the CRD schema validators (Ajv) and the dump reader's byte tests are compiled when
 * first used, which that flag forbids.
 */
export const CODE_GENERATION_DISALLOWED =
  "Node.js runs with --disallow-code-generation-from-strings (on its command line or in NODE_OPTIONS), and calico-ipam compiles its Calico CRD schema validators at run time; run it without that flag";

/** Keeps a multi-line input message (a list of problems) but nothing that looks like a stack. */
function firstLines(message: string): string {
  return message
    .split("\n")
    .filter((l) => !/^\s+at /.test(l))
    .join("\n");
}

/** True when the command line asks for stack traces of unexpected errors. */
export function wantsDebug(argv: readonly string[]): boolean {
  return argv.includes("--debug") || process.env.CALICO_IPAM_DEBUG === "1";
}

let guarded = false;

/**
 * Makes a closed standard output (`calico-ipam plan … | head -1`) end the process with one line on
 * standard error and exit code 2, instead of an unhandled `EPIPE` error event.
 */
export function guardStandardOutput(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    const failure = describeFailure(e);
    try {
      process.stderr.write(`calico-ipam: ${failure.message}\n`);
    } finally {
      process.exit(2);
    }
  });
}
