import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseLedger } from "../../src/ledger";
import { IpamPlan, planIpam, writePlanLedger } from "../../src/plan/plan";
import type { IpamSpec, MigrationDeclaration, PoolDeclaration } from "../../src/spec/types";

const pods: PoolDeclaration = { name: "pods", prefixLength: 24, blockSize: 26 };
const v2: PoolDeclaration = { name: "pods-v2", prefixLength: 22 };

function cluster(spaces = true) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-errors-"));
  const file = path.join(dir, "calico-ipam.lock.json");
  const spec = (pools: PoolDeclaration[], migrations: MigrationDeclaration[]): IpamSpec => ({
    ...(spaces ? { addressSpaces: [{ name: "pods", cidr: "10.32.0.0/16" }] } : {}),
    pools: spaces ? pools : pools.map((p) => (p.name === "pods" ? { ...p, prefixLength: undefined, cidr: "10.32.0.0/24" } : p)),
    migrations,
  });
  const synth = (pools: PoolDeclaration[], migrations: MigrationDeclaration[] = []): IpamPlan => {
    const plan = planIpam(spec(pools, migrations), { file });
    writePlanLedger(plan);
    return plan;
  };
  synth([pods]);
  const ledgerText = () => fs.readFileSync(file, "utf8");
  return { file, synth, ledgerText, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const errorsOf = (plan: IpamPlan) => [...plan.findings, ...(plan.migrations ?? []).flatMap((m) => m.findings)].filter((f) => f.severity === "error");

/** Runs the phases before, then the bad one; the bad one must fail with the code and message, and leave the ledger as it was. */
function expectRefused(steps: Array<{ pools: PoolDeclaration[]; migrations: MigrationDeclaration[] }>, code: string, message: RegExp, spaces = true): void {
  const c = cluster(spaces);
  try {
    for (const s of steps.slice(0, -1)) expect(errorsOf(c.synth(s.pools, s.migrations))).toEqual([]);
    const before = c.ledgerText();
    const last = steps[steps.length - 1];
    const plan = c.synth(last.pools, last.migrations);
    const found = errorsOf(plan).filter((f) => f.code === code);
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(message)]);
    expect(c.ledgerText()).toBe(before); // nothing half-written
  } finally {
    c.cleanup();
  }
}

const migrate = (phase: number, to = "pods-v2"): MigrationDeclaration => ({ migratePool: { from: "pods", to }, phase });
const blockSize = (phase: number, size = 24): MigrationDeclaration => ({ changeBlockSize: { pool: "pods", blockSize: size }, phase });

