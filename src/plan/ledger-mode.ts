/**
 * An environment variable that turns on frozen ledger mode, like `npm ci` against a lock file. In a
 * module of its own so that the CLI can name it in its help without loading the planner.
 */
export const LEDGER_MODE_ENV = "CALICO_IPAM_LEDGER";
