/**
 * Pools owned by the Tigera operator: most Calico installs are operator installs, where pools are
 * declared in `Installation.spec.calicoNetwork.ipPools` and the operator's IP pool controller writes the
 * `IPPool` objects. Emitting `IPPool` objects for those pools as well makes two owners fight over them
 * (tigera/operator PR #5255 moved the pool list itself into the Installation spec for the same reason).
 *
 * The operator's pool fields differ from `IPPool`'s (`operator.tigera.io_installations.yaml`,
 * `spec.calicoNetwork.ipPools`, v3.32.1), and so do its defaults (`pkg/controller/ippool/defaults.go`):
 *
 * | IPPool field                 | Installation field        | operator default when omitted                         |
 * | ---------------------------- | ------------------------- | ----------------------------------------------------- |
 * | `metadata.name`              | `name`                    | the name of an existing pool with the same CIDR, else `default-ipv4-ippool`/… or one made from the CIDR |
 * | `cidr`                       | `cidr`                    | (required)                                            |
 * | `blockSize`                  | `blockSize`               | 26 / 122                                              |
 * | `ipipMode` + `vxlanMode`     | `encapsulation`           | IPv4 `IPIP` (Calico CNI) or `None`; IPv6 `None`       |
 * | `natOutgoing` (bool)         | `natOutgoing` (Enabled/Disabled) | IPv4 `Enabled`, IPv6 `Disabled`                |
 * | `disabled`                   | `disableNewAllocations`   | false                                                 |
 * | `nodeSelector`               | `nodeSelector`            | `all()` (an empty string is refused)                  |
 * | `disableBGPExport`           | `disableBGPExport`        | false                                                 |
 * | `allowedUses`                | `allowedUses`             | `[Workload, Tunnel]`                                  |
 * | `assignmentMode`             | `assignmentMode`          | `Automatic`                                           |
 * | `namespaceSelector`          | — (none)                  |                                                       |
 *
 * Two operator defaults differ from Calico's (IPv4 encapsulation IPIP where Calico defaults to none; IPv4
 * NAT enabled where Calico defaults to off), so the mapping writes every field: what the operator
 * creates is then exactly the pool that was planned, and an existing pool can be adopted (the operator
 * takes over an unlabelled pool only when its entry matches the pool field for field).
 */
import { AllowedUse, AssignmentMode, EncapsulationMode } from "../model/calico";
import { EffectiveIpPool } from "../validation/ip-pool";
import { Finding, error, sortFindings } from "../validation/finding";

/** Encapsulation of an operator pool: IPIP or VXLAN, always or across subnets only, or none. */
export type InstallationEncapsulation = "IPIP" | "IPIPCrossSubnet" | "VXLAN" | "VXLANCrossSubnet" | "None";

/** NAT outgoing of an operator pool. */
export type InstallationNatOutgoing = "Enabled" | "Disabled";

/** The most pools `Installation.spec.calicoNetwork.ipPools` accepts (`maxItems` in the operator's CRD, v3.32.1). */
export const INSTALLATION_MAX_IP_POOLS = 25;

/**
 * One entry of `Installation.spec.calicoNetwork.ipPools` (operator.tigera.io/v1).
 * @see https://docs.tigera.io/calico/latest/reference/installation/api#ippool
 */
export interface InstallationIpPool {
  /** The IPPool's name. @default - the operator picks one (see the module comment) */
  readonly name: string;
  /** The pool's range, canonical text. */
  readonly cidr: string;
  /** @default - 26 for IPv4, 122 for IPv6 */
  readonly blockSize?: number;
  /** @default - IPv4 `IPIP` with Calico CNI (else `None`), IPv6 `None` */
  readonly encapsulation?: InstallationEncapsulation;
  /** @default - IPv4 `Enabled`, IPv6 `Disabled` */
  readonly natOutgoing?: InstallationNatOutgoing;
  /** @default "all()" */
  readonly nodeSelector?: string;
  /** @default false */
  readonly disableBGPExport?: boolean;
  /** The operator's name for IPPool `disabled`. @default false */
  readonly disableNewAllocations?: boolean;
  /** @default - ["Workload", "Tunnel"] */
  readonly allowedUses?: readonly AllowedUse[];
  /** @default "Automatic" */
  readonly assignmentMode?: AssignmentMode;
}

/**
 * The operator encapsulation for an IPPool's `ipipMode` and `vxlanMode` (the inverse of the operator's
 * `ToProjectCalico`), or undefined when both are enabled, which one field cannot say.
 */
export function installationEncapsulation(ipipMode: EncapsulationMode, vxlanMode: EncapsulationMode): InstallationEncapsulation | undefined {
  if (ipipMode !== "Never" && vxlanMode !== "Never") return undefined;
  if (ipipMode === "Always") return "IPIP";
  if (ipipMode === "CrossSubnet") return "IPIPCrossSubnet";
  if (vxlanMode === "Always") return "VXLAN";
  if (vxlanMode === "CrossSubnet") return "VXLANCrossSubnet";
  return "None";
}

