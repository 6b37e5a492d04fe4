/**
 * The whole ledger, public and internal, in one module for the library's own code. Each concern has
 * its own file:
 *
 * - `format.ts`: the file format (documented there), its types and constants;
 * - `errors.ts`: {@link LedgerError}, its codes, and the way out each message gives;
 * - `parse.ts`: ledger text to a ledger (strict JSON with paths, merge-conflict markers);
 * - `inspect.ts` (with `inspect-addresses.ts`, `inspect-node-cidrs.ts`): every rule of the format,
 *   applied to a hand-edited file or a ledger built in code;
 * - `serialize.ts`: a ledger to canonical text;
 * - `file.ts`: reading and writing the file (atomic, only on change);
 * - `freeze.ts` and `checked.ts`: building ledgers in code, and the ledgers known to be valid;
 *   `pool-index.ts`: a checked ledger's pools by position, for the lookups of a carving run;
 * - `diff.ts`: the changes between two ledgers; `release.ts`: releasing draining pools;
 * - `clusters.ts` (with `inspect-clusters.ts`, `inspect-sub-spaces.ts`): a fleet ledger's sections and sub-spaces.
 *
 * The table of `calico-ipam ledger show` is rendered in `../report/ledger-table.ts`.
 */
export * from "./format";
export * from "./errors";
export * from "./parse";
export * from "./inspect";
export * from "./serialize";
export * from "./file";
export * from "./freeze";
export * from "./checked";
export * from "./pool-index";
export * from "./diff";
export * from "./release";
export { formatLedgerTable } from "../report/ledger-table";
export * from "./clusters";
export * from "./migrations";
