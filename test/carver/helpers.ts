import { CarveInput, CarveResult, PoolRequest, carve } from "../../src/carver";
import { Ledger, parseLedger, serializeLedger } from "../../src/ledger";

/** An IPv4 request by prefix length, block size 26. */
export const v4 = (name: string, prefixLength: number, extra: Partial<PoolRequest> = {}): PoolRequest => ({
  name,
  family: 4,
  blockSize: 26,
  size: { kind: "prefix", prefixLength },
  ...extra,
});

/** An IPv6 request by prefix length, block size 122. */
export const v6 = (name: string, prefixLength: number, extra: Partial<PoolRequest> = {}): PoolRequest => ({
  name,
  family: 6,
  blockSize: 122,
  size: { kind: "prefix", prefixLength },
  ...extra,
});

/** A request pinned to a CIDR. */
export const pinned = (name: string, cidr: string, extra: Partial<PoolRequest> = {}): PoolRequest => ({
  name,
  family: cidr.includes(":") ? 6 : 4,
  blockSize: cidr.includes(":") ? 122 : 26,
  size: { kind: "cidr", cidr },
  ...extra,
});

/** name → CIDR text of the carved pools. */
export const cidrs = (result: CarveResult): Record<string, string> =>
  Object.fromEntries(result.pools.map((p) => [p.name, p.cidr.toString()]));

/** The error findings. */
export const errors = (result: CarveResult) => result.findings.filter((f) => f.severity === "error");

/** The warning findings. */
export const warnings = (result: CarveResult) => result.findings.filter((f) => f.severity === "warning");

/** Runs carve and, like a real run, passes the ledger through its file form. */
export function run(input: CarveInput): CarveResult & { text: string } {
  const result = carve(input);
  return { ...result, text: serializeLedger(result.ledger) };
}

/** The ledger as it comes back from disk. */
export const reread = (ledger: Ledger): Ledger => parseLedger(serializeLedger(ledger));
