/**
 * The CDK Terrain example: the same constructs as on CDK for Terraform, with the App and TerraformStack
 * of `cdktn` and the library's own KubernetesProvider.
 *
 *   cd examples/terrain && CHECKPOINT_DISABLE=1 npx cdktn synth
 *   ls cdktf.out/stacks/terrain/   # cdk.tf.json, calico-ipam.yaml, plan.json, plan.md
 */
import { App, TerraformStack } from "cdktn";
import { declareCluster } from "./cluster";

const app = new App();
declareCluster(new TerraformStack(app, "terrain"));
app.synth();
