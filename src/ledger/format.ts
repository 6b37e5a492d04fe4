/**
 * The ledger: the committed record of every pool range the carver has handed out, so that a pool
 * keeps its CIDR on every run, on every machine, whatever order the pools are declared in. Calico's
 * `cidr` and `blockSize` are immutable, and a pool moved under running pods leaves duplicate or
 * orphaned addresses, so the carver treats the ledger as the truth and code as a request. It also
 * records the fixed pod addresses of workloads, so that an address picked from a pool stays the same,
 * and in host-local IPAM mode the pod CIDRs of every node, so that a node keeps its range.
 *
 * File format: `calico-ipam.lock.json`, committed next to the code. Format version 1:
 *
 * ```json
 * {
 *   "addresses": {
 *     "kube-system/coredns/ipv4": {
 *       "address": "10.32.4.10",
 *       "pool": "payments"
 *     }
 *   },
 *   "nodeCidrs": {
 *     "rack-a-01": ["10.244.0.0/24", "fd00:10:244::/64"]
 *   },
 *   "pools": {
 *     "payments": {
 *       "blockSize": 26,
 *       "cidr": "10.32.4.0/22",
 *       "family": 4,
 *       "status": "active"
 *     }
 *   },
 *   "version": 1
 * }
 * ```
 *
 * - `version` (required): the format version, 1.
 * - `pools` (required): one entry per pool name (a Calico object name).
 *   - `family`: 4 or 6;
 *   - `cidr`: the pool's range in canonical form (masked, lower case, compressed IPv6);
 *   - `blockSize`: the pool's block size (20–32 for IPv4, 116–128 for IPv6), never shorter than the prefix;
 *   - `status`: `"active"` while the pool is declared in code; `"draining"` once it is removed from
 *     code. A draining pool is still emitted, with `disabled: true` (in operator mode with
 *     `nodeSelector: "!all()"`), so that pods that hold its addresses keep them while they are moved,
 *     and its range stays reserved, until the user says the pool is drained (`calico-ipam ledger
 *     release`, or the `release` prop), which deletes the entry: only then is the object deleted.
 *     `"retired"`, written by versions before the lifecycle, is read as `"draining"` (and written back
 *     as `"draining"`). `"adopted"`: a live cluster's pool recorded by `calico-ipam ledger adopt`; its
 *     range is held (never carved into) but the pool is not emitted, because it is not managed by
 *     code: neither created, disabled nor deleted. Declaring a pool of that name in code makes it
 *     `"active"` with its recorded range. No two entries, whatever their status, share an address.
 *   - `spec` (optional; written for every pool planned with a ledger): the pool's IPPool spec as last
 *     emitted, without `cidr`, `blockSize` and `disabled` (`allowedUses`, `assignmentMode`,
 *     `disableBGPExport`, `ipipMode`, `namespaceSelector`, `natOutgoing`, `nodeSelector`, `vxlanMode`),
 *     so that a draining pool is emitted with its encapsulation, NAT and selectors unchanged: dropping
 *     them would reset them to Calico's defaults under the pods that still use the pool. An entry
 *     without `spec` (written before it existed) drains with Calico's defaults. It is a record, not a
 *     reservation: a ledger diff and frozen mode do not compare it.
 * - `addresses` (optional; absent means none, and writers omit it when empty): the fixed pod
 *   addresses of workloads (Calico's `ipAddrs`), kept so that an address picked from a pool never
 *   changes. One entry per key
 *   `<namespace>/<workload>/ipv4` or `<namespace>/<workload>/ipv6` (the namespace a DNS-1123 label,
 *   the workload a DNS-1123 subdomain):
 *   - `address`: one address of the key's family, in canonical text (dotted decimal; compressed
 *     lower-case IPv6), never a CIDR;
 *   - `pool`: the name of the pool it lies in (a Calico object name). The ledger does not
 *     require that pool to be in `pools`: the plan checks the address against the live pools.
 *   No two entries share an address.
 * - `nodeCidrs` (optional; absent means none, and writers omit it when empty): host-local IPAM mode's
 *   record of each node's pod CIDRs (`Node.spec.podCIDRs`, as kube-controller-manager hands them out),
 *   kept so that a node keeps its range on every run. One entry per node name (a Kubernetes node name:
 *   a DNS-1123 subdomain of at most 253 characters), a list of 1 or 2 CIDRs in canonical text, at most
 *   one per IP family, the IPv4 CIDR first when there are both. No two nodes' CIDRs share an address.
 *   The ledger does not relate them to `pools`: the host-local plan checks them against the cluster CIDRs.
 *
 * - `clusters` (optional; absent means none, and writers omit it when empty): the ledger of a fleet of
 *   clusters that share one address plan, a section per cluster keyed by its stable cluster name (a
 *   DNS-1123 label, not a construct path, so that refactoring the app moves nothing). Each section has
 *   the cluster's `pools` (required), `addresses` and `nodeCidrs` (optional), with the rules above;
 *   a section has no `version` and no `clusters`. The top-level `pools` of a fleet ledger is `{}`
 *   unless a single-cluster ledger is being migrated. Ranges of two clusters may overlap in the file
 *   (two isolated clusters reuse space): the fleet plan, which knows which clusters route to each
 *   other, checks them, and refuses an overlap of two clusters that are not isolated, naming both.
 *
 *   ```json
 *   { "clusters": { "east": { "pools": { "pods": { "blockSize": 26, "cidr": "10.32.0.0/16", "family": 4, "status": "active" } } } },
 *     "pools": {}, "version": 1 }
 *   ```
 *
 *   A section may also have `status` (optional; absent means the cluster is in code): `"retired"` once
 *   a fleet plan found the cluster no longer in code. Its section is kept, every pool draining, its ranges
 *   reserved, until the section is released (`calico-ipam ledger release --cluster NAME`, or the
 *   address plan's `releaseClusters`); a cluster declared again in code is active again.
 *
 * - `subSpaces` (optional; absent means none, and writers omit it when empty): the sub-spaces of a
 *   fleet's address plan, carved out of the fleet's address spaces like pools (a /14 per region, a /16
 *   per cluster) and kept where they are on every run; the pools of the clusters given a sub-space are
 *   carved inside it. One entry per sub-space name (a Calico object name): `family` (4 or 6), `cidr`
 *   (canonical) and `status` (`"active"` while declared in code, `"draining"` once removed from code:
 *   its range stays reserved until it is released). No two sub-spaces share an address.
 *
 *   ```json
 *   { "clusters": {}, "pools": {}, "subSpaces": { "eu-west-v4": { "cidr": "10.32.0.0/14", "family": 4, "status": "active" } }, "version": 1 }
 *   ```
 *
 * - `drawnRanges` (optional; absent means none, and writers omit it when empty; in a fleet ledger it is
 *   in a cluster's section): the Service CIDRs and node networks a cluster of a fleet draws from the
 *   fleet's address plan (instead of declaring them), carved like pools and kept where they are on
 *   every run. One entry per key `<kind>-ipv4` or `<kind>-ipv6` (kind `service` or `node`, at most one
 *   per kind and family, as Kubernetes' `--service-cluster-ip-range` takes one range per family):
 *   `cidr` (canonical), `family` (4 or 6, the key's), `kind` (the key's) and, optionally, `status`:
 *   absent while the cluster asks for the range, `"draining"` once it no longer does (the range stays
 *   reserved until it is released, as Services or nodes may still hold its addresses; asked for again,
 *   it is active again with its recorded range). No two drawn ranges of a ledger share an address; a
 *   drawn range shares none with the ledger's pools.
 *
 *   ```json
 *   { "clusters": { "east": { "drawnRanges": { "service-ipv4": { "cidr": "10.96.0.0/16", "family": 4, "kind": "service" } }, "pools": {} } },
 *     "pools": {}, "version": 1 }
 *   ```
 *
 * Compatibility rules, so that sections can be added later (`addresses` was the first, `nodeCidrs` the
 * second, `clusters` the third, `subSpaces` the fourth, then `migrations` and `drawnRanges`):
 * - A new section is a new optional top-level key, and the version stays 1: readers treat an absent
 *   section as empty, so every file written before stays valid and unchanged.
 * - A reader refuses keys it does not know instead of skipping them: an older tool that skipped a
 *   newer section would drop it on its next write. The error says to upgrade.
 * - `version` changes only when an existing field changes meaning; a reader refuses newer versions.
 * - Writers sort keys at every level (code-unit order) and indent by two spaces, so two runs on the
 *   same input write identical bytes and a review diff shows exactly the pools, addresses and nodes that
 *   changed. (Lists, such as a node's CIDRs, keep their order, which the format fixes.)
 * - `migrations` (optional; absent means none, and writers omit it when empty): the phase each declared
 *   pool migration has reached, by migration name; the format is documented in `./migrations.ts`.
 * - An empty optional section is not written, so a ledger without fixed addresses or node CIDRs has the
 *   same bytes as one written before those sections existed.
 */
