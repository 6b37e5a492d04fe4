/**
 * plan.html in a real browser: headless Chromium (Debian's `chromium`; `.ci/run` installs it) opens
 * the example's page, built by the real CLI, and a person's actions are played on it. Runs when a
 * browser is found (CHROMIUM_PATH, else /usr/bin/chromium or chromium-browser), and says so when not.
 * Screenshots are kept in test-artifacts/ (git-ignored).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, ConsoleMessage, Page } from "playwright-core";
import { findChromium, openBrowser } from "../helpers/chromium";
import { main } from "../../src/cli/main";
import { parsePlanReport, PlanReport, renderPlanHtml } from "../../src/report";
import { largeReport } from "../helpers/large-report";
import { planMapModel } from "../../src/report/map-model";

const root = path.resolve(__dirname, "..", "..");
const artifacts = path.join(root, "test-artifacts");

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const browser = findChromium();
const describeWithBrowser = browser ? describe : describe.skip;
if (!browser && process.env.CALICO_IPAM_REQUIRE_BROWSER === "1") {
  // CI installs Chromium and sets this: there, a missing browser is a failure, not a skip.
  test("a browser is installed (CALICO_IPAM_REQUIRE_BROWSER=1)", () => {
    throw new Error("no Chromium found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH");
  });
} else if (!browser) {
  // Visible in the test output, so a skipped browser test is never mistaken for a passing one.
  console.warn("plan.html browser tests skipped: no Chromium found (install Debian's chromium, or set CHROMIUM_PATH)");
}

describeWithBrowser("plan.html in headless Chromium", () => {
  let context: BrowserContext;
  let close: () => Promise<void>;
  let page: Page;
  let report: PlanReport;
  let problems: string[] = [];
  let out: string;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-html-"));
    const r = await cli("plan", path.join(root, "examples", "plan", "cluster.yaml"), "--out", out, "--format", "json");
    expect(r.code).toBe(0);
    report = parsePlanReport(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    ({ context, close } = await openBrowser(browser as string));
    const watched = await watchedPage(context);
    page = watched.page;
    problems = watched.problems;
    await page.goto(`file://${path.join(out, "plan.html")}`);
    await page.waitForSelector("body[data-rendered]");
    fs.mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await close?.();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test("the page draws without a console error and fetches nothing", async () => {
    await page.screenshot({ path: path.join(artifacts, "plan-html.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  test("every pool is one element on the map and one row of gauges", async () => {
    const onMap = await page.$$eval("rect.pool", (els) => els.map((e) => e.getAttribute("data-pool")));
    expect(onMap.sort()).toEqual(report.pools.map((p) => p.name).sort());
    const gauges = await page.$$eval(".gauge[data-pool]", (els) => els.map((e) => e.getAttribute("data-pool")));
    expect(gauges).toEqual(report.pools.map((p) => p.name));
  });

  test("hovering a pool on the map tells its name, CIDR, gauges and headroom (the text the page makes from its packed parts)", async () => {
    const pool = report.simulation!.pools.find((p) => p.family === 4 && p.blocksClaimed > 0)!;
    const expected = planMapModel(report).views[0].pools.find((p) => p.name === pool.name)!.tip;
    const family = await page.locator(".family", { has: page.locator(`rect.pool[data-pool="${pool.name}"]`) }).getAttribute("data-family");
    await page.locator(`.family[data-family="${family}"] rect.pool[data-pool="${pool.name}"]`).hover();
    const tip = page.locator("#tip");
    await tip.waitFor({ state: "visible" });
    expect(await tip.textContent()).toBe(expected);
    await page.mouse.move(0, 0);
    expect(problems).toEqual([]);
  });

  test("a click on the address space zooms into it, a click on a pool shows its blocks, and hovering a block tells its CIDR, pool, node and counts", async () => {
    const pool = report.simulation!.pools.find((p) => p.family === 4 && p.blocksClaimed > 0)!;
    const blocks = report.simulation!.blocks.filter((b) => b.pool === pool.name);
    const family = await page.locator(".family", { has: page.locator(`rect.pool[data-pool="${pool.name}"]`) }).getAttribute("data-family");
    const stage = page.locator(`.family[data-family="${family}"]`);
    const before = await stage.locator(`rect.pool[data-pool="${pool.name}"]`).boundingBox();

    await clickCentre(page, stage.locator("rect.space").first());
    expect(await stage.locator(".crumbs").textContent()).toContain(report.ranges!.addressSpaces[0].cidr);
    const zoomed = await stage.locator(`rect.pool[data-pool="${pool.name}"]`).boundingBox();
    expect(zoomed!.width).toBeGreaterThan(before!.width * 1.5);

    await clickCentre(page, stage.locator(`rect.pool[data-pool="${pool.name}"]`));
    expect(await stage.locator("rect.block").count()).toBe(blocks.length);
    expect(await stage.locator(".crumbs").textContent()).toContain(`pool ${pool.name}`);

    const block = blocks.find((b) => b.owner !== null)!;
    await stage.locator(`rect.block[data-block="${block.cidr}"]`).hover();
    const tip = page.locator("#tip");
    await tip.waitFor({ state: "visible" });
    const text = await tip.textContent();
    expect(text).toContain(`block ${block.cidr} · pool ${pool.name} · node ${block.owner}`);
    expect(text).toContain(`${block.inUse + block.reserved} of ${block.capacity} addresses in use`);
    await page.screenshot({ path: path.join(artifacts, "plan-html-pool.png"), fullPage: true });

    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    expect(await stage.locator("rect.block").count()).toBe(0);
    expect(await stage.locator(`rect.pool[data-pool="${pool.name}"]`).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});

describeWithBrowser("plan.html past the canvas threshold", () => {
  test("a pool of 2,000 blocks is drawn on a canvas, and hovering a block there still tells its CIDR, pool and node", async () => {
    const report = largeReport(1, 16, 26, 800, 40);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-html-"));
    fs.writeFileSync(path.join(dir, "plan.html"), renderPlanHtml(report));
    const { context, close } = await openBrowser(browser as string);
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${path.join(dir, "plan.html")}`);
      await page.waitForSelector("body[data-rendered]");
      await clickCentre(page, page.locator("rect.pool").first());
      expect(await page.getAttribute(".stage", "data-mode")).toBe("svg");
      expect(await page.locator("rect.block").count()).toBe(800);

      const big = largeReport(1, 14, 26, 2000, 40);
      fs.writeFileSync(path.join(dir, "big.html"), renderPlanHtml(big));
      await page.goto(`file://${path.join(dir, "big.html")}`);
      await page.waitForSelector("body[data-rendered]");
      await clickCentre(page, page.locator("rect.pool").first());
      expect(await page.getAttribute(".stage", "data-mode")).toBe("canvas");
      expect(await page.locator(".stage canvas").count()).toBe(1);
      // The 1,000th block: where the page drew it, and what it says there.
      const block = big.simulation!.blocks[999];
      const at = await page.evaluate((cidr) => {
        const stage = (globalThis as unknown as { calicoIpamStages: Array<{ shapes: Array<{ key: string; r: number[] }>; stage: { getBoundingClientRect: () => { left: number; top: number } } }> }).calicoIpamStages[0];
        const s = stage.shapes.find((x) => x.key === cidr)!;
        const box = stage.stage.getBoundingClientRect();
        return { x: box.left + s.r[0] + s.r[2] / 2, y: box.top + s.r[1] + s.r[3] / 2 };
      }, block.cidr);
      await page.mouse.move(at.x, at.y);
      await page.locator("#tip").waitFor({ state: "visible" });
      expect(await page.locator("#tip").textContent()).toContain(`block ${block.cidr} · pool ${block.pool} · node ${block.owner}`);
      expect(errors).toEqual([]);
    } finally {
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A new page that records what a person should never see: console errors and warnings, page errors, network requests. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (req) => {
    if (!req.url().startsWith("file:")) problems.push(`network request: ${req.url()}`);
  });
  return { page, problems };
}

/** Clicks the middle of an element, where a person would (the map picks the topmost range there). */
async function clickCentre(page: Page, locator: ReturnType<Page["locator"]>): Promise<void> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("element not drawn");
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

