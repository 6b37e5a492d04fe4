/**
 * The cluster dump of the inspect bench, written directly as text (no simulation, no object tree), as
 * `kubectl get … -o json` writes it: 4-space indent, keys in sorted order, the metadata kubectl shows
 * (creationTimestamp, generation, name, resourceVersion, uid). Deterministic: the same bytes every run.
 *
 * The cluster: 5,000 nodes in four racks, one IPv4 pool per rack (/14, /26 blocks, VXLAN) plus an IPv6
 * /48 pool with no block (2^74 blocks: nothing may be walked per block of a pool). Every node holds two
 * blocks: the first full (its VXLAN tunnel address and 63 pods), the second with 36 pods and 28 free
 * ordinals: 10,000 blocks, 500,000 allocations (5,000 tunnel addresses, 495,000 pods), 500,000 IPAM
 * handles, 10,000 block affinities, 5,000 nodes (with the status kubelet reports: about 17 KB each), the
 * pools and the IPAM configuration. Sequence numbers are nanosecond times past 2^53, as Calico writes
 * them. A consistent cluster: `inspect` finds no error.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

export const NODES = 5000;
export const RACKS = 4;
export const BLOCKS = 10_000;
export const ALLOCATIONS = 500_000;
/** Pods per node: 63 in the first block (after the tunnel address), 36 in the second. */
const FIRST_PODS = 63;
const SECOND_PODS = 36;
const V1 = "crd.projectcalico.org/v1";
/** 2026-01-01T00:00:00Z in nanoseconds: Calico's sequence numbers start at a claim time. */
const EPOCH_NS = 1_767_225_600_000_000_000n;
const CREATED = "2026-01-01T00:00:00Z";

