import { chromium } from "playwright-core";
(async () => {
  const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  const p = await b.newPage({ viewport: { width: 1200, height: 1000 } });
  p.on("console", (m) => console.log("console", m.type(), m.text()));
  p.on("pageerror", (e) => console.log("pageerror", e.message));
  await p.goto("file://" + process.argv[2]);
  await p.waitForSelector("body[data-rendered]");
  console.log(await p.evaluate(() => (window as any).calicoIpamRenderMs));
  await p.screenshot({ path: process.argv[3], fullPage: true });
  const pool = p.locator("rect.pool").first();
  if (await pool.count()) { await pool.click(); await p.screenshot({ path: process.argv[3].replace(".png", "-zoom.png"), fullPage: true }); }
  await b.close();
})();
