import type * as CdktfModule from "cdktf";
import type { Construct } from "constructs";
import type {
  KubernetesAnnotationsConfig,
  KubernetesAnnotationsResource,
  KubernetesManifestConfig,
  KubernetesManifestResource,
  KubernetesNamespaceV1Config,
  KubernetesNamespaceV1Resource,
  KubernetesProviderConfig,
  KubernetesProviderResource,
} from "./types";

/**
 * The hashicorp/kubernetes provider version the resource schemas below follow (the one
 * @cdktf/provider-kubernetes 12.1.1 wraps) and the constraint a provider of this library asks for.
 */
export const KUBERNETES_PROVIDER_VERSION = "2.38.0";
const KUBERNETES_PROVIDER_CONSTRAINT = "~> 2.38";

/**
 * The shape of one Terraform attribute, enough to write it as JSON (cdk.tf.json) and as HCL (cdk.tf).
 * Blocks are written as one object (`single`, a block with at most one element) or a list.
 */
type Attribute =
  | { readonly kind: "string" | "boolean" | "stringList" | "stringMap" | "anyMap" }
  | { readonly kind: "block"; readonly list: boolean; readonly attributes: Schema };
/** Config property (camelCase) to Terraform attribute name and shape, in the provider schema's order. */
type Schema = Readonly<Record<string, readonly [string, Attribute]>>;

const str = { kind: "string" } as const;
const bool = { kind: "boolean" } as const;
const strList = { kind: "stringList" } as const;
const strMap = { kind: "stringMap" } as const;
const anyMap = { kind: "anyMap" } as const;

const MANIFEST: Schema = {
  computedFields: ["computed_fields", strList],
  manifest: ["manifest", anyMap],
  fieldManager: ["field_manager", { kind: "block", list: false, attributes: { forceConflicts: ["force_conflicts", bool], name: ["name", str] } }],
  timeouts: ["timeouts", { kind: "block", list: false, attributes: { create: ["create", str], delete: ["delete", str], update: ["update", str] } }],
};

const METADATA_NAME: Schema = { name: ["name", str], namespace: ["namespace", str] };

const ANNOTATIONS: Schema = {
  annotations: ["annotations", strMap],
  apiVersion: ["api_version", str],
  fieldManager: ["field_manager", str],
  force: ["force", bool],
  kind: ["kind", str],
  templateAnnotations: ["template_annotations", strMap],
  metadata: ["metadata", { kind: "block", list: false, attributes: METADATA_NAME }],
};

const NAMESPACE_V1: Schema = {
  waitForDefaultServiceAccount: ["wait_for_default_service_account", bool],
  metadata: [
    "metadata",
    {
      kind: "block",
      list: false,
      attributes: { annotations: ["annotations", strMap], generateName: ["generate_name", str], labels: ["labels", strMap], name: ["name", str] },
    },
  ],
};

const PROVIDER: Schema = {
  clientCertificate: ["client_certificate", str],
  clientKey: ["client_key", str],
  clusterCaCertificate: ["cluster_ca_certificate", str],
  configContext: ["config_context", str],
  configContextAuthInfo: ["config_context_auth_info", str],
  configContextCluster: ["config_context_cluster", str],
  configPath: ["config_path", str],
  configPaths: ["config_paths", strList],
  host: ["host", str],
  ignoreAnnotations: ["ignore_annotations", strList],
  ignoreLabels: ["ignore_labels", strList],
  insecure: ["insecure", bool],
  password: ["password", str],
  proxyUrl: ["proxy_url", str],
  tlsServerName: ["tls_server_name", str],
  token: ["token", str],
  username: ["username", str],
  alias: ["alias", str],
  exec: [
    "exec",
    {
      kind: "block",
      list: true,
      attributes: { apiVersion: ["api_version", str], args: ["args", strList], command: ["command", str], env: ["env", strMap] },
    },
  ],
  experiments: ["experiments", { kind: "block", list: true, attributes: { manifestResource: ["manifest_resource", bool] } }],
};

/** The library's own kubernetes classes for one host. */
export interface KubernetesClasses {
  readonly Manifest: new (scope: Construct, id: string, config: KubernetesManifestConfig) => KubernetesManifestResource;
  readonly Annotations: new (scope: Construct, id: string, config: KubernetesAnnotationsConfig) => KubernetesAnnotationsResource;
  readonly NamespaceV1: new (scope: Construct, id: string, config: KubernetesNamespaceV1Config) => KubernetesNamespaceV1Resource;
  readonly Provider: new (scope: Construct, id: string, config: KubernetesProviderConfig) => KubernetesProviderResource;
}

/**
 * Builds `kubernetes_manifest`, `kubernetes_annotations`, `kubernetes_namespace_v1` and the
 * `kubernetes` provider on a host's own base classes, so that neither host needs prebuilt provider
 * bindings (CDK Terrain has none for kubernetes, and cdktf's do not run inside CDK Terrain). They write
 * the same Terraform JSON as @cdktf/provider-kubernetes 12.1.1 for the attributes the library uses.
 */
