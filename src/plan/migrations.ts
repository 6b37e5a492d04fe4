/**
 * Pool migrations declared once (`migrations` of a spec, `ipam.migratePool(...)`,
 * `ipam.changeBlockSize(...)`, `ipam.changeCidr(...)`) and unfolded into Calico's documented phases:
 * each phase is the spec of one synth and one apply. The ledger records the phase reached; the code
 * raises `phase` by one once the manual step of the phase before is done, so a pipeline that runs twice
 * does the same thing, and a phase is never skipped nor undone.
 *
 * ```
 * migratePool (Calico: "Migrate from one IP pool to another")
 *   1 add-target         the target pool is created; the source still serves
 *   2 disable-source     the source is emitted disabled (draining)   → restart its pods
 *   3 delete-source      the drained source is deleted (released)
 *
 * changeBlockSize / changeCidr (Calico: "Change IP pool block size")
 *   1 add-temporary      a temporary pool, carved from free space, recorded in the ledger
 *   2 disable-original   the original is emitted disabled            → restart its pods
 *   3 delete-original    the drained original is deleted; its range stays held
 *   4 recreate-original  the original again, with the new block size (or CIDR)
 *   5 disable-temporary  the temporary pool is disabled              → restart its pods
 *   6 delete-temporary   the drained temporary pool is deleted
 * ```
 *
 * Pure: reads the ledger given, writes nothing. {@link planIpam} applies the result.
 */
import { Cidr, IpFamily } from "../ip";
import type { Ledger, LedgerEntry } from "../ledger";
import { BLOCK_SIZE_RANGE } from "../ledger/format";
import { LedgerMigration, LedgerMigrationOriginal, LedgerMigrationRange, MIGRATION_PHASES, MigrationKind } from "../ledger/migrations";
import type { IpamSpec, MigrationDeclaration, PoolDeclaration, RecreatePoolDeclaration } from "../spec/types";
import { Finding, error, hasErrors, warning } from "../validation/finding";
import { describe, validateObjectName } from "../validation/names";

/** Calico's procedures, named in every message. */
export const MIGRATE_POOLS_DOC = "https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools";
export const CHANGE_BLOCK_SIZE_DOC = "https://docs.tigera.io/calico/latest/networking/ipam/change-block-size";

/** One declared migration, resolved: where it stands and what it works on. */
export interface PlannedMigration {
  readonly name: string;
  readonly kind: MigrationKind;
  /** The phase this plan emits (the code's `phase`), from 1. */
  readonly phase: number;
  /** The phase the ledger recorded before this plan; 0 for a migration that starts now. */
  readonly recordedPhase: number;
  /** The names of the kind's phases, in order. */
  readonly phases: readonly string[];
  /** The pool the pods leave (`migratePool`), or the pool that changes. */
  readonly pool: string;
  /** `migratePool`: the target pool. */
  readonly to?: string;
  /** `changeBlockSize`, `changeCidr`: the temporary pool. */
  readonly temporaryPool?: string;
  /** The pool as it was when the migration started; absent when it could not be found. */
  readonly original?: LedgerMigrationOriginal;
  /** `changeBlockSize`, `changeCidr`: the pool after the change. */
  readonly target?: LedgerMigrationRange;
  /** `changeBlockSize`, `changeCidr`: the temporary pool's range, while the ledger records it. */
  readonly temporary?: LedgerMigrationRange;
  /** Problems of the declaration, the ledger and the phases; paths `migrations[i]...`. */
  readonly findings: Finding[];
}

/** What the migrations make of a spec for this run. */
export interface MigrationUnfolding {
  /** The spec of the current phases: pools added, removed, pinned; ranges held. */
  readonly spec: IpamSpec;
  /** Draining pools the migrations delete in this run (released from the ledger). */
  readonly release: readonly string[];
  /** Adopted pools (live, not managed by code) that start draining in this run. */
  readonly drain: readonly string[];
  /** Pools emitted in this run that exist in the cluster without Terraform having created them: imported first. */
  readonly imports: readonly string[];
  /** Every declared migration, declaration order. */
  readonly migrations: readonly PlannedMigration[];
  /** The ledger's `migrations` section after this run (valid only when no migration has an error). */
  readonly records: ReadonlyArray<readonly [string, LedgerMigration]>;
  /** Problems not about one declared migration (a recorded migration the code dropped). */
  readonly findings: readonly Finding[];
}