import type { IpFamily } from "../ip";
import type { LedgerMigration } from "./migrations";

/** The ledger format version this library reads and writes. */
export const LEDGER_FORMAT_VERSION = 1;

/** The conventional ledger file name, committed next to the cdktf app. */
export const DEFAULT_LEDGER_FILE = "calico-ipam.lock.json";

/**
 * `active` while the pool is declared in code; `draining` once removed from code (emitted disabled),
 * until it is released. Ledgers written before the lifecycle say `retired`, read as `draining`.
 * `adopted` for a live pool recorded by `calico-ipam ledger adopt`: its range is held, the pool is not
 * emitted (code does not manage it) until a pool of that name is declared, which makes it `active`.
 */
export type LedgerStatus = "active" | "draining" | "adopted";

/** The status word of ledgers written before the pool lifecycle, read as `draining`. */
export const LEGACY_DRAINING_STATUS = "retired";

/**
 * The IPPool spec fields a ledger entry records (see `spec` in the format), so that a pool removed
 * from code drains with them unchanged.
 */
export interface LedgerPoolSpec {
  readonly allowedUses?: readonly string[];
  readonly assignmentMode?: string;
  readonly disableBGPExport?: boolean;
  readonly ipipMode?: string;
  readonly namespaceSelector?: string;
  readonly natOutgoing?: boolean;
  readonly nodeSelector?: string;
  readonly vxlanMode?: string;
}

