import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { main } from "../../src/cli/main";
import { MAX_SELECTOR_DEPTH } from "../../src/limits";
import { planIpam } from "../../src/plan/plan";
import { SelectorSyntaxError, parseSelector } from "../../src/selector";
import { simulateAllocation } from "../../src/simulator";

/**
 * Fuzzing with hostile input: YAML text, spec files, selectors and plan declarations made of the
 * pieces that broke the tool before (aliases, deep nesting, huge numbers, wrong types, NUL bytes).
 * Every case must end in exit 0, 1 or 2 with no stack trace. Time and memory per case are bounded by
 * the limits of src/limits.ts (the inputs here are far below the input cap, and every number that
 * sizes work is checked against a limit before the work), not by a clock.
 *
 * Fixed seed and bounded runs, so the suite is deterministic and takes a few seconds.
 */
const SETTINGS = { seed: 15, numRuns: 120 } as const;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-fuzz-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
async function runOn(command: readonly string[], content: string | Buffer) {
  const file = path.join(dir, `case-${counter++}.yaml`);
  fs.writeFileSync(file, content);
  let out = "";
  const code = await main([...command, file], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  fs.rmSync(file, { force: true });
  return { code, out };
}

function expectNoCrash(r: { code: number; out: string }): void {
  expect([0, 1, 2]).toContain(r.code);
  expect(r.out).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
  expect(r.out).not.toMatch(/internal error/);
}

/** Pieces of YAML that made trouble: anchors and aliases, merge keys, flow and block nesting, odd scalars. */
const yamlPiece = fc.constantFrom(
  "apiVersion: projectcalico.org/v3\n", "kind: IPPool\n", "kind: IPReservation\n", "kind: IPAMConfiguration\n", "metadata: {name: p}\n",
  "spec:\n", "  cidr: 10.0.0.0/16\n", "  cidr: 10.0.0.1/33\n", "  blockSize: 1e12\n", "  allowedUses: Workload\n", "  reservedCIDRs: [1, 2]\n",
  "  nodeSelector: \"((((a == 'b'\"\n", "&a ", "*a", "<<: *a\n", "<<: ", "[", "]", "{", "}", "- ", "? ", ": ", ", ", "\n", "  ", "---\n",
  "'", "\"", "#", "|\n", ">\n", "!!binary ", "!!str ", "~", ".nan", "-.inf", "0x1F", "1e309", "\u0000", "\uFEFF", "\uFFFD", "é", "__proto__: x\n",
  "kind: List\nitems:\n", "spec: 5\n", "metadata: []\n", "spec: {reservedCIDRs: 10.0.0.0/8}\n",
);

describe("fuzzing: hostile YAML never crashes lint or plan --cluster", () => {
  test("random YAML made of troublesome pieces: exit 0, 1 or 2, no stack trace", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(yamlPiece, { maxLength: 40 }), fc.constantFrom(["lint"], ["plan", "--cluster"]), async (pieces, command) => {
        expectNoCrash(await runOn(command, pieces.join("")));
      }),
      SETTINGS,
    );
  });

  test("random bytes (binary, UTF-16, gzip headers, NULs): exit 2 or a normal result, no stack trace", async () => {
    const head = fc.constantFrom(Buffer.alloc(0), Buffer.from([0x1f, 0x8b]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff]), Buffer.from([0xef, 0xbb, 0xbf]));
    await fc.assert(
      fc.asyncProperty(head, fc.uint8Array({ maxLength: 300 }), async (h, body) => {
        expectNoCrash(await runOn(["lint"], Buffer.concat([h, Buffer.from(body)])));
      }),
      SETTINGS,
    );
  });
});