/** The recreate kinds and their declaration key. */
const KIND_KEYS = ["migratePool", "changeBlockSize", "changeCidr"] as const;

/**
 * Unfolds the declared migrations against the ledger: checks each (its pools, sizes, phase against the
 * recorded one, no two on one pool), and returns the spec of their current phases with the pools to
 * release, drain and import, and the ledger records to write. A migration with an error keeps the phase
 * the ledger recorded (or phase 1), so that its other problems do not drown the error.
 *
 * @param hasLedger whether the plan has a ledger file: migrations need one
 */
export function unfoldMigrations(spec: IpamSpec, ledger: Ledger, hasLedger: boolean): MigrationUnfolding {
  const declared = spec.migrations ?? [];
  const recorded = ledger.migrations ?? {};
  const findings: Finding[] = [];
  if (declared.length === 0 && Object.keys(recorded).length === 0) {
    return { spec, release: [], drain: [], imports: [], migrations: [], records: [], findings };
  }
  const migrations = declared.map((d, i) => resolve(d, i, spec, ledger, hasLedger));

  // Two migrations of one pool at once: the later one names the earlier.
  const touched = new Map<string, PlannedMigration>();
  migrations.forEach((m, i) => {
    if (m.findings.some((f) => f.code === "MIGRATION_INVALID")) return;
    const done = (x: PlannedMigration) => x.phase === x.phases.length && x.recordedPhase === x.phases.length;
    for (const pool of poolsOf(m)) {
      const other = touched.get(pool);
      if (other && other.name === m.name) {
        m.findings.push(error("MIGRATION_DUPLICATE", `migrations[${i}].name`, `two migrations are named "${m.name}"; give each its own name (the key of its record in the ledger)`));
        break;
      }
      if (other && !done(other) && !done(m)) {
        m.findings.push(
          error(
            "MIGRATION_CONFLICT",
            `migrations[${i}]`,
            `two migrations of pool "${pool}" at once: "${other.name}" (${other.kind}, phase ${other.phase} of ${other.phases.length}) and "${m.name}" (${m.kind}, phase ${m.phase}). ` +
              `Finish "${other.name}" first (raise its phase to ${other.phases.length} and apply), then declare "${m.name}" at phase 1`,
          ),
        );
        break;
      }
      touched.set(pool, m);
    }
  });

  // Recorded migrations the code no longer declares: finished ones are forgotten, the others are errors.
  const names = new Set(migrations.map((m) => m.name));
  for (const [name, record] of Object.entries(recorded)) {
    if (names.has(name) || record.phase === MIGRATION_PHASES[record.kind].length) continue;
    const phases = MIGRATION_PHASES[record.kind];
    findings.push(
      error(
        "MIGRATION_UNDECLARED",
        `migrations.${name}`,
        `the ledger records migration "${name}" (${record.kind} of pool "${record.pool}") at phase ${record.phase} (${phases[record.phase - 1]}) of ${phases.length}, ` +
          `but the code no longer declares it: stopping half-way leaves pool "${record.pool}"${record.kind === "migratePool" ? "" : ` and the temporary pool "${record.temporaryPool}"`} behind with pods on them. ` +
          `Declare it again at phase ${record.phase} and finish it (phase ${phases.length})`,
      ),
    );
  }

  // The spec of the current phases.
  let pools = [...spec.pools];
  const reserved = [...(spec.reservedRanges ?? [])];
  const release: string[] = [];
  const drain: string[] = [];
  const imports: string[] = [];
  const records: Array<[string, LedgerMigration]> = [];
  for (const m of migrations) {
    if (m.original === undefined) continue;
    const ok = !hasErrors(m.findings);
    const phase = ok ? m.phase : Math.max(1, m.recordedPhase);
    const entry = own(ledger.pools, m.pool);
    const declaredPool = pools.find((p) => p.name === m.pool);
    const remove = (name: string) => (pools = pools.filter((p) => p.name !== name));
    const replace = (decl: PoolDeclaration) => (pools = [...pools.filter((p) => p.name !== decl.name), decl]);
    if (m.kind === "migratePool") {
      if (phase === 1) {
        if (!declaredPool && entry?.status === "active") replace(fromLedger(m.pool, entry));
      } else {
        remove(m.pool);
        if (phase === 2 && entry?.status === "adopted") drain.push(m.pool);
        if (phase === 2 && m.original.adopted) imports.push(m.pool);
        if (phase === 3 && entry !== undefined && entry.status === "draining") release.push(m.pool);
      }
    } else {
      const temporary = m.temporaryPool as string;
      const target = m.target as LedgerMigrationRange;
      if (phase <= 4) replace(temporaryDeclaration(m, declaredRecreate(spec, m)));
      if (phase === 1) replace(pinned(declaredPool ?? fromLedger(m.pool, entry as LedgerEntry), m.original));
      if (phase === 2 || phase === 3) remove(m.pool);
      if (phase === 3 && entry !== undefined && entry.status === "draining") release.push(m.pool);
      if (phase === 3 && m.kind === "changeBlockSize") {
        reserved.push({ cidr: m.original.cidr, reason: `the range of pool "${m.pool}", held by migration "${m.name}" until the pool is recreated in phase 4 (recreate-original)` });
      }
      if (phase >= 4 && declaredPool) replace(pinned(declaredPool, target));
      const tmpEntry = own(ledger.pools, temporary);
      if (phase === 6 && tmpEntry !== undefined && tmpEntry.status === "draining") release.push(temporary);
    }
    if (ok) {
      records.push([
        m.name,
        Object.freeze({
          kind: m.kind,
          phase: m.phase,
          pool: m.pool,
          ...(m.to !== undefined ? { to: m.to } : {}),
          ...(m.temporaryPool !== undefined ? { temporaryPool: m.temporaryPool } : {}),
          original: m.original,
          ...(m.target !== undefined ? { target: m.target } : {}),
        }),
      ]);
    }
  }
  // Keep the declared order for pools the code declares; pools the migrations add go last.
  const order = new Map(spec.pools.map((p, i) => [p.name, i]));
  pools.sort((a, b) => (order.get(a.name) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.name) ?? Number.MAX_SAFE_INTEGER));
  const unfolded: IpamSpec = { ...spec, pools, ...(reserved.length > (spec.reservedRanges ?? []).length ? { reservedRanges: reserved } : {}) };
  return { spec: unfolded, release, drain, imports, migrations, records, findings };
}

