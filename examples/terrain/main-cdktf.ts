/**
 * The CDK Terrain example on CDK for Terraform: only the import differs from `main.ts`.
 *
 *   cd examples/terrain && CHECKPOINT_DISABLE=1 npx cdktf synth --app "npx tsx main-cdktf.ts"
 */
import { App, TerraformStack } from "cdktf";
import { declareCluster } from "./cluster";

const app = new App();
declareCluster(new TerraformStack(app, "terrain"));
app.synth();