/** Values that break code which trusts its input: wrong types, huge and negative numbers, odd strings. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, "", "x", "Node_1", "n".repeat(300), "10.0.0.0/8", "n-{i:999999999}", "rack-{i}", "__proto__", -1, 0, 1, 3, 1e12, 3e9, 1e15, 1.5, 2 ** 53),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.array(fc.constantFrom("a", 1, null), { maxLength: 3 }),
);

const hostileSpec = fc.record(
  {
    pools: fc.array(
      fc.record(
        { name: fc.oneof(fc.constantFrom("a", "b", "a"), hostileValue), cidr: fc.oneof(fc.constantFrom("10.0.0.0/16", "10.0.0.0/24", "fd00::/64"), hostileValue), blockSize: hostileValue, nodeSelector: hostileValue, prefixLength: hostileValue, addressSpace: hostileValue },
        { requiredKeys: ["name"] },
      ),
      { maxLength: 4 },
    ),
    addressSpaces: fc.constant([{ name: "s", cidr: "10.0.0.0/8" }]),
    topology: fc.record(
      {
        nodes: fc.array(fc.record({ name: hostileValue, namePattern: hostileValue, count: hostileValue, maxPods: hostileValue, startIndex: hostileValue }, { requiredKeys: [] }), { maxLength: 4 }),
        workloads: fc.array(fc.record({ name: hostileValue, namespace: hostileValue, replicas: hostileValue }, { requiredKeys: [] }), { maxLength: 3 }),
      },
      { requiredKeys: ["nodes"] },
    ),
  },
  { requiredKeys: ["pools"] },
);

/** Pieces of cluster dumps: Calico's IPAM kinds in both API groups, nodes and pods, names of every object's properties as API versions, kinds and names, broken blocks. */
const dumpPiece = fc.constantFrom(
  "apiVersion: crd.projectcalico.org/v1\n", "apiVersion: projectcalico.org/v3\n", "apiVersion: v1\n", "apiVersion: constructor\n", "apiVersion: __proto__\n", "apiVersion: toString\n",
  "kind: IPAMBlock\n", "kind: BlockAffinity\n", "kind: IPAMHandle\n", "kind: IPPool\n", "kind: IPAMConfig\n", "kind: Node\n", "kind: Pod\n", "kind: List\nitems:\n", "kind: constructor\n", "kind: hasOwnProperty\n",
  "metadata: {name: 10-0-0-0-26}\n", "metadata: {name: constructor, namespace: __proto__}\n", "metadata: {name: n1, annotations: {projectcalico.org/IPv4VXLANTunnelAddr: 10.0.0.0}}\n",
  "spec:\n", "  cidr: 10.0.0.0/26\n", "  cidr: 10.0.0.1/33\n", "  allocations: [0, null, 99, -1]\n", "  attributes: [{handle_id: h, secondary: {node: n1}}]\n", "  unallocated: [1, 1, 64]\n",
  "  affinity: host:n1\n", "  handleID: h\n", "  block: {10.0.0.0/26: 1, __proto__: 2}\n", "  sequenceNumberForAllocation: {0: 1e30}\n", "  node: n1\n", "  state: confirmed\n",
  "status: {podIPs: [{ip: 10.0.0.1}], phase: Running}\n", "  - ", "---\n", "\n", "  ", "[", "{", "}", "__proto__: x\n", "constructor: {}\n",
);

describe("fuzzing: hostile dumps never crash inspect", () => {
  test("random dump YAML made of IPAM kinds and troublesome pieces: exit 0, 1 or 2, no stack trace", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(dumpPiece, yamlPiece), { maxLength: 40 }), async (pieces) => {
        expectNoCrash(await runOn(["inspect"], pieces.join("")));
      }),
      SETTINGS,
    );
  });
});

describe("fuzzing: hostile spec files never crash plan or render", () => {
  test("random spec files with wrong types and huge numbers: exit 0, 1 or 2, no stack trace", async () => {
    await fc.assert(
      fc.asyncProperty(hostileSpec, fc.constantFrom(["plan"], ["render", "--no-ledger"]), async (spec, command) => {
        expectNoCrash(await runOn(command, JSON.stringify(spec)));
      }),
      SETTINGS,
    );
  });
});

describe("fuzzing: the core behind the constructs takes hostile declarations without throwing", () => {
  test("planIpam and the simulator return findings for declarations of any shape (as plain JavaScript may pass them)", () => {
    fc.assert(
      fc.property(hostileSpec, (spec) => {
        const plan = planIpam(spec as never);
        const topology = (spec as { topology?: { nodes: unknown[]; workloads?: unknown[] } }).topology ?? { nodes: [] };
        simulateAllocation({ pools: plan.pools.flatMap((p) => (p.effective ? [p.effective] : [])), topology: topology as never });
      }),
      SETTINGS,
    );
  });
});

describe("fuzzing: the selector parser", () => {
  const selectorPiece = fc.constantFrom("(", ")", "!", "&&", "||", "a", "b/c", " == ", " != ", '"v"', "'v'", " in ", " not in ", "{", "}", ",", "has(a)", "all()", "global()", " contains ", " starts with ", " ", "\u0000");
  test("random selectors parse or throw SelectorSyntaxError, never anything else", () => {
    fc.assert(
      fc.property(fc.array(selectorPiece, { maxLength: 60 }), fc.nat({ max: 3 * MAX_SELECTOR_DEPTH }), (pieces, depth) => {
        const text = "(".repeat(depth) + pieces.join("") + ")".repeat(depth);
        try {
          const selector = parseSelector(text);
          expect(typeof selector.toString()).toBe("string");
          selector.matches({ a: "v" });
        } catch (e) {
          expect(e).toBeInstanceOf(SelectorSyntaxError);
        }
      }),
      { seed: 15, numRuns: 300 },
    );
  });
});
