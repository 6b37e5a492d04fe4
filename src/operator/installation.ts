import type { InstallationIpPool } from "./installation-pools";

/** The API group and version of the Tigera operator's resources. */
export const OPERATOR_API_VERSION = "operator.tigera.io/v1";

/** The name of the Installation the operator reconciles (`utils.DefaultInstanceKey`); it reads no other, except an `overlay`. */
export const DEFAULT_INSTALLATION_NAME = "default";

/** An Installation carrying only the pool list: the object {@link renderInstallation} returns. */
export interface InstallationManifest {
  /** `operator.tigera.io/v1`. */
  readonly apiVersion: typeof OPERATOR_API_VERSION;
  /** `Installation`. */
  readonly kind: "Installation";
  /** The Installation's name, `default` unless asked otherwise. */
  readonly metadata: { readonly name: string };
  /** Only the pool list: the rest of the Installation stays with whoever owns it. */
  readonly spec: { readonly calicoNetwork: { readonly ipPools: InstallationIpPool[] } };
}

const FIELD_ORDER: ReadonlyArray<keyof InstallationIpPool> = [
  "name", "cidr", "blockSize", "encapsulation", "natOutgoing", "nodeSelector",
  "disableBGPExport", "disableNewAllocations", "allowedUses", "assignmentMode",
];

/**
 * An Installation that declares the pools, for a server-side apply (or a merge) next to the rest of the
 * Installation: `{ apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name },
 * spec: { calicoNetwork: { ipPools } } }`. The list is always written, even empty: an empty list tells the
 * operator to manage no pools, while a missing list lets it create a default pool (192.168.0.0/16, or
 * the kubeadm/OpenShift pod network). Fields are copied in a fixed order and absent ones left out, so the
 * output is byte-stable.
 *
 * @param name the Installation's name; the operator only reconciles `default`
 * @default name - "default"
 * @see https://docs.tigera.io/calico/latest/networking/ipam/ippools
 */
export function renderInstallation(ipPools: readonly InstallationIpPool[], name: string = DEFAULT_INSTALLATION_NAME): InstallationManifest {
  const pools = ipPools.map((pool) => {
    const out: Record<string, unknown> = {};
    for (const key of FIELD_ORDER) {
      const value = pool[key];
      if (value === undefined) continue;
      out[key] = Array.isArray(value) ? [...value] : value;
    }
    return out as unknown as InstallationIpPool;
  });
  return { apiVersion: OPERATOR_API_VERSION, kind: "Installation", metadata: { name }, spec: { calicoNetwork: { ipPools: pools } } };
}
