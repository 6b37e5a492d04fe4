import { Construct } from "constructs";
import type { IpPoolManifest } from "../model/calico";
import type { CalicoIpam } from "./calico-ipam";
import { sanitizeOutputId } from "./calico-ipam";
import type { KubernetesManifestResource } from "./host/types";

/**
 * A pool removed from the code that the ledger records as draining: emitted as an IPPool with
 * `disabled: true` and the spec the ledger recorded, so that pods that hold its addresses keep them
 * (and their routes, encapsulation and NAT) while they are moved, until the pool is released as
 * drained (`calico-ipam ledger release <name>`, or the CalicoIpam's `ledger.release` prop). Then the
 * plan no longer has it and the next apply deletes the IPPool.
 *
 * The CalicoIpam adds one for each draining pool when the stack is synthesized (operator mode needs
 * none: the draining pool stays in the Installation with `nodeSelector: "!all()"`). Its construct id is
 * the pool's name, so a pool declared as `addPool(name, ...)` keeps its Terraform address
 * (`<ipam>/<name>/Resource`) and Terraform updates the IPPool in place instead of deleting it.
 */
export class DrainingIpPool extends Construct {
  /** The `kubernetes_manifest` resource of the disabled IPPool. */
  public readonly resource: KubernetesManifestResource;

  constructor(ipam: CalicoIpam, id: string, manifest: IpPoolManifest) {
    super(ipam, id);
    this.resource = emitPool(this, ipam, manifest, "draining: disabled until it is released");
  }
}

/**
 * A pool a migration emits that no {@link IpPool} of the code declares: the temporary pool of
 * `changeBlockSize`/`changeCidr`, or the source of `migratePool` once removed from the code. Its
 * construct id is the pool's name, like {@link DrainingIpPool}'s, so its Terraform address does not
 * change when the migration's next phase disables it.
 */
export class MigrationIpPool extends Construct {
  /** The `kubernetes_manifest` resource of the IPPool. */
  public readonly resource: KubernetesManifestResource;

  constructor(ipam: CalicoIpam, id: string, manifest: IpPoolManifest) {
    super(ipam, id);
    this.resource = emitPool(this, ipam, manifest, "emitted by a migration");
  }
}

/** The IPPool resource and its CIDR output (named as an {@link IpPool}'s) of a pool no IpPool declares. */
function emitPool(scope: Construct, ipam: CalicoIpam, manifest: IpPoolManifest, why: string): KubernetesManifestResource {
  const resource = new ipam._host.resources.Manifest(scope, "Resource", { provider: ipam.provider, manifest: manifest as unknown as Record<string, unknown> });
  new ipam._host.lib.TerraformOutput(scope, "Cidr", {
    value: manifest.spec.cidr,
    description: `CIDR of the Calico IP pool ${manifest.metadata.name} (${why})`,
  }).overrideLogicalId(`${sanitizeOutputId(ipam.node.id)}_${sanitizeOutputId(manifest.metadata.name)}_cidr`);
  return resource;
}
