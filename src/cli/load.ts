// Reading Kubernetes objects from files is shared with the core (cluster dumps); it lives in src/io.
export { InputError, loadObjects } from "../io/objects";
export type { LoadedDocument } from "../io/objects";
