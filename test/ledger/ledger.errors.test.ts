import { LedgerError, parseLedger, serializeLedger } from "../../src/ledger";

const FILE = "calico-ipam.lock.json";

const entry = (cidr: string, extra: Record<string, unknown> = {}) => ({
  blockSize: cidr.includes(":") ? 122 : 26,
  cidr,
  family: cidr.includes(":") ? 6 : 4,
  status: "active",
  ...extra,
});
const doc = (pools: Record<string, unknown>, top: Record<string, unknown> = {}) => JSON.stringify({ version: 1, pools, ...top }, null, 2);
const valid = doc({ payments: entry("10.32.4.0/22"), web: entry("fd00:10:32::/64") });

describe("parseLedger refuses a ledger it cannot trust, saying where, what and the way out", () => {
  test.each<[string, string, string, RegExp]>([
    ["a corrupt file", "{ pools: {} }", "LEDGER_JSON_SYNTAX", /^calico-ipam\.lock\.json:1:3: the ledger is not valid JSON: expected a key in double quotes, found "p"/],
    ["a truncated file", valid.slice(0, 60), "LEDGER_JSON_SYNTAX", /^calico-ipam\.lock\.json:5:7: the ledger is not valid JSON: a string is not closed; the file looks truncated/],
    ["an empty file", "", "LEDGER_JSON_SYNTAX", /the ledger is not valid JSON: the file is empty/],
    ["a trailing comma", '{"version": 1, "pools": {},}', "LEDGER_JSON_SYNTAX", /:1:28: .*a trailing comma before "}" is not allowed in JSON/],
    ["a comment", '{"version": 1, // the format\n"pools": {}}', "LEDGER_JSON_SYNTAX", /:1:16: .*JSON has no comments/],
    [
      "a pool recorded twice (a merge that kept both sides)",
      '{"version": 1, "pools": {\n"a": {"blockSize": 26, "cidr": "10.0.0.0/24", "family": 4, "status": "active"},\n"a": {"blockSize": 26, "cidr": "10.0.1.0/24", "family": 4, "status": "active"}}}',
      "LEDGER_JSON_SYNTAX",
      /:3:1: .*key "a" appears twice in the same object; JSON readers would silently keep only the last one/,
    ],
    [
      "unresolved merge-conflict markers",
      '{\n  "pools": {\n<<<<<<< HEAD\n    "a": {}\n=======\n    "b": {}\n>>>>>>> feature\n  },\n  "version": 1\n}\n',
      "LEDGER_MERGE_CONFLICT",
      /^calico-ipam\.lock\.json:3: the ledger has unresolved merge-conflict markers \("<<<<<<<"\)\. Resolve it by keeping the pool entries of both sides/,
    ],
    ["a newer format version", doc({}, { version: 2 }), "LEDGER_VERSION_UNSUPPORTED", /version: the ledger is format version 2, written by a newer version of cdktf-calico-ipam; this version reads format 1\. Upgrade cdktf-calico-ipam/],
    ["an unknown version", doc({}, { version: 0 }), "LEDGER_VERSION_UNSUPPORTED", /version: "version" must be 1, got 0/],
    ["a version that is a string", doc({}, { version: "1" }), "LEDGER_TYPE", /version: "version" must be the number 1, got the string "1"/],
    ["no version", JSON.stringify({ pools: {} }), "LEDGER_MISSING_KEY", /version: "version" is missing/],
    ["no pools", JSON.stringify({ version: 1 }), "LEDGER_MISSING_KEY", /pools: "pools" is missing; write "pools": \{\} for a ledger without pools/],
    ["pools that are a list", doc([] as unknown as Record<string, unknown>), "LEDGER_TYPE", /pools: "pools" must be an object of pool name to entry, got a list/],
    ["a ledger that is a list", "[]", "LEDGER_TYPE", /the ledger must be a JSON object with "version" and "pools", got a list/],
    ["an unknown section", doc({}, { nodes: {} }), "LEDGER_UNKNOWN_KEY", /nodes: unknown key "nodes"; ledger format 1 has only "pools" and "version"\. If a newer version of cdktf-calico-ipam wrote this section, upgrade/],
    ["an unknown entry key", doc({ a: entry("10.0.0.0/24", { owner: "team-a" }) }), "LEDGER_UNKNOWN_KEY", /pools\.a\.owner: unknown key "owner" in pool "a"/],
    ["a recorded spec with an unknown field", doc({ a: entry("10.0.0.0/24", { spec: { ipipMode: "Always", mtu: 1400 } }) }), "LEDGER_UNKNOWN_KEY", /pools\.a\.spec\.mtu: unknown key "mtu" in "spec"; it records only allowedUses, assignmentMode, disableBGPExport, ipipMode, namespaceSelector, natOutgoing, nodeSelector, vxlanMode/],
    ["a recorded spec with a key named like an Object method", doc({ a: entry("10.0.0.0/24", { spec: { constructor: "x" } }) }), "LEDGER_UNKNOWN_KEY", /pools\.a\.spec\.constructor: unknown key "constructor" in "spec"/],
    ["a recorded spec field of the wrong type", doc({ a: entry("10.0.0.0/24", { spec: { natOutgoing: "yes" } }) }), "LEDGER_TYPE", /pools\.a\.spec\.natOutgoing: "natOutgoing" must be a boolean, got the string "yes"/],
    ["a recorded spec that is not an object", doc({ a: entry("10.0.0.0/24", { spec: ["Always"] }) }), "LEDGER_TYPE", /pools\.a\.spec: "spec" must be an object of IPPool spec fields/],
    ["an entry without a cidr", doc({ a: { blockSize: 26, family: 4, status: "active" } }), "LEDGER_MISSING_KEY", /pools\.a\.cidr: pool "a" has no "cidr"/],
    ["an entry that is not an object", doc({ a: "10.0.0.0/24" }), "LEDGER_TYPE", /pools\.a: pool "a" must be an object with blockSize, cidr, family, status, got the string "10\.0\.0\.0\/24"/],
    ["a pool name that is not a Calico name", doc({ Payments: entry("10.0.0.0/24") }), "LEDGER_POOL_NAME", /pools\.Payments: "Payments" is not a valid pool name/],
    ["a family given as text", doc({ a: entry("10.0.0.0/24", { family: "4" }) }), "LEDGER_TYPE", /pools\.a\.family: "family" must be 4 or 6, got the string "4"/],
    ["a block size given as text", doc({ a: entry("10.0.0.0/24", { blockSize: "26" }) }), "LEDGER_TYPE", /pools\.a\.blockSize: "blockSize" must be a whole number, got the string "26"/],
    ["an unknown status", doc({ a: entry("10.0.0.0/24", { status: "deleted" }) }), "LEDGER_STATUS", /pools\.a\.status: "status" must be "active", "draining" or "adopted" \(or "retired", the same as "draining"\), got the string "deleted"/],
    ["a CIDR with host bits", doc({ a: entry("10.0.0.1/24") }), "LEDGER_CIDR_INVALID", /pools\.a\.cidr: "10\.0\.0\.1\/24" has host bits set; did you mean "10\.0\.0\.0\/24"\?/],
    ["a CIDR that does not parse", doc({ a: entry("10.0.0/24") }), "LEDGER_CIDR_INVALID", /pools\.a\.cidr: "10\.0\.0\/24" is not a valid CIDR/],
    ["a CIDR not in canonical form", doc({ a: entry("FD00:0:0:0::/64") }), "LEDGER_CIDR_NOT_CANONICAL", /pools\.a\.cidr: "FD00:0:0:0::\/64" is not in canonical form; the ledger writes it as "fd00::\/64"/],
    ["a family that does not match the CIDR", doc({ a: entry("10.0.0.0/24", { family: 6 }) }), "LEDGER_FAMILY_MISMATCH", /pools\.a\.family: "family" is 6, but 10\.0\.0\.0\/24 is an IPv4 range/],
    ["a block size out of Calico's range", doc({ a: entry("10.0.0.0/16", { blockSize: 19 }) }), "LEDGER_BLOCK_SIZE", /pools\.a\.blockSize: "blockSize" 19 is out of Calico's range for IPv4 \(20 to 32\)/],
    ["a pool smaller than one block", doc({ a: entry("10.0.0.0/28") }), "LEDGER_POOL_SMALLER_THAN_BLOCK", /pools\.a\.blockSize: 10\.0\.0\.0\/28 is smaller than one \/26 block/],
    [
      "two entries that overlap",
      doc({ a: entry("10.0.0.0/23"), b: entry("10.0.1.0/24", { status: "draining" }) }),
      "LEDGER_OVERLAP",
      /pools\.b\.cidr: pool "b" \(10\.0\.1\.0\/24\) overlaps pool "a" \(10\.0\.0\.0\/23\); no two recorded ranges, active or draining, may share an address/,
    ],
  ])("%s", (_, text, code, message) => {
    const parse = () => parseLedger(text, FILE);
    expect(parse).toThrow(LedgerError);
    expect(parse).toThrow(expect.objectContaining({ code, file: FILE }));
    expect(parse).toThrow(message);
  });

  test.each([
    ["a corrupt file", "{"],
    ["a CIDR with host bits", doc({ a: entry("10.0.0.1/24") })],
    ["two entries that overlap", doc({ a: entry("10.0.0.0/23"), b: entry("10.0.1.0/24") })],
  ])("for %s, the way out is to restore the file from git, never to delete it", (_, text) => {
    const parse = () => parseLedger(text, FILE);
    expect(parse).toThrow(/restore it from git: git checkout -- calico-ipam\.lock\.json/i);
    expect(parse).toThrow(/Deleting the ledger is not a fix: it lets every pool move to a new range\./);
  });

  test("the error carries the JSON path of the offending value", () => {
    expect(() => parseLedger(doc({ a: entry("10.0.0.1/24") }), FILE)).toThrow(expect.objectContaining({ path: "pools.a.cidr" }));
  });

  test("a pool name with dots is quoted in the path", () => {
    expect(() => parseLedger(doc({ "pool.a": entry("10.0.0.1/24") }), FILE)).toThrow(/pools\["pool\.a"\]\.cidr: /);
  });

  test("more problems than the first are counted", () => {
    expect(() => parseLedger(doc({ a: entry("10.0.0.1/24"), b: entry("10.0.1.1/24") }), FILE)).toThrow(/\(and 1 more problem\)/);
  });

  test("without a file name, the message says ledger and the default file in the advice", () => {
    expect(() => parseLedger("{")).toThrow(/^ledger:1:2: the ledger is not valid JSON: .*git checkout -- calico-ipam\.lock\.json/);
  });
});

describe("serializeLedger refuses to write an invalid ledger", () => {
  test("a ledger object with overlapping ranges", () => {
    const ledger = JSON.parse(doc({ a: entry("10.0.0.0/23"), b: entry("10.0.1.0/24") }));
    expect(() => serializeLedger(ledger)).toThrow(expect.objectContaining({ code: "LEDGER_OVERLAP" }));
  });
});

describe("ledgers written before the pool lifecycle", () => {
  test("a retired pool reads as draining, and is written back as draining", () => {
    const ledger = parseLedger(doc({ old: entry("10.0.0.0/24", { status: "retired" }) }), FILE);
    expect(ledger.pools.old.status).toBe("draining");
    expect(JSON.parse(serializeLedger(ledger)).pools.old.status).toBe("draining");
  });

  test("an entry with a recorded spec reads back the same, keys sorted", () => {
    const text = doc({ a: entry("10.0.0.0/24", { spec: { vxlanMode: "CrossSubnet", allowedUses: ["Workload"], natOutgoing: true } }) });
    const ledger = parseLedger(text, FILE);
    expect(ledger.pools.a.spec).toEqual({ allowedUses: ["Workload"], natOutgoing: true, vxlanMode: "CrossSubnet" });
    expect(Object.keys(JSON.parse(serializeLedger(ledger)).pools.a.spec)).toEqual(["allowedUses", "natOutgoing", "vxlanMode"]);
  });
});
