/**
 * Deterministic pod placement: each replica goes to the eligible node with the fewest pods, ties to the
 * first node in natural name order; a node with `maxPods` pods is full. A min-heap keyed by
 * (pods, node index) makes a workload O(eligible + replicas × log eligible).
 */

/** What placement needs to know of a node; `pods` is updated. */
export interface PlacementSlot {
  pods: number;
  readonly maxPods: number;
}

/**
 * Places `replicas` pods on the eligible nodes (indices into `slots`, ascending = natural name order).
 * Writes the node index of each replica into `out` (-1 when no eligible node has room) and returns the
 * number placed.
 */
export function placeReplicas(slots: PlacementSlot[], eligible: readonly number[], replicas: number, out: Int32Array): number {
  const heap: number[] = [];
  for (const i of eligible) if (slots[i].pods < slots[i].maxPods) heap.push(i);
  for (let k = (heap.length >>> 1) - 1; k >= 0; k--) siftDown(slots, heap, k);
  let placed = 0;
  for (let r = 0; r < replicas; r++) {
    if (heap.length === 0) {
      out[r] = -1;
      continue;
    }
    const node = heap[0];
    out[r] = node;
    placed++;
    slots[node].pods++;
    if (slots[node].pods >= slots[node].maxPods) {
      const last = heap.pop() as number;
      if (heap.length === 0) continue;
      heap[0] = last;
    }
    siftDown(slots, heap, 0);
  }
  return placed;
}

/** Heap order: fewer pods first, then lower node index (natural name order). */
function before(slots: PlacementSlot[], a: number, b: number): boolean {
  const pa = slots[a].pods;
  const pb = slots[b].pods;
  return pa < pb || (pa === pb && a < b);
}

function siftDown(slots: PlacementSlot[], heap: number[], k: number): void {
  const n = heap.length;
  for (;;) {
    const l = 2 * k + 1;
    if (l >= n) return;
    const r = l + 1;
    const m = r < n && before(slots, heap[r], heap[l]) ? r : l;
    if (!before(slots, heap[m], heap[k])) return;
    const t = heap[m];
    heap[m] = heap[k];
    heap[k] = t;
    k = m;
  }
}
