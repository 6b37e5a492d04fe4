/**
 * The carver: pool CIDRs carved out of declared address spaces, deterministic, and stable across runs
 * through the ledger (`../ledger`).
 */
export { carve } from "./carver";
export type { CarveInput, CarveResult, CarvedPool } from "./carver";
export { requestPrefix } from "./request";
export type { PoolRequest, PoolSize } from "./request";
export type { AddressSpaceDeclaration, ExclusionDeclaration, ExclusionKind } from "./address-space";
export { CarveError } from "./errors";
export type { CarveErrorCode } from "./errors";
