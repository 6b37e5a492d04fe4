// Reading Kubernetes objects from files is shared with the core (cluster dumps); it lives in src/io.
export { InputError, deepestNesting, loadObjects, parseObjects, readInput } from "../io/objects";
export type { LoadObjectsOptions, LoadedDocument } from "../io/objects";

/** The name `-` stands for standard input wherever a command takes a file. */
export { STDIN } from "../io/read-input";
