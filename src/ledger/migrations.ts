/**
 * The ledger's `migrations` section: the phase each declared pool migration has reached, so that a
 * pipeline that runs twice does the same thing, a phase is never skipped, and code never goes back
 * behind what was applied. One entry per migration name:
 *
 * ```json
 * "migrations": {
 *   "block-size-pods": {
 *     "kind": "changeBlockSize",
 *     "original": { "blockSize": 26, "cidr": "10.32.0.0/20" },
 *     "phase": 2,
 *     "pool": "pods",
 *     "target": { "blockSize": 24, "cidr": "10.32.0.0/20" },
 *     "temporaryPool": "pods-tmp"
 *   },
 *   "migrate-default-ipv4-ippool": {
 *     "kind": "migratePool",
 *     "original": { "adopted": true, "blockSize": 26, "cidr": "192.168.0.0/16" },
 *     "phase": 1,
 *     "pool": "default-ipv4-ippool",
 *     "to": "pods"
 *   }
 * }
 * ```
 *
 * - `kind`: `migratePool` (3 phases), `changeBlockSize` or `changeCidr` (6 phases each);
 * - `phase`: the phase the last successful synth emitted, from 1 to the kind's last;
 * - `pool`: the pool the pods leave (`migratePool`) or the pool that changes;
 * - `to` (`migratePool` only): the target pool;
 * - `temporaryPool` (`changeBlockSize`, `changeCidr` only): the temporary pool's name;
 * - `original`: the pool as the ledger recorded it when the migration started (`cidr`, `blockSize`,
 *   `adopted: true` when it was a live pool adopted from the cluster, which the migration imports
 *   before it disables it, and `spec`, its recorded IPPool spec), kept after its entry is released;
 * - `target` (`changeBlockSize`, `changeCidr` only): the pool's `cidr` and `blockSize` after the change.
 *
 * The section is optional (absent means none); a finished migration stays recorded until it is removed
 * from the code. A fleet ledger's cluster sections have no `migrations`.
 */
import { Cidr } from "../ip";
import { describe, isPlainObject, validateObjectName } from "../validation/names";
import { ProblemSink } from "./errors";
import { BLOCK_SIZE_RANGE, LedgerPoolSpec } from "./format";
import { compareNames } from "./private/names";
import { pathSegment } from "./private/strict-json";

/** The kinds of pool migration, after Calico's documented procedures. */
export const MIGRATION_KINDS = ["migratePool", "changeBlockSize", "changeCidr"] as const;

/** One of {@link MIGRATION_KINDS}. */
export type MigrationKind = (typeof MIGRATION_KINDS)[number];

/**
 * The phases of each kind, in order (phase 1 first). Each is one synth and one apply.
 * @see https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools
 * @see https://docs.tigera.io/calico/latest/networking/ipam/change-block-size
 */
export const MIGRATION_PHASES: Readonly<Record<MigrationKind, readonly string[]>> = Object.freeze({
  migratePool: Object.freeze(["add-target", "disable-source", "delete-source"]),
  changeBlockSize: Object.freeze(["add-temporary", "disable-original", "delete-original", "recreate-original", "disable-temporary", "delete-temporary"]),
  changeCidr: Object.freeze(["add-temporary", "disable-original", "delete-original", "recreate-original", "disable-temporary", "delete-temporary"]),
});

/** A pool's range as a migration records it. */
export interface LedgerMigrationRange {
  readonly cidr: string;
  readonly blockSize: number;
}

/** The pool a migration started from, as the ledger recorded it then. */
export interface LedgerMigrationOriginal extends LedgerMigrationRange {
  /** True when it was a live pool adopted from the cluster (`calico-ipam ledger adopt`): imported before it is disabled. */
  readonly adopted?: boolean;
  /** Its recorded IPPool spec (see `spec` of a pool entry). */
  readonly spec?: LedgerPoolSpec;
}

/** One migration's record: what it was declared with and the phase reached. */
export interface LedgerMigration {
  readonly kind: MigrationKind;
  /** The phase the last successful synth emitted, from 1. */
  readonly phase: number;
  /** The pool the pods leave (`migratePool`) or the pool that changes. */
  readonly pool: string;
  /** `migratePool`: the target pool. */
  readonly to?: string;
  /** `changeBlockSize`, `changeCidr`: the temporary pool. */
  readonly temporaryPool?: string;
  /** The pool when the migration started. */
  readonly original: LedgerMigrationOriginal;
  /** `changeBlockSize`, `changeCidr`: the pool after the change. */
  readonly target?: LedgerMigrationRange;
}

/** @internal The keys of a migration record. */
const REQUIRED_KEYS = ["kind", "original", "phase", "pool"];
const KIND_KEYS: Readonly<Record<MigrationKind, readonly string[]>> = {
  migratePool: ["to"],
  changeBlockSize: ["target", "temporaryPool"],
  changeCidr: ["target", "temporaryPool"],
};

/**
 * @internal The valid records of a `migrations` section, sorted by name, and a problem for each thing
 * wrong, its path under `migrations.<name>`. `spec` is the recorded-spec check of pool entries.
 */
