/**
 * Snapshots of the IPAM datastore: the state a run starts from (a live cluster's dump, see
 * `src/live/seed.ts`) and the state it ends with, as plain data in Calico's terms — blocks with their
 * ordinal allocations, the FIFO `unallocated` list as stored, the affinity (host and state), sequence
 * numbers and claim times — plus the cluster's nodes. A run seeded with a snapshot continues exactly
 * as Calico would from that state: the same next free ordinal in each block, the node's affine blocks
 * first, then new blocks and borrowing as usual.
 *
 * Cost: linear in the snapshot's blocks, allocations and unallocated ordinals.
 */
import { Cidr } from "../ip";
import { Finding, error, warning } from "../validation/finding";
import { WINDOWS_RESERVED_ATTRIBUTES, WINDOWS_RESERVED_HANDLE } from "./allocate";
import { BlockState } from "./ipam-block";
import type { TunnelType } from "./result";
import { Grant, IpamState, NodeState, PoolState, SEQUENCE_CLAIM_GAP_NS, fi } from "./state";
import type { NodeDeclaration } from "./topology";

/** The handle prefix of pod addresses (the Calico CNI plugin: `k8s-pod-network.<container id>`). */
export const POD_HANDLE_PREFIX = "k8s-pod-network.";
/** Tunnel address handles by allocation type (calico-node `allocateip`: `<kind>-tunnel-addr-<node>`). */
export const TUNNEL_HANDLE_PREFIX: Readonly<Record<TunnelType, string>> = {
  ipipTunnelAddress: "ipip-tunnel-addr-",
  vxlanTunnelAddress: "vxlan-tunnel-addr-",
  vxlanV6TunnelAddress: "vxlan-v6-tunnel-addr-",
};

/** One allocated ordinal of a block: its handle and owner attributes as Calico stores them. */
export interface SnapshotAllocation {
  /** Ordinal in the block (0 = the block's network address). */
  readonly ordinal: number;
  /** `handle_id`, e.g. `k8s-pod-network.<container id>` or `ipip-tunnel-addr-<node>`; null for none. */
  readonly handle: string | null;
  /** `secondary` attributes: `namespace`, `pod`, `node` for pods; `node`, `type` for tunnel addresses. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `sequenceNumberForAllocation` of the ordinal, as a decimal string (exact beyond 2^53). @default - the block's sequence number */
  readonly sequenceNumber?: string;
  /**
   * Set when the owner is gone but IPAM still holds the address (a CNI DEL that never ran): the
   * simulated time it leaked. kube-controllers' garbage collector releases it after its grace period.
   * @default - held by a live owner
   */
  readonly leakedSince?: number;
}

/** One `IPAMBlock` (and its `BlockAffinity`) of a snapshot. */
export interface SnapshotBlock {
  /** The block's CIDR, e.g. `10.0.0.64/26`. */
  readonly cidr: string;
  /** The node of its `host:` affinity; null when it has none. */
  readonly host: string | null;
  /** The affinity's state (`BlockAffinity.spec.state`). @default "confirmed" */
  readonly affinityState?: "confirmed" | "pendingDeletion";
  /** Free ordinals in the order Calico hands them out (`spec.unallocated` as stored, FIFO). Every ordinal not listed is allocated. */
  readonly unallocated: readonly number[];
  /** The allocated ordinals (Windows-reserved ones included, under {@link WINDOWS_RESERVED_HANDLE}). */
  readonly allocations: readonly SnapshotAllocation[];
  /** `sequenceNumber`, a decimal string (Calico's start at the claim time in nanoseconds, beyond 2^53). @default "0" */
  readonly sequenceNumber?: string;
  /** Simulated time of the claim (`affinityClaimTime`), seconds on the snapshot's clock. @default - the snapshot's time */
  readonly claimTime?: number;
  /** For an empty block: since when it has been empty, on the snapshot's clock. @default - the snapshot's time */
  readonly emptySince?: number;
  /** Where the block was read (file and object), named in errors. @default - its position in the snapshot */
  readonly source?: string;
}

