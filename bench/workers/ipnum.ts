/**
 * The peer "ip-num used directly": the same algorithms as ours (a buddy free list for carving, a
 * sorted sweep for overlaps), with ip-num's value types and methods doing the IP work: parsing,
 * comparisons, splitting, containment. ip-num has no range-to-CIDRs function, so the decomposition of
 * free runs computes bigint positions and builds ip-num ranges from them.
 */
import { IPv4, IPv4CidrRange, IPv4Prefix, IPv6, IPv6CidrRange, IPv6Prefix } from "ip-num";
import { formatAddress } from "../../src/ip";
import type { CarveWorkload, OverlapWorkload } from "../workloads";
import { args, byCodeUnit, carveLines, readWorkload, report, timeRuns } from "./common";

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

function carve(w: CarveWorkload, requests: CarveWorkload["requests"]): Map<string, Range> {
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

function overlaps(ranges: Range[]): Array<[number, number]> {
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
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

/** ip-num's answer to a carve workload, as the canonical lines every side's digest is taken of. */
export function ipnumCarveLines(w: CarveWorkload): string[] {
  return carveLines([...carve(w, w.requests).entries()].map(([name, r]) => [name, `${formatAddress(w.family, r.getFirst().getValue())}/${prefixOf(r)}`] as const));
}

/** ip-num's answer to an overlap workload: "i j" lines. */
export function ipnumOverlapLines(w: OverlapWorkload): string[] {
  return overlaps(w.cidrs.map((t) => parse(t.includes(":") ? 6 : 4, t))).map(([i, j]) => `${i} ${j}`);
}

if (require.main === module) {
  const { file, warmup, runs } = args();
  const workload = readWorkload(file);
  if (workload.kind === "carve") {
    const { times, last } = timeRuns(warmup, runs, () => carve(workload, workload.requests));
    report(times, carveLines([...last.entries()].map(([name, r]) => [name, `${formatAddress(workload.family, r.getFirst().getValue())}/${prefixOf(r)}`] as const)), last.size);
  } else {
    const ranges = workload.cidrs.map((t) => parse(t.includes(":") ? 6 : 4, t));
    const { times, last } = timeRuns(warmup, runs, () => overlaps(ranges));
    report(times, last.map(([i, j]) => `${i} ${j}`), last.length);
  }
}
