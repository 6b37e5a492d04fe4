import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DEFAULT_LEDGER_FILE,
  Ledger,
  LedgerChange,
  LedgerError,
  LedgerNodeChange,
  describeChange,
  diffLedgers,
  emptyLedger,
  formatLedgerTable,
  parseLedger,
  readLedger,
  releasePools,
  serializeLedger,
  writeLedgerIfChanged,
} from "../../src/ledger";
import { diffLedgerPools, freezeLedger, inspectLedger, registerCheckedLedger } from "../../src/ledger/ledger";
import { carve } from "../../src/carver";
import { Cidr } from "../../src/ip";
import { active, fixed, retired } from "../helpers/ledger";

const FILE = "calico-ipam.lock.json";


const POOLS = { infra: active("10.64.0.0/24"), old: retired("10.65.0.0/24") };
const NODES = {
  "rack-b-01": ["10.244.2.0/24"],
  "rack-a-01": ["10.244.0.0/24", "fd00:10:244::/64"],
  "rack-a-02.example.com": ["10.244.1.0/24", "fd00:10:244:1::/64"],
};
const ADDRESSES = { "kube-system/coredns/ipv4": fixed("10.64.0.10", "infra") };
const withNodes: Ledger = { version: 1, pools: POOLS, nodeCidrs: NODES };
const withoutNodes: Ledger = { version: 1, pools: POOLS };
const withAll: Ledger = { version: 1, pools: POOLS, addresses: ADDRESSES, nodeCidrs: NODES };

