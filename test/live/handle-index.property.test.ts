import fc from "fast-check";
import { HandleColumns, HandleTable } from "../../src/live/private/handle-columns";
import { handleIdHash } from "../../src/live/private/handle-ids";
import { HandleIndex } from "../../src/live/private/handle-index";

// The index's lookup of many IDs at once (`HandleIndex.findTexts`, which reads a batch's places in the
// table and its candidates' IDs before it compares any) against its lookup of one ID (`findText`) and
// against a scan of the objects, on generated tables: IDs that are their object's name or not, IDs held
// by several objects, IDs no object holds, attributes without a handle, IDs whose hashes collide (FNV-1a
// pairs), and more IDs than one batch.

/** Pairs of texts whose FNV-1a hashes (`handleIdHash`) are equal. */
const COLLIDING = [
  ["costarring", "liquid"],
  ["declinate", "macallums"],
  ["altarage", "zinke"],
  ["altarages", "zinkes"],
] as const;

const WORDS = [...COLLIDING.flat(), "k8s-pod-network.0a1b2c", "k8s-pod-network.ffee", "vxlan-tunnel-addr-node-1", "pod-1", "pod-2", "Pod-1", "x"];

/** A handle object: its name, and its ID (the name, or another text). */
interface Handle {
  readonly name: string;
  readonly id: string;
}

/** The columns the handles worker leaves for `handles` (the fields the index reads; one block for all). */
function columnsOf(handles: readonly Handle[]): HandleColumns {
  const n = handles.length;
  const nameEnds = new Int32Array(n);
  const idFrom = new Int32Array(n);
  const idTo = new Int32Array(n);
  const idHash = new Int32Array(n);
  let names = "";
  let ids = "";
  handles.forEach((h, i) => {
    names += h.name;
    nameEnds[i] = names.length;
    idHash[i] = handleIdHash(h.id);
    if (h.id === h.name) {
      idFrom[i] = -1;
    } else {
      idFrom[i] = ids.length;
      ids += h.id;
      idTo[i] = ids.length;
    }
  });
  return {
    ok: true,
    count: n,
    names: Buffer.from(names, "latin1"),
    nameEnds,
    ids: Buffer.from(ids, "latin1"),
    idFrom,
    idTo,
    idHash,
    cidrs: ["10.0.0.0/26"],
    cidrOf: new Int32Array(n),
    counts: new Float64Array(n).fill(1),
    deleted: new Uint8Array(n),
    from: new Uint32Array(n),
    to: new Uint32Array(n),
    sorted: false,
    listMetadata: undefined,
  };
}

/** The IDs looked up (null: an attribute without a handle), as the blocks' columns hold them: one text, places, hashes. */
function lookupsOf(wanted: readonly (string | null)[]): { bytes: Buffer; from: Int32Array; to: Int32Array; hashes: Int32Array } {
  const n = wanted.length;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const hashes = new Int32Array(n);
  let text = "#"; // (nothing starts at 0)
  wanted.forEach((id, i) => {
    if (id === null) {
      from[i] = -1;
      hashes[i] = 12345; // any value: not read
      return;
    }
    from[i] = text.length;
    text += id;
    to[i] = text.length;
    hashes[i] = handleIdHash(id);
  });
  return { bytes: Buffer.from(text, "latin1"), from, to, hashes };
}

const word = fc.constantFrom(...WORDS);
const handleArb = fc.record({ name: word, id: fc.option(word, { nil: undefined }) }).map(({ name, id }): Handle => ({ name, id: id ?? name }));

describe("HandleIndex.findTexts: the IDs of a block found at once", () => {
  test("the colliding pairs collide", () => {
    for (const [a, b] of COLLIDING) expect(handleIdHash(a)).toBe(handleIdHash(b));
  });

  test("finds what findText finds one by one, and the first object holding the ID (-1 for none or no handle)", () => {
    fc.assert(
      fc.property(fc.array(handleArb, { maxLength: 40 }), fc.array(fc.option(fc.oneof(word, fc.constant("no-such-handle")), { nil: null }), { maxLength: 200 }), fc.boolean(), fc.integer(), (handles, wanted, withSpare, garbage) => {
        const c = columnsOf(handles);
        // Half the tables have spare memory holding anything (the reader's window): the index is built there.
        const spare = withSpare ? new Int32Array(2 * 1024 * Math.max(1, Math.ceil((2 * handles.length) / 1024))).fill(garbage) : undefined;
        const table = new HandleTable("/nonexistent/handles.json", spare !== undefined ? { ...c, spare } : c);
        const index = new HandleIndex(table).complete();
        expect(index.inSpareMemory).toBe(withSpare);
        const { bytes, from, to, hashes } = lookupsOf(wanted);
        const entries = new Int32Array(wanted.length).fill(-7);
        index.findTexts(bytes, from, to, hashes, wanted.length, entries);
        wanted.forEach((id, i) => {
          const first = id === null ? -1 : handles.findIndex((h) => h.id === id);
          expect(entries[i]).toBe(first);
          if (id !== null) expect(index.findText(bytes, from[i], to[i], hashes[i])).toBe(first);
        });
      }),
      { numRuns: 300 },
    );
  });

  test("a table of many objects (several places per hash's run, more IDs than a batch)", () => {
    const handles: Handle[] = [];
    for (let i = 0; i < 3000; i++) handles.push({ name: `k8s-pod-network.${(i * 7919).toString(16)}`, id: i % 5 === 0 ? `Pod-${i}` : `k8s-pod-network.${(i * 7919).toString(16)}` });
    for (const [a, b] of COLLIDING) handles.push({ name: a, id: a }, { name: `${b}-object`, id: b });
    const table = new HandleTable("/nonexistent/handles.json", columnsOf(handles));
    const index = new HandleIndex(table).complete();
    const wanted: (string | null)[] = [];
    for (let i = 0; i < 5000; i++) wanted.push(i % 97 === 0 ? null : i % 13 === 0 ? `missing-${i}` : handles[(i * 31) % handles.length].id);
    const { bytes, from, to, hashes } = lookupsOf(wanted);
    const entries = new Int32Array(wanted.length);
    index.findTexts(bytes, from, to, hashes, wanted.length, entries);
    const byId = new Map<string, number>();
    handles.forEach((h, j) => byId.has(h.id) || byId.set(h.id, j));
    expect(Array.from(entries)).toEqual(wanted.map((id) => (id === null ? -1 : (byId.get(id) ?? -1))));
  });
});
