/**
 * The runbook of a pool migration's current phase, for plan.md and the text report: what the apply
 * changes, the manual step (the exact commands that restart the pods on the pool being left), how to
 * check that it is done (with the result to expect), and what the next phase does.
 */
import type { LedgerMigrationOriginal } from "../ledger/migrations";
import type { MigrationCheck, MigrationDumpView } from "../plan/migration-harness";
import type { PlannedMigration } from "../plan/migrations";
import { CHANGE_BLOCK_SIZE_DOC, MIGRATE_POOLS_DOC } from "../plan/migrations";
import type { IpamPlan } from "../plan/plan";
import type { ReportMigration, ReportRunbook } from "./schema";

/** What the runbook needs besides the plan. */
export interface RunbookContext {
  /** Namespaces of the declared workloads (for `kubectl rollout restart` by namespace), sorted; empty when unknown. */
  readonly namespaces: readonly string[];
  /** What the dump the harness started from holds in the pool of the current phase, when there is one. */
  readonly dump?: MigrationDumpView;
}

/** The dump `calico-ipam inspect` reads, taken again after the manual step. */
const DUMP = [
  "kubectl get ippools.crd.projectcalico.org,ipamblocks.crd.projectcalico.org,blockaffinities.crd.projectcalico.org,ipamhandles.crd.projectcalico.org -o json > calico.json",
  "kubectl get pods --all-namespaces -o json > pods.json",
];

/** The report's entry of each declared migration, with the runbook of its current phase and the harness's checks. */
export function reportMigrations(plan: IpamPlan, checks: readonly MigrationCheck[], context: RunbookContext): ReportMigration[] {
  return (plan.migrations ?? []).map((m) => {
    const check = checks.find((c) => c.migration === m.name);
    return {
      name: m.name,
      kind: m.kind,
      pool: m.pool,
      ...(m.to !== undefined ? { to: m.to } : {}),
      ...(m.temporaryPool !== undefined ? { temporaryPool: m.temporaryPool } : {}),
      phase: m.phase,
      recordedPhase: m.recordedPhase,
      phases: [...m.phases],
      ...(m.original && m.findings.every((f) => f.severity !== "error") ? { runbook: runbook(plan, m, check?.dump ? { ...context, dump: check.dump } : context) } : {}),
      checks: (check?.phases ?? []).map((p) => ({ ...p, blocksLeft: [...p.blocksLeft] })),
    };
  });
}

