import type { TypedArrays } from "./cidr";

/**
 * @internal The typed arrays a computation uses only while it runs, cut from one ArrayBuffer that the
 * next run reuses; and its lists of values, the arrays of the run before. One class for every such
 * computation of the package, each with an arena of its own: a carving run (its lists of request
 * indices, the requests' columns, a free list's blocks, a re-run's index over the IPv4 barriers, the
 * requests' sizes: `CARVE_SCRATCH`), the radix-sort path of `findOverlaps` (keys and sort buffers:
 * `KEY_ARENA`), and the reading of a canonical ledger (its text's bytes, its IPv4 columns and their sort).
 *
 * Why: a typed array's memory lies outside the JavaScript heap (allocated and zeroed by `calloc`) and is
 * freed only when a collection finds the array dead. Where the first touch of a fresh 4 KiB page costs a
 * fault (~10–30 µs on a VM that returns freed memory to its host), arrays made anew each run cost that
 * for every page: the ~320 KB of a carving run of 10,000 IPv4 pools (~590 KB for a re-run, whose /16
 * index alone is 256 KB) cost 40–60 faults a run in the benchmark's processes, and the ~5 MB of keys and
 * sort buffers of `findOverlaps` over 100,000 CIDRs ~1,000 faults (~12 ms, more than the work), most of
 * them on memory the allocator had just been given back. Reused, the pages stay touched.
 *
 * The buffer is held by a WeakRef between runs (a full collection may take it back; the next run then
 * makes a new one) and strongly during a run. A run that needs more than the buffer holds takes the rest
 * from a new buffer, and the next run starts with one of the size the last run needed (or the size
 * {@link begin} is told, when larger). Slices are 8-byte aligned and not zeroed: the caller fills what it
 * reads before writing. Nothing a run returns may hold a slice: the next run overwrites it (the one
 * exception, the canonical ledger reader's kept columns, is stamped with the run's {@link generation} and
 * read again once a later run has begun: see `ArenaStamp`). A run started while another is going on with
 * the same arena (from an input's getter, say), or while it is held ({@link hold}), gets an arena of its own.
 */
export class ScratchArena implements TypedArrays {
  private kept: WeakRef<ArrayBuffer> | undefined;
  private buffer: ArrayBuffer | undefined;
  private used = 0;
  /** Bytes taken in this run (alignment included), and how many of them came from a buffer made in it. */
  private taken = 0;
  private fresh = 0;
  /** The most bytes a run has taken: the size of the next buffer made. */
  private needed = 0;
  /** The lists of {@link list}, by the order a run takes them, and how many this run took and how long each was. */
  private lists: Array<WeakRef<unknown[]>> = [];
  private listsTaken: number[] = [];
  /**
   * How many runs have begun with this arena: what a run leaves in its buffer for later (see `ArenaStamp`)
   * is valid while the count is the same, i.e. until the next run begins and may overwrite it.
   */
  generation = 0;
  /** Holders of what the last run left ({@link hold}): while any, a run begun takes an arena of its own. */
  private holds = 0;

  /**
   * Keeps what the last run left in the buffer from being overwritten until {@link release}: a run begun
   * in between (from an input's getter, say) gets an arena of its own, as a nested run does.
   */
  hold(): void {
    this.holds++;
  }

  /** Ends a {@link hold}. */
  release(): void {
    this.holds--;
  }

  /**
   * Starts a run and returns the arena to take its arrays from: this one, or, when a run is already
   * going on with it (a run started from inside another, e.g. from an input's getter), a new arena of its
   * own, so that neither overwrites the other's arrays. `bytes`: what the run will take at most, when the
   * caller knows it (the buffer is made at least that large, so the run takes no second one).
   */
  begin(bytes = 0): ScratchArena {
    if (this.buffer !== undefined || this.holds > 0) return new ScratchArena().begin(bytes);
    this.generation++;
    let buffer = this.kept?.deref();
    this.fresh = 0;
    const size = Math.max(this.needed, Math.ceil(bytes / 8) * 8);
    if (buffer === undefined || buffer.byteLength < size) {
      buffer = new ArrayBuffer(size);
      this.kept = new WeakRef(buffer);
      this.fresh = size;
    }
    this.buffer = buffer;
    this.used = 0;
    this.taken = 0;
    return this;
  }

