import fc from "fast-check";
import { COMPACT_BYTES, COMPACT_PREFIX, compactInPlace, compactable, emitCompactable, emitWriteCompact, handleText, handleTextEquals, isCompact, writeCompact } from "../../src/live/private/compact-handle";
import { Code, I32, V128, wasmModule } from "../../src/live/private/wasm";

// Pods' handle IDs (`k8s-pod-network.` + 64 lowercase hex digits) are kept in 34 bytes by the readers
// that keep IDs as bytes (src/live/private/compact-handle.ts). The form must be exact (decoded, the
// same text), kept for exactly the IDs of that kind, by JavaScript and WebAssembly alike, and equal
// bytes must mean equal IDs.

const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
const podId = hex.map((h) => COMPACT_PREFIX + h);
/** Printable ASCII but '"' and '\\' (what the readers keep as text). */
const plain = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)), maxLength: 90 });
/** A pod's ID with one character changed (an uppercase digit, a character out of range, one more or fewer). */
const nearPodId = fc.tuple(podId, fc.integer({ min: 0, max: 79 }), fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c), fc.constantFrom("replace", "insert", "remove")).map(([id, at, c, kind]) => {
  const ch = String.fromCharCode(c);
  if (kind === "replace") return id.slice(0, at) + ch + id.slice(at + 1);
  if (kind === "insert") return id.slice(0, at) + ch + id.slice(at);
  return id.slice(0, at) + id.slice(at + 1);
});
const anyId = fc.oneof(podId, nearPodId, plain);

/** The part of the WebAssembly JavaScript API used here (the project's TypeScript "lib" has none). */
const Wasm = (globalThis as unknown as { WebAssembly: { Memory: new (size: { initial: number }) => { buffer: ArrayBuffer }; Module: new (bytes: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;

/** The WebAssembly code under test: `compact(src, len, dst)` → 1 and the form written at dst, or 0. */
function wasmCompact(): { mem: Uint8Array; compact: (src: number, len: number, dst: number) => number } {
  const c = new Code();
  emitCompactable(c, 0, 1);
  c.if();
  emitWriteCompact(c, 2, 0, 0, 3);
  c.i32(1).return();
  c.end();
  c.i32(0);
  const memory = new Wasm.Memory({ initial: 1 });
  const module = new Wasm.Module(wasmModule([{ name: "compact", params: [I32, I32, I32], results: [I32], locals: [V128], code: c }]));
  const instance = new Wasm.Instance(module, { env: { mem: memory } });
  return { mem: new Uint8Array(memory.buffer), compact: instance.exports.compact as (src: number, len: number, dst: number) => number };
}

describe("compact handle IDs", () => {
  const w = wasmCompact();

  it("keeps a pod's handle ID in 34 bytes, and gives its text back", () => {
    const id = `${COMPACT_PREFIX}1d62bacb3f2da09d05f75c953c0f0328894dba5677a3d5aacc9d8f9062add4d9`;
    const b = Buffer.from(id, "latin1");
    expect(compactable(b, 0, b.length)).toBe(true);
    const out = Buffer.alloc(COMPACT_BYTES);
    writeCompact(b, 0, out, 0);
    expect(out.toString("hex")).toBe(`6b01${id.slice(COMPACT_PREFIX.length)}`);
    expect(isCompact(out, 0, out.length)).toBe(true);
    expect(handleText(out, 0, out.length)).toBe(id);
    expect(handleTextEquals(out, 0, out.length, id)).toBe(true);
    expect(handleTextEquals(out, 0, out.length, id.toUpperCase())).toBe(false);
  });

  it("leaves other IDs as text: uppercase digits, other lengths, other prefixes, tunnels", () => {
    for (const id of [`${COMPACT_PREFIX}${"A".repeat(64)}`, `${COMPACT_PREFIX}${"a".repeat(63)}`, `${COMPACT_PREFIX}${"a".repeat(65)}`, `k8s-pod-networkX${"a".repeat(64)}`, "vxlan-tunnel-addr-node-1", "windows-reserved-ipam-handle", ""]) {
      const b = Buffer.from(id, "latin1");
      expect(compactable(b, 0, b.length)).toBe(false);
      expect(compactInPlace(b, 0, b.length)).toBe(b.length);
      expect(handleText(b, 0, b.length)).toBe(id);
    }
  });

  it("JavaScript and WebAssembly keep the same IDs compact, in the same bytes; decoded, the same text", () => {
    fc.assert(
      fc.property(anyId, fc.integer({ min: 0, max: 40 }), (id, pad) => {
        const text = Buffer.from(id, "latin1");
        const kind = compactable(text, 0, text.length);
        expect(kind).toBe(/^k8s-pod-network\.[0-9a-f]{64}$/.test(id));
        // In place (as the readers make it after a copy).
        const copy = Buffer.alloc(text.length + 8);
        text.copy(copy);
        const end = compactInPlace(copy, 0, text.length);
        expect(end).toBe(kind ? COMPACT_BYTES : text.length);
        expect(handleText(copy, 0, end)).toBe(id);
        expect(handleTextEquals(copy, 0, end, id)).toBe(true);
        // WebAssembly: the text at an offset, the form written elsewhere.
        const src = 64 + pad;
        const dst = 1024 + pad;
        w.mem.fill(0x55, 0, 2048);
        w.mem.set(text, src);
        expect(w.compact(src, text.length, dst)).toBe(kind ? 1 : 0);
        if (kind) expect(Buffer.from(w.mem.subarray(dst, dst + COMPACT_BYTES)).equals(copy.subarray(0, COMPACT_BYTES))).toBe(true);
        else expect(w.mem[dst]).toBe(0x55);
      }),
      { numRuns: 3000 },
    );
  });

  it("equal bytes exactly when the IDs are equal", () => {
    const keep = (id: string) => {
      const b = Buffer.alloc(id.length + 8);
      b.write(id, "latin1");
      return b.subarray(0, compactInPlace(b, 0, id.length));
    };
    fc.assert(
      fc.property(anyId, anyId, (a, b) => {
        expect(keep(a).equals(keep(b))).toBe(a === b);
        const kb = keep(b);
        expect(handleTextEquals(kb, 0, kb.length, a)).toBe(a === b);
      }),
      { numRuns: 3000 },
    );
  });

  it("compact forms sort as their texts", () => {
    fc.assert(
      fc.property(podId, podId, (a, b) => {
        const ka = Buffer.alloc(COMPACT_BYTES);
        const kb = Buffer.alloc(COMPACT_BYTES);
        writeCompact(Buffer.from(a, "latin1"), 0, ka, 0);
        writeCompact(Buffer.from(b, "latin1"), 0, kb, 0);
        expect(Math.sign(Buffer.compare(ka, kb))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});
