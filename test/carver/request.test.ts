import { CarveError, PoolRequest, PoolSize, requestPrefix } from "../../src/carver";

const v4 = (size: PoolSize, blockSize = 26): PoolRequest => ({ name: "payments", family: 4, blockSize, size });
const v6 = (size: PoolSize, blockSize = 122): PoolRequest => ({ name: "payments-v6", family: 6, blockSize, size });

describe("requestPrefix: the room a request needs, and why", () => {
  test.each<[string, PoolRequest, number, string]>([
    [
      "capacity in blocks per node",
      v4({ kind: "capacity", nodes: 40, blocksPerNode: 2 }),
      19,
      "40 nodes × 2 blocks of /26 = 80 blocks → /19 (128 blocks)",
    ],
    [
      "capacity in pods per node, rounded up to whole blocks",
      v4({ kind: "capacity", nodes: 40, podsPerNode: 110 }),
      19,
      "podsPerNode 110 → 2 blocks of /26 per node; 40 nodes × 2 = 80 blocks → /19 (128 blocks)",
    ],
    [
      "pods that fill exactly one block",
      v4({ kind: "capacity", nodes: 1, podsPerNode: 64 }),
      26,
      "podsPerNode 64 → 1 block of /26 per node; 1 node × 1 = 1 block → /26 (1 block)",
    ],
    [
      "a power of two of blocks needs no rounding",
      v4({ kind: "capacity", nodes: 16, blocksPerNode: 1 }),
      22,
      "16 nodes × 1 block of /26 = 16 blocks → /22 (16 blocks)",
    ],
    [
      "one node with one block is one block",
      v4({ kind: "capacity", nodes: 1, blocksPerNode: 1 }),
      26,
      "1 node × 1 block of /26 = 1 block → /26 (1 block)",
    ],
    [
      "capacity against a larger block size",
      v4({ kind: "capacity", nodes: 3, podsPerNode: 300 }, 24),
      21,
      "podsPerNode 300 → 2 blocks of /24 per node; 3 nodes × 2 = 6 blocks → /21 (8 blocks)",
    ],
    [
      "IPv6 capacity",
      v6({ kind: "capacity", nodes: 1000, podsPerNode: 110 }),
      111,
      "podsPerNode 110 → 2 blocks of /122 per node; 1000 nodes × 2 = 2000 blocks → /111 (2048 blocks)",
    ],
    ["addresses, rounded up to a power of two", v4({ kind: "addresses", addresses: 1000 }), 22, "1000 addresses → /22 (1024 addresses)"],
    ["addresses that are a power of two", v4({ kind: "addresses", addresses: 1024 }), 22, "1024 addresses → /22 (1024 addresses)"],
    ["one more than a power of two", v4({ kind: "addresses", addresses: 1025 }), 21, "1025 addresses → /21 (2048 addresses)"],
    ["fewer addresses than one block get a whole block", v4({ kind: "addresses", addresses: 10 }), 26, "10 addresses → /26 (64 addresses, one block)"],
    ["a single address gets a whole block", v4({ kind: "addresses", addresses: 1 }), 26, "1 address → /26 (64 addresses, one block)"],
    ["IPv6 addresses", v6({ kind: "addresses", addresses: 2 ** 20 }), 108, "1048576 addresses → /108 (1048576 addresses)"],
    ["an explicit prefix", v4({ kind: "prefix", prefixLength: 22 }), 22, "/22 requested (16 blocks of /26)"],
    ["a prefix of exactly one block", v4({ kind: "prefix", prefixLength: 26 }), 26, "/26 requested (1 block of /26)"],
    ["an IPv6 /64", v6({ kind: "prefix", prefixLength: 64 }), 64, "/64 requested (288230376151711744 blocks of /122)"],
    ["a pinned CIDR", v4({ kind: "cidr", cidr: "10.32.4.0/22" }), 22, "pinned to 10.32.4.0/22 (16 blocks of /26)"],
    ["a pinned IPv6 CIDR, printed canonically", v6({ kind: "cidr", cidr: "FD00:0:0:1::/64" }), 64, "pinned to fd00:0:0:1::/64 (288230376151711744 blocks of /122)"],
  ])("%s", (_, request, prefix, explanation) => {
    expect(requestPrefix(request)).toEqual({ prefix, explanation });
  });

  test("capacity beyond what a number can count exactly is still computed without rounding", () => {
    // 2^40 nodes × 2^20 blocks = 2^60 blocks of /122 → /62
    expect(requestPrefix(v6({ kind: "capacity", nodes: 2 ** 40, blocksPerNode: 2 ** 20 })).prefix).toBe(62);
  });
});

