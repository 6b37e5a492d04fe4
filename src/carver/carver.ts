import { Cidr, IntervalSet, IpFamily, IpParseError, LINK_LOCAL_V4, LINK_LOCAL_V6, NEVER_FOR_PODS, SpecialRange, findOverlaps } from "../ip";
import { EntryCidrs, recordedCidr, recordedIPv4Key, recordedIPv4Keys, recordedIPv4Order, registerCheckedLedger } from "../ledger/checked";
import { EntryColumns, PoolIndex, checkedIndexedLedger, placedCidrText, poolIndex } from "../ledger/pool-index";
import { ipv6WordsInto } from "../ip/address";
import { LedgerPoolChange, diffLedgerPools } from "../ledger/diff";
import { Ledger, LedgerEntry } from "../ledger/format";
import { emptyLedger, freezeLedgerOfRecord, freezeLedgerOfSorted, poolsAlone, setOwn } from "../ledger/freeze";
import { inspectLedger } from "../ledger/inspect";
import { Finding, error, hasErrors, sortFindings, warning } from "../validation/finding";
import { describe } from "../validation/names";
import { validCidr } from "../ip/cidr";
import { AddressSpaceDeclaration, ExclusionDeclaration, ExclusionKind } from "./address-space";
import { CarveError } from "./errors";
import { FreeSpace } from "./private/free-space";
import { Ipv4Runs, Ipv4RunsBuilder, V4_SLASH16_COUNT, V4_SLASH16_SIZE, indexRunsBySlash16 } from "./private/ipv4-runs";
import { anyMarkedTouches } from "./private/kept-ranges";
import { AddedChangeObject, CarvedPoolObject } from "./private/objects";
import { LedgerEntryObject } from "../ledger/private/entry-object";
import { LazyOwnProperty } from "../ledger/private/lazy-property";
import { READER_SCRATCH } from "../ledger/private/canonical-read";
import { compareNames } from "./private/text";
import { V4_SIZES, canonicalIPv4Key, ipv4OfKey, keyPrefix } from "../ledger/private/canonical-cidr";
import { PoolRequest, RequestSize, prefixSize, requestSize } from "./request";
import { CARVE_SCRATCH, ScratchArena } from "./private/scratch";

/** Everything one carving run needs. */
export interface CarveInput {
  /** The parent ranges pools are carved from, one or more per family, tried in this order. */
  readonly spaces: readonly AddressSpaceDeclaration[];
  /**
   * Ranges no pool may overlap: service networks, node networks, reservations.
   * `NEVER_FOR_PODS` is always excluded on top of these.
   * @default - none
   */
  readonly exclusions?: readonly ExclusionDeclaration[];
  /** The pools declared in code. Their order does not change where they go. */
  readonly requests: readonly PoolRequest[];
  /**
   * The ledger of earlier runs (read with `readLedger`).
   * @default - an empty ledger (a first run)
   */
  readonly ledger?: Ledger;
  /**
   * Names of draining pools to release in this run, so that their ranges may be carved again. Only
   * pools that the input ledger already records as draining can be released; a released name that
   * code declares again is a new pool, carved afresh.
   * @default - none
   */
  readonly release?: readonly string[];
}

/** Where one pool lies, and why. */
export interface CarvedPool {
  /** The pool name. */
  readonly name: string;
  /** The IP family. */
  readonly family: IpFamily;
  /** The pool's range. */
  readonly cidr: Cidr;
  /** The pool's block size, as requested. */
  readonly blockSize: number;
  /**
   * Where the range came from: `ledger` (recorded by an earlier run and kept exactly, pinned or not),
   * `pinned` (written by hand in code, first recorded now), `carved` (chosen now from free space).
   */
  readonly source: "ledger" | "pinned" | "carved";
  /**
   * Why this range: the size reasoning of {@link requestPrefix}, then e.g. "kept from the ledger" or
   * "best fit in space pods-v4 (10.32.0.0/12)".
   */
  readonly explanation: string;
}

/** The outcome of a carving run. */
export interface CarveResult {
  /** The pools, in request order; a request that failed has no entry. */
  readonly pools: readonly CarvedPool[];
  /**
   * The ledger after this run, for `writeLedgerIfChanged`. When there is any error finding, this is
   * the input ledger unchanged, so nothing half-done is ever persisted. A first run's ledger is kept as
   * columns: its `pools` record and entries are made when first read (`serializeLedger` needs neither),
   * as for a ledger read with `parseLedger`.
   */
  readonly ledger: Ledger;
  /**
   * What this run changes in the ledger, sorted by pool name; empty when there is any error finding. A
   * first run's (every entry added) are made when first read, each `after` the ledger's own entry.
   */
  readonly changes: readonly LedgerPoolChange[];
  /**
   * Problems, sorted by path. Paths: `spaces[0].cidr`, `exclusions[2].cidr`, `pools.payments` (by pool
   * name; `pools[3]` for a request without a usable name), `release[0]`, `ledger.pools.payments.cidr`.
   *
   * Error codes: `CARVE_REQUEST_INVALID`, `CARVE_DUPLICATE_POOL`, `CARVE_SPACE_INVALID`,
   * `CARVE_SPACES_OVERLAP`, `CARVE_EXCLUSION_INVALID`, `CARVE_UNKNOWN_SPACE`,
   * `CARVE_SPACE_FAMILY_MISMATCH`, `CARVE_PINNED_OUTSIDE_SPACE`, `CARVE_NO_ADDRESS_SPACE`,
   * `CARVE_EXHAUSTED`, `CARVE_POOL_OVERLAPS_EXCLUSION`, `CARVE_POOL_OVERLAPS_SPECIAL_RANGE`,
   * `CARVE_POOL_OVERLAPS_POOL`, `CARVE_POOL_OVERLAPS_RETIRED`, `CARVE_LEDGER_FAMILY_CHANGED`,
   * `CARVE_LEDGER_BLOCK_SIZE_CHANGED`, `CARVE_LEDGER_CIDR_CHANGED`, `CARVE_LEDGER_POOL_GROWN`,
   * `CARVE_LEDGER_SPACE_CHANGED`, `CARVE_RELEASE_UNKNOWN`, `CARVE_RELEASE_ACTIVE`, `CARVE_LEDGER_INVALID`.
   * Warning codes: `CARVE_SPACE_OVERLAPS_SPECIAL_RANGE`, `CARVE_RESERVATION_WITHOUT_REASON`,
   * `CARVE_POOL_OUTSIDE_SPACES`.
   */
  readonly findings: readonly Finding[];
}

const MIGRATE_POOLS = "https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools";
const CHANGE_BLOCK_SIZE = "https://docs.tigera.io/calico/latest/networking/ipam/change-block-size";
/** How many free ranges an exhaustion message lists. */
const LARGEST_FREE_SHOWN = 3;
/** How many overlap findings one pool gets at most. */
const OVERLAPS_SHOWN = 5;

interface Space {
  readonly index: number;
  readonly name: string;
  readonly cidr: Cidr;
  /** "pods-v4 (10.32.0.0/12)", as every message and explanation names it. */
  readonly label: string;
  /** "inside space pods-v4 (10.32.0.0/12)", made once for the explanations of the pools it holds. */
  readonly inside: string;
  free?: FreeSpace;
  /** The explanation of a pool carved here, by its size explanation: many pools share a size. */
  readonly bestFit: Map<string, string>;
  /**
   * The last size explanation looked up in {@link bestFit}, and its explanation: new pools are carved
   * largest first, so most follow one of the same size (one comparison instead of a lookup per pool).
   */
  lastSize: string | undefined;
  lastBestFit: string;
  /** The explanation of an active recorded pool kept here, by its size explanation, as {@link bestFit}. */
  readonly keptHere: Map<string, string>;
  /** An IPv4 space's first and last address as doubles (exact), for recorded ranges read as keys; -1 for IPv6. */
  readonly first: number;
  readonly last: number;
}

/**
 * A usable exclusion, made from the run's {@link Exclusions} columns where ranges are compared with
 * messages in mind ({@link checkFixedRanges}). A class, not an object literal: such a run makes one per
 * reservation, and a literal's allocation site made V8 throw away the maker's optimized code when it
 * changed its pretenuring decision (see {@link CarvedPoolObject}).
 */
class Exclusion {
  private parsed: Cidr | undefined;

  constructor(
    readonly index: number,
    /**
     * The range as network × 64 + prefix when given as canonical IPv4 text (read in place, no `Cidr`:
     * most runs only need the numbers, `Cidr` and bigint were 72 of the ~130 bytes an exclusion cost); -1
     * for any other range, then given parsed.
     */
    readonly key: number,
    parsed: Cidr | undefined,
    readonly kind: ExclusionKind,
    /** The reason given, when not empty. */
    readonly reason: string | undefined,
  ) {
    this.parsed = parsed;
  }

  /** The range: given, or made from {@link key} when first read (the same `Cidr` as `Cidr.parse` of its text). */
  get cidr(): Cidr {
    return (this.parsed ??= ipv4OfKey(this.key));
  }

  /** The range's family, without making its `Cidr`. */
  get family(): IpFamily {
    return this.key >= 0 ? 4 : this.parsed!.family;
  }
}

/** The kinds of exclusion by their code in {@link Exclusions}. */
const EXCLUSION_KINDS: readonly ExclusionKind[] = ["service", "node", "reserved"];

/**
 * The usable exclusions of a run, as columns taken from the run's scratch (see `ScratchArena`): most runs
 * read only each range's numbers (building the free space, a re-run's check of its recorded ranges), and
 * an {@link Exclusion} object each (64 bytes, and 16 for its boxed key) was about 90 KB of fresh memory
 * per run for 1,000 reservations. The objects are made only where a run compares ranges with messages
 * in mind ({@link checkFixedRanges}).
 */
class Exclusions {
  constructor(
    /** How many. */
    readonly length: number,
    /** Each one's index in the declarations. */
    private readonly indexes: Int32Array,
    /** Each one's range as network × 64 + prefix when given as canonical IPv4 text (see {@link Exclusion.key}); -1 otherwise. */
    private readonly keys: Float64Array,
    /** Each one's kind, by its index in {@link EXCLUSION_KINDS}. */
    private readonly kinds: Uint8Array,
    /** Each one's reason, when not empty. */
    private readonly reasons: ReadonlyArray<string | undefined>,
    /** Each one's range when not given as canonical IPv4 text (made at the first such), parsed. */
    private readonly parsed: ReadonlyArray<Cidr | undefined> | undefined,
  ) {}

  /** The range of exclusion `k` as network × 64 + prefix (canonical IPv4 text), or -1. */
  key(k: number): number {
    return this.keys[k];
  }

  /** The family of exclusion `k`, without making its `Cidr`. */
  family(k: number): IpFamily {
    return this.keys[k] >= 0 ? 4 : this.parsed![k]!.family;
  }

  /** The range of exclusion `k`: parsed, or made from its key (the same `Cidr` as `Cidr.parse` of its text). */
  cidr(k: number): Cidr {
    return this.keys[k] >= 0 ? ipv4OfKey(this.keys[k]) : this.parsed![k]!;
  }

  /** Exclusion `k` as an object, for comparisons that may end in a message. */
  exclusion(k: number): Exclusion {
    return new Exclusion(this.indexes[k], this.keys[k], this.keys[k] >= 0 ? undefined : this.parsed![k], EXCLUSION_KINDS[this.kinds[k]], this.reasons[k]);
  }
}

/** Where a placed request's range came from, by its code in {@link Items.source} (0: not placed yet). */
const SOURCES: ReadonlyArray<CarvedPool["source"] | undefined> = [undefined, "ledger", "pinned", "carved"];
const LEDGER = 1;
const PINNED = 2;
const CARVED = 3;
/** {@link Items.state}: an item, a failed item (0: no item, a request without a usable size or a later duplicate). */
const LIVE = 1;
const FAILED = 2;

