/** "1 block", "80 blocks", "1 address", "1000 addresses". */
export function plural(n: bigint | number, noun: string): string {
  if (BigInt(n) === 1n) return `1 ${noun}`;
  return `${n} ${noun.endsWith("s") ? `${noun}es` : `${noun}s`}`;
}

/** Code-unit order, the same in every locale: the order of names in ledgers, results and reports. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
