import { API_CRD_V1, API_V3, CalicoApiVersion } from "../model/calico";
import type { Cidr } from "../ip";
import { affinityName, blockName } from "./block";

/** One allocated address of a block, for {@link ipamBlockObject}. */
export interface BlockAllocation {
  /** Ordinal in the block (0 = the block's first address). */
  readonly ordinal: number;
  /** `handle_id`, e.g. `k8s-pod-network.<container id>`; null for none. */
  readonly handle: string | null;
  /** `secondary` attributes: `namespace`, `pod`, `node`, `type`, `timestamp`. */
  readonly attributes?: Readonly<Record<string, string>>;
  /**
   * `sequenceNumberForAllocation` of the ordinal; null for none (Calico stamps none on the addresses a
   * block reserves when it is created, e.g. a Windows node's). @default - the block's sequence number
   */
  readonly sequenceNumber?: number | bigint | null;
}

/** What {@link ipamBlockObject} writes. */
export interface BlockObjectInput {
  readonly cidr: Cidr;
  /** The node the block is affine to; null for none. */
  readonly host: string | null;
  readonly allocations: readonly BlockAllocation[];
  /** Free ordinals in the order Calico hands them out. @default - ascending, the order of a new block */
  readonly unallocated?: readonly number[];
  /** The block's sequence number (a bigint beyond 2^53; write it with {@link stringifyObjects}). @default 0 */
  readonly sequenceNumber?: number | bigint;
  /** `affinityClaimTime` (RFC 3339). @default - none */
  readonly affinityClaimTime?: string;
}

/**
 * An `IPAMBlock` as Calico stores it (libcalico-go `model.AllocationBlock`): `allocations` with one
 * entry per ordinal (the attribute index, null when free), `unallocated` (FIFO of free ordinals),
 * `attributes` shared by allocations made together (same handle and attributes), and
 * `sequenceNumberForAllocation` keyed by ordinal. Valid against the CRD schemas of both API groups.
 */
export function ipamBlockObject(input: BlockObjectInput, apiVersion: CalicoApiVersion = API_CRD_V1): Record<string, unknown> {
  const size = Number(input.cidr.size);
  const allocations: (number | null)[] = new Array<number | null>(size).fill(null);
  const attributes: { handle_id?: string; secondary: Record<string, string> }[] = [];
  const attributeIndex = new Map<string, number>();
  const seq: Record<string, number | bigint> = {};
  const sequenceNumber = exactNumber(input.sequenceNumber ?? 0);
  for (const a of input.allocations) {
    const attrs = a.attributes ?? {};
    let key = a.handle === null ? "\u0001" : a.handle;
    for (const k of Object.keys(attrs).sort()) key += `\u0000${k}\u0000${attrs[k]}`;
    let idx = attributeIndex.get(key);
    if (idx === undefined) {
      idx = attributes.length;
      attributeIndex.set(key, idx);
      attributes.push({ ...(a.handle !== null ? { handle_id: a.handle } : {}), secondary: { ...attrs } });
    }
    allocations[a.ordinal] = idx;
    if (a.sequenceNumber !== null) seq[String(a.ordinal)] = a.sequenceNumber !== undefined ? exactNumber(a.sequenceNumber) : sequenceNumber;
  }
  const unallocated = input.unallocated ? [...input.unallocated] : allocations.flatMap((v, o) => (v === null ? [o] : []));
  return {
    apiVersion,
    kind: "IPAMBlock",
    metadata: { name: blockName(input.cidr) },
    spec: {
      cidr: input.cidr.toString(),
      ...(input.host !== null ? { affinity: `host:${input.host}` } : {}),
      ...(input.affinityClaimTime !== undefined ? { affinityClaimTime: input.affinityClaimTime } : {}),
      allocations,
      unallocated,
      attributes,
      sequenceNumber,
      sequenceNumberForAllocation: seq,
      strictAffinity: false,
      deleted: false,
    },
  };
}

/** A `BlockAffinity` of a node for a block (`deleted` is a string in crd.projectcalico.org/v1, a boolean in v3). */
export function blockAffinityObject(node: string, cidr: Cidr, apiVersion: CalicoApiVersion = API_CRD_V1, state = "confirmed"): Record<string, unknown> {
  return {
    apiVersion,
    kind: "BlockAffinity",
    metadata: { name: affinityName(node, cidr) },
    spec: { cidr: cidr.toString(), node, state, type: "host", deleted: apiVersion === API_V3 ? false : "false" },
  };
}

/** An `IPAMHandle`: its addresses counted per block CIDR. Calico names it after the handle ID in lower case. */
export function ipamHandleObject(handleId: string, blocks: Readonly<Record<string, number>>, apiVersion: CalicoApiVersion = API_CRD_V1): Record<string, unknown> {
  return { apiVersion, kind: "IPAMHandle", metadata: { name: handleId.toLowerCase() }, spec: { handleID: handleId, block: { ...blocks }, deleted: false } };
}

/** A number as a plain number when exact, else a bigint (for {@link stringifyObjects}). */
function exactNumber(value: number | bigint): number | bigint {
  if (typeof value === "number") return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * JSON text of objects that may hold bigints (sequence numbers past 2^53), written exactly as integers;
 * `indent` as `JSON.stringify`'s (kubectl writes 4).
 */
export function stringifyObjects(value: unknown, indent?: number): string {
  const marker = "\u0000bigint:";
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${marker}${v.toString()}` : v), indent);
  return text.includes("\\u0000bigint:") ? text.replace(/"\\u0000bigint:(-?[0-9]+)"/g, "$1") : text;
}
