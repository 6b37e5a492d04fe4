/**
 * Pools owned by the Tigera operator: the mapping from Calico IP pools to
 * `Installation.spec.calicoNetwork.ipPools`, the Installation that carries them, and how to adopt pools
 * that exist already.
 */
export { toInstallationIpPools, installationEncapsulation, INSTALLATION_MAX_IP_POOLS } from "./installation-pools";
export type { InstallationIpPool, InstallationEncapsulation, InstallationNatOutgoing } from "./installation-pools";
export { renderInstallation, OPERATOR_API_VERSION, DEFAULT_INSTALLATION_NAME } from "./installation";
export type { InstallationManifest } from "./installation";
export { OPERATOR_ADOPTION_GUIDE } from "./adoption-guide";
