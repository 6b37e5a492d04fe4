import { formatLedgerTable, MIGRATION_PHASES, parseLedger } from "../../src/ledger";

/** A ledger with one migration of each kind, written out of name order. */
function ledgerText(): string {
  return JSON.stringify({
    migrations: {
      "move-web": { kind: "migratePool", original: { blockSize: 26, cidr: "10.48.0.0/22" }, phase: 2, pool: "web", to: "web-v2" },
      "cidr-db": {
        kind: "changeCidr",
        original: { blockSize: 26, cidr: "10.50.0.0/24" },
        phase: 6,
        pool: "db",
        target: { blockSize: 27, cidr: "10.51.0.0/24" },
        temporaryPool: "db-tmp",
      },
      "block-size-pods": {
        kind: "changeBlockSize",
        original: { blockSize: 26, cidr: "10.32.0.0/20" },
        phase: 4,
        pool: "pods",
        target: { blockSize: 24, cidr: "10.32.0.0/20" },
        temporaryPool: "pods-tmp",
      },
    },
    pools: {
      pods: { blockSize: 24, cidr: "10.32.0.0/20", family: 4, status: "active" },
      "pods-tmp": { blockSize: 26, cidr: "10.40.0.0/20", family: 4, status: "active" },
      web: { blockSize: 26, cidr: "10.48.0.0/22", family: 4, status: "draining" },
      "web-v2": { blockSize: 26, cidr: "10.48.8.0/21", family: 4, status: "active" },
      db: { blockSize: 27, cidr: "10.51.0.0/24", family: 4, status: "active" },
    },
    version: 1,
  });
}

describe("formatLedgerTable: the migrations table", () => {
  const text = formatLedgerTable(parseLedger(ledgerText()));
  const lines = text.trimEnd().split("\n");
  const row = (name: string) => lines.find((l) => l.startsWith(`| ${name} `))!.split("|").slice(1, -1).map((c) => c.trim());

  test("comes after the pools table, under a heading, with its header", () => {
    const heading = lines.indexOf("Migrations:");
    expect(heading).toBeGreaterThan(lines.findIndex((l) => l.startsWith("| web-v2 ")));
    expect(lines[heading + 2].split("|").map((c) => c.trim())).toEqual(["", "MIGRATION", "KIND", "FROM", "TO", "TEMPORARY POOL", "PHASE", ""]);
  });

  test.each([
    ["block-size-pods", ["block-size-pods", "changeBlockSize", "pods (block size 26)", "pods (block size 24)", "pods-tmp", "4 of 6 (recreate-original)"]],
    ["cidr-db", ["cidr-db", "changeCidr", "db (10.50.0.0/24, block size 26)", "db (10.51.0.0/24, block size 27)", "db-tmp", "6 of 6 (delete-temporary)"]],
    ["move-web", ["move-web", "migratePool", "web", "web-v2", "-", "2 of 3 (disable-source)"]],
  ])("%s: its pools and the phase reached", (name, cells) => {
    expect(row(name)).toEqual(cells);
  });

  test("the phase names are the ledger's own phase names", () => {
    const phaseCell = row("move-web")[5];
    expect(phaseCell).toContain(MIGRATION_PHASES.migratePool[1]);
  });

  test("rows are sorted by name, whatever the order in the file", () => {
    const at = ["block-size-pods", "cidr-db", "move-web"].map((n) => lines.findIndex((l) => l.startsWith(`| ${n} `)));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at.every((i) => i > 0)).toBe(true);
  });

  test("the summary counts the migrations", () => {
    expect(lines[lines.length - 1]).toMatch(/^5 pools: 4 active, 1 draining .*; 3 migrations$/);
  });

  test("a changeCidr that keeps the block size shows only the CIDRs", () => {
    const ledger = JSON.parse(ledgerText());
    ledger.migrations = { "cidr-db": { ...ledger.migrations["cidr-db"], target: { blockSize: 26, cidr: "10.51.0.0/24" } } };
    const out = formatLedgerTable(parseLedger(JSON.stringify(ledger)));
    expect(out).toMatch(/\| cidr-db +\| changeCidr +\| db \(10\.50\.0\.0\/24\) +\| db \(10\.51\.0\.0\/24\) +\| db-tmp +\| 6 of 6 \(delete-temporary\) +\|/);
    expect(out).toMatch(/; 1 migration\n$/);
  });

  test("a ledger without migrations prints no migrations table", () => {
    const ledger = JSON.parse(ledgerText());
    delete ledger.migrations;
    const out = formatLedgerTable(parseLedger(JSON.stringify(ledger)));
    expect(out).not.toMatch(/Migrations:|MIGRATION/);
    expect(out).not.toMatch(/migration/);
  });
});
