/**
 * One IPAM block as the simulator keeps it: counters and a cursor, no per-address list.
 *
 * Calico hands out a block's addresses from a FIFO list that starts in ascending order and gets
 * released addresses appended at its tail (reference §0 fact 3, §5.7). The simulator never releases
 * except when a dual-stack pod fails and gives back its first address, so the list is modelled as:
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
 */
export class BlockState {
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
  /** Position in the owning pool's borrow index, when built. */
  borrowPosition = -1;

  private cursor = 0;
  private reservationPointer = 0;
  private taken: Set<number> | undefined;
  private released: number[] | undefined;
  private releasedSet: Set<number> | undefined;
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
    readonly owner: number,
    readonly windows: boolean,
    private readonly reservations: readonly number[] | undefined,
    readonly cidr: string,
  ) {
    let reserved = 0;
    if (reservations) for (let k = 0; k < reservations.length; k += 2) reserved += reservations[k + 1] - reservations[k] + 1;
    this.reservedCount = reserved;
    let windowsOnly = 0;
    if (windows) for (const o of this.windowsOrdinals()) if (!this.inReservation(o)) windowsOnly++;
    this.freeAuto = capacity - reserved - windowsOnly;
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
      if (this.isWindowsOrdinal(o) || this.taken?.has(o) || this.releasedSet?.has(o)) continue;
      this.freeAuto--;
      this.inUse++;
      return o;
    }
    while (this.released && this.releasedHead < this.released.length) {
      const o = this.released[this.releasedHead++];
      if (!this.releasedSet?.delete(o)) continue;
      if (this.inReservation(o)) continue;
      this.freeAuto--;
      this.inUse++;
      return o;
    }
    return -1;
  }

  /** True when the ordinal is held (by an allocation or the Windows reservation). */
  isAllocated(o: number): boolean {
    if (this.isWindowsOrdinal(o) || this.taken?.has(o)) return true;
    return o < this.cursor && !this.inReservation(o) && !this.releasedSet?.has(o);
  }

  /** Takes a specific ordinal (a fixed address); false when it is already held. Reservations are not consulted. */
  assignOrdinal(o: number): boolean {
    if (this.isAllocated(o)) return false;
    const reserved = this.inReservation(o);
    this.releasedSet?.delete(o);
    // Below the cursor and not reserved, an ordinal out of the released FIFO is allocated by position.
    if (reserved || o >= this.cursor) (this.taken ??= new Set()).add(o);
    if (!reserved) this.freeAuto--;
    this.inUse++;
    return true;
  }

  /** Gives an ordinal back (a failed dual-stack pod); it goes to the tail of the FIFO. */
  release(o: number): void {
    this.taken?.delete(o);
    this.inUse--;
    if (this.inReservation(o)) return;
    (this.releasedSet ??= new Set()).add(o);
    (this.released ??= []).push(o);
    this.freeAuto++;
  }

  /** Records an address held by a host that does not own the block. */
  addBorrower(host: string, delta: number): void {
    this.borrowed += delta;
    const map = (this.borrowers ??= new Map());
    const n = (map.get(host) ?? 0) + delta;
    if (n === 0) map.delete(host);
    else map.set(host, n);
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
