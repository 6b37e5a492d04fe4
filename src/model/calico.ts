/**
 * Calico's IPAM resource shapes, as the library emits and reads them.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 * @see https://docs.tigera.io/calico/latest/reference/resources/ipamconfig
 */

/** The user-facing API group (served by Calico's API server or, in v3-CRD mode, by CRDs). */
export const API_V3 = "projectcalico.org/v3";
/** Calico's internal storage group. Writing it bypasses Calico's validation and defaulting. */
export const API_CRD_V1 = "crd.projectcalico.org/v1";

/** The API group and version of emitted Calico objects. */
export type CalicoApiVersion = typeof API_V3 | typeof API_CRD_V1;
export const CALICO_API_VERSIONS: readonly CalicoApiVersion[] = [API_V3, API_CRD_V1];

/** IPIP and VXLAN encapsulation modes. */
export type EncapsulationMode = "Never" | "Always" | "CrossSubnet";
export const ENCAPSULATION_MODES: readonly EncapsulationMode[] = ["Never", "Always", "CrossSubnet"];

/** What addresses of a pool may be used for. */
export type AllowedUse = "Workload" | "Tunnel" | "LoadBalancer";
export const ALLOWED_USES: readonly AllowedUse[] = ["Workload", "Tunnel", "LoadBalancer"];

/** Whether IPAM hands out addresses from a pool on its own (`Automatic`) or only when asked by name (`Manual`). */
export type AssignmentMode = "Automatic" | "Manual";
export const ASSIGNMENT_MODES: readonly AssignmentMode[] = ["Automatic", "Manual"];

/** `kubeVirtVMAddressPersistence` values of the IPAM configuration. */
export type KubeVirtAddressPersistence = "Enabled" | "Disabled";
export const KUBEVIRT_PERSISTENCE_VALUES: readonly KubeVirtAddressPersistence[] = ["Enabled", "Disabled"];

/** `spec` of an IPPool, every field of Calico v3.32. */
export interface IpPoolSpec {
  readonly cidr: string;
  readonly blockSize?: number;
  readonly ipipMode?: EncapsulationMode;
  readonly vxlanMode?: EncapsulationMode;
  readonly natOutgoing?: boolean;
  readonly disabled?: boolean;
  readonly disableBGPExport?: boolean;
  readonly nodeSelector?: string;
  readonly namespaceSelector?: string;
  readonly allowedUses?: readonly AllowedUse[];
  readonly assignmentMode?: AssignmentMode;
}

/** Object metadata the library sets on Calico objects. */
export interface ObjectMeta {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface IpPoolManifest {
  readonly apiVersion: CalicoApiVersion;
  readonly kind: "IPPool";
  readonly metadata: ObjectMeta;
  readonly spec: IpPoolSpec;
}

/** `spec` of the IPAM configuration singleton. */
export interface IpamConfigurationSpec {
  readonly strictAffinity: boolean;
  readonly autoAllocateBlocks: boolean;
  readonly maxBlocksPerHost?: number;
  readonly kubeVirtVMAddressPersistence?: KubeVirtAddressPersistence;
}

export interface IpamConfigurationManifest {
  readonly apiVersion: CalicoApiVersion;
  /** `IPAMConfiguration` in projectcalico.org/v3, `IPAMConfig` in crd.projectcalico.org/v1. */
  readonly kind: "IPAMConfiguration" | "IPAMConfig";
  readonly metadata: ObjectMeta;
  readonly spec: IpamConfigurationSpec;
}

/** `spec` of an IPReservation: addresses auto-assignment must never hand out. */
export interface IpReservationSpec {
  readonly reservedCIDRs: readonly string[];
}

export interface IpReservationManifest {
  readonly apiVersion: CalicoApiVersion;
  readonly kind: "IPReservation";
  readonly metadata: ObjectMeta;
  readonly spec: IpReservationSpec;
}

/** Any Calico object this library emits. */
export type CalicoObject = IpPoolManifest | IpamConfigurationManifest | IpReservationManifest;

/** The IPAM configuration is a singleton: Calico only reads the object named `default`. */
export const IPAM_CONFIGURATION_NAME = "default";

/** The kind of the IPAM configuration object in each API group. */
export function ipamConfigurationKind(apiVersion: CalicoApiVersion): "IPAMConfiguration" | "IPAMConfig" {
  return apiVersion === API_V3 ? "IPAMConfiguration" : "IPAMConfig";
}

/** Calico's defaults, applied by clientv3 `validateAndSetDefaults` (reference §2.1). */
export const POOL_DEFAULTS = {
  blockSizeV4: 26,
  blockSizeV6: 122,
  ipipMode: "Never" as EncapsulationMode,
  vxlanMode: "Never" as EncapsulationMode,
  nodeSelector: "all()",
  allowedUses: ["Workload", "Tunnel"] as readonly AllowedUse[],
  assignmentMode: "Automatic" as AssignmentMode,
} as const;

/** The effective limit when `maxBlocksPerHost` is 0 or unset (reference §3: 0 means 20, not unlimited). */
export const DEFAULT_MAX_BLOCKS_PER_HOST = 20;
