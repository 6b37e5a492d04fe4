import * as fs from "fs";
import * as path from "path";
import { LIMITS } from "../../src/limits";
import { OPERATOR_ADOPTION_GUIDE } from "../../src/operator";

const root = path.resolve(__dirname, "..", "..");

test("docs/operator-adoption.md is the guide the library ships (OPERATOR_ADOPTION_GUIDE)", () => {
  const text = fs.readFileSync(path.join(root, "docs", "operator-adoption.md"), "utf8");
  expect(text.trimEnd()).toBe(OPERATOR_ADOPTION_GUIDE.trimEnd());
});

test("every relative link in the README points to a file that exists", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const links = [...readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) expect(fs.existsSync(path.join(root, link))).toBe(true);
});

test("docs/limits.md lists every limit of src/limits.ts with its value", () => {
  const text = fs.readFileSync(path.join(root, "docs", "limits.md"), "utf8");
  for (const [name, limit] of Object.entries(LIMITS)) {
    expect(text).toContain(`| \`${name}\` | ${limit.value.toLocaleString("en-US")} | ${limit.what} | ${limit.source} |`);
  }
});
