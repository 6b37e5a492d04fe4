import { blockObjectName } from "./private/format";
import type { BlockUsage } from "./result";

/**
 * One IPAM block (Calico's `IPAMBlock` object, `libcalico-go/lib/ipam/ipam_block.go`
 * `allocationBlock`) as the simulator keeps it: counters and a cursor, no per-address list until asked.
 *
 * Calico hands out a block's addresses from a FIFO `unallocated` list that starts in ascending order
 * and gets released addresses appended at its tail (reference §0 fact 3, §5.7). The list is modelled as:
 *
 * ```
 *   ordinals  0 1 2 3 4 5 6 7 ... N-1
 *             W W W . r r . x ...   W  Windows reserved (0, 1, 2, N-1; allocated for good)
 *                 ^cursor           r  IP reservation (never auto-assigned, stays free)
 *                                   x  taken out of order by a fixed address (ipAddrs)
 *   then the released FIFO (ordinals given back, oldest first)
 * ```
 *
 * Everything below the cursor is allocated except reserved ordinals and ordinals in the released FIFO.
 * {@link BlockState.unallocated} writes the list out in Calico's order and {@link BlockState.restore}
 * reads one back, so a stored `IPAMBlock` round-trips.
 */
export class BlockState {
  /** Index of the node the block is affine to (`affinity: host:<node>`); -1 when it has no affinity. */
  owner: number;
  /** The affinity's state (`BlockAffinity.spec.state`); pending affinities are never kept. */
  affinityState: "confirmed" | "pendingDeletion" = "confirmed";
  /** Simulated time of the claim in seconds (`affinityClaimTime`), for the 60 s reclaim rule. */
  claimTime = 0;
  /** Simulated time since which the block holds no allocation (-1 while it holds some): the GC grace period. */
  emptySince = -1;
  /** `sequenceNumber`: bumped on every write of the block (assign, release), as Calico's CAS guard. */
  sequenceNumber = 0;
  /** Allocations (pods and tunnels), not counting Windows reserved ordinals. */
  inUse = 0;
  /** Ordinals auto-assign may still hand out. */
  freeAuto: number;
  /** Ordinals covered by IP reservations. */
  readonly reservedCount: number;
  /** Addresses in this block held by hosts other than the owner. */
  borrowed = 0;
  /** Borrowing host name -> addresses. */
  borrowers: Map<string, number> | undefined;
  /** The eight 16-bit groups of an IPv6 network, kept for fast address formatting. */
  v6Groups: number[] | undefined;
  /** The text of the block's IPv6 addresses up to their last group (`v6Prefix`), kept with the groups; null for an IPv4-mapped network. */
  v6Prefix: string | null | undefined;
  /** Position in the owning pool's borrow index, when built. */
  borrowPosition = -1;
  /** The block's number in `IpamState.blocks` (every block registered in the run), -1 before it is registered. */
  id = -1;
  /**
   * The block's usage as the last timeline step reported it, with the sequence number and affinity it
   * was taken at: an unchanged block reports the same object again (`Usage.blocks`).
   */
  reported: BlockUsage | undefined;
  reportedSequence = -1;
  reportedOwner = -1;
  /** The `IPAMBlock` object name (the CIDR with `.`, `:` and `/` as `-`), the datastore's list order; computed on first use. */
  private name: string | undefined;

  private cursor = 0;
  private reservationPointer = 0;
  private taken: Set<number> | undefined;
  private released: number[] | undefined;
  /**
   * Ordinal -> its position in `released`, -1 when not in it (the latest release counts; older entries
   * are stale). A typed array over the block's ordinals (at most 4,096: block sizes /20 and /116), made
   * on the first release: no per-release allocation for the garbage collector.
   */
  private releasedAt: Int32Array | undefined;
  private releasedHead = 0;

