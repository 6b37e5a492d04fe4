/** The inspection of a ledger's `nodeCidrs` section: host-local IPAM mode's pod CIDRs of nodes. */
import { Cidr, findOverlaps } from "../ip";
import { describe, validateObjectName } from "../validation/names";
import { ProblemSink } from "./errors";
import { compareNames } from "./private/names";
import { pathSegment } from "./private/strict-json";

/**
 * @internal The valid entries of a `nodeCidrs` section, and a problem for each thing wrong. Nodes are checked in
 * code-unit order, so of two nodes whose CIDRs overlap the later one is reported.
 */
export function inspectNodeCidrs(raw: Record<string, unknown>, problem: ProblemSink): Array<[string, readonly string[]]> {
  const out: Array<[string, readonly string[]]> = [];
  const all: Cidr[] = [];
  const owners: Array<{ node: string; index: number }> = [];
  for (const node of Object.keys(raw).sort(compareNames)) {
    const checked = inspectNode(node, raw[node], problem);
    if (checked === undefined) continue;
    out.push([node, checked.list]);
    checked.cidrs.forEach((cidr, index) => {
      all.push(cidr);
      owners.push({ node, index });
    });
  }
  // `all` is in node order, and findOverlaps gives i < j: j is the later node.
  for (const [i, j] of findOverlaps(all)) {
    const a = owners[i];
    const b = owners[j];
    if (a.node === b.node) continue; // the two CIDRs of one node are of two families: never reached
    problem(
      "LEDGER_NODE_OVERLAP",
      `.nodeCidrs${pathSegment(b.node)}[${b.index}]`,
      `node "${b.node}" (${all[j].toString()}) overlaps node "${a.node}" (${all[i].toString()}); two nodes never share ` +
        `pod addresses. Rewrite both entries from the nodes' spec.podCIDRs (kubectl get node ${b.node} -o jsonpath='{.spec.podCIDRs}')`,
    );
  }
  return out;
}

/** One entry of `nodeCidrs`, checked: a frozen copy and the parsed CIDRs, or `undefined` after reporting what is wrong. */
function inspectNode(node: string, raw: unknown, problem: ProblemSink): { list: readonly string[]; cidrs: Cidr[] } | undefined {
  const at = `.nodeCidrs${pathSegment(node)}`;
  const nameProblems = validateObjectName(node, at);
  if (nameProblems.length > 0) {
    problem("LEDGER_NODE_NAME", at, `"${node}" is not a valid node name: ${nameProblems[0].message}`);
    return undefined;
  }
  if (!Array.isArray(raw)) {
    problem(
      "LEDGER_TYPE",
      at,
      `the pod CIDRs of node "${node}" must be a list of 1 or 2 CIDRs, such as ["10.244.0.0/24", "fd00:10:244::/64"], got ${describe(raw)}`,
    );
    return undefined;
  }
  let ok = true;
  const bad: ProblemSink = (code, path, message, advice) => {
    ok = false;
    problem(code, path, message, advice);
  };
  if (raw.length === 0) {
    bad(
      "LEDGER_NODE_CIDR_COUNT",
      at,
      `node "${node}" has no pod CIDR; a node is recorded with 1 CIDR, or 2 (one per IP family) when dual-stack. ` +
        `Remove the entry of a node that holds no pod CIDR`,
    );
  } else if (raw.length > 2) {
    bad(
      "LEDGER_NODE_CIDR_COUNT",
      at,
      `node "${node}" has ${raw.length} pod CIDRs; a node has 1, or 2 (one per IP family) when dual-stack, as in its spec.podCIDRs`,
    );
  }
  const cidrs: Cidr[] = [];
  for (let i = 0; i < raw.length; i++) {
    const text: unknown = raw[i];
    const path = `${at}[${i}]`;
    if (typeof text !== "string") {
      bad("LEDGER_TYPE", path, `the pod CIDRs of node "${node}" must be strings such as "10.244.0.0/24", got ${describe(text)}`);
      continue;
    }
    const parsed = Cidr.tryParse(text);
    if (!parsed.ok) {
      bad("LEDGER_NODE_CIDR_INVALID", path, parsed.error.message);
    } else if (parsed.cidr.toString() !== text) {
      bad("LEDGER_NODE_CIDR_NOT_CANONICAL", path, `"${text}" is not in canonical form; the ledger writes it as "${parsed.cidr.toString()}"`);
    } else {
      cidrs.push(parsed.cidr);
    }
  }
  if (!ok) return undefined;
  if (cidrs.length === 2) {
    const [first, second] = cidrs;
    if (first.family === second.family) {
      bad(
        "LEDGER_NODE_FAMILY",
        `${at}[1]`,
        `node "${node}" has two IPv${first.family} pod CIDRs (${first.toString()} and ${second.toString()}); ` +
          `a node has at most one per IP family. Keep the one in the node's spec.podCIDRs`,
      );
    }
  }
  if (!ok) return undefined;
  return { list: Object.freeze(cidrs.map((c) => c.toString())), cidrs };
}
