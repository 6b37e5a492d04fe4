import { Cidr, findOverlaps, parseAddress } from "../ip";
import { compareText } from "../report/format";
import { WINDOWS_RESERVED_HANDLE, ordinalAddress } from "./block";
import type { ClusterDump, InspectFinding, LiveAffinity, LiveBlock, LiveHandle, LivePool } from "./model";
import { describeSource, liveFinding } from "./private/findings";
import { ATTRIBUTE_KEYS, ATTRIBUTE_SPAN, AttributeColumns, AttributeView, attributeViewOf } from "./private/columns";
import { addressTexts, cidrTextOf } from "./private/cidr-text";
import { HandleTable, handleTableOf } from "./private/handle-columns";
import { handleIdHash } from "./private/handle-ids";
import { HandleIndex, handleEntriesOf, tableIndexOf } from "./private/handle-index";

/** Names of the pools Calico (or the operator) creates when none is configured. */
export const DEFAULT_POOL_NAMES: readonly string[] = ["default-ipv4-ippool", "default-ipv6-ippool"];

/** Allocation `type` attributes of tunnel addresses (libcalico-go `model.IPAMBlockAttributeType*`). */
const TUNNEL_TYPES = new Set(["ipipTunnelAddress", "vxlanTunnelAddress", "vxlanV6TunnelAddress", "wireguardTunnelAddress", "wireguardV6TunnelAddress"]);
const TUNNEL_HANDLE = /^(ipip|vxlan|vxlan-v6|wireguard|wireguard-v6)-tunnel-addr-/;
/** The handle prefix of pod addresses (Calico CNI). */
const POD_HANDLE_PREFIX = "k8s-pod-network.";
/** Stale-affinity and leak procedures. */
const LEAK_WAY_OUT =
  "kube-controllers releases leaked addresses after its grace period (15 minutes by default); if it stays, run `calicoctl ipam check -o report.json` and `calicoctl ipam release --from-report=report.json` with the datastore locked.";

/** Options of {@link inspectDump}. */
export interface InspectOptions {
  /** Pool names a plan declares: a pool Calico created by default is not reported when the plan declares it. @default - none */
  readonly declaredPools?: ReadonlySet<string>;
}

/** Utilization of one pool, as `calicoctl ipam show` counts it. */
export interface PoolUtilization {
  readonly name: string;
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly blockSize: number;
  readonly disabled: boolean;
  /** Addresses of the pool (decimal string: IPv6 pools exceed 2^53). */
  readonly addressesTotal: string;
  /** Allocated addresses in the pool's blocks (pods, tunnels, Windows-reserved). */
  readonly addressesInUse: number;
  /** Blocks of the pool's block size (decimal string). */
  readonly blocksTotal: string;
  /** Blocks that exist in the pool (any size). */
  readonly blocksClaimed: number;
}

/** One block's use. */
export interface BlockUtilization {
  readonly name: string;
  readonly cidr: string;
  /** The pool holding the block; null when no pool does. */
  readonly pool: string | null;
  /** The node of a `host:` affinity; null when not affine to a node. */
  readonly owner: string | null;
  readonly capacity: number;
  readonly inUse: number;
  readonly free: number;
  /** Addresses used by other nodes than the owner. */
  readonly borrowed: number;
}

/** One borrowed address, as `calicoctl ipam show --show-borrowed` lists it. */
export interface BorrowedAddress {
  readonly address: string;
  readonly borrowingNode: string;
  readonly block: string;
  readonly blockOwner: string;
  /** `pod`, `vmi`, or the allocation's `type` attribute. */
  readonly type: string;
  /** `<namespace>/<pod>` for pods; empty otherwise. */
  readonly allocatedTo: string;
}

/** The counts `calicoctl ipam check` prints, over the dump. */
export interface CheckCounts {
  readonly blocks: number;
  readonly allocations: number;
  readonly activePools: number;
  readonly nodeTunnelAddresses: number;
  readonly workloadAddresses: number;
  readonly handles: number;
  readonly handlesWithAddresses: number;
  /** Allocated addresses no pod or node uses (null when neither pods, nodes nor a check report were given). */
  readonly leakedAddresses: number | null;
  readonly inUseOutsidePools: number;
  readonly inUseNotAllocated: number;
  readonly leakedHandles: number;
  readonly missingHandles: number;
  readonly invalidBlocks: number;
  /** The sum calicoctl reports as "problems". */
  readonly problems: number;
}

/** Adds a finding of the check. */
type AddFinding = (severity: "error" | "warning", code: string, subject: string, path: string, message: string) => void;

/** The result of {@link inspectDump}. */
export interface Inspection {
  /** Name order. */
  readonly pools: readonly PoolUtilization[];
  /** Address order. */
  readonly blocks: readonly BlockUtilization[];
  /** Block, then address order. */
  readonly borrowed: readonly BorrowedAddress[];
  /** Allocations without a node attribute: whether they are borrowed cannot be told. */
  readonly unclassified: number;
  readonly counts: CheckCounts;
  /** The checks' findings (the dump's own findings are in `ClusterDump.findings`). */
  readonly findings: readonly InspectFinding[];
}

/**
 * @internal The addresses each handle holds in the blocks, without an object per handle (a dump holds one handle
 * per pod). Entries are numbered by the dump's IPAMHandle objects first (an object's entry is its index,
 * or the first index of an ID held by several objects: `private/handle-index.ts`), then the handles no
 * object names, in the order the blocks name them ({@link missing}). Per entry: the first block the
 * handle is seen in (by index) and its addresses there; the rare handle in several blocks has its
 * other blocks in `others`.
 */
