/**
 * A file that could not be read or parsed; the CLI exits 2 on it. In a module of its own, so that the
 * CLI can tell it apart without loading the YAML parser (`src/io/objects.ts` re-exports it).
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "InputError";
  }
}
