import { Construct } from "constructs";
import { declaredFamily } from "../plan/plan";
import type { PlannedNamespace } from "../plan/plan";
import { namespaceAnnotations } from "../plan/namespaces";
import type { NamespaceBindingDeclaration } from "../spec/types";
import { CalicoIpam, sanitizeOutputId } from "./calico-ipam";
import type { KubernetesAnnotationsResource, KubernetesNamespaceV1Resource } from "./host/types";
import type { IpPool } from "./ip-pool";

/** Properties of a {@link NamespaceBinding}. */
export interface NamespaceBindingProps {
  /**
   * The namespace name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace's labels, as pool namespace selectors will see them (Kubernetes also adds
   * `kubernetes.io/metadata.name`). For an existing namespace these are read, not written: declare the
   * labels it has. With `create`, they are set on the new namespace.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Pools the namespace's pods take addresses from, by annotation (`cni.projectcalico.org/ipv4pools`
   * and `ipv6pools`, in this order). Named pools ignore their node and namespace selectors. Leave empty
   * to bind the namespace through pool `namespaceSelector`s instead.
   * @default - none
   * @see https://docs.tigera.io/calico/latest/networking/ipam/legacy-firewalls
   */
  readonly pools?: IpPool[];
  /**
   * Create the namespace here (a `kubernetes_namespace_v1` with the labels and annotations), or only
   * annotate a namespace that exists already (a `kubernetes_annotations` that touches just Calico's keys).
   * @default false
   */
  readonly create?: boolean;
  /**
   * For an existing namespace: take over Calico's annotation keys even when another field manager (a
   * `kubectl annotate`, a GitOps tool) set them before. Without it, such an apply fails with a
   * server-side-apply conflict that names the other manager.
   * @default false
   */
  readonly forceAnnotations?: boolean;
}

/**
 * A namespace of the address plan: its labels, for pools bound by `namespaceSelector`, and the pools it
 * names by annotation. Emits the annotation (or the namespace) and Terraform outputs with the ranges its
 * pods can get addresses from, aggregated into the fewest CIDRs, for firewall rules
 * (`<ipam>_ns_<name>_ipv4` / `_ipv6`); their description says when the ranges are not exclusive.
 */
export class NamespaceBinding extends Construct {
  /** The namespace name. */
  public readonly namespaceName: string;
  /** The `kubernetes_namespace_v1` (with `create`) or `kubernetes_annotations` resource, if any. */
  public readonly resource?: KubernetesNamespaceV1Resource | KubernetesAnnotationsResource;
  private readonly ipam: CalicoIpam;
  private readonly props: NamespaceBindingProps;

  constructor(scope: Construct, id: string, props: NamespaceBindingProps = {}) {
    super(scope, id);
    this.ipam = CalicoIpam.of(this);
    this.props = props;
    this.namespaceName = props.name ?? id;
    this.ipam._registerNamespace(this);
    const host = this.ipam._host;
    const { Lazy, TerraformOutput } = host.lib;
    const annotations = namespaceAnnotations(this.declaration);
    if (props.create) {
      this.resource = new host.resources.NamespaceV1(this, "Resource", {
        provider: this.ipam.provider,
        metadata: { name: this.namespaceName, labels: props.labels, annotations },
      });
    } else if (Object.keys(annotations).length > 0) {
      this.resource = new host.resources.Annotations(this, "Resource", {
        provider: this.ipam.provider,
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: this.namespaceName },
        annotations,
        ...(props.forceAnnotations ? { force: true } : {}),
      });
    }
    const base = `${sanitizeOutputId(this.ipam.node.id)}_ns_${sanitizeOutputId(this.namespaceName)}`;
    for (const family of ["ipv4", "ipv6"] as const) {
      new TerraformOutput(this, `Firewall-${family}`, {
        value: Lazy.listValue({ produce: () => this.firewall()[family] }),
        description: Lazy.stringValue({ produce: () => this.describeFirewall(family) }),
      }).overrideLogicalId(`${base}_${family}`);
    }
  }

  /** The declaration this binding contributes to the plan. */
  public get declaration(): NamespaceBindingDeclaration {
    const spec = { addressSpaces: this.ipam.addressSpaces };
    const named = (family: 4 | 6) =>
      (this.props.pools ?? []).filter((p) => declaredFamily(p.declaration, spec) === family).map((p) => p.poolName);
    const ipv4pools = named(4);
    const ipv6pools = named(6);
    return {
      name: this.namespaceName,
      ...(this.props.labels ? { labels: this.props.labels } : {}),
      ...(ipv4pools.length + ipv6pools.length > 0
        ? { annotations: { ...(ipv4pools.length > 0 ? { ipv4pools } : {}), ...(ipv6pools.length > 0 ? { ipv6pools } : {}) } }
        : {}),
      ...(this.props.create ? { create: true } : {}),
    };
  }

  /** The planned namespace: annotations, firewall ranges and findings. */
  public planned(): PlannedNamespace {
    const found = this.ipam.plan().namespaces.find((n) => n.binding.name === this.namespaceName);
    if (!found) throw new Error(`${this.node.path}: namespace "${this.namespaceName}" is missing from the plan (internal error)`);
    return found;
  }

  /** The ranges this namespace's pods can get addresses from. */
  public firewall(): { ipv4: string[]; ipv6: string[]; exclusive: boolean; notes: string[] } {
    const f = this.planned().firewall;
    return { ipv4: [...f.ipv4], ipv6: [...f.ipv6], exclusive: f.exclusive, notes: [...f.notes] };
  }

  private describeFirewall(family: "ipv4" | "ipv6"): string {
    const f = this.planned().firewall;
    const head = `${family === "ipv4" ? "IPv4" : "IPv6"} ranges pods of namespace ${this.namespaceName} get addresses from`;
    return f.exclusive ? `${head} (exclusive to it)` : `${head}; NOT exclusive: ${f.notes.join("; ")}`;
  }
}