export class HandleUse {
  readonly index: HandleIndex;
  /** The entries of the handles no IPAMHandle object names, by ID. */
  readonly missingEntries = new Map<string, number>();
  /** The IDs of the handles no IPAMHandle object names: entries `index.objects`, `index.objects + 1`… */
  readonly missing: string[] = [];
  /**
   * Per entry `e`, the first block it is seen in (by index) at `2e` and its addresses there at `2e + 1`:
   * one list, so the check's reads of an entry's two numbers (in the handles file's order, not the
   * blocks': a cache miss each) fall on one cache line.
   */
  uses: Int32Array<ArrayBuffer>;
  /** Entry → block CIDR → addresses, for the blocks after the first. */
  readonly others = new Map<number, Map<string, number>>();
  /** What {@link warm} read, summed. */
  warmth = 0;

  constructor(handles: readonly LiveHandle[] | HandleTable) {
    // (A table's index is kept with it: the reader may have made it while it waited for a worker.)
    this.index = handles instanceof HandleTable ? tableIndexOf(handles).complete() : new HandleIndex(handles).complete();
    // (Written once now, in order: the check reads this list before it writes it (`warm`), at random
    // places, and a fresh page read first is mapped twice, once to read and again to write, each a
    // page fault, 10–30 µs on some hosts.)
    this.uses = new Int32Array(2 * Math.max(1024, this.index.objects + 64)).fill(0);
  }

  /** The addresses of entry `e` in its first block (0: none seen). */
  countOf(e: number): number {
    return this.uses[2 * e + 1];
  }

  /** The first block (by index) entry `e` is seen in (when {@link countOf} is not 0). */
  firstBlockOf(e: number): number {
    return this.uses[2 * e];
  }

  /** The entries of a view's handles in the objects' table when they are compared as bytes (see {@link add}); undefined otherwise. */
  entriesOf(attrs: AttributeView): Int32Array | undefined {
    return attrs.handleBytes !== undefined && this.index.table !== null ? handleEntriesOf(this.index, attrs) : undefined;
  }

  /**
   * Counts an address of the handle of attribute `idx` of `attrs` (it has one) in block `block` (whose
   * CIDR is `cidr`; `firstCidr` gives a block's). The handle is compared as bytes when the view holds them
   * and the objects are columns (`entries`, from {@link entriesOf}): a string is made only for a handle no
   * object names.
   */
  add(attrs: AttributeView, idx: number, block: number, cidr: string, firstCidr: (block: number) => string, entries: Int32Array | undefined): void {
    let e: number;
    if (entries !== undefined) {
      e = entries[idx];
    } else {
      const id = attrs.handle(idx) as string;
      e = this.index.find(id, attrs.handleHash(idx) ?? handleIdHash(id));
    }
    if (e < 0) {
      const handle = attrs.handle(idx) as string;
      const known = this.missingEntries.get(handle);
      if (known !== undefined) e = known;
      else {
        e = this.index.objects + this.missing.length;
        this.missing.push(handle);
        this.missingEntries.set(handle, e);
        if (2 * e >= this.uses.length) this.uses = grow(this.uses);
      }
    }
    this.addEntry(e, block, cidr, firstCidr);
  }

  /** Counts an address of entry `e` (an object's, or a missing handle's) in block `block` (see {@link add}). */
  addEntry(e: number, block: number, cidr: string, firstCidr: (block: number) => string): void {
    const uses = this.uses;
    if (uses[2 * e + 1] === 0) {
      uses[2 * e] = block;
      uses[2 * e + 1] = 1;
    } else if (uses[2 * e] === block || firstCidr(uses[2 * e]) === cidr) {
      uses[2 * e + 1]++;
    } else {
      let m = this.others.get(e);
      if (!m) this.others.set(e, (m = new Map()));
      m.set(cidr, (m.get(cidr) ?? 0) + 1);
    }
  }

  /**
   * Reads the count and the first block of every entry of `entries` (a block's handles, as
   * {@link entriesOf} gives them), before the block's allocations are counted ({@link add}). The entries
   * are in the order of the handles file, not the blocks', so each read misses the caches ({@link uses}
   * is 4 MB for 500,000 handles); in this short loop the misses overlap, where in the
   * allocations' loop, with its many other reads and calls between them, they come one after the other.
   * Changes nothing.
   */
  warm(entries: Int32Array): void {
    const uses = this.uses;
    let sum = 0;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k];
      if (e >= 0) sum += uses[2 * e + 1] + uses[2 * e];
    }
    // (Kept, so the compiler does not drop the reads.)
    this.warmth = sum;
  }

  /** The entry of the IPAM handle object at `index` in the dump. */
  entryOf(index: number): number {
    return this.index.entryOf(index);
  }
}


