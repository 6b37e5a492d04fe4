/**
 * A fleet of clusters from one address plan: every cluster's pools carved fleet-wide, so that no two
 * clusters that route to each other share an address, each cluster's ranges kept by its section of one
 * fleet ledger.
 */
export { carveFleet } from "./carve-fleet";
export type { DrawnRangeRequest, FleetCarveCluster, FleetCarveInput, FleetCarveResult, HeldRange } from "./carve-fleet";
export { SERVICE_CIDR_MAX_HOST_BITS } from "./carve-fleet";
export { planFleet, writeFleetLedgers, fleetHasErrors } from "./plan-fleet";
export type { DrawnRanges, DrawnRangeSize, FleetClusterDeclaration, FleetClusterLedger, FleetClusterPlan, FleetLedgerOptions, FleetPlan, FleetSpec } from "./plan-fleet";
export { readPublishedPlans, FLEET_PLAN_SCHEMA } from "./published";
export type { FleetSubSpace, SubSpaceDeclaration } from "./carve-fleet";