/** @internal The keys of a recorded spec, with the type of each value. */
export const SPEC_KEYS: Readonly<Record<keyof LedgerPoolSpec, "string" | "boolean" | "strings">> = {
  allowedUses: "strings",
  assignmentMode: "string",
  disableBGPExport: "boolean",
  ipipMode: "string",
  namespaceSelector: "string",
  natOutgoing: "boolean",
  nodeSelector: "string",
  vxlanMode: "string",
};

/** The recorded range of one pool. */
export interface LedgerEntry {
  /** The IP family of the pool. */
  readonly family: IpFamily;
  /** The pool's CIDR, canonical text, e.g. `"10.32.4.0/22"`. Never changes while the entry exists. */
  readonly cidr: string;
  /** The pool's block size. Never changes while the entry exists. */
  readonly blockSize: number;
  /** Whether the pool is declared in code (`active`) or was removed and drains until released (`draining`). */
  readonly status: LedgerStatus;
  /** The pool's spec as last emitted, for draining it unchanged; absent in entries written before it existed. */
  readonly spec?: LedgerPoolSpec;
}

/** The recorded fixed address of one workload and family: picked once from a pool, then kept. */
export interface LedgerAddress {
  /** The address, canonical text, e.g. `"10.64.0.10"` or `"fd00::a"`. Never a CIDR. */
  readonly address: string;
  /** The name of the pool the address was picked from. */
  readonly pool: string;
}

/** The whole ledger, as read from and written to the ledger file (see the format at the top of this file). */
export interface Ledger {
  /** The format version: always {@link LEDGER_FORMAT_VERSION}. */
  readonly version: 1;
  /** Recorded pools by pool name. */
  readonly pools: Readonly<Record<string, LedgerEntry>>;
  /**
   * Recorded fixed pod addresses by key `<namespace>/<workload>/ipv4` or `.../ipv6`. Absent and empty
   * mean the same; the ledgers this module returns leave the key out when there is none.
   */
  readonly addresses?: Readonly<Record<string, LedgerAddress>>;
  /**
   * Recorded pod CIDRs of nodes (host-local IPAM mode) by node name: 1 or 2 canonical CIDRs, at most
   * one per family, in the order of the node's spec.podCIDRs (the cluster CIDRs' order; IPv6 first on an IPv6-primary cluster), e.g. `{"rack-a-01": ["10.244.0.0/24", "fd00:10:244::/64"]}`. Absent
   * and empty mean the same; the ledgers this module returns leave the key out when there is none.
   */
  readonly nodeCidrs?: Readonly<Record<string, readonly string[]>>;
  /**
   * A fleet ledger's sections, one per cluster by stable cluster name. Absent and empty mean the same;
   * the ledgers this module returns leave the key out when there is none.
   */
  readonly clusters?: Readonly<Record<string, LedgerClusterSection>>;
  /**
   * The phase each declared pool migration has reached, by migration name (see `./migrations`). Absent
   * and empty mean the same; the ledgers this module returns leave the key out when there is none.
   */
  readonly migrations?: Readonly<Record<string, LedgerMigration>>;
  /**
   * A fleet ledger's sub-spaces by name: ranges carved out of the fleet's address spaces for some of
   * its clusters. Absent and empty mean the same; the ledgers this module returns leave the key out
   * when there is none.
   */
  readonly subSpaces?: Readonly<Record<string, LedgerSubSpace>>;
  /**
   * The Service CIDRs and node networks a cluster of a fleet draws from the fleet's address plan, by
   * key `service-ipv4`, `service-ipv6`, `node-ipv4` or `node-ipv6`. Absent and empty mean the same;
   * the ledgers this module returns leave the key out when there is none.
   */
  readonly drawnRanges?: Readonly<Record<string, LedgerDrawnRange>>;
}

