/**
 * Headless Chromium for the browser tests and the pictures benchmark: Debian's `chromium` (or
 * CHROMIUM_PATH), driven by playwright-core, with flags that keep it off the network and a fresh
 * profile folder per launch.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BrowserContext, chromium } from "playwright-core";

/** The Chromium to drive, or undefined when the machine has none. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((c): c is string => !!c);
  return candidates.find((c) => fs.existsSync(c));
}

/** The launch flags: no network of its own, no first-run work, nothing kept between runs. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Opens Chromium with a fresh profile folder; close the context and remove the folder when done. */
export async function openBrowser(executablePath: string): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 1000 } });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

