/**
 * Node's `Buffer` has `latin1Slice(start, end)`: what `toString("latin1", start, end)` calls, without its
 * argument checks (the readers call it per key and value, with positions they have checked). Not in
 * `@types/node`: the readers cast to this type, imported as a type only (no module is loaded for it).
 */
export interface LatinBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}