/** The blocks of one family and prefix length, by network (a number for IPv4). */
interface BlocksOfPrefix {
  readonly family: 4 | 6;
  /** Addresses per block, and the host bits' mask. */
  readonly size: number;
  readonly host: bigint;
  readonly blocks: Map<number | bigint, number[]>;
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Checks a cluster's IPAM state the way `calicoctl ipam check` does, and more, and counts its
 * utilization the way `calicoctl ipam show` does. Cost grows with the objects of the dump (blocks,
 * their ordinals, pods, handles), never with the addresses of a pool.
 *
 * Findings (all `source: "check"`):
 * - `LEAKED_ADDRESS` (warning): an address allocated to a pod that is not in the dump, has finished or
 *   holds other addresses, or a tunnel address no node records; only with pods, nodes or a
 *   `calicoctl ipam check` report in the dump;
 * - `IN_USE_NOT_ALLOCATED` (error): an address a pod or node uses inside an active pool with no allocation;
 * - `IN_USE_OUTSIDE_POOLS` (warning): an address a pod or node uses outside every active pool, not allocated;
 * - `ADDRESS_MULTIPLE_OWNERS` (error): two pods (or nodes) use one address;
 * - `BLOCK_NO_POOL` (error when it holds addresses, else warning): a block in no pool;
 * - `BLOCK_POOL_DISABLED` (warning): addresses in use in a disabled pool (a migration to finish);
 * - `BLOCK_OVERLAP` (error): blocks that overlap (after a block size change);
 * - `BLOCK_SIZE_MISMATCH` (warning): a block of another size than its pool's blockSize;
 * - `BLOCK_EMPTY_HELD` (warning): an empty block affine to a node;
 * - `BLOCK_AFFINITY_MISSING` / `BLOCK_NODE_GONE` (warning): a block affine to a node with no affinity object / no node;
 * - `AFFINITY_NODE_GONE`, `AFFINITY_STATE`, `AFFINITY_WITHOUT_BLOCK`, `AFFINITY_STALE` (warning);
 * - `ADDRESS_BORROWED` (warning): addresses of a node's block used by another node (routes do not aggregate);
 * - `HANDLE_LEAKED` (warning): a handle without addresses; `HANDLE_MISSING` (warning): a handle blocks
 *   name that does not exist; `HANDLE_COUNT_MISMATCH` (warning): a handle's per-block counts differ from the blocks;
 * - `POOL_CREATED_BY_DEFAULT` (warning): `default-ipv4-ippool`/`default-ipv6-ippool` that no plan declares;
 * - `POOL_OVERLAP` (error): pools that overlap; `POOL_BLOCKS_EXHAUSTED` (warning): every block of an active pool is claimed.
 */
export function inspectDump(dump: ClusterDump, options: InspectOptions = {}): Inspection {
  const findings: InspectFinding[] = [];
  const add: AddFinding = (severity, code, subject, path, message) => findings.push(liveFinding(severity, code, subject, path, message, "check"));
  const declared = options.declaredPools ?? new Set<string>();

  const pools = [...dump.pools].sort((a, b) => compareText(a.name, b.name));
  const withCidr = pools.filter((p): p is LivePool & { cidr: Cidr } => p.cidr !== null);
  const active = withCidr.filter((p) => !p.disabled);
  for (const [i, j] of findOverlaps(withCidr.map((p) => p.cidr))) {
    const a = withCidr[i];
    const b = withCidr[j];
    add("error", "POOL_OVERLAP", `IPPool/${b.name}`, "spec.cidr", `IP pools "${a.name}" (${a.cidr.toString()}) and "${b.name}" (${b.cidr.toString()}) overlap; Calico hands out addresses of both and blocks collide. Migrate one of them (disable it, move its pods, delete it).`);
  }
  for (const p of pools) {
    if (DEFAULT_POOL_NAMES.includes(p.name) && !declared.has(p.name)) {
      add(
        "warning",
        "POOL_CREATED_BY_DEFAULT",
        `IPPool/${p.name}`,
        "metadata.name",
        `IP pool "${p.name}" (${p.cidrText}${p.disabled ? ", disabled" : ""}) is the one Calico (or the operator) creates when no pool is configured, and no plan declares it${p.disabled ? "" : "; it still hands out addresses to every node it selects"}. ` +
          `Declare it in the plan, or migrate its pods to the planned pools and delete it (with the operator: remove it from Installation.spec.calicoNetwork.ipPools).`,
      );
    }
  }

  const blocks = dump.blocks.filter((b) => !b.deleted).sort((a, b) => a.cidr.compare(b.cidr));
  const blockPool: (LivePool | null)[] = blocks.map((b) => withCidr.find((p) => p.cidr.family === b.cidr.family && p.cidr.contains(b.cidr)) ?? null);
  const cidrs: string[] = blocks.map((b) => cidrTextOf(b.cidr));
  const blockByCidr = new Map<string, number>();
  cidrs.forEach((cidr, i) => blockByCidr.set(cidr, i));

  // Address lookup: for each block prefix in use, the blocks by network (an IPv4 network as a number:
  // no bigint arithmetic per address looked up).
  const byPrefix = new Map<string, BlocksOfPrefix>();
  blocks.forEach((b, i) => {
    const key = `${b.cidr.family}/${b.cidr.prefix}`;
    let p = byPrefix.get(key);
    if (!p) byPrefix.set(key, (p = { family: b.cidr.family, size: 2 ** (b.cidr.bits - b.cidr.prefix), host: (1n << BigInt(b.cidr.bits - b.cidr.prefix)) - 1n, blocks: new Map() }));
    const network = b.cidr.family === 4 ? Number(b.cidr.network) : b.cidr.network;
    const list = p.blocks.get(network);
    if (list) list.push(i);
    else p.blocks.set(network, [i]);
  });
  const prefixes = [...byPrefix.values()];
  /** The (block, ordinal) pairs holding an address. */
  const locate = (family: 4 | 6, value: bigint): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    const v4 = family === 4 ? Number(value) : 0;
    for (const p of prefixes) {
      if (p.family !== family) continue;
      if (family === 4) {
        const network = v4 - (v4 % p.size);
        for (const i of p.blocks.get(network) ?? []) if (v4 - network < blocks[i].allocations.length) out.push([i, v4 - network]);
      } else {
        for (const i of p.blocks.get(value & ~p.host) ?? []) {
          const o = Number(value - blocks[i].cidr.network);
          if (o < blocks[i].allocations.length) out.push([i, o]);
        }
      }
    }
    return out;
  };
  const inActivePool = (family: 4 | 6, value: bigint) => active.some((p) => p.cidr.family === family && p.cidr.containsAddress(value));

