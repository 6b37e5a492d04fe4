/** Small helpers on names and records shared by the ledger's modules. */

/** The own property `name` of a record (never one inherited from `Object.prototype`). */
export function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

/** Up to `limit` quoted names, then how many more. */
export function listSome(names: readonly string[], limit: number): string {
  const shown = names.slice(0, limit).map((n) => `"${n}"`).join(", ");
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

/** Code-unit order, the same in every locale: the order of names in the ledger. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
