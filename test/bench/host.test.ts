/**
 * The benchmark's host line (bench/host.ts) measures something real and says it in one line. No timing
 * target: only that the figures are finite, positive and printed.
 */
import { cpus } from "os";
import { formatHost, measureHost, pinnableCpus, pinned } from "../../bench/host";

describe("measureHost", () => {
  it("measures the CPU loop (on each CPU where they can be named) and the page-fault cost in fresh processes", async () => {
    const h = await measureHost();
    expect(Number.isFinite(h.cpuLoopMs) && h.cpuLoopMs > 0).toBe(true);
    expect(Number.isFinite(h.pageFaultUs)).toBe(true);
    expect(h.load1).toBeGreaterThanOrEqual(0);
    const each = pinnableCpus();
    if (each.length > 0) {
      expect(h.cpuLoopsMs).toHaveLength(cpus().length);
      expect(h.cpuLoopMs).toBe(Math.min(...h.cpuLoopsMs!));
    } else {
      expect(h.cpuLoopsMs).toBeUndefined();
    }
    const line = formatHost("at start", h);
    expect(line).toMatch(/^host at start: CPU loop \d+ ms .*first touch of fresh memory -?\d+\.\d µs a 4 KiB page, load average \d+\.\d\d$/);
  }, 30_000);

  it("rounds as it says", () => {
    expect(formatHost("at the end", { cpuLoopMs: 151.6, pageFaultUs: 9.84, load1: 0.125 })).toBe(
      "host at the end: CPU loop 152 ms (10⁸ integer steps; lower is faster), first touch of fresh memory 9.8 µs a 4 KiB page, load average 0.13",
    );
  });

  it("prints each CPU's loop and calls out a CPU the host slowed", () => {
    expect(formatHost("at start", { cpuLoopMs: 456, cpuLoopsMs: [460, 456], pageFaultUs: 11.2, load1: 1 })).toBe(
      "host at start: CPU loop 456 ms on the fastest CPU (CPU 0 460 ms, CPU 1 456 ms; 10⁸ integer steps, lower is faster), first touch of fresh memory 11.2 µs a 4 KiB page, load average 1.00",
    );
    expect(formatHost("at start", { cpuLoopMs: 456, cpuLoopsMs: [780, 456], pageFaultUs: 11.2, load1: 1 })).toBe(
      "host at start: CPU loop 456 ms on the fastest CPU (CPU 0 780 ms, CPU 1 456 ms; 10⁸ integer steps, lower is faster; " +
        "SLOWED by the host: CPU 0 1.71× the time of CPU 1 (a process that runs there is slower)), first touch of fresh memory 11.2 µs a 4 KiB page, load average 1.00",
    );
  });
});

describe("pinned", () => {
  it("prefixes taskset -c for a CPU and leaves the command as it is without one", () => {
    expect(pinned(1, ["node", "w.js", "x"])).toEqual(["taskset", "-c", "1", "node", "w.js", "x"]);
    expect(pinned(undefined, ["node", "w.js"])).toEqual(["node", "w.js"]);
  });

  it("names every CPU of a Linux machine of 2 to 8 CPUs with taskset, else none", () => {
    const each = pinnableCpus();
    expect(each.length === 0 || each.length === cpus().length).toBe(true);
    expect(each).toEqual(Array.from({ length: each.length }, (_, i) => i));
  });
});
