import { z } from "zod";
import { ALLOWED_USES, ASSIGNMENT_MODES, CALICO_API_VERSIONS, ENCAPSULATION_MODES, EncapsulationMode, KUBEVIRT_PERSISTENCE_VALUES } from "../model/calico";
import { MAX_NODES, MAX_PODS, MAX_PODS_PER_NODE } from "../limits";
import type { HarnessTimelineStep } from "../plan/harness";
import type { HarnessInitialState } from "../live/seed";
import { MAX_TIMELINE_STEPS, TIMELINE_ACTIONS } from "../simulator/timeline";
import type { CniConfig, NodeEntry, WorkloadDeclaration } from "../simulator/topology";
import { nodeEntryProblems, specRuleProblems } from "./rules";
import type { IpamSpec } from "./types";

/**
 * The schema of a spec file (`calico-ipam plan cluster.yaml`): the same plan the constructs build,
 * plus the topology the harness plays Calico's allocation against. Unknown keys are errors, so a
 * misspelt field is never silently ignored.
 */
const labels = z.record(z.string(), z.string());
/** A whole number from `min` to a limit of `src/limits.ts`, with the limit's name in the message. */
const bounded = (min: number, max: number, limit: string) =>
  z.number().int().min(min).max(max, { message: `must be at most ${max} (the limit ${limit}, see docs/limits.md)` });
const stringList = z.array(z.string());
const poolAnnotations = z.strictObject({ ipv4pools: stringList.optional(), ipv6pools: stringList.optional() });

const pool = z.strictObject({
  name: z.string(),
  cidr: z.string().optional(),
  prefixLength: z.number().int().optional(),
  addresses: z.number().int().optional(),
  capacity: z.strictObject({ nodes: z.number().int(), blocksPerNode: z.number().int().optional(), podsPerNode: z.number().int().optional() }).optional(),
  ipVersion: z.union([z.literal(4), z.literal(6)]).optional(),
  addressSpace: z.string().optional(),
  exclusiveGroup: z.string().optional(),
  blockSize: z.number().int().optional(),
  ipipMode: z.enum(ENCAPSULATION_MODES as [string, ...string[]]).optional(),
  vxlanMode: z.enum(ENCAPSULATION_MODES as [string, ...string[]]).optional(),
  natOutgoing: z.boolean().optional(),
  disabled: z.boolean().optional(),
  disableBGPExport: z.boolean().optional(),
  nodeSelector: z.string().optional(),
  namespaceSelector: z.string().optional(),
  allowedUses: z.array(z.enum(ALLOWED_USES as [string, ...string[]])).optional(),
  assignmentMode: z.enum(ASSIGNMENT_MODES as [string, ...string[]]).optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});

const node = z.strictObject({
  name: z.string().optional(),
  namePattern: z.string().optional(),
  count: bounded(0, MAX_NODES, "MAX_NODES").optional(),
  startIndex: bounded(0, Number.MAX_SAFE_INTEGER - MAX_NODES, "MAX_SAFE_INTEGER").optional(),
  labels: labels.optional(),
  os: z.enum(["linux", "windows"]).optional(),
  maxPods: bounded(0, MAX_PODS_PER_NODE, "MAX_PODS_PER_NODE").optional(),
});

const workload = z.strictObject({
  name: z.string(),
  namespace: z.string(),
  replicas: bounded(0, MAX_PODS, "MAX_PODS"),
  nodeSelector: labels.optional(),
  annotations: z.strictObject({ ipv4pools: stringList.optional(), ipv6pools: stringList.optional(), ipAddrs: stringList.optional() }).optional(),
  ipFamilies: z.array(z.enum(["IPv4", "IPv6"])).optional(),
});

const workloadRef = { workload: z.string().min(1), namespace: z.string().min(1).optional() };
const nodeNames = z.array(z.string().min(1)).min(1);
const surge = z.union([z.number().int().min(0), z.string().regex(/^\d+%$/, 'a whole number or a percentage such as "25%"')]);