describe("the nodeCidrs section: format and round trip", () => {
  test("is written between addresses and pools (keys sorted at every level), nodes sorted by name, CIDRs in their order", () => {
    const text = serializeLedger(withAll);
    const lines = text.split("\n");
    const start = lines.indexOf('  "nodeCidrs": {');
    expect(lines.slice(0, start)).toContain('  "addresses": {');
    expect(lines.slice(start, start + 16)).toEqual([
      '  "nodeCidrs": {',
      '    "rack-a-01": [',
      '      "10.244.0.0/24",',
      '      "fd00:10:244::/64"',
      "    ],",
      '    "rack-a-02.example.com": [',
      '      "10.244.1.0/24",',
      '      "fd00:10:244:1::/64"',
      "    ],",
      '    "rack-b-01": [',
      '      "10.244.2.0/24"',
      "    ]",
      "  },",
      '  "pools": {',
      '    "infra": {',
      '      "blockSize": 26,',
    ]);
    expect(text.endsWith('  "version": 1\n}\n')).toBe(true);
  });

  test("reads what it writes, and writes the same bytes again", () => {
    const text = serializeLedger(withNodes);
    const parsed = parseLedger(text, FILE);
    expect(parsed).toEqual(withNodes);
    expect(Object.keys(parsed.nodeCidrs!)).toEqual(["rack-a-01", "rack-a-02.example.com", "rack-b-01"]);
    expect(serializeLedger(parsed)).toBe(text);
    expect(serializeLedger(parseLedger(serializeLedger(withAll)))).toBe(serializeLedger(withAll));
    expect(parseLedger(serializeLedger(withAll))).toEqual(withAll);
  });

  test("accepts any key order in the file", () => {
    const text = '{"nodeCidrs":{"b":["10.244.1.0/24"],"a":["10.244.0.0/24"]},"version":1,"pools":{}}';
    const parsed = parseLedger(text);
    expect(parsed).toEqual({ version: 1, pools: {}, nodeCidrs: { a: ["10.244.0.0/24"], b: ["10.244.1.0/24"] } });
    expect(Object.keys(parsed.nodeCidrs!)).toEqual(["a", "b"]);
  });

  test("returns the section and its lists frozen", () => {
    const parsed = parseLedger(serializeLedger(withNodes));
    expect(Object.isFrozen(parsed.nodeCidrs)).toBe(true);
    expect(Object.isFrozen(parsed.nodeCidrs!["rack-a-01"])).toBe(true);
  });

  test("an empty section is omitted, so the bytes are those of a ledger without the key", () => {
    const without = serializeLedger(withoutNodes);
    expect(without).not.toContain("nodeCidrs");
    expect(serializeLedger({ ...withoutNodes, nodeCidrs: {} })).toBe(without);
    expect(serializeLedger({ ...withoutNodes, nodeCidrs: undefined })).toBe(without);
    expect(serializeLedger({ ...withoutNodes, addresses: {}, nodeCidrs: {} })).toBe(without);
    expect(serializeLedger({ ...emptyLedger(), nodeCidrs: {} })).toBe('{\n  "pools": {},\n  "version": 1\n}\n');
  });

  test("absent and empty read the same: the returned ledger has no nodeCidrs key", () => {
    const empty = parseLedger(JSON.stringify({ version: 1, pools: {}, nodeCidrs: {} }));
    expect("nodeCidrs" in empty).toBe(false);
    expect(empty).toStrictEqual(emptyLedger());
    expect("nodeCidrs" in emptyLedger()).toBe(false);
  });

  test("files written before the section existed read unchanged and are written back byte for byte", () => {
    const before = '{\n  "pools": {\n    "a": {\n      "blockSize": 26,\n      "cidr": "10.0.0.0/24",\n      "family": 4,\n      "status": "active"\n    }\n  },\n  "version": 1\n}\n';
    const ledger = parseLedger(before);
    expect(ledger.nodeCidrs).toBeUndefined();
    expect(serializeLedger(ledger)).toBe(before);
    const withAddressesOnly = serializeLedger({ version: 1, pools: POOLS, addresses: ADDRESSES });
    expect(parseLedger(withAddressesOnly).nodeCidrs).toBeUndefined();
    expect(serializeLedger(parseLedger(withAddressesOnly))).toBe(withAddressesOnly);
  });

  test("node CIDRs are independent of pools: no containment check, and they may overlap a pool", () => {
    const ledger: Ledger = { version: 1, pools: { infra: active("10.244.0.0/24") }, nodeCidrs: { n1: ["10.244.0.0/24"], n2: ["192.168.7.0/24"] } };
    expect(parseLedger(serializeLedger(ledger))).toEqual(ledger);
  });

  test("single-stack IPv6 nodes, node names at the 253-character limit, and every prefix length", () => {
    const long = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(long).toHaveLength(253);
    const ledger: Ledger = { version: 1, pools: {}, nodeCidrs: { [long]: ["fd00::/64"], n2: ["10.0.0.1/32", "fd00:1::1/128"], n3: ["0.0.0.0/0"] } };
    expect(() => parseLedger(serializeLedger(ledger))).toThrow(expect.objectContaining({ code: "LEDGER_NODE_OVERLAP" }));
    const valid: Ledger = { version: 1, pools: {}, nodeCidrs: { [long]: ["fd00::/64"], n2: ["10.0.0.1/32", "fd00:1::1/128"], n3: ["11.0.0.0/8"] } };
    expect(parseLedger(serializeLedger(valid))).toEqual(valid);
  });
});