/** The pools a migration works on. */
function poolsOf(m: PlannedMigration): string[] {
  return [m.pool, ...(m.to !== undefined ? [m.to] : []), ...(m.temporaryPool !== undefined ? [m.temporaryPool] : [])];
}

/** One declaration checked against the code and the ledger. */
function resolve(d: MigrationDeclaration, index: number, spec: IpamSpec, ledger: Ledger, hasLedger: boolean): PlannedMigration {
  const at = `migrations[${index}]`;
  const findings: Finding[] = [];
  const keys = typeof d === "object" && d !== null ? KIND_KEYS.filter((k) => d[k] !== undefined) : [];
  const invalid = (path: string, message: string): PlannedMigration => {
    findings.push(error("MIGRATION_INVALID", path, message));
    return { name: typeof d?.name === "string" ? d.name : `migrations[${index}]`, kind: keys[0] ?? "migratePool", phase: 0, recordedPhase: 0, phases: [], pool: "", findings };
  };
  if (keys.length !== 1) {
    return invalid(at, `a migration has exactly one of migratePool, changeBlockSize and changeCidr, got ${keys.length === 0 ? "none" : keys.join(" and ")}`);
  }
  const kind = keys[0];
  const phases = MIGRATION_PHASES[kind];
  const body = d[kind] as unknown as Record<string, unknown>;
  const pool = kind === "migratePool" ? body.from : body.pool;
  const poolKey = kind === "migratePool" ? "from" : "pool";
  if (typeof pool !== "string" || validateObjectName(pool).length > 0) return invalid(`${at}.${kind}.${poolKey}`, `${poolKey} must be the name of a pool, got ${describe(pool)}`);
  const defaultName = kind === "migratePool" ? `migrate-${pool}` : kind === "changeBlockSize" ? `block-size-${pool}` : `cidr-${pool}`;
  const name = d.name ?? defaultName;
  if (typeof name !== "string" || validateObjectName(name).length > 0) return invalid(`${at}.name`, `a migration's name is a DNS-1123 subdomain such as "${defaultName}", got ${describe(name)}`);
  const record = own(ledger.migrations ?? {}, name);
  const recordedPhase = record?.kind === kind ? record.phase : 0;
  const where = (phase: number) => `migration "${name}" (${kind} of pool "${pool}", phase ${phase})`;
  const base = { name, kind, phases, pool, findings };

  // The phase, against the one the ledger recorded.
  const phase = d.phase;
  if (typeof phase !== "number" || !Number.isInteger(phase) || phase < 1 || phase > phases.length) {
    findings.push(
      error(
        "MIGRATION_PHASE_INVALID",
        `${at}.phase`,
        `migration "${name}" (${kind} of pool "${pool}"): phase must be a whole number from 1 to ${phases.length} (${phases.map((p, i) => `${i + 1} ${p}`).join(", ")}), got ${typeof phase === "number" ? phase : describe(phase)}` +
          (recordedPhase > 0 ? `; the ledger records phase ${recordedPhase}` : "; a new migration starts at phase 1"),
      ),
    );
    return { ...base, phase: recordedPhase || 1, recordedPhase };
  }
  const label = (p: number) => `phase ${p} (${phases[p - 1]})`;
  if (!hasLedger) {
    findings.push(
      error("MIGRATION_NEEDS_LEDGER", at, `${where(phase)}: a migration records its phase in the ledger, and this plan has none (ledger: false). Enable the ledger file (calico-ipam.lock.json) and commit it`),
    );
  }
  if (record !== undefined && record.kind !== kind) {
    findings.push(
      error(
        "MIGRATION_CHANGED",
        at,
        `${where(phase)}: the ledger records "${name}" as a ${record.kind} of pool "${record.pool}" at ${label(record.phase)}; a migration cannot change kind half-way. ` +
          `Declare it as it was and finish it, or give this one another name`,
      ),
    );
  } else if (recordedPhase === 0 && phase > 1) {
    findings.push(
      error(
        "MIGRATION_PHASE_SKIPPED",
        `${at}.phase`,
        `${where(phase)}: the ledger has no record of "${name}", so it starts at ${label(1)}; ${label(phase)} would skip it. ` +
          `Set phase: 1 and apply. If the earlier phases were applied from another ledger, restore that ledger from git (git checkout -- calico-ipam.lock.json)`,
      ),
    );
  } else if (phase > recordedPhase + 1) {
    findings.push(
      error(
        "MIGRATION_PHASE_SKIPPED",
        `${at}.phase`,
        `${where(phase)}: the ledger records ${label(recordedPhase)}, so the next is ${label(recordedPhase + 1)}; ${label(phase)} would skip ${
          phase - recordedPhase - 1 === 1 ? label(recordedPhase + 1) : `phases ${recordedPhase + 1} to ${phase - 1}`
        }. Set phase: ${recordedPhase + 1}, apply, do its manual step, then raise the phase by one`,
      ),
    );
  } else if (phase < recordedPhase) {
    findings.push(
      error(
        "MIGRATION_LEDGER_AHEAD",
        `${at}.phase`,
        `${where(phase)}: the ledger records ${label(recordedPhase)}, ahead of the code's ${label(phase)}; a migration never goes back, because ${label(recordedPhase)} may be applied already. ` +
          `Set phase: ${recordedPhase}; if ${label(recordedPhase)} was never applied, restore the ledger from git (git checkout -- calico-ipam.lock.json)`,
      ),
    );
  }

  // The pool when the migration started: the record's, else the ledger entry's.
  const entry = own(ledger.pools, pool);
  let original: LedgerMigrationOriginal | undefined = record?.kind === kind ? record.original : undefined;
  if (original === undefined) {
    if (entry === undefined) {
      findings.push(
        error(
          "MIGRATION_POOL_UNKNOWN",
          `${at}.${kind}.${poolKey}`,
          `${where(phase)}: pool "${pool}" is not in the ledger. A migration starts from a pool that a synth recorded (declare and apply it first) ` +
            `or that the cluster has: record Calico's pools with calico-ipam ledger adopt <dump> (for the auto-created default-ipv4-ippool, too)`,
        ),
      );
    } else if (entry.status === "draining") {
      findings.push(
        error(
          "MIGRATION_POOL_DRAINING",
          `${at}.${kind}.${poolKey}`,
          `${where(phase)}: pool "${pool}" (${entry.cidr}) is already draining (removed from the code, emitted disabled); there is nothing left to migrate. ` +
            `Once no pod uses it, release it: calico-ipam ledger release ${pool}`,
        ),
      );
    } else if (entry.status === "adopted" && kind !== "migratePool") {
      findings.push(
        error(
          "MIGRATION_POOL_ADOPTED",
          `${at}.${kind}.${poolKey}`,
          `${where(phase)}: pool "${pool}" (${entry.cidr}) is adopted from the cluster, not declared in code; to change its ${kind === "changeBlockSize" ? "block size" : "CIDR"}, ` +
            `declare a new pool with the size you want and leave "${pool}" with migratePool: { from: "${pool}", to: <the new pool> }`,
        ),
      );
    } else {
      original = Object.freeze({ cidr: entry.cidr, blockSize: entry.blockSize, ...(entry.status === "adopted" ? { adopted: true } : {}), ...(entry.spec ? { spec: entry.spec } : {}) });
    }
  }
  const family: IpFamily = original ? Cidr.parse(original.cidr).family : 4;

  if (kind === "migratePool") {
    const to = body.to;
    if (typeof to !== "string" || validateObjectName(to).length > 0) {
      findings.push(error("MIGRATION_INVALID", `${at}.migratePool.to`, `to must be the name of the target pool, got ${describe(to)}`));
      return { ...base, phase, recordedPhase, original };
    }
    for (const key of Object.keys(body)) {
      if (key !== "from" && key !== "to") findings.push(error("MIGRATION_INVALID", `${at}.migratePool.${key}`, `unknown key "${key}"; migratePool has from and to`));
    }
    if (to === pool) findings.push(error("MIGRATION_INVALID", `${at}.migratePool.to`, `${where(phase)}: the target is the source pool itself; name the pool the pods move to`));
    const target = spec.pools.find((p) => p.name === to);
    if (!target) {
      findings.push(
        error("MIGRATION_POOL_UNKNOWN", `${at}.migratePool.to`, `${where(phase)}: the target pool "${to}" is not declared; declare it (addPool("${to}", {...}) or pools[] of the spec) with room for every pod of "${pool}"`),
      );
    } else if (original && target.cidr !== undefined && Cidr.tryParse(target.cidr).ok && Cidr.parse(target.cidr).family !== family) {
      findings.push(error("MIGRATION_FAMILY", `${at}.migratePool.to`, `${where(phase)}: the target pool "${to}" is IPv${Cidr.parse(target.cidr).family} but "${pool}" is IPv${family}; pods move within one IP family`));
    }
    if (record !== undefined && record.kind === kind && record.to !== to) {
      findings.push(error("MIGRATION_CHANGED", `${at}.migratePool.to`, `${where(phase)}: the ledger records the target "${record.to}", the code says "${to}"; a migration's pools cannot change half-way. Declare to: "${record.to}" and finish it`));
    }
    return { ...base, phase, recordedPhase, to, original };
  }

  // changeBlockSize / changeCidr: the pool again, through a temporary pool.
  const r = body as unknown as RecreatePoolDeclaration;
  for (const key of Object.keys(body)) {
    if (!["pool", "blockSize", "cidr", "temporaryPool", "temporaryCidr"].includes(key) || (kind === "changeBlockSize" && key === "cidr")) {
      findings.push(error("MIGRATION_INVALID", `${at}.${kind}.${key}`, `unknown key "${key}"; ${kind} has pool, ${kind === "changeBlockSize" ? "blockSize" : "cidr, blockSize"}, temporaryPool and temporaryCidr`));
    }
  }
  const temporaryPool = r.temporaryPool ?? `${pool}-tmp`;
  if (typeof temporaryPool !== "string" || validateObjectName(temporaryPool).length > 0) {
    findings.push(error("MIGRATION_INVALID", `${at}.${kind}.temporaryPool`, `temporaryPool must be a pool name, got ${describe(temporaryPool)}`));
  } else if (spec.pools.some((p) => p.name === temporaryPool)) {
    findings.push(error("MIGRATION_INVALID", `${at}.${kind}.temporaryPool`, `${where(phase)}: the temporary pool "${temporaryPool}" is declared in code; the migration creates and deletes it. Name another temporaryPool`));
  } else if (record === undefined && own(ledger.pools, temporaryPool) !== undefined) {
    findings.push(error("MIGRATION_INVALID", `${at}.${kind}.temporaryPool`, `${where(phase)}: the ledger already records a pool "${temporaryPool}"; name another temporaryPool`));
  }
  if (!spec.pools.some((p) => p.name === pool) && original && !original.adopted) {
    findings.push(error("MIGRATION_POOL_UNKNOWN", `${at}.${kind}.pool`, `${where(phase)}: pool "${pool}" is not declared in code; keep it declared while the migration changes it`));
  }
  let target: LedgerMigrationRange | undefined;
  if (original) {
    const [min, max] = BLOCK_SIZE_RANGE[family];
    const blockSize = r.blockSize ?? original.blockSize;
    let cidr = original.cidr;
    if (kind === "changeCidr") {
      const parsed = typeof r.cidr === "string" ? Cidr.tryParse(r.cidr) : undefined;
      if (!parsed?.ok) {
        findings.push(error("MIGRATION_CIDR_INVALID", `${at}.changeCidr.cidr`, `${where(phase)}: cidr must be a strictly masked CIDR such as "10.48.0.0/20", got ${describe(r.cidr)}${parsed && !parsed.ok ? `: ${parsed.error.message}` : ""}`));
      } else if (parsed.cidr.family !== family) {
        findings.push(error("MIGRATION_CIDR_INVALID", `${at}.changeCidr.cidr`, `${where(phase)}: ${parsed.cidr} is IPv${parsed.cidr.family} but pool "${pool}" is IPv${family}; a pool keeps its family`));
      } else if (parsed.cidr.toString() === original.cidr && blockSize === original.blockSize) {
        findings.push(error("MIGRATION_INVALID", `${at}.changeCidr.cidr`, `${where(phase)}: pool "${pool}" already has ${original.cidr}; nothing to change. Remove the migration`));
      } else {
        cidr = parsed.cidr.toString();
      }
    }
    if (typeof blockSize !== "number" || !Number.isInteger(blockSize) || blockSize < min || blockSize > max) {
      findings.push(
        error(
          "MIGRATION_BLOCK_SIZE_INVALID",
          `${at}.${kind}.blockSize`,
          `${where(phase)}: blockSize ${typeof blockSize === "number" ? blockSize : describe(blockSize)} is outside Calico's range for IPv${family} pools (${min} to ${max}); choose a block size from ${min} to ${max}, e.g. ${family === 4 ? 24 : 120}`,
        ),
      );
    } else if (blockSize < Cidr.parse(cidr).prefix) {
      findings.push(
        error(
          "MIGRATION_BLOCK_SIZE_INVALID",
          `${at}.${kind}.blockSize`,
          `${where(phase)}: blockSize ${blockSize} is larger than the pool itself (${cidr}); a pool holds at least one block: choose a block size of ${Cidr.parse(cidr).prefix} or more`,
        ),
      );
    } else if (kind === "changeBlockSize" && blockSize === original.blockSize) {
      findings.push(error("MIGRATION_INVALID", `${at}.changeBlockSize.blockSize`, `${where(phase)}: pool "${pool}" already has blockSize ${blockSize}; nothing to change. Remove the migration`));
    } else {
      target = Object.freeze({ cidr, blockSize });
    }
    if (record?.kind === kind && target && record.target && (record.target.cidr !== target.cidr || record.target.blockSize !== target.blockSize)) {
      findings.push(
        error(
          "MIGRATION_CHANGED",
          `${at}.${kind}`,
          `${where(phase)}: the ledger records the change to ${record.target.cidr} with blockSize ${record.target.blockSize}, the code asks for ${target.cidr} with blockSize ${target.blockSize}; ` +
            `a migration cannot change its target half-way. Declare the recorded target and finish it, then start another migration`,
        ),
      );
    }
    if (record?.kind === kind && record.temporaryPool !== temporaryPool) {
      findings.push(error("MIGRATION_CHANGED", `${at}.${kind}.temporaryPool`, `${where(phase)}: the ledger records the temporary pool "${record.temporaryPool}", the code says "${temporaryPool}"; declare temporaryPool: "${record.temporaryPool}"`));
    }
    if (r.temporaryCidr === undefined && !(spec.addressSpaces ?? []).some((s) => Cidr.tryParse(s.cidr).ok && Cidr.parse(s.cidr).family === family)) {
      findings.push(
        error(
          "MIGRATION_NO_ADDRESS_SPACE",
          `${at}.${kind}.temporaryCidr`,
          `${where(phase)}: the temporary pool "${temporaryPool}" is carved from free space of an IPv${family} address space, and none is declared; declare one (addressSpaces) or give temporaryCidr, a free range as large as ${original.cidr}`,
        ),
      );
    }
    const declaredPool = spec.pools.find((p) => p.name === pool);
    if (target && phase === phases.length && declaredPool && declaredPool.blockSize !== undefined && declaredPool.blockSize !== target.blockSize) {
      findings.push(
        warning(
          "MIGRATION_CODE_NOT_UPDATED",
          `${at}.${kind}`,
          `${where(phase)}: the migration is done, but pool "${pool}" is still declared with blockSize ${declaredPool.blockSize}; set blockSize: ${target.blockSize}${kind === "changeCidr" ? ` and cidr: "${target.cidr}"` : ""} before removing the migration from the code`,
        ),
      );
    }
  }
  const tmpEntry = typeof temporaryPool === "string" ? own(ledger.pools, temporaryPool) : undefined;
  const temporary = tmpEntry ? Object.freeze({ cidr: tmpEntry.cidr, blockSize: tmpEntry.blockSize }) : undefined;
  return { ...base, phase, recordedPhase, temporaryPool, original, target, ...(temporary ? { temporary } : {}) };
}