describe("migrations refuse bad input with the pool, the phase and the way out", () => {
  test("a phase skipped", () => {
    expectRefused(
      [
        { pools: [pods, v2], migrations: [migrate(1)] },
        { pools: [pods, v2], migrations: [migrate(3)] },
      ],
      "MIGRATION_PHASE_SKIPPED",
      /migration "migrate-pods" \(migratePool of pool "pods", phase 3\): the ledger records phase 1 \(add-target\), so the next is phase 2 \(disable-source\).*Set phase: 2/,
    );
  });

  test("a new migration that does not start at phase 1", () => {
    expectRefused([{ pools: [pods, v2], migrations: [migrate(2)] }], "MIGRATION_PHASE_SKIPPED", /the ledger has no record of "migrate-pods", so it starts at phase 1 \(add-target\).*Set phase: 1/);
  });

  test("a ledger phase ahead of the code", () => {
    expectRefused(
      [
        { pools: [pods, v2], migrations: [migrate(1)] },
        { pools: [pods, v2], migrations: [migrate(2)] },
        { pools: [pods, v2], migrations: [migrate(1)] },
      ],
      "MIGRATION_LEDGER_AHEAD",
      /the ledger records phase 2 \(disable-source\), ahead of the code's phase 1 \(add-target\); a migration never goes back.*Set phase: 2/,
    );
  });

  test("two migrations of one pool at once", () => {
    expectRefused(
      [{ pools: [pods, v2], migrations: [migrate(1), blockSize(1)] }],
      "MIGRATION_CONFLICT",
      /two migrations of pool "pods" at once: "migrate-pods" \(migratePool, phase 1 of 3\) and "block-size-pods" \(changeBlockSize, phase 1\)\. Finish "migrate-pods" first/,
    );
  });

  test.each([
    [19, /blockSize 19 is outside Calico's range for IPv4 pools \(20 to 32\); choose a block size from 20 to 32/],
    [33, /blockSize 33 is outside Calico's range for IPv4 pools \(20 to 32\)/],
    [26, /pool "pods" already has blockSize 26; nothing to change/],
  ])("a block size outside Calico's range or unchanged: %s", (size, message) => {
    expectRefused([{ pools: [pods], migrations: [blockSize(1, size)] }], size === 26 ? "MIGRATION_INVALID" : "MIGRATION_BLOCK_SIZE_INVALID", message);
  });

  test("a block size larger than the pool", () => {
    expectRefused([{ pools: [pods], migrations: [{ changeBlockSize: { pool: "pods", blockSize: 20 }, phase: 1 }] }], "MIGRATION_BLOCK_SIZE_INVALID", /blockSize 20 is larger than the pool itself \(10\.32\.0\.0\/24\)/);
  });

  test("a source the ledger does not know", () => {
    expectRefused([{ pools: [pods, v2], migrations: [{ migratePool: { from: "legacy", to: "pods-v2" }, phase: 1 }] }], "MIGRATION_POOL_UNKNOWN", /pool "legacy" is not in the ledger.*calico-ipam ledger adopt/);
  });

  test("a target that is not declared", () => {
    expectRefused([{ pools: [pods], migrations: [migrate(1)] }], "MIGRATION_POOL_UNKNOWN", /the target pool "pods-v2" is not declared; declare it/);
  });

  test("a target changed half-way", () => {
    expectRefused(
      [
        { pools: [pods, v2], migrations: [migrate(1)] },
        { pools: [pods, v2, { name: "pods-v3", prefixLength: 22 }], migrations: [migrate(2, "pods-v3")] },
      ],
      "MIGRATION_CHANGED",
      /the ledger records the target "pods-v2", the code says "pods-v3"/,
    );
  });

  test("a migration dropped from the code half-way", () => {
    expectRefused(
      [
        { pools: [pods, v2], migrations: [migrate(1)] },
        { pools: [pods, v2], migrations: [migrate(2)] },
        { pools: [v2], migrations: [] },
      ],
      "MIGRATION_UNDECLARED",
      /the ledger records migration "migrate-pods" \(migratePool of pool "pods"\) at phase 2 \(disable-source\) of 3, but the code no longer declares it.*Declare it again at phase 2/,
    );
  });

  test("a temporary pool without free space to carve it from", () => {
    expectRefused([{ pools: [pods], migrations: [blockSize(1)] }], "MIGRATION_NO_ADDRESS_SPACE", /temporary pool "pods-tmp" is carved from free space.*give temporaryCidr/, false);
  });

  test("a phase that is not a whole number of the kind's range", () => {
    expectRefused([{ pools: [pods, v2], migrations: [migrate(4)] }], "MIGRATION_PHASE_INVALID", /phase must be a whole number from 1 to 3 \(1 add-target, 2 disable-source, 3 delete-source\), got 4/);
  });
});

describe("the ledger's migrations section is read strictly", () => {
  const ledger = (migration: unknown) =>
    JSON.stringify({ version: 1, pools: {}, migrations: { "migrate-pods": migration } });
  test.each([
    [{ kind: "moveEverything", phase: 1, pool: "pods", to: "x", original: { cidr: "10.0.0.0/24", blockSize: 26 } }, /"kind" must be "migratePool", "changeBlockSize", "changeCidr"/],
    [{ kind: "migratePool", phase: 4, pool: "pods", to: "x", original: { cidr: "10.0.0.0/24", blockSize: 26 } }, /"phase" of a migratePool migration is a whole number from 1 to 3, got the number 4/],
    [{ kind: "migratePool", phase: 1, pool: "pods", original: { cidr: "10.0.0.0/24", blockSize: 26 } }, /migration "migrate-pods" has no "to"/],
    [{ kind: "migratePool", phase: 1, pool: "pods", to: "x", original: { cidr: "10.0.0.1/24", blockSize: 26 } }, /"cidr" must be a CIDR in canonical form/],
    [{ kind: "changeBlockSize", phase: 1, pool: "pods", temporaryPool: "t", original: { cidr: "10.0.0.0/24", blockSize: 26 }, target: { cidr: "10.0.0.0/24", blockSize: 19 } }, /"blockSize" must be a whole number from 24 to 32/],
  ])("%#: a bad record is refused with its path", (record, message) => {
    expect(() => parseLedger(ledger(record), "calico-ipam.lock.json")).toThrow(message);
  });

  test("a good record reads back the same", () => {
    const record = { kind: "migratePool", phase: 2, pool: "pods", to: "pods-v2", original: { cidr: "10.0.0.0/24", blockSize: 26, adopted: true } };
    expect(parseLedger(ledger(record)).migrations).toEqual({ "migrate-pods": record });
  });
});
