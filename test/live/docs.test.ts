import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

test("docs/inspect.md documents every finding code inspect can report", () => {
  const doc = fs.readFileSync(path.join(root, "docs", "inspect.md"), "utf8");
  const sources = ["read.ts", "block.ts", "check.ts", "drift.ts"].map((f) => fs.readFileSync(path.join(root, "src", "live", f), "utf8")).join("\n");
  const codes = [...new Set([...sources.matchAll(/"((?:DUMP|BLOCK|AFFINITY|HANDLE|POOL|LEAKED|IN_USE|ADDRESS|DRIFT|IPAM|CHECK)_[A-Z_]+)"/g)].map((m) => m[1]))];
  expect(codes.length).toBeGreaterThan(30);
  expect(codes.filter((c) => !doc.includes(c))).toEqual([]);
});
