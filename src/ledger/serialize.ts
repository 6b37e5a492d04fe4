/** Serialising a ledger: canonical JSON, the same bytes for the same ledger, never an invalid ledger. */
import { rememberSerialized, serializedText } from "./checked";
import { problemError } from "./errors";
import { Ledger } from "./format";
import { poolsAlone } from "./freeze";
import { inspectLedger } from "./inspect";
import { canonicalJson } from "./private/canonical-json";
import { canonicalLedgerText } from "./private/canonical-read";
import { madePoolIndex } from "./pool-index";

/**
 * The ledger as file text: keys sorted at every level (code-unit order), 2-space indent, trailing
 * newline. The same ledger always gives the same bytes.
 *
 * @throws LedgerError when the ledger object is invalid (the same checks as {@link parseLedger}), so
 * that an invalid ledger is never written
 */
export function serializeLedger(ledger: Ledger): string {
  // A ledger read from canonical text (every run after the first): that text.
  const read = serializedText(ledger);
  if (read !== undefined) return read;
  const inspected = inspectLedger(ledger);
  if (inspected.problems.length > 0) throw problemError(inspected.problems, undefined);
  // A checked ledger of columns (a carver's first run): written from them, without its entries.
  const index = madePoolIndex(inspected.ledger);
  if (index !== undefined && index.hasColumns() && index.size > 0 && poolsAlone(inspected.ledger)) {
    const text = canonicalLedgerText(index);
    rememberSerialized(ledger, text);
    return text;
  }
  return canonicalJson(inspected.ledger);
}
