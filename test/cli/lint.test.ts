import * as path from "path";
import { spawnSync } from "child_process";
import { runCli } from "../helpers/cli";
import type { LintReport } from "../../src/cli/lint";

const fixture = (name: string) => path.join(__dirname, "..", "fixtures", name);

const run = runCli;

describe("calico-ipam lint", () => {
  test("valid files exit 0 and unknown kinds are skipped, not errors", async () => {
    const r = await run("lint", "--format", "json", fixture("valid.yaml"));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as LintReport;
    expect(report.summary).toEqual({ errors: 0, warnings: 0 });
    expect(report.checked).toBe(3);
    expect(report.skipped).toEqual([
      expect.objectContaining({ document: 4, kind: "ConfigMap", name: "not-calico", reason: expect.stringMatching(/not a Calico IPAM resource/) }),
    ]);
  });

  test("each problem is reported with file, document, kind, name, path and code, and exit 1", async () => {
    const r = await run("lint", "--format", "json", fixture("invalid.yaml"));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as LintReport;
    const rows = report.findings.map((f) => [f.document, f.kind, f.name, f.severity, f.code, f.path]);
    expect(rows).toEqual([
      [1, "IPPool", "unmasked", "error", "POOL_CIDR_NOT_MASKED", "spec.cidr"],
      [2, "IPPool", "ipip-on-v6", "error", "POOL_IPIP_ON_IPV6", "spec.ipipMode"],
      [3, "IPPool", "Tiny_Pool", "error", "NAME_INVALID", "metadata.name"],
      [3, "IPPool", "Tiny_Pool", "error", "POOL_SMALLER_THAN_BLOCK", "spec.cidr"],
      [4, "IPPool", "namespaced", "error", "POOL_TUNNEL_NAMESPACE_SELECTOR", "spec.namespaceSelector"],
      [5, "IPAMConfiguration", "default", "warning", "IPAM_CONFIG_MAX_BLOCKS_ZERO", "spec.maxBlocksPerHost"],
    ]);
    expect(report.findings.every((f) => f.file === fixture("invalid.yaml"))).toBe(true);
    // A finding points at the line of its field (ipipMode), not at the document's first line (8).
    expect(report.findings[1].line).toBe(14);
  });

  test("pools are checked for overlap across files (YAML and a JSON List)", async () => {
    const r = await run("lint", "--format", "json", fixture("valid.yaml"), fixture("overlapping.json"));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as LintReport;
    expect(report.findings.map((f) => `${path.basename(f.file)} ${f.name} ${f.code}`)).toEqual([
      "overlapping.json inside-default POOL_OVERLAP",
      "valid.yaml default-ipv4-ippool POOL_OVERLAP",
    ]);
  });

  test("text output names every finding and a summary", async () => {
    const r = await run("lint", fixture("invalid.yaml"));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/invalid\.yaml:6 \(document 1\) IPPool\/unmasked error POOL_CIDR_NOT_MASKED spec\.cidr: IP pool CIDR is not strictly masked/);
    expect(r.stdout).toMatch(/^5 objects checked in 1 file: 5 errors, 1 warning$/m);
  });

  test("malformed YAML exits 2 with the line", async () => {
    const r = await run("lint", "--format", "json", fixture("malformed.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed\.yaml:7:1: malformed YAML/);
    expect(JSON.parse(r.stdout).error).toMatchObject({ file: fixture("malformed.yaml"), line: 7 });
  });

  test("a missing file exits 2", async () => {
    const r = await run("lint", fixture("nope.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml: no such file/);
  });

  test("bad arguments exit 2", async () => {
    expect((await run("lint", "--format", "xml", fixture("valid.yaml"))).code).toBe(2);
    expect((await run("lint")).code).toBe(2);
    expect((await run("frobnicate")).code).toBe(2);
  });
});

describe("the installed command", () => {
  const bin = path.join(__dirname, "..", "..", "bin", "calico-ipam.js");
  test("npx calico-ipam lint --format json on a file of bad pools exits 1", () => {
    const r = spawnSync(process.execPath, [bin, "lint", "--format", "json", fixture("invalid.yaml")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).summary.errors).toBe(5);
  });
  test("on valid files it exits 0", () => {
    const r = spawnSync(process.execPath, [bin, "lint", fixture("valid.yaml")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("calico-ipam lint on IP reservations", () => {
  test("each reserved range is checked, and against the pools of every file", async () => {
    const r = await run("lint", "--format", "json", fixture("valid.yaml"), fixture("reservations.yaml"));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as LintReport;
    expect(report.findings.map((f) => `${f.kind}/${f.name} ${f.severity} ${f.code} ${f.path}`)).toEqual([
      "IPReservation/dns error RESERVATION_CIDR_INVALID spec.reservedCIDRs[1]",
      "IPReservation/huge warning RESERVATION_LARGE spec.reservedCIDRs[0]",
    ]);
  });
});
