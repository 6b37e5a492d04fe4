/**
 * The peer "ip-num used directly": the same algorithms as ours (a buddy free list for carving, a
 * sorted sweep for overlaps), with ip-num's value types and methods doing the IP work: parsing,
 * comparisons, splitting, containment. ip-num has no range-to-CIDRs function, so the decomposition of
 * free runs computes bigint positions and builds ip-num ranges from them.
 */
import { IPv4, IPv4CidrRange, IPv4Prefix, IPv6, IPv6CidrRange, IPv6Prefix } from "ip-num";
import { formatAddress } from "../../src/ip";
import type { CarveWorkload, OverlapWorkload } from "../workloads";
import { args, byCodeUnit, digest, peakRssMb, report, timeRuns } from "./common";

type Range = IPv4CidrRange | IPv6CidrRange;

const parse = (family: 4 | 6, text: string): Range => (family === 4 ? IPv4CidrRange.fromCidr(text) : IPv6CidrRange.fromCidr(text));
const make = (family: 4 | 6, network: bigint, prefix: number): Range =>
  family === 4
    ? new IPv4CidrRange(IPv4.fromNumber(network), IPv4Prefix.fromNumber(BigInt(prefix)))
    : new IPv6CidrRange(IPv6.fromBigInt(network), IPv6Prefix.fromNumber(BigInt(prefix)));
const prefixOf = (r: Range) => Number(r.getPrefix().getValue());
const less = (a: Range, b: Range) => a.getFirst().isLessThan(b.getFirst() as never);

function push(heap: Range[], value: Range): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(value, heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function pop(heap: Range[]): Range {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && less(heap[r], heap[l]) ? r : l;
      if (!less(heap[c], last)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

function carve(w: CarveWorkload, requests: CarveWorkload["requests"], phases: { setup: number }): Map<string, Range> {
  const start = performance.now();
  const bits = w.family === 4 ? 32 : 128;
  const space = parse(w.family, w.space);
  const used = w.reservations
    .map((t) => parse(w.family, t))
    .filter((r) => r.isOverlapping(space as never))
    .sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : prefixOf(a) - prefixOf(b)));
  const heaps: Range[][] = Array.from({ length: bits + 1 }, () => []);
  const addRun = (first: bigint, last: bigint) => {
    let cursor = first;
    while (cursor <= last) {
      let host = 0;
      while (host < bits && (cursor & ((1n << BigInt(host + 1)) - 1n)) === 0n && cursor + (1n << BigInt(host + 1)) - 1n <= last) host++;
      heaps[bits - host].push(make(w.family, cursor, bits - host));
      cursor += 1n << BigInt(host);
    }
  };
  let cursor = space.getFirst().getValue();
  const end = space.getLast().getValue();
  for (const r of used) {
    const first = r.getFirst().getValue();
    const last = r.getLast().getValue();
    if (last < cursor) continue;
    if (first > cursor) addRun(cursor, first - 1n);
    cursor = last + 1n;
  }
  if (cursor <= end) addRun(cursor, end);
  phases.setup = performance.now() - start;

  const spacePrefix = prefixOf(space);
  const result = new Map<string, Range>();
  const order = [...requests].sort((a, b) => a.prefix - b.prefix || byCodeUnit(a.name, b.name));
  for (const req of order) {
    for (let q = req.prefix; q >= spacePrefix; q--) {
      if (heaps[q].length === 0) continue;
      let block = pop(heaps[q]);
      while (prefixOf(block) < req.prefix) {
        const [low, high] = block.split() as Range[];
        push(heaps[prefixOf(high)], high);
        block = low;
      }
      result.set(req.name, block);
      break;
    }
  }
  return result;
}

function overlaps(w: OverlapWorkload, ranges: Range[]): Array<[number, number]> {
  const order = ranges.map((_, i) => i);
  const family = (r: Range) => (r instanceof IPv4CidrRange ? 4 : 6);
  order.sort((a, b) => {
    const x = ranges[a];
    const y = ranges[b];
    if (family(x) !== family(y)) return family(x) - family(y);
    if (less(x, y)) return -1;
    if (less(y, x)) return 1;
    return prefixOf(x) - prefixOf(y) || a - b;
  });
  const pairs: Array<[number, number]> = [];
  const stack: number[] = [];
  for (const i of order) {
    const c = ranges[i];
    while (stack.length > 0) {
      const top = ranges[stack[stack.length - 1]];
      if (family(top) === family(c) && top.isOverlapping(c as never)) break;
      stack.pop();
    }
    for (const j of stack) pairs.push(i < j ? [i, j] : [j, i]);
    stack.push(i);
  }
  void w;
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

const { workload, mode, warmup, runs, fraction } = args();
if (mode === "noop") {
  report({ times: [], rssMb: peakRssMb(), digest: "", count: 0 });
} else if (workload.kind === "carve") {
  const requests = workload.requests.slice(0, Math.ceil(workload.requests.length * fraction));
  const setups: number[] = [];
  const { times, last } = timeRuns(warmup, runs, () => {
    const phases = { setup: 0 };
    const r = carve(workload, requests, phases);
    setups.push(phases.setup);
    return r;
  });
  const lines = [...last.entries()]
    .sort((a, b) => byCodeUnit(a[0], b[0]))
    .map(([name, r]) => `${name} ${formatAddress(workload.family, r.getFirst().getValue())}/${prefixOf(r)}`);
  const setup = setups.slice(warmup).sort((a, b) => a - b)[Math.floor((setups.length - warmup) / 2)];
  report({ times, rssMb: peakRssMb(), digest: digest(lines), count: last.size, extra: { setup } });
} else {
  const texts = workload.cidrs.slice(0, Math.ceil(workload.cidrs.length * fraction));
  const ranges = texts.map((t) => parse(t.includes(":") ? 6 : 4, t));
  const { times, last } = timeRuns(warmup, runs, () => overlaps(workload, ranges));
  report({ times, rssMb: peakRssMb(), digest: digest(last.map(([i, j]) => `${i} ${j}`)), count: last.length });
}