  /**
   * @param reservations IP-reserved ordinal ranges, flat `[first, last, first, last, …]`, sorted and merged
   * @param windows whether ordinals 0, 1, 2 and N-1 are reserved for a Windows host
   */
  constructor(
    readonly poolIndex: number,
    readonly index: bigint,
    readonly network: bigint,
    readonly capacity: number,
    owner: number,
    readonly windows: boolean,
    private readonly reservations: readonly number[] | undefined,
    readonly cidr: string,
  ) {
    this.owner = owner;
    let reserved = 0;
    if (reservations) for (let k = 0; k < reservations.length; k += 2) reserved += reservations[k + 1] - reservations[k] + 1;
    this.reservedCount = reserved;
    let windowsOnly = 0;
    if (windows) for (const o of this.windowsOrdinals()) if (!this.inReservation(o)) windowsOnly++;
    this.freeAuto = capacity - reserved - windowsOnly;
  }

  /** The `IPAMBlock` object name (`10-0-0-0-26`): blocks list in this order from the datastore. */
  get objectName(): string {
    return (this.name ??= blockObjectName(this.cidr));
  }

  /** 4 when the block carries the Windows reservation, else 0. */
  get windowsReserved(): number {
    return this.windows ? 4 : 0;
  }

  /** True when every address is covered by IP reservations (Calico skips such blocks). */
  get whollyReserved(): boolean {
    return this.reservedCount === this.capacity;
  }

  /** Takes the next address auto-assign would hand out; -1 when none is left. */
  autoAssign(): number {
    const res = this.reservations;
    while (this.cursor < this.capacity) {
      const o = this.cursor;
      if (res) {
        while (this.reservationPointer < res.length && res[this.reservationPointer + 1] < o) this.reservationPointer += 2;
        if (this.reservationPointer < res.length && res[this.reservationPointer] <= o) {
          this.cursor = res[this.reservationPointer + 1] + 1;
          continue;
        }
      }
      this.cursor++;
      if (this.isWindowsOrdinal(o) || this.taken?.has(o) || this.isReleased(o)) continue;
      this.freeAuto--;
      this.inUse++;
      this.sequenceNumber++;
      return o;
    }
    while (this.released && this.releasedHead < this.released.length) {
      const k = this.releasedHead++;
      const o = this.released[k];
      const at = this.releasedAt as Int32Array;
      if (at[o] !== k) continue;
      at[o] = -1;
      if (this.inReservation(o)) continue;
      this.freeAuto--;
      this.inUse++;
      this.sequenceNumber++;
      return o;
    }
    return -1;
  }

  /** True when the ordinal is held (by an allocation or the Windows reservation). */
  isAllocated(o: number): boolean {
    if (this.isWindowsOrdinal(o) || this.taken?.has(o)) return true;
    return o < this.cursor && !this.inReservation(o) && !this.isReleased(o);
  }

  /** Takes a specific ordinal (a fixed address); false when it is already held. Reservations are not consulted. */
  assignOrdinal(o: number): boolean {
    if (this.isAllocated(o)) return false;
    const reserved = this.inReservation(o);
    if (this.releasedAt) this.releasedAt[o] = -1;
    // Below the cursor and not reserved, an ordinal out of the released FIFO is allocated by position.
    if (reserved || o >= this.cursor) (this.taken ??= new Set()).add(o);
    if (!reserved) this.freeAuto--;
    this.inUse++;
    this.sequenceNumber++;
    return true;
  }

  /** Gives an ordinal back (a failed dual-stack pod); it goes to the tail of the FIFO. */
  release(o: number): void {
    this.taken?.delete(o);
    this.inUse--;
    this.sequenceNumber++;
    if (this.inReservation(o)) return;
    const queue = (this.released ??= []);
    const at = (this.releasedAt ??= new Int32Array(this.capacity).fill(-1));
    if (this.releasedHead > 64 && this.releasedHead * 2 > queue.length) {
      // Drop the consumed head and stale entries, in place, so a block that churns for ever keeps a queue
      // as long as its free list. An ordinal's latest entry is its live one: earlier ones are skipped.
      let live = 0;
      for (let k = this.releasedHead; k < queue.length; k++) {
        const x = queue[k];
        if (at[x] !== k) continue;
        queue[live] = x;
        at[x] = live++;
      }
      queue.length = live;
      this.releasedHead = 0;
    }
    at[o] = queue.length;
    queue.push(o);
    this.freeAuto++;
  }

