import { inspect } from "util";
import { carve } from "../../src/carver";
import { parseLedger, serializeLedger } from "../../src/ledger/ledger";
import { checkedInspection } from "../../src/ledger/checked";
import { indexOfIndexedPools } from "../../src/ledger/freeze";
import { hiddenSlot } from "../../src/ledger/private/hidden-slot";
import { LazyOwnProperty } from "../../src/ledger/private/lazy-property";
import { madePoolIndex } from "../../src/ledger/pool-index";

describe("hiddenSlot", () => {
  test("keeps a value on an object that nothing else sees", () => {
    const slot = hiddenSlot<number[]>();
    const target = { version: 1, pools: { a: 1 } };
    const value = [1, 2];
    slot.set(target, value);
    Object.freeze(target);
    expect(slot.get(target)).toBe(value);
    expect(slot.get({ version: 1 })).toBeUndefined();
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Reflect.ownKeys(target)).toEqual(["version", "pools"]);
    expect(JSON.stringify(target)).toBe('{"version":1,"pools":{"a":1}}');
    expect({ ...target }).toEqual({ version: 1, pools: { a: 1 } });
    expect(inspect(target, { showHidden: true })).toBe(inspect({ version: 1, pools: { a: 1 } }, { showHidden: true }));
    expect(Object.isFrozen(target)).toBe(true);
  });

  test("each slot is its own; an object takes one value per slot", () => {
    const a = hiddenSlot<string>();
    const b = hiddenSlot<string>();
    const target = {};
    a.set(target, "a");
    expect(b.get(target)).toBeUndefined();
    b.set(target, "b");
    expect([a.get(target), b.get(target)]).toEqual(["a", "b"]);
    expect(() => a.set(target, "again")).toThrow(TypeError);
  });
});

describe("LazyOwnProperty", () => {
  test("an own enumerable getter in key order, computed once per object from its state, one function for all", () => {
    const made: number[] = [];
    const lazy = new LazyOwnProperty<number, { n: number }>("value", (n) => {
      made.push(n);
      return { n: n * 2 };
    });
    const first = { a: 1 } as Record<string, unknown>;
    lazy.define(first, 1);
    first.z = 3;
    const second = {};
    lazy.define(second, 5);
    Object.freeze(second);
    expect(Object.keys(first)).toEqual(["a", "value", "z"]);
    expect(made).toEqual([]);
    expect(first.value).toEqual({ n: 2 });
    expect(first.value).toBe(first.value);
    expect((second as { value: unknown }).value).toEqual({ n: 10 });
    expect(made).toEqual([1, 5]);
    const d1 = Object.getOwnPropertyDescriptor(first, "value")!;
    const d2 = Object.getOwnPropertyDescriptor(second, "value")!;
    expect(d1.get).toBe(d2.get);
    expect([d1.enumerable, d1.configurable, d1.set, d2.configurable]).toEqual([true, true, undefined, false]);
    expect(JSON.stringify(first)).toBe('{"a":1,"value":{"n":2},"z":3}');
    expect(lazy.stateOf(first)).toBe(1);
    expect(lazy.stateOf({})).toBeUndefined();
    // Read through an object that inherits it, and refused on one that does not.
    expect((Object.create(first) as { value: unknown }).value).toBe(first.value);
    expect(() => d1.get!.call({})).toThrow(TypeError);
  });
});

describe("the ledgers of a first run and of the canonical reader keep their state on themselves", () => {
  const requests = Array.from({ length: 20 }, (_, i) => ({ name: `pool-${String(i).padStart(2, "0")}`, family: 4 as const, blockSize: 26, size: { kind: "prefix" as const, prefixLength: 26 } }));
  const spaces = [{ name: "a", cidr: "10.0.0.0/16" }];

  test("index, checked state, and one pools getter and one changes getter for all of them", () => {
    const first = carve({ spaces, requests });
    const other = carve({ spaces, requests: requests.slice(3) });
    const read = parseLedger(serializeLedger(first.ledger));
    for (const ledger of [first.ledger, other.ledger, read]) {
      expect(indexOfIndexedPools(ledger)).toBeDefined();
      expect(madePoolIndex(ledger)).toBe(indexOfIndexedPools(ledger));
      expect(checkedInspection(ledger)?.ledger).toBe(ledger);
      expect(Object.isFrozen(ledger)).toBe(true);
      expect(Reflect.ownKeys(ledger)).toEqual(["version", "pools"]);
    }
    const getter = (o: object, key: string) => Object.getOwnPropertyDescriptor(o, key)?.get;
    expect(getter(first.ledger, "pools")).toBeDefined();
    expect(getter(other.ledger, "pools")).toBe(getter(first.ledger, "pools"));
    expect(getter(read, "pools")).toBe(getter(first.ledger, "pools"));
    expect(getter(other, "changes")).toBe(getter(first, "changes"));
    expect(Object.keys(first)).toEqual(["pools", "ledger", "changes", "findings"]);
    expect(first.changes.map((c) => c.name)).toEqual(requests.map((r) => r.name));
    expect(Object.keys(read.pools)).toEqual(requests.map((r) => r.name));
  });
});
