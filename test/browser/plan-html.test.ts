/**
 * plan.html in a real browser: headless Chromium (Debian's `chromium`; `.ci/run` installs it) opens
 * the example's page, built by the real CLI, and a person's actions are played on it. Runs when a
 * browser is found (CHROMIUM_PATH, else /usr/bin/chromium or chromium-browser), and says so when not.
 * Screenshots are kept in test-artifacts/ (git-ignored).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BrowserContext, ConsoleMessage, Page, chromium } from "playwright-core";
import { main } from "../../src/cli/main";
import { parsePlanReport, PlanReport } from "../../src/report";

const root = path.resolve(__dirname, "..", "..");
const artifacts = path.join(root, "test-artifacts");

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
  const problems: string[] = [];
  let out: string;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-html-"));
    const r = await cli("plan", path.join(root, "examples", "plan", "cluster.yaml"), "--out", out, "--format", "json");
    expect(r.code).toBe(0);
    report = parsePlanReport(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    ({ context, close } = await openBrowser(browser as string));
    page = await context.newPage();
    page.on("console", (m: ConsoleMessage) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (req) => {
      if (!req.url().startsWith("file:")) problems.push(`network request: ${req.url()}`);
    });
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

/** Clicks the middle of an element, where a person would (the map picks the topmost range there). */
async function clickCentre(page: Page, locator: ReturnType<Page["locator"]>): Promise<void> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("element not drawn");
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}
