/**
 * Benchmark of the pictures: `plan.html` of a large plan in headless Chromium (the browser tests'
 * launcher, test/browser). Workloads (synthetic, identical on every machine):
 *   (p1) 10,000 IPv4 pools (/24 in 10.0.0.0/8) holding 100,000 claimed /28 blocks of 2,000 nodes: the
 *        page from navigation start to everything drawn (map on a canvas, 10,000 gauges);
 *   (p2) one pool holding 100,000 claimed blocks: zooming into it (drawing the blocks).
 * Target: ≤ 2 s each. Also reported: renderPlanHtml's own time and the page's size.
 *
 * Run alone with `npx tsx bench/pictures.ts`; the main bench calls {@link runPicturesBench}. Skipped
 * (and said so) when no Chromium is found.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderPlanHtml } from "../src/report";
import { findChromium, openBrowser } from "../test/helpers/chromium";
import { largeReport } from "../test/helpers/large-report";

/** One result line. */
export interface PictureRow {
  readonly workload: string;
  readonly medianMs: number;
  readonly target: string;
  readonly pass: boolean;
  readonly note: string;
}

const TARGET_MS = 2000;
const RUNS = 3;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs both workloads; an empty list when no browser is found. */
export async function runPicturesBench(): Promise<PictureRow[]> {
  const chromium = findChromium();
  if (!chromium) {
    console.log("SKIP  pictures benchmark: no Chromium found (install Debian's chromium, or set CHROMIUM_PATH)");
    return [];
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pictures-bench-"));
  const browser = await openBrowser(chromium);
  const rows: PictureRow[] = [];
  try {
    // (p1) 10,000 pools, 100,000 blocks: load and draw the page.
    const many = largeReport(10_000, 24, 28, 10, 2_000);
    const renderTimes: number[] = [];
    let html = "";
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      html = renderPlanHtml(many);
      renderTimes.push(performance.now() - t);
    }
    const file = path.join(dir, "many.html");
    fs.writeFileSync(file, html);
    const loads: number[] = [];
    let mode = "";
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.context.newPage();
      await page.goto(`file://${file}`);
      await page.waitForSelector("body[data-rendered]", { timeout: 60_000 });
      loads.push(await page.evaluate(() => (globalThis as unknown as { calicoIpamRenderedAt: number }).calicoIpamRenderedAt));
      mode = (await page.getAttribute(".stage", "data-mode")) ?? "";
      await page.close();
    }
    const p1 = median(loads);
    rows.push({
      workload: "(p1) plan.html of 10,000 pools and 100,000 blocks: navigation start to all drawn",
      medianMs: Math.round(p1),
      target: `≤ ${TARGET_MS} ms`,
      pass: p1 <= TARGET_MS,
      note: `map drawn on a ${mode}; page ${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB; renderPlanHtml ${Math.round(median(renderTimes))} ms in Node.js`,
    });

    // (p2) one pool with 100,000 blocks: zoom into it.
    const one = largeReport(1, 8, 26, 100_000, 5_000);
    const oneFile = path.join(dir, "one.html");
    fs.writeFileSync(oneFile, renderPlanHtml(one));
    const zooms: number[] = [];
    let zoomMode = "";
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.context.newPage();
      await page.goto(`file://${oneFile}`);
      await page.waitForSelector("body[data-rendered]", { timeout: 60_000 });
      zooms.push(
        await page.evaluate(() => {
          const stage = (globalThis as unknown as { calicoIpamStages: Array<{ path: unknown[]; draw: () => void }> }).calicoIpamStages[0];
          const t = performance.now();
          stage.path.push({ pool: 0, label: "pool" });
          stage.draw();
          return performance.now() - t;
        }),
      );
      zoomMode = (await page.getAttribute(".stage", "data-mode")) ?? "";
      await page.close();
    }
    const p2 = median(zooms);
    rows.push({ workload: "(p2) zoom into a pool of 100,000 claimed blocks: draw them", medianMs: Math.round(p2), target: `≤ ${TARGET_MS} ms`, pass: p2 <= TARGET_MS, note: `blocks drawn on a ${zoomMode}` });
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  runPicturesBench().then((rows) => {
    for (const r of rows) console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.workload}: median ${r.medianMs} ms (target ${r.target}; ${r.note})`);
    if (rows.some((r) => !r.pass)) process.exitCode = 1;
  });
}