  // Overlapping blocks (a pool recreated with another block size, calico#10778).
  for (const [i, j] of findOverlaps(blocks.map((b) => b.cidr))) {
    const [small, large] = blocks[i].cidr.prefix >= blocks[j].cidr.prefix ? [blocks[i], blocks[j]] : [blocks[j], blocks[i]];
    const offset = Number(small.cidr.network - large.cidr.network);
    let both = 0;
    for (let o = 0; o < small.allocations.length; o++) if (small.allocations[o] >= 0 && (large.allocations[offset + o] ?? -1) >= 0) both++;
    add(
      "error",
      "BLOCK_OVERLAP",
      `IPAMBlock/${small.name}`,
      "spec.cidr",
      `Blocks ${large.cidr.toString()} (${large.host ? `node ${large.host}` : "not affine"}) and ${small.cidr.toString()} (${small.host ? `node ${small.host}` : "not affine"}) overlap${both > 0 ? `, and ${both} of their addresses are allocated in both: two pods may share an address` : ""}. ` +
        `This follows a block size change with blocks or affinities left behind (calico#10778). Drain the nodes of the older block, release its addresses, and delete the stale block and its affinity.`,
    );
  }

  // Affinities.
  const nodeNames = dump.nodes ? new Set(dump.nodes.map((n) => n.name)) : null;
  const affinityOf = affinityFindings(dump.affinities, nodeNames, blockByCidr, blocks, add);

  // Pods and nodes: the addresses in use.
  const referenced = blocks.map(() => null as Uint8Array | null);
  const owners = new Map<number | string, string>();
  let nodeTunnelAddresses = 0;
  let workloadAddresses = 0;
  let inUseOutsidePools = 0;
  let inUseNotAllocated = 0;
  /**
   * Marks the allocated ordinals holding IPv4 address `v4` (a number) as used; whether there is one. The
   * common case of {@link locate} (an address a pod or node uses, one per pod of a dump), without a bigint
   * or a list per address.
   */
  const markIPv4 = (v4: number): boolean => {
    plainSettled.ipv4InPlace++;
    let allocated = false;
    for (let q = 0; q < prefixes.length; q++) {
      const p = prefixes[q];
      if (p.family !== 4) continue;
      const network = v4 - (v4 % p.size);
      const list = p.blocks.get(network);
      if (list === undefined) continue;
      const o = v4 - network;
      for (let k = 0; k < list.length; k++) {
        const i = list[k];
        const allocationsOf = blocks[i].allocations;
        if (o >= allocationsOf.length || allocationsOf[o] < 0) continue;
        allocated = true;
        let r = referenced[i];
        if (!r) referenced[i] = r = new Uint8Array(allocationsOf.length);
        r[o] = 1;
      }
    }
    return allocated;
  };
  const use = (text: string, owner: string, subject: string, path: string) => {
    let parsed: { family: 4 | 6; value: bigint } | null = null;
    // (An IPv4 address in the common form is read in place; any other text is parsed, and explained when wrong.)
    const v4 = addressTexts.ipv4Number(text);
    if (v4 < 0) {
      try {
        parsed = parseAddress(text);
      } catch {
        add("warning", "IN_USE_ADDRESS_INVALID", subject, path, `${owner} uses "${text}", which is not an IP address; it is not checked.`);
        return;
      }
    }
    // (An IPv4 address keyed by its number: no decimal text of a bigint per address.)
    const key = parsed === null ? v4 : parsed.family === 4 ? Number(parsed.value) : `6/${parsed.value}`;
    const first = owners.get(key);
    if (first !== undefined) {
      add("error", "ADDRESS_MULTIPLE_OWNERS", subject, path, `${text} is used by ${first} and by ${owner}: two workloads share an address. Delete one of them so it gets a new address, then check IPAM for the allocation.`);
      return;
    }
    owners.set(key, owner);
    let allocated = false;
    if (parsed === null) {
      allocated = markIPv4(v4);
    } else {
      for (const [i, o] of locate(parsed.family, parsed.value)) {
        if (blocks[i].allocations[o] < 0) continue;
        allocated = true;
        let r = referenced[i];
        if (!r) referenced[i] = r = new Uint8Array(blocks[i].allocations.length);
        r[o] = 1;
      }
    }
    if (allocated) return;
    if (parsed === null ? inActivePool(4, BigInt(v4)) : inActivePool(parsed.family, parsed.value)) {
      inUseNotAllocated++;
      add("error", "IN_USE_NOT_ALLOCATED", subject, path, `${text} is used by ${owner} and lies in an active IP pool, but Calico IPAM has no allocation for it: Calico may hand it to another pod. Recreate the workload so it gets an allocated address.`);
    } else {
      inUseOutsidePools++;
      add("warning", "IN_USE_OUTSIDE_POOLS", subject, path, `${text} is used by ${owner} but lies outside every active IP pool and has no Calico allocation (another IPAM, a deleted or disabled pool).`);
    }
  };
  if (dump.pods) {
    for (const p of dump.pods) {
      if (p.hostNetwork || p.finished) continue;
      p.ips.forEach((ip, k) => {
        workloadAddresses++;
        use(ip, `pod ${p.namespace}/${p.name}`, `Pod/${p.namespace}/${p.name}`, `status.podIPs[${k}]`);
      });
    }
  }
  if (dump.nodes) {
    for (const n of dump.nodes) {
      for (const t of n.tunnelAddresses) {
        nodeTunnelAddresses++;
        use(t.address, `node ${n.name} (${t.type})`, `Node/${n.name}`, `tunnel ${t.type}`);
      }
    }
  }
  const podNames = dump.pods ? new Map(dump.pods.map((p) => [`${p.namespace}/${p.name}`, p])) : null;
  const reports = dump.checkReports;

