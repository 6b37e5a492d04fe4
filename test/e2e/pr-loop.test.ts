/**
 * The pull-request loop of examples/ci: the script the GitHub and GitLab jobs call runs here on
 * commits of a temporary git repository, with the real calico-ipam CLI as the synth step, and posts
 * to a stand-in of GitHub's comments API, as on each push to a pull request; its GitLab path posts
 * to a stand-in of GitLab's merge-request notes API (paginated).
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

/** How a stand-in answers one request: status, JSON body, extra headers. */
type Answer = [number, unknown, Record<string, string>?];

/** A local HTTP server answering as `answer` says (the request's method, URL, headers and body), recording every request. */
function standIn(answer: (req: http.IncomingMessage, body: string) => Answer): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      const [status, body, headers] = answer(req, text);
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) })),
  );
}

/** GitHub's issue-comments API, as much of it as the script uses, for one pull request (#7 of acme/cluster). */
async function fakeGitHub(): Promise<{ url: string; comments: Comment[]; requests: string[]; close: () => Promise<void> }> {
  const comments: Comment[] = [{ id: 1, body: "Looks good to me" }];
  const server = await standIn((req, text): Answer => {
    if (req.headers.authorization !== "Bearer test-token") return [401, { message: "Bad credentials" }];
    const edit = /^\/repos\/acme\/cluster\/issues\/comments\/(\d+)$/.exec(req.url ?? "");
    if (req.method === "GET" && req.url === "/repos/acme/cluster/issues/7/comments?per_page=100") return [200, comments];
    if (req.method === "POST" && req.url === "/repos/acme/cluster/issues/7/comments") {
      const made = { id: 100 + comments.length, body: JSON.parse(text).body };
      comments.push(made);
      return [201, made];
    }
    const c = req.method === "PATCH" && edit ? comments.find((x) => x.id === Number(edit[1])) : undefined;
    if (!c) return [404, { message: "Not Found" }];
    c.body = JSON.parse(text).body;
    return [200, c];
  });
  return { ...server, comments };
}

/**
 * GitLab's merge-request notes API, as much of it as the script uses, for merge request !12 of project
 * acme/cluster (`CI_PROJECT_ID` may be the path, URL-encoded in the API): notes come two to a page, with
 * `Link: <…>; rel="next"` as GitLab paginates, so the script must follow the pages to find its note.
 */
async function fakeGitLab(notes: Comment[]): Promise<{ url: string; notes: Comment[]; requests: string[]; close: () => Promise<void> }> {
  const prefix = "/api/v4/projects/acme%2Fcluster/merge_requests/12/notes";
  const server = await standIn((req, text): Answer => {
    if (req.headers["private-token"] !== "gl-token") return [401, { message: "401 Unauthorized" }];
    const url = new URL(req.url ?? "", "http://stand-in");
    if (req.method === "GET" && url.pathname === prefix) {
      const page = Number(url.searchParams.get("page") ?? "1");
      const next: Record<string, string> = page * 2 < notes.length ? { link: `<http://${req.headers.host}${prefix}?per_page=100&page=${page + 1}>; rel="next"` } : {};
      return [200, notes.slice((page - 1) * 2, page * 2), next];
    }
    if (req.method === "POST" && url.pathname === prefix) {
      const made = { id: 900 + notes.length, body: JSON.parse(text).body };
      notes.push(made);
      return [201, made];
    }
    const edit = url.pathname.startsWith(`${prefix}/`) ? /^(\d+)$/.exec(url.pathname.slice(prefix.length + 1)) : null;
    const n = req.method === "PUT" && edit ? notes.find((x) => x.id === Number(edit[1])) : undefined;
    if (!n) return [404, { message: "404 Not found" }];
    n.body = JSON.parse(text).body;
    return [200, n];
  });
  return { ...server, notes };
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

  test("GitLab: the note is posted once, then found (past the first page of notes) and updated in place", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pr-gitlab-"));
    const gitlab = await fakeGitLab([
      { id: 1, body: "Please add a test" },
      { id: 2, body: "Done" },
      { id: 3, body: "LGTM" },
    ]);
    const env = { CI_API_V4_URL: `${gitlab.url}/api/v4/`, GITLAB_TOKEN: "gl-token", CI_PROJECT_ID: "acme/cluster", CI_MERGE_REQUEST_IID: "12" };
    try {
      fs.writeFileSync(path.join(dir, "first.md"), "<!-- calico-ipam-plan-diff -->\n## ❌ Calico IPAM plan diff: 1 destructive change\n");
      const first = await runScript(dir, ["--post-only", "first.md", "--post", "gitlab"], env);
      expect(first.stderr).toContain("calico-ipam-pr: posted note 903");
      expect(first.code).toBe(0);
      fs.writeFileSync(path.join(dir, "second.md"), "<!-- calico-ipam-plan-diff -->\n## ✅ Calico IPAM plan diff: 1 change, none destructive\n");
      const second = await runScript(dir, ["--post-only", "second.md", "--post", "gitlab"], env);
      expect(second.stderr).toContain("calico-ipam-pr: updated note 903");
      expect(second.code).toBe(0);
      // One note of the script's, holding the latest body; the others untouched.
      expect(gitlab.notes.map((n) => n.id)).toEqual([1, 2, 3, 903]);
      expect(gitlab.notes[3].body).toBe(fs.readFileSync(path.join(dir, "second.md"), "utf8"));
      expect(gitlab.notes.slice(0, 3).map((n) => n.body)).toEqual(["Please add a test", "Done", "LGTM"]);
      const notes = "/api/v4/projects/acme%2Fcluster/merge_requests/12/notes";
      expect(gitlab.requests).toEqual([
        `GET ${notes}?per_page=100`,
        `GET ${notes}?per_page=100&page=2`,
        `POST ${notes}`,
        `GET ${notes}?per_page=100`,
        `GET ${notes}?per_page=100&page=2`,
        `PUT ${notes}/903`,
      ]);

      // A token GitLab refuses: the script cannot run (exit 2) and says what the API answered.
      const refused = await runScript(dir, ["--post-only", "second.md", "--post", "gitlab"], { ...env, GITLAB_TOKEN: "wrong" });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`GET ${gitlab.url}/api/v4/projects/acme%2Fcluster/merge_requests/12/notes?per_page=100: 401`);
      // A missing variable is named.
      const missing = await runScript(dir, ["--post-only", "second.md", "--post", "gitlab"], { ...env, CI_MERGE_REQUEST_IID: "" });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("--post needs the environment variable CI_MERGE_REQUEST_IID");
    } finally {
      await gitlab.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [["--post-only", "c.md"], "say where with --post github|gitlab"],
    [["--post-only", "c.md", "--post", "gitlab", "--base", "main"], "leave out --base"],
    [["--post-only", "missing.md", "--post", "gitlab"], "--post-only missing.md: cannot read the comment"],
    // A body this script did not make: it could not find it again on the next push.
    [["--post-only", "other.md", "--post", "github"], "its first line is not <!-- calico-ipam-plan-diff -->"],
  ])("--post-only misused (%j): exit 2 and what to do", async (args, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pr-args-"));
    try {
      fs.writeFileSync(path.join(dir, "c.md"), "<!-- calico-ipam-plan-diff -->\nbody\n");
      fs.writeFileSync(path.join(dir, "other.md"), "some other comment\n");
      const r = await runScript(dir, args, {});
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("without a base it cannot run: exit 2 and the usage", async () => {
    const r = await runScript(os.tmpdir(), [], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--base <rev>");
  });
});