/** The fields of each timeline action (see src/simulator/timeline.ts). */
const timelineActions: Record<(typeof TIMELINE_ACTIONS)[number], z.ZodType> = {
  scale: z.strictObject({ ...workloadRef, replicas: z.number().int().min(0) }),
  rollingRestart: z.strictObject({ ...workloadRef, maxSurge: surge.optional(), maxUnavailable: surge.optional() }),
  deletePods: z.strictObject({ ...workloadRef, count: z.number().int().min(0), recreate: z.boolean().optional(), leak: z.boolean().optional() }),
  addNodes: z.array(node).min(1),
  removeNodes: nodeNames,
  drainNodes: nodeNames,
  uncordonNodes: nodeNames,
  relabelNode: z.strictObject({ name: z.string().min(1), labels: z.record(z.string(), z.string().nullable()) }),
  addPool: z.strictObject({
    name: z.string().min(1),
    cidr: z.string(),
    blockSize: z.number().int().optional(),
    ipipMode: z.enum(ENCAPSULATION_MODES as [string, ...string[]]).optional(),
    vxlanMode: z.enum(ENCAPSULATION_MODES as [string, ...string[]]).optional(),
    natOutgoing: z.boolean().optional(),
    disabled: z.boolean().optional(),
    nodeSelector: z.string().optional(),
    namespaceSelector: z.string().optional(),
    allowedUses: z.array(z.enum(ALLOWED_USES as [string, ...string[]])).optional(),
    assignmentMode: z.enum(ASSIGNMENT_MODES as [string, ...string[]]).optional(),
  }),
  disablePool: z.string().min(1),
  enablePool: z.string().min(1),
  deletePool: z.string().min(1),
  updatePool: z.strictObject({ name: z.string().min(1), nodeSelector: z.string().optional(), namespaceSelector: z.string().optional(), cidr: z.string().optional(), blockSize: z.number().int().optional() }),
  ipamConfiguration: z.strictObject({ strictAffinity: z.boolean().optional(), autoAllocateBlocks: z.boolean().optional(), maxBlocksPerHost: z.number().int().min(0).optional() }),
  wait: z.strictObject({ seconds: z.number().min(0, "time only goes forward: seconds must be 0 or more") }),
};

export const specFileSchema = z.strictObject({
  apiVersion: z.enum(CALICO_API_VERSIONS as [string, ...string[]]).optional(),
  addressSpaces: z.array(z.strictObject({ name: z.string(), cidr: z.string() })).optional(),
  serviceCidrs: stringList.optional(),
  nodeCidrs: stringList.optional(),
  reservedRanges: z.array(z.strictObject({ cidr: z.string(), reason: z.string() })).optional(),
  poolOwner: z.enum(["ippool", "operator"]).optional(),
  installationName: z.string().optional(),
  pools: z.array(pool).default([]),
  hostLocal: z
    .strictObject({
      clusterCidrs: stringList,
      nodeMaskSizeV4: z.number().int().optional(),
      nodeMaskSizeV6: z.number().int().optional(),
      natOutgoing: z.boolean().optional(),
      ipipMode: z.enum(ENCAPSULATION_MODES as [string, ...string[]]).optional(),
      vxlanMode: z.enum(ENCAPSULATION_MODES as [string, ...string[]]).optional(),
    })
    .optional(),
  ipamConfiguration: z
    .strictObject({
      strictAffinity: z.boolean().optional(),
      autoAllocateBlocks: z.boolean().optional(),
      maxBlocksPerHost: z.number().int().optional(),
      kubeVirtVMAddressPersistence: z.enum(KUBEVIRT_PERSISTENCE_VALUES as [string, ...string[]]).optional(),
    })
    .optional(),
  reservations: z.array(z.strictObject({ name: z.string(), reservedCidrs: stringList, labels: labels.optional() })).optional(),
  namespaces: z.array(z.strictObject({ name: z.string(), labels: labels.optional(), annotations: poolAnnotations.optional(), create: z.boolean().optional() })).optional(),
  workloads: z
    .array(
      z.strictObject({
        namespace: z.string(),
        workload: z.string(),
        addresses: z.array(z.strictObject({ address: z.string().optional(), pool: z.string().optional() })).optional(),
        pools: stringList.optional(),
      }),
    )
    .optional(),
  migrations: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        phase: z.number().int(),
        migratePool: z.strictObject({ from: z.string(), to: z.string() }).optional(),
        changeBlockSize: z
          .strictObject({ pool: z.string(), blockSize: z.number().int(), temporaryPool: z.string().optional(), temporaryCidr: z.string().optional() })
          .optional(),
        changeCidr: z
          .strictObject({ pool: z.string(), cidr: z.string(), blockSize: z.number().int().optional(), temporaryPool: z.string().optional(), temporaryCidr: z.string().optional() })
          .optional(),
      }),
    )
    .optional(),
  topology: z
    .strictObject({
      nodes: z.array(node),
      workloads: z.array(workload).optional(),
      timeline: z.array(z.record(z.string(), z.unknown())).optional(),
    })
    .optional(),
  cni: z
    .strictObject({ ipv4Pools: stringList.optional(), ipv6Pools: stringList.optional(), assignIpv4: z.boolean().optional(), assignIpv6: z.boolean().optional() })
    .optional(),
  harness: z
    .strictObject({
      utilizationThreshold: z.number().min(0).max(1).optional(),
      acceptedFindings: z.array(z.strictObject({ code: z.string(), subject: z.string().optional(), reason: z.string().min(1) })).optional(),
      initialState: z.strictObject({ dumps: z.array(z.string().min(1)).min(1), takenAt: z.string().refine((v) => Number.isFinite(Date.parse(v)), "takenAt is an RFC 3339 time such as 2026-01-01T00:00:00Z").optional() }).optional(),
    })
    .optional(),
});

