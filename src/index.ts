/**
 * cdktf-calico-ipam: Calico IP address management as code for CDK for Terraform.
 *
 * The constructs live in `./constructs`; everything else is the planning core, free of cdktf, usable
 * from any front end.
 */
export * from "./constructs";
export * from "./model/calico";
export * from "./spec/types";
export * from "./ip";
export { parseSelector, tryParseSelector, SelectorSyntaxError } from "./selector";
export type { Selector, Labels, SelectorNode } from "./selector";
export * from "./validation/finding";
export { validateIpPool, validateIpPools, checkIpPool } from "./validation/ip-pool";
export type { EffectiveIpPool, IpPoolCheck, ValidateIpPoolOptions } from "./validation/ip-pool";
export { validateIpamConfiguration, checkIpamConfiguration } from "./validation/ipam-configuration";
export type { EffectiveIpamConfiguration, IpamConfigurationCheck } from "./validation/ipam-configuration";
export { validateObjectName, validateLabels, validateAnnotations } from "./validation/names";
export { planIpam, allFindings, planHasErrors, planObjects } from "./plan/plan";
export type { IpamPlan, PlannedPool } from "./plan/plan";
export { renderIpPool, renderIpamConfiguration } from "./render/manifests";
export { toMultiDocumentYaml, sortObjects } from "./render/yaml";
export { lintFiles, formatLintText } from "./cli/lint";
export type { LintReport, LintFinding, LintSkipped } from "./cli/lint";