  // Every allocation.
  // (The handles' columns when the reader left them: no object per handle.)
  const handleTable = handleTableOf(dump);
  const handleUse = new HandleUse(handleTable ?? dump.handles);
  const cidrOf = (i: number) => cidrs[i];
  const borrowed: BorrowedAddress[] = [];
  let unclassified = 0;
  let allocations = 0;
  let leaked = 0;
  const judged = dump.pods !== null || dump.nodes !== null || reports.length > 0;
  // Whether an allocation of a pod on its block's node can be settled without its details: not when a
  // calicoctl report (and no pods) judges every allocation by its address. With pods, one of a pod that
  // no pod uses is left to the general loop (a leak to explain).
  const plainCase = dump.pods !== null || reports.length === 0;
  const pods = dump.pods !== null;
  const blockRows: BlockUtilization[] = [];
  blocks.forEach((b, i) => {
    const pool = blockPool[i];
    const cidr = cidrs[i];
    const subject = `IPAMBlock/${b.name}`;
    // (Where the block is in the dump, for a finding's text: made only for a finding.)
    const where = () => describeSource(b.source);
    let byNode: Map<string, number> | null = null;
    let blockBorrowed = 0;
    // The attributes as the reader left them: columns (no object per allocation) or objects.
    const attrs = attributeViewOf(b);
    const bytes = attrs.handleBytes;
    const entries = handleUse.entriesOf(attrs);
    if (entries !== undefined) handleUse.warm(entries);
    const host = b.host ?? "";
    const used = referenced[i];
    // (An attribute's node is the reader's one string for its text: the last one compared is remembered.)
    let lastNode: string | undefined = undefined;
    let lastBorrowing = false;
    // The common case of columns is settled in a loop of its own (see {@link settlePlainAllocations}):
    // the loop below takes only the ordinals it leaves.
    const plain = plainCase && entries !== undefined && attrs instanceof AttributeColumns && b.host !== null;
    const left = plain ? settlePlainAllocations(attrs, b.allocations, b.host as string, entries, used, pods, handleUse, i, cidr, cidrOf) : null;
    if (left !== null) allocations += plainSettled.count;
    const looked = left !== null ? left.length : b.allocations.length;
    for (let k = 0; k < looked; k++) {
      const o = left !== null ? left[k] : k;
      const idx = b.allocations[o];
      if (idx < 0) continue;
      allocations++;
      // The handle stays bytes where the columns hold them: a string is made only where one is needed.
      const from = bytes !== undefined ? attrs.handleFrom(idx) : 0;
      const handleLength = bytes !== undefined ? (from < 0 ? -1 : attrs.handleTo(idx) - from) : (attrs.handle(idx)?.length ?? -1);
      if (handleLength === WINDOWS_RESERVED_HANDLE.length && attrs.handle(idx) === WINDOWS_RESERVED_HANDLE) continue;
      if (handleLength >= 0) handleUse.add(attrs, idx, i, cidr, cidrOf, entries);
      const node = attrs.node(idx);
      const hasPod = attrs.hasPod(idx);
      if (node !== lastNode) {
        lastNode = node;
        lastBorrowing = node !== undefined && node !== host;
      }
      if (node === undefined) unclassified++;
      else if (lastBorrowing) {
        blockBorrowed++;
        byNode ??= new Map<string, number>();
        byNode.set(node, (byNode.get(node) ?? 0) + 1);
        const type = attrs.vmi(idx) !== undefined ? "vmi" : hasPod ? "pod" : (attrs.type(idx) ?? "");
        borrowed.push({ address: ordinalAddress(b, o), borrowingNode: node, block: cidr, blockOwner: host, type, allocatedTo: hasPod ? `${attrs.namespace(idx) ?? ""}/${attrs.pod(idx)}` : "" });
      }
      const isPod = hasPod || (attrs.handle(idx)?.startsWith(POD_HANDLE_PREFIX) ?? false);
      const type = attrs.type(idx);
      const isTunnel = !isPod && ((type !== undefined && TUNNEL_TYPES.has(type)) || TUNNEL_HANDLE.test(attrs.handle(idx) ?? ""));
      const inUse = used !== null && used[o] === 1;
      let why: string | null = null;
      if (isPod && dump.pods && !inUse) {
        const namespace = attrs.namespace(idx);
        const podName = attrs.pod(idx);
        const pod = podName !== undefined ? podNames?.get(`${namespace ?? ""}/${podName}`) : undefined;
        const owner = podName !== undefined ? `pod ${namespace ?? ""}/${podName}` : `handle ${attrs.handle(idx)}`;
        why = !pod
          ? `allocated to ${owner}${node ? ` on node ${node}` : ""}, which is not in the dump (deleted)`
          : pod.finished
            ? `allocated to ${owner}, which has finished`
            : `allocated to ${owner}, which uses ${pod.ips.length > 0 ? pod.ips.join(", ") : "no address"} instead`;
      } else if (isTunnel && dump.nodes && !inUse) {
        why = `a ${type ?? "tunnel"} address of node ${node ?? attrs.handle(idx)}, which ${nodeNames?.has(node ?? "") ? "records another tunnel address" : "is not in the dump (deleted)"}`;
      } else if (!dump.pods && reports.length > 0) {
        const address = ordinalAddress(b, o);
        const reported = reports.flatMap((r) => r.allocations.get(address) ?? []);
        if (reported.length > 0 && reported.every((r) => !r.inUse)) why = `reported unused by calicoctl ipam check (${reports.map((r) => r.file).join(", ")})`;
      }
      if (why !== null) {
        leaked++;
        add("warning", "LEAKED_ADDRESS", subject, `spec.allocations[${o}]`, `${ordinalAddress(b, o)} (block ${cidr}, ${where()}) is ${why}: leaked. ${LEAK_WAY_OUT}`);
      }
    }
    for (const [node, n] of byNode !== null ? [...byNode].sort(([x], [y]) => compareText(x, y)) : NO_BORROWERS) {
      add(
        "warning",
        "ADDRESS_BORROWED",
        subject,
        "spec.allocations",
        `${n} ${n === 1 ? "address" : "addresses"} of block ${cidr} (${b.host ? `affine to node ${b.host}` : "not affine to any node"}) ${n === 1 ? "is" : "are"} used by node ${node}: borrowed, so routes to ${n === 1 ? "it" : "them"} do not aggregate into the block's route. ` +
          `Borrowing happens when a pool has no free block left for the node; give the pool more blocks (a larger CIDR or a smaller blockSize in a new pool), or set strictAffinity.`,
      );
    }
    if (!pool) {
      add(
        b.allocated > 0 ? "error" : "warning",
        "BLOCK_NO_POOL",
        subject,
        "spec.cidr",
        `Block ${cidr} (${where()}) lies in no IP pool${b.allocated > 0 ? ` and holds ${b.allocated} allocated ${b.allocated === 1 ? "address" : "addresses"}: they are in use outside every pool (the pool was deleted before its pods were moved)` : ""}. ` +
          (b.allocated > 0 ? "Recreate the pods so they get addresses of a pool, then delete the block." : "Delete the block and its affinity."),
      );
    } else {
      if (pool.disabled && b.allocated > 0) {
        add("warning", "BLOCK_POOL_DISABLED", subject, "spec.allocations", `Block ${cidr} of disabled pool "${pool.name}" still holds ${b.allocated} allocated ${b.allocated === 1 ? "address" : "addresses"}: in use outside every active pool. Finish the migration: recreate those pods, then delete the pool.`);
      }
      if (b.cidr.prefix !== pool.blockSize) {
        add("warning", "BLOCK_SIZE_MISMATCH", subject, "spec.cidr", `Block ${cidr} is a /${b.cidr.prefix} but pool "${pool.name}" has blockSize ${pool.blockSize}: a block of an earlier block size. Calico does not see it when it looks for free blocks, so new blocks may overlap it.`);
      }
    }
    if (b.allocated === 0 && b.host !== null) {
      add("warning", "BLOCK_EMPTY_HELD", subject, "spec.allocations", `Block ${cidr} is empty but stays affine to node ${b.host}: its ${b.allocations.length} addresses serve no other node unless the pool runs out (then another node reclaims it). kube-controllers releases it after 15 minutes only when the node has another block.`);
    }
    if (b.host !== null) {
      const holders = affinityOf.get(cidr);
      if (!holders?.has(b.host)) {
        if (nodeNames && !nodeNames.has(b.host)) add("warning", "BLOCK_NODE_GONE", subject, "spec.affinity", `Block ${cidr} is affine to node ${b.host}, which is not in the dump (a deleted node), and no affinity object remains. Release its addresses and delete the block.`);
        else add("warning", "BLOCK_AFFINITY_MISSING", subject, "spec.affinity", `Block ${cidr} is affine to node ${b.host} but no BlockAffinity records it (is the BlockAffinity list in the dump?): the node does not find the block as its own and claims another.`);
      }
    }
    blockRows.push({ name: b.name, cidr, pool: pool?.name ?? null, owner: b.host, capacity: b.allocations.length, inUse: b.allocated, free: b.allocations.length - b.allocated, borrowed: blockBorrowed });
  });

