/**
 * A fixed set of positions, each free or full, with "first free position at or after p" in O(log n):
 * the borrowing walk over a pool's existing blocks (reference §5.8) without visiting full blocks.
 */
export class FreePositionTree {
  private readonly leaves: number;
  private readonly tree: Int32Array;

  constructor(free: readonly boolean[]) {
    let leaves = 1;
    while (leaves < free.length) leaves <<= 1;
    this.leaves = leaves;
    this.tree = new Int32Array(2 * leaves);
    for (let i = 0; i < free.length; i++) this.tree[leaves + i] = free[i] ? 1 : 0;
    for (let i = leaves - 1; i >= 1; i--) this.tree[i] = this.tree[2 * i] + this.tree[2 * i + 1];
  }

  /** Marks a position free or full. */
  set(position: number, free: boolean): void {
    let k = this.leaves + position;
    this.tree[k] = free ? 1 : 0;
    for (k >>= 1; k >= 1; k >>= 1) this.tree[k] = this.tree[2 * k] + this.tree[2 * k + 1];
  }

  /** The first free position at or after `from`, or -1. */
  firstFreeFrom(from: number): number {
    return this.find(1, 0, this.leaves, from);
  }

  private find(node: number, lo: number, hi: number, from: number): number {
    if (hi <= from || this.tree[node] === 0) return -1;
    if (hi - lo === 1) return lo;
    const mid = (lo + hi) >>> 1;
    const left = this.find(2 * node, lo, mid, from);
    return left >= 0 ? left : this.find(2 * node + 1, mid, hi, from);
  }
}