/**
 * The schema of a fleet spec file: an address plan shared by clusters (`fleet`), each cluster a spec
 * file of its own with a stable `name`, and optionally `isolatedFrom` and `peers`.
 */
export const fleetFileSchema = z.strictObject({
  fleet: z.strictObject({
    addressSpaces: z.array(z.strictObject({ name: z.string(), cidr: z.string() })).optional(),
    serviceCidrs: stringList.optional(),
    nodeCidrs: stringList.optional(),
    reservedRanges: z.array(z.strictObject({ cidr: z.string(), reason: z.string() })).optional(),
    externalClusters: stringList.optional(),
    releaseClusters: stringList.optional(),
    subSpaces: z.array(z.strictObject({ name: z.string(), addressSpace: z.string(), prefixLength: z.number().int().optional(), cidr: z.string().optional() })).optional(),
    releaseSubSpaces: stringList.optional(),
    publishedPlans: z.array(z.union([z.string(), z.strictObject({ file: z.string(), cluster: z.string().optional() })])).optional(),
    clusters: z.array(
      specFileSchema.extend({
        name: z.string(),
        isolatedFrom: z.union([z.literal("all"), stringList]).optional(),
        peers: stringList.optional(),
        subSpaces: stringList.optional(),
        drawnRanges: z
          .strictObject({
            serviceCidrs: z.array(z.strictObject({ addressSpace: z.string(), prefixLength: z.number().int() })).optional(),
            nodeCidrs: z.array(z.strictObject({ addressSpace: z.string(), prefixLength: z.number().int() })).optional(),
          })
          .optional(),
      }),
    ),
  }),
});

/** One cluster of a fleet spec file. */
export interface FleetClusterFile extends SpecFile {
  readonly name: string;
  readonly isolatedFrom?: readonly string[] | "all";
  readonly peers?: readonly string[];
  /** The fleet's sub-spaces this cluster draws from, by name. */
  readonly subSpaces?: readonly string[];
  /** Service CIDRs and node networks the cluster draws from the fleet's address spaces, each by size. */
  readonly drawnRanges?: {
    readonly serviceCidrs?: ReadonlyArray<{ readonly addressSpace: string; readonly prefixLength: number }>;
    readonly nodeCidrs?: ReadonlyArray<{ readonly addressSpace: string; readonly prefixLength: number }>;
  };
}

/** A fleet spec file (`calico-ipam plan fleet.yaml`). */
export interface FleetFile {
  readonly addressSpaces?: SpecFile["addressSpaces"];
  readonly serviceCidrs?: string[];
  readonly nodeCidrs?: string[];
  readonly reservedRanges?: SpecFile["reservedRanges"];
  readonly externalClusters?: string[];
  readonly releaseClusters?: string[];
  /** Sub-spaces carved out of the fleet's address spaces for some clusters. */
  readonly subSpaces?: ReadonlyArray<{ readonly name: string; readonly addressSpace: string; readonly prefixLength?: number; readonly cidr?: string }>;
  /** Draining sub-spaces to delete from the fleet ledger. */
  readonly releaseSubSpaces?: string[];
  /** Plan files other apps publish, relative to the spec file: their clusters' ranges are kept clear. */
  readonly publishedPlans?: ReadonlyArray<string | { readonly file: string; readonly cluster?: string }>;
  readonly clusters: readonly FleetClusterFile[];
}

export { isFleetFile } from "./rules";

