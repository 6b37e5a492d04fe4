/**
 * Kubernetes' `cidr` string format (Go's `net.ParseCIDR` as the CRD schemas ask for it): an address, a
 * slash and a prefix length. A module of its own so the dump reader's decoder (`live/fast-decode.ts`)
 * checks it as the schema validator does without loading the validator.
 */
export function cidrFormat(value: string): boolean {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const max = m[1].includes(":") ? 128 : 32;
  return Number(m[2]) <= max;
}
