import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_LEDGER_FILE, Ledger, LedgerError, emptyLedger, readLedger, serializeLedger, writeLedgerIfChanged } from "../../src/ledger";

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-"));
  file = path.join(dir, DEFAULT_LEDGER_FILE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const one: Ledger = { version: 1, pools: { payments: { family: 4, cidr: "10.32.4.0/22", blockSize: 26, status: "active" } } };
const two: Ledger = { version: 1, pools: { ...one.pools, web: { family: 6, cidr: "fd00::/64", blockSize: 122, status: "active" } } };

describe("readLedger", () => {
  test("a missing file is a first run: undefined", () => {
    expect(readLedger(file)).toBeUndefined();
  });

  test("reads a ledger file", () => {
    fs.writeFileSync(file, serializeLedger(one));
    expect(readLedger(file)).toEqual(one);
  });

  test.each([
    ["corrupt", "{ this is not json"],
    ["truncated", serializeLedger(two).slice(0, 80)],
    ["hand-edited into an invalid state", serializeLedger(two).replace('"10.32.4.0/22"', '"10.32.4.1/22"')],
  ])("a %s file is a LedgerError naming the file, and the file is left exactly as it was", (_, text) => {
    fs.writeFileSync(file, text);
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(file, past, past);
    expect(() => readLedger(file)).toThrow(LedgerError);
    expect(() => readLedger(file)).toThrow(expect.objectContaining({ file, message: expect.stringContaining(file) }));
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    expect(fs.statSync(file).mtimeMs).toBe(past.getTime());
    expect(fs.readdirSync(dir)).toEqual([DEFAULT_LEDGER_FILE]);
  });

  test("a path that cannot be read is LEDGER_UNREADABLE", () => {
    expect(() => readLedger(dir)).toThrow(expect.objectContaining({ code: "LEDGER_UNREADABLE", file: dir }));
  });
});

describe("writeLedgerIfChanged", () => {
  test("writes a new file, and the bytes are exactly serializeLedger's", () => {
    expect(writeLedgerIfChanged(file, one)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(serializeLedger(one));
  });

  test("does not touch the file when nothing changed", () => {
    writeLedgerIfChanged(file, one);
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(file, past, past);
    expect(writeLedgerIfChanged(file, { version: 1, pools: { ...one.pools } })).toBe(false);
    expect(fs.statSync(file).mtimeMs).toBe(past.getTime());
  });

  test("writes when the ledger changed", () => {
    writeLedgerIfChanged(file, one);
    expect(writeLedgerIfChanged(file, two)).toBe(true);
    expect(readLedger(file)).toEqual(two);
  });

  test("rewrites a file that holds the same pools in another layout, so the file stays canonical", () => {
    fs.writeFileSync(file, JSON.stringify(one));
    expect(writeLedgerIfChanged(file, one)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(serializeLedger(one));
  });

  test("leaves no temporary file behind", () => {
    writeLedgerIfChanged(file, one);
    writeLedgerIfChanged(file, two);
    writeLedgerIfChanged(file, emptyLedger());
    expect(fs.readdirSync(dir)).toEqual([DEFAULT_LEDGER_FILE]);
  });

  test("never writes an invalid ledger", () => {
    const bad = { version: 1, pools: { a: { family: 4, cidr: "10.0.0.1/24", blockSize: 26, status: "active" } } } as Ledger;
    expect(() => writeLedgerIfChanged(file, bad)).toThrow(LedgerError);
    expect(fs.existsSync(file)).toBe(false);
  });
});
