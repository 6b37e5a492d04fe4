/** Stable codes of {@link CarveError}; a code never changes meaning. */
export type CarveErrorCode = "CARVE_REQUEST_INVALID";

/**
 * A pool request cannot be understood: a number that is not a positive whole number, a size that is
 * out of range for the family, a prefix longer than the block size. The message names the pool and
 * says how to fix the request; {@link carve} turns it into an error finding with the same code.
 */
export class CarveError extends Error {
  /** Stable machine-readable reason. */
  readonly code: CarveErrorCode;
  /** The name of the pool whose request was refused, when it has one. */
  readonly pool?: string;

  /** @param message user-facing text that names the pool and the fix */
  constructor(code: CarveErrorCode, message: string, pool?: string) {
    super(message);
    this.name = "CarveError";
    this.code = code;
    if (pool !== undefined) this.pool = pool;
  }
}
