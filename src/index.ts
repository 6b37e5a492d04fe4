/**
 * cdktf-calico-ipam: Calico IP address management as code for CDK for Terraform and CDK Terrain.
 *
 * The constructs live in `./constructs` and load the host framework (cdktf or cdktn) the app runs on;
 * everything else is the planning core (`./core`, also the package entry `cdktf-calico-ipam/core`),
 * free of any host, usable from any front end.
 */
export * from "./constructs";
export * from "./core";
