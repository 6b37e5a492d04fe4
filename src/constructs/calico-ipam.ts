import * as path from "path";
import { Annotations, TerraformProvider, TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct, IConstruct, IValidation } from "constructs";
import { writeFileAtomic } from "../io/atomic-write";
import { API_V3, CalicoApiVersion } from "../model/calico";
import { IpamPlan, planIpam, planObjects } from "../plan/plan";
import { toMultiDocumentYaml } from "../render/yaml";
import type { IpamSpec } from "../spec/types";
import type { Finding } from "../validation/finding";
import { IpPool, IpPoolProps } from "./ip-pool";
import { IpamConfiguration, IpamConfigurationProps } from "./ipam-configuration";

/** Properties of a {@link CalicoIpam}. */
export interface CalicoIpamProps {
  /**
   * The API group of emitted Calico objects. `crd.projectcalico.org/v1` writes Calico's storage objects
   * directly and bypasses Calico's validation and defaulting; the library then writes every default
   * explicitly and warns.
   * @default "projectcalico.org/v3"
   */
  readonly apiVersion?: CalicoApiVersion;
  /**
   * The kubernetes provider the `kubernetes_manifest` resources use.
   * @default - the stack's default kubernetes provider
   */
  readonly provider?: TerraformProvider;
  /**
   * Name of the multi-document YAML file with every Calico object of the stack, written into the
   * stack's output folder at synth (`cdktf.out/stacks/<stack>/`). `false` writes none.
   * @default "calico-ipam.yaml"
   */
  readonly yamlFileName?: string | false;
}

/**
 * A cluster's Calico IPAM: owns its {@link IpPool}s and its {@link IpamConfiguration}, checks the rules
 * across pools (overlaps, duplicate names), reports every problem at synth with its construct path, and
 * writes the Calico objects as YAML beside the Terraform configuration.
 *
 * @example
 * const ipam = new CalicoIpam(stack, "ipam");
 * ipam.addPool("pods-v4", { cidr: "10.244.0.0/16", natOutgoing: true });
 * ipam.configure({ strictAffinity: true, maxBlocksPerHost: 8 });
 */
export class CalicoIpam extends Construct {
  /** Finds the CalicoIpam a construct belongs to (itself or its nearest enclosing one). */
  public static of(construct: IConstruct): CalicoIpam {
    for (const scope of construct.node.scopes.slice().reverse()) {
      if (scope instanceof CalicoIpam) return scope;
    }
    throw new Error(
      `${construct.node.path}: Calico IPAM objects must be created inside a CalicoIpam construct, e.g. new IpPool(ipam, "${construct.node.id}", {...}) where ipam = new CalicoIpam(stack, "ipam")`,
    );
  }

  /** The API group of emitted objects. */
  public readonly apiVersion: CalicoApiVersion;
  /** The kubernetes provider of the emitted resources, if one was given. */
  public readonly provider?: TerraformProvider;
  /** The YAML file name, or undefined when none is written. */
  public readonly yamlFileName?: string;
  private readonly poolList: IpPool[] = [];
  private configuration?: IpamConfiguration;
  private cachedPlan?: IpamPlan;

  constructor(scope: Construct, id: string, props: CalicoIpamProps = {}) {
    super(scope, id);
    this.apiVersion = props.apiVersion ?? API_V3;
    this.provider = props.provider;
    this.yamlFileName = props.yamlFileName === false ? undefined : (props.yamlFileName ?? "calico-ipam.yaml");
    if (this.yamlFileName !== undefined && (this.yamlFileName === "" || path.basename(this.yamlFileName) !== this.yamlFileName)) {
      throw new Error(`${this.node.path}: yamlFileName must be a plain file name such as "calico-ipam.yaml", got "${this.yamlFileName}"`);
    }
    this.node.addValidation(new FindingsValidation(this, () => this.plan().findings));
    addCustomSynthesis(this, { onSynthesize: (session) => this.writeYaml(session) });
  }

  /** Adds an IP pool. */
  public addPool(id: string, props: IpPoolProps): IpPool {
    return new IpPool(this, id, props);
  }

  /** Sets the cluster's IPAM configuration (once). */
  public configure(props: IpamConfigurationProps = {}): IpamConfiguration {
    return new IpamConfiguration(this, "Configuration", props);
  }

  /** The pools, in the order they were declared. */
  public get pools(): readonly IpPool[] {
    return [...this.poolList];
  }

  /** The address plan as a serializable spec. */
  public get spec(): IpamSpec {
    return {
      apiVersion: this.apiVersion,
      pools: this.poolList.map((p) => p.declaration),
      ...(this.configuration ? { ipamConfiguration: this.configuration.declaration } : {}),
    };
  }

  /** The resolved and validated plan. */
  public plan(): IpamPlan {
    this.cachedPlan ??= planIpam(this.spec);
    return this.cachedPlan;
  }

  /** @internal */
  public _registerPool(pool: IpPool): void {
    this.poolList.push(pool);
    this.cachedPlan = undefined;
    pool.node.addValidation(new FindingsValidation(pool, () => this.plan().pools[this._poolIndex(pool)].findings));
  }

  /** @internal */
  public _poolIndex(pool: IpPool): number {
    return this.poolList.indexOf(pool);
  }

  /** @internal */
  public _registerConfiguration(config: IpamConfiguration): void {
    if (this.configuration) {
      throw new Error(
        `${config.node.path}: ${this.node.path} already has an IPAM configuration (${this.configuration.node.path}); Calico reads a single one, named "default"`,
      );
    }
    this.configuration = config;
    this.cachedPlan = undefined;
    config.node.addValidation(new FindingsValidation(config, () => this.plan().ipamConfiguration?.findings ?? []));
  }

  private writeYaml(session: { outdir: string; manifest: { forStack(stack: TerraformStack): { workingDirectory: string } } }): void {
    if (this.yamlFileName === undefined) return;
    const stack = TerraformStack.of(this);
    // One file per stack: the first CalicoIpam of the stack writes the objects of all of them.
    const all = stack.node.findAll().filter((c): c is CalicoIpam => c instanceof CalicoIpam && c.yamlFileName === this.yamlFileName);
    if (all[0] !== this) return;
    const objects = all.flatMap((ipam) => planObjects(ipam.plan()));
    const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    const header = `Calico IPAM objects of stack "${stack.node.id}", generated by cdktf-calico-ipam. Do not edit: change the cdktf app and synthesize again.`;
    writeFileAtomic(path.join(dir, this.yamlFileName), toMultiDocumentYaml(objects, header));
  }
}

/**
 * Turns findings into construct validation errors (so synth reports every problem at once, each with
 * its construct path) and warnings into cdktf annotations, once each.
 */
class FindingsValidation implements IValidation {
  private readonly warned = new Set<string>();
  constructor(
    private readonly scope: IConstruct,
    private readonly findings: () => readonly Finding[],
  ) {}

  public validate(): string[] {
    const errors: string[] = [];
    for (const f of this.findings()) {
      const text = `${f.code} at ${f.path || "(object)"}: ${f.message}`;
      if (f.severity === "error") {
        errors.push(text);
      } else if (!this.warned.has(text)) {
        this.warned.add(text);
        Annotations.of(this.scope).addWarning(text);
      }
    }
    return errors;
  }
}