describeWithBrowser("plan.html of a day-2 timeline (examples/day2/day2.yaml)", () => {
  test("two charts, one series per pool and one column per step; hovering a step or a point tells the counts", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-html-"));
    const { context, close } = await openBrowser(browser as string);
    try {
      const r = await cli("plan", path.join(root, "examples", "day2", "day2.yaml"), "--out", out, "--format", "json");
      expect(r.code).toBe(0);
      const report = parsePlanReport(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
      const steps = report.simulation!.timeline!;
      const pools = [...new Set(steps.flatMap((s) => s.pools.map((p) => p.name)))];
      const { page, problems } = await watchedPage(context);
      await page.goto(`file://${path.join(out, "plan.html")}`);
      await page.waitForSelector("body[data-rendered]");
      for (const metric of ["addresses", "blocks"]) {
        const chart = page.locator(`svg.timeline-chart[data-metric="${metric}"]`);
        expect(await chart.count()).toBe(1);
        expect(await chart.locator("g.series").evaluateAll((els) => els.map((e) => e.getAttribute("data-pool")))).toEqual(pools);
        expect(await chart.locator("rect.step").count()).toBe(steps.length);
      }
      const chart = page.locator('svg.timeline-chart[data-metric="addresses"]');
      await chart.scrollIntoViewIfNeeded();
      // The column of step 4 (the restart that moves the pods to "pods"): every pool's counts after it.
      const column = chart.locator('rect.step[data-step="3"]');
      const box = (await column.boundingBox())!;
      await page.mouse.move(box.x + 3, box.y + 3);
      const tip = page.locator("#tip");
      await tip.waitFor({ state: "visible" });
      const after = steps[3].pools.find((p) => p.name === "pods")!;
      expect(await tip.textContent()).toContain(`step 4 · t=${steps[3].time}s · ${steps[3].description}`);
      expect(await tip.textContent()).toContain(`pods: ${after.addressesInUse} / 1,024 addresses`);
      await chart.locator('g.series[data-pool="old-pods"] circle.point[data-step="0"]').hover();
      expect(await tip.textContent()).toContain("old-pods after step 1");
      fs.mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "plan-html-timeline.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describeWithBrowser("inspect --format html of a live cluster (examples/live)", () => {
  test("the map draws without a console error; a finding's marker on its pool and on its block tells the finding", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-html-"));
    const { context, close } = await openBrowser(browser as string);
    try {
      const dumps = [path.join(root, "examples", "live", "calico.yaml"), path.join(root, "examples", "live", "cluster.yaml")];
      const r = await cli("inspect", ...dumps, "--format", "html");
      expect(r.code).toBe(1);
      fs.writeFileSync(path.join(out, "live.html"), r.stdout);
      const { page, problems } = await watchedPage(context);
      await page.goto(`file://${path.join(out, "live.html")}`);
      await page.waitForSelector("body[data-rendered]");
      expect(await page.locator("rect.pool").count()).toBe(6);
      expect(await page.locator("rect.orphan").count()).toBe(2);

      // The edge pool has every block claimed: one warning pinned on it.
      const edge = page.locator('circle.finding[data-on="edge"]');
      expect(await edge.getAttribute("data-severity")).toBe("warning");
      await edge.hover();
      const tip = page.locator("#tip");
      await tip.waitFor({ state: "visible" });
      expect(await tip.textContent()).toContain("IP pool edge · 10.40.0.0/25");
      expect(await tip.textContent()).toContain("warning POOL_BLOCKS_EXHAUSTED IPPool/edge");

      // Into rack-b: the overlapping block carries its error.
      const family = await page.locator(".family", { has: page.locator('rect.pool[data-pool="rack-b"]') }).getAttribute("data-family");
      const stage = page.locator(`.family[data-family="${family}"]`);
      await clickCentre(page, stage.locator('rect.pool[data-pool="rack-b"]'));
      expect(await stage.locator(".crumbs").textContent()).toContain("pool rack-b");
      const marker = stage.locator('circle.finding[data-on="10.32.32.32/27"]');
      expect(await marker.getAttribute("data-severity")).toBe("error");
      await marker.hover();
      await tip.waitFor({ state: "visible" });
      expect(await tip.textContent()).toContain("block 10.32.32.32/27");
      expect(await tip.textContent()).toContain("BLOCK_OVERLAP IPAMBlock/10-32-32-32-27");
      fs.mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "inspect-html.png"), fullPage: true });
      expect(await page.locator(".findings li.pinned").count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describeWithBrowser("plan.html of a fleet cluster (examples/fleet/fleet.yaml)", () => {
  test("the fleet map shows every cluster's ranges, and hovering one tells its cluster, pool and the reuse", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-html-"));
    const { context, close } = await openBrowser(browser as string);
    try {
      const r = await cli("plan", path.join(root, "examples", "fleet", "fleet.yaml"), "--out", out, "--format", "json");
      expect(r.code).toBe(0);
      const report = parsePlanReport(fs.readFileSync(path.join(out, "lab-eu", "plan.json"), "utf8"));
      const { page, problems } = await watchedPage(context);
      await page.goto(`file://${path.join(out, "lab-eu", "plan.html")}`);
      await page.waitForSelector("body[data-rendered]");
      const ranges = page.locator("svg.fleet-map rect.fleet-range");
      expect(await ranges.count()).toBe(report.fleet!.clusters.reduce((n, c) => n + c.pools.length, 0));
      expect(new Set(await ranges.evaluateAll((els) => els.map((e) => e.getAttribute("data-cluster"))))).toEqual(new Set(report.fleet!.clusters.map((c) => c.name)));
      const lab = page.locator('svg.fleet-map rect.fleet-range[data-cluster="lab-eu"][data-pool="pods-v4"]');
      await lab.scrollIntoViewIfNeeded();
      const box = (await lab.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tip = page.locator("#tip");
      await tip.waitFor({ state: "visible" });
      const reuse = report.fleet!.clusters.find((c) => c.name === "lab-eu")!.reuses.find((x) => x.pool === "pods-v4")!;
      expect(await tip.textContent()).toContain(`cluster lab-eu (this cluster) · pool pods-v4 · ${reuse.cidr}`);
      expect(await tip.textContent()).toContain(`overlaps ${reuse.cluster}/${reuse.otherPool} ${reuse.otherCidr}`);
      fs.mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "plan-html-fleet.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