/** Checks a parsed fleet spec file; each problem names its path (`fleet.clusters[1].pools[0].blockSize`). */
export function parseFleetFile(value: unknown): { ok: true; fleet: FleetFile } | { ok: false; problems: SpecProblem[] } {
  const result = fleetFileSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.code === "unrecognized_keys" ? `${i.message}: not a field here (misspelt?)` : i.message })),
    };
  }
  const problems: SpecProblem[] = [];
  result.data.fleet.clusters.forEach((c, i) => {
    for (const p of nodeEntryProblems(c.topology?.nodes ?? [])) problems.push({ path: `fleet.clusters[${i}].${p.path}`, message: p.message });
    if (c.hostLocal) problems.push({ path: `fleet.clusters[${i}].hostLocal`, message: "a cluster of a fleet uses Calico IPAM pools; plan a host-local cluster on its own" });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, fleet: result.data.fleet as unknown as FleetFile };
}

/** A harness setting: accept a specific finding, with the reason shown in the report. */
export interface AcceptedFindingDeclaration {
  readonly code: string;
  /** e.g. `IPPool/rack-a` or `Workload/batch`; any subject when omitted. */
  readonly subject?: string;
  readonly reason: string;
}

/** Host-local IPAM settings of a spec file: nodes get their ranges from these cluster CIDRs. */
export interface HostLocalSettings {
  readonly clusterCidrs: readonly string[];
  readonly nodeMaskSizeV4?: number;
  readonly nodeMaskSizeV6?: number;
  readonly natOutgoing?: boolean;
  readonly ipipMode?: EncapsulationMode;
  readonly vxlanMode?: EncapsulationMode;
}

/** A spec file: the address plan, plus the topology and harness settings. */
export interface SpecFile extends IpamSpec {
  /** Plan a host-local IPAM cluster instead of Calico IPAM pools. */
  readonly hostLocal?: HostLocalSettings;
  readonly topology?: { readonly nodes: readonly NodeEntry[]; readonly workloads?: readonly WorkloadDeclaration[]; readonly timeline?: readonly HarnessTimelineStep[] };
  readonly cni?: CniConfig;
  readonly harness?: {
    readonly utilizationThreshold?: number;
    readonly acceptedFindings?: readonly AcceptedFindingDeclaration[];
    /** Start the harness from a live cluster's dump; paths relative to the spec file. */
    readonly initialState?: HarnessInitialState;
  };
}

/** One problem in a spec file, with the path of the offending value. */
export interface SpecProblem {
  readonly path: string;
  readonly message: string;
}

/** Checks a parsed spec file. Each problem names the path (`pools[2].blockSize`) and what is expected. */
export function parseSpecFile(value: unknown): { ok: true; spec: SpecFile } | { ok: false; problems: SpecProblem[] } {
  const result = specFileSchema.safeParse(value);
  if (result.success) {
    const problems = specRuleProblems(result.data, timelineProblems(result.data.topology?.timeline ?? []));
    return problems.length > 0 ? { ok: false, problems } : { ok: true, spec: result.data as SpecFile };
  }
  return {
    ok: false,
    problems: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.code === "unrecognized_keys" ? `${i.message}: not a field here (misspelt?)` : i.message })),
  };
}

/** Each timeline step: exactly one known action, with that action's fields; problems name `topology.timeline[i].<action>.<field>`. */
function timelineProblems(steps: ReadonlyArray<Record<string, unknown>>): SpecProblem[] {
  if (steps.length > MAX_TIMELINE_STEPS) {
    return [{ path: "topology.timeline", message: `the timeline has ${steps.length} steps, more than the ${MAX_TIMELINE_STEPS} the harness plays: split it, or merge steps (one scale step can add many pods)` }];
  }
  const problems: SpecProblem[] = [];
  steps.forEach((step, i) => {
    const at = `topology.timeline[${i}]`;
    const keys = Object.keys(step);
    if (keys.length !== 1 || !(TIMELINE_ACTIONS as readonly string[]).includes(keys[0])) {
      problems.push({ path: at, message: `a step has exactly one action key, one of ${TIMELINE_ACTIONS.join(", ")}; got ${keys.length === 0 ? "none" : keys.join(", ")}` });
      return;
    }
    const action = keys[0] as (typeof TIMELINE_ACTIONS)[number];
    const parsed = timelineActions[action].safeParse(step[action]);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const path = formatPath([action, ...issue.path]);
      problems.push({ path: `${at}.${path}`, message: issue.code === "unrecognized_keys" ? `${issue.message}: not a field of ${action} (misspelt?)` : issue.message });
    }
  });
  return problems;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out || "(top level)";
}
