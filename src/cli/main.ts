// Each command loads its implementation when it runs (`await import`), so that a command loads only
// what it needs: `calico-ipam --help` loads commander alone, `lint` never loads the planner, `plan`
// never loads the cluster-dump reader. Keep the imports of this file and of the *-command.ts files light.
import { Command, CommanderError, Option } from "commander";
import { describeFailure, guardStandardOutput, wantsDebug } from "./errors";
import { addLedgerCommands } from "./ledger-command";
import { addPlanCommands } from "./plan-command";
import { addInspectCommand } from "./inspect-command";
import { addLedgerAdoptCommand } from "./ledger-adopt";
import { addRenderCommand } from "./render-command";
import { packageVersion } from "./version";

/** Exit codes shared by every command (DESIGN.md contract). */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_RUN = 2;

/** Output streams, replaceable in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * Runs the `calico-ipam` command line and returns the exit code: 0 nothing wrong, 1 an error-level
 * finding, 2 the command could not run (bad arguments, unreadable or malformed file).
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code = EXIT_OK;
  const program = new Command()
    .name("calico-ipam")
    .description("Plan, validate and report Calico IP address management")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .version(packageVersion(), "-V, --version", "print the version of calico-ipam")
    .option("--debug", "show the stack trace of an unexpected error");
  if (io === processIo) guardStandardOutput();

  program
    .command("lint")
    .description("validate Calico IPPool and IPAMConfiguration objects in YAML or JSON files, including overlaps between pools across all files")
    .argument("<file...>", "YAML (multi-document) or JSON files")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (files: string[], opts: { format: "text" | "json" }) => {
      const { formatLintText, lintFiles } = await import("./lint");
      const report = lintFiles(files);
      io.stdout(opts.format === "json" ? JSON.stringify(report, null, 2) + "\n" : formatLintText(report));
      code = report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
    });

  addLedgerCommands(program, io, (c) => (code = c));
  addPlanCommands(program, io, (c) => (code = c));
  addInspectCommand(program, io, (c) => (code = c));
  addLedgerAdoptCommand(program, io, (c) => (code = c));
  addRenderCommand(program, io, (c) => (code = c));

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (caught) {
    if (caught instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return caught.exitCode === 0 ? EXIT_OK : EXIT_CANNOT_RUN;
    }
    // A user's mistake or the environment (EPIPE, EEXIST, EACCES, ENOSPC…): one line, exit 2; --debug adds the trace.
    const failure = describeFailure(caught);
    io.stderr(`calico-ipam: ${failure.message}\n`);
    if (wantsDebug(argv) && caught instanceof Error && caught.stack !== undefined) io.stderr(`${caught.stack}\n`);
    if (wantsJson(argv)) {
      const where = failure.file !== undefined ? { file: failure.file, ...(failure.line !== undefined ? { line: failure.line } : {}) } : {};
      io.stdout(JSON.stringify({ error: { message: failure.message, ...where } }, null, 2) + "\n");
    }
    return EXIT_CANNOT_RUN;
  }
}

function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === "--format=json" || (a === "--format" && argv[i + 1] === "json"));
}
