import type * as CdktfModule from "cdktf";
import type { IConstruct } from "constructs";
import { kubernetesClasses, KubernetesClasses } from "./kubernetes-resources";

/** The construct frameworks the library runs on: CDK for Terraform and its continuation, CDK Terrain. */
export type HostName = "cdktf" | "cdktn";

/**
 * One host framework, as the constructs use it: its module (cdktn has cdktf's API under another
 * package name), its custom-synthesis hook, and the library's own kubernetes resource classes built on
 * its `TerraformResource`/`TerraformProvider`.
 *
 * The module is typed with cdktf's declarations (a type-only import: nothing of cdktf is loaded for a
 * cdktn app); only the members both hosts share are used.
 */
export interface Host {
  readonly name: HostName;
  readonly lib: typeof CdktfModule;
  readonly addCustomSynthesis: (construct: IConstruct, synthesis: { onSynthesize(session: SynthesisSession): void }) => void;
  readonly resources: KubernetesClasses;
}

/** What a host's synthesizer hands to a custom synthesis. */
export interface SynthesisSession {
  readonly outdir: string;
  readonly manifest: { forStack(stack: IConstruct): { workingDirectory: string } };
}

const JSII_RTTI = Symbol.for("jsii.rtti");
const hosts = new Map<HostName, Host>();

/**
 * The host a construct lives in, found from the class of its App (or, for a tree without an App, its
 * TerraformStack): `cdktf.App` means CDK for Terraform, `cdktn.App` CDK Terrain. Both frameworks mark
 * their objects with the same symbols, so the jsii type name of the class is what tells them apart.
 */
export function hostOf(scope: IConstruct): Host {
  const scopes = scope.node.scopes;
  for (const candidate of [scopes[0], ...scopes.slice(1).reverse()]) {
    const name = frameworkOf(candidate);
    if (name) return loadHost(name, candidate);
  }
  throw new Error(
    `${scope.node.path || "(root)"}: Calico IPAM constructs must be created in a CDK for Terraform or CDK Terrain app: ` +
      `put them into a TerraformStack of an App from "cdktf" or "cdktn" (npm install cdktn, or cdktf)`,
  );
}

/** The framework whose App or TerraformStack class (or a subclass of it) made this construct, if any. */
function frameworkOf(construct: IConstruct): HostName | undefined {
  for (let proto = Object.getPrototypeOf(construct); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const rtti = (proto.constructor as { [JSII_RTTI]?: { fqn?: string } })[JSII_RTTI];
    const fqn = Object.prototype.hasOwnProperty.call(proto.constructor, JSII_RTTI) ? rtti?.fqn : undefined;
    if (fqn === "cdktf.App" || fqn === "cdktf.TerraformStack") return "cdktf";
    if (fqn === "cdktn.App" || fqn === "cdktn.TerraformStack") return "cdktn";
  }
  return undefined;
}

function loadHost(name: HostName, marker: IConstruct): Host {
  let host = hosts.get(name);
  if (!host) {
    let lib: typeof CdktfModule;
    let synthesizer: { addCustomSynthesis: Host["addCustomSynthesis"] };
    try {
      // Host packages are optional peer dependencies: load only the one the app runs on.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      lib = require(name);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      synthesizer = require(`${name}/lib/synthesize/synthesizer`);
    } catch (e) {
      throw new Error(`${marker.node.path || "(root)"}: the app runs on ${name}, but cdktf-calico-ipam cannot load "${name}": ${(e as Error).message}`);
    }
    host = { name, lib, addCustomSynthesis: synthesizer.addCustomSynthesis, resources: kubernetesClasses(lib) };
    hosts.set(name, host);
  }
  if (!(marker instanceof host.lib.App) && !(marker instanceof host.lib.TerraformStack)) {
    throw new Error(
      `${marker.node.path || "(root)"}: the app's ${name} is not the copy cdktf-calico-ipam loads (two copies of "${name}" are installed); ` +
        `run npm ls ${name} and install one version`,
    );
  }
  return host;
}