/**
 * The requests on their way through the run, as columns indexed by request index: no object per
 * request (an object of a dozen fields per request was about a sixth of what a run allocated, and lived
 * as long as the run). Name, family, block size come from the request, prefix and size explanation from
 * its {@link RequestSize}, the recorded entry from the ledger's {@link PoolIndex} by position.
 */
class Items {
  /** 0 (no item), {@link LIVE} or {@link FAILED}. */
  readonly state: Uint8Array;
  /** Where the range came from: 0 (not placed yet), {@link LEDGER}, {@link PINNED} or {@link CARVED}. */
  readonly source: Uint8Array;
  /** The position of the request's recorded pool in the ledger's {@link PoolIndex} (-1: not a kept recorded pool). */
  readonly position: Int32Array;
  /**
   * Each item's family (4 or 6), copied from its request when it becomes an item: new pools are carved
   * in size order, and reading the family from 10,000 request objects in that order missed the cache.
   */
  readonly families: Uint8Array;
  /**
   * The range of each placed recorded or pinned request, taken at the first (a first run places none)
   * from the run's scratch lists (read by request index only: the list may be longer); a carved
   * request's range is its pool's ({@link carved}).
   */
  fixed: Array<Cidr | undefined> | undefined;
  /** Why the range, for each placed recorded or pinned request; taken at the first explained, as {@link fixed}. */
  explanations: Array<string | undefined> | undefined;
  /**
   * The pool of each carved request, made when it is carved (with its range and explanation, nothing
   * left to add), by request index; the list is made at the first carved pool. When every request is
   * carved (a first run), it is the result's `pools` as it is: no list of ranges and one of
   * explanations per request beside a list of pools (80 KB each per 10,000 pools).
   */
  carved: Array<CarvedPool | undefined> | undefined;
  /** How many requests are carved. */
  carvedCount: number;
  /** The pinned CIDR of each request, made at the first pinned request (most runs pin none). */
  pinned: Array<Cidr | undefined> | undefined;
  /** The address space each request names, once known usable; made at the first such request (most name none). */
  spaces: Array<Space | undefined> | undefined;
  /**
   * The network of each carved IPv6 pool as four 32-bit words at 4 × its request index, as its free list
   * handed it out (see `FreeSpace.wordsOfLast`), for its text without a bigint operation (see
   * `placedCidrText`), made when the text is first asked for; made at the first carved IPv6 pool.
   */
  words: Int32Array | undefined;

  constructor(
    readonly requests: readonly PoolRequest[],
    readonly sizes: ReadonlyArray<RequestSize | CarveError>,
    readonly recorded: PoolIndex,
    /** The recorded IPv4 ranges as the ledger's reader read them, by position (see {@link recordedIPv4Keys}), if it did. */
    readonly recordedKeys: Float64Array | undefined,
    /** Where the run's typed arrays that nothing returned holds come from (the columns above among them). */
    readonly scratch: ScratchArena,
    /**
     * Whether the requests with a size come in name order (the usual case): then so do the placed ones,
     * and {@link placedInNameOrder} needs no second walk over 10,000 names.
     */
    readonly namesAscend: boolean,
  ) {
    const n = requests.length;
    this.state = scratch.u8(n).fill(0);
    this.source = scratch.u8(n).fill(0);
    this.position = scratch.i32(n).fill(-1);
    this.families = scratch.u8(n).fill(0);
    this.fixed = undefined;
    this.explanations = undefined;
    this.carved = undefined;
    this.carvedCount = 0;
    this.pinned = undefined;
    this.spaces = undefined;
    this.words = undefined;
  }

  get length(): number {
    return this.state.length;
  }

  name(i: number): string {
    return this.requests[i].name;
  }

  /** The family of item i (an item: a request with a size, not a later duplicate). */
  family(i: number): IpFamily {
    return this.families[i] as IpFamily;
  }

  /** The prefix length the request needs (an item's size is a {@link RequestSize}). */
  prefix(i: number): number {
    return (this.sizes[i] as RequestSize).prefix;
  }

  sizeExplanation(i: number): string {
    return (this.sizes[i] as RequestSize).explanation;
  }

  pinnedOf(i: number): Cidr | undefined {
    return this.pinned === undefined ? undefined : this.pinned[i];
  }

  spaceOf(i: number): Space | undefined {
    return this.spaces === undefined ? undefined : this.spaces[i];
  }

  /** The placed range of request i: recorded, pinned or carved; `undefined` when not placed (yet). */
  cidrOf(i: number): Cidr | undefined {
    if (this.fixed !== undefined) {
      const cidr = this.fixed[i];
      if (cidr !== undefined) return cidr;
    }
    if (this.carved !== undefined) {
      const pool = this.carved[i];
      if (pool !== undefined) return pool.cidr;
    }
    return undefined;
  }

  /** Places request i at its recorded ({@link LEDGER}) or pinned ({@link PINNED}) range. */
  fix(i: number, cidr: Cidr, source: number): void {
    (this.fixed ??= this.scratch.list<Cidr | undefined>(this.length))[i] = cidr;
    this.source[i] = source;
  }

  /** Why the placed range of request i (`undefined` until a fixed range is explained). */
  explanationOf(i: number): string | undefined {
    if (this.carved !== undefined) {
      const pool = this.carved[i];
      if (pool !== undefined) return pool.explanation;
    }
    return this.explanations === undefined ? undefined : this.explanations[i];
  }

  /** Records why the fixed range of request i. */
  explain(i: number, explanation: string): void {
    (this.explanations ??= this.scratch.list<string | undefined>(this.length))[i] = explanation;
  }

  /** Records the pool carved for request i. */
  carve(i: number, pool: CarvedPool): void {
    (this.carved ??= new Array<CarvedPool | undefined>(this.length).fill(undefined))[i] = pool;
    this.source[i] = CARVED;
    this.carvedCount++;
  }

  /** The canonical text of the placed range of item i. */
  text(i: number): string {
    return placedCidrText(this.cidrOf(i)!, this.source[i] === CARVED ? this.words : undefined, i);
  }

  /** The recorded entry of the request's pool, when it is a kept recorded pool. */
  entry(i: number): LedgerEntry | undefined {
    const k = this.position[i];
    return k < 0 ? undefined : this.recorded.entries[k];
  }

  /**
   * The recorded IPv4 range of the request's kept recorded pool as network × 64 + prefix, as the
   * ledger's reader read it; -1 when not read so (an IPv6 range, a ledger not read from its text) or
   * not a kept recorded pool.
   */
  recordedKey(i: number): number {
    const k = this.position[i];
    return k >= 0 && this.recordedKeys !== undefined ? this.recordedKeys[k] : -1;
  }

  /** Whether the request's pool is a kept recorded pool that the ledger records as active (read from the index's columns: no entry made). */
  recordedActive(i: number): boolean {
    const k = this.position[i];
    return k >= 0 && this.recorded.active(k);
  }

  sourceOf(i: number): CarvedPool["source"] | undefined {
    return SOURCES[this.source[i]];
  }

  /** Whether request i is an item that has not failed. */
  live(i: number): boolean {
    return this.state[i] === LIVE;
  }

  /** Whether request i's pool is in the result: placed, with its source and explanation. */
  placed(i: number): boolean {
    return this.state[i] === LIVE && this.cidrOf(i) !== undefined && this.source[i] !== 0 && this.explanationOf(i) !== undefined;
  }
}

/**
 * Places every requested pool: a pool recorded in the ledger keeps exactly its range, a pinned pool
 * gets its CIDR after checks, and every other pool gets the best fit in free space. Pure: reads and
 * writes no file; the caller persists `result.ledger` with `writeLedgerIfChanged`.
 *
 * Rules:
 * - Deterministic: the same input gives the same result, whatever the order of `requests`. New pools
 *   are placed largest first, then by name; each takes the smallest free aligned block that holds it,
 *   the lowest address on ties, in the first address space of its family (declaration order) that has one.
 * - Never moves a recorded range. A pool that asks for more room than it has, another block size,
 *   another pinned CIDR, another family or another address space is an error with the migration to follow.
 * - A pool in the ledger but not requested becomes `draining` (emitted disabled); its range is not handed out again until
 *   it is released (`release`), because pods may still hold its addresses. Requested again, it is
 *   reactivated with its old range.
 * - No pool overlaps another, a recorded range, an exclusion or `NEVER_FOR_PODS`.
 * - Cost: O((p + e) log(p + e) + p × bits × log p) for p pools and e exclusions; nothing is enumerated
 *   per address or per block, so IPv6 costs the same as IPv4.
 *
 * With any error finding, `ledger` is the input ledger and `changes` is empty; `pools` still lists
 * the requests that could be placed, for reports.
 */
export function carve(input: CarveInput): CarveResult {
  // The run's scratch arrays come from one buffer the next run reuses: see ScratchArena. A ledger read
  // from its text keeps its columns in the reader's arena until the next read (see `ArenaStamp`): the run
  // holds that arena, so that no read during the run (from an input's getter, say) overwrites them.
  const scratch = CARVE_SCRATCH.begin();
  READER_SCRATCH.hold();
  try {
    return carveWith(input, scratch);
  } finally {
    READER_SCRATCH.release();
    scratch.end();
  }
}

