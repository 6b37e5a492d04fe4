import { Cidr, IpFamily, prefixForSize } from "../ip";
import { describe, isObjectName, validateObjectName } from "../validation/names";
import { CarveError } from "./errors";
import { ceilLog2 } from "./private/bits";
import { plural } from "./private/text";

/**
 * How much room a pool asks for. Every kind but `cidr` lets the carver choose where the pool goes.
 *
 * - `cidr`: pinned by hand, e.g. `{ kind: "cidr", cidr: "10.32.0.0/22" }`; still checked against
 *   exclusions, other pools and the ledger.
 * - `prefix`: a CIDR of that prefix length, e.g. `{ kind: "prefix", prefixLength: 22 }`.
 * - `addresses`: the smallest CIDR that holds that many addresses, and at least one block.
 * - `capacity`: room for `nodes` nodes with `blocksPerNode` blocks each, or with enough blocks for
 *   `podsPerNode` pods each (give exactly one of the two). Calico gives every node its own blocks, so
 *   capacity is counted in blocks, never in addresses.
 */
export type PoolSize =
  | { readonly kind: "cidr"; readonly cidr: string }
  | { readonly kind: "prefix"; readonly prefixLength: number }
  | { readonly kind: "addresses"; readonly addresses: number }
  | { readonly kind: "capacity"; readonly nodes: number; readonly blocksPerNode?: number; readonly podsPerNode?: number };

/** One pool the carver must place (or keep in place). */
export interface PoolRequest {
  /** The pool name (Calico object name, DNS-1123 subdomain). It is the key of the pool in the ledger. */
  readonly name: string;
  /** The IP family; for size kind `cidr` it must match the CIDR's family. */
  readonly family: IpFamily;
  /**
   * The effective block size, with Calico's default already applied by the caller.
   * Must be 20 to 32 for IPv4 and 116 to 128 for IPv6.
   * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
   */
  readonly blockSize: number;
  /** How much room the pool needs, or the CIDR it is pinned to. */
  readonly size: PoolSize;
  /**
   * The name of the address space to carve from.
   * @default - any address space of the family, tried in declaration order
   */
  readonly addressSpace?: string;
}

/**
 * Calico's block size range per family (reference §2.3 rule 4).
 * @internal shared by the carver and the ledger
 */
export const CALICO_BLOCK_SIZE_RANGE: { readonly 4: readonly [20, 32]; readonly 6: readonly [116, 128] } = Object.freeze({
  4: [20, 32] as const,
  6: [116, 128] as const,
});

/**
 * The prefix length a request needs, and a sentence that explains it for reports, for example
 * - `"40 nodes × 2 blocks of /26 = 80 blocks → /19 (128 blocks)"`,
 * - `"podsPerNode 110 → 2 blocks of /26 per node; 40 nodes × 2 = 80 blocks → /19 (128 blocks)"`,
 * - `"1000 addresses → /22 (1024 addresses)"`,
 * - `"/22 requested (16 blocks of /26)"`, `"pinned to 10.32.0.0/22 (16 blocks of /26)"`.
 *
 * A pool always holds at least one block: an `addresses` request smaller than a block gets a whole
 * block; an explicit prefix or CIDR longer than the block size is refused.
 *
 * @throws CarveError `CARVE_REQUEST_INVALID`, with a message that names the pool and the fix, for: a
 * name that is not a Calico object name; a family other than 4 or 6; a block size out of Calico's
 * range; a number that is not a positive whole `number` (negative, zero, fractional, non-finite, or a
 * `bigint`); both or neither of `blocksPerNode` and `podsPerNode`; a prefix out of range for the
 * family or longer than the block size; a CIDR that does not parse, has host bits set, or is of the
 * other family; a size larger than the family's whole address space.
 */
export function requestPrefix(request: PoolRequest): { prefix: number; explanation: string } {
  const size = requestSize(request);
  return { prefix: size.prefix, explanation: size.explanation };
}

/** @internal The size of a request, as {@link requestPrefix} says it. */
export interface RequestSize {
  readonly prefix: number;
  readonly explanation: string;
}

