import fs from "fs";
import path from "path";
import { Command, Option } from "commander";
import { InputError } from "../io/input-error";
import type { Ledger } from "../ledger";
import { DEFAULT_LEDGER_FILE } from "../ledger/format";
import type { DriftInput } from "../live";
import type { CliIo } from "./main";

// The definition of `inspect`; the dump reader, the planner and the reports load when it runs.
interface InspectOptions {
  format: "text" | "markdown" | "json" | "html" | "svg";
  showBlocks?: boolean;
  showBorrowed?: boolean;
  showConfiguration?: boolean;
  plan?: string;
  ledger?: string;
}

/** Adds `calico-ipam inspect`. */
export function addInspectCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command("inspect")
    .description(
      "read a cluster's Calico IPAM state from kubectl/calicoctl dumps (see docs/inspect.md), show its utilization like calicoctl ipam show, check it like calicoctl ipam check, and compare it with the plan (--plan)",
    )
    .argument("<dump...>", "kubectl get … -o yaml|json output (Lists, one or several files) and calicoctl ipam check -o reports")
    .addOption(
      new Option("--format <format>", "output format (html: the cluster's address map with the findings pinned on it, one self-contained page; svg: a static overview)")
        .choices(["text", "markdown", "json", "html", "svg"])
        .default("text"),
    )
    .option("--show-blocks", "list every block under its pool, like calicoctl ipam show --show-blocks")
    .option("--show-borrowed", "list the borrowed addresses, like calicoctl ipam show --show-borrowed")
    .option("--show-configuration", "show the IPAM configuration, like calicoctl ipam show --show-configuration")
    .addOption(new Option("--plan <file>", "compare with the plan: a spec file (e.g. examples/plan/cluster.yaml) or a plan.json"))
    .addOption(new Option("--ledger <file>", "with --plan: the ledger (default: calico-ipam.lock.json beside the spec file, when it exists)"))
    .action(async (dumps: string[], opts: InspectOptions) => {
      const { buildInspectReport, readDumpFiles, renderInspectMarkdown, renderInspectText } = await import("../live");
      const dump = readDumpFiles(dumps);
      const plan = opts.plan !== undefined ? await readPlan(opts.plan, opts.ledger) : undefined;
      const report = buildInspectReport(dump, plan ? { plan } : {});
      const show = { showBlocks: opts.showBlocks === true, showBorrowed: opts.showBorrowed === true, showConfiguration: opts.showConfiguration === true };
      io.stdout(
        opts.format === "json"
          ? JSON.stringify(report, null, 2) + "\n"
          : opts.format === "markdown"
            ? renderInspectMarkdown(report, show)
            : opts.format === "html"
              ? (await import("../report/html")).renderInspectHtml(report, dump)
              : opts.format === "svg"
                ? (await import("../report/svg")).renderInspectSvg(report, dump)
                : renderInspectText(report, show),
      );
      setCode(report.summary.errors > 0 ? 1 : 0);
    });
}

/** A plan to compare with: a plan.json as `calico-ipam plan --format json` writes it, or a spec file planned now. */
async function readPlan(file: string, ledgerFile: string | undefined): Promise<DriftInput> {
  const { loadObjects } = await import("../io/objects");
  const { PLAN_REPORT_SCHEMA, parsePlanReport } = await import("../report");
  const docs = loadObjects(file);
  if (docs.length !== 1) throw new InputError(`${file}: expected one YAML/JSON document (a spec file or a plan.json), found ${docs.length}`, file);
  const value = docs[0].value as Record<string, unknown>;
  const beside = path.join(path.dirname(file), DEFAULT_LEDGER_FILE);
  const ledgerPath = ledgerFile ?? (fs.existsSync(beside) ? beside : undefined);
  const ledger = ledgerPath !== undefined ? await loadLedger(ledgerPath) : undefined;
  if (value?.schema === PLAN_REPORT_SCHEMA) {
    let report;
    try {
      report = parsePlanReport(fs.readFileSync(file, "utf8"), file);
    } catch (e) {
      throw new InputError((e as Error).message, file);
    }
    return { planFile: file, pools: report.pools, workloads: report.workloads, ...(ledger && ledgerFile !== undefined ? { ledger } : {}) };
  }
  const { readSpecFile } = await import("../spec/read-spec");
  const parsed = readSpecFile(value);
  if (!parsed.ok) throw new InputError(`${file}: neither a plan.json nor a valid spec file:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`, file);
  const { planReport } = await import("./plan-run");
  const { report } = planReport(parsed.spec, ledgerPath);
  return { planFile: file, pools: report.pools, workloads: report.workloads, ...(ledger ? { ledger } : {}) };
}

async function loadLedger(file: string): Promise<Ledger> {
  const { LedgerError, readLedger } = await import("../ledger");
  try {
    const ledger = readLedger(file);
    if (!ledger) throw new InputError(`${file}: no such ledger file`, file);
    return ledger;
  } catch (e) {
    if (e instanceof LedgerError) throw new InputError(e.message, file);
    throw e;
  }
}