/** {@link carve}, its typed arrays that no result holds taken from `scratch`. */
function carveWith(input: CarveInput, scratch: ScratchArena): CarveResult {
  // Each step is a function of its own, with the loop it runs: V8 compiles (and, when a path first
  // taken later invalidates it, recompiles) each one on its own, small and fast, instead of one large
  // function with every loop in it, whose optimized compile took over 100 ms of CPU per attempt. A step's
  // function ends with its hot loop (the lists are cut to length here): V8 compiles a loop that runs long
  // on the first call while it runs (on-stack replacement), before the code after the loop has ever run,
  // and such code would leave the compiled loop at every later call until the whole function is compiled.
  const findings: Finding[] = [];
  const ledgerIn = input.ledger ?? emptyLedger();
  const inspected = inspectLedger(ledgerIn);
  if (inspected.problems.length > 0) return invalidLedgerResult(ledgerIn, inspected.problems);
  // The recorded pools by position: each requested name is looked up once, and a run that keeps every
  // pool never reads the ledger's record (a ledger read from its text makes it only when read).
  const recorded = poolIndex(inspected.ledger);
  const recordedCidrs = inspected.cidrs;

  const spaces = resolveSpaces(input.spaces ?? [], findings);
  const exclusions = resolveExclusions(input.exclusions ?? [], findings, scratch);

  // 1. Releases: only pools that an earlier run already put to draining (removed from code, deployed disabled).
  const released = resolveReleases(input, recorded, findings);
  const kept = new KeptPools(recorded, released, scratch);

  // 2. Requests: size, space, and what the ledger says. Sizes first, then the requests with a size in
  // name order (stable: a name's first request first), which finds duplicate names without a lookup
  // per request and is the order new pools are placed in; then each request, in request order.
  const requests = input.requests ?? [];
  // The second and every later run of the same plan, as it usually comes: every request names the
  // recorded pool at its own position, as it is recorded. One loop checks and places them all (see
  // KEPT_AS_RECORDED); any other run takes the steps below, from here.
  if (requests.length > 0 && requests.length === recorded.size && released.size === 0 && findings.length === 0 && ledgerIn === inspected.ledger) {
    const pools = KEPT_AS_RECORDED.run(requests, recorded, recordedCidrs, spaces, exclusions, scratch);
    if (pools !== undefined) return { pools, ledger: ledgerIn, changes: [], findings: sortFindings(findings) };
  }
  const sizes = scratch.list<RequestSize | CarveError>(requests.length);
  const named = scratch.i32(requests.length);
  const withSize = named.subarray(0, requestSizes(requests, sizes, named));
  const ascending = namesAscend(withSize, requests);
  const byNameOrder = ascending ? withSize : withSize.sort((a, b) => compareNames(requests[a].name, requests[b].name) || a - b);
  const items = new Items(requests, sizes, recorded, recordedIPv4Keys(recordedCidrs), scratch, ascending);
  // Lists a step's loop fills are made here, not in the step: see firstsOfNames.
  const firstOfName = scratch.i32(requests.length).fill(-1);
  firstsOfNames(byNameOrder, requests, firstOfName);
  const positions = scratch.i32(requests.length).fill(-1);
  if (recorded.size > 0) keptPositions(byNameOrder, requests, kept, positions);
  resolveRequests(items, requests, sizes, firstOfName, positions, spaces, kept, recordedCidrs, findings);

  // 3. Fixed ranges (recorded and pinned) against exclusions, special ranges and each other.
  checkFixedRanges(items, exclusions, kept, recordedCidrs, findings);

  // 4. New pools: largest first, then by name. Free lists are built for the longest prefix any
  // request of the family asks for; a family without a new pool needs none.
  const finest = { 4: -1, 6: -1 };
  const newList = scratch.i32(byNameOrder.length);
  const prefixCounts = scratch.i32(130).fill(0);
  const newCount = newPools(byNameOrder, items, finest, newList, prefixCounts);
  const toCarve = largestFirst(newList.subarray(0, newCount), prefixCounts, items, scratch.i32(newCount));

  // 5. Free space: each address space minus everything used, then the new pools.
  for (const family of [4, 6] as const) {
    if (finest[family] >= 0) buildFreeSpace(family, finest[family], spaces, exclusions, kept, recordedCidrs, items);
  }
  const spacesOfFamily = { 4: spaces.filter((s) => s.cidr.family === 4), 6: spaces.filter((s) => s.cidr.family === 6) };
  carveAll(toCarve, items, spacesOfFamily, kept, findings);

  // 6. Explanations of fixed ranges, now that spaces are known.
  explainFixedRanges(items, spaces, findings);

  // 7. The result.
  const pools = resultPools(items);
  const sortedFindings = sortFindings(findings);
  if (hasErrors(sortedFindings)) return { pools, ledger: ledgerIn, changes: [], findings: sortedFindings };

  // A run that keeps every recorded entry as it is (the second and every later run of the same plan)
  // returns the checked input ledger itself, and no change: building the same ledger again and
  // diffing it against itself is most of the cost of such a run.
  if (keepsLedger(ledgerIn === inspected.ledger && released.size === 0, kept, items, recorded.size)) {
    return { pools, ledger: ledgerIn, changes: [], findings: sortedFindings };
  }
  // A first run (the usual case: no recorded pool, requests in name order) returns its ledger as
  // columns, and its changes made when first read: see indexedFirstLedger.
  const first = recorded.size === 0 ? indexedFirstLedger(inspected.ledger, items, pools) : undefined;
  if (first !== undefined) return resultOfIndexedLedger(pools, first.ledger, first.index, sortedFindings);
  const { ledger, changes } = ledgerAfter(ledgerIn, inspected.ledger, recorded.size, kept, items);
  return { pools, ledger, changes, findings: sortedFindings };
}

/**
 * @internal The run that keeps every recorded pool as it is recorded, when it is one: the pools, or
 * `undefined` when anything in the run differs from that (then the general steps run from the start, and
 * give every finding). Given as many requests as the ledger has pools, no release and no finding so
 * far, it holds when the ledger's reader read its IPv4
 * ranges as numbers in address order (a ledger read from its canonical text) and each request names the
 * recorded pool at its own position (`PoolIndex.firstOtherName`), with its family (IPv4), block size, and exactly its recorded prefix
 * length; pins no CIDR and names no address space; the pool is active, inside a declared address space,
 * and touches no exclusion or special range. Such a run is what {@link carve}'s general steps give for it:
 * each pool `source: "ledger"` at its recorded range with the explanation `explainFixed` writes, the
 * input ledger itself, no change, no finding (`test/carver/rerun.property.test.ts` compares the two).
 *
 * The general steps pair requests with recorded names, check each against its entry, list ranges and
 * explanations per request, check the ranges, explain them and make the pools, each a loop of its own;
 * here one loop does it all ({@link keepEveryPool}), then one walk checks the ranges against the barriers.
 * A method of an object, so that a test can see that a run took it.
 */
export const KEPT_AS_RECORDED = {
  run(
    requests: readonly PoolRequest[],
    recorded: PoolIndex,
    recordedCidrs: ReadonlyMap<string, Cidr>,
    spaces: readonly Space[],
    exclusions: Exclusions,
    scratch: ScratchArena,
  ): CarvedPool[] | undefined {
    const keys = recordedIPv4Keys(recordedCidrs);
    const order = recordedIPv4Order(recordedCidrs);
    if (keys === undefined || order === undefined || order.length !== requests.length || !recorded.hasColumns() || !recorded.namesAscending()) return undefined;
    // The names first: each request's is then a valid name (the reader checked the recorded one), and
    // the requests' names are unique and in order, as the recorded ones are.
    if (recorded.firstOtherName(requests) !== requests.length) return undefined;
    const pools = new Array<CarvedPool>(requests.length);
    if (!keepEveryPool(requests, recorded, keys, spaces, pools)) return undefined;
    // Every range is marked: each is checked against the barriers, in one walk beside them.
    const marked = scratch.u8(requests.length).fill(1);
    if (anyMarkedTouches(order, keys, marked, barrierRunsBuilder(exclusions, 0, scratch).runs())) return undefined;
    return pools;
  },
};

/**
 * The pools of {@link KEPT_AS_RECORDED} into `pools`, by request (and recorded position) `k`; false at the
 * first request that is not its recorded pool as it is recorded. The loop alone: see {@link firstsOfNames}.
 */
function keepEveryPool(requests: readonly PoolRequest[], recorded: PoolIndex, keys: Float64Array, spaces: readonly Space[], pools: CarvedPool[]): boolean {
  // The last explanation made, and what it was made for: most pools in a row share both.
  let lastSpace: Space | undefined;
  let lastSize: string | undefined;
  let lastExplanation = "";
  for (let k = 0; k < requests.length; k++) {
    const request = requests[k];
    const key = keys[k];
    // An IPv4 range read as its key, active, with the request's block size (so a number in Calico's range).
    if (key < 0 || request.family !== 4 || request.addressSpace !== undefined || recorded.blockSize(k) !== request.blockSize || !recorded.active(k)) return false;
    const prefix = keyPrefix(key);
    const size = keptSize(request, prefix);
    if (size === undefined) return false;
    const holder = spaceHoldingKey(spaces, key);
    if (holder === undefined) return false;
    if (holder !== lastSpace || size.explanation !== lastSize) {
      lastSpace = holder;
      lastSize = size.explanation;
      lastExplanation = keptHereText(holder, size.explanation);
    }
    pools[k] = new CarvedPoolObject(request.name, 4, ipv4OfKey(key), request.blockSize, "ledger", lastExplanation);
  }
  return true;
}

/**
 * The size of `request`, a request of {@link keepEveryPool} (its name that of a recorded pool, its family
 * 4, its block size the recorded one), when it needs exactly the recorded prefix length `prefix`; else
 * `undefined`. A size by prefix length that is the recorded one is valid as it is (a prefix no longer than
 * the block size: the reader checked), and is `requestSize`'s answer without its checks; any other size
 * is `requestSize`'s (an invalid one is `undefined`: the general steps report it).
 */
function keptSize(request: PoolRequest, prefix: number): RequestSize | undefined {
  const size = request.size;
  if (typeof size !== "object" || size === null || size.kind === "cidr") return undefined;
  if (size.kind === "prefix") return size.prefixLength === prefix ? prefixSize(prefix, request.blockSize) : undefined;
  let computed: RequestSize;
  try {
    computed = requestSize(request);
  } catch (e) {
    if (e instanceof CarveError) return undefined;
    throw e;
  }
  return computed.prefix === prefix ? computed : undefined;
}

/**
 * The explanation of an active recorded pool kept at a range no larger than it needs, inside space
 * `holder`, for the size explanation `sizeExplanation`: the same words for every such pool, made once
 * per size and space (`keptHere`), by {@link explainFixed} and {@link keepEveryPool} alike.
 */
function keptHereText(holder: Space, sizeExplanation: string): string {
  let text = holder.keptHere.get(sizeExplanation);
  if (text === undefined) {
    text = explanationText(sizeExplanation, KEPT_FROM_LEDGER, holder.inside);
    holder.keptHere.set(sizeExplanation, text);
  }
  return text;
}

const KEPT_FROM_LEDGER = "kept from the ledger";

/** An explanation's non-empty parts joined by "; ": the size's words, what became of the range (never empty), where it lies. */
function explanationText(sizeExplanation: string, middle: string, location: string): string {
  return (sizeExplanation === "" ? middle : `${sizeExplanation}; ${middle}`) + (location === "" ? "" : `; ${location}`);
}

/**
 * The result of a run whose ledger is the columns of {@link indexedFirstLedger}: its `changes` (every
 * entry added, in name order) are made when first read, each referring to the ledger's own entry. Neither
 * path users take to persist a run reads them: `serializeLedger` writes that ledger from its columns, and
 * `planIpam` takes its changes from its own diff.
 */
function resultOfIndexedLedger(pools: readonly CarvedPool[], ledger: Ledger, index: PoolIndex, findings: readonly Finding[]): CarveResult {
  // The keys in the order of the other results': pools, ledger, changes (an own enumerable getter), findings.
  const result = { pools, ledger } as { pools: readonly CarvedPool[]; ledger: Ledger; findings: readonly Finding[] };
  INDEXED_CHANGES.define(result, index);
  result.findings = findings;
  return result as CarveResult;
}

/** The `changes` getter of {@link resultOfIndexedLedger}'s results: one function for all (see `LazyOwnProperty`). */
const INDEXED_CHANGES = new LazyOwnProperty<PoolIndex, readonly LedgerPoolChange[]>("changes", (index) =>
  addedPools(index.names, index.entries, new Array<LedgerPoolChange>(index.size)),
);

/** The result of a run whose input ledger is invalid: no pool, the ledger as it is, its problems. */
function invalidLedgerResult(ledgerIn: Ledger, problems: ReadonlyArray<{ readonly path: string; readonly message: string }>): CarveResult {
  const ledgerFindings = problems.map((p) =>
    error(
      "CARVE_LEDGER_INVALID",
      p.path === "(top level)" ? "ledger" : `ledger.${p.path}`,
      `the ledger is invalid: ${p.message}; fix the ledger before carving`,
    ),
  );
  return { pools: [], ledger: ledgerIn, changes: [], findings: sortFindings(ledgerFindings) };
}

/** The names released in this run: only pools that an earlier run already put to draining. */
function resolveReleases(input: CarveInput, recorded: PoolIndex, findings: Finding[]): Set<string> {
  const released = new Set<string>();
  const release = input.release ?? [];
  if (release.length === 0) return released;
  const declared = new Set<string>();
  for (const r of input.requests ?? []) {
    const n = (r as { name?: unknown } | null)?.name;
    if (typeof n === "string") declared.add(n);
  }
  release.forEach((name, i) => {
    const path = `release[${i}]`;
    const entry = typeof name === "string" ? recorded.entryOf(name) : undefined;
    if (entry === undefined) {
      findings.push(
        error("CARVE_RELEASE_UNKNOWN", path, `cannot release ${typeof name === "string" ? `pool "${name}"` : describe(name)}: it is not in the ledger. Name one the ledger records as draining (\`calico-ipam ledger show\` lists them; in a fleet, drawn ranges go by key, e.g. "service-ipv4"), or drop this name from release`),
      );
    } else if (entry.status === "active" && declared.has(name)) {
      findings.push(
        error(
          "CARVE_RELEASE_ACTIVE",
          path,
          `cannot release pool "${name}" (${entry.cidr}): it is still declared in code, and pods may hold its addresses. ` +
            `Remove the pool from code first; release it in a later run, once no pod uses the range`,
        ),
      );
    } else if (entry.status === "active") {
      findings.push(
        error(
          "CARVE_RELEASE_ACTIVE",
          path,
          `cannot release pool "${name}" (${entry.cidr}) yet: it only starts draining in this run, and pods may still hold its addresses. ` +
            `Deploy it disabled, move its pods, wait until no pod uses the range (calicoctl ipam show --show-blocks), then release it`,
        ),
      );
    } else {
      // Draining since an earlier run. If code declares the name again, it is a new pool from here on.
      released.add(name);
    }
  });
  return released;
}

