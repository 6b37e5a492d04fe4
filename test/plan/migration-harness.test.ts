import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { HarnessOptions } from "../../src/plan/harness";
import { checkMigrations } from "../../src/plan/migration-harness";
import { planIpam, writePlanLedger } from "../../src/plan/plan";
import type { IpamSpec, NamespaceBindingDeclaration, PoolDeclaration } from "../../src/spec/types";

const topology: HarnessOptions = {
  topology: {
    nodes: [{ namePattern: "node-{i}", count: 4 }],
    workloads: [
      { name: "web", namespace: "shop", replicas: 100 },
      { name: "api", namespace: "payments", replicas: 20 },
    ],
  },
};

/** Plans `pools` after a first synth that recorded `pods`, with a migratePool at phase 1 to `target`. */
function migrationChecks(target: PoolDeclaration, options: { harness?: HarnessOptions; namespaces?: NamespaceBindingDeclaration[]; phase?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migration-harness-"));
  try {
    const file = path.join(dir, "calico-ipam.lock.json");
    const pods: PoolDeclaration = { name: "pods", prefixLength: 22, ipipMode: "Always" };
    const base: IpamSpec = { addressSpaces: [{ name: "pods", cidr: "10.48.0.0/16" }], pools: [pods], namespaces: options.namespaces ?? [{ name: "shop" }, { name: "payments" }] };
    writePlanLedger(planIpam(base, { file }));
    let plan = planIpam({ ...base, pools: [pods, target], migrations: [{ migratePool: { from: "pods", to: target.name }, phase: 1 }] }, { file });
    for (let phase = 2; phase <= (options.phase ?? 1); phase++) {
      writePlanLedger(plan);
      plan = planIpam({ ...base, pools: [pods, target], migrations: [{ migratePool: { from: "pods", to: target.name }, phase }] }, { file });
    }
    return checkMigrations(plan, options.harness)[0];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("each phase of a migration is played before it is applied", () => {
  test("a target with room for every pod passes every phase", () => {
    const check = migrationChecks({ name: "pods-v2", prefixLength: 21, ipipMode: "Always" }, { harness: topology });
    expect(check.findings).toEqual([]);
    expect(check.phases.map((p) => [p.phase, p.podsFailed, p.addressesLeft, p.blocksLeft.length])).toEqual([
      [1, 0, 0, 0],
      [2, 0, 0, 0],
      [3, 0, 0, 0],
    ]);
  });

  test("a target that cannot hold the pods is an error on the phase whose restart leaves them without an address", () => {
    const check = migrationChecks({ name: "pods-v2", prefixLength: 26, ipipMode: "Always" }, { harness: topology });
    const found = check.findings.filter((f) => f.code === "MIGRATION_PODS_WITHOUT_ADDRESS");
    expect(found.map((f) => f.path)).toContain("migrations.migrate-pods.phases[2]");
    expect(found[0].message).toMatch(/^phase 2 \(disable-source\) of migration "migrate-pods" leaves \d+ pods without an address after their restart: "pods-v2" cannot hold every pod that moves/);
  });

  test("pods pinned to the old pool by a namespace annotation are named as the reason", () => {
    const check = migrationChecks({ name: "pods-v2", prefixLength: 21, ipipMode: "Always" }, { harness: topology, namespaces: [{ name: "shop", annotations: { ipv4pools: ["pods"] } }, { name: "payments" }] });
    const found = check.findings.find((f) => f.code === "MIGRATION_PODS_WITHOUT_ADDRESS");
    expect(found?.message).toMatch(/drop the pod and namespace annotations and CNI ipv4_pools that name "pods"/);
  });

  test("a target without the old pool's encapsulation loses the nodes' tunnel addresses, with or without a topology", () => {
    for (const harness of [undefined, topology]) {
      const check = migrationChecks({ name: "pods-v2", prefixLength: 21 }, { harness });
      const found = check.findings.filter((f) => f.code === "MIGRATION_TUNNEL_ADDRESSES");
      expect(found[0]?.message).toMatch(/^phase 2 \(disable-source\) of migration "migrate-pods" disables pool "pods" \(ipipMode Always\), which holds the IPIP tunnel addresses of the nodes.*Give "pods-v2" ipipMode: Always/);
    }
  });

  test("phases already applied are not checked again", () => {
    const check = migrationChecks({ name: "pods-v2", prefixLength: 26, ipipMode: "Always" }, { harness: topology, phase: 3 });
    expect(check.findings.filter((f) => f.path === "migrations.migrate-pods.phases[2]")).toEqual([]);
  });
});
