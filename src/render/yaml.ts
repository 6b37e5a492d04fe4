import { Document, isMap, isSeq, visit } from "yaml";

/** The order kinds appear in in emitted YAML: configuration first, then pools, then what refers to pools. */
const KIND_ORDER = ["IPAMConfiguration", "IPAMConfig", "Installation", "IPReservation", "IPPool", "Namespace"];

interface K8sObjectLike {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown };
}

/** Sorts objects into the deterministic document order: by kind, then by name. */
export function sortObjects<T extends K8sObjectLike>(objects: readonly T[]): T[] {
  const rank = (o: K8sObjectLike) => {
    const i = KIND_ORDER.indexOf(String(o.kind));
    return i < 0 ? KIND_ORDER.length : i;
  };
  return [...objects].sort((a, b) => rank(a) - rank(b) || cmp(String(a.kind), String(b.kind)) || cmp(String(a.metadata?.name), String(b.metadata?.name)));
}

/**
 * Renders objects as one multi-document YAML stream, ready for `kubectl apply -f`, `calicoctl apply -f`
 * or a GitOps repository. Deterministic: the same objects give the same bytes.
 */
export function toMultiDocumentYaml(objects: readonly object[], header?: string, commentFor?: (o: object) => string | undefined): string {
  const docs = sortObjects(objects as K8sObjectLike[]).map((o) => {
    const doc = new Document(o);
    const comment = commentFor?.(o);
    // Block style everywhere, so the files diff line by line in review.
    visit(doc, (_key, node) => {
      if (isMap(node) || isSeq(node)) node.flow = false;
    });
    const lines = comment ? comment.split("\n").map((l) => `# ${l}`.trimEnd()).join("\n") + "\n" : "";
    return lines + doc.toString({ lineWidth: 0 });
  });
  const head = header ? header.split("\n").map((l) => `# ${l}`.trimEnd()).join("\n") + "\n" : "";
  return head + docs.map((d) => `---\n${d}`).join("");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
