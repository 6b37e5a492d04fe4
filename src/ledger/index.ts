/** The ledger: the committed record of carved pool ranges, picked fixed addresses and node pod CIDRs that keeps every one where it is. */
export {
  DEFAULT_LEDGER_FILE,
  LEDGER_FORMAT_VERSION,
  LedgerError,
  clusterLedger,
  describeChange,
  diffLedgers,
  emptyLedger,
  parseLedger,
  readLedger,
  releasePools,
  serializeLedger,
  writeLedgerIfChanged,
} from "./ledger";
export { formatLedgerTable } from "../report/ledger-table";
export type {
  Ledger,
  LedgerAddress,
  LedgerAddressChange,
  LedgerChange,
  LedgerClusterSection,
  LedgerEntry,
  LedgerErrorCode,
  LedgerNodeChange,
  LedgerPoolChange,
  LedgerPoolSpec,
  LedgerStatus,
  LedgerSubSpace,
  LedgerSubSpaceChange,
} from "./ledger";
