import path from "path";
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
  const clusterOption = () => new Option("--cluster <name>", "in a fleet ledger: the cluster whose section to use");

  ledger
    .command("show")
    .description(
      "print every pool the ledger records: name, family, CIDR, block size, blocks, status; then its pool migrations and the phase each reached (a fleet ledger: its sub-spaces, then each cluster's section; --cluster NAME: that section)",
    )
    .addOption(fileOption())
    .addOption(formatOption())
    .addOption(clusterOption())
    .action(async (opts: { file: string; format: "text" | "json"; cluster?: string }) => {
      const { formatLedgerTable, serializeLedger } = await import("../ledger");
      const whole = await load(opts.file);
      const current = opts.cluster === undefined ? whole : (await import("./ledger-fleet")).clusterSection(whole, opts.cluster, opts.file);
      const heading = opts.cluster === undefined ? "" : `${(await import("../report/ledger-table")).clusterHeading(whole, opts.cluster)}\n`;
      io.stdout(opts.format === "json" ? serializeLedger(current) : heading + formatLedgerTable(current, opts.cluster));
      setCode(0);
    });

  ledger
    .command("release")
    .description(
      "say that draining pools (removed from the code, emitted disabled) are drained: the next synth deletes their IPPool and their ranges can be handed out again; only once no pod uses their addresses. " +
        "In a fleet ledger, --cluster NAME without pool names releases a retired cluster's whole section (a cluster removed from code, once it is gone)",
    )
    .argument("[name...]", "names of draining pools, or keys of draining drawn ranges such as service-ipv4 (none with --cluster: the cluster's whole section)")
    .addOption(fileOption())
    .addOption(formatOption())
    .addOption(clusterOption())
    .action(async (names: string[], opts: { file: string; format: "text" | "json"; cluster?: string }) => {
      const { describeChange, diffLedgers, writeLedgerIfChanged } = await import("../ledger");
      const before = await load(opts.file);
      const after = (await import("./ledger-fleet")).releaseInLedger(before, names, opts.cluster, opts.file);
      writeLedgerIfChanged(opts.file, after);
      const changes = diffLedgers(before, after);
      // In a fleet ledger each released pool comes with its cluster.
      const released = changes.flatMap((c) => (c.kind === "released" ? [c.cluster === undefined ? c.name : { cluster: c.cluster, pool: c.name }] : []));
      const clusters = changes.flatMap((c) => (c.kind === "cluster-released" ? [c.cluster] : []));
      // Draining drawn ranges (Service CIDRs, node networks) released by their key, with their cluster.
      const drawn = changes.flatMap((c) => (c.kind === "drawn-range-released" ? [c.cluster === undefined ? c.range : { cluster: c.cluster, range: c.range }] : []));
      io.stdout(
        opts.format === "json"
          ? JSON.stringify(
              { file: opts.file, released, ...(clusters.length > 0 ? { releasedClusters: clusters } : {}), ...(drawn.length > 0 ? { releasedDrawnRanges: drawn } : {}) },
              null,
              2,
            ) + "\n"
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