/**
 * The size of each request into `sizes` (a {@link CarveError} for a request without a usable size), and
 * the indices of the requests with a size, ascending, into `named`; returns how many there are.
 */
function requestSizes(requests: readonly PoolRequest[], sizes: Array<RequestSize | CarveError>, named: Int32Array): number {
  let count = 0;
  for (let index = 0; index < requests.length; index++) {
    try {
      sizes[index] = requestSize(requests[index]);
      named[count++] = index;
    } catch (e) {
      if (!(e instanceof CarveError)) throw e;
      sizes[index] = e;
    }
  }
  return count;
}

/**
 * firstOfName[index]: the first request with a size and the same name as request `index`, when it is not
 * `index` itself (left -1). The step is its loop alone, on lists the caller made: a function that runs
 * once per run gets its type feedback only once its loop has run a while, so an operation before the
 * loop (making the list, reading its length) had none when V8 compiled the function during the first
 * run, and the compiled code was thrown away at its start in the next run (`--trace-deopt`: "Insufficient
 * type feedback"), which then ran wholly unoptimized.
 */
function firstsOfNames(byNameOrder: Int32Array, requests: readonly PoolRequest[], firstOfName: Int32Array): void {
  for (let k = 0, first = -1; k < byNameOrder.length; k++) {
    const index = byNameOrder[k];
    if (first >= 0 && requests[index].name === requests[first].name) firstOfName[index] = first;
    else first = index;
  }
}

/**
 * positions[index]: the position of the kept recorded pool that request `index` (with a size) names, in
 * the ledger's index (left -1 for none). When the index's names ascend (a ledger read from its text, or
 * one without integer-like names), the requests in name order and the names are walked side by side:
 * no name is hashed. Otherwise each name is looked up.
 */
function keptPositions(byNameOrder: Int32Array, requests: readonly PoolRequest[], kept: KeptPools, positions: Int32Array): void {
  if (kept.namesAscending()) walkNames(byNameOrder, requests, kept.index, positions);
  else lookUpNames(byNameOrder, requests, kept, positions);
  if (kept.releasesAny()) for (let k = 0; k < byNameOrder.length; k++) if (kept.isReleased(requests[byNameOrder[k]].name)) positions[byNameOrder[k]] = -1;
}

/**
 * {@link keptPositions} of names that ascend, by walking both lists. A recorded name is compared where
 * the index holds it (a ledger read from its text: in the text, no string made; see
 * `PoolIndex.compareName`). The loop alone: see {@link firstsOfNames}.
 */
function walkNames(byNameOrder: Int32Array, requests: readonly PoolRequest[], recorded: PoolIndex, positions: Int32Array): void {
  const size = recorded.size;
  for (let k = 0, p = 0; k < byNameOrder.length; k++) {
    const index = byNameOrder[k];
    const name = requests[index].name;
    // Both lists are in name order: the next recorded name is the usual match.
    for (; p < size; p++) {
      const order = recorded.compareName(p, name);
      if (order < 0) continue;
      if (order === 0) positions[index] = p;
      break;
    }
  }
}

/** {@link keptPositions} by a lookup per name. The loop alone: see {@link firstsOfNames}. */
function lookUpNames(byNameOrder: Int32Array, requests: readonly PoolRequest[], kept: KeptPools, positions: Int32Array): void {
  for (let k = 0; k < byNameOrder.length; k++) positions[byNameOrder[k]] = kept.position(requests[byNameOrder[k]].name);
}

/** Each request with a size and not a later duplicate as an item of `items` (see {@link resolveRequest}), in request order. */
function resolveRequests(
  items: Items,
  requests: readonly PoolRequest[],
  sizes: ReadonlyArray<RequestSize | CarveError>,
  firstOfName: Int32Array,
  positions: Int32Array,
  spaces: readonly Space[],
  kept: KeptPools,
  recordedCidrs: ReadonlyMap<string, Cidr>,
  findings: Finding[],
): void {
  for (let index = 0; index < requests.length; index++) {
    const request = requests[index];
    const size = sizes[index];
    if (size instanceof CarveError) {
      findings.push(error(size.code, requestPath((request as { name?: unknown } | null)?.name, index), size.message));
      continue;
    }
    const earlier = firstOfName[index];
    if (earlier >= 0) {
      findings.push(
        error(
          "CARVE_DUPLICATE_POOL",
          requestPath(request.name, index),
          `pool "${request.name}" is requested twice (requests ${earlier} and ${index}); pool names are unique, so rename one of them`,
        ),
      );
      continue;
    }
    const position = positions[index];
    resolveRequest(items, index, size, spaces, position, recordedCidrs, findings);
    kept.claim(position, index);
  }
}

/**
 * The requests to carve now (placed nowhere yet, not failed, not pinned), in name order, into `list`; returns
 * how many. Sets `finest` per family and counts the requests of each prefix length into `prefixCounts[prefix + 1]`.
 */
function newPools(byNameOrder: Int32Array, items: Items, finest: { 4: number; 6: number }, list: Int32Array, prefixCounts: Int32Array): number {
  let count = 0;
  for (let k = 0; k < byNameOrder.length; k++) {
    const i = byNameOrder[k];
    if (!items.live(i) || items.cidrOf(i) !== undefined || items.pinnedOf(i) !== undefined) continue;
    list[count++] = i;
    const family = items.family(i);
    const prefix = items.prefix(i);
    prefixCounts[prefix + 1]++;
    if (prefix > finest[family]) finest[family] = prefix;
  }
  return count;
}

/** The free list of each address space of the family: the space minus everything used, for requests up to /finest. */
function buildFreeSpace(
  family: IpFamily,
  finest: number,
  spaces: readonly Space[],
  exclusions: Exclusions,
  kept: KeptPools,
  recordedCidrs: ReadonlyMap<string, Cidr>,
  items: Items,
): void {
  const used = family === 4 ? usedIPv4(exclusions, kept, recordedCidrs, items) : IntervalSet.fromCidrs(6, usedCidrs(6, exclusions, kept, recordedCidrs, items));
  for (const s of spaces) if (s.cidr.family === family) s.free = new FreeSpace(s.cidr, used, finest, items.scratch);
}

/** Everything of the family a new pool must not overlap: exclusions, special ranges, kept recorded pools, pinned pools. */
function usedCidrs(family: IpFamily, exclusions: Exclusions, kept: KeptPools, recordedCidrs: ReadonlyMap<string, Cidr>, items: Items): Cidr[] {
  const used = barrierCidrs(exclusions, family);
  kept.forEach((name, k) => {
    if (kept.family(k) === family) used.push(recordedCidr(recordedCidrs, k, name));
  });
  const pinned = items.pinned;
  if (pinned !== undefined) {
    for (let i = 0; i < pinned.length; i++) {
      const p = pinned[i];
      if (p !== undefined && items.position[i] < 0 && items.live(i) && p.family === family) used.push(p);
    }
  }
  return used;
}

/**
 * {@link usedCidrs} of IPv4 as runs of doubles: no bigint or object per range, and a recorded range
 * read from the ledger's text is taken as its reader read it (no `Cidr` made for it).
 */
function usedIPv4(exclusions: Exclusions, kept: KeptPools, recordedCidrs: ReadonlyMap<string, Cidr>, items: Items): Ipv4Runs {
  const used = barrierRunsBuilder(exclusions, kept.size + (items.pinned === undefined ? 0 : items.length), items.scratch);
  kept.forEach((name, k) => {
    if (kept.family(k) !== 4) return;
    const key = recordedIPv4Key(recordedCidrs, k);
    if (key < 0) {
      used.addCidr(recordedCidr(recordedCidrs, k, name));
    } else {
      const prefix = keyPrefix(key);
      used.add((key - prefix) / 64, prefix);
    }
  });
  const pinned = items.pinned;
  if (pinned !== undefined) {
    for (let i = 0; i < pinned.length; i++) {
      const p = pinned[i];
      if (p !== undefined && items.position[i] < 0 && items.live(i) && p.family === 4) used.addCidr(p);
    }
  }
  return used.runs();
}

/** A builder of IPv4 runs holding the IPv4 exclusions and special ranges, with room for `more` CIDRs; its arrays from the run's scratch. */
function barrierRunsBuilder(exclusions: Exclusions, more: number, scratch: ScratchArena): Ipv4RunsBuilder {
  const builder = new Ipv4RunsBuilder(exclusions.length + NEVER_FOR_PODS.length + more, scratch);
  for (let k = 0; k < exclusions.length; k++) {
    const key = exclusions.key(k);
    if (key >= 0) builder.add((key - keyPrefix(key)) / 64, keyPrefix(key));
    else if (exclusions.family(k) === 4) builder.addCidr(exclusions.cidr(k));
  }
  for (const s of NEVER_FOR_PODS) if (s.cidr.family === 4) builder.addCidr(s.cidr);
  return builder;
}

/** {@link carveOne} for each new pool, in order. */
function carveAll(
  toCarve: Int32Array,
  items: Items,
  spacesOfFamily: { readonly 4: readonly Space[]; readonly 6: readonly Space[] },
  kept: KeptPools,
  findings: Finding[],
): void {
  for (let k = 0; k < toCarve.length; k++) carveOne(items, toCarve[k], spacesOfFamily, kept, findings);
}

/** The explanation of each placed recorded or pinned pool. */
function explainFixedRanges(items: Items, spaces: readonly Space[], findings: Finding[]): void {
  for (let i = 0; i < items.length; i++) {
    if (!items.live(i) || items.source[i] === CARVED || !items.cidrOf(i)) continue;
    items.explain(i, keptAsBefore(items, i, spaces) ?? explainFixed(items, i, spaces, findings));
  }
}

/**
 * The explanation of placed request `i` when it is a recorded active IPv4 range read as its key, no
 * larger than it needs, in a space where {@link explainFixed} already explained such a pool of the same
 * size explanation (the words are the same: see `keptHere`); `undefined` otherwise. Most pools of a
 * re-run are such: a lookup each instead of the whole explanation.
 */
function keptAsBefore(items: Items, i: number, spaces: readonly Space[]): string | undefined {
  if (items.source[i] !== LEDGER) return undefined;
  const key = items.recordedKey(i);
  if (key < 0 || !items.recordedActive(i) || items.prefix(i) > keyPrefix(key)) return undefined;
  const holder = spaceHoldingKey(spaces, key);
  return holder?.keptHere.get(items.sizeExplanation(i));
}

/**
 * The placed pools, in request order: the carved pools' list itself when every request was carved (a
 * first run), else a list of them and the recorded and pinned pools, made now.
 */
function resultPools(items: Items): CarvedPool[] {
  if (items.carved !== undefined && items.carvedCount === items.length) return items.carved as CarvedPool[];
  const pools = new Array<CarvedPool>(items.length);
  pools.length = carvedPools(items, pools);
  return pools;
}

