import type { Construct, Node } from "constructs";
import { hostOf } from "./host/host";
import type { KubernetesProviderConfig } from "./host/types";

const PROVIDERS = new WeakSet<object>();

/**
 * The hashicorp/kubernetes Terraform provider, on CDK for Terraform and on CDK Terrain alike (CDK
 * Terrain has no prebuilt kubernetes provider package). The object it creates is the host's own
 * `TerraformProvider`, chosen from the App the scope belongs to.
 *
 * On cdktf, `KubernetesProvider` from `@cdktf/provider-kubernetes` keeps working unchanged; this one
 * takes the same settings, so moving to CDK Terrain only changes the import.
 *
 * @example
 * new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs
 */
export class KubernetesProvider {
  /** Whether an object is a provider made by this class. */
  public static [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === "object" && x !== null && PROVIDERS.has(x);
  }

  /** The construct node. */
  declare public readonly node: Node;
  /** The provider's address in the configuration, e.g. `kubernetes` or `kubernetes.west`. */
  declare public readonly fqn: string;
  /** The provider type, `kubernetes`. */
  declare public readonly terraformResourceType: string;
  /** The provider's alias, if any. */
  declare public readonly alias?: string;

  constructor(scope: Construct, id: string, config: KubernetesProviderConfig = {}) {
    const provider = new (hostOf(scope).resources.Provider)(scope, id, config);
    PROVIDERS.add(provider);
    // The host's TerraformProvider subclass stands in for this object.
    return provider as unknown as KubernetesProvider;
  }
}