/**
 * @internal {@link requestPrefix} for the carver: the same answer and the same errors, but a size by
 * prefix length is one frozen object shared by every request of that prefix and block size, so that
 * 10,000 requests make no object each.
 */
export function requestSize(request: PoolRequest): RequestSize {
  if (typeof request !== "object" || request === null) {
    throw new CarveError("CARVE_REQUEST_INVALID", `a pool request must be an object with name, family, blockSize and size, got ${describe(request)}`);
  }
  const name = checkName(request.name);
  const family = request.family;
  if (family !== 4 && family !== 6) return invalid(name, `family must be 4 or 6, got ${describe(family)}`);
  // A module-local value, not FAMILY_BITS: an imported binding is read through the ip index's getter.
  const bits = family === 4 ? 32 : 128;
  // Index reads, not `const [a, b] =`: destructuring makes an iterator object per request.
  const minBlock = CALICO_BLOCK_SIZE_RANGE[family][0];
  const maxBlock = CALICO_BLOCK_SIZE_RANGE[family][1];
  // A constant example: a template here would build a string per request.
  const blockSize = wholeNumber(request.blockSize, "blockSize", name, family === 4 ? "e.g. 26" : "e.g. 122");
  if (blockSize < minBlock || blockSize > maxBlock) {
    invalid(name, `blockSize ${blockSize} is out of Calico's range for IPv${family} pools (${minBlock} to ${maxBlock})`);
  }

  const size = request.size as PoolSize | undefined;
  if (typeof size !== "object" || size === null) {
    return invalid(name, `size must be an object with a kind ("cidr", "prefix", "addresses" or "capacity"), got ${describe(size)}`);
  }
  switch (size.kind) {
    case "cidr": {
      if (typeof size.cidr !== "string") return invalid(name, `cidr must be a string such as "10.32.0.0/22", got ${describe(size.cidr)}`);
      const parsed = Cidr.tryParse(size.cidr);
      if (!parsed.ok) return invalid(name, parsed.error.message);
      const cidr = parsed.cidr;
      if (cidr.family !== family) {
        return invalid(name, `cidr ${cidr.toString()} is an IPv${cidr.family} range, but the pool's family is IPv${family}; make them agree`);
      }
      atLeastOneBlock(name, cidr.prefix, blockSize, `cidr ${cidr.toString()}`);
      return { prefix: cidr.prefix, explanation: `pinned to ${cidr.toString()} (${blocksOf(cidr.prefix, blockSize)})` };
    }
    case "prefix": {
      const prefix = size.prefixLength;
      if (typeof prefix !== "number" || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
        return invalid(name, `prefixLength must be a whole number from 0 to ${bits} for IPv${family}, got ${describe(prefix)}`);
      }
      // The text of the message is made only for the message: a template argument would build it per request.
      if (prefix > blockSize) atLeastOneBlock(name, prefix, blockSize, `prefixLength ${prefix}`);
      return prefixSize(prefix, blockSize);
    }
    case "addresses": {
      const addresses = wholeNumber(size.addresses, "addresses", name, "e.g. 1000");
      const count = BigInt(addresses);
      if (count > 1n << BigInt(bits)) {
        return invalid(name, `${addresses} addresses is more than the whole IPv${family} address space (2^${bits})`);
      }
      const fitting = prefixForSize(family, count);
      if (fitting > blockSize) {
        return {
          prefix: blockSize,
          explanation: `${plural(count, "address")} → /${blockSize} (${1n << BigInt(bits - blockSize)} addresses, one block)`,
        };
      }
      return { prefix: fitting, explanation: `${plural(count, "address")} → /${fitting} (${1n << BigInt(bits - fitting)} addresses)` };
    }
    case "capacity": {
      const nodes = BigInt(wholeNumber(size.nodes, "nodes", name, "e.g. 40"));
      const hasBlocks = size.blocksPerNode !== undefined;
      const hasPods = size.podsPerNode !== undefined;
      if (hasBlocks === hasPods) {
        return invalid(
          name,
          hasBlocks
            ? "capacity takes exactly one of blocksPerNode and podsPerNode, got both; keep podsPerNode to derive the blocks from the block size, or blocksPerNode to count them yourself"
            : "capacity needs blocksPerNode or podsPerNode, e.g. capacity: { nodes: 40, podsPerNode: 110 }",
        );
      }
      const blockAddresses = 1n << BigInt(bits - blockSize);
      let perNode: bigint;
      let lead: string;
      if (hasPods) {
        const pods = BigInt(wholeNumber(size.podsPerNode, "podsPerNode", name, "e.g. 110"));
        perNode = (pods + blockAddresses - 1n) / blockAddresses;
        lead = `podsPerNode ${pods} → ${plural(perNode, "block")} of /${blockSize} per node; ${plural(nodes, "node")} × ${perNode}`;
      } else {
        perNode = BigInt(wholeNumber(size.blocksPerNode, "blocksPerNode", name, "e.g. 2"));
        lead = `${plural(nodes, "node")} × ${plural(perNode, "block")} of /${blockSize}`;
      }
      const blocks = nodes * perNode;
      const prefix = blockSize - ceilLog2(blocks);
      if (prefix < 0) {
        return invalid(name, `${lead} = ${plural(blocks, "block")}, more than the whole IPv${family} address space holds; ask for fewer nodes or blocks`);
      }
      const held = 1n << BigInt(blockSize - prefix);
      return { prefix, explanation: `${lead} = ${plural(blocks, "block")} → /${prefix} (${plural(held, "block")})` };
    }
    default:
      return invalid(name, `size.kind must be "cidr", "prefix", "addresses" or "capacity", got ${describe((size as { kind?: unknown }).kind)}`);
  }
}