/**
 * The placed pools, frozen, in request order, into `pools`; returns how many: the carved ones as they
 * were made, the others made now. (Made by a constructor: see {@link CarvedPoolObject}.)
 */
function carvedPools(items: Items, pools: CarvedPool[]): number {
  let k = 0;
  for (let i = 0; i < items.length; i++) {
    if (!items.placed(i)) continue;
    const carved = items.carved === undefined ? undefined : items.carved[i];
    if (carved !== undefined) {
      pools[k++] = carved;
      continue;
    }
    const cidr = items.cidrOf(i)!;
    pools[k++] = new CarvedPoolObject(items.name(i), cidr.family, cidr, items.requests[i].blockSize, items.sourceOf(i)!, items.explanationOf(i)!);
  }
  return k;
}

/**
 * The ledger after a run without errors, and its changes. Kept entries are reused as they are. Names
 * and entries side by side (no [name, entry] pair per pool), kept pools first, then the requests in order.
 */
function ledgerAfter(
  ledgerIn: Ledger,
  checked: Ledger,
  recordedCount: number,
  kept: KeptPools,
  items: Items,
): { ledger: Ledger; changes: readonly LedgerPoolChange[] } {
  if (recordedCount === 0 && (items.namesAscend || placedInNameOrder(items))) return firstLedger(checked, items);
  // The lists are made at the longest length they can have (see resolveRequests), then cut.
  const most = kept.unclaimed() + items.length;
  const names = new Array<string>(most);
  const values = new Array<LedgerEntry>(most);
  const count = ledgerLists(kept, items, names, values);
  names.length = count;
  values.length = count;
  const sorted = sortedByName(names, values);
  const ledger = freezeLedgerOfSorted(sorted.names, sorted.values, checked);
  // The parsed CIDRs, for a next run given this ledger object, are read from the entries' canonical
  // text when first asked for (as for a ledger read from its text), so that a result holds no list of
  // its CIDRs besides its pools.
  registerCheckedLedger(ledger, entryCidrsOf);
  // A first run adds every pool, in name order: the sorted entries are that list already.
  const changes = recordedCount === 0 ? addedPools(sorted.names, sorted.values, new Array<LedgerPoolChange>(sorted.names.length)) : diffLedgerPools(ledgerIn, ledger);
  return { ledger, changes };
}

/**
 * The parsed CIDRs of a ledger the carver built, for a next run given that ledger object: read from the
 * entries' canonical text when first asked for (as for a ledger read from its text), so that a result
 * holds no list of its CIDRs besides its pools. A module-level function, not a closure over the ledger
 * (see `CheckedLedger`).
 */
function entryCidrsOf(ledger: Ledger): ReadonlyMap<string, Cidr> {
  return new EntryCidrs(poolIndex(ledger));
}

/**
 * The ledger and changes of a first run (an empty input ledger) whose placed requests come in name
 * order, the usual case: each new entry goes straight into the ledger's record and into the change
 * that adds it, without the lists of names and entries {@link ledgerAfter} sorts (160 KB for 10,000
 * pools). The same ledger and changes, in the same order.
 */
function firstLedger(checked: Ledger, items: Items): { ledger: Ledger; changes: readonly LedgerPoolChange[] } {
  const record: Record<string, LedgerEntry> = {};
  const changes = new Array<LedgerPoolChange>(items.length);
  changes.length = newEntries(items, record, changes);
  const ledger = freezeLedgerOfRecord(record, checked);
  registerCheckedLedger(ledger, entryCidrsOf);
  return { ledger, changes };
}

/**
 * The ledger of a first run (an empty input ledger of pools alone) whose placed requests come in name
 * order (the usual case), as columns by position (name, family, block size; every status active; the
 * range as the `Cidr` of the result's pool at that position, `pools`) with no entry object, no `pools`
 * record, no change and no CIDR text made: the ledger's `pools` and its entries are made when first
 * read (see `checkedIndexedLedger`), as for a ledger read from its text, and `serializeLedger` writes it
 * from the columns, each CIDR's text made as it is written (see `placedCidrText`). About 220 bytes a pool
 * fewer, made and kept, than the entries, their record and the changes that add them (the entry, 56;
 * its slot in the record, ~40, and as much again while the record grows; the change, 48, and its slot;
 * the CIDR's text, 32–40, and its slot); the names are the pools' (no list of them made unless the
 * ledger's names are read as a list). `undefined` when another path applies: another section in the
 * ledger, requests out of name order, a name of digits only (an array index, which a record orders
 * before every other key).
 */
function indexedFirstLedger(checked: Ledger, items: Items, pools: readonly CarvedPool[]): { ledger: Ledger; index: PoolIndex } | undefined {
  if (!poolsAlone(checked) || !(items.namesAscend || placedInNameOrder(items))) return undefined;
  const n = items.length;
  const families = new Uint8Array(n);
  const blockSizes = new Uint8Array(n);
  const count = placedColumns(items, families, blockSizes);
  if (count < 0) return undefined;
  // The carved IPv6 networks' words serve by position when every request is placed (position = request index).
  const words = count === n ? items.words : undefined;
  const columns = new EntryColumns(undefined, undefined, undefined, undefined, pools, words, families.subarray(0, count), blockSizes.subarray(0, count), new Uint8Array(count));
  // The names are the pools' (position = position in `pools`), read from them: no list of names made.
  const index = new PoolIndex(undefined, columns, true);
  return { ledger: checkedIndexedLedger(index), index };
}

/**
 * Each placed request's family and block size into the columns, in request order (its name is its
 * pool's, and checked here to be no array index), and each
 * pinned IPv6 range's words beside the carved ones' (see {@link Items.words}), if any; returns how
 * many, or -1 at a name of digits only. The loop alone: see {@link firstsOfNames}.
 */
function placedColumns(items: Items, families: Uint8Array, blockSizes: Uint8Array): number {
  const words = items.words;
  let k = 0;
  for (let i = 0; i < items.length; i++) {
    const cidr = items.cidrOf(i);
    if (cidr === undefined) continue;
    const name = items.name(i);
    if (digitsOnly(name)) return -1;
    if (words !== undefined && cidr.family === 6 && items.source[i] !== CARVED) ipv6WordsInto(cidr.network, words, 4 * i);
    families[k] = cidr.family;
    blockSizes[k++] = items.requests[i].blockSize;
  }
  return k;
}

