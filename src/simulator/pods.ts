/**
 * The live pods of one workload during a timeline, oldest first, kept as columns (a pod is a position
 * `k`): its serial (the pod is `<workload>-<serial>`), its node, and per family the block and ordinal of
 * its address, or the failure of its CNI ADD. A timeline creates and deletes a million pods: typed
 * arrays of node and block numbers give the garbage collector no object per pod to copy or mark.
 *
 * Where an address's identity matters — a run from an initial state (the stored owner of each restored
 * address) or one that keeps its end state (the sequence number of each allocation) — the columns also
 * keep each address's {@link Grant} object; otherwise {@link PodColumns.grant} makes one when asked.
 */
import type { BlockState } from "./ipam-block";
import type { Failure, Grant, IpamState, NodeState } from "./state";

export class PodColumns {
  /** Pods held. */
  length = 0;
  private serials: Int32Array;
  /** Node index ({@link IpamState.nodes}). */
  private nodes: Int32Array;
  /** Per family, the block number ({@link IpamState.blocks}), -1 for no address, and the ordinal. */
  private block4: Int32Array;
  private ordinal4: Int32Array;
  private block6: Int32Array;
  private ordinal6: Int32Array;
  /** Failures by position, made on the first one (most pods have none). */
  private failures: Array<Failure | undefined> | undefined;
  /** Each address's grant object, when grants keep their identity. */
  private grants4: Array<Grant | undefined> | undefined;
  private grants6: Array<Grant | undefined> | undefined;

  /**
   * @param keepGrants keep each address's {@link Grant} object (its identity is a key elsewhere)
   * @param capacity pods expected (the columns grow past it)
   */
  constructor(
    private readonly ipam: IpamState,
    readonly keepGrants: boolean,
    capacity = 16,
  ) {
    const n = Math.max(16, capacity);
    this.serials = new Int32Array(n);
    this.nodes = new Int32Array(n);
    this.block4 = new Int32Array(n);
    this.ordinal4 = new Int32Array(n);
    this.block6 = new Int32Array(n);
    this.ordinal6 = new Int32Array(n);
    if (keepGrants) {
      this.grants4 = [];
      this.grants6 = [];
    }
  }

  /** Empty columns of the same kind, for about `capacity` pods. */
  empty(capacity = 16): PodColumns {
    return new PodColumns(this.ipam, this.keepGrants, capacity);
  }

  serial(k: number): number {
    return this.serials[k];
  }

  node(k: number): NodeState {
    return this.ipam.nodes[this.nodes[k]];
  }

  /** The block of pod `k`'s address of the family, or undefined when it holds none. */
  block(k: number, family: 4 | 6): BlockState | undefined {
    const b = family === 4 ? this.block4[k] : this.block6[k];
    return b < 0 ? undefined : this.ipam.blocks[b];
  }

  /** The ordinal of pod `k`'s address of the family in {@link block}. */
  ordinal(k: number, family: 4 | 6): number {
    return family === 4 ? this.ordinal4[k] : this.ordinal6[k];
  }

  failure(k: number): Failure | undefined {
    return this.failures?.[k];
  }

  /** Appends a pod; returns its position. */
  push(serial: number, node: NodeState, v4: Grant | undefined, v6: Grant | undefined, failure: Failure | undefined): number {
    const k = this.grow();
    this.serials[k] = serial;
    this.nodes[k] = node.index;
    this.set(k, v4, v6, failure);
    return k;
  }

  /** Appends pod `k` of `from` (columns of the same kind). */
  pushFrom(from: PodColumns, k: number): void {
    const to = this.grow();
    this.serials[to] = from.serials[k];
    this.nodes[to] = from.nodes[k];
    this.block4[to] = from.block4[k];
    this.ordinal4[to] = from.ordinal4[k];
    this.block6[to] = from.block6[k];
    this.ordinal6[to] = from.ordinal6[k];
    const failure = from.failures?.[k];
    if (failure) (this.failures ??= [])[to] = failure;
    else if (this.failures) this.failures[to] = undefined;
    if (this.grants4 && this.grants6) {
      this.grants4[to] = from.grants4?.[k];
      this.grants6[to] = from.grants6?.[k];
    }
  }

  /** Sets what pod `k` holds after a CNI ADD. */
  set(k: number, v4: Grant | undefined, v6: Grant | undefined, failure: Failure | undefined): void {
    this.block4[k] = v4 ? v4.block.id : -1;
    this.ordinal4[k] = v4 ? v4.ordinal : 0;
    this.block6[k] = v6 ? v6.block.id : -1;
    this.ordinal6[k] = v6 ? v6.ordinal : 0;
    if (failure) (this.failures ??= [])[k] = failure;
    else if (this.failures) this.failures[k] = undefined;
    if (this.grants4 && this.grants6) {
      this.grants4[k] = v4;
      this.grants6[k] = v6;
    }
  }

  /** The grant of pod `k`'s address of the family: the kept object, or a new one; undefined when it holds none. */
  grant(k: number, family: 4 | 6): Grant | undefined {
    const kept = family === 4 ? this.grants4 : this.grants6;
    if (kept) return kept[k];
    const block = this.block(k, family);
    return block ? { block, ordinal: this.ordinal(k, family), node: this.node(k) } : undefined;
  }

  /** Keeps the first `n` pods. */
  truncate(n: number): void {
    this.length = n;
    for (const list of [this.failures, this.grants4, this.grants6]) if (list && list.length > n) list.length = n;
  }

  /** Removes the first `n` pods and returns them, as columns of the same kind. */
  takeFront(n: number): PodColumns {
    const front = this.empty(n);
    for (let k = 0; k < n; k++) front.pushFrom(this, k);
    const rest = this.empty(this.length - n);
    for (let k = n; k < this.length; k++) rest.pushFrom(this, k);
    this.adopt(rest);
    return front;
  }

  /** Takes over the columns of `other`. */
  private adopt(other: PodColumns): void {
    this.length = other.length;
    this.serials = other.serials;
    this.nodes = other.nodes;
    this.block4 = other.block4;
    this.ordinal4 = other.ordinal4;
    this.block6 = other.block6;
    this.ordinal6 = other.ordinal6;
    this.failures = other.failures;
    this.grants4 = other.grants4;
    this.grants6 = other.grants6;
  }

  /** Makes room for one more pod; returns its position. */
  private grow(): number {
    const k = this.length++;
    if (k === this.serials.length) {
      const widen = (a: Int32Array) => {
        const b = new Int32Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.serials = widen(this.serials);
      this.nodes = widen(this.nodes);
      this.block4 = widen(this.block4);
      this.ordinal4 = widen(this.ordinal4);
      this.block6 = widen(this.block6);
      this.ordinal6 = widen(this.ordinal6);
    }
    return k;
  }
}
