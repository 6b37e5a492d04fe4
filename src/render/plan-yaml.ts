import { planObjects } from "../plan/plan";
import type { IpamPlan } from "../plan/plan";
import { toMultiDocumentYaml } from "./yaml";

/** One cluster's plan in a YAML file. */
export interface YamlPlan {
  readonly plan: IpamPlan;
  /** Whether the plan carves from address spaces: then pinned pools get a note too, saying they are pinned. */
  readonly hasAddressSpaces: boolean;
}

/**
 * The Calico objects of one or more plans as the multi-document YAML a synth writes (`calico-ipam.yaml`)
 * and `calico-ipam render` prints: sorted, with the header, and a note above each pool saying how its
 * range was chosen. Only Calico objects, so that `calicoctl apply -f` takes the file as it is.
 */
export function renderCalicoYaml(plans: readonly YamlPlan[], header: string): string {
  const notes = new Map<object, string>();
  for (const { plan, hasAddressSpaces } of plans) {
    for (const p of plan.pools) {
      // A pinned pool in a cluster without address spaces has nothing to explain.
      if (p.explanation && (p.source !== "pinned" || hasAddressSpaces)) notes.set(p.manifest, `${p.manifest.metadata.name}: ${p.explanation}`);
    }
  }
  return toMultiDocumentYaml(
    plans.flatMap((p) => planObjects(p.plan)),
    header,
    (o) => notes.get(o),
  );
}

/** A Kubernetes Namespace object as {@link namespaceManifests} writes it. */
export interface NamespaceManifest {
  readonly apiVersion: "v1";
  readonly kind: "Namespace";
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
}

/**
 * The namespaces of a plan as the Kubernetes objects a GitOps tool applies, the YAML counterpart of the
 * constructs' resources: a namespace the plan creates (`create: true`, a `kubernetes_namespace_v1` at
 * synth) in full, with its labels and Calico's annotations; an existing namespace as a patch that holds
 * only its name and Calico's annotation keys (a `kubernetes_annotations` at synth). Apply the patches
 * server-side (`kubectl apply --server-side --field-manager=calico-ipam`, Argo CD's `ServerSideApply=true`,
 * Flux's kustomize-controller, which always applies server-side), so that the labels and annotations
 * other managers own stay as they are. Namespaces without pool annotations that the plan does not
 * create are left out: the plan only reads their labels.
 */
export function namespaceManifests(plan: IpamPlan): NamespaceManifest[] {
  const out: NamespaceManifest[] = [];
  for (const ns of plan.namespaces) {
    const annotations = { ...ns.annotations };
    const hasAnnotations = Object.keys(annotations).length > 0;
    if (ns.binding.create) {
      const labels = ns.binding.labels ? { ...ns.binding.labels } : undefined;
      out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns.binding.name, ...(labels ? { labels } : {}), ...(hasAnnotations ? { annotations } : {}) } });
    } else if (hasAnnotations) {
      out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns.binding.name, annotations } });
    }
  }
  return out;
}

/** The namespaces of {@link namespaceManifests} as multi-document YAML, each with a note on how to apply it. */
export function renderNamespaceYaml(plans: readonly IpamPlan[], header: string): string {
  const objects = plans.flatMap(namespaceManifests);
  return toMultiDocumentYaml(objects, header, (o) =>
    (o as NamespaceManifest).metadata.labels !== undefined || !(o as NamespaceManifest).metadata.annotations
      ? undefined
      : `${(o as NamespaceManifest).metadata.name}: a patch with Calico's annotation keys only; apply server-side`,
  );
}
