/**
 * The planning core of cdktf-calico-ipam, without any construct framework: the spec, IP arithmetic,
 * Calico's selector language and validation rules, the carver and its ledger, the allocation simulator,
 * the renderers and the reports. `require("cdktf-calico-ipam/core")` loads it in a project that has
 * neither cdktf nor CDK Terrain (nor `constructs`) installed.
 */
export * from "./model/calico";
export * from "./spec/types";
export * from "./ip";
export {
  parseSelector,
  tryParseSelector,
  SelectorSyntaxError,
  commonMatch,
  selectorsOverlap,
  exampleMatch,
  matchesEverything,
  exampleNonMatch,
  SelectorAnalysisLimitError,
} from "./selector";
export type { Selector, Labels, SelectorNode } from "./selector";
export * from "./validation/finding";
export { validateIpPool, validateIpPools, checkIpPool } from "./validation/ip-pool";
export type { EffectiveIpPool, IpPoolCheck, ValidateIpPoolOptions } from "./validation/ip-pool";
export { validateIpamConfiguration, checkIpamConfiguration } from "./validation/ipam-configuration";
export type { EffectiveIpamConfiguration, IpamConfigurationCheck } from "./validation/ipam-configuration";
export { validateIpReservation, checkIpReservation, RESERVATION_POOL_SHARE_WARNING } from "./validation/ip-reservation";
export type { IpReservationCheck } from "./validation/ip-reservation";
export { checkExclusivity } from "./validation/exclusivity";
export { validateObjectName, validateLabels, validateAnnotations } from "./validation/names";
export { planIpam, allFindings, planHasErrors, planObjects, writePlanLedger, LEDGER_MODE_ENV } from "./plan/plan";
export type { IpamPlan, PlannedPool, PlannedReservation, PlanLedgerOptions } from "./plan/plan";
export * from "./carver";
export * from "./ledger";
export { renderIpPool, renderIpamConfiguration, renderIpReservation } from "./render/manifests";
export { toMultiDocumentYaml, sortObjects } from "./render/yaml";
export { lintFiles, formatLintText } from "./cli/lint";
export type { LintReport, LintFinding, LintSkipped } from "./cli/lint";
export * from "./simulator";
// Both the carver and the simulator name a request type PoolRequest; the root exports the carver's.
export type { PoolRequest } from "./carver";
export type { PoolRequest as PoolChoiceRequest } from "./simulator";
export * from "./report";
export * from "./operator";
export * from "./hostlocal";
export * from "./limits";
export * from "./live";
export { crdValidator, crdFileFor, schemaErrors, CRD_ROOT, DEFAULT_CRD_VERSION } from "./validation/crd-schema";
export type { CrdVersion } from "./validation/crd-schema";
