import { Construct } from "constructs";
import type { MigrationKind } from "../ledger/migrations";
import { MIGRATION_PHASES } from "../ledger/migrations";
import type { PlannedMigration } from "../plan/migrations";
import type { MigrationDeclaration } from "../spec/types";
import { CalicoIpam } from "./calico-ipam";
import { requireProps } from "./checks";
import type { IpPool } from "./ip-pool";

/** What every migration takes: its phase, and optionally its name. */
export interface MigrationPhaseProps {
  /**
   * The phase to apply, from 1. Each phase is one synth and one apply; the ledger records the phase
   * reached. Raise it by one only when the manual step of the phase before is done (plan.md shows it:
   * the pods to restart and how to check that none is left); a skipped phase or a phase below the
   * ledger's fails synth.
   * @see https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools
   */
  readonly phase: number;
  /**
   * The migration's name: its key in the ledger.
   * @default - `migrate-<from>`, `block-size-<pool>` or `cidr-<pool>`
   */
  readonly name?: string;
}

/** Properties of {@link CalicoIpam.migratePool}. */
export interface MigratePoolProps extends MigrationPhaseProps {
  /**
   * The pool the pods leave: a pool of this CalicoIpam (keep it declared, or remove it: the ledger
   * recorded it), or the name of a pool the ledger records, such as Calico's auto-created
   * `default-ipv4-ippool` once adopted with `calico-ipam ledger adopt` (it is imported, then disabled).
   */
  readonly from: IpPool | string;
  /** The pool the pods move to, declared in this CalicoIpam with room for them. */
  readonly to: IpPool | string;
}

/** Properties of {@link CalicoIpam.changeBlockSize} and {@link CalicoIpam.changeCidr}. */
export interface RecreatePoolProps extends MigrationPhaseProps {
  /**
   * The temporary pool's name.
   * @default - `<pool>-tmp`
   */
  readonly temporaryPool?: string;
  /**
   * The temporary pool's CIDR.
   * @default - carved from free space of the address spaces, as large as the pool, and recorded in the ledger
   */
  readonly temporaryCidr?: string;
}

/** Properties of {@link CalicoIpam.changeBlockSize}. */
export interface ChangeBlockSizeProps extends RecreatePoolProps {
  /**
   * The new block size: IPv4 20–32, IPv6 116–128, and not larger than the pool.
   * @see https://docs.tigera.io/calico/latest/networking/ipam/change-block-size
   */
  readonly blockSize: number;
}

/** Properties of {@link CalicoIpam.changeCidr}. */
export interface ChangeCidrProps extends RecreatePoolProps {
  /** The new CIDR, strictly masked, of the pool's family. */
  readonly cidr: string;
  /**
   * A new block size at the same time.
   * @default - the pool's
   */
  readonly blockSize?: number;
}

/**
 * A pool migration declared once and unfolded into Calico's documented phases (see
 * {@link CalicoIpam.migratePool}, {@link CalicoIpam.changeBlockSize}, {@link CalicoIpam.changeCidr}).
 * Its problems fail synth at this construct's path; the plan report shows the runbook of its current
 * phase. Construct id: `Migration-<name>`.
 */
export class PoolMigration extends Construct {
  /** The migration's name (its key in the ledger). */
  public readonly migrationName: string;
  /** The kind of migration. */
  public readonly kind: MigrationKind;
  /** The names of its phases, in order. */
  public readonly phases: readonly string[];
  private readonly ipam: CalicoIpam;
  /** The declaration this migration contributes to the plan. */
  public readonly declaration: MigrationDeclaration;

  /** @internal use the methods of {@link CalicoIpam} */
  constructor(ipam: CalicoIpam, declaration: MigrationDeclaration, defaultName: string) {
    const name = declaration.name ?? defaultName;
    super(ipam, `Migration-${name}`);
    this.ipam = CalicoIpam.of(this);
    this.migrationName = name;
    this.declaration = { ...declaration, name };
    this.kind = declaration.migratePool ? "migratePool" : declaration.changeBlockSize ? "changeBlockSize" : "changeCidr";
    this.phases = MIGRATION_PHASES[this.kind];
    this.ipam._registerMigration(this);
  }

  /** The migration as planned: its phase, the recorded phase, its pools and its findings. */
  public planned(): PlannedMigration {
    const found = (this.ipam.plan().migrations ?? []).find((m) => m.name === this.migrationName);
    if (!found) throw new Error(`${this.node.path}: migration "${this.migrationName}" is missing from the plan (internal error)`);
    return found;
  }
}

/** @internal A pool given as a construct or a name, as a name. */
export function poolName(pool: IpPool | string, where: string, field: string): string {
  if (typeof pool === "string") return pool;
  if (pool !== null && typeof pool === "object" && typeof (pool as IpPool).poolName === "string") return (pool as IpPool).poolName;
  throw new Error(`${where}: ${field} must be an IpPool or a pool name, got ${JSON.stringify(pool)}`);
}

/** @internal The common props, checked. */
export function phaseProps(where: string, props: MigrationPhaseProps, example: string): MigrationPhaseProps {
  requireProps(where, props, example);
  return props;
}