  /** Ends the run: the buffer is held only weakly again, and the next run's is sized for this one's needs. */
  end(): void {
    this.buffer = undefined;
    if (this.taken > this.needed) this.needed = this.taken;
    // The lists let go of what the run put in them.
    for (let k = 0; k < this.listsTaken.length; k++) this.lists[k].deref()?.fill(undefined, 0, this.listsTaken[k]);
    this.listsTaken.length = 0;
  }

  /** Whether a run is going on. */
  get running(): boolean {
    return this.buffer !== undefined;
  }

  /** The bytes the last run took, and the size of the buffers made during it (0 when it reused the kept one; for tests). */
  usage(): { readonly taken: number; readonly fresh: number } {
    return { taken: this.taken, fresh: this.fresh };
  }

  /** The buffer the next run would start from, if it is still alive (for tests). */
  keptBuffer(): ArrayBuffer | undefined {
    return this.kept?.deref();
  }

  /**
   * A JavaScript array of at least `length` slots (its `length` may be larger: read only the first
   * `length`), for values of the run: the same array as the run before took at this turn, when long
   * enough. Emptied (every slot `undefined`) when the run ends, so that it holds nothing of the run's.
   */
  list<T>(length: number): T[] {
    if (this.buffer === undefined) throw new Error("ScratchArena: a list taken outside begin() and end()");
    const k = this.listsTaken.length;
    let list = this.lists[k]?.deref();
    if (list === undefined || list.length < length) {
      list = new Array<unknown>(length).fill(undefined);
      this.lists[k] = new WeakRef(list);
      this.fresh += 8 * length;
    }
    this.listsTaken.push(length);
    return list as T[];
  }

  /** `length` int32s, not zeroed. */
  i32(length: number): Int32Array {
    const at = this.take(4 * length);
    return new Int32Array(this.buffer as ArrayBuffer, at, length);
  }

  /** `length` uint32s, not zeroed. */
  u32(length: number): Uint32Array {
    const at = this.take(4 * length);
    return new Uint32Array(this.buffer as ArrayBuffer, at, length);
  }

  /** `length` uint64s, not zeroed. */
  u64(length: number): BigUint64Array {
    const at = this.take(8 * length);
    return new BigUint64Array(this.buffer as ArrayBuffer, at, length);
  }

  /** `length` bytes, not zeroed. */
  u8(length: number): Uint8Array {
    const at = this.take(length);
    return new Uint8Array(this.buffer as ArrayBuffer, at, length);
  }

  /** `length` doubles, not zeroed. */
  f64(length: number): Float64Array {
    const at = this.take(8 * length);
    return new Float64Array(this.buffer as ArrayBuffer, at, length);
  }

  /** The offset of the next `bytes` bytes in the current buffer (8-aligned), after a new buffer if it is full. */
  private take(bytes: number): number {
    if (this.buffer === undefined) throw new Error("ScratchArena: an array taken outside begin() and end()");
    const size = Math.ceil(bytes / 8) * 8;
    this.taken += size;
    if (this.used + size > this.buffer.byteLength) {
      // The rest of this run from a new buffer at least as large as the whole run so far; the arrays
      // already taken keep the old one alive. The next run gets one buffer for all (see end()).
      const grown = Math.max(size, this.taken, 2 * this.buffer.byteLength);
      this.buffer = new ArrayBuffer(grown);
      this.kept = new WeakRef(this.buffer);
      this.used = 0;
      this.fresh += grown;
    }
    const at = this.used;
    this.used += size;
    return at;
  }
}
