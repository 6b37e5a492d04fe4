import type { IConstruct, Node } from "constructs";

/**
 * A Terraform provider construct of either host: cdktf's `TerraformProvider` (for example
 * `KubernetesProvider` from `@cdktf/provider-kubernetes`), CDK Terrain's, or this library's
 * {@link KubernetesProvider}.
 */
export interface ITerraformProvider {
  /** The construct node. */
  readonly node: Node;
  /** The provider's address in the configuration, e.g. `kubernetes` or `kubernetes.west`. */
  readonly fqn: string;
  /** The provider type, `kubernetes`. */
  readonly terraformResourceType: string;
}

/** A Terraform resource the library emits, as either host's `TerraformResource` shows it. */
export interface ITerraformResource extends IConstruct {
  /** The resource type, e.g. `kubernetes_manifest`. */
  readonly terraformResourceType: string;
  /** The resource's address, e.g. `kubernetes_manifest.ipam_pods_Resource_1A2B3C4D`. */
  readonly fqn: string;
  /** The resource's logical id in the configuration. */
  readonly friendlyUniqueId: string;
  /** Overrides a value in the synthesized configuration, e.g. `addOverride("lifecycle.prevent_destroy", true)`. */
  addOverride(path: string, value: unknown): void;
  /** Imports an existing object into this resource at the next apply (a Terraform `import` block). */
  importFrom(id: string, provider?: ITerraformProvider): void;
}

/** Settings of a `kubernetes_manifest` the library writes. */
export interface KubernetesManifestConfig {
  /** The kubernetes provider. @default - the stack's default kubernetes provider */
  readonly provider?: ITerraformProvider;
  /** The object, applied server-side. */
  readonly manifest: unknown;
  /** Fields the provider treats as computed. @default - the provider's: `metadata.annotations`, `metadata.labels` */
  readonly computedFields?: string[];
  /** The server-side-apply field manager. @default - the provider's: name `Terraform`, no forced conflicts */
  readonly fieldManager?: { readonly name?: string; readonly forceConflicts?: boolean };
  /** Operation timeouts, e.g. `{ create: "2m" }`. @default - the provider's */
  readonly timeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

/** A `kubernetes_manifest` resource the library emits (a Calico object). */
export interface KubernetesManifestResource extends ITerraformResource {
  /** The object as the cluster holds it after apply (the `object` attribute), for references. */
  readonly object: Record<string, unknown>;
}

/** Settings of a `kubernetes_annotations` the library writes. */
export interface KubernetesAnnotationsConfig {
  /** The kubernetes provider. @default - the stack's default kubernetes provider */
  readonly provider?: ITerraformProvider;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly annotations?: Record<string, string>;
  /** @default false */
  readonly force?: boolean;
  /** @default "Terraform" */
  readonly fieldManager?: string;
}

/** A `kubernetes_annotations` resource (Calico's annotation keys on an existing namespace). */
export type KubernetesAnnotationsResource = ITerraformResource;

/** Settings of a `kubernetes_namespace_v1` the library writes. */
export interface KubernetesNamespaceV1Config {
  /** The kubernetes provider. @default - the stack's default kubernetes provider */
  readonly provider?: ITerraformProvider;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
}

/** A `kubernetes_namespace_v1` resource (a namespace created with Calico's annotations). */
export type KubernetesNamespaceV1Resource = ITerraformResource;

/**
 * Settings of the hashicorp/kubernetes provider: the same names as `KubernetesProviderConfig` of
 * `@cdktf/provider-kubernetes`, so that moving from it only changes the import.
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs
 */
export interface KubernetesProviderConfig {
  /** Path to a kube config file, e.g. `~/.kube/config`. @default - none (the provider's defaults and environment) */
  readonly configPath?: string;
  /** Several kube config files. @default - none */
  readonly configPaths?: string[];
  /** The kube config context. @default - the file's current context */
  readonly configContext?: string;
  /** @default - the context's */
  readonly configContextAuthInfo?: string;
  /** @default - the context's */
  readonly configContextCluster?: string;
  /** The API server's address, e.g. `https://10.0.0.1:6443`. @default - from the kube config */
  readonly host?: string;
  /** PEM-encoded client certificate. @default - none */
  readonly clientCertificate?: string;
  /** PEM-encoded client key. @default - none */
  readonly clientKey?: string;
  /** PEM-encoded root certificate bundle of the API server. @default - none */
  readonly clusterCaCertificate?: string;
  /** A bearer token. @default - none */
  readonly token?: string;
  /** @default - none */
  readonly username?: string;
  /** @default - none */
  readonly password?: string;
  /** Skip TLS verification of the API server. @default false */
  readonly insecure?: boolean;
  /** @default - none */
  readonly tlsServerName?: string;
  /** @default - none */
  readonly proxyUrl?: string;
  /** Annotations (regular expressions) the provider ignores. @default - none */
  readonly ignoreAnnotations?: string[];
  /** Labels (regular expressions) the provider ignores. @default - none */
  readonly ignoreLabels?: string[];
  /** An exec credential plugin, e.g. `[{ apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: [...] }]`. @default - none */
  readonly exec?: { readonly apiVersion: string; readonly command: string; readonly args?: string[]; readonly env?: Record<string, string> }[];
  /** @default - none */
  readonly experiments?: { readonly manifestResource?: boolean }[];
  /** The provider's alias, for a second cluster in one stack. @default - none (the default provider) */
  readonly alias?: string;
  /**
   * The provider version constraint written into `required_providers`.
   * @default "~> 2.38"
   */
  readonly version?: string;
}

/** The provider construct {@link KubernetesProvider} creates. */
export interface KubernetesProviderResource extends ITerraformProvider {
  /** The provider's alias, if any. */
  readonly alias?: string;
}
