/**
 * The pull-request loop of examples/ci: the script the GitHub and GitLab jobs call runs here on
 * commits of a temporary git repository, with the real calico-ipam CLI as the synth step, and posts
 * to a stand-in of GitHub's comments API, as on each push to a pull request.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "examples", "ci", "calico-ipam-pr.mjs");
const cli = `"${process.execPath}" "${path.join(root, "bin", "calico-ipam.js")}"`;

interface Comment {
  id: number;
  body: string;
}

/** GitHub's issue-comments API, as much of it as the script uses, for one pull request (#7 of acme/cluster). */
function fakeGitHub(): Promise<{ url: string; comments: Comment[]; requests: string[]; close: () => Promise<void> }> {
  const comments: Comment[] = [{ id: 1, body: "Looks good to me" }];
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== "Bearer test-token") return reply(401, { message: "Bad credentials" });
      const edit = /^\/repos\/acme\/cluster\/issues\/comments\/(\d+)$/.exec(req.url ?? "");
      if (req.method === "GET" && req.url === "/repos/acme/cluster/issues/7/comments?per_page=100") return reply(200, comments);
      if (req.method === "POST" && req.url === "/repos/acme/cluster/issues/7/comments") {
        const made = { id: 100 + comments.length, body: JSON.parse(text).body };
        comments.push(made);
        return reply(201, made);
      }
      if (req.method === "PATCH" && edit) {
        const c = comments.find((x) => x.id === Number(edit[1]));
        if (!c) return reply(404, { message: "Not Found" });
        c.body = JSON.parse(text).body;
        return reply(200, c);
      }
      return reply(404, { message: "Not Found" });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, comments, requests, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

/** A repository whose commits are the spec as it changes in a pull request. */
function repository(): { dir: string; commit: (spec: string, message: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pr-repo-"));
  const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
  const g = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" }).trim();
  g("init", "-q", "-b", "main");
  fs.writeFileSync(path.join(dir, ".gitignore"), "out/\n");
  return {
    dir,
    commit: (spec, message) => {
      fs.writeFileSync(path.join(dir, "spec.yaml"), spec);
      g("add", "-A");
      g("commit", "-q", "-m", message);
      return g("rev-parse", "HEAD");
    },
  };
}

function runScript(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env } }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 2) : 0, stderr });
    });
  });
}

describe("the pull-request loop (examples/ci/calico-ipam-pr.mjs)", () => {
  test("on each push: the diff as one comment, updated in place, and the exit code of the check", async () => {
    const { dir, commit } = repository();
    const github = await fakeGitHub();
    const env = {
      // The synth step of a CLI user: plan the spec file into out/ (exit 1 means findings, not a failed synth).
      CALICO_IPAM_SYNTH: `${cli} plan spec.yaml --out out > /dev/null || [ $? -eq 1 ]`,
      CALICO_IPAM_PLAN: "out/plan.json",
      CALICO_IPAM_BIN: cli,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: "test-token",
      GITHUB_REPOSITORY: "acme/cluster",
      PR_NUMBER: "7",
    };
    try {
      const base = commit("pools:\n  - { name: rack-a, cidr: 10.0.0.0/16 }\n", "base");
      // First push: rack-a moves (destructive) and rack-b is added.
      const moved = commit("pools:\n  - { name: rack-a, cidr: 10.1.0.0/16 }\n  - { name: rack-b, cidr: 10.2.0.0/16 }\n", "move rack-a");
      const first = await runScript(dir, ["--base", base, "--head", moved, "--out", "out-1", "--post", "github"], env);
      expect(first.code).toBe(1);
      const body1 = fs.readFileSync(path.join(dir, "out-1", "comment.md"), "utf8");
      expect(body1.startsWith("<!-- calico-ipam-plan-diff -->\n## ❌ Calico IPAM plan diff")).toBe(true);
      expect(body1).toContain("10.0.0.0/16");
      expect(body1).toContain("`rack-b`");
      expect(body1).toContain("**The change is destructive**");
      expect(fs.readFileSync(path.join(dir, "out-1", "exit-code"), "utf8")).toBe("1\n");
      for (const f of ["head/plan.html", "head/plan.svg", "base/plan.json", "diff.html"]) expect(fs.existsSync(path.join(dir, "out-1", f))).toBe(true);
      expect(github.comments.map((c) => c.id)).toEqual([1, 101]);
      expect(github.comments[1].body).toBe(body1);

      // Second push: the move is undone, only rack-b is added: safe, and the same comment is updated.
      const fixed = commit("pools:\n  - { name: rack-a, cidr: 10.0.0.0/16 }\n  - { name: rack-b, cidr: 10.2.0.0/16 }\n", "keep rack-a");
      const second = await runScript(dir, ["--base", base, "--head", fixed, "--out", "out-2", "--post", "github"], env);
      expect(second.code).toBe(0);
      const body2 = fs.readFileSync(path.join(dir, "out-2", "comment.md"), "utf8");
      expect(body2).toMatch(/^<!-- calico-ipam-plan-diff -->\n## ✅ Calico IPAM plan diff: 1 change, none destructive/);
      expect(body2).not.toContain("❌");
      expect(github.comments.map((c) => c.id)).toEqual([1, 101]);
      expect(github.comments[1].body).toBe(body2);
      expect(github.requests.filter((r) => !r.startsWith("GET"))).toEqual(["POST /repos/acme/cluster/issues/7/comments", "PATCH /repos/acme/cluster/issues/comments/101"]);

      // Third push: a pool that overlaps another is an error-level finding: the check fails.
      const overlap = commit("pools:\n  - { name: rack-a, cidr: 10.0.0.0/16 }\n  - { name: rack-b, cidr: 10.0.128.0/17 }\n", "overlap");
      const third = await runScript(dir, ["--base", base, "--head", overlap, "--out", "out-3"], env);
      expect(third.code).toBe(1);
      const body3 = fs.readFileSync(path.join(dir, "out-3", "comment.md"), "utf8");
      expect(body3).toMatch(/\*\*The head plan has \d+ error-level findings?\*\*/);
      expect(body3).not.toContain("**The change is destructive**");
    } finally {
      await github.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("without a base it cannot run: exit 2 and the usage", async () => {
    const r = await runScript(os.tmpdir(), [], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--base <rev>");
  });
});