export function inspectMigrations(
  raw: Record<string, unknown>,
  problem: ProblemSink,
  inspectSpec: (raw: unknown, at: string, bad: ProblemSink) => LedgerPoolSpec | undefined,
): Array<[string, LedgerMigration]> {
  const out: Array<[string, LedgerMigration]> = [];
  for (const name of Object.keys(raw).sort(compareNames)) {
    const at = `.migrations${pathSegment(name)}`;
    const nameProblems = validateObjectName(name, at);
    if (nameProblems.length > 0) {
      problem("LEDGER_MIGRATION", at, `"${name}" is not a valid migration name: ${nameProblems[0].message}`);
      continue;
    }
    const record = inspectMigration(name, raw[name], at, problem, inspectSpec);
    if (record) out.push([name, record]);
  }
  return out;
}

function inspectMigration(
  name: string,
  raw: unknown,
  at: string,
  problem: ProblemSink,
  inspectSpec: (raw: unknown, at: string, bad: ProblemSink) => LedgerPoolSpec | undefined,
): LedgerMigration | undefined {
  if (!isPlainObject(raw)) {
    problem("LEDGER_TYPE", at, `migration "${name}" must be an object with ${REQUIRED_KEYS.join(", ")}, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const bad: ProblemSink = (code, path, message, advice) => {
    ok = false;
    problem(code, path, message, advice);
  };
  const kind = raw.kind;
  if (!(MIGRATION_KINDS as readonly unknown[]).includes(kind)) {
    bad("LEDGER_MIGRATION", `${at}.kind`, `"kind" must be ${MIGRATION_KINDS.map((k) => `"${k}"`).join(", ")}, got ${describe(kind)}`, "upgrade");
    return undefined;
  }
  const k = kind as MigrationKind;
  const allowed = [...REQUIRED_KEYS, ...KIND_KEYS[k]];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      bad("LEDGER_UNKNOWN_KEY", at + pathSegment(key), `unknown key "${key}" in migration "${name}" (${k}); it has only ${allowed.join(", ")}`, "upgrade");
    }
  }
  for (const key of allowed) if (raw[key] === undefined) bad("LEDGER_MISSING_KEY", `${at}.${key}`, `migration "${name}" has no "${key}"`);
  if (!ok) return undefined;
  const last = MIGRATION_PHASES[k].length;
  if (typeof raw.phase !== "number" || !Number.isInteger(raw.phase) || raw.phase < 1 || raw.phase > last) {
    bad("LEDGER_MIGRATION", `${at}.phase`, `"phase" of a ${k} migration is a whole number from 1 to ${last}, got ${describe(raw.phase)}`);
  }
  for (const key of ["pool", ...(k === "migratePool" ? ["to"] : ["temporaryPool"])]) {
    const v = raw[key];
    if (typeof v !== "string" || validateObjectName(v).length > 0) bad("LEDGER_MIGRATION", `${at}.${key}`, `"${key}" must be a pool name, got ${describe(v)}`);
  }
  const original = inspectRange(raw.original, `${at}.original`, bad, ["adopted", "spec"]);
  let spec: LedgerPoolSpec | undefined;
  let adopted = false;
  if (original && isPlainObject(raw.original)) {
    if (raw.original.spec !== undefined) spec = inspectSpec(raw.original.spec, `${at}.original.spec`, bad);
    if (raw.original.adopted !== undefined && raw.original.adopted !== true) bad("LEDGER_TYPE", `${at}.original.adopted`, `"adopted" is true or absent, got ${describe(raw.original.adopted)}`);
    adopted = raw.original.adopted === true;
  }
  const target = k === "migratePool" ? undefined : inspectRange(raw.target, `${at}.target`, bad, []);
  if (!ok || !original) return undefined;
  return Object.freeze({
    kind: k,
    phase: raw.phase as number,
    pool: raw.pool as string,
    ...(k === "migratePool" ? { to: raw.to as string } : { temporaryPool: raw.temporaryPool as string }),
    original: Object.freeze({ ...original, ...(adopted ? { adopted: true } : {}), ...(spec ? { spec } : {}) }),
    ...(target ? { target } : {}),
  });
}

function inspectRange(raw: unknown, at: string, bad: ProblemSink, extra: readonly string[]): LedgerMigrationRange | undefined {
  if (!isPlainObject(raw)) {
    bad("LEDGER_TYPE", at, `must be an object with "cidr" and "blockSize", got ${describe(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (key !== "cidr" && key !== "blockSize" && !extra.includes(key)) bad("LEDGER_UNKNOWN_KEY", at + pathSegment(key), `unknown key "${key}"`, "upgrade");
  }
  const parsed = typeof raw.cidr === "string" ? Cidr.tryParse(raw.cidr) : undefined;
  if (!parsed?.ok || parsed.cidr.toString() !== raw.cidr) {
    bad("LEDGER_CIDR_INVALID", `${at}.cidr`, `"cidr" must be a CIDR in canonical form such as "10.32.0.0/20", got ${describe(raw.cidr)}`);
    return undefined;
  }
  const [min, max] = BLOCK_SIZE_RANGE[parsed.cidr.family];
  const bs = raw.blockSize;
  if (typeof bs !== "number" || !Number.isInteger(bs) || bs < min || bs > max || bs < parsed.cidr.prefix) {
    bad("LEDGER_BLOCK_SIZE", `${at}.blockSize`, `"blockSize" must be a whole number from ${Math.max(min, parsed.cidr.prefix)} to ${max} for ${parsed.cidr}, got ${describe(bs)}`);
    return undefined;
  }
  return Object.freeze({ cidr: raw.cidr as string, blockSize: bs });
}