/**
 * The IPAM state of a cluster: its nodes and its blocks (with their affinities and allocations). What
 * {@link SimulationInput.initialState} starts from and {@link SimulationResult.endState} holds;
 * `src/live` reads one from a dump (`snapshotFromDump`) and writes one as Calico objects
 * (`snapshotObjects`).
 */
export interface IpamSnapshot {
  /** The simulated time the snapshot was taken, in seconds; claim and leak times are on this clock. @default 0 */
  readonly time?: number;
  /**
   * The cluster's nodes, in the order they joined (the simulator's scheduler breaks ties by it). A node
   * the topology declares too takes the topology's declaration; nodes only the topology declares follow.
   */
  readonly nodes: readonly NodeDeclaration[];
  /** Blocks in claim order (oldest first): a node's affine blocks are tried in datastore order, but released by the garbage collector in this order. */
  readonly blocks: readonly SnapshotBlock[];
  /**
   * The sequence number base of the latest claim, a decimal string: the next claim's base is above it.
   * @default - the highest block sequence number of the snapshot, rounded down to the claim gap (1 ms)
   */
  readonly sequenceClock?: string;
}

/** A pod of the snapshot: its node and addresses, matched to a declared workload by name (`<workload>-<n>`). */
export interface SeededPod {
  readonly namespace: string;
  readonly name: string;
  readonly node: NodeState;
  v4: Grant | undefined;
  v6: Grant | undefined;
}

/** What restoring a snapshot left besides the datastore: who holds each restored address. */
export interface RestoredSnapshot {
  /** The snapshot's owner attributes of every grant it restored. */
  readonly owners: Map<Grant, SnapshotAllocation>;
  /** Pods on live nodes, by `namespace/name`. */
  readonly pods: Map<string, SeededPod>;
}

const TUNNEL_TYPES = new Set<string>(Object.keys(TUNNEL_HANDLE_PREFIX));

/**
 * Restores a snapshot's blocks into a fresh datastore whose nodes are already added (nodes the
 * snapshot's allocations name that are not in the cluster become deleted nodes holding leaked
 * addresses). Each block is matched to the pool that contains it with its block size; a block no
 * declared pool holds, one of another block size, two blocks at one place, or ordinals out of the
 * block are errors (path `initialState.blocks[i]`) and the block is left out.
 */