/**
 * Maps pools (with Calico's defaults applied, e.g. from `checkIpPool`) to Installation `ipPools` entries,
 * every field written out, in name order. Errors (paths `pools.<name>.<field>`, or `pools`) for what the
 * operator cannot express; such pools are left out of `ipPools`:
 *
 * - `OPERATOR_NAMESPACE_SELECTOR`: a namespaceSelector (no such field in the operator's schema);
 * - `OPERATOR_ENCAPSULATION`: IPIP and VXLAN both enabled (one `encapsulation` field);
 * - `OPERATOR_DUPLICATE_POOL`: a name or CIDR listed twice (the operator: "IP pool … is specified more
 *   than once"); the second is left out;
 * - `OPERATOR_TOO_MANY_POOLS`: more than 25 pools (`maxItems`); all are kept, so the error names them.
 *
 * Calico's own rules (block size range, IPIP on IPv6, LoadBalancer pools…) are not repeated here: check
 * the pools with `checkIpPool` first.
 */
export function toInstallationIpPools(pools: readonly EffectiveIpPool[]): { ipPools: InstallationIpPool[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const ipPools: InstallationIpPool[] = [];
  const names = new Set<string>();
  const cidrs = new Map<string, string>();
  const sorted = [...pools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const pool of sorted) {
    const path = `pools.${pool.name}`;
    const cidr = pool.cidr.toString();
    if (names.has(pool.name)) {
      findings.push(error("OPERATOR_DUPLICATE_POOL", `${path}.name`, `IP pool ${pool.name} is specified more than once: the operator refuses the whole Installation. Give each pool its own name`));
      continue;
    }
    names.add(pool.name);
    const other = cidrs.get(cidr);
    if (other !== undefined) {
      findings.push(error("OPERATOR_DUPLICATE_POOL", `${path}.cidr`, `IP pool ${cidr} is specified more than once (by "${other}" and "${pool.name}"): the operator refuses the whole Installation. Give each pool its own range`));
      continue;
    }
    cidrs.set(cidr, pool.name);
    if (pool.namespaceSelector.trim() !== "") {
      findings.push(
        error(
          "OPERATOR_NAMESPACE_SELECTOR",
          `${path}.namespaceSelector`,
          `pool "${pool.name}" has namespaceSelector '${pool.namespaceSelector}', which an Installation cannot express: the operator's ipPools entries have no namespaceSelector (v3.32.1 schema), and the operator writes each listed pool from its entry, so the pool would serve every namespace. ` +
            "Keep this pool out of the Installation: emit it as a standalone IPPool (the operator leaves alone the unlabelled pools it does not list), or bind namespaces with the cni.projectcalico.org/ipv4pools annotation instead",
        ),
      );
      continue;
    }
    const encapsulation = installationEncapsulation(pool.ipipMode, pool.vxlanMode);
    if (encapsulation === undefined) {
      findings.push(
        error(
          "OPERATOR_ENCAPSULATION",
          `${path}.ipipMode`,
          `pool "${pool.name}" enables both IPIP (${pool.ipipMode}) and VXLAN (${pool.vxlanMode}): an Installation entry has one encapsulation field, and Calico rejects the pool anyway ("Cannot enable both VXLAN and IPIP on the same IPPool"). Set one of them to Never`,
        ),
      );
      continue;
    }
    ipPools.push({
      name: pool.name,
      cidr,
      blockSize: pool.blockSize,
      encapsulation,
      natOutgoing: pool.natOutgoing ? "Enabled" : "Disabled",
      // Calico treats an empty selector as all(); the operator refuses an empty one.
      nodeSelector: pool.nodeSelector.trim() === "" ? "all()" : pool.nodeSelector,
      disableBGPExport: pool.disableBGPExport,
      disableNewAllocations: pool.disabled,
      allowedUses: [...pool.allowedUses],
      assignmentMode: pool.assignmentMode,
    });
  }
  if (pools.length > INSTALLATION_MAX_IP_POOLS) {
    findings.push(
      error(
        "OPERATOR_TOO_MANY_POOLS",
        "pools",
        `${pools.length} pools, more than the ${INSTALLATION_MAX_IP_POOLS} an Installation's spec.calicoNetwork.ipPools accepts (maxItems in the operator's CRD, v3.32.1): the API server rejects the Installation. ` +
          `List at most ${INSTALLATION_MAX_IP_POOLS} (merge pools of the same nodes, e.g. one pool per rack rather than per node), and keep the rest as standalone IPPool objects the Installation does not list`,
      ),
    );
  }
  return { ipPools, findings: sortFindings(findings) };
}