/** A file written in chunks of about 4 MB. */
class Out {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(readonly file: string) {
    this.fd = openSync(file, "w");
  }
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 4 * 1024 * 1024) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes a kubectl-style JSON `List` whose items are the given texts (each a `{…}` at 8 spaces, no trailing newline). */
export function writeList(file: string, items: Iterable<string>): string {
  const out = new Out(file);
  out.push('{\n    "apiVersion": "v1",\n    "items": [');
  let first = true;
  for (const item of items) {
    out.push(first ? "\n" : ",\n");
    out.push(item);
    first = false;
  }
  out.push(first ? "]" : "\n    ]");
  out.push(',\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  out.close();
  return file;
}

/** An object as kubectl prints it inside `items` (8 spaces in), keys sorted at every level. */
export function itemText(value: unknown): string {
  return `        ${JSON.stringify(sortKeys(value), null, 4).replace(/\n/g, "\n        ")}`;
}

/** A value with the keys of every object in sorted order, as kubectl (Go's encoding/json) writes them. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortKeys(o[k])]),
  );
}

/** A deterministic 32-bit mix (splitmix-like), for ids that look random. */
function mix(x: number): number {
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hex(seed: number, words: number): string {
  let s = "";
  for (let w = 0; w < words; w++) s += mix(seed * 8 + w).toString(16).padStart(8, "0");
  return s;
}

function uid(seed: number): string {
  const h = hex(seed + 0x40000000, 4);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function nodeName(n: number): string {
  const rack = Math.floor(n / (NODES / RACKS));
  return `rack${rack}-node-${String(n % (NODES / RACKS)).padStart(4, "0")}`;
}

/** Images a node reports (kubelet reports up to 50, `--node-status-max-images`): each by digest and tag. */
const NODE_IMAGES = 30;
/** The conditions kubelet reports, with Calico's `NetworkUnavailable`: type, status, reason, message. */
const NODE_CONDITIONS: ReadonlyArray<readonly [string, string, string, string]> = [
  ["NetworkUnavailable", "False", "CalicoIsUp", "Calico is running on this node"],
  ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
  ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
  ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
  ["Ready", "True", "KubeletReady", "kubelet is posting ready status"],
];

/**
 * Node `n` as `kubectl get nodes -o json` shows a kubelet's node (about 17 KB): labels and annotations a
 * cloud node carries, and the status kubelet reports — addresses, capacity, conditions, images, node
 * info. The reader keeps only the name, labels, tunnel annotations and pod CIDRs; the rest is read and
 * checked as JSON all the same.
 */
function nodeObject(n: number): Record<string, unknown> {
  const name = nodeName(n);
  const rack = String(Math.floor(n / (NODES / RACKS)));
  const zone = `eu-west-1${"abc"[n % 3]}`;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      annotations: {
        "csi.volume.kubernetes.io/nodeid": JSON.stringify({ "ebs.csi.aws.com": `i-${hex(n + 0x500000, 3).slice(0, 17)}` }),
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "projectcalico.org/IPv4Address": `192.168.${n >> 8}.${n & 255}/16`,
        "projectcalico.org/IPv4VXLANTunnelAddr": ipv4(blockNetwork(n, false)),
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
      creationTimestamp: CREATED,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": "m5.4xlarge",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": "m5.4xlarge",
        rack,
        "topology.kubernetes.io/region": "eu-west-1",
        "topology.kubernetes.io/zone": zone,
      },
      name,
      resourceVersion: String(300_000 + n),
      uid: uid(300_000 + n),
    },
    spec: { podCIDR: `10.${200 + (n >> 8)}.${n & 255}.0/24`, podCIDRs: [`10.${200 + (n >> 8)}.${n & 255}.0/24`], providerID: `aws:///${zone}/i-${hex(n + 0x500000, 3).slice(0, 17)}` },
    status: {
      addresses: [
        { address: `192.168.${n >> 8}.${n & 255}`, type: "InternalIP" },
        { address: name, type: "Hostname" },
      ],
      allocatable: { cpu: "16", "ephemeral-storage": "95491281146", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "65747732Ki", pods: "110" },
      capacity: { cpu: "16", "ephemeral-storage": "103612700Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "65850132Ki", pods: "110" },
      conditions: NODE_CONDITIONS.map(([type, status, reason, message]) => ({ lastHeartbeatTime: CREATED, lastTransitionTime: CREATED, message, reason, status, type })),
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: Array.from({ length: NODE_IMAGES }, (_, k) => ({
        names: [`registry.example.com/team-${k % 7}/service-${k}@sha256:${hex(k * 7919 + (n % 16), 8)}`, `registry.example.com/team-${k % 7}/service-${k}:v1.${k}.${n % 10}`],
        sizeBytes: 50_000_000 + k * 1_234_567,
      })),
      nodeInfo: {
        architecture: "amd64",
        bootID: uid(600_000 + n),
        containerRuntimeVersion: "containerd://1.7.22",
        kernelVersion: "6.8.0-45-generic",
        kubeProxyVersion: "v1.31.1",
        kubeletVersion: "v1.31.1",
        machineID: hex(n + 0x700000, 4),
        operatingSystem: "linux",
        osImage: "Ubuntu 24.04.1 LTS",
        systemUUID: uid(800_000 + n),
      },
    },
  };
}

/** The two blocks of node `n`: network as a 32-bit number. */
function blockNetwork(n: number, second: boolean): number {
  const rack = Math.floor(n / (NODES / RACKS));
  const i = n % (NODES / RACKS);
  const pool = ((10 << 24) | ((64 + rack * 4) << 16)) >>> 0;
  return pool + (2 * i + (second ? 1 : 0)) * 64;
}

function ipv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

interface Owner {
  readonly handle: string;
  readonly secondary: readonly (readonly [string, string])[];
}

/** The owner of ordinal `o` of node `n`'s first or second block. */
function owner(n: number, second: boolean, o: number): Owner {
  const node = nodeName(n);
  if (!second && o === 0) return { handle: `vxlan-tunnel-addr-${node}`, secondary: [["node", node], ["type", "vxlanTunnelAddress"]] };
  const p = n * (FIRST_PODS + SECOND_PODS) + (second ? FIRST_PODS + o : o - 1);
  const k = p % 10;
  const pod = `app-${k}-${Math.floor(p / 10)}`;
  const namespace = `team-${k}`;
  const time = new Date(Date.parse(CREATED) + p * 1000).toISOString().replace(/\.000Z$/, "Z");
  return {
    handle: `k8s-pod-network.${hex(p, 8)}`,
    secondary: [
      ["namespace", namespace],
      ["node", node],
      ["pod", pod],
      ["timestamp", `${time.replace("T", " ").replace("Z", "")} +0000 UTC`],
    ],
  };
}

const I8 = "        ";

function metadataText(name: string, seed: number, indent: string): string {
  return (
    `${indent}"metadata": {\n` +
    `${indent}    "creationTimestamp": "${CREATED}",\n` +
    `${indent}    "generation": 1,\n` +
    `${indent}    "name": "${name}",\n` +
    `${indent}    "resourceVersion": "${1000 + seed}",\n` +
    `${indent}    "uid": "${uid(seed)}"\n` +
    `${indent}},\n`
  );
}

function blockText(n: number, second: boolean, seed: number): string {
  const network = blockNetwork(n, second);
  const cidr = `${ipv4(network)}/26`;
  const name = cidr.replace(/[./]/g, "-");
  const used = second ? SECOND_PODS : FIRST_PODS + 1;
  const base = EPOCH_NS + BigInt(seed) * 1_000_000n;
  const s = `${I8}        `; // spec's fields
  const v = `${s}    `; // their items
  const allocations: string[] = [];
  for (let o = 0; o < 64; o++) allocations.push(o < used ? String(o) : "null");
  const attributes: string[] = [];
  const sequences: string[] = [];
  for (let o = 0; o < used; o++) {
    const w = owner(n, second, o);
    attributes.push(`${v}{\n${v}    "handle_id": "${w.handle}",\n${v}    "secondary": {\n${w.secondary.map(([k, x]) => `${v}        "${k}": "${x}"`).join(",\n")}\n${v}    }\n${v}}`);
    sequences.push(`"${o}": ${base + BigInt(o)}`);
  }
  // sequenceNumberForAllocation: keys in Go's sorted (text) order.
  sequences.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const free: string[] = [];
  for (let o = used; o < 64; o++) free.push(String(o));
  const list = (xs: readonly string[]) => (xs.length === 0 ? "[]" : `[\n${xs.map((x) => `${v}${x}`).join(",\n")}\n${s}]`);
  return (
    `${I8}{\n` +
    `${I8}    "apiVersion": "${V1}",\n` +
    `${I8}    "kind": "IPAMBlock",\n` +
    metadataText(name, seed, `${I8}    `) +
    `${I8}    "spec": {\n` +
    `${s}"affinity": "host:${nodeName(n)}",\n` +
    `${s}"affinityClaimTime": "${new Date(Date.parse(CREATED) + seed * 1000).toISOString().replace(/\.000Z$/, "Z")}",\n` +
    `${s}"allocations": ${list(allocations)},\n` +
    `${s}"attributes": [\n${attributes.join(",\n")}\n${s}],\n` +
    `${s}"cidr": "${cidr}",\n` +
    `${s}"deleted": false,\n` +
    `${s}"sequenceNumber": ${base + BigInt(used)},\n` +
    `${s}"sequenceNumberForAllocation": {\n${sequences.map((x) => `${v}${x}`).join(",\n")}\n${s}},\n` +
    `${s}"strictAffinity": false,\n` +
    `${s}"unallocated": ${list(free)}\n` +
    `${I8}    }\n` +
    `${I8}}`
  );
}

function handleText(handle: string, block: string, seed: number): string {
  const s = `${I8}        `;
  return (
    `${I8}{\n` +
    `${I8}    "apiVersion": "${V1}",\n` +
    `${I8}    "kind": "IPAMHandle",\n` +
    metadataText(handle.toLowerCase(), seed, `${I8}    `) +
    `${I8}    "spec": {\n` +
    `${s}"block": {\n${s}    "${block}": 1\n${s}},\n` +
    `${s}"deleted": false,\n` +
    `${s}"handleID": "${handle}"\n` +
    `${I8}    }\n` +
    `${I8}}`
  );
}

/** The blocks of every node, in name order (kubectl lists objects by name). */
function blocksByName(): Array<{ n: number; second: boolean; name: string }> {
  const out: Array<{ n: number; second: boolean; name: string }> = [];
  for (let n = 0; n < NODES; n++) for (const second of [false, true]) out.push({ n, second, name: `${ipv4(blockNetwork(n, second))}/26`.replace(/[./]/g, "-") });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The files {@link writeInspectDump} writes, in the order they are read. */
export const DUMP_FILES: readonly string[] = ["ippools.json", "ipamblocks.json", "blockaffinities.json", "ipamhandles.json", "nodes.json"];

/** Writes the dump's files into `dir`; returns their paths (pools first). */
export function writeInspectDump(dir: string): string[] {
  const pools = [...Array(RACKS).keys()].map((r) => ({
    apiVersion: V1,
    kind: "IPPool",
    metadata: { creationTimestamp: CREATED, generation: 1, name: `rack-${r}`, resourceVersion: String(10 + r), uid: uid(900_000 + r) },
    spec: { allowedUses: ["Workload", "Tunnel"], blockSize: 26, cidr: `10.${64 + r * 4}.0.0/14`, ipipMode: "Never", natOutgoing: true, nodeSelector: `rack == "${r}"`, vxlanMode: "Always" },
  }));
  const v6 = { allowedUses: ["Workload"], blockSize: 122, cidr: "fd00:10::/48", ipipMode: "Never", natOutgoing: false, nodeSelector: "all()", vxlanMode: "Never" };
  const config = { apiVersion: V1, kind: "IPAMConfig", metadata: { creationTimestamp: CREATED, generation: 1, name: "default", resourceVersion: "20", uid: uid(900_010) }, spec: { autoAllocateBlocks: true, maxBlocksPerHost: 0, strictAffinity: false } };
  const files = [
    writeList(join(dir, "ippools.json"), [
      ...pools.map(itemText),
      itemText({ apiVersion: V1, kind: "IPPool", metadata: { creationTimestamp: CREATED, generation: 1, name: "pods-v6", resourceVersion: "15", uid: uid(900_005) }, spec: v6 }),
      itemText(config),
    ]),
  ];
  const blocks = blocksByName();
  files.push(
    writeList(
      join(dir, "ipamblocks.json"),
      (function* () {
        let seed = 0;
        for (const b of blocks) yield blockText(b.n, b.second, seed++);
      })(),
    ),
  );
  files.push(
    writeList(
      join(dir, "blockaffinities.json"),
      (function* () {
        const names = blocks.map((b) => ({ name: `${nodeName(b.n)}-${b.name}`, b })).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        let seed = 100_000;
        for (const { name, b } of names) {
          yield itemText({
            apiVersion: V1,
            kind: "BlockAffinity",
            metadata: { creationTimestamp: CREATED, generation: 1, name, resourceVersion: String(seed), uid: uid(seed++) },
            spec: { cidr: `${ipv4(blockNetwork(b.n, b.second))}/26`, deleted: "false", node: nodeName(b.n), state: "confirmed", type: "host" },
          });
        }
      })(),
    ),
  );
  // Handles by name: the handle IDs with the block each holds an address in.
  const handles: Array<{ handle: string; block: string }> = [];
  for (let n = 0; n < NODES; n++) {
    for (const second of [false, true]) {
      const block = `${ipv4(blockNetwork(n, second))}/26`;
      const used = second ? SECOND_PODS : FIRST_PODS + 1;
      for (let o = 0; o < used; o++) handles.push({ handle: owner(n, second, o).handle, block });
    }
  }
  handles.sort((a, b) => (a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0));
  files.push(
    writeList(
      join(dir, "ipamhandles.json"),
      (function* () {
        let seed = 200_000;
        for (const h of handles) yield handleText(h.handle, h.block, seed++);
      })(),
    ),
  );
  files.push(
    writeList(
      join(dir, "nodes.json"),
      (function* () {
        for (let n = 0; n < NODES; n++) {
          yield itemText(nodeObject(n));
        }
      })(),
    ),
  );
  return files;
}

// Run as a script only when this file is the main module itself: a bench worker that bundles this module
// (bench/registry.ts, buildWorkers) is `require.main` too, and must not write a dump over the one it reads.
if (require.main === module && /inspect-dump\.[cm]?[jt]s$/.test(require.main.filename)) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: tsx bench/inspect-dump.ts DIR");
  const t0 = performance.now();
  console.log(writeInspectDump(dir).join("\n"));
  console.error(`written in ${Math.round(performance.now() - t0)} ms, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}