describe("requestPrefix refuses requests it cannot honour, naming the pool and the fix", () => {
  const invalid = (request: unknown) => () => requestPrefix(request as PoolRequest);

  test.each<[string, unknown, RegExp]>([
    ["a fractional node count", v4({ kind: "capacity", nodes: 2.5, blocksPerNode: 1 }), /pool "payments": nodes must be a whole number \(e\.g\. 40\), got 2\.5/],
    ["a negative node count", v4({ kind: "capacity", nodes: -3, blocksPerNode: 1 }), /pool "payments": nodes must be at least 1, got -3/],
    ["zero nodes", v4({ kind: "capacity", nodes: 0, blocksPerNode: 1 }), /nodes must be at least 1, got 0/],
    ["NaN pods", v4({ kind: "capacity", nodes: 4, podsPerNode: NaN }), /podsPerNode must be a positive whole number \(e\.g\. 110\), got the non-finite number NaN/],
    ["infinite addresses", v4({ kind: "addresses", addresses: Infinity }), /addresses must be a positive whole number \(e\.g\. 1000\), got the non-finite number Infinity/],
    ["a bigint", v4({ kind: "capacity", nodes: 40n as unknown as number, blocksPerNode: 2 }), /nodes must be a plain number, got a bigint \(40n\): write 40 without the n/],
    ["a numeric string", v4({ kind: "addresses", addresses: "1000" as unknown as number }), /addresses must be a positive whole number \(e\.g\. 1000\), got the string "1000"/],
    ["zero blocks per node", v4({ kind: "capacity", nodes: 4, blocksPerNode: 0 }), /blocksPerNode must be at least 1, got 0/],
    ["both blocksPerNode and podsPerNode", v4({ kind: "capacity", nodes: 4, blocksPerNode: 1, podsPerNode: 10 }), /exactly one of blocksPerNode and podsPerNode, got both/],
    ["neither blocksPerNode nor podsPerNode", v4({ kind: "capacity", nodes: 4 }), /capacity needs blocksPerNode or podsPerNode, e\.g\. capacity: \{ nodes: 40, podsPerNode: 110 \}/],
    ["a prefix longer than the block size", v4({ kind: "prefix", prefixLength: 27 }), /prefixLength 27 is smaller than one \/26 block, and a pool holds at least one block: use \/26 or a shorter prefix, or a blockSize of 27 or more/],
    ["a pinned CIDR smaller than one block", v4({ kind: "cidr", cidr: "10.0.0.0/28" }), /cidr 10\.0\.0\.0\/28 is smaller than one \/26 block/],
    ["an IPv4 prefix above 32", v4({ kind: "prefix", prefixLength: 33 }), /prefixLength must be a whole number from 0 to 32 for IPv4, got the number 33/],
    ["a negative prefix", v4({ kind: "prefix", prefixLength: -1 }), /prefixLength must be a whole number from 0 to 32 for IPv4, got the number -1/],
    ["an IPv6 prefix above 128", v6({ kind: "prefix", prefixLength: 129 }), /from 0 to 128 for IPv6, got the number 129/],
    ["a fractional prefix", v4({ kind: "prefix", prefixLength: 22.5 }), /prefixLength must be a whole number from 0 to 32/],
    ["a pinned CIDR with host bits", v4({ kind: "cidr", cidr: "10.32.4.1/22" }), /pool "payments": "10\.32\.4\.1\/22" has host bits set; did you mean "10\.32\.4\.0\/22"\?/],
    ["a pinned CIDR that does not parse", v4({ kind: "cidr", cidr: "10.32.4/22" }), /pool "payments": "10\.32\.4\/22" is not a valid CIDR/],
    ["a pinned CIDR of the other family", v4({ kind: "cidr", cidr: "fd00::/64" }), /cidr fd00::\/64 is an IPv6 range, but the pool's family is IPv4; make them agree/],
    ["a block size out of Calico's range", v4({ kind: "prefix", prefixLength: 16 }, 19), /blockSize 19 is out of Calico's range for IPv4 pools \(20 to 32\)/],
    ["an IPv6 block size out of range", v6({ kind: "prefix", prefixLength: 64 }, 26), /blockSize 26 is out of Calico's range for IPv6 pools \(116 to 128\)/],
    ["a fractional block size", v4({ kind: "prefix", prefixLength: 22 }, 26.5), /blockSize must be a whole number \(e\.g\. 26\), got 26\.5/],
    ["an unknown family", { ...v4({ kind: "prefix", prefixLength: 22 }), family: 5 }, /pool "payments": family must be 4 or 6, got the number 5/],
    ["an unknown size kind", v4({ kind: "percent" } as unknown as PoolSize), /size\.kind must be "cidr", "prefix", "addresses" or "capacity", got the string "percent"/],
    ["no size", { name: "payments", family: 4, blockSize: 26 }, /size must be an object with a kind/],
    ["more addresses than IPv4 has", v4({ kind: "addresses", addresses: 2 ** 32 + 1 }), /4294967297 addresses is more than the whole IPv4 address space \(2\^32\)/],
    ["more capacity than IPv4 has", v4({ kind: "capacity", nodes: 2 ** 20, blocksPerNode: 2 ** 10 }), /more than the whole IPv4 address space holds; ask for fewer nodes or blocks/],
    ["a name that is not a Calico object name", { ...v4({ kind: "prefix", prefixLength: 22 }), name: "Payments_Team" }, /pool "Payments_Team": name must consist of lower case alphanumeric characters/],
    ["no name", { family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 22 } }, /a pool request: name must be a non-empty string/],
  ])("%s", (_, request, message) => {
    expect(invalid(request)).toThrow(CarveError);
    expect(invalid(request)).toThrow(message);
    expect(invalid(request)).toThrow(expect.objectContaining({ code: "CARVE_REQUEST_INVALID" }));
  });

  test("the error carries the pool name for programs", () => {
    expect(invalid(v4({ kind: "prefix", prefixLength: 27 }))).toThrow(expect.objectContaining({ pool: "payments" }));
  });
});
