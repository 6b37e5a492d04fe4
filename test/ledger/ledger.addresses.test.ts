import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DEFAULT_LEDGER_FILE,
  Ledger,
  LedgerAddress,
  LedgerChange,
  LedgerError,
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
import { Cidr } from "../../src/ip";
import { active, fixed, retired } from "../helpers/ledger";

const FILE = "calico-ipam.lock.json";


const POOLS = { infra: active("10.64.0.0/24"), "infra-v6": active("fd00:64::/120"), old: retired("10.65.0.0/24") };
const ADDRESSES = {
  "kube-system/coredns/ipv6": fixed("fd00:64::a", "infra-v6"),
  "kube-system/coredns/ipv4": fixed("10.64.0.0", "infra"),
  "monitoring/prometheus.server/ipv4": fixed("10.64.0.1", "infra"),
};
const withAddresses: Ledger = { version: 1, pools: POOLS, addresses: ADDRESSES };
const withoutAddresses: Ledger = { version: 1, pools: POOLS };

describe("the addresses section: format and round trip", () => {
  test("is written first (keys sorted at every level), entries sorted by key", () => {
    const text = serializeLedger(withAddresses);
    expect(text.split("\n").slice(0, 16)).toEqual([
      "{",
      '  "addresses": {',
      '    "kube-system/coredns/ipv4": {',
      '      "address": "10.64.0.0",',
      '      "pool": "infra"',
      "    },",
      '    "kube-system/coredns/ipv6": {',
      '      "address": "fd00:64::a",',
      '      "pool": "infra-v6"',
      "    },",
      '    "monitoring/prometheus.server/ipv4": {',
      '      "address": "10.64.0.1",',
      '      "pool": "infra"',
      "    }",
      "  },",
      '  "pools": {',
    ]);
    expect(text.endsWith('  "version": 1\n}\n')).toBe(true);
  });

  test("reads what it writes, and writes the same bytes again", () => {
    const text = serializeLedger(withAddresses);
    const parsed = parseLedger(text, FILE);
    expect(parsed).toEqual(withAddresses);
    expect(Object.keys(parsed.addresses!)).toEqual(["kube-system/coredns/ipv4", "kube-system/coredns/ipv6", "monitoring/prometheus.server/ipv4"]);
    expect(serializeLedger(parsed)).toBe(text);
  });

  test("accepts any key order in the file", () => {
    const text =
      '{"version":1,"addresses":{"kube-system/coredns/ipv4":{"pool":"infra","address":"10.64.0.0"}},' +
      '"pools":{"infra":{"status":"active","family":4,"cidr":"10.64.0.0/24","blockSize":26}}}';
    expect(parseLedger(text)).toEqual({ version: 1, pools: { infra: active("10.64.0.0/24") }, addresses: { "kube-system/coredns/ipv4": fixed("10.64.0.0", "infra") } });
  });

  test("returns the section and its entries frozen", () => {
    const parsed = parseLedger(serializeLedger(withAddresses));
    expect(Object.isFrozen(parsed.addresses)).toBe(true);
    expect(Object.isFrozen(parsed.addresses!["kube-system/coredns/ipv4"])).toBe(true);
  });

  test("an empty section is omitted, so the bytes are those of a ledger without the key", () => {
    const without = serializeLedger(withoutAddresses);
    expect(without).not.toContain("addresses");
    expect(serializeLedger({ ...withoutAddresses, addresses: {} })).toBe(without);
    expect(serializeLedger({ ...withoutAddresses, addresses: undefined })).toBe(without);
    expect(serializeLedger(emptyLedger())).toBe('{\n  "pools": {},\n  "version": 1\n}\n');
  });

  test("absent and empty read the same: the returned ledger has no addresses key", () => {
    const empty = parseLedger(JSON.stringify({ version: 1, pools: {}, addresses: {} }));
    expect("addresses" in empty).toBe(false);
    expect(empty).toStrictEqual(emptyLedger());
    expect("addresses" in emptyLedger()).toBe(false);
  });

  test("a file written before the section existed reads unchanged and is written back byte for byte", () => {
    const before = '{\n  "pools": {\n    "a": {\n      "blockSize": 26,\n      "cidr": "10.0.0.0/24",\n      "family": 4,\n      "status": "active"\n    }\n  },\n  "version": 1\n}\n';
    const ledger = parseLedger(before);
    expect(ledger.addresses).toBeUndefined();
    expect(serializeLedger(ledger)).toBe(before);
  });

  test("the pool of an address need not be in pools: the plan checks it against the live pools", () => {
    const ledger: Ledger = { version: 1, pools: {}, addresses: { "apps/web/ipv4": fixed("192.168.0.10", "elsewhere") } };
    expect(parseLedger(serializeLedger(ledger))).toEqual(ledger);
  });

  test("IPv4-mapped IPv6 addresses are canonical in their mixed form", () => {
    const ledger: Ledger = { version: 1, pools: {}, addresses: { "apps/web/ipv6": fixed("::ffff:10.0.0.1", "v6") } };
    expect(parseLedger(serializeLedger(ledger))).toEqual(ledger);
  });
});