export function restoreSnapshot(s: IpamState, snapshot: IpamSnapshot, findings: Finding[]): RestoredSnapshot {
  const restored: RestoredSnapshot = { owners: new Map(), pods: new Map() };
  const time = snapshot.time ?? 0;
  const live = new Map<string, NodeState>();
  for (const n of s.nodes) if (!n.deleted) live.set(n.node.name, n);
  const ghosts = new Map<string, NodeState>();
  const ghost = (name: string): NodeState => {
    let g = ghosts.get(name);
    if (!g) {
      g = s.addNode({ name, labels: {}, os: "linux", maxPods: 0, group: name, entry: -1 });
      g.deleted = true;
      ghosts.set(name, g);
    }
    return g;
  };
  const declared = s.pools.map((p) => `${p.pool.name} (${p.pool.cidr.toString()}, blockSize ${p.pool.blockSize})`).join(", ") || "none";
  const unknownHosts = new Set<string>();
  snapshot.blocks.forEach((sb, i) => {
    const path = `initialState.blocks[${i}]`;
    const where = sb.source ?? `block ${i + 1} of the initial state`;
    const parsed = Cidr.tryParse(String(sb.cidr));
    if (!parsed.ok) {
      findings.push(error("INITIAL_STATE_INVALID", `${path}.cidr`, `${where}: block CIDR ${JSON.stringify(sb.cidr)} does not parse (${parsed.error.message}); the block is left out. Take the dump again`));
      return;
    }
    const cidr = parsed.cidr;
    const pool = s.pools.find((p) => p.family === cidr.family && p.pool.cidr.contains(cidr));
    if (!pool) {
      findings.push(
        error(
          "INITIAL_STATE_INVALID",
          `${path}.cidr`,
          `${where}: block ${cidr.toString()} lies in no declared IP pool (declared: ${declared}); the harness cannot place its addresses, so the block is left out. Declare the pool the block belongs to (disabled: true if it is being retired), or take the dump of the cluster the plan describes`,
        ),
      );
      return;
    }
    if (pool.pool.blockSize !== cidr.prefix) {
      findings.push(
        error(
          "INITIAL_STATE_INVALID",
          `${path}.cidr`,
          `${where}: block ${cidr.toString()} is a /${cidr.prefix} block, but pool "${pool.pool.name}" (${pool.pool.cidr.toString()}) declares blockSize ${pool.pool.blockSize}; Calico never changes a pool's block size, so the dump and the plan describe different pools. Declare the pool with blockSize ${cidr.prefix}, or plan the change as a new pool (see docs/migrations)`,
        ),
      );
      return;
    }
    const index = (cidr.network - pool.pool.cidr.network) >> BigInt(pool.hostBits);
    if (pool.blocks.has(index)) {
      findings.push(error("INITIAL_STATE_INVALID", `${path}.cidr`, `${where}: block ${cidr.toString()} appears twice in the initial state; the second is left out. Remove the duplicate object from the dump`));
      return;
    }
    const capacity = pool.capacity;
    const bad = sb.unallocated.find((o) => !Number.isInteger(o) || o < 0 || o >= capacity);
    if (bad !== undefined) {
      findings.push(error("INITIAL_STATE_INVALID", `${path}.unallocated`, `${where}: unallocated ordinal ${String(bad)} is outside block ${cidr.toString()} (0 to ${capacity - 1}); the block is left out. Fix or delete the block (calicoctl ipam check reports it)`));
      return;
    }
    const byOrdinal = new Map<number, SnapshotAllocation>();
    for (const a of sb.allocations) byOrdinal.set(a.ordinal, a);
    const windows = capacity >= 8 && [0, 1, 2, capacity - 1].every((o) => byOrdinal.get(o)?.handle === WINDOWS_RESERVED_HANDLE);
    let owner = -1;
    if (sb.host !== null) {
      const node = live.get(sb.host);
      if (node) owner = node.index;
      else unknownHosts.add(sb.host);
    }
    const block = BlockState.restore({
      poolIndex: pool.index,
      index,
      network: cidr.network,
      capacity,
      owner,
      windows,
      reservations: s.blockReservations(pool, cidr.network),
      cidr: cidr.toString(),
      unallocated: sb.unallocated,
      sequenceNumber: 0,
      claimTime: sb.claimTime ?? time,
    });
    block.affinityState = sb.affinityState ?? "confirmed";
    if (block.empty) block.emptySince = sb.emptySince ?? time;
    const sequence = parseSequence(sb.sequenceNumber);
    s.restoreBlock(pool, block, sequence);
    // Every allocated ordinal has a holder; one the snapshot does not describe is held by an unknown owner.
    const free = new Uint8Array(capacity);
    for (const o of sb.unallocated) free[o] = 1;
    for (let o = 0; o < capacity; o++) {
      if (free[o] === 1 || (windows && (o < 3 || o === capacity - 1))) continue;
      const stored = byOrdinal.get(o) ?? { ordinal: o, handle: null, attributes: {} };
      const alloc = stored.sequenceNumber === undefined ? { ...stored, sequenceNumber: sequence.toString() } : stored;
      holdAddress(s, restored, pool, block, alloc, live, ghost, sb.host);
    }
    for (const a of sb.allocations) {
      if (a.ordinal >= 0 && a.ordinal < capacity && free[a.ordinal] === 1) {
        findings.push(error("INITIAL_STATE_INVALID", `${path}.allocations`, `${where}: ordinal ${a.ordinal} of block ${cidr.toString()} is allocated and also listed in unallocated; it is treated as free. Fix or delete the block (calicoctl ipam check reports it)`));
        break;
      }
    }
  });
  // Claims after the snapshot get higher sequence numbers than every block in it. Without the clock, the
  // latest claim's base is the highest sequence number less its writes (fewer than the claim gap).
  let clock = snapshot.sequenceClock !== undefined ? parseSequence(snapshot.sequenceClock) : 0n;
  if (snapshot.sequenceClock === undefined) {
    for (const p of s.pools) for (const b of p.blockList) if ((s.sequenceBase.get(b) ?? 0n) > clock) clock = s.sequenceBase.get(b) ?? 0n;
    clock = (clock / SEQUENCE_CLAIM_GAP_NS) * SEQUENCE_CLAIM_GAP_NS;
  }
  if (clock > s.sequenceClock) s.sequenceClock = clock;
  if (unknownHosts.size > 0) {
    const names = [...unknownHosts].sort();
    findings.push(
      warning(
        "INITIAL_STATE_INVALID",
        "initialState.nodes",
        `blocks of the initial state are affine to ${names.length} node(s) that are not in the cluster (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}): they are restored without affinity, as kube-controllers leaves them once it cleans up deleted nodes. Add the nodes to the dump or the topology if they still exist`,
      ),
    );
  }
  return restored;
}

