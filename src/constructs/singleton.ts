import type { ITerraformProvider, ITerraformResource } from "./host/types";

/**
 * How the library treats a cluster singleton that usually exists before Terraform manages it:
 * Calico's `IPAMConfiguration/default` and the Tigera operator's `Installation/default`.
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest#import
 */
export interface SingletonProps {
  /**
   * Guard the object against deletion: the resource gets Terraform's `lifecycle { prevent_destroy = true }`,
   * so `terraform destroy` (or a plan that would delete or replace it) fails instead of deleting it.
   * Deleting the operator's `Installation` removes Calico from the cluster. `false` lets Terraform delete it.
   * @default true
   * @see https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy
   */
  readonly protect?: boolean;
  /**
   * Adopt the object that already exists in the cluster: the resource gets a Terraform `import` block
   * (Terraform 1.5 or later) with the `kubernetes_manifest` import ID
   * `apiVersion=<apiVersion>,kind=<kind>,name=<name>`, so that the next apply takes it over instead of
   * failing because it exists. Once it is in the state the import block does nothing; remove the prop then
   * or keep it. Without it, run `terraform import` with the same ID (see the README).
   * @default false
   * @see https://developer.hashicorp.com/terraform/language/import
   */
  readonly adopt?: boolean;
}

/**
 * The `kubernetes_manifest` import ID of a cluster-scoped object: `apiVersion=<v>,kind=<Kind>,name=<name>`
 * (namespaced objects add `namespace=<ns>` before `name`).
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest#import
 */
export function manifestImportId(apiVersion: string, kind: string, name: string): string {
  return `apiVersion=${apiVersion},kind=${kind},name=${name}`;
}

/** Applies {@link SingletonProps} to the resource of a singleton. */
export function guardSingleton(resource: ITerraformResource, props: SingletonProps, importId: string, provider: ITerraformProvider | undefined, where: string): void {
  for (const key of ["protect", "adopt"] as const) {
    const value = props[key];
    if (value !== undefined && typeof value !== "boolean") {
      throw new Error(`${where}: ${key} must be true or false, got ${JSON.stringify(value)}`);
    }
  }
  if (props.protect ?? true) resource.addOverride("lifecycle.prevent_destroy", true);
  if (props.adopt) resource.importFrom(importId, provider);
}
