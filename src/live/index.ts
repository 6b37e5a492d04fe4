/**
 * Live cluster state: a dump of what Calico holds (`kubectl get … -o yaml|json` of IP pools, IPAM
 * blocks, block affinities, handles, IPAM configuration, reservations, plus nodes, namespaces and pods,
 * and `calicoctl ipam check -o` reports), read offline, checked like `calicoctl ipam check`, shown like
 * `calicoctl ipam show`, and compared with the plan. Commands to produce a dump: `docs/inspect.md`.
 */
export * from "./model";
export { readDump, readDumpFiles, firstDifference } from "./read";
export type { ReadDumpOptions } from "./read";
export { affinityName, blockName, decodeBlock, ordinalAddress, WINDOWS_RESERVED_HANDLE } from "./block";
export type { DecodedBlock } from "./block";
export { ipamBlockObject, blockAffinityObject, ipamHandleObject, stringifyObjects } from "./objects";
export type { BlockAllocation, BlockObjectInput } from "./objects";
export { inspectDump, allocationAt, DEFAULT_POOL_NAMES } from "./check";
export type { InspectOptions, Inspection, PoolUtilization, BlockUtilization, BorrowedAddress, CheckCounts } from "./check";
export { driftFromPlan, DRIFT_POOL_FIELDS } from "./drift";
export type { DriftInput, DriftReport, DriftFieldChange, DriftPoolField } from "./drift";
export { buildInspectReport, INSPECT_REPORT_SCHEMA, INSPECT_REPORT_SCHEMA_VERSION } from "./report";
export type { InspectReport, InspectReportOptions, InspectIpamConfiguration, InspectCheckReport } from "./report";
export { renderInspectText, renderInspectMarkdown, BORROWED_COLUMNS, CONFIGURATION_COLUMNS } from "./render";
export type { InspectRenderOptions } from "./render";
export { adoptLivePools } from "./adopt";
export type { AdoptResult, AdoptedPool } from "./adopt";
export { snapshotFromDump, loadInitialState } from "./seed";
export type { SnapshotFromDumpOptions, HarnessInitialState, LoadedInitialState } from "./seed";
export { snapshotObjects, writeStateDump, SIMULATION_EPOCH, STATE_DUMP_FILES } from "./export";
export type { SnapshotObjectsOptions, StateObjects } from "./export";