  /** True when nothing but host-reserved ordinals is allocated (Calico's `empty()`, which ignores reserved attributes). */
  get empty(): boolean {
    return this.inUse === 0;
  }

  /**
   * The block's `unallocated` list in Calico's order: IP-reserved ordinals passed by the cursor (they
   * stay in place at the head), the ordinals the cursor has not reached, then released ordinals oldest
   * first. Costs O(block size); for dumps, never on the allocation path.
   */
  unallocated(): number[] {
    const out: number[] = [];
    const res = this.reservations;
    if (res) {
      for (let k = 0; k < res.length; k += 2) {
        for (let o = res[k]; o <= res[k + 1] && o < this.cursor; o++) if (!this.taken?.has(o) && !this.isWindowsOrdinal(o) && !this.isReleased(o)) out.push(o);
      }
    }
    for (let o = this.cursor; o < this.capacity; o++) {
      if (this.isWindowsOrdinal(o) || this.taken?.has(o) || this.isReleased(o)) continue;
      out.push(o);
    }
    if (this.released) {
      for (let k = this.releasedHead; k < this.released.length; k++) {
        const o = this.released[k];
        if ((this.releasedAt as Int32Array)[o] === k) out.push(o);
      }
    }
    return out;
  }

  /**
   * A block read back from a stored `IPAMBlock`: `unallocated` in its stored order (every ordinal not in
   * it is allocated); `windows` when ordinals 0, 1, 2 and N-1 hold `windows-reserved-ipam-handle`.
   */
  static restore(options: {
    poolIndex: number;
    index: bigint;
    network: bigint;
    capacity: number;
    owner: number;
    windows: boolean;
    reservations: readonly number[] | undefined;
    cidr: string;
    unallocated: readonly number[];
    sequenceNumber?: number;
    claimTime?: number;
  }): BlockState {
    const b = new BlockState(options.poolIndex, options.index, options.network, options.capacity, options.owner, options.windows, options.reservations, options.cidr);
    b.cursor = b.capacity;
    const listed = new Set(options.unallocated);
    b.released = [];
    const at = (b.releasedAt = new Int32Array(b.capacity).fill(-1));
    let free = 0;
    for (const o of options.unallocated) {
      if (at[o] >= 0) continue;
      // IP-reserved ordinals keep their place in the list; auto-assign passes over them.
      at[o] = b.released.length;
      b.released.push(o);
      if (!b.inReservation(o)) free++;
    }
    let inUse = 0;
    for (let o = 0; o < b.capacity; o++) {
      if (listed.has(o) || b.isWindowsOrdinal(o)) continue;
      inUse++;
      if (b.inReservation(o)) (b.taken ??= new Set()).add(o);
    }
    b.inUse = inUse;
    b.freeAuto = free;
    b.sequenceNumber = options.sequenceNumber ?? 0;
    b.claimTime = options.claimTime ?? 0;
    return b;
  }

  /** Records an address held by a host that does not own the block. */
  addBorrower(host: string, delta: number): void {
    this.borrowed += delta;
    const map = (this.borrowers ??= new Map());
    const n = (map.get(host) ?? 0) + delta;
    if (n === 0) map.delete(host);
    else map.set(host, n);
  }

  /** True when the ordinal waits in the released FIFO. */
  private isReleased(o: number): boolean {
    return this.releasedAt !== undefined && this.releasedAt[o] >= 0;
  }

  private isWindowsOrdinal(o: number): boolean {
    return this.windows && (o < 3 || o === this.capacity - 1);
  }

  private windowsOrdinals(): number[] {
    return [0, 1, 2, this.capacity - 1];
  }

  private inReservation(o: number): boolean {
    const res = this.reservations;
    if (!res) return false;
    let lo = 0;
    let hi = res.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (res[2 * mid + 1] < o) lo = mid + 1;
      else hi = mid;
    }
    return lo < res.length / 2 && res[2 * lo] <= o;
  }
}
