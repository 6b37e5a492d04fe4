/**
 * The pictures' side of the benchmark (issue 17): `plan.html` of a large plan, built by the compiled
 * package and drawn in headless Chromium (the browser tests' launcher, test/helpers/chromium.ts).
 * - `page`: 10,000 IPv4 pools (/24 in 10.0.0.0/8) holding 100,000 claimed /28 blocks of 2,000 nodes.
 *   A run builds the page with `renderPlanHtml` in this process, then loads it in Chromium from
 *   navigation start to everything drawn; the run's time is the sum. The case runs one such run per
 *   process and no warm-up, as synth and the CLI build the page once in a fresh process.
 * - `zoom`: one pool holding 100,000 claimed blocks; a run zooms into it (places and draws the blocks)
 *   in a freshly loaded page.
 * The answer compared is the page's text (the same plan gives the same bytes).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findChromium, openBrowser } from "../../test/helpers/chromium";
import { largeReport } from "../../test/helpers/large-report";
import { args, compiled, report } from "./common";

const { renderPlanHtml } = compiled<typeof import("../../src/report")>("report");

async function main(): Promise<void> {
  const { mode, warmup, runs } = args();
  const chromium = findChromium();
  if (!chromium) throw new Error("no Chromium found (install Debian's chromium, or set CHROMIUM_PATH)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pictures-"));
  const browser = await openBrowser(chromium);
  const times: number[] = [];
  let html = "";
  try {
    const file = path.join(dir, "plan.html");
    const plan = mode === "zoom" ? largeReport(1, 8, 26, 100_000, 5_000) : largeReport(10_000, 24, 28, 10, 2_000);
    if (mode === "zoom") fs.writeFileSync(file, (html = renderPlanHtml(plan)));
    for (let i = 0; i < warmup + runs; i++) {
      let ms = 0;
      if (mode !== "zoom") {
        const start = performance.now();
        html = renderPlanHtml(plan);
        ms += performance.now() - start;
        fs.writeFileSync(file, html);
      }
      const page = await browser.context.newPage();
      await page.goto(`file://${file}`);
      await page.waitForSelector("body[data-rendered]", { timeout: 120_000 });
      if (mode === "zoom") {
        ms += await page.evaluate(() => {
          const stage = (globalThis as unknown as { calicoIpamStages: Array<{ path: unknown[]; draw: () => void }> }).calicoIpamStages[0];
          const start = performance.now();
          stage.path.push({ pool: 0, label: "pool" });
          stage.draw();
          return performance.now() - start;
        });
      } else {
        // From navigation start to all drawn, as the page measures it.
        ms += await page.evaluate(() => (globalThis as unknown as { calicoIpamRenderedAt: number }).calicoIpamRenderedAt);
      }
      await page.close();
      if (i >= warmup) times.push(ms);
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report(times, [html], 1);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
