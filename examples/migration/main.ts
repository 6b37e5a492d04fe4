/**
 * Migrations as code, phase by phase: the pods of pool "pods" move to "pods-v2" (Calico's "Migrate from
 * one IP pool to another"), then "pods-v2" gets /24 blocks instead of /26 (Calico's "Change IP pool block
 * size", through a temporary pool carved from free space). Each migration is declared once; its phase
 * is the one number to change. Every phase is one synth and one apply: plan.md says what the apply
 * changes, which pods to restart by hand, how to check that none is left, and what the next phase does.
 * The ledger (calico-ipam.lock.json) records the phase reached, so running a phase twice does the same,
 * and a skipped phase or a phase below the ledger's fails synth.
 *
 *   npx cdktf synth                                   # in this folder
 *   cat cdktf.out/stacks/migration/plan.md            # the runbook of the current phase
 *
 * Committed at phase 1 of the move: "pods-v2" is created, "pods" still serves.
 */
import { App, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";
import { CalicoIpam } from "cdktf-calico-ipam";

/** The move from "pods" to "pods-v2": 1 add-target, 2 disable-source, 3 delete-source. */
const MOVE_TO_PODS_V2 = 1;
/** Then /24 blocks for "pods-v2": 1 add-temporary … 6 delete-temporary (0: not started yet). */
const BLOCK_SIZE_OF_PODS_V2 = 0;

export class MigrationStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });

    const ipam = new CalicoIpam(this, "ipam", {
      addressSpaces: [{ name: "pods", cidr: "10.48.0.0/16" }],
      serviceCidrs: ["10.96.0.0/12"],
      // The harness plays every phase on this cluster: the target must hold every pod that moves, the
      // IPIP tunnel addresses must find a new pool, and no block of the old pool may be left behind.
      topology: {
        nodes: [{ namePattern: "node-{i}", count: 6 }],
        workloads: [
          { name: "web", namespace: "shop", replicas: 120 },
          { name: "api", namespace: "payments", replicas: 40 },
        ],
      },
    });
    ipam.addNamespace("shop");
    ipam.addNamespace("payments");

    // The pool of today (a /22 of /26 blocks), and the pool the pods move to (same encapsulation and
    // NAT, so that the nodes' IPIP tunnel addresses move with them).
    const pods = ipam.addPool("pods", { prefixLength: 22, ipipMode: "Always", natOutgoing: true });
    const podsV2 = ipam.addPool("pods-v2", { prefixLength: 21, ipipMode: "Always", natOutgoing: true });
    ipam.migratePool({ from: pods, to: podsV2, phase: MOVE_TO_PODS_V2 });
    // Once the move is done (phase 3 applied), the block size change of the new pool.
    if (BLOCK_SIZE_OF_PODS_V2 > 0) ipam.changeBlockSize(podsV2, { blockSize: 24, phase: BLOCK_SIZE_OF_PODS_V2 });
  }
}

const app = new App();
new MigrationStack(app, "migration");
app.synth();