/** The kinds of range a cluster may draw from its fleet's address plan besides pools. */
export type DrawnRangeKind = "service" | "node";

/** The recorded range a cluster drew from its fleet's address plan: a Service CIDR or a node network. */
export interface LedgerDrawnRange {
  /** `service` (a Service CIDR, for `--service-cluster-ip-range`) or `node` (a node network). */
  readonly kind: DrawnRangeKind;
  /** The IP family of the range. */
  readonly family: IpFamily;
  /** The range, canonical text, e.g. `"10.96.0.0/16"`. Never changes while the entry exists. */
  readonly cidr: string;
  /**
   * `draining` once the cluster no longer asks for it: the range stays reserved (kept clear of every
   * carve) until it is released (`calico-ipam ledger release --cluster NAME <key>`), as Services or
   * nodes may still hold its addresses. Asked for again, it is active again with its recorded range.
   * @default - absent: active (asked for by the cluster)
   */
  readonly status?: "draining";
}

/** The key of a drawn range in a ledger: `service-ipv4`, `node-ipv6`. */
export function drawnRangeKey(kind: DrawnRangeKind, family: IpFamily): string {
  return `${kind}-ipv${family}`;
}

/** The recorded range of one sub-space of a fleet's address plan. */
export interface LedgerSubSpace {
  /** The IP family of the sub-space. */
  readonly family: IpFamily;
  /** The sub-space's range, canonical text, e.g. `"10.32.0.0/14"`. Never changes while the entry exists. */
  readonly cidr: string;
  /** `active` while declared in code; `draining` once removed from code, its range reserved until released. */
  readonly status: "active" | "draining";
}

/** One cluster's section of a fleet ledger: what a single-cluster ledger holds at the top level. */
export interface LedgerClusterSection {
  /** Recorded pools of the cluster by pool name. */
  readonly pools: Readonly<Record<string, LedgerEntry>>;
  /** Recorded fixed pod addresses of the cluster, as {@link Ledger.addresses}. */
  readonly addresses?: Readonly<Record<string, LedgerAddress>>;
  /** Recorded pod CIDRs of the cluster's nodes, as {@link Ledger.nodeCidrs}. */
  readonly nodeCidrs?: Readonly<Record<string, readonly string[]>>;
  /** The Service CIDRs and node networks the cluster drew from the fleet's plan, as {@link Ledger.drawnRanges}. */
  readonly drawnRanges?: Readonly<Record<string, LedgerDrawnRange>>;
  /**
   * `retired` once a fleet plan found the cluster no longer in code: the section is kept, every pool
   * draining, until it is released. Absent while the cluster is in code.
   */
  readonly status?: "retired";
}

/** @internal The top-level keys of format version 1; a reader refuses any other. */
export const TOP_KEYS = ["addresses", "clusters", "drawnRanges", "migrations", "nodeCidrs", "pools", "subSpaces", "version"];
/** @internal The keys of a sub-space entry. */
export const SUB_SPACE_KEYS = ["cidr", "family", "status"];
/** @internal The keys of a cluster's section of a fleet ledger. */
export const SECTION_KEYS = ["addresses", "drawnRanges", "nodeCidrs", "pools", "status"];
/** @internal The required keys of a drawn range entry. */
export const DRAWN_RANGE_KEYS = ["cidr", "family", "kind"];
/** @internal The optional keys of a drawn range entry. */
export const OPTIONAL_DRAWN_RANGE_KEYS = ["status"];
/** @internal The required keys of a pool entry. */
export const ENTRY_KEYS = ["blockSize", "cidr", "family", "status"];
/** @internal The optional keys of a pool entry. */
export const OPTIONAL_ENTRY_KEYS = ["spec"];
/** @internal The keys of a fixed-address entry. */
export const ADDRESS_KEYS = ["address", "pool"];
/** @internal A DNS-1123 label: the namespace of a fixed-address key. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** @internal The longest DNS-1123 label. */
export const DNS1123_LABEL_MAX = 63;
/** @internal Calico's block sizes by family, inclusive. */
export const BLOCK_SIZE_RANGE = { 4: [20, 32], 6: [116, 128] } as const;
