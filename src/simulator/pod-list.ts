/**
 * The pod list of a one-shot run ({@link SimulationResult.pods}): kept as columns while the run
 * allocates, and made into {@link PodAllocation} objects when the result's `pods` is first read.
 *
 * Why: the list is most of what a one-shot run makes. For 150,000 pods it held 39 MB (an object of 12
 * fields and three strings per pod: name, IPv4 and IPv6 text), all of it made during the allocation loop
 * and alive to its end, so the young-generation collections of the run copied it and then promoted it
 * into fresh old-generation pages (a fresh page costs 10–30 µs on the benchmark's host): about 40% of
 * `simulateAllocation`'s CPU time. The columns take 33 bytes a pod in typed arrays, outside the
 * JavaScript heap. A caller that reads `pods` gets the same objects in the same order, made in one loop
 * on the first read (the cost moves there); one that does not (a report of usage and findings) never
 * pays for them. (The benchmark's simulator cases read the list in the timed run: their input asks for it.)
 *
 * A pod is recorded with what the list shows of it at that moment: its node, per family the block and
 * ordinal of its address and whether the block was another node's (borrowed), or its failure. The text
 * of an address and the name of its pool come from the block, which a one-shot run never changes once
 * an address is handed out (a block's network and pool are fixed; `IpamState.blocks` only grows).
 */
import type { PodAllocation, SimulationFindingCode } from "./result";
import type { Grant, IpamState, NodeState } from "./state";
import type { WorkloadDeclaration } from "./topology";

const V4_BORROWED = 1;
const V6_BORROWED = 2;

/** Pods of a one-shot run, recorded in list order. */
export class PodList {
  /** Pods recorded. */
  length = 0;
  /** The workloads of the pods, in the order first recorded; `workload[k]` indexes it. */
  private readonly decls: WorkloadDeclaration[] = [];
  private workload: Int32Array;
  /** The pod's serial (its name is `<workload>-<serial>`), or -1 when `names[k]` holds its name. */
  private serial: Float64Array;
  private names: Array<string | undefined> | undefined;
  /** Node index ({@link IpamState.nodes}), -1 for an unscheduled pod. */
  private node: Int32Array;
  /** Per family: the block number ({@link IpamState.blocks}), -1 for no address, and the ordinal. */
  private block4: Int32Array;
  private ordinal4: Int32Array;
  private block6: Int32Array;
  private ordinal6: Int32Array;
  private borrowed: Uint8Array;
  /** Failures by position, made on the first one. */
  private errors: Array<{ readonly message: string | null; readonly code: SimulationFindingCode | null } | undefined> | undefined;

  /** @param capacity pods expected (the columns grow past it) */
  constructor(capacity = 16) {
    const n = Math.max(16, capacity);
    this.workload = new Int32Array(n);
    this.serial = new Float64Array(n);
    this.node = new Int32Array(n);
    this.block4 = new Int32Array(n);
    this.ordinal4 = new Int32Array(n);
    this.block6 = new Int32Array(n);
    this.ordinal6 = new Int32Array(n);
    this.borrowed = new Uint8Array(n);
  }

  /**
   * Records a pod: `name` its serial (named `<workload>-<serial>`) or its whole name; `node` null when
   * unscheduled; the grants of its addresses, or the failure message and code.
   */
  push(w: WorkloadDeclaration, name: string | number, node: NodeState | null, v4: Grant | undefined, v6: Grant | undefined, message: string | null, code: SimulationFindingCode | null): void {
    const k = this.grow();
    let d = this.decls.length - 1;
    if (d < 0 || this.decls[d] !== w) {
      d = this.decls.indexOf(w);
      if (d < 0) d = this.decls.push(w) - 1;
    }
    this.workload[k] = d;
    if (typeof name === "number") this.serial[k] = name;
    else {
      this.serial[k] = -1;
      (this.names ??= [])[k] = name;
    }
    this.node[k] = node ? node.index : -1;
    this.block4[k] = v4 ? v4.block.id : -1;
    this.ordinal4[k] = v4 ? v4.ordinal : 0;
    this.block6[k] = v6 ? v6.block.id : -1;
    this.ordinal6[k] = v6 ? v6.ordinal : 0;
    this.borrowed[k] = (v4 && v4.block.owner !== v4.node.index ? V4_BORROWED : 0) | (v6 && v6.block.owner !== v6.node.index ? V6_BORROWED : 0);
    // Each position is written once (pods are only appended): no slot to clear.
    if (message !== null || code !== null) (this.errors ??= [])[k] = { message, code };
  }

  /** The pods as the result lists them, in the order recorded. */
  toPods(ipam: IpamState): PodAllocation[] {
    const pods: PodAllocation[] = [];
    for (let k = 0; k < this.length; k++) pods.push(this.pod(ipam, k));
    return pods;
  }

  private pod(ipam: IpamState, k: number): PodAllocation {
    const w = this.decls[this.workload[k]];
    const serial = this.serial[k];
    const n = this.node[k];
    const b4 = this.block4[k];
    const b6 = this.block6[k];
    const block4 = b4 < 0 ? undefined : ipam.blocks[b4];
    const block6 = b6 < 0 ? undefined : ipam.blocks[b6];
    const error = this.errors?.[k];
    return {
      name: serial >= 0 ? `${w.name}-${serial}` : (this.names?.[k] as string),
      namespace: w.namespace,
      workload: w.name,
      node: n < 0 ? null : ipam.nodes[n].node.name,
      ipv4: block4 ? ipam.addressText(block4, this.ordinal4[k]) : null,
      ipv4Pool: block4 ? ipam.pools[block4.poolIndex].pool.name : null,
      ipv4Borrowed: (this.borrowed[k] & V4_BORROWED) !== 0,
      ipv6: block6 ? ipam.addressText(block6, this.ordinal6[k]) : null,
      ipv6Pool: block6 ? ipam.pools[block6.poolIndex].pool.name : null,
      ipv6Borrowed: (this.borrowed[k] & V6_BORROWED) !== 0,
      error: error ? error.message : null,
      errorCode: error ? error.code : null,
    };
  }

  private grow(): number {
    const k = this.length++;
    if (k === this.node.length) {
      const n = k * 2;
      const widen = <A extends Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const b = make(n);
        b.set(a);
        return b;
      };
      this.workload = widen(this.workload, (m) => new Int32Array(m));
      this.serial = widen(this.serial, (m) => new Float64Array(m));
      this.node = widen(this.node, (m) => new Int32Array(m));
      this.block4 = widen(this.block4, (m) => new Int32Array(m));
      this.ordinal4 = widen(this.ordinal4, (m) => new Int32Array(m));
      this.block6 = widen(this.block6, (m) => new Int32Array(m));
      this.ordinal6 = widen(this.ordinal6, (m) => new Int32Array(m));
      this.borrowed = widen(this.borrowed, (m) => new Uint8Array(m));
    }
    return k;
  }
}
