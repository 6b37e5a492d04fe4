import type {
  AllowedUse,
  AssignmentMode,
  CalicoApiVersion,
  EncapsulationMode,
  KubeVirtAddressPersistence,
} from "../model/calico";

/**
 * One IP pool of the address plan, as declared by a user (construct props or a spec file).
 * Field names and meanings are Calico's IPPool spec fields.
 */
export interface PoolDeclaration {
  /** The IPPool name (DNS-1123 subdomain). Calico tries pools in name order. */
  readonly name: string;
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
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The cluster-wide IPAM settings (Calico's `IPAMConfiguration` named `default`). */
export interface IpamConfigurationDeclaration {
  readonly strictAffinity?: boolean;
  readonly autoAllocateBlocks?: boolean;
  readonly maxBlocksPerHost?: number;
  readonly kubeVirtVMAddressPersistence?: KubeVirtAddressPersistence;
}

/** A cluster's whole address plan: the one serializable description every front end builds. */
export interface IpamSpec {
  /** @default "projectcalico.org/v3" */
  readonly apiVersion?: CalicoApiVersion;
  readonly pools: readonly PoolDeclaration[];
  readonly ipamConfiguration?: IpamConfigurationDeclaration;
}