function invalid(name: string, message: string): never {
  throw new CarveError("CARVE_REQUEST_INVALID", `pool "${name}": ${message}`, name);
}

/**
 * The size "/22 requested (16 blocks of /26)" for each block size and prefix, made once: many pools share
 * a size. Two small index levels (block size, then prefix, both at most 128): one flat list indexed by
 * prefix × 256 + block size held a few entries thousands apart, so V8 kept it as a hash table and each
 * lookup hashed (about 0.3 ms per 10,000 requests).
 */
const PREFIX_SIZES: Array<Array<RequestSize | undefined> | undefined> = [];

/** @internal The size of a request by prefix length (see {@link PREFIX_SIZES}): the one object for that prefix and block size. */
export function prefixSize(prefix: number, blockSize: number): RequestSize {
  const ofBlockSize = (PREFIX_SIZES[blockSize] ??= []);
  let size = ofBlockSize[prefix];
  if (size === undefined) {
    size = Object.freeze({ prefix, explanation: `/${prefix} requested (${blocksOf(prefix, blockSize)})` });
    ofBlockSize[prefix] = size;
  }
  return size;
}

/** "16 blocks of /26" */
function blocksOf(prefix: number, blockSize: number): string {
  return `${plural(1n << BigInt(blockSize - prefix), "block")} of /${blockSize}`;
}

function atLeastOneBlock(name: string, prefix: number, blockSize: number, what: string): void {
  if (prefix > blockSize) {
    invalid(
      name,
      `${what} is smaller than one /${blockSize} block, and a pool holds at least one block: ` +
        `use /${blockSize} or a shorter prefix, or a blockSize of ${prefix} or more`,
    );
  }
}

function checkName(name: unknown): string {
  if (isObjectName(name)) return name;
  const problems = validateObjectName(name, "name");
  if (problems.length === 0) return name as string;
  const shown = typeof name === "string" ? `pool "${name}": ` : "a pool request: ";
  throw new CarveError(
    "CARVE_REQUEST_INVALID",
    `${shown}${problems[0].message}`,
    typeof name === "string" ? name : undefined,
  );
}

/** A positive whole `number` (not a bigint, not a float, not NaN or Infinity), or `fail`. */
function wholeNumber(value: unknown, what: string, name: string, example: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  if (typeof value === "bigint") return invalid(name, `${what} must be a plain number, got ${describe(value)}: write ${value} without the n`);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return invalid(name, `${what} must be a positive whole number (${example}), got ${describe(value)}`);
  }
  if (!Number.isInteger(value)) return invalid(name, `${what} must be a whole number (${example}), got ${value}`);
  return invalid(name, `${what} must be at least 1, got ${value}`);
}
