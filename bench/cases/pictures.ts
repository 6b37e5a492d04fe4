/**
 * The pictures (issue 17): `plan.html` of a large plan, built by the compiled package and drawn in
 * headless Chromium (bench/workers/pictures.ts). No peer. Skipped, and said so, without Chromium.
 */
import { findChromium } from "../../test/helpers/chromium";
import { registerBench, tsWorker } from "../registry";

const noChromium = () => (findChromium() ? undefined : "no Chromium found (install Debian's chromium, or set CHROMIUM_PATH)");

registerBench({
  id: "pictures-page",
  title: "plan.html of 10,000 pools and 100,000 blocks: renderPlanHtml in a fresh process, then drawn by Chromium (navigation start to all drawn)",
  project: { label: "ours: renderPlanHtml + Chromium", command: (_dir, w, r) => tsWorker("pictures.ts", "-", "page", String(w), String(r)) },
  peers: [],
  warmup: 0,
  runs: 1,
  pairs: 3,
  targets: [{ kind: "time", atMostMs: 2000 }],
  notes: ["one run per process and no warm-up: synth and the CLI build the page once in a fresh process; a run's time is the build plus the drawing"],
  skip: noChromium,
});

registerBench({
  id: "pictures-zoom",
  title: "plan.html: zoom into a pool of 100,000 claimed blocks (place and draw them), in Chromium",
  project: { label: "ours: zoom in Chromium", command: (_dir, w, r) => tsWorker("pictures.ts", "-", "zoom", String(w), String(r)) },
  peers: [],
  warmup: 0,
  runs: 3,
  pairs: 1,
  targets: [{ kind: "time", atMostMs: 2000 }],
  notes: ["each run zooms in a freshly loaded page"],
  skip: noChromium,
});