function holdAddress(
  s: IpamState,
  restored: RestoredSnapshot,
  pool: PoolState,
  block: BlockState,
  alloc: SnapshotAllocation,
  live: ReadonlyMap<string, NodeState>,
  ghost: (name: string) => NodeState,
  host: string | null,
): void {
  const nodeName = alloc.attributes.node ?? host ?? "";
  const liveNode = live.get(nodeName);
  const node = liveNode ?? ghost(nodeName === "" ? "(unknown)" : nodeName);
  const grant: Grant = { block, ordinal: alloc.ordinal, node };
  s.account(block, node, 1, block.freeAuto);
  restored.owners.set(grant, alloc);
  if (alloc.leakedSince !== undefined || !liveNode) {
    s.leaks.push({ grant, since: alloc.leakedSince ?? s.now });
    return;
  }
  const type = alloc.attributes.type;
  if (type !== undefined && TUNNEL_TYPES.has(type) && !node.tunnelGrants.has(type as TunnelType)) {
    node.tunnelGrants.set(type as TunnelType, grant);
    node.tunnels.push({ type: type as TunnelType, address: s.text(grant), pool: pool.pool.name, borrowed: block.owner !== node.index });
    return;
  }
  const podName = alloc.attributes.pod;
  if (podName === undefined) return;
  node.pods++;
  const key = `${alloc.attributes.namespace ?? ""}/${podName}`;
  let pod = restored.pods.get(key);
  if (!pod) {
    pod = { namespace: alloc.attributes.namespace ?? "", name: podName, node, v4: undefined, v6: undefined };
    restored.pods.set(key, pod);
  } else {
    // The pod's second address (dual stack) does not count twice against maxPods.
    node.pods--;
  }
  if (fi(pool.family) === 0) pod.v4 ??= grant;
  else pod.v6 ??= grant;
}

function parseSequence(value: string | undefined): bigint {
  if (value === undefined || !/^[0-9]+$/.test(value)) return 0n;
  return BigInt(value);
}

/** A held address of the end state: the grant and what Calico stores about its owner. */
export interface HeldAddress {
  readonly grant: Grant;
  readonly handle: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  /** The block's sequence number when the address was allocated (`sequenceNumberForAllocation`). */
  readonly sequenceNumber: bigint;
  readonly leakedSince?: number;
}

let createHash: typeof import("crypto").createHash | undefined;

/**
 * The SHA-256 of a text, in hex. node:crypto is loaded on the first call: with the streams it pulls in it
 * took ~5 ms of every `calico-ipam plan`, whose harness never makes a pod's handle (only a run that keeps
 * its end state does).
 */
function sha256Hex(text: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  createHash ??= (require("crypto") as typeof import("crypto")).createHash;
  return createHash("sha256").update(text).digest("hex");
}

