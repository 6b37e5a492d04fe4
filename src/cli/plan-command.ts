// The definitions of `plan` and `diff` only: each loads its implementation (plan-run.ts) when it runs,
// so that `calico-ipam --help` and the other commands never load the planner, zod or the YAML parser.
import { Command, Option } from "commander";
import type { CliIo } from "./main";
import type { DiffOptions, PlanOptions } from "./plan-run";

/** Adds `calico-ipam plan` and `calico-ipam diff`. */
export function addPlanCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command("plan")
    .description(
      "plan Calico's block allocation for a spec file (the same schema the constructs build), or for a cluster's Calico YAML (--cluster) plus a topology file, and report it",
    )
    .argument("[spec]", "spec file (YAML or JSON), e.g. examples/plan/cluster.yaml")
    .addOption(new Option("--cluster <files...>", "Calico YAML/JSON of an existing cluster (IPPool, IPAMConfiguration, IPReservation) instead of a spec file"))
    .addOption(new Option("--topology <file>", "with --cluster: a file with topology, namespaces, cni and harness (the spec file's keys)"))
    .addOption(new Option("--ledger <file>", "the ledger that keeps carved ranges stable (default: calico-ipam.lock.json beside the spec file, when it exists)"))
    .option("--write-ledger", "record the plan's ranges in the ledger (only when the plan has no error)")
    .addOption(new Option("--format <format>", "output format (html: the address map as one self-contained page; svg: a static overview)").choices(["text", "markdown", "json", "html", "svg"]).default("text"))
    .addOption(new Option("--out <dir>", "also write plan.json, plan.md, plan.html and plan.svg into this folder"))
    .option("--show-blocks", "text format: list every block under its pool, like calicoctl ipam show --show-blocks")
    .addOption(
      new Option("--export-state <dir>", "write the harness's end state as Calico objects (IPAMBlock, BlockAffinity, IPAMHandle, IPPool) plus Node and Pod Lists into this folder, for inspect or a harness initialState"),
    )
    .action(async (specFile: string | undefined, opts: PlanOptions) => setCode((await import("./plan-run")).runPlan(specFile, opts, io)));

  program
    .command("diff")
    .description(
      "compare two plan.json files (base and head of a pull request): pools added, removed and changed, moved CIDRs, capacity, findings; " +
        "exits 1 when the head plan has an error or the change is destructive",
    )
    .argument("<base>", "plan.json of the base")
    .argument("<head>", "plan.json of the head")
    .addOption(new Option("--format <format>", "output format (html: base and head maps side by side)").choices(["text", "markdown", "json", "html"]).default("markdown"))
    .option("--report-only", "exit 0 even when the head plan has errors or the change is destructive (only report)")
    .action(async (base: string, head: string, opts: DiffOptions) => setCode((await import("./plan-run")).runDiff(base, head, opts, io)));
}

