export * from "./calico-ipam";
export * from "./ip-pool";
export * from "./ipam-configuration";
