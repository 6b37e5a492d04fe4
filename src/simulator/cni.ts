/**
 * The Calico CNI plugin's part (reference §5.1), after `cni-plugin/pkg/ipamplugin/ipam_plugin.go`
 * `cmdAdd`: which families a pod asks for, which pools the precedence rule gives it (annotations,
 * CNI configuration, selectors), then IPv4 before IPv6, giving back the first family when the second
 * fails.
 */
import { IpFamily, parseAddress } from "../ip";
import { CHOICE_CODE, STRICT_AFFINITY_WINDOWS, assignIP, autoAssign } from "./allocate";
import { PoolChoice, PoolChoiceError, choosePools, isPoolChoiceError, noPoolsForNodeMessage, poolListError } from "./precedence";
import { releaseIPs } from "./release";
import { Failure, Grant, IpamState, NodeState, PoolState, familyName } from "./state";
import type { CniConfig, NamespaceDeclaration, WorkloadDeclaration } from "./topology";

/** The precedence answer for one family of one workload on one class of nodes. */
export interface FamilyPlan {
  readonly choice: PoolChoice;
  readonly pools: PoolState[];
  readonly mask: Uint8Array;
}

/** The precedence answers for one workload on one class of nodes. */
export interface WorkloadPlan {
  readonly listError: PoolChoiceError | undefined;
  v4: FamilyPlan | undefined;
  v6: FamilyPlan | undefined;
}

/** What one pod's ADD gave: its addresses, or the failure it reports (and which family failed). */
export interface AddResult {
  readonly v4: Grant | undefined;
  readonly v6: Grant | undefined;
  readonly failure: Failure | undefined;
  readonly failedFamily: IpFamily | undefined;
}

/** The families a workload's pods ask for: from ipAddrs, its ipFamilies, or the CNI configuration. */
export function familiesOf(w: WorkloadDeclaration, fixed: boolean, cni: CniConfig | undefined): IpFamily[] {
  if (fixed) {
    const fams = new Set<IpFamily>();
    for (const a of w.annotations?.ipAddrs ?? []) {
      try {
        fams.add(parseAddress(a).family);
      } catch {
        // An unreadable address fails the pod in the IPv4 step, where precedence reports it.
        fams.add(4);
      }
    }
    return [4, 6].filter((f) => fams.has(f as IpFamily)) as IpFamily[];
  }
  if (w.ipFamilies && w.ipFamilies.length > 0) {
    return [4, 6].filter((f) => w.ipFamilies?.includes(familyName(f as IpFamily))) as IpFamily[];
  }
  const out: IpFamily[] = [];
  if (cni?.assignIpv4 ?? true) out.push(4);
  if (cni?.assignIpv6 ?? false) out.push(6);
  return out;
}

/** The precedence answers for one workload on the nodes of `rep`'s class. */
export function workloadPlan(
  s: IpamState,
  rep: NodeState,
  namespace: NamespaceDeclaration,
  w: WorkloadDeclaration,
  families: readonly IpFamily[],
  cni: CniConfig | undefined,
): WorkloadPlan {
  const base = { host: rep.node.name, nodeLabels: rep.node.labels, nodeOs: rep.node.os, namespace, podAnnotations: w.annotations, cni };
  const plan: WorkloadPlan = { listError: poolListError(s.catalog, base), v4: undefined, v6: undefined };
  for (const family of families) {
    const choice = choosePools(s.catalog, { ...base, family });
    const states = isPoolChoiceError(choice) ? { pools: [], mask: new Uint8Array(0) } : s.planFor(choice.pools);
    const fp: FamilyPlan = { choice, pools: states.pools, mask: states.mask };
    if (family === 4) plan.v4 = fp;
    else plan.v6 = fp;
  }
  return plan;
}

/**
 * The CNI plugin's ADD for one pod on `node` (`cmdAdd`): IPAM assigns IPv4 then IPv6. A short family
 * (a partial fulfilment) does not stop the other, which the plugin then releases; an error does, and is
 * what the pod reports.
 */
export function cmdAdd(s: IpamState, node: NodeState, plan: WorkloadPlan, families: readonly IpFamily[], fixed: boolean): AddResult {
  // The CNI plugin resolves named pools of both families before it calls IPAM, which then refuses Windows hosts without strict affinity.
  if (plan.listError) {
    return { v4: undefined, v6: undefined, failure: { code: CHOICE_CODE[plan.listError.code], message: plan.listError.error, pools: [] }, failedFamily: plan.listError.family };
  }
  if (node.windows && !s.strict && !fixed && families.length > 0) {
    return { v4: undefined, v6: undefined, failure: { code: "POD_WINDOWS_STRICT_AFFINITY", message: STRICT_AFFINITY_WINDOWS, pools: [] }, failedFamily: undefined };
  }
  let g4: Grant | undefined;
  let g6: Grant | undefined;
  let failure: Failure | undefined;
  let failedFamily: IpFamily | undefined;
  let partial: { failure: Failure; family: IpFamily } | undefined;
  for (const family of families) {
    const got = allocateFamily(s, node, family, family === 4 ? plan.v4 : plan.v6);
    if (got === undefined) continue;
    if ("code" in got) {
      if (got.message.startsWith("failed to request")) {
        partial ??= { failure: got, family };
        continue;
      }
      failure = got;
      failedFamily = family;
      break;
    }
    if (family === 4) g4 = got;
    else g6 = got;
  }
  if (!failure && partial) {
    failure = partial.failure;
    failedFamily = partial.family;
  }
  if (!failure) return { v4: g4, v6: g6, failure: undefined, failedFamily: undefined };
  // Calico releases the family it already got (dual-stack) before failing the pod.
  releaseIPs(s, [g4, g6].filter((g): g is Grant => g !== undefined));
  return { v4: undefined, v6: undefined, failure, failedFamily };
}

/** One family of one pod: a grant, a failure, or undefined when ipAddrs asks for none of this family. */
function allocateFamily(s: IpamState, node: NodeState, family: IpFamily, fp: FamilyPlan | undefined): Grant | Failure | undefined {
  if (!fp) return undefined;
  const choice = fp.choice;
  if (isPoolChoiceError(choice)) {
    const message = choice.code === "NO_POOLS_FOR_NODE" ? noPoolsForNodeMessage(node.node.name) : choice.error;
    return { code: CHOICE_CODE[choice.code], message, pools: choice.requested ?? [] };
  }
  if (choice.source === "ipAddrs") return choice.pools.length === 0 ? undefined : assignIP(s, node, fp.pools[0], choice.address as string);
  const got = autoAssign(s, node, family, fp.pools, fp.mask);
  if ("code" in got && got.message.startsWith("Assigned")) {
    return { code: got.code, message: `failed to request ${familyName(family)} addresses: ${got.message}`, pools: got.pools };
  }
  return got;
}
