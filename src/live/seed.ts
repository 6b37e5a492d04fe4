/**
 * Plan from reality: a live cluster's dump as the state the harness starts from
 * ({@link SimulationInput.initialState}), so "what happens when we add 20 nodes" or "is this pool safe
 * to disable" is answered from the cluster as it is.
 */
import path from "path";
import type { IpamSnapshot, SnapshotAllocation, SnapshotBlock } from "../simulator/snapshot";
import type { NodeDeclaration } from "../simulator/topology";
import { Finding, error } from "../validation/finding";
import { describeSource } from "./private/findings";
import { readDumpFiles } from "./read";
import type { ClusterDump, LiveBlock } from "./model";

/** Options of {@link snapshotFromDump}. */
export interface SnapshotFromDumpOptions {
  /**
   * When the dump was taken (RFC 3339): block claim times are read as seconds before it, for Calico's
   * 60 s reclaim rule and the garbage collector's grace periods.
   * @default - the latest `affinityClaimTime` of the dump's blocks
   */
  readonly takenAt?: string;
}

/**
 * The IPAM state of a dump as the simulator's initial state: every block not marked deleted, with its
 * ordinal allocations (handles and owner attributes as stored), `unallocated` in its stored (FIFO)
 * order, affinity and affinity state (`BlockAffinity.spec.state`), sequence numbers, and claim time;
 * blocks in claim order (`affinityClaimTime`, then sequence number). The cluster's nodes are the dump's
 * `Node` objects (labels as read), or, when it has none, the nodes its blocks are affine to. With pods
 * in the dump, an address of a pod that is not there (or has finished) is a leaked one, which the
 * garbage collector releases after its grace period; so is an address of a node not in the dump.
 */
export function snapshotFromDump(dump: ClusterDump, options: SnapshotFromDumpOptions = {}): IpamSnapshot {
  const claimMs = (b: LiveBlock): number | undefined => {
    const t = b.affinityClaimTime === null ? NaN : Date.parse(b.affinityClaimTime);
    return Number.isFinite(t) ? t : undefined;
  };
  const blocks = dump.blocks.filter((b) => !b.deleted);
  let takenAt = options.takenAt !== undefined ? Date.parse(options.takenAt) : NaN;
  if (options.takenAt !== undefined && !Number.isFinite(takenAt)) throw new Error(`takenAt ${JSON.stringify(options.takenAt)} is not an RFC 3339 time such as 2026-01-01T00:00:00Z`);
  if (!Number.isFinite(takenAt)) {
    // The latest claim time, by a loop: a dump may hold more blocks than a call takes arguments.
    takenAt = 0;
    for (const b of blocks) takenAt = Math.max(takenAt, claimMs(b) ?? 0);
  }
  const affinityState = new Map<string, string>();
  for (const a of dump.affinities) if (!a.deleted && a.cidr) affinityState.set(`${a.node}\u0000${a.cidr.toString()}`, a.state);
  const livePods = dump.pods ? new Set(dump.pods.filter((p) => !p.finished).map((p) => `${p.namespace}/${p.name}`)) : null;

  const ordered = blocks
    .map((b) => ({ b, t: claimMs(b), seq: BigInt(b.exactSequenceNumbers?.sequenceNumber ?? sequenceText(b.sequenceNumber)) }))
    .sort((x, y) => (x.t ?? 0) - (y.t ?? 0) || (x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0) || (x.b.name < y.b.name ? -1 : x.b.name > y.b.name ? 1 : 0));
  const out: SnapshotBlock[] = ordered.map(({ b, t }) => {
    const allocations: SnapshotAllocation[] = [];
    for (let o = 0; o < b.allocations.length; o++) {
      const idx = b.allocations[o];
      if (idx < 0) continue;
      const attr = b.attributes[idx];
      const sec = attr.secondary;
      const seq = b.exactSequenceNumbers?.forAllocation[String(o)] ?? b.sequenceNumberForAllocation[String(o)];
      const leaked = livePods !== null && sec.pod !== undefined && !livePods.has(`${sec.namespace ?? ""}/${sec.pod}`);
      allocations.push({
        ordinal: o,
        handle: attr.handle,
        attributes: sec,
        ...(seq !== undefined ? { sequenceNumber: sequenceText(seq) } : {}),
        ...(leaked ? { leakedSince: 0 } : {}),
      });
    }
    const state = b.host !== null ? affinityState.get(`${b.host}\u0000${b.cidr.toString()}`) : undefined;
    return {
      cidr: b.cidr.toString(),
      host: b.host,
      ...(state === "pendingDeletion" ? { affinityState: "pendingDeletion" as const } : {}),
      unallocated: b.unallocated,
      allocations,
      sequenceNumber: b.exactSequenceNumbers?.sequenceNumber ?? sequenceText(b.sequenceNumber),
      ...(t !== undefined ? { claimTime: Math.round((t - takenAt) / 1000) } : {}),
      source: `${describeSource(b.source)} (IPAMBlock/${b.name})`,
    };
  });

  let nodes: NodeDeclaration[];
  if (dump.nodes) {
    nodes = dump.nodes.map((n) => ({ name: n.name, labels: { ...n.labels }, os: n.labels["kubernetes.io/os"] === "windows" ? ("windows" as const) : ("linux" as const) }));
  } else {
    const hosts = new Set<string>();
    for (const b of blocks) if (b.host !== null) hosts.add(b.host);
    for (const a of dump.affinities) if (!a.deleted && a.type !== "virtual") hosts.add(a.node);
    nodes = [...hosts].sort().map((name) => ({ name }));
  }
  return { time: 0, nodes, blocks: out };
}

/** A sequence number as exact decimal text (numbers past 2^53 as read). */
function sequenceText(value: number | bigint | string): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

/** Dump files the harness starts from (the `initialState` of a spec file's `harness` section or of the constructs' harness). */
export interface HarnessInitialState {
  /**
   * Dump files: `kubectl get … -o yaml|json` of Calico's IPAM objects, plus nodes and optionally pods
   * (docs/inspect.md lists the commands). Relative paths resolve against the spec file's directory
   * (or, in the constructs, the working directory).
   */
  readonly dumps: readonly string[];
  /** When the dump was taken (RFC 3339). @default - the latest `affinityClaimTime` in the dump */
  readonly takenAt?: string;
}

/** An initial state read from dump files, with the dump's error-level problems as harness findings. */
export interface LoadedInitialState {
  readonly snapshot: IpamSnapshot;
  readonly findings: readonly Finding[];
  /** The files read, as resolved. */
  readonly files: readonly string[];
}

/**
 * Reads the dump files of a harness's `initialState` (relative to `baseDir`) and makes the simulator's
 * initial state of them. Problems of the dump that make it unsafe to start from (schema violations,
 * broken blocks, conflicting duplicates, cut lists) become `INITIAL_STATE_INVALID` errors naming the
 * object; an unreadable file throws the reader's error.
 */
export function loadInitialState(initial: HarnessInitialState, baseDir = "."): LoadedInitialState {
  const files = initial.dumps.map((f) => path.resolve(baseDir, f));
  const dump = readDumpFiles(files);
  const findings = dump.findings
    .filter((f) => f.severity === "error")
    .map((f) => error("INITIAL_STATE_INVALID", `harness.initialState ${f.subject}${f.path ? ` ${f.path}` : ""}`, `${f.code}: ${f.message}`));
  return { snapshot: snapshotFromDump(dump, { takenAt: initial.takenAt }), findings, files };
}
