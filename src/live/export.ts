/**
 * The round trip's second half: a simulated cluster's end state ({@link SimulationResult.endState}) as
 * the objects Calico stores — `IPAMBlock`, `BlockAffinity`, `IPAMHandle` — plus `Node` and `Pod`
 * objects, written as kubectl-style `List` files that `calico-ipam inspect` and a harness
 * `initialState` read back.
 */
import fs from "fs";
import path from "path";
import { Cidr } from "../ip";
import { writeFileAtomic } from "../io/atomic-write";
import { API_CRD_V1, type CalicoApiVersion } from "../model/calico";
import { WINDOWS_RESERVED_HANDLE } from "../simulator/allocate";
import type { IpamSnapshot } from "../simulator/snapshot";
import { ordinalAddress } from "./block";
import { blockAffinityObject, ipamBlockObject, ipamHandleObject, stringifyObjects } from "./objects";

/** The wall-clock time of simulated time 0: 2026-01-01T00:00:00Z (also the base of new blocks' sequence numbers). */
export const SIMULATION_EPOCH = "2026-01-01T00:00:00Z";

/** Node annotations for the tunnel addresses calico-node records, by allocation type. */
const TUNNEL_ANNOTATION: Readonly<Record<string, string>> = {
  ipipTunnelAddress: "projectcalico.org/IPv4IPIPTunnelAddr",
  vxlanTunnelAddress: "projectcalico.org/IPv4VXLANTunnelAddr",
  vxlanV6TunnelAddress: "projectcalico.org/IPv6VXLANTunnelAddr",
};

/** Options of {@link snapshotObjects}. */
export interface SnapshotObjectsOptions {
  /** The API group of the Calico objects. @default "crd.projectcalico.org/v1" (as stored) */
  readonly apiVersion?: CalicoApiVersion;
  /**
   * Whether to write a `Pod` (Running, with its addresses) for every pod holding an address that has not
   * leaked, so `inspect` can tell leaked addresses; without pods it cannot. @default true
   */
  readonly pods?: boolean;
}

/** The objects of an IPAM state, by file. */
export interface StateObjects {
  readonly blocks: readonly Record<string, unknown>[];
  readonly affinities: readonly Record<string, unknown>[];
  readonly handles: readonly Record<string, unknown>[];
  readonly nodes: readonly Record<string, unknown>[];
  readonly pods: readonly Record<string, unknown>[];
}

/**
 * The IPAM state as Calico objects: one `IPAMBlock` per block (allocations, `unallocated` in FIFO order,
 * attributes shared by equal owners, exact sequence numbers, `affinityClaimTime` with simulated time 0
 * at {@link SIMULATION_EPOCH}), a `BlockAffinity` per affine block (its state), an `IPAMHandle` per
 * handle (addresses per block), a `Node` per node (labels, tunnel address annotations; in the snapshot's order, which the
 * simulator's scheduler breaks ties by) and, unless `pods: false`, a `Pod` per pod holding addresses.
 * Valid against the CRD schemas; the other objects in name order.
 */