describe("parseLedger refuses a wrong nodeCidrs section, saying where, what and the way out", () => {
  const doc = (nodeCidrs: unknown) => JSON.stringify({ version: 1, pools: { infra: active("10.64.0.0/24") }, nodeCidrs }, null, 2);
  const one = (list: unknown, node = "rack-a-01") => doc({ [node]: list });
  const long = "n".repeat(254);

  test.each<[string, string, string, string, RegExp]>([
    [
      "a section that is a list",
      doc([]),
      "LEDGER_TYPE",
      "nodeCidrs",
      /^calico-ipam\.lock\.json: nodeCidrs: "nodeCidrs" must be an object of node name to its pod CIDRs, such as \{"rack-a-01": \["10\.244\.0\.0\/24", "fd00:10:244::\/64"\]\}, got a list\./,
    ],
    ["a section that is null", doc(null), "LEDGER_TYPE", "nodeCidrs", /nodeCidrs: "nodeCidrs" must be an object .*, got null\./],
    [
      "a node name with capitals",
      one(["10.244.0.0/24"], "Rack-A-01"),
      "LEDGER_NODE_NAME",
      "nodeCidrs.Rack-A-01",
      /: "Rack-A-01" is not a valid node name: name must consist of lower case alphanumeric characters, '-' or '\.'.*did you mean "rack-a-01"\?/,
    ],
    ["a node name with a slash", one(["10.244.0.0/24"], "rack/a"), "LEDGER_NODE_NAME", 'nodeCidrs["rack/a"]', /: "rack\/a" is not a valid node name/],
    ["an empty node name", one(["10.244.0.0/24"], ""), "LEDGER_NODE_NAME", 'nodeCidrs[""]', /: "" is not a valid node name: name must be a non-empty string/],
    ["a node name longer than 253 characters", one(["10.244.0.0/24"], long), "LEDGER_NODE_NAME", `nodeCidrs.${long}`, /is not a valid node name: name is too long by 1 bytes: .* has 254, the limit is 253\./],
    [
      "a value that is one string, not a list",
      one("10.244.0.0/24"),
      "LEDGER_TYPE",
      "nodeCidrs.rack-a-01",
      /: the pod CIDRs of node "rack-a-01" must be a list of 1 or 2 CIDRs, such as \["10\.244\.0\.0\/24", "fd00:10:244::\/64"\], got the string "10\.244\.0\.0\/24"\./,
    ],
    ["a value that is a map", one({ ipv4: "10.244.0.0/24" }), "LEDGER_TYPE", "nodeCidrs.rack-a-01", /must be a list of 1 or 2 CIDRs, .*got a map\./],
    [
      "an empty list",
      one([]),
      "LEDGER_NODE_CIDR_COUNT",
      "nodeCidrs.rack-a-01",
      /: node "rack-a-01" has no pod CIDR; a node is recorded with 1 CIDR, or 2 \(one per IP family\) when dual-stack\. Remove the entry of a node that holds no pod CIDR\./,
    ],
    [
      "three CIDRs",
      one(["10.244.0.0/24", "fd00:10:244::/64", "10.245.0.0/24"]),
      "LEDGER_NODE_CIDR_COUNT",
      "nodeCidrs.rack-a-01",
      /: node "rack-a-01" has 3 pod CIDRs; a node has 1, or 2 \(one per IP family\) when dual-stack, as in its spec\.podCIDRs\./,
    ],
    ["a CIDR that is a number", one([167772160]), "LEDGER_TYPE", "nodeCidrs.rack-a-01[0]", /: the pod CIDRs of node "rack-a-01" must be strings such as "10\.244\.0\.0\/24", got the number 167772160\./],
    ["a CIDR that is null", one(["10.244.0.0/24", null]), "LEDGER_TYPE", "nodeCidrs.rack-a-01[1]", /must be strings such as "10\.244\.0\.0\/24", got null\./],
    ["a CIDR that does not parse", one(["10.244.0/24"]), "LEDGER_NODE_CIDR_INVALID", "nodeCidrs.rack-a-01[0]", /: "10\.244\.0\/24" is not a valid CIDR/],
    ["an address without a prefix", one(["10.244.0.0"]), "LEDGER_NODE_CIDR_INVALID", "nodeCidrs.rack-a-01[0]", /: "10\.244\.0\.0" /],
    ["a CIDR with host bits", one(["10.244.0.1/24"]), "LEDGER_NODE_CIDR_INVALID", "nodeCidrs.rack-a-01[0]", /: "10\.244\.0\.1\/24" has host bits set; did you mean "10\.244\.0\.0\/24"\?/],
    ["a CIDR with spaces", one([" 10.244.0.0/24"]), "LEDGER_NODE_CIDR_INVALID", "nodeCidrs.rack-a-01[0]", /has leading or trailing spaces/],
    [
      "an IPv6 CIDR in upper case",
      one(["10.244.0.0/24", "FD00:10:244::/64"]),
      "LEDGER_NODE_CIDR_NOT_CANONICAL",
      "nodeCidrs.rack-a-01[1]",
      /: "FD00:10:244::\/64" is not in canonical form; the ledger writes it as "fd00:10:244::\/64"\./,
    ],
    ["an IPv6 CIDR not compressed", one(["fd00:10:244:0:0:0:0:0/64"]), "LEDGER_NODE_CIDR_NOT_CANONICAL", "nodeCidrs.rack-a-01[0]", /the ledger writes it as "fd00:10:244::\/64"/],
    [
      "two IPv4 CIDRs",
      one(["10.244.0.0/24", "10.245.0.0/24"]),
      "LEDGER_NODE_FAMILY",
      "nodeCidrs.rack-a-01[1]",
      /: node "rack-a-01" has two IPv4 pod CIDRs \(10\.244\.0\.0\/24 and 10\.245\.0\.0\/24\); a node has at most one per IP family\. Keep the one in the node's spec\.podCIDRs\./,
    ],
    ["two IPv6 CIDRs", one(["fd00:10:244::/64", "fd00:10:245::/64"]), "LEDGER_NODE_FAMILY", "nodeCidrs.rack-a-01[1]", /has two IPv6 pod CIDRs/],
    [
      "two nodes with the same CIDR",
      doc({ "rack-a-01": ["10.244.0.0/24"], "rack-a-02": ["10.244.0.0/24"] }),
      "LEDGER_NODE_OVERLAP",
      "nodeCidrs.rack-a-02[0]",
      /: node "rack-a-02" \(10\.244\.0\.0\/24\) overlaps node "rack-a-01" \(10\.244\.0\.0\/24\); two nodes never share pod addresses\. Rewrite both entries from the nodes' spec\.podCIDRs \(kubectl get node rack-a-02 -o jsonpath='\{\.spec\.podCIDRs\}'\)\./,
    ],
    [
      "two nodes whose IPv6 CIDRs nest",
      doc({ a: ["10.244.0.0/24", "fd00:10:244::/56"], b: ["10.244.1.0/24", "fd00:10:244:1::/64"] }),
      "LEDGER_NODE_OVERLAP",
      "nodeCidrs.b[1]",
      /: node "b" \(fd00:10:244:1::\/64\) overlaps node "a" \(fd00:10:244::\/56\)/,
    ],
  ])("%s", (_, text, code, errorPath, message) => {
    const parse = () => parseLedger(text, FILE);
    expect(parse).toThrow(LedgerError);
    expect(parse).toThrow(expect.objectContaining({ code, file: FILE, path: errorPath }));
    expect(parse).toThrow(message);
    expect(parse).toThrow(new RegExp(`^calico-ipam\\.lock\\.json: ${errorPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    expect(parse).toThrow(/restore it from git: git checkout -- calico-ipam\.lock\.json, or correct the value by hand\. Deleting the ledger is not a fix/);
  });

  test("an overlap is reported on the later node in code-unit order, whatever the file order", () => {
    const text = doc({ "node-b": ["10.244.0.0/25"], "node-a": ["10.244.0.0/24"] });
    expect(() => parseLedger(text, FILE)).toThrow(
      expect.objectContaining({ path: "nodeCidrs.node-b[0]", message: expect.stringContaining('node "node-b" (10.244.0.0/25) overlaps node "node-a" (10.244.0.0/24)') }),
    );
  });

  test("an IPv4 and an IPv6 CIDR of the same numbers do not overlap", () => {
    expect(() => parseLedger(doc({ a: ["0.0.0.0/24"], b: ["::/120"] }))).not.toThrow();
  });

  test("an unknown top-level section names both optional sections this version reads", () => {
    const parse = () => parseLedger(JSON.stringify({ version: 1, pools: {}, nodes: {} }), FILE);
    expect(parse).toThrow(expect.objectContaining({ code: "LEDGER_UNKNOWN_KEY", path: "nodes" }));
    expect(parse).toThrow(/otherwise remove the key \(this version also reads the optional sections "addresses", "clusters", "drawnRanges", "migrations", "nodeCidrs" and "subSpaces"\)\.$/);
  });

  test("every problem is counted, pools, addresses and nodes together", () => {
    const text = JSON.stringify({
      version: 1,
      pools: { a: active("10.0.0.1/24") },
      addresses: { "x/y/ipv4": fixed("10.0.0.256", "a") },
      nodeCidrs: { N: ["10.244.0.0/24"], n: ["10.244.0.0/33", "10.245.0.0/24"] },
    });
    expect(() => parseLedger(text, FILE)).toThrow(/^calico-ipam\.lock\.json: pools\.a\.cidr: .*\(and 3 more problems\)/);
  });

  test("serializeLedger and formatLedgerTable refuse a wrong section too, so it is never written", () => {
    const bad = { version: 1, pools: {}, nodeCidrs: { n: ["10.244.0.1/24"] } } as Ledger;
    expect(() => serializeLedger(bad)).toThrow(expect.objectContaining({ code: "LEDGER_NODE_CIDR_INVALID", path: "nodeCidrs.n[0]" }));
    expect(() => formatLedgerTable(bad)).toThrow(expect.objectContaining({ code: "LEDGER_NODE_CIDR_INVALID" }));
    expect(() => serializeLedger({ version: 1, pools: {}, nodeCidrs: { n: "10.244.0.0/24" } } as unknown as Ledger)).toThrow(
      expect.objectContaining({ code: "LEDGER_TYPE", path: "nodeCidrs.n" }),
    );
  });
});

describe("every function that makes a ledger carries the node CIDRs through", () => {
  test("releasePools keeps every node and every address", () => {
    const after = releasePools(withAll, ["old"]);
    expect(Object.keys(after.pools)).toEqual(["infra"]);
    expect(after.nodeCidrs).toEqual(NODES);
    expect(after.addresses).toEqual(ADDRESSES);
    expect(Object.isFrozen(after.nodeCidrs)).toBe(true);
    expect(Object.isFrozen(after.nodeCidrs!["rack-a-01"])).toBe(true);
    expect(Object.keys(after.nodeCidrs!)).toEqual(Object.keys(NODES).sort());
    expect(diffLedgers(withAll, after)).toEqual<LedgerChange[]>([{ kind: "released", name: "old", before: retired("10.65.0.0/24") }]);
    expect(serializeLedger(after)).toContain('"rack-a-01"');
  });

  test("releasePools on a parsed ledger reuses its checked sections, and a second parse keeps them", () => {
    const parsed = parseLedger(serializeLedger(withAll));
    const after = releasePools(parsed, ["old"]);
    expect(after.nodeCidrs).toBe(parsed.nodeCidrs);
    expect(after.addresses).toBe(parsed.addresses);
    expect(parseLedger(serializeLedger(after)).nodeCidrs).toEqual(NODES);
  });

  test("releasePools without node CIDRs adds no key", () => {
    const after = releasePools(withoutNodes, ["old"]);
    expect("nodeCidrs" in after).toBe(false);
    expect("addresses" in after).toBe(false);
  });

  test("releasePools passes a wrong section on unchanged, so that writing it is refused", () => {
    const after = releasePools({ ...withoutNodes, nodeCidrs: null } as unknown as Ledger, ["old"]);
    expect(() => serializeLedger(after)).toThrow(expect.objectContaining({ code: "LEDGER_TYPE", path: "nodeCidrs" }));
  });

  describe("freezeLedger", () => {
    const parsed = parseLedger(serializeLedger(withAll));
    const cidrs = new Map(Object.entries(parsed.pools).map(([name, e]) => [name, Cidr.parse(e.cidr)]));

    test("takes a whole ledger, passes its checked sections on as they are, and registerCheckedLedger trusts the result", () => {
      const carved = freezeLedger(Object.entries(parsed.pools), parsed);
      registerCheckedLedger(carved, cidrs);
      expect(carved.nodeCidrs).toBe(parsed.nodeCidrs);
      expect(carved.addresses).toBe(parsed.addresses);
      expect(inspectLedger(carved).ledger).toBe(carved);
      expect(serializeLedger(carved)).toBe(serializeLedger(withAll));
    });

    test("takes the sections as an object, each as a record or as entries", () => {
      const ledger = freezeLedger([], {
        addresses: [["b/web/ipv4", fixed("10.0.0.2", "p")]],
        nodeCidrs: [
          ["n2", ["10.244.1.0/24"]],
          ["n1", ["10.244.0.0/24"]],
        ],
      });
      expect(Object.keys(ledger.nodeCidrs!)).toEqual(["n1", "n2"]);
      expect(Object.isFrozen(ledger.nodeCidrs!.n1)).toBe(true);
      expect(ledger.addresses).toEqual({ "b/web/ipv4": fixed("10.0.0.2", "p") });
      expect(freezeLedger([], { nodeCidrs: { n2: ["10.244.1.0/24"], n1: ["10.244.0.0/24"] } })).toEqual({
        version: 1,
        pools: {},
        nodeCidrs: { n1: ["10.244.0.0/24"], n2: ["10.244.1.0/24"] },
      });
      expect("nodeCidrs" in freezeLedger([], { nodeCidrs: [] })).toBe(false);
      expect("nodeCidrs" in freezeLedger([], { nodeCidrs: {} })).toBe(false);
      expect(freezeLedger([], {})).toStrictEqual(emptyLedger());
    });

    test("copies a list that is not frozen, so that changing the input later changes nothing", () => {
      const list = ["10.244.0.0/24"];
      const ledger = freezeLedger([], { nodeCidrs: { n: list } });
      list.push("fd00::/64");
      expect(ledger.nodeCidrs!.n).toEqual(["10.244.0.0/24"]);
    });

    test("a section nobody checked is not trusted: the ledger is checked in full when used", () => {
      const unchecked = freezeLedger(Object.entries(parsed.pools), { addresses: parsed.addresses, nodeCidrs: { n: ["10.244.0.1/24"] } });
      registerCheckedLedger(unchecked, cidrs);
      expect(() => serializeLedger(unchecked)).toThrow(expect.objectContaining({ code: "LEDGER_NODE_CIDR_INVALID" }));
    });

    test("the older call with the addresses section alone still works, and passes no node CIDRs on", () => {
      const legacy = freezeLedger(Object.entries(parsed.pools), parsed.addresses);
      expect(legacy.addresses).toBe(parsed.addresses);
      expect("nodeCidrs" in legacy).toBe(false);
      const fromRecord = freezeLedger([], { "apps/web/ipv4": fixed("10.0.0.1", "p") });
      expect(fromRecord.addresses).toEqual({ "apps/web/ipv4": fixed("10.0.0.1", "p") });
    });
  });

  test("a ledger made from a checked one with new node CIDRs (as the host-local plan does) is checked again", () => {
    const parsed = parseLedger(serializeLedger(withNodes));
    const changed: Ledger = { ...parsed, nodeCidrs: { ...parsed.nodeCidrs, "rack-c-01": ["10.244.0.128/25"] } };
    expect(() => serializeLedger(changed)).toThrow(expect.objectContaining({ code: "LEDGER_NODE_OVERLAP", path: "nodeCidrs.rack-c-01[0]" }));
    const grown: Ledger = { ...parsed, nodeCidrs: { ...parsed.nodeCidrs, "rack-c-01": ["10.244.3.0/24"] } };
    expect(parseLedger(serializeLedger(grown)).nodeCidrs!["rack-c-01"]).toEqual(["10.244.3.0/24"]);
  });

  // carver.ts builds its ledger with `freezeLedger(entries, inspected.ledger.addresses)`, which passes
  // `addresses` on but not `nodeCidrs`. It keeps them once that call is
  // `freezeLedger(entries, inspected.ledger)`; then this test passes, and `.failing` must go.
  test("carve keeps the node CIDRs of its input ledger", () => {
    const ledger = parseLedger(serializeLedger(withNodes));
    const result = carve({ spaces: [{ name: "pods", cidr: "10.64.0.0/16" }], requests: [{ name: "infra", family: 4, blockSize: 26, size: { kind: "prefix", prefixLength: 24 } }], ledger });
    expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(result.ledger.nodeCidrs).toBe(ledger.nodeCidrs);
  });

  describe("on disk", () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-node-cidrs-"));
      file = path.join(dir, DEFAULT_LEDGER_FILE);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("writeLedgerIfChanged writes the node CIDRs, and leaves the file alone when nothing changed", () => {
      expect(writeLedgerIfChanged(file, withNodes)).toBe(true);
      expect(readLedger(file)).toEqual(withNodes);
      expect(writeLedgerIfChanged(file, readLedger(file)!)).toBe(false);
      const grown: Ledger = { ...withNodes, nodeCidrs: { ...NODES, "rack-b-02": ["10.244.3.0/24"] } };
      expect(writeLedgerIfChanged(file, grown)).toBe(true);
      expect(readLedger(file)!.nodeCidrs!["rack-b-02"]).toEqual(["10.244.3.0/24"]);
    });

    test("a ledger without node CIDRs, written over one with an empty section, is not rewritten", () => {
      fs.writeFileSync(file, serializeLedger(withoutNodes));
      expect(writeLedgerIfChanged(file, { ...withoutNodes, nodeCidrs: {} })).toBe(false);
    });
  });
});

describe("diffLedgers and describeChange for node CIDRs", () => {
  const before: Ledger = {
    version: 1,
    pools: { infra: active("10.64.0.0/24"), old: retired("10.65.0.0/24") },
    addresses: { "apps/gone/ipv4": fixed("10.64.0.2", "infra") },
    nodeCidrs: { kept: ["10.244.0.0/24"], moved: ["10.244.1.0/24"], gone: ["10.244.2.0/24", "fd00:10:244:2::/64"], "went-dual": ["10.244.4.0/24"] },
  };
  const after: Ledger = {
    version: 1,
    pools: { infra: active("10.64.0.0/24"), fresh: active("10.66.0.0/24") },
    nodeCidrs: { kept: ["10.244.0.0/24"], moved: ["10.244.5.0/24"], new: ["10.244.3.0/24", "fd00:10:244:3::/64"], "went-dual": ["10.244.4.0/24", "fd00:10:244:4::/64"] },
  };

  test("lists pool changes, then address changes, then node changes, each sorted", () => {
    expect(diffLedgers(before, after)).toEqual<LedgerChange[]>([
      { kind: "added", name: "fresh", after: active("10.66.0.0/24") },
      { kind: "released", name: "old", before: retired("10.65.0.0/24") },
      { kind: "address-removed", key: "apps/gone/ipv4", before: fixed("10.64.0.2", "infra") },
      { kind: "node-removed", node: "gone", before: ["10.244.2.0/24", "fd00:10:244:2::/64"] },
      { kind: "node-changed", node: "moved", before: ["10.244.1.0/24"], after: ["10.244.5.0/24"] },
      { kind: "node-added", node: "new", after: ["10.244.3.0/24", "fd00:10:244:3::/64"] },
      { kind: "node-changed", node: "went-dual", before: ["10.244.4.0/24"], after: ["10.244.4.0/24", "fd00:10:244:4::/64"] },
    ]);
  });

  test("describes each change in one line", () => {
    expect(diffLedgers(before, after).map(describeChange).slice(3)).toEqual([
      'node "gone": removed 10.244.2.0/24, fd00:10:244:2::/64; the ranges may be handed to another node',
      'node "moved": changed from 10.244.1.0/24 to 10.244.5.0/24',
      'node "new": added 10.244.3.0/24, fd00:10:244:3::/64',
      'node "went-dual": changed from 10.244.4.0/24 to 10.244.4.0/24, fd00:10:244:4::/64',
    ]);
    expect(describeChange({ kind: "node-added", node: "rack-a-01", after: ["10.244.0.0/24", "fd00:10:244::/64"] })).toBe(
      'node "rack-a-01": added 10.244.0.0/24, fd00:10:244::/64',
    );
    expect(describeChange({ kind: "node-removed", node: "rack-a-01", before: ["10.244.0.0/24"] })).toBe(
      'node "rack-a-01": removed 10.244.0.0/24; the range may be handed to another node',
    );
  });

  test("LedgerNodeChange is the node kinds, and each carries its node", () => {
    const nodeChanges = diffLedgers(before, after).filter((c): c is LedgerNodeChange => "node" in c);
    expect(nodeChanges.map((c) => [c.kind, c.node])).toEqual([
      ["node-removed", "gone"],
      ["node-changed", "moved"],
      ["node-added", "new"],
      ["node-changed", "went-dual"],
    ]);
  });

  test("a change of order alone is a change", () => {
    const a: Ledger = { version: 1, pools: {}, nodeCidrs: { n: ["10.244.0.0/24", "fd00::/64"] } };
    const b = { version: 1, pools: {}, nodeCidrs: { n: ["fd00::/64", "10.244.0.0/24"] } } as Ledger;
    expect(diffLedgers(a, b).map((c) => c.kind)).toEqual(["node-changed"]);
  });

  test("absent and empty are the same: no change", () => {
    expect(diffLedgers(withoutNodes, { ...withoutNodes, nodeCidrs: {} })).toEqual([]);
    expect(diffLedgers(before, before)).toEqual([]);
    expect(diffLedgers(withNodes, parseLedger(serializeLedger(withNodes)))).toEqual([]);
  });

  test("every node appears as added from an empty ledger, and as removed to one", () => {
    expect(diffLedgers(emptyLedger(), { ...emptyLedger(), nodeCidrs: NODES }).map((c) => c.kind)).toEqual(["node-added", "node-added", "node-added"]);
    expect(diffLedgers({ ...emptyLedger(), nodeCidrs: NODES }, emptyLedger()).map((c) => c.kind)).toEqual(["node-removed", "node-removed", "node-removed"]);
  });

  test("diffLedgerPools gives the pool changes only", () => {
    expect(diffLedgerPools(before, after).map((c) => [c.kind, c.name])).toEqual([
      ["added", "fresh"],
      ["released", "old"],
    ]);
  });
});

describe("formatLedgerTable with node CIDRs", () => {
  test("adds a NODE | POD CIDRS table after the addresses, sorted by node name, and counts the nodes in the summary", () => {
    expect(formatLedgerTable(withAll)).toBe(
      [
        "+-------+--------+--------------+------------+--------+----------+",
        "| NAME  | FAMILY | CIDR         | BLOCK SIZE | BLOCKS | STATUS   |",
        "+-------+--------+--------------+------------+--------+----------+",
        "| infra | IPv4   | 10.64.0.0/24 |         26 |      4 | active   |",
        "| old   | IPv4   | 10.65.0.0/24 |         26 |      4 | draining |",
        "+-------+--------+--------------+------------+--------+----------+",
        "+---------------------+--------+------------+-------+",
        "| WORKLOAD            | FAMILY | ADDRESS    | POOL  |",
        "+---------------------+--------+------------+-------+",
        "| kube-system/coredns | IPv4   | 10.64.0.10 | infra |",
        "+---------------------+--------+------------+-------+",
        "+-----------------------+-----------------------------------+",
        "| NODE                  | POD CIDRS                         |",
        "+-----------------------+-----------------------------------+",
        "| rack-a-01             | 10.244.0.0/24, fd00:10:244::/64   |",
        "| rack-a-02.example.com | 10.244.1.0/24, fd00:10:244:1::/64 |",
        "| rack-b-01             | 10.244.2.0/24                     |",
        "+-----------------------+-----------------------------------+",
        "2 pools: 1 active, 1 draining (draining pools stay disabled and their ranges reserved until released); 1 fixed address; 3 nodes with pod CIDRs",
        "",
      ].join("\n"),
    );
  });

  test("one node, and no pools", () => {
    const text = formatLedgerTable({ version: 1, pools: {}, nodeCidrs: { n1: ["10.244.0.0/24"] } });
    expect(text).toContain("| n1   | 10.244.0.0/24 |");
    expect(text).not.toContain("WORKLOAD");
    expect(text).toMatch(/\nThe ledger has no pools; 1 node with pod CIDRs\.\n$/);
  });

  test("without node CIDRs, the output is as before: no node table", () => {
    const text = formatLedgerTable({ ...withoutNodes, nodeCidrs: {} });
    expect(text).toBe(formatLedgerTable(withoutNodes));
    expect(text).not.toContain("NODE");
    expect(text).toMatch(/\n2 pools: 1 active, 1 draining \(draining pools stay disabled and their ranges reserved until released\)\n$/);
  });
});

test("an IPv6-primary dual-stack node keeps its podCIDRs in the cluster's order", () => {
  const text = JSON.stringify({ nodeCidrs: { "rack-a-01": ["fd00:10:244::/64", "10.244.0.0/24"] }, pools: {}, version: 1 });
  expect(parseLedger(text).nodeCidrs).toEqual({ "rack-a-01": ["fd00:10:244::/64", "10.244.0.0/24"] });
});
