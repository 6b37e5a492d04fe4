// Every test's temporary folders go under one folder of the run, removed when the run ends
// (global-teardown.ts): tests make them with `mkdtempSync(join(tmpdir(), …))`, and `os.tmpdir()` reads
// TMPDIR at each call, in jest's workers and in the CLIs the end-to-end tests start (they inherit the
// environment set here). CALICO_IPAM_KEEP_TEST_TMP=1 keeps the folder (its path is printed).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), "calico-ipam-test-run-"));
  process.env.CALICO_IPAM_TEST_TMP = dir;
  process.env.TMPDIR = dir;
}
