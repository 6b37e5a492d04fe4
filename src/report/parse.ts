import { Cidr } from "../ip";
import { PLAN_REPORT_SCHEMA, PLAN_REPORT_SCHEMA_VERSION, PlanReport } from "./schema";

/** A plan report that cannot be read: not JSON, another schema, a newer version, or a malformed field. */
export class PlanReportError extends Error {
  /** The file, when given. */
  readonly file?: string;
  /** The JSON path of the offending value (`pools[2].cidr`), or "" for the document. */
  readonly path: string;

  constructor(message: string, path: string, file?: string) {
    super(message);
    this.name = "PlanReportError";
    this.path = path;
    this.file = file;
  }
}

type Check = (value: unknown, path: string) => void;

/**
 * Reads a plan report (JSON text) written by {@link buildPlanReport}: checks `schema`, `schemaVersion`
 * and the shape of every field the renderers and {@link diffPlanReports} use. Fields it does not know
 * are kept and ignored, as schema version 1 allows.
 *
 * @param file named in error messages
 * @throws PlanReportError naming the file, the JSON path and what is wrong; for a report of a newer
 *   schema version, saying to upgrade
 */
export function parsePlanReport(text: string, file?: string): PlanReport {
  const where = file ?? "plan report";
  const fail = (path: string, what: string): never => {
    throw new PlanReportError(`${where}: ${path === "" ? "" : `${path}: `}${what}`, path, file);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail("", `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(doc)) return fail("", `a plan report is a JSON object, got ${describe(doc)}`);
  if (doc.schema !== PLAN_REPORT_SCHEMA) {
    return fail(
      "schema",
      doc.schema === "cdktf-calico-ipam/plan-diff"
        ? `this is a plan diff, not a plan report; give the reports of the two plans instead`
        : `not a cdktf-calico-ipam plan report: schema must be "${PLAN_REPORT_SCHEMA}", got ${describe(doc.schema)}`,
    );
  }
  const version = doc.schemaVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    return fail("schemaVersion", `must be a whole number of 1 or more, got ${describe(version)}`);
  }
  if (version > PLAN_REPORT_SCHEMA_VERSION) {
    return fail(
      "schemaVersion",
      `the report has schema version ${version}, written by a newer cdktf-calico-ipam; this version reads version ${PLAN_REPORT_SCHEMA_VERSION}. Upgrade cdktf-calico-ipam to read it`,
    );
  }

  const string: Check = (v, p) => {
    if (typeof v !== "string") fail(p, `must be a string, got ${describe(v)}`);
  };
  const nullable =
    (check: Check): Check =>
    (v, p) => {
      if (v !== null) check(v, p);
    };
  const optional =
    (check: Check): Check =>
    (v, p) => {
      if (v !== undefined) check(v, p);
    };
  const boolean: Check = (v, p) => {
    if (typeof v !== "boolean") fail(p, `must be true or false, got ${describe(v)}`);
  };
  const count: Check = (v, p) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail(p, `must be a whole number of 0 or more, got ${describe(v)}`);
  };
  const integer: Check = (v, p) => {
    if (typeof v !== "number" || !Number.isInteger(v)) fail(p, `must be a whole number, got ${describe(v)}`);
  };
  const fraction: Check = (v, p) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) fail(p, `must be a number from 0 to 1, got ${describe(v)}`);
  };
  const decimal: Check = (v, p) => {
    if (typeof v !== "string" || !/^(0|[1-9][0-9]*)$/.test(v)) fail(p, `must be a decimal string of a whole number such as "65536" (large counts are strings), got ${describe(v)}`);
  };
  const oneOf =
    (...values: unknown[]): Check =>
    (v, p) => {
      if (!values.includes(v)) fail(p, `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}, got ${describe(v)}`);
    };
  const stringMap: Check = (v, p) => {
    if (!isObject(v)) return fail(p, `must be an object of strings, got ${describe(v)}`);
    for (const [k, x] of Object.entries(v)) string(x, `${p}.${k}`);
  };
  const array =
    (item: Check): Check =>
    (v, p) => {
      if (!Array.isArray(v)) return fail(p, `must be a list, got ${describe(v)}`);
      v.forEach((x, i) => item(x, `${p}[${i}]`));
    };
  const object =
    (fields: Record<string, Check>): Check =>
    (v, p) => {
      if (!isObject(v)) return fail(p, `must be an object, got ${describe(v)}`);
      for (const [k, check] of Object.entries(fields)) check(v[k], p === "" ? k : `${p}.${k}`);
    };

  const nonNegative: Check = (v, p) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(p, `must be a number of 0 or more, got ${describe(v)}`);
  };
  const family = oneOf(4, 6);
  const familyCapacity = object({ nodeCidrs: decimal, used: count, free: decimal });
  const finding = object({
    severity: oneOf("error", "warning"),
    code: string,
    subject: string,
    path: string,
    message: string,
    source: oneOf("plan", "simulation"),
    accepted: optional(object({ reason: string })),
  });
  const nodeFamily = object({ addresses: count, blocks: count, borrowed: count });
  const simSummary = object(
    Object.fromEntries(
      [
        "nodes", "workloads", "pods", "podsScheduled", "podsUnschedulable", "podsAllocated", "podsFailed",
        "blocksClaimed", "ipv4AddressesInUse", "ipv6AddressesInUse", "borrowedAddresses", "tunnelAddresses",
      ].map((k) => [k, count]),
    ),
  );
  const simPools = array(
    object({
      name: string,
      cidr: string,
      family,
      blockSize: integer,
      allocatable: boolean,
      blocksTotal: decimal,
      blocksClaimed: count,
      addressesTotal: decimal,
      addressesInUse: count,
      addressesWindowsReserved: count,
      addressesIpReserved: decimal,
      borrowedAddresses: count,
      nodesSelected: count,
      nodesWithBlocks: count,
      utilization: fraction,
      blockUtilization: fraction,
      headroom: object({ freeBlocks: decimal, blocksPerNode: nullable(count), moreNodes: nullable(decimal), morePods: decimal }),
    }),
  );
  const simNodeGroups = array(
    object({ group: string, nodes: count, pods: count, podsFailed: count, headroom: object({ moreNodes: nullable(decimal), morePods: decimal }) }),
  );
  const simBlocks = array(
    object({
      cidr: string,
      pool: string,
      owner: nullable(string),
      capacity: count,
      inUse: count,
      reserved: count,
      ipReserved: count,
      free: count,
      borrowedBy: count,
    }),
  );
  const shape = object({
    generatedBy: optional(string),
    apiVersion: string,
    pools: array(
      object({
        name: string,
        cidr: nullable(string),
        family: nullable(family),
        blockSize: nullable(integer),
        blocksTotal: nullable(decimal),
        addressesTotal: nullable(decimal),
        ipipMode: string,
        vxlanMode: string,
        natOutgoing: boolean,
        disabled: boolean,
        disableBGPExport: boolean,
        nodeSelector: string,
        namespaceSelector: string,
        allowedUses: array(string),
        assignmentMode: string,
        source: nullable(oneOf("pinned", "carved", "ledger")),
        explanation: nullable(string),
      }),
    ),
    ipamConfiguration: optional(
      object({
        kind: string,
        name: string,
        strictAffinity: nullable(boolean),
        autoAllocateBlocks: nullable(boolean),
        maxBlocksPerHost: nullable(integer),
        effectiveMaxBlocksPerHost: nullable(integer),
        kubeVirtVMAddressPersistence: nullable(string),
        notes: array(string),
      }),
    ),
    reservations: array(object({ name: string, reservedCidrs: array(string) })),
    namespaces: array(
      object({
        name: string,
        create: boolean,
        annotations: stringMap,
        pools: array(string),
        ipv4: array(string),
        ipv6: array(string),
        exclusive: boolean,
        notes: array(string),
      }),
    ),
    workloads: array(
      object({
        namespace: string,
        name: string,
        addresses: array(object({ family, address: string, pool: string, source: string })),
        podAnnotations: stringMap,
      }),
    ),
    simulation: optional(
      object({
        summary: simSummary,
        pools: simPools,
        nodeGroups: simNodeGroups,
        nodes: array(
          object({
            name: string,
            group: string,
            os: string,
            maxPods: count,
            pods: count,
            podsFailed: count,
            ipv4: nodeFamily,
            ipv6: nodeFamily,
            tunnelAddresses: array(object({ type: string, address: string, pool: string, borrowed: boolean })),
            morePods: count,
          }),
        ),
        blocks: simBlocks,
        timeline: optional(
          array(
            object({
              index: count,
              action: string,
              description: string,
              time: nonNegative,
              applied: boolean,
              summary: simSummary,
              pools: simPools,
              nodeGroups: simNodeGroups,
              blocks: simBlocks,
              findings: array(object({ severity: oneOf("error", "warning"), code: string, path: string, message: string })),
            }),
          ),
        ),
      }),
    ),
    hostLocal: optional(
      object({
        clusterCidrs: array(string),
        nodeMaskSizes: object({ ipv4: nullable(integer), ipv6: nullable(integer) }),
        capacity: object({ ipv4: nullable(familyCapacity), ipv6: nullable(familyCapacity) }),
        nodes: array(
          object({
            name: string,
            podCidrs: array(string),
            source: oneOf("allocated", "recorded"),
            maxPods: count,
            usable: object({ ipv4: nullable(count), ipv6: nullable(decimal) }),
            capacity: count,
            pods: nullable(count),
            utilization: nullable(nonNegative),
            morePods: nullable(count),
          }),
        ),
        headroom: object({ nodesLeft: decimal, ipv4: nullable(decimal), ipv6: nullable(decimal) }),
        cniIpam: object({ type: string, ranges: array(array(object({ subnet: string }))) }),
        kubeControllerManagerFlags: array(string),
      }),
    ),
    ranges: optional(
      object({
        addressSpaces: array(object({ name: string, cidr: string })),
        excluded: array(object({ cidr: string, kind: oneOf("service", "node", "reserved"), reason: string })),
        retired: array(object({ name: string, cidr: string, blockSize: integer })),
      }),
    ),
    fleet: optional(
      object({
        cluster: string,
        clusters: array(
          object({
            name: string,
            pools: array(object({ name: string, cidr: string })),
            ipv4Addresses: decimal,
            ipv6Addresses: decimal,
            addressesInUse: nullable(count),
            utilization: nullable(nonNegative),
            freeBlocks: nullable(decimal),
            isolatedFrom: array(string),
            reuses: array(object({ pool: string, cidr: string, cluster: string, otherPool: string, otherCidr: string })),
            drawnRanges: optional(array(object({ kind: oneOf("service", "node"), cidr: string, addressSpace: string }))),
            drainingDrawnRanges: optional(array(object({ key: string, kind: oneOf("service", "node"), cidr: string }))),
          }),
        ),
        subSpaces: optional(array(object({ name: string, addressSpace: string, cidr: string, clusters: array(string) }))),
      }),
    ),
    findings: array(finding),
    summary: object({ errors: count, warnings: count, accepted: count }),
  });
  shape(doc, "");
  const report = doc as unknown as PlanReport;
  // A report edited by hand (or tampered with) must agree with itself: a pool's family and sizes follow
  // from its CIDR, so a CIDR changed alone does not slip through a diff.
  report.pools.forEach((pool, i) => {
    const parsed = pool.cidr === null ? undefined : Cidr.tryParse(pool.cidr);
    if (!parsed?.ok) return;
    const cidr = parsed.cidr;
    const at = `pools[${i}]`;
    if (pool.family !== null && pool.family !== cidr.family) fail(`${at}.family`, `pool "${pool.name}" has CIDR ${cidr} of IPv${cidr.family} but family ${pool.family}: the report disagrees with itself; produce it again with calico-ipam plan`);
    const hostBits = (cidr.family === 4 ? 32 : 128) - cidr.prefix;
    if (pool.addressesTotal !== null && pool.addressesTotal !== (1n << BigInt(hostBits)).toString()) {
      fail(`${at}.addressesTotal`, `pool "${pool.name}" has CIDR ${cidr} (${1n << BigInt(hostBits)} addresses) but addressesTotal ${pool.addressesTotal}: the report disagrees with itself; produce it again with calico-ipam plan`);
    }
    if (pool.blockSize !== null && pool.blocksTotal !== null) {
      const blocks = pool.blockSize < cidr.prefix ? 0n : 1n << BigInt(pool.blockSize - cidr.prefix);
      if (pool.blocksTotal !== blocks.toString()) {
        fail(`${at}.blocksTotal`, `pool "${pool.name}" has CIDR ${cidr} and blockSize ${pool.blockSize} (${blocks} blocks) but blocksTotal ${pool.blocksTotal}: the report disagrees with itself; produce it again with calico-ipam plan`);
      }
    }
  });
  return report;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}
