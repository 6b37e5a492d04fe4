import fs from "fs";
import path from "path";

/** The package's version, from its package.json (two folders up from src/cli and from lib/cli alike). */
export function packageVersion(): string {
  const file = path.join(__dirname, "..", "..", "package.json");
  try {
    return String((JSON.parse(fs.readFileSync(file, "utf8")) as { version?: unknown }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}
