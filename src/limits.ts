/**
 * Every size limit of the library and the CLI, in one place. Each is enforced before the work it
 * bounds starts, so hostile or mistaken input ends in a clear error naming the file, the path and the
 * limit, never in a crash, a hang or runaway memory. Where Calico or Kubernetes has a limit of its own
 * we use it; otherwise the limit is generous (far above any real cluster) and stated here.
 *
 * `docs/limits.md` lists the same table for users; a test keeps the two in step.
 */

/** One limit: its value, what it bounds, and where the number comes from. */
export interface Limit {
  readonly value: number;
  /** What the limit bounds, as a user would look for it. */
  readonly what: string;
  /** Calico's or Kubernetes' own limit, or why the number was chosen. */
  readonly source: string;
}

/**
 * The largest input file the CLI reads: 4 MiB. Files are read with this cap, so `/dev/zero` or a
 * huge dump ends in an error instead of exhausting memory. A real cluster's Calico YAML is kilobytes,
 * a spec file with 5,000 nodes listed one by one about 500 KiB; the YAML library parses about
 * 100,000 keys a second, so the cap also bounds the parse to seconds.
 */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * The largest ledger file read: 64 MiB. A ledger grows with pools, fixed addresses and node ranges
 * (about 150 bytes each), so this holds several hundred thousand entries.
 */
export const MAX_LEDGER_BYTES = 64 * 1024 * 1024;

/**
 * The largest cluster dump read as JSON (`calico-ipam inspect`, `ledger adopt`): 512 MiB, about the
 * longest string the JavaScript runtime holds. `kubectl get … -o json` of 10,000 IPAM blocks or of
 * 500,000 IPAM handles is about 300 MB; split larger dumps by kind (one file per `kubectl get`). YAML
 * dumps stay within `MAX_INPUT_BYTES`, as the YAML parser is slow on large files.
 */
export const MAX_DUMP_BYTES = 512 * 1024 * 1024;

/**
 * The deepest nesting of maps and lists in a YAML or JSON input: 64 levels. Kubernetes objects nest
 * about 10 deep; the YAML library slows down sharply (and can run out of memory) far beyond this.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * The most YAML alias expansions (`*anchor`) in one document: 100, the YAML library's own default
 * (`maxAliasCount`), which stops "billion laughs" alias bombs.
 */
export const MAX_YAML_ALIASES = 100;

/** The most keys in one map of a YAML or JSON input: 10,000. No Calico object comes near it. */
export const MAX_KEYS_PER_MAP = 10_000;

/**
 * Calico's own `maxLength` for an IPPool's `nodeSelector` and `namespaceSelector`: 1024 characters
 * (CRD, after v3.32). v3.32 still accepts longer selectors, so a longer pool selector is a warning.
 */
export const MAX_SELECTOR_LENGTH = 1024;

/** The longest text the selector parser reads: 65,536 characters, refused before tokenizing. */
export const MAX_SELECTOR_TEXT = 65_536;

/**
 * The deepest nesting of parentheses in a selector: 512, as deep as a selector of Calico's 1024
 * characters can nest. Calico's parser has no limit; ours recurses once per level, so it needs one.
 */
export const MAX_SELECTOR_DEPTH = 512;

/** Kubernetes' limit on a node name (an RFC 1123 subdomain): 253 characters. */
export const MAX_NODE_NAME_LENGTH = 253;

/**
 * The most nodes a topology may declare, all groups together: 100,000, twenty times Kubernetes'
 * documented 5,000 nodes per cluster.
 */
export const MAX_NODES = 100_000;

/**
 * The most pods a topology may declare (all replicas of all workloads): 2,000,000, more than thirteen
 * times Kubernetes' documented 150,000 pods per cluster (the benchmark plays 1,100,000 on 10,000 nodes).
 */
export const MAX_PODS = 2_000_000;

/**
 * The largest `maxPods` of a node: 10,000. The kubelet has no upper bound; its default is 110 and the
 * largest cloud machines allow about 750.
 */
export const MAX_PODS_PER_NODE = 10_000;

/**
 * The widest zero padding of a node group's name pattern (`{i:N}`): 253, since no longer node name
 * is valid.
 */
export const MAX_NAME_PATTERN_WIDTH = MAX_NODE_NAME_LENGTH;

/** Every limit, for the documentation and its test. */
export const LIMITS: Readonly<Record<string, Limit>> = Object.freeze({
  MAX_INPUT_BYTES: { value: MAX_INPUT_BYTES, what: "bytes of one input file (spec, Calico YAML, topology, plan.json)", source: "generous; read with this cap" },
  MAX_LEDGER_BYTES: { value: MAX_LEDGER_BYTES, what: "bytes of the ledger file", source: "generous; about 150 bytes per entry" },
  MAX_DUMP_BYTES: { value: MAX_DUMP_BYTES, what: "bytes of one JSON cluster dump file (inspect, ledger adopt)", source: "about the runtime's longest string; YAML dumps stay within MAX_INPUT_BYTES" },
  MAX_NESTING_DEPTH: { value: MAX_NESTING_DEPTH, what: "nesting depth of maps and lists in YAML/JSON input", source: "generous; Kubernetes objects nest about 10 deep" },
  MAX_YAML_ALIASES: { value: MAX_YAML_ALIASES, what: "YAML alias expansions per document", source: "the YAML library's maxAliasCount default" },
  MAX_KEYS_PER_MAP: { value: MAX_KEYS_PER_MAP, what: "keys in one map of YAML/JSON input", source: "generous" },
  MAX_SELECTOR_LENGTH: { value: MAX_SELECTOR_LENGTH, what: "characters of an IPPool nodeSelector/namespaceSelector (a warning: v3.32 accepts more)", source: "Calico's CRD maxLength (after v3.32)" },
  MAX_SELECTOR_TEXT: { value: MAX_SELECTOR_TEXT, what: "characters of any selector the parser reads", source: "generous" },
  MAX_SELECTOR_DEPTH: { value: MAX_SELECTOR_DEPTH, what: "nested parentheses in a selector", source: "what 1024 characters can nest; Calico has none" },
  MAX_NODE_NAME_LENGTH: { value: MAX_NODE_NAME_LENGTH, what: "characters of a node name (RFC 1123 subdomain)", source: "Kubernetes" },
  MAX_NODES: { value: MAX_NODES, what: "nodes of a topology, all groups together", source: "20 × Kubernetes' documented 5,000" },
  MAX_PODS: { value: MAX_PODS, what: "pods of a topology (replicas of all workloads)", source: "> 13 × Kubernetes' documented 150,000" },
  MAX_PODS_PER_NODE: { value: MAX_PODS_PER_NODE, what: "maxPods of a node", source: "generous; kubelet default 110" },
  MAX_NAME_PATTERN_WIDTH: { value: MAX_NAME_PATTERN_WIDTH, what: "N of a namePattern's {i:N} padding", source: "no longer node name is valid" },
});