export function snapshotObjects(snapshot: IpamSnapshot, options: SnapshotObjectsOptions = {}): StateObjects {
  const apiVersion = options.apiVersion ?? API_CRD_V1;
  const epoch = Date.parse(SIMULATION_EPOCH);
  const blocks: Record<string, unknown>[] = [];
  const affinities: Record<string, unknown>[] = [];
  const handles = new Map<string, Map<string, number>>();
  const tunnels = new Map<string, Record<string, string>>();
  const pods = new Map<string, { namespace: string; name: string; node: string; ips: string[] }>();
  for (const b of snapshot.blocks) {
    const cidr = Cidr.parse(b.cidr);
    blocks.push(
      ipamBlockObject(
        {
          cidr,
          host: b.host,
          allocations: b.allocations.map((a) => ({
            ordinal: a.ordinal,
            handle: a.handle,
            attributes: a.attributes,
            // Calico stamps no sequence number on a Windows node's reserved addresses (libcalico-go newBlock).
            ...(a.sequenceNumber !== undefined ? { sequenceNumber: BigInt(a.sequenceNumber) } : a.handle === WINDOWS_RESERVED_HANDLE ? { sequenceNumber: null } : {}),
          })),
          unallocated: b.unallocated,
          sequenceNumber: BigInt(b.sequenceNumber ?? "0"),
          affinityClaimTime: new Date(epoch + Math.round((b.claimTime ?? snapshot.time ?? 0) * 1000)).toISOString().replace(/\.000Z$/, "Z"),
        },
        apiVersion,
      ),
    );
    if (b.host !== null) affinities.push(blockAffinityObject(b.host, cidr, apiVersion, b.affinityState ?? "confirmed"));
    for (const a of b.allocations) {
      if (a.handle !== null && a.handle !== WINDOWS_RESERVED_HANDLE) {
        let perBlock = handles.get(a.handle);
        if (!perBlock) handles.set(a.handle, (perBlock = new Map()));
        perBlock.set(b.cidr, (perBlock.get(b.cidr) ?? 0) + 1);
      }
      if (a.leakedSince !== undefined) continue;
      const sec = a.attributes;
      const annotation = sec.type !== undefined ? TUNNEL_ANNOTATION[sec.type] : undefined;
      if (annotation !== undefined && sec.node !== undefined) {
        let notes = tunnels.get(sec.node);
        if (!notes) tunnels.set(sec.node, (notes = {}));
        notes[annotation] = ordinalAddress({ cidr }, a.ordinal);
      } else if (sec.pod !== undefined && options.pods !== false) {
        const key = `${sec.namespace ?? ""}/${sec.pod}`;
        let pod = pods.get(key);
        if (!pod) pods.set(key, (pod = { namespace: sec.namespace ?? "", name: sec.pod, node: sec.node ?? "", ips: [] }));
        pod.ips.push(ordinalAddress({ cidr }, a.ordinal));
      }
    }
  }
  const byName = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const x = (a.metadata as { name: string }).name;
    const y = (b.metadata as { name: string }).name;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const handleObjects = [...handles].map(([id, perBlock]) => ipamHandleObject(id, Object.fromEntries([...perBlock].sort()), apiVersion));
  const nodes = snapshot.nodes.map((n) => {
    const annotations = tunnels.get(n.name);
    return { apiVersion: "v1", kind: "Node", metadata: { name: n.name, labels: { ...(n.labels ?? {}) }, ...(annotations ? { annotations } : {}) } };
  });
  const podObjects = [...pods.values()]
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: p.name, namespace: p.namespace },
      spec: { nodeName: p.node },
      status: { phase: "Running", podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) },
    }));
  return { blocks: blocks.sort(byName), affinities: affinities.sort(byName), handles: handleObjects.sort(byName), nodes, pods: podObjects };
}

/** The files {@link writeStateDump} writes, by part. */
export const STATE_DUMP_FILES: Readonly<Record<keyof StateObjects, string>> = {
  blocks: "ipamblocks.json",
  affinities: "blockaffinities.json",
  handles: "ipamhandles.json",
  nodes: "nodes.json",
  pods: "pods.json",
};

/**
 * Writes the objects as kubectl-style `List` files (`kubectl get … -o json`, 4-space indent unless
 * given) into `dir` (created if missing), each file whole and atomically; parts with no objects are
 * not written. Returns the files written.
 */
export function writeStateDump(dir: string, objects: StateObjects, indent = 4): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const part of Object.keys(STATE_DUMP_FILES) as (keyof StateObjects)[]) {
    const items = objects[part];
    if (items.length === 0) continue;
    const file = path.join(dir, STATE_DUMP_FILES[part]);
    writeFileAtomic(file, `${stringifyObjects({ apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } }, indent)}\n`);
    written.push(file);
  }
  return written;
}
