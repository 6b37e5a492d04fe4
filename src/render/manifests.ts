import { Cidr } from "../ip";
import {
  API_V3,
  CalicoApiVersion,
  IPAM_CONFIGURATION_NAME,
  IpPoolManifest,
  IpPoolSpec,
  IpReservationManifest,
  IpamConfigurationManifest,
  ObjectMeta,
  POOL_DEFAULTS,
  ipamConfigurationKind,
} from "../model/calico";
import type { IpamConfigurationDeclaration, PoolDeclaration } from "../spec/types";

/**
 * Renders a pool declaration as an IPPool manifest with every defaulted field written out, so that
 * every install mode (API server, v3 CRDs, direct v1 writes) sees the same object. A CIDR that parses
 * is written in canonical form (masked, compressed IPv6); one that does not is kept as written so the
 * validator can name it.
 */
export function renderIpPool(pool: PoolDeclaration, apiVersion: CalicoApiVersion = API_V3): IpPoolManifest {
  const parsed = typeof pool.cidr === "string" ? Cidr.tryParse(pool.cidr) : undefined;
  const cidr = parsed?.ok ? parsed.cidr.toString() : (pool.cidr ?? "");
  const family = parsed?.ok ? parsed.cidr.family : undefined;
  const blockSize = pool.blockSize ?? (family === 6 ? POOL_DEFAULTS.blockSizeV6 : family === 4 ? POOL_DEFAULTS.blockSizeV4 : undefined);
  const uses = pool.allowedUses && pool.allowedUses.length > 0 ? pool.allowedUses : POOL_DEFAULTS.allowedUses;
  const spec: IpPoolSpec = {
    cidr,
    ...(blockSize !== undefined ? { blockSize } : {}),
    ipipMode: pool.ipipMode ?? POOL_DEFAULTS.ipipMode,
    vxlanMode: pool.vxlanMode ?? POOL_DEFAULTS.vxlanMode,
    natOutgoing: pool.natOutgoing ?? false,
    disabled: pool.disabled ?? false,
    disableBGPExport: pool.disableBGPExport ?? false,
    nodeSelector: pool.nodeSelector === undefined || pool.nodeSelector === "" ? POOL_DEFAULTS.nodeSelector : pool.nodeSelector,
    ...(pool.namespaceSelector ? { namespaceSelector: pool.namespaceSelector } : {}),
    // A value that is not a list (plain JavaScript) is kept as written, so the validation names it.
    allowedUses: Array.isArray(uses) ? [...uses] : uses,
    assignmentMode: pool.assignmentMode ?? POOL_DEFAULTS.assignmentMode,
  };
  return { apiVersion, kind: "IPPool", metadata: meta(pool.name, pool.labels, pool.annotations), spec };
}

/** Renders the IPAM configuration singleton, with Calico's defaults for the two required fields. */
export function renderIpamConfiguration(config: IpamConfigurationDeclaration, apiVersion: CalicoApiVersion = API_V3): IpamConfigurationManifest {
  return {
    apiVersion,
    kind: ipamConfigurationKind(apiVersion),
    metadata: { name: IPAM_CONFIGURATION_NAME },
    spec: {
      strictAffinity: config.strictAffinity ?? false,
      autoAllocateBlocks: config.autoAllocateBlocks ?? true,
      ...(config.maxBlocksPerHost !== undefined ? { maxBlocksPerHost: config.maxBlocksPerHost } : {}),
      ...(config.kubeVirtVMAddressPersistence !== undefined ? { kubeVirtVMAddressPersistence: config.kubeVirtVMAddressPersistence } : {}),
    },
  };
}

function meta(name: string, labels?: Readonly<Record<string, string>>, annotations?: Readonly<Record<string, string>>): ObjectMeta {
  return {
    name,
    ...(labels && Object.keys(labels).length > 0 ? { labels: sortedRecord(labels) } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: sortedRecord(annotations) } : {}),
  };
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  // Object.fromEntries defines every key as data, so a "__proto__" key is kept (and then named by the validation).
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
}

/** Renders an IPReservation: bare addresses become /32 or /128, CIDRs are written in canonical form. */
export function renderIpReservation(name: string, reservedCidrs: readonly string[], apiVersion: CalicoApiVersion = API_V3, labels?: Readonly<Record<string, string>>): IpReservationManifest {
  const canonical = reservedCidrs.map((entry) => {
    const text = entry.includes("/") ? entry : `${entry}/${entry.includes(":") ? 128 : 32}`;
    const parsed = Cidr.tryParse(text);
    return parsed.ok ? parsed.cidr.toString() : entry;
  });
  return { apiVersion, kind: "IPReservation", metadata: meta(name, labels), spec: { reservedCIDRs: canonical } };
}