/** The declaration of the pool a recreate migration changes (for the temporary pool's size and space). */
function declaredRecreate(spec: IpamSpec, m: PlannedMigration): RecreatePoolDeclaration {
  const d = (spec.migrations ?? []).find((x) => (x.name ?? (x.changeBlockSize ? `block-size-${x.changeBlockSize.pool}` : x.changeCidr ? `cidr-${x.changeCidr.pool}` : "")) === m.name);
  return (d?.changeBlockSize ?? d?.changeCidr) as RecreatePoolDeclaration;
}

/** The temporary pool: the original's spec and block size, as large as the original, carved unless pinned. */
function temporaryDeclaration(m: PlannedMigration, d: RecreatePoolDeclaration | undefined): PoolDeclaration {
  const original = m.original as LedgerMigrationOriginal;
  const cidr = Cidr.parse(original.cidr);
  return {
    ...(original.spec as Partial<PoolDeclaration> | undefined),
    name: m.temporaryPool as string,
    blockSize: original.blockSize,
    ...(d?.temporaryCidr !== undefined ? { cidr: d.temporaryCidr } : { prefixLength: cidr.prefix, ipVersion: cidr.family }),
  };
}

/** A declaration pinned to a recorded range: its size fields replaced by the CIDR and block size. */
function pinned(decl: PoolDeclaration, range: LedgerMigrationRange): PoolDeclaration {
  const { prefixLength: _p, addresses: _a, capacity: _c, ipVersion: _v, addressSpace: _s, ...rest } = decl;
  return { ...rest, cidr: range.cidr, blockSize: range.blockSize };
}

/** A pool declared from its ledger entry: its range and recorded spec. */
function fromLedger(name: string, entry: LedgerEntry): PoolDeclaration {
  return { ...(entry.spec as Partial<PoolDeclaration> | undefined), name, cidr: entry.cidr, blockSize: entry.blockSize };
}

function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
