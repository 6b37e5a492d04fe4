/**
 * The allocation simulator (the validation harness): Calico's block allocation played over a declared
 * cluster, the precedence rule that picks a pod's pools, and the topology types.
 */
export * from "./topology";
export * from "./precedence";
export * from "./result";
export { simulateAllocation } from "./simulate";
export { POD_HANDLE_PREFIX, TUNNEL_HANDLE_PREFIX, podOwner, tunnelOwner } from "./snapshot";
export type { IpamSnapshot, SnapshotBlock, SnapshotAllocation } from "./snapshot";
export * from "./timeline";
export { randomBlockGenerator, randomBlockStartIndex, determineSeed } from "./random-block";
export type { RandomBlockGeneratorOptions } from "./random-block";
