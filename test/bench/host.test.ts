/**
 * The benchmark's host line (bench/host.ts) measures something real and says it in one line. No timing
 * target: only that the figures are finite, positive and printed.
 */
import { formatHost, measureHost } from "../../bench/host";

describe("measureHost", () => {
  it("measures the CPU loop and the page-fault cost in a fresh process", () => {
    const h = measureHost();
    expect(Number.isFinite(h.cpuLoopMs) && h.cpuLoopMs > 0).toBe(true);
    expect(Number.isFinite(h.pageFaultUs)).toBe(true);
    expect(h.load1).toBeGreaterThanOrEqual(0);
    const line = formatHost("at start", h);
    expect(line).toMatch(/^host at start: CPU loop \d+ ms .*first touch of fresh memory -?\d+\.\d µs a 4 KiB page, load average \d+\.\d\d$/);
  });

  it("rounds as it says", () => {
    expect(formatHost("at the end", { cpuLoopMs: 151.6, pageFaultUs: 9.84, load1: 0.125 })).toBe(
      "host at the end: CPU loop 152 ms (10⁸ integer steps; lower is faster), first touch of fresh memory 9.8 µs a 4 KiB page, load average 0.13",
    );
  });
});
