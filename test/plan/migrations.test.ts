import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readLedger } from "../../src/ledger";
import { IpamPlan, planHasErrors, planIpam, writePlanLedger } from "../../src/plan/plan";
import type { IpamSpec, MigrationDeclaration, PoolDeclaration } from "../../src/spec/types";

/** A cluster that runs `pods` (/24 of /26 blocks, IPIP) and synthesizes phase after phase against one ledger. */
function cluster() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  const file = path.join(dir, "calico-ipam.lock.json");
  const base: IpamSpec = {
    addressSpaces: [{ name: "pods", cidr: "10.32.0.0/16" }],
    pools: [{ name: "pods", prefixLength: 24, blockSize: 26, ipipMode: "Always", natOutgoing: true }],
  };
  const synth = (pools: PoolDeclaration[], migrations: MigrationDeclaration[] = []): IpamPlan => {
    const plan = planIpam({ ...base, pools, migrations }, { file });
    writePlanLedger(plan);
    return plan;
  };
  synth(base.pools as PoolDeclaration[]);
  return { file, synth, base: base.pools[0] as PoolDeclaration, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const errors = (plan: IpamPlan) => [...plan.findings, ...plan.pools.flatMap((p) => p.findings), ...(plan.migrations ?? []).flatMap((m) => m.findings)].filter((f) => f.severity === "error");
const emitted = (plan: IpamPlan) => plan.pools.map((p) => `${p.manifest.metadata.name} ${p.manifest.spec.cidr}/${p.manifest.spec.blockSize}${p.manifest.spec.disabled ? " disabled" : ""}`);

describe("migratePool unfolds into Calico's three phases", () => {
  test("add the target, disable the source, delete the drained source; every phase synthesized twice gives the same plan", () => {
    const c = cluster();
    try {
      const target: PoolDeclaration = { name: "pods-v2", prefixLength: 22, ipipMode: "Always", natOutgoing: true };
      const migrate = (phase: number): MigrationDeclaration => ({ migratePool: { from: "pods", to: "pods-v2" }, phase });
      const phases = [1, 2, 3].map((phase) => {
        const first = c.synth([c.base, target], [migrate(phase)]);
        const again = c.synth([c.base, target], [migrate(phase)]);
        expect(errors(first)).toEqual([]);
        expect(emitted(again)).toEqual(emitted(first));
        expect(readLedger(c.file)?.migrations?.["migrate-pods"]?.phase).toBe(phase);
        return emitted(first);
      });
      expect(phases[0]).toEqual(["pods 10.32.0.0/24/26", "pods-v2 10.32.4.0/22/26"]);
      expect(phases[1]).toEqual(["pods-v2 10.32.4.0/22/26", "pods 10.32.0.0/24/26 disabled"]);
      expect(phases[2]).toEqual(["pods-v2 10.32.4.0/22/26"]);
      expect(readLedger(c.file)?.pools.pods).toBeUndefined();
    } finally {
      c.cleanup();
    }
  });

  test("the disabled source keeps its encapsulation and NAT (its recorded spec)", () => {
    const c = cluster();
    try {
      c.synth([c.base, { name: "pods-v2", prefixLength: 22 }], [{ migratePool: { from: "pods", to: "pods-v2" }, phase: 1 }]);
      const plan = c.synth([{ name: "pods-v2", prefixLength: 22 }], [{ migratePool: { from: "pods", to: "pods-v2" }, phase: 2 }]);
      const source = plan.pools.find((p) => p.manifest.metadata.name === "pods")!;
      expect(source.manifest.spec).toMatchObject({ disabled: true, ipipMode: "Always", natOutgoing: true });
    } finally {
      c.cleanup();
    }
  });

  test("a finished migration removed from the code leaves its record out of the ledger", () => {
    const c = cluster();
    try {
      const target: PoolDeclaration = { name: "pods-v2", prefixLength: 22 };
      for (const phase of [1, 2, 3]) c.synth([c.base, target], [{ migratePool: { from: "pods", to: "pods-v2" }, phase }]);
      const plan = c.synth([target]);
      expect(errors(plan)).toEqual([]);
      expect(readLedger(c.file)?.migrations).toBeUndefined();
    } finally {
      c.cleanup();
    }
  });

  test("in frozen mode (CI) raising the phase is a ledger change that fails, naming the migration and both phases", () => {
    const c = cluster();
    try {
      const target: PoolDeclaration = { name: "pods-v2", prefixLength: 22 };
      c.synth([c.base, target], [{ migratePool: { from: "pods", to: "pods-v2" }, phase: 1 }]);
      const plan = planIpam({ addressSpaces: [{ name: "pods", cidr: "10.32.0.0/16" }], pools: [c.base, target], migrations: [{ migratePool: { from: "pods", to: "pods-v2" }, phase: 2 }] }, { file: c.file, frozen: true });
      const frozen = plan.findings.find((f) => f.code === "LEDGER_FROZEN");
      expect(frozen?.message).toContain('migration "migrate-pods": phase 1 (add-target) → phase 2 (disable-source)');
    } finally {
      c.cleanup();
    }
  });

  test("an adopted pool (Calico's default-ipv4-ippool) is imported and disabled in phase 2, then deleted", () => {
    const c = cluster();
    try {
      const ledger = JSON.parse(fs.readFileSync(c.file, "utf8"));
      ledger.pools["default-ipv4-ippool"] = { blockSize: 26, cidr: "192.168.0.0/16", family: 4, status: "adopted" };
      fs.writeFileSync(c.file, JSON.stringify(ledger));
      const leave = (phase: number): MigrationDeclaration => ({ migratePool: { from: "default-ipv4-ippool", to: "pods" }, phase });
      const one = c.synth([c.base], [leave(1)]);
      expect(emitted(one)).toEqual(["pods 10.32.0.0/24/26"]);
      const two = c.synth([c.base], [leave(2)]);
      const source = two.pools.find((p) => p.manifest.metadata.name === "default-ipv4-ippool")!;
      expect(source).toMatchObject({ draining: true, importExisting: true });
      expect(source.manifest.spec.disabled).toBe(true);
      expect(readLedger(c.file)?.pools["default-ipv4-ippool"]?.status).toBe("draining");
      const three = c.synth([c.base], [leave(3)]);
      expect(emitted(three)).toEqual(["pods 10.32.0.0/24/26"]);
      expect(readLedger(c.file)?.pools["default-ipv4-ippool"]).toBeUndefined();
    } finally {
      c.cleanup();
    }
  });
});

describe("changeBlockSize unfolds into Calico's six phases through a temporary pool", () => {
  test("temporary pool carved from free space, original deleted and recreated with the new block size, temporary deleted", () => {
    const c = cluster();
    try {
      const change = (phase: number): MigrationDeclaration => ({ changeBlockSize: { pool: "pods", blockSize: 24 }, phase });
      const seen = [1, 2, 3, 4, 5, 6].map((phase) => {
        const plan = c.synth([c.base], [change(phase)]);
        expect(errors(plan)).toEqual([]);
        expect(planHasErrors(plan)).toBe(false);
        return emitted(plan);
      });
      expect(seen).toEqual([
        ["pods 10.32.0.0/24/26", "pods-tmp 10.32.1.0/24/26"],
        ["pods-tmp 10.32.1.0/24/26", "pods 10.32.0.0/24/26 disabled"],
        ["pods-tmp 10.32.1.0/24/26"],
        ["pods 10.32.0.0/24/24", "pods-tmp 10.32.1.0/24/26"],
        ["pods 10.32.0.0/24/24", "pods-tmp 10.32.1.0/24/26 disabled"],
        ["pods 10.32.0.0/24/24"],
      ]);
      const ledger = readLedger(c.file)!;
      expect(ledger.pools.pods).toMatchObject({ cidr: "10.32.0.0/24", blockSize: 24, status: "active" });
      expect(ledger.pools["pods-tmp"]).toBeUndefined();
      expect(ledger.migrations?.["block-size-pods"]).toMatchObject({ phase: 6, original: { blockSize: 26, cidr: "10.32.0.0/24" }, target: { blockSize: 24, cidr: "10.32.0.0/24" } });
    } finally {
      c.cleanup();
    }
  });

  test("in phase 3 the original's range stays held: no other pool is carved into it", () => {
    const c = cluster();
    try {
      for (const phase of [1, 2]) c.synth([c.base], [{ changeBlockSize: { pool: "pods", blockSize: 24 }, phase }]);
      const plan = c.synth([c.base, { name: "batch", prefixLength: 24 }], [{ changeBlockSize: { pool: "pods", blockSize: 24 }, phase: 3 }]);
      expect(errors(plan)).toEqual([]);
      expect(plan.pools.find((p) => p.manifest.metadata.name === "batch")?.manifest.spec.cidr).not.toBe("10.32.0.0/24");
    } finally {
      c.cleanup();
    }
  });

  test("changeCidr recreates the pool under its name at the new CIDR", () => {
    const c = cluster();
    try {
      let plan: IpamPlan | undefined;
      for (const phase of [1, 2, 3, 4, 5, 6]) plan = c.synth([c.base], [{ changeCidr: { pool: "pods", cidr: "10.32.64.0/20" }, phase }]);
      expect(errors(plan!)).toEqual([]);
      expect(emitted(plan!)).toEqual(["pods 10.32.64.0/20/26"]);
    } finally {
      c.cleanup();
    }
  });
});