/** The runbook of the migration's current phase. */
export function runbook(plan: IpamPlan, m: PlannedMigration, context: RunbookContext): ReportRunbook {
  const original = m.original as LedgerMigrationOriginal;
  const cidrOf = (name: string) => plan.pools.find((p) => p.manifest.metadata.name === name)?.manifest.spec.cidr;
  const operator = plan.installation !== undefined;
  const disable = (name: string, cidr: string | undefined) =>
    operator
      ? `the Installation sets IP pool ${name}${cidr ? ` (${cidr})` : ""} to nodeSelector "!all()" (the operator's way to disable it): no new address comes from it; pods keep theirs`
      : `IPPool ${name}${cidr ? ` (${cidr})` : ""} is updated in place to disabled: true: no new address comes from it; pods keep theirs`;
  const restart = (name: string, cidr: string): string[] => {
    const dump = context.dump?.pool === name ? context.dump : undefined;
    return dump ? restartFromDump(dump) : restartDeclared(name, cidr);
  };
  const restartDeclared = (name: string, cidr: string): string[] => [
    ...(context.namespaces.length > 0
      ? context.namespaces.map((ns) => `kubectl rollout restart deployment -n ${ns}`)
      : ["kubectl rollout restart deployment -n <namespace>   # each namespace with pods on the pool"]),
    `kubectl rollout restart statefulset -n <namespace>; kubectl rollout restart daemonset -n <namespace>   # the same for pods of other controllers on ${cidr}`,
    `kubectl delete pod -n <namespace> --field-selector spec.nodeName=<node>   # pods without a controller, node by node (calicoctl ipam show --show-blocks lists the nodes of ${name}'s blocks)`,
  ];
  const emptied = (name: string, cidr: string): Pick<ReportRunbook, "verify" | "expected"> => ({
    verify: ["calicoctl ipam show --show-blocks", "# or, offline:", ...DUMP, "npx calico-ipam inspect calico.json pods.json --show-blocks"],
    expected: `the IP Pool row of ${name} (${cidr}) shows 0 IPs in use, and no Block row is left under it once kube-controllers released the emptied blocks (after its leak grace period, 15 minutes by default); then raise phase to ${m.phase + 1}`,
  });
  const gone = (name: string, cidr: string): Pick<ReportRunbook, "verify" | "expected"> => ({
    verify: ["kubectl get ippools.crd.projectcalico.org", "calicoctl ipam show --show-blocks"],
    expected: `no IPPool ${name}, and no Block of ${cidr} left (blockaffinities of it would give overlapping routes)`,
  });
  const next = (n: number, what: string) => (n <= m.phases.length ? `phase ${n} (${m.phases[n - 1]}): ${what}` : null);
  const doc = m.kind === "migratePool" ? MIGRATE_POOLS_DOC : CHANGE_BLOCK_SIZE_DOC;

  if (m.kind === "migratePool") {
    const to = m.to as string;
    const toCidr = cidrOf(to) ?? "its range";
    switch (m.phase) {
      case 1:
        return {
          apply: [`IPPool ${to} (${toCidr}) is created (if it is new); ${m.pool} (${original.cidr}) keeps serving`],
          manual: [],
          verify: ["kubectl get ippools.crd.projectcalico.org"],
          expected: `${to} exists with ${toCidr}; then raise phase to 2`,
          next: next(2, `disables ${m.pool}; then restart the pods that use it`),
          doc,
        };
      case 2:
        return {
          apply: [
            ...(original.adopted ? [`the existing IPPool ${m.pool} is imported into the Terraform state (import block; it was not created by Terraform)`] : []),
            disable(m.pool, original.cidr),
          ],
          manual: restart(m.pool, original.cidr),
          ...emptied(m.pool, original.cidr),
          next: next(3, `deletes ${m.pool} and releases ${original.cidr} in the ledger`),
          doc,
        };
      default:
        return {
          apply: [`IPPool ${m.pool} (${original.cidr}) is deleted; the ledger releases its range`],
          manual: original.adopted
            ? [`# calico-node creates ${m.pool} again only when no IPv${original.cidr.includes(":") ? 6 : 4} pool exists; on a manifest install set NO_DEFAULT_POOLS=true on the calico-node DaemonSet to be sure`]
            : [],
          ...gone(m.pool, original.cidr),
          next: null,
          doc,
        };
    }
  }
  const tmp = m.temporaryPool as string;
  const tmpCidr = cidrOf(tmp) ?? "its range";
  const target = m.target as { cidr: string; blockSize: number };
  const change = m.kind === "changeBlockSize" ? `block size /${target.blockSize}` : `CIDR ${target.cidr} (block size /${target.blockSize})`;
  switch (m.phase) {
    case 1:
      return {
        apply: [`IPPool ${tmp} (${tmpCidr}, block size /${original.blockSize}), the temporary pool carved from free space, is created; ${m.pool} keeps serving`],
        manual: [],
        verify: ["kubectl get ippools.crd.projectcalico.org"],
        expected: `${tmp} exists with ${tmpCidr}; then raise phase to 2`,
        next: next(2, `disables ${m.pool}; then restart its pods, which move to ${tmp}`),
        doc,
      };
    case 2:
      return {
        apply: [disable(m.pool, original.cidr)],
        manual: restart(m.pool, original.cidr),
        ...emptied(m.pool, original.cidr),
        next: next(3, `deletes ${m.pool}; its range stays held for the new pool`),
        doc,
      };
    case 3:
      return {
        apply: [`IPPool ${m.pool} (${original.cidr}, block size /${original.blockSize}) is deleted; ${m.kind === "changeBlockSize" ? "its range stays reserved in the plan for phase 4" : "its range is released"}`],
        manual: [],
        ...gone(m.pool, original.cidr),
        next: next(4, `creates ${m.pool} again with ${change}`),
        doc,
      };
    case 4:
      return {
        apply: [`IPPool ${m.pool} is created again: ${target.cidr}, block size /${target.blockSize}; ${tmp} keeps serving`],
        manual: [],
        verify: ["kubectl get ippools.crd.projectcalico.org -o wide"],
        expected: `${m.pool} exists with ${target.cidr} and blockSize ${target.blockSize}; then raise phase to 5`,
        next: next(5, `disables ${tmp}; then restart its pods, which move back to ${m.pool}`),
        doc,
      };
    case 5:
      return {
        apply: [disable(tmp, tmpCidr)],
        manual: restart(tmp, tmpCidr),
        ...emptied(tmp, tmpCidr),
        next: next(6, `deletes ${tmp} and releases its range`),
        doc,
      };
    default:
      return {
        apply: [`IPPool ${tmp} is deleted; the ledger releases its range`],
        manual: [],
        verify: ["calicoctl ipam show --show-blocks"],
        expected: `only ${m.pool} (${target.cidr}) with blocks of /${target.blockSize}; then set ${m.kind === "changeBlockSize" ? `blockSize: ${target.blockSize}` : `cidr: "${target.cidr}"`} on ${m.pool} in the code and remove the migration`,
        next: null,
        doc,
      };
  }
}

/** The manual step from the dump: the namespaces and nodes that hold addresses in the pool, exactly. */
function restartFromDump(dump: MigrationDumpView): string[] {
  const namespaces = [...new Set(dump.pods.map((p) => p.namespace))].sort();
  const pairs = [...new Set(dump.pods.map((p) => `${p.namespace}\u0000${p.node}`))].sort().map((k) => k.split("\u0000"));
  return [
    `# the dump shows ${dump.pods.length} pod${dump.pods.length === 1 ? "" : "s"} with addresses in ${dump.pool} (${dump.cidr}), in ${namespaces.length} namespace${namespaces.length === 1 ? "" : "s"}`,
    ...namespaces.map((ns) => `kubectl rollout restart deployment -n ${ns}`),
    "# pods of other controllers, or without one: delete them node by node",
    ...pairs.map(([ns, node]) => `kubectl delete pod -n ${ns} --field-selector spec.nodeName=${node}`),
    ...(dump.tunnelNodes.length > 0
      ? [
          `# the tunnel addresses of ${dump.tunnelNodes.join(", ")} are in ${dump.pool}: calico-node takes a new one when it restarts (namespace calico-system with the operator, kube-system otherwise)`,
          ...dump.tunnelNodes.map((node) => `kubectl delete pod -n calico-system -l k8s-app=calico-node --field-selector spec.nodeName=${node}`),
        ]
      : []),
  ];
}