/** Whether the name is digits only (a valid name's first character is a letter or digit, so most end at it). */
function digitsOnly(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether the placed requests' names ascend in request order (they are distinct: a duplicate is an error). The loop alone: see {@link firstsOfNames}. */
function placedInNameOrder(items: Items): boolean {
  let previous = "";
  for (let i = 0, any = false; i < items.length; i++) {
    if (items.cidrOf(i) === undefined) continue;
    const name = items.name(i);
    if (any && compareNames(previous, name) > 0) return false;
    previous = name;
    any = true;
  }
  return true;
}

/**
 * Each placed request's new entry (a first run: no recorded entry) into the record and into the change
 * that adds it, in request order; returns how many. The loop alone: see {@link firstsOfNames}.
 */
function newEntries(items: Items, record: Record<string, LedgerEntry>, changes: LedgerPoolChange[]): number {
  let k = 0;
  for (let i = 0; i < items.length; i++) {
    const cidr = items.cidrOf(i);
    if (cidr === undefined) continue;
    const name = items.name(i);
    const entry = new LedgerEntryObject(cidr.family, items.text(i), items.requests[i].blockSize, "active");
    setOwn(record, name, entry);
    changes[k++] = new AddedChangeObject(name, entry);
  }
  return k;
}

/** The names and entries of the ledger after a run, kept pools no request names first, then the placed requests; returns how many. */
function ledgerLists(kept: KeptPools, items: Items, names: string[], values: LedgerEntry[]): number {
  let k = 0;
  kept.forEach((name, position, i) => {
    if (i >= 0) return;
    const entry = kept.entryAt(position);
    // A pool removed from code drains; an adopted live pool stays adopted (code never managed it).
    names[k] = name;
    values[k++] = entry.status !== "active" ? entry : Object.freeze({ ...entry, status: "draining" as const });
  });
  return placedEntries(items, names, values, k);
}

/** The placed requests' names and entries into the lists from position `k` on; returns the position after them. The loop alone: see {@link firstsOfNames}. */
function placedEntries(items: Items, names: string[], values: LedgerEntry[], k: number): number {
  for (let i = 0; i < items.length; i++) {
    const cidr = items.cidrOf(i);
    if (cidr === undefined) continue;
    const recorded = items.entry(i);
    names[k] = items.name(i);
    values[k++] = recorded?.status === "active" ? recorded : new LedgerEntryObject(cidr.family, recorded?.cidr ?? items.text(i), items.requests[i].blockSize, "active");
  }
  return k;
}

function resolveSpaces(declarations: readonly AddressSpaceDeclaration[], findings: Finding[]): Space[] {
  const parsed: Space[] = [];
  const names = new Map<string, number>();
  declarations.forEach((d, index) => {
    const name = (d as { name?: unknown } | null)?.name;
    const cidrText = (d as { cidr?: unknown } | null)?.cidr;
    if (typeof name !== "string" || name === "") {
      findings.push(error("CARVE_SPACE_INVALID", `spaces[${index}].name`, `address space ${index} needs a name, got ${describe(name)}`));
      return;
    }
    const first = names.get(name);
    if (first !== undefined) {
      findings.push(
        error("CARVE_SPACE_INVALID", `spaces[${index}].name`, `address space name "${name}" is used twice (spaces[${first}] and spaces[${index}]); names are unique`),
      );
      return;
    }
    names.set(name, index);
    if (typeof cidrText !== "string") {
      findings.push(error("CARVE_SPACE_INVALID", `spaces[${index}].cidr`, `address space ${name}: cidr must be a string such as "10.32.0.0/12", got ${describe(cidrText)}`));
      return;
    }
    const r = Cidr.tryParse(cidrText);
    if (!r.ok) {
      findings.push(error("CARVE_SPACE_INVALID", `spaces[${index}].cidr`, `address space ${name}: ${r.error.message}`));
      return;
    }
    const label = `${name} (${r.cidr})`;
    const v4 = r.cidr.family === 4;
    const start = v4 ? Number(r.cidr.network) : -1;
    const end = v4 ? start + (V4_SIZES[r.cidr.prefix] - 1) : -1;
    parsed.push({ index, name, cidr: r.cidr, label, inside: `inside space ${label}`, bestFit: new Map(), lastSize: undefined, lastBestFit: "", keptHere: new Map(), first: start, last: end });
  });
  // Overlapping spaces: the later one is dropped, so no range can be carved twice.
  const dropped = new Set<number>();
  const pairs = findOverlaps(parsed.map((s) => s.cidr)).sort((p, q) => p[1] - q[1] || p[0] - q[0]);
  for (const [i, j] of pairs) {
    if (dropped.has(i) || dropped.has(j)) continue;
    dropped.add(j);
    const [a, b] = [parsed[i], parsed[j]];
    findings.push(
      error(
        "CARVE_SPACES_OVERLAP",
        `spaces[${b.index}].cidr`,
        `address space ${b.name} (${b.cidr}) overlaps address space ${a.name} (${a.cidr}, spaces[${a.index}]); ` +
          `address spaces must not overlap, or one range could be carved twice: declare ranges that do not overlap`,
      ),
    );
  }
  const spaces = parsed.filter((_, k) => !dropped.has(k));
  for (const s of spaces) {
    const specials = NEVER_FOR_PODS.filter((sr) => sr.cidr.overlaps(s.cidr));
    if (specials.length === 0) continue;
    findings.push(
      warning(
        "CARVE_SPACE_OVERLAPS_SPECIAL_RANGE",
        `spaces[${s.index}].cidr`,
        `address space ${s.label} overlaps ${specials.map((sr) => `${sr.cidr} (${sr.name})`).join(", ")}; ` +
          `those addresses are never carved`,
      ),
    );
  }
  return spaces;
}

function resolveExclusions(declarations: readonly ExclusionDeclaration[], findings: Finding[], scratch: ScratchArena): Exclusions {
  // Columns made at their longest (see Exclusions); the parsed ranges' list at the first range not in canonical IPv4 text.
  const n = declarations.length;
  const indexes = scratch.i32(n);
  const keys = scratch.f64(n);
  const kinds = scratch.u8(n);
  const reasons = scratch.list<string | undefined>(n);
  let parsed: Array<Cidr | undefined> | undefined;
  let count = 0;
  for (let index = 0; index < declarations.length; index++) {
    if (!(index in declarations)) continue; // a hole, which forEach skipped too
    const d = declarations[index];
    const kind = (d as { kind?: unknown } | null)?.kind;
    const cidrText = (d as { cidr?: unknown } | null)?.cidr;
    const reason = (d as { reason?: unknown } | null)?.reason;
    let ok = true;
    if (kind !== "service" && kind !== "node" && kind !== "reserved") {
      findings.push(error("CARVE_EXCLUSION_INVALID", exclusionPath(index, "kind"), `exclusion kind must be "service", "node" or "reserved", got ${describe(kind)}`));
      ok = false;
    }
    if (reason !== undefined && typeof reason !== "string") {
      findings.push(error("CARVE_EXCLUSION_INVALID", exclusionPath(index, "reason"), `exclusion reason must be a string, got ${describe(reason)}`));
      ok = false;
    }
    let cidr: Cidr | undefined;
    // Canonical IPv4 text (what Cidr.toString writes) is valid as it is: read as numbers, its Cidr made if asked for.
    const key = typeof cidrText === "string" ? canonicalIPv4Key(cidrText, 0, cidrText.length) : -1;
    if (typeof cidrText !== "string") {
      findings.push(error("CARVE_EXCLUSION_INVALID", exclusionPath(index, "cidr"), `exclusion cidr must be a string such as "10.96.0.0/12", got ${describe(cidrText)}`));
    } else if (key < 0) {
      try {
        cidr = Cidr.parse(cidrText);
      } catch (e) {
        if (!(e instanceof IpParseError)) throw e;
        findings.push(error("CARVE_EXCLUSION_INVALID", exclusionPath(index, "cidr"), `exclusion ${index}: ${e.message}`));
      }
    }
    if (kind === "reserved" && (reason === undefined || (typeof reason === "string" && reason.trim() === ""))) {
      findings.push(
        warning(
          "CARVE_RESERVATION_WITHOUT_REASON",
          exclusionPath(index, "reason"),
          `reserved range ${cidr?.toString() ?? String(cidrText)} has no reason; say why it is reserved, so the next reader knows whether it may be released`,
        ),
      );
    }
    if (ok && (cidr !== undefined || key >= 0)) {
      if (key < 0) (parsed ??= scratch.list<Cidr | undefined>(n))[count] = cidr;
      indexes[count] = index;
      keys[count] = key;
      kinds[count] = EXCLUSION_KINDS.indexOf(kind as ExclusionKind);
      reasons[count++] = typeof reason === "string" && reason !== "" ? reason : undefined;
    }
  }
  return new Exclusions(count, indexes, keys, kinds, reasons, parsed);
}

/** The path of an exclusion's field, for a finding: made only then (a run with a thousand reservations makes none). */
function exclusionPath(index: number, field: string): string {
  return `exclusions[${index}].${field}`;
}

/** How a failing check's message names a recorded pool that is no longer active. */
function retiredNote(e: { readonly status: string }): string {
  return e.status === "draining" ? " (draining)" : e.status === "adopted" ? " (adopted from the cluster)" : "";
}

/**
 * Makes request `item` (with a size, not a later duplicate) an item of `items`: its address space, its
 * pinned CIDR, its recorded range when the ledger has one (`position` in the ledger's index, or -1), each
 * checked; a failed item has its finding.
 */
function resolveRequest(
  items: Items,
  item: number,
  size: RequestSize,
  spaces: readonly Space[],
  position: number,
  recordedCidrs: ReadonlyMap<string, Cidr>,
  findings: Finding[],
): void {
  const request = items.requests[item];
  const name = request.name;
  const pinned = request.size.kind === "cidr" ? Cidr.parse(request.size.cidr) : undefined;
  if (pinned !== undefined) (items.pinned ??= new Array<Cidr | undefined>(items.length).fill(undefined))[item] = pinned;
  items.state[item] = LIVE;
  items.families[item] = request.family;
  items.position[item] = position;
  // The recorded range, when the ledger has one (no object pairing it with its entry).
  const rc = position >= 0 ? recordedCidr(recordedCidrs, position, name) : undefined;
  let space: Space | undefined;
  if (request.addressSpace !== undefined) {
    const wanted = request.addressSpace;
    space = typeof wanted === "string" ? spaces.find((s) => s.name === wanted) : undefined;
    if (space === undefined) {
      const ofFamily = spaces.filter((s) => s.cidr.family === request.family).map((s) => s.label);
      return failItem(
        items,
        item,
        findings,
        "CARVE_UNKNOWN_SPACE",
        `pool "${name}" asks for address space ${typeof wanted === "string" ? `"${wanted}"` : describe(wanted)}, ` +
          `which is not declared or not valid; ` +
          (ofFamily.length > 0 ? `usable IPv${request.family} spaces: ${ofFamily.join(", ")}` : `no usable IPv${request.family} space is declared`),
      );
    }
    if (space.cidr.family !== request.family) {
      return failItem(
        items,
        item,
        findings,
        "CARVE_SPACE_FAMILY_MISMATCH",
        `pool "${name}" is IPv${request.family}, but its address space ${space.label} is IPv${space.cidr.family}; name an IPv${request.family} space`,
      );
    }
  }

  if (space !== undefined) (items.spaces ??= new Array<Space | undefined>(items.length).fill(undefined))[item] = space;
  if (rc !== undefined) {
    // The checks in the order of their findings, on the recorded fields read from the ledger's index by
    // position (a ledger read from its text makes no entry object for them); the entry only for a message.
    const recorded = items.recorded;
    if (recorded.family(position) !== request.family) {
      const e = recorded.entries[position];
      return failItem(
        items,
        item,
        findings,
        "CARVE_LEDGER_FAMILY_CHANGED",
        `pool "${name}" is now IPv${request.family}, but the ledger records it${retiredNote(e)} as IPv${e.family} ${e.cidr}; ` +
          `a pool cannot change family, because Calico's cidr is immutable. ${migrationWayOut(e, name, MIGRATE_POOLS)}`,
      );
    }
    if (recorded.blockSize(position) !== request.blockSize) {
      const e = recorded.entries[position];
      return failItem(
        items,
        item,
        findings,
        "CARVE_LEDGER_BLOCK_SIZE_CHANGED",
        `pool "${name}" now has blockSize ${request.blockSize}, but the ledger records it${retiredNote(e)} at ${e.cidr} with blockSize ${e.blockSize}; ` +
          `Calico's blockSize is immutable. ${migrationWayOut(e, name, CHANGE_BLOCK_SIZE)}`,
      );
    }
    if (pinned && !pinned.equals(rc)) {
      const e = recorded.entries[position];
      return failItem(
        items,
        item,
        findings,
        "CARVE_LEDGER_CIDR_CHANGED",
        `pool "${name}" is pinned to ${pinned}, but the ledger records it${retiredNote(e)} at ${e.cidr}; ` +
          `a recorded pool never moves, because Calico's cidr is immutable. Pin it back to ${e.cidr}, or migrate: ${migrationWayOut(e, name, MIGRATE_POOLS)}`,
      );
    }
    if (size.prefix < rc.prefix) {
      const e = recorded.entries[position];
      return failItem(
        items,
        item,
        findings,
        "CARVE_LEDGER_POOL_GROWN",
        `pool "${name}" now needs a /${size.prefix} (${size.explanation}), more than its recorded range ${e.cidr}${retiredNote(e)}; ` +
          `a pool cannot grow in place, because Calico's cidr is immutable. For more room, add another pool under a new name ` +
          `with the same selectors (Calico uses both), or migrate to a larger pool: ${migrationWayOut(e, name, MIGRATE_POOLS)}`,
      );
    }
    if (space && !space.cidr.contains(rc)) {
      const e = recorded.entries[position];
      return failItem(
        items,
        item,
        findings,
        "CARVE_LEDGER_SPACE_CHANGED",
        `pool "${name}" asks for address space ${space.label}, but the ledger records it${retiredNote(e)} at ${e.cidr}, ` +
          `outside that space; a recorded pool never moves, because Calico's cidr is immutable. ` +
          `Remove addressSpace or name the space that holds ${e.cidr}, or migrate: ${migrationWayOut(e, name, MIGRATE_POOLS)}`,
      );
    }
    items.fix(item, rc, LEDGER);
    return;
  }
  if (pinned) {
    if (space && !space.cidr.contains(pinned)) {
      return failItem(
        items,
        item,
        findings,
        "CARVE_PINNED_OUTSIDE_SPACE",
        `pool "${name}" is pinned to ${pinned}, which is not inside its address space ${space.label}; ` +
          `pin it inside the space, or remove addressSpace`,
      );
    }
    items.fix(item, pinned, PINNED);
  }
}

/** Marks a request failed, with its finding (a module function: no closure is made per request). */
function failItem(items: Items, item: number, findings: Finding[], code: string, message: string): void {
  findings.push(error(code, itemPath(items, item), message));
  if (items.spaces !== undefined) items.spaces[item] = undefined;
  items.state[item] = FAILED;
}

/** The path of a request's findings, `pools.<name>`, or `pools[<index>]` without a usable name; made only for a finding. */
function requestPath(rawName: unknown, index: number): string {
  return typeof rawName === "string" && rawName !== "" ? `pools.${rawName}` : `pools[${index}]`;
}

/** The path of an item's findings: its request's, since an item's name is valid. */
function itemPath(items: Items, item: number): string {
  return `pools.${items.name(item)}`;
}

/** How to get another range for a recorded pool, for the messages of {@link resolveRequest}. */
function migrationWayOut(e: LedgerEntry, name: string, doc: string): string {
  return e.status === "draining"
    ? `Use a new pool name; or, once no pod holds an address in ${e.cidr}, release "${name}" (calico-ipam ledger release ${name}) so that the name gets a new range`
    : `Add a new pool under a new name, then disable "${name}", delete the pods that still use it and remove it from code, as in Calico's procedure (${doc})`;
}

type Occupant =
  | { readonly t: "exclusion"; readonly cidr: Cidr; readonly exclusion: Exclusion }
  | { readonly t: "special"; readonly cidr: Cidr; readonly special: SpecialRange }
  | { readonly t: "pool"; readonly cidr: Cidr; readonly item: number }
  | { readonly t: "draining"; readonly cidr: Cidr; readonly name: string };

function checkFixedRanges(
  items: Items,
  exclusions: Exclusions,
  kept: KeptPools,
  recordedCidrs: ReadonlyMap<string, Cidr>,
  findings: Finding[],
): void {
  if (!anyPoolMayConflict(items, exclusions, recordedCidrs, kept)) return;
  const occupants: Occupant[] = [];
  for (let k = 0; k < exclusions.length; k++) {
    const exclusion = exclusions.exclusion(k);
    occupants.push({ t: "exclusion", cidr: exclusion.cidr, exclusion });
  }
  for (const special of NEVER_FOR_PODS) occupants.push({ t: "special", cidr: special.cidr, special });
  for (let item = 0; item < items.length; item++) {
    const cidr = items.cidrOf(item);
    if (cidr !== undefined && items.live(item)) occupants.push({ t: "pool", cidr, item });
  }
  for (const [name, cidr] of recordedCidrs) {
    // A recorded pool that is requested but failed still holds its range.
    const item = kept.get(name);
    if ((item < 0 || !items.live(item)) && kept.entry(name)) {
      occupants.push({ t: "draining", cidr, name });
    }
  }
  const conflicts = new Map<number, Array<{ code: string; message: string }>>();
  const blame = (item: number, code: string, message: string) => {
    const list = conflicts.get(item) ?? [];
    list.push({ code, message });
    conflicts.set(item, list);
  };
  const poolText = (item: number) =>
    items.source[item] === LEDGER
      ? `pool "${items.name(item)}" (recorded in the ledger at ${items.cidrOf(item)})`
      : `pool "${items.name(item)}" (pinned to ${items.cidrOf(item)})`;
  const movePool = (item: number, other: string) =>
    items.source[item] === LEDGER
      ? `A recorded pool never moves: if ${other} is declared correctly, add a new pool under a new name, then disable "${items.name(item)}" and drain it (${MIGRATE_POOLS}); otherwise correct the declaration`
      : `Pin it to a range outside ${other}, or drop the pin and let the carver place it`;

  for (const [i, j] of findOverlaps(occupants.map((o) => o.cidr))) {
    let a = occupants[i];
    let b = occupants[j];
    if (a.t !== "pool" && b.t !== "pool") continue;
    if (a.t !== "pool") [a, b] = [b, a];
    if (a.t !== "pool") continue;
    const item = a.item;
    switch (b.t) {
      case "exclusion": {
        const { what, why } = exclusionWords(b.exclusion);
        blame(
          item,
          "CARVE_POOL_OVERLAPS_EXCLUSION",
          `${poolText(item)} overlaps the ${what} ${b.cidr} (exclusions[${b.exclusion.index}])${why}. ${movePool(item, b.cidr.toString())}`,
        );
        break;
      }
      case "special":
        // Never carved into. A range written by hand there is Calico's call: it rejects link-local and
        // accepts loopback, multicast and the rest, which the pool validation only warns about.
        if (!b.cidr.overlaps(LINK_LOCAL_V4) && !b.cidr.overlaps(LINK_LOCAL_V6)) break;
        blame(
          item,
          "CARVE_POOL_OVERLAPS_SPECIAL_RANGE",
          `${poolText(item)} overlaps ${b.cidr} (${b.special.name}): ${b.special.reason}. ${movePool(item, b.cidr.toString())}`,
        );
        break;
      case "draining": {
        if (items.source[item] === LEDGER) break; // two recorded ranges never overlap: the ledger was checked
        const entry = kept.entry(b.name)!;
        blame(
          item,
          "CARVE_POOL_OVERLAPS_RETIRED",
          `${poolText(item)} overlaps ${b.cidr}, the range of ${entry.status === "active" ? "recorded" : entry.status} pool "${b.name}", ` +
            `which stays reserved until it is released, because pods may still hold its addresses. ` +
            `Pin "${items.name(item)}" elsewhere, or release "${b.name}" (calico-ipam ledger release ${b.name}) once no pod uses ${b.cidr}`,
        );
        break;
      }
      case "pool": {
        const other = b.item;
        // Blame the pool that is new in this run; between two new pinned pools, the later request.
        const [victim, kept] =
          items.source[item] === LEDGER ? [other, item] : items.source[other] === LEDGER ? [item, other] : item > other ? [item, other] : [other, item];
        if (items.source[victim] === LEDGER) break; // both recorded: impossible, the ledger was checked
        blame(
          victim,
          "CARVE_POOL_OVERLAPS_POOL",
          `${poolText(victim)} overlaps ${poolText(kept)}; two pools must not share addresses. ` +
            `Pin "${items.name(victim)}" to a range outside ${items.cidrOf(kept)}, or drop the pin and let the carver place it`,
        );
        break;
      }
    }
  }
  for (const [item, list] of conflicts) {
    items.state[item] = FAILED;
    const shown = list.slice(0, OVERLAPS_SHOWN);
    shown.forEach((c, k) => {
      const more = k === shown.length - 1 && list.length > shown.length ? ` (and ${list.length - shown.length} more overlapping ranges)` : "";
      findings.push(error(c.code, itemPath(items, item), c.message + more));
    });
  }
}

/**
 * Whether {@link checkFixedRanges} can find anything: a pool pinned in this run may overlap anything,
 * but a recorded pool only an exclusion or a special range, since recorded ranges never overlap each
 * other (the ledger was checked). So without a new pinned pool, and with no recorded pool touching an
 * exclusion or a special range (one binary search each), there is no pair to look at, and the sweep
 * over every range (most of a re-run's cost besides reading the ledger) is skipped. An IPv4 range is
 * compared as doubles: a recorded one as its reader read it (no bigint read), its size from a table
 * (`2 ** (32 - prefix)` is a call to pow, about 80 ns each). When the ledger's reader sorted its IPv4
 * ranges (its overlap check does), the kept ones are checked in that order in one walk beside the
 * barriers ({@link anyMarkedTouches}): no search, and no index over the barriers (65,536 steps per run).
 */
function anyPoolMayConflict(items: Items, exclusions: Exclusions, recordedCidrs: ReadonlyMap<string, Cidr>, kept: KeptPools): boolean {
  const order = recordedIPv4Order(recordedCidrs);
  // With the reader's order: the kept IPv4 ranges to check, by position, for one walk after the loop.
  const marked = order !== undefined ? items.scratch.u8(kept.size).fill(0) : undefined;
  const found = fixedRangesNearBarriers(items, exclusions, marked);
  return found === MAY_CONFLICT || (found === WALK_MARKED && anyMarkedTouches(order!, items.recordedKeys!, marked!, barrierRunsBuilder(exclusions, 0, items.scratch).runs()));
}

/** What {@link fixedRangesNearBarriers} found: nothing to check, a range that may conflict, or marked ranges to walk. */
const NOTHING = 0;
const MAY_CONFLICT = 1;
const WALK_MARKED = 2;

/**
 * The loop of {@link anyPoolMayConflict}: {@link MAY_CONFLICT} at the first placed range that may conflict;
 * else {@link WALK_MARKED} when it marked kept IPv4 ranges in `marked` for the walk, else {@link NOTHING}.
 * The loop alone (see {@link firstsOfNames}): with the walk after it in the same function, the code V8
 * compiled for the loop while it ran had no type feedback for the walk, and was thrown away at its end
 * in every run (`--trace-deopt`: "Insufficient type feedback for generic named access").
 */
function fixedRangesNearBarriers(items: Items, exclusions: Exclusions, marked: Uint8Array | undefined): number {
  let v4: NumericRuns | undefined;
  let v6: IntervalSet | undefined;
  let walk = false;
  for (let item = 0; item < items.length; item++) {
    const cidr = items.cidrOf(item);
    if (cidr === undefined || !items.live(item)) continue;
    if (items.source[item] !== LEDGER) return MAY_CONFLICT;
    if (cidr.family === 4 && marked !== undefined) {
      marked[items.position[item]] = 1;
      walk = true;
    } else if (cidr.family === 4) {
      // IPv4 addresses are exact as doubles: the barriers as sorted, merged numeric runs.
      v4 ??= numericRuns(barrierRunsBuilder(exclusions, 0, items.scratch).runs(), items.scratch);
      const key = items.recordedKey(item);
      const first = key >= 0 ? (key - cidr.prefix) / 64 : Number(cidr.network);
      const k = firstRunFromIndex(v4, first);
      // The last address as a double, without the bigint `cidr.last` computes.
      if (k < v4.count && v4.firsts[k] <= first + (V4_SIZES[cidr.prefix] - 1)) return MAY_CONFLICT;
    } else {
      v6 ??= IntervalSet.fromCidrs(6, barrierCidrs(exclusions, 6));
      if (v6.intersects(cidr)) return MAY_CONFLICT;
    }
  }
  return walk ? WALK_MARKED : NOTHING;
}

/** The exclusions and special ranges of a family. */
function barrierCidrs(exclusions: Exclusions, family: IpFamily): Cidr[] {
  const out: Cidr[] = [];
  for (let k = 0; k < exclusions.length; k++) if (exclusions.family(k) === family) out.push(exclusions.cidr(k));
  for (const s of NEVER_FOR_PODS) if (s.cidr.family === family) out.push(s.cidr);
  return out;
}

/**
 * The runs of an IPv4 set as doubles, ascending, and an index over them: for each /16 of the address
 * space, the first run that ends at or after its first address. A lookup starts there and steps over the
 * few runs that end inside that /16. For 10,000 recorded pools, a binary search over 1,000 runs per pool
 * took about 0.5 ms, most of a re-run's check of its recorded ranges. (Buckets over the runs' span would
 * be as coarse as a /12: the special ranges reach from 0.0.0.0/8 to 240.0.0.0/4.)
 */
interface NumericRuns extends Ipv4Runs {
  /** By /16 (address / 2^16): the first run ending at or after its first address. */
  readonly starts: Int32Array;
}

function numericRuns(runs: Ipv4Runs, scratch: ScratchArena): NumericRuns {
  // Every /16 is written (indexRunsBySlash16): the scratch needs no zeroing.
  const starts = scratch.i32(V4_SLASH16_COUNT);
  indexRunsBySlash16(runs, starts);
  return { firsts: runs.firsts, lasts: runs.lasts, count: runs.count, starts };
}

/** The first index whose run ends at or after IPv4 address `v` (`count` if none), from the /16 index. */
function firstRunFromIndex(runs: NumericRuns, v: number): number {
  const { lasts, count } = runs;
  let k = runs.starts[Math.floor(v / V4_SLASH16_SIZE)];
  while (k < count && lasts[k] < v) k++;
  return k;
}

function exclusionWords(e: Exclusion): { what: string; why: string } {
  switch (e.kind) {
    case "service":
      return { what: "service network", why: ": Service cluster IPs and pod addresses would collide" };
    case "node":
      return { what: "node network", why: ": node and pod addresses would collide and routing breaks" };
    case "reserved":
      return { what: "reserved range", why: e.reason ? ` (reserved: ${e.reason})` : "" };
  }
}

function carveOne(
  items: Items,
  item: number,
  spacesOfFamily: { readonly 4: readonly Space[]; readonly 6: readonly Space[] },
  kept: KeptPools,
  findings: Finding[],
): void {
  const family = items.family(item);
  const prefix = items.prefix(item);
  const named = items.spaceOf(item);
  const candidates = named ? [named] : spacesOfFamily[family];
  for (const space of candidates) {
    const network = space.free!.allocate(prefix);
    if (network === undefined) continue;
    if (family === 6) space.free!.wordsOfLast((items.words ??= new Int32Array(4 * items.length)), 4 * item);
    const sizeExplanation = items.sizeExplanation(item);
    if (sizeExplanation !== space.lastSize) {
      let explanation = space.bestFit.get(sizeExplanation);
      if (explanation === undefined) {
        explanation = `${sizeExplanation}; best fit in space ${space.label}`;
        space.bestFit.set(sizeExplanation, explanation);
      }
      space.lastSize = sizeExplanation;
      space.lastBestFit = explanation;
    }
    // The pool, whole: aligned by the free list's construction, its range needs no check of Cidr.of's.
    items.carve(item, new CarvedPoolObject(items.name(item), family, validCidr(family, network, prefix), items.requests[item].blockSize, "carved", space.lastBestFit));
    return;
  }
  items.state[item] = FAILED;
  const name = items.name(item);
  const bits = family === 4 ? 32 : 128;
  const need = `a /${prefix} (${1n << BigInt(bits - prefix)} addresses)`;
  if (candidates.length === 0) {
    findings.push(
      error(
        "CARVE_NO_ADDRESS_SPACE",
        itemPath(items, item),
        `pool "${name}" needs ${need}, but no usable IPv${family} address space is declared; ` +
          `declare one (e.g. { name: "pods-v${family}", cidr: "${family === 4 ? "10.32.0.0/12" : "fd00:10:32::/48"}" }) or pin the pool with { kind: "cidr", cidr: ... }`,
      ),
    );
    return;
  }
  // Exhausted: say how much room is left, and where.
  const largest = candidates
    .flatMap((s) => s.free!.largestFree(LARGEST_FREE_SHOWN))
    .sort((a, b) => a.prefix - b.prefix || a.compare(b))
    .slice(0, LARGEST_FREE_SHOWN);
  const freeTotal = candidates.reduce((sum, s) => sum + s.free!.freeAddresses(), 0n);
  const where =
    candidates.length === 1
      ? `space ${candidates[0].label} has`
      : `the IPv${family} spaces (${candidates.map((s) => s.name).join(", ")}) have`;
  const size = 1n << BigInt(bits - prefix);
  const scattered = freeTotal >= size ? ` (${freeTotal} addresses are free in all, but not as one aligned /${prefix})` : "";
  const retired: string[] = [];
  kept.forEach((n, k) => {
    if (kept.status(k) === "draining" && candidates.some((s) => s.cidr.overlaps(Cidr.parse(kept.cidr(k))))) retired.push(n);
  });
  const releaseHint =
    retired.length > 0
      ? `, or release draining pools that no pod uses any more (${retired.slice(0, 3).map((n) => `"${n}"`).join(", ")}${retired.length > 3 ? ", ..." : ""})`
      : "";
  findings.push(
    error(
      "CARVE_EXHAUSTED",
      itemPath(items, item),
      `pool "${name}" needs ${need} but ${where} no free aligned /${prefix} left${scattered}; ` +
        `largest free ranges: ${largest.length > 0 ? largest.map(String).join(", ") : "none"}. ` +
        `Declare a larger or another address space, or ask for less room${releaseHint}`,
    ),
  );
}

/** The first space that holds the CIDR: a loop, not `find` with a closure per recorded pool. */
function spaceHolding(spaces: readonly Space[], cidr: Cidr): Space | undefined {
  for (let k = 0; k < spaces.length; k++) if (spaces[k].cidr.contains(cidr)) return spaces[k];
  return undefined;
}

/**
 * The first space that holds recorded IPv4 range `key` (network × 64 + prefix, as its reader read it),
 * compared as doubles: the same space as {@link spaceHolding} of its `Cidr`, without a bigint operation.
 */
function spaceHoldingKey(spaces: readonly Space[], key: number): Space | undefined {
  const prefix = keyPrefix(key);
  const network = (key - prefix) / 64;
  for (let k = 0; k < spaces.length; k++) {
    const s = spaces[k];
    // Ranges nest or are disjoint: one no larger than the space lies inside it when its network does.
    if (s.first >= 0 && prefix >= s.cidr.prefix && network >= s.first && network <= s.last) return s;
  }
  return undefined;
}

function explainFixed(items: Items, item: number, spaces: readonly Space[], findings: Finding[]): string {
  const cidr = items.cidrOf(item)!;
  const sizeExplanation = items.sizeExplanation(item);
  const key = items.source[item] === LEDGER ? items.recordedKey(item) : -1;
  const holder = key >= 0 ? spaceHoldingKey(spaces, key) : spaceHolding(spaces, cidr);
  const partly = holder ? undefined : spaces.filter((s) => s.cidr.overlaps(cidr));
  const location = holder
    ? holder.inside
    : partly && partly.length > 0
      ? `partly inside space ${partly.map((s) => s.label).join(", ")}, partly outside every declared address space`
      : spaces.length > 0
        ? "outside every declared address space"
        : "";
  if (items.source[item] === PINNED) return location ? `${sizeExplanation}; ${location}` : sizeExplanation;
  const status = items.recorded.status(items.position[item]);
  const larger = items.prefix(item) > cidr.prefix ? ` at /${cidr.prefix}, more than it needs now (a recorded range never shrinks)` : "";
  // The usual case, the same words for many pools: made once per size and space.
  if (holder !== undefined && status === "active" && larger === "") return keptHereText(holder, sizeExplanation);
  const kept =
    status === "draining"
      ? "reactivated from the ledger, where it was draining"
      : status === "adopted"
        ? "kept from the ledger, where it was adopted from the live cluster"
        : KEPT_FROM_LEDGER;
  if (!holder && !items.pinnedOf(item)) {
    findings.push(
      warning(
        "CARVE_POOL_OUTSIDE_SPACES",
        itemPath(items, item),
        `pool "${items.name(item)}" keeps its recorded range ${cidr}, which is ${location}; if an address space was removed or shrunk by mistake, declare it again`,
      ),
    );
  }
  return explanationText(sizeExplanation, kept + larger, location);
}

/**
 * Whether the ledger after a run without errors is the input ledger itself: the input was checked as
 * it is and nothing is released (`checkedAndKept`), every recorded pool that code no longer declares is
 * already draining or adopted (an active one would start draining), and every placed pool is a recorded
 * active one (a new, pinned or reactivated pool is a change). The count makes sure that the entries
 * of the run are exactly the recorded ones.
 */
function keepsLedger(
  checkedAndKept: boolean,
  kept: KeptPools,
  items: Items,
  recorded: number,
): boolean {
  if (!checkedAndKept) return false;
  let entries = 0;
  for (let item = 0; item < items.length; item++) {
    if (items.cidrOf(item) === undefined) continue;
    if (!items.recordedActive(item)) return false;
    entries++;
  }
  // Every placed pool is a distinct recorded name: when there are as many as recorded entries, code
  // declares every recorded pool, and no entry is left to look at.
  if (entries === recorded) return true;
  let draining = true;
  kept.forEach((_, k, item) => {
    if (item >= 0) return;
    if (kept.active(k)) draining = false;
    entries++;
  });
  return draining && entries === recorded;
}

/** The changes of a first run (an empty input ledger), into `changes`: every entry added, in name order (`names` ascending). The loop alone: see {@link firstsOfNames}. */
function addedPools(names: readonly string[], values: readonly LedgerEntry[], changes: LedgerPoolChange[]): LedgerPoolChange[] {
  for (let k = 0; k < names.length; k++) changes[k] = new AddedChangeObject(names[k], values[k]);
  return changes;
}

/**
 * The ledger entries `names[k]` → `values[k]` sorted by name (names are unique): the lists themselves
 * when they are in order already (the usual case), else sorted copies.
 */
function sortedByName(names: readonly string[], values: readonly LedgerEntry[]): { names: readonly string[]; values: readonly LedgerEntry[] } {
  if (inOrder(names)) return { names, values };
  const order = names.map((_, i) => i).sort((a, b) => compareNames(names[a], names[b]));
  return { names: order.map((i) => names[i]), values: order.map((i) => values[i]) };
}

/**
 * Whether the names are in order: the loop alone, so that nothing after it runs in the loop's on-stack
 * compiled code without type feedback (an object made after the loop threw the compiled function away
 * at the second or third run, `--trace-deopt`).
 */
function inOrder(names: readonly string[]): boolean {
  for (let k = 1; k < names.length; k++) if (compareNames(names[k - 1], names[k]) > 0) return false;
  return true;
}

/**
 * The order new pools are placed in: largest first (shortest prefix), then by name. The items, given
 * in name order, are dealt by prefix (a counting sort, stable; `starts[p + 1]` holds the count of prefix
 * p, and is made the start of prefix p + 1 here): the same order as a sort by prefix then name (names are
 * unique), without a comparison of two prefixes per step. Returns the items in that order, in `dealt`
 * (as long as `list`).
 */
function largestFirst(list: Int32Array, starts: Int32Array, items: Items, dealt: Int32Array): Int32Array {
  for (let p = 1; p < starts.length; p++) starts[p] += starts[p - 1];
  for (let k = 0; k < list.length; k++) dealt[starts[items.prefix(list[k])]++] = list[k];
  return dealt;
}

/**
 * Whether the requests at `indices` (ascending) come in name order, equal names allowed (then `indices`
 * is already the requests sorted by name, equal names in index order; otherwise the caller sorts it in place).
 */
function namesAscend(indices: Int32Array, requests: readonly PoolRequest[]): boolean {
  for (let k = 1; k < indices.length; k++) if (compareNames(requests[indices[k - 1]].name, requests[indices[k]].name) > 0) return false;
  return true;
}

/**
 * The recorded pools a run keeps (the ledger's, less those released in it) and the request that names
 * each, by position in the ledger's {@link PoolIndex}: one hash of a name, no string-keyed map.
 */
class KeptPools {
  /** The request (its index) that names each kept pool, by position; -1 for none. */
  private readonly claimed: Int32Array;

  constructor(
    /** The ledger's pools by position. */
    readonly index: PoolIndex,
    private readonly released: ReadonlySet<string>,
    scratch: ScratchArena,
  ) {
    this.claimed = scratch.i32(index.size).fill(-1);
  }

  /** How many pools the ledger records (kept or released): at least as many as are kept. */
  get size(): number {
    return this.index.size;
  }

  /** The position of kept pool `name` in the index, or -1: not recorded, or released. */
  position(name: string): number {
    if (this.index.size === 0) return -1;
    const k = this.index.indexOf(name);
    return k >= 0 && (this.released.size === 0 || !this.released.has(name)) ? k : -1;
  }

  /** Records the request of kept pool at `position` (from {@link position}; -1: nothing to record). */
  claim(position: number, item: number): void {
    if (position >= 0) this.claimed[position] = item;
  }

  /** The request (its index) of kept pool `name`: -1 for a name that is not a kept pool, or no request. */
  get(name: string): number {
    const k = this.position(name);
    return k < 0 ? -1 : this.claimed[k];
  }

  /** The entry of kept pool `name`. */
  entry(name: string): LedgerEntry | undefined {
    const k = this.position(name);
    return k < 0 ? undefined : this.index.entries[k];
  }

  /** How many kept pools no request names. */
  unclaimed(): number {
    let count = 0;
    for (let k = 0; k < this.claimed.length; k++) if (this.claimed[k] < 0 && (this.released.size === 0 || !this.released.has(this.index.names[k]))) count++;
    return count;
  }

  /**
   * Each kept pool in the ledger's order, with its position and the request that names it (its index,
   * -1 for none). Its entry's fields are read by position ({@link family}, {@link status}...): a ledger
   * read from its text makes its entry objects only when one is asked for ({@link entryAt}).
   */
  forEach(visit: (name: string, position: number, item: number) => void): void {
    const { names } = this.index;
    for (let k = 0; k < names.length; k++) {
      if (this.released.size > 0 && this.released.has(names[k])) continue;
      visit(names[k], k, this.claimed[k]);
    }
  }

  /** Whether the ledger's names ascend in code-unit order (see {@link PoolIndex.namesAscending}). */
  namesAscending(): boolean {
    return this.index.namesAscending();
  }

  /** Whether this run releases any pool. */
  releasesAny(): boolean {
    return this.released.size > 0;
  }

  /** Whether pool `name` is released in this run. */
  isReleased(name: string): boolean {
    return this.released.has(name);
  }

  /** The entry of the pool at `position`. */
  entryAt(position: number): LedgerEntry {
    return this.index.entries[position];
  }

  /** The family of the pool at `position`. */
  family(position: number): IpFamily {
    return this.index.family(position);
  }

  /** The status of the pool at `position`. */
  status(position: number): LedgerEntry["status"] {
    return this.index.status(position);
  }

  /** Whether the pool at `position` is recorded as active. */
  active(position: number): boolean {
    return this.index.active(position);
  }

  /** The CIDR text of the pool at `position`. */
  cidr(position: number): string {
    return this.index.cidr(position);
  }
}
