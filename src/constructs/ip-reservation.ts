import { Construct } from "constructs";
import type { IpReservationManifest } from "../model/calico";
import type { ReservationDeclaration } from "../spec/types";
import { CalicoIpam } from "./calico-ipam";
import type { KubernetesManifestResource } from "./host/types";

/**
 * Properties of an {@link IpReservation}.
 * @see https://docs.tigera.io/calico/latest/reference/resources/ipreservation
 */
export interface IpReservationProps {
  /**
   * The IPReservation's name (DNS-1123 subdomain).
   * @default - the construct id
   */
  readonly name?: string;
  /** Addresses or CIDRs (IPv4 or IPv6) that automatic assignment must never hand out. */
  readonly reservedCidrs: string[];
  /**
   * Labels on the IPReservation object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A Calico `IPReservation`: addresses inside pools that automatic assignment never hands out (a
 * fixed address's neighbours, a range a firewall treats specially). Pods that ask for a reserved
 * address by `cni.projectcalico.org/ipAddrs` can still get it. Warns when a reservation covers more
 * than about 10% of a pool (Calico's advice), a whole pool, or no pool at all.
 */
export class IpReservation extends Construct {
  /** The `kubernetes_manifest` resource. */
  public readonly resource: KubernetesManifestResource;
  /** The declaration this reservation contributes to the plan. */
  public readonly declaration: ReservationDeclaration;
  private readonly ipam: CalicoIpam;

  constructor(scope: Construct, id: string, props: IpReservationProps) {
    super(scope, id);
    this.ipam = CalicoIpam.of(this);
    this.declaration = { name: props.name ?? id, reservedCidrs: [...props.reservedCidrs], labels: props.labels };
    this.ipam._registerReservation(this);
    this.resource = new this.ipam._host.resources.Manifest(this, "Resource", {
      provider: this.ipam.provider,
      manifest: this.ipam._host.lib.Lazy.anyValue({ produce: () => this.manifest() }),
    });
  }

  /** The manifest as it will be emitted. */
  public manifest(): IpReservationManifest {
    return this.ipam.plan().reservations[this.ipam._reservationIndex(this)].manifest;
  }
}