  // Handles.
  let handlesWithAddresses = 0;
  let leakedHandles = 0;
  const handleCount = handleTable?.count ?? dump.handles.length;
  // (A CIDR text as a number: the block index `blockByCidr` gives it; -1 for a table's CIDR of no block.)
  const blockCidr = Int32Array.from(cidrs, (cidr) => blockByCidr.get(cidr) ?? -1);
  const tableCidr = Int32Array.from(handleTable?.cidrs ?? [], (cidr) => blockByCidr.get(cidr) ?? -1);
  // (The columns' common case is settled in a function of its own: see {@link unsettledHandles}.)
  const unsettled = handleTable !== undefined ? unsettledHandles(handleUse, handleTable, tableCidr, blockCidr) : null;
  if (unsettled !== null) handlesWithAddresses = handleCount - unsettled.length;
  const looked = unsettled !== null ? unsettled.length : handleCount;
  for (let k = 0; k < looked; k++) {
    const j = unsettled !== null ? unsettled[k] : k;
    const e = handleUse.entryOf(j);
    const h = handleTable?.handle(j) ?? dump.handles[j];
    const count = handleUse.countOf(e);
    if (count === 0) {
      leakedHandles++;
      add("warning", "HANDLE_LEAKED", `IPAMHandle/${h.name}`, "spec.block", `${describeSource(h.source)}: handle "${h.handleId}" has no address in any block: leaked. ${LEAK_WAY_OUT}`);
      continue;
    }
    handlesWithAddresses++;
    const first = cidrs[handleUse.firstBlockOf(e)];
    const others = handleUse.others.get(e);
    // The common case, one block, without building a map or an array per handle (a dump holds one handle per pod).
    if (others === undefined && onlyKey(h.blocks, first, count)) continue;
    const actual = new Map<string, number>([[first, count], ...(others ?? [])]);
    const keys = [...new Set([...Object.keys(h.blocks), ...actual.keys()])].sort();
    const wrong = keys.filter((k) => (h.blocks[k] ?? 0) !== (actual.get(k) ?? 0));
    if (wrong.length > 0) {
      add(
        "warning",
        "HANDLE_COUNT_MISMATCH",
        `IPAMHandle/${h.name}`,
        `spec.block`,
        `${describeSource(h.source)}: handle "${h.handleId}" records ${wrong.map((k) => `${h.blocks[k] ?? 0} in ${k}`).join(", ")} but the blocks hold ${wrong.map((k) => `${actual.get(k) ?? 0}`).join(", ")}: releasing by handle will not free the right addresses.`,
      );
    }
  }
  const missing: Array<[string, number]> = handleUse.missing.map((id) => [id, handleUse.missingEntries.get(id) as number]);
  missing.sort(([a], [b]) => compareText(a, b));
  const missingHandles = missing.length;
  for (const [id, e] of missing) {
    const first = cidrs[handleUse.firstBlockOf(e)];
    const others = handleUse.others.get(e);
    const bi = blockByCidr.get(first) ?? 0;
    add("warning", "HANDLE_MISSING", `IPAMBlock/${blocks[bi].name}`, "spec.attributes", `Handle "${id}" holds addresses in block ${first}${others ? ` and ${others.size} more` : ""}, but no IPAMHandle object exists (is the IPAMHandle list in the dump?): releasing by handle cannot find these addresses.`);
  }

