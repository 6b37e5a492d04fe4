import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { WINDOW_BYTES, recyclingSource } from "../../src/live/private/block-file";

// The blocks worker reads its file through a source whose window buffers are two, handed out in turn
// (src/live/private/block-file.ts): the List reader copies what it keeps of a window into the next.

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
      // Two buffers in turn: the one before the last is not the last.
      expect(a.buffer).not.toBe(b.buffer);
      expect(c.buffer).toBe(a.buffer);
      const large = source.buffer!(WINDOW_BYTES + 1);
      expect(large.length).toBe(WINDOW_BYTES + 1);
      expect(large.buffer).not.toBe(a.buffer);
      expect(large.buffer).not.toBe(b.buffer);
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