describe("parseLedger refuses a wrong addresses section, saying where, what and the way out", () => {
  const KEY = "kube-system/coredns/ipv4";
  const AT = `addresses["${KEY}"]`;
  const doc = (addresses: unknown) => JSON.stringify({ version: 1, pools: { infra: active("10.64.0.0/24") }, addresses }, null, 2);
  const one = (entry: unknown, key = KEY) => doc({ [key]: entry });

  test.each<[string, string, string, string, RegExp]>([
    ["a section that is a list", doc([]), "LEDGER_TYPE", "addresses", /^calico-ipam\.lock\.json: addresses: "addresses" must be an object of fixed-address key to entry, such as \{"kube-system\/coredns\/ipv4": \{"address": "10\.64\.0\.10", "pool": "infra"\}\}, got a list\./],
    ["a section that is null", doc(null), "LEDGER_TYPE", "addresses", /addresses: "addresses" must be an object .*, got null\./],
    [
      "a key without the family",
      one(fixed("10.64.0.0", "infra"), "kube-system/coredns"),
      "LEDGER_ADDRESS_KEY",
      'addresses["kube-system/coredns"]',
      /addresses\["kube-system\/coredns"\]: "kube-system\/coredns" is not a fixed-address key: it has 2 parts separated by "\/", not 3\. A key is "<namespace>\/<workload>\/ipv4" or "<namespace>\/<workload>\/ipv6", such as "kube-system\/coredns\/ipv4"\./,
    ],
    ["a key with another family", one(fixed("10.64.0.0", "infra"), "kube-system/coredns/v4"), "LEDGER_ADDRESS_KEY", 'addresses["kube-system/coredns/v4"]', /it ends in "\/v4", not "\/ipv4" or "\/ipv6"/],
    ["a key with too many parts", one(fixed("10.64.0.0", "infra"), "a/b/c/ipv4"), "LEDGER_ADDRESS_KEY", 'addresses["a/b/c/ipv4"]', /it has 4 parts separated by "\/", not 3/],
    [
      "a namespace that is not a DNS-1123 label",
      one(fixed("10.64.0.0", "infra"), "kube.system/coredns/ipv4"),
      "LEDGER_ADDRESS_KEY",
      'addresses["kube.system/coredns/ipv4"]',
      /the namespace "kube\.system" is not a DNS-1123 label \(at most 63 lower case alphanumeric characters or '-', starting and ending with an alphanumeric character\)/,
    ],
    ["a namespace longer than 63 characters", one(fixed("10.64.0.0", "infra"), `${"n".repeat(64)}/coredns/ipv4`), "LEDGER_ADDRESS_KEY", `addresses["${"n".repeat(64)}/coredns/ipv4"]`, /the namespace "n{64}" is not a DNS-1123 label/],
    ["an empty namespace", one(fixed("10.64.0.0", "infra"), "/coredns/ipv4"), "LEDGER_ADDRESS_KEY", 'addresses["/coredns/ipv4"]', /the namespace "" is not a DNS-1123 label/],
    [
      "a workload that is not a DNS-1123 subdomain",
      one(fixed("10.64.0.0", "infra"), "kube-system/CoreDNS/ipv4"),
      "LEDGER_ADDRESS_KEY",
      'addresses["kube-system/CoreDNS/ipv4"]',
      /the workload "CoreDNS" is not a DNS-1123 subdomain: name must consist of lower case alphanumeric characters, '-' or '\.'.*did you mean "coredns"\?/,
    ],
    ["an entry that is not an object", one("10.64.0.0"), "LEDGER_TYPE", AT, /: fixed address "kube-system\/coredns\/ipv4" must be an object with address, pool, got the string "10\.64\.0\.0"\./],
    ["an entry without an address", one({ pool: "infra" }), "LEDGER_MISSING_KEY", `${AT}.address`, /: fixed address "kube-system\/coredns\/ipv4" has no "address"\./],
    ["an entry without a pool", one({ address: "10.64.0.0" }), "LEDGER_MISSING_KEY", `${AT}.pool`, /: fixed address "kube-system\/coredns\/ipv4" has no "pool"\./],
    ["an address that is a number", one({ address: 167772160, pool: "infra" }), "LEDGER_TYPE", `${AT}.address`, /: "address" must be a string such as "10\.64\.0\.10", got the number 167772160\./],
    ["an address that does not parse", one(fixed("10.64.0.256", "infra")), "LEDGER_ADDRESS_INVALID", `${AT}.address`, /: "10\.64\.0\.256" is not a valid IP address: octet 256 is out of range 0-255\./],
    [
      "an address given as a CIDR",
      one(fixed("10.64.0.0/32", "infra")),
      "LEDGER_ADDRESS_INVALID",
      `${AT}.address`,
      /: "10\.64\.0\.0\/32" is not a valid IP address: .*; a fixed address is one address such as "10\.64\.0\.10", not a CIDR\./,
    ],
    ["an IPv4 address with a leading zero", one(fixed("10.064.0.1", "infra")), "LEDGER_ADDRESS_INVALID", `${AT}.address`, /octet "064" has a leading zero/],
    ["an address with spaces", one(fixed(" 10.64.0.1", "infra")), "LEDGER_ADDRESS_INVALID", `${AT}.address`, /has leading or trailing spaces/],
    [
      "an IPv6 address in upper case",
      one(fixed("FD00:64::A", "infra"), "kube-system/coredns/ipv6"),
      "LEDGER_ADDRESS_NOT_CANONICAL",
      'addresses["kube-system/coredns/ipv6"].address',
      /: "FD00:64::A" is not in canonical form; the ledger writes it as "fd00:64::a"\./,
    ],
    [
      "an IPv6 address not compressed",
      one(fixed("fd00:64:0:0:0:0:0:a", "infra"), "kube-system/coredns/ipv6"),
      "LEDGER_ADDRESS_NOT_CANONICAL",
      'addresses["kube-system/coredns/ipv6"].address',
      /the ledger writes it as "fd00:64::a"/,
    ],
    [
      "an IPv6 address under an IPv4 key",
      one(fixed("fd00:64::a", "infra")),
      "LEDGER_ADDRESS_FAMILY",
      `${AT}.address`,
      /: the key "kube-system\/coredns\/ipv4" is for an IPv4 address, but fd00:64::a is IPv6; an IPv6 address is recorded under "kube-system\/coredns\/ipv6"\./,
    ],
    [
      "an IPv4 address under an IPv6 key",
      one(fixed("10.64.0.0", "infra"), "kube-system/coredns/ipv6"),
      "LEDGER_ADDRESS_FAMILY",
      'addresses["kube-system/coredns/ipv6"].address',
      /is for an IPv6 address, but 10\.64\.0\.0 is IPv4; an IPv4 address is recorded under "kube-system\/coredns\/ipv4"/,
    ],
    ["a pool that is not a string", one({ address: "10.64.0.0", pool: 4 }), "LEDGER_TYPE", `${AT}.pool`, /: "pool" must be the name of a pool such as "infra", got the number 4\./],
    ["a pool name that is not a Calico name", one(fixed("10.64.0.0", "Infra")), "LEDGER_POOL_NAME", `${AT}.pool`, /: "Infra" is not a valid pool name: name must consist of lower case alphanumeric characters.*did you mean "infra"\?/],
    ["an empty pool name", one(fixed("10.64.0.0", "")), "LEDGER_POOL_NAME", `${AT}.pool`, /: "" is not a valid pool name: name must be a non-empty string/],
    [
      "the same address for two workloads",
      doc({ [KEY]: fixed("10.64.0.5", "infra"), "apps/web/ipv4": fixed("10.64.0.5", "infra") }),
      "LEDGER_ADDRESS_DUPLICATE",
      `${AT}.address`,
      /: 10\.64\.0\.5 is recorded for both "apps\/web\/ipv4" and "kube-system\/coredns\/ipv4"; a fixed address belongs to one workload\. Keep the entry of the workload whose pods hold the address and delete the other, so that its address is picked again\./,
    ],
  ])("%s", (_, text, code, errorPath, message) => {
    const parse = () => parseLedger(text, FILE);
    expect(parse).toThrow(LedgerError);
    expect(parse).toThrow(expect.objectContaining({ code, file: FILE, path: errorPath }));
    expect(parse).toThrow(message);
    expect(parse).toThrow(new RegExp(`^calico-ipam\\.lock\\.json: ${errorPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    expect(parse).toThrow(/restore it from git: git checkout -- calico-ipam\.lock\.json, or correct the value by hand\. Deleting the ledger is not a fix/);
  });

  test("an unknown key in an entry says to upgrade, since a newer version may have written it", () => {
    const parse = () => parseLedger(one({ address: "10.64.0.0", pool: "infra", since: "2024-01-01" }), FILE);
    expect(parse).toThrow(expect.objectContaining({ code: "LEDGER_UNKNOWN_KEY", path: `${AT}.since` }));
    expect(parse).toThrow(
      `calico-ipam.lock.json: ${AT}.since: unknown key "since" in fixed address "kube-system/coredns/ipv4"; an entry has only address, pool. ` +
        "If a newer version of cdktf-calico-ipam wrote it, upgrade; otherwise remove the key.",
    );
  });

  test("an unknown top-level section names the optional section this version reads", () => {
    expect(() => parseLedger(JSON.stringify({ version: 1, pools: {}, nodes: {} }), FILE)).toThrow(/otherwise remove the key \(this version also reads the optional sections "addresses", "clusters", "drawnRanges", "migrations", "nodeCidrs" and "subSpaces"\)/);
  });

  test("an address recorded twice is reported on the later key in code-unit order, whatever the file order", () => {
    const text = doc({ "b/web/ipv4": fixed("10.64.0.5", "infra"), "a/web/ipv4": fixed("10.64.0.5", "infra") });
    expect(() => parseLedger(text, FILE)).toThrow(expect.objectContaining({ path: 'addresses["b/web/ipv4"].address', message: expect.stringContaining('both "a/web/ipv4" and "b/web/ipv4"') }));
  });

  test("every problem is counted, pools and addresses together", () => {
    const text = JSON.stringify({ version: 1, pools: { a: active("10.0.0.1/24") }, addresses: { "x/y/ipv4": fixed("10.0.0.256", "a"), "x/z/ipv9": fixed("10.0.0.1", "a") } });
    expect(() => parseLedger(text, FILE)).toThrow(/^calico-ipam\.lock\.json: pools\.a\.cidr: .*\(and 2 more problems\)/);
  });

  test("serializeLedger and formatLedgerTable refuse a wrong section too, so it is never written", () => {
    const bad = { version: 1, pools: {}, addresses: { [KEY]: fixed("10.64.0.0/32", "infra") } } as Ledger;
    expect(() => serializeLedger(bad)).toThrow(expect.objectContaining({ code: "LEDGER_ADDRESS_INVALID", path: `${AT}.address` }));
    expect(() => formatLedgerTable(bad)).toThrow(expect.objectContaining({ code: "LEDGER_ADDRESS_INVALID" }));
    expect(() => serializeLedger({ ...bad, addresses: { [KEY]: { ...fixed("10.64.0.0", "infra"), note: "x" } as LedgerAddress } })).toThrow(
      expect.objectContaining({ code: "LEDGER_UNKNOWN_KEY" }),
    );
  });
});

describe("every function that makes a ledger carries the addresses through", () => {
  test("releasePools keeps every address, also those picked from the released pool", () => {
    const after = releasePools(withAddresses, ["old"]);
    expect(Object.keys(after.pools)).toEqual(["infra", "infra-v6"]);
    expect(after.addresses).toEqual(ADDRESSES);
    expect(Object.isFrozen(after.addresses)).toBe(true);
    expect(Object.keys(after.addresses!)).toEqual(Object.keys(ADDRESSES).sort());
    expect(diffLedgers(withAddresses, after)).toEqual<LedgerChange[]>([{ kind: "released", name: "old", before: retired("10.65.0.0/24") }]);
    expect(serializeLedger(after)).toContain('"kube-system/coredns/ipv4"');
  });

  test("releasePools on a parsed ledger keeps the addresses, and so does a second parse", () => {
    const parsed = parseLedger(serializeLedger(withAddresses));
    const after = releasePools(parsed, ["old"]);
    expect(after.addresses).toBe(parsed.addresses);
    expect(parseLedger(serializeLedger(after)).addresses).toEqual(ADDRESSES);
  });

  test("releasePools without addresses adds no key", () => {
    expect("addresses" in releasePools(withoutAddresses, ["old"])).toBe(false);
  });

  test("freezeLedger passes a section on and registerCheckedLedger trusts it only when it was checked", () => {
    const parsed = parseLedger(serializeLedger(withAddresses));
    const cidrs = new Map(Object.entries(parsed.pools).map(([name, e]) => [name, Cidr.parse(e.cidr)]));
    const carved = freezeLedger(Object.entries(parsed.pools), parsed.addresses);
    registerCheckedLedger(carved, cidrs);
    expect(carved.addresses).toBe(parsed.addresses);
    expect(inspectLedger(carved).ledger).toBe(carved);
    expect(serializeLedger(carved)).toBe(serializeLedger(withAddresses));

    // A frozen section nobody checked: the ledger is not registered, so the next use checks it in full.
    const unchecked = freezeLedger(Object.entries(parsed.pools), { "apps/web/ipv4": fixed("10.64.0.0/32", "infra") });
    registerCheckedLedger(unchecked, cidrs);
    expect(() => serializeLedger(unchecked)).toThrow(expect.objectContaining({ code: "LEDGER_ADDRESS_INVALID" }));
  });

  test("a ledger made from a checked one with new addresses (as the plan does) is checked again", () => {
    const parsed = parseLedger(serializeLedger(withAddresses));
    const changed: Ledger = { ...parsed, addresses: { ...parsed.addresses, "apps/web/ipv4": fixed("10.64.0.0", "infra") } };
    expect(() => serializeLedger(changed)).toThrow(expect.objectContaining({ code: "LEDGER_ADDRESS_DUPLICATE", path: 'addresses["kube-system/coredns/ipv4"].address' }));
  });

  test("freezeLedger takes the section as entries too, sorts it and leaves out an empty one", () => {
    const ledger = freezeLedger([], [["b/web/ipv4", fixed("10.0.0.2", "p")], ["a/web/ipv4", fixed("10.0.0.1", "p")]]);
    expect(Object.keys(ledger.addresses!)).toEqual(["a/web/ipv4", "b/web/ipv4"]);
    expect(Object.isFrozen(ledger.addresses!["a/web/ipv4"])).toBe(true);
    expect("addresses" in freezeLedger([], [])).toBe(false);
    expect("addresses" in freezeLedger([], {})).toBe(false);
  });

  describe("on disk", () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-addresses-"));
      file = path.join(dir, DEFAULT_LEDGER_FILE);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("writeLedgerIfChanged writes the addresses, and leaves the file alone when nothing changed", () => {
      expect(writeLedgerIfChanged(file, withAddresses)).toBe(true);
      expect(readLedger(file)).toEqual(withAddresses);
      expect(writeLedgerIfChanged(file, readLedger(file)!)).toBe(false);
      const moved: Ledger = { ...withAddresses, addresses: { ...ADDRESSES, "kube-system/coredns/ipv4": fixed("10.64.0.2", "infra") } };
      expect(writeLedgerIfChanged(file, moved)).toBe(true);
      expect(readLedger(file)!.addresses!["kube-system/coredns/ipv4"]).toEqual(fixed("10.64.0.2", "infra"));
    });

    test("a ledger without addresses, written over one with an empty section, is not rewritten", () => {
      fs.writeFileSync(file, serializeLedger(withoutAddresses));
      expect(writeLedgerIfChanged(file, { ...withoutAddresses, addresses: {} })).toBe(false);
    });
  });
});

describe("diffLedgers and describeChange for addresses", () => {
  const before: Ledger = {
    version: 1,
    pools: { infra: active("10.64.0.0/24"), old: retired("10.65.0.0/24") },
    addresses: { "apps/kept/ipv4": fixed("10.64.0.1", "infra"), "apps/moved/ipv4": fixed("10.64.0.2", "infra"), "apps/gone/ipv6": fixed("fd00::2", "v6") },
  };
  const after: Ledger = {
    version: 1,
    pools: { infra: active("10.64.0.0/24"), fresh: active("10.66.0.0/24") },
    addresses: { "apps/kept/ipv4": fixed("10.64.0.1", "infra"), "apps/moved/ipv4": fixed("10.66.0.2", "fresh"), "apps/new/ipv4": fixed("10.64.0.3", "infra") },
  };

  test("lists pool changes, then address changes, each sorted", () => {
    expect(diffLedgers(before, after)).toEqual<LedgerChange[]>([
      { kind: "added", name: "fresh", after: active("10.66.0.0/24") },
      { kind: "released", name: "old", before: retired("10.65.0.0/24") },
      { kind: "address-removed", key: "apps/gone/ipv6", before: fixed("fd00::2", "v6") },
      { kind: "address-changed", key: "apps/moved/ipv4", before: fixed("10.64.0.2", "infra"), after: fixed("10.66.0.2", "fresh") },
      { kind: "address-added", key: "apps/new/ipv4", after: fixed("10.64.0.3", "infra") },
    ]);
  });

  test("describes each change in one line", () => {
    expect(diffLedgers(before, after).map(describeChange)).toEqual([
      'pool "fresh": added 10.66.0.0/24 (block /26)',
      'pool "old": released 10.65.0.0/24 (block /26); the range may be carved again',
      'fixed address "apps/gone/ipv6": removed fd00::2 (pool v6); the address may be picked again',
      'fixed address "apps/moved/ipv4": changed from 10.64.0.2 (pool infra) to 10.66.0.2 (pool fresh)',
      'fixed address "apps/new/ipv4": added 10.64.0.3 (pool infra)',
    ]);
    expect(describeChange({ kind: "address-added", key: "kube-system/coredns/ipv4", after: fixed("10.64.0.0", "infra") })).toBe(
      'fixed address "kube-system/coredns/ipv4": added 10.64.0.0 (pool infra)',
    );
  });

  test("a change of pool alone is a change", () => {
    const a: Ledger = { version: 1, pools: {}, addresses: { "x/y/ipv4": fixed("10.0.0.1", "p") } };
    const b: Ledger = { version: 1, pools: {}, addresses: { "x/y/ipv4": fixed("10.0.0.1", "q") } };
    expect(diffLedgers(a, b).map((c) => c.kind)).toEqual(["address-changed"]);
  });

  test("absent and empty are the same: no change", () => {
    expect(diffLedgers(withoutAddresses, { ...withoutAddresses, addresses: {} })).toEqual([]);
    expect(diffLedgers(before, before)).toEqual([]);
  });

  test("every address appears as added from an empty ledger, and as removed to one", () => {
    expect(diffLedgers(emptyLedger(), { ...emptyLedger(), addresses: ADDRESSES }).map((c) => c.kind)).toEqual(["address-added", "address-added", "address-added"]);
    expect(diffLedgers({ ...emptyLedger(), addresses: ADDRESSES }, emptyLedger()).map((c) => c.kind)).toEqual(["address-removed", "address-removed", "address-removed"]);
  });

  test("diffLedgerPools gives the pool changes only", () => {
    expect(diffLedgerPools(before, after).map((c) => [c.kind, c.name])).toEqual([
      ["added", "fresh"],
      ["released", "old"],
    ]);
  });
});

describe("formatLedgerTable with addresses", () => {
  test("adds a second table sorted by key, and counts the addresses in the summary", () => {
    expect(formatLedgerTable(withAddresses)).toBe(
      [
        "+----------+--------+---------------+------------+--------+----------+",
        "| NAME     | FAMILY | CIDR          | BLOCK SIZE | BLOCKS | STATUS   |",
        "+----------+--------+---------------+------------+--------+----------+",
        "| infra    | IPv4   | 10.64.0.0/24  |         26 |      4 | active   |",
        "| old      | IPv4   | 10.65.0.0/24  |         26 |      4 | draining |",
        "| infra-v6 | IPv6   | fd00:64::/120 |        122 |      4 | active   |",
        "+----------+--------+---------------+------------+--------+----------+",
        "+------------------------------+--------+------------+----------+",
        "| WORKLOAD                     | FAMILY | ADDRESS    | POOL     |",
        "+------------------------------+--------+------------+----------+",
        "| kube-system/coredns          | IPv4   | 10.64.0.0  | infra    |",
        "| kube-system/coredns          | IPv6   | fd00:64::a | infra-v6 |",
        "| monitoring/prometheus.server | IPv4   | 10.64.0.1  | infra    |",
        "+------------------------------+--------+------------+----------+",
        "3 pools: 2 active, 1 draining (draining pools stay disabled and their ranges reserved until released); 3 fixed addresses",
        "",
      ].join("\n"),
    );
  });

  test("one address, and no pools", () => {
    const text = formatLedgerTable({ version: 1, pools: {}, addresses: { "apps/web/ipv4": fixed("10.0.0.1", "gone") } });
    expect(text).toContain("| apps/web | IPv4   | 10.0.0.1 | gone |");
    expect(text).toMatch(/\nThe ledger has no pools; 1 fixed address\.\n$/);
  });

  test("without addresses, the output is as before: no second table", () => {
    const text = formatLedgerTable({ ...withoutAddresses, addresses: {} });
    expect(text).toBe(formatLedgerTable(withoutAddresses));
    expect(text).not.toContain("WORKLOAD");
    expect(text).toMatch(/\n3 pools: 2 active, 1 draining \(draining pools stay disabled and their ranges reserved until released\)\n$/);
  });
});