  // Pools: utilization and exhaustion.
  const poolRows: PoolUtilization[] = [];
  for (const p of withCidr) {
    const mine = blockRows.filter((r) => r.pool === p.name);
    const blocksTotal = p.blockSize >= p.cidr.prefix && p.blockSize <= p.cidr.bits ? 1n << BigInt(p.blockSize - p.cidr.prefix) : 0n;
    const claimedOfSize = mine.filter((r) => r.cidr.endsWith(`/${p.blockSize}`)).length;
    if (!p.disabled && blocksTotal > 0n && BigInt(claimedOfSize) >= blocksTotal) {
      add("warning", "POOL_BLOCKS_EXHAUSTED", `IPPool/${p.name}`, "spec.cidr", `Every one of the ${blocksTotal} blocks of pool "${p.name}" (${p.cidr.toString()}) is claimed: a node without a block there borrows addresses from other nodes' blocks, or gets none with strictAffinity. Add a pool for the nodes it selects.`);
    }
    poolRows.push({
      name: p.name,
      cidr: p.cidr.toString(),
      family: p.cidr.family,
      blockSize: p.blockSize,
      disabled: p.disabled,
      addressesTotal: p.cidr.size.toString(),
      addressesInUse: mine.reduce((s, r) => s + r.inUse, 0),
      blocksTotal: blocksTotal.toString(),
      blocksClaimed: mine.length,
    });
  }

  const invalidBlocks = new Set(dump.findings.filter((f) => f.severity === "error" && f.subject.startsWith("IPAMBlock/")).map((f) => f.subject)).size;
  const counts: CheckCounts = {
    blocks: blocks.length,
    allocations,
    activePools: active.length,
    nodeTunnelAddresses,
    workloadAddresses,
    handles: handleCount,
    handlesWithAddresses,
    leakedAddresses: judged ? leaked : null,
    inUseOutsidePools,
    inUseNotAllocated,
    leakedHandles,
    missingHandles,
    invalidBlocks,
    problems: leaked + inUseOutsidePools + inUseNotAllocated + leakedHandles + invalidBlocks,
  };
  return { pools: poolRows, blocks: blockRows, borrowed, unclassified, counts, findings };
}

/** A block's borrowing nodes when none borrows. */
const NO_BORROWERS: ReadonlyArray<[string, number]> = [];

/**
 * @internal How many allocations the last {@link settlePlainAllocations} settled (`count`), and how many
 * the check's fast paths took in all (`plainAllocations`: settled by it; `ipv4InPlace`: IPv4 addresses in
 * use marked without a bigint). Tests read the totals to tell that the fast paths are taken.
 */
export const plainSettled = { count: 0, plainAllocations: 0, ipv4InPlace: 0 };
/** The ordinals {@link settlePlainAllocations} leaves (a view of this, valid until its next call). */
let plainLeft = new Int32Array(64);

/**
 * @internal Settles the common case of a block's allocations read as columns (`private/columns.ts`) in a
 * loop of typed arrays, without a call or a string per allocation: an allocation of a pod (its `pod`
 * attribute set) on the block's own node (its `node` attribute is the block's host), whose handle an
 * IPAM handle object names (`entries`, from {@link HandleUse.entriesOf}), and, when the dump has pods
 * (`pods`), whose address a pod uses (`used`). Its handle's address is counted ({@link HandleUse.addEntry});
 * it is not borrowed and, used, not leaked: nothing else of it is reported. Every other allocated ordinal
 * (a tunnel, a borrowed or Windows-reserved address, a handle no object names, a leak to explain) is
 * returned, ascending, for the check's general loop; {@link plainSettled} tells how many were settled. The
 * result is a view of a scratch list, valid until the next call.
 */
export function settlePlainAllocations(attrs: AttributeColumns, allocations: Int32Array, host: string, entries: Int32Array, used: Uint8Array | null, pods: boolean, use: HandleUse, block: number, cidr: string, firstCidr: (block: number) => string): Int32Array {
  const c = attrs.chunk;
  const spans = c.spans;
  const keys = c.keys;
  const strings = attrs.strings;
  const at = attrs.at;
  const windowsLength = WINDOWS_RESERVED_HANDLE.length;
  const n = allocations.length;
  if (plainLeft.length < n) plainLeft = new Int32Array(Math.max(n, plainLeft.length * 2));
  const left = plainLeft;
  let k = 0;
  let settled = 0;
  // (The reader gives each node one string: the last key compared with the host is remembered.)
  let lastKey = -2;
  let lastHome = false;
  for (let o = 0; o < n; o++) {
    const idx = allocations[o];
    if (idx < 0) continue;
    const s = (at + idx) * ATTRIBUTE_SPAN;
    const from = spans[s];
    const e = entries[idx];
    const nodeKey = keys[(at + idx) * ATTRIBUTE_KEYS + 1];
    if (nodeKey !== lastKey) {
      lastKey = nodeKey;
      lastHome = nodeKey >= 0 && strings[nodeKey] === host;
    }
    if (from < 0 || spans[s + 1] - from === windowsLength || e < 0 || !lastHome || spans[s + 2] < 0 || (pods && (used === null || used[o] !== 1))) {
      left[k++] = o;
      continue;
    }
    settled++;
    use.addEntry(e, block, cidr, firstCidr);
  }
  plainSettled.count = settled;
  plainSettled.plainAllocations += settled;
  return left.subarray(0, k);
}

