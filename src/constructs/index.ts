export * from "./calico-ipam";
export * from "./ip-pool";
export * from "./draining-pool";
export * from "./pool-migration";
export * from "./ipam-configuration";
export * from "./singleton";
export * from "./topology-pools";
export * from "./ip-reservation";
export * from "./namespace-binding";
export * from "./workload-addresses";
export * from "./host-local-ipam";
export * from "./kubernetes-provider";
export type {
  ITerraformProvider,
  ITerraformResource,
  KubernetesManifestResource,
  KubernetesAnnotationsResource,
  KubernetesNamespaceV1Resource,
  KubernetesProviderConfig,
  KubernetesProviderResource,
} from "./host/types";
export { AddressPlan } from "./address-plan";
export type { AddressPlanProps, AddressPlanLedgerProps, AddressPlanPublishedPlan, AddressPlanSubSpace } from "./address-plan";
