/**
 * Reports made for pull-request review: the plan report as versioned JSON (`docs/plan-schema.md`),
 * as text in the style of `calicoctl ipam show`, as Markdown for a PR comment, and the diff between
 * two plan reports. Pure functions of their input, deterministic to the byte.
 */
export * from "./schema";
export { buildPlanReport } from "./build";
export type { PlanReportOptions } from "./build";
export { parsePlanReport, PlanReportError } from "./parse";
export { renderPlanText, IPAM_SHOW_COLUMNS, HOST_LOCAL_NODE_COLUMNS } from "./text";
export type { PlanTextOptions } from "./text";
export { renderPlanMarkdown } from "./markdown";
export type { PlanMarkdownOptions } from "./markdown";
export {
  diffPlanReports,
  PLAN_DIFF_SCHEMA,
  PLAN_DIFF_SCHEMA_VERSION,
  POOL_DIFF_FIELDS,
  MIGRATE_POOLS_URL,
  CHANGE_BLOCK_SIZE_URL,
} from "./diff";
export type {
  PlanDiff,
  ChangedPool,
  RemovedPool,
  PoolLifecycle,
  PoolLifecycleChange,
  FieldChange,
  PoolDiffField,
  DiffValue,
  CountChange,
  PoolCapacityChange,
  NamespaceChange,
  FixedAddressChange,
  HostLocalDiff,
  HostLocalNodeChange,
} from "./diff";
export { diffTimelines, alignTimelines, TIMELINE_ALIGN_CELLS } from "./diff-timeline";
export type { TimelineDiff, TimelineStepChange, TimelineStepChangeKind, TimelinePoolChange, TimelineStepFinding } from "./diff-timeline";
export { renderDiffMarkdown, renderDiffText } from "./diff-render";
export type { DiffMarkdownOptions } from "./diff-render";
export { renderJson } from "./json";
export { formatGoG, formatGoPercent, formatCount, textBar, compareFindings } from "./format";
export { renderPlanHtml, renderDiffHtml, renderInspectHtml } from "./html";
export type { PlanHtmlOptions } from "./html";
export { renderPlanSvg, renderInspectSvg } from "./svg";
export { inspectMapModel, findingPlaces } from "./inspect-map";
export type { InspectMapOptions } from "./inspect-map";
export type { PlanSvgOptions } from "./svg";
export { renderTimelineChart } from "./timeline-chart";
export type { TimelineChartOptions, TimelineMetric } from "./timeline-chart";
export { layoutAddressMap, hilbertRect } from "./address-map";
export type { AddressMap, FamilyMap, MapRange, MapBlock, MapRect, MapKind } from "./address-map";
export { planReportFiles, PLAN_REPORT_FILES } from "./files";
export { fleetSection, withFleet } from "./fleet";
export type { FleetReportInput } from "./fleet";