/** The handle and attributes the Calico CNI plugin stores for a pod's address. */
export function podOwner(namespace: string, pod: string, node: string): { handle: string; attributes: Record<string, string> } {
  const containerId = sha256Hex(`${namespace}/${pod}`);
  return { handle: `${POD_HANDLE_PREFIX}${containerId}`, attributes: { namespace, node, pod } };
}

/** The handle and attributes calico-node stores for a node's tunnel address. */
export function tunnelOwner(type: TunnelType, node: string): { handle: string; attributes: Record<string, string> } {
  return { handle: `${TUNNEL_HANDLE_PREFIX[type]}${node}`, attributes: { node, type } };
}

/**
 * The datastore as a snapshot: every block with its allocations (from `held`, plus the Windows
 * reservation), its `unallocated` list in Calico's order, affinity and sequence number, blocks in claim
 * order; and the cluster's live nodes. An allocated ordinal no holder names is written with no handle.
 */
export function captureSnapshot(s: IpamState, held: Iterable<HeldAddress>, nodes: readonly NodeState[]): IpamSnapshot {
  const byBlock = new Map<BlockState, HeldAddress[]>();
  for (const h of held) {
    let list = byBlock.get(h.grant.block);
    if (!list) byBlock.set(h.grant.block, (list = []));
    list.push(h);
  }
  const blocks: BlockState[] = [];
  for (const p of s.pools) for (const b of p.blockList) blocks.push(b);
  const base = (b: BlockState): bigint => s.sequenceBase.get(b) ?? 0n;
  // Claim order: bases grow with each claim (a stable sort keeps snapshot order among equal ones).
  blocks.sort((a, b) => (base(a) < base(b) ? -1 : base(a) > base(b) ? 1 : 0));
  const out: SnapshotBlock[] = blocks.map((b) => {
    const sequence = base(b) + BigInt(b.sequenceNumber);
    const unallocated = b.unallocated();
    const free = new Uint8Array(b.capacity);
    for (const o of unallocated) free[o] = 1;
    const holders = new Map<number, HeldAddress>();
    for (const h of byBlock.get(b) ?? []) holders.set(h.grant.ordinal, h);
    const allocations: SnapshotAllocation[] = [];
    for (let o = 0; o < b.capacity; o++) {
      if (free[o] === 1) continue;
      if (b.windows && (o < 3 || o === b.capacity - 1)) {
        // Reserved when the block was claimed.
        // As libcalico-go newBlock reserves them: the attributes of WINDOWS_RESERVED_ATTRIBUTES, no sequence number.
        allocations.push({ ordinal: o, handle: WINDOWS_RESERVED_HANDLE, attributes: { ...WINDOWS_RESERVED_ATTRIBUTES } });
        continue;
      }
      const h = holders.get(o);
      const seq = (h ? h.sequenceNumber : sequence).toString();
      allocations.push({ ordinal: o, handle: h ? h.handle : null, attributes: h ? h.attributes : {}, sequenceNumber: seq, ...(h?.leakedSince !== undefined ? { leakedSince: h.leakedSince } : {}) });
    }
    return {
      cidr: b.cidr,
      host: b.owner >= 0 ? s.nodes[b.owner].node.name : null,
      ...(b.affinityState !== "confirmed" ? { affinityState: b.affinityState } : {}),
      unallocated,
      allocations,
      sequenceNumber: sequence.toString(),
      claimTime: b.claimTime,
      ...(b.empty ? { emptySince: b.emptySince } : {}),
    };
  });
  return {
    time: s.now,
    nodes: nodes.map((n) => ({ name: n.node.name, labels: { ...n.node.labels }, os: n.node.os, maxPods: n.node.maxPods })),
    blocks: out,
    sequenceClock: s.sequenceClock.toString(),
  };
}

/** A block's sequence number now (its base plus its writes), exact. */
export function blockSequence(s: IpamState, block: BlockState): bigint {
  return (s.sequenceBase.get(block) ?? 0n) + BigInt(block.sequenceNumber);
}