/**
 * The affinities' findings (`AFFINITY_STATE`, `AFFINITY_NODE_GONE`, `AFFINITY_WITHOUT_BLOCK`,
 * `AFFINITY_STALE`), and the nodes holding each block CIDR by a live affinity. A function of its own, not
 * a loop in {@link inspectDump}'s body: V8 optimizes a large function late, so the loop over a large
 * dump's affinities ran unoptimized there.
 */
function affinityFindings(affinities: readonly LiveAffinity[], nodeNames: ReadonlySet<string> | null, blockByCidr: ReadonlyMap<string, number>, blocks: readonly LiveBlock[], add: AddFinding): Map<string, Set<string>> {
  const affinityOf = new Map<string, Set<string>>();
  for (const a of affinities) {
    if (!a.cidr) continue;
    const subject = `BlockAffinity/${a.name}`;
    const cidr = cidrTextOf(a.cidr);
    if (!a.deleted && a.state !== "pendingDeletion") {
      let s = affinityOf.get(cidr);
      if (!s) affinityOf.set(cidr, (s = new Set()));
      s.add(a.node);
    }
    if (a.deleted || (a.state !== "confirmed" && a.state !== "")) {
      add(
        "warning",
        "AFFINITY_STATE",
        subject,
        a.deleted ? "spec.deleted" : "spec.state",
        `${describeSource(a.source)}: the affinity of node "${a.node}" for block ${cidr} is ${a.deleted ? "marked deleted" : `in state "${a.state}"`}: Calico was ${a.state === "pending" ? "claiming" : "releasing"} the block when the dump was taken. If it stays, delete the affinity (the node claims another block).`,
      );
    }
    if (nodeNames && a.type === "host" && !nodeNames.has(a.node)) {
      add("warning", "AFFINITY_NODE_GONE", subject, "spec.node", `${describeSource(a.source)}: block ${cidr} is affine to node "${a.node}", which is not in the dump (a deleted node). kube-controllers releases it once its addresses are free; if it stays, release them and delete the affinity and the empty block.`);
    }
    const bi = blockByCidr.get(cidr);
    if (bi === undefined) {
      if (a.state === "confirmed" && !a.deleted) add("warning", "AFFINITY_WITHOUT_BLOCK", subject, "spec.cidr", `${describeSource(a.source)}: node "${a.node}" holds a confirmed affinity for block ${cidr}, but the block does not exist. Calico creates the block on the node's next assignment; delete the affinity if the node is gone.`);
    } else if (a.type === "host" && !a.deleted && blocks[bi].host !== a.node) {
      add("warning", "AFFINITY_STALE", subject, "spec.node", `${describeSource(a.source)}: node "${a.node}" holds an affinity for block ${cidr}, but the block is ${blocks[bi].host ? `affine to node "${blocks[bi].host}"` : "not affine to any node"}. Calico deletes such stale affinities when the node next assigns; delete it by hand to be sure.`);
    }
  }
  return affinityOf;
}

/**
 * @internal The IPAM handle objects of a table (by index, ascending) that the common case does not settle:
 * a handle whose addresses are all in one block, the block its object names, as many as it records
 * (told from the columns, without the handle's object). The check looks at the others one by one.
 * A loop of its own: in {@link inspectDump}'s body, a function too large for V8 to optimize before the
 * loop is done, the 500,000 handles of a large dump ran in unoptimized code.
 */
export function unsettledHandles(use: HandleUse, table: HandleTable, tableCidr: Int32Array, blockCidr: Int32Array): number[] {
  const out: number[] = [];
  const { uses, others } = use;
  for (let j = 0; j < table.count; j++) {
    const e = use.entryOf(j);
    const n = uses[2 * e + 1];
    if (n > 0 && tableCidr[table.cidrIndex(j)] === blockCidr[uses[2 * e]] && table.addresses(j) === n && !others.has(e)) continue;
    out.push(j);
  }
  return out;
}

/** Whether an object's only own key is `key`, with the value `value`. */
function onlyKey(o: Readonly<Record<string, number>>, key: string, value: number): boolean {
  // A frozen object is often shared by many handles (the dump reader gives one per block): its only
  // entry is looked up once (a property read by a key string not yet used as one costs a lookup of the
  // string in the runtime's table of keys).
  if (Object.isFrozen(o)) {
    let sole = soleEntries.get(o);
    if (sole === undefined) soleEntries.set(o, (sole = soleEntry(o)));
    return sole !== null && sole.key === key && sole.value === value;
  }
  const only = soleEntry(o);
  return only !== null && only.key === key && only.value === value;
}

/** An object's only own entry; null when it has none or several. */
function soleEntry(o: Readonly<Record<string, number>>): { readonly key: string; readonly value: number } | null {
  let sole: string | null = null;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    if (sole !== null) return null;
    sole = k;
  }
  return sole === null ? null : { key: sole, value: o[sole] };
}
/** The only own entry of the frozen objects {@link onlyKey} has seen; null when they have none or several. */
const soleEntries = new WeakMap<object, { readonly key: string; readonly value: number } | null>();

/** The blocks of a dump that hold an address, for callers that look addresses up (drift). */
export function allocationAt(blocks: readonly LiveBlock[], family: 4 | 6, value: bigint): { block: LiveBlock; ordinal: number } | null {
  for (const b of blocks) {
    if (b.deleted || b.cidr.family !== family || !b.cidr.containsAddress(value)) continue;
    const o = Number(value - b.cidr.network);
    if (o < b.allocations.length && b.allocations[o] >= 0) return { block: b, ordinal: o };
  }
  return null;
}
