/**
 * Positions grouped by level (a node's pod count), with "the lowest position of the lowest non-empty
 * level" in O(positions / 1024) word reads: the timeline scheduler's "fewest pods, then lowest index".
 * Each level is a two-level bitset (a word per 32 positions, a summary bit per non-empty word), made on
 * first use. A pod count changes by one at a time, so a move is two bit flips: O(1), where an indexed
 * heap sifts through log2(nodes) levels per change.
 */
export class LevelBuckets {
  private readonly words: number;
  private readonly summaryWords: number;
  /** Per level: its bits, its summary and how many positions it holds (undefined until first used). */
  private readonly bits: Array<Uint32Array | undefined> = [];
  private readonly summaries: Array<Uint32Array | undefined> = [];
  private readonly sizes: number[] = [];
  /** Positions in any level. */
  private size = 0;
  /** No level below this one holds a position. */
  private lowest = 0;

  /** @param positions how many positions there are (0 to positions − 1) */
  constructor(positions: number) {
    this.words = Math.max(1, Math.ceil(positions / 32));
    this.summaryWords = Math.ceil(this.words / 32);
  }

  /** Puts a position (in no level now) into `level` (0 or more). */
  insert(position: number, level: number): void {
    let bits = this.bits[level];
    let summary = this.summaries[level];
    if (bits === undefined || summary === undefined) {
      for (let l = this.bits.length; l <= level; l++) {
        this.bits.push(undefined);
        this.summaries.push(undefined);
        this.sizes.push(0);
      }
      bits = this.bits[level] = new Uint32Array(this.words);
      summary = this.summaries[level] = new Uint32Array(this.summaryWords);
    }
    const w = position >>> 5;
    if (bits[w] === 0) summary[w >>> 5] |= 1 << (w & 31);
    bits[w] |= 1 << (position & 31);
    this.sizes[level]++;
    this.size++;
    if (level < this.lowest) this.lowest = level;
  }

  /** Takes a position out of `level` (where it is). */
  remove(position: number, level: number): void {
    const bits = this.bits[level] as Uint32Array;
    const w = position >>> 5;
    bits[w] &= ~(1 << (position & 31));
    if (bits[w] === 0) (this.summaries[level] as Uint32Array)[w >>> 5] &= ~(1 << (w & 31));
    this.sizes[level]--;
    this.size--;
  }

  /** The lowest position of the lowest non-empty level, or -1 when every level is empty. */
  first(): number {
    if (this.size === 0) return -1;
    while (this.sizes[this.lowest] === 0) this.lowest++;
    const bits = this.bits[this.lowest] as Uint32Array;
    const summary = this.summaries[this.lowest] as Uint32Array;
    let s = 0;
    while (summary[s] === 0) s++;
    const w = (s << 5) + lowestBit(summary[s]);
    return (w << 5) + lowestBit(bits[w]);
  }
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}
