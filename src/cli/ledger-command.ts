import * as path from "path";
import { Command, Option } from "commander";
import { InputError } from "../io/input-error";
import type { Ledger } from "../ledger";
import { DEFAULT_LEDGER_FILE } from "../ledger/format";
import type { CliIo } from "./main";

/** Adds `calico-ipam ledger show|release` to the program. */
export function addLedgerCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const ledger = program.command("ledger").description("show the ledger of handed-out pool ranges, or release draining pools");
  const fileOption = () => new Option("--file <file>", "the ledger file").default(DEFAULT_LEDGER_FILE);
  const formatOption = () => new Option("--format <format>", "output format").choices(["text", "json"]).default("text");

  ledger
    .command("show")
    .description("print every pool the ledger records: name, family, CIDR, block size, blocks, status")
    .addOption(fileOption())
    .addOption(formatOption())
    .action(async (opts: { file: string; format: "text" | "json" }) => {
      const { formatLedgerTable, serializeLedger } = await import("../ledger");
      const current = await load(opts.file);
      io.stdout(opts.format === "json" ? serializeLedger(current) : formatLedgerTable(current));
      setCode(0);
    });

  ledger
    .command("release")
    .description("say that draining pools (removed from the code, emitted disabled) are drained: the next synth deletes their IPPool and their ranges can be handed out again; only once no pod uses their addresses")
    .argument("<name...>", "names of draining pools")
    .addOption(fileOption())
    .addOption(formatOption())
    .action(async (names: string[], opts: { file: string; format: "text" | "json" }) => {
      const { describeChange, diffLedgers, releasePools, writeLedgerIfChanged } = await import("../ledger");
      const before = await load(opts.file);
      const after = releasePools(before, names);
      writeLedgerIfChanged(opts.file, after);
      const changes = diffLedgers(before, after);
      io.stdout(
        opts.format === "json"
          ? JSON.stringify({ file: opts.file, released: changes.flatMap((c) => (c.kind === "released" ? [c.name] : [])) }, null, 2) + "\n"
          : changes.map((c) => `${describeChange(c)}\n`).join("") + `${path.basename(opts.file)} written; commit it with the code change.\n`,
      );
      setCode(0);
    });
}

async function load(file: string): Promise<Ledger> {
  const { LedgerError, readLedger } = await import("../ledger");
  try {
    const ledger = readLedger(file);
    if (!ledger) throw new InputError(`${file}: no such ledger file (run cdktf synth first, or pass --file)`, file);
    return ledger;
  } catch (e) {
    if (e instanceof LedgerError) throw new InputError(e.message, file);
    throw e;
  }
}
