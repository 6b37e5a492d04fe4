// Removes the run's temporary folder made by global-setup.ts, unless CALICO_IPAM_KEEP_TEST_TMP=1.
import { rmSync } from "node:fs";

export default function globalTeardown(): void {
  const dir = process.env.CALICO_IPAM_TEST_TMP;
  if (dir === undefined || dir === "") return;
  if (process.env.CALICO_IPAM_KEEP_TEST_TMP === "1") {
    console.log(`test temporary files kept in ${dir}`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}