export function kubernetesClasses(lib: typeof CdktfModule): KubernetesClasses {
  const write = writer(lib);
  const generator = { providerName: "kubernetes", providerVersion: KUBERNETES_PROVIDER_VERSION, providerVersionConstraint: "~> 2.0" };

  abstract class ThinResource extends lib.TerraformResource {
    protected abstract readonly schema: Schema;
    protected constructor(
      scope: Construct,
      id: string,
      type: string,
      protected readonly config: Readonly<Record<string, unknown>> & { provider?: CdktfModule.TerraformProvider },
    ) {
      super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: generator, provider: config.provider });
    }
    protected synthesizeAttributes(): Record<string, unknown> {
      return write.json(this.schema, this.config);
    }
    protected synthesizeHclAttributes(): Record<string, unknown> {
      return write.hcl(this.schema, this.config);
    }
  }

  class Manifest extends ThinResource {
    protected readonly schema = MANIFEST;
    constructor(scope: Construct, id: string, config: KubernetesManifestConfig) {
      super(scope, id, "kubernetes_manifest", config as unknown as Record<string, unknown>);
    }
    /** The object as the cluster holds it after apply (the `object` attribute), for references. */
    public get object(): Record<string, unknown> {
      return this.getAnyMapAttribute("object");
    }
  }

  class Annotations extends ThinResource {
    protected readonly schema = ANNOTATIONS;
    constructor(scope: Construct, id: string, config: KubernetesAnnotationsConfig) {
      super(scope, id, "kubernetes_annotations", config as unknown as Record<string, unknown>);
    }
  }

  class NamespaceV1 extends ThinResource {
    protected readonly schema = NAMESPACE_V1;
    constructor(scope: Construct, id: string, config: KubernetesNamespaceV1Config) {
      super(scope, id, "kubernetes_namespace_v1", config as unknown as Record<string, unknown>);
    }
  }

  class Provider extends lib.TerraformProvider {
    private readonly config: Readonly<Record<string, unknown>>;
    constructor(scope: Construct, id: string, config: KubernetesProviderConfig) {
      super(scope, id, {
        terraformResourceType: "kubernetes",
        terraformGeneratorMetadata: {
          providerName: "kubernetes",
          providerVersion: config.version ?? KUBERNETES_PROVIDER_CONSTRAINT,
          providerVersionConstraint: config.version ?? KUBERNETES_PROVIDER_CONSTRAINT,
        },
        terraformProviderSource: "hashicorp/kubernetes",
      });
      this.config = config as unknown as Record<string, unknown>;
    }
    public get alias(): string | undefined {
      return this.config?.alias as string | undefined;
    }
    public set alias(_value: string | undefined) {
      throw new Error(`${this.node.path}: give the provider's alias in its props ({ alias: "..." })`);
    }
    protected synthesizeAttributes(): Record<string, unknown> {
      return write.json(PROVIDER, this.config);
    }
    protected synthesizeHclAttributes(): Record<string, unknown> {
      return write.hcl(PROVIDER, this.config);
    }
  }

  return {
    Manifest: Manifest as unknown as KubernetesClasses["Manifest"],
    Annotations: Annotations as unknown as KubernetesClasses["Annotations"],
    NamespaceV1: NamespaceV1 as unknown as KubernetesClasses["NamespaceV1"],
    Provider: Provider as unknown as KubernetesClasses["Provider"],
  };
}

/** Writes config values as Terraform attributes with the host's own mappers (tokens stay tokens). */
function writer(lib: typeof CdktfModule) {
  const resolvable = (v: unknown) => !lib.canInspect(v) || lib.Tokenization.isResolvable(v);

  const jsonOf = (a: Attribute): ((v: unknown) => unknown) => {
    switch (a.kind) {
      case "string":
        return lib.stringToTerraform;
      case "boolean":
        return lib.booleanToTerraform;
      case "stringList":
        return lib.listMapper(lib.stringToTerraform, false);
      case "stringMap":
        return lib.hashMapper(lib.stringToTerraform);
      case "anyMap":
        return lib.hashMapper(lib.anyToTerraform);
      case "block": {
        const one = (v: unknown) => (resolvable(v) ? v : json(a.attributes, v as Record<string, unknown>));
        return a.list ? lib.listMapper(one, true) : one;
      }
    }
  };

  const hclOf = (a: Attribute): { value: (v: unknown) => unknown; isBlock: boolean; type: string; storageClassType: string } => {
    switch (a.kind) {
      case "string":
        return { value: lib.stringToHclTerraform, isBlock: false, type: "simple", storageClassType: "string" };
      case "boolean":
        return { value: lib.booleanToHclTerraform, isBlock: false, type: "simple", storageClassType: "boolean" };
      case "stringList":
        return { value: lib.listMapperHcl(lib.stringToHclTerraform, false), isBlock: false, type: "list", storageClassType: "stringList" };
      case "stringMap":
        return { value: lib.hashMapperHcl(lib.stringToHclTerraform), isBlock: false, type: "map", storageClassType: "stringMap" };
      case "anyMap":
        return { value: lib.hashMapperHcl(lib.anyToHclTerraform), isBlock: false, type: "map", storageClassType: "anyMap" };
      case "block": {
        const one = (v: unknown) => (resolvable(v) ? v : hcl(a.attributes, v as Record<string, unknown>));
        return { value: a.list ? lib.listMapperHcl(one, true) : one, isBlock: true, type: a.list ? "list" : "struct", storageClassType: "block" };
      }
    }
  };

  function json(schema: Schema, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [prop, [name, attribute]] of Object.entries(schema)) out[name] = jsonOf(attribute)(config[prop]);
    return out;
  }

  function hcl(schema: Schema, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [prop, [name, attribute]] of Object.entries(schema)) {
      const { value, ...shape } = hclOf(attribute);
      const written = value(config[prop]);
      if (written !== undefined) out[name] = { value: written, ...shape };
    }
    return out;
  }

  return { json, hcl };
}
