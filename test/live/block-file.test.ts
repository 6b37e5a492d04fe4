import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { attributeWasm } from "../../src/live/private/attribute-wasm";
import { WINDOW_BYTES, recyclingSource } from "../../src/live/private/block-file";

// The blocks worker reads its file through a source whose window buffers are two, handed out in turn
// (src/live/private/block-read.ts): the List reader copies what it keeps of a window into the next.

test("the blocks file's source hands out two window buffers in turn, a larger window its own, and reads the file into them", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "block-file-"));
  try {
    const f = path.join(dir, "bytes");
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 0xff));
    fs.writeFileSync(f, bytes);
    const fd = fs.openSync(f, "r");
    try {
      const source = recyclingSource(fd, bytes.length);
      expect(source.size).toBe(bytes.length);
      const a = source.buffer!(1000);
      const b = source.buffer!(5000);
      const c = source.buffer!(WINDOW_BYTES);
      expect([a.length, b.length, c.length]).toEqual([1000, 5000, WINDOW_BYTES]);
      // Two buffers in turn, in the WebAssembly attribute matcher's memory (where it reads them): the one
      // before the last is not the last (they do not overlap).
      const place = (x: Buffer) => [x.buffer, x.byteOffset];
      const memory = attributeWasm()?.memory.buffer;
      expect(memory).toBeDefined();
      expect([a.buffer, b.buffer]).toEqual([memory, memory]);
      expect(Math.abs(a.byteOffset - b.byteOffset)).toBeGreaterThanOrEqual(WINDOW_BYTES);
      expect(place(c)).toEqual(place(a));
      const large = source.buffer!(WINDOW_BYTES + 1);
      expect(large.length).toBe(WINDOW_BYTES + 1);
      expect(large.buffer).not.toBe(memory);
      expect(source.readInto!(b, 10, 500, 4500)).toBe(4000);
      expect(b.subarray(10, 4010)).toEqual(bytes.subarray(500, 4500));
      expect(source.read(99_990, 100_000)).toEqual(bytes.subarray(99_990));
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
