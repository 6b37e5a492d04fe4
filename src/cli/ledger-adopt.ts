import path from "path";
import { Command, Option } from "commander";
import { InputError } from "../io/input-error";
import { DEFAULT_LEDGER_FILE } from "../ledger/format";
import type { CliIo } from "./main";

/** Adds `calico-ipam ledger adopt <dump…>` to the `ledger` command. */
export function addLedgerAdoptCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const ledger = program.commands.find((c) => c.name() === "ledger") ?? program.command("ledger").description("the ledger of handed-out pool ranges");
  ledger
    .command("adopt")
    .description("record a cluster's existing IP pools (from kubectl dumps, see docs/inspect.md) in the ledger, so carving never hands out a range a live pool already has")
    .argument("<dump...>", "kubectl get ippools … -o yaml|json output (other objects in the files are ignored)")
    .addOption(new Option("--file <file>", "the ledger file (created when missing)").default(DEFAULT_LEDGER_FILE))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (dumps: string[], opts: { file: string; format: "text" | "json" }) => {
      const { LedgerError, emptyLedger, readLedger, writeLedgerIfChanged } = await import("../ledger");
      const { adoptLivePools, readDumpFiles } = await import("../live");
      const dump = readDumpFiles(dumps);
      const schemaErrors = dump.findings.filter((f) => f.severity === "error" && f.subject.startsWith("IPPool/"));
      if (schemaErrors.length > 0) {
        throw new InputError(`the dump's IP pools cannot be read:\n${schemaErrors.map((f) => `  ${f.subject} (${f.path}): ${f.message.split("\n")[0]}`).join("\n")}`, dumps[0]);
      }
      let before;
      try {
        before = readLedger(opts.file) ?? emptyLedger();
      } catch (e) {
        if (e instanceof LedgerError) throw new InputError(e.message, opts.file);
        throw e;
      }
      const result = adoptLivePools(before, dump);
      const written = result.conflicts.length === 0 && result.ledger !== before ? writeLedgerIfChanged(opts.file, result.ledger) : false;
      if (opts.format === "json") {
        io.stdout(JSON.stringify({ file: opts.file, written, pools: result.pools, conflicts: result.conflicts }, null, 2) + "\n");
      } else {
        const lines = result.pools.map((p) => `${p.outcome === "adopted" ? "adopted " : p.outcome === "recorded" ? "recorded" : "skipped "} ${p.name} ${p.cidr}${p.reason ? ` (${p.reason})` : ""}`);
        for (const c of result.conflicts) lines.push(`CONFLICT ${c}`);
        if (result.conflicts.length > 0) lines.push(`Nothing adopted: the cluster and ${path.basename(opts.file)} disagree. Rename one of the pools, or release the ledger entry if it is draining and no pod uses its range.`);
        else if (written) lines.push(`${path.basename(opts.file)} written; adopted pools are recorded as "adopted": their ranges are never carved into, and they are not emitted (code does not create, disable or delete them) until a pool of that name is declared in code, which then keeps the range. Commit it.`);
        else lines.push(`${path.basename(opts.file)} already records every live pool.`);
        io.stdout(lines.join("\n") + "\n");
      }
      setCode(result.conflicts.length > 0 ? 1 : 0);
    });
}
