/**
 * Deterministic pod placement: each replica goes to the eligible node with the fewest pods, ties to the
 * first node in natural name order; a node with `maxPods` pods is full.
 *
 * Placed one by one that rule fills the nodes level by level: every node with the fewest pods (L) that
 * has room gets one pod, in node order, then every node with L + 1, and so on. {@link placeReplicas}
 * places the replicas that way in O(eligible × log eligible + replicas), with no per-pod heap work.
 */

/** What placement needs to know of a node; `pods` is updated. */
export interface PlacementSlot {
  pods: number;
  readonly maxPods: number;
}

/**
 * Places `replicas` pods on the eligible nodes (indices into `slots`, ascending = natural name order).
 * Writes the node index of each replica into `out` (-1 when no eligible node has room) and returns the
 * number placed. Each replica goes where the one-by-one rule (fewest pods, then lowest index) puts it.
 */
export function placeReplicas(slots: PlacementSlot[], eligible: readonly number[], replicas: number, out: Int32Array): number {
  // Nodes with room, by pods then index (the order they join the levels).
  const waiting = eligible.filter((i) => slots[i].pods < slots[i].maxPods).sort((a, b) => slots[a].pods - slots[b].pods || a - b);
  let next = 0;
  // The nodes of the current level (pods === level, room left), index order.
  let level = 0;
  let active: number[] = [];
  let r = 0;
  while (r < replicas) {
    if (active.length === 0) {
      if (next === waiting.length) break;
      level = slots[waiting[next]].pods;
    }
    // Nodes that had `level` pods from the start join the ones raised to it, in index order.
    let joining = next;
    while (joining < waiting.length && slots[waiting[joining]].pods === level) joining++;
    if (joining > next) {
      active = mergeAscending(active, waiting, next, joining);
      next = joining;
    }
    const raised: number[] = [];
    for (const node of active) {
      if (r === replicas) break;
      out[r++] = node;
      const slot = slots[node];
      slot.pods++;
      if (slot.pods < slot.maxPods) raised.push(node);
    }
    active = raised;
    level++;
  }
  out.fill(-1, r, replicas);
  return r;
}

/** The ascending union of `a` and `b[from, to)` (both ascending, disjoint). */
function mergeAscending(a: readonly number[], b: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  let i = 0;
  let j = from;
  while (i < a.length && j < to) out.push(a[i] < b[j] ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < to) out.push(b[j++]);
  return out;
}
