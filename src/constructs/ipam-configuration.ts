import { Construct } from "constructs";
import { ipamConfigurationKind, type IpamConfigurationManifest, type KubeVirtAddressPersistence } from "../model/calico";
import type { IpamConfigurationDeclaration } from "../spec/types";
import { CalicoIpam } from "./calico-ipam";
import type { KubernetesManifestResource } from "./host/types";
import { guardSingleton, manifestImportId, SingletonProps } from "./singleton";

/**
 * Properties of the cluster's {@link IpamConfiguration}.
 * @see https://docs.tigera.io/calico/latest/reference/resources/ipamconfig
 */
export interface IpamConfigurationProps extends SingletonProps {
  /**
   * Hosts only assign addresses from blocks they own and never borrow from other hosts' blocks.
   * Required for Windows nodes.
   * @default false
   */
  readonly strictAffinity?: boolean;
  /**
   * Hosts claim new blocks on their own when theirs are full.
   * @default true
   */
  readonly autoAllocateBlocks?: boolean;
  /**
   * The most blocks one host may own, per IP family. `0` does **not** mean unlimited: Calico then
   * allows 20. At the limit a pod that needs a new block fails; it does not borrow.
   * @default - unset, which Calico treats as 20
   */
  readonly maxBlocksPerHost?: number;
  /**
   * Whether KubeVirt VMs keep their addresses across restarts and migrations.
   * @default - Calico's default, "Enabled"
   */
  readonly kubeVirtVMAddressPersistence?: KubeVirtAddressPersistence;
}

/**
 * Calico's cluster-wide IPAM settings: the singleton `IPAMConfiguration` (`IPAMConfig` in
 * crd.projectcalico.org/v1) named `default`. One per {@link CalicoIpam}. The object usually exists in a
 * running cluster: `adopt: true` imports it; it is protected from `terraform destroy` unless `protect: false`.
 */
export class IpamConfiguration extends Construct {
  /** The `kubernetes_manifest` resource. */
  public readonly resource: KubernetesManifestResource;
  /** The declaration this configuration contributes to the plan. */
  public readonly declaration: IpamConfigurationDeclaration;
  /**
   * The `kubernetes_manifest` import ID of the object: `apiVersion=projectcalico.org/v3,kind=IPAMConfiguration,name=default`
   * (`apiVersion=crd.projectcalico.org/v1,kind=IPAMConfig,name=default` with the v1 API group).
   */
  public readonly importId: string;
  private readonly ipam: CalicoIpam;

  constructor(scope: Construct, id: string, props: IpamConfigurationProps = {}) {
    super(scope, id);
    this.ipam = CalicoIpam.of(this);
    const { protect, adopt, ...declaration } = props;
    this.declaration = declaration;
    this.ipam._registerConfiguration(this);
    this.resource = new this.ipam._host.resources.Manifest(this, "Resource", {
      provider: this.ipam.provider,
      manifest: this.ipam._host.lib.Lazy.anyValue({ produce: () => this.manifest() }),
    });
    this.importId = manifestImportId(this.ipam.apiVersion, ipamConfigurationKind(this.ipam.apiVersion), "default");
    guardSingleton(this.resource, { protect, adopt }, this.importId, this.ipam.provider, this.node.path);
  }

  /** The manifest as it will be emitted. */
  public manifest(): IpamConfigurationManifest {
    const planned = this.ipam.plan().ipamConfiguration;
    if (!planned) throw new Error(`${this.node.path}: the IPAM configuration is missing from the plan (internal error)`);
    return planned.manifest;
  }
}
